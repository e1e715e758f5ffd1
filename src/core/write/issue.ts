// The writing half's certificates: CSRs, self-signed certificates, CAs and CA-signed certificates.
//
// Defaults (from step, mkcert, cfssl and easy-rsa):
//  - signature hash SHA-256, SHA-384 when the SIGNING key is EC P-384, SHA-512 when it is P-521;
//    Ed25519 keys sign with Ed25519 (no separate hash); RSA signs with PKCS#1 v1.5;
//  - serial numbers: 20 random bytes with the top bit cleared (never zero);
//  - root CA: 3650 days, pathLen 1; intermediate CA: 1825 days, pathLen 0, never beyond its parent's
//    notAfter (clamped, with a warning); both: basicConstraints critical CA:TRUE, keyUsage critical
//    digitalSignature + keyCertSign + cRLSign, no extendedKeyUsage;
//  - leaf: 365 days; basicConstraints critical CA:FALSE; keyUsage critical digitalSignature
//    (+ keyEncipherment only for RSA keys); extendedKeyUsage by profile (server → serverAuth,
//    client → clientAuth, server+client → both); for server profiles each CN that is a DNS name or an IP
//    is also added to the SANs (browsers ignore the CN);
//  - subjectKeyIdentifier per RFC 5280 method 1 (SHA-1 of the subjectPublicKey BIT STRING contents) on
//    every certificate; authorityKeyIdentifier = the issuer's SKI on every certificate (self-signed
//    ones carry their own, as OpenSSL does); subjectAltName critical only when the subject is empty;
//  - notBefore = now (or the caller's), to the second; notAfter = notBefore + days.
// Refusals (PkiError): a signer without CA:TRUE or without keyCertSign; a CA key that does not match its
// certificate; a leaf outliving its CA (unless allowOutliveIssuer: then a warning); RSA keys < 2048 bits (unless
// allowWeak); a CSR whose signature does not verify; an intermediate under a CA with pathLen 0.
// Only SANs are copied from a CSR: other requested extensions are ignored (as `openssl x509 -req` does).

import { createHash, createPrivateKey, createPublicKey, randomBytes, sign as cryptoSign } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { isIP } from 'node:net';
import { domainToASCII } from 'node:url';
import { Tag, bitStringBytes, children, content, decodeOid, expectTag, readRoot, whole } from '../der/asn1';
import type { Tlv } from '../der/asn1';
import type { DnAttr } from './dn';
import { decodeDnAttrs, encodeName } from './dn';
import { derOid, derTlv, derUnsigned } from '../der/encode';
import { hasExtension, lintCertificate, readCertificate } from '../read/lint';
import { OID } from '../der/oids';
import type { CertificateModel, Decoded } from '../model';
import { PkiError } from '../model';
import { MAX_DAYS, MIN_DAYS } from '../limits';
import { DAY_MS } from '../display/expiry';
import { messageOf } from '../display/labels';
import { spkiInfo } from '../objects/publicKey';
import { KEY_USAGES, ipAddress, signatureHash, verifySignature } from '../objects/x509';

export interface San {
  type: 'dns' | 'ip' | 'email' | 'uri';
  value: string;
}

export type Profile = 'server' | 'client' | 'server+client' | 'intermediate' | 'root';
export type HashName = 'SHA-256' | 'SHA-384' | 'SHA-512';

export interface CsrOptions {
  privateKeyPkcs8: Uint8Array;
  subject: DnAttr[];
  sans?: San[];
  /** Default SHA-256 (SHA-384 for P-384 keys, SHA-512 for P-521); ignored for Ed25519. */
  hash?: HashName;
}

export interface IssueOptions {
  subject: DnAttr[];
  publicKeySpki: Uint8Array;
  sans?: San[];
  profile: Profile;
  /** Default: root 3650, intermediate 1825, leaf 365. */
  days?: number;
  /** Default: now. */
  notBefore?: Date;
  /** The signing CA; absent → self-signed with `subjectPrivateKeyPkcs8`. */
  issuer?: { certificate: Uint8Array /* DER */; privateKeyPkcs8: Uint8Array };
  /** Needed for self-signed certificates; must match `publicKeySpki`. */
  subjectPrivateKeyPkcs8?: Uint8Array;
  /** Hex; default `randomSerial()`. */
  serialNumber?: string;
  /** CA profiles only. Default: root 1, intermediate 0; `null` → no pathLen constraint. */
  pathLength?: number | null;
  /** Default by the signing key: SHA-256, SHA-384 for P-384, SHA-512 for P-521. */
  hash?: HashName;
  /** Allow RSA keys under 2048 bits (then reported as a warning). */
  allowWeak?: boolean;
  /** Allow a certificate outliving its CA (then reported as a warning). */
  allowOutliveIssuer?: boolean;
}

/** As IssueOptions; the key comes from the CSR, the CA is signCsr's argument. */
export interface SignCsrOptions extends Omit<IssueOptions, 'subject' | 'publicKeySpki' | 'sans' | 'issuer' | 'subjectPrivateKeyPkcs8'> {
  /** Override the CSR's subject. */
  subject?: DnAttr[];
  /** Override the CSR's SANs (default: copied from the CSR's extensionRequest). */
  sans?: San[];
}

