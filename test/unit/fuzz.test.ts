// Property test: thousands of mutations of valid inputs (bit flips, truncations, insertions, length
// tampering). The engine must return a model or clean problems every time: no exception, no internal
// error, no multi-line message, no hang. Seeded, so a failure reproduces.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import 'reflect-metadata';
import { readObjects } from '../../src/core/read/read';
import { openssl, prng, tempDir } from '../helpers/tools';

const SEED = Number(process.env.TLSW_FUZZ_SEED ?? 20261123);
const ROUNDS = Number(process.env.TLSW_FUZZ_ROUNDS ?? 500);


function mutate(input: Uint8Array, rnd: () => number): Uint8Array {
  const b = Buffer.from(input);
  const at = Math.floor(rnd() * b.length);
  switch (Math.floor(rnd() * 6)) {
    case 0: // flip bits in a few bytes
      for (let i = 0; i < 1 + rnd() * 4; i++) b[Math.floor(rnd() * b.length)] ^= 1 << Math.floor(rnd() * 8);
      return b;
    case 1: // truncate
      return b.subarray(0, at);
    case 2: // insert random bytes
      return Buffer.concat([b.subarray(0, at), Buffer.from(Array.from({ length: 1 + Math.floor(rnd() * 16) }, () => Math.floor(rnd() * 256))), b.subarray(at)]);
    case 3: // a long-form length where there was anything
      b[at] = 0x84;
      if (at + 1 < b.length) b[at + 1] = 0xff;
      return b;
    case 4: // delete a slice
      return Buffer.concat([b.subarray(0, at), b.subarray(Math.min(b.length, at + 1 + Math.floor(rnd() * 32)))]);
    default: // duplicate a slice
      return Buffer.concat([b.subarray(0, at), b.subarray(at, at + 64), b.subarray(at)]);
  }
}

const t = tempDir();
const inputs: { name: string; bytes: Uint8Array; password?: string }[] = [];

before(() => {
  const p = t.path;
  openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', p('ec.key'), '-out', p('c.pem'), '-days', '3',
    '-subj', '/C=UK/O=Any Org/CN=fuzz.example', '-addext', 'subjectAltName=DNS:fuzz.example,IP:10.0.0.1,email:a@b.c,URI:https://x.example/',
    '-addext', 'crlDistributionPoints=URI:http://crl.example/c.crl', '-addext', 'authorityInfoAccess=OCSP;URI:http://ocsp.example']);
  openssl(['x509', '-in', p('c.pem'), '-outform', 'DER', '-out', p('c.der')]);
  openssl(['req', '-new', '-key', p('ec.key'), '-subj', '/CN=fuzz', '-addext', 'subjectAltName=DNS:fuzz', '-outform', 'DER', '-out', p('r.der')]);
  openssl(['pkcs8', '-topk8', '-in', p('ec.key'), '-v2', 'aes-256-cbc', '-passout', 'pass:fuzzpass', '-out', p('enc.pem')]);
  openssl(['pkcs12', '-export', '-in', p('c.pem'), '-inkey', p('ec.key'), '-out', p('x.p12'), '-passout', 'pass:fuzzpass', '-iter', '10', '-maciter']);
  openssl(['genpkey', '-genparam', '-algorithm', 'DH', '-pkeyopt', 'group:ffdhe2048', '-out', p('dh.pem')]);
  const read = (n: string) => new Uint8Array(readFileSync(p(n)));
  inputs.push(
    { name: 'certificate PEM', bytes: read('c.pem') },
    { name: 'certificate DER', bytes: read('c.der') },
    { name: 'CSR DER', bytes: read('r.der') },
    { name: 'EC key PEM', bytes: read('ec.key') },
    { name: 'encrypted key PEM', bytes: read('enc.pem'), password: 'fuzzpass' },
    { name: 'PKCS#12', bytes: read('x.p12'), password: 'fuzzpass' },
    { name: 'DH parameters PEM', bytes: read('dh.pem') },
  );
});

after(() => t.cleanup());

describe(`fuzz: ${ROUNDS} mutations per input, seed ${SEED}`, () => {
  it('every mutated input gives a model or clean problems', () => {
    const rnd = prng(SEED);
    let models = 0;
    let problems = 0;
    for (const input of inputs) {
      // The unmutated input must decode cleanly, or the mutations prove nothing.
      const clean = readObjects(input.bytes, { password: input.password });
      assert.deepEqual(clean.problems.filter((x) => x.severity === 'error'), [], `${input.name} decodes`);
      for (let i = 0; i < ROUNDS; i++) {
        const mutated = mutate(input.bytes, rnd);
        const started = Date.now();
        let r;
        try {
          r = readObjects(mutated, { password: input.password });
        } catch (e) {
          assert.fail(`${input.name} round ${i}: threw ${(e as Error).stack}`);
        }
        assert.ok(Date.now() - started < 2000, `${input.name} round ${i}: took too long`);
        assert.ok(Array.isArray(r.objects) && Array.isArray(r.problems));
        assert.ok(r.objects.length > 0 || r.problems.length > 0, `${input.name} round ${i}: neither model nor problem`);
        for (const pr of r.problems) {
          assert.ok(pr.message.length > 0);
          assert.ok(!pr.message.includes('\n'), `${input.name} round ${i}: multi-line message ${JSON.stringify(pr.message)}`);
          assert.ok(!/internal error/.test(pr.message), `${input.name} round ${i}: ${pr.message} (mutated hex ${Buffer.from(mutated).toString('hex').slice(0, 400)})`);
          assert.ok(!pr.message.includes(input.password ?? '\u0000'), 'never echoes the password');
        }
        models += r.objects.length;
        problems += r.problems.length;
      }
    }
    assert.ok(problems > ROUNDS, 'mutations do produce problems');
    assert.ok(models > 0, 'some mutations still decode (e.g. changes in text around PEM)');
  });
});
