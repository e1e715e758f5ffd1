import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import type { PemBlock } from '../../src/core/der/pem';
import { decodeText, encodePem, findPemBlocks, findPemBlocksInText, looksLikePem, looksLikePemInText, plainPemSpans } from '../../src/core/der/pem';
import { readObjects } from '../../src/core/read/read';
import { PkiError } from '../../src/core/model';
import { openssl, opensslBytes, prng, read, tempDir, TRUST_BUNDLE } from '../helpers/tools';

const tmp = tempDir('tlsw-pem-');
let certPem = '';
let certDer: Buffer;
let keyPem = '';
let keyDer: Buffer;
let encPem = '';
let rsaModulus = '';

before(() => {
  openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', tmp.path('k.pem'),
    '-out', tmp.path('c.pem'), '-subj', '/CN=pem.test', '-days', '3']);
  certPem = read(tmp.path('c.pem')).toString('utf8');
  certDer = opensslBytes(['x509', '-in', tmp.path('c.pem'), '-outform', 'DER']);
  keyPem = read(tmp.path('k.pem')).toString('utf8');
  // (`openssl pkey -outform DER` writes an EC key as SEC1; `pkcs8 -topk8` keeps the PKCS#8 of the PEM.)
  keyDer = opensslBytes(['pkcs8', '-topk8', '-nocrypt', '-in', tmp.path('k.pem'), '-outform', 'DER']);
  openssl(['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', tmp.path('rsa.pem')]);
  openssl(['rsa', '-in', tmp.path('rsa.pem'), '-des3', '-traditional', '-passout', 'pass:x', '-out', tmp.path('enc.pem')]);
  encPem = read(tmp.path('enc.pem')).toString('utf8');
  rsaModulus = openssl(['rsa', '-in', tmp.path('rsa.pem'), '-noout', '-modulus']).trim();
});

after(() => tmp.cleanup());

function only(text: string): PemBlock {
  const { blocks, problems } = findPemBlocks(text);
  assert.deepEqual(problems, []);
  assert.equal(blocks.length, 1);
  return blocks[0];
}

/** 0-based index of the first line equal to `line` (independent of the code under test). */
function lineIndex(text: string, line: string, from = 0): number {
  const lines = text.split(/\r\n|\r|\n/);
  for (let i = from; i < lines.length; i++) if (lines[i] === line) return i;
  throw new Error(`line not found: ${line}`);
}


