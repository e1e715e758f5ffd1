// PKCS#12 / PFX (RFC 7292): read (inspect without a password, open with one) and write.
//
// Reading returns raw DER per bag (certificate DER, plain PKCS#8 key DER, CRL DER); turning those into
// model objects is the dispatcher's job. Crypto is Node's own (PBKDF2, AES, 3DES, HMAC, hashes); only RC2,
// which Node's OpenSSL no longer ships by default, comes from node-forge (forge.rc2, nothing else).
//
// Password encodings follow OpenSSL: the PKCS#12 KDF (appendix B) takes the password as a BMPString
// (UTF-16BE) with a trailing 00 00; PBES2/PBKDF2 takes the UTF-8 bytes. For an empty password OpenSSL also
// accepts the "absent" password (zero bytes for the KDF), and for non-ASCII passwords files written by old
// OpenSSL versions used each UTF-8 byte as one BMP character: both are tried when opening.
//
// One reader for every entry point (tlsw inspect / readObjects, tlsw p12 import, the inspector, the scanner):
// `looksLikePkcs12` routes a PFX here before anyone DER-checks it (keytool and Windows write BER), and
// `readPkcs12` opens it — with the caller's password, or without one by trying the empty password, which is
// what a keystore exported "without a password" carries.

import { createCipheriv, createDecipheriv, createHash, createHmac, createPrivateKey, createPublicKey, pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto';
import { forge, pkcs12Kdf as kdf } from './keys';
import { WorkBudget, WorkLimitError, hashLoopWork, pbkdf2Work } from '../runtime/workBudget';
import type { Tlv } from '../der/asn1';
import { Tag, children, content, contextNumber, decodeOid, decodeString, expectTag, integerNumber, readRoot, toHex, validateTree, whole, MAX_CHILDREN, MAX_DEPTH, TooManyElements } from '../der/asn1';
import type { Pkcs12BagType } from '../model';
import { PkiError } from '../model';
import { derOid, derSetOf, derTlv, derUnsigned } from '../der/encode';
import { messageOf } from '../display/labels';

// ───────────────────────────── public API ─────────────────────────────

export interface RawPkcs12Bag {
  type: Pkcs12BagType;
  friendlyName?: string;
  /** Lowercase hex. */
  localKeyId?: string;
  /** Certificate DER, plain PKCS#8 DER for keys, or CRL DER. */
  der?: Uint8Array;
}

export interface Pkcs12Info {
  /**
   * MAC digest (`sha256`, `sha1`…) and iteration count, when the file has a MAC. `verified: false` when the
   * bags were listed without checking it (nothing in them is encrypted and no password was given).
   */
  mac?: { algorithm: string; iterations: number; verified?: boolean };
  /** `PBES2/aes-256-cbc`, `pbeWithSHAAnd40BitRC2-CBC`, `none`… (several, comma-separated, if parts differ). */
  certEncryption?: string;
  keyEncryption?: string;
}

export interface Pkcs12ExportOptions {
  /** Leaf certificate DER. */
  certificate: Uint8Array;
  /** Plain PKCS#8 DER (RSA, EC or Ed25519). */
  privateKeyPkcs8: Uint8Array;
  /** CA certificates DER, stored after the leaf in the given order. */
  chain?: Uint8Array[];
  password: string;
  friendlyName?: string;
  /**
   * false (default): PBES2 (PBKDF2-HMAC-SHA256, AES-256-CBC) for key and certificates, SHA-256 MAC.
   * true: pbeWithSHAAnd3-KeyTripleDES-CBC for the key, pbeWithSHAAnd40BitRC2-CBC for the certificates,
   * SHA-1 MAC (old Windows, Java 8).
   */
  legacy?: boolean;
  /** KDF and MAC iterations. Default 2048 (OpenSSL 3's default). */
  iterations?: number;
}

/** Largest PBKDF2 iteration count accepted (native PBKDF2: ~2 s at this count). */
export const MAX_PBKDF2_ITERATIONS = 10_000_000;
/** Largest PKCS#12-KDF / MAC iteration count accepted (hash loop in JS: ~1 s per derivation at this count). */
const MAX_PKCS12_KDF_ITERATIONS = 1_000_000;
const DEFAULT_PKCS12_ITERATIONS = 2048;
/**
 * Work units (workBudget.ts) allowed for trying the empty password when none was given (under half a second;
 * real keystores need a few thousand iterations: OpenSSL 2048, keytool 10 000, old Java 50 000 for its PBE). The
 * total over a file and a command is bounded by the caller's WorkBudget (many safes × huge counts, or many
 * keystores in one file, must not add up to a hang).
 */
const PROBE_WORK = 2_000_000;

/** The file's share of the caller's budget (a command budget of the defaults when there is none). */
function fileBudget(budget: WorkBudget | undefined): WorkBudget {
  return (budget ?? WorkBudget.forCommand()).forFile();
}

/** What the PKCS#12 reader gives: the outer facts, and the bags once it is open. */
export interface Pkcs12Contents extends Pkcs12Info {
  /** True when it was opened (the bags are then listed); false when it is locked by a password. */
  decrypted: boolean;
  bags: RawPkcs12Bag[];
}

/**
 * True when `bytes` start like a PFX — SEQUENCE { INTEGER 3, SEQUENCE … — in DER or in BER (indefinite
 * lengths, as Java keytool and Windows write). Only the first bytes are read (a definite length must span
 * `size`, the whole input by default): every entry point hands such input to the PKCS#12 reader, which checks
 * the rest, instead of DER-checking it first.
 */
export function looksLikePkcs12(bytes: Uint8Array, size = bytes.length): boolean {
  if (bytes.length < 6 || bytes[0] !== Tag.Sequence) return false;
  const first = bytes[1];
  let p = 2;
  if (first !== 0x80) {
    let len = first;
    if (first > 0x80) {
      const n = first & 0x7f;
      if (n > 4 || bytes.length < 2 + n + 4) return false;
      len = 0;
      for (let i = 0; i < n; i++) len = len * 256 + bytes[p++];
    }
    if (p + len !== size) return false;
  }
  return bytes[p] === Tag.Integer && bytes[p + 1] === 1 && bytes[p + 2] === 3 && bytes[p + 3] === Tag.Sequence;
}

/**
 * The PKCS#12 reader (DER or BER). With a password: opens the keystore (wrong password → PkiError). Without
 * one: tries the empty password in both forms OpenSSL and Windows use (BMPString "" with its 00 00, and no
 * bytes at all); failing that, lists the bags anyway when none is encrypted (the MAC then reported
 * `verified: false`); otherwise the keystore is locked: its outer facts, `decrypted: false`, no bags. Trying
 * without a password is bounded (PROBE_BUDGET): a file demanding more work is simply reported locked.
 */
export function readPkcs12(der: Uint8Array, password?: string, budget?: WorkBudget): Pkcs12Contents {
  return guard(() => {
    if (password !== undefined && typeof password !== 'string') throw new PkiError('PKCS#12: the password must be a string');
    const pfx = parsePfx(der);
    const file = fileBudget(budget);
    if (password !== undefined) return { ...openParsed(pfx, passwordCandidates(password, file)), decrypted: true };
    // Speculative: never more than what is left of the file's and the command's budget, and never an error.
    const probe = file.probe(Math.max(0, Math.min(PROBE_WORK, file.remaining)));
    try {
      return { ...openParsed(pfx, passwordCandidates('', probe)), decrypted: true };
    } catch (e) {
      if (!(e instanceof CannotOpen) && !(e instanceof WorkLimitError && e.budget === probe)) throw e;
    }
    const info = inspectParsed(pfx);
    if (pfx.mac && pfx.safes.every((s) => s.kind === 'data' && !visibleBags(s.bytes, s.root, 0).some((b) => b.shrouded))) {
      // Nothing is encrypted: the contents are there to read; only the MAC cannot be checked without the password.
      const opened = readAllSafes(pfx, passwordCandidates('', file.probe(0))[0]);
      return { ...info, mac: { ...info.mac!, verified: false }, decrypted: true, bags: opened.bags };
    }
    return { ...info, decrypted: false, bags: [] };
  });
}

/** Outer structure only: MAC algorithm and iterations, how certificates and keys are protected. No password needed. */
export function inspectPkcs12(der: Uint8Array): Pkcs12Info {
  return guard(() => inspectParsed(parsePfx(der)));
}

function inspectParsed(pfx: Pfx): Pkcs12Info {
  const info = baseInfo(pfx);
  const certs = new Set<string>();
  const keys = new Set<string>();
  for (const safe of pfx.safes) {
    if (safe.kind === 'encrypted') {
      // Encrypted safes conventionally hold the certificates; what is inside is unknown without the password.
      certs.add(safe.scheme.description);
    } else if (safe.kind === 'enveloped') {
      certs.add('envelopedData');
    } else {
      for (const bag of visibleBags(safe.bytes, safe.root, 0)) {
        if (bag.type === 'certificate') certs.add('none');
        else if (bag.type === 'private-key') keys.add(bag.shrouded ?? 'none');
      }
    }
  }
  if (certs.size) info.certEncryption = [...certs].join(', ');
  if (keys.size) info.keyEncryption = [...keys].join(', ');
  return info;
}

/** Opens a parsed PFX with the first candidate that verifies the MAC (or, without a MAC, decrypts every safe). */
function openParsed(pfx: Pfx, candidates: Secret[]): Pkcs12Info & { bags: RawPkcs12Bag[] } {
  let result: Opened | undefined;
  if (pfx.mac) {
    const mac = pfx.mac;
    const hash = hashByOid(mac.oid);
    if (!hash) throw new CannotOpen(`PKCS#12: unsupported MAC algorithm ${mac.name}`);
    checkIterations(mac.iterations, MAX_PKCS12_KDF_ITERATIONS, 'MAC');
    const secret = candidates.find((c) => verifyMac(pfx, hash, c));
    if (!secret) throw new CannotOpen('wrong PKCS#12 password (MAC verification failed)');
    try {
      result = readAllSafes(pfx, secret);
    } catch (e) {
      if (e instanceof BadDecrypt) {
        throw new PkiError(`PKCS#12: the MAC is valid but the ${e.what} could not be decrypted (corrupt file?)`);
      }
      throw e;
    }
  } else {
    for (const secret of candidates) {
      try {
        result = readAllSafes(pfx, secret);
        break;
      } catch (e) {
        if (!(e instanceof BadDecrypt)) throw e;
      }
    }
    if (!result) throw new CannotOpen('wrong PKCS#12 password (decryption failed)');
  }
  const info = baseInfo(pfx);
  if (result.certProtection.size) info.certEncryption = [...result.certProtection].join(', ');
  if (result.keyProtection.size) info.keyEncryption = [...result.keyProtection].join(', ');
  return { ...info, bags: result.bags };
}

/** Builds a PFX (DER) holding the leaf certificate, the chain and the private key. */
export function exportPkcs12(opts: Pkcs12ExportOptions): Uint8Array {
  return guard(() => {
    if (!opts || typeof opts !== 'object') throw new PkiError('PKCS#12 export: options are required');
    const { password, friendlyName, legacy = false } = opts;
    const iterations = opts.iterations ?? DEFAULT_PKCS12_ITERATIONS;
    if (typeof password !== 'string') throw new PkiError('PKCS#12 export: a password is required (it may be empty)');
    if (!Number.isInteger(iterations) || iterations < 1 || iterations > MAX_PKCS12_KDF_ITERATIONS) {
      throw new PkiError(`PKCS#12 export: iterations must be a whole number from 1 to ${MAX_PKCS12_KDF_ITERATIONS}`);
    }
    if (friendlyName !== undefined && typeof friendlyName !== 'string') throw new PkiError('PKCS#12 export: the friendly name must be a string');
    const cert = checkDer(opts.certificate, 'the certificate');
    const key = checkDer(opts.privateKeyPkcs8, 'the private key');
    const chain = (opts.chain ?? []).map((c, i) => checkDer(c, `chain certificate ${i + 1}`));
    checkKeyMatchesCert(key, cert);

    const localKeyId = createHash('sha1').update(cert).digest();
    const attrs = derSetOf(
      ...(friendlyName !== undefined ? [seq(derOid(OID_FRIENDLY_NAME), derSetOf(bmpString(friendlyName)))] : []),
      seq(derOid(OID_LOCAL_KEY_ID), derSetOf(octet(localKeyId))),
    );
    const secret = passwordCandidates(password, WorkBudget.forCommand({ perFile: Infinity, perCommand: Infinity }))[0];

    // Certificates: one encryptedData safe (like OpenSSL), leaf first with the attributes.
    const certBag = (der: Uint8Array, withAttrs: boolean): Uint8Array =>
      seq(derOid(OID_CERT_BAG), explicit(0, seq(derOid(OID_X509_CERT), explicit(0, octet(der)))), ...(withAttrs ? [attrs] : []));
    const certSafe = seq(certBag(cert, true), ...chain.map((c) => certBag(c, false)));
    const certEnc = legacy ? encryptPkcs12Pbe(LEGACY_CERT_PBE, certSafe, secret, iterations) : encryptPbes2(certSafe, secret, iterations);
    const certCi = seq(
      derOid(OID_ENCRYPTED_DATA),
      explicit(0, seq(derUnsigned(0), seq(derOid(OID_DATA), certEnc.algorithm, derTlv(0x80, certEnc.data)))),
    );

    // Key: one data safe with a pkcs8ShroudedKeyBag.
    const keyEnc = legacy ? encryptPkcs12Pbe(LEGACY_KEY_PBE, key, secret, iterations) : encryptPbes2(key, secret, iterations);
    const keyBag = seq(derOid(OID_SHROUDED_KEY_BAG), explicit(0, seq(keyEnc.algorithm, octet(keyEnc.data))), attrs);
    const keyCi = seq(derOid(OID_DATA), explicit(0, octet(seq(keyBag))));

    const authSafe = seq(certCi, keyCi);
    const hash = hashByName(legacy ? 'sha1' : 'sha256');
    const macSalt = randomBytes(8);
    const macKey = pkcs12Kdf(hash, secret.bmp, macSalt, 3, iterations, hash.size);
    const digest = createHmac(hash.name, macKey).update(authSafe).digest();
    const macData = seq(seq(seq(derOid(hash.oid), NULL), octet(digest)), octet(macSalt), derUnsigned(iterations));
    return seq(derUnsigned(3), seq(derOid(OID_DATA), explicit(0, octet(authSafe))), macData);
  });
}

// ───────────────────────────── OIDs and algorithm tables ─────────────────────────────

const OID_DATA = '1.2.840.113549.1.7.1';
const OID_SIGNED_DATA = '1.2.840.113549.1.7.2';
const OID_ENVELOPED_DATA = '1.2.840.113549.1.7.3';
const OID_ENCRYPTED_DATA = '1.2.840.113549.1.7.6';
const OID_KEY_BAG = '1.2.840.113549.1.12.10.1.1';
const OID_SHROUDED_KEY_BAG = '1.2.840.113549.1.12.10.1.2';
const OID_CERT_BAG = '1.2.840.113549.1.12.10.1.3';
const OID_CRL_BAG = '1.2.840.113549.1.12.10.1.4';
const OID_SECRET_BAG = '1.2.840.113549.1.12.10.1.5';
const OID_SAFE_CONTENTS_BAG = '1.2.840.113549.1.12.10.1.6';
const OID_X509_CERT = '1.2.840.113549.1.9.22.1';
const OID_X509_CRL = '1.2.840.113549.1.9.23.1';
const OID_FRIENDLY_NAME = '1.2.840.113549.1.9.20';
const OID_LOCAL_KEY_ID = '1.2.840.113549.1.9.21';
const OID_PBES2 = '1.2.840.113549.1.5.13';
const OID_PBKDF2 = '1.2.840.113549.1.5.12';
const OID_PBMAC1 = '1.2.840.113549.1.5.14';
const OID_SCRYPT = '1.3.6.1.4.1.11591.4.11';
const OID_HMAC_SHA1 = '1.2.840.113549.2.7';

interface HashSpec {
  name: string;
  oid: string;
  /** OID of HMAC with this hash, as a PBKDF2 PRF. */
  hmacOid: string;
  size: number;
  block: number;
}

const HASHES: HashSpec[] = [
  { name: 'sha1', oid: '1.3.14.3.2.26', hmacOid: OID_HMAC_SHA1, size: 20, block: 64 },
  { name: 'sha224', oid: '2.16.840.1.101.3.4.2.4', hmacOid: '1.2.840.113549.2.8', size: 28, block: 64 },
  { name: 'sha256', oid: '2.16.840.1.101.3.4.2.1', hmacOid: '1.2.840.113549.2.9', size: 32, block: 64 },
  { name: 'sha384', oid: '2.16.840.1.101.3.4.2.2', hmacOid: '1.2.840.113549.2.10', size: 48, block: 128 },
  { name: 'sha512', oid: '2.16.840.1.101.3.4.2.3', hmacOid: '1.2.840.113549.2.11', size: 64, block: 128 },
  { name: 'sha512-224', oid: '2.16.840.1.101.3.4.2.5', hmacOid: '1.2.840.113549.2.12', size: 28, block: 128 },
  { name: 'sha512-256', oid: '2.16.840.1.101.3.4.2.6', hmacOid: '1.2.840.113549.2.13', size: 32, block: 128 },
];

function hashByOid(o: string): HashSpec | undefined {
  return HASHES.find((h) => h.oid === o);
}

function hashByName(name: string): HashSpec {
  const h = HASHES.find((x) => x.name === name);
  if (!h) throw new PkiError(`PKCS#12: unknown hash ${name}`);
  return h;
}

interface CipherSpec {
  name: string;
  oid: string;
  keyLength: number;
  ivLength: number;
}

/** Ciphers accepted as the PBES2 encryption scheme. */
const PBES2_CIPHERS: CipherSpec[] = [
  { name: 'aes-128-cbc', oid: '2.16.840.1.101.3.4.1.2', keyLength: 16, ivLength: 16 },
  { name: 'aes-192-cbc', oid: '2.16.840.1.101.3.4.1.22', keyLength: 24, ivLength: 16 },
  { name: 'aes-256-cbc', oid: '2.16.840.1.101.3.4.1.42', keyLength: 32, ivLength: 16 },
  { name: 'des-ede3-cbc', oid: '1.2.840.113549.3.7', keyLength: 24, ivLength: 8 },
];
const PBES2_NAMES: Record<string, string> = {
  '1.2.840.113549.3.2': 'rc2-cbc',
  '1.3.14.3.2.7': 'des-cbc',
  '2.16.840.1.101.3.4.1.6': 'aes-128-gcm',
  '2.16.840.1.101.3.4.1.46': 'aes-256-gcm',
};

/** PKCS#12 password-based encryption (RFC 7292 appendix C), SHA-1 based. */
interface Pkcs12Pbe {
  name: string;
  oid: string;
  keyLength: number;
  /** Node cipher name, or RC2 with this many effective key bits. */
  cipher: string | { rc2: number };
}

const PKCS12_PBES: Pkcs12Pbe[] = [
  { name: 'pbeWithSHAAnd128BitRC4', oid: '1.2.840.113549.1.12.1.1', keyLength: 16, cipher: 'unsupported' },
  { name: 'pbeWithSHAAnd40BitRC4', oid: '1.2.840.113549.1.12.1.2', keyLength: 5, cipher: 'unsupported' },
  { name: 'pbeWithSHAAnd3-KeyTripleDES-CBC', oid: '1.2.840.113549.1.12.1.3', keyLength: 24, cipher: 'des-ede3-cbc' },
  { name: 'pbeWithSHAAnd2-KeyTripleDES-CBC', oid: '1.2.840.113549.1.12.1.4', keyLength: 16, cipher: 'des-ede-cbc' },
  { name: 'pbeWithSHAAnd128BitRC2-CBC', oid: '1.2.840.113549.1.12.1.5', keyLength: 16, cipher: { rc2: 128 } },
  { name: 'pbeWithSHAAnd40BitRC2-CBC', oid: '1.2.840.113549.1.12.1.6', keyLength: 5, cipher: { rc2: 40 } },
];
const LEGACY_KEY_PBE = PKCS12_PBES[2];
const LEGACY_CERT_PBE = PKCS12_PBES[5];

const OTHER_ALG_NAMES: Record<string, string> = {
  '1.2.840.113549.1.5.3': 'pbeWithMD5AndDES-CBC',
  '1.2.840.113549.1.5.10': 'pbeWithSHA1AndDES-CBC',
  '1.2.840.113549.1.5.6': 'pbeWithMD5AndRC2-CBC',
  '1.2.840.113549.1.5.11': 'pbeWithSHA1AndRC2-CBC',
  '1.2.840.113549.2.5': 'md5',
  [OID_PBMAC1]: 'PBMAC1',
};

// ───────────────────────────── errors and guards ─────────────────────────────

/**
 * The keystore cannot be opened with the password(s) tried — wrong password, unsupported protection, or
 * more key-derivation work than allowed — as opposed to a broken file. Without a password it means "locked".
 */
class CannotOpen extends PkiError {}

/** Decryption produced garbage (bad padding or not DER): usually a wrong password. */
class BadDecrypt extends Error {
  constructor(readonly what: string) {
    super(`could not decrypt the ${what}`);
  }
}

function guard<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof WorkLimitError) throw e.message.startsWith('PKCS#12') ? e : new WorkLimitError(`PKCS#12: ${e.message}`, e.budget);
    if (e instanceof PkiError) {
      if (/^(PKCS#12|wrong PKCS#12)/.test(e.message)) throw e;
      throw new PkiError(`PKCS#12: ${e.message}`);
    }
    if (e instanceof BadDecrypt) throw new PkiError(`PKCS#12: ${e.message}`);
    throw new PkiError(`PKCS#12: ${messageOf(e)}`);
  }
}

