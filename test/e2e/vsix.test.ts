// The packaged extension (`npm run package` → tls-workbench.vsix): only what a user needs, and small.

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { builtinModules } from 'node:module';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { ROOT, VSIX, zipEntries, zipRead } from './harness';

/** Upper bound for the .vsix: the bundled engine, CLI and webview, nothing else. Raise it deliberately. */
const MAX_VSIX_BYTES = 1.5 * 1024 * 1024;

/** What may be in the package: vsce's own two files, and under extension/ only these. */
const ALLOWED = [
  /^\[Content_Types\]\.xml$/,
  /^extension\.vsixmanifest$/,
  /^extension\/package\.json$/,
  /^extension\/readme\.md$/i,
  /^extension\/changelog\.md$/i,
  /^extension\/LICENSE(\.txt|\.md)?$/i,
  /^extension\/dist\/[^/]+\.js$/,
  // The inspector's webview app, and the codicons it draws its icons with (@vscode/codicons: stylesheet + font).
  /^extension\/dist\/webview\/(inspector\.js|codicon\.css|codicon\.ttf)$/,
  /^extension\/media\/.+$/,
];

describe('packaged .vsix', () => {
  it('exists (run `npm run package`)', () => {
    assert.ok(fs.existsSync(VSIX), `${VSIX} is missing`);
  });

  const zip = fs.existsSync(VSIX) ? fs.readFileSync(VSIX) : Buffer.alloc(0);
  const entries = zip.length ? zipEntries(zip) : [];
  const names = entries.map((e) => e.name);

  it('holds only dist/, media/, README, CHANGELOG, LICENSE and package.json', () => {
    const unexpected = names.filter((n) => !ALLOWED.some((re) => re.test(n)));
    assert.deepEqual(unexpected, [], `unexpected files in the .vsix: ${unexpected.join(', ')}`);
    for (const required of ['[Content_Types].xml', 'extension.vsixmanifest', 'extension/package.json', 'extension/dist/extension.js', 'extension/dist/cli.js', 'extension/dist/worker.js',
      'extension/dist/webview/inspector.js', 'extension/dist/webview/codicon.css', 'extension/dist/webview/codicon.ttf']) {
      assert.ok(names.includes(required), `${required} missing; has ${names.join(', ')}`);
    }
    assert.ok(names.some((n) => /^extension\/readme\.md$/i.test(n)), 'README missing');
    assert.ok(names.some((n) => /^extension\/changelog\.md$/i.test(n)), 'CHANGELOG missing');
    assert.ok(names.some((n) => /^extension\/LICENSE/i.test(n)), 'LICENSE missing');
    assert.ok(!names.some((n) => n.endsWith('.map')), 'no source maps');
    assert.ok(!names.some((n) => /(^|\/)(src|test|out|node_modules|scripts)\//.test(n)), 'no sources, tests or node_modules');
  });

  it(`is small: under ${MAX_VSIX_BYTES / 1024 / 1024} MiB`, () => {
    assert.ok(zip.length > 10_000, `suspiciously small: ${zip.length} bytes`);
    assert.ok(zip.length <= MAX_VSIX_BYTES, `${zip.length} bytes > ${MAX_VSIX_BYTES}`);
  });

  it("its package.json is this repository's, and its entry point is in it", () => {
    const entry = entries.find((e) => e.name === 'extension/package.json');
    assert.ok(entry);
    const packaged = JSON.parse(zipRead(zip, entry).toString('utf8'));
    const local = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
    assert.equal(packaged.name, local.name);
    assert.equal(packaged.publisher, local.publisher);
    assert.equal(packaged.version, local.version);
    assert.deepEqual(packaged.contributes, local.contributes);
    const main = path.posix.normalize(path.posix.join('extension', packaged.main));
    assert.ok(names.includes(main.endsWith('.js') ? main : `${main}.js`), `main ${packaged.main} not packaged`);
  });

  it('ships minified production bundles that require nothing but vscode, Node built-ins and each other', () => {
    // dist/extension.js and dist/cli.js load the engine (dist/engine.js) and its vendor bundles on first use.
    const bundles = entries.filter((e) => /^extension\/dist\/[^/]+\.js$/.test(e.name));
    assert.ok(bundles.some((e) => e.name === 'extension/dist/extension.js'), 'extension.js missing');
    const builtins = new Set(builtinModules);
    for (const entry of bundles) {
      const code = zipRead(zip, entry).toString('utf8');
      assert.ok(!code.includes('sourceMappingURL'), `${entry.name}: production build has no source map reference`);
      const required = [...code.matchAll(/require\(["']([^"']+)["']\)/g)].map((m) => m[1]);
      const foreign = [...new Set(required)].filter((r) => {
        if (r === 'vscode' || builtins.has(r.replace(/^node:/, ''))) return false;
        // A sibling bundle, packaged next to this one.
        return !(r.startsWith('./') && names.includes(path.posix.join('extension/dist', r)));
      });
      assert.deepEqual(foreign, [], `${entry.name} requires what the package does not ship: ${foreign.join(', ')}`);
    }
  });
});
