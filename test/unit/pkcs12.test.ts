// PKCS#12 / PFX reading and writing, refereed by the real `openssl` and Java `keytool`.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createHash, createPrivateKey, createPublicKey, randomBytes, X509Certificate } from 'node:crypto';
import { children, readRoot } from '../../src/core/der/asn1';
import { PkiError } from '../../src/core/model';
import type { RawPkcs12Bag } from '../../src/core/objects/pkcs12';
import { exportPkcs12, inspectPkcs12, looksLikePkcs12, readPkcs12 } from '../../src/core/objects/pkcs12';
import { WorkBudget } from '../../src/core/runtime/workBudget';
import { assertOneLineFailure, tlsw, tlswOk } from '../helpers/tlsw';
import { tlv, toBer } from '../helpers/ber';
import { openssl, prng, read, tempDir, write } from '../helpers/tools';

type KeyType = 'rsa' | 'ec' | 'ed25519';
const KEY_TYPES: KeyType[] = ['rsa', 'ec', 'ed25519'];
const PASSWORD = 'correct horse';

let tmp: ReturnType<typeof tempDir>;
let caDer: Buffer;
const leafDer: Record<string, Buffer> = {};
const keyPkcs8: Record<string, Buffer> = {};

// ───────── helpers ─────────

function genKeyArgs(t: KeyType): string[] {
  if (t === 'rsa') return ['-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048'];
  if (t === 'ec') return ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256'];
  return ['-algorithm', 'ED25519'];
}

/** `openssl pkcs12 -export` of the leaf of type `t` with extra args; returns the file's bytes. */
function opensslP12(t: KeyType, name: string, args: string[]): Buffer {
  const out = tmp.path(`${name}.p12`);
  openssl(['pkcs12', '-export', '-in', tmp.path(`leaf-${t}.pem`), '-inkey', tmp.path(`key-${t}.pem`), '-out', out, ...args]);
  return read(out);
}

function spkiPem(pkcs8: Uint8Array): string {
  return createPublicKey(createPrivateKey({ key: Buffer.from(pkcs8), format: 'der', type: 'pkcs8' }))
    .export({ type: 'spki', format: 'pem' })
    .toString()
    .trim();
}

const pubCache: Record<string, string> = {};
function opensslPub(t: KeyType): string {
  pubCache[t] ??= openssl(['pkey', '-in', tmp.path(`key-${t}.pem`), '-pubout']).trim();
  return pubCache[t];
}

function sha1Hex(b: Uint8Array): string {
  return createHash('sha1').update(b).digest('hex');
}

function assertPkiError(fn: () => unknown, pattern?: RegExp): PkiError {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  assert.ok(caught instanceof PkiError, `expected a PkiError, got ${caught === undefined ? 'no error' : String(caught)}`);
  assert.ok(!caught.message.includes('\n'), 'one-line message');
  if (pattern) assert.match(caught.message, pattern);
  return caught;
}

/** Checks the usual leaf+key(+chain) bag layout and that the key belongs to the leaf (openssl as referee). */
function checkLeafBags(bags: RawPkcs12Bag[], t: KeyType, opts: { name?: string; chain?: boolean }): void {
  const certs = bags.filter((b) => b.type === 'certificate');
  const keys = bags.filter((b) => b.type === 'private-key');
  assert.equal(bags.length, opts.chain ? 3 : 2);
  assert.equal(keys.length, 1);
  assert.equal(certs.length, opts.chain ? 2 : 1);
  const leaf = certs.find((c) => c.localKeyId !== undefined);
  assert.ok(leaf?.der);
  assert.deepEqual(Buffer.from(leaf.der), leafDer[t]);
  assert.equal(leaf.localKeyId, sha1Hex(leafDer[t]), 'localKeyId = SHA-1 of the certificate (OpenSSL convention)');
  assert.equal(keys[0].localKeyId, leaf.localKeyId);
  assert.equal(leaf.friendlyName, opts.name);
  assert.equal(keys[0].friendlyName, opts.name);
  assert.ok(keys[0].der);
  assert.equal(spkiPem(keys[0].der), opensslPub(t), 'the key in the PFX is the key that was exported');
  if (opts.chain) {
    const ca = certs.find((c) => c !== leaf);
    assert.ok(ca?.der);
    assert.deepEqual(Buffer.from(ca.der), caDer);
    assert.equal(ca.localKeyId, undefined);
  }
}

/** PEM blocks of `openssl pkcs12 -nodes` output as DER, by label. */
function pemBlocks(text: string): { label: string; der: Buffer }[] {
  const out: { label: string; der: Buffer }[] = [];
  const re = /-----BEGIN ([A-Z ]+)-----([\s\S]*?)-----END \1-----/g;
  for (let m = re.exec(text); m; m = re.exec(text)) out.push({ label: m[1], der: Buffer.from(m[2].replace(/\s+/g, ''), 'base64') });
  return out;
}

/** JVM options that make a short keytool run start faster. */
const JVM_FAST = ['-J-XX:TieredStopAtLevel=1', '-J-XX:+UseSerialGC'];

/** `keytool -list` (async, so several JVMs can start at once). */
async function keytoolList(file: string, password: string, verbose = false): Promise<string> {
  const pw = tmp.path(`kt-pw-${randomBytes(4).toString('hex')}`);
  write(pw, `${password}\n`);
  const { stdout } = await promisify(execFile)('keytool', [...JVM_FAST, '-list', ...(verbose ? ['-v'] : []), '-storetype', 'PKCS12', '-keystore', file, '-storepass:file', pw]);
  return stdout;
}

/** openssl with stdout and stderr together (`pkcs12 -info` prints its report on stderr). Throws on failure. */
function opensslAll(args: string[]): string {
  const r = spawnSync('openssl', args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`openssl ${args[0]} failed: ${r.stderr}`);
  return `${r.stdout}${r.stderr}`;
}

// A tiny DER/BER builder for hand-made inputs.
const seq = (...p: Uint8Array[]): Buffer => tlv(0x30, ...p);
const octet = (b: Uint8Array): Buffer => tlv(0x04, b);
const intBytes = (hex: string): Buffer => tlv(0x02, Buffer.from(hex, 'hex'));
function oid(dotted: string): Buffer {
  const a = dotted.split('.').map(Number);
  const out: number[] = [];
  for (const v of [a[0] * 40 + a[1], ...a.slice(2)]) {
    const tmpb = [v & 0x7f];
    for (let x = Math.floor(v / 128); x > 0; x = Math.floor(x / 128)) tmpb.unshift((x & 0x7f) | 0x80);
    out.push(...tmpb);
  }
  return tlv(0x06, Buffer.from(out));
}
const OID_DATA = '1.2.840.113549.1.7.1';

