// One home for the small words the engine shows people: a certificate's display name, an object kind, a key's
// short description, hex fingerprints, plurals, and an error as one line. The CLI, the extension and the webview
// call these (the inspector escapes the result for display with escape.ts's `printable`, like every front end).
// Pure and import-free at run time, so front ends may bundle it at startup without loading the engine.

import type { ObjectKind, PublicKeyInfo } from '../model';

interface NameLike {
  attributes: readonly { type: string; value: string }[];
}

/**
 * A name's common name: the last CN attribute, the most specific one (RFC 6125 §6.4.4; OpenSSL and curl match host
 * names against the last CN too). Undefined when there is none.
 */
export function commonNameOf(name: NameLike): string | undefined {
  for (let i = name.attributes.length - 1; i >= 0; i--) if (name.attributes[i].type === 'CN') return name.attributes[i].value;
  return undefined;
}

/** The name to show for a certificate, CSR or CA: its common name, else its subject line, else "(empty subject)". */
export function displayName(name: NameLike & { text: string }): string {
  return commonNameOf(name) || name.text || '(empty subject)';
}

/** An object kind in words, for sentences: "certificate request", "PKCS#12 keystore"… */
export const KIND_WORDS: Record<ObjectKind, string> = {
  'certificate': 'certificate',
  'csr': 'certificate request',
  'private-key': 'private key',
  'public-key': 'public key',
  'dh-parameters': 'DH parameters',
  'dsa-parameters': 'DSA parameters',
  'pkcs12': 'PKCS#12 keystore',
  'crl': 'CRL',
};

/** A key in a few words: "RSA 2048", "EC P-256" (or "EC 256-bit" for an unnamed curve), "Ed25519", "unknown algorithm". */
export function keyLabel(k: Pick<PublicKeyInfo, 'algorithm' | 'size' | 'curve'>): string {
  if (k.algorithm === 'RSA' || k.algorithm === 'DSA' || k.algorithm === 'DH') return `${k.algorithm} ${k.size}`;
  if (k.algorithm === 'EC') return `EC ${k.curve ?? `${k.size}-bit`}`;
  if (k.algorithm === 'unknown') return 'unknown algorithm';
  return k.algorithm;
}

/** Hex as OpenSSL prints fingerprints and key identifiers: uppercase, octets separated by colons ("0A:1B:…"). */
export function colonHex(hex: string): string {
  const even = hex.length % 2 ? `0${hex}` : hex;
  return even.toUpperCase().replace(/(..)(?!$)/g, '$1:');
}

/**
 * A fingerprint or thumbprint as shown and copied: uppercase hex, with colons (`colons`, as the inspector and the
 * report show it) or without (`plain`, what `netsh http add sslcert certhash=` and Windows' certificate store use).
 */
export function fingerprintText(hex: string, form: 'colons' | 'plain'): string {
  return form === 'colons' ? colonHex(hex) : hex.toUpperCase();
}

/** "1 day", "2 days"; `many` for irregular plurals. */
export function plural(n: number, word: string, many = `${word}s`): string {
  return `${n} ${n === 1 ? word : many}`;
}

/** Text on one line: runs of control characters and line/paragraph separators become one space. */
export function oneLine(s: string): string {
  // eslint-disable-next-line no-control-regex
  return String(s).replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ');
}

/**
 * An error's message for one line of output: the first line of the message, without a closing period (callers
 * punctuate). The engine's PkiErrors and Node's errors (ENOENT…) say what went wrong in words already; anything
 * thrown that is not an Error is shown as text.
 */
export function messageOf(e: unknown): string {
  const m = e instanceof Error ? e.message : String(e);
  return m.split('\n')[0].replace(/\.$/, '');
}

/** The error as one sentence: messageOf with its closing punctuation. */
export function sentence(e: unknown): string {
  const m = messageOf(e);
  return /[.!?)]$/.test(m) ? m : `${m}.`;
}
