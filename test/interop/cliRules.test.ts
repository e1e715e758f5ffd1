// The `tlsw` CLI's rules, checked on the real binary (dist/cli.js) with OpenSSL as the referee:
// nothing overwritten without --force; all outputs or none; secrets (keys, PKCS#12) mode 0600 whatever the umask;
// secrets only from files or stdin, never from argv and never echoed; one-line failures with exit 1;
// lints printed as warnings before writing; refusals (non-CA issuer, mismatched CA key, a leaf outliving its CA).

import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { assertOneLineFailure, mode, ossl, pemLabels, reqVerify, reqVerifyFails, secretFile, tlsw, tlswOk, warnings, type RunResult } from '../helpers/tlsw';
import { tempDir } from '../helpers/tools';

const tmp = tempDir('tlsw-rules-');
const at = (f: string) => tmp.path(f);
const opts = { cwd: tmp.dir };
const SECRET = 'Very-Secret passphrase 42';
const WRONG = 'an entirely wrong guess 17';
const PRECIOUS = 'precious contents, not to be lost\n';

let savedUmask = 0;

before(async () => {
  // umask 0: the children inherit it, so mode 0600 on secrets must come from tlsw itself, not the environment
  savedUmask = process.umask(0);
  secretFile(at('pw'), SECRET);
  secretFile(at('wrong'), WRONG);
  await Promise.all([
    tlswOk(['ca', 'init', '--subject', '/O=Rules/CN=Rules Root', '--days', '3650', '--key-out', 'ca.key', '-o', 'ca.crt'], opts),
    tlswOk(['ca', 'init', '--subject', '/O=Rules/CN=Other Root', '--key-out', 'other-ca.key', '-o', 'other-ca.crt'], opts),
    tlswOk(['cert', '--new-key', 'ec', '--key-out', 'leaf.key', '--subject', '/CN=leaf.example', '-o', 'leaf.crt'], opts),
    tlswOk(['key', '--type', 'ec', '--passphrase-file', 'pw', '-o', 'enc.key'], opts),
    tlswOk(['csr', '--new-key', 'ec', '--key-out', 'req.key', '--subject', '/CN=req.example', '--san', 'dns:req.example', '-o', 'req.csr'], opts),
  ]);
  await tlswOk(['p12', 'export', '--cert', 'leaf.crt', '--key', 'leaf.key', '--name', 'leaf', '--password-file', 'pw', '-o', 'leaf.p12'], opts);
});

after(() => {
  process.umask(savedUmask);
  tmp.cleanup();
});

/** A file with precious contents (mode 0644) standing where an output would go. */
function precious(name: string): string {
  writeFileSync(at(name), PRECIOUS, { mode: 0o644 });
  return name;
}

function untouched(name: string): void {
  assert.equal(readFileSync(at(name), 'utf8'), PRECIOUS, `${name} must be left as it was`);
}