export interface IssueResult {
  der: Uint8Array;
  /** Clamping notes and lint findings (messages), for the user to see before writing. */
  warnings: string[];
}

const PROFILES: readonly Profile[] = ['server', 'client', 'server+client', 'intermediate', 'root'];
const HASHES: readonly HashName[] = ['SHA-256', 'SHA-384', 'SHA-512'];
const DEFAULT_DAYS: Record<Profile, number> = { root: 3650, intermediate: 1825, server: 365, client: 365, 'server+client': 365 };

// ---------------------------------------------------------------------------------------------
// Errors

async function guard<T>(what: string, f: () => Promise<T>): Promise<T> {
  try {
    return await f();
  } catch (e) {
    if (e instanceof PkiError) throw e;
    throw new PkiError(`${what}: ${messageOf(e)}`);
  }
}

// ---------------------------------------------------------------------------------------------
// SANs

const LABEL_RE = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;

/** A DNS name (optionally with a leading `*.` wildcard) in ASCII form, or undefined when invalid. IDNs become punycode. */
function normalizeDns(name: string): string | undefined {
  const wild = name.startsWith('*.');
  let base = wild ? name.slice(2) : name;
  if (/[^\x20-\x7e]/.test(base)) {
    const ascii = domainToASCII(base);
    if (!ascii) return undefined;
    base = ascii;
  }
  if (base === '' || base.length + (wild ? 2 : 0) > 253) return undefined;
  if (!base.split('.').every((l) => LABEL_RE.test(l))) return undefined;
  return wild ? `*.${base}` : base;
}

function ipv4Bytes(s: string): number[] {
  return s.split('.').map(Number);
}

/** Bytes of an IPv4 or IPv6 address (no zone id), or undefined. */
function ipBytes(s: string): Uint8Array | undefined {
  const kind = isIP(s);
  if (kind === 4) return Uint8Array.from(ipv4Bytes(s));
  if (kind !== 6 || s.includes('%')) return undefined;
  let text = s;
  let tail: number[] = [];
  const lastColon = text.lastIndexOf(':');
  if (text.slice(lastColon + 1).includes('.')) {
    tail = ipv4Bytes(text.slice(lastColon + 1));
    text = `${text.slice(0, lastColon + 1)}0:0`;
  }
  const halves = text.split('::');
  const parse = (p: string): number[] => (p === '' ? [] : p.split(':').map((h) => parseInt(h, 16)));
  const head = parse(halves[0]);
  const rest = halves.length > 1 ? parse(halves[1]) : [];
  const fill = 8 - head.length - rest.length;
  if (halves.length > 2 || (halves.length === 1 && fill !== 0) || fill < 0) return undefined;
  const words = [...head, ...new Array<number>(fill).fill(0), ...rest];
  const out = new Uint8Array(16);
  words.forEach((w, i) => {
    out[2 * i] = w >> 8;
    out[2 * i + 1] = w & 0xff;
  });
  if (tail.length === 4) out.set(tail, 12);
  return out;
}

const EMAIL_LOCAL_RE = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]+$/;
const URI_RE = /^[A-Za-z][A-Za-z0-9+.-]*:[\x21-\x7e]+$/;

/** Validates and normalizes one SAN (IPv6 → RFC 5952 text, IDN → punycode). Throws PkiError naming it. */
function checkSan(s: San): San {
  if (!s || typeof s.value !== 'string') throw new PkiError('SAN: expected a type and a value');
  const shown = `${s.type}:${s.value}`;
  switch (s.type) {
    case 'dns': {
      const v = normalizeDns(s.value);
      if (!v) throw new PkiError(`SAN "${shown}" is not a valid DNS name`);
      return { type: 'dns', value: v };
    }
    case 'ip': {
      const b = ipBytes(s.value);
      if (!b) throw new PkiError(`SAN "${shown}" is not a valid IPv4 or IPv6 address`);
      return { type: 'ip', value: ipAddress(b) };
    }
    case 'email': {
      const at = s.value.lastIndexOf('@');
      const local = s.value.slice(0, at);
      const domain = s.value.slice(at + 1);
      if (at <= 0 || !EMAIL_LOCAL_RE.test(local) || domain.startsWith('*') || !normalizeDns(domain) || /[^\x20-\x7e]/.test(domain)) {
        throw new PkiError(`SAN "${shown}" is not a valid email address`);
      }
      return { type: 'email', value: s.value };
    }
    case 'uri':
      if (!URI_RE.test(s.value)) throw new PkiError(`SAN "${shown}" is not a valid URI (it needs a scheme, e.g. https://, and no spaces)`);
      return { type: 'uri', value: s.value };
    default:
      throw new PkiError(`SAN type "${String((s as { type: unknown }).type)}" is not supported (dns, ip, email, uri)`);
  }
}

const SAN_PREFIX_RE = /^(dns|ip|ip address|email|uri)\s*:\s*(.*)$/is;

