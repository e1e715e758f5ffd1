// DH parameters: PKCS#3 DHParameter and X9.42 DomainParameters → DhParametersModel, well-known groups
// (RFC 7919 FFDHE, RFC 3526 / RFC 2409 MODP) and a PKCS#3 encoder. DSA domain parameters (`DSA PARAMETERS`)
// → DsaParametersModel, and telling DSA structures from DH ones when there is no PEM label.

import { getDiffieHellman } from 'node:crypto';
import { Tag, children, expectTag, integerBits, integerHex, readRoot, validateTree } from '../der/asn1';
import type { Tlv } from '../der/asn1';
import { derTlv, derUnsigned } from '../der/encode';
import type { Decoded, DhParametersModel, DsaParametersModel } from '../model';
import { PkiError } from '../model';

// RFC 7919 appendix A primes (generator 2), checked against `openssl genpkey -genparam -algorithm DH
// -pkeyopt group:ffdheNNNN` by the unit tests.
const FFDHE2048_PRIME =
  'ffffffffffffffffadf85458a2bb4a9aafdc5620273d3cf1d8b9c583ce2d3695a9e13641146433fbcc939dce249b3ef9' +
  '7d2fe363630c75d8f681b202aec4617ad3df1ed5d5fd65612433f51f5f066ed0856365553ded1af3b557135e7f57c935' +
  '984f0c70e0e68b77e2a689daf3efe8721df158a136ade73530acca4f483a797abc0ab182b324fb61d108a94bb2c8e3fb' +
  'b96adab760d7f4681d4f42a3de394df4ae56ede76372bb190b07a7c8ee0a6d709e02fce1cdf7e2ecc03404cd28342f61' +
  '9172fe9ce98583ff8e4f1232eef28183c3fe3b1b4c6fad733bb5fcbc2ec22005c58ef1837d1683b2c6f34a26c1b2effa' +
  '886b423861285c97ffffffffffffffff';

const FFDHE3072_PRIME =
  'ffffffffffffffffadf85458a2bb4a9aafdc5620273d3cf1d8b9c583ce2d3695a9e13641146433fbcc939dce249b3ef9' +
  '7d2fe363630c75d8f681b202aec4617ad3df1ed5d5fd65612433f51f5f066ed0856365553ded1af3b557135e7f57c935' +
  '984f0c70e0e68b77e2a689daf3efe8721df158a136ade73530acca4f483a797abc0ab182b324fb61d108a94bb2c8e3fb' +
  'b96adab760d7f4681d4f42a3de394df4ae56ede76372bb190b07a7c8ee0a6d709e02fce1cdf7e2ecc03404cd28342f61' +
  '9172fe9ce98583ff8e4f1232eef28183c3fe3b1b4c6fad733bb5fcbc2ec22005c58ef1837d1683b2c6f34a26c1b2effa' +
  '886b4238611fcfdcde355b3b6519035bbc34f4def99c023861b46fc9d6e6c9077ad91d2691f7f7ee598cb0fac186d91c' +
  'aefe130985139270b4130c93bc437944f4fd4452e2d74dd364f2e21e71f54bff5cae82ab9c9df69ee86d2bc522363a0d' +
  'abc521979b0deada1dbf9a42d5c4484e0abcd06bfa53ddef3c1b20ee3fd59d7c25e41d2b66c62e37ffffffffffffffff';

