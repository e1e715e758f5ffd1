// What the text editor shows about PEM blocks embedded in any text (YAML, JSON, .env, Kubernetes secrets, plain
// PEM): text → one insight per block, with its range, the decoded object and findings (expired, expiring, weak,
// malformed), plus the short and long summaries the host shows (CodeLens title, hover markdown).
// Host-neutral: works on a string, never on files, never imports `vscode`, never throws.
//
// Three ways a block can be written are understood (plain, escaped in a string, base64-encoded as in a
// Kubernetes Secret's `data:`), all with ranges in the original text: pem.ts findPemBlocksInText finds them, for
// this and for readObjects alike.

import { children, readRoot } from '../der/asn1';
import { expiryOf, expiryPhrase } from '../display/expiry';
import { displayName, fingerprintText, keyLabel, messageOf, oneLine } from '../display/labels';
import type { CertificateModel, DistinguishedName, Expiry, PkiObject, PublicKeyInfo, SignatureDefect, SourceRange } from '../model';
import { DEFAULT_WARN_DAYS, SIGNATURE_DEFECT_TEXT } from '../model';
import { BASE64_BEGIN, findPemBlocksInText, type PemForm } from '../der/pem';
import { readObjects } from '../read/read';
import { signatureHash as algorithmHash } from '../objects/x509';

export type { PemForm };

/**
 * `expired`, `not-yet-valid` and `malformed` are errors/warnings about the block's validity; `expiring` follows the
 * warning window; `rsa-too-small`, `sha1-signature` and `md5-signature` (MD2/MD4/MD5) flag weak cryptography;
 * `invalid-signature` (a certificate, CSR or CRL whose signature encoding makes it invalid), `explicit-ec-parameters`
 * and `san-not-ia5string` flag what clients reject although the object decodes.
 */
export type PemFindingCode =
  | 'expired'
  | 'expiring'
  | 'not-yet-valid'
  | 'rsa-too-small'
  | 'sha1-signature'
  | 'md5-signature'
  | 'malformed'
  | 'invalid-signature'
  | 'explicit-ec-parameters'
  | 'san-not-ia5string';

export interface PemFinding {
  code: PemFindingCode;
  severity: 'error' | 'warning';
  /** One sentence, plain text (no markdown), fit for the Problems panel. */
  message: string;
}

export interface PemBlockInsight {
  /** 1-based position among the insights of the text. */
  number: number;
  /** The label of the BEGIN (or stray END) line, when there is one. */
  label?: string;
  /** The block in the original text: BEGIN to END (escaped blocks), or the whole base64 value (`base64`). */
  range: SourceRange;
  form: PemForm;
  /** The decoded object; absent when the block is malformed. */
  object?: PkiObject;
  findings: PemFinding[];
}

export interface PemInsightOptions {
  /** Reference time; default the current time. */
  now?: Date;
  /** Certificates expiring within this many days get an `expiring` finding. Default 30. */
  warnDays?: number;
  /** Texts longer than this many UTF-8 bytes are not analysed. Default: no limit. */
  maxBytes?: number;
}

export interface PemInsights {
  blocks: PemBlockInsight[];
  /** Why nothing was analysed: the cheap check found no PEM, or the text is over `maxBytes`. */
  skipped?: 'no-pem' | 'too-large';
  /** The reference time used (summaries count days from it). */
  now: Date;
}

const BEGIN = '-----BEGIN ';

/** PEM labels of the objects TLS Workbench reads. Blocks with other labels (PGP, OpenSSH…) are left alone unless their body is DER we recognise. */
const KNOWN_LABELS = new Set([
  'CERTIFICATE',
  'X509 CERTIFICATE',
  'TRUSTED CERTIFICATE',
  'CERTIFICATE REQUEST',
  'NEW CERTIFICATE REQUEST',
  'X509 CRL',
  'PRIVATE KEY',
  'ENCRYPTED PRIVATE KEY',
  'RSA PRIVATE KEY',
  'EC PRIVATE KEY',
  'DSA PRIVATE KEY',
  'PUBLIC KEY',
  'RSA PUBLIC KEY',
  'DH PARAMETERS',
  'X9.42 DH PARAMETERS',
  'DSA PUBLIC KEY',
  'DSA PARAMETERS',
  'PKCS12',
]);

