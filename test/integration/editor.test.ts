/// <reference types="mocha" />
// PEM blocks in text editors, in a real VS Code: hover, CodeLens, Problems-panel diagnostics (with their update on
// edit, on settings changes and on close) and quick fixes, on YAML documents holding certificates.

import * as assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { CertificateExplorer } from '../../src/extension/explorer/certificateExplorer';
import { EXTENSION_ID, closeAllEditors, fixtures, sha256Of } from './helpers';

const DAY = 86_400_000;

/**
 * A self-signed RSA-1024 leaf signed with SHA-1, valid 2020-01-01 to 2021-01-01 (made once with `openssl ca
 * -selfsign -startdate … -enddate … -md sha1`): expired, weak key and weak signature, forever.
 */
const LEGACY_CERT = `-----BEGIN CERTIFICATE-----
MIICATCCAWqgAwIBAgIBATANBgkqhkiG9w0BAQUFADAeMRwwGgYDVQQDDBNsZWdh
Y3kuZXhhbXBsZS50ZXN0MB4XDTIwMDEwMTAwMDAwMFoXDTIxMDEwMTAwMDAwMFow
HjEcMBoGA1UEAwwTbGVnYWN5LmV4YW1wbGUudGVzdDCBnzANBgkqhkiG9w0BAQEF
AAOBjQAwgYkCgYEAvU/2qICkNt5FyYX9s4SCI+wkHZFoUeaL9yC+h4rjTUpPcgSx
t4VYMNmswMhYpnf/lkeBM4W/l/GPO9SlfpFMmpa4ExbGmESko8cNvsvfQ6YzKLGF
RePi8MQn1Qbh2kpMk7jww+2LISqDrhTgWcPDRliY9watCOlp25nrF9EdiJECAwEA
AaNPME0wDAYDVR0TAQH/BAIwADAeBgNVHREEFzAVghNsZWdhY3kuZXhhbXBsZS50
ZXN0MB0GA1UdDgQWBBT3o2bYG8bzrUVd3z3lA+4XKme8EjANBgkqhkiG9w0BAQUF
AAOBgQC6uV59UL2S8IprKpD7JFWuiing+UrrEzyVhyAkXS97K7+LCKB8mR9lpLgo
ArXbG7wYGck3FYdmnpHJ+0sP+2+WHZTXAjceYht9d84P8TmzX7reutroBStj1Juu
vk4HDhPzTTpIrUYRK2MBmg6DNFiKiwhzyvBi0oS8GMkDEhTwig==
-----END CERTIFICATE-----
`;

const BROKEN_CERT = '-----BEGIN CERTIFICATE-----\nMIIB$$notbase64\n-----END CERTIFICATE-----\n';

/** A Kubernetes Secret with each PEM as an indented block scalar under stringData. */
function secretYaml(entries: Record<string, string>): string {
  const lines = ['apiVersion: v1', 'kind: Secret', 'metadata:', '  name: demo-tls', 'type: Opaque', 'stringData:'];
  for (const [key, pem] of Object.entries(entries)) {
    lines.push(`  ${key}: |`, ...pem.trim().split('\n').map((l) => `    ${l}`));
  }
  return lines.join('\n') + '\n';
}

/** 0-based line of the n-th (0-based) line of `text` that includes `needle`. */
function lineOf(text: string, needle: string, nth = 0): number {
  const hits = text.split('\n').flatMap((l, i) => (l.includes(needle) ? [i] : []));
  assert.ok(hits.length > nth, `"${needle}" #${nth} not in the document`);
  return hits[nth];
}

