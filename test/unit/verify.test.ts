// Chain verification: what passes, and a readable reason for each way a chain can fail — checked against
// what `openssl verify` decides for the same files.

import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { after, describe, it } from 'node:test';
import 'reflect-metadata';
import { parseSubject } from '../../src/core/write/dn';
import { issueCertificate, type IssueOptions } from '../../src/core/write/issue';
import { encodePem } from '../../src/core/der/pem';
import { checkNameConstraints, hostMatches, parseIp } from '../../src/core/trust/nameMatch';
import { isPublicSuffix } from '../../src/core/trust/publicSuffix';
import { systemTrustStore } from '../../src/core/trust/trustStore';
import { orderChain, validatePath, type ChainCheck } from '../../src/core/trust/pathValidation';
import { openssl, tempDir } from '../helpers/tools';

const t = tempDir();
after(() => t.cleanup());

function keyPair() {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return {
    pkcs8: new Uint8Array(privateKey.export({ type: 'pkcs8', format: 'der' })),
    spki: new Uint8Array(publicKey.export({ type: 'spki', format: 'der' })),
  };
}

type Ca = { certificate: Uint8Array; privateKeyPkcs8: Uint8Array };

async function make(cn: string, profile: IssueOptions['profile'], issuer?: Ca, extra: Partial<IssueOptions> = {}): Promise<Ca> {
  const k = keyPair();
  const { der } = await issueCertificate({
    subject: parseSubject(`/O=Verify Test/CN=${cn}`),
    publicKeySpki: k.spki,
    subjectPrivateKeyPkcs8: k.pkcs8,
    profile,
    issuer,
    allowOutliveIssuer: true,
    ...extra,
  });
  return { certificate: der, privateKeyPkcs8: k.pkcs8 };
}

/** What openssl decides for the same chain: true when `openssl verify` accepts it. */
function opensslAccepts(leaf: Uint8Array, cas: Uint8Array[], untrusted: Uint8Array[] = []): boolean {
  const file = (name: string, ders: Uint8Array[]) => {
    writeFileSync(t.path(name), ders.map((d) => encodePem('CERTIFICATE', d)).join(''));
    return t.path(name);
  };
  const args = ['verify', '-CAfile', file('cas.pem', cas)];
  if (untrusted.length) args.push('-untrusted', file('untrusted.pem', untrusted));
  args.push(file('leaf.pem', [leaf]));
  try {
    openssl(args);
    return true;
  } catch {
    return false;
  }
}

const codes = (r: ChainCheck) => r.errors.map((e) => e.code);
const msgs = (r: ChainCheck) => r.errors.map((e) => e.message).join(' | ');

