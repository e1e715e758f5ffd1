// The words of Verify Certificate Chain… (src/extension/commands/chainReport.ts): the notification naming the
// file and the anchor, and the "Show Details" report (one line per link with its checks, the errors with their
// codes) — on fixed results, and on real ones from the engine for certificates made by openssl.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ChainContext } from '../../src/extension/commands/chainReport';
import { chainSummary, formatChainReport } from '../../src/extension/commands/chainReport';
import type { ChainCheck, ChainLink } from '../../src/core/trust/pathValidation';
import { validatePath } from '../../src/core/trust/pathValidation';
import { openssl, opensslBytes, tempDir, write } from '../helpers/tools';

function link(cn: string, issuer: string, o: Partial<ChainLink> = {}): ChainLink {
  const sha256 = Buffer.from(cn).toString('hex').padEnd(64, '0').slice(0, 64);
  return {
    subject: `O=Org, CN=${cn}`,
    issuer: `O=Org, CN=${issuer}`,
    serialNumber: '0a1b',
    notBefore: '2025-01-01T00:00:00Z',
    notAfter: '2026-01-01T00:00:00Z',
    fingerprints: { sha1: 'ab'.repeat(20), sha256 },
    fingerprintSha256: sha256,
    signatureValid: true,
    anchor: false,
    checks: [
      { name: 'signature', ok: true },
      { name: 'validity', ok: true },
    ],
    ...o,
  };
}

const ctx: ChainContext = {
  fileName: 'server.crt',
  anchors: 'ca.crt',
  anchorCount: 1,
  intermediateCount: 2,
  now: new Date('2025-06-01T12:00:00Z'),
};

const okCheck: ChainCheck = {
  ok: true,
  anchored: true,
  chain: [link('server.example', 'Issuing CA'), link('Issuing CA', 'Root CA'), link('Root CA', 'Root CA', { anchor: true })],
  errors: [],
};

