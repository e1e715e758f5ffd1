// Differential fuzz (issue 12): real certificates (the system trust bundle, and certificates made with openssl to
// cover SAN types, key types and encodings the bundle lacks) are mutated — bit flips, truncations, insertions,
// length tweaks, changed bytes inside a field, changed tags — and each mutant is decoded by our decoder
// (src/core/x509.ts decodeCertificate, and readObjects) and by @peculiar/x509. Whenever both decode it, they must
// agree field by field: serial, subject/issuer, validity, SANs, key algorithm/size/curve, isCA and the extension
// list. Ours must never throw anything but a PkiError, nor hide an internal exception behind one. Seeded
// (TLSW_DIFF_SEED, TLSW_DIFF_MUTANTS override); the openssl-made seeds have fresh keys on each run and the bundle
// differs between machines, so every finding carries its mutant in hex, from which it reproduces.

import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { PkiError } from '../../src/core/model';
import type { CertificateModel, Decoded } from '../../src/core/model';
import { escapeValue } from '../../src/core/objects/names';
import { oidName } from '../../src/core/der/oids';
import { findPemBlocks } from '../../src/core/der/pem';
import { readObjects } from '../../src/core/read/read';
import { decodeCertificate } from '../../src/core/objects/x509';
import { openssl, opensslBytes, prng, tempDir, TRUST_BUNDLE } from '../helpers/tools';

const SEED = Number(process.env.TLSW_DIFF_SEED ?? 20261203);
const MUTANTS = Number(process.env.TLSW_DIFF_MUTANTS ?? 3000);
const NOW = new Date('2025-01-01T00:00:00Z');


// ---------------------------------------------------------------------------------------------------------------
// Where the TLVs of a (valid) seed are, so mutations can aim at lengths, tags and field contents. OCTET STRING and
// BIT STRING contents that are DER themselves (extension values, keys) are walked too.

interface Node {
  start: number;
  /** Offset of the first length octet. */
  lenAt: number;
  contentStart: number;
  end: number;
  tag: number;
}

function walk(b: Uint8Array, from: number, to: number, out: Node[], depth = 0): boolean {
  let p = from;
  while (p < to) {
    if (p + 2 > to) return false;
    const tag = b[p];
    if ((tag & 0x1f) === 0x1f) return false;
    const lenAt = p + 1;
    let len = b[lenAt];
    let cs = lenAt + 1;
    if (len & 0x80) {
      const n = len & 0x7f;
      if (n === 0 || n > 3 || cs + n > to) return false;
      len = 0;
      for (let i = 0; i < n; i++) len = len * 256 + b[cs + i];
      cs += n;
    }
    const end = cs + len;
    if (end > to) return false;
    const node = { start: p, lenAt, contentStart: cs, end, tag };
    out.push(node);
    if (depth < 24) {
      if (tag & 0x20) {
        if (!walk(b, cs, end, out, depth + 1)) return false;
      } else if ((tag === 0x04 || tag === 0x03) && end > cs) {
        const inner: Node[] = [];
        const s = tag === 0x03 ? cs + 1 : cs;
        if (s < end && b[s] === 0x30 && walk(b, s, end, inner, depth + 1)) out.push(...inner);
      }
    }
    p = end;
  }
  return p === to;
}

/** Tags a string or time may be swapped for (all decode as text or time, differently). */
const STRING_TAGS = [0x0c, 0x13, 0x16, 0x14, 0x1e, 0x1c, 0x12, 0x1a];
const TIME_TAGS = [0x17, 0x18];
const INTERESTING = [0x00, 0x01, 0x20, 0x2a, 0x2e, 0x30, 0x39, 0x41, 0x5a, 0x7f, 0x80, 0xc3, 0xff];

interface Seed {
  name: string;
  der: Uint8Array;
  nodes: Node[];
}

