/// <reference types="mocha" />
// The PKI commands in a real VS Code, driven through their multi-step quick inputs: generate a key, a
// self-signed certificate, a CA → a client CSR signed by it → exported to PKCS#12 → imported back, the
// one-flow client certificate, PEM ↔ DER, passphrases, chain verification, key matching, the clipboard
// fingerprints, the no-overwrite modal, cancelling a slow key generation, and every command from the
// palette with no argument. Results are checked on disk with node:crypto and the engine's own readers.
//
// Prompts are answered by a scripted stand-in for window.createQuickPick / createInputBox (QuickInputs in
// quickInputs.ts): each answer goes to the next input shown, exactly as a user would type or pick it, so the
// wizards' own validation, Back button, step counter and prefilled values are exercised too.

import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { X509Certificate, createHash, createPrivateKey, createPublicKey } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { readPkcs12 } from '../../src/core/objects/pkcs12';
import { rawObjects, readObjects } from '../../src/core/read/read';
import type { ChainCheck } from '../../src/core/trust/pathValidation';
import { EXTENSION_ID, REPORT_SCHEME, closeAllEditors, fixtures, sha256Of, stub } from './helpers';
import { ACCEPT, BACK, ENTER, Messages, QuickInputs, sleep, type Answer } from './quickInputs';

// ------------------------------------------------------------------------------------------------------

/** Polls `get` until it returns something (or fails after a few seconds, saying what was awaited). */
async function until<T>(what: string, get: () => T | undefined): Promise<T> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const v = get();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

interface Run<T> {
  result: T;
  inputs: QuickInputs;
  messages: Messages;
  /** Validation messages of the `{ invalid }` answers, in order. */
  refused: string[];
}

/** Runs a command with scripted answers (and modal answers); asserts the script was used exactly. */
async function run<T>(command: string, arg: unknown, answers: Answer[], modalAnswers: (string | undefined | typeof ENTER)[] = [], opts: { allowLeftover?: boolean } = {}): Promise<Run<T>> {
  const inputs = new QuickInputs(answers);
  const messages = new Messages(modalAnswers);
  let result: T;
  try {
    result = (await (arg === undefined ? vscode.commands.executeCommand(command) : vscode.commands.executeCommand(command, arg))) as T;
  } finally {
    inputs.restore();
    messages.restore();
  }
  if (!opts.allowLeftover) {
    const seen = inputs.inputs.map((i) => `${i.step ?? '-'}/${i.totalSteps ?? '-'} ${i.prompt ?? i.placeholder}${i.after ? ` [${i.after}]` : ''}`);
    assert.deepEqual(inputs.problems, [], `script problems for ${command}; inputs: ${JSON.stringify(seen)}; messages: ${JSON.stringify(messages.all())}`);
    assert.equal(inputs.remaining, 0, `${inputs.remaining} answers left unused by ${command}; inputs: ${JSON.stringify(inputs.inputs.map((i) => i.prompt ?? i.placeholder))}`);
  }
  return { result, inputs, messages, refused: inputs.refused };
}

function assertNoSecret(r: Run<unknown>, ...secrets: string[]): void {
  for (const m of r.messages.all()) for (const s of secrets) assert.ok(!m.includes(s), `a message shows a secret: ${m}`);
}

function pemOf(file: string): string {
  return fs.readFileSync(file, 'utf8');
}

function days(c: X509Certificate): number {
  return Math.round((Date.parse(c.validTo) - Date.parse(c.validFrom)) / 86_400_000);
}

function openTabs(): string[] {
  return vscode.window.tabGroups.all.flatMap((g) => g.tabs).map((t) => (t.input as { uri?: vscode.Uri } | undefined)?.uri?.fsPath ?? '');
}

// ------------------------------------------------------------------------------------------------------

