// Lint a certificate before it is written: problems reported as data, never thrown.
// Also holds `certificateFacts`, a small strict reader of the certificate fields the writing half needs
// (the full decoder for display lives elsewhere; this one has no dependency on it).

import { isIP } from 'node:net';
import {
  Tag,
  bitStringBytes,
  children,
  content,
  contextNumber,
  decodeOid,
  decodeTime,
  expectTag,
  integerHex,
  integerNumber,
  readRoot,
  whole,
} from './asn1';
import type { Tlv } from './asn1';
import type { DnAttr } from './dn';
import { decodeName } from './dn';
import type { PublicKeyInfo } from './model';
import { PkiError } from './model';
import { spkiInfo } from './publicKey';

export interface LintFinding {
  /**
   * `rsa-too-small`, `sha1-signature`, `md5-signature`, `leaf-over-398-days`, `leaf-over-825-days`,
   * `server-without-san`, `ip-in-dns-san`, `wildcard-too-broad`, `ca-without-keycertsign`,
   * `leaf-outlives-issuer`, `not-yet-valid`.
   */
  code: string;
  severity: 'warning' | 'error';
  message: string;
}

export interface GeneralNameEntry {
  /** `other` for GeneralName forms other than dNSName, iPAddress, rfc822Name and URI. */
  type: 'dns' | 'ip' | 'email' | 'uri' | 'other';
  /** Text (IPv6 in RFC 5952 form); hex of the contents for `other`. */
  value: string;
  /** The whole GeneralName TLV. */
  der: Uint8Array;
}

export interface CertFacts {
  version: number;
  serialHex: string;
  signatureOid: string;
  /** Digest of the signature algorithm (`md5`, `sha1`, `sha256`…); undefined for Ed25519/Ed448 or unknown. */
  signatureHash?: string;
  issuerDer: Uint8Array;
  subjectDer: Uint8Array;
  subject: DnAttr[];
  notBefore: Date;
  notAfter: Date;
  spkiDer: Uint8Array;
  publicKey: PublicKeyInfo;
  extensions: { oid: string; critical: boolean; value: Uint8Array }[];
  /** Present when the basicConstraints extension is. */
  basicConstraints?: { ca: boolean; pathLength?: number };
  /** Present when the keyUsage extension is. */
  keyUsage?: string[];
  /** Present when the extendedKeyUsage extension is: names (`serverAuth`…) or dotted OIDs. */
  extendedKeyUsage?: string[];
  /** Present when the subjectAltName extension is. */
  subjectAltNames?: GeneralNameEntry[];
  subjectKeyIdentifier?: Uint8Array;
  authorityKeyIdentifier?: Uint8Array;
}

export const OID_BASIC_CONSTRAINTS = '2.5.29.19';
export const OID_KEY_USAGE = '2.5.29.15';
export const OID_EXT_KEY_USAGE = '2.5.29.37';
export const OID_SUBJECT_ALT_NAME = '2.5.29.17';
export const OID_SUBJECT_KEY_ID = '2.5.29.14';
export const OID_AUTHORITY_KEY_ID = '2.5.29.35';

