// Working on existing files: Convert PEM ↔ DER, Check Key Matches Certificate…, Copy Thumbprint (SHA-1) and
// Copy SHA-256 Fingerprint — `tlsw convert`, plus the clipboard helpers Windows users need (`netsh http add
// sslcert certhash=<thumbprint>`). Verify Certificate Chain… is in verifyCommand.ts.

import * as vscode from 'vscode';
import { printable } from '../../core/display/escape';
import { displayName, fingerprintText, keyLabel, messageOf } from '../../core/display/labels';
import type { Validation } from '../util/multiStepInput';
import { MultiStepInput } from '../util/multiStepInput';
import { baseName, checkBaseName, displayFolder, exists, parentFolder } from '../util/outputs';
import { Cancelled, UserError } from './errors';
import type { ObjectInfo, PkiFile } from './pkiFiles';
import { certificates, csrs, isPkcs12, privateKeys } from './pkiFiles';
import { Session, targetOf } from './session';
import type { FilePick } from './steps';
import { describeCertFile, describeKeyFile, keyOf, keySpki, keysFor, pickFileStep, pickObject, plainKey, unlockStep } from './steps';
import { claimOutputs, finish } from './work';

/** The file the command was started on, or one the user picks among the workspace's matching files. */
async function fileArg(session: Session, arg: unknown, title: string, pick: Omit<FilePick<{ file?: PkiFile }>, 'get' | 'set'>): Promise<{ file: PkiFile; index?: number } | undefined> {
  const target = targetOf(arg);
  if (target.uri) return { file: await session.read(target.uri), index: target.index };
  const s: { file?: PkiFile } = {};
  const done = await MultiStepInput.wizard(title, s, [
    pickFileStep(session, {
      ...pick,
      get: (st) => st.file,
      set: (st, f) => {
        st.file = f;
      },
    }),
  ]);
  return done && s.file ? { file: s.file } : undefined;
}

/** One certificate of the file: the one the caller named, the only one, or the user's choice. */
async function oneCertificate(file: PkiFile, index: number | undefined, title: string, placeholder: string): Promise<ObjectInfo> {
  const certs = certificates(file);
  if (certs.length === 0) throw new UserError(`${file.name} holds no certificate${isPkcs12(file) ? ' that can be read without its password (import the PKCS#12 first)' : ''}.`);
  if (index !== undefined) {
    const o = file.objects[index];
    if (o?.cert) return o;
  }
  if (certs.length === 1) return certs[0];
  let chosen: ObjectInfo | undefined;
  const done = await MultiStepInput.run(title, async (input) => {
    chosen = await pickObject(input, file, certs, placeholder);
  });
  if (!done || !chosen) throw new Cancelled();
  return chosen;
}

const CERT_PICK = {
  filter: (f: PkiFile) => certificates(f).length > 0,
  mismatch: 'holds no certificate',
  describe: describeCertFile,
  openLabel: 'Certificate',
  extensions: ['crt', 'pem', 'cer', 'der'],
};

// ------------------------------------------------------------------------------------------------------
// Copy Thumbprint (SHA-1) / Copy Thumbprint (SHA-1, with colons) / Copy SHA-256 Fingerprint

export async function copyFingerprint(context: vscode.ExtensionContext, arg: unknown, hash: 'sha1' | 'sha256', form: 'colons' | 'plain' = 'plain'): Promise<string | undefined> {
  const session = await Session.create(context);
  const what = hash === 'sha1' ? 'SHA-1 thumbprint' : 'SHA-256 fingerprint';
  const title = hash === 'sha256' ? 'Copy SHA-256 Fingerprint' : form === 'colons' ? 'Copy Thumbprint (SHA-1, with colons)' : 'Copy Thumbprint (SHA-1)';
  const chosen = await fileArg(session, arg, title, { ...CERT_PICK, placeholder: `The certificate whose ${what} to copy` });
  if (!chosen) return undefined;
  const cert = await oneCertificate(chosen.file, chosen.index, title, `Which certificate's ${what}?`);
  // Plain (default): what `netsh http add sslcert certhash=` and Windows' store take; colons: as the inspector shows it.
  const value = fingerprintText(cert.cert!.fingerprints[hash], form);
  await vscode.env.clipboard.writeText(value);
  void vscode.window.showInformationMessage(printable(`Copied the ${what} of ${displayName(cert.cert!.subject)} (${chosen.file.name}): ${value}`));
  return value;
}

