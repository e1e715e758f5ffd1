// Everything one command run needs: the engine (loaded on first use, so activation stays cheap), the settings,
// the answers remembered per workspace, the workspace's PKI files, and what the command was started on.

import * as vscode from 'vscode';
import { CURVES, MAX_DAYS, MIN_DAYS, RSA_MAX_BITS, RSA_SAFE_BITS, type Curve } from '../../core/limits';
import { readIndexSettings, type IndexSettings } from '../explorer/workspaceIndex';
import type { PkiFile } from './pkiFiles';
import { WorkspaceFiles, readPkiFile } from './workspaceFiles';

// ------------------------------------------------------------------------------------------------------
// The engine

export async function loadCore() {
  const [dn, fileObjects, issue, keygen, keys, model, pem, pkcs12, pkcs12Import, trustStore, verify] = await Promise.all([
    import('../../core/write/dn'),
    import('../../core/read/fileObjects'),
    import('../../core/write/issue'),
    import('../../core/write/keygen'),
    import('../../core/objects/keys'),
    import('../../core/model'),
    import('../../core/der/pem'),
    import('../../core/objects/pkcs12'),
    import('../../core/objects/pkcs12Import'),
    import('../../core/trust/trustStore'),
    import('../../core/trust/pathValidation'),
  ]);
  return { dn, fileObjects, issue, keygen, keys, model, pem, pkcs12, pkcs12Import, trustStore, verify };
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
  ecCurve: Curve;
  validityDays: number;
  subject: { C?: string; ST?: string; L?: string; O?: string; OU?: string };
  /** The workspace scan's settings, shared with the Certificate Explorer: file size limit, expiry warning, globs. */
  scan: IndexSettings;
}

function readSettings(config: vscode.WorkspaceConfiguration): Settings {
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
  return {
    keyType: keyType === 'rsa' || keyType === 'ed25519' ? keyType : 'ec',
    // The wizards never make weak keys: the setting's floor is the safe size, not the engine's minimum.
    rsaBits: Number.isInteger(bits) && bits >= RSA_SAFE_BITS && bits <= RSA_MAX_BITS ? bits : RSA_SAFE_BITS,
    ecCurve: (CURVES as readonly string[]).includes(curve) ? (curve as Curve) : 'P-256',
    validityDays: Number.isInteger(days) && days >= MIN_DAYS && days <= MAX_DAYS ? days : 365,
    subject: clean,
    scan: readIndexSettings(),
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
  /** The subject typed last before its CN (`/C=UK/O=Any Org/CN=`): the subject steps prefill it. */
  subjectPrefix?: string;
  /** Verify Certificate Chain's trust anchors: `system`, or the URI of a CA file. */
  verifyAnchor?: string;
  /** Verify Certificate Chain's revocation source: `none`, or the URI of a CRL file. */
  verifyCrl?: string;
}

const MEMORY_KEY = 'tlsWorkbench.commands.remembered';

class Memory {
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
// One command run

export class Session {
  private constructor(
    readonly core: Core,
    readonly settings: Settings,
    readonly memory: Memory,
    readonly files: WorkspaceFiles,
  ) {}

  static async create(context: vscode.ExtensionContext): Promise<Session> {
    const core = await loadCore();
    const settings = readSettings(vscode.workspace.getConfiguration('tlsWorkbench'));
    return new Session(core, settings, new Memory(context.workspaceState), new WorkspaceFiles(core, settings.scan));
  }

  get remembered(): Remembered {
    return this.memory.get();
  }

  read(uri: vscode.Uri): Promise<PkiFile> {
    return readPkiFile(this.core, uri, this.settings.scan);
  }
}
