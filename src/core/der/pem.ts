// PEM framing (RFC 7468, with the RFC 1421 headers of legacy encrypted keys): find every
// `-----BEGIN X-----…-----END X-----` block in arbitrary text, decode its base64 body, and say precisely what
// is wrong with a broken one. Linear time: no regular expressions over the input, every scan moves forward
// (each character is looked at a small, fixed number of times), and nothing here throws.
//
// findPemBlocksInText also finds PEM written inside other text the way configuration files write it (the one
// implementation behind `readObjects` and the editor's insights):
//  - plain PEM, at any indentation (a YAML block scalar, a Kubernetes Secret's `stringData`);
//  - escaped PEM on one line: `"-----BEGIN CERTIFICATE-----\nMIIB…\n-----END CERTIFICATE-----\n"` as JSON,
//    YAML double-quoted strings and .env files write it (`\n`, `\r`, `\t`, `\/`, also double-escaped `\\n`);
//  - base64 of a PEM file, as in a Kubernetes Secret's `data:` (`tls.crt: LS0tLS1CRUdJTi…`): every block inside
//    has the base64 value's range.

import type { Problem, SourceRange } from '../model';
import { PkiError } from '../model';
import { messageOf, oneLine } from '../display/labels';

export interface PemBlock {
  /** The label between `BEGIN ` and `-----`: `CERTIFICATE`, `RSA PRIVATE KEY`… */
  label: string;
  /** RFC 1421 headers (`Proc-Type: 4,ENCRYPTED`, `DEK-Info: DES-EDE3-CBC,…`), names as written; a continuation line is appended without its leading whitespace. */
  headers: Record<string, string>;
  /** The decoded base64 body. */
  der: Uint8Array;
  /** From the first `-` of `-----BEGIN` to just past the last `-` of `-----END …-----` (0-based, UTF-16 offsets). */
  range: SourceRange;
  /** 1-based number of the block among every BEGIN line of the text, broken blocks included: the `N` of "block N" in messages. */
  blockNumber: number;
}

const BEGIN = '-----BEGIN ';
const END = '-----END ';
const DASHES = '-----';
/** Problems beyond this many are summarised in one last problem (a garbage file must not flood an editor). */
const MAX_PROBLEMS = 100;
/** A label longer than this on an unclosed BEGIN/END line is taken for prose, not a marker. */
const MAX_LABEL = 128;
/** RFC 1421 blocks carry a handful of headers; more than this is not a PEM header section. */
const MAX_HEADERS = 64;

/** A problem of a PEM text; those about one block (or a stray END line) say which. */
export interface PemProblem extends Problem {
  /** The label of the BEGIN (or stray END) line concerned. */
  label?: string;
  /** The `N` of "block N" (the block's number among the BEGIN lines), when the problem is about a block. */
  blockNumber?: number;
  /** How the block concerned is written (findPemBlocksInText only). */
  form?: PemForm;
}

/** Finds every PEM block of `text`. Broken blocks are reported in `problems` (severity 'error') and left out of `blocks`. */
export function findPemBlocks(text: string): { blocks: PemBlock[]; problems: PemProblem[] } {
  try {
    const t = String(text);
    const plain = plainPemBlocks(t);
    return plain ? { blocks: plain, problems: [] } : new Scanner(t).run();
  } catch (e) {
    // Not expected: the scanner never throws by design. Still, never let an exception escape.
    return { blocks: [], problems: [{ severity: 'error', message: `PEM: internal error: ${oneLine(messageOf(e))}` }] };
  }
}

/**
 * The common case, fast: every `-----` in the text opens a well-formed block (BEGIN line, base64 and line breaks
 * only, no headers, END line with the same label, LF or CRLF line ends). Gives exactly the blocks the general
 * scanner finds (test/unit/scan.test.ts checks that), and undefined as soon as anything is unusual (or there is
 * no block): the caller then asks the scanner, which explains precisely what is wrong. Native searches, regular
 * expressions without backtracking and native base64 make this several times faster than the character-by-
 * character scanner, which matters for bundles of hundreds of certificates and scans of thousands of files.
 */
function plainPemBlocks(text: string): PemBlock[] | undefined {
  const spans = plainPemSpans(text);
  return spans?.map((b) => {
    const decoded = Buffer.from(b.base64, 'base64');
    return { label: b.label, headers: {}, der: new Uint8Array(decoded.buffer, decoded.byteOffset, decoded.byteLength), range: b.range, blockNumber: b.blockNumber };
  });
}