describe('validatePath', () => {
  it('accepts root → leaf and root → intermediate → leaf, leaf first, root last', async () => {
    const root = await make('Root', 'root');
    const int = await make('Intermediate', 'intermediate', root);
    const leaf = await make('leaf.example', 'server', int, { sans: [{ type: 'dns', value: 'leaf.example' }] });
    const direct = validatePath((await make('direct.example', 'client', root)).certificate, { anchors: [root.certificate] });
    assert.deepEqual(direct.errors, []);
    assert.equal(direct.ok, true);
    const r = validatePath(leaf.certificate, { anchors: [root.certificate], intermediates: [int.certificate] });
    assert.deepEqual(r.errors, []);
    assert.equal(r.anchored, true);
    assert.deepEqual(r.chain.map((l) => l.anchor), [false, false, true]);
    assert.deepEqual(r.chain.map((l) => l.subject), ['O=Verify Test, CN=leaf.example', 'O=Verify Test, CN=Intermediate', 'O=Verify Test, CN=Root']);
    assert.ok(r.chain.every((l) => l.signatureValid));
    assert.equal(opensslAccepts(leaf.certificate, [root.certificate], [int.certificate]), true);
  });

  it('names a missing issuer', async () => {
    const root = await make('Root', 'root');
    const int = await make('Intermediate', 'intermediate', root);
    const leaf = await make('leaf', 'server', int);
    const r = validatePath(leaf.certificate, { anchors: [root.certificate] });
    assert.equal(r.ok, false);
    assert.deepEqual(codes(r), ['unable_to_get_issuer_cert']);
    assert.match(msgs(r), /the leaf \(CN=leaf\): its issuer "O=Verify Test, CN=Intermediate" is not among the trust anchors or intermediates/);
    assert.equal(opensslAccepts(leaf.certificate, [root.certificate]), false);
  });

  it('catches an impostor CA with the same name but another key', async () => {
    const root = await make('Root', 'root');
    const impostor = await make('Root', 'root');
    const leaf = await make('leaf', 'client', root);
    // The leaf's authorityKeyIdentifier names another key, so the impostor is not even a candidate (as in openssl).
    const r = validatePath(leaf.certificate, { anchors: [impostor.certificate] });
    assert.equal(r.ok, false);
    assert.deepEqual(codes(r), ['unable_to_get_issuer_cert']);
    assert.equal(opensslAccepts(leaf.certificate, [impostor.certificate]), false);
  });

  it('reports an expired and a not-yet-valid certificate', async () => {
    const root = await make('Root', 'root');
    const leaf = await make('old', 'server', root, { notBefore: new Date(Date.now() - 40 * 86400_000), days: 10 });
    const r = validatePath(leaf.certificate, { anchors: [root.certificate] });
    assert.equal(r.ok, false);
    assert.deepEqual(codes(r), ['cert_has_expired']);
    assert.match(msgs(r), /the leaf \(CN=old\): expired on \d{4}-/);
    assert.equal(opensslAccepts(leaf.certificate, [root.certificate]), false);
    const future = validatePath((await make('new', 'server', root)).certificate, { anchors: [root.certificate], now: new Date(Date.now() - 86400_000) });
    assert.ok(codes(future).includes('cert_not_yet_valid'));
    assert.match(msgs(future), /not valid before/);
  });

  it('refuses a chain through a certificate that is not a CA', async () => {
    const root = await make('Root', 'root');
    const notCa = await make('Not a CA', 'server', root);
    // A certificate "issued" by a non-CA leaf (made with openssl, since issue.ts refuses to): verifyChain must refuse the chain.
    writeFileSync(t.path('notca.crt'), encodePem('CERTIFICATE', notCa.certificate));
    writeFileSync(t.path('notca.key'), encodePem('PRIVATE KEY', notCa.privateKeyPkcs8));
    openssl(['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', t.path('x.key'), '-subj', '/CN=victim', '-out', t.path('x.csr')]);
    openssl(['x509', '-req', '-in', t.path('x.csr'), '-CA', t.path('notca.crt'), '-CAkey', t.path('notca.key'), '-set_serial', '7', '-days', '5', '-outform', 'DER', '-out', t.path('x.der')]);
    const victim = new Uint8Array(readFileSync(t.path('x.der')));
    const r = validatePath(victim, { anchors: [root.certificate], intermediates: [notCa.certificate] });
    assert.equal(r.ok, false);
    assert.deepEqual(codes(r), ['invalid_ca']);
    assert.match(msgs(r), /certificate 2 of the chain \(CN=Not a CA\): basicConstraints says CA:FALSE/);
    assert.equal(opensslAccepts(victim, [root.certificate], [notCa.certificate]), false);
  });

  it('enforces pathLen', async () => {
    const root = await make('Root', 'root', undefined, { pathLength: 0 });
    // issue.ts refuses an intermediate under pathLen 0, so build the violation with openssl.
    writeFileSync(t.path('root.crt'), encodePem('CERTIFICATE', root.certificate));
    writeFileSync(t.path('root.key'), encodePem('PRIVATE KEY', root.privateKeyPkcs8));
    writeFileSync(t.path('ext.cnf'), '[v]\nbasicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n');
    openssl(['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', t.path('i.key'), '-subj', '/CN=Too Deep CA', '-out', t.path('i.csr')]);
    openssl(['x509', '-req', '-in', t.path('i.csr'), '-CA', t.path('root.crt'), '-CAkey', t.path('root.key'), '-set_serial', '9', '-days', '5',
      '-extfile', t.path('ext.cnf'), '-extensions', 'v', '-out', t.path('i.crt')]);
    openssl(['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', t.path('l.key'), '-subj', '/CN=deep leaf', '-out', t.path('l.csr')]);
    openssl(['x509', '-req', '-in', t.path('l.csr'), '-CA', t.path('i.crt'), '-CAkey', t.path('i.key'), '-set_serial', '10', '-days', '2', '-outform', 'DER', '-out', t.path('l.der')]);
    openssl(['x509', '-in', t.path('i.crt'), '-outform', 'DER', '-out', t.path('i.der')]);
    const leaf = new Uint8Array(readFileSync(t.path('l.der')));
    const int = new Uint8Array(readFileSync(t.path('i.der')));
    const r = validatePath(leaf, { anchors: [root.certificate], intermediates: [int] });
    assert.equal(r.ok, false);
    assert.deepEqual(codes(r), ['path_length_exceeded']);
    assert.match(msgs(r), /certificate 3 of the chain \(CN=Root\): its pathLenConstraint allows 0 intermediate CAs below it, the chain has 1/);
    assert.equal(opensslAccepts(leaf, [root.certificate], [int]), false);
  });
});

