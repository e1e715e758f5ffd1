/// <reference types="mocha" />
// "TLS Workbench: Inspect Certificate / File" in a real VS Code. A file on disk opens in the inspector (a custom
// editor whose webview asks for passwords itself; its content is read by the e2e suite, test/e2e): checked here by
// its tab and view type. A document that is only in the editor (untitled) gets the plain-text report instead, a
// read-only virtual document made by core report.ts: checked here line by line.

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { captureMessages, closeAllEditors, fixtures, inspect, REPORT_SCHEME, sha256Of, shownFor, stub } from './helpers';

const BINARY_VIEW = 'tlsWorkbench.inspector';
const TEXT_VIEW = 'tlsWorkbench.inspectorText';

let untitledCount = 0;

/**
 * A new untitled document holding `text`, shown in the active editor. Named, so that no two tests share a name:
 * VS Code reuses "Untitled-1", and the extension host may still hold the closed document of that name.
 */
async function untitled(text: string): Promise<vscode.TextDocument> {
  const uri = vscode.Uri.from({ scheme: 'untitled', path: `pasted-${process.pid}-${++untitledCount}.pem` });
  const doc = await vscode.workspace.openTextDocument(uri);
  const edit = new vscode.WorkspaceEdit();
  edit.insert(uri, new vscode.Position(0, 0), text);
  assert.ok(await vscode.workspace.applyEdit(edit), 'the text went into the untitled document');
  await vscode.window.showTextDocument(doc);
  assert.equal(doc.getText(), text);
  return doc;
}

/** Closes the untitled documents without saving, then every editor. */
async function closeAll(): Promise<void> {
  for (const editor of vscode.window.visibleTextEditors.filter((e) => e.document.isUntitled)) {
    await vscode.window.showTextDocument(editor.document);
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  }
  await closeAllEditors();
}

/** SHA-256 as OpenSSL prints fingerprints (uppercase, colons), as the report shows it. */
function opensslStyle(hex: string): string {
  return hex.toUpperCase().replace(/(..)(?!$)/g, '$1:');
}

