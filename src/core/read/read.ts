// The reading engine's front door: bytes of any file a user may hold → every object in it, as one typed
// model, plus problems. Never throws, never hangs: every decoder failure becomes a Problem.

import { Tag, children, readRoot, readTlv, validateTree, type Tlv } from '../der/asn1';
import { decodeDhParameters, decodeDsaParameters, dsaShape } from '../objects/dh';
import { decodeLegacyEncryptedKey, decodePrivateKey, decodePublicKey, decryptPrivateKey, type PrivateKeyHint } from '../objects/keys';
import type { Decoded, PkiObject, PrivateKeyModel, Problem, PublicKeyFormat, ReadOptions, ReadResult, SourceRange, Pkcs12Bag } from '../model';
import { DEFAULT_MAX_BYTES, DEFAULT_WARN_DAYS, PkiError, failureText } from '../model';
import { decodeText, findPemBlocksInText, looksLikePem, looksLikePemInText } from '../der/pem';
import { decodeDsaPublicKey } from '../objects/publicKey';
import { looksLikePkcs12, readPkcs12 } from '../objects/pkcs12';
import { WorkBudget, WorkLimitError } from '../runtime/workBudget';
import { decodeCertificate, decodeCrl, decodeCsr, type DecodeOptions } from '../objects/x509';
import { KIND_WORDS } from '../display/labels';

/** What a DER structure is, judged from its shape alone (no full decode). */
export type DerKind =
  | { kind: 'certificate' }
  | { kind: 'csr' }
  | { kind: 'crl' }
  | { kind: 'private-key'; hint: PrivateKeyHint }
  | { kind: 'public-key'; format: PublicKeyFormat }
  | { kind: 'dh-parameters'; format: 'pkcs3' | 'x942' }
  | { kind: 'dsa-parameters' }
  | { kind: 'pkcs12' };

/** What each PEM label holds (shared with the scanner). */
export const PEM_LABELS: Record<string, DerKind | 'legacy-key' | 'skip'> = {
  'CERTIFICATE': { kind: 'certificate' },
  'X509 CERTIFICATE': { kind: 'certificate' },
  'TRUSTED CERTIFICATE': { kind: 'certificate' },
  'CERTIFICATE REQUEST': { kind: 'csr' },
  'NEW CERTIFICATE REQUEST': { kind: 'csr' },
  'X509 CRL': { kind: 'crl' },
  'PRIVATE KEY': { kind: 'private-key', hint: 'pkcs8' },
  'ENCRYPTED PRIVATE KEY': { kind: 'private-key', hint: 'encrypted-pkcs8' },
  'RSA PRIVATE KEY': 'legacy-key',
  'EC PRIVATE KEY': 'legacy-key',
  'DSA PRIVATE KEY': 'legacy-key',
  'PUBLIC KEY': { kind: 'public-key', format: 'spki' },
  'RSA PUBLIC KEY': { kind: 'public-key', format: 'pkcs1' },
  'DSA PUBLIC KEY': { kind: 'public-key', format: 'traditional-dsa' },
  'DSA PARAMETERS': { kind: 'dsa-parameters' },
  'DH PARAMETERS': { kind: 'dh-parameters', format: 'pkcs3' },
  'X9.42 DH PARAMETERS': { kind: 'dh-parameters', format: 'x942' },
  'PKCS12': { kind: 'pkcs12' },
  'EC PARAMETERS': 'skip',
};

/** Reads every object in `bytes` (PEM text with any number of blocks, or one DER structure). */
export function readObjects(bytes: Uint8Array, opts: ReadOptions = {}): ReadResult {
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_BYTES;
  if (bytes.length > maxBytes) {
    return fail(`file is ${formatSize(bytes.length)}, over the ${formatSize(maxBytes)} limit (not read)`);
  }
  if (bytes.length === 0) return fail('file is empty');
  try {
    // Every derivation for this file is charged to its share of the command's budget.
    const fileOpts = { ...opts, budget: (opts.budget ?? WorkBudget.forCommand()).forFile() };
    // PEM as it is, escaped in a JSON/YAML string, or base64-encoded (a Kubernetes Secret's `data:`).
    return looksLikePemInText(bytes) ? readPem(bytes, fileOpts) : readDer(bytes, fileOpts);
  } catch (e) {
    // Decoders report through PkiError; anything else is a bug, still reported as one clear line.
    return fail(failureText(e));
  }
}

