// Safe file output shared by the CLI and the extension: atomic writes (temporary file + fsync + rename/link),
// never clobbering an existing file unless asked, secrets created with mode 0600 from the very first byte,
// several outputs written all-or-nothing; plus bounded reads and OpenSSL-style passphrase files.
// The only module in src/core that touches the file system.

import { randomBytes } from 'node:crypto';
import type { Stats } from 'node:fs';
import {
  close,
  closeSync,
  constants,
  fchmodSync,
  fstatSync,
  fsync,
  fsyncSync,
  linkSync,
  lstatSync,
  open,
  openSync,
  readSync,
  renameSync,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { PkiError } from './model';

/** `secret` → mode 0600 (private keys, .p12/.pfx, passphrase files); `public` → 0644. */
export type SecretKind = 'secret' | 'public';

export interface WriteOptions {
  /** Replace an existing file (the CLI's `--force`). Default: refuse. */
  overwrite?: boolean;
  /** Explicit permission bits; default 0600 for secrets, 0644 otherwise. */
  mode?: number;
  secret?: boolean;
}

export const SECRET_MODE = 0o600;
export const PUBLIC_MODE = 0o644;
/** Passphrase files larger than this are refused. */
export const MAX_PASSPHRASE_FILE_BYTES = 64 * 1024;

/**
 * Writes `data` to `path` atomically: a temporary file in the same folder (created exclusively with its final mode),
 * fsync, then rename over the target (`overwrite`) or hard-link into place (otherwise: an existing target, even one
 * appearing at the last moment, is never clobbered). The temporary file is removed on every path.
 */
export function writeFileSafe(path: string, data: string | Uint8Array, opts: WriteOptions = {}): void {
  writeAll([{ path, data, mode: modeFor(opts.mode, opts.secret === true, path) }], opts.overwrite === true);
}

/**
 * Writes several files all-or-nothing. Every target is checked first (none is written if any exists without
 * `overwrite`), all temporary files are written and synced before any target is touched, and if putting one in
 * place fails the ones already placed are removed (or, when overwritten, their previous contents restored).
 */
export function writeFilesSafe(files: { path: string; data: string | Uint8Array; secret?: boolean }[], opts: { overwrite?: boolean } = {}): void {
  if (!Array.isArray(files)) throw new PkiError('no files to write');
  writeAll(
    files.map((f) => ({ path: f.path, data: f.data, mode: modeFor(undefined, f.secret === true, f.path) })),
    opts.overwrite === true,
  );
}

/**
 * writeFilesSafe for a host that must stay responsive (the extension): the same checks, atomicity and
 * all-or-nothing rule, but the fsyncs (where a disk makes a writer wait) run on libuv's thread pool, all files at
 * once, so the event loop is never held by the disk and several small files cost about one sync.
 */
export async function writeFilesSafeAsync(files: { path: string; data: string | Uint8Array; secret?: boolean }[], opts: { overwrite?: boolean } = {}): Promise<void> {
  if (!Array.isArray(files)) throw new PkiError('no files to write');
  await writeAllAsync(
    files.map((f) => ({ path: f.path, data: f.data, mode: modeFor(undefined, f.secret === true, f.path) })),
    opts.overwrite === true,
  );
}

/** Reads a regular file of at most `maxBytes`. One clear PkiError line for: not found, a directory, too large, unreadable. */
export function readFileLimited(path: string, maxBytes: number): Uint8Array {
  if (typeof path !== 'string' || path === '') throw new PkiError('no file name given');
  if (typeof maxBytes !== 'number' || !(maxBytes >= 0)) throw new PkiError(`invalid size limit for ${path}`);
  let st: Stats;
  try {
    st = statSync(path);
  } catch (e) {
    throw fsError(e, path, 'read');
  }
  if (st.isDirectory()) throw new PkiError(`${path} is a directory`);
  if (!st.isFile()) throw new PkiError(`${path} is not a regular file`);
  if (st.size > maxBytes) throw tooLarge(path, st.size, maxBytes);
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY);
  } catch (e) {
    throw fsError(e, path, 'read');
  }
  try {
    // Bounded read: the file may have changed since stat, so never trust st.size.
    const cap = Math.floor(maxBytes);
    let chunk = Buffer.alloc(Math.min(cap, st.size) + 1);
    let n = 0;
    for (;;) {
      if (n === chunk.length) {
        if (n > cap) break;
        const bigger = Buffer.alloc(Math.min(cap + 1, chunk.length * 2));
        chunk.copy(bigger, 0, 0, n);
        chunk = bigger;
      }
      const r = readSync(fd, chunk, n, chunk.length - n, null);
      if (r === 0) break;
      n += r;
    }
    if (n > cap) throw tooLarge(path, fstatSync(fd).size, maxBytes);
    return new Uint8Array(chunk.subarray(0, n));
  } catch (e) {
    throw fsError(e, path, 'read');
  } finally {
    closeSync(fd);
  }
}

