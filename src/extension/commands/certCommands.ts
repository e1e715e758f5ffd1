// Certificates: Generate CSR…, Generate Self-Signed Certificate…, Create Certificate Authority…, Sign CSR
// with CA…, Issue Client Certificate… — the `tlsw csr / cert / ca init / sign` workflows as wizards, with
// the CLI's defaults (EC P-256, 365 days for leaves, 3650 / 1825 for root / intermediate CAs, profile
// server, CN copied into the SANs for servers).

import { existsSync } from 'node:fs';
import * as path from 'node:path';
import type * as vscode from 'vscode';
import { commonNameOf, messageOf } from '../../core/display/labels';
import type { DnAttr } from '../../core/write/dn';
import type { Profile } from '../../core/write/issue';
import type { CertificateModel } from '../../core/model';
import type { OutputFile } from '../util/outputs';
import { baseName, outputFolder, outputUri, parentFolder, slug, uniqueBase } from '../util/outputs';
import { MultiStepInput } from '../util/multiStepInput';
import { Cancelled, isUserError, UserError } from './errors';
import type { ObjectInfo, PkiFile } from './pkiFiles';
import { certificates, csrs, privateKeys } from './pkiFiles';
import { Session, targetOf } from './session';
import type { CaState, DaysState, KeyTypeState, NameState, P12FormatState, ProfileState, SanState } from './steps';
import {
  caCert,
  caKeyPkcs8,
  caSteps,
  chooseCaKey,
  daysStep,
  daysWithin,
  describeCsrFile,
  describeKeyFile,
  keySpecOf,
  keyTypeSteps,
  nameStep,
  newSecretSteps,
  p12FormatStep,
  pickFileStep,
  plainKey,
  profileStep,
  sansStep,
  subjectStep,
  unlockStep,
} from './steps';
import { claimOutputs, finish, generateKeyWithProgress } from './work';

// ------------------------------------------------------------------------------------------------------
// The subject key: an existing key file (the one the command started on, or one picked) or a new one.

interface KeySourceState extends KeyTypeState {
  keyFile?: PkiFile;
  /** True: generate a new key; false: use keyFile. */
  newKey?: boolean;
  keyPkcs8?: Uint8Array;
  /** The passphrase that encrypts a new key (none: written unencrypted). */
  passphrase?: string;
}

function keyObject(s: KeySourceState): ObjectInfo | undefined {
  return s.keyFile ? privateKeys(s.keyFile)[0] : undefined;
}

/** The key file a command was started on, when it holds a private key. */
async function startKey(session: Session, uri: vscode.Uri | undefined, command: string): Promise<PkiFile | undefined> {
  if (!uri) return undefined;
  const f = await session.read(uri);
  if (privateKeys(f).length === 0) {
    throw new UserError(`${f.name} holds no private key: run "${command}" on a key file, or from the Command Palette to make a new key.`);
  }
  return f;
}

function keySourceSteps<S extends KeySourceState>(session: Session, startedOnKey: boolean) {
  return [
    pickFileStep<S>(session, {
      when: () => !startedOnKey,
      placeholder: 'Key: a new one, or an existing private key',
      filter: (f) => privateKeys(f).length > 0 && f.objects.every((o) => o.raw.kind !== 'pkcs12'),
      mismatch: 'holds no private key',
      describe: describeKeyFile,
      extras: [
        {
          label: '$(add) New key',
          description: 'generated now, saved next to the result',
          choose: (s) => {
            s.newKey = true;
            s.keyFile = undefined;
          },
          isCurrent: (s) => s.newKey === true,
        },
      ],
      get: (s) => s.keyFile,
      set: (s, f) => {
        s.newKey = false;
        s.keyFile = f;
        s.keyPkcs8 = undefined;
      },
      openLabel: 'Private key',
      extensions: ['key', 'pem', 'der'],
    }),
    ...keyTypeSteps<S>(session, false, (s) => s.newKey === true),
    keyUnlockStep<S>(session),
  ];
}

