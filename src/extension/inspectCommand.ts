// "TLS Workbench: Inspect Certificate / File": opens the file in the inspector (src/extension/inspector). The
// plain-text report stays one click away there ("Show as Text Report"); documents that exist only in the
// editor (untitled) get the report directly, since the inspector reads files.
//
// This feature also registers the inspector itself (custom editors, "Open in Inspector") and the report
// documents both share.

import * as vscode from 'vscode';
import { printable } from '../core/display/escape';
import { messageOf } from '../core/display/labels';
import { InspectorProvider, openInInspector, uriOfArgument } from './inspector/inspectorProvider';
import { ReportDocuments } from './inspector/reportDocuments';

export class InspectCommand {
  static readonly commandId = 'tlsWorkbench.inspectFile';

  constructor(
    /** The read-only report documents (shared with the commands' "Show Details"). */
    readonly reports: ReportDocuments,
    readonly inspector: InspectorProvider,
  ) {}

  static register(context: vscode.ExtensionContext): InspectCommand {
    const reports = ReportDocuments.register(context);
    const inspector = InspectorProvider.register(context, reports);
    const command = new InspectCommand(reports, inspector);
    context.subscriptions.push(vscode.commands.registerCommand(InspectCommand.commandId, (arg?: unknown) => command.inspect(arg)));
    return command;
  }

  /**
   * Opens `arg` (a Uri, or a tree item with `resourceUri`; else the active editor's file, or one the user picks)
   * in the inspector. Returns the inspected file's URI (the report's URI for an untitled document).
   */
  async inspect(arg?: unknown): Promise<vscode.Uri | undefined> {
    const target = uriOfArgument(arg) ?? activeDocumentUri() ?? (await pickFile());
    if (!target) return undefined;
    if (target.scheme === 'untitled') return this.reportOfOpenDocument(target);
    const name = basename(target);
    try {
      const stat = await vscode.workspace.fs.stat(target);
      if (stat.type === vscode.FileType.Directory) {
        void vscode.window.showErrorMessage(printable(`${name}: is a folder; choose a certificate, key, CSR or keystore file.`));
        return undefined;
      }
    } catch (e) {
      void vscode.window.showErrorMessage(printable(`${name}: cannot be read (${readFailure(e)}).`));
      return undefined;
    }
    await openInInspector(target);
    return target;
  }

  /** The text report of a document that is not on disk, from the editor's text. */
  private async reportOfOpenDocument(target: vscode.Uri): Promise<vscode.Uri | undefined> {
    const name = basename(target);
    const document = vscode.workspace.textDocuments.find((d) => d.uri.toString() === target.toString());
    if (!document) {
      void vscode.window.showErrorMessage(printable(`${name}: the document is no longer open.`));
      return undefined;
    }
    const { readObjects } = await import('../core/read/read');
    const maxMB = vscode.workspace.getConfiguration('tlsWorkbench').get<number>('maxFileSizeMB', 5);
    const result = readObjects(new TextEncoder().encode(document.getText()), { maxBytes: Math.floor(maxMB * 1024 * 1024) });
    if (result.objects.length === 0) {
      const first = result.problems.find((p) => p.severity === 'error')?.message ?? 'nothing to decode';
      void vscode.window.showErrorMessage(printable(`${name}: ${first}.`));
      return undefined;
    }
    return this.reports.show(target, result);
  }
}

/** The file of the active editor: a text editor, or a custom editor (the inspector itself). */
function activeDocumentUri(): vscode.Uri | undefined {
  const text = vscode.window.activeTextEditor?.document.uri;
  if (text) return text;
  const input = vscode.window.tabGroups?.activeTabGroup?.activeTab?.input;
  return typeof vscode.TabInputCustom === 'function' && input instanceof vscode.TabInputCustom ? input.uri : undefined;
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

/** Why a file could not be read, in a few words. */
function readFailure(e: unknown): string {
  const code = (e as { code?: unknown })?.code;
  if (code === 'FileNotFound' || code === 'EntryNotFound' || code === 'ENOENT') return 'no such file';
  return messageOf(e);
}
