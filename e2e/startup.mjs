#!/usr/bin/env node
// Where the time to an interactive wizard goes: resource timings and a CPU profile (self
// time by function) of a cold load, from navigation to the app's 'vmxml-interactive' mark.
// Usage: node e2e/startup.mjs [DIST] [RUNS]  (names show when DIST's wasm keeps its names
// section, such as `wasm-bindgen --keep-debug` output).
import { serve } from './server.mjs';
import { DIST, launch } from './setup.mjs';
import { addSelfTimes, printTop } from './cpu-profile.mjs';

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
    addSelfTimes(profile, self);
    await context.close();
  }
  printTop(self, 40, runs);
} finally {
  await browser.close();
  await server.close();
}
