// The ecFlow layout checker: which set ecflow_server / ecflow_client will use in a folder, and everything that
// will make them fail, is risky or worth knowing — each finding with what to do by hand and, where tlsw can do
// it, the repair as data (layout.ts EcflowRepair). Pure: a folder listing with file contents in, findings out.

import type { CertificateModel, DhParametersModel, PublicKeyInfo } from '../model';
import { DEFAULT_WARN_DAYS, PkiError } from '../model';
import { looksLikePem } from '../der/pem';
import { expiryPhrase } from '../display/expiry';
import { KIND_WORDS, commonNameOf, keyLabel, messageOf, plural } from '../display/labels';
import { ECFLOW_MIN_RSA_BITS } from '../limits';
import { publicKeyOf } from '../objects/keys';
import { rawObjects, readObjects, sniff } from '../read/read';
import { isEncryptedPrivateKey, keyEncryptionInfo, loadPrivateKey } from '../write/keygen';
import type {
  EcflowCheckOptions,
  EcflowCheckResult,
  EcflowEntry,
  EcflowFileRole,
  EcflowFileStatus,
  EcflowFinding,
  EcflowFixRepair,
  EcflowInitRepair,
  EcflowNames,
  EcflowRepair,
  EcflowSet,
  EcflowSeverity,
} from './layout';
import { ECFLOW_DEFAULT_PORT, ECFLOW_MIN_DH_BITS, checkEcflowHost, checkEcflowPort, ecflowFileNames, ecflowPassphrase, ecflowPath, preferredSet, shq, specificBase } from './layout';

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
  /** The set ecFlow uses, or would look for. */
  mode: EcflowSet;
  /** The checks that ran (EcflowCheckResult.checks). */
  checks: string[];
}

/** Records that a check ran (whatever it found): the front ends count them ("N checks passed"). */
function ran(ctx: Ctx, check: string): void {
  if (!ctx.checks.includes(check)) ctx.checks.push(check);
}

function add(ctx: Ctx, severity: EcflowSeverity, code: EcflowFinding['code'], file: string | null, message: string, how: { instruction?: string; repair?: EcflowRepair }): void {
  ctx.findings.push({ severity, code, file, message, ...how });
}

/** The automatic repair (`tlsw ecflow fix` without choices). */
function fix(does: string, more: Omit<EcflowFixRepair, 'kind' | 'does'> = {}): EcflowRepair {
  return { kind: 'fix', does, ...more };
}

/** A new layout of the set ecFlow looks for. */
function init(ctx: Ctx, does: string, more: Omit<EcflowInitRepair, 'kind' | 'does' | 'mode'> = {}): EcflowRepair {
  return { kind: 'init', does, mode: ctx.mode, ...more };
}

const NEW_SET = 'creates a new set: a new key and certificate; give clients the new .crt';

/**
 * Which set ecFlow will use with these files and settings, and everything that will make ecflow_server or
 * ecflow_client fail (errors), is risky (warnings) or worth knowing (infos), each with what to do.
 * Never throws for bad file contents (they become findings); PkiError only for unusable options.
 */
