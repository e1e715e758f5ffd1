// Reading one file the user named, and finding the keys, CSRs, certificates and keystores of the workspace
// for the wizards' pickers ("which CA?", "which key?"). One scan per command run, bounded in files and bytes.

import * as vscode from 'vscode';
import type { Core, PkiFile } from './common';
import { UserError, messageOf, parsePkiFile } from './common';
import { fileName } from '../util/outputs';

/** At most this many files are read to fill a picker; the rest remain reachable through "Browse…". */
const MAX_SCAN_FILES = 500;

export async function readPkiFile(core: Core, uri: vscode.Uri, maxBytes: number): Promise<PkiFile> {
  const name = fileName(uri);
  let size: number;
  try {
    const stat = await vscode.workspace.fs.stat(uri);
    if (stat.type & vscode.FileType.Directory) throw new UserError(`${name} is a folder, not a file.`);
    size = stat.size;
  } catch (e) {
    if (e instanceof UserError) throw e;
    throw new UserError(`${name}: cannot be read (${whyUnreadable(e)}).`);
  }
  if (size > maxBytes) {
    throw new UserError(`${name} is larger than the ${formatMB(maxBytes)} limit (tlsWorkbench.maxFileSizeMB), so it was not read.`, [
      { title: 'Open Settings', run: () => vscode.commands.executeCommand('workbench.action.openSettings', 'tlsWorkbench.maxFileSizeMB') },
    ]);
  }
  let bytes: Uint8Array;
  try {
    bytes = await vscode.workspace.fs.readFile(uri);
  } catch (e) {
    throw new UserError(`${name}: cannot be read (${whyUnreadable(e)}).`);
  }
  if (bytes.length === 0) throw new UserError(`${name} is empty.`);
  return parsePkiFile(core, uri, name, bytes);
}

function whyUnreadable(e: unknown): string {
  if (e instanceof vscode.FileSystemError) {
    if (e.code === 'FileNotFound') return 'it does not exist';
    if (e.code === 'NoPermissions') return 'permission denied';
  }
  return messageOf(e);
}

function formatMB(bytes: number): string {
  const mb = bytes / (1024 * 1024);
  return `${Number.isInteger(mb) ? mb : mb.toFixed(1)} MB`;
}

/** The PKI files of the workspace, scanned once per command run (lazily, on the first picker that needs them). */
export class WorkspaceFiles {
  private scan?: Promise<PkiFile[]>;

  constructor(
    private readonly core: Core,
    private readonly maxBytes: number,
  ) {}

  all(): Promise<PkiFile[]> {
    this.scan ??= this.find();
    return this.scan;
  }

  async matching(filter: (f: PkiFile) => boolean): Promise<PkiFile[]> {
    return (await this.all()).filter(filter);
  }

  private async find(): Promise<PkiFile[]> {
    if (!vscode.workspace.workspaceFolders?.length) return [];
    const config = vscode.workspace.getConfiguration('tlsWorkbench');
    const include = config.get<string>('scan.include', '**/*.{pem,crt,cer,der,key,csr,p12,pfx,crl}') || '**/*.{pem,crt,cer,der,key,csr,p12,pfx,crl}';
    const excludes = (config.get<string[]>('scan.exclude', ['**/node_modules/**', '**/.git/**']) ?? []).filter((g) => typeof g === 'string' && g !== '');
    // A custom exclude replaces files.exclude in findFiles: fold both in.
    const filesExclude = vscode.workspace.getConfiguration('files').get<Record<string, boolean>>('exclude', {}) ?? {};
    const all = [...excludes, ...Object.entries(filesExclude).filter(([, on]) => on === true).map(([g]) => g)];
    const exclude = all.length === 0 ? undefined : all.length === 1 ? all[0] : `{${all.join(',')}}`;
    let uris: vscode.Uri[];
    try {
      uris = await vscode.workspace.findFiles(include, exclude, MAX_SCAN_FILES);
    } catch {
      return [];
    }
    const files = await Promise.all(
      uris.map(async (uri) => {
        try {
          const stat = await vscode.workspace.fs.stat(uri);
          if (stat.size === 0 || stat.size > this.maxBytes) return undefined;
          return parsePkiFile(this.core, uri, fileName(uri), await vscode.workspace.fs.readFile(uri));
        } catch {
          return undefined; // unreadable or not PKI: not offered
        }
      }),
    );
    return files
      .filter((f): f is PkiFile => f !== undefined)
      .sort((a, b) => vscode.workspace.asRelativePath(a.uri).localeCompare(vscode.workspace.asRelativePath(b.uri)));
  }
}