/** A well-formed plain block before its body is decoded: the base64 without line breaks. */
export interface PemSpan {
  label: string;
  base64: string;
  range: SourceRange;
  blockNumber: number;
}

/** plainPemBlocks without decoding the bodies (a scanner that has seen a body before need not decode it again). */
export function plainPemSpans(text: string): PemSpan[] | undefined {
  if (LONE_CR.test(text)) return undefined;
  const blocks: PemSpan[] = [];
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
    const end = text.indexOf(DASHES, labelEnd + DASHES.length);
    if (end < 0 || !text.startsWith(END, end) || !text.startsWith(label, end + END.length) || !text.startsWith(DASHES, end + END.length + label.length)) {
      return undefined;
    }
    const body = text.slice(labelEnd + DASHES.length, end);
    if (!PLAIN_BODY.test(body)) return undefined;
    const stop = end + END.length + label.length + DASHES.length;
    // Data characters and padding: a multiple of 4, '=' only as the last one or two.
    const data = body.replace(PLAIN_SPACE, '');
    const pad = data.indexOf('=');
    if (data.length === 0 || data.length % 4 !== 0) return undefined;
    if (pad >= 0 && (pad < data.length - 2 || (pad === data.length - 2 && data.charCodeAt(data.length - 1) !== 61))) return undefined;
    advance(begin);
    const startLine = line;
    const startCharacter = begin - lineStart;
    advance(stop);
    blocks.push({
      label,
      base64: data,
      range: { startLine, startCharacter, endLine: line, endCharacter: stop - lineStart, startOffset: begin, endOffset: stop },
      blockNumber: blocks.length + 1,
    });
  }
  return blocks.length > 0 ? blocks : undefined;
}

