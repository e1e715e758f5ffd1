// tlsw inspect FILE… [--json] [--password-file F]

import { printable, printableJson } from '../core/display/escape';
import { plural } from '../core/display/labels';
import { readFileLimited } from '../core/write/files';
import { DEFAULT_MAX_BYTES, type PkiObject, type Problem } from '../core/model';
import { readObjects } from '../core/read/read';
import { formatReport } from '../core/read/report';
import { checkSelfSignatures } from '../core/objects/x509';
import { parse, readSecret } from './args';
import { CliError, type CommandIo } from './io';
import { MAX_WORK_OPTION, MAX_WORK_USAGE, workBudget } from './work';

const USAGE = `Usage: tlsw inspect FILE… [--json] [--password-file F] [--max-work N] [--max-size MB] [--now ISO-DATE]

Decodes every certificate, CSR, key, CRL, DH parameter set and PKCS#12 keystore in each FILE (PEM with any
number of blocks, or DER) and prints a report, or with --json an array with one object per item found.
  --json              machine-readable output: [{ file, index, kind, … }]
  --password-file F   password for PKCS#12 files and passphrase for encrypted keys ("-" = standard input)
  --max-size MB       refuse files larger than this (default 5)
  --now DATE          judge expiry at this time instead of now
${MAX_WORK_USAGE}
Exit status: 0 when everything decoded, 1 when something did not (one line per problem on stderr).`;

export async function run(argv: string[], io: CommandIo): Promise<number> {
  const { values, positionals } = parse(
    argv,
    {
      'json': { type: 'boolean' },
      'password-file': { type: 'string' },
      'max-size': { type: 'string' },
      'now': { type: 'string' },
      ...MAX_WORK_OPTION,
    },
    USAGE,
  );
  // One key-derivation budget for the whole command; readObjects gives each file its share.
  const budget = workBudget(values['max-work']);
  if (positionals.length === 0) throw new CliError(`no FILE given\n${USAGE}`, 2);
  const maxBytes = values['max-size'] !== undefined ? megabytes(values['max-size']) : DEFAULT_MAX_BYTES;
  const now = values.now !== undefined ? date(values.now) : new Date();
  // May be empty: that is a PKCS#12 password like any other (without the option, the empty one is tried anyway).
  const password = values['password-file'] !== undefined ? await readSecret(values['password-file'], io, 'password', { allowEmpty: true }) : undefined;

  let failed = false;
  const json: Array<{ file: string } & PkiObject> = [];
  const reports: string[] = [];
  for (const file of positionals) {
    let bytes: Uint8Array;
    try {
      bytes = readFileLimited(file, maxBytes);
    } catch (e) {
      io.err(`tlsw inspect: ${printable((e as Error).message)}\n`);
      failed = true;
      continue;
    }
    const { objects, problems } = readObjects(bytes, { maxBytes, now, password, budget });
    // Every root's self-signature, checked in parallel off this thread (the report and the JSON both show it).
    await checkSelfSignatures(objects);
    for (const line of problemLines(file, problems)) io.err(`tlsw inspect: ${line}\n`);
    if (problems.some((p) => p.severity === 'error')) failed = true;
    if (values.json) {
      for (const o of objects) json.push({ file, ...o });
    } else if (objects.length > 0) {
      reports.push(formatReport(objects, file));
    }
  }
  // JSON escapes C0 controls itself; printableJson also writes C1 controls and bidi characters as \uNNNN.
  io.out(values.json ? printableJson(JSON.stringify(json, null, 2)) + '\n' : reports.join('\n'));
  return failed ? 1 : 0;
}

/** One problem as a terminal-safe line: the file name and the message may quote the file's own bytes. */
function problemLine(file: string, p: Problem): string {
  const line = p.range ? `:${p.range.startLine + 1}` : '';
  return printable(`${file}${line}: ${p.severity === 'warning' ? 'warning: ' : ''}${p.message}`);
}

/** Problem lines shown per file; the rest are counted in one closing line. */
const MAX_PROBLEM_LINES = 20;

/** The lines for one file's problems: the first MAX_PROBLEM_LINES, then how many more there are. */
function problemLines(file: string, problems: Problem[]): string[] {
  if (problems.length <= MAX_PROBLEM_LINES) return problems.map((p) => problemLine(file, p));
  const shown = problems.slice(0, MAX_PROBLEM_LINES).map((p) => problemLine(file, p));
  const rest = problems.slice(MAX_PROBLEM_LINES);
  const errors = rest.filter((p) => p.severity === 'error').length;
  const kinds = errors === rest.length ? '' : errors === 0 ? ' (warnings)' : ` (${plural(errors, 'error')}, ${plural(rest.length - errors, 'warning')})`;
  return [...shown, `${printable(file)}: … and ${plural(rest.length, 'more problem')} in this file${kinds}`];
}

function megabytes(s: string): number {
  const n = Number(s);
  if (!Number.isFinite(n) || n <= 0) throw new CliError(`--max-size must be a positive number of megabytes, got "${s}"`, 2);
  return Math.floor(n * 1024 * 1024);
}

function date(s: string): Date {
  const d = new Date(s);
  if (Number.isNaN(d.getTime())) throw new CliError(`--now must be a date such as 2030-01-31 or 2030-01-31T12:00:00Z, got "${s}"`, 2);
  return d;
}
