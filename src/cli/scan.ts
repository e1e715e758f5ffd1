// tlsw scan [DIR…] [--json] [--exclude GLOB…]: the Certificate Explorer's scanner on the command line.

import { closeSync, constants, fstatSync, openSync, readdirSync, readFileSync, readSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, sep } from 'node:path';
import type * as Fs from 'node:fs';
import { Worker } from 'node:worker_threads';
import type * as WorkerThreads from 'node:worker_threads';
import { printable, printableJson } from '../core/display/escape';
import { DEFAULT_MAX_BYTES, DEFAULT_WARN_DAYS } from '../core/model';
import { expiryPhrase } from '../core/display/expiry';
import { KIND_WORDS, plural } from '../core/display/labels';
import { globToRegExp } from '../core/workspace/glob';
import { scanFiles, type FileAccessor, type ScannedFile, type ScannedObject, type ScanStats } from '../core/workspace/scanner';
import { parse } from './args';
import { CliError, type CommandIo } from './io';

const USAGE = `Usage: tlsw scan [DIR…] [--json] [--exclude GLOB…] [--max-size MB] [--warn-days N] [--now ISO-DATE]

Finds every certificate, key, CSR, CRL, keystore and chain under each DIR (default: the current folder), in
PEM text of any file name or in DER, and lists each object with its file, kind and, for certificates, subject
and expiry. Skips node_modules and .git folders, symbolic links, and files that cannot hold either by their
name (images, media, archives, fonts, compiled code).
  --json              machine-readable output: [{ file, index, kind, … }]
  --exclude GLOB      skip matching files and folders (repeatable); a GLOB without "/" matches at any depth
  --max-size MB       list larger files as too large without reading them (default 5)
  --warn-days N       certificates expiring within N days are "expiring" (default 30)
  --now DATE          judge expiry at this time instead of now
Exit status: 0 when the scan ran (problems in files are reported on stderr), 1 when a DIR cannot be read.`;

const DEFAULT_EXCLUDES = ['**/node_modules/**', '**/.git/**'];
/** File names whose owners expect PKI content: listed even when too large or unreadable. */
const PKI_EXTENSION = /\.(pem|crt|cer|der|key|csr|p12|pfx|crl|p7b)$/i;

export async function run(argv: string[], io: CommandIo): Promise<number> {
  const { values, positionals } = parse(
    argv,
    {
      'json': { type: 'boolean' },
      'exclude': { type: 'string', multiple: true },
      'max-size': { type: 'string' },
      'warn-days': { type: 'string' },
      'now': { type: 'string' },
    },
    USAGE,
  );
  const dirs = positionals.length > 0 ? positionals : ['.'];
  for (const dir of dirs) {
    let isDir: boolean;
    try {
      isDir = statSync(dir).isDirectory();
    } catch {
      throw new CliError(`${dir}: no such folder`);
    }
    if (!isDir) throw new CliError(`${dir}: not a folder (tlsw scan walks folders; use "tlsw inspect FILE" for one file)`);
  }
  const json = values.json === true;
  const maxBytes = values['max-size'] !== undefined ? megabytes(values['max-size']) : DEFAULT_MAX_BYTES;
  const warnDays = values['warn-days'] !== undefined ? days(values['warn-days']) : DEFAULT_WARN_DAYS;
  const now = values.now !== undefined ? date(values.now) : new Date();
  const excludes = [...DEFAULT_EXCLUDES, ...(values.exclude ?? [])].map((g) => globToRegExp(g));

  const stats: ScanStats = { examined: 0, found: 0 };
  const walkErrors: string[] = [];
  const rows: object[] = [];
  const opts = { maxBytes, warnDays, now, stats, candidate, sliceMs: Infinity };
  const print = (batch: ScannedFile[]): void => {
    const lines: string[] = [];
    for (const f of batch) {
      for (const p of f.problems) io.err(`tlsw scan: ${printable(`${f.file}: ${p}`)}\n`);
      for (const o of f.objects) {
        if (json) rows.push(jsonOf(f, o));
        else lines.push(lineOf(f, o));
      }
      if (json && f.objects.length === 0) rows.push({ file: f.file, index: null, kind: null, status: f.status, problems: f.problems });
    }
    if (lines.length > 0) io.out(lines.join('\n') + '\n');
  };

  const files = walk(dirs, excludes, walkErrors);
  const direct = new NodeFiles();
  const reader = new Readers(maxBytes);
  try {
    let chunk: string[] = [];
    let walked = 0;
    for (const file of files) {
      chunk.push(file);
      walked++;
      if (chunk.length < CHUNK_FILES) continue;
      // A large tree: helper threads read the files while this one decodes what they found.
      if (walked >= THREADS_FROM_FILES) reader.start();
      reader.add(chunk);
      chunk = [];
    }
    if (chunk.length > 0) reader.add(chunk);
    if (!reader.started) {
      direct.files = reader.drain().flat();
      for await (const batch of scanFiles(direct, opts)) print(batch);
    } else {
      for (;;) {
        const read = await reader.next();
        if (!read) break;
        stats.examined += read.examined - read.files.length; // the rest are counted by the scanner
        const accessor = read.missing ? direct : new ReadFiles(read);
        if (read.missing) direct.files = read.missing;
        for await (const batch of scanFiles(accessor, opts)) print(batch);
      }
    }
  } finally {
    reader.stop(); // helper threads would keep the process alive
  }
  for (const e of walkErrors) io.err(`tlsw scan: ${printable(e)}\n`);
  if (json) io.out(printableJson(JSON.stringify(rows, null, 2)) + '\n');
  else io.out(`${plural(stats.found, 'file')} with keys or certificates among ${stats.examined} scanned\n`);
  return 0;
}

