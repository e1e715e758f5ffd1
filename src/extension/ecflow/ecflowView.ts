// The ecFlow section of the TLS Workbench container: ecFlow's SSL folder (as ecFlow resolves it — $ECF_SSL_DIR,
// else ~/.ecflowrc/ssl/ — or the `tlsWorkbench.ecflow.folder` setting), the file set ecFlow will use, that set's
// files with their roles, and the checker's findings (src/core/ecflow/check.ts) with their fixes. Its commands:
// Check (re-reads the folder and says what it found: "ecFlow layout OK: N checks passed"), Create (a multi-step
// quick input), Fix (the inline action on a finding that has a repair here) and Open Folder.
//
// The view's description (next to its title) is the folder it shows: the welcome content, static text, cannot
// name it. The findings go to the Problems panel too, on the files they concern (on the folder when they concern
// no single file), replaced on every check, so fixed ones disappear; nothing is published for a folder that does
// not exist (most users have no ecFlow, and the welcome content offers to create one).
//
// This view owns the state: the last check of the folder. The commands' code (./ecflowActions) holds none; it
// returns what it found and the view keeps it (ecflowActions never imports this file).
//
// The folder is outside the workspace, and read with Node's file system in the workspace extension host
// (package.json extensionKind: ["workspace"]), so Remote-SSH and WSL windows see the remote machine's folder.
// Registration is cheap: nothing is read, watched or loaded until the view is shown or a command runs; the
// engine and the commands' code load then.

import * as vscode from 'vscode';
import { reportError } from '../commands/errors';
import { homeRelative } from '../util/outputs';
import { messageOf, plural } from '../../core/display/labels';
import type { EcflowContext, EcflowFinding, EcflowSet } from '../../core/ecflow/layout';
import type * as Actions from './ecflowActions';
import type { FolderCheck } from './ecflowActions';

export type EcflowItem = vscode.TreeItem & {
  /** Which row this is. */
  readonly kind: 'folder' | 'set' | 'files' | 'file' | 'findings' | 'finding' | 'error';
  /** Finding rows: the finding. */
  readonly finding?: EcflowFinding;
};

const COMMANDS = {
  create: 'tlsWorkbench.ecflow.create',
  check: 'tlsWorkbench.ecflow.check',
  fix: 'tlsWorkbench.ecflow.fix',
  openFolder: 'tlsWorkbench.ecflow.openFolder',
} as const;

async function actions(): Promise<typeof Actions> {
  return import('./ecflowActions');
}

export class EcflowView implements vscode.TreeDataProvider<EcflowItem>, vscode.Disposable {
  static readonly viewId = 'tlsWorkbench.ecflow';
  static readonly commands = COMMANDS;

  private readonly changed = new vscode.EventEmitter<EcflowItem | undefined | void>();
  readonly onDidChangeTreeData = this.changed.event;
  readonly view: vscode.TreeView<EcflowItem>;
  private state?: FolderCheck;
  /** The load in flight (or done): getChildren waits for it. */
  private loading?: Promise<FolderCheck | undefined>;
  private loadError?: string;
  /** What made the last load fail (the Check command reports it, with its actions). */
  private loadFailure?: unknown;
  private watcher?: { dir: string; exists: boolean; disposable: vscode.Disposable };
  /** The findings in the Problems panel (created on the first check). */
  private diagnostics?: vscode.DiagnosticCollection;
  private debounce?: ReturnType<typeof setTimeout>;
  private readonly disposables: vscode.Disposable[] = [];

  static register(context: vscode.ExtensionContext): EcflowView {
    const view = new EcflowView();
    context.subscriptions.push(view);
    return view;
  }

