// What the inspector shows, built from the core model: the host reads the file (and its neighbours), the engine's
// worker thread (src/worker/engineWorker.ts) runs this builder, which turns the bytes into an `InspectorView`
// (plain JSON data, src/webview/view.ts), and the webview renders it with textContent only.
//
// Host-neutral: no `vscode`, no DOM. It uses src/core, so it runs only in the worker (and in tests): the extension
// host imports its types alone, and does what it needs after a build with verification.ts.
//
// Secrets: private key bytes (plain or encrypted) and PKCS#12 bytes never enter a view; keys are described by
// type, size, protection and public-key fingerprint. The password, when given, is used and forgotten.

import { createHash } from 'node:crypto';
import { encodePem, decodeText, findPemBlocksInText, looksLikePemInText } from '../../core/der/pem';
import { expiryPhrase, expiryStatusText } from '../../core/display/expiry';
import { colonHex, commonNameOf, displayName, fingerprintText, keyLabel, messageOf, plural, sentence } from '../../core/display/labels';
import type {
  CertificateModel,
  CrlModel,
  CsrModel,
  DhParametersModel,
  DistinguishedName,
  DsaParametersModel,
  ExpiryStatus,
  ExtensionInfo,
  Pkcs12Model,
  PkiObject,
  PrivateKeyModel,
  PublicKeyInfo,
  PublicKeyModel,
  ReadResult,
  SubjectAltName,
} from '../../core/model';
import { readPkcs12 } from '../../core/objects/pkcs12';
import { lintCertificate, tlsPurposeOf } from '../../core/read/lint';
import { readObjects } from '../../core/read/read';
import type { WorkBudget } from '../../core/runtime/workBudget';
import { couldHaveIssued } from '../../core/trust/issuer';
import { pathCert, type PathCert } from '../../core/trust/pathCert';
import { orderChain, validatePath } from '../../core/trust/pathValidation';
import type { ChainLinkView, ChainView, ChipView, FieldView, InspectorView, LockView, ObjectView, SectionView, Tone, ValidityView } from '../../webview/view';
import { ATTRIBUTE_HELP, EKU_HELP, EXTENSION_HELP, FIELD_HELP, KEY_USAGE_HELP, SECTION_HELP, UNKNOWN_EXTENSION_HELP } from './help';
import { errorView, signatureOf, visible } from './verification';

// ───────────────────────────── building ─────────────────────────────

/** A file next to the inspected one that may hold its key or certificate (for the "key matches" chip). */
export interface NearbyFile {
  fileName: string;
  bytes: Uint8Array;
}

/** A key, certificate or CSR found in a nearby file. */
interface Neighbour {
  fileName: string;
  kind: 'private-key' | 'certificate' | 'csr' | 'public-key';
  spkiSha256: string;
  /** The CN of a certificate or CSR (titleOf), to name it in "matches the certificate John-Doe in client.crt". */
  title?: string;
}

export interface BuildInput {
  fileName: string;
  bytes: Uint8Array;
  /** Decrypts PKCS#12 files and encrypted keys; used for this build only. */
  password?: string;
  /** The key-derivation work this build may do (default: a budget of the default size). */
  budget?: WorkBudget;
  now?: Date;
  warnDays?: number;
  maxBytes?: number;
  /** Files next to it, read by the host (decoded here, off the extension host's thread). */
  nearby?: NearbyFile[];
}

export interface BuildOutput {
  view: InspectorView;
  /** The core result the view was built from (for the text report). No key bytes, no password. */
  result: ReadResult;
  /** The certificates of the chain section, leaf first (DER), for "Verify against a trust anchor…". Host only. */
  chain?: Uint8Array[];
}

/** Objects beyond this many are summarised (a bundle of thousands must not flood the webview). */
const MAX_OBJECTS = 300;
const MAX_HEX = 4096;
const MAX_REVOKED = 1000;

/** True when something in `result` can only be decoded with a password (the view then has a `lock`). */
function needsPassword(result: ReadResult): boolean {
  return result.objects.some((o) => (o.kind === 'private-key' && o.encrypted && !o.publicKey) || (o.kind === 'pkcs12' && !o.decrypted));
}

/** Keys, certificates and CSRs of a nearby file, by public-key hash. Never throws. */
function neighboursOf({ fileName, bytes }: NearbyFile, maxBytes?: number): Neighbour[] {
  const out: Neighbour[] = [];
  let result: ReadResult;
  try {
    result = readObjects(bytes, { maxBytes });
  } catch {
    return out;
  }
  for (const o of result.objects) {
    if (o.kind === 'private-key' && o.publicKey) out.push({ fileName, kind: 'private-key', spkiSha256: o.publicKey.spkiSha256 });
    if (o.kind === 'certificate' || o.kind === 'csr') out.push({ fileName, kind: o.kind, spkiSha256: o.publicKey.spkiSha256, title: titleOf(o) });
    if (o.kind === 'public-key') out.push({ fileName, kind: o.kind, spkiSha256: o.publicKey.spkiSha256 });
  }
  return out;
}

interface Entry {
  id: string;
  object: PkiObject;
  der?: Uint8Array;
  /** The PEM text as it is in the file (PEM objects). */
  pemText?: string;
  location: string;
  parentId?: string;
}

/** Reads `input.bytes` and builds everything the inspector shows. Never throws. */
export function buildInspectorView(input: BuildInput): BuildOutput {
  const now = input.now ?? new Date();
  let result: ReadResult;
  try {
    result = readObjects(input.bytes, { now, warnDays: input.warnDays, maxBytes: input.maxBytes, password: input.password, budget: input.budget });
  } catch (e) {
    result = { objects: [], problems: [{ severity: 'error', message: `internal error while reading: ${messageOf(e)}` }] };
  }
  const entries = entriesOf(input, result);
  const shown = entries.slice(0, MAX_OBJECTS);
  const certs = shown.filter((e): e is Entry & { object: CertificateModel } => e.object.kind === 'certificate');
  const chainInfo = chainOf(certs, now);
  const lintByCert = new Map<string, FieldView[] | string>();
  for (const c of certs) lintByCert.set(c.id, lintOf(c, certs, chainInfo.issuerOf.get(c.id), now));
  const neighbours = (input.nearby ?? []).flatMap((f) => neighboursOf(f, input.maxBytes));
  const ctx: Ctx = { now, entries: shown, neighbours, lint: lintByCert, fileName: input.fileName };
  const objects = shown.map((e) => objectView(e, ctx));
  const unlockNote = input.password !== undefined ? unlockNoteOf(shown, ctx, input.nearby?.length ?? 0) : undefined;
  const problems = result.problems.map((p) => ({ severity: p.severity, message: visible(p.message) }));
  if (entries.length > shown.length) {
    problems.push({ severity: 'warning', message: `only the first ${MAX_OBJECTS} of ${entries.length} objects are shown` });
  }
  const view: InspectorView = {
    fileName: visible(input.fileName),
    summary: summaryOf(result.objects, entries.length),
    objects,
    problems,
    unlocked: input.password !== undefined && !needsPassword(result) && result.objects.length > 0,
    builtAt: now.toISOString(),
  };
  if (chainInfo.view) view.chain = chainInfo.view;
  if (unlockNote) view.unlockNote = unlockNote;
  const lock = lockOf(result);
  if (lock) view.lock = lock;
  const out: BuildOutput = { view, result };
  if (chainInfo.ders) out.chain = chainInfo.ders;
  return out;
}

