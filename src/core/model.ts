// The one typed model of everything TLS Workbench can read.
// Host-neutral: no I/O, no `vscode`. Every reader in src/core returns these shapes.

import type { WorkBudget } from './runtime/workBudget';
import { messageOf } from './display/labels';

export type ObjectKind = 'certificate' | 'csr' | 'private-key' | 'public-key' | 'dh-parameters' | 'dsa-parameters' | 'pkcs12' | 'crl';

/** Where an object sits in a text file. Lines and characters are 0-based (like VS Code's Position). */
export interface SourceRange {
  startLine: number;
  startCharacter: number;
  endLine: number;
  endCharacter: number;
  /** Character offsets into the decoded text: [startOffset, endOffset). */
  startOffset: number;
  endOffset: number;
}

export interface NameAttribute {
  /** Short name where known (`CN`, `O`, `emailAddress`…), else the dotted OID. */
  type: string;
  oid: string;
  value: string;
}

export interface DistinguishedName {
  /** One line, in the certificate's own order: `C=UK, O=Any Org, CN=x` (`, ` `+` `=` `\` escaped in values). */
  text: string;
  attributes: NameAttribute[];
}

export type KeyAlgorithm = 'RSA' | 'EC' | 'Ed25519' | 'Ed448' | 'X25519' | 'X448' | 'DSA' | 'DH' | 'unknown';

export interface PublicKeyInfo {
  algorithm: KeyAlgorithm;
  /** Key size in bits (modulus size for RSA, field size for EC, 256 for Ed25519). */
  size: number;
  /**
   * `P-256`, `P-384`, `P-521`, `secp256k1`… (EC only), else undefined. Also set for explicit parameters equal to
   * a named curve's; other explicit parameters: `explicit parameters`.
   */
  curve?: string;
  /** EC only: the key spells out its curve parameters instead of naming the curve (modern TLS libraries refuse it). */
  explicitParameters?: true;
  /** DSA only: size of the subgroup order q in bits (160, 224, 256). */
  subgroupBits?: number;
  /** RSA public exponent. */
  exponent?: number;
  /** Lowercase hex SHA-256 of the DER SubjectPublicKeyInfo: equal for a key, its CSR and its certificates. */
  spkiSha256: string;
  /** The algorithm OID of the SPKI. */
  oid: string;
}

export interface Fingerprints {
  /** Lowercase hex, no separators (what `netsh http add sslcert certhash=` wants). */
  sha1: string;
  sha256: string;
}

export type SanType = 'dns' | 'ip' | 'email' | 'uri' | 'dirName' | 'other';

export interface SubjectAltName {
  type: SanType;
  /** For `dns`, `email` and `uri` (IA5String): printable ASCII as is, `\` doubled, any other byte as `\xNN`. */
  value: string;
  /** The value holds bytes over 0x7f (UTF-8, say): it is not a valid IA5String, and `value` shows them escaped. */
  invalidIa5String?: true;
}

/**
 * Why a signature cannot verify, seen from its encoding alone: `unused-bits` — the signature BIT STRING has
 * unused bits, which no signature algorithm produces (the signature is invalid, the rest is still shown).
 */
export type SignatureDefect = 'unused-bits';

/** Each signature defect in words (one home for the sentence the report and the lint show). */
export const SIGNATURE_DEFECT_TEXT: Record<SignatureDefect, string> = {
  'unused-bits': 'signature BIT STRING has unused bits: the signature is invalid',
};

export interface ExtensionInfo {
  oid: string;
  /** Friendly name where known (`subjectAltName`, `keyUsage`…). */
  name?: string;
  critical: boolean;
  /** The extension value (the OCTET STRING contents) as lowercase hex. */
  valueHex: string;
  /** A readable rendering for known extensions. */
  text?: string;
}

export interface AccessDescription {
  method: 'ocsp' | 'caIssuers' | string;
  location: string;
}

export type ExpiryStatus = 'valid' | 'expiring' | 'expired' | 'not-yet-valid';

export interface Expiry {
  status: ExpiryStatus;
  /** Whole days until notAfter (negative once expired), relative to the `now` given to the reader. */
  daysLeft: number;
}

interface ObjectBase {
  kind: ObjectKind;
  /** 0-based position of the object in its file. */
  index: number;
  encoding: 'pem' | 'der';
  /** The PEM label (`CERTIFICATE`, `RSA PRIVATE KEY`…) for PEM objects. */
  pemLabel?: string;
  /** Position in the text, for PEM objects. */
  range?: SourceRange;
}

