// Hostile inputs, generated here (no committed binaries): certificates and a PKCS#12 whose names, SANs, URIs,
// policy texts and friendly names carry ESC / OSC / CR / DEL / C1 / bidi characters, a 1-byte "certificate" and a
// truncated key for `tlsw convert`, a 5 MB SEQUENCE of tiny elements, a file of a hundred broken blocks, a keystore
// whose localKeyId names the wrong certificate, and RSA roots with a 2048-bit public exponent.

import assert from 'node:assert/strict';
import { createPrivateKey, createPublicKey, generateKeyPairSync, generatePrimeSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { after, describe, it } from 'node:test';
import { MAX_CHILDREN, TooManyElements, children, readRoot, validateTree } from '../../src/core/der/asn1';
import { printable, printableJson } from '../../src/core/display/escape';
import { readObjects } from '../../src/core/read/read';
import { formatReport } from '../../src/core/read/report';
import { checkSelfSignatures, clearSelfSignedCache, decodeCertificate, selfSignatureUnchecked } from '../../src/core/objects/x509';
import { tempDir, write } from '../helpers/tools';
import { tlv } from '../helpers/ber';
import { tlsw } from '../helpers/tlsw';

// ---------------------------------------------------------------------------------------------------------------
// A small DER writer.

const seq = (...p: Uint8Array[]): Buffer => tlv(0x30, ...p);
const set = (...p: Uint8Array[]): Buffer => tlv(0x31, ...p);
const octet = (b: Uint8Array): Buffer => tlv(0x04, b);
const utf8 = (s: string): Buffer => tlv(0x0c, Buffer.from(s, 'utf8'));
const ia5 = (s: string): Buffer => tlv(0x16, Buffer.from(s, 'latin1'));
const bmp = (s: string): Buffer => tlv(0x1e, Buffer.from(s, 'utf16le').swap16());
const int = (n: number | bigint): Buffer => {
  let hex = BigInt(n).toString(16);
  if (hex.length % 2) hex = '0' + hex;
  if (parseInt(hex.slice(0, 2), 16) & 0x80) hex = '00' + hex;
  return tlv(0x02, Buffer.from(hex, 'hex'));
};
function oid(s: string): Buffer {
  const [a, b, ...rest] = s.split('.').map(Number);
  const out = [40 * a + b];
  for (const v of rest) {
    const bytes = [v & 0x7f];
    for (let x = Math.floor(v / 128); x > 0; x = Math.floor(x / 128)) bytes.unshift((x & 0x7f) | 0x80);
    out.push(...bytes);
  }
  return tlv(0x06, Buffer.from(out));
}
const utcTime = (d: string): Buffer => tlv(0x17, Buffer.from(d, 'latin1'));
const ext = (id: string, value: Uint8Array): Buffer => seq(oid(id), octet(value));
const name = (cn: string, o: string): Buffer => seq(set(seq(oid('2.5.4.3'), utf8(cn))), set(seq(oid('2.5.4.10'), utf8(o))));

interface Signer {
  key: KeyObject;
  spki: Buffer;
  algorithm: Buffer;
  digest: string | null;
}

function ed25519(): Signer {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return { key: privateKey, spki: publicKey.export({ type: 'spki', format: 'der' }), algorithm: seq(oid('1.3.101.112')), digest: null };
}

/** A self-signed certificate (issuer = subject) with the given name and extensions. */
function certificate(signer: Signer, subject: Buffer, extensions: Buffer[] = [], serial = 1): Buffer {
  const tbs = seq(
    tlv(0xa0, int(2)),
    int(serial),
    signer.algorithm,
    subject,
    seq(utcTime('240101000000Z'), utcTime('491231235959Z')),
    subject,
    signer.spki,
    ...(extensions.length ? [tlv(0xa3, seq(...extensions))] : []),
  );
  const sig = sign(signer.digest, tbs, signer.key);
  return seq(tbs, signer.algorithm, tlv(0x03, Buffer.from([0]), sig));
}

function pem(label: string, der: Uint8Array): string {
  const b64 = Buffer.from(der).toString('base64').replace(/.{64}/g, '$&\n').replace(/\n$/, '');
  return `-----BEGIN ${label}-----\n${b64}\n-----END ${label}-----\n`;
}

const dataInfo = (content: Uint8Array): Buffer => seq(oid('1.2.840.113549.1.7.1'), tlv(0xa0, octet(content)));
const attrs = (friendlyName: string | undefined, localKeyId: Buffer | undefined): Buffer[] => {
  const a: Buffer[] = [];
  if (friendlyName !== undefined) a.push(seq(oid('1.2.840.113549.1.9.20'), set(bmp(friendlyName))));
  if (localKeyId !== undefined) a.push(seq(oid('1.2.840.113549.1.9.21'), set(octet(localKeyId))));
  return a.length ? [set(...a)] : [];
};
const keyBag = (pkcs8: Buffer, fn?: string, id?: Buffer): Buffer => seq(oid('1.2.840.113549.1.12.10.1.1'), tlv(0xa0, pkcs8), ...attrs(fn, id));
const certBag = (der: Buffer, fn?: string, id?: Buffer): Buffer =>
  seq(oid('1.2.840.113549.1.12.10.1.3'), tlv(0xa0, seq(oid('1.2.840.113549.1.9.22.1'), tlv(0xa0, octet(der)))), ...attrs(fn, id));
/** A PKCS#12 without MAC or encryption (what `openssl pkcs12 -export -nomac -keypbe NONE -certpbe NONE` writes). */
const pfx = (...bags: Buffer[]): Buffer => seq(int(3), dataInfo(seq(dataInfo(seq(...bags)))));

// ESC ] (OSC: set the window title), BEL, ESC [2J (clear the screen), CR, DEL; then C1 CSI, RLO, LRI, RLM, ALM.
const ASCII_ATTACK = '\x1b]0;pwned\x07\x1b[2J\rOK\x7f';
const ATTACK = `${ASCII_ATTACK}\u009b31m\u202egnp.exe\u2066\u200f\u061c`;
// Raw characters no terminal output of ours may carry (TAB and LF are ours: the report's layout).
// eslint-disable-next-line no-control-regex
const RAW = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/;

const tmp = tempDir('tlsw-hostile-');
after(() => tmp.cleanup());

describe('printable(): one escaping rule for terminals, notifications, tree rows and the inspector', () => {
  it('shows C0, DEL and C1 controls as \\xNN and bidi / invisible characters as \\u{NNNN}', () => {
    assert.equal(printable('a\x1b[2Jb\rc\x7fd\u009be'), 'a\\x1b[2Jb\\x0dc\\x7fd\\x9be');
    assert.equal(printable('x\u202ey\u2066z\u200e\u200f\u061c'), 'x\\u{202E}y\\u{2066}z\\u{200E}\\u{200F}\\u{061C}');
    assert.equal(printable('line\nnext\ttab'), 'line\\x0anext\\x09tab');
    assert.equal(printable('line\nnext\ttab', { keepLineBreaks: true }), 'line\nnext\ttab');
  });

  it('leaves ordinary text alone and is idempotent', () => {
    for (const s of ['Zürich, Ελλάδα, 東京 <b>&"', 'C=FR, O=Example\\, Inc.', '']) assert.equal(printable(s), s);
    const once = printable(ATTACK);
    assert.equal(printable(once), once);
    assert.doesNotMatch(once, RAW);
  });

  it('printableJson keeps the JSON value but writes C1 and bidi characters as \\uNNNN', () => {
    const json = JSON.stringify({ cn: ATTACK });
    const safe = printableJson(json);
    assert.doesNotMatch(safe, RAW);
    assert.deepEqual(JSON.parse(safe), { cn: ATTACK });
  });
});

describe('tlsw inspect: hostile certificate and keystore fields never reach the terminal raw', () => {
  const signer = ed25519();
  const sanList = seq(
    tlv(0x82, Buffer.from(`www.example.test${ASCII_ATTACK}`, 'latin1')),
    tlv(0x86, Buffer.from(`https://example.test/${ASCII_ATTACK}`, 'latin1')),
    tlv(0x81, Buffer.from(`admin${ASCII_ATTACK}@example.test`, 'latin1')),
    tlv(0xa4, name(`dir${ATTACK}`, 'Dir')),
  );
  const crlDp = seq(seq(tlv(0xa0, tlv(0xa0, tlv(0x86, Buffer.from(`http://crl.example.test/${ASCII_ATTACK}`, 'latin1'))))));
  const aia = seq(seq(oid('1.3.6.1.5.5.7.48.1'), tlv(0x86, Buffer.from(`http://ocsp.example.test/${ASCII_ATTACK}`, 'latin1'))));
  const policies = seq(
    seq(oid('1.3.6.1.4.1.99999.1'), seq(seq(oid('1.3.6.1.5.5.7.2.2'), seq(utf8(`notice${ATTACK}`))), seq(oid('1.3.6.1.5.5.7.2.1'), ia5(`http://cps.example.test/${ASCII_ATTACK}`)))),
  );
  const cert = certificate(signer, name(`evil${ATTACK}`, `Org${ATTACK}`), [
    ext('2.5.29.17', sanList),
    ext('2.5.29.31', crlDp),
    ext('1.3.6.1.5.5.7.1.1', aia),
    ext('2.5.29.32', policies),
    ext('1.3.6.1.4.1.99999.2', utf8(`custom${ATTACK}`)),
  ]);
  const pkcs8 = signer.key.export({ type: 'pkcs8', format: 'der' });
  const id = randomBytes(20);
  const certFile = tmp.path('hostile.pem');
  const p12File = tmp.path('hostile.p12');
  const evilName = tmp.path(`evil\x1b]0;pwned\x07\u202e.pem`);
  write(certFile, pem('CERTIFICATE', cert));
  write(p12File, pfx(keyBag(pkcs8, `key${ATTACK}`, id), certBag(cert, `cert${ATTACK}`, id)));
  write(evilName, pem('CERTIFICATE', Buffer.from([0x30, 0x03, 0x02, 0x01])));

  it('the text report escapes SANs, URIs, the DN, policy and extension texts, friendly names and file names', async () => {
    const r = await tlsw(['inspect', certFile, p12File, evilName]);
    assert.equal(r.code, 1, r.stderr); // the last file is broken
    assert.doesNotMatch(r.stdout, RAW, 'raw control or bidi characters on stdout');
    assert.doesNotMatch(r.stderr, RAW, 'raw control or bidi characters on stderr');
    // What was escaped is still shown, as escapes.
    assert.match(r.stdout, /key\\x1b\]0;pwned\\x07\\x1b\[2J\\x0dOK\\x7f\\x9b31m\\u\{202E\}gnp\.exe/, 'the friendly name');
    assert.match(r.stdout, /www\.example\.test\\x1b/, 'the DNS name');
    assert.match(r.stdout, /CPS: http:\/\/cps\.example\.test\/\\x1b/, 'the policy qualifier');
    assert.match(r.stdout, /CN=evil\\1b\]0\\;pwned\\07\\1b\[2J\\0dOK\\7f\\x9b31m\\u\{202E\}gnp\.exe/, 'the DN');
    assert.match(r.stderr, /evil\\x1b\]0;pwned\\x07\\u\{202E\}\.pem/, 'the file name in the error line');
  });

  it('--json stays JSON with the exact values, C1 and bidi characters written as \\u escapes', async () => {
    const r = await tlsw(['inspect', '--json', certFile, p12File]);
    assert.equal(r.code, 0, r.stderr);
    assert.doesNotMatch(r.stdout, RAW);
    const items = JSON.parse(r.stdout) as Array<{ kind: string; subject?: { text: string }; bags?: Array<{ friendlyName?: string }> }>;
    assert.ok(items[0].subject?.text.includes('\u202e'), 'the JSON value keeps the character');
    assert.equal(items[1].bags?.[0].friendlyName, `key${ATTACK}`);
  });

  it('tlsw verify prints the subjects it names through the same rule', async () => {
    const r = await tlsw(['verify', '--cert', certFile, '--ca', certFile, '--now', '2030-01-01']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /OK/);
    assert.match(r.stdout, /CN=evil\\1b/);
    assert.doesNotMatch(r.stdout + r.stderr, RAW);
  });
});

