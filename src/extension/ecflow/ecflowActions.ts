// What the ecFlow view's commands do, loaded on first use: where ecFlow's SSL folder is and which host and port
// name its files (the settings, else as ecFlow resolves them: core ecflow/layout.ts resolveEcflowContext, the same
// rule as `tlsw ecflow`), checking it, creating a layout with a multi-step quick input, repairing a finding, and
// opening the folder. These functions hold no state: each returns what it found, and the view (ecflowView.ts)
// keeps the last check.
//
// Everything is read and written with Node's file system in the workspace extension host (core ecflow/io.ts:
// bounded reads, atomic all-or-nothing writes, keys and passwd files 0600). Passphrases are typed into password
// boxes and go only to the engine and the passwd file; they never appear in messages.

import * as path from 'node:path';
import * as vscode from 'vscode';
import { printable } from '../../core/display/escape';
import { plural, sentence } from '../../core/display/labels';
import { MAX_DAYS, MIN_DAYS } from '../../core/limits';
import type { EcflowCheckResult, EcflowContext, EcflowFinding, EcflowKeyType, EcflowRepair, EcflowSet } from '../../core/ecflow/layout';
import type { EcflowRepairOptions, EcflowRepairPlan } from '../../core/ecflow/repair';
import { Cancelled, UserError } from '../commands/errors';
import { MultiStepInput, type Validation } from '../util/multiStepInput';
import { askReplace } from '../util/outputs';

async function loadEcflow() {
  const [layout, check, create, repair, io] = await Promise.all([
    import('../../core/ecflow/layout'),
    import('../../core/ecflow/check'),
    import('../../core/ecflow/create'),
    import('../../core/ecflow/repair'),
    import('../../core/ecflow/io'),
  ]);
  return { ...layout, ...check, ...create, ...repair, ...io };
}

type EcflowCore = Awaited<ReturnType<typeof loadEcflow>>;

/** How the Fix action (the wrench button) repairs a finding. */
type RepairKind = 'auto' | 'renew' | 'passphrase' | 'encrypt' | 'decrypt';

/** How the extension offers a finding's fix: the wrench button (when it can repair it here) and words for the tooltip. */
export interface FindingFix {
  repair?: RepairKind;
  /** Sentences: what to do by hand, what the wrench button or Create does. */
  words: string[];
}

/** One check of the folder: what the view shows. */
export interface FolderCheck {
  where: EcflowContext;
  exists: boolean;
  result: EcflowCheckResult;
  /** Finding → how to fix it here. */
  fixes: Map<EcflowFinding, FindingFix>;
}

/** The wrench button repairs the folder (`fix` repairs); the choices a repair needs decide what it asks. */
function repairKindOf(r: EcflowRepair | undefined): RepairKind | undefined {
  if (r?.kind !== 'fix') return undefined;
  if (r.renew) return 'renew';
  if (r.decryptKey) return 'decrypt';
  if (r.encryptKey) return 'encrypt';
  if (r.passphrase) return 'passphrase';
  return 'auto';
}

/** A finding's fix in the extension's words (the CLI says the same with `tlsw ecflow …` command lines). */
function fixOf(f: EcflowFinding): FindingFix {
  const repair = repairKindOf(f.repair);
  const words: string[] = [];
  const r = f.repair;
  if (r?.kind === 'fix') {
    const asks =
      repair === 'renew' ? ' It asks for the validity.' : repair === 'passphrase' ? " It asks for the key's passphrase." : r.passphrase === 'new' ? ' It asks for the new passphrase.' : '';
    words.push(`The wrench button ${r.does}.${asks}`);
  } else if (r?.kind === 'init') {
    words.push(`Create ecFlow SSL Layout… (this view's + button) ${r.does}${r.force ? ', replacing the files of the set' : ''}.`);
  }
  // What to do by hand: a sentence or a shell command, shown as it is.
  if (f.instruction) words.push(words.length > 0 ? `By hand: ${f.instruction}` : f.instruction);
  return { repair, words };
}

