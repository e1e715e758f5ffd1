// What path validation needs from a certificate or a CRL, read straight from the DER: the signed bytes, both
// AlgorithmIdentifiers, names in RFC 5280 §7.1 canonical form, and the extensions that govern a path (with
// their criticality, duplicates and malformed values noted rather than thrown).

import type { Tlv } from '../der/asn1';
import { Tag, children, decodeOid, decodeString, decodeTime, readRoot, readTlv, toHex, whole } from '../der/asn1';
import type { CertificateModel, Decoded } from '../model';
import { PkiError } from '../model';
import { OID } from '../der/oids';
import { messageOf } from '../display/labels';
import { decodeDistinguishedName } from '../objects/names';
import { CRL_REASONS, KEY_USAGES, NS_CERT_TYPES, bitNames, decodeCertificateParts, type CertificateTlvs } from '../objects/x509';

/** A GeneralName as name constraints and host checks need it. */
export type GeneralName =
  | { type: 'dns' | 'email' | 'uri'; text: string }
  | { type: 'ip'; bytes: Uint8Array }
  | { type: 'dirName'; rdns: string[]; text: string }
  | { type: 'other'; tag: number };

export interface Subtree {
  base: GeneralName;
  /** minimum/maximum present (RFC 5280: MUST be 0 / absent); OpenSSL refuses such constraints. */
  minMax: boolean;
}

export interface NameConstraints {
  permitted: Subtree[];
  excluded: Subtree[];
}

export interface RawExtension {
  oid: string;
  critical: boolean;
  /** The OCTET STRING's contents. */
  value: Uint8Array;
}

export interface PathCert {
  der: Uint8Array;
  model: Decoded<CertificateModel>;
  sha256: string;
  version: number;
  serial: string;
  tbs: Uint8Array;
  /** DER of the TBS `signature` AlgorithmIdentifier and of the outer `signatureAlgorithm`. */
  innerAlg: Uint8Array;
  outerAlg: Uint8Array;
  outerAlgTlv: { bytes: Uint8Array; tlv: Tlv };
  /** The signature bits, or undefined when the BIT STRING has unused bits (a bad signature, not a bad file). */
  signature?: Uint8Array;
  spki: Uint8Array;
  keyAlgorithm: string;
  subjectCanon: string;
  issuerCanon: string;
  /** Canonical RDNs of the subject, in order (for directoryName constraints). */
  subjectRdns: string[];
  /** Subject attributes as (oid, text) for emailAddress and commonName checks. */
  subjectAttrs: { oid: string; value: string }[];
  selfIssued: boolean;
  notBefore: Date;
  notAfter: Date;
  extensions: RawExtension[];
  /** OIDs present more than once. */
  duplicates: string[];
  /** Known extensions whose value could not be decoded: "keyUsage: …". */
  malformed: string[];
  basicConstraints?: { ca: boolean; pathLen?: number };
  /** Bit names; undefined when the extension is absent. */
  keyUsage?: Set<string>;
  /** EKU OIDs; undefined when absent. */
  extKeyUsage?: string[];
  /** Netscape cert type bit names; undefined when absent. */
  nsCertType?: Set<string>;
  subjectAltNames: GeneralName[];
  /** True when a subjectAltName extension is present (even if empty). */
  hasSan: boolean;
  nameConstraints?: NameConstraints;
  subjectKeyId?: string;
  authorityKeyId?: string;
  /** cRLDistributionPoints fullName GeneralNames, as DER hex (for the CRL's issuingDistributionPoint match). */
  distributionPoints: string[];
}

/**
 * The certificate extensions a validator acts on, as OpenSSL's X509_supported_extension lists them: any other
 * extension marked critical makes the certificate unusable (RFC 5280 §4.2).
 */
export const HANDLED_CRITICAL = new Set<string>([
  OID.nsCertType, OID.keyUsage, OID.subjectAltName, OID.basicConstraints, OID.certificatePolicies, OID.extKeyUsage,
  OID.policyConstraints, OID.proxyCertInfo, OID.nameConstraints, OID.policyMappings, OID.inhibitAnyPolicy,
  OID.ipAddrBlocks, OID.asIds,
]);


/** Universal string types compared by their text (RFC 5280 §7.1); anything else by its DER. */
const STRING_TAGS = new Set<number>([0x0c, 0x12, 0x13, 0x14, 0x15, 0x16, 0x19, 0x1a, 0x1b, 0x1c, 0x1e]);

