// The extension's entry point: it only registers features. Each feature loads the engine lazily, so
// activation stays cheap.

import type * as vscode from 'vscode';
import { InspectCommand } from './inspectCommand';

export function activate(context: vscode.ExtensionContext): void {
  InspectCommand.register(context);
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
