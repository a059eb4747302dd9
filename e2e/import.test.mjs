// The import page: diagnostics as you type with line:column, a click that takes the caret
// there, files by picker and by drop, and a corpus document loaded into the wizard and
// downloaded again with its element tree unchanged.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { useApp, CORPUS, vmxmlCli } from './setup.mjs';
import { waitFor } from './vmxml-page.mjs';
import { bigDomain } from './perf.mjs';

const app = useApp();

// A rich QEMU document from libvirt's own tests: disks, controllers, an interface with
// bandwidth, serials, consoles, a channel, inputs, graphics, sound, audio, video, a balloon,
// a seclabel, and parts the wizard does not model (kept as written).
const RICH = join(CORPUS, 'qemuhotplugtestdomains/qemuhotplug-console-compat-2-live+console-virtio.xml');

/** The UTF-16 offset of a 1-based line and column (columns in characters), as a textarea counts. */
function offsetOf(text, line, column) {
  const lines = text.split('\n');
  let at = 0;
  for (let i = 0; i < line - 1; i++) at += lines[i].length + 1;
  return at + Array.from(lines[line - 1]).slice(0, column - 1).join('').length;
}

test('a document with an error: the diagnostic shows line:column and a click moves the caret there', async (t) => {
  const vp = await app.open(t);
  // Multi-byte characters before the error, so that columns (characters) and the textarea's
  // offsets (UTF-16 units) differ.
  const filler = Array.from({ length: 60 }, (_, i) => `  <!-- line ${i + 4}: Grüße 🌍 -->`).join('\n');
  const text = `<domain type='kvm'>\n  <name>web01</name>\n  <title>Grüße 🌍</title>\n${filler}\n  <memory unit='MiB'>1024</memery>\n</domain>\n`;
  await vp.paste(text);
  const diags = await waitFor(async () => {
    const d = await vp.diagnostics();
    return d?.some((x) => x.code === 'E-XML-SYNTAX') && d;
  }, { what: 'an E-XML-SYNTAX diagnostic' });
  const syntax = diags.find((d) => d.code === 'E-XML-SYNTAX');
  assert.equal(syntax.place, '64:26', `place of ${JSON.stringify(syntax)}`);
  assert.equal(await vp.canLoad(), false, 'a document that is not well-formed cannot be loaded');
  // The highlighted view has the text and a mark on the error line.
  const lines = await vp.codeLines();
  assert.equal(lines[63], "  <memory unit='MiB'>1024</memery>");
  assert.equal(await vp.page.locator('[data-testid="import-code"] .code__mark--error[data-line="64"]').count(), 1);

  await vp.pickDiagnostic('E-XML-SYNTAX');
  const caret = await vp.caret();
  assert.equal(caret.focused, true, 'the editor has focus');
  assert.equal(caret.start, offsetOf(text, 64, 26));
  assert.ok(caret.scrollTop > 0, 'the editor scrolled to the line');

  // A well-formed document with errors can be loaded (they come along).
  const fixed = text.replace('</memery>', '</memory>').replace('<name>web01</name>', '<name>web/01</name>');
  await vp.paste(fixed);
  await waitFor(async () => (await vp.diagnostics()).some((d) => d.code === 'E-NAME-SLASH'), { what: 'E-NAME-SLASH' });
  const slash = (await vp.diagnostics()).find((d) => d.code === 'E-NAME-SLASH');
  assert.equal(slash.place, '2:3');
  assert.equal(await vp.canLoad(), true, 'well-formed with errors: loadable');
  assert.match(await vp.status(), /error/);
  await vp.assertHealthy();
});

test('files: the picker and a drop open .xml files; binary files are refused with a message', async (t) => {
  const vp = await app.open(t);
  await vp.openFile(RICH);
  const original = readFileSync(RICH, 'utf8');
  await waitFor(async () => (await vp.editor().inputValue()) === original, { what: 'the file in the editor' });

  await vp.dropFile('dropped.xml', "<domain type='qemu'>\r\n  <name>dropped</name>\r\n</domain>\r\n");
  await waitFor(async () => (await vp.editor().inputValue()).includes('<name>dropped</name>'), { what: 'the dropped file' });
  assert.ok(!(await vp.editor().inputValue()).includes('\r'), 'line ends are \\n as in a textarea');

  await vp.dropFile('vmlinuz', Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0, 0, 0]), 'application/octet-stream');
  const message = await waitFor(() => vp.fileError(), { what: 'the binary file message' });
  assert.match(message, /vmlinuz is not a text file/);
  assert.ok((await vp.editor().inputValue()).includes('<name>dropped</name>'), 'the editor kept its text');

  await vp.testid('import-file').setInputFiles({ name: 'latin1.xml', mimeType: 'text/xml', buffer: Buffer.from([0x3c, 0x61, 0x3e, 0xe9, 0x3c, 0x2f, 0x61, 0x3e]) });
  await waitFor(async () => /latin1\.xml is not UTF-8/.test((await vp.fileError()) ?? ''), { what: 'the non-UTF-8 message' });
  await vp.assertHealthy();
});

