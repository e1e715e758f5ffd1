// ecFlow SSL layouts: the vocabulary (sets, findings, repairs), how ecFlow names its files, and where a front end
// looks (folder, host, port) given its options and the environment. Pure: the environment and this machine's name
// come in as data (io.ts `hostFacts` gives the real ones).
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

import { ECFLOW_MIN_RSA_BITS } from '../limits';
import { PkiError } from '../model';

export type EcflowSet = 'shared' | 'specific';
export type EcflowSeverity = 'error' | 'warning' | 'info';

/** Every finding code the checker can report (the vocabulary of `tlsw ecflow check --json`). */
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

export type EcflowKeyType = { type: 'rsa'; bits?: number } | { type: 'ec'; curve?: 'P-256' | 'P-384' | 'P-521' };

/**
 * A repair of the folder (`planEcflowRepairs`, `tlsw ecflow fix`). With no choices set it needs no decision;
 * otherwise it renews the certificate, needs a passphrase, or re-encodes the key.
 */
export interface EcflowFixRepair {
  kind: 'fix';
  /** What it does, as a verb phrase ("converts it to PEM"). */
  does: string;
  renew?: true;
  encryptKey?: true;
  decryptKey?: true;
  /** The passphrase it needs: the key's own (`key`), a new one (`new`), or the one the finding's file holds (`file`). */
  passphrase?: 'key' | 'new' | 'file';
  /** A name clients connect with: their copy of the certificate is written too. */
  clientHost?: string;
}

/** A new layout in place of this one (`planEcflowLayout`, `tlsw ecflow init`). */
export interface EcflowInitRepair {
  kind: 'init';
  does: string;
  mode: EcflowSet;
  /** Replaces the files there. */
  force?: true;
  key?: EcflowKeyType;
}

/** The server's certificate, exported on the server for the client that connects with `connectHost`. */
interface EcflowExportRepair {
  kind: 'export-client';
  connectHost: string;
}

/** A repair tlsw can make, as data: each front end offers it in its own words (a command line, a button). */
export type EcflowRepair = EcflowFixRepair | EcflowInitRepair | EcflowExportRepair;

export interface EcflowFinding {
  severity: EcflowSeverity;
  code: EcflowFindingCode;
  /** The file it is about (a name in the folder), or null for the folder / the environment. */
  file: string | null;
  /** What is wrong and what ecFlow does about it (one or two sentences, for an ecFlow operator). */
  message: string;
  /** What to do by hand: a sentence or a shell command (with `repair`, the other way to do it). */
  instruction?: string;
  /** What tlsw can do about it. Every finding has an instruction, a repair or both. */
  repair?: EcflowRepair;
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
  /** The folder, as shown in messages and instructions. */
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
  /**
   * What was checked, in order, each once ("certificate validity", "passphrase"…): only the checks that ran (no
   * passphrase check without a key). With no error or warning among the findings, all of them passed.
   */
  checks: string[];
}

/** A file to write into the folder. */
export interface EcflowPlannedFile {
  name: string;
  data: string;
  secret: boolean;
  /** What it is, for the user ("RSA 2048 private key, encrypted"). */
  what: string;
}

/** The ecFlow versions and behaviour the model assumes (shown by `tlsw ecflow check --help`). */
export const ECFLOW_ASSUMPTIONS = [
  'ecFlow 5.x built with OpenSSL 3 (checked against Debian ecflow 5.9.2); ECF_SSL_DIR needs ecFlow 5.13.6 or later.',
  'The specific set is named after the port: with --ssl the one given by --port (else ECF_PORT, else 3141); when ECF_SSL is set, ecFlow before 5.13.6 uses ECF_PORT (else 3141) even if --port differs.',
  'The passwd file: its whole content minus one trailing newline is the passphrase; without it ecFlow tries "test".',
  'OpenSSL security level 2: RSA keys and DH parameters under 2048 bits are refused; ecFlow 5.16+ speaks only TLS 1.3.',
];

export const ECFLOW_DEFAULT_PORT = 3141;