describe('tlsw convert decodes first and refuses what does not decode', () => {
  const signer = ed25519();
  const good = certificate(signer, name('good.example.test', 'Org'));
  const pkcs8 = signer.key.export({ type: 'pkcs8', format: 'der' });
  const cases: Array<[string, string | Buffer, string]> = [
    ['one-byte.pem', pem('CERTIFICATE', Buffer.from([0x30])), 'der'],
    ['truncated.key', pem('PRIVATE KEY', pkcs8.subarray(0, pkcs8.length - 10)), 'der'],
    ['garbage-cert.pem', pem('CERTIFICATE', seq(seq(tlv(0xa0, int(2)), int(1)), seq(oid('1.3.101.112')), tlv(0x03, Buffer.from([0, 1])))), 'der'],
    ['not-a-key.der', seq(int(0), seq(oid('1.3.101.112')), octet(Buffer.from([1, 2, 3]))), 'pem'],
    ['two.pem', pem('CERTIFICATE', good) + pem('CERTIFICATE', Buffer.from([0x30, 0x00])), 'der --index 1'],
  ];
  for (const [file, content, to] of cases) {
    it(`${file}: one line naming the file, exit 1, nothing written`, async () => {
      const input = tmp.path(file);
      write(input, content);
      const out = tmp.path(`${file}.out`);
      const [format, ...more] = to.split(' ');
      const r = await tlsw(['convert', input, '--to', format, ...more, '-o', out]);
      assert.equal(r.code, 1, r.stderr);
      const lines = r.stderr.trim().split('\n');
      assert.equal(lines.length, 1, r.stderr);
      assert.ok(lines[0].includes(input), lines[0]);
      assert.match(lines[0], /does not decode|not valid|ASN\.1/);
      assert.equal(existsSync(out), false, 'nothing written');
    });
  }

  it('a certificate and a key that decode still convert', async () => {
    write(tmp.path('good.pem'), pem('CERTIFICATE', good));
    write(tmp.path('good.key'), pem('PRIVATE KEY', pkcs8));
    const a = await tlsw(['convert', tmp.path('good.pem'), '--to', 'der', '-o', tmp.path('good.der')]);
    assert.equal(a.code, 0, a.stderr);
    assert.deepEqual(readFileSync(tmp.path('good.der')), good);
    const b = await tlsw(['convert', tmp.path('good.key'), '--to', 'der', '-o', tmp.path('good-key.der')]);
    assert.equal(b.code, 0, b.stderr);
  });
});