describe('findPemBlocks on what openssl writes', () => {
  it('finds a certificate whose DER equals `openssl x509 -outform DER`, with the range of the whole block', () => {
    const block = only(certPem);
    assert.equal(block.label, 'CERTIFICATE');
    assert.deepEqual(block.headers, {});
    assert.equal(block.blockNumber, 1);
    assert.ok(block.der instanceof Uint8Array);
    assert.deepEqual(Buffer.from(block.der), certDer);
    const lastLine = certPem.trimEnd().split('\n').length - 1;
    assert.deepEqual(block.range, {
      startLine: 0, startCharacter: 0, endLine: lastLine, endCharacter: '-----END CERTIFICATE-----'.length,
      startOffset: 0, endOffset: certPem.length - 1,
    });
  });

  it('finds a PKCS#8 key whose DER equals `openssl pkey -outform DER`', () => {
    const block = only(keyPem);
    assert.equal(block.label, 'PRIVATE KEY');
    assert.deepEqual(Buffer.from(block.der), keyDer);
  });

  it('reads the Proc-Type / DEK-Info headers of a legacy encrypted key, and the body still decrypts with openssl', () => {
    const block = only(encPem);
    assert.equal(block.label, 'RSA PRIVATE KEY');
    assert.deepEqual(Object.keys(block.headers), ['Proc-Type', 'DEK-Info']);
    assert.equal(block.headers['Proc-Type'], '4,ENCRYPTED');
    assert.match(block.headers['DEK-Info'], /^DES-EDE3-CBC,[0-9A-F]{16}$/);
    // encodePem writes exactly what openssl wrote, and openssl can decrypt it back to the same key.
    const again = encodePem(block.label, block.der, block.headers);
    assert.equal(again, encPem);
    const decrypted = openssl(['rsa', '-passin', 'pass:x', '-noout', '-modulus'], again).trim();
    assert.equal(decrypted, rsaModulus);
  });

  it('encodePem reproduces openssl PEM byte for byte', () => {
    assert.equal(encodePem('CERTIFICATE', certDer), certPem);
    assert.equal(encodePem('PRIVATE KEY', keyDer), keyPem);
  });

  it('reads CRLF and lone-CR versions of a bundle with the same bytes and the same line numbers', () => {
    const lf = `# bundle\n${certPem}\n${encPem}${keyPem}`;
    const expected = findPemBlocks(lf);
    assert.equal(expected.problems.length, 0);
    assert.equal(expected.blocks.length, 3);
    for (const eol of ['\r\n', '\r']) {
      const text = lf.replace(/\n/g, eol);
      const { blocks, problems } = findPemBlocks(text);
      assert.deepEqual(problems, []);
      assert.equal(blocks.length, 3);
      blocks.forEach((b, i) => {
        const e = expected.blocks[i];
        assert.equal(b.label, e.label);
        assert.deepEqual(b.headers, e.headers);
        assert.deepEqual(b.der, e.der);
        assert.equal(b.range.startLine, e.range.startLine);
        assert.equal(b.range.endLine, e.range.endLine);
        assert.equal(b.range.startCharacter, 0);
        assert.equal(b.range.endCharacter, e.range.endCharacter);
        assert.equal(text.slice(b.range.startOffset, b.range.endOffset), lf.slice(e.range.startOffset, e.range.endOffset).replace(/\n/g, eol));
      });
      assert.equal(blocks[0].range.startLine, 1);
      assert.equal(blocks[1].range.startLine, lineIndex(text, '-----BEGIN RSA PRIVATE KEY-----'));
      assert.equal(blocks[1].headers['Proc-Type'], '4,ENCRYPTED');
    }
  });

  it('finds the certificate at the end of `openssl x509 -text` output, then a key after more text', () => {
    const text = openssl(['x509', '-in', tmp.path('c.pem'), '-text']) + '\nsome notes: the key follows\n\n' + keyPem + 'trailing words\n';
    const { blocks, problems } = findPemBlocks(text);
    assert.deepEqual(problems, []);
    assert.deepEqual(blocks.map((b) => b.label), ['CERTIFICATE', 'PRIVATE KEY']);
    assert.deepEqual(blocks.map((b) => b.blockNumber), [1, 2]);
    assert.deepEqual(Buffer.from(blocks[0].der), certDer);
    assert.deepEqual(Buffer.from(blocks[1].der), keyDer);
    const certLine = lineIndex(text, '-----BEGIN CERTIFICATE-----');
    assert.ok(certLine > 10, 'the text report comes first');
    assert.equal(blocks[0].range.startLine, certLine);
    assert.equal(blocks[0].range.endLine, lineIndex(text, '-----END CERTIFICATE-----'));
    assert.equal(blocks[1].range.startLine, lineIndex(text, '-----BEGIN PRIVATE KEY-----'));
    assert.equal(blocks[1].range.endLine, lineIndex(text, '-----END PRIVATE KEY-----'));
  });

  it('reads the whole system trust bundle, the first certificate equal to what openssl decodes', () => {
    const text = read(TRUST_BUNDLE).toString('utf8');
    const { blocks, problems } = findPemBlocks(text);
    assert.deepEqual(problems, []);
    assert.equal(blocks.length, text.split('\n').filter((l) => l === '-----BEGIN CERTIFICATE-----').length);
    assert.ok(blocks.length > 100);
    assert.ok(blocks.every((b) => b.label === 'CERTIFICATE' && b.der[0] === 0x30));
    assert.deepEqual(Buffer.from(blocks[0].der), opensslBytes(['x509', '-in', TRUST_BUNDLE, '-outform', 'DER']));
  });

  it('decodes PEM indented inside a Kubernetes YAML `|` scalar, headers included', () => {
    const indent = (pem: string) => pem.trimEnd().split('\n').map((l) => `    ${l}`).join('\n');
    const yaml = [
      'apiVersion: v1', 'kind: Secret', 'metadata:', '  name: web-tls', 'type: kubernetes.io/tls', 'stringData:',
      '  tls.crt: |', indent(certPem), '  tls.key: |', indent(encPem), '',
    ].join('\n');
    const { blocks, problems } = findPemBlocks(yaml);
    assert.deepEqual(problems, []);
    assert.equal(blocks.length, 2);
    assert.deepEqual(Buffer.from(blocks[0].der), certDer);
    assert.deepEqual(blocks[0].range.startLine, 7);
    assert.deepEqual(blocks[0].range.startCharacter, 4);
    assert.equal(blocks[0].range.endCharacter, 4 + '-----END CERTIFICATE-----'.length);
    assert.equal(blocks[1].label, 'RSA PRIVATE KEY');
    assert.equal(blocks[1].headers['Proc-Type'], '4,ENCRYPTED');
    assert.deepEqual(blocks[1].der, only(encPem).der);
  });
});

