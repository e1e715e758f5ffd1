// SubjectPublicKeyInfo → PublicKeyInfo, shared by certificates, CSRs, keys and PKCS#12 bags.

import { createHash } from 'node:crypto';
import { Tag, children, decodeOid, bitStringBytes, content, expectTag, integerBits, integerHex, integerNumber, readRoot, toHex, validateTree, whole } from '../der/asn1';
import type { Tlv } from '../der/asn1';
import { derOid, derTlv } from '../der/encode';
import type { Decoded, KeyAlgorithm, PublicKeyInfo, PublicKeyModel } from '../model';
import { PkiError } from '../model';

export const OID_RSA = '1.2.840.113549.1.1.1';
export const OID_RSA_PSS = '1.2.840.113549.1.1.10';
export const OID_EC = '1.2.840.10045.2.1';
export const OID_ED25519 = '1.3.101.112';
export const OID_ED448 = '1.3.101.113';
export const OID_X25519 = '1.3.101.110';
export const OID_X448 = '1.3.101.111';
export const OID_DSA = '1.2.840.10040.4.1';
const OID_DH = '1.2.840.113549.1.3.1';
const OID_X942_DH = '1.2.840.10046.2.1';

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

/**
 * The named prime curves' domain parameters (SEC 2, RFC 5639), as `openssl ecparam -name X -param_enc explicit`
 * spells them: name, p, a, b, G.x, G.y, n, lowercase hex without leading zeros. Explicit parameters equal to
 * one of these name it (the unit tests check each against openssl).
 */
const CURVE_PARAMETERS: readonly (readonly [string, string, string, string, string, string, string])[] = [
  ['P-256', 'ffffffff00000001000000000000000000000000ffffffffffffffffffffffff', 'ffffffff00000001000000000000000000000000fffffffffffffffffffffffc', '5ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604b', '6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296', '4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5', 'ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551'],
  ['P-384', 'fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffeffffffff0000000000000000ffffffff', 'fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffeffffffff0000000000000000fffffffc', 'b3312fa7e23ee7e4988e056be3f82d19181d9c6efe8141120314088f5013875ac656398d8a2ed19d2a85c8edd3ec2aef', 'aa87ca22be8b05378eb1c71ef320ad746e1d3b628ba79b9859f741e082542a385502f25dbf55296c3a545e3872760ab7', '3617de4a96262c6f5d9e98bf9292dc29f8f41dbd289a147ce9da3113b5f0b8c00a60b1ce1d7e819d7a431d7c90ea0e5f', 'ffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec196accc52973'],
  ['P-521', '1ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff', '1fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffc', '51953eb9618e1c9a1f929a21a0b68540eea2da725b99b315f3b8b489918ef109e156193951ec7e937b1652c0bd3bb1bf073573df883d2c34f1ef451fd46b503f00', 'c6858e06b70404e9cd9e3ecb662395b4429c648139053fb521f828af606b4d3dbaa14b5e77efe75928fe1dc127a2ffa8de3348b3c1856a429bf97e7e31c2e5bd66', '11839296a789a3bc0045c8a5fb42c7d1bd998f54449579b446817afbd17273e662c97ee72995ef42640c550b9013fad0761353c7086a272c24088be94769fd16650', '1fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffa51868783bf2f966b7fcc0148f709a5d03bb5c9b8899c47aebb6fb71e91386409'],
  ['P-192', 'fffffffffffffffffffffffffffffffeffffffffffffffff', 'fffffffffffffffffffffffffffffffefffffffffffffffc', '64210519e59c80e70fa7e9ab72243049feb8deecc146b9b1', '188da80eb03090f67cbf20eb43a18800f4ff0afd82ff1012', '7192b95ffc8da78631011ed6b24cdd573f977a11e794811', 'ffffffffffffffffffffffff99def836146bc9b1b4d22831'],
  ['P-224', 'ffffffffffffffffffffffffffffffff000000000000000000000001', 'fffffffffffffffffffffffffffffffefffffffffffffffffffffffe', 'b4050a850c04b3abf54132565044b0b7d7bfd8ba270b39432355ffb4', 'b70e0cbd6bb4bf7f321390b94a03c1d356c21122343280d6115c1d21', 'bd376388b5f723fb4c22dfe6cd4375a05a07476444d5819985007e34', 'ffffffffffffffffffffffffffff16a2e0b8f03e13dd29455c5c2a3d'],
  ['secp256k1', 'fffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2f', '0', '7', '79be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798', '483ada7726a3c4655da4fbfc0e1108a8fd17b448a68554199c47d08ffb10d4b8', 'fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141'],
  ['brainpoolP256r1', 'a9fb57dba1eea9bc3e660a909d838d726e3bf623d52620282013481d1f6e5377', '7d5a0975fc2c3057eef67530417affe7fb8055c126dc5c6ce94a4b44f330b5d9', '26dc5c6ce94a4b44f330b5d9bbd77cbf958416295cf7e1ce6bccdc18ff8c07b6', '8bd2aeb9cb7e57cb2c4b482ffc81b7afb9de27e1e3bd23c23a4453bd9ace3262', '547ef835c3dac4fd97f8461a14611dc9c27745132ded8e545c1d54c72f046997', 'a9fb57dba1eea9bc3e660a909d838d718c397aa3b561a6f7901e0e82974856a7'],
  ['brainpoolP384r1', '8cb91e82a3386d280f5d6f7e50e641df152f7109ed5456b412b1da197fb71123acd3a729901d1a71874700133107ec53', '7bc382c63d8c150c3c72080ace05afa0c2bea28e4fb22787139165efba91f90f8aa5814a503ad4eb04a8c7dd22ce2826', '4a8c7dd22ce28268b39b55416f0447c2fb77de107dcd2a62e880ea53eeb62d57cb4390295dbc9943ab78696fa504c11', '1d1c64f068cf45ffa2a63a81b7c13f6b8847a3e77ef14fe3db7fcafe0cbd10e8e826e03436d646aaef87b2e247d4af1e', '8abe1d7520f9c2a45cb1eb8e95cfd55262b70b29feec5864e19c054ff99129280e4646217791811142820341263c5315', '8cb91e82a3386d280f5d6f7e50e641df152f7109ed5456b31f166e6cac0425a7cf3ab6af6b7fc3103b883202e9046565'],
  ['brainpoolP512r1', 'aadd9db8dbe9c48b3fd4e6ae33c9fc07cb308db3b3c9d20ed6639cca703308717d4d9b009bc66842aecda12ae6a380e62881ff2f2d82c68528aa6056583a48f3', '7830a3318b603b89e2327145ac234cc594cbdd8d3df91610a83441caea9863bc2ded5d5aa8253aa10a2ef1c98b9ac8b57f1117a72bf2c7b9e7c1ac4d77fc94ca', '3df91610a83441caea9863bc2ded5d5aa8253aa10a2ef1c98b9ac8b57f1117a72bf2c7b9e7c1ac4d77fc94cadc083e67984050b75ebae5dd2809bd638016f723', '81aee4bdd82ed9645a21322e9c4c6a9385ed9f70b5d916c1b43b62eef4d0098eff3b1f78e2d0d48d50d1687b93b97d5f7c6d5047406a5e688b352209bcb9f822', '7dde385d566332ecc0eabfa9cf7822fdf209f70024a57b1aa000c55b881f8111b2dcde494a5f485e5bca4bd88a2763aed1ca2b2fa8f0540678cd1e0f3ad80892', 'aadd9db8dbe9c48b3fd4e6ae33c9fc07cb308db3b3c9d20ed6639cca70330870553e5c414ca92619418661197fac10471db1d381085ddaddb58796829ca90069'],
];

