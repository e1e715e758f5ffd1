// The ecFlow code's only contact with the machine: reading the SSL folder (bounded), writing layouts and repairs
// (through write/files.ts: atomic, all or nothing, secrets 0600 from the first byte), changing modes, and the
// facts the context resolution needs (environment, home folder, host name). Everything else in src/core/ecflow is
// pure and takes what is read here as data.

import { chmodSync, lstatSync, mkdirSync, readdirSync, realpathSync, statSync } from 'node:fs';
import { homedir, hostname } from 'node:os';
import { dirname } from 'node:path';
import { messageOf } from '../display/labels';
import { PkiError } from '../model';
import { readFileLimited, writeFilesSafe } from '../write/files';
import { checkEcflowLayout } from './check';
import type { EcflowCheckOptions, EcflowCheckResult, EcflowContextInput, EcflowEntry, EcflowPlannedFile } from './layout';
import { ecflowPath } from './layout';
import type { EcflowRepairPlan } from './repair';

/** What `resolveEcflowContext` needs to know about this process and machine: its environment, home and name. */
export function hostFacts(): Pick<EcflowContextInput, 'env' | 'home' | 'thisHost'> {
  return { env: process.env, home: homedir(), thisHost: hostname() };
}

interface EcflowStat {
  isFile: boolean;
  size: number;
  /** Permission bits; undefined where they mean nothing (Windows). */
  mode?: number;
}

/** The file system as the ecFlow code uses it (nodeEcflowIo; tests may bring their own). */
export interface EcflowIo {
  /** Names in a folder; undefined when the folder does not exist. */
  list(dir: string): Promise<string[] | undefined> | string[] | undefined;
  stat(path: string): Promise<EcflowStat | undefined> | EcflowStat | undefined;
  read(path: string, maxBytes: number): Promise<Uint8Array> | Uint8Array;
  /** All or nothing; secrets 0600; refuses to replace existing files unless `overwrite`. */
  write(files: { path: string; data: string | Uint8Array; secret: boolean }[], overwrite: boolean): Promise<void> | void;
  chmod(path: string, mode: number): Promise<void> | void;
  /** Creates the folder and its parents (new folders 0700). */
  mkdir(path: string): Promise<void> | void;
}

/** Files ecFlow may read are small; anything larger is not read. */
const MAX_ENTRY_BYTES = 1024 * 1024;
const MAX_ENTRIES = 500;
const RELEVANT = /\.(crt|key|pem|passwd)$/i;

/** The folder as the checker needs it: every .crt/.key/.pem/.passwd file with its contents and mode. */
export async function loadEcflowFolder(io: EcflowIo, dir: string): Promise<{ exists: boolean; entries: EcflowEntry[] }> {
  const names = await io.list(dir);
  if (names === undefined) return { exists: false, entries: [] };
  const entries: EcflowEntry[] = [];
  for (const name of names.filter((n) => RELEVANT.test(n)).sort().slice(0, MAX_ENTRIES)) {
    const path = ecflowPath(dir, name);
    let st: EcflowStat | undefined;
    try {
      st = await io.stat(path);
    } catch (e) {
      entries.push({ name, error: messageOf(e) });
      continue;
    }
    if (!st || !st.isFile) continue;
    const entry: EcflowEntry = { name, mode: st.mode };
    if (st.size > MAX_ENTRY_BYTES) {
      entry.error = `larger than ${MAX_ENTRY_BYTES / 1024} KB, not read`;
    } else {
      try {
        entry.bytes = await io.read(path, MAX_ENTRY_BYTES);
      } catch (e) {
        entry.error = messageOf(e).replace(`${path}: `, '');
      }
    }
    entries.push(entry);
  }
  return { exists: true, entries };
}

/** Loads the folder and checks it. */
export async function checkEcflowFolder(io: EcflowIo, options: Omit<EcflowCheckOptions, 'folderExists'>): Promise<EcflowCheckResult & { entries: EcflowEntry[] }> {
  const { exists, entries } = await loadEcflowFolder(io, options.dir);
  return { ...checkEcflowLayout(entries, { ...options, folderExists: exists }), entries };
}

/** Writes planned files into `dir` (created 0700 when missing), all or nothing. */
export async function writeEcflowFiles(io: EcflowIo, dir: string, files: EcflowPlannedFile[], overwrite: boolean): Promise<void> {
  await io.mkdir(dir);
  await io.write(
    files.map((f) => ({ path: ecflowPath(dir, f.name), data: f.data, secret: f.secret })),
    overwrite,
  );
}

/** Applies a repair plan: the writes (replacing files, atomically, all or nothing), then the mode changes. */
export async function applyEcflowRepairs(io: EcflowIo, dir: string, plan: EcflowRepairPlan): Promise<void> {
  if (plan.writes.length > 0) await writeEcflowFiles(io, dir, plan.writes, true);
  for (const c of plan.chmods) await io.chmod(ecflowPath(dir, c.name), c.mode);
}

function errorCode(e: unknown): string {
  const code = (e as { code?: unknown }).code;
  return typeof code === 'string' ? code : 'error';
}

/**
 * The local file system: reads are bounded, writes atomic and all-or-nothing with secrets 0600 from the first
 * byte (files.ts), new folders 0700. Permission bits are left out on Windows, where they mean nothing.
 */
export function nodeEcflowIo(): EcflowIo {
  const posix = process.platform !== 'win32';
  return {
    list(dir) {
      try {
        return readdirSync(dir);
      } catch (e) {
        const code = errorCode(e);
        if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
        throw new PkiError(`${dir}: cannot list the folder (${code})`);
      }
    },
    stat(path) {
      try {
        const st = statSync(path);
        return { isFile: st.isFile(), size: st.size, mode: posix ? st.mode & 0o7777 : undefined };
      } catch (e) {
        const code = errorCode(e);
        if (code === 'ENOENT') return undefined;
        throw new PkiError(code === 'error' ? 'cannot stat' : code);
      }
    },
    read(path, maxBytes) {
      return readFileLimited(path, maxBytes);
    },
    write(files, overwrite) {
      writeFilesSafe(files, { overwrite });
    },
    chmod(path, mode) {
      if (!posix) return;
      try {
        // chmod follows symbolic links: never through one to a file outside the folder (a link planted as
        // server.key must not make `fix` change the mode of some other file of the user's).
        if (lstatSync(path).isSymbolicLink()) {
          const target = realpathSync(path);
          if (dirname(target) !== realpathSync(dirname(path))) {
            throw new PkiError(`${path} is a symbolic link to ${target}, outside the folder: its mode was not changed (replace the link with the file, or change the mode of ${target} yourself)`);
          }
        }
        chmodSync(path, mode);
      } catch (e) {
        if (e instanceof PkiError) throw e;
        throw new PkiError(`${path}: cannot change its mode (${errorCode(e)})`);
      }
    },
    mkdir(path) {
      try {
        mkdirSync(path, { recursive: true, mode: 0o700 });
      } catch (e) {
        throw new PkiError(`${path}: cannot create the folder (${errorCode(e)})`);
      }
    },
  };
}