export const KEY_USAGE_BITS = [
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

export const EKU_OIDS: Record<string, string> = {
  '1.3.6.1.5.5.7.3.1': 'serverAuth',
  '1.3.6.1.5.5.7.3.2': 'clientAuth',
  '1.3.6.1.5.5.7.3.3': 'codeSigning',
  '1.3.6.1.5.5.7.3.4': 'emailProtection',
  '1.3.6.1.5.5.7.3.8': 'timeStamping',
  '1.3.6.1.5.5.7.3.9': 'OCSPSigning',
  '2.5.29.37.0': 'anyExtendedKeyUsage',
};

/** Signature algorithm OID → digest name (RSASSA-PSS carries its digest in parameters: see pssParams). */
export const SIGNATURE_HASHES: Record<string, string | undefined> = {
  '1.2.840.113549.1.1.2': 'md2',
  '1.2.840.113549.1.1.3': 'md4',
  '1.2.840.113549.1.1.4': 'md5',
  '1.2.840.113549.1.1.5': 'sha1',
  '1.3.14.3.2.29': 'sha1',
  '1.2.840.113549.1.1.14': 'sha224',
  '1.2.840.113549.1.1.11': 'sha256',
  '1.2.840.113549.1.1.12': 'sha384',
  '1.2.840.113549.1.1.13': 'sha512',
  '1.2.840.10045.4.1': 'sha1',
  '1.2.840.10045.4.3.1': 'sha224',
  '1.2.840.10045.4.3.2': 'sha256',
  '1.2.840.10045.4.3.3': 'sha384',
  '1.2.840.10045.4.3.4': 'sha512',
  '1.2.840.10040.4.3': 'sha1',
  '2.16.840.1.101.3.4.3.1': 'sha224',
  '2.16.840.1.101.3.4.3.2': 'sha256',
};

/** Digest algorithm OIDs (as found in RSASSA-PSS parameters). */
export const HASH_OIDS: Record<string, string> = {
  '1.2.840.113549.2.2': 'md2',
  '1.2.840.113549.2.5': 'md5',
  '1.3.14.3.2.26': 'sha1',
  '2.16.840.1.101.3.4.2.4': 'sha224',
  '2.16.840.1.101.3.4.2.1': 'sha256',
  '2.16.840.1.101.3.4.2.2': 'sha384',
  '2.16.840.1.101.3.4.2.3': 'sha512',
};

export const OID_RSASSA_PSS = '1.2.840.113549.1.1.10';

/** Hash and salt length of RSASSA-PSS parameters (RFC 4055 defaults: SHA-1, salt 20). */
export function pssParams(bytes: Uint8Array, params: Tlv | undefined): { hash: string; saltLength: number } {
  let hash = 'sha1';
  let saltLength = 20;
  if (params && params.tag === Tag.Sequence) {
    for (const f of children(bytes, params)) {
      const n = contextNumber(f);
      const inner = children(bytes, f)[0];
      if (!inner) continue;
      if (n === 0) {
        const oid = decodeOid(bytes, children(bytes, expectTag(inner, Tag.Sequence, 'hashAlgorithm'))[0]);
        hash = HASH_OIDS[oid] ?? oid;
      } else if (n === 2) {
        saltLength = integerNumber(bytes, inner);
      }
    }
  }
  return { hash, saltLength };
}

function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** Text of an iPAddress GeneralName: dotted IPv4, RFC 5952 IPv6, else hex. */
export function ipBytesToText(b: Uint8Array): string {
  if (b.length === 4) return Array.from(b).join('.');
  if (b.length !== 16) return Buffer.from(b).toString('hex');
  const words: number[] = [];
  for (let i = 0; i < 16; i += 2) words.push((b[i] << 8) | b[i + 1]);
  // longest run (≥ 2) of zero words becomes "::"
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (words[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && words[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = words.map((w) => w.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLen).join(':')}`;
}

/** Decodes the GeneralNames of a subjectAltName extension value. */
export function decodeGeneralNames(value: Uint8Array): GeneralNameEntry[] {
  const root = expectTag(readRoot(value), Tag.Sequence, 'GeneralNames');
  return children(value, root).map((g) => {
    const der = whole(value, g);
    const c = content(value, g);
    switch (g.tag) {
      case 0x81:
        return { type: 'email', value: Buffer.from(c).toString('latin1'), der };
      case 0x82:
        return { type: 'dns', value: Buffer.from(c).toString('latin1'), der };
      case 0x86:
        return { type: 'uri', value: Buffer.from(c).toString('latin1'), der };
      case 0x87:
        return { type: 'ip', value: ipBytesToText(c), der };
      default:
        return { type: 'other', value: Buffer.from(c).toString('hex'), der };
    }
  });
}

/** Reads the fields of a DER certificate that issuing and linting need. Throws PkiError on malformed input. */
export function certificateFacts(der: Uint8Array): CertFacts {
  try {
    return readFacts(der);
  } catch (e) {
    if (e instanceof PkiError) throw e.message.startsWith('certificate:') ? e : new PkiError(`certificate: ${e.message}`);
    throw new PkiError('certificate: malformed DER certificate');
  }
}

function readFacts(der: Uint8Array): CertFacts {
  const root = expectTag(readRoot(der), Tag.Sequence, 'Certificate');
  const [tbsT, sigAlgT, sigT] = children(der, root);
  if (!tbsT || !sigAlgT || !sigT) throw new PkiError('certificate: incomplete Certificate structure');
  expectTag(tbsT, Tag.Sequence, 'TBSCertificate');
  const f = children(der, tbsT);
  let i = 0;
  let version = 1;
  if (f[0] && f[0].tag === 0xa0) {
    const v = children(der, f[0])[0];
    if (!v) throw new PkiError('certificate: empty version field');
    version = integerNumber(der, v) + 1;
    i = 1;
  }
  const [serialT, , issuerT, validityT, subjectT, spkiT] = f.slice(i, i + 6);
  if (!serialT || !issuerT || !validityT || !subjectT || !spkiT) throw new PkiError('certificate: incomplete TBSCertificate');
  const [nbT, naT] = children(der, expectTag(validityT, Tag.Sequence, 'Validity'));
  if (!nbT || !naT) throw new PkiError('certificate: incomplete validity');
  const [sigOidT, sigParams] = children(der, expectTag(sigAlgT, Tag.Sequence, 'AlgorithmIdentifier'));
  const signatureOid = decodeOid(der, sigOidT);
  const signatureHash = signatureOid === OID_RSASSA_PSS ? pssParams(der, sigParams).hash : SIGNATURE_HASHES[signatureOid];
  const spkiDer = whole(der, expectTag(spkiT, Tag.Sequence, 'SubjectPublicKeyInfo'));
  const subjectDer = whole(der, expectTag(subjectT, Tag.Sequence, 'Name'));
  const facts: CertFacts = {
    version,
    serialHex: integerHex(der, serialT),
    signatureOid,
    signatureHash,
    issuerDer: whole(der, expectTag(issuerT, Tag.Sequence, 'Name')),
    subjectDer,
    subject: decodeName(subjectDer),
    notBefore: decodeTime(der, nbT),
    notAfter: decodeTime(der, naT),
    spkiDer,
    publicKey: spkiInfo(spkiDer),
    extensions: [],
  };
  const extWrap = f.slice(i + 6).find((t) => t.tag === 0xa3);
  if (extWrap) {
    const seq = children(der, extWrap)[0];
    if (!seq) throw new PkiError('certificate: empty extensions field');
    for (const e of children(der, expectTag(seq, Tag.Sequence, 'Extensions'))) {
      const parts = children(der, expectTag(e, Tag.Sequence, 'Extension'));
      const oid = decodeOid(der, parts[0]);
      let critical = false;
      let valueT = parts[1];
      if (valueT && valueT.tag === Tag.Boolean) {
        critical = content(der, valueT)[0] !== 0;
        valueT = parts[2];
      }
      if (!valueT) throw new PkiError(`certificate: extension ${oid} has no value`);
      const value = content(der, expectTag(valueT, Tag.OctetString, 'extnValue'));
      facts.extensions.push({ oid, critical, value });
      readExtension(facts, oid, value);
    }
  }
  return facts;
}

function readExtension(facts: CertFacts, oid: string, v: Uint8Array): void {
  switch (oid) {
    case OID_BASIC_CONSTRAINTS: {
      const items = children(v, expectTag(readRoot(v), Tag.Sequence, 'BasicConstraints'));
      let ca = false;
      let pathLength: number | undefined;
      for (const t of items) {
        if (t.tag === Tag.Boolean) ca = content(v, t)[0] !== 0;
        else if (t.tag === Tag.Integer) pathLength = integerNumber(v, t);
      }
      facts.basicConstraints = pathLength === undefined ? { ca } : { ca, pathLength };
      break;
    }
    case OID_KEY_USAGE: {
      const bits = bitStringBytes(v, readRoot(v));
      const names: string[] = [];
      KEY_USAGE_BITS.forEach((name, n) => {
        const byte = bits[n >> 3];
        if (byte !== undefined && byte & (0x80 >> (n & 7))) names.push(name);
      });
      facts.keyUsage = names;
      break;
    }
    case OID_EXT_KEY_USAGE: {
      const root = expectTag(readRoot(v), Tag.Sequence, 'ExtKeyUsageSyntax');
      facts.extendedKeyUsage = children(v, root).map((t) => {
        const o = decodeOid(v, t);
        return EKU_OIDS[o] ?? o;
      });
      break;
    }
    case OID_SUBJECT_ALT_NAME:
      facts.subjectAltNames = decodeGeneralNames(v);
      break;
    case OID_SUBJECT_KEY_ID:
      facts.subjectKeyIdentifier = content(v, expectTag(readRoot(v), Tag.OctetString, 'SubjectKeyIdentifier'));
      break;
    case OID_AUTHORITY_KEY_ID: {
      const root = expectTag(readRoot(v), Tag.Sequence, 'AuthorityKeyIdentifier');
      const kid = children(v, root).find((t) => t.tag === 0x80);
      if (kid) facts.authorityKeyIdentifier = content(v, kid);
      break;
    }
  }
}

/** Two-level public suffixes under which `*.suffix` would cover unrelated registrants (a deliberately tiny list). */
const TWO_LEVEL_SUFFIXES = new Set([
  'co.uk', 'org.uk', 'me.uk', 'ltd.uk', 'plc.uk', 'net.uk', 'ac.uk', 'gov.uk',
  'com.au', 'net.au', 'org.au', 'edu.au', 'gov.au', 'asn.au', 'id.au',
  'co.jp', 'ne.jp', 'or.jp', 'ac.jp', 'go.jp',
  'co.nz', 'net.nz', 'org.nz',
  'co.za', 'org.za',
  'com.br', 'net.br', 'org.br',
  'com.cn', 'net.cn', 'org.cn',
  'co.in', 'net.in', 'org.in', 'firm.in',
  'co.kr', 'or.kr',
  'com.tw', 'com.hk', 'com.sg', 'com.my', 'co.id', 'co.il', 'com.tr', 'com.ar', 'com.mx', 'co.th', 'com.ua',
]);

/** True when a wildcard DNS name covers a top-level domain or a common two-level public suffix (`*.com`, `*.co.uk`). */
export function isWildcardTooBroad(name: string): boolean {
  if (!name.startsWith('*.')) return false;
  const base = name.slice(2).toLowerCase().replace(/\.$/, '');
  return base.split('.').length < 2 || TWO_LEVEL_SUFFIXES.has(base);
}

const DAY_MS = 86_400_000;

/**
 * Lints the certificate about to be written (and its issuer, when given). Never throws for a well-formed
 * certificate; a malformed one is a PkiError. Severity `error` = relying parties will reject it
 * (RSA < 2048 at OpenSSL's default security level, SHA-1/MD5 signatures, a CA that cannot sign).
 * The 398/825-day limits apply to leaves usable for TLS servers (EKU absent, serverAuth or anyExtendedKeyUsage):
 * a client-only certificate for 2 years (seed 004) is not flagged.
 */
export function lintCertificate(der: Uint8Array, issuer?: Uint8Array, now: Date = new Date()): LintFinding[] {
  const c = certificateFacts(der);
  const out: LintFinding[] = [];
  const add = (code: string, severity: LintFinding['severity'], message: string): void => {
    out.push({ code, severity, message });
  };
  const isCA = c.basicConstraints?.ca === true;
  const eku = c.extendedKeyUsage;
  const serverCapable = !isCA && (!eku || eku.includes('serverAuth') || eku.includes('anyExtendedKeyUsage'));

  if (c.publicKey.algorithm === 'RSA' && c.publicKey.size < 2048) {
    add('rsa-too-small', 'error', `RSA key of ${c.publicKey.size} bits: keys under 2048 bits are rejected by current TLS stacks`);
  }
  const h = c.signatureHash;
  if (h === 'sha1') add('sha1-signature', 'error', 'signed with SHA-1, which browsers and OpenSSL 3 reject');
  if (h === 'md5' || h === 'md2' || h === 'md4') add('md5-signature', 'error', `signed with ${h.toUpperCase()}, which is broken and rejected everywhere`);

  const lifetimeDays = (c.notAfter.getTime() - c.notBefore.getTime()) / DAY_MS;
  if (serverCapable && lifetimeDays > 398) {
    add('leaf-over-398-days', 'warning', `valid for ${Math.round(lifetimeDays)} days: public CAs may not issue TLS certificates for over 398 days`);
  }
  if (serverCapable && lifetimeDays > 825) {
    add('leaf-over-825-days', 'warning', `valid for ${Math.round(lifetimeDays)} days: Apple platforms reject TLS server certificates over 825 days, even from private CAs`);
  }

  const sans = c.subjectAltNames ?? [];
  if (serverCapable && !sans.some((s) => s.type === 'dns' || s.type === 'ip')) {
    add('server-without-san', 'warning', 'a server certificate without DNS or IP subjectAltNames: browsers ignore the CN and will reject it');
  }
  for (const s of sans) {
    if (s.type === 'dns' && isIP(s.value) !== 0) {
      add('ip-in-dns-san', 'warning', `IP address "${s.value}" is in a DNS SAN: clients match IPs only against IP SANs (use ip:${s.value})`);
    }
    if (s.type === 'dns' && isWildcardTooBroad(s.value)) {
      add('wildcard-too-broad', 'warning', `wildcard "${s.value}" covers a whole public suffix: clients reject it`);
    }
  }

  if (isCA && c.keyUsage && !c.keyUsage.includes('keyCertSign')) {
    add('ca-without-keycertsign', 'error', 'a CA certificate whose keyUsage lacks keyCertSign cannot issue certificates');
  }

  if (issuer) {
    const iss = certificateFacts(issuer);
    if (c.notAfter.getTime() > iss.notAfter.getTime()) {
      add('leaf-outlives-issuer', 'warning', `expires ${isoDay(c.notAfter)}, after its issuer (${isoDay(iss.notAfter)}): it will stop validating early`);
    }
  }
  if (c.notBefore.getTime() > now.getTime() + 60_000) {
    add('not-yet-valid', 'warning', `not valid before ${c.notBefore.toISOString()}`);
  }
  return out;
}

function isoDay(d: Date): string {
  return d.toISOString().slice(0, 10);
}

/** True when the issuer and subject names are byte-identical (a self-issued certificate). */
export function isSelfIssued(c: CertFacts): boolean {
  return bytesEqual(c.issuerDer, c.subjectDer);
}
