#!/usr/bin/env node
// Prints how fast the app is in headless Chromium, against the built dist/:
//  - navigation to an interactive wizard (the app's performance mark 'vmxml-interactive',
//    set right after mount, relative to navigation start), median of several fresh loads,
//    beside a blank page's load on the same machine at the same time (the floor);
//  - for a domain with 300 devices: loading it into the wizard, then a keystroke in the
//    name field to the preview showing the new name (the diagnostics are recomputed in the
//    same pass), and a keystroke in the import editor to its highlighted view updated.
// Usage: node e2e/perf.mjs [--runs N]
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve } from './server.mjs';
import { checkDist, DIST, launch } from './setup.mjs';
import { VmxmlPage, waitFor } from './vmxml-page.mjs';

const runs = Number(process.argv[process.argv.indexOf('--runs') + 1]) || 5;

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};
const fmt = (ms) => `${ms.toFixed(1)} ms`;
const summary = (xs) => `median ${fmt(median(xs))} (min ${fmt(Math.min(...xs))}, max ${fmt(Math.max(...xs))}, n=${xs.length})`;

/** vda, vdb, ..., vdz, vdaa, ... as libvirt names disks. */
function diskName(i) {
  let s = '';
  for (let n = i + 1; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(97 + ((n - 1) % 26)) + s;
  return `vd${s}`;
}

/** A domain with `count` devices: disks, interfaces and serial ports in turn. */
export function bigDomain(count = 300) {
  const hex = (n) => n.toString(16).padStart(2, '0');
  const devices = [];
  let disks = 0;
  let nics = 0;
  let serials = 0;
  for (let i = 0; i < count; i++) {
    if (i % 3 === 0) {
      const d = disks++;
      devices.push(`    <disk type='file' device='disk'>
      <driver name='qemu' type='qcow2'/>
      <source file='/var/lib/libvirt/images/disk${d}.qcow2'/>
      <target dev='${diskName(d)}' bus='virtio'/>
    </disk>`);
    } else if (i % 3 === 1) {
      const n = nics++;
      devices.push(`    <interface type='network'>
      <mac address='52:54:00:00:${hex(n >> 8)}:${hex(n & 255)}'/>
      <source network='default'/>
      <model type='virtio'/>
    </interface>`);
    } else {
      const s = serials++;
      devices.push(`    <serial type='pty'>
      <target port='${s}'/>
    </serial>`);
    }
  }
  return `<domain type='kvm'>
  <name>big</name>
  <memory unit='GiB'>4</memory>
  <vcpu>4</vcpu>
  <os>
    <type arch='x86_64' machine='q35'>hvm</type>
    <boot dev='hd'/>
  </os>
  <features>
    <acpi/>
    <apic/>
  </features>
  <clock offset='utc'/>
  <devices>
    <emulator>/usr/bin/qemu-system-x86_64</emulator>
${devices.join('\n')}
  </devices>
</domain>
`;
}

/** Where a typed name shows: the import page's highlighted view or the design preview. */
const VIEWS = {
  import: '[data-testid="import-code"] .code__line',
  preview: '[data-testid="preview"] .code__line',
};

/**
 * Presses `key` and resolves with the ms from its keydown to the first animation frame in
 * which one of the first lines of `view` reads `<name>NAME</name>`.
 */
async function timeKey(page, key, view, name) {
  // Installed before the key is pressed (a press can overtake a pending evaluate).
  await page.evaluate(
    ([selector, name]) => {
      const start = { t: 0 };
      document.addEventListener('keydown', () => { start.t = performance.now(); }, { capture: true, once: true });
      const shown = () => {
        const lines = document.querySelectorAll(selector);
        for (let i = 0; i < 4 && i < lines.length; i++) {
          if (lines[i].textContent.includes(`<name>${name}</name>`)) return true;
        }
        return false;
      };
      window.__vmxmlKeyTime = new Promise((resolve) => {
        const check = () => {
          if (start.t && shown()) resolve(performance.now() - start.t);
          else requestAnimationFrame(check);
        };
        requestAnimationFrame(check);
      });
    },
    [VIEWS[view], name],
  );
  await page.keyboard.press(key);
  return Promise.race([
    page.evaluate(() => window.__vmxmlKeyTime),
    new Promise((_, fail) => setTimeout(() => fail(new Error(`no <name>${name}</name> in the ${view} after 20 s`)), 20_000)),
  ]);
}

async function main() {
  checkDist();
  const server = await serve(DIST);
  const blankDir = mkdtempSync(join(tmpdir(), 'vmxml-blank-'));
  writeFileSync(join(blankDir, 'index.html'), '<!doctype html><html lang="en"><meta charset="utf-8"><title>blank</title></html>\n');
  const blankServer = await serve(blankDir);
  const browser = await launch();
  const log = (m) => console.log(m);
  try {
    // 1. Navigation to an interactive wizard. Each load is paired with one of a blank page
    // from the same server, which no app can beat: this machine's floor, in the same state.
    const marks = [];
    const ready = [];
    const floor = [];
    for (let i = 0; i < runs; i++) {
      const blank = await browser.newContext({ viewport: { width: 1440, height: 900 } });
      const blankPage = await blank.newPage();
      await blankPage.goto(`${blankServer.url}/`);
      floor.push(await blankPage.evaluate(() => performance.getEntriesByType('navigation')[0].loadEventEnd));
      await blank.close();
      const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
      const page = await context.newPage();
      const vp = new VmxmlPage(page, server.url, log);
      await vp.goto();
      const m = await page.evaluate(() => {
        const nav = performance.getEntriesByType('navigation')[0];
        return {
          mark: performance.getEntriesByName('vmxml-interactive')[0].startTime,
          domContentLoaded: nav?.domContentLoadedEventEnd ?? 0,
        };
      });
      marks.push(m.mark);
      ready.push(m.domContentLoaded);
      await context.close();
    }
    console.log(`navigation -> interactive wizard (mark 'vmxml-interactive'): ${summary(marks)}`);
    console.log(`navigation -> DOMContentLoaded:                              ${summary(ready)}`);
    console.log(`a blank page, navigation -> load (this machine's floor):      ${summary(floor)}`);

    // 2. The import editor with documents of about 1,300 and 2,100 lines (300 and 480
    // devices): paste, then keystrokes inside <name> (line 2).
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    // Keeps the wasm instance's memory in reach, to report how large the heap grew.
    await context.addInitScript(() => {
      const keep = (result) => {
        const exports = (result.instance ?? result).exports;
        for (const v of Object.values(exports)) if (v instanceof WebAssembly.Memory) window.__vmxmlMemory = v;
        return result;
      };
      const { instantiate, instantiateStreaming } = WebAssembly;
      WebAssembly.instantiate = (...a) => instantiate.apply(WebAssembly, a).then(keep);
      WebAssembly.instantiateStreaming = (...a) => instantiateStreaming.apply(WebAssembly, a).then(keep);
    });
    const page = await context.newPage();
    const vp = new VmxmlPage(page, server.url, log);
    await vp.goto();
    const memory = () => page.evaluate(() => (window.__vmxmlMemory?.buffer.byteLength ?? 0) / 1048576);
    const startMemory = await memory();
    let typed = 'big';
    let t;
    for (const devices of [480, 300]) {
      const xml = bigDomain(devices);
      const lineCount = xml.split('\n').length - 1;
      typed = 'big';
      t = Date.now();
      await vp.paste(xml);
      await waitFor(() => vp.canLoad(), { what: 'the load button' });
      console.log(`${devices} devices (${lineCount} lines, ${(xml.length / 1024).toFixed(0)} KB): paste -> checked and highlighted: ${Date.now() - t} ms (wall clock, includes the driver)`);
      await vp.editor().evaluate((ta) => {
        const at = ta.value.indexOf('</name>');
        ta.focus();
        ta.setSelectionRange(at, at);
      });
      const editorTimes = [];
      for (const ch of 'abcdefgh') {
        typed += ch;
        editorTimes.push(await timeKey(page, ch, 'import', typed));
      }
      console.log(`import editor, ${lineCount} lines: keystroke -> highlighted view and diagnostics updated: ${summary(editorTimes)}`);
    }

    // 3. The 300-device domain in the wizard: a keystroke in Name to the preview.
    t = Date.now();
    await vp.loadIntoWizard();
    await waitFor(async () => (await vp.previewText()).includes(`<name>${typed}</name>`), { what: 'the preview' });
    console.log(`load into the wizard -> preview shown: ${Date.now() - t} ms (wall clock, includes the driver)`);

    await vp.step('basics');
    const name = await vp.field('Name');
    await name.focus();
    await name.evaluate((el) => el.setSelectionRange(el.value.length, el.value.length));
    const times = [];
    for (const ch of 'xyzxyzxyzx') {
      typed += ch;
      times.push(await timeKey(page, ch, 'preview', typed));
    }
    // The preview draws only the lines near its view of a long document.
    const lines = await page.locator('[data-testid="preview"] .code__gutter').evaluate((g) => Math.floor(g.parentElement.scrollHeight / 20));
    const drawn = (await vp.previewText()).split('\n').length;
    console.log(`wizard, 300 devices (${Math.round(lines)}-line preview, ${drawn} lines drawn): keystroke in Name -> preview and diagnostics updated: ${summary(times)}`);
    console.log(`wasm memory: ${startMemory.toFixed(1)} MiB after start, ${(await memory()).toFixed(1)} MiB after all of the above`);
    await vp.assertHealthy();
    await context.close();
  } finally {
    await browser.close();
    await server.close();
    await blankServer.close();
    rmSync(blankDir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