// ---------------------------------------------------------------------------------------------------------------
// Settings and environment

/** The folder, host and port: the settings where given, else the environment as ecFlow reads it. */
function resolveContext(core: EcflowCore): EcflowContext {
  const cfg = vscode.workspace.getConfiguration('tlsWorkbench.ecflow');
  const facts = core.hostFacts();
  const folder = (cfg.get<string>('folder') ?? '').trim();
  // VS Code settings have no shell to expand ~.
  const dir = (folder === '~' || folder.startsWith('~/')) && facts.home ? `${facts.home}${folder.slice(1)}` : folder;
  // The port setting counts only where the user set it: its default stands for "as ecFlow: $ECF_PORT, else 3141".
  const port = cfg.inspect<number>('port');
  try {
    return core.resolveEcflowContext({
      ...facts,
      dir,
      host: (cfg.get<string>('host') ?? '').trim(),
      port: port?.workspaceFolderValue ?? port?.workspaceValue ?? port?.globalValue,
    });
  } catch (e) {
    if (e instanceof Error && e.name === 'PkiError') throw new UserError(`tlsWorkbench.ecflow settings: ${sentence(e)}`, [openSettings()]);
    throw e;
  }
}

function openSettings(): { title: string; run: () => unknown } {
  return { title: 'Open Settings', run: () => vscode.commands.executeCommand('workbench.action.openSettings', 'tlsWorkbench.ecflow') };
}

function createAction(): { title: string; run: () => unknown } {
  return { title: 'Create ecFlow SSL Layout…', run: () => vscode.commands.executeCommand('tlsWorkbench.ecflow.create') };
}

// ---------------------------------------------------------------------------------------------------------------
// Check

/** Reads and checks the folder. */
export async function checkFolder(): Promise<FolderCheck> {
  const core = await loadEcflow();
  const where = resolveContext(core);
  const { exists, entries } = await core.loadEcflowFolder(core.nodeEcflowIo(), where.dir);
  const result = core.checkEcflowLayout(entries, { ...where, folderExists: exists });
  return { where, exists, result, fixes: new Map(result.findings.map((f) => [f, fixOf(f)])) };
}

/** What the Check command says about a check: the words, and how loud. */
export interface CheckSummary {
  severity: 'info' | 'warning' | 'error';
  message: string;
}

/** One line for the Check command: "ecFlow layout OK: N checks passed", or the counts of what is wrong. */
export function summarizeCheck(state: FolderCheck): CheckSummary {
  if (!state.exists) return { severity: 'info', message: `No ecFlow SSL folder at ${state.where.dir} yet.` };
  const count = (s: EcflowFinding['severity']): number => state.result.findings.filter((f) => f.severity === s).length;
  const [errors, warnings, notes] = [count('error'), count('warning'), count('info')];
  if (errors + warnings === 0) {
    const more = notes > 0 ? ` (${plural(notes, 'note')} in the Problems panel)` : '';
    return { severity: 'info', message: `ecFlow layout OK: ${plural(state.result.checks.length, 'check')} passed${more}.` };
  }
  return { severity: errors > 0 ? 'error' : 'warning', message: `ecFlow layout: ${plural(errors, 'error')}, ${plural(warnings, 'warning')} (see the Problems panel).` };
}

