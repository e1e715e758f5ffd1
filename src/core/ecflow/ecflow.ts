// ecFlow SSL layouts: which files ecflow_server / ecflow_client will use in a folder, what is wrong with them
// (each finding with the exact fix), creating a layout in one step, and repairing one.
//
// Everything here is a pure function on data (a folder listing with file contents, ECF_SSL, host, port) except
// the small `EcflowIo` interface at the end and its Node implementation, so the CLI and the extension share it.
//
// ecFlow facts this model relies on (read from ecFlow's Openssl.cpp, checked against Debian's ecflow 5.9.2 with
// OpenSSL 3 by test/interop/ecflow.test.ts):
//  - folder: $ECF_SSL_DIR when set (ecFlow >= 5.13.6 only; joined to the file names as is, so it must end
//    with '/'), else $HOME/.ecflowrc/ssl/;
//  - ECF_SSL unset with --ssl, empty or "1": the shared set when server.crt exists, else the specific set;
//    any other value (never parsed as a name): the specific set only;
//  - shared set: server.crt, server.key, dh2048.pem (dh1024.pem only when dh2048.pem is absent), optional
//    server.passwd; a client needs server.crt;
//  - specific set: <host>.<port>.crt/.key/.pem/.passwd; <host> is the server's gethostname() and <port> the
//    port it listens on (--port, else ECF_PORT, else 3141: checked on 5.9.2); a client uses its --host /
//    ECF_HOST (only `localhost` is replaced by this machine's name);
//  - the passwd file: the whole file minus one trailing \n is the passphrase; without one ecFlow tries `test`;
//  - the client trusts exactly that .crt (no host name check; expiry and signature are checked);
//  - OpenSSL 3 at security level 2 refuses RSA < 2048 ("ee key too small") and DH < 2048 ("dh key too
//    small"); DER files fail ("no start line", for a DER key "unsupported");
//  - ecflow_http (the REST server) reads server.crt and an unencrypted server.key.