function checkIterations(n: number, max: number, what: string): void {
  if (n > max) {
    const shown = Number.isFinite(n) ? String(n) : 'beyond 2^48';
    throw new CannotOpen(`PKCS#12: ${what} iteration count ${shown} exceeds the supported maximum of ${max.toLocaleString('en-US')}`);
  }
  if (!Number.isInteger(n) || n < 1) throw new CannotOpen(`PKCS#12: invalid ${what} iteration count ${n}`);
}

/** An iteration count; Infinity when it does not fit (refused later by checkIterations, not while inspecting). */
function iterationCount(bytes: Uint8Array, t: Tlv, what: string): number {
  expectTag(t, Tag.Integer, what);
  try {
    return integerNumber(bytes, t);
  } catch {
    return Infinity;
  }
}

// ───────────────────────────── DER / BER parsing ─────────────────────────────

interface Parsed {
  bytes: Uint8Array;
  root: Tlv;
}

/**
 * Parses one complete ASN.1 value. DER first; BER (indefinite lengths, constructed OCTET STRINGs, as written
 * by macOS Keychain and some Windows tools) is normalised to DER when strict parsing fails.
 */
function parseAsn1(bytes: Uint8Array, what: string): Parsed {
  try {
    const root = readRoot(bytes);
    validateTree(bytes, root);
    return { bytes, root };
  } catch (derError) {
    if (derError instanceof TooManyElements) throw new PkiError(`PKCS#12: ${what}: ${messageOf(derError)}`);
    let normalised: Uint8Array;
    try {
      normalised = berToDer(bytes);
    } catch {
      throw new PkiError(`PKCS#12: ${what}: ${messageOf(derError)}`);
    }
    const root = readRoot(normalised);
    validateTree(normalised, root);
    return { bytes: normalised, root };
  }
}

