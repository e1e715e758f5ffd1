// What `tlsw csr`, `tlsw cert` and `tlsw ca init` share: the subject of what they make (-o, --subject, --san) and
// its key — an existing file (--key) or a new one (--new-key TYPE written to --key-out) — checked in the order
// that fails fast: every option first, then the outputs, and the slow key generation last.

import type { DnAttr } from '../core/write/dn';
import { parseSubject } from '../core/write/dn';
import type { San } from '../core/write/issue';
import { parseSans } from '../core/write/issue';
import type { KeySpec } from '../core/write/keygen';
import { encodePrivateKey, generateKey, keySpecLabel } from '../core/write/keygen';
import { readSecret } from './args';
import { privateKeyIn } from './inputs';
import type { CommandIo } from './io';
import { CliError } from './io';
import { keySpec, required, withCliErrors } from './options';
import { checkOutputs, type Output } from './outputs';

/** Options of every command that takes "--key K | --new-key TYPE --key-out K", --subject and --san, and -o. */
export const SUBJECT_OPTIONS = {
  'key': { type: 'string' },
  'new-key': { type: 'string' },
  'key-out': { type: 'string' },
  'bits': { type: 'string' },
  'curve': { type: 'string' },
  'passphrase-file': { type: 'string' },
  'legacy': { type: 'boolean' },
  'allow-weak': { type: 'boolean' },
  'subject': { type: 'string' },
  'san': { type: 'string', multiple: true },
  'der': { type: 'boolean' },
  'force': { type: 'boolean' },
  'out': { type: 'string', short: 'o' },
} as const;

export interface SubjectValues {
  'key'?: string;
  'new-key'?: string;
  'key-out'?: string;
  'bits'?: string;
  'curve'?: string;
  'passphrase-file'?: string;
  'legacy'?: boolean;
  'allow-weak'?: boolean;
  'subject'?: string;
  'san'?: string[];
  'force'?: boolean;
  'out'?: string;
}

/** -o, --subject and --san, checked and parsed (a bad value is one line naming its option). No I/O. */
export async function subjectOptions(v: SubjectValues, usage: string): Promise<{ out: string; subject: DnAttr[]; sans: San[] }> {
  const out = required(v.out, '-o', usage);
  const subject = await withCliErrors('--subject', () => parseSubject(required(v.subject, '--subject', usage)));
  const sans = await withCliErrors('--san', () => (v.san ?? []).flatMap((s) => parseSans(s)));
  return { out, subject, sans };
}

export interface SubjectKey {
  pkcs8: Uint8Array;
  /** The new key's file, to write with the rest (a certificate is never written without its new key, or the reverse). */
  outputs: Output[];
}

/**
 * The subject key, once the outputs (`out` and --key-out) are known to be free: the file of --key (decrypted with
 * --passphrase-file when encrypted), or a new key of --new-key's type (encrypted with --passphrase-file when given).
 */
export async function subjectKey(v: SubjectValues, out: string, io: CommandIo, usage: string, forCa = false): Promise<SubjectKey> {
  if (v.key !== undefined && v['new-key'] !== undefined) throw new CliError(`give either --key or --new-key, not both\n${usage}`, 2);
  if (v.key === undefined && v['new-key'] === undefined) throw new CliError(`give --key KEY or --new-key rsa|ec|ed25519 --key-out KEY\n${usage}`, 2);
  const keyOut = v['new-key'] !== undefined ? required(v['key-out'], '--key-out', usage) : undefined;
  const spec: KeySpec | undefined = v['new-key'] !== undefined ? keySpec(v['new-key'], v.bits, v.curve, forCa) : undefined;
  checkOutputs([out, v['key-out']], !!v.force);
  if (v.key !== undefined) return { pkcs8: await privateKeyIn(v.key, v['passphrase-file'], io), outputs: [] };
  const pass = v['passphrase-file'] !== undefined ? await readSecret(v['passphrase-file'], io, 'passphrase') : undefined;
  const { privateKeyPkcs8 } = await withCliErrors('', () => generateKey(spec!, { allowWeak: v['allow-weak'] }));
  const data = await withCliErrors('', () => encodePrivateKey(privateKeyPkcs8, { passphrase: pass, legacy: pass !== undefined && v.legacy }));
  return { pkcs8: privateKeyPkcs8, outputs: [{ path: keyOut!, data, secret: true, what: `${keySpecLabel(spec!)} private key${pass ? ', encrypted' : ''}` }] };
}
