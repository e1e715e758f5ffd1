// Where the commands put new files, and how: next to the file the user started from, else in the
// `tlsWorkbench.outputFolder` setting, else the workspace root (else a folder the user picks); predictable
// names (`name.key`, `name.csr`, `name.crt`, `name.p12` or a typed `name.pfx`); an existing file is only ever
// replaced after a modal confirmation whose default (Enter) keeps it; all files of one action are written
// all-or-nothing (core writeFilesSafeAsync: atomic, 0600 for secrets); afterwards the files are revealed in the
// Explorer, the certificate opened in the inspector (or as text when the inspector is not available), and a
// short notification names them by workspace-relative path, the full path behind its "Reveal" action.

import { existsSync, mkdirSync, statSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { printable } from '../../core/display/escape';

export interface OutputFile {
  uri: vscode.Uri;
  data: string | Uint8Array;
  /** Private keys and keystores: mode 0600. */
  secret?: boolean;
}

export function fileName(uri: vscode.Uri): string {
  return path.posix.basename(uri.path) || uri.toString();
}

/** The file name without its last extension: `server.crt` → `server`. */
export function baseName(uri: vscode.Uri): string {
  const name = fileName(uri);
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(0, dot) : name;
}

export function parentFolder(uri: vscode.Uri): vscode.Uri {
  return vscode.Uri.joinPath(uri, '..');
}

/** The folder for new files, or undefined when there is neither a start file, a setting nor a workspace. */
function defaultOutputFolder(from?: vscode.Uri): vscode.Uri | undefined {
  if (from && from.scheme === 'file') return parentFolder(from);
  const root = vscode.workspace.workspaceFolders?.[0]?.uri;
  const setting = vscode.workspace.getConfiguration('tlsWorkbench').get<string>('outputFolder', '').trim();
  if (setting) {
    const expanded = setting.replace(/^~(?=$|[/\\])/, process.env.HOME ?? process.env.USERPROFILE ?? '~');
    if (path.isAbsolute(expanded)) return vscode.Uri.file(expanded);
    if (root) return vscode.Uri.joinPath(root, expanded);
  }
  return root;
}

/** As defaultOutputFolder, asking the user for a folder when there is none. Undefined when they decline. */
export async function outputFolder(from?: vscode.Uri): Promise<vscode.Uri | undefined> {
  const folder = defaultOutputFolder(from);
  if (folder) return folder;
  const picked = await vscode.window.showOpenDialog({
    canSelectFiles: false,
    canSelectFolders: true,
    canSelectMany: false,
    openLabel: 'Save Here',
    title: 'Folder for the new files',
  });
  return picked?.[0];
}

export function outputUri(folder: vscode.Uri, base: string, ext: string): vscode.Uri {
  return vscode.Uri.joinPath(folder, `${base}${ext}`);
}

export function exists(uri: vscode.Uri): boolean {
  return uri.scheme === 'file' && existsSync(uri.fsPath);
}

/** `base`, else `base-2`, `base-3`… : the first for which none of `exts` exists in `folder`. */
export function uniqueBase(folder: vscode.Uri, base: string, exts: string[]): string {
  for (let n = 1; n < 1000; n++) {
    const candidate = n === 1 ? base : `${base}-${n}`;
    if (!exts.some((e) => exists(outputUri(folder, candidate, e)))) return candidate;
  }
  return base;
}

/** A name fit for files: the common name, lowercased, anything unusual turned into `-`. */
export function slug(text: string, fallback: string): string {
  const s = text
    .toLowerCase()
    .replace(/^\*\./, 'wildcard.')
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^[-.]+|[-.]+$/g, '')
    .slice(0, 64);
  return s || fallback;
}

