// The workspace scanner behind the Certificate Explorer and `tlsw scan`: many files in, a light summary of
// every key, CSR, certificate, keystore and chain out. Host-neutral: files are reached only through a small
// FileAccessor (the extension implements it over the workspace, the CLI over node:fs, tests over anything).
//
// Cheap first: each file's first bytes are sniffed (PEM text or a DER structure, read.ts `sniffDer`); anything
// else is dropped without reading further. Only what a tree row needs is decoded (kind, subject, expiry, CA flag,
// key identifiers), straight from the DER with the engine's asn1/names readers: the same values as readObjects
// gives (test/unit/scan.test.ts checks them against x509.ts on the system trust bundle) at a fraction of the
// cost. A private key's public half, a CSR's signature and a keystore's contents wait for the inspector.
// Results come out in batches, one per time slice (default 20 ms of work), and the scanner yields to the event
// loop between slices (and inside one huge file), so a caller can show first results at once and its host
// never freezes.

import * as crypto from 'node:crypto';
import { Tag, children, decodeOid, decodeTime, expectTag, integerBits, integerHex, readRoot, readTlv, toHex, type Tlv } from '../der/asn1';
import type { Expiry, ObjectKind, SourceRange } from '../model';
import { DEFAULT_MAX_BYTES, DEFAULT_WARN_DAYS, PkiError } from '../model';
import { decodeName } from '../objects/names';
import { decodeText, findPemBlocks, looksLikePem, plainPemBlocks, type PemBlock } from '../der/pem';
import { OID_DSA, OID_EC, OID_ED25519, OID_ED448, OID_RSA, OID_RSA_PSS, OID_X25519, OID_X448, curveByOid } from '../objects/publicKey';
import { looksLikePkcs12, readPkcs12 } from '../objects/pkcs12';
import { PEM_LABELS, formatSize, sniffDer, type DerKind } from '../read/read';
import { decodeCrl } from '../objects/x509';

/** The PEM fast path (pem.ts), re-exported: the scanner's tests compare it with the general scanner. */
export { plainPemBlocks };

type MaybePromise<T> = T | Promise<T>;

/**
 * How the scanner reaches files. `file` is the caller's own name for a file (a path, a URI string…); the
 * scanner never interprets it. Methods may answer synchronously (fast local reads) or with a promise. The
 * scanner is done with the bytes of one file before it asks for the next, so an accessor may reuse a buffer.
 */
export interface FileAccessor {
  /** Every file to look at (a list, or a lazy walk). */
  list(): MaybePromise<Iterable<string>> | AsyncIterable<string>;
  /** Size in bytes. Asked only when the first bytes did not hold the whole file. */
  size(file: string): MaybePromise<number>;
  /** Up to `n` bytes from the start (fewer only when the file is shorter). */
  readHead(file: string, n: number): MaybePromise<Uint8Array>;
  /** The whole file. Asked only for files that look like PEM or DER and are within the size limit. */
  readAll(file: string): MaybePromise<Uint8Array>;
}

export interface ScanOptions {
  /** Reference time for expiry (default: now). */
  now?: Date;
  /** Certificates expiring within this many days are `expiring` (default 30). */
  warnDays?: number;
  /** Larger files are listed as too large, not read (default 5 MB). */
  maxBytes?: number;
  /** Work per slice before results are handed over and the event loop gets a turn (default 20 ms). */
  sliceMs?: number;
  /** Files the caller expects to hold PKI objects (e.g. matched by extension): listed even when too large to sniff. */
  candidate?: (file: string) => boolean;
  /** Stops the scan at the next file (the batches so far stand). */
  signal?: AbortSignal;
  /** Counters, updated as the scan goes. */
  stats?: ScanStats;
}

export interface ScanStats {
  /** Files looked at. */
  examined: number;
  /** Files holding something we read (or too large, or broken). */
  found: number;
}

export type ScanStatus = 'ok' | 'problems' | 'too-large' | 'unreadable';

/** What a tree row or a listing needs about one object; the inspector decodes the rest on demand. */
export interface ScannedObject {
  /** 0-based position in its file. */
  index: number;
  kind: ObjectKind;
  encoding: 'pem' | 'der';
  pemLabel?: string;
  /** Where the PEM block sits (lines and characters 0-based). */
  range?: SourceRange;
  /** Certificates and CSRs: the subject as one line, and its CN (if any). */
  subject?: string;
  commonName?: string;
  /** Certificates and CRLs: the issuer as one line, and its CN. */
  issuer?: string;
  issuerCommonName?: string;
  /** Certificates: validity (ISO 8601 UTC) and its status at scan time (see `expiryAt` to judge it later). */
  notBefore?: string;
  notAfter?: string;
  expiry?: Expiry;
  isCA?: boolean;
  /** Subject equals issuer (the signature is not checked here). */
  selfIssued?: boolean;
  serialNumber?: string;
  subjectKeyIdentifier?: string;
  authorityKeyIdentifier?: string;
  /** Certificates: lowercase hex fingerprints. */
  sha1?: string;
  sha256?: string;
  /** `EC P-256`, `RSA 2048`, `Ed25519`… when known without decrypting anything. */
  algorithm?: string;
  /** Private keys and PKCS#12: protected by a password. */
  encrypted?: boolean;
  /** CRLs: the next update (ISO 8601 UTC). */
  nextUpdate?: string;
}

export interface ScannedFile {
  file: string;
  size: number;
  status: ScanStatus;
  encoding?: 'pem' | 'der';
  objects: ScannedObject[];
  /** One line each, without the file name: "block 2 (CERTIFICATE): invalid base64 at line 14". */
  problems: string[];
  /** The first line is a PEM BEGIN line (after an optional byte-order mark). */
  pemFirstLine: boolean;
}

/** What a file is, for a one-word description: the kind of its only object, `chain`, `bundle`… */
export type FileKind = ObjectKind | 'chain' | 'bundle' | 'too-large' | 'unreadable' | 'broken';

const HEAD_BYTES = 64 * 1024 + 16;
const DEFAULT_SLICE_MS = 20;
/** PEM text longer than this is split at BEGIN lines, so one huge bundle never holds the thread for long. */
const CHUNK_CHARS = 64 * 1024;
const DAY_MS = 86_400_000;
const BEGIN = '-----BEGIN ';

// ---------------------------------------------------------------------------------------------------------
// Scanning

/**
 * Scans every file the accessor lists, handing results over in batches (one per time slice, never empty).
 * Files holding nothing we read are left out. Never throws for a file: its failure is in its `problems`.
 */
