// --max-work: the key-derivation work a command may do (src/core/runtime/workBudget.ts), for the commands that decrypt.

import { DEFAULT_FILE_WORK, WORK_UNIT_MILLION, WorkBudget } from '../core/runtime/workBudget';
import { CliError } from './io';

/** The option, for parse(). */
export const MAX_WORK_OPTION = { 'max-work': { type: 'string' } } as const;

/** The usage line, shared by every command that has the option. */
export const MAX_WORK_USAGE = `  --max-work N        key-derivation work allowed per file, in millions of PBKDF2-SHA256 iterations or the
                      equivalent (default ${DEFAULT_FILE_WORK / WORK_UNIT_MILLION}, about 6 s; the whole command: twice that)`;

/** The command's budget from `--max-work N` (or the defaults). */
export function workBudget(value: string | undefined): WorkBudget {
  if (value === undefined) return WorkBudget.fromMillions(undefined);
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new CliError(`--max-work must be a positive number (millions of work units), got "${value}"`, 2);
  return WorkBudget.fromMillions(n);
}
