// ecFlow SSL layouts: every finding code from a crafted folder, layout creation, DH parameters (RFC 7919 and
// generated), the repairs, and `tlsw ecflow` in-process — with the real `openssl` as referee for what ecFlow's
// OpenSSL would make of the files.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { encodePem } from '../../src/core/der/pem';
import { checkEcflowLayout } from '../../src/core/ecflow/check';
import type { EcflowLayoutPlan } from '../../src/core/ecflow/create';
import { planEcflowLayout } from '../../src/core/ecflow/create';
import type { EcflowCheckOptions, EcflowEntry, EcflowFindingCode } from '../../src/core/ecflow/layout';
import { ECFLOW_FINDING_CODES, ecflowPassphrase, resolveEcflowContext } from '../../src/core/ecflow/layout';
import { exportEcflowClient, planEcflowRepairs } from '../../src/core/ecflow/repair';
import { spkiOfPrivateKey } from '../../src/core/objects/keys';
import { ffdhePem, generateDhParameters } from '../../src/core/write/dhParams';
import { issueCertificate, parseSans } from '../../src/core/write/issue';
import { loadPrivateKey } from '../../src/core/write/keygen';
import { PkiError } from '../../src/core/model';
import { run } from '../../src/cli/ecflow';
import { openssl, opensslBytes, tempDir } from '../helpers/tools';

const tmp = tempDir('tlsw-ecflow-');
after(() => tmp.cleanup());

const HOST = 'ecfhost';
const PORT = 4141;
const SPEC = `${HOST}.${PORT}`;
const PASS = 'correct horse';

/** A folder listing from a plan: secrets 0600, the rest 0644. */
function entriesOf(plan: EcflowLayoutPlan): EcflowEntry[] {
  return plan.files.map((f) => ({ name: f.name, bytes: new TextEncoder().encode(f.data), mode: f.secret ? 0o600 : 0o644 }));
}

function withFile(entries: EcflowEntry[], name: string, data: string | Uint8Array | undefined, mode?: number): EcflowEntry[] {
  const rest = entries.filter((e) => e.name !== name);
  if (data === undefined) return rest;
  const old = entries.find((e) => e.name === name);
  return [...rest, { name, bytes: typeof data === 'string' ? new TextEncoder().encode(data) : data, mode: mode ?? old?.mode ?? 0o644 }];
}

function bytesOf(entries: EcflowEntry[], name: string): Uint8Array {
  const e = entries.find((x) => x.name === name);
  assert.ok(e?.bytes, `${name} is in the folder`);
  return e.bytes;
}

const opts = (o: Partial<EcflowCheckOptions> = {}): EcflowCheckOptions => ({ dir: '/home/op/.ecflowrc/ssl/', host: HOST, port: PORT, ...o });

/** A certificate for HOST (and localhost) with the key of a plan, valid `days` from `notBefore` (default now). */
async function certificateFor(keyPem: string, days: number, notBefore?: Date): Promise<string> {
  const key = loadPrivateKey(keyPem);
  const issued = await issueCertificate({
    subject: [{ type: 'CN', value: HOST }],
    sans: parseSans(`${HOST},localhost`),
    profile: 'server',
    days,
    notBefore,
    publicKeySpki: spkiOfPrivateKey(key),
    subjectPrivateKeyPkcs8: key,
  });
  return encodePem('CERTIFICATE', issued.der);
}

/** openssl with stdout and stderr together (some commands report on stderr), and its exit status. */
function opensslAll(args: string[]): { status: number | null; text: string } {
  const r = spawnSync('openssl', args, { encoding: 'utf8' });
  return { status: r.status, text: `${r.stdout}${r.stderr}` };
}

/** Writes `data` to a temporary file and returns its path (for openssl). */
function file(name: string, data: string | Uint8Array): string {
  const p = tmp.path(name);
  writeFileSync(p, data);
  return p;
}

const seen = new Set<EcflowFindingCode>();
/** Asserts that exactly `expected` (in any order) are the findings, and records them as covered. */
function expectCodes(entries: EcflowEntry[], expected: EcflowFindingCode[], o: Partial<EcflowCheckOptions> = {}): ReturnType<typeof checkEcflowLayout> {
  const r = checkEcflowLayout(entries, opts(o));
  assert.deepEqual(
    r.findings.map((f) => f.code).sort(),
    [...expected].sort(),
    `findings: ${JSON.stringify(r.findings.map((f) => `${f.severity} ${f.code}: ${f.message}`), null, 1)}`,
  );
  for (const f of r.findings) {
    seen.add(f.code);
    assert.ok(f.message.length > 20 && !f.message.includes('\n'), `${f.code}: one readable line`);
    assert.ok((f.instruction ?? '').length > 5 || f.repair !== undefined, `${f.code}: has an instruction or a repair`);
    const words = [f.message, f.instruction ?? '', f.repair && f.repair.kind !== 'export-client' ? f.repair.does : ''];
    assert.ok(!words.some((w) => w.includes(PASS)), `${f.code}: no passphrase in the text`);
    assert.ok(!words.some((w) => /tlsw ecflow/.test(w)), `${f.code}: no tlsw command line in core's words (front ends render repairs)`);
  }
  return r;
}

let shared: EcflowLayoutPlan; // EC, no passphrase
let sharedPw: EcflowLayoutPlan; // EC, passphrase
let specific: EcflowLayoutPlan; // RSA 2048, passphrase, client name 127.0.0.1
let other: EcflowLayoutPlan; // another key pair

before(async () => {
  [shared, sharedPw, specific, other] = await Promise.all([
    planEcflowLayout({ mode: 'shared', host: HOST, port: PORT, key: { type: 'ec' } }),
    planEcflowLayout({ mode: 'shared', host: HOST, port: PORT, key: { type: 'ec' }, passphrase: PASS }),
    planEcflowLayout({ mode: 'specific', host: HOST, port: PORT, key: { type: 'rsa', bits: 2048 }, passphrase: PASS, clientHosts: ['127.0.0.1'] }),
    planEcflowLayout({ mode: 'shared', host: HOST, port: PORT, key: { type: 'ec' } }),
  ]);
});

