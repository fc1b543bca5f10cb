// HIL in the browser: a project's OPC UA endpoints and a model's bindings are created, edited
// and deleted, mistakes are answered at their fields, and a running simulation shows the state
// of its endpoint (one nobody listens at, so it never connects).
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { api, screenshot, serverAndBrowser, withPage } from './support.mjs';

const shared = serverAndBrowser(async (baseUrl) => {
  const project = await api(baseUrl, 'POST', '/projects', { name: 'Cell 4' });
  const model = await api(baseUrl, 'POST', `/projects/${project.id}/models`, { name: 'Conveyor', step_size: 0.01 });
  await api(baseUrl, 'POST', `/models/${model.id}/components`, { name: 'lag', type: 'pt1', position: { x: 100, y: 100 } });
  return { project, model };
});

function noErrorsLogged(problems, ...expectedStatuses) {
  const expected = (problem) =>
    expectedStatuses.some((status) => problem.includes(`the server responded with a status of ${status}`));
  assert.deepEqual(problems.filter((problem) => !expected(problem)), [], 'the page logged no other errors');
}

test('endpoints are created, edited and refused at their fields', () =>
  withPage(shared, 'hil-endpoints', async ({ page, problems, server, data }) => {
    await page.goto(`${server.baseUrl}/projects/${data.project.id}`);
    await page.getByRole('link', { name: 'OPC UA endpoints' }).click();
    await page.getByRole('heading', { name: 'Hardware in the loop · Cell 4', level: 1 }).waitFor();
    await page.getByText('No endpoints yet').waitFor();

    const form = page.getByRole('form', { name: 'New endpoint' });
    await form.getByLabel('Name', { exact: true }).fill('PLC 1');
    await form.getByLabel('URL').fill('http://127.0.0.1:1');
    await form.getByRole('button', { name: 'Create endpoint' }).click();
    await form.getByText('An OPC UA URL starts with opc.tcp://').waitFor();
    await form.getByLabel('URL').fill('opc.tcp://127.0.0.1:1');
    await form.getByLabel('Connect timeout (s)').fill('0.2');
    await form.getByRole('button', { name: 'Create endpoint' }).click();
    const table = page.getByRole('table', { name: 'Endpoints' });
    await table.locator('tr[data-endpoint="PLC 1"]').waitFor();
    assert.match(await table.locator('tr[data-endpoint="PLC 1"]').innerText(), /opc\.tcp:\/\/127\.0\.0\.1:1.*connect 0\.2 s, request 1 s.*every step.*hold/s);

    // A password without a user name is caught here; a second "PLC 1" by the server.
    await form.getByLabel('Name', { exact: true }).fill('PLC 1');
    await form.getByLabel('URL').fill('opc.tcp://127.0.0.1:2');
    await form.getByLabel('Password (optional)').fill('secret');
    await form.getByRole('button', { name: 'Create endpoint' }).click();
    await form.getByText('A password needs a user name to go with it.').waitFor();
    await form.getByLabel('Password (optional)').fill('');
    await form.getByRole('button', { name: 'Create endpoint' }).click();
    const nameError = form.locator('.field', { has: page.getByLabel('Name', { exact: true }) }).locator('.field-error');
    await nameError.waitFor();
    assert.match(await nameError.innerText(), /has an endpoint named 'PLC 1' already/);
    await screenshot(page, 'hil-01-endpoints');

    await page.getByRole('button', { name: 'Edit PLC 1' }).click();
    const edit = page.getByRole('form', { name: 'Edit endpoint PLC 1' });
    await edit.getByLabel('Request timeout (s)').fill('0.5');
    await edit.getByLabel('When the connection fails').selectOption('hold');
    await edit.getByRole('button', { name: 'Save endpoint' }).click();
    await table.locator('tr[data-endpoint="PLC 1"]', { hasText: 'request 0.5 s' }).waitFor();
    const endpoints = await api(server.baseUrl, 'GET', `/projects/${data.project.id}/endpoints`);
    assert.equal(endpoints.total, 1);
    assert.equal(endpoints.items[0].request_timeout, 0.5);
    noErrorsLogged(problems, 409, 422);
  }));