describe('findPemBlocks on hand-made text', () => {
  it('gives exact 0-based lines, characters and offsets', () => {
    const text = 'intro line\r\n\r\n  -----BEGIN TEST-----\r\n  QUJD\r\n  -----END TEST-----  \r\ntrailer';
    const block = only(text);
    assert.deepEqual(block.range, { startLine: 2, startCharacter: 2, endLine: 4, endCharacter: 20, startOffset: 16, endOffset: 66 });
    assert.equal(text.slice(16, 66), '-----BEGIN TEST-----\r\n  QUJD\r\n  -----END TEST-----');
    assert.equal(Buffer.from(block.der).toString('latin1'), 'ABC');
  });

  it('tolerates blank lines, tabs and whitespace at line ends inside the body', () => {
    const b64 = certDer.toString('base64');
    const text = `-----BEGIN CERTIFICATE-----  \n\n${b64.slice(0, 50)} \t\n\n\t${b64.slice(50, 120)}\n  ${b64.slice(120)}   \n\n-----END CERTIFICATE-----\t\n`;
    assert.deepEqual(Buffer.from(only(text).der), certDer);
  });

  it('reads a PEM flattened to one line (spaces instead of newlines)', () => {
    const text = 'CERT="' + certPem.trimEnd().replace(/\n/g, ' ') + '"';
    const block = only(text);
    assert.deepEqual(Buffer.from(block.der), certDer);
    assert.equal(block.range.startLine, 0);
    assert.equal(block.range.startCharacter, 6);
    assert.equal(block.range.endLine, 0);
    assert.equal(block.range.endCharacter, text.length - 1);
  });

  it('reads files concatenated without a final newline (-----END …----------BEGIN …-----)', () => {
    const text = certPem.trimEnd() + keyPem;
    const { blocks, problems } = findPemBlocks(text);
    assert.deepEqual(problems, []);
    assert.deepEqual(blocks.map((b) => b.label), ['CERTIFICATE', 'PRIVATE KEY']);
    assert.deepEqual(Buffer.from(blocks[1].der), keyDer);
    assert.equal(blocks[1].range.startLine, blocks[0].range.endLine);
    assert.equal(blocks[1].range.startCharacter, '-----END CERTIFICATE-----'.length);
  });

  it('unfolds header continuation lines', () => {
    const text = [
      '-----BEGIN RSA PRIVATE KEY-----', 'Proc-Type: 4,ENCRYPTED', 'DEK-Info: DES-EDE3-CBC,', ' 0123456789ABCDEF', '',
      'QUJD', '-----END RSA PRIVATE KEY-----', '',
    ].join('\n');
    const block = only(text);
    assert.deepEqual(block.headers, { 'Proc-Type': '4,ENCRYPTED', 'DEK-Info': 'DES-EDE3-CBC,0123456789ABCDEF' });
    assert.equal(Buffer.from(block.der).toString('latin1'), 'ABC');
  });

  it('finds nothing, and reports nothing, in text without PEM', () => {
    assert.deepEqual(findPemBlocks(''), { blocks: [], problems: [] });
    assert.deepEqual(findPemBlocks('just some ----- dashes ----------\n-----BEGIN\n-----END\n'), { blocks: [], problems: [] });
  });
});

