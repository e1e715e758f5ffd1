// The two ways a command ends early: the user cancelled (quietly), or a problem to report in one sentence naming
// the file, with buttons that help when there is something to do about it.
//
// The command shells (dist/extension.js) and the commands' implementations (dist/features.js) each bundle a copy of
// this file, and the engine worker's errors arrive rebuilt: errors are recognised by name, never by `instanceof`.

import * as vscode from 'vscode';
import { printable } from '../../core/display/escape';
import { sentence } from '../../core/display/labels';

/** The user backed out: the command ends quietly, nothing written. */
export class Cancelled extends Error {
  constructor() {
    super('cancelled');
    this.name = 'Cancelled';
  }
}

export interface ErrorAction {
  title: string;
  run: () => unknown;
}

/** A problem fit to show as it is: one sentence naming the file, optionally with buttons that help. */
export class UserError extends Error {
  constructor(
    message: string,
    readonly actions: ErrorAction[] = [],
  ) {
    super(message);
    this.name = 'UserError';
  }
}

/** The user cancelled: ours, or the engine worker's (src/core/runtime/offThread.ts: Cancel in its progress notification). */
function isCancelled(e: unknown): boolean {
  return e instanceof Error && e.name === 'Cancelled';
}

export function isUserError(e: unknown): e is UserError {
  return e instanceof Error && e.name === 'UserError' && Array.isArray((e as Partial<UserError>).actions);
}

/** One error message: ours and the engine's are fit to show as they are; anything else is summarised. Cancelling ends quietly. */
export function reportError(e: unknown): void {
  if (isCancelled(e)) return;
  const actions = isUserError(e) ? e.actions : [];
  const known = isUserError(e) || (e instanceof Error && e.name === 'PkiError');
  const message = known ? sentence(e) : `TLS Workbench: ${sentence(e)}`;
  void Promise.resolve(vscode.window.showErrorMessage(printable(message), ...actions.map((a) => a.title))).then((picked) => {
    const action = actions.find((a) => a.title === picked);
    return action ? action.run() : undefined;
  });
}
