// Certification path validation (RFC 5280 §6, as OpenSSL's `verify` applies it): the one place where TLS
// Workbench decides whether a certificate chains to a trust anchor. The CLI, the Verify command, the inspector
// and the Certificate Explorer all call validatePath.
//
// Only `anchors` can end a path; every other certificate is an untrusted intermediate that must chain to one.
// Paths are built leaf-up, trying every issuer whose name matches (RFC 5280 §7.1) — the one whose key
// identifier and signature fit first — and the best failure is reported when none validates.

import { createHash } from 'node:crypto';
import { derTlv } from '../der/encode';
import { Tag, children, isoSeconds, readRoot, whole } from '../der/asn1';
import { PkiError } from '../model';
import { commonNameOf, messageOf } from '../display/labels';
import { checkNameConstraints, dnsIdentities, hostMatches, ipIdentities, parseIp, sameBytes } from './nameMatch';
import type { PathCert, PathCrl } from './pathCert';
import { HANDLED_CRITICAL, extensionName, pathCert, pathCrl } from './pathCert';
import { couldHaveIssued } from './issuer';
import { isPublicSuffix } from './publicSuffix';
import { ipAddress, verifySignature } from '../objects/x509';
import { oidName } from '../der/oids';

/** Failure codes, in OpenSSL's vocabulary (X509_V_ERR_* lowercased, without the prefix) where one exists. */
export type VerifyCode =
  | 'unable_to_get_issuer_cert'
  | 'depth_zero_self_signed_cert'
  | 'self_signed_cert_in_chain'
  | 'cert_signature_failure'
  | 'cert_not_yet_valid'
  | 'cert_has_expired'
  | 'invalid_ca'
  | 'path_length_exceeded'
  | 'invalid_purpose'
  | 'unhandled_critical_extension'
  | 'invalid_extension'
  | 'permitted_violation'
  | 'excluded_violation'
  | 'subtree_minmax'
  | 'unsupported_constraint_type'
  | 'unsupported_name_syntax'
  | 'hostname_mismatch'
  | 'ip_address_mismatch'
  | 'cert_revoked'
  | 'unable_to_get_crl'
  | 'crl_signature_failure'
  | 'crl_not_yet_valid'
  | 'crl_has_expired'
  | 'unhandled_critical_crl_extension'
  | 'keyusage_no_crl_sign'
  | 'unable_to_get_crl_issuer'
  | 'crl_path_validation_error'
  | 'cert_chain_too_long';

export type Purpose = 'server' | 'client' | 'any';
export const PURPOSES: readonly Purpose[] = ['server', 'client', 'any'];
export type CrlCheck = 'none' | 'leaf' | 'all';

export interface VerifyOptions {
  /** Trust anchors (DER certificates): the only certificates that may end a path. */
  anchors: Uint8Array[];
  /** Untrusted intermediates (the rest of the leaf's file, --untrusted files). Never anchors. */
  intermediates?: Uint8Array[];
  /** DER CRLs. */
  crls?: Uint8Array[];
  /** Revocation checking scope. Default: 'all' when CRLs are given, else 'none'. */
  crlCheck?: CrlCheck;
  /** Time of validation (default: now). */
  now?: Date;
  /** Purpose checked on the leaf (EKU, keyUsage) and on CAs that carry an EKU. Default 'any' (none). */
  purpose?: Purpose;
  /** DNS name the leaf must be valid for (dNSName SANs; the CN only when there is no SAN). */
  host?: string;
  /** IP address the leaf must carry as an iPAddress SAN. */
  ip?: string;
  /**
   * Let an anchor that is not self-signed (an intermediate) end the path, like `openssl verify -partial_chain`.
   * Default false: such an anchor's own issuer must be found among the anchors.
   */
  partialChain?: boolean;
}

export interface LinkCheck {
  /** `signature`, `validity`, `ca`, `path-length`, `extensions`, `name-constraints`, `purpose`, `host`, `revocation`. */
  name: string;
  ok: boolean;
  /** One readable sentence. */
  detail?: string;
}

export interface ChainLink {
  subject: string;
  issuer: string;
  serialNumber: string;
  notBefore: string;
  notAfter: string;
  fingerprints: { sha1: string; sha256: string };
  fingerprintSha256: string;
  /** The signature verifies with the next link's key (an anchor: with its own key; informational). */
  signatureValid: boolean;
  /** This link is one of the caller's trust anchors. */
  anchor: boolean;
  checks: LinkCheck[];
}

