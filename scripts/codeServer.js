// code-server (VS Code's own server + workbench, from the npm registry) for the integration and e2e tests and
// `npm start`, on machines that reach only the npm registry and Debian's packages.
//
//   node scripts/codeServer.js            install (once) and print where it is
//   node scripts/codeServer.js --check    only report missing Debian packages
//
// It is installed OUTSIDE the repository, in ~/.cache/tls-workbench/code-server-<version> (override the folder
// with TLSW_CODE_SERVER_DIR), once per version: a plain `npm install code-server` fails offline, so this follows
// the recipe in issue 5 (--ignore-scripts, rebuild only the native addons, Debian's ripgrep, postinstall's
// symlinks). Building happens in a temporary sibling folder renamed into place at the end, under a lock, so an
// interrupted install is never mistaken for a finished one and two runs never build at once.
//
// Also exports the helpers the runners share: start/stop a server, install a .vsix, launch Chromium.

/* global setTimeout, clearTimeout, fetch, URL */
'use strict';

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawn, spawnSync } = require('node:child_process');

const VERSION = '4.100.3';
const CACHE_DIR = process.env.TLSW_CODE_SERVER_DIR || path.join(os.homedir(), '.cache', 'tls-workbench', `code-server-${VERSION}`);
const MARKER = '.tlsw-installed';
const CHROMIUM = process.env.TLSW_CHROMIUM || '/usr/bin/chromium';

/** Debian packages: to build code-server's native addons, its search (ripgrep) and the browser the tests use. */
const DEBIAN_PACKAGES = ['libkrb5-dev', 'libx11-dev', 'libxkbfile-dev', 'libsecret-1-dev', 'pkg-config', 'ripgrep', 'chromium'];
const BUILD_TOOLS = ['python3', 'make', 'g++'];

/** Native addons of VS Code's server that need building for this Node (their install scripts were skipped). */
const NATIVE_ADDONS = ['kerberos', 'node-pty', '@vscode/spdlog', '@parcel/watcher', 'native-watchdog', '@vscode/deviceid'];

const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

function log(message) {
  process.stderr.write(`[code-server] ${message}\n`);
}

