// DH parameters (PKCS#3 and X9.42), the well-known groups and the PKCS#3 encoder, with `openssl` as referee.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { after, describe, it } from 'node:test';
import { FFDHE, decodeDhParameters, encodeDhParameters, namedDhGroup } from '../../src/core/dh';
import { PkiError } from '../../src/core/model';
import { openssl, opensslBytes, tempDir, write } from '../helpers/tools';

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
    const groups = ['ffdhe2048', 'ffdhe3072', 'ffdhe4096', 'ffdhe6144', 'ffdhe8192', 'modp_1536', 'modp_2048', 'modp_3072', 'modp_4096', 'modp_6144', 'modp_8192'];
    for (const g of groups) {
      const text = genparam(['-algorithm', 'DH', '-pkeyopt', `group:${g}`]);
      const ref = reference(text);
      const m = decodeDhParameters(derOf(text), 'pkcs3');
      assert.equal(m.namedGroup, g);
      assert.equal(m.primeBits, ref.bits);
      assert.equal(m.generator, 2);
      assert.equal(m.format, 'pkcs3');
      assert.equal(namedDhGroup(ref.p.toUpperCase()), g, 'any case');
    }
    assert.equal(namedDhGroup('00' + FFDHE.ffdhe2048.prime), 'ffdhe2048', 'leading zeros ignored');
    assert.equal(namedDhGroup('ff'), undefined);
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
