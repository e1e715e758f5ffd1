import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { children, readRoot, whole } from '../../src/core/der/asn1';
import { parseSubject } from '../../src/core/write/dn';
import type { Profile, San } from '../../src/core/write/issue';
import { createCsr, issueCertificate, nextSerialFromFile, parseSans, signCsr } from '../../src/core/write/issue';
import { decodeCsr } from '../../src/core/objects/x509';
import { readCertificate } from '../../src/core/read/lint';
import { PkiError } from '../../src/core/model';
import { openssl, opensslBytes, read, tempDir, write } from '../helpers/tools';

interface Key {
  pkcs8: Uint8Array;
  spki: Uint8Array;
  pemPath: string;
}

const tmp = tempDir('tlsw-issue-');

/** The exact bytes of a DER certificate's issuer and subject Names. */
function rawNames(der: Uint8Array): { issuer: Buffer; subject: Buffer } {
  const f = children(der, children(der, readRoot(der))[0]);
  const i = f[0].tag === 0xa0 ? 1 : 0;
  return { issuer: Buffer.from(whole(der, f[i + 2])), subject: Buffer.from(whole(der, f[i + 4])) };
}

/** notAfter − notBefore of a decoded certificate, in ms. */
function lifetime(c: { notBefore: string; notAfter: string }): number {
  return Date.parse(c.notAfter) - Date.parse(c.notBefore);
}
let n = 0;
const keys: Record<'p256' | 'p384' | 'p521' | 'rsa' | 'rsa2' | 'ed' | 'ed2' | 'rsa1024' | 'k1', Key> = {} as never;

function makeKey(type: 'ec' | 'rsa' | 'ed25519', opt: { namedCurve?: string; modulusLength?: number } = {}): Key {
  const kp =
    type === 'ec'
      ? generateKeyPairSync('ec', { namedCurve: opt.namedCurve as string })
      : type === 'rsa'
        ? generateKeyPairSync('rsa', { modulusLength: opt.modulusLength as number })
        : generateKeyPairSync('ed25519');
  const pemPath = tmp.path(`key${n++}.pem`);
  write(pemPath, kp.privateKey.export({ format: 'pem', type: 'pkcs8' }) as string);
  return {
    pkcs8: kp.privateKey.export({ format: 'der', type: 'pkcs8' }),
    spki: kp.publicKey.export({ format: 'der', type: 'spki' }),
    pemPath,
  };
}

before(() => {
  keys.p256 = makeKey('ec', { namedCurve: 'P-256' });
  keys.p384 = makeKey('ec', { namedCurve: 'P-384' });
  keys.p521 = makeKey('ec', { namedCurve: 'P-521' });
  keys.rsa = makeKey('rsa', { modulusLength: 2048 });
  keys.rsa2 = makeKey('rsa', { modulusLength: 2048 });
  keys.ed = makeKey('ed25519');
  keys.ed2 = makeKey('ed25519');
  keys.rsa1024 = makeKey('rsa', { modulusLength: 1024 });
  keys.k1 = makeKey('ec', { namedCurve: 'secp256k1' });
});
after(() => tmp.cleanup());

function pem(der: Uint8Array, label = 'CERTIFICATE'): string {
  const b64 = Buffer.from(der).toString('base64').match(/.{1,64}/g) as string[];
  return `-----BEGIN ${label}-----\n${b64.join('\n')}\n-----END ${label}-----\n`;
}

function save(der: Uint8Array, label = 'CERTIFICATE'): string {
  const p = tmp.path(`obj${n++}.pem`);
  write(p, pem(der, label));
  return p;
}

/** Runs openssl, returning exit status and stdout+stderr (for commands whose failure is the point). */
function run(args: string[]): { status: number; out: string } {
  const r = spawnSync('openssl', args, { encoding: 'utf8' });
  return { status: r.status ?? -1, out: `${r.stdout}${r.stderr}` };
}

function text(der: Uint8Array): string {
  return openssl(['x509', '-inform', 'DER', '-noout', '-text'], der);
}

function ext(der: Uint8Array, name: string): { critical: boolean; body: string } | undefined {
  const lines = text(der).split('\n');
  const i = lines.findIndex((l) => l.trim().startsWith(`${name}:`));
  if (i < 0) return undefined;
  return { critical: lines[i].includes('critical'), body: lines[i + 1].trim() };
}

function verifyChain(root: Uint8Array, leaf: Uint8Array, intermediates: Uint8Array[] = [], purpose?: string): { status: number; out: string } {
  const args = ['verify', '-CAfile', save(root)];
  if (intermediates.length > 0) {
    const p = tmp.path(`chain${n++}.pem`);
    write(p, intermediates.map((d) => pem(d)).join(''));
    args.push('-untrusted', p);
  }
  if (purpose) args.push('-purpose', purpose);
  args.push(save(leaf));
  return run(args);
}

async function rejectsPki(p: Promise<unknown>, re: RegExp): Promise<void> {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof PkiError, `expected PkiError, got ${String(e)}`);
    assert.match(e.message, re);
    assert.ok(!e.message.includes('\n'), 'one line');
    return true;
  });
}

function pkiThrows(f: () => unknown, re: RegExp): void {
  assert.throws(f, (e: unknown) => e instanceof PkiError && re.test(e.message) && !e.message.includes('\n'));
}

async function selfSigned(k: Key, profile: Profile, subject = '/CN=Test Root', extra: { days?: number; pathLength?: number | null; sans?: San[] } = {}) {
  return issueCertificate({ subject: parseSubject(subject), publicKeySpki: k.spki, subjectPrivateKeyPkcs8: k.pkcs8, profile, ...extra });
}