function berToDer(bytes: Uint8Array): Uint8Array {
  const r = berValue(bytes, 0, bytes.length, 0);
  if (r.end !== bytes.length) throw new PkiError('trailing bytes');
  return r.der;
}

function berValue(b: Uint8Array, pos: number, limit: number, depth: number): { der: Uint8Array; end: number } {
  if (depth > MAX_DEPTH) throw new PkiError('nesting too deep');
  if (pos + 2 > limit) throw new PkiError('truncated');
  const tag = b[pos];
  if ((tag & 0x1f) === 0x1f) throw new PkiError('high tag number');
  const constructed = (tag & 0x20) !== 0;
  let p = pos + 1;
  const first = b[p++];
  let len = -1;
  if (first === 0x80) {
    if (!constructed) throw new PkiError('indefinite length on a primitive value');
  } else if (first & 0x80) {
    const n = first & 0x7f;
    if (n > 4 || p + n > limit) throw new PkiError('bad length');
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + b[p++];
  } else {
    len = first;
  }
  if (len >= 0 && p + len > limit) throw new PkiError('truncated');
  if (!constructed) return { der: derTlv(tag, b.subarray(p, p + len)), end: p + len };
  const stop = len >= 0 ? p + len : limit;
  const kids: Uint8Array[] = [];
  let q = p;
  for (;;) {
    if (len < 0) {
      if (q + 2 > limit) throw new PkiError('missing end-of-contents');
      if (b[q] === 0 && b[q + 1] === 0) {
        q += 2;
        break;
      }
    } else if (q >= stop) {
      break;
    }
    // As many elements as the DER reader allows, no more: each one here is an array of its own.
    if (kids.length >= MAX_CHILDREN) throw new PkiError(`more than ${MAX_CHILDREN} elements in one structure`);
    const kid = berValue(b, q, stop, depth + 1);
    kids.push(kid.der);
    q = kid.end;
  }
  if (tag === 0x24) {
    // Constructed OCTET STRING → one primitive OCTET STRING.
    const parts = kids.map((k) => {
      const t = readRoot(k);
      if (t.tag !== Tag.OctetString) throw new PkiError('bad constructed OCTET STRING');
      return k.subarray(t.contentStart);
    });
    return { der: derTlv(Tag.OctetString, ...parts), end: q };
  }
  return { der: derTlv(tag, ...kids), end: q };
}