suite('Inspect Certificate / File', () => {
  const fx = fixtures();
  const serverSha256 = sha256Of(fx.uri('pem').fsPath);

  teardown(closeAll);

  test('a file on disk opens in the inspector, with the view type of its format', async () => {
    for (const [key, viewType] of [['pem', TEXT_VIEW], ['der', BINARY_VIEW], ['p12', BINARY_VIEW]]) {
      const shown = await shownFor(fx.uri(key), await inspect(fx.uri(key)));
      assert.equal(shown.kind, 'inspector', `${key}: ${shown.uri.toString()}`);
      if (shown.kind === 'inspector') assert.equal(shown.viewType, viewType, key);
    }
  });

  test('a PKCS#12 keystore opens in the inspector without any input box: the inspector asks for its password itself', async () => {
    const prompts: unknown[] = [];
    const restore = stub(vscode.window, 'showInputBox', async (options?: vscode.InputBoxOptions) => {
      prompts.push(options);
      return fx.p12Password;
    });
    try {
      const shown = await shownFor(fx.uri('p12'), await inspect(fx.uri('p12')));
      assert.equal(shown.kind, 'inspector');
    } finally {
      restore();
    }
    assert.deepEqual(prompts, [], 'no password prompt of the workbench');
  });

  test('an untitled document with a certificate gets the text report: subject, issuer, SANs, status, fingerprint', async () => {
    const doc = await untitled(fs.readFileSync(fx.uri('pem').fsPath, 'utf8'));
    const answer = await inspect(doc.uri);
    assert.equal(answer?.scheme, REPORT_SCHEME, `answered ${answer?.toString()}`);
    const shown = await shownFor(doc.uri, answer);
    assert.equal(shown.kind, 'report');
    if (shown.kind !== 'report') return;
    const lines = shown.text.split('\n');
    assert.equal(lines[0], `${doc.uri.toString()}: 1 object`);
    assert.equal(lines[2], 'Certificate (line 1)');
    assert.match(shown.text, /^ {2}Subject: +O=TLS Workbench, CN=server\.example\.test$/m);
    assert.match(shown.text, /^ {2}Issuer: +C=UK, O=TLS Workbench, CN=TLS Workbench Test CA$/m);
    assert.match(shown.text, /^ {2}Status: +valid, \d+ days left$/m);
    assert.match(shown.text, /^ {2}Names \(SAN\): +DNS:server\.example\.test/m);
    assert.match(shown.text, /^ {2}CA: +no$/m);
    assert.ok(shown.text.includes(`SHA-256 fingerprint:    ${opensslStyle(serverSha256)}\n`), `SHA-256 ${serverSha256} not in the report:\n${shown.text}`);
    assert.ok(!/\bProblems:/.test(shown.text), shown.text);
  });

  test('without an argument it reports the untitled document in the active editor', async () => {
    const ca = fs.readFileSync(fx.uri('ca').fsPath, 'utf8');
    const doc = await untitled(`Our CA, pasted from a mail:\n\n${ca}`);
    const shown = await shownFor(doc.uri, await inspect());
    assert.equal(shown.kind, 'report');
    if (shown.kind !== 'report') return;
    assert.equal(shown.uri.query, doc.uri.toString(), 'the report names the document it was made from');
    assert.match(shown.text, /^Certificate \(line 3\)$/m);
    assert.match(shown.text, /^ {2}Subject: +C=UK, O=TLS Workbench, CN=TLS Workbench Test CA$/m);
    assert.match(shown.text, /^ {2}Issuer: +C=UK, O=TLS Workbench, CN=TLS Workbench Test CA \(self-signed\)$/m);
    assert.match(shown.text, /^ {2}CA: +yes/m);
    assert.ok(shown.text.includes(opensslStyle(sha256Of(fx.uri('ca').fsPath))));
  });

  test('an untitled document holding a certificate and a broken block: the report, and the problem under it', async () => {
    const pem = fs.readFileSync(fx.uri('pem').fsPath, 'utf8');
    const doc = await untitled(`${pem}${fs.readFileSync(fx.uri('broken').fsPath, 'utf8')}`);
    const shown = await shownFor(doc.uri, await inspect(doc.uri));
    assert.equal(shown.kind, 'report');
    if (shown.kind !== 'report') return;
    assert.match(shown.text, /^ {2}Subject: +O=TLS Workbench, CN=server\.example\.test$/m);
    assert.match(shown.text, /\nProblems:\n {2}error: .*(base64|corrupt|truncated)/i);
  });

  test('an untitled document with nothing to decode: one error line naming it, and no report', async () => {
    const doc = await untitled('just some notes, no certificate here\n');
    const messages = captureMessages();
    let answer: vscode.Uri | undefined;
    try {
      answer = await inspect(doc.uri);
    } finally {
      messages.restore();
    }
    assert.equal(answer, undefined);
    assert.equal(messages.errors.length, 1, JSON.stringify(messages.errors));
    assert.ok(messages.errors[0].startsWith(`${doc.uri.path}: `), messages.errors[0]);
    assert.ok(!messages.errors[0].includes('\n'), 'one line');
    const reports = vscode.window.visibleTextEditors.filter((e) => e.document.uri.scheme === REPORT_SCHEME);
    assert.deepEqual(reports.map((e) => e.document.uri.toString()), []);
  });

  test('a corrupted file gives one clear error message', async () => {
    const messages = captureMessages();
    try {
      await inspect(fx.uri('broken'));
      // The inspector reports from its panel once it has read the file: wait for the message, not a time.
      const deadline = Date.now() + 10_000;
      while (messages.errors.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    } finally {
      messages.restore();
    }
    assert.equal(messages.errors.length, 1, `errors: ${JSON.stringify(messages.errors)}; warnings: ${JSON.stringify(messages.warnings)}`);
    const [message] = messages.errors;
    assert.match(message, /^broken\.pem: /);
    assert.match(message, /base64|corrupt|truncated/i);
    assert.ok(!message.includes('\n'), 'one line');
    assert.ok(!/\bat .+:\d+:\d+/.test(message), 'no stack trace');
    const reports = vscode.window.visibleTextEditors.filter((e) => e.document.uri.scheme === REPORT_SCHEME);
    assert.deepEqual(reports.map((e) => e.document.uri.toString()), [], 'no report for a file with nothing in it');
  });

  test('a file that does not exist is reported, not thrown', async () => {
    const messages = captureMessages();
    let answer: vscode.Uri | undefined;
    try {
      answer = await inspect(vscode.Uri.joinPath(vscode.Uri.file(fx.dir), 'no-such-file.pem'));
    } finally {
      messages.restore();
    }
    assert.equal(answer, undefined);
    assert.equal(messages.errors.length, 1);
    assert.match(messages.errors[0], /^no-such-file\.pem: cannot be read \(no such file\)\.$/);
  });
});
