// PKCS#12 / PFX: Export (certificate + key + the CA chain found in the workspace → name.p12, or name.pfx when
// typed so) and Import
// (name.p12 → name.crt, name.key, name-chain.pem) — `tlsw p12 export / import`.

import * as vscode from 'vscode';
import { printable } from '../../core/display/escape';
import { displayName, messageOf, plural } from '../../core/display/labels';
import type { KeystoreParts } from '../../core/objects/pkcs12Import';
import type { RawPkcs12Bag } from '../../core/objects/pkcs12';
import { inWorker, workerFile } from '../util/engineWorker';
import type { WizardStep } from '../util/multiStepInput';
import { MultiStepInput } from '../util/multiStepInput';
import { baseName, checkBaseName, displayFolder, exists, fileName, outputUri, parentFolder, splitTypedName } from '../util/outputs';
import { UserError } from './errors';
import type { ObjectInfo, PkiFile } from './pkiFiles';
import { certificates, isPkcs12, privateKeys } from './pkiFiles';
import { Session, targetOf } from './session';
import type { NameState, P12FormatState } from './steps';
import { certKeyPkcs8, certKeySteps, describeCertFile, keyFileOf, keySpki, nameStep, newSecretSteps, p12FormatStep, pickFileStep } from './steps';
import { claimOutputs, finish } from './work';

// ------------------------------------------------------------------------------------------------------
// Export PKCS#12 / PFX…

interface ExportState extends P12FormatState, NameState {
  certFile?: PkiFile;
  keyFile?: PkiFile;
  /** The command was started on the key file. */
  keyGiven?: boolean;
  keyAuto?: boolean;
  keyPkcs8?: Uint8Array;
  /** The CA certificates above the leaf, found in the certificate's file and the workspace's CAs. */
  chain?: ObjectInfo[];
  includeChain?: boolean;
  password?: string;
  /** The keystore's extension: `.p12` unless the user typed `.pfx` (the same format, Windows' name for it). */
  ext?: string;
}

const KEYSTORE_EXTS = ['.p12', '.pfx'];

/**
 * The keystore's file name: `.p12` or `.pfx` kept as typed, `.p12` added to any other name (`flow.example.com`
 * → `flow.example.com.p12`). The prefilled name is selected whole, so what the user types replaces all of it.
 */
function keystoreNameStep(): WizardStep<ExportState> {
  return {
    run: async (input, st) => {
      const folder = parentFolder(st.certFile!.uri);
      const value = st.base === undefined ? baseName(st.certFile!.uri) : `${st.base}${st.ext ?? ''}`;
      const text = await input.showInputBox({
        prompt: `File name for the new .p12 file (or type name.pfx: the same format), in ${displayFolder(folder)}`,
        value,
        valueSelection: [0, value.length],
        validate: (v) => {
          const { base, ext } = splitTypedName(v, KEYSTORE_EXTS, '.p12');
          if (base === '') return 'Enter a file name, e.g. server.p12 or server.pfx.';
          const bad = checkBaseName(base);
          if (bad) return bad;
          const uri = outputUri(folder, base, ext);
          if (exists(uri)) return { message: `${fileName(uri)} already exists: you will be asked before it is replaced.`, severity: vscode.InputBoxValidationSeverity.Warning };
          return undefined;
        },
      });
      const { base, ext } = splitTypedName(text, KEYSTORE_EXTS, '.p12');
      st.base = base;
      st.ext = ext;
    },
  };
}

function leaf(s: ExportState): ObjectInfo | undefined {
  return s.certFile ? certificates(s.certFile)[0] : undefined;
}

/** After the certificate is known: its key when it can be found without asking, and its CA chain. */
async function afterCertificate(session: Session, s: ExportState): Promise<void> {
  const cert = leaf(s);
  s.chain = undefined;
  s.keyPkcs8 = undefined;
  if (!cert?.spkiSha256 || !s.certFile) return;
  if (s.keyGiven) {
    s.keyAuto = true;
  } else {
    s.keyFile = await keyFileOf(session, s.certFile, cert);
    s.keyAuto = s.keyFile !== undefined;
  }
  s.chain = await findChain(session, s.certFile, cert);
  s.includeChain ??= s.chain.length > 0;
}

