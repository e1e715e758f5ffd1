// DH parameters (PKCS#3 and X9.42), the well-known groups and the PKCS#3 encoder, with `openssl` as referee.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { after, describe, it } from 'node:test';
import { readRoot, children } from '../../src/core/der/asn1';
import { FFDHE, decodeDhParameters, decodeDsaParameters, dsaShape, encodeDhParameters } from '../../src/core/objects/dh';
import { decodeDsaPublicKey } from '../../src/core/objects/publicKey';
import { PkiError } from '../../src/core/model';
import { openssl, opensslBytes, read, tempDir, write } from '../helpers/tools';

const tmp = tempDir('tlsw-dh-');
after(() => tmp.cleanup());

function derOf(pemText: string): Buffer {
  return Buffer.from(pemText.split(/\r?\n/).filter((l) => l && !l.startsWith('-----')).join(''), 'base64');
}

/** openssl's view of a parameter file: prime bits and group name (pkeyparam), P and G as lowercase hex (asn1parse). */
function reference(pemText: string): { bits: number; p: string; g: string; group?: string } {
  const file = tmp.path('ref.pem');
  write(file, pemText);
  const text = openssl(['pkeyparam', '-in', file, '-text', '-noout']);
  const ints = [...openssl(['asn1parse', '-in', file]).matchAll(/d=1 .*prim: INTEGER +:([0-9A-F]+)/g)].map((m) => m[1].toLowerCase().replace(/^(00)+/, ''));
  assert.ok(ints.length >= 2, 'asn1parse shows p and g');
  const group = /GROUP: (\S+)/.exec(text);
  return { bits: Number(/\((\d+) bit\)/.exec(text)![1]), p: ints[0], g: ints[1], group: group?.[1] };
}

function genparam(args: string[]): string {
  return openssl(['genpkey', '-genparam', ...args]);
}

function pkiError(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof PkiError, `expected a PkiError, got ${String(e)}`);
    return e.message;
  }
  assert.fail('expected a PkiError');
}

describe('well-known groups', () => {
  it('FFDHE constants are the primes openssl uses for ffdhe2048/3072/4096, and encode to its exact DER', () => {
    for (const name of ['ffdhe2048', 'ffdhe3072', 'ffdhe4096'] as const) {
      const text = genparam(['-algorithm', 'DH', '-pkeyopt', `group:${name}`]);
      const ref = reference(text);
      assert.equal(ref.group, name);
      assert.equal(FFDHE[name].prime, ref.p, name);
      assert.equal(FFDHE[name].generator, 2);
      assert.equal(Number.parseInt(ref.g, 16), 2);
      const der = encodeDhParameters(FFDHE[name].prime, FFDHE[name].generator);
      const file = tmp.path(`${name}.pem`);
      write(file, text);
      assert.ok(Buffer.from(der).equals(opensslBytes(['dhparam', '-in', file, '-outform', 'DER'])), `${name}: DER`);
      assert.deepEqual(decodeDhParameters(der, 'pkcs3'), { kind: 'dh-parameters', format: 'pkcs3', primeBits: ref.bits, generator: 2, namedGroup: name });
    }
  });

  it('names every FFDHE and MODP group openssl knows, from files openssl writes', () => {
    // The group of parameters written from a prime given as hex text (the way a user or the CLI gives one).
    const groupOf = (primeHex: string) => decodeDhParameters(encodeDhParameters(primeHex, 2), 'pkcs3').namedGroup;
    const groups = ['ffdhe2048', 'ffdhe3072', 'ffdhe4096', 'ffdhe6144', 'ffdhe8192', 'modp_1536', 'modp_2048', 'modp_3072', 'modp_4096', 'modp_6144', 'modp_8192'];
    for (const g of groups) {
      const text = genparam(['-algorithm', 'DH', '-pkeyopt', `group:${g}`]);
      const ref = reference(text);
      const m = decodeDhParameters(derOf(text), 'pkcs3');
      assert.equal(m.namedGroup, g);
      assert.equal(m.primeBits, ref.bits);
      assert.equal(m.generator, 2);
      assert.equal(m.format, 'pkcs3');
      assert.equal(groupOf(ref.p.toUpperCase()), g, 'any case');
    }
    assert.equal(groupOf('00' + FFDHE.ffdhe2048.prime), 'ffdhe2048', 'leading zeros ignored');
    assert.equal(groupOf('ff'), undefined);
  });
});

