// Human-readable text reports of decoded objects, in the spirit of `openssl x509 -text` and
// `step certificate inspect`, but with the answers first. Shared by `tlsw inspect` and the extension.

import type {
  CertificateModel,
  CrlModel,
  CsrModel,
  DhParametersModel,
  DistinguishedName,
  DsaParametersModel,
  ExtensionInfo,
  Pkcs12Model,
  PkiObject,
  PrivateKeyModel,
  PublicKeyInfo,
  PublicKeyModel,
  SignatureDefect,
  SubjectAltName,
} from '../model';
import { SIGNATURE_DEFECT_TEXT } from '../model';
import { printable } from '../display/escape';
import { expiryStatusText } from '../display/expiry';
import { colonHex, fingerprintText, keyLabel, plural } from '../display/labels';
import { selfSignatureUnchecked } from '../objects/x509';

const TITLES: Record<PkiObject['kind'], string> = {
  'certificate': 'Certificate',
  'csr': 'Certificate Signing Request',
  'private-key': 'Private Key',
  'public-key': 'Public Key',
  'dh-parameters': 'DH Parameters',
  'dsa-parameters': 'DSA Parameters',
  'pkcs12': 'PKCS#12 Keystore',
  'crl': 'Certificate Revocation List',
};

/**
 * One report for all objects of one file. Every line is terminal-safe: names, SANs, URIs, friendly names,
 * extension texts and the file name itself come from the file, so their controls and bidi characters are escaped.
 */
export function formatReport(objects: PkiObject[], file?: string): string {
  const parts = objects.map((o) => formatObject(o, objects.length > 1 ? `#${o.index + 1} ` : ''));
  const head = file ? `${printable(file)}: ${plural(objects.length, 'object')}\n\n` : '';
  return head + parts.join('\n');
}

function formatObject(o: PkiObject, prefix = ''): string {
  const lines: string[] = [];
  const where = o.range ? ` (line ${o.range.startLine + 1})` : o.encoding === 'der' ? ' (DER)' : '';
  lines.push(`${prefix}${TITLES[o.kind]}${where}`);
  const add = (label: string, value: string | number | undefined | null) => {
    if (value === undefined || value === null || value === '') return;
    lines.push(`  ${(label + ':').padEnd(24)}${value}`);
  };
  switch (o.kind) {
    case 'certificate':
      certificate(o, add, lines);
      break;
    case 'csr':
      csr(o, add, lines);
      break;
    case 'private-key':
      privateKey(o, add);
      break;
    case 'public-key':
      publicKey(o, add);
      break;
    case 'dh-parameters':
      dh(o, add);
      break;
    case 'dsa-parameters':
      dsa(o, add);
      break;
    case 'crl':
      crl(o, add, lines);
      break;
    case 'pkcs12':
      pkcs12(o, add, lines);
      break;
  }
  // Each entry is one line: a value cannot add lines, move the cursor or reorder what follows it.
  return lines.map((l) => printable(l)).join('\n') + '\n';
}

type Add = (label: string, value: string | number | undefined | null) => void;

function certificate(c: CertificateModel, add: Add, lines: string[]): void {
  add('Subject', name(c.subject));
  add('Issuer', issuer(c));
  add('Status', expiryStatusText(c.expiry, c.notBefore));
  add('Valid from', c.notBefore);
  add('Valid until', c.notAfter);
  add('Names (SAN)', sans(c.subjectAltNames));
  add('Public key', keyInfo(c.publicKey));
  add('Signature', signature(c.signatureAlgorithm, c.signatureDefect));
  add('Serial', colonHex(c.serialNumber));
  add('CA', c.isCA ? `yes${c.pathLength !== undefined ? `, path length ${c.pathLength}` : ''}` : 'no');
  add('Key usage', c.keyUsage.join(', '));
  add('Extended key usage', c.extendedKeyUsage.join(', '));
  add('SHA-1 thumbprint', fingerprintText(c.fingerprints.sha1, 'plain'));
  add('SHA-256 fingerprint', fingerprintText(c.fingerprints.sha256, 'colons'));
  add('Subject key ID', c.subjectKeyIdentifier && colonHex(c.subjectKeyIdentifier));
  add('Authority key ID', c.authorityKeyIdentifier && colonHex(c.authorityKeyIdentifier));
  add('CRL distribution', c.crlDistributionPoints.join(', '));
  for (const a of c.authorityInfoAccess) add(a.method === 'ocsp' ? 'OCSP' : a.method === 'caIssuers' ? 'CA issuers' : a.method, a.location);
  extensions(c.extensions, lines);
}

function csr(c: CsrModel, add: Add, lines: string[]): void {
  add('Subject', name(c.subject));
  add('Names (SAN)', sans(c.subjectAltNames));
  add('Public key', keyInfo(c.publicKey));
  add('Signature', c.signatureDefect ? signature(c.signatureAlgorithm, c.signatureDefect) : `${c.signatureAlgorithm} (${c.signatureValid ? 'valid' : 'INVALID'})`);
  if (c.attributes.length > 0) {
    lines.push('  Attributes:');
    for (const a of c.attributes) lines.push(`    ${a.name ? `${a.name} (${a.oid})` : a.oid}: ${a.values.join(', ')}`);
  }
  extensions(c.extensions, lines);
}

/** The signature algorithm, and what is wrong with the signature when its encoding alone says so. */
function signature(algorithm: string, defect: SignatureDefect | undefined): string {
  return defect ? `${algorithm} — INVALID: ${SIGNATURE_DEFECT_TEXT[defect]}` : algorithm;
}

