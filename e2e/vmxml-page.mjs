// Page object for vmxml: every test talks to the app through these methods, which wrap
// the data-testid hooks, so a change of markup is fixed here once.
import { join } from 'node:path';

const DEFAULT_TIMEOUT = 10_000;

/** Polls `fn` (sync or async) until it returns a truthy value; returns that value. */
export async function waitFor(fn, { timeout = DEFAULT_TIMEOUT, what = 'a condition' } = {}) {
  const end = Date.now() + timeout;
  let last;
  for (;;) {
    try {
      last = await fn();
      if (last) return last;
    } catch (e) {
      last = e;
    }
    if (Date.now() > end) {
      throw new Error(`timed out after ${timeout} ms waiting for ${what} (last: ${last})`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

export class VmxmlPage {
  /**
   * @param {import('playwright-core').Page} page
   * @param {string} origin the test server, such as http://127.0.0.1:41234
   * @param {(msg: string) => void} log
   */
  constructor(page, origin, log = () => {}) {
    this.page = page;
    this.origin = origin;
    this.log = log;
    /** Every request the page made (URLs). */
    this.requests = [];
    /** Console messages of type error, and uncaught page errors. */
    this.consoleErrors = [];
    this.pageErrors = [];
    /** Every dialog: confirms are accepted (unless `acceptConfirms` is false), alerts dismissed. */
    this.dialogs = [];
    this.acceptConfirms = true;
    page.on('request', (r) => this.requests.push(r.url()));
    page.on('console', (m) => {
      if (m.type() === 'error') this.consoleErrors.push(m.text());
    });
    page.on('pageerror', (e) => this.pageErrors.push(String(e)));
    page.on('dialog', async (d) => {
      this.dialogs.push({ type: d.type(), message: d.message() });
      if (d.type() === 'confirm' && this.acceptConfirms) await d.accept();
      else await d.dismiss();
    });
  }

  testid(id) {
    return this.page.getByTestId(id);
  }

  async goto() {
    await this.page.goto(`${this.origin}/`);
    await this.ready();
  }

  async reload() {
    await this.page.reload();
    await this.ready();
  }

  /** Waits until the app has mounted (its performance mark) and the header is there. */
  async ready() {
    await this.page.waitForFunction(
      () => performance.getEntriesByName('vmxml-interactive').length > 0,
      null,
      { timeout: DEFAULT_TIMEOUT },
    );
    await this.testid('tab-design').waitFor();
  }

  // ---- Health ----------------------------------------------------------------------

  async crashed() {
    return (await this.page.locator('.crash').count()) > 0;
  }

  /** Throws if the crash banner is up or the page threw. */
  async assertHealthy() {
    if (await this.crashed()) throw new Error(`crash banner shown; page errors: ${this.pageErrors.join(' | ')}`);
    if (this.pageErrors.length) throw new Error(`page errors: ${this.pageErrors.join(' | ')}`);
  }

  async notice() {
    const n = this.testid('notice');
    return (await n.count()) ? (await n.textContent()) : null;
  }

  // ---- Wizard ----------------------------------------------------------------------

  async design() {
    await this.testid('tab-design').click();
    await this.page.locator('[data-testid^="page-"]').waitFor();
  }

  async currentPage() {
    const id = await this.page.locator('[data-testid^="page-"]').getAttribute('data-testid');
    return id?.slice('page-'.length) ?? null;
  }

  async step(slug) {
    await this.testid(`step-${slug}`).click();
    await this.testid(`page-${slug}`).waitFor();
  }

  /** The Next button; returns the page it led to. */
  async next() {
    const from = await this.currentPage();
    await this.testid('next').click();
    return waitFor(async () => {
      const now = await this.currentPage();
      return now !== from && now;
    }, { what: `the page after ${from}` });
  }

  /**
   * The control whose <label> reads `label` (the "libvirt x.y" badge aside), or null. Finds
   * text inputs, selects and checkboxes alike.
   */
  async field(label) {
    const id = await this.page.evaluate((label) => {
      for (const l of document.querySelectorAll('label')) {
        const c = l.cloneNode(true);
        c.querySelectorAll('.field__since, input, select, textarea').forEach((n) => n.remove());
        if (c.textContent.trim() !== label) continue;
        if (l.htmlFor) return l.htmlFor;
        const inner = l.querySelector('input, select, textarea');
        if (inner?.id) return inner.id;
      }
      return null;
    }, label);
    return id ? this.page.locator(`[id="${id}"]`) : null;
  }

  /** Sets a field by its label: fills text, picks an option, or (un)checks. */
  async set(label, value) {
    const f = await this.field(label);
    if (!f) throw new Error(`no field labelled "${label}" on page ${await this.currentPage()}`);
    const kind = await f.evaluate((e) => (e.tagName === 'INPUT' ? `input:${e.type}` : e.tagName.toLowerCase()));
    if (kind === 'select') await f.selectOption(String(value));
    else if (kind === 'input:checkbox') await f.setChecked(Boolean(value));
    else await f.fill(String(value));
  }

  async value(label) {
    const f = await this.field(label);
    if (!f) throw new Error(`no field labelled "${label}" on page ${await this.currentPage()}`);
    return f.inputValue();
  }

  /** Items of the page's lists and cards (`*-card`, and rows of `*-list`). */
  async itemCount() {
    return this.page.locator('[data-testid$="-card"], [data-testid$="-list"] > li').count();
  }

  /**
   * Clicks `add-<kind>` if the page has it and waits for one more card or list row.
   * Returns false, with a log line, when the button is not there (a page not built yet).
   */
  async add(kind) {
    const button = this.testid(`add-${kind}`);
    if ((await button.count()) === 0) {
      this.log(`skip: no add-${kind} button on the ${await this.currentPage()} page (not built yet?)`);
      return false;
    }
    const before = await this.itemCount();
    await button.first().click();
    await waitFor(async () => (await this.itemCount()) > before, { what: `a new item after add-${kind}` });
    return true;
  }

  /** The design preview's text, one line per line. */
  async previewText() {
    return this.page.evaluate(() =>
      [...document.querySelectorAll('[data-testid="preview"] .code__line')].map((l) => l.textContent).join('\n'),
    );
  }

  /** On the review page: clicks Download and saves the file into `dir`; returns its path. */
  async download(dir) {
    if ((await this.currentPage()) !== 'review') await this.step('review');
    const [dl] = await Promise.all([this.page.waitForEvent('download'), this.testid('download').click()]);
    const path = join(dir, `${Date.now()}-${dl.suggestedFilename()}`);
    await dl.saveAs(path);
    return { path, name: dl.suggestedFilename() };
  }

  // ---- Import ----------------------------------------------------------------------

  async importView() {
    await this.testid('tab-import').click();
    await this.testid('import-editor').waitFor();
  }

  editor() {
    return this.testid('import-editor');
  }

  /**
   * Replaces the editor's text with a real paste (clipboard, select all, Ctrl+V: one input
   * event, as for a person). Not `fill()`: Chromium turns a multi-line fill into two input
   * events a line, which is not what a person does. Text the clipboard does not carry
   * unchanged (NUL characters) is set as a paste would, with one input event.
   */
  async paste(text) {
    await this.importView();
    const ta = this.editor();
    if (!this.clipboardGranted) {
      await this.page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: this.origin });
      this.clipboardGranted = true;
    }
    await ta.focus();
    await this.page.keyboard.press('ControlOrMeta+A');
    if (text === '') {
      await this.page.keyboard.press('Delete');
    } else {
      await this.page.evaluate((t) => navigator.clipboard.writeText(t), text);
      await this.page.keyboard.press('ControlOrMeta+V');
    }
    if ((await ta.inputValue()) !== text) {
      await ta.evaluate((el, t) => {
        el.value = t;
        el.dispatchEvent(new InputEvent('input', { bubbles: true, inputType: 'insertFromPaste' }));
      }, text);
    }
    await waitFor(async () => (await ta.inputValue()) === text, { what: 'the editor text' });
  }

  async openFile(path) {
    await this.importView();
    await this.testid('import-file').setInputFiles(path);
  }

  /** Drops a file (name, bytes) on the editor area as a drag from the desktop would. */
  async dropFile(name, content, type = 'application/xml') {
    await this.importView();
    const bytes = [...Buffer.from(content)];
    const dt = await this.page.evaluateHandle(
      ({ name, bytes, type }) => {
        const dt = new DataTransfer();
        dt.items.add(new File([new Uint8Array(bytes)], name, { type }));
        return dt;
      },
      { name, bytes, type },
    );
    await this.editor().dispatchEvent('drop', { dataTransfer: dt });
  }

  /** Diagnostics of a list (`import-diagnostics`, `diagnostics`, `review-diagnostics`), info included. */
  async diagnostics(testid = 'import-diagnostics') {
    return this.page.evaluate((testid) => {
      const list = document.querySelector(`[data-testid="${testid}"]`);
      if (!list) return null;
      return [...list.querySelectorAll('.diag')].map((d) => ({
        severity: d.querySelector('.diag__severity')?.textContent ?? '',
        place: d.querySelector('.diag__place')?.textContent ?? '',
        code: d.querySelector('.diag__code')?.textContent ?? '',
        message: d.querySelector('.diag__message')?.textContent ?? '',
      }));
    }, testid);
  }

  async diagnosticsTitle(testid = 'import-diagnostics') {
    return this.page.locator(`[data-testid="${testid}"] .diagnostics__title`).textContent();
  }

  /** Clicks the first diagnostic with `code` in a list. */
  async pickDiagnostic(code, testid = 'import-diagnostics') {
    await this.page.locator(`[data-testid="${testid}"] .diag`, { hasText: code }).first().click();
  }

  /** The editor's selection and whether it has focus. */
  async caret() {
    return this.editor().evaluate((ta) => ({
      start: ta.selectionStart,
      end: ta.selectionEnd,
      focused: document.activeElement === ta,
      scrollTop: ta.scrollTop,
    }));
  }

  async status() {
    return this.testid('import-status').textContent();
  }

  async canLoad() {
    return this.testid('import-load').isEnabled();
  }

  /** Loads the editor's document into the wizard and waits for the Design view. */
  async loadIntoWizard() {
    await this.testid('import-load').click();
    await this.page.locator('[data-testid^="page-"]').waitFor();
  }

  /** Lines of the import page's highlighted view. */
  async codeLines() {
    return this.page.evaluate(() =>
      [...document.querySelectorAll('[data-testid="import-code"] .code__line')].map((l) => l.textContent),
    );
  }

  async fileError() {
    const e = this.testid('import-file-error');
    return (await e.count()) ? e.textContent() : null;
  }
}
