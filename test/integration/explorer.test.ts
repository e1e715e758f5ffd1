/// <reference types="mocha" />
// The Certificate Explorer in a real VS Code, over the fixture workspace (scripts/fixtures.js): its rows (labels,
// descriptions, icons, the contextValue words the package.json menus match), the Certificate Authorities
// section, the file watcher, the expiry decorations and status bar item, the PEM-files context key, and its
// commands.
//
// `tlsWorkbench.explorer.refresh` resolves with the explorer once the scan is over: the tests read its sections
// (the TreeDataProviders VS Code itself reads) and its decoration provider.

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { CertificateExplorer } from '../../src/extension/explorer/certificateExplorer';
import type { ExplorerItem } from '../../src/extension/explorer/sections';
import { EXTENSION_ID, closeAllEditors, fixtures, sha256Of } from './helpers';

const REFRESH = 'tlsWorkbench.explorer.refresh';

interface MenuItem {
  command: string;
  when?: string;
}

/** The `viewItem =~ /…/` regexes of a view/item/context menu entry, from the installed package.json. */
function viewItemRegex(command: string): RegExp {
  const ext = vscode.extensions.getExtension(EXTENSION_ID)!;
  const menu = (ext.packageJSON.contributes.menus['view/item/context'] as MenuItem[]).find((m) => m.command === command);
  const m = /viewItem =~ \/(.+?)\/(?:\s|$)/.exec(menu?.when ?? '');
  assert.ok(m, `no viewItem clause for ${command}`);
  return new RegExp(m[1]);
}

async function explorer(): Promise<CertificateExplorer> {
  const e = await vscode.commands.executeCommand<CertificateExplorer>(REFRESH);
  assert.ok(e?.sections, 'the refresh command resolves with the explorer');
  return e;
}

async function rows(e: CertificateExplorer, section = 0, parent?: ExplorerItem): Promise<ExplorerItem[]> {
  return (await e.sections[section].getChildren(parent)) ?? [];
}

function row(items: ExplorerItem[], label: string): ExplorerItem {
  const found = items.find((i) => i.label === label);
  assert.ok(found, `no row "${label}" among ${items.map((i) => String(i.label)).join(', ')}`);
  return found;
}

function icon(item: ExplorerItem): { id: string; color?: string } {
  const i = item.iconPath as vscode.ThemeIcon;
  return { id: i.id, color: colorId(i.color) };
}

/** ThemeColor's id (public at run time; the 1.90 typings do not declare it). */
function colorId(c: vscode.ThemeColor | undefined): string | undefined {
  return (c as unknown as { id?: string } | undefined)?.id;
}

async function until<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 8000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A certificate that expired `daysAgo` days ago, self-signed, made with the engine. */
async function expiredCertificatePem(cn: string, daysAgo: number): Promise<string> {
  const { generateKey } = await import('../../src/core/write/keygen');
  const { issueCertificate } = await import('../../src/core/write/issue');
  const { encodePem } = await import('../../src/core/der/pem');
  const key = await generateKey({ type: 'ec', curve: 'P-256' });
  const { der } = await issueCertificate({
    subject: [{ type: 'CN', value: cn }],
    publicKeySpki: key.publicKeySpki,
    subjectPrivateKeyPkcs8: key.privateKeyPkcs8,
    profile: 'server',
    sans: [{ type: 'dns', value: 'expired.example.test' }],
    days: 1,
    notBefore: new Date(Date.now() - (daysAgo + 1) * 86_400_000),
  });
  return encodePem('CERTIFICATE', der);
}

