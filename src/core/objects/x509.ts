// X.509 certificates, PKCS#10 CSRs and CRLs → the typed model, decoded directly from DER with asn1.ts
// (no ASN.1 schema library: this is on the hot path of the explorer and `tlsw inspect`).

import * as nodeCrypto from 'node:crypto';
import { constants, createHash, createPublicKey, verify } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import type { Tlv } from '../der/asn1';
import {
  Tag,
  children,
  decodeOid,
  decodeString,
  decodeTime,
  ia5Text,
  integerHex,
  integerNumber,
  isoSeconds,
  readRoot,
  readTlv,
  tagText,
  toHex,
} from '../der/asn1';
import type {
  AccessDescription,
  CertificateModel,
  CrlModel,
  CsrAttribute,
  CsrModel,
  Decoded,
  Expiry,
  ExtensionInfo,
  RevokedEntry,
  SanType,
  SignatureDefect,
} from '../model';
import { PkiError } from '../model';
import { expiryOf } from '../display/expiry';
import { colonHex, messageOf } from '../display/labels';
import { decodeDistinguishedName } from './names';
import { DIGEST_OIDS, OID, oidName } from '../der/oids';
import { OID_RSA_PSS, spkiInfo } from './publicKey';

export interface DecodeOptions {
  /** Reference time for the expiry status. */
  now: Date;
  /** A certificate whose notAfter is at most this many days away is `expiring`. */
  warnDays: number;
}

// ---------------------------------------------------------------------------------------------------------
// Public decoders

/** Decodes a DER X.509 certificate. Throws PkiError (never anything else) when it is malformed. */
export function decodeCertificate(der: Uint8Array, opts: DecodeOptions): Decoded<CertificateModel> {
  return decodeCertificateParts(der, opts).model;
}

/** Where a certificate's parts sit in its DER (read while decoding), for readers that need raw bytes too. */
export interface CertificateTlvs {
  tbs: Tlv;
  /** The outer signatureAlgorithm, and the TBS `signature` AlgorithmIdentifier. */
  signatureAlgorithm: Tlv;
  innerAlgorithm: Tlv;
  signatureValue: Tlv;
  serial: Tlv;
  issuer: Tlv;
  subject: Tlv;
  spki: Tlv;
  notBefore: Date;
  notAfter: Date;
  /** The Extensions SEQUENCE (inside [3]), when present. */
  extensions?: Tlv;
}

/** decodeCertificate, with the TLVs it read: path validation takes both from one pass. */
export function decodeCertificateParts(der: Uint8Array, opts: DecodeOptions): { model: Decoded<CertificateModel>; tlvs: CertificateTlvs } {
  return guard('certificate', () => certificate(der, opts));
}

/** Decodes a DER PKCS#10 certificate request and checks its self-signature. Throws PkiError when malformed. */
export function decodeCsr(der: Uint8Array): Decoded<CsrModel> {
  return guard('certificate request', () => csr(der));
}

/** Decodes a DER X.509 CRL. Throws PkiError when malformed. */
export function decodeCrl(der: Uint8Array): Decoded<CrlModel> {
  return guard('CRL', () => crl(der));
}

function guard<T>(what: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof PkiError) throw new PkiError(`${what}: ${e.message}`);
    throw new PkiError(`${what}: malformed (${messageOf(e)})`);
  }
}

// ---------------------------------------------------------------------------------------------------------
// Certificate

/**
 * The SIGNED envelope certificates, CSRs and CRLs share: SEQUENCE { signed data, signatureAlgorithm, signature },
 * nothing after. `parts` names the three in the message for an incomplete one.
 */
function signedEnvelope(der: Uint8Array, name: string, parts: string): { root: Tlv; tbs: Tlv; sigAlg: Tlv; sigValue: Tlv } {
  if (!(der instanceof Uint8Array)) throw new PkiError('expected bytes');
  if (der.length === 0) throw new PkiError('no data');
  const root = seq(readRoot(der, true), name);
  const [tbs, sigAlg, sigValue, extra] = children(der, root);
  if (!tbs || !sigAlg || !sigValue) throw new PkiError(`incomplete: ${parts}`);
  if (extra) throw new PkiError('unexpected element after the signature');
  return { root, tbs, sigAlg, sigValue };
}

