// tlsw csr — a certificate signing request from an existing or a new key.

import { parseSubject } from '../core/write/dn';
import { createCsr, parseSans } from '../core/write/issue';
import { encodePem } from '../core/der/pem';
import { parse } from './args';
import { KEY_SOURCE_OPTIONS, checkOutputs, core, keySource, required, writeOutputs } from './common';
import type { CommandIo } from './io';

const USAGE = `Usage: tlsw csr (--key KEY | --new-key rsa|ec|ed25519 --key-out KEY [--bits N] [--curve C])
                --subject "/C=UK/O=Any Org/CN=x" [--san dns:a,ip:1.2.3.4,email:e,uri:u] [--passphrase-file F]
                [--der] [--force] -o CSR

--subject takes the OpenSSL form (/C=UK/O=Any Org/OU=Team/CN=name) or RFC 4514 (C=UK, O=Any Org, CN=name).
--passphrase-file decrypts --key, or encrypts the new key (add --legacy for the DES-EDE3-CBC PEM form).
Signed with SHA-256 (SHA-384 for P-384 keys, SHA-512 for P-521, Ed25519 for Ed25519).`;

export async function run(argv: string[], io: CommandIo): Promise<number> {
  const { values } = parse(
    argv,
    {
      ...KEY_SOURCE_OPTIONS,
      'subject': { type: 'string' },
      'san': { type: 'string', multiple: true },
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
  checkOutputs([out, values['key-out']], !!values.force);
  const key = await keySource(values, io, USAGE);
  const der = await core('', () => createCsr({ privateKeyPkcs8: key.pkcs8, subject, sans }));
  const outputs = [...(key.output ? [key.output] : []), { path: out, data: values.der ? der : encodePem('CERTIFICATE REQUEST', der), what: 'certificate signing request' }];
  writeOutputs(outputs, !!values.force, io);
  return 0;
}
