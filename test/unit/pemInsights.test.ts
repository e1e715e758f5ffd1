// PEM blocks inside arbitrary text (YAML, JSON, .env, Kubernetes secrets): ranges, decoded objects, findings and
// the summaries the editor shows, with certificates made by the real openssl.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { PemBlockInsight, PemInsights } from '../../src/core/workspace/pemInsights';
import { analyzePemText, blocksAt, hoverMarkdown, lensTitle, mayContainPem } from '../../src/core/workspace/pemInsights';
import { children, readRoot } from '../../src/core/der/asn1';
import { expiryPhrase } from '../../src/core/display/expiry';
import { certificateExpiry } from '../../src/core/workspace/summary';
import { scanAll } from '../helpers/scan';
import { openssl, read, tempDir, write } from '../helpers/tools';

const tmp = tempDir('tlsw-insights-');
const DAY = 86_400_000;

interface Made {
  cert: string;
  key: string;
  sha1: string;
  sha256: string;
  notAfter: Date;
}

const made: Record<string, Made> = {};

/** A self-signed certificate from `openssl req -x509` with `args`; fingerprints and notAfter as openssl prints them. */
function make(name: string, args: string[]): Made {
  const crt = tmp.path(`${name}.crt`);
  const key = tmp.path(`${name}.key`);
  openssl(['req', '-x509', '-nodes', '-keyout', key, '-out', crt, ...args]);
  const fp = (alg: string) => openssl(['x509', '-in', crt, '-noout', '-fingerprint', `-${alg}`]).split('=')[1].trim().replace(/:/g, '').toLowerCase();
  const end = openssl(['x509', '-in', crt, '-noout', '-enddate']).split('=')[1].trim();
  return { cert: read(crt).toString('utf8'), key: read(key).toString('utf8'), sha1: fp('sha1'), sha256: fp('sha256'), notAfter: new Date(end) };
}

const EC = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256'];
const LEAF = ['-addext', 'basicConstraints=critical,CA:FALSE'];

before(() => {
  made.server = make('server', [...EC, ...LEAF, '-days', '90', '-subj', '/O=Any Org/CN=server.example.test', '-addext', 'subjectAltName=DNS:server.example.test,IP:10.0.0.1']);
  made.short = make('short', [...EC, ...LEAF, '-days', '1', '-subj', '/CN=short.example.test']);
  made.sha1 = make('sha1', ['-newkey', 'rsa:2048', '-sha1', ...LEAF, '-days', '90', '-subj', '/CN=sha1.example.test']);
  made.sha1Root = make('sha1root', ['-newkey', 'rsa:2048', '-sha1', '-addext', 'basicConstraints=critical,CA:TRUE', '-days', '90', '-subj', '/CN=Old Root']);
  made.rsa1024 = make('rsa1024', ['-newkey', 'rsa:1024', ...LEAF, '-days', '90', '-subj', '/CN=weak.example.test']);
  made.hostile = make('hostile', [...EC, ...LEAF, '-days', '90', '-subj', '/O=[link](javascript:alert(2)) *b* |p|/CN=<img src=x onerror=alert(1)>`c`']);
});

after(() => tmp.cleanup());

function indent(pem: string, pad: string): string {
  return pem
    .trim()
    .split('\n')
    .map((l) => pad + l)
    .join('\n');
}

/** 0-based line and character of the first occurrence of `needle` in `text` (after `from`). */
function positionOf(text: string, needle: string, from = 0): { line: number; character: number; offset: number } {
  const offset = text.indexOf(needle, from);
  assert.ok(offset >= 0, `${needle} not in the text`);
  const before = text.slice(0, offset).split('\n');
  return { line: before.length - 1, character: before[before.length - 1].length, offset };
}

function only(insights: PemInsights): PemBlockInsight {
  assert.equal(insights.blocks.length, 1, JSON.stringify(insights.blocks.map((b) => [b.label, b.findings])));
  return insights.blocks[0];
}

function codes(b: PemBlockInsight): string[] {
  return b.findings.map((f) => f.code).sort();
}

