// What the workspace holds: every key, CSR, certificate, keystore and chain, found with workspace.findFiles and
// the core scanner (src/core/workspace/scanner.ts), kept current by a debounced file watcher. The Certificate Explorer's
// sections, the file decorations, the status bar item and the PEM-files context key all read this one index.
//
// The scan runs in time slices (it yields to the event loop between them), and results reach listeners in
// batches, so the first rows show at once on a large workspace and the extension host never stalls.

import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { printable } from '../../core/display/escape';
import type * as AuthorityTreeModule from '../../core/workspace/authorityTree';
import type * as GlobModule from '../../core/workspace/glob';
import type * as ScannerModule from '../../core/workspace/scanner';
import type { FileAccessor, ScannedFile } from '../../core/workspace/scanner';
import type * as SummaryModule from '../../core/workspace/summary';

/** The engine's workspace modules the explorer uses (scanner, summary, authority tree, globs), loaded on first use. */
export type ScanCore = typeof ScannerModule & typeof SummaryModule & typeof AuthorityTreeModule & typeof GlobModule;

/** Settings the index depends on (read on every scan, so a change applies at the next one). */
export interface IndexSettings {
  include: string;
  excludes: string[];
  maxBytes: number;
  warnDays: number;
}

export function readIndexSettings(): IndexSettings {
  const config = vscode.workspace.getConfiguration('tlsWorkbench');
  const include = config.get<string>('scan.include') || '**/*.{pem,crt,cer,der,key,csr,p12,pfx,crl}';
  const ownExcludes = config.get<string[]>('scan.exclude', ['**/node_modules/**', '**/.git/**']) ?? [];
  const filesExclude = vscode.workspace.getConfiguration('files').get<Record<string, unknown>>('exclude', {}) ?? {};
  const excludes = [...ownExcludes.filter((g) => typeof g === 'string' && g.trim() !== ''), ...Object.keys(filesExclude).filter((g) => filesExclude[g] === true)];
  const maxMB = config.get<number>('maxFileSizeMB', 5);
  const warnDays = config.get<number>('expiry.warningDays', 30);
  return {
    include,
    excludes,
    maxBytes: Math.max(1, Math.floor((Number.isFinite(maxMB) && maxMB > 0 ? maxMB : 5) * 1024 * 1024)),
    warnDays: Number.isFinite(warnDays) && warnDays >= 0 ? warnDays : 30,
  };
}

/** How often listeners hear of new results while a scan runs. */
const NOTIFY_MS = 300;
/** File events are gathered this long before the files are read again. */
const WATCH_DEBOUNCE_MS = 300;

export class WorkspaceIndex implements vscode.Disposable {
  private readonly files = new Map<string, ScannedFile>();
  private readonly uris = new Map<string, vscode.Uri>();
  private readonly changed = new vscode.EventEmitter<void>();
  /** Fired (throttled) when files were added, changed or removed. */
  readonly onDidChange = this.changed.event;
  private readonly started = new vscode.EventEmitter<Promise<void>>();
  /** Fired when a full scan starts, with a promise of its end (for progress indicators). */
  readonly onDidStartScan = this.started.event;

  private core?: ScanCore;
  private full?: { abort: AbortController; done: Promise<void> };
  private firstBatch?: Promise<void>;
  private pending = new Map<string, vscode.Uri>();
  private debounce?: ReturnType<typeof setTimeout>;
  private notifyTimer?: ReturnType<typeof setTimeout>;
  private lastNotify = 0;
  private watchers: vscode.Disposable[] = [];
  private updates: Promise<void> = Promise.resolve();
  private disposed = false;
  private everScanned = false;
  private excludeRes: RegExp[] = [];

  /** The workspace modules, once the first scan has loaded them. */
  get scanCore(): ScanCore | undefined {
    return this.core;
  }

  /** Every file holding something, in no particular order. */
  all(): ScannedFile[] {
    return [...this.files.values()];
  }

  get(uri: vscode.Uri): ScannedFile | undefined {
    return this.files.get(uri.toString());
  }

  uriOf(file: string): vscode.Uri {
    return this.uris.get(file) ?? vscode.Uri.parse(file);
  }

  get scanning(): boolean {
    return this.full !== undefined;
  }

  /** Resolves once the first results are in (or the scan found nothing): what a tree waits for before its first answer. */
  async firstResults(): Promise<void> {
    if (!this.everScanned) this.refresh();
    await this.firstBatch;
  }

