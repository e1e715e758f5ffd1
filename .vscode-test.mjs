// @vscode/test-cli configuration, for contributors with the internet: the same extension-host suites as
// `npm run test:integration` (test/integration), in a desktop VS Code that @vscode/test-electron downloads.
//
//   npm run compile-tests && node esbuild.js && npx vscode-test
//
// Offline (CI, these machines), `npm run test:integration` runs them in code-server instead.

import { defineConfig } from '@vscode/test-cli';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);

// The suites read their sample files from the workspace folder: made once with the product's CLI.
const workspace = join(root, '.vscode-test', 'workspace');
if (!existsSync(join(workspace, 'fixtures.json'))) {
  if (!existsSync(join(root, 'dist', 'cli.js'))) throw new Error('build first: node esbuild.js');
  require('./scripts/fixtures.js').makeFixtures(workspace);
}

export default defineConfig({
  label: 'integration',
  files: 'out/test/integration/**/*.test.js',
  extensionDevelopmentPath: root,
  workspaceFolder: workspace,
  launchArgs: ['--disable-extensions', '--disable-workspace-trust'],
  mocha: { ui: 'tdd', timeout: 30_000 },
});