/**
 * Parses `dns:a.example,ip:1.2.3.4,ip:::1,email:e@x,uri:https://x`. Prefixes are case-insensitive (`DNS:`,
 * and OpenSSL's printed `IP Address:` work too); a bare value is a DNS name, or an IP when it parses as
 * one. Entries are separated by commas (a comma inside a URI must be written %2C); empty entries are
 * ignored; duplicates are dropped. Throws PkiError naming the first bad entry.
 */
export function parseSans(s: string): San[] {
  if (typeof s !== 'string') throw new PkiError('SAN: expected text');
  const out: San[] = [];
  const seen = new Set<string>();
  for (const piece of s.split(',')) {
    const p = piece.trim();
    if (p === '') continue;
    const m = SAN_PREFIX_RE.exec(p);
    let san: San;
    if (m) {
      const t = m[1].toLowerCase();
      san = { type: t === 'ip address' ? 'ip' : (t as San['type']), value: m[2].trim() };
    } else {
      san = { type: isIP(p) ? 'ip' : 'dns', value: p };
    }
    if (san.value === '') throw new PkiError(`SAN "${p}" has no value`);
    if (!m && san.type === 'dns' && !normalizeDns(p)) {
      throw new PkiError(`SAN "${p}" is not a valid DNS name (use ip:, email: or uri: for other kinds)`);
    }
    const v = checkSan(san);
    const key = `${v.type}:${v.type === 'dns' ? v.value.toLowerCase() : v.value}`;
    if (!seen.has(key)) {
      seen.add(key);
      out.push(v);
    }
  }
  return out;
}

interface SanEntry {
  san?: San;
  der: Uint8Array;
}

