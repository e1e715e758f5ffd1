// Safe file output shared by the CLI and the extension: atomic writes (temporary file + fsync + rename/link),
// never clobbering an existing file unless asked, secrets created with mode 0600 from the very first byte,
// several outputs written all-or-nothing; an exclusive lock for serial files, so that concurrent signers never
// issue one serial twice; plus bounded reads and OpenSSL-style passphrase files.
// The only module in src/core that touches the file system.
//
// Temporary files (`.NAME.tlsw-<12 hex>.tmp`, backups `….bak`) are created in the destination folder with mode
// 0600, are removed on every path (and by cleanupForExit(), which the CLI calls on SIGINT/SIGTERM/SIGHUP), and
// ones a killed process left behind are swept by the next write into that folder once they are a minute old.
//
// Test hook (used by test/interop/hardening.test.ts only): with TLSW_TEST_PAUSE_WRITE=PATH in the environment,
// a synchronous write creates PATH once its temporary files are written and synced (before any target is
// touched) and waits until PATH is removed (at most 30 s), so that a test can kill the process at that point.

import { randomBytes } from 'node:crypto';
import type { Stats } from 'node:fs';
import {
  close,
  closeSync,
  constants,
  existsSync,
  fchmodSync,
  fstatSync,
  fsync,
  fsyncSync,
  linkSync,
  lstatSync,
  open,
  openSync,
  readdirSync,
  readSync,
  renameSync,
  statSync,
  unlinkSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { hostname } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { PkiError } from '../model';

/** One file of an all-or-nothing write. */
export interface OutputFile {
  path: string;
  data: string | Uint8Array;
  /** A secret (private key, .p12/.pfx, passphrase file) is created with mode 0600; others with 0644 less the umask. */
  secret?: boolean;
  /** Overrides the call's `overwrite` for this file (a serial file is always advanced in place). */
  overwrite?: boolean;
}

export interface WriteResult {
  /** Temporary files an interrupted earlier write left in the destination folders, now removed (say so). */
  swept: string[];
}

const SECRET_MODE = 0o600;
const PUBLIC_MODE = 0o644;
/** Passphrase files larger than this are refused. */
const MAX_PASSPHRASE_FILE_BYTES = 64 * 1024;
/** Our temporary files older than this, found in a folder being written to, were left by a killed process. */
const STALE_TEMP_MS = 60_000;

/**
 * Writes several files atomically and all-or-nothing. Each goes to a temporary file in its folder (created
 * exclusively, mode 0600, given its final mode once written), is synced, then renamed over the target
 * (`overwrite`) or hard-linked into place (otherwise: an existing target, even one appearing at the last moment,
 * is never clobbered); temporary files are removed on every path. Every target is checked first (none is written if any exists without
 * `overwrite`), all temporary files are written and synced before any target is touched, the files are put in
 * place in the order given except that secrets come last (a kill in between never leaves a key without its
 * certificate), and if putting one in place fails the ones already placed are removed (or, when overwritten,
 * their previous contents restored).
 */
export function writeFilesSafe(files: OutputFile[], opts: { overwrite?: boolean } = {}): WriteResult {
  return writeAll(jobsOf(files, opts.overwrite === true));
}

/**
 * writeFilesSafe for a host that must stay responsive (the extension): the same checks, atomicity and
 * all-or-nothing rule, but the fsyncs (where a disk makes a writer wait) run on libuv's thread pool, all files at
 * once, so the event loop is never held by the disk and several small files cost about one sync.
 */
export async function writeFilesSafeAsync(files: OutputFile[], opts: { overwrite?: boolean } = {}): Promise<WriteResult> {
  return writeAllAsync(jobsOf(files, opts.overwrite === true));
}

// ---------------------------------------------------------------------------------------------------------------
// Serial files: an exclusive lock, read–increment–write, and the certificate committed with the serial file.

export interface LockOptions {
  /** Give up (one clear error) after this long. Default LOCK_TIMEOUT_MS. */
  timeoutMs?: number;
  /** A lock this old is stale whoever holds it. Default LOCK_STALE_MS. */
  staleMs?: number;
}

const LOCK_TIMEOUT_MS = 8_000;
const LOCK_STALE_MS = 30_000;

/**
 * Runs `fn` holding an exclusive lock on `target`: the file `TARGET.lock`, created atomically (a hard link of a
 * complete temporary file, so it is never seen empty) holding "PID HOST". A lock whose process is gone (same host)
 * or older than `staleMs` is stale and broken; otherwise this retries with backoff and fails after `timeoutMs`
 * with one line naming the lock file. Works across processes and between calls of one process.
 */
async function withFileLock<T>(target: string, fn: () => T | Promise<T>, opts: LockOptions = {}): Promise<T> {
  const lock = await acquireLock(target, opts);
  try {
    return await fn();
  } finally {
    releaseLock(lock);
  }
}

/** The new serial and the serial file's new contents, from its current contents (undefined: no file yet). */
export type AdvanceSerial = (current: string | undefined) => { serial: string; fileContents: string };

/**
 * Issues with a serial file, all-or-nothing, under the file's lock (withFileLock): reads the serial file,
 * `advance` computes this certificate's serial and the file's next contents, `issue` signs with that serial and
 * returns the files to write; then the serial file and those files are written as one step (writeFilesSafe,
 * the serial file first). If a file cannot be written the serial file keeps its old contents; if the serial file
 * (or its lock) cannot be written, nothing is. `async` uses writeFilesSafeAsync (the extension).
 */
export async function issueWithSerialFile<T>(
  serialPath: string,
  advance: AdvanceSerial,
  issue: (serial: string) => Promise<{ files: OutputFile[]; value: T }> | { files: OutputFile[]; value: T },
  opts: { overwrite?: boolean; async?: boolean; lock?: LockOptions } = {},
): Promise<{ value: T; serial: string; swept: string[] }> {
  if (typeof serialPath !== 'string' || serialPath === '') throw new PkiError('no serial file name given');
  return withFileLock(
    serialPath,
    async () => {
      const current = lstatOrUndefined(serialPath) ? new TextDecoder('utf-8').decode(readFileLimited(serialPath, 4096)) : undefined;
      const next = advance(current);
      const { files, value } = await issue(next.serial);
      const all: OutputFile[] = [{ path: serialPath, data: next.fileContents, overwrite: true }, ...files];
      const { swept } = opts.async ? await writeFilesSafeAsync(all, { overwrite: opts.overwrite }) : writeFilesSafe(all, { overwrite: opts.overwrite });
      return { value, serial: next.serial, swept };
    },
    opts.lock,
  );
}

/**
 * For a process about to exit on a signal (the CLI's SIGINT/SIGTERM/SIGHUP handler): removes every temporary file
 * of a write in progress and releases every lock this process holds. Synchronous; never throws.
 */
export function cleanupForExit(): void {
  for (const t of [...liveTemps]) removeQuietly(t);
  for (const l of [...heldLocks]) releaseLock(l);
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
export function readPassphraseFile(path: string, opts: { allowEmpty?: boolean; what?: string } = {}): string {
  // Someone may have typed the password itself where the file name belongs: never echo a name that does not
  // look like a path (no "/" and no ".ext").
  if (typeof path === 'string' && path !== '' && missing(path)) {
    const what = opts.what ?? 'password';
    throw new PkiError(looksLikePath(path) ? `${path}: the ${what} file does not exist` : `the ${what} file does not exist (its name is not shown, in case it was the ${what} itself)`);
  }
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

/** A name that looks like a file path rather than a typed secret: it has a folder separator or a ".ext". */
function looksLikePath(name: string): boolean {
  return /[/\\]/.test(name) || /\.[A-Za-z][A-Za-z0-9]{0,7}$/.test(name);
}

/** Nothing at all at `path` (not even a broken link). */
function missing(path: string): boolean {
  try {
    lstatSync(path);
    return false;
  } catch (e) {
    return errCode(e) === 'ENOENT' || errCode(e) === 'ENOTDIR';
  }
}

// ---------------------------------------------------------------------------------------------------------------

interface Job {
  path: string;
  data: string | Uint8Array;
  mode: number;
  secret: boolean;
  overwrite: boolean;
}

interface Staged {
  path: string;
  tmp: string;
  dev: number;
  ino: number;
  secret: boolean;
  overwrite: boolean;
}

/** Temporary files (absolute paths) of writes in progress in this process: never swept, removed by cleanupForExit. */
const liveTemps = new Set<string>();
/** Locks this process holds. */
const heldLocks = new Set<HeldLock>();

/** Our temporary and backup files: `.NAME.tlsw-<12 hex>.tmp|bak`. */
const OUR_TEMP = /^\..*\.tlsw-[0-9a-f]{12}\.(tmp|bak)$/;

function jobsOf(files: OutputFile[], overwrite: boolean): Job[] {
  if (!Array.isArray(files)) throw new PkiError('no files to write');
  return files.map((f) => ({
    path: f.path,
    data: f.data,
    mode: f.secret === true ? SECRET_MODE : publicMode(),
    secret: f.secret === true,
    overwrite: f.overwrite ?? overwrite,
  }));
}

/** 0644 less the process umask (`umask 077` → 0600): what a plain `open(…, 0644)` would have given. */
function publicMode(): number {
  let umask = 0o022;
  try {
    umask = process.umask(); // reading only (allowed in worker threads too)
  } catch {
    // keep the usual default
  }
  return PUBLIC_MODE & ~umask & 0o777;
}

interface Placed {
  staged: Staged;
  /** The target did not exist before (remove it on rollback). */
  created: boolean;
  /** A hard link to the previous contents (restore it on rollback, delete it on success). */
  backup?: string;
}

function writeAll(jobs: Job[]): WriteResult {
  if (jobs.length === 0) return { swept: [] };
  precheck(jobs);
  const swept = sweepFolders(jobs.map((j) => j.path));
  // 2. Write and sync every temporary file; nothing visible has changed yet.
  const staged: Staged[] = [];
  try {
    for (const j of jobs) staged.push(stage(j));
    testPause();
  } catch (e) {
    for (const s of staged) removeQuietly(s.tmp);
    throw e;
  }
  placeAll(placementOrder(staged), jobs.length > 1);
  for (const dir of new Set(staged.map((s) => dirname(resolve(s.path))))) fsyncDir(dir);
  return { swept };
}

async function writeAllAsync(jobs: Job[]): Promise<WriteResult> {
  if (jobs.length === 0) return { swept: [] };
  precheck(jobs);
  const swept = sweepFolders(jobs.map((j) => j.path));
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
  placeAll(placementOrder(staged), jobs.length > 1);
  await Promise.all([...new Set(staged.map((s) => dirname(resolve(s.path))))].map(fsyncDirAsync));
  return { swept };
}

/** The order given, secrets last: a process killed between two placements leaves no key without its certificate. */
function placementOrder(staged: Staged[]): Staged[] {
  return [...staged.filter((s) => !s.secret), ...staged.filter((s) => s.secret)];
}

/** The test hook described at the top of this file. */
function testPause(): void {
  const marker = process.env.TLSW_TEST_PAUSE_WRITE;
  if (!marker) return;
  writeFileSync(marker, `${process.pid}\n`);
  const cell = new Int32Array(new SharedArrayBuffer(4));
  for (let waited = 0; waited < 30_000 && existsSync(marker); waited += 20) Atomics.wait(cell, 0, 0, 20);
}

/**
 * Removes the temporary files of ours (name, owner) older than STALE_TEMP_MS in the folders of `paths`: a killed
 * writer left them (possibly holding a private key). Returns their paths, to be reported.
 */
function sweepFolders(paths: string[]): string[] {
  const dirs = new Map<string, string>();
  for (const p of paths) if (typeof p === 'string' && p !== '') dirs.set(dirname(resolve(p)), dirname(p));
  const swept: string[] = [];
  const uid = typeof process.getuid === 'function' ? process.getuid() : undefined;
  const now = Date.now();
  for (const [abs, shown] of dirs) {
    let names: string[];
    try {
      names = readdirSync(abs);
    } catch {
      continue; // the write itself will say what is wrong with the folder
    }
    for (const name of names) {
      if (!OUR_TEMP.test(name)) continue;
      const full = join(abs, name);
      if (liveTemps.has(full)) continue;
      let st: Stats;
      try {
        st = lstatSync(full);
      } catch {
        continue;
      }
      if (!st.isFile() || (uid !== undefined && st.uid !== uid)) continue;
      // A backup is a hard link to an older file: its ctime (set by the link) says when it was made.
      const made = name.endsWith('.bak') ? st.ctimeMs : st.mtimeMs;
      if (now - made < STALE_TEMP_MS) continue;
      try {
        unlinkSync(full);
        swept.push(join(shown, name));
      } catch {
        // another writer swept it, or we may not: leave it
      }
    }
  }
  return swept;
}

/** 0-1. Every path once, and every target checked before anything is written. */
function precheck(jobs: Job[]): void {
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
    if (st && !j.overwrite) throw exists(j.path);
  }
}

/** 3. Puts each staged file in place; on a failure undoes what this call did. */
function placeAll(staged: Staged[], keepBackup: boolean): void {
  const placed: Placed[] = [];
  try {
    for (const s of staged) placed.push(place(s, s.overwrite, keepBackup, placed));
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
      // Every temporary file starts 0600 (it gets its final mode once complete, before it becomes visible).
      fd = openSync(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, SECRET_MODE);
      liveTemps.add(resolve(tmp));
    } catch (e) {
      if (errCode(e) === 'EEXIST' && attempt < 5) continue;
      throw fsError(e, job.path, 'write');
    }
  }
  try {
    fchmodSync(fd, SECRET_MODE); // exactly 0600 whatever the umask (the umask can only have removed bits)
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
    if (w.job.mode !== SECRET_MODE) fchmodSync(w.fd, w.job.mode);
    const st = fstatSync(w.fd);
    closeSync(w.fd);
    w.fd = -1;
    return { path: w.job.path, tmp: w.tmp, dev: st.dev, ino: st.ino, secret: w.job.secret, overwrite: w.job.overwrite };
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

// ---------------------------------------------------------------------------------------------------------------
// The lock

interface HeldLock {
  path: string;
  dev: number;
  ino: number;
}

function sleep(ms: number): Promise<void> {
  return new Promise((done) => setTimeout(done, ms));
}

async function acquireLock(target: string, opts: LockOptions): Promise<HeldLock> {
  const lockPath = `${target}.lock`;
  const timeoutMs = opts.timeoutMs ?? LOCK_TIMEOUT_MS;
  const staleMs = opts.staleMs ?? LOCK_STALE_MS;
  const started = Date.now();
  let delay = 5;
  for (;;) {
    const got = tryLock(target, lockPath);
    if (got) return got;
    if (breakIfStale(lockPath, staleMs)) continue;
    if (Date.now() - started >= timeoutMs) {
      const holder = lockHolder(lockPath);
      throw new PkiError(
        `${target} is in use by another signer${holder ? ` (${holder})` : ''}: try again, or remove ${lockPath} if no tlsw or TLS Workbench is signing with it`,
      );
    }
    await sleep(delay * (0.5 + Math.random()));
    delay = Math.min(delay * 2, 200);
  }
}

/** Takes the lock (undefined when another holds it). The lock file appears complete: a hard link of a temporary file. */
function tryLock(target: string, lockPath: string): HeldLock | undefined {
  const content = `${process.pid} ${hostname()}\n`;
  let w: Written;
  try {
    w = writeTemp({ path: lockPath, data: content, mode: SECRET_MODE, secret: false, overwrite: false });
  } catch (e) {
    throw new PkiError(`cannot lock ${target}: ${fsError(e, lockPath, 'write').message}`);
  }
  try {
    const st = fstatSync(w.fd);
    try {
      linkSync(w.tmp, lockPath);
    } catch (e) {
      const code = errCode(e);
      if (code === 'EEXIST') return undefined;
      if (!NO_HARD_LINKS.has(code)) throw new PkiError(`cannot lock ${target}: ${fsError(e, lockPath, 'write').message}`);
      // No hard links here: create the lock file itself exclusively (it may be seen empty for a moment).
      let fd: number;
      try {
        fd = openSync(lockPath, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, SECRET_MODE);
      } catch (e2) {
        if (errCode(e2) === 'EEXIST') return undefined;
        throw new PkiError(`cannot lock ${target}: ${fsError(e2, lockPath, 'write').message}`);
      }
      try {
        writeSync(fd, content);
        const own = fstatSync(fd);
        const lock = { path: lockPath, dev: own.dev, ino: own.ino };
        heldLocks.add(lock);
        return lock;
      } finally {
        closeQuietly(fd);
      }
    }
    const lock = { path: lockPath, dev: st.dev, ino: st.ino };
    heldLocks.add(lock);
    return lock;
  } finally {
    abandon(w);
  }
}

/** "process 123 on host h, for 4 s" from a lock file, or undefined. */
function lockHolder(lockPath: string): string | undefined {
  try {
    const st = lstatSync(lockPath);
    const m = /^(\d+) (\S+)/.exec(new TextDecoder().decode(readFileLimited(lockPath, 1024)));
    const age = `${Math.max(0, Math.round((Date.now() - st.mtimeMs) / 1000))} s`;
    return m ? `process ${m[1]} on ${m[2]}, for ${age}` : `for ${age}`;
  } catch {
    return undefined;
  }
}

/**
 * Breaks the lock when it is stale: its process is gone (same host) or it is older than `staleMs`. It is moved
 * aside first (atomic) and removed only if it is the very file judged stale; a fresh lock moved aside by a racing
 * breaker is linked back. True when the caller should try again at once.
 */
function breakIfStale(lockPath: string, staleMs: number): boolean {
  let st: Stats;
  let text: string;
  try {
    st = lstatSync(lockPath);
    text = new TextDecoder().decode(readFileLimited(lockPath, 1024));
  } catch (e) {
    return errCode(e) === 'ENOENT' || (e instanceof PkiError && / file not found$/.test(e.message)); // released meanwhile
  }
  const m = /^(\d+) (\S+)/.exec(text);
  let stale = Date.now() - st.mtimeMs > staleMs;
  if (!stale && m && m[2] === hostname()) stale = !processAlive(Number(m[1]));
  if (!stale) return false;
  const aside = tempName(lockPath, 'tmp');
  try {
    renameSync(lockPath, aside);
  } catch {
    return true; // another process broke it first
  }
  try {
    const moved = lstatSync(aside);
    if (moved.ino !== st.ino || moved.dev !== st.dev) {
      try {
        linkSync(aside, lockPath); // a fresh lock: put it back
      } catch {
        // a third process took the lock meanwhile
      }
    }
  } catch {
    // gone
  }
  removeQuietly(aside);
  return true;
}

function processAlive(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0) return false;
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return errCode(e) === 'EPERM'; // exists, another user's
  }
}

function releaseLock(lock: HeldLock): void {
  heldLocks.delete(lock);
  try {
    const st = lstatSync(lock.path);
    if (st.ino === lock.ino && st.dev === lock.dev) unlinkSync(lock.path); // only our own lock
  } catch {
    // already gone (broken as stale)
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
        liveTemps.delete(resolve(s.tmp));
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
      liveTemps.add(resolve(b));
      backup = b;
    } catch {
      backup = undefined; // no hard links here: the old contents cannot be restored on a later failure
    }
  }
  try {
    renameSync(s.tmp, s.path);
    liveTemps.delete(resolve(s.tmp));
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
        liveTemps.delete(resolve(p.backup));
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
  liveTemps.delete(resolve(path));
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
