// A minimal stand-in for the `vscode` module, enough to load the bundled extension in plain Node and check
// what it registers. Real behaviour inside VS Code is covered by test/integration (extension host).

import Module from 'node:module';
import { readFileSync } from 'node:fs';

export interface FakeVscode {
  api: Record<string, unknown>;
  commands: Map<string, (...args: unknown[]) => unknown>;
  providers: Map<string, { provideTextDocumentContent(uri: FakeUri): string }>;
  opened: FakeUri[];
  messages: { level: 'error' | 'warning' | 'info'; text: string }[];
  inputBoxAnswers: (string | undefined)[];
  inputBoxOptions: Record<string, unknown>[];
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
  };
  const disposable = { dispose() {} };
  class EventEmitter {
    event = () => disposable;
    fire() {}
    dispose() {}
  }
  fake.api = {
    Uri: FakeUri,
    EventEmitter,
    ViewColumn: { Beside: -2, Active: -1 },
    commands: {
      registerCommand(id: string, fn: (...args: unknown[]) => unknown) {
        fake.commands.set(id, fn);
        return disposable;
      },
    },
    workspace: {
      registerTextDocumentContentProvider(scheme: string, p: FakeVscode['providers'] extends Map<string, infer P> ? P : never) {
        fake.providers.set(scheme, p);
        return disposable;
      },
      fs: { readFile: async (uri: FakeUri) => new Uint8Array(readFileSync(uri.fsPath)) },
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

export function fakeContext(): { subscriptions: { dispose(): void }[] } {
  return { subscriptions: [] };
}