describe('findPemBlocks reports broken blocks precisely', () => {
  const good = (label: string) => `-----BEGIN ${label}-----\nQUJD\n-----END ${label}-----\n`;

  function one(text: string): { message: string; blocks: PemBlock[]; range: unknown } {
    const { blocks, problems } = findPemBlocks(text);
    assert.equal(problems.length, 1, JSON.stringify(problems));
    assert.equal(problems[0].severity, 'error');
    return { message: problems[0].message, blocks, range: problems[0].range };
  }

  it('bad base64 character: names block, label, line and column; the other blocks are still found', () => {
    const lines = certPem.trimEnd().split('\n');
    lines[3] = lines[3].slice(0, 4) + '!' + lines[3].slice(5);
    const broken = lines.join('\n') + '\n';
    // 7 lines of text and a 3-line block first: block 2 starts on line 11 (1-based), so its 4th line is line 14.
    const text = ['a', 'b', 'c', 'd', 'e', 'f', 'g', ''].join('\n') + good('FIRST') + broken + good('THIRD');
    const { message, blocks, range } = one(text);
    assert.equal(message, "block 2 (CERTIFICATE): invalid base64 at line 14: unexpected character '!' (column 5)");
    assert.deepEqual(blocks.map((b) => [b.label, b.blockNumber]), [['FIRST', 1], ['THIRD', 3]]);
    assert.deepEqual(range, {
      startLine: 10, startCharacter: 0, endLine: 10 + lines.length - 1, endCharacter: 25,
      startOffset: text.indexOf('-----BEGIN CERTIFICATE'), endOffset: text.indexOf('-----END CERTIFICATE-----') + 25,
    });
  });

  it('names control and non-ASCII characters by code point', () => {
    assert.match(one('-----BEGIN X-----\nQU\u00e9D\n-----END X-----\n').message, /^block 1 \(X\): invalid base64 at line 2: unexpected character U\+00E9 \(column 3\)$/);
    assert.match(one('-----BEGIN X-----\nQU\u0000D\n-----END X-----\n').message, /unexpected character U\+0000/);
  });

  it('bad padding and impossible lengths', () => {
    const body = (b: string) => one(`-----BEGIN X-----\n${b}\n-----END X-----\n`).message;
    assert.equal(body('QUJDRA'), "block 1 (X): missing base64 padding at line 2: 6 characters, '=' expected (truncated body?)");
    assert.equal(body('QUJDR'), 'block 1 (X): bad base64 length at line 2: 5 characters leave one dangling character (truncated or corrupted body)');
    assert.equal(body('QUJ=='), "block 1 (X): bad base64 padding at line 2: 5 characters with '=' padding is not a multiple of 4");
    assert.equal(body('Q==='), "block 1 (X): invalid base64 at line 2: more than two '=' padding characters");
    assert.equal(body('QQ==\nQUJD'), "block 1 (X): invalid base64 at line 3: data continues after '=' padding (column 1)");
  });

  it('an openssl certificate cut in the middle: missing END, the block runs to the end of the text', () => {
    const cut = certPem.slice(0, Math.floor(certPem.length / 2));
    const text = good('BEFORE') + cut;
    const { message, blocks, range } = one(text);
    assert.equal(message, "block 2 (CERTIFICATE): missing END line: expected '-----END CERTIFICATE-----' before the end of the text");
    assert.deepEqual(blocks.map((b) => b.label), ['BEFORE']);
    const r = range as { startLine: number; endOffset: number };
    assert.equal(r.startLine, 3);
    assert.equal(r.endOffset, text.trimEnd().length);
  });

  it('missing END before another block: reported, and the next block is still read', () => {
    const text = `-----BEGIN CERTIFICATE-----\nQUJD\n\n${certPem}`;
    const { message, blocks, range } = one(text);
    assert.equal(message, "block 1 (CERTIFICATE): missing END line: expected '-----END CERTIFICATE-----' before the next BEGIN line (line 4)");
    assert.deepEqual(range, { startLine: 0, startCharacter: 0, endLine: 1, endCharacter: 4, startOffset: 0, endOffset: 32 });
    assert.equal(blocks.length, 1);
    assert.equal(blocks[0].blockNumber, 2);
    assert.deepEqual(Buffer.from(blocks[0].der), certDer);
  });

  it('label mismatch between BEGIN and END', () => {
    const text = 'x\n' + certPem.replace('-----END CERTIFICATE-----', '-----END X509 CRL-----') + good('NEXT');
    const { message, blocks } = one(text);
    const endLine = lineIndex(text, '-----END X509 CRL-----') + 1;
    assert.equal(message, `block 1 (CERTIFICATE): label mismatch: BEGIN says 'CERTIFICATE' but END at line ${endLine} says 'X509 CRL'`);
    assert.deepEqual(blocks.map((b) => b.label), ['NEXT']);
  });

  it('empty body, with or without headers', () => {
    assert.equal(one('-----BEGIN CERTIFICATE-----\n\n-----END CERTIFICATE-----\n').message, 'block 1 (CERTIFICATE): empty body: no base64 data');
    assert.equal(one('-----BEGIN CERTIFICATE----------END CERTIFICATE-----').message, 'block 1 (CERTIFICATE): empty body: no base64 data');
    assert.equal(one('-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\n\n-----END RSA PRIVATE KEY-----\n').message,
      'block 1 (RSA PRIVATE KEY): empty body: headers but no base64 data');
  });

  it('a BEGIN or END line that is not closed by five dashes', () => {
    const begin = one(certPem.replace('-----BEGIN CERTIFICATE-----', '-----BEGIN CERTIFICATE----'));
    assert.equal(begin.message, "block 1 (CERTIFICATE): BEGIN line at line 1 is not closed by '-----'");
    assert.equal(begin.blocks.length, 0);
    const end = one(certPem.replace('-----END CERTIFICATE-----', '-----END CERTIFICATE'));
    assert.match(end.message, /^block 1 \(CERTIFICATE\): END line at line \d+ is not closed by '-----'$/);
  });

  it('an END line without a BEGIN, and a malformed header', () => {
    const stray = one('text\n-----END CERTIFICATE-----\n' + good('OK'));
    assert.equal(stray.message, 'line 2: -----END CERTIFICATE----- without a matching BEGIN line');
    assert.deepEqual(stray.blocks.map((b) => b.label), ['OK']);
    assert.equal(one('-----BEGIN X-----\nProc Type: 4,ENCRYPTED\n\nQUJD\n-----END X-----\n').message,
      "block 1 (X): malformed header at line 2: 'Proc Type: 4,ENCRYPTED'");
    assert.equal(one('-----BEGIN X-----\nQUJD\nkey: value\n-----END X-----\n').message,
      "block 1 (X): invalid base64 at line 3: unexpected character ':' (column 4)");
  });

  it('caps the number of problems listed', () => {
    const { blocks, problems } = findPemBlocks('-----BEGIN X-----\n!\n-----END X-----\n'.repeat(500) + good('LAST'));
    assert.equal(problems.length, 101);
    assert.equal(problems[100].message, '400 more PEM problems not listed');
    assert.deepEqual(blocks.map((b) => [b.label, b.blockNumber]), [['LAST', 501]]);
  });
});