export interface VerifyError {
  /** 0 = the leaf. */
  depth: number;
  code: VerifyCode;
  /** One line naming the certificate. */
  message: string;
}

export interface ChainCheck {
  ok: boolean;
  /** Leaf first; ends with the anchor when a path to one was found (else the best path that could be built). */
  chain: ChainLink[];
  errors: VerifyError[];
  /** The chain ends at one of the given anchors. */
  anchored: boolean;
}

/** No path is longer than this (OpenSSL's default depth is 100; real PKIs stay under 6). */
const MAX_PATH_LENGTH = 16;
/** Issuer candidates tried in all, so that a hostile bundle of look-alike CAs cannot make path building explode. */
const MAX_CANDIDATES = 256;
/** CRL-signer paths validated inside a validation. */
const MAX_NESTING = 4;

const EKU_SERVER = '1.3.6.1.5.5.7.3.1';
const EKU_CLIENT = '1.3.6.1.5.5.7.3.2';
const EKU_NS_SGC = '2.16.840.1.113730.4.1';
const EKU_MS_SGC = '1.3.6.1.4.1.311.10.3.3';

/** Something signed: a certificate or a CRL. */
type Signed = Pick<PathCert, 'tbs' | 'outerAlgTlv' | 'signature' | 'sha256'>;

/** Everything one validation shares: decoded inputs and remembered signature checks. */
class Context {
  readonly anchors: PathCert[];
  readonly pool: PathCert[];
  readonly crls: PathCrl[];
  private readonly sigCache = new Map<string, boolean>();
  private readonly crlSigCache = new Map<string, boolean>();
  /** CRL signers whose validation is under way (a CRL signer's own status may come from the CRL it signs). */
  readonly signersInProgress = new Set<string>();

  constructor(
    readonly opts: VerifyOptions,
    readonly now: Date,
  ) {
    this.anchors = unique(opts.anchors.map((d, i) => decodeInput(() => pathCert(d, now), `trust anchor ${i + 1}`)));
    const anchorIds = new Set(this.anchors.map((a) => a.sha256));
    this.pool = unique((opts.intermediates ?? []).map((d, i) => decodeInput(() => pathCert(d, now), `intermediate ${i + 1}`))).filter((c) => !anchorIds.has(c.sha256));
    this.crls = (opts.crls ?? []).map((d, i) => {
      const crl = decodeInput(() => pathCrl(d), `CRL ${i + 1}`);
      crl.sha256 = createHash('sha256').update(d).digest('hex');
      return crl;
    });
  }

  isAnchor(c: PathCert): boolean {
    return this.anchors.some((a) => a.sha256 === c.sha256);
  }

  /** Does `issuer`'s key verify `child`'s signature? (DSA keys without parameters inherit them from above.) */
  signedBy(child: Signed, issuer: PathCert, above: PathCert[] = []): boolean {
    if (!child.signature) return false;
    const spki = effectiveSpki(issuer, above);
    const key = spki === issuer.spki ? `${child.sha256}>${issuer.sha256}` : `${child.sha256}>${issuer.sha256}>${above[0]?.sha256}`;
    const cache = 'entries' in child ? this.crlSigCache : this.sigCache;
    const known = cache.get(key);
    if (known !== undefined) return known;
    const ok = verifySignature(child.outerAlgTlv.bytes, child.outerAlgTlv.tlv, child.tbs, child.signature, spki, issuer.keyAlgorithm);
    cache.set(key, ok);
    return ok;
  }
}

function decodeInput<T>(fn: () => T, what: string): T {
  try {
    return fn();
  } catch (e) {
    throw new PkiError(`${what}: ${messageOf(e)}`);
  }
}

function unique(certs: PathCert[]): PathCert[] {
  const seen = new Set<string>();
  return certs.filter((c) => !seen.has(c.sha256) && seen.add(c.sha256));
}

/**
 * RFC 5280 §6.1.4 (f): a DSA key without parameters takes them from the issuer's key (working upwards).
 * Other keys are used as they are.
 */
function effectiveSpki(cert: PathCert, above: PathCert[]): Uint8Array {
  if (cert.keyAlgorithm !== 'DSA') return cert.spki;
  const parts = dsaParts(cert.spki);
  if (!parts || parts.params) return cert.spki;
  for (const up of above) {
    const p = dsaParts(up.spki);
    if (p?.params) return derTlv(Tag.Sequence, derTlv(Tag.Sequence, p.oid, p.params), parts.key);
  }
  return cert.spki;
}