/** OCTET STRING contents, also for an IMPLICIT tag that is constructed of OCTET STRING chunks (BER). */
function octets(bytes: Uint8Array, t: Tlv, what: string): Uint8Array {
  if (t.tag & 0x20) {
    return Buffer.concat(children(bytes, t).map((c) => content(bytes, expectTag(c, Tag.OctetString, what))));
  }
  return content(bytes, t);
}

function kids(bytes: Uint8Array, t: Tlv, tag: number, what: string, min: number): Tlv[] {
  expectTag(t, tag, what);
  const c = children(bytes, t);
  if (c.length < min) throw new PkiError(`PKCS#12: ${what} is incomplete`);
  return c;
}

/** The single value inside an `[n] EXPLICIT` tag. */
function explicitInner(bytes: Uint8Array, t: Tlv, n: number, what: string): Tlv {
  if (contextNumber(t) !== n || !(t.tag & 0x20)) throw new PkiError(`PKCS#12: ${what}: expected [${n}]`);
  const c = children(bytes, t);
  if (c.length !== 1) throw new PkiError(`PKCS#12: ${what}: expected one value inside [${n}]`);
  return c[0];
}

// ───────────────────────────── PFX structure ─────────────────────────────

type Safe =
  | { kind: 'data'; bytes: Uint8Array; root: Tlv }
  | { kind: 'encrypted'; scheme: Scheme; data: Uint8Array }
  | { kind: 'enveloped' };

