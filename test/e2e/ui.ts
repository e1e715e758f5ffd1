// What a user does in the workbench, as Playwright steps: the Command Palette, the multi-step quick input
// (answer a box, choose an item), the Explorer and its context menu, the activity bar, tree views, the
// inspector webview and the colour theme. Every helper waits for the UI state it needs, never for a fixed
// time. Used by experience.test.ts (workbench.test.ts keeps its own copies of the first few).

import { spawnSync } from 'node:child_process';
import type { FrameLocator, Locator, Page } from 'playwright-core';

/** Escapes `text` for use inside a RegExp. */
export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

const exactly = (text: string): RegExp => new RegExp(`^${escapeRegExp(text)}$`);

// ───────────────────────────── Command Palette and quick input ─────────────────────────────

export const quickInput = (page: Page): Locator => page.locator('.quick-input-widget');
const quickInputBox = (page: Page): Locator => page.locator('.quick-input-widget .quick-input-box input.input');

/**
 * Runs a command by its palette title. Extension commands are listed only once the extension host has
 * registered its contributions: until the row shows up, the palette is closed and opened again.
 */
export async function runFromPalette(page: Page, title: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const row = page.locator('.quick-input-list .monaco-list-row', { has: page.locator('.label-name', { hasText: exactly(title) }) }).first();
  for (;;) {
    await page.keyboard.press('F1');
    const input = quickInputBox(page);
    await input.waitFor();
    await input.fill(`>${title}`);
    try {
      await row.waitFor({ timeout: Math.min(5_000, Math.max(1, deadline - Date.now())) });
      break;
    } catch (e) {
      if (Date.now() >= deadline) throw new Error(`"${title}" never appeared in the Command Palette`, { cause: e });
      await page.keyboard.press('Escape');
      await quickInput(page).waitFor({ state: 'hidden' });
    }
  }
  await row.click();
}

/** The quick input's title, e.g. "Create Certificate Authority (2/6)", once it shows `title`. */
export async function quickInputTitle(page: Page, title: string | RegExp): Promise<string> {
  const t = page.locator('.quick-input-widget .quick-input-title', { hasText: title });
  await t.waitFor();
  return (await t.innerText()).trim();
}

async function waitEnabled(page: Page): Promise<Locator> {
  const input = page.locator('.quick-input-widget .quick-input-box input.input:not([disabled])');
  await input.waitFor();
  return input;
}

/**
 * Answers one input box of a wizard: waits until the box asking `prompt` is shown, checks the prefilled
 * value when `expectPrefilled` is given, replaces it with `type` (typed key by key) when given, and presses
 * Enter. Returns the value that was accepted (for passwords: the empty string, the field is not read).
 */
export async function answerInput(
  page: Page,
  prompt: string | RegExp,
  o: { type?: string; expectPrefilled?: string; password?: boolean } = {},
): Promise<string> {
  await page.locator('.quick-input-widget .quick-input-message', { hasText: prompt }).waitFor();
  const input = await waitEnabled(page);
  const isPassword = (await input.getAttribute('type')) === 'password';
  if (o.password !== undefined && o.password !== isPassword) throw new Error(`the box "${String(prompt)}" is${isPassword ? '' : ' not'} a password field`);
  if (o.expectPrefilled !== undefined) {
    const prefilled = await input.inputValue();
    if (prefilled !== o.expectPrefilled) throw new Error(`the box "${String(prompt)}" is prefilled with "${prefilled}", not "${o.expectPrefilled}"`);
  }
  if (o.type !== undefined) {
    await input.press('ControlOrMeta+A');
    await input.press('Delete');
    await page.keyboard.type(o.type);
  }
  const value = isPassword ? '' : await input.inputValue();
  if (o.type !== undefined && !isPassword && value !== o.type) throw new Error(`typed "${o.type}" but the box holds "${value}"`);
  await input.press('Enter');
  return value;
}

/** The validation message under the current input box once it matches `message` (e.g. after a bad entry). */
export async function inputMessage(page: Page, message: string | RegExp): Promise<string> {
  const m = page.locator('.quick-input-widget .quick-input-message', { hasText: message });
  await m.waitFor();
  return (await m.innerText()).trim();
}

/** Types into the current input box without accepting (to see validation as you type). */
export async function typeInInput(page: Page, text: string): Promise<void> {
  const input = await waitEnabled(page);
  await input.press('ControlOrMeta+A');
  await input.press('Delete');
  await page.keyboard.type(text);
}

/**
 * Chooses an item of a wizard's quick pick: waits for the pick whose placeholder is `placeholder`, types
 * `filter` (if given) to narrow the list, waits until the focused row is `label`, and presses Enter.
 * Returns the focused row's text (label and description).
 */
