// The reading engine against a corpus nobody here wrote (issue 12): EVERY PKI file of Debian's
// python3-cryptography-vectors — certificates, CSRs and CRLs in PEM and DER, keys in every encoding, PKCS#12 files,
// the NIST PKITS data — read by tlsw's readObjects and by Python's `cryptography` (Debian's python3-cryptography,
// run as /usr/bin/python3 by corpus_reference.py, once for all files), with `openssl` as the reference for
// "readable" where cryptography refuses an object, and for the fields cryptography cannot compute.
//
// Compared, field by field: serial, notBefore/notAfter, SHA-1 and SHA-256 fingerprints, signature algorithm OID,
// subject/issuer (attribute OIDs and values, in order), public key algorithm/size/curve (and, for keys, the SHA-256
// of the SubjectPublicKeyInfo), SANs, isCA, CRL dates and revoked serials, PKCS#12 contents (key present,
// certificates with their friendly names, and every field of each certificate), DH/DSA parameter sizes.
//
// Targets (issue 12): 0 field mismatches, 0 crashes (any exception other than a PkiError), and fewer than 0.5% of
// the files the reference reads rejected by tlsw; every remaining rejection is listed in ACCEPTED_REJECTIONS with
// its reason. The full tables go to test-artifacts/corpus.md.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { before, describe, it } from 'node:test';
import { PkiError } from '../../src/core/model';
import { escapeValue } from '../../src/core/objects/names';
import { oidName } from '../../src/core/der/oids';
import { decodeText } from '../../src/core/der/pem';
import { readObjects } from '../../src/core/read/read';

const VECTORS = '/usr/lib/python3/dist-packages/cryptography_vectors';
const ROOT = join(__dirname, '..', '..', '..');
const SCRIPT = join(ROOT, 'test', 'interop', 'corpus_reference.py');
const REPORT = join(ROOT, 'test-artifacts', 'corpus.md');
/** Never another python on PATH: Debian's, with Debian's python3-cryptography. */
const PYTHON = '/usr/bin/python3';
/** Reference for expiry only (not compared); fixed so runs are identical. */
const NOW = new Date('2024-01-01T00:00:00Z');
const MAX_REJECTED_SHARE = 0.005;

/**
 * Files the reference reads and tlsw may refuse, each with the reason. Every rejection must be listed here (a new
 * one fails the test even under the 0.5% budget), and every entry must still be a rejection (a stale one fails too).
 */
const ACCEPTED_REJECTIONS: Record<string, string> = {
  'x509/badasn1time.pem':
    'notAfter is the UTCTime "19020701025736Z": 15 characters, a four-digit year in a UTCTime, which X.680 and RFC 5280 ' +
    '4.1.2.5.1 do not allow. cryptography refuses the file; openssl reads it and prints the date as "Bad time value".',
  'x509/custom/crl_invalid_time.der':
    'thisUpdate is the UTCTime "18102813516Z": 11 digits, no valid reading of it as a time. cryptography refuses the ' +
    'file; openssl reads it and prints lastUpdate as "Bad time value".',
};

// ---------------------------------------------------------------------------------------------------------------
// What corpus_reference.py emits

