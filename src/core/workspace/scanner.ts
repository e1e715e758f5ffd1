// The workspace scanner behind the Certificate Explorer and `tlsw scan`: many files in, a light summary of
// every key, CSR, certificate, keystore and chain out. Host-neutral: files are reached only through a small
// FileAccessor (the extension implements it over the workspace, the CLI over node:fs, tests over anything).
//
// Cheap first: each file's first bytes are sniffed (PEM text or a DER structure); anything else is dropped without
// reading further. Only what a row needs is decoded (rowDecoder.ts), each distinct object once per scan (memo.ts).
// Results come out in batches, one per time slice (default 20 ms of work), and the scanner yields to the event
// loop between slices (and inside one huge file), so a caller can show first results at once and its host never
// freezes (sliceClock.ts).

import { decodeText, findPemBlocks, looksLikePem, plainPemSpans, type PemBlock, type PemSpan } from '../der/pem';
import type { Expiry, ObjectKind, SourceRange } from '../model';
import { DEFAULT_MAX_BYTES, DEFAULT_WARN_DAYS } from '../model';
import { looksLikePkcs12 } from '../objects/pkcs12';
import { formatSize } from '../read/read';
import { SummaryMemo, type Summary } from './memo';
import { RowDecoder, derHeaderSpans, newObject, problemText, sniffDerKind } from './rowDecoder';
import { SliceClock } from './sliceClock';

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
  /** Work per slice before results are handed over and the event loop gets a turn (default 20 ms; 0: at every chance). */
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
  /** Certificates and CSRs: the subject as one line, and its CN (the last one, labels.commonNameOf). */
  subject?: string;
  commonName?: string;
  /** Certificates and CRLs: the issuer as one line, and its CN. */
  issuer?: string;
  issuerCommonName?: string;
  /** Certificates: subject and issuer in canonical form, for issuer matching (trust/issuer.ts). */
  subjectCanon?: string;
  issuerCanon?: string;
  /** Certificates: validity (ISO 8601 UTC) and its status at scan time (summary.ts `certificateExpiry` judges it later). */
  notBefore?: string;
  notAfter?: string;
  expiry?: Expiry;
  isCA?: boolean;
  /** Subject equals issuer, canonically (the signature is not checked here). */
  selfIssued?: boolean;
  serialNumber?: string;
  /** Lowercase hex. */
  subjectKeyIdentifier?: string;
  authorityKeyIdentifier?: string;
  /** Certificates: lowercase hex fingerprint. */
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

const HEAD_BYTES = 64 * 1024 + 16;
const DEFAULT_SLICE_MS = 20;
/** PEM text longer than this is split at BEGIN lines, so one huge bundle never holds the thread for long. */
const CHUNK_CHARS = 64 * 1024;
const BEGIN = '-----BEGIN ';

/**
 * Scans every file the accessor lists, handing results over in batches (one per time slice, never empty).
 * Files holding nothing we read are left out. Never throws for a file: its failure is in its `problems`.
 */