const FFDHE4096_PRIME =
  'ffffffffffffffffadf85458a2bb4a9aafdc5620273d3cf1d8b9c583ce2d3695a9e13641146433fbcc939dce249b3ef9' +
  '7d2fe363630c75d8f681b202aec4617ad3df1ed5d5fd65612433f51f5f066ed0856365553ded1af3b557135e7f57c935' +
  '984f0c70e0e68b77e2a689daf3efe8721df158a136ade73530acca4f483a797abc0ab182b324fb61d108a94bb2c8e3fb' +
  'b96adab760d7f4681d4f42a3de394df4ae56ede76372bb190b07a7c8ee0a6d709e02fce1cdf7e2ecc03404cd28342f61' +
  '9172fe9ce98583ff8e4f1232eef28183c3fe3b1b4c6fad733bb5fcbc2ec22005c58ef1837d1683b2c6f34a26c1b2effa' +
  '886b4238611fcfdcde355b3b6519035bbc34f4def99c023861b46fc9d6e6c9077ad91d2691f7f7ee598cb0fac186d91c' +
  'aefe130985139270b4130c93bc437944f4fd4452e2d74dd364f2e21e71f54bff5cae82ab9c9df69ee86d2bc522363a0d' +
  'abc521979b0deada1dbf9a42d5c4484e0abcd06bfa53ddef3c1b20ee3fd59d7c25e41d2b669e1ef16e6f52c3164df4fb' +
  '7930e9e4e58857b6ac7d5f42d69f6d187763cf1d5503400487f55ba57e31cc7a7135c886efb4318aed6a1e012d9e6832' +
  'a907600a918130c46dc778f971ad0038092999a333cb8b7a1a1db93d7140003c2a4ecea9f98d0acc0a8291cdcec97dcf' +
  '8ec9b55a7f88a46b4db5a851f44182e1c68a007e5e655f6affffffffffffffff';

const FFDHE6144_PRIME =
  'ffffffffffffffffadf85458a2bb4a9aafdc5620273d3cf1d8b9c583ce2d3695a9e13641146433fbcc939dce249b3ef9' +
  '7d2fe363630c75d8f681b202aec4617ad3df1ed5d5fd65612433f51f5f066ed0856365553ded1af3b557135e7f57c935' +
  '984f0c70e0e68b77e2a689daf3efe8721df158a136ade73530acca4f483a797abc0ab182b324fb61d108a94bb2c8e3fb' +
  'b96adab760d7f4681d4f42a3de394df4ae56ede76372bb190b07a7c8ee0a6d709e02fce1cdf7e2ecc03404cd28342f61' +
  '9172fe9ce98583ff8e4f1232eef28183c3fe3b1b4c6fad733bb5fcbc2ec22005c58ef1837d1683b2c6f34a26c1b2effa' +
  '886b4238611fcfdcde355b3b6519035bbc34f4def99c023861b46fc9d6e6c9077ad91d2691f7f7ee598cb0fac186d91c' +
  'aefe130985139270b4130c93bc437944f4fd4452e2d74dd364f2e21e71f54bff5cae82ab9c9df69ee86d2bc522363a0d' +
  'abc521979b0deada1dbf9a42d5c4484e0abcd06bfa53ddef3c1b20ee3fd59d7c25e41d2b669e1ef16e6f52c3164df4fb' +
  '7930e9e4e58857b6ac7d5f42d69f6d187763cf1d5503400487f55ba57e31cc7a7135c886efb4318aed6a1e012d9e6832' +
  'a907600a918130c46dc778f971ad0038092999a333cb8b7a1a1db93d7140003c2a4ecea9f98d0acc0a8291cdcec97dcf' +
  '8ec9b55a7f88a46b4db5a851f44182e1c68a007e5e0dd9020bfd64b645036c7a4e677d2c38532a3a23ba4442caf53ea6' +
  '3bb454329b7624c8917bdd64b1c0fd4cb38e8c334c701c3acdad0657fccfec719b1f5c3e4e46041f388147fb4cfdb477' +
  'a52471f7a9a96910b855322edb6340d8a00ef092350511e30abec1fff9e3a26e7fb29f8c183023c3587e38da0077d9b4' +
  '763e4e4b94b2bbc194c6651e77caf992eeaac0232a281bf6b3a739c1226116820ae8db5847a67cbef9c9091b462d538c' +
  'd72b03746ae77f5e62292c311562a846505dc82db854338ae49f5235c95b91178ccf2dd5cacef403ec9d1810c6272b04' +
  '5b3b71f9dc6b80d63fdd4a8e9adb1e6962a69526d43161c1a41d570d7938dad4a40e329cd0e40e65ffffffffffffffff';

