// Private and public keys: PKCS#8 (v1 and v2), PKCS#1, SEC1, traditional DSA, encrypted PKCS#8 (PBES2,
// PKCS#5 v1.5 PBES1, PKCS#12 PBE) and legacy `Proc-Type: 4,ENCRYPTED` PEM → PrivateKeyModel /
// PublicKeyModel, with decryption by passphrase.
//
// Decryption is done here, from the structure, with Node's primitives (PBKDF2, scrypt, AES, 3DES…) and
// node-forge for the ciphers OpenSSL 3 only has in its legacy provider (DES, RC2); RC4 is a few lines.
// Doing it ourselves (rather than handing the passphrase to createPrivateKey) lets every scheme report
// the same clear "wrong passphrase" and never confuses an unsupported scheme with a wrong passphrase.

import { createDecipheriv, createHash, createPrivateKey, createPublicKey, getCipherInfo, pbkdf2Sync, scryptSync } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import type * as Forge from 'node-forge';
import { Tag, bitStringBytes, children, content, contextNumber, decodeOid, expectTag, integerBits, integerHex, readRoot, validateTree, whole } from '../der/asn1';
import type { Tlv } from '../der/asn1';
import { derTlv } from '../der/encode';
import type { Decoded, KeyEncryption, PrivateKeyFormat, PrivateKeyModel, PublicKeyInfo, PublicKeyModel } from '../model';
import { PkiError } from '../model';
import { OID_EC, spkiInfo } from './publicKey';
import { WorkBudget, WorkLimitError, hashLoopWork, pbkdf2Work, scryptWork } from '../runtime/workBudget';

export type PrivateKeyHint = 'pkcs8' | 'pkcs1' | 'sec1' | 'encrypted-pkcs8';

export interface DecryptedKey {
  model: Decoded<PrivateKeyModel>;
  /** The plain PKCS#8 DER. */
  pkcs8: Uint8Array;
}

const WRONG_PASSPHRASE = 'wrong passphrase (or the key is corrupted)';
/**
 * Per-key work limits, so that a hostile file cannot freeze the editor (the sum over a file and a command is
 * bounded by a WorkBudget, workBudget.ts). scrypt as OpenSSL bounds it: memory (128·r·(N+2) + 128·r·p bytes) at most
 * 32 MiB, its default `maxmem`; and its work, N·r·p, at most 2^24 (128 times OpenSSL's default N=2^14, r=8, p=1).
 */
const MAX_PBKDF2_ITERATIONS = 10_000_000;
const MAX_JS_ITERATIONS = 1_000_000;
const MAX_SCRYPT_MEMORY = 32 * 1024 * 1024;
const MAX_SCRYPT_WORK = 2 ** 24;

// ---------------------------------------------------------------------------------------------------
// DER pieces (written with der/encode's derTlv)

const INT_0 = Buffer.from([0x02, 0x01, 0x00]);
/** AlgorithmIdentifier { rsaEncryption, NULL }. */
const ALG_RSA = Buffer.from('300d06092a864886f70d0101010500', 'hex');
const OID_DSA_DER = Buffer.from('06072a8648ce380401', 'hex');
const OID_EC_DER = Buffer.from('06072a8648ce3d0201', 'hex');

// ---------------------------------------------------------------------------------------------------
// Errors

/** Runs `fn`, turning anything thrown into a one-line PkiError starting with `what`. */
function guard<T>(what: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof WorkLimitError) throw e;
    if (e instanceof PkiError) {
      throw /^(encrypted )?(private|public) key\b/.test(e.message) || e.message === WRONG_PASSPHRASE ? e : new PkiError(`${what}: ${e.message}`);
    }
    // Raw library errors are not fit to show (and never echo key material): say what failed.
    throw new PkiError(`${what}: the data could not be read`);
  }
}

// ---------------------------------------------------------------------------------------------------
// Structure

type Shape = 'pkcs8' | 'pkcs1-rsa' | 'dsa' | 'sec1' | 'encrypted-pkcs8';

const SHAPE_TEXT: Record<Shape, string> = {
  pkcs8: 'a PKCS#8 private key',
  'pkcs1-rsa': 'a PKCS#1 RSA private key',
  dsa: 'a traditional DSA private key',
  sec1: 'a SEC1 EC private key',
  'encrypted-pkcs8': 'an encrypted PKCS#8 private key',
};

const HINT_SHAPE: Record<PrivateKeyHint, Shape> = {
  pkcs8: 'pkcs8',
  pkcs1: 'pkcs1-rsa',
  sec1: 'sec1',
  'encrypted-pkcs8': 'encrypted-pkcs8',
};

interface Parsed {
  root: Tlv;
  kids: Tlv[];
}

function parseSequence(der: Uint8Array): Parsed {
  if (der.length === 0) throw new PkiError('the data is empty');
  const root = expectTag(readRoot(der), Tag.Sequence, 'a SEQUENCE');
  validateTree(der, root);
  return { root, kids: children(der, root) };
}

function smallInt(der: Uint8Array, t: Tlv | undefined): number | undefined {
  if (!t || t.tag !== Tag.Integer || t.end - t.contentStart !== 1) return undefined;
  return der[t.contentStart];
}

function shapeOf(der: Uint8Array, kids: Tlv[]): Shape {
  const [a, b, c] = kids;
  if (kids.length === 2 && a.tag === Tag.Sequence && b.tag === Tag.OctetString) return 'encrypted-pkcs8';
  const version = smallInt(der, a);
  if (version !== undefined) {
    if ((version === 0 || version === 1) && b?.tag === Tag.Sequence && c?.tag === Tag.OctetString) return 'pkcs8';
    if (version === 1 && b?.tag === Tag.OctetString) return 'sec1';
    const ints = kids.filter((k) => k.tag === Tag.Integer).length;
    if (version === 0 && kids.length === 9 && ints === 9) return 'pkcs1-rsa';
    if (version === 1 && kids.length === 10 && ints === 9 && kids[9].tag === Tag.Sequence) return 'pkcs1-rsa';
    if (version === 0 && kids.length === 6 && ints === 6) return 'dsa';
  }
  throw new PkiError('not a private key structure (PKCS#8, PKCS#1, SEC1 or encrypted PKCS#8)');
}

interface Pkcs8Parts {
  version: number;
  algId: Tlv;
  oid: string;
  params?: Tlv;
  privateKey: Tlv;
  attributes?: Tlv;
  /** v2 (OneAsymmetricKey) [1] publicKey: the BIT STRING contents (unused-bits octet first). */
  publicKey?: Tlv;
}

