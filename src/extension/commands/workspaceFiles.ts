// Reading one file the user named, and finding the keys, CSRs, certificates and keystores of the workspace
// for the wizards' pickers ("which CA?", "which key?"). One scan per command run, bounded in files and bytes.

import * as vscode from 'vscode';
import { messageOf } from '../../core/display/labels';
import type { IndexSettings } from '../explorer/workspaceIndex';
import { fileName } from '../util/outputs';
import { isUserError, UserError } from './errors';
import { pkiFileOf, type PkiFile } from './pkiFiles';
import type { Core } from './session';

/** At most this many files are read to fill a picker; the rest remain reachable through "Browse…". */
const MAX_SCAN_FILES = 500;

/** The file at `uri`, read under the size limit of the settings; UserError naming it when it cannot be. */
export async function readPkiFile(core: Core, uri: vscode.Uri, settings: IndexSettings): Promise<PkiFile> {
  const { maxBytes, warnDays } = settings;
  const name = fileName(uri);
  let size: number;
  try {
    const stat = await vscode.workspace.fs.stat(uri);
    if (stat.type & vscode.FileType.Directory) throw new UserError(`${name} is a folder, not a file.`);
    size = stat.size;
  } catch (e) {
    if (isUserError(e)) throw e;
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
  return pkiFileOf(core, { uri, name, bytes }, warnDays);
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
    private readonly settings: IndexSettings,
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
    // The Certificate Explorer's globs: tlsWorkbench.scan.include, and scan.exclude with files.exclude folded in
    // (a custom exclude replaces files.exclude in findFiles).
    const { include, excludes, maxBytes, warnDays } = this.settings;
    const exclude = excludes.length === 0 ? undefined : excludes.length === 1 ? excludes[0] : `{${excludes.join(',')}}`;
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
          if (stat.size === 0 || stat.size > maxBytes) return undefined;
          return pkiFileOf(this.core, { uri, name: fileName(uri), bytes: await vscode.workspace.fs.readFile(uri) }, warnDays);
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