const LONE_CR = /\r(?!\n)/;
const PLAIN_LABEL = /^[A-Z0-9][A-Z0-9 .#]*[A-Z0-9]$/;
/** Base64, padding and the whitespace the scanner accepts (space, tab, VT, FF, line breaks): no other character. */
const PLAIN_BODY = /^[A-Za-z0-9+/=\t\n\v\f\r ]*$/;
const PLAIN_SPACE = /[\t\n\v\f\r ]+/g;

/** Writes one PEM block: 64-character base64 lines, `\n` line ends, a trailing newline. Throws PkiError on a bad label or header. */
export function encodePem(label: string, der: Uint8Array, headers?: Record<string, string>): string {
  if (typeof label !== 'string' || !isEncodableLabel(label)) throw new PkiError(`cannot write PEM: invalid label ${JSON.stringify(oneLine(String(label)).slice(0, 80))}`);
  if (!(der instanceof Uint8Array) || der.length === 0) throw new PkiError(`cannot write PEM ${label}: the body is empty`);
  const out: string[] = [`-----BEGIN ${label}-----`];
  if (headers) {
    // Proc-Type must come first (RFC 1421 §4.6.1.1); the others keep the caller's order.
    const names = Object.keys(headers).sort((a, b) => Number(b === 'Proc-Type') - Number(a === 'Proc-Type'));
    for (const name of names) {
      const value = headers[name];
      if (!isHeaderName(name)) throw new PkiError(`cannot write PEM ${label}: invalid header name ${JSON.stringify(oneLine(name).slice(0, 80))}`);
      if (typeof value !== 'string' || /[\r\n]/.test(value)) throw new PkiError(`cannot write PEM ${label}: the value of header ${name} must be one line of text`);
      out.push(`${name}: ${value.trim()}`);
    }
    if (names.length > 0) out.push('');
  }
  const b64 = Buffer.from(der.buffer, der.byteOffset, der.byteLength).toString('base64');
  for (let i = 0; i < b64.length; i += 64) out.push(b64.slice(i, i + 64));
  out.push(`-----END ${label}-----`, '');
  return out.join('\n');
}

const SNIFF_WINDOW = 64 * 1024;

/** Cheap test: does `-----BEGIN ` start within the first 64 KiB (after an optional BOM), preceded only by text? */
export function looksLikePem(bytes: Uint8Array): boolean {
  return markerInText(bytes, BEGIN);
}

/**
 * Cheap test for text holding PEM in a form findPemBlocksInText reads: plain or escaped (looksLikePem), or a
 * base64-encoded PEM value (`LS0tLS1CRUdJTi`, as in a Kubernetes Secret's `data:`) within the first 64 KiB.
 */
export function looksLikePemInText(bytes: Uint8Array): boolean {
  return markerInText(bytes, BEGIN) || markerInText(bytes, BASE64_BEGIN);
}

/** Does `marker` (ASCII) start within the first 64 KiB (after an optional BOM), preceded only by text? */
function markerInText(bytes: Uint8Array, marker: string): boolean {
  try {
    if (!(bytes instanceof Uint8Array)) return false;
    const bom = utf16Bom(bytes);
    if (bom) {
      const s = decodeText(bytes.subarray(0, Math.min(bytes.length, 2 + 2 * (SNIFF_WINDOW + marker.length))));
      const at = s.indexOf(marker);
      if (at < 0 || at >= SNIFF_WINDOW) return false;
      for (let i = 0; i < at; i++) if (!isTextCode(s.charCodeAt(i))) return false;
      return true;
    }
    const start = bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
    const end = Math.min(bytes.length, start + SNIFF_WINDOW + marker.length);
    if (end - start < marker.length) return false;
    const at = Buffer.from(bytes.buffer, bytes.byteOffset + start, end - start).indexOf(marker, 0, 'latin1');
    if (at < 0 || at >= SNIFF_WINDOW) return false;
    for (let i = start; i < start + at; i++) if (!isTextCode(bytes[i])) return false;
    return true;
  } catch {
    return false;
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Bytes to text: UTF-8 (a BOM is dropped); UTF-16 when the bytes start with a UTF-16 BOM (Windows PowerShell's
 * `>` writes that); latin1 when the bytes are not valid UTF-8 (so every byte still maps to one character).
 */
export function decodeText(bytes: Uint8Array): string {
  try {
    const bom = utf16Bom(bytes);
    if (bom === 'le') return bufferOf(bytes.subarray(2, 2 + ((bytes.length - 2) & ~1))).toString('utf16le');
    if (bom === 'be') {
      const swapped = Buffer.from(bytes.subarray(2, 2 + ((bytes.length - 2) & ~1)));
      swapped.swap16();
      return swapped.toString('utf16le');
    }
    try {
      return utf8.decode(bytes);
    } catch {
      const hasBom = bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
      return bufferOf(hasBom ? bytes.subarray(3) : bytes).toString('latin1');
    }
  } catch {
    return '';
  }
}

// ---------------------------------------------------------------------------------------------------------
// PEM inside other text: escaped in a string, or base64-encoded

/** How a block is written in its text: plain, escaped on one line inside a string, or inside a base64 value. */
export type PemForm = 'pem' | 'escaped' | 'base64';

export interface TextPemBlock extends PemBlock {
  /** `range` is in the text given: BEGIN to END for plain and escaped blocks, the whole base64 value for `base64`. */
  form: PemForm;
  /** The block as plain PEM text (BEGIN to END lines), whatever its form: what a reader of this one block takes. */
  pem: string;
}

/** base64 of `-----BEGIN ` (its first 14 characters, whatever the label). */
export const BASE64_BEGIN = 'LS0tLS1CRUdJTi';

/**
 * Every PEM block of `text`, written plainly, escaped in a string or base64-encoded (see the top of this file),
 * numbered in the order of the text. Ranges, and the line and column numbers of messages, are the text's own;
 * problems inside a base64 value have the value's range and say so. Never throws.
 */
export function findPemBlocksInText(text: string): { blocks: TextPemBlock[]; problems: PemProblem[] } {
  try {
    const t = String(text);
    const top = blocksOfView(t);
    const values = base64PemValues(t, [...top.blocks.map((b) => b.range), ...top.problems.flatMap((p) => (p.range ? [p.range] : []))]);
    if (values.length === 0) return top;
    const lines = new Lines(t);
    const blocks: TextPemBlock[] = top.blocks;
    const problems: PemProblem[] = top.problems;
    /** Block numbers: `source:number` → where the block sits in the text, renumbered below in text order. */
    const units = new Map<string, { at: number; n: number }>();
    const unit = (source: string, n: number | undefined, at: number): void => {
      if (n !== undefined && !units.has(`${source}:${n}`)) units.set(`${source}:${n}`, { at, n });
    };
    for (const b of blocks) unit('t', b.blockNumber, b.range.startOffset);
    for (const p of problems) if (p.range) unit('t', p.blockNumber, p.range.startOffset);
    const sourceOf = new Map<object, string>();
    values.forEach((v, i) => {
      const inner = blocksOfView(v.inner);
      const range = lines.range(v.start, v.end);
      for (const b of inner.blocks) {
        unit(`${i}`, b.blockNumber, v.start);
        const block: TextPemBlock = { ...b, range, form: 'base64' };
        sourceOf.set(block, `${i}`);
        blocks.push(block);
      }
      for (const p of inner.problems) {
        unit(`${i}`, p.blockNumber, v.start);
        const problem: PemProblem = { ...p, range, form: 'base64', message: `${p.message} (in the base64-encoded value)` };
        sourceOf.set(problem, `${i}`);
        problems.push(problem);
      }
    });
    const order = [...units.entries()].sort((a, b) => a[1].at - b[1].at || a[1].n - b[1].n);
    const renumber = new Map(order.map(([key], i) => [key, i + 1]));
    for (const b of blocks) b.blockNumber = renumber.get(`${sourceOf.get(b) ?? 't'}:${b.blockNumber}`) ?? b.blockNumber;
    for (const p of problems) {
      if (p.blockNumber === undefined) continue;
      const n = renumber.get(`${sourceOf.get(p) ?? 't'}:${p.blockNumber}`) ?? p.blockNumber;
      if (n !== p.blockNumber) p.message = p.message.replace(/^block \d+ /, `block ${n} `);
      p.blockNumber = n;
    }
    const at = (r: SourceRange | undefined): number => (r ? r.startOffset : Number.MAX_SAFE_INTEGER);
    blocks.sort((a, b) => a.range.startOffset - b.range.startOffset || a.blockNumber - b.blockNumber);
    problems.sort((a, b) => at(a.range) - at(b.range) || (a.blockNumber ?? 0) - (b.blockNumber ?? 0));
    return { blocks, problems: capped(problems) };
  } catch (e) {
    return { blocks: [], problems: [{ severity: 'error', message: `PEM: internal error: ${oneLine(messageOf(e))}` }] };
  }
}

/** At most MAX_PROBLEMS problems over the whole text (each scan caps its own), the rest counted in one last problem. */
function capped(problems: PemProblem[]): PemProblem[] {
  let more = 0;
  const listed: PemProblem[] = [];
  for (const p of problems) {
    const summary = /^(\d+) more PEM problems? not listed/.exec(p.message);
    if (summary) more += Number(summary[1]);
    else if (listed.length < MAX_PROBLEMS) listed.push(p);
    else more++;
  }
  if (more > 0) listed.push({ severity: 'error', message: `${more} more PEM problem${more === 1 ? '' : 's'} not listed` });
  return listed;
}

/** Plain and escaped blocks of `text`, with the text's ranges and line numbers. */
function blocksOfView(text: string): { blocks: TextPemBlock[]; problems: PemProblem[] } {
  const view = unescapedView(text);
  const { blocks, problems } = findPemBlocks(view);
  const pemOf = (b: PemBlock): string => view.slice(b.range.startOffset, b.range.endOffset);
  if (view === text) return { blocks: blocks.map((b) => ({ ...b, form: 'pem', pem: pemOf(b) })), problems };
  // Same offsets, other line breaks: positions and "line N (column K)" in messages are worked out again in the text.
  const viewLines = new Lines(view);
  const textLines = new Lines(text);
  const formAt = (r: SourceRange): PemForm => (view.slice(r.startOffset, r.endOffset) !== text.slice(r.startOffset, r.endOffset) ? 'escaped' : 'pem');
  return {
    blocks: blocks.map((b) => ({ ...b, range: textLines.range(b.range.startOffset, b.range.endOffset), form: formAt(b.range), pem: pemOf(b) })),
    problems: problems.map((p) => {
      const out: PemProblem = { ...p, message: remapLines(p.message, viewLines, textLines) };
      if (p.range) {
        out.range = textLines.range(p.range.startOffset, p.range.endOffset);
        out.form = formAt(p.range);
      }
      return out;
    }),
  };
}

/**
 * `text` with every one-line escaped PEM turned into real lines, keeping every offset: from a `-----BEGIN ` to
 * the end of its line, a run of backslashes and `n` becomes spaces and a line feed, `\r` and `\t` spaces, `\/` a
 * space and `/` (the base64 reader takes spaces inside lines). Other text is untouched.
 */
function unescapedView(text: string): string {
  if (!text.includes('\\')) return text;
  let out: string | undefined;
  let pos = 0;
  for (;;) {
    const at = text.indexOf(BEGIN, pos);
    if (at < 0) break;
    let eol = at;
    while (eol < text.length && text.charCodeAt(eol) !== 10 && text.charCodeAt(eol) !== 13) eol++;
    const line = text.slice(at, eol);
    if (/\\+n/.test(line)) {
      const fixed = line.replace(/\\+([nrt/])/g, (m: string, c: string) => ' '.repeat(m.length - 1) + (c === 'n' ? '\n' : c === '/' ? '/' : ' '));
      out = (out ?? text).slice(0, at) + fixed + (out ?? text).slice(eol);
    }
    pos = eol;
  }
  return out ?? text;
}

/** One-line base64 values of `text` outside `covered` that decode to text holding `-----BEGIN `, decoded. */
function base64PemValues(text: string, covered: SourceRange[]): { start: number; end: number; inner: string }[] {
  const out: { start: number; end: number; inner: string }[] = [];
  let pos = 0;
  for (;;) {
    const at = text.indexOf(BASE64_BEGIN, pos);
    if (at < 0) break;
    let end = at;
    while (end < text.length && isBase64OrPad(text.charCodeAt(end))) end++;
    pos = end;
    if (at > 0 && isBase64OrPad(text.charCodeAt(at - 1))) continue;
    if (covered.some((r) => at >= r.startOffset && at < r.endOffset)) continue;
    const inner = decodeText(new Uint8Array(Buffer.from(text.slice(at, end), 'base64')));
    if (inner.includes(BEGIN)) out.push({ start: at, end, inner });
  }
  return out;
}

function isBase64OrPad(c: number): boolean {
  return isBase64(c) || c === 61;
}

/** Offset ↔ (line, character) of a text; CRLF, LF and CR end lines (as the scanner counts them). */
class Lines {
  private readonly starts: number[] = [0];

  constructor(text: string) {
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 13) {
        if (text.charCodeAt(i + 1) === 10) i++;
        this.starts.push(i + 1);
      } else if (c === 10) {
        this.starts.push(i + 1);
      }
    }
  }

  /** Offset where 0-based `line` starts, if the text has it. */
  start(line: number): number | undefined {
    return this.starts[line];
  }

  position(offset: number): { line: number; character: number } {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo, character: offset - this.starts[lo] };
  }

  range(start: number, end: number): SourceRange {
    const s = this.position(start);
    const e = this.position(end);
    return { startLine: s.line, startCharacter: s.character, endLine: e.line, endCharacter: e.character, startOffset: start, endOffset: end };
  }
}

