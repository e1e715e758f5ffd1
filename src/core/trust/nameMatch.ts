// Name matching for path validation: name constraints (RFC 5280 §4.2.1.10, as OpenSSL's v3_ncons.c applies
// them) and the TLS client's host / IP check on the leaf (RFC 6125: wildcards only as the whole leftmost label).

import type { GeneralName, NameConstraints, PathCert } from './pathCert';
import { OID } from '../der/oids';
import { ipAddress } from '../objects/x509';

/** The most names × subtrees comparisons one certificate may cost (OpenSSL's NAME_CHECK_MAX). */
const NAME_CHECK_MAX = 1 << 20;

export type ConstraintFailure = { code: 'permitted_violation' | 'excluded_violation' | 'subtree_minmax' | 'unsupported_name_syntax'; name: string };

const lower = (s: string): string => s.replace(/[A-Z]+/g, (m) => m.toLowerCase());

/** `dns` is `base` or a name below it (a leading `.` in base: strictly below). */
function dnsWithin(dns: string, base: string): boolean {
  if (base === '') return true;
  const d = lower(dns).replace(/\.$/, '');
  const b = lower(base).replace(/\.$/, '');
  if (b.startsWith('.')) return d.endsWith(b);
  return d === b || d.endsWith('.' + b);
}

/** rfc822Name constraints: a whole mailbox, a host (`example.com`), or a domain below (`.example.com`). */
function emailWithin(email: string, base: string): boolean {
  const at = email.lastIndexOf('@');
  if (at < 0) return false;
  const local = email.slice(0, at);
  const host = lower(email.slice(at + 1));
  if (base.includes('@')) {
    const bat = base.lastIndexOf('@');
    return local === base.slice(0, bat) && host === lower(base.slice(bat + 1));
  }
  if (base.startsWith('.')) return host.endsWith(lower(base));
  return host === lower(base);
}

