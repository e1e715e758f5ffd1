// Hover on any PEM block of a text document: what it is, subject, issuer, validity (days left), SANs, key,
// fingerprints and findings. Certificate strings are markdown-escaped by the engine; the markdown is untrusted
// (no command links, no HTML).

import * as vscode from 'vscode';
import type { InsightsStore } from './insightsStore';
import { PEM_DOCUMENTS, loadInsights, toRange } from './insightsStore';

export class PemHover implements vscode.HoverProvider {
  constructor(private readonly store: InsightsStore) {}

  static register(store: InsightsStore): vscode.Disposable {
    return vscode.languages.registerHoverProvider(PEM_DOCUMENTS, new PemHover(store));
  }

  async provideHover(document: vscode.TextDocument, position: vscode.Position): Promise<vscode.Hover | undefined> {
    const found = await this.store.blocksAt(document, position);
    if (!found) return undefined;
    const { hoverMarkdown } = await loadInsights();
    const markdown = new vscode.MarkdownString(found.blocks.map((b) => hoverMarkdown(b, found.insights.now)).join('\n\n---\n\n'));
    markdown.isTrusted = false;
    markdown.supportHtml = false;
    return new vscode.Hover(markdown, toRange(found.blocks[0].range));
  }
}