export async function pickItem(page: Page, placeholder: string | RegExp, label: string | RegExp, o: { filter?: string } = {}): Promise<string> {
  const input = page.locator('.quick-input-widget .quick-input-box input.input:not([disabled])');
  if (typeof placeholder === 'string') await page.locator(`.quick-input-widget .quick-input-box input.input:not([disabled])[placeholder="${placeholder.replace(/["\\]/g, '\\$&')}"]`).waitFor();
  else await waitFor(async () => placeholder.test((await input.getAttribute('placeholder', { timeout: 1_000 })) ?? ''), `a quick pick "${String(placeholder)}"`);
  if (o.filter !== undefined) await page.keyboard.type(o.filter);
  const wanted = typeof label === 'string' ? exactly(label) : label;
  const focused = page.locator('.quick-input-list .monaco-list-row.focused', { has: page.locator('.label-name', { hasText: wanted }) });
  await focused.waitFor();
  const text = (await focused.innerText()).replace(/\s+/g, ' ').trim();
  await input.press('Enter');
  return text;
}

/** Polls `condition` until it holds, for states a locator cannot express (an attribute matching a RegExp, a file on disk). */
export async function waitFor(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await Promise.resolve().then(condition).catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

// ───────────────────────────── workbench parts ─────────────────────────────

/** Shows a view container of the activity bar ("Explorer", "TLS Workbench"), without toggling it closed. */
export async function showContainer(page: Page, name: string): Promise<void> {
  const item = page.locator('.activitybar .action-item', { has: page.locator(`a.action-label[aria-label^="${name}"]`) }).first();
  await item.waitFor();
  // The item, not its label: a badge (the explorer's expiry count) covers part of the label.
  if ((await item.getAttribute('aria-selected')) !== 'true') await item.click();
  await page.locator('.activitybar .action-item[aria-selected="true"]', { has: page.locator(`a.action-label[aria-label^="${name}"]`) }).waitFor();
}

/** Widens the side bar by dragging its edge (the sash), as a user does to read long descriptions. */
export async function widenSideBar(page: Page, by: number): Promise<void> {
  const sidebar = page.locator('.part.sidebar');
  const box = await sidebar.boundingBox();
  if (!box) throw new Error('no side bar');
  const x = box.x + box.width;
  const y = box.y + box.height / 2;
  await page.mouse.move(x, y);
  await page.mouse.down();
  await page.mouse.move(x + by / 2, y);
  await page.mouse.move(x + by, y);
  await page.mouse.up();
  await waitFor(async () => ((await sidebar.boundingBox())?.width ?? 0) >= box.width + by - 2, 'the wider side bar');
}

/** A row of the file Explorer by file name. */
export function explorerRow(page: Page, name: string): Locator {
  return page.locator('.explorer-folders-view .monaco-list-row').filter({
    has: page.locator('.label-name', { hasText: exactly(name) }),
  });
}

/** Right-click on `row`, then the context menu's `item` (focused, then Enter: what a keyboard user does). */
export async function contextMenu(page: Page, row: Locator, item: string): Promise<void> {
  await row.click({ button: 'right' });
  const menu = page.locator('.context-view .monaco-menu');
  const entry = menu.locator('.action-item .action-label', { hasText: exactly(item) }).first();
  await entry.waitFor();
  // The menu ignores a click that lands while it is still opening; focusing the item and pressing Enter is
  // not timing-sensitive.
  await entry.hover();
  await page.locator('.context-view .monaco-menu .action-item.focused', { hasText: item }).waitFor();
  await page.keyboard.press('Enter');
  await menu.waitFor({ state: 'detached' });
}

/** A view pane of the side bar by its title ("Workspace", "Certificate Authorities"), expanded. */
export async function viewPane(page: Page, title: string): Promise<Locator> {
  const pane = page.locator('.sidebar .pane', { has: page.locator('.pane-header h3.title', { hasText: exactly(title) }) }).first();
  await pane.waitFor();
  const header = pane.locator('.pane-header').first();
  if ((await header.getAttribute('aria-expanded')) !== 'true') await header.click();
  await page.locator('.sidebar .pane', { has: page.locator('.pane-header[aria-expanded="true"] h3.title', { hasText: exactly(title) }) }).first().waitFor();
  return pane;
}

/** A tree row of a view pane by its label. */
export function treeRow(pane: Locator, label: string | RegExp): Locator {
  return pane.locator('.monaco-list-row').filter({ has: pane.page().locator('.label-name', { hasText: typeof label === 'string' ? exactly(label) : label }) });
}

export interface RowInfo {
  label: string;
  description: string;
  level: number;
  /** The codicon's class (e.g. `codicon-shield`) and its colour, as the theme paints it. */
  icon: string;
  iconColor: string;
}

/** The few DOM members rowInfo reads (the project compiles without the DOM library). */
interface RowElement {
  getAttribute(name: string): string | null;
  querySelector(selector: string): (RowElement & { textContent: string | null; classList: Iterable<string> }) | null;
  ownerDocument: { defaultView: { getComputedStyle(el: unknown): { color: string } } };
}

/** What a tree row shows: label, description, depth and icon. */
export async function rowInfo(row: Locator): Promise<RowInfo> {
  return row.first().evaluate((el: RowElement) => {
    const text = (sel: string) => (el.querySelector(sel)?.textContent ?? '').trim();
    const icon = el.querySelector('.custom-view-tree-node-item-icon');
    return {
      label: text('.label-name'),
      description: text('.label-description'),
      level: Number(el.getAttribute('aria-level') ?? '0'),
      icon: [...(icon?.classList ?? [])].find((c) => c.startsWith('codicon-')) ?? '',
      iconColor: icon ? el.ownerDocument.defaultView.getComputedStyle(icon).color : '',
    };
  });
}

export async function closeAllEditors(page: Page): Promise<void> {
  await runFromPalette(page, 'View: Close All Editor Groups');
  await page.locator('.editor-group-container .tab').first().waitFor({ state: 'detached' });
}

export async function clearNotifications(page: Page): Promise<void> {
  await runFromPalette(page, 'Notifications: Clear All Notifications');
  await page.locator('.notifications-toasts .notification-toast').first().waitFor({ state: 'detached' });
}

/** A notification toast whose message matches `text`, once shown; returns its message. */
export async function notification(page: Page, text: string | RegExp): Promise<string> {
  const toast = page.locator('.notifications-toasts .notification-toast .notification-list-item-message', { hasText: text }).first();
  await toast.waitFor();
  return (await toast.innerText()).trim();
}

/** Switches the colour theme with "Preferences: Color Theme" and waits until the workbench and webviews repaint. */
export async function setColorTheme(page: Page, theme: string, kind: 'light' | 'dark'): Promise<void> {
  await runFromPalette(page, 'Preferences: Color Theme');
  await pickItem(page, /color theme/i, theme, { filter: theme });
  await page.locator(kind === 'light' ? '.monaco-workbench.vs' : '.monaco-workbench.vs-dark').waitFor();
  // The theme class comes first, its colours a little later: wait until the side bar is painted in them.
  await waitFor(async () => ((await backgroundLightness(page.locator('.part.sidebar'))) > 0.5) === (kind === 'light'), `the ${kind} colours`);
}

/** The lightness (0 black … 1 white) of an element's computed background colour. */
export async function backgroundLightness(element: Locator): Promise<number> {
  const color = await element.first().evaluate((el: { ownerDocument: { defaultView: { getComputedStyle(e: unknown): { backgroundColor: string } } } }) => el.ownerDocument.defaultView.getComputedStyle(el).backgroundColor);
  const [r, g, b] = (color.match(/\d+(\.\d+)?/g) ?? ['0', '0', '0']).map(Number);
  return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255;
}

// ───────────────────────────── the inspector webview ─────────────────────────────

/** The inspector's document: the webview is an iframe (`iframe.webview`) holding another (`#active-frame`). */
export function inspectorFrame(page: Page): FrameLocator {
  return page.frameLocator('iframe.webview.ready').last().frameLocator('#active-frame');
}

/**
 * Waits until the active editor is the inspector of `fileName` and it has rendered (`#app .inspector`);
 * when it asks for a password (a PKCS#12, an encrypted key), types `password` in its field and submits.
 * Returns the rendered text.
 */
export async function inspectorText(page: Page, fileName: string, o: { password?: string; beforeSubmit?: () => Promise<void> } = {}): Promise<string> {
  await page.locator('.tabs-container .tab.active', { has: page.locator('.label-name', { hasText: exactly(fileName) }) }).first().waitFor();
  const frame = inspectorFrame(page);
  await frame.locator('main#app[aria-busy="false"] .inspector .file-name', { hasText: exactly(fileName) }).waitFor();
  if (o.password !== undefined) {
    const field = frame.locator('#password');
    await field.waitFor();
    await field.click();
    await page.keyboard.type(o.password);
    await o.beforeSubmit?.();
    await frame.locator('.unlock button[type=submit]').click();
    await frame.locator('.unlock').waitFor({ state: 'detached' });
  }
  return frame.locator('#app .inspector').innerText();
}

// ───────────────────────────── files on disk ─────────────────────────────

/**
 * Runs the real openssl (no shell). Secrets go in through `env` (`-passin env:NAME`), never on the command
 * line. Returns stdout, or stdout then stderr with `stderr: true` (where `-info` and `verify` write). Throws
 * with openssl's stderr when it fails.
 */
export function openssl(args: string[], o: { input?: string | Buffer; env?: Record<string, string>; cwd?: string; stderr?: boolean } = {}): string {
  const r = spawnSync('openssl', args, { input: o.input, cwd: o.cwd, env: { ...process.env, ...o.env }, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`openssl ${args.join(' ')} failed (exit ${r.status ?? r.signal}): ${(r.stderr || r.stdout).trim()}`);
  return o.stderr ? `${r.stdout}${r.stderr}` : r.stdout;
}
