// Issue 6's acceptance, end to end: the packaged .vsix in a fresh code-server, an empty workspace, and a user
// who only uses the UI (the Command Palette, the wizards' quick inputs typed on the keyboard, the Explorer's
// context menu, the Certificate Explorer) to run a small PKI: create a CA, issue a server certificate from a
// CSR, issue a client certificate with its PKCS#12, export a PFX, inspect each result, find them all in the
// Certificate Explorer with their expiry, and see a hostile certificate rendered as inert text. Every file is
// checked on disk by node:crypto and the real openssl. Screenshots (dark and light themes) go to
// test-artifacts/e2e/experience/.

import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { TestContext } from 'node:test';
import type { Page } from 'playwright-core';
import { ARTIFACTS, codeServer, VSIX } from './harness';
import {
  answerInput,
  backgroundLightness,
  clearNotifications,
  closeAllEditors,
  contextMenu,
  explorerRow,
  inputMessage,
  inspectorFrame,
  inspectorText,
  notification,
  openssl,
  pickItem,
  quickInputTitle,
  rowInfo,
  runFromPalette,
  setColorTheme,
  showContainer,
  treeRow,
  typeInInput,
  viewPane,
  widenSideBar,
} from './ui';

const SHOTS = path.join(ARTIFACTS, 'experience');
const UI_TIMEOUT = 30_000;
const DAY_MS = 86_400_000;

// Throwaway test values, typed into the UI like a user would.
const CA_PASSPHRASE = 'e2e-ca-passphrase';
const P12_PASSWORD = 'e2e-pfx-password';
const CLIENT_P12_PASSWORD = 'e2e-client-password';

const CA_CN = 'E2E Root CA';
const SERVER_CN = 'server.e2e.test';
const CLIENT_CN = 'alice';
const CLIENT_DAYS = 20; // inside the 30-day warning window: the explorer must say it is expiring

// The hostile certificate: markup and script in its subject and SANs. Were any of it parsed as HTML, the
// <img> would be in the DOM and its handler would retitle the document (or raise a dialog).
const HOSTILE_CN = '<img src=x onerror=document.title=/xss-cn/.source>';
const HOSTILE_O = '<script>document.title=/xss-o/.source</script>';
const HOSTILE_DNS = '<img src=x onerror=alert(1)>.example';
const HOSTILE_EMAIL = '<script>alert(2)</script>@x.example';

