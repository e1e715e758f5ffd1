// tlsw p12 export / import — PKCS#12 (PFX) keystores.

import { basename, extname, join } from 'node:path';
import { encodePrivateKey } from '../core/write/keygen';
import { printable } from '../core/display/escape';
import { encodePem } from '../core/der/pem';
import { exportPkcs12, readPkcs12 } from '../core/objects/pkcs12';
import { fileNameFrom, keystoreParts } from '../core/objects/pkcs12Import';
import { publicKeyOf } from '../core/objects/keys';
import { decodeCertificate } from '../core/objects/x509';
import { plural } from '../core/display/labels';
import { parse, readSecret } from './args';
import { certificatesIn, privateKeyIn, readInput } from './inputs';
import { required, withCliErrors } from './options';
import { checkOutputs, writeOutputs, type Output } from './outputs';
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
  const certKey = await withCliErrors(certPath, () => decodeCertificate(certificate, { now: new Date(), warnDays: 0 }).publicKey.spkiSha256);
  const keyKey = await withCliErrors(keyPath, () => publicKeyOf(privateKeyPkcs8).spkiSha256);
  if (certKey !== keyKey) throw new CliError(`${keyPath} is not the private key of ${certPath} (their public keys differ)`);
  const password = await readSecret(passwordFile, io, 'password', { allowEmpty: true });
  const p12 = await withCliErrors('', () => exportPkcs12({ certificate, privateKeyPkcs8, chain, password, friendlyName: values.name, legacy: values.legacy }));
  writeOutputs([{ path: out, data: p12, secret: true, what: `PKCS#12 with 1 key and ${plural(1 + chain.length, 'certificate')}, ${values.legacy ? 'legacy 3DES/RC2 + SHA-1 MAC' : 'AES-256 + SHA-256 MAC'}${password === '' ? ', empty password' : ''}` }], !!values.force, io);
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
  const opened = await withCliErrors(p12Path, () => readPkcs12(readInput(p12Path), password, budget));
  if (!opened.decrypted) throw new CliError(`${p12Path}: the keystore is password-protected; give its password with --password-file PW`);
  const { key, leaf, chain, warnings } = await withCliErrors(p12Path, () => keystoreParts(opened.bags));
  for (const w of warnings) io.err(`warning: ${printable(p12Path)}: ${w}\n`);
  const name = fileNameFrom(key?.friendlyName ?? leaf?.friendlyName) ?? basename(p12Path, extname(p12Path)).replace(/^-/, '_');
  const outputs: Output[] = [];
  if (leaf) outputs.push({ path: join(dir, `${name}.crt`), data: encodePem('CERTIFICATE', leaf.der!), what: 'certificate' });
  if (key) {
    const data = await withCliErrors('', () => encodePrivateKey(key.der!, { passphrase: keyPass }));
    outputs.push({ path: join(dir, `${name}.key`), data, secret: true, what: `private key${keyPass ? ', encrypted' : ''}` });
  }
  if (chain.length > 0) outputs.push({ path: join(dir, `${name}-chain.pem`), data: chain.map((c) => encodePem('CERTIFICATE', c.der!)).join(''), what: plural(chain.length, 'CA certificate') });
  if (outputs.length === 0) throw new CliError(`${p12Path}: no certificate or key inside`);
  writeOutputs(outputs, !!values.force, io);
  return 0;
}
