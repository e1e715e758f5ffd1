// `npm start`: TLS Workbench in a real VS Code without installing VS Code. Builds and packages the extension,
// installs the .vsix into code-server (cached under ~/.cache/tls-workbench), makes a demo workspace of sample keys,
// CSRs, certificates and keystores on first start (demo-workspace/, not committed; delete it to have it made
// again), and serves VS Code on http://127.0.0.1:8080 until Ctrl-C.
//
//   npm start [-- --port N] [-- --host ADDRESS] [-- --no-build]
//
// Listens on 127.0.0.1 only, without authentication: --host 0.0.0.0 makes it reachable from other machines —
// anyone who can reach it can then run commands as you, so only do that on a trusted network.

'use strict';

const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const cs = require('./codeServer');
const { makeFixtures } = require('./fixtures');

const ROOT = path.resolve(__dirname, '..');
const DEMO = process.env.TLSW_DEMO_DIR ? path.resolve(process.env.TLSW_DEMO_DIR) : path.join(ROOT, 'demo-workspace');
const VSIX = path.join(ROOT, 'tls-workbench.vsix');
const PROFILE = process.env.TLSW_DEMO_PROFILE ? path.resolve(process.env.TLSW_DEMO_PROFILE) : path.join(os.homedir(), '.cache', 'tls-workbench', 'demo-profile');

function option(name, fallback) {
  const i = process.argv.indexOf(name);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}

function say(message) {
  process.stdout.write(`[start] ${message}\n`);
}

function portFree(port, host) {
  return new Promise((resolve) => {
    const probe = net.createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, host, () => probe.close(() => resolve(true)));
  });
}

async function main() {
  const host = option('--host', process.env.TLSW_HOST || '127.0.0.1');
  let port = Number(option('--port', process.env.PORT || '8080'));

  say(`code-server ${cs.VERSION}: ${cs.isInstalled() ? 'cached' : 'installing (once, about two minutes)'}`);
  cs.ensureCodeServer();

  if (!process.argv.includes('--no-build') || !fs.existsSync(VSIX)) {
    say('building and packaging the extension (npm run package)');
    const r = spawnSync('npm', ['run', '--silent', 'package'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
    if (r.status !== 0) throw new Error('npm run package failed');
  }

  if (!fs.existsSync(path.join(DEMO, 'fixtures.json'))) {
    say(`making the demo workspace with the tlsw CLI: ${path.relative(ROOT, DEMO)}/`);
    makeFixtures(DEMO, { demo: true });
  }

  const userDataDir = path.join(PROFILE, 'user');
  const extensionsDir = path.join(PROFILE, 'extensions');
  cs.writeUserSettings(userDataDir);
  say(`installing ${path.basename(VSIX)} into code-server`);
  cs.installExtension(VSIX, { userDataDir, extensionsDir });

  if (!(await portFree(port, host))) {
    say(`port ${port} is in use: taking a free one (choose with --port N)`);
    port = 0;
  }
  const logFile = path.join(PROFILE, 'code-server.log');
  fs.writeFileSync(logFile, '');
  const server = await cs.startCodeServer({ folder: DEMO, userDataDir, extensionsDir, port, logFile, bindHost: host });
  const url = cs.workbenchUrl(server.url, DEMO);
  process.stdout.write(
    [
      '',
      `  TLS Workbench is running in VS Code ${'(code-server ' + cs.VERSION + ')'}:`,
      '',
      `    ${url}`,
      '',
      `  Demo workspace: ${DEMO}`,
      '  Right-click a certificate in the Explorer, or F1 → "TLS Workbench: Inspect Certificate / File".',
      `  Log: ${logFile}`,
      '  Ctrl-C stops it.',
      '',
    ].join('\n') + '\n',
  );
  await new Promise((resolve) => server.process.once('exit', resolve));
  say('code-server stopped');
}

main().catch((e) => {
  process.stderr.write(`[start] ${e.message}\n`);
  process.exit(1);
});