/** PKI-looking names: listed even when too large or unreadable. */
function candidate(f: string): boolean {
  return PKI_EXTENSION.test(f);
}

// ---------------------------------------------------------------------------------------------------------------
// Reading in helper threads. Opening and reading tens of thousands of files is most of a large scan, and it is
// plain system calls: helper threads (worker_threads, 1 per spare CPU) read chunks of the walk, keep the files that
// may hold PEM or DER (a superset of what the scanner accepts: PKI-named, starting with a DER SEQUENCE, a UTF-16
// byte-order mark, or "-----BEGIN " in the first 64 KiB) and hand their bytes over; this thread runs the scanner on
// those, in walk order, so the output is exactly that of a scan without helpers. A helper that cannot start or
// dies leaves its chunks to this thread.

const CHUNK_FILES = 512;
/** Below this many files helper threads are not worth their start-up. */
const THREADS_FROM_FILES = 4000;
const HEAD_BYTES = 64 * 1024 + 16;

/** A chunk as a helper read it: the kept files, their bytes in one buffer, and how many files it looked at. */
interface ReadChunk {
  index: number;
  examined: number;
  files: string[];
  /** Per kept file: byte offset and length in `bytes` (the whole file, or only its head when too large), size, read error. */
  offsets: number[];
  lengths: number[];
  sizes: number[];
  errors: (string | null)[];
  bytes: Uint8Array;
  /** Set when this thread must read the chunk itself (its helper was lost): the files to scan directly. */
  missing?: string[];
}

function helperCount(): number {
  const env = process.env.TLSW_SCAN_THREADS;
  if (env !== undefined && /^\d+$/.test(env)) return Math.min(Number(env), 8);
  return Math.max(1, Math.min(availableParallelism() - 1, 3));
}

class Readers {
  started = false;
  private readonly chunks: string[][] = [];
  private readonly done = new Map<number, ReadChunk>();
  private readonly helpers: { worker: Worker; busy: number[]; alive: boolean }[] = [];
  private sent = 0;
  private nextOut = 0;
  private wake?: () => void;

  constructor(private readonly maxBytes: number) {}

  add(files: string[]): void {
    this.chunks.push(files);
    this.dispatch();
  }

  /** Every chunk not handed to a helper (for a scan that never started any). */
  drain(): string[][] {
    return this.chunks.splice(0);
  }

