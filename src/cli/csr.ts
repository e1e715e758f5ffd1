// tlsw csr — a certificate signing request from an existing or a new key.

import { createCsr } from '../core/write/issue';
import { parse } from './args';
import type { CommandIo } from './io';
import { withCliErrors } from './options';
import { pemOrDer, writeOutputs } from './outputs';
import { SUBJECT_OPTIONS, subjectKey, subjectOptions } from './subject';

const USAGE = `Usage: tlsw csr (--key KEY | --new-key rsa|ec|ed25519 --key-out KEY [--bits N] [--curve C])
                --subject "/C=UK/O=Any Org/CN=x" [--san dns:a,ip:1.2.3.4,email:e,uri:u] [--passphrase-file F]
                [--der] [--force] -o CSR

--subject takes the OpenSSL form (/C=UK/O=Any Org/OU=Team/CN=name) or RFC 4514 (C=UK, O=Any Org, CN=name).
--passphrase-file decrypts --key, or encrypts the new key (add --legacy for the DES-EDE3-CBC PEM form).
Signed with SHA-256 (SHA-384 for P-384 keys, SHA-512 for P-521, Ed25519 for Ed25519).`;

export async function run(argv: string[], io: CommandIo): Promise<number> {
  const { values } = parse(argv, SUBJECT_OPTIONS, USAGE, { positionals: false });
  const { out, subject, sans } = await subjectOptions(values, USAGE);
  const key = await subjectKey(values, out, io, USAGE);
  const der = await withCliErrors('', () => createCsr({ privateKeyPkcs8: key.pkcs8, subject, sans }));
  writeOutputs([...key.outputs, { path: out, data: pemOrDer('CERTIFICATE REQUEST', der, values.der), what: 'certificate signing request' }], !!values.force, io);
  return 0;
}