async function waitFor<T>(what: () => string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 8000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

let untitledCount = 0;

/**
 * A new untitled YAML document holding `content`. Each gets its own name: with
 * openTextDocument({ content, language: 'yaml' }), VS Code reuses the `Untitled-N` name of a document it just
 * disposed, and the extension host may then still hand out the old document (seen with code-server 4.100).
 */
async function openYaml(content: string): Promise<vscode.TextDocument> {
  const uri = vscode.Uri.parse(`untitled:tlsw-editor-${process.pid}-${++untitledCount}.yaml`);
  const doc = await vscode.workspace.openTextDocument(uri);
  const edit = new vscode.WorkspaceEdit();
  edit.insert(uri, new vscode.Position(0, 0), content);
  assert.ok(await vscode.workspace.applyEdit(edit));
  assert.equal(doc.getText(), content);
  assert.equal(doc.languageId, 'yaml');
  return doc;
}

function ours(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'TLS Workbench');
}

/** Waits until our diagnostics of `uri` have exactly `codes` (sorted), and returns them. */
function diagnosticsWithCodes(uri: vscode.Uri, codes: string[]): Promise<vscode.Diagnostic[]> {
  const want = [...codes].sort().join(',');
  let seen = '';
  return waitFor(() => `diagnostics [${want}] (last seen: [${seen}])`, () => {
    const list = ours(uri);
    seen = list.map((d) => String(d.code)).sort().join(',');
    return seen === want ? list : undefined;
  });
}

function hoverText(hovers: vscode.Hover[]): string {
  return hovers
    .flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value)))
    .join('\n\n')
    .replace(/\\(.)/g, '$1');
}

async function setting(key: string, value: unknown): Promise<void> {
  await vscode.workspace.getConfiguration('tlsWorkbench').update(key, value, vscode.ConfigurationTarget.Global);
}

