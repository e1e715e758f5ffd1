import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createPrivateKey } from 'node:crypto';
import type * as FsModule from 'node:fs';
import { createRequire } from 'node:module';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, describe, it, mock } from 'node:test';
import { cleanupForExit, issueWithSerialFile, readFileLimited, readPassphraseFile, writeFilesSafe, writeFilesSafeAsync } from '../../src/core/write/files';
import { PkiError } from '../../src/core/model';
import { openssl, tempDir } from '../helpers/tools';

// The very `fs` object src/core/files.ts calls into, so that a few tests can inject failures and races.
const fs = createRequire(__filename)('node:fs') as typeof FsModule;

const tmp = tempDir('tlsw-files-');
after(() => tmp.cleanup());
afterEach(() => mock.restoreAll());

let n = 0;
/** A fresh empty folder for one test. */
function folder(): string {
  const d = tmp.path(`t${++n}`);
  fs.mkdirSync(d);
  return d;
}
function mode(path: string): number {
  return fs.statSync(path).mode & 0o777;
}
function listing(dir: string): string[] {
  return fs.readdirSync(dir).sort();
}
function assertPkiError(fn: () => unknown, expected: RegExp | string): PkiError {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  assert.ok(caught instanceof PkiError, `expected a PkiError, got ${String(caught)}`);
  if (typeof expected === 'string') assert.equal(caught.message, expected);
  else assert.match(caught.message, expected);
  assert.ok(!caught.message.includes('\n'));
  return caught;
}
function fsErr(code: string): NodeJS.ErrnoException {
  const e: NodeJS.ErrnoException = new Error(`${code}: injected`);
  e.code = code;
  return e;
}

const BINARY = new Uint8Array([0, 1, 2, 0xff, 0xfe, 0x0a, 0x0d, 0x80]);

/** One file through writeFilesSafe. */
function writeOne(path: string, data: string | Uint8Array, opts: { secret?: boolean; overwrite?: boolean } = {}) {
  return writeFilesSafe([{ path, data, ...opts }]);
}

