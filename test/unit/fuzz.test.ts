// Property test: thousands of mutations of valid inputs (bit flips, truncations, insertions, length
// tampering). The engine must return a model or clean problems every time: no exception, no internal
// error, no multi-line message. Its work is bounded and counted, not timed: each round reads under a work budget
// of what the unmutated input needed, so a mutation asking for more key derivation is refused as a clean problem
// instead of run, and nothing comes back decrypted without its derivation charged to that budget. Seeded, so a
// failure reproduces.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import 'reflect-metadata';
import type { PkiObject } from '../../src/core/model';
import { readObjects } from '../../src/core/read/read';
import { WorkBudget } from '../../src/core/runtime/workBudget';
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

/** True when `o` was protected and came back opened: a key derivation must have run (and been charged) for it. */
function decrypted(o: PkiObject): boolean {
  if (o.kind === 'private-key') return o.encrypted && o.publicKey !== undefined;
  if (o.kind === 'pkcs12') return o.decrypted && (o.mac !== undefined || [o.certEncryption, o.keyEncryption].some((e) => e !== undefined && e !== 'none'));
  return false;
}

describe(`fuzz: ${ROUNDS} mutations per input, seed ${SEED}`, () => {
  it('every mutated input gives a model or clean problems', () => {
    const rnd = prng(SEED);
    let models = 0;
    let problems = 0;
    let opened = 0;
    for (const input of inputs) {
      // The unmutated input must decode cleanly, or the mutations prove nothing; the work it needs (zero without
      // a password) is what each mutated round may spend.
      const cleanBudget = WorkBudget.forCommand();
      const clean = readObjects(input.bytes, { password: input.password, budget: cleanBudget });
      assert.deepEqual(clean.problems.filter((x) => x.severity === 'error'), [], `${input.name} decodes`);
      assert.equal(clean.objects.some(decrypted), input.password !== undefined, `${input.name}: opened with its password`);
      assert.equal(cleanBudget.used > 0, input.password !== undefined, `${input.name}: its derivations were charged`);
      const perFile = Math.max(1, cleanBudget.used);
      for (let i = 0; i < ROUNDS; i++) {
        const mutated = mutate(input.bytes, rnd);
        const budget = WorkBudget.forCommand({ perFile });
        let r;
        try {
          r = readObjects(mutated, { password: input.password, budget });
        } catch (e) {
          assert.fail(`${input.name} round ${i}: threw ${(e as Error).stack}`);
        }
        assert.ok(Array.isArray(r.objects) && Array.isArray(r.problems));
        assert.ok(budget.used <= perFile, `${input.name} round ${i}: ${budget.used} work units spent, over the ${perFile} allowed`);
        if (r.objects.some(decrypted)) {
          assert.ok(budget.used > 0, `${input.name} round ${i}: decrypted without charging any key-derivation work`);
          opened++;
        }
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
    assert.ok(opened > 0, 'some mutations still open with the password (the charge check above is exercised)');
  });
});
