// Issuance that survives concurrency, failures and kills (issue 13, items 1, 2 and 7), on the real CLI:
// 20 concurrent `tlsw sign --serial-file` processes issue 20 distinct serials; a serial file that cannot be
// written means no certificate; a write killed with SIGKILL leaves no key without its certificate, and its
// temporary files are swept (and reported) by the next write; SIGINT leaves no temporary file; public outputs
// respect the umask; a friendly name "-rf" never becomes "-rf.key"; `ecflow fix` never chmods through a link
// to a file outside the folder; a missing --password-file never echoes what may be the password.
// Kills use the test hook TLSW_TEST_PAUSE_WRITE (src/core/files.ts): the write pauses, temporary files staged.
// Needs the built CLI (node esbuild.js → dist/cli.js) and openssl.

import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { assertOneLineFailure, CLI, mode, ossl, secretFile, type RunResult } from '../helpers/tlsw';

// Everything in one folder any user may read (a child may run as "nobody" when the tests run as root).
const root = mkdtempSync(join(tmpdir(), 'tlsw-issuance-'));
chmodSync(root, 0o755);
const cli = join(root, 'cli', 'cli.js');
const work = join(root, 'work');
const at = (f: string) => join(work, f);
const TEMP = /\.tlsw-[0-9a-f]{12}\.(tmp|bak)$/;

interface SpawnOptions {
  cwd?: string;
  env?: Record<string, string>;
  uid?: number;
  gid?: number;
}

/** `node cli.js args…` from a private copy of dist/ (a rebuild while the tests run cannot pull it away). */
function start(args: string[], opts: SpawnOptions = {}): { child: ChildProcess; done: Promise<RunResult> } {
  const env: NodeJS.ProcessEnv = { ...process.env, ...opts.env };
  delete env.NODE_TEST_CONTEXT;
  const child = spawn(process.execPath, [cli, ...args], { cwd: opts.cwd ?? work, env, uid: opts.uid, gid: opts.gid, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
  const done = new Promise<RunResult>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr, command: `tlsw ${args.join(' ')}` }));
  });
  return { child, done };
}

function tlsw(args: string[], opts: SpawnOptions = {}): Promise<RunResult> {
  return start(args, opts).done;
}

async function tlswOk(args: string[], opts: SpawnOptions = {}): Promise<RunResult> {
  const r = await tlsw(args, opts);
  assert.equal(r.code, 0, `${r.command}\n${r.stderr}`);
  return r;
}

function temps(dir: string): string[] {
  return readdirSync(dir).filter((n) => TEMP.test(n));
}