  private constructor() {
    this.view = vscode.window.createTreeView(EcflowView.viewId, { treeDataProvider: this, showCollapseAll: false });
    const guard =
      <A extends unknown[]>(fn: (...args: A) => Promise<unknown>) =>
      async (...args: A): Promise<unknown> => {
        try {
          return await fn(...args);
        } catch (e) {
          reportError(e);
          return undefined;
        }
      };
    this.disposables.push(
      this.view,
      this.changed,
      vscode.commands.registerCommand(
        COMMANDS.check,
        guard(async () => {
          const state = await this.refresh();
          if (state) (await actions()).reportCheck(state);
          else reportError(this.loadFailure);
          return this;
        }),
      ),
      vscode.commands.registerCommand(
        COMMANDS.create,
        guard(async () => {
          const made = await (await actions()).createLayout();
          await this.refresh();
          return made;
        }),
      ),
      vscode.commands.registerCommand(
        COMMANDS.fix,
        guard(async (arg?: unknown) => {
          const done = await (await actions()).fixFinding(findingOf(arg));
          await this.refresh();
          return done;
        }),
      ),
      vscode.commands.registerCommand(
        COMMANDS.openFolder,
        guard(async () => {
          const state = await this.refresh();
          await (await actions()).openFolder(state?.where.dir, state?.exists ?? false);
          const first = (await this.getChildren())[0];
          if (first && first.kind === 'folder') await Promise.resolve(this.view.reveal(first, { select: true, focus: true })).catch(() => undefined);
          return state?.where.dir;
        }),
      ),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('tlsWorkbench.ecflow') && this.loading) void this.refresh();
      }),
      { dispose: () => this.unwatch() },
      { dispose: () => this.diagnostics?.dispose() },
      { dispose: () => this.debounce && clearTimeout(this.debounce) },
    );
  }

  /** Reads and checks the folder again; resolves once the rows are current (tests build on it). */
  async refresh(): Promise<FolderCheck | undefined> {
    this.loading = this.load();
    const state = await this.loading;
    this.changed.fire();
    return state;
  }

  /** The last check (after `refresh()`). */
  get current(): FolderCheck | undefined {
    return this.state;
  }

  private async load(): Promise<FolderCheck | undefined> {
    try {
      const state = await (await actions()).checkFolder();
      this.state = state;
      this.loadError = undefined;
      this.loadFailure = undefined;
      // Under the home folder as ~/…: the view's title bar is narrow.
      this.view.description = homeRelative(state.where.dir) ?? state.where.dir;
      this.publish(state);
      this.watch(state.where.dir, state.exists);
      return state;
    } catch (e) {
      this.state = undefined;
      this.loadError = messageOf(e);
      this.loadFailure = e;
      this.view.description = undefined;
      this.publish(undefined);
      return undefined;
    }
  }

  /** Puts the findings in the Problems panel, replacing the last check's. */
  private publish(state: FolderCheck | undefined): void {
    this.diagnostics ??= vscode.languages.createDiagnosticCollection('tlsWorkbench.ecflow');
    this.diagnostics.clear();
    if (!state?.exists) return;
    const folder = vscode.Uri.file(state.where.dir.replace(/[/\\]+$/, '') || state.where.dir);
    const byFile = new Map<string, { uri: vscode.Uri; list: vscode.Diagnostic[] }>();
    for (const f of state.result.findings) {
      const uri = f.file ? vscode.Uri.joinPath(folder, f.file) : folder;
      // The file as a whole: its first position (the files are short, and a finding is about all of it).
      const d = new vscode.Diagnostic(new vscode.Range(0, 0, 0, 0), f.message, DIAGNOSTIC_SEVERITY[f.severity]);
      d.source = DIAGNOSTIC_SOURCE;
      d.code = f.code;
      const entry = byFile.get(uri.toString()) ?? { uri, list: [] };
      entry.list.push(d);
      byFile.set(uri.toString(), entry);
    }
    this.diagnostics.set([...byFile.values()].map((e) => [e.uri, e.list]));
  }

  /** Re-reads the folder when anything in it (or the folder itself) changes. */
  private watch(dir: string, exists: boolean): void {
    if (this.watcher && this.watcher.dir === dir && this.watcher.exists === exists) return;
    this.unwatch();
    const trimmed = dir.replace(/[/\\]+$/, '') || dir;
    const folder = vscode.Uri.file(trimmed);
    const inside = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(folder, '*'));
    // The folder itself (created, removed), seen from its parent.
    const parent = vscode.Uri.joinPath(folder, '..');
    const base = trimmed.split(/[/\\]/).pop() ?? '';
    const outer = base ? vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(parent, base)) : undefined;
    const later = (): void => this.scheduleRefresh();
    const subs: vscode.Disposable[] = [inside];
    for (const w of outer ? [inside, outer] : [inside]) subs.push(w.onDidCreate(later), w.onDidChange(later), w.onDidDelete(later));
    if (outer) subs.push(outer);
    this.watcher = { dir, exists, disposable: { dispose: () => subs.forEach((s) => s.dispose()) } };
  }

  private unwatch(): void {
    this.watcher?.disposable.dispose();
    this.watcher = undefined;
  }

  private scheduleRefresh(): void {
    if (this.debounce) clearTimeout(this.debounce);
    this.debounce = setTimeout(() => {
      this.debounce = undefined;
      void this.refresh();
    }, 250);
  }

  getTreeItem(item: EcflowItem): vscode.TreeItem {
    return item;
  }

  getParent(item: EcflowItem): EcflowItem | undefined {
    void item;
    return undefined;
  }

  async getChildren(parent?: EcflowItem): Promise<EcflowItem[]> {
    if (!parent) {
      this.loading ??= this.load();
      const state = await this.loading;
      if (!state) return this.loadError ? [errorRow(this.loadError)] : [];
      // No folder: the view's welcome content (package.json viewsWelcome) offers to create one.
      if (!state.exists) return [];
      return rootRows(state);
    }
    const state = this.state;
    if (!state) return [];
    if (parent.kind === 'files') return fileRows(state);
    if (parent.kind === 'findings') return findingRows(state);
    return [];
  }

  dispose(): void {
    this.disposables.forEach((d) => d.dispose());
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Problems panel and description

/** The source of the findings in the Problems panel. */
export const DIAGNOSTIC_SOURCE = 'ecFlow';

const DIAGNOSTIC_SEVERITY = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  info: vscode.DiagnosticSeverity.Information,
} as const;