const DAY = 86_400_000;

/** Number of attributes in a DER CSR's [0] attributes field. */
function certificateRequestAttributes(der: Uint8Array): number {
  const info = children(der, readRoot(der))[0];
  const attrs = children(der, info)[3];
  return attrs ? children(der, attrs).length : 0;
}

describe('parseSans', () => {
  it('reads every kind, prefixes in any case, bare names and IPs', () => {
    assert.deepEqual(parseSans('dns:a.example,ip:1.2.3.4,ip:::1,email:e@x.example,uri:https://x.example/p?q=1'), [
      { type: 'dns', value: 'a.example' },
      { type: 'ip', value: '1.2.3.4' },
      { type: 'ip', value: '::1' },
      { type: 'email', value: 'e@x.example' },
      { type: 'uri', value: 'https://x.example/p?q=1' },
    ]);
    assert.deepEqual(parseSans(' DNS:*.Example.com, 10.0.0.1 ,fe80::1,localhost, IP Address:2001:DB8:0:0:0:0:0:1,URI:spiffe://a/b,'), [
      { type: 'dns', value: '*.Example.com' },
      { type: 'ip', value: '10.0.0.1' },
      { type: 'ip', value: 'fe80::1' },
      { type: 'dns', value: 'localhost' },
      { type: 'ip', value: '2001:db8::1' },
      { type: 'uri', value: 'spiffe://a/b' },
    ]);
    assert.deepEqual(parseSans('dns:bücher.example,ip:::ffff:1.2.3.4,dns:A.example,dns:a.example'), [
      { type: 'dns', value: 'xn--bcher-kva.example' },
      { type: 'ip', value: '::ffff:102:304' },
      { type: 'dns', value: 'A.example' },
    ]);
    assert.deepEqual(parseSans(''), []);
  });

  it('refuses bad entries, naming them', () => {
    pkiThrows(() => parseSans('dns:ok.example,dns:bad_name.example'), /"dns:bad_name\.example" is not a valid DNS name/);
    pkiThrows(() => parseSans('dns:a.*.example'), /a\.\*\.example/);
    pkiThrows(() => parseSans('dns:*'), /not a valid DNS name/);
    pkiThrows(() => parseSans('dns:-a.example'), /not a valid DNS name/);
    pkiThrows(() => parseSans(`dns:${'a'.repeat(64)}.example`), /not a valid DNS name/);
    pkiThrows(() => parseSans('ip:1.2.3.256'), /"ip:1\.2\.3\.256" is not a valid IPv4 or IPv6/);
    pkiThrows(() => parseSans('ip:fe80::1%eth0'), /not a valid IPv4 or IPv6/);
    pkiThrows(() => parseSans('ip:1::2::3'), /not a valid IPv4 or IPv6/);
    pkiThrows(() => parseSans('email:nobody'), /"email:nobody" is not a valid email/);
    pkiThrows(() => parseSans('email:a b@x.example'), /not a valid email/);
    pkiThrows(() => parseSans('uri:example.com/x'), /"uri:example\.com\/x" is not a valid URI/);
    pkiThrows(() => parseSans('uri:https://x y'), /not a valid URI/);
    pkiThrows(() => parseSans('https://x.example'), /"https:\/\/x\.example" is not a valid DNS name/);
    pkiThrows(() => parseSans('dns:'), /has no value/);
  });
});

describe('serial numbers', () => {
  it('a serial not given is random: positive, at most 20 octets with the top bit clear, different each time', async () => {
    const seen = new Set<string>();
    for (let i = 0; i < 100; i++) {
      const { der } = await selfSigned(keys.ed, 'server', '/CN=serial');
      const s = readCertificate(der).serialNumber;
      assert.match(s, /^[0-9a-f]{1,40}$/);
      const v = BigInt(`0x${s}`);
      assert.ok(v > 0n && v < 2n ** 159n, s);
      seen.add(s);
    }
    assert.equal(seen.size, 100);
  });

  it('nextSerialFromFile: increments, writes uppercase hex + newline, random start', () => {
    assert.deepEqual(nextSerialFromFile('0F\n'), { serial: '10', fileContents: '10\n' });
    assert.deepEqual(nextSerialFromFile('ff'), { serial: '0100', fileContents: '0100\n' });
    const fresh = nextSerialFromFile(undefined);
    assert.match(fresh.fileContents, /^([0-9A-F]{2}){1,20}\n$/);
    assert.ok(BigInt(`0x${fresh.serial}`) > 0n && BigInt(`0x${fresh.serial}`) < 2n ** 159n);
    assert.equal(fresh.fileContents, `${fresh.serial.toUpperCase()}\n`);
    pkiThrows(() => nextSerialFromFile('not hex\n'), /serial file/);
    pkiThrows(() => nextSerialFromFile(`7F${'FF'.repeat(19)}`), /20 octets/);
  });

  it('follows the same .srl sequence as openssl x509 -req -CAcreateserial', async () => {
    const root = await selfSigned(keys.p256, 'root');
    const caPem = save(root.der);
    const csr = tmp.path('srl.csr');
    openssl(['req', '-new', '-key', keys.rsa.pemPath, '-subj', '/CN=John-Doe', '-out', csr]);
    const srl = tmp.path('ca.srl');
    const sign = (out: string, create: boolean): string => {
      const args = ['x509', '-req', '-in', csr, '-CA', caPem, '-CAkey', keys.p256.pemPath, '-CAserial', srl, '-days', '30', '-sha256', '-out', out];
      if (create) args.push('-CAcreateserial');
      openssl(args);
      return openssl(['x509', '-in', out, '-noout', '-serial']).trim().replace('serial=', '');
    };
    const first = sign(tmp.path('c1.pem'), true);
    assert.equal(read(srl).toString(), `${first}\n`);
    const ours = nextSerialFromFile(read(srl).toString());
    const second = sign(tmp.path('c2.pem'), false);
    assert.equal(ours.serial.toUpperCase(), second);
    assert.equal(ours.fileContents, read(srl).toString());
    // and a certificate issued with that serial carries it
    const leaf = await signCsr(opensslBytes(['req', '-in', csr, '-outform', 'DER']), { certificate: root.der, privateKeyPkcs8: keys.p256.pkcs8 }, {
      profile: 'client',
      serialNumber: ours.serial,
    });
    // (compared without leading zero digits: a serial such as 09…, one time in 16, prints with or without them)
    assert.equal(readCertificate(leaf.der).serialNumber.replace(/^0+/, ''), ours.serial.replace(/^0+/, ''));
  });
});