/** OpenSSL 3's security level refuses DH parameters under the size it refuses RSA keys under ("dh key too small"). */
export const ECFLOW_MIN_DH_BITS = ECFLOW_MIN_RSA_BITS;

// ---------------------------------------------------------------------------------------------------------------
// Names

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
  checkEcflowHost(host);
  checkEcflowPort(port);
  return `${host}.${port}`;
}

/** The set an ECF_SSL value asks for: unset, empty or "1" the shared one (when server.crt exists), anything else the specific one. */
export function preferredSet(ecfSsl: string | undefined): EcflowSet {
  return ecfSsl === undefined || ecfSsl === '' || ecfSsl === '1' ? 'shared' : 'specific';
}

/** The export line a client (or the server) needs for a set. */
export function ecfSslExport(set: EcflowSet, host: string, port: number): string {
  return set === 'shared' ? 'export ECF_SSL=1' : `export ECF_SSL=${specificBase(host, port)}`;
}

/** Joins a folder and a file name the way ecFlow does for $HOME/.ecflowrc/ssl/ (one "/" between them). */
export function ecflowPath(dir: string, name: string): string {
  return dir.endsWith('/') || dir.endsWith('\\') ? `${dir}${name}` : `${dir}/${name}`;
}

/** A host name fit for ecFlow's file names. */
export function checkEcflowHost(host: string): void {
  if (typeof host !== 'string' || host === '' || /[/\\\s\0]/.test(host) || host === '.' || host === '..') {
    throw new PkiError(`"${String(host).slice(0, 80)}" is not a usable host name for ecFlow file names`);
  }
}

export function checkEcflowPort(port: number): void {
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new PkiError(`the port must be a whole number from 1 to 65535, got "${String(port)}"`);
}

