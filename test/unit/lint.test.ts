import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import assert from 'node:assert/strict';
import { generateKeyPairSync, webcrypto } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { children, readRoot } from '../../src/core/der/asn1';
import { parseSubject } from '../../src/core/write/dn';
import { issueCertificate, parseSans } from '../../src/core/write/issue';
import { lintCertificate, readCertificate } from '../../src/core/read/lint';
import { PkiError } from '../../src/core/model';
import { signatureHash } from '../../src/core/objects/x509';
import { openssl, opensslBytes, tempDir, write } from '../helpers/tools';

const tmp = tempDir('tlsw-lint-');
let n = 0;
const key: Record<'ec' | 'rsa' | 'rsa1024', { pem: string; pkcs8: Uint8Array; spki: Uint8Array }> = {} as never;

before(() => {
  const make = (kp: ReturnType<typeof generateKeyPairSync>) => {
    const pem = tmp.path(`k${n++}.pem`);
    write(pem, kp.privateKey.export({ format: 'pem', type: 'pkcs8' }) as string);
    return { pem, pkcs8: kp.privateKey.export({ format: 'der', type: 'pkcs8' }) as Buffer, spki: kp.publicKey.export({ format: 'der', type: 'spki' }) as Buffer };
  };
  key.ec = make(generateKeyPairSync('ec', { namedCurve: 'P-256' }) as never);
  key.rsa = make(generateKeyPairSync('rsa', { modulusLength: 2048 }) as never);
  key.rsa1024 = make(generateKeyPairSync('rsa', { modulusLength: 1024 }) as never);
});
after(() => tmp.cleanup());

interface Craft {
  key?: 'ec' | 'rsa' | 'rsa1024';
  days?: number;
  md?: string;
  ext?: string[];
  subj?: string;
  sigopt?: string[];
}

/** A self-signed certificate made by openssl with exactly the extensions given. */
function craft(c: Craft = {}): Uint8Array {
  const cnf = tmp.path(`c${n++}.cnf`);
  write(cnf, `[req]\ndistinguished_name=dn\n[dn]\n[ext]\n${(c.ext ?? ['basicConstraints=critical,CA:FALSE']).join('\n')}\n`);
  const args = ['req', '-x509', '-new', '-key', key[c.key ?? 'ec'].pem, '-subj', c.subj ?? '/CN=crafted', '-days', String(c.days ?? 90), '-config', cnf, '-extensions', 'ext', '-outform', 'DER'];
  if (c.md) args.push(`-${c.md}`);
  for (const s of c.sigopt ?? []) args.push('-sigopt', s);
  return opensslBytes(args);
}

const SERVER = ['basicConstraints=critical,CA:FALSE', 'extendedKeyUsage=serverAuth', 'subjectAltName=DNS:ok.example'];
const CLIENT = ['basicConstraints=critical,CA:FALSE', 'extendedKeyUsage=clientAuth'];

function codes(der: Uint8Array, issuer?: Uint8Array, now?: Date): string[] {
  return lintCertificate(der, issuer, now)
    .map((f) => f.code)
    .sort();
}

const provider = webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0];

/** Builds a certificate with @peculiar/x509 directly (for what the issuing API would not produce). */
async function peculiar(o: { notBefore?: Date; sans?: { type: 'dns' | 'ip'; value: string }[] }): Promise<Uint8Array> {
  const alg = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
  const keys = (await webcrypto.subtle.generateKey(alg, true, ['sign', 'verify'])) as unknown as Parameters<typeof x509.X509CertificateGenerator.createSelfSigned>[0]['keys'];
  const notBefore = o.notBefore ?? new Date();
  const exts: x509.Extension[] = [new x509.BasicConstraintsExtension(false, undefined, true), new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth])];
  if (o.sans) exts.push(new x509.SubjectAlternativeNameExtension(o.sans));
  const cert = await x509.X509CertificateGenerator.createSelfSigned(
    { serialNumber: '01', name: 'CN=peculiar', notBefore, notAfter: new Date(notBefore.getTime() + 30 * 86_400_000), keys, signingAlgorithm: alg, extensions: exts },
    provider,
  );
  return new Uint8Array(cert.rawData);
}