function pkcs8Parts(der: Uint8Array, kids: Tlv[]): Pkcs8Parts {
  const [v, algId, privateKey, ...rest] = kids;
  const version = smallInt(der, v);
  if (version !== 0 && version !== 1) throw new PkiError('unsupported PKCS#8 version');
  expectTag(algId, Tag.Sequence, 'AlgorithmIdentifier');
  expectTag(privateKey, Tag.OctetString, 'the private key OCTET STRING');
  const [oidTlv, params] = children(der, algId);
  if (!oidTlv) throw new PkiError('empty AlgorithmIdentifier');
  const parts: Pkcs8Parts = { version, algId, oid: decodeOid(der, oidTlv), params, privateKey };
  for (const t of rest) {
    const n = contextNumber(t);
    if (n === 0 && !parts.attributes && !parts.publicKey) parts.attributes = t;
    else if (n === 1 && !parts.publicKey) parts.publicKey = t;
    else throw new PkiError('unexpected element in PrivateKeyInfo');
  }
  if (parts.publicKey && version !== 1) throw new PkiError('a PKCS#8 v1 key must not carry a public key');
  return parts;
}

/** The key as PKCS#8 v1 (what OpenSSL 3.0 loads): drops a v2 public key. */
function pkcs8V1(der: Uint8Array, p: Pkcs8Parts): Uint8Array {
  if (p.version === 0 && !p.publicKey) return der;
  return derTlv(Tag.Sequence, INT_0, whole(der, p.algId), whole(der, p.privateKey), ...(p.attributes ? [whole(der, p.attributes)] : []));
}

function rsaToPkcs8(der: Uint8Array): Uint8Array {
  return derTlv(Tag.Sequence, INT_0, ALG_RSA, derTlv(Tag.OctetString, der));
}

function dsaToPkcs8(der: Uint8Array, kids: Tlv[]): Uint8Array {
  const [, p, q, g, , x] = kids;
  const params = derTlv(Tag.Sequence, whole(der, p), whole(der, q), whole(der, g));
  return derTlv(Tag.Sequence, INT_0, derTlv(Tag.Sequence, OID_DSA_DER, params), derTlv(Tag.OctetString, whole(der, x)));
}

/** SEC1 ECPrivateKey → PKCS#8 the way OpenSSL writes it: curve in the AlgorithmIdentifier, not inside. */
function sec1ToPkcs8(der: Uint8Array, kids: Tlv[], curveParams?: Uint8Array): Uint8Array {
  const [version, priv, ...rest] = kids;
  let params: Uint8Array | undefined = curveParams;
  let pub: Tlv | undefined;
  for (const t of rest) {
    const n = contextNumber(t);
    if (n === 0 && !params) {
      const inner = children(der, t);
      if (inner.length !== 1) throw new PkiError('malformed EC parameters');
      params = whole(der, inner[0]);
    } else if (n === 0) {
      // Parameters both outside (PKCS#8) and inside: the outer ones rule.
    } else if (n === 1) {
      pub = t;
    } else {
      throw new PkiError('unexpected element in ECPrivateKey');
    }
  }
  if (!params) throw new PkiError('the EC key names no curve (no parameters)');
  const inner = derTlv(Tag.Sequence, whole(der, version), whole(der, priv), ...(pub ? [whole(der, pub)] : []));
  return derTlv(Tag.Sequence, INT_0, derTlv(Tag.Sequence, OID_EC_DER, params), derTlv(Tag.OctetString, inner));
}

function shapeToPkcs8(der: Uint8Array, shape: Shape, kids: Tlv[]): Uint8Array {
  switch (shape) {
    case 'pkcs8':
      pkcs8Parts(der, kids);
      return der;
    case 'pkcs1-rsa':
      return rsaToPkcs8(der);
    case 'dsa':
      return dsaToPkcs8(der, kids);
    case 'sec1':
      return sec1ToPkcs8(der, kids);
    case 'encrypted-pkcs8':
      throw new PkiError('the key is encrypted: decrypt it with its passphrase first');
  }
}

// ---------------------------------------------------------------------------------------------------
// Public key of a private key

/** Node's curve names → ours (publicKey.ts CURVES). */
const NODE_CURVES: Record<string, string> = {
  prime256v1: 'P-256',
  secp384r1: 'P-384',
  secp521r1: 'P-521',
  prime192v1: 'P-192',
  secp224r1: 'P-224',
  secp256k1: 'secp256k1',
  brainpoolP256r1: 'brainpoolP256r1',
  brainpoolP384r1: 'brainpoolP384r1',
  brainpoolP512r1: 'brainpoolP512r1',
};

/**
 * spkiInfo, extended to EC keys with explicit curve parameters (`-param_enc explicit`): the curve is
 * named when OpenSSL recognises the parameters, the size is that of the field prime.
 */
function infoOfSpki(spki: Uint8Array, key?: KeyObject): PublicKeyInfo {
  try {
    return spkiInfo(spki);
  } catch (e) {
    const root = readRoot(spki);
    const [algId] = children(spki, root);
    const [oidTlv, params] = algId ? children(spki, algId) : [];
    if (!oidTlv || decodeOid(spki, oidTlv) !== OID_EC || params?.tag !== Tag.Sequence) throw e;
    // SpecifiedECDomain ::= SEQUENCE { version, fieldID SEQUENCE { fieldType, prime-p }, curve, base, order, … }
    const [, fieldId] = children(spki, params);
    const [fieldType, prime] = fieldId ? children(spki, expectTag(fieldId, Tag.Sequence, 'FieldID')) : [];
    if (!fieldType || !prime || decodeOid(spki, fieldType) !== '1.2.840.10045.1.1') {
      throw new PkiError('EC key with explicit parameters over a field other than a prime field');
    }
    const size = integerBits(spki, expectTag(prime, Tag.Integer, 'the field prime'));
    let curve = 'explicit parameters';
    try {
      const named = (key ?? createPublicKey({ key: Buffer.from(spki), format: 'der', type: 'spki' })).asymmetricKeyDetails?.namedCurve;
      if (named) curve = `${NODE_CURVES[named] ?? named} (explicit parameters)`;
    } catch {
      // OpenSSL does not know the curve: keep "explicit parameters".
    }
    return { algorithm: 'EC', size, curve, spkiSha256: createHash('sha256').update(spki).digest('hex'), oid: OID_EC };
  }
}

