// The bundled extension (dist/extension.js, as shipped) loads, registers exactly the commands package.json
// contributes, and its inspect command opens a file in the inspector (a read-only custom editor): the host
// side of the inspector is driven here through a fake webview panel, its text report included.

import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { createHash } from 'node:crypto';
import { validatePath } from '../../src/core/trust/pathValidation';
import { fileCapabilities } from '../../src/core/workspace/summary';
import { openssl, opensslBytes, tempDir } from '../helpers/tools';
import { FakeUri, fakeContext, installFakeVscode } from '../helpers/fakeVscode';
import { hostileKeyFile } from '../helpers/hostileKdf';

const root = join(__dirname, '..', '..', '..');
const bundle = join(root, 'dist', 'extension.js');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

interface Posted {
  type: string;
  requestId?: number;
  ok?: boolean;
  message?: string;
  view?: {
    fileName: string;
    objects: { title: string; kind: string; chips: { label: string }[]; sections: { id: string; fields: { label: string; value: string }[] }[] }[];
    problems: { severity: string; message: string }[];
    lock?: { what: string };
    unlocked: boolean;
    chain?: { status: string; headline: string; verifiable: boolean; links: { anchor: boolean; objectId?: string }[]; errors: { code: string }[] };
  };
}

/** A webview panel as VS Code hands it to a custom editor provider, recording what the extension posts. */
function fakePanel() {
  const posted: Posted[] = [];
  let receive: ((m: unknown) => void) | undefined;
  const disposeListeners: (() => void)[] = [];
  const webview = {
    options: {} as Record<string, unknown>,
    html: '',
    cspSource: 'https://fake-webview.test',
    asWebviewUri: (u: FakeUri) => new FakeUri('https', `/fake-webview${u.path}`),
    postMessage: async (m: Posted) => {
      posted.push(JSON.parse(JSON.stringify(m)) as Posted);
      return true;
    },
    onDidReceiveMessage: (fn: (m: unknown) => void) => {
      receive = fn;
      return { dispose() {} };
    },
  };
  const panel = {
    webview,
    onDidDispose: (fn: () => void) => {
      disposeListeners.push(fn);
      return { dispose() {} };
    },
  };
  return {
    panel,
    webview,
    posted,
    send: (m: unknown) => receive?.(m),
    close: () => disposeListeners.forEach((fn) => fn()),
    /** The first posted message matching `pred`, once it arrives (the host answers asynchronously). */
    async next(pred: (m: Posted) => boolean, from = 0): Promise<Posted> {
      const deadline = Date.now() + 5000;
      for (;;) {
        const hit = posted.slice(from).find(pred);
        if (hit) return hit;
        if (Date.now() > deadline) throw new Error(`no matching message; posted: ${JSON.stringify(posted).slice(0, 500)}`);
        await new Promise((r) => setTimeout(r, 5));
      }
    },
  };
}