function readPem(bytes: Uint8Array, fileOpts: ReadOptions): ReadResult {
  const { blocks, problems } = findPemBlocksInText(decodeText(bytes));
  const objects: PkiObject[] = [];
  if (blocks.length === 0 && problems.length === 0) problems.push({ severity: 'error', message: 'no PEM block found' });
  let opts = fileOpts;
  // Once the file's (or the command's) work budget has run out: the problem that said so, and how many blocks
  // after it were left locked (one line for the file, not one per block, and no further derivation tried).
  let exhausted: { problem: Problem; skipped: number } | undefined;
  blocks.forEach((block) => {
    if (exhausted && (block.label === 'ENCRYPTED PRIVATE KEY' || block.label === 'PKCS12' || /ENCRYPTED/i.test(block.headers['Proc-Type'] ?? ''))) exhausted.skipped++;
    const where = `block ${block.blockNumber} (${block.label})`;
    const entry = PEM_LABELS[block.label];
    if (entry === 'skip') {
      problems.push({ severity: 'warning', message: `${where}: skipped (parameters only, no key or certificate)`, range: block.range });
      return;
    }
    try {
      // Not for a legacy encrypted key (its body is ciphertext until decrypted) nor a PFX (BER is fine there):
      // their readers check their own input.
      if (entry !== 'legacy-key' && !looksLikePkcs12(block.der)) checkDer(block.der);
      let decoded: Decoded<PkiObject>;
      if (entry === 'legacy-key') {
        const isEncrypted = /ENCRYPTED/i.test(block.headers['Proc-Type'] ?? '');
        decoded = isEncrypted
          ? decodeLegacyEncryptedKey(block.der, block.headers, block.label)
          : decodePrivateKey(block.der, block.label.startsWith('EC') ? 'sec1' : 'pkcs1');
        if (isEncrypted && opts.password !== undefined) decoded = unlockKey(decoded as Decoded<PrivateKeyModel>, block.der, opts, block.headers, block.label);
      } else {
        const kind = entry ?? sniffDer(block.der);
        if (!kind) throw new PkiError(`unsupported PEM label "${block.label}"`);
        decoded = decodeAs(kind, block.der, opts);
      }
      objects.push(place(decoded, objects.length, 'pem', block.label, block.range));
    } catch (e) {
      // Decoders name what they decode ("certificate: …"); the block's label already says it.
      const m = failureText(e).replace(/^(certificate|certificate request|CRL): /, '');
      const problem: Problem = { severity: 'error', message: `${where}: ${m}`, range: block.range };
      problems.push(problem);
      if (e instanceof WorkLimitError && e.budget && !exhausted) {
        exhausted = { problem, skipped: 0 };
        // The rest of the file is read without the password: described, not decrypted.
        opts = { ...fileOpts, password: undefined };
      }
    }
  });
  if (exhausted?.skipped) {
    exhausted.problem.message += ` (${exhausted.skipped} later block${exhausted.skipped === 1 ? '' : 's'} not decrypted)`;
  }
  return { objects, problems };
}

function readDer(bytes: Uint8Array, opts: ReadOptions): ReadResult {
  let kind: DerKind | undefined;
  try {
    // A PFX goes to the PKCS#12 reader unchecked: keytool and Windows write BER, which it reads.
    if (!looksLikePkcs12(bytes)) checkDer(bytes);
    kind = sniffDer(bytes);
  } catch (e) {
    return fail(`not a PEM file, and not valid DER: ${failureText(e)}`);
  }
  if (!kind) return fail('not a PEM file, and the DER structure is not a certificate, CSR, CRL, key, DH or DSA parameters or PKCS#12');
  try {
    return { objects: [place(decodeAs(kind, bytes, opts), 0, 'der')], problems: [] };
  } catch (e) {
    const m = failureText(e);
    return fail(m.startsWith(`${KIND_WORDS[kind.kind]}: `) || m.startsWith('PKCS#12') ? `DER ${m}` : `DER ${KIND_WORDS[kind.kind]}: ${m}`);
  }
}

