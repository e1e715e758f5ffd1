// The scanner's own decoder: the few fields a Certificate Explorer row or a `tlsw scan` line needs (kind, names,
// validity, CA flag, key identifiers, key type, SHA-256), read straight from the DER with the engine's asn1 and
// names readers. It gives the same values as the full decoders (test/unit/scan.test.ts checks them against x509.ts
// on the system trust bundle) at a fraction of the cost: the full certificate decoder also decodes every extension,
// both fingerprints and the self-signature on demand, and at thousands of certificates per scan that difference is
// the scan's whole budget. A private key's public half, a CSR's signature and a keystore's contents wait for the
// inspector. As strict as the full decoders on the structure it walks (every length checked).

import * as crypto from 'node:crypto';
import { Tag, children, decodeOid, decodeTime, expectTag, integerBits, integerHex, readRoot, readTlv, toHex, type Tlv } from '../der/asn1';
import { expiryOf } from '../display/expiry';
import { commonNameOf, messageOf } from '../display/labels';
import type { ObjectKind, SourceRange } from '../model';
import { PkiError } from '../model';
import { decodeDistinguishedName } from '../objects/names';
import { looksLikePkcs12, readPkcs12 } from '../objects/pkcs12';
import { OID_DSA, OID_EC, OID_ED25519, OID_ED448, OID_RSA, OID_RSA_PSS, OID_X25519, OID_X448, curveByOid } from '../objects/publicKey';
import { decodeCrl } from '../objects/x509';
import { PEM_LABELS, sniffDer, type DerKind } from '../read/read';
import { canonicalNameOf } from '../trust/issuer';
import { MEMO_MAX, remember } from './memo';
import type { ScannedObject } from './scanner';

/** A Name as a row needs it: its one-line text, its CN (the last one) and its canonical form (for issuer matching). */
interface NameFacts {
  text: string;
  cn: string | undefined;
  canon: string;
}

/** Decodes what rows need, remembering the Names it has decoded (issuers repeat across a workspace). */
export class RowDecoder {
  /** Names decoded so far, by their DER (read as latin1 text). Bounded: cleared when full. */
  private readonly names = new Map<string, NameFacts>();

  constructor(
    /** Reference time for the expiry status. */
    private readonly now: Date,
    private readonly warnDays: number,
  ) {}

  /**
   * The summary of one PEM block (index 0, no place yet), undefined for a label we do not read. `headers` are the
   * block's RFC 1421 headers (an encrypted traditional key has them). Throws PkiError.
   */
  pemObject(label: string, der: Uint8Array, headers: Record<string, string> | undefined): ScannedObject | undefined {
    const entry = PEM_LABELS[label];
    if (entry === 'skip') return undefined;
    if (entry === 'legacy-key') {
      const o = newObject(0, 'private-key', 'pem', undefined, undefined);
      o.encrypted = /ENCRYPTED/i.test(headers?.['Proc-Type'] ?? '');
      const algorithm = label.slice(0, label.indexOf(' '));
      o.algorithm = o.encrypted ? algorithm : (traditionalKeyAlgorithm(der, algorithm) ?? algorithm);
      return o;
    }
    const kind = entry ?? sniffDerKind(der);
    if (!kind) return undefined;
    const o = newObject(0, kind.kind, 'pem', undefined, undefined);
    this.summarise(kind, der, o);
    return o;
  }

