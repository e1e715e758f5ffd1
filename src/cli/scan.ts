// tlsw scan [DIR…] [--json] [--exclude GLOB…]: the Certificate Explorer's scanner on the command line.

import { closeSync, constants, fstatSync, openSync, readdirSync, readFileSync, readSync, statSync } from 'node:fs';
import { join, sep } from 'node:path';
import { DEFAULT_MAX_BYTES, DEFAULT_WARN_DAYS } from '../core/model';
import { KIND_WORDS, expiryPhrase, globToRegExp, scanFiles, type FileAccessor, type ScannedFile, type ScannedObject, type ScanStats } from '../core/scan';
import { parse } from './args';
import { CliError, type CommandIo } from './io';

const USAGE = `Usage: tlsw scan [DIR…] [--json] [--exclude GLOB…] [--max-size MB] [--warn-days N] [--now ISO-DATE]

Finds every certificate, key, CSR, CRL, keystore and chain under each DIR (default: the current folder), in
PEM text of any file name or in DER, and lists each object with its file, kind and, for certificates, subject
and expiry. Skips node_modules and .git folders, and symbolic links.
  --json              machine-readable output: [{ file, index, kind, … }]
  --exclude GLOB      skip matching files and folders (repeatable); a GLOB without "/" matches at any depth
  --max-size MB       list larger files as too large without reading them (default 5)
  --warn-days N       certificates expiring within N days are "expiring" (default 30)
  --now DATE          judge expiry at this time instead of now
Exit status: 0 when the scan ran (problems in files are reported on stderr), 1 when a DIR cannot be read.`;

const DEFAULT_EXCLUDES = ['**/node_modules/**', '**/.git/**'];
/** File names whose owners expect PKI content: listed even when too large or unreadable. */
const PKI_EXTENSION = /\.(pem|crt|cer|der|key|csr|p12|pfx|crl|p7b)$/i;

export async function run(argv: string[], io: CommandIo): Promise<number> {
  const { values, positionals } = parse(
    argv,
    {
      'json': { type: 'boolean' },
      'exclude': { type: 'string', multiple: true },
      'max-size': { type: 'string' },
      'warn-days': { type: 'string' },
      'now': { type: 'string' },
    },
    USAGE,
  );
  const dirs = positionals.length > 0 ? positionals : ['.'];
  for (const dir of dirs) {
    let isDir: boolean;
    try {
      isDir = statSync(dir).isDirectory();
    } catch {
      throw new CliError(`${dir}: no such folder`);
    }
    if (!isDir) throw new CliError(`${dir}: not a folder (tlsw scan walks folders; use "tlsw inspect FILE" for one file)`);
  }
  const maxBytes = values['max-size'] !== undefined ? megabytes(values['max-size']) : DEFAULT_MAX_BYTES;
  const warnDays = values['warn-days'] !== undefined ? days(values['warn-days']) : DEFAULT_WARN_DAYS;
  const now = values.now !== undefined ? date(values.now) : new Date();
  const excludes = [...DEFAULT_EXCLUDES, ...(values.exclude ?? [])].map((g) => globToRegExp(g));

  const stats: ScanStats = { examined: 0, found: 0 };
  const walkErrors: string[] = [];
  const accessor = new NodeFiles(() => walk(dirs, excludes, walkErrors));
  const json: object[] = [];
  const lines: string[] = [];
  for await (const batch of scanFiles(accessor, { maxBytes, warnDays, now, stats, candidate: (f) => PKI_EXTENSION.test(f) })) {
    for (const f of batch) {
      for (const p of f.problems) io.err(`tlsw scan: ${f.file}: ${p}\n`);
      for (const o of f.objects) {
        if (values.json) json.push(jsonOf(f, o));
        else lines.push(lineOf(f, o));
      }
      if (values.json && f.objects.length === 0) json.push({ file: f.file, index: null, kind: null, status: f.status, problems: f.problems });
    }
    if (!values.json && lines.length > 0) io.out(lines.splice(0).join('\n') + '\n');
  }
  for (const e of walkErrors) io.err(`tlsw scan: ${e}\n`);
  if (values.json) io.out(JSON.stringify(json, null, 2) + '\n');
  else io.out(`${stats.found} file${stats.found === 1 ? '' : 's'} with keys or certificates among ${stats.examined} scanned\n`);
  return 0;
}

function jsonOf(f: ScannedFile, o: ScannedObject): object {
  return {
    file: f.file,
    index: o.index,
    kind: o.kind,
    encoding: o.encoding,
    ...(o.pemLabel !== undefined && { label: o.pemLabel }),
    ...(o.range && { line: o.range.startLine + 1 }),
    ...(o.subject !== undefined && { subject: o.subject }),
    ...(o.commonName !== undefined && { commonName: o.commonName }),
    ...(o.issuer !== undefined && { issuer: o.issuer }),
    ...(o.notBefore !== undefined && { notBefore: o.notBefore }),
    ...(o.notAfter !== undefined && { notAfter: o.notAfter }),
    ...(o.expiry && { status: o.expiry.status, daysLeft: o.expiry.daysLeft }),
    ...(o.isCA !== undefined && { isCA: o.isCA }),
    ...(o.serialNumber !== undefined && { serialNumber: o.serialNumber }),
    ...(o.subjectKeyIdentifier !== undefined && { subjectKeyIdentifier: o.subjectKeyIdentifier }),
    ...(o.authorityKeyIdentifier !== undefined && { authorityKeyIdentifier: o.authorityKeyIdentifier }),
    ...(o.sha256 !== undefined && { sha256: o.sha256 }),
    ...(o.algorithm !== undefined && { algorithm: o.algorithm }),
    ...(o.encrypted !== undefined && { encrypted: o.encrypted }),
    ...(o.nextUpdate !== undefined && { nextUpdate: o.nextUpdate }),
  };
}