/** The passphrase of the chosen key file, when it is encrypted. */
function keyUnlockStep<S extends KeySourceState>(session: Session) {
  return unlockStep<S>(session, {
    when: (s) => !s.newKey && keyObject(s)?.encrypted === true,
    key: (s) => (s.keyFile && keyObject(s) ? { file: s.keyFile, key: keyObject(s)! } : undefined),
    set: (s, pkcs8) => {
      s.keyPkcs8 = pkcs8;
    },
  });
}

/** The subject key as PKCS#8 (generating it when new) and, for a new key, the file to write. */
async function subjectKey(session: Session, s: KeySourceState, keyUri: vscode.Uri): Promise<{ pkcs8: Uint8Array; output?: OutputFile; spec?: string }> {
  if (s.newKey) {
    const spec = keySpecOf(s, session.settings, false);
    const pair = await generateKeyWithProgress(session, spec);
    const data = session.core.keygen.encodePrivateKey(pair.privateKeyPkcs8, { passphrase: s.passphrase });
    return { pkcs8: pair.privateKeyPkcs8, output: { uri: keyUri, data, secret: true }, spec: `${session.core.keygen.keySpecLabel(spec)}${s.passphrase ? ', encrypted' : ''}` };
  }
  if (s.keyPkcs8) return { pkcs8: s.keyPkcs8 };
  const k = keyObject(s);
  if (!k || !s.keyFile) throw new UserError('No private key was chosen.');
  return { pkcs8: plainKey(session, k) };
}

function rememberKey(session: Session, s: KeySourceState): Promise<void> {
  return s.newKey && s.keyChoice ? session.memory.remember({ keyChoice: s.keyChoice, ...(s.rsaBits ? { rsaCustomBits: s.rsaBits } : {}) }) : Promise.resolve();
}

function cnOf(subject: DnAttr[] | undefined, fallback: string): string {
  return (subject && commonNameOf({ attributes: subject })) || fallback;
}

// ------------------------------------------------------------------------------------------------------
// Generate CSR…

interface CsrState extends KeySourceState, SanState, NameState {}

export async function generateCsr(context: vscode.ExtensionContext, arg: unknown): Promise<vscode.Uri[] | undefined> {
  const session = await Session.create(context);
  const target = targetOf(arg);
  const started = await startKey(session, target.uri, 'Generate CSR…');
  const defaultFolder = await outputFolder(target.uri);
  if (!defaultFolder) throw new Cancelled();
  // "New key" is the preselected answer: its steps are counted from the start.
  const s: CsrState = started ? { keyFile: started, newKey: false } : { newKey: true };
  const folder = (st: CsrState) => (st.keyFile ? parentFolder(st.keyFile.uri) : defaultFolder);
  const exts = (st: CsrState) => (st.newKey ? ['.key', '.csr'] : ['.csr']);
  const done = await MultiStepInput.wizard('Generate CSR', s, [
    ...keySourceSteps<CsrState>(session, !!started),
    // As Generate Private Key… asks: the new key may be encrypted.
    ...newSecretSteps<CsrState>(session, {
      when: (st) => st.newKey === true,
      prompt: 'Passphrase to encrypt the new key (leave empty for none)',
      confirmPrompt: 'Type the passphrase again',
      optional: true,
      get: (st) => st.passphrase,
      set: (st, v) => {
        st.passphrase = v;
      },
    }),
    subjectStep<CsrState>(session, { prompt: 'Common name (CN) of the request', placeholder: 'server.example.com', defaultValue: (st) => (st.keyFile ? baseName(st.keyFile.uri) : '') }),
    sansStep<CsrState>(session),
    nameStep<CsrState>({
      folder,
      exts,
      defaultBase: (st) => (st.keyFile ? baseName(st.keyFile.uri) : uniqueBase(folder(st), slug(cnOf(st.subject, 'request'), 'request'), exts(st))),
    }),
  ]);
  if (!done) return undefined;
  const dir = folder(s);
  const csrUri = outputUri(dir, s.base!, '.csr');
  const keyUri = outputUri(dir, s.base!, '.key');
  const overwrite = await claimOutputs(s.newKey ? [keyUri, csrUri] : [csrUri]);
  const key = await subjectKey(session, s, keyUri);
  const der = await session.core.issue.createCsr({ privateKeyPkcs8: key.pkcs8, subject: s.subject!, sans: s.sans });
  const files: OutputFile[] = [...(key.output ? [key.output] : []), { uri: csrUri, data: session.core.pem.encodePem('CERTIFICATE REQUEST', der) }];
  await rememberKey(session, s);
  return finish({ files, overwrite, open: csrUri, what: `a certificate signing request${key.spec ? ` with a new ${key.spec} key` : ''}` });
}

