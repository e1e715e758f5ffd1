// Keys: Generate Private Key…, Add / Remove / Change Key Passphrase… — `tlsw key` and `tlsw key passphrase`.
// Passphrase changes replace the key in its file (after a modal confirmation, with "Save as Copy…" as the
// alternative); a key inside a PEM file with other blocks is replaced in place, the other blocks kept.

import * as path from 'node:path';
import * as vscode from 'vscode';
import { printable } from '../../core/display/escape';
import { inWorker } from '../util/engineWorker';
import { MultiStepInput } from '../util/multiStepInput';
import { announce, askReplace, displayFolder, fileName, outputFolder, outputUri, parentFolder, revealAndOpen, uniqueBase, writeOutputs, baseName, exists } from '../util/outputs';
import { Cancelled, UserError } from './errors';
import type { ObjectInfo, PkiFile } from './pkiFiles';
import { keyData, privateKeys } from './pkiFiles';
import { Session, targetOf } from './session';
import type { KeyTypeState, NameState } from './steps';
import { describeKeyFile, keySpecOf, keyTypeSteps, nameStep, newSecretSteps, openKey, pickFileStep } from './steps';
import { claimOutputs, finish, generateKeyWithProgress } from './work';

// ------------------------------------------------------------------------------------------------------
// Generate Private Key…

interface KeyGenState extends KeyTypeState, NameState {
  passphrase?: string;
}

export async function generateKey(context: vscode.ExtensionContext, arg: unknown): Promise<vscode.Uri[] | undefined> {
  const session = await Session.create(context);
  const folder = await outputFolder(targetOf(arg).uri);
  if (!folder) throw new Cancelled();
  const s: KeyGenState = {};
  const done = await MultiStepInput.wizard('Generate Private Key', s, [
    ...keyTypeSteps<KeyGenState>(session, false),
    nameStep<KeyGenState>({ folder: () => folder, exts: () => ['.key'], defaultBase: () => uniqueBase(folder, 'private', ['.key']) }),
    ...newSecretSteps<KeyGenState>(session, {
      prompt: 'Passphrase to encrypt the key (leave empty for none)',
      confirmPrompt: 'Type the passphrase again',
      optional: true,
      get: (st) => st.passphrase,
      set: (st, v) => {
        st.passphrase = v;
      },
    }),
  ]);
  if (!done) return undefined;
  const keyUri = outputUri(folder, s.base!, '.key');
  const overwrite = await claimOutputs([keyUri]);
  const spec = keySpecOf(s, session.settings, false);
  const pair = await generateKeyWithProgress(session, spec);
  const data = session.core.keygen.encodePrivateKey(pair.privateKeyPkcs8, { passphrase: s.passphrase });
  await session.memory.remember({ keyChoice: s.keyChoice, ...(s.rsaBits ? { rsaCustomBits: s.rsaBits } : {}) });
  return finish({ files: [{ uri: keyUri, data, secret: true }], overwrite, what: `${session.core.keygen.keySpecLabel(spec)} private key${s.passphrase ? ', encrypted (AES-256)' : ''}, mode 0600` });
}

// ------------------------------------------------------------------------------------------------------
// Add / Remove / Change Key Passphrase…

type PassphraseMode = 'add' | 'remove' | 'change';

interface PassphraseState {
  file?: PkiFile;
  oldPassphrase?: string;
  newPassphrase?: string;
}

const TITLES: Record<PassphraseMode, string> = { add: 'Add Key Passphrase', remove: 'Remove Key Passphrase', change: 'Change Key Passphrase' };

function keyOf(f: PkiFile, mode: PassphraseMode): ObjectInfo | undefined {
  const keys = privateKeys(f);
  return mode === 'add' ? (keys.find((k) => !k.encrypted) ?? keys[0]) : (keys.find((k) => k.encrypted) ?? keys[0]);
}

function modeProblem(f: PkiFile, mode: PassphraseMode): string | undefined {
  const k = keyOf(f, mode);
  if (!k) return `${f.name} holds no private key.`;
  if (mode === 'add' && k.encrypted) return `${f.name} is already encrypted: use "Change Key Passphrase…" to change its passphrase.`;
  if (mode !== 'add' && !k.encrypted) return `${f.name} is not encrypted: use "Add Key Passphrase…" to encrypt it.`;
  return undefined;
}

