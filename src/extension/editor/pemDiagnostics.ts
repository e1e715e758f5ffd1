// Problems-panel diagnostics for the PEM blocks of open documents — expired, expiring (tlsWorkbench.expiry.
// warningDays), not yet valid, weak (RSA < 2048, SHA-1, MD5) and malformed — each with a `code`, underlining the
// block's first line (its BEGIN line: the base64 body under a squiggle is unreadable); quick fixes where one exists. Updated on open and (debounced) on change, cleared on close.

import * as vscode from 'vscode';
import type { PemBlockInsight, PemFinding, PemFindingCode } from '../../core/workspace/pemInsights';
import type { InsightsStore } from './insightsStore';
import { PEM_DOCUMENTS, isPemCandidate, toRange } from './insightsStore';

const DIAGNOSTIC_SOURCE = 'TLS Workbench';
const CHANGE_DELAY_MS = 300;

export class PemDiagnostics implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection('tlsWorkbench');
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();

  constructor(private readonly store: InsightsStore) {}

  static register(store: InsightsStore): vscode.Disposable {
    const diagnostics = new PemDiagnostics(store);
    const disposables = [
      diagnostics,
      vscode.workspace.onDidOpenTextDocument((d) => void diagnostics.refresh(d)),
      vscode.workspace.onDidChangeTextDocument((e) => diagnostics.schedule(e.document)),
      vscode.workspace.onDidCloseTextDocument((d) => diagnostics.clear(d)),
      store.onDidReset(() => vscode.workspace.textDocuments.forEach((d) => void diagnostics.refresh(d))),
      vscode.languages.registerCodeActionsProvider(PEM_DOCUMENTS, new PemCodeActions(store), {
        providedCodeActionKinds: PemCodeActions.providedCodeActionKinds,
      }),
    ];
    for (const d of vscode.workspace.textDocuments) void diagnostics.refresh(d);
    return vscode.Disposable.from(...disposables);
  }

  /** Recomputes the diagnostics of `document` after a quiet period (typing). */
  schedule(document: vscode.TextDocument): void {
    if (!isPemCandidate(document)) return;
    const key = document.uri.toString();
    clearTimeout(this.timers.get(key));
    this.timers.set(
      key,
      setTimeout(() => {
        this.timers.delete(key);
        void this.refresh(document);
      }, CHANGE_DELAY_MS),
    );
  }

  async refresh(document: vscode.TextDocument): Promise<void> {
    if (!isPemCandidate(document)) return;
    const version = document.version;
    const insights = await this.store.get(document);
    // Closed or edited meanwhile: the close handler or the next refresh has the last word.
    if (document.isClosed || document.version !== version) return;
    const diagnostics = (insights?.blocks ?? []).flatMap((b) => b.findings.map((f) => toDiagnostic(document, b, f)));
    if (diagnostics.length > 0) this.collection.set(document.uri, diagnostics);
    else this.collection.delete(document.uri);
  }

  clear(document: vscode.TextDocument): void {
    const key = document.uri.toString();
    clearTimeout(this.timers.get(key));
    this.timers.delete(key);
    this.collection.delete(document.uri);
    this.store.forget(document);
  }

  dispose(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    this.collection.dispose();
  }
}

/** The block's first line: from the block's start (a BEGIN line, or a base64 value) to that line's end. */
function firstLineOf(document: vscode.TextDocument, block: PemBlockInsight): vscode.Range {
  const r = toRange(block.range);
  if (r.isSingleLine || r.start.line >= document.lineCount) return r;
  return new vscode.Range(r.start, document.lineAt(r.start.line).range.end);
}

function toDiagnostic(document: vscode.TextDocument, block: PemBlockInsight, finding: PemFinding): vscode.Diagnostic {
  const severity = finding.severity === 'error' ? vscode.DiagnosticSeverity.Error : vscode.DiagnosticSeverity.Warning;
  const d = new vscode.Diagnostic(firstLineOf(document, block), finding.message, severity);
  d.code = finding.code;
  d.source = DIAGNOSTIC_SOURCE;
  return d;
}

/**
 * Quick fixes: a malformed block → "Inspect file"; an expired, expiring or weakly signed self-signed certificate →
 * "Renew with TLS Workbench…"; a weak key → "Generate a new key…".
 */
class PemCodeActions implements vscode.CodeActionProvider {
  static readonly providedCodeActionKinds = [vscode.CodeActionKind.QuickFix];

  constructor(private readonly store: InsightsStore) {}

  async provideCodeActions(document: vscode.TextDocument, _range: vscode.Range, context: vscode.CodeActionContext): Promise<vscode.CodeAction[]> {
    const ours = context.diagnostics.filter((d) => d.source === DIAGNOSTIC_SOURCE && typeof d.code === 'string');
    if (ours.length === 0) return [];
    // Commands started from a saved file put their outputs next to it; an untitled document has no folder.
    const args = document.uri.scheme === 'file' ? [document.uri] : [];
    const actions: vscode.CodeAction[] = [];
    for (const diagnostic of ours) {
      const code = diagnostic.code as PemFindingCode;
      // The block this diagnostic is about (blocks of one base64 value share a range: match the message).
      const found = await this.store.blocksAt(document, diagnostic.range.start);
      const block = found?.blocks.find((b) => b.findings.some((f) => f.code === code && f.message === diagnostic.message)) ?? found?.blocks[0];
      const object = block?.object;
      const selfSigned = object?.kind === 'certificate' && object.selfSigned;
      const add = (title: string, command: string, commandArgs: unknown[], preferred = false) => {
        // One action per fix: "Renew" for an expired SHA-1 certificate fixes both diagnostics.
        const same = actions.find((a) => a.title === title);
        if (same) {
          same.diagnostics?.push(diagnostic);
          return;
        }
        const action = new vscode.CodeAction(title, vscode.CodeActionKind.QuickFix);
        action.diagnostics = [diagnostic];
        action.command = { title, command, arguments: commandArgs };
        action.isPreferred = preferred;
        actions.push(action);
      };
      switch (code) {
        case 'malformed':
          // The inspect command reads files, and untitled documents from their text.
          add('Inspect file', 'tlsWorkbench.inspectFile', [document.uri], true);
          break;
        case 'expired':
        case 'expiring':
        case 'sha1-signature':
        case 'md5-signature':
          if (selfSigned) add('Renew with TLS Workbench…', 'tlsWorkbench.generateSelfSigned', args, true);
          break;
        case 'rsa-too-small':
          add('Generate a new key…', 'tlsWorkbench.generateKey', args, true);
          if (selfSigned) add('Renew with TLS Workbench…', 'tlsWorkbench.generateSelfSigned', args);
          break;
      }
    }
    return actions;
  }
}