// ------------------------------------------------------------------------------------------------------
// Generate Self-Signed Certificate…

interface SelfSignedState extends KeySourceState, SanState, DaysState, NameState {}

export async function generateSelfSigned(context: vscode.ExtensionContext, arg: unknown): Promise<vscode.Uri[] | undefined> {
  const session = await Session.create(context);
  const target = targetOf(arg);
  // Started on a key: certify that key. Started on a certificate (e.g. the "Renew" quick fix of an expired
  // or weak one): a new key and certificate with its subject and SANs, named like it by default.
  let started: PkiFile | undefined;
  let renew: { file: PkiFile; cert: CertificateModel } | undefined;
  if (target.uri) {
    const f = await session.read(target.uri);
    const cert = (target.index !== undefined ? f.objects[target.index]?.cert : undefined) ?? certificates(f)[0]?.cert;
    if (privateKeys(f).length > 0) started = f;
    else if (cert) renew = { file: f, cert };
    else throw new UserError(`${f.name} holds neither a private key nor a certificate: run "Generate Self-Signed Certificate…" from the Command Palette to start afresh.`);
  }
  const folder = await outputFolder(target.uri);
  if (!folder) throw new Cancelled();
  const s: SelfSignedState = started ? { keyFile: started, newKey: false } : { newKey: true };
  if (renew) {
    s.subjectText = renew.cert.subject.text;
    s.sanText = renew.cert.subjectAltNames
      .filter((n) => n.type === 'dns' || n.type === 'ip' || n.type === 'email' || n.type === 'uri')
      .map((n) => `${n.type}:${n.value}`)
      .join(', ');
    s.sanFor = s.subjectText;
  }
  const exts = (st: SelfSignedState) => (st.newKey ? ['.key', '.crt'] : ['.crt']);
  const done = await MultiStepInput.wizard(renew ? `Renew ${renew.file.name} (self-signed)` : 'Generate Self-Signed Certificate', s, [
    subjectStep<SelfSignedState>(session, { prompt: 'Common name (CN): the host name the certificate is for', placeholder: 'localhost, dev.example.com…', defaultValue: (st) => (st.keyFile ? baseName(st.keyFile.uri) : '') }),
    sansStep<SelfSignedState>(session),
    ...keyTypeSteps<SelfSignedState>(session, false, (st) => st.newKey === true),
    keyUnlockStep<SelfSignedState>(session),
    daysStep<SelfSignedState>({ prompt: 'Validity in days', defaultDays: () => session.remembered.days ?? session.settings.validityDays, leaf: () => true }),
    nameStep<SelfSignedState>({
      folder: () => folder,
      exts,
      defaultBase: (st) =>
        st.keyFile ? baseName(st.keyFile.uri)
        : renew ? baseName(renew.file.uri)
        : uniqueBase(folder, slug(cnOf(st.subject, 'selfsigned'), 'selfsigned'), exts(st)),
    }),
  ]);
  if (!done) return undefined;
  const crtUri = outputUri(folder, s.base!, '.crt');
  const keyUri = outputUri(folder, s.base!, '.key');
  const overwrite = await claimOutputs(s.newKey ? [keyUri, crtUri] : [crtUri]);
  const key = await subjectKey(session, s, keyUri);
  const { der, warnings } = await session.core.issue.issueCertificate({
    subject: s.subject!,
    sans: s.sans,
    profile: 'server',
    days: s.days,
    publicKeySpki: session.core.keygen.derivePublicKey(key.pkcs8),
    subjectPrivateKeyPkcs8: key.pkcs8,
  });
  const files: OutputFile[] = [...(key.output ? [key.output] : []), { uri: crtUri, data: session.core.pem.encodePem('CERTIFICATE', der) }];
  await rememberKey(session, s);
  await session.memory.remember({ days: s.days });
  return finish({ files, overwrite, open: crtUri, what: `a self-signed server certificate for ${s.days} days${key.spec ? ` (${key.spec})` : ''}`, warnings });
}