  /** Resolves when no scan or watcher update is running or waiting. */
  async whenIdle(): Promise<void> {
    for (;;) {
      await this.full?.done;
      await this.updates;
      if (this.debounce !== undefined || this.pending.size > 0) {
        await new Promise((r) => setTimeout(r, WATCH_DEBOUNCE_MS + 20));
        continue;
      }
      if (!this.full) return;
    }
  }

  /** Scans the whole workspace again (results so far stay until their file is seen again or the scan ends). */
  refresh(): Promise<void> {
    if (this.disposed) return Promise.resolve();
    this.full?.abort.abort();
    this.everScanned = true;
    const abort = new AbortController();
    // Only the first scan makes trees wait: later ones update rows that are already there.
    let resolveFirst: () => void = () => undefined;
    this.firstBatch ??= new Promise<void>((r) => (resolveFirst = r));
    const done = this.scanWorkspace(abort.signal, () => resolveFirst())
      .catch((e: unknown) => {
        void vscode.window.showErrorMessage(printable(`TLS Workbench: scanning the workspace failed (${e instanceof Error ? e.message : String(e)}).`));
      })
      .finally(() => {
        resolveFirst();
        if (this.full?.abort === abort) this.full = undefined;
        this.notify(true);
      });
    this.full = { abort, done };
    this.started.fire(done);
    return done;
  }

  /** Re-reads the watchers' patterns (workspace folders or the include setting changed). */
  watch(): void {
    for (const w of this.watchers) w.dispose();
    this.watchers = [];
    const { include } = readIndexSettings();
    for (const folder of vscode.workspace.workspaceFolders ?? []) {
      const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(folder, include));
      this.watchers.push(
        watcher,
        watcher.onDidCreate((uri) => this.queue(uri)),
        watcher.onDidChange((uri) => this.queue(uri)),
        watcher.onDidDelete((uri) => this.queue(uri)),
      );
    }
  }

  dispose(): void {
    this.disposed = true;
    this.full?.abort.abort();
    if (this.debounce) clearTimeout(this.debounce);
    if (this.notifyTimer) clearTimeout(this.notifyTimer);
    for (const w of this.watchers) w.dispose();
    this.changed.dispose();
    this.started.dispose();
  }

  // -------------------------------------------------------------------------------------------------------

  private async loadCore(): Promise<ScanCore> {
    if (!this.core) {
      const [scanner, summary, authorityTree, glob] = await Promise.all([
        import('../../core/workspace/scanner'),
        import('../../core/workspace/summary'),
        import('../../core/workspace/authorityTree'),
        import('../../core/workspace/glob'),
      ]);
      this.core ??= { ...scanner, ...summary, ...authorityTree, ...glob };
    }
    return this.core;
  }

  private async scanWorkspace(signal: AbortSignal, firstBatch: () => void): Promise<void> {
    const core = await this.loadCore();
    const settings = readIndexSettings();
    this.excludeRes = settings.excludes.map((g) => core.globToRegExp(g));
    if (!vscode.workspace.workspaceFolders?.length) {
      this.files.clear();
      this.uris.clear();
      return;
    }
    const exclude = settings.excludes.length > 0 ? `{${settings.excludes.join(',')}}` : null;
    const found = await vscode.workspace.findFiles(settings.include, exclude);
    if (signal.aborted) return;
    const seen = new Set<string>();
    for (const uri of found) {
      const key = uri.toString();
      seen.add(key);
      this.uris.set(key, uri);
    }
    const accessor = new WorkspaceFiles(found.map((u) => u.toString()), (f) => this.uriOf(f), settings.maxBytes);
    const kept = new Set<string>();
    const options = { maxBytes: settings.maxBytes, warnDays: settings.warnDays, candidate: (f: string) => !accessor.missing.has(f), signal };
    for await (const batch of core.scanFiles(accessor, options)) {
      if (signal.aborted) return;
      const first = kept.size === 0;
      for (const f of batch) {
        this.files.set(f.file, f);
        kept.add(f.file);
      }
      firstBatch();
      this.notify(first);
    }
    if (signal.aborted) return;
    // What this scan did not find (deleted, now excluded, no longer holding anything) leaves the index.
    for (const key of [...this.files.keys()]) if (!kept.has(key)) this.files.delete(key);
    for (const key of [...this.uris.keys()]) if (!seen.has(key)) this.uris.delete(key);
  }

  private queue(uri: vscode.Uri): void {
    if (this.disposed) return;
    this.pending.set(uri.toString(), uri);
    if (this.debounce) clearTimeout(this.debounce);
    this.debounce = setTimeout(() => {
      this.debounce = undefined;
      const uris = [...this.pending.values()];
      this.pending.clear();
      this.updates = this.updates.then(() => this.update(uris)).catch(() => undefined);
    }, WATCH_DEBOUNCE_MS);
  }

  /** Reads the given files again (after file events): added, changed or gone. */
  private async update(uris: vscode.Uri[]): Promise<void> {
    if (this.disposed) return;
    const core = await this.loadCore();
    const settings = readIndexSettings();
    this.excludeRes = settings.excludes.map((g) => core.globToRegExp(g));
    const wanted = uris.filter((u) => !this.excluded(u));
    for (const u of uris) {
      const key = u.toString();
      this.files.delete(key);
      if (wanted.includes(u)) this.uris.set(key, u);
      else this.uris.delete(key);
    }
    const accessor = new WorkspaceFiles(wanted.map((u) => u.toString()), (f) => this.uriOf(f), settings.maxBytes);
    const options = { maxBytes: settings.maxBytes, warnDays: settings.warnDays, candidate: (f: string) => !accessor.missing.has(f) };
    for await (const batch of core.scanFiles(accessor, options)) {
      for (const f of batch) this.files.set(f.file, f);
    }
    for (const key of accessor.missing) this.uris.delete(key);
    this.notify(true);
  }

  private excluded(uri: vscode.Uri): boolean {
    const rel = vscode.workspace.asRelativePath(uri, false);
    return this.excludeRes.some((re) => re.test(rel));
  }

  /** Tells listeners, at most every NOTIFY_MS while a scan streams results (`now`: at once). */
  private notify(now = false): void {
    if (this.disposed) return;
    const fire = (): void => {
      this.notifyTimer = undefined;
      this.lastNotify = Date.now();
      this.changed.fire();
    };
    if (now) {
      if (this.notifyTimer) clearTimeout(this.notifyTimer);
      fire();
      return;
    }
    if (this.notifyTimer) return;
    const wait = Math.max(0, this.lastNotify + NOTIFY_MS - Date.now());
    this.notifyTimer = setTimeout(fire, wait);
  }
}

