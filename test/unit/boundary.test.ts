// The architecture's hard rules, checked by the real linter and by reading the sources: src/core never imports
// `vscode` (nor host code), and only its I/O modules touch the file system.

import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';

const root = join(__dirname, '..', '..', '..');

/** The only src/core modules allowed node:fs (eslint.config.mjs holds the same list). */
const CORE_FS_MODULES = ['write/files.ts', 'ecflow/io.ts', 'trust/trustStore.ts'];
const FS_SPECIFIERS = ['fs', 'node:fs', 'fs/promises', 'node:fs/promises'];

/** Every .ts file under src/core, as paths relative to it (`der/pem.ts`). */
function coreFiles(): string[] {
  const files = readdirSync(join(root, 'src/core'), { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'));
  assert.ok(files.length > 20 && files.some((f) => f.includes('/')), `src/core read as ${files.join(', ')}`);
  return files.sort();
}

/** The ESLint rule ids reported for `code` as if it were the file at `path` (relative to the checkout). */
async function lintRules(code: string, path: string): Promise<string[]> {
  const { ESLint } = await import('eslint');
  const [result] = await new ESLint({ cwd: root }).lintText(code, { filePath: join(root, path) });
  return result.messages.map((m) => m.ruleId ?? `fatal: ${m.message}`);
}

describe('src/core stays host-neutral', () => {
  it('ESLint rejects a vscode import in src/core (its I/O modules too) and allows it in src/extension', async () => {
    const code = "import * as vscode from 'vscode';\nexport const x = vscode;\n";
    for (const path of ['src/core/probe.ts', 'src/core/read/probe.ts', ...CORE_FS_MODULES.map((f) => `src/core/${f}`)]) {
      assert.deepEqual(await lintRules(code, path), ['no-restricted-imports'], path);
    }
    assert.deepEqual(await lintRules(code, 'src/extension/probe.ts'), []);
  });

  it('ESLint rejects host code imported into src/core, its I/O modules included', async () => {
    const code = "import { x } from '../extension/extension';\nexport const y = x;\n";
    for (const path of ['src/core/probe.ts', 'src/core/write/files.ts']) assert.deepEqual(await lintRules(code, path), ['no-restricted-imports'], path);
  });

  it('no file under src/core mentions the vscode module', () => {
    for (const f of coreFiles()) {
      const text = readFileSync(join(root, 'src/core', f), 'utf8');
      assert.ok(!/from ['"]vscode['"]|require\(['"]vscode['"]\)/.test(text), f);
    }
  });
});

describe('only the I/O modules of src/core touch the file system', () => {
  it('ESLint rejects every node:fs specifier in a core file, in any folder', async () => {
    for (const spec of FS_SPECIFIERS) {
      const code = `import * as fs from '${spec}';\nexport const x = fs;\n`;
      for (const path of ['src/core/probe.ts', 'src/core/read/probe.ts', 'src/core/ecflow/probe.ts']) {
        assert.deepEqual(await lintRules(code, path), ['no-restricted-imports'], `${spec} in ${path}`);
      }
    }
    const typeOnly = "import type { Stats } from 'node:fs';\nexport type S = Stats;\n";
    assert.deepEqual(await lintRules(typeOnly, 'src/core/probe.ts'), ['no-restricted-imports'], 'a type import counts too');
  });

  it('ESLint allows node:fs in the I/O modules, in src/extension and in src/cli', async () => {
    for (const spec of FS_SPECIFIERS) {
      const code = `import * as fs from '${spec}';\nexport const x = fs;\n`;
      for (const path of [...CORE_FS_MODULES.map((f) => `src/core/${f}`), 'src/extension/probe.ts', 'src/cli/probe.ts']) {
        assert.deepEqual(await lintRules(code, path), [], `${spec} in ${path}`);
      }
    }
  });

  it('a scan of src/core finds node:fs only in the I/O modules', () => {
    const fsImport = /(?:from\s*|require\(\s*|import\(\s*)['"](?:node:)?fs(?:\/promises)?['"]/;
    const users = coreFiles().filter((f) => fsImport.test(readFileSync(join(root, 'src/core', f), 'utf8')));
    assert.ok(users.includes('write/files.ts'), `the scan finds the writer's node:fs import (found: ${users.join(', ')})`);
    assert.deepEqual(users.filter((f) => !CORE_FS_MODULES.includes(f)), [], 'src/core files using node:fs outside the I/O modules');
  });
});
