// The workspace scanner (src/core/workspace/) on a generated tree made by the real openssl: classification of
// every kind of file, batches as the scan goes, the size limit, CA → issued grouping by the issuer rule (canonical
// names, AKI/SKI), and agreement with the full decoders (x509.ts, pem.ts) on the system trust bundle.

import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import * as fs from 'node:fs/promises';
import { basename } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { decodeText, findPemBlocks, plainPemSpans } from '../../src/core/der/pem';
import { buildAuthorityTree } from '../../src/core/workspace/authorityTree';
import { globToRegExp } from '../../src/core/workspace/glob';
import { scanFiles, type FileAccessor, type ScannedFile, type ScannedObject } from '../../src/core/workspace/scanner';
import { certificateExpiry, expiryAttention, fileKind, scannedObjectName, worstExpiry } from '../../src/core/workspace/summary';
import { decodeCertificate } from '../../src/core/objects/x509';
import { scanAll } from '../helpers/scan';
import { TRUST_BUNDLE, openssl, tempDir } from '../helpers/tools';
import { turnsDuring } from '../helpers/turns';

const t = tempDir('tlsw-scan-');
after(() => t.cleanup());

/** A synchronous node:fs accessor over `files`, counting what it was asked. */
function fsAccessor(files: string[], calls = { heads: 0, sizes: 0, whole: [] as string[] }): FileAccessor & { calls: typeof calls } {
  return {
    calls,
    list: () => files,
    size: (f) => (calls.sizes++, statSync(f).size),
    readHead: (f, n) => {
      calls.heads++;
      const b = readFileSync(f);
      return b.subarray(0, Math.min(n, b.length));
    },
    readAll: (f) => (calls.whole.push(f), readFileSync(f)),
  };
}

/** The same, answering with promises (as the extension's accessor does). */
function asyncAccessor(files: string[]): FileAccessor {
  return {
    list: async () => files,
    size: async (f) => (await fs.stat(f)).size,
    readHead: async (f, n) => {
      const handle = await fs.open(f, 'r');
      try {
        const buf = Buffer.alloc(n);
        const { bytesRead } = await handle.read(buf, 0, n, 0);
        return buf.subarray(0, bytesRead);
      } finally {
        await handle.close();
      }
    },
    readAll: (f) => fs.readFile(f),
  };
}

function ext(lines: string[]): string {
  const p = t.path(`ext-${Math.random().toString(36).slice(2)}.cnf`);
  writeFileSync(p, lines.join('\n') + '\n');
  return p;
}

const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
let all: string[] = [];
let byName: Map<string, ScannedFile>;

