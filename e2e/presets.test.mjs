// A path through each preset: pick it on the Basics page, walk to Review, and download a
// file that libvirt's schema and libvirt itself accept; the review shows the equivalent
// virt-install command.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

import { useApp } from './setup.mjs';

const app = useApp();

// [preset id, what its design must say, whether to ask for the virtio drivers]
const PRESETS = [
  ['linux-server', /<channel type='unix'>/, false],
  ['linux-desktop', /<graphics type='spice'/, false],
  ['windows-11', /<tpm model='tpm-crb'>/, false],
  ['windows-11', /virtio-win\.iso/, true],
  ['cloud-image', /cidata\.iso/, false],
  ['xen-pv', /<bootloader>\/usr\/bin\/pygrub<\/bootloader>/, false],
  ['lxc-container', /<init>\/sbin\/init<\/init>/, false],
];

function run(cmd, args) {
  try {
    return { ok: true, out: execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }) };
  } catch (e) {
    return { ok: false, out: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}

for (const [id, says, virtio] of PRESETS) {
  test(`preset ${id}${virtio ? ' with virtio drivers' : ''}: a download libvirt accepts`, async (t) => {
    const vp = await app.open(t);
    await vp.step('basics');
    const card = vp.testid(`preset-${id}`);
    await card.waitFor();
    if (virtio) await card.getByTestId('preset-virtio-drivers').check();
    await vp.testid(`use-preset-${id}`).click();
    assert.ok(vp.dialogs.some((d) => d.type === 'confirm'), 'using a preset asks first');
    const preview = await vp.previewText();
    assert.match(preview, says);
    // Walk every page to the end: each must draw the preset's design without trouble.
    while (await vp.testid('next').count()) await vp.next();
    const diags = (await vp.diagnostics('review-diagnostics')).filter((d) => d.severity !== 'info');
    assert.deepEqual(diags, [], 'a preset has no errors or warnings');
    const command = await vp.testid('virt-install-command').textContent();
    assert.match(command, /^virt-install /);
    assert.match(command, /--import/);

    const { path } = await vp.download(app.dir);
    const xml = readFileSync(path, 'utf8');
    assert.equal(xml.trimEnd(), preview.trimEnd(), 'the download is the preview');
    const name = /<name>([^<]+)<\/name>/.exec(xml)[1];
    const schema = run('virt-xml-validate', [path, 'domain']);
    assert.ok(schema.ok, `virt-xml-validate: ${schema.out}`);
    const define = run('virsh', ['-q', '-c', 'test:///default', `define ${path}; dumpxml ${name}`]);
    assert.ok(define.ok, `virsh define: ${define.out}`);
    await vp.assertHealthy();
  });
}

test('a preset is not applied when the person says no', async (t) => {
  const vp = await app.open(t);
  await vp.step('basics');
  const before = await vp.previewText();
  vp.acceptConfirms = false;
  await vp.testid('use-preset-windows-11').click();
  assert.equal(await vp.previewText(), before, 'the design in progress is kept');
  await vp.assertHealthy();
});