describe('CSRs', () => {
  const cases: [keyof typeof keys, string][] = [
    ['rsa', 'sha256WithRSAEncryption'],
    ['p256', 'ecdsa-with-SHA256'],
    ['p384', 'ecdsa-with-SHA384'],
    ['p521', 'ecdsa-with-SHA512'],
    ['ed', 'ED25519'],
  ];
  for (const [k, alg] of cases) {
    it(`${k}: openssl req -verify accepts it; default signature ${alg}`, async () => {
      const der = await createCsr({
        privateKeyPkcs8: keys[k].pkcs8,
        subject: parseSubject('/C=UK/ST=England/L=London/O=Any Org/OU=Any Org Engineering/CN=John-Doe'),
        sans: parseSans('dns:john.example,ip:2001:db8::7,email:john@example.org,uri:https://example.org/john'),
      });
      const r = run(['req', '-in', save(der, 'CERTIFICATE REQUEST'), '-verify', '-noout', '-text']);
      assert.equal(r.status, 0, r.out);
      assert.match(r.out, /verify OK/);
      assert.match(r.out, new RegExp(`Signature Algorithm: ${alg}`));
      assert.match(r.out, /Subject: C = UK, ST = England, L = London, O = Any Org, OU = Any Org Engineering, CN = John-Doe/);
      assert.match(r.out, /DNS:john\.example, IP Address:2001:DB8:0:0:0:0:0:7, email:john@example\.org, URI:https:\/\/example\.org\/john/);
      assert.equal(decodeCsr(der).signatureValid, true);
    });
  }

  it('honours an explicit hash, and refuses an unsupported one', async () => {
    const der = await createCsr({ privateKeyPkcs8: keys.rsa.pkcs8, subject: parseSubject('/CN=x'), hash: 'SHA-512' });
    assert.match(openssl(['req', '-inform', 'DER', '-noout', '-text'], der), /sha512WithRSAEncryption/);
    assert.doesNotMatch(openssl(['req', '-inform', 'DER', '-noout', '-text'], der), /Alternative Name/);
    assert.equal(certificateRequestAttributes(der), 0);
    await rejectsPki(createCsr({ privateKeyPkcs8: keys.rsa.pkcs8, subject: parseSubject('/CN=x'), hash: 'SHA-1' as never }), /hash "SHA-1"/);
  });

  it('an empty subject needs SANs, which then become critical', async () => {
    await rejectsPki(createCsr({ privateKeyPkcs8: keys.p256.pkcs8, subject: [] }), /subject or at least one SAN/);
    const der = await createCsr({ privateKeyPkcs8: keys.p256.pkcs8, subject: [], sans: parseSans('a.example') });
    assert.match(openssl(['req', '-inform', 'DER', '-noout', '-text'], der), /Subject Alternative Name: critical\s+DNS:a\.example/);
  });

  it('signCsr checks the request: OpenSSL CSRs (incl. RSA-PSS) are signed, an altered one is refused, garbage is a PkiError', async () => {
    const root = await selfSigned(keys.p256, 'root');
    const sign = (csr: Uint8Array) => signCsr(csr, { certificate: root.der, privateKeyPkcs8: keys.p256.pkcs8 }, { profile: 'client' });
    const rsaCsr = opensslBytes(['req', '-new', '-key', keys.rsa.pemPath, '-subj', '/CN=tamper-me', '-outform', 'DER']);
    assert.ok((await sign(rsaCsr)).der.length > 0);
    const pss = opensslBytes(['req', '-new', '-key', keys.rsa.pemPath, '-subj', '/CN=pss', '-sigopt', 'rsa_padding_mode:pss', '-sigopt', 'rsa_pss_saltlen:32', '-outform', 'DER']);
    assert.ok((await sign(pss)).der.length > 0);
    const edCsr = opensslBytes(['req', '-new', '-key', keys.ed.pemPath, '-subj', '/CN=ed', '-outform', 'DER']);
    assert.ok((await sign(edCsr)).der.length > 0);
    const bad = Buffer.from(rsaCsr);
    bad[bad.indexOf('tamper-me') + 1] ^= 0x01;
    await rejectsPki(sign(bad), /the CSR signature does not verify/);
    const theirVerdict = run(['req', '-in', save(bad, 'CERTIFICATE REQUEST'), '-verify', '-noout']);
    assert.doesNotMatch(theirVerdict.out, /verify OK/);
    await rejectsPki(sign(Uint8Array.from([0x30, 0x03, 0x02, 0x01, 0x00])), /^CSR: /);
    await rejectsPki(sign(Uint8Array.from([1, 2, 3])), /^CSR: /);
  });

  it('refuses keys it cannot sign with and bad key bytes', async () => {
    await rejectsPki(createCsr({ privateKeyPkcs8: keys.k1.pkcs8, subject: parseSubject('/CN=x') }), /secp256k1 is not supported/);
    await rejectsPki(createCsr({ privateKeyPkcs8: Uint8Array.from([1, 2, 3]), subject: parseSubject('/CN=x') }), /not a valid unencrypted PKCS#8/);
  });
});

describe('certificates: chains verified by openssl', () => {
  it('root → leaf (server) and root → intermediate → leaf (client), with matching purposes', async () => {
    const root = await selfSigned(keys.p256, 'root', '/C=UK/O=Any Org/CN=Any Org Root');
    assert.deepEqual(root.warnings, []);
    const ca = { certificate: root.der, privateKeyPkcs8: keys.p256.pkcs8 };
    const server = await issueCertificate({
      subject: parseSubject('/CN=www.example.com'),
      publicKeySpki: keys.rsa.spki,
      sans: parseSans('dns:*.example.com,ip:10.0.0.1,ip:::1'),
      profile: 'server',
      issuer: ca,
    });
    assert.deepEqual(server.warnings, []);
    let r = verifyChain(root.der, server.der, [], 'sslserver');
    assert.equal(r.status, 0, r.out);
    assert.notEqual(verifyChain(root.der, server.der, [], 'sslclient').status, 0, 'a server-only certificate is not a client one');

    const int = await issueCertificate({ subject: parseSubject('/C=UK/O=Any Org/CN=Any Org Issuing CA'), publicKeySpki: keys.ed.spki, profile: 'intermediate', issuer: ca });
    const client = await issueCertificate({
      subject: parseSubject('/C=UK/O=Any Org/OU=Any Org Engineering/CN=John-Doe'),
      publicKeySpki: keys.p384.spki,
      profile: 'client',
      issuer: { certificate: int.der, privateKeyPkcs8: keys.ed.pkcs8 },
    });
    r = verifyChain(root.der, client.der, [int.der], 'sslclient');
    assert.equal(r.status, 0, r.out);
    assert.match(text(client.der), /Signature Algorithm: ED25519/);
    assert.notEqual(verifyChain(root.der, client.der).status, 0, 'without the intermediate the chain is incomplete');
    const both = await issueCertificate({ subject: parseSubject('/CN=svc.internal'), publicKeySpki: keys.p256.spki, profile: 'server+client', issuer: { certificate: int.der, privateKeyPkcs8: keys.ed.pkcs8 } });
    assert.equal(verifyChain(root.der, both.der, [int.der], 'sslserver').status, 0);
    assert.equal(verifyChain(root.der, both.der, [int.der], 'sslclient').status, 0);
  });

  it('RSA root (seed 004 style) → client certificate from an OpenSSL CSR; Ed25519 root → intermediate', async () => {
    const root = await selfSigned(keys.rsa2, 'root', '/C=UK/ST=England/L=London/O=Any Org/CN=sftofluid-prod-mtls');
    assert.match(text(root.der), /Signature Algorithm: sha256WithRSAEncryption/);
    const csr = opensslBytes(['req', '-new', '-sha256', '-key', keys.rsa.pemPath, '-subj', '/C=UK/ST=England/L=London/O=Any Org/OU=Any Org Engineering/CN=John-Doe', '-outform', 'DER']);
    const signed = await signCsr(csr, { certificate: root.der, privateKeyPkcs8: keys.rsa2.pkcs8 }, { profile: 'client', days: 730 });
    assert.deepEqual(signed.warnings, [], 'a 2-year client certificate is fine');
    const r = verifyChain(root.der, signed.der, [], 'sslclient');
    assert.equal(r.status, 0, r.out);
    // the subject is copied byte for byte
    const csrInfo = children(csr, readRoot(csr))[0];
    assert.deepEqual(rawNames(signed.der).subject, Buffer.from(whole(csr, children(csr, csrInfo)[1])));
    assert.equal(lifetime(readCertificate(signed.der)), 730 * DAY);

    const edRoot = await selfSigned(keys.ed2, 'root', '/CN=Ed Root');
    const int = await issueCertificate({ subject: parseSubject('/CN=Ed Int'), publicKeySpki: keys.p256.spki, profile: 'intermediate', issuer: { certificate: edRoot.der, privateKeyPkcs8: keys.ed2.pkcs8 } });
    assert.equal(verifyChain(edRoot.der, int.der).status, 0);
  });

  it('signs with a CA that openssl req -x509 made (the reverse direction)', async () => {
    const caPem = tmp.path('oca.pem');
    const caKey = tmp.path('oca.key');
    openssl(['req', '-x509', '-newkey', 'rsa:2048', '-keyout', caKey, '-out', caPem, '-sha256', '-days', '3650', '-nodes', '-subj', '/C=UK/ST=England/L=London/O=Any Org/CN=sftofluid-prod-mtls']);
    const caDer = opensslBytes(['x509', '-in', caPem, '-outform', 'DER']);
    const caKeyDer = opensslBytes(['pkey', '-in', caKey, '-outform', 'DER']);
    const csr = await createCsr({ privateKeyPkcs8: keys.p256.pkcs8, subject: parseSubject('/CN=johndoe') });
    const leaf = await signCsr(csr, { certificate: caDer, privateKeyPkcs8: caKeyDer }, { profile: 'client', days: 365 });
    const r = run(['verify', '-CAfile', caPem, '-purpose', 'sslclient', save(leaf.der)]);
    assert.equal(r.status, 0, r.out);
    // AKI = the OpenSSL CA's SKI
    const aki = readCertificate(leaf.der).authorityKeyIdentifier;
    const ski = readCertificate(caDer).subjectKeyIdentifier;
    assert.ok(aki && ski);
    assert.equal(aki, ski);
  });

  it('copies SANs from an OpenSSL CSR, or overrides subject and SANs', async () => {
    const root = await selfSigned(keys.p256, 'root');
    const ca = { certificate: root.der, privateKeyPkcs8: keys.p256.pkcs8 };
    const csr = opensslBytes([
      'req', '-new', '-key', keys.p384.pemPath, '-subj', '/CN=svc.example', '-outform', 'DER',
      '-addext', 'subjectAltName=DNS:svc.example,IP:10.1.2.3,IP:2001:db8::1,email:ops@example.org,URI:spiffe://example.org/svc',
      '-addext', 'basicConstraints=critical,CA:TRUE',
    ]);
    const copied = await signCsr(csr, ca, { profile: 'server' });
    assert.equal(ext(copied.der, 'X509v3 Subject Alternative Name')?.body, 'DNS:svc.example, IP Address:10.1.2.3, IP Address:2001:DB8:0:0:0:0:0:1, email:ops@example.org, URI:spiffe://example.org/svc');
    assert.equal(ext(copied.der, 'X509v3 Basic Constraints')?.body, 'CA:FALSE', 'requested CA:TRUE is ignored');
    assert.match(text(copied.der), /Signature Algorithm: ecdsa-with-SHA256/, 'hash follows the signing key (P-256), not the subject key');

    const over = await signCsr(csr, ca, { profile: 'server', subject: parseSubject('/O=Other/CN=other.example'), sans: parseSans('dns:alt.example') });
    assert.match(openssl(['x509', '-inform', 'DER', '-noout', '-subject'], over.der), /subject=O = Other, CN = other\.example/);
    assert.equal(ext(over.der, 'X509v3 Subject Alternative Name')?.body, 'DNS:alt.example, DNS:other.example');
  });
});

describe('certificates: extensions as openssl x509 -text shows them', () => {
  it('root and intermediate CA extensions, SKI/AKI', async () => {
    const root = await selfSigned(keys.p384, 'root', '/CN=Root');
    assert.deepEqual(ext(root.der, 'X509v3 Basic Constraints'), { critical: true, body: 'CA:TRUE, pathlen:1' });
    assert.deepEqual(ext(root.der, 'X509v3 Key Usage'), { critical: true, body: 'Digital Signature, Certificate Sign, CRL Sign' });
    assert.equal(ext(root.der, 'X509v3 Extended Key Usage'), undefined);
    assert.equal(ext(root.der, 'X509v3 Subject Alternative Name'), undefined);
    assert.match(text(root.der), /Signature Algorithm: ecdsa-with-SHA384/);
    const ski = ext(root.der, 'X509v3 Subject Key Identifier');
    assert.equal(ski?.critical, false);
    assert.equal(ext(root.der, 'X509v3 Authority Key Identifier')?.body.replace(/^keyid:/, ''), ski?.body);

    // SKI is RFC 5280 method 1, exactly what OpenSSL computes for the same key
    const cnf = tmp.path('ski.cnf');
    write(cnf, '[req]\ndistinguished_name=dn\n[dn]\n[ext]\nsubjectKeyIdentifier=hash\n');
    const theirs = opensslBytes(['req', '-x509', '-new', '-key', keys.p384.pemPath, '-subj', '/CN=x', '-config', cnf, '-extensions', 'ext', '-outform', 'DER']);
    assert.equal(ext(theirs, 'X509v3 Subject Key Identifier')?.body, ski?.body);

    const int = await issueCertificate({ subject: parseSubject('/CN=Int'), publicKeySpki: keys.rsa.spki, profile: 'intermediate', issuer: { certificate: root.der, privateKeyPkcs8: keys.p384.pkcs8 }, pathLength: null });
    assert.deepEqual(ext(int.der, 'X509v3 Basic Constraints'), { critical: true, body: 'CA:TRUE' });
    assert.equal(ext(int.der, 'X509v3 Authority Key Identifier')?.body.replace(/^keyid:/, ''), ski?.body);
    const int0 = await issueCertificate({ subject: parseSubject('/CN=Int0'), publicKeySpki: keys.rsa.spki, profile: 'intermediate', issuer: { certificate: root.der, privateKeyPkcs8: keys.p384.pkcs8 } });
    assert.deepEqual(ext(int0.der, 'X509v3 Basic Constraints'), { critical: true, body: 'CA:TRUE, pathlen:0' });
    const rootNoLen = await selfSigned(keys.p256, 'root', '/CN=R', { pathLength: 3 });
    assert.equal(ext(rootNoLen.der, 'X509v3 Basic Constraints')?.body, 'CA:TRUE, pathlen:3');
  });

  it('leaf extensions by profile and key type; CN copied into SANs for server profiles only', async () => {
    const root = await selfSigned(keys.p256, 'root');
    const ca = { certificate: root.der, privateKeyPkcs8: keys.p256.pkcs8 };
    const rsaServer = await issueCertificate({ subject: parseSubject('/CN=flow.mycompany.com'), publicKeySpki: keys.rsa.spki, sans: parseSans('dns:flow-analytics.mycompany.com,ip:fd00::1'), profile: 'server', issuer: ca });
    assert.deepEqual(ext(rsaServer.der, 'X509v3 Basic Constraints'), { critical: true, body: 'CA:FALSE' });
    assert.deepEqual(ext(rsaServer.der, 'X509v3 Key Usage'), { critical: true, body: 'Digital Signature, Key Encipherment' });
    assert.deepEqual(ext(rsaServer.der, 'X509v3 Extended Key Usage'), { critical: false, body: 'TLS Web Server Authentication' });
    assert.deepEqual(ext(rsaServer.der, 'X509v3 Subject Alternative Name'), {
      critical: false,
      body: 'DNS:flow-analytics.mycompany.com, IP Address:FD00:0:0:0:0:0:0:1, DNS:flow.mycompany.com',
    });
    const ecClient = await issueCertificate({ subject: parseSubject('/CN=John-Doe'), publicKeySpki: keys.p384.spki, profile: 'client', issuer: ca });
    assert.deepEqual(ext(ecClient.der, 'X509v3 Key Usage'), { critical: true, body: 'Digital Signature' });
    assert.deepEqual(ext(ecClient.der, 'X509v3 Extended Key Usage'), { critical: false, body: 'TLS Web Client Authentication' });
    assert.equal(ext(ecClient.der, 'X509v3 Subject Alternative Name'), undefined);
    const both = await issueCertificate({ subject: parseSubject('/CN=10.9.8.7'), publicKeySpki: keys.ed.spki, profile: 'server+client', sans: parseSans('ip:10.9.8.7,WWW.example'), issuer: ca });
    assert.equal(ext(both.der, 'X509v3 Extended Key Usage')?.body, 'TLS Web Server Authentication, TLS Web Client Authentication');
    assert.equal(ext(both.der, 'X509v3 Subject Alternative Name')?.body, 'IP Address:10.9.8.7, DNS:WWW.example', 'CN already there: not added twice');
    const spaced = await issueCertificate({ subject: parseSubject('/CN=My Server'), publicKeySpki: keys.ed.spki, profile: 'server', sans: parseSans('a.example'), issuer: ca });
    assert.equal(ext(spaced.der, 'X509v3 Subject Alternative Name')?.body, 'DNS:a.example');
    const wild = await issueCertificate({ subject: parseSubject('/CN=*.mycompany.com'), publicKeySpki: keys.ed.spki, profile: 'server', issuer: ca });
    assert.equal(ext(wild.der, 'X509v3 Subject Alternative Name')?.body, 'DNS:*.mycompany.com');
    const noSubject = await issueCertificate({ subject: [], publicKeySpki: keys.ed.spki, profile: 'server', sans: parseSans('only.example'), issuer: ca });
    assert.deepEqual(ext(noSubject.der, 'X509v3 Subject Alternative Name'), { critical: true, body: 'DNS:only.example' });
    assert.equal(verifyChain(root.der, noSubject.der, [], 'sslserver').status, 0);
  });

  it('seed 001: a self-signed server certificate in one step', async () => {
    const self = await selfSigned(keys.rsa, 'server', '/C=US/ST=Colorado/L=Denver/O=My Company/OU=Software Engineering/CN=flow.mycompany.com');
    assert.deepEqual(self.warnings, []);
    const r = run(['verify', '-CAfile', save(self.der), '-purpose', 'sslserver', save(self.der)]);
    assert.equal(r.status, 0, r.out);
    assert.equal(ext(self.der, 'X509v3 Subject Alternative Name')?.body, 'DNS:flow.mycompany.com');
    const f = readCertificate(self.der);
    assert.deepEqual(f.authorityKeyIdentifier, f.subjectKeyIdentifier);
    assert.deepEqual(rawNames(self.der).issuer, rawNames(self.der).subject);
  });
});

describe('certificates: defaults', () => {
  it('validity: root 3650, intermediate 1825, leaf 365 days from now (or notBefore), to the second', async () => {
    const t0 = Date.now();
    const root = await selfSigned(keys.p256, 'root');
    const rf = readCertificate(root.der);
    assert.ok(Math.abs(Date.parse(rf.notBefore) - t0) < 5000);
    assert.equal(lifetime(rf), 3650 * DAY);
    const ca = { certificate: root.der, privateKeyPkcs8: keys.p256.pkcs8 };
    const nb = new Date('2030-01-02T03:04:05.678Z');
    const int = await issueCertificate({ subject: parseSubject('/CN=I'), publicKeySpki: keys.ed.spki, profile: 'intermediate', issuer: ca, notBefore: nb });
    const inf = readCertificate(int.der);
    assert.equal(new Date(inf.notBefore).toISOString(), '2030-01-02T03:04:05.000Z');
    assert.equal(lifetime(inf), 1825 * DAY);
    const leaf = await issueCertificate({ subject: parseSubject('/CN=l.example'), publicKeySpki: keys.ed.spki, profile: 'server', issuer: ca });
    assert.equal(lifetime(readCertificate(leaf.der)), 365 * DAY);
  });

  it('serials are random, up to 20 octets, positive; an explicit one is used', async () => {
    const a = readCertificate((await selfSigned(keys.ed, 'root')).der).serialNumber;
    const b = readCertificate((await selfSigned(keys.ed, 'root')).der).serialNumber;
    assert.notEqual(a, b);
    for (const s of [a, b]) {
      assert.ok(s.length <= 40 && s.length >= 30);
      assert.ok(parseInt(s.slice(0, 1), 16) < 8 || s.length < 40);
    }
    const c = await issueCertificate({ subject: parseSubject('/CN=x'), publicKeySpki: keys.ed.spki, subjectPrivateKeyPkcs8: keys.ed.pkcs8, profile: 'client', serialNumber: '00:FF:01' });
    assert.match(openssl(['x509', '-inform', 'DER', '-noout', '-serial'], c.der), /serial=FF01/);
  });

  it('P-521 signs with SHA-512; an explicit hash wins', async () => {
    assert.match(text((await selfSigned(keys.p521, 'root')).der), /ecdsa-with-SHA512/);
    const c = await issueCertificate({ subject: parseSubject('/CN=x'), publicKeySpki: keys.rsa.spki, subjectPrivateKeyPkcs8: keys.rsa.pkcs8, profile: 'root', hash: 'SHA-384' });
    assert.match(text(c.der), /sha384WithRSAEncryption/);
  });

  it('subjects with spaces, commas, plus, = and non-ASCII print as OpenSSL prints its own', async () => {
    const subj = '/C=UK/O=Any, Org+OU=x=y/CN=Jöhn \\+ Doe';
    const c = await selfSigned(keys.ed, 'client', subj);
    const ours = openssl(['x509', '-inform', 'DER', '-noout', '-subject', '-nameopt', 'RFC2253,-esc_msb'], c.der).trim();
    assert.equal(ours, 'subject=CN=Jöhn \\+ Doe,O=Any\\, Org+OU=x=y,C=UK');
    const theirs = openssl(['req', '-new', '-key', keys.ed.pemPath, '-utf8', '-subj', subj, '-noout', '-subject', '-nameopt', 'RFC2253,-esc_msb']).trim();
    assert.equal(ours, theirs);
    const utf8 = openssl(['x509', '-inform', 'DER', '-noout', '-subject', '-nameopt', 'utf8,sep_comma_plus'], c.der).trim();
    assert.equal(utf8, 'subject=C=UK,OU=x=y+O=Any, Org,CN=Jöhn + Doe');
  });
});

describe('certificates: warnings and refusals', () => {
  it('refuses to sign with a non-CA, a CA without keyCertSign, or a key that does not match', async () => {
    const root = await selfSigned(keys.p256, 'root');
    const leaf = await issueCertificate({ subject: parseSubject('/CN=leaf'), publicKeySpki: keys.ed.spki, profile: 'client', issuer: { certificate: root.der, privateKeyPkcs8: keys.p256.pkcs8 } });
    const base = { subject: parseSubject('/CN=x'), publicKeySpki: keys.p384.spki, profile: 'client' as const };
    await rejectsPki(issueCertificate({ ...base, issuer: { certificate: leaf.der, privateKeyPkcs8: keys.ed.pkcs8 } }), /not a CA \(basicConstraints CA:TRUE is missing\)/);
    const cnf = tmp.path('nokcs.cnf');
    write(cnf, '[req]\ndistinguished_name=dn\n[dn]\n[ext]\nbasicConstraints=critical,CA:TRUE\nkeyUsage=critical,digitalSignature\n');
    const noSign = opensslBytes(['req', '-x509', '-new', '-key', keys.rsa.pemPath, '-subj', '/CN=no sign', '-config', cnf, '-extensions', 'ext', '-outform', 'DER']);
    await rejectsPki(issueCertificate({ ...base, issuer: { certificate: noSign, privateKeyPkcs8: keys.rsa.pkcs8 } }), /keyUsage lacks keyCertSign/);
    await rejectsPki(issueCertificate({ ...base, issuer: { certificate: root.der, privateKeyPkcs8: keys.rsa.pkcs8 } }), /CA private key does not match the CA certificate/);
    const csr = await createCsr({ privateKeyPkcs8: keys.ed.pkcs8, subject: parseSubject('/CN=x') });
    await rejectsPki(signCsr(csr, { certificate: leaf.der, privateKeyPkcs8: keys.ed.pkcs8 }, { profile: 'client' }), /not a CA/);
    await rejectsPki(issueCertificate({ ...base, issuer: { certificate: Uint8Array.from([0x30, 0]), privateKeyPkcs8: keys.p256.pkcs8 } }), /^certificate: /);
  });

  it('refuses a leaf outliving its CA unless forced (then warns)', async () => {
    const root = await selfSigned(keys.p256, 'root', '/CN=Short Root', { days: 30 });
    const ca = { certificate: root.der, privateKeyPkcs8: keys.p256.pkcs8 };
    const o = { subject: parseSubject('/CN=long.example'), publicKeySpki: keys.ed.spki, profile: 'server' as const, issuer: ca };
    await rejectsPki(issueCertificate(o), /would outlive its CA/);
    const forced = await issueCertificate({ ...o, allowOutliveIssuer: true });
    assert.ok(forced.warnings.some((w) => /after its issuer/.test(w)), forced.warnings.join(' | '));
    const csr = await createCsr({ privateKeyPkcs8: keys.ed.pkcs8, subject: parseSubject('/CN=long.example') });
    await rejectsPki(signCsr(csr, ca, { profile: 'server', days: 31 }), /would outlive its CA/);
    assert.equal((await signCsr(csr, ca, { profile: 'server', days: 29 })).warnings.length, 0);
  });

  it('clamps an intermediate to its parent, with a warning; refuses one under pathLen 0', async () => {
    const root = await selfSigned(keys.p256, 'root', '/CN=Root 100d', { days: 100 });
    const int = await issueCertificate({ subject: parseSubject('/CN=Int'), publicKeySpki: keys.ed.spki, profile: 'intermediate', issuer: { certificate: root.der, privateKeyPkcs8: keys.p256.pkcs8 } });
    assert.equal(Date.parse(readCertificate(int.der).notAfter), Date.parse(readCertificate(root.der).notAfter));
    assert.ok(int.warnings.some((w) => /clamped/.test(w)));
    assert.equal(verifyChain(root.der, int.der).status, 0);
    await rejectsPki(
      issueCertificate({ subject: parseSubject('/CN=Sub'), publicKeySpki: keys.p384.spki, profile: 'intermediate', issuer: { certificate: int.der, privateKeyPkcs8: keys.ed.pkcs8 } }),
      /pathLen 0/,
    );
    const deep = await issueCertificate({ subject: parseSubject('/CN=Int2'), publicKeySpki: keys.ed.spki, profile: 'intermediate', issuer: { certificate: root.der, privateKeyPkcs8: keys.p256.pkcs8 }, pathLength: 1 });
    assert.ok(deep.warnings.some((w) => /no effect/.test(w)));
  });

  it('refuses RSA under 2048 bits unless forced (then warns)', async () => {
    const root = await selfSigned(keys.p256, 'root');
    const o = { subject: parseSubject('/CN=weak'), publicKeySpki: keys.rsa1024.spki, profile: 'client' as const, issuer: { certificate: root.der, privateKeyPkcs8: keys.p256.pkcs8 } };
    await rejectsPki(issueCertificate(o), /RSA key of 1024 bits refused/);
    const forced = await issueCertificate({ ...o, allowWeak: true });
    assert.ok(forced.warnings.some((w) => /1024 bits/.test(w)));
    await rejectsPki(
      issueCertificate({ subject: parseSubject('/CN=weak'), publicKeySpki: keys.rsa1024.spki, subjectPrivateKeyPkcs8: keys.rsa1024.pkcs8, profile: 'root' }),
      /1024 bits/,
    );
    const weakRoot = await issueCertificate({ subject: parseSubject('/CN=weak root'), publicKeySpki: keys.rsa1024.spki, subjectPrivateKeyPkcs8: keys.rsa1024.pkcs8, profile: 'root', allowWeak: true });
    const byWeak = { subject: parseSubject('/CN=x'), publicKeySpki: keys.ed.spki, profile: 'client' as const, issuer: { certificate: weakRoot.der, privateKeyPkcs8: keys.rsa1024.pkcs8 } };
    await rejectsPki(issueCertificate(byWeak), /CA key is RSA-1024/);
    assert.ok((await issueCertificate({ ...byWeak, allowWeak: true })).warnings.some((w) => /CA key is RSA-1024/.test(w)));
  });

  it('refuses a CSR whose signature does not verify', async () => {
    const root = await selfSigned(keys.p256, 'root');
    const csr = Buffer.from(await createCsr({ privateKeyPkcs8: keys.rsa.pkcs8, subject: parseSubject('/CN=tamper-me') }));
    csr[csr.indexOf('tamper-me')] ^= 0x20;
    await rejectsPki(signCsr(csr, { certificate: root.der, privateKeyPkcs8: keys.p256.pkcs8 }, { profile: 'client' }), /CSR signature does not verify/);
    await rejectsPki(signCsr(Uint8Array.from([0x30, 0x00]), { certificate: root.der, privateKeyPkcs8: keys.p256.pkcs8 }, { profile: 'client' }), /^CSR: /);
  });

  it('refuses inconsistent options with one clear line', async () => {
    const root = await selfSigned(keys.p256, 'root');
    const ca = { certificate: root.der, privateKeyPkcs8: keys.p256.pkcs8 };
    const s = parseSubject('/CN=x');
    const spki = keys.ed.spki;
    await rejectsPki(issueCertificate({ subject: s, publicKeySpki: spki, profile: 'root', issuer: ca }), /profile root is for self-signed/);
    await rejectsPki(issueCertificate({ subject: s, publicKeySpki: spki, subjectPrivateKeyPkcs8: keys.ed.pkcs8, profile: 'intermediate' }), /needs an issuer/);
    await rejectsPki(issueCertificate({ subject: s, publicKeySpki: spki, profile: 'server' }), /needs the subject private key/);
    await rejectsPki(issueCertificate({ subject: s, publicKeySpki: spki, subjectPrivateKeyPkcs8: keys.ed2.pkcs8, profile: 'server' }), /does not match the public key/);
    await rejectsPki(issueCertificate({ subject: s, publicKeySpki: spki, profile: 'server', issuer: ca, serialNumber: 'xyz' }), /not hexadecimal/);
    await rejectsPki(issueCertificate({ subject: s, publicKeySpki: spki, profile: 'server', issuer: ca, serialNumber: '000' }), /must not be zero/);
    await rejectsPki(issueCertificate({ subject: s, publicKeySpki: spki, profile: 'server', issuer: ca, serialNumber: '80'.repeat(20) }), /20 octets/);
    await rejectsPki(issueCertificate({ subject: s, publicKeySpki: spki, profile: 'server', issuer: ca, days: 0 }), /days must be a whole number/);
    await rejectsPki(issueCertificate({ subject: s, publicKeySpki: spki, profile: 'server', issuer: ca, days: 1.5 }), /days must be a whole number/);
    await rejectsPki(issueCertificate({ subject: s, publicKeySpki: spki, profile: 'server', issuer: ca, pathLength: 2 }), /only to CA profiles/);
    await rejectsPki(issueCertificate({ subject: s, publicKeySpki: spki, profile: 'bogus' as never, issuer: ca }), /profile "bogus"/);
    await rejectsPki(issueCertificate({ subject: s, publicKeySpki: Uint8Array.from([1, 2]), profile: 'server', issuer: ca }), /subject public key/);
    await rejectsPki(issueCertificate({ subject: [], publicKeySpki: spki, profile: 'client', issuer: ca }), /subject or at least one SAN/);
    await rejectsPki(issueCertificate({ subject: [{ type: 'C', value: 'United Kingdom' }], publicKeySpki: spki, profile: 'client', issuer: ca }), /2-letter/);
    await rejectsPki(issueCertificate({ subject: s, publicKeySpki: spki, profile: 'server', issuer: ca, sans: [{ type: 'dns', value: 'bad name' }] }), /"dns:bad name"/);
  });
});
