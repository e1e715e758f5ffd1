// tlsw ecflow init|check|fix — ecFlow's SSL folder (~/.ecflowrc/ssl): create a working layout, say which files
// ecflow_server / ecflow_client will use and what will make them fail, and repair what can be repaired.

import { curveNamed } from '../core/limits';
import { PkiError } from '../core/model';
import { ecflowKeySpec, planEcflowLayout } from '../core/ecflow/create';
import { applyEcflowRepairs, checkEcflowFolder, hostFacts, loadEcflowFolder, nodeEcflowIo, writeEcflowFiles } from '../core/ecflow/io';
import type { EcflowCheckOptions, EcflowCheckResult, EcflowContext, EcflowFinding, EcflowKeyType, EcflowRepair, EcflowSet } from '../core/ecflow/layout';
import { ECFLOW_ASSUMPTIONS, ECFLOW_FINDING_CODES, ecflowFileNames, ecflowPath, preferredSet, resolveEcflowContext, shq, specificBase } from '../core/ecflow/layout';
import { exportEcflowClient, planEcflowRepairs } from '../core/ecflow/repair';
import { plural } from '../core/display/labels';
import { parse, readSecret } from './args';
import { readInput } from './inputs';
import { days, withCliErrors } from './options';
import { CliError, type CommandIo } from './io';

const COMMON = `  --dir D             the SSL folder (default: as ecFlow finds it: $ECF_SSL_DIR, else $HOME/.ecflowrc/ssl/)
  --mode M            shared (ECF_SSL=1 / --ssl: server.*) or specific (ECF_SSL=<host>.<port>: <host>.<port>.*);
                      default: from $ECF_SSL (unset, empty or 1 = shared when server.crt exists)
  --host H            the server's host name as ecflow_server sees it (default: this machine's name)
  --port P            the port the server listens on (default: $ECF_PORT, else 3141)
  --client-host N     a name clients connect with (--host / ECF_HOST: an FQDN or IP), repeatable; with the
                      specific set each needs <N>.<port>.crt (only "localhost" maps to this machine's name)`;

const USAGE = `Usage: tlsw ecflow init|check|fix [options]

  init    create a working SSL layout (certificate, key, DH parameters, optional passwd file) in one step
  check   say which set ecflow_server / ecflow_client will use and everything that will make them fail
  fix     repair what can be repaired (passwd line ends, permissions, DER files, DH parameters, client copies;
          with options: renew the certificate, write / change the passphrase, decrypt the key, export a client)

Run "tlsw ecflow <init|check|fix> --help" for the options.`;

const INIT_USAGE = `Usage: tlsw ecflow init [--dir D] [--mode shared|specific] [--host H] [--port P] [--client-host N]…
                        [--type rsa|ec] [--bits N] [--curve C] [--passphrase-file F] [--days N]
                        [--dh-bits 2048|3072|4096] [--generate-dh] [--force]

Creates the files ecFlow needs, in one step:
  shared:   server.crt, server.key, dh2048.pem (+ server.passwd)
  specific: <host>.<port>.crt, .key, .pem (+ .passwd), and <N>.<port>.crt for each --client-host N
The certificate is self-signed, CN = the host, SANs = the host, localhost and every --client-host.
Key: RSA 2048 by default (--type ec: P-256). With --passphrase-file the key is encrypted and the passphrase is
written to the passwd file exactly, with no line end (ecFlow reads the whole file), mode 0600.
DH parameters: the RFC 7919 ffdhe2048 group, instantly (--dh-bits 3072|4096 for a larger one); --generate-dh
generates fresh ones instead (minutes; progress on stderr; Ctrl-C cancels).
Validity: --days N (default 365). Existing files are never replaced without --force.

${COMMON}`;

const CHECK_USAGE = `Usage: tlsw ecflow check [--dir D] [--mode shared|specific] [--host H] [--port P] [--client-host N]…
                         [--client [--server-crt F]] [--http] [--json]

Lists the set ecFlow will use and every problem, each with its fix. Exits 1 when a finding is an error.
  --client            check a client's folder: only the certificate matters (--host: the host the client connects
                      to; default $ECF_HOST, else localhost); --server-crt F compares it with the server's certificate
  --http              ecflow_http will use this folder (its server.key must not be encrypted)
  --json              {"set": "shared"|"specific"|null, "files": {…}, "findings": [{"severity", "code", "file", "message", "fix"}]}
                      (codes: ${ECFLOW_FINDING_CODES.join(', ')})

${COMMON}

Assumptions: ${ECFLOW_ASSUMPTIONS.join(' ')}`;

