// The extension's way to the engine's worker thread (dist/worker.js, src/worker/engineWorker.ts): key commands,
// PKCS#12 import and export run their decryption and key derivation there, never on the extension host's thread,
// behind a progress notification whose Cancel terminates the worker.

import { join } from 'node:path';
import * as vscode from 'vscode';
import type { EngineTask } from '../../worker/engineWorker';

/** dist/worker.js, beside the bundle this code is in (dist/extension.js). */
export function workerFile(): string {
  return join(__dirname, 'worker.js');
}

/**
 * Runs `task` in a new engine worker, showing `title` as a cancellable progress notification. Rejects with the
 * engine's error (a PkiError, WorkLimitError…), or with Cancelled when the user pressed Cancel.
 */
export async function inWorker<T>(task: EngineTask, title: string): Promise<T> {
  const { runOffThread } = await import('../../core/runtime/offThread');
  return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, (_progress, token) => {
    const cancel = new AbortController();
    token.onCancellationRequested(() => cancel.abort());
    if (token.isCancellationRequested) cancel.abort();
    return runOffThread<T>(workerFile(), task, { signal: cancel.signal });
  });
}