function privateKey(k: PrivateKeyModel, add: Add): void {
  const formats: Record<PrivateKeyModel['format'], string> = {
    'pkcs8': 'PKCS#8',
    'pkcs1': 'PKCS#1 (traditional RSA)',
    'sec1': 'SEC1 (traditional EC)',
    'encrypted-pkcs8': 'encrypted PKCS#8',
    'legacy-encrypted-pem': 'traditional PEM, legacy encryption',
  };
  add('Format', formats[k.format]);
  if (k.encrypted && k.encryption) {
    const e = k.encryption;
    const details = [e.cipher, e.kdf, e.prf, e.iterations !== undefined ? `${e.iterations} iterations` : undefined].filter(Boolean);
    add('Encrypted', `yes — ${e.scheme}${details.length ? ` (${details.join(', ')})` : ''}`);
  } else {
    add('Encrypted', k.encrypted ? 'yes' : 'no');
  }
  if (k.publicKey) {
    add('Key', keyInfo(k.publicKey));
    add('Public key SHA-256', fingerprintText(k.publicKey.spkiSha256, 'colons'));
  } else if (k.encrypted) {
    add('Key', 'unknown until decrypted (give a passphrase)');
  }
}

function publicKey(k: PublicKeyModel, add: Add): void {
  add('Format', k.format === 'spki' ? 'SubjectPublicKeyInfo' : k.format === 'traditional-dsa' ? 'traditional DSA public key (y, p, q, g)' : 'PKCS#1 RSA public key');
  add('Key', keyInfo(k.publicKey));
  add('Public key SHA-256', fingerprintText(k.publicKey.spkiSha256, 'colons'));
}

function dh(d: DhParametersModel, add: Add): void {
  add('Format', d.format === 'pkcs3' ? 'PKCS#3' : 'X9.42');
  add('Prime', `${d.primeBits} bits${d.namedGroup ? ` (${d.namedGroup})` : ''}`);
  add('Generator', d.generator);
}

function dsa(d: DsaParametersModel, add: Add): void {
  add('Prime p', `${d.primeBits} bits`);
  add('Subgroup order q', `${d.subgroupBits} bits`);
  add('Generator g', `${d.generatorBits} bits`);
}

function crl(c: CrlModel, add: Add, lines: string[]): void {
  add('Issuer', name(c.issuer));
  add('This update', c.thisUpdate);
  add('Next update', c.nextUpdate);
  add('CRL number', c.crlNumber);
  add('Signature', signature(c.signatureAlgorithm, c.signatureDefect));
  add('Revoked', plural(c.revoked.length, 'certificate'));
  for (const r of c.revoked) lines.push(`    ${colonHex(r.serialNumber)}  ${r.revocationDate}${r.reason ? `  ${r.reason}` : ''}`);
  add('SHA-256 fingerprint', fingerprintText(c.fingerprints.sha256, 'colons'));
}

function pkcs12(p: Pkcs12Model, add: Add, lines: string[]): void {
  add('MAC', p.mac ? `${p.mac.algorithm}, ${p.mac.iterations} iterations${p.mac.verified === false ? ' (not verified: no password given)' : ''}` : 'none');
  add('Certificates protected', p.certEncryption);
  add('Keys protected', p.keyEncryption);
  if (!p.decrypted) {
    add('Contents', 'locked (give the password to list them)');
    return;
  }
  add('Contents', plural(p.bags.length, 'item'));
  for (const bag of p.bags) {
    const label = [bag.friendlyName && `"${bag.friendlyName}"`, bag.localKeyId && `key id ${bag.localKeyId.slice(0, 16)}`].filter(Boolean).join(', ');
    lines.push(`  — ${bag.type}${label ? ` (${label})` : ''}`);
    if (bag.object) lines.push(...indent(formatObject(bag.object).trimEnd(), '    ').split('\n'));
  }
}

function extensions(exts: ExtensionInfo[], lines: string[]): void {
  if (exts.length === 0) return;
  lines.push('  Extensions:');
  for (const e of exts) {
    lines.push(`    ${e.name ?? e.oid}${e.name ? ` (${e.oid})` : ''}${e.critical ? ' [critical]' : ''}`);
    lines.push(`      ${e.text ?? e.valueHex}`);
  }
}

/** The key in a few words (labels.keyLabel), with what a report adds: RSA's exponent, DSA's subgroup, EC's explicit parameters, an unknown OID. */
function keyInfo(k: PublicKeyInfo): string {
  const details =
    k.algorithm === 'RSA' && k.exponent !== undefined ? `e=${k.exponent}`
    : k.algorithm === 'DSA' && k.subgroupBits !== undefined ? `q ${k.subgroupBits} bits`
    : k.algorithm === 'EC' && k.explicitParameters ? 'explicit parameters'
    : k.algorithm === 'unknown' ? k.oid
    : undefined;
  return details ? `${keyLabel(k)} (${details})` : keyLabel(k);
}

function issuer(c: CertificateModel): string {
  if (c.selfSigned) return `${name(c.issuer)} (self-signed)`;
  if (c.subject.text === c.issuer.text && selfSignatureUnchecked(c.publicKey)) {
    return `${name(c.issuer)} (self-issued; signature not checked: RSA public exponent over 48 bits)`;
  }
  return name(c.issuer);
}

function name(n: DistinguishedName): string {
  return n.text || '(empty)';
}

function sans(list: SubjectAltName[]): string {
  return list.map((s) => `${s.type === 'dns' ? 'DNS' : s.type === 'ip' ? 'IP' : s.type}:${s.value}${s.invalidIa5String ? ' (not IA5String)' : ''}`).join(', ');
}

function indent(s: string, pad: string): string {
  return s
    .split('\n')
    .map((l) => pad + l)
    .join('\n');
}
