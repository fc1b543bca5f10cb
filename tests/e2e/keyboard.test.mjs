// A model built without a mouse: components added from the palette with Enter, connected
// through the property panel's input choices, a component deleted with the Delete key.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { api, screenshot, serverAndBrowser, withPage } from './support.mjs';

const shared = serverAndBrowser(async (baseUrl) => {
  const project = await api(baseUrl, 'POST', '/projects', { name: 'Keyboard' });
  return { model: await api(baseUrl, 'POST', `/projects/${project.id}/models`, { name: 'Keys', step_size: 0.1 }) };
});

test('components are added, connected and deleted from the keyboard', () =>
  withPage(shared, 'keyboard', async ({ page, problems, server, data }) => {
    await page.goto(`${server.baseUrl}/models/${data.model.id}`);
    const search = page.getByLabel('Search component types');
    await search.focus();
    await search.fill('pt1');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await page.getByRole('complementary', { name: 'Properties of pt1_1' }).waitFor();
    await search.fill('constant');
    await search.press('Tab');
    await page.keyboard.press('Enter');
    await page.getByRole('complementary', { name: 'Properties of constant_1' }).waitFor();

    // Back to pt1_1 by focusing its node and pressing Enter, then choose its input's driver.
    await page.locator('.react-flow__node', { has: page.locator('[data-component="pt1_1"]') }).focus();
    await page.keyboard.press('Enter');
    const panel = page.getByRole('complementary', { name: 'Properties of pt1_1' });
    await panel.waitFor();
    await panel.getByLabel(/u real driven by/).selectOption({ label: 'constant_1.y' });
    await page.getByText('2 components, 1 connections').waitFor();
    await screenshot(page, 'keyboard-connected');
    const connections = await api(server.baseUrl, 'GET', `/models/${data.model.id}/connections`);
    assert.equal(connections.total, 1);
    assert.equal(connections.items[0].target.port, 'u');

    await panel.getByLabel(/u real driven by/).selectOption('');
    await page.getByText('2 components, 0 connections').waitFor();

    // A connection focused on the canvas and selected with Enter goes with the Delete key.
    await panel.getByLabel(/u real driven by/).selectOption({ label: 'constant_1.y' });
    await page.getByText('2 components, 1 connections').waitFor();
    await page.locator('.react-flow__edge').focus();
    await page.keyboard.press('Enter');
    await page.keyboard.press('Delete');
    await page.getByText('2 components, 0 connections').waitFor();

    await page.locator('.react-flow__node', { has: page.locator('[data-component="constant_1"]') }).focus();
    await page.keyboard.press('Enter');
    await page.keyboard.press('Delete');
    await page.getByText('1 components, 0 connections').waitFor();
    const components = await api(server.baseUrl, 'GET', `/models/${data.model.id}/components`);
    assert.deepEqual(components.items.map((c) => c.name), ['pt1_1']);
    assert.deepEqual(problems, [], 'the page logged no errors');
  }));
