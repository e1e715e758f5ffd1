// How scanned files and objects look in the Certificate Explorer: descriptions, icons and colours, tooltips and
// the contextValue words the package.json menus match (`tlsw.file …`, `tlsw.object …`, `certificate`, `ca`).
// Certificate text is attacker-controlled: tooltips add it with MarkdownString.appendText (escaped), never as
// markdown, and with its controls and bidi characters shown as escapes (printable), like the rows' labels.

import * as vscode from 'vscode';
import { printable } from '../../core/display/escape';
import { expiryPhrase } from '../../core/display/expiry';
import { KIND_WORDS, plural } from '../../core/display/labels';
import type { Expiry } from '../../core/model';
import type { ScannedFile, ScannedObject } from '../../core/workspace/scanner';
import type { FileKind } from '../../core/workspace/summary';
import type { ScanCore } from './workspaceIndex';

/** Colours of expiry states (theme chart colours: they read well in light, dark and high-contrast themes). */
const EXPIRY_COLORS: Record<Expiry['status'], string> = {
  'expired': 'charts.red',
  'expiring': 'charts.yellow',
  'not-yet-valid': 'charts.blue',
  'valid': 'charts.green',
};

const KIND_ICONS: Record<FileKind, string> = {
  'certificate': 'workspace-trusted',
  'chain': 'link',
  'bundle': 'files',
  'csr': 'git-pull-request-draft',
  'private-key': 'key',
  'public-key': 'unlock',
  'pkcs12': 'package',
  'crl': 'circle-slash',
  'dh-parameters': 'symbol-constant',
  'dsa-parameters': 'symbol-constant',
  'too-large': 'warning',
  'unreadable': 'error',
  'broken': 'error',
};

/** "expires in 42 days", "expired 3 days ago", "not valid before 2031-01-01" (empty when not a certificate). */
export function expiryText(o: ScannedObject, e: Expiry | undefined): string {
  return e ? expiryPhrase(e, o.notBefore) : '';
}

/** A short description of one object: "server.example.test · expires in 42 days", "EC P-256 private key"… */
function objectDescription(core: ScanCore, o: ScannedObject, now: Date, warnDays: number): string {
  switch (o.kind) {
    case 'certificate':
      return [core.scannedObjectName(o), o.isCA ? 'CA' : '', expiryText(o, core.certificateExpiry(o, now, warnDays))].filter(Boolean).join(' · ');
    case 'csr':
      return [core.scannedObjectName(o), 'CSR'].join(' · ');
    case 'private-key':
      return [o.encrypted ? 'encrypted' : '', o.algorithm ?? '', 'private key'].filter(Boolean).join(' ');
    case 'public-key':
      return [o.algorithm ?? '', 'public key'].filter(Boolean).join(' ');
    case 'pkcs12':
      return 'PKCS#12 keystore (password protected)';
    case 'crl':
      return ['CRL', o.issuerCommonName ?? o.issuer ?? ''].filter(Boolean).join(' · ');
    case 'dh-parameters':
      return 'DH parameters';
    case 'dsa-parameters':
      return 'DSA parameters';
  }
}

/** A short description of a file: its only object's, or what it holds ("3 certificates · expires in 20 days"). */
export function fileDescription(core: ScanCore, f: ScannedFile, now: Date, warnDays: number): string {
  const kind = core.fileKind(f);
  switch (kind) {
    case 'too-large':
      return `too large to read (${formatMB(f.size)})`;
    case 'unreadable':
    case 'broken':
      return f.problems[0] ?? 'nothing readable';
    case 'chain':
    case 'bundle': {
      const counts = new Map<string, number>();
      for (const o of f.objects) counts.set(o.kind, (counts.get(o.kind) ?? 0) + 1);
      const parts = [...counts].map(([k, n]) => countOf(n, KIND_NAMES[k] ?? k));
      const worst = core.worstExpiry(f, now, warnDays);
      const first = f.objects.find((o) => o.kind === 'certificate');
      const expiry = worst && first ? expiryText(first, worst) : '';
      return [parts.join(', '), expiry].filter(Boolean).join(' · ');
    }
    default:
      return objectDescription(core, f.objects[0], now, warnDays);
  }
}

const KIND_NAMES: Record<string, [string, string]> = {
  'certificate': ['certificate', 'certificates'],
  'csr': ['CSR', 'CSRs'],
  'private-key': ['private key', 'private keys'],
  'public-key': ['public key', 'public keys'],
  'pkcs12': ['keystore', 'keystores'],
  'crl': ['CRL', 'CRLs'],
  'dh-parameters': ['DH parameter set', 'DH parameter sets'],
  'dsa-parameters': ['DSA parameter set', 'DSA parameter sets'],
};

