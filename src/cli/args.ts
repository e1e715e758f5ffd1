// Argument parsing shared by the commands: node:util parseArgs, with usage errors as CliError(…, 2).

import { parseArgs, type ParseArgsConfig } from 'node:util';
import { readPassphraseFile } from '../core/write/files';
import { CliError, HelpRequested, type CommandIo } from './io';

type Options = NonNullable<ParseArgsConfig['options']>;

const HELP = { help: { type: 'boolean', short: 'h' } } as const;

/**
 * Parses a command's options (every command also takes --help). With `positionals: false`, any positional
 * argument is a usage error.
 */
export function parse<O extends Options>(argv: string[], options: O, usage: string, { positionals = true } = {}) {
  let result;
  try {
    result = parseArgs({ args: argv, options: { ...options, ...HELP }, allowPositionals: true, strict: true });
  } catch (e) {
    throw new CliError(`${(e as Error).message.split('\n')[0]}\n${usage}`, 2);
  }
  if ((result.values as { help?: boolean }).help) throw new HelpRequested(usage);
  if (!positionals && result.positionals.length > 0) throw new CliError(`unexpected argument "${result.positionals[0]}"\n${usage}`, 2);
  return result;
}

/** A secret from a file (first line, as `openssl -passin file:` reads it), or from standard input with "-". */
export async function readSecret(path: string, io: CommandIo, what = 'password', opts: { allowEmpty?: boolean } = {}): Promise<string> {
  if (path === '-') {
    const text = (await io.stdin()).toString('utf8');
    const line = text.split(/\r?\n/)[0];
    if (!line && !opts.allowEmpty) throw new CliError(`no ${what} on standard input`);
    return line;
  }
  try {
    return readPassphraseFile(path, { ...opts, what });
  } catch (e) {
    throw new CliError((e as Error).message);
  }
}