describe('lintCertificate', () => {
  it('finds nothing wrong with certificates our defaults produce', async () => {
    const root = await issueCertificate({ subject: parseSubject('/CN=Root'), publicKeySpki: key.ec.spki, subjectPrivateKeyPkcs8: key.ec.pkcs8, profile: 'root' });
    const leaf = await issueCertificate({ subject: parseSubject('/CN=www.example.com'), publicKeySpki: key.rsa.spki, profile: 'server', issuer: { certificate: root.der, privateKeyPkcs8: key.ec.pkcs8 } });
    assert.deepEqual(lintCertificate(root.der), []);
    assert.deepEqual(lintCertificate(leaf.der, root.der), []);
    assert.deepEqual(codes(craft({ ext: SERVER })), []);
  });

  it('rsa-too-small', () => {
    const f = lintCertificate(craft({ key: 'rsa1024', ext: SERVER }));
    assert.deepEqual(
      f.map((x) => [x.code, x.severity]),
      [['rsa-too-small', 'error']],
    );
    assert.match(f[0].message, /1024 bits/);
  });

  it('sha1-signature and md5-signature (also SHA-1 inside RSASSA-PSS parameters)', () => {
    assert.deepEqual(codes(craft({ md: 'sha1', ext: SERVER })), ['sha1-signature']);
    assert.deepEqual(codes(craft({ key: 'rsa1024', md: 'md5', ext: SERVER })), ['md5-signature', 'rsa-too-small']);
    assert.deepEqual(codes(craft({ key: 'rsa', md: 'sha1', sigopt: ['rsa_padding_mode:pss'], ext: SERVER })), ['sha1-signature']);
    assert.deepEqual(codes(craft({ key: 'rsa', md: 'sha256', sigopt: ['rsa_padding_mode:pss'], ext: SERVER })), []);
    assert.equal(lintCertificate(craft({ md: 'sha1', ext: SERVER }))[0].severity, 'error');
  });

  it('leaf-over-398-days and leaf-over-825-days, for leaves usable by TLS servers only', () => {
    assert.deepEqual(codes(craft({ days: 398, ext: SERVER })), []);
    assert.deepEqual(codes(craft({ days: 399, ext: SERVER })), ['leaf-over-398-days']);
    assert.deepEqual(codes(craft({ days: 900, ext: SERVER })), ['leaf-over-398-days', 'leaf-over-825-days']);
    assert.deepEqual(codes(craft({ days: 900, ext: ['basicConstraints=critical,CA:FALSE', 'subjectAltName=DNS:a.example'] })), ['leaf-over-398-days', 'leaf-over-825-days'], 'no EKU: any use');
    assert.deepEqual(codes(craft({ days: 730, ext: CLIENT })), [], 'seed 004: a 2-year client certificate');
    assert.deepEqual(codes(craft({ days: 3650, ext: ['basicConstraints=critical,CA:TRUE', 'keyUsage=critical,keyCertSign,cRLSign'] })), [], 'CAs are not leaves');
  });

  it('server-without-san', () => {
    assert.deepEqual(codes(craft({ ext: ['basicConstraints=critical,CA:FALSE', 'extendedKeyUsage=serverAuth'] })), ['server-without-san']);
    assert.deepEqual(codes(craft({ ext: ['basicConstraints=critical,CA:FALSE', 'extendedKeyUsage=serverAuth', 'subjectAltName=email:a@b.example'] })), ['server-without-san']);
    assert.deepEqual(codes(craft({ ext: ['basicConstraints=critical,CA:FALSE', 'extendedKeyUsage=serverAuth', 'subjectAltName=IP:10.0.0.1'] })), []);
    assert.deepEqual(codes(craft({ ext: CLIENT })), [], 'client certificates need no SAN');
  });

  it('ip-in-dns-san (certificate built with @peculiar/x509 directly)', async () => {
    const der = await peculiar({ sans: [{ type: 'dns', value: '192.168.1.1' }, { type: 'dns', value: 'fe80::1' }, { type: 'ip', value: '10.0.0.1' }] });
    const f = lintCertificate(der);
    assert.deepEqual(f.map((x) => x.code), ['ip-in-dns-san', 'ip-in-dns-san']);
    assert.match(f[0].message, /192\.168\.1\.1/);
    assert.deepEqual(codes(craft({ ext: ['basicConstraints=critical,CA:FALSE', 'subjectAltName=DNS:10.0.0.1'] })), ['ip-in-dns-san']);
  });

  it('wildcard-too-broad', () => {
    const der = craft({ ext: ['basicConstraints=critical,CA:FALSE', 'subjectAltName=DNS:*.com,DNS:*.co.uk,DNS:*.example.com,DNS:*.example.co.uk'] });
    const f = lintCertificate(der);
    assert.deepEqual(f.map((x) => x.code), ['wildcard-too-broad', 'wildcard-too-broad']);
    assert.match(f[0].message, /\*\.com/);
    assert.match(f[1].message, /\*\.co\.uk/);
    // One label, or a public suffix of the list path validation uses (not only the common ones).
    const more = lintCertificate(craft({ ext: ['basicConstraints=critical,CA:FALSE', 'subjectAltName=DNS:*.localhost,DNS:*.com.au,DNS:*.pvt.k12.ma.us,DNS:*.internal.example,DNS:www.com'] }));
    assert.deepEqual(more.map((x) => x.message.match(/\*\.[a-z0-9.]+/)?.[0]), ['*.localhost', '*.com.au', '*.pvt.k12.ma.us']);
  });

  it('ca-without-keycertsign', () => {
    const f = lintCertificate(craft({ days: 3650, ext: ['basicConstraints=critical,CA:TRUE', 'keyUsage=critical,digitalSignature'] }));
    assert.deepEqual(f.map((x) => [x.code, x.severity]), [['ca-without-keycertsign', 'error']]);
    assert.deepEqual(codes(craft({ ext: ['basicConstraints=critical,CA:TRUE'] })), [], 'no keyUsage at all: every use allowed');
  });

  it('leaf-outlives-issuer (only checked when the issuer is given)', () => {
    const caPem = tmp.path('ca.pem');
    const cnf = tmp.path('ca.cnf');
    write(cnf, '[req]\ndistinguished_name=dn\n[dn]\n[ext]\nbasicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign\n');
    openssl(['req', '-x509', '-new', '-key', key.ec.pem, '-subj', '/CN=Short CA', '-days', '10', '-config', cnf, '-extensions', 'ext', '-out', caPem]);
    const csr = tmp.path('l.csr');
    openssl(['req', '-new', '-key', key.rsa.pem, '-subj', '/CN=leaf', '-out', csr]);
    const extFile = tmp.path('l.ext');
    write(extFile, 'extendedKeyUsage=clientAuth\n');
    const leaf = opensslBytes(['x509', '-req', '-in', csr, '-CA', caPem, '-CAkey', key.ec.pem, '-CAcreateserial', '-CAserial', tmp.path('ca.srl'), '-days', '100', '-extfile', extFile, '-outform', 'DER']);
    const ca = opensslBytes(['x509', '-in', caPem, '-outform', 'DER']);
    const f = lintCertificate(leaf, ca);
    assert.deepEqual(f.map((x) => x.code), ['leaf-outlives-issuer']);
    assert.match(f[0].message, /after its issuer/);
    assert.deepEqual(lintCertificate(leaf), []);
  });

  it('not-yet-valid (certificate built with @peculiar/x509 directly)', async () => {
    const future = new Date(Date.now() + 10 * 86_400_000);
    const der = await peculiar({ notBefore: future, sans: [{ type: 'dns', value: 'a.example' }] });
    assert.deepEqual(codes(der), ['not-yet-valid']);
    assert.deepEqual(codes(der, undefined, new Date(future.getTime() + 1000)), []);
  });

  it('refuses malformed input with a PkiError', () => {
    for (const bad of [Uint8Array.from([]), Uint8Array.from([0x30, 0x03, 0x02, 0x01, 0x01]), Uint8Array.from([0x04, 0x00])]) {
      assert.throws(() => lintCertificate(bad), (e: unknown) => e instanceof PkiError && /^certificate: /.test(e.message));
    }
  });
});