export interface CertificateModel extends ObjectBase {
  kind: 'certificate';
  version: number;
  subject: DistinguishedName;
  issuer: DistinguishedName;
  /** Lowercase hex without separators or leading zero octets beyond what DER has. */
  serialNumber: string;
  notBefore: string;
  notAfter: string;
  fingerprints: Fingerprints;
  publicKey: PublicKeyInfo;
  /** Name such as `sha256WithRSAEncryption`, `ecdsa-with-SHA256`, `Ed25519` (the OID where unknown). */
  signatureAlgorithm: string;
  signatureAlgorithmOid: string;
  subjectAltNames: SubjectAltName[];
  isCA: boolean;
  /** basicConstraints pathLenConstraint, when present. */
  pathLength?: number;
  /** `digitalSignature`, `keyEncipherment`, `keyCertSign`… */
  keyUsage: string[];
  /** Names (`serverAuth`, `clientAuth`…) or dotted OIDs. */
  extendedKeyUsage: string[];
  subjectKeyIdentifier?: string;
  authorityKeyIdentifier?: string;
  /** URIs (IA5String, shown like SAN values: bytes outside printable ASCII as `\xNN`). */
  crlDistributionPoints: string[];
  authorityInfoAccess: AccessDescription[];
  extensions: ExtensionInfo[];
  /** Issuer equals subject and the signature verifies with the certificate's own key. */
  selfSigned: boolean;
  expiry: Expiry;
  /** Set when the signature's encoding alone makes it invalid. */
  signatureDefect?: SignatureDefect;
}

export interface CsrModel extends ObjectBase {
  kind: 'csr';
  subject: DistinguishedName;
  publicKey: PublicKeyInfo;
  signatureAlgorithm: string;
  signatureAlgorithmOid: string;
  subjectAltNames: SubjectAltName[];
  /** Extensions requested through the extensionRequest attribute. */
  extensions: ExtensionInfo[];
  /** Every other attribute (challengePassword, unknown ones…), in the request's order. */
  attributes: CsrAttribute[];
  /** The CSR's self-signature verifies with its public key. */
  signatureValid: boolean;
  /** Set when the signature's encoding alone makes it invalid (`signatureValid` is then false). */
  signatureDefect?: SignatureDefect;
}

export interface CsrAttribute {
  oid: string;
  /** Friendly name where known (`challengePassword`, `unstructuredName`…). */
  name?: string;
  /** Each value: text for string types, else `#` and the value's DER in hex (`#7f2000`). */
  values: string[];
}

export type PrivateKeyFormat = 'pkcs8' | 'pkcs1' | 'sec1' | 'encrypted-pkcs8' | 'legacy-encrypted-pem';

export interface KeyEncryption {
  /** `PBES2` for encrypted PKCS#8 (or a PKCS#12 PBE name), `legacy-pem` for Proc-Type: 4,ENCRYPTED. */
  scheme: string;
  /** `aes-256-cbc`, `des-ede3-cbc`… */
  cipher: string;
  /** `pbkdf2`, `scrypt`, or `md5` (the legacy EVP_BytesToKey). */
  kdf?: string;
  /** `hmacWithSHA256`… */
  prf?: string;
  iterations?: number;
}

export interface PrivateKeyModel extends ObjectBase {
  kind: 'private-key';
  format: PrivateKeyFormat;
  encrypted: boolean;
  encryption?: KeyEncryption;
  /** Known once decrypted (always for plain keys). */
  publicKey?: PublicKeyInfo;
}

export type PublicKeyFormat = 'spki' | 'pkcs1' | 'traditional-dsa';

export interface PublicKeyModel extends ObjectBase {
  kind: 'public-key';
  /** `pkcs1`: `RSA PUBLIC KEY`; `traditional-dsa`: OpenSSL's `DSA PUBLIC KEY` (SEQUENCE { y, p, q, g }). */
  format: PublicKeyFormat;
  publicKey: PublicKeyInfo;
}

export interface DhParametersModel extends ObjectBase {
  kind: 'dh-parameters';
  format: 'pkcs3' | 'x942';
  primeBits: number;
  /** The generator g; 0 when it is too large for a number (X9.42 groups), see `generatorHex`. */
  generator: number;
  /** The generator as lowercase hex, only when it does not fit in `generator`. */
  generatorHex?: string;
  /** Name of a well-known group (`ffdhe2048`…) when the prime matches one. */
  namedGroup?: string;
}

