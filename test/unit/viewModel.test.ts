// The inspector's view builder (src/extension/inspector/viewBuilder.ts, run in the engine's worker): bytes →
// InspectorView (src/webview/view.ts, what the webview renders). Checked against openssl as referee:
// fingerprints, public-key hashes, PEM, chains. Each chip is checked both ways (it shows when it should, and a
// wrong one does not), hostile certificate strings stay data, and no private key material or password ever enters
// a view.

import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { FieldView, InspectorView, ObjectView } from '../../src/webview/view';
import { buildInspectorView } from '../../src/extension/inspector/viewBuilder';
import { visible, withVerification } from '../../src/extension/inspector/verification';
import { validatePath } from '../../src/core/trust/pathValidation';
import { ICON_NAMES, sectionIcon, toneIcon } from '../../src/webview/icons';
import { openssl, opensslBytes, read, tempDir, write } from '../helpers/tools';

const t = tempDir('tlsw-viewmodel-');
const root = join(__dirname, '..', '..', '..');
after(() => t.cleanup());

function build(file: string, extra: Partial<Parameters<typeof buildInspectorView>[0]> = {}) {
  return buildInspectorView({ fileName: file.split('/').pop()!, bytes: read(file), ...extra });
}

function fieldsOf(o: ObjectView, sectionSuffix: string): FieldView[] {
  const s = o.sections.find((x) => x.id.endsWith(`.${sectionSuffix}`));
  assert.ok(s, `no section ${sectionSuffix} in ${o.sections.map((x) => x.id).join(', ')}`);
  return s.fields;
}

/** An object's chips as [label, tone] pairs, in order. */
function chips(o: ObjectView): [string, string][] {
  return o.chips.map((c) => [c.label, c.tone]);
}

function field(o: ObjectView, sectionSuffix: string, label: string): FieldView {
  const f = fieldsOf(o, sectionSuffix).find((x) => x.label === label);
  assert.ok(f, `no field ${label} in ${sectionSuffix}`);
  return f;
}

function sha256Hex(file: string, inform = 'PEM'): string {
  return openssl(['x509', '-in', file, '-inform', inform, '-noout', '-fingerprint', '-sha256']).split('=')[1].trim().replace(/:/g, '').toLowerCase();
}

function spkiSha256(keyFile: string, passin?: string): string {
  const args = ['pkey', '-in', keyFile, '-pubout', '-outform', 'DER'];
  if (passin) args.push('-passin', `pass:${passin}`);
  return createHash('sha256').update(opensslBytes(args)).digest('hex');
}

const colon = (hex: string) => hex.toUpperCase().replace(/(..)(?!$)/g, '$1:');