/** Rewrites `line N` (and a following `column K`) of a message about `view` into lines and columns of `text` (same offsets). */
function remapLines(message: string, view: Lines, text: Lines): string {
  let lastLineStart: number | undefined;
  return message.replace(/\b(line|column) (\d+)/g, (m: string, word: string, num: string) => {
    const n = Number(num);
    if (word === 'line') {
      lastLineStart = view.start(n - 1);
      return lastLineStart === undefined ? m : `line ${text.position(lastLineStart).line + 1}`;
    }
    if (lastLineStart === undefined) return m;
    return `column ${text.position(lastLineStart + n - 1).character + 1}`;
  });
}

// ---------------------------------------------------------------------------------------------------------

interface Position {
  line: number;
  character: number;
}

/** Offset → (line, character), for offsets asked in increasing order (it restarts from 0 otherwise). CRLF, LF and CR end lines. */
class Locator {
  private off = 0;
  private line = 0;
  private lineStart = 0;

  constructor(private readonly text: string) {}

  at(offset: number): Position & { lineStart: number } {
    if (offset < this.off) {
      this.off = 0;
      this.line = 0;
      this.lineStart = 0;
    }
    const t = this.text;
    for (let i = this.off; i < offset; i++) {
      const c = t.charCodeAt(i);
      if (c === 13) {
        this.line++;
        this.lineStart = i + 1;
      } else if (c === 10) {
        if (i === 0 || t.charCodeAt(i - 1) !== 13) this.line++;
        this.lineStart = i + 1;
      }
    }
    this.off = offset;
    return { line: this.line, character: offset - this.lineStart, lineStart: this.lineStart };
  }
}

