// The PEM insights of open text documents, computed from the document's text (never the disk) and cached per
// document version, shared by the hover, CodeLens, diagnostics and code actions. The engine is loaded on the
// first document that may hold PEM, so activation stays cheap.

import * as vscode from 'vscode';
import type * as PemInsightsModule from '../../core/workspace/pemInsights';
import type { PemBlockInsight, PemInsights } from '../../core/workspace/pemInsights';

type InsightsModule = typeof PemInsightsModule;

/** Every file on disk and every untitled document (PEM hides in YAML, JSON, .env, Kubernetes secrets…). */
export const PEM_DOCUMENTS: vscode.DocumentFilter[] = [{ scheme: 'file' }, { scheme: 'untitled' }];

let engine: Promise<InsightsModule> | undefined;

/** The engine's PEM insights module, loaded once, on demand. */
export function loadInsights(): Promise<InsightsModule> {
  engine ??= import('../../core/workspace/pemInsights');
  return engine;
}

export function isPemCandidate(document: vscode.TextDocument): boolean {
  return document.uri.scheme === 'file' || document.uri.scheme === 'untitled';
}

/** The same cheap test as the engine's `mayContainPem` (a PEM header, or one in base64), without loading the engine. */
function mayContainPem(text: string): boolean {
  return text.includes('-----BEGIN ') || text.includes('LS0tLS1CRUdJTi');
}

interface Entry {
  version: number;
  insights: Promise<PemInsights | undefined>;
}

export class InsightsStore implements vscode.Disposable {
  // Keyed by the document object, not its URI: a URI can come back as a new document with the same version
  // (`untitled:Untitled-1` after the first one closed).
  private entries = new WeakMap<vscode.TextDocument, Entry>();
  private readonly changed = new vscode.EventEmitter<void>();
  /** Fires when every entry was dropped (settings changed): providers re-ask. */
  readonly onDidReset = this.changed.event;

  /** The insights of `document` at its current version; undefined when it holds no PEM or is not scanned. */
  get(document: vscode.TextDocument): Promise<PemInsights | undefined> {
    if (!isPemCandidate(document)) return Promise.resolve(undefined);
    const hit = this.entries.get(document);
    if (hit && hit.version === document.version) return hit.insights;
    const insights = this.compute(document);
    this.entries.set(document, { version: document.version, insights });
    return insights;
  }

  /** The blocks at `position` of `document` (several when one base64 value holds a chain), with their insights. */
  async blocksAt(document: vscode.TextDocument, position: vscode.Position): Promise<{ blocks: PemBlockInsight[]; insights: PemInsights } | undefined> {
    const insights = await this.get(document);
    if (!insights || insights.blocks.length === 0) return undefined;
    const { blocksAt } = await loadInsights();
    const blocks = blocksAt(insights.blocks, position.line, position.character);
    return blocks.length > 0 ? { blocks, insights } : undefined;
  }

  forget(document: vscode.TextDocument): void {
    this.entries.delete(document);
  }

  reset(): void {
    this.entries = new WeakMap();
    this.changed.fire();
  }

  dispose(): void {
    this.entries = new WeakMap();
    this.changed.dispose();
  }

  private async compute(document: vscode.TextDocument): Promise<PemInsights | undefined> {
    const text = document.getText();
    if (!mayContainPem(text)) return undefined;
    const config = vscode.workspace.getConfiguration('tlsWorkbench', document.uri);
    const warnDays = config.get<number>('expiry.warningDays', 30);
    const maxMB = config.get<number>('maxFileSizeMB', 5);
    const { analyzePemText } = await loadInsights();
    const insights = analyzePemText(text, { warnDays, maxBytes: Math.floor(maxMB * 1024 * 1024) });
    return insights.skipped ? undefined : insights;
  }
}

/** The engine's 0-based range as a VS Code Range. */
export function toRange(r: PemBlockInsight['range']): vscode.Range {
  return new vscode.Range(r.startLine, r.startCharacter, r.endLine, r.endCharacter);
}
