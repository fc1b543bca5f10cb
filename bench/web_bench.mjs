#!/usr/bin/env node
// Figures of the web front end, from a built tree (`cmake --build --preset release`):
//   - the gzip size of the first load: index.html and every script and stylesheet it names;
//   - for a model of N components (default 500, pt1 blocks in a chain, placed on a grid): the
//     time from navigation to an interactive editor (every component drawn and the counts
//     shown), the time from a click on a component to its property panel, and the frame
//     intervals while a component is dragged, in headless Chromium driven by playwright-core.
// The server is the real `twinloop serve` on 127.0.0.1 with an ephemeral port and a temporary
// data directory, stopped by its PID. A figure, never a pass/fail verdict.
// Usage: node bench/web_bench.mjs [--components N] [--runs R] [--build build/release]
import { readFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values: options } = parseArgs({
  options: {
    components: { type: 'string', default: '500' },
    runs: { type: 'string', default: '5' },
    build: { type: 'string', default: 'build/release' },
  },
});
const build = path.resolve(root, options.build);
const count = Number(options.components);
const runs = Number(options.runs);
process.env.TWINLOOP_BINARY ??= path.join(build, 'bin/twinloop');
process.env.TWINLOOP_WWW_DIR ??= path.join(build, 'share/twinloop/www');
process.env.TWINLOOP_WEB_DIR ??= path.join(root, 'web');
process.env.TWINLOOP_E2E_ARTIFACTS ??= path.join(build, 'e2e-artifacts');
const { api, startBrowser, startServer } = await import('../tests/e2e/support.mjs');

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
};
const range = (values) => `median ${median(values).toFixed(0)}, min ${Math.min(...values).toFixed(0)}, max ${Math.max(...values).toFixed(0)}`;

async function firstLoadSize() {
  const www = process.env.TWINLOOP_WWW_DIR;
  const html = await readFile(path.join(www, 'index.html'));
  const files = [...html.toString().matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((match) => match[1]);
  let raw = html.length;
  let gzip = gzipSync(html, { level: 9 }).length;
  for (const file of files) {
    const content = await readFile(path.join(www, file));
    raw += content.length;
    gzip += gzipSync(content, { level: 9 }).length;
  }
  return { files: ['/index.html', ...files], raw, gzip };
}

async function buildModel(baseUrl) {
  const project = await api(baseUrl, 'POST', '/projects', { name: 'Bench' });
  const columns = Math.ceil(Math.sqrt(count * 2));
  const document = {
    format: 'twinloop.model',
    format_version: 1,
    model: { name: 'chain', step_size: 0.01 },
    components: Array.from({ length: count }, (_, i) => ({
      name: `lag${i}`,
      type: 'pt1',
      parameters: { k: 1, t: 0.5 },
      position: { x: (i % columns) * 220, y: Math.floor(i / columns) * 120 },
    })),
    connections: Array.from({ length: count - 1 }, (_, i) => ({
      source: { component: `lag${i}`, port: 'y' },
      target: { component: `lag${i + 1}`, port: 'u' },
    })),
  };
  const response = await fetch(`${baseUrl}/api/v1/projects/${project.id}/models/import`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(document),
  });
  if (!response.ok) throw new Error(`import: ${response.status} ${await response.text()}`);
  return response.json();
}

async function measureEditor(baseUrl, modelId, browser) {
  const page = await browser.context.newPage();
  await page.goto(`${baseUrl}/`);
  await page.getByRole('heading', { name: 'Projects', level: 1 }).waitFor();
  const start = Date.now();
  await page.goto(`${baseUrl}/models/${modelId}`);
  await page.getByText(`${count} components, ${count - 1} connections`).waitFor({ timeout: 60000 });
  await page.waitForFunction((n) => document.querySelectorAll('.react-flow__node').length === n, count, { timeout: 60000 });
  const interactive = await page.evaluate(() => performance.now());
  const wall = Date.now() - start;

  // A click on a component until its property panel is drawn (measured inside the page, so
  // that Playwright's own round trips do not count).
  const selected = await page.evaluate(
    () =>
      new Promise((resolve) => {
        const start = performance.now();
        document.querySelector('[data-component="lag0"] .component-node-header').click();
        const drawn = () =>
          document.querySelector('[aria-label="Properties of lag0"]')
            ? requestAnimationFrame(() => resolve(performance.now() - start))
            : requestAnimationFrame(drawn);
        drawn();
      }),
  );
  const node = page.locator('[data-component="lag0"] .component-node-header');

  // Frame intervals while dragging a component in 30 mouse moves.
  await page.evaluate(() => {
    window.__frames = [];
    const tick = (time) => {
      window.__frames.push(time);
      if (window.__frames.length < 600) window.__frameRequest = requestAnimationFrame(tick);
    };
    window.__frameRequest = requestAnimationFrame(tick);
  });
  const box = await node.boundingBox();
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + 200, box.y + 120, { steps: 30 });
  await page.mouse.up();
  const frames = await page.evaluate(() => {
    cancelAnimationFrame(window.__frameRequest);
    return window.__frames;
  });
  const intervals = frames.slice(1).map((time, i) => time - frames[i]);
  await page.close();
  return { interactive, wall, selected, worstFrame: Math.max(...intervals), medianFrame: median(intervals) };
}

const size = await firstLoadSize();
console.log(`first load: ${size.files.join(' ')}`);
console.log(`first load: ${(size.raw / 1024).toFixed(1)} kB raw, ${(size.gzip / 1024).toFixed(1)} kB gzip (level 9)`);

const server = await startServer();
const browser = await startBrowser();
try {
  const model = await buildModel(server.baseUrl);
  const before = loadavg();
  const results = [];
  for (let run = 0; run < runs; ++run) results.push(await measureEditor(server.baseUrl, model.id, browser));
  const figure = (key) => range(results.map((result) => result[key]));
  console.log(`editor with ${count} components and ${count - 1} connections, ${runs} runs (ms),`);
  console.log(`  load average before/after: ${before.map((v) => v.toFixed(1)).join(' ')} / ${loadavg().map((v) => v.toFixed(1)).join(' ')}`);
  console.log(`  navigation to interactive (performance.now): ${figure('interactive')}`);
  console.log(`  the same, measured outside the page:         ${figure('wall')}`);
  console.log(`  click on a component to its property panel:  ${figure('selected')}`);
  console.log(`  frame interval while dragging, median:       ${figure('medianFrame')}`);
  console.log(`  frame interval while dragging, worst:        ${figure('worstFrame')}`);
} finally {
  await browser.close();
  await server.stop();
}