describe('an empty label is no label: `-----BEGIN -----` and `-----END -----` are text, not markers', () => {
  // RFC 7468 labels are never empty. A framer that took `-----BEGIN -----` for a marker would hand the reader a
  // block with no type, count it among the blocks, or close a real block with `-----END -----`.
  const b64 = () => certDer.toString('base64').replace(/.{64}/g, '$&\n');
  const empties = () => [
    `-----BEGIN -----\n${b64()}\n-----END -----\n`,
    `-----BEGIN    -----\n${b64()}\n-----END    -----\n`,
    `-----BEGIN -----\r\nQUJD\r\n-----END -----`,
    // Not closed by five dashes either: nothing is left of the label once its trailing dashes are dropped.
    `-----BEGIN ----\n${b64()}\n-----END ----\n`,
    `-----BEGIN \n${b64()}\n-----END \n`,
  ];

  it('the fast path (plainPemSpans) takes none, and the scanner finds no block and reports nothing', () => {
    for (const text of empties()) {
      assert.equal(plainPemSpans(text), undefined, JSON.stringify(text.slice(0, 20)));
      assert.deepEqual(findPemBlocks(text), { blocks: [], problems: [] });
    }
  });

  it('a block after one is still found, and numbered 1: an empty BEGIN is not a BEGIN line', () => {
    for (const text of empties()) {
      const { blocks, problems } = findPemBlocks(text + certPem);
      assert.deepEqual(problems, []);
      assert.deepEqual(blocks.map((b) => [b.label, b.blockNumber]), [['CERTIFICATE', 1]]);
      assert.deepEqual(Buffer.from(blocks[0].der), certDer);
      assert.equal(blocks[0].range.startOffset, text.length);
    }
  });

  it('`-----END -----` does not close a block, and alone is no stray END line', () => {
    const text = `-----BEGIN CERTIFICATE-----\n${b64()}\n-----END -----\n`;
    const { blocks, problems } = findPemBlocks(text);
    assert.equal(blocks.length, 0);
    assert.deepEqual(problems.map((x) => x.message), ["block 1 (CERTIFICATE): missing END line: expected '-----END CERTIFICATE-----' before the end of the text"]);
    assert.deepEqual(findPemBlocks(`text\n-----END -----\n${certPem}`).problems, []);
  });

  it('escaped in a string or base64-encoded, it is no block either; the reader says it found no PEM', () => {
    const [text] = empties();
    const escaped = `{"cert": ${JSON.stringify(text)}}\n`;
    const encoded = `tls.crt: ${Buffer.from(text).toString('base64')}\n`;
    assert.ok(encoded.includes('LS0tLS1CRUdJTi'), 'the base64 form starts like every base64 PEM');
    for (const t of [text, escaped, encoded]) assert.deepEqual(findPemBlocksInText(t), { blocks: [], problems: [] }, t.slice(0, 30));
    assert.deepEqual(findPemBlocksInText(escaped + certPem).blocks.map((b) => [b.label, b.blockNumber, b.form]), [['CERTIFICATE', 1, 'pem']]);
    const read = readObjects(Buffer.from(text));
    assert.deepEqual([read.objects.length, read.problems.map((x) => x.message)], [0, ['no PEM block found']]);
  });
});

