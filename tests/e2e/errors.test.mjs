// Mistakes a person makes get an answer in words at the field they concern: the app's own
// checks, and the server's problem details (422 errors[].pointer, 409) alike.
import assert from 'node:assert/strict';
import { writeFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';

import { api, screenshot, serverAndBrowser, withPage } from './support.mjs';

const shared = serverAndBrowser(async (baseUrl) => {
  const project = await api(baseUrl, 'POST', '/projects', { name: 'Line 3' });
  const model = await api(baseUrl, 'POST', `/projects/${project.id}/models`, { name: 'Mixer', step_size: 0.01 });
  const mix = await api(baseUrl, 'POST', `/models/${model.id}/components`, {
    name: 'mix',
    type: 'sum',
    parameters: { signs: '+-' },
  });
  await api(baseUrl, 'POST', `/models/${model.id}/components`, { name: 'lag', type: 'pt1' });
  return { project, model, mix };
});

// Chromium logs every answer with an error status; a test that provokes one expects it, and no
// other error.
function noErrorsLogged(problems, ...expectedStatuses) {
  const expected = (problem) =>
    expectedStatuses.some((status) => problem.includes(`the server responded with a status of ${status}`));
  assert.deepEqual(problems.filter((problem) => !expected(problem)), [], 'the page logged no other errors');
}

test('a parameter the server refuses shows the server’s words at its field', () =>
  withPage(shared, 'server-parameter-error', async ({ page, problems, server, data }) => {
    await page.goto(`${server.baseUrl}/models/${data.model.id}`);
    await page.locator('[data-component="mix"] .component-node-header').click();
    const signs = page.getByLabel('signs', { exact: true });
    await signs.fill('+x');
    await page.getByRole('button', { name: 'Apply' }).click();
    const error = page.locator('.field', { has: signs }).locator('.field-error');
    await error.waitFor();
    assert.match(await error.innerText(), /may contain only '\+' and '-'/);
    assert.equal(await signs.getAttribute('aria-invalid'), 'true');
    await screenshot(page, 'errors-server-parameter');

    // Corrected, the sum gets a third input on the canvas.
    await signs.fill('+-+');
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.locator('[data-component="mix"] [data-handleid="in:u3"]').waitFor();
    const stored = await api(server.baseUrl, 'GET', `/components/${data.mix.id}`);
    assert.equal(stored.parameters.signs, '+-+');
    noErrorsLogged(problems, 422);
  }));

test('values that are no numbers are caught at the field before they are sent', () =>
  withPage(shared, 'client-errors', async ({ page, problems, server, data }) => {
    await page.goto(`${server.baseUrl}/models/${data.model.id}`);
    await page.locator('[data-component="lag"] .component-node-header').click();
    await page.getByLabel('k', { exact: true }).fill('abc');
    await page.getByText("'abc' is not a number.").waitFor();
    await page.getByLabel('Name', { exact: true }).fill('2lag');
    await page.getByText("Start with a letter or '_'").waitFor();
    assert.equal(await page.getByRole('button', { name: 'Apply' }).isDisabled(), true);

    await page.getByLabel('Step size (s)').fill('0');
    await page.getByRole('button', { name: 'Start', exact: true }).click();
    await page.getByText('Must be greater than 0.').waitFor();
    const simulations = await api(server.baseUrl, 'GET', `/models/${data.model.id}/simulations`);
    assert.equal(simulations.total, 0, 'nothing was sent');
    noErrorsLogged(problems);
  }));

test('a duplicate project name is answered at the name field', () =>
  withPage(shared, 'conflict', async ({ page, problems, server }) => {
    await page.goto(`${server.baseUrl}/`);
    await page.getByLabel('Name of the new project').fill('Line 3');
    await page.getByRole('button', { name: 'Create project' }).click();
    await page.getByText("A project named 'Line 3' already exists").waitFor();
    await screenshot(page, 'errors-duplicate-project');
    noErrorsLogged(problems, 409);
  }));

test('a file that is not a model is refused with the reason', () =>
  withPage(shared, 'bad-import', async ({ page, problems, server, data }) => {
    const folder = await mkdtemp(path.join(tmpdir(), 'twinloop-e2e-import-'));
    try {
      const notJson = path.join(folder, 'notes.json');
      await writeFile(notJson, 'this is not JSON');
      const wrongFormat = path.join(folder, 'other.json');
      await writeFile(wrongFormat, JSON.stringify({ format: 'something.else', format_version: 1, model: { name: 'X' } }));

      await page.goto(`${server.baseUrl}/projects/${data.project.id}`);
      const input = page.locator('input[type="file"][accept*="json"]');
      await input.setInputFiles(notJson);
      await page.getByText('notes.json is not a JSON file.').waitFor();
      await input.setInputFiles(wrongFormat);
      await page.getByText(/other\.json was not imported\..*\/format/).waitFor();

      // A hand-written document without positions opens laid out, no component on another.
      const unplaced = path.join(folder, 'unplaced.json');
      await writeFile(
        unplaced,
        JSON.stringify({
          format: 'twinloop.model',
          format_version: 1,
          model: { name: 'Unplaced' },
          components: ['a', 'b', 'c', 'd'].map((name) => ({ name, type: 'pt1' })),
          connections: [
            { source: { component: 'a', port: 'y' }, target: { component: 'b', port: 'u' } },
            { source: { component: 'a', port: 'y' }, target: { component: 'c', port: 'u' } },
            { source: { component: 'c', port: 'y' }, target: { component: 'd', port: 'u' } },
          ],
        }),
      );
      await input.setInputFiles(unplaced);
      await page.getByRole('heading', { name: 'Unplaced', level: 1 }).waitFor();
      await page.getByText('4 components, 3 connections').waitFor();
      const boxes = await page.locator('.react-flow__node').evaluateAll((nodes) =>
        nodes.map((node) => node.getBoundingClientRect().toJSON()),
      );
      for (const [i, a] of boxes.entries()) {
        for (const b of boxes.slice(i + 1)) {
          const apart = a.right <= b.left || b.right <= a.left || a.bottom <= b.top || b.bottom <= a.top;
          assert.ok(apart, 'no two components overlap');
        }
      }
      const modelId = Number(new URL(page.url()).pathname.split('/').pop());
      await page.waitForFunction(async (id) => {
        const answer = await fetch(`/api/v1/models/${id}/components`).then((response) => response.json());
        return answer.items.every((component) => component.position !== null);
      }, modelId);
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
    noErrorsLogged(problems, 422);
  }));

test('pages of things that do not exist say so', () =>
  withPage(shared, 'not-found', async ({ page, problems, server }) => {
    await page.goto(`${server.baseUrl}/models/9999`);
    await page.getByText('This model does not exist (any more).').waitFor();
    await page.goto(`${server.baseUrl}/projects/9999`);
    await page.getByText('This project does not exist (any more).').waitFor();
    await page.goto(`${server.baseUrl}/no/such/page`);
    await page.getByRole('heading', { name: 'Page not found' }).waitFor();
    noErrorsLogged(problems, 404);
  }));

test('a project is renamed and deleted after a confirmation', () =>
  withPage(shared, 'rename-delete', async ({ page, problems, server }) => {
    await api(server.baseUrl, 'POST', '/projects', { name: 'Scratch' });
    await page.goto(`${server.baseUrl}/`);
    await page.getByRole('button', { name: 'Rename Scratch' }).click();
    await page.getByLabel('New name of project Scratch').fill('Scratch 2');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('link', { name: 'Scratch 2' }).waitFor();

    await page.getByRole('button', { name: 'Delete Scratch 2' }).click();
    const dialog = page.getByRole('dialog', { name: 'Delete project “Scratch 2”?' });
    await dialog.waitFor();
    await screenshot(page, 'projects-delete-confirmation');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await page.getByRole('link', { name: 'Scratch 2' }).waitFor();
    await page.getByRole('button', { name: 'Delete Scratch 2' }).click();
    await dialog.getByRole('button', { name: 'Delete project' }).click();
    await page.getByRole('link', { name: 'Scratch 2' }).waitFor({ state: 'detached' });
    const projects = await api(server.baseUrl, 'GET', '/projects');
    assert.deepEqual(projects.items.map((p) => p.name), ['Line 3']);
    noErrorsLogged(problems);
  }));