// ------------------------------------------------------------------------------------------------------
// Create Certificate Authority… (root, or intermediate signed by an existing CA)

interface CreateCaState extends CaState, KeyTypeState, SanState, DaysState, NameState {
  kind?: 'root' | 'intermediate';
  passphrase?: string;
}

export async function createCa(context: vscode.ExtensionContext, arg: unknown): Promise<vscode.Uri[] | undefined> {
  const session = await Session.create(context);
  const target = targetOf(arg);
  const s: CreateCaState = {};
  let parentGiven = false;
  if (target.uri) {
    const f = await session.read(target.uri);
    if (certificates(f)[0]?.cert?.isCA) {
      // Started on a CA: offer an intermediate under it first.
      s.kind = 'intermediate';
      s.caFile = f;
      parentGiven = true;
      await chooseCaKey(session, s);
    }
  }
  const folder = await outputFolder(target.uri);
  if (!folder) throw new Cancelled();
  const exts = ['.key', '.crt'];
  const intermediate = (st: CreateCaState) => st.kind === 'intermediate';
  const kinds = [
    { caKind: 'root' as const, label: 'Root CA', description: 'self-signed, 10 years by default' },
    { caKind: 'intermediate' as const, label: 'Intermediate CA', description: parentGiven ? `signed by ${s.caFile?.name}` : 'signed by an existing CA of yours' },
  ];
  const done = await MultiStepInput.wizard('Create Certificate Authority', s, [
    {
      run: async (input, st) => {
        const pick = await input.showQuickPick({ placeholder: 'Kind of certificate authority', items: kinds, activeItem: kinds.find((k) => k.caKind === (st.kind ?? 'root')) });
        if (pick.caKind !== st.kind) st.days = undefined;
        st.kind = pick.caKind;
      },
    },
    ...caSteps<CreateCaState>(session, { placeholder: 'The parent CA that signs the intermediate', when: intermediate, skipCaPick: () => parentGiven }),
    subjectStep<CreateCaState>(session, { prompt: 'Name of the CA (its CN)', placeholder: 'Any Org Root CA' }),
    ...keyTypeSteps<CreateCaState>(session, true),
    daysStep<CreateCaState>({
      prompt: 'Validity in days',
      defaultDays: (st) => (intermediate(st) ? 1825 : 3650),
      leaf: () => false,
      maxDays: (st) => {
        const parent = intermediate(st) ? caCert(st)?.cert : undefined;
        return parent ? { days: daysWithin(parent.notAfter), why: `the parent CA expires on ${parent.notAfter.slice(0, 10)}` } : undefined;
      },
    }),
    ...newSecretSteps<CreateCaState>(session, {
      prompt: 'Passphrase to encrypt the new CA key (recommended; leave empty for none)',
      confirmPrompt: 'Type the CA key passphrase again',
      optional: true,
      get: (st) => st.passphrase,
      set: (st, v) => {
        st.passphrase = v;
      },
    }),
    nameStep<CreateCaState>({
      folder: () => folder,
      exts: () => exts,
      defaultBase: (st) => uniqueBase(folder, intermediate(st) ? 'intermediate-ca' : 'ca', exts),
    }),
  ]);
  if (!done) return undefined;
  const crtUri = outputUri(folder, s.base!, '.crt');
  const keyUri = outputUri(folder, s.base!, '.key');
  const overwrite = await claimOutputs([keyUri, crtUri]);
  const issuer = intermediate(s) ? { certificate: caCert(s)!.raw.der, privateKeyPkcs8: caKeyPkcs8(session, s) } : undefined;
  const spec = keySpecOf(s, session.settings, true);
  const pair = await generateKeyWithProgress(session, spec);
  const { der, warnings } = await session.core.issue.issueCertificate({
    subject: s.subject!,
    profile: intermediate(s) ? 'intermediate' : 'root',
    days: s.days,
    publicKeySpki: pair.publicKeySpki,
    subjectPrivateKeyPkcs8: pair.privateKeyPkcs8,
    issuer,
  });
  const keyPem = session.core.keygen.encodePrivateKey(pair.privateKeyPkcs8, { passphrase: s.passphrase });
  const files: OutputFile[] = [
    { uri: keyUri, data: keyPem, secret: true },
    { uri: crtUri, data: session.core.pem.encodePem('CERTIFICATE', der) },
  ];
  if (s.keyChoice) await session.memory.remember({ caKeyChoice: s.keyChoice, ...(s.rsaBits ? { rsaCustomBits: s.rsaBits } : {}) });
  return finish({
    files,
    overwrite,
    open: crtUri,
    what: `${intermediate(s) ? `an intermediate CA signed by ${s.caFile?.name}` : 'a root CA'}, ${s.days} days, ${session.core.keygen.keySpecLabel(spec)} key${s.passphrase ? ' (encrypted)' : ''}`,
    warnings,
  });
}

