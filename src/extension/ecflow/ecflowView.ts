// The ecFlow section of the TLS Workbench container: ecFlow's SSL folder (as ecFlow resolves it — $ECF_SSL_DIR,
// else ~/.ecflowrc/ssl/ — or the `tlsWorkbench.ecflow.folder` setting), the file set ecFlow will use, that set's
// files with their roles, and the checker's findings (src/core/ecflow.ts) with their fixes. Its commands: Check
// (re-reads the folder), Create (a multi-step quick input), Fix (the inline action on a finding that has an
// automatic repair) and Open Folder.
//
// The folder is outside the workspace, and read with Node's file system in the workspace extension host
// (package.json extensionKind: ["workspace"]), so Remote-SSH and WSL windows see the remote machine's folder.
// Registration is cheap: nothing is read, watched or loaded until the view is shown or a command runs; the
// engine and the commands' code (./ecflowActions) load then.

import * as vscode from 'vscode';
import type { EcflowCheckResult, EcflowFinding, EcflowSet } from '../../core/ecflow/ecflow';
import type * as Actions from './ecflowActions';
import type { EcflowContext, RepairKind } from './ecflowActions';

export type EcflowItem = vscode.TreeItem & {
  /** Which row this is. */
  readonly kind: 'folder' | 'set' | 'files' | 'file' | 'findings' | 'finding' | 'error';
  /** Finding rows: the finding, and how the Fix action repairs it (undefined: no automatic repair). */
  readonly finding?: EcflowFinding;
  readonly repair?: RepairKind;
};

