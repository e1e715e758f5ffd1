// Turning option values into what the engine takes: required options, --days, --profile, key types (--type / --new-key with
// --bits and --curve), and the engine's refusals reported against the option or file they concern.

import type { Profile } from '../core/write/issue';
import type { KeySpec } from '../core/write/keygen';
import { PkiError } from '../core/model';
import { MAX_DAYS, MIN_DAYS, RSA_MAX_BITS, RSA_MIN_BITS, curveNamed } from '../core/limits';
import { CliError } from './io';

export function required<T>(value: T | undefined, option: string, usage: string): T {
  if (value === undefined) throw new CliError(`${option} is required\n${usage}`, 2);
  return value;
}

export function days(s: string | undefined): number | undefined {
  if (s === undefined) return undefined;
  const n = Number(s);
  if (!Number.isInteger(n) || n < MIN_DAYS || n > MAX_DAYS) throw new CliError(`--days must be a whole number of days from ${MIN_DAYS} to ${MAX_DAYS}, got "${s}"`, 2);
  return n;
}

/** --profile: one of `allowed`, or `fallback` when not given. */
export function profile(s: string | undefined, allowed: Profile[], fallback: Profile): Profile {
  if (s === undefined) return fallback;
  if (!(allowed as string[]).includes(s)) throw new CliError(`--profile must be one of ${allowed.join(', ')}, got "${s}"`, 2);
  return s as Profile;
}

/** --type / --new-key rsa|ec|ed25519 with --bits / --curve. Defaults: EC P-256; RSA 2048 (3072 for CAs). */
export function keySpec(type: string | undefined, bits: string | undefined, curve: string | undefined, forCa = false): KeySpec {
  const t = (type ?? 'ec').toLowerCase();
  if (t === 'rsa') {
    const n = bits === undefined ? (forCa ? 3072 : 2048) : Number(bits);
    // Under 2048 bits, the engine refuses unless --allow-weak.
    if (!Number.isInteger(n) || n < RSA_MIN_BITS || n > RSA_MAX_BITS) throw new CliError(`--bits must be a whole number such as 2048, 3072 or 4096, got "${bits}"`, 2);
    return { type: 'rsa', bits: n };
  }
  if (t === 'ec') {
    const c = curveNamed(curve ?? 'P-256');
    if (!c) throw new CliError(`--curve must be P-256, P-384 or P-521, got "${curve}"`, 2);
    return { type: 'ec', curve: c };
  }
  if (t === 'ed25519') return { type: 'ed25519' };
  throw new CliError(`key type must be rsa, ec or ed25519, got "${type}"`, 2);
}

/**
 * Runs engine work; a PkiError it throws (the engine refusing the input) becomes a one-line CLI error prefixed
 * with `context` (the option or file it concerns; '' when the message says it already).
 */
export async function withCliErrors<T>(context: string, fn: () => T | Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof PkiError) throw new CliError(context ? `${context}: ${e.message}` : e.message);
    throw e;
  }
}