describe('writeFilesSafe, one file', () => {
  it('writes a new file (string or bytes), 0644 by default, leaving no temporary file', () => {
    const d = folder();
    writeOne(join(d, 'a.crt'), 'hello\n');
    writeOne(join(d, 'b.der'), BINARY);
    assert.equal(fs.readFileSync(join(d, 'a.crt'), 'utf8'), 'hello\n');
    assert.deepEqual(new Uint8Array(fs.readFileSync(join(d, 'b.der'))), BINARY);
    assert.equal(mode(join(d, 'a.crt')), 0o644);
    assert.deepEqual(listing(d), ['a.crt', 'b.der']);
  });

  it('creates secrets with mode 0600 from the first byte, whatever the umask', () => {
    const d = folder();
    const opened: { path: string; flags: number; mode: number }[] = [];
    const linked: number[] = [];
    const origOpen = fs.openSync;
    const origLink = fs.linkSync;
    mock.method(fs, 'openSync', (p: FsModule.PathLike, flags: number, m?: number) => {
      opened.push({ path: String(p), flags, mode: m ?? -1 });
      return origOpen(p, flags, m);
    });
    mock.method(fs, 'linkSync', (src: FsModule.PathLike, dst: FsModule.PathLike) => {
      linked.push(fs.statSync(src).mode & 0o777); // the temporary file, just before it becomes visible
      return origLink(src, dst);
    });
    const old = process.umask(0o000);
    try {
      writeOne(join(d, 'k.key'), 'secret', { secret: true });
      writeOne(join(d, 'c.crt'), 'public');
    } finally {
      process.umask(old);
    }
    assert.equal(mode(join(d, 'k.key')), 0o600);
    assert.equal(mode(join(d, 'c.crt')), 0o644);
    const tmpOpen = opened.filter((o) => o.path.includes('.tlsw-'));
    assert.equal(tmpOpen.length, 2);
    const { O_CREAT, O_EXCL } = fs.constants;
    for (const o of tmpOpen) assert.equal(o.flags & (O_CREAT | O_EXCL), O_CREAT | O_EXCL, 'exclusive create');
    for (const o of tmpOpen) assert.equal(o.mode, 0o600, 'every temporary file is created 0600');
    assert.deepEqual(linked, [0o600, 0o644]);
    // Public files respect the umask (as `openssl` and `cp` do); secrets are 0600 whatever it is.
    const old2 = process.umask(0o077);
    try {
      writeOne(join(d, 'c2.crt'), 'public');
      writeOne(join(d, 'k2.key'), 'secret', { secret: true });
    } finally {
      process.umask(old2);
    }
    assert.equal(mode(join(d, 'c2.crt')), 0o600);
    assert.equal(mode(join(d, 'k2.key')), 0o600);
  });

  it('refuses to overwrite without the flag, leaving the original byte-identical', () => {
    const d = folder();
    const target = join(d, 'k.key');
    fs.writeFileSync(target, BINARY, { mode: 0o640 });
    const before = fs.statSync(target);
    assertPkiError(() => writeOne(target, 'new', { secret: true }), `${target} already exists (use --force to overwrite)`);
    assert.deepEqual(new Uint8Array(fs.readFileSync(target)), BINARY);
    const afterStat = fs.statSync(target);
    assert.equal(afterStat.ino, before.ino);
    assert.equal(afterStat.mode, before.mode);
    assert.equal(afterStat.mtimeMs, before.mtimeMs);
    assert.deepEqual(listing(d), ['k.key']);
    // A dangling symbolic link counts as existing too.
    fs.symlinkSync(join(d, 'nowhere'), join(d, 'link.key'));
    assertPkiError(() => writeOne(join(d, 'link.key'), 'x'), /already exists/);
    assert.ok(!fs.existsSync(join(d, 'nowhere')));
  });

  it('never clobbers a file that appears between the check and the final step (race)', () => {
    const d = folder();
    const target = join(d, 'out.crt');
    const origLink = fs.linkSync;
    mock.method(fs, 'linkSync', (src: FsModule.PathLike, dst: FsModule.PathLike) => {
      fs.writeFileSync(dst, 'intruder'); // someone else creates the target right now
      return origLink(src, dst);
    });
    assertPkiError(() => writeOne(target, 'ours'), `${target} already exists (use --force to overwrite)`);
    assert.equal(fs.readFileSync(target, 'utf8'), 'intruder');
    assert.deepEqual(listing(d), ['out.crt']);
  });

  it('overwrites when asked: new contents and mode, atomically replacing (not writing through) the old file', () => {
    const d = folder();
    const target = join(d, 'k.key');
    fs.writeFileSync(target, 'old contents', { mode: 0o644 });
    const oldIno = fs.statSync(target).ino;
    writeOne(target, 'new', { overwrite: true, secret: true });
    assert.equal(fs.readFileSync(target, 'utf8'), 'new');
    assert.equal(mode(target), 0o600);
    assert.notEqual(fs.statSync(target).ino, oldIno, 'renamed into place');
    // A symbolic link is replaced, never followed: the file it points to is untouched.
    const victim = join(d, 'victim.txt');
    fs.writeFileSync(victim, 'do not touch');
    fs.symlinkSync(victim, join(d, 'l.key'));
    writeOne(join(d, 'l.key'), 'key', { overwrite: true, secret: true });
    assert.equal(fs.readFileSync(victim, 'utf8'), 'do not touch');
    assert.ok(!fs.lstatSync(join(d, 'l.key')).isSymbolicLink());
    assert.deepEqual(listing(d), ['k.key', 'l.key', 'victim.txt']);
  });

  it('reports a directory, a missing folder and a write failure in one line, cleaning up', () => {
    const d = folder();
    fs.mkdirSync(join(d, 'sub'));
    assertPkiError(() => writeOne(join(d, 'sub'), 'x'), `${join(d, 'sub')} is a directory`);
    assertPkiError(() => writeOne(join(d, 'sub'), 'x', { overwrite: true }), `${join(d, 'sub')} is a directory`);
    const missing = join(d, 'nope', 'k.key');
    assertPkiError(() => writeOne(missing, 'x'), `${missing}: folder ${join(d, 'nope')} does not exist`);
    mock.method(fs, 'writeSync', () => {
      throw fsErr('ENOSPC');
    });
    assertPkiError(() => writeOne(join(d, 'full.key'), 'x', { secret: true }), `${join(d, 'full.key')}: no space left on the device`);
    mock.restoreAll();
    mock.method(fs, 'renameSync', () => {
      throw fsErr('EIO');
    });
    fs.writeFileSync(join(d, 'keep.crt'), 'original');
    assertPkiError(() => writeOne(join(d, 'keep.crt'), 'x', { overwrite: true }), /keep\.crt: cannot write the file \(EIO\)/);
    assert.equal(fs.readFileSync(join(d, 'keep.crt'), 'utf8'), 'original');
    assert.deepEqual(listing(d), ['keep.crt', 'sub']);
  });
});

