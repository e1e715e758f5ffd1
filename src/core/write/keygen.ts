// Private keys: generation (async, off the main thread), encodings (PKCS#8 / traditional / DER), passphrase
// encryption (PBES2 AES-256-CBC by default, the legacy `Proc-Type: 4,ENCRYPTED` DES-EDE3-CBC form on request)
// and reading every common private key format back (PEM framing from pem.ts, structures and decryption from
// keys.ts; Node encodes the results). No I/O.
//
// Secrets: passphrases and key bytes never appear in an error message. Every failure is a one-line PkiError.

import type { KeyObject } from 'node:crypto';
import { createPrivateKey, createPublicKey, generateKeyPair } from 'node:crypto';
import type { PrivateKeyHint } from '../objects/keys';
import { decodeLegacyEncryptedKey, decodePrivateKey, decryptPrivateKey, isEncryptedPkcs8, toPkcs8 } from '../objects/keys';
import type { KeyEncryption } from '../model';
import { asPkiError, PkiError } from '../model';
import { MAX_PASSPHRASE_BYTES, RSA_MAX_BITS, RSA_MIN_BITS, RSA_SAFE_BITS } from '../limits';
import { keyLabel } from '../display/labels';
import type { PemBlock } from '../der/pem';
import { decodeText, findPemBlocks, looksLikePem } from '../der/pem';
import { WorkBudget, WorkLimitError } from '../runtime/workBudget';

export type KeySpec =
  | { type: 'rsa'; bits: 2048 | 3072 | 4096 | number }
  | { type: 'ec'; curve: 'P-256' | 'P-384' | 'P-521' }
  | { type: 'ed25519' };

/** A key spec in the words every key is described with (labels.keyLabel): "RSA 3072", "EC P-256", "Ed25519". */
export function keySpecLabel(spec: KeySpec): string {
  if (spec.type === 'rsa') return keyLabel({ algorithm: 'RSA', size: spec.bits });
  if (spec.type === 'ec') return keyLabel({ algorithm: 'EC', size: Number(spec.curve.slice(2)), curve: spec.curve });
  return keyLabel({ algorithm: 'Ed25519', size: 256 });
}

export interface KeyPairDer {
  privateKeyPkcs8: Uint8Array;
  publicKeySpki: Uint8Array;
}

/** `traditional` = PKCS#1 for RSA, SEC1 for EC (Ed25519 has only PKCS#8). `der` = (encrypted) PKCS#8 DER. */
export type KeyOutputFormat = 'pkcs8' | 'traditional' | 'der';

export interface KeyEncodeOptions {
  /** Default `pkcs8`, or `traditional` when `legacy` is set. */
  format?: KeyOutputFormat;
  /** Encrypts the key: PBES2 (PBKDF2-HMAC-SHA256, AES-256-CBC) PKCS#8, or traditional PEM encryption. */
  passphrase?: string;
  /** Traditional PEM with `Proc-Type: 4,ENCRYPTED` / `DEK-Info: DES-EDE3-CBC` (what `openssl genrsa -des3` writes). */
  legacy?: boolean;
}

/** How a private key file is stored and (if so) encrypted. */
export interface KeyEncryptionInfo {
  /** `pkcs8` / `traditional` PEM, or `der` (PKCS#8, PKCS#1 or SEC1). */
  form: KeyOutputFormat;
  encrypted: boolean;
  /** `pbes2`, `pbes1`, `pkcs12-pbe` (PKCS#8) or `pem` (Proc-Type / DEK-Info); the OID when unknown. */
  scheme?: string;
  /** OpenSSL cipher name in lower case (`aes-256-cbc`, `des-ede3-cbc`), or an OID. */
  cipher?: string;
  /** PBKDF2 pseudo-random function (`hmacWithSHA256`…), or `scrypt`. */
  prf?: string;
  /** PBKDF2 / PBES1 iteration count (scrypt: its cost parameter N). */
  iterations?: number;
}

