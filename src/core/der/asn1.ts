// A small, strict, allocation-light DER reader. It never reads past the bytes it is given, never
// recurses without a depth limit, and reports problems as PkiError with a readable message.

import { PkiError } from '../model';

export const enum Tag {
  Boolean = 0x01,
  Integer = 0x02,
  BitString = 0x03,
  OctetString = 0x04,
  Null = 0x05,
  Oid = 0x06,
  Utf8String = 0x0c,
  Sequence = 0x30,
  Set = 0x31,
  PrintableString = 0x13,
  T61String = 0x14,
  Ia5String = 0x16,
  UtcTime = 0x17,
  GeneralizedTime = 0x18,
  UniversalString = 0x1c,
  BmpString = 0x1e,
}

/**
 * One TLV. `tag` is the identifier octet (class + constructed bit + number). Tag numbers of 31 and more
 * (high-tag-number form) have `0x1f` as the number bits of `tag` and the number itself in `highTagNumber`.
 */
export interface Tlv {
  tag: number;
  /** The tag number, only for the high-tag-number form (31 or more). */
  highTagNumber?: number;
  /** Offset of the identifier octet. */
  start: number;
  /** Offset of the first content octet. */
  contentStart: number;
  /** Offset just past the last content octet. */
  end: number;
}

export const MAX_DEPTH = 32;

function isConstructed(t: Tlv): boolean {
  return (t.tag & 0x20) !== 0;
}

/** The tag number of `t`, whatever its form. */
function tagNumber(t: Tlv): number {
  return t.highTagNumber ?? t.tag & 0x1f;
}

/** Context-specific tag number of `t`, or -1. */
export function contextNumber(t: Tlv): number {
  return (t.tag & 0xc0) === 0x80 ? tagNumber(t) : -1;
}

/** `[APPLICATION 32]`, `[3]`, `UNIVERSAL 22`: the tag of `t` in words (for listings of unknown values). */
export function tagText(t: Tlv): string {
  const n = tagNumber(t);
  // The class is in the identifier's top two bits: universal, application, context-specific, private.
  switch (t.tag >> 6) {
    case 0:
      return `UNIVERSAL ${n}`;
    case 1:
      return `[APPLICATION ${n}]`;
    case 2:
      return `[${n}]`;
    default:
      return `[PRIVATE ${n}]`;
  }
}

/** High tag numbers above this (4 octets of 7 bits) are refused: no real structure needs them. */
const MAX_HIGH_TAG_NUMBER = 2 ** 28 - 1;

/** Reads the TLV at `pos`, bounded by `limit` (default: end of bytes). DER only (no indefinite lengths). */
export function readTlv(bytes: Uint8Array, pos: number, limit = bytes.length): Tlv {
  if (pos >= limit) throw new PkiError(`ASN.1: expected a value at offset ${pos}, found the end of the data`);
  const tag = bytes[pos];
  let p = pos + 1;
  let highTagNumber: number | undefined;
  if ((tag & 0x1f) === 0x1f) {
    // High-tag-number form: base-128 octets, the last without bit 8. DER: minimal (no leading 0x80 octet),
    // and only for numbers of 31 or more.
    if (p >= limit) throw new PkiError(`ASN.1: truncated tag at offset ${pos}`);
    if (bytes[p] === 0x80) throw new PkiError(`ASN.1: tag number with a leading zero octet at offset ${pos} (not DER)`);
    let n = 0;
    for (;;) {
      if (p >= limit) throw new PkiError(`ASN.1: truncated tag at offset ${pos}`);
      const b = bytes[p++];
      n = n * 128 + (b & 0x7f);
      if (n > MAX_HIGH_TAG_NUMBER) throw new PkiError(`ASN.1: tag number too large at offset ${pos}`);
      if ((b & 0x80) === 0) break;
    }
    if (n < 31) throw new PkiError(`ASN.1: tag number ${n} in the long form at offset ${pos} (not DER)`);
    highTagNumber = n;
  }
  if (p >= limit) throw new PkiError(`ASN.1: truncated length at offset ${p}`);
  let len = bytes[p++];
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0) throw new PkiError(`ASN.1: indefinite length at offset ${pos} (BER, not DER)`);
    if (n > 4) throw new PkiError(`ASN.1: length of ${n} octets at offset ${pos} is too large`);
    if (p + n > limit) throw new PkiError(`ASN.1: truncated length at offset ${pos}`);
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + bytes[p++];
  }
  const end = p + len;
  if (end > limit) {
    throw new PkiError(`ASN.1: value at offset ${pos} claims ${len} bytes but only ${limit - p} remain`);
  }
  return highTagNumber === undefined ? { tag, start: pos, contentStart: p, end } : { tag, highTagNumber, start: pos, contentStart: p, end };
}

/**
 * Most elements one constructed value may hold. Each one read is a small object (~40 bytes of heap for as little
 * as 2 bytes of input: `05 00`), so a 5 MB SEQUENCE of 2.6 million NULLs cost hundreds of MB. The largest real
 * structures are CRLs: at 20 bytes or more per revoked entry, a 5 MB CRL (the default size limit) has fewer.
 */