describe('validatePath: only the caller’s anchors end a path', () => {
  it('never trusts a self-signed root smuggled in with the leaf, even one that signed it and names itself like the real root', async () => {
    const real = await make('Root', 'root');
    const fake = await make('Root', 'root');
    const leaf = await make('victim.example', 'server', fake);
    const r = validatePath(leaf.certificate, { anchors: [real.certificate], intermediates: [fake.certificate] });
    assert.equal(r.ok, false);
    assert.deepEqual(codes(r), ['self_signed_cert_in_chain']);
    assert.match(msgs(r), /certificate 2 of the chain \(CN=Root\): a self-signed certificate that is not one of the trust anchors given/);
    assert.equal(opensslAccepts(leaf.certificate, [real.certificate], [fake.certificate]), false);
    // Its genuine root in the file, an unrelated anchor: still untrusted.
    const other = await make('Other Root', 'root');
    const own = await make('own.example', 'server', real);
    const r2 = validatePath(own.certificate, { anchors: [other.certificate], intermediates: [real.certificate] });
    assert.deepEqual(codes(r2), ['self_signed_cert_in_chain']);
    assert.match(msgs(r2), /certificate 2 of the chain \(CN=Root\): a self-signed certificate that is not one of the trust anchors given/);
    // No anchors at all: never ok, whatever the file holds.
    const none = validatePath(own.certificate, { anchors: [], intermediates: [real.certificate] });
    assert.equal(none.ok, false);
    assert.equal(none.anchored, false);
  });

  it('an intermediate as the only anchor needs partialChain (openssl verify -partial_chain)', async () => {
    const root = await make('Root', 'root');
    const int = await make('Issuing CA', 'intermediate', root);
    const leaf = await make('leaf.example', 'server', int);
    const strict = validatePath(leaf.certificate, { anchors: [int.certificate] });
    assert.deepEqual(codes(strict), ['unable_to_get_issuer_cert']);
    assert.match(msgs(strict), /certificate 2 of the chain \(CN=Issuing CA\): a trust anchor that is not self-signed/);
    assert.equal(opensslAccepts(leaf.certificate, [int.certificate]), false);
    const partial = validatePath(leaf.certificate, { anchors: [int.certificate], partialChain: true });
    assert.deepEqual(partial.errors, []);
    assert.deepEqual(partial.chain.map((l) => l.anchor), [false, true]);
    assert.deepEqual(validatePath(leaf.certificate, { anchors: [int.certificate, root.certificate] }).chain.length, 3);
  });

  it('a self-signed leaf is trusted only when it is itself an anchor', async () => {
    const self = await make('self.example', 'root');
    assert.deepEqual(codes(validatePath(self.certificate, { anchors: [] })), ['depth_zero_self_signed_cert']);
    const trusted = validatePath(self.certificate, { anchors: [self.certificate] });
    assert.deepEqual(trusted.errors, []);
    assert.deepEqual(trusted.chain.map((l) => l.anchor), [true]);
  });

  it('tries every issuer of the right name: a same-name CA with another key does not hide the real one', async () => {
    const root = await make('Root', 'root');
    const int = await make('Issuing CA', 'intermediate', root);
    const decoy = await make('Issuing CA', 'intermediate', root);
    const leaf = await make('leaf.example', 'server', int);
    for (const intermediates of [[decoy.certificate, int.certificate], [int.certificate, decoy.certificate]]) {
      const r = validatePath(leaf.certificate, { anchors: [root.certificate], intermediates });
      assert.deepEqual(r.errors, []);
      assert.equal(r.chain[1].fingerprintSha256, validatePath(int.certificate, { anchors: [root.certificate] }).chain[0].fingerprintSha256);
    }
  });

  it('stays bounded on a hostile bundle of look-alike CAs, and says why it failed', async () => {
    const root = await make('Root', 'root');
    const leaf = await make('leaf', 'server', await make('Twin CA', 'intermediate', root));
    const twins = await Promise.all(Array.from({ length: 40 }, () => make('Twin CA', 'intermediate', root)));
    const r = validatePath(leaf.certificate, { anchors: [root.certificate], intermediates: twins.map((x) => x.certificate) });
    assert.equal(r.ok, false);
    assert.deepEqual(codes(r), ['unable_to_get_issuer_cert']);
  });

  it('without key identifiers, tries each same-name candidate and reports the signature failure', async () => {
    const root = await make('Root', 'root');
    const impostor = await make('Root', 'root');
    // An openssl-made leaf without authorityKeyIdentifier, issued by the real root.
    writeFileSync(t.path('r.crt'), encodePem('CERTIFICATE', root.certificate));
    writeFileSync(t.path('r.key'), encodePem('PRIVATE KEY', root.privateKeyPkcs8));
    writeFileSync(t.path('noaki.cnf'), '[v]\nbasicConstraints=CA:FALSE\nsubjectKeyIdentifier=none\nauthorityKeyIdentifier=none\n');
    openssl(['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', t.path('na.key'), '-subj', '/CN=no-aki', '-out', t.path('na.csr')]);
    openssl(['x509', '-req', '-in', t.path('na.csr'), '-CA', t.path('r.crt'), '-CAkey', t.path('r.key'), '-set_serial', '11', '-days', '5', '-extfile', t.path('noaki.cnf'), '-extensions', 'v', '-outform', 'DER', '-out', t.path('na.der')]);
    const leaf = new Uint8Array(readFileSync(t.path('na.der')));
    const r = validatePath(leaf, { anchors: [impostor.certificate] });
    assert.deepEqual(codes(r), ['cert_signature_failure']);
    assert.match(msgs(r), /the leaf \(CN=no-aki\): signature does not verify with the key of CN=Root/);
    assert.deepEqual(validatePath(leaf, { anchors: [impostor.certificate, root.certificate] }).errors, []);
  });

  it('checks the purpose on the leaf (EKU) like openssl -purpose', async () => {
    const root = await make('Root', 'root');
    const server = await make('srv.example', 'server', root, { sans: [{ type: 'dns', value: 'srv.example' }] });
    assert.deepEqual(validatePath(server.certificate, { anchors: [root.certificate], purpose: 'server' }).errors, []);
    const r = validatePath(server.certificate, { anchors: [root.certificate], purpose: 'client' });
    assert.deepEqual(codes(r), ['invalid_purpose']);
    assert.match(msgs(r), /does not include clientAuth/);
    assert.deepEqual(validatePath(server.certificate, { anchors: [root.certificate], host: 'SRV.example.' }).errors, []);
    assert.deepEqual(codes(validatePath(server.certificate, { anchors: [root.certificate], host: 'other.example' })), ['hostname_mismatch']);
  });
});