function mutate(seed: Seed, rnd: () => number): { bytes: Uint8Array; how: string } {
  const b = Buffer.from(seed.der);
  const pick = <T>(a: readonly T[]): T => a[Math.floor(rnd() * a.length)];
  const at = Math.floor(rnd() * b.length);
  const node = pick(seed.nodes);
  const leaves = seed.nodes.filter((n) => !(n.tag & 0x20) && n.end > n.contentStart);
  const r = rnd();
  if (r < 0.3) {
    // A changed byte inside a field's contents: the structure stays valid, the value changes.
    const leaf = pick(leaves);
    const i = leaf.contentStart + Math.floor(rnd() * (leaf.end - leaf.contentStart));
    b[i] = rnd() < 0.5 ? pick(INTERESTING) : Math.floor(rnd() * 256);
    return { bytes: b, how: `byte ${i} of tag 0x${leaf.tag.toString(16)} → 0x${b[i].toString(16)}` };
  }
  if (r < 0.42) {
    // A changed tag: string types for one another, UTCTime ↔ GeneralizedTime, anything for anything.
    const strings = seed.nodes.filter((n) => STRING_TAGS.includes(n.tag) || TIME_TAGS.includes(n.tag));
    const n = strings.length > 0 && rnd() < 0.8 ? pick(strings) : node;
    b[n.start] = STRING_TAGS.includes(n.tag) ? pick(STRING_TAGS) : TIME_TAGS.includes(n.tag) ? pick(TIME_TAGS) : Math.floor(rnd() * 0x1f);
    return { bytes: b, how: `tag at ${n.start} 0x${n.tag.toString(16)} → 0x${b[n.start].toString(16)}` };
  }
  if (r < 0.57) {
    // A length tweak: ±1, or 0, on a short-form length.
    if (b[node.lenAt] < 0x80) {
      const d = pick([-1, 1, 1, -b[node.lenAt]]);
      b[node.lenAt] = Math.max(0, Math.min(0x7f, b[node.lenAt] + d));
    } else {
      b[node.lenAt + 1] ^= 1 << Math.floor(rnd() * 8);
    }
    return { bytes: b, how: `length at ${node.lenAt}` };
  }
  if (r < 0.7) {
    for (let i = 0; i < 1 + rnd() * 3; i++) b[Math.floor(rnd() * b.length)] ^= 1 << Math.floor(rnd() * 8);
    return { bytes: b, how: 'bit flips' };
  }
  if (r < 0.78) return { bytes: b.subarray(0, at), how: `truncated at ${at}` };
  if (r < 0.86) {
    const ins = Buffer.from(Array.from({ length: 1 + Math.floor(rnd() * 8) }, () => Math.floor(rnd() * 256)));
    return { bytes: Buffer.concat([b.subarray(0, at), ins, b.subarray(at)]), how: `insert ${ins.length} at ${at}` };
  }
  if (r < 0.93) {
    // A field removed whole (its parents' lengths then disagree).
    const out = Buffer.concat([b.subarray(0, node.start), b.subarray(node.end)]);
    return { bytes: out, how: `removed TLV at ${node.start}` };
  }
  return { bytes: Buffer.concat([b.subarray(0, at), b.subarray(at, at + 32), b.subarray(at)]), how: `duplicated slice at ${at}` };
}

// ---------------------------------------------------------------------------------------------------------------
// Both decoders' views, normalised to the same representation (each normalisation says why).

interface View {
  serial?: string;
  subject?: string[];
  issuer?: string[];
  notBefore?: string;
  notAfter?: string;
  sans?: string[];
  key?: string;
  isCA?: boolean;
  extensions?: string[];
}

const hex = (b: ArrayBuffer | Uint8Array): string => Buffer.from(b instanceof Uint8Array ? b : new Uint8Array(b)).toString('hex');

