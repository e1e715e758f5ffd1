// The Certificate Explorer's sections. Each is a TreeDataProvider over the one WorkspaceIndex, for one view of
// the "tlsWorkbench" container. A new section (the ecFlow one, say) is one more ExplorerSection: a class with a
// viewId and its rows, added to the list in certificateExplorer.ts.
//
// Elements are the TreeItems themselves (ExplorerItem), so a command run from a row's menu receives the row
// with its `resourceUri` (the file) and, for one object of a multi-object file, its `objectIndex`.

import * as vscode from 'vscode';
import { printable } from '../../core/display/escape';
import { KIND_WORDS } from '../../core/display/labels';
import type { AuthorityNode } from '../../core/workspace/authorityTree';
import type { ScannedFile, ScannedObject } from '../../core/workspace/scanner';
import {
  contextValue,
  expiryText,
  fileDescription,
  fileIcon,
  fileTooltip,
  objectIcon,
  objectTooltip,
} from './presentation';
import { readIndexSettings, type ScanCore, type WorkspaceIndex } from './workspaceIndex';

export class ExplorerItem extends vscode.TreeItem {
  /** Which object of the file the row stands for (0-based), when the file holds several. */
  objectIndex?: number;
  /** SHA-256 of the certificate the row stands for (lowercase hex). */
  sha256?: string;
  /** The rows beneath this one. */
  childItems?: () => ExplorerItem[];
  /** The tooltip, made when the row is hovered (resolveTreeItem), not for every row on every refresh. */
  tooltipSource?: () => vscode.MarkdownString;
}

export interface ExplorerSection extends vscode.TreeDataProvider<ExplorerItem>, vscode.Disposable {
  /** The view (package.json `contributes.views`) this section fills. */
  readonly viewId: string;
  /** The rows changed: the view asks for them again. */
  refresh(): void;
}

/** What every section drawing from the workspace index shares: waiting for the first results, rows on demand. */
abstract class IndexSection implements ExplorerSection {
  private readonly changed = new vscode.EventEmitter<ExplorerItem | undefined | void>();
  readonly onDidChangeTreeData = this.changed.event;

  constructor(
    readonly viewId: string,
    protected readonly index: WorkspaceIndex,
  ) {}

  refresh(): void {
    this.changed.fire();
  }

  getTreeItem(item: ExplorerItem): ExplorerItem {
    return item;
  }

  resolveTreeItem(item: vscode.TreeItem, element: ExplorerItem): vscode.TreeItem {
    if (item.tooltip === undefined && element.tooltipSource) item.tooltip = element.tooltipSource();
    return item;
  }

  async getChildren(item?: ExplorerItem): Promise<ExplorerItem[]> {
    if (item) return (item.childItems?.() ?? []).map(shown);
    // The first answer waits for the first results: an empty answer would flash the welcome view.
    await this.index.firstResults();
    const core = this.index.scanCore;
    return core ? this.roots({ core, now: new Date(), warnDays: readIndexSettings().warnDays }).map(shown) : [];
  }

  protected abstract roots(ctx: RowContext): ExplorerItem[];

  /** `certs/server.crt` (with the folder's name first in a multi-root workspace). */
  protected where(uri: vscode.Uri): string {
    // The folder's name comes first only in a multi-root workspace (asRelativePath's default).
    return vscode.workspace.getWorkspaceFolder(uri) ? vscode.workspace.asRelativePath(uri) : uri.scheme === 'file' ? uri.fsPath : uri.toString(true);
  }

  dispose(): void {
    this.changed.dispose();
  }
}

interface RowContext {
  core: ScanCore;
  now: Date;
  warnDays: number;
}

/** Workspace: every file holding keys, CSRs, certificates, keystores or chains, by path. */
export class WorkspaceSection extends IndexSection {
  static readonly viewId = 'tlsWorkbench.workspace';

  constructor(index: WorkspaceIndex) {
    super(WorkspaceSection.viewId, index);
  }

  protected roots(ctx: RowContext): ExplorerItem[] {
    return this.index
      .all()
      .map((f) => ({ f, uri: this.index.uriOf(f.file) }))
      .map((x) => ({ ...x, where: this.where(x.uri) }))
      .sort((a, b) => a.where.localeCompare(b.where))
      .map(({ f, uri, where }) => this.fileItem(f, uri, where, ctx));
  }

