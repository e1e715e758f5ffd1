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
import { Tag, children, decodeOid, decodeTime, expectTag, integerBits, integerHex, readRoot, readTlv, toHex, type Tlv } from './asn1';
import type { Expiry, ObjectKind, SourceRange } from './model';
import { DEFAULT_MAX_BYTES, DEFAULT_WARN_DAYS, PkiError } from './model';
import { decodeName } from './names';
import { decodeText, findPemBlocks, looksLikePem, type PemBlock } from './pem';
import { OID_DSA, OID_EC, OID_ED25519, OID_ED448, OID_RSA, OID_RSA_PSS, OID_X25519, OID_X448, curveByOid } from './publicKey';
import { formatSize, sniffDer, type DerKind } from './read';
import { decodeCrl } from './x509';

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

const PEM_KINDS: Record<string, DerKind | 'legacy-key'> = {
  'CERTIFICATE': { kind: 'certificate' },
  'X509 CERTIFICATE': { kind: 'certificate' },
  'TRUSTED CERTIFICATE': { kind: 'certificate' },
  'CERTIFICATE REQUEST': { kind: 'csr' },
  'NEW CERTIFICATE REQUEST': { kind: 'csr' },
  'X509 CRL': { kind: 'crl' },
  'PRIVATE KEY': { kind: 'private-key', hint: 'pkcs8' },
  'ENCRYPTED PRIVATE KEY': { kind: 'private-key', hint: 'encrypted-pkcs8' },
  'RSA PRIVATE KEY': 'legacy-key',
  'EC PRIVATE KEY': 'legacy-key',
  'DSA PRIVATE KEY': 'legacy-key',
  'PUBLIC KEY': { kind: 'public-key', format: 'spki' },
  'RSA PUBLIC KEY': { kind: 'public-key', format: 'pkcs1' },
  'DH PARAMETERS': { kind: 'dh-parameters', format: 'pkcs3' },
  'X9.42 DH PARAMETERS': { kind: 'dh-parameters', format: 'x942' },
  'PKCS12': { kind: 'pkcs12' },
};

// ---------------------------------------------------------------------------------------------------------
// Scanning

/**
 * Scans every file the accessor lists, handing results over in batches (one per time slice, never empty).
 * Files holding nothing we read are left out. Never throws for a file: its failure is in its `problems`.
 */
export async function* scanFiles(accessor: FileAccessor, opts: ScanOptions = {}): AsyncGenerator<ScannedFile[], void, undefined> {
  const clock = new SliceClock(opts.sliceMs ?? DEFAULT_SLICE_MS);
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
    let result = scanOne(file, accessor, opts, clock);
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
  return scanOne(file, accessor, opts, new SliceClock(opts.sliceMs ?? DEFAULT_SLICE_MS));
}