describe('writeFilesSafe', () => {
  it('writes a key and a certificate with their own modes', () => {
    const d = folder();
    writeFilesSafe([
      { path: join(d, 'x.key'), data: 'KEY', secret: true },
      { path: join(d, 'x.crt'), data: 'CRT' },
    ]);
    assert.equal(fs.readFileSync(join(d, 'x.key'), 'utf8'), 'KEY');
    assert.equal(mode(join(d, 'x.key')), 0o600);
    assert.equal(mode(join(d, 'x.crt')), 0o644);
    assert.deepEqual(listing(d), ['x.crt', 'x.key']);
  });

  it('writes nothing when any target exists without overwrite', () => {
    const d = folder();
    fs.writeFileSync(join(d, 'x.crt'), BINARY);
    assertPkiError(
      () =>
        writeFilesSafe([
          { path: join(d, 'x.key'), data: 'KEY', secret: true },
          { path: join(d, 'x.crt'), data: 'CRT' },
        ]),
      `${join(d, 'x.crt')} already exists (use --force to overwrite)`,
    );
    assert.deepEqual(listing(d), ['x.crt']);
    assert.deepEqual(new Uint8Array(fs.readFileSync(join(d, 'x.crt'))), BINARY);
  });

  it('writes nothing when one output cannot be written (missing folder)', () => {
    const d = folder();
    assertPkiError(
      () =>
        writeFilesSafe([
          { path: join(d, 'x.key'), data: 'KEY', secret: true },
          { path: join(d, 'missing', 'x.crt'), data: 'CRT' },
        ]),
      /does not exist/,
    );
    assert.deepEqual(listing(d), []);
  });

  it('removes the outputs it already placed when a later one fails (race on the second target; secrets go last)', () => {
    const d = folder();
    const origLink = fs.linkSync;
    let calls = 0;
    mock.method(fs, 'linkSync', (src: FsModule.PathLike, dst: FsModule.PathLike) => {
      if (++calls === 2) fs.writeFileSync(dst, 'intruder');
      return origLink(src, dst);
    });
    assertPkiError(
      () =>
        writeFilesSafe([
          { path: join(d, 'x.key'), data: 'KEY', secret: true },
          { path: join(d, 'x.crt'), data: 'CRT' },
        ]),
      /x\.key already exists/,
    );
    assert.deepEqual(listing(d), ['x.key']);
    assert.equal(fs.readFileSync(join(d, 'x.key'), 'utf8'), 'intruder');
  });

  it('with overwrite, restores the previous contents when a later output fails', () => {
    const d = folder();
    fs.writeFileSync(join(d, 'x.key'), 'OLD KEY', { mode: 0o600 });
    fs.writeFileSync(join(d, 'x.crt'), 'OLD CRT');
    const origRename = fs.renameSync;
    mock.method(fs, 'renameSync', (src: FsModule.PathLike, dst: FsModule.PathLike) => {
      if (String(dst).endsWith('x.crt') && String(src).endsWith('.tmp')) throw fsErr('EIO');
      return origRename(src, dst);
    });
    assertPkiError(
      () =>
        writeFilesSafe(
          [
            { path: join(d, 'x.key'), data: 'NEW KEY', secret: true },
            { path: join(d, 'x.crt'), data: 'NEW CRT' },
            { path: join(d, 'chain.pem'), data: 'NEW CHAIN' },
          ],
          { overwrite: true },
        ),
      /x\.crt: cannot write the file \(EIO\)/,
    );
    mock.restoreAll();
    assert.equal(fs.readFileSync(join(d, 'x.key'), 'utf8'), 'OLD KEY');
    assert.equal(fs.readFileSync(join(d, 'x.crt'), 'utf8'), 'OLD CRT');
    assert.deepEqual(listing(d), ['x.crt', 'x.key']);
    // And without a failure, everything is replaced.
    writeFilesSafe(
      [
        { path: join(d, 'x.key'), data: 'NEW KEY', secret: true },
        { path: join(d, 'x.crt'), data: 'NEW CRT' },
      ],
      { overwrite: true },
    );
    assert.equal(fs.readFileSync(join(d, 'x.key'), 'utf8'), 'NEW KEY');
    assert.equal(fs.readFileSync(join(d, 'x.crt'), 'utf8'), 'NEW CRT');
    assert.deepEqual(listing(d), ['x.crt', 'x.key']);
  });

  it('refuses two outputs that are the same file (by name or through a symbolic link)', () => {
    const d = folder();
    assertPkiError(
      () =>
        writeFilesSafe([
          { path: join(d, 'a.pem'), data: '1' },
          { path: join(d, '.', 'a.pem'), data: '2' },
        ]),
      /given twice/,
    );
    fs.mkdirSync(join(d, 'real'));
    fs.symlinkSync(join(d, 'real'), join(d, 'alias'));
    for (const overwrite of [false, true]) {
      if (overwrite) fs.writeFileSync(join(d, 'real', 'k.pem'), 'ORIGINAL');
      assertPkiError(
        () =>
          writeFilesSafe(
            [
              { path: join(d, 'real', 'k.pem'), data: 'KEY', secret: true },
              { path: join(d, 'alias', 'k.pem'), data: 'CERT' },
            ],
            { overwrite },
          ),
        /are the same file/,
      );
      assert.deepEqual(listing(join(d, 'real')), overwrite ? ['k.pem'] : []);
      if (overwrite) assert.equal(fs.readFileSync(join(d, 'real', 'k.pem'), 'utf8'), 'ORIGINAL');
    }
  });
});