// ------------------------------------------------------------------------------------------------------
// Sign CSR with CA…

interface SignState extends CaState, DaysState, NameState, ProfileState {
  csrFile?: PkiFile;
}

/**
 * The profile that suits the request: server when it names a host (a DNS or IP SAN, what TLS clients check),
 * client otherwise (no SANs, or only e-mail / URI identities: a person's or a device's certificate).
 */
function guessProfile(csr: PkiFile | undefined): Profile | undefined {
  const c = csr ? csrs(csr)[0]?.csr : undefined;
  if (!c) return undefined;
  return c.subjectAltNames.some((n) => n.type === 'dns' || n.type === 'ip') ? 'server' : 'client';
}

function caMaxDays(s: CaState): { days: number; why: string } | undefined {
  const ca = caCert(s)?.cert;
  return ca ? { days: daysWithin(ca.notAfter), why: `${s.caFile?.name} expires on ${ca.notAfter.slice(0, 10)}` } : undefined;
}

export async function signCsr(context: vscode.ExtensionContext, arg: unknown): Promise<vscode.Uri[] | undefined> {
  const session = await Session.create(context);
  const target = targetOf(arg);
  const s: SignState = {};
  let csrGiven = false;
  let caGiven = false;
  if (target.uri) {
    const f = await session.read(target.uri);
    if (csrs(f).length > 0) {
      s.csrFile = f;
      csrGiven = true;
    } else if (certificates(f)[0]?.cert?.isCA) {
      s.caFile = f;
      caGiven = true;
      await chooseCaKey(session, s);
    } else {
      throw new UserError(`${f.name} holds neither a certificate signing request nor a CA certificate.`);
    }
  }
  const done = await MultiStepInput.wizard('Sign CSR with CA', s, [
    pickFileStep<SignState>(session, {
      when: () => !csrGiven,
      placeholder: 'The certificate signing request to sign',
      filter: (f) => csrs(f).length > 0,
      mismatch: 'holds no certificate signing request',
      describe: describeCsrFile,
      get: (st) => st.csrFile,
      set: (st, f) => {
        st.csrFile = f;
      },
      openLabel: 'CSR',
      extensions: ['csr', 'pem', 'der'],
    }),
    ...caSteps<SignState>(session, { placeholder: 'The CA that signs it', skipCaPick: () => caGiven }),
    profileStep<SignState>(session, { guess: (st) => guessProfile(st.csrFile) }),
    daysStep<SignState>({
      prompt: 'Validity in days',
      defaultDays: (st) => (st.profile === 'intermediate' ? 1825 : (session.remembered.days ?? session.settings.validityDays)),
      leaf: (st) => st.profile !== 'intermediate',
      maxDays: caMaxDays,
    }),
    nameStep<SignState>({
      folder: (st) => parentFolder(st.csrFile!.uri),
      exts: () => ['.crt'],
      defaultBase: (st) => baseName(st.csrFile!.uri),
    }),
  ]);
  if (!done) return undefined;
  const csrObject = csrs(s.csrFile!)[0];
  if (csrs(s.csrFile!).length > 1) throw new UserError(`${s.csrFile!.name} holds ${csrs(s.csrFile!).length} certificate signing requests: keep one per file to sign it.`);
  const crtUri = outputUri(parentFolder(s.csrFile!.uri), s.base!, '.crt');
  const overwrite = await claimOutputs([crtUri]);
  const ca = { certificate: caCert(s)!.raw.der, privateKeyPkcs8: caKeyPkcs8(session, s) };
  const sign = async (serialNumber?: string) => {
    try {
      return await session.core.issue.signCsr(csrObject.raw.der, ca, { profile: s.profile!, days: s.days, serialNumber });
    } catch (e) {
      throw new UserError(`Cannot sign ${s.csrFile!.name}: ${messageOf(e)}.`);
    }
  };
  const what = `a ${s.profile} certificate signed by ${s.caFile!.name}, ${s.days} days`;
  const serialFile = serialFileOf(s.caFile!.uri);
  if (serialFile) {
    // The CA keeps its serials in CA.srl (as `openssl x509 -CA CA.crt` and `tlsw sign --serial-file` do): take
    // the next one under the file's lock and write the certificate with the serial file, all or nothing.
    const issued = await issueWithSerialFile(session, serialFile, crtUri, overwrite, sign);
    await session.memory.remember({ profile: s.profile, ...(s.profile !== 'intermediate' ? { days: s.days } : {}) });
    return finish({ files: [{ uri: crtUri, data: issued.pem }], overwrite, open: crtUri, what: `${what}, serial ${issued.serial} from ${path.basename(serialFile)}`, warnings: issued.warnings, written: true });
  }
  const result = await sign();
  await session.memory.remember({ profile: s.profile, ...(s.profile !== 'intermediate' ? { days: s.days } : {}) });
  return finish({
    files: [{ uri: crtUri, data: session.core.pem.encodePem('CERTIFICATE', result.der) }],
    overwrite,
    open: crtUri,
    what,
    warnings: result.warnings,
  });
}