/** Serials as signed integers: ours is hex of the magnitude with `-` for negatives, peculiar's the raw two's complement. */
function oursSerial(h: string): string {
  return (h.startsWith('-') ? -BigInt('0x' + h.slice(1)) : BigInt('0x' + h)).toString();
}
function peculiarSerial(c: x509.X509Certificate): string {
  // X509Certificate.serialNumber drops a leading 00 before a byte over 0x7f, which loses the sign: the INTEGER's
  // content octets are read from the parsed structure instead (a protected member, read here on purpose).
  const raw = (c as unknown as { asn: { tbsCertificate: { serialNumber: ArrayBuffer } } }).asn.tbsCertificate.serialNumber;
  const h = hex(raw);
  if (h.length === 0) return 'empty';
  let v = BigInt('0x' + h);
  if (parseInt(h[0], 16) >= 8) v -= 1n << BigInt(h.length * 4);
  return v.toString();
}

/** IA5String SAN values: ours shows printable ASCII as is, `\` doubled, other bytes `\xNN`; peculiar one char per byte. */
function ia5(bytes: Buffer): string {
  let out = '';
  for (const c of bytes) out += c === 0x5c ? '\\\\' : c >= 0x20 && c <= 0x7e ? String.fromCharCode(c) : '\\x' + c.toString(16).padStart(2, '0');
  return out;
}
function oursIa5(v: string): string {
  return v.replace(/\\x[0-9A-Fa-f]{2}/g, (m) => m.toLowerCase());
}

// peculiar's parsed ASN.1 structures (protected members, read here on purpose: its text forms lose the string type).
interface AsnAttributeValue {
  utf8String?: string;
  printableString?: string;
  teletexString?: string;
  universalString?: string;
  bmpString?: string;
  ia5String?: string;
  anyValue?: ArrayBuffer;
}
type AsnName = { type: string; value: AsnAttributeValue }[][];
const asnOf = <T>(o: unknown): T => (o as { asn: T }).asn;

/** String types ours decodes as text and peculiar leaves as `#` + DER (not DirectoryString choices): Numeric, Videotex, Graphic, Visible, General. */
const OTHER_TEXT_TAGS = new Set([0x12, 0x15, 0x19, 0x1a, 0x1b]);

function derContent(b: Buffer): Buffer {
  let len = b[1] ?? 0;
  let off = 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + b[2 + i];
    off = 2 + n;
  }
  return b.subarray(off, off + len);
}

/**
 * One attribute's value as ours renders it, from peculiar's reading; undefined when peculiar's reading cannot be
 * compared. Normalisations: the string types above, which ours decodes (one character per byte) and peculiar
 * does not; a UTF8String with invalid UTF-8, which ours shows with U+FFFD and peculiar one character per byte
 * (`ours` tells which: only invalid UTF-8 gives ours a U+FFFD). Not compared: UniversalString, which peculiar
 * decodes into 16-bit units (code points over U+FFFF come out truncated).
 */
function peculiarValue(v: AsnAttributeValue, ours: string | undefined): string | undefined {
  if (v.anyValue) {
    const b = Buffer.from(v.anyValue);
    return OTHER_TEXT_TAGS.has(b[0]) ? derContent(b).toString('latin1') : '#' + b.toString('hex');
  }
  if (v.universalString !== undefined) return undefined;
  if (v.utf8String !== undefined) return ours?.includes('\ufffd') ? Buffer.from(v.utf8String, 'latin1').toString('utf8') : v.utf8String;
  return v.bmpString ?? v.printableString ?? v.teletexString ?? v.ia5String ?? '';
}

function peculiarName(asn: AsnName, ours: { oid: string; value: string }[] | undefined): string[] {
  const out: string[] = [];
  let i = 0;
  for (const rdn of asn) for (const a of rdn) out.push(`${a.type}=${peculiarValue(a.value, ours?.[i++]?.value) ?? '(not compared)'}`);
  return out;
}

/** A directoryName as ours renders it (DER order, ours's short names, RFC 4514 escaping) from peculiar's attributes. */
function dirNameText(asn: AsnName, oursText: string | undefined): string {
  return asn
    .map((rdn) =>
      rdn
        .map((a) => {
          const v = peculiarValue(a.value, oursText);
          return `${oidName(a.type) ?? a.type}=${v === undefined ? '(not compared)' : v.startsWith('#') && a.value.anyValue ? v : escapeValue(v)}`;
        })
        .join('+'),
    )
    .join(', ');
}

