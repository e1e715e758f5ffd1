// The wizard steps the PKI commands are made of: pick a file (workspace files of the right kind, the
// likely one first, or "Browse…"), key type, subject, SANs, validity, output name, passphrases, CA and its
// key, profile, PKCS#12 options. Each step validates as the user types and prefills from the settings
// (tlsWorkbench.defaults.*), from what was answered last time in this workspace, or from its own previous
// answer when the user comes Back to it.

import * as vscode from 'vscode';
import { printable } from '../../core/display/escape';
import { DAY_MS } from '../../core/display/expiry';
import { commonNameOf, displayName, messageOf, sentence } from '../../core/display/labels';
import { MAX_DAYS, MIN_DAYS, RSA_MAX_BITS, RSA_SAFE_BITS, curveNamed } from '../../core/limits';
import type { DnAttr } from '../../core/write/dn';
import type { San, Profile } from '../../core/write/issue';
import type { KeySpec } from '../../core/write/keygen';
import type { MultiStepInput, Validation, WizardStep } from '../util/multiStepInput';
import { baseName, checkBaseName, displayFolder, exists, fileName, outputUri, parentFolder } from '../util/outputs';
import { inWorker } from '../util/engineWorker';
import { UserError } from './errors';
import type { ObjectInfo, PkiFile } from './pkiFiles';
import { certificates, isPkcs12, keyData, privateKeys } from './pkiFiles';
import type { Remembered, Session, Settings } from './session';

const WARNING = (message: string): vscode.InputBoxValidationMessage => ({ message, severity: vscode.InputBoxValidationSeverity.Warning });

// ------------------------------------------------------------------------------------------------------
// Files

interface FileItem extends vscode.QuickPickItem {
  file?: PkiFile;
  browse?: true;
  extra?: number;
}

export interface ExtraItem<S> {
  label: string;
  description?: string;
  choose: (s: S) => void;
  /** This item is the current answer (for Back). */
  isCurrent?: (s: S) => boolean;
}

export interface FilePick<S> {
  when?: (s: S) => boolean;
  placeholder: string;
  /** What the chosen file must hold. */
  filter: (f: PkiFile) => boolean;
  /** What a browsed file must hold, when more is accepted than the workspace files listed (default: `filter`). */
  accept?: (f: PkiFile) => boolean;
  /** Shown when a browsed file fails the filter: "… holds no certificate signing request". */
  mismatch: string;
  describe: (f: PkiFile) => string;
  /** Files to list first (the likely answer), e.g. the key next to a certificate. */
  preferred?: (s: S, files: PkiFile[]) => PkiFile[];
  /** Rejects a (filter-passing) choice with a message, e.g. a key that does not match the certificate. */
  check?: (s: S, f: PkiFile) => string | undefined;
  get: (s: S) => PkiFile | undefined;
  set: (s: S, f: PkiFile) => void;
  /** Choices above the files, e.g. "New key". */
  extras?: ExtraItem<S>[];
  /** Work to do once the file is chosen (while the picker shows busy). */
  after?: (s: S, f: PkiFile) => Promise<void>;
  openLabel: string;
  extensions: string[];
}

export function pickFileStep<S>(session: Session, o: FilePick<S>): WizardStep<S> {
  return {
    when: o.when,
    run: async (input, s) => {
      const found = await session.files.matching(o.filter);
      const active = vscode.window.activeTextEditor?.document.uri;
      const preferred = [...(o.preferred?.(s, found) ?? [])];
      const activeFile = active && found.find((f) => f.uri.toString() === active.toString());
      if (activeFile && !preferred.includes(activeFile)) preferred.push(activeFile);
      const rest = found.filter((f) => !preferred.some((p) => p.uri.toString() === f.uri.toString()));
      const item = (f: PkiFile): FileItem => ({ label: vscode.workspace.asRelativePath(f.uri, false), description: o.describe(f), file: f });
      const extras = o.extras ?? [];
      const items: FileItem[] = [
        ...extras.map((e, i): FileItem => ({ label: e.label, description: e.description, extra: i })),
        ...(extras.length && (preferred.length || rest.length) ? [{ label: 'files', kind: vscode.QuickPickItemKind.Separator } as FileItem] : []),
        ...preferred.map(item),
        ...(preferred.length && rest.length ? [{ label: '', kind: vscode.QuickPickItemKind.Separator } as FileItem] : []),
        ...rest.map(item),
        { label: 'other files', kind: vscode.QuickPickItemKind.Separator },
        { label: '$(folder-opened) Browse…', description: 'choose a file anywhere', browse: true },
      ];
      const current = o.get(s);
      for (;;) {
        const pick = await input.showQuickPick({
          placeholder: found.length ? o.placeholder : `${o.placeholder} (none found in the workspace: browse for one)`,
          items,
          activeItem:
            items.find((i) => i.extra !== undefined && extras[i.extra].isCurrent?.(s)) ??
            items.find((i) => current && i.file?.uri.toString() === current.uri.toString()) ??
            items.find((i) => i.file || i.browse || i.extra !== undefined),
        });
        if (pick.extra !== undefined) {
          extras[pick.extra].choose(s);
          return;
        }
        let file: PkiFile | undefined = pick.file;
        if (pick.browse) {
          const uris = await vscode.window.showOpenDialog({
            canSelectMany: false,
            openLabel: o.openLabel,
            filters: { [o.openLabel]: o.extensions, 'All files': ['*'] },
          });
          if (!uris?.[0]) continue;
          try {
            file = await session.read(uris[0]);
          } catch (e) {
            void vscode.window.showErrorMessage(printable(sentence(e)));
            continue;
          }
          if (!(o.accept ?? o.filter)(file)) {
            void vscode.window.showErrorMessage(printable(`${file.name} ${o.mismatch}.`));
            continue;
          }
        }
        if (!file) continue;
        const problem = o.check?.(s, file);
        if (problem) {
          void vscode.window.showErrorMessage(printable(problem));
          continue;
        }
        o.set(s, file);
        await o.after?.(s, file);
        return;
      }
    },
  };
}