// ------------------------------------------------------------------------------------------------------
// Check Key Matches Certificate…

interface MatchState {
  file?: PkiFile;
  other?: PkiFile;
  keyPkcs8?: Uint8Array;
}

function publicSide(f: PkiFile | undefined): ObjectInfo | undefined {
  return f ? (certificates(f)[0] ?? csrs(f)[0]) : undefined;
}

export async function checkKeyMatch(context: vscode.ExtensionContext, arg: unknown): Promise<boolean | undefined> {
  const session = await Session.create(context);
  const target = targetOf(arg);
  const s: MatchState = {};
  if (target.uri) {
    s.file = await session.read(target.uri);
    if (!publicSide(s.file) && privateKeys(s.file).length === 0) throw new UserError(`${s.file.name} holds no certificate, CSR or private key.`);
  }
  const given = !!s.file;
  // The certificate side and the key side, whichever file holds which.
  const sides = (st: MatchState) => {
    const f = st.file!;
    if (publicSide(f) && privateKeys(f).length) return { cert: f, key: f };
    return publicSide(f) ? { cert: f, key: st.other } : { cert: st.other, key: f };
  };
  const keyObject = (st: MatchState) => keyOf(publicSide(sides(st).cert), sides(st).key);
  const needsOther = (st: MatchState) => !(publicSide(st.file!) && privateKeys(st.file!).length);
  const done = await MultiStepInput.wizard('Check Key Matches Certificate', s, [
    pickFileStep<MatchState>(session, {
      when: () => !given,
      placeholder: 'A certificate, CSR or private key',
      filter: (f) => !isPkcs12(f) && (!!publicSide(f) || privateKeys(f).length > 0),
      mismatch: 'holds no certificate, CSR or private key',
      describe: (f) => (publicSide(f) ? describeCertFile(f) || 'certificate signing request' : describeKeyFile(f)),
      get: (st) => st.file,
      set: (st, f) => {
        st.file = f;
        st.other = undefined;
      },
      openLabel: 'Certificate or key',
      extensions: ['crt', 'pem', 'cer', 'der', 'csr', 'key'],
    }),
    {
      when: needsOther,
      run: async (input, st) => {
        const wantKey = !!publicSide(st.file!);
        const step = pickFileStep<MatchState>(session, {
          placeholder: wantKey ? `The private key to check against ${st.file!.name}` : `The certificate (or CSR) to check ${st.file!.name} against`,
          filter: wantKey ? (f) => privateKeys(f).length > 0 && !isPkcs12(f) : (f) => !!publicSide(f),
          mismatch: wantKey ? 'holds no private key' : 'holds no certificate or CSR',
          describe: wantKey ? describeKeyFile : (f) => describeCertFile(f) || 'certificate signing request',
          preferred: (s2, files) => {
            if (wantKey) return keysFor(s2.file, publicSide(s2.file), files);
            const spki = privateKeys(s2.file!)[0]?.spkiSha256;
            const base = baseName(s2.file!.uri);
            const folder = parentFolder(s2.file!.uri).toString();
            return files.filter((f) => (spki && publicSide(f)?.spkiSha256 === spki) || (baseName(f.uri) === base && parentFolder(f.uri).toString() === folder));
          },
          get: (s2) => s2.other,
          set: (s2, f) => {
            s2.other = f;
            s2.keyPkcs8 = undefined;
          },
          openLabel: wantKey ? 'Private key' : 'Certificate',
          extensions: wantKey ? ['key', 'pem', 'der'] : ['crt', 'pem', 'cer', 'der', 'csr'],
        });
        await step.run(input, st);
      },
    },
    unlockStep<MatchState>(session, {
      when: (st) => keyObject(st)?.encrypted === true,
      key: (st) => (sides(st).key && keyObject(st) ? { file: sides(st).key!, key: keyObject(st)! } : undefined),
      set: (st, pkcs8) => {
        st.keyPkcs8 = pkcs8;
      },
    }),
  ]);
  if (!done) return undefined;
  const { cert: certFile, key: keyFileChosen } = sides(s);
  const pub = publicSide(certFile);
  const key = keyObject(s);
  if (!certFile || !keyFileChosen || !pub || !key) throw new UserError('Choose a certificate (or CSR) and a private key to compare.');
  if (!pub.spkiSha256) throw new UserError(`${certFile.name}: its public key could not be read.`);
  let spki: string;
  try {
    spki = keySpki(session, s.keyPkcs8 ?? plainKey(session, key));
  } catch (e) {
    throw new UserError(`${keyFileChosen.name}: ${messageOf(e)}.`);
  }
  const names = certFile === keyFileChosen ? `The key and the ${pub.cert ? 'certificate' : 'CSR'} in ${certFile.name}` : `${keyFileChosen.name} and ${certFile.name}`;
  if (spki === pub.spkiSha256) {
    const info = pub.cert?.publicKey ?? pub.csr?.publicKey;
    void vscode.window.showInformationMessage(printable(`${names} match: same ${info ? `${keyLabel(info)} ` : ''}public key.`));
    return true;
  }
  void vscode.window.showErrorMessage(printable(`${names} do not match: their public keys differ.`));
  return false;
}