const FFDHE8192_PRIME =
  'ffffffffffffffffadf85458a2bb4a9aafdc5620273d3cf1d8b9c583ce2d3695a9e13641146433fbcc939dce249b3ef9' +
  '7d2fe363630c75d8f681b202aec4617ad3df1ed5d5fd65612433f51f5f066ed0856365553ded1af3b557135e7f57c935' +
  '984f0c70e0e68b77e2a689daf3efe8721df158a136ade73530acca4f483a797abc0ab182b324fb61d108a94bb2c8e3fb' +
  'b96adab760d7f4681d4f42a3de394df4ae56ede76372bb190b07a7c8ee0a6d709e02fce1cdf7e2ecc03404cd28342f61' +
  '9172fe9ce98583ff8e4f1232eef28183c3fe3b1b4c6fad733bb5fcbc2ec22005c58ef1837d1683b2c6f34a26c1b2effa' +
  '886b4238611fcfdcde355b3b6519035bbc34f4def99c023861b46fc9d6e6c9077ad91d2691f7f7ee598cb0fac186d91c' +
  'aefe130985139270b4130c93bc437944f4fd4452e2d74dd364f2e21e71f54bff5cae82ab9c9df69ee86d2bc522363a0d' +
  'abc521979b0deada1dbf9a42d5c4484e0abcd06bfa53ddef3c1b20ee3fd59d7c25e41d2b669e1ef16e6f52c3164df4fb' +
  '7930e9e4e58857b6ac7d5f42d69f6d187763cf1d5503400487f55ba57e31cc7a7135c886efb4318aed6a1e012d9e6832' +
  'a907600a918130c46dc778f971ad0038092999a333cb8b7a1a1db93d7140003c2a4ecea9f98d0acc0a8291cdcec97dcf' +
  '8ec9b55a7f88a46b4db5a851f44182e1c68a007e5e0dd9020bfd64b645036c7a4e677d2c38532a3a23ba4442caf53ea6' +
  '3bb454329b7624c8917bdd64b1c0fd4cb38e8c334c701c3acdad0657fccfec719b1f5c3e4e46041f388147fb4cfdb477' +
  'a52471f7a9a96910b855322edb6340d8a00ef092350511e30abec1fff9e3a26e7fb29f8c183023c3587e38da0077d9b4' +
  '763e4e4b94b2bbc194c6651e77caf992eeaac0232a281bf6b3a739c1226116820ae8db5847a67cbef9c9091b462d538c' +
  'd72b03746ae77f5e62292c311562a846505dc82db854338ae49f5235c95b91178ccf2dd5cacef403ec9d1810c6272b04' +
  '5b3b71f9dc6b80d63fdd4a8e9adb1e6962a69526d43161c1a41d570d7938dad4a40e329ccff46aaa36ad004cf600c838' +
  '1e425a31d951ae64fdb23fcec9509d43687feb69edd1cc5e0b8cc3bdf64b10ef86b63142a3ab8829555b2f747c932665' +
  'cb2c0f1cc01bd70229388839d2af05e454504ac78b7582822846c0ba35c35f5c59160cc046fd8251541fc68c9c86b022' +
  'bb7099876a460e7451a8a93109703fee1c217e6c3826e52c51aa691e0e423cfc99e9e31650c1217b624816cdad9a95f9' +
  'd5b8019488d9c0a0a1fe3075a577e23183f81d4a3f2fa4571efc8ce0ba8a4fe8b6855dfe72b0a66eded2fbabfbe58a30' +
  'fafabe1c5d71a87e2f741ef8c1fe86fea6bbfde530677f0d97d11d49f7a8443d0822e506a9f4614e011e2a94838ff88c' +
  'd68c8bb7c5c6424cffffffffffffffff';

/** RFC 7919 groups, e.g. to write ecFlow's dh2048.pem (`encodeDhParameters(FFDHE.ffdhe2048.prime, 2)`). */
export const FFDHE: Record<'ffdhe2048' | 'ffdhe3072' | 'ffdhe4096', { prime: string; generator: 2 }> = {
  ffdhe2048: { prime: FFDHE2048_PRIME, generator: 2 },
  ffdhe3072: { prime: FFDHE3072_PRIME, generator: 2 },
  ffdhe4096: { prime: FFDHE4096_PRIME, generator: 2 },
};