  /** Fills `o` with what a row needs about a `kind` object. Throws PkiError when the structure is broken. */
  summarise(kind: DerKind, der: Uint8Array, o: ScannedObject): void {
    switch (kind.kind) {
      case 'certificate':
        return this.certificate(der, o);
      case 'csr':
        return csrSummary(der, o);
      case 'crl': {
        const c = decodeCrl(der);
        o.issuer = c.issuer.text;
        o.issuerCommonName = commonNameOf(c.issuer);
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

  /** A certificate's names, validity, CA flag, key identifiers, key type and SHA-256. */
  private certificate(der: Uint8Array, o: ScannedObject): void {
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
      const subject = this.name(der, subjectTlv);
      const issuer = this.name(der, issuerTlv);
      o.subject = subject.text;
      o.commonName = subject.cn;
      o.subjectCanon = subject.canon;
      o.issuer = issuer.text;
      o.issuerCommonName = issuer.cn;
      o.issuerCanon = issuer.canon;
      o.notBefore = nb.iso;
      o.notAfter = na.iso;
      o.expiry = expiryOf({ notBefore: nb.ms, notAfter: na.ms }, this.now, this.warnDays);
      o.isCA = false;
      o.selfIssued = subject.canon === issuer.canon;
      o.serialNumber = integerHex(der, expectTag(serialTlv, Tag.Integer, 'serial number'));
      o.subjectKeyIdentifier = undefined;
      o.authorityKeyIdentifier = undefined;
      o.sha256 = sha256Hex(der.subarray(root.start, root.end));
      o.algorithm = spkiAlgorithm(der, expectTag(spkiTlv, Tag.Sequence, 'SubjectPublicKeyInfo'));
      for (let k = i + 6; k < f.length; k++) if (f[k].tag === 0xa3) readExtensions(der, f[k], o);
    } catch (e) {
      throw new PkiError(`certificate: ${problemText(e)}`);
    }
  }

  /** A Name's facts, decoded once per scan for each distinct DER. */
  private name(der: Uint8Array, t: Tlv): NameFacts {
    const key = Buffer.from(der.buffer, der.byteOffset + t.start, t.end - t.start).toString('latin1');
    let n = this.names.get(key);
    if (!n) {
      const d = decodeDistinguishedName(der, t);
      n = { text: d.text, cn: commonNameOf(d), canon: canonicalNameOf(der, t) };
      remember(this.names, key, n, MEMO_MAX);
    }
    return n;
  }
}

/** Every object starts with the same shape (fields then added in a fixed order): cheap for the engine. */
export function newObject(index: number, kind: ObjectKind, encoding: 'pem' | 'der', pemLabel: string | undefined, range: SourceRange | undefined): ScannedObject {
  const o: ScannedObject = { index, kind, encoding };
  if (pemLabel !== undefined) o.pemLabel = pemLabel;
  if (range !== undefined) o.range = range;
  return o;
}

/**
 * An error as a scan problem: the engine's PkiErrors say what is wrong with the file; anything else is a bug of
 * ours, and says so.
 */
export function problemText(e: unknown): string {
  return e instanceof PkiError ? e.message : `internal error: ${messageOf(e)}`;
}

/** What kind of DER object `bytes` holds, without exceptions for the many files that are not DER at all. */
export function sniffDerKind(bytes: Uint8Array): DerKind | undefined {
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

/** Is `head` the start of one DER SEQUENCE whose length spans exactly `size` bytes? */
export function derHeaderSpans(head: Uint8Array, size: number): boolean {
  if (head.length < 2 || head[0] !== Tag.Sequence) return false;
  const first = head[1];
  if (first < 0x80) return 2 + first === size;
  const n = first & 0x7f;
  if (n === 0 || n > 4 || head.length < 2 + n) return false;
  let len = 0;
  for (let i = 0; i < n; i++) len = len * 256 + head[2 + i];
  return 2 + n + len === size;
}

/** `2030-01-02T03:04:05Z` (DER times have whole seconds). */
function isoSecondsOf(d: Date): string {
  return d.toISOString().slice(0, 19) + 'Z';
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
    if (oid === OID_EC) return ecAlgorithm(der, params);
    return OID_NAMES[oid];
  } catch {
    return undefined;
  }
}

/** Algorithms named by their OID alone. */
const OID_NAMES: Record<string, string> = { [OID_ED25519]: 'Ed25519', [OID_ED448]: 'Ed448', [OID_X25519]: 'X25519', [OID_X448]: 'X448', [OID_DSA]: 'DSA' };

/** `EC P-256` from a named curve's parameters; `EC` for explicit ones. */
function ecAlgorithm(der: Uint8Array, params: Tlv | undefined): string {
  return params?.tag === Tag.Oid ? `EC ${curveByOid(decodeOid(der, params)).name}` : 'EC';
}

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
    const subject = decodeDistinguishedName(der, subjectTlv);
    o.subject = subject.text;
    o.commonName = commonNameOf(subject);
    o.algorithm = spkiAlgorithm(der, expectTag(spkiTlv, Tag.Sequence, 'SubjectPublicKeyInfo'));
  } catch (e) {
    throw new PkiError(`certificate request: ${problemText(e)}`);
  }
}

/** Algorithm of a plain PKCS#8 key from its AlgorithmIdentifier (and RSA modulus size), no key maths. */
function pkcs8Algorithm(der: Uint8Array): string | undefined {
  try {
    const [, algId, keyOctets] = children(der, readRoot(der, true));
    const [oidTlv, params] = children(der, algId);
    const oid = decodeOid(der, oidTlv);
    if (oid === OID_RSA || oid === OID_RSA_PSS) {
      const inner = der.subarray(keyOctets.contentStart, keyOctets.end);
      const [, n] = children(inner, readRoot(inner, true));
      return `RSA ${integerBits(inner, n)}`;
    }
    if (oid === OID_EC) return ecAlgorithm(der, params);
    return OID_NAMES[oid];
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
