// Private keys: generation (async, off the main thread), encodings (PKCS#8 / traditional / DER), passphrase
// encryption (PBES2 AES-256-CBC by default, the legacy `Proc-Type: 4,ENCRYPTED` DES-EDE3-CBC form on request)
// and reading every common private key format back. Node's native crypto only; no I/O.
//
// Secrets: passphrases and key bytes never appear in an error message. Every failure is a one-line PkiError.

import type { KeyObject } from 'node:crypto';
import { createPrivateKey, createPublicKey, generateKeyPair } from 'node:crypto';
import type { Tlv } from './asn1';
import { Tag, children, decodeOid, integerNumber, readRoot } from './asn1';
import { PkiError } from './model';

export type KeySpec =
  | { type: 'rsa'; bits: 2048 | 3072 | 4096 | number }
  | { type: 'ec'; curve: 'P-256' | 'P-384' | 'P-521' }
  | { type: 'ed25519' };

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
export const MIN_PBKDF2_ITERATIONS = 2048;

const RSA_MIN_BITS = 512;
const RSA_SAFE_BITS = 2048;
const RSA_MAX_BITS = 16384;
const MAX_PASSPHRASE_BYTES = 1023; // `openssl … -passin file:` reads at most 1023 bytes

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
        throw new PkiError(`RSA-${bits} is too weak: keys under ${RSA_SAFE_BITS} bits are refused unless weak keys are explicitly allowed (--force)`);
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
// Reading

interface PemBlock {
  label: string;
  headers: Record<string, string>;
  /** The block's text, line endings normalised to \n. */
  text: string;
  der: Uint8Array;
}

type ParsedKey = { kind: 'pem'; block: PemBlock } | { kind: 'der'; der: Uint8Array };

const PKCS8_LABELS = new Set(['PRIVATE KEY', 'ENCRYPTED PRIVATE KEY']);
const TRADITIONAL_LABELS = new Set(['RSA PRIVATE KEY', 'EC PRIVATE KEY', 'DSA PRIVATE KEY']);

/**
 * Reads a private key — PEM (PKCS#8, encrypted PKCS#8, PKCS#1, SEC1, traditional-encrypted) or DER (PKCS#8,
 * encrypted PKCS#8, PKCS#1, SEC1) — and returns plain PKCS#8 DER. The passphrase is only used for encrypted keys.
 */
export function loadPrivateKey(data: Uint8Array | string, passphrase?: string): Uint8Array {
  const parsed = parseKeyInput(data);
  const encrypted = isEncryptedParsed(parsed);
  if (encrypted && passphrase === undefined) throw new PkiError('the private key is encrypted: a passphrase is needed');
  let key: KeyObject | undefined;
  if (parsed.kind === 'pem') {
    try {
      key = createPrivateKey(encrypted ? { key: parsed.block.text, format: 'pem', passphrase } : { key: parsed.block.text, format: 'pem' });
    } catch (e) {
      throw readFailure(e, encrypted, parsed);
    }
  } else if (encrypted) {
    try {
      key = createPrivateKey({ key: buf(parsed.der), format: 'der', type: 'pkcs8', passphrase });
    } catch (e) {
      throw readFailure(e, encrypted, parsed);
    }
  } else {
    for (const type of ['pkcs8', 'pkcs1', 'sec1'] as const) {
      try {
        key = createPrivateKey({ key: buf(parsed.der), format: 'der', type });
        break;
      } catch {
        // try the next form
      }
    }
    if (!key) {
      if (isDerPublicKey(parsed.der)) throw new PkiError('this is a public key, not a private key');
      throw new PkiError('not a private key (expected PEM, or DER PKCS#8, PKCS#1 or SEC1)');
    }
  }
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
  const parsed = parseKeyInput(data);
  const form = formOf(parsed);
  if (!isEncryptedParsed(parsed)) return { form, encrypted: false };
  if (parsed.kind === 'pem' && parsed.block.label !== 'ENCRYPTED PRIVATE KEY') {
    const dek = parsed.block.headers['DEK-Info'] ?? '';
    const cipher = dek.split(',')[0].trim().toLowerCase();
    return { form, encrypted: true, scheme: 'pem', cipher: cipher || undefined };
  }
  const der = parsed.kind === 'pem' ? parsed.block.der : parsed.der;
  try {
    return { form, encrypted: true, ...pkcs8EncryptionParams(der) };
  } catch {
    throw new PkiError('the encrypted private key structure is malformed');
  }
}

