// The inspector: a read-only custom editor (package.json `customEditors`) registered for both its view types —
// `tlsWorkbench.inspector` (default for .der .p12 .pfx, unreadable as text) and `tlsWorkbench.inspectorText`
// (an option for .pem .crt .cer .key .csr .crl, which keep the text editor by default) — and the
// "Open in Inspector" command (editor title button, Certificate Explorer rows, CodeLens).

import * as vscode from 'vscode';
import { InspectorPanel } from './inspectorPanel';
import type { ReportDocuments } from './reportDocuments';

const INSPECTOR_VIEW_TYPE = 'tlsWorkbench.inspector';
const INSPECTOR_TEXT_VIEW_TYPE = 'tlsWorkbench.inspectorText';
const OPEN_INSPECTOR_COMMAND = 'tlsWorkbench.openInspector';

const BINARY = /\.(der|p12|pfx)$/i;

/** The view type to open `uri` with: the binary one for DER/PKCS#12 files, the text one otherwise (any file works). */
function inspectorViewTypeFor(uri: vscode.Uri): string {
  return BINARY.test(uri.path) ? INSPECTOR_VIEW_TYPE : INSPECTOR_TEXT_VIEW_TYPE;
}

/** Opens `uri` in the inspector. */
export async function openInInspector(uri: vscode.Uri, options: { viewColumn?: vscode.ViewColumn; preview?: boolean } = {}): Promise<void> {
  await vscode.commands.executeCommand('vscode.openWith', uri, inspectorViewTypeFor(uri), {
    viewColumn: options.viewColumn ?? vscode.ViewColumn.Active,
    preview: options.preview ?? true,
  });
}

/** A command argument as a file URI: a Uri (Explorer, editor, CodeLens) or a tree item with `resourceUri`. */
export function uriOfArgument(arg: unknown): vscode.Uri | undefined {
  if (arg instanceof vscode.Uri) return arg;
  if (typeof arg === 'object' && arg !== null) {
    const r = (arg as { resourceUri?: unknown }).resourceUri;
    if (r instanceof vscode.Uri) return r;
  }
  return undefined;
}

class InspectorDocument implements vscode.CustomDocument {
  constructor(readonly uri: vscode.Uri) {}
  dispose(): void {
    // Nothing held per document: each editor reads the file itself.
  }
}

export class InspectorProvider implements vscode.CustomReadonlyEditorProvider<InspectorDocument> {
  private readonly panels = new Set<InspectorPanel>();

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly reports: ReportDocuments,
  ) {}

  static register(context: vscode.ExtensionContext, reports: ReportDocuments): InspectorProvider {
    const provider = new InspectorProvider(context.extensionUri, reports);
    for (const viewType of [INSPECTOR_VIEW_TYPE, INSPECTOR_TEXT_VIEW_TYPE]) {
      context.subscriptions.push(
        vscode.window.registerCustomEditorProvider(viewType, provider, {
          supportsMultipleEditorsPerDocument: true,
          // The webview is rebuilt when shown again: it asks for the view (`ready`) and gets it from the host.
          webviewOptions: { retainContextWhenHidden: false, enableFindWidget: true },
        }),
      );
    }
    context.subscriptions.push(
      vscode.commands.registerCommand(OPEN_INSPECTOR_COMMAND, (arg?: unknown) => provider.openFromCommand(arg)),
      { dispose: () => provider.panels.forEach((p) => p.dispose()) },
    );
    return provider;
  }

  openCustomDocument(uri: vscode.Uri): InspectorDocument {
    return new InspectorDocument(uri);
  }

  async resolveCustomEditor(document: InspectorDocument, webviewPanel: vscode.WebviewPanel): Promise<void> {
    const panel = new InspectorPanel(document.uri, webviewPanel, this.extensionUri, this.reports);
    this.panels.add(panel);
    webviewPanel.onDidDispose(() => this.panels.delete(panel));
    await panel.loaded;
  }

  /** "Open in Inspector": reopens the file (argument, or the active editor's) in the inspector, in place of its text editor. */
  async openFromCommand(arg?: unknown): Promise<vscode.Uri | undefined> {
    const uri = uriOfArgument(arg) ?? vscode.window.activeTextEditor?.document.uri;
    if (!uri) {
      void vscode.window.showInformationMessage('Open a certificate, key or CSR file first, then choose "Open in Inspector".');
      return undefined;
    }
    const textTab = findTextTab(uri);
    await openInInspector(uri, { viewColumn: textTab?.group.viewColumn });
    // Reopen, not duplicate: the text editor of the same file goes, unless it has unsaved changes.
    if (textTab && !textTab.tab.isDirty) await vscode.window.tabGroups.close(textTab.tab, true).then(undefined, () => false);
    return uri;
  }
}

/** The active tab when it is the text editor of `uri` (the command came from it: title button, CodeLens). */
function findTextTab(uri: vscode.Uri): { tab: vscode.Tab; group: vscode.TabGroup } | undefined {
  const tabGroups = vscode.window.tabGroups;
  const TabInputText = vscode.TabInputText;
  if (!tabGroups || typeof TabInputText !== 'function') return undefined;
  const group = tabGroups.activeTabGroup;
  const tab = group?.activeTab;
  return tab && tab.input instanceof TabInputText && tab.input.uri.toString() === uri.toString() ? { tab, group } : undefined;
}