interface Pfx {
  authSafe: Uint8Array;
  safes: Safe[];
  mac?: { oid: string; name: string; digest: Uint8Array; salt: Uint8Array; iterations: number };
}

function parsePfx(der: Uint8Array): Pfx {
  if (!(der instanceof Uint8Array)) throw new PkiError('PKCS#12: expected binary data');
  if (der.length === 0) throw new PkiError('PKCS#12: the file is empty');
  const { bytes, root } = parseAsn1(der, 'not a valid PFX structure');
  const top = kids(bytes, root, Tag.Sequence, 'PFX', 2);
  const version = integerNumber(bytes, expectTag(top[0], Tag.Integer, 'PFX version'));
  if (version !== 3) throw new PkiError(`PKCS#12: unsupported PFX version ${version} (expected 3)`);
  const ci = kids(bytes, top[1], Tag.Sequence, 'authSafe ContentInfo', 2);
  const type = decodeOid(bytes, ci[0]);
  if (type === OID_SIGNED_DATA) throw new PkiError('PKCS#12: public-key integrity mode (signedData) is not supported');
  if (type !== OID_DATA) throw new PkiError(`PKCS#12: unexpected authSafe content type ${type}`);
  const authSafe = octets(bytes, explicitInner(bytes, ci[1], 0, 'authSafe'), 'authSafe');

  let mac: Pfx['mac'];
  if (top.length > 2) {
    const md = kids(bytes, top[2], Tag.Sequence, 'MacData', 2);
    const di = kids(bytes, md[0], Tag.Sequence, 'MAC DigestInfo', 2);
    const alg = kids(bytes, di[0], Tag.Sequence, 'MAC algorithm', 1);
    const macOid = decodeOid(bytes, alg[0]);
    mac = {
      oid: macOid,
      name: hashByOid(macOid)?.name ?? algName(macOid),
      digest: content(bytes, expectTag(di[1], Tag.OctetString, 'MAC digest')),
      salt: content(bytes, expectTag(md[1], Tag.OctetString, 'MAC salt')),
      iterations: md.length > 2 ? iterationCount(bytes, md[2], 'MAC iteration count') : 1,
    };
  }

  const as = parseAsn1(authSafe, 'AuthenticatedSafe');
  const safes: Safe[] = [];
  for (const c of kids(as.bytes, as.root, Tag.Sequence, 'AuthenticatedSafe', 0)) {
    safes.push(parseSafe(as.bytes, c));
  }
  return { authSafe, safes, mac };
}

function parseSafe(bytes: Uint8Array, t: Tlv): Safe {
  const ci = kids(bytes, t, Tag.Sequence, 'ContentInfo', 1);
  const type = decodeOid(bytes, ci[0]);
  if (type === OID_ENVELOPED_DATA) return { kind: 'enveloped' };
  if (ci.length < 2) throw new PkiError('PKCS#12: ContentInfo without content');
  const inner = explicitInner(bytes, ci[1], 0, 'ContentInfo');
  if (type === OID_DATA) {
    const p = parseAsn1(octets(bytes, expectTag(inner, Tag.OctetString, 'data'), 'data'), 'SafeContents');
    return { kind: 'data', bytes: p.bytes, root: p.root };
  }
  if (type === OID_ENCRYPTED_DATA) {
    const ed = kids(bytes, inner, Tag.Sequence, 'EncryptedData', 2);
    const eci = kids(bytes, ed[1], Tag.Sequence, 'EncryptedContentInfo', 2);
    const scheme = parseScheme(bytes, eci[1]);
    if (eci.length < 3 || contextNumber(eci[2]) !== 0) return { kind: 'encrypted', scheme, data: new Uint8Array(0) };
    return { kind: 'encrypted', scheme, data: octets(bytes, eci[2], 'encryptedContent') };
  }
  throw new PkiError(`PKCS#12: unsupported safe content type ${type}`);
}

function baseInfo(pfx: Pfx): Pkcs12Info {
  return pfx.mac ? { mac: { algorithm: pfx.mac.name, iterations: pfx.mac.iterations } } : {};
}

// ───────────────────────────── bags ─────────────────────────────

interface VisibleBag {
  type: Pkcs12BagType;
  /** Encryption of a shrouded key bag. */
  shrouded?: string;
}

