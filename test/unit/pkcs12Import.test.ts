// core/objects/pkcs12Import: what importing a keystore writes. The key's certificate is the one holding its public
// key (a localKeyId only labels bags, and may point elsewhere); the others are the chain; a friendly name becomes a
// safe file name. Keystores come from the engine's exporter and from openssl, or are laid out bag by bag.

import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { before, after, describe, it } from 'node:test';
import { encodePem } from '../../src/core/der/pem';
import { PkiError } from '../../src/core/model';
import { exportPkcs12, readPkcs12, type RawPkcs12Bag } from '../../src/core/objects/pkcs12';
import { fileNameFrom, keystoreParts } from '../../src/core/objects/pkcs12Import';
import { parseSubject } from '../../src/core/write/dn';
import { issueCertificate } from '../../src/core/write/issue';
import { openssl, read, tempDir, write } from '../helpers/tools';

const t = tempDir('tlsw-p12import-');
after(() => t.cleanup());

interface Issued {
  cert: Uint8Array;
  key: Uint8Array;
}

let ca: Issued;
let leaf: Issued;
let other: Issued;

async function issue(cn: string, profile: 'root' | 'server', issuer?: Issued): Promise<Issued> {
  const k = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const key = new Uint8Array(k.privateKey.export({ type: 'pkcs8', format: 'der' }));
  const { der } = await issueCertificate({
    subject: parseSubject(`/CN=${cn}`),
    publicKeySpki: new Uint8Array(k.publicKey.export({ type: 'spki', format: 'der' })),
    subjectPrivateKeyPkcs8: key,
    profile,
    issuer: issuer && { certificate: issuer.cert, privateKeyPkcs8: issuer.key },
    days: 30,
  });
  return { cert: der, key };
}

before(async () => {
  ca = await issue('Import CA', 'root');
  leaf = await issue('leaf.example', 'server', ca);
  other = await issue('other.example', 'server', ca);
});

const certBag = (cert: Uint8Array, localKeyId?: string): RawPkcs12Bag => ({ type: 'certificate', der: cert, localKeyId });
const keyBag = (key: Uint8Array, localKeyId?: string): RawPkcs12Bag => ({ type: 'private-key', der: key, localKeyId, friendlyName: 'server' });
const same = (a: RawPkcs12Bag | undefined, b: Uint8Array): boolean => a?.der !== undefined && Buffer.from(a.der).equals(b);