// ───────────────────────────── entries: objects with their DER ─────────────────────────────

function entriesOf(input: BuildInput, result: ReadResult): Entry[] {
  const entries: Entry[] = [];
  // The blocks the reader decoded (plain, escaped or base64-encoded PEM), by where they sit in the text. The
  // blocks of one base64 value share its range: they pair with that range's objects in order, when every block
  // of it decoded; otherwise certificates pair by fingerprint.
  const blocksAt = new Map<number, { der: Uint8Array; text: string }[]>();
  if (looksLikePemInText(input.bytes)) {
    const text = decodeText(input.bytes);
    for (const b of findPemBlocksInText(text).blocks) {
      const list = blocksAt.get(b.range.startOffset) ?? [];
      list.push({ der: b.der, text: text.slice(b.range.startOffset, b.range.endOffset) });
      blocksAt.set(b.range.startOffset, list);
    }
  }
  const objectsAt = new Map<number, PkiObject[]>();
  for (const o of result.objects) if (o.range) objectsAt.set(o.range.startOffset, [...(objectsAt.get(o.range.startOffset) ?? []), o]);
  const blockOf = (object: PkiObject): { der: Uint8Array; text: string } | undefined => {
    if (!object.range) return undefined;
    const blocks = blocksAt.get(object.range.startOffset) ?? [];
    const siblings = objectsAt.get(object.range.startOffset) ?? [];
    if (blocks.length === siblings.length) return blocks[siblings.indexOf(object)];
    if (object.kind === 'certificate') return blocks.find((b) => createHash('sha256').update(b.der).digest('hex') === object.fingerprints.sha256);
    return undefined;
  };
  let bagDers: (Uint8Array | undefined)[] = [];
  for (const object of result.objects) {
    const id = `o${object.index}`;
    const block = blockOf(object);
    const der = object.encoding === 'der' ? input.bytes : block?.der;
    const location = object.range ? `line ${object.range.startLine + 1}` : object.encoding === 'der' ? 'DER' : '';
    entries.push({ id, object, der, pemText: block?.text, location });
    if (object.kind === 'pkcs12' && object.decrypted) {
      // The model has the bags decoded (with the password, or without one when the keystore has none); their DER
      // (for lint, chain and PEM of certificates) needs one more opening, by the same reader.
      try {
        bagDers = readPkcs12(der ?? input.bytes, input.password, input.budget).bags.map((b) => (b.type === 'certificate' ? b.der : undefined));
      } catch {
        bagDers = [];
      }
      object.bags.forEach((bag, i) => {
        if (!bag.object) return;
        const name = bag.friendlyName ? `, "${bag.friendlyName}"` : '';
        entries.push({ id: `${id}b${i}`, object: bag.object, der: bagDers[i], location: `in the keystore, item ${i + 1}${name}`, parentId: id });
      });
    }
  }
  return entries;
}

// ───────────────────────────── chain and lint ─────────────────────────────

interface ChainInfo {
  view?: ChainView;
  /**
   * Certificate id → the id of the certificate of this file that signed it, as the engine's path building found
   * them (for lint's issuer checks, not a trust decision). Only along the chain: a file that is not one chain
   * has its certificates linted on their own.
   */
  issuerOf: Map<string, string>;
  /** The chain's certificates, leaf first, when they form one chain. */
  ders?: Uint8Array[];
}

/** Codes that only say no anchor ended the path: always so before the user chose one, so not shown then. */
const UNANCHORED = new Set(['unable_to_get_issuer_cert', 'self_signed_cert_in_chain', 'depth_zero_self_signed_cert']);

const ORDERED_HEADLINE = 'Ordered, not verified against a trust anchor';
const ORDERED_NOTE =
  'The certificates of this file, put in order with each signature checked. A file cannot vouch for itself: whether the chain is trusted depends on the trust anchor you verify it against.';
const INDEPENDENT_NOTE =
  'None of them issued another: a bundle (a set of trust anchors, for example), not a chain to verify. Each is shown below.';
const SINGLE_NOTE = 'A certificate cannot vouch for itself: whether it is trusted depends on the trust anchor you verify it against.';

/**
 * True when no certificate of `ders` could have issued another (core trust/issuer.ts, the rule path building
 * applies). False when one cannot be read: the engine's own message then says what is wrong.
 */
function independent(ders: Uint8Array[], now: Date): boolean {
  let certs: PathCert[];
  try {
    certs = ders.map((d) => pathCert(d, now));
  } catch {
    return false;
  }
  return !certs.some((a) => certs.some((b) => a !== b && couldHaveIssued(a, b)));
}

/**
 * The chain section: the trust engine orders the file's certificates (orderChain, by name) and builds the path
 * through them from the leaf (validatePath without anchors: each signature checked, nothing ends as trusted).
 */