function entryPath(dir = CACHE_DIR) {
  return path.join(dir, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
}

function isInstalled(dir = CACHE_DIR) {
  try {
    return fs.readFileSync(path.join(dir, MARKER), 'utf8').trim() === VERSION && fs.existsSync(entryPath(dir));
  } catch {
    return false;
  }
}

function dpkgInstalled(pkg) {
  const r = spawnSync('dpkg-query', ['-W', '-f=${Status}', pkg], { encoding: 'utf8' });
  return r.status === 0 && r.stdout.includes('install ok installed');
}

function onPath(cmd) {
  return spawnSync('sh', ['-c', `command -v "${cmd}"`], { stdio: 'ignore' }).status === 0;
}

/** The Debian packages (and build tools) that are missing, or [] when all are there. */
function missingPackages({ forInstall = true, forBrowser = true } = {}) {
  const wanted = DEBIAN_PACKAGES.filter((p) => (p === 'chromium' ? forBrowser : forInstall));
  if (!onPath('dpkg-query')) {
    // Not Debian: check only the commands we call directly.
    return [...(forInstall ? ['rg', ...BUILD_TOOLS] : []), ...(forBrowser ? [CHROMIUM] : [])].filter((c) => !onPath(c));
  }
  const missing = wanted.filter((p) => !dpkgInstalled(p));
  if (forInstall) missing.push(...BUILD_TOOLS.filter((c) => !onPath(c)));
  return missing;
}

function requirePackages(options) {
  const missing = missingPackages(options);
  if (missing.length === 0) return;
  throw new Error(
    `missing Debian package(s): ${missing.join(' ')}.\n` +
      `Install them first (as root):\n  apt-get update && apt-get install -y --no-install-recommends ${missing.join(' ')}\n` +
      '(.ci/run does this on CI.)',
  );
}

/** Runs a command, output to `logFile`; on failure throws with the log's tail. */
function run(cmd, args, { cwd, env, logFile }) {
  fs.appendFileSync(logFile, `\n$ (cd ${cwd} && ${cmd} ${args.join(' ')})\n`);
  const fd = fs.openSync(logFile, 'a');
  try {
    const r = spawnSync(cmd, args, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', fd, fd] });
    if (r.status !== 0) {
      const tail = fs.readFileSync(logFile, 'utf8').split('\n').slice(-40).join('\n');
      throw new Error(`"${cmd} ${args.join(' ')}" failed in ${cwd} (exit ${r.status ?? r.signal}). Last lines of ${logFile}:\n${tail}`);
    }
  } finally {
    fs.closeSync(fd);
  }
}

function sleepSync(ms) {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function pidAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return e.code === 'EPERM';
  }
}

/** A lock folder holding the owner's pid; a stale lock (dead owner) is taken over. */
function withLock(lockDir, fn) {
  const deadline = Date.now() + 15 * 60 * 1000;
  for (;;) {
    try {
      fs.mkdirSync(lockDir);
      fs.writeFileSync(path.join(lockDir, 'pid'), String(process.pid));
      break;
    } catch (e) {
      if (e.code !== 'EEXIST') throw e;
      let owner = NaN;
      try {
        owner = Number(fs.readFileSync(path.join(lockDir, 'pid'), 'utf8'));
      } catch {
        /* being written */
      }
      const stat = fs.statSync(lockDir, { throwIfNoEntry: false });
      if (!stat) continue; // released meanwhile
      const age = Date.now() - stat.mtimeMs;
      const ownerless = !(Number.isInteger(owner) && owner > 0) && age > 30_000;
      if (ownerless || (Number.isInteger(owner) && owner > 0 && !pidAlive(owner))) {
        fs.rmSync(lockDir, { recursive: true, force: true });
        continue;
      }
      if (Date.now() > deadline) throw new Error(`timed out waiting for another code-server install (lock ${lockDir})`, { cause: e });
      sleepSync(1000);
    }
  }
  try {
    return fn();
  } finally {
    fs.rmSync(lockDir, { recursive: true, force: true });
  }
}

function build(dir, logFile) {
  fs.writeFileSync(logFile, `code-server ${VERSION} install, ${new Date().toISOString()}\n`);
  const npm = 'npm';
  const quiet = ['--no-audit', '--no-fund', '--loglevel=error'];
  const env = { npm_config_yes: 'true', npm_config_update_notifier: 'false' };

  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'tlsw-code-server-cache', private: true }, null, 2));
  log(`1/5 npm install --ignore-scripts code-server@${VERSION}`);
  run(npm, ['install', '--ignore-scripts', ...quiet, `code-server@${VERSION}`], { cwd: dir, env, logFile });
  log('2/5 npm rebuild argon2');
  run(npm, ['rebuild', 'argon2'], { cwd: dir, env, logFile });

  const vscodeDir = path.join(dir, 'node_modules', 'code-server', 'lib', 'vscode');
  log('3/5 VS Code server dependencies (npm install --omit=dev --ignore-scripts)');
  run(npm, ['install', '--omit=dev', '--ignore-scripts', ...quiet], { cwd: vscodeDir, env, logFile });
  log(`4/5 native addons: ${NATIVE_ADDONS.join(' ')}`);
  run(npm, ['rebuild', ...NATIVE_ADDONS], { cwd: vscodeDir, env, logFile });

  log("5/5 Debian's ripgrep and postinstall's symlinks");
  const rg = spawnSync('sh', ['-c', 'command -v rg'], { encoding: 'utf8' }).stdout.trim();
  if (!rg) throw new Error('ripgrep (rg) not found: apt-get install ripgrep');
  const rgDir = path.join(vscodeDir, 'node_modules', '@vscode', 'ripgrep', 'bin');
  fs.mkdirSync(rgDir, { recursive: true });
  fs.copyFileSync(fs.realpathSync(rg), path.join(rgDir, 'rg'));
  fs.chmodSync(path.join(rgDir, 'rg'), 0o755);
  symlink('node_modules', path.join(vscodeDir, 'node_modules.asar'));
  symlink('code-linux.sh', path.join(vscodeDir, 'bin', 'remote-cli', 'code-server'));
  symlink('browser-linux.sh', path.join(vscodeDir, 'bin', 'helpers', 'browser.sh'));

  const version = spawnSync(process.execPath, [entryPath(dir), '--version'], {
    encoding: 'utf8',
    env: { ...process.env, XDG_CONFIG_HOME: path.join(dir, '.xdg-config') }, // not the user's ~/.config
  });
  if (version.status !== 0 || !new RegExp(`^${VERSION.replace(/\./g, '\\.')} `, 'm').test(version.stdout)) {
    throw new Error(`the installed code-server does not start: ${version.stderr || version.stdout}`);
  }
  fs.writeFileSync(path.join(dir, MARKER), VERSION + '\n');
}

