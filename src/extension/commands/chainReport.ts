// The words for a path-validation result (src/core/trust/pathValidation.ts's ChainCheck) in the extension: the one-line
// notification of Verify Certificate Chain… and the readable report behind its "Show Details" button (one
// line per link with its checks, then the errors with their codes). Host-neutral (no `vscode`): the unit
// tests check it directly.

import { displayName, fingerprintText, plural } from '../../core/display/labels';
import type { ChainCheck, ChainLink, LinkCheck } from '../../core/trust/pathValidation';

/** What was verified against what: the sentences the report and the notification are made of. */
export interface ChainContext {
  /** The file the certificate came from (named first in every message). */
  fileName: string;
  /** A short name for each certificate of the chain, by SHA-256 (its CN); the subject is used otherwise. */
  names?: ReadonlyMap<string, string>;
  /** Where the trust anchors came from: `ca.crt`, `the system trust store (/etc/ssl/certs/ca-certificates.crt)`. */
  anchors: string;
  /** How many anchors that was. */
  anchorCount: number;
  /** How many untrusted intermediates were offered (the rest of the file, the workspace's other CA certificates). */
  intermediateCount: number;
  /** The revocation source: `ca.crl (the certificate only)`; undefined when revocation was not checked. */
  revocation?: string;
  /** When the chain was validated. */
  now: Date;
}

/**
 * The short name of a link: its CN as the caller knows it, else the display name of its subject (a link carries its
 * subject as text only: the whole subject, or "(empty subject)").
 */
function linkName(link: ChainLink, ctx: Pick<ChainContext, 'names'>): string {
  return ctx.names?.get(link.fingerprints.sha256) ?? displayName({ attributes: [], text: link.subject });
}

/** The link that anchors the chain (the last one, when the chain reached an anchor). */
function anchorOf(check: ChainCheck): ChainLink | undefined {
  const last = check.chain[check.chain.length - 1];
  return check.anchored && last?.anchor ? last : undefined;
}

/**
 * The notification: `server.crt: the chain verifies to Root CA (server ← Root CA; anchor from ca.crt; no
 * revocation check).` when it validates, else the first error (it names the certificate) and how many more.
 */
export function chainSummary(check: ChainCheck, ctx: ChainContext): string {
  if (check.ok) {
    const anchor = anchorOf(check);
    const path = check.chain.map((l) => linkName(l, ctx)).join(' ← ');
    const to = anchor ? ` to ${linkName(anchor, ctx)}` : '';
    const revocation = ctx.revocation ? `revocation checked with ${ctx.revocation}` : 'no revocation check';
    return `${ctx.fileName}: the chain verifies${to} (${path}; anchor from ${ctx.anchors}; ${revocation}).`;
  }
  const [first, ...rest] = check.errors;
  const what = first ? first.message.replace(/\.$/, '') : 'the chain does not verify';
  const more = rest.length > 0 ? ` (and ${plural(rest.length, 'more problem')})` : '';
  return `${ctx.fileName}: ${what}${more}.`;
}

const PAD = 24;

function row(label: string, value: string): string {
  return `  ${`${label}:`.padEnd(PAD)}${value}`;
}

function checkText(c: LinkCheck): string {
  return `${c.name} ${c.ok ? 'ok' : 'FAILED'}`;
}

/** The report: what was verified against what, the verdict, each link with its checks, and every error with its code. */
export function formatChainReport(check: ChainCheck, ctx: ChainContext): string {
  const lines: string[] = [];
  const anchor = anchorOf(check);
  const n = check.errors.length;
  lines.push(`Chain verification of ${ctx.fileName}`, '');
  lines.push(row('Result', check.ok ? `OK: complete to a trust anchor you chose (${anchor ? linkName(anchor, ctx) : 'anchor'})` : `FAILED: ${plural(n, 'problem')}`));
  lines.push(row('Trust anchors', `${ctx.anchors} (${plural(ctx.anchorCount, 'certificate')})`));
  lines.push(row('Untrusted intermediates', `${ctx.intermediateCount} offered (the rest of the file and the workspace's other CA certificates)`));
  lines.push(row('Revocation', ctx.revocation ? `checked with ${ctx.revocation}` : 'not checked (no CRL chosen)'));
  lines.push(row('Validated at', ctx.now.toISOString()));
  if (!check.anchored) lines.push('', '  No path to any of the trust anchors was found: the chain below is the best attempt.');
  lines.push('', `Chain (${plural(check.chain.length, 'certificate')}, leaf first)`);
  check.chain.forEach((l, depth) => {
    const tags = [l.anchor ? 'trust anchor' : '', depth === 0 ? 'leaf' : ''].filter(Boolean);
    lines.push(`  [${depth}] ${linkName(l, ctx)}${tags.length ? ` (${tags.join(', ')})` : ''}`);
    lines.push(`      subject ${l.subject || '(empty)'}`);
    lines.push(`      issuer  ${l.issuer || '(empty)'}`);
    lines.push(`      serial ${l.serialNumber} · valid ${l.notBefore} to ${l.notAfter} · SHA-256 ${fingerprintText(l.fingerprints.sha256, 'colons')}`);
    const checks = l.checks.length > 0 ? l.checks : [{ name: 'signature', ok: l.signatureValid }];
    lines.push(`      checks: ${checks.map(checkText).join(', ')}`);
    for (const c of checks) if (c.detail && !c.ok) lines.push(`        ${c.name}: ${c.detail}`);
  });
  lines.push('', n ? `Errors (${n})` : 'Errors: none');
  for (const e of check.errors) lines.push(`  depth ${e.depth}  ${e.code}  ${e.message}`);
  return `${lines.join('\n')}\n`;
}