function dsaParts(spki: Uint8Array): { oid: Uint8Array; params?: Uint8Array; key: Uint8Array } | undefined {
  try {
    const root = readRoot(spki, true);
    const [alg, key] = children(spki, root);
    const [oid, params] = children(spki, alg);
    if (!oid || !key) return undefined;
    const out: { oid: Uint8Array; params?: Uint8Array; key: Uint8Array } = { oid: whole(spki, oid), key: whole(spki, key) };
    if (params && params.tag === Tag.Sequence) out.params = whole(spki, params);
    return out;
  } catch {
    return undefined;
  }
}

/** `CN=x` (the display CN, labels' rule), else the whole subject, else the fingerprint: for messages. */
function certName(c: PathCert): string {
  const cn = commonNameOf(c.model.subject);
  if (cn !== undefined) return `CN=${cn}`;
  return c.model.subject.text || `the certificate with SHA-256 ${c.sha256.slice(0, 16)}…`;
}

function depthName(path: PathCert[], depth: number): string {
  const c = path[depth];
  const role = depth === 0 ? 'the leaf' : `certificate ${depth + 1} of the chain`;
  return `${role} (${certName(c)})`;
}

// ---------------------------------------------------------------------------------------------------------
// Path building

interface Candidate {
  path: PathCert[];
  anchored: boolean;
  tooLong?: boolean;
}

/** Issuers of `c` from `list`, best first: key identifier match, then signature verifying, then the rest. */
function issuersOf(ctx: Context, c: PathCert, list: PathCert[], path: PathCert[]): PathCert[] {
  // Name and key identifier first (issuer.ts, the one rule); a certificate already on the path is not tried again.
  const named = list.filter(
    (p) => couldHaveIssued(p, c) && !path.some((q) => q.sha256 === p.sha256 || (q.subjectCanon === p.subjectCanon && sameBytes(q.spki, p.spki))),
  );
  const score = (p: PathCert): number => {
    let s = 0;
    if (!ctx.signedBy(c, p, [])) s += 4;
    if (p.notAfter < ctx.now || p.notBefore > ctx.now) s += 1;
    return s;
  };
  return named.map((p) => ({ p, s: score(p) })).sort((a, b) => a.s - b.s).map((x) => x.p);
}

/** Every path from `leaf` (depth first, best candidates first); unanchored dead ends are yielded too. */
function* buildPaths(ctx: Context, path: PathCert[], budget: { left: number }): Generator<Candidate> {
  const top = path[path.length - 1];
  // An anchor ends the path when it is self-signed (a root) or the caller allows partial chains; otherwise,
  // as OpenSSL does without -partial_chain, its own issuer must be found among the anchors.
  if (ctx.isAnchor(top) && (ctx.opts.partialChain || (top.selfIssued && ctx.signedBy(top, top, [])))) {
    yield { path, anchored: true };
    return;
  }
  // A self-signed certificate that is not an anchor ends the path (it has no other issuer), unless an anchor
  // holds the same name and key (a root re-issued with other dates): that anchor then stands for it.
  if (top.selfIssued && ctx.signedBy(top, top, [])) {
    const twin = ctx.anchors.find((a) => a.subjectCanon === top.subjectCanon && sameBytes(a.spki, top.spki));
    if (twin && path.length > 1) yield { path: [...path.slice(0, -1), twin], anchored: true };
    else yield { path, anchored: false };
    return;
  }
  if (path.length >= MAX_PATH_LENGTH) {
    yield { path, anchored: false, tooLong: true };
    return;
  }
  const candidates = [...issuersOf(ctx, top, ctx.anchors, path), ...issuersOf(ctx, top, ctx.pool, path)];
  let any = false;
  for (const next of candidates) {
    if (--budget.left < 0) break;
    any = true;
    yield* buildPaths(ctx, [...path, next], budget);
  }
  if (!any) yield { path, anchored: false };
}

// ---------------------------------------------------------------------------------------------------------
// Validation

interface Finding {
  depth: number;
  code: VerifyCode;
  message: string;
  check: string;
}

/**
 * Validates `leaf` (DER) against the caller's trust anchors, per RFC 5280 §6 as OpenSSL applies it.
 * Throws PkiError only when an input cannot be decoded.
 */