suite('PKI commands', function () {
  this.timeout(60_000);
  const fx = fixtures();
  const out = path.join(fx.dir, 'commands-it');
  const o = (name: string) => path.join(out, name);
  const u = (file: string) => vscode.Uri.file(file);

  suiteSetup(async () => {
    fs.rmSync(out, { recursive: true, force: true });
    await vscode.extensions.getExtension(EXTENSION_ID)!.activate();
    // New files from the palette go to tlsWorkbench.outputFolder (relative to the workspace).
    await vscode.workspace.getConfiguration('tlsWorkbench').update('outputFolder', 'commands-it', vscode.ConfigurationTarget.Global);
  });

  suiteTeardown(async () => {
    await vscode.workspace.getConfiguration('tlsWorkbench').update('outputFolder', undefined, vscode.ConfigurationTarget.Global);
    await closeAllEditors();
    fs.rmSync(out, { recursive: true, force: true });
  });

  teardown(closeAllEditors);

  test('Generate Private Key: key type, name, passphrase twice (masked); Back and the step counter; an encrypted 0600 key', async () => {
    const r = await run<vscode.Uri[]>('tlsWorkbench.generateKey', undefined, ['EC P-384', BACK, ACCEPT, 'gen', 'pass-1234', 'pass-1234']);
    const [type, name, back, name2, pass, confirm] = r.inputs.inputs;
    assert.equal(type.kind, 'quickPick');
    assert.equal(type.step, 1);
    assert.equal(type.back, false, 'no Back button on the first step');
    assert.equal(name.step, 2);
    assert.ok(name.back, 'Back button from the second step');
    assert.ok((name.totalSteps ?? 0) >= 3);
    assert.equal(back.step, 1, 'Back returns to the key type');
    assert.equal(back.active, 'EC P-384', 'the previous answer is kept when coming back');
    assert.equal(name2.value, 'private', 'the name is prefilled');
    assert.ok(pass.password && confirm.password, 'passphrases are masked');
    assert.equal(confirm.step, 4);
    assert.equal(confirm.totalSteps, 4, 'the confirmation step is counted once a passphrase is given');
    assert.equal(r.result?.[0]?.fsPath, o('gen.key'));
    const text = pemOf(o('gen.key'));
    assert.match(text, /^-----BEGIN ENCRYPTED PRIVATE KEY-----/);
    assert.equal(fs.statSync(o('gen.key')).mode & 0o777, 0o600);
    const key = createPrivateKey({ key: text, passphrase: 'pass-1234' });
    assert.equal(key.asymmetricKeyDetails?.namedCurve, 'secp384r1');
    assert.ok(r.messages.infos.some((m) => m.includes('gen.key')), JSON.stringify(r.messages.infos));
    assertNoSecret(r, 'pass-1234');
  });

  test('Generate Private Key: sizes and passphrases are validated as you type; the key type is remembered', async () => {
    const r = await run<vscode.Uri[]>('tlsWorkbench.generateKey', undefined, [
      'RSA, another size…',
      { invalid: '1024' },
      { invalid: '20x' },
      '2048',
      'rsa-custom',
      { invalid: 'abc' },
      'abcd-1',
      { invalid: 'abcd-2' },
      'abcd-1',
    ]);
    assert.match(r.refused[0], /2048/);
    assert.match(r.refused[1], /whole number/);
    assert.match(r.refused[2], /at least 4/i);
    assert.match(r.refused[3], /differ/);
    const key = createPrivateKey({ key: pemOf(o('rsa-custom.key')), passphrase: 'abcd-1' });
    assert.equal(key.asymmetricKeyDetails?.modulusLength, 2048);
    // Next time, the wizard starts from the remembered choice (cancelled at once: nothing written).
    const again = await run<vscode.Uri[] | undefined>('tlsWorkbench.generateKey', undefined, [], [], { allowLeftover: true });
    assert.equal(again.result, undefined);
    assert.equal(again.inputs.inputs[0].active, 'RSA, another size…');
    assert.deepEqual(again.messages.errors, []);
  });

  test('Generate Self-Signed Certificate: CN → SANs prefilled from the CN → key type → days → name; checked by node:crypto', async () => {
    const r = await run<vscode.Uri[]>('tlsWorkbench.generateSelfSigned', undefined, [
      { invalid: '/C=United Kingdom/CN=x' },
      'dev.example.test',
      { invalid: 'dns:bad name' },
      'dns:dev.example.test, ip:127.0.0.1',
      'EC P-256',
      { invalid: '0' },
      { invalid: '36501' },
      '30',
      ACCEPT,
    ]);
    const [, sans, , , name] = r.inputs.inputs;
    assert.match(r.refused[0], /2-letter country code/);
    assert.match(r.refused[1], /bad name/);
    assert.equal(sans.value, 'dns:dev.example.test', 'SANs are prefilled from the CN');
    assert.equal(name.value, 'dev.example.test', 'the file name follows the CN');
    assert.deepEqual(r.result?.map((x) => path.basename(x.fsPath)), ['dev.example.test.key', 'dev.example.test.crt']);
    const cert = new X509Certificate(fs.readFileSync(o('dev.example.test.crt')));
    assert.match(cert.subject, /CN=dev\.example\.test/);
    assert.match(cert.subjectAltName ?? '', /DNS:dev\.example\.test/);
    assert.match(cert.subjectAltName ?? '', /IP Address:127\.0\.0\.1/);
    assert.equal(cert.ca, false);
    assert.equal(days(cert), 30);
    assert.ok(cert.verify(cert.publicKey), 'self-signed');
    assert.ok(cert.checkPrivateKey(createPrivateKey(pemOf(o('dev.example.test.key')))));
    assert.equal(fs.statSync(o('dev.example.test.key')).mode & 0o777, 0o600);
    assert.ok(openTabs().includes(o('dev.example.test.crt')), `the certificate is opened; tabs: ${openTabs().join(', ')}`);
  });

  test('existing files are never replaced without a modal confirmation', async () => {
    const before = fs.readFileSync(o('dev.example.test.crt'));
    const keyBefore = fs.readFileSync(o('dev.example.test.key'));
    const script: Answer[] = ['dev.example.test', ACCEPT, 'EC P-256', '30', 'dev.example.test'];
    const declined = await run<vscode.Uri[] | undefined>('tlsWorkbench.generateSelfSigned', undefined, script, [undefined]);
    assert.equal(declined.result, undefined);
    assert.match(declined.inputs.inputs[4].after ?? '', /already exist/, `the name step warns while typing: ${JSON.stringify(declined.inputs.inputs)}`);
    assert.equal(declined.messages.modals.length, 1, 'one modal confirmation');
    assert.match(declined.messages.modals[0].message, /dev\.example\.test\.key and dev\.example\.test\.crt already exist/);
    assert.deepEqual(declined.messages.modals[0].buttons, ['Keep Existing', 'Replace'], 'the safe answer first: Enter keeps the files');
    assert.deepEqual(fs.readFileSync(o('dev.example.test.crt')), before, 'declined: the certificate is untouched');
    assert.deepEqual(fs.readFileSync(o('dev.example.test.key')), keyBefore, 'declined: the key is untouched');
    assert.deepEqual(declined.messages.errors, []);

    const replaced = await run<vscode.Uri[]>('tlsWorkbench.generateSelfSigned', undefined, script, ['Replace']);
    assert.equal(replaced.result?.length, 2);
    assert.notDeepEqual(fs.readFileSync(o('dev.example.test.crt')), before, 'confirmed: replaced');
    const cert = new X509Certificate(fs.readFileSync(o('dev.example.test.crt')));
    assert.ok(cert.checkPrivateKey(createPrivateKey(pemOf(o('dev.example.test.key')))), 'key and certificate replaced together');
  });

  test('Generate Self-Signed Certificate started on a certificate renews it: subject and SANs kept, new key, same names', async () => {
    const old = new X509Certificate(fs.readFileSync(o('dev.example.test.crt')));
    const r = await run<vscode.Uri[]>('tlsWorkbench.generateSelfSigned', u(o('dev.example.test.crt')), [ACCEPT, ACCEPT, 'EC P-384', '10', ACCEPT], ['Replace']);
    const [subject, sans, , , name] = r.inputs.inputs;
    assert.equal(subject.title, 'Renew dev.example.test.crt (self-signed)');
    assert.equal(subject.value, 'CN=dev.example.test');
    assert.equal(sans.value, 'dns:dev.example.test', 'the SANs of the certificate being renewed');
    assert.equal(name.value, 'dev.example.test');
    assert.equal(r.messages.modals.length, 1, 'replacing the old files is confirmed');
    const renewed = new X509Certificate(fs.readFileSync(o('dev.example.test.crt')));
    assert.equal(renewed.subject, old.subject);
    assert.equal(renewed.subjectAltName, old.subjectAltName);
    assert.equal(days(renewed), 10);
    assert.notEqual(renewed.fingerprint256, old.fingerprint256);
    assert.equal(createPrivateKey(pemOf(o('dev.example.test.key'))).asymmetricKeyDetails?.namedCurve, 'secp384r1');
    assert.ok(renewed.checkPrivateKey(createPrivateKey(pemOf(o('dev.example.test.key')))));
  });

  test('Create Certificate Authority (root, encrypted key) → Generate CSR → Sign CSR (client) → Export PKCS#12 → Import PKCS#12', async () => {
    // The CA.
    const ca = await run<vscode.Uri[]>('tlsWorkbench.createCa', undefined, ['Root CA', 'Commands Test Root CA', 'EC P-256', ACCEPT, 'ca-pass-1', 'ca-pass-1', 'it-ca']);
    assert.equal(ca.inputs.inputs[3].value, '3650', 'a root CA defaults to 10 years');
    const caCert = new X509Certificate(fs.readFileSync(o('it-ca.crt')));
    assert.equal(caCert.ca, true);
    assert.match(caCert.subject, /CN=Commands Test Root CA/);
    assert.equal(days(caCert), 3650);
    assert.ok(caCert.verify(caCert.publicKey));
    assert.match(pemOf(o('it-ca.key')), /ENCRYPTED PRIVATE KEY/);
    assertNoSecret(ca, 'ca-pass-1');

    // A client CSR with a new key; SANs prefilled with the e-mail address.
    const csr = await run<vscode.Uri[]>('tlsWorkbench.generateCsr', undefined, ['New key', 'EC P-256', '', 'alice@example.test', ACCEPT, 'alice']);
    assert.equal(csr.inputs.inputs[4].value, 'email:alice@example.test');
    assert.deepEqual(csr.result?.map((x) => path.basename(x.fsPath)), ['alice.key', 'alice.csr']);
    const [csrObject] = rawObjects(fs.readFileSync(o('alice.csr')));
    assert.equal(csrObject.kind, 'csr');

    // Signed by the CA, started on the CSR (Explorer): CA, its key (encrypted: picked, then its passphrase), profile, days, name.
    const signed = await run<vscode.Uri[]>('tlsWorkbench.signCsr', u(o('alice.csr')), ['it-ca.crt', 'it-ca.key', { invalid: 'nope' }, 'ca-pass-1', ACCEPT, '90', ACCEPT]);
    const [caPick, keyPick, , profile] = signed.inputs.inputs;
    assert.ok(caPick.items.includes('commands-it/it-ca.crt') && caPick.items.includes('ca.crt'), `CA certificates of the workspace are offered: ${caPick.items.join(', ')}`);
    assert.ok(!caPick.items.some((i) => /server\.crt|alice/.test(i)), 'only CA certificates are offered');
    assert.equal(keyPick.items[0], 'commands-it/it-ca.key', 'the key next to the CA comes first');
    assert.match(signed.refused[0], /wrong passphrase/i);
    assert.equal(profile.active, 'Client', 'an e-mail-only request suggests the client profile');
    const alice = new X509Certificate(fs.readFileSync(o('alice.crt')));
    assert.ok(alice.checkIssued(caCert));
    assert.ok(alice.verify(caCert.publicKey));
    assert.deepEqual(alice.keyUsage, ['1.3.6.1.5.5.7.3.2'], 'clientAuth only');
    assert.match(alice.subjectAltName ?? '', /email:alice@example\.test/);
    assert.equal(days(alice), 90);
    assert.ok(alice.checkPrivateKey(createPrivateKey(pemOf(o('alice.key')))));
    assertNoSecret(signed, 'ca-pass-1', 'nope');

    // Exported with the CA chain (the key and the chain are found without asking).
    const exported = await run<vscode.Uri[]>('tlsWorkbench.exportPkcs12', u(o('alice.crt')), [ACCEPT, 'p12-pass', 'p12-pass', ACCEPT, ACCEPT]);
    assert.equal(exported.inputs.inputs[0].active, 'Include the CA chain');
    assert.ok(exported.inputs.inputs[1].password && exported.inputs.inputs[2].password);
    assert.equal(fs.statSync(o('alice.p12')).mode & 0o777, 0o600);
    const p12 = readPkcs12(fs.readFileSync(o('alice.p12')), 'p12-pass');
    const certs = p12.bags.filter((b) => b.type === 'certificate').map((b) => new X509Certificate(Buffer.from(b.der!)).fingerprint256);
    assert.deepEqual(certs, [alice.fingerprint256, caCert.fingerprint256], 'leaf then CA');
    assert.equal(p12.bags.filter((b) => b.type === 'private-key').length, 1);
    assert.equal(p12.mac?.algorithm, 'sha256');
    assertNoSecret(exported, 'p12-pass');

    // Imported back: certificate, key and chain.
    const imported = await run<vscode.Uri[]>('tlsWorkbench.importPkcs12', u(o('alice.p12')), [{ invalid: 'wrong' }, 'p12-pass', 'alice-imported', '']);
    assert.match(imported.refused[0], /wrong password/i);
    assert.deepEqual(imported.result?.map((x) => path.basename(x.fsPath)), ['alice-imported.crt', 'alice-imported.key', 'alice-imported-chain.pem']);
    assert.equal(new X509Certificate(fs.readFileSync(o('alice-imported.crt'))).fingerprint256, alice.fingerprint256);
    assert.equal(new X509Certificate(fs.readFileSync(o('alice-imported-chain.pem'))).fingerprint256, caCert.fingerprint256);
    assert.ok(alice.checkPrivateKey(createPrivateKey(pemOf(o('alice-imported.key')))));
    assert.equal(fs.statSync(o('alice-imported.key')).mode & 0o777, 0o600);
    assertNoSecret(imported, 'p12-pass', 'wrong');

    // A keystore with an empty password (openssl -passout pass:) is imported without a password prompt.
    execFileSync('openssl', ['pkcs12', '-export', '-in', o('alice.crt'), '-inkey', o('alice-imported.key'), '-passin', 'pass:', '-name', 'alice', '-out', o('alice-nopass.p12'), '-passout', 'pass:']);
    const open = await run<vscode.Uri[]>('tlsWorkbench.importPkcs12', u(o('alice-nopass.p12')), ['alice-nopass', '']);
    assert.ok(!open.inputs.inputs.some((i) => /Password of/.test(i.prompt ?? '')), open.inputs.inputs.map((i) => i.prompt).join(' | '));
    assert.deepEqual(open.result?.map((x) => path.basename(x.fsPath)), ['alice-nopass.crt', 'alice-nopass.key']);
    assert.equal(new X509Certificate(fs.readFileSync(o('alice-nopass.crt'))).fingerprint256, alice.fingerprint256);
  });

  test('Create Certificate Authority (intermediate under an existing CA) → Sign CSR started on the CA: a three-link chain, lint warnings shown', async () => {
    const inter = await run<vscode.Uri[]>('tlsWorkbench.createCa', undefined, [
      'Intermediate CA',
      'it-ca.crt',
      'it-ca.key',
      'ca-pass-1',
      'Commands Test Intermediate CA',
      'EC P-256',
      { invalid: '5000' },
      '1825',
      '',
      ACCEPT,
    ]);
    assert.match(inter.refused[0], /^At most 36\d\d days: the parent CA expires on/);
    assert.equal(inter.inputs.inputs[6].value, '1825', 'an intermediate defaults to 5 years');
    assert.deepEqual(inter.result?.map((x) => path.basename(x.fsPath)), ['intermediate-ca.key', 'intermediate-ca.crt']);
    const root = new X509Certificate(fs.readFileSync(o('it-ca.crt')));
    const ica = new X509Certificate(fs.readFileSync(o('intermediate-ca.crt')));
    assert.equal(ica.ca, true);
    assert.ok(ica.checkIssued(root) && ica.verify(root.publicKey));
    assert.match(pemOf(o('intermediate-ca.key')), /BEGIN PRIVATE KEY/, 'no passphrase given: a plain key');

    // Signing started on the CA (as the Certificate Explorer's "Sign CSR with this CA" does): the CSR is asked,
    // the CA key is found without asking, the profile follows the request's DNS names.
    fs.copyFileSync(fx.uri('csr').fsPath, o('web.csr'));
    const signed = await run<vscode.Uri[]>('tlsWorkbench.signCsr', u(o('intermediate-ca.crt')), ['web.csr', ACCEPT, '400', ACCEPT]);
    assert.equal(signed.inputs.inputs.length, 4, 'CSR, profile, days, name');
    assert.equal(signed.inputs.inputs[1].active, 'Server');
    assert.match(signed.inputs.inputs[2].after ?? '', /398/, 'over 398 days: a warning while typing, not a refusal');
    assert.equal(signed.result?.[0]?.fsPath, o('web.crt'));
    assert.equal(signed.messages.warnings.length, 1, JSON.stringify(signed.messages.warnings));
    assert.match(signed.messages.warnings[0], /^web\.crt: .*over 398 days/);
    const web = new X509Certificate(fs.readFileSync(o('web.crt')));
    assert.ok(web.verify(ica.publicKey));
    assert.deepEqual(web.keyUsage, ['1.3.6.1.5.5.7.3.1'], 'serverAuth');
    // Verified against the root: the intermediate comes from the workspace as an untrusted intermediate.
    const chain = await run<ChainCheck>('tlsWorkbench.verifyChain', u(o('web.crt')), ['commands-it/it-ca.crt', 'No revocation check']);
    assert.equal(chain.result.ok, true, JSON.stringify([chain.result.errors, chain.messages.all()]));
    assert.deepEqual(chain.result.chain.map((l) => [l.fingerprints.sha256, l.anchor]), [
      [sha256Of(o('web.crt')), false],
      [sha256Of(o('intermediate-ca.crt')), false],
      [sha256Of(o('it-ca.crt')), true],
    ]);

    // A CA that keeps its serials in CA.srl (as openssl -CA and tlsw sign --serial-file do): the next serial is
    // taken from it, under the same lock as the CLI, and the file advances with the certificate.
    fs.writeFileSync(o('intermediate-ca.srl'), '1000\n');
    fs.copyFileSync(fx.uri('csr').fsPath, o('web2.csr'));
    const serialed = await run<vscode.Uri[]>('tlsWorkbench.signCsr', u(o('intermediate-ca.crt')), ['web2.csr', ACCEPT, '90', ACCEPT]);
    assert.equal(serialed.result?.[0]?.fsPath, o('web2.crt'));
    assert.equal(new X509Certificate(fs.readFileSync(o('web2.crt'))).serialNumber.replace(/^0+/, ''), '1001');
    assert.equal(fs.readFileSync(o('intermediate-ca.srl'), 'utf8').trim().replace(/^0+/, '').toUpperCase(), '1001');
    assert.ok(!fs.existsSync(o('intermediate-ca.srl.lock')), 'the lock is released');
  });

  test('subject fields from tlsWorkbench.defaults.subject surround a plain common name; a full subject replaces them', async () => {
    const config = vscode.workspace.getConfiguration('tlsWorkbench');
    await config.update('defaults.subject', { C: 'UK', O: 'Any Org' }, vscode.ConfigurationTarget.Global);
    try {
      const r = await run<vscode.Uri[]>('tlsWorkbench.generateCsr', undefined, ['New key', 'EC P-256', '', 'svc.example.test', ACCEPT, 'svc']);
      assert.match(r.inputs.inputs[3].prompt ?? '', /with C=UK, O=Any Org from tlsWorkbench\.defaults\.subject/);
      const csr = readObjects(fs.readFileSync(o('svc.csr'))).objects[0];
      assert.equal(csr.kind === 'csr' && csr.subject.text, 'C=UK, O=Any Org, CN=svc.example.test');
      assert.ok(csr.kind === 'csr' && csr.signatureValid);
      const full = await run<vscode.Uri[]>('tlsWorkbench.generateCsr', u(o('svc.key')), ['/O=Other Org/OU=Ops/CN=ops.example.test', ACCEPT, 'ops']);
      assert.equal(full.inputs.inputs[0].value, 'svc', 'started on a key: the name follows the key');
      const ops = readObjects(fs.readFileSync(o('ops.csr'))).objects[0];
      assert.equal(ops.kind === 'csr' && ops.subject.text, 'O=Other Org, OU=Ops, CN=ops.example.test');
      assert.equal(ops.kind === 'csr' && ops.publicKey.spkiSha256, csr.kind === 'csr' && csr.publicKey.spkiSha256, 'the same key');
    } finally {
      await config.update('defaults.subject', undefined, vscode.ConfigurationTarget.Global);
    }
  });

  test('Issue Client Certificate: key + CSR + certificate + PKCS#12 in one flow, from a CA whose key is found without asking', async () => {
    const r = await run<vscode.Uri[]>('tlsWorkbench.issueClientCertificate', undefined, ['ca.crt', 'bob', ACCEPT, '30', 'bob-pass', 'bob-pass', /^Legacy/, ACCEPT]);
    const titles = new Set(r.inputs.inputs.map((i) => i.title));
    assert.deepEqual([...titles], ['Issue Client Certificate']);
    assert.equal(r.inputs.inputs.length, 8, 'no key question: ca.key (plain, matching) is used');
    assert.deepEqual(r.result?.map((x) => path.basename(x.fsPath)), ['bob.key', 'bob.csr', 'bob.crt', 'bob.p12']);
    const ca = new X509Certificate(fs.readFileSync(fx.uri('ca').fsPath));
    const bob = new X509Certificate(fs.readFileSync(o('bob.crt')));
    assert.ok(bob.verify(ca.publicKey));
    assert.match(bob.subject, /CN=bob/);
    assert.deepEqual(bob.keyUsage, ['1.3.6.1.5.5.7.3.2']);
    const p12 = readPkcs12(fs.readFileSync(o('bob.p12')), 'bob-pass');
    assert.equal(p12.mac?.algorithm, 'sha1', 'legacy keystore: SHA-1 MAC');
    assert.match(p12.certEncryption ?? '', /RC2/i);
    const key = p12.bags.find((b) => b.type === 'private-key')!;
    assert.ok(bob.checkPrivateKey(createPrivateKey({ key: Buffer.from(key.der!), format: 'der', type: 'pkcs8' })));
    assert.ok(bob.checkPrivateKey(createPrivateKey(pemOf(o('bob.key')))));
    assertNoSecret(r, 'bob-pass');
  });

  test('Convert PEM ↔ DER: a certificate to DER and back, byte for byte; a PKCS#12 is refused with an Import button', async () => {
    const toDer = await run<vscode.Uri[]>('tlsWorkbench.convert', u(o('alice.crt')), [ACCEPT]);
    assert.equal(toDer.result?.[0]?.fsPath, o('alice.der'));
    const der = fs.readFileSync(o('alice.der'));
    assert.equal(der[0], 0x30);
    assert.equal(new X509Certificate(der).fingerprint256, new X509Certificate(fs.readFileSync(o('alice.crt'))).fingerprint256);
    const toPem = await run<vscode.Uri[]>('tlsWorkbench.convert', u(o('alice.der')), [ACCEPT]);
    assert.equal(toPem.result?.[0]?.fsPath, o('alice.pem'));
    assert.equal(pemOf(o('alice.pem')), pemOf(o('alice.crt')));
    // A key keeps mode 0600 as DER.
    await run('tlsWorkbench.convert', u(o('alice.key')), [ACCEPT], ['Replace']);
    assert.equal(fs.statSync(o('alice.der')).mode & 0o777, 0o600);
    createPrivateKey({ key: fs.readFileSync(o('alice.der')), format: 'der', type: 'pkcs8' });

    const refused = await run('tlsWorkbench.convert', u(o('alice.p12')), []);
    assert.equal(refused.result, undefined);
    assert.equal(refused.messages.errors.length, 1);
    assert.match(refused.messages.errors[0], /^alice\.p12 is a PKCS#12 keystore/);
  });

  test('Add, change and remove a key passphrase, in place after a modal confirmation', async () => {
    fs.copyFileSync(o('alice.key'), o('pp.key'));
    const spki = createPublicKey(pemOf(o('pp.key'))).export({ type: 'spki', format: 'der' });
    const declined = await run('tlsWorkbench.addPassphrase', u(o('pp.key')), ['pp-pass-1', 'pp-pass-1'], [undefined]);
    assert.equal(declined.result, undefined);
    assert.match(pemOf(o('pp.key')), /BEGIN PRIVATE KEY/, 'declined: unchanged');

    const added = await run('tlsWorkbench.addPassphrase', u(o('pp.key')), ['pp-pass-1', 'pp-pass-1'], ['Replace']);
    assert.deepEqual(added.messages.modals[0].buttons, ['Save as Copy…', 'Replace'], 'the safe answer first: Enter keeps the file');
    assert.match(pemOf(o('pp.key')), /BEGIN ENCRYPTED PRIVATE KEY/);
    createPrivateKey({ key: pemOf(o('pp.key')), passphrase: 'pp-pass-1' });

    const again = await run('tlsWorkbench.addPassphrase', u(o('pp.key')), []);
    assert.match(again.messages.errors[0], /^pp\.key is already encrypted/);

    const changed = await run('tlsWorkbench.changePassphrase', u(o('pp.key')), [{ invalid: 'bad' }, 'pp-pass-1', 'pp-pass-2', 'pp-pass-2'], ['Replace']);
    assert.match(changed.refused[0], /wrong passphrase/i);
    assert.throws(() => createPrivateKey({ key: pemOf(o('pp.key')), passphrase: 'pp-pass-1' }));
    createPrivateKey({ key: pemOf(o('pp.key')), passphrase: 'pp-pass-2' });

    const removed = await run('tlsWorkbench.removePassphrase', u(o('pp.key')), ['pp-pass-2'], ['Replace']);
    assert.match(removed.messages.modals[0].detail ?? '', /Anyone who can read the file/);
    assert.match(pemOf(o('pp.key')), /BEGIN PRIVATE KEY/);
    assert.deepEqual(createPublicKey(pemOf(o('pp.key'))).export({ type: 'spki', format: 'der' }), spki, 'the same key throughout');
    assert.equal(fs.statSync(o('pp.key')).mode & 0o777, 0o600);
    for (const r of [added, changed, removed]) assertNoSecret(r, 'pp-pass-1', 'pp-pass-2', 'bad');
  });

  // ---- Verify Certificate Chain: only the trust anchors the user chooses end a path (issue 11) ----

  /** A CA outside the workspace (a "private CA" the system store cannot know) and a certificate it issued, in the workspace. */
  function privateCa(): { rootFile: string; leaf: string; cleanup: () => void } {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tlsw-private-ca-'));
    const sh = (args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
    sh(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'root.key', '-out', 'root.crt', '-days', '30',
      '-subj', '/O=Elsewhere/CN=Private Root CA', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
    sh(['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'leaf.key', '-out', 'leaf.csr', '-subj', '/CN=private.example']);
    fs.writeFileSync(path.join(dir, 'leaf.ext'), 'basicConstraints=critical,CA:FALSE\nsubjectAltName=DNS:private.example\nextendedKeyUsage=serverAuth\n');
    sh(['x509', '-req', '-in', 'leaf.csr', '-CA', 'root.crt', '-CAkey', 'root.key', '-CAcreateserial', '-days', '10', '-extfile', 'leaf.ext', '-out', 'leaf.crt']);
    fs.copyFileSync(path.join(dir, 'leaf.crt'), o('private.crt'));
    return { rootFile: path.join(dir, 'root.crt'), leaf: o('private.crt'), cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
  }

  test('Verify Certificate Chain with a chosen anchor: the CA file of the workspace; the answers are remembered', async () => {
    const ok = await run<ChainCheck>('tlsWorkbench.verifyChain', fx.uri('pem'), ['ca.crt', 'No revocation check']);
    assert.equal(ok.result?.ok, true, JSON.stringify([ok.result, ok.messages.all()]));
    assert.equal(ok.result.anchored, true);
    assert.deepEqual(ok.result.chain.map((l) => [l.fingerprints.sha256, l.anchor]), [[sha256Of(fx.uri('pem').fsPath), false], [sha256Of(fx.uri('ca').fsPath), true]]);
    assert.deepEqual(ok.messages.errors, []);
    assert.equal(ok.messages.infos.length, 1);
    assert.match(ok.messages.infos[0], /^server\.crt: the chain verifies to TLS Workbench Test CA \(server\.example\.test ← TLS Workbench Test CA; anchor from ca\.crt; no revocation check\)\.$/);
    const [anchors, revocation] = ok.inputs.inputs;
    assert.deepEqual([anchors.step, anchors.totalSteps, revocation.step], [1, 2, 2], 'anchors, then revocation');
    assert.ok(anchors.items.includes('ca.crt') && anchors.items.includes('commands-it/it-ca.crt'), anchors.items.join(', '));
    assert.ok(anchors.items.some((i) => /System trust store/.test(i)) && anchors.items.some((i) => /Browse…/.test(i)), anchors.items.join(', '));
    assert.ok(!anchors.items.includes('server.crt') && !anchors.items.includes('server.key'), 'only CA certificate files are offered as anchors');
    assert.match(revocation.items[0], /No revocation check/);
    // Next time the same answers are the defaults.
    const again = await run<ChainCheck>('tlsWorkbench.verifyChain', fx.uri('pem'), [ACCEPT, ACCEPT]);
    assert.equal(again.inputs.inputs[0].active, 'ca.crt');
    assert.match(again.inputs.inputs[1].active ?? '', /No revocation check/);
    assert.equal(again.result.ok, true);
    // The client certificate issued through the commands verifies to the commands' own root.
    const client = await run<ChainCheck>('tlsWorkbench.verifyChain', u(o('alice-imported.crt')), ['commands-it/it-ca.crt', ACCEPT]);
    assert.equal(client.result.ok, true, JSON.stringify(client.result.errors));
  });

  test('Verify Certificate Chain with the system trust store: a certificate from a private CA does not verify', async () => {
    const ca = privateCa();
    try {
      const r = await run<ChainCheck>('tlsWorkbench.verifyChain', u(ca.leaf), ['System trust store', 'No revocation check']);
      assert.equal(r.result.ok, false);
      assert.equal(r.result.anchored, false);
      assert.equal(r.result.errors[0]?.code, 'unable_to_get_issuer_cert', JSON.stringify(r.result.errors));
      assert.equal(r.messages.errors.length, 1);
      assert.ok(r.messages.errors[0].startsWith('private.crt: '), r.messages.errors[0]);
      // The workspace's own root is not trusted because it is in the workspace: it is an untrusted intermediate.
      const own = await run<ChainCheck>('tlsWorkbench.verifyChain', fx.uri('pem'), ['System trust store', 'No revocation check']);
      assert.equal(own.result.ok, false);
      assert.ok(own.result.errors.length > 0 && own.result.chain.every((l) => !l.anchor), JSON.stringify(own.result));
    } finally {
      ca.cleanup();
    }
  });

  test('Verify Certificate Chain with a wrong anchor, or none: the root inside the certificate’s own file never makes it pass', async () => {
    const ca = privateCa();
    // The certificate with its own root beside it: what a careless "full chain" file looks like.
    fs.writeFileSync(o('smuggled.pem'), pemOf(ca.leaf) + pemOf(ca.rootFile));
    try {
      // The file's own root is not offered as an anchor, and browsing to the file itself is refused.
      const dialogs = [[u(o('smuggled.pem'))]];
      const restore = stub(vscode.window, 'showOpenDialog', async () => dialogs.shift());
      let wrong: Run<ChainCheck>;
      try {
        wrong = await run<ChainCheck>('tlsWorkbench.verifyChain', u(o('smuggled.pem')), ['private.example', 'Browse…', 'ca.crt', 'No revocation check']);
      } finally {
        restore();
      }
      const anchors = wrong.inputs.inputs[1];
      assert.ok(!anchors.items.includes('commands-it/smuggled.pem'), `the certificate's own file is not an anchor: ${anchors.items.join(', ')}`);
      assert.match(wrong.messages.errors[0], /^smuggled\.pem is the file being verified: its own certificates cannot vouch for it/);
      assert.equal(wrong.result.ok, false);
      assert.equal(wrong.result.anchored, false);
      assert.ok(wrong.result.chain.every((l) => !l.anchor));
      assert.ok(wrong.result.errors.some((e) => e.code === 'self_signed_cert_in_chain' || e.code === 'unable_to_get_issuer_cert'), JSON.stringify(wrong.result.errors));
      assert.equal(wrong.messages.errors.length, 2, JSON.stringify(wrong.messages.errors));
      assert.ok(wrong.messages.errors[1].startsWith('smuggled.pem: '), wrong.messages.errors[1]);
      // No anchor chosen (the picker dismissed): nothing is verified, nothing is claimed.
      const none = await run<ChainCheck | undefined>('tlsWorkbench.verifyChain', u(o('smuggled.pem')), ['private.example'], [], { allowLeftover: true });
      assert.equal(none.result, undefined);
      assert.equal(none.inputs.inputs.length, 2);
      assert.deepEqual(none.messages.all(), []);
      // The real root, browsed for outside the workspace ("Browse…" is how any CA file is chosen): it verifies.
      const restore2 = stub(vscode.window, 'showOpenDialog', async () => [u(ca.rootFile)]);
      let right: Run<ChainCheck>;
      try {
        right = await run<ChainCheck>('tlsWorkbench.verifyChain', u(ca.leaf), ['Browse…', 'No revocation check']);
      } finally {
        restore2();
      }
      assert.equal(right.result.ok, true, JSON.stringify(right.result.errors));
      assert.match(right.messages.infos[0], /^private\.crt: the chain verifies to Private Root CA \(private\.example ← Private Root CA; anchor from root\.crt;/);
    } finally {
      ca.cleanup();
      fs.rmSync(o('smuggled.pem'), { force: true });
    }
  });

  test('Verify Certificate Chain: "Show Details" opens the report, one line of checks per link and the errors with their codes', async () => {
    const ca = privateCa();
    const inputs = new QuickInputs(['ca.crt', 'No revocation check']);
    const shown: string[] = [];
    const restore = stub(vscode.window, 'showErrorMessage', (async (m: string, ...items: string[]) => {
      shown.push(m);
      return items.includes('Show Details') ? 'Show Details' : undefined;
    }) as unknown as typeof vscode.window.showErrorMessage);
    let check: ChainCheck | undefined;
    try {
      check = await vscode.commands.executeCommand<ChainCheck>('tlsWorkbench.verifyChain', u(ca.leaf));
    } finally {
      inputs.restore();
      restore();
      ca.cleanup();
    }
    assert.deepEqual(inputs.problems, []);
    assert.equal(check?.ok, false);
    assert.equal(shown.length, 1);
    const report = await until('the chain report', () => vscode.workspace.textDocuments.find((d) => d.uri.scheme === REPORT_SCHEME && d.uri.path.endsWith('/private.crt.chain.report')));
    const text = report.getText();
    assert.match(text, /^Chain verification of private\.crt\n/);
    assert.match(text, /Trust anchors: +ca\.crt \(1 certificate\)/);
    assert.match(text, /\[0\] private\.example \(leaf\)\n/);
    assert.match(text, /checks: /);
    for (const e of check!.errors) assert.ok(text.includes(`depth ${e.depth}  ${e.code}  ${e.message}`), text);
  });

  test('Verify Chain Against This CA (Certificate Authorities row): the CA is the anchor, the certificate is asked', async () => {
    const r = await run<ChainCheck>('tlsWorkbench.explorer.verifyWithCa', { resourceUri: fx.uri('ca'), sha256: sha256Of(fx.uri('ca').fsPath) }, ['server.crt', 'No revocation check']);
    const [pick, revocation] = r.inputs.inputs;
    assert.match(pick.placeholder ?? '', /against TLS Workbench Test CA in ca\.crt/);
    const at = (name: string) => pick.items.indexOf(name);
    assert.ok(at('server.crt') >= 0 && at('server.crt') < at('commands-it/alice.crt'), `certificates this CA issued come first: ${pick.items.join(', ')}`);
    assert.match(revocation.placeholder ?? '', /CRL/);
    assert.equal(r.result.ok, true, JSON.stringify(r.result.errors));
    assert.match(r.messages.infos[0], /^server\.crt: the chain verifies to TLS Workbench Test CA \(.*anchor from TLS Workbench Test CA in ca\.crt;/);
    // Not the CA of this certificate: it fails, naming it.
    const other = await run<ChainCheck>('tlsWorkbench.explorer.verifyWithCa', { resourceUri: u(o('it-ca.crt')) }, ['server.crt', 'No revocation check']);
    assert.equal(other.result.ok, false);
    assert.ok(other.messages.errors[0].startsWith('server.crt: '), other.messages.errors[0]);
  });

  test('Verify Certificate Chain with a CRL: a revoked certificate fails with cert_revoked, another one passes', async () => {
    const sh = (args: string[]) => execFileSync('openssl', args, { cwd: out, stdio: 'pipe' });
    sh(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'crl-ca.key', '-out', 'crl-ca.crt', '-days', '30',
      '-subj', '/CN=CRL Test CA', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
    for (const name of ['revoked', 'kept']) {
      sh(['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${name}.example`]);
      sh(['x509', '-req', '-in', `${name}.csr`, '-CA', 'crl-ca.crt', '-CAkey', 'crl-ca.key', '-CAcreateserial', '-days', '10', '-out', `${name}.crt`]);
    }
    fs.writeFileSync(o('crl-ca.cnf'), '[ca]\ndefault_ca=d\n[d]\ndatabase=crl-index.txt\ndefault_md=sha256\ndefault_crl_days=30\n');
    fs.writeFileSync(o('crl-index.txt'), '');
    sh(['ca', '-config', 'crl-ca.cnf', '-keyfile', 'crl-ca.key', '-cert', 'crl-ca.crt', '-revoke', 'revoked.crt', '-crl_reason', 'keyCompromise']);
    sh(['ca', '-config', 'crl-ca.cnf', '-keyfile', 'crl-ca.key', '-cert', 'crl-ca.crt', '-gencrl', '-out', 'crl-ca.crl']);
    const revoked = await run<ChainCheck>('tlsWorkbench.verifyChain', u(o('revoked.crt')), ['commands-it/crl-ca.crt', 'commands-it/crl-ca.crl']);
    assert.ok(revoked.inputs.inputs[1].items.includes('commands-it/crl-ca.crl'), revoked.inputs.inputs[1].items.join(', '));
    assert.equal(revoked.result.ok, false);
    assert.ok(revoked.result.errors.some((e) => e.code === 'cert_revoked' && e.depth === 0), JSON.stringify(revoked.result.errors));
    assert.ok(revoked.messages.errors[0].startsWith('revoked.crt: '), revoked.messages.errors[0]);
    const kept = await run<ChainCheck>('tlsWorkbench.verifyChain', u(o('kept.crt')), ['commands-it/crl-ca.crt', ACCEPT]);
    assert.match(kept.inputs.inputs[1].active ?? '', /crl-ca\.crl$/, 'the CRL chosen last time is the default');
    assert.equal(kept.result.ok, true, JSON.stringify(kept.result.errors));
    assert.match(kept.messages.infos[0], /revocation checked with crl-ca\.crl \(the certificate only\)/);
    // Back to no revocation check for the tests that follow.
    await run<ChainCheck>('tlsWorkbench.verifyChain', u(o('kept.crt')), ['commands-it/crl-ca.crt', 'No revocation check']);
  });

  test('Check Key Matches Certificate: from the certificate (its key offered first) and from a key', async () => {
    const yes = await run<boolean>('tlsWorkbench.checkKeyMatch', fx.uri('pem'), ['server.key']);
    assert.equal(yes.result, true);
    assert.equal(yes.inputs.inputs[0].items[0], 'server.key', 'the key next to the certificate is offered first');
    assert.match(yes.messages.infos[0], /server\.key and server\.crt match/);
    const no = await run<boolean>('tlsWorkbench.checkKeyMatch', u(o('alice.key')), ['server.crt']);
    assert.equal(no.result, false);
    assert.match(no.messages.errors[0], /^alice\.key and server\.crt do not match/);
  });

  test('Copy Thumbprint (SHA-1) and Copy SHA-256 Fingerprint put them on the clipboard as the inspector shows them: uppercase, no separators', async () => {
    const server = new X509Certificate(fs.readFileSync(fx.uri('pem').fsPath));
    // What `netsh http add sslcert certhash=` takes, and the inspector's SHA-1 thumbprint without its colons.
    const sha1 = server.fingerprint.replace(/:/g, '');
    const thumb = await run<string>('tlsWorkbench.copyThumbprint', fx.uri('pem'), []);
    assert.equal(thumb.result, sha1);
    assert.equal(await vscode.env.clipboard.readText(), sha1);
    assert.match(sha1, /^[0-9A-F]{40}$/);
    assert.match(thumb.messages.infos[0], new RegExp(`: ${sha1}$`));
    // From the palette: the certificate is picked among the workspace's.
    const sha = await run<string>('tlsWorkbench.copySha256', undefined, ['server.der']);
    assert.equal(sha.result, sha256Of(fx.uri('pem').fsPath).toUpperCase());
    assert.equal(await vscode.env.clipboard.readText(), sha.result);
    // "Browse…": a file that is not a certificate is refused (one error, the picker again), then a DER certificate.
    const dialogs = [[fx.uri('serverKey')], [fx.uri('der')]];
    const restore = stub(vscode.window, 'showOpenDialog', async () => dialogs.shift());
    let browsed: Run<string>;
    try {
      browsed = await run<string>('tlsWorkbench.copyThumbprint', undefined, ['Browse…', 'Browse…']);
    } finally {
      restore();
    }
    assert.equal(browsed.result, sha1);
    assert.deepEqual(browsed.messages.errors, ['server.key holds no certificate.']);
    assert.equal(browsed.inputs.inputs.length, 2);
    // From a Certificate Explorer item (a tree item with resourceUri).
    const item = await run<string>('tlsWorkbench.copySha256', { resourceUri: u(o('alice.crt')) }, []);
    assert.equal(item.result, sha256Of(o('alice.crt')).toUpperCase());
  });

  test('cancelling a slow key generation (RSA-4096) writes nothing', async () => {
    let options: vscode.ProgressOptions | undefined;
    const restore = stub(vscode.window, 'withProgress', (async (opts: vscode.ProgressOptions, task: (p: vscode.Progress<unknown>, t: vscode.CancellationToken) => Thenable<unknown>) => {
      options = opts;
      const cts = new vscode.CancellationTokenSource();
      setTimeout(() => cts.cancel(), 50);
      return task({ report: () => undefined }, cts.token);
    }) as typeof vscode.window.withProgress);
    let r: Run<unknown>;
    try {
      r = await run('tlsWorkbench.generateKey', undefined, ['RSA 4096', 'big', '']);
    } finally {
      restore();
    }
    assert.equal(options?.cancellable, true);
    assert.match(String(options?.title), /RSA 4096/);
    assert.equal(r.result, undefined);
    assert.ok(!fs.existsSync(o('big.key')));
    assert.match(r.messages.infos.join(' '), /cancelled/i);
    assert.deepEqual(r.messages.errors, []);
  });

  test('every command runs from the palette with no argument: it asks first, and cancelling is quiet', async () => {
    const commands = [
      'generateKey', 'generateCsr', 'generateSelfSigned', 'createCa', 'signCsr', 'issueClientCertificate', 'exportPkcs12', 'importPkcs12',
      'convert', 'addPassphrase', 'removePassphrase', 'changePassphrase', 'verifyChain', 'checkKeyMatch', 'copyThumbprint', 'copySha256',
    ];
    const offered: Record<string, string[]> = {};
    for (const c of commands) {
      const r = await run(`tlsWorkbench.${c}`, undefined, [], [], { allowLeftover: true });
      assert.equal(r.result, undefined, c);
      assert.equal(r.inputs.inputs.length, 1, `${c} asks one thing, then stops when dismissed`);
      assert.deepEqual(r.messages.errors, [], c);
      offered[c] = r.inputs.inputs[0].items;
    }
    assert.ok(offered.signCsr.includes('server.csr') && !offered.signCsr.includes('server.crt'), offered.signCsr.join(', '));
    assert.ok(offered.importPkcs12.includes('server.p12') && offered.importPkcs12.every((i) => /\.p12$|Browse/.test(i)), offered.importPkcs12.join(', '));
    assert.ok(offered.removePassphrase.includes('commands-it/it-ca.key') && !offered.removePassphrase.includes('server.key'), offered.removePassphrase.join(', '));
    assert.ok(offered.copyThumbprint.includes('ca.crt') && !offered.copyThumbprint.includes('server.key'));
    assert.ok(offered.generateCsr[0].includes('New key'));
    for (const list of Object.values(offered)) assert.ok(!list.includes('broken.pem'), 'an unreadable file is not offered');
  });

  test('a wrong kind of file is one clear error naming it', async () => {
    const r = await run('tlsWorkbench.signCsr', fx.uri('serverKey'), []);
    assert.equal(r.result, undefined);
    assert.deepEqual(r.messages.errors, ['server.key holds neither a certificate signing request nor a CA certificate.']);
    const missing = await run('tlsWorkbench.copyThumbprint', u(path.join(fx.dir, 'nope.crt')), []);
    assert.equal(missing.messages.errors.length, 1);
    assert.match(missing.messages.errors[0], /^nope\.crt: cannot be read/);
    // Verify Certificate Chain: a key, a corrupted certificate, a locked keystore.
    const key = await run('tlsWorkbench.verifyChain', fx.uri('serverKey'), []);
    assert.deepEqual([key.result, key.messages.errors], [undefined, ['server.key holds no certificate.']]);
    const broken = await run('tlsWorkbench.verifyChain', fx.uri('broken'), []);
    assert.equal(broken.messages.errors.length, 1);
    assert.match(broken.messages.errors[0], /^broken\.pem: [^\n]+$/);
    const p12 = await run('tlsWorkbench.verifyChain', fx.uri('p12'), []);
    assert.match(p12.messages.errors[0] ?? '', /^server\.p12 holds no certificate that can be read without its password/);
  });

  // Issue 15, "Defaults" and step counters.

  test('defaults: a person\'s name proposes no SAN; signing a CSR without DNS/IP SANs defaults to Client; the CA key step lists only keys that can be the CA\'s', async () => {
    const csr = await run<vscode.Uri[]>('tlsWorkbench.generateCsr', undefined, ['New key', 'EC P-256', '', 'John-Doe', ACCEPT, 'john-doe']);
    const sans = csr.inputs.inputs[4];
    assert.match(sans.prompt ?? '', /^Subject alternative names/);
    assert.equal(sans.value, '', 'no dns:John-Doe for a person');
    const [request] = readObjects(fs.readFileSync(o('john-doe.csr'))).objects;
    assert.deepEqual(request.kind === 'csr' && request.subjectAltNames, []);

    const signed = await run<vscode.Uri[]>('tlsWorkbench.signCsr', u(o('john-doe.csr')), ['it-ca.crt', 'it-ca.key', 'ca-pass-1', ACCEPT, ACCEPT, ACCEPT]);
    const [, keyPick, , profile] = signed.inputs.inputs;
    assert.equal(keyPick.items[0], 'commands-it/it-ca.key', 'the CA\'s key first');
    for (const other of ['server.key', 'ca.key', 'commands-it/alice.key', 'commands-it/john-doe.key']) {
      assert.ok(!keyPick.items.includes(other), `${other} (a plain key of another certificate) is not offered: ${keyPick.items.join(', ')}`);
    }
    assert.ok(keyPick.items.some((i) => i.includes('Browse…')), 'Browse… stays');
    assert.equal(profile.active, 'Client', 'no DNS/IP SANs: the client profile');
    assert.deepEqual(new X509Certificate(fs.readFileSync(o('john-doe.crt'))).keyUsage, ['1.3.6.1.5.5.7.3.2'], 'clientAuth');
    assert.deepEqual(signed.inputs.inputs.map((i) => i.totalSteps), [6, 6, 6, 6, 6, 6], 'the key passphrase is counted from the start');
  });

  test('defaults: the CA\'s subject prefix is offered next time; the CSR wizard encrypts its new key; step counters hold from the first step', async () => {
    const ca = await run<vscode.Uri[]>('tlsWorkbench.createCa', undefined, ['Root CA', '/C=UK/O=Prefix Org/OU=PKI/CN=Prefix Root CA', 'EC P-256', ACCEPT, 'pfx-pass-1', 'pfx-pass-1', 'prefix-ca']);
    assert.deepEqual(ca.inputs.inputs.map((i) => `${i.step}/${i.totalSteps}`), ['1/7', '2/7', '3/7', '4/7', '5/7', '6/7', '7/7']);

    const r = await run<vscode.Uri[]>('tlsWorkbench.generateCsr', undefined, ['New key', 'EC P-256', 'csr-pass-1', 'csr-pass-1', '/C=UK/O=Prefix Org/OU=PKI/CN=jane.example.test', ACCEPT, 'jane']);
    assert.deepEqual(r.inputs.inputs.map((i) => `${i.step}/${i.totalSteps}`), ['1/7', '2/7', '3/7', '4/7', '5/7', '6/7', '7/7']);
    const [, , pass, confirm, subject, sans] = r.inputs.inputs;
    assert.ok(pass.password && confirm.password);
    assert.equal(subject.value, '/C=UK/O=Prefix Org/OU=PKI/CN=', 'the prefix typed for the CA is offered');
    assert.equal(sans.value, 'dns:jane.example.test', 'a host name still proposes its DNS SAN');
    const keyPem = pemOf(o('jane.key'));
    assert.match(keyPem, /^-----BEGIN ENCRYPTED PRIVATE KEY-----/);
    const key = createPrivateKey({ key: keyPem, passphrase: 'csr-pass-1' });
    const [request] = readObjects(fs.readFileSync(o('jane.csr'))).objects;
    assert.equal(request.kind === 'csr' && request.subject.text, 'C=UK, O=Prefix Org, OU=PKI, CN=jane.example.test');
    const spki = createHash('sha256').update(createPublicKey(key).export({ type: 'spki', format: 'der' })).digest('hex');
    assert.equal(request.kind === 'csr' && request.publicKey.spkiSha256, spki, 'the CSR is signed by the encrypted key');
    assertNoSecret(r, 'csr-pass-1');

    // A plain name answers without a prefix: none is offered afterwards (and the other suites start clean).
    await run('tlsWorkbench.generateCsr', undefined, ['New key', 'EC P-256', '', 'plain-name'], [], { allowLeftover: true });
    const after = await run('tlsWorkbench.generateCsr', undefined, ['New key', 'EC P-256', ''], [], { allowLeftover: true });
    assert.equal(after.inputs.inputs[3]?.value, '');
  });

  test('Convert: a CSR becomes client.csr.der (not a certificate-looking .der), after confirming the name', async () => {
    const r = await run<vscode.Uri[]>('tlsWorkbench.convert', u(o('alice.csr')), [ACCEPT]);
    const [name] = r.inputs.inputs;
    assert.equal(name.kind, 'inputBox');
    assert.equal(name.value, 'alice.csr.der');
    assert.match(name.prompt ?? '', /certificate request/);
    assert.equal(r.result?.[0]?.fsPath, o('alice.csr.der'));
    assert.equal(rawObjects(fs.readFileSync(o('alice.csr.der')))[0]?.kind, 'csr');
    const renamed = await run<vscode.Uri[]>('tlsWorkbench.convert', u(o('alice.csr')), ['alice-request.der']);
    assert.equal(renamed.result?.[0]?.fsPath, o('alice-request.der'));
    assert.ok(fs.existsSync(o('alice-request.der')));
  });

  // Issue 15, how results are saved and announced: a typed .pfx is kept, Enter never replaces, short notifications.

  test('Export PKCS#12: a typed flow.mycompany.com.pfx writes exactly that file, a PKCS#12 that opens with the password', async () => {
    // The seed's self-signed flow.mycompany.com (SANs with a wildcard), its key in the same file: found without asking.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tlsw-flow-'));
    try {
      execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', path.join(dir, 'k.pem'), '-out', path.join(dir, 'c.pem'),
        '-days', '30', '-subj', '/CN=flow.mycompany.com', '-addext', 'subjectAltName=DNS:flow.mycompany.com,DNS:*.flow.mycompany.com'], { stdio: 'pipe' });
      fs.writeFileSync(o('flow.mycompany.com.pem'), fs.readFileSync(path.join(dir, 'c.pem'), 'utf8') + fs.readFileSync(path.join(dir, 'k.pem'), 'utf8'));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
    const flow = u(o('flow.mycompany.com.pem'));
    const r = await run<vscode.Uri[]>('tlsWorkbench.exportPkcs12', flow, ['pfx-pass-1', 'pfx-pass-1', /^Modern/, 'flow.mycompany.com.pfx']);
    const name = r.inputs.inputs[r.inputs.inputs.length - 1];
    assert.equal(name.value, 'flow.mycompany.com', 'the name is prefilled (.p12 unless another extension is typed)');
    assert.match(name.prompt ?? '', /^File name for the new \.p12 file \(or type name\.pfx/, 'both extensions are offered');
    assert.deepEqual(r.result?.map((x) => x.fsPath), [o('flow.mycompany.com.pfx')]);
    assert.ok(!fs.existsSync(o('flow.mycompany.com.pfx.p12')), 'no .p12 appended to a typed .pfx');
    assert.equal(fs.statSync(o('flow.mycompany.com.pfx')).mode & 0o777, 0o600);
    const p12 = readPkcs12(fs.readFileSync(o('flow.mycompany.com.pfx')), 'pfx-pass-1');
    const cert = new X509Certificate(fs.readFileSync(o('flow.mycompany.com.pem')));
    assert.equal(new X509Certificate(Buffer.from(p12.bags.find((b) => b.type === 'certificate')!.der!)).fingerprint256, cert.fingerprint256);
    assert.equal(p12.bags.filter((b) => b.type === 'private-key').length, 1);
    // OpenSSL is the referee: the file is a PKCS#12 keystore that opens with this password (and no other).
    execFileSync('openssl', ['pkcs12', '-in', o('flow.mycompany.com.pfx'), '-passin', 'pass:pfx-pass-1', '-noout']);
    assert.throws(() => execFileSync('openssl', ['pkcs12', '-in', o('flow.mycompany.com.pfx'), '-passin', 'pass:wrong', '-noout'], { stdio: 'pipe' }));
    assertNoSecret(r, 'pfx-pass-1');

    // Any other name gets .p12; a typed .p12 is not doubled.
    const plain = await run<vscode.Uri[]>('tlsWorkbench.exportPkcs12', flow, ['pfx-pass-1', 'pfx-pass-1', /^Modern/, 'flow.example']);
    assert.deepEqual(plain.result?.map((x) => x.fsPath), [o('flow.example.p12')]);
    const typed = await run<vscode.Uri[]>('tlsWorkbench.exportPkcs12', flow, ['pfx-pass-1', 'pfx-pass-1', /^Modern/, 'typed.p12']);
    assert.deepEqual(typed.result?.map((x) => x.fsPath), [o('typed.p12')]);
  });

  test('overwrite confirmations: Enter (the first button) keeps the existing file; Replace takes a deliberate choice', async () => {
    // A new key over gen.key: the default answer leaves it as it was.
    const before = fs.readFileSync(o('gen.key'));
    const kept = await run<vscode.Uri[] | undefined>('tlsWorkbench.generateKey', undefined, ['EC P-256', 'gen', ''], [ENTER]);
    assert.equal(kept.messages.modals.length, 1);
    assert.match(kept.messages.modals[0].message, /gen\.key already exists/);
    assert.notEqual(kept.messages.modals[0].buttons[0], 'Replace', 'Replace is not the default');
    assert.ok(kept.messages.modals[0].buttons.includes('Replace'), 'Replace is offered');
    assert.equal(kept.result, undefined);
    assert.deepEqual(fs.readFileSync(o('gen.key')), before, 'Enter: gen.key untouched');

    // A passphrase added in place: the default is Save as Copy…, the key itself stays unencrypted.
    fs.copyFileSync(o('alice.key'), o('enter.key'));
    const plainKey = fs.readFileSync(o('enter.key'));
    let offered: vscode.SaveDialogOptions | undefined;
    const restore = stub(vscode.window, 'showSaveDialog', (async (opts: vscode.SaveDialogOptions) => {
      offered = opts;
      return u(o('enter-copy.key'));
    }) as typeof vscode.window.showSaveDialog);
    let copied: Run<vscode.Uri | undefined>;
    try {
      copied = await run<vscode.Uri | undefined>('tlsWorkbench.addPassphrase', u(o('enter.key')), ['enter-pass-1', 'enter-pass-1'], [ENTER]);
    } finally {
      restore();
    }
    assert.notEqual(copied.messages.modals[0].buttons[0], 'Replace');
    assert.ok(offered, 'Enter chose Save as Copy…');
    assert.deepEqual(fs.readFileSync(o('enter.key')), plainKey, 'Enter: enter.key untouched');
    assert.equal(copied.result?.fsPath, o('enter-copy.key'));
    createPrivateKey({ key: pemOf(o('enter-copy.key')), passphrase: 'enter-pass-1' });
  });

  test('notifications name written files by workspace-relative path (~/… outside), the full path behind a Reveal action', async () => {
    const r = await run<vscode.Uri[]>('tlsWorkbench.generateKey', undefined, ['EC P-256', 'announced', '']);
    const note = r.messages.actions.find((a) => a.message.startsWith('Wrote announced.key'));
    assert.ok(note, JSON.stringify(r.messages.actions));
    assert.match(note.message, /^Wrote announced\.key in commands-it: /);
    assert.ok(!note.message.includes(fx.dir), `no absolute path: ${note.message}`);
    assert.deepEqual(note.buttons, ['Reveal']);

    // Outside the workspace (an absolute output folder under the home folder): ~/…, and Reveal shows the file
    // itself in the system's file manager.
    const config = vscode.workspace.getConfiguration('tlsWorkbench');
    const away = fs.mkdtempSync(path.join(os.homedir(), '.tlsw-it-away-'));
    const revealed: unknown[][] = [];
    const restores: (() => void)[] = [];
    await config.update('outputFolder', away, vscode.ConfigurationTarget.Global);
    try {
      // The user clicks Reveal on the notification; revealFileInOS is recorded, not run (no file manager here).
      const shown: string[] = [];
      const w = vscode.window as unknown as Record<string, unknown>;
      restores.push(stub(w, 'showInformationMessage', async (m: string, ...items: string[]) => {
        shown.push(m);
        return items.includes('Reveal') ? 'Reveal' : undefined;
      }));
      const original = vscode.commands.executeCommand;
      restores.push(stub(vscode.commands, 'executeCommand', (async (command: string, ...args: unknown[]) => {
        if (command === 'revealFileInOS') return void revealed.push([command, ...args]);
        return original.call(vscode.commands, command, ...args);
      }) as typeof vscode.commands.executeCommand));
      const inputs = new QuickInputs(['EC P-256', 'away', '']);
      restores.push(() => inputs.restore());
      await vscode.commands.executeCommand('tlsWorkbench.generateKey');
      assert.deepEqual(inputs.problems, []);
      const wrote = shown.find((m) => m.startsWith('Wrote away.key'));
      assert.ok(wrote, JSON.stringify(shown));
      assert.ok(wrote.includes(`in ~${path.sep}${path.basename(away)}:`), wrote);
      assert.ok(!wrote.includes(away), `no absolute path: ${wrote}`);
      await until('the Reveal action', () => (revealed.length ? true : undefined));
      assert.equal((revealed[0][1] as vscode.Uri).fsPath, path.join(away, 'away.key'), 'Reveal holds the full path');
    } finally {
      restores.reverse().forEach((r) => r());
      await config.update('outputFolder', 'commands-it', vscode.ConfigurationTarget.Global);
      fs.rmSync(away, { recursive: true, force: true });
    }
  });

  test('Copy Thumbprint (SHA-1, with colons) copies the inspector\'s form; Copy Thumbprint (SHA-1) stays plain', async () => {
    const server = new X509Certificate(fs.readFileSync(fx.uri('pem').fsPath));
    // node prints the SHA-1 fingerprint as the inspector does: uppercase pairs joined by colons.
    const colons = await run<string>('tlsWorkbench.copyThumbprintColons', fx.uri('pem'), []);
    assert.equal(colons.result, server.fingerprint);
    assert.match(server.fingerprint, /^([0-9A-F]{2}:){19}[0-9A-F]{2}$/);
    assert.equal(await vscode.env.clipboard.readText(), server.fingerprint);
    const plain = await run<string>('tlsWorkbench.copyThumbprint', fx.uri('pem'), []);
    assert.equal(await vscode.env.clipboard.readText(), server.fingerprint.replace(/:/g, ''));
    assert.equal(plain.result, server.fingerprint.replace(/:/g, ''));
  });
});
