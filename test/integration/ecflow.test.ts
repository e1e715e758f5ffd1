/// <reference types="mocha" />
// The ecFlow view in a real VS Code: with tlsWorkbench.ecflow.folder pointing at a temporary folder, the view is
// empty (welcome content) until "Create ecFlow SSL Layout…" writes a layout through its multi-step quick input;
// then it shows the folder, the set ecFlow will use, the files and no errors. A passwd file broken with a CRLF
// shows up (through the folder watcher) as a fixable error, and the inline Fix action repairs it. Creating over
// an existing layout needs the modal's consent.
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

// ------------------------------------------------------------------------------------------------------
// Scripted quick inputs (window.createQuickPick / createInputBox), and messages with scripted modal answers.

const ACCEPT = Symbol('accept the prefilled value / active item');
type Answer = string | typeof ACCEPT;

type Listener<T> = (e: T) => unknown;
class Emitter<T> {
  private listeners: Listener<T>[] = [];
  readonly event = (l: Listener<T>): vscode.Disposable => {
    this.listeners.push(l);
    return { dispose: () => void (this.listeners = this.listeners.filter((x) => x !== l)) };
  };
  fire(e: T): void {
    for (const l of [...this.listeners]) l(e);
  }
}

class FakeInput {
  title?: string;
  step?: number;
  totalSteps?: number;
  enabled = true;
  busy = false;
  ignoreFocusOut = false;
  placeholder?: string;
  prompt?: string;
  password = false;
  value = '';
  valueSelection?: readonly [number, number];
  validationMessage: string | vscode.InputBoxValidationMessage | undefined;
  buttons: readonly vscode.QuickInputButton[] = [];
  items: readonly vscode.QuickPickItem[] = [];
  activeItems: readonly vscode.QuickPickItem[] = [];
  selectedItems: readonly vscode.QuickPickItem[] = [];
  matchOnDescription = false;
  matchOnDetail = false;
  disposed = false;
  private hidden = false;
  readonly hideE = new Emitter<void>();
  readonly acceptE = new Emitter<void>();
  readonly valueE = new Emitter<string>();
  readonly selectionE = new Emitter<readonly vscode.QuickPickItem[]>();
  readonly onDidHide = this.hideE.event;
  readonly onDidAccept = this.acceptE.event;
  readonly onDidChangeValue = this.valueE.event;
  readonly onDidChangeSelection = this.selectionE.event;
  readonly onDidTriggerButton = new Emitter<vscode.QuickInputButton>().event;
  readonly onDidChangeActive = new Emitter<readonly vscode.QuickPickItem[]>().event;
  readonly onDidTriggerItemButton = new Emitter<unknown>().event;
  constructor(
    readonly kind: 'pick' | 'box',
    private readonly driver: QuickInputs,
  ) {}
  show(): void {
    this.driver.shown(this);
  }
  hide(): void {
    if (this.hidden) return;
    this.hidden = true;
    this.hideE.fire();
  }
  dispose(): void {
    this.disposed = true;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

class QuickInputs {
  readonly shownInputs: { kind: string; label: string; password: boolean; value: string }[] = [];
  readonly problems: string[] = [];
  private readonly restores: (() => void)[];
  constructor(private readonly queue: Answer[]) {
    const w = vscode.window as unknown as Record<string, unknown>;
    this.restores = [stub(w, 'createQuickPick', () => new FakeInput('pick', this)), stub(w, 'createInputBox', () => new FakeInput('box', this))];
  }
  get remaining(): number {
    return this.queue.length;
  }
  restore(): void {
    this.restores.forEach((r) => r());
  }
  shown(input: FakeInput): void {
    this.shownInputs.push({ kind: input.kind, label: input.prompt ?? input.placeholder ?? '', password: input.password, value: input.value });
    setTimeout(() => void this.answer(input), 0);
  }
  private async answer(input: FakeInput): Promise<void> {
    const a = this.queue.shift();
    const label = input.prompt ?? input.placeholder ?? '';
    if (a === undefined) {
      this.problems.push(`unanswered: "${label}"`);
      input.hide();
      return;
    }
    if (input.kind === 'box') {
      const value = a === ACCEPT ? input.value : a;
      input.value = value;
      input.valueE.fire(value);
      await sleep(0);
      input.acceptE.fire();
      const deadline = Date.now() + 3000;
      while (Date.now() < deadline && !input.disposed && (input.busy || !input.enabled)) await sleep(10);
      await sleep(20);
      const m = input.validationMessage;
      if (!input.disposed && m !== undefined && m !== '' && (typeof m === 'string' || m.severity === vscode.InputBoxValidationSeverity.Error)) {
        this.problems.push(`"${input.password ? '(password)' : value}" refused by "${label}": ${typeof m === 'string' ? m : m.message}`);
        input.hide();
      }
      return;
    }
    const items = input.items.filter((i) => i.kind !== vscode.QuickPickItemKind.Separator);
    const item = a === ACCEPT ? input.activeItems[0] : (items.find((i) => i.label === a) ?? items.find((i) => i.label.includes(a)));
    if (!item) {
      this.problems.push(`no item "${String(a)}" in "${label}": ${items.map((i) => i.label).join(' | ')}`);
      input.hide();
      return;
    }
    input.selectedItems = [item];
    input.selectionE.fire([item]);
  }
}

class Messages {
  readonly errors: string[] = [];
  readonly infos: string[] = [];
  readonly warnings: string[] = [];
  readonly modals: { message: string; detail?: string; buttons: string[] }[] = [];
  private readonly restores: (() => void)[];
  constructor(private readonly modalAnswers: (string | undefined)[] = []) {
    const w = vscode.window as unknown as Record<string, unknown>;
    const capture = (list: string[]) => async (message: string, ...rest: unknown[]) => {
      const options = rest[0] && typeof rest[0] === 'object' ? (rest[0] as vscode.MessageOptions) : undefined;
      if (options?.modal) {
        this.modals.push({ message, detail: options.detail, buttons: rest.filter((r): r is string => typeof r === 'string') });
        return this.modalAnswers.shift();
      }
      list.push(message);
      return undefined;
    };
    this.restores = [stub(w, 'showErrorMessage', capture(this.errors)), stub(w, 'showWarningMessage', capture(this.warnings)), stub(w, 'showInformationMessage', capture(this.infos))];
  }
  restore(): void {
    this.restores.forEach((r) => r());
  }
  all(): string[] {
    return [...this.errors, ...this.warnings, ...this.infos, ...this.modals.map((m) => `${m.message} ${m.detail ?? ''}`)];
  }
}

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
  assert.equal(inputs.remaining, 0, `answers left unused by ${command}: ${JSON.stringify(inputs.shownInputs.map((i) => i.label))}`);
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

  test('no folder yet: the view is empty, so its welcome content offers to create one', async () => {
    const view = await check();
    assert.equal(view.current?.where.dir, dir, 'the folder comes from the setting');
    assert.equal(view.current?.exists, false);
    assert.deepEqual(await rows(view), []);
  });

  test('Create writes a shared layout through the quick input; the view shows the folder, the set, the files and no errors', async () => {
    const r = await run<CreatedLayout>('tlsWorkbench.ecflow.create', undefined, ['Shared set', ACCEPT, 'RSA 2048', secret, secret, ACCEPT, 'ffdhe2048']);
    assert.ok(r.result, `created nothing; messages: ${JSON.stringify(r.messages.all())}`);
    assert.deepEqual(r.result.files.sort(), ['dh2048.pem', 'server.crt', 'server.key', 'server.passwd']);
    assert.equal(r.result.exportLine, 'export ECF_SSL=1');
    assert.equal(r.inputs.shownInputs[1].value, 'ecflow-it.example', 'the host is prefilled from the setting');
    assert.ok(r.inputs.shownInputs.filter((i) => i.password).length === 2, 'the passphrase is typed twice in password boxes');
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

  test('a passwd file with a CRLF shows up (folder watcher) as a fixable error; Fix rewrites it and the finding is gone', async () => {
    const view = await check();
    fs.writeFileSync(file('server.passwd'), `${secret}\r\n`, { mode: 0o600 });
    // The watcher refreshes the view by itself.
    const crlf = await until('the passwd-crlf finding', async () => (await tree(view)).findings.find((f) => f.finding?.code === 'passwd-crlf'));
    assert.equal(crlf.finding?.severity, 'error');
    assert.equal(crlf.description, 'server.passwd');
    assert.match(String(crlf.contextValue), fixableRegex(), 'the inline Fix action shows on it');
    assert.match(crlf.finding!.fix, /ecflow fix/);
    assert.equal((crlf.iconPath as vscode.ThemeIcon).id, 'error');
    assert.ok(crlf.tooltip, 'the fix is the tooltip');

    const r = await run<FixOutcome>('tlsWorkbench.ecflow.fix', crlf, []);
    assert.equal(r.messages.modals.length, 0, 'a passwd file is rewritten without a modal (no key or certificate changes)');
    assert.ok(r.result?.actions.some((a) => a.startsWith('server.passwd')), JSON.stringify(r.result));
    assert.equal(fs.readFileSync(file('server.passwd'), 'utf8'), secret);
    for (const m of r.messages.all()) assert.ok(!m.includes(secret), `a message shows the passphrase: ${m}`);
    const after = await tree(await check());
    assert.equal(after.findings.find((f) => f.finding?.code === 'passwd-crlf'), undefined);
    assert.deepEqual(after.findings.filter((f) => f.finding?.severity === 'error').map((f) => f.label), []);
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
    const r = await run<CreatedLayout | undefined>('tlsWorkbench.ecflow.create', undefined, ['Shared set', ACCEPT, 'EC P-256', '', ACCEPT, 'ffdhe2048'], [undefined]);
    assert.equal(r.result, undefined);
    assert.equal(r.messages.modals.length, 1);
    assert.match(r.messages.modals[0].message, /server\.crt, server\.key, dh2048\.pem already exist/);
    assert.equal(fs.readFileSync(file('server.key'), 'utf8'), before);
    assert.deepEqual(r.messages.errors, []);
  });

  test('the specific set: <host>.<port>.* files, named after the settings', async () => {
    const r = await run<CreatedLayout>('tlsWorkbench.ecflow.create', undefined, ['Specific set', ACCEPT, '4141', 'EC P-256', '', '30', 'ffdhe2048']);
    assert.deepEqual(r.result.files.sort(), ['ecflow-it.example.4141.crt', 'ecflow-it.example.4141.key', 'ecflow-it.example.4141.pem']);
    assert.equal(r.result.exportLine, 'export ECF_SSL=ecflow-it.example.4141');
    const crt = new X509Certificate(fs.readFileSync(file('ecflow-it.example.4141.crt')));
    assert.equal(Math.round((Date.parse(crt.validTo) - Date.parse(crt.validFrom)) / 86_400_000), 30);
  });
});