export function describeCertFile(f: PkiFile): string {
  const certs = certificates(f);
  const c = certs[0]?.cert;
  if (!c) return '';
  const more = certs.length > 1 ? ` (+${certs.length - 1} more)` : '';
  const until = c.expiry.status === 'expired' ? `expired ${c.notAfter.slice(0, 10)}` : `until ${c.notAfter.slice(0, 10)}`;
  return `${displayName(c.subject)} · ${c.isCA ? 'CA · ' : ''}${until}${more}`;
}

export function describeKeyFile(f: PkiFile): string {
  const k = privateKeys(f)[0];
  if (!k) return '';
  return k.encrypted ? 'private key · encrypted' : 'private key';
}

export function describeCsrFile(f: PkiFile): string {
  const c = f.objects.find((o) => o.csr)?.csr;
  return c ? `CSR · ${displayName(c.subject)}` : '';
}

/** Key files likely to belong to `cert`: same folder and base name first, then any whose public key matches. */
export function keysFor(certFile: PkiFile | undefined, cert: ObjectInfo | undefined, keys: PkiFile[]): PkiFile[] {
  if (!certFile) return [];
  const folder = parentFolder(certFile.uri).toString();
  const base = baseName(certFile.uri);
  const sameBase = (f: PkiFile) => {
    const b = baseName(f.uri).replace(/[-_.]?(key|private|priv)$/i, '');
    return parentFolder(f.uri).toString() === folder && (b === base || baseName(f.uri) === `${base}.key`);
  };
  const matches = (f: PkiFile) => !!cert?.spkiSha256 && privateKeys(f).some((k) => k.spkiSha256 === cert.spkiSha256);
  return keys.filter((f) => f.uri.toString() !== certFile.uri.toString() && (matches(f) || (sameBase(f) && privateKeys(f).some((k) => k.encrypted))));
}

// ------------------------------------------------------------------------------------------------------
// Keys

export interface KeyTypeState {
  keyChoice?: string;
  rsaBits?: number;
}

interface KeyItem extends vscode.QuickPickItem {
  choice: string;
}

const KEY_ITEMS: KeyItem[] = [
  { choice: 'ec-P-256', label: 'EC P-256', description: 'fast, small, accepted everywhere' },
  { choice: 'ec-P-384', label: 'EC P-384' },
  { choice: 'ec-P-521', label: 'EC P-521' },
  { choice: 'rsa-2048', label: 'RSA 2048', description: 'for old clients' },
  { choice: 'rsa-3072', label: 'RSA 3072' },
  { choice: 'rsa-4096', label: 'RSA 4096', description: 'slow to generate' },
  { choice: 'ed25519', label: 'Ed25519', description: 'modern; not accepted by all TLS clients' },
  { choice: 'rsa-custom', label: 'RSA, another size…' },
];

function defaultKeyChoice(settings: Settings, remembered: Remembered, forCa: boolean): string {
  const last = forCa ? remembered.caKeyChoice : remembered.keyChoice;
  if (last && KEY_ITEMS.some((i) => i.choice === last) && !(forCa && last === 'rsa-2048')) return last;
  if (settings.keyType === 'ed25519') return 'ed25519';
  if (settings.keyType === 'rsa') {
    const bits = forCa ? Math.max(3072, settings.rsaBits) : settings.rsaBits;
    return [2048, 3072, 4096].includes(bits) ? `rsa-${bits}` : 'rsa-custom';
  }
  return `ec-${settings.ecCurve}`;
}

