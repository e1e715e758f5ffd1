// `npm start` as the README promises: it serves a working VS Code (code-server) with the packaged extension
// installed and a demo workspace of sample files, and prints the URL. Checked by opening that URL in Chromium.

import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { ARTIFACTS, ROOT, VSIX, codeServer, ensureArtifacts } from './harness';

const URL_LINE = /(http:\/\/127\.0\.0\.1:\d+\/\S*)/;

describe('npm start', { timeout: 240_000 }, () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tlsw-start-'));
  const demo = path.join(tmp, 'demo');
  let child: ChildProcess | undefined;
  let chromium: Awaited<ReturnType<typeof codeServer.launchChromium>> | undefined;
  let output = '';

  after(async () => {
    await chromium?.close();
    if (child?.pid && child.exitCode === null) {
      try {
        process.kill(-child.pid, 'SIGTERM');
        await new Promise((r) => setTimeout(r, 500));
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('prints the URL of a VS Code that has the extension and the demo workspace', async () => {
    assert.ok(fs.existsSync(VSIX), 'the .vsix is packaged first (npm run test:e2e does it)');
    child = spawn(process.execPath, [path.join(ROOT, 'scripts', 'start.js'), '--no-build', '--port', '0'], {
      cwd: ROOT,
      env: { ...process.env, TLSW_DEMO_DIR: demo, TLSW_DEMO_PROFILE: path.join(tmp, 'profile') },
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no URL within 180 s:\n${output}`)), 180_000);
      const onData = (d: Buffer) => {
        output += d.toString();
        const m = URL_LINE.exec(output);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]);
        }
      };
      child!.stdout!.on('data', onData);
      child!.stderr!.on('data', (d: Buffer) => (output += d.toString()));
      child!.once('exit', (code) => reject(new Error(`npm start exited (${code}) before printing a URL:\n${output}`)));
    });

    // The demo workspace was made with the product's own CLI.
    const files = fs.readdirSync(demo);
    for (const f of ['ca.crt', 'server.crt', 'server.key', 'fixtures.json']) assert.ok(files.includes(f), `${f} in ${files.join(', ')}`);

    // A real workbench, with the extension's activity-bar view and its tree of the demo files.
    chromium = await codeServer.launchChromium();
    const page = await chromium.browser.newPage({ viewport: { width: 1440, height: 900 } });
    await page.goto(url);
    await page.locator('.monaco-workbench').waitFor({ timeout: 90_000 });
    const container = page.locator('.activitybar [aria-label^="TLS Workbench"]').first();
    await container.waitFor({ timeout: 90_000 });
    await container.click();
    await page.locator('.monaco-list-row', { hasText: 'server.crt' }).first().waitFor({ timeout: 60_000 });
    ensureArtifacts();
    await page.screenshot({ path: path.join(ARTIFACTS, 'npm-start.png') });
  });
});
