// Verify Certificate Chain… — `tlsw verify` in the editor: RFC 5280 path validation (src/core/trust/pathValidation.ts) of
// one certificate against trust anchors the user chooses. Steps: the certificate (unless the command was
// started on one), the trust anchors (a CA certificate file of the workspace, the system trust store, or a
// file browsed for), then revocation (a CRL, or none). Only the chosen anchors can end a path: the other
// certificates of the certificate's own file and the workspace's other CA certificates are offered as
// untrusted intermediates, which must chain to an anchor. The answers are remembered per workspace.
//
// It ends with one notification (the verdict, naming the file) and a "Show Details" button that opens the
// report (one line per link with its checks, the errors with their codes), and returns the ChainCheck.
// Other features start it with a VerifyChainArgs: the inspector with the certificates it shows, the
// Certificate Explorer's CA rows with the anchor chosen.

import { createHash } from 'node:crypto';
import * as vscode from 'vscode';
import { printable } from '../../core/display/escape';
import { displayName, messageOf, plural } from '../../core/display/labels';
import type { ChainCheck, VerifyOptions } from '../../core/trust/pathValidation';
import type { ReportDocuments } from '../inspector/reportDocuments';
import { MultiStepInput } from '../util/multiStepInput';
import { UserError } from './errors';
import type { ObjectInfo, PkiFile } from './pkiFiles';
import { certificates, crls, isPkcs12, objectInfo } from './pkiFiles';
import { Session, targetOf } from './session';
import { describeCertFile, pickFileStep, pickObject } from './steps';
import type { ChainContext } from './chainReport';
import { chainSummary, formatChainReport } from './chainReport';

const TITLE = 'Verify Certificate Chain';
const SHOW_DETAILS = 'Show Details';

/** What other features pass to tlsWorkbench.verifyChain, besides a Uri or a tree row. */
export interface VerifyChainArgs {
  /** The file of the certificate to verify (with `certificates`: only named, never read again). */
  uri?: vscode.Uri;
  /** Which certificate of the file (its SHA-256), when it holds several. */
  sha256?: string;
  /** The certificates as the caller read them, leaf first (the inspector: an unlocked keystore's too). */
  certificates?: Uint8Array[];
  /** The trust anchor, chosen already (a CA row of the Certificate Explorer): its file, and which certificate. */
  anchor?: { uri: vscode.Uri; sha256?: string };
}

interface Request {
  target: { uri?: vscode.Uri; index?: number; sha256?: string };
  certificates?: Uint8Array[];
  anchor?: { uri: vscode.Uri; sha256?: string };
}

/** The command's argument: a Uri, a tree row (resourceUri, objectIndex), or a VerifyChainArgs. */
function requestOf(arg: unknown): Request {
  const target = targetOf(arg);
  if (!arg || typeof arg !== 'object') return { target };
  const a = arg as Record<string, unknown>;
  const sha256 = typeof a.sha256 === 'string' && /^[0-9a-f]{64}$/.test(a.sha256) ? a.sha256 : undefined;
  const certs = Array.isArray(a.certificates) && a.certificates.length > 0 && a.certificates.every((c) => c instanceof Uint8Array) ? (a.certificates as Uint8Array[]) : undefined;
  const anchorTarget = targetOf(a.anchor);
  const anchorSha = (a.anchor as { sha256?: unknown } | undefined)?.sha256;
  return {
    target: { ...target, sha256 },
    certificates: certs,
    anchor: anchorTarget.uri ? { uri: anchorTarget.uri, sha256: typeof anchorSha === 'string' ? anchorSha : undefined } : undefined,
  };
}

interface VerifyState {
  /** The certificate's file. */
  file?: PkiFile;
  cert?: ObjectInfo;
  /** The trust anchors: the system store, or (the certificates of) a file. */
  anchor?: 'system' | PkiFile;
  /** The revocation source: none, or a file of CRLs. */
  crl?: 'none' | PkiFile;
}

const sameUri = (a: PkiFile | undefined, b: PkiFile | undefined) => !!a && !!b && a.uri.toString() === b.uri.toString();

