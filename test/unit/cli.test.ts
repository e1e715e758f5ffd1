// `tlsw` as a user runs it: the bundled dist/cli.js in a child process.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { TRUST_BUNDLE, openssl, opensslBytes, tempDir } from '../helpers/tools';

const cli = join(__dirname, '..', '..', '..', 'dist', 'cli.js');
const pkg = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'package.json'), 'utf8'));

function tlsw(args: string[], input?: string) {
  const r = spawnSync(process.execPath, [cli, ...args], { input, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

function noStack(s: string): void {
  assert.ok(!/\n\s+at .+:\d+:\d+/.test(s), `no stack trace in: ${s}`);
}

const t = tempDir();
after(() => t.cleanup());

describe('tlsw', () => {
  it('--version prints the package version', () => {
    const r = tlsw(['--version']);
    assert.equal(r.code, 0);
    assert.equal(r.out.trim(), pkg.version);
  });

  it('resolves as `npx tlsw` from the project (package.json bin)', () => {
    const r = spawnSync('npx', ['--no-install', 'tlsw', '--version'], { cwd: join(__dirname, '..', '..', '..'), encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout.trim(), pkg.version);
  });

  it('--help lists inspect; an unknown command is a usage error', () => {
    assert.match(tlsw(['--help']).out, /inspect/);
    const r = tlsw(['frobnicate']);
    assert.equal(r.code, 2);
    assert.match(r.err, /unknown command "frobnicate"/);
  });
});

describe('tlsw inspect --json on the system trust bundle', () => {
  const r = tlsw(['inspect', '--json', TRUST_BUNDLE]);
  const expected = (readFileSync(TRUST_BUNDLE, 'utf8').match(/-----BEGIN CERTIFICATE-----/g) ?? []).length;

  it('decodes every certificate and exits 0', () => {
    assert.equal(r.err, '');
    assert.equal(r.code, 0);
    const items = JSON.parse(r.out);
    assert.ok(expected > 100, `the bundle has ${expected} certificates`);
    assert.equal(items.length, expected);
  });

  it('uses the contract field names and formats', () => {
    const items = JSON.parse(r.out) as Record<string, unknown>[];
    items.forEach((c, i) => {
      assert.equal(c.file, TRUST_BUNDLE);
      assert.equal(c.index, i);
      assert.equal(c.kind, 'certificate');
      for (const k of ['subject', 'issuer', 'signatureAlgorithm']) assert.ok(c[k] !== undefined, k);
      assert.match(c.serialNumber as string, /^[0-9a-f]+$/);
      assert.match(c.notBefore as string, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
      assert.match(c.notAfter as string, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
      const fp = c.fingerprints as { sha1: string; sha256: string };
      assert.match(fp.sha1, /^[0-9a-f]{40}$/);
      assert.match(fp.sha256, /^[0-9a-f]{64}$/);
      const pk = c.publicKey as { algorithm: string; size: number; curve?: string };
      assert.ok(['RSA', 'EC', 'Ed25519'].includes(pk.algorithm), pk.algorithm);
      assert.ok(pk.size >= 256);
      if (pk.algorithm === 'EC') assert.match(pk.curve!, /^P-(256|384|521)$/);
      assert.ok(Array.isArray(c.subjectAltNames));
      assert.equal(typeof c.isCA, 'boolean');
      assert.ok(Array.isArray(c.keyUsage));
      assert.ok(Array.isArray(c.extendedKeyUsage));
    });
  });

  it('agrees with openssl on the first and last certificate', () => {
    const items = JSON.parse(r.out) as { serialNumber: string; fingerprints: { sha256: string } }[];
    const pems = readFileSync(TRUST_BUNDLE, 'utf8').match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g)!;
    for (const i of [0, pems.length - 1]) {
      const out = openssl(['x509', '-noout', '-serial', '-fingerprint', '-sha256'], pems[i]);
      const serial = /serial=([0-9A-F]+)/.exec(out)![1].toLowerCase().replace(/^0+(?=.)/, '');
      assert.equal(items[i].serialNumber.replace(/^0+(?=.)/, ''), serial);
      assert.equal(items[i].fingerprints.sha256, /Fingerprint=([0-9A-F:]+)/.exec(out)![1].replace(/:/g, '').toLowerCase());
    }
  });
});

describe('tlsw inspect reports', () => {
  const crt = t.path('a.crt');
  const key = t.path('a.key');
  openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', crt, '-days', '10', '-subj', '/O=Any Org/CN=cli.example',
    '-addext', 'subjectAltName=DNS:cli.example,IP:127.0.0.1']);

  it('prints a readable report with the thumbprint a Windows binding needs', () => {
    const r = tlsw(['inspect', crt]);
    assert.equal(r.code, 0, r.err);
    const sha1 = openssl(['x509', '-in', crt, '-noout', '-fingerprint', '-sha1']).split('=')[1].trim().replace(/:/g, '');
    assert.ok(r.out.includes(sha1));
    assert.match(r.out, /Subject:\s+O=Any Org, CN=cli\.example/);
    assert.match(r.out, /DNS:cli\.example, IP:127\.0\.0\.1/);
    assert.match(r.out, /expires in (9|10) days/);
  });

  it('reads a PKCS#12 with --password-file and from stdin with "-"', () => {
    const p12 = t.path('a.p12');
    openssl(['pkcs12', '-export', '-in', crt, '-inkey', key, '-out', p12, '-passout', 'pass:Pa55 word!']);
    writeFileSync(t.path('pw'), 'Pa55 word!\n');
    const r = tlsw(['inspect', '--json', '--password-file', t.path('pw'), p12]);
    assert.equal(r.code, 0, r.err);
    const [item] = JSON.parse(r.out);
    assert.equal(item.kind, 'pkcs12');
    assert.equal(item.decrypted, true);
    assert.equal(item.bags.length, 2);
    const s = tlsw(['inspect', '--json', '--password-file', '-', p12], 'Pa55 word!\n');
    assert.equal(s.code, 0, s.err);
    assert.ok(!s.out.includes('Pa55'));
  });

  it('exits non-zero with one line per problem, naming the file, and still reports what decoded', () => {
    const bad = t.path('mixed.pem');
    const good = readFileSync(crt, 'utf8');
    writeFileSync(bad, `${good}-----BEGIN CERTIFICATE-----\nnot*base64\n-----END CERTIFICATE-----\n`);
    const missing = t.path('nope.pem');
    const r = tlsw(['inspect', '--json', bad, missing]);
    assert.equal(r.code, 1);
    const lines = r.err.trim().split('\n');
    assert.equal(lines.length, 2, r.err);
    assert.match(lines[0], new RegExp(`^tlsw inspect: ${bad.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+: block 2 \\(CERTIFICATE\\): .*base64`));
    assert.match(lines[1], /nope\.pem.*(not found|no such file)/i);
    noStack(r.err);
    assert.equal(JSON.parse(r.out).length, 1);
  });

  it('refuses a file over --max-size without reading it', () => {
    const r = tlsw(['inspect', '--max-size', '0.0001', crt]);
    assert.equal(r.code, 1);
    assert.match(r.err, /over the .* limit/);
  });

  it('usage errors exit 2', () => {
    assert.equal(tlsw(['inspect']).code, 2);
    const r = tlsw(['inspect', '--bogus', crt]);
    assert.equal(r.code, 2);
    noStack(r.err);
  });
});

describe('tlsw inspect: what OpenSSL reads (issue 12)', () => {
  it('DSA parameters: their own kind in the report and in --json', () => {
    const file = t.path('dsaparam.pem');
    openssl(['genpkey', '-genparam', '-algorithm', 'DSA', '-pkeyopt', 'dsa_paramgen_bits:1024', '-pkeyopt', 'dsa_paramgen_q_bits:160', '-out', file]);
    const r = tlsw(['inspect', file]);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /DSA Parameters \(line 1\)\n {2}Prime p: +1024 bits\n {2}Subgroup order q: +160 bits\n/);
    const [item] = JSON.parse(tlsw(['inspect', '--json', file]).out);
    assert.equal(item.kind, 'dsa-parameters');
    assert.deepEqual([item.primeBits, item.subgroupBits], [1024, 160]);
  });

  it('a Kubernetes Secret (base64 data) and a JSON file with escaped PEM decode, with their line numbers', () => {
    const crt = readFileSync(t.path('a.crt'), 'utf8');
    const secret = t.path('secret.yaml');
    writeFileSync(secret, `apiVersion: v1\nkind: Secret\ntype: kubernetes.io/tls\ndata:\n  tls.crt: ${Buffer.from(crt).toString('base64')}\n  tls.key: ${Buffer.from(readFileSync(t.path('a.key'), 'utf8')).toString('base64')}\n`);
    const json = t.path('tls.json');
    writeFileSync(json, JSON.stringify({ tls: { cert: crt } }, null, 2));
    const r = tlsw(['inspect', '--json', secret, json]);
    assert.equal(r.code, 0, r.err);
    const items = JSON.parse(r.out) as { file: string; kind: string; range: { startLine: number } }[];
    assert.deepEqual(items.map((i) => [i.file, i.kind, i.range.startLine]), [[secret, 'certificate', 4], [secret, 'private-key', 5], [json, 'certificate', 2]]);
    const text = tlsw(['inspect', secret]);
    assert.match(text.out, /#1 Certificate \(line 5\)\n {2}Subject: +O=Any Org, CN=cli\.example/);
  });

  it('a certificate with a UTF-8 DNS name and a broken signature: shown escaped and marked invalid, exit 0', () => {
    const cnf = t.path('u.cnf');
    writeFileSync(cnf, '[req]\ndistinguished_name=dn\n[dn]\n[ext]\nsubjectAltName=DNS:b\u00fccher.example\n');
    const der = opensslBytes(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', t.path('u.key'), '-subj', '/CN=u', '-config', cnf, '-extensions', 'ext', '-outform', 'DER']);
    // Its signature BIT STRING declares one unused bit.
    const bytes = Buffer.from(der);
    bytes[sigStart(bytes)] = 1;
    const file = t.path('u.der');
    writeFileSync(file, bytes);
    const r = tlsw(['inspect', file]);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /Names \(SAN\): +DNS:b\\xc3\\xbccher\.example \(not IA5String\)\n/);
    assert.match(r.out, /Signature: +ecdsa-with-SHA256 — INVALID: signature BIT STRING has unused bits: the signature is invalid\n/);
  });
});

/** Offset of the unused-bits octet of a certificate's signature (the last element of the outer SEQUENCE). */
function sigStart(der: Buffer): number {
  // Outer SEQUENCE header, then the TBSCertificate and the AlgorithmIdentifier, each skipped by its length.
  const skip = (pos: number): number => {
    const len = der[pos + 1];
    if (len < 0x80) return pos + 2 + len;
    const n = len & 0x7f;
    let l = 0;
    for (let i = 0; i < n; i++) l = l * 256 + der[pos + 2 + i];
    return pos + 2 + n + l;
  };
  const header = der[1] < 0x80 ? 2 : 2 + (der[1] & 0x7f);
  const sig = skip(skip(header));
  assert.equal(der[sig], 0x03, 'the signature BIT STRING');
  return sig + (der[sig + 1] < 0x80 ? 2 : 2 + (der[sig + 1] & 0x7f));
}

describe('tlsw verify: arguments', () => {
  const leaf = t.path('v-leaf.pem');
  const ca = t.path('v-ca.pem');
  openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', t.path('v-ca.key'), '-subj', '/CN=Verify Args CA', '-days', '30', '-out', ca]);
  openssl(['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', t.path('v-leaf.key'), '-subj', '/CN=args.example', '-out', t.path('v-leaf.csr')]);
  writeFileSync(t.path('v-ext.cnf'), 'subjectAltName=DNS:args.example\nextendedKeyUsage=serverAuth\n');
  openssl(['x509', '-req', '-in', t.path('v-leaf.csr'), '-CA', ca, '-CAkey', t.path('v-ca.key'), '-set_serial', '5', '-days', '10', '-extfile', t.path('v-ext.cnf'), '-out', leaf]);

  it('refuses options that need anchors when none are given, and unknown purposes, as usage errors', () => {
    for (const [args, msg] of [
      [['verify', '--cert', leaf, '--crl', ca], /--crl needs trust anchors: add --ca FILE or --system/],
      [['verify', '--cert', leaf, '--host', 'x'], /--host needs trust anchors/],
      [['verify', '--cert', leaf, '--ca', ca, '--purpose', 'email'], /--purpose must be one of server, client, any/],
      [['verify', '--cert', leaf, '--ca', ca, '--crl-check', 'some'], /--crl-check must be none, leaf or all/],
      [['verify', '--csr', leaf, '--ca', ca], /--ca applies to --cert, not --csr/],
    ] as const) {
      const r = tlsw([...args]);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.err}`);
      assert.match(r.err, msg);
      noStack(r.err);
    }
  });

  it('--json gives ok, anchored, the chain with its checks and coded errors; exit 1 when invalid', () => {
    const ok = tlsw(['verify', '--cert', leaf, '--ca', ca, '--purpose', 'server', '--host', 'args.example', '--json']);
    assert.equal(ok.code, 0, ok.err);
    const j = JSON.parse(ok.out);
    assert.equal(j.ok, true);
    assert.equal(j.anchored, true);
    assert.deepEqual(j.chain.map((l: { anchor: boolean }) => l.anchor), [false, true]);
    assert.ok(j.chain[0].checks.some((c: { name: string; ok: boolean }) => c.name === 'host' && c.ok));
    const bad = tlsw(['verify', '--cert', leaf, '--ca', ca, '--host', 'other.example', '--json']);
    assert.equal(bad.code, 1);
    const jb = JSON.parse(bad.out);
    assert.deepEqual(jb.errors.map((e: { code: string }) => e.code), ['hostname_mismatch']);
    assert.match(bad.err, /the leaf \(CN=args\.example\): not valid for other\.example .*\[hostname_mismatch\]/);
    // Without anchors, the leaf's own CA in the --cert file is not trusted.
    writeFileSync(t.path('v-both.pem'), readFileSync(leaf, 'utf8') + readFileSync(ca, 'utf8'));
    const other = t.path('v-other.pem');
    openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', t.path('v-other.key'), '-subj', '/CN=Other CA', '-days', '30', '-out', other]);
    const smuggled = tlsw(['verify', '--cert', t.path('v-both.pem'), '--ca', other]);
    assert.equal(smuggled.code, 1);
    assert.match(smuggled.err, /certificate 2 of the chain \(CN=Verify Args CA\): a self-signed certificate that is not one of the trust anchors given\. \[self_signed_cert_in_chain\]/);
  });
});
