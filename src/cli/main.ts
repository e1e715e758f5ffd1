// `tlsw` — the TLS Workbench engine on the command line. This file only dispatches: each command's module
// (and the heavy libraries it needs) is loaded when that command runs, so `tlsw --version` stays instant.

import { printable } from '../core/display/escape';
import { messageOf } from '../core/display/labels';
import { CliError, HelpRequested, type CommandIo } from './io';

interface Command {
  summary: string;
  load: () => Promise<{ run: (argv: string[], io: CommandIo) => Promise<number> }>;
}

const COMMANDS: Record<string, Command> = {
  inspect: { summary: 'decode PEM / DER / PKCS#12 files and report every object in them', load: () => import('./inspect') },
  key: { summary: 'generate a private key; derive its public key; add, remove or change its passphrase', load: () => import('./key') },
  csr: { summary: 'create a certificate signing request', load: () => import('./csr') },
  cert: { summary: 'create a self-signed certificate', load: () => import('./cert') },
  ca: { summary: 'create a root or intermediate certificate authority', load: () => import('./ca') },
  sign: { summary: 'sign a CSR with a CA (server, client, server+client or intermediate profile)', load: () => import('./sign') },
  p12: { summary: 'export a PKCS#12 / PFX keystore, or import one back to PEM files', load: () => import('./p12') },
  convert: { summary: 'convert between PEM and DER', load: () => import('./convert') },
  bundle: { summary: 'write a full-chain file (leaf first) from separate certificates', load: async () => ({ run: (await import('./convert')).bundle }) },
  verify: { summary: 'verify a certificate chain, a key against its certificate, or a CSR signature', load: () => import('./verify') },
  scan: { summary: 'find every key, CSR, certificate and keystore under a folder, with subjects and expiry', load: () => import('./scan') },
  ecflow: { summary: "create, check and repair ecFlow's SSL folder (~/.ecflowrc/ssl)", load: () => import('./ecflow') },
};

export const USAGE = `tlsw — TLS Workbench on the command line

Usage: tlsw <command> [options]

Commands:
${Object.entries(COMMANDS)
  .map(([name, c]) => `  ${name.padEnd(10)}${c.summary}`)
  .join('\n')}

Run "tlsw <command> --help" for a command's options. Secrets (passwords, passphrases) are read only
from files (--password-file F, "-" for standard input), never from the command line.`;

export async function main(argv: string[], io: CommandIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.out(USAGE + '\n');
    return name === undefined ? 2 : 0;
  }
  if (name === '--version' || name === '-V') {
    io.out(`${VERSION}\n`);
    return 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    io.err(`tlsw: unknown command "${name}" (run "tlsw --help" for the list)\n`);
    return 2;
  }
  try {
    const mod = await command.load();
    return await mod.run(rest, io);
  } catch (e) {
    if (e instanceof HelpRequested) {
      io.out(e.usage + '\n');
      return 0;
    }
    // Messages quote file names and decoded fields: controls and bidi characters in them are shown escaped.
    if (e instanceof CliError) {
      io.err(`tlsw ${name}: ${printable(e.message, { keepLineBreaks: true })}\n`);
      return e.exitCode;
    }
    io.err(`tlsw ${name}: ${printable(messageOf(e))}\n`);
    return 1;
  }
}

declare const TLSW_VERSION: string | undefined;
const VERSION = typeof TLSW_VERSION === 'string' ? TLSW_VERSION : '0.0.0-dev';

/**
 * Ctrl-C, a closed terminal or `kill`: remove the temporary files of a write in progress and release any serial
 * file lock (core/write/files.ts), then die of the same signal (so the shell sees 130, 143…). Writes are synchronous, so the
 * handler runs between steps, never in the middle of one.
 */
function cleanUpOnSignals(): void {
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      void import('../core/write/files').then(
        ({ cleanupForExit }) => die(signal, cleanupForExit),
        () => die(signal, () => undefined),
      );
    });
  }
}

function die(signal: NodeJS.Signals, cleanup: () => void): void {
  try {
    cleanup();
  } finally {
    process.kill(process.pid, signal); // our listener is gone (once): the default action ends the process
  }
}

if (require.main === module) {
  cleanUpOnSignals();
  main(process.argv.slice(2), {
    out: (s) => process.stdout.write(s),
    err: (s) => process.stderr.write(s),
    stdin: () => readStdin(),
  }).then(
    (code) => {
      process.exitCode = code;
    },
    (e) => {
      process.stderr.write(`tlsw: ${e instanceof Error ? e.message : String(e)}\n`);
      process.exitCode = 1;
    },
  );
}

function readStdin(): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    process.stdin.on('data', (c: Buffer) => chunks.push(c));
    process.stdin.on('end', () => resolve(Buffer.concat(chunks)));
    process.stdin.on('error', reject);
  });
}