/** Every length consistent, nesting bounded, nothing after the end: cheap, and keeps decoders out of trouble. */
function checkDer(der: Uint8Array): void {
  if (der.length === 0) throw new PkiError('empty');
  validateTree(der, readRoot(der, true));
}

function decodeAs(kind: DerKind, der: Uint8Array, opts: ReadOptions): Decoded<PkiObject> {
  const decodeOpts: DecodeOptions = { now: opts.now ?? new Date(), warnDays: opts.warnDays ?? DEFAULT_WARN_DAYS };
  switch (kind.kind) {
    case 'certificate':
      return decodeCertificate(der, decodeOpts);
    case 'csr':
      return decodeCsr(der);
    case 'crl':
      return decodeCrl(der);
    case 'public-key':
      return kind.format === 'traditional-dsa' ? decodeDsaPublicKey(der) : decodePublicKey(der, kind.format);
    case 'dh-parameters':
      return decodeDhParameters(der, kind.format);
    case 'dsa-parameters':
      return decodeDsaParameters(der);
    case 'private-key': {
      const key = decodePrivateKey(der, kind.hint);
      return key.encrypted && opts.password !== undefined ? unlockKey(key, der, opts) : key;
    }
    case 'pkcs12':
      return decodePkcs12(der, decodeOpts, opts.password, opts.budget);
  }
}

/** An encrypted key, opened with the caller's passphrase: still says how it is protected, now with its public key. */
function unlockKey(
  key: Decoded<PrivateKeyModel>,
  der: Uint8Array,
  opts: ReadOptions,
  headers?: Record<string, string>,
  label?: string,
): Decoded<PrivateKeyModel> {
  const { model } = decryptPrivateKey({ der, format: key.format, headers, label }, opts.password ?? '', opts.budget);
  return { ...key, publicKey: model.publicKey };
}

function decodePkcs12(der: Uint8Array, decodeOpts: DecodeOptions, password: string | undefined, budget: WorkBudget | undefined): Decoded<PkiObject> {
  // Without a password the reader tries the empty one; a keystore it cannot open comes back locked, without bags.
  const opened = readPkcs12(der, password, budget);
  const bags: Pkcs12Bag[] = opened.bags.map((raw, i) => {
    const bag: Pkcs12Bag = { type: raw.type, friendlyName: raw.friendlyName, localKeyId: raw.localKeyId };
    if (raw.der) {
      const inner =
        raw.type === 'certificate' ? decodeCertificate(raw.der, decodeOpts)
        : raw.type === 'private-key' ? decodePrivateKey(raw.der, 'pkcs8')
        : raw.type === 'crl' ? decodeCrl(raw.der)
        : undefined;
      if (inner) bag.object = place(inner, i, 'der');
    }
    return bag;
  });
  return { kind: 'pkcs12', mac: opened.mac, certEncryption: opened.certEncryption, keyEncryption: opened.keyEncryption, decrypted: opened.decrypted, bags };
}

/**
 * Judges a DER structure by its shape. Returns undefined when it is none of the kinds we read.
 * Throws PkiError only for structurally broken DER.
 */