interface RefError {
  error: string;
}
interface RefAttr {
  oid: string;
  rdn: number;
  tag: number;
  value?: string;
  valueHex?: string;
}
interface RefKey {
  algorithm: string;
  size: number | null;
  /** cryptography's curve name (`secp256r1`); null: explicit parameters that are no named curve. */
  curve?: string | null;
  explicitParameters?: boolean;
  spkiSha256?: string | RefError;
}
interface RefSan {
  type: 'dns' | 'email' | 'uri' | 'ip' | 'dirName' | 'registeredID' | 'otherName' | string;
  value?: string;
  attrs?: RefAttr[];
  oid?: string;
  valueHex?: string;
}
type F<T> = T | RefError;
interface RefObject {
  block?: number;
  label?: string;
  kind?: string;
  /** cryptography's error, when it refused the object. */
  refused?: string;
  /** For refused objects: the kind openssl reads it as, or null. */
  openssl?: string | null;
  opensslFields?: { serial?: string; fingerprints?: { sha256: string }; publicKey?: RefKey; primeBits?: number; qBits?: number };
  /** Fields cryptography could not compute and openssl settled: field → cryptography's error. */
  viaOpenssl?: Record<string, string>;
  serial?: F<string>;
  notBefore?: F<string>;
  notAfter?: F<string>;
  thisUpdate?: F<string>;
  nextUpdate?: F<string | null>;
  fingerprints?: F<{ sha1: string; sha256: string }>;
  signatureAlgorithmOid?: F<string>;
  subject?: F<RefAttr[]>;
  issuer?: F<RefAttr[]>;
  publicKey?: F<RefKey>;
  subjectAltNames?: F<RefSan[]>;
  isCA?: F<boolean>;
  revoked?: F<{ serial: string; date: string }[]>;
  canonicalSpki?: F<boolean>;
  primeBits?: number;
  qBits?: number;
  generator?: string;
  keyPresent?: boolean;
  key?: F<RefKey> | null;
  certificates?: { friendlyName: string | null; sha256: string; fields: RefObject }[];
}
interface RefFile {
  path: string;
  excluded?: string;
  encoding?: 'pem' | 'der';
  password?: string | null;
  objects?: RefObject[];
}
interface Reference {
  cryptography: string;
  openssl: string;
  files: RefFile[];
}

// ---------------------------------------------------------------------------------------------------------------
// Findings

interface Where {
  path: string;
  /** `block 2 (CERTIFICATE)` for PEM, `DER` otherwise; `… bag 3` inside a PKCS#12. */
  at: string;
}
interface Mismatch extends Where {
  field: string;
  tlsw: string;
  reference: string;
}
interface Rejection extends Where {
  kind: string;
  reason: string;
  /** Who reads it: `cryptography` or `openssl`. */
  readBy: string;
}
interface Crash extends Where {
  message: string;
}
interface Silent extends Where {
  field: string;
  why: string;
}

const mismatches: Mismatch[] = [];
const rejections: Rejection[] = [];
const crashes: Crash[] = [];
/** Fields not compared because the reference could not compute them (neither cryptography nor openssl). */
const silent: Silent[] = [];
/** Fields cryptography could not compute, compared with openssl's value instead. */
const viaOpenssl: Silent[] = [];
/** Objects both references refuse and tlsw reads (information: tlsw is more lenient there). */
const lenient: (Where & { kind: string; refused: string })[] = [];
const excluded = new Map<string, string[]>();
let reference: Reference;
let readableObjects = 0;
let comparedObjects = 0;
let comparedFields = 0;
const readableFiles = new Set<string>();
const rejectedFiles = new Set<string>();

type Loose = Record<string, unknown>;

function isError(v: unknown): v is RefError {
  return typeof v === 'object' && v !== null && 'error' in v && typeof (v as RefError).error === 'string';
}

function show(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'bigint') return v.toString();
  return JSON.stringify(v) ?? String(v);
}

/** Compares one field; the reference's error (it could not compute the field) is recorded, not compared. */
function check(w: Where, field: string, tlsw: unknown, ref: unknown): boolean {
  if (isError(ref)) {
    silent.push({ ...w, field, why: ref.error });
    return true;
  }
  comparedFields++;
  const a = show(tlsw);
  const b = show(ref);
  if (a === b) return true;
  mismatches.push({ ...w, field, tlsw: a, reference: b });
  return false;
}

// ---------------------------------------------------------------------------------------------------------------
// Normalisations: each is a representation difference, not a decoding one.

/** Our serials are hex (`-` first for negative ones, as OpenSSL prints them); the reference's are integers. */
function serialValue(hex: unknown): bigint | string {
  if (typeof hex !== 'string' || !/^-?[0-9a-f]+$/i.test(hex)) return `not a hex serial: ${show(hex)}`;
  return hex.startsWith('-') ? -BigInt('0x' + hex.slice(1)) : BigInt('0x' + hex);
}

/** cryptography names curves as SEC 2 does; tlsw as FIPS 186 does where there is such a name. */
const CURVE_NAMES: Record<string, string> = {
  secp192r1: 'P-192',
  secp224r1: 'P-224',
  secp256r1: 'P-256',
  secp384r1: 'P-384',
  secp521r1: 'P-521',
};

/**
 * IA5String SAN values (dns, email, uri): cryptography decodes the bytes as UTF-8; tlsw shows printable ASCII as
 * it is, `\` doubled, and every other byte as `\xNN` (issue 12, item 8 — never as other characters). The expected
 * value is that rendering of the reference's bytes. Hex digits are compared case-insensitively.
 */
