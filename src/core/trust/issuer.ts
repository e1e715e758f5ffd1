// Could certificate B have issued certificate A? The one rule, as path validation applies it before checking the
// signature: A's issuer name equals B's subject name once both are in RFC 5280 §7.1 canonical form (pathCert.ts
// computes it: case, spacing and string type do not count), and an authorityKeyIdentifier in A that names a key
// other than B's subjectKeyIdentifier rules B out (OpenSSL's X509_check_akid; a missing identifier rules nothing
// out). Path validation (pathValidation.ts) then asks whether the signature verifies; the workspace's authority tree
// (workspace/authorityTree.ts) only groups certificates and stops here.

import type { Tlv } from '../der/asn1';
import { canonicalName, canonicalRdns } from './pathCert';

/** What the rule reads of the candidate issuer (a PathCert has these fields). */
export interface IssuerCandidate {
  /** The subject in canonical form (canonicalNameOf). */
  subjectCanon: string;
  /** subjectKeyIdentifier, lowercase hex. */
  subjectKeyId?: string;
}

/** What the rule reads of the certificate it might have issued (a PathCert has these fields). */
export interface IssuedCertificate {
  /** The issuer in canonical form (canonicalNameOf). */
  issuerCanon: string;
  /** authorityKeyIdentifier's keyIdentifier, lowercase hex. */
  authorityKeyId?: string;
}

/** True when `issuer` could have issued `cert` by name and key identifier (the signature is the caller's to check). */
export function couldHaveIssued(issuer: IssuerCandidate, cert: IssuedCertificate): boolean {
  if (issuer.subjectCanon !== cert.issuerCanon) return false;
  return !(cert.authorityKeyId && issuer.subjectKeyId && cert.authorityKeyId !== issuer.subjectKeyId);
}

/** A Name (the DER at `nameTlv`) in the canonical form the rule compares. Throws PkiError on a malformed Name. */
export function canonicalNameOf(bytes: Uint8Array, nameTlv: Tlv): string {
  return canonicalName(canonicalRdns(bytes, nameTlv));
}
