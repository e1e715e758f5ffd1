// Certificates, CSRs and CRLs made by the real openssl in the test, decoded by src/core/x509.ts and checked
// against what openssl itself says about them.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash, sign } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { CertificateModel, Decoded } from '../../src/core/model';
import { PkiError } from '../../src/core/model';
import { decodeDistinguishedName, escapeValue } from '../../src/core/objects/names';
import { OID_NAMES, oidName } from '../../src/core/der/oids';
import { children, decodeTime, readRoot, readTlv } from '../../src/core/der/asn1';
import { lintCertificate } from '../../src/core/read/lint';
import { OID_EC, spkiInfo } from '../../src/core/objects/publicKey';
import { derOid, derTlv } from '../../src/core/der/encode';
import { formatReport } from '../../src/core/read/report';
import { clearSelfSignedCache, decodeCertificate, decodeCrl, decodeCsr } from '../../src/core/objects/x509';
import { openssl, opensslBytes, read, tempDir, write } from '../helpers/tools';

// An hour ahead, so certificates made during the test (notBefore = the second they were made) are already valid.
const NOW = { now: new Date(Date.now() + 3_600_000), warnDays: 30 };
const NAMEOPT = 'esc_2253,utf8,dump_nostr,dump_der,sep_comma_plus_space,sname';
const tmp = tempDir('tlsw-x509-');
const p = tmp.path;

const EXT_CONFIG = `
[req]
distinguished_name = dn
utf8 = yes
string_mask = utf8only
[dn]
[ext]
basicConstraints = critical, CA:TRUE, pathlen:2
keyUsage = critical, digitalSignature, nonRepudiation, keyEncipherment, keyCertSign, cRLSign
extendedKeyUsage = serverAuth, clientAuth, codeSigning, 1.2.3.4.5
subjectAltName = DNS:example.com, DNS:*.example.com, IP:192.0.2.1, IP:2001:db8::1, IP:2001:db8:0:0:1:0:0:1, IP:::1, email:a@example.com, URI:https://example.com/x?a=b, dirName:dir_sect, otherName:1.3.6.1.4.1.311.20.2.3;UTF8:user@example.com, RID:1.2.3.4
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
crlDistributionPoints = URI:http://crl.example.com/ca.crl
authorityInfoAccess = OCSP;URI:http://ocsp.example.com, caIssuers;URI:http://ca.example.com/ca.crt
1.2.3.4.5.6.7 = ASN1:UTF8String:custom value
1.2.3.4.5.6.8 = critical, DER:01:02:03
[dir_sect]
C = UK
O = Dir Org
CN = Dir Name
`;
const TRICKY_SUBJECT = '/C=UK/O=Any Org, Ltd./OU=Ünïcødé Team/CN=x\\+y.example.com+UID=u1';

/** PEM → DER through openssl (not through our own code). */
function certDer(pemFile: string): Buffer {
  return opensslBytes(['x509', '-in', pemFile, '-outform', 'DER']);
}

function fingerprint(file: string, digest: 'sha1' | 'sha256', cmd = 'x509'): string {
  const out = openssl([cmd, '-in', file, '-noout', '-fingerprint', `-${digest}`]);
  return out.split('=')[1].trim().replace(/:/g, '').toLowerCase();
}

function selfSignedCert(name: string, keyArgs: string[], extra: string[] = []): Decoded<CertificateModel> {
  openssl(['req', '-x509', '-new', ...keyArgs, '-nodes', '-keyout', p(`${name}.key`), '-out', p(`${name}.crt`), '-subj', `/CN=${name}`, '-days', '30', ...extra]);
  return decodeCertificate(certDer(p(`${name}.crt`)), NOW);
}

/** Asserts `fn` throws a one-line PkiError (and nothing else). */
function throwsPki(fn: () => unknown, what: string): PkiError {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  assert.ok(caught instanceof PkiError, `${what}: expected a PkiError, got ${caught === undefined ? 'no error' : String(caught)}`);
  assert.ok(!caught.message.includes('\n'), `${what}: message is one line`);
  assert.ok(caught.message.length > 10, `${what}: message says something`);
  return caught;
}

after(() => tmp.cleanup());