describe('ecFlow layout creation', () => {
  it('a shared set: server.crt, server.key, dh2048.pem; openssl agrees the key matches and the DH group is sound', () => {
    assert.deepEqual(shared.files.map((f) => f.name), ['server.crt', 'server.key', 'dh2048.pem']);
    assert.equal(shared.exportLine, 'export ECF_SSL=1');
    const crt = file('s.crt', shared.files[0].data);
    const key = file('s.key', shared.files[1].data);
    assert.equal(openssl(['x509', '-in', crt, '-noout', '-pubkey']), openssl(['pkey', '-in', key, '-pubout']));
    const text = openssl(['x509', '-in', crt, '-noout', '-subject', '-ext', 'subjectAltName']);
    assert.match(text, /subject=CN = ecfhost/);
    assert.match(text, /DNS:ecfhost, DNS:localhost/);
    const dh = opensslAll(['dhparam', '-in', file('s.dh', shared.files[2].data), '-check', '-noout']);
    assert.equal(dh.status, 0, dh.text);
    assert.match(dh.text, /appear to be ok/);
    assert.equal(shared.files[2].data, ffdhePem(2048));
    const expected = { 'server.crt': false, 'server.key': true, 'dh2048.pem': false } as Record<string, boolean>;
    for (const f of shared.files) assert.equal(f.secret, expected[f.name], f.name);
    expectCodes(entriesOf(shared), []);
  });

  it('a specific set with a passphrase: <host>.<port>.*, the passwd file holds it with no line end, openssl opens the key with it', () => {
    assert.deepEqual(specific.files.map((f) => f.name), [`${SPEC}.crt`, `${SPEC}.key`, `${SPEC}.pem`, `${SPEC}.passwd`, `127.0.0.1.${PORT}.crt`]);
    assert.equal(specific.exportLine, `export ECF_SSL=${SPEC}`);
    const passwd = specific.files[3];
    assert.equal(passwd.data, PASS);
    assert.equal(passwd.secret, true);
    assert.equal(ecflowPassphrase(passwd.data), PASS);
    const key = file('sp.key', specific.files[1].data);
    const pw = file('sp.passwd', passwd.data);
    assert.match(specific.files[1].data, /BEGIN ENCRYPTED PRIVATE KEY/);
    assert.match(openssl(['pkey', '-in', key, '-passin', `file:${pw}`, '-noout', '-text']), /Private-Key: \(2048 bit/);
    assert.equal(specific.files[4].data, specific.files[0].data, 'the client copy is the same certificate');
    assert.match(openssl(['x509', '-in', file('sp.crt', specific.files[0].data), '-noout', '-ext', 'subjectAltName']), /IP Address:127\.0\.0\.1/);
    expectCodes(entriesOf(specific), [], { ecfSsl: SPEC, clientHosts: ['127.0.0.1'] });
  });

  it('refuses what ecFlow would refuse: RSA under 2048 bits, a passphrase with a line break or surrounding blanks, bad names', async () => {
    await assert.rejects(planEcflowLayout({ mode: 'shared', host: HOST, key: { type: 'rsa', bits: 1024 } }), (e: unknown) => e instanceof PkiError && /2048/.test(e.message));
    await assert.rejects(planEcflowLayout({ mode: 'shared', host: HOST, key: { type: 'ec' }, passphrase: 'two\nlines' }), /single line/);
    await assert.rejects(planEcflowLayout({ mode: 'shared', host: HOST, key: { type: 'ec' }, passphrase: 'trailing ' }), /blanks/);
    await assert.rejects(planEcflowLayout({ mode: 'specific', host: 'a/b', key: { type: 'ec' } }), /host name/);
    await assert.rejects(planEcflowLayout({ mode: 'specific', host: HOST, port: 70000, key: { type: 'ec' } }), /port/);
  });
});

describe('where to look (one rule for the CLI and the extension)', () => {
  const here = { thisHost: 'thismachine', home: '/home/fallback' };

  it('the folder: given, else ECF_SSL_DIR as is, else $HOME/.ecflowrc/ssl/ (else the home folder given)', () => {
    const env = { ECF_SSL_DIR: '/srv/ssl', HOME: '/home/x' };
    assert.deepEqual([resolveEcflowContext({ ...here, env, dir: '/given/' }).dir, resolveEcflowContext({ ...here, env, dir: '/given/' }).dirSource], ['/given/', 'given']);
    const fromEnv = resolveEcflowContext({ ...here, env });
    assert.deepEqual([fromEnv.dir, fromEnv.dirSource, fromEnv.sslDirEnv], ['/srv/ssl', 'env', '/srv/ssl']);
    const byDefault = resolveEcflowContext({ ...here, env: { HOME: '/home/x/' } });
    assert.deepEqual([byDefault.dir, byDefault.dirSource, byDefault.sslDirEnv], ['/home/x/.ecflowrc/ssl/', 'default', undefined]);
    assert.equal(resolveEcflowContext({ ...here, env: {} }).dir, '/home/fallback/.ecflowrc/ssl/');
    assert.throws(() => resolveEcflowContext({ env: {}, thisHost: 'h' }), /neither ECF_SSL_DIR nor HOME/);
  });

  it('the port: given, else ECF_PORT, else 3141; one that ecFlow cannot use is refused, naming ECF_PORT when it came from there', () => {
    const env = { HOME: '/h', ECF_PORT: '5151' };
    assert.equal(resolveEcflowContext({ ...here, env, port: '4141' }).port, 4141);
    assert.equal(resolveEcflowContext({ ...here, env, port: 4242 }).port, 4242);
    assert.equal(resolveEcflowContext({ ...here, env }).port, 5151);
    assert.equal(resolveEcflowContext({ ...here, env, port: '' }).port, 5151);
    assert.equal(resolveEcflowContext({ ...here, env: { HOME: '/h' } }).port, 3141);
    assert.equal(resolveEcflowContext({ ...here, env }).ecfPortEnv, '5151');
    assert.equal(resolveEcflowContext({ ...here, env: { HOME: '/h' } }).ecfPortEnv, null);
    assert.throws(() => resolveEcflowContext({ ...here, env, port: '70000' }), (e: unknown) => e instanceof PkiError && /70000/.test(e.message) && !/ECF_PORT/.test(e.message));
    assert.throws(() => resolveEcflowContext({ ...here, env: { HOME: '/h', ECF_PORT: 'x1' } }), /"x1" \(from ECF_PORT\)/);
  });

  it('the host: the server is this machine unless given; a client connects to --host, else ECF_HOST, else localhost (= this machine)', () => {
    const env = { HOME: '/h', ECF_HOST: 'ecf.example.org' };
    assert.equal(resolveEcflowContext({ ...here, env }).host, 'thismachine');
    assert.equal(resolveEcflowContext({ ...here, env, host: 'srv' }).host, 'srv');
    assert.equal(resolveEcflowContext({ ...here, env, role: 'client' }).host, 'ecf.example.org');
    assert.equal(resolveEcflowContext({ ...here, env: { HOME: '/h' }, role: 'client' }).host, 'thismachine');
    assert.equal(resolveEcflowContext({ ...here, env, role: 'client', host: 'localhost' }).host, 'thismachine');
    assert.throws(() => resolveEcflowContext({ ...here, env, host: 'a b' }), /host name/);
  });

  it('ECF_SSL from the mode given, else the environment; ECF_HOST is a name clients connect with (server role)', () => {
    const env = { HOME: '/h', ECF_SSL: 'anything', ECF_HOST: 'ecf.example.org' };
    assert.equal(resolveEcflowContext({ ...here, env }).ecfSsl, 'anything');
    assert.equal(resolveEcflowContext({ ...here, env, mode: 'shared' }).ecfSsl, '1');
    assert.equal(resolveEcflowContext({ ...here, env, mode: 'specific', port: 4141 }).ecfSsl, 'thismachine.4141');
    assert.deepEqual(resolveEcflowContext({ ...here, env, clientHosts: ['10.0.0.1'] }).clientHosts, ['10.0.0.1', 'ecf.example.org']);
    assert.deepEqual(resolveEcflowContext({ ...here, env: { ...env, ECF_HOST: 'localhost' } }).clientHosts, []);
    assert.deepEqual(resolveEcflowContext({ ...here, env, role: 'client' }).clientHosts, []);
  });
});

describe('DH parameters', () => {
  it('RFC 7919 groups instantly, as PKCS#3 PEM that openssl recognises', () => {
    for (const bits of [2048, 3072, 4096] as const) {
      const text = openssl(['pkeyparam', '-in', file(`ff${bits}.pem`, ffdhePem(bits)), '-noout', '-text']);
      assert.match(text, new RegExp(`GROUP: ffdhe${bits}`));
    }
    assert.throws(() => ffdhePem(1024), PkiError);
  });

  it('generates a fresh safe-prime group that `openssl dhparam -check` accepts, with progress', async () => {
    const progress: number[] = [];
    const pem = await generateDhParameters(768, { onProgress: (p) => progress.push(p.tested) });
    assert.match(pem, /^-----BEGIN DH PARAMETERS-----\n/);
    const path = file('gen.pem', pem);
    const check = opensslAll(['dhparam', '-in', path, '-check', '-noout']);
    assert.equal(check.status, 0, check.text);
    assert.match(check.text, /appear to be ok/);
    assert.match(openssl(['dhparam', '-in', path, '-noout', '-text']), /\(768 bit\)[\s\S]*G(enerator)?:\s*2 /);
    assert.ok(progress.length >= 1 && progress[progress.length - 1] > 0, 'the last progress report counts the candidates');
  });

  it('cancels: a search aborted while it runs rejects with "cancelled"; an aborted signal stops it before any candidate', async () => {
    // 4096 bits: minutes of work, so only the abort can end it.
    const ac = new AbortController();
    const progress: number[] = [];
    const running = generateDhParameters(4096, {
      signal: ac.signal,
      onProgress: (p) => {
        progress.push(p.tested);
        ac.abort();
      },
    });
    await assert.rejects(running, (e: unknown) => e instanceof PkiError && e.message === 'cancelled');
    assert.ok(progress.length >= 1 && progress[0] > 0, 'it was searching when it was aborted');
    const before = new AbortController();
    before.abort();
    const tested: number[] = [];
    await assert.rejects(generateDhParameters(4096, { signal: before.signal, onProgress: (p) => tested.push(p.tested) }), /cancelled/);
    assert.deepEqual(tested, [], 'no candidate was tested');
    await assert.rejects(generateDhParameters(100), PkiError);
  });

  it('cancels a layout whose DH parameters are being generated, after the key is done', async () => {
    const ac = new AbortController();
    // The first progress report of the DH search comes after the EC key is made.
    const p = planEcflowLayout({ mode: 'shared', host: HOST, key: { type: 'ec' }, dh: { kind: 'generate', bits: 4096, onProgress: () => ac.abort() }, signal: ac.signal });
    await assert.rejects(p, (e: unknown) => e instanceof PkiError && e.message === 'cancelled');
  });
});

describe('ecFlow layout check: which set', () => {
  it('ECF_SSL unset, empty or 1: the shared set when server.crt exists, else the specific one', () => {
    const both = [...entriesOf(shared), ...entriesOf(specific)];
    for (const ecfSsl of [undefined, '', '1']) assert.equal(checkEcflowLayout(both, opts({ ecfSsl })).set, 'shared', String(ecfSsl));
    assert.equal(checkEcflowLayout(entriesOf(specific), opts()).set, 'specific');
    assert.equal(checkEcflowLayout(both, opts({ ecfSsl: SPEC })).set, 'specific');
    assert.equal(checkEcflowLayout(entriesOf(shared), opts({ ecfSsl: SPEC })).set, null);
  });

  it('folder-missing, no-certificate', () => {
    const r = expectCodes([], ['folder-missing'], { folderExists: false });
    assert.equal(r.set, null);
    assert.deepEqual(r.findings[0].repair, { kind: 'init', mode: 'shared', does: 'creates the folder and a working set in it' });
    assert.deepEqual(checkEcflowLayout([], opts({ folderExists: false, ecfSsl: SPEC })).findings[0].repair, { kind: 'init', mode: 'specific', does: 'creates the folder and a working set in it' });
    expectCodes([], ['no-certificate']);
    const files = checkEcflowLayout([], opts()).files;
    assert.deepEqual(Object.keys(files), ['server.crt', 'server.key', 'dh2048.pem', 'server.passwd']);
    assert.equal(files['server.crt'].present, false);
    expectCodes(entriesOf(shared), ['no-certificate'], { ecfSsl: SPEC });
  });

  it('ssl-dir-no-slash and ssl-dir-version (ECF_SSL_DIR)', () => {
    const r = expectCodes(entriesOf(shared), ['ssl-dir-no-slash', 'ssl-dir-version'], { sslDirEnv: '/srv/ecf/ssl' });
    assert.match(r.findings[0].message, /\/srv\/ecf\/sslserver\.crt/);
    assert.equal(r.findings[0].instruction, 'export ECF_SSL_DIR=/srv/ecf/ssl/');
    expectCodes(entriesOf(shared), ['ssl-dir-version'], { sslDirEnv: '/srv/ecf/ssl/' });
  });

  it('ecf-ssl-value: ECF_SSL is never read as a name', () => {
    const r = expectCodes(entriesOf(specific), ['ecf-ssl-value'], { ecfSsl: 'myserver' });
    assert.equal(r.set, 'specific');
    assert.equal(r.findings[0].instruction, `export ECF_SSL=${SPEC}`);
  });

  it('ecf-port-env: with ECF_SSL set, the file names follow ECF_PORT, not --port', () => {
    const r = expectCodes(entriesOf(specific), ['ecf-port-env'], { ecfSsl: SPEC, ecfPortEnv: null });
    assert.match(r.findings[0].message, /ecfhost\.3141\.crt/);
    assert.equal(r.findings[0].severity, 'warning');
    expectCodes(entriesOf(specific), [], { ecfSsl: SPEC, ecfPortEnv: String(PORT) });
    expectCodes(entriesOf(specific), [], { ecfSsl: undefined, ecfPortEnv: null }, );
  });

  it('mixed-sets: both sets present, or stray shared files next to a specific set', () => {
    const r = expectCodes([...entriesOf(shared), ...entriesOf(specific).filter((e) => e.name !== `127.0.0.1.${PORT}.crt`)], ['mixed-sets']);
    assert.equal(r.set, 'shared');
    assert.match(r.findings[0].instruction ?? '', new RegExp(`ECF_SSL=${SPEC.replace(/\./g, '\\.')}`));
    const stray = expectCodes([...entriesOf(specific), ...entriesOf(shared).filter((e) => e.name !== 'server.crt')], ['mixed-sets']);
    assert.equal(stray.set, 'specific');
    assert.match(stray.findings[0].message, /server\.key, dh2048\.pem are here but server\.crt is not/);
  });
});

describe('ecFlow layout check: what was checked (the extension says "N checks passed")', () => {
  it('a sound shared set: every check ran once, in order; no passphrase check without a readable key, none past a missing folder', () => {
    const r = expectCodes(entriesOf(sharedPw), ['http-key-encrypted']);
    assert.equal(r.findings[0].severity, 'info', 'a note, not a failed check');
    assert.deepEqual(r.checks, [
      'folder',
      'certificate of the set',
      'mixed sets',
      'certificate format',
      'certificate validity',
      'certificate key size',
      'host name',
      'private key',
      'passphrase',
      'key matches certificate',
      'ecflow_http key',
      'DH parameters',
      'file permissions',
    ]);
    const noKey = checkEcflowLayout(withFile(entriesOf(sharedPw), 'server.key', undefined), opts());
    assert.ok(noKey.checks.includes('private key') && !noKey.checks.includes('passphrase') && !noKey.checks.includes('key matches certificate'), noKey.checks.join(', '));
    assert.deepEqual(checkEcflowLayout([], opts({ folderExists: false })).checks, ['folder']);
  });

  it('a specific set counts each client certificate, and the ECF_* variables when set', () => {
    const r = checkEcflowLayout(entriesOf(specific), opts({ ecfSsl: SPEC, clientHosts: ['127.0.0.1'], sslDirEnv: '/srv/ecf/ssl/' }));
    assert.ok(r.checks.includes(`client certificate 127.0.0.1.${PORT}.crt`), r.checks.join(', '));
    assert.ok(r.checks.includes('ECF_SSL_DIR') && r.checks.includes('ECF_SSL and ECF_PORT'), r.checks.join(', '));
    assert.ok(!r.checks.includes('ecflow_http key'), 'ecflow_http reads only server.key');
    assert.equal(new Set(r.checks).size, r.checks.length, 'each check once');
  });
});

describe('ecFlow layout check: the certificate', () => {
  it('crt-not-pem: a DER certificate (ecFlow: "no start line")', () => {
    const der = opensslBytes(['x509', '-in', file('c.crt', shared.files[0].data), '-outform', 'DER']);
    const r = expectCodes(withFile(entriesOf(shared), 'server.crt', der), ['crt-not-pem']);
    assert.match(r.findings[0].message, /no start line/);
  });

  it('crt-invalid: the key where the certificate should be', () => {
    const r = expectCodes(withFile(entriesOf(shared), 'server.crt', shared.files[1].data), ['crt-invalid']);
    assert.match(r.findings[0].message, /holds no certificate \(it holds a private key\)/);
  });

  it('crt-expired / crt-not-yet-valid / crt-expiring (openssl verify agrees on the expired one)', async () => {
    const expired = await certificateFor(shared.files[1].data, 2, new Date(Date.now() - 10 * 86_400_000));
    const path = file('expired.crt', expired);
    assert.throws(() => openssl(['verify', '-CAfile', path, path]), /certificate has expired/);
    const e = expectCodes(withFile(entriesOf(shared), 'server.crt', expired), ['crt-expired']);
    assert.deepEqual(e.findings[0].repair, { kind: 'fix', does: 'renews it for the same key; then give clients the new server.crt', renew: true });
    const future = await certificateFor(shared.files[1].data, 30, new Date(Date.now() + 5 * 86_400_000));
    expectCodes(withFile(entriesOf(shared), 'server.crt', future), ['crt-not-yet-valid']);
    const soon = await certificateFor(shared.files[1].data, 10);
    const r = expectCodes(withFile(entriesOf(shared), 'server.crt', soon), ['crt-expiring']);
    assert.equal(r.findings[0].severity, 'warning');
    assert.match(r.findings[0].message, /^server\.crt expires in 10 days \(/);
    assert.equal(r.findings[0].repair?.kind === 'fix' && r.findings[0].repair.renew, true);
  });

  it('cn-mismatch: advice only', () => {
    const r = expectCodes(entriesOf(shared), ['cn-mismatch'], { host: 'elsewhere' });
    assert.equal(r.findings[0].severity, 'info');
    expectCodes(entriesOf(shared), [], { host: 'ecfhost.example.org' });
  });

  it('key-weak: an RSA 1024 key and certificate (OpenSSL 3: "ee key too small")', () => {
    const key = openssl(['genrsa', '1024']);
    const crt = openssl(['req', '-x509', '-key', file('weak.key', key), '-subj', `/CN=${HOST}`, '-days', '100']);
    const r = expectCodes(withFile(withFile(entriesOf(shared), 'server.key', key, 0o600), 'server.crt', crt), ['key-weak']);
    assert.match(r.findings[0].message, /RSA 1024.*ee key too small/);
  });
});

describe('ecFlow layout check: the key and its passphrase', () => {
  it('key-missing, key-not-pem, key-invalid', () => {
    expectCodes(withFile(entriesOf(shared), 'server.key', undefined), ['key-missing']);
    const der = opensslBytes(['pkey', '-in', file('k.key', shared.files[1].data), '-outform', 'DER']);
    const r = expectCodes(withFile(entriesOf(shared), 'server.key', der), ['key-not-pem']);
    assert.match(r.findings[0].message, /unsupported/);
    expectCodes(withFile(entriesOf(shared), 'server.key', shared.files[0].data), ['key-invalid']);
  });

  it('key-mismatch: the certificate of another key pair (ecFlow: "key values mismatch")', () => {
    const r = expectCodes(withFile(entriesOf(shared), 'server.crt', other.files[0].data), ['key-mismatch']);
    assert.match(r.findings[0].message, /key values mismatch/);
    // A key of another type: OpenSSL accepts it silently, and then every handshake fails.
    const t = expectCodes(withFile(entriesOf(shared), 'server.crt', specific.files[0].data), ['key-mismatch']);
    assert.match(t.findings[0].message, /\(EC P-256\) does not belong to server\.crt \(RSA 2048\).*every TLS handshake fails/);
  });

  it('passwd-crlf / passwd-trailing-space / passwd-multiline: ecFlow keeps them, openssl agrees the key does not open with them', () => {
    const key = file('pw.key', sharedPw.files[1].data);
    for (const [content, code] of [
      [`${PASS}\r\n`, 'passwd-crlf'],
      [`${PASS}  \n`, 'passwd-trailing-space'],
      [`${PASS}\n\n`, 'passwd-multiline'],
      [`${PASS}\nsecond line\n`, 'passwd-multiline'],
    ] as const) {
      // What ecFlow passes to OpenSSL, given to openssl literally: it does not open the key.
      assert.throws(() => openssl(['pkey', '-in', key, '-passin', `pass:${ecflowPassphrase(content)}`, '-noout']), /bad decrypt|maybe wrong password|unable to load/i, JSON.stringify(content));
      const r = expectCodes(withFile(entriesOf(sharedPw), 'server.passwd', content, 0o600), [code, 'http-key-encrypted']);
      assert.equal(r.findings[0].code, code);
      assert.equal(r.findings[0].severity, 'error');
      assert.match(r.findings[0].message, /bad decrypt/);
    }
    // One trailing \n is fine (ecFlow removes it), and so is no line end at all.
    expectCodes(withFile(entriesOf(sharedPw), 'server.passwd', `${PASS}\n`, 0o600), ['http-key-encrypted']);
    expectCodes(withFile(entriesOf(sharedPw), 'server.passwd', PASS, 0o600), ['http-key-encrypted']);
  });

  it('passwd-empty, passwd-wrong, passwd-missing', () => {
    expectCodes(withFile(entriesOf(sharedPw), 'server.passwd', '', 0o600), ['passwd-empty', 'http-key-encrypted']);
    expectCodes(withFile(entriesOf(sharedPw), 'server.passwd', 'not it\n', 0o600), ['passwd-wrong', 'http-key-encrypted']);
    const both = expectCodes(withFile(entriesOf(sharedPw), 'server.passwd', 'not it\r\n', 0o600), ['passwd-wrong', 'http-key-encrypted']);
    assert.match(both.findings[0].message, /also: it ends with a CRLF/);
    expectCodes(withFile(entriesOf(sharedPw), 'server.passwd', undefined), ['passwd-missing', 'http-key-encrypted']);
  });

  it('passwd-default-test: a key encrypted with "test" and no passwd file (openssl-made, legacy DES-EDE3)', () => {
    const key = openssl(['pkey', '-in', file('t.key', shared.files[1].data), '-des3', '-traditional', '-passout', 'pass:test']);
    assert.match(key, /Proc-Type: 4,ENCRYPTED/);
    const r = expectCodes(withFile(entriesOf(shared), 'server.key', key, 0o600), ['passwd-default-test', 'http-key-encrypted']);
    assert.equal(r.findings[0].severity, 'warning');
  });

  it('passwd-unused: a passwd file next to an unencrypted key', () => {
    const r = expectCodes(withFile(entriesOf(shared), 'server.passwd', 'whatever', 0o600), ['passwd-unused']);
    assert.equal(r.findings[0].severity, 'info');
  });

  it('key-permissions and passwd-permissions', () => {
    const e = withFile(withFile(entriesOf(sharedPw), 'server.key', sharedPw.files[1].data, 0o644), 'server.passwd', PASS, 0o640);
    const r = expectCodes(e, ['key-permissions', 'passwd-permissions', 'http-key-encrypted']);
    const key = r.findings.find((f) => f.code === 'key-permissions')!;
    assert.match(key.instruction ?? '', /^chmod 600 .*server\.key$/);
    assert.deepEqual(key.repair, { kind: 'fix', does: 'sets its mode to 0600' });
    assert.match(r.findings.find((f) => f.code === 'passwd-permissions')!.message, /mode 0640/);
  });

  it('http-key-encrypted: info, or an error when ecflow_http will use the folder', () => {
    const info = checkEcflowLayout(entriesOf(sharedPw), opts()).findings;
    assert.deepEqual(info.map((f) => [f.code, f.severity]), [['http-key-encrypted', 'info']]);
    const error = checkEcflowLayout(entriesOf(sharedPw), opts({ http: true })).findings;
    assert.deepEqual(error.map((f) => [f.code, f.severity]), [['http-key-encrypted', 'error']]);
  });

  it('file-unreadable', () => {
    const e = entriesOf(sharedPw).map((x) => (x.name === 'server.passwd' ? { name: x.name, error: 'permission denied', mode: 0o000 } : x));
    expectCodes(e, ['file-unreadable', 'http-key-encrypted']);
  });
});

describe('ecFlow layout check: DH parameters and clients', () => {
  it('dh-missing: shared, and specific (where dh2048.pem does not count)', () => {
    const r = expectCodes(withFile(entriesOf(shared), 'dh2048.pem', undefined), ['dh-missing']);
    assert.match(r.findings[0].message, /dh1024\.pem' does not exist/);
    const spec = withFile(withFile(entriesOf(specific), `${SPEC}.pem`, undefined), 'dh2048.pem', ffdhePem(2048));
    const s = expectCodes(spec, ['dh-missing'], { ecfSsl: SPEC });
    assert.match(s.findings[0].message, /only the shared set uses it/);
  });

  it('dh-not-pem, dh-invalid, dh-weak (openssl: 1024-bit DSA-style parameters), dh1024-fallback', () => {
    const der = opensslBytes(['dhparam', '-in', file('d.pem', ffdhePem(2048)), '-outform', 'DER']);
    expectCodes(withFile(entriesOf(shared), 'dh2048.pem', der), ['dh-not-pem']);
    expectCodes(withFile(entriesOf(shared), 'dh2048.pem', shared.files[0].data), ['dh-invalid']);
    const weak = openssl(['dhparam', '-dsaparam', '1024']);
    const r = expectCodes(withFile(entriesOf(shared), 'dh2048.pem', weak), ['dh-weak']);
    assert.match(r.findings[0].message, /1024-bit.*dh key too small/);
    const fallback = withFile(withFile(entriesOf(shared), 'dh2048.pem', undefined), 'dh1024.pem', weak);
    const f = expectCodes(fallback, ['dh1024-fallback', 'dh-weak']);
    assert.ok(f.files['dh1024.pem'], 'the file list names the DH file ecFlow uses');
    expectCodes(withFile(withFile(entriesOf(shared), 'dh2048.pem', undefined), 'dh1024.pem', ffdhePem(2048)), ['dh1024-fallback']);
  });

  it('client-crt-missing and client-crt-differs (clients connecting by IP or FQDN)', () => {
    const base = entriesOf(specific);
    const r = expectCodes(base, ['client-crt-missing'], { ecfSsl: SPEC, clientHosts: ['127.0.0.1', 'ecfhost.example.org', 'localhost', HOST] });
    assert.equal(r.findings[0].file, `ecfhost.example.org.${PORT}.crt`);
    assert.match(r.findings[0].message, /Only "localhost" is replaced/);
    expectCodes(withFile(base, `127.0.0.1.${PORT}.crt`, other.files[0].data), ['client-crt-differs'], { ecfSsl: SPEC, clientHosts: ['127.0.0.1'] });
    // A client's own folder: only the certificate counts, compared with the server's.
    const client = [{ name: `${SPEC}.crt`, bytes: bytesOf(base, `${SPEC}.crt`) }];
    expectCodes(client, [], { role: 'client', ecfSsl: SPEC, serverCertificate: bytesOf(base, `${SPEC}.crt`) });
    const c = expectCodes(client, ['client-crt-differs'], { role: 'client', ecfSsl: SPEC, serverCertificate: new TextEncoder().encode(other.files[0].data) });
    assert.deepEqual(Object.keys(c.files), [`${SPEC}.crt`]);
  });

  it('every finding code is produced by some crafted folder above', () => {
    assert.deepEqual(ECFLOW_FINDING_CODES.filter((c) => !seen.has(c)), []);
  });
});

describe('ecFlow repairs', () => {
  it('a passwd file with a CRLF is rewritten to what opens the key, with no line end (openssl agrees)', async () => {
    const broken = withFile(entriesOf(sharedPw), 'server.passwd', `${PASS}\r\n`, 0o644);
    const plan = await planEcflowRepairs(broken, opts());
    const pw = plan.writes.find((w) => w.name === 'server.passwd');
    assert.ok(pw);
    assert.equal(pw.data, PASS);
    assert.equal(pw.secret, true);
    assert.deepEqual(plan.remaining.map((f) => f.code), ['http-key-encrypted']);
    openssl(['pkey', '-in', file('r.key', sharedPw.files[1].data), '-passin', `file:${file('r.pw', pw.data)}`, '-noout']);
    const blanks = await planEcflowRepairs(withFile(entriesOf(sharedPw), 'server.passwd', `${PASS}  \n`, 0o600), opts());
    assert.deepEqual(blanks.writes.map((w) => [w.name, w.data]), [['server.passwd', PASS]]);
    // No tidy reading opens the key: nothing is written, the operator must give the passphrase.
    const other = await planEcflowRepairs(withFile(entriesOf(sharedPw), 'server.passwd', 'nope\r\n', 0o600), opts());
    assert.deepEqual(other.writes, []);
    assert.deepEqual(other.remaining.map((f) => [f.code, f.repair?.kind === 'fix' ? f.repair.passphrase : undefined]), [
      ['passwd-wrong', 'key'],
      ['http-key-encrypted', undefined],
    ]);
  });

  it('DER files become PEM, missing or weak DH parameters become ffdhe2048, open files become 0600', async () => {
    const der = opensslBytes(['x509', '-in', file('x.crt', shared.files[0].data), '-outform', 'DER']);
    const keyDer = opensslBytes(['pkey', '-in', file('x.key', shared.files[1].data), '-outform', 'DER']);
    let e = withFile(withFile(entriesOf(shared), 'server.crt', der), 'server.key', keyDer, 0o644);
    e = withFile(e, 'dh2048.pem', undefined);
    const plan = await planEcflowRepairs(e, opts());
    const names = plan.writes.map((w) => w.name).sort();
    assert.deepEqual(names, ['dh2048.pem', 'server.crt', 'server.key']);
    assert.equal(plan.writes.find((w) => w.name === 'server.crt')!.data, shared.files[0].data.replace(/\r/g, ''));
    const pemKey = plan.writes.find((w) => w.name === 'server.key')!.data;
    assert.match(pemKey, /^-----BEGIN (EC )?PRIVATE KEY-----/);
    assert.equal(openssl(['pkey', '-in', file('pem.key', pemKey), '-pubout']), openssl(['pkey', '-in', file('orig.key', shared.files[1].data), '-pubout']));
    assert.equal(plan.writes.find((w) => w.name === 'dh2048.pem')!.data, ffdhePem(2048));
    assert.deepEqual(plan.remaining, []);
    const perms = await planEcflowRepairs(withFile(entriesOf(shared), 'server.key', shared.files[1].data, 0o604), opts());
    assert.deepEqual(perms.chmods, [{ name: 'server.key', mode: 0o600 }]);
    assert.deepEqual(perms.writes, []);
    // What the plan repaired on its own is what the checker offered as a repair without choices.
    const offered = checkEcflowLayout(e, opts()).findings.map((f) => f.repair);
    assert.deepEqual(
      checkEcflowLayout(e, opts()).findings.map((f) => f.code).sort(),
      ['crt-not-pem', 'dh-missing', 'key-not-pem', 'key-permissions'],
    );
    assert.ok(offered.every((r) => r?.kind === 'fix' && !r.renew && !r.passphrase && !r.encryptKey && !r.decryptKey));
  });

  it('--renew: an expired certificate is reissued for the same key, subject and SANs (openssl agrees it matches)', async () => {
    const expired = await certificateFor(shared.files[1].data, 2, new Date(Date.now() - 10 * 86_400_000));
    const e = withFile(entriesOf(shared), 'server.crt', expired);
    const without = await planEcflowRepairs(e, opts());
    assert.deepEqual(without.remaining.map((f) => f.code), ['crt-expired']);
    const plan = await planEcflowRepairs(e, opts(), { renew: true, days: 90 });
    const crt = plan.writes.find((w) => w.name === 'server.crt')!.data;
    const path = file('renewed.crt', crt);
    assert.equal(openssl(['x509', '-in', path, '-noout', '-pubkey']), openssl(['pkey', '-in', file('rk.key', shared.files[1].data), '-pubout']));
    assert.match(openssl(['x509', '-in', path, '-noout', '-subject', '-ext', 'subjectAltName']), /CN = ecfhost[\s\S]*DNS:ecfhost, DNS:localhost/);
    openssl(['verify', '-CAfile', path, path]);
    expectCodes(withFile(e, 'server.crt', crt), []);
    // The key of another certificate: --renew issues one for the key that is there.
    const swapped = await planEcflowRepairs(withFile(entriesOf(shared), 'server.crt', other.files[0].data), opts(), { renew: true });
    assert.deepEqual(swapped.remaining, []);
  });

  it('a passphrase given for a missing or wrong passwd file is checked, then written', async () => {
    const missing = withFile(entriesOf(sharedPw), 'server.passwd', undefined);
    const plan = await planEcflowRepairs(missing, opts(), { passphrase: PASS });
    assert.deepEqual(plan.writes.map((w) => [w.name, w.data]), [['server.passwd', PASS]]);
    const wrong = await planEcflowRepairs(withFile(entriesOf(sharedPw), 'server.passwd', 'nope', 0o600), opts(), { passphrase: 'still not it' });
    assert.deepEqual(wrong.writes, []);
    assert.deepEqual(wrong.remaining.map((f) => f.code), ['passwd-wrong', 'http-key-encrypted']);
  });

  it('--decrypt-key (for ecflow_http) and --encrypt-key (new passphrase + passwd file); openssl reads both', async () => {
    const dec = await planEcflowRepairs(entriesOf(sharedPw), opts(), { decryptKey: true });
    const plain = dec.writes.find((w) => w.name === 'server.key')!.data;
    assert.match(plain, /BEGIN PRIVATE KEY/);
    openssl(['pkey', '-in', file('plain.key', plain), '-noout']);
    const enc = await planEcflowRepairs(entriesOf(shared), opts(), { encryptKey: true, passphrase: 'brand new pw' });
    const key = enc.writes.find((w) => w.name === 'server.key')!.data;
    const pw = enc.writes.find((w) => w.name === 'server.passwd')!.data;
    assert.equal(pw, 'brand new pw');
    openssl(['pkey', '-in', file('enc.key', key), '-passin', `file:${file('enc.pw', pw)}`, '-noout']);
    // A key that does not open with its passwd file is not re-encoded.
    const wrong = withFile(entriesOf(sharedPw), 'server.passwd', 'wrong', 0o600);
    await assert.rejects(planEcflowRepairs(wrong, opts(), { decryptKey: true }), (e: unknown) => e instanceof PkiError && /does not open/.test(e.message));
    // passwd-unused: the key is encrypted with the passphrase the passwd file holds.
    const unused = expectCodes(withFile(entriesOf(shared), 'server.passwd', 'kept passphrase', 0o600), ['passwd-unused']).findings[0];
    assert.deepEqual(unused.repair, { kind: 'fix', does: 'encrypts server.key with the passphrase server.passwd holds', encryptKey: true, passphrase: 'file' });
  });

  it('client copies: a missing or different <name>.<port>.crt is copied from the server certificate', async () => {
    const e = withFile(entriesOf(specific), `127.0.0.1.${PORT}.crt`, other.files[0].data);
    const plan = await planEcflowRepairs(e, opts({ ecfSsl: SPEC }), { clientHosts: ['127.0.0.1', 'ecfhost.example.org'] });
    assert.deepEqual(plan.writes.map((w) => w.name).sort(), [`127.0.0.1.${PORT}.crt`, `ecfhost.example.org.${PORT}.crt`]);
    for (const w of plan.writes) assert.equal(w.data, specific.files[0].data);
  });

  it('export for a client: the file name it looks for and the one export line', () => {
    const crt = new TextEncoder().encode(specific.files[0].data);
    assert.deepEqual(
      { ...exportEcflowClient(crt, 'specific', HOST, PORT, 'ecfhost.example.org'), data: '' },
      { name: `ecfhost.example.org.${PORT}.crt`, data: '', exportLine: `export ECF_SSL=ecfhost.example.org.${PORT}` },
    );
    assert.equal(exportEcflowClient(crt, 'specific', HOST, PORT, 'localhost').name, `${SPEC}.crt`);
    const der = opensslBytes(['x509', '-in', file('e.crt', shared.files[0].data), '-outform', 'DER']);
    const s = exportEcflowClient(der, 'shared', HOST, PORT);
    assert.equal(s.name, 'server.crt');
    assert.equal(s.exportLine, 'export ECF_SSL=1');
    assert.match(s.data, /^-----BEGIN CERTIFICATE-----/);
  });
});

describe('tlsw ecflow (in-process)', () => {
  const saved: Record<string, string | undefined> = {};
  before(() => {
    for (const k of ['ECF_SSL', 'ECF_PORT', 'ECF_HOST', 'ECF_SSL_DIR']) {
      saved[k] = process.env[k];
      delete process.env[k];
    }
    // ECF_SSL (which --mode specific stands for) takes the port of the file names from ECF_PORT.
    process.env.ECF_PORT = String(PORT);
  });
  after(() => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  });

  async function tlsw(args: string[]): Promise<{ code: number; out: string; err: string }> {
    let out = '';
    let err = '';
    const io = { out: (s: string) => void (out += s), err: (s: string) => void (err += s), stdin: async () => Buffer.from('') };
    try {
      return { code: await run(args, io), out, err };
    } catch (e) {
      return { code: (e as { exitCode?: number }).exitCode ?? 99, out, err: err + String((e as Error).message) };
    }
  }

  it('init → check --json (exactly the documented shape, exit 0) → a CRLF passwd file fails check (exit 1) → fix → exit 0', async () => {
    const dir = tmp.path('cli-ssl');
    const pw = tmp.path('cli.pw');
    writeFileSync(pw, `${PASS}\n`);
    const init = await tlsw(['init', '--dir', dir, '--mode', 'specific', '--host', HOST, '--port', String(PORT), '--type', 'ec', '--passphrase-file', pw, '--client-host', '127.0.0.1']);
    assert.equal(init.code, 0, init.err);
    assert.equal(init.out, `export ECF_SSL=${SPEC}\n`);
    assert.deepEqual(readdirSync(dir).sort(), [`127.0.0.1.${PORT}.crt`, `${SPEC}.crt`, `${SPEC}.key`, `${SPEC}.passwd`, `${SPEC}.pem`]);
    assert.equal(statSync(`${dir}/${SPEC}.key`).mode & 0o777, 0o600);
    assert.equal(statSync(`${dir}/${SPEC}.passwd`).mode & 0o777, 0o600);
    assert.equal(readFileSync(`${dir}/${SPEC}.passwd`, 'utf8'), PASS);
    const again = await tlsw(['init', '--dir', dir, '--mode', 'specific', '--host', HOST, '--port', String(PORT), '--type', 'ec']);
    assert.equal(again.code, 1);
    assert.match(again.err, /already exists \(use --force/);

    const where = ['--dir', dir, '--mode', 'specific', '--host', HOST, '--port', String(PORT), '--client-host', '127.0.0.1'];
    const ok = await tlsw(['check', ...where, '--json']);
    assert.equal(ok.code, 0, ok.out);
    const json = JSON.parse(ok.out);
    assert.deepEqual(Object.keys(json), ['set', 'files', 'findings']);
    assert.equal(json.set, 'specific');
    assert.deepEqual(Object.keys(json.files).sort(), [`127.0.0.1.${PORT}.crt`, `${SPEC}.crt`, `${SPEC}.key`, `${SPEC}.passwd`, `${SPEC}.pem`].sort());

    writeFileSync(`${dir}/${SPEC}.passwd`, `${PASS}\r\n`);
    const bad = await tlsw(['check', ...where, '--json']);
    assert.equal(bad.code, 1);
    const findings = JSON.parse(bad.out).findings;
    assert.deepEqual(findings.map((f: { code: string }) => f.code), ['passwd-crlf']);
    assert.deepEqual(Object.keys(findings[0]), ['severity', 'code', 'file', 'message', 'fix']);
    assert.equal(findings[0].file, `${SPEC}.passwd`);
    const text = await tlsw(['check', ...where]);
    assert.equal(text.code, 1);
    assert.match(text.out, /set: specific/);
    assert.match(text.out, /error: \[passwd-crlf\]/);

    const fixed = await tlsw(['fix', ...where]);
    assert.equal(fixed.code, 0, fixed.out + fixed.err);
    assert.match(fixed.err, /fixed .*\.passwd: written/);
    assert.equal(readFileSync(`${dir}/${SPEC}.passwd`, 'utf8'), PASS);
    assert.equal((await tlsw(['check', ...where])).code, 0);

    const out = tmp.path('client-out');
    mkdirSync(out);
    const exp = await tlsw(['fix', ...where, '--export-client', 'ecfhost.example.org', '-o', out]);
    assert.equal(exp.code, 0, exp.err);
    assert.equal(exp.out, `export ECF_SSL=ecfhost.example.org.${PORT}\n`);
    assert.equal(readFileSync(`${out}/ecfhost.example.org.${PORT}.crt`, 'utf8'), readFileSync(`${dir}/${SPEC}.crt`, 'utf8'));
  });

  it('usage errors exit 2; a missing folder is an error finding', async () => {
    assert.equal((await tlsw(['init', '--dir', tmp.path('u'), '--type', 'rsa', '--bits', '1024'])).code, 2);
    assert.equal((await tlsw(['check', '--mode', 'both'])).code, 2);
    assert.equal((await tlsw(['frob'])).code, 2);
    const r = await tlsw(['check', '--dir', tmp.path('nope'), '--json', '--host', HOST]);
    assert.equal(r.code, 1);
    assert.equal(JSON.parse(r.out).findings[0].code, 'folder-missing');
    // The repair as a command line, the port from ECF_PORT.
    assert.equal(JSON.parse(r.out).findings[0].fix, `tlsw ecflow init --dir ${tmp.path('nope')} --mode shared --host ${HOST} --port ${PORT}   (creates the folder and a working set in it)`);
  });

  it('ECF_PORT names the port when --port is not given; --port wins', async () => {
    const dir = tmp.path('cli-port');
    const init = await tlsw(['init', '--dir', dir, '--mode', 'specific', '--host', HOST, '--type', 'ec']);
    assert.equal(init.code, 0, init.err);
    assert.ok(readdirSync(dir).includes(`${SPEC}.crt`), 'named after ECF_PORT');
    const where = ['--dir', dir, '--mode', 'specific', '--host', HOST, '--json'];
    process.env.ECF_PORT = '5151';
    try {
      const other = await tlsw(['check', ...where]);
      assert.equal(other.code, 1);
      assert.deepEqual(JSON.parse(other.out).findings.map((f: { code: string }) => f.code), ['no-certificate']);
      assert.match(JSON.parse(other.out).findings[0].fix, new RegExp(`^tlsw ecflow init .* --mode specific --host ${HOST} --port 5151   \\(creates a working set\\)$`));
      const given = await tlsw(['check', ...where, '--port', String(PORT)]);
      assert.equal(given.code, 0, given.out);
      // It warns that ecFlow itself, with ECF_SSL set, would take the port from ECF_PORT.
      assert.deepEqual(JSON.parse(given.out).findings.map((f: { code: string }) => f.code), ['ecf-port-env']);
      assert.equal(JSON.parse(given.out).set, 'specific');
    } finally {
      process.env.ECF_PORT = String(PORT);
    }
  });

  it('each finding\'s fix is the tlsw command line of its repair (with what it does), or what to do by hand, or both', async () => {
    const dir = tmp.path('cli-render');
    const pw = tmp.path('render.pw');
    writeFileSync(pw, PASS);
    assert.equal((await tlsw(['init', '--dir', dir, '--host', HOST, '--type', 'ec', '--passphrase-file', pw])).code, 0);
    rmSync(`${dir}/dh2048.pem`);
    rmSync(`${dir}/server.passwd`);
    chmodSync(`${dir}/server.key`, 0o644);
    const where = ['--dir', dir, '--host', HOST, '--port', String(PORT)];
    const r = await tlsw(['check', ...where, '--json']);
    const fixes = Object.fromEntries(JSON.parse(r.out).findings.map((f: { code: string; fix: string }) => [f.code, f.fix]));
    const fix = `tlsw ecflow fix --dir ${dir} --host ${HOST} --port ${PORT}`;
    assert.deepEqual(fixes, {
      'passwd-missing': `${fix} --passphrase-file F   (checks the key's passphrase, then writes it to server.passwd with no line end, mode 0600)`,
      'dh-missing': `${fix}   (writes the RFC 7919 ffdhe2048 group to dh2048.pem)`,
      'key-permissions': `${fix}   (sets its mode to 0600); or: chmod 600 ${dir}/server.key`,
      'http-key-encrypted': `${fix} --decrypt-key   (writes server.key unencrypted: only if you run ecflow_http; keep the folder private)`,
    });
    const text = await tlsw(['check', ...where]);
    assert.ok(text.out.includes(`error: [dh-missing] `) && text.out.includes(`\n  fix: ${fix}   (writes the RFC 7919 ffdhe2048 group to dh2048.pem)\n`), text.out);
    // The command line printed does the repair.
    const fixed = await tlsw(['fix', ...where]);
    assert.match(fixed.err, /dh2048\.pem: written/);
    assert.deepEqual(JSON.parse((await tlsw(['check', ...where, '--json'])).out).findings.map((f: { code: string }) => f.code), ['passwd-missing', 'http-key-encrypted']);
  });
});