function ia5Expected(value: string): string {
  let out = '';
  for (const b of Buffer.from(value, 'utf8')) {
    if (b === 0x5c) out += '\\\\';
    else if (b >= 0x20 && b <= 0x7e) out += String.fromCharCode(b);
    else out += '\\x' + b.toString(16).padStart(2, '0');
  }
  return out;
}
function ia5Actual(value: unknown): unknown {
  return typeof value === 'string' ? value.replace(/\\x[0-9A-Fa-f]{2}/g, (m) => m.toLowerCase()) : value;
}

/** A name attribute's value as tlsw renders it: text for strings, `#` + the DER in hex for anything else. */
function attrValue(a: RefAttr): string {
  if (a.value !== undefined) return a.value;
  const content = Buffer.from(a.valueHex ?? '', 'hex');
  return '#' + Buffer.concat([Buffer.from([a.tag]), derLength(content.length), content]).toString('hex');
}

function derLength(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v % 256);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

function attrsOf(attrs: RefAttr[]): string[] {
  return attrs.map((a) => `${a.oid}=${attrValue(a)}`);
}

function tlswAttrs(dn: unknown): string[] | string {
  const attrs = (dn as { attributes?: { oid: string; value: string }[] } | undefined)?.attributes;
  if (!Array.isArray(attrs)) return `no attributes: ${show(dn)}`;
  return attrs.map((a) => `${a.oid}=${a.value}`);
}

/** A directoryName SAN: tlsw shows the name's one-line text (DER order, its short names, RFC 4514 escaping). */
function dirNameText(attrs: RefAttr[]): string {
  let text = '';
  let rdn = -1;
  for (const a of attrs) {
    if (text.length > 0) text += a.rdn === rdn ? '+' : ', ';
    rdn = a.rdn;
    const v = a.value !== undefined ? escapeValue(a.value) : attrValue(a);
    text += `${oidName(a.oid) ?? a.oid}=${v}`;
  }
  return text;
}

/** An otherName SAN: tlsw shows `<type name or OID>;<text value, or # and the value's DER in hex>`. */
function otherNameText(oid: string, valueHex: string): string {
  const der = Buffer.from(valueHex, 'hex');
  const tag = der[0];
  let len = der[1] ?? 0;
  let off = 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + der[2 + i];
    off = 2 + n;
  }
  const c = der.subarray(off, off + len);
  let text: string;
  if (tag === 0x0c) text = c.toString('utf8');
  else if (tag === 0x1e) text = Buffer.from(c).swap16().toString('utf16le');
  else if ([0x12, 0x13, 0x14, 0x16, 0x1a].includes(tag)) text = c.toString('latin1');
  else text = '#' + valueHex;
  return `${oidName(oid) ?? oid};${text}`;
}