const OID_PBES2 = '1.2.840.113549.1.5.13';
const OID_PBKDF2 = '1.2.840.113549.1.5.12';
const OID_SCRYPT = '1.3.6.1.4.1.11591.4.11';
const PRFS: Record<string, string> = {
  '1.2.840.113549.2.7': 'hmacWithSHA1',
  '1.2.840.113549.2.8': 'hmacWithSHA224',
  '1.2.840.113549.2.9': 'hmacWithSHA256',
  '1.2.840.113549.2.10': 'hmacWithSHA384',
  '1.2.840.113549.2.11': 'hmacWithSHA512',
};
const CIPHERS: Record<string, string> = {
  '2.16.840.1.101.3.4.1.2': 'aes-128-cbc',
  '2.16.840.1.101.3.4.1.22': 'aes-192-cbc',
  '2.16.840.1.101.3.4.1.42': 'aes-256-cbc',
  '1.2.840.113549.3.7': 'des-ede3-cbc',
  '1.3.14.3.2.7': 'des-cbc',
  '1.2.840.113549.3.2': 'rc2-cbc',
};
const PBES1: Record<string, [string, string]> = {
  '1.2.840.113549.1.5.3': ['pbes1', 'pbeWithMD5AndDES-CBC'],
  '1.2.840.113549.1.5.10': ['pbes1', 'pbeWithSHA1AndDES-CBC'],
  '1.2.840.113549.1.12.1.3': ['pkcs12-pbe', 'pbeWithSHA1And3-KeyTripleDES-CBC'],
  '1.2.840.113549.1.12.1.4': ['pkcs12-pbe', 'pbeWithSHA1And2-KeyTripleDES-CBC'],
  '1.2.840.113549.1.12.1.5': ['pkcs12-pbe', 'pbeWithSHA1And128BitRC2-CBC'],
  '1.2.840.113549.1.12.1.6': ['pkcs12-pbe', 'pbeWithSHA1And40BitRC2-CBC'],
};

/** EncryptedPrivateKeyInfo → scheme / cipher / PRF / iterations. Throws (any error) when malformed. */
function pkcs8EncryptionParams(der: Uint8Array): Omit<KeyEncryptionInfo, 'form' | 'encrypted'> {
  const root = seq(readRoot(der));
  const [algId] = children(der, root);
  const [oidTlv, params] = children(der, seq(algId));
  const oid = decodeOid(der, oidTlv);
  if (oid === OID_PBES2) {
    const [kdf, enc] = children(der, seq(params));
    const [kdfOid, kdfParams] = children(der, seq(kdf));
    const [encOid] = children(der, seq(enc));
    const encName = decodeOid(der, encOid);
    const cipher = CIPHERS[encName] ?? encName;
    const kdfName = decodeOid(der, kdfOid);
    const kp = children(der, seq(kdfParams));
    if (kdfName === OID_PBKDF2) {
      const iterations = integerNumber(der, kp[1]);
      const prfTlv = kp.slice(2).find((t) => t.tag === Tag.Sequence);
      const prfOid = prfTlv ? decodeOid(der, children(der, prfTlv)[0]) : '1.2.840.113549.2.7';
      return { scheme: 'pbes2', cipher, prf: PRFS[prfOid] ?? prfOid, iterations };
    }
    if (kdfName === OID_SCRYPT) return { scheme: 'pbes2', cipher, prf: 'scrypt', iterations: integerNumber(der, kp[1]) };
    return { scheme: 'pbes2', cipher, prf: kdfName };
  }
  const pbes1 = PBES1[oid];
  const iterations = integerNumber(der, children(der, seq(params))[1]);
  return pbes1 ? { scheme: pbes1[0], cipher: pbes1[1], iterations } : { scheme: oid, iterations };
}

function seq(t: Tlv | undefined): Tlv {
  if (!t || t.tag !== Tag.Sequence) throw new PkiError('expected a SEQUENCE');
  return t;
}

function parseKeyInput(data: Uint8Array | string): ParsedKey {
  if (typeof data !== 'string' && !(data instanceof Uint8Array)) throw new PkiError('no private key data given');
  const text = typeof data === 'string' ? data : looksLikePem(data) ? Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('latin1') : undefined;
  if (text === undefined) {
    if (data.length === 0) throw new PkiError('the private key file is empty');
    return { kind: 'der', der: data as Uint8Array };
  }
  const blocks = pemBlocks(text);
  const block = blocks.find((b) => PKCS8_LABELS.has(b.label) || TRADITIONAL_LABELS.has(b.label));
  if (block) return { kind: 'pem', block };
  const labels = new Set(blocks.map((b) => b.label));
  if (labels.has('OPENSSH PRIVATE KEY')) {
    throw new PkiError('OpenSSH private keys are not supported: convert with `ssh-keygen -p -m PKCS8 -f FILE` first');
  }
  if (labels.has('PUBLIC KEY') || labels.has('RSA PUBLIC KEY')) throw new PkiError('this is a public key, not a private key');
  if (labels.size > 0) throw new PkiError(`no private key found (the PEM holds ${[...labels].join(', ')})`);
  throw new PkiError('no private key found (expected a PEM "PRIVATE KEY" block or DER)');
}