describe('findPemBlocks never throws and stays linear', () => {
  const FIVE_MB = 5 * 1024 * 1024;

  // A quadratic framer would not finish these 5 MB inputs (the suite's timeout catches it); the speed itself is
  // measured by `npm run bench`, never asserted here.

  it('5 MB of random bytes', () => {
    const rnd = prng(1);
    const bytes = new Uint8Array(FIVE_MB);
    for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(rnd() * 256);
    const result = findPemBlocks(decodeText(bytes));
    assert.equal(result.blocks.length, 0);
  });

  it('5 MB of BEGIN / END fragments, in several adversarial shapes', () => {
    const rnd = prng(2);
    const fragments = ['-----BEGIN ', '-----END ', 'CERTIFICATE', '-----', '-', '\n', '\r\n', '\r', ' ', 'QUJD', '=', ':', 'Proc-Type: 4,ENCRYPTED', '\t'];
    const parts: string[] = [];
    let size = 0;
    while (size < FIVE_MB) {
      const f = fragments[Math.floor(rnd() * fragments.length)];
      parts.push(f);
      size += f.length;
    }
    const mixed = parts.join('');
    const shapes: Record<string, string> = {
      mixed,
      'BEGIN repeated, one line': '-----BEGIN '.repeat(FIVE_MB / 11),
      'BEGIN lines': '-----BEGIN \n'.repeat(FIVE_MB / 12),
      'unclosed BEGIN lines': '-----BEGIN CERT\n'.repeat(FIVE_MB / 16),
      'BEGIN X, no END': '-----BEGIN X-----\n'.repeat(FIVE_MB / 18),
      'END repeated': '-----END X-----'.repeat(FIVE_MB / 15),
      dashes: '-'.repeat(FIVE_MB),
      'long unclosed label': '-----BEGIN ' + ' -'.repeat(FIVE_MB / 2) + 'x',
      'one huge body': `-----BEGIN X-----\n${'QUJD'.repeat(FIVE_MB / 4)}\n-----END X-----\n`,
      'one huge body with a bad end': `-----BEGIN X-----\n${'QUJD'.repeat(FIVE_MB / 4)}!`,
      'colon lines': `-----BEGIN X-----\n${'a: b\n'.repeat(FIVE_MB / 5)}-----END X-----\n`,
    };
    for (const [name, text] of Object.entries(shapes)) {
      const result = findPemBlocks(text);
      assert.ok(result.problems.length <= 101, name);
    }
    assert.equal(findPemBlocks(shapes['one huge body']).blocks[0].der.length, (FIVE_MB / 4) * 3);
  });

  it('mutated valid input: a result every time, and every block found is a real BEGIN…END span', () => {
    const rnd = prng(3);
    const base = `# bundle\r\n${certPem}${encPem}  ${keyPem}`;
    const alphabet = ['-', '-----', '\n', '\r', ' ', '=', ':', '!', 'A', '-----BEGIN ', '-----END ', 'X', '\u00e9', '\u0000'];
    for (let n = 0; n < 400; n++) {
      let text = base;
      const edits = 1 + Math.floor(rnd() * 4);
      for (let e = 0; e < edits; e++) {
        const at = Math.floor(rnd() * text.length);
        const op = Math.floor(rnd() * 3);
        const ins = alphabet[Math.floor(rnd() * alphabet.length)];
        text = op === 0 ? text.slice(0, at) + text.slice(at + 1 + Math.floor(rnd() * 40))
          : op === 1 ? text.slice(0, at) + ins + text.slice(at)
            : text.slice(0, at) + ins + text.slice(at + 1);
      }
      const { blocks, problems } = findPemBlocks(text);
      for (const b of blocks) {
        const span = text.slice(b.range.startOffset, b.range.endOffset);
        assert.ok(span.startsWith(`-----BEGIN ${b.label}-----`) && span.endsWith(`-----END ${b.label}-----`), span.slice(0, 60));
        assert.ok(b.der.length > 0);
      }
      for (const p of problems) {
        assert.equal(p.severity, 'error');
        assert.ok(p.message.length > 0 && !p.message.includes('\n'));
      }
    }
  });
});