export const MAX_CHILDREN = 262_144;

/** A structure refused for its number of elements (other readers, e.g. a BER fallback, need not retry it). */
export class TooManyElements extends PkiError {}

function tooManyChildren(t: Tlv): PkiError {
  return new TooManyElements(`ASN.1: the structure at offset ${t.start} has more than ${MAX_CHILDREN} elements (refused: no certificate, key or CRL this size needs that many)`);
}

/** The direct children of a constructed TLV (or of a content range, e.g. a BIT STRING's); at most MAX_CHILDREN. */
export function children(bytes: Uint8Array, parent: Tlv | undefined, from?: number): Tlv[] {
  const t = present(parent, 'a constructed value');
  const out: Tlv[] = [];
  let p = from ?? t.contentStart;
  while (p < t.end) {
    if (out.length >= MAX_CHILDREN) throw tooManyChildren(t);
    const c = readTlv(bytes, p, t.end);
    out.push(c);
    p = c.end;
  }
  return out;
}

/** Reads the single top-level TLV; `exact` requires it to span the whole input. */
export function readRoot(bytes: Uint8Array, exact = true): Tlv {
  const t = readTlv(bytes, 0);
  if (exact && t.end !== bytes.length) {
    throw new PkiError(`ASN.1: ${bytes.length - t.end} unexpected bytes after the end of the structure`);
  }
  return t;
}

/**
 * Walks the whole tree checking every length; throws on the first inconsistency, if deeper than MAX_DEPTH, or if
 * a constructed value has more than MAX_CHILDREN elements. Reads one element at a time (memory bounded by the depth).
 */
export function validateTree(bytes: Uint8Array, t: Tlv, depth = 0): void {
  if (depth > MAX_DEPTH) throw new PkiError(`ASN.1: nesting deeper than ${MAX_DEPTH} levels`);
  if (!isConstructed(t)) return;
  let count = 0;
  for (let p = t.contentStart; p < t.end; ) {
    if (++count > MAX_CHILDREN) throw tooManyChildren(t);
    const c = readTlv(bytes, p, t.end);
    validateTree(bytes, c, depth + 1);
    p = c.end;
  }
}

/**
 * An element a structure requires (`undefined` when the SEQUENCE ended before it: destructured `children`).
 * The value readers below call it, so a truncated structure is a PkiError naming what is missing, never a TypeError.
 */
export function present(t: Tlv | undefined, what: string): Tlv {
  if (!t) throw new PkiError(`ASN.1: expected ${what}, but the structure ends before it`);
  return t;
}

export function expectTag(t: Tlv | undefined, tag: number, what: string): Tlv {
  t = present(t, what);
  if (t.tag !== tag || t.highTagNumber !== undefined) {
    throw new PkiError(`ASN.1: expected ${what} (tag 0x${tag.toString(16)}) but found tag 0x${t.tag.toString(16)}`);
  }
  return t;
}

export function content(bytes: Uint8Array, t: Tlv): Uint8Array {
  return bytes.subarray(t.contentStart, t.end);
}

export function whole(bytes: Uint8Array, t: Tlv): Uint8Array {
  return bytes.subarray(t.start, t.end);
}

export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

export function decodeOid(bytes: Uint8Array, t: Tlv | undefined): string {
  t = present(t, 'an OBJECT IDENTIFIER');
  if (t.tag !== Tag.Oid) throw new PkiError(`ASN.1: expected an OBJECT IDENTIFIER, found tag 0x${t.tag.toString(16)}`);
  const c = content(bytes, t);
  if (c.length === 0) throw new PkiError('ASN.1: empty OBJECT IDENTIFIER');
  const parts: number[] = [];
  let v = 0;
  for (let i = 0; i < c.length; i++) {
    v = v * 128 + (c[i] & 0x7f);
    if (v > Number.MAX_SAFE_INTEGER / 128) throw new PkiError('ASN.1: OBJECT IDENTIFIER arc too large');
    if ((c[i] & 0x80) === 0) {
      if (parts.length === 0) {
        const first = v < 40 ? 0 : v < 80 ? 1 : 2;
        parts.push(first, v - first * 40);
      } else {
        parts.push(v);
      }
      v = 0;
    } else if (i === c.length - 1) {
      throw new PkiError('ASN.1: truncated OBJECT IDENTIFIER');
    }
  }
  return parts.join('.');
}

/** INTEGER as lowercase hex, without the sign-padding zero octet (how OpenSSL prints serials). */
export function integerHex(bytes: Uint8Array, t: Tlv | undefined): string {
  t = present(t, 'an INTEGER');
  if (t.tag !== Tag.Integer) throw new PkiError(`ASN.1: expected an INTEGER, found tag 0x${t.tag.toString(16)}`);
  let c = content(bytes, t);
  if (c.length === 0) throw new PkiError('ASN.1: empty INTEGER');
  while (c.length > 1 && c[0] === 0) c = c.subarray(1);
  return toHex(c);
}

/** Small non-negative INTEGER as a number (throws when it does not fit). */
export function integerNumber(bytes: Uint8Array, t: Tlv | undefined): number {
  const hex = integerHex(bytes, t);
  if (hex.length > 12) throw new PkiError('ASN.1: INTEGER too large');
  return parseInt(hex, 16);
}