describe('pemInsights: where the blocks are', () => {
  it('finds indented PEM in a Kubernetes Secret (YAML block scalars), with exact ranges', () => {
    const { cert, key, sha1, sha256 } = made.server;
    const yaml = [
      'apiVersion: v1',
      'kind: Secret',
      'metadata:',
      '  name: server-tls',
      'type: kubernetes.io/tls',
      'stringData:',
      '  tls.crt: |',
      indent(cert, '    '),
      '  tls.key: |',
      indent(key, '    '),
      '',
    ].join('\n');
    const now = new Date(made.server.notAfter.getTime() - 42 * DAY - 3600_000);
    const insights = analyzePemText(yaml, { now });
    assert.equal(insights.blocks.length, 2);
    const [c, k] = insights.blocks;

    const begin = positionOf(yaml, '-----BEGIN CERTIFICATE-----');
    const endMarker = '-----END CERTIFICATE-----';
    const end = positionOf(yaml, endMarker);
    assert.deepEqual(c.range, {
      startLine: begin.line, startCharacter: 4, endLine: end.line, endCharacter: 4 + endMarker.length,
      startOffset: begin.offset, endOffset: end.offset + endMarker.length,
    });
    assert.equal(c.number, 1);
    assert.equal(c.form, 'pem');
    assert.equal(c.label, 'CERTIFICATE');
    assert.equal(c.object?.kind, 'certificate');
    if (c.object?.kind !== 'certificate') return;
    assert.equal(c.object.fingerprints.sha1, sha1);
    assert.equal(c.object.fingerprints.sha256, sha256);
    assert.equal(c.object.subject.text, 'O=Any Org, CN=server.example.test');
    assert.deepEqual(c.findings, []);
    assert.equal(lensTitle(c, insights.now), 'Inspect · expires in 42 days');

    assert.equal(k.number, 2);
    assert.equal(k.label, 'PRIVATE KEY');
    assert.equal(k.range.startLine, positionOf(yaml, '-----BEGIN PRIVATE KEY-----').line);
    assert.equal(k.object?.kind, 'private-key');
    assert.equal(lensTitle(k, insights.now), 'Inspect · EC P-256 private key');
    assert.deepEqual(k.findings, []);

    // blocksAt: inside the body, on the markers, and outside.
    assert.equal(blocksAt(insights.blocks, begin.line + 2, 10)[0], c);
    assert.equal(blocksAt(insights.blocks, begin.line, 4)[0], c);
    assert.equal(blocksAt(insights.blocks, end.line, 4 + endMarker.length)[0], c);
    assert.equal(blocksAt(insights.blocks, begin.line, 3)[0], undefined);
    assert.equal(blocksAt(insights.blocks, 0, 0)[0], undefined);
    assert.equal(blocksAt(insights.blocks, k.range.startLine + 1, 6)[0], k);
  });

  it('reads JSON strings with \\n escapes (and double-escaped \\\\n, and \\/), ranges on the string', () => {
    const { cert, key, sha256 } = made.server;
    const json = JSON.stringify({ name: 'api', tls: { cert, key } }, null, 2);
    const insights = analyzePemText(json);
    assert.equal(insights.blocks.length, 2);
    const [c, k] = insights.blocks;
    assert.equal(c.form, 'escaped');
    assert.equal(c.object?.kind === 'certificate' && c.object.fingerprints.sha256, sha256);
    const begin = positionOf(json, '-----BEGIN CERTIFICATE-----');
    const endMarker = '-----END CERTIFICATE-----';
    const end = positionOf(json, endMarker);
    // One line: the whole block is on the line of the "cert" property.
    assert.equal(c.range.startLine, begin.line);
    assert.equal(c.range.endLine, begin.line);
    assert.equal(c.range.startCharacter, begin.character);
    assert.equal(c.range.endOffset, end.offset + endMarker.length);
    assert.equal(k.form, 'escaped');
    assert.equal(k.object?.kind, 'private-key');
    assert.equal(k.range.startLine, begin.line + 1);

    // JSON inside a JSON string: every backslash doubled.
    const nested = JSON.stringify({ config: JSON.stringify({ cert }) });
    assert.match(nested, /\\\\n/);
    const n = only(analyzePemText(nested));
    assert.equal(n.object?.kind === 'certificate' && n.object.fingerprints.sha256, sha256);
    // PHP-style JSON escapes `/` in base64 bodies.
    const php = JSON.stringify({ cert }).replace(/\//g, '\\/');
    assert.match(php, /\\\//);
    const p = only(analyzePemText(php));
    assert.equal(p.object?.kind === 'certificate' && p.object.fingerprints.sha256, sha256);
  });

  it('reads a .env file: an escaped one-line value and a multi-line quoted value', () => {
    const { cert, key, sha256 } = made.server;
    const env = `# service\nPORT=8443\nTLS_CERT="${cert.trim().replace(/\n/g, '\\n')}"\nTLS_KEY="${key.trim()}"\n`;
    const insights = analyzePemText(env);
    assert.equal(insights.blocks.length, 2);
    const [c, k] = insights.blocks;
    assert.equal(c.form, 'escaped');
    assert.equal(c.range.startLine, 2);
    assert.equal(c.range.startCharacter, 'TLS_CERT="'.length);
    assert.equal(c.object?.kind === 'certificate' && c.object.fingerprints.sha256, sha256);
    assert.equal(k.form, 'pem');
    assert.equal(k.range.startLine, 3);
    assert.equal(k.range.startCharacter, 'TLS_KEY="'.length);
    assert.equal(k.object?.kind, 'private-key');
  });

  it('reads base64-encoded PEM in a Secret\'s data (kubectl create secret tls), with the value\'s range', () => {
    const { cert, key, sha256 } = made.server;
    const crtB64 = Buffer.from(cert).toString('base64');
    const keyB64 = Buffer.from(key).toString('base64');
    const yaml = `apiVersion: v1\ndata:\n  tls.crt: ${crtB64}\n  tls.key: ${keyB64}\nkind: Secret\ntype: kubernetes.io/tls\n`;
    assert.ok(!yaml.includes('-----BEGIN'), 'no PEM header in clear');
    assert.ok(mayContainPem(yaml));
    const insights = analyzePemText(yaml);
    assert.equal(insights.blocks.length, 2);
    const [c, k] = insights.blocks;
    assert.equal(c.form, 'base64');
    assert.deepEqual(c.range, {
      startLine: 2, startCharacter: 11, endLine: 2, endCharacter: 11 + crtB64.length,
      startOffset: yaml.indexOf(crtB64), endOffset: yaml.indexOf(crtB64) + crtB64.length,
    });
    assert.equal(c.object?.kind === 'certificate' && c.object.fingerprints.sha256, sha256);
    assert.equal(k.form, 'base64');
    assert.equal(k.range.startLine, 3);
    assert.equal(k.object?.kind, 'private-key');
    assert.match(hoverMarkdown(c, insights.now), /Base64-encoded PEM/);

    // A chain in one value: every block has the value's range; blocksAt finds them all.
    const chain = Buffer.from(cert + made.sha1Root.cert).toString('base64');
    const two = analyzePemText(`data:\n  ca.crt: ${chain}\n`);
    assert.deepEqual(two.blocks.map((b) => [b.number, b.form, b.range.startLine, b.range.startCharacter]), [[1, 'base64', 1, 10], [2, 'base64', 1, 10]]);
    assert.equal(blocksAt(two.blocks, 1, 20).length, 2);
    assert.equal(blocksAt(two.blocks, 1, 20)[0], two.blocks[0]);
    assert.equal(blocksAt(two.blocks, 1, 5).length, 0);
  });

  it('numbers a chain in one file in order and leaves other armour (OpenSSH, PGP) alone', () => {
    const text = [
      made.server.cert.trim(),
      '-----BEGIN OPENSSH PRIVATE KEY-----',
      'b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW',
      '-----END OPENSSH PRIVATE KEY-----',
      '-----BEGIN PGP PUBLIC KEY BLOCK-----',
      'Version: GnuPG v2',
      '',
      'mQENBFzZ',
      '=abcd',
      '-----END PGP PUBLIC KEY BLOCK-----',
      made.sha1Root.cert.trim(),
      '',
    ].join('\n');
    const insights = analyzePemText(text);
    assert.deepEqual(insights.blocks.map((b) => [b.number, b.label, b.object?.kind]), [
      [1, 'CERTIFICATE', 'certificate'],
      [2, 'CERTIFICATE', 'certificate'],
    ]);
    assert.ok(insights.blocks.every((b) => b.findings.every((f) => f.code !== 'malformed')));
  });

  it('skips text without PEM (cheap check) and text over the size limit', () => {
    assert.equal(mayContainPem('just: yaml\n'), false);
    assert.deepEqual(analyzePemText('just: yaml\n').blocks, []);
    assert.equal(analyzePemText('just: yaml\n').skipped, 'no-pem');
    const big = made.server.cert + 'x'.repeat(2000);
    assert.equal(analyzePemText(big, { maxBytes: 1000 }).skipped, 'too-large');
    assert.equal(analyzePemText(big, { maxBytes: 1000 }).blocks.length, 0);
    assert.equal(analyzePemText(big, { maxBytes: 100_000 }).blocks.length, 1);
  });
});

describe('pemInsights: findings', () => {
  it('an expired certificate: error "expired", lens "EXPIRED 3 days ago"', () => {
    const now = new Date(made.short.notAfter.getTime() + 3 * DAY + 3600_000);
    const insights = analyzePemText(`cert: |\n${indent(made.short.cert, '  ')}\n`, { now });
    const b = only(insights);
    assert.deepEqual(codes(b), ['expired']);
    assert.equal(b.findings[0].severity, 'error');
    assert.match(b.findings[0].message, /^Certificate "short\.example\.test" expired 3 days ago \(\d{4}-\d\d-\d\d\)\.$/);
    assert.equal(lensTitle(b, insights.now), 'Inspect · EXPIRED 3 days ago');
    assert.match(hoverMarkdown(b, insights.now), /expired 3 days ago/);
  });

  it('expiring within the warning window: warning "expiring"; outside it: nothing; not yet valid: warning', () => {
    const text = made.server.cert;
    const at = (days: number) => new Date(made.server.notAfter.getTime() - days * DAY - 3600_000);
    const soon = only(analyzePemText(text, { now: at(12) }));
    assert.deepEqual(codes(soon), ['expiring']);
    assert.equal(soon.findings[0].severity, 'warning');
    assert.match(soon.findings[0].message, /expires in 12 days/);
    assert.deepEqual(codes(only(analyzePemText(text, { now: at(12), warnDays: 10 }))), []);
    assert.deepEqual(codes(only(analyzePemText(text, { now: at(40) }))), []);
    assert.deepEqual(codes(only(analyzePemText(text, { now: at(40), warnDays: 60 }))), ['expiring']);
    const early = only(analyzePemText(text, { now: at(200) }));
    assert.deepEqual(codes(early), ['not-yet-valid']);
    assert.match(lensTitle(early, at(200)), /^Inspect · not valid until \d{4}-\d\d-\d\d$/);
  });

  it('a SHA-1 signed leaf: warning "sha1-signature"; a SHA-1 self-signed root is not flagged', () => {
    const leaf = only(analyzePemText(made.sha1.cert));
    assert.deepEqual(codes(leaf), ['sha1-signature']);
    assert.equal(leaf.findings[0].severity, 'warning');
    assert.match(leaf.findings[0].message, /SHA-1 \(sha1WithRSAEncryption\)/);
    const root = only(analyzePemText(made.sha1Root.cert));
    assert.equal(root.object?.kind === 'certificate' && root.object.isCA && root.object.selfSigned, true);
    assert.deepEqual(codes(root), []);
  });

  it('RSA-1024: warning "rsa-too-small" on the certificate, its key, its public key and a CSR', () => {
    const { cert, key } = made.rsa1024;
    const pub = openssl(['pkey', '-in', tmp.path('rsa1024.key'), '-pubout']);
    const csr = openssl(['req', '-new', '-key', tmp.path('rsa1024.key'), '-subj', '/CN=weak csr']);
    const insights = analyzePemText([cert, key, pub, csr].join(''));
    assert.deepEqual(insights.blocks.map((b) => [b.object?.kind, codes(b)]), [
      ['certificate', ['rsa-too-small']],
      ['private-key', ['rsa-too-small']],
      ['public-key', ['rsa-too-small']],
      ['csr', ['rsa-too-small']],
    ]);
    for (const b of insights.blocks) assert.equal(b.findings[0].severity, 'warning');
    assert.match(insights.blocks[0].findings[0].message, /^Certificate "weak\.example\.test" has an RSA key of 1024 bits/);
    assert.equal(lensTitle(insights.blocks[0], insights.now), 'Inspect · expires in 90 days', 'issued moments ago for 90 days: 90 days left, rounded');
    assert.deepEqual(insights.blocks.slice(1).map((b) => lensTitle(b, insights.now)), [
      'Inspect · RSA 1024 private key',
      'Inspect · RSA 1024 public key',
      'Inspect · certificate request (RSA 1024)',
    ]);
    // A 2048-bit key is fine.
    assert.deepEqual(codes(only(analyzePemText(made.sha1Root.key))), []);
  });

  it('malformed blocks: framing problems and decode problems, with the block range and line numbers of the text', () => {
    const body = made.server.cert.trim().split('\n');
    const badChar = [body[0], body[1].slice(0, 5) + '$' + body[1].slice(6), ...body.slice(2)].join('\n');
    const yaml = `a: |\n${indent(badChar, '  ')}\nb: |\n  -----BEGIN CERTIFICATE-----\n  MIIBCgKCAQEA\n  -----END CERTIFICATE-----\nc: |\n  -----BEGIN PRIVATE KEY-----\n  MIIB\n`;
    const insights = analyzePemText(yaml);
    assert.deepEqual(insights.blocks.map((b) => [b.label, codes(b)]), [
      ['CERTIFICATE', ['malformed']],
      ['CERTIFICATE', ['malformed']],
      ['PRIVATE KEY', ['malformed']],
    ]);
    const [chars, decode, unterminated] = insights.blocks;
    for (const b of insights.blocks) {
      assert.equal(b.findings[0].severity, 'error');
      assert.equal(b.object, undefined);
      assert.match(lensTitle(b, insights.now), /^Inspect · malformed (CERTIFICATE|PRIVATE KEY) block$/);
    }
    assert.equal(chars.range.startLine, 1);
    assert.equal(chars.range.startCharacter, 2);
    assert.equal(chars.findings[0].message, "Malformed CERTIFICATE block: invalid base64 at line 3: unexpected character '$' (column 8).");
    assert.equal(decode.range.startLine, positionOf(yaml, 'b: |').line + 1);
    assert.match(decode.findings[0].message, /^Malformed CERTIFICATE block: /);
    assert.equal(unterminated.range.startLine, positionOf(yaml, 'c: |').line + 1);
    assert.match(unterminated.findings[0].message, /missing END line/);
    assert.match(hoverMarkdown(unterminated, insights.now), /^\*\*Malformed PRIVATE KEY block\*\*/);
  });

  it('a malformed escaped block reports the line and column of the original text', () => {
    const json = `{\n  "x": 1,\n  "cert": ${JSON.stringify(made.server.cert.replace('MII', 'M*I'))}\n}\n`;
    const b = only(analyzePemText(json));
    assert.equal(b.form, 'escaped');
    assert.deepEqual(codes(b), ['malformed']);
    const star = positionOf(json, '*');
    assert.equal(b.findings[0].message, `Malformed CERTIFICATE block: invalid base64 at line ${star.line + 1}: unexpected character '*' (column ${star.character + 1}).`);
  });

  it('answers for any text instead of throwing: a truncated block is malformed, fragments give nothing', () => {
    const shown = (text: string) => {
      const r = analyzePemText(text);
      return { skipped: r.skipped, blocks: r.blocks.map((b) => [b.label, b.form, b.range.startOffset, b.range.endOffset, codes(b).join()]) };
    };
    // A BEGIN line without its END: one malformed block over the BEGIN line, plain or inside a base64 value.
    assert.deepEqual(shown('-----BEGIN CERTIFICATE-----\n'), { skipped: undefined, blocks: [['CERTIFICATE', 'pem', 0, 27, 'malformed']] });
    const b64 = Buffer.from('-----BEGIN CERTIFICATE-----\nMIIB').toString('base64');
    assert.deepEqual(shown(b64), { skipped: undefined, blocks: [['CERTIFICATE', 'base64', 0, b64.length, 'malformed']] });
    assert.match(only(analyzePemText(b64)).findings[0].message, /^Malformed CERTIFICATE block: missing END line: .* \(in the base64-encoded value\)\.$/);
    // A marker cut short, a base64 prefix alone, an unknown label (escaped): nothing to show.
    for (const t of ['-----BEGIN ', 'LS0tLS1CRUdJTi', '\\n-----BEGIN X-----\\n\\\\n']) assert.deepEqual(shown(t), { skipped: undefined, blocks: [] }, JSON.stringify(t));
    // No BEGIN at all (a stray END line), or not text: skipped by the cheap check.
    assert.deepEqual(shown('\u0000-----END CERTIFICATE-----'), { skipped: 'no-pem', blocks: [] });
    assert.deepEqual(shown(undefined as unknown as string), { skipped: 'no-pem', blocks: [] });
  });
});

describe('pemInsights: what clients reject although it decodes (issue 12)', () => {
  it('explicit EC parameters, a SAN that is not IA5String, a signature with unused bits: findings, still decoded', () => {
    const key = tmp.path('explicit.key');
    openssl(['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-param_enc', 'explicit', '-out', key]);
    const cnf = tmp.path('utf8.cnf');
    write(cnf, '[req]\ndistinguished_name=dn\n[dn]\n[ext]\nsubjectAltName=DNS:bücher.example\n');
    const cert = openssl(['req', '-x509', '-new', '-key', key, '-subj', '/CN=odd', '-days', '90', '-config', cnf, '-extensions', 'ext']);
    const b = only(analyzePemText(cert));
    assert.equal(b.object?.kind, 'certificate');
    assert.deepEqual(codes(b), ['explicit-ec-parameters', 'san-not-ia5string']);
    assert.equal(b.findings.find((f) => f.code === 'san-not-ia5string')?.message, 'Certificate "odd": SAN is not valid IA5String: DNS:b\\xc3\\xbccher.example holds bytes outside ASCII.');
    assert.match(b.findings.find((f) => f.code === 'explicit-ec-parameters')?.message ?? '', /explicit EC parameters: rejected by modern TLS libraries\.$/);

    // The same certificate with one unused bit declared in its signature.
    const der = Buffer.from(cert.split('\n').filter((l) => l && !l.startsWith('-----')).join(''), 'base64');
    const sig = children(der, readRoot(der))[2];
    der[sig.contentStart] = 1;
    const bad = only(analyzePemText(`-----BEGIN CERTIFICATE-----\n${der.toString('base64')}\n-----END CERTIFICATE-----\n`));
    assert.ok(codes(bad).includes('invalid-signature'));
    assert.equal(bad.findings.find((f) => f.code === 'invalid-signature')?.message, 'Certificate "odd": signature BIT STRING has unused bits: the signature is invalid.');
  });
});

describe('pemInsights: the same days as the Certificate Explorer', () => {
  it('the CodeLens, the hover and the workspace scan say the same days for one certificate, rounded to the nearest day', async () => {
    const { cert, notAfter } = made.server;
    const bytes = Buffer.from(cert);
    const cases: [number, string][] = [
      [42.4, 'expires in 42 days'],
      [42.6, 'expires in 43 days'],
      [1.2, 'expires tomorrow'],
      [0.3, 'expires today'],
      [-0.3, 'expired today'],
      [-2.6, 'expired 3 days ago'],
    ];
    for (const [daysLeft, words] of cases) {
      const now = new Date(notAfter.getTime() - daysLeft * DAY);
      const b = only(analyzePemText(cert, { now }));
      const [file] = await scanAll({ list: () => ['server.crt'], size: () => bytes.length, readHead: () => bytes, readAll: () => bytes }, { now });
      const scanned = file.objects[0];
      // The explorer's row: expiryPhrase of the scanned certificate's expiry (presentation.ts expiryText).
      const row = expiryPhrase(certificateExpiry(scanned, now, 30)!, scanned.notBefore);
      assert.equal(row, words, `explorer at ${daysLeft} days`);
      assert.equal(expiryPhrase(scanned.expiry!), words, `scan at ${daysLeft} days`);
      assert.equal(lensTitle(b, now), `Inspect · ${words.replace(/^expired/, 'EXPIRED')}`, `lens at ${daysLeft} days`);
      assert.ok(hoverMarkdown(b, now).replace(/\\(.)/g, '$1').includes(`UTC (${words})`), `hover at ${daysLeft} days`);
      if (daysLeft < 0) assert.ok(b.findings[0].message.includes(` ${words} (`), b.findings[0].message);
    }
  });
});

describe('pemInsights: hover', () => {
  it('summarises subject, issuer, validity with days left, SANs, key and both fingerprints', () => {
    const now = new Date(made.server.notAfter.getTime() - 42 * DAY - 3600_000);
    const b = only(analyzePemText(made.server.cert, { now }));
    const md = hoverMarkdown(b, now);
    assert.match(md, /^\*\*Certificate\*\* server\\\.example\\\.test \(self-signed\)/);
    assert.match(md, /\| Subject \| O\\=Any Org\\, CN\\=server\\\.example\\\.test \|/);
    assert.match(md, /\| Issuer \| O\\=Any Org/);
    assert.match(md, /\| Validity \| \d{4}\\-\d\d\\-\d\d .*UTC → .*UTC \(expires in 42 days\) \|/);
    assert.match(md, /\| SANs \| DNS\\:server\\\.example\\\.test\\, IP\\:10\\\.0\\\.0\\\.1 \|/);
    assert.match(md, /\| Key \| EC P\\-256 \\\(256 bits\\\) \|/);
    assert.ok(md.includes(`| SHA-1 | \`${made.server.sha1.toUpperCase()}\` |`), md);
    assert.ok(md.includes(`| SHA-256 | \`${made.server.sha256.toUpperCase().replace(/(..)(?!$)/g, '$1:')}\` |`), md);
  });

  it('renders hostile subject text inertly: no link, HTML, emphasis or table break survives', () => {
    const b = only(analyzePemText(made.hostile.cert));
    assert.equal(b.object?.kind === 'certificate' && b.object.subject.attributes.find((a) => a.type === 'CN')?.value, '<img src=x onerror=alert(1)>`c`');
    const md = hoverMarkdown(b, new Date());
    // Every markdown-active character of the subject is escaped.
    assert.ok(!/(^|[^\\])</.test(md), md);
    assert.ok(!/(^|[^\\])\[link/.test(md), md);
    assert.ok(!/(^|[^\\])`c`/.test(md), md);
    assert.ok(md.includes('\\<img src\\=x onerror\\=alert\\(1\\)\\>\\`c\\`'), md);
    assert.ok(md.includes('\\[link\\]\\(javascript\\:alert\\(2\\)\\) \\*b\\* \\|p\\|'), md);
    // Every table row still has exactly three unescaped pipes.
    for (const row of md.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| |'))) {
      assert.equal(row.replace(/\\\|/g, '').split('|').length - 1, 3, row);
    }
  });
});
