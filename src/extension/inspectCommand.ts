// "TLS Workbench: Inspect Certificate / File": decodes the file and shows the report as a read-only
// virtual document. (The full inspector webview replaces this view later; the command stays.)

import * as vscode from 'vscode';
import type { ReadResult } from '../core/model';

export const INSPECT_SCHEME = 'tls-workbench-report';

export class InspectCommand implements vscode.TextDocumentContentProvider {
  static readonly commandId = 'tlsWorkbench.inspectFile';

  private readonly reports = new Map<string, string>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;

  static register(context: vscode.ExtensionContext): InspectCommand {
    const command = new InspectCommand();
    context.subscriptions.push(
      command.changed,
      vscode.workspace.registerTextDocumentContentProvider(INSPECT_SCHEME, command),
      vscode.commands.registerCommand(InspectCommand.commandId, (uri?: vscode.Uri) => command.inspect(uri)),
    );
    return command;
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.reports.get(uri.toString()) ?? 'This report is no longer available: run "TLS Workbench: Inspect Certificate / File" again.';
  }

  /** Inspects `uri` (or the active editor's file, or one the user picks). Returns the report's URI. */
  async inspect(uri?: vscode.Uri): Promise<vscode.Uri | undefined> {
    const target = uri ?? vscode.window.activeTextEditor?.document.uri ?? (await pickFile());
    if (!target) return undefined;
    const name = basename(target);
    let bytes: Uint8Array;
    try {
      bytes = await vscode.workspace.fs.readFile(target);
    } catch (e) {
      void vscode.window.showErrorMessage(`${name}: cannot be read (${(e as Error).message}).`);
      return undefined;
    }
    const [{ readObjects }, { formatReport }] = await Promise.all([import('../core/read'), import('../core/report')]);
    const maxMB = vscode.workspace.getConfiguration('tlsWorkbench').get<number>('maxFileSizeMB', 5);
    const maxBytes = Math.floor(maxMB * 1024 * 1024);
    let result: ReadResult = readObjects(bytes, { maxBytes });
    if (needsPassword(result)) {
      const password = await vscode.window.showInputBox({
        title: `Unlock ${name}`,
        prompt: `${name} is encrypted. Enter its password to decode everything (leave empty to skip).`,
        password: true,
        ignoreFocusOut: true,
      });
      if (password) result = readObjects(bytes, { maxBytes, password });
    }
    const errors = result.problems.filter((p) => p.severity === 'error');
    if (result.objects.length === 0) {
      void vscode.window.showErrorMessage(`${name}: ${errors[0]?.message ?? 'nothing to decode'}.`);
      return undefined;
    }
    if (errors.length > 0) {
      const more = errors.length > 1 ? ` (and ${errors.length - 1} more problem${errors.length > 2 ? 's' : ''})` : '';
      void vscode.window.showWarningMessage(`${name}: ${errors[0].message}${more}.`);
    }
    let text = formatReport(result.objects, target.scheme === 'file' ? target.fsPath : target.toString());
    if (result.problems.length > 0) {
      text += '\nProblems:\n' + result.problems.map((p) => `  ${p.severity}: ${p.message}`).join('\n') + '\n';
    }
    const reportUri = vscode.Uri.from({ scheme: INSPECT_SCHEME, path: `/${name}.report`, query: target.toString() });
    this.reports.set(reportUri.toString(), text);
    this.changed.fire(reportUri);
    const doc = await vscode.workspace.openTextDocument(reportUri);
    await vscode.window.showTextDocument(doc, { preview: true, viewColumn: vscode.ViewColumn.Beside });
    return reportUri;
  }
}

function needsPassword(result: ReadResult): boolean {
  return result.objects.some(
    (o) => (o.kind === 'private-key' && o.encrypted && !o.publicKey) || (o.kind === 'pkcs12' && !o.decrypted),
  );
}

async function pickFile(): Promise<vscode.Uri | undefined> {
  const picked = await vscode.window.showOpenDialog({
    canSelectMany: false,
    openLabel: 'Inspect',
    filters: { 'Certificates and keys': ['pem', 'crt', 'cer', 'der', 'key', 'csr', 'p12', 'pfx', 'crl'], 'All files': ['*'] },
  });
  return picked?.[0];
}

function basename(uri: vscode.Uri): string {
  return uri.path.split('/').pop() || uri.toString();
}
