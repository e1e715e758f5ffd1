// What the PKI commands share: how a command learns which file it was started on, the settings and the
// answers remembered per workspace, the lazily loaded engine, reading a file into its objects, and the two
// ways a command ends early (the user cancelled; a problem to report in one sentence naming the file).

import type * as vscode from 'vscode';
import type { DnAttr } from '../../core/write/dn';
import type { KeySpec } from '../../core/write/keygen';
import type { CertificateModel, CsrModel, Decoded } from '../../core/model';
import type { RawObject } from '../../core/read/read';

/** The user backed out: the command ends quietly, nothing written. */
export class Cancelled extends Error {
  constructor() {
    super('cancelled');
    this.name = 'Cancelled';
  }
}

export interface ErrorAction {
  title: string;
  run: () => unknown;
}

/** A problem fit to show as it is: one sentence naming the file, optionally with buttons that help. */
export class UserError extends Error {
  constructor(
    message: string,
    readonly actions: ErrorAction[] = [],
  ) {
    super(message);
    this.name = 'UserError';
  }
}

// ------------------------------------------------------------------------------------------------------
// The engine, loaded on first use (activation stays cheap).

export async function loadCore() {
  const [dn, issue, keygen, keys, model, pem, pkcs12, publicKey, read, trustStore, verify, x509] = await Promise.all([
    import('../../core/write/dn'),
    import('../../core/write/issue'),
    import('../../core/write/keygen'),
    import('../../core/objects/keys'),
    import('../../core/model'),
    import('../../core/der/pem'),
    import('../../core/objects/pkcs12'),
    import('../../core/objects/publicKey'),
    import('../../core/read/read'),
    import('../../core/trust/trustStore'),
    import('../../core/trust/pathValidation'),
    import('../../core/objects/x509'),
  ]);
  return { dn, issue, keygen, keys, model, pem, pkcs12, publicKey, read, trustStore, verify, x509 };
}

export type Core = Awaited<ReturnType<typeof loadCore>>;

// ------------------------------------------------------------------------------------------------------
// Command arguments: a Uri (Explorer / editor context menus), a tree item with `resourceUri` (Certificate
// Explorer), or nothing (Command Palette). A tree item for one object of a file may say which one.

export interface Target {
  uri?: vscode.Uri;
  /** Which object of the file (0-based, in file order), when the caller knows. */
  index?: number;
}

function isUri(x: unknown): x is vscode.Uri {
  return !!x && typeof x === 'object' && typeof (x as vscode.Uri).scheme === 'string' && typeof (x as vscode.Uri).fsPath === 'string' && typeof (x as vscode.Uri).with === 'function';
}

export function targetOf(arg: unknown): Target {
  if (isUri(arg)) return { uri: arg };
  if (arg && typeof arg === 'object') {
    const o = arg as { resourceUri?: unknown; uri?: unknown; index?: unknown; objectIndex?: unknown };
    const uri = isUri(o.resourceUri) ? o.resourceUri : isUri(o.uri) ? o.uri : undefined;
    const index = typeof o.objectIndex === 'number' ? o.objectIndex : typeof o.index === 'number' ? o.index : undefined;
    if (uri) return { uri, index };
  }
  return {};
}

// ------------------------------------------------------------------------------------------------------
// Settings and remembered answers

export interface Settings {
  keyType: 'ec' | 'rsa' | 'ed25519';
  rsaBits: number;
  ecCurve: 'P-256' | 'P-384' | 'P-521';
  validityDays: number;
  subject: { C?: string; ST?: string; L?: string; O?: string; OU?: string };
  maxBytes: number;
}

export function readSettings(config: vscode.WorkspaceConfiguration): Settings {
  const keyType = config.get<string>('defaults.keyType', 'ec');
  const curve = config.get<string>('defaults.ecCurve', 'P-256');
  const bits = config.get<number>('defaults.rsaBits', 2048);
  const days = config.get<number>('defaults.validityDays', 365);
  const subject = config.get<Record<string, unknown>>('defaults.subject', {}) ?? {};
  const clean: Settings['subject'] = {};
  for (const k of ['C', 'ST', 'L', 'O', 'OU'] as const) {
    const v = subject[k];
    if (typeof v === 'string' && v.trim() !== '') clean[k] = v.trim();
  }
  const mb = config.get<number>('maxFileSizeMB', 5);
  return {
    keyType: keyType === 'rsa' || keyType === 'ed25519' ? keyType : 'ec',
    rsaBits: Number.isInteger(bits) && bits >= 2048 && bits <= 16384 ? bits : 2048,
    ecCurve: curve === 'P-384' || curve === 'P-521' ? curve : 'P-256',
    validityDays: Number.isInteger(days) && days >= 1 && days <= 36500 ? days : 365,
    subject: clean,
    maxBytes: Math.max(1024, Math.floor((typeof mb === 'number' && mb > 0 ? mb : 5) * 1024 * 1024)),
  };
}

/** Answers remembered per workspace (never secrets): the wizards prefill them next time. */
export interface Remembered {
  keyChoice?: string;
  caKeyChoice?: string;
  rsaCustomBits?: number;
  days?: number;
  profile?: string;
  p12Format?: 'modern' | 'legacy';
  /** Verify Certificate Chain's trust anchors: `system`, or the URI of a CA file. */
  verifyAnchor?: string;
  /** Verify Certificate Chain's revocation source: `none`, or the URI of a CRL file. */
  verifyCrl?: string;
}

