// What a command may touch: output streams and standard input. Tests pass their own.

export interface CommandIo {
  out: (s: string) => void;
  err: (s: string) => void;
  /** Standard input, read whole (for `--password-file -`). */
  stdin: () => Promise<Buffer>;
}

/** A failure to report as one line, with an exit status (2 = usage). */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

/** Thrown for --help / -h: main prints the command's usage and exits 0. */
export class HelpRequested extends Error {
  constructor(readonly usage: string) {
    super('help requested');
  }
}
