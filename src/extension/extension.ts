// The extension's entry point: it only registers features. Each feature loads the engine (dist/engine.js, a
// separate bundle) lazily, on first use, so activation stays cheap.

import type * as vscode from 'vscode';
import { InspectCommand } from './inspectCommand';
import { PkiCommands } from './commands/pkiCommands';
import { PemEditor } from './editor/pemEditor';
import { CertificateExplorer } from './explorer/certificateExplorer';
import { EcflowView } from './ecflow/ecflowView';

/** What activate() returns (the extension's `exports`): how long activation took, for the performance budget. */
export interface TlsWorkbenchApi {
  /** Milliseconds spent in activate(). */
  readonly activationMs: number;
}

export function activate(context: vscode.ExtensionContext): TlsWorkbenchApi {
  const started = performance.now();
  const inspect = InspectCommand.register(context);
  PkiCommands.register(context, { reports: inspect.reports });
  PemEditor.register(context);
  CertificateExplorer.register(context);
  EcflowView.register(context);
  return { activationMs: performance.now() - started };
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