export function keySpecOf(s: KeyTypeState, settings: Settings, forCa: boolean): KeySpec {
  const choice = s.keyChoice ?? defaultKeyChoice(settings, {}, forCa);
  if (choice === 'ed25519') return { type: 'ed25519' };
  if (choice.startsWith('ec-')) return { type: 'ec', curve: curveNamed(choice.slice(3)) ?? settings.ecCurve };
  if (choice === 'rsa-custom') return { type: 'rsa', bits: s.rsaBits ?? settings.rsaBits };
  return { type: 'rsa', bits: Number(choice.slice(4)) };
}

function checkRsaBits(text: string): Validation {
  const t = text.trim();
  if (t === '') return 'Enter a key size in bits, e.g. 3072.';
  if (!/^\d+$/.test(t)) return 'Enter a whole number of bits, e.g. 3072.';
  const n = Number(t);
  if (n < RSA_SAFE_BITS) return `RSA keys under ${RSA_SAFE_BITS} bits are refused: they can be broken.`;
  if (n > RSA_MAX_BITS) return `At most ${RSA_MAX_BITS} bits.`;
  if (n % 8 !== 0) return 'Use a multiple of 8 bits (2048, 3072, 4096…).';
  if (n > 4096) return WARNING(`RSA-${n} takes a long time to generate and slows every handshake.`);
  return undefined;
}

/** Key type (with "another size…" for RSA): two steps, the second only for a custom RSA size. */
export function keyTypeSteps<S extends KeyTypeState>(session: Session, forCa: boolean, when?: (s: S) => boolean): WizardStep<S>[] {
  return [
    {
      when,
      run: async (input, s) => {
        const items = KEY_ITEMS.filter((i) => !(forCa && i.choice === 'rsa-2048'));
        const chosen = s.keyChoice ?? defaultKeyChoice(session.settings, session.remembered, forCa);
        const pick = await input.showQuickPick({
          placeholder: forCa ? 'Key type for the CA' : 'Key type',
          items,
          activeItem: items.find((i) => i.choice === chosen),
        });
        s.keyChoice = pick.choice;
      },
    },
    {
      when: (s) => (!when || when(s)) && s.keyChoice === 'rsa-custom',
      // Before the key type is answered, counted when the preselected type is a custom RSA size.
      ahead: (s) => (!when || when(s)) && (s.keyChoice ?? defaultKeyChoice(session.settings, session.remembered, forCa)) === 'rsa-custom',
      run: async (input, s) => {
        const value = await input.showInputBox({
          prompt: `RSA key size in bits (${RSA_SAFE_BITS} to ${RSA_MAX_BITS})`,
          value: String(s.rsaBits ?? session.remembered.rsaCustomBits ?? Math.max(forCa ? 3072 : 2048, session.settings.rsaBits)),
          validate: checkRsaBits,
        });
        s.rsaBits = Number(value.trim());
      },
    },
  ];
}

// ------------------------------------------------------------------------------------------------------
// Subject, SANs, validity

export interface SubjectState {
  subjectText?: string;
  subject?: DnAttr[];
}

/**
 * A common name, or a whole subject (`/C=UK/O=Any Org/CN=x` or `C=UK, O=Any Org, CN=x`). A plain name gets
 * the subject fields of tlsWorkbench.defaults.subject around it.
 */
function parseSubjectInput(session: Session, text: string): DnAttr[] {
  const t = text.trim();
  if (t.startsWith('/') || /^[A-Za-z][A-Za-z0-9.-]*\s*=/.test(t)) return session.core.dn.parseSubject(t);
  return session.core.dn.subjectFromFields({ ...session.settings.subject, CN: t });
}

/**
 * The part of a full subject before its common name, when the CN comes last (`/C=UK/O=Any Org/CN=` of
 * `/C=UK/O=Any Org/CN=x`, `C=UK, O=Any Org, CN=` of `C=UK, O=Any Org, CN=x`); '' for a plain name.
 */
function subjectPrefixOf(text: string): string {
  const t = text.trim();
  const m = /^(.*(?:^|[/,;])\s*CN\s*=\s*)([^=]*)$/i.exec(t);
  if (!m || !(t.startsWith('/') || /^[A-Za-z][A-Za-z0-9.-]*\s*=/.test(t))) return '';
  const prefix = m[1];
  // Only a prefix with something before the CN is worth offering (not `/CN=` alone), and no other CN after it.
  return /^\/?\s*CN\s*=\s*$/i.test(prefix) || /[/+,;]/.test(m[2].replace(/\\./g, '')) ? '' : prefix;
}