/** The cheap test a host runs before anything else: can this text hold a PEM block at all? */
export function mayContainPem(text: string): boolean {
  return text.includes(BEGIN) || text.includes(BASE64_BEGIN);
}

/** Every PEM block of `text`, decoded, with findings. Never throws. */
export function analyzePemText(text: string, opts: PemInsightOptions = {}): PemInsights {
  const now = opts.now instanceof Date && !Number.isNaN(opts.now.getTime()) ? opts.now : new Date();
  const warnDays = typeof opts.warnDays === 'number' && opts.warnDays >= 0 ? opts.warnDays : DEFAULT_WARN_DAYS;
  if (typeof text !== 'string' || !mayContainPem(text)) return { blocks: [], skipped: 'no-pem', now };
  if (opts.maxBytes !== undefined && text.length > opts.maxBytes / 3 && Buffer.byteLength(text, 'utf8') > opts.maxBytes) {
    return { blocks: [], skipped: 'too-large', now };
  }
  try {
    const blocks = scanText(text, { now, warnDays });
    return { blocks: blocks.map((b, i) => tidy({ ...b, number: i + 1 })), now };
  } catch (e) {
    // Not expected (the readers report through problems); still, an editor feature must not throw.
    const range: SourceRange = { startLine: 0, startCharacter: 0, endLine: 0, endCharacter: 0, startOffset: 0, endOffset: 0 };
    const message = `PEM analysis failed: ${oneLine(messageOf(e))}`;
    return { blocks: [{ number: 1, range, form: 'pem', findings: [{ code: 'malformed', severity: 'error', message }] }], now };
  }
}

/** Every insight whose range holds the 0-based (line, character): several when one base64 value holds a chain. */
export function blocksAt(blocks: readonly PemBlockInsight[], line: number, character: number): PemBlockInsight[] {
  return blocks.filter((b) => {
    const r = b.range;
    if (line < r.startLine || line > r.endLine) return false;
    if (line === r.startLine && character < r.startCharacter) return false;
    if (line === r.endLine && character > r.endCharacter) return false;
    return true;
  });
}

// ---------------------------------------------------------------------------------------------------------
// Scanning

type Found = Omit<PemBlockInsight, 'number'>;

/** Every block of `text` (plain, escaped and base64-encoded), read, with findings, in the order of the text. */
function scanText(text: string, opts: { now: Date; warnDays: number }): Found[] {
  const { blocks, problems } = findPemBlocksInText(text);
  const out: Found[] = [];
  /** Block numbers, to keep the blocks of one base64 value (which share its range) in their order. */
  const numbers = new Map<Found, number>();

  // Framing problems, grouped by block (one block may have several; a base64 value may hold several blocks).
  const broken = new Map<string, Found>();
  let lastRanged: Found | undefined;
  for (const p of problems) {
    if (!p.range) {
      // "N more PEM problems not listed": joins the last broken block.
      if (lastRanged) lastRanged.findings.push({ code: 'malformed', severity: 'error', message: sentence(p.message) });
      continue;
    }
    const label = p.label;
    if (!label || !KNOWN_LABELS.has(label)) continue;
    const key = `${p.range.startOffset}:${p.blockNumber ?? ''}`;
    let f = broken.get(key);
    if (!f) {
      f = { label, form: p.form ?? 'pem', range: p.range, findings: [] };
      broken.set(key, f);
      numbers.set(f, p.blockNumber ?? 0);
      out.push(f);
    }
    f.findings.push({ code: 'malformed', severity: 'error', message: `Malformed ${label} block: ${sentence(stripBlockPrefix(p.message))}` });
    lastRanged = f;
  }

  for (const block of blocks) {
    const known = KNOWN_LABELS.has(block.label);
    const read = readObjects(new Uint8Array(Buffer.from(block.pem, 'utf8')), { now: opts.now, warnDays: opts.warnDays });
    const object = read.objects[0];
    const base: Found = { label: block.label, form: block.form, range: block.range, findings: [] };
    if (object) {
      delete object.range; // relative to the block read, not to the text
      const f: Found = { ...base, object, findings: findingsOf(object, block.der) };
      numbers.set(f, block.blockNumber);
      out.push(f);
    } else if (known) {
      const errors = read.problems.filter((p) => p.severity === 'error');
      if (errors.length === 0) continue; // e.g. EC PARAMETERS: read, but nothing to show
      const where = block.form === 'base64' ? ' (in the base64-encoded value)' : '';
      const f: Found = {
        ...base,
        findings: errors.map((p) => ({ code: 'malformed' as const, severity: 'error' as const, message: `Malformed ${block.label} block: ${sentence(stripBlockPrefix(p.message) + where)}` })),
      };
      numbers.set(f, block.blockNumber);
      out.push(f);
    }
  }
  return out.sort((a, b) => a.range.startOffset - b.range.startOffset || (numbers.get(a) ?? 0) - (numbers.get(b) ?? 0));
}