function expectedSan(s: RefSan): { type: string; value: string } {
  switch (s.type) {
    case 'dns':
    case 'email':
    case 'uri':
      return { type: s.type, value: ia5Expected(s.value ?? '') };
    case 'ip':
      return { type: 'ip', value: s.value ?? '' };
    case 'dirName':
      return { type: 'dirName', value: dirNameText(s.attrs ?? []) };
    case 'registeredID':
      return { type: 'other', value: s.value ?? '' };
    case 'otherName':
      return { type: 'other', value: otherNameText(s.oid ?? '', s.valueHex ?? '') };
    default:
      return { type: `unknown reference type ${s.type}`, value: '' };
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Field comparisons

function compareKey(w: Where, prefix: string, ts: unknown, ref: F<RefKey> | undefined | null, opts: { spki: boolean }): void {
  if (ref === undefined || ref === null) return;
  if (isError(ref)) {
    silent.push({ ...w, field: prefix, why: ref.error });
    return;
  }
  const k = ts as Loose | undefined;
  if (!k || typeof k !== 'object') {
    mismatches.push({ ...w, field: prefix, tlsw: show(ts), reference: show(ref) });
    return;
  }
  check(w, `${prefix}.algorithm`, k.algorithm, ref.algorithm);
  if (ref.size !== null && ref.size !== undefined) check(w, `${prefix}.size`, k.size, ref.size);
  if (ref.algorithm === 'EC') {
    if (ref.curve === null) {
      // Explicit parameters that are no named curve: tlsw must not name one.
      const c = k.curve;
      if (typeof c === 'string' && !/explicit/i.test(c)) mismatches.push({ ...w, field: `${prefix}.curve`, tlsw: show(c), reference: 'explicit parameters, no named curve' });
    } else if (ref.curve !== undefined) {
      check(w, `${prefix}.curve`, k.curve, CURVE_NAMES[ref.curve] ?? ref.curve);
    }
    if (ref.explicitParameters) check(w, `${prefix}.explicitParameters`, k.explicitParameters, true);
  }
  if (opts.spki && ref.spkiSha256 !== undefined) check(w, `${prefix}.spkiSha256`, k.spkiSha256, ref.spkiSha256);
}

function compareNames(w: Where, field: string, ts: unknown, ref: F<RefAttr[]> | undefined): void {
  if (ref === undefined) return;
  if (isError(ref)) {
    silent.push({ ...w, field, why: ref.error });
    return;
  }
  const a = tlswAttrs(ts);
  const b = attrsOf(ref);
  if (typeof a === 'string' || a.length !== b.length) {
    check(w, field, a, b);
    return;
  }
  for (let i = 0; i < b.length; i++) if (!check(w, `${field}[${i}]`, a[i], b[i])) return;
}

function compareSans(w: Where, ts: unknown, ref: F<RefSan[]> | undefined): void {
  if (ref === undefined) return;
  if (isError(ref)) {
    silent.push({ ...w, field: 'subjectAltNames', why: ref.error });
    return;
  }
  const list = Array.isArray(ts) ? (ts as { type: string; value: string }[]).map((s) => ({ type: s.type, value: s.type === 'dns' || s.type === 'email' || s.type === 'uri' ? ia5Actual(s.value) : s.value })) : ts;
  const expected = ref.map(expectedSan);
  if (!Array.isArray(list) || list.length !== expected.length) {
    check(w, 'subjectAltNames', list, expected);
    return;
  }
  for (let i = 0; i < expected.length; i++) if (!check(w, `subjectAltNames[${i}]`, list[i], expected[i])) return;
}

function compareCertificate(w: Where, o: Loose, r: RefObject): void {
  if (r.serial !== undefined) check(w, 'serial', serialValue(o.serialNumber), isError(r.serial) ? r.serial : BigInt(r.serial));
  if (r.notBefore !== undefined) check(w, 'notBefore', o.notBefore, r.notBefore);
  if (r.notAfter !== undefined) check(w, 'notAfter', o.notAfter, r.notAfter);
  compareFingerprints(w, o.fingerprints, r.fingerprints);
  if (r.signatureAlgorithmOid !== undefined) check(w, 'signatureAlgorithmOid', o.signatureAlgorithmOid, r.signatureAlgorithmOid);
  compareNames(w, 'subject', o.subject, r.subject);
  compareNames(w, 'issuer', o.issuer, r.issuer);
  // A certificate's SPKI is hashed as written, cryptography's as it re-encodes the key: not comparable.
  compareKey(w, 'publicKey', o.publicKey, r.publicKey, { spki: false });
  compareSans(w, o.subjectAltNames, r.subjectAltNames);
  if (r.isCA !== undefined) check(w, 'isCA', o.isCA, r.isCA);
}

function compareFingerprints(w: Where, ts: unknown, ref: RefObject['fingerprints']): void {
  if (ref === undefined) return;
  if (isError(ref)) {
    silent.push({ ...w, field: 'fingerprints', why: ref.error });
    return;
  }
  const fp = (ts ?? {}) as Loose;
  if (ref.sha1 !== undefined) check(w, 'fingerprints.sha1', fp.sha1, ref.sha1);
  check(w, 'fingerprints.sha256', fp.sha256, ref.sha256);
}

function compareCsr(w: Where, o: Loose, r: RefObject): void {
  compareNames(w, 'subject', o.subject, r.subject);
  if (r.signatureAlgorithmOid !== undefined) check(w, 'signatureAlgorithmOid', o.signatureAlgorithmOid, r.signatureAlgorithmOid);
  compareKey(w, 'publicKey', o.publicKey, r.publicKey, { spki: false });
  compareSans(w, o.subjectAltNames, r.subjectAltNames);
}

function compareCrl(w: Where, o: Loose, r: RefObject): void {
  compareNames(w, 'issuer', o.issuer, r.issuer);
  if (r.thisUpdate !== undefined) check(w, 'thisUpdate', o.thisUpdate, r.thisUpdate);
  // No nextUpdate: undefined in our model, None in cryptography's.
  if (r.nextUpdate !== undefined) check(w, 'nextUpdate', o.nextUpdate ?? null, r.nextUpdate);
  if (r.signatureAlgorithmOid !== undefined) check(w, 'signatureAlgorithmOid', o.signatureAlgorithmOid, r.signatureAlgorithmOid);
  compareFingerprints(w, o.fingerprints, r.fingerprints);
  if (r.revoked === undefined) return;
  if (isError(r.revoked)) {
    silent.push({ ...w, field: 'revoked', why: r.revoked.error });
    return;
  }
  const ours = Array.isArray(o.revoked) ? (o.revoked as { serialNumber: string; revocationDate: string }[]) : [];
  if (!check(w, 'revoked.length', ours.length, r.revoked.length)) return;
  for (let i = 0; i < ours.length; i++) {
    if (!check(w, `revoked[${i}].serial`, serialValue(ours[i].serialNumber), BigInt(r.revoked[i].serial))) return;
    if (!check(w, `revoked[${i}].date`, ours[i].revocationDate, r.revoked[i].date)) return;
  }
}

function comparePkcs12(w: Where, o: Loose, r: RefObject): void {
  if (!check(w, 'decrypted', o.decrypted, true)) return;
  const bags = (Array.isArray(o.bags) ? o.bags : []) as { type: string; friendlyName?: string; object?: Loose }[];
  const keyBags = bags.filter((b) => b.type === 'private-key');
  const certBags = bags.filter((b) => b.type === 'certificate');
  check(w, 'keyPresent', keyBags.length > 0, r.keyPresent);
  if (r.keyPresent && keyBags.length > 0) compareKey(w, 'key.publicKey', keyBags[0].object?.publicKey, r.key, { spki: true });
  const refCerts = r.certificates ?? [];
  check(w, 'certificateCount', certBags.length, refCerts.length);
  // Bag order is the file's for us, key-certificate first for cryptography: compared as sets.
  const ours = certBags.map((b) => `${(b.object?.fingerprints as Loose | undefined)?.sha256 ?? 'undecoded'} ${show(b.friendlyName ?? null)}`).sort();
  const theirs = refCerts.map((c) => `${c.sha256} ${show(c.friendlyName)}`).sort();
  check(w, 'certificates (sha256, friendlyName)', ours, theirs);
  for (const c of refCerts) {
    const bag = certBags.find((b) => (b.object?.fingerprints as Loose | undefined)?.sha256 === c.sha256);
    if (bag?.object) compareCertificate({ path: w.path, at: `${w.at} certificate ${c.sha256.slice(0, 12)}` }, bag.object, c.fields);
  }
}

function compareObject(w: Where, o: Loose, r: RefObject): void {
  switch (r.kind) {
    case 'certificate':
      return compareCertificate(w, o, r);
    case 'csr':
      return compareCsr(w, o, r);
    case 'crl':
      return compareCrl(w, o, r);
    case 'private-key':
      // The public key derived from the private one must be the one OpenSSL derives (spkiSha256 included).
      if (o.publicKey === undefined) {
        mismatches.push({ ...w, field: 'publicKey', tlsw: `none (encrypted: ${show(o.encrypted)})`, reference: show(r.publicKey) });
        return;
      }
      return compareKey(w, 'publicKey', o.publicKey, r.publicKey, { spki: true });
    case 'public-key':
      // The SPKI hash is comparable only when the file holds the SPKI exactly as cryptography re-encodes it.
      return compareKey(w, 'publicKey', o.publicKey, r.publicKey, { spki: r.canonicalSpki === true });
    case 'dh-parameters': {
      check(w, 'primeBits', o.primeBits, r.primeBits);
      // Our generator is a number, or hex when it does not fit one; theirs an integer.
      const g = typeof o.generatorHex === 'string' ? BigInt('0x' + o.generatorHex) : BigInt(Number(o.generator));
      return void check(w, 'generator', g, BigInt(r.generator ?? '0'));
    }
    case 'dsa-parameters':
      check(w, 'primeBits', o.primeBits, r.primeBits);
      return void check(w, 'subgroupBits', o.subgroupBits, r.qBits);
    case 'pkcs12':
      return comparePkcs12(w, o, r);
  }
}

/** What openssl says of an object cryptography refused: the kind, and the fields it prints unambiguously. */
function compareOpensslOnly(w: Where, o: Loose, r: RefObject): void {
  const f = r.opensslFields ?? {};
  if (f.serial !== undefined) check(w, 'serial (openssl)', serialValue(o.serialNumber), BigInt(f.serial));
  if (f.fingerprints) check(w, 'fingerprints.sha256 (openssl)', (o.fingerprints as Loose | undefined)?.sha256, f.fingerprints.sha256);
  if (f.publicKey) compareKey(w, 'publicKey (openssl)', o.publicKey, f.publicKey, { spki: false });
  if (f.primeBits !== undefined) check(w, 'primeBits (openssl)', o.primeBits, f.primeBits);
  if (f.qBits !== undefined) check(w, 'subgroupBits (openssl)', o.subgroupBits, f.qBits);
}

// ---------------------------------------------------------------------------------------------------------------
// Crashes: readObjects never throws by design, so a crash shows as a problem. The decoders' guards turn anything
// that is not a PkiError into one line: x509.ts `<what>: malformed (<message>)`, keys.ts and dh.ts `<what>: the
// data could not be read`, read.ts `internal error…`. Extension parsers keep a failure in the extension's text.

const CRASH_PROBLEM = /internal error|: malformed \(|the data could not be read/;
const JS_ERROR = /Cannot read propert|is not a function|is not iterable|of undefined|of null\b|Maximum call stack|Invalid array length|\b(TypeError|RangeError|ReferenceError)\b/;

function crashTexts(o: unknown, out: string[], depth = 0): void {
  if (depth > 6 || o === null || typeof o !== 'object') return;
  const rec = o as Loose;
  if (Array.isArray(rec.extensions)) {
    for (const e of rec.extensions as { oid: string; text?: string }[]) if (typeof e.text === 'string' && JS_ERROR.test(e.text)) out.push(`extension ${e.oid}: ${e.text}`);
  }
  if (Array.isArray(rec.bags)) for (const b of rec.bags as { object?: unknown }[]) crashTexts(b.object, out, depth + 1);
}

// ---------------------------------------------------------------------------------------------------------------
// The walk

function where(path: string, r: RefObject, encoding: 'pem' | 'der'): Where {
  return { path, at: encoding === 'pem' ? `block ${r.block} (${r.label})` : 'DER' };
}

/** tlsw's result for each PEM block, by block number (1-based among the text's BEGIN lines, as tlsw counts them). */
function pemResults(bytes: Uint8Array, objects: Loose[], problems: { severity: string; message: string; range?: { startOffset: number } }[]) {
  const text = decodeText(bytes);
  const begins: number[] = [];
  for (let i = text.indexOf('-----BEGIN '); i >= 0; i = text.indexOf('-----BEGIN ', i + 1)) begins.push(i);
  const byBlock = new Map<number, { object?: Loose; problem?: string }>();
  for (const o of objects) {
    const off = (o.range as { startOffset?: number } | undefined)?.startOffset;
    const n = off === undefined ? -1 : begins.indexOf(off) + 1;
    if (n > 0) byBlock.set(n, { object: o });
  }
  for (const p of problems) {
    if (p.severity !== 'error') continue;
    const n = p.range ? begins.indexOf(p.range.startOffset) + 1 : 0;
    if (n > 0 && !byBlock.has(n)) byBlock.set(n, { problem: p.message });
  }
  const fileProblem = problems.find((p) => p.severity === 'error' && !p.range)?.message;
  return { byBlock, fileProblem };
}

function readWithTlsw(path: string, bytes: Uint8Array, password: string | undefined) {
  try {
    return readObjects(bytes, { password, now: NOW });
  } catch (e) {
    const kind = e instanceof PkiError ? 'PkiError' : 'exception';
    crashes.push({ path, at: 'readObjects', message: `${kind} escaped readObjects: ${String((e as Error)?.stack ?? e).split('\n').slice(0, 3).join(' | ')}` });
    return undefined;
  }
}

function walkFile(f: RefFile): void {
  const path = f.path;
  const bytes = new Uint8Array(readFileSync(join(VECTORS, path)));
  const result = readWithTlsw(path, bytes, f.password ?? undefined);
  const encoding = f.encoding ?? 'der';
  const refObjects = f.objects ?? [];
  if (!result) return;
  for (const p of result.problems) if (CRASH_PROBLEM.test(p.message) || JS_ERROR.test(p.message)) crashes.push({ path, at: 'problem', message: p.message });
  for (const o of result.objects) {
    const texts: string[] = [];
    crashTexts(o, texts);
    for (const t of texts) crashes.push({ path, at: `object ${o.index}`, message: t });
  }
  const objects = result.objects as unknown as Loose[];
  const problems = result.problems as { severity: string; message: string; range?: { startOffset: number } }[];
  const pem = encoding === 'pem' ? pemResults(bytes, objects, problems) : undefined;
  for (const r of refObjects) {
    const w = where(path, r, encoding);
    const ours = pem ? pem.byBlock.get(r.block ?? 0) : objects[0] ? { object: objects[0] } : { problem: problems.find((p) => p.severity === 'error')?.message };
    const reason = ours?.problem ?? pem?.fileProblem ?? 'no object and no problem for this block';
    const readBy = r.refused === undefined ? 'cryptography' : r.openssl ? 'openssl' : undefined;
    const kind = r.kind ?? r.openssl ?? undefined;
    if (!readBy) {
      if (ours?.object) lenient.push({ ...w, kind: String(ours.object.kind), refused: r.refused ?? '' });
      continue;
    }
    readableObjects++;
    readableFiles.add(path);
    if (!ours?.object) {
      rejections.push({ ...w, kind: kind ?? '?', reason, readBy });
      rejectedFiles.add(path);
      continue;
    }
    comparedObjects++;
    if (!check(w, 'kind', ours.object.kind, kind)) continue;
    if (r.refused === undefined) compareObject(w, ours.object, r);
    else compareOpensslOnly(w, ours.object, r);
    for (const [field, why] of Object.entries(r.viaOpenssl ?? {})) viaOpenssl.push({ ...w, field, why });
  }
}

function filesOnDisk(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, e.name);
    if (e.isDirectory()) out.push(...filesOnDisk(full));
    else out.push(relative(VECTORS, full));
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Report

function line(x: Where & Record<string, unknown>, fields: string[]): string {
  return `| \`${x.path}\` | ${x.at} | ${fields.map((k) => String(x[k]).replace(/\|/g, '\\|').slice(0, 300)).join(' | ')} |`;
}

function writeReport(): void {
  const out: string[] = [];
  out.push('# tlsw vs python-cryptography / openssl on python3-cryptography-vectors', '');
  out.push(`cryptography ${reference.cryptography}, ${reference.openssl}. Generated by test/interop/corpus.test.ts.`, '');
  out.push(`- objects the reference reads: ${readableObjects} in ${readableFiles.size} files; compared: ${comparedObjects} objects, ${comparedFields} fields`);
  out.push(`- rejected by tlsw: ${rejections.length} objects in ${rejectedFiles.size} files (${((100 * rejectedFiles.size) / Math.max(1, readableFiles.size)).toFixed(2)}% of files; target < ${MAX_REJECTED_SHARE * 100}%)`);
  out.push(`- field mismatches: ${mismatches.length} (target 0); crashes: ${crashes.length} (target 0)`);
  out.push(`- fields not compared (reference silent): ${silent.length}; compared with openssl's value: ${viaOpenssl.length}`);
  out.push(`- objects both references refuse and tlsw reads: ${lenient.length}`, '');
  out.push('## Excluded files (not PKI files, or kinds tlsw does not read)', '');
  for (const [why, paths] of excluded) out.push(`- ${paths.length}: ${why}`);
  const table = (title: string, head: string[], rows: (Where & Record<string, unknown>)[], fields: string[]) => {
    out.push('', `## ${title} (${rows.length})`, '');
    if (rows.length === 0) return;
    out.push(`| file | where | ${head.join(' | ')} |`, `|${'---|'.repeat(head.length + 2)}`);
    for (const r of rows) out.push(line(r, fields));
  };
  table('Crashes', ['message'], crashes as never, ['message']);
  const rows = rejections.map((r) => ({ ...r, accepted: ACCEPTED_REJECTIONS[r.path] ?? 'no: a defect until it is listed' }));
  table('Rejections', ['kind', 'read by', 'tlsw says', 'accepted (ACCEPTED_REJECTIONS)'], rows as never, ['kind', 'readBy', 'reason', 'accepted']);
  table('Field mismatches', ['field', 'tlsw', 'reference'], mismatches as never, ['field', 'tlsw', 'reference']);
  table('Compared with openssl (cryptography could not compute the field)', ['field', "cryptography's error"], viaOpenssl as never, ['field', 'why']);
  table('Not compared (neither reference computes the field)', ['field', 'why'], silent as never, ['field', 'why']);
  table('Read by tlsw, refused by both references', ['tlsw kind', "cryptography's error"], lenient as never, ['kind', 'refused']);
  mkdirSync(join(ROOT, 'test-artifacts'), { recursive: true });
  writeFileSync(REPORT, out.join('\n') + '\n');
}

function list<T extends Where>(rows: T[], fmt: (r: T) => string): string {
  return rows.map((r) => `  ${r.path} ${r.at}: ${fmt(r)}`).join('\n');
}

// ---------------------------------------------------------------------------------------------------------------

describe('corpus: python3-cryptography-vectors, tlsw vs cryptography and openssl', () => {
  before(() => {
    assert.ok(existsSync(VECTORS), `${VECTORS} is missing: install Debian's python3-cryptography-vectors`);
    const json = execFileSync(PYTHON, ['-B', SCRIPT, VECTORS], { maxBuffer: 512 * 1024 * 1024, stdio: ['ignore', 'pipe', 'pipe'] }).toString('utf8');
    reference = JSON.parse(json) as Reference;
    for (const f of reference.files) {
      if (f.excluded !== undefined) {
        excluded.set(f.excluded, [...(excluded.get(f.excluded) ?? []), f.path]);
        continue;
      }
      walkFile(f);
    }
    writeReport();
    console.log(
      `corpus: ${readableObjects} objects read by the reference in ${readableFiles.size} files, ${comparedFields} fields compared; tlsw rejects ${rejections.length} objects ` +
        `(${rejectedFiles.size} files), ${mismatches.length} field mismatches, ${crashes.length} crashes; details in ${relative(ROOT, REPORT)}`,
    );
  });

  it('the reference walked every file of the package, and over a thousand PKI objects', () => {
    const onDisk = filesOnDisk(VECTORS).sort();
    const walked = reference.files.map((f) => f.path).sort();
    assert.deepEqual(walked, onDisk);
    assert.ok(readableObjects > 1000, `only ${readableObjects} objects read by the reference`);
  });

  it('no crashes (nothing but PkiError, no internal error)', () => {
    assert.equal(crashes.length, 0, `${crashes.length} crashes:\n${list(crashes, (c) => c.message)}`);
  });

  it('no field mismatches', () => {
    assert.equal(mismatches.length, 0, `${mismatches.length} field mismatches:\n${list(mismatches, (m) => `${m.field}: tlsw ${m.tlsw} ≠ reference ${m.reference}`)}`);
  });

  it(`rejects fewer than ${MAX_REJECTED_SHARE * 100}% of the files the reference reads, each listed with its reason`, () => {
    const all = list(rejections, (r) => `${r.kind} read by ${r.readBy}; tlsw: ${r.reason}`);
    const share = rejectedFiles.size / readableFiles.size;
    assert.ok(share < MAX_REJECTED_SHARE, `${rejectedFiles.size} of ${readableFiles.size} files rejected (${(share * 100).toFixed(2)}%):\n${all}`);
    const unlisted = rejections.filter((r) => !(r.path in ACCEPTED_REJECTIONS));
    assert.equal(unlisted.length, 0, `rejections not in ACCEPTED_REJECTIONS:\n${list(unlisted, (r) => `${r.kind} read by ${r.readBy}; tlsw: ${r.reason}`)}`);
    const stale = Object.keys(ACCEPTED_REJECTIONS).filter((p) => !rejectedFiles.has(p));
    assert.deepEqual(stale, [], 'ACCEPTED_REJECTIONS lists files tlsw now reads: remove them');
  });
});