/**
 * RFC 5280 §7.1 / OpenSSL's canonical form of one attribute value: text with leading and trailing white space
 * removed, inner runs collapsed to one space and ASCII letters lowercased, whatever string type carried it.
 */
function canonValue(bytes: Uint8Array, v: Tlv): string {
  if (!STRING_TAGS.has(v.tag)) return '#' + toHex(whole(bytes, v));
  return decodeString(bytes, v)
    .replace(/[\t\n\v\f\r ]+/g, ' ')
    .trim()
    .replace(/[A-Z]+/g, (s) => s.toLowerCase());
}

/** A Name's canonical RDNs (each a sorted `oid=value` list joined by `+`). */
export function canonicalRdns(bytes: Uint8Array, nameTlv: Tlv): string[] {
  if (nameTlv.tag !== Tag.Sequence) throw new PkiError('name: expected a SEQUENCE');
  return children(bytes, nameTlv).map((rdn) => {
    if (rdn.tag !== Tag.Set) throw new PkiError('name: expected a SET');
    return children(bytes, rdn)
      .map((atv) => {
        const [type, value] = children(bytes, atv);
        if (!type || !value) throw new PkiError('name: incomplete attribute');
        return `${decodeOid(bytes, type)}=${JSON.stringify(canonValue(bytes, value))}`;
      })
      .sort()
      .join('+');
  });
}

export function canonicalName(rdns: string[]): string {
  return rdns.join(',');
}

function seq(t: Tlv | undefined, what: string): Tlv {
  if (!t || t.tag !== Tag.Sequence) throw new PkiError(`expected ${what} (SEQUENCE)`);
  return t;
}


function ia5(b: Uint8Array, t: Tlv): string {
  return Buffer.from(b.subarray(t.contentStart, t.end)).toString('latin1');
}

export function generalName(b: Uint8Array, t: Tlv): GeneralName {
  switch (t.tag) {
    case 0x81:
      return { type: 'email', text: ia5(b, t) };
    case 0x82:
      return { type: 'dns', text: ia5(b, t) };
    case 0x86:
      return { type: 'uri', text: ia5(b, t) };
    case 0x87:
      return { type: 'ip', bytes: b.slice(t.contentStart, t.end) };
    case 0xa4: {
      const [name] = children(b, t);
      if (!name) throw new PkiError('empty directoryName');
      return { type: 'dirName', rdns: canonicalRdns(b, name), text: decodeDistinguishedName(b, name).text };
    }
    case 0xa0:
    case 0xa3:
    case 0xa5:
    case 0x88:
      return { type: 'other', tag: t.tag };
    default:
      throw new PkiError(`unknown GeneralName tag 0x${t.tag.toString(16)}`);
  }
}

function generalNames(b: Uint8Array, v: Tlv): GeneralName[] {
  return children(b, seq(v, 'GeneralNames')).map((c) => generalName(b, c));
}

function nameConstraints(b: Uint8Array, v: Tlv): NameConstraints {
  const nc: NameConstraints = { permitted: [], excluded: [] };
  for (const part of children(b, seq(v, 'NameConstraints'))) {
    if (part.tag !== 0xa0 && part.tag !== 0xa1) throw new PkiError(`unexpected tag 0x${part.tag.toString(16)}`);
    const list = part.tag === 0xa0 ? nc.permitted : nc.excluded;
    for (const st of children(b, part)) {
      const [base, ...rest] = children(b, seq(st, 'GeneralSubtree'));
      if (!base) throw new PkiError('empty GeneralSubtree');
      // minimum DEFAULT 0 (so an explicit 0 is not DER) and maximum: both make OpenSSL refuse the constraint.
      list.push({ base: generalName(b, base), minMax: rest.length > 0 });
    }
  }
  return nc;
}

/** The fullName GeneralNames of every DistributionPoint (DER hex), for CRL scope matching. */
function distributionPointNames(b: Uint8Array, v: Tlv): string[] {
  const out: string[] = [];
  for (const dp of children(b, seq(v, 'CRLDistributionPoints'))) {
    for (const c of children(b, seq(dp, 'DistributionPoint'))) {
      if (c.tag !== 0xa0) continue;
      const [name] = children(b, c);
      if (name?.tag === 0xa0) for (const g of children(b, name)) out.push(toHex(whole(b, g)));
    }
  }
  return out;
}