describe('readFileLimited', () => {
  it('reads a file within the limit', () => {
    const d = folder();
    fs.writeFileSync(join(d, 'f'), BINARY);
    assert.deepEqual(readFileLimited(join(d, 'f'), 8), BINARY);
    assert.deepEqual(readFileLimited(join(d, 'f'), 5 * 1024 * 1024), BINARY);
  });

  it('refuses what it should, one clear line each', () => {
    const d = folder();
    const big = join(d, 'big.pem');
    fs.writeFileSync(big, Buffer.alloc(3 * 1024 * 1024));
    assertPkiError(() => readFileLimited(big, 1024 * 1024), `${big}: file is 3 MB, over the 1 MB limit`);
    const small = join(d, 'small.pem');
    fs.writeFileSync(small, Buffer.alloc(2000));
    assertPkiError(() => readFileLimited(small, Math.floor(0.001 * 1024 * 1024)), `${small}: file is 0.0019 MB, over the 0.001 MB limit`);
    assertPkiError(() => readFileLimited(small, 1999), /file is 2000 bytes, over the 1999-byte/);
    assertPkiError(() => readFileLimited(join(d, 'none'), 10), `${join(d, 'none')}: file not found`);
    assertPkiError(() => readFileLimited(d, 10), `${d} is a directory`);
    execFileSync('mkfifo', [join(d, 'fifo')]);
    assertPkiError(() => readFileLimited(join(d, 'fifo'), 10), `${join(d, 'fifo')} is not a regular file`);
  });
});