describe('decodeDhParameters', () => {
  it('fresh `openssl dhparam 512` parameters: size and generator, no group name', () => {
    const text = openssl(['dhparam', '512']);
    const ref = reference(text);
    const m = decodeDhParameters(derOf(text), 'pkcs3');
    assert.deepEqual(m, { kind: 'dh-parameters', format: 'pkcs3', primeBits: 512, generator: Number.parseInt(ref.g, 16) });
    assert.equal(ref.bits, 512);
  });

  it('X9.42 parameters (genpkey DHX): format, prime size and the large generator as hex', () => {
    const named = genparam(['-algorithm', 'DHX', '-pkeyopt', 'group:dh_2048_224']);
    const fresh = genparam(['-algorithm', 'DHX', '-pkeyopt', 'dh_paramgen_prime_len:1024', '-pkeyopt', 'dh_paramgen_subprime_len:160']);
    for (const text of [named, fresh]) {
      assert.match(text, /BEGIN X9\.42 DH PARAMETERS/);
      const ref = reference(text);
      const m = decodeDhParameters(derOf(text), 'x942');
      assert.equal(m.format, 'x942');
      assert.equal(m.primeBits, ref.bits);
      assert.equal(m.generator, 0);
      assert.equal(m.generatorHex, ref.g);
      assert.equal(m.namedGroup, undefined);
      // The structure decides, whatever the label said.
      assert.equal(decodeDhParameters(derOf(text), 'pkcs3').format, 'x942');
    }
  });

  it('PKCS#3 with privateValueLength, and PKCS#3 data under an X9.42 label', () => {
    const base = Buffer.from(encodeDhParameters(FFDHE.ffdhe2048.prime, 2));
    const body = Buffer.concat([base.subarray(4), Buffer.from([0x02, 0x02, 0x01, 0x00])]);
    const withLength = Buffer.concat([Buffer.from([0x30, 0x82, body.length >> 8, body.length & 0xff]), body]);
    const pemText = `-----BEGIN DH PARAMETERS-----\n${withLength.toString('base64')}\n-----END DH PARAMETERS-----\n`;
    const file = tmp.path('len.pem');
    write(file, pemText);
    assert.match(openssl(['pkeyparam', '-in', file, '-text', '-noout']), /recommended-private-length: 256 bits/);
    assert.deepEqual(decodeDhParameters(withLength, 'pkcs3'), { kind: 'dh-parameters', format: 'pkcs3', primeBits: 2048, generator: 2, namedGroup: 'ffdhe2048' });
    assert.equal(decodeDhParameters(base, 'x942').format, 'pkcs3');
  });

  it('bad input: clear PkiErrors, never a raw exception', () => {
    const good = Buffer.from(encodeDhParameters(FFDHE.ffdhe2048.prime, 2));
    assert.match(pkiError(() => decodeDhParameters(new Uint8Array(0), 'pkcs3')), /^DH parameters: ASN\.1: /);
    assert.equal(pkiError(() => decodeDhParameters(Buffer.from('3003020102', 'hex'), 'pkcs3')), 'DH parameters: the prime and the generator are missing');
    assert.equal(pkiError(() => decodeDhParameters(Buffer.from('3006020180020102', 'hex'), 'pkcs3')), 'DH parameters: the prime p is negative');
    assert.equal(pkiError(() => decodeDhParameters(Buffer.from('3006020117020100', 'hex'), 'pkcs3')), 'DH parameters: the generator g is zero');
    assert.match(pkiError(() => decodeDhParameters(Buffer.from('300604011702010', 'hex'), 'pkcs3')), /^DH parameters: /);
    assert.match(pkiError(() => decodeDhParameters(Buffer.concat([good, Buffer.from([0])]), 'pkcs3')), /1 unexpected bytes/);
    for (let n = 0; n < good.length; n++) pkiError(() => decodeDhParameters(good.subarray(0, n), 'pkcs3'));
    for (let i = 0; i < 300; i++) {
      try {
        decodeDhParameters(randomBytes(1 + (i % 64)), i % 2 ? 'pkcs3' : 'x942');
      } catch (e) {
        assert.ok(e instanceof PkiError, String(e));
      }
    }
    let seed = 7;
    const rand = (n: number): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const x942 = derOf(genparam(['-algorithm', 'DHX', '-pkeyopt', 'group:dh_2048_224']));
    for (let round = 0; round < 2000; round++) {
      const b = Buffer.from(round % 2 ? good : x942);
      b[rand(Math.min(b.length, round % 3 ? 12 : b.length))] = rand(256);
      try {
        const m = decodeDhParameters(b, 'pkcs3');
        assert.ok(m.primeBits > 0);
      } catch (e) {
        assert.ok(e instanceof PkiError, String(e));
      }
    }
  });
});

