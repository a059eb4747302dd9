#!/usr/bin/env node
// Where a keystroke's time goes: a CPU profile (Chrome's sampling profiler) of typing into
// Name with the 300-device domain in the wizard, summed by function (self time).
// Usage: node e2e/profile.mjs [DIST]  (a dist/ whose wasm keeps its names section, such as
// `wasm-bindgen --keep-debug` output; the release dist/ shows wasm functions as numbers).
import { serve } from './server.mjs';
import { DIST, launch } from './setup.mjs';
import { VmxmlPage, waitFor } from './vmxml-page.mjs';
import { bigDomain } from './perf.mjs';
import { addSelfTimes, printTop } from './cpu-profile.mjs';

const root = process.argv[2] ?? DIST;

const server = await serve(root);
const browser = await launch();
try {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  const page = await context.newPage();
  const vp = new VmxmlPage(page, server.url, () => {});
  await vp.goto();
  await vp.paste(bigDomain(300));
  await waitFor(() => vp.canLoad(), { what: 'the load button' });
  await vp.loadIntoWizard();
  await vp.step('basics');
  const name = await vp.field('Name');
  await name.focus();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 100 });
  await cdp.send('Profiler.start');
  for (const ch of 'abcdefghijklmnopqrst') {
    await page.keyboard.press(ch);
    await page.waitForTimeout(60);
  }
  const { profile } = await cdp.send('Profiler.stop');
  const self = addSelfTimes(profile, new Map());
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  console.log(`busy ${(total / 1000).toFixed(1)} ms over 20 keystrokes`);
  printTop(self, 45);
} finally {
  await browser.close();
  await server.close();
}
