// tlsw key — generate a private key; `tlsw key pub` derives its public key; `tlsw key passphrase` adds,
// removes or changes a key's passphrase.

import { addPassphrase, changePassphrase, derivePublicKey, encodePrivateKey, encodePublicKey, generateKey, keySpecLabel, removePassphrase, type KeyOutputFormat } from '../core/write/keygen';
import { parse, readSecret } from './args';
import { privateKeyIn, readInput } from './inputs';
import { keySpec, required, withCliErrors } from './options';
import { writeOutputs } from './outputs';
import { CliError, type CommandIo } from './io';
import { MAX_WORK_OPTION, MAX_WORK_USAGE, workBudget } from './work';

const USAGE = `Usage:
  tlsw key --type rsa|ec|ed25519 [--bits N] [--curve P-256|P-384|P-521] [--format pkcs8|traditional|der]
           [--passphrase-file F [--legacy]] [--force] -o KEY
  tlsw key pub KEY [--passphrase-file F] [--der] [--force] -o PUB
  tlsw key passphrase KEY --remove --passphrase-file OLD [--max-work N] [--force] -o OUT
  tlsw key passphrase KEY --add --new-passphrase-file NEW [--legacy] [--force] -o OUT
  tlsw key passphrase KEY --change --passphrase-file OLD --new-passphrase-file NEW [--legacy] [--max-work N] [--force] -o OUT

Defaults: EC P-256 (RSA: 2048 bits), PKCS#8 PEM. With a passphrase the key is encrypted PKCS#8
(PBES2: PBKDF2-HMAC-SHA256, AES-256-CBC); --legacy writes the "Proc-Type: 4,ENCRYPTED" DES-EDE3-CBC form that
\`openssl genrsa -des3\` writes. RSA below 2048 bits is refused unless --allow-weak.
Private keys are written with mode 0600 and never over an existing file unless --force.
${MAX_WORK_USAGE}`;

export async function run(argv: string[], io: CommandIo): Promise<number> {
  if (argv[0] === 'pub') return pub(argv.slice(1), io);
  if (argv[0] === 'passphrase') return passphrase(argv.slice(1), io);
  const { values } = parse(
    argv,
    {
      'type': { type: 'string' },
      'bits': { type: 'string' },
      'curve': { type: 'string' },
      'format': { type: 'string' },
      'passphrase-file': { type: 'string' },
      'legacy': { type: 'boolean' },
      'allow-weak': { type: 'boolean' },
      'force': { type: 'boolean' },
      'out': { type: 'string', short: 'o' },
    },
    USAGE,
    { positionals: false },
  );
  const out = required(values.out, '-o', USAGE);
  const spec = keySpec(values.type, values.bits, values.curve);
  const format = keyFormat(values.format);
  const pass = values['passphrase-file'] !== undefined ? await readSecret(values['passphrase-file'], io, 'passphrase') : undefined;
  if (values.legacy && pass === undefined) throw new CliError('--legacy is the legacy encryption form: give --passphrase-file F too', 2);
  const { privateKeyPkcs8 } = await withCliErrors('', () => generateKey(spec, { allowWeak: values['allow-weak'] }));
  const data = await withCliErrors('', () => encodePrivateKey(privateKeyPkcs8, { format, passphrase: pass, legacy: values.legacy }));
  writeOutputs([{ path: out, data, secret: true, what: `${keySpecLabel(spec)} private key${pass ? ', encrypted' : ''}` }], !!values.force, io);
  return 0;
}

async function pub(argv: string[], io: CommandIo): Promise<number> {
  const { values, positionals } = parse(
    argv,
    { 'passphrase-file': { type: 'string' }, 'der': { type: 'boolean' }, 'force': { type: 'boolean' }, 'out': { type: 'string', short: 'o' } },
    USAGE,
  );
  const [keyPath] = positionals;
  if (!keyPath) throw new CliError(`tlsw key pub needs the private key file\n${USAGE}`, 2);
  const out = required(values.out, '-o', USAGE);
  const pkcs8 = await privateKeyIn(keyPath, values['passphrase-file'], io);
  const spki = await withCliErrors(keyPath, () => derivePublicKey(pkcs8));
  writeOutputs([{ path: out, data: encodePublicKey(spki, values.der ? 'der' : 'pem'), what: 'public key' }], !!values.force, io);
  return 0;
}

async function passphrase(argv: string[], io: CommandIo): Promise<number> {
  const { values, positionals } = parse(
    argv,
    {
      'remove': { type: 'boolean' },
      'add': { type: 'boolean' },
      'change': { type: 'boolean' },
      'passphrase-file': { type: 'string' },
      'new-passphrase-file': { type: 'string' },
      'legacy': { type: 'boolean' },
      'force': { type: 'boolean' },
      'out': { type: 'string', short: 'o' },
      ...MAX_WORK_OPTION,
    },
    USAGE,
  );
  const budget = workBudget(values['max-work']);
  const [keyPath] = positionals;
  if (!keyPath) throw new CliError(`tlsw key passphrase needs the private key file\n${USAGE}`, 2);
  const actions = [values.remove, values.add, values.change].filter(Boolean).length;
  if (actions !== 1) throw new CliError(`choose one of --remove, --add, --change\n${USAGE}`, 2);
  const out = required(values.out, '-o', USAGE);
  const data = readInput(keyPath);
  const oldPass = () => readSecret(required(values['passphrase-file'], '--passphrase-file', USAGE), io, 'passphrase');
  const newPass = () => readSecret(required(values['new-passphrase-file'], '--new-passphrase-file', USAGE), io, 'new passphrase');
  let result: string | Uint8Array;
  let what: string;
  if (values.remove) {
    const old = await oldPass();
    result = await withCliErrors(keyPath, () => removePassphrase(data, old, { budget }));
    what = 'private key, not encrypted';
  } else if (values.add) {
    const next = await newPass();
    result = await withCliErrors(keyPath, () => addPassphrase(data, next, { legacy: values.legacy }));
    what = `private key, encrypted${values.legacy ? ' (legacy DES-EDE3-CBC)' : ''}`;
  } else {
    const old = await oldPass();
    const next = await newPass();
    result = await withCliErrors(keyPath, () => changePassphrase(data, old, next, { legacy: values.legacy ? true : undefined, budget }));
    what = 'private key, encrypted with the new passphrase';
  }
  writeOutputs([{ path: out, data: result, secret: true, what }], !!values.force, io);
  return 0;
}

function keyFormat(s: string | undefined): KeyOutputFormat | undefined {
  if (s === undefined) return undefined;
  if (s === 'pkcs8' || s === 'traditional' || s === 'der') return s;
  throw new CliError(`--format must be pkcs8, traditional or der, got "${s}"`, 2);
}
