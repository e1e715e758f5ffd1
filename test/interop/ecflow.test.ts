// ecFlow SSL layouts against the real thing (Debian's ecflow-server and ecflow-client): `tlsw ecflow init` into a
// temporary $HOME, a real `ecflow_server` on a free 127.0.0.1 port with its own ECF_HOME, and `ecflow_client --ping`
// — for the shared and the specific set, RSA and EC, with and without a passphrase. Then one thing at a time is
// broken; the server or the client must fail with OpenSSL's own error, and `tlsw ecflow check` must report exactly
// that problem (and `tlsw ecflow fix` must repair what it can). Every server started is killed (process group).
// Needs the built CLI (node esbuild.js → dist/cli.js) and: apt-get install ecflow-server ecflow-client.

import assert from 'node:assert/strict';
import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { connect as netConnect, createServer } from 'node:net';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect as tlsConnect } from 'node:tls';
import { after, before, describe, it } from 'node:test';
import { encodePem } from '../../src/core/der/pem';
import { spkiOfPrivateKey } from '../../src/core/objects/keys';
import { issueCertificate, parseSans } from '../../src/core/write/issue';
import { loadPrivateKey } from '../../src/core/write/keygen';
import { CLI } from '../helpers/tlsw';

const HOST = hostname(); // what ecflow_server's gethostname() returns
const PASS = 'ecflow interop pass';
const root = mkdtempSync(join(tmpdir(), 'tlsw-ecflow-interop-'));
const cli = join(root, 'cli.js');

interface Result {
  code: number;
  out: string;
  command: string;
}

/** The environment every child gets: no ECF_* of the caller's, a locale ecflow_server accepts. */
function baseEnv(extra: Record<string, string | undefined>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('ECF_') && k !== 'NODE_TEST_CONTEXT' && !k.startsWith('LC_')) env[k] = v;
  env.LANG = 'C';
  for (const [k, v] of Object.entries(extra)) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return env;
}

function exec(file: string, args: string[], env: Record<string, string | undefined>, timeoutMs = 30_000): Promise<Result> {
  const command = `${Object.entries(env).map(([k, v]) => `${k}=${v}`).join(' ')} ${file} ${args.join(' ')}`;
  return new Promise((resolve, reject) => {
    const child = execFile(file, args, { env: baseEnv(env), timeout: timeoutMs, encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err && typeof (err as NodeJS.ErrnoException).code === 'string') {
        reject(new Error(`${command}: ${err.message}`));
        return;
      }
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : -1) : 0;
      resolve({ code, out: `${stdout}${stderr}`, command });
    });
    child.stdin?.end();
  });
}

const tlsw = (args: string[], env: Record<string, string | undefined>): Promise<Result> => exec(process.execPath, [cli, 'ecflow', ...args], env);

function ok(r: Result): Result {
  assert.equal(r.code, 0, `expected success: ${r.command}\n${r.out}`);
  return r;
}

// ---------------------------------------------------------------------------------------------------------------
// Ports and servers

const usedPorts = new Set<number>();

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '0.0.0.0', () => s.close(() => resolve(true)));
  });
}

/** A free port in ecflow_server's allowed range (1024–49151). */
async function freePort(): Promise<number> {
  for (let i = 0; i < 200; i++) {
    const port = 20000 + Math.floor(Math.random() * 25000);
    if (usedPorts.has(port) || port === 3141) continue;
    usedPorts.add(port);
    if (await portIsFree(port)) return port;
  }
  throw new Error('no free port found');
}

const running = new Set<ChildProcess>();

function killGroup(child: ChildProcess): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, 'SIGKILL'); // ecflow_server ignores SIGTERM while it checkpoints: SIGKILL its group
  } catch {
    try {
      child.kill('SIGKILL');
    } catch {
      // already gone
    }
  }
}

process.on('exit', () => {
  for (const c of running) killGroup(c);
});