function certificate(der: Uint8Array, opts: DecodeOptions): { model: Decoded<CertificateModel>; tlvs: CertificateTlvs } {
  const { root, tbs, sigAlg, sigValue } = signedEnvelope(der, 'Certificate', 'a certificate has a TBSCertificate, an algorithm and a signature');
  seq(tbs, 'TBSCertificate');
  const f = children(der, tbs);
  let i = 0;
  let version = 1;
  if (f[0] && f[0].tag === 0xa0) {
    const v = children(der, f[0]);
    if (v.length !== 1) throw new PkiError('malformed version field');
    version = integerNumber(der, v[0]) + 1;
    i = 1;
  }
  const serialTlv = f[i];
  const innerAlg = f[i + 1];
  const issuerTlv = f[i + 2];
  const validity = f[i + 3];
  const subjectTlv = f[i + 4];
  const spkiTlv = f[i + 5];
  if (!serialTlv || !innerAlg || !issuerTlv || !validity || !subjectTlv || !spkiTlv) {
    throw new PkiError('incomplete TBSCertificate (serial, algorithm, issuer, validity, subject and public key are required)');
  }
  if (serialTlv.tag !== Tag.Integer) throw new PkiError(`expected the serial number (INTEGER), found tag 0x${serialTlv.tag.toString(16)}`);
  const serialNumber = serialHex(der, serialTlv);
  const { oid: signatureAlgorithmOid, name: signatureAlgorithm } = algorithm(der, sigAlg);
  const times = children(der, seq(validity, 'Validity'));
  if (times.length !== 2) throw new PkiError('validity must hold exactly two times');
  const nb = decodeTime(der, times[0]);
  const na = decodeTime(der, times[1]);
  const issuer = decodeDistinguishedName(der, issuerTlv);
  const subject = decodeDistinguishedName(der, subjectTlv);
  const spki = der.subarray(seq(spkiTlv, 'SubjectPublicKeyInfo').start, spkiTlv.end);
  const publicKey = spkiInfo(spki);

  let extTlv: Tlv | undefined;
  for (let k = i + 6; k < f.length; k++) {
    const t = f[k];
    if (t.tag === 0xa3) {
      const inner = children(der, t);
      if (inner.length !== 1) throw new PkiError('malformed extensions field');
      extTlv = inner[0];
    } else if (t.tag !== 0x81 && t.tag !== 0x82 && t.tag !== 0xa1 && t.tag !== 0xa2) {
      throw new PkiError(`unexpected field (tag 0x${t.tag.toString(16)}) in TBSCertificate`);
    }
  }
  const ext = newExtFields();
  const extensions = extTlv ? decodeExtensions(der, extTlv, ext) : [];

  const whole = der.subarray(root.start, root.end);
  const sha256 = hexDigest('sha256', whole);
  const model: Decoded<CertificateModel> = {
    kind: 'certificate',
    version,
    subject,
    issuer,
    serialNumber,
    notBefore: isoSeconds(nb),
    notAfter: isoSeconds(na),
    fingerprints: { sha1: hexDigest('sha1', whole), sha256 },
    publicKey,
    signatureAlgorithm,
    signatureAlgorithmOid,
    subjectAltNames: ext.subjectAltNames,
    isCA: ext.isCA,
    pathLength: ext.pathLength,
    keyUsage: ext.keyUsage,
    extendedKeyUsage: ext.extendedKeyUsage,
    subjectKeyIdentifier: ext.subjectKeyIdentifier,
    authorityKeyIdentifier: ext.authorityKeyIdentifier,
    crlDistributionPoints: ext.crlDistributionPoints,
    authorityInfoAccess: ext.authorityInfoAccess,
    extensions,
    selfSigned: false,
    expiry: expiry(nb, na, opts),
  };

  signatureBits(der, sigValue);
  const defect = signatureDefect(der, sigValue);
  if (defect) model.signatureDefect = defect;
  if (sameBytes(der, issuerTlv, subjectTlv) && !selfSignatureUnchecked(publicKey)) {
    // Verifying costs far more than decoding (≈0.7-0.9 ms for a P-384 root), so it is done on first read of
    // `selfSigned` and remembered per certificate (by SHA-256 of the DER). The closure keeps its own copy of
    // the certificate: the caller's buffer may be reused, and may be much larger than the certificate.
    const own = Buffer.from(whole);
    const off = root.start;
    const at = (t: Tlv): Tlv => ({ tag: t.tag, start: t.start - off, contentStart: t.contentStart - off, end: t.end - off });
    const tbsAt = at(tbs);
    const algAt = at(sigAlg);
    const sigAt = at(sigValue);
    const spkiAt = at(spkiTlv);
    const check: SelfCheck = { own, tbsAt, algAt, sigAt, spkiAt, keyAlgorithm: publicKey.algorithm };
    if (!selfSignedCache.has(sha256)) rememberPending(sha256, check);
    lazyBoolean(model, 'selfSigned', () => {
      const cached = selfSignedCache.get(sha256);
      if (cached !== undefined) return cached;
      pendingSelfSigned.delete(sha256);
      const ok = verifySignature(own, algAt, own.subarray(tbsAt.start, tbsAt.end), signatureBits(own, sigAt), own.subarray(spkiAt.start, spkiAt.end), check.keyAlgorithm);
      remember(sha256, ok);
      return ok;
    });
  }
  const tlvs: CertificateTlvs = {
    tbs,
    signatureAlgorithm: sigAlg,
    innerAlgorithm: innerAlg,
    signatureValue: sigValue,
    serial: serialTlv,
    issuer: issuerTlv,
    subject: subjectTlv,
    spki: spkiTlv,
    notBefore: nb,
    notAfter: na,
  };
  if (extTlv) tlvs.extensions = extTlv;
  return { model, tlvs };
}

/**
 * True when a self-issued certificate's signature is not checked because checking it is needlessly expensive:
 * an RSA key whose public exponent is over 48 bits (the model's `exponent` is then undefined). RSA verification
 * costs grow with the exponent's length — a 3072-bit exponent takes ~70× as long as 65537 (≈7 ms instead of 0.1)
 * — so a bundle of thousands of such roots took seconds; real keys use 65537, and BoringSSL, Go and Windows refuse
 * exponents over 33, 31 and 32 bits. Such a certificate reads as not self-signed (`selfSigned` false).
 */
export function selfSignatureUnchecked(key: { algorithm: string; exponent?: number }): boolean {
  return key.algorithm === 'RSA' && key.exponent === undefined;
}

/** What checking a self-signature needs, relative to the certificate's own copy. */
interface SelfCheck {
  own: Buffer;
  tbsAt: Tlv;
  algAt: Tlv;
  sigAt: Tlv;
  spkiAt: Tlv;
  keyAlgorithm: string;
}

/** Self-signature checks not run yet, by SHA-256 (bounded like the results: the oldest are forgotten first). */
const pendingSelfSigned = new Map<string, SelfCheck>();

function rememberPending(sha256: string, check: SelfCheck): void {
  if (pendingSelfSigned.size >= CACHE_MAX) {
    const oldest = pendingSelfSigned.keys().next().value;
    if (oldest !== undefined) pendingSelfSigned.delete(oldest);
  }
  pendingSelfSigned.set(sha256, check);
}

/** A decoded object, as far as self-signature checks go: certificates, and the certificates inside PKCS#12 bags. */
interface MaybeCertificate {
  kind: string;
  fingerprints?: { sha256: string };
  bags?: ReadonlyArray<{ object?: MaybeCertificate }>;
}

/**
 * Checks, in parallel on libuv's thread pool, the self-signatures that reading `selfSigned` on these decoded
 * certificates (and on the certificates inside these PKCS#12 keystores) would otherwise check one by one on the
 * calling thread; afterwards reading `selfSigned` is instant. For callers that show many certificates at once (a
 * trust bundle holds dozens of P-384 roots at about a millisecond each). Never rejects.
 */
export async function checkSelfSignatures(objects: Iterable<MaybeCertificate>): Promise<void> {
  const jobs: Promise<void>[] = [];
  const visit = (o: MaybeCertificate): void => {
    if (o.kind === 'pkcs12') for (const bag of o.bags ?? []) if (bag.object) visit(bag.object);
    const sha256 = o.kind === 'certificate' ? o.fingerprints?.sha256 : undefined;
    const check = sha256 !== undefined ? pendingSelfSigned.get(sha256) : undefined;
    if (sha256 === undefined || !check || selfSignedCache.has(sha256)) return;
    pendingSelfSigned.delete(sha256);
    const { own, tbsAt, algAt, sigAt, spkiAt, keyAlgorithm } = check;
    jobs.push(
      verifySignatureAsync(own, algAt, own.subarray(tbsAt.start, tbsAt.end), signatureBits(own, sigAt), own.subarray(spkiAt.start, spkiAt.end), keyAlgorithm).then(
        (ok) => remember(sha256, ok),
        () => rememberPending(sha256, check), // left for the getter, which reports any failure as false
      ),
    );
  };
  for (const o of objects) visit(o);
  await Promise.all(jobs);
}