/** Builds the SPKI from the private key structure alone (RSA; EC or v2 keys carrying their public key). */
function structuralSpki(der: Uint8Array, p: Pkcs8Parts): Uint8Array | undefined {
  const algId = whole(der, p.algId);
  if (p.publicKey) return derTlv(Tag.Sequence, algId, derTlv(Tag.BitString, content(der, p.publicKey)));
  const inner = content(der, p.privateKey);
  if (p.oid === '1.2.840.113549.1.1.1' || p.oid === '1.2.840.113549.1.1.10') {
    const { kids } = parseSequence(inner);
    if (kids.length < 3) return undefined;
    const rsaPub = derTlv(Tag.Sequence, whole(inner, kids[1]), whole(inner, kids[2]));
    return derTlv(Tag.Sequence, algId, derTlv(Tag.BitString, Buffer.from([0]), rsaPub));
  }
  if (p.oid === OID_EC) {
    const { kids } = parseSequence(inner);
    const pub = kids.find((k) => contextNumber(k) === 1);
    if (!pub) return undefined;
    const [bits] = children(inner, pub);
    if (!bits) return undefined;
    bitStringBytes(inner, bits);
    return derTlv(Tag.Sequence, algId, whole(inner, bits));
  }
  return undefined;
}

interface SpkiResult {
  spki: Uint8Array;
  key?: KeyObject;
}

/** The DER SubjectPublicKeyInfo of a PKCS#8 key (Node derives it; the structure is the fallback). */
function spkiOf(der: Uint8Array, p: Pkcs8Parts): SpkiResult | undefined {
  try {
    const priv = createPrivateKey({ key: Buffer.from(pkcs8V1(der, p)), format: 'der', type: 'pkcs8' });
    const pub = createPublicKey(priv);
    return { spki: pub.export({ type: 'spki', format: 'der' }), key: pub };
  } catch {
    const spki = structuralSpki(der, p);
    return spki ? { spki } : undefined;
  }
}

const KNOWN_TO_NODE = new Set([
  '1.2.840.113549.1.1.1', '1.2.840.113549.1.1.10', OID_EC, '1.3.101.112', '1.3.101.113', '1.3.101.110', '1.3.101.111',
  '1.2.840.10040.4.1', '1.2.840.113549.1.3.1', '1.2.840.10046.2.1',
]);

/** Public key info of a plain PKCS#8 key; undefined for an algorithm nobody here knows. */
function publicKeyOfParts(der: Uint8Array, p: Pkcs8Parts): PublicKeyInfo | undefined {
  const r = spkiOf(der, p);
  if (!r) {
    if (KNOWN_TO_NODE.has(p.oid)) throw new PkiError('the key data is malformed');
    return undefined;
  }
  return infoOfSpki(r.spki, r.key);
}

function plainModel(der: Uint8Array, shape: Shape, kids: Tlv[]): Decoded<PrivateKeyModel> {
  const format: PrivateKeyFormat = shape === 'pkcs8' ? 'pkcs8' : shape === 'sec1' ? 'sec1' : 'pkcs1';
  const pkcs8 = shapeToPkcs8(der, shape, kids);
  const publicKey = publicKeyOfParts(pkcs8, pkcs8Parts(pkcs8, parseSequence(pkcs8).kids));
  return { kind: 'private-key', format, encrypted: false, ...(publicKey ? { publicKey } : {}) };
}

// ---------------------------------------------------------------------------------------------------
// Encrypted PKCS#8: what the AlgorithmIdentifier says

type Kdf =
  | { kind: 'pbkdf2'; salt: Uint8Array; iterations: number; keyLength?: number; digest: string }
  | { kind: 'scrypt'; salt: Uint8Array; n: number; r: number; p: number; keyLength?: number }
  | { kind: 'pbkdf1'; salt: Uint8Array; iterations: number; digest: string }
  | { kind: 'pkcs12'; salt: Uint8Array; iterations: number };

interface CipherSpec {
  /** OpenSSL-style name: `aes-256-cbc`, `des-ede3-cbc`, `rc2-40-cbc`… */
  name: string;
  impl: 'node' | 'des' | 'rc2' | 'rc4' | 'none';
  /** Node cipher name (impl 'node'). */
  nodeName?: string;
  keyLength: number;
  iv?: Uint8Array;
  rc2Bits?: number;
}

interface Scheme {
  info: KeyEncryption;
  kdf?: Kdf;
  cipher?: CipherSpec;
  /** Why it cannot be decrypted, when it cannot. */
  unsupported?: string;
  /** Why it will not be decrypted: its parameters ask for more work or memory than a key may. */
  refused?: string;
}

const PRFS: Record<string, [string, string]> = {
  '1.2.840.113549.2.7': ['hmacWithSHA1', 'sha1'],
  '1.2.840.113549.2.8': ['hmacWithSHA224', 'sha224'],
  '1.2.840.113549.2.9': ['hmacWithSHA256', 'sha256'],
  '1.2.840.113549.2.10': ['hmacWithSHA384', 'sha384'],
  '1.2.840.113549.2.11': ['hmacWithSHA512', 'sha512'],
  '1.2.840.113549.2.12': ['hmacWithSHA512-224', 'sha512-224'],
  '1.2.840.113549.2.13': ['hmacWithSHA512-256', 'sha512-256'],
  '2.16.840.1.101.3.4.2.13': ['hmacWithSHA3-224', 'sha3-224'],
  '2.16.840.1.101.3.4.2.14': ['hmacWithSHA3-256', 'sha3-256'],
  '2.16.840.1.101.3.4.2.15': ['hmacWithSHA3-384', 'sha3-384'],
  '2.16.840.1.101.3.4.2.16': ['hmacWithSHA3-512', 'sha3-512'],
};

/** PBES2 encryption schemes: OID → [name, key length, IV length]. */
const PBES2_CIPHERS: Record<string, [string, number, number]> = {
  '2.16.840.1.101.3.4.1.2': ['aes-128-cbc', 16, 16],
  '2.16.840.1.101.3.4.1.22': ['aes-192-cbc', 24, 16],
  '2.16.840.1.101.3.4.1.42': ['aes-256-cbc', 32, 16],
  '1.2.840.113549.3.7': ['des-ede3-cbc', 24, 8],
  '1.3.14.3.2.7': ['des-cbc', 8, 8],
  '1.2.392.200011.61.1.1.1.2': ['camellia-128-cbc', 16, 16],
  '1.2.392.200011.61.1.1.1.3': ['camellia-192-cbc', 24, 16],
  '1.2.392.200011.61.1.1.1.4': ['camellia-256-cbc', 32, 16],
  '1.2.840.113549.3.2': ['rc2-cbc', 16, 8],
  '2.16.840.1.101.3.4.1.6': ['aes-128-gcm', 16, 0],
  '2.16.840.1.101.3.4.1.26': ['aes-192-gcm', 24, 0],
  '2.16.840.1.101.3.4.1.46': ['aes-256-gcm', 32, 0],
};