// ------------------------------------------------------------------------------------------------------
// Convert PEM ↔ DER

export async function convert(context: vscode.ExtensionContext, arg: unknown): Promise<vscode.Uri[] | undefined> {
  const session = await Session.create(context);
  const chosen = await fileArg(session, arg, 'Convert PEM ↔ DER', {
    placeholder: 'The file to convert (PEM → DER, or DER → PEM)',
    filter: (f) => !isPkcs12(f) && f.objects.some((o) => o.raw.kind !== 'unknown'),
    mismatch: 'holds nothing that can be converted',
    describe: (f) => `${f.objects[0].raw.pemLabel ? 'PEM → DER' : 'DER → PEM'} · ${describeCertFile(f) || describeKeyFile(f) || f.objects[0].raw.kind.replace(/-/g, ' ')}`,
    openLabel: 'Convert',
    extensions: ['pem', 'crt', 'cer', 'der', 'key', 'csr', 'crl'],
  });
  if (!chosen) return undefined;
  const { file } = chosen;
  if (isPkcs12(file)) {
    throw new UserError(`${file.name} is a PKCS#12 keystore, a binary format of its own: import it to get its certificate and key as PEM.`, [
      { title: 'Import PKCS#12…', run: () => vscode.commands.executeCommand('tlsWorkbench.importPkcs12', file.uri) },
    ]);
  }
  const objects = file.objects.filter((o) => o.raw.kind !== 'unknown');
  if (objects.length === 0) throw new UserError(`${file.name}: nothing in it is a certificate, CSR, CRL, key or DH parameters.`);
  const toDer = file.objects[0].raw.pemLabel !== undefined;
  const folder = parentFolder(file.uri);
  const st: { object?: ObjectInfo; name?: string } = {};
  if (toDer && chosen.index !== undefined && file.objects[chosen.index]) st.object = file.objects[chosen.index];
  else if (!toDer || objects.length === 1) st.object = objects[0];
  const pick = st.object === undefined;
  const done = await MultiStepInput.wizard(toDer ? 'Convert PEM → DER' : 'Convert DER → PEM', st, [
    {
      // DER holds one object: which one, when the PEM file holds several.
      when: () => pick,
      run: async (input, s2) => {
        const picked = await pickObject(input, file, objects, 'DER holds one object: which one?');
        if (picked !== s2.object) s2.name = undefined;
        s2.object = picked;
      },
    },
    {
      // The output name, confirmed before anything is written (prefilled with what the object is).
      run: async (input, s2) => {
        const o2 = s2.object!;
        if (toDer && o2.raw.kind === 'legacy-encrypted-key') throw legacyKeyError(file);
        const suggested = convertedName(file, objects, o2, toDer);
        const value = s2.name ?? suggested;
        const dot = value.indexOf('.', 1);
        s2.name = (
          await input.showInputBox({
            prompt: `File name for the ${toDer ? 'DER' : 'PEM'} ${kindOf(o2)}, in ${displayFolder(folder)}`,
            value,
            valueSelection: [0, dot > 0 ? dot : value.length],
            validate: (v) => checkConvertedName(file, folder, v),
          })
        ).trim();
      },
    },
  ]);
  if (!done || !st.object || !st.name) return undefined;
  const o = st.object;
  const secret = o.raw.kind === 'private-key' || o.raw.kind === 'legacy-encrypted-key';
  const out = vscode.Uri.joinPath(folder, st.name);
  let data: string | Uint8Array;
  if (toDer) {
    if (o.raw.kind === 'legacy-encrypted-key') throw legacyKeyError(file);
    data = o.raw.der;
  } else {
    const label = session.core.fileObjects.pemLabelFor(o.raw);
    if (!label) throw new UserError(`${file.name}: no PEM form is known for this ${o.raw.kind.replace(/-/g, ' ')}.`);
    data = session.core.pem.encodePem(label, o.raw.der);
  }
  const overwrite = await claimOutputs([out]);
  const kind = kindOf(o);
  return finish({
    files: [{ uri: out, data, secret }],
    overwrite,
    open: o.cert ? out : undefined,
    what: `the ${kind}${o.cert ? ` ${displayName(o.cert.subject)}` : ''} as ${toDer ? 'DER' : 'PEM'}`,
  });
}

