// SubjectPublicKeyInfo → PublicKeyInfo, shared by certificates, CSRs, keys and PKCS#12 bags.

import { createHash } from 'node:crypto';
import { Tag, children, decodeOid, bitStringBytes, expectTag, integerBits, integerNumber, readRoot, readTlv, whole } from './asn1';
import type { KeyAlgorithm, PublicKeyInfo } from './model';
import { PkiError } from './model';

export const OID_RSA = '1.2.840.113549.1.1.1';
export const OID_RSA_PSS = '1.2.840.113549.1.1.10';
export const OID_EC = '1.2.840.10045.2.1';
export const OID_ED25519 = '1.3.101.112';
export const OID_ED448 = '1.3.101.113';
export const OID_X25519 = '1.3.101.110';
export const OID_X448 = '1.3.101.111';
export const OID_DSA = '1.2.840.10040.4.1';
export const OID_DH = '1.2.840.113549.1.3.1';
export const OID_X942_DH = '1.2.840.10046.2.1';

/** Named curves: OID → [name, field size in bits]. */
export const CURVES: Record<string, [string, number]> = {
  '1.2.840.10045.3.1.7': ['P-256', 256],
  '1.3.132.0.34': ['P-384', 384],
  '1.3.132.0.35': ['P-521', 521],
  '1.2.840.10045.3.1.1': ['P-192', 192],
  '1.3.132.0.33': ['P-224', 224],
  '1.3.132.0.10': ['secp256k1', 256],
  '1.3.36.3.3.2.8.1.1.7': ['brainpoolP256r1', 256],
  '1.3.36.3.3.2.8.1.1.11': ['brainpoolP384r1', 384],
  '1.3.36.3.3.2.8.1.1.13': ['brainpoolP512r1', 512],
};

export function curveByOid(oid: string): { name: string; size: number } {
  const c = CURVES[oid];
  return c ? { name: c[0], size: c[1] } : { name: oid, size: 0 };
}

/** Algorithm, size and curve of a DER SubjectPublicKeyInfo. Throws PkiError on malformed input. */
export function spkiInfo(spki: Uint8Array): PublicKeyInfo {
  const root = expectTag(readRoot(spki, false), Tag.Sequence, 'SubjectPublicKeyInfo');
  const [algId, keyBits] = children(spki, root);
  if (!algId || !keyBits) throw new PkiError('public key: SubjectPublicKeyInfo is incomplete');
  const [oidTlv, params] = children(spki, expectTag(algId, Tag.Sequence, 'AlgorithmIdentifier'));
  const oid = decodeOid(spki, oidTlv);
  const key = bitStringBytes(spki, keyBits);
  const spkiSha256 = createHash('sha256').update(whole(spki, root)).digest('hex');
  let algorithm: KeyAlgorithm = 'unknown';
  let size = 0;
  let curve: string | undefined;
  let exponent: number | undefined;
  switch (oid) {
    case OID_RSA:
    case OID_RSA_PSS: {
      algorithm = 'RSA';
      const seq = expectTag(readRoot(key), Tag.Sequence, 'RSAPublicKey');
      const [n, e] = children(key, seq);
      if (!n || !e) throw new PkiError('public key: RSAPublicKey is incomplete');
      size = integerBits(key, expectTag(n, Tag.Integer, 'RSA modulus'));
      try {
        exponent = integerNumber(key, e);
      } catch {
        exponent = undefined;
      }
      break;
    }
    case OID_EC: {
      algorithm = 'EC';
      if (!params || params.tag !== Tag.Oid) throw new PkiError('public key: EC key without a named curve (explicit parameters are not supported)');
      const c = curveByOid(decodeOid(spki, params));
      curve = c.name;
      size = c.size;
      break;
    }
    case OID_ED25519:
      algorithm = 'Ed25519';
      size = 256;
      break;
    case OID_ED448:
      algorithm = 'Ed448';
      size = 456;
      break;
    case OID_X25519:
      algorithm = 'X25519';
      size = 256;
      break;
    case OID_X448:
      algorithm = 'X448';
      size = 448;
      break;
    case OID_DSA:
    case OID_DH:
    case OID_X942_DH: {
      algorithm = oid === OID_DSA ? 'DSA' : 'DH';
      if (params && params.tag === Tag.Sequence) {
        const [p] = children(spki, params);
        if (p) size = integerBits(spki, p);
      }
      break;
    }
  }
  return { algorithm, size, curve, exponent, spkiSha256, oid };
}

/** Reads the TLV at `pos` of `bytes` and returns SPKI info for it (a helper for embedded SPKIs). */
export function spkiInfoAt(bytes: Uint8Array, pos: number, limit?: number): PublicKeyInfo {
  const t = readTlv(bytes, pos, limit);
  return spkiInfo(whole(bytes, t));
}