export async function passphrase(context: vscode.ExtensionContext, arg: unknown, mode: PassphraseMode): Promise<vscode.Uri | undefined> {
  const session = await Session.create(context);
  const target = targetOf(arg);
  const s: PassphraseState = {};
  if (target.uri) {
    s.file = await session.read(target.uri);
    const problem = modeProblem(s.file, mode);
    if (problem) {
      const other: PassphraseMode = mode === 'add' ? 'change' : 'add';
      throw new UserError(problem, privateKeys(s.file).length ? [{ title: `${TITLES[other]}…`, run: () => vscode.commands.executeCommand(`tlsWorkbench.${other}Passphrase`, target.uri) }] : []);
    }
  }
  const given = !!s.file;
  const k = () => keyOf(s.file!, mode)!;
  const done = await MultiStepInput.wizard(TITLES[mode], s, [
    pickFileStep<PassphraseState>(session, {
      when: () => !given,
      placeholder: mode === 'add' ? 'The (unencrypted) private key to encrypt' : 'The encrypted private key',
      filter: (f) => privateKeys(f).length > 0 && !modeProblem(f, mode),
      mismatch: mode === 'add' ? 'holds no unencrypted private key' : 'holds no encrypted private key',
      describe: describeKeyFile,
      get: (st) => st.file,
      set: (st, f) => {
        st.file = f;
      },
      openLabel: 'Private key',
      extensions: ['key', 'pem', 'der'],
    }),
    {
      when: () => mode !== 'add',
      run: async (input, st) => {
        st.oldPassphrase = await input.showInputBox({
          prompt: `Current passphrase of ${st.file!.name}`,
          password: true,
          validateOnAccept: async (t) => (await openKey(session, st.file!, k(), t)).problem,
        });
      },
    },
    ...newSecretSteps<PassphraseState>(session, {
      when: () => mode !== 'remove',
      prompt: mode === 'add' ? 'New passphrase (at least 4 characters)' : 'New passphrase (at least 4 characters)',
      confirmPrompt: 'Type the new passphrase again',
      optional: false,
      get: (st) => st.newPassphrase,
      set: (st, v) => {
        st.newPassphrase = v;
      },
    }),
  ]);
  if (!done) return undefined;
  const file = s.file!;
  const key = k();
  const input = keyData(session.core, key.raw);
  const { keygen } = session.core;
  const working = `${mode === 'remove' ? 'Decrypting' : 'Re-encrypting'} ${printable(file.name)}…`;
  const result =
    mode === 'add' ? keygen.addPassphrase(input, s.newPassphrase!)
    : mode === 'remove' ? await inWorker<string | Uint8Array>({ op: 'removePassphrase', data: input, passphrase: s.oldPassphrase! }, working)
    : await inWorker<string | Uint8Array>({ op: 'changePassphrase', data: input, passphrase: s.oldPassphrase!, newPassphrase: s.newPassphrase! }, working);
  const contents = replaceKey(session, file, key, result);
  const what = mode === 'remove' ? 'decrypted: it is now stored unencrypted' : mode === 'add' ? 'encrypted (AES-256)' : 'encrypted with the new passphrase';

  // Save as Copy comes first: the default on Enter keeps the file as it is.
  const choice = await askReplace(
    `Replace ${file.name} with the key ${mode === 'remove' ? 'decrypted' : mode === 'add' ? 'encrypted' : 're-encrypted'}?`,
    `${mode === 'remove' ? 'Anyone who can read the file can then use the key (the file keeps mode 0600). ' : ''}Or keep ${file.name} as it is and save the result as a copy.`,
    'Replace',
    'Save as Copy…',
  );
  let targetUri: vscode.Uri;
  let overwrite = true;
  if (choice === 'Replace') {
    targetUri = file.uri;
  } else if (choice === 'Save as Copy…') {
    const suggested = outputUri(parentFolder(file.uri), uniqueBase(parentFolder(file.uri), `${baseName(file.uri)}${mode === 'remove' ? '.decrypted' : '.encrypted'}`, [path.extname(file.name) || '.key']), path.extname(file.name) || '.key');
    const picked = await vscode.window.showSaveDialog({ defaultUri: suggested, saveLabel: 'Save Key', filters: { 'Private key': ['key', 'pem', 'der'] } });
    if (!picked) throw new Cancelled();
    targetUri = picked;
    overwrite = exists(picked); // the save dialog has asked already
  } else {
    throw new Cancelled();
  }
  await writeOutputs([{ uri: targetUri, data: contents, secret: true }], overwrite);
  announce(`${fileName(targetUri)} in ${displayFolder(parentFolder(targetUri))}: the private key is ${what}.`, targetUri);
  await revealAndOpen([targetUri]);
  return targetUri;
}

/** The file's new contents: the key object replaced (a PEM file's other blocks and text are kept). */
function replaceKey(session: Session, file: PkiFile, key: ObjectInfo, result: string | Uint8Array): string | Uint8Array {
  if (file.objects.length === 1) return result;
  const { pem } = session.core;
  const text = pem.decodeText(file.bytes);
  const block = pem.findPemBlocks(text).blocks[key.index];
  if (!block || typeof result !== 'string') throw new UserError(`${file.name}: the key could not be located in the file; move it to a file of its own first.`);
  return text.slice(0, block.range.startOffset) + result.replace(/\n$/, '') + text.slice(block.range.endOffset);
}