export function validatePath(leaf: Uint8Array, opts: VerifyOptions): ChainCheck {
  const now = opts.now ?? new Date();
  const ctx = new Context(opts, now);
  const start = decodeInput(() => pathCert(leaf, now), 'certificate');
  return validateWith(ctx, start, opts, 0);
}

function validateWith(ctx: Context, start: PathCert, opts: VerifyOptions, nesting: number): ChainCheck {
  let best: { c: Candidate; findings: Finding[]; score: number } | undefined;
  for (const c of buildPaths(ctx, [start], { left: MAX_CANDIDATES })) {
    const findings = checkPath(ctx, c, opts, nesting);
    if (findings.length === 0) return result(ctx, c, findings);
    const score = (c.anchored ? 0 : 1000) + findings.length;
    if (!best || score < best.score) best = { c, findings, score };
  }
  return result(ctx, best!.c, best!.findings);
}

function result(ctx: Context, c: Candidate, findings: Finding[]): ChainCheck {
  const path = c.path;
  const chain: ChainLink[] = path.map((cert, depth) => {
    const issuer = path[depth + 1];
    const isAnchor = c.anchored && depth === path.length - 1;
    const signatureValid = issuer ? ctx.signedBy(cert, issuer, path.slice(depth + 2)) : cert.selfIssued && ctx.signedBy(cert, cert, []);
    const mine = findings.filter((f) => f.depth === depth);
    const names = ['signature', 'validity', ...(depth > 0 ? ['ca', 'path-length'] : []), 'extensions', 'name-constraints'];
    if (ctx.opts.purpose && ctx.opts.purpose !== 'any') names.push('purpose');
    if (depth === 0 && (ctx.opts.host !== undefined || ctx.opts.ip !== undefined)) names.push('host');
    if (revocationScope(ctx.opts, depth, path.length, c.anchored)) names.push('revocation');
    for (const f of mine) if (!names.includes(f.check)) names.push(f.check);
    const checks: LinkCheck[] = names.map((name) => {
      const failed = mine.filter((f) => f.check === name);
      if (failed.length > 0) return { name, ok: false, detail: failed.map((f) => f.message).join(' ') };
      if (name === 'signature' && isAnchor) return { name, ok: true, detail: 'trust anchor: trusted as given' };
      return { name, ok: true };
    });
    return {
      subject: cert.model.subject.text,
      issuer: cert.model.issuer.text,
      serialNumber: cert.model.serialNumber,
      notBefore: cert.model.notBefore,
      notAfter: cert.model.notAfter,
      fingerprints: { sha1: cert.model.fingerprints.sha1, sha256: cert.sha256 },
      fingerprintSha256: cert.sha256,
      signatureValid,
      anchor: isAnchor,
      checks,
    };
  });
  const errors = findings
    .slice()
    .sort((a, b) => a.depth - b.depth)
    .map((f) => ({ depth: f.depth, code: f.code, message: f.message }));
  return { ok: errors.length === 0, chain, errors, anchored: c.anchored };
}

function revocationScope(opts: VerifyOptions, depth: number, length: number, anchored: boolean): boolean {
  const scope = opts.crlCheck ?? ((opts.crls?.length ?? 0) > 0 ? 'all' : 'none');
  if (scope === 'none') return false;
  if (anchored && depth === length - 1) return false; // trust anchors are not checked for revocation (RFC 5280 §6.3)
  return scope === 'all' || depth === 0;
}

/** OpenSSL's X509_check_ca for a trust anchor: basicConstraints cA, or (without it) a v1 certificate or keyCertSign. */
function anchorIsCa(c: PathCert): boolean {
  if (c.keyUsage && !c.keyUsage.has('keyCertSign')) return false;
  if (c.basicConstraints) return c.basicConstraints.ca;
  return c.version < 3 || c.keyUsage !== undefined;
}

