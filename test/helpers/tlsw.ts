// Test-only helpers for the interop tests: run the bundled `tlsw` CLI (dist/cli.js) and the real tools
// (openssl, keytool, curl) as child processes, asynchronously (a test may serve HTTPS in-process while curl runs).

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The bundled CLI. Tests compile to out/test/helpers, so the repository root is three levels up. */
export const CLI = join(__dirname, '..', '..', '..', 'dist', 'cli.js');

export interface RunResult {
  /** Exit status (a signal counts as -1). */
  code: number;
  stdout: string;
  stderr: string;
  /** The command line, for assertion messages. */
  command: string;
}

export interface RunOptions {
  cwd?: string;
  /** Written to the child's standard input (then closed). */
  input?: string | Uint8Array;
  timeoutMs?: number;
}

/** Runs `file args…` without a shell; never rejects on a non-zero exit (look at `code`). */
export function run(file: string, args: string[], opts: RunOptions = {}): Promise<RunResult> {
  const env = { ...process.env };
  delete env.NODE_TEST_CONTEXT; // the CLI is not a test; keep node:test's child protocol out of it
  const command = [file, ...args].join(' ');
  return new Promise((resolve, reject) => {
    const child = execFile(
      file,
      args,
      { cwd: opts.cwd, env, maxBuffer: 64 * 1024 * 1024, timeout: opts.timeoutMs ?? 60_000, encoding: 'utf8' },
      (err, stdout, stderr) => {
        if (err && typeof (err as NodeJS.ErrnoException).code === 'string') {
          reject(new Error(`${command}: ${err.message}`)); // could not start (ENOENT …)
          return;
        }
        const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? ((err as { code: number }).code) : -1) : 0;
        resolve({ code, stdout, stderr, command });
      },
    );
    child.stdin?.on('error', () => undefined); // the child may exit before reading its input
    child.stdin?.end(opts.input ?? '');
  });
}

let snapshot: string | undefined;

/**
 * The CLI to run: a private copy of the bundles in dist/ (cli.js, the engine and vendor bundles it loads on demand)
 * taken at first use, so that a rebuild of dist/ while the tests run (several people share a checkout) cannot pull
 * the files from under them.
 */