suite('PEM blocks in text editors', () => {
  const fx = fixtures();
  const serverPem = fs.readFileSync(fx.uri('pem').fsPath, 'utf8');
  const server = new X509Certificate(serverPem);
  // Days are rounded to the nearest day (core/display/expiry.ts), everywhere.
  const serverDaysLeft = () => Math.round((Date.parse(server.validTo) - Date.now()) / DAY);
  const legacyDaysAgo = () => Math.round((Date.now() - Date.parse('2021-01-01T00:00:00Z')) / DAY);

  suiteSetup(async () => {
    await vscode.extensions.getExtension(EXTENSION_ID)?.activate();
  });

  teardown(async () => {
    await setting('expiry.warningDays', undefined);
    await setting('maxFileSizeMB', undefined);
    await closeAllEditors();
  });

  test('hover on a PEM block in a YAML Secret: subject, issuer, validity with days left, SANs, key, fingerprints', async () => {
    const yaml = secretYaml({ 'tls.crt': serverPem });
    const doc = await openYaml(yaml);
    const inside = new vscode.Position(lineOf(yaml, '-----BEGIN CERTIFICATE-----') + 3, 8);
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, inside);
    const text = hoverText(hovers);
    assert.match(text, /\*\*Certificate\*\* server\.example\.test/);
    assert.match(text, /\| Subject \| O=TLS Workbench, CN=server\.example\.test \|/);
    assert.match(text, /\| Issuer \| C=UK, O=TLS Workbench, CN=TLS Workbench Test CA \|/);
    assert.match(text, new RegExp(`UTC \\(expires in ${serverDaysLeft()} days\\)`));
    assert.match(text, /DNS:server\.example\.test/);
    assert.match(text, /IP:127\.0\.0\.1/);
    assert.match(text, /\| Key \| EC P-256/);
    // Fingerprints as the inspector shows them: uppercase, colon-separated (one formatter, core/display/labels).
    assert.ok(text.includes(sha256Of(fx.uri('pem').fsPath).toUpperCase().replace(/(..)(?!$)/g, '$1:')), `SHA-256 missing from:\n${text}`);
    assert.ok(text.includes(server.fingerprint.replace(/:/g, '').toUpperCase()), `SHA-1 missing from:\n${text}`);
    // The hover covers the block, not the text around it.
    const ourHover = hovers.find((h) => hoverText([h]).includes('**Certificate**'));
    assert.ok(ourHover?.range);
    assert.equal(ourHover.range.start.line, lineOf(yaml, '-----BEGIN CERTIFICATE-----'));
    assert.equal(ourHover.range.end.line, lineOf(yaml, '-----END CERTIFICATE-----'));
    const outside = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, new vscode.Position(0, 2));
    assert.ok(!hoverText(outside).includes('**Certificate**'), 'no certificate hover outside the block');
  });

  test('a CodeLens above each block: "Inspect · expires in N days", "Inspect · EXPIRED N days ago", key summary', async () => {
    const key = fs.readFileSync(fx.uri('serverKey').fsPath, 'utf8');
    const yaml = secretYaml({ 'tls.crt': serverPem, 'legacy.crt': LEGACY_CERT, 'tls.key': key });
    const doc = await openYaml(yaml);
    const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', doc.uri);
    const mine = lenses.filter((l) => l.command?.title.startsWith('Inspect · '));
    assert.equal(mine.length, 3, JSON.stringify(lenses.map((l) => [l.range.start.line, l.command?.title])));
    const [tls, legacy, k] = mine.sort((a, b) => a.range.start.line - b.range.start.line);
    assert.equal(tls.range.start.line, lineOf(yaml, '-----BEGIN CERTIFICATE-----', 0));
    assert.match(tls.command!.title, /^Inspect · expires in (\d+) days$/);
    assert.equal(tls.command!.title, `Inspect · expires in ${serverDaysLeft()} days`);
    assert.equal(legacy.range.start.line, lineOf(yaml, '-----BEGIN CERTIFICATE-----', 1));
    assert.match(legacy.command!.title, /^Inspect · EXPIRED (\d+) days ago$/);
    assert.equal(legacy.command!.title, `Inspect · EXPIRED ${legacyDaysAgo()} days ago`);
    assert.match(k.command!.title, /^Inspect · EC P-256 (encrypted )?private key$/);
    // An untitled document has no file for the inspector: the lens runs the inspect command with its URI.
    for (const lens of mine) {
      assert.equal(lens.command!.command, 'tlsWorkbench.inspectFile');
      assert.equal(String(lens.command!.arguments?.[0]), doc.uri.toString());
    }
    // Clicking it reports what the document holds, from its text.
    const report = await vscode.commands.executeCommand<vscode.Uri | undefined>(legacy.command!.command, ...(legacy.command!.arguments ?? []));
    assert.ok(report instanceof vscode.Uri, 'the lens command shows a report');
    const text = (await vscode.workspace.openTextDocument(report)).getText();
    assert.match(text, /CN=legacy\.example\.test/);
    assert.match(text, /CN=server\.example\.test/);
  });

  test('one certificate, one number: the CodeLens, the hover and the Certificate Explorer row say the same days', async () => {
    const doc = await vscode.workspace.openTextDocument(fx.uri('pem'));
    const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', doc.uri);
    const lens = lenses.map((l) => l.command?.title ?? '').find((title) => title.startsWith('Inspect · '));
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, new vscode.Position(2, 4));
    const explorer = await vscode.commands.executeCommand<CertificateExplorer>('tlsWorkbench.explorer.refresh');
    const rows = (await explorer.sections[0].getChildren()) ?? [];
    const row = rows.find((r) => r.label === path.basename(fx.uri('pem').fsPath));
    const days = (what: string, text: string | undefined): number => {
      const m = /expires in (\d+) days/.exec(text ?? '');
      assert.ok(m, `no day count in the ${what}: ${text}`);
      return Number(m[1]);
    };
    const fromLens = days('CodeLens', lens);
    assert.equal(days('hover', hoverText(hovers)), fromLens);
    assert.equal(days('explorer row', String(row?.description)), fromLens);
    // And it is the time left rounded to the nearest day.
    assert.equal(fromLens, serverDaysLeft());
  });

  test('diagnostics: expired, weak key, SHA-1 and malformed blocks, with codes, severities, underlining only the BEGIN line', async () => {
    const yaml = secretYaml({ 'ok.crt': serverPem, 'legacy.crt': LEGACY_CERT, 'broken.crt': BROKEN_CERT });
    const doc = await openYaml(yaml);
    const list = await diagnosticsWithCodes(doc.uri, ['expired', 'malformed', 'rsa-too-small', 'sha1-signature']);
    const by = (code: string) => list.find((d) => d.code === code)!;
    const legacyStart = lineOf(yaml, '-----BEGIN CERTIFICATE-----', 1);
    // The squiggle covers "-----BEGIN CERTIFICATE-----" (indented by 4 in the Secret), not the base64 body.
    for (const code of ['expired', 'rsa-too-small', 'sha1-signature']) {
      assert.equal(by(code).range.start.line, legacyStart, code);
      assert.equal(by(code).range.start.character, 4, code);
      assert.equal(by(code).range.end.line, legacyStart, code);
      assert.equal(by(code).range.end.character, 4 + '-----BEGIN CERTIFICATE-----'.length, code);
      assert.equal(doc.getText(by(code).range), '-----BEGIN CERTIFICATE-----', code);
    }
    assert.equal(by('expired').severity, vscode.DiagnosticSeverity.Error);
    assert.match(by('expired').message, /^Certificate "legacy\.example\.test" expired \d+ days ago \(2021-01-01\)\.$/);
    assert.equal(by('rsa-too-small').severity, vscode.DiagnosticSeverity.Warning);
    assert.match(by('rsa-too-small').message, /1024 bits/);
    assert.equal(by('sha1-signature').severity, vscode.DiagnosticSeverity.Warning);
    assert.equal(by('malformed').severity, vscode.DiagnosticSeverity.Error);
    assert.equal(by('malformed').range.start.line, lineOf(yaml, '-----BEGIN CERTIFICATE-----', 2));
    assert.equal(doc.getText(by('malformed').range), '-----BEGIN CERTIFICATE-----');
    assert.match(by('malformed').message, /^Malformed CERTIFICATE block: invalid base64 at line \d+: unexpected character '\$'/);
    // The healthy certificate has none.
    assert.ok(list.every((d) => d.range.start.line !== lineOf(yaml, '-----BEGIN CERTIFICATE-----', 0)));
    // A malformed block offers to inspect the document (the inspect command reports untitled documents from their text).
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', doc.uri, by('malformed').range);
    const inspect = actions.find((a) => a.title === 'Inspect file');
    assert.ok(inspect, `no "Inspect file" among: ${actions.map((a) => a.title).join(', ')}`);
    assert.equal(inspect.command?.command, 'tlsWorkbench.inspectFile');
    assert.equal(String(inspect.command?.arguments?.[0]), doc.uri.toString());
  });

  test('diagnostics follow edits (debounced) and the warning window and size settings', async () => {
    const yaml = secretYaml({ 'ok.crt': serverPem, 'broken.crt': BROKEN_CERT });
    const doc = await openYaml(yaml);
    await diagnosticsWithCodes(doc.uri, ['malformed']);

    // Fix the broken block by replacing it with the legacy certificate.
    const start = lineOf(yaml, '-----BEGIN CERTIFICATE-----', 1);
    const edit = new vscode.WorkspaceEdit();
    const replacement = LEGACY_CERT.trim().split('\n').map((l) => `    ${l}`).join('\n');
    edit.replace(doc.uri, new vscode.Range(start, 0, start + 2, doc.lineAt(start + 2).text.length), replacement);
    assert.ok(await vscode.workspace.applyEdit(edit));
    await diagnosticsWithCodes(doc.uri, ['expired', 'rsa-too-small', 'sha1-signature']);

    // A warning window longer than the server certificate's life flags it as expiring.
    await setting('expiry.warningDays', serverDaysLeft() + 30);
    const list = await diagnosticsWithCodes(doc.uri, ['expired', 'expiring', 'rsa-too-small', 'sha1-signature']);
    const expiring = list.find((d) => d.code === 'expiring')!;
    assert.equal(expiring.severity, vscode.DiagnosticSeverity.Warning);
    assert.equal(expiring.range.start.line, lineOf(yaml, '-----BEGIN CERTIFICATE-----', 0));

    // Over tlsWorkbench.maxFileSizeMB: not scanned, no diagnostics.
    await setting('maxFileSizeMB', 0.001);
    await diagnosticsWithCodes(doc.uri, []);
  });

  test('quick fixes: renew an expired self-signed certificate, generate a new key for a weak one', async () => {
    const yaml = secretYaml({ 'legacy.crt': LEGACY_CERT });
    const doc = await openYaml(yaml);
    const list = await diagnosticsWithCodes(doc.uri, ['expired', 'rsa-too-small', 'sha1-signature']);
    const expired = list.find((d) => d.code === 'expired')!;
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>(
      'vscode.executeCodeActionProvider',
      doc.uri,
      expired.range,
      vscode.CodeActionKind.QuickFix.value,
    );
    const fixes = actions as vscode.CodeAction[];
    // (The API returns the actions without their diagnostics.)
    const renew = fixes.find((a) => a.title === 'Renew with TLS Workbench…');
    assert.ok(renew, `no renew action among: ${JSON.stringify(fixes)}`);
    assert.equal(renew.command?.command, 'tlsWorkbench.generateSelfSigned');
    assert.equal(renew.isPreferred, true);
    assert.equal(fixes.filter((a) => a.title === renew.title).length, 1, 'one renew action, for every diagnostic it fixes');
    const newKey = fixes.find((a) => a.title === 'Generate a new key…');
    assert.ok(newKey, `no new-key action among: ${fixes.map((a) => a.title).join(', ')}`);
    assert.equal(newKey.command?.command, 'tlsWorkbench.generateKey');
    // An untitled document has no folder to put new files next to: no argument.
    assert.deepEqual(renew.command?.arguments ?? [], []);
    assert.deepEqual(newKey.command?.arguments ?? [], []);
  });

  test('a YAML file on disk: "Inspect file" fixes a malformed block; the lens opens the file; closing clears diagnostics', async () => {
    const file = path.join(fx.dir, 'editor-test-secret.yaml');
    fs.writeFileSync(file, secretYaml({ 'ok.crt': serverPem, 'broken.crt': BROKEN_CERT }));
    try {
      const uri = vscode.Uri.file(file);
      // Opened as a user would: a document the extension opened itself stays open (in the extension host) for minutes.
      await vscode.commands.executeCommand('vscode.open', uri);
      await waitFor(() => 'the editor', () => vscode.window.activeTextEditor?.document.uri.toString() === uri.toString() || undefined);
      const [malformed] = await diagnosticsWithCodes(uri, ['malformed']);
      const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, malformed.range);
      const inspect = actions.find((a) => a.title === 'Inspect file');
      assert.ok(inspect, `no "Inspect file" among: ${actions.map((a) => a.title).join(', ')}`);
      assert.equal(inspect.command?.command, 'tlsWorkbench.inspectFile');
      assert.equal(String(inspect.command?.arguments?.[0]), uri.toString());

      const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri);
      const titles = lenses.map((l) => l.command?.title);
      assert.ok(titles.includes('Inspect · malformed CERTIFICATE block'), JSON.stringify(titles));
      assert.ok(lenses.every((l) => !l.command?.title.startsWith('Inspect · ') || l.command.command === 'tlsWorkbench.inspectFile'));

      // A PEM-type file opens in the inspector instead.
      await vscode.workspace.openTextDocument(fx.uri('pem'));
      const pemLenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', fx.uri('pem'));
      const pemLens = pemLenses.find((l) => l.command?.title.startsWith('Inspect · '));
      assert.equal(pemLens?.command?.command, 'tlsWorkbench.openInspector');
      assert.equal(String(pemLens?.command?.arguments?.[0]), fx.uri('pem').toString());

      await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
      await waitFor(() => `diagnostics cleared after close (still: ${ours(uri).map((d) => d.code).join(', ')})`, () => (ours(uri).length === 0 ? true : undefined), 20_000);
    } finally {
      fs.rmSync(file, { force: true });
    }
  });
});
