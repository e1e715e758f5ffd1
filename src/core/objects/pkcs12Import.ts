// What importing a PKCS#12 keystore writes (`tlsw p12 import` and Import PKCS#12…): its one private key, the
// certificate that holds that key's public key, the other certificates as the chain, and a file name made from the
// keystore's friendly name. One rule for both front ends, so NAME.crt always matches NAME.key.

import { plural } from '../display/labels';
import { PkiError } from '../model';
import { publicKeyOf } from './keys';
import type { RawPkcs12Bag } from './pkcs12';
import { decodeCertificate } from './x509';

export interface KeystoreParts {
  key?: RawPkcs12Bag;
  /** The key's certificate (with its public key); without a key, the first certificate. */
  leaf?: RawPkcs12Bag;
  /** Every other certificate, in the keystore's order. */
  chain: RawPkcs12Bag[];
  /** What the user should know, e.g. that the bags' localKeyId pointed elsewhere. */
  warnings: string[];
}

/**
 * Splits an opened keystore's bags into key, leaf and chain. The leaf is paired with the key by public key: a
 * localKeyId only labels the bags, and a keystore whose ids point at another certificate must not yield a
 * certificate that does not match the key. PkiError for several keys, or certificates none of which is the key's.
 */
export function keystoreParts(bags: RawPkcs12Bag[]): KeystoreParts {
  const keys = bags.filter((b) => b.type === 'private-key' && b.der);
  const certs = bags.filter((b) => b.type === 'certificate' && b.der);
  if (keys.length > 1) throw new PkiError(`it holds ${keys.length} private keys; only keystores with one key can be imported`);
  const key = keys[0];
  const warnings: string[] = [];
  let leaf = 0;
  if (key && certs.length > 0) {
    const keySpki = publicKeyOf(key.der!).spkiSha256;
    leaf = certs.findIndex((c) => decodeCertificate(c.der!, { now: new Date(), warnDays: 0 }).publicKey.spkiSha256 === keySpki);
    if (leaf < 0) throw new PkiError(`none of its ${plural(certs.length, 'certificate')} is the private key's (their public keys differ)`);
    const byId = key.localKeyId === undefined ? -1 : certs.findIndex((c) => c.localKeyId === key.localKeyId);
    if (byId >= 0 && byId !== leaf) warnings.push("the key's localKeyId names another certificate than the one with its public key; paired by public key");
  }
  return { key, leaf: certs[leaf], chain: certs.filter((_, i) => i !== leaf), warnings };
}

/**
 * A friendly name made safe as a file name: no separators, no dot-files, and never a leading "-" (`-rf.key` would
 * be taken as options by rm, cp…). Undefined when nothing usable is left.
 */
export function fileNameFrom(friendlyName: string | undefined): string | undefined {
  if (!friendlyName) return undefined;
  const s = friendlyName.replace(/[^A-Za-z0-9._ -]+/g, '_').replace(/^[.\s]+/, '').trim().slice(0, 100).replace(/^-/, '_');
  return s || undefined;
}