/** PKCS#5 v1.5 PBES1: OID → [name, digest, cipher]. */
const PBES1: Record<string, [string, string, 'des-cbc' | 'rc2-64-cbc']> = {
  '1.2.840.113549.1.5.1': ['pbeWithMD2AndDES-CBC', 'md2', 'des-cbc'],
  '1.2.840.113549.1.5.3': ['pbeWithMD5AndDES-CBC', 'md5', 'des-cbc'],
  '1.2.840.113549.1.5.4': ['pbeWithMD2AndRC2-CBC', 'md2', 'rc2-64-cbc'],
  '1.2.840.113549.1.5.6': ['pbeWithMD5AndRC2-CBC', 'md5', 'rc2-64-cbc'],
  '1.2.840.113549.1.5.10': ['pbeWithSHA1AndDES-CBC', 'sha1', 'des-cbc'],
  '1.2.840.113549.1.5.11': ['pbeWithSHA1AndRC2-CBC', 'sha1', 'rc2-64-cbc'],
};

/** PKCS#12 PBE (RFC 7292 appendix C): OID → [name, cipher, key length]. */
const PKCS12_PBE: Record<string, [string, string, number]> = {
  '1.2.840.113549.1.12.1.1': ['pbeWithSHAAnd128BitRC4', 'rc4', 16],
  '1.2.840.113549.1.12.1.2': ['pbeWithSHAAnd40BitRC4', 'rc4-40', 5],
  '1.2.840.113549.1.12.1.3': ['pbeWithSHAAnd3-KeyTripleDES-CBC', 'des-ede3-cbc', 24],
  '1.2.840.113549.1.12.1.4': ['pbeWithSHAAnd2-KeyTripleDES-CBC', 'des-ede-cbc', 16],
  '1.2.840.113549.1.12.1.5': ['pbeWithSHAAnd128BitRC2-CBC', 'rc2-cbc', 16],
  '1.2.840.113549.1.12.1.6': ['pbewithSHAAnd40BitRC2-CBC', 'rc2-40-cbc', 5],
};

const OID_PBES2 = '1.2.840.113549.1.5.13';
const OID_PBKDF2 = '1.2.840.113549.1.5.12';
const OID_SCRYPT = '1.3.6.1.4.1.11591.4.11';

function octets(der: Uint8Array, t: Tlv | undefined, what: string): Uint8Array {
  if (!t) throw new PkiError(`${what} is missing`);
  return content(der, expectTag(t, Tag.OctetString, what));
}

function count(der: Uint8Array, t: Tlv | undefined, what: string): number {
  if (!t) throw new PkiError(`${what} is missing`);
  expectTag(t, Tag.Integer, what);
  if (t.end === t.contentStart || der[t.contentStart] & 0x80) throw new PkiError(`${what} is not a positive number`);
  const hex = integerHex(der, t);
  if (hex.length > 12) throw new PkiError(`${what} is too large`);
  const n = parseInt(hex, 16);
  if (n < 1) throw new PkiError(`${what} is not a positive number`);
  return n;
}

/** RC2 parameter version → effective key bits (RFC 8018 B.2.3). */
function rc2Bits(version: number | undefined): number {
  if (version === undefined) return 32;
  if (version >= 256) return version;
  return ({ 160: 40, 120: 64, 58: 128 } as Record<number, number>)[version] ?? 0;
}

function pbes2(der: Uint8Array, params: Tlv | undefined): Scheme {
  if (!params) throw new PkiError('PBES2 parameters are missing');
  const [kdfAlg, encAlg] = children(der, expectTag(params, Tag.Sequence, 'PBES2 parameters'));
  if (!kdfAlg || !encAlg) throw new PkiError('PBES2 parameters are incomplete');
  const [kdfOidT, kdfParamsT] = children(der, expectTag(kdfAlg, Tag.Sequence, 'the key derivation function'));
  const [encOidT, encParamsT] = children(der, expectTag(encAlg, Tag.Sequence, 'the encryption scheme'));
  if (!kdfOidT || !encOidT) throw new PkiError('PBES2 parameters are incomplete');
  const kdfOid = decodeOid(der, kdfOidT);
  const encOid = decodeOid(der, encOidT);
  const known = PBES2_CIPHERS[encOid];
  const info: KeyEncryption = { scheme: 'PBES2', cipher: known ? known[0] : encOid };
  const scheme: Scheme = { info };

  if (kdfOid === OID_PBKDF2) {
    const [saltT, iterT, ...rest] = children(der, expectTag(kdfParamsT ?? encOidT, Tag.Sequence, 'PBKDF2 parameters'));
    if (saltT?.tag !== Tag.OctetString) throw new PkiError('PBKDF2 with a salt that is not an OCTET STRING is not supported');
    const iterations = count(der, iterT, 'the PBKDF2 iteration count');
    let keyLength: number | undefined;
    let prf = ['hmacWithSHA1', 'sha1'];
    for (const t of rest) {
      if (t.tag === Tag.Integer) keyLength = count(der, t, 'the PBKDF2 key length');
      else if (t.tag === Tag.Sequence) {
        const [prfOid] = children(der, t);
        if (!prfOid) throw new PkiError('empty PBKDF2 PRF');
        const oid = decodeOid(der, prfOid);
        prf = PRFS[oid] ?? [oid, ''];
      }
    }
    info.kdf = 'pbkdf2';
    info.prf = prf[0];
    info.iterations = iterations;
    scheme.kdf = { kind: 'pbkdf2', salt: content(der, saltT), iterations, keyLength, digest: prf[1] };
    if (!prf[1]) scheme.unsupported = `PBKDF2 with the PRF ${prf[0]}`;
    else if (iterations > MAX_PBKDF2_ITERATIONS) scheme.refused = `PBKDF2 with ${iterations} iterations (more than ${MAX_PBKDF2_ITERATIONS} for one key)`;
  } else if (kdfOid === OID_SCRYPT) {
    const [saltT, nT, rT, pT, lenT] = children(der, expectTag(kdfParamsT ?? encOidT, Tag.Sequence, 'scrypt parameters'));
    const salt = octets(der, saltT, 'the scrypt salt');
    const n = count(der, nT, 'the scrypt cost');
    const r = count(der, rT, 'the scrypt block size');
    const p = count(der, pT, 'the scrypt parallelization');
    const keyLength = lenT ? count(der, lenT, 'the scrypt key length') : undefined;
    info.kdf = 'scrypt';
    // scrypt has no iteration count: report its cost parameter N, the figure that plays that role.
    info.iterations = n;
    scheme.kdf = { kind: 'scrypt', salt, n, r, p, keyLength };
    if ((n & (n - 1)) !== 0 || n < 2) scheme.unsupported = `scrypt with N=${n} (not a power of two)`;
    else if (r < 1 || p < 1) scheme.unsupported = `scrypt with r=${r}, p=${p}`;
    else scheme.refused = scryptRefusal(n, r, p);
  } else {
    info.kdf = kdfOid;
    scheme.unsupported = `PBES2 with the key derivation function ${kdfOid}`;
  }

  if (!known) {
    scheme.unsupported ??= `PBES2 with the cipher ${encOid}`;
    return scheme;
  }
  const [name, keyLength, ivLength] = known;
  if (ivLength === 0) {
    scheme.unsupported ??= `PBES2 with ${name}`;
    return scheme;
  }
  if (name === 'rc2-cbc') {
    const parts = encParamsT ? children(der, expectTag(encParamsT, Tag.Sequence, 'RC2 parameters')) : [];
    const versionT = parts.find((t) => t.tag === Tag.Integer);
    const bits = rc2Bits(versionT ? count(der, versionT, 'the RC2 version') : undefined);
    const iv = octets(der, parts.find((t) => t.tag === Tag.OctetString), 'the RC2 IV');
    const kdfLength = scheme.kdf && 'keyLength' in scheme.kdf ? scheme.kdf.keyLength : undefined;
    info.cipher = bits === 128 ? 'rc2-cbc' : `rc2-${bits}-cbc`;
    scheme.cipher = { name: info.cipher, impl: 'rc2', keyLength: kdfLength ?? Math.max(1, bits / 8), iv, rc2Bits: bits };
    if (!bits || bits > 1024 || iv.length !== 8 || scheme.cipher.keyLength > 128) scheme.unsupported ??= 'RC2 with unusual parameters';
    return scheme;
  }
  const iv = octets(der, encParamsT, `the ${name} IV`);
  if (iv.length !== ivLength) throw new PkiError(`the ${name} IV has ${iv.length} bytes instead of ${ivLength}`);
  scheme.cipher = { name, impl: name === 'des-cbc' ? 'des' : 'node', nodeName: name, keyLength, iv };
  if (scheme.kdf && 'keyLength' in scheme.kdf && scheme.kdf.keyLength !== undefined && scheme.kdf.keyLength !== keyLength) {
    scheme.unsupported ??= `${name} with a ${scheme.kdf.keyLength}-byte key`;
  }
  return scheme;
}

