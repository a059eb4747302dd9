// Hostile input pasted into the import page: the page stays alive (no crash banner, no
// page error), shows a diagnostic, and still works afterwards.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { useApp, CORPUS } from './setup.mjs';
import { waitFor } from './vmxml-page.mjs';

const app = useApp();

const RICH = readFileSync(join(CORPUS, 'qemuhotplugtestdomains/qemuhotplug-console-compat-2-live+console-virtio.xml'), 'utf8');

const BOMB = `<?xml version="1.0"?>
<!DOCTYPE domain [
  <!ENTITY a "aaaaaaaaaa">
  <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
  <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
  <!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">
  <!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;">
  <!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;">
  <!ENTITY g "&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;">
  <!ENTITY h "&g;&g;&g;&g;&g;&g;&g;&g;&g;&g;">
  <!ENTITY i "&h;&h;&h;&h;&h;&h;&h;&h;&h;&h;">
]>
<domain type='kvm'><name>&i;</name></domain>
`;

const DEEP = `<domain type='kvm'>\n  <name>deep</name>\n  <metadata>${'<a>'.repeat(250)}${'</a>'.repeat(250)}</metadata>\n</domain>\n`;

// name, text, and the diagnostic code expected (null: any diagnostic).
const CASES = [
  ['empty', '', 'E-XML-EMPTY'],
  ['not XML', 'this is not XML at all, just words { "json": true }', null],
  ['binary-looking', '\u007fELF\u0002\u0001\u0001\u0000\u0000\u0000\u0000\u0003\u0000>\u0000\u0001\ufffd\ufffd\u0010@\u0000<\u0000\u0000\u00008', null],
  ['truncated', RICH.slice(0, Math.floor(RICH.length / 2)), null],
  ['100,000-deep nesting', `<domain type='kvm'>${'<a>'.repeat(100_000)}${'</a>'.repeat(100_000)}</domain>`, null],
  ['entity-expansion bomb', BOMB, 'E-XML-DOCTYPE'],
  ['wrong root', "<network>\n  <name>default</name>\n</network>\n", 'E-ROOT'],
  ['duplicate attribute', "<domain type='kvm' type='qemu'>\n  <name>x</name>\n</domain>\n", 'E-XML-ATTRIBUTE'],
  // Just under the reader's depth limit: the deepest recursion (checking, writing,
  // highlighting) the app lets through must fit its stack. No <memory>, for a diagnostic.
  ['nesting at the depth limit', DEEP, null],
  ['1 MB attribute value', `<domain type='kvm'>\n  <name>big</name>\n  <title lang='${'A'.repeat(1 << 20)}'>t</title>\n</domain>\n`, null],
];

test('hostile input: the page stays alive and shows a diagnostic', async (t) => {
  const vp = await app.open(t);
  await vp.importView();
  for (const [name, text, code] of CASES) {
    const started = Date.now();
    await vp.paste(text);
    const diags = await waitFor(async () => {
      const d = await vp.diagnostics();
      return d?.length > 0 && d;
    }, { what: `a diagnostic for ${name}` });
    if (code) assert.ok(diags.some((d) => d.code === code), `${name}: ${code} in ${JSON.stringify(diags.slice(0, 3))}`);
    assert.equal(await vp.crashed(), false, `${name}: crash banner`);
    assert.deepEqual(vp.pageErrors, [], `${name}: page errors`);
    t.diagnostic(`${name}: ${diags[0].code} at ${diags[0].place || '-'} (${Date.now() - started} ms)`);
  }
  // The deep one loads into the wizard too, where it is written and highlighted again.
  await vp.paste(DEEP);
  await waitFor(() => vp.canLoad(), { what: 'the load button for the deep document' });
  await vp.loadIntoWizard();
  assert.match(await vp.previewText(), /<a>\s*<a>/);
  await vp.assertHealthy();
  // Still working: a valid document loads.
  await vp.importView();
  await vp.paste(RICH);
  await waitFor(() => vp.canLoad(), { what: 'the load button' });
  await vp.loadIntoWizard();
  assert.equal(await vp.currentPage(), 'review');
  await vp.assertHealthy();
});