/**
 * The issuers of `cert` (nearest first) to put in the keystore, from its own file and the CA certificates of the
 * workspace. The path comes from the engine's path building: the self-signed CAs end it, the others are
 * intermediates. This picks what to include, it does not say the chain is trusted (Verify does that).
 */
async function findChain(session: Session, file: PkiFile, cert: ObjectInfo): Promise<ObjectInfo[]> {
  if (!cert.cert || cert.cert.selfSigned) return [];
  const pool = new Map<string, ObjectInfo>();
  for (const c of certificates(file).slice(1)) pool.set(c.cert!.fingerprints.sha256, c);
  for (const f of await session.files.all()) {
    for (const c of certificates(f)) if (c.cert?.isCA) pool.set(c.cert.fingerprints.sha256, c);
  }
  pool.delete(cert.cert.fingerprints.sha256);
  if (pool.size === 0) return [];
  const candidates = [...pool.values()];
  try {
    const check = session.core.verify.validatePath(cert.raw.der, {
      anchors: candidates.filter((c) => c.cert!.selfSigned).map((c) => c.raw.der),
      intermediates: candidates.filter((c) => !c.cert!.selfSigned).map((c) => c.raw.der),
    });
    return check.chain
      .slice(1)
      .map((l) => pool.get(l.fingerprints.sha256))
      .filter((c): c is ObjectInfo => c !== undefined);
  } catch {
    return [];
  }
}

export async function exportPkcs12(context: vscode.ExtensionContext, arg: unknown): Promise<vscode.Uri[] | undefined> {
  const session = await Session.create(context);
  const target = targetOf(arg);
  const s: ExportState = {};
  let certGiven = false;
  if (target.uri) {
    const f = await session.read(target.uri);
    if (certificates(f).length > 0) {
      s.certFile = f;
      certGiven = true;
      await afterCertificate(session, s);
    } else if (privateKeys(f).length > 0) {
      s.keyFile = f;
      s.keyGiven = true;
    } else {
      throw new UserError(`${f.name} holds neither a certificate nor a private key to put in a PKCS#12 keystore.`);
    }
  }
  const done = await MultiStepInput.wizard('Export PKCS#12 / PFX', s, [
    pickFileStep<ExportState>(session, {
      when: () => !certGiven,
      placeholder: 'The certificate to export',
      filter: (f) => certificates(f).length > 0,
      mismatch: 'holds no certificate',
      describe: describeCertFile,
      preferred: (st, files) => {
        const keys = st.keyFile ? privateKeys(st.keyFile).map((k) => k.spkiSha256) : [];
        return files.filter((f) => keys.includes(certificates(f)[0]?.spkiSha256));
      },
      get: (st) => st.certFile,
      set: (st, f) => {
        st.certFile = f;
      },
      after: (st) => afterCertificate(session, st),
      openLabel: 'Certificate',
      extensions: ['crt', 'pem', 'cer', 'der'],
    }),
    ...certKeySteps<ExportState>(session, {
      cert: (st) => (st.certFile && leaf(st) ? { file: st.certFile, cert: leaf(st)! } : undefined),
      pick: (st) => !st.keyAuto,
      placeholder: () => 'Its private key',
      getKeyFile: (st) => st.keyFile,
      setKeyFile: (st, f) => {
        st.keyFile = f;
        st.keyPkcs8 = undefined;
      },
      setOpened: (st, pkcs8) => {
        st.keyPkcs8 = pkcs8;
      },
    }),
    {
      when: (st) => (st.chain?.length ?? 0) > 0,
      run: async (input, st) => {
        const names = st.chain!.map((c) => displayName(c.cert!.subject)).join(' ← ');
        const items = [
          { include: true, label: 'Include the CA chain', description: names },
          { include: false, label: 'Only the certificate and its key' },
        ];
        const pick = await input.showQuickPick({ placeholder: 'CA certificates in the keystore', items, activeItem: items.find((i) => i.include === (st.includeChain ?? true)) });
        st.includeChain = pick.include;
      },
    },
    ...newSecretSteps<ExportState>(session, {
      prompt: 'Password for the keystore',
      confirmPrompt: 'Type the keystore password again',
      optional: false,
      get: (st) => st.password,
      set: (st, v) => {
        st.password = v;
      },
    }),
    p12FormatStep<ExportState>(session),
    keystoreNameStep(),
  ]);
  if (!done) return undefined;
  const cert = leaf(s)!;
  const pkcs8 = certKeyPkcs8(session, cert, s.keyFile, s.keyPkcs8, s.certFile!.name);
  if (keySpki(session, pkcs8) !== cert.spkiSha256) throw new UserError(`${s.keyFile!.name} is not the private key of ${s.certFile!.name} (their public keys differ).`);
  const p12Uri = outputUri(parentFolder(s.certFile!.uri), s.base!, s.ext ?? '.p12');
  const overwrite = await claimOutputs([p12Uri]);
  const chain = s.includeChain ? (s.chain ?? []) : [];
  // Key derivation (the KDF, PBKDF2 and the MAC): in the engine's worker, cancellable.
  const options = {
    certificate: cert.raw.der,
    privateKeyPkcs8: pkcs8,
    chain: chain.map((c) => c.raw.der),
    password: s.password!,
    friendlyName: cert.cert ? displayName(cert.cert.subject) : undefined,
    legacy: s.p12Format === 'legacy',
  };
  const p12 = await inWorker<Uint8Array>({ op: 'exportPkcs12', options }, `Writing ${printable(fileName(p12Uri))}…`);
  await session.memory.remember({ p12Format: s.p12Format });
  return finish({
    files: [{ uri: p12Uri, data: p12, secret: true }],
    overwrite,
    what: `PKCS#12 with the key and ${plural(1 + chain.length, 'certificate')}, ${s.p12Format === 'legacy' ? 'legacy 3DES/RC2 + SHA-1 MAC' : 'AES-256 + SHA-256 MAC'}, mode 0600`,
  });
}