function sanEntry(s: San): SanEntry {
  const v = checkSan(s);
  const ascii = (t: string): Uint8Array => Buffer.from(t, 'latin1');
  let der: Uint8Array;
  switch (v.type) {
    case 'dns':
      der = derTlv(0x82, ascii(v.value));
      break;
    case 'email':
      der = derTlv(0x81, ascii(v.value));
      break;
    case 'uri':
      der = derTlv(0x86, ascii(v.value));
      break;
    case 'ip':
      der = derTlv(0x87, ipBytes(v.value) as Uint8Array);
      break;
  }
  return { san: v, der };
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

function sameSan(a: SanEntry, b: SanEntry): boolean {
  if (a.san && b.san && a.san.type === 'dns' && b.san.type === 'dns') return a.san.value.toLowerCase() === b.san.value.toLowerCase();
  return sameBytes(a.der, b.der);
}

/** The CN values of a subject that are DNS names or IPs, as SANs. */
function cnSans(subject: DnAttr[]): SanEntry[] {
  const out: SanEntry[] = [];
  for (const a of subject) {
    if (a.type !== 'CN') continue;
    const v = a.value.trim();
    if (isIP(v) && ipBytes(v)) out.push(sanEntry({ type: 'ip', value: v }));
    else if (normalizeDns(v)) out.push(sanEntry({ type: 'dns', value: v }));
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Keys

type Curve = 'P-256' | 'P-384' | 'P-521';
interface LoadedKey {
  kind: 'rsa' | 'ec' | 'ed25519';
  curve?: Curve;
  bits?: number;
  object: KeyObject;
}

const NODE_CURVES: Record<string, Curve> = { prime256v1: 'P-256', secp384r1: 'P-384', secp521r1: 'P-521' };

function loadPrivateKey(pkcs8: Uint8Array, what: string): LoadedKey {
  let object: KeyObject | undefined;
  // PKCS#8 is the contract; PKCS#1 (RSA) and SEC1 (EC) DER, as `openssl pkey -outform DER` may write, are accepted too.
  for (const type of ['pkcs8', 'pkcs1', 'sec1'] as const) {
    try {
      object = createPrivateKey({ key: Buffer.from(pkcs8), format: 'der', type });
      break;
    } catch {
      // try the next form
    }
  }
  if (!object) throw new PkiError(`${what}: not a valid unencrypted PKCS#8 private key`);
  const t = object.asymmetricKeyType;
  if (t === 'rsa') return { kind: 'rsa', bits: object.asymmetricKeyDetails?.modulusLength ?? 0, object };
  if (t === 'ed25519') return { kind: 'ed25519', object };
  if (t === 'ec') {
    const nc = object.asymmetricKeyDetails?.namedCurve ?? '';
    const curve = NODE_CURVES[nc];
    if (!curve) throw new PkiError(`${what}: EC curve ${nc || '(unknown)'} is not supported for signing (use P-256, P-384 or P-521)`);
    return { kind: 'ec', curve, object };
  }
  throw new PkiError(`${what}: ${t ?? 'unknown'} keys are not supported for signing (use RSA, EC P-256/P-384/P-521 or Ed25519)`);
}

function publicKeyObject(spki: Uint8Array, what: string): KeyObject {
  try {
    return createPublicKey({ key: Buffer.from(spki), format: 'der', type: 'spki' });
  } catch {
    throw new PkiError(`${what}: not a valid SubjectPublicKeyInfo`);
  }
}

/**
 * Compares Node's canonical SPKI exports. (KeyObject.equals across key types leaves an error on OpenSSL's
 * queue in Node 20, which then makes the next createPrivateKey fail — so it is not used.)
 */
function keysMatch(pub: KeyObject, priv: KeyObject): boolean {
  try {
    if (pub.asymmetricKeyType !== priv.asymmetricKeyType) return false;
    const a = pub.export({ format: 'der', type: 'spki' });
    const b = createPublicKey(priv).export({ format: 'der', type: 'spki' });
    return a.equals(b);
  } catch {
    return false;
  }
}

/**
 * The fast case of keysMatch: `spki` is byte for byte the public key Node derives from `priv` (as when both come
 * from generateKey): equal bytes need no parsing. Anything else (another encoding of the same key) goes to keysMatch.
 */
function sameSpki(spki: Uint8Array, priv: KeyObject): boolean {
  try {
    return Buffer.from(spki.buffer, spki.byteOffset, spki.byteLength).equals(createPublicKey(priv).export({ format: 'der', type: 'spki' }));
  } catch {
    return false;
  }
}

function defaultHash(k: LoadedKey): HashName {
  if (k.curve === 'P-384') return 'SHA-384';
  if (k.curve === 'P-521') return 'SHA-512';
  return 'SHA-256';
}

function checkHash(h: HashName | undefined): void {
  if (h !== undefined && !HASHES.includes(h)) throw new PkiError(`hash "${String(h)}" is not supported (SHA-256, SHA-384, SHA-512)`);
}

// Signing: the DER is assembled here and signed with Node's crypto (on libuv's thread pool), straight from the
// KeyObject already loaded: no second import of the key, no ASN.1 library (both cost more than the signature).

const SIGNATURE_OIDS: Record<'rsa' | 'ec', Record<HashName, string>> = {
  rsa: { 'SHA-256': '1.2.840.113549.1.1.11', 'SHA-384': '1.2.840.113549.1.1.12', 'SHA-512': '1.2.840.113549.1.1.13' },
  ec: { 'SHA-256': '1.2.840.10045.4.3.2', 'SHA-384': '1.2.840.10045.4.3.3', 'SHA-512': '1.2.840.10045.4.3.4' },
};
const OID_ED25519 = '1.3.101.112';
const DER_NULL = Uint8Array.from([Tag.Null, 0]);

/** AlgorithmIdentifier of the signature: PKCS#1 v1.5 with NULL parameters, ECDSA and Ed25519 without (RFC 4055, 5758, 8410). */
function signatureAlgorithm(k: LoadedKey, hash: HashName): Uint8Array {
  if (k.kind === 'ed25519') return derTlv(Tag.Sequence, derOid(OID_ED25519));
  if (k.kind === 'ec') return derTlv(Tag.Sequence, derOid(SIGNATURE_OIDS.ec[hash]));
  return derTlv(Tag.Sequence, derOid(SIGNATURE_OIDS.rsa[hash]), DER_NULL);
}

/** SIGNED{…}: SEQUENCE { data, algorithm, BIT STRING signature } (certificates and CSRs alike). */
async function signed(data: Uint8Array, k: LoadedKey, hash: HashName): Promise<Uint8Array> {
  const alg = k.kind === 'ed25519' ? null : hash.replace('-', '').toLowerCase();
  const signature = await new Promise<Buffer>((resolve, reject) => {
    // ECDSA signatures come DER-encoded (Node's default dsaEncoding), as X.509 wants them.
    cryptoSign(alg, data, k.object, (err, sig) => (err ? reject(err) : resolve(sig)));
  });
  return derTlv(Tag.Sequence, data, signatureAlgorithm(k, hash), derTlv(Tag.BitString, Uint8Array.from([0]), signature));
}

/** Time per RFC 5280 §4.1.2.5: UTCTime through 2049, GeneralizedTime from 2050, whole seconds, Z. */
function derTime(d: Date): Uint8Array {
  const iso = d.toISOString();
  const digits = iso.slice(0, 4) + iso.slice(5, 7) + iso.slice(8, 10) + iso.slice(11, 13) + iso.slice(14, 16) + iso.slice(17, 19);
  const year = d.getUTCFullYear();
  if (year >= 1950 && year < 2050) return derTlv(Tag.UtcTime, Buffer.from(`${digits.slice(2)}Z`, 'latin1'));
  return derTlv(Tag.GeneralizedTime, Buffer.from(`${digits}Z`, 'latin1'));
}

// ---------------------------------------------------------------------------------------------
// Serial numbers

/** 20 random bytes with the top bit cleared, never zero, as 40 lowercase hex digits. */
function randomSerial(): string {
  for (;;) {
    const b = randomBytes(20);
    b[0] &= 0x7f;
    if (b.some((x) => x !== 0)) return b.toString('hex');
  }
}

/** Lowercase even-length hex of a positive serial that fits RFC 5280's 20 octets; throws PkiError otherwise. */
function normalizeSerial(input: string): string {
  if (typeof input !== 'string') throw new PkiError('serial number: expected hexadecimal text');
  let h = input.trim().replace(/^0x/i, '').replace(/:/g, '');
  if (!/^[0-9A-Fa-f]+$/.test(h)) throw new PkiError(`serial number "${input}" is not hexadecimal`);
  h = h.replace(/^0+/, '').toLowerCase();
  if (h === '') throw new PkiError('serial number must not be zero');
  if (h.length % 2) h = `0${h}`;
  const octets = h.length / 2 + (parseInt(h[0], 16) >= 8 ? 1 : 0);
  if (octets > 20) throw new PkiError('serial number is longer than 20 octets (RFC 5280)');
  return h;
}

/**
 * `openssl x509 -req -CAserial/-CAcreateserial` behaviour: the file holds the last serial used; the next
 * one is that + 1 and is written back (uppercase hex, whole octets, then a newline). With no file, a
 * random 159-bit serial starts the sequence. Returns the serial for this certificate (lowercase hex)
 * and the new file contents.
 */
export function nextSerialFromFile(contents: string | undefined): { serial: string; fileContents: string } {
  let value: bigint;
  if (contents === undefined) {
    value = BigInt(`0x${randomSerial()}`);
  } else {
    const line = contents.split(/\r?\n/).map((l) => l.trim()).find((l) => l !== '') ?? '';
    if (!/^[0-9A-Fa-f]+$/.test(line)) throw new PkiError('serial file: expected one hexadecimal serial number');
    value = BigInt(`0x${line}`) + 1n;
  }
  const serial = normalizeSerial(value.toString(16));
  return { serial, fileContents: `${serial.toUpperCase()}\n` };
}

// ---------------------------------------------------------------------------------------------
// Extensions

function basicConstraintsDer(ca: boolean, pathLength?: number): Uint8Array {
  const parts: Uint8Array[] = [];
  if (ca) parts.push(Uint8Array.from([Tag.Boolean, 1, 0xff]));
  if (ca && pathLength !== undefined) parts.push(derUnsigned(pathLength));
  return derTlv(Tag.Sequence, ...parts);
}

function keyUsageDer(names: (typeof KEY_USAGES)[number][]): Uint8Array {
  const bytes = [0, 0];
  for (const n of names) {
    const i = KEY_USAGES.indexOf(n);
    bytes[i >> 3] |= 0x80 >> (i & 7);
  }
  const len = bytes[1] ? 2 : bytes[0] ? 1 : 0;
  if (len === 0) return derTlv(Tag.BitString, Uint8Array.from([0]));
  const last = bytes[len - 1];
  let unused = 0;
  while (!(last & (1 << unused))) unused++;
  return derTlv(Tag.BitString, Uint8Array.from([unused, ...bytes.slice(0, len)]));
}

/** RFC 5280 method 1: SHA-1 of the subjectPublicKey BIT STRING contents. */
function keyIdentifier(spki: Uint8Array): Uint8Array {
  const root = expectTag(readRoot(spki, false), Tag.Sequence, 'SubjectPublicKeyInfo');
  const bits = children(spki, root)[1];
  if (!bits) throw new PkiError('public key: SubjectPublicKeyInfo is incomplete');
  return createHash('sha1').update(bitStringBytes(spki, bits).subarray(0)).digest();
}

/** Extension ::= SEQUENCE { extnID, critical BOOLEAN DEFAULT FALSE (omitted when false), extnValue OCTET STRING }. */
function extension(oid: string, critical: boolean, value: Uint8Array): Uint8Array {
  return critical
    ? derTlv(Tag.Sequence, derOid(oid), Uint8Array.from([Tag.Boolean, 1, 0xff]), derTlv(Tag.OctetString, value))
    : derTlv(Tag.Sequence, derOid(oid), derTlv(Tag.OctetString, value));
}

// ---------------------------------------------------------------------------------------------
// Issuing

/** What both issueCertificate and signCsr hand to the issuer: the subject and key already encoded. */
interface Core extends Omit<IssueOptions, 'subject' | 'publicKeySpki' | 'sans'> {
  subjectDer: Uint8Array;
  spki: Uint8Array;
  sans: SanEntry[];
}

function isoDay(d: Date): string {
  return d.toISOString().slice(0, 10);
}

/** The issuing CA, decoded, with the exact bytes of its subject Name and SubjectPublicKeyInfo (which the model decodes). */
interface IssuerCert {
  cert: Decoded<CertificateModel>;
  notAfter: Date;
  subjectDer: Uint8Array;
  spkiDer: Uint8Array;
}

function readIssuer(der: Uint8Array): IssuerCert {
  const cert = readCertificate(der);
  // Decoded without error, so TBSCertificate is [ [0] version, ] serial, signature, issuer, validity, subject, spki, ….
  const f = children(der, children(der, readRoot(der))[0]);
  const i = f[0].tag === 0xa0 ? 1 : 0;
  return { cert, notAfter: new Date(cert.notAfter), subjectDer: whole(der, f[i + 4]), spkiDer: whole(der, f[i + 5]) };
}

async function issueCore(o: Core): Promise<IssueResult> {
  const warnings: string[] = [];
  if (!PROFILES.includes(o.profile)) throw new PkiError(`profile "${String(o.profile)}" is not one of ${PROFILES.join(', ')}`);
  checkHash(o.hash);
  const isCA = o.profile === 'root' || o.profile === 'intermediate';
  const allowWeak = o.allowWeak === true;

  // The subject key: OpenSSL checks it (first, so a bad key is what the error names) — unless it is a self-signed
  // certificate's, which is then compared with the signer's own public key, byte for byte, below.
  let subjectKey: KeyObject | undefined = o.issuer ? publicKeyObject(o.spki, 'subject public key') : undefined;
  let keyInfo: ReturnType<typeof spkiInfo>;
  try {
    keyInfo = spkiInfo(o.spki);
  } catch (e) {
    if (!subjectKey) publicKeyObject(o.spki, 'subject public key'); // OpenSSL's verdict first, as for every other key
    throw e;
  }
  if (keyInfo.algorithm === 'RSA' && keyInfo.size < 2048 && !allowWeak) {
    throw new PkiError(`RSA key of ${keyInfo.size} bits refused: use at least 2048 bits (or explicitly allow weak keys)`);
  }

  // The signer.
  let signer: LoadedKey;
  let issuerCert: IssuerCert | undefined;
  if (o.issuer) {
    if (o.profile === 'root') throw new PkiError('profile root is for self-signed CAs; use intermediate to sign a CA with another CA');
    issuerCert = readIssuer(o.issuer.certificate);
    const ca = issuerCert.cert;
    if (!ca.isCA) {
      throw new PkiError('the issuer certificate is not a CA (basicConstraints CA:TRUE is missing)');
    }
    if (hasExtension(ca, OID.keyUsage) && !ca.keyUsage.includes('keyCertSign')) {
      throw new PkiError('the issuer certificate may not sign certificates (its keyUsage lacks keyCertSign)');
    }
    signer = loadPrivateKey(o.issuer.privateKeyPkcs8, 'CA private key');
    if (!sameSpki(issuerCert.spkiDer, signer.object) && !keysMatch(publicKeyObject(issuerCert.spkiDer, 'CA certificate'), signer.object)) {
      throw new PkiError('the CA private key does not match the CA certificate');
    }
    if (signer.kind === 'rsa' && (signer.bits ?? 0) < 2048) {
      if (!allowWeak) throw new PkiError(`the CA key is RSA-${signer.bits}: keys under 2048 bits are refused (unless weak keys are explicitly allowed)`);
      warnings.push(`the CA key is RSA-${signer.bits}: signatures from keys under 2048 bits are rejected by current TLS stacks`);
    }
    if (o.profile === 'intermediate' && ca.pathLength === 0) {
      throw new PkiError('the issuing CA has pathLen 0: it may sign leaf certificates only, not another CA');
    }
  } else {
    if (o.profile === 'intermediate') throw new PkiError('an intermediate CA needs an issuer (the parent CA certificate and key)');
    if (!o.subjectPrivateKeyPkcs8) throw new PkiError('a self-signed certificate needs the subject private key');
    signer = loadPrivateKey(o.subjectPrivateKeyPkcs8, 'private key');
    if (!sameSpki(o.spki, signer.object)) {
      subjectKey ??= publicKeyObject(o.spki, 'subject public key');
      if (!keysMatch(subjectKey, signer.object)) throw new PkiError('the private key does not match the public key being certified');
    }
  }

  // pathLen
  let pathLength: number | undefined;
  if (isCA) {
    const p = o.pathLength === undefined ? (o.profile === 'root' ? 1 : 0) : o.pathLength;
    if (p !== null) {
      if (!Number.isInteger(p) || p < 0 || p > 255) throw new PkiError(`pathLength must be a whole number from 0 to 255, not ${String(p)}`);
      pathLength = p;
      const parentLen = issuerCert?.cert.pathLength;
      if (parentLen !== undefined && p >= parentLen) {
        warnings.push(`pathLen ${p} has no effect beyond the issuer's pathLen ${parentLen} (at most ${parentLen - 1} more CA level(s) below)`);
      }
    }
  } else if (o.pathLength !== undefined && o.pathLength !== null) {
    throw new PkiError('pathLength applies only to CA profiles (root, intermediate)');
  }

  // Validity
  const days = o.days ?? DEFAULT_DAYS[o.profile];
  if (!Number.isInteger(days) || days < MIN_DAYS || days > MAX_DAYS) throw new PkiError(`days must be a whole number from ${MIN_DAYS} to ${MAX_DAYS}, not ${String(days)}`);
  const nb = o.notBefore ?? new Date();
  if (!(nb instanceof Date) || Number.isNaN(nb.getTime())) throw new PkiError('notBefore is not a valid date');
  const notBefore = new Date(Math.floor(nb.getTime() / 1000) * 1000);
  let notAfter = new Date(notBefore.getTime() + days * DAY_MS);
  if (issuerCert && notAfter.getTime() > issuerCert.notAfter.getTime()) {
    if (isCA) {
      notAfter = issuerCert.notAfter;
      if (notAfter.getTime() <= notBefore.getTime()) throw new PkiError(`the issuing CA expired on ${isoDay(notAfter)}`);
      warnings.push(`validity clamped to the issuing CA's notAfter (${isoDay(notAfter)}): an intermediate never outlives its parent`);
    } else if (o.allowOutliveIssuer !== true) {
      throw new PkiError(`the certificate would outlive its CA (CA expires ${isoDay(issuerCert.notAfter)}, certificate ${isoDay(notAfter)}): use fewer days, or explicitly allow it`);
    }
  }

  const serial = o.serialNumber === undefined ? randomSerial() : normalizeSerial(o.serialNumber);
  const hash = o.hash ?? defaultHash(signer);

  // Extensions
  const subject = decodeDnAttrs(o.subjectDer);
  const sans = [...o.sans];
  if (o.profile === 'server' || o.profile === 'server+client') {
    for (const e of cnSans(subject)) if (!sans.some((s) => sameSan(s, e))) sans.push(e);
  }
  if (subject.length === 0 && sans.length === 0) throw new PkiError('a certificate needs a subject or at least one SAN');
  const ski = keyIdentifier(o.spki);
  const issuerSki = issuerCert?.cert.subjectKeyIdentifier;
  const aki = issuerCert ? (issuerSki !== undefined ? Buffer.from(issuerSki, 'hex') : keyIdentifier(issuerCert.spkiDer)) : ski;
  const exts: Uint8Array[] = [];
  if (isCA) {
    exts.push(extension(OID.basicConstraints, true, basicConstraintsDer(true, pathLength)));
    exts.push(extension(OID.keyUsage, true, keyUsageDer(['digitalSignature', 'keyCertSign', 'cRLSign'])));
  } else {
    exts.push(extension(OID.basicConstraints, true, basicConstraintsDer(false)));
    exts.push(extension(OID.keyUsage, true, keyUsageDer(keyInfo.algorithm === 'RSA' ? ['digitalSignature', 'keyEncipherment'] : ['digitalSignature'])));
    const eku: string[] = [];
    if (o.profile === 'server' || o.profile === 'server+client') eku.push('1.3.6.1.5.5.7.3.1');
    if (o.profile === 'client' || o.profile === 'server+client') eku.push('1.3.6.1.5.5.7.3.2');
    exts.push(extension(OID.extKeyUsage, false, derTlv(Tag.Sequence, ...eku.map(derOid))));
  }
  exts.push(extension(OID.subjectKeyId, false, derTlv(Tag.OctetString, ski)));
  exts.push(extension(OID.authorityKeyId, false, derTlv(Tag.Sequence, derTlv(0x80, aki))));
  if (sans.length > 0) {
    exts.push(extension(OID.subjectAltName, subject.length === 0, derTlv(Tag.Sequence, ...sans.map((s) => s.der))));
  }

  const issuerName = issuerCert ? issuerCert.subjectDer : o.subjectDer;
  // TBSCertificate: [0] v3, serial, signature algorithm, issuer, validity, subject, key, [3] extensions.
  const tbs = derTlv(
    Tag.Sequence,
    Uint8Array.from([0xa0, 3, Tag.Integer, 1, 2]),
    derUnsigned(serial),
    signatureAlgorithm(signer, hash),
    issuerName,
    derTlv(Tag.Sequence, derTime(notBefore), derTime(notAfter)),
    o.subjectDer,
    o.spki,
    derTlv(0xa3, derTlv(Tag.Sequence, ...exts)),
  );
  const der = await signed(tbs, signer, hash);
  for (const f of lintCertificate(der, o.issuer?.certificate)) warnings.push(f.message);
  return { der, warnings };
}

/**
 * Issues a certificate: self-signed with `subjectPrivateKeyPkcs8` when `issuer` is absent, else signed by
 * the issuer CA. See the defaults and refusals at the top of this file. Returns DER and warnings
 * (clamping notes and lint messages).
 */
export function issueCertificate(o: IssueOptions): Promise<IssueResult> {
  return guard('could not issue the certificate', async () => {
    if (!o || typeof o !== 'object') throw new PkiError('issue: options are missing');
    const subjectDer = encodeName(o.subject ?? []);
    const sans = (o.sans ?? []).map(sanEntry);
    return issueCore({ ...o, subjectDer, spki: o.publicKeySpki, sans });
  });
}

// ---------------------------------------------------------------------------------------------
// CSRs

interface CsrParts {
  info: Uint8Array;
  subjectDer: Uint8Array;
  spkiDer: Uint8Array;
  sigOid: string;
  sigAlg: Tlv;
  signature: Uint8Array;
  sans?: SanEntry[];
  der: Uint8Array;
}


function parseCsr(der: Uint8Array): CsrParts {
  try {
    const root = expectTag(readRoot(der), Tag.Sequence, 'CertificationRequest');
    const [infoT, algT, sigT] = children(der, root);
    if (!infoT || !algT || !sigT) throw new PkiError('incomplete CertificationRequest');
    const [, subjectT, spkiT, attrsT] = children(der, expectTag(infoT, Tag.Sequence, 'CertificationRequestInfo'));
    if (!subjectT || !spkiT) throw new PkiError('incomplete CertificationRequestInfo');
    const [oidT] = children(der, expectTag(algT, Tag.Sequence, 'AlgorithmIdentifier'));
    const parts: CsrParts = {
      info: whole(der, infoT),
      subjectDer: whole(der, expectTag(subjectT, Tag.Sequence, 'Name')),
      spkiDer: whole(der, expectTag(spkiT, Tag.Sequence, 'SubjectPublicKeyInfo')),
      sigOid: decodeOid(der, oidT),
      sigAlg: algT,
      signature: bitStringBytes(der, sigT),
      der,
    };
    if (attrsT && attrsT.tag === 0xa0) {
      for (const attr of children(der, attrsT)) {
        const [typeT, valuesT] = children(der, expectTag(attr, Tag.Sequence, 'Attribute'));
        if (decodeOid(der, typeT) !== OID.extensionRequest || !valuesT) continue;
        const extsT = children(der, valuesT)[0];
        if (!extsT) continue;
        for (const e of children(der, expectTag(extsT, Tag.Sequence, 'Extensions'))) {
          const f = children(der, expectTag(e, Tag.Sequence, 'Extension'));
          if (decodeOid(der, f[0]) !== OID.subjectAltName) continue;
          const valueT = f[f.length - 1];
          parts.sans = csrSans(content(der, expectTag(valueT, Tag.OctetString, 'extnValue')));
        }
      }
    }
    return parts;
  } catch (e) {
    if (e instanceof PkiError) throw new PkiError(`CSR: ${e.message}`);
    throw new PkiError('CSR: not a valid DER certificate request');
  }
}

/**
 * The requested SANs, each with its GeneralName DER (copied as is). Only DNS names need their text: they are
 * compared case-insensitively with the CN-derived ones; other kinds are compared by their DER.
 */
function csrSans(value: Uint8Array): SanEntry[] {
  return children(value, expectTag(readRoot(value), Tag.Sequence, 'GeneralNames')).map((g): SanEntry =>
    g.tag === 0x82
      ? { san: { type: 'dns', value: Buffer.from(content(value, g)).toString('latin1') }, der: whole(value, g) }
      : { der: whole(value, g) },
  );
}

function verifyParts(p: CsrParts): boolean {
  const key = publicKeyObject(p.spkiDer, 'CSR public key');
  let known: boolean;
  try {
    known = signatureHash(p.der, p.sigAlg) !== undefined;
  } catch {
    return false;
  }
  if (!known) throw new PkiError(`CSR: unsupported signature algorithm ${p.sigOid}`);
  return verifySignature(p.der, p.sigAlg, p.info, p.signature, p.spkiDer, key.asymmetricKeyType === 'rsa' ? 'RSA' : 'other');
}

/** A DER PKCS#10 CSR signed by the key; SANs go in an extensionRequest. Hash default: see CsrOptions. */
export function createCsr(o: CsrOptions): Promise<Uint8Array> {
  return guard('could not create the CSR', async () => {
    checkHash(o.hash);
    const key = loadPrivateKey(o.privateKeyPkcs8, 'private key');
    const subjectDer = encodeName(o.subject ?? []);
    const sans = (o.sans ?? []).map(sanEntry);
    const emptySubject = decodeDnAttrs(subjectDer).length === 0;
    if (emptySubject && sans.length === 0) throw new PkiError('a CSR needs a subject or at least one SAN');
    const spki = createPublicKey(key.object).export({ format: 'der', type: 'spki' });
    // attributes [0]: the SANs in an extensionRequest, or nothing.
    const attributes =
      sans.length > 0
        ? derTlv(
            0xa0,
            derTlv(
              Tag.Sequence,
              derOid(OID.extensionRequest),
              derTlv(Tag.Set, derTlv(Tag.Sequence, extension(OID.subjectAltName, emptySubject, derTlv(Tag.Sequence, ...sans.map((s) => s.der))))),
            ),
          )
        : Uint8Array.from([0xa0, 0]);
    // CertificationRequestInfo: version 0, subject, key, attributes.
    const info = derTlv(Tag.Sequence, Uint8Array.from([Tag.Integer, 1, 0]), subjectDer, spki, attributes);
    return signed(info, key, o.hash ?? defaultHash(key));
  });
}

/**
 * Signs a CSR with a CA: verifies the CSR's signature, keeps its subject (raw) unless overridden, copies
 * its SANs unless overridden (other requested extensions are ignored), then issues like issueCertificate.
 */
export function signCsr(
  csrDer: Uint8Array,
  ca: { certificate: Uint8Array; privateKeyPkcs8: Uint8Array },
  o: SignCsrOptions,
): Promise<IssueResult> {
  return guard('could not sign the CSR', async () => {
    const csr = parseCsr(csrDer);
    if (!verifyParts(csr)) throw new PkiError('the CSR signature does not verify (the request was altered or signed with another key)');
    if (!ca || !ca.certificate || !ca.privateKeyPkcs8) throw new PkiError('signing a CSR needs the CA certificate and its private key');
    const subjectDer = o.subject ? encodeName(o.subject) : csr.subjectDer;
    const sans: SanEntry[] = o.sans ? o.sans.map(sanEntry) : (csr.sans ?? []);
    return issueCore({ ...o, subjectDer, spki: csr.spkiDer, sans, issuer: ca });
  });
}