test('a corpus document loaded into the wizard downloads with its element tree unchanged', async (t) => {
  const vp = await app.open(t);
  // A design in progress, so that loading asks first.
  await vp.set('Name', 'work-in-progress');

  await vp.openFile(RICH);
  const original = readFileSync(RICH, 'utf8');
  await waitFor(async () => (await vp.editor().inputValue()) === original, { what: 'the file in the editor' });
  const diags = await vp.diagnostics();
  const kept = diags.filter((d) => d.code === 'I-KEPT').length;
  assert.ok(kept > 0, 'this document has parts the wizard keeps as written');
  const cli = vmxmlCli();
  if (cli) {
    let out = '';
    try {
      out = execFileSync(cli, ['check', '--all', RICH], { encoding: 'utf8' });
    } catch (e) {
      out = e.stdout;
    }
    assert.equal(kept, (out.match(/info\[I-KEPT\]/g) ?? []).length, 'the page counts what vmxml check --all counts');
  }
  assert.match(await vp.status(), new RegExp(`${kept} parts the wizard does not model will be kept as written`));

  await vp.loadIntoWizard();
  assert.deepEqual(vp.dialogs.map((d) => d.type), ['confirm'], 'loading over a design in progress asks first');
  assert.equal(await vp.currentPage(), 'review');
  const { path } = await vp.download(app.dir);
  const downloaded = readFileSync(path, 'utf8');

  // Same elements, attributes (as sets) and text (whitespace-only text ignored).
  const [a, b] = await vp.page.evaluate(([x, y]) => {
    const canon = (el) => ({
      name: el.tagName,
      attrs: [...el.attributes].map((a) => `${a.name}=${a.value}`).sort(),
      text: [...el.childNodes].filter((n) => n.nodeType === 3 || n.nodeType === 4).map((n) => n.data).join('').trim(),
      kids: [...el.children].map(canon),
    });
    const parse = (s) => {
      const doc = new DOMParser().parseFromString(s, 'application/xml');
      if (doc.querySelector('parsererror')) throw new Error('not well-formed');
      return canon(doc.documentElement);
    };
    return [parse(x), parse(y)];
  }, [original, downloaded]);
  // Children compared in order first; vmxml writes libvirt's order, so a difference in
  // order only is logged and the children are compared as sets.
  const sortKids = (n) => ({ ...n, kids: n.kids.map(sortKids).sort((p, q) => JSON.stringify(p).localeCompare(JSON.stringify(q))) });
  if (JSON.stringify(a) !== JSON.stringify(b)) {
    t.diagnostic('element order differs from the original (vmxml writes its own order); comparing children as sets');
  }
  assert.deepEqual(sortKids(b), sortKids(a));
  if (cli) {
    const formatted = execFileSync(cli, ['fmt', RICH], { encoding: 'utf8' });
    assert.equal(downloaded, formatted, 'the download is what vmxml fmt writes for the original');
  } else {
    t.diagnostic('no target/*/vmxml: skipped the comparison with vmxml fmt');
  }
  await vp.assertHealthy();
});

test('"Load the current design" puts the design\'s XML into the editor', async (t) => {
  const vp = await app.open(t);
  await vp.set('Name', 'from-design');
  const preview = await vp.previewText();
  await vp.importView();
  await vp.testid('import-current').click();
  await waitFor(async () => (await vp.editor().inputValue()).includes('<name>from-design</name>'), { what: 'the design in the editor' });
  assert.equal((await vp.editor().inputValue()).trimEnd(), preview.trimEnd());
  assert.equal(await vp.canLoad(), true);
  await vp.assertHealthy();
});

// A long document's highlighted pane draws only the lines near its view, and follows the
// editor as it scrolls.
test('the highlighted pane of a long document follows the editor to its end', async (t) => {
  const vp = await app.open(t);
  await vp.importView();
  await vp.paste(bigDomain(300));
  await waitFor(() => vp.canLoad(), { what: 'the load button' });
  const lines = vp.page.locator('[data-testid="import-code"] .code__line');
  assert.ok((await lines.count()) < 400, 'only the lines near the view are drawn');
  await vp.page.locator('[data-testid="import-editor"]').evaluate((ta) => {
    ta.scrollTop = ta.scrollHeight;
    ta.dispatchEvent(new Event('scroll'));
  });
  // The document ends in a newline: like the editor, the pane's last line is the empty one after it.
  await waitFor(async () => (await vp.codeLines()).slice(-2).join('\n') === '</domain>\n', { what: 'the last lines' });
  const [ta, pane] = await Promise.all(['import-editor', 'import-code'].map((id) => vp.page.locator(`[data-testid="${id}"]`).evaluate((el) => el.scrollTop)));
  assert.ok(Math.abs(ta - pane) <= 1, `the pane scrolled with the editor (${ta} and ${pane})`);
  await vp.assertHealthy();
});