interface Server {
  stop(): Promise<void>;
  output(): string;
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = netConnect({ host: '127.0.0.1', port });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

/**
 * True once a TLS handshake with the server completes. (ecflow_server listens before it loads its certificate and
 * key, and exits when that fails: an open port alone does not mean it is up.)
 */
function handshakes(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = tlsConnect({ host: '127.0.0.1', port, rejectUnauthorized: false, timeout: 3000 });
    const done = (v: boolean): void => {
      s.destroy();
      resolve(v);
    };
    s.once('secureConnect', () => done(true));
    s.once('error', () => done(false));
    s.once('timeout', () => done(false));
    s.once('close', () => done(false));
  });
}

/**
 * Starts ecflow_server (own process group, own ECF_HOME) and waits until it listens, or until it exits: then
 * `{ failed: output }`. A server that came up is stopped by `stop()` and, whatever happens, by the after hook.
 */
async function startServer(
  home: string,
  port: number,
  args: string[],
  env: Record<string, string | undefined>,
  opts: { handshakeFails?: boolean } = {},
): Promise<Server | { failed: string }> {
  const ecfHome = mkdtempSync(join(root, 'ecf-home-'));
  const child = spawn('ecflow_server', args, {
    cwd: ecfHome,
    env: baseEnv({ HOME: home, ECF_HOME: ecfHome, ...env }),
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.once('error', (e) => (output += `spawn error: ${e.message}`));
  const stop = async (): Promise<void> => {
    killGroup(child);
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
    running.delete(child);
  };
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      await exited;
      running.delete(child);
      return { failed: output || `exited with ${child.exitCode ?? child.signalCode}` };
    }
    if (opts.handshakeFails) {
      // Up, though unable to complete a handshake: listening, and still alive a moment later.
      if (await portOpen(port)) {
        await new Promise((r) => setTimeout(r, 1500));
        if (child.exitCode === null && child.signalCode === null) return { stop, output: () => output };
        continue;
      }
    } else if (await handshakes(port)) {
      return { stop, output: () => output };
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  await stop();
  throw new Error(`ecflow_server did not listen on ${port} within 15 s:\n${output}`);
}

async function mustStart(home: string, port: number, args: string[], env: Record<string, string | undefined>, opts: { handshakeFails?: boolean } = {}): Promise<Server> {
  const s = await startServer(home, port, args, env, opts);
  assert.ok(!('failed' in s), `ecflow_server should start (HOME=${home} ${JSON.stringify(env)} ${args.join(' ')}):\n${'failed' in s ? s.failed : ''}`);
  return s as Server;
}

async function mustFail(home: string, port: number, args: string[], env: Record<string, string | undefined>, reason: RegExp): Promise<string> {
  const s = await startServer(home, port, args, env);
  if (!('failed' in s)) {
    await s.stop();
    assert.fail(`ecflow_server should have failed (${reason})`);
  }
  assert.match(s.failed, reason);
  return s.failed;
}

function ping(home: string, port: number, host: string, ssl: Record<string, string | undefined>, flags: string[] = []): Promise<Result> {
  return exec('ecflow_client', [...flags, `--port=${port}`, `--host=${host}`, '--ping'], { HOME: home, ...ssl }, 30_000);
}

// ---------------------------------------------------------------------------------------------------------------
// Layouts

const sslDir = (home: string): string => join(home, '.ecflowrc', 'ssl');

function newHome(): string {
  const home = mkdtempSync(join(root, 'home-'));
  return home;
}

const pwFile = join(root, 'pass.txt');

/** `tlsw ecflow init` into `home` (the folder found as ecFlow finds it: $HOME/.ecflowrc/ssl/). */
async function init(home: string, mode: 'shared' | 'specific', port: number, type: 'rsa' | 'ec', pass: boolean): Promise<void> {
  const r = ok(
    await tlsw(
      ['init', '--mode', mode, '--port', String(port), '--type', type, '--client-host', '127.0.0.1', ...(pass ? ['--passphrase-file', pwFile] : [])],
      { HOME: home },
    ),
  );
  assert.match(r.out, mode === 'shared' ? /^export ECF_SSL=1$/m : new RegExp(`^export ECF_SSL=${HOST.replace(/\./g, '\\.')}\\.${port}$`, 'm'));
}

/** A copy of a template home, with the modes of the files kept. */
function copyHome(template: string): string {
  const home = newHome();
  cpSync(sslDir(template), sslDir(home), { recursive: true, preserveTimestamps: true });
  for (const f of ['server.key', 'server.passwd']) if (existsSync(join(sslDir(home), f))) chmodSync(join(sslDir(home), f), 0o600);
  return home;
}

interface CheckJson {
  set: string | null;
  files: Record<string, unknown>;
  findings: { severity: string; code: string; file: string | null; message: string; fix: string }[];
}

async function check(home: string, args: string[], env: Record<string, string | undefined> = {}): Promise<{ code: number; json: CheckJson }> {
  const r = await tlsw(['check', '--json', ...args], { HOME: home, ...env });
  let json: CheckJson;
  try {
    json = JSON.parse(r.out.slice(r.out.indexOf('{')));
  } catch {
    throw new Error(`${r.command}: no JSON:\n${r.out}`);
  }
  return { code: r.code, json };
}

const errorsOf = (j: CheckJson): string[] => j.findings.filter((f) => f.severity === 'error').map((f) => f.code);

before(() => {
  assert.ok(existsSync(CLI), `${CLI} is missing: build it first with "node esbuild.js"`);
  // A private copy of the bundles (cli.js and the engine / vendor bundles it loads on demand): a rebuild of dist/
  // while the tests run cannot pull them away.
  for (const f of readdirSync(join(CLI, '..'))) if (f.endsWith('.js')) copyFileSync(join(CLI, '..', f), join(root, f));
  writeFileSync(pwFile, `${PASS}\n`, { mode: 0o600 });
  const v = execFileSyncQuiet('ecflow_server', ['--version']);
  assert.match(v, /openssl\(enabled\)/, 'ecflow_server is installed with OpenSSL (apt-get install ecflow-server ecflow-client)');
});

after(async () => {
  for (const c of running) killGroup(c);
  running.clear();
  rmSync(root, { recursive: true, force: true });
});

function execFileSyncQuiet(file: string, args: string[]): string {
  try {
    return execFileSync(file, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    const err = e as { stdout?: string; message: string };
    if (err.stdout) return err.stdout;
    throw new Error(`${file} is not installed (apt-get install ecflow-server ecflow-client): ${err.message}`, { cause: e });
  }
}

// ---------------------------------------------------------------------------------------------------------------

describe('tlsw ecflow init → the real ecflow_server and ecflow_client --ping', { concurrency: 4 }, () => {
  const combos: { mode: 'shared' | 'specific'; type: 'rsa' | 'ec'; pass: boolean }[] = [];
  for (const mode of ['shared', 'specific'] as const) for (const type of ['rsa', 'ec'] as const) for (const pass of [false, true]) combos.push({ mode, type, pass });

  for (const { mode, type, pass } of combos) {
    it(`${mode} set, ${type.toUpperCase()} key, ${pass ? 'with' : 'without'} a passphrase`, async () => {
      const home = newHome();
      const port = await freePort();
      await init(home, mode, port, type, pass);
      // SSL switched on both ways: ECF_SSL (then the port of the file names comes from ECF_PORT) or --ssl.
      const viaEnv = mode === 'specific' || type === 'rsa';
      const ssl: Record<string, string | undefined> =
        mode === 'specific' ? { ECF_SSL: `${HOST}.${port}`, ECF_PORT: String(port) } : viaEnv ? { ECF_SSL: '1', ECF_PORT: String(port) } : {};
      const server = await mustStart(home, port, viaEnv ? [] : ['--ssl', `--port=${port}`], ssl);
      try {
        const flags = viaEnv ? [] : ['--ssl'];
        ok(await ping(home, port, 'localhost', ssl, flags));
        ok(await ping(home, port, '127.0.0.1', ssl, flags)); // the specific set: 127.0.0.1.<port>.crt, written by --client-host
        const plain = await ping(home, port, '127.0.0.1', {}, []);
        assert.notEqual(plain.code, 0, 'a client without SSL is refused');
        const c = await check(home, ['--port', String(port), '--client-host', '127.0.0.1'], ssl);
        assert.equal(c.code, 0, JSON.stringify(c.json.findings));
        assert.equal(c.json.set, mode);
        assert.deepEqual(errorsOf(c.json), []);
      } finally {
        await server.stop();
      }
    });
  }
});

describe('break one thing at a time: ecFlow fails, and `tlsw ecflow check` names exactly that', { concurrency: 4 }, () => {
  // Templates: a shared set (RSA, passphrase) and a specific set (EC, passphrase, a copy for clients using 127.0.0.1).
  let shared = '';
  let specific = '';
  let otherShared = '';
  let otherRsa = '';
  const port0 = 41000; // template port; each test gets its own free port and renames the specific files
  before(async () => {
    shared = newHome();
    specific = newHome();
    otherShared = newHome();
    otherRsa = newHome();
    await Promise.all([
      init(otherRsa, 'shared', port0, 'rsa', false),
      init(shared, 'shared', port0, 'rsa', true),
      init(specific, 'specific', port0, 'ec', true),
      init(otherShared, 'shared', port0, 'ec', false),
    ]);
  });

  const sharedSsl = (port: number): Record<string, string> => ({ ECF_SSL: '1', ECF_PORT: String(port) });
  const specificSsl = (port: number): Record<string, string> => ({ ECF_SSL: `${HOST}.${port}`, ECF_PORT: String(port) });

  /** A specific-set home for `port` (the template's files renamed). */
  function specificHome(port: number): string {
    const home = newHome();
    mkdirSync(sslDir(home), { recursive: true, mode: 0o700 });
    for (const ext of ['crt', 'key', 'pem', 'passwd']) {
      copyFileSync(join(sslDir(specific), `${HOST}.${port0}.${ext}`), join(sslDir(home), `${HOST}.${port}.${ext}`));
    }
    chmodSync(join(sslDir(home), `${HOST}.${port}.key`), 0o600);
    chmodSync(join(sslDir(home), `${HOST}.${port}.passwd`), 0o600);
    copyFileSync(join(sslDir(specific), `127.0.0.1.${port0}.crt`), join(sslDir(home), `127.0.0.1.${port}.crt`));
    return home;
  }

  it('wrong passphrase in server.passwd → "bad decrypt" → passwd-wrong', async () => {
    const home = copyHome(shared);
    const port = await freePort();
    writeFileSync(join(sslDir(home), 'server.passwd'), 'not the passphrase');
    await mustFail(home, port, [], sharedSsl(port), /use_private_key_file: bad decrypt/);
    const c = await check(home, ['--port', String(port)], sharedSsl(port));
    assert.equal(c.code, 1);
    assert.deepEqual(errorsOf(c.json), ['passwd-wrong']);
  });

  it('server.passwd with a CRLF → "bad decrypt" → passwd-crlf; `tlsw ecflow fix` repairs it', async () => {
    const home = copyHome(shared);
    const port = await freePort();
    writeFileSync(join(sslDir(home), 'server.passwd'), `${PASS}\r\n`);
    await mustFail(home, port, [], sharedSsl(port), /bad decrypt/);
    const c = await check(home, ['--port', String(port)], sharedSsl(port));
    assert.deepEqual(errorsOf(c.json), ['passwd-crlf']);
    ok(await tlsw(['fix', '--port', String(port)], { HOME: home, ...sharedSsl(port) }));
    assert.equal(readFileSync(join(sslDir(home), 'server.passwd'), 'utf8'), PASS);
    const server = await mustStart(home, port, [], sharedSsl(port));
    try {
      ok(await ping(home, port, '127.0.0.1', sharedSsl(port)));
    } finally {
      await server.stop();
    }
  });

  it('no server.passwd for an encrypted key (ecFlow tries "test") → "bad decrypt" → passwd-missing', async () => {
    const home = copyHome(shared);
    const port = await freePort();
    unlinkSync(join(sslDir(home), 'server.passwd'));
    await mustFail(home, port, [], sharedSsl(port), /bad decrypt/);
    assert.deepEqual(errorsOf((await check(home, ['--port', String(port)], sharedSsl(port))).json), ['passwd-missing']);
  });

  it('the certificate of another RSA key swapped in → "key values mismatch" → key-mismatch; fix --renew repairs it', async () => {
    const home = copyHome(shared);
    const port = await freePort();
    copyFileSync(join(sslDir(otherRsa), 'server.crt'), join(sslDir(home), 'server.crt'));
    await mustFail(home, port, ['--ssl', `--port=${port}`], {}, /use_private_key_file: key values mismatch/);
    const c = await check(home, ['--port', String(port)]);
    assert.deepEqual(errorsOf(c.json), ['key-mismatch']);
    assert.match(c.json.findings[0].message, /key values mismatch/);
    ok(await tlsw(['fix', '--renew', '--days', '30'], { HOME: home }));
    const server = await mustStart(home, port, ['--ssl', `--port=${port}`], {});
    try {
      ok(await ping(home, port, '127.0.0.1', {}, ['--ssl']));
    } finally {
      await server.stop();
    }
  });

  it('an EC certificate next to the RSA key: the server starts but no handshake succeeds → key-mismatch', async () => {
    const home = copyHome(shared);
    const port = await freePort();
    copyFileSync(join(sslDir(otherShared), 'server.crt'), join(sslDir(home), 'server.crt'));
    const server = await mustStart(home, port, ['--ssl', `--port=${port}`], {}, { handshakeFails: true });
    try {
      const r = await ping(home, port, '127.0.0.1', {}, ['--ssl']);
      assert.notEqual(r.code, 0);
      assert.match(r.out, /handshake failure/);
      const c = await check(home, ['--port', String(port)]);
      assert.deepEqual(errorsOf(c.json), ['key-mismatch']);
      assert.match(c.json.findings[0].message, /every TLS handshake fails/);
    } finally {
      await server.stop();
    }
  });

  it('a client holding another certificate → "certificate verify failed" → client-crt-differs; --export-client repairs it', async () => {
    const home = copyHome(shared);
    const client = copyHome(otherShared); // the client's own $HOME: another server.crt
    const port = await freePort();
    const server = await mustStart(home, port, [], sharedSsl(port));
    try {
      const r = await ping(client, port, '127.0.0.1', sharedSsl(port));
      assert.notEqual(r.code, 0);
      assert.match(r.out, /certificate verify failed/);
      const c = await check(client, ['--client', '--host', '127.0.0.1', '--port', String(port), '--server-crt', join(sslDir(home), 'server.crt')], sharedSsl(port));
      assert.equal(c.code, 1);
      assert.deepEqual(errorsOf(c.json), ['client-crt-differs']);
      assert.deepEqual(errorsOf((await check(home, ['--port', String(port)], sharedSsl(port))).json), [], 'the server side is fine');
      const exp = ok(await tlsw(['fix', '--port', String(port), '--export-client', '127.0.0.1', '-o', sslDir(client), '--force'], { HOME: home, ...sharedSsl(port) }));
      assert.match(exp.out, /^export ECF_SSL=1$/m);
      ok(await ping(client, port, '127.0.0.1', sharedSsl(port)));
    } finally {
      await server.stop();
    }
  });

  it('a DER certificate → "no start line" → crt-not-pem; fix converts it', async () => {
    const home = copyHome(shared);
    const port = await freePort();
    const pem = readFileSync(join(sslDir(home), 'server.crt'), 'utf8');
    const der = Buffer.from(pem.replace(/-----[^-]+-----|\s/g, ''), 'base64');
    writeFileSync(join(sslDir(home), 'server.crt'), der);
    await mustFail(home, port, [], sharedSsl(port), /use_certificate_chain_file: no start line/);
    assert.deepEqual(errorsOf((await check(home, ['--port', String(port)], sharedSsl(port))).json), ['crt-not-pem']);
    ok(await tlsw(['fix', '--port', String(port)], { HOME: home, ...sharedSsl(port) }));
    const server = await mustStart(home, port, [], sharedSsl(port));
    await server.stop();
  });

  it('dh2048.pem missing → "dhparam file … does not exist" → dh-missing; fix writes ffdhe2048', async () => {
    const home = copyHome(shared);
    const port = await freePort();
    unlinkSync(join(sslDir(home), 'dh2048.pem'));
    await mustFail(home, port, [], sharedSsl(port), /dhparam file\(pem\) '.*dh1024\.pem' does not exist/);
    assert.deepEqual(errorsOf((await check(home, ['--port', String(port)], sharedSsl(port))).json), ['dh-missing']);
    ok(await tlsw(['fix', '--port', String(port)], { HOME: home, ...sharedSsl(port) }));
    const server = await mustStart(home, port, [], sharedSsl(port));
    await server.stop();
  });

  it('the specific set without <host>.<port>.pem (dh2048.pem does not count) → dh-missing', async () => {
    const port = await freePort();
    const home = specificHome(port);
    unlinkSync(join(sslDir(home), `${HOST}.${port}.pem`));
    copyFileSync(join(sslDir(shared), 'dh2048.pem'), join(sslDir(home), 'dh2048.pem'));
    await mustFail(home, port, [], specificSsl(port), new RegExp(`dhparam file\\(pem\\) '.*${HOST}\\.${port}\\.pem' does not exist`));
    const c = await check(home, ['--port', String(port)], specificSsl(port));
    assert.deepEqual(errorsOf(c.json), ['dh-missing']);
    assert.match(c.json.findings[0].message, /only the shared set uses it/);
  });

  it('weak RSA (1024) and weak DH (1024), made by openssl → "ee key too small" / "dh key too small" → key-weak / dh-weak', async () => {
    const home = copyHome(otherShared);
    const port = await freePort();
    const dir = sslDir(home);
    ok(await exec('openssl', ['genrsa', '-out', join(dir, 'server.key'), '1024'], {}));
    ok(await exec('openssl', ['req', '-x509', '-key', join(dir, 'server.key'), '-subj', `/CN=${HOST}`, '-days', '100', '-out', join(dir, 'server.crt')], {}));
    await mustFail(home, port, [], sharedSsl(port), /ee key too small/);
    assert.deepEqual(errorsOf((await check(home, ['--port', String(port)], sharedSsl(port))).json), ['key-weak']);
    const home2 = copyHome(otherShared);
    ok(await exec('openssl', ['dhparam', '-dsaparam', '-out', join(sslDir(home2), 'dh2048.pem'), '1024'], {}));
    await mustFail(home2, port, [], sharedSsl(port), /dh key too small/);
    assert.deepEqual(errorsOf((await check(home2, ['--port', String(port)], sharedSsl(port))).json), ['dh-weak']);
  });

  it('an expired certificate: the server starts, the client refuses it → crt-expired; fix --renew repairs it', async () => {
    const home = copyHome(otherShared);
    const port = await freePort();
    const dir = sslDir(home);
    const key = loadPrivateKey(readFileSync(join(dir, 'server.key')));
    const issued = await issueCertificate({
      subject: [{ type: 'CN', value: HOST }],
      sans: parseSans(`${HOST},localhost`),
      profile: 'server',
      days: 3,
      notBefore: new Date(Date.now() - 20 * 86_400_000),
      publicKeySpki: spkiOfPrivateKey(key),
      subjectPrivateKeyPkcs8: key,
    });
    const expired = encodePem('CERTIFICATE', issued.der);
    writeFileSync(join(dir, 'server.crt'), expired);
    const server = await mustStart(home, port, [], sharedSsl(port));
    try {
      const r = await ping(home, port, '127.0.0.1', sharedSsl(port));
      assert.notEqual(r.code, 0);
      assert.match(r.out, /certificate verify failed/);
      assert.deepEqual(errorsOf((await check(home, ['--port', String(port)], sharedSsl(port))).json), ['crt-expired']);
    } finally {
      await server.stop();
    }
    ok(await tlsw(['fix', '--renew', '--port', String(port)], { HOME: home, ...sharedSsl(port) }));
    const again = await mustStart(home, port, [], sharedSsl(port));
    try {
      ok(await ping(home, port, '127.0.0.1', sharedSsl(port)));
    } finally {
      await again.stop();
    }
  });

  it('specific set, clients by IP: a different or missing 127.0.0.1.<port>.crt → client-crt-differs / -missing; fix copies it', async () => {
    const port = await freePort();
    const home = specificHome(port);
    const dir = sslDir(home);
    copyFileSync(join(sslDir(otherShared), 'server.crt'), join(dir, `127.0.0.1.${port}.crt`));
    const server = await mustStart(home, port, [], specificSsl(port));
    try {
      ok(await ping(home, port, 'localhost', specificSsl(port))); // localhost → this host's name: <host>.<port>.crt
      const r = await ping(home, port, '127.0.0.1', specificSsl(port));
      assert.notEqual(r.code, 0);
      assert.match(r.out, /certificate verify failed/);
      const args = ['--port', String(port), '--client-host', '127.0.0.1'];
      assert.deepEqual(errorsOf((await check(home, args, specificSsl(port))).json), ['client-crt-differs']);
      unlinkSync(join(dir, `127.0.0.1.${port}.crt`));
      const m = await ping(home, port, '127.0.0.1', specificSsl(port));
      assert.notEqual(m.code, 0);
      assert.match(m.out, new RegExp(`Expected to find the self signed certificate file\\(CRT\\) 127\\.0\\.0\\.1\\.${port}\\.crt`));
      assert.deepEqual(errorsOf((await check(home, args, specificSsl(port))).json), ['client-crt-missing']);
      ok(await tlsw(['fix', ...args], { HOME: home, ...specificSsl(port) }));
      ok(await ping(home, port, '127.0.0.1', specificSsl(port)));
    } finally {
      await server.stop();
    }
  });

  it('ECF_SSL set but ECF_PORT not: ecFlow 5.9 looks for <host>.3141.crt despite --port → ecf-port-env', async () => {
    const port = await freePort();
    const home = specificHome(port);
    const env = { ECF_SSL: `${HOST}.${port}` };
    await mustFail(home, port, [`--port=${port}`], env, new RegExp(`${HOST.replace(/\./g, '\\.')}\\.3141\\.crt`));
    const c = await check(home, ['--port', String(port)], env);
    assert.ok(
      c.json.findings.some((f) => f.code === 'ecf-port-env' && f.fix.startsWith(`export ECF_PORT=${port}`)),
      JSON.stringify(c.json.findings),
    );
    // With ECF_PORT as the finding says, the same server starts.
    const server = await mustStart(home, port, [], { ...env, ECF_PORT: String(port) });
    await server.stop();
  });
});
