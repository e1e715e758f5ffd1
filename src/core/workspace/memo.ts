// What one scan remembers: the same certificate is often in many files (a CA in every service's folder, vendored
// copies of a trust bundle), and its summary (or the reason it has none) does not change within a scan: each
// object is summarised once (rowDecoder.ts) and placed many times (scanner.ts).

import type { ObjectKind } from '../model';
import type { ScannedObject } from './scanner';

/** An object summarised once, placed many times; or the one-line problem of a block we cannot summarise ('' = skip silently). */
export type Summary = { kind: ObjectKind; fields: Partial<ScannedObject> } | string;

/** Entries a memo holds before it starts afresh (a scan's working set is far smaller). */
export const MEMO_MAX = 20_000;
/** Sources longer than this are not remembered (a certificate is 1-3 KB of base64). */
const SOURCE_MAX = 16 * 1024;
/** Characters of text read before the memo starts afresh (see `readingText`). */
const TEXT_MAX = 32 * 1024 * 1024;

/** Sets `key` in `map`, clearing the map first when it holds `max` entries. */
export function remember<V>(map: Map<string, V>, key: string, value: V, max: number): void {
  if (map.size >= max) map.clear();
  map.set(key, value);
}

/** Summaries by their source: a PEM block's label and base64, or a DER file's bytes. */
export class SummaryMemo {
  private readonly entries = new Map<string, { source: string; summary: Summary }>();
  private retained = 0;

  /**
   * A text of `chars` characters is about to be read. Sources can be slices of the texts they were found in, which
   * they keep alive: past a bound, the memo starts afresh.
   */
  readingText(chars: number): void {
    this.retained += chars;
    if (this.retained > TEXT_MAX) {
      this.entries.clear();
      this.retained = chars;
    }
  }

  /** The summary of a PEM block seen before in this scan. */
  pem(label: string, base64: string): Summary | undefined {
    return this.get(pemKey(label, base64), base64);
  }

  rememberPem(label: string, base64: string, summary: Summary): void {
    if (base64.length <= SOURCE_MAX) this.set(pemKey(label, base64), base64, summary);
  }

  /** The summary of a DER file seen before in this scan. */
  der(bytes: Uint8Array): Summary | undefined {
    const key = derKey(bytes);
    return key === undefined ? undefined : this.get(key, key);
  }

  rememberDer(bytes: Uint8Array, summary: Summary): void {
    const key = derKey(bytes);
    if (key !== undefined) this.set(key, key, summary);
  }

  private get(key: string, source: string): Summary | undefined {
    const hit = this.entries.get(key);
    // A lookup compares the whole source, so a key collision is a miss, never a wrong summary.
    return hit !== undefined && hit.source === source ? hit.summary : undefined;
  }

  private set(key: string, source: string, summary: Summary): void {
    remember(this.entries, key, { source, summary }, MEMO_MAX);
  }
}

/**
 * A PEM block's key: its label, length and last 64 characters (a signature's end: distinct between any two real
 * certificates). Short, so cheap to hash; hashing a 2 KB body for every block would cost more.
 */
function pemKey(label: string, base64: string): string {
  return `${label}\n${base64.length}\n${base64.slice(-64)}`;
}

/** A DER file's key: its bytes, read as latin1 text (undefined when too long to remember). */
function derKey(bytes: Uint8Array): string | undefined {
  return bytes.length <= SOURCE_MAX ? `DER\n${Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1')}` : undefined;
}
