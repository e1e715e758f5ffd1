// tlsw cert — a self-signed certificate (with a new or an existing key) in one step.

import { issueCertificate, type Profile } from '../core/write/issue';
import { derivePublicKey } from '../core/write/keygen';
import { parse } from './args';
import type { CommandIo } from './io';
import { days, profile, withCliErrors } from './options';
import { pemOrDer, warn, writeOutputs } from './outputs';
import { SUBJECT_OPTIONS, subjectKey, subjectOptions } from './subject';

const USAGE = `Usage: tlsw cert (--key KEY | --new-key rsa|ec|ed25519 --key-out KEY [--bits N] [--curve C])
                 --subject S [--san dns:a,ip:1.2.3.4,…] [--days N] [--profile server|client|server+client]
                 [--passphrase-file F] [--der] [--force] -o CRT

A self-signed leaf certificate — the \`openssl req -x509 -nodes -newkey\` one-liner, with modern defaults:
365 days, profile server (serverAuth; the CN is also placed in the SANs, since browsers ignore the CN),
keyUsage digitalSignature (+ keyEncipherment for RSA), basicConstraints CA:FALSE, SKI/AKI, a random
20-byte serial. Warnings (lints) are printed before anything is written.`;

const PROFILES: Profile[] = ['server', 'client', 'server+client'];

export async function run(argv: string[], io: CommandIo): Promise<number> {
  const { values } = parse(argv, { ...SUBJECT_OPTIONS, 'days': { type: 'string' }, 'profile': { type: 'string' } }, USAGE, { positionals: false });
  const { out, subject, sans } = await subjectOptions(values, USAGE);
  const chosen = profile(values.profile, PROFILES, 'server');
  const validity = days(values.days);
  const key = await subjectKey(values, out, io, USAGE);
  const { der, warnings } = await withCliErrors('', () =>
    issueCertificate({
      subject,
      sans,
      profile: chosen,
      days: validity,
      publicKeySpki: derivePublicKey(key.pkcs8),
      subjectPrivateKeyPkcs8: key.pkcs8,
      allowWeak: values['allow-weak'],
    }),
  );
  warn(io, warnings);
  writeOutputs([...key.outputs, { path: out, data: pemOrDer('CERTIFICATE', der, values.der), what: `self-signed ${chosen} certificate` }], !!values.force, io);
  return 0;
}
