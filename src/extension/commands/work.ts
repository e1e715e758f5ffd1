// The end of every wizard: make sure nothing is replaced without consent (before any slow work), generate
// keys under a cancellable progress notification, write all outputs or none, then reveal, open and say
// what was done — with the engine's lint warnings, if any.

import * as vscode from 'vscode';
import { printable } from '../../core/display/escape';
import type { KeyPairDer, KeySpec } from '../../core/write/keygen';
import type { OutputFile } from '../util/outputs';
import { announce, confirmOverwrite, displayFolder, exists, fileName, listNames, parentFolder, revealAndOpen, writeOutputs } from '../util/outputs';
import { Cancelled, UserError } from './errors';
import type { Session } from './session';

/**
 * Asks (modally) before replacing existing outputs; throws Cancelled when the user declines. Returns whether
 * the write may overwrite (only when something existed and the user agreed to replace it).
 */
export async function claimOutputs(uris: vscode.Uri[]): Promise<boolean> {
  const seen = new Set<string>();
  for (const u of uris) {
    if (seen.has(u.toString())) throw new UserError(`${fileName(u)} is named for two outputs: choose another name.`);
    seen.add(u.toString());
  }
  if (!uris.some(exists)) return false;
  if (!(await confirmOverwrite(uris))) throw new Cancelled();
  return true;
}

/** Generates a key pair off the extension host's thread, under a notification with a Cancel button. */
export async function generateKeyWithProgress(session: Session, spec: KeySpec): Promise<KeyPairDer> {
  const slow = spec.type === 'rsa' && spec.bits >= 3072;
  try {
    return await vscode.window.withProgress(
      {
        location: vscode.ProgressLocation.Notification,
        title: `Generating ${session.core.keygen.keySpecLabel(spec)} key${slow ? ' (this can take a while)' : ''}…`,
        cancellable: true,
      },
      async (_progress, token) => {
        const controller = new AbortController();
        const subscription = token.onCancellationRequested(() => controller.abort());
        try {
          if (token.isCancellationRequested) controller.abort();
          return await session.core.keygen.generateKey(spec, { signal: controller.signal });
        } finally {
          subscription.dispose();
        }
      },
    );
  } catch (e) {
    if (e instanceof session.core.model.PkiError && e.message === 'cancelled') {
      void vscode.window.showInformationMessage('Key generation cancelled: nothing was written.');
      throw new Cancelled();
    }
    throw e;
  }
}

export interface Finish {
  files: OutputFile[];
  overwrite: boolean;
  /** Opened in the inspector after writing (the certificate). */
  open?: vscode.Uri;
  /** What was made, e.g. "a self-signed server certificate (EC P-256)". */
  what: string;
  /** Lint findings and clamping notes from the engine. */
  warnings?: string[];
  /** The files were already written (with a serial file, under its lock): only reveal and report. */
  written?: boolean;
}

/** Writes the outputs (all or none), reveals and opens them, and reports. Returns the written URIs. */
export async function finish(f: Finish): Promise<vscode.Uri[]> {
  if (!f.written) await writeOutputs(f.files, f.overwrite);
  const uris = f.files.map((x) => x.uri);
  const names = listNames(uris.map(fileName));
  const where = displayFolder(parentFolder(uris[0]));
  announce(`Wrote ${names} in ${where}: ${f.what}.`, f.open ?? uris[uris.length - 1]);
  if (f.warnings?.length) {
    const subject = fileName(f.open ?? uris[uris.length - 1]);
    void vscode.window.showWarningMessage(printable(`${subject}: ${f.warnings.map((w) => w.replace(/\.$/, '')).join('; ')}.`));
  }
  await revealAndOpen(uris, f.open);
  return uris;
}