/** Each writing command, its output in `out`, and an openssl check of a (forced) result. */
const WRITERS: { name: string; args: (out: string) => string[]; secret: boolean; check: (out: string) => Promise<unknown> }[] = [
  { name: 'key', args: (o) => ['key', '--type', 'ec', '-o', o], secret: true, check: (o) => ossl(['pkey', '-in', o, '-check', '-noout'], opts) },
  { name: 'key pub', args: (o) => ['key', 'pub', 'leaf.key', '-o', o], secret: false, check: (o) => ossl(['pkey', '-pubin', '-in', o, '-noout'], opts) },
  {
    name: 'key passphrase',
    args: (o) => ['key', 'passphrase', 'enc.key', '--remove', '--passphrase-file', 'pw', '-o', o],
    secret: true,
    check: (o) => ossl(['pkey', '-in', o, '-check', '-noout'], opts),
  },
  { name: 'csr', args: (o) => ['csr', '--key', 'leaf.key', '--subject', '/CN=x', '-o', o], secret: false, check: (o) => reqVerify(o, opts) },
  { name: 'cert', args: (o) => ['cert', '--key', 'leaf.key', '--subject', '/CN=x', '-o', o], secret: false, check: (o) => ossl(['x509', '-in', o, '-noout'], opts) },
  {
    name: 'sign',
    args: (o) => ['sign', '--ca', 'ca.crt', '--ca-key', 'ca.key', '--csr', 'req.csr', '--profile', 'server', '-o', o],
    secret: false,
    check: (o) => ossl(['verify', '-CAfile', 'ca.crt', o], opts),
  },
  {
    name: 'p12 export',
    args: (o) => ['p12', 'export', '--cert', 'leaf.crt', '--key', 'leaf.key', '--password-file', 'pw', '-o', o],
    secret: true,
    check: (o) => ossl(['pkcs12', '-in', o, '-passin', `file:${at('pw')}`, '-info', '-noout'], opts),
  },
  { name: 'convert', args: (o) => ['convert', 'leaf.crt', '--to', 'der', '-o', o], secret: false, check: (o) => ossl(['x509', '-inform', 'DER', '-in', o, '-noout'], opts) },
  { name: 'bundle', args: (o) => ['bundle', 'leaf.crt', '-o', o], secret: false, check: (o) => ossl(['x509', '-in', o, '-noout'], opts) },
];

describe('no overwrite: an existing file is left byte-for-byte without --force, and replaced with it', { concurrency: true }, () => {
  for (const w of WRITERS) {
    it(`tlsw ${w.name}`, async () => {
      const out = precious(`existing-${w.name.replace(/ /g, '-')}.out`);
      assertOneLineFailure(await tlsw(w.args(out), opts), /already exists.*--force/);
      untouched(out);
      await tlswOk([...w.args(out), '--force'], opts);
      assert.notEqual(readFileSync(at(out), 'utf8'), PRECIOUS);
      await w.check(out);
      if (w.secret) assert.equal(mode(at(out)), 0o600, 'a secret written over a 0644 file is 0600');
    });
  }

  it('tlsw ca init (the certificate and the key)', async () => {
    const crt = precious('existing-ca.crt');
    assertOneLineFailure(await tlsw(['ca', 'init', '--subject', '/CN=x', '--key-out', 'existing-ca.key', '-o', crt], opts), /already exists/);
    untouched(crt);
    assert.equal(existsSync(at('existing-ca.key')), false);
    await tlswOk(['ca', 'init', '--subject', '/CN=x', '--key-out', 'existing-ca.key', '-o', crt, '--force'], opts);
    assert.match((await ossl(['verify', '-CAfile', crt, crt], opts)).stdout, /OK/);
  });

  it('tlsw p12 import (every output)', async () => {
    mkdirSync(at('import-existing'));
    precious('import-existing/leaf.key');
    assertOneLineFailure(await tlsw(['p12', 'import', 'leaf.p12', '--password-file', 'pw', '--out-dir', 'import-existing'], opts), /already exists/);
    untouched('import-existing/leaf.key');
    assert.equal(existsSync(at('import-existing/leaf.crt')), false, 'all or nothing: the certificate is not written either');
    await tlswOk(['p12', 'import', 'leaf.p12', '--password-file', 'pw', '--out-dir', 'import-existing', '--force'], opts);
    assert.equal(mode(at('import-existing/leaf.key')), 0o600);
    assert.deepEqual(readFileSync(at('import-existing/leaf.crt')), readFileSync(at('leaf.crt')));
  });
});