describe('extension bundle', () => {
  const fake = installFakeVscode();
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const ext = require(bundle) as { activate: (c: unknown) => void; deactivate: () => void };
  const context = fakeContext();
  ext.activate(context);
  /** What activation registered (registrations, listeners, emitters, views); the explorer starts later. */
  const fromActivation = fake.handedOut.slice();

  /** Opens `file` in the inspector the way VS Code does: the provider makes a document, then fills a panel. */
  async function openInspector(file: string, viewType = 'tlsWorkbench.inspectorText') {
    const provider = fake.customEditors.get(viewType);
    assert.ok(provider, `no custom editor provider for ${viewType}`);
    const p = fakePanel();
    const document = await provider.openCustomDocument(FakeUri.file(file));
    await provider.resolveCustomEditor(document, p.panel, { isCancellationRequested: false });
    p.send({ type: 'ready' });
    const render = await p.next((m) => m.type === 'render');
    return { ...p, render };
  }

  it('is built', () => assert.ok(existsSync(bundle)));

  it('registers every contributed command, and only those', () => {
    const contributed = (pkg.contributes.commands as { command: string }[]).map((c) => c.command).sort();
    assert.deepEqual([...fake.commands.keys()].sort(), contributed);
    assert.ok(fake.commands.has('tlsWorkbench.inspectFile'));
    assert.ok(fake.commands.has('tlsWorkbench.openInspector'));
  });

  it('registers the inspector for both view types package.json contributes', () => {
    const contributed = (pkg.contributes.customEditors as { viewType: string }[]).map((c) => c.viewType).sort();
    assert.deepEqual(contributed, ['tlsWorkbench.inspector', 'tlsWorkbench.inspectorText']);
    assert.deepEqual([...fake.customEditors.keys()].sort(), contributed);
  });

  it('pushes its disposables into the context', () => {
    assert.ok(context.subscriptions.length >= fake.commands.size + fake.providers.size + fake.customEditors.size);
    for (const d of context.subscriptions) assert.equal(typeof d.dispose, 'function');
  });

  it('inspect opens the file in the inspector (vscode.openWith) with the view type for its format', async () => {
    const t = tempDir();
    try {
      const crt = t.path('site.crt');
      openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', t.path('site.key'),
        '-out', crt, '-days', '30', '-subj', '/O=Any Org/CN=site.example']);
      openssl(['x509', '-in', crt, '-outform', 'DER', '-out', t.path('site.der')]);
      const inspect = fake.commands.get('tlsWorkbench.inspectFile')!;
      const opened = (await inspect(FakeUri.file(crt))) as FakeUri;
      assert.equal(opened.fsPath, crt);
      let last = fake.executed.at(-1);
      assert.equal(last?.command, 'vscode.openWith');
      assert.equal((last?.args[0] as FakeUri).fsPath, crt);
      assert.equal(last?.args[1], 'tlsWorkbench.inspectorText');
      await inspect(FakeUri.file(t.path('site.der')));
      last = fake.executed.at(-1);
      assert.equal((last?.args[0] as FakeUri).fsPath, t.path('site.der'));
      assert.equal(last?.args[1], 'tlsWorkbench.inspector', 'binary formats open with the default inspector');
      // From the Certificate Explorer: a tree item with resourceUri.
      await inspect({ resourceUri: FakeUri.file(crt), label: 'site.crt' });
      assert.equal((fake.executed.at(-1)?.args[0] as FakeUri).fsPath, crt);
      // "Open in Inspector" (editor title button) does the same for text formats.
      await fake.commands.get('tlsWorkbench.openInspector')!(FakeUri.file(crt));
      assert.deepEqual(fake.executed.at(-1)?.args.slice(0, 2).map(String), [`file:${crt}`, 'tlsWorkbench.inspectorText']);
      assert.equal(fake.inputBoxOptions.length, 0, 'no prompts: passwords are asked for inside the inspector');
    } finally {
      t.cleanup();
    }
  });

  it('the inspector shows the certificate from a static page under a strict CSP, and its text report is one action away', async () => {
    const t = tempDir();
    try {
      const crt = t.path('site.crt');
      openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', t.path('site.key'),
        '-out', crt, '-days', '30', '-subj', '/O=Any Org/CN=site.example', '-addext', 'subjectAltName=DNS:site.example']);
      const sha256 = openssl(['x509', '-in', crt, '-noout', '-fingerprint', '-sha256']).split('=')[1].trim();
      const p = await openInspector(crt);
      // The page: a nonce'd script, no inline data, nothing from the certificate.
      const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(p.webview.html)?.[1] ?? '';
      assert.match(csp, /^default-src 'none'; style-src https:\/\/fake-webview\.test; img-src https:\/\/fake-webview\.test data:; font-src https:\/\/fake-webview\.test; script-src 'nonce-[A-Za-z0-9+/]{22}==';?$/);
      const nonce = /'nonce-([^']+)'/.exec(csp)![1];
      assert.ok(p.webview.html.includes(`<script nonce="${nonce}" src="https:/fake-webview${root}/dist/webview/inspector.js"></script>`), p.webview.html);
      assert.ok(!p.webview.html.includes('site.example'), 'certificate data is never in the HTML');
      assert.equal(p.webview.options.enableScripts, true);
      // Codicons: their stylesheet (shipped in dist/webview beside the font it loads) comes through the webview URI,
      // before the inspector's own; the CSP admits it and its font with no 'unsafe-inline' and no inline styles.
      const sheets = [...p.webview.html.matchAll(/<link rel="stylesheet" href="([^"]+)">/g)].map((m) => m[1]);
      assert.deepEqual(sheets, [`https:/fake-webview${root}/dist/webview/codicon.css`, `https:/fake-webview${root}/media/inspector.css`]);
      assert.ok(!p.webview.html.includes('unsafe-inline'), csp);
      assert.ok(!/<style|\sstyle=/i.test(p.webview.html), 'no inline styles');
      const roots = (p.webview.options.localResourceRoots as FakeUri[]).map((u) => u.path);
      assert.ok(roots.includes(`${root}/dist/webview`), `localResourceRoots cover dist/webview: ${roots.join(', ')}`);
      const codiconCss = readFileSync(join(root, 'dist', 'webview', 'codicon.css'), 'utf8');
      assert.match(codiconCss, /@font-face\s*\{[^}]*src:\s*url\("\.\/codicon\.ttf(\?[0-9a-f]+)?"\)/, 'the stylesheet loads the font beside it');
      assert.ok(existsSync(join(root, 'dist', 'webview', 'codicon.ttf')), 'codicon.ttf is built next to codicon.css');
      // The app draws codicons, not inline SVG.
      const app = readFileSync(join(root, 'dist', 'webview', 'inspector.js'), 'utf8');
      assert.ok(app.includes('codicon codicon-'), 'the webview app renders codicons');
      assert.ok(!app.includes('createElementNS') && !app.includes('http://www.w3.org/2000/svg'), 'no inline SVG icons left');
      // The view, as data.
      const view = p.render.view!;
      assert.equal(view.fileName, 'site.crt');
      assert.equal(view.objects[0].title, 'site.example');
      assert.ok(view.objects[0].sections.some((s) => s.fields.some((f) => f.label === 'SHA-256' && f.value === sha256)));
      assert.ok(view.objects[0].chips.some((c) => c.label === 'key matches'), 'site.key next to it is found');
      // Copy: the host copies what it rendered, to the clipboard.
      p.send({ type: 'copy', requestId: 1, copyId: 'o0.sha256' });
      assert.equal((await p.next((m) => m.type === 'response' && m.requestId === 1)).ok, true);
      assert.equal(fake.clipboard.at(-1), sha256);
      p.send({ type: 'copy', requestId: 2, copyId: 'no.such.field' });
      assert.equal((await p.next((m) => m.requestId === 2)).ok, false);
      // "Show as Text Report": core report.ts in a read-only virtual document.
      p.send({ type: 'showReport', requestId: 3 });
      assert.equal((await p.next((m) => m.requestId === 3)).ok, true);
      const reportUri = fake.opened.at(-1)!;
      const provider = fake.providers.get(reportUri.scheme);
      assert.ok(provider, 'the report scheme has a content provider (virtual documents are read-only)');
      assert.equal(reportUri.scheme, 'tls-workbench-report');
      const text = provider.provideTextDocumentContent(reportUri);
      assert.match(text, /CN=site\.example/);
      assert.match(text, /DNS:site\.example/);
      assert.ok(text.includes(sha256), 'report shows the SHA-256 fingerprint as openssl prints it');
      // Malformed messages are ignored.
      const before = p.posted.length;
      p.send({ type: 'showReport' });
      p.send({ type: 'openFile', requestId: 9, path: '/etc/passwd' });
      await new Promise((r) => setTimeout(r, 20));
      assert.equal(p.posted.length, before);
      p.close();
    } finally {
      t.cleanup();
    }
  });

  it('unlocking runs the key derivation in a worker: the host keeps turning, and Cancel stops it', async () => {
    const t = tempDir();
    try {
      const pems: string[] = [];
      for (let i = 0; i < 4; i++) {
        openssl(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', t.path(`k${i}.pem`)]);
        pems.push(openssl(['pkcs8', '-topk8', '-in', t.path(`k${i}.pem`), '-v2', 'aes-256-cbc', '-iter', '2000000', '-passout', 'pass:four-keys']));
      }
      writeFileSync(t.path('four.pem'), pems.join(''));
      const p = await openInspector(t.path('four.pem'), 'tlsWorkbench.inspector');
      assert.equal(p.render.view?.lock?.what, 'private-key');
      let turns = 0;
      const timer = setInterval(() => turns++, 5);
      p.send({ type: 'unlock', requestId: 1, password: 'four-keys' });
      const answer = await p.next((m) => m.requestId === 1);
      clearInterval(timer);
      assert.equal(answer.ok, true, answer.message);
      assert.ok(turns >= 10, `the extension host's timer turned ${turns} times during a 4-key unlock`);
      // A hostile file (wrong password, three keys at 10^7 iterations): Cancel in the progress notification.
      writeFileSync(t.path('slow.pem'), hostileKeyFile(3, { kind: 'pbkdf2', iterations: 10_000_000 }));
      const q = await openInspector(t.path('slow.pem'), 'tlsWorkbench.inspector');
      q.send({ type: 'unlock', requestId: 2, password: 'guess' });
      for (let i = 0; !fake.progress.length && i < 500; i++) await new Promise((r) => setTimeout(r, 10));
      assert.equal(fake.progress.length, 1, 'a progress notification with Cancel while it unlocks');
      assert.match(String((fake.progress[0].options as { title: string }).title), /Unlocking slow\.pem/);
      fake.progress[0].cancel();
      const cancelled = await q.next((m) => m.requestId === 2);
      assert.equal(cancelled.ok, false);
      assert.equal(cancelled.message, 'Unlocking slow.pem was cancelled.');
      p.close();
      q.close();
    } finally {
      t.cleanup();
    }
  });

  it('a locked PKCS#12: the password comes from the webview, decodes in the host, and is never echoed', async () => {
    const t = tempDir();
    try {
      openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', t.path('k.pem'), '-out', t.path('c.pem'), '-days', '5', '-subj', '/CN=p12 user']);
      openssl(['pkcs12', '-export', '-in', t.path('c.pem'), '-inkey', t.path('k.pem'), '-out', t.path('u.p12'), '-passout', 'pass:s3cret-pw', '-name', 'p12 user']);
      const p = await openInspector(t.path('u.p12'), 'tlsWorkbench.inspector');
      assert.equal(p.render.view?.lock?.what, 'pkcs12');
      p.send({ type: 'unlock', requestId: 1, password: 'wrong-guess' });
      const refused = await p.next((m) => m.requestId === 1);
      assert.equal(refused.ok, false);
      assert.equal(refused.message, 'Wrong password for u.p12.');
      const from = p.posted.length;
      p.send({ type: 'unlock', requestId: 2, password: 's3cret-pw' });
      assert.equal((await p.next((m) => m.requestId === 2)).ok, true);
      const unlocked = (await p.next((m) => m.type === 'render', from)).view!;
      assert.equal(unlocked.lock, undefined);
      assert.equal(unlocked.unlocked, true);
      assert.ok(unlocked.objects.some((o) => o.kind === 'certificate' && o.title === 'p12 user'));
      p.send({ type: 'showReport', requestId: 3 });
      assert.equal((await p.next((m) => m.requestId === 3)).ok, true);
      const reportUri = fake.opened.at(-1)!;
      const text = fake.providers.get(reportUri.scheme)!.provideTextDocumentContent(reportUri);
      assert.match(text, /CN=p12 user/);
      const everything = JSON.stringify(p.posted) + text + JSON.stringify(fake.messages);
      assert.ok(!everything.includes('s3cret-pw') && !everything.includes('wrong-guess'), 'passwords never leave the host');
      assert.equal(fake.inputBoxOptions.length, 0);
    } finally {
      t.cleanup();
    }
  });

  it('a broken file opens in the inspector, which says what is wrong in one line naming it', async () => {
    const t = tempDir();
    try {
      const bad = t.path('broken.pem');
      writeFileSync(bad, '-----BEGIN CERTIFICATE-----\nMIIB$$$notbase64\n-----END CERTIFICATE-----\n');
      const opened = await fake.commands.get('tlsWorkbench.inspectFile')!(FakeUri.file(bad));
      assert.ok(opened);
      const p = await openInspector(bad);
      assert.equal(p.render.view?.objects.length, 0);
      assert.match(p.render.view!.problems[0].message, /base64/);
      const last = fake.messages.at(-1);
      assert.equal(last?.level, 'error');
      assert.match(last!.text, /^broken\.pem: .*base64/);
      assert.ok(!last!.text.includes('\n'));
      // A file that does not exist is refused before any editor opens.
      const count = fake.executed.length;
      assert.equal(await fake.commands.get('tlsWorkbench.inspectFile')!(FakeUri.file(t.path('missing.pem'))), undefined);
      assert.equal(fake.executed.length, count);
      assert.match(fake.messages.at(-1)!.text, /^missing\.pem: cannot be read/);
      // A hostile file name reaches the notification escaped: no terminal or bidi control survives.
      const hostile = t.path('evil\x1b[2J\u202egnp.pem');
      writeFileSync(hostile, '-----BEGIN CERTIFICATE-----\nMIIB$$$notbase64\n-----END CERTIFICATE-----\n');
      await openInspector(hostile);
      const shown = fake.messages.at(-1)!.text;
      // eslint-disable-next-line no-control-regex
      assert.ok(!/[\x1b\u202e]/.test(shown), JSON.stringify(shown));
      assert.match(shown, /^evil\\x1b\[2J\\u\{202E\}gnp\.pem: /);
    } finally {
      t.cleanup();
    }
  });

  it('"Verify against a trust anchor…" runs Verify Certificate Chain with the chain it shows, and renders the verdict', async () => {
    const t = tempDir();
    try {
      const root = (name: string, cn: string) =>
        openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', t.path(`${name}.key`), '-out', t.path(`${name}.crt`),
          '-days', '30', '-subj', `/CN=${cn}`, '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
      root('root', 'Host Root');
      root('other', 'Other Root');
      openssl(['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', t.path('leaf.key'), '-out', t.path('leaf.csr'), '-subj', '/CN=host.example']);
      openssl(['x509', '-req', '-in', t.path('leaf.csr'), '-CA', t.path('root.crt'), '-CAkey', t.path('root.key'), '-CAcreateserial', '-days', '10', '-out', t.path('leaf.crt')]);
      const file = t.path('fullchain.pem');
      writeFileSync(file, readFileSync(t.path('leaf.crt'), 'utf8') + readFileSync(t.path('root.crt'), 'utf8'));
      const der = (f: string) => new Uint8Array(opensslBytes(['x509', '-in', f, '-outform', 'DER']));
      const sha = (d: Uint8Array) => createHash('sha256').update(d).digest('hex');
      const p = await openInspector(file);
      assert.equal(p.render.view?.chain?.status, 'ordered');
      assert.equal(p.render.view?.chain?.verifiable, true);

      // Cancelled in the pickers: nothing changes.
      fake.commandResults.set('tlsWorkbench.verifyChain', () => undefined);
      let from = p.posted.length;
      p.send({ type: 'verifyChain', requestId: 1 });
      assert.equal((await p.next((m) => m.requestId === 1)).ok, false);
      assert.ok(!p.posted.slice(from).some((m) => m.type === 'render'));

      // Verified against the root the user picked: the command gets this file's certificates, leaf first.
      const calls: unknown[][] = [];
      const against = (anchor: string) => (...args: unknown[]) => {
        calls.push(args);
        const a = args[0] as { certificates: Uint8Array[] };
        return validatePath(a.certificates[0], { anchors: [der(t.path(anchor))], intermediates: a.certificates.slice(1) });
      };
      fake.commandResults.set('tlsWorkbench.verifyChain', against('root.crt'));
      from = p.posted.length;
      p.send({ type: 'verifyChain', requestId: 2 });
      assert.equal((await p.next((m) => m.requestId === 2, from)).ok, true);
      const arg = calls[0][0] as { uri: FakeUri; certificates: Uint8Array[] };
      assert.equal(arg.uri.fsPath, file);
      assert.deepEqual(arg.certificates.map(sha), [sha(der(t.path('leaf.crt'))), sha(der(t.path('root.crt')))]);
      const trusted = (await p.next((m) => m.type === 'render', from)).view?.chain;
      assert.equal(trusted?.status, 'trusted');
      assert.equal(trusted?.headline, 'Chain complete to an anchor you trust');
      assert.deepEqual(trusted?.links.map((l) => [l.anchor, l.objectId]), [[false, 'o0'], [true, 'o1']]);

      // Against another anchor: the errors, with their codes (the file's own root does not make it pass).
      fake.commandResults.set('tlsWorkbench.verifyChain', against('other.crt'));
      from = p.posted.length;
      p.send({ type: 'verifyChain', requestId: 3 });
      assert.equal((await p.next((m) => m.requestId === 3, from)).ok, true);
      const failed = (await p.next((m) => m.type === 'render', from)).view?.chain;
      assert.equal(failed?.status, 'failed');
      assert.ok(failed.errors.length > 0 && failed.errors.every((e) => /^[a-z_]+$/.test(e.code)), JSON.stringify(failed.errors));
      fake.commandResults.delete('tlsWorkbench.verifyChain');
      p.close();
    } finally {
      t.cleanup();
    }
  });

  it('refreshes when the file changes on disk, and stops watching once closed', async () => {
    const t = tempDir();
    try {
      const file = t.path('live.crt');
      const make = (cn: string) =>
        openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', t.path('live.key'), '-out', file, '-days', '5', '-subj', `/CN=${cn}`]);
      make('first.example');
      const p = await openInspector(file);
      assert.equal(p.render.view?.objects[0].title, 'first.example');
      const watcher = fake.watchers.find((w) => (w.pattern as { pattern?: string }).pattern === 'live.crt' && !w.disposed);
      assert.ok(watcher, 'the inspected file is watched');
      make('second.example');
      const from = p.posted.length;
      watcher.fire('change');
      const refreshed = await p.next((m) => m.type === 'render', from);
      assert.equal(refreshed.view?.objects[0].title, 'second.example');
      p.close();
      assert.equal(watcher.disposed, true, 'closing the editor disposes its watcher');
    } finally {
      t.cleanup();
    }
  });

  it('deactivates cleanly, and its disposables release everything (VS Code disposes them after deactivate)', () => {
    assert.ok(fromActivation.length >= fake.commands.size + fake.customEditors.size + fake.providers.size, 'activation registered things');
    assert.ok(fromActivation.some((h) => h.what.endsWith('listener')), 'activation listens to events');
    assert.ok(fake.handedOut.every((h) => !h.what.startsWith('register') || !h.disposed), 'nothing is unregistered while active');
    ext.deactivate();
    for (const d of context.subscriptions.splice(0)) d.dispose();
    const alive = (list: typeof fromActivation) => list.filter((h) => !h.disposed).map((h) => h.what);
    assert.deepEqual(alive(fromActivation), [], 'every disposable activation created is disposed');
    // Including what the tests above opened later (watchers, panels' listeners, the explorer's deferred start).
    assert.deepEqual(alive(fake.handedOut), []);
  });
});

