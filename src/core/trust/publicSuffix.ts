// Public suffixes (ICANN section of the Public Suffix List, through tldts-icann): a certificate wildcard may
// never sit directly above one (`*.co.uk` must not match `bank.co.uk`), as browsers rule.

import { getPublicSuffix } from 'tldts-icann';

/** True when `domain` (lowercase, no trailing dot) is itself a public suffix such as `com` or `co.uk`. */
export function isPublicSuffix(domain: string): boolean {
  return getPublicSuffix(domain, { allowPrivateDomains: false }) === domain;
}