/** The serial as OpenSSL prints it: lowercase hex of the magnitude, `-` first for (invalid) negative serials. */
function serialHex(bytes: Uint8Array, t: Tlv): string {
  if (t.end > t.contentStart && bytes[t.contentStart] & 0x80) {
    const raw = BigInt('0x' + toHex(bytes.subarray(t.contentStart, t.end)));
    const mag = (1n << BigInt((t.end - t.contentStart) * 8)) - raw;
    let hex = mag.toString(16);
    if (hex.length % 2) hex = '0' + hex;
    return '-' + hex;
  }
  return integerHex(bytes, t);
}

/** Status and days left at the reference time, by the one expiry rule (display/expiry). */
function expiry(notBefore: Date, notAfter: Date, opts: DecodeOptions): Expiry {
  const e = opts.now instanceof Date ? expiryOf({ notBefore, notAfter }, opts.now, opts.warnDays) : undefined;
  if (!e) throw new PkiError('the reference time ("now") is not a valid date');
  return e;
}

/** Node ≥ 20.12's one-shot crypto.hash (no Hash object per call), else createHash. */
const oneShotHash = (nodeCrypto as { hash?: (algorithm: string, data: Uint8Array, encoding: 'hex') => string }).hash;

function hexDigest(algorithm: 'sha1' | 'sha256', data: Uint8Array): string {
  return oneShotHash ? oneShotHash(algorithm, data, 'hex') : createHash(algorithm).update(data).digest('hex');
}

const selfSignedCache = new Map<string, boolean>();
const CACHE_MAX = 4096;

/** Forgets every remembered self-signature check (for benchmarks and tests that want cold numbers). */
export function clearSelfSignedCache(): void {
  selfSignedCache.clear();
}

function remember(key: string, value: boolean): void {
  if (selfSignedCache.size >= CACHE_MAX) {
    const oldest = selfSignedCache.keys().next().value;
    if (oldest !== undefined) selfSignedCache.delete(oldest);
  }
  selfSignedCache.set(key, value);
}

/**
 * Replaces `obj[key]` by an enumerable getter that computes the value once, then becomes a plain property
 * of whichever object it is read on (so copying the property descriptors keeps it lazy; Object.assign and
 * spreading simply compute it).
 */
function lazyBoolean<T extends object>(obj: T, key: keyof T & string, compute: () => boolean): void {
  const settle = (target: object, value: boolean): void => {
    Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  };
  Object.defineProperty(obj, key, {
    enumerable: true,
    configurable: true,
    get(this: object): boolean {
      let v: boolean;
      try {
        v = compute();
      } catch {
        v = false;
      }
      settle(this, v);
      return v;
    },
    set(this: object, v: boolean) {
      settle(this, v);
    },
  });
}

function sameBytes(bytes: Uint8Array, a: Tlv, b: Tlv): boolean {
  const n = a.end - a.start;
  if (n !== b.end - b.start) return false;
  for (let k = 0; k < n; k++) if (bytes[a.start + k] !== bytes[b.start + k]) return false;
  return true;
}

// ---------------------------------------------------------------------------------------------------------
// CSR

const OID_MS_EXTENSION_REQUEST = '1.3.6.1.4.1.311.2.1.14';

function csr(der: Uint8Array): Decoded<CsrModel> {
  const { tbs: info, sigAlg, sigValue } = signedEnvelope(der, 'CertificationRequest', 'a request has its information, an algorithm and a signature');
  const [versionTlv, subjectTlv, spkiTlv, attrs] = children(der, seq(info, 'CertificationRequestInfo'));
  if (!versionTlv || !subjectTlv || !spkiTlv) throw new PkiError('incomplete CertificationRequestInfo (version, subject and public key are required)');
  integerNumber(der, versionTlv);
  const subject = decodeDistinguishedName(der, subjectTlv);
  const spki = der.subarray(seq(spkiTlv, 'SubjectPublicKeyInfo').start, spkiTlv.end);
  const publicKey = spkiInfo(spki);
  const { oid: signatureAlgorithmOid, name: signatureAlgorithm } = algorithm(der, sigAlg);
  const ext = newExtFields();
  let extensions: ExtensionInfo[] = [];
  const attributes: CsrAttribute[] = [];
  if (attrs) {
    if (attrs.tag !== 0xa0) throw new PkiError(`expected the attributes ([0]), found tag 0x${attrs.tag.toString(16)}`);
    for (const attr of children(der, attrs)) {
      const [typeTlv, values] = children(der, seq(attr, 'Attribute'));
      if (!typeTlv || !values) throw new PkiError('incomplete attribute');
      const oid = decodeOid(der, typeTlv);
      const name = oidName(oid);
      if (oid === OID.extensionRequest || oid === OID_MS_EXTENSION_REQUEST) {
        if (values.tag !== Tag.Set) throw new PkiError('extensionRequest values must be a SET');
        const [exts] = children(der, values);
        if (exts) extensions = extensions.concat(decodeExtensions(der, exts, ext));
      } else {
        // Listed, not interpreted: an unknown attribute (or one whose values are not even a SET) is shown as it is.
        const list = values.tag === Tag.Set && values.highTagNumber === undefined ? children(der, values) : [values];
        const a: CsrAttribute = { oid, values: list.map((v) => attributeValue(der, v)) };
        if (name !== undefined) a.name = name;
        attributes.push(a);
      }
    }
  }
  let signatureValid: boolean;
  try {
    signatureValid = verifySignature(der, sigAlg, der.subarray(info.start, info.end), signatureBits(der, sigValue), spki, publicKey.algorithm);
  } catch {
    signatureValid = false;
  }
  const model: Decoded<CsrModel> = {
    kind: 'csr',
    subject,
    publicKey,
    signatureAlgorithm,
    signatureAlgorithmOid,
    subjectAltNames: ext.subjectAltNames,
    extensions,
    attributes,
    signatureValid,
  };
  const defect = signatureDefect(der, sigValue);
  if (defect) {
    model.signatureDefect = defect;
    model.signatureValid = false;
  }
  return model;
}