/** Reads one Extensions SEQUENCE into raw entries, noting duplicates. */
function rawExtensions(b: Uint8Array, extsTlv: Tlv): { list: RawExtension[]; duplicates: string[] } {
  const list: RawExtension[] = [];
  const seen = new Set<string>();
  const duplicates: string[] = [];
  for (const ext of children(b, seq(extsTlv, 'Extensions'))) {
    const parts = children(b, seq(ext, 'Extension'));
    if (parts.length < 2 || parts.length > 3) throw new PkiError('malformed extension');
    const oid = decodeOid(b, parts[0]);
    const critical = parts.length === 3 && parts[1].tag === Tag.Boolean && b[parts[1].contentStart] !== 0;
    const value = parts[parts.length - 1];
    if (value.tag !== Tag.OctetString) throw new PkiError(`extension ${oid}: the value must be an OCTET STRING`);
    if (seen.has(oid)) duplicates.push(oid);
    seen.add(oid);
    list.push({ oid, critical, value: b.subarray(value.contentStart, value.end) });
  }
  return { list, duplicates };
}

/** The single TLV an extension value holds. */
function extensionValue(e: RawExtension): Tlv {
  const v = readTlv(e.value, 0);
  if (v.end !== e.value.length) throw new PkiError('unexpected bytes after the value');
  return v;
}

const EXT_NAMES: Record<string, string> = {
  [OID.basicConstraints]: 'basicConstraints',
  [OID.keyUsage]: 'keyUsage',
  [OID.extKeyUsage]: 'extendedKeyUsage',
  [OID.subjectAltName]: 'subjectAltName',
  [OID.nameConstraints]: 'nameConstraints',
  [OID.subjectKeyId]: 'subjectKeyIdentifier',
  [OID.authorityKeyId]: 'authorityKeyIdentifier',
  [OID.crlDistributionPoints]: 'cRLDistributionPoints',
  [OID.nsCertType]: 'nsCertType',
};

export function extensionName(oid: string): string {
  return EXT_NAMES[oid] ?? oid;
}

/** Decodes `der` for path validation (one pass: the model and the raw parts). Throws PkiError when it is not a readable certificate. */
export function pathCert(der: Uint8Array, now: Date): PathCert {
  const { model, tlvs } = decodeCertificateParts(der, { now, warnDays: 0 });
  try {
    return fromParts(der, model, tlvs);
  } catch (e) {
    throw e instanceof PkiError ? new PkiError(`certificate: ${e.message}`) : new PkiError(`certificate: malformed (${messageOf(e)})`);
  }
}

function fromParts(der: Uint8Array, model: Decoded<CertificateModel>, t: CertificateTlvs): PathCert {
  const subjectRdns = canonicalRdns(der, t.subject);
  const issuerCanon = canonicalName(canonicalRdns(der, t.issuer));
  const subjectCanon = canonicalName(subjectRdns);
  const unused = der[t.signatureValue.contentStart];
  const cert: PathCert = {
    der,
    model,
    sha256: model.fingerprints.sha256,
    version: model.version,
    serial: toHex(der.subarray(t.serial.contentStart, t.serial.end)),
    tbs: whole(der, t.tbs),
    innerAlg: whole(der, t.innerAlgorithm),
    outerAlg: whole(der, t.signatureAlgorithm),
    outerAlgTlv: { bytes: der, tlv: t.signatureAlgorithm },
    signature: unused === 0 ? der.subarray(t.signatureValue.contentStart + 1, t.signatureValue.end) : undefined,
    spki: whole(der, t.spki),
    keyAlgorithm: model.publicKey.algorithm,
    subjectCanon,
    issuerCanon,
    subjectRdns,
    subjectAttrs: model.subject.attributes.map((a) => ({ oid: a.oid, value: a.value })),
    selfIssued: subjectCanon === issuerCanon,
    notBefore: t.notBefore,
    notAfter: t.notAfter,
    extensions: [],
    duplicates: [],
    malformed: [],
    subjectAltNames: [],
    hasSan: false,
    distributionPoints: [],
  };
  if (t.extensions) {
    const { list, duplicates } = rawExtensions(der, t.extensions);
    cert.extensions = list;
    cert.duplicates = duplicates;
    for (const e of list) {
      try {
        applyExtension(cert, e);
      } catch (err) {
        cert.malformed.push(`${extensionName(e.oid)}: ${messageOf(err)}`);
      }
    }
  }
  return cert;
}