function checkPath(ctx: Context, cand: Candidate, opts: VerifyOptions, nesting: number): Finding[] {
  const { path, anchored } = cand;
  const now = ctx.now;
  const out: Finding[] = [];
  const add = (depth: number, check: string, code: VerifyCode, what: string) => out.push({ depth, check, code, message: `${depthName(path, depth)}: ${what}` });
  const n = path.length;
  const top = path[n - 1];

  // Where the path ends.
  if (cand.tooLong) add(n - 1, 'ca', 'cert_chain_too_long', `the chain is longer than ${MAX_PATH_LENGTH} certificates.`);
  else if (!anchored) {
    const selfSigned = top.selfIssued && ctx.signedBy(top, top, []);
    if (selfSigned && n === 1) add(0, 'ca', 'depth_zero_self_signed_cert', 'self-signed, and not one of the trust anchors given.');
    else if (selfSigned) add(n - 1, 'ca', 'self_signed_cert_in_chain', 'a self-signed certificate that is not one of the trust anchors given.');
    else if (ctx.isAnchor(top)) add(n - 1, 'ca', 'unable_to_get_issuer_cert', `a trust anchor that is not self-signed, and its issuer "${top.model.issuer.text}" is not among the anchors given (add that root, or allow partial chains).`);
    else add(n - 1, 'ca', 'unable_to_get_issuer_cert', `its issuer "${top.model.issuer.text}" is not among the trust anchors or intermediates given.`);
  }

  for (let i = 0; i < n; i++) {
    const c = path[i];
    const issuer = path[i + 1];
    const isAnchor = anchored && i === n - 1;
    // Signature: the TBS algorithm must equal the outer one, and the issuer's key must verify it.
    if (issuer) {
      if (!sameBytes(c.innerAlg, c.outerAlg)) add(i, 'signature', 'cert_signature_failure', 'the signatureAlgorithm differs from the signature field inside the signed part.');
      else if (!c.signature) add(i, 'signature', 'cert_signature_failure', 'the signature BIT STRING has unused bits: a bad signature.');
      else if (!ctx.signedBy(c, issuer, path.slice(i + 2))) add(i, 'signature', 'cert_signature_failure', `signature does not verify with the key of ${certName(issuer)}.`);
    }
    // Validity at `now`, for every certificate including the anchor (as OpenSSL does).
    if (now < c.notBefore) add(i, 'validity', 'cert_not_yet_valid', `not valid before ${c.model.notBefore}.`);
    if (now > c.notAfter) add(i, 'validity', 'cert_has_expired', `expired on ${c.model.notAfter}.`);
    // Extensions: each at most once, known ones decodable, unknown ones not critical.
    for (const d of c.duplicates) add(i, 'extensions', 'invalid_extension', `the ${extensionName(d)} extension appears more than once.`);
    for (const m of c.malformed) add(i, 'extensions', 'invalid_extension', `malformed ${m}.`);
    const unknown = c.extensions.filter((e) => e.critical && !HANDLED_CRITICAL.has(e.oid)).map((e) => e.oid);
    if (unknown.length > 0) add(i, 'extensions', 'unhandled_critical_extension', `unhandled critical extension ${unknown.join(', ')}.`);
    // CAs: basicConstraints cA and keyCertSign; pathLenConstraint over the non-self-issued CAs below.
    if (i > 0) {
      if (isAnchor) {
        if (!anchorIsCa(c)) add(i, 'ca', 'invalid_ca', 'not a CA certificate (basicConstraints CA:TRUE or keyCertSign missing), so it cannot issue certificates.');
      } else if (c.version < 3 && !(c.selfIssued && ctx.signedBy(c, c, []))) {
        add(i, 'ca', 'invalid_ca', `a version ${c.version} certificate cannot be an intermediate CA (no basicConstraints).`);
      } else if (c.version >= 3 && !c.basicConstraints?.ca) {
        add(i, 'ca', 'invalid_ca', c.basicConstraints ? 'basicConstraints says CA:FALSE, so it cannot issue certificates.' : 'no basicConstraints CA:TRUE, so it cannot issue certificates.');
      } else if (c.keyUsage && !c.keyUsage.has('keyCertSign')) {
        add(i, 'ca', 'invalid_ca', 'its keyUsage lacks keyCertSign, so it cannot issue certificates.');
      }
      const pathLen = c.basicConstraints?.pathLen;
      if (pathLen !== undefined && i > 1) {
        const below = path.slice(1, i).filter((x) => !x.selfIssued).length;
        if (below > pathLen) add(i, 'path-length', 'path_length_exceeded', `its pathLenConstraint allows ${pathLen} intermediate CA${pathLen === 1 ? '' : 's'} below it, the chain has ${below}.`);
      }
    }
    // Name constraints of every CA above, on the leaf and on the CAs that are not self-issued.
    if (i === 0 || !c.selfIssued) {
      for (let j = i + 1; j < n; j++) {
        const nc = path[j].nameConstraints;
        if (!nc) continue;
        const f = checkNameConstraints(c, nc, i === 0);
        if (!f) continue;
        const why =
          f.code === 'permitted_violation'
            ? `${f.name} is outside the names permitted by ${certName(path[j])}.`
            : f.code === 'excluded_violation'
              ? `${f.name} is among the names excluded by ${certName(path[j])}.`
              : f.code === 'subtree_minmax'
                ? `the name constraints of ${certName(path[j])} use minimum/maximum, which RFC 5280 does not allow.`
                : `${f.name} cannot be checked against the name constraints of ${certName(path[j])}.`;
        add(i, 'name-constraints', f.code, why);
        break;
      }
    }
    // Purpose: EKU and keyUsage on the leaf, EKU on CAs that carry one.
    if (opts.purpose && opts.purpose !== 'any') {
      const why = purposeProblem(c, opts.purpose, i > 0);
      if (why) add(i, 'purpose', 'invalid_purpose', why);
    }
  }

  // The leaf's host name / IP address, as a TLS client checks them.
  if (opts.host !== undefined) {
    const asIp = parseIp(opts.host);
    if (asIp ? !ipIdentities(path[0]).some((b) => sameBytes(b, asIp)) : !dnsIdentities(path[0]).some((p) => hostMatches(p, opts.host!, isPublicSuffix))) {
      const names = asIp ? ipIdentities(path[0]).map(ipAddress) : dnsIdentities(path[0]);
      add(0, 'host', asIp ? 'ip_address_mismatch' : 'hostname_mismatch', `not valid for ${opts.host} (it names ${names.length ? names.join(', ') : 'no host'}).`);
    }
  }
  if (opts.ip !== undefined) {
    const ip = parseIp(opts.ip);
    if (!ip) throw new PkiError(`"${opts.ip}" is not an IP address`);
    if (!ipIdentities(path[0]).some((b) => sameBytes(b, ip))) {
      const ips = ipIdentities(path[0]).map(ipAddress);
      add(0, 'host', 'ip_address_mismatch', `not valid for IP address ${opts.ip} (it names ${ips.length ? ips.join(', ') : 'no IP address'}).`);
    }
  }

  // Revocation, once the path itself holds (a CRL check on a broken path says nothing more).
  if (out.length === 0) {
    for (let i = 0; i < n - 1; i++) {
      if (!revocationScope(opts, i, n, anchored)) continue;
      const f = checkRevocation(ctx, path, i, nesting);
      if (f) add(i, 'revocation', f.code, f.message);
    }
    // RFC 5280 never checks a trust anchor, but `openssl verify -crl_check_all` does check a self-signed
    // anchor against its own CRL: a root that lists itself as revoked is refused by both.
    if (anchored && top.selfIssued && (opts.crlCheck ?? 'all') === 'all' && (opts.crls?.length ?? 0) > 0 && n > 1) {
      const f = checkRevocation(ctx, [...path, top], n - 1, nesting);
      if (f?.code === 'cert_revoked') add(n - 1, 'revocation', f.code, f.message);
    }
  }
  return out;
}

