// The DER writer beside the reader (asn1.ts): the few encodings the engine writes itself (names, certificates,
// CSRs, keys re-wrapped as PKCS#8/SPKI, DH parameters, PKCS#12). Definite lengths, minimal integers, sorted SETs.

import { Tag } from './asn1';
import { PkiError } from '../model';

function lengthOctets(len: number): number[] {
  if (len < 0x80) return [len];
  const out: number[] = [];
  let l = len;
  while (l > 0) {
    out.unshift(l & 0xff);
    l = Math.floor(l / 256);
  }
  return [0x80 | out.length, ...out];
}

/** Concatenates byte arrays. */
function derConcat(parts: readonly Uint8Array[]): Uint8Array {
  const total = parts.reduce((n, p) => n + p.length, 0);
  const out = new Uint8Array(total);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** One DER TLV with a low tag number (`tag` is the full identifier octet), its contents the concatenated parts. */
export function derTlv(tag: number, ...contents: Uint8Array[]): Uint8Array {
  const c = derConcat(contents);
  return derConcat([Uint8Array.from([tag, ...lengthOctets(c.length)]), c]);
}

/** X.690 SET OF order: encodings compared as octet strings, the shorter padded with zero octets. */
function compareDer(a: Uint8Array, b: Uint8Array): number {
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = i < a.length ? a[i] : 0;
    const y = i < b.length ? b[i] : 0;
    if (x !== y) return x - y;
  }
  return a.length - b.length;
}

/** DER SET OF (or a SET's members): the encoded members sorted as X.690 §11.6 requires. */
export function derSetOf(...members: Uint8Array[]): Uint8Array {
  return derTlv(Tag.Set, ...[...members].sort(compareDer));
}

/** DER OBJECT IDENTIFIER from dotted text. */
export function derOid(oid: string): Uint8Array {
  const arcs = oid.split('.').map((x) => BigInt(x));
  if (arcs.length < 2) throw new PkiError(`invalid OID "${oid}"`);
  const first = arcs[0] * 40n + arcs[1];
  const out: number[] = [];
  for (const arc of [first, ...arcs.slice(2)]) {
    const enc: number[] = [Number(arc & 0x7fn)];
    let v = arc >> 7n;
    while (v > 0n) {
      enc.unshift(Number(v & 0x7fn) | 0x80);
      v >>= 7n;
    }
    out.push(...enc);
  }
  return derTlv(Tag.Oid, Uint8Array.from(out));
}

/**
 * A non-negative INTEGER, from a number or from hexadecimal digits (any length, leading zeros allowed): minimal
 * octets, with a 0x00 first when the top bit is set (so it does not read as negative).
 */
export function derUnsigned(value: number | string): Uint8Array {
  const hex = typeof value === 'number' ? value.toString(16) : value;
  let bytes = Buffer.from(hex.length % 2 ? `0${hex}` : hex, 'hex');
  let i = 0;
  while (i < bytes.length - 1 && bytes[i] === 0) i++;
  bytes = bytes.subarray(i);
  return derTlv(Tag.Integer, bytes[0] & 0x80 ? Uint8Array.of(0, ...bytes) : bytes);
}
