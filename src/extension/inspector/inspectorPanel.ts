// The host side of one inspector editor: reads the file and the files next to it, has the view built
// (viewBuilder.ts, in the engine's worker), sends it to the webview, answers its requests (unlock, copy, text
// report, verify the chain against trust anchors the user chooses) and refreshes when the file changes.
//
// Secrets: a password from the webview is used for one decode and dropped; it is never stored, logged or sent
// back, and error messages never contain it.
//
// Off the UI thread: every build of the view (decoding the file and its neighbours, and with a password every
// decryption and key derivation) runs in a worker thread (src/worker/engineWorker.ts, dist/worker.js): the
// extension host never loads the builder, only its types and verification.ts. An unlock shows a progress
// notification with Cancel; cancelling it, or closing the editor, terminates the worker.

import * as vscode from 'vscode';
import { printable } from '../../core/display/escape';
import { messageOf } from '../../core/display/labels';
import type { ReadResult } from '../../core/model';
import type { ChainCheck } from '../../core/trust/pathValidation';
import type { FieldView, InspectorView } from '../../webview/view';
import type { EngineTask } from '../../worker/engineWorker';
import type { HostToWebview, InspectorRequest } from '../../webview/protocol';
import { MessageType, parseWebviewMessage, respond } from '../../webview/protocol';
import { inspectorHtml, localResourceRoots, makeNonce } from './html';
import { withVerification } from './verification';
import type { ReportDocuments } from './reportDocuments';
import type { BuildOutput, NearbyFile } from './viewBuilder';

/** Files next to the inspected one that may hold its key or certificate. */
const NEIGHBOUR_FILES = /\.(pem|crt|cer|der|key|csr)$/i;
const MAX_NEIGHBOURS = 64;
const MAX_NEIGHBOUR_BYTES = 256 * 1024;
const RELOAD_DELAY_MS = 200;

