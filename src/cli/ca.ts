// tlsw ca init — a root CA, or an intermediate signed by a parent CA.

import { issueCertificate } from '../core/write/issue';
import { derivePublicKey } from '../core/write/keygen';
import { parse } from './args';
import { certificatesIn, privateKeyIn } from './inputs';
import { CliError, type CommandIo } from './io';
import { days, required, withCliErrors } from './options';
import { pemOrDer, warn, writeOutputs } from './outputs';
import { subjectKey, subjectOptions } from './subject';

const USAGE = `Usage:
  tlsw ca init --subject S [--type rsa|ec|ed25519] [--bits N] [--curve C] [--days N] [--path-len N]
               [--passphrase-file F [--legacy]] [--force] --key-out CA.key -o CA.crt
  tlsw ca init --parent-ca CA.crt --parent-key CA.key [--parent-passphrase-file F]
               --subject S [same options] --key-out INT.key -o INT.crt

Root: 3650 days, pathLen 1. Intermediate: 1825 days (never beyond its parent), pathLen 0. Both:
basicConstraints CA:TRUE critical, keyUsage keyCertSign + cRLSign (critical), SKI/AKI.
Key: EC P-256 by default; RSA 3072 when --type rsa without --bits. --passphrase-file encrypts the new CA key
(recommended for a CA).`;

export async function run(argv: string[], io: CommandIo): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === '--help' || sub === '-h' || sub === undefined) {
    io.out(USAGE + '\n');
    return sub === undefined ? 2 : 0;
  }
  if (sub !== 'init') throw new CliError(`unknown ca command "${sub}"\n${USAGE}`, 2);
  const { values } = parse(
    rest,
    {
      'subject': { type: 'string' },
      'type': { type: 'string' },
      'bits': { type: 'string' },
      'curve': { type: 'string' },
      'days': { type: 'string' },
      'path-len': { type: 'string' },
      'passphrase-file': { type: 'string' },
      'legacy': { type: 'boolean' },
      'allow-weak': { type: 'boolean' },
      'parent-ca': { type: 'string' },
      'parent-key': { type: 'string' },
      'parent-passphrase-file': { type: 'string' },
      'key-out': { type: 'string' },
      'der': { type: 'boolean' },
      'force': { type: 'boolean' },
      'out': { type: 'string', short: 'o' },
    },
    USAGE,
    { positionals: false },
  );
  const { out, subject } = await subjectOptions(values, USAGE);
  // A CA's key is always new: --type is --new-key (EC by default), --key-out is required.
  const keyValues = { ...values, 'new-key': values.type ?? 'ec', 'key-out': required(values['key-out'], '--key-out', USAGE) };
  const validity = days(values.days);
  const pathLength = values['path-len'] === undefined ? undefined : Number(values['path-len']);
  if (pathLength !== undefined && (!Number.isInteger(pathLength) || pathLength < 0 || pathLength > 16)) throw new CliError(`--path-len must be a whole number from 0 to 16`, 2);
  const intermediate = values['parent-ca'] !== undefined || values['parent-key'] !== undefined;
  let issuer: { certificate: Uint8Array; privateKeyPkcs8: Uint8Array } | undefined;
  if (intermediate) {
    const parentCa = required(values['parent-ca'], '--parent-ca', USAGE);
    const parentKey = required(values['parent-key'], '--parent-key', USAGE);
    issuer = { certificate: certificatesIn(parentCa)[0], privateKeyPkcs8: await privateKeyIn(parentKey, values['parent-passphrase-file'], io, '--parent-passphrase-file') };
  }
  const key = await subjectKey(keyValues, out, io, USAGE, true);
  const { der, warnings } = await withCliErrors('', () =>
    issueCertificate({
      subject,
      profile: intermediate ? 'intermediate' : 'root',
      days: validity,
      pathLength,
      publicKeySpki: derivePublicKey(key.pkcs8),
      subjectPrivateKeyPkcs8: key.pkcs8,
      issuer,
      allowWeak: values['allow-weak'],
    }),
  );
  warn(io, warnings);
  writeOutputs([...key.outputs, { path: out, data: pemOrDer('CERTIFICATE', der, values.der), what: intermediate ? 'intermediate CA certificate' : 'root CA certificate' }], !!values.force, io);
  return 0;
}
