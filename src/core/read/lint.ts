// Lint a certificate before it is written: problems reported as data, never thrown. Reads the certificate
// with the display decoder (x509.ts), so writing and reading agree on what a certificate says.

import { isIP } from 'node:net';
import { children, readRoot } from '../der/asn1';
import type { CertificateModel, Decoded } from '../model';
import { DEFAULT_WARN_DAYS, SIGNATURE_DEFECT_TEXT } from '../model';
import { decodeCertificate, signatureHash } from '../objects/x509';
import { DAY_MS } from '../display/expiry';
import { RSA_SAFE_BITS } from '../limits';
import { isPublicSuffix } from '../trust/publicSuffix';
import { OID } from '../der/oids';

export interface LintFinding {
  /**
   * `rsa-too-small`, `sha1-signature`, `md5-signature`, `leaf-over-398-days`, `leaf-over-825-days`,
   * `server-without-san`, `ip-in-dns-san`, `wildcard-too-broad`, `ca-without-keycertsign`,
   * `leaf-outlives-issuer`, `not-yet-valid`, `invalid-signature-encoding`, `explicit-ec-parameters`,
   * `san-not-ia5string`.
   */
  code: string;
  severity: 'warning' | 'error';
  message: string;
}

/** Decodes a DER certificate for linting and issuing (the expiry status it carries is not used). Throws PkiError (`certificate: …`). */
export function readCertificate(der: Uint8Array): Decoded<CertificateModel> {
  return decodeCertificate(der, { now: new Date(), warnDays: DEFAULT_WARN_DAYS });
}

/** True when the certificate carries the extension (the model's lists are empty both when it is absent and when it is empty). */
export function hasExtension(c: Pick<CertificateModel, 'extensions'>, oid: string): boolean {
  return c.extensions.some((e) => e.oid === oid);
}

/**
 * True when a wildcard DNS name sits directly above a single label or a public suffix (`*.localhost`, `*.com`,
 * `*.co.uk`): the names path validation's host check never lets such a wildcard match (the same Public Suffix List).
 */
function isWildcardTooBroad(name: string): boolean {
  if (!name.startsWith('*.')) return false;
  const base = name.slice(2).toLowerCase().replace(/\.$/, '');
  return !base.includes('.') || isPublicSuffix(base);
}

const SAN_LABELS: Partial<Record<string, string>> = { dns: 'DNS', email: 'email', uri: 'URI' };

/**
 * Lints the certificate about to be written (and its issuer, when given). Never throws for a well-formed
 * certificate; a malformed one is a PkiError. Severity `error` = relying parties will reject it
 * (RSA < 2048 at OpenSSL's default security level, SHA-1/MD5 signatures, a CA that cannot sign).
 * The 398/825-day limits apply to leaves usable for TLS servers (EKU absent, serverAuth or anyExtendedKeyUsage):
 * a client-only certificate for 2 years (seed 004) is not flagged.
 */
