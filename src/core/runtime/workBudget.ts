// How much key-derivation work a file, and a whole command, may make us do. Every derivation (PBKDF2, scrypt,
// PBKDF1, the PKCS#12 KDF) is charged here before it runs, in one unit: the cost of one PBKDF2-HMAC-SHA256
// iteration for one output block (about 0.2 µs on a current CPU, so 5 million units ≈ 1 s). A derivation that would
// go over a limit is refused before any of it runs, with a one-line error: a hostile file of many keys, each
// within its own cap, cannot add up to minutes of work.
//
// One budget is made per command (the CLI: per `tlsw` run; the extension: per unlock or command), and readers take
// a child of it per file (`forFile()`), charged together with its parent.

import { PkiError } from '../model';

/** Work units in one "million" of `--max-work`. */
export const WORK_UNIT_MILLION = 1_000_000;
/** Default work one file may ask for: 30 million units (≈ 6 s; three keys at the per-key PBKDF2 cap). */
export const DEFAULT_FILE_WORK = 30 * WORK_UNIT_MILLION;
/** Default work one command may do over all its files: twice a file's. */
const DEFAULT_COMMAND_WORK = 2 * DEFAULT_FILE_WORK;

/** Relative cost of one iteration-block of each derivation, in units (measured: see the file comment). */
const WEIGHT = {
  /** Native PBKDF2 with a 64-byte-block hash (SHA-1, SHA-224, SHA-256). */
  pbkdf2: 1,
  /** Native PBKDF2 with SHA-384 / SHA-512 (128-byte blocks). */
  pbkdf2Wide: 2,
  /** A hash loop in JavaScript (PBKDF1, the PKCS#12 KDF): one createHash per iteration. */
  jsHash: 5,
  /** scrypt, per unit of N·r·p. */
  scrypt: 2,
} as const;

/** Units for PBKDF2 with `iterations`, producing `blocks` output blocks of `digest`. */
export function pbkdf2Work(iterations: number, blocks: number, digest: string): number {
  return iterations * Math.max(1, blocks) * (/384|512/.test(digest) ? WEIGHT.pbkdf2Wide : WEIGHT.pbkdf2);
}

/** Units for a JavaScript hash loop (PBKDF1, the PKCS#12 KDF) of `iterations` × `blocks` hashes. */
export function hashLoopWork(iterations: number, blocks: number): number {
  return iterations * Math.max(1, blocks) * WEIGHT.jsHash;
}

/** Units for scrypt(N, r, p). */
export function scryptWork(n: number, r: number, p: number): number {
  return n * r * p * WEIGHT.scrypt;
}

/** The refusal of a derivation over a budget (or over a per-key cap): a PkiError fit to show as it is. */
export class WorkLimitError extends PkiError {
  constructor(
    message: string,
    /** The budget that ran out (undefined for a per-key cap). */
    readonly budget?: WorkBudget,
  ) {
    super(message);
    this.name = 'WorkLimitError';
  }
}

export interface WorkBudgetOptions {
  /** Units one file may ask for (default DEFAULT_FILE_WORK). */
  perFile?: number;
  /** Units the whole command may use (default twice perFile). */
  perCommand?: number;
  /** How the user raises the limit, added to the error ("use --max-work N"). */
  raiseHint?: string;
}

export class WorkBudget {
  private spent = 0;

  private constructor(
    readonly limit: number,
    readonly scope: 'command' | 'file' | 'probe',
    private readonly perFile: number,
    private readonly raiseHint: string,
    private readonly parent?: WorkBudget,
  ) {}

  /** A command's budget. */
  static forCommand(opts: WorkBudgetOptions = {}): WorkBudget {
    const perFile = positive(opts.perFile) ?? DEFAULT_FILE_WORK;
    const perCommand = positive(opts.perCommand) ?? (opts.perFile !== undefined ? 2 * perFile : DEFAULT_COMMAND_WORK);
    return new WorkBudget(perCommand, 'command', perFile, opts.raiseHint ?? '');
  }

  /** With `--max-work N` (millions of units per file; the command gets twice that). */
  static fromMillions(millions: number | undefined, raiseHint = 'raise it with --max-work N (millions of units per file)'): WorkBudget {
    return WorkBudget.forCommand({ perFile: millions === undefined ? undefined : millions * WORK_UNIT_MILLION, raiseHint });
  }

  /** The share of this budget one file may use (charged to this budget too). A file budget's child is a file budget. */
  forFile(): WorkBudget {
    if (this.scope !== 'command') return this;
    return new WorkBudget(this.perFile, 'file', this.perFile, this.raiseHint, this);
  }

  /** A small allowance inside this budget for speculative work (trying the empty password), still charged to it. */
  probe(units: number): WorkBudget {
    return new WorkBudget(units, 'probe', this.perFile, this.raiseHint, this);
  }

  get used(): number {
    return this.spent;
  }

  /** Units left before this budget, or one it is part of, runs out. */
  get remaining(): number {
    return this.chain().reduce((left, b) => Math.min(left, b.limit - b.spent), Infinity);
  }

  /** This budget and every one it belongs to, innermost first. */
  private chain(): WorkBudget[] {
    const out: WorkBudget[] = [];
    for (let b: WorkBudget | undefined = this.parent; b; b = b.parent) out.push(b);
    return [this as WorkBudget, ...out];
  }

  /**
   * Records `units` of work about to be done for `what` ("PBKDF2 with 10000000 iterations"), or throws
   * WorkLimitError (nothing recorded) when this budget or one it belongs to would go over.
   */
  charge(units: number, what: string): void {
    if (!(units >= 0)) units = Infinity;
    const chain = this.chain();
    for (const b of chain) if (b.spent + units > b.limit) throw new WorkLimitError(b.message(what), b);
    for (const b of chain) b.spent += units;
  }

  private message(what: string): string {
    const where = this.scope === 'command' ? 'this command' : this.scope === 'file' ? 'this file' : 'trying without a password';
    const hint = this.raiseHint && this.scope !== 'probe' ? `; ${this.raiseHint}` : '';
    return `refusing ${what}: too much key-derivation work for ${where} (limit ${millions(this.limit)} million units, ${millions(this.spent)} used${hint})`;
  }
}

function positive(n: number | undefined): number | undefined {
  return n !== undefined && n > 0 ? n : undefined;
}

function millions(n: number): string {
  const m = n / WORK_UNIT_MILLION;
  return Number.isInteger(m) ? String(m) : m.toFixed(1);
}