const OID_PRIME_FIELD = '1.2.840.10045.1.1';
const OID_CHARACTERISTIC_TWO_FIELD = '1.2.840.10045.1.2';

/** Hex of an unsigned big-endian number, without leading zeros ('0' for zero). */
function hexNumber(bytes: Uint8Array): string {
  return toHex(bytes).replace(/^0+(?=.)/, '');
}

/**
 * Explicit EC parameters (RFC 3279 `SpecifiedECDomain ::= SEQUENCE { version, fieldID, curve, base, order,
 * cofactor OPTIONAL, … }`) → the named curve they equal (p, a, b, G and n compared; G compressed or not), else
 * `explicit parameters`, with the field size. Throws PkiError naming the field that is malformed.
 */
function explicitCurve(bytes: Uint8Array, params: Tlv): { name: string; size: number } {
  try {
    return specifiedCurve(bytes, params);
  } catch (e) {
    if (e instanceof PkiError && !e.message.startsWith('explicit EC parameters')) throw new PkiError(`explicit EC parameters: ${e.message}`);
    throw e;
  }
}

function specifiedCurve(bytes: Uint8Array, params: Tlv): { name: string; size: number } {
  const [version, fieldId, curveTlv, base, order] = children(bytes, expectTag(params, Tag.Sequence, 'SpecifiedECDomain'));
  if (!version || !fieldId || !curveTlv || !base || !order) throw new PkiError('explicit EC parameters are incomplete (version, field, curve, base point and order are required)');
  expectTag(version, Tag.Integer, 'the EC parameters version (INTEGER)');
  const [fieldType, fieldParams] = children(bytes, expectTag(fieldId, Tag.Sequence, 'the EC field (FieldID)'));
  if (!fieldType || !fieldParams) throw new PkiError('explicit EC parameters: the field is incomplete');
  const fieldOid = decodeOid(bytes, fieldType);
  if (fieldOid === OID_CHARACTERISTIC_TWO_FIELD) {
    // Characteristic-two-field ::= SEQUENCE { m INTEGER, basis OID, parameters }: no named curve here is binary.
    const [m] = children(bytes, expectTag(fieldParams, Tag.Sequence, 'the binary field parameters'));
    if (!m) throw new PkiError('explicit EC parameters: the binary field has no degree m');
    return { name: 'explicit parameters', size: integerNumber(bytes, m) };
  }
  if (fieldOid !== OID_PRIME_FIELD) throw new PkiError(`explicit EC parameters: unknown field type ${fieldOid}`);
  const p = integerHex(bytes, expectTag(fieldParams, Tag.Integer, 'the field prime p (INTEGER)')).replace(/^0+(?=.)/, '');
  const size = integerBits(bytes, fieldParams);
  const [a, b] = children(bytes, expectTag(curveTlv, Tag.Sequence, 'the EC curve (Curve)'));
  if (!a || !b) throw new PkiError('explicit EC parameters: the curve needs its coefficients a and b');
  const aHex = hexNumber(content(bytes, expectTag(a, Tag.OctetString, 'the curve coefficient a (OCTET STRING)')));
  const bHex = hexNumber(content(bytes, expectTag(b, Tag.OctetString, 'the curve coefficient b (OCTET STRING)')));
  const g = content(bytes, expectTag(base, Tag.OctetString, 'the base point G (OCTET STRING)'));
  const n = integerHex(bytes, expectTag(order, Tag.Integer, 'the order n (INTEGER)')).replace(/^0+(?=.)/, '');
  if (g.length === 0) throw new PkiError('explicit EC parameters: the base point G is empty');
  const form = g[0];
  const half = (g.length - 1) / 2;
  let gx: string;
  let gyParity: number | undefined;
  let gy: string | undefined;
  if ((form === 0x04 || form === 0x06 || form === 0x07) && Number.isInteger(half) && half > 0) {
    gx = hexNumber(g.subarray(1, 1 + half));
    gy = hexNumber(g.subarray(1 + half));
  } else if ((form === 0x02 || form === 0x03) && g.length > 1) {
    gx = hexNumber(g.subarray(1));
    gyParity = form & 1;
  } else {
    throw new PkiError('explicit EC parameters: the base point G is not a valid point encoding');
  }
  for (const [name, cp, ca, cb, cgx, cgy, cn] of CURVE_PARAMETERS) {
    if (cp !== p || ca !== aHex || cb !== bHex || cn !== n || cgx !== gx) continue;
    if (gy !== undefined ? cgy === gy : (parseInt(cgy.slice(-1), 16) & 1) === gyParity) return { name, size };
  }
  return { name: 'explicit parameters', size };
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
  let explicitParameters = false;
  let subgroupBits: number | undefined;
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
      if (params && params.tag === Tag.Sequence) {
        let c: { name: string; size: number };
        try {
          c = explicitCurve(spki, params);
        } catch (e) {
          throw e instanceof PkiError ? new PkiError(`public key: ${e.message}`) : e;
        }
        curve = c.name;
        size = c.size;
        explicitParameters = true;
        break;
      }
      if (!params || params.tag !== Tag.Oid) throw new PkiError('public key: EC key with neither a named curve nor explicit parameters');
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
        // Dss-Parms { p, q, g }; DH: { p, g, … }.
        const [p, q] = children(spki, params);
        if (p) size = integerBits(spki, p);
        if (oid === OID_DSA && q && q.tag === Tag.Integer) subgroupBits = integerBits(spki, q);
      }
      break;
    }
  }
  const info: PublicKeyInfo = { algorithm, size, curve, exponent, spkiSha256, oid };
  if (explicitParameters) info.explicitParameters = true;
  if (subgroupBits !== undefined) info.subgroupBits = subgroupBits;
  return info;
}