function applyExtension(c: PathCert, e: RawExtension): void {
  const b = e.value;
  switch (e.oid) {
    case OID.basicConstraints: {
      const v = extensionValue(e);
      let ca = false;
      let pathLen: number | undefined;
      for (const x of children(b, seq(v, 'BasicConstraints'))) {
        if (x.tag === Tag.Boolean) ca = b[x.contentStart] !== 0;
        else if (x.tag === Tag.Integer) {
          if (x.end - x.contentStart > 4 || b[x.contentStart] & 0x80) throw new PkiError('pathLenConstraint out of range');
          pathLen = 0;
          for (let i = x.contentStart; i < x.end; i++) pathLen = pathLen * 256 + b[i];
        } else throw new PkiError(`unexpected tag 0x${x.tag.toString(16)}`);
      }
      c.basicConstraints = pathLen === undefined ? { ca } : { ca, pathLen };
      return;
    }
    case OID.keyUsage:
      c.keyUsage = new Set(bitNames(b, extensionValue(e), KEY_USAGES));
      return;
    case OID.nsCertType:
      c.nsCertType = new Set(bitNames(b, extensionValue(e), NS_CERT_TYPES));
      return;
    case OID.extKeyUsage:
      c.extKeyUsage = children(b, seq(extensionValue(e), 'ExtKeyUsageSyntax')).map((t) => decodeOid(b, t));
      return;
    case OID.subjectAltName:
      c.hasSan = true;
      c.subjectAltNames = generalNames(b, extensionValue(e));
      return;
    case OID.nameConstraints:
      c.nameConstraints = nameConstraints(b, extensionValue(e));
      return;
    case OID.subjectKeyId: {
      const v = extensionValue(e);
      if (v.tag !== Tag.OctetString) throw new PkiError('expected an OCTET STRING');
      c.subjectKeyId = toHex(b.subarray(v.contentStart, v.end));
      return;
    }
    case OID.authorityKeyId:
      for (const x of children(b, seq(extensionValue(e), 'AuthorityKeyIdentifier'))) {
        if (x.tag === 0x80) c.authorityKeyId = toHex(b.subarray(x.contentStart, x.end));
      }
      return;
    case OID.crlDistributionPoints:
      c.distributionPoints = distributionPointNames(b, extensionValue(e));
      return;
  }
}

// ---------------------------------------------------------------------------------------------------------
// CRLs

export interface CrlEntry {
  serial: string;
  revocationDate: Date;
  reason?: string;
  /** Critical entry extensions this validator does not handle. */
  unhandledCritical: string[];
}

export interface PathCrl {
  der: Uint8Array;
  sha256: string;
  issuerCanon: string;
  issuerText: string;
  tbs: Uint8Array;
  innerAlg: Uint8Array;
  outerAlg: Uint8Array;
  outerAlgTlv: { bytes: Uint8Array; tlv: Tlv };
  signature?: Uint8Array;
  thisUpdate: Date;
  nextUpdate?: Date;
  entries: Map<string, CrlEntry>;
  authorityKeyId?: string;
  /** A delta CRL (deltaCRLIndicator): not a complete CRL. */
  delta: boolean;
  /** Critical CRL extensions this validator does not handle. */
  unhandledCritical: string[];
  /** issuingDistributionPoint, when present. */
  idp?: { fullNames: string[]; userOnly: boolean; caOnly: boolean; someReasons: boolean; indirect: boolean; attributeOnly: boolean };
  /** Problems that make the CRL unusable (malformed extensions). */
  malformed: string[];
}

const HANDLED_CRL_EXTENSIONS = new Set<string>([OID.crlNumber, OID.authorityKeyId, OID.issuingDistributionPoint, OID.deltaCrlIndicator, OID.freshestCrl, OID.issuerAltName]);
const HANDLED_ENTRY_EXTENSIONS = new Set<string>([OID.reasonCode, OID.invalidityDate, OID.holdInstructionCode]);

/** Decodes a DER CRL for revocation checking. Throws PkiError when it is not a readable CRL. */
export function pathCrl(der: Uint8Array): PathCrl {
  try {
    return crlFromDer(der);
  } catch (e) {
    throw e instanceof PkiError ? new PkiError(`CRL: ${e.message}`) : new PkiError(`CRL: malformed (${messageOf(e)})`);
  }
}