  private fileItem(f: ScannedFile, uri: vscode.Uri, where: string, ctx: RowContext): ExplorerItem {
    const { core, now, warnDays } = ctx;
    const several = f.objects.length > 1;
    const item = new ExplorerItem(baseName(where), several ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
    item.id = `workspace:${f.file}`;
    item.resourceUri = uri;
    const folder = dirName(where);
    item.description = fileDescription(core, f, now, warnDays) + (folder ? ` — ${folder}` : '');
    item.iconPath = fileIcon(core, f, now, warnDays);
    item.tooltipSource = () => fileTooltip(core, f, where, now, warnDays);
    const only = several ? undefined : f.objects[0];
    item.contextValue = contextValue('file', core.fileKind(f), only, core, now, warnDays);
    if (only?.sha256) item.sha256 = only.sha256;
    item.command = openCommand(uri);
    if (several) item.childItems = () => f.objects.map((o) => this.objectItem(f, o, uri, where, ctx));
    return item;
  }

  private objectItem(f: ScannedFile, o: ScannedObject, uri: vscode.Uri, where: string, ctx: RowContext): ExplorerItem {
    const { core, now, warnDays } = ctx;
    const named = o.kind === 'certificate' || o.kind === 'csr';
    const item = new ExplorerItem(named ? core.scannedObjectName(o) : KIND_WORDS[o.kind], vscode.TreeItemCollapsibleState.None);
    item.id = `workspace:${f.file}#${o.index}`;
    item.resourceUri = uri;
    item.objectIndex = o.index;
    if (o.sha256) item.sha256 = o.sha256;
    item.description = objectRowDescription(o, core, now, warnDays);
    item.iconPath = objectIcon(core, o, now, warnDays);
    item.tooltipSource = () => objectTooltip(core, o, o.range ? `${where}:${o.range.startLine + 1}` : where, now, warnDays);
    item.contextValue = contextValue('object', o.kind, o, core, now, warnDays);
    item.command = openCommand(uri, o);
    return item;
  }
}

/** Certificate Authorities: each CA found, with the certificates it issued beneath it (by AKI/SKI). */
export class AuthoritiesSection extends IndexSection {
  static readonly viewId = 'tlsWorkbench.authorities';

  constructor(index: WorkspaceIndex) {
    super(AuthoritiesSection.viewId, index);
  }

  protected roots(ctx: RowContext): ExplorerItem[] {
    return ctx.core.buildAuthorityTree(this.index.all()).map((node) => this.item(node, '', ctx));
  }

  private item(node: AuthorityNode, parentId: string, ctx: RowContext): ExplorerItem {
    const { core, now, warnDays } = ctx;
    const o = node.certificate;
    const first = node.locations[0];
    const uri = this.index.uriOf(first.file);
    const files = node.locations.map((l) => this.where(this.index.uriOf(l.file)));
    const state = node.issued.length === 0
      ? vscode.TreeItemCollapsibleState.None
      : parentId === '' ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed;
    const item = new ExplorerItem(core.scannedObjectName(o), state);
    item.id = `authorities:${parentId}/${o.sha256 ?? `${first.file}#${first.index}`}`;
    item.resourceUri = uri;
    if (!first.alone) item.objectIndex = first.index;
    if (o.sha256) item.sha256 = o.sha256;
    const more = files.length > 1 ? ` (+${files.length - 1})` : '';
    item.description = [objectRowDescription(o, core, now, warnDays), `${baseName(files[0])}${more}`].filter(Boolean).join(' · ');
    item.iconPath = objectIcon(core, o, now, warnDays);
    item.tooltipSource = () => objectTooltip(core, o, files.join(', '), now, warnDays);
    item.contextValue = contextValue(first.alone ? 'file' : 'object', 'certificate', o, core, now, warnDays);
    item.command = openCommand(uri, first.alone ? undefined : o);
    const id = item.id;
    if (node.issued.length > 0) item.childItems = () => node.issued.map((n) => this.item(n, id, ctx));
    return item;
  }
}

/**
 * A row as shown: its label and description come from certificate fields and file names, so controls and bidi
 * characters in them are escaped (a subject cannot hide or reorder what the row says).
 */
function shown(item: ExplorerItem): ExplorerItem {
  if (typeof item.label === 'string') item.label = printable(item.label);
  if (typeof item.description === 'string') item.description = printable(item.description);
  return item;
}

/** Beside a name: "CA · expires in 42 days", "EC P-256", "CSR"… */
function objectRowDescription(o: ScannedObject, core: ScanCore, now: Date, warnDays: number): string {
  switch (o.kind) {
    case 'certificate':
      return [o.isCA ? 'CA' : '', expiryText(o, core.certificateExpiry(o, now, warnDays))].filter(Boolean).join(' · ');
    case 'csr':
      return 'CSR';
    case 'private-key':
      return [o.encrypted ? 'encrypted' : '', o.algorithm ?? ''].filter(Boolean).join(' ');
    default:
      return o.algorithm ?? '';
  }
}

/** Opens the file (binary formats open in the inspector, their default editor), at the object's block for PEM. */
function openCommand(uri: vscode.Uri, o?: ScannedObject): vscode.Command {
  const args: unknown[] = [uri];
  if (o?.range) args.push({ selection: new vscode.Range(o.range.startLine, o.range.startCharacter, o.range.startLine, o.range.startCharacter), preview: true });
  return { command: 'vscode.open', title: 'Open', arguments: args };
}

function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

function dirName(path: string): string {
  const at = path.lastIndexOf('/');
  return at < 0 ? '' : path.slice(0, at);
}
