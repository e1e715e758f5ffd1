// The plain-text reports: of a file ("Show as Text Report" in the inspector; the inspect command for documents
// that are not on disk), made with core report.ts, and of a chain verification ("Show Details" after Verify
// Certificate Chain…). Read-only virtual documents, shown beside the active editor.

import * as vscode from 'vscode';
import type { ReadResult } from '../../core/model';

const REPORT_SCHEME = 'tls-workbench-report';

export class ReportDocuments implements vscode.TextDocumentContentProvider {
  private readonly reports = new Map<string, string>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;

  static register(context: vscode.ExtensionContext): ReportDocuments {
    const documents = new ReportDocuments();
    context.subscriptions.push(documents.changed, vscode.workspace.registerTextDocumentContentProvider(REPORT_SCHEME, documents));
    return documents;
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.reports.get(uri.toString()) ?? 'This report is no longer available: open the file in the inspector and choose "Show as Text Report" again.';
  }

  /** Formats `result` (what was read from `source`) and shows it beside the active editor. Returns the report's URI. */
  async show(source: vscode.Uri, result: ReadResult): Promise<vscode.Uri> {
    const { formatReport } = await import('../../core/read/report');
    let text = formatReport(result.objects, source.scheme === 'file' ? source.fsPath : source.toString());
    if (result.problems.length > 0) {
      text += '\nProblems:\n' + result.problems.map((p) => `  ${p.severity}: ${p.message}`).join('\n') + '\n';
    }
    return this.showText(source.path.split('/').pop() || source.toString(), text, source);
  }

  /** Shows `text` as the read-only report `<name>.report` (of `source`, when there is one). Returns its URI. */
  async showText(name: string, text: string, source?: vscode.Uri): Promise<vscode.Uri> {
    const reportUri = vscode.Uri.from({ scheme: REPORT_SCHEME, path: `/${name}.report`, query: source?.toString() ?? '' });
    this.reports.set(reportUri.toString(), text);
    this.changed.fire(reportUri);
    const doc = await vscode.workspace.openTextDocument(reportUri);
    await vscode.window.showTextDocument(doc, { preview: true, viewColumn: vscode.ViewColumn.Beside });
    return reportUri;
  }
}
