// What the performance work (issue 8) must not break, and the structure it relies on: the split bundles load only
// what is used (the CLI's --version loads no engine, the extension's activation no engine, an inspect no
// node-forge); the asynchronous writer keeps writeFilesSafe's rules; parallel self-signature checks agree with the
// lazy ones; the scanner's memo and its fast time and PEM paths agree with the full decoders; `tlsw scan` with
// helper threads prints exactly what it prints without them. (Timings are for `npm run bench`, not for tests.)

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { writeFilesSafe, writeFilesSafeAsync } from '../../src/core/write/files';
import { findPemBlocks, plainPemSpans } from '../../src/core/der/pem';
import { readObjects } from '../../src/core/read/read';
import type { FileAccessor } from '../../src/core/workspace/scanner';
import { scanAll } from '../helpers/scan';
import { checkSelfSignatures, clearSelfSignedCache, decodeCertificate } from '../../src/core/objects/x509';
import { installFakeVscode, fakeContext } from '../helpers/fakeVscode';
import { TRUST_BUNDLE, openssl, tempDir } from '../helpers/tools';

const root = join(__dirname, '..', '..', '..');
const dist = join(root, 'dist');
const t = tempDir('tlsw-perf-');
after(() => t.cleanup());

/** Runs node with a preload that prints, on exit, every module file it loaded (to stderr, one JSON line). */
function loadedBy(args: string[], env: NodeJS.ProcessEnv = {}): { files: string[]; status: number | null; stdout: string } {
  const preload = t.path('loaded.js');
  writeFileSync(preload, "process.on('exit', () => process.stderr.write('\\nLOADED ' + JSON.stringify(Object.keys(require.cache)) + '\\n'));\n");
  const r = spawnSync(process.execPath, ['-r', preload, ...args], { encoding: 'utf8', env: { ...process.env, ...env }, maxBuffer: 64 * 1024 * 1024 });
  const line = r.stderr.split('\n').find((l) => l.startsWith('LOADED '));
  assert.ok(line, r.stderr);
  const files = (JSON.parse(line.slice(7)) as string[]).filter((f) => f !== preload).map((f) => f.slice(f.lastIndexOf('/') + 1));
  return { files, status: r.status, stdout: r.stdout };
}

