// Test-only: re-encode DER as BER the way macOS Keychain, Windows and other streaming encoders write PKCS#12
// (indefinite lengths, OCTET STRINGs split into constructed chunks). Used to make BER keystores out of files
// that openssl and keytool write in DER.

import { readRoot, readTlv, validateTree } from '../../src/core/der/asn1';

/** One DER TLV: `tag`, a definite length (up to 3 length octets), and the parts concatenated. */
export function tlv(tag: number, ...parts: Uint8Array[]): Buffer {
  const body = Buffer.concat(parts);
  const n = body.length;
  const len = n < 0x80 ? [n] : n < 0x100 ? [0x81, n] : n < 0x10000 ? [0x82, n >> 8, n & 0xff] : [0x83, n >> 16, (n >> 8) & 0xff, n & 0xff];
  return Buffer.concat([Buffer.from([tag, ...len]), body]);
}

/**
 * Re-encodes DER as BER: indefinite lengths everywhere, OCTET STRINGs over 40 bytes split into constructed
 * chunks. OCTET STRINGs whose content is itself DER are re-encoded too while `deep` > 0 (at depth 0 the bytes
 * a PKCS#12 MAC covers stay the same, so the MAC still verifies).
 */
export function toBer(bytes: Uint8Array, deep: number, pos = 0, end = bytes.length): Buffer {
  const out: Buffer[] = [];
  while (pos < end) {
    const t = readTlv(bytes, pos, end);
    const body = bytes.subarray(t.contentStart, t.end);
    if (t.tag & 0x20) {
      out.push(Buffer.from([t.tag, 0x80]), toBer(bytes, deep, t.contentStart, t.end), Buffer.from([0, 0]));
    } else if (t.tag === 0x04 && body.length > 40) {
      let inner: Buffer = Buffer.from(body);
      if (deep > 0 && body[0] === 0x30) {
        try {
          validateTree(body, readRoot(body));
          inner = toBer(body, deep - 1);
        } catch {
          /* not DER inside */
        }
      }
      const chunks: Buffer[] = [];
      for (let i = 0; i < inner.length; i += 37) chunks.push(tlv(0x04, inner.subarray(i, i + 37)));
      out.push(Buffer.from([0x24, 0x80]), ...chunks, Buffer.from([0, 0]));
    } else {
      out.push(Buffer.from(bytes.subarray(t.start, t.end)));
    }
    pos = t.end;
  }
  return Buffer.concat(out);
}