function chainOf(certs: (Entry & { object: CertificateModel })[], now: Date): ChainInfo {
  const issuerOf = new Map<string, string>();
  const withDer = certs.filter((c) => c.der);
  if (withDer.length === 0) return { issuerOf };
  const ders = withDer.map((c) => c.der as Uint8Array);
  let ordered: Uint8Array[];
  try {
    ordered = ders.length === 1 ? ders : orderChain(ders);
  } catch (e) {
    // A bundle of unrelated certificates (a set of trust anchors) is normal: say so once, as information.
    if (independent(ders, now)) {
      return {
        issuerOf,
        view: { status: 'ordered', headline: `${withDer.length} independent certificates`, links: [], errors: [], note: INDEPENDENT_NOTE, verifiable: false },
      };
    }
    return { issuerOf, view: { status: 'ordered', headline: 'Not one chain', links: [], errors: [], note: visible(capitalized(sentence(e))), verifiable: false } };
  }
  const byFingerprint = new Map(withDer.map((c) => [c.object.fingerprints.sha256, c]));
  try {
    const check = validatePath(ordered[0], { anchors: [], intermediates: ordered.slice(1), now });
    const links = check.chain.map((l, i): ChainLinkView => {
      const next = check.chain[i + 1];
      const entry = byFingerprint.get(l.fingerprints.sha256);
      const selfSigned = entry?.object.selfSigned ?? false;
      const issuerEntry = next && byFingerprint.get(next.fingerprints.sha256);
      if (entry && issuerEntry && l.signatureValid) issuerOf.set(entry.id, issuerEntry.id);
      // The path stopped here though the file has more certificates in its order: the one placed above this link
      // (by its issuer's name) was ruled out by its key identifier, or by its signature.
      const stoppedShort = !next && !selfSigned && check.chain.length < ordered.length;
      const link: ChainLinkView = {
        subject: visible(l.subject),
        issuer: visible(l.issuer),
        notAfter: l.notAfter,
        signatureValid: l.signatureValid,
        signature: stoppedShort
          ? { text: `issued by “${visible(l.issuer)}”, but the certificate of that name in this file did not sign it (same name, different key?)`, tone: 'error' }
          : signatureOf(l.signatureValid, next ? visible(next.subject) : undefined, selfSigned, visible(l.issuer), 'which is not in this file'),
        anchor: false,
        fingerprintSha256: l.fingerprints.sha256,
      };
      if (entry) link.objectId = entry.id;
      return link;
    });
    const errors = check.errors.filter((e) => !UNANCHORED.has(e.code)).map(errorView);
    return { issuerOf, ders: ordered, view: { status: 'ordered', headline: ORDERED_HEADLINE, note: ordered.length === 1 ? SINGLE_NOTE : ORDERED_NOTE, links, errors, verifiable: true } };
  } catch (e) {
    return {
      issuerOf,
      ders: ordered,
      view: { status: 'ordered', headline: ORDERED_HEADLINE, links: [], errors: [], note: `The chain could not be read: ${visible(messageOf(e))}.`, verifiable: false },
    };
  }
}

function lintOf(c: Entry & { object: CertificateModel }, certs: Entry[], issuerId: string | undefined, now: Date): FieldView[] | string {
  if (!c.der) return 'Not linted: the certificate’s bytes are not available.';
  const issuer = certs.find((x) => x.id === issuerId)?.der;
  try {
    return lintCertificate(c.der, issuer, now)
      .map((f) => ({ label: f.code, value: visible(f.message), tone: f.severity === 'error' ? 'error' : 'warning' }));
  } catch (e) {
    return `Not linted: ${visible(messageOf(e))}.`;
  }
}

// ───────────────────────────── objects ─────────────────────────────

interface Ctx {
  now: Date;
  entries: Entry[];
  neighbours: Neighbour[];
  lint: Map<string, FieldView[] | string>;
  fileName: string;
}

const KIND_LABELS: Record<PkiObject['kind'], string> = {
  'certificate': 'Certificate',
  'csr': 'Certificate signing request',
  'private-key': 'Private key',
  'public-key': 'Public key',
  'dh-parameters': 'DH parameters',
  'dsa-parameters': 'DSA parameters',
  'pkcs12': 'PKCS#12 keystore',
  'crl': 'Certificate revocation list',
};

const PEM_LABELS: Partial<Record<PkiObject['kind'], string>> = {
  'certificate': 'CERTIFICATE',
  'csr': 'CERTIFICATE REQUEST',
  'crl': 'X509 CRL',
  'dh-parameters': 'DH PARAMETERS',
  'dsa-parameters': 'DSA PARAMETERS',
};

function objectView(e: Entry, ctx: Ctx): ObjectView {
  const o = e.object;
  const base: ObjectView = { id: e.id, kind: o.kind, kindLabel: KIND_LABELS[o.kind], location: visible(e.location), title: KIND_LABELS[o.kind], chips: [], sections: [] };
  if (e.parentId) base.parentId = e.parentId;
  switch (o.kind) {
    case 'certificate':
      certificateView(base, o, e, ctx);
      break;
    case 'csr':
      csrView(base, o, e, ctx);
      break;
    case 'private-key':
      privateKeyView(base, o, e, ctx);
      break;
    case 'public-key':
      publicKeyView(base, o, e, ctx);
      break;
    case 'dh-parameters':
      dhView(base, o);
      break;
    case 'dsa-parameters':
      dsaView(base, o);
      break;
    case 'crl':
      crlView(base, o, ctx);
      break;
    case 'pkcs12':
      pkcs12View(base, o);
      break;
  }
  const raw = rawOf(e);
  if (raw) base.raw = raw;
  return base;
}

