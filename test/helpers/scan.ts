// The workspace scanner's batches, collected: the tests look at a whole scan at once (src has no use for that).

import { scanFiles, type FileAccessor, type ScannedFile, type ScanOptions } from '../../src/core/workspace/scanner';

export async function scanAll(accessor: FileAccessor, opts: ScanOptions = {}): Promise<ScannedFile[]> {
  const out: ScannedFile[] = [];
  for await (const batch of scanFiles(accessor, opts)) out.push(...batch);
  return out;
}