suite('Certificate Explorer', () => {
  const fx = fixtures();
  const made: string[] = [];

  suiteSetup(async () => {
    await vscode.extensions.getExtension(EXTENSION_ID)!.activate();
  });

  suiteTeardown(async () => {
    for (const f of made) fs.rmSync(f, { force: true, recursive: true });
    await closeAllEditors();
    await vscode.commands.executeCommand(REFRESH);
  });

  test('Workspace: one row per file, with its name, subject or type, expiry, icon colour and menu words', async () => {
    const e = await explorer();
    const items = await rows(e);
    for (const name of ['ca.crt', 'ca.key', 'server.key', 'server.csr', 'server.crt', 'server.der', 'server.p12', 'broken.pem']) row(items, name);
    assert.ok(!items.some((i) => i.label === 'fixtures.json'), 'files without keys or certificates are not listed');

    const ca = row(items, 'ca.crt');
    assert.match(String(ca.description), /^TLS Workbench Test CA · CA · expires in \d{4} days$/);
    assert.equal(ca.contextValue, 'tlsw.file certificate ca valid');
    assert.deepEqual(icon(ca), { id: 'shield', color: 'charts.green' });
    assert.equal(ca.resourceUri?.toString(), fx.uri('ca').toString());
    assert.equal(ca.collapsibleState, vscode.TreeItemCollapsibleState.None);
    assert.equal(ca.sha256, sha256Of(fx.uri('ca').fsPath));

    const server = row(items, 'server.crt');
    assert.match(String(server.description), /^server\.example\.test · expires in 36[45] days$/);
    assert.equal(server.contextValue, 'tlsw.file certificate valid');
    assert.deepEqual(icon(server), { id: 'workspace-trusted', color: 'charts.green' });
    assert.equal(row(items, 'server.der').description, server.description, 'the DER copy reads the same');
    assert.equal(server.command?.command, 'vscode.open');

    assert.match(String(row(items, 'server.key').description), /^(EC P-256|RSA \d+|Ed25519) private key$/);
    assert.match(String(row(items, 'ca.key').description), /private key$/);
    assert.equal(row(items, 'server.key').contextValue, 'tlsw.file private-key');
    assert.equal(row(items, 'server.csr').description, 'server.example.test · CSR');
    assert.equal(row(items, 'server.csr').contextValue, 'tlsw.file csr');
    assert.equal(row(items, 'server.p12').description, 'PKCS#12 keystore (password protected)');
    assert.equal(row(items, 'server.p12').contextValue, 'tlsw.file pkcs12');
    const broken = row(items, 'broken.pem');
    assert.equal(broken.contextValue, 'tlsw.file broken');
    assert.match(String(broken.description), /^block 1 \(CERTIFICATE\): /);
    assert.equal(icon(broken).color, 'list.errorForeground');

    // The package.json menus, applied to these rows: the inline actions land where they make sense.
    const inspect = viewItemRegex('tlsWorkbench.openInspector');
    const thumbprint = viewItemRegex('tlsWorkbench.copyThumbprint');
    const signWithCa = viewItemRegex('tlsWorkbench.explorer.signWithCa');
    const reveal = viewItemRegex('tlsWorkbench.explorer.revealInExplorer');
    for (const i of items) {
      assert.ok(inspect.test(i.contextValue!), `inspect on ${String(i.label)}`);
      assert.ok(reveal.test(i.contextValue!), `reveal on ${String(i.label)}`);
    }
    assert.deepEqual(items.filter((i) => thumbprint.test(i.contextValue!)).map((i) => i.label).sort(), ['ca.crt', 'server.crt', 'server.der']);
    assert.deepEqual(items.filter((i) => signWithCa.test(i.contextValue!)).map((i) => i.label), ['ca.crt']);
  });

  test('Certificate Authorities: the CA, with the server certificate it issued beneath it (AKI/SKI)', async () => {
    const e = await explorer();
    const roots = await rows(e, 1);
    assert.deepEqual(roots.map((r) => r.label), ['TLS Workbench Test CA']);
    const ca = roots[0];
    assert.equal(ca.collapsibleState, vscode.TreeItemCollapsibleState.Expanded);
    assert.match(ca.contextValue!, viewItemRegex('tlsWorkbench.explorer.signWithCa'));
    assert.match(String(ca.description), /^CA · expires in \d+ days · ca\.crt$/);
    const issued = await rows(e, 1, ca);
    assert.deepEqual(issued.map((r) => r.label), ['server.example.test']);
    assert.match(String(issued[0].description), /^expires in 36[45] days · server\.(crt|der) \(\+1\)$/);
    assert.equal(issued[0].contextValue, 'tlsw.file certificate valid');
    assert.doesNotMatch(issued[0].contextValue!, viewItemRegex('tlsWorkbench.explorer.signWithCa'));
  });

  test('a file holding several objects expands to them; the watcher picks up new and deleted files', async () => {
    const e = await explorer();
    const chain = path.join(fx.dir, 'watched-chain.pem');
    made.push(chain);
    fs.writeFileSync(chain, fs.readFileSync(fx.uri('pem').fsPath, 'utf8') + fs.readFileSync(fx.uri('ca').fsPath, 'utf8'));
    // No refresh: the file system watcher (debounced) must bring it in.
    const item = await until('the new chain in the Workspace section', async () => (await rows(e)).find((i) => i.label === 'watched-chain.pem'));
    assert.equal(item.collapsibleState, vscode.TreeItemCollapsibleState.Collapsed);
    assert.match(String(item.description), /^2 certificates · expires in 36[45] days$/);
    assert.equal(item.contextValue, 'tlsw.file chain');
    const objects = await rows(e, 0, item);
    assert.deepEqual(objects.map((o) => [o.label, o.contextValue, o.objectIndex]), [
      ['server.example.test', 'tlsw.object certificate valid', 0],
      ['TLS Workbench Test CA', 'tlsw.object certificate ca valid', 1],
    ]);
    assert.equal(objects[1].resourceUri?.toString(), vscode.Uri.file(chain).toString());
    const server = (await rows(e, 1, (await rows(e, 1))[0]))[0];
    assert.match(String(server.description), /\(\+2\)$/, 'the same certificate in a third file');

    fs.rmSync(chain);
    await until('the deleted chain to leave', async () => !(await rows(e)).some((i) => i.label === 'watched-chain.pem'));
  });

  test('an expired certificate: red row, "!" decoration in the Explorer, counted in the status bar and view badge', async () => {
    const file = path.join(fx.dir, 'expired.crt');
    made.push(file);
    fs.writeFileSync(file, await expiredCertificatePem('old.example.test', 9));
    const e = await explorer();
    const item = row(await rows(e), 'expired.crt');
    assert.equal(item.description, 'old.example.test · expired 9 days ago');
    assert.equal(item.contextValue, 'tlsw.file certificate expired');
    assert.deepEqual(icon(item), { id: 'workspace-trusted', color: 'charts.red' });

    const decoration = e.decorations.provideFileDecoration(vscode.Uri.file(file));
    assert.ok(decoration, 'expired.crt is decorated');
    assert.equal(decoration.badge, '!');
    assert.equal(colorId(decoration.color), 'list.errorForeground');
    assert.equal(decoration.tooltip, 'Certificate expired 9 days ago');
    assert.equal(e.decorations.provideFileDecoration(fx.uri('pem')), undefined, 'a valid certificate is not');

    assert.match(e.statusBar.item.text, /^\$\(error\) 1 expired$/);
    assert.equal(e.statusBar.item.command && (e.statusBar.item.command as vscode.Command).command, 'tlsWorkbench.workspace.focus');
    assert.equal(e.views[0].badge?.value, 1);

    fs.rmSync(file);
    const after = await explorer();
    assert.ok(!(await rows(after)).some((i) => i.label === 'expired.crt'));
    assert.equal(after.decorations.provideFileDecoration(vscode.Uri.file(file)), undefined);
    assert.equal(after.views[0].badge, undefined);
  });

  test('certificate text is shown literally: labels are plain text, tooltips escape markdown', async () => {
    const hostile = '[x](command:workbench.action.quit) <b>**y**</b>';
    const file = path.join(fx.dir, 'hostile.crt');
    made.push(file);
    fs.writeFileSync(file, await expiredCertificatePem(hostile, 2));
    const e = await explorer();
    const item = row(await rows(e), 'hostile.crt');
    assert.equal(item.description, `${hostile} · expired 2 days ago`);
    const resolved = await e.sections[0].resolveTreeItem!(item, item, new vscode.CancellationTokenSource().token);
    const tooltip = resolved?.tooltip as vscode.MarkdownString;
    assert.equal(typeof tooltip?.value, 'string', 'a markdown tooltip');
    assert.ok(!tooltip.isTrusted, 'not trusted: no command links run from it');
    assert.ok(!tooltip.supportHtml, 'no HTML rendered from it');
    assert.ok(tooltip.value.includes('\\[x\\]\\(command:workbench.action.quit\\)'), tooltip.value);
    assert.ok(!/[^\\]\]\(command:/.test(tooltip.value), 'no live link');
    assert.ok(tooltip.value.includes('\\*\\*y\\*\\*'));
    assert.ok(tooltip.value.includes('SHA-256'));
    fs.rmSync(file);
  });

  test('the tlsWorkbench.pemFiles context key: files whose first line is a PEM header, any extension', async () => {
    const notes = path.join(fx.dir, 'pasted-cert.txt');
    made.push(notes);
    fs.writeFileSync(notes, fs.readFileSync(fx.uri('ca').fsPath));
    const e = await explorer();
    assert.ok(e.pemFiles.paths.includes(fx.uri('ca').fsPath));
    assert.ok(!e.pemFiles.paths.includes(fx.uri('der').fsPath), 'not a DER file');
    assert.ok(!e.pemFiles.paths.includes(notes), '.txt is outside the scan pattern');
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(vscode.Uri.file(notes)));
    await until('the opened .txt in tlsWorkbench.pemFiles', () => e.pemFiles.paths.includes(notes));
  });

  test('a large workspace: rows arrive while the scan goes on, and the extension host keeps turning', async function () {
    // Behaviour, not milliseconds (first-row time and the longest block are budget 4 of `npm run bench`): a scan
    // that blocked the host would let no timer run while it works, and would show its rows only at the end.
    this.timeout(120_000);
    const big = path.join(fx.dir, 'big-tree');
    made.push(big);
    const sources = [fx.uri('pem'), fx.uri('der'), fx.uri('caKey'), fx.uri('csr')].map((u) => fs.readFileSync(u.fsPath));
    const chain = Buffer.concat([sources[0], fs.readFileSync(fx.uri('ca').fsPath)]);
    for (let d = 0; d < 40; d++) {
      const dir = path.join(big, `team-${d}`);
      fs.mkdirSync(dir, { recursive: true });
      for (let i = 0; i < 50; i++) {
        const [name, data] = i % 5 === 4 ? [`chain-${i}.pem`, chain] : [[`site-${i}.crt`, `site-${i}.der`, `site-${i}.key`, `site-${i}.csr`][i % 4], sources[i % 4]];
        fs.writeFileSync(path.join(dir, name), data);
      }
    }
    const e = await explorer();
    assert.ok((await rows(e)).filter((i) => String(i.description).includes('big-tree')).length >= 2000);

    let ticks = 0;
    let running = true;
    const probe = (): void => {
      ticks++;
      if (running) setTimeout(probe, 0);
    };
    setTimeout(probe, 0);
    const index = e.index;
    let changes = 0;
    const sub = index.onDidChange(() => changes++);
    await vscode.commands.executeCommand(REFRESH);
    await until('the rescan to settle with all 2000 files', async () => (await rows(e)).filter((i) => String(i.description).includes('big-tree')).length >= 2000 && changes > 0, 60_000);
    running = false;
    sub.dispose();
    console.log(`[explorer] 2000-file workspace: ${changes} index updates, ${ticks} timer turns during the rescan`);
    assert.ok(ticks >= 5, `the extension host ran timers ${ticks} times during the rescan`);
    fs.rmSync(big, { recursive: true, force: true });
    await explorer();
  });

  test('commands: reveal in Explorer, and "Sign CSR with this CA" hands the CA to the signing command', async () => {
    const e = await explorer();
    const ca = row(await rows(e), 'ca.crt');
    const calls: { command: string; args: unknown[] }[] = [];
    const commands = vscode.commands as { executeCommand: (command: string, ...args: unknown[]) => Thenable<unknown> };
    const original = commands.executeCommand;
    commands.executeCommand = (command: string, ...args: unknown[]) => {
      if (command === 'tlsWorkbench.signCsr' || command === 'revealInExplorer') {
        calls.push({ command, args });
        return Promise.resolve(undefined);
      }
      return original.call(vscode.commands, command, ...args);
    };
    try {
      await original.call(vscode.commands, 'tlsWorkbench.explorer.signWithCa', ca);
      await original.call(vscode.commands, 'tlsWorkbench.explorer.revealInExplorer', ca);
      await original.call(vscode.commands, 'tlsWorkbench.explorer.revealInExplorer', fx.uri('pem'));
    } finally {
      commands.executeCommand = original;
    }
    assert.deepEqual(calls.map((c) => [c.command, (c.args[0] as vscode.Uri).toString()]), [
      ['tlsWorkbench.signCsr', fx.uri('ca').toString()],
      ['revealInExplorer', fx.uri('ca').toString()],
      ['revealInExplorer', fx.uri('pem').toString()],
    ]);
  });
});