function certificateView(v: ObjectView, c: CertificateModel, e: Entry, ctx: Ctx): void {
  v.title = visible(displayName(c.subject));
  v.subtitle = c.selfSigned ? 'Self-signed' : `Issued by ${visible(commonNameOf(c.issuer) || c.issuer.text || '(empty issuer)')}`;
  v.validity = validityOf(c, ctx.now);
  v.chips.push(expiryChip(c));
  if (c.selfSigned) v.chips.push({ label: 'self-signed', tone: 'info', help: 'Issuer and subject are the same and the certificate is signed by its own key.' });
  if (c.isCA) v.chips.push({ label: 'CA', tone: 'info', help: 'A certificate authority: it may sign other certificates (basicConstraints CA:TRUE).' });
  v.chips.push(...keyChips(e, c.publicKey, ctx));
  const lint = ctx.lint.get(e.id);
  if (Array.isArray(lint) && lint.length > 0) {
    const errors = lint.filter((f) => f.tone === 'error').length;
    v.chips.push({
      label: plural(lint.length, 'lint finding'),
      tone: errors > 0 ? 'error' : 'warning',
      help: 'Problems clients may have with this certificate: see the Lint section.',
    });
  }

  v.sections.push(nameSection(`${e.id}.subject`, 'Subject', 'subject', c.subject));
  v.sections.push(nameSection(`${e.id}.issuer`, 'Issuer', 'issuer', c.issuer));
  v.sections.push({
    id: `${e.id}.validity`,
    title: 'Validity',
    help: SECTION_HELP.validity,
    fields: [
      { label: 'Not before', value: c.notBefore, help: FIELD_HELP.notBefore, mono: true },
      { label: 'Not after', value: c.notAfter, help: FIELD_HELP.notAfter, mono: true },
      { label: 'Status', value: v.validity.text, help: FIELD_HELP.daysLeft, tone: toneOf(c.expiry.status) },
    ],
  });
  v.sections.push(sanSection(`${e.id}.sans`, c.subjectAltNames, noSansNote(c)));
  v.sections.push(keySection(`${e.id}.key`, c.publicKey));
  v.sections.push(usageSection(`${e.id}.usage`, c));
  v.sections.push(extensionSection(`${e.id}.extensions`, 'Extensions', c.extensions));
  v.sections.push({
    id: `${e.id}.fingerprints`,
    title: 'Fingerprints',
    help: SECTION_HELP.fingerprints,
    fields: [
      { label: 'SHA-256', value: fingerprintText(c.fingerprints.sha256, 'colons'), help: FIELD_HELP.sha256, mono: true, copyId: `${e.id}.sha256` },
      { label: 'SHA-1 thumbprint', value: fingerprintText(c.fingerprints.sha1, 'plain'), help: FIELD_HELP.sha1, mono: true, copyId: `${e.id}.sha1` },
      { label: 'Serial number', value: colonHex(c.serialNumber), help: FIELD_HELP.serial, mono: true, copyId: `${e.id}.serial`, copyText: c.serialNumber },
      { label: 'Signature algorithm', value: visible(c.signatureAlgorithm), help: FIELD_HELP.signature },
    ],
  });
  v.sections.push(lintSection(`${e.id}.lint`, lint));
}

function csrView(v: ObjectView, c: CsrModel, e: Entry, ctx: Ctx): void {
  v.title = visible(displayName(c.subject));
  v.subtitle = 'Certificate signing request';
  v.chips.push(
    c.signatureValid
      ? { label: 'signature valid', tone: 'ok', help: FIELD_HELP.csrSignature }
      : { label: 'signature INVALID', tone: 'error', help: `${FIELD_HELP.csrSignature} This one does not verify: the request was altered or is corrupt.` },
  );
  v.chips.push(...keyChips(e, c.publicKey, ctx));
  v.sections.push(nameSection(`${e.id}.subject`, 'Subject', 'subject', c.subject));
  v.sections.push(sanSection(`${e.id}.sans`, c.subjectAltNames, CSR_NO_SANS));
  v.sections.push(keySection(`${e.id}.key`, c.publicKey));
  v.sections.push({
    id: `${e.id}.signature`,
    title: 'Signature',
    help: FIELD_HELP.csrSignature,
    fields: [
      { label: 'Algorithm', value: visible(c.signatureAlgorithm), help: FIELD_HELP.signature },
      { label: 'Self-signature', value: c.signatureValid ? 'valid' : 'INVALID', tone: c.signatureValid ? 'ok' : 'error', help: FIELD_HELP.csrSignature },
    ],
  });
  v.sections.push(extensionSection(`${e.id}.extensions`, 'Requested extensions', c.extensions));
}

const KEY_FORMATS: Record<PrivateKeyModel['format'], string> = {
  'pkcs8': 'PKCS#8',
  'pkcs1': 'PKCS#1 (traditional RSA)',
  'sec1': 'SEC1 (traditional EC)',
  'encrypted-pkcs8': 'Encrypted PKCS#8',
  'legacy-encrypted-pem': 'Traditional PEM with legacy encryption',
};

function privateKeyView(v: ObjectView, k: PrivateKeyModel, e: Entry, ctx: Ctx): void {
  v.title = k.publicKey ? `${keyLabel(k.publicKey)} private key` : 'Encrypted private key';
  v.subtitle = KEY_FORMATS[k.format];
  // A key taken out of a keystore is plain here because the keystore's password opened it: what protects it in
  // the file is the keystore's encryption of its key bags (none when the keystore says `none`).
  const keystore = keystoreProtection(e, ctx);
  if (k.encrypted) {
    v.chips.push({ label: 'encrypted', tone: 'ok', help: FIELD_HELP.encrypted });
    if (k.format === 'legacy-encrypted-pem') {
      v.chips.push({ label: 'weak encryption', tone: 'warning', help: 'Legacy PEM encryption derives the key with one round of MD5: re-encrypt it as PKCS#8 (Change Key Passphrase).' });
    }
  } else if (keystore) {
    v.chips.push({
      label: keystore.cipher ? `protected by the keystore (${keystore.cipher})` : 'protected by the keystore',
      tone: 'info',
      help: `In the file, the keystore encrypts this key (${keystore.scheme}) under its password; it is shown decrypted because you gave that password.`,
    });
  } else if (e.parentId) {
    v.chips.push({ label: 'not encrypted', tone: 'warning', help: 'The keystore holds this key without encrypting it: anyone who can read the file can use the key. Export it again with key encryption (AES-256).' });
  } else {
    v.chips.push({ label: 'not encrypted', tone: 'warning', help: 'Anyone who can read this file can use the key. Keep it private (0600), or add a passphrase.' });
  }
  if (k.publicKey) v.chips.push(...keyChips(e, k.publicKey, ctx));
  else v.chips.push({ label: 'locked', tone: 'info', help: 'Give the passphrase to see the public key and which certificates belong to it.' });

  const fields: FieldView[] = [
    { label: 'Format', value: KEY_FORMATS[k.format], help: FIELD_HELP.format },
    keystore
      ? { label: 'Encrypted', value: `by the keystore (${keystore.scheme})`, help: FIELD_HELP.encrypted }
      : { label: 'Encrypted', value: k.encrypted ? 'yes' : 'no', help: FIELD_HELP.encrypted, tone: k.encrypted ? 'ok' : 'warning' },
  ];
  if (k.encryption) {
    const x = k.encryption;
    const details = [x.cipher, x.kdf, x.prf, x.iterations !== undefined ? `${x.iterations} iterations` : undefined].filter(Boolean).join(', ');
    fields.push({ label: 'Encryption', value: visible(`${x.scheme}${details ? ` (${details})` : ''}`), help: FIELD_HELP.encryption });
  }
  fields.push({ label: 'Key material', value: 'not shown', help: FIELD_HELP.keyMaterial });
  v.sections.push({ id: `${e.id}.protection`, title: 'Private key', help: SECTION_HELP.protection, fields });
  if (k.publicKey) v.sections.push(keySection(`${e.id}.key`, k.publicKey));
  else v.sections.push({ id: `${e.id}.key`, title: 'Public key', help: SECTION_HELP.key, fields: [], note: 'Unknown until the key is decrypted: enter its passphrase above.' });
}

