// Off the UI thread (issue 13, item 4): the engine's worker (src/worker/engineWorker.ts, run by
// src/core/offThread.ts) does the key derivation while the calling thread keeps turning, and a cancel terminates
// it. Behaviour, not milliseconds: the caller's timer turns are counted while the worker derives.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Worker } from 'node:worker_threads';
import { Cancelled, runOffThread } from '../../src/core/runtime/offThread';
import { WorkLimitError } from '../../src/core/runtime/workBudget';
import type { BuildOutput } from '../../src/extension/inspector/viewBuilder';
import { runTask, type EngineTask } from '../../src/worker/engineWorker';
import { encryptedKeyDer, hostileKeyFile, pem } from '../helpers/hostileKdf';
import { turnsDuring } from '../helpers/turns';
import { openssl, tempDir } from '../helpers/tools';

/** The worker as tsc compiles it (the extension runs dist/worker.js, the same module bundled). */
const WORKER = join(__dirname, '..', '..', 'src', 'worker', 'engineWorker.js');
const BUNDLED_WORKER = join(__dirname, '..', '..', '..', 'dist', 'worker.js');

const t = tempDir();
after(() => t.cleanup());

/** Four real keys, each encrypted with PBKDF2 at 2·10^6 iterations (the "expensive unlock" of the issue, scaled down). */
let fourKeys: Buffer;
before(() => {
  const pems: string[] = [];
  for (let i = 0; i < 4; i++) {
    openssl(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', t.path(`k${i}.pem`)]);
    pems.push(openssl(['pkcs8', '-topk8', '-in', t.path(`k${i}.pem`), '-v2', 'aes-256-cbc', '-iter', '2000000', '-passout', 'pass:four-keys']));
  }
  fourKeys = Buffer.from(pems.join(''));
});


for (const [name, file] of [['the compiled worker', WORKER], ['dist/worker.js (what the extension runs)', BUNDLED_WORKER]] as const) {
  describe(`engine worker: ${name}`, () => {
    it('unlocks four expensive keys in the worker while this thread keeps turning', async () => {
      const task: EngineTask = { op: 'inspect', input: { fileName: 'four.pem', bytes: fourKeys, password: 'four-keys' } };
      const { turns, result: value } = await turnsDuring(() => runOffThread<BuildOutput>(file, task));
      assert.equal(value!.view.unlocked, true);
      assert.equal(value!.result.objects.length, 4);
      assert.ok(value!.result.objects.every((o) => o.kind === 'private-key' && o.publicKey), 'every key decrypted');
      // Four derivations of 2·10^6 iterations: this thread, had it done them, would not have turned at all meanwhile.
      assert.ok(turns >= 10, `the event loop turned ${turns} times during the unlock`);
    });

    it('a cancel terminates the worker at once, in the middle of a derivation', async () => {
      const bytes = Buffer.from(hostileKeyFile(3, { kind: 'pbkdf2', iterations: 10_000_000 }));
      const abort = new AbortController();
      let worker: Worker | undefined;
      const exited = new Promise<number>((resolve) => {
        const run = runOffThread(file, { op: 'inspect', input: { fileName: 'slow.pem', bytes, password: 'x' } } satisfies EngineTask, {
          signal: abort.signal,
          onStart: (w) => {
            worker = w;
            w.once('exit', resolve);
          },
        });
        setTimeout(() => abort.abort(), 300);
        void run.catch((e) => assert.ok(e instanceof Cancelled, String(e)));
      });
      await exited;
      assert.ok(worker, 'the work ran in a worker');
      await assert.rejects(runOffThread(file, { op: 'loadPrivateKey', data: '' }, { signal: AbortSignal.abort() }), Cancelled);
    });

    it('errors come back as they are: the work budget and per-key refusals, wrong passphrases', async () => {
      const bomb = pem('ENCRYPTED PRIVATE KEY', encryptedKeyDer({ kind: 'scrypt', n: 2 ** 14, r: 8, p: 2 ** 17 }));
      await assert.rejects(runOffThread(file, { op: 'loadPrivateKey', data: bomb, passphrase: 'x' } satisfies EngineTask), (e: Error) => e instanceof WorkLimitError && /^refusing scrypt/.test(e.message));
      const pbkdf2 = hostileKeyFile(1, { kind: 'pbkdf2', iterations: 2_000_000 });
      await assert.rejects(runOffThread(file, { op: 'loadPrivateKey', data: pbkdf2, passphrase: 'x', maxWork: 1 } satisfies EngineTask), (e: Error) => e instanceof WorkLimitError && /too much key-derivation work for this file \(limit 1 million units/.test(e.message));
      await assert.rejects(runOffThread(file, { op: 'loadPrivateKey', data: readFileSync(t.path('k0.pem')).toString().replace('PRIVATE KEY', 'ENCRYPTED PRIVATE KEY'), passphrase: 'x' }), /private key/);
    });
  });
}

describe('runTask (the same work in-process)', () => {
  it('gives what the worker gives', () => {
    const out = runTask({ op: 'inspect', input: { fileName: 'four.pem', bytes: fourKeys, password: 'four-keys', now: new Date(0) } }) as BuildOutput;
    assert.equal(out.view.unlocked, true);
    assert.equal(out.result.objects.length, 4);
  });
});