/**
 * Reads a passphrase the way `openssl … -passin file:` does: the first line only, without its trailing \n or
 * \r\n (note: OpenSSL 3.0 itself keeps a trailing \r). Must be valid UTF-8, and not empty unless `allowEmpty`
 * (a PKCS#12 password may be empty: keystores exported "without a password" have exactly that one).
 */
export function readPassphraseFile(path: string, opts: { allowEmpty?: boolean } = {}): string {
  const bytes = readFileLimited(path, MAX_PASSPHRASE_FILE_BYTES);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    throw new PkiError(`${path}: the passphrase file is not valid UTF-8 text`);
  }
  const nl = text.indexOf('\n');
  let line = nl >= 0 ? text.slice(0, nl) : text;
  if (line.endsWith('\r')) line = line.slice(0, -1);
  if (line === '' && !opts.allowEmpty) throw new PkiError(`${path}: the passphrase file is empty (its first line has no passphrase)`);
  return line;
}

// ---------------------------------------------------------------------------------------------------------------

interface Job {
  path: string;
  data: string | Uint8Array;
  mode: number;
}

interface Staged {
  path: string;
  tmp: string;
  dev: number;
  ino: number;
}

interface Placed {
  staged: Staged;
  /** The target did not exist before (remove it on rollback). */
  created: boolean;
  /** A hard link to the previous contents (restore it on rollback, delete it on success). */
  backup?: string;
}

function modeFor(mode: number | undefined, secret: boolean, path: string): number {
  if (mode === undefined) return secret ? SECRET_MODE : PUBLIC_MODE;
  if (!Number.isInteger(mode) || mode < 0 || mode > 0o7777) throw new PkiError(`${path}: invalid file mode ${String(mode)}`);
  if (secret && (mode & 0o077) !== 0) throw new PkiError(`${path}: a secret file must not be accessible to other users (mode ${mode.toString(8)})`);
  return mode;
}

function writeAll(jobs: Job[], overwrite: boolean): void {
  if (jobs.length === 0) return;
  precheck(jobs, overwrite);
  // 2. Write and sync every temporary file; nothing visible has changed yet.
  const staged: Staged[] = [];
  try {
    for (const j of jobs) staged.push(stage(j));
  } catch (e) {
    for (const s of staged) removeQuietly(s.tmp);
    throw e;
  }
  placeAll(staged, overwrite, jobs.length > 1);
  for (const dir of new Set(staged.map((s) => dirname(resolve(s.path))))) fsyncDir(dir);
}

async function writeAllAsync(jobs: Job[], overwrite: boolean): Promise<void> {
  if (jobs.length === 0) return;
  precheck(jobs, overwrite);
  // 2. Write every temporary file, then sync them all at once; nothing visible has changed yet.
  const written: Written[] = [];
  let staged: Staged[];
  try {
    for (const j of jobs) written.push(writeTemp(j));
    await Promise.all(
      written.map((w) =>
        promised<void>((cb) => fsync(w.fd, cb)).catch((e: unknown) => {
          throw fsError(e, w.job.path, 'write');
        }),
      ),
    );
    staged = written.map(finishTemp);
  } catch (e) {
    for (const w of written) abandon(w);
    throw e;
  }
  placeAll(staged, overwrite, jobs.length > 1);
  await Promise.all([...new Set(staged.map((s) => dirname(resolve(s.path))))].map(fsyncDirAsync));
}

/** 0-1. Every path once, and every target checked before anything is written. */
function precheck(jobs: Job[], overwrite: boolean): void {
  const seen = new Map<string, string>();
  for (const j of jobs) {
    if (typeof j.path !== 'string' || j.path === '') throw new PkiError('no file name given');
    if (typeof j.data !== 'string' && !(j.data instanceof Uint8Array)) throw new PkiError(`${j.path}: nothing to write`);
    const abs = resolve(j.path);
    const other = seen.get(abs);
    if (other !== undefined) throw new PkiError(`${j.path} is given twice as an output (also as ${other})`);
    seen.set(abs, j.path);
  }
  // 1. Check every target before writing anything.
  for (const j of jobs) {
    const st = lstatOrUndefined(j.path);
    if (st?.isDirectory()) throw new PkiError(`${j.path} is a directory`);
    if (st && !overwrite) throw exists(j.path);
  }
}

