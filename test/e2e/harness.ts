// Shared by the e2e tests: where things are, the scripts/ helpers (plain JS, typed by their .d.ts), and a
// reader for the .vsix (a zip) so its contents can be checked without unpacking tools.

import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import type * as CodeServer from '../../scripts/codeServer';
import type * as FixtureMaker from '../../scripts/fixtures';

/** The repository root, from out/test/e2e/ at run time. */
export const ROOT = path.resolve(__dirname, '..', '..', '..');
export const ARTIFACTS = path.join(ROOT, 'test-artifacts', 'e2e');
export const VSIX = process.env.TLSW_VSIX ? path.resolve(process.env.TLSW_VSIX) : path.join(ROOT, 'tls-workbench.vsix');

// Resolved from the root at run time: the compiled file lives in out/, the scripts do not.
// eslint-disable-next-line @typescript-eslint/no-require-imports
export const codeServer = require(path.join(ROOT, 'scripts', 'codeServer.js')) as typeof CodeServer;
// eslint-disable-next-line @typescript-eslint/no-require-imports
export const fixtureMaker = require(path.join(ROOT, 'scripts', 'fixtures.js')) as typeof FixtureMaker;

export interface ZipEntry {
  name: string;
  compressedSize: number;
  size: number;
  method: number;
  localHeaderOffset: number;
}

/** The entries of a zip file, from its central directory. */
export function zipEntries(zip: Buffer): ZipEntry[] {
  let eocd = -1;
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 22 - 0xffff); i--) {
    if (zip.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error('not a zip file (no end of central directory)');
  const count = zip.readUInt16LE(eocd + 10);
  let p = zip.readUInt32LE(eocd + 16);
  const entries: ZipEntry[] = [];
  for (let n = 0; n < count; n++) {
    if (zip.readUInt32LE(p) !== 0x02014b50) throw new Error(`bad central directory entry ${n}`);
    const nameLength = zip.readUInt16LE(p + 28);
    const extraLength = zip.readUInt16LE(p + 30);
    const commentLength = zip.readUInt16LE(p + 32);
    entries.push({
      method: zip.readUInt16LE(p + 10),
      compressedSize: zip.readUInt32LE(p + 20),
      size: zip.readUInt32LE(p + 24),
      localHeaderOffset: zip.readUInt32LE(p + 42),
      name: zip.toString('utf8', p + 46, p + 46 + nameLength),
    });
    p += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

/** One file's bytes out of a zip (stored or deflated). */
export function zipRead(zip: Buffer, entry: ZipEntry): Buffer {
  const p = entry.localHeaderOffset;
  if (zip.readUInt32LE(p) !== 0x04034b50) throw new Error(`bad local header for ${entry.name}`);
  const start = p + 30 + zip.readUInt16LE(p + 26) + zip.readUInt16LE(p + 28);
  const data = zip.subarray(start, start + entry.compressedSize);
  if (entry.method === 0) return Buffer.from(data);
  if (entry.method === 8) return zlib.inflateRawSync(data);
  throw new Error(`${entry.name}: unsupported zip method ${entry.method}`);
}

export function ensureArtifacts(): string {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  return ARTIFACTS;
}
