// Encrypted keys and keystores that ask for a lot of key-derivation work, built at test time. The ciphertext is
// random: whatever the password, decryption fails (as with a wrong password) after the derivation has run.

import { randomBytes } from 'node:crypto';

function len(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

export function tlv(tag: number, ...content: Buffer[]): Buffer {
  const body = Buffer.concat(content);
  return Buffer.concat([Buffer.from([tag]), len(body.length), body]);
}

export const seq = (...c: Buffer[]): Buffer => tlv(0x30, ...c);
export const octets = (b: Buffer): Buffer => tlv(0x04, b);

export function int(n: number): Buffer {
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  if (bytes.length === 0 || bytes[0] & 0x80) bytes.unshift(0);
  return tlv(0x02, Buffer.from(bytes));
}

const OID = {
  pbes2: '06092a864886f70d01050d',
  pbkdf2: '06092a864886f70d01050c',
  scrypt: '06092b06010401da47040b',
  hmacSha256: '06082a864886f70d0209',
  aes256cbc: '060960864801650304012a',
};

function oid(hex: string): Buffer {
  return Buffer.from(hex, 'hex');
}

export type HostileKdf = { kind: 'scrypt'; n: number; r: number; p: number } | { kind: 'pbkdf2'; iterations: number };

/** An EncryptedPrivateKeyInfo (DER): PBES2 with the given KDF and AES-256-CBC over random bytes. */
export function encryptedKeyDer(kdf: HostileKdf): Buffer {
  const salt = octets(randomBytes(16));
  const kdfAlg =
    kdf.kind === 'scrypt'
      ? seq(oid(OID.scrypt), seq(salt, int(kdf.n), int(kdf.r), int(kdf.p)))
      : seq(oid(OID.pbkdf2), seq(salt, int(kdf.iterations), seq(oid(OID.hmacSha256), Buffer.from([0x05, 0x00]))));
  const enc = seq(oid(OID.aes256cbc), octets(randomBytes(16)));
  return seq(seq(oid(OID.pbes2), seq(kdfAlg, enc)), octets(randomBytes(144)));
}

export function pem(label: string, der: Uint8Array): string {
  const b64 = Buffer.from(der).toString('base64').replace(/.{64}/g, '$&\n').replace(/\n$/, '');
  return `-----BEGIN ${label}-----\n${b64}\n-----END ${label}-----\n`;
}

/** A PEM file of `count` encrypted keys, each with `kdf`. */
export function hostileKeyFile(count: number, kdf: HostileKdf): string {
  return Array.from({ length: count }, () => pem('ENCRYPTED PRIVATE KEY', encryptedKeyDer(kdf))).join('');
}