// ------------------------------------------------------------------------------------------------------
// Import PKCS#12…

interface ImportState extends NameState {
  p12File?: PkiFile;
  bags?: RawPkcs12Bag[];
  keyPassphrase?: string;
  /** The keystore this state tried to open without a password, and whether that worked. */
  triedWithout?: { file: PkiFile; opened: boolean };
}

/** Tries the chosen keystore once without a password (the reader tries both empty forms); sets the bags when it opens. */
async function tryWithoutPassword(st: ImportState): Promise<void> {
  const file = st.p12File;
  if (!file || st.triedWithout?.file === file) return;
  let opened = false;
  try {
    // In the engine's worker, like every other PKCS#12 opening (the empty-password probe is bounded, but not free).
    const { runOffThread } = await import('../../core/runtime/offThread');
    const r = await runOffThread<{ decrypted: boolean; bags: RawPkcs12Bag[] }>(workerFile(), { op: 'readPkcs12', der: file.objects[0].raw.der });
    if (r.decrypted && r.bags.some((b) => b.type === 'certificate' || b.type === 'private-key')) {
      st.bags = r.bags;
      opened = true;
    }
  } catch {
    // broken or locked: the password step says why
  }
  st.triedWithout = { file, opened };
}

/** What importing the keystore writes: its key, the key's certificate and the chain (core pkcs12Import's rule). */
function contentsOf(session: Session, file: string, bags: RawPkcs12Bag[]): KeystoreParts {
  try {
    return session.core.pkcs12Import.keystoreParts(bags);
  } catch (e) {
    throw new UserError(`${file}: ${messageOf(e)}.`);
  }
}

