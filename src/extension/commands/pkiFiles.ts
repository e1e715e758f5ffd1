// A file the commands work with: its objects, each with its DER as found (to convert, sign, export) and the
// engine reader's model of it (core read/fileObjects: the reader decides what each object is and decodes it),
// and the selections the commands make of them (its certificates, keys, CSRs, CRLs).

import type * as vscode from 'vscode';
import { messageOf } from '../../core/display/labels';
import type { CertificateModel, CrlModel, CsrModel, PkiObject } from '../../core/model';
import type { RawObject } from '../../core/read/read';
import { UserError } from './errors';
import type { Core } from './session';

export interface ObjectInfo {
  /** Position among the file's objects (PEM blocks in order; 0 for a DER file). */
  index: number;
  raw: RawObject;
  cert?: CertificateModel;
  csr?: CsrModel;
  crl?: CrlModel;
  /** Private keys: encrypted (a passphrase is needed to use it). */
  encrypted?: boolean;
  /** SHA-256 of the public key: certificates, CSRs and plain private keys. */
  spkiSha256?: string;
  /** Why the object does not decode; commands that need it say so. */
  problem?: string;
}

export interface PkiFile {
  uri: vscode.Uri;
  name: string;
  bytes: Uint8Array;
  objects: ObjectInfo[];
}

/** The file's objects, as the engine reads them (certificates judged `expiring` within `warnDays`). */
export function pkiFileOf(core: Core, file: { uri: vscode.Uri; name: string; bytes: Uint8Array }, warnDays: number): PkiFile {
  let found;
  try {
    found = core.fileObjects.fileObjects(file.bytes, { warnDays });
  } catch (e) {
    throw new UserError(`${file.name}: ${messageOf(e)}.`);
  }
  return { ...file, objects: found.map(({ raw, model, problem }, index) => objectInfo(index, raw, model, problem)) };
}

/** One object and what the commands look up in its model. */
export function objectInfo(index: number, raw: RawObject, model: PkiObject | undefined, problem?: string): ObjectInfo {
  const o: ObjectInfo = { index, raw, problem };
  if (model?.kind === 'certificate') o.cert = model;
  else if (model?.kind === 'csr') o.csr = model;
  else if (model?.kind === 'crl') o.crl = model;
  else if (model?.kind === 'private-key') o.encrypted = model.encrypted;
  // Equal for a key (known once it is not encrypted), its CSRs and its certificates.
  if (model?.kind === 'certificate' || model?.kind === 'csr' || model?.kind === 'private-key') o.spkiSha256 = model.publicKey?.spkiSha256;
  return o;
}

export function certificates(f: PkiFile): ObjectInfo[] {
  return f.objects.filter((o) => o.cert);
}

export function privateKeys(f: PkiFile): ObjectInfo[] {
  return f.objects.filter((o) => o.raw.kind === 'private-key' || o.raw.kind === 'legacy-encrypted-key');
}

export function csrs(f: PkiFile): ObjectInfo[] {
  return f.objects.filter((o) => o.csr);
}

export function crls(f: PkiFile): ObjectInfo[] {
  return f.objects.filter((o) => o.raw.kind === 'crl');
}

export function isPkcs12(f: PkiFile): boolean {
  return f.objects.length === 1 && f.objects[0].raw.kind === 'pkcs12';
}

/**
 * What loadPrivateKey and the passphrase functions take for one key object: its PEM block (so that the
 * output keeps the input's form, and legacy encryption its headers), or the DER of a DER file.
 */
export function keyData(core: Core, raw: RawObject): Uint8Array | string {
  return raw.pemLabel ? core.pem.encodePem(raw.pemLabel, raw.der, raw.headers) : raw.der;
}