/** Bit length of an unsigned INTEGER (e.g. an RSA modulus or a DH prime). */
export function integerBits(bytes: Uint8Array, t: Tlv | undefined): number {
  t = present(t, 'an INTEGER');
  let c = content(bytes, t);
  while (c.length > 1 && c[0] === 0) c = c.subarray(1);
  if (c.length === 0 || c[0] === 0) return 0;
  return (c.length - 1) * 8 + (32 - Math.clz32(c[0]));
}

/** BIT STRING contents (skipping the unused-bits octet). */
export function bitStringBytes(bytes: Uint8Array, t: Tlv | undefined): Uint8Array {
  t = present(t, 'a BIT STRING');
  if (t.tag !== Tag.BitString) throw new PkiError(`ASN.1: expected a BIT STRING, found tag 0x${t.tag.toString(16)}`);
  if (t.end - t.contentStart < 1) throw new PkiError('ASN.1: empty BIT STRING');
  return bytes.subarray(t.contentStart + 1, t.end);
}

export function decodeTime(bytes: Uint8Array, t: Tlv | undefined): Date {
  t = present(t, 'a time');
  const s = Buffer.from(content(bytes, t)).toString('latin1');
  let m: RegExpMatchArray | null;
  if (t.tag === Tag.UtcTime) {
    m = /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})?Z$/.exec(s);
    if (!m) throw new PkiError(`ASN.1: malformed UTCTime ${JSON.stringify(s)}`);
    const yy = Number(m[1]);
    return utc(yy >= 50 ? 1900 + yy : 2000 + yy, m[2], m[3], m[4], m[5], m[6] ?? '0');
  }
  if (t.tag === Tag.GeneralizedTime) {
    m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})?(?:\.\d+)?Z$/.exec(s);
    if (!m) throw new PkiError(`ASN.1: malformed GeneralizedTime ${JSON.stringify(s)}`);
    return utc(Number(m[1]), m[2], m[3], m[4], m[5], m[6] ?? '0');
  }
  throw new PkiError(`ASN.1: expected a time, found tag 0x${t.tag.toString(16)}`);
}

function utc(y: number, mo: string, d: string, h: string, mi: string, s: string): Date {
  const [month, day, hour, minute, second] = [mo, d, h, mi, s].map(Number);
  const date = new Date(Date.UTC(y, month - 1, day, hour, minute, second));
  // Date.UTC rolls impossible values over (month 13, 31 February, 25:00, :60); OpenSSL refuses them, and so do we.
  if (
    Number.isNaN(date.getTime()) ||
    date.getUTCMonth() !== month - 1 ||
    date.getUTCDate() !== day ||
    date.getUTCHours() !== hour ||
    date.getUTCMinutes() !== minute ||
    date.getUTCSeconds() !== second
  ) {
    throw new PkiError(`ASN.1: invalid date ${y}-${mo}-${d} ${h}:${mi}:${s}`);
  }
  return date;
}

/** Decodes the string types used in names and extensions. */
export function decodeString(bytes: Uint8Array, t: Tlv | undefined): string {
  t = present(t, 'a string');
  const c = Buffer.from(content(bytes, t));
  switch (t.tag) {
    case Tag.BmpString: {
      let out = '';
      for (let i = 0; i + 1 < c.length; i += 2) out += String.fromCharCode((c[i] << 8) | c[i + 1]);
      return out;
    }
    case Tag.UniversalString: {
      let out = '';
      for (let i = 0; i + 3 < c.length; i += 4) out += String.fromCodePoint(c.readUInt32BE(i) % 0x110000);
      return out;
    }
    case Tag.Utf8String:
      return c.toString('utf8');
    case Tag.T61String:
      return c.toString('latin1');
    default:
      return c.toString('latin1');
  }
}

/**
 * IA5String (ASCII) bytes as text that never shows one character as another: printable ASCII as it is, a
 * backslash doubled, every other byte (controls, and bytes over 0x7f such as UTF-8 smuggled into a DNS name) as
 * `\xNN`. `valid` is false when a byte is over 0x7f: the value is not an IA5String at all.
 */
export function ia5Text(c: Uint8Array): { text: string; valid: boolean } {
  let plain = true;
  let valid = true;
  for (let i = 0; i < c.length; i++) {
    const b = c[i];
    if (b < 0x20 || b > 0x7e || b === 0x5c) {
      plain = false;
      if (b > 0x7f) valid = false;
    }
  }
  if (plain) return { text: Buffer.from(c.buffer, c.byteOffset, c.byteLength).toString('latin1'), valid };
  let text = '';
  for (let i = 0; i < c.length; i++) {
    const b = c[i];
    if (b === 0x5c) text += '\\\\';
    else if (b < 0x20 || b > 0x7e) text += `\\x${b.toString(16).padStart(2, '0')}`;
    else text += String.fromCharCode(b);
  }
  return { text, valid };
}

/** ISO 8601 UTC without milliseconds: 2030-01-02T03:04:05Z. */
export function isoSeconds(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
