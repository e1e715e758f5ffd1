// Runs the extension-host integration tests (test/integration) inside a real VS Code: code-server 4.100.3
// (VS Code 1.100.3) with the workbench in Debian's headless Chromium, the extension loaded from this checkout in
// development mode, and test/integration/index.js as its extensionTestsPath. Prints mocha-style results and a
// closing "N passed, N failed" line; exits 1 on any failure or timeout. Always stops code-server and Chromium.
//
//   node scripts/runIntegration.js [--grep PATTERN] [--keep]      (npm run test:integration)
//
// Logs, the results JSON and (on failure) a screenshot go to test-artifacts/integration/.

/* global setTimeout */
'use strict';

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const cs = require('./codeServer');
const { makeFixtures } = require('./fixtures');

const ROOT = path.resolve(__dirname, '..');
const ARTIFACTS = path.join(ROOT, 'test-artifacts', 'integration');
const TIMEOUT_MS = Number(process.env.TLSW_INTEGRATION_TIMEOUT_MS || 180_000);

function arg(name) {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

function step(message) {
  process.stdout.write(`[integration] ${message}\n`);
}

function runOrThrow(cmd, args, what) {
  const r = spawnSync(cmd, args, { cwd: ROOT, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${what} failed:\n${r.stdout}${r.stderr}`);
}

/** Prints the results like mocha's spec reporter, then the closing line. Returns the number of failures. */
function report(results) {
  const lines = [''];
  let lastSuites = [];
  const failures = [];
  for (const t of results.tests) {
    t.suites.forEach((s, i) => {
      if (lastSuites[i] !== s) {
        lines.push(`${'  '.repeat(i + 1)}${s}`);
        lastSuites = t.suites.slice(0, i + 1);
      }
    });
    lastSuites = t.suites;
    const indent = '  '.repeat(t.suites.length + 1);
    if (t.state === 'passed') lines.push(`${indent}✔ ${t.title} (${t.durationMs} ms)`);
    else if (t.state === 'pending') lines.push(`${indent}- ${t.title}`);
    else {
      failures.push(t);
      lines.push(`${indent}${failures.length}) ${t.title}`);
    }
  }
  lines.push('', `  ${results.passed} passing (${(results.durationMs / 1000).toFixed(1)} s), VS Code ${results.vscodeVersion} in code-server ${cs.VERSION}`);
  if (results.pending) lines.push(`  ${results.pending} pending`);
  if (failures.length) {
    lines.push(`  ${failures.length} failing`, '');
    failures.forEach((t, i) => {
      lines.push(`  ${i + 1}) ${t.fullTitle}:`);
      const stack = (t.error && (t.error.stack || t.error.message)) || 'no error';
      lines.push(...stack.split('\n').map((l) => `     ${l}`), '');
    });
  }
  lines.push('', `${results.passed} passed, ${results.failed} failed${results.pending ? `, ${results.pending} skipped` : ''}`);
  process.stdout.write(lines.join('\n') + '\n');
  return results.failed;
}

async function main() {
  const started = Date.now();
  const keep = process.argv.includes('--keep');
  fs.rmSync(ARTIFACTS, { recursive: true, force: true });
  fs.mkdirSync(ARTIFACTS, { recursive: true });

  step('code-server: ensuring the cached install');
  cs.ensureCodeServer();
  // A hard stop from here on, whatever hangs: the exit hooks in codeServer.js kill the server and the browser.
  setTimeout(() => {
    process.stdout.write(`\n[integration] timed out after ${(TIMEOUT_MS + 60_000) / 1000} s\n0 passed, 1 failed\n`);
    process.exit(1);
  }, TIMEOUT_MS + 60_000).unref();
  step('building the extension (esbuild) and compiling test/integration');
  runOrThrow(process.execPath, ['esbuild.js'], 'node esbuild.js');
  // tsc emits even when some file has type errors (`npm run build` is where those fail the build): report them
  // and run what was emitted; a test whose code is really broken fails on its own.
  const tsc = spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'test/integration/tsconfig.json'], { cwd: ROOT, encoding: 'utf8' });
  if (tsc.status !== 0) {
    const diagnostics = `${tsc.stdout}${tsc.stderr}`.trim();
    if (!/error TS/.test(diagnostics)) throw new Error(`tsc -p test/integration failed:\n${diagnostics}`);
    step(`warning: type errors (running the emitted code anyway):\n${diagnostics}`);
  }

  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tlsw-it-'));
  const workspace = path.join(tmp, 'workspace');
  const resultsFile = path.join(tmp, 'results.json');
  makeFixtures(workspace);
  cs.writeUserSettings(path.join(tmp, 'user'));

  let server;
  let chromium;
  let page;
  let outcome = 1;
  const consoleLog = fs.createWriteStream(path.join(ARTIFACTS, 'browser-console.log'));
  try {
    const env = { TLSW_INTEGRATION_RESULTS: resultsFile };
    const grep = arg('--grep');
    if (grep) env.TLSW_INTEGRATION_GREP = grep;
    server = await cs.startCodeServer({
      folder: workspace,
      userDataDir: path.join(tmp, 'user'),
      extensionsDir: path.join(tmp, 'extensions'),
      env,
      logFile: path.join(ARTIFACTS, 'code-server.log'),
    });
    step(`code-server ${cs.VERSION} at ${server.url} (${Math.round((Date.now() - started) / 1000)} s)`);
    chromium = await cs.launchChromium();
    page = await chromium.browser.newPage({ viewport: { width: 1280, height: 800 } });
    page.on('console', (m) => consoleLog.write(`[${m.type()}] ${m.text()}\n`));
    page.on('pageerror', (e) => consoleLog.write(`[pageerror] ${e.message}\n`));
    const url = cs.workbenchUrl(server.url, workspace, {
      extensionDevelopmentPath: ROOT,
      extensionTestsPath: path.join(ROOT, 'out', 'test', 'integration', 'index.js'),
    });
    step('opening the workbench in headless Chromium; the tests run in its extension host');
    await page.goto(url, { waitUntil: 'domcontentloaded' });

    const deadline = Date.now() + TIMEOUT_MS;
    while (!fs.existsSync(resultsFile)) {
      if (Date.now() > deadline) throw new Error(`no results after ${TIMEOUT_MS / 1000} s (see ${path.relative(ROOT, ARTIFACTS)}/)`);
      if (server.process.exitCode !== null || server.process.signalCode !== null) throw new Error('code-server exited before the tests finished');
      await new Promise((r) => setTimeout(r, 250));
    }
    const results = JSON.parse(fs.readFileSync(resultsFile, 'utf8'));
    fs.copyFileSync(resultsFile, path.join(ARTIFACTS, 'results.json'));
    const failed = report(results);
    outcome = failed > 0 || results.passed === 0 ? 1 : 0;
    if (results.passed === 0 && failed === 0) process.stdout.write('no test ran: that is a failure\n');
  } catch (e) {
    process.stdout.write(`\n[integration] ERROR: ${e.message}\n`);
    if (page) await page.screenshot({ path: path.join(ARTIFACTS, 'failure.png') }).catch(() => undefined);
    process.stdout.write('\n0 passed, 1 failed\n');
    outcome = 1;
  } finally {
    if (chromium) await chromium.close();
    if (server) await server.stop();
    consoleLog.end();
    if (outcome === 0 && !keep) fs.rmSync(tmp, { recursive: true, force: true });
    else process.stdout.write(`[integration] workspace and profile kept in ${tmp}\n`);
  }
  step(`done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return outcome;
}

main().then(
  (code) => process.exit(code),
  (e) => {
    process.stdout.write(`[integration] ERROR: ${e.message}\n0 passed, 1 failed\n`);
    process.exit(1);
  },
);