  start(): void {
    if (this.started) return;
    const n = helperCount();
    for (let i = 0; i < n; i++) {
      try {
        const worker = new Worker(`(${readerThread.toString()})();`, { eval: true, workerData: { maxBytes: this.maxBytes, headBytes: HEAD_BYTES } });
        const helper = { worker, busy: [] as number[], alive: true };
        worker.on('message', (m: ReadChunk) => {
          helper.busy = helper.busy.filter((b) => b !== m.index);
          this.done.set(m.index, m);
          this.dispatch();
        });
        const lost = (): void => {
          if (!helper.alive) return;
          helper.alive = false;
          // Its unfinished chunks are read by this thread.
          for (const b of helper.busy) if (!this.done.has(b)) this.done.set(b, { index: b, examined: 0, files: [], offsets: [], lengths: [], sizes: [], errors: [], bytes: new Uint8Array(0), missing: this.chunks[b] });
          helper.busy = [];
          this.dispatch();
        };
        worker.on('error', lost);
        worker.on('exit', lost);
        this.helpers.push(helper);
      } catch {
        break;
      }
    }
    this.started = this.helpers.length > 0;
    this.dispatch();
  }

  /** The next chunk in walk order, once read; undefined when all are done. */
  async next(): Promise<ReadChunk | undefined> {
    for (;;) {
      if (this.nextOut >= this.chunks.length) return undefined;
      const r = this.done.get(this.nextOut);
      if (r) {
        this.done.delete(this.nextOut);
        this.nextOut++;
        return r;
      }
      if (!this.helpers.some((h) => h.alive)) {
        // No helper left: this thread reads what remains.
        const index = this.nextOut++;
        return { index, examined: 0, files: [], offsets: [], lengths: [], sizes: [], errors: [], bytes: new Uint8Array(0), missing: this.chunks[index] };
      }
      await new Promise<void>((r2) => (this.wake = r2));
    }
  }

  stop(): void {
    for (const h of this.helpers) if (h.alive) void h.worker.terminate();
    for (const h of this.helpers) h.alive = false;
  }

  private dispatch(): void {
    // Every chunk goes out as soon as it is walked (to the helper with the fewest waiting): helpers never idle.
    while (this.started && this.sent < this.chunks.length) {
      const alive = this.helpers.filter((h) => h.alive);
      if (alive.length === 0) break;
      const h = alive.reduce((a, b) => (b.busy.length < a.busy.length ? b : a));
      const index = this.sent++;
      h.busy.push(index);
      h.worker.postMessage({ index, files: this.chunks[index] });
    }
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }
}

/**
 * A helper thread's whole program. Runs from its source text (Function.prototype.toString) in a fresh thread,
 * so it must not refer to anything outside itself.
 */
function readerThread(): void {
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { parentPort, workerData } = require('node:worker_threads') as typeof WorkerThreads;
  const fs = require('node:fs') as typeof Fs;
  /* eslint-enable @typescript-eslint/no-require-imports */
  const { maxBytes, headBytes } = workerData as { maxBytes: number; headBytes: number };
  const pkiName = /\.(pem|crt|cer|der|key|csr|p12|pfx|crl|p7b)$/i;
  const head = Buffer.allocUnsafe(headBytes);
  parentPort?.on('message', (m: { index: number; files: string[] }) => {
    const files: string[] = [];
    const offsets: number[] = [];
    const lengths: number[] = [];
    const sizes: number[] = [];
    const errors: (string | null)[] = [];
    const parts: Uint8Array[] = [];
    let total = 0;
    const keep = (file: string, bytes: Uint8Array, size: number, error: string | null): void => {
      files.push(file);
      offsets.push(total);
      lengths.push(bytes.length);
      sizes.push(size);
      errors.push(error);
      parts.push(bytes);
      total += bytes.length;
    };
    for (const file of m.files) {
      let fd = -1;
      try {
        fd = fs.openSync(file, 'r');
        const got = fs.readSync(fd, head, 0, headBytes, 0);
        const size = got === headBytes ? fs.fstatSync(fd).size : got;
        const h = head.subarray(0, got);
        const maybe =
          pkiName.test(file) ||
          (got > 0 && h[0] === 0x30) ||
          (got >= 2 && ((h[0] === 0xff && h[1] === 0xfe) || (h[0] === 0xfe && h[1] === 0xff))) ||
          h.indexOf('-----BEGIN ', 0, 'latin1') >= 0;
        if (!maybe) continue;
        if (got < headBytes || size > maxBytes) keep(file, Buffer.from(h), size, null);
        else keep(file, fs.readFileSync(file), size, null);
      } catch (e) {
        keep(file, new Uint8Array(0), 0, e instanceof Error ? e.message : String(e));
      } finally {
        if (fd >= 0) fs.closeSync(fd);
      }
    }
    const bytes = new Uint8Array(total);
    parts.forEach((p, i) => bytes.set(p, offsets[i]));
    parentPort?.postMessage({ index: m.index, examined: m.files.length, files, offsets, lengths, sizes, errors, bytes }, [bytes.buffer]);
  });
}