/** A subject that is only a prefix ending in `CN=`, its common name still to type. */
function isBarePrefix(v: string): boolean {
  const prefix = subjectPrefixOf(v);
  return prefix !== '' && prefix.length === v.trim().length;
}

export function subjectStep<S extends SubjectState>(session: Session, o: { prompt: string; placeholder: string; defaultValue?: (s: S) => string; when?: (s: S) => boolean }): WizardStep<S> {
  const fields = Object.entries(session.settings.subject).map(([k, v]) => `${k}=${v}`).join(', ');
  return {
    when: o.when,
    run: async (input, s) => {
      // The subject prefix typed last time (C/O/OU…) is offered again, the common name after it selected.
      const prefix = session.remembered.subjectPrefix ?? '';
      const cn = o.defaultValue?.(s) ?? '';
      const value = s.subjectText ?? `${prefix}${cn}`;
      const text = await input.showInputBox({
        prompt: `${o.prompt}${fields ? ` (with ${fields} from tlsWorkbench.defaults.subject)` : ''}. Or a full subject: /C=UK/O=Any Org/CN=name`,
        placeholder: o.placeholder,
        value,
        valueSelection: s.subjectText === undefined && prefix ? [prefix.length, value.length] : undefined,
        validate: (v) => {
          if (v.trim() === '') return 'Enter a name.';
          // The remembered prefix alone, before the common name is typed: keep the prompt in view (no red message on
          // opening); Enter is refused by validateOnAccept below.
          if (isBarePrefix(v)) return undefined;
          try {
            const subject = parseSubjectInput(session, v);
            if (subject.length === 0) return 'The subject is empty.';
            return undefined;
          } catch (e) {
            return `${messageOf(e)}.`;
          }
        },
        validateOnAccept: (v) => (isBarePrefix(v) ? 'Type the common name after CN=.' : undefined),
      });
      s.subjectText = text.trim();
      s.subject = parseSubjectInput(session, text);
      // Remembered at once (it is no secret): the next wizard offers the same organisation around a new CN.
      await session.memory.remember({ subjectPrefix: subjectPrefixOf(text) });
    },
  };
}

export interface SanState extends SubjectState {
  sanText?: string;
  sanFor?: string;
  sans?: San[];
}

/**
 * What the SANs are prefilled with, from the CN: an e-mail address, an IP, or a DNS name — only when the CN
 * looks like a host name (dotted, like `flow.example.com` or `*.example.com`, or `localhost`). A person's or a
 * device's name (`John-Doe`, `build-agent-7`) proposes nothing: a client's identity is its subject.
 */
function sansFromCn(session: Session, cn: string | undefined): string {
  if (!cn) return '';
  if (/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(cn)) return `email:${cn}`;
  try {
    const sans = session.core.issue.parseSans(cn);
    if (sans.length !== 1) return '';
    if (sans[0].type === 'dns' && !(cn.includes('.') || cn.toLowerCase() === 'localhost')) return '';
    return `${sans[0].type}:${sans[0].value}`;
  } catch {
    return '';
  }
}

export function sansStep<S extends SanState>(session: Session, o: { client?: boolean; when?: (s: S) => boolean } = {}): WizardStep<S> {
  return {
    when: o.when,
    run: async (input, s) => {
      const cn = s.subject ? commonNameOf({ attributes: s.subject }) : undefined;
      // Prefilled from the CN; kept when the user comes back without changing the name.
      const prefill = s.sanText !== undefined && s.sanFor === s.subjectText ? s.sanText : sansFromCn(session, cn);
      const text = await input.showInputBox({
        prompt: o.client
          ? 'Subject alternative names, comma-separated (optional): email:alice@example.com, uri:spiffe://example/alice, dns:device.example.com'
          : 'Subject alternative names, comma-separated: dns:example.com, dns:*.example.com, ip:10.0.0.1 (a bare name is a DNS name)',
        value: prefill,
        placeholder: o.client ? 'email:alice@example.com' : 'dns:example.com, ip:127.0.0.1',
        validate: (v) => {
          try {
            const sans = session.core.issue.parseSans(v);
            if (sans.length === 0 && !o.client) return WARNING('No SANs: browsers and most TLS clients check SANs, not the CN (the CN is added when it is a DNS name or an IP).');
            return undefined;
          } catch (e) {
            return `${messageOf(e)}.`;
          }
        },
      });
      s.sanText = text;
      s.sanFor = s.subjectText;
      s.sans = session.core.issue.parseSans(text);
    },
  };
}

export interface DaysState {
  days?: number;
}