function looksLikePem(bytes: Uint8Array): boolean {
  // DER private keys start with a SEQUENCE tag (0x30); PEM text contains a BEGIN line.
  const head = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return head.includes('-----BEGIN ');
}

function pemBlocks(text: string): PemBlock[] {
  const out: PemBlock[] = [];
  const re = /-----BEGIN ([A-Z0-9][A-Z0-9 ]*)-----\r?\n([\s\S]*?)-----END \1-----/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const label = m[1];
    const lines = m[2].replace(/\r\n?/g, '\n').split('\n');
    const headers: Record<string, string> = {};
    let i = 0;
    if (lines[0]?.includes(':')) {
      for (; i < lines.length && lines[i].trim() !== ''; i++) {
        const c = lines[i].indexOf(':');
        if (c > 0) headers[lines[i].slice(0, c).trim()] = lines[i].slice(c + 1).trim();
      }
    }
    const b64 = lines.slice(i).join('').replace(/\s+/g, '');
    const body = lines.join('\n');
    out.push({
      label,
      headers,
      text: `-----BEGIN ${label}-----\n${body.endsWith('\n') ? body : body + '\n'}-----END ${label}-----\n`,
      der: new Uint8Array(Buffer.from(b64, 'base64')),
    });
  }
  return out;
}

function isEncryptedParsed(p: ParsedKey): boolean {
  if (p.kind === 'pem') {
    if (p.block.label === 'ENCRYPTED PRIVATE KEY') return true;
    return /ENCRYPTED/i.test(p.block.headers['Proc-Type'] ?? '');
  }
  return isDerEncryptedPkcs8(p.der);
}

/** EncryptedPrivateKeyInfo ::= SEQUENCE { AlgorithmIdentifier (SEQUENCE), OCTET STRING } — no version INTEGER. */
function isDerEncryptedPkcs8(der: Uint8Array): boolean {
  try {
    const root = readRoot(der);
    if (root.tag !== Tag.Sequence) return false;
    const kids = children(der, root);
    return kids.length === 2 && kids[0].tag === Tag.Sequence && kids[1].tag === Tag.OctetString;
  } catch {
    return false;
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

function formOf(p: ParsedKey): KeyOutputFormat {
  if (p.kind === 'der') return 'der';
  return PKCS8_LABELS.has(p.block.label) ? 'pkcs8' : 'traditional';
}

function readFailure(e: unknown, encrypted: boolean, parsed: ParsedKey): PkiError {
  const code = errCode(e);
  if (encrypted && /UNSUPPORTED/i.test(code)) {
    let cipher = '';
    try {
      cipher = keyEncryptionInfo(parsed.kind === 'pem' ? parsed.block.text : parsed.der).cipher ?? '';
    } catch {
      // keep the generic message
    }
    return new PkiError(`the private key is encrypted with an unsupported algorithm${cipher ? ` (${cipher})` : ''}`);
  }
  if (encrypted) return new PkiError('wrong passphrase (or the key is corrupted)');
  return new PkiError('the private key could not be read (corrupted or unsupported format)');
}

// ---------------------------------------------------------------------------------------------------------------
// Passphrase operations

/** Decrypts an encrypted key. Output keeps the input's form (PKCS#8 PEM, traditional PEM or DER) unless `format` is given. */
export function removePassphrase(data: Uint8Array | string, passphrase: string, opts: { format?: KeyOutputFormat } = {}): string | Uint8Array {
  const parsed = parseKeyInput(data);
  if (!isEncryptedParsed(parsed)) throw new PkiError('the private key is not encrypted');
  const pkcs8 = loadPrivateKey(data, passphrase);
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
  opts: { legacy?: boolean } = {},
): string | Uint8Array {
  const info = keyEncryptionInfo(data);
  if (!info.encrypted) throw new PkiError('the private key is not encrypted: add a passphrase instead');
  checkNewPassphrase(newPassphrase);
  const pkcs8 = loadPrivateKey(data, oldPassphrase);
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

/** PkiErrors pass through; anything else becomes `${what}` plus the error code (never its message, which may quote input). */
function asPkiError(e: unknown, what: string): PkiError {
  if (e instanceof PkiError) return e;
  return new PkiError(`${what} (${errCode(e)})`);
}