/** What the view shows: one check of the folder. */
export interface EcflowState {
  where: EcflowContext;
  exists: boolean;
  result: EcflowCheckResult;
  /** Finding → its repair, when one exists. */
  repairs: Map<EcflowFinding, RepairKind>;
}

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
  private state?: EcflowState;
  /** The load in flight (or done): getChildren waits for it. */
  private loading?: Promise<EcflowState | undefined>;
  private loadError?: string;
  private watcher?: { dir: string; exists: boolean; disposable: vscode.Disposable };
  private debounce?: ReturnType<typeof setTimeout>;
  private readonly disposables: vscode.Disposable[] = [];

  static register(context: vscode.ExtensionContext): EcflowView {
    const view = new EcflowView(context);
    context.subscriptions.push(view);
    return view;
  }

  private constructor(context: vscode.ExtensionContext) {
    this.view = vscode.window.createTreeView(EcflowView.viewId, { treeDataProvider: this, showCollapseAll: false });
    const guard =
      <A extends unknown[]>(fn: (...args: A) => Promise<unknown>) =>
      async (...args: A): Promise<unknown> => {
        try {
          return await fn(...args);
        } catch (e) {
          (await actions()).report(e);
          return undefined;
        }
      };
    this.disposables.push(
      this.view,
      this.changed,
      vscode.commands.registerCommand(
        COMMANDS.check,
        guard(async () => {
          await this.refresh();
          return this;
        }),
      ),
      vscode.commands.registerCommand(
        COMMANDS.create,
        guard(async () => {
          const made = await (await actions()).createLayout(context);
          await this.refresh();
          return made;
        }),
      ),
      vscode.commands.registerCommand(
        COMMANDS.fix,
        guard(async (arg?: unknown) => {
          const done = await (await actions()).fixFinding(findingOf(arg), repairOf(arg));
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
      { dispose: () => this.debounce && clearTimeout(this.debounce) },
    );
  }

  /** Reads and checks the folder again; resolves once the rows are current (tests build on it). */
  async refresh(): Promise<EcflowState | undefined> {
    this.loading = this.load();
    const state = await this.loading;
    this.changed.fire();
    return state;
  }

  /** The last check (after `refresh()`). */
  get current(): EcflowState | undefined {
    return this.state;
  }

  private async load(): Promise<EcflowState | undefined> {
    try {
      const a = await actions();
      const state = await a.checkFolder();
      this.state = state;
      this.loadError = undefined;
      this.watch(state.where.dir, state.exists);
      return state;
    } catch (e) {
      this.state = undefined;
      this.loadError = (await actions()).messageOf(e);
      return undefined;
    }
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
// Rows

function item(kind: EcflowItem['kind'], label: string, fields: Partial<vscode.TreeItem> & { finding?: EcflowFinding; repair?: RepairKind } = {}): EcflowItem {
  const t = new vscode.TreeItem(label, fields.collapsibleState ?? vscode.TreeItemCollapsibleState.None) as vscode.TreeItem & {
    kind: EcflowItem['kind'];
    finding?: EcflowFinding;
    repair?: RepairKind;
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

function rootRows(state: EcflowState): EcflowItem[] {
  const w = state.where;
  const r = state.result;
  const set = setLabel(r.set, w);
  const errors = r.findings.filter((f) => f.severity === 'error').length;
  const warnings = r.findings.filter((f) => f.severity === 'warning').length;
  const counts = r.findings.length === 0 ? 'no problems' : `${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}`;
  return [
    item('folder', w.dir, {
      description: w.source === 'setting' ? 'tlsWorkbench.ecflow.folder' : w.source === 'env' ? '$ECF_SSL_DIR' : 'as ecFlow finds it',
      tooltip: `The ecFlow SSL folder (${w.source === 'setting' ? 'from the tlsWorkbench.ecflow.folder setting' : w.source === 'env' ? 'from $ECF_SSL_DIR' : '$HOME/.ecflowrc/ssl/: ECF_SSL_DIR is not set'}); server ${w.host}, port ${w.port}.`,
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

function fileRows(state: EcflowState): EcflowItem[] {
  const dir = state.where.dir;
  return Object.entries(state.result.files).map(([name, f]) => {
    const role = ROLE_WORDS[f.role] ?? f.role;
    const status = f.present ? (f.description ?? 'present') : f.required ? 'missing' : 'absent (optional)';
    const uri = vscode.Uri.file(joinPath(dir, name));
    return item('file', name, {
      description: f.present ? `${role}: ${status}` : `${role}: ${status}`,
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

function findingRows(state: EcflowState): EcflowItem[] {
  const findings = state.result.findings;
  if (findings.length === 0) {
    return [item('finding', 'No problems found', { iconPath: new vscode.ThemeIcon('pass', new vscode.ThemeColor('testing.iconPassed')), contextValue: 'ecflowFinding ok' })];
  }
  return findings.map((f) => {
    const [icon, color] = SEVERITY_ICONS[f.severity];
    const repair = state.repairs.get(f);
    const tooltip = new vscode.MarkdownString();
    tooltip.appendMarkdown(`**${f.severity}** \`${f.code}\`${f.file ? ` — ${f.file}` : ''}\n\n`);
    tooltip.appendText(f.message);
    tooltip.appendMarkdown('\n\n**Fix:** ');
    tooltip.appendText(f.fix);
    if (repair) tooltip.appendMarkdown('\n\n_The wrench button repairs it here._');
    return item('finding', f.message, {
      description: f.file ?? undefined,
      tooltip,
      iconPath: new vscode.ThemeIcon(icon, color ? new vscode.ThemeColor(color) : undefined),
      contextValue: `ecflowFinding ${f.severity} ${f.code}${repair ? ' fixable' : ''}`,
      finding: f,
      repair,
    });
  });
}

function joinPath(dir: string, name: string): string {
  return dir.endsWith('/') || dir.endsWith('\\') ? `${dir}${name}` : `${dir}/${name}`;
}

// ---------------------------------------------------------------------------------------------------------------
// Command arguments: the Fix action gets the finding's row.

function findingOf(arg: unknown): EcflowFinding | undefined {
  const f = (arg as { finding?: unknown } | undefined)?.finding;
  if (!f || typeof f !== 'object') return undefined;
  const x = f as Partial<EcflowFinding>;
  return typeof x.code === 'string' && typeof x.message === 'string' ? (f as EcflowFinding) : undefined;
}

function repairOf(arg: unknown): RepairKind | undefined {
  const r = (arg as { repair?: unknown } | undefined)?.repair;
  return typeof r === 'string' ? (r as RepairKind) : undefined;
}
