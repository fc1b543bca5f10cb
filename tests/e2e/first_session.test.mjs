// The path of a new user: create a project and a model, add a step, a pt1 and a gain from the
// palette, connect them, set parameters, run the simulation and watch the plot, download the
// CSV and find the right value in it.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';

import { screenshot, serverAndBrowser, withPage } from './support.mjs';

const shared = serverAndBrowser();

async function dropFromPalette(page, type, x, y) {
  await page.locator(`.palette-item[data-type="${type}"]`).dragTo(page.locator('.react-flow__pane'), {
    targetPosition: { x, y },
  });
  await page.locator(`.react-flow__node [data-component="${type}_1"]`).waitFor();
}

async function connect(page, from, to) {
  const [fromComponent, fromPort] = from.split('.');
  const [toComponent, toPort] = to.split('.');
  const source = await page.locator(`[data-component="${fromComponent}"] [data-handleid="out:${fromPort}"]`).boundingBox();
  const target = await page.locator(`[data-component="${toComponent}"] [data-handleid="in:${toPort}"]`).boundingBox();
  await page.mouse.move(source.x + source.width / 2, source.y + source.height / 2);
  await page.mouse.down();
  await page.mouse.move(target.x + target.width / 2, target.y + target.height / 2, { steps: 12 });
  await page.mouse.up();
}

async function select(page, component) {
  await page.locator(`[data-component="${component}"] .component-node-header`).click();
  await page.getByRole('complementary', { name: `Properties of ${component}` }).waitFor();
}

test('a new user builds, runs and watches a model, then downloads its CSV', () =>
  withPage(shared, 'first-session', async ({ page, problems, server }) => {
    await page.goto(server.baseUrl + '/');
    await page.getByRole('heading', { name: 'Projects', level: 1 }).waitFor();
    await page.getByText('No projects yet').waitFor();
    await screenshot(page, '01-projects');

    await page.getByLabel('Name of the new project').fill('Packaging line');
    await page.getByRole('button', { name: 'Create project' }).click();
    await page.getByRole('heading', { name: 'Packaging line', level: 1 }).waitFor();
    await screenshot(page, '02-project');

    await page.getByLabel('Name of the new model').fill('Heater');
    await page.getByLabel('Step size (s)').fill('0.01');
    await page.getByRole('button', { name: 'Create model' }).click();
    await page.getByRole('heading', { name: 'Heater', level: 1 }).waitFor();
    await page.locator('.palette-item').first().waitFor();

    await dropFromPalette(page, 'step', 90, 90);
    await dropFromPalette(page, 'pt1', 330, 170);
    await dropFromPalette(page, 'gain', 570, 90);
    await connect(page, 'step_1.y', 'pt1_1.u');
    await connect(page, 'pt1_1.y', 'gain_1.u');
    await page.waitForFunction(() => document.querySelectorAll('.react-flow__edge').length === 2);
    await page.getByText('3 components, 2 connections').waitFor();

    // A second driver for an input is refused, and the editor says why.
    await connect(page, 'gain_1.y', 'pt1_1.u');
    await page.getByText('pt1_1.u already has a driver; delete that connection first.').waitFor();
    await page.getByText('3 components, 2 connections').waitFor();

    // An invalid value shows its error at its field and cannot be applied.
    await select(page, 'pt1_1');
    const timeConstant = page.getByLabel('t (s)', { exact: true });
    await timeConstant.fill('-1');
    await page.getByText('Must be at least 0 s.').waitFor();
    assert.equal(await timeConstant.getAttribute('aria-invalid'), 'true');
    assert.equal(await page.getByRole('button', { name: 'Apply' }).isDisabled(), true);
    await screenshot(page, '03-editor-invalid-parameter');
    await timeConstant.fill('0.5');
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved' }).waitFor();

    await select(page, 'gain_1');
    await page.getByLabel('k', { exact: true }).fill('2');
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved' }).waitFor();

    // Two seconds at wall-clock pace, so the live plot grows while the test looks.
    await page.getByLabel('End time (s)').fill('2');
    await page.getByLabel('Real-time factor').fill('1');
    const signals = page.getByRole('group', { name: 'Signals to plot' });
    for (const signal of ['step_1.y', 'pt1_1.y', 'gain_1.y']) {
      assert.equal(await signals.getByLabel(signal).isChecked(), true, `${signal} is plotted`);
    }
    await page.getByRole('button', { name: 'Start', exact: true }).click();
    await page.locator('.simulation-state[data-state="running"]').waitFor();
    const samples = () => page.locator('.simulation-plot .plot').getAttribute('data-samples').then(Number);
    await page.waitForFunction(() => Number(document.querySelector('.simulation-plot .plot')?.dataset.samples) > 0);
    const early = await samples();
    await page.waitForTimeout(500);
    const later = await samples();
    assert.ok(later > early, `the live plot grew from ${early} to ${later} samples while running`);
    await screenshot(page, '04-editor-running');

    await page.locator('.simulation-state[data-state="completed"]').waitFor({ timeout: 15000 });
    await page.getByRole('heading', { name: /Recording of simulation/ }).waitFor();
    assert.equal(await samples(), 201, 'the recording has every step from 0 to 2 s');
    await screenshot(page, '05-editor-recording');

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Download CSV' }).click(),
    ]);
    const csv = (await readFile(await download.path(), 'utf8')).trim().split('\n');
    const header = csv[0].split(',');
    assert.equal(header[0], 'time');
    const row = csv.map((line) => line.split(',')).find((cells) => Number(cells[0]) === 2);
    assert.ok(row, 'the CSV has a row at t = 2 s');
    const gain = Number(row[header.indexOf('gain_1.y')]);
    // A unit step at t = 1 s through 1/(0.5 s + 1), times 2: 2 * (1 - e^-2) one second later.
    assert.ok(Math.abs(gain - 2 * (1 - Math.exp(-2))) < 1e-9, `gain_1.y at t = 2 s is ${gain}`);

    // What was built is on the server: a reload shows it again.
    await page.reload();
    await page.getByText('3 components, 2 connections').waitFor();

    // Exported and imported again, the model comes back as a copy beside the first.
    const [exported] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Export JSON' }).click(),
    ]);
    const documentPath = await exported.path();
    const document = JSON.parse(await readFile(documentPath, 'utf8'));
    assert.equal(document.format, 'twinloop.model');
    assert.deepEqual(document.components.map((c) => c.name).sort(), ['gain_1', 'pt1_1', 'step_1']);
    assert.equal(document.components.find((c) => c.name === 'pt1_1').parameters.t, 0.5);
    await page.locator('.toolbar-buttons input[type="file"]').setInputFiles(documentPath);
    await page.getByRole('heading', { name: 'Heater (2)', level: 1 }).waitFor();
    await page.getByText('3 components, 2 connections').waitFor();

    assert.deepEqual(problems, [], 'the page logged no errors');
  }));