/** The certificates a caller handed over, as a file the wizard can work with (not read from disk). */
function givenFile(session: Session, uri: vscode.Uri | undefined, ders: Uint8Array[]): PkiFile {
  const name = uri ? uri.path.split('/').pop() || uri.toString() : 'the certificate';
  const objects = ders.map((der, index): ObjectInfo => {
    const o = certificateObject(session, der, index);
    if (!o.cert) throw new UserError(`${name}: certificate ${index + 1}: ${o.problem ?? 'not a certificate'}.`);
    return o;
  });
  return { uri: uri ?? vscode.Uri.from({ scheme: 'untitled', path: name }), name, bytes: new Uint8Array(0), objects };
}

/** A certificate's DER, read by the engine's reader as if found in a file. */
function certificateObject(session: Session, der: Uint8Array, index: number): ObjectInfo {
  const raw = { kind: 'certificate' as const, der };
  const { model, problem } = session.core.fileObjects.readRawObject(raw, { warnDays: session.settings.scan.warnDays });
  return objectInfo(index, raw, model, problem);
}

/** Beside a CA file in the anchors step: its CA certificates. */
function describeAnchorFile(f: PkiFile): string {
  const cas = certificates(f).filter((c) => c.cert?.isCA);
  if (cas.length === 0) return describeCertFile(f);
  const first = cas[0].cert!;
  const kind = first.selfSigned ? 'root CA' : 'intermediate CA';
  return cas.length === 1 ? `${displayName(first.subject)} · ${kind} · until ${first.notAfter.slice(0, 10)}` : `${cas.length} CA certificates: ${cas.map((c) => displayName(c.cert!.subject)).join(', ')}`;
}

function describeCrlFile(f: PkiFile): string {
  const list = crls(f);
  const c = list[0].crl;
  if (!c) return plural(list.length, 'CRL');
  const next = c.nextUpdate ? ` · next update ${c.nextUpdate.slice(0, 10)}` : '';
  return `${list.length === 1 ? 'CRL' : `${list.length} CRLs, first`} of ${displayName(c.issuer)}${next} · ${plural(c.revoked.length, 'revoked certificate')}`;
}

function sha256Hex(der: Uint8Array): string {
  return createHash('sha256').update(der).digest('hex');
}

/** `Root CA in ca.crt` (one certificate of the file chosen), or the file's name. */
function anchorLabel(f: PkiFile, sha256: string | undefined): string {
  const c = sha256 ? certificates(f).find((x) => x.cert?.fingerprints.sha256 === sha256)?.cert : undefined;
  return c ? `${displayName(c.subject)} in ${f.name}` : f.name;
}

/** Whether a certificate of `f` names the anchor's subject as its issuer (to list those files first). */
function issuedBy(f: PkiFile, anchor: PkiFile, sha256: string | undefined): boolean {
  const subjects = new Set(certificates(anchor).filter((c) => !sha256 || c.cert?.fingerprints.sha256 === sha256).map((c) => c.cert!.subject.text));
  return !sameUri(f, anchor) && certificates(f).some((c) => !c.cert!.selfSigned && subjects.has(c.cert!.issuer.text));
}