describe('decodeCertificate: an RSA certificate with every extension', () => {
  let der: Buffer;
  let c: Decoded<CertificateModel>;
  let text: string;

  before(() => {
    write(p('ext.cnf'), EXT_CONFIG);
    openssl([
      'req', '-x509', '-new', '-newkey', 'rsa:2048', '-nodes', '-keyout', p('rsa.key'), '-out', p('rsa.crt'),
      '-config', p('ext.cnf'), '-extensions', 'ext', '-days', '365', '-utf8', '-multivalue-rdn', '-subj', TRICKY_SUBJECT,
    ]);
    der = certDer(p('rsa.crt'));
    c = decodeCertificate(der, NOW);
    text = openssl(['x509', '-in', p('rsa.crt'), '-noout', '-text', '-serial', '-nameopt', NAMEOPT]);
  });

  it('basic fields agree with openssl', () => {
    assert.equal(c.kind, 'certificate');
    assert.equal(c.version, 3);
    assert.equal(c.serialNumber, /^serial=(.*)$/m.exec(text)?.[1].toLowerCase());
    assert.equal(c.fingerprints.sha1, fingerprint(p('rsa.crt'), 'sha1'));
    assert.equal(c.fingerprints.sha256, fingerprint(p('rsa.crt'), 'sha256'));
    assert.equal(c.signatureAlgorithm, 'sha256WithRSAEncryption');
    assert.equal(c.signatureAlgorithmOid, '1.2.840.113549.1.1.11');
    assert.equal(c.publicKey.algorithm, 'RSA');
    assert.equal(c.publicKey.size, 2048);
    assert.equal(c.publicKey.exponent, 65537);
    assert.match(c.notBefore, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    const nb = openssl(['x509', '-in', p('rsa.crt'), '-noout', '-startdate']).split('=')[1].trim();
    assert.equal(new Date(c.notBefore).getTime(), new Date(nb.replace(/ GMT$/, ' UTC')).getTime());
    assert.equal(Date.parse(c.notAfter) - Date.parse(c.notBefore), 365 * 86_400_000);
  });

  it('subject with non-ASCII UTF-8, an escaped comma and plus, and a multi-valued RDN in DER order', () => {
    assert.equal(c.subject.text, 'C=UK, O=Any Org\\, Ltd., OU=Ünïcødé Team, UID=u1+CN=x\\+y.example.com');
    assert.deepEqual(
      c.subject.attributes.map((a) => [a.type, a.oid, a.value]),
      [
        ['C', '2.5.4.6', 'UK'],
        ['O', '2.5.4.10', 'Any Org, Ltd.'],
        ['OU', '2.5.4.11', 'Ünïcødé Team'],
        ['UID', '0.9.2342.19200300.100.1.1', 'u1'],
        ['CN', '2.5.4.3', 'x+y.example.com'],
      ],
    );
    // openssl (RFC 2253 escaping, same order) agrees, apart from its " + " between RDN members.
    const theirs = /Subject: (.*)$/m.exec(text)?.[1].replace(/ \+ /g, '+');
    assert.equal(c.subject.text, theirs);
    assert.deepEqual(c.issuer, c.subject);
  });

  it('subjectAltName of every type (IPv6 in RFC 5952 form, wildcard DNS, dirName, otherName, RID)', () => {
    assert.deepEqual(c.subjectAltNames, [
      { type: 'dns', value: 'example.com' },
      { type: 'dns', value: '*.example.com' },
      { type: 'ip', value: '192.0.2.1' },
      { type: 'ip', value: '2001:db8::1' },
      { type: 'ip', value: '2001:db8::1:0:0:1' },
      { type: 'ip', value: '::1' },
      { type: 'email', value: 'a@example.com' },
      { type: 'uri', value: 'https://example.com/x?a=b' },
      { type: 'dirName', value: 'C=UK, O=Dir Org, CN=Dir Name' },
      { type: 'other', value: 'msUPN;user@example.com' },
      { type: 'other', value: '1.2.3.4' },
    ]);
  });

  it('basicConstraints, keyUsage, extendedKeyUsage', () => {
    assert.equal(c.isCA, true);
    assert.equal(c.pathLength, 2);
    assert.deepEqual(c.keyUsage, ['digitalSignature', 'nonRepudiation', 'keyEncipherment', 'keyCertSign', 'cRLSign']);
    assert.deepEqual(c.extendedKeyUsage, ['serverAuth', 'clientAuth', 'codeSigning', '1.2.3.4.5']);
  });

  it('SKI, AKI, CRL distribution points and AIA agree with openssl', () => {
    const ski = /Subject Key Identifier: *\n\s*(.*)$/m.exec(text)?.[1].replace(/:/g, '').toLowerCase();
    assert.ok(ski && ski.length === 40);
    assert.equal(c.subjectKeyIdentifier, ski);
    assert.equal(c.authorityKeyIdentifier, ski);
    assert.deepEqual(c.crlDistributionPoints, ['http://crl.example.com/ca.crl']);
    assert.deepEqual(c.authorityInfoAccess, [
      { method: 'ocsp', location: 'http://ocsp.example.com' },
      { method: 'caIssuers', location: 'http://ca.example.com/ca.crt' },
    ]);
  });

  it('lists every extension by OID, with names, critical flags, values and readable text', () => {
    const byOid = new Map(c.extensions.map((e) => [e.oid, e]));
    assert.equal(c.extensions.length, 10);
    assert.deepEqual(
      c.extensions.map((e) => e.name ?? e.oid),
      ['basicConstraints', 'keyUsage', 'extKeyUsage', 'subjectAltName', 'subjectKeyIdentifier', 'authorityKeyIdentifier',
        'cRLDistributionPoints', 'authorityInfoAccess', '1.2.3.4.5.6.7', '1.2.3.4.5.6.8'],
    );
    assert.equal(byOid.get('2.5.29.19')?.critical, true);
    assert.equal(byOid.get('2.5.29.19')?.text, 'CA:TRUE, pathlen:2');
    assert.equal(byOid.get('2.5.29.15')?.critical, true);
    assert.equal(byOid.get('2.5.29.17')?.critical, false);
    assert.match(byOid.get('2.5.29.17')?.text ?? '', /^DNS:example\.com, DNS:\*\.example\.com, IP Address:192\.0\.2\.1, IP Address:2001:db8::1/);
    assert.equal(byOid.get('1.3.6.1.5.5.7.1.1')?.text, 'ocsp - URI:http://ocsp.example.com, caIssuers - URI:http://ca.example.com/ca.crt');
    // The unknown extensions: no name, no text, the raw value.
    const custom = byOid.get('1.2.3.4.5.6.7');
    assert.deepEqual(custom, { oid: '1.2.3.4.5.6.7', critical: false, valueHex: '0c0c' + Buffer.from('custom value').toString('hex') });
    assert.deepEqual(byOid.get('1.2.3.4.5.6.8'), { oid: '1.2.3.4.5.6.8', critical: true, valueHex: '010203' });
    // valueHex is exactly the extension's OCTET STRING contents.
    assert.ok(der.toString('hex').includes(byOid.get('2.5.29.17')?.valueHex ?? 'missing'));
  });

  it('is self-signed (issuer = subject and the signature verifies)', () => {
    assert.equal(c.selfSigned, true);
    assert.match(openssl(['verify', '-ignore_critical', '-CAfile', p('rsa.crt'), p('rsa.crt')]), /OK/);
  });

  it('serialises to JSON with every field', () => {
    const json = JSON.parse(JSON.stringify(c));
    assert.equal(json.selfSigned, true);
    assert.equal(json.fingerprints.sha256, c.fingerprints.sha256);
    assert.equal(json.expiry.status, 'valid');
  });
});

describe('decodeCertificate: key types and signature algorithms', () => {
  const cases: { name: string; keyArgs: string[]; extra?: string[]; alg: string; size: number; curve?: string; sig: string }[] = [
    { name: 'p256', keyArgs: ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256'], alg: 'EC', size: 256, curve: 'P-256', sig: 'ecdsa-with-SHA256' },
    { name: 'p384', keyArgs: ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-384'], extra: ['-sha384'], alg: 'EC', size: 384, curve: 'P-384', sig: 'ecdsa-with-SHA384' },
    { name: 'p521', keyArgs: ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-521'], extra: ['-sha512'], alg: 'EC', size: 521, curve: 'P-521', sig: 'ecdsa-with-SHA512' },
    { name: 'ed25519', keyArgs: ['-newkey', 'ed25519'], alg: 'Ed25519', size: 256, sig: 'Ed25519' },
    {
      name: 'rsapss', keyArgs: ['-newkey', 'rsa:2048'], extra: ['-sha256', '-sigopt', 'rsa_padding_mode:pss', '-sigopt', 'rsa_pss_saltlen:32'],
      alg: 'RSA', size: 2048, sig: 'RSASSA-PSS',
    },
    { name: 'rsa1', keyArgs: ['-newkey', 'rsa:2048'], extra: ['-sha1'], alg: 'RSA', size: 2048, sig: 'sha1WithRSAEncryption' },
  ];
  for (const k of cases) {
    it(`${k.name}: ${k.alg} ${k.size}${k.curve ? ' ' + k.curve : ''}, ${k.sig}, self-signed`, () => {
      const c = selfSignedCert(k.name, k.keyArgs, k.extra);
      assert.equal(c.publicKey.algorithm, k.alg);
      assert.equal(c.publicKey.size, k.size);
      assert.equal(c.publicKey.curve, k.curve);
      assert.equal(c.signatureAlgorithm, k.sig);
      assert.equal(c.subject.text, `CN=${k.name}`);
      assert.equal(c.fingerprints.sha256, fingerprint(p(`${k.name}.crt`), 'sha256'));
      assert.equal(c.selfSigned, true);
    });
  }

  it('a certificate signed by another key is not self-signed, even with the same name', () => {
    // Leaf with a different name, signed by the P-256 CA; the serial 0x80 needs DER sign padding.
    openssl(['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', p('leaf.key'), '-out', p('leaf.csr'), '-subj', '/CN=leaf']);
    openssl(['x509', '-req', '-in', p('leaf.csr'), '-CA', p('p256.crt'), '-CAkey', p('p256.key'), '-set_serial', '0x80', '-days', '10', '-out', p('leaf.crt')]);
    const leaf = decodeCertificate(certDer(p('leaf.crt')), NOW);
    assert.equal(leaf.serialNumber, '80');
    assert.equal(leaf.version, 1);
    assert.equal(leaf.issuer.text, 'CN=p256');
    assert.equal(leaf.isCA, false);
    assert.deepEqual(leaf.extensions, []);
    assert.equal(leaf.selfSigned, false);

    // Same subject as its issuer ("CN=p256") but a different key: the signature does not verify with its own key.
    openssl(['req', '-new', '-key', p('leaf.key'), '-out', p('twin.csr'), '-subj', '/CN=p256']);
    openssl(['x509', '-req', '-in', p('twin.csr'), '-CA', p('p256.crt'), '-CAkey', p('p256.key'), '-set_serial', '7', '-days', '10', '-out', p('twin.crt')]);
    const twin = decodeCertificate(certDer(p('twin.crt')), NOW);
    assert.equal(twin.subject.text, twin.issuer.text);
    assert.equal(twin.selfSigned, false);
  });

  it('selfSigned, checked lazily, does not depend on the caller keeping its buffer intact', () => {
    clearSelfSignedCache();
    const buf = Buffer.concat([Buffer.alloc(100, 7), certDer(p('p521.crt'))]);
    const c = decodeCertificate(buf.subarray(100), NOW);
    buf.fill(0);
    assert.equal(c.selfSigned, true);
    const copy = Object.defineProperties({}, Object.getOwnPropertyDescriptors(c)) as typeof c;
    assert.equal(copy.selfSigned, true);
    assert.equal({ ...c }.selfSigned, true);
  });

  it('a self-signed certificate with one flipped signature bit is not self-signed', () => {
    const der = Buffer.from(certDer(p('p384.crt')));
    der[der.length - 5] ^= 0x01;
    assert.equal(decodeCertificate(der, NOW).selfSigned, false);
  });
});

describe('expiry status relative to `now`', () => {
  it('not-yet-valid, valid, expiring, expired with days left rounded to the nearest day', () => {
    const der = certDer(p('rsa.crt'));
    const c0 = decodeCertificate(der, NOW);
    const nb = Date.parse(c0.notBefore);
    const na = Date.parse(c0.notAfter);
    const at = (ms: number, warnDays = 30) => decodeCertificate(der, { now: new Date(ms), warnDays }).expiry;
    const DAY = 86_400_000;
    assert.deepEqual(at(nb - 1000), { status: 'not-yet-valid', daysLeft: 365 });
    assert.deepEqual(at(nb), { status: 'valid', daysLeft: 365 });
    assert.deepEqual(at(na - 40 * DAY), { status: 'valid', daysLeft: 40 });
    assert.deepEqual(at(na - 40 * DAY, 60), { status: 'expiring', daysLeft: 40 });
    assert.deepEqual(at(na - 10 * DAY - 3600_000), { status: 'expiring', daysLeft: 10 });
    assert.deepEqual(at(na - 30 * DAY), { status: 'expiring', daysLeft: 30 });
    assert.deepEqual(at(na - 13 * 3600_000), { status: 'expiring', daysLeft: 1 });
    assert.deepEqual(at(na - 11 * 3600_000), { status: 'expiring', daysLeft: 0 });
    assert.deepEqual(at(na), { status: 'expiring', daysLeft: 0 });
    assert.deepEqual(at(na + 1000), { status: 'expired', daysLeft: 0 });
    assert.deepEqual(at(na + 30 * 3600_000), { status: 'expired', daysLeft: -1 });
    assert.deepEqual(at(na + 3 * DAY), { status: 'expired', daysLeft: -3 });
  });

  it('an invalid reference time is refused, not read as a status', () => {
    const der = certDer(p('rsa.crt'));
    const e = throwsPki(() => decodeCertificate(der, { now: new Date(NaN), warnDays: 30 }), 'NaN now');
    assert.match(e.message, /^certificate: the reference time \("now"\) is not a valid date$/);
  });
});

describe('decodeCsr', () => {
  const csrCases: { name: string; keyArgs: string[]; extra?: string[]; alg: string }[] = [
    { name: 'csr-rsa', keyArgs: ['-newkey', 'rsa:2048'], alg: 'RSA' },
    { name: 'csr-ec', keyArgs: ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-384'], extra: ['-sha384'], alg: 'EC' },
    { name: 'csr-ed', keyArgs: ['-newkey', 'ed25519'], alg: 'Ed25519' },
    { name: 'csr-pss', keyArgs: ['-newkey', 'rsa:2048'], extra: ['-sigopt', 'rsa_padding_mode:pss', '-sigopt', 'rsa_pss_saltlen:-1'], alg: 'RSA' },
  ];
  const ders = new Map<string, Buffer>();

  before(() => {
    for (const k of csrCases) {
      openssl([
        'req', '-new', ...k.keyArgs, '-nodes', '-keyout', p(`${k.name}.key`), '-out', p(`${k.name}.der`), '-outform', 'DER',
        '-utf8', '-subj', `/C=DE/O=Grüße, GmbH/CN=${k.name}.example.com`,
        '-addext', 'subjectAltName=DNS:a.example.com,DNS:*.b.example.com,IP:10.0.0.1,IP:fe80::1:2,email:x@example.com,URI:spiffe://example/x',
        '-addext', 'keyUsage=critical,digitalSignature', '-addext', 'extendedKeyUsage=clientAuth',
        ...(k.extra ?? []),
      ]);
      ders.set(k.name, read(p(`${k.name}.der`)));
    }
  });

  for (const k of csrCases) {
    it(`${k.name}: subject, key, SANs and extensions from extensionRequest; signature verifies`, () => {
      const r = decodeCsr(ders.get(k.name) ?? Buffer.alloc(0));
      assert.equal(r.kind, 'csr');
      assert.equal(r.subject.text, `C=DE, O=Grüße\\, GmbH, CN=${k.name}.example.com`);
      assert.equal(r.publicKey.algorithm, k.alg);
      assert.deepEqual(r.subjectAltNames, [
        { type: 'dns', value: 'a.example.com' },
        { type: 'dns', value: '*.b.example.com' },
        { type: 'ip', value: '10.0.0.1' },
        { type: 'ip', value: 'fe80::1:2' },
        { type: 'email', value: 'x@example.com' },
        { type: 'uri', value: 'spiffe://example/x' },
      ]);
      assert.deepEqual(r.extensions.map((e) => [e.name, e.critical]), [['subjectAltName', false], ['keyUsage', true], ['extKeyUsage', false]]);
      assert.equal(r.extensions[1].text, 'digitalSignature');
      assert.equal(r.signatureValid, true);
      // The key's SPKI digest is what openssl's public key of the request hashes to.
      const spki = opensslBytes(['req', '-in', p(`${k.name}.der`), '-inform', 'DER', '-noout', '-pubkey']);
      const spkiDer = opensslBytes(['pkey', '-pubin', '-outform', 'DER'], spki);
      assert.equal(r.publicKey.spkiSha256, createHash('sha256').update(spkiDer).digest('hex'));
    });
  }

  it('a CSR with one flipped signature byte does not verify (and openssl agrees)', () => {
    for (const k of csrCases) {
      const bad = Buffer.from(ders.get(k.name) ?? Buffer.alloc(0));
      bad[bad.length - 3] ^= 0x40;
      assert.equal(decodeCsr(bad).signatureValid, false, k.name);
    }
    const bad = Buffer.from(ders.get('csr-rsa') ?? Buffer.alloc(0));
    bad[bad.length - 3] ^= 0x40;
    write(p('bad.der'), bad);
    // openssl 3.0 exits 0 either way; it says so on stderr.
    const verdict = (file: string): string => spawnSync('openssl', ['req', '-in', file, '-inform', 'DER', '-noout', '-verify'], { encoding: 'utf8' }).stderr;
    assert.match(verdict(p('bad.der')), /verify failure/);
    assert.match(verdict(p('csr-rsa.der')), /verify OK/);
  });

  it('a CSR whose request info was tampered with does not verify', () => {
    const bad = Buffer.from(ders.get('csr-ec') ?? Buffer.alloc(0));
    const at = bad.indexOf(Buffer.from('a.example.com'));
    bad[at] = 'z'.charCodeAt(0);
    const r = decodeCsr(bad);
    assert.equal(r.subjectAltNames[0].value, 'z.example.com');
    assert.equal(r.signatureValid, false);
  });
});

describe('decodeCrl', () => {
  let crlText: string;
  let crl: ReturnType<typeof decodeCrl>;

  before(() => {
    write(p('index.txt'), 'R\t301231235959Z\t240101000000Z,keyCompromise\t1234\tunknown\t/CN=one\nR\t301231235959Z\t240102030405Z\t00ABCDEF\tunknown\t/CN=two\n');
    write(p('crlnumber'), '1000\n');
    write(p('ca.cnf'), [
      '[ca]', 'default_ca = myca', '[myca]', `database = ${p('index.txt')}`, `crlnumber = ${p('crlnumber')}`,
      'default_md = sha256', 'default_crl_days = 30', 'crl_extensions = crl_ext', '[crl_ext]', 'authorityKeyIdentifier = keyid:always', '',
    ].join('\n'));
    openssl(['ca', '-gencrl', '-config', p('ca.cnf'), '-keyfile', p('p256.key'), '-cert', p('p256.crt'), '-out', p('crl.pem')]);
    crlText = openssl(['crl', '-in', p('crl.pem'), '-noout', '-text']);
    crl = decodeCrl(opensslBytes(['crl', '-in', p('crl.pem'), '-outform', 'DER']));
  });

  it('issuer, dates, number, AKI, algorithm and fingerprints', () => {
    assert.equal(crl.kind, 'crl');
    assert.equal(crl.issuer.text, 'CN=p256');
    assert.equal(crl.signatureAlgorithm, 'ecdsa-with-SHA256');
    assert.equal(crl.crlNumber, '1000');
    assert.match(crlText, /CRL Number: *\n\s*4096/);
    const ca = decodeCertificate(certDer(p('p256.crt')), NOW);
    assert.ok(ca.subjectKeyIdentifier);
    assert.equal(crl.authorityKeyIdentifier, ca.subjectKeyIdentifier);
    assert.equal(Date.parse(crl.nextUpdate ?? '') - Date.parse(crl.thisUpdate), 30 * 86_400_000);
    const last = /Last Update: (.*)$/m.exec(crlText)?.[1] ?? '';
    assert.equal(Date.parse(crl.thisUpdate), Date.parse(last.replace(/ GMT$/, ' UTC')));
    assert.equal(crl.fingerprints.sha256, fingerprint(p('crl.pem'), 'sha256', 'crl'));
    assert.deepEqual(crl.extensions.map((e) => e.name), ['authorityKeyIdentifier', 'cRLNumber']);
    assert.equal(crl.extensions[1].text, '4096');
  });

  it('two revoked serials with dates and reasons', () => {
    assert.deepEqual(crl.revoked, [
      { serialNumber: '1234', revocationDate: '2024-01-01T00:00:00Z', reason: 'keyCompromise' },
      { serialNumber: 'abcdef', revocationDate: '2024-01-02T03:04:05Z' },
    ]);
    assert.match(crlText, /Serial Number: 1234/);
    assert.match(crlText, /Serial Number: ABCDEF/);
  });
});

describe('names and OIDs', () => {
  /** Minimal DER builder for crafted names. */
  const tlv = (tag: number, body: Buffer): Buffer => {
    const len = body.length < 128 ? Buffer.from([body.length]) : Buffer.from([0x81, body.length]);
    return Buffer.concat([Buffer.from([tag]), len, body]);
  };
  const CN = Buffer.from([0x06, 0x03, 0x55, 0x04, 0x03]);
  const atv = (value: Buffer): Buffer => tlv(0x30, Buffer.concat([CN, value]));

  it('escapes RFC 4514 specials, a leading # or space, a trailing space and control characters', () => {
    const name = tlv(0x30, Buffer.concat([
      tlv(0x31, atv(tlv(0x0c, Buffer.from(' #a=b;c<d>"e"\\f+g,h ')))),
      tlv(0x31, atv(tlv(0x0c, Buffer.from('#x\ny')))),
      tlv(0x31, atv(tlv(0x02, Buffer.from([0x05])))),
      tlv(0x31, atv(tlv(0x1e, Buffer.from([0x00, 0x41, 0x00, 0xe9])))),
    ]));
    const dn = decodeDistinguishedName(name, readRoot(name));
    assert.equal(dn.text, 'CN=\\ #a\\=b\\;c\\<d\\>\\"e\\"\\\\f\\+g\\,h\\ , CN=\\#x\\0ay, CN=#020105, CN=Aé');
    assert.deepEqual(dn.attributes.map((a) => a.value), [' #a=b;c<d>"e"\\f+g,h ', '#x\ny', '#020105', 'Aé']);
    assert.equal(escapeValue('plain value'), 'plain value');
    assert.equal(decodeDistinguishedName(Buffer.from([0x30, 0x00]), readRoot(Buffer.from([0x30, 0x00]))).text, '');
  });

  it('rejects malformed names with PkiError', () => {
    const bad = [
      tlv(0x30, tlv(0x30, atv(tlv(0x0c, Buffer.from('x'))))), // RDN not a SET
      tlv(0x30, tlv(0x31, Buffer.alloc(0))), // empty RDN
      tlv(0x30, tlv(0x31, tlv(0x30, CN))), // attribute without a value
      tlv(0x31, Buffer.alloc(0)), // not a SEQUENCE
    ];
    for (const b of bad) throwsPki(() => decodeDistinguishedName(b, readRoot(b)), b.toString('hex'));
  });

  it('knows the common OIDs', () => {
    assert.equal(oidName('2.5.4.3'), 'CN');
    assert.equal(oidName('1.2.840.113549.1.9.1'), 'emailAddress');
    assert.equal(oidName('0.9.2342.19200300.100.1.25'), 'DC');
    assert.equal(oidName('1.2.840.10045.4.3.2'), 'ecdsa-with-SHA256');
    assert.equal(oidName('1.3.101.112'), 'Ed25519');
    assert.equal(oidName('1.2.840.113549.1.1.10'), 'RSASSA-PSS');
    assert.equal(oidName('2.5.29.17'), 'subjectAltName');
    assert.equal(oidName('1.3.6.1.5.5.7.3.9'), 'OCSPSigning');
    assert.equal(oidName('1.3.6.1.5.5.7.48.1'), 'ocsp');
    assert.equal(oidName('1.2.3.4.5'), undefined);
    assert.equal(oidName('toString'), undefined);
    assert.ok(Object.keys(OID_NAMES).length > 100);
  });
});

describe('malformed input gives a clean PkiError, never a crash or a hang', () => {
  let good: Buffer;
  before(() => {
    good = certDer(p('rsa.crt'));
  });

  it('empty, random, truncated, overlong, trailing bytes, wrong type', () => {
    throwsPki(() => decodeCertificate(new Uint8Array(0), NOW), 'empty');
    throwsPki(() => decodeCertificate('not bytes' as unknown as Uint8Array, NOW), 'a string');
    let seed = 12345;
    const rnd = (): number => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
    for (let i = 0; i < 20; i++) {
      const junk = Buffer.from(Array.from({ length: 200 }, () => Math.floor(rnd() * 256)));
      throwsPki(() => decodeCertificate(junk, NOW), `random #${i}`);
    }
    for (const n of [1, 2, 4, 10, 100, good.length - 1]) {
      const e = throwsPki(() => decodeCertificate(good.subarray(0, n), NOW), `truncated to ${n}`);
      assert.match(e.message, /^certificate: /);
    }
    const overlong = Buffer.from(good);
    overlong[3] += 1; // the outer SEQUENCE (30 82 hi lo) now claims one byte more than there is
    assert.match(throwsPki(() => decodeCertificate(overlong, NOW), 'overlong').message, /claims|remain/);
    throwsPki(() => decodeCertificate(Buffer.concat([good, Buffer.from([0])]), NOW), 'trailing byte');
    throwsPki(() => decodeCertificate(Buffer.from([0x30, 0x84, 0xff, 0xff, 0xff, 0xff]), NOW), 'huge length');
    throwsPki(() => decodeCertificate(Buffer.from([0x30, 0x80, 0x00, 0x00]), NOW), 'indefinite length');
    throwsPki(() => decodeCrl(good), 'certificate as CRL');
    throwsPki(() => decodeCsr(good), 'certificate as CSR');
    throwsPki(() => decodeCertificate(read(p('csr-rsa.der')), NOW), 'CSR as certificate');
    throwsPki(() => decodeCsr(new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x00])), 'tiny CSR');
    throwsPki(() => decodeCrl(new Uint8Array([0x30, 0x00])), 'empty CRL');
  });

  it('deeply nested ASN.1 does not recurse out of the stack', () => {
    const depth = 5000;
    const nested = Buffer.alloc(depth * 6);
    for (let i = 0; i < depth; i++) {
      nested[i * 6] = 0x30;
      nested[i * 6 + 1] = 0x84;
      nested.writeUInt32BE((depth - 1 - i) * 6, i * 6 + 2);
    }
    throwsPki(() => decodeCertificate(nested, NOW), 'nested');
    throwsPki(() => decodeCsr(nested), 'nested');
    throwsPki(() => decodeCrl(nested), 'nested');
    throwsPki(() => decodeCertificate(Buffer.from([0x30, 0x80, 0x00, 0x00]), NOW), 'indefinite length');
  });

  it('a corrupted field deep inside gives a PkiError naming the problem', () => {
    const bad = Buffer.from(good);
    const at = bad.indexOf(Buffer.from([0x17, 0x0d])); // the UTCTime of notBefore
    bad[at + 4] = 'x'.charCodeAt(0);
    assert.match(throwsPki(() => decodeCertificate(bad, NOW), 'bad time').message, /UTCTime/);
  });

  it('a malformed known extension is listed with a note instead of failing the certificate', () => {
    const bad = Buffer.from(good);
    // keyUsage: 06 03 55 1d 0f 01 01 ff 04 04 [03 02 01 e6]: turn its BIT STRING into an OCTET STRING.
    const ku = bad.indexOf(Buffer.from([0x06, 0x03, 0x55, 0x1d, 0x0f, 0x01, 0x01, 0xff, 0x04, 0x04, 0x03, 0x02]));
    assert.ok(ku > 0);
    bad[ku + 10] = 0x04;
    const r = decodeCertificate(bad, NOW);
    const ext = r.extensions.find((e) => e.oid === '2.5.29.15');
    assert.equal(ext?.text, 'malformed keyUsage: expected a BIT STRING');
    assert.equal(ext?.critical, true);
    assert.deepEqual(r.keyUsage, []);
    assert.equal(r.subjectAltNames.length, 11, 'the other extensions are still decoded');
    assert.equal(r.selfSigned, false, 'the signature no longer verifies');
  });

  it('fuzz: thousands of mutated certificates, CSRs and CRLs all give a model or a PkiError', (t) => {
    const inputs: [string, Buffer][] = [
      ['certificate', good],
      ['certificate', certDer(p('p384.crt'))],
      ['csr', read(p('csr-ec.der'))],
      ['crl', opensslBytes(['crl', '-in', p('crl.pem'), '-outform', 'DER'])],
    ];
    let seed = 42;
    const rnd = (n: number): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    let models = 0;
    let errors = 0;
    const start = Date.now();
    for (let i = 0; i < 2000; i++) {
      const [kind, base] = inputs[i % inputs.length];
      const m = Buffer.from(base);
      const edits = 1 + rnd(4);
      for (let e = 0; e < edits; e++) {
        const op = rnd(3);
        if (op === 0) m[rnd(m.length)] = rnd(256);
        else if (op === 1) m[rnd(m.length)] ^= 1 << rnd(8);
        else m[rnd(Math.min(m.length, 64))] = [0x30, 0x31, 0x02, 0x04, 0x06, 0x80, 0x81, 0x82, 0xa0, 0xa3][rnd(10)];
      }
      const input = rnd(10) === 0 ? m.subarray(0, rnd(m.length)) : m;
      try {
        const r = kind === 'certificate' ? decodeCertificate(input, NOW) : kind === 'csr' ? decodeCsr(input) : decodeCrl(input);
        JSON.stringify(r); // reads every field, including the lazily checked selfSigned
        models++;
      } catch (e) {
        assert.ok(e instanceof PkiError, `mutation ${i}: ${String(e)}`);
        assert.ok(!e.message.includes('\n'));
        errors++;
      }
    }
    t.diagnostic(`${models} models, ${errors} PkiErrors in ${Date.now() - start} ms`);
    assert.ok(models > 0 && errors > 0, `models ${models}, errors ${errors}`);
    assert.ok(Date.now() - start < 10_000, 'fuzzing took too long');
  });
});

// ---------------------------------------------------------------------------------------------------------
// Issue 12: what OpenSSL reads and this reader rejected, or showed as other characters.

/** DER TLV with a one- or two-octet tag and any length (for hand-built structures). */
function tlv(tag: number | number[], ...body: Buffer[]): Buffer {
  const b = Buffer.concat(body);
  const len = b.length < 0x80 ? [b.length] : b.length < 0x100 ? [0x81, b.length] : [0x82, b.length >> 8, b.length & 0xff];
  return Buffer.concat([Buffer.from([...(Array.isArray(tag) ? tag : [tag]), ...len]), b]);
}

/** A copy of a SIGNED structure (certificate, CSR, CRL) whose signature BIT STRING claims `n` unused bits. */
function withUnusedBits(der: Buffer, n = 1): Buffer {
  const sig = children(der, readRoot(der))[2];
  assert.equal(sig.tag, 0x03, 'the third element is the signature BIT STRING');
  assert.equal(der[sig.contentStart], 0, 'openssl wrote no unused bits');
  const out = Buffer.from(der);
  out[sig.contentStart] = n;
  return out;
}

const sha256Of = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

describe('explicit EC parameters (issue 12)', () => {
  const cases: [string, string, number][] = [
    ['prime256v1', 'P-256', 256],
    ['secp384r1', 'P-384', 384],
    ['secp521r1', 'P-521', 521],
    ['secp256k1', 'secp256k1', 256],
  ];

  for (const [name, curve, size] of cases) {
    it(`a certificate signed with an explicit-parameters ${name} key decodes in full, names the curve, and lints`, () => {
      openssl(['ecparam', '-name', name, '-genkey', '-noout', '-param_enc', 'explicit', '-out', p(`x-${name}.key`)]);
      assert.match(openssl(['ec', '-in', p(`x-${name}.key`), '-noout', '-text']), /Field Type: prime-field/, 'openssl wrote explicit parameters');
      openssl(['req', '-x509', '-new', '-key', p(`x-${name}.key`), '-subj', `/CN=explicit ${name}`, '-days', '30', '-out', p(`x-${name}.crt`)]);
      const der = certDer(p(`x-${name}.crt`));
      const c = decodeCertificate(der, NOW);
      assert.equal(c.subject.text, `CN=explicit ${name}`);
      assert.equal(c.serialNumber, openssl(['x509', '-in', p(`x-${name}.crt`), '-noout', '-serial']).split('=')[1].trim().toLowerCase().replace(/^(00)+(?=.)/, ''));
      assert.equal(c.fingerprints.sha256, fingerprint(p(`x-${name}.crt`), 'sha256'));
      assert.equal(c.publicKey.algorithm, 'EC');
      assert.equal(c.publicKey.curve, curve);
      assert.equal(c.publicKey.size, size);
      assert.equal(c.publicKey.explicitParameters, true);
      const spki = opensslBytes(['pkey', '-pubin', '-outform', 'DER'], openssl(['x509', '-in', p(`x-${name}.crt`), '-noout', '-pubkey']));
      assert.equal(c.publicKey.spkiSha256, sha256Of(spki));
      assert.match(formatReport([{ ...c, index: 0, encoding: 'der' }]), new RegExp(`Public key: +EC ${curve} \\(explicit parameters\\)`));
      const lint = lintCertificate(der).find((f) => f.code === 'explicit-ec-parameters');
      assert.equal(lint?.severity, 'error');
      assert.match(lint?.message ?? '', new RegExp(`^explicit EC parameters: rejected by modern TLS libraries \\(the key spells out ${curve} instead of naming it\\)$`));
      // A CSR with the same key decodes too.
      const csr = decodeCsr(opensslBytes(['req', '-new', '-key', p(`x-${name}.key`), '-subj', '/CN=x', '-outform', 'DER']));
      assert.equal(csr.publicKey.curve, curve);
      assert.equal(csr.publicKey.explicitParameters, true);
      assert.equal(csr.signatureValid, true);
    });
  }

  it('a compressed base point names the curve too; a named-curve key has no explicitParameters flag', () => {
    openssl(['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-param_enc', 'explicit', '-out', p('xc.key')]);
    const spki = opensslBytes(['ec', '-in', p('xc.key'), '-param_enc', 'explicit', '-conv_form', 'compressed', '-pubout', '-outform', 'DER']);
    assert.match(openssl(['asn1parse', '-inform', 'DER'], spki), /d=3 .*OCTET STRING +\[HEX DUMP\]:0[23][0-9A-F]{64}\n/, 'G is compressed');
    const info = spkiInfo(spki);
    assert.equal(info.curve, 'P-256');
    assert.equal(info.explicitParameters, true);
    assert.equal(info.spkiSha256, sha256Of(spki));
    const named = decodeCsr(read(p('csr-ec.der')));
    assert.equal(named.publicKey.curve, 'P-384');
    assert.equal('explicitParameters' in named.publicKey, false);
  });

  it('the named-curve table equals what openssl spells out for every curve; other parameters stay unnamed', () => {
    // The curve a public key with these explicit parameters is read as (the point itself is not examined).
    const explicitCurve = (params: Uint8Array) => {
      const info = spkiInfo(derTlv(0x30, derTlv(0x30, derOid(OID_EC), params), derTlv(0x03, Uint8Array.of(0, 4))));
      assert.equal(info.explicitParameters, true);
      return { name: info.curve, size: info.size };
    };
    const names: [string, string, number][] = [
      ['prime256v1', 'P-256', 256], ['secp384r1', 'P-384', 384], ['secp521r1', 'P-521', 521], ['secp256k1', 'secp256k1', 256],
      ['prime192v1', 'P-192', 192], ['secp224r1', 'P-224', 224],
      ['brainpoolP256r1', 'brainpoolP256r1', 256], ['brainpoolP384r1', 'brainpoolP384r1', 384], ['brainpoolP512r1', 'brainpoolP512r1', 512],
    ];
    for (const [name, curve, size] of names) {
      const der = opensslBytes(['ecparam', '-name', name, '-param_enc', 'explicit', '-outform', 'DER']);
      assert.deepEqual(explicitCurve(der), { name: curve, size }, name);
      const compressed = opensslBytes(['ecparam', '-name', name, '-param_enc', 'explicit', '-conv_form', 'compressed', '-outform', 'DER']);
      assert.notEqual(compressed.length, der.length, `${name}: G compressed`);
      assert.deepEqual(explicitCurve(compressed), { name: curve, size }, `${name}, G compressed`);
      // The order n is the fifth element: change its last byte and the parameters name no curve.
      const order = children(der, readRoot(der))[4];
      const other = Buffer.from(der);
      other[order.end - 1] ^= 0x02;
      assert.deepEqual(explicitCurve(other), { name: 'explicit parameters', size }, `${name} with another order`);
    }
    // Malformed parameters: one line naming the field.
    const der = opensslBytes(['ecparam', '-name', 'prime256v1', '-param_enc', 'explicit', '-outform', 'DER']);
    const broken = Buffer.from(der);
    broken[children(der, readRoot(der))[3].start] = 0x05;
    assert.match(throwsPki(() => explicitCurve(broken), 'bad G').message, /^public key: explicit EC parameters: ASN\.1: expected the base point G \(OCTET STRING\)/);
    // A binary-field curve: no named curve here, the size is the field degree.
    const binary = opensslBytes(['ecparam', '-name', 'sect283k1', '-param_enc', 'explicit', '-outform', 'DER']);
    assert.deepEqual(explicitCurve(binary), { name: 'explicit parameters', size: 283 });
  });
});

describe('a signature BIT STRING with unused bits (issue 12)', () => {
  const DEFECT = 'signature BIT STRING has unused bits: the signature is invalid';

  before(() => {
    openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', p('ub.key'), '-out', p('ub.crt'), '-subj', '/CN=unused bits', '-days', '30',
      '-addext', 'subjectAltName=DNS:ub.example', '-addext', 'basicConstraints=critical,CA:TRUE']);
    openssl(['req', '-new', '-key', p('ub.key'), '-subj', '/CN=unused bits csr', '-addext', 'subjectAltName=DNS:csr.ub.example', '-outform', 'DER', '-out', p('ub.csr.der')]);
    write(p('ub-index.txt'), 'R\t301231235959Z\t240101000000Z,keyCompromise\t1234\tunknown\t/CN=one\n');
    write(p('ub-crlnumber'), '07\n');
    write(p('ub-ca.cnf'), `[ca]\ndefault_ca = c\n[c]\ndatabase = ${p('ub-index.txt')}\ncrlnumber = ${p('ub-crlnumber')}\ndefault_md = sha256\ndefault_crl_days = 7\n`);
    openssl(['ca', '-gencrl', '-config', p('ub-ca.cnf'), '-keyfile', p('ub.key'), '-cert', p('ub.crt'), '-out', p('ub.crl')]);
  });

  it('a certificate: every field still decodes, the model, the report and the lint say the signature is invalid', () => {
    const good = certDer(p('ub.crt'));
    const bad = withUnusedBits(good);
    const g = decodeCertificate(good, NOW);
    const b = decodeCertificate(bad, NOW);
    assert.equal(g.signatureDefect, undefined);
    assert.equal(g.selfSigned, true);
    assert.equal(b.signatureDefect, 'unused-bits');
    assert.equal(b.selfSigned, false);
    for (const f of ['subject', 'issuer', 'serialNumber', 'notBefore', 'notAfter', 'publicKey', 'signatureAlgorithm', 'subjectAltNames', 'isCA', 'extensions'] as const) {
      assert.deepEqual(b[f], g[f], f);
    }
    const report = formatReport([{ ...b, index: 0, encoding: 'der' }]);
    assert.match(report, new RegExp(`Signature: +sha256WithRSAEncryption — INVALID: ${DEFECT}`));
    assert.match(report, /Subject: +CN=unused bits/);
    assert.ok(!formatReport([{ ...g, index: 0, encoding: 'der' }]).includes('INVALID'));
    assert.deepEqual(lintCertificate(bad).filter((f) => f.code === 'invalid-signature-encoding').map((f) => [f.severity, f.message]), [['error', DEFECT]]);
    assert.equal(lintCertificate(good).some((f) => f.code === 'invalid-signature-encoding'), false);
    assert.equal(JSON.parse(JSON.stringify(b)).signatureDefect, 'unused-bits');
  });

  it('a CSR: decoded, signatureValid false with the reason (openssl refuses the bits left too)', () => {
    const good = read(p('ub.csr.der'));
    const bad = withUnusedBits(good);
    write(p('ub-bad.csr.der'), bad);
    const g = decodeCsr(good);
    const b = decodeCsr(bad);
    assert.equal(g.signatureValid, true);
    assert.equal(g.signatureDefect, undefined);
    assert.equal(b.signatureValid, false);
    assert.equal(b.signatureDefect, 'unused-bits');
    assert.deepEqual(b.subjectAltNames, [{ type: 'dns', value: 'csr.ub.example' }]);
    assert.equal(b.subject.text, 'CN=unused bits csr');
    assert.match(formatReport([{ ...b, index: 0, encoding: 'der' }]), new RegExp(`Signature: +sha256WithRSAEncryption — INVALID: ${DEFECT}`));
    const verdict = spawnSync('openssl', ['req', '-in', p('ub-bad.csr.der'), '-inform', 'DER', '-noout', '-verify'], { encoding: 'utf8' }).stderr;
    assert.match(verdict, /invalid bit string bits left/);
  });

  it('a CRL: issuer, number and revoked entries decoded, the signature reported invalid', () => {
    const good = opensslBytes(['crl', '-in', p('ub.crl'), '-outform', 'DER']);
    const bad = withUnusedBits(good, 7);
    const g = decodeCrl(good);
    const b = decodeCrl(bad);
    assert.equal(g.signatureDefect, undefined);
    assert.equal(b.signatureDefect, 'unused-bits');
    assert.equal(b.issuer.text, 'CN=unused bits');
    assert.equal(b.crlNumber, '07');
    assert.deepEqual(b.revoked, g.revoked);
    assert.deepEqual(b.revoked.map((r) => r.serialNumber), ['1234']);
    assert.match(formatReport([{ ...b, index: 0, encoding: 'der' }]), new RegExp(`Signature: +sha256WithRSAEncryption — INVALID: ${DEFECT}`));
  });
});

describe('IA5String names holding bytes outside ASCII (issue 12)', () => {
  let der: Buffer;

  before(() => {
    // openssl copies the configuration's UTF-8 bytes into the IA5Strings as they are.
    write(p('utf8-san.cnf'), Buffer.from('[req]\ndistinguished_name=dn\n[dn]\n[ext]\nsubjectAltName=DNS:biztosítás.hu,DNS:ok.example,email:jörg@example.com,URI:https://bücher.example/x\ncrlDistributionPoints=URI:http://crl.bücher.example/ca.crl\n', 'utf8'));
    openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', p('utf8-san.key'), '-subj', '/CN=utf8 san', '-config', p('utf8-san.cnf'), '-extensions', 'ext', '-days', '30', '-out', p('utf8-san.crt')]);
    der = certDer(p('utf8-san.crt'));
  });

  it('SANs and CRL distribution points are shown escaped (\\xc3\\xad), never as other characters, and flagged', () => {
    assert.match(openssl(['x509', '-in', p('utf8-san.crt'), '-noout', '-ext', 'subjectAltName']), /DNS:biztosítás\.hu/, 'the bytes are UTF-8');
    const c = decodeCertificate(der, NOW);
    assert.deepEqual(c.subjectAltNames, [
      { type: 'dns', value: 'biztos\\xc3\\xadt\\xc3\\xa1s.hu', invalidIa5String: true },
      { type: 'dns', value: 'ok.example' },
      { type: 'email', value: 'j\\xc3\\xb6rg@example.com', invalidIa5String: true },
      { type: 'uri', value: 'https://b\\xc3\\xbccher.example/x', invalidIa5String: true },
    ]);
    assert.deepEqual(c.crlDistributionPoints, ['http://crl.b\\xc3\\xbccher.example/ca.crl']);
    assert.equal(c.extensions.find((e) => e.name === 'subjectAltName')?.text, 'DNS:biztos\\xc3\\xadt\\xc3\\xa1s.hu, DNS:ok.example, email:j\\xc3\\xb6rg@example.com, URI:https://b\\xc3\\xbccher.example/x');
    const report = formatReport([{ ...c, index: 0, encoding: 'der' }]);
    assert.ok(report.includes('DNS:biztos\\xc3\\xadt\\xc3\\xa1s.hu (not IA5String), DNS:ok.example,'), report);
    assert.ok(!/[^\x20-\x7e\n]/.test(report.replace(/—/g, '')), 'nothing but ASCII in the report');
    const lint = lintCertificate(der).filter((f) => f.code === 'san-not-ia5string');
    assert.deepEqual(lint.map((f) => f.message), [
      'SAN is not valid IA5String: DNS "biztos\\xc3\\xadt\\xc3\\xa1s.hu" holds bytes outside ASCII (shown as \\xNN); clients reject or mismatch it',
      'SAN is not valid IA5String: email "j\\xc3\\xb6rg@example.com" holds bytes outside ASCII (shown as \\xNN); clients reject or mismatch it',
      'SAN is not valid IA5String: URI "https://b\\xc3\\xbccher.example/x" holds bytes outside ASCII (shown as \\xNN); clients reject or mismatch it',
    ]);
    assert.ok(lint.every((f) => f.severity === 'error'));
  });

  it('control characters are escaped and a backslash doubled, so the text is unambiguous (still valid IA5)', () => {
    const good = certDer(p('rsa.crt'));
    const at = good.indexOf(Buffer.from('\x82\x0bexample.com', 'latin1')) + 2;
    assert.ok(at > 2, 'the DNS SAN example.com (11 bytes)');
    const bad = Buffer.from(good);
    Buffer.from([0x5c, 0x07, 0x7f, 0x41, 0x78, 0x5c, 0x78, 0x34, 0x31, 0x0a, 0x2e]).copy(bad, at);
    const c = decodeCertificate(bad, NOW);
    assert.deepEqual(c.subjectAltNames[0], { type: 'dns', value: '\\\\\\x07\\x7fAx\\\\x41\\x0a.' });
    assert.equal(lintCertificate(bad).some((f) => f.code === 'san-not-ia5string'), false);
  });
});

describe('ASN.1 high tag numbers (issue 12)', () => {
  it('reads the long form, [APPLICATION 32] to tag numbers of four octets, with contextNumber and tagText', () => {
    const t = readTlv(Buffer.from([0x7f, 0x20, 0x00]), 0);
    assert.deepEqual(t, { tag: 0x7f, highTagNumber: 32, start: 0, contentStart: 3, end: 3 });
    const ctx = readTlv(Buffer.from([0xbf, 0x81, 0x48, 0x01, 0x05]), 0);
    assert.equal(ctx.highTagNumber, 200);
    assert.equal(ctx.end, 5);
    const big = readTlv(Buffer.from([0x5f, 0xff, 0xff, 0xff, 0x7f, 0x00]), 0);
    assert.equal(big.highTagNumber, 2 ** 28 - 1);
  });

  it('stays strict: non-minimal, leading-zero, oversized and truncated tags are one-line PkiErrors', () => {
    const cases: [number[], RegExp][] = [
      [[0x1f, 0x1e, 0x00], /tag number 30 in the long form at offset 0 \(not DER\)/],
      [[0x1f, 0x80, 0x21, 0x00], /leading zero octet at offset 0/],
      [[0x1f, 0x81, 0x80, 0x80, 0x80, 0x00, 0x00], /tag number too large at offset 0/],
      [[0x1f, 0x81], /truncated tag at offset 0/],
      [[0x1f], /truncated tag at offset 0/],
      [[0x7f, 0x20], /truncated length/],
    ];
    for (const [bytes, message] of cases) {
      const e = throwsPki(() => readTlv(Buffer.from(bytes), 0), bytes.join(','));
      assert.match(e.message, message);
    }
  });

  it('a CSR whose attributes use a high tag number decodes, lists them, and verifies (as openssl says)', () => {
    openssl(['req', '-new', '-newkey', 'rsa:2048', '-nodes', '-keyout', p('ht.key'), '-subj', '/CN=high tag', '-addext', 'subjectAltName=DNS:ht.example', '-outform', 'DER', '-out', p('ht-base.csr')]);
    const base = read(p('ht-base.csr'));
    const info = children(base, readRoot(base))[0];
    const [version, subject, spki, attrs] = children(base, info);
    const exts = base.subarray(attrs.contentStart, attrs.end); // openssl's extensionRequest attribute
    const oid = (hex: string) => tlv(0x06, Buffer.from(hex, 'hex'));
    const attributes = tlv(0xa0,
      tlv(0x30, oid('2a03040506'), tlv(0x31, tlv([0x7f, 0x20]))), // 1.2.3.4.5.6 { [APPLICATION 32] }
      tlv(0x30, oid('2a864886f70d010907'), tlv(0x31, tlv(0x0c, Buffer.from('s3cret')))), // challengePassword
      exts);
    const whole = (t: { start: number; end: number }) => base.subarray(t.start, t.end);
    const cri = tlv(0x30, whole(version), whole(subject), whole(spki), attributes);
    const signature = sign('sha256', cri, read(p('ht.key')));
    const csr = tlv(0x30, cri, tlv(0x30, oid('2a864886f70d01010b'), Buffer.from([0x05, 0x00])), tlv(0x03, Buffer.from([0]), signature));
    write(p('ht.csr'), csr);
    assert.match(spawnSync('openssl', ['req', '-in', p('ht.csr'), '-inform', 'DER', '-noout', '-verify'], { encoding: 'utf8' }).stderr, /verify OK/);

    const r = decodeCsr(csr);
    assert.equal(r.signatureValid, true);
    assert.equal(r.subject.text, 'CN=high tag');
    assert.deepEqual(r.subjectAltNames, [{ type: 'dns', value: 'ht.example' }]);
    assert.deepEqual(r.attributes, [
      { oid: '1.2.3.4.5.6', values: ['[APPLICATION 32] #7f2000'] },
      { oid: '1.2.840.113549.1.9.7', name: 'challengePassword', values: ['s3cret'] },
    ]);
    const report = formatReport([{ ...r, index: 0, encoding: 'der' }]);
    assert.match(report, /Attributes:\n {4}1\.2\.3\.4\.5\.6: \[APPLICATION 32\] #7f2000\n {4}challengePassword \(1\.2\.840\.113549\.1\.9\.7\): s3cret\n/);
  });
});

describe('truncated structures (found by the differential fuzz of issue 12)', () => {
  it('an element missing from a SEQUENCE is a PkiError naming it, never a TypeError', () => {
    assert.match(throwsPki(() => spkiInfo(Buffer.from([0x30, 0x05, 0x30, 0x00, 0x03, 0x01, 0x00])), 'empty algorithm').message, /^ASN\.1: expected an OBJECT IDENTIFIER, but the structure ends before it$/);
    // A P-384 certificate whose SPKI AlgorithmIdentifier claims to be empty: its OID and curve become siblings.
    const good = certDer(p('p384.crt'));
    const at = good.indexOf(Buffer.from('30763010', 'hex'));
    assert.ok(at > 0, 'the P-384 SubjectPublicKeyInfo');
    const bad = Buffer.from(good);
    bad[at + 3] = 0x00;
    const e = throwsPki(() => decodeCertificate(bad, NOW), 'empty SPKI algorithm');
    assert.doesNotMatch(e.message, /Cannot read|undefined/);
    assert.match(e.message, /^certificate: /);
  });
});

describe('times: impossible dates are refused, not rolled over', () => {
  const time = (tag: number, s: string) => {
    const body = Buffer.from(s, 'latin1');
    return decodeTime(Uint8Array.from([tag, body.length, ...body]), { tag, start: 0, contentStart: 2, end: 2 + body.length });
  };
  it('accepts real dates (leap day included) and refuses month 13, 31 February, 25:00 and :60', () => {
    assert.equal(time(0x18, '20240229235959Z').toISOString(), '2024-02-29T23:59:59.000Z');
    assert.equal(time(0x17, '491231235959Z').toISOString(), '2049-12-31T23:59:59.000Z');
    assert.equal(time(0x17, '500101000000Z').toISOString(), '1950-01-01T00:00:00.000Z');
    for (const bad of ['20301301000000Z', '20230229000000Z', '20300231000000Z', '20300101250000Z', '20300101006000Z', '20300101000060Z', '20300100000000Z']) {
      assert.throws(() => time(0x18, bad), /invalid date/, bad);
    }
  });
});
