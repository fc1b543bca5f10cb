// What the end-to-end tests share: the real twinloop server on a loopback port with a
// temporary data directory, Debian's Chromium driven by playwright-core, and a record of
// everything the page logged as an error.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';

function required(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set; run the e2e tests through ctest (label web)`);
  return value;
}

const webDir = required('TWINLOOP_WEB_DIR');
const { chromium } = createRequire(path.join(webDir, 'package.json'))('playwright-core');

export const artifactsDir = required('TWINLOOP_E2E_ARTIFACTS');

export async function startServer() {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'twinloop-e2e-'));
  const portFile = path.join(dataDir, 'port');
  const child = spawn(
    required('TWINLOOP_BINARY'),
    ['serve', '--host', '127.0.0.1', '--port', '0', '--opcua-port', '0', '--port-file', portFile, '--data-dir', dataDir,
     '--static-dir', required('TWINLOOP_WWW_DIR')],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let log = '';
  child.stderr.on('data', (chunk) => {
    log += chunk;
  });
  const exited = once(child, 'exit');
  let port = null;
  for (let attempt = 0; attempt < 200 && port === null; ++attempt) {
    if (child.exitCode !== null) throw new Error(`twinloop serve exited with ${child.exitCode}:\n${log}`);
    try {
      const text = (await readFile(portFile, 'utf8')).trim();
      if (/^\d+$/.test(text)) port = Number(text);
    } catch {
      await sleep(50);
    }
  }
  if (port === null) {
    child.kill('SIGKILL');
    throw new Error(`twinloop serve wrote no port file within 10 s:\n${log}`);
  }
  const baseUrl = `http://127.0.0.1:${port}`;
  return {
    baseUrl,
    port,
    log: () => log,
    async stop() {
      if (child.exitCode === null) {
        process.kill(child.pid, 'SIGTERM');
        const killer = setTimeout(() => child.exitCode === null && process.kill(child.pid, 'SIGKILL'), 5000);
        await exited;
        clearTimeout(killer);
      }
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

export async function startBrowser() {
  const profile = await mkdtemp(path.join(tmpdir(), 'twinloop-e2e-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    acceptDownloads: true,
    viewport: { width: 1280, height: 800 },
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
      '--disable-sync',
      '--disable-quic',
    ],
  });
  return {
    context,
    async close() {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

// A page that records what it logs as an error and the exceptions it does not catch.
export async function openPage(browser) {
  const page = browser.context.pages()[0] ?? (await browser.context.newPage());
  const problems = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console error: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`uncaught exception: ${error.message}`));
  return { page, problems };
}

export async function screenshot(page, name) {
  await mkdir(artifactsDir, { recursive: true });
  await page.screenshot({ path: path.join(artifactsDir, `${name}.png`), fullPage: true });
}

export async function api(baseUrl, method, route, body) {
  const response = await fetch(`${baseUrl}/api/v1${route}`, {
    method,
    headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${method} ${route}: ${response.status} ${await response.text()}`);
  return response.status === 204 ? null : response.json();
}

// Runs `steps` with a page of the shared browser (and the shared server and data); when they
// fail, a screenshot of the page as it was is kept.
export async function withPage(shared, name, steps) {
  const opened = await openPage(shared.browser);
  try {
    await steps({ ...opened, server: shared.server, data: shared.data });
  } catch (error) {
    await screenshot(opened.page, `failed-${name}`).catch(() => {});
    throw error;
  }
}

// A server and a browser for the tests of one file, started before them and stopped after;
// `prepare(baseUrl)` may put what the tests need on the server. The fields are set once the
// `before` hook has run.
export function serverAndBrowser(prepare = async () => ({})) {
  const shared = { server: null, browser: null, data: null };
  before(async () => {
    shared.server = await startServer();
    shared.browser = await startBrowser();
    shared.data = await prepare(shared.server.baseUrl);
  });
  after(async () => {
    await shared.browser?.close();
    await shared.server?.stop();
  });
  return shared;
}