export async function* scanFiles(accessor: FileAccessor, opts: ScanOptions = {}): AsyncGenerator<ScannedFile[], void, undefined> {
  const state: ScanState = {
    clock: new SliceClock(opts.sliceMs ?? DEFAULT_SLICE_MS),
    decoder: new RowDecoder(opts.now ?? new Date(), opts.warnDays ?? DEFAULT_WARN_DAYS),
    memo: new SummaryMemo(),
  };
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

/** What one scan shares across its files: the time slices, the decoder and the summaries already made. */
interface ScanState {
  clock: SliceClock;
  decoder: RowDecoder;
  memo: SummaryMemo;
}

function isPromise<T>(v: T | Promise<T>): v is Promise<T> {
  return typeof (v as { then?: unknown } | null)?.then === 'function';
}

// ---------------------------------------------------------------------------------------------------------
// One file: sniff its first bytes, read the rest only when they look like PEM or DER

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
  const der = !pem && (complete ? sniffDerKind(head) !== undefined : derHeaderSpans(head, size) || looksLikePkcs12(head, size));
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
  const out: ScannedFile = { file, size: bytes.length, status: 'ok', encoding: pem ? 'pem' : 'der', objects: [], problems: [], pemFirstLine };
  const done = (): ScannedFile => {
    if (out.objects.length === 0 && out.problems.length === 0) out.problems.push('no PEM block found');
    if (out.problems.length > 0) out.status = 'problems';
    return out;
  };
  if (!pem) {
    addDer(uint8(bytes), state, out);
    return done();
  }
  const text = decodeText(bytes);
  state.memo.readingText(text.length);
  if (text.length <= CHUNK_CHARS) {
    for (const block of pemBlocksOf(text, 0, out)) addBlock(block, 0, state, out);
    return done();
  }
  return scanLargePem(text, state, out).then(done);
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

/** A plain Uint8Array view: Buffer's own subarray is much slower, and the decoders take many sub-views. */
function uint8(b: Uint8Array): Uint8Array {
  return b instanceof Buffer ? new Uint8Array(b.buffer, b.byteOffset, b.byteLength) : b;
}

// ---------------------------------------------------------------------------------------------------------
// PEM text and DER files → objects at their places

/** A PEM block: decoded by the general scanner, or a well-formed plain span whose body is decoded only when new. */
type Block = PemBlock | PemSpan;

/** A long PEM text, chunk by chunk (cut at BEGIN lines), resting whenever the slice is used up. */
async function scanLargePem(text: string, state: ScanState, out: ScannedFile): Promise<void> {
  let blocksBefore = 0;
  let lines = 0;
  for (let start = 0; start < text.length; ) {
    const end = chunkEnd(text, start);
    const chunk = text.slice(start, end);
    for (const block of pemBlocksOf(chunk, blocksBefore, out)) {
      shift(block, start, lines);
      addBlock(block, blocksBefore, state, out);
      await state.clock.pause();
    }
    blocksBefore += count(chunk, BEGIN);
    lines += count(chunk, '\n');
    start = end;
    await state.clock.pause();
  }
}

/** The well-formed PEM blocks of `chunk` (problems with the others go to `out`), the fast way when it can. */
function pemBlocksOf(chunk: string, blocksBefore: number, out: ScannedFile): Block[] {
  const plain = plainPemSpans(chunk);
  if (plain) return plain;
  const found = findPemBlocks(chunk);
  for (const p of found.problems) out.problems.push(renumber(p.message, blocksBefore));
  return found.blocks;
}

/** Summarises one block into `out` (an unreadable one becomes a problem). A plain span seen before is not decoded again. */
function addBlock(block: Block, blocksBefore: number, state: ScanState, out: ScannedFile): void {
  let summary: Summary;
  if ('base64' in block) {
    const known = state.memo.pem(block.label, block.base64);
    summary = known ?? blockSummary(block, state.decoder);
    if (known === undefined) state.memo.rememberPem(block.label, block.base64, summary);
  } else {
    summary = blockSummary(block, state.decoder);
  }
  if (typeof summary === 'string') {
    if (summary !== '') out.problems.push(`block ${block.blockNumber + blocksBefore} (${block.label}): ${summary}`);
    return;
  }
  out.objects.push(placed(summary, out.objects.length, 'pem', block.label, block.range));
}

function blockSummary(block: Block, decoder: RowDecoder): Summary {
  try {
    const der = 'der' in block ? block.der : uint8(Buffer.from(block.base64, 'base64'));
    const o = decoder.pemObject(block.label, der, 'headers' in block ? block.headers : undefined);
    if (!o) return block.label === 'EC PARAMETERS' ? '' : `unsupported PEM label "${block.label}"`;
    return summaryOf(o);
  } catch (e) {
    return problemText(e).replace(/^(certificate|certificate request|CRL): /, '');
  }
}

function addDer(bytes: Uint8Array, state: ScanState, out: ScannedFile): void {
  let summary = state.memo.der(bytes);
  if (summary === undefined) {
    const kind = sniffDerKind(bytes);
    if (!kind) {
      summary = 'not a PEM file, and the DER structure is not a certificate, CSR, CRL, key, DH parameters or PKCS#12';
    } else {
      try {
        const o = newObject(0, kind.kind, 'der', undefined, undefined);
        state.decoder.summarise(kind, bytes, o);
        summary = summaryOf(o);
      } catch (e) {
        summary = `DER ${problemText(e)}`;
      }
    }
    state.memo.rememberDer(bytes, summary);
  }
  if (typeof summary === 'string') out.problems.push(summary);
  else out.objects.push(placed(summary, 0, 'der', undefined, undefined));
}

/** An object's summary: its fields without its place. */
function summaryOf(o: ScannedObject): Summary {
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  const { index, kind, encoding, ...fields } = o;
  return { kind, fields };
}

/** A summary at its place in a file (each place gets its own object; the field values are shared). */
function placed(summary: Exclude<Summary, string>, index: number, encoding: 'pem' | 'der', pemLabel: string | undefined, range: SourceRange | undefined): ScannedObject {
  return Object.assign(newObject(index, summary.kind, encoding, pemLabel, range), summary.fields);
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