/** How the keystore holding `e` encrypts its keys, when `e` comes out of one that does (`PBES2/aes-256-cbc`). */
function keystoreProtection(e: Entry, ctx: Ctx): { scheme: string; cipher?: string } | undefined {
  const parent = e.parentId ? ctx.entries.find((x) => x.id === e.parentId)?.object : undefined;
  const scheme = parent?.kind === 'pkcs12' ? parent.keyEncryption : undefined;
  // `none` for a key bag stored in the clear (alone or among others: then not every key is protected).
  if (!scheme || scheme.split(', ').includes('none')) return undefined;
  return { scheme: visible(scheme), cipher: cipherName(scheme) };
}

/** The cipher of a PKCS#12 protection scheme in its common name (`AES-256`, `3DES`, `RC2`), when it is one of those. */
function cipherName(scheme: string): string | undefined {
  const aes = /aes-?(128|192|256)/i.exec(scheme);
  if (aes) return `AES-${aes[1]}`;
  if (/3-?Key|TripleDES|des-ede3/i.test(scheme)) return '3DES';
  if (/RC2/i.test(scheme)) return 'RC2';
  return undefined;
}

function publicKeyView(v: ObjectView, k: PublicKeyModel, e: Entry, ctx: Ctx): void {
  v.title = `${keyLabel(k.publicKey)} public key`;
  v.subtitle = k.format === 'spki' ? 'SubjectPublicKeyInfo' : 'PKCS#1 RSA public key';
  v.chips.push(...keyChips(e, k.publicKey, ctx));
  v.sections.push(keySection(`${e.id}.key`, k.publicKey));
}

function dsaView(v: ObjectView, d: DsaParametersModel): void {
  v.title = `${d.primeBits}-bit DSA parameters`;
  const fields: FieldView[] = [
    { label: 'Prime p', value: `${d.primeBits} bits` },
    { label: 'Subgroup order q', value: `${d.subgroupBits} bits` },
    { label: 'Generator g', value: `${d.generatorBits} bits` },
  ];
  v.sections.push({ id: `${v.id}.parameters`, title: 'Parameters', help: SECTION_HELP.parameters, fields });
}

function dhView(v: ObjectView, d: DhParametersModel): void {
  v.title = `${d.primeBits}-bit DH group${d.namedGroup ? ` (${d.namedGroup})` : ''}`;
  v.subtitle = d.format === 'pkcs3' ? 'PKCS#3' : 'X9.42';
  if (d.primeBits < 2048) v.chips.push({ label: 'weak', tone: 'error', help: 'DH primes under 2048 bits are breakable (Logjam): use ffdhe2048 or larger.' });
  if (d.namedGroup) v.chips.push({ label: d.namedGroup, tone: 'ok', help: FIELD_HELP.namedGroup });
  const fields: FieldView[] = [
    { label: 'Prime', value: `${d.primeBits} bits`, help: FIELD_HELP.primeBits, tone: d.primeBits < 2048 ? 'error' : undefined },
    { label: 'Generator', value: d.generatorHex ? `0x${d.generatorHex}` : String(d.generator), help: FIELD_HELP.generator, mono: Boolean(d.generatorHex) },
  ];
  if (d.namedGroup) fields.push({ label: 'Named group', value: d.namedGroup, help: FIELD_HELP.namedGroup });
  v.sections.push({ id: `${v.id}.parameters`, title: 'Parameters', help: SECTION_HELP.parameters, fields });
}

function crlView(v: ObjectView, c: CrlModel, ctx: Ctx): void {
  v.title = visible(commonNameOf(c.issuer) || c.issuer.text || '(empty issuer)');
  v.subtitle = `Revocation list, ${c.revoked.length} revoked`;
  const stale = c.nextUpdate !== undefined && Date.parse(c.nextUpdate) < ctx.now.getTime();
  v.chips.push(
    stale
      ? { label: 'stale', tone: 'warning', help: 'Its next update is past: relying parties may refuse it.' }
      : { label: 'current', tone: 'ok', help: FIELD_HELP.nextUpdate },
  );
  v.sections.push(nameSection(`${v.id}.issuer`, 'Issuer', 'issuer', c.issuer));
  const fields: FieldView[] = [{ label: 'This update', value: c.thisUpdate, help: FIELD_HELP.thisUpdate, mono: true }];
  if (c.nextUpdate) fields.push({ label: 'Next update', value: c.nextUpdate, help: FIELD_HELP.nextUpdate, mono: true, tone: stale ? 'warning' : undefined });
  if (c.crlNumber) fields.push({ label: 'CRL number', value: visible(c.crlNumber), help: FIELD_HELP.crlNumber, mono: true });
  fields.push({ label: 'Signature algorithm', value: visible(c.signatureAlgorithm), help: FIELD_HELP.signature });
  v.sections.push({ id: `${v.id}.validity`, title: 'Validity', help: SECTION_HELP.validity, fields });
  const revoked: FieldView[] = c.revoked.slice(0, MAX_REVOKED).map((r) => ({
    label: colonHex(r.serialNumber),
    value: `${r.revocationDate}${r.reason ? ` — ${visible(r.reason)}` : ''}`,
    mono: true,
  }));
  v.sections.push({
    id: `${v.id}.revoked`,
    title: `Revoked certificates (${c.revoked.length})`,
    help: SECTION_HELP.revoked,
    fields: revoked,
    note: c.revoked.length === 0 ? 'None.' : c.revoked.length > MAX_REVOKED ? `The first ${MAX_REVOKED} are listed.` : undefined,
    collapsed: c.revoked.length > 20,
  });
  v.sections.push(extensionSection(`${v.id}.extensions`, 'Extensions', c.extensions));
  v.sections.push({
    id: `${v.id}.fingerprints`,
    title: 'Fingerprints',
    help: SECTION_HELP.fingerprints,
    fields: [
      { label: 'SHA-256', value: fingerprintText(c.fingerprints.sha256, 'colons'), help: FIELD_HELP.sha256, mono: true, copyId: `${v.id}.sha256` },
      { label: 'SHA-1', value: fingerprintText(c.fingerprints.sha1, 'plain'), mono: true, copyId: `${v.id}.sha1` },
    ],
  });
}