const FIX_USAGE = `Usage: tlsw ecflow fix [--dir D] [--mode shared|specific] [--host H] [--port P] [--client-host N]…
                       [--renew [--days N]] [--passphrase-file F [--encrypt-key]] [--decrypt-key]
       tlsw ecflow fix --export-client NAME -o OUTDIR [--force]

Without options: rewrites a passwd file whose line end or trailing blanks break it, sets keys and passwd files
to 0600, converts DER files to PEM, writes missing or weak DH parameters (RFC 7919 ffdhe2048) and copies the
certificate to <N>.<port>.crt for each --client-host N. Then checks again; exits 1 when errors remain.
  --renew             a new certificate for the same key (same subject and SANs), --days N (default 365)
  --passphrase-file F the key's passphrase: checked against the key, then written to the passwd file (no line end)
  --encrypt-key       (re-)encrypt the key with the passphrase of --passphrase-file and write the passwd file
  --decrypt-key       write the key unencrypted (what ecflow_http needs)
  --export-client N   write the certificate a client connecting with --host N needs into OUTDIR (server.crt, or
                      <N>.<port>.crt for the specific set) and print the "export ECF_SSL=…" line for it

${COMMON}`;

const COMMON_OPTIONS = {
  'dir': { type: 'string' },
  'mode': { type: 'string' },
  'host': { type: 'string' },
  'port': { type: 'string' },
  'client-host': { type: 'string', multiple: true },
} as const;