export function lintCertificate(der: Uint8Array, issuer?: Uint8Array, now: Date = new Date()): LintFinding[] {
  const c = readCertificate(der);
  const out: LintFinding[] = [];
  const add = (code: string, severity: LintFinding['severity'], message: string): void => {
    out.push({ code, severity, message });
  };
  const notBefore = new Date(c.notBefore);
  const notAfter = new Date(c.notAfter);
  const serverCapable = tlsPurposeOf(c) === 'server';

  if (c.signatureDefect) add('invalid-signature-encoding', 'error', SIGNATURE_DEFECT_TEXT[c.signatureDefect]);
  if (c.publicKey.explicitParameters) {
    const curve = c.publicKey.curve === 'explicit parameters' ? 'an unnamed curve' : c.publicKey.curve;
    add('explicit-ec-parameters', 'error', `explicit EC parameters: rejected by modern TLS libraries (the key spells out ${curve} instead of naming it)`);
  }
  if (c.publicKey.algorithm === 'RSA' && c.publicKey.size < RSA_SAFE_BITS) {
    add('rsa-too-small', 'error', `RSA key of ${c.publicKey.size} bits: keys under ${RSA_SAFE_BITS} bits are rejected by current TLS stacks`);
  }
  // The outer signatureAlgorithm (the certificate decoded, so its structure is sound).
  const h = signatureHash(der, children(der, readRoot(der))[1]);
  if (h === 'sha1') add('sha1-signature', 'error', 'signed with SHA-1, which browsers and OpenSSL 3 reject');
  if (h === 'md5' || h === 'md2' || h === 'md4') add('md5-signature', 'error', `signed with ${h.toUpperCase()}, which is broken and rejected everywhere`);

  const lifetimeDays = (notAfter.getTime() - notBefore.getTime()) / DAY_MS;
  if (serverCapable && lifetimeDays > 398) {
    add('leaf-over-398-days', 'warning', `valid for ${Math.round(lifetimeDays)} days: public CAs may not issue TLS certificates for over 398 days`);
  }
  if (serverCapable && lifetimeDays > 825) {
    add('leaf-over-825-days', 'warning', `valid for ${Math.round(lifetimeDays)} days: Apple platforms reject TLS server certificates over 825 days, even from private CAs`);
  }

  const sans = c.subjectAltNames;
  if (serverCapable && !sans.some((s) => s.type === 'dns' || s.type === 'ip')) {
    add('server-without-san', 'warning', 'a server certificate without DNS or IP subjectAltNames: browsers ignore the CN and will reject it');
  }
  for (const s of sans) {
    if (s.invalidIa5String) {
      add('san-not-ia5string', 'error', `SAN is not valid IA5String: ${SAN_LABELS[s.type] ?? s.type} "${s.value}" holds bytes outside ASCII (shown as \\xNN); clients reject or mismatch it`);
    }
    if (s.type === 'dns' && isIP(s.value) !== 0) {
      add('ip-in-dns-san', 'warning', `IP address "${s.value}" is in a DNS SAN: clients match IPs only against IP SANs (use ip:${s.value})`);
    }
    if (s.type === 'dns' && isWildcardTooBroad(s.value)) {
      add('wildcard-too-broad', 'warning', `wildcard "${s.value}" covers a whole public suffix: clients reject it`);
    }
  }

  if (c.isCA && hasExtension(c, OID.keyUsage) && !c.keyUsage.includes('keyCertSign')) {
    add('ca-without-keycertsign', 'error', 'a CA certificate whose keyUsage lacks keyCertSign cannot issue certificates');
  }

  if (issuer) {
    const issuerNotAfter = new Date(readCertificate(issuer).notAfter);
    if (notAfter.getTime() > issuerNotAfter.getTime()) {
      add('leaf-outlives-issuer', 'warning', `expires ${isoDay(notAfter)}, after its issuer (${isoDay(issuerNotAfter)}): it will stop validating early`);
    }
  }
  if (notBefore.getTime() > now.getTime() + 60_000) {
    add('not-yet-valid', 'warning', `not valid before ${notBefore.toISOString()}`);
  }
  return out;
}

function isoDay(d: Date): string {
  return d.toISOString().slice(0, 10);
}

/** What a certificate is for, as far as TLS host names go. */
export type TlsPurpose = 'ca' | 'server' | 'client' | 'other';

/**
 * A CA is never matched to host names; a leaf may serve TLS unless its extendedKeyUsage leaves out serverAuth (and
 * anyExtendedKeyUsage) — no extendedKeyUsage at all allows every purpose; of the rest, clientAuth makes a client
 * certificate. The one rule behind lint's `server-without-san` and the inspector's words for a missing SAN.
 */
export function tlsPurposeOf(c: Pick<CertificateModel, 'isCA' | 'extensions' | 'extendedKeyUsage'>): TlsPurpose {
  if (c.isCA) return 'ca';
  const eku = hasExtension(c, OID.extKeyUsage) ? c.extendedKeyUsage : undefined;
  if (!eku || eku.includes('serverAuth') || eku.includes('anyExtendedKeyUsage')) return 'server';
  return eku.includes('clientAuth') ? 'client' : 'other';
}
