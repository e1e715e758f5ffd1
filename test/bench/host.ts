// The extension-host part of the benchmarks: code-server (as the integration tests run it, scripts/codeServer.js)
// serving the 20,000-file tree, with the PRODUCTION build of the extension (out/bench-dist, copied into a
// throwaway extension folder) loaded in development mode and test/bench/hostProbe.js as extensionTestsPath.
// Each page opened on the workbench starts a new extension host, which activates the extension once: `runs`
// pages give `runs` activations. The first host also measures the explorer and key generation (hostProbe.ts).

import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type * as CodeServer from '../../scripts/codeServer';
import type { ProbeResult } from './hostProbe';
import type { Tree } from './tree';

const ROOT = join(__dirname, '..', '..', '..');

export interface HostResults {
  vscodeVersion: string;
  activation?: { activateMs: number[]; requireMs: number[] };
  explorer?: { files: number; firstResultsMs: number[]; totalMs: number[]; maxLagMs: number[] };
  rsaMaxLagMs?: number;
}

export async function runHost(opts: { build: string; tree: Tree | undefined; runs: number; keep: boolean; log: (s: string) => void }): Promise<HostResults> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const cs = require(join(ROOT, 'scripts', 'codeServer.js')) as typeof CodeServer;
  cs.ensureCodeServer();
  const tmp = mkdtempSync(join(tmpdir(), 'tlsw-bench-host-'));
  const out = join(tmp, 'results');
  mkdirSync(out);
  // The extension as it ships: package.json, media and the production bundles.
  const ext = join(tmp, 'extension');
  mkdirSync(ext);
  cpSync(join(ROOT, 'package.json'), join(ext, 'package.json'));
  cpSync(join(ROOT, 'media'), join(ext, 'media'), { recursive: true });
  cpSync(opts.build, join(ext, 'dist'), { recursive: true, filter: (src) => !src.endsWith('.map') });
  const workspace = opts.tree?.dir ?? join(tmp, 'workspace');
  if (!existsSync(workspace)) mkdirSync(workspace);
  cs.writeUserSettings(join(tmp, 'user'));
  const probe = join(__dirname, 'hostProbe.js');

  let server: CodeServer.RunningCodeServer | undefined;
  let chromium: Awaited<ReturnType<typeof CodeServer.launchChromium>> | undefined;
  const results: ProbeResult[] = [];
  try {
    server = await cs.startCodeServer({
      folder: workspace,
      userDataDir: join(tmp, 'user'),
      extensionsDir: join(tmp, 'extensions'),
      env: { TLSW_BENCH_OUT: out },
      logFile: join(tmp, 'code-server.log'),
    });
    chromium = await cs.launchChromium();
    const url = cs.workbenchUrl(server.url, workspace, { extensionDevelopmentPath: ext, extensionTestsPath: probe });
    for (let i = 0; i < opts.runs; i++) {
      const before = readdirSync(out).filter((f) => f.endsWith('.json')).length;
      const page = await chromium.browser.newPage({ viewport: { width: 1280, height: 800 } });
      try {
        await page.goto(url, { waitUntil: 'domcontentloaded' });
        const deadline = Date.now() + (i === 0 ? 240_000 : 90_000);
        for (;;) {
          const files = readdirSync(out).filter((f) => f.endsWith('.json'));
          if (files.length > before) break;
          if (Date.now() > deadline) throw new Error(`extension host ${i + 1}: no result (see ${tmp})`);
          if (server.process.exitCode !== null) throw new Error('code-server exited');
          await new Promise((r) => setTimeout(r, 200));
        }
      } finally {
        await page.close().catch(() => undefined);
      }
      opts.log(`extension host ${i + 1}/${opts.runs} measured`);
    }
    for (const f of readdirSync(out).filter((n) => n.endsWith('.json')).sort()) {
      results.push(JSON.parse(readFileSync(join(out, f), 'utf8')) as ProbeResult);
    }
  } finally {
    if (chromium) await chromium.close();
    if (server) await server.stop();
    if (!opts.keep) rmSync(tmp, { recursive: true, force: true });
    else opts.log(`extension host files kept in ${tmp}`);
  }
  const failed = results.find((r) => r.error);
  if (failed) throw new Error(`in the extension host: ${failed.error}`);
  const withExplorer = results.find((r) => r.explorer);
  return {
    vscodeVersion: results[0]?.vscodeVersion ?? '?',
    activation: { activateMs: results.map((r) => r.activationMs), requireMs: results.map((r) => r.requireMs) },
    explorer: withExplorer?.explorer,
    rsaMaxLagMs: withExplorer?.rsaMaxLagMs,
  };
}