/** Quotes a shell word when it needs it (for the shell commands in instructions). */
export function shq(s: string): string {
  return /^[A-Za-z0-9_@%+=:,./~-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

// ---------------------------------------------------------------------------------------------------------------
// Passphrases

/** The passphrase ecFlow reads from a passwd file: the whole file minus one trailing \n (a \r, spaces, more lines stay). */
export function ecflowPassphrase(passwd: Uint8Array | string): string {
  const text = typeof passwd === 'string' ? passwd : new TextDecoder('utf-8').decode(passwd);
  return text.endsWith('\n') ? text.slice(0, -1) : text;
}

/** A passphrase ecFlow and OpenSSL will both read back exactly: one line, no surrounding blanks. */
export function checkEcflowPassphrase(p: string): void {
  if (typeof p !== 'string' || p === '') throw new PkiError('the passphrase is empty');
  if (/[\r\n]/.test(p)) throw new PkiError('the passphrase must be a single line');
  if (p !== p.trim()) throw new PkiError('the passphrase must not start or end with blanks (they are lost when the passwd file is edited)');
  if ([...p].length < 4) throw new PkiError('the passphrase is too short: use at least 4 characters (OpenSSL refuses shorter ones)');
}

// ---------------------------------------------------------------------------------------------------------------
// Where to look: the folder, the host and port that name the files, ECF_SSL — the one rule for the CLI and the
// extension (their options and settings first, then the environment as ecFlow reads it).

/** What a front end knows: its own options (undefined where not given), the environment and this machine. */
export interface EcflowContextInput {
  /** The process environment (ECF_SSL_DIR, HOME, ECF_SSL, ECF_PORT, ECF_HOST are read). */
  env: Readonly<Record<string, string | undefined>>;
  /** This machine's name, as ecflow_server names the specific set (gethostname()). */
  thisHost: string;
  /** The home folder, when $HOME is unset. */
  home?: string;
  /** The folder, given (--dir, a setting): wins over $ECF_SSL_DIR and the default. */
  dir?: string;
  host?: string;
  /** A number, or the text of an option. */
  port?: number | string;
  /** The set to check or create, given: stands for ECF_SSL (shared: "1", specific: `<host>.<port>`). */
  mode?: EcflowSet;
  clientHosts?: readonly string[];
  /** `client`: the host is the one a client connects to (--host, else $ECF_HOST, else localhost). Default `server`. */
  role?: 'server' | 'client';
}

/** Where ecFlow's files are and what names them: the check options a front end passes on. */
export interface EcflowContext {
  dir: string;
  /** Where `dir` came from: given (an option, a setting), $ECF_SSL_DIR, or ecFlow's default $HOME/.ecflowrc/ssl/. */
  dirSource: 'given' | 'env' | 'default';
  /** The value of ECF_SSL_DIR when the folder came from it. */
  sslDirEnv?: string;
  host: string;
  port: number;
  /** ECF_SSL as ecFlow will see it (undefined: unset, i.e. --ssl). */
  ecfSsl?: string;
  ecfPortEnv: string | null;
  clientHosts: string[];
}

/** The folder ecFlow reads: $ECF_SSL_DIR as is (ecFlow >= 5.13.6), else $HOME/.ecflowrc/ssl/. */
function ecflowSslDir(env: EcflowContextInput['env'], home: string | undefined): { dir: string; fromEnv: boolean } {
  const fromEnv = env.ECF_SSL_DIR;
  if (fromEnv !== undefined && fromEnv !== '') return { dir: fromEnv, fromEnv: true };
  const h = env.HOME || home;
  if (!h) throw new PkiError('cannot tell where ecFlow looks: neither ECF_SSL_DIR nor HOME is set');
  return { dir: `${h.replace(/\/+$/, '')}/.ecflowrc/ssl/`, fromEnv: false };
}

function portOf(value: number | string, fromEnv: boolean): number {
  const n = typeof value === 'number' ? value : /^\d+$/.test(value.trim()) ? Number(value.trim()) : NaN;
  if (!Number.isInteger(n) || n < 1 || n > 65535) {
    throw new PkiError(`the port must be a whole number from 1 to 65535, got "${String(value)}"${fromEnv ? ' (from ECF_PORT)' : ''}`);
  }
  return n;
}

/**
 * Where to look, as ecFlow would: the folder given, else $ECF_SSL_DIR, else $HOME/.ecflowrc/ssl/; the port given,
 * else $ECF_PORT, else 3141; the server's host given, else this machine's name (a client's: --host, else $ECF_HOST,
 * else localhost, and `localhost` means this machine); ECF_SSL from the mode given, else $ECF_SSL; $ECF_HOST counts
 * as a name clients connect with. PkiError for a port or host name ecFlow cannot use.
 */
export function resolveEcflowContext(input: EcflowContextInput): EcflowContext {
  const env = input.env;
  let dir: string;
  let dirSource: EcflowContext['dirSource'];
  if (input.dir !== undefined && input.dir !== '') {
    dir = input.dir;
    dirSource = 'given';
  } else {
    const r = ecflowSslDir(env, input.home);
    dir = r.dir;
    dirSource = r.fromEnv ? 'env' : 'default';
  }
  const envPort = env.ECF_PORT;
  const port =
    input.port !== undefined && input.port !== '' ? portOf(input.port, false) : envPort !== undefined && envPort !== '' ? portOf(envPort, true) : ECFLOW_DEFAULT_PORT;
  const client = input.role === 'client';
  const connectHost = input.host || env.ECF_HOST || 'localhost';
  const host = client ? (connectHost === 'localhost' ? input.thisHost : connectHost) : input.host || input.thisHost;
  checkEcflowHost(host);
  const ecfSsl = input.mode === 'shared' ? '1' : input.mode === 'specific' ? specificBase(host, port) : env.ECF_SSL;
  const clientHosts = [...(input.clientHosts ?? [])];
  const envHost = env.ECF_HOST;
  if (!client && envHost && envHost !== 'localhost' && envHost !== host && !clientHosts.includes(envHost)) clientHosts.push(envHost);
  return { dir, dirSource, sslDirEnv: dirSource === 'env' ? dir : undefined, host, port, ecfSsl, ecfPortEnv: envPort ?? null, clientHosts };
}

