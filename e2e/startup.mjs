#!/usr/bin/env node
// Where the time to an interactive wizard goes: resource timings and a CPU profile (self
// time by function) of a cold load, from navigation to the app's 'vmxml-interactive' mark.
// Usage: node e2e/startup.mjs [DIST] [RUNS]  (names show when DIST's wasm keeps its names
// section, such as `wasm-bindgen --keep-debug` output).
import { serve } from './server.mjs';
import { DIST, launch } from './setup.mjs';

const root = process.argv[2] ?? DIST;
const runs = Number(process.argv[3] ?? 5);

const server = await serve(root);
const browser = await launch();
const self = new Map();
try {
  for (let r = 0; r < runs; r++) {
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.setSamplingInterval', { interval: 100 });
    await cdp.send('Profiler.start');
    await page.goto(`${server.url}/`);
    await page.waitForFunction(() => performance.getEntriesByName('vmxml-interactive').length > 0);
    const { profile } = await cdp.send('Profiler.stop');
    const t = await page.evaluate(() => {
      const nav = performance.getEntriesByType('navigation')[0];
      const res = performance.getEntriesByType('resource').map((e) => [
        e.name.split('/').pop().replace(/-[0-9a-f]{16}/, ''),
        Math.round(e.startTime),
        Math.round(e.responseEnd),
      ]);
      const marks = performance.getEntriesByType('mark').map((m) => [m.name, Math.round(m.startTime)]);
      return { html: Math.round(nav.responseEnd), dcl: Math.round(nav.domContentLoadedEventEnd), res, marks };
    });
    console.log(JSON.stringify(t));
    const byId = new Map(profile.nodes.map((n) => [n.id, n]));
    profile.samples.forEach((id, i) => {
      const n = byId.get(id);
      const f = n.callFrame.functionName || `(${n.callFrame.url.split('/').pop()})`;
      self.set(f, (self.get(f) ?? 0) + (profile.timeDeltas[i] ?? 0));
    });
    await context.close();
  }
  const top = [...self].sort((a, b) => b[1] - a[1]).slice(0, 40);
  for (const [f, us] of top) console.log(`${(us / 1000 / runs).toFixed(1).padStart(8)} ms  ${f.slice(0, 150)}`);
} finally {
  await browser.close();
  await server.close();
}
