/// <reference types="mocha" />
// The inspector in a real VS Code: the custom editor opens for DER and PEM files (vscode.openWith), the inspect
// and "Open in Inspector" commands open it with the right view type, and the view builder (run in the engine's
// worker) gives the webview what it renders, hostile certificate strings as plain data.

import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { buildInspectorView } from '../../src/extension/inspector/viewBuilder';
import { captureMessages, closeAllEditors, fixtures, INSPECT_COMMAND, sha256Of } from './helpers';

const BINARY_VIEW = 'tlsWorkbench.inspector';
const TEXT_VIEW = 'tlsWorkbench.inspectorText';

/** The inspector tab of `uri` once it is open (custom editor tabs carry their view type). */
async function inspectorTab(uri: vscode.Uri, timeoutMs = 10_000): Promise<vscode.TabInputCustom> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    for (const group of vscode.window.tabGroups.all) {
      for (const tab of group.tabs) {
        if (tab.input instanceof vscode.TabInputCustom && tab.input.uri.toString() === uri.toString()) return tab.input;
      }
    }
    if (Date.now() > deadline) {
      const open = vscode.window.tabGroups.all.flatMap((g) => g.tabs.map((t) => `${t.label} (${t.input?.constructor?.name})`));
      throw new Error(`no inspector tab for ${uri.fsPath}; open tabs: ${open.join(', ')}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

function textTabs(uri: vscode.Uri): vscode.Tab[] {
  return vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((t) => t.input instanceof vscode.TabInputText && t.input.uri.toString() === uri.toString());
}

suite('Inspector', () => {
  const fx = fixtures();

  teardown(closeAllEditors);

  test('a DER certificate opens in the inspector (vscode.openWith, default view type)', async () => {
    await vscode.commands.executeCommand('vscode.openWith', fx.uri('der'), BINARY_VIEW);
    const tab = await inspectorTab(fx.uri('der'));
    assert.equal(tab.viewType, BINARY_VIEW);
  });

  test('a PEM certificate opens in the text inspector (vscode.openWith, option view type)', async () => {
    await vscode.commands.executeCommand('vscode.openWith', fx.uri('pem'), TEXT_VIEW);
    const tab = await inspectorTab(fx.uri('pem'));
    assert.equal(tab.viewType, TEXT_VIEW);
  });

  test('the .der, .p12 and .pfx formats open in the inspector by default; text formats keep the text editor', async () => {
    await vscode.commands.executeCommand('vscode.open', fx.uri('der'));
    assert.equal((await inspectorTab(fx.uri('der'))).viewType, BINARY_VIEW);
    await closeAllEditors();
    const doc = await vscode.workspace.openTextDocument(fx.uri('pem'));
    await vscode.window.showTextDocument(doc);
    assert.equal(textTabs(fx.uri('pem')).length, 1, 'a .crt still opens as text');
  });

  test('"Inspect Certificate / File" opens the inspector with the view type of the format', async () => {
    const opened = await vscode.commands.executeCommand<vscode.Uri | undefined>(INSPECT_COMMAND, fx.uri('pem'));
    assert.equal(opened?.toString(), fx.uri('pem').toString());
    assert.equal((await inspectorTab(fx.uri('pem'))).viewType, TEXT_VIEW);
    await vscode.commands.executeCommand(INSPECT_COMMAND, fx.uri('p12'));
    assert.equal((await inspectorTab(fx.uri('p12'))).viewType, BINARY_VIEW);
  });

  test('"Open in Inspector" reopens the active text editor in the inspector', async () => {
    const doc = await vscode.workspace.openTextDocument(fx.uri('ca'));
    await vscode.window.showTextDocument(doc);
    await vscode.commands.executeCommand('tlsWorkbench.openInspector', fx.uri('ca'));
    assert.equal((await inspectorTab(fx.uri('ca'))).viewType, TEXT_VIEW);
    const deadline = Date.now() + 5000;
    while (textTabs(fx.uri('ca')).length > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    assert.equal(textTabs(fx.uri('ca')).length, 0, 'the text editor was replaced, not duplicated');
  });

  test('a missing file is reported by the inspect command, without opening an editor', async () => {
    const messages = captureMessages();
    try {
      const missing = vscode.Uri.joinPath(vscode.Uri.file(fx.dir), 'no-such-file.pem');
      assert.equal(await vscode.commands.executeCommand(INSPECT_COMMAND, missing), undefined);
      assert.equal(messages.errors.length, 1);
      assert.match(messages.errors[0], /^no-such-file\.pem: cannot be read/);
    } finally {
      messages.restore();
    }
  });

  test('the view model of the fixtures: chain, key match and fingerprints from the PKCS#12, without its password', () => {
    const bytes = fs.readFileSync(fx.uri('p12').fsPath);
    const nearby = [{ fileName: 'server.key', bytes: fs.readFileSync(fx.uri('serverKey').fsPath) }];
    const locked = buildInspectorView({ fileName: 'server.p12', bytes, nearby });
    assert.equal(locked.view.lock?.what, 'pkcs12');
    const { view } = buildInspectorView({ fileName: 'server.p12', bytes, password: fx.p12Password, nearby });
    assert.equal(view.lock, undefined);
    const leaf = view.objects.find((o) => o.kind === 'certificate' && o.title === fx.serverCommonName);
    assert.ok(leaf, JSON.stringify(view.objects.map((o) => o.title)));
    const sha256 = leaf.sections.flatMap((s) => s.fields).find((f) => f.label === 'SHA-256')?.value.replace(/:/g, '').toLowerCase();
    assert.equal(sha256, sha256Of(fx.uri('pem').fsPath));
    assert.ok(leaf.chips.some((c) => c.label === 'key matches'));
    // The key inside is protected by the keystore's encryption (tlsw exports with AES-256), not "not encrypted".
    const key = view.objects.find((o) => o.kind === 'private-key');
    assert.deepEqual(key?.chips.map((c) => [c.label, c.tone]), [['protected by the keystore (AES-256)', 'info'], [`matches the certificate ${fx.serverCommonName}`, 'ok']]);
    assert.equal(view.chain?.status, 'ordered', 'the keystore’s own certificates are put in order, not trusted');
    assert.deepEqual(view.chain?.links.map((l) => l.signatureValid), [true, true]);
    assert.ok(!JSON.stringify(view).includes(fx.p12Password));
  });

  test('a hostile certificate opens in the inspector, its HTML and script kept as text in the view', async () => {
    const dir = fs.mkdtempSync(path.join(fx.dir, 'hostile-'));
    try {
      const crt = path.join(dir, 'hostile.crt');
      execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', path.join(dir, 'hostile.key'),
        '-out', crt, '-days', '5', '-subj', '/CN=<script>alert(1)<\\/script>/O=<img src=x onerror=alert(1)>',
        '-addext', 'subjectAltName=DNS:<img src=x onerror=alert(2)>'], { stdio: 'pipe' });
      const { view } = buildInspectorView({ fileName: 'hostile.crt', bytes: fs.readFileSync(crt) });
      assert.equal(view.objects[0].title, '<script>alert(1)</script>');
      const values = view.objects[0].sections.flatMap((s) => s.fields.map((f) => f.value));
      assert.ok(values.includes('<img src=x onerror=alert(1)>'));
      assert.ok(values.includes('<img src=x onerror=alert(2)>'));
      const messages = captureMessages();
      try {
        await vscode.commands.executeCommand('vscode.openWith', vscode.Uri.file(crt), TEXT_VIEW);
        assert.equal((await inspectorTab(vscode.Uri.file(crt))).viewType, TEXT_VIEW);
        await new Promise((r) => setTimeout(r, 500));
        assert.deepEqual(messages.errors, []);
      } finally {
        messages.restore();
      }
    } finally {
      await closeAllEditors();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
