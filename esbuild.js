// Bundles the extension host entry and the `tlsw` CLI (and, later, the webview).
// Usage: node esbuild.js [--production] [--watch]
const esbuild = require('esbuild');
const { version } = require('./package.json');

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

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

/** @type {import('esbuild').BuildOptions[]} */
const entries = [
  { ...common, entryPoints: ['src/extension/extension.ts'], outfile: 'dist/extension.js', external: ['vscode'] },
  { ...common, entryPoints: ['src/cli/main.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } },
  // The inspector's webview app: runs in the browser sandbox of a webview, loaded by a static page under a strict CSP.
  { ...common, entryPoints: ['src/webview/main.ts'], outfile: 'dist/webview/inspector.js', platform: 'browser', format: 'iife', target: 'es2022' },
];

async function main() {
  if (watch) {
    const contexts = await Promise.all(entries.map((e) => esbuild.context(e)));
    await Promise.all(contexts.map((c) => c.watch()));
    console.log('[esbuild] watching…');
    return;
  }
  await Promise.all(entries.map((e) => esbuild.build(e)));
  // `tlsw` is run directly (package.json bin): keep it executable.
  require('node:fs').chmodSync('dist/cli.js', 0o755);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