// ---------------------------------------------------------------------------------------------------------------
// Rows

function item(kind: EcflowItem['kind'], label: string, fields: Partial<vscode.TreeItem> & { finding?: EcflowFinding } = {}): EcflowItem {
  const t = new vscode.TreeItem(label, fields.collapsibleState ?? vscode.TreeItemCollapsibleState.None) as vscode.TreeItem & {
    kind: EcflowItem['kind'];
    finding?: EcflowFinding;
  };
  Object.assign(t, fields, { kind });
  return t as EcflowItem;
}

function errorRow(message: string): EcflowItem {
  return item('error', message, { iconPath: new vscode.ThemeIcon('error', new vscode.ThemeColor('list.errorForeground')), contextValue: 'ecflowError', tooltip: message });
}

function setLabel(set: EcflowSet | null, w: EcflowContext): { label: string; description: string; tooltip: string } {
  if (set === 'shared') return { label: 'Set: shared (server.*)', description: 'ECF_SSL=1 or --ssl', tooltip: 'ecFlow uses server.crt, server.key, dh2048.pem and server.passwd: export ECF_SSL=1 (or --ssl) on the server and its clients.' };
  if (set === 'specific') {
    const base = `${w.host}.${w.port}`;
    return { label: `Set: specific (${base}.*)`, description: `ECF_SSL=${base}`, tooltip: `ecFlow uses ${base}.crt, .key, .pem and .passwd: export ECF_SSL=${base} on the server and its clients.` };
  }
  return { label: 'Set: none', description: 'no certificate ecFlow would use', tooltip: `Neither server.crt nor ${w.host}.${w.port}.crt is in the folder.` };
}

function rootRows(state: FolderCheck): EcflowItem[] {
  const w = state.where;
  const r = state.result;
  const set = setLabel(r.set, w);
  const errors = r.findings.filter((f) => f.severity === 'error').length;
  const warnings = r.findings.filter((f) => f.severity === 'warning').length;
  const counts = r.findings.length === 0 ? 'no problems' : `${plural(errors, 'error')}, ${plural(warnings, 'warning')}`;
  return [
    item('folder', w.dir, {
      description: w.dirSource === 'given' ? 'tlsWorkbench.ecflow.folder' : w.dirSource === 'env' ? '$ECF_SSL_DIR' : 'as ecFlow finds it',
      tooltip: `The ecFlow SSL folder (${w.dirSource === 'given' ? 'from the tlsWorkbench.ecflow.folder setting' : w.dirSource === 'env' ? 'from $ECF_SSL_DIR' : '$HOME/.ecflowrc/ssl/: ECF_SSL_DIR is not set'}); server ${w.host}, port ${w.port}.`,
      iconPath: new vscode.ThemeIcon('folder'),
      resourceUri: vscode.Uri.file(w.dir),
      contextValue: 'ecflowFolder',
    }),
    item('set', set.label, {
      description: set.description,
      tooltip: set.tooltip,
      iconPath: new vscode.ThemeIcon(r.set ? 'lock' : 'unlock'),
      contextValue: 'ecflowSet',
    }),
    item('files', 'Files', {
      description: `${Object.values(r.files).filter((f) => f.present).length} of ${Object.keys(r.files).length} present`,
      iconPath: new vscode.ThemeIcon('files'),
      collapsibleState: vscode.TreeItemCollapsibleState.Expanded,
      contextValue: 'ecflowFiles',
    }),
    item('findings', 'Problems', {
      description: counts,
      iconPath: new vscode.ThemeIcon(errors > 0 ? 'error' : warnings > 0 ? 'warning' : 'pass', errors > 0 ? new vscode.ThemeColor('list.errorForeground') : undefined),
      collapsibleState: vscode.TreeItemCollapsibleState.Expanded,
      contextValue: 'ecflowFindings',
    }),
  ];
}

