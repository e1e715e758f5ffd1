// A CodeLens above each PEM block: "Inspect · expires in 42 days", "Inspect · EXPIRED 3 days ago",
// "Inspect · RSA 2048 private key"… It opens the file in the inspector (PEM-type files) or the inspect report
// (any other file: YAML, JSON, .env, untitled documents).

import * as vscode from 'vscode';
import type { InsightsStore } from './insightsStore';
import { PEM_DOCUMENTS, loadInsights } from './insightsStore';

/** Files the inspector custom editor opens (package.json `tlsWorkbench.inspectorText`). */
const INSPECTOR_FILES = /\.(pem|crt|cer|key|csr|crl)$/i;

export class PemCodeLens implements vscode.CodeLensProvider {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;

  constructor(private readonly store: InsightsStore) {}

  static register(store: InsightsStore): vscode.Disposable {
    const provider = new PemCodeLens(store);
    return vscode.Disposable.from(
      provider.changed,
      store.onDidReset(() => provider.changed.fire()),
      vscode.languages.registerCodeLensProvider(PEM_DOCUMENTS, provider),
    );
  }

  async provideCodeLenses(document: vscode.TextDocument): Promise<vscode.CodeLens[]> {
    const insights = await this.store.get(document);
    if (!insights || insights.blocks.length === 0) return [];
    const { lensTitle } = await loadInsights();
    const { command, tooltip } = inspectCommandFor(document.uri);
    return insights.blocks.map((block) => {
      const line = block.range.startLine;
      return new vscode.CodeLens(new vscode.Range(line, block.range.startCharacter, line, block.range.startCharacter), {
        title: lensTitle(block, insights.now),
        command,
        tooltip,
        arguments: [document.uri],
      });
    });
  }
}

/** The command that shows `uri` decoded: the inspector for PEM-type files, the report otherwise. */
function inspectCommandFor(uri: vscode.Uri): { command: string; tooltip: string } {
  if (uri.scheme === 'file' && INSPECTOR_FILES.test(uri.path)) {
    return { command: 'tlsWorkbench.openInspector', tooltip: 'Open this file in the TLS Workbench inspector' };
  }
  return { command: 'tlsWorkbench.inspectFile', tooltip: 'Inspect every certificate and key in this file' };
}