function purposeProblem(c: PathCert, purpose: 'server' | 'client', ca: boolean): string | undefined {
  const wanted = purpose === 'server' ? EKU_SERVER : EKU_CLIENT;
  const label = purpose === 'server' ? 'serverAuth' : 'clientAuth';
  if (c.extKeyUsage) {
    const ok = c.extKeyUsage.includes(wanted) || (purpose === 'server' && (c.extKeyUsage.includes(EKU_NS_SGC) || c.extKeyUsage.includes(EKU_MS_SGC)));
    if (!ok) return `its extendedKeyUsage (${c.extKeyUsage.map((o) => oidName(o) ?? o).join(', ')}) does not include ${label}${ca ? ', which restricts every certificate it issues' : ''}.`;
  }
  if (c.nsCertType) {
    const bit = ca ? 'sslCA' : purpose === 'server' ? 'sslServer' : 'sslClient';
    if (!c.nsCertType.has(bit)) return `its Netscape certificate type lacks ${bit}.`;
  }
  if (!ca && c.keyUsage) {
    const usable = purpose === 'server' ? ['digitalSignature', 'keyEncipherment', 'keyAgreement'] : ['digitalSignature', 'keyAgreement'];
    if (!usable.some((u) => c.keyUsage!.has(u))) return `its keyUsage (${[...c.keyUsage].join(', ') || 'empty'}) allows none of ${usable.join(', ')}, which a TLS ${purpose} needs.`;
  }
  return undefined;
}


