// End to end, as a user: the packaged .vsix installed into a fresh code-server, the workbench in headless
// Chromium, driven with the mouse and keyboard through the Explorer, the Command Palette and the quick input.
// Screenshots go to test-artifacts/e2e/.

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { X509Certificate } from 'node:crypto';
import type { FrameLocator, Locator, Page } from 'playwright-core';
import { ARTIFACTS, codeServer, ensureArtifacts, fixtureMaker, VSIX } from './harness';
import type { FixtureManifest } from '../../scripts/fixtures';

const EXTENSION_ID = 'tls-workbench.tls-workbench';
const PALETTE_TITLE = 'TLS Workbench: Inspect Certificate / File';
const UI_TIMEOUT = 30_000;

describe('TLS Workbench in VS Code (code-server), from the packaged .vsix', { timeout: 240_000 }, () => {
  let tmp = '';
  let workspace = '';
  let extensionsDir = '';
  let fixtures: FixtureManifest;
  let server: Awaited<ReturnType<typeof codeServer.startCodeServer>> | undefined;
  let chromium: Awaited<ReturnType<typeof codeServer.launchChromium>> | undefined;
  let page: Page;
  let failed = false;
  const consoleLines: string[] = [];

  const shot = async (name: string): Promise<void> => {
    await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`) });
  };

  before(async () => {
    // experience.test.ts keeps its own artifacts in experience/ (the files may run in either order).
    for (const f of fs.existsSync(ARTIFACTS) ? fs.readdirSync(ARTIFACTS) : []) if (f !== 'experience') fs.rmSync(path.join(ARTIFACTS, f), { force: true, recursive: true });
    ensureArtifacts();
    assert.ok(fs.existsSync(VSIX), `${VSIX} is missing: run npm run package`);
    codeServer.ensureCodeServer();
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tlsw-e2e-'));
    workspace = path.join(tmp, 'certs');
    extensionsDir = path.join(tmp, 'extensions');
    const userDataDir = path.join(tmp, 'user');
    fixtures = fixtureMaker.makeFixtures(workspace, { demo: true });
    codeServer.writeUserSettings(userDataDir, {
      'workbench.colorTheme': 'Default Dark Modern',
      'editor.minimap.enabled': false,
      'window.zoomLevel': 0,
      'workbench.editor.enablePreview': false,
    });
    const logFile = path.join(ARTIFACTS, 'code-server.log');
    fs.writeFileSync(logFile, '');
    codeServer.installExtension(VSIX, { userDataDir, extensionsDir, logFile });
    server = await codeServer.startCodeServer({ folder: workspace, userDataDir, extensionsDir, logFile });
    chromium = await codeServer.launchChromium();
    const context = await chromium.browser.newContext({ viewport: { width: 1440, height: 1000 } });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
    page = await context.newPage();
    page.setDefaultTimeout(UI_TIMEOUT);
    page.on('console', (m) => consoleLines.push(`[${m.type()}] ${m.text()}`));
    page.on('pageerror', (e) => consoleLines.push(`[pageerror] ${e.message}`));
    await page.goto(codeServer.workbenchUrl(server.url, workspace));
    await page.locator('.monaco-workbench').waitFor();
    await explorerRow(page, fixtures.files.pem).waitFor();
  });

  after(async () => {
    if (page && failed) await shot('failure').catch(() => undefined);
    if (consoleLines.length) fs.writeFileSync(path.join(ARTIFACTS, 'browser-console.log'), consoleLines.join('\n') + '\n');
    if (chromium) await chromium.close();
    if (server) await server.stop();
    if (tmp && !failed) fs.rmSync(tmp, { recursive: true, force: true });
  });

  /** Marks the run failed (keeps the temp folder, takes a failure screenshot) when `fn` throws. */
  const step = (fn: () => Promise<void>) => async () => {
    try {
      await fn();
    } catch (e) {
      failed = true;
      throw e;
    }
  };

  it('the .vsix installed into the fresh extensions folder', step(async () => {
    const installed = fs.readdirSync(extensionsDir).filter((d) => d.startsWith(`${EXTENSION_ID}-`));
    assert.equal(installed.length, 1, `installed: ${fs.readdirSync(extensionsDir).join(', ')}`);
    const pkg = JSON.parse(fs.readFileSync(path.join(extensionsDir, installed[0], 'package.json'), 'utf8'));
    assert.ok(fs.existsSync(path.join(extensionsDir, installed[0], pkg.main.endsWith('.js') ? pkg.main : `${pkg.main}.js`)));
    await shot('01-workbench');
  }));

  it('Command Palette → "Inspect Certificate / File" on the open certificate shows it decoded', step(async () => {
    await explorerRow(page, fixtures.files.pem).click();
    await page.locator('.editor-instance .view-lines', { hasText: 'BEGIN CERTIFICATE' }).first().waitFor();
    await runFromPalette(page, PALETTE_TITLE);
    const shown = await inspected(page, fixtures.files.pem);
    assert.match(shown.text, /O=TLS Workbench, CN=server\.example\.test|server\.example\.test/);
    assertFingerprint(shown.text, sha256(path.join(workspace, fixtures.files.pem)));
    await shot('02-inspect-from-palette');
    if (shown.kind === 'inspector') {
      // Its "Show as Text Report" button opens the plain-text report beside it.
      await shown.frame.locator('#show-report').click();
      const report = await reportText(page, `${fixtures.files.pem}.report`);
      assert.match(report, /Subject:\s+O=TLS Workbench, CN=server\.example\.test/);
      assertFingerprint(report, sha256(path.join(workspace, fixtures.files.pem)));
      await shot('02b-text-report');
    }
  }));

  it('Explorer right-click → "Inspect Certificate / File" on a DER certificate', step(async () => {
    await closeAllEditors(page);
    await contextMenu(page, fixtures.files.der, 'Inspect Certificate / File');
    const shown = await inspected(page, fixtures.files.der);
    assert.match(shown.text, /server\.example\.test/);
    assertFingerprint(shown.text, sha256(path.join(workspace, fixtures.files.der)));
    await shot('03-inspect-der-from-explorer');
  }));

  it('a PKCS#12 keystore: the masked password prompt, then its contents', step(async () => {
    await closeAllEditors(page);
    await contextMenu(page, fixtures.files.p12, 'Inspect Certificate / File');
    const shown = await inspected(page, fixtures.files.p12, {
      password: fixtures.p12Password,
      beforeSubmit: () => shot('04-pkcs12-password-prompt'),
    });
    assert.match(shown.text, /PKCS#12|PFX/i);
    assert.match(shown.text, /server\.example\.test/);
    assertFingerprint(shown.text, sha256(path.join(workspace, fixtures.files.pem)));
    assert.ok(!shown.text.includes(fixtures.p12Password), 'the password is never shown');
    await shot('05-inspect-pkcs12');
  }));

  it('a corrupted certificate shows one clear error notification', step(async () => {
    await closeAllEditors(page);
    await contextMenu(page, fixtures.files.broken, 'Inspect Certificate / File');
    const toast = page.locator('.notifications-toasts .notification-toast', { hasText: `${fixtures.files.broken}:` });
    await toast.waitFor();
    await page.locator('.notifications-toasts .notification-toast.notification-fade-in-done', { hasText: `${fixtures.files.broken}:` }).waitFor();
    const message = (await toast.locator('.notification-list-item-message').innerText()).trim();
    assert.match(message, /^broken\.pem: .*(base64|corrupt|truncated)/i);
    await shot('06-broken-file-error');
  }));
});

function sha256(file: string): string {
  return new X509Certificate(fs.readFileSync(file)).fingerprint256.replace(/:/g, '').toLowerCase();
}

function explorerRow(page: Page, name: string) {
  return page.locator('.explorer-folders-view .monaco-list-row').filter({
    has: page.locator('.label-name', { hasText: new RegExp(`^${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`) }),
  });
}

async function runFromPalette(page: Page, title: string): Promise<void> {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input.input');
  await input.waitFor();
  await input.fill(`>${title}`);
  // Wait for the command itself to be listed (contributions loaded), never a fixed sleep.
  const row = page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first();
  await row.waitFor();
  await row.click();
}

async function closeAllEditors(page: Page): Promise<void> {
  await runFromPalette(page, 'View: Close All Editor Groups');
  await page.locator('.editor-group-container .tab').first().waitFor({ state: 'detached' });
}

async function contextMenu(page: Page, fileName: string, item: string): Promise<void> {
  const row = explorerRow(page, fileName);
  await row.click({ button: 'right' });
  const menu = page.locator('.context-view .monaco-menu');
  const entry = menu.locator('.action-item .action-label', { hasText: item }).first();
  await entry.waitFor();
  // The menu ignores a click that lands while it is still opening; focusing the item and pressing Enter is
  // what a keyboard user does and is not timing-sensitive.
  await entry.hover();
  await page.locator('.context-view .monaco-menu .action-item.focused', { hasText: item }).waitFor();
  await page.keyboard.press('Enter');
  await menu.waitFor({ state: 'detached' });
}

/** The full text of the report editor tab `tabName`, once it is the active editor (select all, copy, read the clipboard). */
async function reportText(page: Page, tabName: string): Promise<string> {
  await page.locator('.tabs-container .tab.active', { hasText: tabName }).first().waitFor();
  const editor = page.locator('.editor-group-container.active .monaco-editor .view-lines').first();
  await editor.waitFor();
  await editor.click();
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.press('ControlOrMeta+C');
  const text = String(await page.evaluate('navigator.clipboard.readText()'));
  // Back to the top, nothing selected: what a user sees first (and what the screenshot shows).
  await page.keyboard.press('ControlOrMeta+Home');
  return text;
}

type Shown = { kind: 'report'; text: string } | { kind: 'inspector'; text: string; frame: FrameLocator };

/**
 * What the inspect command showed for `fileName`, as text: the plain-text report (a read-only editor named
 * `<file>.report`) or the inspector (a webview in the file's own tab), whichever the extension opens. A password
 * is typed where it is asked: the workbench's quick input, or the inspector's own field.
 */
async function inspected(page: Page, fileName: string, options: { password?: string; beforeSubmit?: () => Promise<void> } = {}): Promise<Shown> {
  const reportTab = page.locator('.tabs-container .tab.active', { hasText: `${fileName}.report` }).first();
  const frame = page.frameLocator('iframe.webview.ready').last().frameLocator('#active-frame');
  const inspector = frame.locator('main#app[aria-busy="false"]');
  const quickPassword = page.locator('.quick-input-widget input[type="password"]');
  const webviewPassword = frame.locator('input#password');

  if (options.password !== undefined) {
    const which = await firstVisible({ quick: quickPassword, webview: webviewPassword });
    const input = which === 'quick' ? quickPassword : webviewPassword;
    await input.fill(options.password);
    await options.beforeSubmit?.();
    await input.press('Enter');
    if (which === 'webview') await frame.locator('.unlock').waitFor({ state: 'detached' });
  }
  const which = await firstVisible({ report: reportTab, inspector });
  if (which === 'report') return { kind: 'report', text: await reportText(page, `${fileName}.report`) };
  await page.locator('.tabs-container .tab.active', { hasText: fileName }).first().waitFor();
  return { kind: 'inspector', text: await inspector.innerText(), frame };
}

/** The key of the first of `locators` to become visible. */
async function firstVisible<K extends string>(locators: Record<K, Locator>): Promise<K> {
  const keys = Object.keys(locators) as K[];
  return Promise.any(keys.map((k) => locators[k].waitFor().then(() => k)));
}

/** `sha256` (lowercase hex) appears on one line of `text`, in any of the usual spellings (colons, spaces, case). */
function assertFingerprint(text: string, sha256hex: string): void {
  const lines = text.split('\n').map((l) => l.replace(/[\s:]/g, '').toLowerCase());
  assert.ok(lines.some((l) => l.includes(sha256hex)), `SHA-256 ${sha256hex} not shown in:\n${text}`);
}