function checkDays(text: string, o: { leaf: boolean; maxDays?: number; maxWhy?: string }): Validation {
  const t = text.trim();
  if (!/^\d+$/.test(t)) return 'Enter a whole number of days, e.g. 365.';
  const n = Number(t);
  if (n < MIN_DAYS) return `At least ${MIN_DAYS} day.`;
  if (n > MAX_DAYS) return `At most ${MAX_DAYS} days (100 years).`;
  if (o.maxDays !== undefined && n > o.maxDays) return `At most ${o.maxDays} days: ${o.maxWhy ?? 'the CA expires then'}.`;
  if (o.leaf && n > 398) return WARNING('Over 398 days: browsers reject such certificates from public CAs (fine for a private CA, but a warning is recorded).');
  return undefined;
}

export function daysStep<S extends DaysState>(o: {
  prompt: string;
  defaultDays: (s: S) => number;
  leaf: (s: S) => boolean;
  maxDays?: (s: S) => { days: number; why: string } | undefined;
  when?: (s: S) => boolean;
}): WizardStep<S> {
  return {
    when: o.when,
    run: async (input, s) => {
      const max = o.maxDays?.(s);
      const leaf = o.leaf(s);
      const first = s.days ?? o.defaultDays(s);
      const value = await input.showInputBox({
        prompt: `${o.prompt}${max ? ` (at most ${max.days}: ${max.why})` : ''}`,
        value: String(max ? Math.min(first, max.days) : first),
        validate: (v) => checkDays(v, { leaf, maxDays: max?.days, maxWhy: max?.why }),
      });
      s.days = Number(value.trim());
    },
  };
}

/**
 * The most days a certificate issued now may run without outliving a CA that ends at `notAfter` (ISO): whole days,
 * rounded down — not the expiry rule's days left (rounded to the nearest day), which may be one more than fits,
 * and the engine refuses a certificate that outlives its CA.
 */
export function daysWithin(notAfter: string): number {
  return Math.max(0, Math.floor((Date.parse(notAfter) - Date.now()) / DAY_MS));
}

// ------------------------------------------------------------------------------------------------------
// Output name

export interface NameState {
  base?: string;
}

export function nameStep<S extends NameState>(o: {
  folder: (s: S) => vscode.Uri;
  exts: (s: S) => string[];
  defaultBase: (s: S) => string;
  when?: (s: S) => boolean;
}): WizardStep<S> {
  return {
    when: o.when,
    run: async (input, s) => {
      const folder = o.folder(s);
      const exts = o.exts(s);
      const value = s.base ?? o.defaultBase(s);
      const text = await input.showInputBox({
        prompt: `File name for the new ${exts.join(', ')} file${exts.length > 1 ? 's' : ''}, in ${displayFolder(folder)}`,
        value,
        valueSelection: [0, value.length],
        validate: (v) => {
          const bad = checkBaseName(v);
          if (bad) return bad;
          const taken = exts.map((e) => outputUri(folder, v.trim(), e)).filter(exists).map(fileName);
          if (taken.length) return WARNING(`${taken.join(', ')} already exist${taken.length === 1 ? 's' : ''}: you will be asked before anything is replaced.`);
          return undefined;
        },
      });
      s.base = text.trim();
    },
  };
}

// ------------------------------------------------------------------------------------------------------
// Passphrases and passwords (never remembered, never prefilled from settings)

function checkNewSecret(session: Session, v: string, optional: boolean): Validation {
  if (v === '') return optional ? undefined : 'Enter a password (at least 4 characters).';
  try {
    session.core.keygen.checkNewPassphrase(v);
    return undefined;
  } catch (e) {
    return `${messageOf(e).replace(/^the passphrase/, 'The passphrase')}.`;
  }
}

/**
 * A new passphrase / password and its confirmation. `optional`: empty means none (the confirmation is then
 * skipped). The two are in `s[key]`; the confirmation step checks equality on accept.
 */
export function newSecretSteps<S>(
  session: Session,
  o: { prompt: string; confirmPrompt: string; optional: boolean; get: (s: S) => string | undefined; set: (s: S, v: string | undefined) => void; when?: (s: S) => boolean },
): WizardStep<S>[] {
  return [
    {
      when: o.when,
      run: async (input, s) => {
        const v = await input.showInputBox({
          prompt: o.prompt,
          password: true,
          validate: (t) => checkNewSecret(session, t, o.optional),
        });
        o.set(s, v === '' ? undefined : v);
      },
    },
    {
      when: (s) => (!o.when || o.when(s)) && o.get(s) !== undefined,
      // Counted until the passphrase is left empty, so the total does not grow once one is typed.
      ahead: (s) => !o.when || o.when(s),
      run: async (input, s) => {
        await input.showInputBox({
          prompt: o.confirmPrompt,
          password: true,
          validateOnAccept: (t) => (t === o.get(s) ? undefined : 'The two entries differ: type the same again (or go Back to change the first).'),
        });
      },
    },
  ];
}

