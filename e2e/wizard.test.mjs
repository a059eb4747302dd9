// A person's path through every wizard page, from Basics to Review with the Next button,
// setting fields by their labels and adding one of each list item, ending in a download
// that libvirt's schema and libvirt itself accept.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

import { useApp } from './setup.mjs';

const app = useApp();

// One entry a page, in wizard order. `fields` are set by label, `add` clicks add-<kind>
// (skipped with a log line while a page does not have the button yet), `click` presses
// buttons by their text. Extend an entry as its page grows.
const JOURNEY = [
  {
    page: 'basics',
    fields: { 'Hypervisor type': 'kvm', Name: 'e2e-guest', Title: 'Browser test guest', Description: 'Made by e2e/wizard.test.mjs' },
    click: ['Generate'],
  },
  { page: 'os', fields: { 'OS type': 'hvm', Architecture: 'x86_64', 'Machine type': 'q35', Firmware: 'efi', 'Boot menu': true }, add: ['boot'] },
  {
    page: 'cpu-memory',
    fields: { Memory: '1', 'Virtual CPUs': '2', 'CPU mode': 'host-passthrough', Sockets: '1', Cores: '2', Threads: '1' },
  },
  { page: 'storage', add: ['disk', 'cdrom', 'controller', 'filesystem'] },
  { page: 'network', add: ['interface'] },
  { page: 'display', add: ['graphics', 'input', 'video', 'sound', 'audio'] },
  { page: 'consoles', add: ['serial', 'console', 'parallel'] },
  { page: 'hostdevs', add: ['usb', 'redirdev', 'tpm', 'rng', 'memballoon', 'watchdog', 'panic'] },
  {
    page: 'features',
    fields: { ACPI: true, APIC: true, SMM: 'on', relaxed: true, 'Guest clock': 'utc', 'On power-off': 'destroy', 'On crash': 'restart' },
    add: ['timer'],
  },
  { page: 'review' },
];

function run(cmd, args) {
  try {
    return { ok: true, out: execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }) };
  } catch (e) {
    return { ok: false, out: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}

test('every wizard page, then a download libvirt accepts', async (t) => {
  const vp = await app.open(t);
  const added = [];
  for (const [i, stop] of JOURNEY.entries()) {
    if (i === 0) {
      await vp.step(stop.page);
    } else {
      assert.equal(await vp.next(), stop.page, 'Next leads to the next page');
    }
    await vp.testid(`page-${stop.page}`).waitFor();
    for (const [label, value] of Object.entries(stop.fields ?? {})) {
      await vp.set(label, value);
      if (typeof value === 'string') assert.equal(await vp.value(label), value, `${label} on ${stop.page}`);
    }
    for (const text of stop.click ?? []) {
      await vp.page.getByRole('button', { name: text, exact: true }).click();
    }
    for (const kind of stop.add ?? []) {
      if (await vp.add(kind)) added.push(kind);
    }
  }
  t.diagnostic(`added: ${added.join(', ') || 'nothing'}`);
  assert.equal(await vp.testid('next').count(), 0, 'Review is the last page');

  const preview = await vp.previewText();
  assert.match(preview, /<name>e2e-guest<\/name>/);
  assert.match(preview, /<title>Browser test guest<\/title>/);
  assert.match(preview, /<uuid>[0-9a-f-]{36}<\/uuid>/);
  assert.match(preview, /<memory unit='GiB'>1<\/memory>/);
  assert.match(preview, /<type arch='x86_64' machine='q35'>hvm<\/type>/);
  assert.match(preview, /<os firmware='efi'>/);
  assert.match(preview, /<cpu mode='host-passthrough'>\s*<topology sockets='1' cores='2' threads='1'\/>/);
  for (const part of [
    "<controller type='usb' index='0' model='qemu-xhci'/>",
    "<driver type='virtiofs'/>",
    "<access mode='shared'/>",
    "<model type='virtio'/>",
    "<sound model='ich9'/>",
    "<audio id='1' type='none'/>",
    "<redirdev bus='usb' type='spicevmc'/>",
    "<tpm model='tpm-crb'>",
    "<backend model='random'>/dev/urandom</backend>",
    "<memballoon model='virtio'/>",
    "<watchdog model='i6300esb' action='reset'/>",
    "<panic model='isa'/>",
    "<smm state='on'/>",
    "<relaxed state='on'/>",
    "<timer name='rtc' tickpolicy='catchup'/>",
  ]) {
    assert.ok(preview.includes(part), `${part} in the preview`);
  }

  const checklist = await vp.testid('checklist').textContent();
  const diags = (await vp.diagnostics('review-diagnostics')).filter((d) => d.severity === 'error');
  assert.match(checklist, /No errors/, `the review lists errors: ${JSON.stringify(diags)}`);

  const { path, name } = await vp.download(app.dir);
  assert.equal(name, 'e2e-guest.xml');
  const xml = readFileSync(path, 'utf8');
  assert.equal(xml.trimEnd(), preview.trimEnd(), 'the download is the preview');
  const schema = run('virt-xml-validate', [path, 'domain']);
  assert.ok(schema.ok, `virt-xml-validate: ${schema.out}`);
  const define = run('virsh', ['-q', '-c', 'test:///default', `define ${path}; dumpxml e2e-guest`]);
  assert.ok(define.ok, `virsh define: ${define.out}`);
  assert.match(define.out, /<name>e2e-guest<\/name>/);
  await vp.assertHealthy();
});