/** `path[:line]  kind  subject  expiry`, tab-separated so it stays greppable and cut-able. */
function lineOf(f: ScannedFile, o: ScannedObject): string {
  const where = o.range && f.objects.length > 1 ? `${f.file}:${o.range.startLine + 1}` : f.file;
  const what = KIND_WORDS[o.kind] + (o.isCA ? ' (CA)' : '') + (o.encrypted ? ' (encrypted)' : '');
  const cells = [where, what];
  if (o.kind === 'certificate') {
    cells.push(o.subject || '(empty subject)');
    const e = o.expiry;
    const day = o.notAfter?.slice(0, 10) ?? '?';
    if (!e) cells.push(`expires ${day}`);
    else if (e.status === 'expired') cells.push(`EXPIRED ${day} (${expiryPhrase(e).replace(/^expired /, '')})`);
    else if (e.status === 'not-yet-valid') cells.push(`${expiryPhrase(e, o.notBefore)}, expires ${day}`);
    else cells.push(`${e.status === 'expiring' ? 'EXPIRING' : 'expires'} ${day} (${expiryPhrase(e).replace(/^expires /, '')})`);
  } else if (o.kind === 'csr') {
    cells.push(o.subject || '(empty subject)');
  } else if (o.algorithm) {
    cells.push(o.algorithm);
  }
  return cells.join('\t');
}

/**
 * Every regular file under `dirs`, depth first, names in code-point order, pruning excluded folders. Symbolic links are
 * not followed (no loops, nothing outside the tree). Synchronous on purpose: for tens of thousands of small
 * files, plain system calls beat the thread pool by far, and nothing else runs in this process.
 */
function* walk(dirs: string[], excludes: RegExp[], errors: string[]): Generator<string> {
  for (const root of dirs) {
    // `DIR/sub/name`, as the user wrote DIR (`.` lists bare relative paths, like ripgrep).
    const prefix = root === '.' || root === `.${sep}` ? '' : root.endsWith(sep) || root.endsWith('/') ? root : root + sep;
    const stack: string[] = [''];
    while (stack.length > 0) {
      const rel = stack.pop() as string;
      let entries;
      try {
        entries = readdirSync(rel ? join(root, rel) : root, { withFileTypes: true });
      } catch (e) {
        errors.push(`${rel ? join(root, rel) : root}: cannot be listed (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
        continue;
      }
      const subdirs: string[] = [];
      entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      for (const entry of entries) {
        const path = rel ? `${rel}/${entry.name}` : entry.name;
        if (entry.isDirectory()) {
          if (!excluded(path, excludes)) subdirs.push(path);
        } else if (entry.isFile() && !excluded(path, excludes)) {
          yield prefix + (sep === '/' ? path : path.replaceAll('/', sep));
        }
      }
      for (let i = subdirs.length - 1; i >= 0; i--) stack.push(subdirs[i]);
    }
  }
}

function excluded(path: string, excludes: RegExp[]): boolean {
  for (const re of excludes) if (re.test(path)) return true;
  return false;
}

/** node:fs, synchronously, with one reusable buffer for the first bytes of each file. */
class NodeFiles implements FileAccessor {
  private readonly head = Buffer.allocUnsafe(64 * 1024 + 16);
  private lastSize = new Map<string, number>();
  constructor(readonly list: () => Iterable<string>) {}

  readHead(file: string, n: number): Uint8Array {
    const buf = n <= this.head.length ? this.head : Buffer.allocUnsafe(n);
    const fd = openSync(file, constants.O_RDONLY);
    try {
      const got = readSync(fd, buf, 0, n, 0);
      this.lastSize.clear();
      if (got === n) this.lastSize.set(file, fstatSync(fd).size);
      return buf.subarray(0, got);
    } finally {
      closeSync(fd);
    }
  }

  size(file: string): number {
    return this.lastSize.get(file) ?? statSync(file).size;
  }

  readAll(file: string): Uint8Array {
    return readFileSync(file);
  }
}

function megabytes(s: string): number {
  const n = Number(s);
  if (!Number.isFinite(n) || n <= 0) throw new CliError(`--max-size must be a positive number of megabytes, got "${s}"`, 2);
  return Math.floor(n * 1024 * 1024);
}

function days(s: string): number {
  const n = Number(s);
  if (!Number.isInteger(n) || n < 0) throw new CliError(`--warn-days must be a whole number of days, got "${s}"`, 2);
  return n;
}

function date(s: string): Date {
  const d = new Date(s);
  if (Number.isNaN(d.getTime())) throw new CliError(`--now must be a date such as 2030-01-31 or 2030-01-31T12:00:00Z, got "${s}"`, 2);
  return d;
}