/** Measures work since the last rest; `rest` gives the event loop a turn. */
class SliceClock {
  private start = performance.now();
  constructor(private readonly sliceMs: number) {}
  over(): boolean {
    return performance.now() - this.start >= this.sliceMs;
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
function scanOne(file: string, accessor: FileAccessor, opts: ScanOptions, clock: SliceClock): MaybePromise<ScannedFile | undefined> {
  let head: MaybePromise<Uint8Array>;
  try {
    head = accessor.readHead(file, HEAD_BYTES);
  } catch (e) {
    return cannotRead(file, opts, e);
  }
  return isPromise(head)
    ? head.then((h) => withHead(file, h, accessor, opts, clock), (e: unknown) => cannotRead(file, opts, e))
    : withHead(file, head, accessor, opts, clock);
}

function cannotRead(file: string, opts: ScanOptions, e: unknown): ScannedFile | undefined {
  return opts.candidate?.(file) ? unreadable(file, 0, e) : undefined;
}

function withHead(file: string, head: Uint8Array, accessor: FileAccessor, opts: ScanOptions, clock: SliceClock): MaybePromise<ScannedFile | undefined> {
  if (head.length < HEAD_BYTES) return classified(file, head, head.length, accessor, opts, clock);
  let size: MaybePromise<number>;
  try {
    size = accessor.size(file);
  } catch (e) {
    return cannotRead(file, opts, e);
  }
  return isPromise(size)
    ? size.then((n) => classified(file, head, n, accessor, opts, clock), (e: unknown) => cannotRead(file, opts, e))
    : classified(file, head, size, accessor, opts, clock);
}

function classified(file: string, head: Uint8Array, size: number, accessor: FileAccessor, opts: ScanOptions, clock: SliceClock): MaybePromise<ScannedFile | undefined> {
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_BYTES;
  const complete = head.length >= size;
  const pem = looksLikePem(head);
  const der = !pem && (complete ? sniffDerSafe(head) !== undefined : derHeaderSpans(head, size));
  if (!pem && !der) {
    return size > maxBytes && opts.candidate?.(file) ? tooLarge(file, size, maxBytes, false) : undefined;
  }
  const pemFirstLine = pem && startsWithBegin(head);
  if (size > maxBytes) return tooLarge(file, size, maxBytes, pemFirstLine);
  if (complete) return decodeFile(file, head, pem, pemFirstLine, opts, clock);
  let all: MaybePromise<Uint8Array>;
  try {
    all = accessor.readAll(file);
  } catch (e) {
    return unreadable(file, size, e);
  }
  const then = (bytes: Uint8Array) =>
    bytes.length > maxBytes ? tooLarge(file, bytes.length, maxBytes, pemFirstLine) : decodeFile(file, bytes, pem, pemFirstLine, opts, clock);
  return isPromise(all) ? all.then(then, (e: unknown) => unreadable(file, size, e)) : then(all);
}

function decodeFile(file: string, bytes: Uint8Array, pem: boolean, pemFirstLine: boolean, opts: ScanOptions, clock: SliceClock): MaybePromise<ScannedFile> {
  const ctx: DecodeContext = { now: opts.now ?? new Date(), warnDays: opts.warnDays ?? DEFAULT_WARN_DAYS };
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
  if (text.length <= CHUNK_CHARS) {
    for (const block of pemBlocksOf(text, 0, out)) addBlock(block, 0, ctx, out);
    return done();
  }
  return scanLargePem(text, ctx, out, clock).then(done);
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
  if (bytes.length < 2 || bytes[0] !== Tag.Sequence) return undefined;
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
}

/** A long PEM text, chunk by chunk (cut at BEGIN lines), resting whenever the slice is used up. */
async function scanLargePem(text: string, ctx: DecodeContext, out: ScannedFile, clock: SliceClock): Promise<void> {
  let blocksBefore = 0;
  let lines = 0;
  for (let start = 0; start < text.length; ) {
    const end = chunkEnd(text, start);
    const chunk = text.slice(start, end);
    for (const block of pemBlocksOf(chunk, blocksBefore, out)) {
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

/** The well-formed PEM blocks of `chunk` (problems with the others go to `out`), the fast way when it can. */
function pemBlocksOf(chunk: string, blocksBefore: number, out: ScannedFile): PemBlock[] {
  const plain = plainPemBlocks(chunk);
  if (plain) return plain;
  const found = findPemBlocks(chunk);
  for (const p of found.problems) out.problems.push(renumber(p.message, blocksBefore));
  return found.blocks;
}

/** Summarises one block into `out` (an unreadable one becomes a problem). */
function addBlock(block: PemBlock, blocksBefore: number, ctx: DecodeContext, out: ScannedFile): void {
  const where = `block ${block.blockNumber + blocksBefore} (${block.label})`;
  try {
    const object = summarisePem(block, ctx, out.objects.length);
    if (object) out.objects.push(object);
    else if (block.label !== 'EC PARAMETERS') out.problems.push(`${where}: unsupported PEM label "${block.label}"`);
  } catch (e) {
    out.problems.push(`${where}: ${messageOf(e).replace(/^(certificate|certificate request|CRL): /, '')}`);
  }
}

/**
 * The common case, fast: every `-----` in the text opens a well-formed block (BEGIN line, base64 only, no
 * headers, END line with the same label, LF or CRLF line ends). Undefined as soon as anything is unusual; the
 * caller then asks findPemBlocks, which explains precisely what is wrong. Native base64 decoding and indexOf
 * make this several times faster than the general scanner, which is what a scan of thousands of files needs.
 */
export function plainPemBlocks(text: string): PemBlock[] | undefined {
  if (LONE_CR.test(text)) return undefined;
  const blocks: PemBlock[] = [];
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
    const begin = text.indexOf('-----', pos);
    if (begin < 0) break;
    if (!text.startsWith(BEGIN, begin)) return undefined;
    const labelEnd = text.indexOf('-----', begin + BEGIN.length);
    if (labelEnd < 0 || labelEnd - begin > 80) return undefined;
    const label = text.slice(begin + BEGIN.length, labelEnd);
    if (!PLAIN_LABEL.test(label)) return undefined;
    const endMarker = `-----END ${label}-----`;
    const end = text.indexOf('-----', labelEnd + 5);
    if (end < 0 || !text.startsWith(endMarker, end)) return undefined;
    const body = text.slice(labelEnd + 5, end);
    if (!BASE64_BODY.test(body)) return undefined;
    const data = body.replace(WHITESPACE, '');
    const pad = data.indexOf('=');
    if (data.length === 0 || data.length % 4 !== 0 || (pad >= 0 && pad < data.length - 2)) return undefined;
    advance(begin);
    const startLine = line;
    const startCharacter = begin - lineStart;
    const stop = end + endMarker.length;
    advance(stop);
    blocks.push({
      label,
      headers: {},
      der: uint8(Buffer.from(data, 'base64')),
      range: { startLine, startCharacter, endLine: line, endCharacter: stop - lineStart, startOffset: begin, endOffset: stop },
      blockNumber: blocks.length + 1,
    });
  }
  return blocks.length > 0 ? blocks : undefined;
}

/** A plain Uint8Array view: Buffer's own subarray is much slower, and the decoders take many sub-views. */
function uint8(b: Uint8Array): Uint8Array {
  return b instanceof Buffer ? new Uint8Array(b.buffer, b.byteOffset, b.byteLength) : b;
}

const LONE_CR = /\r(?!\n)/;
const PLAIN_LABEL = /^[A-Z0-9][A-Z0-9 .#]*[A-Z0-9]$/;
const BASE64_BODY = /^[A-Za-z0-9+/=\s]*$/;
const WHITESPACE = /\s+/g;

/** Where the chunk starting at `start` ends: at a line starting with BEGIN past CHUNK_CHARS, else the end. */
function chunkEnd(text: string, start: number): number {
  if (text.length - start <= CHUNK_CHARS) return text.length;
  const at = text.indexOf('\n' + BEGIN, start + CHUNK_CHARS);
  return at < 0 ? text.length : at + 1;
}

function shift(block: PemBlock, offset: number, lines: number): void {
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

function summarisePem(block: PemBlock, ctx: DecodeContext, index: number): ScannedObject | undefined {
  const entry = PEM_KINDS[block.label];
  if (entry === 'legacy-key') {
    const o = newObject(index, 'private-key', 'pem', block.label, block.range);
    o.encrypted = /ENCRYPTED/i.test(block.headers['Proc-Type'] ?? '');
    const algorithm = block.label.slice(0, block.label.indexOf(' '));
    o.algorithm = o.encrypted ? algorithm : (traditionalKeyAlgorithm(block.der, algorithm) ?? algorithm);
    return o;
  }
  const kind = entry ?? sniffDerSafe(block.der);
  if (!kind) return undefined;
  const o = newObject(index, kind.kind, 'pem', block.label, block.range);
  summarise(kind, block.der, ctx, o);
  return o;
}

function scanDer(bytes: Uint8Array, ctx: DecodeContext, out: ScannedFile): void {
  const kind = sniffDerSafe(bytes);
  if (!kind) {
    out.problems.push('not a PEM file, and the DER structure is not a certificate, CSR, CRL, key, DH parameters or PKCS#12');
    return;
  }
  try {
    const o = newObject(0, kind.kind, 'der', undefined, undefined);
    summarise(kind, bytes, ctx, o);
    out.objects.push(o);
  } catch (e) {
    out.problems.push(`DER ${messageOf(e)}`);
  }
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
      } else {
        o.algorithm = spkiAlgorithm(der, expectTag(readRoot(der, true), Tag.Sequence, 'SubjectPublicKeyInfo'));
      }
      return;
    }
    case 'dh-parameters':
      return;
    case 'pkcs12':
      o.encrypted = true;
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
    const nb = decodeTime(der, times[0]);
    const na = decodeTime(der, times[1]);
    const subject = decodeName(der, subjectTlv);
    const issuer = decodeName(der, issuerTlv);
    o.subject = subject.text;
    o.commonName = cn(subject.attributes);
    o.issuer = issuer.text;
    o.issuerCommonName = cn(issuer.attributes);
    o.notBefore = isoSecondsOf(nb);
    o.notAfter = isoSecondsOf(na);
    o.expiry = expiryOf(nb.getTime(), na.getTime(), ctx.now, ctx.warnDays);
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