describe('Issue 6 acceptance: a small PKI from the UI alone (packaged .vsix in code-server)', { timeout: 180_000 }, () => {
  let tmp = '';
  let ws = '';
  let server: Awaited<ReturnType<typeof codeServer.startCodeServer>> | undefined;
  let chromium: Awaited<ReturnType<typeof codeServer.launchChromium>> | undefined;
  let page: Page;
  let failed = false;
  const consoleLines: string[] = [];
  const dialogs: string[] = [];

  const file = (name: string) => path.join(ws, name);
  const shot = async (name: string): Promise<void> => {
    await page.mouse.move(0, 600); // no hover tooltip in the picture (an empty spot of the activity bar)
    await page.screenshot({ path: path.join(SHOTS, `${name}.png`) });
  };

  before(async () => {
    fs.rmSync(SHOTS, { recursive: true, force: true });
    fs.mkdirSync(SHOTS, { recursive: true });
    assert.ok(fs.existsSync(VSIX), `${VSIX} is missing: run npm run package`);
    codeServer.ensureCodeServer();
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tlsw-e2e-experience-'));
    ws = path.join(tmp, 'pki');
    fs.mkdirSync(ws);
    const userDataDir = path.join(tmp, 'user');
    const extensionsDir = path.join(tmp, 'extensions');
    codeServer.writeUserSettings(userDataDir, {
      'workbench.colorTheme': 'Default Dark Modern',
      'editor.minimap.enabled': false,
      'window.zoomLevel': 0,
      'workbench.editor.enablePreview': false,
    });
    const logFile = path.join(SHOTS, 'code-server.log');
    fs.writeFileSync(logFile, '');
    codeServer.installExtension(VSIX, { userDataDir, extensionsDir, logFile });
    server = await codeServer.startCodeServer({ folder: ws, userDataDir, extensionsDir, logFile });
    chromium = await codeServer.launchChromium();
    const context = await chromium.browser.newContext({ viewport: { width: 1440, height: 960 } });
    page = await context.newPage();
    page.setDefaultTimeout(UI_TIMEOUT);
    page.on('console', (m) => consoleLines.push(`[${m.type()}] ${m.text()}`));
    page.on('pageerror', (e) => consoleLines.push(`[pageerror] ${e.message}`));
    page.on('dialog', (d) => {
      dialogs.push(`${d.type()}: ${d.message()}`);
      void d.dismiss().catch(() => undefined);
    });
    await page.goto(codeServer.workbenchUrl(server.url, ws));
    await page.locator('.monaco-workbench').waitFor();
    // The extension's contributions are in once its activity bar entry is.
    await page.locator('.activitybar a.action-label[aria-label="TLS Workbench"]').waitFor();
    await widenSideBar(page, 160);
  });

  after(async () => {
    if (page && failed) await shot('failure').catch(() => undefined);
    if (consoleLines.length) fs.writeFileSync(path.join(SHOTS, 'browser-console.log'), consoleLines.join('\n') + '\n');
    if (chromium) await chromium.close();
    if (server) await server.stop();
    if (tmp && !failed) fs.rmSync(tmp, { recursive: true, force: true });
  });

  /**
   * Marks the run failed (keeps the temp folder, takes a failure screenshot) when `fn` throws. Each step
   * builds on the files of the ones before: after a failure the rest are skipped.
   */
  const step = (fn: () => Promise<void>) => async (t: TestContext) => {
    if (failed) {
      t.skip('an earlier step failed');
      return;
    }
    try {
      await fn();
    } catch (e) {
      failed = true;
      throw e;
    }
  };

  it('1. Create Certificate Authority… (Command Palette): a root CA with a passphrase-protected key', step(async () => {
    await runFromPalette(page, 'TLS Workbench: Create Certificate Authority…');
    assert.match(await quickInputTitle(page, 'Create Certificate Authority'), /^Create Certificate Authority \(1\/\d\)$/, 'a step counter');
    await pickItem(page, 'Kind of certificate authority', 'Root CA');
    await answerInput(page, /^Name of the CA \(its CN\)/, { type: `/C=UK/O=TLS Workbench E2E/CN=${CA_CN}` });
    await pickItem(page, 'Key type for the CA', 'EC P-256');
    await answerInput(page, /^Validity in days/, { expectPrefilled: '3650' });
    await answerInput(page, /^Passphrase to encrypt the new CA key/, { type: CA_PASSPHRASE, password: true });
    await answerInput(page, /^Type the CA key passphrase again/, { type: CA_PASSPHRASE, password: true });
    await answerInput(page, /^File name for the new \.key, \.crt files/, { expectPrefilled: 'ca' });

    assert.match(await notification(page, /^Wrote ca\.key and ca\.crt/), /a root CA, 3650 days, EC P-256 key \(encrypted\)/);
    const text = await inspectorText(page, 'ca.crt');
    assert.equal(await inspectorFrame(page).locator('.object-title').first().innerText(), CA_CN);
    assert.match(text, /self-signed/i);
    assert.match(text, /\bCA\b/);
    await shot('01-ca-in-inspector');

    const ca = new X509Certificate(fs.readFileSync(file('ca.crt')));
    assert.ok(ca.ca, 'basicConstraints CA:TRUE');
    assert.match(ca.subject, new RegExp(`CN=${CA_CN}`));
    assert.equal(ca.subject, ca.issuer);
    assert.match(openssl(['verify', '-CAfile', 'ca.crt', 'ca.crt'], { cwd: ws }), /ca\.crt: OK/);
    const key = fs.readFileSync(file('ca.key'), 'utf8');
    assert.match(key, /^-----BEGIN ENCRYPTED PRIVATE KEY-----/);
    assert.equal(fs.statSync(file('ca.key')).mode & 0o777, 0o600);
    assert.ok(!text.includes(CA_PASSPHRASE));
    // The passphrase typed in the wizard opens the key, and it is the CA's key.
    const pub = openssl(['pkey', '-in', 'ca.key', '-passin', 'env:PASS', '-pubout'], { cwd: ws, env: { PASS: CA_PASSPHRASE } });
    assert.equal(pub, ca.publicKey.export({ type: 'spki', format: 'pem' }));
  }));

  it('2. Generate CSR… (Command Palette), then "Sign CSR with this CA…" on the CA in the Certificate Explorer: a server certificate', step(async () => {
    await closeAllEditors(page);
    await runFromPalette(page, 'TLS Workbench: Generate CSR…');
    await pickItem(page, 'Key: a new one, or an existing private key', /New key/, { filter: 'New key' });
    await pickItem(page, 'Key type', 'EC P-256');
    // The new key's passphrase is optional (issue 15): a server key ecFlow or nginx reads at start stays unencrypted.
    await answerInput(page, /^Passphrase to encrypt the new key/, { type: '', password: true });
    await answerInput(page, /^Common name \(CN\) of the request/, { type: SERVER_CN });
    // SANs are prefilled from the CN; a bad entry is refused as you type.
    await page.locator('.quick-input-widget .quick-input-message', { hasText: /^Subject alternative names/ }).waitFor();
    await typeInInput(page, `dns:${SERVER_CN}, ip:300.1.1.1`);
    assert.match(await inputMessage(page, /300\.1\.1\.1/), /not a valid|invalid/i);
    await answerInput(page, /300\.1\.1\.1/, { type: `dns:${SERVER_CN}, dns:localhost, ip:127.0.0.1` });
    await answerInput(page, /^File name for the new \.key, \.csr files/, { expectPrefilled: SERVER_CN, type: 'server' });
    await notification(page, /^Wrote server\.key and server\.csr/);
    const csrText = await inspectorText(page, 'server.csr');
    assert.equal(await inspectorFrame(page).locator('.object-title').first().innerText(), SERVER_CN);
    assert.match(csrText, /Certificate signing request/);
    openssl(['req', '-in', 'server.csr', '-noout', '-verify'], { cwd: ws }); // exits 0 only when the self-signature verifies
    assert.equal(fs.statSync(file('server.key')).mode & 0o777, 0o600);

    // The Certificate Explorer: the CA is listed under Certificate Authorities; its inline action signs.
    await closeAllEditors(page);
    await showContainer(page, 'TLS Workbench');
    const authorities = await viewPane(page, 'Certificate Authorities');
    const caRow = treeRow(authorities, CA_CN);
    await caRow.waitFor();
    await caRow.hover();
    const sign = caRow.locator('.actions .action-label[aria-label="Sign CSR with this CA…"]');
    await sign.click();
    await pickItem(page, 'The certificate signing request to sign', 'server.csr', { filter: 'server.csr' });
    await pickItem(page, 'Private key of ca.crt', 'ca.key');
    await answerInput(page, /^Passphrase of ca\.key/, { type: 'not-the-passphrase', password: true });
    await inputMessage(page, /^Wrong passphrase/);
    await answerInput(page, /Passphrase of ca\.key|Wrong passphrase/, { type: CA_PASSPHRASE, password: true });
    assert.match(await pickItem(page, 'Certificate profile', 'Server'), /serverAuth/);
    await answerInput(page, /^Validity in days/, { expectPrefilled: '365' });
    await answerInput(page, /^File name for the new \.crt file/, { expectPrefilled: 'server' });
    assert.match(await notification(page, /^Wrote server\.crt/), /a server certificate signed by ca\.crt, 365 days/);

    const text = await inspectorText(page, 'server.crt');
    assert.equal(await inspectorFrame(page).locator('.object-title').first().innerText(), SERVER_CN);
    assert.match(text, new RegExp(`Issued by ${CA_CN}`));
    assert.match(text, /localhost/);
    assert.match(text, /127\.0\.0\.1/);
    assertFingerprint(text, file('server.crt'));
    await shot('02-server-certificate-in-inspector');

    const ca = new X509Certificate(fs.readFileSync(file('ca.crt')));
    const crt = new X509Certificate(fs.readFileSync(file('server.crt')));
    assert.ok(crt.checkIssued(ca) && crt.verify(ca.publicKey), 'signed by the CA');
    assert.ok(!crt.ca);
    assert.equal(crt.subjectAltName, `DNS:${SERVER_CN}, DNS:localhost, IP Address:127.0.0.1`);
    assert.match(openssl(['x509', '-in', 'server.crt', '-noout', '-ext', 'extendedKeyUsage'], { cwd: ws }), /TLS Web Server Authentication/);
    assert.match(openssl(['verify', '-CAfile', 'ca.crt', '-purpose', 'sslserver', 'server.crt'], { cwd: ws }), /server\.crt: OK/);
    const keyPub = openssl(['pkey', '-in', 'server.key', '-pubout'], { cwd: ws });
    assert.equal(keyPub, crt.publicKey.export({ type: 'spki', format: 'pem' }), 'server.crt certifies server.key');
  }));

  it('3. Issue Client Certificate… (Command Palette): key, CSR, certificate and PKCS#12 for mTLS', step(async () => {
    await closeAllEditors(page);
    await runFromPalette(page, 'TLS Workbench: Issue Client Certificate…');
    await pickItem(page, 'The CA that issues the client certificate', 'ca.crt', { filter: 'ca.crt' });
    await pickItem(page, 'Private key of ca.crt', 'ca.key');
    await answerInput(page, /^Passphrase of ca\.key/, { type: CA_PASSPHRASE, password: true });
    await answerInput(page, /^Name of the user or device \(the CN\)/, { type: CLIENT_CN });
    await answerInput(page, /^Subject alternative names/, { expectPrefilled: '', type: `email:${CLIENT_CN}@e2e.test` });
    await page.locator('.quick-input-widget .quick-input-message', { hasText: /^Validity in days/ }).waitFor();
    await typeInInput(page, 'soon');
    await inputMessage(page, /^Enter a whole number of days/);
    await answerInput(page, /^Enter a whole number of days/, { type: String(CLIENT_DAYS) });
    await answerInput(page, /^Password for the PKCS#12 \(\.p12\) keystore/, { type: CLIENT_P12_PASSWORD, password: true });
    await answerInput(page, /^Type the keystore password again/, { type: CLIENT_P12_PASSWORD, password: true });
    await pickItem(page, 'Keystore protection', /^Modern/);
    await answerInput(page, /^File name for the new \.key, \.csr, \.crt, \.p12 files/, { expectPrefilled: CLIENT_CN });
    assert.match(await notification(page, /^Wrote alice\.key, alice\.csr, alice\.crt and alice\.p12/), /client certificate for alice signed by ca\.crt/);

    const text = await inspectorText(page, 'alice.crt');
    assert.equal(await inspectorFrame(page).locator('.object-title').first().innerText(), CLIENT_CN);
    assert.match(text, /alice@e2e\.test/);
    assert.match(text, new RegExp(`Issued by ${CA_CN}`));
    assertFingerprint(text, file('alice.crt'));
    await shot('03-client-certificate-in-inspector');

    const ca = new X509Certificate(fs.readFileSync(file('ca.crt')));
    const crt = new X509Certificate(fs.readFileSync(file('alice.crt')));
    assert.ok(crt.checkIssued(ca) && crt.verify(ca.publicKey));
    assert.equal(crt.subjectAltName, `email:${CLIENT_CN}@e2e.test`);
    const days = (Date.parse(crt.validTo) - Date.parse(crt.validFrom)) / DAY_MS;
    assert.ok(Math.abs(days - CLIENT_DAYS) < 1.01, `valid ${days} days`);
    assert.match(openssl(['verify', '-CAfile', 'ca.crt', '-purpose', 'sslclient', 'alice.crt'], { cwd: ws }), /alice\.crt: OK/);
    for (const secret of ['alice.key', 'alice.p12']) assert.equal(fs.statSync(file(secret)).mode & 0o777, 0o600, `${secret} is 0600`);
    const p12 = openssl(['pkcs12', '-in', 'alice.p12', '-passin', 'env:PASS', '-nodes', '-info'], { cwd: ws, env: { PASS: CLIENT_P12_PASSWORD } });
    assert.match(p12, /subject=.*CN\s?=\s?alice/);
    assert.match(p12, /subject=.*CN\s?=\s?E2E Root CA/, 'the CA chain is in the keystore');
    assert.match(p12, /BEGIN PRIVATE KEY/);
    assert.throws(() => openssl(['pkcs12', '-in', 'alice.p12', '-passin', 'env:PASS', '-noout'], { cwd: ws, env: { PASS: 'wrong' } }));

    // The keystore, opened from its Certificate Explorer row (a .p12 opens in the inspector), unlocked in the webview.
    await closeAllEditors(page);
    await showContainer(page, 'TLS Workbench');
    const row = treeRow(await viewPane(page, 'Workspace'), 'alice.p12');
    await row.click();
    const keystore = await inspectorText(page, 'alice.p12', { password: CLIENT_P12_PASSWORD });
    assert.match(keystore, /Certificate: alice/);
    assert.match(keystore, new RegExp(`Certificate: ${CA_CN}`));
    assert.match(keystore, /Ordered, not verified against a trust anchor/, 'the keystore’s own root is not taken as trusted');
    assertFingerprint(keystore, file('alice.crt'));
    assert.ok(!keystore.includes(CLIENT_P12_PASSWORD), 'the password is not shown');
  }));

  it('4. Export PKCS#12 / PFX… (Explorer right-click on server.crt), password typed twice; the .p12 opens in the inspector', step(async () => {
    await closeAllEditors(page);
    await showContainer(page, 'Explorer');
    await contextMenu(page, explorerRow(page, 'server.crt'), 'Export PKCS#12 / PFX…');
    // server.key matches and is not encrypted: found without asking. The CA is found in the workspace.
    assert.match(await pickItem(page, 'CA certificates in the keystore', 'Include the CA chain'), new RegExp(CA_CN));
    await answerInput(page, /^Password for the keystore/, { type: P12_PASSWORD, password: true });
    await answerInput(page, /^Type the keystore password again/, { type: 'a different one', password: true });
    await inputMessage(page, /^The two entries differ/);
    await answerInput(page, /The two entries differ/, { type: P12_PASSWORD, password: true });
    await pickItem(page, 'Keystore protection', /^Modern/);
    await answerInput(page, /^File name for the new \.p12 file/, { expectPrefilled: 'server' });
    assert.match(await notification(page, /^Wrote server\.p12/), /PKCS#12 with the key and 2 certificates, AES-256/);

    assert.equal(fs.statSync(file('server.p12')).mode & 0o777, 0o600);
    const info = openssl(['pkcs12', '-in', 'server.p12', '-passin', 'env:PASS', '-nodes', '-info'], { cwd: ws, env: { PASS: P12_PASSWORD }, stderr: true });
    assert.match(info, /PKCS7 Encrypted data: PBES2, PBKDF2, AES-256-CBC/);
    assert.match(info, /MAC: sha256/);
    assert.equal((info.match(/-----BEGIN CERTIFICATE-----/g) ?? []).length, 2, 'the certificate and the CA');
    const key = openssl(['pkey', '-pubout'], { input: info.slice(info.indexOf('-----BEGIN PRIVATE KEY-----')) });
    assert.equal(key, new X509Certificate(fs.readFileSync(file('server.crt'))).publicKey.export({ type: 'spki', format: 'pem' }));

    // A .p12 opens in the inspector by default (binary formats are useless as text): a click in the Explorer.
    const row = explorerRow(page, 'server.p12');
    await row.click();
    const text = await inspectorText(page, 'server.p12', { password: P12_PASSWORD, beforeSubmit: () => shot('04a-pfx-password-prompt') });
    assert.match(text, /PKCS#12 keystore/);
    assert.match(text, new RegExp(SERVER_CN.replace(/\./g, '\\.')));
    assert.match(text, new RegExp(CA_CN));
    assert.match(text, /Ordered, not verified against a trust anchor/);
    assert.equal(await inspectorFrame(page).locator('.chain-link').count(), 2);
    assertFingerprint(text, file('server.crt'));
    assert.ok(!text.includes(P12_PASSWORD), 'the password is not shown');
    await shot('04b-pfx-in-inspector');
  }));

  it('5. the Certificate Explorer lists every result with its expiry, and groups what the CA issued beneath it', step(async () => {
    await closeAllEditors(page);
    await clearNotifications(page);
    await showContainer(page, 'TLS Workbench');
    const workspace = await viewPane(page, 'Workspace');
    const expected = (name: string) => {
      const c = new X509Certificate(fs.readFileSync(file(name)));
      // Days left round to the nearest day: a CA made a minute ago for 3650 days has 3650 days left (issue 14).
      const left = Math.round((Date.parse(c.validTo) - Date.now()) / DAY_MS);
      return left === 1 ? 'expires tomorrow' : `expires in ${left} days`;
    };
    const rows: Record<string, RegExp> = {
      'ca.crt': new RegExp(`^${CA_CN} · CA · ${expected('ca.crt')}$`),
      'ca.key': /encrypted.*private key/,
      'server.crt': new RegExp(`^${SERVER_CN.replace(/\./g, '\\.')} · ${expected('server.crt')}$`),
      'server.csr': /server\.e2e\.test · CSR/,
      'server.key': /EC P-256.*private key/,
      'server.p12': /PKCS#12 keystore/,
      'alice.crt': new RegExp(`^alice · ${expected('alice.crt')}$`),
      'alice.p12': /PKCS#12 keystore/,
    };
    for (const [name, description] of Object.entries(rows)) {
      const row = treeRow(workspace, name);
      await row.waitFor();
      const info = await rowInfo(row);
      assert.match(info.description, description, `${name}: "${info.description}"`);
    }
    // Colours: the expiring client certificate is painted apart from the valid ones.
    const valid = await rowInfo(treeRow(workspace, 'server.crt'));
    const expiring = await rowInfo(treeRow(workspace, 'alice.crt'));
    assert.equal(valid.icon, 'codicon-workspace-trusted');
    assert.notEqual(expiring.iconColor, valid.iconColor, 'expiring and valid certificates have different icon colours');
    assert.equal((await rowInfo(treeRow(workspace, 'ca.crt'))).icon, 'codicon-shield');

    const authorities = await viewPane(page, 'Certificate Authorities');
    const caRow = treeRow(authorities, CA_CN);
    // The CA row was a leaf when it first appeared (nothing issued yet): the tree keeps it collapsed, so open it.
    if ((await caRow.getAttribute('aria-expanded')) === 'false') await caRow.locator('.monaco-tl-twistie').click();
    await authorities.locator('.monaco-list-row[aria-level="2"]').first().waitFor();
    const ca = await rowInfo(caRow);
    assert.equal(ca.level, 1);
    assert.match(ca.description, new RegExp(`^CA · ${expected('ca.crt')} · ca\\.crt$`));
    for (const [cn, name] of [[SERVER_CN, 'server.crt'], [CLIENT_CN, 'alice.crt']]) {
      const issued = await rowInfo(treeRow(authorities, cn));
      assert.equal(issued.level, 2, `${cn} is beneath the CA`);
      assert.match(issued.description, new RegExp(`^${expected(name)} · `), `${cn}: "${issued.description}"`);
    }
    // The activity bar badge counts the certificates needing attention: the client one.
    const container = page.locator('.activitybar .action-item', { has: page.locator('a.action-label[aria-label^="TLS Workbench"]') });
    assert.equal((await container.locator('.badge-content').innerText()).trim(), '1');
    assert.match((await container.locator('a.action-label').getAttribute('aria-label')) ?? '', /^TLS Workbench - 0 certificates expired, 1 expiring$/);
    await page.mouse.move(700, 500);
  }));

  it('6. screenshots: the Certificate Explorer and the inspector, in the dark and the light theme', step(async () => {
    // The server certificate from the Certificate Explorer row (its inline "Open in Inspector" action).
    const workspace = await viewPane(page, 'Workspace');
    const row = treeRow(workspace, 'server.crt');
    await row.hover();
    await row.locator('.actions .action-label[aria-label="Open in Inspector"]').click();
    await inspectorText(page, 'server.crt');
    await inspectorFrame(page).locator('body.vscode-dark').waitFor();
    assert.ok((await backgroundLightness(inspectorFrame(page).locator('body'))) < 0.5, 'the dark theme paints the inspector dark');
    await shot('05-dark-certificate-explorer-and-inspector');

    await setColorTheme(page, 'Light Modern', 'light');
    await inspectorFrame(page).locator('body.vscode-light').waitFor();
    await page.locator('.sidebar .pane', { hasText: CA_CN }).first().waitFor();
    await shot('06-light-certificate-explorer-and-inspector');
    // Theme colours reach the webview: its background follows the editor's.
    assert.ok((await backgroundLightness(inspectorFrame(page).locator('body'))) > 0.5, 'the light theme repainted the inspector');
  }));

  it('7. a hostile certificate (HTML and script in its subject and SANs) is shown literally and runs nothing', step(async () => {
    await closeAllEditors(page);
    const conf = path.join(tmp, 'hostile.cnf');
    fs.writeFileSync(conf, [
      '[req]', 'prompt = no', 'utf8 = yes', 'distinguished_name = dn', 'x509_extensions = ext',
      '[dn]', `O = ${HOSTILE_O}`, `CN = ${HOSTILE_CN}`,
      '[ext]', 'basicConstraints = critical,CA:FALSE', 'subjectAltName = @san',
      '[san]', `DNS.1 = ${HOSTILE_DNS}`, `email.1 = ${HOSTILE_EMAIL}`, 'URI.1 = javascript:alert(3)',
      '',
    ].join('\n'));
    openssl(['req', '-x509', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', path.join(tmp, 'hostile.key'),
      '-out', file('hostile.crt'), '-days', '400', '-config', conf]);
    assert.equal(new X509Certificate(fs.readFileSync(file('hostile.crt'))).subject.replace(/\\/g, ''), `O=${HOSTILE_O}\nCN=${HOSTILE_CN}`);

    await showContainer(page, 'Explorer');
    const row = explorerRow(page, 'hostile.crt');
    await row.waitFor();
    await contextMenu(page, row, 'Inspect Certificate / File');
    const text = await inspectorText(page, 'hostile.crt');
    const frame = inspectorFrame(page);
    assert.equal(await frame.locator('.object-title').first().innerText(), HOSTILE_CN, 'the CN is the title, as text');
    for (const literal of [HOSTILE_O, HOSTILE_DNS, HOSTILE_EMAIL, 'javascript:alert(3)']) assert.ok(text.includes(literal), `shown literally: ${literal}`);
    // Nothing was parsed as markup, nothing ran.
    assert.equal(await frame.locator('#app img, #app script, #app iframe, #app object, #app embed, #app a[href]').count(), 0, 'no element came from the certificate');
    assert.equal(await frame.locator('html').evaluate((h: { ownerDocument: { title: string } }) => h.ownerDocument.title), 'TLS Workbench Inspector');
    assert.doesNotMatch(await page.title(), /xss/);
    assert.deepEqual(dialogs, [], 'no dialog was raised');
    assert.ok(!consoleLines.some((l) => /xss-|Refused to execute inline event handler/.test(l)), 'no blocked payload either');
    await shot('07-hostile-certificate-inert');

    // The Certificate Explorer shows it as text too.
    await showContainer(page, 'TLS Workbench');
    const workspace = await viewPane(page, 'Workspace');
    const hostile = await rowInfo(treeRow(workspace, 'hostile.crt'));
    assert.ok(hostile.description.startsWith(HOSTILE_CN), `row description: ${hostile.description}`);
    assert.equal(await page.locator('.sidebar img[src="x"]').count(), 0);
    assert.deepEqual(dialogs, []);
  }));
});

/** The certificate's SHA-256 fingerprint appears in `text` (colons, spaces or none, any case). */
function assertFingerprint(text: string, certFile: string): void {
  const sha256 = new X509Certificate(fs.readFileSync(certFile)).fingerprint256.replace(/:/g, '').toLowerCase();
  const lines = text.split('\n').map((l) => l.replace(/[\s:]/g, '').toLowerCase());
  assert.ok(lines.some((l) => l.includes(sha256)), `SHA-256 ${sha256} of ${path.basename(certFile)} not shown`);
}