function peculiarKey(k: x509.PublicKey): string {
  const a = k.algorithm as { name: string; namedCurve?: string; modulusLength?: number };
  switch (a.name) {
    case 'RSASSA-PKCS1-v1_5':
    case 'RSA-PSS':
    case 'RSA-OAEP':
      // peculiar gives no modulus length for RSASSA-PSS keys: the size is then not compared.
      return `RSA/${a.modulusLength ?? '?'}`;
    case 'ECDSA':
    case 'ECDH':
      return `EC/${a.namedCurve}`;
    case OID_EC:
      // An EC key whose curve peculiar does not know.
      return 'EC/unnamed';
    default:
      return a.name;
  }
}

const OID_EC = '1.2.840.10045.2.1';

/** Ours: algorithm and size or curve; an unknown algorithm as its OID (peculiar's form), an unknown curve as unnamed. */
function oursKey(k: CertificateModel['publicKey'], theirs: string | undefined): string {
  // peculiar counts the modulus in whole bytes (2051 bits → 2056): ours, exact, is rounded up the same way.
  if (k.algorithm === 'RSA') return theirs === 'RSA/?' ? 'RSA/?' : `RSA/${Math.ceil(k.size / 8) * 8}`;
  if (k.algorithm === 'EC') return k.curve === undefined || /^\d+(\.\d+)+$/.test(k.curve) || /explicit/.test(k.curve) ? 'EC/unnamed' : `EC/${k.curve}`;
  if (k.algorithm === 'unknown') return k.oid;
  return k.algorithm;
}

const OID_UPN = '1.3.6.1.4.1.311.20.2.3';
const NOT_COMPARED_DIRNAME = 'dirName (holds a UniversalString: not compared)';
const OID_GUID = '1.3.6.1.4.1.311.25.1';
const SAN_TYPES: Record<string, string> = { dns: 'dns', email: 'email', url: 'uri', ip: 'ip', dn: 'dirName', id: 'other', guid: 'other', upn: 'other' };

function peculiarSans(ext: x509.SubjectAlternativeNameExtension, ours: Decoded<CertificateModel>): string[] {
  return ext.names.items.map((n, i) => {
    const type = SAN_TYPES[n.type] ?? `unknown:${n.type}`;
    // otherName: ours shows `<type name or OID>;<value>`, peculiar the UPN's value alone; a GUID peculiar formats
    // as a GUID and ours as the value's DER in hex: only its type is compared.
    if (n.type === 'upn') {
      // A UPN is a UTF8String: invalid UTF-8 ours shows with U+FFFD, peculiar one character per byte.
      const value = ours.subjectAltNames.filter(peculiarShows)[i]?.value.includes('\ufffd') ? Buffer.from(n.value, 'latin1').toString('utf8') : n.value;
      return `other ${oidName(OID_UPN) ?? OID_UPN};${value}`;
    }
    if (n.type === 'guid') return 'other (guid)';
    if (n.type === 'dn') {
      const text = dirNameText(asnOf<{ directoryName: AsnName }>(n).directoryName, ours.subjectAltNames.filter(peculiarShows)[i]?.value);
      return text.includes('=(not compared)') ? NOT_COMPARED_DIRNAME : `dirName ${text}`;
    }
    const value = type === 'dns' || type === 'email' || type === 'uri' ? ia5(Buffer.from(n.value, 'latin1')) : n.value;
    return `${type} ${value}`;
  });
}

