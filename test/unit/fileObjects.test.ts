// core/read/fileObjects: one file's objects as the front ends convert, sign and export them — each object's DER
// as found beside the reader's model of it — and the PEM label a DER object takes (the PEM ↔ DER rule), with
// openssl as the referee of the labels.

import assert from 'node:assert/strict';
import { createHash, generateKeyPairSync } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { children, readRoot } from '../../src/core/der/asn1';
import { encodePem } from '../../src/core/der/pem';
import { commonNameOf } from '../../src/core/display/labels';
import { PkiError, type PkiObject } from '../../src/core/model';
import { encodeDhParameters, FFDHE } from '../../src/core/objects/dh';
import { exportPkcs12 } from '../../src/core/objects/pkcs12';
import { fileObjects, pemLabelFor, readRawObject } from '../../src/core/read/fileObjects';
import { rawObjects, readObjects, type RawObject } from '../../src/core/read/read';
import { WorkBudget } from '../../src/core/runtime/workBudget';
import { parseSubject } from '../../src/core/write/dn';
import { createCsr, issueCertificate } from '../../src/core/write/issue';
import { openssl, opensslBytes, tempDir } from '../helpers/tools';

const t = tempDir('tlsw-fileobjects-');
after(() => t.cleanup());

const PASSPHRASE = 'file objects';
const der = (k: { export(o: object): Buffer | string }, o: object): Buffer => k.export({ ...o, format: 'der' }) as Buffer;
const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');
const text = (s: string): Uint8Array => new TextEncoder().encode(s);

/** Every kind of object with its DER, made by node:crypto, the engine's writers and openssl. */
const f = {} as Record<
  'cert' | 'csr' | 'crl' | 'ecPkcs8' | 'ecSec1' | 'ecSpki' | 'encryptedPkcs8' | 'rsaPkcs1' | 'rsaPublicPkcs1' | 'dhParams' | 'dhX942' | 'dsaParams' | 'dsaPublicTraditional',
  Buffer
>;

before(async () => {
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  f.ecPkcs8 = der(ec.privateKey, { type: 'pkcs8' });
  f.ecSec1 = der(ec.privateKey, { type: 'sec1' });
  f.ecSpki = der(ec.publicKey, { type: 'spki' });
  f.encryptedPkcs8 = der(ec.privateKey, { type: 'pkcs8', cipher: 'aes-256-cbc', passphrase: PASSPHRASE });
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
  f.rsaPkcs1 = der(rsa.privateKey, { type: 'pkcs1' });
  f.rsaPublicPkcs1 = der(rsa.publicKey, { type: 'pkcs1' });
  f.cert = Buffer.from((await issueCertificate({ subject: parseSubject('/O=File Objects/CN=objects.example'), publicKeySpki: f.ecSpki, subjectPrivateKeyPkcs8: f.ecPkcs8, profile: 'root', days: 30 })).der);
  f.csr = Buffer.from(await createCsr({ privateKeyPkcs8: f.ecPkcs8, subject: parseSubject('/CN=request.example') }));
  f.dhParams = Buffer.from(encodeDhParameters(FFDHE.ffdhe2048.prime, 2));
  // X9.42 parameters (RFC 5114 group 2); genpkey writes them as PEM only, asn1parse takes out the DER.
  openssl(['genpkey', '-genparam', '-algorithm', 'DHX', '-pkeyopt', 'dh_rfc5114:2', '-out', t.path('x942.pem')]);
  openssl(['asn1parse', '-in', t.path('x942.pem'), '-out', t.path('x942.der'), '-noout']);
  f.dhX942 = readFileSync(t.path('x942.der'));
  // DSA: the parameters { p, q, g } and OpenSSL's traditional public key { y, p, q, g }, from one node key's SPKI.
  const dsaSpki = der(generateKeyPairSync('dsa', { modulusLength: 1024, divisorLength: 160 }).publicKey, { type: 'spki' });
  const [algId, bits] = children(dsaSpki, readRoot(dsaSpki));
  const params = children(dsaSpki, algId)[1];
  f.dsaParams = dsaSpki.subarray(params.start, params.end);
  const body = Buffer.concat([dsaSpki.subarray(bits.contentStart + 1, bits.end), dsaSpki.subarray(params.contentStart, params.end)]);
  f.dsaPublicTraditional = Buffer.concat([Buffer.from([0x30, 0x82, body.length >> 8, body.length & 0xff]), body]);
  // A CRL, signed by openssl with the certificate's key.
  writeFileSync(t.path('ca.crt'), encodePem('CERTIFICATE', f.cert));
  writeFileSync(t.path('ca.key'), encodePem('PRIVATE KEY', f.ecPkcs8));
  writeFileSync(t.path('index.txt'), '');
  writeFileSync(t.path('crlnumber'), '01\n');
  writeFileSync(t.path('ca.cnf'), `[ca]\ndefault_ca=c\n[c]\ndatabase=${t.path('index.txt')}\ncrlnumber=${t.path('crlnumber')}\ndefault_md=sha256\ndefault_crl_days=7\n`);
  openssl(['ca', '-gencrl', '-config', t.path('ca.cnf'), '-keyfile', t.path('ca.key'), '-cert', t.path('ca.crt'), '-out', t.path('x.crl')]);
  f.crl = opensslBytes(['crl', '-in', t.path('x.crl'), '-outform', 'DER']);
});