before(() => {
  const p = (n: string) => t.path(n);
  // root → intermediate → leaf, every link with SKI/AKI
  openssl(['req', '-x509', ...ec, '-keyout', p('root.key'), '-out', p('root.crt'), '-days', '3650', '-subj', '/O=Scan Test/CN=Scan Root CA']);
  openssl(['req', ...ec, '-keyout', p('int.key'), '-out', p('int.csr'), '-subj', '/O=Scan Test/CN=Scan Intermediate CA']);
  openssl(['x509', '-req', '-in', p('int.csr'), '-CA', p('root.crt'), '-CAkey', p('root.key'), '-CAcreateserial', '-days', '1000', '-out', p('int.crt'),
    '-extfile', ext(['basicConstraints=critical,CA:TRUE,pathlen:0', 'keyUsage=critical,keyCertSign,cRLSign', 'subjectKeyIdentifier=hash', 'authorityKeyIdentifier=keyid'])]);
  openssl(['req', ...ec, '-keyout', p('leaf.key'), '-out', p('leaf.csr'), '-subj', '/O=Scan Test/CN=leaf.example.test']);
  openssl(['x509', '-req', '-in', p('leaf.csr'), '-CA', p('int.crt'), '-CAkey', p('int.key'), '-CAcreateserial', '-days', '20', '-out', p('leaf.crt'),
    '-extfile', ext(['basicConstraints=critical,CA:FALSE', 'subjectAltName=DNS:leaf.example.test', 'subjectKeyIdentifier=hash', 'authorityKeyIdentifier=keyid'])]);
  openssl(['x509', '-in', p('leaf.crt'), '-outform', 'der', '-out', p('leaf.der')]);
  writeFileSync(p('chain.pem'), readFileSync(p('leaf.crt'), 'utf8') + readFileSync(p('int.crt'), 'utf8'));
  openssl(['pkcs12', '-export', '-in', p('leaf.crt'), '-inkey', p('leaf.key'), '-passout', 'pass:scan-pw', '-out', p('leaf.p12')]);
  // a self-signed server certificate (not a CA), RSA, traditional key
  openssl(['genrsa', '-traditional', '-out', p('rsa.key'), '2048']);
  openssl(['req', '-x509', '-key', p('rsa.key'), '-out', p('self.crt'), '-days', '90', '-subj', '/CN=self.example.test', '-addext', 'basicConstraints=critical,CA:FALSE']);
  openssl(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-384', '-aes256', '-pass', 'pass:scan-pw', '-out', p('encrypted.key')]);
  openssl(['pkey', '-in', p('leaf.key'), '-outform', 'der', '-out', p('leaf-key.der')]);
  // text that merely contains PEM: first line PEM (any extension), embedded in YAML, a broken block
  writeFileSync(p('notes-cert.txt'), readFileSync(p('leaf.crt')));
  const indented = readFileSync(p('root.crt'), 'utf8').trim().split('\n').map((l) => `    ${l}`).join('\n');
  writeFileSync(p('secret.yaml'), `apiVersion: v1\nkind: Secret\ndata:\n  tls.crt: |\n${indented}\n`);
  writeFileSync(p('broken.pem'), '-----BEGIN CERTIFICATE-----\nMIIB$$$notbase64\n-----END CERTIFICATE-----\n');
  // junk: text, binary (one that starts like DER), an empty file, a big binary
  writeFileSync(p('README.md'), '# nothing here\n-----\nnot a marker\n');
  writeFileSync(p('junk.bin'), Buffer.concat([Buffer.from([0x30, 0x82, 0x01, 0x00]), Buffer.alloc(300, 7)]));
  writeFileSync(p('empty.crt'), '');
  writeFileSync(p('big.bin'), Buffer.alloc(200 * 1024, 0x41));
  // a large PEM bundle (over the small limit used below)
  writeFileSync(p('large-bundle.pem'), readFileSync(TRUST_BUNDLE));
  all = readdirSync(t.dir).filter((n) => !n.endsWith('.cnf') && !n.endsWith('.srl')).map((n) => t.path(n)).sort();
});

describe('scanFiles', () => {
  before(async () => {
    byName = new Map((await scanAll(fsAccessor(all), { now: new Date() })).map((f) => [basename(f.file), f]));
  });

  it('lists every file holding keys, CSRs, certificates or keystores, and nothing else', () => {
    assert.deepEqual([...byName.keys()].sort(), [
      'broken.pem', 'chain.pem', 'encrypted.key', 'int.crt', 'int.csr', 'int.key', 'large-bundle.pem', 'leaf-key.der', 'leaf.crt', 'leaf.csr',
      'leaf.der', 'leaf.key', 'leaf.p12', 'notes-cert.txt', 'root.crt', 'root.key', 'rsa.key', 'secret.yaml', 'self.crt',
    ]);
  });

  it('classifies each object and summarises what a row needs', () => {
    const kinds = (n: string) => byName.get(n)!.objects.map((o) => o.kind).join(',');
    assert.equal(kinds('root.crt'), 'certificate');
    assert.equal(kinds('chain.pem'), 'certificate,certificate');
    assert.equal(kinds('leaf.der'), 'certificate');
    assert.equal(kinds('leaf.csr'), 'csr');
    assert.equal(kinds('leaf.p12'), 'pkcs12');
    assert.equal(kinds('leaf-key.der'), 'private-key');
    assert.equal(byName.get('large-bundle.pem')!.objects.length, countCerts());

    const leaf = byName.get('leaf.crt')!.objects[0];
    assert.equal(leaf.commonName, 'leaf.example.test');
    assert.equal(leaf.subject, 'O=Scan Test, CN=leaf.example.test');
    assert.equal(leaf.issuerCommonName, 'Scan Intermediate CA');
    assert.equal(leaf.isCA, false);
    assert.equal(leaf.algorithm, 'EC P-256');
    assert.equal(leaf.expiry?.status, 'expiring', '20 days is within the default 30-day window');
    assert.equal(leaf.expiry!.daysLeft, 20, 'a certificate issued moments ago for 20 days has 20 days left (rounded)');
    const want = openssl(['x509', '-in', t.path('leaf.crt'), '-noout', '-fingerprint', '-sha256']).split('=')[1].trim().replace(/:/g, '').toLowerCase();
    assert.equal(leaf.sha256, want);
    const enddate = new Date(openssl(['x509', '-in', t.path('leaf.crt'), '-noout', '-enddate']).split('=')[1].trim());
    assert.equal(leaf.notAfter, enddate.toISOString().replace(/\.\d{3}Z$/, 'Z'));
    assert.equal(byName.get('leaf.der')!.objects[0].sha256, want, 'DER and PEM of one certificate agree');

    const root = byName.get('root.crt')!.objects[0];
    assert.equal(root.isCA, true);
    assert.equal(root.selfIssued, true);
    assert.equal(byName.get('int.crt')!.objects[0].isCA, true);
    assert.equal(byName.get('self.crt')!.objects[0].isCA, false);
    assert.equal(byName.get('self.crt')!.objects[0].algorithm, 'RSA 2048');

    assert.deepEqual(pick(byName.get('rsa.key')!.objects[0]), { kind: 'private-key', encrypted: false, algorithm: 'RSA 2048', pemLabel: 'RSA PRIVATE KEY' });
    assert.deepEqual(pick(byName.get('leaf.key')!.objects[0]), { kind: 'private-key', encrypted: false, algorithm: 'EC P-256', pemLabel: 'PRIVATE KEY' });
    assert.deepEqual(pick(byName.get('encrypted.key')!.objects[0]), { kind: 'private-key', encrypted: true, algorithm: undefined, pemLabel: 'ENCRYPTED PRIVATE KEY' });
    assert.equal(byName.get('leaf-key.der')!.objects[0].algorithm, 'EC P-256');
    assert.equal(byName.get('leaf.csr')!.objects[0].commonName, 'leaf.example.test');
    assert.equal(byName.get('leaf.p12')!.objects[0].encrypted, true);

    assert.equal(fileKind(byName.get('chain.pem')!), 'chain');
    assert.equal(fileKind(byName.get('leaf.p12')!), 'pkcs12');
    assert.equal(fileKind(byName.get('broken.pem')!), 'broken');
  });

  it('finds PEM in any text file, and says which files start with a PEM header', () => {
    assert.equal(byName.get('notes-cert.txt')!.objects[0].commonName, 'leaf.example.test');
    assert.equal(byName.get('notes-cert.txt')!.pemFirstLine, true);
    assert.equal(byName.get('secret.yaml')!.objects[0].commonName, 'Scan Root CA');
    assert.equal(byName.get('secret.yaml')!.pemFirstLine, false);
    assert.equal(byName.get('secret.yaml')!.objects[0].range?.startLine, 4);
    assert.equal(byName.get('leaf.der')!.pemFirstLine, false);
    const chain = byName.get('chain.pem')!.objects;
    assert.equal(chain[0].range?.startLine, 0);
    assert.ok(chain[1].range!.startLine > chain[0].range!.endLine);
  });

  it('reports a broken block as a problem of its file', () => {
    const broken = byName.get('broken.pem')!;
    assert.equal(broken.status, 'problems');
    assert.equal(broken.objects.length, 0);
    assert.match(broken.problems[0], /block 1 \(CERTIFICATE\): invalid base64 at line 2/);
  });

  it('lists a file over the limit as too large without reading it whole', async () => {
    const calls = { heads: 0, sizes: 0, whole: [] as string[] };
    const files = [t.path('large-bundle.pem'), t.path('big.bin'), t.path('root.crt')];
    const out = await scanAll(fsAccessor(files, calls), { maxBytes: 64 * 1024 });
    const large = out.find((f) => f.file.endsWith('large-bundle.pem'))!;
    assert.equal(large.status, 'too-large');
    assert.equal(large.objects.length, 0);
    assert.match(large.problems[0], /^file is [\d.]+ KB, over the 64 KB limit \(not read\)$/);
    assert.equal(large.pemFirstLine, true);
    assert.deepEqual(calls.whole, [], 'nothing was read whole');
    assert.ok(!out.some((f) => f.file.endsWith('big.bin')), 'a big binary that is not PKI is not listed');
    assert.equal(out.find((f) => f.file.endsWith('root.crt'))?.status, 'ok');
    // …unless the caller expects PKI there (the explorer's files match its include pattern).
    const asked = await scanAll(fsAccessor([t.path('big.bin')]), { maxBytes: 64 * 1024, candidate: () => true });
    assert.equal(asked[0]?.status, 'too-large');
  });

  it('hands results over in batches as it goes, with synchronous and asynchronous accessors', async () => {
    let listed = 0;
    const lazy: FileAccessor = { ...fsAccessor(all), list: () => (function* () { for (const f of all) { listed++; yield f; } })() };
    const batches: number[] = [];
    let listedAtFirst = -1;
    for await (const batch of scanFiles(lazy, { sliceMs: 0 })) {
      if (listedAtFirst < 0) listedAtFirst = listed;
      assert.ok(batch.length > 0, 'no empty batch');
      batches.push(batch.length);
    }
    assert.equal(batches.reduce((a, b) => a + b, 0), byName.size);
    assert.ok(batches.length > 1, `several batches (${batches.length})`);
    assert.ok(listedAtFirst < all.length, 'the first batch came before the listing was over');

    const stats = { examined: 0, found: 0 };
    const viaPromises = await scanAll(asyncAccessor(all), { stats });
    assert.deepEqual(viaPromises.map((f) => basename(f.file)).sort(), [...byName.keys()].sort());
    assert.deepEqual(stats, { examined: all.length, found: byName.size });
  });

  it('stops when aborted', async () => {
    const abort = new AbortController();
    abort.abort();
    assert.deepEqual(await scanAll(fsAccessor(all), { signal: abort.signal }), []);
  });

  it('gives the event loop a turn inside one large file (never one long block)', async () => {
    const big = t.path('huge-bundle.pem');
    const bundle = readFileSync(TRUST_BUNDLE);
    writeFileSync(big, Buffer.concat(Array.from({ length: Math.floor((4.5 * 1024 * 1024) / bundle.length) }, () => bundle)));
    // Behaviour, not milliseconds (the lag itself is budget 4 of `npm run bench`): the turns the event loop gets
    // during the scan are counted. With slices of 0 ms the scanner rests after every block of the file; without
    // slices (the CLI's way) it reads the 4.5 MB file, synchronous accessor and all, in one turn.
    const scanned = async (sliceMs: number): Promise<{ turns: number; objects: number }> => {
      const { turns, result: [f] } = await turnsDuring(() => scanAll(fsAccessor([big]), { sliceMs }));
      assert.equal(f.status, 'ok');
      return { turns, objects: f.objects.length };
    };
    const sliced = await scanned(0);
    assert.ok(sliced.objects > 1000, `${sliced.objects} certificates`);
    assert.ok(sliced.turns >= sliced.objects / 2, `the event loop ran ${sliced.turns} times while ${sliced.objects} blocks were read`);
    const whole = await scanned(Infinity);
    assert.equal(whole.objects, sliced.objects);
    assert.ok(whole.turns <= 1, `without slices the scan holds the thread (${whole.turns} turns)`);
  });
});

describe('agreement with the full decoders', () => {
  it('summaries equal decodeCertificate on the whole trust bundle', async () => {
    const now = new Date();
    const [f] = await scanAll(fsAccessor([TRUST_BUNDLE]), { now });
    const blocks = findPemBlocks(decodeText(readFileSync(TRUST_BUNDLE))).blocks;
    assert.ok(blocks.length > 100);
    assert.equal(f.objects.length, blocks.length);
    blocks.forEach((b, i) => {
      const full = decodeCertificate(b.der, { now, warnDays: 30 });
      const o = f.objects[i];
      assert.deepEqual(
        [o.subject, o.issuer, o.notBefore, o.notAfter, o.isCA, o.subjectKeyIdentifier, o.authorityKeyIdentifier, o.serialNumber, o.sha256, o.expiry],
        [full.subject.text, full.issuer.text, full.notBefore, full.notAfter, full.isCA, full.subjectKeyIdentifier, full.authorityKeyIdentifier, full.serialNumber, full.fingerprints.sha256, full.expiry],
        `certificate ${i}: ${full.subject.text}`,
      );
      assert.deepEqual(o.range, b.range);
    });
  });

  it('the fast PEM path finds exactly what findPemBlocks finds, or steps aside', () => {
    const texts = [readFileSync(TRUST_BUNDLE, 'utf8'), readFileSync(t.path('chain.pem'), 'utf8')];
    texts.push(texts[1].replace(/\n/g, '\r\n'), readFileSync(t.path('secret.yaml'), 'utf8'));
    for (const text of texts) {
      const fast = plainPemSpans(text);
      assert.ok(fast, 'plain PEM takes the fast path');
      const slow = findPemBlocks(text).blocks;
      assert.deepEqual(fast.map((b) => [b.label, Buffer.from(b.base64, 'base64').toString('hex'), b.range, b.blockNumber]), slow.map((b) => [b.label, Buffer.from(b.der).toString('hex'), b.range, b.blockNumber]));
    }
    for (const odd of [
      readFileSync(t.path('broken.pem'), 'utf8'),
      '-----BEGIN CERTIFICATE-----\nAAAA\n-----END X509 CRL-----\n',
      '-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00\n\nAAAA\n-----END RSA PRIVATE KEY-----\n',
      '-----BEGIN CERTIFICATE-----\nAAA\n-----END CERTIFICATE-----\n',
      'text\r-----BEGIN CERTIFICATE-----\rAAAA\r-----END CERTIFICATE-----\r',
      'no markers at all',
    ]) {
      assert.equal(plainPemSpans(odd), undefined, JSON.stringify(odd.slice(0, 40)));
    }
  });
});

describe('judging results', () => {
  it('groups certificates under the CA that issued them, by AKI/SKI, one node per certificate', () => {
    const roots = buildAuthorityTree(byName.values());
    const names = roots.map((r) => r.certificate.commonName);
    assert.ok(names.includes('Scan Root CA'));
    assert.ok(!names.includes('self.example.test'), 'a self-signed leaf is no authority');
    assert.ok(!names.includes('Scan Intermediate CA'), 'an intermediate sits under its root');
    const root = roots.find((r) => r.certificate.commonName === 'Scan Root CA')!;
    assert.deepEqual(root.locations.map((l) => basename(l.file)).sort(), ['root.crt', 'secret.yaml']);
    assert.equal(root.issued.length, 1);
    const int = root.issued[0];
    assert.equal(int.certificate.commonName, 'Scan Intermediate CA');
    assert.equal(int.certificate.authorityKeyIdentifier, root.certificate.subjectKeyIdentifier);
    assert.deepEqual(int.issued.map((n) => n.certificate.commonName), ['leaf.example.test']);
    const leaf = int.issued[0];
    assert.deepEqual(leaf.locations.map((l) => `${basename(l.file)}:${l.alone}`), ['leaf.crt:true', 'leaf.der:true', 'notes-cert.txt:true', 'chain.pem:false']);
    assert.equal(leaf.issued.length, 0);
  });

  it('matches by issuer name when a CA has no key identifier, and cuts cycles', () => {
    const obj = (cn: string, issuer: string, extra: object): ScannedObject => ({
      index: 0, kind: 'certificate', encoding: 'pem', subject: `CN=${cn}`, commonName: cn, issuer: `CN=${issuer}`, sha256: cn,
      subjectCanon: `2.5.4.3="${cn.toLowerCase()}"`, issuerCanon: `2.5.4.3="${issuer.toLowerCase()}"`, ...extra,
    });
    const file = (o: ScannedObject): ScannedFile => ({ file: o.sha256!, size: 1, status: 'ok', objects: [o], problems: [], pemFirstLine: true });
    const tree = buildAuthorityTree([
      file(obj('old root', 'old root', { isCA: true, selfIssued: true })),
      file(obj('old leaf', 'old root', { isCA: false })),
      file(obj('A', 'B', { isCA: true, subjectKeyIdentifier: 'aa', authorityKeyIdentifier: 'bb' })),
      file(obj('B', 'A', { isCA: true, subjectKeyIdentifier: 'bb', authorityKeyIdentifier: 'aa' })),
    ]);
    const oldRoot = tree.find((n) => n.certificate.commonName === 'old root')!;
    assert.deepEqual(oldRoot.issued.map((n) => n.certificate.commonName), ['old leaf']);
    const cyclic = tree.filter((n) => n.certificate.commonName === 'A' || n.certificate.commonName === 'B');
    assert.equal(cyclic.length, 1, 'one of the two cross-signed CAs becomes a root');
    assert.equal(cyclic[0].issued.length, 1);
    assert.equal(cyclic[0].issued[0].issued.length, 0, 'the cycle is cut');
  });

  it('tells two CAs of the same name apart by key identifier (trust/issuer.ts, as path validation does)', async () => {
    const p = (n: string) => t.path(`issuer-${n}`);
    for (const twin of ['a', 'b']) {
      openssl(['req', '-x509', ...ec, '-keyout', p(`twin-${twin}.key`), '-out', p(`twin-${twin}.crt`), '-days', '30', '-subj', '/O=Twin/CN=Twin CA']);
      openssl(['req', ...ec, '-keyout', p(`leaf-${twin}.key`), '-out', p(`leaf-${twin}.csr`), '-subj', `/CN=leaf-${twin}.example.test`]);
      openssl(['x509', '-req', '-in', p(`leaf-${twin}.csr`), '-CA', p(`twin-${twin}.crt`), '-CAkey', p(`twin-${twin}.key`), '-set_serial', '1', '-days', '20',
        '-out', p(`leaf-${twin}.crt`), '-extfile', ext(['basicConstraints=critical,CA:FALSE', 'authorityKeyIdentifier=keyid'])]);
    }
    const files = await scanAll(fsAccessor(['twin-a.crt', 'twin-b.crt', 'leaf-a.crt', 'leaf-b.crt'].map(p)));
    const [twinA, twinB] = files.slice(0, 2).map((f) => f.objects[0]);
    assert.equal(twinA.subject, twinB.subject, 'the same name');
    assert.notEqual(twinA.subjectKeyIdentifier, twinB.subjectKeyIdentifier, 'different keys');
    const tree = buildAuthorityTree(files);
    assert.deepEqual(
      tree.map((n) => [scannedObjectName(n.certificate), n.certificate.sha256, n.issued.map((c) => c.certificate.commonName)]).sort(),
      [['Twin CA', twinA.sha256, ['leaf-a.example.test']], ['Twin CA', twinB.sha256, ['leaf-b.example.test']]].sort(),
      'each leaf under the CA its AKI names, not under both',
    );
  });

  it('links an issuer name to a CA subject that differs only in case and spacing (RFC 5280 §7.1)', async () => {
    const p = (n: string) => t.path(`canon-${n}`);
    openssl(['req', '-x509', ...ec, '-keyout', p('ca.key'), '-out', p('ca.crt'), '-days', '30', '-subj', '/O=Spacing Test/CN=Spacing  CA']);
    openssl(['req', ...ec, '-keyout', p('leaf.key'), '-out', p('leaf.csr'), '-subj', '/CN=canon.example.test']);
    // No key identifiers in the leaf: only the names can link it.
    openssl(['x509', '-req', '-in', p('leaf.csr'), '-CA', p('ca.crt'), '-CAkey', p('ca.key'), '-set_serial', '2', '-days', '20', '-out', p('leaf.crt'),
      '-extfile', ext(['basicConstraints=critical,CA:FALSE', 'subjectKeyIdentifier=none', 'authorityKeyIdentifier=none'])]);
    // The CA re-issued with the same key under the same name, written in other case and spacing.
    openssl(['req', '-x509', '-key', p('ca.key'), '-out', p('reissued.crt'), '-days', '30', '-subj', '/O=SPACING test/CN=spacing ca']);
    const files = await scanAll(fsAccessor([p('reissued.crt'), p('leaf.crt')]));
    const [ca, leaf] = files.map((f) => f.objects[0]);
    assert.equal(leaf.issuer, 'O=Spacing Test, CN=Spacing  CA');
    assert.equal(ca.subject, 'O=SPACING test, CN=spacing ca');
    assert.equal(leaf.authorityKeyIdentifier, undefined);
    const tree = buildAuthorityTree(files);
    assert.deepEqual(tree.map((n) => [n.certificate.commonName, n.issued.map((c) => c.certificate.commonName)]), [['spacing ca', ['canon.example.test']]]);
  });

  it('judges expiry at any time, per certificate, per file and for the workspace', () => {
    const leaf = byName.get('leaf.crt')!.objects[0];
    const notAfter = Date.parse(leaf.notAfter!);
    assert.equal(certificateExpiry(leaf, new Date(notAfter + 86_400_000 * 2.6), 30)?.status, 'expired');
    assert.equal(certificateExpiry(leaf, new Date(notAfter + 86_400_000 * 2.6), 30)?.daysLeft, -3, 'rounded to the nearest day');
    assert.equal(certificateExpiry(leaf, new Date(notAfter + 86_400_000 * 2.4), 30)?.daysLeft, -2, 'rounded to the nearest day');
    assert.equal(certificateExpiry(leaf, new Date(notAfter - 86_400_000 * 9.6), 30)?.daysLeft, 10, 'rounded to the nearest day');
    assert.equal(certificateExpiry(leaf, new Date(notAfter - 86_400_000 * 10), 5)?.status, 'valid');
    assert.equal(certificateExpiry(leaf, new Date(notAfter - 86_400_000 * 10), 10)?.status, 'expiring');
    assert.equal(certificateExpiry(leaf, new Date(Date.parse(leaf.notBefore!) - 1000), 30)?.status, 'not-yet-valid');
    assert.equal(certificateExpiry(byName.get('leaf.key')!.objects[0], new Date(), 30), undefined, 'a key has no expiry');
    assert.equal(worstExpiry(byName.get('chain.pem')!, new Date(), 30)?.status, 'expiring', 'the leaf decides for the chain');
    assert.equal(worstExpiry(byName.get('leaf.key')!, new Date(), 30), undefined);
    const ours = [...byName.values()].filter((f) => !f.file.endsWith('large-bundle.pem')); // the trust bundle has expired roots
    const soon = expiryAttention(ours, new Date(), 30);
    assert.deepEqual(soon.expired, []);
    assert.deepEqual(soon.expiring.map((e) => e.certificate.commonName), ['leaf.example.test']);
    assert.equal(soon.expiring[0].files.length, 4, 'one entry for the certificate, with every file holding it');
    const later = expiryAttention(ours, new Date(Date.now() + 200 * 86_400_000), 30);
    assert.ok(later.expired.some((e) => e.certificate.commonName === 'self.example.test'));
    assert.ok(later.expired.length > later.expiring.length);
  });
});

describe('globToRegExp', () => {
  const cases: [string, string[], string[]][] = [
    ['**/node_modules/**', ['node_modules', 'a/node_modules', 'a/node_modules/b/c.pem'], ['node_modulesx/a', 'a/b']],
    ['*.log', ['x.log', 'a/b/x.log'], ['x.logs', 'a/x.pem']],
    ['build/*.pem', ['build/a.pem'], ['build/sub/a.pem', 'x/build/a.pem']],
    ['**/*.{pem,crt}', ['a.pem', 'x/y/b.crt'], ['a.key', 'a.pem.bak']],
    ['secrets/**', ['secrets', 'secrets/a', 'secrets/a/b'], ['xsecrets/a', 'a/secrets/b']],
    ['test?.pem', ['test1.pem', 'a/testx.pem'], ['test10.pem']],
    ['[ab].pem', ['a.pem', 'b.pem'], ['c.pem']],
  ];
  for (const [glob, yes, no] of cases) {
    it(glob, () => {
      const re = globToRegExp(glob);
      for (const p of yes) assert.ok(re.test(p), `${glob} matches ${p}`);
      for (const p of no) assert.ok(!re.test(p), `${glob} does not match ${p}`);
    });
  }
});

function pick(o: { kind: string; encrypted?: boolean; algorithm?: string; pemLabel?: string }) {
  return { kind: o.kind, encrypted: o.encrypted, algorithm: o.algorithm, pemLabel: o.pemLabel };
}

function countCerts(): number {
  return (readFileSync(TRUST_BUNDLE, 'utf8').match(/-----BEGIN CERTIFICATE-----/g) ?? []).length;
}