/** A MAC-less PFX with one data safe holding the given bags. */
function pfxWithBags(...bags: Buffer[]): Buffer {
  const safe = seq(oid(OID_DATA), tlv(0xa0, octet(seq(...bags))));
  return seq(intBytes('03'), seq(oid(OID_DATA), tlv(0xa0, octet(seq(safe)))));
}

function shroudedKeyBag(epki: Uint8Array): Buffer {
  return seq(oid('1.2.840.113549.1.12.10.1.2'), tlv(0xa0, epki));
}

// ───────── fixtures ─────────

before(() => {
  tmp = tempDir('tlsw-p12-');
  openssl(['genpkey', ...genKeyArgs('ec'), '-out', tmp.path('ca.key')]);
  openssl(['req', '-x509', '-new', '-key', tmp.path('ca.key'), '-subj', '/CN=Test Root CA', '-days', '30', '-out', tmp.path('ca.pem')]);
  caDer = Buffer.from(new X509Certificate(read(tmp.path('ca.pem'))).raw);
  for (const t of KEY_TYPES) {
    openssl(['genpkey', ...genKeyArgs(t), '-out', tmp.path(`key-${t}.pem`)]);
    openssl(['req', '-new', '-key', tmp.path(`key-${t}.pem`), '-subj', `/CN=leaf-${t}`, '-out', tmp.path(`leaf-${t}.csr`)]);
    openssl(['x509', '-req', '-in', tmp.path(`leaf-${t}.csr`), '-CA', tmp.path('ca.pem'), '-CAkey', tmp.path('ca.key'),
      '-set_serial', '0x1234', '-days', '20', '-out', tmp.path(`leaf-${t}.pem`)]);
    leafDer[t] = Buffer.from(new X509Certificate(read(tmp.path(`leaf-${t}.pem`))).raw);
    keyPkcs8[t] = createPrivateKey(read(tmp.path(`key-${t}.pem`))).export({ type: 'pkcs8', format: 'der' });
  }
});

after(() => tmp.cleanup());

// ───────── reading what OpenSSL and Java wrote ─────────