describe('lintCertificate: what decodes but clients reject (issue 12)', () => {
  it('explicit-ec-parameters, san-not-ia5string and invalid-signature-encoding, errors all', () => {
    const explicit = tmp.path('explicit.key');
    openssl(['ecparam', '-name', 'secp384r1', '-genkey', '-noout', '-param_enc', 'explicit', '-out', explicit]);
    const cnf = tmp.path(`c${n++}.cnf`);
    write(cnf, '[req]\ndistinguished_name=dn\n[dn]\n[ext]\nbasicConstraints=critical,CA:FALSE\nextendedKeyUsage=serverAuth\nsubjectAltName=DNS:ok.example,DNS:d\u00e9j\u00e0.example\n');
    const der = opensslBytes(['req', '-x509', '-new', '-key', explicit, '-subj', '/CN=odd', '-days', '90', '-config', cnf, '-extensions', 'ext', '-outform', 'DER']);
    const f = lintCertificate(der);
    assert.deepEqual(f.map((x) => [x.code, x.severity]), [['explicit-ec-parameters', 'error'], ['san-not-ia5string', 'error']]);
    assert.equal(f[0].message, 'explicit EC parameters: rejected by modern TLS libraries (the key spells out P-384 instead of naming it)');
    assert.equal(f[1].message, 'SAN is not valid IA5String: DNS "d\\xc3\\xa9j\\xc3\\xa0.example" holds bytes outside ASCII (shown as \\xNN); clients reject or mismatch it');

    const good = craft({ ext: SERVER });
    const sig = children(good, readRoot(good))[2];
    const bad = Uint8Array.from(good);
    bad[sig.contentStart] = 3;
    assert.deepEqual(lintCertificate(bad).map((x) => [x.code, x.severity, x.message]), [['invalid-signature-encoding', 'error', 'signature BIT STRING has unused bits: the signature is invalid']]);
  });
});

