// mTLS end to end (seeds 003 and 004: "Connect via mTLS"): a tlsw CA issues a server certificate (SAN 127.0.0.1,
// localhost) and client certificates; a Node `https` server with requestCert + rejectUnauthorized on 127.0.0.1
// accepts the real `curl --cert --key --cacert` (and curl with the client's PKCS#12), and rejects a client
// certificate issued by another CA, or none. Needs a built CLI (node esbuild.js → dist/cli.js).

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { after, before, describe, it } from 'node:test';
import { run, secretFile, tlswOk, type RunResult } from '../helpers/tlsw';
import { tempDir } from '../helpers/tools';

describe('mTLS with a tlsw CA: Node https (requestCert, rejectUnauthorized) and the real curl', () => {
  const tmp = tempDir('tlsw-mtls-');
  const at = (f: string) => tmp.path(f);
  const opts = { cwd: tmp.dir };
  let server: Server | undefined;
  let port = 0;
  /** Client subjects the server saw (after a successful handshake). */
  const seen: string[] = [];
  /** Handshake failures the server reported (tlsClientError). */
  const refused: string[] = [];

  before(async () => {
    secretFile(at('p12.pw'), 'client keystore pw');
    secretFile(at('ca.pw'), 'the CA passphrase');
    // our CA (its key encrypted, as the help recommends) and, independently, another CA nobody trusts
    await Promise.all([
      tlswOk(['ca', 'init', '--subject', '/C=UK/O=Any Org/CN=Any Org mTLS CA', '--passphrase-file', 'ca.pw', '--key-out', 'ca.key', '-o', 'ca.crt'], opts),
      tlswOk(['ca', 'init', '--subject', '/C=UK/O=Evil Org/CN=Rogue CA', '--key-out', 'rogue-ca.key', '-o', 'rogue-ca.crt'], opts),
      tlswOk(['csr', '--new-key', 'ec', '--key-out', 'server.key', '--subject', '/O=Any Org/CN=localhost', '--san', 'ip:127.0.0.1,dns:localhost', '-o', 'server.csr'], opts),
      tlswOk(['csr', '--new-key', 'rsa', '--key-out', 'johndoe.private.key', '--subject', '/C=UK/O=Any Org/OU=Any Org Engineering/CN=John-Doe', '-o', 'johndoe.csr'], opts),
      tlswOk(['csr', '--new-key', 'ec', '--key-out', 'mallory.key', '--subject', '/C=UK/O=Any Org/OU=Any Org Engineering/CN=John-Doe', '-o', 'mallory.csr'], opts),
    ]);
    const sign = (csr: string, caName: string, profile: string, out: string, pass: string[]) =>
      tlswOk(['sign', '--ca', `${caName}.crt`, '--ca-key', `${caName}.key`, ...pass, '--csr', csr, '--profile', profile, '--days', '30', '-o', out], opts);
    await Promise.all([
      sign('server.csr', 'ca', 'server', 'server.crt', ['--ca-passphrase-file', 'ca.pw']),
      sign('johndoe.csr', 'ca', 'client', 'johndoe.crt', ['--ca-passphrase-file', 'ca.pw']),
      // the same subject, but issued by the rogue CA
      sign('mallory.csr', 'rogue-ca', 'client', 'mallory.crt', []),
    ]);
    await tlswOk(['p12', 'export', '--cert', 'johndoe.crt', '--key', 'johndoe.private.key', '--chain', 'ca.crt', '--name', 'johndoe', '--password-file', 'p12.pw', '-o', 'johndoe.p12'], opts);

    server = createServer(
      {
        key: readFileSync(at('server.key')),
        cert: readFileSync(at('server.crt')),
        ca: [readFileSync(at('ca.crt'))],
        requestCert: true,
        rejectUnauthorized: true,
      },
      (req, res) => {
        const peer = (req.socket as TLSSocket).getPeerCertificate();
        seen.push(String(peer.subject?.CN));
        res.setHeader('content-type', 'text/plain');
        res.end(`hello ${String(peer.subject?.CN)} from ${String(peer.subject?.OU)}\n`);
      },
    );
    server.on('tlsClientError', (err: Error & { code?: string }) => refused.push(`${err.code ?? ''} ${err.message}`));
    server.keepAliveTimeout = 100;
    await new Promise<void>((resolve, reject) => {
      server!.once('error', reject);
      server!.listen(0, '127.0.0.1', () => resolve());
    });
    port = (server.address() as AddressInfo).port;
  });

  after(async () => {
    if (server) {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server!.close(() => resolve()));
    }
    tmp.cleanup();
  });

  const curl = (args: string[], url = `https://127.0.0.1:${port}/`): Promise<RunResult> =>
    run('curl', ['--silent', '--show-error', '--max-time', '20', ...args, url], { ...opts, timeoutMs: 30_000 });

  it('curl --cert johndoe.crt --key johndoe.private.key --cacert ca.crt https://127.0.0.1:PORT/ is served (the IP SAN matches)', async () => {
    const r = await curl(['--cert', 'johndoe.crt', '--key', 'johndoe.private.key', '--cacert', 'ca.crt']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'hello John-Doe from Any Org Engineering\n');
  });

  it('the server name localhost matches the DNS SAN (curl --resolve)', async () => {
    const r = await curl(['--resolve', `localhost:${port}:127.0.0.1`, '--cert', 'johndoe.crt', '--key', 'johndoe.private.key', '--cacert', 'ca.crt'], `https://localhost:${port}/`);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'hello John-Doe from Any Org Engineering\n');
  });

  it('curl with the client PKCS#12 (--cert-type P12 --cert johndoe.p12:password) is served', async () => {
    const r = await curl(['--cert-type', 'P12', '--cert', 'johndoe.p12:client keystore pw', '--cacert', 'ca.crt']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'hello John-Doe from Any Org Engineering\n');
  });

  it('a client certificate from another CA (same subject) is rejected: curl fails, nothing is served', async () => {
    const before = seen.length;
    const refusedBefore = refused.length;
    const r = await curl(['--cert', 'mallory.crt', '--key', 'mallory.key', '--cacert', 'ca.crt']);
    assert.notEqual(r.code, 0, `curl should fail, got: ${r.stdout}`);
    assert.equal(r.stdout, '');
    assert.equal(seen.length, before, 'the handler never ran');
    // Node destroys an unauthorized TLS socket before any request is read (tlsClientError, no alert reason)
    await waitFor(() => refused.length > refusedBefore);
    // the certificate itself is sound — only its issuer is wrong: openssl verifies it against the rogue CA, not ours
    assert.equal((await run('openssl', ['verify', '-CAfile', 'rogue-ca.crt', '-purpose', 'sslclient', 'mallory.crt'], opts)).code, 0);
    const v = await run('openssl', ['verify', '-CAfile', 'ca.crt', 'mallory.crt'], opts);
    assert.notEqual(v.code, 0);
    assert.match(v.stdout + v.stderr, /unable to get local issuer certificate/);
  });

  it('no client certificate at all is rejected', async () => {
    const before = seen.length;
    const refusedBefore = refused.length;
    const r = await curl(['--cacert', 'ca.crt']);
    assert.notEqual(r.code, 0, `curl should fail, got: ${r.stdout}`);
    assert.equal(r.stdout, '');
    assert.equal(seen.length, before);
    await waitFor(() => refused.length > refusedBefore);
  });

  it('a client that trusts only another CA rejects our server (curl exit 60)', async () => {
    const r = await curl(['--cert', 'johndoe.crt', '--key', 'johndoe.private.key', '--cacert', 'rogue-ca.crt']);
    assert.equal(r.code, 60, `curl exit 60 = peer certificate cannot be authenticated: ${r.stderr}`);
  });
});

/** Polls `cond` for up to two seconds (server-side events may land just after curl exits). */
async function waitFor(cond: () => boolean): Promise<void> {
  for (let i = 0; i < 100 && !cond(); i++) await new Promise((r) => setTimeout(r, 20));
  assert.ok(cond(), 'timed out waiting for the server');
}