describe('readPkcs12 with a password / inspectPkcs12 on files made by openssl pkcs12 -export', () => {
  it('modern default (AES-256 + SHA-256 MAC), RSA, with -certfile chain and -name', () => {
    const der = opensslP12('rsa', 'modern-rsa', ['-certfile', tmp.path('ca.pem'), '-name', 'My Server', '-passout', `pass:${PASSWORD}`]);
    const info = inspectPkcs12(der);
    assert.deepEqual(info, { mac: { algorithm: 'sha256', iterations: 2048 }, certEncryption: 'PBES2/aes-256-cbc', keyEncryption: 'PBES2/aes-256-cbc' });
    const opened = readPkcs12(der, PASSWORD);
    assert.deepEqual(opened.mac, info.mac);
    assert.equal(opened.certEncryption, 'PBES2/aes-256-cbc');
    assert.equal(opened.keyEncryption, 'PBES2/aes-256-cbc');
    checkLeafBags(opened.bags, 'rsa', { name: 'My Server', chain: true });
  });

  for (const t of KEY_TYPES) {
    it(`modern and -legacy files with a ${t} key`, () => {
      const modern = opensslP12(t, `m-${t}`, ['-passout', `pass:${PASSWORD}`]);
      checkLeafBags(readPkcs12(modern, PASSWORD).bags, t, {});
      const legacy = opensslP12(t, `l-${t}`, ['-legacy', '-name', `legacy ${t}`, '-passout', `pass:${PASSWORD}`]);
      const info = inspectPkcs12(legacy);
      assert.deepEqual(info, {
        mac: { algorithm: 'sha1', iterations: 2048 },
        certEncryption: 'pbeWithSHAAnd40BitRC2-CBC',
        keyEncryption: 'pbeWithSHAAnd3-KeyTripleDES-CBC',
      });
      const opened = readPkcs12(legacy, PASSWORD);
      assert.equal(opened.certEncryption, info.certEncryption);
      assert.equal(opened.keyEncryption, info.keyEncryption);
      checkLeafBags(opened.bags, t, { name: `legacy ${t}` });
    });
  }

  it('other ciphers and MAC digests', () => {
    const cases: { args: string[]; mac: string; iterations?: number; cert: string; key: string }[] = [
      { args: ['-legacy', '-keypbe', 'PBE-SHA1-2DES', '-certpbe', 'PBE-SHA1-RC2-128', '-macalg', 'sha384'], mac: 'sha384',
        cert: 'pbeWithSHAAnd128BitRC2-CBC', key: 'pbeWithSHAAnd2-KeyTripleDES-CBC' },
      { args: ['-keypbe', 'AES-128-CBC', '-certpbe', 'DES-EDE3-CBC', '-macalg', 'sha512'], mac: 'sha512',
        cert: 'PBES2/des-ede3-cbc', key: 'PBES2/aes-128-cbc' },
      { args: ['-keypbe', 'AES-192-CBC', '-certpbe', 'AES-192-CBC', '-macalg', 'sha1', '-iter', '5000'], mac: 'sha1', iterations: 5000,
        cert: 'PBES2/aes-192-cbc', key: 'PBES2/aes-192-cbc' },
      { args: ['-legacy', '-keypbe', 'PBE-SHA1-3DES', '-certpbe', 'PBE-SHA1-3DES', '-macalg', 'sha224', '-nomaciter'], mac: 'sha224', iterations: 1,
        cert: 'pbeWithSHAAnd3-KeyTripleDES-CBC', key: 'pbeWithSHAAnd3-KeyTripleDES-CBC' },
    ];
    cases.forEach((c, i) => {
      const der = opensslP12('ec', `alg-${i}`, [...c.args, '-passout', `pass:${PASSWORD}`]);
      const expected = { mac: { algorithm: c.mac, iterations: c.iterations ?? 2048 }, certEncryption: c.cert, keyEncryption: c.key };
      assert.deepEqual(inspectPkcs12(der), expected, c.args.join(' '));
      const opened = readPkcs12(der, PASSWORD);
      assert.deepEqual({ mac: opened.mac, certEncryption: opened.certEncryption, keyEncryption: opened.keyEncryption }, expected);
      checkLeafBags(opened.bags, 'ec', {});
      assertPkiError(() => readPkcs12(der, 'nope'), /^wrong PKCS#12 password \(MAC verification failed\)$/);
    });
  });

  it('-nomac: no MAC reported, opens with the password, a wrong one is still refused', () => {
    for (const legacy of [false, true]) {
      const der = opensslP12('ec', `nomac-${legacy}`, [...(legacy ? ['-legacy'] : []), '-nomac', '-passout', `pass:${PASSWORD}`]);
      const info = inspectPkcs12(der);
      assert.equal(info.mac, undefined);
      const opened = readPkcs12(der, PASSWORD);
      assert.equal(opened.mac, undefined);
      checkLeafBags(opened.bags, 'ec', {});
      assertPkiError(() => readPkcs12(der, 'wrong password'), /^wrong PKCS#12 password \(decryption failed\)$/);
    }
  });

  it('-keypbe NONE -certpbe NONE: plain safes, with and without a MAC', () => {
    const der = opensslP12('ed25519', 'plain', ['-keypbe', 'NONE', '-certpbe', 'NONE', '-name', 'plain', '-passout', `pass:${PASSWORD}`]);
    assert.deepEqual(inspectPkcs12(der), { mac: { algorithm: 'sha256', iterations: 2048 }, certEncryption: 'none', keyEncryption: 'none' });
    checkLeafBags(readPkcs12(der, PASSWORD).bags, 'ed25519', { name: 'plain' });
    assertPkiError(() => readPkcs12(der, 'x'), /MAC verification failed/);

    const open = opensslP12('ed25519', 'plain-nomac', ['-keypbe', 'NONE', '-certpbe', 'NONE', '-nomac', '-passout', `pass:${PASSWORD}`]);
    assert.deepEqual(inspectPkcs12(open), { certEncryption: 'none', keyEncryption: 'none' });
    // Nothing is protected, so any password opens it.
    checkLeafBags(readPkcs12(open, 'anything').bags, 'ed25519', {});
  });

  it('an empty password (modern and legacy)', () => {
    for (const legacy of [false, true]) {
      const der = opensslP12('rsa', `empty-${legacy}`, [...(legacy ? ['-legacy'] : []), '-passout', 'pass:']);
      checkLeafBags(readPkcs12(der, '').bags, 'rsa', {});
      assertPkiError(() => readPkcs12(der, 'not empty'), /MAC verification failed/);
    }
  });

  it('a non-ASCII password', () => {
    const pw = 'pässwörd ✓';
    for (const legacy of [false, true]) {
      const der = opensslP12('ec', `utf8-${legacy}`, [...(legacy ? ['-legacy'] : []), '-passout', `pass:${pw}`]);
      checkLeafBags(readPkcs12(der, pw).bags, 'ec', {});
    }
  });

  it('wrong password: one-line PkiError that never contains the password', () => {
    const der = opensslP12('rsa', 'wrongpw', ['-passout', `pass:${PASSWORD}`]);
    const e = assertPkiError(() => readPkcs12(der, 'my-Secret-guess'), /^wrong PKCS#12 password \(MAC verification failed\)$/);
    assert.ok(!e.message.includes('my-Secret-guess'));
    assert.ok(!e.message.includes(PASSWORD));
    // inspect needs no password and does not fail.
    assert.equal(inspectPkcs12(der).mac?.algorithm, 'sha256');
  });

  it('a keystore made by Java keytool (key pair entry + trusted certificate entry)', () => {
    const store = tmp.path('java.p12');
    const pw = tmp.path('java-pw');
    write(pw, 'javapass\n');
    const kt = (args: string[]): void => {
      execFileSync('keytool', [...JVM_FAST, ...args, '-storetype', 'PKCS12', '-keystore', store, '-storepass:file', pw], { stdio: ['pipe', 'pipe', 'pipe'] });
    };
    kt(['-genkeypair', '-alias', 'javakey', '-keyalg', 'EC', '-groupname', 'secp256r1', '-dname', 'CN=java', '-keypass:file', pw]);
    kt(['-importcert', '-noprompt', '-alias', 'trusted-root', '-file', tmp.path('ca.pem')]);
    const der = read(store);
    const info = inspectPkcs12(der);
    assert.ok(info.mac, 'Java writes a MAC');
    const opened = readPkcs12(der, 'javapass');
    const key = opened.bags.find((b) => b.type === 'private-key');
    assert.ok(key?.der);
    assert.equal(key.friendlyName, 'javakey');
    const cert = opened.bags.find((b) => b.type === 'certificate' && b.localKeyId === key.localKeyId);
    assert.ok(cert?.der);
    assert.equal(cert.friendlyName, 'javakey');
    const x = new X509Certificate(Buffer.from(cert.der));
    assert.match(x.subject, /CN=java/);
    assert.equal(spkiPem(key.der), x.publicKey.export({ type: 'spki', format: 'pem' }).toString().trim());
    const trusted = opened.bags.find((b) => b.friendlyName === 'trusted-root');
    assert.ok(trusted?.der);
    assert.deepEqual(Buffer.from(trusted.der), caDer);
    assertPkiError(() => readPkcs12(der, 'javapas'), /MAC verification failed/);
  });

  it('PBES2 with every PBKDF2 PRF (encrypted by openssl pkcs8 -v2prf), in a MAC-less PFX', () => {
    for (const prf of ['hmacWithSHA1', 'hmacWithSHA224', 'hmacWithSHA256', 'hmacWithSHA384', 'hmacWithSHA512']) {
      for (const cipher of ['aes-256-cbc', 'des3']) {
        const out = tmp.path(`epki-${prf}-${cipher}.der`);
        openssl(['pkcs8', '-topk8', '-in', tmp.path('key-ec.pem'), '-outform', 'DER', '-v2', cipher, '-v2prf', prf, '-passout', `pass:${PASSWORD}`, '-out', out]);
        const der = pfxWithBags(shroudedKeyBag(read(out)));
        const opened = readPkcs12(der, PASSWORD);
        assert.equal(opened.keyEncryption, cipher === 'des3' ? 'PBES2/des-ede3-cbc' : 'PBES2/aes-256-cbc');
        assert.equal(opened.bags.length, 1);
        assert.deepEqual(Buffer.from(opened.bags[0].der ?? []), keyPkcs8.ec, `${prf} ${cipher}`);
        assertPkiError(() => readPkcs12(der, 'bad'), /wrong PKCS#12 password/);
      }
    }
  });

  it('BER encodings (indefinite lengths, constructed OCTET STRINGs), as some exporters write', () => {
    const der = opensslP12('ec', 'ber', ['-name', 'ber', '-passout', `pass:${PASSWORD}`]);
    const ber = toBer(der, 0); // the MAC'd content is only chunked, so the MAC still verifies
    assert.notDeepEqual(ber, der);
    checkLeafBags(readPkcs12(ber, PASSWORD).bags, 'ec', { name: 'ber' });
    assertPkiError(() => readPkcs12(ber, 'bad'), /MAC verification failed/);

    const plain = opensslP12('rsa', 'ber-plain', ['-keypbe', 'NONE', '-certpbe', 'NONE', '-nomac', '-passout', 'pass:x']);
    const deep = toBer(plain, 2); // AuthenticatedSafe and SafeContents themselves BER too
    assert.deepEqual(inspectPkcs12(deep), { certEncryption: 'none', keyEncryption: 'none' });
    checkLeafBags(readPkcs12(deep, 'x').bags, 'rsa', {});
  });
});

// ───────── one reader for every entry point: password-less and BER keystores ─────────

/** Debian's python3-cryptography-vectors: PKCS#12 files written by other tools (the pkits and corpus tests use it too). */
const VECTORS_P12 = '/usr/lib/python3/dist-packages/cryptography_vectors/pkcs12';

/** A keystore made by Java keytool (key pair entry + trusted certificate entry), DER as keytool writes it. */
function keytoolStore(name: string, password: string): Buffer {
  const store = tmp.path(`${name}.p12`);
  const pw = tmp.path(`${name}-pw`);
  write(pw, `${password}\n`);
  const kt = (args: string[]): void => {
    execFileSync('keytool', [...JVM_FAST, ...args, '-storetype', 'PKCS12', '-keystore', store, '-storepass:file', pw], { stdio: ['pipe', 'pipe', 'pipe'] });
  };
  kt(['-genkeypair', '-alias', 'javakey', '-keyalg', 'EC', '-groupname', 'secp256r1', '-dname', 'CN=java', '-keypass:file', pw]);
  kt(['-importcert', '-noprompt', '-alias', 'trusted-root', '-file', tmp.path('ca.pem')]);
  return read(store);
}

/** Bags as comparable values (type, names, DER as hex). */
function bagValues(bags: RawPkcs12Bag[]): { type: string; friendlyName?: string; localKeyId?: string; der?: string }[] {
  return bags.map((b) => ({ type: b.type, friendlyName: b.friendlyName, localKeyId: b.localKeyId, der: b.der && Buffer.from(b.der).toString('hex') }));
}

describe('readPkcs12: without a password, the empty one is tried before reporting "locked"', () => {
  it('openssl -passout pass: (modern and -legacy): opened without asking, as with the empty password given', () => {
    for (const legacy of [false, true]) {
      const der = opensslP12('rsa', `nopw-${legacy}`, [...(legacy ? ['-legacy'] : []), '-name', 'nopw', '-passout', 'pass:']);
      const r = readPkcs12(der);
      assert.equal(r.decrypted, true, `legacy ${legacy}`);
      checkLeafBags(r.bags, 'rsa', { name: 'nopw' });
      assert.equal(r.mac?.algorithm, legacy ? 'sha1' : 'sha256');
      assert.equal(r.mac?.verified, undefined, 'the MAC was verified (with the empty password)');
      assert.deepEqual(bagValues(readPkcs12(der, '').bags), bagValues(r.bags));
      assertPkiError(() => readPkcs12(der, 'not empty'), /^wrong PKCS#12 password \(MAC verification failed\)$/);
    }
  });

  it('the "absent" empty password (no bytes, not 00 00) of keystores written by other libraries, encrypted bags included', () => {
    assert.ok(existsSync(VECTORS_P12), `${VECTORS_P12} is missing: apt-get install python3-cryptography-vectors (.ci/run does)`);
    // no-password.p12: RC2-40 certificates and a 3DES key, MAC and keys derived from a zero-length password.
    const der = read(join(VECTORS_P12, 'no-password.p12'));
    assert.deepEqual(inspectPkcs12(der), { mac: { algorithm: 'sha1', iterations: 1 }, certEncryption: 'pbeWithSHAAnd40BitRC2-CBC', keyEncryption: 'pbeWithSHAAnd3-KeyTripleDES-CBC' });
    const r = readPkcs12(der);
    assert.equal(r.decrypted, true);
    const cert = r.bags.find((b) => b.type === 'certificate');
    const key = r.bags.find((b) => b.type === 'private-key');
    assert.ok(cert?.der && key?.der);
    assert.equal(spkiPem(key.der), new X509Certificate(Buffer.from(cert.der)).publicKey.export({ type: 'spki', format: 'pem' }).toString().trim());
    assert.equal(readPkcs12(der, '').decrypted, true, 'an empty password file opens it too');
    // openssl (referee) opens it with the empty password as well.
    const pem = opensslAll(['pkcs12', '-in', join(VECTORS_P12, 'no-password.p12'), '-passin', 'pass:', '-nokeys', '-provider', 'legacy', '-provider', 'default']);
    assert.deepEqual(pemBlocks(pem).map((b) => b.der.toString('hex')), [Buffer.from(cert.der).toString('hex')]);
  });

  it('-nomac with the empty password, and keystores whose bags are not encrypted', () => {
    const nomac = opensslP12('ec', 'nopw-nomac', ['-nomac', '-passout', 'pass:']);
    const a = readPkcs12(nomac);
    assert.equal(a.decrypted, true);
    assert.equal(a.mac, undefined);
    checkLeafBags(a.bags, 'ec', {});

    const open = opensslP12('ed25519', 'nopw-plain', ['-keypbe', 'NONE', '-certpbe', 'NONE', '-nomac', '-passout', `pass:${PASSWORD}`]);
    const b = readPkcs12(open);
    assert.equal(b.decrypted, true);
    assert.deepEqual([b.certEncryption, b.keyEncryption], ['none', 'none']);
    checkLeafBags(b.bags, 'ed25519', {});

    // Plain bags under a MAC keyed by a real password (what -nomacver reads): listed, the MAC reported unverified.
    const macd = opensslP12('ed25519', 'nopw-plain-mac', ['-keypbe', 'NONE', '-certpbe', 'NONE', '-name', 'plain', '-passout', `pass:${PASSWORD}`]);
    const c = readPkcs12(macd);
    assert.equal(c.decrypted, true);
    assert.deepEqual(c.mac, { algorithm: 'sha256', iterations: 2048, verified: false });
    checkLeafBags(c.bags, 'ed25519', { name: 'plain' });
    assert.equal(readPkcs12(macd, PASSWORD).mac?.verified, undefined, 'with its password the MAC is checked');
    assertPkiError(() => readPkcs12(macd, 'wrong'), /MAC verification failed/);
  });

  it('a keystore with a real password stays locked: its outer facts, no bags; the password opens it', () => {
    for (const legacy of [false, true]) {
      const der = opensslP12('ec', `locked-${legacy}`, [...(legacy ? ['-legacy'] : []), '-passout', `pass:${PASSWORD}`]);
      assert.deepEqual(readPkcs12(der), { ...inspectPkcs12(der), decrypted: false, bags: [] });
      const r = readPkcs12(der, PASSWORD);
      assert.equal(r.decrypted, true);
      checkLeafBags(r.bags, 'ec', {});
    }
    const nomac = opensslP12('ec', 'locked-nomac', ['-nomac', '-passout', `pass:${PASSWORD}`]);
    assert.equal(readPkcs12(nomac).decrypted, false);
    assert.equal(readPkcs12(nomac).mac, undefined);
  });

  it('trying without a password is bounded: expensive or unsupported keystores come back locked, not failed', () => {
    // A MAC with 2^31-1 iterations: locked (readPkcs12 with a password refuses it, see below).
    const der = opensslP12('ec', 'probe-iter', ['-passout', 'pass:']);
    const top = children(der, readRoot(der));
    const [digestInfo, salt] = children(der, top[2]);
    const evil = seq(der.subarray(top[0].start, top[0].end), der.subarray(top[1].start, top[1].end),
      seq(der.subarray(digestInfo.start, digestInfo.end), der.subarray(salt.start, salt.end), intBytes('7fffffff')));
    const r = readPkcs12(evil);
    assert.equal(r.decrypted, false);
    assert.equal(r.mac?.iterations, 0x7fffffff);
    assertPkiError(() => readPkcs12(evil, ''), /MAC iteration count 2147483647 exceeds the supported maximum/);

    // An empty-password keystore needing more key derivation than the probe allows: locked until the empty password is given.
    const heavy = opensslP12('ec', 'probe-heavy', ['-iter', '500000', '-passout', 'pass:']);
    assert.equal(readPkcs12(heavy).decrypted, false);
    checkLeafBags(readPkcs12(heavy, '').bags, 'ec', {});

    // An unsupported key protection (RC4) in a MAC-less keystore: locked, with the scheme named.
    const rc4 = seq(oid('1.2.840.113549.1.12.1.1'), seq(octet(randomBytes(8)), intBytes('0800')));
    const unsupported = pfxWithBags(shroudedKeyBag(seq(rc4, octet(randomBytes(64)))));
    assert.deepEqual(readPkcs12(unsupported), { keyEncryption: 'pbeWithSHAAnd128BitRC4', decrypted: false, bags: [] });
    assertPkiError(() => readPkcs12(unsupported, ''), /unsupported encryption algorithm pbeWithSHAAnd128BitRC4/);
  });

  it('a broken file is an error with or without a password, never "locked"', () => {
    const der = opensslP12('ec', 'broken', ['-passout', 'pass:']);
    for (const cut of [10, Math.floor(der.length / 2), der.length - 1]) {
      assertPkiError(() => readPkcs12(der.subarray(0, cut)), /^PKCS#12: /);
    }
    assertPkiError(() => readPkcs12(new Uint8Array(0)), /empty/);
    assertPkiError(() => readPkcs12(leafDer.ec), /PKCS#12/);
  });
});

describe('BER keystores (indefinite lengths, chunked OCTET STRINGs): the same reader as DER', () => {
  it('looksLikePkcs12: DER and BER PFX headers yes, other structures no', () => {
    const der = opensslP12('ec', 'sniff', ['-passout', `pass:${PASSWORD}`]);
    const ber = toBer(der, 0);
    assert.equal(ber[1], 0x80, 'indefinite length at the top');
    assert.equal(looksLikePkcs12(der), true);
    assert.equal(looksLikePkcs12(ber), true);
    assert.equal(looksLikePkcs12(ber.subarray(0, 64), ber.length), true, 'a BER head alone is enough');
    assert.equal(looksLikePkcs12(der.subarray(0, 64), der.length), true, 'a DER head whose length spans the file');
    assert.equal(looksLikePkcs12(der.subarray(0, 64), der.length + 1), false, 'a DER length that does not span the file');
    assert.equal(looksLikePkcs12(Buffer.concat([der, Buffer.from([0])])), false);
    assert.equal(looksLikePkcs12(leafDer.ec), false);
    assert.equal(looksLikePkcs12(keyPkcs8.rsa), false);
    assert.equal(looksLikePkcs12(Buffer.from('308002010230', 'hex')), false, 'version 2 is not a PFX');
    assert.equal(looksLikePkcs12(new Uint8Array(0)), false);
  });

  it('a keytool keystore re-encoded as BER opens like the DER one, with the password and locked without', () => {
    const der = keytoolStore('kt-ber', 'javapass');
    const ber = toBer(der, 0);
    assert.notDeepEqual(ber, der);
    const fromDer = readPkcs12(der, 'javapass');
    const fromBer = readPkcs12(ber, 'javapass');
    assert.equal(fromBer.decrypted, true);
    assert.deepEqual(bagValues(fromBer.bags), bagValues(fromDer.bags));
    assert.ok(fromBer.bags.some((b) => b.type === 'private-key' && b.friendlyName === 'javakey' && b.der));
    const locked = readPkcs12(ber);
    assert.deepEqual(locked, { ...inspectPkcs12(der), decrypted: false, bags: [] });
    assertPkiError(() => readPkcs12(ber, 'javapas'), /MAC verification failed/);
  });

  it('BER all the way down (AuthenticatedSafe and SafeContents too), password-less', () => {
    const plain = opensslP12('rsa', 'ber-deep', ['-keypbe', 'NONE', '-certpbe', 'NONE', '-nomac', '-passout', 'pass:']);
    const deep = toBer(plain, 2);
    const r = readPkcs12(deep);
    assert.equal(r.decrypted, true);
    checkLeafBags(r.bags, 'rsa', {});
  });
});

describe('through tlsw (the bundled CLI)', () => {
  let dir: ReturnType<typeof tempDir>;
  before(() => {
    dir = tempDir('tlsw-p12-cli-');
    write(dir.path('empty.pw'), '');
    write(dir.path('java.pw'), 'javapass\n');
    write(dir.path('p12.pw'), `${PASSWORD}\n`);
    write(dir.path('nopw.p12'), opensslP12('ec', 'cli-nopw', ['-name', 'nopw', '-passout', 'pass:']));
    write(dir.path('locked.p12'), opensslP12('ec', 'cli-locked', ['-passout', `pass:${PASSWORD}`]));
    write(dir.path('java-ber.p12'), toBer(keytoolStore('cli-kt', 'javapass'), 0));
  });
  after(() => dir.cleanup());

  const json = (r: { stdout: string }): { kind: string; decrypted?: boolean; bags?: { type: string; friendlyName?: string }[] }[] => JSON.parse(r.stdout);

  it('tlsw inspect opens a password-less keystore without --password-file, and accepts an empty password file', async () => {
    const [a] = json(await tlswOk(['inspect', '--json', dir.path('nopw.p12')]));
    assert.equal(a.kind, 'pkcs12');
    assert.equal(a.decrypted, true);
    assert.deepEqual(a.bags?.map((b) => b.type).sort(), ['certificate', 'private-key']);
    const [b] = json(await tlswOk(['inspect', '--json', '--password-file', dir.path('empty.pw'), dir.path('nopw.p12')]));
    assert.equal(b.decrypted, true);
    const [c] = json(await tlswOk(['inspect', '--json', '--password-file', '-', dir.path('nopw.p12')], { input: '\n' }));
    assert.equal(c.decrypted, true);
    const [d] = json(await tlswOk(['inspect', '--json', dir.path('locked.p12')]));
    assert.equal(d.decrypted, false);
    const text = await tlswOk(['inspect', dir.path('locked.p12')]);
    assert.match(text.stdout, /Contents:\s+locked/);
    assertOneLineFailure(await tlsw(['inspect', '--password-file', dir.path('empty.pw'), dir.path('locked.p12')]), /locked\.p12: DER PKCS#12 keystore: wrong PKCS#12 password/);
  });

  it('tlsw inspect reads a BER keystore (keytool store re-encoded), like tlsw p12 import', async () => {
    const [a] = json(await tlswOk(['inspect', '--json', '--password-file', dir.path('java.pw'), dir.path('java-ber.p12')]));
    assert.equal(a.kind, 'pkcs12');
    assert.equal(a.decrypted, true);
    assert.ok(a.bags?.some((b) => b.type === 'private-key' && b.friendlyName === 'javakey'));
    const [b] = json(await tlswOk(['inspect', '--json', dir.path('java-ber.p12')]));
    assert.equal(b.decrypted, false);
    await tlswOk(['p12', 'import', dir.path('java-ber.p12'), '--password-file', dir.path('java.pw'), '--out-dir', dir.dir]);
    assert.match(openssl(['x509', '-in', dir.path('javakey.crt'), '-noout', '-subject']), /CN\s*=\s*java/);
    assert.equal(openssl(['pkey', '-in', dir.path('javakey.key'), '-pubout']), openssl(['x509', '-in', dir.path('javakey.crt'), '-noout', '-pubkey']));
  });

  it('tlsw p12 import without --password-file opens a password-less keystore, refuses a protected one in one line', async () => {
    const out = tempDir('tlsw-p12-imp-');
    try {
      await tlswOk(['p12', 'import', dir.path('nopw.p12'), '--out-dir', out.dir]);
      assert.equal(openssl(['pkey', '-in', out.path('nopw.key'), '-pubout']).trim(), opensslPub('ec'));
      await tlswOk(['p12', 'import', dir.path('nopw.p12'), '--password-file', dir.path('empty.pw'), '--out-dir', out.dir, '--force']);
      assertOneLineFailure(await tlsw(['p12', 'import', dir.path('locked.p12'), '--out-dir', out.dir]), /locked\.p12: the keystore is password-protected; give its password with --password-file/);
    } finally {
      out.cleanup();
    }
  });

  it('tlsw p12 export takes an empty password file (openssl opens the result with pass:); a new encrypted key still refuses one', async () => {
    const out = dir.path('exported-nopw.p12');
    await tlswOk(['p12', 'export', '--cert', tmp.path('leaf-ec.pem'), '--key', tmp.path('key-ec.pem'), '--password-file', dir.path('empty.pw'), '-o', out]);
    const keyOut = opensslAll(['pkcs12', '-in', out, '-passin', 'pass:', '-nocerts', '-nodes']);
    assert.equal(spkiPem(pemBlocks(keyOut)[0].der), opensslPub('ec'));
    const [a] = json(await tlswOk(['inspect', '--json', out]));
    assert.equal(a.decrypted, true, 'and tlsw opens it without asking');
    assertOneLineFailure(await tlsw(['key', '--type', 'ec', '--passphrase-file', dir.path('empty.pw'), '-o', dir.path('new.key')]), /the passphrase file is empty/);
  });

  it('tlsw scan lists BER and password-less keystores, and only locked ones as encrypted', async () => {
    const rows = JSON.parse((await tlswOk(['scan', '--json', dir.dir])).stdout) as { file: string; kind: string | null; encrypted?: boolean; problems?: string[] }[];
    const byFile = (name: string) => rows.find((r) => r.file.endsWith(name));
    assert.equal(byFile('java-ber.p12')?.kind, 'pkcs12', JSON.stringify(rows));
    assert.equal(byFile('java-ber.p12')?.encrypted, true);
    assert.equal(byFile('locked.p12')?.encrypted, true);
    assert.equal(byFile('nopw.p12')?.kind, 'pkcs12');
    assert.equal(byFile('nopw.p12')?.encrypted, false);
  });
});

describe('bad input never escapes as anything but PkiError, never hangs', () => {
  it('empty, garbage, truncated, non-PFX DER', () => {
    assertPkiError(() => inspectPkcs12(new Uint8Array(0)), /empty/);
    assertPkiError(() => readPkcs12(new Uint8Array(0), 'x'), /empty/);
    assertPkiError(() => inspectPkcs12(randomBytes(500)));
    assertPkiError(() => readPkcs12(Buffer.from('not a pfx at all'), 'x'));
    assertPkiError(() => inspectPkcs12(leafDer.ec), /PKCS#12/);
    const der = opensslP12('ec', 'trunc', ['-passout', `pass:${PASSWORD}`]);
    for (const cut of [1, 2, 4, 10, 50, 100, 300, Math.floor(der.length / 2), der.length - 40, der.length - 1]) {
      assertPkiError(() => readPkcs12(der.subarray(0, cut), PASSWORD), /PKCS#12/);
      assertPkiError(() => inspectPkcs12(der.subarray(0, cut)), /PKCS#12/);
    }
  });

  it('absurd iteration counts are refused by the per-key cap before any derivation runs', () => {
    // Counted, not timed: every derivation is charged to the work budget before it runs, so a refusal by the cap
    // with nothing charged means no derivation was started.
    // MAC iterations: rebuild an openssl PFX with 2^31-1 MAC iterations.
    const der = opensslP12('ec', 'iter', ['-passout', `pass:${PASSWORD}`]);
    const top = children(der, readRoot(der));
    const [digestInfo, salt] = children(der, top[2]);
    const evil = seq(der.subarray(top[0].start, top[0].end), der.subarray(top[1].start, top[1].end),
      seq(der.subarray(digestInfo.start, digestInfo.end), der.subarray(salt.start, salt.end), intBytes('7fffffff')));
    assert.equal(inspectPkcs12(evil).mac?.iterations, 0x7fffffff, 'inspect reports it without deriving anything');
    let budget = WorkBudget.forCommand();
    assertPkiError(() => readPkcs12(evil, PASSWORD, budget), /MAC iteration count 2147483647 exceeds the supported maximum of 1,000,000$/);
    assert.equal(budget.used, 0, 'no key-derivation work charged');
    // The same keystore with its own MAC count opens, and its derivations are charged: the zero above means something.
    budget = WorkBudget.forCommand();
    readPkcs12(der, PASSWORD, budget);
    assert.ok(budget.used > 0);

    // PBKDF2 iterations in a shrouded key bag.
    const pbes2 = seq(oid('1.2.840.113549.1.5.13'), seq(
      seq(oid('1.2.840.113549.1.5.12'), seq(octet(randomBytes(8)), intBytes('05f5e0ff'), seq(oid('1.2.840.113549.2.9'), tlv(0x05)))),
      seq(oid('2.16.840.1.101.3.4.1.42'), octet(randomBytes(16)))));
    const bad = pfxWithBags(shroudedKeyBag(seq(pbes2, octet(randomBytes(64)))));
    assert.equal(inspectPkcs12(bad).keyEncryption, 'PBES2/aes-256-cbc');
    budget = WorkBudget.forCommand();
    assertPkiError(() => readPkcs12(bad, 'x', budget), /PBKDF2 iteration count 99999999 exceeds the supported maximum of 10,000,000$/);
    assert.equal(budget.used, 0, 'no key-derivation work charged');
  });

  it('unsupported schemes give a clear error', () => {
    const rc4 = seq(oid('1.2.840.113549.1.12.1.1'), seq(octet(randomBytes(8)), intBytes('0800')));
    const der = pfxWithBags(shroudedKeyBag(seq(rc4, octet(randomBytes(64)))));
    assertPkiError(() => readPkcs12(der, 'x'), /^PKCS#12: unsupported encryption algorithm pbeWithSHAAnd128BitRC4$/);
    const signed = seq(intBytes('03'), seq(oid('1.2.840.113549.1.7.2'), tlv(0xa0, seq())));
    assertPkiError(() => inspectPkcs12(signed), /signedData/);
  });

  it('random mutations of valid files: a result or a PkiError, nothing else', () => {
    const files = [
      opensslP12('ec', 'fz-plain', ['-keypbe', 'NONE', '-certpbe', 'NONE', '-nomac', '-passout', 'pass:x']),
      opensslP12('ec', 'fz-nomac', ['-nomac', '-iter', '1', '-passout', 'pass:x']),
      opensslP12('rsa', 'fz-legacy', ['-legacy', '-nomac', '-iter', '1', '-passout', 'pass:x']),
      opensslP12('ed25519', 'fz-mac', ['-iter', '1', '-nomaciter', '-passout', 'pass:x']),
    ];
    const next = prng(12345);
    const rnd = (n: number): number => Math.floor(next() * n);
    let ok = 0;
    let errors = 0;
    for (let i = 0; i < 400; i++) {
      const base = files[i % files.length];
      const m = Buffer.from(base);
      const edits = 1 + rnd(4);
      for (let k = 0; k < edits; k++) m[rnd(m.length)] = rnd(256);
      const input = rnd(10) === 0 ? m.subarray(0, rnd(m.length)) : m;
      for (const fn of [() => inspectPkcs12(input), () => readPkcs12(input, 'x')]) {
        try {
          fn();
          ok++;
        } catch (e) {
          assert.ok(e instanceof PkiError, `mutation ${i}: ${String(e)}`);
          assert.ok(!(e as Error).message.includes('\n'));
          errors++;
        }
      }
    }
    assert.ok(errors > 0 && ok > 0, `both outcomes seen (ok ${ok}, errors ${errors})`);
  });
});

// ───────── writing: checked by openssl, keytool and our own reader ─────────

describe('exportPkcs12', () => {
  it('modern (default): openssl shows AES-256-CBC + SHA-256 MAC and returns the same cert, chain and key', () => {
    const der = exportPkcs12({ certificate: leafDer.rsa, privateKeyPkcs8: keyPkcs8.rsa, chain: [caDer], password: PASSWORD, friendlyName: 'TLSW Server' });
    const file = tmp.path('out-modern.p12');
    write(file, der);
    const info = opensslAll(['pkcs12', '-info', '-noout', '-in', file, '-passin', `pass:${PASSWORD}`]);
    assert.match(info, /MAC: sha256, Iteration 2048/);
    assert.match(info, /PKCS7 Encrypted data: PBES2, PBKDF2, AES-256-CBC, Iteration 2048, PRF hmacWithSHA256/);
    assert.match(info, /Shrouded Keybag: PBES2, PBKDF2, AES-256-CBC, Iteration 2048, PRF hmacWithSHA256/);
    const text = openssl(['pkcs12', '-in', file, '-nodes', '-passin', `pass:${PASSWORD}`]);
    assert.match(text, /friendlyName: TLSW Server/);
    assert.match(text, new RegExp(`localKeyID: ${sha1Hex(leafDer.rsa).toUpperCase().replace(/(..)(?!$)/g, '$1 ')}`));
    const blocks = pemBlocks(text);
    assert.deepEqual(blocks.filter((b) => b.label === 'CERTIFICATE').map((b) => b.der), [leafDer.rsa, caDer]);
    assert.deepEqual(blocks.filter((b) => b.label === 'PRIVATE KEY').map((b) => b.der), [keyPkcs8.rsa]);
    assert.throws(() => opensslAll(['pkcs12', '-info', '-noout', '-in', file, '-passin', 'pass:wrong']), /mac verify/i);
  });

  it('legacy: openssl shows RC2-40 / 3DES + SHA-1 MAC and returns the same cert and key', () => {
    const der = exportPkcs12({ certificate: leafDer.ec, privateKeyPkcs8: keyPkcs8.ec, password: PASSWORD, friendlyName: 'old', legacy: true });
    const file = tmp.path('out-legacy.p12');
    write(file, der);
    const info = opensslAll(['pkcs12', '-legacy', '-info', '-noout', '-in', file, '-passin', `pass:${PASSWORD}`]);
    assert.match(info, /MAC: sha1, Iteration 2048/);
    assert.match(info, /PKCS7 Encrypted data: pbeWithSHA1And40BitRC2-CBC, Iteration 2048/);
    assert.match(info, /Shrouded Keybag: pbeWithSHA1And3-KeyTripleDES-CBC, Iteration 2048/);
    const blocks = pemBlocks(openssl(['pkcs12', '-legacy', '-in', file, '-nodes', '-passin', `pass:${PASSWORD}`]));
    assert.deepEqual(blocks.filter((b) => b.label === 'CERTIFICATE').map((b) => b.der), [leafDer.ec]);
    assert.deepEqual(blocks.filter((b) => b.label === 'PRIVATE KEY').map((b) => b.der), [keyPkcs8.ec]);
  });

  for (const t of KEY_TYPES) {
    it(`readPkcs12 reads back its own output (${t}, both modes, empty and non-ASCII passwords, custom iterations)`, () => {
      for (const legacy of [false, true]) {
        for (const password of ['', 'pässwörd ✓', PASSWORD]) {
          const der = exportPkcs12({ certificate: leafDer[t], privateKeyPkcs8: keyPkcs8[t], chain: [caDer], password, friendlyName: `n-${t}`, legacy, iterations: 3000 });
          const opened = readPkcs12(der, password);
          assert.deepEqual(opened.mac, { algorithm: legacy ? 'sha1' : 'sha256', iterations: 3000 });
          assert.equal(opened.certEncryption, legacy ? 'pbeWithSHAAnd40BitRC2-CBC' : 'PBES2/aes-256-cbc');
          assert.equal(opened.keyEncryption, legacy ? 'pbeWithSHAAnd3-KeyTripleDES-CBC' : 'PBES2/aes-256-cbc');
          checkLeafBags(opened.bags, t, { name: `n-${t}`, chain: true });
          assert.deepEqual(Buffer.from(opened.bags.find((b) => b.type === 'private-key')?.der ?? []), keyPkcs8[t]);
          assertPkiError(() => readPkcs12(der, `${password}!`), /MAC verification failed/);
        }
      }
    });
  }

  it('openssl opens our files with an empty and a non-ASCII password, and without -name', () => {
    for (const password of ['', 'pässwörd ✓']) {
      for (const legacy of [false, true]) {
        const file = tmp.path(`out-pw-${legacy}-${password.length}.p12`);
        write(file, exportPkcs12({ certificate: leafDer.ed25519, privateKeyPkcs8: keyPkcs8.ed25519, password, legacy }));
        const text = openssl(['pkcs12', ...(legacy ? ['-legacy'] : []), '-in', file, '-nodes', '-passin', `pass:${password}`]);
        assert.doesNotMatch(text, /friendlyName/);
        assert.deepEqual(pemBlocks(text).filter((b) => b.label === 'PRIVATE KEY').map((b) => b.der), [keyPkcs8.ed25519]);
      }
    }
  });

  it('Java keytool lists a PrivateKeyEntry under the friendly name (both modes)', async () => {
    // Java quirk: PKCS12 aliases are case-insensitive and keytool shows them lower-cased.
    const modern = tmp.path('kt-modern.p12');
    write(modern, exportPkcs12({ certificate: leafDer.rsa, privateKeyPkcs8: keyPkcs8.rsa, chain: [caDer], password: PASSWORD, friendlyName: 'TLSW Server' }));
    const others = [['ec', true], ['ed25519', false]] as const;
    const files = others.map(([t, legacy]) => {
      const file = tmp.path(`kt-${t}-${legacy}.p12`);
      write(file, exportPkcs12({ certificate: leafDer[t], privateKeyPkcs8: keyPkcs8[t], password: PASSWORD, friendlyName: `client-${t}`, legacy }));
      return file;
    });
    const [v, ...lists] = await Promise.all([keytoolList(modern, PASSWORD, true), ...files.map((f) => keytoolList(f, PASSWORD))]);
    assert.match(v, /Your keystore contains 1 entry/);
    assert.match(v, /Alias name: tlsw server\n/);
    assert.match(v, /Entry type: PrivateKeyEntry/);
    assert.match(v, /Certificate chain length: 2/);
    others.forEach(([t, legacy], i) => {
      assert.match(lists[i], new RegExp(`^client-${t}, .*, PrivateKeyEntry,`, 'm'), `${t} legacy=${legacy}`);
    });
  });

  it('sets localKeyId = SHA-1(certificate) on both the key and the leaf, and only the leaf certificate', () => {
    const opened = readPkcs12(exportPkcs12({ certificate: leafDer.ec, privateKeyPkcs8: keyPkcs8.ec, chain: [caDer], password: 'p' }), 'p');
    assert.deepEqual(opened.bags.map((b) => [b.type, b.localKeyId, b.friendlyName]), [
      ['certificate', sha1Hex(leafDer.ec), undefined],
      ['certificate', undefined, undefined],
      ['private-key', sha1Hex(leafDer.ec), undefined],
    ]);
  });

  it('refuses bad input with a PkiError', () => {
    const base = { certificate: leafDer.ec, privateKeyPkcs8: keyPkcs8.ec, password: PASSWORD };
    assertPkiError(() => exportPkcs12({ ...base, privateKeyPkcs8: keyPkcs8.rsa }), /does not match the certificate/);
    assertPkiError(() => exportPkcs12({ ...base, certificate: leafDer.rsa }), /does not match the certificate/);
    assertPkiError(() => exportPkcs12({ ...base, certificate: randomBytes(40) }), /certificate is not valid DER/);
    assertPkiError(() => exportPkcs12({ ...base, privateKeyPkcs8: new Uint8Array(0) }), /private key is missing/);
    assertPkiError(() => exportPkcs12({ ...base, chain: [Buffer.from([0x30, 0x05, 0x01])] }), /chain certificate 1 is not valid DER/);
    assertPkiError(() => exportPkcs12({ ...base, iterations: 0 }), /iterations/);
    assertPkiError(() => exportPkcs12({ ...base, iterations: 5_000_000 }), /iterations/);
    assertPkiError(() => exportPkcs12({ ...base, password: undefined as unknown as string }), /password is required/);
  });
});
