// tlsw sign — a CA signs a CSR.

import { parseSubject } from '../core/write/dn';
import { issueWithSerialFile } from '../core/write/files';
import { nextSerialFromFile, parseSans, signCsr } from '../core/write/issue';
import { PkiError } from '../core/model';
import { parse } from './args';
import { MAX_WORK_OPTION, MAX_WORK_USAGE, workBudget } from './work';
import { certificatesIn, csrIn, privateKeyIn } from './inputs';
import { days, profile, required, withCliErrors } from './options';
import { checkOutputs, pemOrDer, reportSwept, warn, writeOutputs, type Output } from './outputs';
import type { CommandIo } from './io';

const USAGE = `Usage: tlsw sign --ca CA.crt --ca-key CA.key [--ca-passphrase-file F] --csr X.csr
                 --profile server|client|server+client|intermediate [--days N] [--serial-file CA.srl]
                 [--subject S] [--san …] [--force-validity] [--allow-weak] [--der] [--max-work N] [--force] -o X.crt

Subject and SANs are copied from the CSR unless --subject / --san override them. Serials are 20 random
bytes, or kept in an \`openssl -CAcreateserial\`-style file with --serial-file (created when missing; locked
with FILE.lock while signing, so concurrent runs never issue a serial twice; the serial file and the
certificate are written together or not at all).
Refuses a CA certificate that is not a CA, a CA key that does not match it, a CSR whose signature does
not verify, a certificate outliving its CA (unless --force-validity) and an RSA key under 2048 bits
(unless --allow-weak).
${MAX_WORK_USAGE}`;

export async function run(argv: string[], io: CommandIo): Promise<number> {
  const { values } = parse(
    argv,
    {
      'ca': { type: 'string' },
      'ca-key': { type: 'string' },
      'ca-passphrase-file': { type: 'string' },
      'csr': { type: 'string' },
      'profile': { type: 'string' },
      'days': { type: 'string' },
      'serial-file': { type: 'string' },
      'subject': { type: 'string' },
      'san': { type: 'string', multiple: true },
      'force-validity': { type: 'boolean' },
      'allow-weak': { type: 'boolean' },
      'der': { type: 'boolean' },
      'force': { type: 'boolean' },
      'out': { type: 'string', short: 'o' },
      ...MAX_WORK_OPTION,
    },
    USAGE,
    { positionals: false },
  );
  const out = required(values.out, '-o', USAGE);
  const chosen = profile(required(values.profile, '--profile', USAGE), ['server', 'client', 'server+client', 'intermediate'], 'server');
  const caPath = required(values.ca, '--ca', USAGE);
  const ca = { certificate: certificatesIn(caPath)[0], privateKeyPkcs8: await privateKeyIn(required(values['ca-key'], '--ca-key', USAGE), values['ca-passphrase-file'], io, '--ca-passphrase-file', workBudget(values['max-work'])) };
  const csrPath = required(values.csr, '--csr', USAGE);
  const csr = csrIn(csrPath);
  const subject = values.subject !== undefined ? await withCliErrors('--subject', () => parseSubject(values.subject!)) : undefined;
  const sans = values.san !== undefined ? await withCliErrors('--san', () => values.san!.flatMap((s) => parseSans(s))) : undefined;
  checkOutputs([out], !!values.force);
  const sign = (serialNumber: string | undefined) =>
    // No file prefix: most refusals are about the CA (not a CA, key mismatch, outliving it); CSR ones say "CSR".
    withCliErrors('', () =>
      signCsr(csr, ca, { profile: chosen, days: days(values.days), subject, sans, serialNumber, allowWeak: values['allow-weak'], allowOutliveIssuer: values['force-validity'] }),
    );
  const certificate = (der: Uint8Array): Output => ({ path: out, data: pemOrDer('CERTIFICATE', der, values.der), what: `${chosen} certificate signed by ${caPath}` });
  const serialFile = values['serial-file'];
  if (serialFile === undefined) {
    const { der, warnings } = await sign(undefined);
    warn(io, warnings);
    writeOutputs([certificate(der)], !!values.force, io);
    return 0;
  }
  // Under the serial file's lock: read, increment, sign with that serial, then write the serial file and the
  // certificate as one all-or-nothing step (the serial file is ours to advance; the certificate obeys --force).
  let written: Output[] = [];
  const { value: warnings, swept } = await withCliErrors('', () =>
    issueWithSerialFile(
      serialFile,
      (current) => {
        try {
          return nextSerialFromFile(current);
        } catch (e) {
          throw e instanceof PkiError ? new PkiError(`${serialFile}: ${e.message}`) : e;
        }
      },
      async (serial) => {
        const { der, warnings } = await sign(serial);
        written = [certificate(der), { path: serialFile, data: '', what: `serial file, now ${serial.toUpperCase()}` }];
        return { files: [{ path: out, data: written[0].data }], value: warnings };
      },
      { overwrite: !!values.force },
    ),
  );
  reportSwept(io, swept);
  warn(io, warnings);
  for (const o of written) io.err(`wrote ${o.path} (${o.what})\n`);
  return 0;
}
