// Test setup shared by the browser tests: serves dist/ on 127.0.0.1 (e2e/server.mjs),
// launches Debian's headless Chromium through playwright-core (never a downloaded browser)
// and gives each test a fresh browser context wrapped in the page object.
import { before, after } from 'node:test';
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { serve } from './server.mjs';
import { VmxmlPage } from './vmxml-page.mjs';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const DIST = join(ROOT, 'dist');
export const CORPUS = join(ROOT, 'core/tests/corpus/libvirt-9.0.0');

const require = createRequire(join(ROOT, 'tools/package.json'));
const { chromium } = require('playwright-core');

export const CHROMIUM = process.env.VMXML_CHROMIUM ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export function launch() {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
}

export function checkDist() {
  if (!existsSync(join(DIST, 'index.html'))) {
    throw new Error(`${DIST}/index.html is missing: build the app first (trunk build --release)`);
  }
}

/** The `vmxml` command line, if a build of it is there (release first). */
export function vmxmlCli() {
  for (const p of ['target/release/vmxml', 'target/debug/vmxml']) {
    if (existsSync(join(ROOT, p))) return join(ROOT, p);
  }
  return null;
}

/**
 * Registers before/after hooks for a test file and returns the app handle:
 * `await app.open(t)` gives a VmxmlPage in a fresh context (empty localStorage), closed
 * after the test; `app.dir` is a scratch folder for downloads.
 */
export function useApp() {
  const app = {
    server: null,
    browser: null,
    dir: null,
    async open(t, { goto = true, viewport = { width: 1440, height: 900 } } = {}) {
      const context = await app.browser.newContext({ acceptDownloads: true, viewport });
      const page = await context.newPage();
      const vp = new VmxmlPage(page, app.server.url, (msg) => t.diagnostic(msg));
      t.after(() => context.close());
      if (goto) await vp.goto();
      return vp;
    },
  };
  before(async () => {
    checkDist();
    app.server = await serve(DIST);
    app.browser = await launch();
    app.dir = await mkdtemp(join(tmpdir(), 'vmxml-e2e-'));
  });
  after(async () => {
    await app.browser?.close();
    await app.server?.close();
    if (app.dir) await rm(app.dir, { recursive: true, force: true });
  });
  return app;
}