/** A CSR attribute value: text for the string types, else `#` and its DER in hex (the way OpenSSL shows unknown values). */
function attributeValue(b: Uint8Array, v: Tlv): string {
  if (isStringTag(v.tag)) return v.tag === Tag.Ia5String ? ia5Text(b.subarray(v.contentStart, v.end)).text : decodeString(b, v);
  const hex = '#' + toHex(b.subarray(v.start, v.end));
  return v.highTagNumber === undefined ? hex : `${tagText(v)} ${hex}`;
}

// ---------------------------------------------------------------------------------------------------------
// CRL

/** cRLReason codes, by value (RFC 5280 §5.3.1). */
export const CRL_REASONS = [
  'unspecified',
  'keyCompromise',
  'cACompromise',
  'affiliationChanged',
  'superseded',
  'cessationOfOperation',
  'certificateHold',
  'value7',
  'removeFromCRL',
  'privilegeWithdrawn',
  'aACompromise',
];

function crl(der: Uint8Array): Decoded<CrlModel> {
  const { root, tbs, sigAlg, sigValue } = signedEnvelope(der, 'CertificateList', 'a CRL has a TBSCertList, an algorithm and a signature');
  const f = children(der, seq(tbs, 'TBSCertList'));
  let i = 0;
  if (f[0] && f[0].tag === Tag.Integer) {
    integerNumber(der, f[0]);
    i = 1;
  }
  const innerAlg = f[i];
  const issuerTlv = f[i + 1];
  const thisUpdateTlv = f[i + 2];
  if (!innerAlg || !issuerTlv || !thisUpdateTlv) throw new PkiError('incomplete TBSCertList (algorithm, issuer and thisUpdate are required)');
  const issuer = decodeDistinguishedName(der, issuerTlv);
  const thisUpdate = isoSeconds(decodeTime(der, thisUpdateTlv));
  let k = i + 3;
  let nextUpdate: string | undefined;
  if (f[k] && (f[k].tag === Tag.UtcTime || f[k].tag === Tag.GeneralizedTime)) {
    nextUpdate = isoSeconds(decodeTime(der, f[k]));
    k++;
  }
  const revoked: RevokedEntry[] = [];
  if (f[k] && f[k].tag === Tag.Sequence) {
    for (const entry of children(der, f[k])) {
      const [serial, date, entryExts] = children(der, seq(entry, 'revoked certificate entry'));
      if (!serial || !date) throw new PkiError('incomplete revoked certificate entry');
      const e: RevokedEntry = { serialNumber: serialHex(der, expectInteger(serial, 'revoked serial number')), revocationDate: isoSeconds(decodeTime(der, date)) };
      if (entryExts) {
        for (const x of children(der, seq(entryExts, 'entry extensions'))) {
          const parsed = extensionParts(der, x);
          if (parsed.oid === '2.5.29.21') {
            const v = readTlv(der, parsed.value.contentStart, parsed.value.end);
            if (v.tag !== 0x0a) throw new PkiError('cRLReason must be an ENUMERATED');
            const code = integerNumber(der, { ...v, tag: Tag.Integer });
            e.reason = CRL_REASONS[code] ?? `reason ${code}`;
          }
        }
      }
      revoked.push(e);
    }
    k++;
  }
  const ext = newExtFields();
  let extensions: ExtensionInfo[] = [];
  for (; k < f.length; k++) {
    if (f[k].tag !== 0xa0) throw new PkiError(`unexpected field (tag 0x${f[k].tag.toString(16)}) in TBSCertList`);
    const inner = children(der, f[k]);
    if (inner.length !== 1) throw new PkiError('malformed extensions field');
    extensions = decodeExtensions(der, inner[0], ext);
  }
  const { oid: signatureAlgorithmOid, name: signatureAlgorithm } = algorithm(der, sigAlg);
  signatureBits(der, sigValue);
  const defect = signatureDefect(der, sigValue);
  const whole = der.subarray(root.start, root.end);
  const model: Decoded<CrlModel> = {
    kind: 'crl',
    issuer,
    thisUpdate,
    signatureAlgorithm,
    signatureAlgorithmOid,
    revoked,
    extensions,
    fingerprints: {
      sha1: hexDigest('sha1', whole),
      sha256: hexDigest('sha256', whole),
    },
  };
  if (nextUpdate !== undefined) model.nextUpdate = nextUpdate;
  if (ext.crlNumber !== undefined) model.crlNumber = ext.crlNumber;
  if (ext.authorityKeyIdentifier !== undefined) model.authorityKeyIdentifier = ext.authorityKeyIdentifier;
  if (defect) model.signatureDefect = defect;
  return model;
}

// ---------------------------------------------------------------------------------------------------------
// Extensions

/** What the known extensions fill in: the model's fields, for certificates, CSRs (SANs) and CRLs. */
type ExtFields = Pick<
  CertificateModel,
  | 'subjectAltNames'
  | 'isCA'
  | 'pathLength'
  | 'keyUsage'
  | 'extendedKeyUsage'
  | 'subjectKeyIdentifier'
  | 'authorityKeyIdentifier'
  | 'crlDistributionPoints'
  | 'authorityInfoAccess'
> &
  Pick<CrlModel, 'crlNumber'>;

function newExtFields(): ExtFields {
  return { subjectAltNames: [], isCA: false, keyUsage: [], extendedKeyUsage: [], crlDistributionPoints: [], authorityInfoAccess: [] };
}

function extensionParts(bytes: Uint8Array, ext: Tlv): { oid: string; critical: boolean; value: Tlv } {
  const parts = children(bytes, seq(ext, 'Extension'));
  if (parts.length < 2 || parts.length > 3) throw new PkiError('an extension must hold an OID, an optional critical flag and a value');
  const oid = decodeOid(bytes, parts[0]);
  let critical = false;
  if (parts.length === 3) {
    const b = parts[1];
    if (b.tag !== Tag.Boolean || b.end - b.contentStart !== 1) throw new PkiError(`extension ${oid}: malformed critical flag`);
    critical = bytes[b.contentStart] !== 0;
  }
  const value = parts[parts.length - 1];
  if (value.tag !== Tag.OctetString) throw new PkiError(`extension ${oid}: the value must be an OCTET STRING`);
  return { oid, critical, value };
}

/**
 * Lists every extension and fills `out` from the known ones. A structurally broken extension list throws;
 * an extension whose *value* is malformed is still listed (valueHex), with `text` saying what is wrong.
 */
