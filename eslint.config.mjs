import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// src/core's import rules. ESLint's flat config replaces a rule's options when a later object matching the same
// file sets it again, so the I/O modules get the host rules alone, restated, not "the core rules minus fs".
const HOST_PATHS = [{ name: 'vscode', message: 'src/core is host-neutral: pass data in from src/extension instead.' }];
const HOST_PATTERNS = [{ group: ['**/extension/**', '**/webview/**'], message: 'src/core must not depend on host code.' }];
/** The only src/core modules that touch the file system (the boundary test holds the same list). */
const CORE_FS_MODULES = ['src/core/write/files.ts', 'src/core/ecflow/io.ts', 'src/core/trust/trustStore.ts'];
const FS_PATHS = ['fs', 'node:fs', 'fs/promises', 'node:fs/promises'].map((name) => ({
  name,
  message: `src/core works on bytes: only ${CORE_FS_MODULES.join(', ')} touch the file system.`,
}));

export default tseslint.config(
  { ignores: ['dist/**', 'out/**', 'node_modules/**', '.vscode-test/**', '*.vsix'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      'no-restricted-syntax': ['error', { selector: 'ExportDefaultDeclaration', message: 'Use named exports.' }],
    },
  },
  {
    // The PKI engine is host-neutral: it must never depend on the VS Code API, nor read or write files itself.
    files: ['src/core/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: [...HOST_PATHS, ...FS_PATHS], patterns: HOST_PATTERNS }] },
  },
  {
    // The I/O modules may use node:fs; they stay host-neutral.
    files: CORE_FS_MODULES,
    rules: { 'no-restricted-imports': ['error', { paths: HOST_PATHS, patterns: HOST_PATTERNS }] },
  },
  {
    files: ['**/*.js', '**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { require: 'readonly', module: 'writable', process: 'readonly', console: 'readonly', __dirname: 'readonly' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