export function sniffDer(der: Uint8Array): DerKind | undefined {
  if (looksLikePkcs12(der)) return { kind: 'pkcs12' }; // DER or BER
  const root = readRoot(der, false);
  if (root.tag !== Tag.Sequence) return undefined;
  const top = children(der, root);
  const tags = top.map((t) => t.tag);
  // SIGNED{ tbs SEQUENCE, AlgorithmIdentifier, BIT STRING }: certificate, CSR or CRL.
  if (top.length === 3 && tags[0] === Tag.Sequence && tags[1] === Tag.Sequence && tags[2] === Tag.BitString) {
    return sniffSigned(der, top[0]);
  }
  // PFX { version 3, authSafe ContentInfo, macData? }
  if (tags[0] === Tag.Integer && top.length >= 2 && tags[1] === Tag.Sequence && smallInt(der, top[0]) === 3) {
    return { kind: 'pkcs12' };
  }
  // PrivateKeyInfo / OneAsymmetricKey { version 0|1, AlgorithmIdentifier, OCTET STRING, … }
  if (tags[0] === Tag.Integer && tags[1] === Tag.Sequence && tags[2] === Tag.OctetString) {
    return { kind: 'private-key', hint: 'pkcs8' };
  }
  // ECPrivateKey { version 1, OCTET STRING, [0] params?, [1] publicKey? }
  if (tags[0] === Tag.Integer && tags[1] === Tag.OctetString && smallInt(der, top[0]) === 1) {
    return { kind: 'private-key', hint: 'sec1' };
  }
  // EncryptedPrivateKeyInfo { AlgorithmIdentifier, OCTET STRING }
  if (top.length === 2 && tags[0] === Tag.Sequence && tags[1] === Tag.OctetString) {
    return { kind: 'private-key', hint: 'encrypted-pkcs8' };
  }
  // SubjectPublicKeyInfo { AlgorithmIdentifier, BIT STRING }
  if (top.length === 2 && tags[0] === Tag.Sequence && tags[1] === Tag.BitString) {
    return { kind: 'public-key', format: 'spki' };
  }
  if (tags.every((t) => t === Tag.Integer)) {
    // RSAPrivateKey { 0, n, e, d, p, q, dP, dQ, qInv } or the traditional DSA key { 0, p, q, g, y, x }
    if ((top.length >= 9 || top.length === 6) && smallInt(der, top[0]) === 0) return { kind: 'private-key', hint: 'pkcs1' };
    // DSA { p, q, g } and OpenSSL's DSA public key { y, p, q, g }, told from X9.42 DH by arithmetic (q divides p − 1).
    const dsa = dsaShape(der, top);
    if (dsa) return dsa === 'parameters' ? { kind: 'dsa-parameters' } : { kind: 'public-key', format: 'traditional-dsa' };
    // DHParameter { p, g, privateValueLength? } vs RSAPublicKey { n, e } vs X9.42 DomainParameters { p, g, q, … }
    if (top.length === 2 || top.length === 3) {
      const second = smallInt(der, top[1]);
      if (top.length === 3 && bytesOf(top[2]) > 8) return { kind: 'dh-parameters', format: 'x942' };
      if (second !== undefined && second <= 5) return { kind: 'dh-parameters', format: 'pkcs3' };
      if (top.length === 2) return { kind: 'public-key', format: 'pkcs1' };
    }
    if (top.length > 3 && bytesOf(top[2]) > 8) return { kind: 'dh-parameters', format: 'x942' };
  }
  return undefined;
}

function sniffSigned(der: Uint8Array, tbs: Tlv): DerKind | undefined {
  if (tbs.tag !== Tag.Sequence) return undefined;
  const items = children(der, tbs);
  const t = items.map((c) => c.tag);
  if (t[0] === 0xa0) return { kind: 'certificate' }; // [0] version
  const isTime = (x: number | undefined) => x === Tag.UtcTime || x === Tag.GeneralizedTime;
  if (isTime(t[2]) || isTime(t[3])) return { kind: 'crl' };
  // CertificationRequestInfo { version 0, Name, SubjectPublicKeyInfo, [0] attributes }
  if (items.length === 4 && t[0] === Tag.Integer && t[3] === 0xa0) return { kind: 'csr' };
  // v1 certificate: serial, signature, issuer, validity, subject, SPKI
  if (items.length >= 6 && t[0] === Tag.Integer) return { kind: 'certificate' };
  return undefined;
}