/** Shows the summary of a check, with the action that helps next. */
export function reportCheck(state: FolderCheck): void {
  const s = summarizeCheck(state);
  const problems = 'Show Problems';
  const create = 'Create ecFlow SSL Layout…';
  const action = !state.exists ? create : s.severity === 'info' && !state.result.findings.length ? undefined : problems;
  const items = action ? [action] : [];
  const text = printable(s.message);
  const shown =
    s.severity === 'error' ? vscode.window.showErrorMessage(text, ...items) : s.severity === 'warning' ? vscode.window.showWarningMessage(text, ...items) : vscode.window.showInformationMessage(text, ...items);
  void Promise.resolve(shown).then((picked) => {
    if (picked === problems) return vscode.commands.executeCommand('workbench.actions.view.problems');
    if (picked === create) return vscode.commands.executeCommand('tlsWorkbench.ecflow.create');
    return undefined;
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Create

interface CreateState {
  /** The folder to write to: the resolved one, or one picked with Browse…. */
  dir: string;
  mode: EcflowSet;
  host: string;
  port: number;
  key: EcflowKeyType;
  passphrase?: string;
  days: number;
  dh: 'ffdhe2048' | 'ffdhe3072' | 'ffdhe4096' | 'generate';
}

export interface CreatedLayout {
  dir: string;
  set: EcflowSet;
  files: string[];
  exportLine: string;
  /** True when `dir` was not the folder the view showed, and the folder setting now names it. */
  settingChanged: boolean;
}

type Choice<T> = vscode.QuickPickItem & { value: T };

const KEY_ITEMS: Choice<EcflowKeyType>[] = [
  { label: 'RSA 2048', description: 'default; what ecFlow examples use', value: { type: 'rsa', bits: 2048 } },
  { label: 'RSA 3072', value: { type: 'rsa', bits: 3072 } },
  { label: 'RSA 4096', description: 'slower to generate', value: { type: 'rsa', bits: 4096 } },
  { label: 'EC P-256', description: 'small and fast (ecFlow built with OpenSSL 3 accepts it)', value: { type: 'ec', curve: 'P-256' } },
  { label: 'EC P-384', value: { type: 'ec', curve: 'P-384' } },
];

const DH_ITEMS: Choice<CreateState['dh']>[] = [
  { label: 'ffdhe2048', description: 'RFC 7919 group, instantly', detail: 'The standard 2048-bit group: what OpenSSL 3 needs, nothing to wait for.', value: 'ffdhe2048' },
  { label: 'ffdhe3072', description: 'RFC 7919 group, instantly', value: 'ffdhe3072' },
  { label: 'ffdhe4096', description: 'RFC 7919 group, instantly', value: 'ffdhe4096' },
  { label: 'Generate new 2048-bit parameters', description: 'takes minutes; cancellable', detail: 'Like "openssl dhparam 2048": fresh safe-prime parameters.', value: 'generate' },
];

/** An input box's complaint: the engine's rule (a function that throws PkiError) as one sentence, or nothing. */
function problemOf(check: () => void): Validation {
  try {
    check();
    return undefined;
  } catch (e) {
    const s = sentence(e);
    return s.charAt(0).toUpperCase() + s.slice(1);
  }
}

function daysProblem(v: string): Validation {
  const n = Number(v.trim());
  return /^\d+$/.test(v.trim()) && n >= MIN_DAYS && n <= MAX_DAYS ? undefined : `Enter a number of days from ${MIN_DAYS} to ${MAX_DAYS}.`;
}

const sameFolder = (a: string, b: string): boolean => path.resolve(a) === path.resolve(b);

function folderSourceWords(w: EcflowContext): string {
  return w.dirSource === 'given' ? 'the tlsWorkbench.ecflow.folder setting' : w.dirSource === 'env' ? '$ECF_SSL_DIR' : "ecFlow's default";
}

/** The folder step: the resolved folder (the default), the one picked before (Back), or Browse… for another. */
async function pickFolder(input: MultiStepInput, where: EcflowContext, current: string): Promise<string> {
  const browse: Choice<string | undefined> = { label: '$(folder-opened) Browse…', description: 'another folder', value: undefined };
  const items: Choice<string | undefined>[] = [{ label: where.dir, description: folderSourceWords(where), value: where.dir }];
  if (!sameFolder(current, where.dir)) items.push({ label: current, description: 'picked', value: current });
  items.push(browse);
  for (;;) {
    const picked = await input.showQuickPick({
      items,
      activeItem: items.find((i) => i.value !== undefined && sameFolder(i.value, current)),
      placeholder: 'The folder to write the layout to (another folder becomes the tlsWorkbench.ecflow.folder setting, so this view shows it)',
    });
    if (picked.value !== undefined) return picked.value;
    const uris = await vscode.window.showOpenDialog({
      canSelectFolders: true,
      canSelectFiles: false,
      canSelectMany: false,
      openLabel: 'Use This Folder',
      title: 'The ecFlow SSL folder',
      defaultUri: vscode.Uri.file(path.dirname(path.resolve(current))),
    });
    // Cancelled: back to the choice.
    if (uris?.[0]) return uris[0].fsPath;
  }
}

/** Makes the view show `dir`: the folder setting where it is set (the workspace's, else the user's). */
async function useFolder(dir: string): Promise<void> {
  const cfg = vscode.workspace.getConfiguration('tlsWorkbench.ecflow');
  const set = cfg.inspect<string>('folder');
  const target = set?.workspaceFolderValue !== undefined ? vscode.ConfigurationTarget.WorkspaceFolder : set?.workspaceValue !== undefined ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
  await cfg.update('folder', dir, target);
}

/** Asks for everything, then writes the layout; undefined when cancelled. */
export async function createLayout(): Promise<CreatedLayout | undefined> {
  const core = await loadEcflow();
  const where = resolveContext(core);
  const s: CreateState = { dir: where.dir, mode: 'shared', host: where.host, port: where.port, key: { type: 'rsa', bits: 2048 }, days: 365, dh: 'ffdhe2048' };
  const modeItems: Choice<EcflowSet>[] = [
    { label: 'Shared set', description: 'server.crt, server.key, dh2048.pem', detail: 'ECF_SSL=1 or --ssl: the usual choice, one certificate for the servers of this machine.', value: 'shared' },
    { label: 'Specific set', description: '<host>.<port>.crt, .key, .pem', detail: 'ECF_SSL=<host>.<port>: one server (host and port) among several.', value: 'specific' },
  ];
  const done = await MultiStepInput.wizard('Create ecFlow SSL Layout', s, [
    {
      run: async (input, st) => {
        st.dir = await pickFolder(input, where, st.dir);
      },
    },
    {
      run: async (input, st) => {
        const picked = await input.showQuickPick({ items: modeItems, activeItem: modeItems.find((i) => i.value === st.mode), placeholder: `Which file set ecFlow should use (folder ${st.dir})` });
        st.mode = picked.value;
      },
    },
    {
      run: async (input, st) => {
        const v = await input.showInputBox({
          prompt: st.mode === 'specific' ? "The server's host name (as ecflow_server sees it): the certificate's CN and the files' <host>" : "The server's host name: the certificate's CN (clients connecting with it and localhost are in its SANs)",
          value: st.host,
          validate: (t) => problemOf(() => core.checkEcflowHost(t.trim())),
        });
        st.host = v.trim();
      },
    },
    {
      when: (st) => st.mode === 'specific',
      run: async (input, st) => {
        const v = await input.showInputBox({
          prompt: "The port ecflow_server listens on (the files' <port>)",
          value: String(st.port),
          validate: (t) => problemOf(() => core.checkEcflowPort(/^\d+$/.test(t.trim()) ? Number(t.trim()) : NaN)),
        });
        st.port = Number(v.trim());
      },
    },
    {
      run: async (input, st) => {
        const active = KEY_ITEMS.find((i) => JSON.stringify(i.value) === JSON.stringify(st.key));
        const picked = await input.showQuickPick({ items: KEY_ITEMS, activeItem: active, placeholder: 'Key type (OpenSSL 3 refuses RSA keys under 2048 bits)' });
        st.key = picked.value;
      },
    },
    {
      run: async (input, st) => {
        const v = await input.showInputBox({
          prompt: 'Passphrase for the key (optional: leave empty for none). It is written to the .passwd file exactly, with no line end, mode 0600',
          password: true,
          validate: (t) => (t === '' ? undefined : problemOf(() => core.checkEcflowPassphrase(t))),
        });
        st.passphrase = v === '' ? undefined : v;
      },
    },
    {
      when: (st) => st.passphrase !== undefined,
      run: async (input, st) => {
        await input.showInputBox({
          prompt: 'Type the passphrase again',
          password: true,
          validateOnAccept: (t) => (t === st.passphrase ? undefined : 'The two entries differ: type the same again (or go Back to change the first).'),
        });
      },
    },
    {
      run: async (input, st) => {
        const v = await input.showInputBox({ prompt: 'Validity of the self-signed certificate, in days', value: String(st.days), validate: daysProblem });
        st.days = Number(v.trim());
      },
    },
    {
      run: async (input, st) => {
        const picked = await input.showQuickPick({ items: DH_ITEMS, activeItem: DH_ITEMS.find((i) => i.value === st.dh), placeholder: 'DH parameters (ecflow_server needs them; OpenSSL 3 refuses fewer than 2048 bits)' });
        st.dh = picked.value;
      },
    },
  ]);
  if (!done) throw new Cancelled();

  const dir = s.dir;
  const io = core.nodeEcflowIo();
  const names = core.ecflowFileNames(s.mode, s.host, s.port);
  const existing = (await io.list(dir)) ?? [];
  const clash = [names.crt, names.key, names.dh, ...(s.passphrase !== undefined ? [names.passwd] : [])].filter((n) => existing.includes(n));
  let overwrite = false;
  if (clash.length > 0) {
    const replace = 'Replace';
    // Keep Existing is the first button, the default on Enter: replacing takes a deliberate click.
    const answer = await askReplace(
      `${clash.join(', ')} already ${clash.length === 1 ? 'exists' : 'exist'} in ${dir}. Replace the ${s.mode} set?`,
      'The old key and certificate are lost, and clients will need the new certificate.',
      replace,
    );
    if (answer !== replace) throw new Cancelled();
    overwrite = true;
  }

  const plan = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: s.dh === 'generate' ? 'Creating the ecFlow SSL layout (generating DH parameters: minutes)' : 'Creating the ecFlow SSL layout', cancellable: true },
    async (progress, token) => {
      const ac = new AbortController();
      const sub = token.onCancellationRequested(() => ac.abort());
      let shown = 0;
      try {
        return await core.planEcflowLayout({
          mode: s.mode,
          host: s.host,
          port: s.port,
          clientHosts: where.clientHosts,
          key: s.key,
          passphrase: s.passphrase,
          days: s.days,
          signal: ac.signal,
          dh:
            s.dh === 'generate'
              ? {
                  kind: 'generate',
                  bits: 2048,
                  onProgress: (p) => {
                    if (p.elapsedMs - shown < 1000) return;
                    shown = p.elapsedMs;
                    progress.report({ message: `${p.tested} candidates tested, ${Math.round(p.elapsedMs / 1000)} s` });
                  },
                }
              : { kind: 'ffdhe', bits: s.dh === 'ffdhe4096' ? 4096 : s.dh === 'ffdhe3072' ? 3072 : 2048 },
        });
      } catch (e) {
        if (ac.signal.aborted) throw new Cancelled();
        throw e;
      } finally {
        sub.dispose();
      }
    },
  );
  await core.writeEcflowFiles(io, dir, plan.files, overwrite);
  // Another folder than the view's: the setting follows, or the view would keep showing the old one.
  const settingChanged = !sameFolder(dir, where.dir);
  if (settingChanged) await useFolder(dir);

  const copy = 'Copy Export Line';
  const open = 'Open Folder';
  const notes = plan.notes.length > 0 ? ` Note: ${plan.notes.join('; ')}.` : '';
  // ecFlow itself finds a folder other than ~/.ecflowrc/ssl only through ECF_SSL_DIR (with its final "/").
  const setting = settingChanged ? ` The ecFlow view now shows this folder (setting tlsWorkbench.ecflow.folder); for ecFlow: export ECF_SSL_DIR=${core.shq(`${dir.replace(/[/\\]+$/, '')}/`)}.` : '';
  void Promise.resolve(
    vscode.window.showInformationMessage(printable(`Created the ecFlow ${s.mode} set in ${dir} (${plan.files.map((f) => f.name).join(', ')}): ${plan.exportLine}.${notes}${setting}`), copy, open),
  ).then((picked) => {
    if (picked === copy) return vscode.env.clipboard.writeText(plan.exportLine);
    if (picked === open) return vscode.commands.executeCommand('tlsWorkbench.ecflow.openFolder');
    return undefined;
  });
  return { dir, set: s.mode, files: plan.files.map((f) => f.name), exportLine: plan.exportLine, settingChanged };
}

// ---------------------------------------------------------------------------------------------------------------
// Fix

export interface FixOutcome {
  /** One line per change made. */
  actions: string[];
  /** The findings after the repair. */
  findings: EcflowFinding[];
}

const same = (a: EcflowFinding, b: EcflowFinding): boolean => a.code === b.code && a.file === b.file;

/** Asks for a new passphrase twice (password boxes); undefined when cancelled. */
async function newPassphrase(core: EcflowCore, keyName: string, passwdName: string): Promise<string | undefined> {
  let passphrase: string | undefined;
  const ok = await MultiStepInput.wizard('Encrypt the ecFlow key', {} as Record<string, never>, [
    {
      run: async (input) => {
        passphrase = await input.showInputBox({
          prompt: `A new passphrase for ${keyName}: it is written to ${passwdName} exactly, with no line end, mode 0600`,
          password: true,
          validate: (v) => problemOf(() => core.checkEcflowPassphrase(v)),
        });
      },
    },
    {
      run: async (input) => {
        await input.showInputBox({
          prompt: 'Type the passphrase again',
          password: true,
          validateOnAccept: (t) => (t === passphrase ? undefined : 'The two entries differ: type the same again (or go Back to change the first).'),
        });
      },
    },
  ]);
  return ok ? passphrase : undefined;
}

/** Repairs one finding (and what the same automatic repair fixes with it); undefined when cancelled. */
export async function fixFinding(finding: EcflowFinding | undefined): Promise<FixOutcome | undefined> {
  if (!finding) throw new UserError('Choose a problem in the ecFlow view to fix it (the wrench button on its row).');
  const core = await loadEcflow();
  // The folder as it is now: it may have changed since the row was drawn.
  const where = resolveContext(core);
  const io = core.nodeEcflowIo();
  const { exists, entries } = await core.loadEcflowFolder(io, where.dir);
  if (!exists) throw new UserError(`${where.dir} does not exist: create an ecFlow SSL layout first.`, [createAction()]);
  const opts = { ...where, folderExists: true };
  const before = core.checkEcflowLayout(entries, opts);
  const current = before.findings.find((f) => same(f, finding));
  if (!current) {
    void vscode.window.showInformationMessage(printable(`${finding.file ?? where.dir}: already fixed.`));
    return { actions: [], findings: before.findings };
  }
  const kind = repairKindOf(current.repair);
  const about = current.file ?? where.dir;
  const byHand = current.instruction ? `; ${current.instruction}` : '';
  if (!kind) throw new UserError(`${about}: no repair here${byHand}.`, current.repair?.kind === 'init' ? [createAction()] : []);
  const names = before.set ? core.ecflowFileNames(before.set, where.host, where.port) : undefined;
  const keyName = names?.key ?? 'the key';
  const crtName = names?.crt ?? 'the certificate';
  const passwdName = names?.passwd ?? 'the passwd file';

  let plan: EcflowRepairPlan | undefined;
  let repair: EcflowRepairOptions = {};
  let confirm: string | undefined;
  switch (kind) {
    case 'auto':
      break;
    case 'renew': {
      let days = 365;
      const ok = await MultiStepInput.run('Renew the ecFlow certificate', async (input) => {
        const v = await input.showInputBox({ prompt: `Validity of the new ${crtName} (same key, same subject and names), in days`, value: '365', validate: daysProblem });
        days = Number(v.trim());
      });
      if (!ok) throw new Cancelled();
      repair = { renew: true, days };
      confirm = `Replace ${crtName} with a new certificate for the same key, valid ${days} days?`;
      break;
    }
    case 'passphrase': {
      const ok = await MultiStepInput.run('Write the ecFlow passwd file', async (input) => {
        await input.showInputBox({
          prompt: `The passphrase of ${keyName}: it is checked, then written to ${passwdName} exactly, with no line end, mode 0600`,
          password: true,
          validateOnAccept: async (t) => {
            if (t === '') return 'Enter the passphrase that opens the key.';
            const p = await core.planEcflowRepairs(entries, opts, { passphrase: t });
            if (p.remaining.some((f) => same(f, current))) return `That passphrase does not open ${keyName}: try again.`;
            plan = p;
            return undefined;
          },
        });
      });
      if (!ok || !plan) throw new Cancelled();
      break;
    }
    case 'encrypt': {
      // The passphrase of the passwd file that is there (passwd-unused), or a new one.
      const inFile = current.repair?.kind === 'fix' && current.repair.passphrase === 'file' ? entries.find((e) => e.name === current.file)?.bytes : undefined;
      const passphrase = inFile ? core.ecflowPassphrase(inFile) : await newPassphrase(core, keyName, passwdName);
      if (passphrase === undefined) throw new Cancelled();
      repair = { encryptKey: true, passphrase };
      confirm = inFile ? `Encrypt ${keyName} with the passphrase in ${passwdName}?` : `Re-encrypt ${keyName} with the new passphrase and write it to ${passwdName}?`;
      break;
    }
    case 'decrypt':
      repair = { decryptKey: true };
      confirm = `Write ${keyName} unencrypted (what ecflow_http needs)? Anyone who can read the folder can then use the key.`;
      break;
  }
  plan ??= await core.planEcflowRepairs(entries, opts, repair);
  if (plan.remaining.some((f) => same(f, current))) throw new UserError(`${about}: cannot be repaired here${byHand}.`);
  if (plan.writes.length === 0 && plan.chmods.length === 0) throw new UserError(`${about}: nothing to change automatically${byHand}.`);

  // A key or certificate is only ever changed after a modal confirmation.
  const touches = plan.writes.filter((f) => /\.(key|crt)$/i.test(f.name)).map((f) => f.name);
  if (confirm === undefined && touches.length > 0) confirm = `Rewrite ${touches.join(', ')} in ${where.dir}?`;
  if (confirm !== undefined) {
    const fix = 'Fix';
    // Keep Existing is the first button, the default on Enter: rewriting the files takes a deliberate click.
    const answer = await askReplace(confirm, plan.actions.join('\n'), fix);
    if (answer !== fix) throw new Cancelled();
  }
  await core.applyEcflowRepairs(io, where.dir, plan);
  const after = await core.checkEcflowFolder(io, where);
  void vscode.window.showInformationMessage(printable(`Fixed in ${where.dir}: ${plan.actions.join('; ')}.`));
  return { actions: plan.actions, findings: after.findings };
}

// ---------------------------------------------------------------------------------------------------------------
// Open Folder

/** Shows the folder in the system's file manager (local windows), or offers it in a new window (remote, web). */
export async function openFolder(dir: string | undefined, exists: boolean): Promise<void> {
  if (!dir) return;
  if (!exists) throw new UserError(`${dir} does not exist yet: create an ecFlow SSL layout there first.`, [createAction()]);
  const uri = vscode.Uri.file(dir.replace(/[/\\]+$/, '') || dir);
  const remote = !!vscode.env.remoteName || vscode.env.uiKind === vscode.UIKind.Web;
  if (!remote) {
    try {
      await vscode.commands.executeCommand('revealFileInOS', uri);
      return;
    } catch {
      // Not available here: offer the folder instead.
    }
  }
  const inWindow = 'Open in New Window';
  const copy = 'Copy Path';
  void Promise.resolve(vscode.window.showInformationMessage(printable(`The ecFlow SSL folder is ${dir}.`), inWindow, copy)).then((picked) => {
    if (picked === inWindow) return vscode.commands.executeCommand('vscode.openFolder', uri, { forceNewWindow: true });
    if (picked === copy) return vscode.env.clipboard.writeText(dir);
    return undefined;
  });
}