function legacyKeyError(file: PkiFile): UserError {
  return new UserError(`${file.name}: a key with legacy PEM encryption (Proc-Type: 4,ENCRYPTED) has no DER form; change its passphrase first (that re-encrypts it as PKCS#8), then convert.`);
}

function kindOf(o: ObjectInfo): string {
  return o.cert ? 'certificate' : o.csr ? 'certificate request' : o.raw.kind.replace(/-/g, ' ');
}

/**
 * The converted file's name: `x.der` / `x.pem` for a certificate; a certificate request keeps a `.csr` mark
 * (`client.csr.der`), so that its DER form does not pass for a certificate. `-2` etc. for one object of several.
 */
function convertedName(file: PkiFile, objects: ObjectInfo[], o: ObjectInfo, toDer: boolean): string {
  const base = baseName(file.uri);
  const suffix = toDer && objects.length > 1 ? `-${objects.indexOf(o) + 1}` : '';
  const mark = toDer && o.csr && !/\.csr$/i.test(base) ? '.csr' : '';
  return `${base}${suffix}${mark}${toDer ? '.der' : '.pem'}`;
}

function checkConvertedName(file: PkiFile, folder: vscode.Uri, v: string): Validation {
  if (v.trim() === '') return 'Enter a file name.';
  const bad = checkBaseName(v);
  if (bad) return bad;
  const out = vscode.Uri.joinPath(folder, v.trim());
  if (out.toString() === file.uri.toString()) return `That is ${file.name} itself: choose another name.`;
  if (exists(out)) return { message: `${v.trim()} already exists: you will be asked before it is replaced.`, severity: vscode.InputBoxValidationSeverity.Warning };
  return undefined;
}