/** The one object of a DER file, as rawObjects finds it (no PEM label). */
function rawOf(bytes: Uint8Array): RawObject {
  const raws = rawObjects(bytes);
  assert.equal(raws.length, 1);
  assert.equal(raws[0].pemLabel, undefined);
  return raws[0];
}

/** The openssl command that reads a PEM file of `label`: it fails when the label does not fit the content. */
function opensslReads(label: string, file: string): void {
  const args: Record<string, string[]> = {
    'CERTIFICATE': ['x509'],
    'CERTIFICATE REQUEST': ['req'],
    'X509 CRL': ['crl'],
    'DH PARAMETERS': ['pkeyparam'],
    'X9.42 DH PARAMETERS': ['pkeyparam'],
    'DSA PARAMETERS': ['pkeyparam'],
    'PRIVATE KEY': ['pkey'],
    'EC PRIVATE KEY': ['pkey'],
    'RSA PRIVATE KEY': ['pkey'],
    'ENCRYPTED PRIVATE KEY': ['pkey', '-passin', `pass:${PASSPHRASE}`],
    'PUBLIC KEY': ['pkey', '-pubin'],
    'RSA PUBLIC KEY': ['pkey', '-pubin'],
    'DSA PUBLIC KEY': ['pkey', '-pubin'],
  };
  assert.ok(args[label], `no openssl check for ${label}`);
  openssl([...args[label], '-noout', '-in', file]);
}