export class InspectorPanel implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  private view: InspectorView | undefined;
  private result: ReadResult | undefined;
  /** The certificates of the view's chain section, leaf first (what "Verify against a trust anchor…" verifies). */
  private chainDers: Uint8Array[] | undefined;
  private webviewReady = false;
  private disposed = false;
  /** Bumped by every load: a slower, older load never overwrites a newer one. */
  private generation = 0;
  private reloadTimer: ReturnType<typeof setTimeout> | undefined;
  private errorShown = false;
  /** Settles once the first load has rendered (tests and callers can await it). */
  readonly loaded: Promise<void>;
  /** The engine's worker script (built beside extension.js). */
  private readonly workerFile: string;
  /** Aborted when the editor closes: terminates any worker still building for it. */
  private readonly closing = new AbortController();

  constructor(
    readonly uri: vscode.Uri,
    private readonly panel: vscode.WebviewPanel,
    extensionUri: vscode.Uri,
    private readonly reports: ReportDocuments,
  ) {
    this.workerFile = vscode.Uri.joinPath(extensionUri, 'dist', 'worker.js').fsPath;
    const webview = panel.webview;
    webview.options = { enableScripts: true, localResourceRoots: localResourceRoots(extensionUri) };
    webview.html = inspectorHtml(webview, extensionUri, makeNonce());
    this.disposables.push(
      webview.onDidReceiveMessage((m: unknown) => void this.onMessage(m)),
      panel.onDidDispose(() => this.dispose()),
    );
    this.watch();
    this.loaded = this.load();
  }

  get name(): string {
    return this.uri.path.split('/').pop() || this.uri.toString();
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.closing.abort();
    if (this.reloadTimer) clearTimeout(this.reloadTimer);
    for (const d of this.disposables.splice(0)) d.dispose();
  }

  // ───────────────────────────── loading ─────────────────────────────

  /** Reads the file (without a password) and shows it. */
  async load(): Promise<void> {
    const generation = ++this.generation;
    let out: BuildOutput;
    try {
      out = await this.build(undefined);
    } catch {
      return; // closed meanwhile
    }
    if (generation !== this.generation || this.disposed) return;
    this.apply(out);
    if (out.result.objects.length === 0 && !this.errorShown) {
      // Once per editor: a file that keeps changing must not flood the notifications.
      this.errorShown = true;
      const first = out.result.problems.find((p) => p.severity === 'error')?.message ?? 'nothing to decode';
      void vscode.window.showErrorMessage(printable(`${this.name}: ${first}.`), 'Open as Text').then((choice) => {
        if (choice) void vscode.commands.executeCommand('vscode.openWith', this.uri, 'default');
      });
    }
  }

  private scheduleReload(): void {
    if (this.disposed) return;
    if (this.reloadTimer) clearTimeout(this.reloadTimer);
    this.reloadTimer = setTimeout(() => {
      this.reloadTimer = undefined;
      void this.load();
    }, RELOAD_DELAY_MS);
  }

  private watch(): void {
    try {
      const dir = vscode.Uri.joinPath(this.uri, '..');
      const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(dir, this.name));
      this.disposables.push(
        watcher,
        watcher.onDidChange(() => this.scheduleReload()),
        watcher.onDidCreate(() => this.scheduleReload()),
        watcher.onDidDelete(() => this.scheduleReload()),
      );
    } catch {
      // A file system without watching: the view simply does not refresh by itself.
    }
  }

  /**
   * Reads the file and builds its view in a worker thread (never throws: a failure is a view saying so). With
   * `signal` aborted, or the editor closed, the worker is terminated and the result is Cancelled.
   */
  private async build(password: string | undefined, signal?: AbortSignal): Promise<BuildOutput> {
    const settings = vscode.workspace.getConfiguration('tlsWorkbench');
    const maxBytes = Math.floor(settings.get<number>('maxFileSizeMB', 5) * 1024 * 1024);
    const warnDays = settings.get<number>('expiry.warningDays', 30);
    let bytes: Uint8Array;
    try {
      const stat = await vscode.workspace.fs.stat(this.uri);
      if (stat.size > maxBytes) {
        return failure(this.name, `the file is ${(stat.size / 1048576).toFixed(1)} MB, over the ${settings.get<number>('maxFileSizeMB', 5)} MB limit (setting tlsWorkbench.maxFileSizeMB)`);
      }
      bytes = await vscode.workspace.fs.readFile(this.uri);
    } catch (e) {
      return failure(this.name, readError(e));
    }
    const nearby = await this.nearby(maxBytes);
    const task: EngineTask = { op: 'inspect', input: { fileName: this.name, bytes, password, warnDays, maxBytes, nearby } };
    const { runOffThread } = await import('../../core/runtime/offThread');
    const signals = signal ? [this.closing.signal, signal] : [this.closing.signal];
    try {
      return await runOffThread<BuildOutput>(this.workerFile, task, { signal: AbortSignal.any(signals) });
    } catch (e) {
      if (signals.some((s) => s.aborted)) throw e;
      return failure(this.name, messageOf(e));
    }
  }

  /** The files in the same folder that may hold its key or certificate (for the "key matches" chip). */
  private async nearby(maxBytes: number): Promise<NearbyFile[]> {
    const out: NearbyFile[] = [];
    try {
      const dir = vscode.Uri.joinPath(this.uri, '..');
      const entries = await vscode.workspace.fs.readDirectory(dir);
      const files = entries
        .filter(([name, type]) => type === vscode.FileType.File && name !== this.name && NEIGHBOUR_FILES.test(name))
        .slice(0, MAX_NEIGHBOURS);
      for (const [name] of files) {
        try {
          const file = vscode.Uri.joinPath(dir, name);
          if ((await vscode.workspace.fs.stat(file)).size > Math.min(maxBytes, MAX_NEIGHBOUR_BYTES)) continue;
          out.push({ fileName: name, bytes: await vscode.workspace.fs.readFile(file) });
        } catch {
          // An unreadable neighbour is simply not a match.
        }
      }
    } catch {
      // No folder listing (virtual file systems): no neighbours.
    }
    return out;
  }

  private apply(out: BuildOutput): void {
    this.view = out.view;
    this.result = out.result;
    this.chainDers = out.chain;
    this.post({ type: MessageType.Render, view: out.view });
  }

  private post(message: HostToWebview): void {
    if (!this.webviewReady || this.disposed) return;
    void this.panel.webview.postMessage(message);
  }

  // ───────────────────────────── messages ─────────────────────────────

  private async onMessage(raw: unknown): Promise<void> {
    const message = parseWebviewMessage(raw);
    if (!message || this.disposed) return;
    if (message.type === MessageType.Ready) {
      this.webviewReady = true;
      await this.loaded;
      if (this.view) this.post({ type: MessageType.Render, view: this.view });
      return;
    }
    let answer: { ok: boolean; message?: string };
    try {
      answer = await this.handle(message);
    } catch (e) {
      answer = { ok: false, message: `${this.name}: ${messageOf(e)}.` };
    }
    this.post(respond(message, answer.ok, answer.message));
  }

  private async handle(request: InspectorRequest): Promise<{ ok: boolean; message?: string }> {
    switch (request.type) {
      case MessageType.Unlock:
        return this.unlock(request.password);
      case MessageType.Copy:
        return this.copy(request.copyId);
      case MessageType.ShowReport:
        return this.showReport();
      case MessageType.VerifyChain:
        return this.verifyChain();
    }
  }

  private async unlock(password: string): Promise<{ ok: boolean; message?: string }> {
    await this.loaded;
    const before = this.result;
    // Key derivation can take seconds (and a hostile file is stopped by the work budget): it runs in the worker,
    // with a notification whose Cancel terminates it.
    let out: BuildOutput;
    try {
      out = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `Unlocking ${this.name}…`, cancellable: true },
        (_progress, token) => {
          const cancel = new AbortController();
          token.onCancellationRequested(() => cancel.abort());
          if (token.isCancellationRequested) cancel.abort();
          return this.build(password, cancel.signal);
        },
      );
    } catch {
      return { ok: false, message: this.disposed ? 'Closed.' : `Unlocking ${this.name} was cancelled.` };
    }
    // Still locked (the view asks for a password), or fewer objects than before: the password did not open it.
    const opened = out.result.objects.length > 0 && !out.view.lock && out.result.objects.length >= (before?.objects.length ?? 0);
    if (!opened) {
      const known = new Set(before?.problems.map((p) => p.message));
      const problem = out.result.problems.find((p) => p.severity === 'error' && !known.has(p.message))?.message;
      // Refused as too costly (per-key caps, the work budget) is not a wrong password: say what was refused.
      const wrong = !problem || (!/refusing/.test(problem) && /password|passphrase|MAC|decrypt/i.test(problem));
      return { ok: false, message: wrong ? `Wrong password for ${this.name}.` : `${this.name}: ${problem}.` };
    }
    if (this.disposed) return { ok: false, message: 'Closed.' };
    // Newer than any load in flight (which would show the file locked again).
    this.generation++;
    this.apply(out);
    return { ok: true };
  }

  private async copy(copyId: string): Promise<{ ok: boolean; message?: string }> {
    const field = this.view ? findCopyable(this.view, copyId) : undefined;
    if (!field) return { ok: false, message: 'Nothing to copy.' };
    await vscode.env.clipboard.writeText(field.text);
    vscode.window.setStatusBarMessage(`Copied ${field.label}`, 2000);
    return { ok: true, message: `Copied ${field.label}.` };
  }

  /**
   * "Verify against a trust anchor…": Verify Certificate Chain… with the certificates this view shows (the user
   * picks the anchors and a CRL; the command says the verdict too). The chain section then shows the result,
   * until the file changes.
   */
  private async verifyChain(): Promise<{ ok: boolean; message?: string }> {
    await this.loaded;
    const view = this.view;
    const certificates = this.chainDers;
    if (!view?.chain?.verifiable || !certificates?.length) return { ok: false, message: `${this.name}: no chain to verify.` };
    const check = await vscode.commands.executeCommand<ChainCheck | undefined>('tlsWorkbench.verifyChain', { uri: this.uri, certificates });
    if (!check) return { ok: false };
    // Only onto the view it was asked for: a reload meanwhile shows the file as it is now.
    if (this.disposed || this.view !== view) return { ok: false, message: `${this.name} changed while it was being verified: verify again.` };
    this.view = withVerification(view, check);
    this.post({ type: MessageType.Render, view: this.view });
    return { ok: true, message: check.ok ? 'Chain complete to an anchor you trust.' : 'The chain does not verify: see the chain section.' };
  }

  private async showReport(): Promise<{ ok: boolean; message?: string }> {
    await this.loaded;
    if (!this.result || this.result.objects.length === 0) return { ok: false, message: `${this.name}: nothing decoded to report.` };
    await this.reports.show(this.uri, this.result);
    return { ok: true };
  }
}

/** The text behind a copy button of `view` (the host copies only what it rendered). */
function findCopyable(view: InspectorView, copyId: string): { label: string; text: string } | undefined {
  for (const o of view.objects) {
    if (o.raw?.copyId === copyId) return { label: `${o.raw.label} PEM`, text: `${o.raw.text}\n` };
    for (const s of o.sections) {
      const f: FieldView | undefined = s.fields.find((x) => x.copyId === copyId);
      if (f) return { label: f.label, text: f.copyText ?? f.value };
    }
  }
  return undefined;
}

function failure(fileName: string, message: string): BuildOutput {
  const result: ReadResult = { objects: [], problems: [{ severity: 'error', message }] };
  return {
    result,
    view: { fileName, summary: 'Nothing could be decoded', objects: [], problems: [...result.problems], unlocked: false, builtAt: new Date().toISOString() },
  };
}

function readError(e: unknown): string {
  const code = (e as { code?: unknown })?.code;
  if (code === 'FileNotFound' || code === 'EntryNotFound' || code === 'ENOENT') return 'the file does not exist (deleted or moved?)';
  return `cannot be read (${messageOf(e)})`;
}