/** Bag types in a plain SafeContents, without decrypting anything (for inspect). */
function visibleBags(bytes: Uint8Array, root: Tlv, depth: number): VisibleBag[] {
  if (depth > 8) throw new PkiError('PKCS#12: SafeContents nested too deeply');
  const out: VisibleBag[] = [];
  for (const b of kids(bytes, root, Tag.Sequence, 'SafeContents', 0)) {
    const sb = kids(bytes, b, Tag.Sequence, 'SafeBag', 2);
    const bagOid = decodeOid(bytes, sb[0]);
    const value = explicitInner(bytes, sb[1], 0, 'SafeBag');
    if (bagOid === OID_SAFE_CONTENTS_BAG) {
      out.push(...visibleBags(bytes, value, depth + 1));
    } else if (bagOid === OID_SHROUDED_KEY_BAG) {
      const epki = kids(bytes, value, Tag.Sequence, 'EncryptedPrivateKeyInfo', 2);
      out.push({ type: 'private-key', shrouded: parseScheme(bytes, epki[0]).description });
    } else {
      out.push({ type: bagType(bytes, bagOid, value) });
    }
  }
  return out;
}

function bagType(bytes: Uint8Array, bagOid: string, value: Tlv): Pkcs12BagType {
  switch (bagOid) {
    case OID_KEY_BAG:
    case OID_SHROUDED_KEY_BAG:
      return 'private-key';
    case OID_CERT_BAG:
      return decodeOid(bytes, kids(bytes, value, Tag.Sequence, 'CertBag', 2)[0]) === OID_X509_CERT ? 'certificate' : 'other';
    case OID_CRL_BAG:
      return decodeOid(bytes, kids(bytes, value, Tag.Sequence, 'CRLBag', 2)[0]) === OID_X509_CRL ? 'crl' : 'other';
    case OID_SECRET_BAG:
      return 'secret';
    default:
      return 'other';
  }
}

interface Opened {
  bags: RawPkcs12Bag[];
  certProtection: Set<string>;
  keyProtection: Set<string>;
}

function readAllSafes(pfx: Pfx, secret: Secret): Opened {
  const out: Opened = { bags: [], certProtection: new Set(), keyProtection: new Set() };
  for (const safe of pfx.safes) {
    if (safe.kind === 'enveloped') throw new CannotOpen('PKCS#12: public-key privacy mode (envelopedData) is not supported');
    if (safe.kind === 'data') {
      readBags(safe.bytes, safe.root, secret, 'none', out, 0);
    } else {
      const plain = safe.scheme.decrypt(safe.data, secret, 'encrypted safe');
      let p: Parsed;
      try {
        p = parseAsn1(plain, 'decrypted safe');
        expectTag(p.root, Tag.Sequence, 'SafeContents');
      } catch {
        throw new BadDecrypt('encrypted safe');
      }
      readBags(p.bytes, p.root, secret, safe.scheme.description, out, 0);
    }
  }
  return out;
}

function readBags(bytes: Uint8Array, root: Tlv, secret: Secret, protection: string, out: Opened, depth: number): void {
  if (depth > 8) throw new PkiError('PKCS#12: SafeContents nested too deeply');
  for (const b of kids(bytes, root, Tag.Sequence, 'SafeContents', 0)) {
    const sb = kids(bytes, b, Tag.Sequence, 'SafeBag', 2);
    const bagOid = decodeOid(bytes, sb[0]);
    const value = explicitInner(bytes, sb[1], 0, 'SafeBag');
    if (bagOid === OID_SAFE_CONTENTS_BAG) {
      readBags(bytes, value, secret, protection, out, depth + 1);
      continue;
    }
    const bag: RawPkcs12Bag = { type: bagType(bytes, bagOid, value) };
    if (sb.length > 2) readAttributes(bytes, sb[2], bag);
    if (bagOid === OID_KEY_BAG) {
      expectTag(value, Tag.Sequence, 'PrivateKeyInfo');
      bag.der = copy(whole(bytes, value));
      out.keyProtection.add(protection);
    } else if (bagOid === OID_SHROUDED_KEY_BAG) {
      const epki = kids(bytes, value, Tag.Sequence, 'EncryptedPrivateKeyInfo', 2);
      const scheme = parseScheme(bytes, epki[0]);
      const plain = scheme.decrypt(content(bytes, expectTag(epki[1], Tag.OctetString, 'encrypted key')), secret, 'private key');
      try {
        const p = parseAsn1(plain, 'decrypted key');
        expectTag(p.root, Tag.Sequence, 'PrivateKeyInfo');
        bag.der = copy(whole(p.bytes, p.root));
      } catch {
        throw new BadDecrypt('private key');
      }
      out.keyProtection.add(protection === 'none' ? scheme.description : `${protection} + ${scheme.description}`);
    } else if (bag.type === 'certificate' || bag.type === 'crl') {
      const cb = kids(bytes, value, Tag.Sequence, 'CertBag', 2);
      const inner = explicitInner(bytes, cb[1], 0, 'CertBag');
      bag.der = copy(octets(bytes, expectTag(inner, Tag.OctetString, 'certificate value'), 'certificate value'));
      if (bag.type === 'certificate') out.certProtection.add(protection);
    }
    out.bags.push(bag);
  }
}

function readAttributes(bytes: Uint8Array, set: Tlv, bag: RawPkcs12Bag): void {
  for (const a of kids(bytes, set, Tag.Set, 'bag attributes', 0)) {
    const attr = kids(bytes, a, Tag.Sequence, 'bag attribute', 2);
    const type = decodeOid(bytes, attr[0]);
    const values = kids(bytes, attr[1], Tag.Set, 'attribute values', 0);
    if (!values.length) continue;
    if (type === OID_FRIENDLY_NAME) bag.friendlyName = decodeString(bytes, values[0]);
    else if (type === OID_LOCAL_KEY_ID) bag.localKeyId = toHex(content(bytes, expectTag(values[0], Tag.OctetString, 'localKeyId')));
  }
}

function copy(b: Uint8Array): Uint8Array {
  return new Uint8Array(b);
}

// ───────────────────────────── passwords and the MAC ─────────────────────────────

interface Secret {
  /** For the PKCS#12 KDF: BMPString + 00 00. */
  bmp: Buffer;
  /** For PBKDF2: UTF-8. */
  utf8: Buffer;
  /** Work still allowed (shared by all candidates, charged to the file's and the command's budget). */
  budget: WorkBudget;
}

function bmp(s: string): Buffer {
  return Buffer.from(s, 'utf16le').swap16();
}

function passwordCandidates(password: string, budget: WorkBudget): Secret[] {
  const utf8 = Buffer.from(password, 'utf8');
  const list: Secret[] = [{ bmp: Buffer.concat([bmp(password), Buffer.alloc(2)]), utf8, budget }];
  // OpenSSL treats an empty password and an absent one alike; the latter gives zero KDF input.
  if (password === '') list.push({ bmp: Buffer.alloc(0), utf8, budget });
  // Files from OpenSSL < 1.1 used each UTF-8 byte as one BMP character.
  if (utf8.length !== password.length) list.push({ bmp: Buffer.concat([bmp(utf8.toString('latin1')), Buffer.alloc(2)]), utf8, budget });
  return list;
}