export async function* scanFiles(accessor: FileAccessor, opts: ScanOptions = {}): AsyncGenerator<ScannedFile[], void, undefined> {
  const state = scanState(opts);
  const clock = state.clock;
  const stats = opts.stats ?? { examined: 0, found: 0 };
  let batch: ScannedFile[] = [];
  const listed = await accessor.list();
  // A synchronous list is walked synchronously: `for await` would cost promises per file for nothing.
  const files = Symbol.iterator in listed ? (listed as Iterable<string>)[Symbol.iterator]() : (listed as AsyncIterable<string>)[Symbol.asyncIterator]();
  for (;;) {
    let next = files.next();
    if (isPromise(next)) next = await next;
    if (next.done || opts.signal?.aborted) break;
    const file = next.value;
    stats.examined++;
    let result = scanOne(file, accessor, opts, state);
    if (isPromise(result)) result = await result;
    if (result) {
      stats.found++;
      batch.push(result);
    }
    if (clock.over()) {
      if (batch.length > 0) {
        yield batch;
        batch = [];
      }
      await clock.rest();
    }
  }
  if (batch.length > 0) yield batch;
}

/** The whole scan at once (for the CLI and tests). */
export async function scanAll(accessor: FileAccessor, opts: ScanOptions = {}): Promise<ScannedFile[]> {
  const out: ScannedFile[] = [];
  for await (const batch of scanFiles(accessor, opts)) out.push(...batch);
  return out;
}

/** Scans one file; undefined when it holds nothing we read. */
export async function scanFile(file: string, accessor: FileAccessor, opts: ScanOptions = {}): Promise<ScannedFile | undefined> {
  return scanOne(file, accessor, opts, scanState(opts));
}

/** What one scan shares across its files: the time slices, and summaries already made. */
interface ScanState {
  clock: SliceClock;
  ctx: DecodeContext;
}

function scanState(opts: ScanOptions): ScanState {
  return {
    clock: new SliceClock(opts.sliceMs ?? DEFAULT_SLICE_MS),
    ctx: { now: opts.now ?? new Date(), warnDays: opts.warnDays ?? DEFAULT_WARN_DAYS, seen: new Map(), names: new Map(), retained: 0 },
  };
}

/** Measures work since the last rest; `rest` gives the event loop a turn. */
class SliceClock {
  private start = performance.now();
  constructor(private readonly sliceMs: number) {}
  over(): boolean {
    return this.sliceMs !== Infinity && performance.now() - this.start >= this.sliceMs;
  }
  async rest(): Promise<void> {
    await new Promise<void>((resolve) => setImmediate(resolve));
    this.start = performance.now();
  }
  /** Rests only when the slice is used up (inside a long file). */
  async pause(): Promise<void> {
    if (this.over()) await this.rest();
  }
}

function isPromise<T>(v: T | Promise<T>): v is Promise<T> {
  return typeof (v as { then?: unknown } | null)?.then === 'function';
}

/** Synchronous all the way when the accessor is (the common case for local files); a promise otherwise. */
function scanOne(file: string, accessor: FileAccessor, opts: ScanOptions, state: ScanState): MaybePromise<ScannedFile | undefined> {
  let head: MaybePromise<Uint8Array>;
  try {
    head = accessor.readHead(file, HEAD_BYTES);
  } catch (e) {
    return cannotRead(file, opts, e);
  }
  return isPromise(head)
    ? head.then((h) => withHead(file, h, accessor, opts, state), (e: unknown) => cannotRead(file, opts, e))
    : withHead(file, head, accessor, opts, state);
}

function cannotRead(file: string, opts: ScanOptions, e: unknown): ScannedFile | undefined {
  return opts.candidate?.(file) ? unreadable(file, 0, e) : undefined;
}

function withHead(file: string, head: Uint8Array, accessor: FileAccessor, opts: ScanOptions, state: ScanState): MaybePromise<ScannedFile | undefined> {
  if (head.length < HEAD_BYTES) return classified(file, head, head.length, accessor, opts, state);
  let size: MaybePromise<number>;
  try {
    size = accessor.size(file);
  } catch (e) {
    return cannotRead(file, opts, e);
  }
  return isPromise(size)
    ? size.then((n) => classified(file, head, n, accessor, opts, state), (e: unknown) => cannotRead(file, opts, e))
    : classified(file, head, size, accessor, opts, state);
}

function classified(file: string, head: Uint8Array, size: number, accessor: FileAccessor, opts: ScanOptions, state: ScanState): MaybePromise<ScannedFile | undefined> {
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_BYTES;
  const complete = head.length >= size;
  const pem = looksLikePem(head);
  const der = !pem && (complete ? sniffDerSafe(head) !== undefined : derHeaderSpans(head, size) || looksLikePkcs12(head, size));
  if (!pem && !der) {
    return size > maxBytes && opts.candidate?.(file) ? tooLarge(file, size, maxBytes, false) : undefined;
  }
  const pemFirstLine = pem && startsWithBegin(head);
  if (size > maxBytes) return tooLarge(file, size, maxBytes, pemFirstLine);
  if (complete) return decodeFile(file, head, pem, pemFirstLine, state);
  let all: MaybePromise<Uint8Array>;
  try {
    all = accessor.readAll(file);
  } catch (e) {
    return unreadable(file, size, e);
  }
  const then = (bytes: Uint8Array) =>
    bytes.length > maxBytes ? tooLarge(file, bytes.length, maxBytes, pemFirstLine) : decodeFile(file, bytes, pem, pemFirstLine, state);
  return isPromise(all) ? all.then(then, (e: unknown) => unreadable(file, size, e)) : then(all);
}

function decodeFile(file: string, bytes: Uint8Array, pem: boolean, pemFirstLine: boolean, state: ScanState): MaybePromise<ScannedFile> {
  const ctx = state.ctx;
  const out: ScannedFile = { file, size: bytes.length, status: 'ok', encoding: pem ? 'pem' : 'der', objects: [], problems: [], pemFirstLine };
  const done = (): ScannedFile => {
    if (out.objects.length === 0 && out.problems.length === 0) out.problems.push('no PEM block found');
    if (out.problems.length > 0) out.status = 'problems';
    return out;
  };
  if (!pem) {
    scanDer(uint8(bytes), ctx, out);
    return done();
  }
  const text = decodeText(bytes);
  // The memo's keys are slices of the texts they were found in, which they keep alive: past a bound, it starts afresh.
  ctx.retained += text.length;
  if (ctx.retained > MEMO_TEXT_MAX) {
    ctx.seen.clear();
    ctx.retained = text.length;
  }
  if (text.length <= CHUNK_CHARS) {
    for (const block of pemBlocksOf(text, 0, out, ctx)) addBlock(block, 0, ctx, out);
    return done();
  }
  return scanLargePem(text, ctx, out, state.clock).then(done);
}