describe('pemLabelFor: the PEM label of a DER object', () => {
  const cases: [keyof typeof f, RawObject['kind'], string][] = [
    ['cert', 'certificate', 'CERTIFICATE'],
    ['csr', 'csr', 'CERTIFICATE REQUEST'],
    ['crl', 'crl', 'X509 CRL'],
    ['dhParams', 'dh-parameters', 'DH PARAMETERS'],
    ['dhX942', 'dh-parameters', 'X9.42 DH PARAMETERS'],
    ['dsaParams', 'dsa-parameters', 'DSA PARAMETERS'],
    ['ecPkcs8', 'private-key', 'PRIVATE KEY'],
    ['ecSec1', 'private-key', 'EC PRIVATE KEY'],
    ['rsaPkcs1', 'private-key', 'RSA PRIVATE KEY'],
    ['encryptedPkcs8', 'private-key', 'ENCRYPTED PRIVATE KEY'],
    ['ecSpki', 'public-key', 'PUBLIC KEY'],
    ['rsaPublicPkcs1', 'public-key', 'RSA PUBLIC KEY'],
    ['dsaPublicTraditional', 'public-key', 'DSA PUBLIC KEY'],
  ];
  for (const [name, kind, label] of cases) {
    it(`${name}: ${label}, which openssl reads and which converts back to the same DER`, () => {
      const raw = rawOf(f[name]);
      assert.equal(raw.kind, kind);
      assert.equal(pemLabelFor(raw), label);
      const pemText = encodePem(label, f[name]);
      writeFileSync(t.path(`${name}.pem`), pemText);
      opensslReads(label, t.path(`${name}.pem`));
      // PEM → DER → PEM: the block's DER and label come back unchanged.
      const [back] = rawObjects(text(pemText));
      assert.equal(back.pemLabel, label);
      assert.ok(Buffer.from(back.der).equals(f[name]));
      assert.equal(pemLabelFor({ kind: back.kind, der: back.der }), label);
    });
  }

  it('keeps the label an object was found under (NEW CERTIFICATE REQUEST, X509 CERTIFICATE)', () => {
    for (const [label, body] of [['NEW CERTIFICATE REQUEST', f.csr], ['X509 CERTIFICATE', f.cert]] as const) {
      const [raw] = rawObjects(text(encodePem(label, body)));
      assert.equal(pemLabelFor(raw), label);
    }
  });

  it('has none for a PKCS#12 keystore (binary only) or an object of unknown kind', () => {
    const p12 = exportPkcs12({ certificate: f.cert, privateKeyPkcs8: f.ecPkcs8, password: 'x', iterations: 1 });
    assert.equal(rawOf(p12).kind, 'pkcs12');
    assert.equal(pemLabelFor(rawOf(p12)), undefined);
    const unknown = rawOf(Buffer.from('30030101ff', 'hex')); // SEQUENCE { BOOLEAN TRUE }
    assert.equal(unknown.kind, 'unknown');
    assert.equal(pemLabelFor(unknown), undefined);
  });
});