function verifyMac(pfx: Pfx, hash: HashSpec, secret: Secret): boolean {
  const mac = pfx.mac;
  if (!mac) return false;
  const key = pkcs12Kdf(hash, secret.bmp, mac.salt, 3, mac.iterations, hash.size, secret.budget);
  const actual = createHmac(hash.name, key).update(pfx.authSafe).digest();
  return actual.length === mac.digest.length && timingSafeEqual(actual, mac.digest);
}

/** The PKCS#12 KDF (keys.ts), charged to the call's work budget when there is one. */
function pkcs12Kdf(hash: HashSpec, password: Uint8Array, salt: Uint8Array, id: number, iterations: number, n: number, budget?: WorkBudget): Buffer {
  budget?.charge(hashLoopWork(iterations, Math.ceil(n / hash.size)), `the PKCS#12 KDF with ${iterations} iterations`);
  return kdf(hash, password, salt, id, iterations, n);
}

// ───────────────────────────── encryption schemes ─────────────────────────────

interface Scheme {
  description: string;
  decrypt(data: Uint8Array, secret: Secret, what: string): Buffer;
}

function algName(o: string): string {
  return PKCS12_PBES.find((p) => p.oid === o)?.name ?? OTHER_ALG_NAMES[o] ?? (o === OID_PBES2 ? 'PBES2' : o);
}

function unsupported(description: string): Scheme {
  return {
    description,
    decrypt: () => {
      throw new CannotOpen(`PKCS#12: unsupported encryption algorithm ${description}`);
    },
  };
}

/** Reads an AlgorithmIdentifier of a password-based encryption scheme. */
function parseScheme(bytes: Uint8Array, algTlv: Tlv): Scheme {
  const alg = kids(bytes, algTlv, Tag.Sequence, 'encryption AlgorithmIdentifier', 1);
  const algOid = decodeOid(bytes, alg[0]);
  const pbe = PKCS12_PBES.find((p) => p.oid === algOid);
  if (pbe) {
    if (typeof pbe.cipher === 'string' && pbe.cipher === 'unsupported') return unsupported(pbe.name);
    if (alg.length < 2) throw new PkiError(`PKCS#12: ${pbe.name} without parameters`);
    const params = kids(bytes, alg[1], Tag.Sequence, `${pbe.name} parameters`, 2);
    const salt = content(bytes, expectTag(params[0], Tag.OctetString, 'salt'));
    const iterations = iterationCount(bytes, params[1], 'PBE iteration count');
    return {
      description: pbe.name,
      decrypt: (data, secret, what) => {
        checkIterations(iterations, MAX_PKCS12_KDF_ITERATIONS, 'encryption');
        const sha1 = hashByName('sha1');
        const key = pkcs12Kdf(sha1, secret.bmp, salt, 1, iterations, pbe.keyLength, secret.budget);
        const iv = pkcs12Kdf(sha1, secret.bmp, salt, 2, iterations, 8, secret.budget);
        return cbcDecrypt(pbe.cipher, key, iv, data, what);
      },
    };
  }
  if (algOid !== OID_PBES2) return unsupported(algName(algOid));
  if (alg.length < 2) throw new PkiError('PKCS#12: PBES2 without parameters');
  const p2 = kids(bytes, alg[1], Tag.Sequence, 'PBES2 parameters', 2);
  const kdf = kids(bytes, p2[0], Tag.Sequence, 'PBES2 key derivation function', 1);
  const enc = kids(bytes, p2[1], Tag.Sequence, 'PBES2 encryption scheme', 1);
  const encOid = decodeOid(bytes, enc[0]);
  const cipher = PBES2_CIPHERS.find((c) => c.oid === encOid);
  const description = `PBES2/${cipher?.name ?? PBES2_NAMES[encOid] ?? encOid}`;
  const kdfOid = decodeOid(bytes, kdf[0]);
  if (kdfOid === OID_SCRYPT) return unsupported(`${description} (scrypt)`);
  if (kdfOid !== OID_PBKDF2) return unsupported(`${description} (key derivation ${kdfOid})`);
  if (!cipher) return unsupported(description);
  if (kdf.length < 2) throw new PkiError('PKCS#12: PBKDF2 without parameters');
  const kp = kids(bytes, kdf[1], Tag.Sequence, 'PBKDF2 parameters', 2);
  if (kp[0].tag !== Tag.OctetString) return unsupported(`${description} (PBKDF2 with a non-specified salt source)`);
  const salt = content(bytes, kp[0]);
  const iterations = iterationCount(bytes, kp[1], 'PBKDF2 iteration count');
  let i = 2;
  let keyLength = cipher.keyLength;
  if (kp[i]?.tag === Tag.Integer) keyLength = integerNumber(bytes, kp[i++]);
  let prf = hashByName('sha1');
  if (kp[i]) {
    const prfOid = decodeOid(bytes, kids(bytes, kp[i], Tag.Sequence, 'PBKDF2 PRF', 1)[0]);
    const h = HASHES.find((x) => x.hmacOid === prfOid);
    if (!h) return unsupported(`${description} (PBKDF2 PRF ${prfOid})`);
    prf = h;
  }
  if (keyLength !== cipher.keyLength) throw new PkiError(`PKCS#12: PBKDF2 key length ${keyLength} does not fit ${cipher.name}`);
  if (enc.length < 2) throw new PkiError(`PKCS#12: ${cipher.name} without an IV`);
  const iv = content(bytes, expectTag(enc[1], Tag.OctetString, 'IV'));
  if (iv.length !== cipher.ivLength) throw new PkiError(`PKCS#12: ${cipher.name} IV of ${iv.length} bytes (expected ${cipher.ivLength})`);
  return {
    description,
    decrypt: (data, secret, what) => {
      checkIterations(iterations, MAX_PBKDF2_ITERATIONS, 'PBKDF2');
      secret.budget.charge(pbkdf2Work(iterations, Math.ceil(keyLength / prf.size), prf.name), `PBKDF2 with ${iterations} iterations`);
      const key = pbkdf2Sync(secret.utf8, salt, iterations, keyLength, prf.name);
      return cbcDecrypt(cipher.name, key, iv, data, what);
    },
  };
}

