// Runs INSIDE the real extension host (code-server loads it as extensionTestsPath; see host.ts) with the
// production build of the extension: reads how long activate() took, times a fresh load of dist/extension.js,
// times the Certificate Explorer's scans (first results, worst event-loop lag) and, once per host, the event-loop
// lag while an RSA-4096 key is generated through the engine the extension loaded. Writes one JSON file into
// $TLSW_BENCH_OUT and resolves (VS Code then ends the test run).

import { readdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { CertificateExplorer } from '../../src/extension/explorer/certificateExplorer';
import type { TlsWorkbenchApi } from '../../src/extension/extension';
import type * as KeygenMod from '../../src/core/write/keygen';
import { lagProbe } from './measure';

const EXTENSION_ID = 'tls-workbench.tls-workbench';

export interface ProbeResult {
  pid: number;
  vscodeVersion: string;
  activationMs: number;
  requireMs: number;
  explorer?: { files: number; firstResultsMs: number[]; totalMs: number[]; maxLagMs: number[] };
  rsaMaxLagMs?: number;
  error?: string;
}

export async function run(): Promise<void> {
  const out = process.env.TLSW_BENCH_OUT;
  if (!out) throw new Error('TLSW_BENCH_OUT is not set (run through test/bench/host.ts)');
  // The first host of a run also measures the explorer and key generation; the next ones only activation.
  const first = !readdirSync(out).some((f) => f.startsWith('host-') && f.endsWith('.json'));
  const result: ProbeResult = { pid: process.pid, vscodeVersion: vscode.version, activationMs: NaN, requireMs: NaN };
  try {
    const ext = vscode.extensions.getExtension<TlsWorkbenchApi>(EXTENSION_ID);
    if (!ext) throw new Error(`${EXTENSION_ID} is not loaded`);
    const api = await ext.activate();
    result.activationMs = api.activationMs;

    // Loading the startup bundle again (read, compile, evaluate; activate() not called): what VS Code pays
    // before activate() runs.
    const bundle = join(ext.extensionPath, 'dist', 'extension.js');
    const cached = require.cache[bundle];
    delete require.cache[bundle];
    const t0 = performance.now();
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    require(bundle);
    result.requireMs = performance.now() - t0;
    if (cached) require.cache[bundle] = cached;

    if (first) {
      // The explorer's own refresh command resolves with it once the first full scan is over.
      const explorer = await vscode.commands.executeCommand<CertificateExplorer>('tlsWorkbench.explorer.refresh');
      const index = explorer.index;
      const firsts: number[] = [];
      const total: number[] = [];
      const lag: number[] = [];
      for (let i = 0; i < 10; i++) {
        const probe = lagProbe();
        const t = performance.now();
        let firstAt = -1;
        const sub = index.onDidChange(() => {
          if (firstAt < 0) firstAt = performance.now() - t;
        });
        await index.refresh();
        total.push(performance.now() - t);
        sub.dispose();
        lag.push(probe.stop().maxLagMs);
        firsts.push(firstAt);
      }
      result.explorer = { files: index.all().length, firstResultsMs: firsts, totalMs: total, maxLagMs: lag };

      // RSA-4096 through the engine the extension loaded (the same module instance: same path).
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const engine = require(join(ext.extensionPath, 'dist', 'engine.js')) as { 'write/keygen': typeof KeygenMod };
      const probe = lagProbe();
      await engine['write/keygen'].generateKey({ type: 'rsa', bits: 4096 });
      result.rsaMaxLagMs = probe.stop().maxLagMs;
    }
  } catch (e) {
    result.error = e instanceof Error ? (e.stack ?? e.message) : String(e);
  }
  const file = join(out, `host-${process.pid}-${Date.now()}.json`);
  writeFileSync(`${file}.tmp`, JSON.stringify(result, null, 2));
  renameSync(`${file}.tmp`, file); // renamed into place: the runner never reads half a file
}
