// `tlsw scan` as a user runs it: the bundled dist/cli.js in a child process, over a folder made with openssl.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openssl, tempDir } from '../helpers/tools';

const cli = join(__dirname, '..', '..', '..', 'dist', 'cli.js');

function tlsw(args: string[], cwd?: string) {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

interface Row {
  file: string;
  index: number | null;
  kind: string | null;
  [field: string]: unknown;
}

const t = tempDir('tlsw-cliscan-');
after(() => t.cleanup());

describe('tlsw scan', () => {
  let sha256 = '';
  let notAfter = '';

  before(() => {
    const p = (n: string) => t.path(n);
    for (const d of ['certs', 'keys', 'node_modules/pkg', '.git', 'vendor']) mkdirSync(p(d), { recursive: true });
    openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', p('keys/site.key'), '-out', p('certs/site.crt'),
      '-days', '10', '-subj', '/O=Any Org/CN=site.example', '-addext', 'basicConstraints=critical,CA:FALSE']);
    openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', p('keys/ca.key'), '-out', p('certs/ca.crt'),
      '-days', '3650', '-subj', '/CN=Scan CLI Root']);
    openssl(['req', '-new', '-key', p('keys/site.key'), '-out', p('site.csr'), '-subj', '/CN=site.example']);
    openssl(['x509', '-in', p('certs/site.crt'), '-outform', 'der', '-out', p('certs/site.bin')]);
    writeFileSync(p('bundle.pem'), readFileSync(p('certs/site.crt'), 'utf8') + readFileSync(p('certs/ca.crt'), 'utf8'));
    writeFileSync(p('node_modules/pkg/test.pem'), readFileSync(p('certs/ca.crt')));
    writeFileSync(p('.git/leak.pem'), readFileSync(p('certs/ca.crt')));
    writeFileSync(p('vendor/third.crt'), readFileSync(p('certs/ca.crt')));
    writeFileSync(p('notes.md'), '# notes\nnothing to see\n');
    writeFileSync(p('random.dat'), Buffer.alloc(4096, 0x30));
    writeFileSync(p('huge.pem'), readFileSync(p('certs/ca.crt'), 'utf8').repeat(2000));
    sha256 = openssl(['x509', '-in', p('certs/site.crt'), '-noout', '-fingerprint', '-sha256']).split('=')[1].trim().replace(/:/g, '').toLowerCase();
    notAfter = new Date(openssl(['x509', '-in', p('certs/site.crt'), '-noout', '-enddate']).split('=')[1].trim()).toISOString().replace(/\.\d{3}Z$/, 'Z');
  });

  it('--json lists every object with its file, kind and, for certificates, subject and expiry', () => {
    const r = tlsw(['scan', t.dir, '--json', '--exclude', 'vendor/**', '--max-size', '0.5']);
    assert.equal(r.code, 0, r.err);
    const rows = JSON.parse(r.out) as Row[];
    const files = rows.map((x) => `${x.file.slice(t.dir.length + 1)}#${x.index}:${x.kind}`).sort();
    assert.deepEqual(files, [
      'bundle.pem#0:certificate',
      'bundle.pem#1:certificate',
      'certs/ca.crt#0:certificate',
      'certs/site.bin#0:certificate',
      'certs/site.crt#0:certificate',
      'huge.pem#null:null',
      'keys/ca.key#0:private-key',
      'keys/site.key#0:private-key',
      'site.csr#0:csr',
    ]);
    const site = rows.find((x) => x.file === join(t.dir, 'certs', 'site.crt'))!;
    assert.equal(site.subject, 'O=Any Org, CN=site.example');
    assert.equal(site.commonName, 'site.example');
    assert.equal(site.issuer, 'O=Any Org, CN=site.example');
    assert.equal(site.notAfter, notAfter);
    assert.equal(site.status, 'expiring');
    assert.equal(site.daysLeft, 10, 'issued moments ago for 10 days: 10 days left (rounded to the nearest day)');
    assert.equal(site.isCA, false);
    assert.equal(site.sha256, sha256);
    assert.equal(site.algorithm, 'EC P-256');
    assert.equal(site.encoding, 'pem');
    assert.equal(rows.find((x) => x.file.endsWith('site.bin'))!.sha256, sha256, 'DER found whatever its extension');
    assert.equal(rows.find((x) => x.file.endsWith('ca.crt'))!.isCA, true);
    assert.equal(rows.find((x) => x.file.endsWith('bundle.pem') && x.index === 1)!.line, 12);
    assert.deepEqual(rows.find((x) => x.file.endsWith('site.key'))!.encrypted, false);
    const huge = rows.find((x) => x.file.endsWith('huge.pem'))!;
    assert.equal(huge.status, 'too-large');
    assert.match(r.err, /huge\.pem: file is [\d.]+ MB, over the 512 KB limit \(not read\)/);
  });

  it('skips node_modules and .git, and what --exclude names', () => {
    const r = tlsw(['scan', t.dir, '--json']);
    const files = (JSON.parse(r.out) as Row[]).map((x) => x.file);
    assert.ok(files.some((f) => f.endsWith(join('vendor', 'third.crt'))), 'vendor is scanned without --exclude');
    assert.ok(!files.some((f) => f.includes('node_modules') || f.includes('.git')));
    const excluded = (JSON.parse(tlsw(['scan', t.dir, '--json', '--exclude', '*.crt', '--exclude', 'keys']).out) as Row[]).map((x) => x.file);
    assert.ok(!excluded.some((f) => f.endsWith('.crt') || f.includes(`${join('keys', '')}`)), excluded.join('\n'));
    assert.ok(excluded.some((f) => f.endsWith('site.bin')));
  });

  it('prints one line per object (file, kind, subject, expiry) and a summary', () => {
    const r = tlsw(['scan', '.', '--now', '2000-01-01', '--exclude', 'huge.pem'], t.dir);
    assert.equal(r.code, 0, r.err);
    const lines = r.out.trim().split('\n');
    const site = lines.find((l) => l.startsWith(join('certs', 'site.crt')))!;
    assert.deepEqual(site.split('\t').slice(1, 3), ['certificate', 'O=Any Org, CN=site.example']);
    assert.match(site, /not valid before \d{4}-\d\d-\d\d, expires \d{4}-\d\d-\d\d$/);
    assert.match(lines.find((l) => l.startsWith('bundle.pem:12'))!, /^bundle\.pem:12\tcertificate \(CA\)\tCN=Scan CLI Root\t/);
    assert.match(lines.find((l) => l.startsWith(join('keys', 'site.key')))!, /\tprivate key\tEC P-256$/);
    assert.match(lines.at(-1)!, /^8 files with keys or certificates among 10 scanned$/);
    const later = tlsw(['scan', '.', '--now', '2100-01-01', '--exclude', 'huge.pem'], t.dir).out;
    assert.match(later, /certs\/site\.crt\tcertificate\tO=Any Org, CN=site\.example\tEXPIRED \d{4}-\d\d-\d\d \(\d+ days ago\)/);
    // Days are rounded to the nearest day, as everywhere: 9.6 days before the end says 10, 2.6 days after it says 3.
    const at = (days: number) => new Date(Date.parse(notAfter) - days * 86_400_000).toISOString();
    const siteLine = (now: string) => tlsw(['scan', 'certs', '--now', now], t.dir).out.split('\n').find((l) => l.startsWith(join('certs', 'site.crt')))!;
    assert.equal(siteLine(at(9.6)).split('\t')[3], `EXPIRING ${notAfter.slice(0, 10)} (in 10 days)`);
    assert.equal(siteLine(at(-2.6)).split('\t')[3], `EXPIRED ${notAfter.slice(0, 10)} (3 days ago)`);
  });

  it('says what is wrong with its arguments, in one line', () => {
    const missing = tlsw(['scan', t.path('no-such-dir')]);
    assert.equal(missing.code, 1);
    assert.match(missing.err, /^tlsw scan: .*no-such-dir: no such folder\n$/);
    const file = tlsw(['scan', t.path('site.csr')]);
    assert.equal(file.code, 1);
    assert.match(file.err, /not a folder.*tlsw inspect/);
    const bad = tlsw(['scan', t.dir, '--max-size', 'lots']);
    assert.equal(bad.code, 2);
    assert.match(bad.err, /--max-size must be a positive number/);
    assert.equal(tlsw(['scan', t.dir, '--frobnicate']).code, 2);
    assert.match(tlsw(['scan', '--help']).out, /Usage: tlsw scan/);
    assert.match(tlsw(['--help']).out, /\n {2}scan {6}find every key/);
  });
});

describe('tlsw scan: untrusted names reach the terminal escaped', () => {
  it('a file name and a subject carrying ESC / bidi characters are shown as \\x1b and \\u{202E}', () => {
    const dir = t.path('hostile');
    mkdirSync(dir, { recursive: true });
    const name = 'evil\x1b[2Jname\u202e.crt';
    openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', join(dir, 'k.key'), '-out', join(dir, name),
      '-days', '10', '-utf8', '-subj', '/CN=fake\u202eOK']);
    const r = tlsw(['scan', dir]);
    assert.equal(r.code, 0, r.err);
    // eslint-disable-next-line no-control-regex
    assert.ok(!/[\x1b\u202e]/.test(r.out + r.err), JSON.stringify(r.out));
    assert.match(r.out, /evil\\x1b\[2Jname\\u\{202E\}\.crt/);
    assert.match(r.out, /fake\\u\{202E\}OK/);
    const j = tlsw(['scan', '--json', dir]);
    // eslint-disable-next-line no-control-regex
    assert.ok(!/[\x1b\u202e]/.test(j.out));
    assert.ok(JSON.parse(j.out).some((row: Row) => row.file.endsWith(name)), 'the JSON value is unchanged');
  });
});
