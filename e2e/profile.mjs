#!/usr/bin/env node
// Where a keystroke's time goes: a CPU profile (Chrome's sampling profiler) of typing into
// Name with the 300-device domain in the wizard, summed by function (self time).
// Usage: node e2e/profile.mjs [DIST]  (a dist/ whose wasm keeps its names section, such as
// `wasm-bindgen --keep-debug` output; the release dist/ shows wasm functions as numbers).
import { serve } from './server.mjs';
import { DIST, launch } from './setup.mjs';
import { VmxmlPage, waitFor } from './vmxml-page.mjs';
import { bigDomain } from './perf.mjs';

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
  const self = new Map();
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const dt = new Map();
  profile.samples.forEach((id, i) => dt.set(id, (dt.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  let total = 0;
  for (const [id, us] of dt) {
    const n = byId.get(id);
    const f = n.callFrame.functionName || `(${n.callFrame.url.split('/').pop()})`;
    if (f === '(idle)') continue;
    self.set(f, (self.get(f) ?? 0) + us);
    total += us;
  }
  const top = [...self].sort((a, b) => b[1] - a[1]).slice(0, 45);
  console.log(`busy ${(total / 1000).toFixed(1)} ms over 20 keystrokes`);
  for (const [f, us] of top) console.log(`${(us / 1000).toFixed(1).padStart(8)} ms  ${f.slice(0, 150)}`);
} finally {
  await browser.close();
  await server.close();
}
