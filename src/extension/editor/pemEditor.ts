// PEM blocks in text editors — any file: YAML, JSON, .env, Kubernetes secrets, plain PEM. Hover summaries,
// a CodeLens per block, Problems-panel diagnostics and quick fixes, all from one per-document cache of the
// engine's insights (src/core/workspace/pemInsights.ts, loaded on first use).

import * as vscode from 'vscode';
import { InsightsStore } from './insightsStore';
import { PemCodeLens } from './pemCodeLens';
import { PemDiagnostics } from './pemDiagnostics';
import { PemHover } from './pemHover';

const RECOUNT_MS = 60 * 60 * 1000;

export class PemEditor {
  static register(context: vscode.ExtensionContext): void {
    const store = new InsightsStore();
    // Days left change without edits: recount now and then in long sessions.
    const recount = setInterval(() => store.reset(), RECOUNT_MS);
    recount.unref?.();
    context.subscriptions.push(
      { dispose: () => clearInterval(recount) },
      store,
      PemHover.register(store),
      PemCodeLens.register(store),
      PemDiagnostics.register(store),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('tlsWorkbench.expiry.warningDays') || e.affectsConfiguration('tlsWorkbench.maxFileSizeMB')) store.reset();
      }),
    );
  }
}