interface Marker {
  /** Offset of the first `-` of the marker. */
  start: number;
  /** Offset just past the closing `-----`, or the end of the line's content when the marker is not closed. */
  end: number;
  label: string;
  closed: boolean;
}

type BodyResult =
  | { ok: true; der: Uint8Array; headers: Record<string, string> }
  | { ok: false; message: string };

class Scanner {
  private readonly blocks: PemBlock[] = [];
  private readonly problems: PemProblem[] = [];
  private suppressed = 0;
  private readonly loc: Locator;
  private blockCount = 0;

  constructor(private readonly text: string) {
    this.loc = new Locator(text);
  }

  run(): { blocks: PemBlock[]; problems: PemProblem[] } {
    const t = this.text;
    let pos = 0;
    while (pos < t.length) {
      const d = t.indexOf(DASHES, pos);
      if (d < 0) break;
      if (t.startsWith(BEGIN, d)) {
        const begin = this.marker(d, BEGIN.length);
        pos = begin ? this.block(begin) : d + 1;
      } else if (t.startsWith(END, d)) {
        const end = this.marker(d, END.length);
        if (end?.closed) {
          this.problem(() => this.range(end.start, end.end), (r) => `line ${r.startLine + 1}: ${DASHES}END ${end.label}${DASHES} without a matching BEGIN line`, { label: end.label });
          pos = end.end;
        } else {
          pos = afterDashes(t, d);
        }
      } else {
        pos = afterDashes(t, d);
      }
    }
    if (this.suppressed > 0) {
      this.problems.push({ severity: 'error', message: `${this.suppressed} more PEM problem${this.suppressed === 1 ? '' : 's'} not listed` });
    }
    return { blocks: this.blocks, problems: this.problems };
  }