describe('encodeDhParameters', () => {
  it('writes parameters openssl accepts and checks', () => {
    const file = tmp.path('ffdhe3072.der');
    write(file, encodeDhParameters(FFDHE.ffdhe3072.prime.toUpperCase(), 2));
    const r = spawnSync('openssl', ['dhparam', '-inform', 'DER', '-in', file, '-check', '-text', '-noout'], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout + r.stderr, /DH parameters appear to be ok/);
    assert.match(r.stdout, /GROUP: ffdhe3072/);
    // and a self-made (non-group) prime: openssl reads back the same numbers
    const text = openssl(['dhparam', '512']);
    const ref = reference(text);
    write(file, encodeDhParameters(ref.p, Number.parseInt(ref.g, 16)));
    assert.equal(openssl(['dhparam', '-inform', 'DER', '-in', file]), text);
  });

  it('refuses what is not a prime and generator', () => {
    assert.match(pkiError(() => encodeDhParameters('xyz', 2)), /hexadecimal/);
    assert.match(pkiError(() => encodeDhParameters('000', 2)), /non-zero/);
    assert.match(pkiError(() => encodeDhParameters(FFDHE.ffdhe2048.prime, 1)), /at least 2/);
    assert.match(pkiError(() => encodeDhParameters(FFDHE.ffdhe2048.prime, 2.5)), /at least 2/);
    assert.match(pkiError(() => encodeDhParameters('05', 7)), /smaller than the prime/);
    // A prime whose top bit is set gets its sign octet; an odd-length hex string is accepted.
    assert.equal(Buffer.from(encodeDhParameters('fb', 2)).toString('hex'), '3007020200fb020102');
    assert.equal(Buffer.from(encodeDhParameters('17b', 2)).toString('hex'), '30070202017b020102');
  });
});