/** Why scrypt(N, r, p) is refused (OpenSSL's memory rule, then its work N·r·p), or undefined when it is within bounds. */
function scryptRefusal(n: number, r: number, p: number): string | undefined {
  const what = `scrypt with N=${n}, r=${r}, p=${p}`;
  const memory = 128 * r * (n + 2) + 128 * r * p;
  if (memory > MAX_SCRYPT_MEMORY) return `${what}: it needs ${Math.ceil(memory / 1048576)} MiB of memory, over the ${MAX_SCRYPT_MEMORY / 1048576} MiB OpenSSL allows`;
  if (n * r * p > MAX_SCRYPT_WORK) return `${what}: N·r·p is ${n * r * p}, over the ${MAX_SCRYPT_WORK} allowed for one key`;
  return undefined;
}

/** The work units a derivation will cost, and what to call it in an error. */
function kdfWork(kdf: Kdf, keyLength: number, ivLength: number): { units: number; what: string } {
  switch (kdf.kind) {
    case 'pbkdf2': {
      const size = ({ sha1: 20, sha224: 28, sha256: 32, sha384: 48, sha512: 64 } as Record<string, number>)[kdf.digest] ?? 20;
      return { units: pbkdf2Work(kdf.iterations, Math.ceil((kdf.keyLength ?? keyLength) / size), kdf.digest), what: `PBKDF2 with ${kdf.iterations} iterations` };
    }
    case 'scrypt':
      return { units: scryptWork(kdf.n, kdf.r, kdf.p), what: `scrypt with N=${kdf.n}, r=${kdf.r}, p=${kdf.p}` };
    case 'pbkdf1':
      return { units: hashLoopWork(kdf.iterations, 1), what: `PBKDF1 with ${kdf.iterations} iterations` };
    case 'pkcs12':
      return { units: hashLoopWork(kdf.iterations, Math.ceil(keyLength / 20) + Math.ceil(ivLength / 20)), what: `the PKCS#12 KDF with ${kdf.iterations} iterations` };
  }
}

function saltAndIterations(der: Uint8Array, params: Tlv | undefined, name: string): { salt: Uint8Array; iterations: number } {
  if (!params) throw new PkiError(`${name} parameters are missing`);
  const [saltT, iterT] = children(der, expectTag(params, Tag.Sequence, `${name} parameters`));
  return { salt: octets(der, saltT, 'the salt'), iterations: count(der, iterT, 'the iteration count') };
}

function describeScheme(der: Uint8Array, algId: Tlv): Scheme {
  const [oidT, params] = children(der, expectTag(algId, Tag.Sequence, 'the encryption AlgorithmIdentifier'));
  if (!oidT) throw new PkiError('empty encryption AlgorithmIdentifier');
  const oid = decodeOid(der, oidT);
  if (oid === OID_PBES2) return pbes2(der, params);
  const v1 = PBES1[oid];
  if (v1) {
    const { salt, iterations } = saltAndIterations(der, params, v1[0]);
    const [name, digest, cipher] = v1;
    const scheme: Scheme = {
      info: { scheme: name, cipher, kdf: 'pbkdf1', prf: digest, iterations },
      kdf: { kind: 'pbkdf1', salt, iterations, digest },
      cipher: { name: cipher, impl: cipher === 'des-cbc' ? 'des' : 'rc2', keyLength: 8, rc2Bits: 64 },
    };
    if (digest === 'md2') scheme.unsupported = `${name} (MD2)`;
    else if (iterations > MAX_JS_ITERATIONS) scheme.refused = `${name} with ${iterations} iterations (more than ${MAX_JS_ITERATIONS} for one key)`;
    return scheme;
  }
  const p12 = PKCS12_PBE[oid];
  if (p12) {
    const { salt, iterations } = saltAndIterations(der, params, p12[0]);
    const [name, cipher, keyLength] = p12;
    const impl: CipherSpec['impl'] = cipher.startsWith('rc4') ? 'rc4' : cipher.startsWith('rc2') ? 'rc2' : 'node';
    const scheme: Scheme = {
      info: { scheme: name, cipher, kdf: 'pkcs12', prf: 'sha1', iterations },
      kdf: { kind: 'pkcs12', salt, iterations },
      cipher: { name: cipher, impl, nodeName: 'des-ede3-cbc', keyLength, rc2Bits: keyLength * 8 },
    };
    if (iterations > MAX_JS_ITERATIONS) scheme.refused = `${name} with ${iterations} iterations (more than ${MAX_JS_ITERATIONS} for one key)`;
    return scheme;
  }
  return { info: { scheme: oid, cipher: 'unknown' }, unsupported: `the encryption scheme ${oid}` };
}

