// A status bar item that appears only when a workspace certificate is expired or expiring, saying how many;
// clicking it opens the Certificate Explorer.

import * as vscode from 'vscode';
import { printable } from '../../core/display/escape';
import { expiryPhrase } from '../../core/display/expiry';
import { readIndexSettings, type WorkspaceIndex } from './workspaceIndex';

const LISTED = 10;

export class ExpiryStatusBar implements vscode.Disposable {
  readonly item: vscode.StatusBarItem;
  private readonly subscription: vscode.Disposable;

  constructor(private readonly index: WorkspaceIndex) {
    this.item = vscode.window.createStatusBarItem('tlsWorkbench.expiry', vscode.StatusBarAlignment.Left, 10);
    this.item.name = 'TLS Workbench: Certificate Expiry';
    this.item.command = { command: 'tlsWorkbench.workspace.focus', title: 'Show the Certificate Explorer' };
    this.subscription = index.onDidChange(() => this.update());
  }

  static register(context: vscode.ExtensionContext, index: WorkspaceIndex): ExpiryStatusBar {
    const bar = new ExpiryStatusBar(index);
    context.subscriptions.push(bar);
    return bar;
  }

  update(): void {
    const core = this.index.scanCore;
    if (!core) return;
    const { warnDays } = readIndexSettings();
    const { expired, expiring } = core.expiryAttention(this.index.all(), new Date(), warnDays);
    if (expired.length === 0 && expiring.length === 0) {
      this.item.hide();
      return;
    }
    const parts: string[] = [];
    if (expired.length > 0) parts.push(`${expired.length} expired`);
    if (expiring.length > 0) parts.push(`${expiring.length} expiring`);
    this.item.text = `$(${expired.length > 0 ? 'error' : 'warning'}) ${parts.join(', ')}`;
    this.item.backgroundColor = new vscode.ThemeColor(expired.length > 0 ? 'statusBarItem.errorBackground' : 'statusBarItem.warningBackground');
    const md = new vscode.MarkdownString();
    md.appendMarkdown(`**Workspace certificates** — ${expired.length} expired, ${expiring.length} expiring within ${warnDays} days\n\n`);
    for (const e of [...expired, ...expiring].slice(0, LISTED)) {
      const when = expiryPhrase(e.expiry);
      md.appendMarkdown('- ');
      md.appendText(printable(`${core.scannedObjectName(e.certificate)} — ${when} (${e.files.map((f) => vscode.workspace.asRelativePath(this.index.uriOf(f), false)).join(', ')})`));
      md.appendMarkdown('\n');
    }
    const more = expired.length + expiring.length - LISTED;
    if (more > 0) md.appendMarkdown(`\n…and ${more} more\n`);
    md.appendMarkdown('\nClick to open the Certificate Explorer.');
    this.item.tooltip = md;
    this.item.accessibilityInformation = { label: `TLS Workbench: ${parts.join(', ')} certificates. Open the Certificate Explorer.` };
    this.item.show();
  }

  dispose(): void {
    this.subscription.dispose();
    this.item.dispose();
  }
}