function symlink(target, link) {
  fs.rmSync(link, { force: true, recursive: false });
  fs.symlinkSync(target, link);
}

/** Installs code-server into the cache when it is not there yet; returns the path of its entry.js. */
function ensureCodeServer() {
  if (isInstalled()) return entryPath();
  requirePackages({ forInstall: true, forBrowser: false });
  const parent = path.dirname(CACHE_DIR);
  fs.mkdirSync(parent, { recursive: true });
  return withLock(`${CACHE_DIR}.lock`, () => {
    if (isInstalled()) return entryPath();
    const started = Date.now();
    log(`installing code-server ${VERSION} into ${CACHE_DIR} (once; about two minutes)`);
    const staging = `${CACHE_DIR}.partial`;
    fs.rmSync(staging, { recursive: true, force: true });
    build(staging, `${CACHE_DIR}.install.log`);
    fs.rmSync(CACHE_DIR, { recursive: true, force: true });
    fs.renameSync(staging, CACHE_DIR);
    log(`installed in ${Math.round((Date.now() - started) / 1000)} s`);
    return entryPath();
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Running it

const children = new Set();
let exitHooked = false;

/** Kills a detached child's whole process group (code-server forks its extension hosts), at once. */
function killGroup(child, signal = 'SIGKILL') {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    try {
      child.kill(signal);
    } catch {
      /* already gone */
    }
  }
}

function track(child) {
  children.add(child);
  child.once('exit', () => children.delete(child));
  if (!exitHooked) {
    exitHooked = true;
    // Whatever happens (failure, timeout, Ctrl-C, a kill), no server or browser outlives the runner.
    process.on('exit', () => children.forEach((c) => killGroup(c)));
    for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
      process.once(sig, () => {
        children.forEach((c) => killGroup(c));
        process.exit(130);
      });
    }
  }
}

/** Settings for a test or demo profile: no welcome page, tips, trust prompts, or network chatter. */
const QUIET_SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'security.workspace.trust.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'git.enabled': false,
  'chat.disableAIFeatures': true,
  'chat.commandCenter.enabled': false,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
};

function writeUserSettings(userDataDir, extra = {}) {
  const dir = path.join(userDataDir, 'User');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'settings.json');
  let current = {};
  try {
    current = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    /* new profile */
  }
  fs.writeFileSync(file, JSON.stringify({ ...QUIET_SETTINGS, ...current, ...extra }, null, 2));
}

/** `code-server --install-extension VSIX` into the given extensions folder. */
function installExtension(vsix, { userDataDir, extensionsDir, logFile }) {
  const entry = ensureCodeServer();
  const r = spawnSync(
    process.execPath,
    [entry, '--user-data-dir', userDataDir, '--extensions-dir', extensionsDir, '--install-extension', path.resolve(vsix), '--force'],
    { encoding: 'utf8', env: serverEnv(userDataDir), timeout: 120_000 },
  );
  if (logFile) fs.appendFileSync(logFile, `$ --install-extension ${vsix}\n${r.stdout}${r.stderr}\n`);
  if (r.status !== 0 || !/was successfully installed/i.test(r.stdout + r.stderr)) {
    throw new Error(`installing ${vsix} into code-server failed (exit ${r.status ?? r.signal}):\n${r.stdout}${r.stderr}`);
  }
}

function serverEnv(userDataDir, extra = {}) {
  const env = { ...process.env, ...extra };
  // code-server writes a default config.yaml (with a generated password) under XDG_CONFIG_HOME when it has
  // none: keep that inside the throwaway profile rather than in the user's home.
  env.XDG_CONFIG_HOME = path.join(userDataDir, 'xdg-config');
  delete env.VSCODE_IPC_HOOK_CLI;
  delete env.ELECTRON_RUN_AS_NODE;
  return env;
}

/**
 * Starts code-server on 127.0.0.1 (or `bindHost`; a free port unless `port` is given) serving `folder`, and waits
 * until it answers. Returns { url, port, process, stop() }. The server runs in its own process group; stop() kills it.
 */