function pkcs12View(v: ObjectView, p: Pkcs12Model): void {
  v.title = 'PKCS#12 keystore';
  v.subtitle = p.decrypted ? plural(p.bags.length, 'item') : 'Locked: enter the password to list its contents';
  v.chips.push(p.decrypted ? { label: 'unlocked', tone: 'ok', help: 'Opened with the password you gave; the password is not kept.' } : { label: 'locked', tone: 'info', help: 'Give the password to list what it holds.' });
  const legacy = [p.certEncryption, p.keyEncryption].some((x) => x && /RC2|40Bit|3-?Key|TripleDES|des/i.test(x));
  if (legacy) v.chips.push({ label: 'legacy encryption', tone: 'warning', help: 'RC2/3DES-protected keystores are refused by OpenSSL 3 without the legacy provider: export again with AES-256.' });
  const fields: FieldView[] = [
    { label: 'MAC', value: p.mac ? `${p.mac.algorithm}, ${p.mac.iterations} iterations` : 'none', help: FIELD_HELP.mac, tone: p.mac ? undefined : 'warning' },
  ];
  if (p.certEncryption) fields.push({ label: 'Certificates', value: visible(p.certEncryption), help: FIELD_HELP.certProtection });
  if (p.keyEncryption) fields.push({ label: 'Keys', value: visible(p.keyEncryption), help: FIELD_HELP.keyProtection });
  v.sections.push({ id: `${v.id}.protection`, title: 'Protection', help: SECTION_HELP.protection, fields });
  if (p.decrypted) {
    const items: FieldView[] = p.bags.map((bag, i) => {
      const what = bag.object ? describe(bag.object) : bag.type;
      const extra = [bag.friendlyName && `alias "${bag.friendlyName}"`, bag.localKeyId && `key id ${bag.localKeyId.slice(0, 16)}`].filter(Boolean).join(', ');
      return { label: `Item ${i + 1}`, value: visible(`${what}${extra ? ` (${extra})` : ''}`), help: bag.friendlyName ? FIELD_HELP.friendlyName : undefined };
    });
    v.sections.push({ id: `${v.id}.contents`, title: 'Contents', help: SECTION_HELP.contents, fields: items, note: items.length === 0 ? 'Empty.' : 'Each item is shown below.' });
  } else {
    v.sections.push({ id: `${v.id}.contents`, title: 'Contents', help: SECTION_HELP.contents, fields: [], note: 'Locked: enter the password above to list the certificates and keys inside.' });
  }
}

// ───────────────────────────── sections ─────────────────────────────

function nameSection(id: string, title: string, helpKey: string, dn: DistinguishedName): SectionView {
  const fields: FieldView[] = dn.attributes.map((a) => ({
    label: visible(a.type),
    value: visible(a.value),
    help: ATTRIBUTE_HELP[a.type] ?? (a.type === a.oid ? `Attribute ${a.oid}` : undefined),
  }));
  if (dn.attributes.length > 0) fields.push({ label: 'Distinguished name', value: visible(dn.text), help: FIELD_HELP.dn, mono: true, copyId: `${id}.dn`, copyText: dn.text });
  return { id, title, help: SECTION_HELP[helpKey], fields, note: dn.attributes.length === 0 ? 'Empty.' : undefined };
}

const SAN_LABELS: Record<SubjectAltName['type'], string> = { dns: 'DNS', ip: 'IP', email: 'Email', uri: 'URI', dirName: 'Directory name', other: 'Other' };


/** The SAN section's sentence when there are none, by purpose: only a server certificate is the worse for it. */
function noSansNote(c: CertificateModel): string {
  switch (tlsPurposeOf(c)) {
    case 'ca':
      return 'None. Not applicable: CAs are not matched to host names.';
    case 'client':
      return `None. Not needed for a client certificate: its identity is the subject (${visible(c.subject.text || 'empty')}).`;
    case 'other':
      return 'None. Not needed: this certificate is not for TLS servers (its extended key usage leaves out serverAuth), so it is never matched to host names.';
    case 'server':
      return 'None. TLS clients will not accept this certificate for any host name.';
  }
}

const CSR_NO_SANS = 'None. Fine for a client certificate (its identity is the subject); a server certificate needs its host names here.';

/** `noneNote`: what an empty list means for this object. */
function sanSection(id: string, sans: SubjectAltName[], noneNote: string): SectionView {
  return {
    id,
    title: `Subject Alternative Names (${sans.length})`,
    help: SECTION_HELP.sans,
    fields: sans.map((s) => ({ label: SAN_LABELS[s.type] ?? s.type, value: visible(s.value), mono: s.type === 'ip' })),
    note: sans.length === 0 ? noneNote : undefined,
  };
}

function keySection(id: string, k: PublicKeyInfo): SectionView {
  const fields: FieldView[] = [
    { label: 'Algorithm', value: k.algorithm === 'unknown' ? `unknown (${k.oid})` : k.algorithm, help: FIELD_HELP.algorithm },
    { label: 'Size', value: `${k.size} bits`, help: FIELD_HELP.size, tone: k.algorithm === 'RSA' && k.size < 2048 ? 'error' : undefined },
  ];
  if (k.curve) fields.push({ label: 'Curve', value: k.curve, help: FIELD_HELP.curve });
  if (k.exponent !== undefined) fields.push({ label: 'Exponent', value: String(k.exponent), help: FIELD_HELP.exponent });
  fields.push({ label: 'Public key SHA-256', value: fingerprintText(k.spkiSha256, 'colons'), help: FIELD_HELP.spkiSha256, mono: true, copyId: `${id}.spki`, copyText: k.spkiSha256 });
  return { id, title: 'Public key', help: SECTION_HELP.key, fields };
}

