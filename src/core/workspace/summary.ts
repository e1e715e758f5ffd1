// What the front ends say about scanned files and objects: a file's kind in one word, a row's name, and expiry
// per certificate, per file and for the whole workspace. The rules themselves live in display/ (expiry.ts: status
// and days left; labels.ts: names and kind words): this only applies them to the scanner's summaries.

import { expiryOf } from '../display/expiry';
import { KIND_WORDS, displayName } from '../display/labels';
import type { Expiry, ObjectKind } from '../model';
import type { ScannedFile, ScannedObject } from './scanner';

/** What a file is, for a one-word description: the kind of its only object, `chain`, `bundle`… */
export type FileKind = ObjectKind | 'chain' | 'bundle' | 'too-large' | 'unreadable' | 'broken';

/** One word for a file: its only object's kind, `chain` (several certificates), `bundle` (mixed), or its trouble. */
export function fileKind(file: ScannedFile): FileKind {
  if (file.status === 'too-large') return 'too-large';
  if (file.status === 'unreadable') return 'unreadable';
  const objects = file.objects;
  if (objects.length === 0) return 'broken';
  if (objects.length === 1) return objects[0].kind;
  if (objects.every((o) => o.kind === 'certificate')) return 'chain';
  return 'bundle';
}

/**
 * The name a row shows for a scanned object: labels.displayName's rule (the last CN, else the subject line) for
 * what has a subject, else its kind in words ("private key").
 */
export function scannedObjectName(o: ScannedObject): string {
  if (o.subject === undefined) return KIND_WORDS[o.kind];
  return displayName({ text: o.subject, attributes: o.commonName === undefined ? [] : [{ type: 'CN', value: o.commonName }] });
}

/** A scanned certificate's expiry at `now` (display/expiry's rule); undefined for other objects. */
export function certificateExpiry(o: ScannedObject, now: Date, warnDays: number): Expiry | undefined {
  return o.notAfter === undefined ? undefined : expiryOf({ notBefore: o.notBefore, notAfter: o.notAfter }, now, warnDays);
}

const STATUS_RANK: Record<Expiry['status'], number> = { 'valid': 0, 'not-yet-valid': 1, 'expiring': 2, 'expired': 3 };

/** The most urgent expiry among a file's certificates (expired before expiring before not-yet-valid before valid). */
export function worstExpiry(file: ScannedFile, now: Date, warnDays: number): Expiry | undefined {
  let worst: Expiry | undefined;
  for (const o of file.objects) {
    const e = o.kind === 'certificate' ? certificateExpiry(o, now, warnDays) : undefined;
    if (!e) continue;
    if (!worst || STATUS_RANK[e.status] > STATUS_RANK[worst.status] || (e.status === worst.status && e.daysLeft < worst.daysLeft)) worst = e;
  }
  return worst;
}

export interface ExpiryEntry {
  certificate: ScannedObject;
  expiry: Expiry;
  files: string[];
}

/** Certificates (one entry per distinct certificate) that are expired or expiring at `now`, most urgent first. */
export function expiryAttention(files: Iterable<ScannedFile>, now: Date, warnDays: number): { expired: ExpiryEntry[]; expiring: ExpiryEntry[] } {
  const seen = new Map<string, ExpiryEntry>();
  for (const f of files) {
    for (const o of f.objects) {
      if (o.kind !== 'certificate') continue;
      const key = o.sha256 ?? `${f.file}#${o.index}`;
      const known = seen.get(key);
      if (known) {
        if (!known.files.includes(f.file)) known.files.push(f.file);
        continue;
      }
      const expiry = certificateExpiry(o, now, warnDays);
      if (expiry && (expiry.status === 'expired' || expiry.status === 'expiring')) seen.set(key, { certificate: o, expiry, files: [f.file] });
    }
  }
  const all = [...seen.values()].sort((a, b) => a.expiry.daysLeft - b.expiry.daysLeft);
  return { expired: all.filter((e) => e.expiry.status === 'expired'), expiring: all.filter((e) => e.expiry.status === 'expiring') };
}

/**
 * The lists behind the file context menus (package.json `resourcePath in tlsWorkbench.<list>`), so a file is
 * offered only the actions that apply to what it holds: a broken file is in none, an unencrypted key is not
 * offered Remove Passphrase.
 */
export type FileCapability = 'certificateFiles' | 'caFiles' | 'keyFiles' | 'encryptedKeyFiles' | 'plainKeyFiles' | 'csrFiles' | 'pkcs12Files';
export const FILE_CAPABILITIES: readonly FileCapability[] = ['certificateFiles', 'caFiles', 'keyFiles', 'encryptedKeyFiles', 'plainKeyFiles', 'csrFiles', 'pkcs12Files'];

/** Which of those lists a scanned file belongs to (none when it was not read). */
export function fileCapabilities(file: ScannedFile): FileCapability[] {
  const caps = new Set<FileCapability>();
  if (file.status === 'too-large' || file.status === 'unreadable') return [];
  for (const o of file.objects) {
    if (o.kind === 'certificate') {
      caps.add('certificateFiles');
      if (o.isCA) caps.add('caFiles');
    } else if (o.kind === 'private-key') {
      caps.add('keyFiles');
      caps.add(o.encrypted ? 'encryptedKeyFiles' : 'plainKeyFiles');
    } else if (o.kind === 'csr') caps.add('csrFiles');
    else if (o.kind === 'pkcs12') caps.add('pkcs12Files');
  }
  return FILE_CAPABILITIES.filter((c) => caps.has(c));
}