/** Validation message for a file base name typed by the user (undefined when fine). */
export function checkBaseName(base: string): string | undefined {
  const b = base.trim();
  if (b === '') return 'Enter a file name (without extension).';
  if (/[/\\]/.test(b)) return 'Enter a name, not a path: the files go in the folder shown above.';
  if (/[<>:"|?*]/.test(b) || [...b].some((c) => c.charCodeAt(0) < 0x20)) return 'The name contains a character that is not allowed in file names.';
  if (b.startsWith('.')) return 'The name must not start with a dot.';
  if (b.length > 200) return 'The name is too long.';
  return undefined;
}

/** File names in a sentence: "a.key", "a.key and a.crt", "a.key, a.csr and a.crt". */
export function listNames(names: string[]): string {
  if (names.length <= 1) return names.join('');
  return `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}

/**
 * Folder path for prompts and notifications: relative to the workspace when inside it, else `~/…` under the
 * home folder (notifications cut long absolute paths off; their "Reveal" action holds the full path).
 */
export function displayFolder(folder: vscode.Uri): string {
  const rel = vscode.workspace.asRelativePath(folder, false);
  if (rel !== folder.fsPath && rel !== folder.toString()) return rel === '' ? '(workspace root)' : rel;
  return (folder.scheme === 'file' && homeRelative(folder.fsPath)) || folder.fsPath;
}

/** A path under the home folder as `~` or `~/…`; undefined elsewhere. */
export function homeRelative(fsPath: string): string | undefined {
  const home = process.env.HOME ?? process.env.USERPROFILE;
  if (!home) return undefined;
  const inHome = path.relative(home, fsPath);
  if (inHome === '') return '~';
  return !inHome.startsWith('..') && !path.isAbsolute(inHome) ? `~${path.sep}${inHome}` : undefined;
}

/** The action of every "files written" notification: reveals the file (by its full path). */
export const REVEAL = 'Reveal';

/**
 * A notification about written files: short text (file names, workspace-relative folders), with a "Reveal"
 * action that shows `file` in the Explorer (inside the workspace) or the system's file manager (outside).
 */
export function announce(message: string, file: vscode.Uri): void {
  void Promise.resolve(vscode.window.showInformationMessage(printable(message), REVEAL)).then(async (picked) => {
    if (picked !== REVEAL) return;
    const inWorkspace = vscode.workspace.getWorkspaceFolder(file) !== undefined;
    try {
      await vscode.commands.executeCommand(inWorkspace ? 'revealInExplorer' : 'revealFileInOS', file);
    } catch {
      // No file manager to show it (a browser-based VS Code): the full path, then, in a message of its own.
      void vscode.window.showInformationMessage(printable(file.fsPath));
    }
  });
}

/**
 * The extension of a typed output name when it is one of `allowed` (any case, kept as typed), else `fallback`
 * appended: `flow.pfx` → flow + .pfx, `flow.example.com` → flow.example.com + .p12.
 */
export function splitTypedName(typed: string, allowed: string[], fallback: string): { base: string; ext: string } {
  const name = typed.trim();
  const ext = allowed.find((e) => name.toLowerCase().endsWith(e.toLowerCase()) && name.length > e.length);
  return ext ? { base: name.slice(0, name.length - ext.length), ext: name.slice(name.length - ext.length) } : { base: name, ext: fallback };
}

/** The safe answer of an overwrite confirmation, its first button (see askReplace). */
export const KEEP_EXISTING = 'Keep Existing';

/**
 * The modal question before files are replaced: true only when the user picks `replace`. VS Code focuses a
 * modal's first button, so Enter picks it: the safe `keep` comes first (a stray Enter replaces nothing) and
 * `replace` takes a deliberate click. `keep` may be an action of its own (e.g. "Save as Copy…").
 */
export async function askReplace(message: string, detail: string, replace = 'Replace', keep = KEEP_EXISTING): Promise<string | undefined> {
  return vscode.window.showWarningMessage(printable(message), { modal: true, detail }, keep, replace);
}

/**
 * Asks (modally) before any of `uris` that already exist is replaced. True when nothing exists or the user
 * chose to replace; false when they declined (nothing must then be written).
 */
export async function confirmOverwrite(uris: vscode.Uri[]): Promise<boolean> {
  const existing = uris.filter(exists);
  if (existing.length === 0) return true;
  const choice = await askReplace(
    `${listNames(existing.map(fileName))} already exist${existing.length === 1 ? 's' : ''}. Replace ${existing.length === 1 ? 'it' : 'them'}?`,
    `In ${displayFolder(parentFolder(existing[0]))}. The current contents will be lost.`,
  );
  return choice === 'Replace';
}

/**
 * Writes every file or none (core writeFilesSafeAsync: atomic, never over an existing file unless `overwrite`,
 * secrets 0600). Creates the folder when missing. Throws PkiError with one line naming the file.
 */
export async function writeOutputs(files: OutputFile[], overwrite: boolean): Promise<void> {
  const { writeFilesSafeAsync } = await import('../../core/write/files');
  const { PkiError } = await import('../../core/model');
  for (const f of files) {
    if (f.uri.scheme !== 'file') throw new PkiError(`${f.uri.toString()}: new files can only be written to local folders`);
  }
  for (const dir of new Set(files.map((f) => path.dirname(f.uri.fsPath)))) {
    if (!existsSync(dir)) {
      try {
        mkdirSync(dir, { recursive: true });
      } catch (e) {
        throw new PkiError(`${dir}: the folder cannot be created (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
      }
    } else if (!statSync(dir).isDirectory()) {
      throw new PkiError(`${dir} is not a folder`);
    }
  }
  // The asynchronous writer: the disk's fsyncs run off the extension host's thread.
  await writeFilesSafeAsync(
    files.map((f) => ({ path: f.uri.fsPath, data: f.data, secret: f.secret })),
    { overwrite },
  );
}

const BINARY = /\.(der|p12|pfx)$/i;

/** Opens a certificate (or other PKI file) in the inspector; as text when the inspector cannot open it. */
export async function openInInspector(uri: vscode.Uri): Promise<void> {
  const binary = BINARY.test(uri.path);
  try {
    await vscode.commands.executeCommand('vscode.openWith', uri, binary ? 'tlsWorkbench.inspector' : 'tlsWorkbench.inspectorText', {
      preview: true,
      preserveFocus: false,
    });
    return;
  } catch {
    // The inspector is not available: fall back to the text editor for text files.
  }
  if (!binary) {
    try {
      await vscode.window.showTextDocument(uri, { preview: true });
    } catch {
      // Nothing more to do: the file is written and revealed.
    }
  }
}

/** Reveals the new files in the Explorer (the last one stays selected) and opens `open` in the inspector. */
export async function revealAndOpen(files: vscode.Uri[], open?: vscode.Uri): Promise<void> {
  const reveal = open ?? files[files.length - 1];
  if (reveal) {
    try {
      await vscode.commands.executeCommand('revealInExplorer', reveal);
    } catch {
      // No Explorer (e.g. an empty window): the message below still names the files.
    }
  }
  if (open) await openInInspector(open);
}