const FFDHE_PRIMES: Record<string, string> = {
  ffdhe2048: FFDHE2048_PRIME,
  ffdhe3072: FFDHE3072_PRIME,
  ffdhe4096: FFDHE4096_PRIME,
  ffdhe6144: FFDHE6144_PRIME,
  ffdhe8192: FFDHE8192_PRIME,
};

/** Node's built-in MODP groups (RFC 2409 groups 1–2, RFC 3526 groups 5 and 14–18), named as OpenSSL names them. */
const MODP_GROUPS: [string, string][] = [
  ['modp1', 'modp_768'],
  ['modp2', 'modp_1024'],
  ['modp5', 'modp_1536'],
  ['modp14', 'modp_2048'],
  ['modp15', 'modp_3072'],
  ['modp16', 'modp_4096'],
  ['modp17', 'modp_6144'],
  ['modp18', 'modp_8192'],
];

let knownPrimes: Map<string, string> | undefined;

/** Prime (lowercase hex, no leading zeros) → group name. Built on first use. */
function namedPrimes(): Map<string, string> {
  if (knownPrimes) return knownPrimes;
  const map = new Map<string, string>();
  for (const [name, prime] of Object.entries(FFDHE_PRIMES)) map.set(prime, name);
  for (const [nodeName, name] of MODP_GROUPS) {
    try {
      map.set(getDiffieHellman(nodeName).getPrime('hex').replace(/^(00)+/, ''), name);
    } catch {
      // A Node build without this group: it simply is not recognised.
    }
  }
  knownPrimes = map;
  return map;
}

/** The well-known group whose prime is `primeHex` (any case, leading zeros ignored), if any. */
function namedDhGroup(primeHex: string): string | undefined {
  return namedPrimes().get(primeHex.toLowerCase().replace(/^0+/, ''));
}

function positiveInteger(bytes: Uint8Array, t: Tlv, what: string): string {
  expectTag(t, Tag.Integer, what);
  if (t.end === t.contentStart) throw new PkiError(`${what} is empty`);
  if (bytes[t.contentStart] & 0x80) throw new PkiError(`${what} is negative`);
  const hex = integerHex(bytes, t);
  if (/^0*$/.test(hex)) throw new PkiError(`${what} is zero`);
  return hex;
}

/**
 * Decodes PKCS#3 `DHParameter ::= SEQUENCE { p, g, privateValueLength OPTIONAL }` or X9.42
 * `DomainParameters ::= SEQUENCE { p, g, q, j OPTIONAL, validationParms OPTIONAL }` (RFC 3279).
 * `_format` is what the PEM label says; the structure decides when the two disagree (a PKCS#3 third
 * element is a small length, an X9.42 q is a large prime), so the model always describes the bytes.
 */
export function decodeDhParameters(der: Uint8Array, _format: 'pkcs3' | 'x942'): Decoded<DhParametersModel> {
  try {
    const root = expectTag(readRoot(der), Tag.Sequence, 'DH parameters SEQUENCE');
    validateTree(der, root);
    const kids = children(der, root);
    if (kids.length < 2) throw new PkiError('the prime and the generator are missing');
    const prime = positiveInteger(der, kids[0], 'the prime p');
    const g = positiveInteger(der, kids[1], 'the generator g');
    const third = kids[2];
    // PKCS#3 privateValueLength is a bit count; an X9.42 q is a prime of 160 bits or more.
    const isX942 = kids.length > 3 || (third !== undefined && (third.tag !== Tag.Integer || integerBits(der, third) > 32));
    const actual: 'pkcs3' | 'x942' = isX942 ? 'x942' : 'pkcs3';
    if (actual === 'x942' && third) {
      positiveInteger(der, third, 'the subgroup order q');
      if (kids[3] && kids[3].tag !== Tag.Integer && kids[3].tag !== Tag.Sequence) {
        throw new PkiError('unexpected element after q');
      }
    } else if (third) {
      positiveInteger(der, third, 'privateValueLength');
    }
    const primeBits = integerBits(der, kids[0]);
    const model: Decoded<DhParametersModel> = { kind: 'dh-parameters', format: actual, primeBits, generator: 0 };
    if (g.length <= 12) model.generator = parseInt(g, 16);
    else model.generatorHex = g;
    const group = namedDhGroup(prime);
    if (group) model.namedGroup = group;
    return model;
  } catch (e) {
    throw dhError(e);
  }
}