describe('readPassphraseFile', () => {
  const cases: [string, string | Uint8Array, string][] = [
    ['LF', 'pass phrase\n', 'pass phrase'],
    ['CRLF', 'pass phrase\r\n', 'pass phrase'],
    ['no newline', 'pass phrase', 'pass phrase'],
    ['first line only', 'first\r\nsecond\n', 'first'],
    ['spaces kept', '  spaced  \n', '  spaced  '],
    ['UTF-8', 'pässwörd ✓\n', 'pässwörd ✓'],
  ];
  for (const [name, content, want] of cases) {
    it(`reads ${name}`, () => {
      const p = join(folder(), 'pw');
      fs.writeFileSync(p, content);
      assert.equal(readPassphraseFile(p), want);
    });
  }

  it('refuses empty, blank-first-line and non-UTF-8 files', () => {
    const d = folder();
    for (const [name, content] of [
      ['empty', ''],
      ['nl', '\n'],
      ['crlf', '\r\nsecond\r\n'],
    ] as const) {
      fs.writeFileSync(join(d, name), content);
      assertPkiError(() => readPassphraseFile(join(d, name)), `${join(d, name)}: the passphrase file is empty (its first line has no passphrase)`);
    }
    fs.writeFileSync(join(d, 'latin1'), Buffer.from([0x70, 0xe4, 0x73, 0x73, 0x0a]));
    assertPkiError(() => readPassphraseFile(join(d, 'latin1')), /not valid UTF-8/);
    assertPkiError(() => readPassphraseFile(join(d, 'missing')), `${join(d, 'missing')}: the password file does not exist`);
  });

  it('gives the passphrase OpenSSL used with the same file', () => {
    const d = folder();
    const pw = join(d, 'pw');
    fs.writeFileSync(pw, 'S3cret phrase\nignored second line\n');
    const key = openssl(['genpkey', '-algorithm', 'ed25519', '-aes-256-cbc', '-pass', `file:${pw}`]);
    assert.match(key, /ENCRYPTED PRIVATE KEY/);
    const k = createPrivateKey({ key, format: 'pem', passphrase: readPassphraseFile(pw) });
    assert.equal(k.asymmetricKeyType, 'ed25519');
  });
});

describe('serial files: lock, read–increment–write, all-or-nothing (issue 13)', () => {
  const advance = (current: string | undefined) => {
    const n = current === undefined ? 1n : BigInt(`0x${current.trim()}`) + 1n;
    return { serial: n.toString(16), fileContents: `${n.toString(16).toUpperCase()}\n` };
  };

  it('concurrent issuers in one process (the extension) get distinct serials, sync and async writers alike', async () => {
    const d = folder();
    const srl = join(d, 'ca.srl');
    fs.writeFileSync(srl, '0F\n');
    const runs = Array.from({ length: 12 }, (_, i) =>
      issueWithSerialFile(srl, advance, async (serial) => {
        await new Promise((r) => setImmediate(r)); // signing yields to the event loop
        return { files: [{ path: join(d, `c${i}.crt`), data: serial }], value: serial };
      }, { async: i % 2 === 0 }),
    );
    const serials = (await Promise.all(runs)).map((r) => r.value);
    assert.equal(new Set(serials).size, 12);
    assert.equal(fs.readFileSync(srl, 'utf8'), '1B\n');
    for (let i = 0; i < 12; i++) assert.equal(fs.readFileSync(join(d, `c${i}.crt`), 'utf8'), serials[i]);
    assert.deepEqual(listing(d).filter((n) => !n.endsWith('.crt')), ['ca.srl']);
  });

  it('a certificate that cannot be written leaves the serial file as it was; a failed signing too; the lock is released', async () => {
    const d = folder();
    const srl = join(d, 'ca.srl');
    fs.writeFileSync(srl, '10\n');
    fs.writeFileSync(join(d, 'taken.crt'), 'precious');
    await assert.rejects(
      issueWithSerialFile(srl, advance, () => ({ files: [{ path: join(d, 'taken.crt'), data: 'new' }], value: 0 })),
      /taken\.crt already exists/,
    );
    const origRename = fs.renameSync;
    mock.method(fs, 'renameSync', (src: FsModule.PathLike, dst: FsModule.PathLike) => {
      if (String(dst).endsWith('late.crt')) throw fsErr('EIO');
      return origRename(src, dst);
    });
    await assert.rejects(
      issueWithSerialFile(srl, advance, () => ({ files: [{ path: join(d, 'late.crt'), data: 'new', overwrite: true }], value: 0 })),
      /late\.crt: cannot write the file \(EIO\)/,
    );
    mock.restoreAll();
    await assert.rejects(
      issueWithSerialFile(srl, advance, () => {
        throw new PkiError('the CA key does not match');
      }),
      /does not match/,
    );
    assert.equal(fs.readFileSync(srl, 'utf8'), '10\n');
    assert.equal(fs.readFileSync(join(d, 'taken.crt'), 'utf8'), 'precious');
    assert.deepEqual(listing(d), ['ca.srl', 'taken.crt']);
  });

  it('a live lock makes the next issuer give up with one line naming the lock file; a dead one is broken', async () => {
    const d = folder();
    const srl = join(d, 'ca.srl');
    let release: () => void = () => undefined;
    // Another signer holds the lock while it signs.
    const held = issueWithSerialFile(srl, advance, () => new Promise<{ files: never[]; value: number }>((r) => (release = () => r({ files: [], value: 0 }))));
    await new Promise((r) => setImmediate(r));
    await assert.rejects(
      issueWithSerialFile(srl, advance, () => ({ files: [], value: 0 }), { lock: { timeoutMs: 50 } }),
      (e: unknown) => e instanceof PkiError && /ca\.srl is in use by another signer \(process \d+ on .+\): try again, or remove .*ca\.srl\.lock/.test(e.message) && !e.message.includes('\n'),
    );
    release();
    await held;
    assert.deepEqual(listing(d), ['ca.srl'], 'the lock is released');
    fs.unlinkSync(srl);
    // A lock whose process is gone (pid 2^22 + 1 is beyond Linux's pid_max) is stale.
    fs.writeFileSync(`${srl}.lock`, `4194305 ${hostname()}\n`);
    const r = await issueWithSerialFile(srl, advance, (serial) => ({ files: [], value: serial }), { lock: { timeoutMs: 50 } });
    assert.equal(r.value, '1');
    assert.deepEqual(listing(d), ['ca.srl']);
  });
});