/** Plain PKCS#8 of a key object, asking nothing (the key must not be encrypted). */
export function plainKey(session: Session, k: ObjectInfo): Uint8Array {
  return session.core.keygen.loadPrivateKey(keyData(session.core, k.raw));
}

/**
 * Opens an encrypted key with `passphrase`, in the engine's worker (cancellable: key derivation never runs on the
 * extension host's thread). Its PKCS#8, or what to tell the user in the passphrase box.
 */
export async function openKey(session: Session, file: PkiFile, key: ObjectInfo, passphrase: string): Promise<{ pkcs8?: Uint8Array; problem?: string }> {
  try {
    return { pkcs8: await inWorker<Uint8Array>({ op: 'loadPrivateKey', data: keyData(session.core, key.raw), passphrase }, `Checking the passphrase of ${printable(file.name)}…`) };
  } catch (e) {
    return { problem: /passphrase/i.test(messageOf(e)) ? 'Wrong passphrase: try again.' : `${file.name}: ${messageOf(e)}.` };
  }
}

/** The passphrase of an encrypted key: checked on accept by opening the key; `check` may reject the opened key. */
export function unlockStep<S>(
  session: Session,
  o: {
    when: (s: S) => boolean;
    /** Whether to count the step before it is reached (see WizardStep.ahead). */
    ahead?: (s: S) => boolean;
    key: (s: S) => { file: PkiFile; key: ObjectInfo } | undefined;
    set: (s: S, pkcs8: Uint8Array) => void;
    check?: (s: S, pkcs8: Uint8Array) => string | undefined;
  },
): WizardStep<S> {
  return {
    when: o.when,
    ahead: o.ahead,
    run: async (input, s) => {
      const target = o.key(s);
      if (!target) return;
      let opened: Uint8Array | undefined;
      await input.showInputBox({
        prompt: `Passphrase of ${target.file.name} (the key is encrypted)`,
        password: true,
        validateOnAccept: async (t) => {
          const { pkcs8, problem } = await openKey(session, target.file, target.key, t);
          opened = pkcs8;
          return problem ?? o.check?.(s, pkcs8!);
        },
      });
      if (opened) o.set(s, opened);
    },
  };
}

// ------------------------------------------------------------------------------------------------------
// A certificate's private key (a CA's, to sign with; a certificate's, to export with it)

/** The key of `keyFile` that belongs to `cert`: the one with its public key, else an encrypted one (checked once opened), else the first. */
export function keyOf(cert: ObjectInfo | undefined, keyFile: PkiFile | undefined): ObjectInfo | undefined {
  if (!keyFile) return undefined;
  const keys = privateKeys(keyFile);
  return keys.find((k) => cert?.spkiSha256 && k.spkiSha256 === cert.spkiSha256) ?? keys.find((k) => k.encrypted) ?? keys[0];
}

/**
 * A certificate's key file found without asking: the certificate's own file when it holds the key, else the one
 * key file of the workspace with the certificate's public key. Undefined when the user must choose.
 */
export async function keyFileOf(session: Session, certFile: PkiFile, cert: ObjectInfo | undefined): Promise<PkiFile | undefined> {
  const spki = cert?.spkiSha256;
  if (!spki) return undefined;
  const holdsKey = (f: PkiFile) => privateKeys(f).some((k) => k.spkiSha256 === spki);
  if (holdsKey(certFile)) return certFile;
  const matching = (await session.files.matching((f) => privateKeys(f).length > 0)).filter(holdsKey);
  return matching.length === 1 ? matching[0] : undefined;
}

/** The public key hash of an opened (PKCS#8) key, to compare with its certificate's. */
export function keySpki(session: Session, pkcs8: Uint8Array): string {
  return session.core.keys.publicKeyOf(pkcs8).spkiSha256;
}

/** Whether `k` may be the key of `cert`: it has the certificate's public key, or it is encrypted (not known yet). */
function mayBeKeyOf(cert: ObjectInfo | undefined, k: ObjectInfo): boolean {
  return !cert?.spkiSha256 || k.encrypted === true || !k.spkiSha256 || k.spkiSha256 === cert.spkiSha256;
}

/**
 * Choosing a certificate's key: the key file (the likely ones first; a plain key of another certificate is
 * refused), then its passphrase when it is encrypted (the opened key must be the certificate's).
 */