describe('all or nothing: a certificate and its new key are written together or not at all', () => {
  it('cert: the certificate target exists → the new key is not written', async () => {
    precious('aon.crt');
    assertOneLineFailure(await tlsw(['cert', '--new-key', 'ec', '--key-out', 'aon.key', '--subject', '/CN=x', '-o', 'aon.crt'], opts), /aon\.crt already exists/);
    untouched('aon.crt');
    assert.equal(existsSync(at('aon.key')), false);
  });

  it('cert: the key target exists → no certificate for a key that was thrown away', async () => {
    precious('aon2.key');
    assertOneLineFailure(await tlsw(['cert', '--new-key', 'ec', '--key-out', 'aon2.key', '--subject', '/CN=x', '-o', 'aon2.crt'], opts), /aon2\.key already exists/);
    untouched('aon2.key');
    assert.equal(existsSync(at('aon2.crt')), false);
  });

  it('csr and ca init behave the same', async () => {
    precious('aon3.csr');
    assertOneLineFailure(await tlsw(['csr', '--new-key', 'rsa', '--key-out', 'aon3.key', '--subject', '/CN=x', '-o', 'aon3.csr'], opts), /already exists/);
    assert.equal(existsSync(at('aon3.key')), false);
    precious('aon4.key');
    assertOneLineFailure(await tlsw(['ca', 'init', '--subject', '/CN=x', '--key-out', 'aon4.key', '-o', 'aon4.crt'], opts), /already exists/);
    untouched('aon4.key');
    assert.equal(existsSync(at('aon4.crt')), false);
  });

  it('one path named for both outputs is refused before anything is generated', async () => {
    const r = await tlsw(['cert', '--new-key', 'ec', '--key-out', 'same.pem', '--subject', '/CN=x', '-o', 'same.pem'], opts);
    assert.notEqual(r.code, 0);
    assert.equal(existsSync(at('same.pem')), false);
  });

  it('sign with a serial file: when the certificate cannot be written, the serial is not consumed', async () => {
    await tlswOk(['sign', '--ca', 'ca.crt', '--ca-key', 'ca.key', '--csr', 'req.csr', '--profile', 'server', '--serial-file', 'aon.srl', '-o', 'aon-signed.crt'], opts);
    const srl = readFileSync(at('aon.srl'), 'utf8');
    precious('aon-signed2.crt');
    assertOneLineFailure(await tlsw(['sign', '--ca', 'ca.crt', '--ca-key', 'ca.key', '--csr', 'req.csr', '--profile', 'server', '--serial-file', 'aon.srl', '-o', 'aon-signed2.crt'], opts), /already exists/);
    assert.equal(readFileSync(at('aon.srl'), 'utf8'), srl);
    // a refused signing (the CA key does not match) does not consume one either
    assertOneLineFailure(await tlsw(['sign', '--ca', 'ca.crt', '--ca-key', 'other-ca.key', '--csr', 'req.csr', '--profile', 'server', '--serial-file', 'aon.srl', '-o', 'aon-signed3.crt'], opts), /does not match/);
    assert.equal(readFileSync(at('aon.srl'), 'utf8'), srl);
    assert.equal(existsSync(at('aon-signed3.crt')), false);
  });
});

describe('secrets: private keys and keystores are mode 0600 (umask 0 in the test), certificates are not locked down', () => {
  it('every way a private key or PKCS#12 is written gives mode 0600', async () => {
    const jobs: [string[], string[]][] = [
      [['key', '--type', 'rsa', '-o', 'm-rsa.key'], ['m-rsa.key']],
      [['key', '--type', 'ec', '--format', 'traditional', '-o', 'm-trad.key'], ['m-trad.key']],
      [['key', '--type', 'ed25519', '--format', 'der', '-o', 'm.der'], ['m.der']],
      [['key', '--type', 'ec', '--passphrase-file', 'pw', '-o', 'm-enc.key'], ['m-enc.key']],
      [['key', '--type', 'ec', '--passphrase-file', 'pw', '--legacy', '-o', 'm-legacy.key'], ['m-legacy.key']],
      [['key', 'passphrase', 'leaf.key', '--add', '--new-passphrase-file', 'pw', '-o', 'm-added.key'], ['m-added.key']],
      [['cert', '--new-key', 'ec', '--key-out', 'm-cert.key', '--subject', '/CN=m', '-o', 'm-cert.crt'], ['m-cert.key']],
      [['csr', '--new-key', 'ed25519', '--key-out', 'm-csr.key', '--subject', '/CN=m', '-o', 'm-csr.csr'], ['m-csr.key']],
      [['ca', 'init', '--subject', '/CN=m', '--key-out', 'm-ca.key', '-o', 'm-ca.crt'], ['m-ca.key']],
      [['p12', 'export', '--cert', 'leaf.crt', '--key', 'leaf.key', '--password-file', 'pw', '--legacy', '-o', 'm.p12'], ['m.p12']],
      [['convert', 'leaf.key', '--to', 'der', '-o', 'm-conv.der'], ['m-conv.der']],
      [['p12', 'import', 'leaf.p12', '--password-file', 'pw', '--out-dir', 'm-import'], ['m-import/leaf.key']],
    ];
    mkdirSync(at('m-import'));
    await Promise.all(jobs.map(([args]) => tlswOk(args, opts)));
    for (const [args, secrets] of jobs) for (const s of secrets) assert.equal(mode(at(s)), 0o600, `${s} (tlsw ${args.join(' ')})`);
    // public material is not made secret (here umask 0: readable by others)
    for (const p of ['m-cert.crt', 'm-csr.csr', 'm-ca.crt', 'm-import/leaf.crt']) assert.notEqual(mode(at(p)) & 0o044, 0, `${p} is public`);
  });
});