// ---------------------------------------------------------------------------------------------------------
// Revocation (RFC 5280 §6.3, complete CRLs)

interface CrlVerdict {
  code: VerifyCode;
  message: string;
}

/** Ranks why a CRL could not be used, most telling first. */
const CRL_PROBLEM_RANK: VerifyCode[] = ['crl_has_expired', 'crl_not_yet_valid', 'unhandled_critical_crl_extension', 'crl_signature_failure', 'keyusage_no_crl_sign', 'crl_path_validation_error', 'unable_to_get_crl_issuer', 'unable_to_get_crl'];

/** Checks path[i] against the CRLs of its issuer. Returns the failure, or undefined when it is not revoked. */
function checkRevocation(ctx: Context, path: PathCert[], i: number, nesting: number): CrlVerdict | undefined {
  const cert = path[i];
  const issuer = path[i + 1];
  const issuerText = cert.model.issuer.text;
  const named = ctx.crls.filter((c) => c.issuerCanon === cert.issuerCanon);
  const complete = named.filter((c) => !c.delta);
  if (complete.length === 0) {
    return {
      code: 'unable_to_get_crl',
      message: named.length > 0 ? `only delta CRLs from "${issuerText}" were given; delta CRLs are not supported, give the complete CRL.` : `no CRL from "${issuerText}" was given, so its revocation status is unknown.`,
    };
  }
  const problems: CrlVerdict[] = [];
  const usable: PathCrl[] = [];
  for (const crl of complete) {
    const p = crlProblem(ctx, crl, cert, issuer, path, i, nesting);
    if (p) problems.push(p);
    else usable.push(crl);
  }
  if (usable.length === 0) {
    problems.sort((a, b) => CRL_PROBLEM_RANK.indexOf(a.code) - CRL_PROBLEM_RANK.indexOf(b.code));
    return problems[0];
  }
  // The most recent usable CRL decides.
  const crl = usable.sort((a, b) => b.thisUpdate.getTime() - a.thisUpdate.getTime())[0];
  if (crl.entries.size > 0 && [...crl.entries.values()].some((e) => e.unhandledCritical.length > 0)) {
    return { code: 'unhandled_critical_crl_extension', message: `the CRL from "${issuerText}" has an entry with an unhandled critical extension.` };
  }
  const entry = crl.entries.get(cert.serial);
  if (entry && entry.reason !== 'removeFromCRL') {
    return {
      code: 'cert_revoked',
      message: `revoked: serial ${cert.model.serialNumber} on ${isoSeconds(entry.revocationDate)}${entry.reason ? `, reason ${entry.reason}` : ''} (CRL from "${issuerText}", ${crl.thisUpdate.toISOString().slice(0, 10)}).`,
    };
  }
  return undefined;
}