export function certKeySteps<S>(
  session: Session,
  o: {
    /** The certificate whose key it is, and its file. */
    cert: (s: S) => { file: PkiFile; cert: ObjectInfo } | undefined;
    /** Whether to ask for the key file (not when it was found without asking). */
    pick: (s: S) => boolean;
    placeholder: (s: S) => string;
    getKeyFile: (s: S) => PkiFile | undefined;
    /** A new key file was chosen: forget any key opened before. */
    setKeyFile: (s: S, f: PkiFile) => void;
    setOpened: (s: S, pkcs8: Uint8Array) => void;
    when?: (s: S) => boolean;
  },
): WizardStep<S>[] {
  const on = (s: S) => !o.when || o.when(s);
  const key = (s: S) => keyOf(o.cert(s)?.cert, o.getKeyFile(s));
  return [
    {
      when: (s) => on(s) && o.pick(s),
      run: (input, s) =>
        pickFileStep<S>(session, {
          placeholder: o.placeholder(s),
          // Only the keys that can be the certificate's: those with its public key, and encrypted ones (their
          // public key is known once opened). Any other key is refused anyway; "Browse…" takes any key file.
          filter: (f) => !isPkcs12(f) && privateKeys(f).some((k) => mayBeKeyOf(o.cert(s)?.cert, k)),
          accept: (f) => privateKeys(f).length > 0 && !isPkcs12(f),
          mismatch: 'holds no private key',
          describe: describeKeyFile,
          preferred: (st, files) => keysFor(o.cert(st)?.file, o.cert(st)?.cert, files),
          check: (st, f) => {
            const c = o.cert(st);
            const keys = privateKeys(f);
            if (keys.some((k) => k.encrypted)) return undefined; // checked once decrypted
            return c && !keys.some((k) => k.spkiSha256 === c.cert.spkiSha256) ? `${f.name} is not the private key of ${c.file.name} (their public keys differ).` : undefined;
          },
          get: o.getKeyFile,
          set: o.setKeyFile,
          openLabel: 'Private key',
          extensions: ['key', 'pem', 'der'],
        }).run(input, s),
    },
    unlockStep<S>(session, {
      when: (s) => on(s) && key(s)?.encrypted === true,
      // Until the key is known (the certificate or its key is still to be chosen), it may be encrypted.
      ahead: (s) => on(s) && (key(s) === undefined || key(s)?.encrypted === true),
      key: (s) => {
        const f = o.getKeyFile(s);
        const k = key(s);
        return f && k ? { file: f, key: k } : undefined;
      },
      set: o.setOpened,
      check: (s, pkcs8) => {
        const c = o.cert(s);
        return c && keySpki(session, pkcs8) !== c.cert.spkiSha256 ? `This opens ${o.getKeyFile(s)?.name}, but it is not the key of ${c.file.name}: go Back and choose its key.` : undefined;
      },
    }),
  ];
}

/** The certificate's key as plain PKCS#8 once the steps are done: opened with its passphrase, or read as it is. */
export function certKeyPkcs8(session: Session, cert: ObjectInfo | undefined, keyFile: PkiFile | undefined, opened: Uint8Array | undefined, what: string): Uint8Array {
  if (opened) return opened;
  const k = keyOf(cert, keyFile);
  if (!k) throw new UserError(`No private key was chosen for ${what}.`);
  return plainKey(session, k);
}

// ------------------------------------------------------------------------------------------------------
// A CA and its key

export interface CaState {
  caFile?: PkiFile;
  caKeyFile?: PkiFile;
  /** The CA key found without asking (in the CA file, or the one key file of the workspace that matches). */
  caKeyAuto?: boolean;
  caKeyPkcs8?: Uint8Array;
}

export function caCert(s: CaState): ObjectInfo | undefined {
  return s.caFile ? certificates(s.caFile)[0] : undefined;
}

/** Finds the CA's key without asking, when it can (see keyFileOf); otherwise the key step asks. */
export async function chooseCaKey(session: Session, s: CaState): Promise<void> {
  s.caKeyPkcs8 = undefined;
  s.caKeyFile = s.caFile ? await keyFileOf(session, s.caFile, caCert(s)) : undefined;
  s.caKeyAuto = s.caKeyFile !== undefined;
}

/**
 * Pick the CA certificate (unless `skipCaPick`: then call chooseCaKey first), then its key (skipped when
 * found without asking), then the key's passphrase when it is encrypted.
 */
