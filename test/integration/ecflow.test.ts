/// <reference types="mocha" />
// The ecFlow view in a real VS Code: with tlsWorkbench.ecflow.folder pointing at a temporary folder, the view is
// empty (welcome content; the folder is the view's description) until "Create ecFlow SSL Layout…" writes a layout
// through its multi-step quick input; then it shows the folder, the set ecFlow will use, the files and no errors,
// and Check says "ecFlow layout OK: N checks passed". A passwd file broken with a CRLF shows up (through the
// folder watcher) as a fixable error, in the view and in the Problems panel, and the inline Fix action repairs it
// (the diagnostic goes). Creating over an existing layout needs the modal's consent; Create can write to another
// folder (Browse…), which the view then shows.
//
// `tlsWorkbench.ecflow.check` resolves with the view (its TreeDataProvider is what VS Code reads).

import * as assert from 'node:assert/strict';
import { X509Certificate, createPrivateKey } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { CreatedLayout, FixOutcome } from '../../src/extension/ecflow/ecflowActions';
import type { EcflowItem, EcflowView } from '../../src/extension/ecflow/ecflowView';
import { EXTENSION_ID, stub } from './helpers';
import { ACCEPT, Messages, QuickInputs, sleep, type Answer } from './quickInputs';

// ------------------------------------------------------------------------------------------------------
// Commands run with scripted quick inputs and modal answers (quickInputs.ts).

async function run<T>(command: string, arg: unknown, answers: Answer[], modalAnswers: (string | undefined)[] = []): Promise<{ result: T; messages: Messages; inputs: QuickInputs }> {
  const inputs = new QuickInputs(answers);
  const messages = new Messages(modalAnswers);
  let result: T;
  try {
    result = (await (arg === undefined ? vscode.commands.executeCommand(command) : vscode.commands.executeCommand(command, arg))) as T;
  } finally {
    inputs.restore();
    messages.restore();
  }
  assert.deepEqual(inputs.problems, [], `script problems for ${command}; messages: ${JSON.stringify(messages.all())}`);
  assert.equal(inputs.remaining, 0, `answers left unused by ${command}: ${JSON.stringify(inputs.inputs.map((i) => i.prompt ?? i.placeholder))}`);
  return { result, messages, inputs };
}

// ------------------------------------------------------------------------------------------------------

async function check(): Promise<EcflowView> {
  const v = await vscode.commands.executeCommand<EcflowView>('tlsWorkbench.ecflow.check');
  assert.ok(v && typeof v.getChildren === 'function', 'the check command resolves with the view');
  return v;
}

async function rows(view: EcflowView, parent?: EcflowItem): Promise<EcflowItem[]> {
  return (await view.getChildren(parent)) ?? [];
}

async function tree(view: EcflowView): Promise<{ root: EcflowItem[]; files: EcflowItem[]; findings: EcflowItem[] }> {
  const root = await rows(view);
  const files = root.find((r) => r.kind === 'files');
  const findings = root.find((r) => r.kind === 'findings');
  return { root, files: files ? await rows(view, files) : [], findings: findings ? await rows(view, findings) : [] };
}

/** The `viewItem =~ /…/` regex of the Fix action, from the installed package.json. */
function fixableRegex(): RegExp {
  const ext = vscode.extensions.getExtension(EXTENSION_ID)!;
  const menu = (ext.packageJSON.contributes.menus['view/item/context'] as { command: string; when?: string }[]).find((m) => m.command === 'tlsWorkbench.ecflow.fix');
  const m = /viewItem =~ \/(.+?)\/(?:\s|$)/.exec(menu?.when ?? '');
  assert.ok(m, 'no viewItem clause for tlsWorkbench.ecflow.fix');
  return new RegExp(m[1]);
}

/** The ecFlow findings in the Problems panel for a file (or the folder). */
function problems(fsPath: string): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(vscode.Uri.file(fsPath)).filter((d) => d.source === 'ecFlow');
}

