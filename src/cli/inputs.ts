// Reading what a command is given: a file (under the size limit), the objects in it — its certificates, CRLs or
// one CSR — and a private key, decrypted with the passphrase from a file when it is encrypted.

import type { WorkBudget } from '../core/runtime/workBudget';
import { isEncryptedPrivateKey, loadPrivateKey } from '../core/write/keygen';
import { readFileLimited } from '../core/write/files';
import { DEFAULT_MAX_BYTES } from '../core/model';
import { rawObjects, type RawObject } from '../core/read/read';
import { readSecret } from './args';
import { CliError, type CommandIo } from './io';

export function readInput(path: string): Uint8Array {
  try {
    return readFileLimited(path, DEFAULT_MAX_BYTES);
  } catch (e) {
    throw new CliError((e as Error).message);
  }
}

export function objectsIn(path: string): RawObject[] {
  try {
    return rawObjects(readInput(path));
  } catch (e) {
    if (e instanceof CliError) throw e;
    throw new CliError(`${path}: ${(e as Error).message}`);
  }
}

/** Every certificate in the file, as DER. */
export function certificatesIn(path: string): Uint8Array[] {
  const certs = objectsIn(path).filter((o) => o.kind === 'certificate');
  if (certs.length === 0) throw new CliError(`${path}: no certificate in this file`);
  return certs.map((o) => o.der);
}

/** Every CRL in the file, as DER. */
export function crlsIn(path: string): Uint8Array[] {
  const crls = objectsIn(path).filter((o) => o.kind === 'crl');
  if (crls.length === 0) throw new CliError(`${path}: no CRL in this file`);
  return crls.map((o) => o.der);
}

/** The one CSR in the file, as DER. */
export function csrIn(path: string): Uint8Array {
  const csrs = objectsIn(path).filter((o) => o.kind === 'csr');
  if (csrs.length !== 1) throw new CliError(`${path}: expected one certificate request, found ${csrs.length}`);
  return csrs[0].der;
}

/** A private key file → plain PKCS#8 DER, asking for (or reading) the passphrase when it is encrypted. */
export async function privateKeyIn(path: string, passphraseFile: string | undefined, io: CommandIo, option = '--passphrase-file', budget?: WorkBudget): Promise<Uint8Array> {
  const data = readInput(path);
  let passphrase: string | undefined;
  if (isEncryptedPrivateKey(data)) {
    if (passphraseFile === undefined) throw new CliError(`${path}: the key is encrypted; give its passphrase with ${option} F`);
    passphrase = await readSecret(passphraseFile, io, 'passphrase');
  }
  try {
    return loadPrivateKey(data, passphrase, budget);
  } catch (e) {
    throw new CliError(`${path}: ${(e as Error).message}`);
  }
}