describe('encodePem', () => {
  it('round-trips through findPemBlocks for many sizes, with headers', () => {
    const rnd = prng(4);
    for (let len = 1; len <= 200; len++) {
      const der = new Uint8Array(len);
      for (let i = 0; i < len; i++) der[i] = Math.floor(rnd() * 256);
      const headers = len % 3 === 0 ? { 'DEK-Info': `AES-128-CBC,${len}`, 'Proc-Type': '4,ENCRYPTED' } : undefined;
      const pem = encodePem('ENCRYPTED THING', der, headers);
      const lines = pem.split('\n');
      assert.equal(lines.at(-1), '');
      assert.ok(lines.every((l) => l.length <= 64 || l.startsWith('-----')));
      assert.ok(!pem.includes('\r'));
      if (headers) assert.deepEqual(lines.slice(1, 4), ['Proc-Type: 4,ENCRYPTED', `DEK-Info: AES-128-CBC,${len}`, '']);
      const block = only(pem);
      assert.deepEqual(block.der, der);
      assert.deepEqual(block.headers, headers ?? {});
      assert.equal(block.label, 'ENCRYPTED THING');
    }
  });

  it('refuses invalid labels, headers and empty bodies with a PkiError', () => {
    const der = new Uint8Array([1, 2, 3]);
    for (const label of ['', 'A--B', 'X\nY', 'TRAILING ', ' LEADING', 'CERT-----', 'A  B', 'caf\u00e9']) {
      assert.throws(() => encodePem(label, der), (e: unknown) => e instanceof PkiError && !e.message.includes('\n'), JSON.stringify(label));
    }
    assert.throws(() => encodePem('CERTIFICATE', new Uint8Array(0)), PkiError);
    assert.throws(() => encodePem('X', der, { 'Bad:Name': 'v' }), PkiError);
    assert.throws(() => encodePem('X', der, { Name: 'two\nlines' }), PkiError);
    assert.equal(encodePem('X509 CRL', der), '-----BEGIN X509 CRL-----\nAQID\n-----END X509 CRL-----\n');
  });
});

describe('looksLikePem and decodeText', () => {
  const enc = (s: string) => new Uint8Array(Buffer.from(s, 'utf8'));

  it('recognises PEM, with a BOM, after text, in UTF-16; not DER, binary or far-away markers', () => {
    assert.equal(looksLikePem(enc(certPem)), true);
    assert.equal(looksLikePem(enc('\ufeff' + certPem)), true);
    assert.equal(looksLikePem(enc(openssl(['x509', '-in', tmp.path('c.pem'), '-text']))), true);
    assert.equal(looksLikePem(new Uint8Array(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(certPem, 'utf16le')]))), true);
    assert.equal(looksLikePem(new Uint8Array(certDer)), false);
    assert.equal(looksLikePem(new Uint8Array(opensslBytes(['pkey', '-in', tmp.path('k.pem'), '-outform', 'DER']))), false);
    assert.equal(looksLikePem(new Uint8Array(Buffer.concat([Buffer.from([0x30, 0x03, 0x02, 0x01, 0x00]), Buffer.from(certPem)]))), false);
    assert.equal(looksLikePem(enc('x'.repeat(64 * 1024 - 1) + '\n' + certPem)), false);
    assert.equal(looksLikePem(enc('x'.repeat(64 * 1024 - 2) + '\n' + certPem)), true);
    assert.equal(looksLikePem(new Uint8Array(0)), false);
    assert.equal(looksLikePem(enc('-----BEGIN')), false);
  });

  it('decodes UTF-8 (dropping a BOM), UTF-16 with a BOM, and falls back to latin1', () => {
    assert.equal(decodeText(enc('\ufeffcaf\u00e9 -----BEGIN')), 'caf\u00e9 -----BEGIN');
    assert.equal(decodeText(new Uint8Array([0x41, 0xff, 0x42, 0xe9])), 'A\u00ffB\u00e9');
    assert.equal(decodeText(new Uint8Array(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('caf\u00e9', 'utf16le')]))), 'caf\u00e9');
    const be = Buffer.from('caf\u00e9', 'utf16le').swap16();
    assert.equal(decodeText(new Uint8Array(Buffer.concat([Buffer.from([0xfe, 0xff]), be]))), 'caf\u00e9');
    assert.equal(decodeText(new Uint8Array(0)), '');
    const utf16File = new Uint8Array(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(certPem.replace(/\n/g, '\r\n'), 'utf16le')]));
    assert.deepEqual(Buffer.from(only(decodeText(utf16File)).der), certDer);
  });
});