describe('readCertificate (what lint and issue read)', () => {
  it('agrees with openssl on the fields they use', async () => {
    const der = craft({
      days: 42,
      ext: [
        'basicConstraints=critical,CA:TRUE,pathlen:2',
        'keyUsage=critical,digitalSignature,keyCertSign,cRLSign,decipherOnly',
        'extendedKeyUsage=serverAuth,1.2.3.4',
        'subjectAltName=DNS:a.example,IP:2001:db8::1,IP:192.0.2.1,email:x@y.example,URI:https://u.example',
        'subjectKeyIdentifier=hash',
      ],
      subj: '/C=UK/O=Any Org/CN=facts',
    });
    const f = readCertificate(der);
    const serial = openssl(['x509', '-inform', 'DER', '-noout', '-serial'], der).trim().replace('serial=', '');
    assert.equal(f.serialNumber.toUpperCase().replace(/^0+(?=.)/, ''), serial.replace(/^0+(?=.)/, ''), 'the same number (leading zero nibbles aside)');
    assert.equal(f.version, 3);
    assert.deepEqual({ ca: f.isCA, pathLength: f.pathLength }, { ca: true, pathLength: 2 });
    assert.deepEqual(f.keyUsage, ['digitalSignature', 'keyCertSign', 'cRLSign', 'decipherOnly']);
    assert.deepEqual(f.extendedKeyUsage, ['serverAuth', '1.2.3.4']);
    assert.deepEqual(
      f.subjectAltNames.map((s) => `${s.type}:${s.value}`),
      ['dns:a.example', 'ip:2001:db8::1', 'ip:192.0.2.1', 'email:x@y.example', 'uri:https://u.example'],
    );
    assert.deepEqual(f.subject.attributes.map(({ type, value }) => ({ type, value })), parseSubject('/C=UK/O=Any Org/CN=facts'));
    assert.equal(signatureHash(der, children(der, readRoot(der))[1]), 'sha256');
    assert.equal(f.publicKey.curve, 'P-256');
    assert.equal(Date.parse(f.notAfter) - Date.parse(f.notBefore), 42 * 86_400_000);
    const end = openssl(['x509', '-inform', 'DER', '-noout', '-enddate'], der).trim().replace('notAfter=', '');
    assert.equal(Date.parse(f.notAfter), new Date(end).getTime());
    const ski = openssl(['x509', '-inform', 'DER', '-noout', '-ext', 'subjectKeyIdentifier'], der).split('\n')[1].trim().replace(/:/g, '');
    assert.equal((f.subjectKeyIdentifier ?? '').toUpperCase(), ski);
    assert.deepEqual(parseSans('ip:2001:db8::1')[0].value, f.subjectAltNames[1].value);
  });
});