function usageSection(id: string, c: CertificateModel): SectionView {
  const fields: FieldView[] = [
    { label: 'CA', value: c.isCA ? 'yes' : 'no', help: FIELD_HELP.ca },
  ];
  if (c.pathLength !== undefined) fields.push({ label: 'Path length', value: String(c.pathLength), help: FIELD_HELP.pathLength });
  fields.push({
    label: 'Key usage',
    value: c.keyUsage.length ? c.keyUsage.map((u) => (KEY_USAGE_HELP[u] ? `${u} — ${KEY_USAGE_HELP[u]}` : visible(u))).join('\n') : 'not restricted (no keyUsage extension)',
    help: FIELD_HELP.keyUsage,
  });
  fields.push({
    label: 'Extended key usage',
    value: c.extendedKeyUsage.length ? c.extendedKeyUsage.map((u) => (EKU_HELP[u] ? `${u} — ${EKU_HELP[u]}` : visible(u))).join('\n') : 'any purpose (no extendedKeyUsage extension)',
    help: FIELD_HELP.extendedKeyUsage,
  });
  if (c.subjectKeyIdentifier) fields.push({ label: 'Subject key ID', value: colonHex(c.subjectKeyIdentifier), help: FIELD_HELP.ski, mono: true });
  if (c.authorityKeyIdentifier) fields.push({ label: 'Authority key ID', value: colonHex(c.authorityKeyIdentifier), help: FIELD_HELP.aki, mono: true });
  for (const d of c.crlDistributionPoints) fields.push({ label: 'CRL distribution', value: visible(d), help: FIELD_HELP.crl });
  for (const a of c.authorityInfoAccess) {
    const label = a.method === 'ocsp' ? 'OCSP' : a.method === 'caIssuers' ? 'CA issuers' : visible(a.method);
    fields.push({ label, value: visible(a.location), help: a.method === 'ocsp' ? FIELD_HELP.ocsp : a.method === 'caIssuers' ? FIELD_HELP.caIssuers : undefined });
  }
  return { id, title: 'Usage', help: SECTION_HELP.usage, fields };
}

function extensionSection(id: string, title: string, exts: ExtensionInfo[]): SectionView {
  const fields = exts.map((x): FieldView => {
    const badges = x.critical ? ['critical'] : [];
    if (x.text !== undefined) {
      return {
        label: visible(x.name ?? x.oid),
        value: visible(x.text),
        help: `${(x.name && EXTENSION_HELP[x.name]) ?? 'A decoded extension.'} (OID ${x.oid})`,
        badges,
      };
    }
    const hex = x.valueHex.length > MAX_HEX ? `${x.valueHex.slice(0, MAX_HEX)}… (${x.valueHex.length / 2} bytes)` : x.valueHex;
    return {
      label: visible(x.name ? `${x.name} (${x.oid})` : x.oid),
      value: hex,
      mono: true,
      help: x.name && EXTENSION_HELP[x.name] ? `${EXTENSION_HELP[x.name]} Shown as DER hex.` : UNKNOWN_EXTENSION_HELP,
      badges: [...badges, 'not decoded'],
      copyId: `${id}.${x.oid}`,
      copyText: x.valueHex,
    };
  });
  return { id, title: `${title} (${exts.length})`, help: SECTION_HELP.extensions, fields, note: exts.length === 0 ? 'None.' : undefined, collapsed: exts.length > 12 };
}

function lintSection(id: string, lint: FieldView[] | string | undefined): SectionView {
  if (typeof lint === 'string' || lint === undefined) return { id, title: 'Lint', help: SECTION_HELP.lint, fields: [], note: lint ?? 'Not linted.' };
  return { id, title: `Lint (${lint.length})`, help: SECTION_HELP.lint, fields: lint, note: lint.length === 0 ? 'No findings: current clients should accept this certificate.' : undefined };
}

// ───────────────────────────── chips, validity, raw ─────────────────────────────

/** What shares a key's public key: in this file (or its keystore) and in the files next to it. */
interface KeyMatches {
  /** `the certificate John-Doe`, `the CSR in client.csr`: in-file objects first. */
  short: string[];
  /** The same with where each one is: `John-Doe (#2 in this file)`, `client.csr`. */
  long: string[];
}