describe('DSA parameters and OpenSSL\'s DSA public key (issue 12: not DH parameters)', () => {
  /** Bit lengths of the top-level INTEGERs of a DER structure, as `openssl asn1parse` prints them. */
  function opensslIntegerBits(der: Uint8Array): number[] {
    return [...openssl(['asn1parse', '-inform', 'DER'], der).matchAll(/d=1 .*prim: INTEGER +:([0-9A-F]+)/g)].map((m) => BigInt(`0x${m[1]}`).toString(2).length);
  }

  for (const [bits, qbits] of [[1024, 160], [2048, 256]] as const) {
    it(`\`openssl dsaparam ${bits}\`: p, q and g sizes, told from X9.42 DH by structure`, () => {
      const file = tmp.path(`dsa${bits}.pem`);
      openssl(['genpkey', '-genparam', '-algorithm', 'DSA', '-pkeyopt', `dsa_paramgen_bits:${bits}`, '-pkeyopt', `dsa_paramgen_q_bits:${qbits}`, '-out', file]);
      assert.match(read(file).toString(), /^-----BEGIN DSA PARAMETERS-----/);
      const der = opensslBytes(['dsaparam', '-in', file, '-outform', 'DER']);
      const [p, q, g] = opensslIntegerBits(der);
      assert.deepEqual([p, q], [bits, qbits]);
      assert.deepEqual(decodeDsaParameters(der), { kind: 'dsa-parameters', primeBits: p, subgroupBits: q, generatorBits: g });
      assert.equal(dsaShape(der, children(der, readRoot(der))), 'parameters');
    });
  }

  it('a `DSA PUBLIC KEY` { y, p, q, g } built from an openssl key: its SPKI digest is the one openssl derives from it', () => {
    const key = tmp.path('dsa.key');
    openssl(['genpkey', '-paramfile', tmp.path('dsa2048.pem'), '-out', key]);
    const spki = opensslBytes(['pkey', '-in', key, '-pubout', '-outform', 'DER']);
    // SPKI { { dsa, { p, q, g } }, BIT STRING { y } } → { y, p, q, g }, with openssl's own bytes.
    const [algId, bits] = children(spki, readRoot(spki));
    const params = children(spki, algId)[1];
    const y = spki.subarray(bits.contentStart + 1, bits.end);
    const body = Buffer.concat([y, spki.subarray(params.contentStart, params.end)]);
    const traditional = Buffer.concat([Buffer.from([0x30, 0x82, body.length >> 8, body.length & 0xff]), body]);
    const pemFile = tmp.path('dsa.pub.pem');
    write(pemFile, `-----BEGIN DSA PUBLIC KEY-----\n${traditional.toString('base64').replace(/.{64}/g, '$&\n')}\n-----END DSA PUBLIC KEY-----\n`);
    const fromOpenssl = opensslBytes(['pkey', '-pubin', '-in', pemFile, '-pubout', '-outform', 'DER']);
    assert.ok(fromOpenssl.equals(spki), 'openssl reads the DSA PUBLIC KEY as the same key');

    const m = decodeDsaPublicKey(traditional);
    assert.equal(m.kind, 'public-key');
    assert.equal(m.format, 'traditional-dsa');
    assert.equal(m.publicKey.algorithm, 'DSA');
    assert.equal(m.publicKey.size, 2048);
    assert.equal(m.publicKey.subgroupBits, 256);
    assert.equal(m.publicKey.spkiSha256, createHash('sha256').update(spki).digest('hex'));
    assert.equal(dsaShape(traditional, children(traditional, readRoot(traditional))), 'public-key');
  });

  it('X9.42 DH { p, g, q } and PKCS#3 { p, g } are not DSA; bad DSA input is a one-line PkiError naming the field', () => {
    const x942 = derOf(genparam(['-algorithm', 'DHX', '-pkeyopt', 'dh_paramgen_prime_len:1024', '-pkeyopt', 'dh_paramgen_subprime_len:160']));
    assert.equal(dsaShape(x942, children(x942, readRoot(x942))), undefined);
    assert.equal(decodeDhParameters(x942, 'x942').format, 'x942');
    const pkcs3 = encodeDhParameters(FFDHE.ffdhe2048.prime, 2);
    assert.equal(dsaShape(pkcs3, children(pkcs3, readRoot(pkcs3))), undefined);
    assert.match(pkiError(() => decodeDsaParameters(pkcs3)), /^DSA parameters: DSA parameters are SEQUENCE \{ p, q, g \} \(3 integers\), found 2 elements$/);
    assert.match(pkiError(() => decodeDsaParameters(Buffer.from([0x30, 0x09, 0x02, 0x01, 0x05, 0x02, 0x01, 0x00, 0x02, 0x01, 0x02]))), /^DSA parameters: the subgroup order q is zero$/);
    assert.match(pkiError(() => decodeDsaPublicKey(pkcs3)), /^public key: a DSA public key is SEQUENCE \{ y, p, q, g \} \(4 integers\), found 2 elements$/);
    assert.match(pkiError(() => decodeDsaPublicKey(Buffer.from([0x30, 0x0c, 0x02, 0x01, 0x05, 0x02, 0x01, 0x07, 0x02, 0x01, 0x03, 0x04, 0x01, 0x02]))), /^public key: ASN.1: expected the generator g \(INTEGER\)/);
  });
});