export async function run(argv: string[], io: CommandIo): Promise<number> {
  const [sub, ...rest] = argv;
  switch (sub) {
    case 'init':
      return init(rest, io);
    case 'check':
      return check(rest, io);
    case 'fix':
      return fix(rest, io);
    case undefined:
      io.out(USAGE + '\n');
      return 2;
    case '--help':
    case '-h':
    case 'help':
      io.out(USAGE + '\n');
      return 0;
    default:
      throw new CliError(`unknown subcommand "${sub}"\n${USAGE}`, 2);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Where: the options, else the environment, as ecFlow resolves them (core layout.ts resolveEcflowContext, which
// the extension uses too)

function where(values: { dir?: string; mode?: string; host?: string; port?: string; 'client-host'?: string[] }, role: 'server' | 'client' = 'server'): EcflowContext {
  if (values.mode !== undefined && values.mode !== 'shared' && values.mode !== 'specific') throw new CliError(`--mode must be shared or specific, got "${values.mode}"`, 2);
  try {
    return resolveEcflowContext({ ...hostFacts(), dir: values.dir, host: values.host, port: values.port, mode: values.mode, clientHosts: values['client-host'], role });
  } catch (e) {
    if (!(e instanceof PkiError)) throw e;
    throw new CliError(e.message, 2);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Repairs as command lines

/** The command line that makes a repair the checker proposes, for the folder and names it checked. */
function repairCommand(r: EcflowRepair, o: Pick<EcflowCheckOptions, 'dir' | 'host' | 'port' | 'ecfSsl'>, file: string | null): string {
  const at = `--dir ${shq(o.dir)}`;
  const names = `--host ${shq(o.host)} --port ${o.port}`;
  switch (r.kind) {
    case 'export-client':
      return `tlsw ecflow fix --export-client ${shq(r.connectHost)} -o DIR`;
    case 'init': {
      const key = r.key ? (r.key.type === 'rsa' ? ` --type rsa --bits ${r.key.bits ?? 2048}` : ` --type ec --curve ${r.key.curve ?? 'P-256'}`) : '';
      return `tlsw ecflow init ${at} --mode ${r.mode} ${names}${key}${r.force ? ' --force' : ''}`;
    }
    case 'fix': {
      const parts = ['tlsw ecflow fix', at];
      if (preferredSet(o.ecfSsl) === 'specific') parts.push('--mode specific');
      parts.push(names);
      if (r.clientHost !== undefined) parts.push(`--client-host ${shq(r.clientHost)}`);
      if (r.renew) parts.push('--renew [--days N]');
      if (r.encryptKey) parts.push('--encrypt-key');
      if (r.decryptKey) parts.push('--decrypt-key');
      if (r.passphrase) parts.push(`--passphrase-file ${r.passphrase === 'file' && file !== null ? shq(ecflowPath(o.dir, file)) : 'F'}`);
      return parts.join(' ');
    }
  }
}

/** A finding's fix as one line: the tlsw command that repairs it and what it does, or what to do by hand, or both. */
function fixText(f: EcflowFinding, o: Pick<EcflowCheckOptions, 'dir' | 'host' | 'port' | 'ecfSsl'>): string {
  const r = f.repair;
  if (!r) return f.instruction ?? '';
  const command = repairCommand(r, o, f.file);
  if (r.kind === 'export-client') return `${f.instruction} (on the server: ${command}).`;
  return `${command}   (${r.does})${f.instruction ? `; or: ${f.instruction}` : ''}`;
}

// ---------------------------------------------------------------------------------------------------------------
// init

async function init(argv: string[], io: CommandIo): Promise<number> {
  const { values } = parse(
    argv,
    {
      ...COMMON_OPTIONS,
      'type': { type: 'string' },
      'bits': { type: 'string' },
      'curve': { type: 'string' },
      'passphrase-file': { type: 'string' },
      'days': { type: 'string' },
      'dh-bits': { type: 'string' },
      'generate-dh': { type: 'boolean' },
      'force': { type: 'boolean' },
    },
    INIT_USAGE,
    { positionals: false },
  );
  const w = where(values);
  const mode = preferredSet(w.ecfSsl);
  const key = keyType(values.type, values.bits, values.curve);
  const validity = days(values.days) ?? 365;
  const dhBits = values['dh-bits'] === undefined ? 2048 : Number(values['dh-bits']);
  if (values['generate-dh'] ? !Number.isInteger(dhBits) || dhBits < 2048 || dhBits > 8192 : dhBits !== 2048 && dhBits !== 3072 && dhBits !== 4096) {
    throw new CliError(`--dh-bits must be 2048, 3072 or 4096${values['generate-dh'] ? ' (up to 8192 with --generate-dh)' : ''}, got "${values['dh-bits']}"`, 2);
  }
  const passphrase = values['passphrase-file'] !== undefined ? await readSecret(values['passphrase-file'], io, 'passphrase') : undefined;

  // Refuse early (before slow generation) when files exist.
  const ecfIo = nodeEcflowIo();
  const names = ecflowFileNames(mode, w.host, w.port);
  if (!values.force) {
    const existing = await withCliErrors('', () => ecfIo.list(w.dir));
    const clash = [names.crt, names.key, names.dh, ...(passphrase !== undefined ? [names.passwd] : [])].filter((n) => existing?.includes(n));
    if (clash.length > 0) throw new CliError(`${ecflowPath(w.dir, clash[0])} already exists (use --force to replace the ${mode} set)`);
  }

  const ac = new AbortController();
  const onSigint = (): void => ac.abort();
  process.once('SIGINT', onSigint);
  let lastShown = 0;
  try {
    if (values['generate-dh']) io.err(`generating ${dhBits}-bit DH parameters: this can take minutes (Ctrl-C cancels)…\n`);
    const plan = await withCliErrors('', () =>
      planEcflowLayout({
        mode,
        host: w.host,
        port: w.port,
        clientHosts: w.clientHosts,
        key,
        passphrase,
        days: validity,
        signal: ac.signal,
        dh: values['generate-dh']
          ? {
              kind: 'generate',
              bits: dhBits,
              onProgress: (p) => {
                if (p.elapsedMs - lastShown >= 5000) {
                  lastShown = p.elapsedMs;
                  io.err(`  … ${p.tested} candidates tested, ${Math.round(p.elapsedMs / 1000)} s\n`);
                }
              },
            }
          : { kind: 'ffdhe', bits: dhBits as 2048 | 3072 | 4096 },
      }),
    ).catch((e: unknown) => {
      if (ac.signal.aborted) throw new CliError('cancelled: nothing was written', 130);
      throw e;
    });
    for (const n of plan.notes) io.err(`warning: ${n}\n`);
    await withCliErrors('', () => writeEcflowFiles(ecfIo, w.dir, plan.files, !!values.force));
    for (const f of plan.files) io.err(`wrote ${ecflowPath(w.dir, f.name)} (${f.what}${f.secret ? ', mode 0600' : ''})\n`);
    // Checked as ecFlow will see it with the export line printed (not with the ECF_SSL of this shell).
    const options = { ...w, ecfSsl: mode === 'shared' ? '1' : specificBase(w.host, w.port), ecfPortEnv: undefined };
    const check = await withCliErrors('', () => checkEcflowFolder(ecfIo, options));
    if (mode === 'specific' && preferredSet(w.ecfSsl) === 'shared') {
      io.err(`note: with ECF_SSL=1 or --ssl ecFlow prefers server.crt when it exists; "${plan.exportLine}" selects this set\n`);
    }
    printFindings(check.findings.filter((f) => f.severity !== 'info'), options, io.err);
    io.out(`${plan.exportLine}\n`);
    io.err(`start the server with: ${plan.exportLine} ECF_PORT=${w.port}; ecflow_server   (clients: the same exports; or --ssl --port ${w.port} on both)\n`);
    return 0;
  } finally {
    process.removeListener('SIGINT', onSigint);
  }
}

/** --type rsa|ec with --bits / --curve, as ecFlow accepts them (core create.ts ecflowKeySpec). Default RSA 2048. */
function keyType(type: string | undefined, bits: string | undefined, curve: string | undefined): EcflowKeyType {
  const t = (type ?? 'rsa').toLowerCase();
  let key: EcflowKeyType;
  if (t === 'rsa') {
    if (curve !== undefined) throw new CliError('--curve is for --type ec', 2);
    if (bits !== undefined && !/^\d+$/.test(bits)) throw new CliError(`--bits must be a whole number, got "${bits}"`, 2);
    key = { type: 'rsa', bits: bits === undefined ? undefined : Number(bits) };
  } else if (t === 'ec') {
    if (bits !== undefined) throw new CliError('--bits is for --type rsa (use --curve for EC)', 2);
    const c = curve === undefined ? 'P-256' : curveNamed(curve);
    if (!c) throw new CliError(`--curve must be P-256, P-384 or P-521, got "${curve}"`, 2);
    key = { type: 'ec', curve: c };
  } else {
    throw new CliError(`--type must be rsa or ec, got "${type}"`, 2);
  }
  try {
    ecflowKeySpec(key);
  } catch (e) {
    if (e instanceof PkiError) throw new CliError(`--bits: ${e.message}`, 2);
    throw e;
  }
  return key;
}

// ---------------------------------------------------------------------------------------------------------------
// check

async function check(argv: string[], io: CommandIo): Promise<number> {
  const { values } = parse(
    argv,
    {
      ...COMMON_OPTIONS,
      'client': { type: 'boolean' },
      'server-crt': { type: 'string' },
      'http': { type: 'boolean' },
      'json': { type: 'boolean' },
    },
    CHECK_USAGE,
    { positionals: false },
  );
  if (values['server-crt'] !== undefined && !values.client) throw new CliError('--server-crt goes with --client', 2);
  const w = where(values, values.client ? 'client' : 'server');
  const serverCertificate = values['server-crt'] !== undefined ? readInput(values['server-crt']) : undefined;
  const result = await withCliErrors('', () => checkEcflowFolder(nodeEcflowIo(), { ...w, role: values.client ? 'client' : 'server', serverCertificate, http: !!values.http }));
  return report(w, result, !!values.client, !!values.json, io);
}

/** Prints the result (text, or JSON with each finding's fix as one line); the exit status: 1 when a finding is an error. */
function report(w: EcflowContext, r: EcflowCheckResult, client: boolean, json: boolean, io: CommandIo): number {
  if (json) {
    const findings = r.findings.map((f) => ({ severity: f.severity, code: f.code, file: f.file, message: f.message, fix: fixText(f, w) }));
    io.out(JSON.stringify({ set: r.set, files: r.files, findings }, null, 2) + '\n');
  } else {
    const sslWord = w.ecfSsl === undefined ? 'ECF_SSL unset (--ssl)' : `ECF_SSL=${w.ecfSsl}`;
    io.out(`ecFlow SSL folder: ${w.dir}\n`);
    io.out(`${client ? 'client connecting to' : 'server'} ${w.host}, port ${w.port}, ${sslWord}\n`);
    io.out(r.set ? `set: ${r.set}${r.set === 'specific' ? ` (${w.host}.${w.port}.*)` : ' (server.*)'}\n` : 'set: none (no certificate ecFlow would use)\n');
    const names = Object.keys(r.files);
    const width = Math.max(0, ...names.map((n) => n.length));
    for (const n of names) {
      const f = r.files[n];
      const state = f.present ? (f.description ?? 'present') : f.required ? 'MISSING' : 'absent (optional)';
      io.out(`  ${n.padEnd(width)}  ${f.role.padEnd(18)} ${state}\n`);
    }
    if (r.findings.length === 0) {
      io.out('no problems found\n');
    } else {
      printFindings(r.findings, w, io.out);
      const count = (s: EcflowFinding['severity']): number => r.findings.filter((f) => f.severity === s).length;
      io.out(`${plural(count('error'), 'error')}, ${plural(count('warning'), 'warning')}\n`);
    }
  }
  return r.findings.some((f) => f.severity === 'error') ? 1 : 0;
}

function printFindings(findings: EcflowFinding[], o: Pick<EcflowCheckOptions, 'dir' | 'host' | 'port' | 'ecfSsl'>, write: (s: string) => void): void {
  for (const f of findings) {
    write(`${f.severity}: [${f.code}] ${f.message}\n`);
    write(`  fix: ${fixText(f, o)}\n`);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// fix

async function fix(argv: string[], io: CommandIo): Promise<number> {
  const { values } = parse(
    argv,
    {
      ...COMMON_OPTIONS,
      'renew': { type: 'boolean' },
      'days': { type: 'string' },
      'passphrase-file': { type: 'string' },
      'encrypt-key': { type: 'boolean' },
      'decrypt-key': { type: 'boolean' },
      'export-client': { type: 'string' },
      'out': { type: 'string', short: 'o' },
      'force': { type: 'boolean' },
    },
    FIX_USAGE,
    { positionals: false },
  );
  if (values['encrypt-key'] && values['decrypt-key']) throw new CliError('give --encrypt-key or --decrypt-key, not both', 2);
  if (values['encrypt-key'] && values['passphrase-file'] === undefined) throw new CliError('--encrypt-key needs --passphrase-file F (the new passphrase)', 2);
  if (values.days !== undefined && !values.renew) throw new CliError('--days goes with --renew', 2);
  const w = where(values);
  const ecfIo = nodeEcflowIo();

  if (values['export-client'] !== undefined) return exportClient(values['export-client'], values.out, !!values.force, w, io);
  if (values.out !== undefined) throw new CliError('-o goes with --export-client', 2);

  const passphrase = values['passphrase-file'] !== undefined ? await readSecret(values['passphrase-file'], io, 'passphrase') : undefined;
  const validity = days(values.days);
  let any = false;
  // A repair can reveal the next problem (a DER file converted to PEM turns out to hold weak parameters): a few rounds.
  for (let round = 0; round < 3; round++) {
    const { exists, entries } = await withCliErrors('', () => loadEcflowFolder(ecfIo, w.dir));
    if (!exists) throw new CliError(`${w.dir} does not exist: create a layout with "tlsw ecflow init --dir ${shq(w.dir)}"`);
    const plan = await withCliErrors('', () =>
      planEcflowRepairs(
        entries,
        { ...w, folderExists: true },
        round === 0
          ? { renew: !!values.renew, days: validity, passphrase, encryptKey: !!values['encrypt-key'], decryptKey: !!values['decrypt-key'] }
          : {},
      ),
    );
    if (plan.writes.length === 0 && plan.chmods.length === 0) break;
    await withCliErrors('', () => applyEcflowRepairs(ecfIo, w.dir, plan));
    for (const a of plan.actions) io.err(`fixed ${ecflowPath(w.dir, a)}\n`);
    any = true;
  }
  if (!any) io.err('nothing to repair automatically\n');
  const result = await withCliErrors('', () => checkEcflowFolder(ecfIo, w));
  return report(w, result, false, false, io);
}

async function exportClient(connectHost: string, outDir: string | undefined, force: boolean, w: EcflowContext, io: CommandIo): Promise<number> {
  if (outDir === undefined) throw new CliError('--export-client needs -o OUTDIR (the client\'s SSL folder, or a folder to copy from)', 2);
  const ecfIo = nodeEcflowIo();
  const result = await withCliErrors('', () => checkEcflowFolder(ecfIo, w));
  if (!result.set) throw new CliError(`${w.dir}: no certificate ecFlow would use here (run "tlsw ecflow check" for details)`);
  const set: EcflowSet = result.set;
  const names = ecflowFileNames(set, w.host, w.port);
  const crt = result.entries.find((e) => e.name === names.crt)?.bytes;
  if (!crt) throw new CliError(`${ecflowPath(w.dir, names.crt)} cannot be read`);
  const exported = await withCliErrors(names.crt, () => exportEcflowClient(crt, set, w.host, w.port, connectHost));
  await withCliErrors('', () => writeEcflowFiles(ecfIo, outDir, [{ name: exported.name, data: exported.data, secret: false, what: 'client certificate' }], force));
  io.err(`wrote ${ecflowPath(outDir, exported.name)} (the certificate clients connecting with --host ${connectHost} trust)\n`);
  io.out(`${exported.exportLine}\n`);
  return 0;
}
