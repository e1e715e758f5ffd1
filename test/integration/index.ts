// Entry point of the extension-host integration tests: VS Code loads this file (extensionTestsPath) inside the
// real extension host and calls run(). It runs every *.test.js beside it with mocha, and
//  - when TLSW_INTEGRATION_RESULTS names a file (the code-server runner, scripts/runIntegration.js), writes the
//    results there as JSON, since nothing else carries them out of a browser-hosted workbench;
//  - rejects when a test failed, which is how @vscode/test-electron learns the outcome.

import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';

export interface TestResult {
  title: string;
  fullTitle: string;
  suites: string[];
  state: 'passed' | 'failed' | 'pending';
  durationMs: number;
  error?: { message: string; stack?: string };
}

export interface RunResults {
  passed: number;
  failed: number;
  pending: number;
  durationMs: number;
  vscodeVersion: string;
  tests: TestResult[];
}

export async function run(): Promise<void> {
  const started = Date.now();
  const mocha = new Mocha({ ui: 'tdd', color: false, timeout: 30_000, reporter: 'spec' });
  const grep = process.env.TLSW_INTEGRATION_GREP;
  if (grep) mocha.grep(grep);
  const files = fs
    .readdirSync(__dirname)
    .filter((f) => f.endsWith('.test.js'))
    .sort();
  for (const f of files) mocha.addFile(path.join(__dirname, f));

  const tests: TestResult[] = [];
  const record = (t: Mocha.Test, state: TestResult['state'], err?: Error): void => {
    const suites: string[] = [];
    for (let s: Mocha.Suite | undefined = t.parent; s && !s.root; s = s.parent) suites.unshift(s.title);
    tests.push({
      title: t.title,
      fullTitle: t.fullTitle(),
      suites,
      state,
      durationMs: t.duration ?? 0,
      ...(err ? { error: { message: err.message, stack: err.stack } } : {}),
    });
  };

  let failures: number;
  try {
    await mocha.loadFilesAsync();
    failures = await new Promise<number>((resolve) => {
      const runner = mocha.run((n) => resolve(n));
      runner.on('pass', (t) => record(t, 'passed'));
      runner.on('fail', (t, err) => {
        // A failing hook is reported on the hook: record it under its title.
        record(t as Mocha.Test, 'failed', err);
      });
      runner.on('pending', (t) => record(t, 'pending'));
    });
  } catch (e) {
    const err = e instanceof Error ? e : new Error(String(e));
    tests.push({ title: 'loading the test files', fullTitle: 'loading the test files', suites: [], state: 'failed', durationMs: 0, error: { message: err.message, stack: err.stack } });
    failures = 1;
  }

  const results: RunResults = {
    passed: tests.filter((t) => t.state === 'passed').length,
    failed: tests.filter((t) => t.state === 'failed').length,
    pending: tests.filter((t) => t.state === 'pending').length,
    durationMs: Date.now() - started,
    vscodeVersion: (await import('vscode')).version,
    tests,
  };
  const out = process.env.TLSW_INTEGRATION_RESULTS;
  if (out) {
    // Written under a temporary name and renamed, so the runner never reads half a file.
    fs.writeFileSync(`${out}.tmp`, JSON.stringify(results, null, 2));
    fs.renameSync(`${out}.tmp`, out);
  }
  if (failures > 0 || results.failed > 0) throw new Error(`${Math.max(failures, results.failed)} integration test(s) failed`);
}
