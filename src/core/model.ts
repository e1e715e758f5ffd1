// The one typed model of everything TLS Workbench can read.
// Host-neutral: no I/O, no `vscode`. Every reader in src/core returns these shapes.

export type ObjectKind = 'certificate' | 'csr' | 'private-key' | 'public-key' | 'dh-parameters' | 'pkcs12' | 'crl';

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
  /** `P-256`, `P-384`, `P-521`, `secp256k1`… (EC only), else undefined. */
  curve?: string;
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
  value: string;
}

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
  crlDistributionPoints: string[];
  authorityInfoAccess: AccessDescription[];
  extensions: ExtensionInfo[];
  /** Issuer equals subject and the signature verifies with the certificate's own key. */
  selfSigned: boolean;
  expiry: Expiry;
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
  /** The CSR's self-signature verifies with its public key. */
  signatureValid: boolean;
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

export interface PublicKeyModel extends ObjectBase {
  kind: 'public-key';
  format: 'spki' | 'pkcs1';
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
  /** MAC digest (`sha256`, `sha1`) and iterations, when the file has a MAC. */
  mac?: { algorithm: string; iterations: number };
  /** How the certificate and key parts are protected, e.g. `PBES2/aes-256-cbc` or `pbeWithSHAAnd40BitRC2-CBC`. */
  certEncryption?: string;
  keyEncryption?: string;
  /** True once a password opened it; the bags are then listed. */
  decrypted: boolean;
  bags: Pkcs12Bag[];
}

export type PkiObject =
  | CertificateModel
  | CsrModel
  | PrivateKeyModel
  | PublicKeyModel
  | DhParametersModel
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

/** A decoder's output before the reader places it in a file (index, encoding, PEM label, range). */
export type Decoded<T extends PkiObject> = T extends PkiObject ? Omit<T, 'index' | 'encoding' | 'pemLabel' | 'range'> : never;
