// The reading engine's front door: every kind and format recognised without being told, and every kind
// of bad input turned into a clear problem (never an exception, never a hang).

import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import 'reflect-metadata';
import type { PkiObject, ReadResult } from '../../src/core/model';
import { readObjects, sniff } from '../../src/core/read';
import { openssl, tempDir } from '../helpers/tools';

const t = tempDir();
const p = t.path;
const bytes = (name: string) => new Uint8Array(readFileSync(p(name)));

function only(result: ReadResult): PkiObject {
  assert.deepEqual(result.problems, []);
  assert.equal(result.objects.length, 1);
  return result.objects[0];
}

function timed(fn: () => ReadResult): ReadResult {
  const start = process.hrtime.bigint();
  const r = fn();
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  assert.ok(ms < 3000, `took ${ms} ms`);
  return r;
}

function oneLineError(r: ReadResult, pattern: RegExp): void {
  assert.equal(r.objects.length, 0);
  assert.ok(r.problems.length >= 1);
  const e = r.problems[0];
  assert.equal(e.severity, 'error');
  assert.match(e.message, pattern);
  assert.ok(!e.message.includes('\n'), 'one line');
  assert.ok(!/\bat .*\(.*:\d+:\d+\)/.test(e.message), 'no stack trace');
}

before(() => {
  openssl(['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', p('rsa.key')]);
  openssl(['req', '-x509', '-key', p('rsa.key'), '-out', p('ca.crt'), '-days', '30', '-subj', '/CN=Read Test CA',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
  openssl(['x509', '-in', p('ca.crt'), '-outform', 'DER', '-out', p('ca.der')]);
  openssl(['req', '-new', '-key', p('rsa.key'), '-subj', '/CN=csr.example', '-addext', 'subjectAltName=DNS:csr.example', '-out', p('x.csr')]);
  openssl(['req', '-in', p('x.csr'), '-outform', 'DER', '-out', p('x.csr.der')]);
  openssl(['pkcs8', '-topk8', '-nocrypt', '-in', p('rsa.key'), '-outform', 'DER', '-out', p('rsa.pk8.der')]);
  openssl(['rsa', '-in', p('rsa.key'), '-traditional', '-outform', 'DER', '-out', p('rsa.pk1.der')]);
  openssl(['pkey', '-in', p('rsa.key'), '-pubout', '-outform', 'DER', '-out', p('rsa.spki.der')]);
  openssl(['rsa', '-in', p('rsa.key'), '-RSAPublicKey_out', '-outform', 'DER', '-out', p('rsa.pub1.der')]);
  openssl(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-384', '-out', p('ec.key')]);
  openssl(['ec', '-in', p('ec.key'), '-outform', 'DER', '-out', p('ec.sec1.der')]);
  openssl(['pkcs8', '-topk8', '-in', p('ec.key'), '-v2', 'aes-256-cbc', '-passout', 'pass:pass1234', '-outform', 'DER', '-out', p('ec.enc.der')]);
  openssl(['pkcs8', '-topk8', '-in', p('ec.key'), '-v2', 'aes-256-cbc', '-passout', 'pass:pass1234', '-out', p('ec.enc.pem')]);
  openssl(['genpkey', '-genparam', '-algorithm', 'DH', '-pkeyopt', 'group:ffdhe2048', '-out', p('dh.pem')]);
  openssl(['dhparam', '-in', p('dh.pem'), '-outform', 'DER', '-out', p('dh.der')]);
  openssl(['pkcs12', '-export', '-in', p('ca.crt'), '-inkey', p('rsa.key'), '-out', p('x.p12'), '-passout', 'pass:p12pass', '-name', 'reader']);
  // A CRL needs a tiny CA database.
  const cnf = `[ca]\ndefault_ca=c\n[c]\ndatabase=${p('index.txt')}\ncrlnumber=${p('crlnumber')}\ndefault_md=sha256\ndefault_crl_days=7\n`;
  writeFileSync(p('ca.cnf'), cnf);
  writeFileSync(p('index.txt'), '');
  writeFileSync(p('crlnumber'), '01\n');
  openssl(['ca', '-gencrl', '-config', p('ca.cnf'), '-keyfile', p('rsa.key'), '-cert', p('ca.crt'), '-out', p('x.crl')]);
  openssl(['crl', '-in', p('x.crl'), '-outform', 'DER', '-out', p('x.crl.der')]);
});

after(() => t.cleanup());

describe('DER is recognised without being told', () => {
  const cases: [string, PkiObject['kind'], string?][] = [
    ['ca.der', 'certificate'],
    ['x.csr.der', 'csr'],
    ['x.crl.der', 'crl'],
    ['rsa.pk8.der', 'private-key', 'pkcs8'],
    ['rsa.pk1.der', 'private-key', 'pkcs1'],
    ['ec.sec1.der', 'private-key', 'sec1'],
    ['ec.enc.der', 'private-key', 'encrypted-pkcs8'],
    ['rsa.spki.der', 'public-key', 'spki'],
    ['rsa.pub1.der', 'public-key', 'pkcs1'],
    ['dh.der', 'dh-parameters', 'pkcs3'],
    ['x.p12', 'pkcs12'],
  ];
  for (const [file, kind, format] of cases) {
    it(`${file} → ${kind}${format ? ` (${format})` : ''}`, () => {
      const o = only(readObjects(bytes(file)));
      assert.equal(o.kind, kind);
      assert.equal(o.encoding, 'der');
      if (format) assert.equal((o as { format?: string }).format, format);
      assert.equal(sniff(bytes(file)), kind);
    });
  }
});

describe('PEM', () => {
  it('reads several blocks of different kinds in one file, with their line numbers', () => {
    const text = `# bundle\n${readFileSync(p('ca.crt'), 'utf8')}some words\n${readFileSync(p('x.csr'), 'utf8')}${readFileSync(p('dh.pem'), 'utf8')}`;
    const r = readObjects(Buffer.from(text));
    assert.deepEqual(r.problems, []);
    assert.deepEqual(r.objects.map((o) => o.kind), ['certificate', 'csr', 'dh-parameters']);
    assert.deepEqual(r.objects.map((o) => o.index), [0, 1, 2]);
    assert.equal(r.objects[0].range?.startLine, 1);
    assert.equal(sniff(Buffer.from(text)), 'pem');
  });

  it('an encrypted key says how it is protected, and opens with the passphrase', () => {
    const locked = only(readObjects(bytes('ec.enc.pem')));
    assert.equal(locked.kind, 'private-key');
    if (locked.kind !== 'private-key') return;
    assert.equal(locked.encrypted, true);
    assert.equal(locked.encryption?.cipher, 'aes-256-cbc');
    assert.equal(locked.publicKey, undefined);
    const open = only(readObjects(bytes('ec.enc.pem'), { password: 'pass1234' }));
    assert.equal(open.kind === 'private-key' && open.publicKey?.curve, 'P-384');
  });

  it('a wrong passphrase is a clear problem that does not leak it', () => {
    const r = readObjects(bytes('ec.enc.pem'), { password: 'WRONG-pw-123' });
    assert.equal(r.objects.length, 0);
    assert.match(r.problems[0].message, /wrong passphrase/);
    assert.ok(!r.problems[0].message.includes('WRONG-pw-123'));
  });

  it('PKCS#12: locked without a password, its bags with one', () => {
    const locked = only(readObjects(bytes('x.p12')));
    assert.equal(locked.kind === 'pkcs12' && locked.decrypted, false);
    const open = only(readObjects(bytes('x.p12'), { password: 'p12pass' }));
    assert.ok(open.kind === 'pkcs12');
    if (open.kind !== 'pkcs12') return;
    const kinds = open.bags.map((b) => b.object?.kind).sort();
    assert.deepEqual(kinds, ['certificate', 'private-key']);
    assert.ok(open.bags.every((b) => b.friendlyName === 'reader'));
  });

  it('a wrong PKCS#12 password is one clear line', () => {
    oneLineError(readObjects(bytes('x.p12'), { password: 'nope' }), /wrong PKCS#12 password/);
  });

  it('EC PARAMETERS blocks are skipped with a warning, the key after them is read', () => {
    const text = openssl(['ecparam', '-name', 'prime256v1', '-genkey']);
    const r = readObjects(Buffer.from(text));
    assert.equal(r.objects.length, 1);
    assert.equal(r.objects[0].kind, 'private-key');
    assert.equal(r.problems.length, 1);
    assert.equal(r.problems[0].severity, 'warning');
  });
});

describe('bad input gives one clear error', () => {
  it('empty file', () => oneLineError(readObjects(new Uint8Array()), /empty/));
  it('file over the size limit is not read', () => {
    oneLineError(readObjects(new Uint8Array(6 * 1024 * 1024)), /6 MB, over the 5 MB limit/);
    oneLineError(readObjects(bytes('ca.der'), { maxBytes: 100 }), /over the 100 bytes limit/);
  });
  it('truncated PEM (no END line)', () => {
    const pem = readFileSync(p('ca.crt'), 'utf8');
    const r = timed(() => readObjects(Buffer.from(pem.slice(0, pem.length / 2))));
    oneLineError(r, /block 1.*(END|truncat)/i);
  });
  it('corrupted base64', () => {
    const pem = readFileSync(p('ca.crt'), 'utf8').split('\n');
    pem[3] = pem[3].slice(0, 10) + '*%' + pem[3].slice(12);
    oneLineError(readObjects(Buffer.from(pem.join('\n'))), /base64/);
  });
  it('a certificate body that is not a certificate', () => {
    const pem = `-----BEGIN CERTIFICATE-----\n${Buffer.from('hello world, not DER at all').toString('base64')}\n-----END CERTIFICATE-----\n`;
    oneLineError(readObjects(Buffer.from(pem)), /block 1 \(CERTIFICATE\)/);
  });
  it('random bytes', () => {
    const rnd = new Uint8Array(4096).map((_, i) => (i * 7919 + 13) % 251);
    oneLineError(timed(() => readObjects(rnd)), /not a PEM file/);
  });
  it('a DER length that runs past the end', () => {
    const der = bytes('ca.der');
    oneLineError(readObjects(der.subarray(0, der.length - 10)), /claims \d+ bytes but only \d+ remain|truncated/);
  });
  it('trailing garbage after DER', () => {
    const der = Buffer.concat([bytes('ca.der'), Buffer.from([1, 2, 3])]);
    oneLineError(readObjects(der), /unexpected bytes after/);
  });
  it('deeply nested ASN.1', () => {
    // 100,000 nested SEQUENCEs with correct lengths.
    const depth = 100_000;
    const parts: number[][] = [];
    let len = 0;
    for (let i = 0; i < depth; i++) {
      const header = len < 128 ? [0x30, len] : len < 256 ? [0x30, 0x81, len] : len < 65536 ? [0x30, 0x82, len >> 8, len & 255] : [0x30, 0x83, len >> 16, (len >> 8) & 255, len & 255];
      parts.push(header);
      len += header.length;
    }
    const der = new Uint8Array(len);
    let off = 0;
    for (let i = parts.length - 1; i >= 0; i--) {
      der.set(parts[i], off);
      off += parts[i].length;
    }
    oneLineError(timed(() => readObjects(der)), /nesting deeper than/);
  });
  it('a huge PEM-looking file of fragments does not hang', () => {
    const junk = Buffer.from('-----BEGIN CERTIFICATE-----\nAAAA\n'.repeat(120_000));
    const r = timed(() => readObjects(junk));
    assert.equal(r.objects.length, 0);
    assert.ok(r.problems.length > 0);
  });
});