// ---------------------------------------------------------------------------------------------------
// Key derivation and ciphers

function pbkdf1(pass: Buffer, salt: Uint8Array, iterations: number, digest: string): Buffer {
  let t = createHash(digest).update(pass).update(salt).digest();
  for (let i = 1; i < iterations; i++) t = createHash(digest).update(t).digest();
  return t;
}

/** A hash as the PKCS#12 KDF needs it: Node name, output size u and block size v (bytes). */
export interface KdfHash {
  name: string;
  size: number;
  block: number;
}

const SHA1_KDF: KdfHash = { name: 'sha1', size: 20, block: 64 };

/**
 * The PKCS#12 KDF (RFC 7292 appendix B.2): `n` bytes of key (id 1), IV (id 2) or MAC key (id 3) from a
 * BMPString password (with its 00 00, or no bytes at all for an absent one). The one implementation, for
 * encrypted PKCS#8 keys here and for keystores in pkcs12.ts. Callers bound `iterations`.
 */
export function pkcs12Kdf(hash: KdfHash, password: Uint8Array, salt: Uint8Array, id: number, iterations: number, n: number): Buffer {
  const v = hash.block;
  const stretch = (src: Uint8Array): Buffer => {
    const len = v * Math.ceil(src.length / v);
    const out = Buffer.alloc(len);
    for (let i = 0; i < len; i++) out[i] = src[i % src.length];
    return out;
  };
  const d = Buffer.alloc(v, id);
  const i = Buffer.concat([stretch(salt), stretch(password)]);
  const out = Buffer.alloc(n);
  for (let off = 0; ; ) {
    let a = createHash(hash.name).update(d).update(i).digest();
    for (let k = 1; k < iterations; k++) a = createHash(hash.name).update(a).digest();
    a.copy(out, off, 0, Math.min(hash.size, n - off));
    off += hash.size;
    if (off >= n) return out;
    const b = stretch(a);
    for (let j = 0; j < i.length; j += v) {
      let carry = 1;
      for (let k = v - 1; k >= 0; k--) {
        const sum = i[j + k] + b[k] + carry;
        i[j + k] = sum & 0xff;
        carry = sum >>> 8;
      }
    }
  }
}

/** The passphrase as PKCS#12 wants it: BMPString (UTF-16BE) with a terminating zero. */
function bmpPassword(passphrase: string): Buffer {
  const out = Buffer.alloc(passphrase.length * 2 + 2);
  for (let i = 0; i < passphrase.length; i++) out.writeUInt16BE(passphrase.charCodeAt(i), i * 2);
  return out;
}

let forgeModule: typeof Forge | undefined;
/** node-forge, loaded on first use: only DES and RC2 need it (here and in pkcs12.ts). */
export function forge(): typeof Forge {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy on purpose: keeps loading src/core cheap
  forgeModule ??= require('node-forge') as typeof Forge;
  return forgeModule;
}

const binary = (b: Uint8Array): string => Buffer.from(b).toString('binary');

function rc4(key: Uint8Array, data: Uint8Array): Buffer {
  const s = new Uint8Array(256);
  for (let i = 0; i < 256; i++) s[i] = i;
  for (let i = 0, j = 0; i < 256; i++) {
    j = (j + s[i] + key[i % key.length]) & 0xff;
    [s[i], s[j]] = [s[j], s[i]];
  }
  const out = Buffer.alloc(data.length);
  for (let n = 0, i = 0, j = 0; n < data.length; n++) {
    i = (i + 1) & 0xff;
    j = (j + s[i]) & 0xff;
    [s[i], s[j]] = [s[j], s[i]];
    out[n] = data[n] ^ s[(s[i] + s[j]) & 0xff];
  }
  return out;
}

/** Decrypts (CBC with PKCS#7 padding, or RC4); a bad padding means a wrong passphrase. */
function decipher(spec: CipherSpec, key: Buffer, iv: Uint8Array | undefined, data: Uint8Array): Buffer {
  if (spec.impl === 'rc4') return rc4(key, data);
  if (!iv) throw new PkiError(`${spec.name} without an IV`);
  if (spec.impl === 'node') {
    let nodeName = spec.nodeName ?? spec.name;
    let k = key;
    if (spec.name === 'des-ede-cbc') {
      // Two-key triple DES is three-key triple DES with K3 = K1.
      nodeName = 'des-ede3-cbc';
      k = Buffer.concat([key, key.subarray(0, 8)]);
    }
    let d: ReturnType<typeof createDecipheriv>;
    try {
      d = createDecipheriv(nodeName, k, iv);
    } catch {
      throw new PkiError(`unsupported cipher ${spec.name}`);
    }
    try {
      return Buffer.concat([d.update(data), d.final()]);
    } catch {
      throw new PkiError(WRONG_PASSPHRASE);
    }
  }
  const f = forge();
  const input = f.util.createBuffer(binary(data));
  let ok: boolean;
  let output: Forge.util.ByteBuffer;
  if (spec.impl === 'des') {
    const dc = f.cipher.createDecipher('DES-CBC', binary(key));
    dc.start({ iv: binary(iv) });
    dc.update(input);
    ok = dc.finish();
    output = dc.output;
  } else {
    const rc = f.rc2.createDecryptionCipher(binary(key), spec.rc2Bits ?? 128);
    rc.start(binary(iv));
    rc.update(input);
    ok = rc.finish();
    output = rc.output;
  }
  if (!ok) throw new PkiError(WRONG_PASSPHRASE);
  return Buffer.from(output.getBytes(), 'binary');
}

function decryptWithScheme(scheme: Scheme, passphrase: string, data: Uint8Array, budget: WorkBudget): Buffer {
  if (scheme.refused) throw new WorkLimitError(`refusing ${scheme.refused}`);
  if (scheme.unsupported || !scheme.kdf || !scheme.cipher) {
    throw new PkiError(`unsupported encryption: ${scheme.unsupported ?? scheme.info.scheme}`);
  }
  const { kdf, cipher } = scheme;
  const work = kdfWork(kdf, cipher.keyLength, kdf.kind === 'pkcs12' && cipher.impl !== 'rc4' ? 8 : 0);
  budget.charge(work.units, work.what);
  const pass = Buffer.from(passphrase, 'utf8');
  let key: Buffer;
  let iv = cipher.iv;
  switch (kdf.kind) {
    case 'pbkdf2':
      key = pbkdf2Sync(pass, kdf.salt, kdf.iterations, kdf.keyLength ?? cipher.keyLength, kdf.digest);
      break;
    case 'scrypt':
      key = scryptSync(pass, kdf.salt, kdf.keyLength ?? cipher.keyLength, { N: kdf.n, r: kdf.r, p: kdf.p, maxmem: MAX_SCRYPT_MEMORY + 1024 * 1024 });
      break;
    case 'pbkdf1': {
      const dk = pbkdf1(pass, kdf.salt, kdf.iterations, kdf.digest);
      key = dk.subarray(0, 8);
      iv = dk.subarray(8, 16);
      break;
    }
    case 'pkcs12': {
      const bmp = bmpPassword(passphrase);
      key = pkcs12Kdf(SHA1_KDF, bmp, kdf.salt, 1, kdf.iterations, cipher.keyLength);
      if (cipher.impl !== 'rc4') iv = pkcs12Kdf(SHA1_KDF, bmp, kdf.salt, 2, kdf.iterations, 8);
      break;
    }
  }
  if (cipher.impl !== 'rc4' && data.length % 8 !== 0) throw new PkiError('the encrypted data is not a whole number of cipher blocks');
  return decipher(cipher, key, iv, data);
}

