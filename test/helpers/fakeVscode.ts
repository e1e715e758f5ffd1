// A minimal stand-in for the `vscode` module, enough to load the bundled extension in plain Node and check
// what it registers. Real behaviour inside VS Code is covered by test/integration (extension host).

import Module from 'node:module';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, posix } from 'node:path';

export interface FakeVscode {
  api: Record<string, unknown>;
  commands: Map<string, (...args: unknown[]) => unknown>;
  providers: Map<string, { provideTextDocumentContent(uri: FakeUri): string }>;
  opened: FakeUri[];
  messages: { level: 'error' | 'warning' | 'info'; text: string }[];
  inputBoxAnswers: (string | undefined)[];
  inputBoxOptions: Record<string, unknown>[];
  /** Commands run with vscode.commands.executeCommand (the inspector opens files with `vscode.openWith`). */
  executed: { command: string; args: unknown[] }[];
  /** What executeCommand answers for a command (undefined for the others), e.g. a stand-in for Verify. */
  commandResults: Map<string, (...args: unknown[]) => unknown>;
  /** Custom editor providers (the inspector) by view type. */
  customEditors: Map<string, FakeCustomEditorProvider>;
  /** Texts written with vscode.env.clipboard.writeText. */
  clipboard: string[];
  /** File system watchers created, with a way to fire their events. */
  watchers: FakeWatcher[];
  /** Progress notifications still running (window.withProgress), each with its Cancel button. */
  progress: { options: unknown; cancel: () => void }[];
  /**
   * Every disposable resource the fake handed out (registrations, listeners, emitters, views, watchers), in
   * order, with whether it has been disposed: VS Code leaks whatever the extension forgets to dispose.
   */
  handedOut: HandedOut[];
}

export interface HandedOut {
  what: string;
  disposed: boolean;
}

export interface FakeWatcher {
  pattern: unknown;
  disposed: boolean;
  fire(event: 'change' | 'create' | 'delete', uri?: FakeUri): void;
}

export interface FakeCustomEditorProvider {
  openCustomDocument(uri: FakeUri): unknown;
  resolveCustomEditor(document: unknown, panel: unknown, token?: unknown): unknown;
}

export class FakeUri {
  constructor(
    readonly scheme: string,
    readonly path: string,
    readonly query = '',
  ) {}
  get fsPath(): string {
    return this.path;
  }
  static file(path: string): FakeUri {
    return new FakeUri('file', path);
  }
  static from(c: { scheme: string; path: string; query?: string }): FakeUri {
    return new FakeUri(c.scheme, c.path, c.query ?? '');
  }
  static joinPath(base: FakeUri, ...segments: string[]): FakeUri {
    return new FakeUri(base.scheme, posix.join(base.path, ...segments));
  }
  toString(): string {
    return `${this.scheme}:${this.path}${this.query ? `?${this.query}` : ''}`;
  }
}

