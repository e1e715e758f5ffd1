// Private and public key decoding, conversion and decryption, with the real `openssl` as the referee:
// every key here is made by openssl, and every public key hash is compared with what openssl derives.

import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import {
  decodeLegacyEncryptedKey,
  decodePrivateKey,
  decodePublicKey,
  decryptPrivateKey,
  publicKeyOf,
  spkiOfPrivateKey,
  toPkcs8,
} from '../../src/core/objects/keys';
import type { PrivateKeyHint } from '../../src/core/objects/keys';
import { PkiError } from '../../src/core/model';
import { assertOneLineFailure, tlsw, tlswOk } from '../helpers/tlsw';
import { openssl, opensslBytes, read, tempDir, write } from '../helpers/tools';

const WRONG = 'wrong passphrase (or the key is corrupted)';
const PASS = 'Correct-Horse-7';
const BAD_PASS = 'Battery-Staple-9!';
const LEGACY = ['-provider', 'legacy', '-provider', 'default'];

const tmp = tempDir('tlsw-keys-');
after(() => tmp.cleanup());

const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');
const same = (a: Uint8Array, b: Uint8Array): boolean => Buffer.compare(Buffer.from(a), Buffer.from(b)) === 0;

/** A minimal PEM reader for the tests (the product's own is tested elsewhere). */
function pem(text: string): { label: string; headers: Record<string, string>; der: Buffer } {
  const lines = text.split(/\r?\n/);
  const begin = lines.findIndex((l) => l.startsWith('-----BEGIN '));
  const label = /^-----BEGIN (.+)-----$/.exec(lines[begin])![1];
  const headers: Record<string, string> = {};
  let i = begin + 1;
  for (; i < lines.length; i++) {
    const m = /^([A-Za-z-]+): *(.*)$/.exec(lines[i]);
    if (!m) break;
    headers[m[1]] = m[2];
  }
  const end = lines.findIndex((l, n) => n > i && l.startsWith('-----END '));
  return { label, headers, der: Buffer.from(lines.slice(i, end).join(''), 'base64') };
}

/** Asserts `fn` throws a PkiError (not a raw exception) and returns its message. */
function pkiError(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof PkiError, `expected a PkiError, got ${String(e)}`);
    assert.ok(!e.message.includes('\n'), 'one line');
    return e.message;
  }
  assert.fail('expected a PkiError');
}

interface Ref {
  spkiSha256: string;
  spki: Buffer;
  bits?: number;
  nistCurve?: string;
  pkcs8: Buffer;
}

