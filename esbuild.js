// Bundles the extension host entry, the `tlsw` CLI, the PKI engine they share, and the inspector's webview app.
// Usage: node esbuild.js [--production] [--watch] [--outdir DIR]
//
// What starts must be small, so the code is split in bundles that load only when needed (all CommonJS):
//   dist/extension.js     the extension's registration and thin feature shells (what VS Code loads at startup)
//   dist/features.js      the commands' implementations (wizards, key/certificate/keystore/verify commands, ecFlow
//                         actions): loaded on the first command that needs one, one lazy getter per module
//   dist/cli.js           the `tlsw` dispatcher and its commands' option handling
//   dist/worker.js        the engine's worker thread (src/worker/engineWorker.ts): the extension's decryption and key
//                         derivation, and the inspector's view builder, run there, off the extension host's thread
//                         (it loads ./engine.js like the others)
//   dist/engine.js        src/core: one lazy getter per module
//                         (`require('./engine.js')['read/read']`), so a command initialises only the modules it uses
//   dist/vendor-forge.js  node-forge: only the legacy ciphers (DES, RC2) load it
//   dist/webview/inspector.js  the inspector's browser app
// Every import of an engine module from the extension or the CLI becomes `require('./engine.js').<module>` (one engine
// instance per process: PkiError and friends keep their identity), and every import of a vendor package, wherever
// it is, becomes a require of its vendor bundle.
//
// Also usable as a module: `require('./esbuild.js').build({ production, outdir })` (the benchmarks build a
// production copy elsewhere, leaving dist/ alone).
const esbuild = require('esbuild');
const fs = require('node:fs');
const path = require('node:path');
const { version } = require('./package.json');

const CORE_DIR = path.join(__dirname, 'src', 'core');

/**
 * Engine modules copied into each bundle that imports them instead of loaded from dist/engine.js: src/core/display
 * (`escape`, the one rule for showing untrusted text; `labels`, display names and error lines; `expiry`, the one
 * expiry rule) and `limits` (what the engine issues: days, key sizes) are needed by the CLI's error lines and the extension's notifications and tree rows, which must not
 * load the engine at startup. Pure functions without state or run-time imports, so copies are harmless.
 */
const INLINE = new Set(['display/escape', 'display/labels', 'display/expiry', 'limits']);

/**
 * Extension modules (under src/extension) that the shells load with a dynamic `import()` on first use: they go to
 * dist/features.js, not the startup bundle. Modules both bundles use are copied into each, so what crosses between
 * them must not rely on identity: errors are recognised by name (commands/errors.ts isCancelled / isUserError).
 */
const FEATURES = ['commands/keyCommands', 'commands/certCommands', 'commands/pkcs12Commands', 'commands/fileCommands', 'commands/verifyCommand', 'ecflow/ecflowActions'];
const EXTENSION_DIR = path.join(__dirname, 'src', 'extension');

/** The features bundle's modules: name → source file. */
function featureModules() {
  return Object.fromEntries(FEATURES.map((name) => [name, path.join(EXTENSION_DIR, `${name}.ts`)]));
}

/** Rewrites dynamic imports of FEATURES modules in the startup bundle into `require('./features.js')[name]` (external). */
function featuresPlugin() {
  const byFile = new Map(Object.entries(featureModules()).map(([name, file]) => [file, name]));
  return {
    name: 'tlsw-features',
    setup(build) {
      build.onResolve({ filter: /^\./ }, (args) => {
        if (args.kind !== 'dynamic-import' || args.namespace !== 'file') return undefined;
        const name = byFile.get(`${path.resolve(args.resolveDir, args.path)}.ts`);
        return name === undefined ? undefined : { path: name, namespace: 'tlsw-feature' };
      });
      build.onLoad({ filter: /.*/, namespace: 'tlsw-feature' }, (args) => ({
        contents: `module.exports = require('./features.js')[${JSON.stringify(args.path)}];\n`,
        loader: 'js',
      }));
      build.onResolve({ filter: /^\.\/features\.js$/, namespace: 'tlsw-feature' }, () => ({ path: './features.js', external: true }));
    },
  };
}

/** Vendor packages → the bundle that holds them (entry code of each vendor bundle). */
const VENDORS = {
  'vendor-forge': { packages: ['node-forge'], entry: "module.exports = require('node-forge');\n" },
};
const VENDOR_OF = new Map(Object.entries(VENDORS).flatMap(([bundle, v]) => v.packages.map((p) => [p, bundle])));

/**
 * The engine's modules: name → source file, for every file below src/core at any depth (named by its path there
 * without `.ts`: `der/pem`, `trust/pathValidation`, `model`).
 */
function engineModules() {
  const out = {};
  for (const rel of fs.readdirSync(CORE_DIR, { recursive: true, encoding: 'utf8' }).sort()) {
    if (rel.endsWith('.ts') && !rel.endsWith('.d.ts')) out[rel.slice(0, -3).split(path.sep).join('/')] = path.join(CORE_DIR, rel);
  }
  return out;
}

/**
 * Rewrites imports: vendor packages → `require('./vendor-….js')` (external); with `core`, src/core/* modules →
 * `require('./engine.js').<name>` (external). The rewritten modules are CommonJS shims, which esbuild evaluates
 * on first use only: a dynamic `import('../core/scan')` still loads the engine at that moment, not at startup.
 */