/** A DH/DSA parameter decoding failure, prefixed with what was being read (once). */
function dhError(e: unknown, what = 'DH parameters'): PkiError {
  if (e instanceof PkiError) return e.message.startsWith(`${what}: `) ? e : new PkiError(`${what}: ${e.message}`);
  return new PkiError(`${what}: the data could not be read`);
}

/** Decodes DSA domain parameters `Dss-Parms ::= SEQUENCE { p, q, g }` (what `openssl dsaparam` writes). */
export function decodeDsaParameters(der: Uint8Array): Decoded<DsaParametersModel> {
  try {
    const root = expectTag(readRoot(der), Tag.Sequence, 'DSA parameters SEQUENCE');
    validateTree(der, root);
    const kids = children(der, root);
    if (kids.length !== 3) throw new PkiError(`DSA parameters are SEQUENCE { p, q, g } (3 integers), found ${kids.length} elements`);
    positiveInteger(der, kids[0], 'the prime p');
    positiveInteger(der, kids[1], 'the subgroup order q');
    positiveInteger(der, kids[2], 'the generator g');
    return { kind: 'dsa-parameters', primeBits: integerBits(der, kids[0]), subgroupBits: integerBits(der, kids[1]), generatorBits: integerBits(der, kids[2]) };
  } catch (e) {
    throw dhError(e, 'DSA parameters');
  }
}

/**
 * Which DSA structure a SEQUENCE of INTEGERs is, judged by arithmetic rather than sizes alone: `parameters` for
 * `{ p, q, g }`, `public-key` for OpenSSL's `{ y, p, q, g }`, when q divides p − 1 and 1 < g < p (an X9.42 DH
 * `{ p, g, q, … }` or an RSA key never passes). Undefined otherwise. For DER without a PEM label.
 */
export function dsaShape(der: Uint8Array, ints: readonly Tlv[]): 'parameters' | 'public-key' | undefined {
  if (ints.length !== 3 && ints.length !== 4) return undefined;
  if (ints.some((t) => t.tag !== Tag.Integer || t.end === t.contentStart || der[t.contentStart] & 0x80)) return undefined;
  const [p, q, g] = ints.length === 3 ? ints : ints.slice(1);
  const pBits = integerBits(der, p);
  const qBits = integerBits(der, q);
  // FIPS 186: q of 160–256 bits, p of 512 bits and more; a little slack either way.
  if (pBits < 256 || pBits > 16384 || qBits < 128 || qBits > 512 || qBits >= pBits) return undefined;
  const big = (t: Tlv) => BigInt(`0x${integerHex(der, t)}`);
  const pv = big(p);
  const gv = big(g);
  if ((pv - 1n) % big(q) !== 0n || gv <= 1n || gv >= pv) return undefined;
  if (ints.length === 4) {
    const y = big(ints[0]);
    if (y <= 1n || y >= pv) return undefined;
  }
  return ints.length === 3 ? 'parameters' : 'public-key';
}

/** PKCS#3 DER `SEQUENCE { p, g }` — what `openssl dhparam` writes and reads. */
export function encodeDhParameters(primeHex: string, generator: number): Uint8Array {
  const hex = primeHex.replace(/\s+/g, '');
  if (!/^[0-9a-fA-F]+$/.test(hex) || /^0*$/.test(hex)) throw new PkiError('DH parameters: the prime must be a non-zero hexadecimal number');
  if (!Number.isSafeInteger(generator) || generator < 2) throw new PkiError('DH parameters: the generator must be an integer of at least 2');
  if (BigInt(generator) >= BigInt(`0x${hex}`)) throw new PkiError('DH parameters: the generator must be smaller than the prime');
  return derTlv(Tag.Sequence, derUnsigned(hex), derUnsigned(generator));
}
