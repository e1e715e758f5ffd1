// tlsw cert — a self-signed certificate (with a new or an existing key) in one step.

import { parseSubject } from '../core/write/dn';
import { issueCertificate, parseSans, type Profile } from '../core/write/issue';
import { derivePublicKey } from '../core/write/keygen';
import { encodePem } from '../core/der/pem';
import { parse } from './args';
import { KEY_SOURCE_OPTIONS, checkOutputs, core, days, keySource, required, warn, writeOutputs } from './common';
import { CliError, type CommandIo } from './io';

const USAGE = `Usage: tlsw cert (--key KEY | --new-key rsa|ec|ed25519 --key-out KEY [--bits N] [--curve C])
                 --subject S [--san dns:a,ip:1.2.3.4,…] [--days N] [--profile server|client|server+client]
                 [--passphrase-file F] [--der] [--force] -o CRT

A self-signed leaf certificate — the \`openssl req -x509 -nodes -newkey\` one-liner, with modern defaults:
365 days, profile server (serverAuth; the CN is also placed in the SANs, since browsers ignore the CN),
keyUsage digitalSignature (+ keyEncipherment for RSA), basicConstraints CA:FALSE, SKI/AKI, a random
20-byte serial. Warnings (lints) are printed before anything is written.`;

export const PROFILES: Profile[] = ['server', 'client', 'server+client'];

export function profile(s: string | undefined, allowed: Profile[], fallback: Profile): Profile {
  if (s === undefined) return fallback;
  if (!(allowed as string[]).includes(s)) throw new CliError(`--profile must be one of ${allowed.join(', ')}, got "${s}"`, 2);
  return s as Profile;
}

export async function run(argv: string[], io: CommandIo): Promise<number> {
  const { values } = parse(
    argv,
    {
      ...KEY_SOURCE_OPTIONS,
      'subject': { type: 'string' },
      'san': { type: 'string', multiple: true },
      'days': { type: 'string' },
      'profile': { type: 'string' },
      'der': { type: 'boolean' },
      'force': { type: 'boolean' },
      'out': { type: 'string', short: 'o' },
    },
    USAGE,
    { positionals: false },
  );
  const out = required(values.out, '-o', USAGE);
  const subject = await core('--subject', () => parseSubject(required(values.subject, '--subject', USAGE)));
  const sans = await core('--san', () => (values.san ?? []).flatMap((s) => parseSans(s)));
  const chosen = profile(values.profile, PROFILES, 'server');
  const validity = days(values.days);
  checkOutputs([out, values['key-out']], !!values.force);
  const key = await keySource(values, io, USAGE);
  const { der, warnings } = await core('', () =>
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
  const outputs = [...(key.output ? [key.output] : []), { path: out, data: values.der ? der : encodePem('CERTIFICATE', der), what: `self-signed ${chosen} certificate` }];
  writeOutputs(outputs, !!values.force, io);
  return 0;
}