/**
 * OpenSSL's traditional DSA public key (`-----BEGIN DSA PUBLIC KEY-----`, `DSAPublicKey ::= SEQUENCE { y, p, q,
 * g }`) → the model, through the equivalent SubjectPublicKeyInfo (so its SHA-256 equals that of the same key in
 * a certificate). Throws PkiError (`public key: …`) naming what is wrong.
 */
export function decodeDsaPublicKey(der: Uint8Array): Decoded<PublicKeyModel> {
  try {
    const root = expectTag(readRoot(der), Tag.Sequence, 'DSAPublicKey SEQUENCE');
    validateTree(der, root);
    const kids = children(der, root);
    if (kids.length !== 4) throw new PkiError(`a DSA public key is SEQUENCE { y, p, q, g } (4 integers), found ${kids.length} elements`);
    const names = ['the public value y', 'the prime p', 'the subgroup order q', 'the generator g'];
    kids.forEach((k, i) => {
      expectTag(k, Tag.Integer, `${names[i]} (INTEGER)`);
      if (k.end === k.contentStart || der[k.contentStart] & 0x80 || integerBits(der, k) === 0) throw new PkiError(`${names[i]} must be positive`);
    });
    const [y, p, q, g] = kids;
    const params = derTlv(Tag.Sequence, whole(der, p), whole(der, q), whole(der, g));
    const spki = derTlv(Tag.Sequence, derTlv(Tag.Sequence, derOid(OID_DSA), params), derTlv(Tag.BitString, Uint8Array.of(0), whole(der, y)));
    return { kind: 'public-key', format: 'traditional-dsa', publicKey: spkiInfo(spki) };
  } catch (e) {
    if (e instanceof PkiError) throw e.message.startsWith('public key: ') ? e : new PkiError(`public key: ${e.message}`);
    throw new PkiError('public key: the DSA public key could not be read');
  }
}
