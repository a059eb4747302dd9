// The draft in localStorage: a reload brings back the design, the page and the import text.
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { useApp } from './setup.mjs';
import { waitFor } from './vmxml-page.mjs';

const app = useApp();

test('a reload keeps the design, the page and the import text', async (t) => {
  const vp = await app.open(t);
  await vp.set('Name', 'kept-after-reload');
  await vp.set('Title', 'Still here');
  await vp.step('cpu-memory');
  await vp.set('Virtual CPUs', '3');
  await vp.reload();
  assert.equal(await vp.currentPage(), 'cpu-memory', 'the page is kept');
  assert.equal(await vp.value('Virtual CPUs'), '3');
  await vp.step('basics');
  assert.equal(await vp.value('Name'), 'kept-after-reload');
  assert.equal(await vp.value('Title'), 'Still here');
  assert.match(await vp.previewText(), /<vcpu>3<\/vcpu>/);

  // The import view and its text come back too.
  const text = "<domain type='kvm'>\n  <name>half-typed</name>\n";
  await vp.paste(text);
  await vp.reload();
  await vp.testid('import-editor').waitFor();
  assert.equal(await vp.editor().inputValue(), text);
  await waitFor(async () => (await vp.diagnostics()).length > 0, { what: 'diagnostics of the restored text' });
  await vp.assertHealthy();
});

test('a new design starts over after confirmation', async (t) => {
  const vp = await app.open(t);
  await vp.set('Name', 'to-be-discarded');
  vp.acceptConfirms = false;
  await vp.testid('new-design').click();
  await waitFor(() => vp.dialogs.length === 1, { what: 'the confirmation' });
  assert.equal(await vp.value('Name'), 'to-be-discarded', 'declining keeps the design');
  vp.acceptConfirms = true;
  await vp.testid('new-design').click();
  await waitFor(async () => (await vp.value('Name')) === 'guest', { what: 'the new design' });
  await vp.reload();
  assert.equal(await vp.value('Name'), 'guest');
  await vp.assertHealthy();
});