/** What openssl says about a key file: SPKI (and its hash), size, NIST curve, plain PKCS#8 DER. */
function reference(file: string): Ref {
  const spki = opensslBytes(['pkey', '-in', file, '-pubout', '-outform', 'DER']);
  const text = openssl(['pkey', '-in', file, '-text', '-noout']);
  const bits = /Private-Key: \((\d+) bit/.exec(text);
  const curve = /NIST CURVE: (\S+)/.exec(text);
  return {
    spki,
    spkiSha256: sha256(spki),
    bits: bits ? Number(bits[1]) : undefined,
    nistCurve: curve ? curve[1] : undefined,
    pkcs8: opensslBytes(['pkcs8', '-topk8', '-nocrypt', '-in', file, '-outform', 'DER']),
  };
}

interface KeyCase {
  name: string;
  algorithm: string;
  size: number;
  curve?: string;
  /** Traditional form: `pkcs1` (RSA, DSA) or `sec1` (EC), when the algorithm has one. */
  traditional?: 'pkcs1' | 'sec1';
  file: string;
  ref: Ref;
  traditionalDer?: Buffer;
}

const cases: KeyCase[] = [];

before(() => {
  const gen = (name: string, args: string[]): string => {
    const file = tmp.path(`${name}.pem`);
    openssl(['genpkey', ...args, '-out', file]);
    return file;
  };
  const add = (c: Omit<KeyCase, 'file' | 'ref'>, args: string[]): void => {
    const file = gen(c.name, args);
    const kc: KeyCase = { ...c, file, ref: reference(file) };
    if (c.traditional === 'pkcs1' && c.algorithm === 'RSA') kc.traditionalDer = opensslBytes(['rsa', '-in', file, '-traditional', '-outform', 'DER']);
    if (c.traditional === 'pkcs1' && c.algorithm === 'DSA') kc.traditionalDer = pem(openssl(['pkey', '-in', file, '-traditional'])).der;
    if (c.traditional === 'sec1') kc.traditionalDer = opensslBytes(['ec', '-in', file, '-outform', 'DER']);
    cases.push(kc);
  };
  add({ name: 'rsa2048', algorithm: 'RSA', size: 2048, traditional: 'pkcs1' }, ['-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048']);
  add({ name: 'rsa-pss', algorithm: 'RSA', size: 2048 }, ['-algorithm', 'RSA-PSS', '-pkeyopt', 'rsa_keygen_bits:2048']);
  add({ name: 'p256', algorithm: 'EC', size: 256, curve: 'P-256', traditional: 'sec1' }, ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256']);
  add({ name: 'p384', algorithm: 'EC', size: 384, curve: 'P-384', traditional: 'sec1' }, ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-384']);
  add({ name: 'p521', algorithm: 'EC', size: 521, curve: 'P-521', traditional: 'sec1' }, ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-521']);
  add({ name: 'k256', algorithm: 'EC', size: 256, curve: 'secp256k1', traditional: 'sec1' }, ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:secp256k1']);
  add({ name: 'ed25519', algorithm: 'Ed25519', size: 256 }, ['-algorithm', 'ED25519']);
  add({ name: 'ed448', algorithm: 'Ed448', size: 456 }, ['-algorithm', 'ED448']);
  add({ name: 'x25519', algorithm: 'X25519', size: 256 }, ['-algorithm', 'X25519']);
  const dsaParams = tmp.path('dsa-params.pem');
  openssl(['genpkey', '-genparam', '-algorithm', 'DSA', '-pkeyopt', 'dsa_paramgen_bits:1024', '-out', dsaParams]);
  add({ name: 'dsa1024', algorithm: 'DSA', size: 1024, traditional: 'pkcs1' }, ['-paramfile', dsaParams]);
});

const byName = (name: string): KeyCase => cases.find((c) => c.name === name)!;

describe('plain private keys', () => {
  it('PKCS#8 DER of every key type: algorithm, size, curve and the SPKI hash openssl derives', () => {
    assert.equal(cases.length, 10);
    for (const c of cases) {
      for (const hint of [undefined, 'pkcs8'] as const) {
        const m = decodePrivateKey(c.ref.pkcs8, hint);
        assert.equal(m.kind, 'private-key');
        assert.equal(m.format, 'pkcs8', c.name);
        assert.equal(m.encrypted, false);
        assert.equal(m.encryption, undefined);
        assert.ok(m.publicKey, c.name);
        assert.equal(m.publicKey.algorithm, c.algorithm, c.name);
        assert.equal(m.publicKey.size, c.size, c.name);
        if (c.ref.bits !== undefined) assert.equal(m.publicKey.size, c.ref.bits, `${c.name}: openssl's size`);
        assert.equal(m.publicKey.curve, c.curve, c.name);
        if (c.ref.nistCurve) assert.equal(m.publicKey.curve, c.ref.nistCurve);
        assert.equal(m.publicKey.spkiSha256, c.ref.spkiSha256, `${c.name}: SPKI hash`);
      }
    }
    assert.equal(decodePrivateKey(byName('rsa2048').ref.pkcs8).publicKey?.exponent, 65537);
  });

  it('traditional PKCS#1 (RSA, DSA) and SEC1 (EC) keys, sniffed and hinted', () => {
    for (const c of cases.filter((k) => k.traditional)) {
      const der = c.traditionalDer!;
      const hints: (PrivateKeyHint | undefined)[] = [undefined, c.traditional];
      for (const hint of hints) {
        const m = decodePrivateKey(der, hint);
        assert.equal(m.format, c.traditional, c.name);
        assert.equal(m.publicKey?.algorithm, c.algorithm);
        assert.equal(m.publicKey?.size, c.size);
        assert.equal(m.publicKey?.curve, c.curve);
        assert.equal(m.publicKey?.spkiSha256, c.ref.spkiSha256, `${c.name}: SPKI hash`);
      }
    }
  });

  it('a label that disagrees with the data is reported, saying what the data is', () => {
    const rsa = byName('rsa2048');
    assert.match(pkiError(() => decodePrivateKey(rsa.ref.pkcs8, 'pkcs1')), /^private key: expected a PKCS#1 RSA private key but the data is a PKCS#8 private key$/);
    assert.match(pkiError(() => decodePrivateKey(rsa.traditionalDer!, 'sec1')), /the data is a PKCS#1 RSA private key/);
    assert.match(pkiError(() => decodePrivateKey(byName('p256').traditionalDer!, 'encrypted-pkcs8')), /the data is a SEC1 EC private key/);
  });

  it('SEC1 with explicit curve parameters (-param_enc explicit) is read: curve, size and SPKI hash', () => {
    for (const [curve, name] of [['P-256', 'prime256v1'], ['P-384', 'secp384r1']]) {
      const file = tmp.path(`explicit-${name}.pem`);
      openssl(['ecparam', '-name', name, '-genkey', '-noout', '-param_enc', 'explicit', '-out', file]);
      const der = opensslBytes(['ec', '-in', file, '-outform', 'DER']);
      const spki = opensslBytes(['pkey', '-in', file, '-pubout', '-outform', 'DER']);
      const m = decodePrivateKey(der, 'sec1');
      assert.equal(m.publicKey?.algorithm, 'EC');
      assert.equal(m.publicKey?.curve, curve);
      assert.equal(m.publicKey?.explicitParameters, true);
      assert.equal(m.publicKey?.size, Number(curve.slice(2)));
      assert.equal(m.publicKey?.spkiSha256, sha256(spki));
      const pkcs8 = toPkcs8(der, 'sec1');
      assert.ok(same(pkcs8, opensslBytes(['pkcs8', '-topk8', '-nocrypt', '-in', file, '-outform', 'DER'])));
      assert.equal(decodePublicKey(spki, 'spki').publicKey.spkiSha256, sha256(spki));
    }
  });

  it('a SEC1 key naming no curve at all gives a clear error', () => {
    // ECPrivateKey { 1, privateKey } without [0] parameters or [1] public key.
    const der = Buffer.concat([Buffer.from([0x30, 0x25, 0x02, 0x01, 0x01, 0x04, 0x20]), randomBytes(32)]);
    assert.equal(pkiError(() => decodePrivateKey(der)), 'private key: the EC key names no curve (no parameters)');
  });

  it('PKCS#8 v2 (OneAsymmetricKey, RFC 5958) with its public key', () => {
    const ed = byName('ed25519');
    const v1 = ed.ref.pkcs8;
    const pub = ed.ref.spki.subarray(ed.ref.spki.length - 32);
    // SEQUENCE { INTEGER 1, algId, privateKey, [1] IMPLICIT BIT STRING publicKey }
    const body = Buffer.concat([Buffer.from([0x02, 0x01, 0x01]), v1.subarray(5), Buffer.from([0x81, 0x21, 0x00]), pub]);
    const v2 = Buffer.concat([Buffer.from([0x30, body.length]), body]);
    const m = decodePrivateKey(v2);
    assert.equal(m.format, 'pkcs8');
    assert.equal(m.publicKey?.algorithm, 'Ed25519');
    assert.equal(m.publicKey?.spkiSha256, ed.ref.spkiSha256);
    assert.ok(same(spkiOfPrivateKey(v2), ed.ref.spki));
  });

  it('an algorithm nobody here knows still decodes, without a public key', () => {
    const ed = Buffer.from(byName('ed25519').ref.pkcs8);
    ed[11] = 0x48; // 1.3.101.112 → 1.3.101.72
    assert.deepEqual(decodePrivateKey(ed), { kind: 'private-key', format: 'pkcs8', encrypted: false });
    assert.equal(pkiError(() => publicKeyOf(ed)), 'private key: cannot derive the public key of this key algorithm');
    assert.equal(decodePrivateKey(byName('rsa-pss').ref.pkcs8).publicKey?.oid, '1.2.840.113549.1.1.10');
  });

  it('toPkcs8 gives exactly the bytes of `openssl pkcs8 -topk8 -nocrypt`', () => {
    for (const c of cases) {
      assert.ok(same(toPkcs8(c.ref.pkcs8, 'pkcs8'), c.ref.pkcs8), c.name);
      if (c.traditional) assert.ok(same(toPkcs8(c.traditionalDer!, c.traditional), c.ref.pkcs8), `${c.name} ${c.traditional}`);
    }
    assert.match(pkiError(() => toPkcs8(byName('rsa2048').ref.pkcs8, 'sec1')), /expected a SEC1 EC private key but the data is a PKCS#8/);
  });

  it('publicKeyOf and spkiOfPrivateKey agree with openssl for every key type', () => {
    for (const c of cases) {
      assert.ok(same(spkiOfPrivateKey(c.ref.pkcs8), c.ref.spki), c.name);
      const info = publicKeyOf(c.ref.pkcs8);
      assert.equal(info.spkiSha256, c.ref.spkiSha256);
      assert.equal(info.algorithm, c.algorithm);
    }
    assert.match(pkiError(() => publicKeyOf(byName('p256').traditionalDer!)), /expected a PKCS#8 private key/);
    assert.match(pkiError(() => spkiOfPrivateKey(Buffer.from('3000', 'hex'))), /^private key: /);
  });
});

interface EncCase {
  name: string;
  key: string;
  args: string[];
  scheme: string;
  cipher: string;
  kdf: string;
  prf?: string;
  iterations: number;
  passphrase?: string;
}

const encrypted: EncCase[] = [
  { name: 'PBES2 aes-256-cbc', key: 'rsa2048', args: ['-v2', 'aes-256-cbc'], scheme: 'PBES2', cipher: 'aes-256-cbc', kdf: 'pbkdf2', prf: 'hmacWithSHA256', iterations: 2048 },
  { name: 'PBES2 des3', key: 'p256', args: ['-v2', 'des3'], scheme: 'PBES2', cipher: 'des-ede3-cbc', kdf: 'pbkdf2', prf: 'hmacWithSHA256', iterations: 2048 },
  { name: 'PBES2 aes-128 sha512 iter', key: 'p384', args: ['-v2', 'aes128', '-v2prf', 'hmacWithSHA512', '-iter', '5000'], scheme: 'PBES2', cipher: 'aes-128-cbc', kdf: 'pbkdf2', prf: 'hmacWithSHA512', iterations: 5000 },
  { name: 'PBES2 hmacWithSHA1 non-ASCII passphrase', key: 'ed25519', args: ['-v2', 'aes256', '-v2prf', 'hmacWithSHA1'], scheme: 'PBES2', cipher: 'aes-256-cbc', kdf: 'pbkdf2', prf: 'hmacWithSHA1', iterations: 2048, passphrase: 'pässwörd-€' },
  { name: 'PBES2 scrypt', key: 'p521', args: ['-scrypt'], scheme: 'PBES2', cipher: 'aes-256-cbc', kdf: 'scrypt', iterations: 16384 },
  { name: 'PKCS#12 3DES', key: 'rsa2048', args: ['-v1', 'PBE-SHA1-3DES'], scheme: 'pbeWithSHAAnd3-KeyTripleDES-CBC', cipher: 'des-ede3-cbc', kdf: 'pkcs12', prf: 'sha1', iterations: 2048 },
  { name: 'PKCS#12 3DES non-ASCII passphrase', key: 'p256', args: ['-v1', 'PBE-SHA1-3DES'], scheme: 'pbeWithSHAAnd3-KeyTripleDES-CBC', cipher: 'des-ede3-cbc', kdf: 'pkcs12', prf: 'sha1', iterations: 2048, passphrase: 'Grüße' },
  { name: 'PKCS#12 2-key 3DES', key: 'p256', args: ['-v1', 'PBE-SHA1-2DES'], scheme: 'pbeWithSHAAnd2-KeyTripleDES-CBC', cipher: 'des-ede-cbc', kdf: 'pkcs12', prf: 'sha1', iterations: 2048 },
  // OpenSSL 3 keeps these in its legacy provider; Node cannot decrypt them without it.
  { name: 'PKCS#12 40-bit RC2', key: 'p256', args: ['-v1', 'PBE-SHA1-RC2-40', ...LEGACY], scheme: 'pbewithSHAAnd40BitRC2-CBC', cipher: 'rc2-40-cbc', kdf: 'pkcs12', prf: 'sha1', iterations: 2048 },
  { name: 'PKCS#12 128-bit RC2', key: 'p256', args: ['-v1', 'PBE-SHA1-RC2-128', ...LEGACY], scheme: 'pbeWithSHAAnd128BitRC2-CBC', cipher: 'rc2-cbc', kdf: 'pkcs12', prf: 'sha1', iterations: 2048 },
  { name: 'PKCS#12 RC4', key: 'p256', args: ['-v1', 'PBE-SHA1-RC4-128', ...LEGACY], scheme: 'pbeWithSHAAnd128BitRC4', cipher: 'rc4', kdf: 'pkcs12', prf: 'sha1', iterations: 2048 },
  { name: 'PKCS#5 v1.5 MD5/DES', key: 'rsa2048', args: ['-v1', 'PBE-MD5-DES', ...LEGACY], scheme: 'pbeWithMD5AndDES-CBC', cipher: 'des-cbc', kdf: 'pbkdf1', prf: 'md5', iterations: 2048 },
  { name: 'PKCS#5 v1.5 SHA1/RC2', key: 'p256', args: ['-v1', 'PBE-SHA1-RC2-64', ...LEGACY], scheme: 'pbeWithSHA1AndRC2-CBC', cipher: 'rc2-64-cbc', kdf: 'pbkdf1', prf: 'sha1', iterations: 2048 },
  { name: 'PBES2 des-cbc', key: 'p256', args: ['-v2', 'des', ...LEGACY], scheme: 'PBES2', cipher: 'des-cbc', kdf: 'pbkdf2', prf: 'hmacWithSHA256', iterations: 2048 },
  { name: 'PBES2 rc2-cbc', key: 'p256', args: ['-v2', 'rc2', ...LEGACY], scheme: 'PBES2', cipher: 'rc2-cbc', kdf: 'pbkdf2', prf: 'hmacWithSHA256', iterations: 2048 },
];

/** Encrypts `key` with `openssl pkcs8 -topk8 <args>`; the passphrase goes through a file, not argv. */
function encrypt(c: EncCase, form: 'DER' | 'PEM'): Buffer {
  const passFile = tmp.path('pass.txt');
  write(passFile, c.passphrase ?? PASS);
  const out = tmp.path(`enc.${form.toLowerCase()}`);
  openssl(['pkcs8', '-topk8', '-in', byName(c.key).file, ...c.args, '-passout', `file:${passFile}`, '-outform', form, '-out', out]);
  return read(out);
}

describe('encrypted PKCS#8', () => {
  it('reports the scheme, decrypts with the right passphrase to openssl\'s PKCS#8, refuses a wrong one', () => {
    for (const [n, c] of encrypted.entries()) {
      const ref = byName(c.key).ref;
      for (const form of n < 2 ? (['DER', 'PEM'] as const) : (['DER'] as const)) {
        const raw = encrypt(c, form);
        const der = form === 'DER' ? raw : pem(raw.toString('utf8')).der;
        if (form === 'PEM') assert.equal(pem(raw.toString('utf8')).label, 'ENCRYPTED PRIVATE KEY');
        for (const hint of [undefined, 'encrypted-pkcs8'] as const) {
          const m = decodePrivateKey(der, hint);
          assert.equal(m.format, 'encrypted-pkcs8', c.name);
          assert.equal(m.encrypted, true);
          assert.equal(m.publicKey, undefined, 'unknown until decrypted');
          assert.deepEqual(m.encryption, { scheme: c.scheme, cipher: c.cipher, kdf: c.kdf, ...(c.prf ? { prf: c.prf } : {}), iterations: c.iterations }, c.name);
        }
        const d = decryptPrivateKey({ der, format: 'encrypted-pkcs8' }, c.passphrase ?? PASS);
        assert.ok(same(d.pkcs8, ref.pkcs8), `${c.name}: decrypted PKCS#8`);
        assert.equal(d.model.encrypted, true);
        assert.equal(d.model.format, 'encrypted-pkcs8');
        assert.equal(d.model.encryption?.cipher, c.cipher);
        assert.equal(d.model.publicKey?.spkiSha256, ref.spkiSha256, `${c.name}: SPKI hash`);
        const msg = pkiError(() => decryptPrivateKey({ der, format: 'encrypted-pkcs8' }, BAD_PASS));
        assert.equal(msg, WRONG, c.name);
        assert.ok(!msg.includes(BAD_PASS) && !msg.includes(PASS));
      }
    }
  });

  it('openssl agrees the decrypted key is the same key (pkey -check on our PKCS#8)', () => {
    const c = encrypted[0];
    const d = decryptPrivateKey({ der: encrypt(c, 'DER'), format: 'encrypted-pkcs8' }, PASS);
    const out = openssl(['pkey', '-inform', 'DER', '-check', '-noout'], d.pkcs8);
    assert.match(out, /valid/i);
  });

  it('an empty passphrase is a wrong passphrase, not a crash', () => {
    const der = encrypt(encrypted[0], 'DER');
    assert.equal(pkiError(() => decryptPrivateKey({ der, format: 'encrypted-pkcs8' }, '')), WRONG);
  });

  it('an unsupported scheme is named, never reported as a wrong passphrase', () => {
    const aes = encrypt(encrypted[0], 'DER');
    // aes-256-cbc (…01 2a) → aes-256-gcm (…01 2e), which we do not decrypt in PBES2.
    const i = aes.indexOf(Buffer.from('060960864801650304012a', 'hex'));
    assert.ok(i > 0);
    const gcm = Buffer.from(aes);
    gcm[i + 10] = 0x2e;
    assert.equal(decodePrivateKey(gcm).encryption?.cipher, 'aes-256-gcm');
    assert.equal(pkiError(() => decryptPrivateKey({ der: gcm, format: 'encrypted-pkcs8' }, PASS)), 'encrypted private key: unsupported encryption: PBES2 with aes-256-gcm');

    const md5 = encrypt(encrypted.find((c) => c.cipher === 'des-cbc' && c.kdf === 'pbkdf1')!, 'DER');
    const j = md5.indexOf(Buffer.from('06092a864886f70d010503', 'hex'));
    assert.ok(j > 0);
    const md2 = Buffer.from(md5);
    md2[j + 10] = 0x01; // pbeWithMD2AndDES-CBC
    assert.equal(decodePrivateKey(md2).encryption?.scheme, 'pbeWithMD2AndDES-CBC');
    assert.match(pkiError(() => decryptPrivateKey({ der: md2, format: 'encrypted-pkcs8' }, PASS)), /unsupported encryption: pbeWithMD2AndDES-CBC \(MD2\)/);

    const unknown = Buffer.from(aes);
    const k = unknown.indexOf(Buffer.from('06092a864886f70d01050d', 'hex'));
    unknown[k + 10] = 0x0e; // 1.2.840.113549.1.5.14 (PBMAC1), not an encryption scheme
    assert.deepEqual(decodePrivateKey(unknown).encryption, { scheme: '1.2.840.113549.1.5.14', cipher: 'unknown' });
    assert.match(pkiError(() => decryptPrivateKey({ der: unknown, format: 'encrypted-pkcs8' }, PASS)), /unsupported encryption: the encryption scheme 1\.2\.840\.113549\.1\.5\.14/);
  });

  it('a hostile iteration count is refused instead of freezing the editor', () => {
    // The PKCS#12 KDF loop runs in JavaScript: its iteration count 2048 (02 02 08 00) becomes a
    // 3-byte 0x7fffff = 8388607, and the enclosing lengths grow by one.
    const p12 = encrypt(encrypted.find((c) => c.kdf === 'pkcs12')!, 'DER');
    const at = p12.indexOf(Buffer.from('02020800', 'hex'));
    assert.ok(at > 0);
    const patched = Buffer.concat([p12.subarray(0, at), Buffer.from('02037fffff', 'hex'), p12.subarray(at + 4)]);
    const fixed = fixLengths(patched, at, 1);
    const t = Date.now();
    assert.match(pkiError(() => decryptPrivateKey({ der: fixed, format: 'encrypted-pkcs8' }, PASS)), /^refusing .*8388607 iterations \(more than 1000000 for one key\)$/);
    assert.ok(Date.now() - t < 1000);
  });
});

/** Grows by `delta` every definite length whose TLV encloses offset `at` (short and long forms < 64 KB). */
function fixLengths(der: Buffer, at: number, delta: number): Buffer {
  const out = Buffer.from(der);
  const walk = (pos: number, end: number): void => {
    while (pos < end) {
      const tag = out[pos];
      let len = out[pos + 1];
      let hdr = 2;
      if (len & 0x80) {
        const n = len & 0x7f;
        len = 0;
        for (let i = 0; i < n; i++) len = len * 256 + out[pos + 2 + i];
        hdr = 2 + n;
      }
      const contentEnd = pos + hdr + len;
      if (at >= pos + hdr && at < contentEnd) {
        const nl = len + delta;
        if (hdr === 2) out[pos + 1] = nl;
        else if (hdr === 3) out[pos + 2] = nl;
        else out.writeUInt16BE(nl, pos + 2);
        if (tag & 0x20) walk(pos + hdr, contentEnd);
        return;
      }
      pos = contentEnd;
    }
  };
  walk(0, out.length - delta);
  return out;
}

describe('legacy PEM encryption (Proc-Type: 4,ENCRYPTED)', () => {
  const legacy: { key: string; cmd: string; flag: string; cipher: string; extra?: string[] }[] = [
    { key: 'rsa2048', cmd: 'rsa', flag: '-des3', cipher: 'des-ede3-cbc' },
    { key: 'rsa2048', cmd: 'rsa', flag: '-aes256', cipher: 'aes-256-cbc' },
    { key: 'rsa2048', cmd: 'rsa', flag: '-aes128', cipher: 'aes-128-cbc' },
    { key: 'rsa2048', cmd: 'rsa', flag: '-des', cipher: 'des-cbc', extra: LEGACY },
    { key: 'rsa2048', cmd: 'rsa', flag: '-aes192', cipher: 'aes-192-cbc' },
    // OpenSSL 3 keeps RC2 in its legacy provider too (node-forge decrypts it, like single DES).
    { key: 'p256', cmd: 'ec', flag: '-rc2', cipher: 'rc2-cbc', extra: LEGACY },
    { key: 'p256', cmd: 'ec', flag: '-rc2-40-cbc', cipher: 'rc2-40-cbc', extra: LEGACY },
    { key: 'p256', cmd: 'ec', flag: '-rc2-64-cbc', cipher: 'rc2-64-cbc', extra: LEGACY },
    { key: 'p256', cmd: 'ec', flag: '-camellia256', cipher: 'camellia-256-cbc' },
    { key: 'p256', cmd: 'ec', flag: '-aes256', cipher: 'aes-256-cbc' },
    { key: 'p384', cmd: 'ec', flag: '-des3', cipher: 'des-ede3-cbc' },
    { key: 'dsa1024', cmd: 'dsa', flag: '-des3', cipher: 'des-ede3-cbc' },
  ];

  it('reports the cipher, decrypts to openssl\'s PKCS#8 and refuses a wrong passphrase', () => {
    const passFile = tmp.path('pass.txt');
    write(passFile, PASS);
    for (const l of legacy) {
      const c = byName(l.key);
      const traditional = l.cmd === 'rsa' ? ['-traditional'] : [];
      const text = openssl([l.cmd, '-in', c.file, ...traditional, l.flag, '-passout', `file:${passFile}`, ...(l.extra ?? [])]);
      const p = pem(text);
      assert.equal(p.headers['Proc-Type'], '4,ENCRYPTED', `${l.cmd} ${l.flag}`);
      const m = decodeLegacyEncryptedKey(p.der, p.headers, p.label);
      assert.deepEqual(m, { kind: 'private-key', format: 'legacy-encrypted-pem', encrypted: true, encryption: { scheme: 'legacy-pem', cipher: l.cipher, kdf: 'md5', iterations: 1 } });
      const input = { der: p.der, format: 'legacy-encrypted-pem' as const, headers: p.headers, label: p.label };
      const d = decryptPrivateKey(input, PASS);
      assert.ok(same(d.pkcs8, c.ref.pkcs8), `${l.key} ${l.flag}: PKCS#8`);
      assert.equal(d.model.publicKey?.spkiSha256, c.ref.spkiSha256);
      assert.equal(d.model.publicKey?.algorithm, c.algorithm);
      assert.equal(d.model.format, 'legacy-encrypted-pem');
      const msg = pkiError(() => decryptPrivateKey(input, BAD_PASS));
      assert.equal(msg, WRONG);
    }
  });

  it('a cipher neither Node nor node-forge has (Blowfish) is named, not taken for a wrong passphrase', () => {
    const c = byName('p256');
    const p = pem(openssl(['ec', '-in', c.file, '-bf', '-passout', `pass:${PASS}`, ...LEGACY]));
    assert.equal(decodeLegacyEncryptedKey(p.der, p.headers, p.label).encryption?.cipher, 'bf-cbc');
    const input = { der: p.der, format: 'legacy-encrypted-pem' as const, headers: p.headers, label: p.label };
    assert.equal(pkiError(() => decryptPrivateKey(input, PASS)), 'encrypted private key: unsupported cipher bf-cbc');
  });

  it('header and label problems are clear errors', () => {
    const der = randomBytes(64);
    const ok = { 'Proc-Type': '4,ENCRYPTED', 'DEK-Info': 'AES-256-CBC,00112233445566778899AABBCCDDEEFF' };
    assert.equal(decodeLegacyEncryptedKey(der, { 'proc-type': '4,ENCRYPTED', 'dek-info': ok['DEK-Info'] }, 'RSA PRIVATE KEY').encryption?.cipher, 'aes-256-cbc');
    assert.match(pkiError(() => decodeLegacyEncryptedKey(der, { 'Proc-Type': '4,ENCRYPTED' }, 'RSA PRIVATE KEY')), /DEK-Info/);
    assert.match(pkiError(() => decodeLegacyEncryptedKey(der, { 'DEK-Info': ok['DEK-Info'] }, 'RSA PRIVATE KEY')), /Proc-Type/);
    assert.match(pkiError(() => decodeLegacyEncryptedKey(der, ok, 'CERTIFICATE')), /"CERTIFICATE" block cannot be a legacy encrypted key/);
    assert.match(pkiError(() => decodeLegacyEncryptedKey(der, { ...ok, 'DEK-Info': 'NOPE-CBC,0011' }, 'EC PRIVATE KEY')), /unsupported legacy PEM cipher NOPE-CBC/);
    assert.match(pkiError(() => decodeLegacyEncryptedKey(der, { ...ok, 'DEK-Info': 'AES-256-CBC,0011' }, 'EC PRIVATE KEY')), /IV has 2 bytes instead of 16/);
    assert.match(pkiError(() => decodeLegacyEncryptedKey(der.subarray(0, 60), ok, 'EC PRIVATE KEY')), /whole number of cipher blocks/);
    assert.match(pkiError(() => decryptPrivateKey({ der, format: 'legacy-encrypted-pem' }, PASS)), /^encrypted private key: /);
    // Random ciphertext under a valid header: a wrong passphrase (or corruption), never a crash.
    assert.equal(pkiError(() => decryptPrivateKey({ der, format: 'legacy-encrypted-pem', headers: ok, label: 'EC PRIVATE KEY' }, PASS)), WRONG);
  });

  it('plain keys pass through decryptPrivateKey unchanged', () => {
    for (const c of cases.filter((k) => k.traditional)) {
      const d = decryptPrivateKey({ der: c.traditionalDer!, format: c.traditional! }, 'ignored');
      assert.ok(same(d.pkcs8, c.ref.pkcs8), c.name);
      assert.equal(d.model.encrypted, false);
      assert.equal(d.model.format, c.traditional);
      assert.equal(d.model.publicKey?.spkiSha256, c.ref.spkiSha256);
    }
  });
});

describe('legacy encrypted keys through tlsw inspect (the bundled CLI)', () => {
  let dir: ReturnType<typeof tempDir>;
  before(() => {
    dir = tempDir('tlsw-keys-cli-');
    write(dir.path('pass'), `${PASS}\n`);
    write(dir.path('wrong'), `${BAD_PASS}\n`);
  });
  after(() => dir.cleanup());

  /** `tlsw inspect --json --password-file F KEY`: the one key's public key hash. */
  async function inspectedSpki(file: string, passFile: string): Promise<string | undefined> {
    const r = await tlswOk(['inspect', '--json', '--password-file', passFile, file]);
    const [item] = JSON.parse(r.stdout) as { kind: string; format: string; publicKey?: { spkiSha256: string } }[];
    assert.equal(item.kind, 'private-key');
    assert.equal(item.format, 'legacy-encrypted-pem');
    return item.publicKey?.spkiSha256;
  }

  const opensslSpki = (file: string, extra: string[] = []): string =>
    sha256(opensslBytes(['pkey', '-in', file, '-passin', `file:${dir.path('pass')}`, '-pubout', '-outform', 'DER', ...extra]));

  it("tlsw's own legacy key (tlsw key --legacy) opens with its passphrase; a wrong one is one line", async () => {
    const k = dir.path('own.pem');
    await tlswOk(['key', '--type', 'rsa', '--passphrase-file', dir.path('pass'), '--legacy', '-o', k]);
    assert.match(read(k).toString(), /Proc-Type: 4,ENCRYPTED\r?\nDEK-Info: DES-EDE3-CBC,/);
    assert.equal(await inspectedSpki(k, dir.path('pass')), opensslSpki(k));
    assertOneLineFailure(await tlsw(['inspect', '--password-file', dir.path('wrong'), k]), /own\.pem:1: block 1 \(RSA PRIVATE KEY\): wrong passphrase \(or the key is corrupted\)$/, { secrets: [PASS, BAD_PASS] });
  });

  it('openssl genrsa -des3 (traditional), openssl ec -des3 / -aes256, openssl dsa -des3 and single DES', async () => {
    const made: { file: string; args: string[]; extra?: string[] }[] = [
      { file: 'genrsa-des3.pem', args: ['genrsa', '-traditional', '-des3', '-passout', `file:${dir.path('pass')}`, '2048'] },
      { file: 'ec-des3.pem', args: ['ec', '-in', byName('p384').file, '-des3', '-passout', `file:${dir.path('pass')}`] },
      { file: 'ec-aes256.pem', args: ['ec', '-in', byName('p256').file, '-aes256', '-passout', `file:${dir.path('pass')}`] },
      { file: 'dsa-des3.pem', args: ['dsa', '-in', byName('dsa1024').file, '-des3', '-passout', `file:${dir.path('pass')}`] },
      { file: 'rsa-des.pem', args: ['rsa', '-in', byName('rsa2048').file, '-traditional', '-des', '-passout', `file:${dir.path('pass')}`, ...LEGACY], extra: LEGACY },
    ];
    for (const m of made) {
      const f = dir.path(m.file);
      write(f, openssl(m.args));
      assert.match(read(f).toString(), /Proc-Type: 4,ENCRYPTED/, m.file);
      assert.equal(await inspectedSpki(f, dir.path('pass')), opensslSpki(f, m.extra), m.file);
    }
  });
});

describe('public keys', () => {
  it('SPKI of every key type and PKCS#1 RSAPublicKey (openssl rsa -RSAPublicKey_out)', () => {
    for (const c of cases) {
      const m = decodePublicKey(c.ref.spki, 'spki');
      assert.equal(m.kind, 'public-key');
      assert.equal(m.format, 'spki');
      assert.equal(m.publicKey.spkiSha256, c.ref.spkiSha256, c.name);
      assert.equal(m.publicKey.algorithm, c.algorithm);
      assert.equal(m.publicKey.size, c.size);
      assert.equal(m.publicKey.curve, c.curve);
    }
    const rsa = byName('rsa2048');
    const pkcs1 = opensslBytes(['rsa', '-in', rsa.file, '-RSAPublicKey_out', '-outform', 'DER']);
    const m = decodePublicKey(pkcs1, 'pkcs1');
    assert.equal(m.format, 'pkcs1');
    assert.equal(m.publicKey.spkiSha256, rsa.ref.spkiSha256, 'same key, same SPKI hash');
    assert.equal(m.publicKey.size, 2048);
    assert.equal(m.publicKey.exponent, 65537);
    assert.match(pkiError(() => decodePublicKey(pkcs1, 'spki')), /^public key: not a SubjectPublicKeyInfo/);
    assert.match(pkiError(() => decodePublicKey(rsa.ref.spki, 'pkcs1')), /^public key: not an RSAPublicKey/);
    assert.match(pkiError(() => decodePublicKey(Buffer.concat([rsa.ref.spki, Buffer.from([0])]), 'spki')), /^public key: ASN\.1: 1 unexpected bytes/);
  });
});

describe('bad input never escapes as a raw exception', () => {
  const decoders: [string, (b: Uint8Array) => unknown][] = [
    ['decodePrivateKey', (b) => decodePrivateKey(b)],
    ['decodePrivateKey pkcs1', (b) => decodePrivateKey(b, 'pkcs1')],
    ['decodePublicKey spki', (b) => decodePublicKey(b, 'spki')],
    ['decodePublicKey pkcs1', (b) => decodePublicKey(b, 'pkcs1')],
    ['toPkcs8 sec1', (b) => toPkcs8(b, 'sec1')],
    ['publicKeyOf', (b) => publicKeyOf(b)],
    ['spkiOfPrivateKey', (b) => spkiOfPrivateKey(b)],
    ['decrypt', (b) => decryptPrivateKey({ der: b, format: 'encrypted-pkcs8' }, PASS)],
  ];
  const check = (b: Uint8Array, decrypt = true): void => {
    for (const [name, fn] of decoders) {
      if (!decrypt && name === 'decrypt') continue;
      try {
        fn(b);
      } catch (e) {
        assert.ok(e instanceof PkiError, `${name}: ${String(e)}`);
      }
    }
  };

  it('empty, random, deeply nested and over-long inputs', () => {
    for (const [, fn] of decoders) {
      assert.match(pkiError(() => fn(new Uint8Array(0))), /(private|public) key: /);
    }
    for (let i = 0; i < 200; i++) check(randomBytes(1 + (i % 97)));
    let deep: Buffer = Buffer.from([0x05, 0x00]);
    for (let k = 0; k < 60; k++) deep = Buffer.concat([Buffer.from(deep.length < 128 ? [0x30, deep.length] : [0x30, 0x81, deep.length]), deep]);
    assert.match(pkiError(() => decodePrivateKey(deep)), /nesting deeper than/);
    assert.match(pkiError(() => decodePrivateKey(Buffer.from('3082ffff020100', 'hex'))), /claims 65535 bytes/);
  });

  it('every truncation of real keys', () => {
    const inputs = [byName('p256').ref.pkcs8, byName('p256').traditionalDer!, byName('ed25519').ref.pkcs8, byName('rsa2048').ref.spki, encrypt(encrypted[0], 'DER')];
    for (const full of inputs) {
      for (let n = 0; n < full.length; n++) check(full.subarray(0, n));
    }
  });

  it('fuzz: random mutations of real keys give a model or a clean PkiError, quickly', () => {
    const inputs = [
      ...cases.map((c) => c.ref.pkcs8),
      ...cases.filter((c) => c.traditionalDer && c.algorithm !== 'RSA').map((c) => c.traditionalDer!),
      byName('p256').ref.spki,
    ];
    const locked = [encrypt(encrypted[1], 'DER'), encrypt(encrypted[6], 'DER'), encrypt(encrypted[11], 'DER')];
    let seed = 12345;
    const rand = (n: number): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const start = Date.now();
    for (let round = 0; round < 800; round++) {
      // One round in eight mutates an encrypted key and also tries to decrypt it.
      const encryptedRound = round % 8 === 0;
      const b = Buffer.from(encryptedRound ? locked[(round / 8) % locked.length] : inputs[round % inputs.length]);
      for (let k = 1 + rand(3); k > 0; k--) {
        const op = rand(3);
        if (op === 0) b[rand(b.length)] ^= 1 << rand(8);
        else if (op === 1) b[rand(b.length)] = rand(256);
        else b[rand(Math.min(b.length, 8))] = rand(256);
      }
      check(b, encryptedRound);
    }
    assert.ok(Date.now() - start < 20000, 'fuzzing stays fast');
  });
});
