// The reading engine's front door: every kind and format recognised without being told, and every kind
// of bad input turned into a clear problem (never an exception, never a hang).

import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import 'reflect-metadata';
import type { PkiObject, ReadResult } from '../../src/core/model';
import { children, readRoot } from '../../src/core/der/asn1';
import { rawObjects, readObjects, sniff, sniffDer } from '../../src/core/read/read';
import { toBer } from '../helpers/ber';
import { openssl, tempDir } from '../helpers/tools';

const t = tempDir();
const p = t.path;
const bytes = (name: string) => new Uint8Array(readFileSync(p(name)));

function only(result: ReadResult): PkiObject {
  assert.deepEqual(result.problems, []);
  assert.equal(result.objects.length, 1);
  return result.objects[0];
}

/** Hostile inputs must come back (a hang shows as the suite's timeout; speed itself is for `npm run bench`). */
function timed(fn: () => ReadResult): ReadResult {
  return fn();
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

describe('legacy encrypted PEM keys (Proc-Type: 4,ENCRYPTED, DEK-Info) open with their passphrase', () => {
  const PASS = 'legacy-Pass 1';
  const LEGACY_PROVIDER = ['-provider', 'legacy', '-provider', 'default'];
  // Every DEK-Info cipher openssl writes for the RSA, EC and DSA traditional forms.
  const forms: { name: string; cmd: 'rsa' | 'ec' | 'dsa'; key: string; flag: string; cipher: string; extra?: string[] }[] = [
    { name: 'rsa-des3', cmd: 'rsa', key: 'rsa.key', flag: '-des3', cipher: 'des-ede3-cbc' },
    { name: 'rsa-des', cmd: 'rsa', key: 'rsa.key', flag: '-des', cipher: 'des-cbc', extra: LEGACY_PROVIDER },
    { name: 'rsa-aes128', cmd: 'rsa', key: 'rsa.key', flag: '-aes128', cipher: 'aes-128-cbc' },
    { name: 'rsa-aes192', cmd: 'rsa', key: 'rsa.key', flag: '-aes192', cipher: 'aes-192-cbc' },
    { name: 'rsa-aes256', cmd: 'rsa', key: 'rsa.key', flag: '-aes256', cipher: 'aes-256-cbc' },
    { name: 'ec-des3', cmd: 'ec', key: 'ec.key', flag: '-des3', cipher: 'des-ede3-cbc' },
    { name: 'ec-aes256', cmd: 'ec', key: 'ec.key', flag: '-aes256', cipher: 'aes-256-cbc' },
    { name: 'dsa-des3', cmd: 'dsa', key: 'dsa.key', flag: '-des3', cipher: 'des-ede3-cbc' },
  ];
  const spkiHash = (key: string): string =>
    createHash('sha256').update(readFileSync(p(`${key}.spki.der`))).digest('hex');

  before(() => {
    openssl(['genpkey', '-genparam', '-algorithm', 'DSA', '-pkeyopt', 'dsa_paramgen_bits:1024', '-out', p('dsa.params')]);
    openssl(['genpkey', '-paramfile', p('dsa.params'), '-out', p('dsa.key')]);
    for (const key of ['rsa.key', 'ec.key', 'dsa.key']) openssl(['pkey', '-in', p(key), '-pubout', '-outform', 'DER', '-out', p(`${key}.spki.der`)]);
    writeFileSync(p('legacy.pass'), `${PASS}\n`);
    for (const f of forms) {
      openssl([f.cmd, '-in', p(f.key), ...(f.cmd === 'rsa' ? ['-traditional'] : []), f.flag, '-passout', `file:${p('legacy.pass')}`, '-out', p(`${f.name}.pem`), ...(f.extra ?? [])]);
    }
  });

  for (const f of forms) {
    it(`${f.name}: the cipher without a passphrase, the public key with it, one line for a wrong one`, () => {
      const pem = bytes(`${f.name}.pem`);
      assert.match(readFileSync(p(`${f.name}.pem`), 'utf8'), new RegExp(`Proc-Type: 4,ENCRYPTED\\r?\\nDEK-Info: ${f.cipher.toUpperCase()},`));
      const locked = only(readObjects(pem));
      assert.ok(locked.kind === 'private-key');
      assert.equal(locked.format, 'legacy-encrypted-pem');
      assert.equal(locked.encrypted, true);
      assert.equal(locked.encryption?.cipher, f.cipher);
      assert.equal(locked.publicKey, undefined);

      const open = only(readObjects(pem, { password: PASS }));
      assert.ok(open.kind === 'private-key');
      assert.equal(open.format, 'legacy-encrypted-pem');
      assert.equal(open.encryption?.cipher, f.cipher);
      assert.equal(open.publicKey?.spkiSha256, spkiHash(f.key), 'the same key as openssl derives');

      const wrong = readObjects(pem, { password: 'not the passphrase' });
      oneLineError(wrong, /^block 1 \((RSA|EC|DSA) PRIVATE KEY\): wrong passphrase \(or the key is corrupted\)$/);
      assert.ok(!wrong.problems[0].message.includes('not the passphrase'));
    });
  }

  it('a legacy key among other blocks: the rest of the file is read as before', () => {
    const text = `${readFileSync(p('ca.crt'), 'utf8')}${readFileSync(p('ec-aes256.pem'), 'utf8')}`;
    const r = readObjects(Buffer.from(text), { password: PASS });
    assert.deepEqual(r.problems, []);
    assert.deepEqual(r.objects.map((o) => o.kind), ['certificate', 'private-key']);
  });
});

describe('PKCS#12: one reader, whatever the entry point', () => {
  before(() => {
    openssl(['pkcs12', '-export', '-in', p('ca.crt'), '-inkey', p('rsa.key'), '-out', p('nopw.p12'), '-passout', 'pass:', '-name', 'nopw']);
    openssl(['pkcs12', '-export', '-in', p('ca.crt'), '-inkey', p('rsa.key'), '-out', p('nopw-legacy.p12'), '-passout', 'pass:', '-legacy']);
    openssl(['pkcs12', '-export', '-in', p('ca.crt'), '-inkey', p('rsa.key'), '-out', p('nomac.p12'), '-passout', 'pass:', '-nomac']);
    openssl(['pkcs12', '-export', '-in', p('ca.crt'), '-inkey', p('rsa.key'), '-out', p('plain.p12'), '-passout', 'pass:p12pass', '-keypbe', 'NONE', '-certpbe', 'NONE']);
  });

  const bagKinds = (o: PkiObject): (string | undefined)[] => (o.kind === 'pkcs12' ? o.bags.map((b) => b.object?.kind).sort() : []);

  it('password-less keystores (empty password, -nomac, plain bags) are opened without asking', () => {
    for (const file of ['nopw.p12', 'nopw-legacy.p12', 'nomac.p12']) {
      const o = only(readObjects(bytes(file)));
      assert.ok(o.kind === 'pkcs12', file);
      assert.equal(o.decrypted, true, file);
      assert.deepEqual(bagKinds(o), ['certificate', 'private-key'], file);
      const withEmpty = only(readObjects(bytes(file), { password: '' }));
      assert.deepEqual(bagKinds(withEmpty), ['certificate', 'private-key'], `${file} with the empty password given`);
    }
    const plain = only(readObjects(bytes('plain.p12')));
    assert.ok(plain.kind === 'pkcs12');
    assert.equal(plain.decrypted, true);
    assert.deepEqual(plain.mac, { algorithm: 'sha256', iterations: 2048, verified: false });
    assert.deepEqual(bagKinds(plain), ['certificate', 'private-key']);
    // x.p12 has a real password: still locked without it.
    const locked = only(readObjects(bytes('x.p12')));
    assert.ok(locked.kind === 'pkcs12');
    assert.equal(locked.decrypted, false);
    assert.deepEqual(locked.bags, []);
    oneLineError(readObjects(bytes('x.p12'), { password: '' }), /wrong PKCS#12 password/);
  });

  it('BER (indefinite lengths): readObjects, sniff and rawObjects take it as PKCS#12, like DER', () => {
    const ber = toBer(bytes('x.p12'), 0);
    assert.equal(ber[1], 0x80);
    assert.equal(sniff(ber), 'pkcs12');
    assert.deepEqual(sniffDer(ber), { kind: 'pkcs12' });
    assert.deepEqual(rawObjects(ber).map((o) => o.kind), ['pkcs12']);
    const locked = only(readObjects(ber));
    assert.ok(locked.kind === 'pkcs12');
    assert.equal(locked.decrypted, false);
    assert.deepEqual(locked, only(readObjects(bytes('x.p12'))), 'the same facts as the DER file');
    const open = only(readObjects(ber, { password: 'p12pass' }));
    assert.deepEqual(bagKinds(open), ['certificate', 'private-key']);
    assert.ok(open.kind === 'pkcs12' && open.bags.every((b) => b.friendlyName === 'reader'));
    oneLineError(readObjects(ber, { password: 'nope' }), /wrong PKCS#12 password/);
    // A password-less BER keystore opens without asking, and inside a PEM "PKCS12" block too.
    const nopw = toBer(bytes('nopw.p12'), 0);
    assert.deepEqual(bagKinds(only(readObjects(nopw))), ['certificate', 'private-key']);
    const pem = `-----BEGIN PKCS12-----\n${nopw.toString('base64').replace(/.{64}/g, '$&\n')}\n-----END PKCS12-----\n`;
    assert.deepEqual(bagKinds(only(readObjects(Buffer.from(pem)))), ['certificate', 'private-key']);
  });

  it('a broken BER keystore is one clear PKCS#12 error', () => {
    const ber = toBer(bytes('x.p12'), 0);
    oneLineError(readObjects(ber.subarray(0, ber.length - 3)), /^DER PKCS#12: /);
    oneLineError(readObjects(Buffer.concat([ber.subarray(0, 40), Buffer.alloc(20)])), /^DER PKCS#12: /);
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

// ---------------------------------------------------------------------------------------------------------
// Issue 12

describe('DSA parameters and DSA public keys are their own kinds, PEM or DER (issue 12)', () => {
  before(() => {
    openssl(['genpkey', '-genparam', '-algorithm', 'DSA', '-pkeyopt', 'dsa_paramgen_bits:2048', '-pkeyopt', 'dsa_paramgen_q_bits:256', '-out', p('dsaparam.pem')]);
    openssl(['dsaparam', '-in', p('dsaparam.pem'), '-outform', 'DER', '-out', p('dsaparam.der')]);
    openssl(['genpkey', '-paramfile', p('dsaparam.pem'), '-out', p('dsa.key')]);
    openssl(['pkey', '-in', p('dsa.key'), '-pubout', '-outform', 'DER', '-out', p('dsa.spki.der')]);
    // OpenSSL's DSA PUBLIC KEY { y, p, q, g }, rearranged from the SPKI's own bytes { { dsa, { p, q, g } }, BIT STRING { y } }.
    const spki = bytes('dsa.spki.der');
    const [algId, bits] = children(spki, readRoot(spki));
    const params = children(spki, algId)[1];
    const body = Buffer.concat([spki.subarray(bits.contentStart + 1, bits.end), spki.subarray(params.contentStart, params.end)]);
    const der = Buffer.concat([Buffer.from([0x30, 0x82, body.length >> 8, body.length & 0xff]), body]);
    writeFileSync(p('dsa.pub1.der'), der);
    writeFileSync(p('dsa.pub1.pem'), `-----BEGIN DSA PUBLIC KEY-----\n${der.toString('base64').replace(/.{64}/g, '$&\n')}\n-----END DSA PUBLIC KEY-----\n`);
    // openssl reads it as the same key.
    assert.ok(Buffer.from(openssl(['pkey', '-pubin', '-in', p('dsa.pub1.pem'), '-pubout'])).equals(Buffer.from(openssl(['pkey', '-in', p('dsa.key'), '-pubout']))));
  });

  it('`DSA PARAMETERS` (openssl dsaparam), PEM and DER → dsa-parameters with p, q and g sizes', () => {
    for (const file of ['dsaparam.pem', 'dsaparam.der']) {
      const o = only(readObjects(bytes(file)));
      assert.equal(o.kind, 'dsa-parameters', file);
      if (o.kind !== 'dsa-parameters') return;
      assert.equal(o.primeBits, 2048);
      assert.equal(o.subgroupBits, 256);
      assert.ok(o.generatorBits > 1024 && o.generatorBits <= 2048);
    }
    assert.equal(sniff(bytes('dsaparam.der')), 'dsa-parameters');
    assert.deepEqual(rawObjects(bytes('dsaparam.pem')).map((r) => r.kind), ['dsa-parameters']);
  });

  it('`DSA PUBLIC KEY` { y, p, q, g }, PEM and DER → a DSA public key whose SPKI digest is openssl\'s', () => {
    const spkiSha256 = createHash('sha256').update(bytes('dsa.spki.der')).digest('hex');
    for (const file of ['dsa.pub1.pem', 'dsa.pub1.der', 'dsa.spki.der']) {
      const o = only(readObjects(bytes(file)));
      assert.equal(o.kind, 'public-key', file);
      if (o.kind !== 'public-key') return;
      assert.equal(o.format, file === 'dsa.spki.der' ? 'spki' : 'traditional-dsa', file);
      assert.equal(o.publicKey.algorithm, 'DSA');
      assert.equal(o.publicKey.size, 2048);
      assert.equal(o.publicKey.subgroupBits, 256);
      assert.equal(o.publicKey.spkiSha256, spkiSha256, file);
    }
    assert.deepEqual(sniffDer(bytes('dsa.pub1.der')), { kind: 'public-key', format: 'traditional-dsa' });
  });

  it('DH parameters stay DH parameters (PKCS#3 and X9.42)', () => {
    assert.deepEqual(sniffDer(bytes('dh.der')), { kind: 'dh-parameters', format: 'pkcs3' });
    const x942 = openssl(['genpkey', '-genparam', '-algorithm', 'DHX', '-pkeyopt', 'dh_paramgen_prime_len:1024', '-pkeyopt', 'dh_paramgen_subprime_len:160']);
    const o = only(readObjects(Buffer.from(x942)));
    assert.equal(o.kind, 'dh-parameters');
  });
});

describe('PEM escaped in JSON or base64-encoded in a Kubernetes Secret (issue 12)', () => {
  const fingerprint = (file: string) => openssl(['x509', '-in', p(file), '-noout', '-fingerprint', '-sha256']).split('=')[1].trim().replace(/:/g, '').toLowerCase();

  /** 0-based line and character of `needle` in `text`. */
  function at(text: string, needle: string): { line: number; character: number; offset: number } {
    const offset = text.indexOf(needle);
    assert.ok(offset >= 0, needle);
    const before = text.slice(0, offset).split('\n');
    return { line: before.length - 1, character: before[before.length - 1].length, offset };
  }

  it('JSON-escaped PEM (\\n in a string): every block read, with its range in the JSON text', () => {
    const cert = readFileSync(p('ca.crt'), 'utf8');
    const csr = readFileSync(p('x.csr'), 'utf8');
    const json = JSON.stringify({ name: 'api', tls: { cert, csr } }, null, 2);
    const r = readObjects(Buffer.from(json));
    assert.deepEqual(r.problems, []);
    assert.deepEqual(r.objects.map((o) => o.kind), ['certificate', 'csr']);
    const c = r.objects[0];
    assert.equal(c.kind === 'certificate' && c.fingerprints.sha256, fingerprint('ca.crt'));
    const begin = at(json, '-----BEGIN CERTIFICATE-----');
    const end = json.indexOf('-----END CERTIFICATE-----') + '-----END CERTIFICATE-----'.length;
    assert.deepEqual(c.range, { startLine: begin.line, startCharacter: begin.character, endLine: begin.line, endCharacter: begin.character + end - begin.offset, startOffset: begin.offset, endOffset: end });
    assert.equal(r.objects[1].range?.startLine, begin.line + 1);
  });

  it('base64 of PEM in a Secret\'s data: (a chain in one value, a key in another), ranges on the values', () => {
    const chain = Buffer.from(readFileSync(p('ca.crt'), 'utf8') + readFileSync(p('ca.crt'), 'utf8')).toString('base64');
    const key = Buffer.from(readFileSync(p('ec.key'), 'utf8')).toString('base64');
    const yaml = `apiVersion: v1\nkind: Secret\ndata:\n  ca.crt: ${chain}\n  tls.key: ${key}\n`;
    const r = readObjects(Buffer.from(yaml));
    assert.deepEqual(r.problems, []);
    assert.deepEqual(r.objects.map((o) => [o.kind, o.index, o.range?.startLine, o.range?.startCharacter]), [
      ['certificate', 0, 3, 10], ['certificate', 1, 3, 10], ['private-key', 2, 4, 11],
    ]);
    assert.equal(r.objects[0].range?.endOffset, yaml.indexOf(chain) + chain.length);
    assert.equal(r.objects[2].kind === 'private-key' && r.objects[2].publicKey?.curve, 'P-384');
  });

  it('broken blocks: numbered in the order of the text, lines and columns of the text, the base64 value named', () => {
    const cert = readFileSync(p('ca.crt'), 'utf8');
    const good = Buffer.from(cert).toString('base64');
    const broken = Buffer.from(cert.replace('MII', 'M*I')).toString('base64');
    const json = `{\n  "a": ${JSON.stringify(cert)},\n  "b": ${JSON.stringify(cert.replace(/\n(?=-----END)/, '\n$'))}\n}\n`;
    const text = `${json}data:\n  ok: ${good}\n  bad: ${broken}\n`;
    const r = readObjects(Buffer.from(text));
    assert.deepEqual(r.objects.map((o) => [o.kind, o.range?.startLine]), [['certificate', 1], ['certificate', 5]]);
    assert.deepEqual(r.problems.map((x) => [x.message, x.range?.startLine]), [
      [`block 2 (CERTIFICATE): invalid base64 at line 3: unexpected character '$' (column ${text.split('\n')[2].indexOf('$') + 1})`, 2],
      ["block 4 (CERTIFICATE): invalid base64 at line 2: unexpected character '*' (column 2) (in the base64-encoded value)", 6],
    ]);
  });

  it('what the editor shows (pemInsights) is what readObjects reads: the same blocks, kinds and ranges', async () => {
    const { analyzePemText } = await import('../../src/core/workspace/pemInsights');
    const cert = readFileSync(p('ca.crt'), 'utf8');
    const text = `plain:\n${cert}json: ${JSON.stringify({ cert })}\ndata: ${Buffer.from(readFileSync(p('x.csr'), 'utf8') + cert).toString('base64')}\n`;
    const r = readObjects(Buffer.from(text));
    assert.deepEqual(r.problems, []);
    const insights = analyzePemText(text);
    assert.deepEqual(insights.blocks.map((b) => [b.object?.kind, b.range, b.form]), r.objects.map((o, i) => [o.kind, o.range, ['pem', 'escaped', 'base64', 'base64'][i]]));
  });
});

describe('rawObjects reads what readObjects reads', () => {
  it('PEM base64-encoded in a Kubernetes Secret and escaped in JSON (so tlsw verify/convert take such files)', () => {
    const t = tempDir();
    try {
      openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', t.path('k.pem'), '-subj', '/CN=raw.example', '-days', '2', '-out', t.path('c.pem')]);
      const pem = readFileSync(t.path('c.pem'), 'utf8');
      const der = readObjects(Buffer.from(pem)).objects[0];
      const yaml = Buffer.from(`data:\n  tls.crt: ${Buffer.from(pem + pem).toString('base64')}\n`);
      const json = Buffer.from(JSON.stringify({ cert: pem }));
      for (const input of [yaml, json]) {
        const raw = rawObjects(input);
        assert.ok(raw.length >= 1 && raw.every((o) => o.kind === 'certificate'));
        assert.equal(createHash('sha256').update(raw[0].der).digest('hex'), der.kind === 'certificate' ? der.fingerprints.sha256 : '');
      }
      assert.equal(rawObjects(yaml).length, 2);
    } finally {
      t.cleanup();
    }
  });
});