// ---------------------------------------------------------------------------------------------------
// Legacy PEM encryption (Proc-Type: 4,ENCRYPTED / DEK-Info)

const LEGACY_LABELS: Record<string, Shape | undefined> = {
  'RSA PRIVATE KEY': 'pkcs1-rsa',
  'EC PRIVATE KEY': 'sec1',
  'DSA PRIVATE KEY': 'dsa',
  'PRIVATE KEY': 'pkcs8',
};

/** DEK-Info ciphers OpenSSL writes that Node may lack (legacy provider), and node-forge has. RC2's effective bits = key bits. */
const LEGACY_FORGE: Record<string, 'des' | 'rc2' | undefined> = { 'des-cbc': 'des', 'rc2-cbc': 'rc2', 'rc2-40-cbc': 'rc2', 'rc2-64-cbc': 'rc2' };

function header(headers: Record<string, string>, name: string): string | undefined {
  const key = Object.keys(headers).find((k) => k.toLowerCase() === name.toLowerCase());
  return key === undefined ? undefined : headers[key];
}

interface Legacy {
  shape: Shape;
  cipher: string;
  keyLength: number;
  iv: Buffer;
}

function parseLegacy(der: Uint8Array, headers: Record<string, string>, label: string): Legacy {
  const shape = LEGACY_LABELS[label.trim().toUpperCase()];
  if (!shape) throw new PkiError(`a "${label}" block cannot be a legacy encrypted key`);
  const procType = header(headers, 'Proc-Type');
  if (!procType || !/^\s*4\s*,\s*ENCRYPTED\s*$/i.test(procType)) throw new PkiError('missing "Proc-Type: 4,ENCRYPTED" header');
  const dekInfo = header(headers, 'DEK-Info');
  const m = dekInfo ? /^\s*([A-Za-z0-9-]+)\s*,\s*([0-9A-Fa-f]+)\s*$/.exec(dekInfo) : null;
  if (!m) throw new PkiError('missing or malformed "DEK-Info" header');
  const cipher = m[1].toLowerCase();
  const info = getCipherInfo(cipher);
  if (!info || info.mode !== 'cbc' || !info.ivLength) throw new PkiError(`unsupported legacy PEM cipher ${m[1]}`);
  const iv = Buffer.from(m[2], 'hex');
  if (iv.length !== info.ivLength) throw new PkiError(`the DEK-Info IV has ${iv.length} bytes instead of ${info.ivLength}`);
  if (iv.length < 8) throw new PkiError('the DEK-Info IV is too short');
  if (der.length === 0 || der.length % (info.blockSize ?? iv.length) !== 0) {
    throw new PkiError('the encrypted data is not a whole number of cipher blocks');
  }
  return { shape, cipher, keyLength: info.keyLength, iv };
}

/** OpenSSL's EVP_BytesToKey with MD5, one iteration, the first 8 IV bytes as salt. */
function bytesToKey(pass: Buffer, salt: Uint8Array, keyLength: number): Buffer {
  const parts: Buffer[] = [];
  let prev = Buffer.alloc(0);
  let have = 0;
  while (have < keyLength) {
    prev = createHash('md5').update(prev).update(pass).update(salt).digest();
    parts.push(prev);
    have += prev.length;
  }
  return Buffer.concat(parts).subarray(0, keyLength);
}

function legacyEncryption(l: Legacy): KeyEncryption {
  return { scheme: 'legacy-pem', cipher: l.cipher, kdf: 'md5', iterations: 1 };
}

// ---------------------------------------------------------------------------------------------------
// Public API

/**
 * Decodes a private key: PKCS#8 (v1 or v2), PKCS#1 RSA, SEC1 EC, a traditional DSA key (format
 * `pkcs1` stands for OpenSSL's "traditional" layouts, RSA or DSA) or an encrypted PKCS#8 (scheme
 * reported, not decrypted). `hint` (from the PEM label: `pkcs1` for `RSA PRIVATE KEY` and `DSA PRIVATE
 * KEY`) must agree with the structure; without it the structure decides.
 */
export function decodePrivateKey(der: Uint8Array, hint?: PrivateKeyHint): Decoded<PrivateKeyModel> {
  return guard('private key', () => {
    const { kids } = parseSequence(der);
    const shape = shapeOf(der, kids);
    if (hint && HINT_SHAPE[hint] !== shape && !(hint === 'pkcs1' && shape === 'dsa')) {
      throw new PkiError(`expected ${SHAPE_TEXT[HINT_SHAPE[hint]]} but the data is ${SHAPE_TEXT[shape]}`);
    }
    if (shape === 'encrypted-pkcs8') {
      return { kind: 'private-key', format: 'encrypted-pkcs8', encrypted: true, encryption: encryptedInfo(der, kids).info };
    }
    return plainModel(der, shape, kids);
  });
}

function encryptedInfo(der: Uint8Array, kids: Tlv[]): Scheme {
  if (kids.length !== 2 || kids[1].tag !== Tag.OctetString) throw new PkiError('not an EncryptedPrivateKeyInfo');
  return describeScheme(der, kids[0]);
}

/** A `Proc-Type: 4,ENCRYPTED` PEM key (label `RSA PRIVATE KEY`, `EC PRIVATE KEY` or `DSA PRIVATE KEY`). */
export function decodeLegacyEncryptedKey(der: Uint8Array, headers: Record<string, string>, label: string): Decoded<PrivateKeyModel> {
  return guard('encrypted private key', () => {
    const l = parseLegacy(der, headers, label);
    return { kind: 'private-key', format: 'legacy-encrypted-pem', encrypted: true, encryption: legacyEncryption(l) };
  });
}

