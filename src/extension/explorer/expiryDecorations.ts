// Badges and colours in the normal Explorer (and on Certificate Explorer rows) for files holding an expired or
// soon-expiring certificate: the file's most urgent certificate decides. Files the index does not hold get none.

import * as vscode from 'vscode';
import { expiryPhrase } from '../../core/display/expiry';
import { readIndexSettings, type WorkspaceIndex } from './workspaceIndex';

export class ExpiryDecorations implements vscode.FileDecorationProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<vscode.Uri[]>();
  readonly onDidChangeFileDecorations = this.changed.event;
  /** What each decorated file showed last (uri → status and days), to tell VS Code only of real changes. */
  private shown = new Map<string, string>();
  private readonly subscription: vscode.Disposable;

  constructor(private readonly index: WorkspaceIndex) {
    this.subscription = index.onDidChange(() => this.update());
  }

  static register(context: vscode.ExtensionContext, index: WorkspaceIndex): ExpiryDecorations {
    const provider = new ExpiryDecorations(index);
    context.subscriptions.push(provider, vscode.window.registerFileDecorationProvider(provider));
    return provider;
  }

  provideFileDecoration(uri: vscode.Uri): vscode.FileDecoration | undefined {
    const core = this.index.scanCore;
    const file = this.index.get(uri);
    if (!core || !file) return undefined;
    const expiry = core.worstExpiry(file, new Date(), readIndexSettings().warnDays);
    if (!expiry) return undefined;
    const d = expiry.daysLeft;
    const tooltip = `Certificate ${expiryPhrase(expiry)}`;
    if (expiry.status === 'expired') return new vscode.FileDecoration('!', tooltip, new vscode.ThemeColor('list.errorForeground'));
    // Expiring: the badge says how many days are left (badges hold two characters at most).
    if (expiry.status === 'expiring') return new vscode.FileDecoration(d < 100 ? String(d) : '!', tooltip, new vscode.ThemeColor('list.warningForeground'));
    return undefined;
  }

  /** Tells VS Code which files' decorations changed since last time. */
  update(): void {
    const core = this.index.scanCore;
    if (!core) return;
    const now = new Date();
    const { warnDays } = readIndexSettings();
    const next = new Map<string, string>();
    for (const f of this.index.all()) {
      const e = core.worstExpiry(f, now, warnDays);
      if (e && (e.status === 'expired' || e.status === 'expiring')) next.set(f.file, `${e.status}:${e.daysLeft}`);
    }
    const changed: vscode.Uri[] = [];
    for (const [file, state] of next) if (this.shown.get(file) !== state) changed.push(this.index.uriOf(file));
    for (const file of this.shown.keys()) if (!next.has(file)) changed.push(this.index.uriOf(file));
    this.shown = next;
    if (changed.length > 0) this.changed.fire(changed);
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
}