describe('a wide SEQUENCE is refused by its number of elements, not read into memory', () => {
  /** SEQUENCE { NULL × count }, with a 4-octet length. */
  const wide = (count: number): Buffer => {
    const body = Buffer.alloc(count * 2);
    for (let i = 0; i < body.length; i += 2) body[i] = 0x05;
    const head = Buffer.from([0x30, 0x84, 0, 0, 0, 0]);
    head.writeUInt32BE(body.length, 2);
    return Buffer.concat([head, body]);
  };
  const fiveMB = wide(Math.floor((5 * 1024 * 1024 - 6) / 2));

  it('validateTree and children stop at MAX_CHILDREN with a clear error', () => {
    const root = readRoot(fiveMB);
    assert.throws(() => validateTree(fiveMB, root), (e: unknown) => e instanceof TooManyElements && /more than 262144 elements/.test((e as Error).message));
    assert.throws(() => children(fiveMB, root), TooManyElements);
    const atCap = wide(MAX_CHILDREN);
    validateTree(atCap, readRoot(atCap));
    assert.equal(children(atCap, readRoot(atCap)).length, MAX_CHILDREN);
  });

  it('readObjects reports it as one problem, as DER and as a PKCS#12-shaped file', () => {
    const direct = readObjects(fiveMB);
    assert.equal(direct.objects.length, 0);
    assert.match(direct.problems[0].message, /more than 262144 elements/);
    // PFX { 3, ContentInfo { data, [0] OCTET STRING { SEQUENCE { NULL × n } } } }: the PKCS#12 reader (and its BER
    // fallback, which builds a Buffer per element) must stop at the same cap.
    const inner = wide(Math.floor((5 * 1024 * 1024 - 64) / 2));
    const fake = seq(int(3), seq(oid('1.2.840.113549.1.7.1'), tlv(0xa0, tlv(0x04, inner))));
    const p12 = readObjects(fake);
    assert.equal(p12.objects.length, 0);
    assert.match(p12.problems[0].message, /more than 262144 elements/);
  });
});

