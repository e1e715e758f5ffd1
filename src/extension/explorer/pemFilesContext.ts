// The `tlsWorkbench.pemFiles` context key: the paths of text files whose first line is a PEM BEGIN line, so the
// Explorer's context menu offers TLS Workbench commands on them whatever their extension (package.json:
// `resourcePath in tlsWorkbench.pemFiles`). Sources: files the workspace scan found, and text documents opened
// in this window (checked when opened or saved). Alongside it, one key per summary.ts FileCapability
// (`tlsWorkbench.keyFiles`, `tlsWorkbench.encryptedKeyFiles`…) from the scan alone, so each file action's menu
// entry shows only on files it applies to.

import * as vscode from 'vscode';
import type { FileCapability } from '../../core/workspace/summary';
import type { WorkspaceIndex } from './workspaceIndex';

const PEM_FILES_KEY = 'tlsWorkbench.pemFiles';
/** A context key is sent to the renderer on every change: keep it bounded. */
const MAX_PATHS = 10_000;
/** summary.ts FILE_CAPABILITIES, repeated so this file does not load the engine before the first scan. */
const FILE_CAPABILITIES: readonly FileCapability[] = ['certificateFiles', 'caFiles', 'keyFiles', 'encryptedKeyFiles', 'plainKeyFiles', 'csrFiles', 'pkcs12Files'];

export class PemFilesContext implements vscode.Disposable {
  private readonly opened = new Set<string>();
  private last = '';
  /** The paths last given to the context key. */
  paths: string[] = [];
  /** The paths last given to each capability key (`tlsWorkbench.<capability>`). */
  lists: Record<FileCapability, string[]> = emptyLists();
  private readonly lastLists = new Map<FileCapability, string>();
  private readonly subscriptions: vscode.Disposable[];

  constructor(private readonly index: WorkspaceIndex) {
    this.subscriptions = [
      index.onDidChange(() => this.update()),
      vscode.workspace.onDidOpenTextDocument((d) => this.check(d)),
      vscode.workspace.onDidSaveTextDocument((d) => this.check(d)),
    ];
    for (const d of vscode.workspace.textDocuments) this.check(d, false);
    if (this.opened.size > 0) this.update();
  }

  static register(context: vscode.ExtensionContext, index: WorkspaceIndex): PemFilesContext {
    const key = new PemFilesContext(index);
    context.subscriptions.push(key);
    return key;
  }

  private check(doc: vscode.TextDocument, publish = true): void {
    if (doc.uri.scheme !== 'file' || doc.lineCount === 0) return;
    const pem = doc.lineAt(0).text.startsWith('-----BEGIN ');
    const had = this.opened.has(doc.uri.fsPath);
    if (pem) this.opened.add(doc.uri.fsPath);
    else this.opened.delete(doc.uri.fsPath);
    if (publish && pem !== had) this.update();
  }

  update(): void {
    const paths = new Set<string>();
    const lists = emptyLists();
    for (const f of this.index.all()) {
      const uri = this.index.uriOf(f.file);
      if (uri.scheme !== 'file') continue;
      if (f.pemFirstLine) paths.add(uri.fsPath);
      for (const c of this.index.scanCore?.fileCapabilities(f) ?? []) lists[c].push(uri.fsPath);
    }
    for (const c of FILE_CAPABILITIES) {
      const list = lists[c].sort().slice(0, MAX_PATHS);
      const joined = list.join('\n');
      if (this.lastLists.get(c) === joined) continue;
      this.lastLists.set(c, joined);
      this.lists[c] = list;
      void vscode.commands.executeCommand('setContext', `tlsWorkbench.${c}`, list);
    }
    for (const p of this.opened) paths.add(p);
    const list = [...paths].sort().slice(0, MAX_PATHS);
    const key = list.join('\n');
    if (key === this.last) return;
    this.last = key;
    this.paths = list;
    void vscode.commands.executeCommand('setContext', PEM_FILES_KEY, list);
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
  }
}

function emptyLists(): Record<FileCapability, string[]> {
  return Object.fromEntries(FILE_CAPABILITIES.map((c) => [c, []])) as unknown as Record<FileCapability, string[]>;
}
