// The one expiry rule: a certificate's status and days left at a moment, and the words for them. The reader
// (objects/x509), the workspace scanner, the PEM editor's insights, the CLI, the explorer and the inspector all
// ask here, so they agree to the day.
//
// Days left are the time left in days rounded to the nearest whole day: a certificate issued now for 3650 days
// has 3650 days left, one with 3 hours left has 0 ("expires today"), one that expired 30 hours ago has −1.

import type { Expiry, ExpiryStatus } from '../model';

export const DAY_MS = 86_400_000;

type Moment = Date | string | number;

function ms(t: Moment): number {
  return t instanceof Date ? t.getTime() : typeof t === 'number' ? t : Date.parse(t);
}

/**
 * Status and days left of a validity period at `now`: `not-yet-valid` before notBefore, `expired` once notAfter
 * has passed, `expiring` within `warnDays` of notAfter, else `valid`. Undefined when a time is not a date.
 * A missing notBefore counts as "always".
 */
export function expiryOf(period: { notBefore?: Moment; notAfter: Moment }, now: Date, warnDays: number): Expiry | undefined {
  const t = now.getTime();
  const na = ms(period.notAfter);
  const nb = period.notBefore === undefined ? -Infinity : ms(period.notBefore);
  if (Number.isNaN(t) || Number.isNaN(na) || Number.isNaN(nb)) return undefined;
  const left = na - t;
  // `|| 0`: −0 (rounded from just expired) reads as 0 days.
  const daysLeft = Math.round(left / DAY_MS) || 0;
  let status: ExpiryStatus;
  if (t < nb) status = 'not-yet-valid';
  else if (left < 0) status = 'expired';
  else if (left <= warnDays * DAY_MS) status = 'expiring';
  else status = 'valid';
  return { status, daysLeft };
}

/**
 * The expiry in words, for lists and messages: "expires in 42 days", "expires tomorrow", "expires today",
 * "expired today", "expired yesterday", "expired 9 days ago", "not valid before 2031-01-01".
 */
export function expiryPhrase(e: Expiry, notBefore?: string): string {
  const d = e.daysLeft;
  switch (e.status) {
    case 'expired': {
      const ago = Math.max(0, -d);
      return ago === 0 ? 'expired today' : ago === 1 ? 'expired yesterday' : `expired ${ago} days ago`;
    }
    case 'not-yet-valid':
      return notBefore ? `not valid before ${notBefore.slice(0, 10)}` : 'not yet valid';
    default:
      return d <= 0 ? 'expires today' : d === 1 ? 'expires tomorrow' : `expires in ${d} days`;
  }
}

/** The short status for a report line or a field: "valid, 364 days left", "expires in 12 days", "expired 3 days ago". */
export function expiryStatusText(e: Expiry, notBefore?: string): string {
  if (e.status === 'valid') return `valid, ${e.daysLeft} day${e.daysLeft === 1 ? '' : 's'} left`;
  return expiryPhrase(e, notBefore);
}