function peculiarView(der: Uint8Array, ours: Decoded<CertificateModel>): { view: View; unavailable: string[] } | undefined {
  let c: x509.X509Certificate;
  try {
    c = new x509.X509Certificate(der);
  } catch {
    return undefined;
  }
  const view: View = {};
  const unavailable: string[] = [];
  const field = <K extends keyof View>(k: K, f: () => View[K]) => {
    try {
      view[k] = f();
    } catch {
      unavailable.push(k);
    }
  };
  field('serial', () => peculiarSerial(c));
  field('subject', () => peculiarName(asnOf<AsnName>(c.subjectName), ours.subject.attributes));
  field('issuer', () => peculiarName(asnOf<AsnName>(c.issuerName), ours.issuer.attributes));
  field('notBefore', () => c.notBefore.toISOString().replace(/\.\d{3}Z$/, 'Z'));
  field('notAfter', () => c.notAfter.toISOString().replace(/\.\d{3}Z$/, 'Z'));
  field('key', () => peculiarKey(c.publicKey));
  // Read once: when building its extension list fails, peculiar keeps an empty list for the next read.
  let exts: x509.Extension[] | undefined;
  try {
    exts = Array.from(c.extensions);
  } catch {
    unavailable.push('extensions', 'isCA', 'sans');
  }
  if (exts) {
    const list = exts;
    field('extensions', () => list.map((e) => `${e.type} ${e.critical} ${hex(e.value)}`));
    field('isCA', () => (list.find((e) => e.type === '2.5.29.19') as x509.BasicConstraintsExtension | undefined)?.ca ?? false);
    field('sans', () => {
      const san = list.find((e) => e.type === '2.5.29.17') as x509.SubjectAlternativeNameExtension | undefined;
      return san ? peculiarSans(san, ours) : [];
    });
  }
  return { view, unavailable };
}

/**
 * peculiar leaves out of its SAN list the names it cannot represent: an otherName other than a UPN (with a string
 * value) or a GUID, an x400Address, an ediPartyName. Ours lists them as `other` (`<type>;<value>` or `#<hex>`);
 * they are left out of the comparison the same way. A registeredID (ours: the bare OID) peculiar shows.
 */
function peculiarShows(s: { type: string; value: string }): boolean {
  if (s.type !== 'other') return true;
  if (/^\d+(\.\d+)+$/.test(s.value)) return true;
  const upn = `${oidName(OID_UPN) ?? OID_UPN};`;
  if (s.value.startsWith(upn)) return !s.value.startsWith(upn + '#');
  return s.value.startsWith(`${oidName(OID_GUID) ?? OID_GUID};`);
}

function peculiarParses(der: Uint8Array): boolean {
  try {
    new x509.X509Certificate(der);
    return true;
  } catch {
    return false;
  }
}

/**
 * Ours. A field whose extension ours found malformed (the extension is listed, its text says what is wrong, the
 * field keeps its default) is not one ours decoded: undefined, not compared (peculiar is laxer: it reads a
 * basicConstraints whose SEQUENCE tag is wrong, for one).
 */
function oursView(m: Decoded<CertificateModel>, theirs: View): View {
  const malformed = (oid: string) => m.extensions.some((e) => e.oid === oid && e.text?.startsWith('malformed'));
  return {
    serial: oursSerial(m.serialNumber),
    subject: m.subject.attributes.map((a) => `${a.oid}=${a.value}`),
    issuer: m.issuer.attributes.map((a) => `${a.oid}=${a.value}`),
    notBefore: m.notBefore,
    notAfter: m.notAfter,
    key: oursKey(m.publicKey, theirs.key),
    extensions: m.extensions.map((e) => `${e.oid} ${e.critical} ${e.valueHex}`),
    isCA: malformed('2.5.29.19') ? undefined : m.isCA,
    sans: malformed('2.5.29.17') ? undefined : m.subjectAltNames.filter(peculiarShows).map((s) =>
      s.type === 'other' && s.value.startsWith(`${oidName(OID_GUID) ?? OID_GUID};`)
        ? 'other (guid)'
        : `${s.type} ${s.type === 'dns' || s.type === 'email' || s.type === 'uri' ? oursIa5(s.value) : s.value}`,
    ),
  };
}