function decodeExtensions(bytes: Uint8Array, extsTlv: Tlv, out: ExtFields): ExtensionInfo[] {
  const list: ExtensionInfo[] = [];
  for (const ext of children(bytes, seq(extsTlv, 'Extensions'))) {
    const { oid, critical, value } = extensionParts(bytes, ext);
    const info: ExtensionInfo = { oid, critical, valueHex: toHex(bytes.subarray(value.contentStart, value.end)) };
    const name = oidName(oid);
    if (name !== undefined) info.name = name;
    const parser = EXTENSION_PARSERS[oid];
    if (parser) {
      try {
        if (value.contentStart === value.end) throw new PkiError('empty value');
        const v = readTlv(bytes, value.contentStart, value.end);
        if (v.end !== value.end) throw new PkiError('unexpected bytes after the value');
        info.text = parser(bytes, v, out);
      } catch (e) {
        info.text = `malformed ${name ?? oid}: ${messageOf(e)}`;
      }
    }
    list.push(info);
  }
  return list;
}

type ExtParser = (bytes: Uint8Array, v: Tlv, out: ExtFields) => string;

/** keyUsage bit names, bit 0 first (RFC 5280 4.2.1.3). */
export const KEY_USAGES = [
  'digitalSignature',
  'nonRepudiation',
  'keyEncipherment',
  'dataEncipherment',
  'keyAgreement',
  'keyCertSign',
  'cRLSign',
  'encipherOnly',
  'decipherOnly',
] as const;

export const NS_CERT_TYPES = ['sslClient', 'sslServer', 'smime', 'objectSigning', 'reserved', 'sslCA', 'smimeCA', 'objectSigningCA'];

const EXTENSION_PARSERS: Record<string, ExtParser> = {
  // subjectAltName
  '2.5.29.17': (b, v, out) => {
    const names = generalNames(b, v);
    for (const n of names) out.subjectAltNames.push(n.invalidIa5String ? { type: n.type, value: n.value, invalidIa5String: true } : { type: n.type, value: n.value });
    return names.map(labelled).join(', ');
  },
  // issuerAltName
  '2.5.29.18': (b, v) => generalNames(b, v).map(labelled).join(', '),
  // basicConstraints
  '2.5.29.19': (b, v, out) => {
    let isCA = false;
    let pathLength: number | undefined;
    for (const c of children(b, seq(v, 'BasicConstraints'))) {
      if (c.tag === Tag.Boolean) isCA = b[c.contentStart] !== 0;
      else if (c.tag === Tag.Integer) pathLength = integerNumber(b, c);
      else throw new PkiError(`unexpected tag 0x${c.tag.toString(16)}`);
    }
    out.isCA = isCA;
    if (pathLength !== undefined) out.pathLength = pathLength;
    return `CA:${isCA ? 'TRUE' : 'FALSE'}${pathLength !== undefined ? `, pathlen:${pathLength}` : ''}`;
  },
  // keyUsage
  '2.5.29.15': (b, v, out) => {
    out.keyUsage = bitNames(b, v, KEY_USAGES);
    return out.keyUsage.join(', ');
  },
  // extKeyUsage
  '2.5.29.37': (b, v, out) => {
    out.extendedKeyUsage = children(b, seq(v, 'ExtKeyUsageSyntax')).map((t) => {
      const oid = decodeOid(b, t);
      return oidName(oid) ?? oid;
    });
    return out.extendedKeyUsage.join(', ');
  },
  // subjectKeyIdentifier
  '2.5.29.14': (b, v, out) => {
    if (v.tag !== Tag.OctetString) throw new PkiError('expected an OCTET STRING');
    out.subjectKeyIdentifier = toHex(b.subarray(v.contentStart, v.end));
    return colonHex(out.subjectKeyIdentifier);
  },
  // authorityKeyIdentifier
  '2.5.29.35': (b, v, out) => {
    const parts: string[] = [];
    for (const c of children(b, seq(v, 'AuthorityKeyIdentifier'))) {
      if (c.tag === 0x80) {
        out.authorityKeyIdentifier = toHex(b.subarray(c.contentStart, c.end));
        parts.push(`keyid:${colonHex(out.authorityKeyIdentifier)}`);
      } else if (c.tag === 0xa1) {
        parts.push(...generalNamesIn(b, c).map(labelled));
      } else if (c.tag === 0x82) {
        parts.push(`serial:${colonHex(toHex(b.subarray(c.contentStart, c.end)))}`);
      } else {
        throw new PkiError(`unexpected tag 0x${c.tag.toString(16)}`);
      }
    }
    return parts.join(', ');
  },
  // cRLDistributionPoints, freshestCRL
  '2.5.29.31': (b, v, out) => distributionPoints(b, v, out.crlDistributionPoints),
  '2.5.29.46': (b, v) => distributionPoints(b, v, []),
  // authorityInfoAccess, subjectInfoAccess
  '1.3.6.1.5.5.7.1.1': (b, v, out) => accessDescriptions(b, v, out.authorityInfoAccess),
  '1.3.6.1.5.5.7.1.11': (b, v) => accessDescriptions(b, v, []),
  // certificatePolicies
  '2.5.29.32': (b, v) =>
    children(b, seq(v, 'CertificatePolicies'))
      .map((pi) => {
        const [id, quals] = children(b, seq(pi, 'PolicyInformation'));
        const oid = decodeOid(b, id);
        let s = oidName(oid) ? `${oidName(oid)} (${oid})` : oid;
        if (quals) {
          for (const q of children(b, seq(quals, 'policyQualifiers'))) {
            const [qid, qv] = children(b, seq(q, 'PolicyQualifierInfo'));
            if (decodeOid(b, qid) === '1.3.6.1.5.5.7.2.1' && qv && qv.tag === Tag.Ia5String) s += ` CPS: ${ia5Text(b.subarray(qv.contentStart, qv.end)).text}`;
          }
        }
        return s;
      })
      .join(', '),
  // nameConstraints
  '2.5.29.30': (b, v) => {
    const parts: string[] = [];
    for (const c of children(b, seq(v, 'NameConstraints'))) {
      const label = c.tag === 0xa0 ? 'permitted' : c.tag === 0xa1 ? 'excluded' : undefined;
      if (!label) throw new PkiError(`unexpected tag 0x${c.tag.toString(16)}`);
      const subtrees = children(b, c).map((st) => {
        const [base] = children(b, seq(st, 'GeneralSubtree'));
        if (!base) throw new PkiError('empty GeneralSubtree');
        return labelled(generalName(b, base, true));
      });
      parts.push(`${label}: ${subtrees.join(', ')}`);
    }
    return parts.join('; ');
  },
  // policyConstraints
  '2.5.29.36': (b, v) =>
    children(b, seq(v, 'PolicyConstraints'))
      .map((c) => `${c.tag === 0x80 ? 'requireExplicitPolicy' : 'inhibitPolicyMapping'}:${integerNumber(b, { ...c, tag: Tag.Integer })}`)
      .join(', '),
  // inhibitAnyPolicy
  '2.5.29.54': (b, v) => String(integerNumber(b, v)),
  // cRLNumber, deltaCRLIndicator
  '2.5.29.20': (b, v, out) => {
    // Lowercase hex like serial numbers (and `openssl crl -crlnumber`); the text is decimal like `openssl crl -text`.
    out.crlNumber = integerHex(b, v);
    return BigInt('0x' + out.crlNumber).toString(10);
  },
  '2.5.29.27': (b, v) => BigInt('0x' + integerHex(b, v)).toString(10),
  // cRLReason (in CRL entries, listed here for completeness)
  '2.5.29.21': (b, v) => {
    if (v.tag !== 0x0a) throw new PkiError('expected an ENUMERATED');
    const code = integerNumber(b, { ...v, tag: Tag.Integer });
    return CRL_REASONS[code] ?? `reason ${code}`;
  },
  // invalidityDate
  '2.5.29.24': (b, v) => isoSeconds(decodeTime(b, v)),
  // tlsFeature
  '1.3.6.1.5.5.7.1.24': (b, v) =>
    children(b, seq(v, 'Features'))
      .map((c) => {
        const n = integerNumber(b, c);
        return n === 5 ? 'status_request' : n === 17 ? 'status_request_v2' : String(n);
      })
      .join(', '),
  // ocspNoCheck, ctPrecertificatePoison
  '1.3.6.1.5.5.7.48.1.5': () => 'present',
  '1.3.6.1.4.1.11129.2.4.3': () => 'present',
  // privateKeyUsagePeriod: [0] notBefore, [1] notAfter (IMPLICIT GeneralizedTime)
  '2.5.29.16': (b, v) =>
    children(b, seq(v, 'PrivateKeyUsagePeriod'))
      .map((c) => `${c.tag === 0x80 ? 'notBefore' : 'notAfter'}: ${isoSeconds(decodeTime(b, { ...c, tag: Tag.GeneralizedTime }))}`)
      .join(', '),
  // Microsoft CA version (certificate index in the low 16 bits, key index in the high ones), template name
  '1.3.6.1.4.1.311.21.1': (b, v) => {
    const n = integerNumber(b, v);
    return `V${n % 65536}.${Math.floor(n / 65536)}`;
  },
  '1.3.6.1.4.1.311.20.2': (b, v) => decodeString(b, v),
  // nsCertType, nsComment
  '2.16.840.1.113730.1.1': (b, v) => bitNames(b, v, NS_CERT_TYPES).join(', '),
  '2.16.840.1.113730.1.13': (b, v) => decodeString(b, v),
};