/** Installs the fake as `require('vscode')` and returns it. */
export function installFakeVscode(settings: Record<string, unknown> = {}): FakeVscode {
  const fake: FakeVscode = {
    api: {},
    commands: new Map(),
    providers: new Map(),
    opened: [],
    messages: [],
    inputBoxAnswers: [],
    inputBoxOptions: [],
    executed: [],
    commandResults: new Map(),
    customEditors: new Map(),
    clipboard: [],
    watchers: [],
    progress: [],
    handedOut: [],
  };
  /** A fresh disposable recorded in `fake.handedOut`; `extra` are the resource's other members. */
  function track<T extends object>(what: string, extra?: T): T & { dispose(): void } {
    const entry: HandedOut = { what, disposed: false };
    fake.handedOut.push(entry);
    return { ...(extra as T), dispose: () => void (entry.disposed = true) };
  }
  const listen = (what: string) => () => track(`${what} listener`);
  // Transient handles (a status-bar message that times out, a progress token's listener) are not tracked.
  const transient = { dispose() {} };
  class EventEmitter {
    private readonly self = track('EventEmitter');
    event = listen('EventEmitter.event');
    fire() {}
    dispose() {
      this.self.dispose();
    }
  }
  fake.api = {
    Uri: FakeUri,
    EventEmitter,
    // Text-editor features (src/extension/editor): registrations only.
    Disposable: { from: (...items: { dispose(): void }[]) => ({ dispose: () => items.forEach((d) => d.dispose()) }) },
    CodeActionKind: { QuickFix: 'quickfix' },
    languages: {
      registerHoverProvider: () => track('registerHoverProvider'),
      registerCodeLensProvider: () => track('registerCodeLensProvider'),
      registerCodeActionsProvider: () => track('registerCodeActionsProvider'),
      createDiagnosticCollection: () => track('createDiagnosticCollection', { set() {}, delete() {}, clear() {} }),
    },
    ViewColumn: { Beside: -2, Active: -1 },
    ProgressLocation: { SourceControl: 1, Window: 10, Notification: 15 },
    // The Certificate Explorer (src/extension/explorer): tree views, decorations, status bar (registrations only).
    TreeItem: class {
      constructor(
        readonly label: unknown,
        readonly collapsibleState?: number,
      ) {}
    },
    TreeItemCollapsibleState: { None: 0, Collapsed: 1, Expanded: 2 },
    DiagnosticSeverity: { Error: 0, Warning: 1, Information: 2, Hint: 3 },
    ThemeIcon: class {
      constructor(
        readonly id: string,
        readonly color?: unknown,
      ) {}
    },
    ThemeColor: class {
      constructor(readonly id: string) {}
    },
    StatusBarAlignment: { Left: 1, Right: 2 },
    FileDecoration: class {
      constructor(
        readonly badge?: string,
        readonly tooltip?: string,
        readonly color?: unknown,
      ) {}
    },
    MarkdownString: class {
      value = '';
      appendText(t: string) {
        this.value += t;
        return this;
      }
      appendMarkdown(t: string) {
        this.value += t;
        return this;
      }
    },
    // The inspector (src/extension/inspector): custom editors, file watching, clipboard.
    FileType: { File: 1, Directory: 2 },
    RelativePattern: class {
      constructor(
        readonly base: unknown,
        readonly pattern: string,
      ) {}
    },
    env: { clipboard: { writeText: async (text: string) => void fake.clipboard.push(text) } },
    commands: {
      registerCommand(id: string, fn: (...args: unknown[]) => unknown) {
        fake.commands.set(id, fn);
        return track(`registerCommand ${id}`);
      },
      executeCommand: async (command: string, ...args: unknown[]) => {
        fake.executed.push({ command, args });
        return fake.commandResults.get(command)?.(...args);
      },
    },
    workspace: {
      registerTextDocumentContentProvider(scheme: string, p: FakeVscode['providers'] extends Map<string, infer P> ? P : never) {
        fake.providers.set(scheme, p);
        return track(`registerTextDocumentContentProvider ${scheme}`);
      },
      fs: {
        readFile: async (uri: FakeUri) => new Uint8Array(readFileSync(uri.fsPath)),
        stat: async (uri: FakeUri) => {
          const st = statSync(uri.fsPath);
          return { type: st.isDirectory() ? 2 : 1, size: st.size, ctime: st.ctimeMs, mtime: st.mtimeMs };
        },
        readDirectory: async (uri: FakeUri) => readdirSync(uri.fsPath, { withFileTypes: true }).map((d) => [d.name, d.isDirectory() ? 2 : 1]),
      },
      findFiles: async () => [],
      asRelativePath: (u: FakeUri | string) => (typeof u === 'string' ? u : u.fsPath),
      onDidSaveTextDocument: listen('workspace.onDidSaveTextDocument'),
      onDidChangeWorkspaceFolders: listen('workspace.onDidChangeWorkspaceFolders'),
      createFileSystemWatcher: (pattern: unknown) => {
        const listeners: Record<string, ((uri?: FakeUri) => void)[]> = { change: [], create: [], delete: [] };
        const handle = track(`createFileSystemWatcher ${(pattern as { pattern?: string }).pattern ?? String(pattern)}`);
        const watcher: FakeWatcher = {
          pattern,
          disposed: false,
          fire: (event, uri) => {
            if (!watcher.disposed) listeners[event].forEach((fn) => fn(uri));
          },
        };
        fake.watchers.push(watcher);
        const on = (event: string) => (fn: (uri?: FakeUri) => void) => {
          listeners[event].push(fn);
          return track(`watcher.on ${event} listener`);
        };
        const dispose = () => {
          watcher.disposed = true;
          handle.dispose();
        };
        return { onDidChange: on('change'), onDidCreate: on('create'), onDidDelete: on('delete'), dispose };
      },
      textDocuments: [],
      onDidOpenTextDocument: listen('workspace.onDidOpenTextDocument'),
      onDidChangeTextDocument: listen('workspace.onDidChangeTextDocument'),
      onDidCloseTextDocument: listen('workspace.onDidCloseTextDocument'),
      onDidChangeConfiguration: listen('workspace.onDidChangeConfiguration'),
      getConfiguration: () => ({ get: (key: string, def: unknown) => (key in settings ? settings[key] : def) }),
      openTextDocument: async (uri: FakeUri) => {
        fake.opened.push(uri);
        return { uri };
      },
    },
    window: {
      activeTextEditor: undefined,
      showTextDocument: async () => undefined,
      showErrorMessage: async (text: string) => void fake.messages.push({ level: 'error', text }),
      showWarningMessage: async (text: string) => void fake.messages.push({ level: 'warning', text }),
      showInformationMessage: async (text: string) => void fake.messages.push({ level: 'info', text }),
      showInputBox: async (options: Record<string, unknown>) => {
        fake.inputBoxOptions.push(options);
        return fake.inputBoxAnswers.shift();
      },
      showOpenDialog: async () => undefined,
      createTreeView: (id: string) => track(`createTreeView ${id}`, { badge: undefined as unknown }),
      registerFileDecorationProvider: () => track('registerFileDecorationProvider'),
      createStatusBarItem: () => track('createStatusBarItem', { show() {}, hide() {} }),
      withProgress: async (options: unknown, task: (progress: unknown, token: unknown) => unknown) => {
        // Progress notifications are recorded; `fake.cancelProgress()` presses Cancel on those still running.
        const listeners: (() => void)[] = [];
        const token = {
          isCancellationRequested: false,
          onCancellationRequested: (f: () => void) => {
            listeners.push(f);
            return transient;
          },
        };
        const entry = { options, cancel: () => ((token.isCancellationRequested = true), listeners.forEach((f) => f())) };
        fake.progress.push(entry);
        try {
          return await task({ report() {} }, token);
        } finally {
          fake.progress.splice(fake.progress.indexOf(entry), 1);
        }
      },
      setStatusBarMessage: () => transient,
      registerCustomEditorProvider(viewType: string, provider: FakeCustomEditorProvider) {
        fake.customEditors.set(viewType, provider);
        return track(`registerCustomEditorProvider ${viewType}`);
      },
    },
  };
  const M = Module as unknown as { _resolveFilename: (req: string, ...rest: unknown[]) => string; _cache: Record<string, unknown> };
  const original = M._resolveFilename;
  M._resolveFilename = function (request: string, ...rest: unknown[]) {
    return request === 'vscode' ? 'vscode' : original.call(this, request, ...rest);
  };
  M._cache['vscode'] = { id: 'vscode', filename: 'vscode', loaded: true, exports: fake.api };
  return fake;
}

export function fakeContext(): { subscriptions: { dispose(): void }[]; extensionUri: FakeUri } {
  // extensionUri: this checkout (out/test/helpers/../../..), where dist/webview and media live.
  return { subscriptions: [], extensionUri: FakeUri.file(join(__dirname, '..', '..', '..')) };
}