function tooLarge(file: string, size: number, maxBytes: number, pemFirstLine: boolean): ScannedFile {
  return {
    file,
    size,
    status: 'too-large',
    objects: [],
    problems: [`file is ${formatSize(size)}, over the ${formatSize(maxBytes)} limit (not read)`],
    pemFirstLine,
  };
}

function unreadable(file: string, size: number, e: unknown): ScannedFile {
  const why = e instanceof Error ? e.message.split('\n')[0] : String(e);
  return { file, size, status: 'unreadable', objects: [], problems: [`cannot be read (${why})`], pemFirstLine: false };
}

function startsWithBegin(head: Uint8Array): boolean {
  let i = head.length >= 3 && head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf ? 3 : 0;
  if (head.length >= 2 && ((head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff))) {
    return decodeText(head.subarray(0, 64)).startsWith(BEGIN);
  }
  for (const c of BEGIN) if (head[i++] !== c.charCodeAt(0)) return false;
  return true;
}

/** A file too big to have whole in `head`: is it one DER SEQUENCE whose length spans exactly the file? */
function derHeaderSpans(head: Uint8Array, size: number): boolean {
  if (head.length < 2 || head[0] !== Tag.Sequence) return false;
  const first = head[1];
  if (first < 0x80) return 2 + first === size;
  const n = first & 0x7f;
  if (n === 0 || n > 4 || head.length < 2 + n) return false;
  let len = 0;
  for (let i = 0; i < n; i++) len = len * 256 + head[2 + i];
  return 2 + n + len === size;
}