function splitPlugin({ core }) {
  return {
    name: 'tlsw-split',
    setup(build) {
      const vendored = new RegExp(`^(${[...VENDOR_OF.keys()].map((p) => p.replace(/[/.]/g, '\\$&')).join('|')})$`);
      build.onResolve({ filter: vendored }, (args) => ({ path: `./${VENDOR_OF.get(args.path)}.js`, external: true }));
      if (!core) return;
      const modules = engineModules();
      const byFile = new Map(Object.entries(modules).map(([name, file]) => [file, name]));
      build.onResolve({ filter: /(^|\/)core(\/[A-Za-z0-9_]+)+$/ }, (args) => {
        if (args.namespace !== 'file') return undefined;
        const name = byFile.get(`${path.resolve(args.resolveDir, args.path)}.ts`);
        // INLINE modules are bundled where they are used: tiny and pure, needed before the engine loads.
        return name === undefined || INLINE.has(name) ? undefined : { path: name, namespace: 'tlsw-engine' };
      });
      build.onResolve({ filter: /^\.\/engine\.js$/, namespace: 'tlsw-engine' }, () => ({ path: './engine.js', external: true }));
      build.onLoad({ filter: /.*/, namespace: 'tlsw-engine' }, (args) => ({
        contents: `module.exports = require('./engine.js')[${JSON.stringify(args.path)}];\n`,
        loader: 'js',
      }));
    },
  };
}

/** A lazy bundle's entry (the engine's, the features'): one enumerable getter per module, requiring it on first access. */
function lazyEntry(what, modules) {
  const lines = [`// Generated by esbuild.js: ${what}, one lazily initialised module per property.`];
  for (const [name, file] of Object.entries(modules)) {
    const rel = `./${path.relative(__dirname, file).split(path.sep).join('/')}`;
    lines.push(`Object.defineProperty(exports, ${JSON.stringify(name)}, { enumerable: true, get: () => require(${JSON.stringify(rel)}) });`);
  }
  return lines.join('\n') + '\n';
}

/** @returns {import('esbuild').BuildOptions[]} */
function entries({ production = false, outdir = 'dist' } = {}) {
  /** @type {import('esbuild').BuildOptions} */
  const common = {
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    minify: production,
    sourcemap: !production,
    sourcesContent: false,
    logLevel: 'warning',
    legalComments: 'none',
    define: { TLSW_VERSION: JSON.stringify(version) },
  };
  const out = (f) => path.join(outdir, f);
  return [
    { ...common, entryPoints: ['src/extension/extension.ts'], outfile: out('extension.js'), external: ['vscode'], plugins: [featuresPlugin(), splitPlugin({ core: true })] },
    {
      ...common,
      stdin: { contents: lazyEntry('the extension\'s features', featureModules()), resolveDir: __dirname, sourcefile: 'features-entry.js', loader: 'js' },
      outfile: out('features.js'),
      external: ['vscode'],
      plugins: [splitPlugin({ core: true })],
    },
    { ...common, entryPoints: ['src/cli/main.ts'], outfile: out('cli.js'), banner: { js: '#!/usr/bin/env node' }, plugins: [splitPlugin({ core: true })] },
    { ...common, entryPoints: ['src/worker/engineWorker.ts'], outfile: out('worker.js'), plugins: [splitPlugin({ core: true })] },
    {
      ...common,
      stdin: { contents: lazyEntry('the PKI engine', engineModules()), resolveDir: __dirname, sourcefile: 'engine-entry.js', loader: 'js' },
      outfile: out('engine.js'),
      plugins: [splitPlugin({ core: false })],
    },
    ...Object.entries(VENDORS).map(([name, v]) => ({
      ...common,
      stdin: { contents: v.entry, resolveDir: __dirname, sourcefile: `${name}-entry.js`, loader: 'js' },
      outfile: out(`${name}.js`),
    })),
    // The inspector's webview app: runs in the browser sandbox of a webview, loaded by a static page under a strict CSP.
    { ...common, entryPoints: ['src/webview/main.ts'], outfile: out('webview/inspector.js'), platform: 'browser', format: 'iife', target: 'es2022' },
  ];
}

/** The codicons the inspector's webview uses (@vscode/codicons): the stylesheet and the font it loads, beside the app. */
function copyWebviewAssets(outdir = 'dist') {
  const from = path.join(path.dirname(require.resolve('@vscode/codicons/package.json')), 'dist');
  fs.mkdirSync(path.join(outdir, 'webview'), { recursive: true });
  for (const f of ['codicon.css', 'codicon.ttf']) fs.copyFileSync(path.join(from, f), path.join(outdir, 'webview', f));
}

/** Builds every bundle into `outdir`; returns the output files. */
async function build(opts = {}) {
  const list = entries(opts);
  await Promise.all(list.map((e) => esbuild.build(e)));
  // `tlsw` is run directly (package.json bin): keep it executable.
  fs.chmodSync(path.join(opts.outdir ?? 'dist', 'cli.js'), 0o755);
  copyWebviewAssets(opts.outdir);
  return list.map((e) => e.outfile);
}

async function main() {
  const argv = process.argv.slice(2);
  const production = argv.includes('--production');
  const i = argv.indexOf('--outdir');
  const outdir = i >= 0 && argv[i + 1] ? argv[i + 1] : 'dist';
  if (argv.includes('--watch')) {
    const contexts = await Promise.all(entries({ production, outdir }).map((e) => esbuild.context(e)));
    await Promise.all(contexts.map((c) => c.watch()));
    copyWebviewAssets(outdir);
    console.log('[esbuild] watching…');
    return;
  }
  await build({ production, outdir });
}

if (require.main === module) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}

module.exports = { build, entries, engineModules, featureModules };
