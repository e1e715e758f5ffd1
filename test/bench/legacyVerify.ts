// A frozen copy of verifyChain as it was before issue 11 (commit a20ff95), kept only as the peer of bench 7:
// the new path validation must cost at most 2× what this did for a 4-deep chain. Not used by the product.

import { Tag, children, readRoot, whole, bitStringBytes, type Tlv } from '../../src/core/der/asn1';
import type { CertificateModel, Decoded } from '../../src/core/model';
import { PkiError } from '../../src/core/model';
import { decodeCertificate, verifySignature } from '../../src/core/objects/x509';

export interface ChainLink {
  subject: string;
  issuer: string;
  notAfter: string;
  /** The link's signature verifies with the next certificate's key (the root: with its own). */
  signatureValid: boolean;
  fingerprintSha256: string;
}

export interface ChainCheck {
  ok: boolean;
  /** Leaf first, trust anchor last (as far as it could be built). */
  chain: ChainLink[];
  /** One readable sentence per failure; empty when ok. */
  errors: string[];
}

interface Cert {
  der: Uint8Array;
  model: Decoded<CertificateModel>;
  issuerDer: string;
  subjectDer: string;
  tbs: Uint8Array;
  sigAlg: { bytes: Uint8Array; tlv: Tlv };
  signature: Uint8Array;
  spki: Uint8Array;
}

const MAX_CHAIN = 10;

function parse(der: Uint8Array, now: Date): Cert {
  const model = decodeCertificate(der, { now, warnDays: 0 });
  const root = readRoot(der, true);
  const [tbs, sigAlg, sigBits] = children(der, root);
  const items = children(der, tbs);
  const base = items[0]?.tag === 0xa0 ? 1 : 0;
  const issuer = items[base + 2];
  const subject = items[base + 4];
  const spki = items[base + 5];
  if (!issuer || !subject || !spki || spki.tag !== Tag.Sequence) throw new PkiError('certificate: incomplete TBSCertificate');
  return {
    der,
    model,
    issuerDer: hex(whole(der, issuer)),
    subjectDer: hex(whole(der, subject)),
    tbs: whole(der, tbs),
    sigAlg: { bytes: der, tlv: sigAlg },
    signature: bitStringBytes(der, sigBits),
    spki: whole(der, spki),
  };
}

function hex(b: Uint8Array): string {
  return Buffer.from(b).toString('hex');
}

function signedBy(child: Cert, issuer: Cert): boolean {
  return verifySignature(child.sigAlg.bytes, child.sigAlg.tlv, child.tbs, child.signature, issuer.spki, issuer.model.publicKey.algorithm);
}

function label(c: Cert): string {
  return `"${c.model.subject.text || '(empty subject)'}"`;
}

/**
 * Builds and checks the chain from `leaf` to a self-signed CA among `cas` (trust anchors and intermediates
 * together, as with `openssl verify -CAfile bundle`). Throws PkiError only for undecodable input.
 */
export function verifyChain(leaf: Uint8Array, cas: Uint8Array[], opts: { now?: Date } = {}): ChainCheck {
  const now = opts.now ?? new Date();
  const start = parse(leaf, now);
  const pool = cas.map((d) => parse(d, now));
  const errors: string[] = [];
  const chain: ChainLink[] = [];
  const path: Cert[] = [start];
  let current = start;
  for (;;) {
    const selfIssued = current.issuerDer === current.subjectDer;
    const isAnchor = selfIssued && pool.some((p) => p.model.fingerprints.sha256 === current.model.fingerprints.sha256);
    if (selfIssued && (isAnchor || path.length === 1)) {
      const valid = signedBy(current, current);
      chain.push(link(current, valid));
      if (!valid) errors.push(`${label(current)}: its self-signature does not verify.`);
      if (!isAnchor) errors.push(`${label(current)} is self-signed and not among the trusted CA certificates.`);
      break;
    }
    const candidates = pool.filter((p) => p.subjectDer === current.issuerDer && !path.includes(p));
    const keyMatched = candidates.filter(
      (p) => !current.model.authorityKeyIdentifier || !p.model.subjectKeyIdentifier || p.model.subjectKeyIdentifier === current.model.authorityKeyIdentifier,
    );
    const issuer = keyMatched.find((p) => signedBy(current, p)) ?? keyMatched[0] ?? candidates[0];
    if (!issuer) {
      chain.push(link(current, false));
      errors.push(`${label(current)}: its issuer "${current.model.issuer.text}" is not among the CA certificates given.`);
      break;
    }
    const valid = signedBy(current, issuer);
    chain.push(link(current, valid));
    if (!valid) errors.push(`${label(current)}: signature does not verify with the key of ${label(issuer)} (same name, different key?).`);
    path.push(issuer);
    current = issuer;
    if (path.length > MAX_CHAIN) {
      errors.push(`chain longer than ${MAX_CHAIN} certificates.`);
      break;
    }
  }
  // Per-certificate checks along the path.
  path.forEach((c, depth) => {
    const m = c.model;
    if (m.expiry.status === 'expired') errors.push(`${label(c)} expired on ${m.notAfter}.`);
    if (m.expiry.status === 'not-yet-valid') errors.push(`${label(c)} is not valid before ${m.notBefore}.`);
    if (depth === 0) return;
    if (!m.isCA) errors.push(`${label(c)} is not a CA (basicConstraints CA:TRUE is missing), so it cannot issue certificates.`);
    if (m.keyUsage.length > 0 && !m.keyUsage.includes('keyCertSign')) errors.push(`${label(c)} lacks the keyCertSign key usage.`);
    // pathLenConstraint counts the non-self-issued intermediates below this CA.
    const below = path.slice(1, depth).filter((x) => x.issuerDer !== x.subjectDer).length;
    if (m.pathLength !== undefined && below > m.pathLength) {
      errors.push(`${label(c)} allows ${m.pathLength} intermediate CA${m.pathLength === 1 ? '' : 's'} below it (pathLen), but the chain has ${below}.`);
    }
  });
  return { ok: errors.length === 0, chain, errors };
}

function link(c: Cert, signatureValid: boolean): ChainLink {
  return {
    subject: c.model.subject.text,
    issuer: c.model.issuer.text,
    notAfter: c.model.notAfter,
    signatureValid,
    fingerprintSha256: c.model.fingerprints.sha256,
  };
}

