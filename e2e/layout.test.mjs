// The layout holds at the widths people use: a phone, a 1024 px laptop and a desktop. Nothing is wider
// than the screen (no sideways scrolling), and the preview stacks under the wizard.
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { useApp } from './setup.mjs';
import { waitFor } from './vmxml-page.mjs';
import { bigDomain } from './perf.mjs';

const app = useApp();

const STEPS = ['basics', 'os', 'cpu-memory', 'storage', 'network', 'display', 'consoles', 'hostdevs', 'features', 'review'];

async function overflow(vp) {
  return vp.page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    const wide = [...document.querySelectorAll('main *')]
      .filter((e) => e.getBoundingClientRect().right > width + 1)
      // Scrollable strips (the stepper on a phone, the code views) may be wider inside.
      .filter((e) => !e.closest('.stepper__list, .code, .import__code, .import__editor'))
      .map((e) => `${e.tagName.toLowerCase()}.${e.className}`);
    // And no control sticks out of the wizard page it sits on.
    const page = document.querySelector('.wizard__page')?.getBoundingClientRect();
    const sticking = page
      ? [...document.querySelectorAll('.wizard__page .field__input, .wizard__page .field__select')]
          .filter((e) => e.getBoundingClientRect().right > page.right + 1)
          .map((e) => `${e.tagName.toLowerCase()}[data-path="${e.dataset.path}"]`)
      : [];
    return { scroll: document.documentElement.scrollWidth - width, wide: [...wide, ...sticking].slice(0, 5) };
  });
}

for (const [name, viewport] of [['phone', { width: 390, height: 844 }], ['laptop', { width: 1024, height: 768 }], ['desktop', { width: 1440, height: 900 }]]) {
  test(`every page fits a ${name} screen (${viewport.width} px)`, async (t) => {
    const vp = await app.open(t, { viewport });
    for (const step of STEPS) {
      await vp.step(step);
      for (const kind of { storage: ['cdrom'], network: ['interface'], display: ['graphics', 'input'], consoles: ['serial', 'console'], hostdevs: ['usb'] }[step] ?? []) {
        await vp.add(kind);
      }
      const o = await overflow(vp);
      assert.equal(o.scroll, 0, `page ${step} scrolls sideways by ${o.scroll} px: ${o.wide.join(', ')}`);
      assert.deepEqual(o.wide, [], `page ${step}: elements wider than the screen`);
    }
    await vp.importView();
    const o = await overflow(vp);
    assert.equal(o.scroll, 0, `the import page scrolls sideways: ${o.wide.join(', ')}`);
    // Below 1100 px the preview sits under the wizard, not beside it.
    await vp.design();
    if (viewport.width >= 1100) return;
    const [wizard, preview] = await Promise.all(['.wizard', '[data-testid=preview]'].map((s) => vp.page.locator(s).boundingBox()));
    assert.ok(preview.y >= wizard.y + wizard.height - 1, 'the preview is stacked under the wizard');
  });
}

// A long document's preview draws only the lines near its view; scrolling it draws the rest,
// beside the right line numbers, at every width.
for (const [name, viewport] of [['phone', { width: 390, height: 844 }], ['desktop', { width: 1440, height: 900 }]]) {
  test(`a long preview scrolls to its last line (${name})`, async (t) => {
    const vp = await app.open(t, { viewport });
    await vp.importView();
    await vp.paste(bigDomain(300));
    await waitFor(() => vp.canLoad(), { what: 'the load button' });
    await vp.loadIntoWizard();
    const code = vp.page.locator('[data-testid="preview"] .code');
    const drawn = async () => vp.page.locator('[data-testid="preview"] .code__line').count();
    assert.ok((await drawn()) < 400, 'only the lines near the view are drawn');
    await code.evaluate((el) => { el.scrollTop = el.scrollHeight; });
    await waitFor(async () => (await vp.previewText()).trimEnd().endsWith('</domain>'), { what: 'the last line' });
    const view = await code.evaluate((el) => {
      const box = el.getBoundingClientRect();
      const lines = [...el.querySelectorAll('.code__line')];
      const last = lines[lines.length - 1].getBoundingClientRect();
      const numbers = el.querySelector('.code__gutter').textContent.trim().split('\n');
      const skipped = parseFloat(el.querySelector('.code__text').style.paddingTop) / 20;
      return { inView: last.bottom <= box.bottom + 1 && last.top >= box.top - 1, lastNumber: Number(numbers[numbers.length - 1]), drawn: lines.length, skipped };
    });
    assert.ok(view.inView, 'the last line is in view');
    assert.ok(view.skipped > 1000, `the lines above the view are skipped (${view.skipped})`);
    assert.equal(view.lastNumber, view.skipped + view.drawn, 'the gutter numbers the lines drawn');
    assert.ok(view.drawn < 400);
    await vp.assertHealthy();
  });
}