/** The host of a URI (`scheme://[userinfo@]host[:port]/…`), or undefined when it has none. */
function uriHost(uri: string): string | undefined {
  const m = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/(?:[^@/?#]*@)?(\[[^\]]*\]|[^:/?#]*)/.exec(uri);
  if (!m || m[1] === '') return undefined;
  return m[1];
}

function uriWithin(uri: string, base: string): boolean | undefined {
  const host = uriHost(uri);
  if (host === undefined) return undefined;
  const h = lower(host);
  if (base.startsWith('.')) return h.endsWith(lower(base));
  return h === lower(base);
}

function ipWithin(ip: Uint8Array, base: Uint8Array): boolean {
  const n = ip.length;
  if (base.length !== 2 * n) return false;
  for (let i = 0; i < n; i++) if ((ip[i] & base[n + i]) !== (base[i] & base[n + i])) return false;
  return true;
}

function dirWithin(rdns: string[], base: string[]): boolean {
  if (base.length > rdns.length) return false;
  return base.every((r, i) => r === rdns[i]);
}

type Checked = { type: GeneralName['type']; within: (base: GeneralName) => boolean | undefined; label: string };

function checked(n: GeneralName): Checked | undefined {
  switch (n.type) {
    case 'dns':
      return { type: 'dns', label: `DNS:${n.text}`, within: (b) => b.type === 'dns' && dnsWithin(n.text, b.text) };
    case 'email':
      return { type: 'email', label: `email:${n.text}`, within: (b) => b.type === 'email' && emailWithin(n.text, b.text) };
    case 'uri':
      return { type: 'uri', label: `URI:${n.text}`, within: (b) => (b.type === 'uri' ? uriWithin(n.text, b.text) : false) };
    case 'ip':
      return { type: 'ip', label: `IP:${ipAddress(n.bytes)}`, within: (b) => b.type === 'ip' && ipWithin(n.bytes, b.bytes) };
    case 'dirName':
      return { type: 'dirName', label: `DirName:${n.text}`, within: (b) => b.type === 'dirName' && dirWithin(n.rdns, b.rdns) };
    default:
      return undefined;
  }
}


/** Looks like a host name (OpenSSL's cn2dnsid): letters, digits, `-` and `_` in dot-separated labels, at least one dot. */
function cnAsDns(cn: string): string | undefined {
  const s = cn.replace(/\.$/, '');
  if (!s.includes('.')) return undefined;
  return /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)+$/.test(s) ? s : undefined;
}

/**
 * Checks the names of `cert` against one CA's constraints: its subject (a directoryName, and any
 * emailAddress attribute as an rfc822Name), its subjectAltNames and, for the leaf without a DNS SAN, a
 * host-like commonName. Returns the first failure, or undefined.
 */
export function checkNameConstraints(cert: PathCert, nc: NameConstraints, isLeaf: boolean): ConstraintFailure | undefined {
  for (const st of [...nc.permitted, ...nc.excluded]) {
    if (st.minMax) return { code: 'subtree_minmax', name: 'a subtree with minimum/maximum' };
  }
  const names: GeneralName[] = [];
  if (cert.subjectRdns.length > 0) names.push({ type: 'dirName', rdns: cert.subjectRdns, text: cert.model.subject.text });
  for (const a of cert.subjectAttrs) if (a.oid === OID.emailAddress) names.push({ type: 'email', text: a.value });
  names.push(...cert.subjectAltNames);
  if (isLeaf && !cert.subjectAltNames.some((n) => n.type === 'dns')) {
    for (const a of cert.subjectAttrs) {
      const dns = a.oid === OID.commonName ? cnAsDns(a.value) : undefined;
      if (dns) names.push({ type: 'dns', text: dns });
    }
  }
  // As OpenSSL (NAME_CHECK_MAX): a hostile CA and leaf could otherwise demand names × subtrees comparisons by
  // the billion; refuse checks larger than 2^20.
  const work = names.length * (nc.permitted.length + nc.excluded.length);
  if (work > NAME_CHECK_MAX) return { code: 'unsupported_name_syntax', name: `${names.length} names against ${nc.permitted.length + nc.excluded.length} name constraints (too many to check)` };
  for (const n of names) {
    if (n.type === 'other') {
      // A name of a type the constraints name but this validator cannot compare: refuse rather than guess.
      const constrained = [...nc.permitted, ...nc.excluded].some((s) => s.base.type === 'other' && s.base.tag === n.tag);
      if (constrained) return { code: 'unsupported_name_syntax', name: `a GeneralName of tag 0x${n.tag.toString(16)}` };
      continue;
    }
    const c = checked(n);
    if (!c) continue;
    const permitted = nc.permitted.filter((s) => s.base.type === c.type);
    if (permitted.length > 0) {
      const verdicts = permitted.map((s) => c.within(s.base));
      if (verdicts.includes(undefined)) return { code: 'unsupported_name_syntax', name: c.label };
      if (!verdicts.includes(true)) return { code: 'permitted_violation', name: c.label };
    }
    for (const s of nc.excluded) {
      if (s.base.type !== c.type) continue;
      const v = c.within(s.base);
      if (v === undefined) return { code: 'unsupported_name_syntax', name: c.label };
      if (v) return { code: 'excluded_violation', name: c.label };
    }
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------------------
// Host and IP checks (the leaf, as a TLS client does)

/** Parses an IPv4 or IPv6 address into bytes, or undefined. */
export function parseIp(text: string): Uint8Array | undefined {
  const s = text.replace(/^\[|\]$/g, '');
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(s);
  if (v4) {
    const parts = v4.slice(1).map(Number);
    return parts.every((p) => p <= 255) ? Uint8Array.from(parts) : undefined;
  }
  if (!s.includes(':') || !/^[0-9a-fA-F:.]+$/.test(s)) return undefined;
  const halves = s.split('::');
  if (halves.length > 2) return undefined;
  const groups = (h: string): number[] | undefined => {
    if (h === '') return [];
    const out: number[] = [];
    for (const part of h.split(':')) {
      if (part.includes('.')) {
        const tail = parseIp(part);
        if (!tail || tail.length !== 4) return undefined;
        out.push((tail[0] << 8) | tail[1], (tail[2] << 8) | tail[3]);
      } else if (/^[0-9a-fA-F]{1,4}$/.test(part)) out.push(parseInt(part, 16));
      else return undefined;
    }
    return out;
  };
  const head = groups(halves[0]);
  const tail = halves.length === 2 ? groups(halves[1]) : [];
  if (!head || !tail) return undefined;
  const missing = 8 - head.length - tail.length;
  if ((halves.length === 1 && missing !== 0) || (halves.length === 2 && missing < 1)) return undefined;
  const all = [...head, ...new Array<number>(halves.length === 2 ? missing : 0).fill(0), ...tail];
  const out = new Uint8Array(16);
  all.forEach((g, i) => {
    out[2 * i] = g >> 8;
    out[2 * i + 1] = g & 0xff;
  });
  return out;
}

/**
 * True when the DNS pattern from a certificate matches `host`: case-insensitive, trailing dots ignored, a
 * wildcard only as the whole leftmost label, matching exactly one label, and never directly above a public
 * suffix (`*.com`, `*.co.uk`): `isPublicSuffix` decides what is one.
 */
export function hostMatches(pattern: string, host: string, isPublicSuffix: (domain: string) => boolean): boolean {
  const p = lower(pattern).replace(/\.$/, '');
  const h = lower(host).replace(/\.$/, '');
  if (p === '' || h === '') return false;
  if (!p.includes('*')) return p === h;
  if (!p.startsWith('*.') || p.indexOf('*', 1) >= 0) return false;
  const rest = p.slice(2);
  if (!rest.includes('.') || isPublicSuffix(rest)) return false;
  const dot = h.indexOf('.');
  if (dot <= 0) return false;
  return h.slice(dot + 1) === rest;
}

/** The leaf's DNS names a TLS client would check: dNSName SANs, or the commonNames when there is no dNSName SAN. */
export function dnsIdentities(cert: PathCert): string[] {
  const sans = cert.subjectAltNames.flatMap((n) => (n.type === 'dns' ? [n.text] : []));
  if (sans.length > 0 || cert.hasSan) return sans;
  return cert.subjectAttrs.filter((a) => a.oid === OID.commonName).map((a) => a.value);
}

export function ipIdentities(cert: PathCert): Uint8Array[] {
  return cert.subjectAltNames.flatMap((n) => (n.type === 'ip' ? [n.bytes] : []));
}

export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
