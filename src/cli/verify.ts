// tlsw verify — a certificate's path to a trust anchor (RFC 5280), a key against its certificate, a CSR's signature.

import { printable } from '../core/display/escape';
import { publicKeyOf } from '../core/objects/keys';
import { systemTrustStore } from '../core/trust/trustStore';
import type { ChainCheck, CrlCheck, Purpose } from '../core/trust/pathValidation';
import { PURPOSES, validatePath } from '../core/trust/pathValidation';
import { decodeCertificate, decodeCsr } from '../core/objects/x509';
import { parse } from './args';
import { certificatesIn, crlsIn, csrIn, privateKeyIn } from './inputs';
import { withCliErrors } from './options';
import { CliError, type CommandIo } from './io';

const USAGE = `Usage:
  tlsw verify --cert X.crt (--ca CA.crt … | --system) [--untrusted F …] [--crl F … [--crl-check leaf|all]]
              [--purpose server|client|any] [--host NAME] [--ip ADDR] [--partial-chain] [--now DATE] [--json]
              [--key X.key [--passphrase-file F]]
  tlsw verify --cert X.crt --key X.key [--passphrase-file F]
  tlsw verify --csr X.csr [--key X.key [--passphrase-file F]]

Validates the certification path of --cert's first certificate as RFC 5280 and OpenSSL do: signatures, validity
at --now, CA flags and key usage, path length, name constraints, critical extensions, purpose (EKU), host name,
and revocation from CRLs.
  --ca FILE         trust anchors (repeatable; bundles allowed). Only --ca or --system can make a path trusted.
  --system          the system trust store (/etc/ssl/certs/ca-certificates.crt…, or Node's built-in roots).
  --untrusted FILE  intermediates (repeatable). The other certificates of --cert's file are intermediates too.
  --crl FILE        CRLs (repeatable); revocation is then checked for every certificate below the anchor,
                    or only the leaf with --crl-check leaf. --crl-check all without a CRL for some issuer fails.
  --purpose P       server (serverAuth), client (clientAuth) or any (default).
  --host NAME       the leaf must be valid for this host name (SANs; wildcards in the leftmost label only).
  --ip ADDR         the leaf must carry this IP address.
  --partial-chain   an anchor that is not self-signed (an intermediate) may end the path, as with openssl
                    verify -partial_chain; by default its root must be among the anchors too.
  --json            { ok, anchored, chain: [...], errors: [{ depth, code, message }] }; codes as OpenSSL names them.
Exit status 0 when every check passes; 1 with one line per failure otherwise.`;