export async function importPkcs12(context: vscode.ExtensionContext, arg: unknown): Promise<vscode.Uri[] | undefined> {
  const session = await Session.create(context);
  const target = targetOf(arg);
  const s: ImportState = {};
  if (target.uri) {
    s.p12File = await session.read(target.uri);
    if (!isPkcs12(s.p12File)) throw new UserError(`${s.p12File.name} is not a PKCS#12 keystore.`);
  }
  const given = !!s.p12File;
  const contents = (st: ImportState): KeystoreParts => (st.p12File && st.bags ? contentsOf(session, st.p12File.name, st.bags) : { chain: [], warnings: [] });
  const exts = (st: ImportState): string[] => {
    const c = contents(st);
    return [...(c.leaf ? ['.crt'] : []), ...(c.key ? ['.key'] : []), ...(c.chain.length ? ['-chain.pem'] : [])];
  };
  await tryWithoutPassword(s);
  const pickKeystore = pickFileStep<ImportState>(session, {
    when: () => !given,
    placeholder: 'The PKCS#12 / PFX keystore to import',
    filter: isPkcs12,
    mismatch: 'is not a PKCS#12 keystore',
    describe: () => 'PKCS#12 keystore',
    get: (st) => st.p12File,
    set: (st, f) => {
      st.p12File = f;
    },
    openLabel: 'PKCS#12',
    extensions: ['p12', 'pfx'],
  });
  const done = await MultiStepInput.wizard('Import PKCS#12', s, [
    {
      when: pickKeystore.when,
      run: async (input, st) => {
        await pickKeystore.run(input, st);
        await tryWithoutPassword(st);
      },
    },
    {
      // Keystores with no password, or an empty one, open without asking (as OpenSSL and Windows do).
      when: (st) => st.triedWithout?.opened !== true,
      run: async (input, st) => {
        const file = st.p12File!;
        await input.showInputBox({
          prompt: `Password of ${file.name}`,
          password: true,
          validateOnAccept: async (t) => {
            try {
              // Key derivation: in the engine's worker (cancellable), never on the extension host's thread.
              const opened = await inWorker<{ decrypted: boolean; bags: RawPkcs12Bag[] }>({ op: 'readPkcs12', der: file.objects[0].raw.der, password: t }, `Opening ${printable(file.name)}…`);
              st.bags = opened.bags;
            } catch (e) {
              return /password/i.test(messageOf(e)) ? 'Wrong password: try again.' : `${file.name}: ${messageOf(e)}.`;
            }
            try {
              const c = contents(st);
              if (!c.key && !c.leaf) return `${file.name} holds no certificate or private key.`;
            } catch (e) {
              return messageOf(e);
            }
            return undefined;
          },
        });
      },
    },
    nameStep<ImportState>({
      folder: (st) => parentFolder(st.p12File!.uri),
      exts,
      defaultBase: (st) => {
        const c = contents(st);
        return session.core.pkcs12Import.fileNameFrom(c.key?.friendlyName ?? c.leaf?.friendlyName) ?? baseName(st.p12File!.uri);
      },
    }),
    ...newSecretSteps<ImportState>(session, {
      when: (st) => st.bags !== undefined && !!contents(st).key,
      prompt: 'Passphrase to encrypt the extracted private key (recommended; leave empty to store it unencrypted, mode 0600)',
      confirmPrompt: 'Type the key passphrase again',
      optional: true,
      get: (st) => st.keyPassphrase,
      set: (st, v) => {
        st.keyPassphrase = v;
      },
    }),
  ]);
  if (!done) return undefined;
  const folder = parentFolder(s.p12File!.uri);
  const c = contents(s);
  const { pem, keygen } = session.core;
  const files = [
    ...(c.leaf ? [{ uri: outputUri(folder, s.base!, '.crt'), data: pem.encodePem('CERTIFICATE', c.leaf.der!) }] : []),
    ...(c.key ? [{ uri: outputUri(folder, s.base!, '.key'), data: keygen.encodePrivateKey(c.key.der!, { passphrase: s.keyPassphrase }), secret: true }] : []),
    ...(c.chain.length ? [{ uri: outputUri(folder, s.base!, '-chain.pem'), data: c.chain.map((b) => pem.encodePem('CERTIFICATE', b.der!)).join('') }] : []),
  ];
  const overwrite = await claimOutputs(files.map((f) => f.uri));
  const parts = [c.leaf ? 'the certificate' : '', c.key ? `the private key${s.keyPassphrase ? ' (encrypted)' : ''}` : '', c.chain.length ? plural(c.chain.length, 'CA certificate') : ''].filter(Boolean);
  return finish({ files, overwrite, open: files.find((f) => f.uri.path.endsWith('.crt'))?.uri, what: `${parts.join(', ')} from ${s.p12File!.name}`, warnings: c.warnings });
}
