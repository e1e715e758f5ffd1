// Bounded key-derivation work (issue 13, item 3): per-key caps as OpenSSL sets them (scrypt memory and N·r·p,
// PBKDF2 and PKCS#12-KDF iterations), and a budget per file and per command summed over every key and keystore,
// with `--max-work` to raise it. Hostile inputs are built at test time (test/helpers/hostileKdf.ts).

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { loadPrivateKey } from '../../src/core/write/keygen';
import { decryptPrivateKey } from '../../src/core/objects/keys';
import { exportPkcs12, readPkcs12 } from '../../src/core/objects/pkcs12';
import { readObjects } from '../../src/core/read/read';
import { DEFAULT_FILE_WORK, WorkBudget, WorkLimitError } from '../../src/core/runtime/workBudget';
import { encryptedKeyDer, hostileKeyFile, pem } from '../helpers/hostileKdf';
import { openssl, opensslBytes, tempDir } from '../helpers/tools';

const cli = join(__dirname, '..', '..', '..', 'dist', 'cli.js');
const t = tempDir();
after(() => t.cleanup());
writeFileSync(t.path('pw'), 'not-the-password\n');
openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', t.path('ca.key'), '-subj', '/CN=CA', '-days', '30', '-out', t.path('ca.crt')]);
openssl(['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', t.path('leaf.key'), '-subj', '/CN=leaf', '-out', t.path('leaf.csr')]);