function crlFromDer(der: Uint8Array): PathCrl {
  const root = seq(readRoot(der, true), 'CertificateList');
  const [tbs, outerAlg, sigValue] = children(der, root);
  if (!tbs || !outerAlg || !sigValue || sigValue.tag !== Tag.BitString) throw new PkiError('incomplete CertificateList');
  const f = children(der, seq(tbs, 'TBSCertList'));
  let i = f[0]?.tag === Tag.Integer ? 1 : 0;
  const innerAlg = f[i++];
  const issuer = f[i++];
  const thisUpdate = f[i++];
  if (!innerAlg || !issuer || !thisUpdate) throw new PkiError('incomplete TBSCertList');
  const crl: PathCrl = {
    der,
    sha256: '',
    issuerCanon: canonicalName(canonicalRdns(der, issuer)),
    issuerText: decodeDistinguishedName(der, issuer).text,
    tbs: whole(der, tbs),
    innerAlg: whole(der, innerAlg),
    outerAlg: whole(der, outerAlg),
    outerAlgTlv: { bytes: der, tlv: outerAlg },
    signature: der[sigValue.contentStart] === 0 ? der.subarray(sigValue.contentStart + 1, sigValue.end) : undefined,
    thisUpdate: decodeTime(der, thisUpdate),
    entries: new Map(),
    delta: false,
    unhandledCritical: [],
    malformed: [],
  };
  if (f[i] && (f[i].tag === Tag.UtcTime || f[i].tag === Tag.GeneralizedTime)) crl.nextUpdate = decodeTime(der, f[i++]);
  if (f[i] && f[i].tag === Tag.Sequence) {
    for (const entry of children(der, f[i++])) {
      const [serial, date, exts] = children(der, seq(entry, 'revoked certificate'));
      if (!serial || serial.tag !== Tag.Integer || !date) throw new PkiError('incomplete revoked certificate entry');
      const e: CrlEntry = { serial: toHex(der.subarray(serial.contentStart, serial.end)), revocationDate: decodeTime(der, date), unhandledCritical: [] };
      if (exts) {
        for (const x of rawExtensions(der, exts).list) {
          if (x.oid === OID.reasonCode) {
            const v = extensionValue(x);
            if (v.tag !== 0x0a || v.end - v.contentStart !== 1) throw new PkiError('cRLReason must be a one-byte ENUMERATED');
            const code = x.value[v.contentStart];
            e.reason = CRL_REASONS[code] ?? `reason ${code}`;
          } else if (x.critical && !HANDLED_ENTRY_EXTENSIONS.has(x.oid)) {
            e.unhandledCritical.push(x.oid);
          }
        }
      }
      crl.entries.set(e.serial, e);
    }
  }
  for (; i < f.length; i++) {
    if (f[i].tag !== 0xa0) throw new PkiError(`unexpected field (tag 0x${f[i].tag.toString(16)}) in TBSCertList`);
    const [exts] = children(der, f[i]);
    const { list, duplicates } = rawExtensions(der, exts);
    for (const d of duplicates) crl.malformed.push(`duplicate extension ${d}`);
    for (const x of list) {
      try {
        if (x.oid === OID.deltaCrlIndicator) crl.delta = true;
        else if (x.oid === OID.authorityKeyId) {
          for (const c of children(x.value, seq(extensionValue(x), 'AuthorityKeyIdentifier'))) {
            if (c.tag === 0x80) crl.authorityKeyId = toHex(x.value.subarray(c.contentStart, c.end));
          }
        } else if (x.oid === OID.issuingDistributionPoint) crl.idp = issuingDistributionPoint(x.value, extensionValue(x));
        else if (x.critical && !HANDLED_CRL_EXTENSIONS.has(x.oid)) crl.unhandledCritical.push(x.oid);
      } catch (err) {
        crl.malformed.push(`extension ${x.oid}: ${messageOf(err)}`);
      }
    }
  }
  return crl;
}

function issuingDistributionPoint(b: Uint8Array, v: Tlv): NonNullable<PathCrl['idp']> {
  const idp = { fullNames: [] as string[], userOnly: false, caOnly: false, someReasons: false, indirect: false, attributeOnly: false };
  const flag = (t: Tlv) => t.end - t.contentStart === 1 && b[t.contentStart] !== 0;
  for (const c of children(b, seq(v, 'IssuingDistributionPoint'))) {
    if (c.tag === 0xa0) {
      const [name] = children(b, c);
      if (name?.tag === 0xa0) for (const g of children(b, name)) idp.fullNames.push(toHex(whole(b, g)));
    } else if (c.tag === 0x81) idp.userOnly = flag(c);
    else if (c.tag === 0x82) idp.caOnly = flag(c);
    else if (c.tag === 0xa3 || c.tag === 0x83) idp.someReasons = true;
    else if (c.tag === 0x84) idp.indirect = flag(c);
    else if (c.tag === 0x85) idp.attributeOnly = flag(c);
  }
  return idp;
}
