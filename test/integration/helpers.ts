// Shared by the extension-host suites: the sample files of the workspace (made by scripts/fixtures.js with the
// product's CLI), a referee for fingerprints (Node's own X.509 parser), and stubs for VS Code's prompts.

import { X509Certificate } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';

export const EXTENSION_ID = 'tls-workbench.tls-workbench';
export const INSPECT_COMMAND = 'tlsWorkbench.inspectFile';
export const REPORT_SCHEME = 'tls-workbench-report';

export interface Fixtures {
  dir: string;
  p12Password: string;
  serverCommonName: string;
  files: Record<string, string>;
  uri(key: string): vscode.Uri;
}

/** The fixture manifest of the first workspace folder (scripts/fixtures.js writes fixtures.json there). */
export function fixtures(): Fixtures {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) throw new Error('the integration tests need a workspace folder holding the fixtures (scripts/fixtures.js)');
  const dir = folder.uri.fsPath;
  const manifestPath = path.join(dir, 'fixtures.json');
  if (!fs.existsSync(manifestPath)) throw new Error(`${manifestPath} is missing: run node scripts/fixtures.js ${dir}`);
  const manifest = JSON.parse(fs.readFileSync(manifestPath, 'utf8')) as Omit<Fixtures, 'dir' | 'uri'>;
  return {
    ...manifest,
    dir,
    uri: (key) => {
      const name = manifest.files[key];
      if (!name) throw new Error(`no fixture "${key}"`);
      return vscode.Uri.file(path.join(dir, name));
    },
  };
}

/** SHA-256 fingerprint of a certificate file (PEM or DER) as lowercase hex without separators. */
export function sha256Of(file: string): string {
  return new X509Certificate(fs.readFileSync(file)).fingerprint256.replace(/:/g, '').toLowerCase();
}

/** Replaces `obj[key]` until the returned function is called. */
export function stub<T extends object, K extends keyof T>(obj: T, key: K, impl: T[K]): () => void {
  const original = obj[key];
  (obj as Record<K, T[K]>)[key] = impl;
  return () => {
    (obj as Record<K, T[K]>)[key] = original;
  };
}

/** Records every message the extension shows with window.show{Error,Warning,Information}Message. */
export function captureMessages(): { errors: string[]; warnings: string[]; infos: string[]; restore: () => void } {
  const errors: string[] = [];
  const warnings: string[] = [];
  const infos: string[] = [];
  const w = vscode.window as unknown as Record<string, (message: string) => Thenable<undefined>>;
  const restores = [
    stub(w, 'showErrorMessage', async (m: string) => void errors.push(m)),
    stub(w, 'showWarningMessage', async (m: string) => void warnings.push(m)),
    stub(w, 'showInformationMessage', async (m: string) => void infos.push(m)),
  ];
  return { errors, warnings, infos, restore: () => restores.forEach((r) => r()) };
}

export async function closeAllEditors(): Promise<void> {
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
}

/** Runs the inspect command and returns the report URI it answered with (undefined when it showed none). */
export async function inspect(uri?: vscode.Uri): Promise<vscode.Uri | undefined> {
  return vscode.commands.executeCommand<vscode.Uri | undefined>(INSPECT_COMMAND, uri);
}

export async function reportText(uri: vscode.Uri): Promise<string> {
  return (await vscode.workspace.openTextDocument(uri)).getText();
}

/**
 * The report's text once `ready(text)` holds, waiting up to `timeoutMs` for VS Code to re-read a virtual
 * document whose provider signalled a change; returns the last text seen either way (the caller asserts).
 */
export async function settledReportText(uri: vscode.Uri, ready: (text: string) => boolean, timeoutMs = 3000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let text = await reportText(uri);
  while (!ready(text) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 50));
    text = await reportText(uri);
  }
  return text;
}

/**
 * What "Inspect Certificate / File" showed for `file`: the plain-text report document (the command answers
 * with its URI), or the inspector, a custom editor on the file itself (issue 6; the command answers with the
 * file's URI). The inspector's content lives in a webview, out of the extension host's reach: the e2e suite
 * reads it.
 */
export type Shown = { kind: 'report'; uri: vscode.Uri; text: string } | { kind: 'inspector'; uri: vscode.Uri; viewType: string };

export async function shownFor(file: vscode.Uri, answer: vscode.Uri | undefined, timeoutMs = 10_000): Promise<Shown> {
  if (!answer) throw new Error(`the command showed nothing for ${file.path}`);
  if (answer.scheme === REPORT_SCHEME) {
    assertVisible(answer);
    return { kind: 'report', uri: answer, text: await reportText(answer) };
  }
  if (answer.toString() !== file.toString()) throw new Error(`the command answered ${answer.toString()}, neither a report nor ${file.toString()}`);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const tab = vscode.window.tabGroups.activeTabGroup.activeTab;
    const input = tab?.input;
    if (input instanceof vscode.TabInputCustom && input.uri.toString() === file.toString()) {
      return { kind: 'inspector', uri: file, viewType: input.viewType };
    }
    if (Date.now() > deadline) throw new Error(`no report and no inspector tab for ${file.path} (active tab: ${tab?.label ?? 'none'})`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function assertVisible(report: vscode.Uri): void {
  const shown = vscode.window.visibleTextEditors.map((e) => e.document.uri.toString());
  if (!shown.includes(report.toString())) throw new Error(`report ${report.toString()} not visible; visible: ${shown.join(', ')}`);
}