async function startCodeServer({ folder, userDataDir, extensionsDir, port = 0, bindHost = '127.0.0.1', env = {}, logFile, timeoutMs = 60_000 }) {
  const entry = ensureCodeServer();
  fs.mkdirSync(userDataDir, { recursive: true });
  fs.mkdirSync(extensionsDir, { recursive: true });
  const args = [
    entry,
    '--bind-addr', `${bindHost}:${port}`,
    '--auth', 'none',
    '--user-data-dir', userDataDir,
    '--extensions-dir', extensionsDir,
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--disable-getting-started-override',
    '--ignore-last-opened',
  ];
  if (folder) args.push(folder);
  const out = logFile ? fs.openSync(logFile, 'a') : 'ignore';
  const child = spawn(process.execPath, args, {
    detached: true,
    env: serverEnv(userDataDir, env),
    stdio: ['ignore', 'pipe', out],
  });
  if (typeof out === 'number') fs.closeSync(out);
  track(child);
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    killGroup(child, 'SIGTERM');
    const timer = setTimeout(() => killGroup(child, 'SIGKILL'), 3000);
    await exited;
    clearTimeout(timer);
    killGroup(child, 'SIGKILL'); // stragglers in the group
  };

  const actualPort = await new Promise((resolve, reject) => {
    let buffered = '';
    const timer = setTimeout(() => fail(new Error(`code-server did not start within ${timeoutMs / 1000} s`)), timeoutMs);
    function fail(err) {
      clearTimeout(timer);
      void stop();
      reject(err);
    }
    child.once('exit', (code, signal) => fail(new Error(`code-server exited early (${code ?? signal})${logFile ? `; see ${logFile}` : ''}`)));
    child.stdout.on('data', (chunk) => {
      const text = chunk.toString();
      if (logFile) fs.appendFileSync(logFile, text);
      buffered += text;
      const m = /HTTP server listening on https?:\/\/[^\s:]+:(\d+)/.exec(buffered);
      if (m) {
        clearTimeout(timer);
        child.removeAllListeners('exit');
        resolve(Number(m[1]));
      }
    });
  });
  const url = `http://127.0.0.1:${actualPort}`;
  // Listening is not serving yet: wait for the health endpoint.
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const res = await fetch(`${url}/healthz`);
      if (res.ok) break;
    } catch {
      /* not yet */
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error('code-server does not answer /healthz');
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return { url, port: actualPort, process: child, stop };
}

/** The workbench URL for `folder`, optionally with the extension-development payload for extension-host tests. */
function workbenchUrl(base, folder, { extensionDevelopmentPath, extensionTestsPath } = {}) {
  const u = new URL(base);
  const host = u.host;
  u.pathname = '/';
  if (folder) u.searchParams.set('folder', folder);
  const payload = [];
  if (extensionDevelopmentPath) payload.push(['extensionDevelopmentPath', `vscode-remote://${host}${path.resolve(extensionDevelopmentPath)}`]);
  if (extensionTestsPath) payload.push(['extensionTestsPath', `vscode-remote://${host}${path.resolve(extensionTestsPath)}`]);
  if (payload.length) u.searchParams.set('payload', JSON.stringify(payload));
  return u.toString();
}

/**
 * Debian's Chromium through playwright-core (never a downloaded browser). Returns { browser, close() }; close()
 * always ends the browser's process group, even when Playwright's own close hangs.
 */
async function launchChromium({ headless = true } = {}) {
  requirePackages({ forInstall: false, forBrowser: true });
  const { chromium } = require('playwright-core');
  const server = await chromium.launchServer({ executablePath: CHROMIUM, headless, args: CHROMIUM_ARGS });
  const proc = server.process();
  track(proc);
  const browser = await chromium.connect(server.wsEndpoint());
  const close = async () => {
    const timer = new Promise((r) => setTimeout(r, 5000));
    await Promise.race([browser.close().catch(() => undefined), timer]);
    await Promise.race([server.close().catch(() => undefined), timer]);
    killGroup(proc);
  };
  return { browser, close };
}

module.exports = {
  VERSION,
  CACHE_DIR,
  CHROMIUM,
  CHROMIUM_ARGS,
  DEBIAN_PACKAGES,
  ensureCodeServer,
  isInstalled,
  missingPackages,
  startCodeServer,
  installExtension,
  writeUserSettings,
  workbenchUrl,
  launchChromium,
  killGroup,
};

if (require.main === module) {
  try {
    if (process.argv.includes('--check')) {
      const missing = missingPackages();
      console.log(missing.length ? `missing: ${missing.join(' ')}` : 'all Debian packages present');
      process.exitCode = missing.length ? 1 : 0;
    } else {
      const entry = ensureCodeServer();
      console.log(`code-server ${VERSION}: ${entry}`);
    }
  } catch (e) {
    console.error(`code-server: ${e.message}`);
    process.exitCode = 1;
  }
}
