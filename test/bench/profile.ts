// `npm run bench -- --profile`: CPU profiles of the whole-process runs that are over budget (tlsw inspect --json on
// the trust bundle, tlsw scan on the big tree), summarised by where the time goes: system calls, cryptography,
// garbage collection, loading code, our own code. The .cpuprofile files (one per thread) are kept in
// bench-profile/ at the repository root, for Chrome DevTools or VS Code.

import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { round } from './measure';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileSummary {
  what: string;
  thread: string;
  totalMs: number;
  /** Self time by category, ms. */
  categories: Record<string, number>;
  /** The functions with the most self time. */
  top: Array<{ name: string; ms: number }>;
}

const SYSCALLS = new Set(['open', 'read', 'close', 'readdir', 'fstat', 'lstat', 'stat', 'realpath', 'readFileUtf8', 'writeString', 'writeBuffer']);
const CRYPTO = new Set(['verifyOneShot', 'signOneShot', 'createPublicKey', 'createPrivateKey', 'Hash', 'digest', 'update', 'hash']);

function category(frame: ProfileNode['callFrame']): string {
  const { functionName: name, url } = frame;
  if (name === '(garbage collector)') return 'garbage collection';
  if (name === '(idle)') return 'idle (waiting)';
  if (name === '(program)') return 'V8 (compiling, runtime)';
  if (url === '' && SYSCALLS.has(name)) return 'system calls (file system)';
  if (CRYPTO.has(name) || /internal\/crypto/.test(url)) return 'cryptography (OpenSSL)';
  if (/(engine|cli|extension)\.js$/.test(url) || url.includes('[worker eval]')) return 'our code';
  if (name === 'wrapSafe' || name === 'compileForInternalLoader' || /loader|run_main|pre_execution|realm/.test(url)) return 'loading code';
  return 'Node.js internals';
}

/** Self time per node of a profile, summarised. */
export function summarise(file: string, what: string, thread: string): ProfileSummary {
  const p = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  p.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (p.timeDeltas[i] ?? 0)));
  const categories: Record<string, number> = {};
  const byName = new Map<string, number>();
  let total = 0;
  for (const [id, us] of self) {
    const frame = (byId.get(id) as ProfileNode).callFrame;
    const ms = us / 1000;
    total += ms;
    const c = category(frame);
    categories[c] = (categories[c] ?? 0) + ms;
    const name = `${frame.functionName || '(anonymous)'}${frame.url ? ` ${frame.url.slice(frame.url.lastIndexOf('/') + 1)}` : ''}`;
    byName.set(name, (byName.get(name) ?? 0) + ms);
  }
  for (const k of Object.keys(categories)) categories[k] = round(categories[k]);
  const top = [...byName.entries()].sort((a, b) => b[1] - a[1]).slice(0, 12).map(([name, ms]) => ({ name, ms: round(ms) }));
  return { what, thread, totalMs: round(total), categories, top };
}

/** Profiles `node ARGS` (every thread) into dir/label-*.cpuprofile and summarises each. */
export function profileRun(dir: string, label: string, args: string[]): ProfileSummary[] {
  const into = join(dir, label);
  rmSync(into, { recursive: true, force: true });
  mkdirSync(into, { recursive: true });
  const r = spawnSync(process.execPath, ['--cpu-prof', '--cpu-prof-interval', '250', '--cpu-prof-dir', into, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  if (r.status !== 0) throw new Error(`${label}: exit ${r.status}\n${r.stderr}`);
  const files = readdirSync(into).filter((f) => f.endsWith('.cpuprofile')).sort();
  return files.map((f, i) => summarise(join(into, f), label, i === 0 ? 'main thread' : `helper thread ${i}`));
}

export function formatProfile(s: ProfileSummary): string {
  const lines = [`${s.what} — ${s.thread}: ${s.totalMs} ms of samples`];
  for (const [c, ms] of Object.entries(s.categories).sort((a, b) => b[1] - a[1])) {
    lines.push(`  ${c.padEnd(28)} ${String(ms).padStart(7)} ms  ${String(round((100 * ms) / s.totalMs)).padStart(5)} %`);
  }
  lines.push('  top functions (self time):');
  for (const t of s.top) lines.push(`    ${String(t.ms).padStart(7)} ms  ${t.name}`);
  return lines.join('\n');
}