function seq(t: Tlv, what: string): Tlv {
  if (t.tag !== Tag.Sequence) throw new PkiError(`expected ${what} (SEQUENCE), found tag 0x${t.tag.toString(16)}`);
  return t;
}

function expectInteger(t: Tlv, what: string): Tlv {
  if (t.tag !== Tag.Integer) throw new PkiError(`expected ${what} (INTEGER), found tag 0x${t.tag.toString(16)}`);
  return t;
}

/** Names of the bits set in a named-bit BIT STRING. */
export function bitNames(b: Uint8Array, v: Tlv, names: readonly string[]): string[] {
  if (v.tag !== Tag.BitString) throw new PkiError('expected a BIT STRING');
  const len = v.end - v.contentStart;
  if (len < 1) throw new PkiError('empty BIT STRING');
  const unused = b[v.contentStart];
  if (unused > 7 || (len === 1 && unused !== 0)) throw new PkiError('malformed BIT STRING');
  const out: string[] = [];
  const nbits = (len - 1) * 8 - unused;
  for (let i = 0; i < nbits; i++) {
    if ((b[v.contentStart + 1 + (i >> 3)] >> (7 - (i & 7))) & 1) out.push(names[i] ?? `bit${i}`);
  }
  return out;
}

function distributionPoints(b: Uint8Array, v: Tlv, uris: string[]): string {
  const parts: string[] = [];
  for (const dp of children(b, seq(v, 'CRLDistributionPoints'))) {
    for (const c of children(b, seq(dp, 'DistributionPoint'))) {
      if (c.tag === 0xa0) {
        const [dpName] = children(b, c);
        if (!dpName) continue;
        if (dpName.tag === 0xa0) {
          for (const n of generalNamesIn(b, dpName)) {
            if (n.type === 'uri') uris.push(n.value);
            parts.push(labelled(n));
          }
        } else if (dpName.tag === 0xa1) {
          parts.push(`relative name (${children(b, dpName).length} attribute(s))`);
        }
      } else if (c.tag === 0xa2) {
        parts.push(`CRL issuer: ${generalNamesIn(b, c).map(labelled).join(', ')}`);
      }
    }
  }
  return parts.join(', ');
}

function accessDescriptions(b: Uint8Array, v: Tlv, out: AccessDescription[]): string {
  const parts: string[] = [];
  for (const ad of children(b, seq(v, 'AuthorityInfoAccessSyntax'))) {
    const [m, loc] = children(b, seq(ad, 'AccessDescription'));
    if (!m || !loc) throw new PkiError('incomplete AccessDescription');
    const oid = decodeOid(b, m);
    const method = oid === '1.3.6.1.5.5.7.48.1' ? 'ocsp' : oid === '1.3.6.1.5.5.7.48.2' ? 'caIssuers' : (oidName(oid) ?? oid);
    const n = generalName(b, loc);
    out.push({ method, location: n.value });
    parts.push(`${method} - ${labelled(n)}`);
  }
  return parts.join(', ');
}

// ---------------------------------------------------------------------------------------------------------
// GeneralName

interface GeneralNameValue {
  type: SanType;
  value: string;
  /** The openssl-style label for `text` (`DNS`, `IP Address`, `email`, `URI`, `DirName`, `othername`…). */
  label: string;
  /** An IA5String name (email, DNS, URI) holding bytes over 0x7f: `value` shows them as `\xNN`. */
  invalidIa5String?: true;
}

