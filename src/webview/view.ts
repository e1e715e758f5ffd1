// What the inspector shows: the view (plain JSON data) that the host builds (src/extension/inspector/viewBuilder.ts,
// run in the engine's worker thread) and the webview renders with textContent only (main.ts). Types only: both
// sides import this file, and nothing in it runs, so neither bundle gains engine code from it.
//
// Every string in a view is already escaped for display (control and reordering characters shown as escapes,
// length bounded); private key bytes, PKCS#12 bytes and passwords never enter one.

import type { ExpiryStatus, ObjectKind } from '../core/model';

export type Tone = 'ok' | 'info' | 'warning' | 'error';

export interface ChipView {
  label: string;
  tone: Tone;
  help: string;
}

export interface FieldView {
  label: string;
  value: string;
  help?: string;
  /** Shown in the editor's monospace font (hex, fingerprints, PEM). */
  mono?: boolean;
  tone?: Tone;
  /** Small tags after the value (`critical`). */
  badges?: string[];
  /** When set, the field has a copy button; the host copies `copyText` (or `value`) for this id. */
  copyId?: string;
  copyText?: string;
}

export interface SectionView {
  id: string;
  title: string;
  help?: string;
  fields: FieldView[];
  /** A sentence shown when there are no fields, or below them. */
  note?: string;
  /** Collapsed at first (long or rarely needed sections). */
  collapsed?: boolean;
}

export interface ValidityView {
  notBefore: string;
  notAfter: string;
  status: ExpiryStatus;
  daysLeft: number;
  /** How much of the validity period has passed, 0–100. */
  elapsedPercent: number;
  /** `valid, 364 days left`, `expires in 12 days`, `expired 3 days ago`… (display/expiry's words). */
  text: string;
}

export interface ObjectView {
  /** Stable within one view: `o0`, `o2`, `o0b1` (bag 1 of the PKCS#12 object 0). */
  id: string;
  kind: ObjectKind;
  /** `Certificate`, `Private key`… */
  kindLabel: string;
  /** `line 12`, `DER`, `in the keystore, "server"`. */
  location: string;
  /** The CN (or the subject, or a description). */
  title: string;
  /** `Issued by …`, `Self-signed`… */
  subtitle?: string;
  validity?: ValidityView;
  chips: ChipView[];
  sections: SectionView[];
  /** The object as PEM (never for private keys or keystores). */
  raw?: { label: string; text: string; copyId: string };
  /** For objects inside a PKCS#12 keystore: the keystore's id. */
  parentId?: string;
}

export interface ChainLinkView {
  /** The object of this file the link is, when it is one. */
  objectId?: string;
  subject: string;
  issuer: string;
  notAfter: string;
  /** Its signature verifies with the next link's key (the last link: with its own key). */
  signatureValid: boolean;
  /** The signature check in words, and its tone: `signature verified with the key of “…”`, `issued by “…”, not in this file`. */
  signature: { text: string; tone: Tone };
  /** A trust anchor the user chose (only after "Verify against a trust anchor…"). */
  anchor: boolean;
  fingerprintSha256: string;
}

/** One failure of path validation: the depth (0 = leaf), OpenSSL's name for it, and the sentence naming the certificate. */
export interface ChainErrorView {
  depth: number;
  code: string;
  message: string;
}

/**
 * The chain section. `ordered`: the file's own certificates put in order, each signature checked — information,
 * never a verdict, since a file cannot vouch for itself. `trusted` / `failed`: validated
 * (src/core/trust/pathValidation.ts) against trust anchors the user chose.
 */
type ChainStatus = 'ordered' | 'trusted' | 'failed';

export interface ChainView {
  status: ChainStatus;
  /** The verdict line: `Ordered, not verified against a trust anchor`, `Chain complete to an anchor you trust`… */
  headline: string;
  links: ChainLinkView[];
  /** `failed`: why, with codes. `ordered`: problems seen even without an anchor (an expired or wrongly signed link). */
  errors: ChainErrorView[];
  /** A sentence under the headline (what `ordered` means; which anchor; why the certificates are not one chain). */
  note?: string;
  /** "Verify against a trust anchor…" applies: the certificates form one chain (or there is one certificate). */
  verifiable: boolean;
}

export interface LockView {
  what: 'pkcs12' | 'private-key';
  prompt: string;
}

export interface InspectorView {
  fileName: string;
  /** `3 objects: 2 certificates, 1 private key`. */
  summary: string;
  objects: ObjectView[];
  problems: { severity: 'error' | 'warning'; message: string }[];
  chain?: ChainView;
  /** Present while something in the file needs a password to be decoded. */
  lock?: LockView;
  /** A password was given and opened the file. */
  unlocked: boolean;
  /**
   * After a passphrase opened an encrypted key, in place of the lock's prompt: which certificates of the file and
   * of its neighbours belong to the key (`Decrypted. This key belongs to the certificate John-Doe in client.crt…`).
   */
  unlockNote?: string;
  /** When the view was built (ISO); validity bars and days left are relative to it. */
  builtAt: string;
}