export async function verifyChain(context: vscode.ExtensionContext, arg: unknown, reports: ReportDocuments): Promise<ChainCheck | undefined> {
  const session = await Session.create(context);
  const request = requestOf(arg);
  const s: VerifyState = {};

  // The certificate, when the caller named it.
  if (request.certificates) {
    s.file = givenFile(session, request.target.uri, request.certificates);
    s.cert = s.file.objects[0];
  } else if (request.target.uri) {
    s.file = await session.read(request.target.uri);
    const certs = certificates(s.file);
    if (certs.length === 0) {
      throw new UserError(`${s.file.name} holds no certificate${isPkcs12(s.file) ? ' that can be read without its password (open it in the inspector and unlock it, or import the PKCS#12 first)' : ''}.`);
    }
    const { index, sha256 } = request.target;
    s.cert = certs.find((c) => (sha256 && c.cert?.fingerprints.sha256 === sha256) || (index !== undefined && c.index === index)) ?? (certs.length === 1 ? certs[0] : undefined);
  }
  const fileGiven = !!s.file;
  const certGiven = !!s.cert;

  // The anchor, when the caller chose it (a CA row): that certificate of its file, else all of the file's.
  let anchorGiven: PkiFile | undefined;
  let anchorSha: string | undefined;
  if (request.anchor) {
    anchorGiven = await session.read(request.anchor.uri);
    anchorSha = request.anchor.sha256;
    const chosen = certificates(anchorGiven).filter((c) => !anchorSha || c.cert?.fingerprints.sha256 === anchorSha);
    if (chosen.length === 0) throw new UserError(`${anchorGiven.name} holds no ${anchorSha ? 'such ' : ''}certificate to trust.`);
    s.anchor = anchorGiven;
  }

  // Last time's answers, as the defaults.
  const remembered = session.remembered;
  const files = await session.files.all();
  if (!anchorGiven) s.anchor = remembered.verifyAnchor === 'system' ? 'system' : files.find((f) => f.uri.toString() === remembered.verifyAnchor);
  s.crl = (remembered.verifyCrl && files.find((f) => f.uri.toString() === remembered.verifyCrl && crls(f).length > 0)) || 'none';

  const done = await MultiStepInput.wizard(TITLE, s, [
    pickFileStep<VerifyState>(session, {
      when: () => !fileGiven,
      placeholder: anchorGiven ? `The certificate to verify against ${anchorLabel(anchorGiven, anchorSha)}` : 'The certificate whose chain to verify',
      filter: (f) => certificates(f).length > 0,
      mismatch: 'holds no certificate',
      describe: describeCertFile,
      preferred: (_st, found) => (anchorGiven ? found.filter((f) => issuedBy(f, anchorGiven!, anchorSha)) : []),
      get: (st) => st.file,
      set: (st, f) => {
        st.file = f;
        const certs = certificates(f);
        st.cert = certs.length === 1 ? certs[0] : undefined;
      },
      openLabel: 'Certificate',
      extensions: ['crt', 'pem', 'cer', 'der'],
    }),
    {
      when: (st) => !certGiven && !!st.file && certificates(st.file).length > 1,
      run: async (input, st) => {
        st.cert = await pickObject(input, st.file!, certificates(st.file!), 'Which certificate to verify?');
      },
    },
    {
      when: () => !anchorGiven,
      run: async (input, st) => {
        // Nothing chosen before: the CA files whose CA issued the certificate come first, and the first is the default.
        const issuerName = st.cert?.cert?.issuer.text;
        const likely = (f: PkiFile) => !sameUri(f, st.file) && certificates(f).some((c) => c.cert?.isCA && c.cert.subject.text === issuerName);
        if (st.anchor === undefined || (st.anchor !== 'system' && sameUri(st.anchor, st.file))) st.anchor = files.find(likely);
        await pickFileStep<VerifyState>(session, {
          placeholder: `Trust anchors: the CA you trust to vouch for ${st.cert?.cert ? displayName(st.cert.cert.subject) : 'the certificate'}`,
          filter: (f) => !sameUri(f, st.file) && certificates(f).some((c) => c.cert?.isCA),
          accept: (f) => certificates(f).length > 0,
          mismatch: 'holds no certificate',
          describe: describeAnchorFile,
          preferred: (_s, found) => found.filter(likely),
          check: (s2, f) =>
            sameUri(f, s2.file) ? `${f.name} is the file being verified: its own certificates cannot vouch for it. Choose the CA certificate you trust.` : undefined,
          extras: [
            {
              label: '$(globe) System trust store',
              description: 'the CA certificates this machine trusts',
              choose: (s2) => {
                s2.anchor = 'system';
              },
              isCurrent: (s2) => s2.anchor === 'system',
            },
          ],
          get: (s2) => (s2.anchor && s2.anchor !== 'system' ? s2.anchor : undefined),
          set: (s2, f) => {
            s2.anchor = f;
          },
          openLabel: 'Trust',
          extensions: ['crt', 'pem', 'cer', 'der'],
        }).run(input, st);
      },
    },
    pickFileStep<VerifyState>(session, {
      placeholder: 'Revocation: a CRL to check the certificate against (optional)',
      filter: (f) => crls(f).length > 0,
      mismatch: 'holds no CRL',
      describe: describeCrlFile,
      extras: [
        {
          label: 'No revocation check',
          description: 'do not look for revoked certificates',
          choose: (st) => {
            st.crl = 'none';
          },
          isCurrent: (st) => st.crl === undefined || st.crl === 'none',
        },
      ],
      get: (st) => (st.crl && st.crl !== 'none' ? st.crl : undefined),
      set: (st, f) => {
        st.crl = f;
      },
      openLabel: 'CRL',
      extensions: ['crl', 'pem', 'der'],
    }),
  ]);
  if (!done) return undefined;
  const file = s.file;
  const leaf = s.cert;
  if (!file || !leaf?.cert || !s.anchor) throw new UserError('Choose a certificate and the trust anchors to verify it against.');

  // Anchors: only what was chosen.
  let anchors: Uint8Array[];
  let anchorsText: string;
  if (s.anchor === 'system') {
    const store = session.core.trustStore.systemTrustStore();
    if (store.anchors.length === 0) throw new UserError(`No system trust store was found on this machine (${store.source}): choose a CA certificate file instead.`);
    anchors = store.anchors;
    anchorsText = `the system trust store (${store.source})`;
  } else {
    anchors = certificates(s.anchor)
      .filter((c) => !anchorGiven || !anchorSha || c.cert?.fingerprints.sha256 === anchorSha)
      .map((c) => c.raw.der);
    anchorsText = anchorGiven ? anchorLabel(s.anchor, anchorSha) : s.anchor.name;
  }
  const anchorFps = new Set(anchors.map(sha256Hex));

  // Untrusted intermediates: the rest of the certificate's file and the workspace's CA certificates.
  const intermediates = new Map<string, Uint8Array>();
  const names = new Map<string, string>();
  const offer = (c: ObjectInfo) => {
    const fp = c.cert!.fingerprints.sha256;
    names.set(fp, displayName(c.cert!.subject));
    if (fp !== leaf.cert!.fingerprints.sha256 && !anchorFps.has(fp)) intermediates.set(fp, c.raw.der);
  };
  certificates(file).forEach(offer);
  for (const f of files) certificates(f).filter((c) => c.cert?.isCA).forEach(offer);
  if (s.anchor !== 'system') certificates(s.anchor).forEach((c) => names.set(c.cert!.fingerprints.sha256, displayName(c.cert!.subject)));

  // Revocation: one CRL checks the certificate (openssl -crl_check); several, the whole chain (-crl_check_all).
  const opts: VerifyOptions = { anchors, intermediates: [...intermediates.values()] };
  let revocation: string | undefined;
  if (s.crl && s.crl !== 'none') {
    const list = crls(s.crl);
    const broken = list.find((c) => !c.crl);
    if (broken) throw new UserError(`${s.crl.name}: ${broken.problem ?? 'the CRL does not decode'}.`);
    opts.crls = list.map((c) => c.raw.der);
    opts.crlCheck = list.length === 1 ? 'leaf' : 'all';
    revocation = `${s.crl.name} (${list.length === 1 ? 'the certificate only' : `${list.length} CRLs, the whole chain`})`;
  }

  if (!anchorGiven) await session.memory.remember({ verifyAnchor: s.anchor === 'system' ? 'system' : s.anchor.uri.toString() });
  await session.memory.remember({ verifyCrl: s.crl && s.crl !== 'none' ? s.crl.uri.toString() : 'none' });

  let check: ChainCheck;
  try {
    check = session.core.verify.validatePath(leaf.raw.der, opts);
  } catch (e) {
    throw new UserError(`${file.name}: ${messageOf(e)}.`);
  }

  // Names for the links that came from the system store (read only for the chain's certificates; the subject
  // is shown for one that does not decode).
  for (const l of check.chain) {
    if (names.has(l.fingerprints.sha256)) continue;
    const der = anchors.find((d) => sha256Hex(d) === l.fingerprints.sha256);
    const cert = der && certificateObject(session, der, 0).cert;
    if (cert) names.set(l.fingerprints.sha256, displayName(cert.subject));
  }
  const ctx: ChainContext = {
    fileName: file.name,
    names,
    anchors: anchorsText,
    anchorCount: anchors.length,
    intermediateCount: intermediates.size,
    revocation,
    now: new Date(),
  };
  const summary = chainSummary(check, ctx);
  const shown = check.ok ? vscode.window.showInformationMessage(printable(summary), SHOW_DETAILS) : vscode.window.showErrorMessage(printable(summary), SHOW_DETAILS);
  void Promise.resolve(shown).then((picked) =>
    picked === SHOW_DETAILS ? reports.showText(`${file.name}.chain`, formatChainReport(check, ctx), file.uri) : undefined,
  );
  return check;
}