/** The minimum PBKDF2 iteration count accepted for our own encrypted PKCS#8 output (OpenSSL's default). */
const MIN_PBKDF2_ITERATIONS = 2048;

const CURVE_TO_OPENSSL: Record<string, string> = { 'P-256': 'prime256v1', 'P-384': 'secp384r1', 'P-521': 'secp521r1' };
const OPENSSL_TO_CURVE: Record<string, 'P-256' | 'P-384' | 'P-521'> = {
  prime256v1: 'P-256',
  'P-256': 'P-256',
  secp384r1: 'P-384',
  'P-384': 'P-384',
  secp521r1: 'P-521',
  'P-521': 'P-521',
};

// ---------------------------------------------------------------------------------------------------------------
// Generation

/**
 * Generates a key pair on libuv's thread pool (never blocks the event loop, even for RSA-4096).
 * Aborting `signal` rejects at once with PkiError('cancelled'); the background work may finish, its result is discarded.
 */
export function generateKey(spec: KeySpec, opts: { signal?: AbortSignal; allowWeak?: boolean } = {}): Promise<KeyPairDer> {
  let start: (cb: GenCallback) => void;
  try {
    start = generator(spec, opts.allowWeak === true);
  } catch (e) {
    return Promise.reject(asPkiError(e, 'key generation failed'));
  }
  const signal = opts.signal;
  return new Promise<KeyPairDer>((resolve, reject) => {
    if (signal?.aborted) {
      reject(new PkiError('cancelled'));
      return;
    }
    let settled = false;
    const onAbort = (): void => {
      if (settled) return;
      settled = true;
      reject(new PkiError('cancelled'));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    const done: GenCallback = (err, publicKey, privateKey) => {
      signal?.removeEventListener('abort', onAbort);
      if (settled) return;
      settled = true;
      if (err || !publicKey || !privateKey) {
        reject(new PkiError(`key generation failed${err ? ` (${errCode(err)})` : ''}`));
        return;
      }
      resolve({ privateKeyPkcs8: copy(privateKey), publicKeySpki: copy(publicKey) });
    };
    try {
      start(done);
    } catch (e) {
      signal?.removeEventListener('abort', onAbort);
      settled = true;
      reject(asPkiError(e, 'key generation failed'));
    }
  });
}

type GenCallback = (err: Error | null, publicKey?: Buffer, privateKey?: Buffer) => void;

const DER_ENCODINGS = {
  publicKeyEncoding: { type: 'spki', format: 'der' },
  privateKeyEncoding: { type: 'pkcs8', format: 'der' },
} as const;

/** Validates `spec` and returns a function that starts the (async) generation. */
function generator(spec: KeySpec, allowWeak: boolean): (cb: GenCallback) => void {
  if (!spec || typeof spec !== 'object') throw new PkiError('key generation: no key type given');
  switch (spec.type) {
    case 'rsa': {
      const bits = spec.bits;
      if (typeof bits !== 'number' || !Number.isInteger(bits)) throw new PkiError('RSA key size must be a whole number of bits');
      if (bits < RSA_MIN_BITS) throw new PkiError(`RSA key size ${bits} is below the minimum of ${RSA_MIN_BITS} bits`);
      if (bits > RSA_MAX_BITS) throw new PkiError(`RSA key size ${bits} is above the maximum of ${RSA_MAX_BITS} bits`);
      if (bits < RSA_SAFE_BITS && !allowWeak) {
        throw new PkiError(`RSA-${bits} is too weak: keys under ${RSA_SAFE_BITS} bits are refused unless weak keys are explicitly allowed`);
      }
      return (cb) => generateKeyPair('rsa', { modulusLength: bits, publicExponent: 0x10001, ...DER_ENCODINGS }, cb);
    }
    case 'ec': {
      const namedCurve = CURVE_TO_OPENSSL[spec.curve];
      if (!namedCurve) throw new PkiError(`unsupported EC curve "${String(spec.curve)}" (use P-256, P-384 or P-521)`);
      return (cb) => generateKeyPair('ec', { namedCurve, ...DER_ENCODINGS }, cb);
    }
    case 'ed25519':
      return (cb) => generateKeyPair('ed25519', DER_ENCODINGS, cb);
    default:
      throw new PkiError(`unsupported key type "${String((spec as { type?: unknown }).type)}" (use rsa, ec or ed25519)`);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Encoding

export function encodePrivateKey(pkcs8: Uint8Array, opts: KeyEncodeOptions & { format: 'der' }): Uint8Array;
export function encodePrivateKey(pkcs8: Uint8Array, opts?: KeyEncodeOptions & { format?: 'pkcs8' | 'traditional' }): string;
export function encodePrivateKey(pkcs8: Uint8Array, opts?: KeyEncodeOptions): string | Uint8Array;
/**
 * Encodes a plain PKCS#8 DER key. No passphrase: PEM `PRIVATE KEY` / `RSA PRIVATE KEY` / `EC PRIVATE KEY`, or DER.
 * With a passphrase: encrypted PKCS#8 (PBES2, PBKDF2-HMAC-SHA256, AES-256-CBC; PEM `ENCRYPTED PRIVATE KEY` or DER);
 * traditional PEM encrypted with AES-256-CBC, or with DES-EDE3-CBC when `legacy`.
 */
export function encodePrivateKey(pkcs8: Uint8Array, opts: KeyEncodeOptions = {}): string | Uint8Array {
  const key = pkcs8Key(pkcs8);
  const legacy = opts.legacy === true;
  const format = opts.format ?? (legacy ? 'traditional' : 'pkcs8');
  if (format !== 'pkcs8' && format !== 'traditional' && format !== 'der') {
    throw new PkiError(`unknown private key format "${String(format)}" (use pkcs8, traditional or der)`);
  }
  if (legacy && format !== 'traditional') {
    throw new PkiError('the legacy encrypted form (Proc-Type: 4,ENCRYPTED) exists only as traditional PEM, not as ' + format);
  }
  const passphrase = opts.passphrase;
  if (passphrase !== undefined) checkNewPassphrase(passphrase);
  try {
    if (format === 'traditional') {
      const type = traditionalType(key);
      if (passphrase === undefined) return key.export({ type, format: 'pem' }) as string;
      return key.export({ type, format: 'pem', cipher: legacy ? 'des-ede3-cbc' : 'aes-256-cbc', passphrase }) as string;
    }
    const pem = format === 'pkcs8';
    if (passphrase === undefined) {
      return pem ? (key.export({ type: 'pkcs8', format: 'pem' }) as string) : copy(key.export({ type: 'pkcs8', format: 'der' }));
    }
    const out = pem
      ? (key.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase }) as string)
      : copy(key.export({ type: 'pkcs8', format: 'der', cipher: 'aes-256-cbc', passphrase }));
    assertStrongPkcs8(out);
    return out;
  } catch (e) {
    throw asPkiError(e, 'the private key could not be encoded');
  }
}

/** Checks that our encrypted PKCS#8 output really is PBES2 / PBKDF2-HMAC-SHA256 / AES-256-CBC with enough iterations. */
function assertStrongPkcs8(out: string | Uint8Array): void {
  const info = keyEncryptionInfo(out);
  if (
    !info.encrypted ||
    info.scheme !== 'pbes2' ||
    info.cipher !== 'aes-256-cbc' ||
    info.prf !== 'hmacWithSHA256' ||
    info.iterations === undefined ||
    info.iterations < MIN_PBKDF2_ITERATIONS
  ) {
    throw new PkiError(
      `internal: the encrypted key uses ${info.scheme ?? '?'}/${info.cipher ?? '?'}/${info.prf ?? '?'} with ${info.iterations ?? '?'} iterations, ` +
        `not PBES2/aes-256-cbc/hmacWithSHA256 with at least ${MIN_PBKDF2_ITERATIONS}`,
    );
  }
}

function traditionalType(key: KeyObject): 'pkcs1' | 'sec1' {
  switch (key.asymmetricKeyType) {
    case 'rsa':
      return 'pkcs1';
    case 'ec':
      return 'sec1';
    case 'ed25519':
      throw new PkiError('Ed25519 keys have no traditional (PKCS#1/SEC1) form: use PKCS#8');
    default:
      throw new PkiError(`${keyTypeName(key)} keys have no traditional (PKCS#1/SEC1) form here: use PKCS#8`);
  }
}

export function derivePublicKey(pkcs8: Uint8Array): Uint8Array {
  const key = pkcs8Key(pkcs8);
  try {
    return copy(createPublicKey(key).export({ type: 'spki', format: 'der' }));
  } catch (e) {
    throw asPkiError(e, 'the public key could not be derived');
  }
}

export function encodePublicKey(spki: Uint8Array, format: 'pem'): string;
export function encodePublicKey(spki: Uint8Array, format: 'der'): Uint8Array;
export function encodePublicKey(spki: Uint8Array, format: 'pem' | 'der'): string | Uint8Array;
/** SPKI DER → PEM `PUBLIC KEY` or (validated) DER. */
export function encodePublicKey(spki: Uint8Array, format: 'pem' | 'der'): string | Uint8Array {
  if (format !== 'pem' && format !== 'der') throw new PkiError(`unknown public key format "${String(format)}" (use pem or der)`);
  let key: KeyObject;
  try {
    key = createPublicKey({ key: buf(spki), format: 'der', type: 'spki' });
  } catch {
    throw new PkiError('not a DER SubjectPublicKeyInfo public key');
  }
  return format === 'pem' ? (key.export({ type: 'spki', format: 'pem' }) as string) : copy(key.export({ type: 'spki', format: 'der' }));
}

/** Type, size or curve of a PKCS#8 key. PkiError for anything other than RSA, EC P-256/384/521 and Ed25519. */
export function keySpecOf(pkcs8: Uint8Array): KeySpec {
  const key = pkcs8Key(pkcs8);
  switch (key.asymmetricKeyType) {
    case 'rsa': {
      const bits = key.asymmetricKeyDetails?.modulusLength;
      if (!bits) throw new PkiError('RSA key without a modulus length');
      return { type: 'rsa', bits };
    }
    case 'ec': {
      const name = key.asymmetricKeyDetails?.namedCurve ?? '';
      const curve = OPENSSL_TO_CURVE[name];
      if (!curve) throw new PkiError(`unsupported EC curve ${name || '(unnamed)'} (supported: P-256, P-384, P-521)`);
      return { type: 'ec', curve };
    }
    case 'ed25519':
      return { type: 'ed25519' };
    default:
      throw new PkiError(`unsupported key type ${keyTypeName(key)} (supported: RSA, EC, Ed25519)`);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Reading: PEM framing is pem.ts's, key structures and encryption keys.ts's; Node re-encodes the result.

interface KeyLabel {
  form: 'pkcs8' | 'traditional';
  hint: PrivateKeyHint;
}

type PemKey = { kind: 'pem'; block: PemBlock } & KeyLabel;
type ParsedKey = PemKey | { kind: 'der'; der: Uint8Array };

/** Private key PEM labels → their form and the structure they hold (`encrypted-pkcs8`: EncryptedPrivateKeyInfo). */
const KEY_LABELS = new Map<string, KeyLabel>([
  ['PRIVATE KEY', { form: 'pkcs8', hint: 'pkcs8' }],
  ['ENCRYPTED PRIVATE KEY', { form: 'pkcs8', hint: 'encrypted-pkcs8' }],
  ['RSA PRIVATE KEY', { form: 'traditional', hint: 'pkcs1' }],
  ['DSA PRIVATE KEY', { form: 'traditional', hint: 'pkcs1' }],
  ['EC PRIVATE KEY', { form: 'traditional', hint: 'sec1' }],
]);

const WRONG_PASSPHRASE = 'wrong passphrase (or the key is corrupted)';

/**
 * Reads a private key — PEM (PKCS#8, encrypted PKCS#8, PKCS#1, SEC1, traditional-encrypted) or DER (PKCS#8,
 * encrypted PKCS#8, PKCS#1, SEC1) — and returns plain PKCS#8 DER. The passphrase is only used for encrypted keys.
 */
export function loadPrivateKey(data: Uint8Array | string, passphrase?: string, budget?: WorkBudget): Uint8Array {
  const parsed = parseKeyInput(data);
  const encrypted = isEncryptedParsed(parsed);
  if (encrypted && passphrase === undefined) throw new PkiError('the private key is encrypted: a passphrase is needed');
  const key = encrypted ? decryptedKey(parsed, passphrase as string, (budget ?? WorkBudget.forCommand()).forFile()) : plainKey(parsed);
  try {
    return copy(key.export({ type: 'pkcs8', format: 'der' }));
  } catch (e) {
    throw asPkiError(e, 'the private key could not be converted to PKCS#8');
  }
}

export function isEncryptedPrivateKey(data: Uint8Array | string): boolean {
  try {
    return isEncryptedParsed(parseKeyInput(data));
  } catch {
    return false;
  }
}

/** How a private key is stored and encrypted (scheme, cipher, PRF, iteration count). PkiError if it is not a private key. */
export function keyEncryptionInfo(data: Uint8Array | string): KeyEncryptionInfo {
  return encryptionInfo(parseKeyInput(data));
}

/** keys.ts's description of the encryption, in this module's terms. */
function encryptionInfo(p: ParsedKey): KeyEncryptionInfo {
  const form = formOf(p);
  if (!isEncryptedParsed(p)) return { form, encrypted: false };
  let e: KeyEncryption | undefined;
  try {
    e = isLegacyEncrypted(p)
      ? decodeLegacyEncryptedKey(p.block.der, p.block.headers, p.block.label).encryption
      : decodePrivateKey(derOf(p), 'encrypted-pkcs8').encryption;
  } catch {
    // reported below
  }
  if (!e) throw new PkiError('the encrypted private key structure is malformed');
  const base = { form, encrypted: true };
  if (e.scheme === 'legacy-pem') return { ...base, scheme: 'pem', cipher: e.cipher };
  const iterations = e.iterations === undefined ? {} : { iterations: e.iterations };
  // PBKDF2's PRF, `scrypt`, or the OID of another key derivation function.
  if (e.scheme === 'PBES2') return { ...base, scheme: 'pbes2', cipher: e.cipher, prf: e.prf ?? e.kdf, ...iterations };
  if (e.kdf === 'pbkdf1') return { ...base, scheme: 'pbes1', cipher: e.cipher, ...iterations };
  if (e.kdf === 'pkcs12') return { ...base, scheme: 'pkcs12-pbe', cipher: e.cipher, ...iterations };
  return { ...base, scheme: e.scheme }; // an unknown scheme: its OID
}

function parseKeyInput(data: Uint8Array | string): ParsedKey {
  if (typeof data !== 'string' && !(data instanceof Uint8Array)) throw new PkiError('no private key data given');
  if (typeof data !== 'string' && !looksLikePem(data)) {
    if (data.length === 0) throw new PkiError('the private key file is empty');
    return { kind: 'der', der: data };
  }
  const { blocks, problems } = findPemBlocks(typeof data === 'string' ? data : decodeText(data));
  for (const block of blocks) {
    const label = KEY_LABELS.get(block.label);
    if (label) return { kind: 'pem', block, ...label };
  }
  // pem.ts names a broken block `block N (LABEL): …`.
  const broken = problems.find((p) => KEY_LABELS.has(/^block \d+ \(([^)]*)\)/.exec(p.message)?.[1] ?? ''));
  if (broken) throw new PkiError(`the private key could not be read (${broken.message})`);
  const labels = new Set(blocks.map((b) => b.label));
  if (labels.has('OPENSSH PRIVATE KEY')) {
    throw new PkiError('OpenSSH private keys are not supported: convert with `ssh-keygen -p -m PKCS8 -f FILE` first');
  }
  if (labels.has('PUBLIC KEY') || labels.has('RSA PUBLIC KEY')) throw new PkiError('this is a public key, not a private key');
  if (labels.size > 0) throw new PkiError(`no private key found (the PEM holds ${[...labels].join(', ')})`);
  throw new PkiError('no private key found (expected a PEM "PRIVATE KEY" block or DER)');
}

function derOf(p: ParsedKey): Uint8Array {
  return p.kind === 'pem' ? p.block.der : p.der;
}

/** `Proc-Type: 4,ENCRYPTED` on a traditional (or plain PKCS#8) block: the whole structure encrypted, the cipher in `DEK-Info`. */
function isLegacyEncrypted(p: ParsedKey): p is PemKey {
  return p.kind === 'pem' && p.block.label !== 'ENCRYPTED PRIVATE KEY' && /ENCRYPTED/i.test(p.block.headers['Proc-Type'] ?? '');
}

function isEncryptedParsed(p: ParsedKey): boolean {
  if (p.kind === 'pem') return p.block.label === 'ENCRYPTED PRIVATE KEY' || isLegacyEncrypted(p);
  return isEncryptedPkcs8(p.der);
}

function formOf(p: ParsedKey): KeyOutputFormat {
  return p.kind === 'der' ? 'der' : p.form;
}

/** A plain key: the PEM label names its structure; DER is tried as PKCS#8, PKCS#1 and SEC1. */
function plainKey(p: ParsedKey): KeyObject {
  const der = derOf(p);
  const hints = p.kind === 'pem' ? [p.hint] : (['pkcs8', 'pkcs1', 'sec1'] as const);
  for (const hint of hints) {
    if (hint === 'encrypted-pkcs8') continue;
    try {
      return createPrivateKey({ key: buf(toPkcs8(der, hint)), format: 'der', type: 'pkcs8' });
    } catch {
      // try the next form
    }
  }
  if (p.kind === 'pem') throw new PkiError('the private key could not be read (corrupted or unsupported format)');
  if (isDerPublicKey(der)) throw new PkiError('this is a public key, not a private key');
  throw new PkiError('not a private key (expected PEM, or DER PKCS#8, PKCS#1 or SEC1)');
}

function decryptedKey(p: ParsedKey, passphrase: string, budget: WorkBudget): KeyObject {
  let pkcs8: Uint8Array;
  try {
    pkcs8 = isLegacyEncrypted(p)
      ? decryptPrivateKey({ der: p.block.der, format: 'legacy-encrypted-pem', headers: p.block.headers, label: p.block.label }, passphrase, budget).pkcs8
      : decryptPrivateKey({ der: derOf(p), format: 'encrypted-pkcs8' }, passphrase, budget).pkcs8;
  } catch (e) {
    // Too costly to try (a per-key cap, or the file's or command's budget): say so, not "wrong passphrase".
    if (e instanceof WorkLimitError) throw e;
    if (e instanceof PkiError && /unsupported|not supported/i.test(e.message)) {
      let cipher = '';
      try {
        cipher = encryptionInfo(p).cipher ?? '';
      } catch {
        // keep the generic message
      }
      throw new PkiError(`the private key is encrypted with an unsupported algorithm${cipher ? ` (${cipher})` : ''}`);
    }
    throw new PkiError(WRONG_PASSPHRASE);
  }
  try {
    return createPrivateKey({ key: buf(pkcs8), format: 'der', type: 'pkcs8' });
  } catch {
    throw new PkiError('the private key could not be read (corrupted or unsupported format)');
  }
}

function isDerPublicKey(der: Uint8Array): boolean {
  try {
    createPublicKey({ key: buf(der), format: 'der', type: 'spki' });
    return true;
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Passphrase operations

/** Decrypts an encrypted key. Output keeps the input's form (PKCS#8 PEM, traditional PEM or DER) unless `format` is given. */
export function removePassphrase(data: Uint8Array | string, passphrase: string, opts: { format?: KeyOutputFormat; budget?: WorkBudget } = {}): string | Uint8Array {
  const parsed = parseKeyInput(data);
  if (!isEncryptedParsed(parsed)) throw new PkiError('the private key is not encrypted');
  const pkcs8 = loadPrivateKey(data, passphrase, opts.budget);
  return encodePrivateKey(pkcs8, { format: opts.format ?? formOf(parsed) });
}

/**
 * Encrypts a plain key: encrypted PKCS#8 PEM by default (DER stays DER), the legacy DES-EDE3-CBC traditional PEM with `legacy`.
 */
export function addPassphrase(
  data: Uint8Array | string,
  newPassphrase: string,
  opts: { legacy?: boolean; format?: KeyOutputFormat } = {},
): string | Uint8Array {
  const parsed = parseKeyInput(data);
  if (isEncryptedParsed(parsed)) throw new PkiError('the private key is already encrypted: change its passphrase instead');
  checkNewPassphrase(newPassphrase);
  const pkcs8 = loadPrivateKey(data);
  const legacy = opts.legacy === true;
  const format = opts.format ?? (legacy ? 'traditional' : formOf(parsed) === 'der' ? 'der' : 'pkcs8');
  return encodePrivateKey(pkcs8, { format, passphrase: newPassphrase, legacy });
}

/**
 * Re-encrypts a key under a new passphrase. Without `legacy` the input's form and style are kept (encrypted PKCS#8
 * stays PKCS#8, DER stays DER, DES-EDE3 traditional stays legacy); `legacy: true` forces the legacy form, `false` the modern one.
 */
export function changePassphrase(
  data: Uint8Array | string,
  oldPassphrase: string,
  newPassphrase: string,
  opts: { legacy?: boolean; budget?: WorkBudget } = {},
): string | Uint8Array {
  const info = keyEncryptionInfo(data);
  if (!info.encrypted) throw new PkiError('the private key is not encrypted: add a passphrase instead');
  checkNewPassphrase(newPassphrase);
  const pkcs8 = loadPrivateKey(data, oldPassphrase, opts.budget);
  let format: KeyOutputFormat;
  let legacy: boolean;
  if (opts.legacy === true) {
    format = 'traditional';
    legacy = true;
  } else if (opts.legacy === false) {
    format = info.form === 'der' ? 'der' : 'pkcs8';
    legacy = false;
  } else {
    format = info.form;
    legacy = info.form === 'traditional' && info.cipher === 'des-ede3-cbc';
  }
  return encodePrivateKey(pkcs8, { format, passphrase: newPassphrase, legacy });
}

/** Rules for a passphrase we encrypt with (decryption accepts anything). */
export function checkNewPassphrase(passphrase: string): void {
  if (typeof passphrase !== 'string' || passphrase.length === 0) throw new PkiError('the passphrase is empty');
  if ([...passphrase].length < 4) {
    throw new PkiError('the passphrase is too short: use at least 4 characters (OpenSSL refuses shorter ones)');
  }
  if (/[\r\n\0]/.test(passphrase)) throw new PkiError('the passphrase must be a single line (no line breaks or NUL characters)');
  if (Buffer.byteLength(passphrase, 'utf8') > MAX_PASSPHRASE_BYTES) {
    throw new PkiError(`the passphrase is too long: at most ${MAX_PASSPHRASE_BYTES} bytes (OpenSSL cannot read longer ones)`);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Helpers

function pkcs8Key(pkcs8: Uint8Array): KeyObject {
  if (!(pkcs8 instanceof Uint8Array) || pkcs8.length === 0) throw new PkiError('no PKCS#8 private key given');
  try {
    return createPrivateKey({ key: buf(pkcs8), format: 'der', type: 'pkcs8' });
  } catch {
    throw new PkiError('not a plain (unencrypted) PKCS#8 DER private key');
  }
}

function keyTypeName(key: KeyObject): string {
  return (key.asymmetricKeyType ?? 'unknown').toUpperCase();
}

function buf(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** A plain Uint8Array copy (not a pooled Buffer view). */
function copy(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(bytes);
}

function errCode(e: unknown): string {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : 'error';
}