function labelled(n: GeneralNameValue): string {
  return `${n.label}:${n.value}`;
}

/** GeneralNames as a SEQUENCE. */
function generalNames(b: Uint8Array, v: Tlv): GeneralNameValue[] {
  return generalNamesIn(b, seq(v, 'GeneralNames'));
}

/** GeneralName elements inside any constructed TLV (used for IMPLICIT [n] GeneralNames). */
function generalNamesIn(b: Uint8Array, v: Tlv): GeneralNameValue[] {
  return children(b, v).map((c) => generalName(b, c));
}

function generalName(b: Uint8Array, t: Tlv, constraint = false): GeneralNameValue {
  const c = b.subarray(t.contentStart, t.end);
  switch (t.tag) {
    case 0xa0: {
      // otherName ::= SEQUENCE { type-id OID, value [0] EXPLICIT ANY }
      const [idTlv, valTlv] = children(b, t);
      if (!idTlv || !valTlv) throw new PkiError('incomplete otherName');
      const oid = decodeOid(b, idTlv);
      const inner = children(b, valTlv)[0];
      const text = inner && isStringTag(inner.tag) ? decodeString(b, inner) : inner ? '#' + toHex(b.subarray(inner.start, inner.end)) : '';
      return { type: 'other', value: `${oidName(oid) ?? oid};${text}`, label: 'othername' };
    }
    case 0x81:
      return ia5Name('email', c, 'email');
    case 0x82:
      return ia5Name('dns', c, 'DNS');
    case 0xa3:
      return { type: 'other', value: '#' + toHex(c), label: 'X400Name' };
    case 0xa4: {
      const [name] = children(b, t);
      if (!name) throw new PkiError('empty directoryName');
      return { type: 'dirName', value: decodeDistinguishedName(b, name).text, label: 'DirName' };
    }
    case 0xa5:
      return { type: 'other', value: '#' + toHex(c), label: 'EdiPartyName' };
    case 0x86:
      return ia5Name('uri', c, 'URI');
    case 0x87:
      return { type: 'ip', value: constraint ? ipConstraint(c) : ipAddress(c), label: 'IP Address' };
    case 0x88:
      return { type: 'other', value: decodeOid(b, { ...t, tag: Tag.Oid }), label: 'Registered ID' };
    default:
      throw new PkiError(`unknown GeneralName tag 0x${t.tag.toString(16)}`);
  }
}

/** An IA5String GeneralName: never shown as other characters (see ia5Text), flagged when it is not IA5 at all. */
function ia5Name(type: SanType, c: Uint8Array, label: string): GeneralNameValue {
  const { text, valid } = ia5Text(c);
  return valid ? { type, value: text, label } : { type, value: text, label, invalidIa5String: true };
}

function isStringTag(tag: number): boolean {
  return tag === 0x0c || tag === 0x12 || tag === 0x13 || tag === 0x14 || tag === 0x16 || tag === 0x1a || tag === 0x1c || tag === 0x1e;
}

/** IPv4 dotted, IPv6 in RFC 5952 form; anything else as hex. */
export function ipAddress(c: Uint8Array): string {
  if (c.length === 4) return `${c[0]}.${c[1]}.${c[2]}.${c[3]}`;
  if (c.length === 16) return ipv6(c);
  return '#' + toHex(c);
}

function ipConstraint(c: Uint8Array): string {
  if (c.length === 8) return `${ipAddress(c.subarray(0, 4))}/${ipAddress(c.subarray(4))}`;
  if (c.length === 32) return `${ipv6(c.subarray(0, 16))}/${ipv6(c.subarray(16))}`;
  return ipAddress(c);
}

