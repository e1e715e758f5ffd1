// The engine's worker thread (bundled as dist/worker.js; see src/core/offThread.ts for the host side): every
// decryption and key derivation the extension runs happens here, off the extension host's thread. One request
// per worker: the host posts a task, the worker posts the result (or the error) back, and is terminated.

import { parentPort } from 'node:worker_threads';
import { changePassphrase, encodePrivateKey, loadPrivateKey, removePassphrase, type KeyEncodeOptions } from '../core/write/keygen';
import { replyOfError, type WorkerReply } from '../core/runtime/offThread';
import { exportPkcs12, readPkcs12, type Pkcs12ExportOptions } from '../core/objects/pkcs12';
import { WorkBudget } from '../core/runtime/workBudget';
import { buildInspectorView, type BuildInput } from '../extension/inspector/viewBuilder';

/** What the extension asks of the worker. `maxWork`: the key-derivation budget in millions of units (workBudget.ts). */
export type EngineTask = { maxWork?: number } & (
  | { op: 'inspect'; input: Omit<BuildInput, 'budget'> }
  | { op: 'loadPrivateKey'; data: Uint8Array | string; passphrase?: string }
  | { op: 'removePassphrase'; data: Uint8Array | string; passphrase: string }
  | { op: 'changePassphrase'; data: Uint8Array | string; passphrase: string; newPassphrase: string; legacy?: boolean }
  | { op: 'encodePrivateKey'; pkcs8: Uint8Array; options: KeyEncodeOptions }
  | { op: 'readPkcs12'; der: Uint8Array; password?: string }
  | { op: 'exportPkcs12'; options: Pkcs12ExportOptions }
);

/** Runs one task (in the worker; exported for tests, which may also call it in-process). */
export function runTask(task: EngineTask): unknown {
  const budget = WorkBudget.fromMillions(task.maxWork, '');
  switch (task.op) {
    case 'inspect':
      return buildInspectorView({ ...task.input, budget });
    case 'loadPrivateKey':
      return loadPrivateKey(task.data, task.passphrase, budget);
    case 'removePassphrase':
      return removePassphrase(task.data, task.passphrase, { budget });
    case 'changePassphrase':
      return changePassphrase(task.data, task.passphrase, task.newPassphrase, { legacy: task.legacy, budget });
    case 'encodePrivateKey':
      return encodePrivateKey(task.pkcs8, task.options);
    case 'readPkcs12':
      return readPkcs12(task.der, task.password, budget);
    case 'exportPkcs12':
      return exportPkcs12(task.options);
  }
}

if (parentPort) {
  const port = parentPort;
  port.once('message', (task: EngineTask) => {
    let reply: WorkerReply<unknown>;
    try {
      reply = { ok: true, result: runTask(task) };
    } catch (e) {
      reply = replyOfError(e);
    }
    port.postMessage(reply);
  });
}