function cbcDecrypt(cipher: string | { rc2: number }, key: Buffer, iv: Uint8Array, data: Uint8Array, what: string): Buffer {
  const block = typeof cipher === 'string' && cipher.startsWith('aes') ? 16 : 8;
  if (data.length === 0 || data.length % block !== 0) throw new BadDecrypt(what);
  let plain: Buffer;
  if (typeof cipher === 'string') {
    const d = createDecipheriv(cipher, key, iv);
    d.setAutoPadding(false);
    plain = Buffer.concat([d.update(data), d.final()]);
  } else {
    plain = rc2(key, cipher.rc2, iv, data, false);
  }
  const pad = plain[plain.length - 1];
  if (pad < 1 || pad > block) throw new BadDecrypt(what);
  for (let i = plain.length - pad; i < plain.length; i++) if (plain[i] !== pad) throw new BadDecrypt(what);
  return plain.subarray(0, plain.length - pad);
}

function cbcEncrypt(cipher: string | { rc2: number }, key: Buffer, iv: Uint8Array, data: Uint8Array): Buffer {
  const block = typeof cipher === 'string' && cipher.startsWith('aes') ? 16 : 8;
  const pad = block - (data.length % block);
  const padded = Buffer.concat([data, Buffer.alloc(pad, pad)]);
  if (typeof cipher !== 'string') return rc2(key, cipher.rc2, iv, padded, true);
  const c = createCipheriv(cipher, key, iv);
  c.setAutoPadding(false);
  return Buffer.concat([c.update(padded), c.final()]);
}

/** RC2-CBC without padding (callers pad): the one thing taken from node-forge. */
function rc2(key: Buffer, effectiveBits: number, iv: Uint8Array, data: Uint8Array, encrypt: boolean): Buffer {
  const f = forge();
  const k = f.util.createBuffer(key.toString('binary'));
  const c = encrypt ? f.rc2.createEncryptionCipher(k, effectiveBits) : f.rc2.createDecryptionCipher(k, effectiveBits);
  c.start(f.util.createBuffer(Buffer.from(iv).toString('binary')));
  c.update(f.util.createBuffer(Buffer.from(data).toString('binary')));
  c.finish(() => true);
  return Buffer.from(c.output.getBytes(), 'binary');
}

function encryptPkcs12Pbe(pbe: Pkcs12Pbe, data: Uint8Array, secret: Secret, iterations: number): { algorithm: Uint8Array; data: Buffer } {
  const salt = randomBytes(8);
  const sha1 = hashByName('sha1');
  const key = pkcs12Kdf(sha1, secret.bmp, salt, 1, iterations, pbe.keyLength);
  const iv = pkcs12Kdf(sha1, secret.bmp, salt, 2, iterations, 8);
  return { algorithm: seq(derOid(pbe.oid), seq(octet(salt), derUnsigned(iterations))), data: cbcEncrypt(pbe.cipher, key, iv, data) };
}

function encryptPbes2(data: Uint8Array, secret: Secret, iterations: number): { algorithm: Uint8Array; data: Buffer } {
  const cipher = PBES2_CIPHERS[2]; // aes-256-cbc
  const prf = hashByName('sha256');
  const salt = randomBytes(16);
  const iv = randomBytes(cipher.ivLength);
  const key = pbkdf2Sync(secret.utf8, salt, iterations, cipher.keyLength, prf.name);
  const algorithm = seq(
    derOid(OID_PBES2),
    seq(
      seq(derOid(OID_PBKDF2), seq(octet(salt), derUnsigned(iterations), seq(derOid(prf.hmacOid), NULL))),
      seq(derOid(cipher.oid), octet(iv)),
    ),
  );
  return { algorithm, data: cbcEncrypt(cipher.name, key, iv, data) };
}

// ───────────────────────────── export checks ─────────────────────────────

function checkDer(b: unknown, what: string): Uint8Array {
  if (!(b instanceof Uint8Array) || b.length === 0) throw new PkiError(`PKCS#12 export: ${what} is missing (DER bytes expected)`);
  try {
    const root = readRoot(b);
    validateTree(b, root);
    expectTag(root, Tag.Sequence, what);
  } catch (e) {
    throw new PkiError(`PKCS#12 export: ${what} is not valid DER (${messageOf(e)})`);
  }
  return b;
}

function certSpki(cert: Uint8Array): Uint8Array {
  const [tbs] = children(cert, readRoot(cert));
  const t = kids(cert, tbs, Tag.Sequence, 'TBSCertificate', 6);
  const off = contextNumber(t[0]) === 0 ? 1 : 0;
  if (!t[off + 5]) throw new PkiError('PKCS#12 export: the certificate is incomplete');
  return whole(cert, expectTag(t[off + 5], Tag.Sequence, 'SubjectPublicKeyInfo'));
}

function checkKeyMatchesCert(pkcs8: Uint8Array, cert: Uint8Array): void {
  let fromKey: Buffer;
  try {
    fromKey = createPublicKey(createPrivateKey({ key: Buffer.from(pkcs8), format: 'der', type: 'pkcs8' })).export({ type: 'spki', format: 'der' });
  } catch {
    throw new PkiError('PKCS#12 export: the private key is not a readable unencrypted PKCS#8 key');
  }
  let fromCert: Buffer;
  try {
    fromCert = createPublicKey({ key: Buffer.from(certSpki(cert)), format: 'der', type: 'spki' }).export({ type: 'spki', format: 'der' });
  } catch (e) {
    if (e instanceof PkiError) {
      if (/^(PKCS#12|wrong PKCS#12)/.test(e.message)) throw e;
      throw new PkiError(`PKCS#12: ${e.message}`);
    }
    throw new PkiError("PKCS#12 export: the certificate's public key could not be read");
  }
  if (!fromKey.equals(fromCert)) throw new PkiError('PKCS#12 export: the private key does not match the certificate');
}

// ───────────────────────────── DER shorthands ─────────────────────────────

// Shorthands for the structures built above (the encoders are der/encode's).

const NULL = Uint8Array.of(Tag.Null, 0);

function seq(...parts: Uint8Array[]): Uint8Array {
  return derTlv(Tag.Sequence, ...parts);
}

function explicit(n: number, inner: Uint8Array): Uint8Array {
  return derTlv(0xa0 | n, inner);
}

function octet(b: Uint8Array): Uint8Array {
  return derTlv(Tag.OctetString, b);
}

function bmpString(s: string): Uint8Array {
  return derTlv(Tag.BmpString, bmp(s));
}