const ROLE_WORDS: Record<string, string> = {
  'certificate': 'certificate',
  'key': 'private key',
  'dh': 'DH parameters',
  'passwd': 'passphrase file',
  'client-certificate': 'client certificate',
};

const ROLE_ICONS: Record<string, string> = {
  'certificate': 'shield',
  'key': 'key',
  'dh': 'symbol-constant',
  'passwd': 'lock',
  'client-certificate': 'shield',
};

function fileRows(state: FolderCheck): EcflowItem[] {
  const folder = vscode.Uri.file(state.where.dir);
  return Object.entries(state.result.files).map(([name, f]) => {
    const role = ROLE_WORDS[f.role] ?? f.role;
    const status = f.present ? (f.description ?? 'present') : f.required ? 'missing' : 'absent (optional)';
    const uri = vscode.Uri.joinPath(folder, name);
    return item('file', name, {
      description: `${role}: ${status}`,
      tooltip: `${name}: ${role}, ${status}`,
      iconPath: f.present ? new vscode.ThemeIcon(ROLE_ICONS[f.role] ?? 'file') : new vscode.ThemeIcon(f.required ? 'circle-slash' : 'circle-outline', f.required ? new vscode.ThemeColor('list.errorForeground') : undefined),
      resourceUri: f.present ? uri : undefined,
      // A click opens certificates and DH parameters; keys and passphrases only on purpose (from the Explorer).
      command: f.present && (f.role === 'certificate' || f.role === 'client-certificate' || f.role === 'dh') ? { command: 'vscode.open', title: 'Open', arguments: [uri] } : undefined,
      contextValue: f.present ? `ecflowFile ${f.role}` : `ecflowFile ${f.role} missing`,
    });
  });
}

const SEVERITY_ICONS = {
  error: ['error', 'list.errorForeground'],
  warning: ['warning', 'list.warningForeground'],
  info: ['info', undefined],
} as const;

function findingRows(state: FolderCheck): EcflowItem[] {
  const findings = state.result.findings;
  if (findings.length === 0) {
    return [item('finding', 'No problems found', { iconPath: new vscode.ThemeIcon('pass', new vscode.ThemeColor('testing.iconPassed')), contextValue: 'ecflowFinding ok' })];
  }
  return findings.map((f) => {
    const [icon, color] = SEVERITY_ICONS[f.severity];
    const fix = state.fixes.get(f);
    const tooltip = new vscode.MarkdownString();
    tooltip.appendMarkdown(`**${f.severity}** \`${f.code}\`${f.file ? ` — ${f.file}` : ''}\n\n`);
    tooltip.appendText(f.message);
    fix?.words.forEach((w, i) => {
      tooltip.appendMarkdown(i === 0 ? '\n\n**Fix:** ' : '\n\n');
      tooltip.appendText(w);
    });
    return item('finding', f.message, {
      description: f.file ?? undefined,
      tooltip,
      iconPath: new vscode.ThemeIcon(icon, color ? new vscode.ThemeColor(color) : undefined),
      contextValue: `ecflowFinding ${f.severity} ${f.code}${fix?.repair ? ' fixable' : ''}`,
      finding: f,
    });
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Command arguments: the Fix action gets the finding's row.

function findingOf(arg: unknown): EcflowFinding | undefined {
  const f = (arg as { finding?: unknown } | undefined)?.finding;
  if (!f || typeof f !== 'object') return undefined;
  const x = f as Partial<EcflowFinding>;
  return typeof x.code === 'string' && typeof x.message === 'string' ? (f as EcflowFinding) : undefined;
}