/** RFC 5952: lowercase, no leading zeros, the longest run (≥ 2) of zero groups as `::`, the first on a tie. */
function ipv6(c: Uint8Array): string {
  const g: number[] = [];
  for (let i = 0; i < 16; i += 2) g.push((c[i] << 8) | c[i + 1]);
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (g[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = (a: number[]): string => a.map((x) => x.toString(16)).join(':');
  if (bestLen < 2) return hex(g);
  return `${hex(g.slice(0, bestStart))}::${hex(g.slice(bestStart + bestLen))}`;
}

// ---------------------------------------------------------------------------------------------------------
// Algorithms and signatures

function algorithm(b: Uint8Array, t: Tlv): { oid: string; name: string; params?: Tlv } {
  const [oidTlv, params] = children(b, seq(t, 'AlgorithmIdentifier'));
  if (!oidTlv) throw new PkiError('empty AlgorithmIdentifier');
  const oid = decodeOid(b, oidTlv);
  return { oid, name: oidName(oid) ?? oid, params };
}

/**
 * The signature BIT STRING's bytes. A signature with unused bits is a bad signature, not an unreadable
 * file: its bytes are returned empty, so that it never verifies.
 */
function signatureBits(b: Uint8Array, t: Tlv): Uint8Array {
  if (t.tag !== Tag.BitString) throw new PkiError(`expected the signature (BIT STRING), found tag 0x${t.tag.toString(16)}`);
  if (t.end - t.contentStart < 1 || b[t.contentStart] > 7) throw new PkiError('malformed signature BIT STRING');
  if (b[t.contentStart] !== 0) return new Uint8Array(0);
  return b.subarray(t.contentStart + 1, t.end);
}

/** What the signature BIT STRING's encoding alone says is wrong with it (call after signatureBits accepted it). */
function signatureDefect(b: Uint8Array, t: Tlv): SignatureDefect | undefined {
  return b[t.contentStart] !== 0 ? 'unused-bits' : undefined;
}

/**
 * Signature algorithm OID → digest as node:crypto names it (null: the algorithm hashes by itself, as EdDSA
 * does). RSASSA-PSS carries its digest in its parameters: see pssParams.
 */
const SIG_DIGESTS: Record<string, string | null> = {
  '1.2.840.113549.1.1.2': 'md2',
  '1.2.840.113549.1.1.3': 'md4',
  '1.2.840.113549.1.1.4': 'md5',
  '1.2.840.113549.1.1.5': 'sha1',
  '1.3.14.3.2.29': 'sha1',
  '1.2.840.113549.1.1.11': 'sha256',
  '1.2.840.113549.1.1.12': 'sha384',
  '1.2.840.113549.1.1.13': 'sha512',
  '1.2.840.113549.1.1.14': 'sha224',
  '2.16.840.1.101.3.4.3.13': 'sha3-224',
  '2.16.840.1.101.3.4.3.14': 'sha3-256',
  '2.16.840.1.101.3.4.3.15': 'sha3-384',
  '2.16.840.1.101.3.4.3.16': 'sha3-512',
  '1.2.840.10045.4.1': 'sha1',
  '1.2.840.10045.4.3.1': 'sha224',
  '1.2.840.10045.4.3.2': 'sha256',
  '1.2.840.10045.4.3.3': 'sha384',
  '1.2.840.10045.4.3.4': 'sha512',
  '2.16.840.1.101.3.4.3.9': 'sha3-224',
  '2.16.840.1.101.3.4.3.10': 'sha3-256',
  '2.16.840.1.101.3.4.3.11': 'sha3-384',
  '2.16.840.1.101.3.4.3.12': 'sha3-512',
  '1.2.840.10040.4.3': 'sha1',
  '2.16.840.1.101.3.4.3.1': 'sha224',
  '2.16.840.1.101.3.4.3.2': 'sha256',
  '1.3.101.112': null,
  '1.3.101.113': null,
};

const OID_MGF1 = '1.2.840.113549.1.1.8';

/**
 * The digest of a signature AlgorithmIdentifier, as node:crypto names it (`sha256`…; for RSASSA-PSS the one
 * its parameters name, or that digest's OID when unknown); null for algorithms that hash by themselves
 * (Ed25519, Ed448); undefined for an unknown algorithm. Throws PkiError for a malformed AlgorithmIdentifier.
 */
export function signatureHash(b: Uint8Array, algTlv: Tlv): string | null | undefined {
  const alg = algorithm(b, algTlv);
  if (alg.oid === OID_RSA_PSS) return pssParams(b, alg.params).hash;
  return alg.oid in SIG_DIGESTS ? SIG_DIGESTS[alg.oid] : undefined;
}

/**
 * Verifies `sig` over `data` with the DER SubjectPublicKeyInfo `spki`, for the AlgorithmIdentifier `algTlv`
 * (RSA PKCS#1 v1.5, RSASSA-PSS, ECDSA, DSA, Ed25519, Ed448). Returns false for a wrong signature or an
 * algorithm this Node cannot check; throws only PkiError for a malformed AlgorithmIdentifier.
 */
export function verifySignature(
  b: Uint8Array,
  algTlv: Tlv,
  data: Uint8Array,
  sig: Uint8Array,
  spki: Uint8Array,
  keyAlgorithm: string,
): boolean {
  const call = verifyCall(b, algTlv, spki, keyAlgorithm);
  if (!call) return false;
  try {
    return verify(call.digest, data, call.key, sig);
  } catch {
    return false;
  }
}

/** verifySignature on libuv's thread pool (never rejects: a malformed algorithm is false here). */
function verifySignatureAsync(b: Uint8Array, algTlv: Tlv, data: Uint8Array, sig: Uint8Array, spki: Uint8Array, keyAlgorithm: string): Promise<boolean> {
  return new Promise((resolve) => {
    try {
      const call = verifyCall(b, algTlv, spki, keyAlgorithm);
      if (!call) resolve(false);
      else verify(call.digest, data, call.key, sig, (err, ok) => resolve(!err && ok));
    } catch {
      resolve(false);
    }
  });
}

type VerifyKey = KeyObject | { key: KeyObject; padding: number; saltLength: number };

/** The digest and key node:crypto's verify needs for this AlgorithmIdentifier, or false when Node cannot check it. */
function verifyCall(b: Uint8Array, algTlv: Tlv, spki: Uint8Array, keyAlgorithm: string): { digest: string | null; key: VerifyKey } | false {
  const alg = algorithm(b, algTlv);
  let key: KeyObject;
  try {
    key = publicKeyObject(spki, keyAlgorithm);
  } catch {
    return false;
  }
  try {
    if (alg.oid === OID_RSA_PSS) {
      // Node cannot express an MGF1 digest other than the message digest.
      const pss = pssParams(b, alg.params);
      if (!Object.values(DIGEST_OIDS).includes(pss.hash) || pss.mgfHash !== pss.hash) return false;
      return { digest: pss.hash, key: { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: pss.saltLength } };
    }
    if (!(alg.oid in SIG_DIGESTS)) return false;
    return { digest: SIG_DIGESTS[alg.oid] ?? null, key };
  } catch {
    return false;
  }
}

/**
 * A KeyObject for the SPKI. RSA keys are imported as PKCS#1 (RSAPublicKey), which OpenSSL 3 does ~25×
 * faster than a SubjectPublicKeyInfo; everything else through the SPKI.
 */
function publicKeyObject(spki: Uint8Array, keyAlgorithm: string): KeyObject {
  const buf = Buffer.from(spki.buffer, spki.byteOffset, spki.byteLength);
  if (keyAlgorithm === 'RSA') {
    const root = readRoot(buf, true);
    const [algId, bits] = children(buf, root);
    const [oidTlv] = children(buf, algId);
    if (decodeOid(buf, oidTlv) === '1.2.840.113549.1.1.1' && bits && bits.tag === Tag.BitString) {
      return createPublicKey({ key: buf.subarray(bits.contentStart + 1, bits.end), format: 'der', type: 'pkcs1' });
    }
  }
  return createPublicKey({ key: buf, format: 'der', type: 'spki' });
}

/**
 * RSASSA-PSS-params (RFC 4055 defaults: SHA-1, MGF1 with SHA-1, salt 20). Digests as node:crypto names them,
 * or their OID when unknown; `mgfHash` is undefined when the mask generation function is not MGF1.
 */
function pssParams(b: Uint8Array, params: Tlv | undefined): { hash: string; mgfHash?: string; saltLength: number } {
  const digest = (t: Tlv): string => {
    const oid = algorithm(b, t).oid;
    return DIGEST_OIDS[oid] ?? oid;
  };
  let hash = 'sha1';
  let mgfHash: string | undefined = 'sha1';
  let saltLength = 20;
  if (params && params.tag === Tag.Sequence) {
    for (const c of children(b, params)) {
      const [inner] = children(b, c);
      if (!inner) continue;
      if (c.tag === 0xa0) {
        hash = digest(inner);
      } else if (c.tag === 0xa1) {
        const mgf = algorithm(b, inner);
        mgfHash = mgf.oid === OID_MGF1 && mgf.params ? digest(mgf.params) : undefined;
      } else if (c.tag === 0xa2) {
        saltLength = integerNumber(b, inner);
      }
    }
  }
  return { hash, mgfHash, saltLength };
}