function countOf(n: number, names: [string, string] | string): string {
  return typeof names === 'string' ? plural(n, names, names) : plural(n, names[0], names[1]);
}

function formatMB(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / (1024 * 1024)).toFixed(1).replace(/\.0$/, '')} MB` : `${Math.ceil(bytes / 1024)} KB`;
}

/** The icon of a file row: by kind, coloured by the most urgent expiry of its certificates. */
export function fileIcon(core: ScanCore, f: ScannedFile, now: Date, warnDays: number): vscode.ThemeIcon {
  const kind = core.fileKind(f);
  if (kind === 'certificate') return objectIcon(core, f.objects[0], now, warnDays);
  if (kind === 'too-large') return new vscode.ThemeIcon(KIND_ICONS[kind], new vscode.ThemeColor('list.warningForeground'));
  if (kind === 'broken' || kind === 'unreadable') return new vscode.ThemeIcon(KIND_ICONS[kind], new vscode.ThemeColor('list.errorForeground'));
  const worst = core.worstExpiry(f, now, warnDays);
  return new vscode.ThemeIcon(KIND_ICONS[kind], worst ? new vscode.ThemeColor(EXPIRY_COLORS[worst.status]) : undefined);
}

export function objectIcon(core: ScanCore, o: ScannedObject, now: Date, warnDays: number): vscode.ThemeIcon {
  if (o.kind !== 'certificate') return new vscode.ThemeIcon(KIND_ICONS[o.kind]);
  const e = core.certificateExpiry(o, now, warnDays);
  return new vscode.ThemeIcon(o.isCA ? 'shield' : KIND_ICONS.certificate, e ? new vscode.ThemeColor(EXPIRY_COLORS[e.status]) : undefined);
}

/**
 * contextValue words: `tlsw.file` (a row that is a whole file) or `tlsw.object` (one object of a file), then
 * the kind (`certificate`, `private-key`, `csr`, `pkcs12`, `chain`…), `ca` for CA certificates and the expiry
 * status. The menus match `^tlsw\.(file|object)`, `certificate` and `\bca\b`.
 */
export function contextValue(row: 'file' | 'object', kind: string, o: ScannedObject | undefined, core: ScanCore, now: Date, warnDays: number): string {
  const words = [`tlsw.${row}`, kind];
  if (o?.kind === 'certificate') {
    if (o.isCA) words.push('ca');
    const e = core.certificateExpiry(o, now, warnDays);
    if (e) words.push(e.status);
  }
  return words.join(' ');
}

/** Tooltip of an object: what it is, names, validity, where. Certificate strings are escaped. */
export function objectTooltip(core: ScanCore, o: ScannedObject, where: string, now: Date, warnDays: number): vscode.MarkdownString {
  const md = new vscode.MarkdownString();
  md.appendMarkdown('**');
  md.appendText(o.kind === 'certificate' && o.isCA ? 'CA certificate' : KIND_WORDS[o.kind]);
  md.appendMarkdown('**');
  if (o.algorithm) md.appendText(` · ${o.algorithm}`);
  if (o.encrypted) md.appendText(' · password protected');
  md.appendMarkdown('\n\n');
  const line = (label: string, value: string | undefined): void => {
    if (!value) return;
    md.appendMarkdown(`${label}: `);
    md.appendText(printable(value));
    md.appendMarkdown('  \n');
  };
  line('Subject', o.subject);
  line('Issuer', o.kind === 'certificate' && o.selfIssued ? '(self-issued)' : o.issuer);
  if (o.kind === 'certificate') {
    line('Valid', `${o.notBefore?.replace('T', ' ')} → ${o.notAfter?.replace('T', ' ')}`);
    line('Expiry', expiryText(o, core.certificateExpiry(o, now, warnDays)));
    line('SHA-256', o.sha256);
  }
  if (o.nextUpdate) line('Next update', o.nextUpdate.replace('T', ' '));
  line('File', where);
  return md;
}

export function fileTooltip(core: ScanCore, f: ScannedFile, where: string, now: Date, warnDays: number): vscode.MarkdownString {
  if (f.objects.length === 1 && f.problems.length === 0) return objectTooltip(core, f.objects[0], where, now, warnDays);
  const md = new vscode.MarkdownString();
  md.appendText(printable(where));
  md.appendMarkdown('\n\n');
  for (const o of f.objects) {
    md.appendMarkdown('- ');
    md.appendText(printable(`${KIND_WORDS[o.kind]}${o.kind === 'certificate' || o.kind === 'csr' ? `: ${core.scannedObjectName(o)}` : ''}`));
    md.appendMarkdown('\n');
  }
  for (const p of f.problems.slice(0, 5)) {
    md.appendMarkdown('\n⚠ ');
    md.appendText(printable(p));
  }
  return md;
}