describe('host names and IP addresses', () => {
  const psl = (d: string) => isPublicSuffix(d);
  it('wildcards match one leftmost label, never a public suffix', () => {
    assert.equal(hostMatches('*.example.com', 'a.example.com', psl), true);
    assert.equal(hostMatches('*.Example.COM.', 'A.example.com', psl), true);
    assert.equal(hostMatches('*.example.com', 'a.b.example.com', psl), false);
    assert.equal(hostMatches('*.example.com', 'example.com', psl), false);
    assert.equal(hostMatches('a*.example.com', 'ab.example.com', psl), false);
    assert.equal(hostMatches('*.*.example.com', 'a.b.example.com', psl), false);
    assert.equal(hostMatches('*.com', 'example.com', psl), false);
    assert.equal(hostMatches('*.co.uk', 'bank.co.uk', psl), false);
    assert.equal(hostMatches('*.corp.internal', 'git.corp.internal', psl), true);
    assert.equal(hostMatches('www.example.com', 'www.example.com', psl), true);
    assert.equal(isPublicSuffix('co.uk'), true);
    assert.equal(isPublicSuffix('example.co.uk'), false);
  });
  it('parses IPv4 and IPv6 text', () => {
    assert.deepEqual(parseIp('192.0.2.1'), Uint8Array.from([192, 0, 2, 1]));
    assert.equal(parseIp('256.0.0.1'), undefined);
    assert.deepEqual(parseIp('::1'), Uint8Array.from([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]));
    assert.deepEqual(parseIp('[2001:db8::ff00:42:8329]')?.slice(0, 4), Uint8Array.from([0x20, 0x01, 0x0d, 0xb8]));
    assert.equal(parseIp('1:2:3:4:5:6:7:8:9'), undefined);
    assert.equal(parseIp('example.com'), undefined);
  });
});