  /**
   * Reads the label of a BEGIN/END marker at `start` (the keyword is `keywordLength` long, space included): up
   * to the closing `-----` on the same line. Undefined when this is not a marker at all (empty or non-printable
   * label, or an unclosed one that looks like prose). Stops at the first `-----`, so it never rescans a later marker.
   */
  private marker(start: number, keywordLength: number): Marker | undefined {
    const t = this.text;
    const labelStart = start + keywordLength;
    let j = labelStart;
    let printable = true;
    for (; j < t.length; j++) {
      const c = t.charCodeAt(j);
      if (c === 10 || c === 13) break;
      if (c === 45 && t.startsWith(DASHES, j)) {
        const label = t.slice(labelStart, j);
        if (!printable || label.trim() === '') return undefined;
        return { start, end: j + DASHES.length, label, closed: true };
      }
      if (c < 0x20 || c > 0x7e) printable = false;
    }
    // Not closed on this line: a truncated or mistyped marker (`-----BEGIN CERTIFICATE----`), if it looks like one.
    let contentEnd = j;
    while (contentEnd > labelStart && isSpace(t.charCodeAt(contentEnd - 1))) contentEnd--;
    if (!printable || contentEnd - labelStart > MAX_LABEL) return undefined;
    let labelEnd = contentEnd;
    while (labelEnd > labelStart && (isSpace(t.charCodeAt(labelEnd - 1)) || t.charCodeAt(labelEnd - 1) === 45)) labelEnd--;
    const label = t.slice(labelStart, labelEnd);
    if (label === '') return undefined;
    return { start, end: contentEnd, label, closed: false };
  }

  /** Handles the block opened by `begin`; returns where scanning resumes. */
  private block(begin: Marker): number {
    const t = this.text;
    const number = ++this.blockCount;
    const where = `block ${number} (${begin.label})`;
    const beginPos = this.loc.at(begin.start);
    const issues: string[] = [];
    if (!begin.closed) issues.push(`BEGIN line at line ${beginPos.line + 1} is not closed by '-----'`);

    // The END marker: the first `-----END ` before any other `-----BEGIN `.
    let q = begin.end;
    let endMarker: Marker | undefined;
    let nextBegin = -1;
    for (;;) {
      const d = t.indexOf(DASHES, q);
      if (d < 0) break;
      if (t.startsWith(END, d)) {
        endMarker = this.marker(d, END.length);
        if (endMarker) break;
      } else if (t.startsWith(BEGIN, d) && this.marker(d, BEGIN.length)) {
        nextBegin = d;
        break;
      }
      q = afterDashes(t, d);
    }

    if (!endMarker) {
      // Missing END: the block runs to the next BEGIN (which is still read) or to the end of the text.
      const stop = nextBegin >= 0 ? nextBegin : t.length;
      this.problem(() => {
        let last = stop;
        while (last > begin.end && isSpaceOrBreak(t.charCodeAt(last - 1))) last--;
        return this.range(begin.start, last, beginPos);
      }, () => {
        const before = nextBegin >= 0 ? `before the next BEGIN line (line ${this.loc.at(nextBegin).line + 1})` : 'before the end of the text';
        return `${where}: ${issues.map((s) => s + '; ').join('')}missing END line: expected '-----END ${begin.label}-----' ${before}`;
      }, { label: begin.label, blockNumber: number });
      return stop;
    }

    const endLine = this.loc.at(endMarker.start).line + 1;
    const range = this.range(begin.start, endMarker.end, beginPos);
    if (!endMarker.closed) issues.push(`END line at line ${endLine} is not closed by '-----'`);
    if (endMarker.label !== begin.label) issues.push(`label mismatch: BEGIN says '${begin.label}' but END at line ${endLine} says '${endMarker.label}'`);

    const body = this.body(begin.end, endMarker.start, beginPos.line, beginPos.lineStart);
    if (!body.ok) issues.push(body.message);
    if (issues.length > 0) {
      for (const issue of issues) this.problem(() => range, () => `${where}: ${issue}`, { label: begin.label, blockNumber: number });
    } else if (body.ok) {
      this.blocks.push({ label: begin.label, headers: body.headers, der: body.der, range, blockNumber: number });
    }
    return endMarker.end;
  }