function stripBlockPrefix(message: string): string {
  return message.replace(/^block \d+ \([^)]*\): /, '');
}

// ---------------------------------------------------------------------------------------------------------
// Findings

function findingsOf(o: PkiObject, der: Uint8Array): PemFinding[] {
  const out: PemFinding[] = [];
  if (o.kind === 'certificate') {
    const name = `Certificate "${nameOf(o.subject)}"`;
    const notAfter = day(o.notAfter);
    switch (o.expiry.status) {
      case 'expired':
        out.push({ code: 'expired', severity: 'error', message: `${name} ${expiryPhrase(o.expiry)} (${notAfter}).` });
        break;
      case 'expiring':
        out.push({ code: 'expiring', severity: 'warning', message: `${name} ${expiryPhrase(o.expiry)} (${notAfter}).` });
        break;
      case 'not-yet-valid':
        out.push({ code: 'not-yet-valid', severity: 'warning', message: `${name} is not valid before ${day(o.notBefore)}.` });
        break;
    }
    weakKey(out, o.publicKey, name);
    badSignature(out, o.signatureDefect, name);
    for (const s of o.subjectAltNames) {
      if (s.invalidIa5String) out.push({ code: 'san-not-ia5string', severity: 'error', message: `${name}: SAN is not valid IA5String: ${sanText(s)} holds bytes outside ASCII.` });
    }
    const hash = signatureHash(der);
    // A root's self-signature is never checked by clients: a SHA-1 root in a trust bundle is not a problem.
    if (hash !== undefined && /^(sha1|md[245])$/.test(hash) && !(o.isCA && o.selfSigned)) {
      const sha1 = hash === 'sha1';
      out.push({
        code: sha1 ? 'sha1-signature' : 'md5-signature',
        severity: 'warning',
        message: `${name} is signed with ${sha1 ? 'SHA-1' : hash.toUpperCase()} (${o.signatureAlgorithm}), which browsers and current TLS libraries reject.`,
      });
    }
  } else if (o.kind === 'csr') {
    weakKey(out, o.publicKey, `Certificate request "${nameOf(o.subject)}"`);
    badSignature(out, o.signatureDefect, `Certificate request "${nameOf(o.subject)}"`);
  } else if (o.kind === 'crl') {
    badSignature(out, o.signatureDefect, `CRL of "${nameOf(o.issuer)}"`);
  } else if (o.kind === 'private-key' && o.publicKey) {
    weakKey(out, o.publicKey, 'Private key');
  } else if (o.kind === 'public-key') {
    weakKey(out, o.publicKey, 'Public key');
  }
  return out;
}

function badSignature(out: PemFinding[], defect: SignatureDefect | undefined, what: string): void {
  if (defect) out.push({ code: 'invalid-signature', severity: 'error', message: `${what}: ${SIGNATURE_DEFECT_TEXT[defect]}.` });
}

function weakKey(out: PemFinding[], k: PublicKeyInfo, what: string): void {
  if (k.explicitParameters) {
    out.push({ code: 'explicit-ec-parameters', severity: 'warning', message: `${what} has explicit EC parameters: rejected by modern TLS libraries.` });
  }
  if (k.algorithm !== 'RSA' || k.size >= 2048) return;
  out.push({ code: 'rsa-too-small', severity: 'warning', message: `${what} has an RSA key of ${k.size} bits: keys under 2048 bits are rejected by current TLS libraries.` });
}

