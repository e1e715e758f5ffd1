// tlsw p12 export / import — PKCS#12 (PFX) keystores.

import { basename, extname, join } from 'node:path';
import { encodePrivateKey } from '../core/write/keygen';
import { printable } from '../core/display/escape';
import { encodePem } from '../core/der/pem';
import { exportPkcs12, readPkcs12, type RawPkcs12Bag } from '../core/objects/pkcs12';
import { spkiOfPrivateKey } from '../core/objects/keys';
import { spkiInfo } from '../core/objects/publicKey';
import { decodeCertificate } from '../core/objects/x509';
import { parse, readSecret } from './args';
import { certificatesIn, checkOutputs, core, privateKeyIn, readInput, required, writeOutputs, type Output } from './common';
import { CliError, type CommandIo } from './io';
import { MAX_WORK_OPTION, MAX_WORK_USAGE, workBudget } from './work';

const USAGE = `Usage:
  tlsw p12 export --cert X.crt --key X.key [--chain CA.crt …] [--passphrase-file F] --password-file PW
                  [--name FRIENDLY] [--legacy] [--force] -o X.p12
  tlsw p12 import X.p12 [--password-file PW] --out-dir DIR [--key-passphrase-file F] [--max-work N] [--force]

export: modern protection by default (PBES2 AES-256-CBC, PBKDF2-HMAC-SHA256, SHA-256 MAC), which OpenSSL 3,
Java 11+ and Windows 10 1709+ read; --legacy uses 3DES / RC2-40 with a SHA-1 MAC for old Windows and Java 8.
--passphrase-file decrypts an encrypted --key; --password-file protects the keystore (an empty file: an empty
password, which protects nothing).
import: writes NAME.crt (the certificate matching the key), NAME.key (0600; encrypted when
--key-passphrase-file is given) and NAME-chain.pem (the other certificates), NAME being the keystore's name.
Without --password-file the empty password is tried (keystores exported without one).
${MAX_WORK_USAGE}`;

export async function run(argv: string[], io: CommandIo): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === 'export') return exportCommand(rest, io);
  if (sub === 'import') return importCommand(rest, io);
  if (sub === '--help' || sub === '-h') {
    io.out(USAGE + '\n');
    return 0;
  }
  throw new CliError(`${sub === undefined ? 'choose' : `unknown p12 command "${sub}":`} export or import\n${USAGE}`, 2);
}

async function exportCommand(argv: string[], io: CommandIo): Promise<number> {
  const { values } = parse(
    argv,
    {
      'cert': { type: 'string' },
      'key': { type: 'string' },
      'chain': { type: 'string', multiple: true },
      'passphrase-file': { type: 'string' },
      'password-file': { type: 'string' },
      'name': { type: 'string' },
      'legacy': { type: 'boolean' },
      'force': { type: 'boolean' },
      'out': { type: 'string', short: 'o' },
    },
    USAGE,
    { positionals: false },
  );
  const out = required(values.out, '-o', USAGE);
  const certPath = required(values.cert, '--cert', USAGE);
  const keyPath = required(values.key, '--key', USAGE);
  const passwordFile = required(values['password-file'], '--password-file', USAGE);
  checkOutputs([out], !!values.force);
  const [certificate, ...moreInCertFile] = certificatesIn(certPath);
  const chain = [...moreInCertFile, ...(values.chain ?? []).flatMap((c) => certificatesIn(c))];
  const privateKeyPkcs8 = await privateKeyIn(keyPath, values['passphrase-file'], io);
  const certKey = await core(certPath, () => decodeCertificate(certificate, { now: new Date(), warnDays: 0 }).publicKey.spkiSha256);
  const keyKey = await core(keyPath, () => spkiInfo(spkiOfPrivateKey(privateKeyPkcs8)).spkiSha256);
  if (certKey !== keyKey) throw new CliError(`${keyPath} is not the private key of ${certPath} (their public keys differ)`);
  const password = await readSecret(passwordFile, io, 'password', { allowEmpty: true });
  const p12 = await core('', () => exportPkcs12({ certificate, privateKeyPkcs8, chain, password, friendlyName: values.name, legacy: values.legacy }));
  writeOutputs([{ path: out, data: p12, secret: true, what: `PKCS#12 with 1 key and ${1 + chain.length} certificate${chain.length ? 's' : ''}, ${values.legacy ? 'legacy 3DES/RC2 + SHA-1 MAC' : 'AES-256 + SHA-256 MAC'}${password === '' ? ', empty password' : ''}` }], !!values.force, io);
  return 0;
}