test('bindings offer inputs for read and outputs for write, and the server’s refusals show at the field', () =>
  withPage(shared, 'hil-bindings', async ({ page, problems, server, data }) => {
    await page.goto(`${server.baseUrl}/models/${data.model.id}`);
    await page.getByRole('link', { name: 'HIL bindings' }).click();
    await page.getByRole('heading', { name: 'HIL bindings · Conveyor', level: 1 }).waitFor();
    await page.getByText('No bindings yet.').waitFor();
    const form = page.getByRole('form', { name: 'New binding' });
    const signal = form.getByLabel(/^Signal/);
    assert.deepEqual(await signal.locator('option').allInnerTexts(), ['Choose…', 'lag.u (real)']);
    await form.getByLabel('Direction').selectOption('write');
    assert.deepEqual(await signal.locator('option').allInnerTexts(), ['Choose…', 'lag.y (real)']);
    await form.getByLabel('Direction').selectOption('read');

    await signal.selectOption('lag.u');
    await form.getByLabel('Node id').fill('Q0.1');
    await form.getByRole('button', { name: 'Create binding' }).click();
    await form.getByText('Write the node id as ns=<index>;s=<name>').waitFor();
    await form.getByLabel('Node id').fill('ns=2;s=Q0.1');
    await form.getByLabel('Scale').fill('0.5');
    await form.getByRole('button', { name: 'Create binding' }).click();
    const table = page.getByRole('table', { name: 'Bindings' });
    await table.locator('tr[data-binding="lag.u"]').waitFor();
    assert.match(await table.locator('tr[data-binding="lag.u"]').innerText(), /read.*PLC 1.*ns=2;s=Q0\.1.*0\.5.*0.*automatic/s);

    // An input has one driver: the server refuses a second read binding of lag.u at the signal.
    await signal.selectOption('lag.u');
    await form.getByLabel('Node id').fill('ns=2;s=Q0.2');
    await form.getByRole('button', { name: 'Create binding' }).click();
    const signalError = form.locator('.field', { has: page.getByLabel(/^Signal/) }).locator('.field-error');
    await signalError.filter({ hasText: 'already' }).waitFor();
    assert.match(await signalError.innerText(), /Input 'lag\.u' is driven by binding \d+ already/);

    await form.getByLabel('Direction').selectOption('write');
    await signal.selectOption('lag.y');
    await form.getByLabel('Node id').fill('ns=2;s=AO.1');
    await form.getByLabel('OPC UA data type').selectOption('Float');
    await form.getByRole('button', { name: 'Create binding' }).click();
    await table.locator('tr[data-binding="lag.y"]', { hasText: 'Float' }).waitFor();
    await screenshot(page, 'hil-02-bindings');

    await page.getByRole('button', { name: 'Edit binding of lag.y' }).click();
    const edit = page.getByRole('form', { name: 'Edit binding of lag.y' });
    await edit.getByLabel('Offset').fill('4');
    await edit.getByRole('button', { name: 'Save binding' }).click();
    await table.locator('tr[data-binding="lag.y"]', { hasText: '4' }).waitFor();
    const bindings = await api(server.baseUrl, 'GET', `/models/${data.model.id}/bindings`);
    assert.deepEqual(
      bindings.items.map((b) => [b.signal, b.direction, b.node_id, b.scale, b.offset, b.data_type]),
      [
        ['lag.u', 'read', 'ns=2;s=Q0.1', 0.5, 0, null],
        ['lag.y', 'write', 'ns=2;s=AO.1', 1, 4, 'Float'],
      ],
    );

    // The endpoint is in use: not deleted, and the dialog says why.
    await page.getByRole('link', { name: "Manage the project's endpoints" }).click();
    await page.getByRole('button', { name: 'Delete PLC 1' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('button', { name: 'Delete endpoint' }).click();
    await dialog.locator('.error-message').waitFor();
    assert.match(await dialog.locator('.error-message').innerText(), /is used by bindings.*HIL bindings page/);
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    noErrorsLogged(problems, 409, 422);
  }));

test('a running simulation shows the state of its endpoint', () =>
  withPage(shared, 'hil-status', async ({ page, problems, server, data }) => {
    await page.goto(`${server.baseUrl}/models/${data.model.id}`);
    await page.getByLabel('End time (s)').fill('3');
    await page.getByRole('button', { name: 'Start', exact: true }).click();
    const status = page.getByRole('region', { name: 'HIL endpoints' });
    const plc = status.locator('li[data-endpoint="PLC 1"]');
    await plc.waitFor();
    assert.match(await plc.innerText(), /PLC 1 (connecting|reconnecting|failed|stopped)/);
    assert.match(await plc.innerText(), /2 bindings/);
    await screenshot(page, 'hil-03-status');
    await page.locator('.simulation-state[data-state="completed"], .simulation-state[data-state="failed"]').waitFor({ timeout: 20000 });
    noErrorsLogged(problems);
  }));