export function checkEcflowLayout(entries: EcflowEntry[], options: EcflowCheckOptions): EcflowCheckResult {
  if (!options || typeof options !== 'object') throw new PkiError('ecFlow check: no options given');
  checkEcflowHost(options.host);
  checkEcflowPort(options.port);
  const o = options;
  const ctx: Ctx = {
    o,
    byName: new Map(entries.map((e) => [e.name, e])),
    findings: [],
    files: {},
    now: o.now ?? new Date(),
    warnDays: o.warnDays ?? DEFAULT_WARN_DAYS,
    mode: 'shared',
    checks: [],
  };
  const dir = o.dir;

  ran(ctx, 'folder');
  if (o.sslDirEnv !== undefined) {
    ran(ctx, 'ECF_SSL_DIR');
    if (!o.sslDirEnv.endsWith('/')) {
      add(
        ctx,
        'error',
        'ssl-dir-no-slash',
        null,
        `ECF_SSL_DIR=${o.sslDirEnv} does not end with "/": ecFlow joins it to the file names as is and looks for ${o.sslDirEnv}server.crt.`,
        { instruction: `export ECF_SSL_DIR=${shq(`${o.sslDirEnv}/`)}` },
      );
    }
    add(ctx, 'info', 'ssl-dir-version', null, 'ECF_SSL_DIR is honoured only by ecFlow 5.13.6 and later; older servers and clients still read $HOME/.ecflowrc/ssl/.', {
      instruction: 'With an older ecFlow, put the files in $HOME/.ecflowrc/ssl/ (or make it a link to this folder)',
    });
  }

  const sharedAllowed = preferredSet(o.ecfSsl) === 'shared';
  const spec = specificBase(o.host, o.port);
  const has = (n: string): boolean => ctx.byName.has(n);
  const set: EcflowSet | null = sharedAllowed && has('server.crt') ? 'shared' : has(`${spec}.crt`) ? 'specific' : null;
  ctx.mode = set ?? preferredSet(o.ecfSsl);
  const names = ecflowFileNames(ctx.mode, o.host, o.port);
  const server = (o.role ?? 'server') === 'server';

  if (o.folderExists === false) {
    describeFiles(ctx, names, server);
    add(ctx, 'error', 'folder-missing', null, `The folder ${dir} does not exist: ecflow_server and ecflow_client will find no certificate there.`, {
      repair: init(ctx, 'creates the folder and a working set in it'),
    });
    return finish(ctx, null);
  }

  if (o.ecfSsl !== undefined) ran(ctx, 'ECF_SSL and ECF_PORT');
  if (!sharedAllowed && o.ecfSsl !== spec) {
    add(
      ctx,
      'info',
      'ecf-ssl-value',
      null,
      `ECF_SSL=${o.ecfSsl} only switches to the specific set; ecFlow does not read it as a name and uses ${spec}.* (host ${o.host}, port ${o.port}).`,
      { instruction: `export ECF_SSL=${spec}` },
    );
  }

  const envPort = o.ecfPortEnv ?? String(ECFLOW_DEFAULT_PORT);
  if (o.ecfSsl !== undefined && o.ecfPortEnv !== undefined && set !== 'shared' && envPort !== String(o.port)) {
    add(
      ctx,
      'warning',
      'ecf-port-env',
      null,
      `ECF_SSL is set, and then ecFlow (before 5.13.6) takes the <port> of the file names from ECF_PORT${o.ecfPortEnv === null ? ' (unset: 3141)' : ''}, not from --port: ` +
        `ecflow_server and ecflow_client look for ${o.host}.${envPort}.crt, not ${spec}.crt.`,
      { instruction: `export ECF_PORT=${o.port}   (for the server and its clients; or switch SSL on with --ssl instead of ECF_SSL)` },
    );
  }

  ran(ctx, 'certificate of the set');
  if (set === null) {
    describeFiles(ctx, names, server);
    const wanted = sharedAllowed ? `neither server.crt nor ${spec}.crt is` : `${spec}.crt is not`;
    add(
      ctx,
      'error',
      'no-certificate',
      null,
      `No certificate for ecFlow: ${wanted} in ${dir}, so ${server ? 'ecflow_server and ecflow_client stop' : 'ecflow_client stops'} with ` +
        `"Expected to find the self signed certificate file(CRT) …".`,
      server
        ? { repair: init(ctx, 'creates a working set') }
        : { instruction: `Copy the server's certificate here as ${sharedAllowed ? 'server.crt' : `${spec}.crt`}`, repair: { kind: 'export-client', connectHost: o.host } },
    );
    return finish(ctx, null);
  }

  // The set is known: which DH file the shared set really uses.
  if (set === 'shared' && !has('dh2048.pem') && has('dh1024.pem')) names.dh = 'dh1024.pem';
  describeFiles(ctx, names, server);

  // Mixed sets.
  if (server) {
    ran(ctx, 'mixed sets');
    if (set === 'shared' && has(`${spec}.crt`)) {
      add(
        ctx,
        'warning',
        'mixed-sets',
        'server.crt',
        `Both the shared set (server.*) and the specific set ${spec}.* are here: with ECF_SSL=${o.ecfSsl === undefined ? '1 (or --ssl)' : o.ecfSsl || '""'} ecFlow uses server.crt and ignores ${spec}.*.`,
        { instruction: `To use ${spec}.*: export ECF_SSL=${spec} (any value other than 1) on the server and its clients, or remove server.crt` },
      );
    } else if (set === 'specific' && sharedAllowed) {
      const stray = ['server.key', 'server.passwd', 'dh2048.pem', 'dh1024.pem'].filter(has);
      if (stray.length > 0) {
        add(
          ctx,
          'warning',
          'mixed-sets',
          stray[0],
          `${stray.join(', ')} ${stray.length > 1 ? 'are' : 'is'} here but server.crt is not: ecFlow falls back to the specific set ${spec}.* and ignores ${stray.length > 1 ? 'them' : 'it'}.`,
          { instruction: 'Remove the stray shared files, or restore server.crt to use the shared set' },
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
  if (set === 'shared' || o.http) ran(ctx, 'ecflow_http key');
  if (key.encrypted && (set === 'shared' || o.http)) {
    add(
      ctx,
      o.http ? 'error' : 'info',
      'http-key-encrypted',
      names.key,
      `${names.key} is encrypted: ecflow_server is fine with that, but ecflow_http (the REST server) can only read an unencrypted server.key.`,
      { repair: fix(`writes ${names.key} unencrypted: only if you run ecflow_http; keep the folder private`, { decryptKey: true }) },
    );
  }

  // DH parameters.
  checkDh(ctx, set, names);

  // Permissions.
  ran(ctx, 'file permissions');
  for (const [name, code] of [
    [names.key, 'key-permissions'],
    [names.passwd, 'passwd-permissions'],
  ] as const) {
    const e = ctx.byName.get(name);
    if (e?.mode !== undefined && (e.mode & 0o077) !== 0) {
      add(
        ctx,
        'warning',
        code,
        name,
        `${name} can be read by other users (mode ${octal(e.mode)}). ecFlow does not check, but a ${code === 'key-permissions' ? 'private key' : 'passphrase file'} should be 0600.`,
        { instruction: `chmod 600 ${shq(ecflowPath(dir, name))}`, repair: fix('sets its mode to 0600') },
      );
    }
  }

  // Clients that connect with another name (specific set only: the shared set's clients read server.crt).
  if (set === 'specific') {
    for (const h of uniq(o.clientHosts ?? [])) {
      if (h === 'localhost' || h === o.host) continue;
      const clientName = `${h}.${o.port}.crt`;
      ran(ctx, `client certificate ${clientName}`);
      const copy = fix(`copies ${names.crt} to ${clientName}`, { clientHost: h });
      if (!has(clientName)) {
        ctx.files[clientName] = { role: 'client-certificate', present: false, required: true };
        add(
          ctx,
          'error',
          'client-crt-missing',
          clientName,
          `Clients that connect with --host ${h} (ECF_HOST=${h}) look for ${clientName}, which is missing: they stop with "Expected to find the self signed certificate file(CRT) … ${clientName}". Only "localhost" is replaced by this machine's name (${o.host}).`,
          { repair: copy },
        );
        continue;
      }
      ctx.files[clientName] = { role: 'client-certificate', present: true, required: true };
      const other = checkCertificate(ctx, clientName, false);
      if (other && cert && !sameBytes(other.der, cert.der)) {
        ctx.files[clientName].description = describeCert(other.model);
        add(
          ctx,
          'error',
          'client-crt-differs',
          clientName,
          `${clientName} is not the certificate the server presents (${names.crt}): clients that connect with --host ${h} fail the handshake ("certificate verify failed").`,
          { repair: copy },
        );
      }
    }
  }
  return finish(ctx, set);
}

function finish(ctx: Ctx, set: EcflowSet | null): EcflowCheckResult {
  const rank: Record<EcflowSeverity, number> = { error: 0, warning: 1, info: 2 };
  const findings = ctx.findings.map((f, i) => ({ f, i })).sort((a, b) => rank[a.f.severity] - rank[b.f.severity] || a.i - b.i).map((x) => x.f);
  return { set, files: ctx.files, findings, checks: ctx.checks };
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

/** Reads a certificate file as ecFlow would; reports format and validity problems. */
function checkCertificate(ctx: Ctx, name: string, primary: boolean): CertInfo | undefined {
  const e = ctx.byName.get(name);
  if (!e) return undefined;
  // (A client certificate's check is counted by its caller.)
  if (primary) ran(ctx, 'certificate format');
  const bytes = readable(ctx, e);
  if (!bytes) return undefined;
  const putCertificate = `Put the server's PEM certificate in ${name}`;
  if (!looksLikePem(bytes)) {
    const kind = sniff(bytes);
    if (kind === 'certificate') {
      add(
        ctx,
        'error',
        'crt-not-pem',
        name,
        `${name} is a DER (binary) certificate; ecFlow reads only PEM: ${primary ? 'ecflow_server stops with "use_certificate_chain_file: no start line" and clients' : 'clients'} cannot load it.`,
        { instruction: `openssl x509 -inform DER -in ${name} -out ${name}.pem && mv ${name}.pem ${name}`, repair: fix('converts it to PEM') },
      );
      try {
        const der = rawObjects(bytes)[0].der;
        return { der, model: certModel(ctx, der) };
      } catch {
        return undefined;
      }
    }
    add(ctx, 'error', 'crt-invalid', name, `${name} is not a PEM certificate${kind ? ` (it holds ${kindWords(kind)})` : ''}: ecFlow cannot load it ("no start line").`, {
      instruction: putCertificate,
      repair: init(ctx, 'creates a new set'),
    });
    return undefined;
  }
  const read = readObjects(bytes, { now: ctx.now, warnDays: ctx.warnDays });
  const model = read.objects.find((x): x is CertificateModel => x.kind === 'certificate');
  if (!model) {
    const holds = [...new Set(read.objects.map((x) => kindWords(x.kind)))];
    add(
      ctx,
      'error',
      'crt-invalid',
      name,
      `${name} holds no certificate${holds.length ? ` (it holds ${holds.join(', ')})` : read.problems[0] ? ` (${read.problems[0].message})` : ''}: ecFlow cannot load it.`,
      { instruction: putCertificate, repair: init(ctx, 'creates a new set') },
    );
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

/** The DER of the first certificate of a file, or undefined. */
function firstCertDer(bytes: Uint8Array): Uint8Array | undefined {
  try {
    return rawObjects(bytes).find((x) => x.kind === 'certificate')?.der;
  } catch {
    return undefined;
  }
}

function checkValidity(ctx: Ctx, name: string, m: CertificateModel): void {
  ran(ctx, 'certificate validity');
  ran(ctx, 'certificate key size');
  const renew = { repair: fix(`renews it for the same key; then give clients the new ${name}`, { renew: true }) };
  if (m.expiry.status === 'expired') {
    add(ctx, 'error', 'crt-expired', name, `${name} expired on ${day(m.notAfter)}: ecflow_client refuses the server ("certificate verify failed").`, renew);
  } else if (m.expiry.status === 'not-yet-valid') {
    add(
      ctx,
      'error',
      'crt-not-yet-valid',
      name,
      `${name} is valid only from ${day(m.notBefore)} (check this machine's clock): ecflow_client refuses the server until then ("certificate verify failed").`,
      renew,
    );
  } else if (m.expiry.status === 'expiring') {
    add(ctx, 'warning', 'crt-expiring', name, `${name} ${expiryPhrase(m.expiry)} (${day(m.notAfter)}); after that ecflow_client refuses the server.`, renew);
  }
  if (m.publicKey.algorithm === 'RSA' && m.publicKey.size < ECFLOW_MIN_RSA_BITS) {
    add(
      ctx,
      'error',
      'key-weak',
      name,
      `${name} has an RSA ${m.publicKey.size} key: OpenSSL 3 refuses keys under ${ECFLOW_MIN_RSA_BITS} bits, so ecflow_server stops with "use_certificate_chain_file: ee key too small".`,
      { repair: init(ctx, NEW_SET, { force: true, key: { type: 'rsa', bits: ECFLOW_MIN_RSA_BITS } }) },
    );
  }
}

function checkHostNames(ctx: Ctx, name: string, m: CertificateModel): void {
  ran(ctx, 'host name');
  const certNames = [
    ...m.subject.attributes.filter((a) => a.type === 'CN').map((a) => a.value),
    ...m.subjectAltNames.filter((s) => s.type === 'dns' || s.type === 'ip').map((s) => s.value),
  ].map((s) => s.toLowerCase());
  const host = ctx.o.host.toLowerCase();
  const ok = certNames.some((n) => n === host || n.startsWith(`${host}.`) || host.startsWith(`${n}.`));
  if (!ok) {
    const cn = commonNameOf(m.subject);
    add(
      ctx,
      'info',
      'cn-mismatch',
      name,
      `${name} was made for ${cn ? `CN=${cn}` : 'no CN'}${certNames.length > (cn ? 1 : 0) ? ` (names: ${uniq(certNames).join(', ')})` : ''}, not this host ${ctx.o.host}. ecFlow does not check host names, so it still works: this is only a hint that the certificate belongs to another machine.`,
      { repair: init(ctx, `only to tidy up: a certificate for ${ctx.o.host}; give clients the new .crt`, { force: true }) },
    );
  }
}

function compareWithServer(ctx: Ctx, name: string, cert: CertInfo, serverCrt: Uint8Array): void {
  ran(ctx, "the server's certificate");
  const serverDer = looksLikePem(serverCrt) ? firstCertDer(serverCrt) : serverCrt;
  if (serverDer && !sameBytes(serverDer, cert.der)) {
    add(ctx, 'error', 'client-crt-differs', name, `${name} is not the certificate the server presents: ecflow_client fails the handshake ("certificate verify failed").`, {
      instruction: `Copy the server's certificate over ${name}`,
      repair: { kind: 'export-client', connectHost: ctx.o.host },
    });
  }
}

interface KeyState {
  encrypted: boolean;
  pkcs8?: Uint8Array;
}

function checkKey(ctx: Ctx, names: EcflowNames, cert: CertInfo | undefined): KeyState {
  const { key: keyName, passwd: passwdName, crt: crtName } = names;
  const e = ctx.byName.get(keyName);
  const pw = ctx.byName.get(passwdName);
  const putKey = { instruction: `Put the private key of ${crtName} there`, repair: init(ctx, NEW_SET, { force: true }) };
  ran(ctx, 'private key');
  if (!e) {
    add(ctx, 'error', 'key-missing', keyName, `${keyName} is missing: ecflow_server stops with "The password protected private server key file … does not exist".`, putKey);
    return { encrypted: false };
  }
  const bytes = readable(ctx, e);
  if (!bytes) return { encrypted: false };
  if (!looksLikePem(bytes)) {
    const kind = sniff(bytes);
    if (kind === 'private-key') {
      add(ctx, 'error', 'key-not-pem', keyName, `${keyName} is a DER (binary) key; ecFlow reads only PEM: ecflow_server stops with "use_private_key_file: unsupported".`, {
        repair: fix('converts it to PEM, keeping its encryption'),
      });
    } else {
      add(ctx, 'error', 'key-invalid', keyName, `${keyName} is not a PEM private key${kind ? ` (it holds ${kindWords(kind)})` : ''}: ecflow_server cannot load it.`, putKey);
    }
    return { encrypted: false };
  }
  let encrypted: boolean;
  try {
    keyEncryptionInfo(bytes);
    encrypted = isEncryptedPrivateKey(bytes);
  } catch (err) {
    add(ctx, 'error', 'key-invalid', keyName, `${keyName} holds no usable private key (${messageOf(err)}): ecflow_server cannot load it.`, putKey);
    return { encrypted: false };
  }
  const passwdPath = shq(ecflowPath(ctx.o.dir, passwdName));
  const printf = `printf '%s' 'PASSPHRASE' > ${passwdPath} && chmod 600 ${passwdPath}`;
  const writePassphrase = fix(`checks the key's passphrase, then writes it to ${passwdName} with no line end, mode 0600`, { passphrase: 'key' });
  let pkcs8: Uint8Array | undefined;
  ran(ctx, 'passphrase');
  if (encrypted) {
    if (pw) {
      const pwBytes = readable(ctx, pw);
      if (pwBytes) {
        const r = diagnosePasswd(pwBytes, bytes);
        pkcs8 = r.pkcs8;
        if (ctx.files[passwdName]) ctx.files[passwdName].description = `passphrase file, ${plural(pwBytes.length, 'byte')}`;
        const badDecrypt = `ecflow_server stops with "use_private_key_file: bad decrypt"`;
        const rewrite = { instruction: printf, repair: fix(`rewrites ${passwdName} without a line end`) };
        switch (r.verdict) {
          case 'ok':
            break;
          case 'crlf':
            add(ctx, 'error', 'passwd-crlf', passwdName, `${passwdName} ends with a Windows line end (CRLF): ecFlow removes only the \\n, so its passphrase ends with \\r and ${badDecrypt}.`, rewrite);
            break;
          case 'trailing-space':
            add(ctx, 'error', 'passwd-trailing-space', passwdName, `${passwdName} ends with spaces or tabs, which ecFlow keeps as part of the passphrase: ${badDecrypt}.`, rewrite);
            break;
          case 'multiline':
            add(ctx, 'error', 'passwd-multiline', passwdName, `${passwdName} has more than one line: ecFlow takes the whole file (minus one final \\n) as the passphrase, so ${badDecrypt}.`, rewrite);
            break;
          case 'empty':
            add(ctx, 'error', 'passwd-empty', passwdName, `${passwdName} is empty: ecFlow uses an empty passphrase and ${badDecrypt}.`, { instruction: printf, repair: writePassphrase });
            break;
          case 'wrong':
            add(ctx, 'error', 'passwd-wrong', passwdName, `The passphrase in ${passwdName} does not open ${keyName}${r.shape ? ` (also: ${r.shape})` : ''}: ${badDecrypt}.`, {
              repair: writePassphrase,
            });
            break;
        }
      }
    } else {
      pkcs8 = tryOpen(bytes, 'test');
      if (pkcs8) {
        add(
          ctx,
          'warning',
          'passwd-default-test',
          keyName,
          `${keyName} is encrypted with the passphrase "test" (what ecFlow tries when there is no ${passwdName}): it works, but protects nothing.`,
          { repair: fix(`re-encrypts it with a new passphrase and writes ${passwdName}`, { encryptKey: true, passphrase: 'new' }) },
        );
      } else {
        add(
          ctx,
          'error',
          'passwd-missing',
          passwdName,
          `${keyName} is encrypted and there is no ${passwdName}: ecFlow then tries the passphrase "test", which does not open it, so ecflow_server stops with "use_private_key_file: bad decrypt".`,
          { repair: writePassphrase },
        );
      }
    }
  } else {
    try {
      pkcs8 = loadPrivateKey(bytes);
    } catch (err) {
      add(ctx, 'error', 'key-invalid', keyName, `${keyName} cannot be read (${messageOf(err)}): ecflow_server cannot load it.`, putKey);
      return { encrypted };
    }
    if (pw) {
      add(ctx, 'info', 'passwd-unused', passwdName, `${passwdName} is not needed: ${keyName} is not encrypted, so ecFlow never reads it.`, {
        instruction: `rm ${passwdPath}`,
        repair: fix(`encrypts ${keyName} with the passphrase ${passwdName} holds`, { encryptKey: true, passphrase: 'file' }),
      });
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
    ctx.files[keyName].description = `${info ? keyLabel(info) : 'private key'}${encrypted ? ', encrypted' : ', not encrypted'}`;
  }
  if (info && cert) ran(ctx, 'key matches certificate');
  if (info && cert && info.spkiSha256 !== cert.model.publicKey.spkiSha256) {
    // OpenSSL keeps one certificate and key per key type: a key of another type is accepted without complaint,
    // and then no handshake can succeed.
    const sameType = info.algorithm === cert.model.publicKey.algorithm;
    add(
      ctx,
      'error',
      'key-mismatch',
      keyName,
      sameType
        ? `${keyName} does not belong to ${crtName} (a different key pair): ecflow_server stops with "use_private_key_file: key values mismatch".`
        : `${keyName} (${keyLabel(info)}) does not belong to ${crtName} (${keyLabel(cert.model.publicKey)}): ecflow_server starts, but every TLS handshake fails (clients: "sslv3 alert handshake failure").`,
      { instruction: `Put ${crtName}'s own key back`, repair: fix(`issues a new certificate for this key; then give clients the new ${crtName}`, { renew: true }) },
    );
  }
  if (info && !cert && info.algorithm === 'RSA' && info.size < ECFLOW_MIN_RSA_BITS) {
    add(ctx, 'error', 'key-weak', keyName, `${keyName} is RSA ${info.size}: OpenSSL 3 refuses keys under ${ECFLOW_MIN_RSA_BITS} bits ("ee key too small").`, {
      repair: init(ctx, NEW_SET, { force: true, key: { type: 'rsa', bits: ECFLOW_MIN_RSA_BITS } }),
    });
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
  const shape: PasswdVerdict | undefined =
    /\r$/.test(pass) && !/\n/.test(pass.replace(/\r\n?$/, ''))
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
export function passwdCandidates(passwd: Uint8Array): string[] {
  const text = new TextDecoder('utf-8').decode(passwd);
  const lines = text.split(/\r?\n|\r/).filter((l) => l.trim() !== '');
  const out = [text.replace(/[\r\n]+$/, ''), text.replace(/\s+$/, ''), ...(lines[0] !== undefined ? [lines[0], lines[0].trim()] : []), text.trim()];
  return uniq(out.filter((s) => s !== ''));
}

/** The key's PKCS#8 when `passphrase` opens it (no passphrase: when it is not encrypted), else undefined. */
export function tryOpen(key: Uint8Array, passphrase?: string): Uint8Array | undefined {
  try {
    return loadPrivateKey(key, passphrase);
  } catch {
    return undefined;
  }
}

function checkDh(ctx: Ctx, set: EcflowSet, names: EcflowNames): void {
  const name = names.dh;
  const dhAdd = (severity: EcflowSeverity, code: EcflowFinding['code'], message: string, how: { instruction?: string; repair?: EcflowRepair }): void =>
    add(ctx, severity, code, name, message, how);
  const e = ctx.byName.get(name);
  const path = (n: string): string => ecflowPath(ctx.o.dir, n);
  const ffdhe = (target: string, more = ''): EcflowRepair => fix(`writes the RFC 7919 ffdhe2048 group to ${target}${more}`);
  ran(ctx, 'DH parameters');
  if (!e) {
    if (set === 'shared') {
      dhAdd('error', 'dh-missing', `Neither dh2048.pem nor dh1024.pem is here: ecflow_server stops with "The dhparam file(pem) '${path('dh1024.pem')}' does not exist".`, {
        repair: ffdhe('dh2048.pem'),
      });
    } else {
      const elsewhere = ctx.byName.has('dh2048.pem');
      dhAdd(
        'error',
        'dh-missing',
        `${name}, the DH parameters of the specific set, is missing${elsewhere ? ' (dh2048.pem is here, but only the shared set uses it)' : ''}: ecflow_server stops with "The dhparam file(pem) '${path(name)}' does not exist".`,
        { repair: ffdhe(name), instruction: elsewhere ? `cp ${shq(path('dh2048.pem'))} ${shq(path(name))}` : undefined },
      );
    }
    return;
  }
  if (set === 'shared' && name === 'dh1024.pem') {
    dhAdd('info', 'dh1024-fallback', 'dh2048.pem is absent, so ecFlow uses dh1024.pem.', { repair: ffdhe('dh2048.pem', ', which ecFlow then prefers') });
  }
  const bytes = readable(ctx, e);
  if (!bytes) return;
  const replace = { repair: ffdhe(set === 'shared' ? 'dh2048.pem' : name) };
  if (!looksLikePem(bytes)) {
    const kind = sniff(bytes);
    if (kind === 'dh-parameters') {
      dhAdd('error', 'dh-not-pem', `${name} holds DER (binary) DH parameters; ecFlow reads only PEM: ecflow_server stops with "use_tmp_dh_file: no start line".`, {
        repair: fix('converts it to PEM'),
      });
    } else {
      dhAdd('error', 'dh-invalid', `${name} is not a PEM DH parameters file${kind ? ` (it holds ${kindWords(kind)})` : ''}: ecflow_server stops with "use_tmp_dh_file: …".`, replace);
    }
    return;
  }
  const read = readObjects(bytes);
  const dh = read.objects.find((x): x is DhParametersModel => x.kind === 'dh-parameters');
  if (!dh) {
    const holds = [...new Set(read.objects.map((x) => kindWords(x.kind)))];
    dhAdd('error', 'dh-invalid', `${name} holds no DH parameters${holds.length ? ` (it holds ${holds.join(', ')})` : ''}: ecflow_server stops with "use_tmp_dh_file: …".`, replace);
    return;
  }
  if (ctx.files[name]) ctx.files[name].description = `${dh.primeBits}-bit DH parameters${dh.namedGroup ? ` (${dh.namedGroup})` : ''}`;
  if (dh.primeBits < ECFLOW_MIN_DH_BITS) {
    dhAdd(
      'error',
      'dh-weak',
      `${name} holds ${dh.primeBits}-bit DH parameters: OpenSSL 3 refuses DH under ${ECFLOW_MIN_DH_BITS} bits, so ecflow_server stops with "use_tmp_dh_file: dh key too small".`,
      replace,
    );
  }
}

function readable(ctx: Ctx, e: EcflowEntry): Uint8Array | undefined {
  if (e.error !== undefined || !e.bytes) {
    add(ctx, 'error', 'file-unreadable', e.name, `${e.name} cannot be read${e.error ? ` (${e.error})` : ''}: ecFlow will not be able to read it either (it runs as the same user).`, {
      instruction: `Make it readable by its owner: chmod u+r ${shq(ecflowPath(ctx.o.dir, e.name))}`,
    });
    return undefined;
  }
  return e.bytes;
}

function describeCert(m: CertificateModel): string {
  const cn = commonNameOf(m.subject);
  return `${cn ? `CN=${cn}, ` : ''}${keyLabel(m.publicKey)}, valid ${day(m.notBefore)} to ${day(m.notAfter)}`;
}

/** An object kind with its article, for "it holds …". */
function kindWords(kind: string): string {
  const words = (KIND_WORDS as Record<string, string | undefined>)[kind] ?? kind;
  return words.endsWith('parameters') ? words : `a ${words}`;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

function uniq<T>(xs: readonly T[]): T[] {
  return [...new Set(xs)];
}

function day(iso: string): string {
  return iso.slice(0, 10);
}

function octal(mode: number): string {
  return `0${(mode & 0o777).toString(8).padStart(3, '0')}`;
}
