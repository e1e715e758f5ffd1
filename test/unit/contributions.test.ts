// package.json's menus, as a user finds the commands: the "+" on the Workspace and Certificate Authorities view
// titles, the CA row's inline buttons, the welcome views' links, and the thumbprint's two copy forms; and every
// command any menu names is contributed and registered by the bundled extension (dist/extension.js).

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fakeContext, installFakeVscode } from '../helpers/fakeVscode';

const root = join(__dirname, '..', '..', '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

interface Command { command: string; title: string; icon?: string }
interface MenuItem { command: string; when?: string; group?: string }

const commands = pkg.contributes.commands as Command[];
const menus = pkg.contributes.menus as Record<string, MenuItem[]>;
const command = (id: string) => commands.find((c) => c.command === id);
const menu = (name: string, id: string) => menus[name].filter((m) => m.command === id);

describe('package.json contributions', () => {
  const fake = installFakeVscode();
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const ext = require(join(root, 'dist', 'extension.js')) as { activate: (c: unknown) => void };
  ext.activate(fakeContext());

  it('every command a menu or welcome view names is contributed and registered', () => {
    const named = Object.values(menus).flat().map((m) => m.command);
    for (const w of pkg.contributes.viewsWelcome as { contents: string }[]) {
      for (const m of w.contents.matchAll(/\(command:([\w.]+)\)/g)) if (m[1].startsWith('tlsWorkbench.')) named.push(m[1]);
    }
    assert.ok(named.length > 20);
    for (const id of named) {
      assert.ok(command(id), `${id} is named in a menu but not contributed`);
      assert.ok(fake.commands.has(id), `${id} is named in a menu but not registered`);
    }
  });

  it('a "+" on the view titles creates: a CA on Certificate Authorities, a self-signed certificate on Workspace', () => {
    for (const [id, view] of [['tlsWorkbench.createCa', 'tlsWorkbench.authorities'], ['tlsWorkbench.generateSelfSigned', 'tlsWorkbench.workspace']]) {
      const plus = menu('view/title', id).find((m) => m.group?.startsWith('navigation') && m.when === `view == ${view}`);
      assert.ok(plus, `${id} in the navigation group of ${view}`);
      assert.equal(command(id)?.icon, '$(add)');
    }
  });

  it('the CA row offers Issue Client Certificate… and Sign CSR… inline, with icons', () => {
    for (const id of ['tlsWorkbench.issueClientCertificate', 'tlsWorkbench.explorer.signWithCa']) {
      const inline = menu('view/item/context', id).find((m) => m.group?.startsWith('inline'));
      assert.ok(inline, `${id} inline on a row`);
      // The CA row's contextValue (src/extension/explorer/sections.ts) carries the word "ca".
      assert.match(inline.when ?? '', /viewItem =~ \/\\bca\\b\//);
      assert.match(command(id)?.icon ?? '', /^\$\([\w-]+\)$/);
    }
  });

  it('the Certificate Authorities welcome view offers Create and then Issue Client Certificate…', () => {
    const welcome = (pkg.contributes.viewsWelcome as { view: string; contents: string }[]).find((w) => w.view === 'tlsWorkbench.authorities');
    assert.ok(welcome);
    assert.match(welcome.contents, /\(command:tlsWorkbench\.createCa\)/);
    assert.match(welcome.contents, /\[Issue Client Certificate…\]\(command:tlsWorkbench\.issueClientCertificate\)/);
  });

  it('Copy Thumbprint (SHA-1, with colons) sits next to Copy Thumbprint (SHA-1) in the same menus', () => {
    assert.equal(command('tlsWorkbench.copyThumbprintColons')?.title, 'Copy Thumbprint (SHA-1, with colons)');
    for (const name of ['editor/context', 'view/item/context']) {
      assert.ok(menu(name, 'tlsWorkbench.copyThumbprint').length > 0, name);
      assert.equal(menu(name, 'tlsWorkbench.copyThumbprintColons').length, 1, name);
    }
    // Shown in the palette: no commandPalette entry hides it.
    assert.equal(menu('commandPalette', 'tlsWorkbench.copyThumbprintColons').length, 0);
  });
});
