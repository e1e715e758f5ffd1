// The architecture's one hard rule, checked by the real linter: src/core never imports `vscode`.

import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';

const root = join(__dirname, '..', '..', '..');

describe('src/core stays host-neutral', () => {
  it('ESLint rejects a vscode import in src/core and allows it in src/extension', async () => {
    const { ESLint } = await import('eslint');
    const eslint = new ESLint({ cwd: root });
    const code = "import * as vscode from 'vscode';\nexport const x = vscode;\n";
    const [core] = await eslint.lintText(code, { filePath: join(root, 'src/core/probe.ts') });
    assert.ok(core.messages.some((m) => m.ruleId === 'no-restricted-imports'), JSON.stringify(core.messages));
    const [ext] = await eslint.lintText(code, { filePath: join(root, 'src/extension/probe.ts') });
    assert.ok(!ext.messages.some((m) => m.ruleId === 'no-restricted-imports'));
  });

  it('no file under src/core mentions the vscode module', () => {
    const files = readdirSync(join(root, 'src/core'), { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'));
    assert.ok(files.length > 20 && files.some((f) => f.includes('/')), `src/core read as ${files.join(', ')}`);
    for (const f of files) {
      const text = readFileSync(join(root, 'src/core', f), 'utf8');
      assert.ok(!/from ['"]vscode['"]|require\(['"]vscode['"]\)/.test(text), f);
    }
  });
});
