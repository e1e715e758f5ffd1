// Running engine work on a worker thread (node:worker_threads), so that key derivation never blocks the thread
// that asked for it (the extension host: every extension would freeze), and so that it can be cancelled: a
// cancel terminates the worker, whatever it is doing. Host-neutral: the caller names the worker script.
//
// One worker per request: it starts in tens of milliseconds, holds no state between requests (a password is used
// and dropped with the thread), and terminating it can never leave a shared worker half-way through something.

import { Worker } from 'node:worker_threads';
import { PkiError, failureText } from '../model';
import { messageOf } from '../display/labels';
import { WorkLimitError } from './workBudget';

/** The request was cancelled (its worker terminated). */
export class Cancelled extends PkiError {
  constructor() {
    super('cancelled');
    this.name = 'Cancelled';
  }
}

/** What a worker posts back: the result, or an error as a name and a one-line message. */
export type WorkerReply<T> = { ok: true; result: T } | { ok: false; name: string; message: string };

export interface OffThreadOptions {
  /** Aborting terminates the worker; the promise then rejects with Cancelled. */
  signal?: AbortSignal;
  /** Told once the worker is running (tests and progress reporting). */
  onStart?: (worker: Worker) => void;
}

/**
 * Posts `request` to a new worker running `workerFile` and resolves with the result it posts back. Rejects with
 * Cancelled on abort, with a PkiError (WorkLimitError kept as such) when the work failed, and with a PkiError
 * saying so when the worker itself failed or exited early.
 */
export function runOffThread<T>(workerFile: string, request: unknown, opts: OffThreadOptions = {}): Promise<T> {
  const { signal } = opts;
  return new Promise<T>((resolve, reject) => {
    if (signal?.aborted) {
      reject(new Cancelled());
      return;
    }
    let settled = false;
    let worker: Worker;
    try {
      worker = new Worker(workerFile);
    } catch (e) {
      reject(new PkiError(`the background worker could not start (${messageOf(e)})`));
      return;
    }
    const finish = (fn: () => void): void => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      void worker.terminate();
      fn();
    };
    const onAbort = (): void => finish(() => reject(new Cancelled()));
    signal?.addEventListener('abort', onAbort, { once: true });
    worker.once('message', (reply: WorkerReply<T>) => finish(() => (reply.ok ? resolve(reply.result) : reject(errorOf(reply)))));
    worker.once('error', (e: Error) => finish(() => reject(new PkiError(`the background worker failed: ${messageOf(e)}`))));
    worker.once('exit', (code) => finish(() => reject(new PkiError(`the background worker stopped early (exit code ${code})`))));
    opts.onStart?.(worker);
    worker.postMessage(request);
  });
}

function errorOf(reply: { name: string; message: string }): PkiError {
  if (reply.name === 'WorkLimitError') return new WorkLimitError(reply.message);
  return new PkiError(reply.message);
}

/** For the worker's side: an error as it travels back (PkiError messages are fit to show; others are summarised). */
export function replyOfError(e: unknown): WorkerReply<never> {
  return { ok: false, name: e instanceof PkiError ? e.name : 'Error', message: failureText(e) };
}