/** DSA domain parameters (`openssl dsaparam`): `Dss-Parms ::= SEQUENCE { p, q, g }` (RFC 3279). */
export interface DsaParametersModel extends ObjectBase {
  kind: 'dsa-parameters';
  /** Size of the prime p in bits (the key size: 1024, 2048, 3072). */
  primeBits: number;
  /** Size of the subgroup order q in bits (160, 224, 256). */
  subgroupBits: number;
  /** Size of the generator g in bits. */
  generatorBits: number;
}

export interface RevokedEntry {
  serialNumber: string;
  revocationDate: string;
  reason?: string;
}

export interface CrlModel extends ObjectBase {
  kind: 'crl';
  issuer: DistinguishedName;
  thisUpdate: string;
  nextUpdate?: string;
  signatureAlgorithm: string;
  signatureAlgorithmOid: string;
  crlNumber?: string;
  authorityKeyIdentifier?: string;
  revoked: RevokedEntry[];
  extensions: ExtensionInfo[];
  fingerprints: Fingerprints;
  /** Set when the signature's encoding alone makes it invalid. */
  signatureDefect?: SignatureDefect;
}

export type Pkcs12BagType = 'certificate' | 'private-key' | 'crl' | 'secret' | 'other';

export interface Pkcs12Bag {
  type: Pkcs12BagType;
  friendlyName?: string;
  /** localKeyId as lowercase hex: ties a key to its certificate. */
  localKeyId?: string;
  /** The decoded object, for certificate and key bags. */
  object?: PkiObject;
}

export interface Pkcs12Model extends ObjectBase {
  kind: 'pkcs12';
  /**
   * MAC digest (`sha256`, `sha1`) and iterations, when the file has a MAC. `verified: false` when the bags were
   * listed without checking it (none is encrypted, and the password was not given).
   */
  mac?: { algorithm: string; iterations: number; verified?: boolean };
  /** How the certificate and key parts are protected, e.g. `PBES2/aes-256-cbc` or `pbeWithSHAAnd40BitRC2-CBC`. */
  certEncryption?: string;
  keyEncryption?: string;
  /** True once it is open (with the password given, or with the empty one); the bags are then listed. */
  decrypted: boolean;
  bags: Pkcs12Bag[];
}

export type PkiObject =
  | CertificateModel
  | CsrModel
  | PrivateKeyModel
  | PublicKeyModel
  | DhParametersModel
  | DsaParametersModel
  | CrlModel
  | Pkcs12Model;

export interface Problem {
  severity: 'error' | 'warning';
  /** One sentence, no file name (callers prefix it): "block 2: invalid base64 at line 14". */
  message: string;
  /** Which object (0-based) it concerns, when it concerns one. */
  index?: number;
  range?: SourceRange;
}

export interface ReadOptions {
  /** Reference time for expiry; defaults to the current time. */
  now?: Date;
  /** Certificates expiring within this many days are `expiring`. Default 30. */
  warnDays?: number;
  /** Refuse inputs larger than this many bytes. Default 5 MB. */
  maxBytes?: number;
  /** Password for PKCS#12 and passphrase for encrypted keys, when the caller has one. */
  password?: string;
  /**
   * The command's key-derivation work budget (workBudget.ts; the file gets its share with `forFile()`). Default:
   * a budget of the default size for this read alone.
   */
  budget?: WorkBudget;
}

export interface ReadResult {
  objects: PkiObject[];
  problems: Problem[];
}

export const DEFAULT_MAX_BYTES = 5 * 1024 * 1024;
export const DEFAULT_WARN_DAYS = 30;

/** An error whose message is fit to show a user as it is (one line, no stack, no secrets). */
export class PkiError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PkiError';
  }
}

/**
 * A failure as a user reads it: a PkiError's message says what is wrong with the input, as it is; anything else
 * thrown is a bug in the engine, so it is labelled "internal error: …" (its first line) rather than blamed on the file.
 */
/**
 * An unexpected error as a PkiError: PkiErrors pass through; anything else becomes `what` with Node's error code when
 * it has one (`… (ERR_OSSL_…)`) — never its message, which may quote input.
 */
export function asPkiError(e: unknown, what: string): PkiError {
  if (e instanceof PkiError) return e;
  const code = (e as { code?: unknown } | null)?.code;
  return new PkiError(`${what}${typeof code === 'string' ? ` (${code})` : ''}`);
}

export function failureText(e: unknown): string {
  return e instanceof PkiError ? e.message : `internal error: ${messageOf(e)}`;
}

/** A decoder's output before the reader places it in a file (index, encoding, PEM label, range). */
export type Decoded<T extends PkiObject> = T extends PkiObject ? Omit<T, 'index' | 'encoding' | 'pemLabel' | 'range'> : never;