describe('content-aware file menus (issue 15)', () => {
  const file = (objects: object[], status = 'ok') => ({ file: 'f', size: 1, status, objects, problems: [], pemFirstLine: true }) as never;
  it('puts each scanned file only in the lists that apply: broken in none, plain key not encrypted, CA cert in caFiles', () => {
    assert.deepEqual(fileCapabilities(file([], 'problems')), []);
    assert.deepEqual(fileCapabilities(file([{ kind: 'private-key', encrypted: false }])), ['keyFiles', 'plainKeyFiles']);
    assert.deepEqual(fileCapabilities(file([{ kind: 'private-key', encrypted: true }])), ['keyFiles', 'encryptedKeyFiles']);
    assert.deepEqual(fileCapabilities(file([{ kind: 'certificate', isCA: true }])), ['certificateFiles', 'caFiles']);
    assert.deepEqual(fileCapabilities(file([{ kind: 'certificate', isCA: false }])), ['certificateFiles']);
    assert.deepEqual(fileCapabilities(file([{ kind: 'csr' }])), ['csrFiles']);
  });
  it("package.json: each Explorer file action's `when` uses the list of files it applies to", () => {
    const pkg = JSON.parse(readFileSync(join(__dirname, '../../../package.json'), 'utf8'));
    const when = (cmd: string) => pkg.contributes.menus['explorer/context'].find((m: { command: string }) => m.command === `tlsWorkbench.${cmd}`).when as string;
    assert.equal(when('removePassphrase'), 'resourcePath in tlsWorkbench.encryptedKeyFiles');
    assert.equal(when('changePassphrase'), 'resourcePath in tlsWorkbench.encryptedKeyFiles');
    assert.equal(when('addPassphrase'), 'resourcePath in tlsWorkbench.plainKeyFiles');
    assert.equal(when('signCsr'), 'resourcePath in tlsWorkbench.csrFiles');
    assert.equal(when('generateCsr'), 'resourcePath in tlsWorkbench.keyFiles');
    for (const c of ['copyThumbprint', 'copySha256', 'verifyChain', 'exportPkcs12']) assert.match(when(c), /^resourcePath in tlsWorkbench\.certificateFiles \|\|/);
    assert.match(when('importPkcs12'), /tlsWorkbench\.pkcs12Files/);
    for (const m of pkg.contributes.menus['explorer/context']) assert.ok(!/\(pem\|/.test(m.when) || m.command === 'tlsWorkbench.inspectFile', `${m.command}: no action offered on every .pem`);
  });
});