/** Why `crl` cannot be used to check path[i], or undefined when it can. */
function crlProblem(ctx: Context, crl: PathCrl, cert: PathCert, issuer: PathCert, path: PathCert[], i: number, nesting: number): CrlVerdict | undefined {
  const who = `the CRL from "${crl.issuerText}"`;
  if (crl.malformed.length > 0) return { code: 'crl_signature_failure', message: `${who} is malformed (${crl.malformed[0]}).` };
  if (crl.unhandledCritical.length > 0) return { code: 'unhandled_critical_crl_extension', message: `${who} has an unhandled critical extension ${crl.unhandledCritical.join(', ')}.` };
  if (crl.idp) {
    const idp = crl.idp;
    const isCa = !!cert.basicConstraints?.ca;
    if (idp.indirect || idp.someReasons || idp.attributeOnly || (idp.userOnly && isCa) || (idp.caOnly && !isCa)) {
      return { code: 'unable_to_get_crl', message: `${who} does not cover this certificate (its issuingDistributionPoint limits its scope; indirect and partial CRLs are not supported).` };
    }
    if (idp.fullNames.length > 0 && cert.distributionPoints.length > 0 && !idp.fullNames.some((n) => cert.distributionPoints.includes(n))) {
      return { code: 'unable_to_get_crl', message: `${who} is for another distribution point than this certificate's.` };
    }
  }
  // The signer: the certificate's own issuer, or another certificate of the same name (a separate CRL key).
  if (!sameBytes(crl.innerAlg, crl.outerAlg) || !crl.signature) return { code: 'crl_signature_failure', message: `${who}: its signature is malformed.` };
  const signerCandidates = [issuer, ...path.filter((p) => p !== issuer), ...ctx.anchors, ...ctx.pool].filter(
    (s, k, all) => s.subjectCanon === crl.issuerCanon && all.findIndex((x) => x.sha256 === s.sha256) === k,
  );
  let best: CrlVerdict = { code: 'crl_signature_failure', message: `${who}: its signature does not verify with the key of ${certName(issuer)} or any certificate of that name.` };
  for (const signer of signerCandidates) {
    if (!ctx.signedBy(crl, signer, signer === issuer ? path.slice(i + 2) : [])) continue;
    if (signer.keyUsage && !signer.keyUsage.has('cRLSign')) {
      best = { code: 'keyusage_no_crl_sign', message: `${who} is signed by ${certName(signer)}, whose keyUsage lacks cRLSign.` };
      continue;
    }
    const why = signerProblem(ctx, signer, path, i, nesting);
    if (why !== undefined) {
      best = { code: 'crl_path_validation_error', message: `${who} is signed by ${certName(signer)}, which is not trusted: ${why}` };
      continue;
    }
    if (ctx.now < crl.thisUpdate) return { code: 'crl_not_yet_valid', message: `${who} is not valid before ${isoSeconds(crl.thisUpdate)}.` };
    if (crl.nextUpdate && ctx.now > crl.nextUpdate) return { code: 'crl_has_expired', message: `${who} expired on ${isoSeconds(crl.nextUpdate)} (its nextUpdate); get a fresh one.` };
    return undefined;
  }
  return best;
}

/**
 * A CRL signer other than the validated path's own certificates must itself chain to the same anchors (and not
 * be revoked). Returns why it does not, or undefined when it does.
 */
function signerProblem(ctx: Context, signer: PathCert, path: PathCert[], i: number, nesting: number): string | undefined {
  const k = path.findIndex((p) => p.sha256 === signer.sha256);
  if (k > i) return undefined; // on the path above the certificate: validated with it
  if (ctx.isAnchor(signer)) return undefined;
  if (ctx.signersInProgress.has(signer.sha256)) return undefined;
  if (nesting >= MAX_NESTING) return 'CRL signers nest too deeply.';
  ctx.signersInProgress.add(signer.sha256);
  try {
    const sub = validateWith(ctx, signer, { ...ctx.opts, purpose: 'any', host: undefined, ip: undefined }, nesting + 1);
    if (sub.ok) return undefined;
    const first = sub.errors[0];
    return first.code === 'cert_revoked' ? `it is ${first.message.replace(/^.*?: revoked: /, 'revoked: ')}` : first.message;
  } finally {
    ctx.signersInProgress.delete(signer.sha256);
  }
}


// ---------------------------------------------------------------------------------------------------------
// Ordering a bundle (no trust decision)

/** Orders certificates leaf first, each followed by its issuer (for full-chain bundles). Throws when they do not form one chain. */
export function orderChain(ders: Uint8Array[]): Uint8Array[] {
  const now = new Date();
  const certs = ders.map((d, i) => decodeInput(() => pathCert(d, now), `certificate ${i + 1}`));
  const label = (c: PathCert) => `"${c.model.subject.text || '(empty subject)'}"`;
  const issuedByOther = (c: PathCert) => certs.some((o) => o !== c && couldHaveIssued(c, o) && !o.selfIssued);
  const leaves = certs.filter((c) => !issuedByOther(c));
  if (leaves.length !== 1) {
    throw new PkiError(`these ${certs.length} certificates do not form a single chain (${leaves.length} candidates for the leaf: ${leaves.map(label).join(', ')})`);
  }
  const out: PathCert[] = [leaves[0]];
  while (out.length < certs.length) {
    const cur = out[out.length - 1];
    const next = certs.find((c) => !out.includes(c) && couldHaveIssued(c, cur));
    if (!next) {
      const rest = certs.filter((c) => !out.includes(c)).map(label);
      throw new PkiError(`${rest.join(', ')} ${rest.length === 1 ? 'is' : 'are'} not part of the chain above ${label(cur)}`);
    }
    out.push(next);
  }
  return out.map((c) => c.der);
}