export function caSteps<S extends CaState>(session: Session, o: { placeholder: string; when?: (s: S) => boolean; skipCaPick?: (s: S) => boolean }): WizardStep<S>[] {
  const on = (s: S) => !o.when || o.when(s);
  return [
    pickFileStep<S>(session, {
      when: (s) => on(s) && !(o.skipCaPick?.(s) ?? false),
      placeholder: o.placeholder,
      filter: (f) => certificates(f)[0]?.cert?.isCA === true,
      mismatch: 'holds no CA certificate (basicConstraints CA:TRUE) as its first certificate',
      describe: describeCertFile,
      get: (s) => s.caFile,
      set: (s, f) => {
        s.caFile = f;
      },
      after: (s) => chooseCaKey(session, s),
      openLabel: 'CA certificate',
      extensions: ['crt', 'pem', 'cer', 'der'],
    }),
    ...certKeySteps<S>(session, {
      when: on,
      cert: (s) => (s.caFile && caCert(s) ? { file: s.caFile, cert: caCert(s)! } : undefined),
      pick: (s) => !s.caKeyAuto,
      placeholder: (s) => `Private key of ${s.caFile?.name ?? 'the CA'}`,
      getKeyFile: (s) => s.caKeyFile,
      setKeyFile: (s, f) => {
        s.caKeyFile = f;
        s.caKeyPkcs8 = undefined;
      },
      setOpened: (s, pkcs8) => {
        s.caKeyPkcs8 = pkcs8;
      },
    }),
  ];
}

/** The CA key as plain PKCS#8 once the CA steps are done. */
export function caKeyPkcs8(session: Session, s: CaState): Uint8Array {
  return certKeyPkcs8(session, caCert(s), s.caKeyFile, s.caKeyPkcs8, s.caFile?.name ?? 'the CA');
}

// ------------------------------------------------------------------------------------------------------
// Profile and PKCS#12 options

interface ProfileItem extends vscode.QuickPickItem {
  profile: Profile;
}

const PROFILE_ITEMS: ProfileItem[] = [
  { profile: 'server', label: 'Server', description: 'TLS server (serverAuth)' },
  { profile: 'client', label: 'Client', description: 'mTLS client (clientAuth)' },
  { profile: 'server+client', label: 'Server and client', description: 'serverAuth + clientAuth' },
  { profile: 'intermediate', label: 'Intermediate CA', description: 'a CA that can sign certificates (pathLen 0)' },
];

export interface ProfileState {
  profile?: Profile;
}

export function profileStep<S extends ProfileState>(session: Session, o: { guess: (s: S) => Profile | undefined; when?: (s: S) => boolean }): WizardStep<S> {
  return {
    when: o.when,
    run: async (input, s) => {
      const remembered = session.remembered.profile as Profile | undefined;
      const chosen = s.profile ?? o.guess(s) ?? remembered ?? 'server';
      const pick = await input.showQuickPick({ placeholder: 'Certificate profile', items: PROFILE_ITEMS, activeItem: PROFILE_ITEMS.find((i) => i.profile === chosen) });
      s.profile = pick.profile;
    },
  };
}

interface FormatItem extends vscode.QuickPickItem {
  format: 'modern' | 'legacy';
}

const FORMAT_ITEMS: FormatItem[] = [
  { format: 'modern', label: 'Modern (AES-256, SHA-256 MAC)', description: 'OpenSSL 3, Java 11+, Windows 10 1709+, macOS 14+' },
  { format: 'legacy', label: 'Legacy (3DES / RC2, SHA-1 MAC)', description: 'older Windows, Java 8, older macOS Keychain' },
];

export interface P12FormatState {
  p12Format?: 'modern' | 'legacy';
}

export function p12FormatStep<S extends P12FormatState>(session: Session, when?: (s: S) => boolean): WizardStep<S> {
  return {
    when,
    run: async (input, s) => {
      const chosen = s.p12Format ?? session.remembered.p12Format ?? 'modern';
      const pick = await input.showQuickPick({ placeholder: 'Keystore protection', items: FORMAT_ITEMS, activeItem: FORMAT_ITEMS.find((i) => i.format === chosen) });
      s.p12Format = pick.format;
    },
  };
}

/** Which object of a file holding several (e.g. which certificate of a chain). */
export async function pickObject(input: MultiStepInput, file: PkiFile, objects: ObjectInfo[], placeholder: string): Promise<ObjectInfo> {
  const items = objects.map((o, i) => ({
    label: o.cert ? displayName(o.cert.subject) : o.csr ? `CSR ${displayName(o.csr.subject)}` : o.raw.pemLabel ?? o.raw.kind,
    description: o.cert ? `certificate ${i + 1} of ${objects.length}${o.cert.isCA ? ' · CA' : ''}` : o.raw.kind.replace(/-/g, ' '),
    detail: o.cert ? `issued by ${o.cert.issuer.text}` : undefined,
    object: o,
  }));
  const pick = await input.showQuickPick({ placeholder: `${placeholder} (${file.name} holds ${objects.length})`, items, activeItem: items[0] });
  return pick.object;
}
