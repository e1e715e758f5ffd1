// tlsw sign — a CA signs a CSR.

import { existsSync, readFileSync } from 'node:fs';
import { parseSubject } from '../core/dn';
import { nextSerialFromFile, parseSans, signCsr } from '../core/issue';
import { encodePem } from '../core/pem';
import { parse } from './args';
import { profile } from './cert';
import { certificatesIn, checkOutputs, core, csrIn, days, privateKeyIn, required, warn, writeOutputs, type Output } from './common';
import type { CommandIo } from './io';

const USAGE = `Usage: tlsw sign --ca CA.crt --ca-key CA.key [--ca-passphrase-file F] --csr X.csr
                 --profile server|client|server+client|intermediate [--days N] [--serial-file CA.srl]
                 [--subject S] [--san …] [--force-validity] [--allow-weak] [--der] [--force] -o X.crt

Subject and SANs are copied from the CSR unless --subject / --san override them. Serials are 20 random
bytes, or kept in an \`openssl -CAcreateserial\`-style file with --serial-file (created when missing).
Refuses a CA certificate that is not a CA, a CA key that does not match it, a CSR whose signature does
not verify, a certificate outliving its CA (unless --force-validity) and an RSA key under 2048 bits
(unless --allow-weak).`;

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
    },
    USAGE,
    { positionals: false },
  );
  const out = required(values.out, '-o', USAGE);
  const chosen = profile(required(values.profile, '--profile', USAGE), ['server', 'client', 'server+client', 'intermediate'], 'server');
  const caPath = required(values.ca, '--ca', USAGE);
  const ca = { certificate: certificatesIn(caPath)[0], privateKeyPkcs8: await privateKeyIn(required(values['ca-key'], '--ca-key', USAGE), values['ca-passphrase-file'], io, '--ca-passphrase-file') };
  const csrPath = required(values.csr, '--csr', USAGE);
  const csr = csrIn(csrPath);
  const subject = values.subject !== undefined ? await core('--subject', () => parseSubject(values.subject!)) : undefined;
  const sans = values.san !== undefined ? await core('--san', () => values.san!.flatMap((s) => parseSans(s))) : undefined;
  checkOutputs([out], !!values.force);
  const outputs: Output[] = [];
  let serialNumber: string | undefined;
  const serialFile = values['serial-file'];
  if (serialFile !== undefined) {
    const current = existsSync(serialFile) ? readFileSync(serialFile, 'utf8') : undefined;
    const next = await core(serialFile, () => nextSerialFromFile(current));
    serialNumber = next.serial;
    outputs.push({ path: serialFile, data: next.fileContents, what: 'serial file' });
  }
  // No file prefix: most refusals are about the CA (not a CA, key mismatch, outliving it); CSR ones say "CSR".
  const { der, warnings } = await core('', () =>
    signCsr(csr, ca, { profile: chosen, days: days(values.days), subject, sans, serialNumber, allowWeak: values['allow-weak'], allowOutliveIssuer: values['force-validity'] }),
  );
  warn(io, warnings);
  outputs.unshift({ path: out, data: values.der ? der : encodePem('CERTIFICATE', der), what: `${chosen} certificate signed by ${caPath}` });
  // The serial file is updated in place (it is ours to advance); the certificate obeys --force.
  writeOutputs(outputs.slice(0, 1), !!values.force, io);
  if (outputs[1]) writeOutputs(outputs.slice(1), true, io);
  return 0;
}