describe('keystoreParts: the key, its certificate by public key, the rest as the chain', () => {
  it('pairs by public key whatever the bag order: the CA and another certificate before the leaf are the chain', () => {
    const bags = [certBag(ca.cert), certBag(other.cert), keyBag(leaf.key, '01'), certBag(leaf.cert, '01')];
    const parts = keystoreParts(bags);
    assert.ok(same(parts.key, leaf.key));
    assert.ok(same(parts.leaf, leaf.cert));
    assert.deepEqual(parts.chain, [bags[0], bags[1]], 'the others, in the keystore order');
    assert.deepEqual(parts.warnings, []);
  });

  it("a localKeyId naming another certificate: still paired by public key, with a warning", () => {
    const bags = [keyBag(leaf.key, 'aa'), certBag(ca.cert, 'aa'), certBag(leaf.cert)];
    const parts = keystoreParts(bags);
    assert.ok(same(parts.leaf, leaf.cert));
    assert.deepEqual(parts.chain, [bags[1]]);
    assert.equal(parts.warnings.length, 1);
    assert.match(parts.warnings[0], /localKeyId names another certificate.*paired by public key/);
  });

  it('no warning when the localKeyId agrees, or when the key has none', () => {
    assert.deepEqual(keystoreParts([keyBag(leaf.key, 'bb'), certBag(ca.cert), certBag(leaf.cert, 'bb')]).warnings, []);
    assert.deepEqual(keystoreParts([keyBag(leaf.key), certBag(ca.cert, 'cc'), certBag(leaf.cert)]).warnings, []);
  });

  it("refuses when no certificate holds the key's public key, and when there are several keys", () => {
    const refusal = (bags: RawPkcs12Bag[]): string => {
      try {
        keystoreParts(bags);
      } catch (e) {
        assert.ok(e instanceof PkiError);
        return e.message;
      }
      assert.fail('not refused');
    };
    assert.equal(refusal([keyBag(leaf.key, '01'), certBag(other.cert, '01'), certBag(ca.cert)]), "none of its 2 certificates is the private key's (their public keys differ)");
    assert.equal(refusal([keyBag(leaf.key), certBag(ca.cert)]), "none of its 1 certificate is the private key's (their public keys differ)");
    assert.match(refusal([keyBag(leaf.key), keyBag(other.key), certBag(leaf.cert)]), /^it holds 2 private keys; only keystores with one key can be imported$/);
  });

  it('without a key: the first certificate is the leaf; without certificates: the key alone', () => {
    const certsOnly = keystoreParts([certBag(other.cert), certBag(ca.cert)]);
    assert.equal(certsOnly.key, undefined);
    assert.ok(same(certsOnly.leaf, other.cert));
    assert.equal(certsOnly.chain.length, 1);
    assert.ok(same(certsOnly.chain[0], ca.cert));
    const keyOnly = keystoreParts([keyBag(leaf.key)]);
    assert.ok(same(keyOnly.key, leaf.key));
    assert.equal(keyOnly.leaf, undefined);
    assert.deepEqual(keyOnly.chain, []);
  });

  it('ignores bags without DER (locked or of other kinds)', () => {
    const parts = keystoreParts([{ type: 'private-key' }, { type: 'secret' }, { type: 'certificate' }, keyBag(leaf.key), certBag(leaf.cert)]);
    assert.ok(same(parts.key, leaf.key));
    assert.ok(same(parts.leaf, leaf.cert));
    assert.deepEqual(parts.chain, []);
  });

  it("a keystore from the engine's exporter, opened by its reader: key, leaf and chain as they were given", () => {
    const p12 = exportPkcs12({ certificate: leaf.cert, privateKeyPkcs8: leaf.key, chain: [ca.cert], password: 'pw', friendlyName: 'web server', iterations: 1 });
    const parts = keystoreParts(readPkcs12(p12, 'pw').bags);
    assert.ok(same(parts.leaf, leaf.cert));
    assert.equal(parts.chain.length, 1);
    assert.ok(same(parts.chain[0], ca.cert));
    assert.deepEqual(parts.warnings, []);
    assert.equal(fileNameFrom(parts.key?.friendlyName), 'web server');
  });

  it('a keystore from openssl, its localKeyId on the key and the leaf: no warning', () => {
    write(t.path('leaf.crt'), encodePem('CERTIFICATE', leaf.cert));
    write(t.path('leaf.key'), encodePem('PRIVATE KEY', leaf.key));
    write(t.path('chain.crt'), encodePem('CERTIFICATE', ca.cert) + encodePem('CERTIFICATE', other.cert));
    openssl(['pkcs12', '-export', '-in', t.path('leaf.crt'), '-inkey', t.path('leaf.key'), '-certfile', t.path('chain.crt'), '-name', 'openssl/leaf', '-passout', 'pass:pw', '-out', t.path('o.p12')]);
    const { bags } = readPkcs12(read(t.path('o.p12')), 'pw');
    assert.ok(bags.some((b) => b.type === 'private-key' && b.localKeyId), 'openssl labels the key');
    const parts = keystoreParts(bags);
    assert.ok(same(parts.leaf, leaf.cert));
    assert.equal(parts.leaf?.localKeyId, parts.key?.localKeyId);
    assert.equal(parts.chain.length, 2);
    assert.deepEqual(parts.warnings, []);
    assert.equal(fileNameFrom(parts.leaf?.friendlyName ?? parts.key?.friendlyName), 'openssl_leaf');
  });
});

describe('fileNameFrom: a friendly name made safe as a file name', () => {
  it('keeps ordinary names, replaces what a file name must not hold', () => {
    assert.equal(fileNameFrom('web-server_01.prod'), 'web-server_01.prod');
    assert.equal(fileNameFrom('My Server (prod)'), 'My Server _prod_');
    assert.equal(fileNameFrom('Zürich'), 'Z_rich');
  });

  it('no separators, no dot-file, no leading "-", at most 100 characters', () => {
    const hostile = ['../../etc/passwd', '..\\..\\win.ini', '.bashrc', ' . .hidden', '-rf', ' -rf', '.-x', 'a\nb\u0000c', '/abs', 'x'.repeat(300), '\u202Egpj.exe'];
    for (const name of hostile) {
      const s = fileNameFrom(name);
      assert.ok(s, `${JSON.stringify(name)} keeps something`);
      assert.match(s, /^[A-Za-z0-9._ -]+$/, `${JSON.stringify(name)} → ${JSON.stringify(s)}: letters, digits, ". _ -" and spaces only`);
      assert.doesNotMatch(s, /^[.\s-]/, `${JSON.stringify(name)} → ${JSON.stringify(s)}`);
      assert.ok(s.length <= 100);
    }
    assert.equal(fileNameFrom('-rf'), '_rf');
    assert.equal(fileNameFrom('.bashrc'), 'bashrc');
  });

  it('undefined when there is no name or nothing usable is left', () => {
    for (const name of [undefined, '', '...', ' . ', '   ']) assert.equal(fileNameFrom(name), undefined, JSON.stringify(name));
  });
});