/**
 * The scanner's view of workspace files: node:fs (asynchronous, so a slow disk never blocks the host) for local
 * files, the workspace file system API for anything else (remote, virtual). Remembers files that are gone.
 */
class WorkspaceFiles implements FileAccessor {
  readonly missing = new Set<string>();
  /** Non-local files are read whole (the workspace file system has no partial read): the last one, kept for readAll. */
  private whole?: { file: string; bytes: Uint8Array };

  constructor(
    private readonly files: string[],
    private readonly uriOf: (file: string) => vscode.Uri,
    private readonly maxBytes: number,
  ) {}

  list(): Iterable<string> {
    return this.files;
  }

  async size(file: string): Promise<number> {
    const uri = this.uriOf(file);
    if (uri.scheme === 'file') return (await fs.promises.stat(uri.fsPath)).size;
    return (await vscode.workspace.fs.stat(uri)).size;
  }

  async readHead(file: string, n: number): Promise<Uint8Array> {
    const uri = this.uriOf(file);
    try {
      if (uri.scheme !== 'file') {
        const { size } = await vscode.workspace.fs.stat(uri);
        if (size > this.maxBytes) throw new Error(`${(size / (1024 * 1024)).toFixed(1)} MB, over the size limit`);
        const bytes = await vscode.workspace.fs.readFile(uri);
        this.whole = { file, bytes };
        return bytes.subarray(0, n);
      }
      const handle = await fs.promises.open(uri.fsPath, 'r');
      try {
        const buf = new Uint8Array(n);
        const { bytesRead } = await handle.read(buf, 0, n, 0);
        return buf.subarray(0, bytesRead);
      } finally {
        await handle.close();
      }
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT' || (e as { code?: string }).code === 'FileNotFound') this.missing.add(file);
      throw e;
    }
  }

  async readAll(file: string): Promise<Uint8Array> {
    if (this.whole?.file === file) return this.whole.bytes;
    const uri = this.uriOf(file);
    return uri.scheme === 'file' ? new Uint8Array(await fs.promises.readFile(uri.fsPath)) : vscode.workspace.fs.readFile(uri);
  }
}
