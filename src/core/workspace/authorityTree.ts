// The Certificate Authorities section's tree: each CA found in the workspace with what it issued beneath it. A
// certificate sits under every CA that could have issued it by trust/issuer.ts's rule (canonical names, and key
// identifiers that tell apart two CAs of the same name), the rule path validation uses; signatures are not checked
// here (the tree groups, it does not vouch).

import { couldHaveIssued, type IssuedCertificate, type IssuerCandidate } from '../trust/issuer';
import type { ScannedFile, ScannedObject } from './scanner';
import { scannedObjectName } from './summary';

export interface CertificateLocation {
  file: string;
  index: number;
  /** The certificate is the only object of its file. */
  alone: boolean;
}

export interface AuthorityNode {
  /** The certificate (the summary from its first location). */
  certificate: ScannedObject;
  /** Every place the same certificate (by SHA-256) was found, files holding only it first. */
  locations: CertificateLocation[];
  /** Certificates it issued. */
  issued: AuthorityNode[];
}

interface CertEntry {
  certificate: ScannedObject;
  locations: CertificateLocation[];
  /** The certificate as the issuer rule reads it, on either side (undefined: names not known). */
  asIssuer?: IssuerCandidate;
  asIssued?: IssuedCertificate;
}

/**
 * The certificate authorities among `files`, each with what it issued beneath it (recursively: a root, its
 * intermediates, their leaves). Identical certificates found in several files are one node. Roots are CAs whose
 * issuer is not among the CAs found. Cycles (cross-signing) are cut.
 */
export function buildAuthorityTree(files: Iterable<ScannedFile>): AuthorityNode[] {
  const entries = new Map<string, CertEntry>();
  for (const f of files) {
    for (const o of f.objects) {
      if (o.kind !== 'certificate' || !o.sha256) continue;
      const location = { file: f.file, index: o.index, alone: f.objects.length === 1 };
      const e = entries.get(o.sha256);
      if (e) e.locations.push(location);
      else entries.set(o.sha256, entryOf(o, location));
    }
  }
  for (const e of entries.values()) e.locations.sort((a, b) => Number(b.alone) - Number(a.alone));
  const cas = [...entries.values()].filter((e) => e.certificate.isCA);
  // CAs by canonical subject: the rule's first condition, as an index.
  const bySubject = new Map<string, CertEntry[]>();
  for (const ca of cas) if (ca.asIssuer) push(bySubject, ca.asIssuer.subjectCanon, ca);
  const issuedBy = new Map<CertEntry, CertEntry[]>();
  const hasParent = new Set<CertEntry>();
  for (const e of entries.values()) {
    for (const parent of parentsOf(e, bySubject)) {
      push(issuedBy, parent, e);
      hasParent.add(e);
    }
  }
  const placed = new Set<CertEntry>();
  const build = (e: CertEntry, path: Set<CertEntry>): AuthorityNode => {
    placed.add(e);
    const next = new Set(path).add(e);
    const kids = (issuedBy.get(e) ?? []).filter((c) => !next.has(c)).sort(byCaThenName);
    return { certificate: e.certificate, locations: e.locations, issued: kids.map((c) => build(c, next)) };
  };
  const roots = cas.filter((ca) => !hasParent.has(ca)).sort(byCaThenName).map((ca) => build(ca, new Set()));
  // CAs only reachable through a cycle (two CAs cross-signed, nothing else above them) become roots too.
  for (const ca of cas.sort(byCaThenName)) if (!placed.has(ca)) roots.push(build(ca, new Set()));
  return roots;
}

function entryOf(o: ScannedObject, location: CertificateLocation): CertEntry {
  const e: CertEntry = { certificate: o, locations: [location] };
  if (o.subjectCanon !== undefined) e.asIssuer = { subjectCanon: o.subjectCanon, subjectKeyId: o.subjectKeyIdentifier };
  if (o.issuerCanon !== undefined) e.asIssued = { issuerCanon: o.issuerCanon, authorityKeyId: o.authorityKeyIdentifier };
  return e;
}

/** The CAs that could have issued `e`. A self-issued certificate heads its own branch (a root, or a CA's new key). */
function parentsOf(e: CertEntry, bySubject: Map<string, CertEntry[]>): CertEntry[] {
  const issued = e.asIssued;
  if (!issued || e.certificate.selfIssued) return [];
  return (bySubject.get(issued.issuerCanon) ?? []).filter((ca) => ca !== e && ca.asIssuer && couldHaveIssued(ca.asIssuer, issued));
}

function byCaThenName(a: CertEntry, b: CertEntry): number {
  return Number(!!b.certificate.isCA) - Number(!!a.certificate.isCA) || scannedObjectName(a.certificate).localeCompare(scannedObjectName(b.certificate));
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