/** The scanner's view of a chunk a helper read. */
class ReadFiles implements FileAccessor {
  private readonly at = new Map<string, number>();
  constructor(private readonly r: ReadChunk) {
    r.files.forEach((f, i) => this.at.set(f, i));
  }

  list(): Iterable<string> {
    return this.r.files;
  }

  private bytes(file: string): Uint8Array {
    const i = this.at.get(file) as number;
    const error = this.r.errors[i];
    if (error !== null) throw new Error(error);
    return this.r.bytes.subarray(this.r.offsets[i], this.r.offsets[i] + this.r.lengths[i]);
  }

  readHead(file: string, n: number): Uint8Array {
    const b = this.bytes(file);
    return b.length > n ? b.subarray(0, n) : b;
  }

  size(file: string): number {
    return this.r.sizes[this.at.get(file) as number];
  }

  readAll(file: string): Uint8Array {
    const b = this.bytes(file);
    if (b.length < this.size(file)) throw new Error('changed while being read');
    return b;
  }
}

function jsonOf(f: ScannedFile, o: ScannedObject): object {
  // Fields assigned one by one (no spread of temporary objects: tens of thousands of rows on a large tree).
  const row: Record<string, unknown> = { file: f.file, index: o.index, kind: o.kind, encoding: o.encoding };
  if (o.pemLabel !== undefined) row.label = o.pemLabel;
  if (o.range) row.line = o.range.startLine + 1;
  if (o.subject !== undefined) row.subject = o.subject;
  if (o.commonName !== undefined) row.commonName = o.commonName;
  if (o.issuer !== undefined) row.issuer = o.issuer;
  if (o.notBefore !== undefined) row.notBefore = o.notBefore;
  if (o.notAfter !== undefined) row.notAfter = o.notAfter;
  if (o.expiry) {
    row.status = o.expiry.status;
    row.daysLeft = o.expiry.daysLeft;
  }
  if (o.isCA !== undefined) row.isCA = o.isCA;
  if (o.serialNumber !== undefined) row.serialNumber = o.serialNumber;
  if (o.subjectKeyIdentifier !== undefined) row.subjectKeyIdentifier = o.subjectKeyIdentifier;
  if (o.authorityKeyIdentifier !== undefined) row.authorityKeyIdentifier = o.authorityKeyIdentifier;
  if (o.sha256 !== undefined) row.sha256 = o.sha256;
  if (o.algorithm !== undefined) row.algorithm = o.algorithm;
  if (o.encrypted !== undefined) row.encrypted = o.encrypted;
  if (o.nextUpdate !== undefined) row.nextUpdate = o.nextUpdate;
  return row;
}

/** `path[:line]  kind  subject  expiry`, tab-separated so it stays greppable and cut-able. */
function lineOf(f: ScannedFile, o: ScannedObject): string {
  const where = o.range && f.objects.length > 1 ? `${f.file}:${o.range.startLine + 1}` : f.file;
  const what = KIND_WORDS[o.kind] + (o.isCA ? ' (CA)' : '') + (o.encrypted ? ' (encrypted)' : '');
  const cells = [where, what];
  if (o.kind === 'certificate') {
    cells.push(o.subject || '(empty subject)');
    const e = o.expiry;
    const day = o.notAfter?.slice(0, 10) ?? '?';
    if (!e) cells.push(`expires ${day}`);
    else if (e.status === 'expired') cells.push(`EXPIRED ${day} (${expiryPhrase(e).replace(/^expired /, '')})`);
    else if (e.status === 'not-yet-valid') cells.push(`${expiryPhrase(e, o.notBefore)}, expires ${day}`);
    else cells.push(`${e.status === 'expiring' ? 'EXPIRING' : 'expires'} ${day} (${expiryPhrase(e).replace(/^expires /, '')})`);
  } else if (o.kind === 'csr') {
    cells.push(o.subject || '(empty subject)');
  } else if (o.algorithm) {
    cells.push(o.algorithm);
  }
  return cells.map((c) => printable(c)).join('\t');
}