function tlsw(args: string[]) {
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const SCRYPT_BOMB = { kind: 'scrypt', n: 2 ** 14, r: 8, p: 2 ** 17 } as const;

describe('per-key caps', () => {
  it('scrypt: memory as OpenSSL counts it (32 MiB maxmem) and N·r·p', () => {
    // The refusal (a WorkLimitError) when decrypting a key with these parameters, or undefined when the key is
    // derived and only the password is wrong (the ciphertext is random).
    const refusal = (n: number, r: number, p: number): string | undefined => {
      try {
        decryptPrivateKey({ der: encryptedKeyDer({ kind: 'scrypt', n, r, p }), format: 'encrypted-pkcs8' }, 'x');
      } catch (e) {
        if (e instanceof WorkLimitError) return e.message;
        assert.match((e as Error).message, /wrong passphrase/);
        return undefined;
      }
      assert.fail('a random ciphertext decrypted');
    };
    assert.equal(refusal(2 ** 14, 8, 1), undefined, "OpenSSL's default scrypt is fine");
    assert.match(refusal(2 ** 14, 8, 2 ** 17) ?? '', /MiB of memory, over the 32 MiB OpenSSL allows/);
    assert.match(refusal(2 ** 15, 8, 1) ?? '', /memory/, 'OpenSSL refuses N=2^15, r=8 by default too');
    assert.match(refusal(2 ** 10, 8, 2 ** 12) ?? '', /N·r·p is/);
  });

  it('an encrypted PKCS#8 key with scrypt N=2^14, r=8, p=2^17 is refused before any derivation', () => {
    const der = encryptedKeyDer(SCRYPT_BOMB);
    assert.throws(() => decryptPrivateKey({ der, format: 'encrypted-pkcs8' }, 'x'), (e: Error) => e instanceof WorkLimitError && /^refusing scrypt with N=16384, r=8, p=131072/.test(e.message));
    assert.throws(() => loadPrivateKey(pem('ENCRYPTED PRIVATE KEY', der), 'x'), WorkLimitError);
    // Refused by the cap before any derivation (which would take over an hour): the error type says so, no clock needed.
  });

  it('tlsw inspect, key passphrase and sign refuse it at once with one line naming the file', () => {
    writeFileSync(t.path('bomb.pem'), pem('ENCRYPTED PRIVATE KEY', encryptedKeyDer(SCRYPT_BOMB)));
    const i = tlsw(['inspect', '--password-file', t.path('pw'), t.path('bomb.pem')]);
    assert.equal(i.code, 1);
    assert.equal(i.err.trim().split('\n').length, 1, i.err);
    assert.match(i.err, /bomb\.pem:1: block 1 \(ENCRYPTED PRIVATE KEY\): refusing scrypt with N=16384, r=8, p=131072: it needs \d+ MiB of memory/);
    const k = tlsw(['key', 'passphrase', t.path('bomb.pem'), '--remove', '--passphrase-file', t.path('pw'), '-o', t.path('out.key')]);
    assert.equal(k.code, 1);
    assert.equal(k.err.trim().split('\n').length, 1, k.err);
    assert.match(k.err, /bomb\.pem: refusing scrypt/);
    const s = tlsw(['sign', '--ca', t.path('ca.crt'), '--ca-key', t.path('bomb.pem'), '--ca-passphrase-file', t.path('pw'), '--csr', t.path('leaf.csr'), '--profile', 'server', '-o', t.path('leaf.crt')]);
    assert.equal(s.code, 1);
    assert.equal(s.err.trim().split('\n').length, 1, s.err);
    assert.match(s.err, /bomb\.pem: refusing scrypt with N=16384, r=8, p=131072/);
  });

  it('tlsw sign --max-work: a CA key whose derivation exceeds the budget is refused naming the file', () => {
    writeFileSync(t.path('ca-pw'), 'ca-secret\n');
    openssl(['pkcs8', '-topk8', '-in', t.path('ca.key'), '-out', t.path('ca-enc.key'), '-v2', 'aes-256-cbc', '-iter', '200000', '-passout', 'pass:ca-secret']);
    const args = ['sign', '--ca', t.path('ca.crt'), '--ca-key', t.path('ca-enc.key'), '--ca-passphrase-file', t.path('ca-pw'), '--csr', t.path('leaf.csr'), '--profile', 'server', '--days', '5'];
    const refused = tlsw([...args, '--max-work', '0.01', '-o', t.path('leaf-mw.crt')]);
    assert.equal(refused.code, 1, refused.err);
    assert.match(refused.err, /ca-enc\.key: refusing .*too much key-derivation work/);
    const ok = tlsw([...args, '-o', t.path('leaf-mw.crt')]);
    assert.equal(ok.code, 0, ok.err);
  });
});

describe('the budget per file', () => {
  it('40 keys with PBKDF2 at 10^7 iterations and a wrong password: stops within the budget, one error naming the file', () => {
    writeFileSync(t.path('forty.pem'), hostileKeyFile(40, { kind: 'pbkdf2', iterations: 10_000_000 }));
    const r = tlsw(['inspect', '--password-file', t.path('pw'), t.path('forty.pem')]);
    assert.equal(r.code, 1);
    const errors = r.err.trim().split('\n');
    // The keys within the budget: wrong passphrase; then one line for the rest (not 40 × 2 s of work).
    const refusal = errors.filter((l) => /too much key-derivation work for this file/.test(l));
    assert.equal(refusal.length, 1, r.err);
    assert.match(refusal[0], /^tlsw inspect: .*forty\.pem:\d+: block \d+ \(ENCRYPTED PRIVATE KEY\): refusing PBKDF2 with 10000000 iterations: too much key-derivation work for this file \(limit 30 million units, 30 used; raise it with --max-work N.*\) \(\d+ later blocks not decrypted\)$/);
    const tried = errors.filter((l) => /wrong passphrase/.test(l)).length;
    assert.equal(tried, DEFAULT_FILE_WORK / 10_000_000, r.err);
    assert.ok(errors.length <= tried + 1, r.err);
  });

  it('--max-work lowers or raises it', () => {
    const low = tlsw(['inspect', '--max-work', '5', '--password-file', t.path('pw'), t.path('forty.pem')]);
    assert.equal(low.code, 1);
    assert.equal(low.err.trim().split('\n').length, 1, low.err);
    assert.match(low.err, /forty\.pem:1: block 1 .*limit 5 million units, 0 used.*\(39 later blocks not decrypted\)/);
    writeFileSync(t.path('four.pem'), hostileKeyFile(4, { kind: 'pbkdf2', iterations: 1_000_000 }));
    const four = tlsw(['inspect', '--max-work', '3', '--password-file', t.path('pw'), t.path('four.pem')]);
    assert.match(four.err, /too much key-derivation work for this file/);
    const raised = tlsw(['inspect', '--max-work', '4', '--password-file', t.path('pw'), t.path('four.pem')]);
    assert.equal(raised.err.match(/wrong passphrase/g)?.length, 4, raised.err);
    assert.doesNotMatch(raised.err, /too much/);
    const bad = tlsw(['inspect', '--max-work', 'lots', t.path('four.pem')]);
    assert.equal(bad.code, 2);
    assert.match(bad.err, /--max-work must be a positive number/);
  });

  it('the budget per command sums over files', () => {
    for (const f of ['a', 'b', 'c']) writeFileSync(t.path(`${f}.pem`), hostileKeyFile(2, { kind: 'pbkdf2', iterations: 1_000_000 }));
    // 2 million units per file, 4 per command: files a and b, then c is refused.
    const r = tlsw(['inspect', '--max-work', '2', '--password-file', t.path('pw'), t.path('a.pem'), t.path('b.pem'), t.path('c.pem')]);
    assert.equal(r.err.match(/wrong passphrase/g)?.length, 4, r.err);
    assert.match(r.err, /c\.pem:1: block 1 \(ENCRYPTED PRIVATE KEY\): refusing PBKDF2 with 1000000 iterations: too much key-derivation work for this command \(limit 4 million units, 4 used/);
  });

  it('readObjects charges the caller budget; a file never spends more than its share', () => {
    const budget = WorkBudget.forCommand({ perFile: 2_500_000 });
    const r = readObjects(Buffer.from(hostileKeyFile(5, { kind: 'pbkdf2', iterations: 1_000_000 })), { password: 'x', budget });
    // Two wrong passphrases and one refusal are problems; the two keys after the refusal are listed, locked.
    assert.equal(r.objects.length, 2);
    assert.ok(r.objects.every((o) => o.kind === 'private-key' && o.encrypted && !o.publicKey));
    assert.equal(budget.used, 2_000_000);
    assert.equal(r.problems.filter((p) => /wrong passphrase/.test(p.message)).length, 2);
    assert.match(r.problems[2].message, /^block 3 .*too much key-derivation work for this file.*\(2 later blocks not decrypted\)$/);
    assert.equal(r.problems.length, 3);
  });
});

describe('PKCS#12: many keystores in one file', () => {
  it('24 PKCS#12 blocks with MAC at 10^6 iterations: the file budget stops them, with one error', () => {
    const privateKeyPkcs8 = opensslBytes(['pkcs8', '-topk8', '-nocrypt', '-in', t.path('ca.key'), '-outform', 'DER']);
    const cert = opensslBytes(['x509', '-in', t.path('ca.crt'), '-outform', 'DER']);
    const p12 = exportPkcs12({ certificate: cert, privateKeyPkcs8, password: 'right', iterations: 1_000_000 });
    writeFileSync(t.path('one.p12'), p12);
    writeFileSync(t.path('many.pem'), Array.from({ length: 24 }, () => pem('PKCS12', p12)).join(''));
    writeFileSync(t.path('right'), 'right\n');
    // Wrong password, --max-work 11: two MAC checks (5 million units each), then one refusal for the rest.
    const r = tlsw(['inspect', '--max-work', '11', '--password-file', t.path('pw'), t.path('many.pem')]);
    assert.equal(r.code, 1);
    const lines = r.err.trim().split('\n');
    assert.equal(lines.filter((l) => /wrong PKCS#12 password/.test(l)).length, 2, r.err);
    assert.match(lines[2], /many\.pem:\d+: block 3 \(PKCS12\): PKCS#12: refusing the PKCS#12 KDF with 1000000 iterations: too much key-derivation work for this file .*\(21 later blocks not decrypted\)$/);
    assert.equal(lines.length, 3, r.err);
    // Without a password: trying the empty one is bounded too (each keystore simply reported locked).
    const budget = WorkBudget.forCommand();
    const locked = readObjects(Buffer.from(Array.from({ length: 24 }, () => pem('PKCS12', p12)).join('')), { budget });
    assert.equal(locked.objects.length, 24);
    assert.ok(locked.objects.every((o) => o.kind === 'pkcs12' && !o.decrypted));
    assert.equal(budget.used, 0, 'a MAC at 10^6 iterations is over the probe allowance: not even tried');
  });

  it('readPkcs12 and p12 import take the budget; a wrong password costs the MAC only', () => {
    const budget = WorkBudget.forCommand({ perFile: 1_000_000 });
    assert.throws(() => readPkcs12(readFileSync(t.path('one.p12')), 'right', budget), (e: Error) => e instanceof WorkLimitError && /^PKCS#12: refusing/.test(e.message));
    const r = tlsw(['p12', 'import', '--max-work', '1', '--password-file', t.path('right'), '--out-dir', t.path('imp'), t.path('one.p12')]);
    assert.equal(r.code, 1);
    assert.match(r.err, /one\.p12: PKCS#12: refusing the PKCS#12 KDF with 1000000 iterations: too much key-derivation work for this file \(limit 1 million units/);
  });
});