const MEMORY_KEY = 'tlsWorkbench.commands.remembered';

export class Memory {
  constructor(private readonly state: vscode.Memento) {}

  get(): Remembered {
    const v = this.state.get<Remembered>(MEMORY_KEY);
    return v && typeof v === 'object' ? v : {};
  }

  async remember(patch: Remembered): Promise<void> {
    await this.state.update(MEMORY_KEY, { ...this.get(), ...patch });
  }
}

// ------------------------------------------------------------------------------------------------------
// Files and their objects

export interface ObjectInfo {
  /** Position among the file's objects (PEM blocks in order; 0 for a DER file). */
  index: number;
  raw: RawObject;
  cert?: Decoded<CertificateModel>;
  csr?: Decoded<CsrModel>;
  /** Private keys: encrypted (a passphrase is needed to use it). */
  encrypted?: boolean;
  /** SHA-256 of the public key: certificates, CSRs and plain private keys. */
  spkiSha256?: string;
}

export interface PkiFile {
  uri: vscode.Uri;
  name: string;
  bytes: Uint8Array;
  objects: ObjectInfo[];
}

export function certificates(f: PkiFile): ObjectInfo[] {
  return f.objects.filter((o) => o.cert);
}

export function privateKeys(f: PkiFile): ObjectInfo[] {
  return f.objects.filter((o) => o.raw.kind === 'private-key' || o.raw.kind === 'legacy-encrypted-key');
}

export function csrs(f: PkiFile): ObjectInfo[] {
  return f.objects.filter((o) => o.csr);
}

export function crls(f: PkiFile): ObjectInfo[] {
  return f.objects.filter((o) => o.raw.kind === 'crl');
}

export function isPkcs12(f: PkiFile): boolean {
  return f.objects.length === 1 && f.objects[0].raw.kind === 'pkcs12';
}

/** Whether the first certificate of the file is a CA (basicConstraints CA:TRUE). */
export function isCaFile(f: PkiFile): boolean {
  return certificates(f)[0]?.cert?.isCA === true;
}

/** Decodes the objects of `bytes`; unreadable files throw UserError naming `name`. */
export function parsePkiFile(core: Core, uri: vscode.Uri, name: string, bytes: Uint8Array): PkiFile {
  let raws: RawObject[];
  try {
    raws = core.read.rawObjects(bytes);
  } catch (e) {
    throw new UserError(`${name}: ${messageOf(e)}.`);
  }
  const now = new Date();
  const objects = raws.map((raw, index): ObjectInfo => {
    const o: ObjectInfo = { index, raw };
    try {
      if (raw.kind === 'certificate') {
        o.cert = core.x509.decodeCertificate(raw.der, { now, warnDays: 30 });
        o.spkiSha256 = o.cert.publicKey.spkiSha256;
      } else if (raw.kind === 'csr') {
        o.csr = core.x509.decodeCsr(raw.der);
        o.spkiSha256 = o.csr.publicKey.spkiSha256;
      } else if (raw.kind === 'private-key' || raw.kind === 'legacy-encrypted-key') {
        const data = keyData(core, raw);
        o.encrypted = core.keygen.isEncryptedPrivateKey(data);
        if (!o.encrypted) o.spkiSha256 = core.publicKey.spkiInfo(core.keys.spkiOfPrivateKey(core.keygen.loadPrivateKey(data))).spkiSha256;
      }
    } catch {
      // A malformed object stays in the list without its details; commands that need it say so.
    }
    return o;
  });
  return { uri, name, bytes, objects };
}

/**
 * What loadPrivateKey and the passphrase functions take for one key object: its PEM block (so that the
 * output keeps the input's form, and legacy encryption its headers), or the DER of a DER file.
 */
export function keyData(core: Core, raw: RawObject): Uint8Array | string {
  return raw.pemLabel ? core.pem.encodePem(raw.pemLabel, raw.der, raw.headers) : raw.der;
}

export function messageOf(e: unknown): string {
  const m = e instanceof Error ? e.message : String(e);
  return m.split('\n')[0].replace(/\.$/, '');
}

/** The error's message as one sentence (first line, closing punctuation). */
export function sentence(e: unknown): string {
  const m = messageOf(e);
  return /[.!?)]$/.test(m) ? m : `${m}.`;
}

/** One line describing a certificate for pickers and messages. */
export function certLabel(c: Decoded<CertificateModel>): string {
  return commonName(c.subject.attributes) ?? (c.subject.text || '(empty subject)');
}

export function commonName(attrs: { type: string; value: string }[]): string | undefined {
  return attrs.find((a) => a.type === 'CN')?.value;
}

export function describeSpec(s: KeySpec): string {
  return s.type === 'rsa' ? `RSA ${s.bits}` : s.type === 'ec' ? `EC ${s.curve}` : 'Ed25519';
}

export function subjectCn(subject: DnAttr[]): string | undefined {
  return subject.find((a) => a.type === 'CN')?.value;
}

export function plural(n: number, word: string, many = `${word}s`): string {
  return `${n} ${n === 1 ? word : many}`;
}

export function listNames(names: string[]): string {
  if (names.length <= 1) return names.join('');
  return `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}
