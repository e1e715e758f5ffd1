// The engine's limits and defaults for what it issues, in one place: the CLI's option checks, the extension's input
// validation and settings, and the engine's own refusals all read them here (pure constants, bundled wherever used).

/** Validity in days of what the engine issues: from 1 day to 100 years. */
export const MIN_DAYS = 1;
export const MAX_DAYS = 36_500;

/** RSA key sizes the engine generates: 512 is the floor for tests and legacy peers (the CLI warns), 2048 the safe minimum. */
export const RSA_MIN_BITS = 512;
export const RSA_SAFE_BITS = 2048;
export const RSA_MAX_BITS = 16_384;

/** ecFlow's servers run OpenSSL 3 at security level 1+: RSA under 2048 bits is refused ("ee key too small"). */
export const ECFLOW_MIN_RSA_BITS = 2048;

/** The curves the engine generates keys on (the NIST names; OpenSSL's prime256v1/secp384r1/secp521r1 are aliases). */
export const CURVES = ['P-256', 'P-384', 'P-521'] as const;
export type Curve = (typeof CURVES)[number];

/** A curve name as the user may type it (P-256, prime256v1, secp384r1…), as the engine names it; undefined if unknown. */
export function curveNamed(s: string): Curve | undefined {
  const c = s.trim().toUpperCase().replace(/^PRIME256V1$/, 'P-256').replace(/^SECP384R1$/, 'P-384').replace(/^SECP521R1$/, 'P-521');
  return (CURVES as readonly string[]).includes(c) ? (c as Curve) : undefined;
}

/** The passphrase length OpenSSL reads from `-passin file:` (at most 1023 bytes). */
export const MAX_PASSPHRASE_BYTES = 1023;
