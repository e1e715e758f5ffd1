// The Certificate Explorer: the "TLS Workbench" activity bar container's sections (Workspace, Certificate
// Authorities), its commands (refresh, reveal in Explorer, sign with this CA, verify a certificate against this
// CA), the expiry file decorations,
// the expiry status bar item and the `tlsWorkbench.pemFiles` context key — all fed by one WorkspaceIndex.
//
// Registration is cheap: the scanner (and the engine behind it) loads when the first scan starts, just after
// activation, and the scan itself runs in slices so the extension host stays responsive.

import * as vscode from 'vscode';
import { ExpiryDecorations } from './expiryDecorations';
import { ExpiryStatusBar } from './expiryStatusBar';
import { PemFilesContext } from './pemFilesContext';
import { AuthoritiesSection, WorkspaceSection, type ExplorerItem, type ExplorerSection } from './sections';
import { WorkspaceIndex, readIndexSettings } from './workspaceIndex';

/** Expiry is judged against the clock: rows, badges and decorations are recomputed this often. */
const CLOCK_REFRESH_MS = 60 * 60 * 1000;

export class CertificateExplorer implements vscode.Disposable {
  static readonly refreshCommand = 'tlsWorkbench.explorer.refresh';
  static readonly revealCommand = 'tlsWorkbench.explorer.revealInExplorer';
  static readonly signWithCaCommand = 'tlsWorkbench.explorer.signWithCa';
  static readonly verifyWithCaCommand = 'tlsWorkbench.explorer.verifyWithCa';

  readonly index = new WorkspaceIndex();
  /** One per view; a new section (e.g. ecFlow) is added here. */
  readonly sections: ExplorerSection[];
  readonly views: vscode.TreeView<ExplorerItem>[];
  readonly decorations: ExpiryDecorations;
  readonly statusBar: ExpiryStatusBar;
  readonly pemFiles: PemFilesContext;
  private readonly disposables: vscode.Disposable[] = [];

  static register(context: vscode.ExtensionContext): CertificateExplorer {
    const explorer = new CertificateExplorer(context);
    context.subscriptions.push(explorer);
    // The first scan starts once activation is over (decorations and the status bar need it even while the
    // views are closed); a view opened earlier starts it itself.
    const start = setTimeout(() => void explorer.index.firstResults(), 0);
    context.subscriptions.push({ dispose: () => clearTimeout(start) });
    return explorer;
  }

  private constructor(context: vscode.ExtensionContext) {
    this.sections = [new WorkspaceSection(this.index), new AuthoritiesSection(this.index)];
    this.views = this.sections.map((s) => vscode.window.createTreeView(s.viewId, { treeDataProvider: s, showCollapseAll: true }));
    this.decorations = ExpiryDecorations.register(context, this.index);
    this.statusBar = ExpiryStatusBar.register(context, this.index);
    this.pemFiles = PemFilesContext.register(context, this.index);
    const clock = setInterval(() => this.redraw(), CLOCK_REFRESH_MS);
    clock.unref?.();
    this.disposables.push(
      this.index,
      ...this.sections,
      ...this.views,
      { dispose: () => clearInterval(clock) },
      this.index.onDidChange(() => this.onIndexChanged()),
      this.index.onDidStartScan((done) => {
        void vscode.window.withProgress({ location: { viewId: WorkspaceSection.viewId } }, () => done);
      }),
      vscode.commands.registerCommand(CertificateExplorer.refreshCommand, () => this.refresh()),
      vscode.commands.registerCommand(CertificateExplorer.revealCommand, (arg?: unknown) => this.reveal(arg)),
      vscode.commands.registerCommand(CertificateExplorer.signWithCaCommand, (arg?: unknown) => this.signWithCa(arg)),
      vscode.commands.registerCommand(CertificateExplorer.verifyWithCaCommand, (arg?: unknown) => this.verifyWithCa(arg)),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('tlsWorkbench.scan') || e.affectsConfiguration('files.exclude') || e.affectsConfiguration('tlsWorkbench.maxFileSizeMB')) {
          this.index.watch();
          void this.index.refresh();
        } else if (e.affectsConfiguration('tlsWorkbench.expiry.warningDays')) {
          this.redraw();
        }
      }),
      vscode.workspace.onDidChangeWorkspaceFolders(() => {
        this.index.watch();
        void this.index.refresh();
      }),
    );
    this.index.watch();
  }

  /** Scans the workspace again; resolves with this explorer once the rows are current (tests build on it). */
  async refresh(): Promise<CertificateExplorer> {
    await this.index.refresh();
    await this.index.whenIdle();
    this.onIndexChanged();
    return this;
  }

  private async reveal(arg: unknown): Promise<void> {
    const uri = uriOf(arg) ?? vscode.window.activeTextEditor?.document.uri;
    if (uri) await vscode.commands.executeCommand('revealInExplorer', uri);
  }

  /** "Sign CSR with this CA…": the signing wizard, with this CA certificate chosen. */
  private async signWithCa(arg: unknown): Promise<unknown> {
    const uri = uriOf(arg);
    return vscode.commands.executeCommand('tlsWorkbench.signCsr', uri);
  }

  /** "Verify Chain Against This CA…": Verify Certificate Chain, with this CA certificate as the trust anchor. */
  private async verifyWithCa(arg: unknown): Promise<unknown> {
    const uri = uriOf(arg);
    if (!uri) return undefined;
    const sha256 = (arg as { sha256?: unknown } | undefined)?.sha256;
    return vscode.commands.executeCommand('tlsWorkbench.verifyChain', { anchor: { uri, sha256: typeof sha256 === 'string' ? sha256 : undefined } });
  }

  private onIndexChanged(): void {
    for (const s of this.sections) s.refresh();
    this.updateBadge();
  }

  /** Expiry moved on (time passed, or the warning window changed): everything that shows it is redrawn. */
  private redraw(): void {
    this.onIndexChanged();
    this.decorations.update();
    this.statusBar.update();
  }

  private updateBadge(): void {
    const core = this.index.scanCore;
    if (!core) return;
    const { expired, expiring } = core.expiryAttention(this.index.all(), new Date(), readIndexSettings().warnDays);
    const n = expired.length + expiring.length;
    const badge = n > 0 ? { value: n, tooltip: `${expired.length} certificate${expired.length === 1 ? '' : 's'} expired, ${expiring.length} expiring` } : undefined;
    // One view carries it: the activity bar adds up the badges of a container's views (two would show "2" for one certificate).
    const view = this.views[0];
    if (view.badge?.value !== badge?.value || view.badge?.tooltip !== badge?.tooltip) view.badge = badge;
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}

/** A command's target: a Uri (Explorer menus) or a tree row (its `resourceUri`). */
function uriOf(arg: unknown): vscode.Uri | undefined {
  if (arg instanceof vscode.Uri) return arg;
  const r = (arg as { resourceUri?: unknown } | undefined)?.resourceUri;
  return r instanceof vscode.Uri ? r : undefined;
}
