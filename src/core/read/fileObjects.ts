// One file's objects as the front ends work with them: each object's DER as found (to convert, sign, export),
// beside the reader's model of it — readObjects decides what an object is and decodes it, here as everywhere — and
// the PEM label a DER object takes when it is converted to PEM (`tlsw convert` and Convert PEM ↔ DER).

import { encodePem } from '../der/pem';
import type { PkiObject, ReadOptions } from '../model';
import { PkiError } from '../model';
import { inspectPkcs12 } from '../objects/pkcs12';
import { rawObjects, readObjects, sniffDer, type RawObject } from './read';

/** One object of a file: its DER as found, and the reader's model of it (or why it does not decode). */
export interface FileObject {
  raw: RawObject;
  /** Undefined when it does not decode (see `problem`), and for a PKCS#12 keystore (not opened here). */
  model?: PkiObject;
  /** Why the object does not decode as what it claims to be, in one line. */
  problem?: string;
}

/**
 * Every object of `bytes` (PEM blocks in order, or the one DER structure), each with its model. Throws PkiError
 * when the file cannot be split into objects at all (a broken PEM block, DER that is not DER). The caller has read
 * the file under its own size limit.
 */
export function fileObjects(bytes: Uint8Array, opts: Omit<ReadOptions, 'maxBytes'> = {}): FileObject[] {
  return rawObjects(bytes).map((raw) => ({ raw, ...readRawObject(raw, opts) }));
}

/**
 * The reader's model of one object as found in a file, or why it does not decode. A PKCS#12 keystore is only
 * checked for its structure: opening it may cost key derivation (the empty password is tried), which front ends
 * run where they choose (the extension in its worker), with the password when they have it.
 */
export function readRawObject(raw: RawObject, opts: Omit<ReadOptions, 'maxBytes'> = {}): Pick<FileObject, 'model' | 'problem'> {
  if (raw.kind === 'pkcs12') {
    try {
      inspectPkcs12(raw.der);
      return {};
    } catch (e) {
      if (e instanceof PkiError) return { problem: e.message };
      throw e;
    }
  }
  // The object alone, in the form it was found in (a PEM block keeps its label and headers).
  const bytes = raw.pemLabel ? new TextEncoder().encode(encodePem(raw.pemLabel, raw.der, raw.headers)) : raw.der;
  const { objects, problems } = readObjects(bytes, { ...opts, maxBytes: Number.MAX_SAFE_INTEGER });
  const problem = problems.find((p) => p.severity === 'error') ?? (objects.length === 1 ? undefined : problems[0]);
  // The block's number and label are the file's business: the caller names the object its own way.
  if (problem) return { problem: problem.message.replace(/^block \d+ \([^)]*\): /, '') };
  return objects.length === 1 ? { model: objects[0] } : { problem: 'not one object' };
}

/**
 * The PEM label of an object: the one it was found under, else the one its DER structure calls for
 * (pemLabelOfDer). Undefined for what has no PEM form (a PKCS#12 keystore is binary; an unknown object).
 */
export function pemLabelFor(raw: RawObject): string | undefined {
  if (raw.pemLabel) return raw.pemLabel;
  if (raw.kind === 'pkcs12' || raw.kind === 'unknown' || raw.kind === 'legacy-encrypted-key') return undefined;
  return pemLabelOfDer(raw.der);
}

/**
 * The PEM label OpenSSL writes for a DER object, from its structure: a key's label follows PKCS#1, SEC1, PKCS#8 or
 * encrypted PKCS#8; DH parameters are PKCS#3 ("DH PARAMETERS") or X9.42 ("X9.42 DH PARAMETERS", which openssl
 * refuses under the PKCS#3 label). Undefined when the DER is none of these.
 */
export function pemLabelOfDer(der: Uint8Array): string | undefined {
  const k = sniffDer(der);
  switch (k?.kind) {
    case 'certificate':
      return 'CERTIFICATE';
    case 'csr':
      return 'CERTIFICATE REQUEST';
    case 'crl':
      return 'X509 CRL';
    case 'dh-parameters':
      return k.format === 'x942' ? 'X9.42 DH PARAMETERS' : 'DH PARAMETERS';
    case 'dsa-parameters':
      return 'DSA PARAMETERS';
    case 'private-key':
      return k.hint === 'pkcs1' ? 'RSA PRIVATE KEY' : k.hint === 'sec1' ? 'EC PRIVATE KEY' : k.hint === 'encrypted-pkcs8' ? 'ENCRYPTED PRIVATE KEY' : 'PRIVATE KEY';
    case 'public-key':
      return k.format === 'traditional-dsa' ? 'DSA PUBLIC KEY' : k.format === 'pkcs1' ? 'RSA PUBLIC KEY' : 'PUBLIC KEY';
    default:
      return undefined;
  }
}
