// Registers the PKI commands of the Command Palette and the context menus (category "TLS Workbench").
// Every command works with no argument (it asks for the file), with a Uri (Explorer / editor menus) and
// with a Certificate Explorer item (its `resourceUri`). Failures end as one error message naming the file,
// with a button when there is something to do about it; cancelling ends quietly.
//
// Each command returns what it produced (written URIs, the copied fingerprint, the verification result,
// whether a key matches) so other features and the tests can build on it; undefined when cancelled.

import * as vscode from 'vscode';
import type { ReportDocuments } from '../inspector/reportDocuments';
import { reportError } from './errors';

/** What the commands share with other features: the read-only report documents (Verify's "Show Details"). */
export interface CommandServices {
  reports: ReportDocuments;
}

type Handler = (context: vscode.ExtensionContext, arg: unknown, services: CommandServices) => Promise<unknown>;

/** Command id → handler, loaded on first use (activation only registers). */
const COMMANDS: Record<string, Handler> = {
  'tlsWorkbench.generateKey': async (c, a) => (await import('./keyCommands')).generateKey(c, a),
  'tlsWorkbench.addPassphrase': async (c, a) => (await import('./keyCommands')).passphrase(c, a, 'add'),
  'tlsWorkbench.removePassphrase': async (c, a) => (await import('./keyCommands')).passphrase(c, a, 'remove'),
  'tlsWorkbench.changePassphrase': async (c, a) => (await import('./keyCommands')).passphrase(c, a, 'change'),
  'tlsWorkbench.generateCsr': async (c, a) => (await import('./certCommands')).generateCsr(c, a),
  'tlsWorkbench.generateSelfSigned': async (c, a) => (await import('./certCommands')).generateSelfSigned(c, a),
  'tlsWorkbench.createCa': async (c, a) => (await import('./certCommands')).createCa(c, a),
  'tlsWorkbench.signCsr': async (c, a) => (await import('./certCommands')).signCsr(c, a),
  'tlsWorkbench.issueClientCertificate': async (c, a) => (await import('./certCommands')).issueClientCertificate(c, a),
  'tlsWorkbench.exportPkcs12': async (c, a) => (await import('./pkcs12Commands')).exportPkcs12(c, a),
  'tlsWorkbench.importPkcs12': async (c, a) => (await import('./pkcs12Commands')).importPkcs12(c, a),
  'tlsWorkbench.convert': async (c, a) => (await import('./fileCommands')).convert(c, a),
  'tlsWorkbench.verifyChain': async (c, a, x) => (await import('./verifyCommand')).verifyChain(c, a, x.reports),
  'tlsWorkbench.checkKeyMatch': async (c, a) => (await import('./fileCommands')).checkKeyMatch(c, a),
  'tlsWorkbench.copyThumbprint': async (c, a) => (await import('./fileCommands')).copyFingerprint(c, a, 'sha1'),
  'tlsWorkbench.copyThumbprintColons': async (c, a) => (await import('./fileCommands')).copyFingerprint(c, a, 'sha1', 'colons'),
  'tlsWorkbench.copySha256': async (c, a) => (await import('./fileCommands')).copyFingerprint(c, a, 'sha256'),
};

export class PkiCommands {
  static readonly ids = Object.keys(COMMANDS);

  static register(context: vscode.ExtensionContext, services: CommandServices): void {
    for (const [id, handler] of Object.entries(COMMANDS)) {
      context.subscriptions.push(vscode.commands.registerCommand(id, (arg?: unknown) => run(context, handler, arg, services)));
    }
  }
}

async function run(context: vscode.ExtensionContext, handler: Handler, arg: unknown, services: CommandServices): Promise<unknown> {
  try {
    return await handler(context, arg, services);
  } catch (e) {
    reportError(e);
    return undefined;
  }
}