  /**
   * Reads the body between `from` (just past the BEGIN marker, on line `line`, which starts at `lineStart`) and
   * `to` (the start of the END marker): optional RFC 1421 headers, then base64 with any whitespace and blank lines.
   */
  private body(from: number, to: number, line: number, lineStart: number): BodyResult {
    const t = this.text;
    const headers: Record<string, string> = {};
    let state: 'start' | 'headers' | 'data' = 'start';
    let headerIndent = 0;
    let lastHeader: string | undefined;
    let sawHeaders = false;
    let headerCount = 0;
    const pieces: string[] = [];
    let dataChars = 0;
    let padChars = 0;
    let lastDataLine = line;
    let firstSegment = true;

    let segStart = from;
    let i = from;
    for (;;) {
      const atEnd = i >= to;
      const c = atEnd ? -1 : t.charCodeAt(i);
      if (!atEnd && c !== 10 && c !== 13) {
        i++;
        continue;
      }
      // A segment [segStart, i) of line `line` is complete.
      let a = segStart;
      let b = i;
      while (a < b && isSpace(t.charCodeAt(a))) a++;
      while (b > a && isSpace(t.charCodeAt(b - 1))) b--;
      const lineNo = line + 1;
      if (a === b) {
        if (state === 'headers') state = 'data';
      } else {
        const hasColon = !firstSegment && indexWithin(t, 58, a, b) >= 0;
        const indent = a - segStart;
        if (state === 'headers' && lastHeader !== undefined && indent > headerIndent && !hasColon) {
          // A continuation line (RFC 822 folding). Joined without the fold's whitespace: the values that get
          // folded in practice are `DEK-Info: cipher,<hex IV>` and base64, where any space would only be in the way.
          setHeader(headers, lastHeader, headers[lastHeader] + t.slice(a, b));
        } else if ((state === 'start' || state === 'headers') && hasColon) {
          const colon = indexWithin(t, 58, a, b);
          const name = t.slice(a, colon).trim();
          if (!isHeaderName(name)) return { ok: false, message: `malformed header at line ${lineNo}: '${oneLine(t.slice(a, Math.min(b, a + 40)))}'` };
          if (++headerCount > MAX_HEADERS) return { ok: false, message: `too many header lines (more than ${MAX_HEADERS}) at line ${lineNo}` };
          if (state === 'start') headerIndent = indent;
          state = 'headers';
          sawHeaders = true;
          lastHeader = name;
          setHeader(headers, name, t.slice(colon + 1, b).trim());
        } else {
          state = 'data';
          // Base64: characters checked here (Buffer.from(…, 'base64') silently skips bad ones).
          let runStart = a;
          for (let k = a; k < b; k++) {
            const ch = t.charCodeAt(k);
            if (isBase64(ch)) {
              if (padChars > 0) return { ok: false, message: `invalid base64 at line ${lineNo}: data continues after '=' padding (column ${k - lineStart + 1})` };
              dataChars++;
            } else if (ch === 61) {
              padChars++;
              if (padChars > 2) return { ok: false, message: `invalid base64 at line ${lineNo}: more than two '=' padding characters` };
            } else if (isSpace(ch)) {
              if (k > runStart) pieces.push(t.slice(runStart, k));
              runStart = k + 1;
            } else {
              return { ok: false, message: `invalid base64 at line ${lineNo}: unexpected character ${showChar(t, k)} (column ${k - lineStart + 1})` };
            }
          }
          if (b > runStart) pieces.push(t.slice(runStart, b));
          lastDataLine = line;
        }
      }
      if (atEnd) break;
      // Next line.
      i += c === 13 && t.charCodeAt(i + 1) === 10 ? 2 : 1;
      line++;
      lineStart = i;
      segStart = i;
      firstSegment = false;
    }

    const total = dataChars + padChars;
    if (total === 0) return { ok: false, message: sawHeaders ? 'empty body: headers but no base64 data' : 'empty body: no base64 data' };
    const at = `line ${lastDataLine + 1}`;
    if (padChars > 0 && total % 4 !== 0) return { ok: false, message: `bad base64 padding at ${at}: ${total} characters with '=' padding is not a multiple of 4` };
    if (padChars === 0 && total % 4 === 1) return { ok: false, message: `bad base64 length at ${at}: ${total} characters leave one dangling character (truncated or corrupted body)` };
    if (padChars === 0 && total % 4 !== 0) return { ok: false, message: `missing base64 padding at ${at}: ${total} characters, '=' expected (truncated body?)` };
    const decoded = Buffer.from(pieces.join(''), 'base64');
    return { ok: true, der: new Uint8Array(decoded), headers };
  }