function keyMatchesOf(e: Entry, key: PublicKeyInfo, ctx: Ctx): KeyMatches & { inFile: Entry[] } {
  const isKey = e.object.kind === 'private-key';
  // What would match: for a certificate or CSR, private keys; for a key, certificates and CSRs.
  const wanted = (kind: string) => (isKey ? kind === 'certificate' || kind === 'csr' : kind === 'private-key');
  const inFile = ctx.entries.filter((x) => x !== e && wanted(x.object.kind));
  const inFileMatches = inFile.filter((x) => spkiOf(x.object) === key.spkiSha256);
  const nearMatches = ctx.neighbours.filter((n) => wanted(n.kind) && n.spkiSha256 === key.spkiSha256);
  const near = [...new Map(nearMatches.map((n) => [`${n.kind} ${n.fileName}`, n])).values()];
  const what = (kind: string) => (kind === 'csr' ? 'the CSR' : kind === 'private-key' ? 'the private key' : 'the certificate');
  return {
    inFile,
    short: [...inFileMatches.map((x) => `${what(x.object.kind)} ${titleOf(x.object)}`), ...near.map((n) => `${what(n.kind)}${n.title ? ` ${n.title}` : ''} in ${visible(n.fileName)}`)],
    long: [
      ...inFileMatches.map((x) => `${titleOf(x.object)} (${x.parentId ? 'in the keystore' : `#${x.object.index + 1} in this file`})`),
      ...near.map((n) => visible(n.fileName)),
    ],
  };
}

/** `the certificate John-Doe`, `the certificate John-Doe, and 2 more`. */
function firstAndMore(names: string[]): string {
  return names.length > 1 ? `${names[0]}, and ${names.length - 1} more` : names[0];
}

function keyChips(e: Entry, key: PublicKeyInfo, ctx: Ctx): ChipView[] {
  const chips: ChipView[] = [];
  const mine = e.object.kind;
  const isKey = mine === 'private-key';
  const { inFile, short, long } = keyMatchesOf(e, key, ctx);
  if (short.length > 0) {
    chips.push({
      label: isKey ? `matches ${firstAndMore(short)}` : 'key matches',
      tone: 'ok',
      help: `${isKey ? 'Certificates or requests for this key' : 'The private key of this certificate'}: ${long.join(', ')} (same public key).`,
    });
    return chips;
  }
  if (mine === 'certificate') {
    // A key in the same file, or next to it with the same base name, that belongs to another certificate.
    const keysHere = inFile.filter((x) => spkiOf(x.object) !== undefined);
    const stem = stemOf(ctx.fileName);
    const sameName = ctx.neighbours.filter((n) => n.kind === 'private-key' && stemOf(n.fileName) === stem);
    const other = keysHere.length > 0 ? 'the private key in this file' : sameName.length > 0 ? sameName[0].fileName : undefined;
    if (other) chips.push({ label: 'key mismatch', tone: 'error', help: `${other} does not belong to this certificate (different public key).` });
  }
  return chips;
}

/** A short name for an object: the CN of a certificate or CSR, else its kind. */
function titleOf(o: PkiObject): string {
  if (o.kind === 'certificate' || o.kind === 'csr') return visible(commonNameOf(o.subject) || o.subject.text || KIND_LABELS[o.kind].toLowerCase());
  return KIND_LABELS[o.kind].toLowerCase();
}

function spkiOf(o: PkiObject): string | undefined {
  if (o.kind === 'certificate' || o.kind === 'csr' || o.kind === 'public-key') return o.publicKey.spkiSha256;
  if (o.kind === 'private-key') return o.publicKey?.spkiSha256;
  return undefined;
}

function expiryChip(c: CertificateModel): ChipView {
  const phrase = expiryPhrase(c.expiry, c.notBefore);
  switch (c.expiry.status) {
    case 'expired':
      return { label: 'expired', tone: 'error', help: `It ${phrase} (${c.notAfter}).` };
    case 'expiring':
      return { label: phrase, tone: 'warning', help: `It ${phrase} (${c.notAfter}): renew it soon.` };
    case 'not-yet-valid':
      return { label: 'not yet valid', tone: 'warning', help: `Valid from ${c.notBefore}.` };
    default:
      return { label: 'valid', tone: 'ok', help: `Valid until ${c.notAfter}, ${plural(c.expiry.daysLeft, 'day')} from now.` };
  }
}

function validityOf(c: CertificateModel, now: Date): ValidityView {
  const start = Date.parse(c.notBefore);
  const end = Date.parse(c.notAfter);
  const span = end - start;
  const elapsed = span > 0 ? ((now.getTime() - start) / span) * 100 : 100;
  return {
    notBefore: c.notBefore,
    notAfter: c.notAfter,
    status: c.expiry.status,
    daysLeft: c.expiry.daysLeft,
    elapsedPercent: Math.round(Math.min(100, Math.max(0, Number.isFinite(elapsed) ? elapsed : 100)) * 10) / 10,
    text: expiryStatusText(c.expiry, c.notBefore),
  };
}

function toneOf(s: ExpiryStatus): Tone {
  return s === 'expired' ? 'error' : s === 'valid' ? 'ok' : 'warning';
}

function rawOf(e: Entry): ObjectView['raw'] {
  const kind = e.object.kind;
  // Never private keys (plain or encrypted) and never keystores: those bytes are secrets.
  if (kind === 'private-key' || kind === 'pkcs12') return undefined;
  let text = e.pemText;
  const label = e.object.pemLabel ?? (kind === 'public-key' ? (e.object.format === 'spki' ? 'PUBLIC KEY' : 'RSA PUBLIC KEY') : PEM_LABELS[kind]);
  if (!text && e.der && label) {
    try {
      text = encodePem(label, e.der);
    } catch {
      text = undefined;
    }
  }
  if (!text || !label) return undefined;
  return { label: visible(label), text: visible(text.replace(/\r\n?/g, '\n').trimEnd()), copyId: `${e.id}.raw` };
}

/**
 * After a passphrase opened encrypted keys of this file: what the lock's prompt promised, which certificates (or
 * CSRs) of this file and of the files next to it belong to each key, or that none does. Keys of a keystore are
 * left out: its prompt promised the list of its contents, which the view then is.
 */
function unlockNoteOf(entries: Entry[], ctx: Ctx, nearbyFiles: number): string | undefined {
  const opened = entries.filter((e): e is Entry & { object: PrivateKeyModel & { publicKey: PublicKeyInfo } } =>
    e.object.kind === 'private-key' && e.object.encrypted && e.object.publicKey !== undefined && !e.parentId);
  if (opened.length === 0) return undefined;
  const where = nearbyFiles > 0 ? `this file or the ${plural(nearbyFiles, 'file')} next to it` : 'this file';
  const sentences = opened.map((e) => {
    const { short } = keyMatchesOf(e, e.object.publicKey, ctx);
    const key = opened.length > 1 ? `The ${keyLabel(e.object.publicKey)} key at ${e.location}` : 'This key';
    return short.length > 0
      ? `${key} belongs to ${short.join(', ')} (same public key).`
      : `${key} matches no certificate or CSR in ${where}.`;
  });
  return `Decrypted. ${sentences.join(' ')}`;
}

function lockOf(result: ReadResult): LockView | undefined {
  if (!needsPassword(result)) return undefined;
  if (result.objects.some((o) => o.kind === 'pkcs12' && !o.decrypted)) {
    return { what: 'pkcs12', prompt: 'This PKCS#12 keystore is password-protected. Enter its password to list the certificates and keys inside.' };
  }
  return { what: 'private-key', prompt: 'This private key is encrypted. Enter its passphrase to see its public key and which certificates belong to it.' };
}

// ───────────────────────────── text helpers ─────────────────────────────

function summaryOf(objects: PkiObject[], total: number): string {
  if (objects.length === 0) return 'Nothing could be decoded';
  const counts = new Map<string, number>();
  const words: Record<PkiObject['kind'], [string, string]> = {
    'certificate': ['certificate', 'certificates'],
    'csr': ['CSR', 'CSRs'],
    'private-key': ['private key', 'private keys'],
    'public-key': ['public key', 'public keys'],
    'dh-parameters': ['DH parameters', 'DH parameters'],
    'dsa-parameters': ['DSA parameters', 'DSA parameters'],
    'pkcs12': ['PKCS#12 keystore', 'PKCS#12 keystores'],
    'crl': ['CRL', 'CRLs'],
  };
  for (const o of objects) counts.set(o.kind, (counts.get(o.kind) ?? 0) + 1);
  const parts = [...counts].map(([k, n]) => plural(n, ...words[k as PkiObject['kind']]));
  const extra = total > objects.length ? ` (${total - objects.length} more inside)` : '';
  return parts.join(', ') + extra;
}

function describe(o: PkiObject): string {
  switch (o.kind) {
    case 'certificate':
      return `certificate ${displayName(o.subject)}`;
    case 'private-key':
      return o.publicKey ? `${keyLabel(o.publicKey)} private key` : 'private key';
    default:
      return KIND_LABELS[o.kind].toLowerCase();
  }
}

function capitalized(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

function stemOf(fileName: string): string {
  const base = fileName.split(/[\\/]/).pop() ?? fileName;
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(0, dot) : base;
}