/** 3. Puts each staged file in place; on a failure undoes what this call did. */
function placeAll(staged: Staged[], overwrite: boolean, keepBackup: boolean): void {
  const placed: Placed[] = [];
  try {
    for (const s of staged) placed.push(place(s, overwrite, keepBackup, placed));
  } catch (e) {
    rollback(placed);
    for (const s of staged.slice(placed.length)) removeQuietly(s.tmp);
    throw e;
  }
  for (const p of placed) if (p.backup) removeQuietly(p.backup);
}

function promised<T>(start: (cb: (err: NodeJS.ErrnoException | null, value?: T) => void) => void): Promise<T> {
  return new Promise<T>((resolve, reject) => start((err, value) => (err ? reject(err) : resolve(value as T))));
}

function tempName(path: string, ext: string): string {
  const base = basename(path).slice(0, 64);
  return join(dirname(path), `.${base}.tlsw-${randomBytes(6).toString('hex')}.${ext}`);
}

/** A temporary file written but not yet synced: still open. */
interface Written {
  job: Job;
  tmp: string;
  fd: number;
}

/** Creates the temporary file exclusively with its final mode and writes it (still open, not synced). Removes it on failure. */
function writeTemp(job: Job): Written {
  const bytes = typeof job.data === 'string' ? Buffer.from(job.data, 'utf8') : Buffer.from(job.data.buffer, job.data.byteOffset, job.data.byteLength);
  let fd = -1;
  let tmp = '';
  for (let attempt = 0; fd < 0; attempt++) {
    tmp = tempName(job.path, 'tmp');
    try {
      fd = openSync(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, job.mode);
    } catch (e) {
      if (errCode(e) === 'EEXIST' && attempt < 5) continue;
      throw fsError(e, job.path, 'write');
    }
  }
  try {
    fchmodSync(fd, job.mode); // exact mode regardless of the umask (the umask can only have removed bits)
    let off = 0;
    while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off);
    return { job, tmp, fd };
  } catch (e) {
    closeQuietly(fd);
    removeQuietly(tmp);
    throw fsError(e, job.path, 'write');
  }
}

/** After the sync: remembers the file's identity and closes it. */
function finishTemp(w: Written): Staged {
  try {
    const st = fstatSync(w.fd);
    closeSync(w.fd);
    w.fd = -1;
    return { path: w.job.path, tmp: w.tmp, dev: st.dev, ino: st.ino };
  } catch (e) {
    throw fsError(e, w.job.path, 'write');
  }
}

function abandon(w: Written): void {
  if (w.fd >= 0) closeQuietly(w.fd);
  w.fd = -1;
  removeQuietly(w.tmp);
}

/** Creates the temporary file exclusively with its final mode, writes, fsyncs. Removes it on failure. */
function stage(job: Job): Staged {
  const w = writeTemp(job);
  try {
    fsyncSync(w.fd);
    return finishTemp(w);
  } catch (e) {
    abandon(w);
    throw fsError(e, job.path, 'write');
  }
}

const NO_HARD_LINKS = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS', 'EXDEV', 'EMLINK', 'EINVAL']);

function place(s: Staged, overwrite: boolean, keepBackup: boolean, placed: Placed[]): Placed {
  const before = lstatOrUndefined(s.path);
  if (before) {
    // Two outputs that are really the same file (through a symbolic link): the second would replace the first.
    const twin = placed.find((p) => sameFile(before, p.staged));
    if (twin) throw new PkiError(`${s.path} and ${twin.staged.path} are the same file`);
    if (before.isDirectory()) throw new PkiError(`${s.path} is a directory`);
  }
  if (!overwrite) {
    try {
      linkSync(s.tmp, s.path); // fails with EEXIST if the target exists: never clobbers
    } catch (e) {
      const code = errCode(e);
      if (code === 'EEXIST') throw exists(s.path);
      if (!NO_HARD_LINKS.has(code)) throw fsError(e, s.path, 'write');
      // File system without hard links: check then rename (a tiny race window remains).
      if (lstatOrUndefined(s.path)) throw exists(s.path);
      try {
        renameSync(s.tmp, s.path);
      } catch (e2) {
        throw fsError(e2, s.path, 'write');
      }
      return { staged: s, created: true };
    }
    removeQuietly(s.tmp);
    return { staged: s, created: true };
  }
  let backup: string | undefined;
  if (before && keepBackup) {
    const b = tempName(s.path, 'bak');
    try {
      linkSync(s.path, b);
      backup = b;
    } catch {
      backup = undefined; // no hard links here: the old contents cannot be restored on a later failure
    }
  }
  try {
    renameSync(s.tmp, s.path);
  } catch (e) {
    if (backup) removeQuietly(backup);
    throw fsError(e, s.path, 'write');
  }
  return { staged: s, created: !before, backup };
}

