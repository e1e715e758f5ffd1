// Writing what a command makes: outputs checked to be free before slow work, then written all or none (never over
// an existing file without --force), each said on standard error; and the engine's warnings.

import { existsSync } from 'node:fs';
import { encodePem } from '../core/der/pem';
import { writeFilesSafe } from '../core/write/files';
import { CliError, type CommandIo } from './io';

export interface Output {
  path: string;
  data: string | Uint8Array;
  secret?: boolean;
  what: string;
}

/** Fails early (before slow work such as key generation) when an output exists and --force was not given. */
export function checkOutputs(paths: (string | undefined)[], force: boolean): void {
  if (force) return;
  const seen = new Set<string>();
  for (const p of paths) {
    if (p === undefined) continue;
    if (seen.has(p)) throw new CliError(`${p} is named for two outputs`, 2);
    seen.add(p);
    if (existsSync(p)) throw new CliError(`${p} already exists (use --force to overwrite)`);
  }
}

/** Writes all outputs or none (refusing to overwrite unless --force), then says what was written. */
export function writeOutputs(outputs: Output[], force: boolean, io: CommandIo): void {
  let swept: string[];
  try {
    ({ swept } = writeFilesSafe(outputs.map(({ path, data, secret }) => ({ path, data, secret })), { overwrite: force }));
  } catch (e) {
    throw new CliError((e as Error).message);
  }
  reportSwept(io, swept);
  for (const o of outputs) io.err(`wrote ${o.path} (${o.what}${o.secret ? ', mode 0600' : ''})\n`);
}

/** Says which temporary files of an interrupted earlier write were removed (they may have held a private key). */
export function reportSwept(io: CommandIo, swept: string[]): void {
  for (const p of swept) io.err(`warning: removed ${p}, a temporary file left by an interrupted earlier write\n`);
}

export function warn(io: CommandIo, warnings: string[]): void {
  for (const w of warnings) io.err(`warning: ${w}\n`);
}

/** An object as written with or without --der: its DER, or PEM under `label`. */
export function pemOrDer(label: string, der: Uint8Array, asDer: boolean | undefined): string | Uint8Array {
  return asDer ? der : encodePem(label, der);
}