/** The view's description: the folder, with the home folder as ~. */
function shown(dir: string): string {
  const home = os.homedir();
  return dir.startsWith(`${home}/`) ? `~${dir.slice(home.length)}` : dir;
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 8000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

suite('ecFlow view', function () {
  this.timeout(60_000);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tlsw-ecflow-it-'));
  const dir = path.join(tmp, 'ssl');
  const file = (n: string) => path.join(dir, n);
  const secret = 'ecflow-it-Passphrase';
  const cfg = () => vscode.workspace.getConfiguration('tlsWorkbench.ecflow');
  const saved: Record<string, unknown> = {};

  suiteSetup(async () => {
    await vscode.extensions.getExtension(EXTENSION_ID)!.activate();
    for (const k of ['folder', 'host', 'port']) saved[k] = cfg().inspect(k)?.globalValue;
    await cfg().update('folder', dir, vscode.ConfigurationTarget.Global);
    await cfg().update('host', 'ecflow-it.example', vscode.ConfigurationTarget.Global);
    await cfg().update('port', 3141, vscode.ConfigurationTarget.Global);
  });

  suiteTeardown(async () => {
    for (const k of ['folder', 'host', 'port']) await cfg().update(k, saved[k], vscode.ConfigurationTarget.Global);
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  test('no folder yet: the view is empty (welcome content) with the folder as its description; Check says so; no problems published', async () => {
    const r = await run<EcflowView>('tlsWorkbench.ecflow.check', undefined, []);
    const view = r.result;
    assert.equal(view.current?.where.dir, dir, 'the folder comes from the setting');
    assert.equal(view.current?.exists, false);
    assert.deepEqual(await rows(view), []);
    assert.equal(view.view.description, shown(dir), 'the welcome content cannot name the folder: the description does');
    assert.deepEqual(r.messages.infos, [`No ecFlow SSL folder at ${dir} yet.`]);
    assert.deepEqual(problems(dir), [], 'a missing folder is not a problem for users without ecFlow');
  });

  test('the description follows the folder setting', async () => {
    const elsewhere = path.join(tmp, 'elsewhere');
    try {
      await cfg().update('folder', elsewhere, vscode.ConfigurationTarget.Global);
      assert.equal((await check()).view.description, shown(elsewhere));
    } finally {
      await cfg().update('folder', dir, vscode.ConfigurationTarget.Global);
    }
    assert.equal((await check()).view.description, shown(dir));
  });

  test('Create writes a shared layout through the quick input; the view shows the folder, the set, the files and no errors', async () => {
    const r = await run<CreatedLayout>('tlsWorkbench.ecflow.create', undefined, [ACCEPT, 'Shared set', ACCEPT, 'RSA 2048', secret, secret, ACCEPT, 'ffdhe2048']);
    assert.ok(r.result, `created nothing; messages: ${JSON.stringify(r.messages.all())}`);
    assert.deepEqual(r.inputs.inputs[0].items, [dir, '$(folder-opened) Browse…'], 'the folder step: the resolved folder, or another');
    assert.equal(r.inputs.inputs[0].active, dir, 'the resolved folder is the default');
    assert.equal(r.result.dir, dir);
    assert.equal(r.result.settingChanged, false);
    assert.deepEqual(r.result.files.sort(), ['dh2048.pem', 'server.crt', 'server.key', 'server.passwd']);
    assert.equal(r.result.exportLine, 'export ECF_SSL=1');
    assert.equal(r.inputs.inputs[2].value, 'ecflow-it.example', 'the host is prefilled from the setting');
    assert.ok(r.inputs.inputs.filter((i) => i.password).length === 2, 'the passphrase is typed twice in password boxes');
    // On disk: a certificate for the host, its key opening with the passphrase, the passwd file exact and private.
    const crt = new X509Certificate(fs.readFileSync(file('server.crt')));
    assert.match(crt.subject, /CN=ecflow-it\.example/);
    const key = createPrivateKey({ key: fs.readFileSync(file('server.key')), passphrase: secret });
    assert.ok(crt.checkPrivateKey(key));
    assert.equal(fs.readFileSync(file('server.passwd'), 'utf8'), secret);
    if (process.platform !== 'win32') {
      assert.equal(fs.statSync(file('server.key')).mode & 0o777, 0o600);
      assert.equal(fs.statSync(file('server.passwd')).mode & 0o777, 0o600);
    }
    assert.match(fs.readFileSync(file('dh2048.pem'), 'utf8'), /-----BEGIN DH PARAMETERS-----/);
    for (const m of r.messages.all()) assert.ok(!m.includes(secret), `a message shows the passphrase: ${m}`);

    const view = await check();
    const t = await tree(view);
    assert.deepEqual(t.root.map((x) => x.kind), ['folder', 'set', 'files', 'findings']);
    assert.equal(t.root[0].label, dir);
    assert.equal(t.root[1].label, 'Set: shared (server.*)');
    const files = new Map(t.files.map((f) => [String(f.label), String(f.description)]));
    assert.match(files.get('server.crt') ?? '', /^certificate/);
    assert.match(files.get('server.key') ?? '', /^private key: RSA 2048.*encrypted/);
    assert.match(files.get('dh2048.pem') ?? '', /^DH parameters/);
    assert.match(files.get('server.passwd') ?? '', /^passphrase file/);
    const errors = t.findings.filter((f) => f.finding?.severity === 'error');
    assert.deepEqual(errors.map((f) => f.label), [], 'no error findings');
  });

  test('Check on a sound layout says so: "ecFlow layout OK: N checks passed", N from the checker', async () => {
    const r = await run<EcflowView>('tlsWorkbench.ecflow.check', undefined, []);
    const result = r.result.current!.result;
    assert.ok(result.checks.length >= 10, result.checks.join(', '));
    // The encrypted key's ecflow_http advice is a note (info), not a failed check.
    assert.deepEqual(result.findings.map((f) => `${f.severity} ${f.code}`), ['info http-key-encrypted']);
    assert.deepEqual(r.messages.infos, [`ecFlow layout OK: ${result.checks.length} checks passed (1 note in the Problems panel).`]);
    assert.deepEqual(r.messages.errors, []);
    assert.deepEqual(r.messages.warnings, []);
    const notes = problems(file('server.key'));
    assert.deepEqual(notes.map((d) => [d.code, d.severity]), [['http-key-encrypted', vscode.DiagnosticSeverity.Information]]);
  });

  test('a passwd file with a CRLF shows up (folder watcher) as a fixable error; Fix rewrites it and the finding is gone', async () => {
    const view = await check();
    fs.writeFileSync(file('server.passwd'), `${secret}\r\n`, { mode: 0o600 });
    // The watcher refreshes the view by itself.
    const crlf = await until('the passwd-crlf finding', async () => (await tree(view)).findings.find((f) => f.finding?.code === 'passwd-crlf'));
    assert.equal(crlf.finding?.severity, 'error');
    // In the Problems panel too, on the file, with the whole message (the row cuts it off).
    const [diagnostic] = problems(file('server.passwd'));
    assert.ok(diagnostic, 'a diagnostic on server.passwd');
    assert.equal(diagnostic.code, 'passwd-crlf');
    assert.equal(diagnostic.severity, vscode.DiagnosticSeverity.Error);
    assert.equal(diagnostic.message, crlf.finding?.message);
    const checked = await run<EcflowView>('tlsWorkbench.ecflow.check', undefined, []);
    assert.deepEqual(checked.messages.errors, ['ecFlow layout: 1 error, 0 warnings (see the Problems panel).']);
    assert.equal(crlf.description, 'server.passwd');
    assert.match(String(crlf.contextValue), fixableRegex(), 'the inline Fix action shows on it');
    // Core gives the repair as data; the view says it in its own words (the CLI prints a `tlsw ecflow fix` line).
    assert.deepEqual(crlf.finding!.repair, { kind: 'fix', does: 'rewrites server.passwd without a line end' });
    assert.equal((crlf.iconPath as vscode.ThemeIcon).id, 'error');
    const tip = (crlf.tooltip as vscode.MarkdownString).value.replace(/&nbsp;/g, ' ');
    assert.match(tip, /wrench button rewrites server\.passwd without a line end/i);
    assert.doesNotMatch(tip, /tlsw ecflow/, 'no command line in the tooltip');

    const r = await run<FixOutcome>('tlsWorkbench.ecflow.fix', crlf, []);
    assert.equal(r.messages.modals.length, 0, 'a passwd file is rewritten without a modal (no key or certificate changes)');
    assert.ok(r.result?.actions.some((a) => a.startsWith('server.passwd')), JSON.stringify(r.result));
    assert.equal(fs.readFileSync(file('server.passwd'), 'utf8'), secret);
    for (const m of r.messages.all()) assert.ok(!m.includes(secret), `a message shows the passphrase: ${m}`);
    const after = await tree(await check());
    assert.equal(after.findings.find((f) => f.finding?.code === 'passwd-crlf'), undefined);
    assert.deepEqual(after.findings.filter((f) => f.finding?.severity === 'error').map((f) => f.label), []);
    assert.deepEqual(problems(file('server.passwd')), [], 'fixed: the diagnostic is gone');
  });

  test('a missing DH file: Fix writes ffdhe2048; rows without a repair have no Fix action', async () => {
    fs.rmSync(file('dh2048.pem'));
    const t = await tree(await check());
    const missing = t.findings.find((f) => f.finding?.code === 'dh-missing');
    assert.ok(missing, `findings: ${t.findings.map((f) => f.finding?.code).join(', ')}`);
    assert.match(String(missing.contextValue), fixableRegex());
    for (const row of [...t.root, ...t.files]) assert.doesNotMatch(String(row.contextValue), fixableRegex());
    await run('tlsWorkbench.ecflow.fix', missing, []);
    assert.match(fs.readFileSync(file('dh2048.pem'), 'utf8'), /-----BEGIN DH PARAMETERS-----/);
    assert.equal((await tree(await check())).findings.find((f) => f.finding?.code === 'dh-missing'), undefined);
  });

  test('a repair that changes the key asks first (modal): declined, nothing changes; accepted, the key is written unencrypted', async () => {
    const encrypted = fs.readFileSync(file('server.key'), 'utf8');
    const find = async () => (await tree(await check())).findings.find((f) => f.finding?.code === 'http-key-encrypted');
    const row = await find();
    assert.ok(row, 'an encrypted server.key gets the ecflow_http advice');
    assert.match(String(row.contextValue), fixableRegex());
    const declined = await run('tlsWorkbench.ecflow.fix', row, [], [undefined]);
    assert.equal(declined.messages.modals.length, 1);
    assert.match(declined.messages.modals[0].message, /server\.key unencrypted/);
    assert.equal(fs.readFileSync(file('server.key'), 'utf8'), encrypted);
    const accepted = await run('tlsWorkbench.ecflow.fix', await find(), [], ['Fix']);
    assert.equal(accepted.messages.modals.length, 1);
    assert.match(fs.readFileSync(file('server.key'), 'utf8'), /-----BEGIN PRIVATE KEY-----/);
    assert.equal(await find(), undefined);
  });

  test('Create over an existing layout asks first (modal); declining changes nothing', async () => {
    const before = fs.readFileSync(file('server.key'), 'utf8');
    const r = await run<CreatedLayout | undefined>('tlsWorkbench.ecflow.create', undefined, [ACCEPT, 'Shared set', ACCEPT, 'EC P-256', '', ACCEPT, 'ffdhe2048'], [undefined]);
    assert.equal(r.result, undefined);
    assert.equal(r.messages.modals.length, 1);
    assert.match(r.messages.modals[0].message, /server\.crt, server\.key, dh2048\.pem already exist/);
    assert.equal(fs.readFileSync(file('server.key'), 'utf8'), before);
    assert.deepEqual(r.messages.errors, []);
  });

  test('the port: the setting where the user set it, else $ECF_PORT (as ecFlow and tlsw ecflow), else 3141', async () => {
    const envPort = process.env.ECF_PORT;
    try {
      process.env.ECF_PORT = '4242';
      await cfg().update('port', undefined, vscode.ConfigurationTarget.Global);
      let view = await check();
      assert.equal(view.current?.where.port, 4242, 'from $ECF_PORT');
      const folder = (await rows(view)).find((r) => r.kind === 'folder');
      assert.match(String(folder?.tooltip), /port 4242/);
      delete process.env.ECF_PORT;
      assert.equal((await check()).current?.where.port, 3141, 'ecFlow\'s default');
      process.env.ECF_PORT = '4242';
      await cfg().update('port', 3141, vscode.ConfigurationTarget.Global);
      view = await check();
      assert.equal(view.current?.where.port, 3141, 'the setting wins');
    } finally {
      if (envPort === undefined) delete process.env.ECF_PORT;
      else process.env.ECF_PORT = envPort;
      await cfg().update('port', 3141, vscode.ConfigurationTarget.Global);
    }
  });

  test('the specific set: <host>.<port>.* files, named after the settings', async () => {
    const r = await run<CreatedLayout>('tlsWorkbench.ecflow.create', undefined, [ACCEPT, 'Specific set', ACCEPT, '4141', 'EC P-256', '', '30', 'ffdhe2048']);
    assert.deepEqual(r.result.files.sort(), ['ecflow-it.example.4141.crt', 'ecflow-it.example.4141.key', 'ecflow-it.example.4141.pem']);
    assert.equal(r.result.exportLine, 'export ECF_SSL=ecflow-it.example.4141');
    const crt = new X509Certificate(fs.readFileSync(file('ecflow-it.example.4141.crt')));
    assert.equal(Math.round((Date.parse(crt.validTo) - Date.parse(crt.validFrom)) / 86_400_000), 30);
  });

  test('Create in another folder (Browse…): the files go there, the folder setting names it, and the view shows it', async () => {
    const other = path.join(tmp, 'picked', 'ssl');
    const dialogs: vscode.OpenDialogOptions[] = [];
    // The first dialog is cancelled (back to the folder choice), the second picks the folder.
    const answers: (vscode.Uri[] | undefined)[] = [undefined, [vscode.Uri.file(other)]];
    const restore = stub(vscode.window, 'showOpenDialog', async (o?: vscode.OpenDialogOptions) => {
      dialogs.push(o ?? {});
      return answers.shift();
    });
    try {
      const r = await run<CreatedLayout>('tlsWorkbench.ecflow.create', undefined, ['Browse…', 'Browse…', 'Shared set', ACCEPT, 'EC P-256', '', ACCEPT, 'ffdhe2048']);
      assert.equal(dialogs.length, 2);
      assert.equal(dialogs[0].canSelectFolders, true);
      assert.equal(r.inputs.inputs[0].placeholder, r.inputs.inputs[1].placeholder, 'a cancelled dialog shows the folder choice again');
      assert.equal(r.result.dir, other);
      assert.equal(r.result.settingChanged, true);
      for (const n of ['server.crt', 'server.key', 'dh2048.pem']) assert.ok(fs.existsSync(path.join(other, n)), `${n} in the folder chosen`);
      assert.ok(!fs.existsSync(file('server.crt')) || fs.readFileSync(file('server.crt'), 'utf8') !== fs.readFileSync(path.join(other, 'server.crt'), 'utf8'), 'nothing written to the old folder');
      assert.match(r.messages.infos.join('\n'), new RegExp(`export ECF_SSL_DIR=${other.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/`), 'says how ecFlow finds it');
      assert.equal(cfg().get('folder'), other);
      const view = await check();
      assert.equal(view.current?.where.dir, other);
      assert.equal(view.view.description, shown(other));
      assert.equal((await rows(view))[0].label, other);
    } finally {
      restore();
      await cfg().update('folder', dir, vscode.ConfigurationTarget.Global);
    }
  });
});