async function importCommand(argv: string[], io: CommandIo): Promise<number> {
  const { values, positionals } = parse(
    argv,
    {
      'password-file': { type: 'string' },
      'out-dir': { type: 'string' },
      'key-passphrase-file': { type: 'string' },
      'force': { type: 'boolean' },
      ...MAX_WORK_OPTION,
    },
    USAGE,
  );
  const budget = workBudget(values['max-work']);
  const [p12Path] = positionals;
  if (!p12Path || positionals.length > 1) throw new CliError(`give exactly one PKCS#12 file\n${USAGE}`, 2);
  const dir = required(values['out-dir'], '--out-dir', USAGE);
  const password = values['password-file'] !== undefined ? await readSecret(values['password-file'], io, 'password', { allowEmpty: true }) : undefined;
  const keyPass = values['key-passphrase-file'] !== undefined ? await readSecret(values['key-passphrase-file'], io, 'passphrase') : undefined;
  const opened = await core(p12Path, () => readPkcs12(readInput(p12Path), password, budget));
  if (!opened.decrypted) throw new CliError(`${p12Path}: the keystore is password-protected; give its password with --password-file PW`);
  const keys = opened.bags.filter((b) => b.type === 'private-key' && b.der);
  const certs = opened.bags.filter((b) => b.type === 'certificate' && b.der);
  if (keys.length > 1) throw new CliError(`${p12Path} holds ${keys.length} private keys; only keystores with one key can be imported`);
  const key = keys[0];
  const leafIndex = key?.der ? await core(p12Path, () => leafOf(key, certs, p12Path, io)) : 0;
  const name = safeName(key?.friendlyName ?? certs[leafIndex]?.friendlyName) ?? basename(p12Path, extname(p12Path)).replace(/^-/, '_');
  const outputs: Output[] = [];
  if (certs[leafIndex]) outputs.push({ path: join(dir, `${name}.crt`), data: encodePem('CERTIFICATE', certs[leafIndex].der!), what: 'certificate' });
  if (key?.der) {
    const data = await core('', () => encodePrivateKey(key.der!, { passphrase: keyPass }));
    outputs.push({ path: join(dir, `${name}.key`), data, secret: true, what: `private key${keyPass ? ', encrypted' : ''}` });
  }
  const chain = certs.filter((_, i) => i !== leafIndex);
  if (chain.length > 0) outputs.push({ path: join(dir, `${name}-chain.pem`), data: chain.map((c) => encodePem('CERTIFICATE', c.der!)).join(''), what: `${chain.length} CA certificate${chain.length > 1 ? 's' : ''}` });
  if (outputs.length === 0) throw new CliError(`${p12Path}: no certificate or key inside`);
  writeOutputs(outputs, !!values.force, io);
  return 0;
}

/**
 * Which certificate is the key's: the one with the key's public key. A localKeyId only labels the bags, and a
 * keystore whose ids point at another certificate must not yield a NAME.crt that does not match NAME.key; a
 * keystore holding certificates, none of them the key's, is refused.
 */
function leafOf(key: RawPkcs12Bag, certs: RawPkcs12Bag[], p12Path: string, io: CommandIo): number {
  if (certs.length === 0) return 0;
  const keySpki = spkiInfo(spkiOfPrivateKey(key.der!)).spkiSha256;
  const leaf = certs.findIndex((c) => decodeCertificate(c.der!, { now: new Date(), warnDays: 0 }).publicKey.spkiSha256 === keySpki);
  if (leaf < 0) {
    throw new CliError(`${p12Path}: none of its ${certs.length} certificate${certs.length === 1 ? ' is' : 's is'} the private key's (their public keys differ); nothing written`);
  }
  const byId = key.localKeyId === undefined ? -1 : certs.findIndex((c) => c.localKeyId === key.localKeyId);
  if (byId >= 0 && byId !== leaf) {
    io.err(`warning: ${printable(p12Path)}: the key's localKeyId names another certificate than the one with its public key; paired by public key\n`);
  }
  return leaf;
}

/** A friendly name made safe as a file name (no separators, no dot-files, no leading "-"). */
function safeName(name: string | undefined): string | undefined {
  if (!name) return undefined;
  // Never a leading "-" either: `-rf.key` would be taken as options by rm, cp…
  const s = name.replace(/[^A-Za-z0-9._ -]+/g, '_').replace(/^[.\s]+/, '').trim().slice(0, 100).replace(/^-/, '_');
  return s || undefined;
}