/**
 * Decrypts an encrypted key (or simply converts a plain one) to PKCS#8. A wrong passphrase gives
 * PkiError('wrong passphrase (or the key is corrupted)'); an unsupported scheme says which one.
 */
export function decryptPrivateKey(
  input: { der: Uint8Array; format: PrivateKeyFormat; headers?: Record<string, string>; label?: string },
  passphrase: string,
  budget: WorkBudget = WorkBudget.forCommand().forFile(),
): DecryptedKey {
  return guard('encrypted private key', () => {
    const { der, format } = input;
    if (format === 'pkcs8' || format === 'pkcs1' || format === 'sec1') {
      const model = decodePrivateKey(der, format);
      return { model, pkcs8: Uint8Array.from(toPkcs8(der, format)) };
    }
    let plain: Uint8Array;
    let encryption: KeyEncryption;
    let shape: Shape;
    if (format === 'encrypted-pkcs8') {
      const { kids } = parseSequence(der);
      if (shapeOf(der, kids) !== 'encrypted-pkcs8') throw new PkiError('not an encrypted PKCS#8 key');
      const scheme = encryptedInfo(der, kids);
      encryption = scheme.info;
      plain = decryptWithScheme(scheme, passphrase, content(der, kids[1]), budget);
      shape = 'pkcs8';
    } else {
      const l = parseLegacy(der, input.headers ?? {}, input.label ?? '');
      encryption = legacyEncryption(l);
      const key = bytesToKey(Buffer.from(passphrase, 'utf8'), l.iv.subarray(0, 8), l.keyLength);
      const spec: CipherSpec = { name: l.cipher, impl: 'node', keyLength: l.keyLength };
      try {
        plain = decipher(spec, key, l.iv, der);
      } catch (e) {
        // OpenSSL 3 keeps single DES and RC2 in its legacy provider, which Node does not load: node-forge does them.
        const forgeImpl = LEGACY_FORGE[l.cipher];
        if (!forgeImpl || !(e instanceof PkiError) || e.message === WRONG_PASSPHRASE) throw e;
        plain = decipher({ ...spec, impl: forgeImpl, rc2Bits: l.keyLength * 8 }, key, l.iv, der);
      }
      shape = l.shape;
    }
    let pkcs8: Uint8Array;
    let publicKey: PublicKeyInfo | undefined;
    try {
      const { kids } = parseSequence(plain);
      if (shapeOf(plain, kids) !== shape) throw new PkiError(WRONG_PASSPHRASE);
      pkcs8 = shapeToPkcs8(plain, shape, kids);
      publicKey = plainModel(plain, shape, kids).publicKey;
    } catch {
      throw new PkiError(WRONG_PASSPHRASE);
    }
    const model: Decoded<PrivateKeyModel> = { kind: 'private-key', format, encrypted: true, encryption, ...(publicKey ? { publicKey } : {}) };
    return { model, pkcs8: Uint8Array.from(pkcs8) };
  });
}

/** True when `der` has the shape of an EncryptedPrivateKeyInfo (nothing is decrypted; the scheme is not checked). */
export function isEncryptedPkcs8(der: Uint8Array): boolean {
  try {
    const { kids } = parseSequence(der);
    return shapeOf(der, kids) === 'encrypted-pkcs8';
  } catch {
    return false;
  }
}

/** Plain PKCS#1 (RSA, or a traditional DSA key), SEC1 or PKCS#8 → PKCS#8 DER, as OpenSSL writes it. */
export function toPkcs8(der: Uint8Array, format: 'pkcs8' | 'pkcs1' | 'sec1'): Uint8Array {
  return guard('private key', () => {
    const { kids } = parseSequence(der);
    const shape = shapeOf(der, kids);
    const ok = format === 'pkcs8' ? shape === 'pkcs8' : format === 'sec1' ? shape === 'sec1' : shape === 'pkcs1-rsa' || shape === 'dsa';
    if (!ok) throw new PkiError(`expected ${SHAPE_TEXT[HINT_SHAPE[format]]} but the data is ${SHAPE_TEXT[shape]}`);
    return Uint8Array.from(shapeToPkcs8(der, shape, kids));
  });
}

/** Decodes a public key: SubjectPublicKeyInfo, or a PKCS#1 RSAPublicKey (`BEGIN RSA PUBLIC KEY`). */
export function decodePublicKey(der: Uint8Array, format: 'spki' | 'pkcs1'): Decoded<PublicKeyModel> {
  return guard('public key', () => {
    const { kids } = parseSequence(der);
    let spki: Uint8Array = der;
    if (format === 'pkcs1') {
      if (kids.length !== 2 || kids.some((k) => k.tag !== Tag.Integer)) throw new PkiError('not an RSAPublicKey (SEQUENCE of modulus and exponent)');
      for (const k of kids) {
        if (k.end === k.contentStart || der[k.contentStart] & 0x80) throw new PkiError('the RSA modulus and exponent must be positive');
      }
      spki = derTlv(Tag.Sequence, ALG_RSA, derTlv(Tag.BitString, Buffer.from([0]), der));
    } else if (kids.length !== 2 || kids[0].tag !== Tag.Sequence || kids[1].tag !== Tag.BitString) {
      throw new PkiError('not a SubjectPublicKeyInfo (SEQUENCE of AlgorithmIdentifier and BIT STRING)');
    }
    return { kind: 'public-key', format, publicKey: infoOfSpki(spki) };
  });
}

function plainPkcs8Parts(der: Uint8Array): Pkcs8Parts {
  const { kids } = parseSequence(der);
  const shape = shapeOf(der, kids);
  if (shape !== 'pkcs8') throw new PkiError(`expected a PKCS#8 private key but the data is ${SHAPE_TEXT[shape]}`);
  return pkcs8Parts(der, kids);
}

/** Public key info of a plain PKCS#8 key; spkiSha256 equals that of its certificates and CSRs. */
export function publicKeyOf(privateKeyPkcs8: Uint8Array): PublicKeyInfo {
  return guard('private key', () => {
    const info = publicKeyOfParts(privateKeyPkcs8, plainPkcs8Parts(privateKeyPkcs8));
    if (!info) throw new PkiError('cannot derive the public key of this key algorithm');
    return info;
  });
}

/** The DER SubjectPublicKeyInfo of a plain PKCS#8 key. */
export function spkiOfPrivateKey(privateKeyPkcs8: Uint8Array): Uint8Array {
  return guard('private key', () => {
    const parts = plainPkcs8Parts(privateKeyPkcs8);
    const r = spkiOf(privateKeyPkcs8, parts);
    if (!r) throw new PkiError(KNOWN_TO_NODE.has(parts.oid) ? 'the key data is malformed' : 'cannot derive the public key of this key algorithm');
    return Uint8Array.from(r.spki);
  });
}