/** CA.srl next to a local CA certificate CA.crt, when it exists (OpenSSL's default serial file for `-CA CA.crt`). */
function serialFileOf(caUri: vscode.Uri): string | undefined {
  if (caUri.scheme !== 'file') return undefined;
  const p = caUri.fsPath;
  const srl = path.join(path.dirname(p), `${path.basename(p, path.extname(p))}.srl`);
  return existsSync(srl) ? srl : undefined;
}

/** Signs with the next serial of `serialFile` and writes the certificate with the advanced serial file (core write/files.ts, the CLI's lock). */
async function issueWithSerialFile(
  session: Session,
  serialFile: string,
  crtUri: vscode.Uri,
  overwrite: boolean,
  sign: (serial: string) => Promise<{ der: Uint8Array; warnings: string[] }>,
): Promise<{ pem: string; serial: string; warnings: string[] }> {
  const files = await import('../../core/write/files');
  try {
    const r = await files.issueWithSerialFile(
      serialFile,
      (current) => session.core.issue.nextSerialFromFile(current),
      async (serial) => {
        const { der, warnings } = await sign(serial);
        const pem = session.core.pem.encodePem('CERTIFICATE', der);
        return { files: [{ path: crtUri.fsPath, data: pem }], value: { pem, warnings } };
      },
      { overwrite, async: true },
    );
    return { ...r.value, serial: r.serial.toUpperCase() };
  } catch (e) {
    if (isUserError(e)) throw e;
    throw new UserError(`Nothing was written: ${messageOf(e)}.`);
  }
}

// ------------------------------------------------------------------------------------------------------
// Issue Client Certificate… (new key + CSR + signed certificate + PKCS#12, for mTLS)

interface ClientState extends CaState, SanState, DaysState, NameState, P12FormatState {
  password?: string;
}