/** Resolves once `marker` exists (the paused write), or rejects if the process ends first. */
async function paused(marker: string, run: Promise<RunResult>): Promise<void> {
  let ended: RunResult | undefined;
  void run.then((r) => (ended = r));
  while (!existsSync(marker)) {
    if (ended) assert.fail(`the write never paused (TLSW_TEST_PAUSE_WRITE):\n${ended.command}\nexit ${ended.code}\n${ended.stderr}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function serialOf(cert: string): Promise<bigint> {
  const out = (await ossl(['x509', '-in', cert, '-noout', '-serial'])).stdout;
  const m = /serial=([0-9A-Fa-f]+)/.exec(out);
  assert.ok(m, out);
  return BigInt(`0x${m[1]}`);
}

before(async () => {
  mkdirSync(join(root, 'cli'));
  const dist = join(CLI, '..');
  for (const f of readdirSync(dist)) if (f.endsWith('.js')) copyFileSync(join(dist, f), join(root, 'cli', f));
  mkdirSync(work, { mode: 0o777 });
  chmodSync(work, 0o777);
  const o = { cwd: work };
  await ossl(
    ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'ca.key', '-out', 'ca.crt', '-subj', '/CN=Issuance Test CA', '-days', '3650',
      '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'],
    o,
  );
  await ossl(['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'leaf.key', '-out', 'leaf.csr', '-subj', '/CN=leaf.example'], o);
  chmodSync(at('ca.key'), 0o644); // the test CA's key: readable by a child running as another user
});

after(() => rmSync(root, { recursive: true, force: true }));

const SIGN = ['sign', '--ca', 'ca.crt', '--ca-key', 'ca.key', '--csr', 'leaf.csr', '--profile', 'server', '--days', '30'];

describe('serial files', () => {
  it('20 concurrent signers with one serial file issue 20 distinct serials, and the file ends at the highest', async () => {
    mkdirSync(at('race'));
    writeFileSync(at('race/ca.srl'), '1000\n');
    const runs = await Promise.all(Array.from({ length: 20 }, (_, i) => tlsw([...SIGN, '--serial-file', 'race/ca.srl', '-o', `race/c${i}.crt`])));
    for (const r of runs) assert.equal(r.code, 0, `${r.command}\n${r.stderr}`);
    const serials = await Promise.all(runs.map((_, i) => serialOf(at(`race/c${i}.crt`))));
    assert.equal(new Set(serials).size, 20, `serials: ${serials.map((s) => s.toString(16)).join(' ')}`);
    const expected = Array.from({ length: 20 }, (_, i) => 0x1001n + BigInt(i));
    assert.deepEqual([...serials].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)), expected);
    assert.equal(readFileSync(at('race/ca.srl'), 'utf8'), '1014\n');
    assert.deepEqual(readdirSync(at('race')).filter((n) => !n.endsWith('.crt')), ['ca.srl'], 'no lock or temporary file left');
  });

  it('a serial file that cannot be written: no certificate, non-zero exit, the serial file unchanged', async () => {
    const dir = at('ro');
    mkdirSync(dir);
    writeFileSync(join(dir, 'ca.srl'), '2000\n', { mode: 0o644 });
    chmodSync(dir, 0o555);
    chmodSync(work, 0o777);
    // root may write anywhere: run the signer as "nobody" then.
    const asUser = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
    const r = await tlsw([...SIGN, '--serial-file', 'ro/ca.srl', '-o', 'ro-signed.crt'], asUser);
    chmodSync(dir, 0o755);
    assertOneLineFailure(r, /ro\/ca\.srl/);
    assert.ok(!existsSync(at('ro-signed.crt')), 'no certificate without its serial recorded');
    assert.equal(readFileSync(join(dir, 'ca.srl'), 'utf8'), '2000\n');
    assert.deepEqual(readdirSync(dir), ['ca.srl']);
  });

  it('a certificate that cannot be written does not advance the serial file', async () => {
    writeFileSync(at('adv.srl'), '3000\n');
    assertOneLineFailure(await tlsw([...SIGN, '--serial-file', 'adv.srl', '-o', 'no-such-folder/x.crt']), /no-such-folder/);
    assert.equal(readFileSync(at('adv.srl'), 'utf8'), '3000\n');
    await tlswOk([...SIGN, '--serial-file', 'adv.srl', '-o', 'adv.crt']);
    assert.equal(await serialOf(at('adv.crt')), 0x3001n, 'the next certificate gets the next serial: none was skipped');
    assert.equal(readFileSync(at('adv.srl'), 'utf8'), '3001\n');
  });

  it('a lock left by a killed signer (its process gone) is broken, not waited on forever', async () => {
    writeFileSync(at('stale.srl'), '4000\n');
    // A process that has exited: its pid is free.
    const gone = start(['--version']);
    await gone.done;
    writeFileSync(at('stale.srl.lock'), `${gone.child.pid} ${(await import('node:os')).hostname()}\n`);
    await tlswOk([...SIGN, '--serial-file', 'stale.srl', '-o', 'stale.crt']);
    assert.equal(await serialOf(at('stale.crt')), 0x4001n);
    assert.ok(!existsSync(at('stale.srl.lock')));
  });
});

describe('temporary files', () => {
  it('SIGKILL during a write: no key without its certificate; the next write sweeps the temporary files and says so', async () => {
    const dir = at('killed');
    mkdirSync(dir);
    const marker = join(root, 'pause-kill');
    const w = start(['cert', '--new-key', 'ec', '--key-out', 'killed/k.key', '--subject', '/CN=killed.example', '-o', 'killed/c.crt'], { env: { TLSW_TEST_PAUSE_WRITE: marker } });
    await paused(marker, w.done);
    w.child.kill('SIGKILL');
    await w.done;
    unlinkSync(marker);
    const left = temps(dir);
    assert.equal(left.length, 2, `both temporary files staged: ${readdirSync(dir).join(' ')}`);
    assert.ok(!existsSync(join(dir, 'k.key')) && !existsSync(join(dir, 'c.crt')), 'nothing placed');
    const keyTemp = left.find((t) => readFileSync(join(dir, t), 'utf8').includes('PRIVATE KEY'));
    assert.ok(keyTemp?.startsWith('.k.key.tlsw-'), 'a temporary file holds the key');
    assert.equal(mode(join(dir, keyTemp!)), 0o600, 'the temporary file holding the key is 0600');
    // Fresh ones may be another writer's, still working: not swept.
    const fresh = await tlswOk(['key', '--type', 'ec', '-o', 'killed/other.key']);
    assert.deepEqual(temps(dir).sort(), [...left].sort());
    assert.doesNotMatch(fresh.stderr, /warning: removed/);
    // A minute later (aged here), the next write into the folder removes them and reports it.
    const old = new Date(Date.now() - 5 * 60_000);
    for (const t of left) utimesSync(join(dir, t), old, old);
    const next = await tlswOk(['key', '--type', 'ec', '-o', 'killed/another.key']);
    assert.deepEqual(temps(dir), []);
    for (const t of left) assert.match(next.stderr, new RegExp(`warning: removed killed/${t.replace(/\./g, '\\.')}, a temporary file left by an interrupted`));
    assert.deepEqual(readdirSync(dir).sort(), ['another.key', 'other.key']);
  });

  it('SIGINT during a write leaves no temporary file, and all outputs or none', async () => {
    const dir = at('interrupted');
    mkdirSync(dir);
    const marker = join(root, 'pause-int');
    const w = start(['cert', '--new-key', 'ec', '--key-out', 'interrupted/k.key', '--subject', '/CN=int.example', '-o', 'interrupted/c.crt'], { env: { TLSW_TEST_PAUSE_WRITE: marker } });
    await paused(marker, w.done);
    w.child.kill('SIGINT');
    unlinkSync(marker);
    await w.done;
    assert.deepEqual(temps(dir), []);
    const names = readdirSync(dir).sort();
    assert.ok(names.length === 0 || (names.length === 2 && names[0] === 'c.crt' && names[1] === 'k.key'), names.join(' '));
  });

  it('SIGINT while waiting for a serial file lock: exits, leaving the other holder’s lock alone', async () => {
    writeFileSync(at('busy.srl'), '5000\n');
    writeFileSync(at('busy.srl.lock'), `${process.pid} ${(await import('node:os')).hostname()}\n`); // held by a live process: this test
    const w = start([...SIGN, '--serial-file', 'busy.srl', '-o', 'busy.crt']);
    // Let it reach the lock (it cannot take it), then interrupt.
    await new Promise((r) => setTimeout(r, 500));
    w.child.kill('SIGINT');
    const r = await w.done;
    assert.notEqual(r.code, 0);
    assert.ok(existsSync(at('busy.srl.lock')), 'the lock of another process is not removed');
    assert.ok(!existsSync(at('busy.crt')));
    assert.equal(readFileSync(at('busy.srl'), 'utf8'), '5000\n');
    assert.deepEqual(temps(work), []);
    unlinkSync(at('busy.srl.lock'));
  });
});

describe('output names and modes', () => {
  it('public outputs respect the umask; secrets stay 0600', async () => {
    const saved = process.umask(0o077);
    try {
      await tlswOk(['cert', '--new-key', 'ec', '--key-out', 'u77.key', '--subject', '/CN=umask.example', '-o', 'u77.crt']);
      process.umask(0o022);
      await tlswOk(['cert', '--new-key', 'ec', '--key-out', 'u22.key', '--subject', '/CN=umask.example', '-o', 'u22.crt']);
      process.umask(0o000);
      await tlswOk(['cert', '--new-key', 'ec', '--key-out', 'u00.key', '--subject', '/CN=umask.example', '-o', 'u00.crt']);
    } finally {
      process.umask(saved);
    }
    assert.equal(mode(at('u77.crt')), 0o600);
    assert.equal(mode(at('u22.crt')), 0o644);
    assert.equal(mode(at('u00.crt')), 0o644, 'never more than 0644');
    for (const k of ['u77.key', 'u22.key', 'u00.key']) assert.equal(mode(at(k)), 0o600, k);
  });

  it('a friendly name "-rf" becomes _rf.key / _rf.crt, never a name starting with "-"', async () => {
    secretFile(at('p12pw'), 'p12 pass');
    await ossl(['pkcs12', '-export', '-in', 'ca.crt', '-inkey', 'ca.key', '-name', '-rf', '-passout', 'file:p12pw', '-out', 'rf.p12'], { cwd: work });
    mkdirSync(at('rf-out'));
    await tlswOk(['p12', 'import', 'rf.p12', '--password-file', 'p12pw', '--out-dir', 'rf-out']);
    const names = readdirSync(at('rf-out')).sort();
    assert.deepEqual(names, ['_rf.crt', '_rf.key']);
  });
});

describe('ecflow fix and a symbolic link', () => {
  it('does not change the mode of a file outside the folder through a symlinked server.key', async () => {
    const dir = at('ecf');
    await tlswOk(['ecflow', 'init', '--dir', dir, '--mode', 'shared', '--type', 'ec', '--port', '3141']);
    const outside = at('outside-precious.key');
    copyFileSync(join(dir, 'server.key'), outside);
    chmodSync(outside, 0o644);
    unlinkSync(join(dir, 'server.key'));
    symlinkSync(outside, join(dir, 'server.key'));
    const r = await tlsw(['ecflow', 'fix', '--dir', dir, '--mode', 'shared', '--port', '3141']);
    assert.notEqual(r.code, 0, r.stderr);
    assert.equal(mode(outside), 0o644, 'the file outside the folder keeps its mode');
    assert.ok(lstatSync(join(dir, 'server.key')).isSymbolicLink());
    assert.match(r.stderr, /symbolic link to .*outside-precious\.key, outside the folder: its mode was not changed/);
  });
});

describe('--password-file naming a file that does not exist', () => {
  it('says "the password file does not exist", without echoing a name that may be the password', async () => {
    const r = await tlsw(['p12', 'import', 'rf.p12', '--password-file', 'hunter2', '--out-dir', 'never']);
    assertOneLineFailure(r, /the password file does not exist/, { secrets: ['hunter2'] });
    const k = await tlsw(['key', '--type', 'ec', '--passphrase-file', 'Tr0ub4dor&3', '-o', 'never.key']);
    assertOneLineFailure(k, /the passphrase file does not exist/, { secrets: ['Tr0ub4dor&3'] });
    // A name that looks like a path is shown: the user needs to see which file is missing.
    const p = await tlsw(['p12', 'import', 'rf.p12', '--password-file', 'secrets/pw.txt', '--out-dir', 'never']);
    assertOneLineFailure(p, /secrets\/pw\.txt: the password file does not exist/);
    assert.ok(!existsSync(at('never')) && !existsSync(at('never.key')));
  });
});
