// DH parameters to write: an RFC 7919 group (instant), or fresh ones as `openssl dhparam` makes them — a safe prime
// p = 2q + 1 with p ≡ 23 (mod 24), generator 2. Candidates are sieved in JavaScript, then tested with
// crypto.checkPrime on libuv's thread pool, a few searches in parallel. Between two steps the signal is checked,
// so cancelling really stops the work.

import { checkPrime, randomBytes } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { encodePem } from '../der/pem';
import { FFDHE, encodeDhParameters } from '../objects/dh';
import { PkiError } from '../model';

export interface DhProgress {
  /** Candidates that survived the sieve and were tested for primality so far. */
  tested: number;
  elapsedMs: number;
}

/** An RFC 7919 group as the PKCS#3 PEM `openssl dhparam` writes (instant; what ecFlow's dh2048.pem needs). */
export function ffdhePem(bits: number = 2048): string {
  const group = (FFDHE as Record<string, { prime: string; generator: number } | undefined>)[`ffdhe${bits}`];
  if (!group) throw new PkiError(`no RFC 7919 group of ${String(bits)} bits here (use 2048, 3072 or 4096)`);
  return encodePem('DH PARAMETERS', encodeDhParameters(group.prime, group.generator));
}

let smallPrimeTable: number[] | undefined;

function smallPrimes(): number[] {
  if (smallPrimeTable) return smallPrimeTable;
  const limit = 1 << 16;
  const composite = new Uint8Array(limit + 1);
  const out: number[] = [];
  for (let i = 2; i <= limit; i++) {
    if (composite[i]) continue;
    if (i > 3) out.push(i); // 2 and 3 are excluded by q ≡ 11 (mod 12)
    for (let j = i * i; j <= limit; j += i) composite[j] = 1;
  }
  smallPrimeTable = out;
  return out;
}

function isPrime(n: bigint, checks = 0): Promise<boolean> {
  return new Promise((resolve, reject) => {
    checkPrime(n, { checks }, (err, ok) => (err ? reject(err) : resolve(ok)));
  });
}

/**
 * Generates `bits`-bit DH parameters (safe prime, generator 2) as PKCS#3 PEM. Takes from seconds to minutes for
 * 2048 bits. `onProgress` is called about every quarter second; aborting `signal` stops the search and rejects
 * with PkiError('cancelled').
 */
export async function generateDhParameters(
  bits: number,
  opts: { signal?: AbortSignal; onProgress?: (p: DhProgress) => void; parallel?: number } = {},
): Promise<string> {
  if (!Number.isInteger(bits) || bits < 512 || bits > 8192) throw new PkiError(`DH size must be from 512 to 8192 bits, got ${String(bits)}`);
  const { signal, onProgress } = opts;
  const started = Date.now();
  let tested = 0;
  let lastReport = started;
  let found: bigint | undefined;
  const primes = smallPrimes();
  const cancelled = (): boolean => signal?.aborted === true;
  const report = (): void => {
    const now = Date.now();
    if (onProgress && now - lastReport >= 250) {
      lastReport = now;
      try {
        onProgress({ tested, elapsedMs: now - started });
      } catch {
        // a caller's progress callback must not break the search
      }
    }
  };
  const qBits = bits - 1;
  const search = async (): Promise<void> => {
    while (found === undefined && !cancelled()) {
      // A random q of qBits bits, top two bits set (so p has exactly `bits` bits), q ≡ 11 (mod 12).
      let q = BigInt(`0x${randomBytes(Math.ceil(qBits / 8)).toString('hex')}`) & ((1n << BigInt(qBits)) - 1n);
      q |= (1n << BigInt(qBits - 1)) | (1n << BigInt(qBits - 2));
      q = q - (q % 12n) + 11n;
      const residues = primes.map((s) => Number(q % BigInt(s)));
      for (let k = 0; k < 4096 && found === undefined && !cancelled(); k++) {
        const step = 12 * k;
        let survives = true;
        for (let i = 0; i < primes.length; i++) {
          const s = primes[i];
          const r = (residues[i] + step) % s;
          if (r === 0 || (2 * r + 1) % s === 0) {
            survives = false;
            break;
          }
        }
        if (!survives) continue;
        const cq = q + BigInt(step);
        tested++;
        report();
        if (!(await isPrime(cq, 1))) continue;
        const p = 2n * cq + 1n;
        if (!(await isPrime(p, 1))) continue;
        if (p.toString(2).length !== bits) continue;
        if ((await isPrime(cq)) && (await isPrime(p))) {
          found ??= p;
          return;
        }
      }
      // Yield now and then even when no candidate survived the sieve for a while.
      await new Promise<void>((r) => setImmediate(r));
    }
  };
  const workers = Math.max(1, Math.min(opts.parallel ?? Math.min(4, availableParallelism()), 8));
  // Cancelling answers at once; a primality test already running on the thread pool finishes in the background
  // and its result is dropped.
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<void>((resolve) => {
    onAbort = resolve;
    signal?.addEventListener('abort', onAbort, { once: true });
  });
  try {
    await Promise.race([Promise.all(Array.from({ length: workers }, () => search())), aborted]);
  } catch (e) {
    const code = (e as { code?: unknown } | null)?.code;
    throw e instanceof PkiError ? e : new PkiError(`DH parameter generation failed${typeof code === 'string' ? ` (${code})` : ''}`);
  } finally {
    if (onAbort) signal?.removeEventListener('abort', onAbort);
  }
  if (found === undefined || cancelled()) throw new PkiError('cancelled');
  onProgress?.({ tested, elapsedMs: Date.now() - started });
  return encodePem('DH PARAMETERS', encodeDhParameters(found.toString(16), 2));
}