export async function issueClientCertificate(context: vscode.ExtensionContext, arg: unknown): Promise<vscode.Uri[] | undefined> {
  const session = await Session.create(context);
  const target = targetOf(arg);
  const s: ClientState = {};
  let caGiven = false;
  if (target.uri) {
    const f = await session.read(target.uri);
    if (!certificates(f)[0]?.cert?.isCA) throw new UserError(`${f.name} holds no CA certificate: run "Issue Client Certificate…" on a CA, or from the Command Palette.`);
    s.caFile = f;
    caGiven = true;
    await chooseCaKey(session, s);
  }
  const defaultFolder = await outputFolder(target.uri);
  if (!defaultFolder) throw new Cancelled();
  const exts = ['.key', '.csr', '.crt', '.p12'];
  const done = await MultiStepInput.wizard('Issue Client Certificate', s, [
    ...caSteps<ClientState>(session, { placeholder: 'The CA that issues the client certificate', skipCaPick: () => caGiven }),
    subjectStep<ClientState>(session, { prompt: 'Name of the user or device (the CN)', placeholder: 'alice, alice@example.com, build-agent-7…' }),
    sansStep<ClientState>(session, { client: true }),
    daysStep<ClientState>({ prompt: 'Validity in days', defaultDays: () => session.remembered.days ?? session.settings.validityDays, leaf: () => true, maxDays: caMaxDays }),
    ...newSecretSteps<ClientState>(session, {
      prompt: 'Password for the PKCS#12 (.p12) keystore the client imports',
      confirmPrompt: 'Type the keystore password again',
      optional: false,
      get: (st) => st.password,
      set: (st, v) => {
        st.password = v;
      },
    }),
    p12FormatStep<ClientState>(session),
    nameStep<ClientState>({ folder: () => defaultFolder, exts: () => exts, defaultBase: (st) => uniqueBase(defaultFolder, slug(cnOf(st.subject, 'client'), 'client'), exts) }),
  ]);
  if (!done) return undefined;
  const [keyUri, csrUri, crtUri, p12Uri] = exts.map((e) => outputUri(defaultFolder, s.base!, e));
  const overwrite = await claimOutputs([keyUri, csrUri, crtUri, p12Uri]);
  const caFile = s.caFile!;
  const ca = { certificate: caCert(s)!.raw.der, privateKeyPkcs8: caKeyPkcs8(session, s) };
  const spec = keySpecOf({}, session.settings, false);
  const pair = await generateKeyWithProgress(session, spec);
  const csrDer = await session.core.issue.createCsr({ privateKeyPkcs8: pair.privateKeyPkcs8, subject: s.subject!, sans: s.sans });
  const { der, warnings } = await session.core.issue.signCsr(csrDer, ca, { profile: 'client', days: s.days });
  // The keystore carries the CA chain as found in the CA file (the CA first, then its issuers).
  const chain = certificates(caFile).map((c) => c.raw.der);
  const cn = cnOf(s.subject, s.base!);
  const p12 = session.core.pkcs12.exportPkcs12({
    certificate: der,
    privateKeyPkcs8: pair.privateKeyPkcs8,
    chain,
    password: s.password!,
    friendlyName: cn,
    legacy: s.p12Format === 'legacy',
  });
  await session.memory.remember({ days: s.days, p12Format: s.p12Format });
  return finish({
    files: [
      { uri: keyUri, data: session.core.keygen.encodePrivateKey(pair.privateKeyPkcs8), secret: true },
      { uri: csrUri, data: session.core.pem.encodePem('CERTIFICATE REQUEST', csrDer) },
      { uri: crtUri, data: session.core.pem.encodePem('CERTIFICATE', der) },
      { uri: p12Uri, data: p12, secret: true },
    ],
    overwrite,
    open: crtUri,
    what: `a client certificate for ${cn} signed by ${caFile.name} (${session.core.keygen.keySpecLabel(spec)}, ${s.days} days) and its ${s.p12Format === 'legacy' ? 'legacy ' : ''}PKCS#12 keystore`,
    warnings,
  });
}