describe('fileObjects: every object of a file, its DER as found and its model', () => {
  it('a PEM bundle: the blocks in order, each with its DER and the model the reader makes of it alone', () => {
    const bundle = [
      encodePem('CERTIFICATE', f.cert),
      encodePem('EC PRIVATE KEY', f.ecSec1),
      encodePem('CERTIFICATE REQUEST', f.csr),
      '-----BEGIN EC PARAMETERS-----\nBggqhkjOPQMBBw==\n-----END EC PARAMETERS-----\n',
    ].join('');
    const objects = fileObjects(text(bundle));
    assert.deepEqual(objects.map((o) => [o.raw.kind, o.raw.pemLabel, o.model?.kind]), [
      ['certificate', 'CERTIFICATE', 'certificate'],
      ['private-key', 'EC PRIVATE KEY', 'private-key'],
      ['csr', 'CERTIFICATE REQUEST', 'csr'],
      ['unknown', 'EC PARAMETERS', undefined],
    ]);
    assert.ok(Buffer.from(objects[0].raw.der).equals(f.cert));
    assert.ok(Buffer.from(objects[1].raw.der).equals(f.ecSec1));
    const cert = objects[0].model as Extract<PkiObject, { kind: 'certificate' }>;
    assert.equal(commonNameOf(cert.subject), 'objects.example');
    const key = objects[1].model as Extract<PkiObject, { kind: 'private-key' }>;
    assert.equal(key.format, 'sec1');
    assert.equal(key.publicKey?.spkiSha256, sha256(f.ecSpki));
    // Not an object we read: the reader's own words, without the "block N (LABEL): " it adds for a whole file.
    assert.equal(objects[3].problem, 'skipped (parameters only, no key or certificate)');
    assert.equal(objects.filter((o) => o.problem !== undefined).length, 1);
  });

  it('an object that does not decode as its label says gets a one-line problem; the others still decode', () => {
    const objects = fileObjects(text(encodePem('CERTIFICATE', f.cert) + encodePem('CERTIFICATE', f.ecSpki)));
    assert.equal(objects.length, 2);
    assert.equal(objects[0].model?.kind, 'certificate');
    assert.equal(objects[1].model, undefined);
    assert.ok(objects[1].problem, 'a problem for the key under a CERTIFICATE label');
    assert.doesNotMatch(objects[1].problem, /^block \d/);
    assert.doesNotMatch(objects[1].problem, /\n/);
    assert.ok(Buffer.from(objects[1].raw.der).equals(f.ecSpki), 'its DER is still there to convert');
  });

  it('a legacy encrypted PEM key keeps its Proc-Type and DEK-Info headers: it opens with its passphrase', () => {
    const legacy = openssl(['ec', '-aes-128-cbc', '-passout', `pass:${PASSPHRASE}`], encodePem('EC PRIVATE KEY', f.ecSec1));
    assert.match(legacy, /DEK-Info: AES-128-CBC,/);
    const [locked] = fileObjects(text(legacy));
    assert.equal(locked.raw.kind, 'legacy-encrypted-key');
    assert.match(locked.raw.headers?.['DEK-Info'] ?? '', /^AES-128-CBC,/);
    const lockedKey = locked.model as Extract<PkiObject, { kind: 'private-key' }>;
    assert.equal(lockedKey.encrypted, true);
    assert.equal(lockedKey.publicKey, undefined, 'no public key without the passphrase');
    const [opened] = fileObjects(text(legacy), { password: PASSPHRASE });
    const key = opened.model as Extract<PkiObject, { kind: 'private-key' }>;
    assert.equal(opened.problem, undefined);
    assert.equal(key.publicKey?.spkiSha256, sha256(f.ecSpki));
  });

  it('passes the reader options on: warnDays decides whether a 30-day certificate is expiring', () => {
    const [raw] = rawObjects(f.cert);
    const status = (warnDays: number) => (readRawObject(raw, { warnDays }).model as Extract<PkiObject, { kind: 'certificate' }>).expiry.status;
    assert.equal(status(10), 'valid');
    assert.equal(status(60), 'expiring');
  });

  it('a DER file is one object without a label', () => {
    const [o, ...rest] = fileObjects(f.crl);
    assert.equal(rest.length, 0);
    assert.equal(o.raw.pemLabel, undefined);
    assert.equal(o.model?.kind, 'crl');
  });

  it('a PKCS#12 keystore is checked for its structure, not opened: no key derivation is charged', () => {
    const p12 = exportPkcs12({ certificate: f.cert, privateKeyPkcs8: f.ecPkcs8, password: 'x' });
    const budget = WorkBudget.forCommand();
    const [o] = fileObjects(p12, { password: 'x', budget });
    assert.equal(o.raw.kind, 'pkcs12');
    assert.equal(o.model, undefined);
    assert.equal(o.problem, undefined);
    assert.equal(budget.used, 0);
    // The same budget is charged when the reader does open it: the zero above means something.
    assert.equal(readObjects(p12, { password: 'x', budget }).objects[0].kind, 'pkcs12');
    assert.ok(budget.used > 0);
    // PFX-shaped, but its contents are signedData, which is not read: the structure check says so.
    const signedData = Buffer.from('3014020103300f06092a864886f70d010702a0023000', 'hex');
    const [bad] = fileObjects(signedData);
    assert.equal(bad.raw.kind, 'pkcs12');
    assert.match(bad.problem ?? '', /^PKCS#12: .*signedData/);
  });

  it('a file that cannot be split into objects is a one-line PkiError', () => {
    for (const bytes of [text('-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n'), Buffer.from('3005020101', 'hex')]) {
      assert.throws(() => fileObjects(bytes), (e: unknown) => e instanceof PkiError && !e.message.includes('\n'));
    }
  });
});