function cli(): string {
  if (snapshot) return snapshot;
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: build it first with "node esbuild.js"`);
  const dir = mkdtempSync(join(tmpdir(), 'tlsw-cli-'));
  const dist = join(CLI, '..');
  for (const f of readdirSync(dist)) if (f.endsWith('.js')) copyFileSync(join(dist, f), join(dir, f));
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  snapshot = join(dir, 'cli.js');
  return snapshot;
}

/** Runs `node dist/cli.js args…`. */
export async function tlsw(args: string[], opts: RunOptions = {}): Promise<RunResult> {
  const r = await run(process.execPath, [cli(), ...args], opts);
  return { ...r, command: `tlsw ${args.join(' ')}` };
}

function describeRun(r: RunResult): string {
  return `${r.command}\nexit ${r.code}\nstdout: ${r.stdout.slice(0, 2000)}\nstderr: ${r.stderr.slice(0, 2000)}`;
}

/** Asserts exit status 0 and returns the result. */
export function ok(r: RunResult): RunResult {
  assert.equal(r.code, 0, `expected success:\n${describeRun(r)}`);
  return r;
}

/** `tlsw …` that must succeed. */
export async function tlswOk(args: string[], opts: RunOptions = {}): Promise<RunResult> {
  return ok(await tlsw(args, opts));
}

/** `openssl …` that must succeed; returns stdout + stderr results. */
export async function ossl(args: string[], opts: RunOptions = {}): Promise<RunResult> {
  return ok(await run('openssl', args, opts));
}

/** `keytool …` that must succeed. */
export async function keytool(args: string[], opts: RunOptions = {}): Promise<RunResult> {
  return ok(await run('keytool', args, { timeoutMs: 60_000, ...opts }));
}

/**
 * Asserts a refusal: exit status `code` (1 by default), exactly one line on stderr matching `reason`,
 * no stack trace, and (when given) none of `secrets` anywhere in the output.
 */
export function assertOneLineFailure(r: RunResult, reason: RegExp, opts: { code?: number; secrets?: string[] } = {}): void {
  assert.equal(r.code, opts.code ?? 1, `expected exit ${opts.code ?? 1}:\n${describeRun(r)}`);
  const lines = r.stderr.split('\n').filter((l) => l.trim() !== '');
  assert.equal(lines.length, 1, `expected exactly one line on stderr:\n${describeRun(r)}`);
  assert.match(lines[0], /^tlsw /, `the line names the tool:\n${describeRun(r)}`);
  assert.match(lines[0], reason, describeRun(r));
  assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
  for (const s of opts.secrets ?? []) {
    assert.ok(!r.stderr.includes(s) && !r.stdout.includes(s), `a secret was echoed:\n${describeRun(r)}`);
  }
}

/** The `warning: …` lines a command printed on stderr. */
export function warnings(r: RunResult): string[] {
  return r.stderr.split('\n').filter((l) => l.startsWith('warning: '));
}

/** Permission bits of a file (e.g. 0o600). */
export function mode(path: string): number {
  return statSync(path).mode & 0o777;
}

/** A secret file (mode 0600) holding `secret` and a newline, as `openssl -passin file:` and keytool read it. */
export function secretFile(path: string, secret: string): string {
  writeFileSync(path, `${secret}\n`, { mode: 0o600 });
  return path;
}

/** DER of the first PEM block of a file (or the file itself when it is not PEM). */
export function pemDer(path: string): Buffer {
  const data = readFileSync(path);
  const m = /-----BEGIN [A-Z0-9 ]+-----\r?\n(?:[A-Za-z-]+:.*\r?\n)*\r?\n?([\s\S]*?)-----END /.exec(data.toString('latin1'));
  return m ? Buffer.from(m[1].replace(/\s+/g, ''), 'base64') : data;
}

/** Every PEM label in a file, in order. */
export function pemLabels(path: string): string[] {
  return [...readFileSync(path, 'latin1').matchAll(/-----BEGIN ([A-Z0-9 ]+)-----/g)].map((m) => m[1]);
}

/** Days between `openssl x509 -dates` notBefore and notAfter (rounded). */
export async function validityDays(certPath: string): Promise<number> {
  const r = await ossl(['x509', '-in', certPath, '-noout', '-startdate', '-enddate']);
  const nb = /notBefore=(.+)/.exec(r.stdout)?.[1];
  const na = /notAfter=(.+)/.exec(r.stdout)?.[1];
  assert.ok(nb && na, r.stdout);
  return Math.round((Date.parse(na) - Date.parse(nb)) / 86_400_000);
}

/** The public key (SPKI PEM) of a certificate, CSR or private key, as openssl derives it. */
export async function publicKeyOf(path: string, kind: 'cert' | 'csr' | 'key', passFile?: string): Promise<string> {
  if (kind === 'cert') return (await ossl(['x509', '-in', path, '-noout', '-pubkey'])).stdout;
  if (kind === 'csr') return (await ossl(['req', '-in', path, '-noout', '-pubkey'])).stdout;
  return (await ossl(['pkey', '-in', path, '-pubout', ...(passFile ? ['-passin', `file:${passFile}`] : [])])).stdout;
}

/**
 * `openssl req -verify` that must report a good self-signature. (OpenSSL 3.0 exits 0 even when it prints
 * "verify failure", so the message is what counts.) Returns the -text output.
 */
export async function reqVerify(path: string, opts: RunOptions = {}, inform: 'PEM' | 'DER' = 'PEM'): Promise<string> {
  const r = await run('openssl', ['req', '-inform', inform, '-in', path, '-verify', '-noout', '-text'], opts);
  assert.equal(r.code, 0, `${path}: ${r.stderr}`);
  assert.match(r.stdout + r.stderr, /verify OK/, `${path}: openssl req -verify did not say OK`);
  assert.doesNotMatch(r.stdout + r.stderr, /failure|did not match/i, path);
  return r.stdout;
}

/** `openssl req -verify` on a request that must NOT verify. */
export async function reqVerifyFails(path: string, opts: RunOptions = {}, inform: 'PEM' | 'DER' = 'PEM'): Promise<void> {
  const r = await run('openssl', ['req', '-inform', inform, '-in', path, '-verify', '-noout'], opts);
  assert.doesNotMatch(r.stdout + r.stderr, /verify OK/, `${path}: openssl req -verify accepted it`);
}
