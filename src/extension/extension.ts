// The extension's entry point: it only registers features. Each feature loads the engine lazily, so
// activation stays cheap.

import type * as vscode from 'vscode';
import { InspectCommand } from './inspectCommand';
import { PkiCommands } from './commands/pkiCommands';
import { PemEditor } from './editor/pemEditor';
import { CertificateExplorer } from './explorer/certificateExplorer';

export function activate(context: vscode.ExtensionContext): void {
  InspectCommand.register(context);
  PkiCommands.register(context);
  PemEditor.register(context);
  CertificateExplorer.register(context);
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