describe('split bundles', () => {
  it('dist/ holds the startup bundles and the engine and vendor bundles they load on demand', () => {
    const js = readdirSync(dist).filter((f) => f.endsWith('.js')).sort();
    for (const f of ['cli.js', 'engine.js', 'extension.js', 'features.js', 'vendor-forge.js', 'worker.js']) assert.ok(js.includes(f), `${f} missing from dist/: ${js.join(', ')}`);
    // The startup bundles do not embed the engine: they require it.
    for (const f of ['cli.js', 'extension.js']) {
      const code = readFileSync(join(dist, f), 'utf8');
      assert.match(code, /require\(["']\.\/engine\.js["']\)/, f);
      assert.doesNotMatch(code, /function plainPemSpans|class Scanner\b/, `${f} embeds engine code`);
    }
    assert.ok(statSync(join(dist, 'extension.js')).size < statSync(join(dist, 'engine.js')).size, 'the extension shell is smaller than the engine');
    // The commands' implementations are in dist/features.js, required on first use.
    const shell = readFileSync(join(dist, 'extension.js'), 'utf8');
    assert.match(shell, /require\(["']\.\/features\.js["']\)/);
    assert.doesNotMatch(shell, /function (generateKey|generateSelfSigned|exportPkcs12|verifyChain)\b/, 'extension.js embeds a command implementation');
    assert.match(readFileSync(join(dist, 'features.js'), 'utf8'), /function generateSelfSigned\b/);
  });

  it('the production startup bundle stays within 120 KB', async () => {
    const out = t.path('production');
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { build } = require(join(root, 'esbuild.js')) as { build: (o: { production: boolean; outdir: string }) => Promise<string[]> };
    await build({ production: true, outdir: out });
    const size = statSync(join(out, 'extension.js')).size;
    assert.ok(size <= 120 * 1024, `dist/extension.js is ${(size / 1024).toFixed(1)} KB minified, over the 120 KB budget`);
  });

  it('tlsw --version loads neither the engine nor a command', () => {
    const r = loadedBy([join(dist, 'cli.js'), '--version']);
    assert.equal(r.status, 0);
    assert.match(r.stdout, /^\d+\.\d+\.\d+/);
    assert.deepEqual(r.files, ['cli.js']);
  });

  it('tlsw inspect loads the engine but not node-forge', () => {
    const r = loadedBy([join(dist, 'cli.js'), 'inspect', '--json', TRUST_BUNDLE]);
    assert.equal(r.status, 0);
    assert.ok(r.files.includes('engine.js'), r.files.join(', '));
    assert.ok(!r.files.includes('vendor-forge.js'), r.files.join(', '));
    assert.ok(JSON.parse(r.stdout).length > 100);
  });

  it('activating the extension loads no engine: the first scan loads it after activation', async () => {
    installFakeVscode();
    const bundle = join(dist, 'extension.js');
    const engine = join(dist, 'engine.js');
    delete require.cache[bundle];
    delete require.cache[engine];
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const ext = require(bundle) as { activate: (c: unknown) => { activationMs: number }; deactivate: () => void };
    const context = fakeContext();
    const api = ext.activate(context);
    assert.ok(!(engine in require.cache), 'activate() loaded dist/engine.js');
    assert.ok(!(join(dist, 'features.js') in require.cache), 'activate() loaded dist/features.js');
    assert.ok(Number.isFinite(api.activationMs) && api.activationMs >= 0, 'activate() reports how long it took');
    for (let i = 0; i < 100 && !(engine in require.cache); i++) await new Promise((r) => setTimeout(r, 10));
    assert.ok(engine in require.cache, 'the first scan, just after activation, loads the engine');
    ext.deactivate();
    for (const d of (context as { subscriptions: { dispose(): unknown }[] }).subscriptions) d.dispose();
  });
});

describe('writeFilesSafeAsync', () => {
  it('writes every file with its mode, atomically, and refuses to replace what exists', async () => {
    const dir = t.path('async');
    mkdirSync(dir);
    const a = join(dir, 'a.crt');
    const k = join(dir, 'a.key');
    await writeFilesSafeAsync([
      { path: a, data: 'certificate\n' },
      { path: k, data: Uint8Array.from([1, 2, 3]), secret: true },
    ]);
    assert.equal(readFileSync(a, 'utf8'), 'certificate\n');
    assert.deepEqual([...readFileSync(k)], [1, 2, 3]);
    assert.equal(statSync(a).mode & 0o777, 0o644);
    assert.equal(statSync(k).mode & 0o777, 0o600);
    await assert.rejects(writeFilesSafeAsync([{ path: join(dir, 'b.crt'), data: 'b' }, { path: a, data: 'again' }]), /a\.crt already exists/);
    assert.ok(!existsSync(join(dir, 'b.crt')), 'all or nothing: nothing is written when one target exists');
    await writeFilesSafeAsync([{ path: a, data: 'replaced' }], { overwrite: true });
    assert.equal(readFileSync(a, 'utf8'), 'replaced');
    assert.deepEqual(readdirSync(dir).sort(), ['a.crt', 'a.key'], 'no temporary file left behind');
  });

  it('fails as the synchronous writer does, with one line and nothing written', async () => {
    const missing = t.path('no/such/folder/x.pem');
    await assert.rejects(writeFilesSafeAsync([{ path: missing, data: 'x' }]), (e: Error) => {
      let sync = '';
      try {
        writeFilesSafe([{ path: missing, data: 'x' }]);
      } catch (s) {
        sync = (s as Error).message;
      }
      assert.equal(e.message, sync);
      assert.doesNotMatch(e.message, /\n/);
      return true;
    });
    await assert.rejects(writeFilesSafeAsync([{ path: t.path('twice'), data: '1' }, { path: t.path('twice'), data: '2' }]), /given twice/);
  });
});

describe('self-signature checks in parallel', () => {
  it('checkSelfSignatures gives what reading selfSigned gives, for every root of the trust bundle', async () => {
    const bytes = readFileSync(TRUST_BUNDLE);
    clearSelfSignedCache();
    const lazy = readObjects(bytes).objects.map((o) => (o.kind === 'certificate' ? o.selfSigned : undefined));
    clearSelfSignedCache();
    const { objects } = readObjects(bytes);
    await checkSelfSignatures(objects);
    assert.deepEqual(objects.map((o) => (o.kind === 'certificate' ? o.selfSigned : undefined)), lazy);
    assert.ok(lazy.filter((x) => x === true).length > 100, 'the roots are self-signed');
  });

  it('a certificate whose signature does not verify is not self-signed; leaves and non-certificates are left alone', async () => {
    const key = t.path('ss.key');
    const cert = t.path('ss.crt');
    openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-384', '-nodes', '-keyout', key, '-out', cert, '-days', '5', '-subj', '/CN=perf self']);
    openssl(['x509', '-in', cert, '-outform', 'DER', '-out', t.path('ss.der')]);
    const der = readFileSync(t.path('ss.der'));
    const broken = Buffer.from(der);
    broken[broken.length - 3] ^= 0x55; // inside the signature
    clearSelfSignedCache();
    const good = decodeCertificate(der, { now: new Date(), warnDays: 30 });
    const bad = decodeCertificate(broken, { now: new Date(), warnDays: 30 });
    await checkSelfSignatures([good, bad, { kind: 'private-key' }]);
    assert.equal(good.selfSigned, true);
    assert.equal(bad.selfSigned, false);
  });
});

describe('scanner fast paths', () => {
  it('the plain-PEM spans decode to the blocks the general scanner finds', () => {
    const text = readFileSync(TRUST_BUNDLE, 'utf8');
    const spans = plainPemSpans(text);
    assert.ok(spans);
    const general = findPemBlocks(text.replace(/-----BEGIN/, 'x\n-----BEGIN')).blocks.length;
    assert.equal(spans.length, general);
    // Padding only at the end, and only base64 or the scanner's whitespace in a body: else the general scanner decides.
    for (const odd of [
      '-----BEGIN CERTIFICATE-----\nAB=C\n-----END CERTIFICATE-----\n',
      '-----BEGIN CERTIFICATE-----\nAAAA\u00a0\n-----END CERTIFICATE-----\n',
    ]) {
      assert.equal(plainPemSpans(odd), undefined, JSON.stringify(odd));
      assert.ok(findPemBlocks(odd).problems.length > 0, JSON.stringify(odd));
    }
  });

  it('summarises each certificate once per scan, and every copy at its own place', async () => {
    const bundle = readFileSync(TRUST_BUNDLE);
    const files = new Map<string, Uint8Array>([
      ['one.pem', bundle],
      ['two.pem', Buffer.concat([Buffer.from('# a copy, shifted by two lines\n\n'), bundle])],
    ]);
    const accessor: FileAccessor = {
      list: () => files.keys(),
      size: (f) => (files.get(f) as Uint8Array).length,
      readHead: (f, n) => (files.get(f) as Uint8Array).subarray(0, n),
      readAll: (f) => files.get(f) as Uint8Array,
    };
    const [one, two] = await scanAll(accessor, { now: new Date('2025-01-01T00:00:00Z') });
    assert.equal(one.objects.length, two.objects.length);
    one.objects.forEach((a, i) => {
      const b = two.objects[i];
      assert.notEqual(a, b, 'each place has its own object');
      assert.equal(b.range?.startLine, (a.range?.startLine ?? NaN) + 2);
      assert.equal(b.range?.endLine, (a.range?.endLine ?? NaN) + 2);
      assert.equal(b.range?.startOffset, (a.range?.startOffset ?? NaN) + 32);
      const { range: ra, ...restA } = a;
      const { range: rb, ...restB } = b;
      assert.ok(ra && rb);
      assert.deepEqual(restB, restA);
    });
    // And what the scan says of each is what the full decoder says.
    const full = readObjects(bundle, { now: new Date('2025-01-01T00:00:00Z') }).objects;
    full.forEach((c, i) => {
      assert.equal(c.kind, 'certificate');
      if (c.kind !== 'certificate') return;
      assert.equal(one.objects[i].notBefore, c.notBefore);
      assert.equal(one.objects[i].notAfter, c.notAfter);
      assert.equal(one.objects[i].subject, c.subject.text);
      assert.equal(one.objects[i].sha256, c.fingerprints.sha256);
      assert.deepEqual(one.objects[i].expiry, c.expiry);
    });
  });

  it('reads UTCTime and GeneralizedTime (2050 and later) as the full decoder does', async () => {
    const key = t.path('long.key');
    const cert = t.path('long.crt');
    openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', key, '-out', cert, '-days', '12000', '-subj', '/CN=long']);
    const bytes = readFileSync(cert);
    const accessor: FileAccessor = { list: () => ['long.crt'], size: () => bytes.length, readHead: () => bytes, readAll: () => bytes };
    const [f] = await scanAll(accessor);
    const full = readObjects(bytes).objects[0];
    assert.equal(full.kind, 'certificate');
    if (full.kind !== 'certificate') return;
    assert.ok(full.notAfter > '2050', full.notAfter);
    assert.equal(f.objects[0].notBefore, full.notBefore);
    assert.equal(f.objects[0].notAfter, full.notAfter);
  });
});

describe('tlsw scan with helper threads', () => {
  it('prints exactly what it prints without them (over 4,000 files)', () => {
    const dir = t.path('many');
    const cert = readFileSync(TRUST_BUNDLE, 'utf8').split('-----END CERTIFICATE-----\n').slice(0, 40);
    for (let d = 0; d < 20; d++) {
      mkdirSync(join(dir, `d${d}`), { recursive: true });
      for (let i = 0; i < 210; i++) {
        const n = d * 210 + i;
        const data = n % 97 === 0 ? `${cert[n % cert.length]}-----END CERTIFICATE-----\n` : n % 101 === 0 ? Buffer.from([0x30, 0x82, 1, 2, 3]) : `text ${n}\n`;
        writeFileSync(join(dir, `d${d}`, `f${n}${n % 5 === 0 ? '.pem' : '.txt'}`), data);
      }
    }
    const scan = (threads: string, json: boolean) => {
      const r = spawnSync(process.execPath, [join(dist, 'cli.js'), 'scan', ...(json ? ['--json'] : []), '--now', '2030-01-01', dir], {
        encoding: 'utf8',
        env: { ...process.env, TLSW_SCAN_THREADS: threads },
        maxBuffer: 64 * 1024 * 1024,
      });
      assert.equal(r.status, 0, r.stderr);
      return { out: r.stdout, err: r.stderr };
    };
    for (const json of [false, true]) {
      const one = scan('0', json);
      const two = scan('2', json);
      assert.equal(two.out, one.out);
      assert.equal(two.err, one.err);
      if (!json) assert.match(one.out, /among 4200 scanned\n$/);
      else assert.ok((JSON.parse(one.out) as unknown[]).length >= 44);
    }
  });
});
