// Argument parsing shared by the commands: node:util parseArgs, with usage errors as CliError(…, 2).

import { parseArgs, type ParseArgsConfig } from 'node:util';
import { readPassphraseFile } from '../core/files';
import { CliError, type CommandIo } from './io';

type Options = NonNullable<ParseArgsConfig['options']>;

export function parse<O extends Options>(argv: string[], options: O, usage: string) {
  try {
    return parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (e) {
    throw new CliError(`${(e as Error).message.split('\n')[0]}\n${usage}`, 2);
  }
}

/** A secret from a file (first line, as `openssl -passin file:` reads it), or from standard input with "-". */
export async function readSecret(path: string, io: CommandIo, what = 'password'): Promise<string> {
  if (path === '-') {
    const text = (await io.stdin()).toString('utf8');
    const line = text.split(/\r?\n/)[0];
    if (!line) throw new CliError(`no ${what} on standard input`);
    return line;
  }
  try {
    return readPassphraseFile(path);
  } catch (e) {
    throw new CliError((e as Error).message);
  }
}