describe('secrets never on argv, never echoed', () => {
  const COMMANDS: string[][] = [
    ['key', '--type', 'ec', '-o', 'argv.key'],
    ['key', 'pub', 'enc.key', '-o', 'argv.pub'],
    ['key', 'passphrase', 'enc.key', '--remove', '-o', 'argv2.key'],
    ['csr', '--key', 'enc.key', '--subject', '/CN=x', '-o', 'argv.csr'],
    ['cert', '--key', 'enc.key', '--subject', '/CN=x', '-o', 'argv.crt'],
    ['ca', 'init', '--subject', '/CN=x', '--key-out', 'argv-ca.key', '-o', 'argv-ca.crt'],
    ['sign', '--ca', 'ca.crt', '--ca-key', 'ca.key', '--csr', 'req.csr', '--profile', 'server', '-o', 'argv-signed.crt'],
    ['p12', 'export', '--cert', 'leaf.crt', '--key', 'leaf.key', '-o', 'argv.p12'],
    ['p12', 'import', 'leaf.p12', '--out-dir', '.'],
    ['inspect', 'leaf.p12'],
    ['verify', '--cert', 'leaf.crt', '--key', 'enc.key'],
  ];

  it('no command takes a password or passphrase as an option value (--password, --passphrase, --pass, --passin …): exit 2, not echoed', async () => {
    // every command with --password or --passphrase (alternately), and the other spellings on p12 export and key
    const attempts = [
      ...COMMANDS.map((c, i) => [...c, i % 2 ? '--passphrase' : '--password', SECRET]),
      ...['--password', '--pass', '--passin', '--passout', '--key-passphrase'].map((o) => [...COMMANDS[7], o, SECRET]),
      ...['--passphrase', '--pass', '--new-passphrase', '--ca-passphrase'].map((o) => [...COMMANDS[0], o, SECRET]),
    ];
    const results = await Promise.all(attempts.map((a) => tlsw(a, opts)));
    for (const r of results) {
      assert.equal(r.code, 2, `usage error expected:\n${r.command}\n${r.stderr}`);
      assert.match(r.stderr, /Unknown option/i, r.command);
      assert.ok(!r.stderr.includes(SECRET) && !r.stdout.includes(SECRET), `echoed: ${r.command}`);
    }
    for (const c of ['argv.key', 'argv.pub', 'argv2.key', 'argv.csr', 'argv.crt', 'argv-ca.key', 'argv-ca.crt', 'argv-signed.crt', 'argv.p12']) assert.equal(existsSync(at(c)), false, c);
  });

  it('every --help offers secrets only as files (…-file F)', async () => {
    const helps = await Promise.all(
      [['--help'], ['key', '--help'], ['csr', '--help'], ['cert', '--help'], ['ca', '--help'], ['sign', '--help'], ['p12', '--help'], ['convert', '--help'], ['bundle', '--help'], ['verify', '--help'], ['inspect', '--help']].map((a) =>
        tlswOk(a, opts),
      ),
    );
    for (const h of helps) {
      const options = [...h.stdout.matchAll(/--([a-z0-9-]+)/g)].map((m) => m[1]);
      assert.ok(options.length > 0, h.command);
      for (const o of options.filter((x) => /pass|secret|pin/.test(x))) assert.match(o, /-file$/, `${h.command}: --${o}`);
    }
  });

  it('"-" reads the secret from standard input (and openssl agrees on what it was)', async () => {
    await tlswOk(['key', '--type', 'ec', '--passphrase-file', '-', '-o', 'stdin.key'], { ...opts, input: `${SECRET}\n` });
    assert.match((await ossl(['pkey', '-in', 'stdin.key', '-check', '-noout', '-passin', `file:${at('pw')}`], opts)).stdout, /Key is valid/);
    await tlswOk(['p12', 'export', '--cert', 'leaf.crt', '--key', 'leaf.key', '--password-file', '-', '-o', 'stdin.p12'], { ...opts, input: `${SECRET}\n` });
    await ossl(['pkcs12', '-in', 'stdin.p12', '-passin', `file:${at('pw')}`, '-info', '-noout'], opts);
    assertOneLineFailure(await tlsw(['key', '--type', 'ec', '--passphrase-file', '-', '-o', 'stdin-empty.key'], { ...opts, input: '' }), /standard input/);
    assert.equal(existsSync(at('stdin-empty.key')), false);
  });

  it('successful runs never print the secret', async () => {
    const runs = await Promise.all([
      tlswOk(['key', 'pub', 'enc.key', '--passphrase-file', 'pw', '-o', 'echo.pub'], opts),
      tlswOk(['p12', 'export', '--cert', 'leaf.crt', '--key', 'leaf.key', '--password-file', 'pw', '-o', 'echo.p12'], opts),
      tlswOk(['inspect', 'leaf.p12', '--password-file', 'pw'], opts),
      tlswOk(['inspect', 'enc.key', '--password-file', 'pw', '--json'], opts),
      tlswOk(['verify', '--cert', 'leaf.crt', '--key', 'leaf.key'], opts),
    ]);
    for (const r of runs) assert.ok(!r.stdout.includes(SECRET) && !r.stderr.includes(SECRET), r.command);
  });

  it('a wrong passphrase or password: exit 1, one line, neither the wrong nor the right secret echoed, nothing written', async () => {
    mkdirSync(at('wrong-import'));
    const cases: [string[], string | undefined][] = [
      [['key', 'pub', 'enc.key', '--passphrase-file', 'wrong', '-o', 'w.pub'], 'w.pub'],
      [['key', 'passphrase', 'enc.key', '--remove', '--passphrase-file', 'wrong', '-o', 'w.key'], 'w.key'],
      [['key', 'passphrase', 'enc.key', '--change', '--passphrase-file', 'wrong', '--new-passphrase-file', 'pw', '-o', 'w2.key'], 'w2.key'],
      [['csr', '--key', 'enc.key', '--passphrase-file', 'wrong', '--subject', '/CN=x', '-o', 'w.csr'], 'w.csr'],
      [['cert', '--key', 'enc.key', '--passphrase-file', 'wrong', '--subject', '/CN=x', '-o', 'w.crt'], 'w.crt'],
      [['sign', '--ca', 'leaf.crt', '--ca-key', 'enc.key', '--ca-passphrase-file', 'wrong', '--csr', 'req.csr', '--profile', 'server', '-o', 'w-signed.crt'], 'w-signed.crt'],
      [['p12', 'export', '--cert', 'leaf.crt', '--key', 'enc.key', '--passphrase-file', 'wrong', '--password-file', 'pw', '-o', 'w.p12'], 'w.p12'],
      [['p12', 'import', 'leaf.p12', '--password-file', 'wrong', '--out-dir', 'wrong-import'], 'wrong-import/leaf.key'],
      [['verify', '--cert', 'leaf.crt', '--key', 'enc.key', '--passphrase-file', 'wrong'], undefined],
    ];
    const results = await Promise.all(cases.map(([args]) => tlsw(args, opts)));
    results.forEach((r, i) => {
      assertOneLineFailure(r, /wrong (passphrase|PKCS#12 password)|password|passphrase/i, { secrets: [SECRET, WRONG] });
      const out = cases[i][1];
      if (out) assert.equal(existsSync(at(out)), false, `${out} not written`);
    });
  });

  it('an encrypted key without its passphrase file: one line naming the option to use', async () => {
    assertOneLineFailure(await tlsw(['csr', '--key', 'enc.key', '--subject', '/CN=x', '-o', 'nopass.csr'], opts), /encrypted.*--passphrase-file/);
    assertOneLineFailure(await tlsw(['sign', '--ca', 'ca.crt', '--ca-key', 'enc.key', '--csr', 'req.csr', '--profile', 'server', '-o', 'nopass.crt'], opts), /encrypted.*--ca-passphrase-file/);
  });
});

describe('lints: printed as warnings before anything is written', () => {
  const lines = (r: RunResult) => r.stderr.split('\n').filter((l) => l !== '');

  it('RSA below 2048 bits is refused (key, csr, cert, ca init, sign) unless --allow-weak, which warns', async () => {
    const refused = await Promise.all([
      tlsw(['key', '--type', 'rsa', '--bits', '1024', '-o', 'weak.key'], opts),
      tlsw(['csr', '--new-key', 'rsa', '--bits', '1024', '--key-out', 'weak-csr.key', '--subject', '/CN=w', '-o', 'weak.csr'], opts),
      tlsw(['cert', '--new-key', 'rsa', '--bits', '1024', '--key-out', 'weak-cert.key', '--subject', '/CN=w', '-o', 'weak.crt'], opts),
      tlsw(['ca', 'init', '--type', 'rsa', '--bits', '1024', '--subject', '/CN=w', '--key-out', 'weak-ca.key', '-o', 'weak-ca.crt'], opts),
    ]);
    for (const r of refused) assertOneLineFailure(r, /1024/);
    for (const f of ['weak.key', 'weak-csr.key', 'weak.csr', 'weak-cert.key', 'weak.crt', 'weak-ca.key', 'weak-ca.crt']) assert.equal(existsSync(at(f)), false, f);
    // a 1024-bit CSR made by openssl is not signed either
    await ossl(['genrsa', '-out', 'o1024.key', '1024'], opts);
    await ossl(['req', '-new', '-key', 'o1024.key', '-subj', '/CN=weak', '-out', 'o1024.csr'], opts);
    assertOneLineFailure(await tlsw(['sign', '--ca', 'ca.crt', '--ca-key', 'ca.key', '--csr', 'o1024.csr', '--profile', 'client', '-o', 'o1024.crt'], opts), /1024/);
    assert.equal(existsSync(at('o1024.crt')), false);
    // --allow-weak: written, with a warning, and openssl reads the result
    await tlswOk(['key', '--type', 'rsa', '--bits', '1024', '--allow-weak', '-o', 'weak.key'], opts);
    assert.match((await ossl(['pkey', '-in', 'weak.key', '-noout', '-text'], opts)).stdout, /Private-Key: \(1024 bit/);
    const r = await tlswOk(['cert', '--key', 'weak.key', '--allow-weak', '--subject', '/CN=w', '-o', 'weak.crt'], opts);
    assert.ok(warnings(r).some((w) => /RSA key of 1024 bits/.test(w)), r.stderr);
    assert.match((await ossl(['x509', '-in', 'weak.crt', '-noout', '-text'], opts)).stdout, /Public-Key: \(1024 bit\)/);
  });

  it('validity: over 398 days warns (public CAs), over 825 days warns (Apple); 365 and 398 are quiet', async () => {
    const [d365, d398, d399, d825, d826, s826] = await Promise.all([
      tlswOk(['cert', '--key', 'leaf.key', '--subject', '/CN=v', '--days', '365', '-o', 'v365.crt'], opts),
      tlswOk(['cert', '--key', 'leaf.key', '--subject', '/CN=v', '--days', '398', '-o', 'v398.crt'], opts),
      tlswOk(['cert', '--key', 'leaf.key', '--subject', '/CN=v', '--days', '399', '-o', 'v399.crt'], opts),
      tlswOk(['cert', '--key', 'leaf.key', '--subject', '/CN=v', '--days', '825', '-o', 'v825.crt'], opts),
      tlswOk(['cert', '--key', 'leaf.key', '--subject', '/CN=v', '--days', '826', '-o', 'v826.crt'], opts),
      tlswOk(['sign', '--ca', 'ca.crt', '--ca-key', 'ca.key', '--csr', 'req.csr', '--profile', 'server', '--days', '826', '-o', 's826.crt'], opts),
    ]);
    assert.deepEqual(warnings(d365), []);
    assert.deepEqual(warnings(d398), []);
    assert.equal(warnings(d399).length, 1);
    assert.match(warnings(d399)[0], /399 days.*398/);
    assert.equal(warnings(d825).length, 1);
    for (const r of [d826, s826]) {
      assert.equal(warnings(r).length, 2, r.stderr);
      assert.match(warnings(r)[1], /826 days.*Apple.*825/);
      // the warnings come before the "wrote" lines
      const l = lines(r);
      assert.ok(l.findIndex((x) => x.startsWith("wrote ")) > l.map((x) => x.startsWith("warning: ")).lastIndexOf(true), r.stderr);
    }
  });

  it('a server certificate without SANs, a public-suffix wildcard, an IP in a DNS SAN: each a warning', async () => {
    const [noSan, star, ipDns] = await Promise.all([
      tlswOk(['cert', '--key', 'leaf.key', '--subject', '/O=No Name', '-o', 'nosan.crt'], opts),
      tlswOk(['cert', '--key', 'leaf.key', '--subject', '/CN=*.com', '-o', 'star.crt'], opts),
      tlswOk(['cert', '--key', 'leaf.key', '--subject', '/CN=ip', '--san', 'dns:10.1.2.3', '-o', 'ipdns.crt'], opts),
    ]);
    assert.match(warnings(noSan).join('\n'), /without DNS or IP subjectAltNames/);
    assert.match(warnings(star).join('\n'), /\*\.com/);
    assert.match(warnings(ipDns).join('\n'), /10\.1\.2\.3.*ip:10\.1\.2\.3/);
  });

  it('SHA-1 does not apply: tlsw never signs with SHA-1, even a CSR that openssl signed with SHA-1', async () => {
    await ossl(['req', '-new', '-key', 'leaf.key', '-sha1', '-subj', '/CN=sha1.example', '-out', 'sha1.csr'], opts);
    assert.match((await ossl(['req', '-in', 'sha1.csr', '-noout', '-text'], opts)).stdout, /ecdsa-with-SHA1/);
    await tlswOk(['sign', '--ca', 'ca.crt', '--ca-key', 'ca.key', '--csr', 'sha1.csr', '--profile', 'server', '-o', 'sha1-signed.crt'], opts);
    const text = (await ossl(['x509', '-in', 'sha1-signed.crt', '-noout', '-text'], opts)).stdout;
    const algs = [...text.matchAll(/Signature Algorithm: (.+)/g)].map((m) => m[1].trim());
    assert.deepEqual(algs, ['ecdsa-with-SHA256', 'ecdsa-with-SHA256']);
  });
});

describe('refusals: exit 1 with a one-line reason, nothing written', () => {
  it('signing with a certificate that is not a CA', async () => {
    const r = await tlsw(['sign', '--ca', 'leaf.crt', '--ca-key', 'leaf.key', '--csr', 'req.csr', '--profile', 'server', '-o', 'r1.crt'], opts);
    assertOneLineFailure(r, /^tlsw sign: the issuer certificate is not a CA/);
    assert.equal(existsSync(at('r1.crt')), false);
  });

  it('a CA key that does not match the CA certificate', async () => {
    const r = await tlsw(['sign', '--ca', 'ca.crt', '--ca-key', 'other-ca.key', '--csr', 'req.csr', '--profile', 'server', '-o', 'r2.crt'], opts);
    assertOneLineFailure(r, /^tlsw sign: the CA private key does not match the CA certificate/);
    assert.equal(existsSync(at('r2.crt')), false);
    const i = await tlsw(['ca', 'init', '--parent-ca', 'ca.crt', '--parent-key', 'other-ca.key', '--subject', '/CN=int', '--key-out', 'r2i.key', '-o', 'r2i.crt'], opts);
    assertOneLineFailure(i, /does not match/);
    assert.equal(existsSync(at('r2i.key')), false);
  });

  it('a leaf outliving its CA, unless --force-validity (then a warning, and openssl still verifies it today)', async () => {
    const r = await tlsw(['sign', '--ca', 'ca.crt', '--ca-key', 'ca.key', '--csr', 'req.csr', '--profile', 'client', '--days', '4000', '-o', 'r3.crt'], opts);
    assertOneLineFailure(r, /outlive its CA/);
    assert.equal(existsSync(at('r3.crt')), false);
    const forced = await tlswOk(['sign', '--ca', 'ca.crt', '--ca-key', 'ca.key', '--csr', 'req.csr', '--profile', 'client', '--days', '4000', '--force-validity', '-o', 'r3.crt'], opts);
    assert.match(warnings(forced).join('\n'), /after its issuer/);
    assert.match((await ossl(['verify', '-CAfile', 'ca.crt', 'r3.crt'], opts)).stdout, /OK/);
  });

  it('a CSR whose signature does not verify (tampered)', async () => {
    const bytes = Buffer.from(readFileSync(at('req.csr'), 'utf8').replace(/-----[^\n]+-----/g, '').replace(/\s+/g, ''), 'base64');
    bytes[bytes.length - 5] ^= 0x01; // inside the signature
    writeFileSync(at('tampered.csr'), bytes);
    await reqVerifyFails('tampered.csr', opts, 'DER'); // openssl agrees it is broken
    assertOneLineFailure(await tlsw(['sign', '--ca', 'ca.crt', '--ca-key', 'ca.key', '--csr', 'tampered.csr', '--profile', 'server', '-o', 'r4.crt'], opts), /signature/);
    assert.equal(existsSync(at('r4.crt')), false);
  });

  it('a CA below a pathLen 0 intermediate, and a p12 whose key is not the certificate’s', async () => {
    await tlswOk(['ca', 'init', '--parent-ca', 'ca.crt', '--parent-key', 'ca.key', '--subject', '/CN=Issuing', '--key-out', 'int.key', '-o', 'int.crt'], opts);
    assertOneLineFailure(await tlsw(['ca', 'init', '--parent-ca', 'int.crt', '--parent-key', 'int.key', '--subject', '/CN=Sub', '--key-out', 'sub.key', '-o', 'sub.crt'], opts), /pathLen 0/);
    assert.equal(existsSync(at('sub.key')), false);
    assertOneLineFailure(await tlsw(['sign', '--ca', 'int.crt', '--ca-key', 'int.key', '--csr', 'req.csr', '--profile', 'intermediate', '-o', 'sub2.crt'], opts), /pathLen 0/);
    assertOneLineFailure(await tlsw(['p12', 'export', '--cert', 'leaf.crt', '--key', 'req.key', '--password-file', 'pw', '-o', 'mismatch.p12'], opts), /not the private key/);
    assert.equal(existsSync(at('mismatch.p12')), false);
  });

  it('usage errors exit 2 (a missing -o, an unknown command)', async () => {
    assert.equal((await tlsw(['key', '--type', 'ec'], opts)).code, 2);
    assert.equal((await tlsw(['frobnicate'], opts)).code, 2);
    assert.equal((await tlsw(['sign', '--ca', 'ca.crt', '--ca-key', 'ca.key', '--csr', 'req.csr', '-o', 'np.crt'], opts)).code, 2, '--profile is required');
    assert.equal(pemLabels(at('leaf.crt')).length, 1);
  });
});
