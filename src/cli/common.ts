// What several commands share: reading keys and certificates from files, key specs, writing outputs.

import { existsSync } from 'node:fs';
import { readFileLimited, writeFilesSafe } from '../core/write/files';
import type { KeySpec } from '../core/write/keygen';
import type { WorkBudget } from '../core/runtime/workBudget';
import { encodePrivateKey, generateKey, isEncryptedPrivateKey, loadPrivateKey } from '../core/write/keygen';
import { DEFAULT_MAX_BYTES, PkiError } from '../core/model';
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

/** --type / --new-key rsa|ec|ed25519 with --bits / --curve. Defaults: EC P-256; RSA 2048 (3072 for CAs). */
export function keySpec(type: string | undefined, bits: string | undefined, curve: string | undefined, forCa = false): KeySpec {
  const t = (type ?? 'ec').toLowerCase();
  if (t === 'rsa') {
    const n = bits === undefined ? (forCa ? 3072 : 2048) : Number(bits);
    if (!Number.isInteger(n) || n < 512 || n > 16384) throw new CliError(`--bits must be a whole number such as 2048, 3072 or 4096, got "${bits}"`, 2);
    return { type: 'rsa', bits: n };
  }
  if (t === 'ec') {
    const c = (curve ?? 'P-256').toUpperCase().replace(/^PRIME256V1$/, 'P-256').replace(/^SECP384R1$/, 'P-384').replace(/^SECP521R1$/, 'P-521');
    if (c !== 'P-256' && c !== 'P-384' && c !== 'P-521') throw new CliError(`--curve must be P-256, P-384 or P-521, got "${curve}"`, 2);
    return { type: 'ec', curve: c };
  }
  if (t === 'ed25519') return { type: 'ed25519' };
  throw new CliError(`key type must be rsa, ec or ed25519, got "${type}"`, 2);
}

export function describeSpec(s: KeySpec): string {
  return s.type === 'rsa' ? `RSA ${s.bits}` : s.type === 'ec' ? `EC ${s.curve}` : 'Ed25519';
}

export interface Output {
  path: string;
  data: string | Uint8Array;
  secret?: boolean;
  what: string;
}

/** Writes all outputs or none (refusing to overwrite unless --force), then says what was written. */
export function writeOutputs(outputs: Output[], force: boolean, io: CommandIo): void {
  let swept: string[];
  try {
    ({ swept } = writeFilesSafe(outputs.map(({ path, data, secret }) => ({ path, data, secret })), { overwrite: force }));
  } catch (e) {
    throw new CliError((e as Error).message);
  }
  reportSwept(io, swept);
  for (const o of outputs) io.err(`wrote ${o.path} (${o.what}${o.secret ? ', mode 0600' : ''})\n`);
}

/** Says which temporary files of an interrupted earlier write were removed (they may have held a private key). */
export function reportSwept(io: CommandIo, swept: string[]): void {
  for (const p of swept) io.err(`warning: removed ${p}, a temporary file left by an interrupted earlier write\n`);
}

export function warn(io: CommandIo, warnings: string[]): void {
  for (const w of warnings) io.err(`warning: ${w}\n`);
}

export function days(s: string | undefined): number | undefined {
  if (s === undefined) return undefined;
  const n = Number(s);
  if (!Number.isInteger(n) || n < 1 || n > 36500) throw new CliError(`--days must be a whole number of days from 1 to 36500, got "${s}"`, 2);
  return n;
}

export function required<T>(value: T | undefined, option: string, usage: string): T {
  if (value === undefined) throw new CliError(`${option} is required\n${usage}`, 2);
  return value;
}

/** Runs core work, turning its PkiError into a one-line CLI error prefixed with context. */
export async function core<T>(context: string, fn: () => T | Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof PkiError) throw new CliError(context ? `${context}: ${e.message}` : e.message);
    throw e;
  }
}

/** Fails early (before slow work such as key generation) when an output exists and --force was not given. */
export function checkOutputs(paths: (string | undefined)[], force: boolean): void {
  if (force) return;
  const seen = new Set<string>();
  for (const p of paths) {
    if (p === undefined) continue;
    if (seen.has(p)) throw new CliError(`${p} is named for two outputs`, 2);
    seen.add(p);
    if (existsSync(p)) throw new CliError(`${p} already exists (use --force to overwrite)`);
  }
}

export interface KeySourceValues {
  'key'?: string;
  'new-key'?: string;
  'key-out'?: string;
  'bits'?: string;
  'curve'?: string;
  'passphrase-file'?: string;
  'legacy'?: boolean;
  'allow-weak'?: boolean;
}

/** Options every command that takes "--key K | --new-key TYPE --key-out K" accepts. */
export const KEY_SOURCE_OPTIONS = {
  'key': { type: 'string' },
  'new-key': { type: 'string' },
  'key-out': { type: 'string' },
  'bits': { type: 'string' },
  'curve': { type: 'string' },
  'passphrase-file': { type: 'string' },
  'legacy': { type: 'boolean' },
  'allow-weak': { type: 'boolean' },
} as const;

/**
 * The subject key: an existing file (--key, decrypted with --passphrase-file when encrypted) or a new one
 * (--new-key TYPE, written to --key-out, encrypted with --passphrase-file when given). Returns the output to
 * write with the rest, so a certificate is never written without its new key (or the other way round).
 */
export async function keySource(v: KeySourceValues, io: CommandIo, usage: string, forCa = false): Promise<{ pkcs8: Uint8Array; output?: Output; spec?: KeySpec }> {
  if (v.key !== undefined && v['new-key'] !== undefined) throw new CliError(`give either --key or --new-key, not both\n${usage}`, 2);
  if (v.key !== undefined) return { pkcs8: await privateKeyIn(v.key, v['passphrase-file'], io) };
  if (v['new-key'] === undefined) throw new CliError(`give --key KEY or --new-key rsa|ec|ed25519 --key-out KEY\n${usage}`, 2);
  const keyOut = required(v['key-out'], '--key-out', usage);
  const spec = keySpec(v['new-key'], v.bits, v.curve, forCa);
  const pass = v['passphrase-file'] !== undefined ? await readSecret(v['passphrase-file'], io, 'passphrase') : undefined;
  const { privateKeyPkcs8 } = await core('', () => generateKey(spec, { allowWeak: v['allow-weak'] }));
  const data = await core('', () => encodePrivateKey(privateKeyPkcs8, { passphrase: pass, legacy: pass !== undefined && v.legacy }));
  return {
    pkcs8: privateKeyPkcs8,
    spec,
    output: { path: keyOut, data, secret: true, what: `${describeSpec(spec)} private key${pass ? ', encrypted' : ''}` },
  };
}