// One small CA, a server certificate it signed (with an unknown extension), and their files.
before(() => {
  openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', t.path('ca.key'), '-out', t.path('ca.crt'),
    '-days', '3650', '-subj', '/C=GB/O=Test Org/CN=Test Root CA', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
  openssl(['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', t.path('server.key'), '-out', t.path('server.csr'),
    '-subj', '/O=Test Org/CN=server.example']);
  write(t.path('server.ext'), 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\nsubjectAltName=DNS:server.example,IP:10.0.0.1\n1.2.3.4=DER:01020304\n');
  openssl(['x509', '-req', '-in', t.path('server.csr'), '-CA', t.path('ca.crt'), '-CAkey', t.path('ca.key'), '-CAcreateserial', '-days', '90',
    '-extfile', t.path('server.ext'), '-out', t.path('server.crt')]);
  write(t.path('fullchain.pem'), readFileSync(t.path('server.crt'), 'utf8') + readFileSync(t.path('ca.crt'), 'utf8'));
});

describe('buildInspectorView: certificates', () => {
  it('shows a certificate: header, validity, chips, names, key, usage, fingerprints matching openssl', () => {
    const { view } = build(t.path('server.crt'));
    assert.equal(view.objects.length, 1);
    assert.equal(view.summary, '1 certificate');
    const o = view.objects[0];
    assert.equal(o.kind, 'certificate');
    assert.equal(o.title, 'server.example');
    assert.equal(o.subtitle, 'Issued by Test Root CA');
    assert.equal(o.location, 'line 1');
    assert.ok(o.validity);
    assert.equal(o.validity.status, 'valid');
    assert.ok(o.validity.daysLeft >= 89 && o.validity.daysLeft <= 90, String(o.validity.daysLeft));
    assert.ok(o.validity.elapsedPercent >= 0 && o.validity.elapsedPercent < 2);
    assert.match(o.validity.text, /^valid, (89|90) days left$/);
    assert.deepEqual(o.chips.map((c) => c.label), ['valid']);
    assert.equal(field(o, 'subject', 'CN').value, 'server.example');
    assert.ok(field(o, 'subject', 'CN').help, 'CN has help');
    assert.equal(field(o, 'issuer', 'Distinguished name').value, 'C=GB, O=Test Org, CN=Test Root CA');
    assert.deepEqual(fieldsOf(o, 'sans').map((f) => `${f.label}:${f.value}`), ['DNS:server.example', 'IP:10.0.0.1']);
    assert.equal(field(o, 'key', 'Algorithm').value, 'EC');
    assert.equal(field(o, 'key', 'Curve').value, 'P-256');
    assert.equal(field(o, 'key', 'Public key SHA-256').copyText, spkiSha256(t.path('server.key')));
    assert.match(field(o, 'usage', 'Extended key usage').value, /^serverAuth — TLS server$/);
    assert.match(field(o, 'usage', 'Key usage').value, /^digitalSignature/);
    const sha256 = sha256Hex(t.path('server.crt'));
    const fp = field(o, 'fingerprints', 'SHA-256');
    assert.equal(fp.value, colon(sha256));
    assert.equal(fp.copyId, 'o0.sha256');
    const sha1 = openssl(['x509', '-in', t.path('server.crt'), '-noout', '-fingerprint', '-sha1']).split('=')[1].trim().replace(/:/g, '');
    assert.equal(field(o, 'fingerprints', 'SHA-1 thumbprint').value, sha1, 'SHA-1 without separators (netsh certhash=)');
    const serial = openssl(['x509', '-in', t.path('server.crt'), '-noout', '-serial']).split('=')[1].trim().toLowerCase();
    assert.equal(field(o, 'fingerprints', 'Serial number').copyText?.replace(/^0+/, ''), serial.replace(/^0+/, ''));
  });

  it('decodes known extensions and shows unknown ones by OID with their hex', () => {
    const o = build(t.path('server.crt')).view.objects[0];
    const exts = fieldsOf(o, 'extensions');
    const bc = exts.find((f) => f.label === 'basicConstraints');
    assert.ok(bc);
    assert.equal(bc.value, 'CA:FALSE');
    assert.deepEqual(bc.badges, ['critical']);
    const unknown = exts.find((f) => f.label === '1.2.3.4');
    assert.ok(unknown, exts.map((f) => f.label).join(', '));
    assert.equal(unknown.value, '01020304');
    assert.ok(unknown.badges?.includes('not decoded'));
    assert.equal(unknown.mono, true);
  });

  it('gives the PEM as in the file for PEM objects, and as openssl writes it for DER files', () => {
    const pem = build(t.path('server.crt')).view.objects[0].raw;
    assert.ok(pem);
    assert.equal(pem.text, readFileSync(t.path('server.crt'), 'utf8').trim());
    openssl(['x509', '-in', t.path('server.crt'), '-outform', 'DER', '-out', t.path('server.der')]);
    const { view } = build(t.path('server.der'));
    const o = view.objects[0];
    assert.equal(o.location, 'DER');
    assert.equal(o.raw?.label, 'CERTIFICATE');
    assert.equal(o.raw?.text, readFileSync(t.path('server.crt'), 'utf8').trim());
    assert.equal(field(o, 'fingerprints', 'SHA-256').value, colon(sha256Hex(t.path('server.der'), 'DER')));
  });

  it('lints with core lint.ts: a 1024-bit RSA SHA-1 certificate has findings, a good one none', () => {
    openssl(['req', '-x509', '-newkey', 'rsa:1024', '-nodes', '-keyout', t.path('weak.key'), '-out', t.path('weak.crt'), '-sha1', '-days', '5', '-subj', '/CN=weak.example']);
    const weak = build(t.path('weak.crt')).view.objects[0];
    const codes = fieldsOf(weak, 'lint').map((f) => f.label).sort();
    assert.ok(codes.includes('rsa-too-small') && codes.includes('sha1-signature'), codes.join(', '));
    assert.equal(fieldsOf(weak, 'lint').find((f) => f.label === 'sha1-signature')?.tone, 'error');
    assert.ok(weak.chips.some((c) => /lint finding/.test(c.label) && c.tone === 'error'));
    assert.ok(weak.chips.some((c) => c.label === 'self-signed'));
    assert.equal(field(weak, 'key', 'Size').tone, 'error');
    const good = build(t.path('server.crt')).view.objects[0];
    assert.deepEqual(fieldsOf(good, 'lint'), []);
    assert.match(good.sections.find((s) => s.id === 'o0.lint')?.note ?? '', /No findings/);
  });

  it('shows an expired certificate as expired, the bar full', () => {
    const later = new Date(Date.now() + 200 * 86_400_000);
    const o = build(t.path('server.crt'), { now: later }).view.objects[0];
    assert.equal(o.validity?.status, 'expired');
    assert.equal(o.validity?.elapsedPercent, 100);
    assert.match(o.validity?.text ?? '', /^expired \d+ days ago$/);
    assert.equal(o.chips[0].label, 'expired');
    assert.equal(o.chips[0].tone, 'error');
  });

  it('shows a soon-expiring certificate with the warning window given', () => {
    const o = build(t.path('server.crt'), { warnDays: 120 }).view.objects[0];
    assert.equal(o.validity?.status, 'expiring');
    assert.match(o.chips[0].label, /^expires in (89|90) days$/);
    assert.equal(o.chips[0].tone, 'warning');
  });

  it('a CA certificate: CA and self-signed chips', () => {
    const o = build(t.path('ca.crt')).view.objects[0];
    assert.equal(o.subtitle, 'Self-signed');
    const labels = o.chips.map((c) => c.label);
    assert.ok(labels.includes('CA') && labels.includes('self-signed'), labels.join(', '));
    assert.equal(field(o, 'usage', 'CA').value, 'yes');
  });
});

describe('buildInspectorView: chains', () => {
  it('puts a full chain in order, leaf first, each signature checked: ordered, never "verified" without an anchor', () => {
    const out = build(t.path('fullchain.pem'));
    const { view } = out;
    assert.equal(view.objects.length, 2);
    assert.ok(view.chain);
    assert.equal(view.chain.status, 'ordered');
    assert.equal(view.chain.headline, 'Ordered, not verified against a trust anchor');
    assert.deepEqual(view.chain.links.map((l) => l.objectId), ['o0', 'o1']);
    assert.deepEqual(view.chain.links.map((l) => l.signatureValid), [true, true]);
    assert.deepEqual(view.chain.links.map((l) => l.anchor), [false, false], 'the file’s own root is not an anchor');
    assert.deepEqual(view.chain.links.map((l) => l.signature.text), ['signature verified with the key of “C=GB, O=Test Org, CN=Test Root CA”', 'self-signed: signature verified with its own key']);
    assert.equal(view.chain.links[0].fingerprintSha256, sha256Hex(t.path('server.crt')));
    assert.deepEqual(view.chain.errors, [], 'the missing anchor is not reported as a problem before one is chosen');
    assert.equal(view.chain.verifiable, true);
    // What the host verifies (leaf first), never sent to the webview.
    assert.deepEqual(out.chain?.map((d) => createHash('sha256').update(d).digest('hex')), [sha256Hex(t.path('server.crt')), sha256Hex(t.path('ca.crt'))]);
  });

  it('a smuggled root with the issuer’s name but another key: the broken link shows, and nothing says verified', () => {
    openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', t.path('fake-ca.key'), '-out', t.path('fake-ca.crt'),
      '-days', '3650', '-subj', '/C=GB/O=Test Org/CN=Test Root CA', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
    // Without key identifiers to tell them apart, the impostor is tried as the issuer.
    write(t.path('noaki.ext'), 'basicConstraints=critical,CA:FALSE\nsubjectAltName=DNS:noaki.example\nauthorityKeyIdentifier=none\nsubjectKeyIdentifier=none\n');
    openssl(['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', t.path('noaki.key'), '-out', t.path('noaki.csr'), '-subj', '/CN=noaki.example']);
    openssl(['x509', '-req', '-in', t.path('noaki.csr'), '-CA', t.path('ca.crt'), '-CAkey', t.path('ca.key'), '-CAcreateserial', '-days', '30', '-extfile', t.path('noaki.ext'), '-out', t.path('noaki.crt')]);
    write(t.path('badchain.pem'), readFileSync(t.path('noaki.crt'), 'utf8') + readFileSync(t.path('fake-ca.crt'), 'utf8'));
    const { view } = build(t.path('badchain.pem'));
    assert.ok(view.chain);
    assert.equal(view.chain.status, 'ordered');
    assert.equal(view.chain.links[0].signatureValid, false);
    assert.equal(view.chain.links[0].signature.tone, 'error');
    assert.match(view.chain.links[0].signature.text, /does NOT verify|did not sign/);
  });

  it('a single certificate: its chain section says where it stands, and offers verification', () => {
    const server = build(t.path('server.crt')).view.chain;
    assert.ok(server);
    assert.equal(server.status, 'ordered');
    assert.equal(server.verifiable, true);
    assert.equal(server.links.length, 1);
    assert.deepEqual(server.links[0].signature, { text: 'issued by “C=GB, O=Test Org, CN=Test Root CA”, which is not in this file', tone: 'info' });
    assert.match(server.note ?? '', /^A certificate cannot vouch for itself/);
    const root = build(t.path('ca.crt')).view.chain;
    assert.deepEqual(root?.links.map((l) => [l.signature.text, l.anchor]), [['self-signed: signature verified with its own key', false]]);
    assert.deepEqual(root?.errors, [], 'self-signed is not a problem before an anchor is chosen');
  });

  it('a bundle of unrelated certificates: "2 independent certificates", said once, as information; nothing to verify', () => {
    write(t.path('bundle.pem'), readFileSync(t.path('ca.crt'), 'utf8') + readFileSync(t.path('weak.crt'), 'utf8'));
    const out = build(t.path('bundle.pem'));
    assert.ok(out.view.chain);
    assert.equal(out.view.chain.headline, '2 independent certificates');
    assert.equal(out.view.chain.status, 'ordered', 'the status the webview shows in the info tone');
    assert.deepEqual(out.view.chain.errors, []);
    const words = `${out.view.chain.headline} ${out.view.chain.note}`;
    assert.ok(!/not one chain|single chain/i.test(words), words);
    assert.equal(words.match(/independent/g)?.length, 1, words);
    assert.deepEqual(out.view.problems, [], 'no problem either');
    assert.deepEqual(out.view.chain.links, []);
    assert.equal(out.view.chain.verifiable, false);
    assert.equal(out.chain, undefined);
  });

  it('certificates that are related but not one chain (a chain plus an unrelated root) are "Not one chain", the reason said once', () => {
    write(t.path('chain-plus-root.pem'), ['server.crt', 'ca.crt', 'weak.crt'].map((f) => readFileSync(t.path(f), 'utf8')).join(''));
    const chain = build(t.path('chain-plus-root.pem')).view.chain;
    assert.ok(chain);
    assert.equal(chain.headline, 'Not one chain');
    assert.match(chain.note ?? '', /^These 3 certificates do not form a single chain \(2 candidates for the leaf/);
    assert.ok(!/not one chain/i.test(chain.note ?? ''), chain.note);
    assert.equal(chain.verifiable, false);
  });

  it('a file without certificates has no chain section', () => {
    assert.equal(build(t.path('server.csr')).view.chain, undefined);
    assert.equal(build(t.path('server.key')).view.chain, undefined);
  });
});

describe('withVerification: the chain section after Verify against a trust anchor', () => {
  const der = (file: string) => new Uint8Array(opensslBytes(['x509', '-in', file, '-outform', 'DER']));

  it('complete to the anchor the user chose: "chain complete to an anchor you trust", the file’s objects still linked', () => {
    const { view } = build(t.path('fullchain.pem'));
    const check = validatePath(der(t.path('server.crt')), { anchors: [der(t.path('ca.crt'))], intermediates: [] });
    assert.equal(check.ok, true, JSON.stringify(check.errors));
    const after = withVerification(view, check);
    assert.ok(after.chain);
    assert.equal(after.chain.status, 'trusted');
    assert.equal(after.chain.headline, 'Chain complete to an anchor you trust');
    assert.deepEqual(after.chain.errors, []);
    assert.deepEqual(after.chain.links.map((l) => l.anchor), [false, true]);
    assert.deepEqual(after.chain.links.map((l) => l.objectId), ['o0', 'o1']);
    assert.equal(after.chain.links[1].signature.text, 'a trust anchor you chose');
    assert.equal(view.chain?.status, 'ordered', 'the view it was made from is left as it was');
    assert.deepEqual(after.objects, view.objects);
  });

  it('a wrong anchor (the impostor root): the errors with their codes, and the smuggled root does not help', () => {
    const { view } = build(t.path('badchain.pem'));
    const check = validatePath(der(t.path('noaki.crt')), { anchors: [der(t.path('weak.crt'))], intermediates: [der(t.path('fake-ca.crt'))] });
    assert.equal(check.ok, false);
    const after = withVerification(view, check);
    assert.ok(after.chain);
    assert.equal(after.chain.status, 'failed');
    assert.match(after.chain.headline, /^Chain does not verify: \d+ problems?$/);
    assert.ok(after.chain.errors.length > 0);
    assert.deepEqual(after.chain.errors.map((e) => e.code), check.errors.map((e) => e.code));
    for (const e of after.chain.errors) assert.match(e.code, /^[a-z_]+$/);
    assert.ok(after.chain.links.every((l) => !l.anchor));
  });

  it('certificate strings in the result stay visible text (no control or reordering characters)', () => {
    const { view } = build(t.path('fullchain.pem'));
    const check = validatePath(der(t.path('server.crt')), { anchors: [der(t.path('ca.crt'))], intermediates: [] });
    const hostile = {
      ...check,
      ok: false,
      errors: [{ depth: 0, code: 'cert_has_expired' as const, message: 'certificate 1 (CN=evil\u202egnp.exe): expired' }],
      chain: check.chain.map((l) => ({ ...l, subject: `${l.subject}\u202e` })),
    };
    const after = withVerification(view, hostile);
    assert.equal(after.chain?.errors[0].message, 'certificate 1 (CN=evil\\u{202E}gnp.exe): expired');
    assert.ok(after.chain?.links.every((l) => l.subject.endsWith('\\u{202E}')));
  });
});

describe('buildInspectorView: keys and matching', () => {
  it('a certificate whose key is in the same file: key matches; never the key bytes', () => {
    const keyPem = readFileSync(t.path('server.key'), 'utf8');
    write(t.path('bundle-with-key.pem'), readFileSync(t.path('server.crt'), 'utf8') + keyPem);
    const { view } = build(t.path('bundle-with-key.pem'));
    assert.equal(view.objects.length, 2);
    const [cert, key] = view.objects;
    assert.ok(cert.chips.some((c) => c.label === 'key matches' && c.tone === 'ok'));
    assert.ok(key.chips.some((c) => c.label === 'matches the certificate server.example' && /#1 in this file/.test(c.help)), key.chips.map((c) => c.label).join(', '));
    assert.equal(key.raw, undefined, 'no PEM for private keys');
    assertNoKeyMaterial(view, keyPem);
    assert.equal(field(key, 'key', 'Public key SHA-256').copyText, spkiSha256(t.path('server.key')));
    assert.equal(field(key, 'protection', 'Key material').value, 'not shown');
  });

  it('finds the matching key next to the file, and flags a key of the same name that does not match', () => {
    const nearby = (fileName: string, file: string) => [{ fileName, bytes: read(t.path(file)) }];
    const match = build(t.path('server.crt'), { nearby: nearby('server.key', 'server.key') }).view.objects[0];
    const chip = match.chips.find((c) => c.label === 'key matches');
    assert.ok(chip);
    assert.match(chip.help, /server\.key/);
    assert.ok(!match.chips.some((c) => c.label === 'key mismatch'));
    const mismatch = build(t.path('server.crt'), { nearby: nearby('server.key', 'ca.key') }).view.objects[0];
    assert.ok(mismatch.chips.some((c) => c.label === 'key mismatch' && c.tone === 'error'));
    assert.ok(!mismatch.chips.some((c) => c.label === 'key matches'));
    // A key next to it under another name that does not match says nothing.
    assert.ok(!build(t.path('server.crt'), { nearby: nearby('other.key', 'ca.key') }).view.objects[0].chips.some((c) => /key/.test(c.label)));
    // A file that is not PEM or DER next to it is no neighbour, and no error.
    assert.deepEqual(build(t.path('server.crt'), { nearby: [{ fileName: 'server.key', bytes: Buffer.from('not a key') }] }).view.objects[0].chips.map((c) => c.label), ['valid']);
    // The other way round: a key file learns which certificate is next to it.
    const key = build(t.path('server.key'), { nearby: nearby('server.crt', 'server.crt') }).view.objects[0];
    assert.ok(key.chips.some((c) => c.label === 'matches the certificate server.example in server.crt'), key.chips.map((c) => c.label).join(', '));
    assert.ok(!build(t.path('ca.key'), { nearby: nearby('server.crt', 'server.crt') }).view.objects[0].chips.some((c) => /^matches/.test(c.label)));
  });

  it('an encrypted key is locked until its passphrase opens it; the passphrase never enters the view', () => {
    const pass = 'vm-secret-Passphrase-42';
    openssl(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-384', '-aes-256-cbc', '-pass', `pass:${pass}`, '-out', t.path('enc.key')]);
    const locked = build(t.path('enc.key'));
    assert.equal(locked.view.lock?.what, 'private-key');
    assert.equal(locked.view.unlocked, false);
    const o = locked.view.objects[0];
    assert.ok(o.chips.some((c) => c.label === 'encrypted'));
    assert.ok(o.chips.some((c) => c.label === 'locked'));
    assert.match(field(o, 'protection', 'Encryption').value, /PBES2.*aes-256-cbc/);
    const open = build(t.path('enc.key'), { password: pass });
    assert.equal(open.view.lock, undefined);
    assert.equal(open.view.unlocked, true);
    const k = open.view.objects[0];
    assert.equal(k.title, 'EC P-384 private key');
    assert.equal(field(k, 'key', 'Public key SHA-256').copyText, spkiSha256(t.path('enc.key'), pass));
    const json = JSON.stringify(open.view);
    assert.ok(!json.includes(pass), 'the passphrase is not in the view');
    assertNoKeyMaterial(open.view, readFileSync(t.path('enc.key'), 'utf8'));
    const wrong = build(t.path('enc.key'), { password: 'nope' });
    assert.equal(wrong.view.objects.length, 0);
    assert.match(wrong.view.problems[0].message, /wrong passphrase/);
  });

  it('a PKCS#12 keystore: locked, then every item with its chain and key match; no secrets in the view', () => {
    const pass = 'p12-Secret-pw!';
    openssl(['pkcs12', '-export', '-in', t.path('server.crt'), '-inkey', t.path('server.key'), '-certfile', t.path('ca.crt'), '-name', 'server <b>alias</b>',
      '-out', t.path('server.p12'), '-passout', `pass:${pass}`]);
    const locked = build(t.path('server.p12'));
    assert.equal(locked.view.lock?.what, 'pkcs12');
    assert.equal(locked.view.objects.length, 1);
    assert.equal(locked.view.objects[0].raw, undefined);
    const { view } = build(t.path('server.p12'), { password: pass });
    assert.equal(view.lock, undefined);
    assert.equal(view.unlocked, true);
    const kinds = view.objects.map((o) => `${o.id}:${o.kind}`);
    assert.ok(kinds[0] === 'o0:pkcs12', kinds.join(' '));
    const leaf = view.objects.find((o) => o.kind === 'certificate' && o.title === 'server.example');
    const ca = view.objects.find((o) => o.kind === 'certificate' && o.title === 'Test Root CA');
    const key = view.objects.find((o) => o.kind === 'private-key');
    assert.ok(leaf && ca && key, kinds.join(' '));
    assert.equal(leaf.parentId, 'o0');
    assert.match(leaf.location, /in the keystore, item \d, "server <b>alias<\/b>"/);
    assert.ok(leaf.chips.some((c) => c.label === 'key matches'));
    assert.equal(field(leaf, 'fingerprints', 'SHA-256').value, colon(sha256Hex(t.path('server.crt'))));
    assert.ok(leaf.raw, 'certificates from the keystore get their PEM');
    assert.equal(key.raw, undefined);
    assert.equal(view.chain?.status, 'ordered', JSON.stringify(view.chain?.errors));
    assert.deepEqual(view.chain?.links.map((l) => l.objectId), [leaf.id, ca.id]);
    assert.deepEqual(view.chain?.links.map((l) => l.signatureValid), [true, true]);
    assert.ok(!JSON.stringify(view).includes(pass));
    assertNoKeyMaterial(view, readFileSync(t.path('server.key'), 'utf8'));
  });

  it('a PKCS#12 keystore with an empty password opens without asking and lists its items', () => {
    openssl(['pkcs12', '-export', '-in', t.path('server.crt'), '-inkey', t.path('server.key'), '-certfile', t.path('ca.crt'), '-name', 'nopass',
      '-out', t.path('nopass.p12'), '-passout', 'pass:']);
    const { view } = build(t.path('nopass.p12'));
    assert.equal(view.lock, undefined);
    const leaf = view.objects.find((o) => o.kind === 'certificate' && o.title === 'server.example');
    assert.ok(leaf, view.objects.map((o) => `${o.id}:${o.kind}`).join(' '));
    assert.equal(leaf.parentId, 'o0');
    assert.ok(leaf.raw, 'its certificates get their PEM (the DER came from the same reader)');
    assert.ok(view.objects.some((o) => o.kind === 'private-key'));
  });

  it('PEM base64-encoded in a Kubernetes Secret and escaped in JSON: each certificate is linted and keeps its bytes', () => {
    const weak = readFileSync(t.path('weak.crt'), 'utf8');
    const good = readFileSync(t.path('server.crt'), 'utf8');
    const b64 = (x: string) => Buffer.from(x).toString('base64');
    writeFileSync(t.path('secret.yaml'), `apiVersion: v1\nkind: Secret\ndata:\n  tls.crt: ${b64(good + weak)}\n  ca.crt: ${b64(good)}\n`);
    const { view } = build(t.path('secret.yaml'));
    const certs = view.objects.filter((o) => o.kind === 'certificate');
    assert.deepEqual(certs.map((o) => o.title), ['server.example', 'weak.example', 'server.example']);
    const lintOfWeak = fieldsOf(certs[1], 'lint').map((f) => f.label);
    assert.ok(lintOfWeak.includes('sha1-signature'), `the second certificate of the shared base64 value is linted: ${lintOfWeak.join(', ')}`);
    assert.deepEqual(fieldsOf(certs[0], 'lint'), []);
    writeFileSync(t.path('cert.json'), JSON.stringify({ certificate: weak }));
    const json = build(t.path('cert.json')).view.objects[0];
    assert.ok(fieldsOf(json, 'lint').some((f) => f.label === 'sha1-signature'));
  });

  it('a CSR: signature checked, key and names shown', () => {
    const o = build(t.path('server.csr')).view.objects[0];
    assert.equal(o.kind, 'csr');
    assert.equal(o.title, 'server.example');
    assert.deepEqual(chips(o), [['signature valid', 'ok']]);
    assert.deepEqual([field(o, 'signature', 'Self-signature').value, field(o, 'signature', 'Self-signature').tone], ['valid', 'ok']);
    assert.equal(field(o, 'key', 'Public key SHA-256').copyText, spkiSha256(t.path('server.key')));
  });
});

describe('buildInspectorView: each chip shows when it should, and only then', () => {
  const DAY = 86_400_000;

  it('a CSR altered after signing: "signature INVALID", never "signature valid"', () => {
    const der = opensslBytes(['req', '-in', t.path('server.csr'), '-outform', 'DER']);
    const at = der.indexOf(Buffer.from('server.example'));
    assert.ok(at > 0);
    der[at] ^= 0x01; // server.example → rerver.example: the signed bytes change, the signature does not
    write(t.path('altered.csr'), der);
    const o = build(t.path('altered.csr')).view.objects[0];
    assert.equal(o.title, 'rerver.example');
    assert.deepEqual(chips(o), [['signature INVALID', 'error']]);
    assert.deepEqual([field(o, 'signature', 'Self-signature').value, field(o, 'signature', 'Self-signature').tone], ['INVALID', 'error']);
  });

  it('valid, expiring, expired and not yet valid: one chip each, and the validity text in the same words', () => {
    const notBefore = build(t.path('server.crt')).view.objects[0].validity?.notBefore ?? '';
    const at = (offsetMs: number, warnDays?: number) => build(t.path('server.crt'), { now: new Date(Date.parse(notBefore) + offsetMs), warnDays }).view.objects[0];
    const valid = at(DAY);
    assert.deepEqual(chips(valid), [['valid', 'ok']]);
    assert.equal(valid.validity?.text, 'valid, 89 days left');
    assert.equal(field(valid, 'validity', 'Status').tone, 'ok');
    const expiring = at(DAY, 120);
    assert.deepEqual(chips(expiring), [['expires in 89 days', 'warning']]);
    assert.equal(expiring.validity?.text, 'expires in 89 days');
    assert.equal(field(expiring, 'validity', 'Status').tone, 'warning');
    const expired = at(100 * DAY);
    assert.deepEqual(chips(expired), [['expired', 'error']]);
    assert.equal(expired.validity?.text, 'expired 10 days ago');
    assert.match(expired.chips[0].help, /^It expired 10 days ago \(/);
    assert.equal(field(expired, 'validity', 'Status').tone, 'error');
    const early = at(-2 * DAY);
    // (lint adds its own chip for a certificate not valid yet)
    assert.deepEqual(chips(early), [['not yet valid', 'warning'], ['1 lint finding', 'warning']]);
    assert.equal(early.validity?.text, `not valid before ${notBefore.slice(0, 10)}`);
    assert.equal(early.validity?.elapsedPercent, 0);
    assert.equal(field(early, 'validity', 'Status').tone, 'warning');
  });

  it('days left are display/expiry\'s, rounded to the nearest day like everywhere else (half a day in: 90, not 89)', () => {
    const notBefore = build(t.path('server.crt')).view.objects[0].validity?.notBefore ?? '';
    const o = build(t.path('server.crt'), { now: new Date(Date.parse(notBefore) + DAY / 2 - 60_000) }).view.objects[0];
    assert.equal(o.validity?.daysLeft, 90);
    assert.equal(o.validity?.text, 'valid, 90 days left');
  });

  it('a certificate with another certificate\'s key in the same file: "key mismatch", and the key matches nothing', () => {
    write(t.path('mismatch.pem'), readFileSync(t.path('server.crt'), 'utf8') + readFileSync(t.path('ca.key'), 'utf8'));
    const [cert, key] = build(t.path('mismatch.pem')).view.objects;
    assert.deepEqual(chips(cert), [['valid', 'ok'], ['key mismatch', 'error']]);
    assert.ok(!key.chips.some((c) => /match/.test(c.label)), key.chips.map((c) => c.label).join(', '));
  });

  it('private keys: "not encrypted" only when plain, "weak encryption" only for legacy PEM encryption', () => {
    assert.deepEqual(chips(build(t.path('server.key')).view.objects[0]), [['not encrypted', 'warning']]);
    openssl(['ec', '-in', t.path('server.key'), '-aes128', '-passout', 'pass:legacy-pw', '-out', t.path('legacy.key')]);
    assert.deepEqual(chips(build(t.path('legacy.key')).view.objects[0]), [['encrypted', 'ok'], ['weak encryption', 'warning'], ['locked', 'info']]);
    openssl(['pkcs8', '-topk8', '-in', t.path('server.key'), '-v2', 'aes-256-cbc', '-passout', 'pass:modern-pw', '-out', t.path('pkcs8.key')]);
    assert.deepEqual(chips(build(t.path('pkcs8.key')).view.objects[0]), [['encrypted', 'ok'], ['locked', 'info']]);
  });

  it('DH parameters: "weak" under 2048 bits, the named group\'s chip only for a named group', () => {
    openssl(['genpkey', '-genparam', '-algorithm', 'DH', '-pkeyopt', 'group:ffdhe2048', '-out', t.path('ffdhe2048.pem')]);
    assert.deepEqual(chips(build(t.path('ffdhe2048.pem')).view.objects[0]), [['ffdhe2048', 'ok']]);
    openssl(['dhparam', '-dsaparam', '-out', t.path('dh1024.pem'), '1024']);
    assert.deepEqual(chips(build(t.path('dh1024.pem')).view.objects[0]), [['weak', 'error']]);
  });

  it('a CRL: "current" until its next update, "stale" after it', () => {
    const cnf = `[ca]\ndefault_ca=c\n[c]\ndatabase=${t.path('index.txt')}\ncrlnumber=${t.path('crlnumber')}\ndefault_md=sha256\ndefault_crl_days=7\n`;
    write(t.path('ca.cnf'), cnf);
    write(t.path('index.txt'), '');
    write(t.path('crlnumber'), '01\n');
    openssl(['ca', '-gencrl', '-config', t.path('ca.cnf'), '-keyfile', t.path('ca.key'), '-cert', t.path('ca.crt'), '-out', t.path('ca.crl')]);
    assert.deepEqual(chips(build(t.path('ca.crl')).view.objects[0]), [['current', 'ok']]);
    const stale = build(t.path('ca.crl'), { now: new Date(Date.now() + 8 * DAY) }).view.objects[0];
    assert.deepEqual(chips(stale), [['stale', 'warning']]);
    assert.equal(field(stale, 'validity', 'Next update').tone, 'warning');
  });

  it('a PKCS#12 keystore: "legacy encryption" for 3DES, not for AES', () => {
    const legacy = t.path('legacy.p12');
    openssl(['pkcs12', '-export', '-in', t.path('server.crt'), '-inkey', t.path('server.key'), '-certpbe', 'PBE-SHA1-3DES', '-keypbe', 'PBE-SHA1-3DES', '-macalg', 'sha1',
      '-passout', 'pass:pw', '-out', legacy]);
    assert.deepEqual(chips(build(legacy, { password: 'pw' }).view.objects[0]), [['unlocked', 'ok'], ['legacy encryption', 'warning']]);
    const modern = t.path('modern.p12');
    openssl(['pkcs12', '-export', '-in', t.path('server.crt'), '-inkey', t.path('server.key'), '-passout', 'pass:pw', '-out', modern]);
    assert.deepEqual(chips(build(modern, { password: 'pw' }).view.objects[0]), [['unlocked', 'ok']]);
    assert.deepEqual(chips(build(modern).view.objects[0]), [['locked', 'info']]);
  });
});

describe('buildInspectorView: words that say what applies to this object', () => {
  const sansNote = (o: ObjectView) => o.sections.find((x) => x.id.endsWith('.sans'))?.note ?? '';
  const SERVER_WARNING = /TLS clients will not accept this certificate for any host name/;
  const extFile = (name: string, text: string) => {
    write(t.path(`${name}.ext`), text);
    return t.path(`${name}.ext`);
  };

  it('no SANs: a CA is "not applicable", a client certificate is identified by its subject; only a server keeps the warning', () => {
    const ca = build(t.path('ca.crt')).view.objects[0];
    assert.equal(sansNote(ca), 'None. Not applicable: CAs are not matched to host names.');
    openssl(['x509', '-req', '-in', t.path('server.csr'), '-CA', t.path('ca.crt'), '-CAkey', t.path('ca.key'), '-CAcreateserial', '-days', '30', '-subj', '/CN=John-Doe',
      '-extfile', extFile('client', 'basicConstraints=critical,CA:FALSE\nextendedKeyUsage=clientAuth\n'), '-out', t.path('john-doe.crt')]);
    const client = build(t.path('john-doe.crt')).view.objects[0];
    assert.equal(client.title, 'John-Doe');
    assert.equal(sansNote(client), 'None. Not needed for a client certificate: its identity is the subject (CN=John-Doe).');
    // A leaf without an extendedKeyUsage may serve TLS, and one for both purposes does: those keep the warning.
    openssl(['x509', '-req', '-in', t.path('server.csr'), '-CA', t.path('ca.crt'), '-CAkey', t.path('ca.key'), '-CAcreateserial', '-days', '30',
      '-extfile', extFile('nosan', 'basicConstraints=critical,CA:FALSE\n'), '-out', t.path('nosan.crt')]);
    assert.match(sansNote(build(t.path('nosan.crt')).view.objects[0]), SERVER_WARNING);
    openssl(['x509', '-req', '-in', t.path('server.csr'), '-CA', t.path('ca.crt'), '-CAkey', t.path('ca.key'), '-CAcreateserial', '-days', '30',
      '-extfile', extFile('both', 'basicConstraints=critical,CA:FALSE\nextendedKeyUsage=serverAuth,clientAuth\n'), '-out', t.path('both.crt')]);
    assert.match(sansNote(build(t.path('both.crt')).view.objects[0]), SERVER_WARNING);
    // Neither server nor client (code signing): nothing to match either.
    openssl(['x509', '-req', '-in', t.path('server.csr'), '-CA', t.path('ca.crt'), '-CAkey', t.path('ca.key'), '-CAcreateserial', '-days', '30',
      '-extfile', extFile('codesign', 'basicConstraints=critical,CA:FALSE\nextendedKeyUsage=codeSigning\n'), '-out', t.path('codesign.crt')]);
    assert.match(sansNote(build(t.path('codesign.crt')).view.objects[0]), /^None\. Not needed: this certificate is not for TLS servers/);
    // A CSR's purpose is the signer's choice: it says what each needs.
    assert.match(sansNote(build(t.path('server.csr')).view.objects[0]), /^None\. Fine for a client certificate .*a server certificate needs its host names here\.$/);
    // With SANs there is no such sentence at all.
    assert.equal(sansNote(build(t.path('server.crt')).view.objects[0]), '');
  });

  it('a key inside a PKCS#12: protected by the keystore\'s encryption (its cipher named), neutral, not "not encrypted"', () => {
    openssl(['pkcs12', '-export', '-in', t.path('server.crt'), '-inkey', t.path('server.key'), '-certfile', t.path('ca.crt'), '-passout', 'pass:pw', '-out', t.path('aes.p12')]);
    const view = build(t.path('aes.p12'), { password: 'pw' }).view;
    const key = view.objects.find((o) => o.kind === 'private-key');
    assert.ok(key);
    assert.deepEqual(chips(key), [['protected by the keystore (AES-256)', 'info'], ['matches the certificate server.example', 'ok']]);
    assert.match(key.chips[0].help, /PBES2\/aes-256-cbc/);
    const encrypted = field(key, 'protection', 'Encrypted');
    assert.deepEqual([encrypted.value, encrypted.tone], ['by the keystore (PBES2/aes-256-cbc)', undefined]);
    // A keystore that stores its key in the clear: then the key is not encrypted, and the chip says so.
    openssl(['pkcs12', '-export', '-in', t.path('server.crt'), '-inkey', t.path('server.key'), '-keypbe', 'NONE', '-certpbe', 'NONE', '-passout', 'pass:pw', '-out', t.path('clear.p12')]);
    const clear = build(t.path('clear.p12'), { password: 'pw' }).view.objects.find((o) => o.kind === 'private-key');
    assert.ok(clear);
    assert.deepEqual(chips(clear)[0], ['not encrypted', 'warning']);
    assert.match(clear.chips[0].help, /keystore holds this key without encrypting it/);
    assert.equal(field(clear, 'protection', 'Encrypted').value, 'no');
  });

  it('a key matching several objects: "matches the certificate server.example, and 2 more", each named in the help', () => {
    openssl(['req', '-x509', '-key', t.path('server.key'), '-out', t.path('server-self.crt'), '-days', '5', '-subj', '/CN=self.example']);
    write(t.path('key-and-three.pem'), ['server.key', 'server.crt', 'server.csr', 'server-self.crt'].map((f) => readFileSync(t.path(f), 'utf8')).join(''));
    const key = build(t.path('key-and-three.pem')).view.objects[0];
    assert.equal(key.kind, 'private-key');
    const chip = key.chips.find((c) => c.tone === 'ok');
    assert.equal(chip?.label, 'matches the certificate server.example, and 2 more');
    assert.equal(chip?.help, 'Certificates or requests for this key: server.example (#2 in this file), server.example (#3 in this file), self.example (#4 in this file) (same public key).');
  });

  it('after its passphrase opens a key, the view says which certificates belong to it, or that none does', () => {
    const pass = 'unlock-note-pw';
    openssl(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-aes-256-cbc', '-pass', `pass:${pass}`, '-out', t.path('jd.key')]);
    openssl(['req', '-x509', '-key', t.path('jd.key'), '-passin', `pass:${pass}`, '-out', t.path('jd.crt'), '-days', '5', '-subj', '/CN=John-Doe', '-addext', 'extendedKeyUsage=clientAuth']);
    const nearby = [{ fileName: 'jd.crt', bytes: read(t.path('jd.crt')) }, { fileName: 'ca.crt', bytes: read(t.path('ca.crt')) }];
    const locked = build(t.path('jd.key'), { nearby });
    assert.match(locked.view.lock?.prompt ?? '', /which certificates belong to it/);
    assert.equal(locked.view.unlockNote, undefined, 'nothing to say before it is open');
    const open = build(t.path('jd.key'), { nearby, password: pass }).view;
    assert.equal(open.lock, undefined);
    assert.equal(open.unlockNote, 'Decrypted. This key belongs to the certificate John-Doe in jd.crt (same public key).');
    assert.ok(open.objects[0].chips.some((c) => c.label === 'matches the certificate John-Doe in jd.crt'));
    const alone = build(t.path('jd.key'), { nearby: nearby.slice(1), password: pass }).view;
    assert.equal(alone.unlockNote, 'Decrypted. This key matches no certificate or CSR in this file or the 1 file next to it.');
    assert.equal(build(t.path('jd.key'), { password: pass }).view.unlockNote, 'Decrypted. This key matches no certificate or CSR in this file.');
    // A plain key was never locked: no note.
    assert.equal(build(t.path('server.key'), { password: pass }).view.unlockNote, undefined);
  });
});

describe('buildInspectorView: hostile and broken input', () => {
  it('keeps HTML and script in subjects and SANs as literal data, and escapes invisible characters', () => {
    const rlo = '\u202e';
    openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', t.path('evil.key'), '-out', t.path('evil.crt'), '-days', '5', '-utf8',
      '-subj', `/CN=<script>alert(1)<\\/script>/O=<img src=x onerror=alert(1)>/OU=left${rlo}right`,
      '-addext', 'subjectAltName=DNS:<img src=x onerror=alert(2)>,DNS:a><svg onload=alert(3)>']);
    const { view } = build(t.path('evil.crt'));
    const o = view.objects[0];
    assert.equal(o.title, '<script>alert(1)</script>');
    assert.equal(field(o, 'subject', 'O').value, '<img src=x onerror=alert(1)>');
    assert.equal(field(o, 'subject', 'OU').value, 'left\\u{202E}right', 'a bidi override is shown as an escape');
    assert.deepEqual(fieldsOf(o, 'sans').map((f) => f.value), ['<img src=x onerror=alert(2)>', 'a><svg onload=alert(3)>']);
    assert.equal(o.subtitle, 'Self-signed');
    // The view is plain data: the strings survive the JSON of postMessage unchanged.
    const copy = JSON.parse(JSON.stringify(view)) as InspectorView;
    assert.equal(copy.objects[0].title, '<script>alert(1)</script>');
    assert.deepEqual(fieldsOf(copy.objects[0], 'sans').map((f) => f.value), fieldsOf(o, 'sans').map((f) => f.value));
    // The webview renders with textContent only (checked below); nothing in the view is marked as HTML.
    assert.ok(!Object.keys(o).some((k) => /html/i.test(k)));
  });

  it('a corrupted file: no objects, one clear problem', () => {
    write(t.path('broken.pem'), '-----BEGIN CERTIFICATE-----\nMIIB$$$notbase64\n-----END CERTIFICATE-----\n');
    const { view, result } = build(t.path('broken.pem'));
    assert.equal(view.objects.length, 0);
    assert.equal(result.objects.length, 0);
    assert.equal(view.summary, 'Nothing could be decoded');
    assert.equal(view.problems.length, 1);
    assert.equal(view.problems[0].severity, 'error');
    assert.match(view.problems[0].message, /base64/);
  });

  it('respects the size limit', () => {
    const { view } = build(t.path('server.crt'), { maxBytes: 100 });
    assert.equal(view.objects.length, 0);
    assert.match(view.problems[0].message, /over the 100 bytes limit/);
  });

  it('visible(): control and bidi characters escaped, long text bounded, ordinary text unchanged', () => {
    assert.equal(visible('a\u0000b\u202ec\u2066d\u001b\u009b'), 'a\\x00b\\u{202E}c\\u{2066}d\\x1b\\x9b');
    assert.equal(visible('line1\nline2\ttab'), 'line1\nline2\ttab');
    assert.equal(visible('Zürich <b> & "q"'), 'Zürich <b> & "q"');
    assert.match(visible('x'.repeat(10_000)), /… \(10000 characters\)$/);
  });
});

describe('the webview app and its shared modules', () => {
  const src = (f: string) => readFileSync(join(root, 'src', 'webview', f), 'utf8');
  const builderSrc = (f: string) => readFileSync(join(root, 'src', 'extension', 'inspector', f), 'utf8');
  const webviewFiles = readdirSync(join(root, 'src', 'webview')).filter((f) => f.endsWith('.ts'));

  it('renders with DOM APIs and textContent only: no HTML parsing sinks anywhere in the webview', () => {
    assert.deepEqual(webviewFiles.sort(), ['dom.ts', 'icons.ts', 'main.ts', 'protocol.ts', 'view.ts']);
    for (const f of webviewFiles) {
      const text = src(f);
      for (const sink of ['innerHTML', 'outerHTML', 'insertAdjacentHTML', 'document.write', 'eval(', 'new Function', 'DOMParser', 'createContextualFragment']) {
        assert.ok(!text.includes(sink), `${f} uses ${sink}`);
      }
    }
    // Event-handler attributes are refused by the element helper.
    assert.match(src('main.ts'), /if \(name\.startsWith\('on'\)\) continue;/);
  });

  it('the view types, the protocol and the builder are host-neutral: no vscode, no DOM; view.ts holds types only', () => {
    const files: [string, string][] = [
      ...['view.ts', 'protocol.ts', 'icons.ts'].map((f): [string, string] => [f, src(f)]),
      ...['viewBuilder.ts', 'verification.ts', 'help.ts'].map((f): [string, string] => [f, builderSrc(f)]),
    ];
    for (const [f, text] of files) {
      assert.ok(!/from ['"]vscode['"]|require\(['"]vscode['"]\)/.test(text), `${f} imports vscode`);
      assert.ok(!/\bdocument\.|\bwindow\.|from '\.\/dom'/.test(text), `${f} touches the DOM`);
    }
    // view.ts runs nothing: every import is a type import, and it declares no values.
    assert.ok(!/^import (?!type )/m.test(src('view.ts')), 'view.ts imports a value');
    assert.ok(!/^export (const|function|class|enum|let)/m.test(src('view.ts')), 'view.ts exports a value');
    // The webview imports the view for its types only (the engine is never bundled into the webview).
    assert.match(src('main.ts'), /import type \{[^}]*\} from '\.\/view';/);
    assert.ok(!/^import \{[^}]*\} from '\.\/view'/m.test(src('main.ts')));
  });

  it('the builder runs in the engine worker only: the extension host bundle neither holds it nor imports it', () => {
    // Words only the builder and its help texts write.
    const builderWords = ['Ordered, not verified against a trust anchor', 'Common Name: for TLS servers'];
    const extension = readFileSync(join(root, 'dist', 'extension.js'), 'utf8');
    const worker = readFileSync(join(root, 'dist', 'worker.js'), 'utf8');
    for (const w of builderWords) {
      assert.ok(!extension.includes(w), `dist/extension.js holds the builder ("${w}")`);
      assert.ok(worker.includes(w), `dist/worker.js lacks the builder ("${w}")`);
    }
    // What the host needs after a build (the chain section after verification) is in the host bundle.
    assert.ok(extension.includes('Chain complete to an anchor you trust'));
    for (const f of readdirSync(join(root, 'src', 'extension'), { recursive: true, encoding: 'utf8' }).filter((x) => x.endsWith('.ts'))) {
      const text = readFileSync(join(root, 'src', 'extension', f), 'utf8');
      assert.ok(!/^import (?!type )[^;]*viewBuilder'/m.test(text) && !/import\([^)]*viewBuilder/.test(text), `${f} loads the builder in the extension host`);
    }
  });

  it('icons are codicons that the shipped stylesheet draws: one per tone, one per section kind of a certificate', () => {
    const shipped = readFileSync(join(root, 'dist', 'webview', 'codicon.css'), 'utf8');
    assert.equal(shipped, readFileSync(require.resolve('@vscode/codicons/dist/codicon.css'), 'utf8'), 'dist/webview/codicon.css is the package\'s');
    assert.deepEqual(readFileSync(join(root, 'dist', 'webview', 'codicon.ttf')), readFileSync(require.resolve('@vscode/codicons/dist/codicon.ttf')));
    for (const name of ICON_NAMES) assert.ok(shipped.includes(`.codicon-${name}:before`), `codicon.css has no glyph for ${name}`);
    assert.equal(new Set(ICON_NAMES).size, ICON_NAMES.length);
    const tones = (['ok', 'info', 'warning', 'error'] as const).map(toneIcon);
    assert.deepEqual(tones, ['pass', 'info', 'warning', 'error']);
    const o = build(t.path('server.crt')).view.objects[0];
    const icons = [...o.sections.map((x) => sectionIcon(x.id)), sectionIcon(`${o.id}.raw`)];
    assert.ok(!icons.includes('list-unordered'), `a section without its own icon: ${o.sections.map((x) => `${x.id}=${sectionIcon(x.id)}`).join(', ')}`);
    assert.equal(new Set(icons).size, icons.length, 'each section kind has its own icon');
    assert.equal(sectionIcon('o0.nothing-known'), 'list-unordered');
    assert.equal(sectionIcon('o0.constructor'), 'list-unordered', 'no prototype lookups');
    // main.ts draws every icon through one helper: decorative (aria-hidden), next to a text label.
    assert.match(src('main.ts'), /function icon\(name: IconName\): DomElement \{\n\s+return h\('span', \{ class: `icon codicon codicon-\$\{name\}`, 'aria-hidden': 'true' \}\);/);
  });

  it('the built webview bundle holds no engine code', () => {
    const bundle = join(root, 'dist', 'webview', 'inspector.js');
    const text = readFileSync(bundle, 'utf8');
    assert.ok(!/readObjects|lintCertificate|node:crypto|require\(/.test(text), 'core code leaked into the webview bundle');
    assert.ok(text.includes('ready'), 'the bundle says ready');
  });
});

/** No line of the key's PEM body (nor its DER in hex) appears anywhere in the view. */
function assertNoKeyMaterial(view: InspectorView, keyPem: string): void {
  const json = JSON.stringify(view);
  const lines = keyPem.split('\n').filter((l) => l && !l.startsWith('-----') && !l.includes(':'));
  assert.ok(lines.length > 0);
  for (const l of lines) assert.ok(!json.includes(l.slice(0, 40)), 'a line of the private key is in the view');
  const der = Buffer.from(lines.join(''), 'base64').toString('hex');
  for (let i = 0; i + 32 <= der.length; i += 32) assert.ok(!json.toLowerCase().includes(der.slice(i, i + 32)), 'private key bytes are in the view');
}