/** The digest of the certificate's signature (RSASSA-PSS included), from its DER; undefined when unknown. */
function signatureHash(der: Uint8Array): string | undefined {
  try {
    return algorithmHash(der, children(der, readRoot(der))[1]) ?? undefined;
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------------------------
// Summaries

/** The CodeLens title: `Inspect · expires in 42 days`, `Inspect · EXPIRED 3 days ago`, `Inspect · RSA 2048 private key`… */
export function lensTitle(b: PemBlockInsight, now: Date): string {
  return `Inspect · ${shortStatus(b, now)}`;
}

function shortStatus(b: PemBlockInsight, now: Date): string {
  const o = b.object;
  if (!o) return `malformed ${b.label ?? 'PEM'} block`;
  switch (o.kind) {
    case 'certificate': {
      const e = expiryAt(o, now);
      if (e.status === 'expired') return expiryPhrase(e).replace(/^expired/, 'EXPIRED');
      if (e.status === 'not-yet-valid') return `not valid until ${day(o.notBefore)}`;
      return expiryPhrase(e);
    }
    case 'private-key':
      if (!o.publicKey) return o.encrypted ? 'encrypted private key' : 'private key';
      return `${keyLabel(o.publicKey)} ${o.encrypted ? 'encrypted ' : ''}private key`;
    case 'public-key':
      return `${keyLabel(o.publicKey)} public key`;
    case 'csr':
      return `certificate request (${keyLabel(o.publicKey)})`;
    case 'crl': {
      const overdue = o.nextUpdate !== undefined && Date.parse(o.nextUpdate) < now.getTime();
      return `CRL, ${o.revoked.length} revoked${overdue ? ', next update overdue' : ''}`;
    }
    case 'dh-parameters':
      return `DH parameters (${o.primeBits} bits)`;
    case 'dsa-parameters':
      return `DSA parameters (${o.primeBits} bits)`;
    case 'pkcs12':
      return 'PKCS#12 keystore';
  }
}

/** Hover text (markdown): what the block is, its key facts and findings. Every certificate string is escaped. */
export function hoverMarkdown(b: PemBlockInsight, now: Date): string {
  const o = b.object;
  const rows: [string, string][] = [];
  let title: string;
  if (!o) {
    title = `**Malformed ${md(b.label ?? 'PEM')} block**`;
  } else {
    switch (o.kind) {
      case 'certificate': {
        const chips = [o.selfSigned ? 'self-signed' : undefined, o.isCA ? 'CA' : undefined].filter(Boolean).join(', ');
        title = `**Certificate** ${md(nameOf(o.subject))}${chips ? ` (${chips})` : ''}`;
        rows.push(['Subject', md(o.subject.text || '(empty)')], ['Issuer', md(o.issuer.text || '(empty)')]);
        rows.push(['Validity', `${md(when(o.notBefore))} → ${md(when(o.notAfter))} (${md(expiryPhrase(expiryAt(o, now), o.notBefore))})`]);
        if (o.subjectAltNames.length > 0) rows.push(['SANs', md(sanList(o))]);
        rows.push(['Key', md(keyLong(o.publicKey))], ['Signature', md(o.signatureAlgorithm)], ['Serial', code(o.serialNumber)]);
        rows.push(['SHA-1', code(fingerprintText(o.fingerprints.sha1, 'plain'))], ['SHA-256', code(fingerprintText(o.fingerprints.sha256, 'colons'))]);
        break;
      }
      case 'csr':
        title = `**Certificate request** ${md(nameOf(o.subject))}`;
        rows.push(['Subject', md(o.subject.text || '(empty)')]);
        if (o.subjectAltNames.length > 0) rows.push(['SANs', md(o.subjectAltNames.map(sanText).join(', '))]);
        rows.push(['Key', md(keyLong(o.publicKey))], ['Signature', `${md(o.signatureAlgorithm)}${o.signatureValid ? '' : ' (does not verify)'}`]);
        rows.push(['Public key SHA-256', code(o.publicKey.spkiSha256)]);
        break;
      case 'private-key':
        title = `**Private key**${o.encrypted ? ' (encrypted)' : ''}`;
        rows.push(['Format', md(o.format)]);
        if (o.encryption) rows.push(['Encryption', md([o.encryption.scheme, o.encryption.cipher, o.encryption.kdf].filter(Boolean).join(', '))]);
        if (o.publicKey) rows.push(['Key', md(keyLong(o.publicKey))], ['Public key SHA-256', code(o.publicKey.spkiSha256)]);
        break;
      case 'public-key':
        title = '**Public key**';
        rows.push(['Key', md(keyLong(o.publicKey))], ['SHA-256 (SPKI)', code(o.publicKey.spkiSha256)]);
        break;
      case 'crl':
        title = '**Certificate revocation list**';
        rows.push(['Issuer', md(o.issuer.text || '(empty)')], ['This update', md(when(o.thisUpdate))]);
        if (o.nextUpdate) rows.push(['Next update', md(when(o.nextUpdate))]);
        rows.push(['Revoked', String(o.revoked.length)], ['SHA-1', code(fingerprintText(o.fingerprints.sha1, 'plain'))], ['SHA-256', code(fingerprintText(o.fingerprints.sha256, 'colons'))]);
        break;
      case 'dh-parameters':
        title = '**DH parameters**';
        rows.push(['Prime', `${o.primeBits} bits${o.namedGroup ? ` (${md(o.namedGroup)})` : ''}`]);
        break;
      case 'dsa-parameters':
        title = '**DSA parameters**';
        rows.push(['Prime p', `${o.primeBits} bits`], ['Subgroup order q', `${o.subgroupBits} bits`]);
        break;
      case 'pkcs12':
        title = '**PKCS#12 keystore**';
        break;
    }
  }
  const parts = [title];
  if (rows.length > 0) parts.push(['| | |', '|---|---|', ...rows.map(([k, v]) => `| ${k} | ${v} |`)].join('\n'));
  if (b.findings.length > 0) {
    parts.push(b.findings.map((f) => `- **${f.severity === 'error' ? 'Error' : 'Warning'}:** ${md(f.message)}`).join('\n'));
  }
  if (b.form !== 'pem') parts.push(`*${b.form === 'escaped' ? 'Escaped PEM (\\\\n line breaks) in a string' : 'Base64-encoded PEM (e.g. a Kubernetes Secret `data` value)'}*`);
  return parts.join('\n\n');
}

/** Escapes text for markdown: every ASCII punctuation character is backslash-escaped, control characters shown as spaces. */
function escapeMarkdown(s: string): string {
  return oneLine(s).replace(/[!-/:-@[-`{-~]/g, '\\$&');
}

const md = escapeMarkdown;

function code(hex: string): string {
  // Only hex reaches here; still, never let a backtick through.
  return '`' + hex.replace(/`/g, '') + '`';
}

/** A name in a finding or a hover title: labels.displayName on one line, cut at 80 characters. */
function nameOf(n: DistinguishedName): string {
  const s = oneLine(displayName(n));
  return s.length > 80 ? `${s.slice(0, 79)}…` : s;
}

function keyLong(k: PublicKeyInfo): string {
  if (k.algorithm === 'RSA') return `RSA ${k.size} bits${k.exponent !== undefined ? `, e=${k.exponent}` : ''}`;
  if (k.algorithm === 'EC') return `EC ${k.curve ?? ''} (${k.size} bits)`.replace('  ', ' ');
  if (k.algorithm === 'unknown') return `unknown algorithm ${k.oid}`;
  return k.size ? `${k.algorithm} (${k.size} bits)` : k.algorithm;
}

function sanText(s: { type: string; value: string }): string {
  return `${s.type === 'dns' ? 'DNS' : s.type === 'ip' ? 'IP' : s.type}:${s.value}`;
}

function sanList(c: CertificateModel): string {
  const max = 20;
  const shown = c.subjectAltNames.slice(0, max).map(sanText).join(', ');
  return c.subjectAltNames.length > max ? `${shown} and ${c.subjectAltNames.length - max} more` : shown;
}

/**
 * The certificate's expiry at `now` (display/expiry's rule, so the lens, the hover and the explorer count the same
 * days). The status words only need the time; the warning window is the findings' business.
 */
function expiryAt(c: CertificateModel, now: Date): Expiry {
  return expiryOf(c, now, 0) ?? c.expiry;
}

/** `2025-05-01` from an ISO time. */
function day(iso: string): string {
  return iso.slice(0, 10);
}

/** `2025-05-01 12:00:00 UTC` from an ISO time. */
function when(iso: string): string {
  return /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/.test(iso) ? `${iso.slice(0, 10)} ${iso.slice(11, 19)} UTC` : iso;
}

function sentence(s: string): string {
  const t = oneLine(s).trim();
  return /[.!?]$/.test(t) ? t : `${t}.`;
}

/** Drops undefined optional fields (so insights compare and serialise cleanly). */
function tidy(b: PemBlockInsight): PemBlockInsight {
  if (b.label === undefined) delete b.label;
  if (b.object === undefined) delete b.object;
  return b;
}
