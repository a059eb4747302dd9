// What a person types or pastes is shown as text and never runs; the page asks for
// nothing beyond its own static files and logs no error.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { useApp, CORPUS } from './setup.mjs';
import { waitFor } from './vmxml-page.mjs';

const app = useApp();

const PAYLOADS = [
  '<script>window.__pwned = "script"; alert(1)</script>',
  '<img src=x onerror="window.__pwned = \'img\'; alert(2)">',
  '"><svg onload="window.__pwned = \'svg\'; alert(3)">',
];

async function assertNothingRan(vp) {
  // Give an injected handler (an image error, a load) time to fire.
  await vp.page.waitForTimeout(300);
  assert.equal(await vp.page.evaluate(() => typeof window.__pwned), 'undefined', 'no payload ran');
  assert.deepEqual(vp.dialogs.filter((d) => d.type !== 'confirm'), [], 'no alert');
  const injected = await vp.page.evaluate(() => document.querySelectorAll('main img, main svg, main script, main iframe').length);
  assert.equal(injected, 0, 'no element came from the payload');
}

test('payloads typed in the name field are shown as text', async (t) => {
  const vp = await app.open(t);
  for (const payload of PAYLOADS) {
    await vp.set('Name', payload);
    // The preview shows the escaped XML as text: read back, its <name> is the payload.
    const preview = await vp.previewText();
    assert.ok(!preview.includes(payload), 'the payload is escaped in the XML');
    const name = await vp.page.evaluate((xml) => new DOMParser().parseFromString(xml, 'application/xml').querySelector('name')?.textContent, preview);
    assert.equal(name, payload);
    await assertNothingRan(vp);
  }
  // The field's own messages (a name with '/' or '<') are text too.
  await vp.step('review');
  await assertNothingRan(vp);
  await vp.assertHealthy();
});

test('payloads pasted into the import editor are shown as text', async (t) => {
  const vp = await app.open(t);
  for (const payload of PAYLOADS) {
    // As raw markup (not XML a domain can hold): diagnostics quote parts of it.
    await vp.paste(payload);
    await waitFor(async () => (await vp.diagnostics()).length > 0, { what: 'a diagnostic' });
    assert.equal((await vp.codeLines()).join('\n'), payload, 'the highlighted view shows the text');
    await assertNothingRan(vp);
    // Inside a well-formed domain, in text, a comment, an attribute and an element name.
    const escaped = payload.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('"', '&quot;');
    const doc = `<domain type='kvm'>\n  <name>${escaped}</name>\n  <!-- ${payload.replaceAll('--', '')} -->\n  <description title="${escaped}">${escaped}</description>\n  <img src='x' onerror='alert(4)'/>\n</domain>\n`;
    await vp.paste(doc);
    await waitFor(async () => (await vp.diagnostics()).some((d) => /img/.test(d.message)), { what: 'a diagnostic about <img>' });
    await assertNothingRan(vp);
    await vp.loadIntoWizard();
    await vp.step('basics');
    await assertNothingRan(vp);
    await vp.importView();
  }
  await vp.assertHealthy();
});

test('no request beyond the app\'s own files, and no console error', async (t) => {
  const vp = await app.open(t, { goto: false });
  await vp.goto();
  // Everything a person does: every page, the import page with a file, load, download.
  for (const slug of ['basics', 'os', 'cpu-memory', 'storage', 'network', 'display', 'consoles', 'hostdevs', 'features', 'review']) {
    await vp.step(slug);
  }
  await vp.openFile(join(CORPUS, 'domainschemadata/domain-qemu-interface-filterref.xml'));
  await waitFor(async () => (await vp.editor().inputValue()).length > 0, { what: 'the file' });
  await vp.loadIntoWizard();
  await vp.download(app.dir);
  await vp.reload();
  await vp.page.waitForTimeout(300);

  const origin = new URL(app.server.url).origin;
  const foreign = vp.requests.filter((u) => {
    if (u.startsWith('data:')) return false;
    // blob: URLs (the download) carry the page's origin.
    const url = new URL(u.startsWith('blob:') ? u.slice(5) : u);
    return url.origin !== origin;
  });
  assert.deepEqual(foreign, [], 'requests to other origins');
  t.diagnostic(`requests: ${[...new Set(vp.requests.map((u) => u.replace(origin, '')))].join(' ')}`);
  assert.deepEqual(app.server.requests.filter((p) => p.includes('..')), []);
  assert.deepEqual(vp.consoleErrors, [], 'console errors');
  await vp.assertHealthy();
});
