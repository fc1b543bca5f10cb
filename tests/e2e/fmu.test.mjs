// FMUs in the browser: upload one to a project, read its variables, add it to a model from its
// page and from the editor's palette and see its ports on the canvas; a file that is no FMU is
// refused in words, and an FMU in use is not deleted.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';

import { api, screenshot, serverAndBrowser, withPage } from './support.mjs';

const fmuDir = process.env.TWINLOOP_TEST_FMU_DIR;
if (!fmuDir) throw new Error('TWINLOOP_TEST_FMU_DIR is not set; run the e2e tests through ctest (label web)');
const pt1 = path.join(fmuDir, 'pt1.fmu');

const shared = serverAndBrowser(async (baseUrl) => {
  const project = await api(baseUrl, 'POST', '/projects', { name: 'Plant models' });
  const model = await api(baseUrl, 'POST', `/projects/${project.id}/models`, { name: 'Loop', step_size: 0.01 });
  return { project, model };
});

function noErrorsLogged(problems, ...expectedStatuses) {
  const expected = (problem) =>
    expectedStatuses.some((status) => problem.includes(`the server responded with a status of ${status}`));
  assert.deepEqual(problems.filter((problem) => !expected(problem)), [], 'the page logged no other errors');
}

const uploadInput = (page) => page.locator('section[aria-labelledby="fmus"] input[type="file"]');

test('an uploaded FMU shows its variables and becomes a component with its ports', () =>
  withPage(shared, 'fmu-upload', async ({ page, problems, server, data }) => {
    await page.goto(`${server.baseUrl}/projects/${data.project.id}`);
    await page.getByRole('heading', { name: 'FMUs', level: 2 }).waitFor();
    await page.getByText('No FMUs yet').waitFor();
    await uploadInput(page).setInputFiles(pt1);
    await page.getByText('pt1.fmu was uploaded: PT1, FMI 2.0.').waitFor();
    const item = page.getByRole('list', { name: 'FMUs' }).getByRole('listitem');
    assert.match(await item.innerText(), /FMI 2\.0, co-simulation, \d+(\.\d)? kB/);
    await screenshot(page, 'fmu-01-project');

    await page.getByRole('link', { name: 'pt1.fmu' }).click();
    await page.getByRole('heading', { name: 'FMU pt1.fmu', level: 1 }).waitFor();
    const table = page.getByRole('table', { name: 'Variables' });
    await table.waitFor();
    const rows = table.locator('tbody tr');
    assert.deepEqual(await rows.locator('th').allInnerTexts(), ['u', 'y', 'K', 'T']);
    const t = await rows.filter({ hasText: 'time constant' }).locator('td').allInnerTexts();
    assert.deepEqual(t.slice(0, 5), ['parameter', 'fixed', 'Float64', 's', '1']);
    await page.getByLabel('Causality').selectOption('input');
    assert.deepEqual(await rows.locator('th').allInnerTexts(), ['u']);
    await screenshot(page, 'fmu-02-variables');

    await page.getByLabel('Model', { exact: true }).selectOption({ label: 'Loop' });
    await page.getByRole('button', { name: 'Add to model' }).click();
    await page.getByText('Added as PT1_1 to Loop.').waitFor();
    await page.getByRole('link', { name: 'Open Loop' }).click();
    const node = page.locator('[data-component="PT1_1"]');
    await node.locator('[data-handleid="in:u"]').waitFor();
    await node.locator('[data-handleid="out:y"]').waitFor();

    // The palette lists the project's FMUs: another one, added with a click.
    await page.getByRole('button', { name: 'Add FMU pt1.fmu' }).click();
    await page.locator('[data-component="PT1_2"] [data-handleid="out:y"]').waitFor();
    await page.getByText('2 components, 0 connections').waitFor();
    // And one dragged onto the canvas.
    await page.locator('.palette-item[data-fmu]').dragTo(page.locator('.react-flow__pane'), { targetPosition: { x: 500, y: 320 } });
    await page.locator('[data-component="PT1_3"] [data-handleid="in:u"]').waitFor();
    await screenshot(page, 'fmu-03-editor');

    const components = await api(server.baseUrl, 'GET', `/models/${data.model.id}/components`);
    assert.deepEqual(
      components.items.map((component) => [component.name, component.type, component.parameters.fmu]),
      ['PT1_1', 'PT1_2', 'PT1_3'].map((name) => [name, 'fmu', components.items[0].parameters.fmu]),
    );
    noErrorsLogged(problems);
  }));

test('a file that is no FMU is refused in words, and an FMU in use stays', () =>
  withPage(shared, 'fmu-errors', async ({ page, problems, server, data }) => {
    const scratch = await mkdtemp(path.join(tmpdir(), 'twinloop-e2e-fmu-'));
    try {
      const notes = path.join(scratch, 'notes.fmu');
      await writeFile(notes, 'these are notes, not a zip archive\n');
      await page.goto(`${server.baseUrl}/projects/${data.project.id}`);
      await page.getByRole('heading', { name: 'FMUs', level: 2 }).waitFor();
      await uploadInput(page).setInputFiles(notes);
      const alert = page.locator('section[aria-labelledby="fmus"] .error-message');
      await alert.waitFor();
      assert.match(await alert.innerText(), /^notes\.fmu was not uploaded\. The FMU is refused: .+/);
      await screenshot(page, 'fmu-04-refused');

      // Files dropped on the upload area: the FMU the project has already is not a second one.
      const bytes = [...(await readFile(pt1))];
      await page.locator('.drop-zone').evaluate((zone, content) => {
        const transfer = new DataTransfer();
        transfer.items.add(new File([new Uint8Array(content)], 'pt1.fmu', { type: 'application/octet-stream' }));
        for (const type of ['dragenter', 'dragover', 'drop']) {
          zone.dispatchEvent(new DragEvent(type, { bubbles: true, cancelable: true, dataTransfer: transfer }));
        }
      }, bytes);
      await page.getByText('The project has pt1.fmu already').waitFor();
      assert.equal(await alert.count(), 0, 'the error of the refused upload is gone');
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }

    // The FMU of the first test is used by its components: the server refuses (409), in words.
    const fmus = await api(server.baseUrl, 'GET', `/projects/${data.project.id}/fmus`);
    assert.equal(fmus.total, 1);
    await page.getByRole('button', { name: 'Delete pt1.fmu' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('button', { name: 'Delete FMU' }).click();
    await dialog.locator('.error-message').waitFor();
    assert.match(await dialog.locator('.error-message').innerText(), /is used by component 'PT1_\d' of model \d+/);
    await screenshot(page, 'fmu-05-in-use');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    assert.equal((await api(server.baseUrl, 'GET', `/projects/${data.project.id}/fmus`)).total, 1);
    noErrorsLogged(problems, 422, 409);
  }));