/** Ours, with the attributes peculiar's reading cannot be compared on marked as such. */
function comparable(ours: View, theirs: View): View {
  const mark = (mine: string[] | undefined, other: string[] | undefined) =>
    mine?.map((x, i) => (other?.[i]?.endsWith('=(not compared)') ? x.replace(/=.*$/s, '=(not compared)') : x));
  const sans = ours.sans?.map((x, i) => (theirs.sans?.[i] === NOT_COMPARED_DIRNAME && x.startsWith('dirName ') ? NOT_COMPARED_DIRNAME : x));
  return { ...ours, subject: mark(ours.subject, theirs.subject), issuer: mark(ours.issuer, theirs.issuer), sans };
}

// ---------------------------------------------------------------------------------------------------------------

const t = tempDir('tlsw-diff-');
const seeds: Seed[] = [];

function addSeed(name: string, der: Uint8Array): void {
  const nodes: Node[] = [];
  assert.ok(walk(der, 0, der.length, nodes), `${name}: seed is not DER`);
  seeds.push({ name, der, nodes });
}

before(() => {
  const p = t.path;
  const cnf = p('ext.cnf');
  writeFileSync(
    cnf,
    [
      '[ext]',
      'basicConstraints = critical, CA:TRUE, pathlen:2',
      'keyUsage = critical, keyCertSign, cRLSign, digitalSignature',
      'extendedKeyUsage = serverAuth, clientAuth, 1.3.6.1.4.1.311.10.3.4',
      'subjectAltName = @san',
      'certificatePolicies = 2.5.29.32.0',
      'crlDistributionPoints = URI:http://crl.example/ca.crl',
      'authorityInfoAccess = OCSP;URI:http://ocsp.example/, caIssuers;URI:http://ca.example/ca.crt',
      'nameConstraints = permitted;DNS:example.com, excluded;IP:10.0.0.0/255.0.0.0',
      '[san]',
      'DNS.1 = diff.example',
      'DNS.2 = *.wild.example',
      'IP.1 = 192.0.2.7',
      'IP.2 = 2001:db8::1',
      'email.1 = someone@example.com',
      'URI.1 = https://diff.example/path?q=1',
      'RID.1 = 1.2.3.4.5',
      'dirName.1 = dir',
      'otherName.1 = 1.3.6.1.4.1.311.20.2.3;UTF8:upn@example.com',
      '[dir]',
      'C = UK',
      'O = Dir Org, Ltd',
      'CN = dir name',
    ].join('\n'),
  );
  const subj = '/C=DE/ST=Bayern/O=Müller & Söhne/OU=Unit+1/CN=diff.example/emailAddress=admin@example.com';
  openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-384', '-nodes', '-keyout', p('ec.key'), '-out', p('ec.pem'), '-days', '400',
    '-subj', subj, '-utf8', '-extensions', 'ext', '-config', cnf, '-set_serial', '0x00ffeeddccbbaa99887766554433221100']);
  openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', p('rsa.key'), '-out', p('rsa.pem'), '-days', '20000',
    '-subj', '/DC=org/DC=example/CN=Long Lived RSA', '-extensions', 'ext', '-config', cnf]);
  openssl(['req', '-x509', '-newkey', 'ed25519', '-nodes', '-keyout', p('ed.key'), '-out', p('ed.pem'), '-days', '30', '-subj', '/CN=ed25519 diff']);
  openssl(['req', '-x509', '-newkey', 'rsa-pss', '-pkeyopt', 'rsa_keygen_bits:2048', '-nodes', '-keyout', p('pss.key'), '-out', p('pss.pem'), '-days', '30', '-subj', '/CN=pss diff']);
  for (const n of ['ec', 'rsa', 'ed', 'pss']) addSeed(`openssl ${n}`, new Uint8Array(opensslBytes(['x509', '-in', p(`${n}.pem`), '-outform', 'DER'])));
  const { blocks } = findPemBlocks(readFileSync(TRUST_BUNDLE, 'utf8'));
  for (const b of blocks) addSeed(`bundle #${b.blockNumber}`, b.der);
});

after(() => t.cleanup());

