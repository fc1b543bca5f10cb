// The run controls beyond Start: an open-ended run, overrides of a number and a bool input
// while it runs, pause, a single step, resume and stop, with the effects checked in the
// server's recording.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { api, screenshot, serverAndBrowser, withPage } from './support.mjs';

const shared = serverAndBrowser(async (baseUrl) => {
  const project = await api(baseUrl, 'POST', '/projects', { name: 'Controls' });
  const model = await api(baseUrl, 'POST', `/projects/${project.id}/models`, { name: 'Press', step_size: 0.01 });
  const source = await api(baseUrl, 'POST', `/models/${model.id}/components`, {
    name: 'source', type: 'constant', parameters: { value: 1 }, position: { x: 0, y: 0 },
  });
  const scale = await api(baseUrl, 'POST', `/models/${model.id}/components`, {
    name: 'scale', type: 'gain', parameters: { k: 3 }, position: { x: 250, y: 0 },
  });
  await api(baseUrl, 'POST', `/models/${model.id}/components`, { name: 'guard', type: 'not', position: { x: 0, y: 150 } });
  await api(baseUrl, 'POST', `/models/${model.id}/connections`, {
    source: { component_id: source.id, port: 'y' }, target: { component_id: scale.id, port: 'u' },
  });
  return { model };
});

const latest = async (simulationId, signal) => {
  const results = await api(shared.server.baseUrl, 'GET', `/simulations/${simulationId}/results?signals=${signal}`);
  return results.signals[signal].at(-1);
};

test('overrides, pause, a single step, resume and stop act on a running simulation', () =>
  withPage(shared, 'run-controls', async ({ page, problems, server, data }) => {
    await page.goto(`${server.baseUrl}/models/${data.model.id}`);
    await page.getByText('3 components, 1 connections').waitFor();
    await page.getByLabel('Open-ended').check();
    await page.getByRole('button', { name: 'Start', exact: true }).click();
    await page.locator('.simulation-state[data-state="running"]').waitFor();
    const simulationId = Number(/Simulation (\d+)/.exec(await page.locator('.simulation-state').innerText())[1]);

    const overrides = page.getByRole('group', { name: /Override inputs/ });
    await overrides.getByLabel('Input').selectOption('scale.u');
    await overrides.getByLabel('Override value').fill('5');
    await overrides.getByRole('button', { name: 'Set', exact: true }).click();
    await page.getByRole('list', { name: 'Active overrides' }).getByText('scale.u = 5').waitFor();
    await overrides.getByLabel('Input').selectOption('guard.IN');
    await overrides.getByRole('button', { name: 'Set TRUE' }).click();
    await page.getByRole('list', { name: 'Active overrides' }).getByText('guard.IN = TRUE').waitFor();
    await overrides.getByLabel('Override value').waitFor({ state: 'detached' });

    await page.getByRole('button', { name: 'Pause', exact: true }).click();
    await page.locator('.simulation-state[data-state="paused"]').waitFor();
    assert.equal(await latest(simulationId, 'scale.y'), 15, 'the override drives the gain');
    assert.equal(await latest(simulationId, 'guard.OUT'), 0, 'NOT TRUE is FALSE');
    await screenshot(page, 'run-controls-paused');

    const before = (await api(server.baseUrl, 'GET', `/simulations/${simulationId}`)).steps;
    await page.getByRole('button', { name: 'Step once' }).click();
    await page.getByText(`(${before + 1} steps)`).waitFor();

    await page.getByRole('button', { name: 'Release scale.u' }).click();
    await page.getByRole('list', { name: 'Active overrides' }).getByText('scale.u = 5').waitFor({ state: 'detached' });
    await page.getByRole('button', { name: 'Resume', exact: true }).click();
    await page.locator('.simulation-state[data-state="running"]').waitFor();
    await page.waitForTimeout(200);
    assert.equal(await latest(simulationId, 'scale.y'), 3, 'released, the gain follows its driver again');

    await page.getByRole('button', { name: 'Stop', exact: true }).click();
    await page.locator('.simulation-state[data-state="stopped"]').waitFor();
    await page.getByRole('heading', { name: `Recording of simulation ${simulationId}` }).waitFor();
    await page.getByRole('link', { name: 'Download CSV' }).waitFor();

    // The runs are kept: a second one, then the first picked again with its recording.
    await page.getByLabel('Open-ended').uncheck();
    await page.getByLabel('End time (s)').fill('0.5');
    await page.getByLabel('Real-time factor').fill('0');
    await page.getByRole('button', { name: 'Run again', exact: true }).click();
    await page.locator('.simulation-state[data-state="completed"]').waitFor();
    await page.reload();
    await page.getByText(`Simulation ${simulationId + 1} is completed`).waitFor();
    await page.getByLabel('Show run').selectOption(String(simulationId));
    await page.getByText(`Simulation ${simulationId} is stopped`).waitFor();
    await page.getByRole('heading', { name: `Recording of simulation ${simulationId}` }).waitFor();
    assert.deepEqual(problems, [], 'the page logged no errors');
  }));