function sniffDerSafe(bytes: Uint8Array): DerKind | undefined {
  // A PFX (DER or BER, as keytool and Windows write) is the PKCS#12 reader's to check.
  if (looksLikePkcs12(bytes)) return { kind: 'pkcs12' };
  // The header first: most binaries that start like a SEQUENCE do not span their length (no exception to build).
  if (!derHeaderSpans(bytes, bytes.length)) return undefined;
  try {
    readRoot(bytes, true);
    return sniffDer(bytes);
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------------------------
// Decoding what a row needs

interface DecodeContext {
  now: Date;
  warnDays: number;
  /**
   * Objects summarised so far in this scan, by PEM label and base64 (or DER bytes): the same certificate is
   * often in many files (a CA in every service's folder, vendored copies of a trust bundle), and its summary
   * (or the reason it has none) does not change within a scan. Bounded: cleared when full.
   */
  seen: Map<string, PemMemo | Summary>;
  /** Names decoded so far, by their DER (issuers repeat across a workspace). Bounded like `seen`. */
  names: Map<string, { text: string; cn: string | undefined }>;
  /** Characters of PEM text read since `seen` was last cleared (its keys are slices of those texts). */
  retained: number;
}

const MEMO_MAX = 20_000;
const MEMO_TEXT_MAX = 32 * 1024 * 1024;

/** A long PEM text, chunk by chunk (cut at BEGIN lines), resting whenever the slice is used up. */
async function scanLargePem(text: string, ctx: DecodeContext, out: ScannedFile, clock: SliceClock): Promise<void> {
  let blocksBefore = 0;
  let lines = 0;
  for (let start = 0; start < text.length; ) {
    const end = chunkEnd(text, start);
    const chunk = text.slice(start, end);
    for (const block of pemBlocksOf(chunk, blocksBefore, out, ctx)) {
      shift(block, start, lines);
      addBlock(block, blocksBefore, ctx, out);
      await clock.pause();
    }
    blocksBefore += count(chunk, BEGIN);
    lines += count(chunk, '\n');
    start = end;
    await clock.pause();
  }
}

/** A PEM block: decoded (the general scanner's), or a plain one with its body text (decoded only when needed). */
type Block = PemBlock | PlainBlock;

/** A well-formed plain block: its body text (the memo key), and the memo entry when this body was seen before. */
interface PlainBlock {
  label: string;
  body: string;
  /** Base64 without line breaks (checked), when the body is new. */
  base64?: string;
  known?: PemMemo;
  range: SourceRange;
  blockNumber: number;
}

/** What the memo holds for a PEM body: its summary (or the problem), and its line structure. */
interface PemMemo {
  label: string;
  /** The whole body (the key is only a short digest of it: hashing a 2 KB key for every block would cost more). */
  body: string;
  summary: Summary;
  /** Line breaks in the body, and the offset of the last one (-1: none). */
  newlines: number;
  lastNewline: number;
}

/** An object summarised once, placed many times; or the one-line problem of a block we cannot summarise ('' = skip silently). */
type Summary = { kind: ObjectKind; fields: Partial<ScannedObject> } | string;

/** The well-formed PEM blocks of `chunk` (problems with the others go to `out`), the fast way when it can. */
function pemBlocksOf(chunk: string, blocksBefore: number, out: ScannedFile, ctx: DecodeContext): Block[] {
  const plain = plainBlocks(chunk, ctx.seen);
  if (plain) return plain;
  const found = findPemBlocks(chunk);
  for (const p of found.problems) out.problems.push(renumber(p.message, blocksBefore));
  return found.blocks;
}

/**
 * pem.ts's plainPemSpans (the same rules: every `-----` opens a well-formed block, or undefined), with the scan's
 * memo: a body seen before is neither checked nor decoded again, and its lines are counted from the memo.
 */
function plainBlocks(text: string, seen: Map<string, PemMemo | Summary>): PlainBlock[] | undefined {
  if (text.indexOf('\r') >= 0 && LONE_CR.test(text)) return undefined;
  const blocks: PlainBlock[] = [];
  let pos = 0;
  let line = 0;
  let lineStart = 0;
  const advance = (to: number): void => {
    for (let nl = text.indexOf('\n', pos); nl >= 0 && nl < to; nl = text.indexOf('\n', nl + 1)) {
      line++;
      lineStart = nl + 1;
    }
    pos = to;
  };
  for (;;) {
    const begin = text.indexOf(DASHES, pos);
    if (begin < 0) break;
    if (!text.startsWith(BEGIN, begin)) return undefined;
    const labelEnd = text.indexOf(DASHES, begin + BEGIN.length);
    if (labelEnd < 0 || labelEnd - begin > 80) return undefined;
    const label = text.slice(begin + BEGIN.length, labelEnd);
    if (!PLAIN_LABEL.test(label)) return undefined;
    const bodyStart = labelEnd + DASHES.length;
    const end = text.indexOf(DASHES, bodyStart);
    if (end < 0 || !text.startsWith(END, end) || !text.startsWith(label, end + END.length) || !text.startsWith(DASHES, end + END.length + label.length)) {
      return undefined;
    }
    const body = text.slice(bodyStart, end);
    const stop = end + END.length + label.length + DASHES.length;
    const memo = seen.get(memoKey(label, body));
    const known = memo !== undefined && typeof memo === 'object' && 'newlines' in memo && memo.body === body ? memo : undefined;
    let base64: string | undefined;
    if (!known) {
      if (!PLAIN_BODY.test(body)) return undefined;
      // Data characters and padding: a multiple of 4, '=' only as the last one or two.
      base64 = body.replace(PLAIN_SPACE, '');
      const pad = base64.indexOf('=');
      if (base64.length === 0 || base64.length % 4 !== 0) return undefined;
      if (pad >= 0 && (pad < base64.length - 2 || (pad === base64.length - 2 && base64.charCodeAt(base64.length - 1) !== 61))) return undefined;
    }
    advance(begin);
    const startLine = line;
    const startCharacter = begin - lineStart;
    if (known) {
      // The body's lines, from the memo (the END marker holds no line break).
      if (known.newlines > 0) {
        line += known.newlines;
        lineStart = bodyStart + known.lastNewline + 1;
      }
      pos = stop;
    } else {
      advance(stop);
    }
    blocks.push({ label, body, base64, known, range: { startLine, startCharacter, endLine: line, endCharacter: stop - lineStart, startOffset: begin, endOffset: stop }, blockNumber: blocks.length + 1 });
  }
  return blocks.length > 0 ? blocks : undefined;
}

const END = '-----END ';
const DASHES = '-----';
const LONE_CR = /\r(?!\n)/;
const PLAIN_LABEL = /^[A-Z0-9][A-Z0-9 .#]*[A-Z0-9]$/;
const PLAIN_BODY = /^[A-Za-z0-9+/=\t\n\v\f\r ]*$/;
const PLAIN_SPACE = /[\t\n\v\f\r ]+/g;

/** Summarises one block into `out` (an unreadable one becomes a problem). */
function addBlock(block: Block, blocksBefore: number, ctx: DecodeContext, out: ScannedFile): void {
  let summary: Summary;
  if ('known' in block && block.known) {
    summary = block.known.summary;
  } else {
    summary = summariseBlock(block, ctx);
    if ('body' in block && block.body.length <= MEMO_BODY_MAX) {
      const body = block.body;
      let newlines = 0;
      let lastNewline = -1;
      for (let nl = body.indexOf('\n'); nl >= 0; nl = body.indexOf('\n', nl + 1)) {
        newlines++;
        lastNewline = nl;
      }
      remember(ctx.seen, memoKey(block.label, body), { label: block.label, body, summary, newlines, lastNewline });
    }
  }
  if (typeof summary === 'string') {
    if (summary !== '') out.problems.push(`block ${block.blockNumber + blocksBefore} (${block.label}): ${summary}`);
    return;
  }
  out.objects.push(placed(summary, out.objects.length, 'pem', block.label, block.range));
}

/**
 * The memo key of a PEM body: its label, length and last 64 characters (a signature's end: distinct between any two
 * real certificates). Short, so cheap to hash; a lookup still compares the whole body, so a collision is a miss.
 */
function memoKey(label: string, body: string): string {
  return `${label}\n${body.length}\n${body.slice(-64)}`;
}

/** PEM bodies longer than this are not remembered (a certificate is 1-3 KB of base64). */
const MEMO_BODY_MAX = 16 * 1024;

function summariseBlock(block: Block, ctx: DecodeContext): Summary {
  try {
    const o = summarisePem(block, ctx);
    if (!o) return block.label === 'EC PARAMETERS' ? '' : `unsupported PEM label "${block.label}"`;
    return summaryOf(o);
  } catch (e) {
    return messageOf(e).replace(/^(certificate|certificate request|CRL): /, '');
  }
}

function summaryOf(o: ScannedObject): Summary {
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  const { index, kind, encoding, ...fields } = o;
  return { kind, fields };
}

function remember<V>(map: Map<string, V>, key: string, value: V): void {
  if (map.size >= MEMO_MAX) map.clear();
  map.set(key, value);
}

/** A summary at its place in a file (each place gets its own object; the field values are shared). */
function placed(summary: Exclude<Summary, string>, index: number, encoding: 'pem' | 'der', pemLabel: string | undefined, range: SourceRange | undefined): ScannedObject {
  return Object.assign(newObject(index, summary.kind, encoding, pemLabel, range), summary.fields);
}

/** A plain Uint8Array view: Buffer's own subarray is much slower, and the decoders take many sub-views. */
function uint8(b: Uint8Array): Uint8Array {
  return b instanceof Buffer ? new Uint8Array(b.buffer, b.byteOffset, b.byteLength) : b;
}


/** Where the chunk starting at `start` ends: at a line starting with BEGIN past CHUNK_CHARS, else the end. */
function chunkEnd(text: string, start: number): number {
  if (text.length - start <= CHUNK_CHARS) return text.length;
  const at = text.indexOf('\n' + BEGIN, start + CHUNK_CHARS);
  return at < 0 ? text.length : at + 1;
}

function shift(block: Block, offset: number, lines: number): void {
  if (offset === 0 && lines === 0) return;
  const r = block.range;
  block.range = { ...r, startLine: r.startLine + lines, endLine: r.endLine + lines, startOffset: r.startOffset + offset, endOffset: r.endOffset + offset };
}

function renumber(message: string, offset: number): string {
  return offset === 0 ? message : message.replace(/^block (\d+)/, (_, n: string) => `block ${Number(n) + offset}`);
}

function count(s: string, needle: string): number {
  let n = 0;
  for (let i = s.indexOf(needle); i >= 0; i = s.indexOf(needle, i + needle.length)) n++;
  return n;
}

/** The summary of one block (index 0, no place yet), undefined for a label we do not read. Throws PkiError. */
function summarisePem(block: Block, ctx: DecodeContext): ScannedObject | undefined {
  const der = 'der' in block ? block.der : uint8(Buffer.from(block.base64 ?? '', 'base64'));
  const entry = PEM_LABELS[block.label];
  if (entry === 'skip') return undefined;
  if (entry === 'legacy-key') {
    const o = newObject(0, 'private-key', 'pem', undefined, undefined);
    o.encrypted = 'headers' in block && /ENCRYPTED/i.test(block.headers['Proc-Type'] ?? '');
    const algorithm = block.label.slice(0, block.label.indexOf(' '));
    o.algorithm = o.encrypted ? algorithm : (traditionalKeyAlgorithm(der, algorithm) ?? algorithm);
    return o;
  }
  const kind = entry ?? sniffDerSafe(der);
  if (!kind) return undefined;
  const o = newObject(0, kind.kind, 'pem', undefined, undefined);
  summarise(kind, der, ctx, o);
  return o;
}

function scanDer(bytes: Uint8Array, ctx: DecodeContext, out: ScannedFile): void {
  // The same DER file in several places is summarised once (keyed by its bytes, read as latin1 text).
  const key = bytes.length <= MEMO_BODY_MAX ? `DER\n${Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1')}` : undefined;
  const memo = key !== undefined ? ctx.seen.get(key) : undefined;
  let summary: Summary;
  if (memo !== undefined && !(typeof memo === 'object' && 'newlines' in memo)) {
    summary = memo;
  } else {
    const kind = sniffDerSafe(bytes);
    if (!kind) {
      summary = 'not a PEM file, and the DER structure is not a certificate, CSR, CRL, key, DH parameters or PKCS#12';
    } else {
      try {
        const o = newObject(0, kind.kind, 'der', undefined, undefined);
        summarise(kind, bytes, ctx, o);
        summary = summaryOf(o);
      } catch (e) {
        summary = `DER ${messageOf(e)}`;
      }
    }
    if (key !== undefined) remember(ctx.seen, key, summary);
  }
  if (typeof summary === 'string') out.problems.push(summary);
  else out.objects.push(placed(summary, 0, 'der', undefined, undefined));
}

/** Every object starts with the same shape (fields then added in a fixed order): cheap for the engine. */
function newObject(index: number, kind: ObjectKind, encoding: 'pem' | 'der', pemLabel: string | undefined, range: SourceRange | undefined): ScannedObject {
  const o: ScannedObject = { index, kind, encoding };
  if (pemLabel !== undefined) o.pemLabel = pemLabel;
  if (range !== undefined) o.range = range;
  return o;
}

/** Fills `o` with what a row needs about a `kind` object. Throws PkiError when the structure is broken. */
function summarise(kind: DerKind, der: Uint8Array, ctx: DecodeContext, o: ScannedObject): void {
  switch (kind.kind) {
    case 'certificate':
      return certificateSummary(der, ctx, o);
    case 'csr':
      return csrSummary(der, o);
    case 'crl': {
      const c = decodeCrl(der);
      o.issuer = c.issuer.text;
      o.issuerCommonName = cn(c.issuer.attributes);
      o.nextUpdate = c.nextUpdate;
      o.authorityKeyIdentifier = c.authorityKeyIdentifier;
      return;
    }
    case 'private-key':
      o.encrypted = kind.hint === 'encrypted-pkcs8';
      if (!o.encrypted) o.algorithm = kind.hint === 'pkcs8' ? pkcs8Algorithm(der) : traditionalKeyAlgorithm(der, kind.hint === 'sec1' ? 'EC' : undefined);
      return;
    case 'public-key': {
      if (kind.format === 'pkcs1') {
        o.algorithm = rsaPublicAlgorithm(der);
      } else if (kind.format === 'traditional-dsa') {
        o.algorithm = 'DSA';
      } else {
        o.algorithm = spkiAlgorithm(der, expectTag(readRoot(der, true), Tag.Sequence, 'SubjectPublicKeyInfo'));
      }
      return;
    }
    case 'dh-parameters':
    case 'dsa-parameters':
      return;
    case 'pkcs12':
      // The one PKCS#12 reader: a keystore that opens without a password (empty password, nothing encrypted) is not locked.
      o.encrypted = !readPkcs12(der).decrypted;
      return;
  }
}

/**
 * What a row needs from a certificate, read straight from the DER: names, validity, CA flag, key identifiers,
 * key type and SHA-256. The full decoder (x509.ts) also decodes every extension, both fingerprints and the
 * self-signature on demand; at thousands of certificates per scan that difference is the scan's whole budget.
 * It is as strict on the structure it walks (every length checked, the whole input one Certificate).
 */
function certificateSummary(der: Uint8Array, ctx: DecodeContext, o: ScannedObject): void {
  try {
    const root = expectTag(readRoot(der, true), Tag.Sequence, 'Certificate');
    const top = children(der, root);
    if (top.length !== 3) throw new PkiError('a certificate has a TBSCertificate, an algorithm and a signature');
    const f = children(der, expectTag(top[0], Tag.Sequence, 'TBSCertificate'));
    const i = f[0]?.tag === 0xa0 ? 1 : 0;
    const [serialTlv, , issuerTlv, validity, subjectTlv, spkiTlv] = f.slice(i, i + 6);
    if (!spkiTlv) throw new PkiError('incomplete TBSCertificate (serial, algorithm, issuer, validity, subject and public key are required)');
    const times = children(der, expectTag(validity, Tag.Sequence, 'Validity'));
    if (times.length !== 2) throw new PkiError('validity must hold exactly two times');
    const nb = timeOf(der, times[0]);
    const na = timeOf(der, times[1]);
    const subject = nameOf(der, subjectTlv, ctx);
    const issuer = nameOf(der, issuerTlv, ctx);
    o.subject = subject.text;
    o.commonName = subject.cn;
    o.issuer = issuer.text;
    o.issuerCommonName = issuer.cn;
    o.notBefore = nb.iso;
    o.notAfter = na.iso;
    o.expiry = expiryOf(nb.ms, na.ms, ctx.now, ctx.warnDays);
    o.isCA = false;
    o.selfIssued = subject.text === issuer.text;
    o.serialNumber = integerHex(der, expectTag(serialTlv, Tag.Integer, 'serial number'));
    o.subjectKeyIdentifier = undefined;
    o.authorityKeyIdentifier = undefined;
    o.sha256 = sha256Hex(der.subarray(root.start, root.end));
    o.algorithm = spkiAlgorithm(der, expectTag(spkiTlv, Tag.Sequence, 'SubjectPublicKeyInfo'));
    for (let k = i + 6; k < f.length; k++) if (f[k].tag === 0xa3) readExtensions(der, f[k], o);
  } catch (e) {
    throw new PkiError(`certificate: ${messageOf(e)}`);
  }
}

/** `2030-01-02T03:04:05Z` (DER times have whole seconds). */
function isoSecondsOf(d: Date): string {
  return d.toISOString().slice(0, 19) + 'Z';
}

/** A Name's one-line text and CN, decoded once per scan for each distinct DER. */
function nameOf(der: Uint8Array, t: Tlv, ctx: DecodeContext): { text: string; cn: string | undefined } {
  const key = Buffer.from(der.buffer, der.byteOffset + t.start, t.end - t.start).toString('latin1');
  let n = ctx.names.get(key);
  if (!n) {
    const d = decodeName(der, t);
    n = { text: d.text, cn: cn(d.attributes) };
    remember(ctx.names, key, n);
  }
  return n;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * A certificate time as ISO text and milliseconds. The two forms RFC 5280 allows (UTCTime YYMMDDHHMMSSZ,
 * GeneralizedTime YYYYMMDDHHMMSSZ, every field in range) are read straight from their digits; anything else
 * goes through asn1.decodeTime, which says what is wrong (or rolls an out-of-range field over, as it always has).
 */
function timeOf(der: Uint8Array, t: Tlv): { iso: string; ms: number } {
  const p = t.contentStart;
  const len = t.end - p;
  const utc = t.tag === Tag.UtcTime && len === 13;
  if ((utc || (t.tag === Tag.GeneralizedTime && len === 15)) && der[t.end - 1] === 0x5a) {
    let ok = true;
    const num = (at: number): number => {
      const a = der[p + at] - 48;
      const b = der[p + at + 1] - 48;
      if (a < 0 || a > 9 || b < 0 || b > 9) ok = false;
      return a * 10 + b;
    };
    const y = utc ? num(0) : num(0) * 100 + num(2);
    const year = utc ? (y >= 50 ? 1900 + y : 2000 + y) : y;
    const o = utc ? 2 : 4;
    const mo = num(o);
    const d = num(o + 2);
    const h = num(o + 4);
    const mi = num(o + 6);
    const sec = num(o + 8);
    const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
    const dim = mo === 2 && leap ? 29 : DAYS_IN_MONTH[mo - 1];
    if (ok && year >= 1950 && mo >= 1 && mo <= 12 && d >= 1 && d <= dim && h < 24 && mi < 60 && sec < 60) {
      const two = (n: number): string => (n < 10 ? `0${n}` : String(n));
      return { iso: `${year}-${two(mo)}-${two(d)}T${two(h)}:${two(mi)}:${two(sec)}Z`, ms: Date.UTC(year, mo - 1, d, h, mi, sec) };
    }
  }
  const date = decodeTime(der, t);
  return { iso: isoSecondsOf(date), ms: date.getTime() };
}

/** basicConstraints, subjectKeyIdentifier and authorityKeyIdentifier from the [3] extensions field. */
function readExtensions(der: Uint8Array, field: Tlv, out: ScannedObject): void {
  const [list] = children(der, field);
  if (!list) return;
  for (const ext of children(der, expectTag(list, Tag.Sequence, 'Extensions'))) {
    const parts = children(der, expectTag(ext, Tag.Sequence, 'Extension'));
    const id = parts[0];
    const value = parts[parts.length - 1];
    if (parts.length < 2 || id.tag !== Tag.Oid || value.tag !== Tag.OctetString) throw new PkiError('malformed extension');
    // 2.5.29.x is 06 03 55 1d x: compare bytes, no OID decoding for the dozen other extensions.
    if (id.end - id.contentStart !== 3 || der[id.contentStart] !== 0x55 || der[id.contentStart + 1] !== 0x1d) continue;
    const which = der[id.contentStart + 2];
    if (which !== 0x13 && which !== 0x0e && which !== 0x23) continue;
    try {
      const v = readTlv(der, value.contentStart, value.end);
      if (which === 0x13) {
        const first = children(der, v)[0];
        out.isCA = first?.tag === Tag.Boolean && der[first.contentStart] !== 0;
      } else if (which === 0x0e) {
        if (v.tag === Tag.OctetString) out.subjectKeyIdentifier = toHex(der.subarray(v.contentStart, v.end));
      } else {
        const keyId = children(der, v).find((c) => c.tag === 0x80);
        if (keyId) out.authorityKeyIdentifier = toHex(der.subarray(keyId.contentStart, keyId.end));
      }
    } catch {
      // A malformed value leaves the field unset; the inspector says what is wrong with it.
    }
  }
}

/** `EC P-256`, `RSA 2048`, `Ed25519`… from a SubjectPublicKeyInfo, without hashing it. */
function spkiAlgorithm(der: Uint8Array, spki: Tlv): string | undefined {
  try {
    const [algId, keyBits] = children(der, spki);
    const [oidTlv, params] = children(der, algId);
    const oid = decodeOid(der, oidTlv);
    if (oid === OID_RSA || oid === OID_RSA_PSS) {
      const key = der.subarray(keyBits.contentStart + 1, keyBits.end);
      const [n] = children(key, readRoot(key, true));
      return `RSA ${integerBits(key, n)}`;
    }
    if (oid === OID_EC) return params?.tag === Tag.Oid ? `EC ${curveByOid(decodeOid(der, params)).name}` : 'EC';
    return OID_NAMES[oid];
  } catch {
    return undefined;
  }
}

const OID_NAMES: Record<string, string> = { [OID_ED25519]: 'Ed25519', [OID_ED448]: 'Ed448', [OID_X25519]: 'X25519', [OID_X448]: 'X448', [OID_DSA]: 'DSA' };

const oneShotHash = (crypto as { hash?: (algorithm: string, data: Uint8Array, encoding: 'hex') => string }).hash;

function sha256Hex(data: Uint8Array): string {
  return oneShotHash ? oneShotHash('sha256', data, 'hex') : crypto.createHash('sha256').update(data).digest('hex');
}

/** A CSR's subject and key, without checking its signature (the inspector does that). */
function csrSummary(der: Uint8Array, o: ScannedObject): void {
  try {
    const root = expectTag(readRoot(der, true), Tag.Sequence, 'CertificationRequest');
    const [info] = children(der, root);
    const [, subjectTlv, spkiTlv] = children(der, expectTag(info, Tag.Sequence, 'CertificationRequestInfo'));
    if (!subjectTlv || !spkiTlv) throw new PkiError('incomplete CertificationRequestInfo');
    const subject = decodeName(der, subjectTlv);
    o.subject = subject.text;
    o.commonName = cn(subject.attributes);
    o.algorithm = spkiAlgorithm(der, expectTag(spkiTlv, Tag.Sequence, 'SubjectPublicKeyInfo'));
  } catch (e) {
    throw new PkiError(`certificate request: ${messageOf(e)}`);
  }
}

/** Algorithm of a plain PKCS#8 key from its AlgorithmIdentifier (and RSA modulus size), no key maths. */
function pkcs8Algorithm(der: Uint8Array): string | undefined {
  try {
    const [, algId, keyOctets] = children(der, readRoot(der, true));
    const [oidTlv, params] = children(der, algId);
    const oid = decodeOid(der, oidTlv);
    switch (oid) {
      case OID_RSA:
      case OID_RSA_PSS: {
        const inner = der.subarray(keyOctets.contentStart, keyOctets.end);
        const [, n] = children(inner, readRoot(inner, true));
        return `RSA ${integerBits(inner, n)}`;
      }
      case OID_EC:
        return params && params.tag === Tag.Oid ? `EC ${curveByOid(decodeOid(der, params)).name}` : 'EC';
      case OID_ED25519:
        return 'Ed25519';
      case OID_ED448:
        return 'Ed448';
      case OID_X25519:
        return 'X25519';
      case OID_X448:
        return 'X448';
      case OID_DSA:
        return 'DSA';
      default:
        return undefined;
    }
  } catch {
    return undefined;
  }
}

/** PKCS#1 RSA, SEC1 EC or traditional DSA private key: algorithm and size from the structure. */
function traditionalKeyAlgorithm(der: Uint8Array, hint: string | undefined): string | undefined {
  try {
    const items = children(der, readRoot(der, true));
    if (items[1]?.tag === Tag.OctetString) {
      const curve = items.find((t) => t.tag === 0xa0);
      if (curve) {
        const inner = readTlv(der, curve.contentStart, curve.end);
        if (inner.tag === Tag.Oid) return `EC ${curveByOid(decodeOid(der, inner)).name}`;
      }
      return 'EC';
    }
    if (items.length >= 9) return `RSA ${integerBits(der, items[1])}`;
    if (items.length === 6) return `DSA ${integerBits(der, items[1])}`;
    return hint;
  } catch {
    return hint;
  }
}

function rsaPublicAlgorithm(der: Uint8Array): string {
  try {
    const [n] = children(der, readRoot(der, true));
    return `RSA ${integerBits(der, n)}`;
  } catch {
    return 'RSA';
  }
}


function cn(attributes: { type: string; value: string }[]): string | undefined {
  for (let i = attributes.length - 1; i >= 0; i--) if (attributes[i].type === 'CN') return attributes[i].value;
  return undefined;
}

function messageOf(e: unknown): string {
  if (e instanceof PkiError) return e.message;
  return `internal error: ${String((e as Error)?.message ?? e)}`;
}

// ---------------------------------------------------------------------------------------------------------
// Judging results

/** Expiry of a scanned certificate at `now` (statuses as the reader's: valid, expiring, expired, not-yet-valid). */
export function expiryAt(object: Pick<ScannedObject, 'notBefore' | 'notAfter'>, now: Date, warnDays: number): Expiry | undefined {
  if (!object.notAfter) return undefined;
  const na = Date.parse(object.notAfter);
  const nb = object.notBefore ? Date.parse(object.notBefore) : -Infinity;
  return Number.isNaN(na) || Number.isNaN(nb) || Number.isNaN(now.getTime()) ? undefined : expiryOf(nb, na, now, warnDays);
}

function expiryOf(nb: number, na: number, now: Date, warnDays: number): Expiry {
  const t = now.getTime();
  const left = na - t;
  const daysLeft = Math.floor(left / DAY_MS);
  if (t < nb) return { status: 'not-yet-valid', daysLeft };
  if (left < 0) return { status: 'expired', daysLeft };
  if (left <= warnDays * DAY_MS) return { status: 'expiring', daysLeft };
  return { status: 'valid', daysLeft };
}

/**
 * The expiry in words: "expires in 42 days", "expires today", "expired yesterday", "expired 9 days ago",
 * "not valid before 2031-01-01". Days since expiry count whole days passed (daysLeft is rounded down).
 */
export function expiryPhrase(e: Expiry, notBefore?: string): string {
  const d = e.daysLeft;
  switch (e.status) {
    case 'expired': {
      const ago = Math.max(0, -d - 1);
      return ago === 0 ? 'expired today' : ago === 1 ? 'expired yesterday' : `expired ${ago} days ago`;
    }
    case 'not-yet-valid':
      return `not valid before ${notBefore?.slice(0, 10) ?? '?'}`;
    default:
      return d === 0 ? 'expires today' : d === 1 ? 'expires tomorrow' : `expires in ${d} days`;
  }
}

const STATUS_RANK: Record<Expiry['status'], number> = { 'valid': 0, 'not-yet-valid': 1, 'expiring': 2, 'expired': 3 };

/** The most urgent expiry among a file's certificates (expired before expiring before not-yet-valid before valid). */
export function worstExpiry(file: ScannedFile, now: Date, warnDays: number): Expiry | undefined {
  let worst: Expiry | undefined;
  for (const o of file.objects) {
    const e = o.kind === 'certificate' ? expiryAt(o, now, warnDays) : undefined;
    if (!e) continue;
    if (!worst || STATUS_RANK[e.status] > STATUS_RANK[worst.status] || (e.status === worst.status && e.daysLeft < worst.daysLeft)) worst = e;
  }
  return worst;
}

/** One word for a file: its only object's kind, `chain` (several certificates), `bundle` (mixed), or its trouble. */
export function fileKind(file: ScannedFile): FileKind {
  if (file.status === 'too-large') return 'too-large';
  if (file.status === 'unreadable') return 'unreadable';
  const objects = file.objects;
  if (objects.length === 0) return 'broken';
  if (objects.length === 1) return objects[0].kind;
  if (objects.every((o) => o.kind === 'certificate')) return 'chain';
  return 'bundle';
}

export interface CertificateLocation {
  file: string;
  index: number;
  /** The certificate is the only object of its file. */
  alone: boolean;
}

export interface AuthorityNode {
  /** The certificate (the summary from its first location). */
  certificate: ScannedObject;
  /** Every place the same certificate (by SHA-256) was found, files holding only it first. */
  locations: CertificateLocation[];
  /** Certificates it issued (matched by authority/subject key identifier, or by name when a CA has no SKI). */
  issued: AuthorityNode[];
}

interface CertEntry {
  certificate: ScannedObject;
  locations: CertificateLocation[];
}

/**
 * The certificate authorities among `files`, each with what it issued beneath it (recursively: a root, its
 * intermediates, their leaves). Identical certificates found in several files are one node. Roots are CAs whose
 * issuer is not among the CAs found. Cycles (cross-signing) are cut.
 */
export function buildAuthorityTree(files: Iterable<ScannedFile>): AuthorityNode[] {
  const entries = new Map<string, CertEntry>();
  for (const f of files) {
    for (const o of f.objects) {
      if (o.kind !== 'certificate' || !o.sha256) continue;
      const location = { file: f.file, index: o.index, alone: f.objects.length === 1 };
      const e = entries.get(o.sha256);
      if (e) e.locations.push(location);
      else entries.set(o.sha256, { certificate: o, locations: [location] });
    }
  }
  for (const e of entries.values()) e.locations.sort((a, b) => Number(b.alone) - Number(a.alone));
  const cas = [...entries.values()].filter((e) => e.certificate.isCA);
  const bySki = new Map<string, CertEntry[]>();
  const bySubject = new Map<string, CertEntry[]>();
  for (const ca of cas) {
    const { subjectKeyIdentifier: ski, subject } = ca.certificate;
    if (ski) push(bySki, ski, ca);
    if (subject !== undefined) push(bySubject, subject, ca);
  }
  const issuedBy = new Map<CertEntry, CertEntry[]>();
  const hasParent = new Set<CertEntry>();
  for (const e of entries.values()) {
    for (const parent of parentsOf(e, bySki, bySubject)) {
      push(issuedBy, parent, e);
      hasParent.add(e);
    }
  }
  const placed = new Set<CertEntry>();
  const build = (e: CertEntry, path: Set<CertEntry>): AuthorityNode => {
    placed.add(e);
    const next = new Set(path).add(e);
    const kids = (issuedBy.get(e) ?? []).filter((c) => !next.has(c)).sort(byCaThenName);
    return { certificate: e.certificate, locations: e.locations, issued: kids.map((c) => build(c, next)) };
  };
  const roots = cas.filter((ca) => !hasParent.has(ca)).sort(byCaThenName).map((ca) => build(ca, new Set()));
  // CAs only reachable through a cycle (two CAs cross-signed, nothing else above them) become roots too.
  for (const ca of cas.sort(byCaThenName)) if (!placed.has(ca)) roots.push(build(ca, new Set()));
  return roots;
}

function parentsOf(e: CertEntry, bySki: Map<string, CertEntry[]>, bySubject: Map<string, CertEntry[]>): CertEntry[] {
  const c = e.certificate;
  const aki = c.authorityKeyIdentifier;
  if (aki && aki === c.subjectKeyIdentifier) return [];
  let parents: CertEntry[];
  if (aki && bySki.has(aki)) parents = bySki.get(aki) ?? [];
  else if (c.selfIssued) parents = [];
  else parents = (bySubject.get(c.issuer ?? '') ?? []).filter((ca) => !aki || !ca.certificate.subjectKeyIdentifier);
  return parents.filter((p) => p !== e);
}

function byCaThenName(a: CertEntry, b: CertEntry): number {
  return Number(!!b.certificate.isCA) - Number(!!a.certificate.isCA) || displayName(a.certificate).localeCompare(displayName(b.certificate));
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** The name to show for an object: its CN, else its subject, else its kind in words. */
export function displayName(o: ScannedObject): string {
  return o.commonName || o.subject || KIND_WORDS[o.kind];
}

export const KIND_WORDS: Record<ObjectKind, string> = {
  'certificate': 'certificate',
  'csr': 'certificate request',
  'private-key': 'private key',
  'public-key': 'public key',
  'dh-parameters': 'DH parameters',
  'dsa-parameters': 'DSA parameters',
  'pkcs12': 'PKCS#12 keystore',
  'crl': 'CRL',
};

export interface ExpiryEntry {
  certificate: ScannedObject;
  expiry: Expiry;
  files: string[];
}

/** Certificates (one entry per distinct certificate) that are expired or expiring at `now`, most urgent first. */
export function expiryAttention(files: Iterable<ScannedFile>, now: Date, warnDays: number): { expired: ExpiryEntry[]; expiring: ExpiryEntry[] } {
  const seen = new Map<string, ExpiryEntry>();
  for (const f of files) {
    for (const o of f.objects) {
      if (o.kind !== 'certificate') continue;
      const key = o.sha256 ?? `${f.file}#${o.index}`;
      const known = seen.get(key);
      if (known) {
        if (!known.files.includes(f.file)) known.files.push(f.file);
        continue;
      }
      const expiry = expiryAt(o, now, warnDays);
      if (expiry && (expiry.status === 'expired' || expiry.status === 'expiring')) seen.set(key, { certificate: o, expiry, files: [f.file] });
    }
  }
  const all = [...seen.values()].sort((a, b) => a.expiry.daysLeft - b.expiry.daysLeft);
  return { expired: all.filter((e) => e.expiry.status === 'expired'), expiring: all.filter((e) => e.expiry.status === 'expiring') };
}

// ---------------------------------------------------------------------------------------------------------
// Globs (for exclude settings and `tlsw scan --exclude`)

/**
 * A glob as VS Code's settings write them → RegExp over `/`-separated relative paths: `**` any number of
 * folders, `*` and `?` within one name, `{a,b}` alternatives, `[abc]` classes. A glob without `/` matches a
 * name at any depth (`*.log`, `node_modules`), like .gitignore.
 */
export function globToRegExp(glob: string): RegExp {
  let g = glob.trim().replace(/\\/g, '/');
  if (g.startsWith('./')) g = g.slice(2);
  if (!g.includes('/')) g = `**/${g}`;
  let re = '';
  let depth = 0;
  for (let i = 0; i < g.length; i++) {
    const c = g[i];
    if (c === '*') {
      if (g[i + 1] === '*') {
        const slashAfter = g[i + 2] === '/';
        const atStart = i === 0 || g[i - 1] === '/';
        if (atStart && slashAfter) {
          re += '(?:.*/)?';
          i += 2;
        } else if (atStart && i + 2 === g.length) {
          re += '.*';
          i += 1;
        } else {
          re += '[^/]*';
          i += 1;
        }
      } else {
        re += '[^/]*';
      }
    } else if (c === '?') re += '[^/]';
    else if (c === '{') {
      re += '(?:';
      depth++;
    } else if (c === '}' && depth > 0) {
      re += ')';
      depth--;
    } else if (c === ',' && depth > 0) re += '|';
    else if (c === '[') {
      const close = g.indexOf(']', i + 1);
      if (close < 0) re += '\\[';
      else {
        const body = g.slice(i + 1, close).replace(/^!/, '^').replace(/\\/g, '\\\\');
        re += `[${body}]`;
        i = close;
      }
    } else re += c.replace(/[.+^$()|\\]/g, '\\$&');
  }
  while (depth-- > 0) re += ')';
  // `dir/**` also matches `dir` itself, so a walker can prune the folder.
  if (re.endsWith('/.*')) re = `${re.slice(0, -3)}(?:/.*)?`;
  return new RegExp(`^${re}$`);
}