describe('systemTrustStore', () => {
  it('honours SSL_CERT_FILE, then the system bundles, then Node’s own roots', async () => {
    const root = await make('Env Root', 'root');
    writeFileSync(t.path('env-bundle.pem'), encodePem('CERTIFICATE', root.certificate));
    const env = systemTrustStore({ env: { SSL_CERT_FILE: t.path('env-bundle.pem') }, bundles: [] });
    assert.equal(env.source, t.path('env-bundle.pem'));
    assert.equal(env.anchors.length, 1);
    const system = systemTrustStore({ env: {} });
    assert.equal(system.source, '/etc/ssl/certs/ca-certificates.crt');
    assert.ok(system.anchors.length > 100);
    const fallback = systemTrustStore({ env: {}, bundles: [t.path('missing.pem')] });
    assert.equal(fallback.source, 'Node.js built-in roots');
    assert.ok(fallback.anchors.length > 100);
  });
});

describe('orderChain', () => {
  it('puts the leaf first whatever the input order, and refuses strangers', async () => {
    const root = await make('Root', 'root');
    const int = await make('Intermediate', 'intermediate', root);
    const leaf = await make('leaf', 'server', int);
    const ordered = orderChain([root.certificate, leaf.certificate, int.certificate]);
    assert.deepEqual(ordered, [leaf.certificate, int.certificate, root.certificate]);
    const stranger = await make('Stranger', 'root');
    assert.throws(() => orderChain([leaf.certificate, int.certificate, stranger.certificate]), /do not form a single chain|not part of the chain/);
  });
});

describe('name constraints stay bounded', () => {
  it('refuses more than 2^20 names × subtrees comparisons (OpenSSL NAME_CHECK_MAX) instead of running them', () => {
    const dns = (i: number) => ({ type: 'dns' as const, text: `h${i}.example` });
    const cert = { subjectRdns: [], subjectAttrs: [], subjectAltNames: Array.from({ length: 2000 }, (_, i) => dns(i)), model: { subject: { text: '' } } };
    const nc = { permitted: Array.from({ length: 1000 }, (_, i) => ({ base: dns(i), minMax: false })), excluded: [] };
    const f = checkNameConstraints(cert as unknown as Parameters<typeof checkNameConstraints>[0], nc, true);
    assert.equal(f?.code, 'unsupported_name_syntax');
    assert.match(f!.name, /2000 names against 1000 name constraints \(too many to check\)/);
    const small = { ...nc, permitted: nc.permitted.slice(0, 500) };
    // 2^20 is OpenSSL's NAME_CHECK_MAX: the first case is over it, this one within.
    assert.ok(cert.subjectAltNames.length * nc.permitted.length > 2 ** 20 && cert.subjectAltNames.length * small.permitted.length <= 2 ** 20);
    assert.equal(checkNameConstraints(cert as unknown as Parameters<typeof checkNameConstraints>[0], small, true)?.code, 'permitted_violation');
  });
});