export async function run(argv: string[], io: CommandIo): Promise<number> {
  const { values } = parse(
    argv,
    {
      'cert': { type: 'string' },
      'csr': { type: 'string' },
      'ca': { type: 'string', multiple: true },
      'system': { type: 'boolean' },
      'untrusted': { type: 'string', multiple: true },
      'crl': { type: 'string', multiple: true },
      'crl-check': { type: 'string' },
      'purpose': { type: 'string' },
      'host': { type: 'string' },
      'ip': { type: 'string' },
      'json': { type: 'boolean' },
      'partial-chain': { type: 'boolean' },
      'key': { type: 'string' },
      'passphrase-file': { type: 'string' },
      'now': { type: 'string' },
    },
    USAGE,
    { positionals: false },
  );
  if ((values.cert === undefined) === (values.csr === undefined)) throw new CliError(`give --cert or --csr\n${USAGE}`, 2);
  const chainWanted = !!values.ca || !!values.system;
  const pathOnly = ['untrusted', 'crl', 'crl-check', 'purpose', 'host', 'ip', 'json', 'partial-chain'] as const;
  const stray = pathOnly.find((o) => values[o] !== undefined);
  if (values.csr !== undefined && (chainWanted || stray)) throw new CliError(`--${chainWanted ? (values.ca ? 'ca' : 'system') : stray} applies to --cert, not --csr\n${USAGE}`, 2);
  if (!chainWanted && stray) throw new CliError(`--${stray} needs trust anchors: add --ca FILE or --system\n${USAGE}`, 2);
  if (values.cert !== undefined && !chainWanted && values.key === undefined) {
    throw new CliError(`give the trust anchors (--ca FILE or --system) and/or --key to check the certificate against\n${USAGE}`, 2);
  }
  const purpose = values.purpose as Purpose | undefined;
  if (purpose !== undefined && !PURPOSES.includes(purpose)) throw new CliError(`--purpose must be one of ${PURPOSES.join(', ')}, got "${values.purpose}"`, 2);
  const crlCheck = values['crl-check'] as CrlCheck | undefined;
  if (crlCheck !== undefined && !['none', 'leaf', 'all'].includes(crlCheck)) throw new CliError(`--crl-check must be none, leaf or all, got "${crlCheck}"`, 2);
  const now = values.now !== undefined ? new Date(values.now) : new Date();
  if (Number.isNaN(now.getTime())) throw new CliError(`--now must be a date, got "${values.now}"`, 2);

  const failures: string[] = [];
  let subjectSpki: string;
  let json: ChainCheck | undefined;
  if (values.csr !== undefined) {
    const csrPath = values.csr;
    const csr = await withCliErrors(csrPath, () => decodeCsr(csrIn(csrPath)));
    subjectSpki = csr.publicKey.spkiSha256;
    if (csr.signatureValid) io.out(`${csrPath}: signature OK (${csr.subject.text})\n`);
    else failures.push(`${csrPath}: the request's signature does not verify (corrupted or tampered)`);
  } else {
    const certPath = values.cert!;
    const [leaf, ...extra] = certificatesIn(certPath);
    const model = await withCliErrors(certPath, () => decodeCertificate(leaf, { now, warnDays: 0 }));
    subjectSpki = model.publicKey.spkiSha256;
    if (chainWanted) {
      const anchors = (values.ca ?? []).flatMap((c) => certificatesIn(c));
      let source = (values.ca ?? []).join(', ');
      if (values.system) {
        const system = systemTrustStore();
        anchors.push(...system.anchors);
        source = [source, `system trust store (${system.source})`].filter(Boolean).join(' + ');
      }
      const intermediates = [...extra, ...(values.untrusted ?? []).flatMap((u) => certificatesIn(u))];
      const crls = (values.crl ?? []).flatMap((f) => crlsIn(f));
      const result = await withCliErrors(certPath, () =>
        validatePath(leaf, { anchors, intermediates, crls, crlCheck, now, purpose, host: values.host, ip: values.ip, partialChain: values['partial-chain'] }),
      );
      json = result;
      if (!values.json) {
        if (result.ok) {
          io.out(`${certPath}: OK (trusted via ${source})\n`);
          result.chain.forEach((l, i) => {
            const role = i === 0 ? 'leaf  ' : l.anchor ? 'anchor' : 'via   ';
            io.out(`  ${role}  ${printable(l.subject)}  (until ${l.notAfter})\n`);
          });
        }
        for (const e of result.errors) failures.push(`${certPath}: ${printable(e.message)} [${e.code}]`);
      } else if (!result.ok) {
        failures.push(...result.errors.map((e) => `${certPath}: ${printable(e.message)} [${e.code}]`));
      }
    }
  }
  if (values.key !== undefined) {
    const keyPath = values.key;
    const pkcs8 = await privateKeyIn(keyPath, values['passphrase-file'], io);
    const keySpki = await withCliErrors(keyPath, () => publicKeyOf(pkcs8).spkiSha256);
    const target = values.csr ?? values.cert!;
    if (keySpki === subjectSpki) {
      if (!values.json) io.out(`${keyPath}: matches ${target}\n`);
    } else failures.push(`${keyPath} does not match ${target} (their public keys differ)`);
  }
  if (values.json && json) io.out(JSON.stringify(json, null, 2) + '\n');
  for (const f of failures) io.err(`tlsw verify: ${f}\n`);
  return failures.length > 0 ? 1 : 0;
}