  private range(start: number, end: number, startPos?: Position): SourceRange {
    const s = startPos ?? this.loc.at(start);
    const e = this.loc.at(end);
    return { startLine: s.line, startCharacter: s.character, endLine: e.line, endCharacter: e.character, startOffset: start, endOffset: end };
  }

  /**
   * Records a problem; range and message are only worked out while the list is not full, range first (the
   * Locator is fast only when asked for increasing offsets).
   */
  private problem(range: () => SourceRange, message: (range: SourceRange) => string, about: { label: string; blockNumber?: number }): void {
    if (this.problems.length >= MAX_PROBLEMS) {
      this.suppressed++;
      return;
    }
    const r = range();
    const p: PemProblem = { severity: 'error', message: message(r), range: r, label: about.label };
    if (about.blockNumber !== undefined) p.blockNumber = about.blockNumber;
    this.problems.push(p);
  }
}

/** After a `-----` at `d` that starts no marker: the next offset where one could start (skips runs of dashes). */
function afterDashes(t: string, d: number): number {
  let r = d + DASHES.length;
  while (r < t.length && t.charCodeAt(r) === 45) r++;
  return Math.max(d + 1, r - DASHES.length);
}

function setHeader(headers: Record<string, string>, name: string, value: string): void {
  // defineProperty: a header called `__proto__` must stay a plain entry.
  Object.defineProperty(headers, name, { value, enumerable: true, writable: true, configurable: true });
}

function indexWithin(t: string, code: number, a: number, b: number): number {
  for (let k = a; k < b; k++) if (t.charCodeAt(k) === code) return k;
  return -1;
}

function isBase64(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 43 || c === 47;
}

/** Space, tab, vertical tab, form feed. */
function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 11 || c === 12;
}

function isSpaceOrBreak(c: number): boolean {
  return isSpace(c) || c === 10 || c === 13;
}

/** What may precede a PEM block in a text file: printable characters, whitespace, ESC (coloured output), non-ASCII. */
function isTextCode(c: number): boolean {
  return c >= 0x20 ? c !== 0x7f : c === 9 || c === 10 || c === 11 || c === 12 || c === 13 || c === 27;
}

function showChar(t: string, k: number): string {
  const c = t.charCodeAt(k);
  if (c > 0x20 && c < 0x7f) return `'${t[k]}'`;
  return `U+${c.toString(16).toUpperCase().padStart(4, '0')}`;
}

function isHeaderName(name: string): boolean {
  if (name.length === 0 || name.length > 64) return false;
  for (let k = 0; k < name.length; k++) {
    const c = name.charCodeAt(k);
    if (c <= 0x20 || c >= 0x7f || c === 58) return false;
  }
  return true;
}

/** RFC 7468 label: printable ASCII without `-`, words separated by a single space or hyphen. */
function isEncodableLabel(label: string): boolean {
  if (label.length === 0 || label.length > MAX_LABEL) return false;
  let prevSep = true;
  for (let k = 0; k < label.length; k++) {
    const c = label.charCodeAt(k);
    const sep = c === 32 || c === 45;
    if (sep ? prevSep : c < 0x21 || c > 0x7e) return false;
    prevSep = sep;
  }
  return !prevSep;
}

function utf16Bom(bytes: Uint8Array): 'le' | 'be' | undefined {
  if (bytes.length < 2) return undefined;
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return 'le';
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return 'be';
  return undefined;
}

function bufferOf(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
