// Measuring tools for the benchmarks: whole-process timings, ours and the peer interleaved in one run (these
// machines are noisy: a ratio only means something when both sides shared the same minutes), medians, and an
// event-loop lag probe.

import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';

export function median(xs: number[]): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export function round(x: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

export interface ProcessSpec {
  /** What the table prints. */
  label: string;
  file: string;
  args: string[];
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Runs before each timed run, untimed (a fresh folder, a clean CAROOT…). */
  before?: () => void;
  /** Checks the run (exit status 0 by default); throws when it is not what we meant to measure. */
  check?: (status: number | null, stderr: string) => void;
}

const devNull = (): number => openSync('/dev/null', 'w');

/** Runs one process to completion, standard output to /dev/null; returns the wall time in ms. */
export function timeProcess(spec: ProcessSpec): number {
  spec.before?.();
  const out = devNull();
  try {
    const opts: SpawnSyncOptions = { cwd: spec.cwd, env: spec.env ?? process.env, stdio: ['ignore', out, 'pipe'], maxBuffer: 64 * 1024 * 1024 };
    const t0 = process.hrtime.bigint();
    const r = spawnSync(spec.file, spec.args, opts);
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    if (r.error) throw new Error(`${spec.label}: ${r.error.message}`);
    const stderr = r.stderr?.toString() ?? '';
    if (spec.check) spec.check(r.status, stderr);
    else if (r.status !== 0) throw new Error(`${spec.label}: exit ${r.status}\n${stderr.slice(0, 2000)}`);
    return ms;
  } finally {
    closeSync(out);
  }
}

export interface Pair {
  ours: number[];
  peer: number[];
}

/**
 * `runs` timings of each, interleaved (ours, peer, peer, ours, …: the order alternates so neither side always
 * runs right after the other), after `warmup` untimed runs of each (page cache, binaries in memory).
 */
export function interleaved(ours: () => number, peer: () => number, runs: number, warmup = 2): Pair {
  for (let i = 0; i < warmup; i++) {
    ours();
    peer();
  }
  const out: Pair = { ours: [], peer: [] };
  for (let i = 0; i < runs; i++) {
    if (i % 2 === 0) {
      out.ours.push(ours());
      out.peer.push(peer());
    } else {
      out.peer.push(peer());
      out.ours.push(ours());
    }
  }
  return out;
}

/** The same with asynchronous work on our side (in-process API calls). */
export async function interleavedAsync(ours: () => Promise<number>, peer: () => number, runs: number, warmup = 2): Promise<Pair> {
  for (let i = 0; i < warmup; i++) {
    await ours();
    peer();
  }
  const out: Pair = { ours: [], peer: [] };
  for (let i = 0; i < runs; i++) {
    if (i % 2 === 0) {
      out.ours.push(await ours());
      out.peer.push(peer());
    } else {
      out.peer.push(peer());
      out.ours.push(await ours());
    }
  }
  return out;
}

export async function timeAsync(fn: () => Promise<unknown>): Promise<number> {
  const t0 = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

/**
 * An event-loop lag probe: a timer asking to run every `intervalMs`; the lag is how late it ran. `stop()` gives
 * the worst lag seen (ms) and how many ticks it saw. A callback that holds the thread for 80 ms shows as ~80.
 */
export function lagProbe(intervalMs = 5): { stop: () => { maxLagMs: number; ticks: number } } {
  let last = performance.now();
  let maxLag = 0;
  let ticks = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    maxLag = Math.max(maxLag, now - last - intervalMs);
    last = now;
    ticks++;
  }, intervalMs);
  return {
    stop: () => {
      clearInterval(timer);
      // The time since the last tick counts too (a block right at the end).
      maxLag = Math.max(maxLag, performance.now() - last - intervalMs);
      return { maxLagMs: Math.max(0, maxLag), ticks };
    },
  };
}