describe('temporary files (issue 13)', () => {
  it('a write sweeps our temporary files older than a minute from its folder, and only those', () => {
    const d = folder();
    const old = new Date(Date.now() - 2 * 60_000);
    for (const n of ['.x.key.tlsw-0123456789ab.tmp', '.y.crt.tlsw-abcdefabcdef.tmp', '.fresh.tlsw-000000000000.tmp', '.other.tmp', 'z.tlsw-0123456789ab.tmp']) {
      fs.writeFileSync(join(d, n), 'left over');
      if (n !== '.fresh.tlsw-000000000000.tmp') fs.utimesSync(join(d, n), old, old);
    }
    const { swept } = writeFilesSafe([{ path: join(d, 'new.crt'), data: 'x' }]);
    assert.deepEqual(swept.sort(), [join(d, '.x.key.tlsw-0123456789ab.tmp'), join(d, '.y.crt.tlsw-abcdefabcdef.tmp')]);
    assert.deepEqual(listing(d), ['.fresh.tlsw-000000000000.tmp', '.other.tmp', 'new.crt', 'z.tlsw-0123456789ab.tmp']);
  });

  it('cleanupForExit removes the temporary files of a write in progress (the CLI calls it on SIGINT/SIGTERM/SIGHUP)', async () => {
    const d = folder();
    const pending = writeFilesSafeAsync([
      { path: join(d, 'k.key'), data: 'KEY', secret: true },
      { path: join(d, 'c.crt'), data: 'CRT' },
    ]);
    assert.equal(listing(d).length, 2, 'staged');
    for (const n of listing(d)) assert.equal(mode(join(d, n)), 0o600, `${n} is created 0600`);
    cleanupForExit();
    assert.deepEqual(listing(d), []);
    await assert.rejects(pending);
    assert.deepEqual(listing(d), []);
  });

  it('passphrase files: a missing one is named only when the name looks like a path', () => {
    assertPkiError(() => readPassphraseFile('hunter2'), 'the password file does not exist (its name is not shown, in case it was the password itself)');
    assertPkiError(() => readPassphraseFile('hunter2', { what: 'passphrase' }), /^the passphrase file does not exist/);
    assertPkiError(() => readPassphraseFile('pw.txt'), 'pw.txt: the password file does not exist');
    assertPkiError(() => readPassphraseFile('a/b'), 'a/b: the password file does not exist');
    assertPkiError(() => readPassphraseFile('secret.pass'), 'secret.pass: the password file does not exist');
    for (const typed of ['correct horse battery staple', 'P@ss.123']) {
      assertPkiError(() => readPassphraseFile(typed), /^the password file does not exist \(its name is not shown/);
    }
  });
});