describe('findPemBlocksInText: PEM escaped in strings and base64-encoded (issue 12)', () => {
  it('plain PEM: the same blocks as findPemBlocks, each with form "pem" and its text', () => {
    const text = `x: 1\n${certPem}${keyPem}`;
    const plain = findPemBlocks(text);
    const found = findPemBlocksInText(text);
    assert.deepEqual(found.problems, []);
    assert.deepEqual(found.blocks.map(({ label, der, range, blockNumber }) => ({ label, der, range, blockNumber })), plain.blocks.map(({ label, der, range, blockNumber }) => ({ label, der, range, blockNumber })));
    assert.deepEqual(found.blocks.map((b) => b.form), ['pem', 'pem']);
    assert.equal(found.blocks[0].pem, certPem.trim());
  });

  it('escaped and base64 blocks: the DER openssl wrote, forms, the text\'s ranges, numbered in order, headers kept', () => {
    const text = `{"key": ${JSON.stringify(encPem)}}\ndata:\n  chain: ${Buffer.from(certPem + certPem).toString('base64')}\n`;
    const { blocks, problems } = findPemBlocksInText(text);
    assert.deepEqual(problems, []);
    assert.deepEqual(blocks.map((b) => [b.blockNumber, b.label, b.form, b.range.startLine, b.range.startCharacter]), [
      [1, 'RSA PRIVATE KEY', 'escaped', 0, '{"key": "'.length],
      [2, 'CERTIFICATE', 'base64', 2, 9],
      [3, 'CERTIFICATE', 'base64', 2, 9],
    ]);
    assert.equal(blocks[0].headers['Proc-Type'], '4,ENCRYPTED');
    assert.ok(Buffer.from(blocks[1].der).equals(certDer));
    assert.ok(blocks[2].pem.startsWith('-----BEGIN CERTIFICATE-----\n'));
    assert.equal(blocks[1].range.endOffset, text.length - 1);
  });

  it('problems: one line, label and block number, numbered with the other blocks, the base64 value named', () => {
    const bad = certPem.replace(/\n-----END CERTIFICATE-----/, '\n-----END CERTIFICATE----');
    const text = `a: ${Buffer.from(bad).toString('base64')}\n${certPem}b: ${JSON.stringify(certPem.replace('MII', 'M\u00e9I'))}\n`;
    const { blocks, problems } = findPemBlocksInText(text);
    assert.deepEqual(blocks.map((b) => [b.blockNumber, b.form]), [[2, 'pem']]);
    assert.equal(problems.length, 2);
    assert.deepEqual(problems.map((x) => [x.blockNumber, x.label, x.form, x.range?.startLine]), [[1, 'CERTIFICATE', 'base64', 0], [3, 'CERTIFICATE', 'escaped', lineIndex(text, '-----END CERTIFICATE-----') + 1]]);
    assert.match(problems[0].message, /^block 1 \(CERTIFICATE\): END line at line \d+ is not closed by '-----' \(in the base64-encoded value\)$/);
    const line = text.split('\n').findIndex((l) => l.includes('\u00e9'));
    assert.equal(problems[1].message, `block 3 (CERTIFICATE): invalid base64 at line ${line + 1}: unexpected character U+00E9 (column ${text.split('\n')[line].indexOf('\u00e9') + 1})`);
    for (const x of problems) assert.ok(!x.message.includes('\n'));
  });

  it('looksLikePemInText: PEM, escaped PEM and base64 of PEM; not DER or random text', () => {
    assert.equal(looksLikePemInText(Buffer.from(certPem)), true);
    assert.equal(looksLikePemInText(Buffer.from(JSON.stringify({ certPem }))), true);
    assert.equal(looksLikePemInText(Buffer.from(`tls.crt: ${Buffer.from(certPem).toString('base64')}\n`)), true);
    assert.equal(looksLikePem(Buffer.from(`tls.crt: ${Buffer.from(certPem).toString('base64')}\n`)), false);
    assert.equal(looksLikePemInText(certDer), false);
    assert.equal(looksLikePemInText(Buffer.from('just: yaml\n')), false);
  });

  it('never throws, and stays linear on many base64 markers', () => {
    for (const t of ['', 'LS0tLS1CRUdJTi', 'LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCk1JSUI=', '"-----BEGIN X-----\\n\\\\n"', undefined as unknown as string]) {
      assert.doesNotThrow(() => findPemBlocksInText(t));
    }
    const many = `${'x: LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCg==\n'.repeat(20_000)}`;
    const { blocks, problems } = findPemBlocksInText(many);
    assert.equal(blocks.length, 0);
    assert.equal(problems.length, 101, 'a hundred problems listed, the rest counted');
    assert.equal(problems[100].message, '19900 more PEM problems not listed');
  });
});