import { checkPrime, randomBytes } from 'node:crypto';
import { chmodSync, lstatSync, mkdirSync, readdirSync, realpathSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { availableParallelism, hostname } from 'node:os';
import { Tag, children, expectTag, readRoot, whole } from '../der/asn1';
import { FFDHE, encodeDhParameters } from '../objects/dh';
import { readFileLimited, writeFilesSafe } from '../write/files';
import type { DnAttr } from '../write/dn';
import { decodeName } from '../write/dn';
import type { San } from '../write/issue';
import { issueCertificate, parseSans } from '../write/issue';
import type { KeySpec } from '../write/keygen';
import { encodePrivateKey, generateKey, isEncryptedPrivateKey, keyEncryptionInfo, loadPrivateKey } from '../write/keygen';
import { publicKeyOf, spkiOfPrivateKey } from '../objects/keys';
import type { CertificateModel, DhParametersModel, PublicKeyInfo } from '../model';
import { DEFAULT_WARN_DAYS, PkiError } from '../model';
import { encodePem, looksLikePem } from '../der/pem';
import { rawObjects, readObjects, sniff, sniffDer } from '../read/read';

// ---------------------------------------------------------------------------------------------------------------
// Types

export type EcflowSet = 'shared' | 'specific';
export type EcflowSeverity = 'error' | 'warning' | 'info';

/** Every finding code the checker can report. */
export const ECFLOW_FINDING_CODES = [
  'folder-missing',
  'ssl-dir-no-slash',
  'ssl-dir-version',
  'no-certificate',
  'ecf-ssl-value',
  'ecf-port-env',
  'mixed-sets',
  'file-unreadable',
  'crt-not-pem',
  'crt-invalid',
  'crt-expired',
  'crt-not-yet-valid',
  'crt-expiring',
  'cn-mismatch',
  'key-missing',
  'key-not-pem',
  'key-invalid',
  'key-weak',
  'key-mismatch',
  'passwd-crlf',
  'passwd-trailing-space',
  'passwd-multiline',
  'passwd-empty',
  'passwd-wrong',
  'passwd-missing',
  'passwd-default-test',
  'passwd-unused',
  'key-permissions',
  'passwd-permissions',
  'http-key-encrypted',
  'dh-missing',
  'dh-not-pem',
  'dh-invalid',
  'dh-weak',
  'dh1024-fallback',
  'client-crt-missing',
  'client-crt-differs',
] as const;

export type EcflowFindingCode = (typeof ECFLOW_FINDING_CODES)[number];

export interface EcflowFinding {
  severity: EcflowSeverity;
  code: EcflowFindingCode;
  /** The file it is about (a name in the folder), or null for the folder / the environment. */
  file: string | null;
  /** What is wrong and what ecFlow does about it (one or two sentences, for an ecFlow operator). */
  message: string;
  /** The exact fix: a command or a one-line instruction. */
  fix: string;
}

/** One file of the folder as the checker sees it. Only the files ecFlow may read need `bytes`. */
export interface EcflowEntry {
  name: string;
  bytes?: Uint8Array;
  /** Permission bits (POSIX); undefined where unknown (Windows). */
  mode?: number;
  /** Why the file could not be read (it exists). */
  error?: string;
}

export interface EcflowCheckOptions {
  /** The folder, as shown in messages and fix commands. */
  dir: string;
  /** False when the folder does not exist. Default true. */
  folderExists?: boolean;
  /** The value of ECF_SSL; undefined when it is unset (and --ssl is used): the same as "1". */
  ecfSsl?: string;
  /** Server role: the server's host name (gethostname()). Client role: the host the client connects to, `localhost` already replaced by this machine's name. */
  host: string;
  port: number;
  /** `server` (default): the folder ecflow_server reads (local clients read it too). `client`: only the certificate matters. */
  role?: 'server' | 'client';
  /** Names clients connect with (`--host` / ECF_HOST): FQDNs, IP addresses. Specific set: each needs `<name>.<port>.crt`. */
  clientHosts?: string[];
  /** Client role: the certificate the server presents (its .crt), to compare with. */
  serverCertificate?: Uint8Array;
  /** ecflow_http will use this folder (its key must be unencrypted): makes http-key-encrypted an error. */
  http?: boolean;
  /**
   * ECF_PORT where ecFlow runs (null: unset). Given, and with ECF_SSL set, it is compared with `port`: ecFlow
   * before 5.13.6 names the specific set after ECF_PORT (else 3141) when ECF_SSL switches SSL on, not after --port.
   */
  ecfPortEnv?: string | null;
  /** The value of ECF_SSL_DIR when the folder came from it. */
  sslDirEnv?: string;
  now?: Date;
  warnDays?: number;
}

export type EcflowFileRole = 'certificate' | 'key' | 'dh' | 'passwd' | 'client-certificate';

export interface EcflowFileStatus {
  role: EcflowFileRole;
  present: boolean;
  required: boolean;
  /** A short description of what is in it (never a secret). */
  description?: string;
}

export interface EcflowCheckResult {
  /** The set ecFlow will use, or null when it will find no certificate. */
  set: EcflowSet | null;
  /** The files of that set (or of the set ecFlow would look for), by name. */
  files: Record<string, EcflowFileStatus>;
  /** Errors first, then warnings, then infos. */
  findings: EcflowFinding[];
}

/** The ecFlow versions and behaviour the model assumes (shown by `tlsw ecflow check --help`). */
export const ECFLOW_ASSUMPTIONS = [
  'ecFlow 5.x built with OpenSSL 3 (checked against Debian ecflow 5.9.2); ECF_SSL_DIR needs ecFlow 5.13.6 or later.',
  'The specific set is named after the port: with --ssl the one given by --port (else ECF_PORT, else 3141); when ECF_SSL is set, ecFlow before 5.13.6 uses ECF_PORT (else 3141) even if --port differs.',
  'The passwd file: its whole content minus one trailing newline is the passphrase; without it ecFlow tries "test".',
  'OpenSSL security level 2: RSA keys and DH parameters under 2048 bits are refused; ecFlow 5.16+ speaks only TLS 1.3.',
];

export const ECFLOW_DEFAULT_PORT = 3141;
const MIN_BITS = 2048;

// ---------------------------------------------------------------------------------------------------------------
// Names and folders

export interface EcflowNames {
  crt: string;
  key: string;
  dh: string;
  passwd: string;
}

/** File names of a set. The shared set's DH file is dh2048.pem (dh1024.pem is only a fallback). */
export function ecflowFileNames(set: EcflowSet, host: string, port: number): EcflowNames {
  if (set === 'shared') return { crt: 'server.crt', key: 'server.key', dh: 'dh2048.pem', passwd: 'server.passwd' };
  const base = specificBase(host, port);
  return { crt: `${base}.crt`, key: `${base}.key`, dh: `${base}.pem`, passwd: `${base}.passwd` };
}

/** `<host>.<port>`: the prefix of the specific set and the value to give ECF_SSL for it. */
export function specificBase(host: string, port: number): string {
  checkHost(host);
  checkPort(port);
  return `${host}.${port}`;
}

/** The folder ecFlow reads: $ECF_SSL_DIR as is (ecFlow >= 5.13.6), else $HOME/.ecflowrc/ssl/. */
export function ecflowSslDir(env: Record<string, string | undefined>, home?: string): { dir: string; fromEnv: boolean } {
  const fromEnv = env.ECF_SSL_DIR;
  if (fromEnv !== undefined && fromEnv !== '') return { dir: fromEnv, fromEnv: true };
  const h = env.HOME ?? home;
  if (!h) throw new PkiError('cannot tell where ecFlow looks: neither ECF_SSL_DIR nor HOME is set');
  return { dir: `${h.replace(/\/+$/, '')}/.ecflowrc/ssl/`, fromEnv: false };
}

/** This machine's name, as ecflow_server names the specific set (gethostname()). */
export function localHostName(): string {
  return hostname();
}

/** The name a client's `--host` / ECF_HOST maps to in file names: only `localhost` is replaced by this machine's name. */
export function clientFileHost(connectHost: string, thisHost = localHostName()): string {
  return connectHost === 'localhost' ? thisHost : connectHost;
}

/** The passphrase ecFlow reads from a passwd file: the whole file minus one trailing \n (a \r, spaces, more lines stay). */
export function ecflowPassphrase(passwd: Uint8Array | string): string {
  const text = typeof passwd === 'string' ? passwd : utf8(passwd);
  return text.endsWith('\n') ? text.slice(0, -1) : text;
}

/** The export line a client (or the server) needs for a set. */
export function ecfSslExport(set: EcflowSet, host: string, port: number): string {
  return set === 'shared' ? 'export ECF_SSL=1' : `export ECF_SSL=${specificBase(host, port)}`;
}

function checkHost(host: string): void {
  if (typeof host !== 'string' || host === '' || /[/\\\s\0]/.test(host) || host === '.' || host === '..') {
    throw new PkiError(`"${String(host).slice(0, 80)}" is not a usable host name for ecFlow file names`);
  }
}

function checkPort(port: number): void {
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new PkiError(`port must be a whole number from 1 to 65535, got "${String(port)}"`);
}

// ---------------------------------------------------------------------------------------------------------------
// The checker

interface CertInfo {
  model: CertificateModel;
  der: Uint8Array;
}

interface Ctx {
  o: EcflowCheckOptions;
  byName: Map<string, EcflowEntry>;
  findings: EcflowFinding[];
  files: Record<string, EcflowFileStatus>;
  now: Date;
  warnDays: number;
  fixCmd: string;
  /** The set ecFlow uses, or would look for. */
  mode: EcflowSet;
}

/**
 * Which set ecFlow will use with these files and settings, and everything that will make ecflow_server or
 * ecflow_client fail (errors), is risky (warnings) or worth knowing (infos), each with its fix.
 * Never throws for bad file contents (they become findings); PkiError only for unusable options.
 */
export function checkEcflowLayout(entries: EcflowEntry[], options: EcflowCheckOptions): EcflowCheckResult {
  if (!options || typeof options !== 'object') throw new PkiError('ecFlow check: no options given');
  checkHost(options.host);
  checkPort(options.port);
  const o = options;
  const ctx: Ctx = {
    o,
    byName: new Map(entries.map((e) => [e.name, e])),
    findings: [],
    files: {},
    now: o.now ?? new Date(),
    warnDays: o.warnDays ?? DEFAULT_WARN_DAYS,
    fixCmd: fixCommand(o),
    mode: 'shared',
  };
  const add = (severity: EcflowSeverity, code: EcflowFindingCode, file: string | null, message: string, fix: string): void => {
    ctx.findings.push({ severity, code, file, message, fix });
  };
  const dir = o.dir;

  if (o.sslDirEnv !== undefined) {
    if (!o.sslDirEnv.endsWith('/')) {
      add(
        'error',
        'ssl-dir-no-slash',
        null,
        `ECF_SSL_DIR=${o.sslDirEnv} does not end with "/": ecFlow joins it to the file names as is and looks for ${o.sslDirEnv}server.crt.`,
        `export ECF_SSL_DIR=${shq(`${o.sslDirEnv}/`)}`,
      );
    }
    add(
      'info',
      'ssl-dir-version',
      null,
      'ECF_SSL_DIR is honoured only by ecFlow 5.13.6 and later; older servers and clients still read $HOME/.ecflowrc/ssl/.',
      'With an older ecFlow, put the files in $HOME/.ecflowrc/ssl/ (or make it a link to this folder).',
    );
  }

  const sharedAllowed = o.ecfSsl === undefined || o.ecfSsl === '' || o.ecfSsl === '1';
  const spec = specificBase(o.host, o.port);
  const has = (n: string): boolean => ctx.byName.has(n);
  const set: EcflowSet | null = sharedAllowed && has('server.crt') ? 'shared' : has(`${spec}.crt`) ? 'specific' : null;
  const expected: EcflowSet = set ?? (sharedAllowed ? 'shared' : 'specific');
  ctx.mode = expected;
  const names = ecflowFileNames(expected, o.host, o.port);
  const server = (o.role ?? 'server') === 'server';

  if (o.folderExists === false) {
    describeFiles(ctx, names, server);
    add(
      'error',
      'folder-missing',
      null,
      `The folder ${dir} does not exist: ecflow_server and ecflow_client will find no certificate there.`,
      initCommand(ctx),
    );
    return finish(ctx, null);
  }

  if (!sharedAllowed && o.ecfSsl !== spec) {
    add(
      'info',
      'ecf-ssl-value',
      null,
      `ECF_SSL=${o.ecfSsl} only switches to the specific set; ecFlow does not read it as a name and uses ${spec}.* (host ${o.host}, port ${o.port}).`,
      `export ECF_SSL=${spec}`,
    );
  }

  if (o.ecfSsl !== undefined && o.ecfPortEnv !== undefined && set !== 'shared' && (o.ecfPortEnv ?? String(ECFLOW_DEFAULT_PORT)) !== String(o.port)) {
    const envPort = o.ecfPortEnv ?? String(ECFLOW_DEFAULT_PORT);
    add(
      'warning',
      'ecf-port-env',
      null,
      `ECF_SSL is set, and then ecFlow (before 5.13.6) takes the <port> of the file names from ECF_PORT${o.ecfPortEnv === null ? ' (unset: 3141)' : ''}, not from --port: ` +
        `ecflow_server and ecflow_client look for ${o.host}.${envPort}.crt, not ${spec}.crt.`,
      `export ECF_PORT=${o.port}   (for the server and its clients; or switch SSL on with --ssl instead of ECF_SSL)`,
    );
  }

  if (set === null) {
    describeFiles(ctx, names, server);
    const wanted = sharedAllowed ? `neither server.crt nor ${spec}.crt is` : `${spec}.crt is not`;
    add(
      'error',
      'no-certificate',
      null,
      `No certificate for ecFlow: ${wanted} in ${dir}, so ${server ? 'ecflow_server and ecflow_client stop' : 'ecflow_client stops'} with ` +
        `"Expected to find the self signed certificate file(CRT) …".`,
      server
        ? initCommand(ctx)
        : `Copy the server's certificate here as ${sharedAllowed ? 'server.crt' : `${spec}.crt`} (on the server: tlsw ecflow fix --export-client ${o.host} -o DIR).`,
    );
    return finish(ctx, null);
  }

  // The set is known: which DH file the shared set really uses.
  if (set === 'shared' && !has('dh2048.pem') && has('dh1024.pem')) names.dh = 'dh1024.pem';
  describeFiles(ctx, names, server);

  // Mixed sets.
  if (server) {
    if (set === 'shared' && has(`${spec}.crt`)) {
      add(
        'warning',
        'mixed-sets',
        'server.crt',
        `Both the shared set (server.*) and the specific set ${spec}.* are here: with ECF_SSL=${o.ecfSsl === undefined ? '1 (or --ssl)' : o.ecfSsl || '""'} ecFlow uses server.crt and ignores ${spec}.*.`,
        `To use ${spec}.*: export ECF_SSL=${spec} (any value other than 1) on the server and its clients, or remove server.crt.`,
      );
    } else if (set === 'specific' && sharedAllowed) {
      const stray = ['server.key', 'server.passwd', 'dh2048.pem', 'dh1024.pem'].filter(has);
      if (stray.length > 0) {
        add(
          'warning',
          'mixed-sets',
          stray[0],
          `${stray.join(', ')} ${stray.length > 1 ? 'are' : 'is'} here but server.crt is not: ecFlow falls back to the specific set ${spec}.* and ignores ${stray.length > 1 ? 'them' : 'it'}.`,
          `Remove the stray shared files, or restore server.crt to use the shared set.`,
        );
      }
    }
  }

  // Certificate.
  const cert = checkCertificate(ctx, names.crt, true);
  if (cert && server) checkHostNames(ctx, names.crt, cert.model);
  if (!server) {
    if (cert && o.serverCertificate) compareWithServer(ctx, names.crt, cert, o.serverCertificate);
    return finish(ctx, set);
  }

  // Key and passphrase.
  const key = checkKey(ctx, names, cert);
  if (key.encrypted && (set === 'shared' || o.http)) {
    add(
      o.http ? 'error' : 'info',
      'http-key-encrypted',
      names.key,
      `${names.key} is encrypted: ecflow_server is fine with that, but ecflow_http (the REST server) can only read an unencrypted server.key.`,
      `${ctx.fixCmd} --decrypt-key   (only if you run ecflow_http; keep the folder private)`,
    );
  }

  // DH parameters.
  checkDh(ctx, set, names);

  // Permissions.
  for (const [name, code] of [
    [names.key, 'key-permissions'],
    [names.passwd, 'passwd-permissions'],
  ] as const) {
    const e = ctx.byName.get(name);
    if (e?.mode !== undefined && (e.mode & 0o077) !== 0) {
      add(
        'warning',
        code,
        name,
        `${name} can be read by other users (mode ${octal(e.mode)}). ecFlow does not check, but a ${code === 'key-permissions' ? 'private key' : 'passphrase file'} should be 0600.`,
        `chmod 600 ${shq(join(dir, name))}`,
      );
    }
  }

  // Clients that connect with another name (specific set only: the shared set's clients read server.crt).
  if (set === 'specific') {
    for (const h of uniq(o.clientHosts ?? [])) {
      if (h === 'localhost' || h === o.host) continue;
      const clientName = `${h}.${o.port}.crt`;
      if (!has(clientName)) {
        ctx.files[clientName] = { role: 'client-certificate', present: false, required: true };
        add(
          'error',
          'client-crt-missing',
          clientName,
          `Clients that connect with --host ${h} (ECF_HOST=${h}) look for ${clientName}, which is missing: they stop with "Expected to find the self signed certificate file(CRT) … ${clientName}". Only "localhost" is replaced by this machine's name (${o.host}).`,
          `${ctx.fixCmd} --client-host ${h}   (copies ${names.crt} to ${clientName})`,
        );
        continue;
      }
      ctx.files[clientName] = { role: 'client-certificate', present: true, required: true };
      const other = checkCertificate(ctx, clientName, false);
      if (other && cert && !sameBytes(other.der, cert.der)) {
        ctx.files[clientName].description = describeCert(other.model);
        add(
          'error',
          'client-crt-differs',
          clientName,
          `${clientName} is not the certificate the server presents (${names.crt}): clients that connect with --host ${h} fail the handshake ("certificate verify failed").`,
          `${ctx.fixCmd} --client-host ${h}   (copies ${names.crt} to ${clientName})`,
        );
      }
    }
  }
  return finish(ctx, set);
}

function finish(ctx: Ctx, set: EcflowSet | null): EcflowCheckResult {
  const rank: Record<EcflowSeverity, number> = { error: 0, warning: 1, info: 2 };
  const findings = ctx.findings.map((f, i) => ({ f, i })).sort((a, b) => rank[a.f.severity] - rank[b.f.severity] || a.i - b.i).map((x) => x.f);
  return { set, files: ctx.files, findings };
}

function describeFiles(ctx: Ctx, names: EcflowNames, server: boolean): void {
  const roles: [EcflowFileRole, string, boolean][] = server
    ? [
        ['certificate', names.crt, true],
        ['key', names.key, true],
        ['dh', names.dh, true],
        ['passwd', names.passwd, false],
      ]
    : [['certificate', names.crt, true]];
  for (const [role, name, required] of roles) {
    ctx.files[name] = { role, present: ctx.byName.has(name), required };
  }
}

function fixCommand(o: EcflowCheckOptions): string {
  const parts = ['tlsw ecflow fix', `--dir ${shq(o.dir)}`];
  const sharedAllowed = o.ecfSsl === undefined || o.ecfSsl === '' || o.ecfSsl === '1';
  if (!sharedAllowed) parts.push('--mode specific');
  parts.push(`--host ${shq(o.host)}`, `--port ${o.port}`);
  return parts.join(' ');
}

/** Reads a certificate file as ecFlow would; reports format and validity problems. */
function checkCertificate(ctx: Ctx, name: string, primary: boolean): CertInfo | undefined {
  const e = ctx.byName.get(name);
  if (!e) return undefined;
  const bytes = readable(ctx, e);
  if (!bytes) return undefined;
  const fixCmd = ctx.fixCmd;
  if (!looksLikePem(bytes)) {
    const kind = sniff(bytes);
    if (kind === 'certificate') {
      ctx.findings.push({
        severity: 'error',
        code: 'crt-not-pem',
        file: name,
        message: `${name} is a DER (binary) certificate; ecFlow reads only PEM: ${primary ? 'ecflow_server stops with "use_certificate_chain_file: no start line" and clients' : 'clients'} cannot load it.`,
        fix: `${fixCmd}   (converts it to PEM; or: openssl x509 -inform DER -in ${name} -out ${name}.pem && mv ${name}.pem ${name})`,
      });
      try {
        const der = rawObjects(bytes)[0].der;
        return { der, model: certModel(ctx, der) };
      } catch {
        return undefined;
      }
    }
    ctx.findings.push({
      severity: 'error',
      code: 'crt-invalid',
      file: name,
      message: `${name} is not a PEM certificate${kind ? ` (it holds ${kindWords(kind)})` : ''}: ecFlow cannot load it ("no start line").`,
      fix: `Put the server's PEM certificate in ${name}, or create a new set: ${initCommand(ctx)}`,
    });
    return undefined;
  }
  const read = readObjects(bytes, { now: ctx.now, warnDays: ctx.warnDays });
  const model = read.objects.find((x): x is CertificateModel => x.kind === 'certificate');
  if (!model) {
    const holds = [...new Set(read.objects.map((x) => kindWords(x.kind)))];
    ctx.findings.push({
      severity: 'error',
      code: 'crt-invalid',
      file: name,
      message: `${name} holds no certificate${holds.length ? ` (it holds ${holds.join(', ')})` : read.problems[0] ? ` (${read.problems[0].message})` : ''}: ecFlow cannot load it.`,
      fix: `Put the server's PEM certificate in ${name}, or create a new set: ${initCommand(ctx)}`,
    });
    return undefined;
  }
  const der = firstCertDer(bytes);
  if (ctx.files[name]) ctx.files[name].description = describeCert(model);
  if (primary) checkValidity(ctx, name, model);
  return der ? { der, model } : undefined;
}

function certModel(ctx: Ctx, der: Uint8Array): CertificateModel {
  const m = readObjects(der, { now: ctx.now, warnDays: ctx.warnDays }).objects.find((x): x is CertificateModel => x.kind === 'certificate');
  if (!m) throw new PkiError('not a certificate');
  return m;
}

function firstCertDer(bytes: Uint8Array): Uint8Array | undefined {
  try {
    return rawObjects(bytes).find((x) => x.kind === 'certificate')?.der;
  } catch {
    return undefined;
  }
}

function checkValidity(ctx: Ctx, name: string, m: CertificateModel): void {
  const renew = `${ctx.fixCmd} --renew [--days N]   (keeps the key; then give clients the new ${name})`;
  if (m.expiry.status === 'expired') {
    ctx.findings.push({
      severity: 'error',
      code: 'crt-expired',
      file: name,
      message: `${name} expired on ${day(m.notAfter)}: ecflow_client refuses the server ("certificate verify failed").`,
      fix: renew,
    });
  } else if (m.expiry.status === 'not-yet-valid') {
    ctx.findings.push({
      severity: 'error',
      code: 'crt-not-yet-valid',
      file: name,
      message: `${name} is valid only from ${day(m.notBefore)} (check this machine's clock): ecflow_client refuses the server until then ("certificate verify failed").`,
      fix: renew,
    });
  } else if (m.expiry.status === 'expiring') {
    ctx.findings.push({
      severity: 'warning',
      code: 'crt-expiring',
      file: name,
      message: `${name} expires in ${m.expiry.daysLeft} day${m.expiry.daysLeft === 1 ? '' : 's'} (${day(m.notAfter)}); after that ecflow_client refuses the server.`,
      fix: renew,
    });
  }
  if (m.publicKey.algorithm === 'RSA' && m.publicKey.size < MIN_BITS) {
    ctx.findings.push({
      severity: 'error',
      code: 'key-weak',
      file: name,
      message: `${name} has an RSA ${m.publicKey.size} key: OpenSSL 3 refuses keys under ${MIN_BITS} bits, so ecflow_server stops with "use_certificate_chain_file: ee key too small".`,
      fix: `${initCommand(ctx)} --type rsa --bits 2048 --force   (a new key and certificate; give clients the new .crt)`,
    });
  }
}

function checkHostNames(ctx: Ctx, name: string, m: CertificateModel): void {
  const certNames = [
    ...m.subject.attributes.filter((a) => a.type === 'CN').map((a) => a.value),
    ...m.subjectAltNames.filter((s) => s.type === 'dns' || s.type === 'ip').map((s) => s.value),
  ].map((s) => s.toLowerCase());
  const host = ctx.o.host.toLowerCase();
  const ok = certNames.some((n) => n === host || n.startsWith(`${host}.`) || host.startsWith(`${n}.`));
  if (!ok) {
    const cn = m.subject.attributes.find((a) => a.type === 'CN')?.value;
    ctx.findings.push({
      severity: 'info',
      code: 'cn-mismatch',
      file: name,
      message: `${name} was made for ${cn ? `CN=${cn}` : 'no CN'}${certNames.length > (cn ? 1 : 0) ? ` (names: ${uniq(certNames).join(', ')})` : ''}, not this host ${ctx.o.host}. ecFlow does not check host names, so it still works: this is only a hint that the certificate belongs to another machine.`,
      fix: `Nothing is required. To tidy up: ${initCommand(ctx)} --force   (a certificate for ${ctx.o.host}; give clients the new .crt)`,
    });
  }
}

function compareWithServer(ctx: Ctx, name: string, cert: CertInfo, serverCrt: Uint8Array): void {
  const serverDer = looksLikePem(serverCrt) ? firstCertDer(serverCrt) : serverCrt;
  if (serverDer && !sameBytes(serverDer, cert.der)) {
    ctx.findings.push({
      severity: 'error',
      code: 'client-crt-differs',
      file: name,
      message: `${name} is not the certificate the server presents: ecflow_client fails the handshake ("certificate verify failed").`,
      fix: `Copy the server's certificate over ${name} (on the server: tlsw ecflow fix --export-client ${ctx.o.host} -o DIR).`,
    });
  }
}

interface KeyState {
  encrypted: boolean;
  pkcs8?: Uint8Array;
}

function checkKey(ctx: Ctx, names: EcflowNames, cert: CertInfo | undefined): KeyState {
  const { key: keyName, passwd: passwdName, crt: crtName } = names;
  const add = (severity: EcflowSeverity, code: EcflowFindingCode, file: string | null, message: string, fix: string): void => {
    ctx.findings.push({ severity, code, file, message, fix });
  };
  const e = ctx.byName.get(keyName);
  const pw = ctx.byName.get(passwdName);
  if (!e) {
    add(
      'error',
      'key-missing',
      keyName,
      `${keyName} is missing: ecflow_server stops with "The password protected private server key file … does not exist".`,
      `Put the private key of ${crtName} there, or create a new set: ${initCommand(ctx)} --force`,
    );
    return { encrypted: false };
  }
  const bytes = readable(ctx, e);
  if (!bytes) return { encrypted: false };
  if (!looksLikePem(bytes)) {
    const kind = sniff(bytes);
    if (kind === 'private-key') {
      add(
        'error',
        'key-not-pem',
        keyName,
        `${keyName} is a DER (binary) key; ecFlow reads only PEM: ecflow_server stops with "use_private_key_file: unsupported".`,
        `${ctx.fixCmd}   (converts it to PEM, keeping its encryption)`,
      );
    } else {
      add(
        'error',
        'key-invalid',
        keyName,
        `${keyName} is not a PEM private key${kind ? ` (it holds ${kindWords(kind)})` : ''}: ecflow_server cannot load it.`,
        `Put the private key of ${crtName} there, or create a new set: ${initCommand(ctx)} --force`,
      );
    }
    return { encrypted: false };
  }
  let encrypted: boolean;
  try {
    keyEncryptionInfo(bytes);
    encrypted = isEncryptedPrivateKey(bytes);
  } catch (err) {
    add(
      'error',
      'key-invalid',
      keyName,
      `${keyName} holds no usable private key (${oneLine(err)}): ecflow_server cannot load it.`,
      `Put the private key of ${crtName} there, or create a new set: ${initCommand(ctx)} --force`,
    );
    return { encrypted: false };
  }
  const fileKey = join(ctx.o.dir, passwdName);
  let pkcs8: Uint8Array | undefined;
  if (encrypted) {
    if (pw) {
      const pwBytes = readable(ctx, pw);
      if (pwBytes) {
        const r = diagnosePasswd(pwBytes, bytes);
        pkcs8 = r.pkcs8;
        if (ctx.files[passwdName]) ctx.files[passwdName].description = `passphrase file, ${pwBytes.length} byte${pwBytes.length === 1 ? '' : 's'}`;
        const badDecrypt = `ecflow_server stops with "use_private_key_file: bad decrypt"`;
        const rewrite = `${ctx.fixCmd}   (rewrites ${passwdName} without a line end; or: printf '%s' 'PASSPHRASE' > ${shq(fileKey)} && chmod 600 ${shq(fileKey)})`;
        switch (r.verdict) {
          case 'ok':
            break;
          case 'crlf':
            add('error', 'passwd-crlf', passwdName, `${passwdName} ends with a Windows line end (CRLF): ecFlow removes only the \\n, so its passphrase ends with \\r and ${badDecrypt}.`, rewrite);
            break;
          case 'trailing-space':
            add('error', 'passwd-trailing-space', passwdName, `${passwdName} ends with spaces or tabs, which ecFlow keeps as part of the passphrase: ${badDecrypt}.`, rewrite);
            break;
          case 'multiline':
            add(
              'error',
              'passwd-multiline',
              passwdName,
              `${passwdName} has more than one line: ecFlow takes the whole file (minus one final \\n) as the passphrase, so ${badDecrypt}.`,
              rewrite,
            );
            break;
          case 'empty':
            add(
              'error',
              'passwd-empty',
              passwdName,
              `${passwdName} is empty: ecFlow uses an empty passphrase and ${badDecrypt}.`,
              `printf '%s' 'PASSPHRASE' > ${shq(fileKey)} && chmod 600 ${shq(fileKey)}   (or: ${ctx.fixCmd} --passphrase-file F, which checks it first)`,
            );
            break;
          case 'wrong':
            add(
              'error',
              'passwd-wrong',
              passwdName,
              `The passphrase in ${passwdName} does not open ${keyName}${r.shape ? ` (also: ${r.shape})` : ''}: ${badDecrypt}.`,
              `${ctx.fixCmd} --passphrase-file F   (F holds the key's real passphrase; it is checked, then written to ${passwdName} with no line end)`,
            );
            break;
        }
      }
    } else {
      let opensWithTest = false;
      try {
        pkcs8 = loadPrivateKey(bytes, 'test');
        opensWithTest = true;
      } catch {
        // expected
      }
      if (opensWithTest) {
        add(
          'warning',
          'passwd-default-test',
          keyName,
          `${keyName} is encrypted with the passphrase "test" (what ecFlow tries when there is no ${passwdName}): it works, but protects nothing.`,
          `${ctx.fixCmd} --encrypt-key --passphrase-file F   (re-encrypts it and writes ${passwdName})`,
        );
      } else {
        add(
          'error',
          'passwd-missing',
          passwdName,
          `${keyName} is encrypted and there is no ${passwdName}: ecFlow then tries the passphrase "test", which does not open it, so ecflow_server stops with "use_private_key_file: bad decrypt".`,
          `${ctx.fixCmd} --passphrase-file F   (F holds the key's passphrase; it is checked, then written to ${passwdName}, mode 0600, no line end)`,
        );
      }
    }
  } else {
    try {
      pkcs8 = loadPrivateKey(bytes);
    } catch (err) {
      add('error', 'key-invalid', keyName, `${keyName} cannot be read (${oneLine(err)}): ecflow_server cannot load it.`, `Put the private key of ${crtName} there, or create a new set: ${initCommand(ctx)} --force`);
      return { encrypted };
    }
    if (pw) {
      add(
        'info',
        'passwd-unused',
        passwdName,
        `${passwdName} is not needed: ${keyName} is not encrypted, so ecFlow never reads it.`,
        `rm ${shq(fileKey)}   (or encrypt the key with it: ${ctx.fixCmd} --encrypt-key --passphrase-file ${shq(fileKey)})`,
      );
    }
  }
  let info: PublicKeyInfo | undefined;
  if (pkcs8) {
    try {
      info = publicKeyOf(pkcs8);
    } catch {
      info = undefined;
    }
  }
  if (ctx.files[keyName]) {
    ctx.files[keyName].description = `${info ? describeKey(info) : 'private key'}${encrypted ? ', encrypted' : ', not encrypted'}`;
  }
  if (info && cert && info.spkiSha256 !== cert.model.publicKey.spkiSha256) {
    // OpenSSL keeps one certificate and key per key type: a key of another type is accepted without complaint,
    // and then no handshake can succeed.
    const sameType = info.algorithm === cert.model.publicKey.algorithm;
    add(
      'error',
      'key-mismatch',
      keyName,
      sameType
        ? `${keyName} does not belong to ${crtName} (a different key pair): ecflow_server stops with "use_private_key_file: key values mismatch".`
        : `${keyName} (${describeKey(info)}) does not belong to ${crtName} (${describeKey(cert.model.publicKey)}): ecflow_server starts, but every TLS handshake fails (clients: "sslv3 alert handshake failure").`,
      `Put ${crtName}'s own key back, or issue a new certificate for this key: ${ctx.fixCmd} --renew   (then give clients the new ${crtName})`,
    );
  }
  if (info && !cert && info.algorithm === 'RSA' && info.size < MIN_BITS) {
    add(
      'error',
      'key-weak',
      keyName,
      `${keyName} is RSA ${info.size}: OpenSSL 3 refuses keys under ${MIN_BITS} bits ("ee key too small").`,
      `${initCommand(ctx)} --type rsa --bits 2048 --force`,
    );
  }
  return { encrypted, pkcs8 };
}

type PasswdVerdict = 'ok' | 'crlf' | 'trailing-space' | 'multiline' | 'empty' | 'wrong';

/** How ecFlow's reading of a passwd file fares against the key, and which tidy reading would work. */
function diagnosePasswd(passwd: Uint8Array, key: Uint8Array): { verdict: PasswdVerdict; pkcs8?: Uint8Array; shape?: string } {
  const pass = ecflowPassphrase(passwd);
  const asIs = tryOpen(key, pass);
  if (asIs) return { verdict: 'ok', pkcs8: asIs };
  if (pass === '') return { verdict: 'empty' };
  const shape: PasswdVerdict | undefined = /\r$/.test(pass) && !/\n/.test(pass.replace(/\r\n?$/, ''))
    ? 'crlf'
    : /[ \t]+$/.test(pass) && !pass.includes('\n')
      ? 'trailing-space'
      : pass.includes('\n') || pass.includes('\r')
        ? 'multiline'
        : undefined;
  if (!shape) return { verdict: 'wrong' };
  const candidate = passwdCandidates(passwd).map((c) => tryOpen(key, c)).find((x) => x !== undefined);
  if (candidate) return { verdict: shape, pkcs8: candidate };
  const words: Record<string, string> = { crlf: 'it ends with a CRLF', 'trailing-space': 'it ends with spaces', multiline: 'it has several lines' };
  return { verdict: 'wrong', shape: words[shape] };
}

/** Tidy readings of a passwd file, most likely first: without line ends, without trailing blanks, its first line. */
function passwdCandidates(passwd: Uint8Array | string): string[] {
  const text = typeof passwd === 'string' ? passwd : utf8(passwd);
  const lines = text.split(/\r?\n|\r/).filter((l) => l.trim() !== '');
  const out = [text.replace(/[\r\n]+$/, ''), text.replace(/\s+$/, ''), ...(lines[0] !== undefined ? [lines[0], lines[0].trim()] : []), text.trim()];
  return uniq(out.filter((s) => s !== ''));
}

function tryOpen(key: Uint8Array, passphrase: string): Uint8Array | undefined {
  try {
    return loadPrivateKey(key, passphrase);
  } catch {
    return undefined;
  }
}

function checkDh(ctx: Ctx, set: EcflowSet, names: EcflowNames): void {
  const name = names.dh;
  const add = (severity: EcflowSeverity, code: EcflowFindingCode, message: string, fix: string): void => {
    ctx.findings.push({ severity, code, file: name, message, fix });
  };
  const e = ctx.byName.get(name);
  const path = (n: string): string => shq(join(ctx.o.dir, n));
  if (!e) {
    if (set === 'shared') {
      add(
        'error',
        'dh-missing',
        `Neither dh2048.pem nor dh1024.pem is here: ecflow_server stops with "The dhparam file(pem) '${join(ctx.o.dir, 'dh1024.pem')}' does not exist".`,
        `${ctx.fixCmd}   (writes the RFC 7919 ffdhe2048 group to dh2048.pem)`,
      );
    } else {
      const hint = ctx.byName.has('dh2048.pem') ? ' (dh2048.pem is here, but only the shared set uses it)' : '';
      add(
        'error',
        'dh-missing',
        `${name}, the DH parameters of the specific set, is missing${hint}: ecflow_server stops with "The dhparam file(pem) '${join(ctx.o.dir, name)}' does not exist".`,
        `${ctx.fixCmd}   (writes the RFC 7919 ffdhe2048 group to ${name})${hint ? `; or: cp ${path('dh2048.pem')} ${path(name)}` : ''}`,
      );
    }
    return;
  }
  if (set === 'shared' && name === 'dh1024.pem') {
    add(
      'info',
      'dh1024-fallback',
      'dh2048.pem is absent, so ecFlow uses dh1024.pem.',
      `${ctx.fixCmd}   (writes the RFC 7919 ffdhe2048 group to dh2048.pem, which ecFlow then prefers)`,
    );
  }
  const bytes = readable(ctx, e);
  if (!bytes) return;
  const ffdhe = `${ctx.fixCmd}   (writes the RFC 7919 ffdhe2048 group to ${set === 'shared' ? 'dh2048.pem' : name})`;
  if (!looksLikePem(bytes)) {
    const kind = sniff(bytes);
    if (kind === 'dh-parameters') {
      add('error', 'dh-not-pem', `${name} holds DER (binary) DH parameters; ecFlow reads only PEM: ecflow_server stops with "use_tmp_dh_file: no start line".`, `${ctx.fixCmd}   (converts it to PEM)`);
    } else {
      add('error', 'dh-invalid', `${name} is not a PEM DH parameters file${kind ? ` (it holds ${kindWords(kind)})` : ''}: ecflow_server stops with "use_tmp_dh_file: …".`, ffdhe);
    }
    return;
  }
  const read = readObjects(bytes);
  const dh = read.objects.find((x): x is DhParametersModel => x.kind === 'dh-parameters');
  if (!dh) {
    const holds = [...new Set(read.objects.map((x) => kindWords(x.kind)))];
    add('error', 'dh-invalid', `${name} holds no DH parameters${holds.length ? ` (it holds ${holds.join(', ')})` : ''}: ecflow_server stops with "use_tmp_dh_file: …".`, ffdhe);
    return;
  }
  if (ctx.files[name]) ctx.files[name].description = `${dh.primeBits}-bit DH parameters${dh.namedGroup ? ` (${dh.namedGroup})` : ''}`;
  if (dh.primeBits < MIN_BITS) {
    add(
      'error',
      'dh-weak',
      `${name} holds ${dh.primeBits}-bit DH parameters: OpenSSL 3 refuses DH under ${MIN_BITS} bits, so ecflow_server stops with "use_tmp_dh_file: dh key too small".`,
      ffdhe,
    );
  }
}

function readable(ctx: Ctx, e: EcflowEntry): Uint8Array | undefined {
  if (e.error !== undefined || !e.bytes) {
    ctx.findings.push({
      severity: 'error',
      code: 'file-unreadable',
      file: e.name,
      message: `${e.name} cannot be read${e.error ? ` (${e.error})` : ''}: ecFlow will not be able to read it either (it runs as the same user).`,
      fix: `Make it readable by its owner: chmod u+r ${shq(join(ctx.o.dir, e.name))}`,
    });
    return undefined;
  }
  return e.bytes;
}

function initCommand(ctx: Ctx): string {
  return `tlsw ecflow init --dir ${shq(ctx.o.dir)} --mode ${ctx.mode} --host ${shq(ctx.o.host)} --port ${ctx.o.port}`;
}

function describeCert(m: CertificateModel): string {
  const cn = m.subject.attributes.find((a) => a.type === 'CN')?.value;
  return `${cn ? `CN=${cn}, ` : ''}${describeKey(m.publicKey)}, valid ${day(m.notBefore)} to ${day(m.notAfter)}`;
}

function describeKey(k: PublicKeyInfo): string {
  return k.algorithm === 'EC' ? `EC ${k.curve ?? k.size}` : `${k.algorithm} ${k.size}`;
}

function kindWords(kind: string): string {
  const words: Record<string, string> = {
    'certificate': 'a certificate',
    'csr': 'a certificate request',
    'crl': 'a CRL',
    'private-key': 'a private key',
    'public-key': 'a public key',
    'dh-parameters': 'DH parameters',
    'pkcs12': 'a PKCS#12 keystore',
  };
  return words[kind] ?? kind;
}

// ---------------------------------------------------------------------------------------------------------------
// Creating a layout

export type EcflowKeyType = { type: 'rsa'; bits?: number } | { type: 'ec'; curve?: 'P-256' | 'P-384' | 'P-521' };

export interface DhProgress {
  /** Candidates that survived the sieve and were tested for primality so far. */
  tested: number;
  elapsedMs: number;
}

export interface EcflowInitOptions {
  mode: EcflowSet;
  /** The server's host name (default: this machine's name): the certificate's CN and the specific set's prefix. */
  host?: string;
  /** Default 3141. Names the specific set. */
  port?: number;
  /** Other names clients connect with (FQDN, IP address): added to the SANs; the specific set also gets `<name>.<port>.crt`. */
  clientHosts?: string[];
  /** Default RSA 2048. */
  key?: EcflowKeyType;
  /** Encrypts the key and writes it (exactly, no line end) to the passwd file. */
  passphrase?: string;
  /** Certificate validity, default 365 days. */
  days?: number;
  /** DH parameters: an RFC 7919 group (instant, default ffdhe2048), or freshly generated (slow, cancellable). */
  dh?: { kind: 'ffdhe'; bits?: 2048 | 3072 | 4096 } | { kind: 'generate'; bits?: number; onProgress?: (p: DhProgress) => void };
  notBefore?: Date;
  signal?: AbortSignal;
}

export interface EcflowPlannedFile {
  name: string;
  data: string;
  secret: boolean;
  /** What it is, for the user ("RSA 2048 private key, encrypted"). */
  what: string;
}

export interface EcflowLayoutPlan {
  set: EcflowSet;
  host: string;
  port: number;
  files: EcflowPlannedFile[];
  /** `export ECF_SSL=1` or `export ECF_SSL=<host>.<port>`. */
  exportLine: string;
  /** Lint warnings from the certificate issuer and notes on skipped names. */
  notes: string[];
}

/** Everything a new layout consists of, generated in memory (write it with `writeEcflowFiles`). */
export async function planEcflowLayout(opts: EcflowInitOptions): Promise<EcflowLayoutPlan> {
  try {
    if (!opts || (opts.mode !== 'shared' && opts.mode !== 'specific')) throw new PkiError('ecFlow layout: mode must be shared or specific');
    const host = opts.host ?? localHostName();
    const port = opts.port ?? ECFLOW_DEFAULT_PORT;
    checkHost(host);
    checkPort(port);
    const names = ecflowFileNames(opts.mode, host, port);
    const spec = keySpecFor(opts.key);
    if (opts.passphrase !== undefined) checkEcflowPassphrase(opts.passphrase);
    const days = opts.days ?? 365;
    const notes: string[] = [];
    const clientHosts = uniq((opts.clientHosts ?? []).map((h) => h.trim()).filter((h) => h !== ''));
    for (const h of clientHosts) checkHost(h);

    const { pkcs8: privateKeyPkcs8, dh } = await keyAndDh(spec, opts.dh, opts.signal);
    const sans: San[] = [];
    for (const n of uniq([host, 'localhost', ...clientHosts])) {
      try {
        sans.push(...parseSans(n));
      } catch {
        notes.push(`"${n}" is not a valid DNS name or IP address: left out of the certificate's SANs (ecFlow does not check them)`);
      }
    }
    const subject: DnAttr[] = [{ type: 'CN', value: host }];
    const issued = await issueCertificate({
      subject,
      sans,
      profile: 'server',
      days,
      notBefore: opts.notBefore,
      publicKeySpki: spkiOfPrivateKey(privateKeyPkcs8),
      subjectPrivateKeyPkcs8: privateKeyPkcs8,
    });
    // The 398/825-day limits are for public CAs and browsers, not for ecFlow's self-signed certificate.
    notes.push(...issued.warnings.filter((w) => !/public CAs may not|over \d+ days/i.test(w)));
    const crtPem = encodePem('CERTIFICATE', issued.der);
    const keyPem = encodePrivateKey(privateKeyPkcs8, opts.passphrase !== undefined ? { passphrase: opts.passphrase } : {});
    const keyWhat = `${spec.type === 'rsa' ? `RSA ${spec.bits}` : `EC ${spec.type === 'ec' ? spec.curve : ''}`} private key${opts.passphrase !== undefined ? ', encrypted' : ''}`;
    const files: EcflowPlannedFile[] = [
      { name: names.crt, data: crtPem, secret: false, what: `self-signed certificate for ${host}, ${days} days` },
      { name: names.key, data: keyPem, secret: true, what: keyWhat },
      { name: names.dh, data: dh.pem, secret: false, what: dh.what },
    ];
    if (opts.passphrase !== undefined) files.push({ name: names.passwd, data: opts.passphrase, secret: true, what: 'passphrase file, no line end' });
    if (opts.mode === 'specific') {
      for (const h of clientHosts) {
        if (h === host || h === 'localhost') continue;
        files.push({ name: `${h}.${port}.crt`, data: crtPem, secret: false, what: `copy of ${names.crt} for clients that connect with --host ${h}` });
      }
    }
    return { set: opts.mode, host, port, files, exportLine: ecfSslExport(opts.mode, host, port), notes };
  } catch (e) {
    throw asPkiError(e, 'could not create the ecFlow layout');
  }
}

/**
 * The key and the DH parameters, made at the same time. Aborting `signal` — at any moment — stops both; a
 * failure of one stops the other.
 */
async function keyAndDh(spec: KeySpec, dh: EcflowInitOptions['dh'], signal: AbortSignal | undefined): Promise<{ pkcs8: Uint8Array; dh: { pem: string; what: string } }> {
  const inner = new AbortController();
  const onAbort = (): void => inner.abort();
  signal?.addEventListener('abort', onAbort, { once: true });
  if (signal?.aborted) inner.abort();
  const stopOthers = (e: unknown): never => {
    inner.abort();
    throw e;
  };
  try {
    const [key, params] = await Promise.all([generateKey(spec, { signal: inner.signal }).catch(stopOthers), dhPem(dh, inner.signal).catch(stopOthers)]);
    return { pkcs8: key.privateKeyPkcs8, dh: params };
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
}

/** A passphrase ecFlow and OpenSSL will both read back exactly: one line, no surrounding blanks. */
export function checkEcflowPassphrase(p: string): void {
  if (typeof p !== 'string' || p === '') throw new PkiError('the passphrase is empty');
  if (/[\r\n]/.test(p)) throw new PkiError('the passphrase must be a single line');
  if (p !== p.trim()) throw new PkiError('the passphrase must not start or end with blanks (they are lost when the passwd file is edited)');
  if ([...p].length < 4) throw new PkiError('the passphrase is too short: use at least 4 characters (OpenSSL refuses shorter ones)');
}

function keySpecFor(k: EcflowKeyType | undefined): KeySpec {
  if (!k || k.type === 'rsa') {
    const bits = k?.bits ?? 2048;
    if (!Number.isInteger(bits) || bits < MIN_BITS || bits > 16384) {
      throw new PkiError(`RSA key size must be from ${MIN_BITS} to 16384 bits for ecFlow (OpenSSL 3 refuses smaller keys), got ${String(bits)}`);
    }
    return { type: 'rsa', bits };
  }
  if (k.type === 'ec') {
    const curve = k.curve ?? 'P-256';
    if (curve !== 'P-256' && curve !== 'P-384' && curve !== 'P-521') throw new PkiError(`EC curve must be P-256, P-384 or P-521, got ${String(curve)}`);
    return { type: 'ec', curve };
  }
  throw new PkiError(`key type must be rsa or ec, got ${String((k as { type?: unknown }).type)}`);
}

async function dhPem(dh: EcflowInitOptions['dh'], signal: AbortSignal | undefined): Promise<{ pem: string; what: string }> {
  if (!dh || dh.kind === 'ffdhe') {
    const bits = dh?.bits ?? 2048;
    return { pem: ffdhePem(bits), what: `DH parameters: RFC 7919 ffdhe${bits}` };
  }
  const bits = dh.bits ?? 2048;
  if (!Number.isInteger(bits) || bits < MIN_BITS || bits > 8192) throw new PkiError(`DH size must be from ${MIN_BITS} to 8192 bits for ecFlow, got ${String(bits)}`);
  const pem = await generateDhParameters(bits, { signal, onProgress: dh.onProgress });
  return { pem, what: `DH parameters: ${bits}-bit, freshly generated` };
}

/** An RFC 7919 group as the PKCS#3 PEM `openssl dhparam` writes (instant; what ecFlow's dh2048.pem needs). */
export function ffdhePem(bits: 2048 | 3072 | 4096 | number = 2048): string {
  const group = (FFDHE as Record<string, { prime: string; generator: number } | undefined>)[`ffdhe${bits}`];
  if (!group) throw new PkiError(`no RFC 7919 group of ${String(bits)} bits here (use 2048, 3072 or 4096)`);
  return encodePem('DH PARAMETERS', encodeDhParameters(group.prime, group.generator));
}

// ---------------------------------------------------------------------------------------------------------------
// Generating DH parameters: a safe prime p = 2q + 1 with p ≡ 23 (mod 24), generator 2 (what `openssl dhparam`
// makes). Candidates are sieved in JavaScript, then tested with crypto.checkPrime on libuv's thread pool, a few
// searches in parallel. Between two steps the signal is checked, so cancelling really stops the work.

let smallPrimeTable: number[] | undefined;

function smallPrimes(): number[] {
  if (smallPrimeTable) return smallPrimeTable;
  const limit = 1 << 16;
  const composite = new Uint8Array(limit + 1);
  const out: number[] = [];
  for (let i = 2; i <= limit; i++) {
    if (composite[i]) continue;
    if (i > 3) out.push(i); // 2 and 3 are excluded by q ≡ 11 (mod 12)
    for (let j = i * i; j <= limit; j += i) composite[j] = 1;
  }
  smallPrimeTable = out;
  return out;
}

function isPrime(n: bigint, checks = 0): Promise<boolean> {
  return new Promise((resolve, reject) => {
    checkPrime(n, { checks }, (err, ok) => (err ? reject(err) : resolve(ok)));
  });
}

/**
 * Generates `bits`-bit DH parameters (safe prime, generator 2) as PKCS#3 PEM. Takes from seconds to minutes for
 * 2048 bits. `onProgress` is called about every quarter second; aborting `signal` stops the search and rejects
 * with PkiError('cancelled').
 */
export async function generateDhParameters(
  bits: number,
  opts: { signal?: AbortSignal; onProgress?: (p: DhProgress) => void; parallel?: number } = {},
): Promise<string> {
  if (!Number.isInteger(bits) || bits < 512 || bits > 8192) throw new PkiError(`DH size must be from 512 to 8192 bits, got ${String(bits)}`);
  const { signal, onProgress } = opts;
  const started = Date.now();
  let tested = 0;
  let lastReport = started;
  let found: bigint | undefined;
  const primes = smallPrimes();
  const cancelled = (): boolean => signal?.aborted === true;
  const report = (): void => {
    const now = Date.now();
    if (onProgress && now - lastReport >= 250) {
      lastReport = now;
      try {
        onProgress({ tested, elapsedMs: now - started });
      } catch {
        // a caller's progress callback must not break the search
      }
    }
  };
  const qBits = bits - 1;
  const search = async (): Promise<void> => {
    while (found === undefined && !cancelled()) {
      // A random q of qBits bits, top two bits set (so p has exactly `bits` bits), q ≡ 11 (mod 12).
      let q = BigInt(`0x${randomBytes(Math.ceil(qBits / 8)).toString('hex')}`) & ((1n << BigInt(qBits)) - 1n);
      q |= (1n << BigInt(qBits - 1)) | (1n << BigInt(qBits - 2));
      q = q - (q % 12n) + 11n;
      const residues = primes.map((s) => Number(q % BigInt(s)));
      for (let k = 0; k < 4096 && found === undefined && !cancelled(); k++) {
        const step = 12 * k;
        let survives = true;
        for (let i = 0; i < primes.length; i++) {
          const s = primes[i];
          const r = (residues[i] + step) % s;
          if (r === 0 || (2 * r + 1) % s === 0) {
            survives = false;
            break;
          }
        }
        if (!survives) continue;
        const cq = q + BigInt(step);
        tested++;
        report();
        if (!(await isPrime(cq, 1))) continue;
        const p = 2n * cq + 1n;
        if (!(await isPrime(p, 1))) continue;
        if (p.toString(2).length !== bits) continue;
        if ((await isPrime(cq)) && (await isPrime(p))) {
          found ??= p;
          return;
        }
      }
      // Yield now and then even when no candidate survived the sieve for a while.
      await new Promise<void>((r) => setImmediate(r));
    }
  };
  const workers = Math.max(1, Math.min(opts.parallel ?? Math.min(4, availableParallelism()), 8));
  // Cancelling answers at once; a primality test already running on the thread pool finishes in the background
  // and its result is dropped.
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<void>((resolve) => {
    onAbort = resolve;
    signal?.addEventListener('abort', onAbort, { once: true });
  });
  try {
    await Promise.race([Promise.all(Array.from({ length: workers }, () => search())), aborted]);
  } catch (e) {
    throw asPkiError(e, 'DH parameter generation failed');
  } finally {
    if (onAbort) signal?.removeEventListener('abort', onAbort);
  }
  if (found === undefined || cancelled()) throw new PkiError('cancelled');
  onProgress?.({ tested, elapsedMs: Date.now() - started });
  return encodePem('DH PARAMETERS', encodeDhParameters(found.toString(16), 2));
}

// ---------------------------------------------------------------------------------------------------------------
// Repairs (pure: bytes in, new file contents out)

/**
 * The passwd file content that makes ecFlow open `key`: the first tidy reading of `passwd` (without line ends,
 * without trailing blanks, its first line) that decrypts it, to be written with no line end.
 */
export function repairPasswdFile(passwd: Uint8Array | string, key: Uint8Array | string): string {
  if (!isEncryptedPrivateKey(key)) throw new PkiError('the key is not encrypted: ecFlow does not read the passwd file');
  const ecf = ecflowPassphrase(passwd);
  if (tryOpen(keyBytes(key), ecf)) return ecf;
  for (const c of passwdCandidates(typeof passwd === 'string' ? passwd : utf8(passwd))) {
    if (tryOpen(keyBytes(key), c)) return c;
  }
  throw new PkiError('no reading of the passwd file opens the key: it holds a different passphrase');
}

/**
 * Re-encodes a key for ecFlow: decrypted with `currentPassphrase` when it is encrypted, then encrypted with
 * `newPassphrase` (PKCS#8, AES-256-CBC) — the new passwd file content is returned with it — or left
 * unencrypted (what ecflow_http needs) when `newPassphrase` is undefined.
 */
export function reencodeEcflowKey(key: Uint8Array | string, currentPassphrase: string | undefined, newPassphrase: string | undefined): { key: string; passwd?: string } {
  try {
    const data = keyBytes(key);
    const encrypted = isEncryptedPrivateKey(data);
    if (encrypted && currentPassphrase === undefined) throw new PkiError('the key is encrypted: its current passphrase is needed');
    const pkcs8 = loadPrivateKey(data, encrypted ? currentPassphrase : undefined);
    if (newPassphrase === undefined) return { key: encodePrivateKey(pkcs8) };
    checkEcflowPassphrase(newPassphrase);
    return { key: encodePrivateKey(pkcs8, { passphrase: newPassphrase }), passwd: newPassphrase };
  } catch (e) {
    throw asPkiError(e, 'the key could not be re-encoded');
  }
}

/**
 * A new self-signed certificate for the same key, with the old certificate's subject and SANs (the fix for an
 * expired or expiring certificate, and for a certificate that does not match the key). PEM.
 */
export async function renewEcflowCertificate(
  crt: Uint8Array | string,
  keyPkcs8: Uint8Array,
  opts: { days?: number; notBefore?: Date; host?: string } = {},
): Promise<string> {
  try {
    const bytes = typeof crt === 'string' ? new TextEncoder().encode(crt) : crt;
    let subject: DnAttr[] = [];
    let sans: San[] = [];
    let der: Uint8Array | undefined;
    try {
      der = rawObjects(bytes).find((x) => x.kind === 'certificate')?.der;
    } catch {
      der = undefined;
    }
    if (der) {
      subject = decodeName(subjectNameDer(der));
      const model = readObjects(der).objects.find((x): x is CertificateModel => x.kind === 'certificate');
      sans = (model?.subjectAltNames ?? []).filter((s): s is San => s.type === 'dns' || s.type === 'ip' || s.type === 'email' || s.type === 'uri');
    }
    if (subject.length === 0) {
      const host = opts.host ?? localHostName();
      subject = [{ type: 'CN', value: host }];
      try {
        sans = parseSans(`${host},localhost`);
      } catch {
        sans = [];
      }
    }
    const issued = await issueCertificate({
      subject,
      sans,
      profile: 'server',
      days: opts.days ?? 365,
      notBefore: opts.notBefore,
      publicKeySpki: spkiOfPrivateKey(keyPkcs8),
      subjectPrivateKeyPkcs8: keyPkcs8,
    });
    return encodePem('CERTIFICATE', issued.der);
  } catch (e) {
    throw asPkiError(e, 'could not renew the certificate');
  }
}

/** The subject Name DER of a DER certificate. */
function subjectNameDer(der: Uint8Array): Uint8Array {
  const root = expectTag(readRoot(der), Tag.Sequence, 'Certificate');
  const [tbs] = children(der, root);
  const fields = children(der, expectTag(tbs, Tag.Sequence, 'TBSCertificate'));
  const offset = fields[0]?.tag === 0xa0 ? 1 : 0; // [0] version
  const subject = fields[offset + 4];
  if (!subject) throw new PkiError('the certificate has no subject');
  return whole(der, expectTag(subject, Tag.Sequence, 'subject Name'));
}

/** Any object of a file as PEM (DER input converted with the right label; PEM returned as is). */
export function toPemText(bytes: Uint8Array): string {
  if (looksLikePem(bytes)) return utf8(bytes);
  const kind = sniffDer(bytes);
  const labels: Record<string, string> = {
    'certificate': 'CERTIFICATE',
    'dh-parameters': 'DH PARAMETERS',
    'pkcs8': 'PRIVATE KEY',
    'encrypted-pkcs8': 'ENCRYPTED PRIVATE KEY',
    'pkcs1': 'RSA PRIVATE KEY',
    'sec1': 'EC PRIVATE KEY',
  };
  let label: string | undefined;
  if (kind?.kind === 'private-key') label = labels[kind.hint];
  else if (kind?.kind === 'dh-parameters') label = kind.format === 'x942' ? 'X9.42 DH PARAMETERS' : 'DH PARAMETERS';
  else if (kind) label = labels[kind.kind];
  if (!label) throw new PkiError('not a DER certificate, private key or DH parameters');
  return encodePem(label, bytes);
}

/**
 * What a client needs: the server's certificate (PEM) under the name the client will look for, and the export
 * line. Shared set: server.crt and ECF_SSL=1. Specific set: `<connect host>.<port>.crt` (`localhost` → the
 * server's name) and ECF_SSL=<that>.<port>.
 */
export function exportEcflowClient(
  crt: Uint8Array,
  set: EcflowSet,
  serverHost: string,
  port: number,
  connectHost?: string,
): { name: string; data: string; exportLine: string } {
  try {
    const data = toPemText(crt);
    if (!readObjects(new TextEncoder().encode(data)).objects.some((x) => x.kind === 'certificate')) throw new PkiError('the server certificate file holds no certificate');
    if (set === 'shared') return { name: 'server.crt', data, exportLine: 'export ECF_SSL=1' };
    const host = connectHost === undefined || connectHost === 'localhost' ? serverHost : connectHost;
    const base = specificBase(host, port);
    return { name: `${base}.crt`, data, exportLine: `export ECF_SSL=${base}` };
  } catch (e) {
    throw asPkiError(e, 'could not export the client certificate');
  }
}

export interface EcflowRepairOptions {
  /** Renew the certificate (expired, expiring, not yet valid, or not matching the key), keeping the key. */
  renew?: boolean;
  days?: number;
  /** Write the key unencrypted (for ecflow_http). */
  decryptKey?: boolean;
  /** (Re-)encrypt the key with `passphrase` and write the passwd file. */
  encryptKey?: boolean;
  /** The key's passphrase (to write a missing or wrong passwd file), or the new one with `encryptKey`. */
  passphrase?: string;
  /** Also give clients that connect with these names their `<name>.<port>.crt` (specific set). */
  clientHosts?: string[];
  now?: Date;
}

export interface EcflowRepairPlan {
  writes: EcflowPlannedFile[];
  chmods: { name: string; mode: number }[];
  /** One line per action, for the user. */
  actions: string[];
  /** Findings no repair here can fix (they need the operator). */
  remaining: EcflowFinding[];
}

const REPAIRABLE: ReadonlySet<EcflowFindingCode> = new Set<EcflowFindingCode>([
  'passwd-crlf',
  'passwd-trailing-space',
  'passwd-multiline',
  'key-permissions',
  'passwd-permissions',
  'crt-not-pem',
  'key-not-pem',
  'dh-not-pem',
  'dh-missing',
  'dh-invalid',
  'dh-weak',
  'dh1024-fallback',
  'client-crt-missing',
  'client-crt-differs',
]);

/** The finding codes `planEcflowRepairs` fixes without options (others need renew / passphrase / encrypt / decrypt). */
export function isAutoRepairable(code: EcflowFindingCode): boolean {
  return REPAIRABLE.has(code);
}

/**
 * The file writes and mode changes that fix what `checkEcflowLayout` found (server role), given the same entries
 * and options. Nothing is written here. Repairs that need a decision (renewing the certificate, a passphrase,
 * encrypting or decrypting the key) happen only when asked for in `repair`.
 */
export async function planEcflowRepairs(entries: EcflowEntry[], options: EcflowCheckOptions, repair: EcflowRepairOptions = {}): Promise<EcflowRepairPlan> {
  const opts: EcflowCheckOptions = { ...options, role: 'server', clientHosts: uniq([...(options.clientHosts ?? []), ...(repair.clientHosts ?? [])]), now: repair.now ?? options.now };
  const check = checkEcflowLayout(entries, opts);
  const writes = new Map<string, EcflowPlannedFile>();
  const chmods: { name: string; mode: number }[] = [];
  const actions: string[] = [];
  const fixed = new Set<EcflowFinding>();
  const byName = new Map(entries.map((e) => [e.name, e]));
  if (check.set === null) return { writes: [], chmods: [], actions: [], remaining: check.findings };
  const set = check.set;
  const names = ecflowFileNames(set, opts.host, opts.port);
  if (set === 'shared' && !byName.has('dh2048.pem') && byName.has('dh1024.pem')) names.dh = 'dh1024.pem';
  const put = (f: EcflowPlannedFile): void => {
    writes.set(f.name, f);
  };
  const current = (name: string): Uint8Array | undefined => {
    const w = writes.get(name);
    return w ? new TextEncoder().encode(w.data) : byName.get(name)?.bytes;
  };
  const mark = (...codes: EcflowFindingCode[]): void => {
    for (const f of check.findings) if (codes.includes(f.code)) fixed.add(f);
  };
  const has = (code: EcflowFindingCode, file?: string): EcflowFinding | undefined => check.findings.find((f) => f.code === code && (file === undefined || f.file === file));

  try {
    // Formats first: later repairs read the PEM.
    for (const [code, name, secret] of [
      ['crt-not-pem', names.crt, false],
      ['key-not-pem', names.key, true],
      ['dh-not-pem', names.dh, false],
    ] as const) {
      const bytes = byName.get(name)?.bytes;
      if (has(code, name) && bytes) {
        put({ name, data: toPemText(bytes), secret, what: 'converted from DER to PEM' });
        actions.push(`${name}: converted from DER to PEM`);
        mark(code);
      }
    }
    // Client certificate files that were DER.
    for (const f of check.findings.filter((x) => x.code === 'crt-not-pem' && x.file !== names.crt && x.file !== null)) {
      const bytes = byName.get(f.file as string)?.bytes;
      if (bytes) {
        put({ name: f.file as string, data: toPemText(bytes), secret: false, what: 'converted from DER to PEM' });
        actions.push(`${f.file}: converted from DER to PEM`);
        fixed.add(f);
      }
    }

    // The passphrase that opens the key now (from the passwd file, a tidy reading of it, the one given, or
    // ecFlow's fallback "test"), and the key's plain PKCS#8.
    const keyData = current(names.key);
    const pw = byName.get(names.passwd)?.bytes;
    let pkcs8: Uint8Array | undefined;
    let passphrase: string | undefined;
    let source: 'passwd' | 'given' | 'test' | undefined;
    const encrypted = keyData ? isEncryptedPrivateKey(keyData) : false;
    if (keyData && encrypted) {
      const tries: [string, 'passwd' | 'given' | 'test'][] = [];
      if (pw) for (const c of [ecflowPassphrase(pw), ...passwdCandidates(pw)]) tries.push([c, 'passwd']);
      else tries.push(['test', 'test']);
      // With --encrypt-key the passphrase given is the new one, not the key's current one.
      if (repair.passphrase !== undefined && !repair.encryptKey) tries.push([repair.passphrase, 'given']);
      for (const [t, from] of tries) {
        const k = tryOpen(keyData, t);
        if (k) {
          pkcs8 = k;
          passphrase = t;
          source = from;
          break;
        }
      }
    } else if (keyData) {
      pkcs8 = tryOpenPlain(keyData);
    }

    // The passwd file: rewritten when ecFlow's reading of it is not the passphrase that opens the key
    // (line ends, blanks, extra lines), or written from the passphrase given when it is missing or wrong.
    if (encrypted && pkcs8 && passphrase !== undefined && !repair.encryptKey && !repair.decryptKey) {
      const stale = pw ? ecflowPassphrase(pw) !== passphrase : source === 'given';
      if (stale) {
        put({ name: names.passwd, data: passphrase, secret: true, what: 'passphrase file, no line end' });
        actions.push(`${names.passwd}: written with the passphrase that opens ${names.key}, no line end, mode 0600`);
        mark('passwd-crlf', 'passwd-trailing-space', 'passwd-multiline', 'passwd-empty', 'passwd-wrong', 'passwd-missing', 'passwd-permissions');
      }
    }

    // Encrypt / decrypt the key.
    if (repair.encryptKey || repair.decryptKey) {
      if (!keyData) throw new PkiError(`${names.key} is missing: nothing to ${repair.decryptKey ? 'decrypt' : 'encrypt'}`);
      if (!pkcs8) throw new PkiError(`${names.key} does not open with the passphrase in ${names.passwd}${repair.encryptKey ? '' : ' or the one given'}: cannot re-encode it`);
      if (repair.decryptKey) {
        put({ name: names.key, data: encodePrivateKey(pkcs8), secret: true, what: 'private key, not encrypted' });
        actions.push(`${names.key}: written unencrypted (for ecflow_http), mode 0600`);
        mark('http-key-encrypted', 'passwd-crlf', 'passwd-trailing-space', 'passwd-multiline', 'passwd-empty', 'passwd-wrong', 'passwd-missing', 'passwd-default-test', 'key-permissions');
      } else {
        if (repair.passphrase === undefined) throw new PkiError('--encrypt-key needs the new passphrase');
        checkEcflowPassphrase(repair.passphrase);
        put({ name: names.key, data: encodePrivateKey(pkcs8, { passphrase: repair.passphrase }), secret: true, what: 'private key, encrypted' });
        put({ name: names.passwd, data: repair.passphrase, secret: true, what: 'passphrase file, no line end' });
        actions.push(`${names.key}: encrypted with the new passphrase (PKCS#8, AES-256-CBC), mode 0600`);
        actions.push(`${names.passwd}: written with the new passphrase, no line end, mode 0600`);
        mark('passwd-crlf', 'passwd-trailing-space', 'passwd-multiline', 'passwd-empty', 'passwd-wrong', 'passwd-missing', 'passwd-default-test', 'passwd-unused', 'key-permissions', 'passwd-permissions');
      }
    }

    // Certificate renewal (keeps the key).
    let crtPem: string | undefined;
    const certBytes = current(names.crt);
    if (repair.renew) {
      if (!pkcs8) throw new PkiError(`cannot renew ${names.crt}: ${names.key} is missing or does not open`);
      crtPem = await renewEcflowCertificate(certBytes ?? new Uint8Array(), pkcs8, { days: repair.days, host: opts.host });
      put({ name: names.crt, data: crtPem, secret: false, what: `renewed certificate, ${repair.days ?? 365} days, same key` });
      actions.push(`${names.crt}: renewed for ${repair.days ?? 365} days with the same key (give clients the new ${names.crt})`);
      mark('crt-expired', 'crt-expiring', 'crt-not-yet-valid', 'key-mismatch');
    } else if (certBytes && looksLikePem(certBytes)) {
      crtPem = utf8(certBytes);
    }

    // DH parameters.
    if (has('dh-missing') || has('dh-invalid') || has('dh-weak') || has('dh1024-fallback')) {
      const target = set === 'shared' ? 'dh2048.pem' : names.dh;
      put({ name: target, data: ffdhePem(2048), secret: false, what: 'DH parameters: RFC 7919 ffdhe2048' });
      actions.push(`${target}: written with the RFC 7919 ffdhe2048 group`);
      mark('dh-missing', 'dh-invalid', 'dh-weak', 'dh1024-fallback');
      if (has('dh-not-pem') && target !== names.dh) mark('dh-not-pem');
    }

    // Client copies of the certificate (specific set).
    if (set === 'specific' && crtPem) {
      for (const f of check.findings.filter((x) => (x.code === 'client-crt-missing' || x.code === 'client-crt-differs') && x.file)) {
        put({ name: f.file as string, data: crtPem, secret: false, what: `copy of ${names.crt}` });
        actions.push(`${f.file}: copied from ${names.crt}`);
        fixed.add(f);
      }
    }
    if (set === 'specific' && repair.renew && crtPem) {
      // Copies made earlier must follow the renewed certificate.
      for (const h of opts.clientHosts ?? []) {
        const n = `${h}.${opts.port}.crt`;
        if (h === 'localhost' || h === opts.host || writes.has(n) || !byName.has(n)) continue;
        put({ name: n, data: crtPem, secret: false, what: `copy of ${names.crt}` });
        actions.push(`${n}: copied from the renewed ${names.crt}`);
      }
    }

    // Permissions of files not rewritten (rewritten secrets are written 0600 anyway).
    for (const f of check.findings.filter((x) => (x.code === 'key-permissions' || x.code === 'passwd-permissions') && x.file)) {
      if (!writes.has(f.file as string)) {
        chmods.push({ name: f.file as string, mode: 0o600 });
        actions.push(`${f.file}: mode set to 0600`);
      }
      fixed.add(f);
    }
  } catch (e) {
    throw asPkiError(e, 'could not plan the repairs');
  }
  return { writes: [...writes.values()], chmods, actions, remaining: check.findings.filter((f) => !fixed.has(f)) };
}

function tryOpenPlain(key: Uint8Array): Uint8Array | undefined {
  try {
    return loadPrivateKey(key);
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// I/O: the only part that touches a file system, behind a small interface (the extension may bring its own).

export interface EcflowStat {
  isFile: boolean;
  isDirectory: boolean;
  size: number;
  /** Permission bits; undefined where they mean nothing (Windows). */
  mode?: number;
}

export interface EcflowIo {
  /** Names in a folder; undefined when the folder does not exist. */
  list(dir: string): Promise<string[] | undefined> | string[] | undefined;
  stat(path: string): Promise<EcflowStat | undefined> | EcflowStat | undefined;
  read(path: string, maxBytes: number): Promise<Uint8Array> | Uint8Array;
  /** All or nothing; secrets 0600; refuses to replace existing files unless `overwrite`. */
  write(files: { path: string; data: string | Uint8Array; secret: boolean }[], overwrite: boolean): Promise<void> | void;
  chmod(path: string, mode: number): Promise<void> | void;
  /** Creates the folder and its parents (new folders 0700). */
  mkdir(path: string): Promise<void> | void;
}

/** Files ecFlow may read are small; anything larger is not read. */
const MAX_ENTRY_BYTES = 1024 * 1024;
const MAX_ENTRIES = 500;
const RELEVANT = /\.(crt|key|pem|passwd)$/i;

/** The folder as the checker needs it: every .crt/.key/.pem/.passwd file with its contents and mode. */
export async function loadEcflowFolder(io: EcflowIo, dir: string): Promise<{ exists: boolean; entries: EcflowEntry[] }> {
  const names = await io.list(dir);
  if (names === undefined) return { exists: false, entries: [] };
  const entries: EcflowEntry[] = [];
  for (const name of names.filter((n) => RELEVANT.test(n)).sort().slice(0, MAX_ENTRIES)) {
    const path = join(dir, name);
    let st: EcflowStat | undefined;
    try {
      st = await io.stat(path);
    } catch (e) {
      entries.push({ name, error: oneLine(e) });
      continue;
    }
    if (!st || !st.isFile) continue;
    const entry: EcflowEntry = { name, mode: st.mode };
    if (st.size > MAX_ENTRY_BYTES) {
      entry.error = `larger than ${MAX_ENTRY_BYTES / 1024} KB, not read`;
    } else {
      try {
        entry.bytes = await io.read(path, MAX_ENTRY_BYTES);
      } catch (e) {
        entry.error = oneLine(e).replace(`${path}: `, '');
      }
    }
    entries.push(entry);
  }
  return { exists: true, entries };
}

/** Loads the folder and checks it. */
export async function checkEcflowFolder(io: EcflowIo, options: Omit<EcflowCheckOptions, 'folderExists'>): Promise<EcflowCheckResult & { entries: EcflowEntry[] }> {
  const { exists, entries } = await loadEcflowFolder(io, options.dir);
  return { ...checkEcflowLayout(entries, { ...options, folderExists: exists }), entries };
}

/** Writes planned files into `dir` (created 0700 when missing), all or nothing. */
export async function writeEcflowFiles(io: EcflowIo, dir: string, files: EcflowPlannedFile[], overwrite: boolean): Promise<void> {
  await io.mkdir(dir);
  await io.write(
    files.map((f) => ({ path: join(dir, f.name), data: f.data, secret: f.secret })),
    overwrite,
  );
}

/** Applies a repair plan: the writes (replacing files, atomically, all or nothing), then the mode changes. */
export async function applyEcflowRepairs(io: EcflowIo, dir: string, plan: EcflowRepairPlan): Promise<void> {
  if (plan.writes.length > 0) await writeEcflowFiles(io, dir, plan.writes, true);
  for (const c of plan.chmods) await io.chmod(join(dir, c.name), c.mode);
}

/**
 * The local file system: reads are bounded, writes atomic and all-or-nothing with secrets 0600 from the first
 * byte (files.ts), new folders 0700. Permission bits are left out on Windows, where they mean nothing.
 */
export function nodeEcflowIo(): EcflowIo {
  const posix = process.platform !== 'win32';
  return {
    list(dir) {
      try {
        return readdirSync(dir);
      } catch (e) {
        const code = (e as { code?: unknown }).code;
        if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
        throw new PkiError(`${dir}: cannot list the folder (${typeof code === 'string' ? code : 'error'})`);
      }
    },
    stat(path) {
      try {
        const st = statSync(path);
        return { isFile: st.isFile(), isDirectory: st.isDirectory(), size: st.size, mode: posix ? st.mode & 0o7777 : undefined };
      } catch (e) {
        const code = (e as { code?: unknown }).code;
        if (code === 'ENOENT') return undefined;
        throw new PkiError(typeof code === 'string' ? code : 'cannot stat');
      }
    },
    read(path, maxBytes) {
      return readFileLimited(path, maxBytes);
    },
    write(files, overwrite) {
      writeFilesSafe(files, { overwrite });
    },
    chmod(path, mode) {
      if (!posix) return;
      try {
        // chmod follows symbolic links: never through one to a file outside the folder (a link planted as
        // server.key must not make `fix` change the mode of some other file of the user's).
        if (lstatSync(path).isSymbolicLink()) {
          const target = realpathSync(path);
          if (dirname(target) !== realpathSync(dirname(path))) {
            throw new PkiError(`${path} is a symbolic link to ${target}, outside the folder: its mode was not changed (replace the link with the file, or change the mode of ${target} yourself)`);
          }
        }
        chmodSync(path, mode);
      } catch (e) {
        if (e instanceof PkiError) throw e;
        const code = (e as { code?: unknown }).code;
        throw new PkiError(`${path}: cannot change its mode (${typeof code === 'string' ? code : 'error'})`);
      }
    },
    mkdir(path) {
      try {
        mkdirSync(path, { recursive: true, mode: 0o700 });
      } catch (e) {
        const code = (e as { code?: unknown }).code;
        throw new PkiError(`${path}: cannot create the folder (${typeof code === 'string' ? code : 'error'})`);
      }
    },
  };
}

/** Joins a folder and a file name the way ecFlow does for $HOME/.ecflowrc/ssl/ (one "/" between them). */
function join(dir: string, name: string): string {
  return dir.endsWith('/') || dir.endsWith('\\') ? `${dir}${name}` : `${dir}/${name}`;
}

// ---------------------------------------------------------------------------------------------------------------
// Helpers

function utf8(bytes: Uint8Array): string {
  return new TextDecoder('utf-8').decode(bytes);
}

function keyBytes(key: Uint8Array | string): Uint8Array {
  return typeof key === 'string' ? new TextEncoder().encode(key) : key;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

function uniq<T>(xs: T[]): T[] {
  return [...new Set(xs)];
}

function day(iso: string): string {
  return iso.slice(0, 10);
}

function octal(mode: number): string {
  return `0${(mode & 0o777).toString(8).padStart(3, '0')}`;
}

/** Quotes a shell word when it needs it. */
export function shq(s: string): string {
  return /^[A-Za-z0-9_@%+=:,./~-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

function oneLine(e: unknown): string {
  const m = e instanceof Error ? e.message : String(e);
  return m.split('\n')[0];
}

function asPkiError(e: unknown, what: string): PkiError {
  if (e instanceof PkiError) return e;
  const code = (e as { code?: unknown } | null)?.code;
  return new PkiError(`${what}${typeof code === 'string' ? ` (${code})` : ''}`);
}
