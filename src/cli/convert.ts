// tlsw convert — PEM ↔ DER for every kind; tlsw bundle — a full chain file from separate certificates.

import { encodePem } from '../core/der/pem';
import { plural } from '../core/display/labels';
import { pemLabelFor, readRawObject } from '../core/read/fileObjects';
import type { RawObject } from '../core/read/read';
import { decodeCertificate } from '../core/objects/x509';
import { orderChain } from '../core/trust/pathValidation';
import { parse } from './args';
import { certificatesIn, objectsIn } from './inputs';
import { CliError, type CommandIo } from './io';
import { required, withCliErrors } from './options';
import { checkOutputs, writeOutputs } from './outputs';

const USAGE = `Usage: tlsw convert IN --to der|pem [--index N] [--force] -o OUT

PEM → DER writes one object (the first, or --index N counted from 0); DER → PEM picks the right label
(CERTIFICATE, CERTIFICATE REQUEST, X509 CRL, PRIVATE KEY, RSA PRIVATE KEY, EC PRIVATE KEY, ENCRYPTED PRIVATE
KEY, PUBLIC KEY, RSA PUBLIC KEY, DH PARAMETERS…). Private keys keep mode 0600.`;

export async function run(argv: string[], io: CommandIo): Promise<number> {
  const { values, positionals } = parse(
    argv,
    { 'to': { type: 'string' }, 'index': { type: 'string' }, 'force': { type: 'boolean' }, 'out': { type: 'string', short: 'o' } },
    USAGE,
  );
  const [input] = positionals;
  if (!input || positionals.length > 1) throw new CliError(`give exactly one input file\n${USAGE}`, 2);
  const to = required(values.to, '--to', USAGE);
  if (to !== 'der' && to !== 'pem') throw new CliError(`--to must be der or pem, got "${to}"`, 2);
  const out = required(values.out, '-o', USAGE);
  checkOutputs([out], !!values.force);
  const objects = objectsIn(input).filter((o) => o.kind !== 'unknown' || o.pemLabel === undefined);
  const index = values.index !== undefined ? Number(values.index) : 0;
  if (!Number.isInteger(index) || index < 0 || index >= objects.length) {
    throw new CliError(`${input}: --index must be from 0 to ${objects.length - 1}`, 2);
  }
  if (to === 'der' && objects.length > 1 && values.index === undefined) {
    throw new CliError(`${input} holds ${objects.length} objects and DER holds one: choose with --index N (0–${objects.length - 1})`);
  }
  const o = objects[index];
  const secret = o.kind === 'private-key' || o.kind === 'legacy-encrypted-key' || o.kind === 'pkcs12';
  if (o.kind === 'unknown') throw new CliError(`${input}: not a certificate, CSR, CRL, key, DH parameters or PKCS#12`);
  // Conversion only changes the wrapping, so it must not turn a 1-byte "certificate" or a truncated key into a file
  // that looks like the real thing: the object is read first, as `tlsw inspect` would (an encrypted key's structure
  // without its passphrase, a keystore's structure without its password).
  const broken = readRawObject(o).problem;
  if (broken) {
    const which = objects.length > 1 ? `object ${index} (${o.pemLabel ?? o.kind})` : o.pemLabel ? `its ${o.pemLabel}` : `its ${describe(o)}`;
    throw new CliError(`${input}: ${which} does not decode (${broken}); nothing written`);
  }
  if (to === 'der') {
    if (o.kind === 'legacy-encrypted-key') {
      throw new CliError(`${input}: a key with legacy PEM encryption (Proc-Type: 4,ENCRYPTED) has no DER form; run "tlsw key passphrase ${input} --change --passphrase-file F --new-passphrase-file F2 -o KEY" to re-encrypt it as PKCS#8 first`);
    }
    writeOutputs([{ path: out, data: o.der, secret, what: `DER ${describe(o)}` }], !!values.force, io);
    return 0;
  }
  const label = pemLabelFor(o);
  if (!label) throw new CliError(`${input}: PKCS#12 is a binary format; export its parts with "tlsw p12 import"`);
  writeOutputs([{ path: out, data: encodePem(label, o.der, o.headers), secret, what: `PEM ${describe(o)}` }], !!values.force, io);
  return 0;
}

function describe(o: RawObject): string {
  return o.kind.replace('-', ' ');
}

const BUNDLE_USAGE = `Usage: tlsw bundle CERT… [--force] -o FULLCHAIN.pem

Writes the leaf first, then each issuer in order (what nginx' ssl_certificate and most servers want),
whatever the order of the input files. Refuses certificates that do not form one chain.
Add --with-root to keep a self-signed root at the end (usually left out).`;

export async function bundle(argv: string[], io: CommandIo): Promise<number> {
  const { values, positionals } = parse(
    argv,
    { 'with-root': { type: 'boolean' }, 'force': { type: 'boolean' }, 'out': { type: 'string', short: 'o' } },
    BUNDLE_USAGE,
  );
  if (positionals.length === 0) throw new CliError(`give the certificate files\n${BUNDLE_USAGE}`, 2);
  const out = required(values.out, '-o', BUNDLE_USAGE);
  checkOutputs([out], !!values.force);
  const certs = positionals.flatMap((p) => certificatesIn(p));
  let ordered = await withCliErrors('', () => orderChain(certs));
  if (!values['with-root'] && ordered.length > 1) {
    const top = decodeCertificate(ordered[ordered.length - 1], { now: new Date(), warnDays: 0 });
    if (top.subject.text === top.issuer.text) ordered = ordered.slice(0, -1);
  }
  writeOutputs([{ path: out, data: ordered.map((d) => encodePem('CERTIFICATE', d)).join(''), what: `chain of ${plural(ordered.length, 'certificate')}, leaf first` }], !!values.force, io);
  return 0;
}