describe('tlsw inspect caps the problem lines of one file', () => {
  it('a file of 100 broken blocks: the first 20 lines, then one line counting the rest', async () => {
    const file = tmp.path('hundred-broken.pem');
    write(file, Array.from({ length: 100 }, () => pem('CERTIFICATE', Buffer.from([0x30, 0x01, 0x00]))).join(''));
    const r = await tlsw(['inspect', file]);
    assert.equal(r.code, 1);
    const lines = r.stderr.trim().split('\n');
    assert.equal(lines.length, 21, r.stderr);
    assert.match(lines[0], /block 1 \(CERTIFICATE\)/);
    assert.equal(lines[20], `tlsw inspect: ${file}: … and 80 more problems in this file`);
  });

  it('20 problems or fewer are all shown', async () => {
    const file = tmp.path('twenty-broken.pem');
    write(file, Array.from({ length: 20 }, () => pem('CERTIFICATE', Buffer.from([0x30, 0x01, 0x00]))).join(''));
    const r = await tlsw(['inspect', file]);
    assert.equal(r.stderr.trim().split('\n').length, 20);
  });
});

describe('tlsw p12 import pairs the key with its certificate by public key, not by localKeyId', () => {
  const leaf = ed25519();
  const other = ed25519();
  const leafCert = certificate(leaf, name('leaf.example.test', 'Org'), [], 10);
  const otherCert = certificate(other, name('other.example.test', 'Org'), [], 11);
  const pkcs8 = leaf.key.export({ type: 'pkcs8', format: 'der' });
  const id = Buffer.from('0102030405', 'hex');

  it('a localKeyId on the wrong certificate: NAME.crt still matches NAME.key, with a warning', async () => {
    const file = tmp.path('wrong-id.p12');
    // The key's id is on the other certificate; the leaf carries a different id.
    write(file, pfx(keyBag(pkcs8, 'server', id), certBag(otherCert, undefined, id), certBag(leafCert, undefined, Buffer.from('ff', 'hex'))));
    const dir = tmp.path('wrong-id-out');
    mkdirSync(dir);
    const r = await tlsw(['p12', 'import', file, '--out-dir', dir]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /localKeyId names another certificate/);
    const crt = createPublicKey(readFileSync(`${dir}/server.crt`, 'utf8')).export({ type: 'spki', format: 'der' });
    const key = createPublicKey(createPrivateKey(readFileSync(`${dir}/server.key`, 'utf8'))).export({ type: 'spki', format: 'der' });
    assert.deepEqual(crt, key, 'server.crt is the certificate of server.key');
    assert.ok(readFileSync(`${dir}/server-chain.pem`, 'utf8').includes(pem('CERTIFICATE', otherCert).split('\n')[1]), 'the other certificate goes to the chain');
  });

  it('no certificate with the key\'s public key: refused, nothing written', async () => {
    const file = tmp.path('no-match.p12');
    write(file, pfx(keyBag(pkcs8, 'lonely', id), certBag(otherCert, undefined, id)));
    const dir = tmp.path('no-match-out');
    mkdirSync(dir);
    const r = await tlsw(['p12', 'import', file, '--out-dir', dir]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /none of its 1 certificate is the private key's/);
    assert.equal(existsSync(`${dir}/lonely.key`), false);
  });
});

describe('self-signatures of RSA keys with huge public exponents are not checked', () => {
  /** An RSA key with a public exponent of `eBits` bits (65537 when eBits is 17). */
  function rsa(eBits: number): Signer {
    const inverse = (a: bigint, m: bigint): bigint | undefined => {
      let [r0, r1, s0, s1] = [a % m, m, 1n, 0n];
      while (r1) {
        const q = r0 / r1;
        [r0, r1] = [r1, r0 - q * r1];
        [s0, s1] = [s1, s0 - q * s1];
      }
      return r0 === 1n ? ((s0 % m) + m) % m : undefined;
    };
    const b64 = (n: bigint): string => {
      let h = n.toString(16);
      if (h.length % 2) h = '0' + h;
      return Buffer.from(h, 'hex').toString('base64url');
    };
    for (;;) {
      const p = generatePrimeSync(1024, { bigint: true });
      const q = generatePrimeSync(1024, { bigint: true });
      const phi = (p - 1n) * (q - 1n);
      const e = eBits === 17 ? 65537n : BigInt('0x' + randomBytes(eBits / 8).toString('hex')) | 1n | (1n << BigInt(eBits - 1));
      const d = inverse(e, phi);
      const qi = inverse(q, p);
      if (!d || !qi) continue;
      const key = createPrivateKey({
        key: { kty: 'RSA', n: b64(p * q), e: b64(e), d: b64(d), p: b64(p), q: b64(q), dp: b64(d % (p - 1n)), dq: b64(d % (q - 1n)), qi: b64(qi) },
        format: 'jwk',
      });
      return { key, spki: createPublicKey(key).export({ type: 'spki', format: 'der' }), algorithm: seq(oid('1.2.840.113549.1.1.11'), tlv(0x05)), digest: 'sha256' };
    }
  }
  const NOW = { now: new Date('2030-01-01T00:00:00Z'), warnDays: 30 };

  /** How many signatures node:crypto verified while `fn` ran. */
  async function verifications(fn: () => unknown): Promise<number> {
    // The module object itself (x509.ts calls its `verify` property at each use), not an import's frozen view.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = require('node:crypto') as { verify: (...a: unknown[]) => unknown };
    const real = mod.verify;
    let n = 0;
    mod.verify = (...a: unknown[]) => {
      n++;
      return real(...a);
    };
    try {
      await fn();
    } finally {
      mod.verify = real;
    }
    return n;
  }

  it('a 2048-bit exponent: read as self-issued with its signature unchecked; 65537: checked and self-signed', async () => {
    clearSelfSignedCache();
    const big = certificate(rsa(2048), name('big-exponent root', 'Org'));
    const normal = certificate(rsa(17), name('normal root', 'Org'));
    const n = await verifications(async () => {
      const { objects } = readObjects(Buffer.from(pem('CERTIFICATE', big)), NOW);
      await checkSelfSignatures(objects);
      const report = formatReport(objects);
      assert.match(report, /self-issued; signature not checked: RSA public exponent over 48 bits/);
      const c = decodeCertificate(big, NOW);
      assert.equal(c.selfSigned, false);
      assert.ok(selfSignatureUnchecked(c.publicKey));
    });
    assert.equal(n, 0, 'no signature verified for the big-exponent root');
    const m = await verifications(async () => {
      const { objects } = readObjects(Buffer.from(pem('CERTIFICATE', normal)), NOW);
      await checkSelfSignatures(objects);
      assert.match(formatReport(objects), /\(self-signed\)/);
    });
    assert.equal(m, 1, 'the 65537 root is verified once');
  });
});
