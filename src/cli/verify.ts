// tlsw verify — a certificate's chain against CA certificates, a key against its certificate, a CSR's signature.

import { spkiOfPrivateKey } from '../core/keys';
import { spkiInfo } from '../core/publicKey';
import { verifyChain } from '../core/verify';
import { decodeCertificate, decodeCsr } from '../core/x509';
import { parse } from './args';
import { certificatesIn, core, csrIn, privateKeyIn } from './common';
import { CliError, type CommandIo } from './io';

const USAGE = `Usage:
  tlsw verify --cert X.crt [--ca CA.crt …] [--key X.key [--passphrase-file F]] [--now DATE]
  tlsw verify --csr X.csr [--key X.key [--passphrase-file F]]

--ca files may hold the root and intermediates (like \`openssl verify -CAfile\`); the chain is built from
them and checked link by link: signatures, validity, CA flags, key usage and path length. Certificates
after the first in --cert's file count as intermediates. Without --ca, only --key is checked.
Exit status 0 when every check passes; 1 with one line per failure otherwise.`;

export async function run(argv: string[], io: CommandIo): Promise<number> {
  const { values } = parse(
    argv,
    {
      'cert': { type: 'string' },
      'csr': { type: 'string' },
      'ca': { type: 'string', multiple: true },
      'key': { type: 'string' },
      'passphrase-file': { type: 'string' },
      'now': { type: 'string' },
    },
    USAGE,
    { positionals: false },
  );
  if ((values.cert === undefined) === (values.csr === undefined)) throw new CliError(`give --cert or --csr\n${USAGE}`, 2);
  if (values.cert !== undefined && !values.ca && values.key === undefined) throw new CliError(`give --ca and/or --key to check the certificate against\n${USAGE}`, 2);
  const now = values.now !== undefined ? new Date(values.now) : new Date();
  if (Number.isNaN(now.getTime())) throw new CliError(`--now must be a date, got "${values.now}"`, 2);
  const failures: string[] = [];
  let subjectSpki: string;
  if (values.csr !== undefined) {
    const csrPath = values.csr;
    const csr = await core(csrPath, () => decodeCsr(csrIn(csrPath)));
    subjectSpki = csr.publicKey.spkiSha256;
    if (csr.signatureValid) io.out(`${csrPath}: signature OK (${csr.subject.text})\n`);
    else failures.push(`${csrPath}: the request's signature does not verify (corrupted or tampered)`);
  } else {
    const certPath = values.cert!;
    const [leaf, ...extra] = certificatesIn(certPath);
    const model = await core(certPath, () => decodeCertificate(leaf, { now, warnDays: 0 }));
    subjectSpki = model.publicKey.spkiSha256;
    if (values.ca) {
      const cas = [...extra, ...values.ca.flatMap((c) => certificatesIn(c))];
      const result = await core('', () => verifyChain(leaf, cas, { now }));
      if (result.ok) {
        io.out(`${certPath}: OK\n`);
        result.chain.forEach((l, i) => io.out(`  ${i === 0 ? 'leaf' : i === result.chain.length - 1 ? 'root' : 'via '}  ${l.subject}  (until ${l.notAfter})\n`));
      }
      for (const e of result.errors) failures.push(`${certPath}: ${e}`);
    }
  }
  if (values.key !== undefined) {
    const keyPath = values.key;
    const pkcs8 = await privateKeyIn(keyPath, values['passphrase-file'], io);
    const keySpki = await core(keyPath, () => spkiInfo(spkiOfPrivateKey(pkcs8)).spkiSha256);
    const target = values.csr ?? values.cert!;
    if (keySpki === subjectSpki) io.out(`${keyPath}: matches ${target}\n`);
    else failures.push(`${keyPath} does not match ${target} (their public keys differ)`);
  }
  for (const f of failures) io.err(`tlsw verify: ${f}\n`);
  return failures.length > 0 ? 1 : 0;
}
