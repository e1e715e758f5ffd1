/// <reference types="mocha" />
// The extension as VS Code loads it: found, activated, its commands registered and contributed.

import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { EXTENSION_ID, INSPECT_COMMAND } from './helpers';

suite('Activation', () => {
  test('the extension is installed in this VS Code', () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext, `${EXTENSION_ID} not found among ${vscode.extensions.all.length} extensions`);
    assert.equal(ext.packageJSON.name, 'tls-workbench');
  });

  test('activates without error', async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext);
    await ext.activate();
    assert.equal(ext.isActive, true);
  });

  test('registers every command it contributes', async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext);
    await ext.activate();
    const registered = new Set(await vscode.commands.getCommands(true));
    const contributed = (ext.packageJSON.contributes.commands as { command: string }[]).map((c) => c.command);
    assert.ok(contributed.includes(INSPECT_COMMAND));
    const missing = contributed.filter((c) => !registered.has(c));
    assert.deepEqual(missing, [], `contributed but not registered: ${missing.join(', ')}`);
  });

  test('its inspect command is in the Command Palette under "TLS Workbench"', () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext);
    const cmd = (ext.packageJSON.contributes.commands as { command: string; title: string; category?: string }[]).find((c) => c.command === INSPECT_COMMAND);
    assert.ok(cmd);
    assert.equal(cmd.category, 'TLS Workbench');
    assert.equal(cmd.title, 'Inspect Certificate / File');
  });
});