function rollback(placed: Placed[]): void {
  for (const p of [...placed].reverse()) {
    try {
      if (p.backup) {
        renameSync(p.backup, p.staged.path);
      } else if (p.created) {
        const st = lstatOrUndefined(p.staged.path);
        if (st && sameFile(st, p.staged)) unlinkSync(p.staged.path); // only if it is still the file we wrote
      }
    } catch {
      // best effort
    }
  }
}

function sameFile(st: Stats, s: Staged): boolean {
  return st.ino !== 0 && st.ino === s.ino && st.dev === s.dev;
}

function lstatOrUndefined(path: string): Stats | undefined {
  try {
    return lstatSync(path);
  } catch (e) {
    if (errCode(e) === 'ENOENT') return undefined;
    throw fsError(e, path, 'write');
  }
}

function fsyncDir(dir: string): void {
  let fd = -1;
  try {
    fd = openSync(dir, constants.O_RDONLY);
    fsyncSync(fd);
  } catch {
    // not supported everywhere (Windows); durability of the rename is best effort
  } finally {
    if (fd >= 0) closeQuietly(fd);
  }
}

async function fsyncDirAsync(dir: string): Promise<void> {
  let fd = -1;
  try {
    fd = await promised<number>((cb) => open(dir, constants.O_RDONLY, cb));
    await promised<void>((cb) => fsync(fd, cb));
  } catch {
    // not supported everywhere (Windows); durability of the rename is best effort
  } finally {
    if (fd >= 0) await promised<void>((cb) => close(fd, cb)).catch(() => undefined);
  }
}

function removeQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // already gone
  }
}

function closeQuietly(fd: number): void {
  try {
    closeSync(fd);
  } catch {
    // ignore
  }
}

function exists(path: string): PkiError {
  return new PkiError(`${path} already exists (use --force to overwrite)`);
}

function formatMB(bytes: number): string {
  const mb = bytes / (1024 * 1024);
  return String(Number(mb >= 1 ? mb.toFixed(1) : mb.toPrecision(2)));
}

function tooLarge(path: string, size: number, maxBytes: number): PkiError {
  const n = formatMB(size);
  const m = formatMB(maxBytes);
  if (Number(n) <= Number(m)) return new PkiError(`${path}: file is ${size} bytes, over the ${Math.floor(maxBytes)}-byte (${m} MB) limit`);
  return new PkiError(`${path}: file is ${n} MB, over the ${m} MB limit`);
}

function errCode(e: unknown): string {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : '';
}

function fsError(e: unknown, path: string, op: 'read' | 'write'): PkiError {
  if (e instanceof PkiError) return e;
  const code = errCode(e);
  switch (code) {
    case 'ENOENT':
      return new PkiError(op === 'read' ? `${path}: file not found` : `${path}: folder ${dirname(path)} does not exist`);
    case 'EACCES':
    case 'EPERM':
      return new PkiError(`${path}: permission denied`);
    case 'EISDIR':
      return new PkiError(`${path} is a directory`);
    case 'ENOTDIR':
      return new PkiError(`${path}: a part of the path is not a folder`);
    case 'ENAMETOOLONG':
      return new PkiError(`${path}: file name too long`);
    case 'ENOSPC':
    case 'EDQUOT':
      return new PkiError(`${path}: no space left on the device`);
    case 'EROFS':
      return new PkiError(`${path}: the file system is read-only`);
    case 'ELOOP':
      return new PkiError(`${path}: too many levels of symbolic links`);
    default:
      return new PkiError(`${path}: cannot ${op} the file (${code || 'unknown error'})`);
  }
}