function bytesOf(t: Tlv): number {
  return t.end - t.contentStart;
}

function smallInt(der: Uint8Array, t: Tlv): number | undefined {
  if (t.tag !== Tag.Integer || bytesOf(t) > 4) return undefined;
  let v = 0;
  for (let i = t.contentStart; i < t.end; i++) v = v * 256 + der[i];
  return v;
}

/** Cheap classification for scanners: PEM text, a DER object kind, or nothing we read. */
export function sniff(bytes: Uint8Array): 'pem' | DerKind['kind'] | undefined {
  if (bytes.length === 0) return undefined;
  if (looksLikePem(bytes)) return 'pem';
  if (bytes[0] !== Tag.Sequence) return undefined;
  if (looksLikePkcs12(bytes)) return 'pkcs12';
  try {
    readTlv(bytes, 0);
    return sniffDer(bytes)?.kind;
  } catch {
    return undefined;
  }
}

function place(decoded: Decoded<PkiObject>, index: number, encoding: 'pem' | 'der', pemLabel?: string, range?: SourceRange): PkiObject {
  const out = { kind: decoded.kind, index, encoding } as PkiObject;
  if (pemLabel !== undefined) out.pemLabel = pemLabel;
  if (range !== undefined) out.range = range;
  // Values are assigned (a plain object stays fast to build and to serialise); getters are copied as getters:
  // decoders may define lazy ones (a certificate's selfSigned), which must not run here.
  const target = out as unknown as Record<string, unknown>;
  const descriptors = Object.getOwnPropertyDescriptors(decoded) as Record<string, PropertyDescriptor>;
  for (const key of Object.keys(descriptors)) {
    const d = descriptors[key];
    if (d.get) Object.defineProperty(target, key, d);
    else target[key] = d.value;
  }
  return out;
}

function fail(message: string): ReadResult {
  const problem: Problem = { severity: 'error', message };
  return { objects: [], problems: [problem] };
}

export function formatSize(n: number): string {
  if (n < 1024) return `${n} bytes`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1).replace(/\.0$/, '')} KB`;
  return `${(n / (1024 * 1024)).toFixed(1).replace(/\.0$/, '')} MB`;
}

/** One object's raw DER, as found in a file (for conversions and for feeding the writers). */
export interface RawObject {
  kind: DerKind['kind'] | 'legacy-encrypted-key' | 'unknown';
  der: Uint8Array;
  pemLabel?: string;
  headers?: Record<string, string>;
}

/** The raw DER of every object in `bytes` (PEM blocks in order, or the one DER structure). Throws PkiError on unreadable input. */
export function rawObjects(bytes: Uint8Array): RawObject[] {
  if (!looksLikePemInText(bytes)) {
    if (!looksLikePkcs12(bytes)) checkDer(bytes);
    return [{ kind: sniffDer(bytes)?.kind ?? 'unknown', der: bytes }];
  }
  // The same blocks readObjects sees: plain, escaped in a JSON/YAML string, or base64-encoded.
  const { blocks, problems } = findPemBlocksInText(decodeText(bytes));
  const firstError = problems.find((p) => p.severity === 'error');
  if (firstError) throw new PkiError(firstError.message);
  return blocks.map((b) => {
    const entry = PEM_LABELS[b.label];
    const headers = Object.keys(b.headers).length > 0 ? b.headers : undefined;
    if (entry === 'legacy-key') {
      const encrypted = /ENCRYPTED/i.test(b.headers['Proc-Type'] ?? '');
      return { kind: encrypted ? 'legacy-encrypted-key' : 'private-key', der: b.der, pemLabel: b.label, headers };
    }
    const kind = entry === 'skip' ? 'unknown' : (entry?.kind ?? safeSniff(b.der) ?? 'unknown');
    return { kind, der: b.der, pemLabel: b.label, headers };
  });
}

function safeSniff(der: Uint8Array): DerKind['kind'] | undefined {
  try {
    return sniffDer(der)?.kind;
  } catch {
    return undefined;
  }
}