/**
 * Every regular file under `dirs`, depth first, names in code-point order, pruning excluded folders. Symbolic links are
 * not followed (no loops, nothing outside the tree). Synchronous on purpose: for tens of thousands of small
 * files, plain system calls beat the thread pool by far, and nothing else runs in this process.
 */
/**
 * Files that cannot hold PEM text or DER, by their name: images, audio, video, archives, fonts, compiled code.
 * Their formats start with bytes of their own (never a DER SEQUENCE) and binary bytes before any text, so
 * reading them could not find anything; not opening them is what keeps a scan of a large tree fast.
 */
const BINARY_NAME = /\.(png|jpe?g|gif|webp|ico|bmp|tiff?|psd|mp3|mp4|m4a|aac|mov|avi|mkv|webm|wav|flac|ogg|zip|gz|tgz|bz2|xz|zst|7z|rar|tar|jar|war|ear|whl|class|pyc|o|obj|so|dylib|dll|exe|a|lib|woff2?|ttf|otf|eot|pdf)$/i;

function* walk(dirs: string[], excludes: RegExp[], errors: string[]): Generator<string> {
  for (const root of dirs) {
    // `DIR/sub/name`, as the user wrote DIR (`.` lists bare relative paths, like ripgrep).
    const prefix = root === '.' || root === `.${sep}` ? '' : root.endsWith(sep) || root.endsWith('/') ? root : root + sep;
    const stack: string[] = [''];
    while (stack.length > 0) {
      const rel = stack.pop() as string;
      let entries;
      try {
        entries = readdirSync(rel ? join(root, rel) : root, { withFileTypes: true });
      } catch (e) {
        errors.push(`${rel ? join(root, rel) : root}: cannot be listed (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
        continue;
      }
      const subdirs: string[] = [];
      entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      for (const entry of entries) {
        const path = rel ? `${rel}/${entry.name}` : entry.name;
        if (entry.isDirectory()) {
          if (!excluded(path, excludes)) subdirs.push(path);
        } else if (entry.isFile() && !BINARY_NAME.test(entry.name) && !excluded(path, excludes)) {
          yield prefix + (sep === '/' ? path : path.replaceAll('/', sep));
        }
      }
      for (let i = subdirs.length - 1; i >= 0; i--) stack.push(subdirs[i]);
    }
  }
}

function excluded(path: string, excludes: RegExp[]): boolean {
  for (const re of excludes) if (re.test(path)) return true;
  return false;
}

/** node:fs, synchronously, with one reusable buffer for the first bytes of each file; `files` is the current chunk. */
class NodeFiles implements FileAccessor {
  private readonly head = Buffer.allocUnsafe(64 * 1024 + 16);
  private lastSize = new Map<string, number>();
  files: string[] = [];

  list(): Iterable<string> {
    return this.files;
  }

  readHead(file: string, n: number): Uint8Array {
    const buf = n <= this.head.length ? this.head : Buffer.allocUnsafe(n);
    const fd = openSync(file, constants.O_RDONLY);
    try {
      const got = readSync(fd, buf, 0, n, 0);
      this.lastSize.clear();
      if (got === n) this.lastSize.set(file, fstatSync(fd).size);
      return buf.subarray(0, got);
    } finally {
      closeSync(fd);
    }
  }

  size(file: string): number {
    return this.lastSize.get(file) ?? statSync(file).size;
  }

  readAll(file: string): Uint8Array {
    return readFileSync(file);
  }
}

function megabytes(s: string): number {
  const n = Number(s);
  if (!Number.isFinite(n) || n <= 0) throw new CliError(`--max-size must be a positive number of megabytes, got "${s}"`, 2);
  return Math.floor(n * 1024 * 1024);
}

function days(s: string): number {
  const n = Number(s);
  if (!Number.isInteger(n) || n < 0) throw new CliError(`--warn-days must be a whole number of days, got "${s}"`, 2);
  return n;
}

function date(s: string): Date {
  const d = new Date(s);
  if (Number.isNaN(d.getTime())) throw new CliError(`--now must be a date such as 2030-01-31 or 2030-01-31T12:00:00Z, got "${s}"`, 2);
  return d;
}