/** What the x509.ts guard and the extension parsers make of an exception that is not a PkiError. */
const HIDDEN_CRASH = /: malformed \(|internal error|Cannot read propert|is not a function|is not iterable|of undefined|Maximum call stack|Invalid array length|\b(TypeError|RangeError|ReferenceError)\b/;

describe(`differential fuzz vs @peculiar/x509: ${MUTANTS} mutants, seed ${SEED}`, () => {
  it('seeds decode identically with both decoders', () => {
    assert.ok(seeds.length > 100, `only ${seeds.length} seed certificates`);
    for (const s of seeds) {
      const m = decodeCertificate(s.der, { now: NOW, warnDays: 30 });
      const theirs = peculiarView(s.der, m);
      assert.ok(theirs, `${s.name}: @peculiar/x509 reads it`);
      assert.deepEqual(theirs.unavailable, [], `${s.name}: every field read by @peculiar/x509`);
      const ours = comparable(oursView(m, theirs.view), theirs.view);
      for (const k of Object.keys(theirs.view) as (keyof View)[]) assert.deepEqual(ours[k], theirs.view[k], `${s.name}: ${k}`);
    }
  });

  it('mutants: ours throws nothing but PkiError, and agrees with @peculiar/x509 whenever both decode', () => {
    const rnd = prng(SEED);
    const disagreements: string[] = [];
    const crashes: string[] = [];
    const stats = { both: 0, oursOnly: 0, theirsOnly: 0, neither: 0, fieldsCompared: 0, fieldsUnavailable: 0, oursMalformedFields: 0 };
    for (let i = 0; i < MUTANTS; i++) {
      const seed = seeds[Math.floor(rnd() * seeds.length)];
      const { bytes, how } = mutate(seed, rnd);
      const id = `#${i} ${seed.name} (${how})`;
      let ours: Decoded<CertificateModel> | undefined;
      try {
        ours = decodeCertificate(bytes, { now: NOW, warnDays: 30 });
      } catch (e) {
        if (!(e instanceof PkiError)) crashes.push(`${id}: threw ${(e as Error)?.name}: ${(e as Error)?.message} (mutant ${hex(bytes)})`);
        else if (HIDDEN_CRASH.test(e.message)) crashes.push(`${id}: ${e.message} (mutant ${hex(bytes)})`);
      }
      if (ours) for (const x of ours.extensions) if (x.text && HIDDEN_CRASH.test(x.text)) crashes.push(`${id}: extension ${x.oid}: ${x.text} (mutant ${hex(bytes)})`);
      const r = readObjects(bytes, { now: NOW });
      for (const pr of r.problems) if (HIDDEN_CRASH.test(pr.message)) crashes.push(`${id}: readObjects: ${pr.message}`);
      const theirs = ours ? peculiarView(bytes, ours) : undefined;
      if (!ours || !theirs) {
        if (ours) stats.oursOnly++;
        else if (peculiarParses(bytes)) stats.theirsOnly++;
        else stats.neither++;
        continue;
      }
      stats.both++;
      stats.fieldsUnavailable += theirs.unavailable.length;
      const mine = comparable(oursView(ours, theirs.view), theirs.view);
      for (const k of Object.keys(theirs.view) as (keyof View)[]) {
        if (mine[k] === undefined) {
          stats.oursMalformedFields++;
          continue;
        }
        stats.fieldsCompared++;
        const a = JSON.stringify(mine[k]);
        const b = JSON.stringify(theirs.view[k]);
        if (a !== b) disagreements.push(`${id}: ${k}: ours ${a} ≠ peculiar ${b} (mutant ${hex(bytes)})`);
      }
    }
    console.log(`differential: ${JSON.stringify(stats)}`);
    assert.ok(stats.both > MUTANTS / 10, `too few mutants decoded by both (${stats.both}): the mutations prove little`);
    const report = [...crashes.map((c) => `crash ${c}`), ...disagreements.map((d) => `disagreement ${d}`)];
    assert.equal(report.length, 0, `${crashes.length} crashes, ${disagreements.length} disagreements:\n${report.map((d) => d.slice(0, 8000)).join('\n')}`);
  });
});