describe('chainSummary', () => {
  it('a chain that verifies: the anchor, the path, where the anchor came from and whether revocation was checked', () => {
    assert.equal(
      chainSummary(okCheck, ctx),
      'server.crt: the chain verifies to O=Org, CN=Root CA (O=Org, CN=server.example ← O=Org, CN=Issuing CA ← O=Org, CN=Root CA; anchor from ca.crt; no revocation check).',
    );
    const names = new Map(okCheck.chain.map((l) => [l.fingerprints.sha256, l.subject.replace(/^.*CN=/, '')]));
    assert.equal(
      chainSummary(okCheck, { ...ctx, names, revocation: 'ca.crl (the certificate only)' }),
      'server.crt: the chain verifies to Root CA (server.example ← Issuing CA ← Root CA; anchor from ca.crt; revocation checked with ca.crl (the certificate only)).',
    );
    // A link the caller has no name for, with an empty subject: the display name's fallback.
    const anonymous: ChainCheck = { ...okCheck, chain: [link('server.example', 'Root CA', { subject: '' }), okCheck.chain[2]] };
    assert.match(chainSummary(anonymous, ctx), /\(\(empty subject\) ← O=Org, CN=Root CA; /);
  });

  it('a failure: the first error as the engine words it (it names the certificate), and how many more', () => {
    const failed: ChainCheck = {
      ok: false,
      anchored: false,
      chain: [link('server.example', 'Other CA', { checks: [{ name: 'name-chaining', ok: false, detail: 'no issuer found' }] })],
      errors: [{ depth: 0, code: 'unable_to_get_issuer_cert', message: 'certificate 1 (CN=server.example): its issuer CN=Other CA is not among the anchors or intermediates.' }],
    };
    assert.equal(chainSummary(failed, ctx), 'server.crt: certificate 1 (CN=server.example): its issuer CN=Other CA is not among the anchors or intermediates.');
    const three = { ...failed, errors: [...failed.errors, { ...failed.errors[0], code: 'cert_has_expired' as const }, { ...failed.errors[0], code: 'invalid_purpose' as const }] };
    assert.match(chainSummary(three, ctx), /anchors or intermediates \(and 2 more problems\)\.$/);
    const two = { ...failed, errors: three.errors.slice(0, 2) };
    assert.match(chainSummary(two, ctx), /\(and 1 more problem\)\.$/);
  });
});

describe('formatChainReport', () => {
  it('says what was verified against what, then one line of checks per link, then the errors with their codes', () => {
    const failed: ChainCheck = {
      ok: false,
      anchored: true,
      chain: [
        link('server.example', 'Root CA', { checks: [{ name: 'signature', ok: true }, { name: 'validity', ok: false, detail: 'expired on 2025-01-02' }] }),
        link('Root CA', 'Root CA', { anchor: true }),
      ],
      errors: [{ depth: 0, code: 'cert_has_expired', message: 'certificate 1 (CN=server.example): expired on 2025-01-02' }],
    };
    const text = formatChainReport(failed, { ...ctx, revocation: 'ca.crl (the certificate only)' });
    const lines = text.split('\n');
    assert.equal(lines[0], 'Chain verification of server.crt');
    assert.ok(lines.includes('  Result:                 FAILED: 1 problem'), text);
    assert.ok(lines.includes('  Trust anchors:          ca.crt (1 certificate)'), text);
    assert.ok(lines.includes('  Revocation:             checked with ca.crl (the certificate only)'), text);
    assert.ok(lines.includes('  Validated at:           2025-06-01T12:00:00.000Z'), text);
    assert.ok(lines.includes('  [0] O=Org, CN=server.example (leaf)'), text);
    assert.ok(lines.includes('      checks: signature ok, validity FAILED'), text);
    assert.ok(lines.includes('        validity: expired on 2025-01-02'), text);
    assert.ok(lines.includes('  [1] O=Org, CN=Root CA (trust anchor)'), text);
    assert.ok(lines.includes('Errors (1)'), text);
    assert.ok(lines.includes('  depth 0  cert_has_expired  certificate 1 (CN=server.example): expired on 2025-01-02'), text);
    assert.ok(text.endsWith('\n'));
  });

  it('an unanchored result says no path to an anchor was found; a valid one says none of the errors', () => {
    const unanchored = formatChainReport({ ok: false, anchored: false, chain: [link('x', 'y')], errors: [{ depth: 0, code: 'unable_to_get_issuer_cert', message: 'certificate 1 (CN=x): no issuer' }] }, ctx);
    assert.match(unanchored, /No path to any of the trust anchors was found/);
    const ok = formatChainReport(okCheck, { ...ctx, anchors: 'the system trust store (/etc/ssl/certs/ca-certificates.crt)', anchorCount: 140 });
    assert.match(ok, /Result: {17}OK: complete to a trust anchor you chose \(O=Org, CN=Root CA\)/);
    assert.match(ok, /Trust anchors: {10}the system trust store \(\/etc\/ssl\/certs\/ca-certificates\.crt\) \(140 certificates\)/);
    assert.match(ok, /Revocation: {13}not checked/);
    assert.match(ok, /\nErrors: none\n$/);
    assert.doesNotMatch(ok, /No path/);
  });
});

describe('on the engine’s results for certificates made by openssl', () => {
  const t = tempDir('tlsw-chainreport-');
  const der = (file: string) => new Uint8Array(opensslBytes(['x509', '-in', file, '-outform', 'DER']));
  after(() => t.cleanup());
  before(() => {
    for (const name of ['root', 'impostor']) {
      openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', t.path(`${name}.key`), '-out', t.path(`${name}.crt`),
        '-days', '30', '-subj', '/O=Report Org/CN=Report Root', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
    }
    write(t.path('leaf.ext'), 'basicConstraints=critical,CA:FALSE\nextendedKeyUsage=serverAuth\nsubjectAltName=DNS:leaf.example\n');
    openssl(['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', t.path('leaf.key'), '-out', t.path('leaf.csr'), '-subj', '/CN=leaf.example']);
    openssl(['x509', '-req', '-in', t.path('leaf.csr'), '-CA', t.path('root.crt'), '-CAkey', t.path('root.key'), '-CAcreateserial', '-days', '10', '-extfile', t.path('leaf.ext'), '-out', t.path('leaf.crt')]);
  });

  it('the chosen root: verifies to it', () => {
    const check = validatePath(der(t.path('leaf.crt')), { anchors: [der(t.path('root.crt'))] });
    assert.equal(check.ok, true, JSON.stringify(check.errors));
    const names = new Map([[check.chain[1].fingerprints.sha256, 'Report Root'], [check.chain[0].fingerprints.sha256, 'leaf.example']]);
    assert.equal(chainSummary(check, { ...ctx, fileName: 'leaf.crt', anchors: 'root.crt', names }), 'leaf.crt: the chain verifies to Report Root (leaf.example ← Report Root; anchor from root.crt; no revocation check).');
    assert.match(formatChainReport(check, { ...ctx, names }), /\[1\] Report Root \(trust anchor\)/);
  });

  it('the real root only as an untrusted intermediate, an impostor as the anchor: fails, with codes in the report', () => {
    const check = validatePath(der(t.path('leaf.crt')), { anchors: [der(t.path('impostor.crt'))], intermediates: [der(t.path('root.crt'))] });
    assert.equal(check.ok, false);
    const text = formatChainReport(check, { ...ctx, fileName: 'leaf.crt', anchors: 'impostor.crt' });
    assert.match(text, /Result: +FAILED: \d+ problems?/);
    for (const e of check.errors) assert.ok(text.includes(`  depth ${e.depth}  ${e.code}  ${e.message}`), text);
    assert.match(chainSummary(check, { ...ctx, fileName: 'leaf.crt', anchors: 'impostor.crt' }), /^leaf\.crt: /);
  });
});
