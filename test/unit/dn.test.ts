import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { children, readRoot, whole } from '../../src/core/der/asn1';
import type { DnAttr } from '../../src/core/write/dn';
import { decodeDnAttrs, encodeName, parseSubject, subjectFromFields } from '../../src/core/write/dn';
import { PkiError } from '../../src/core/model';
import { opensslBytes, tempDir, write } from '../helpers/tools';

const tmp = tempDir('tlsw-dn-');
let keyPath = '';

before(() => {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  keyPath = tmp.path('k.pem');
  write(keyPath, privateKey.export({ format: 'pem', type: 'pkcs8' }) as string);
});
after(() => tmp.cleanup());

/** The DER Name OpenSSL writes for `openssl req -new -subj S -utf8`. */
function opensslName(subj: string): Uint8Array {
  const csr = opensslBytes(['req', '-new', '-key', keyPath, '-utf8', '-subj', subj, '-outform', 'DER']);
  const info = children(csr, readRoot(csr))[0];
  return whole(csr, children(csr, info)[1]);
}

function hex(b: Uint8Array): string {
  return Buffer.from(b).toString('hex');
}

function throwsPki(f: () => unknown, re: RegExp): void {
  assert.throws(f, (e: unknown) => e instanceof PkiError && re.test(e.message) && !e.message.includes('\n'));
}

describe('parseSubject (OpenSSL -subj style)', () => {
  it('reads the seed 004 subject in written order', () => {
    assert.deepEqual(parseSubject('/C=UK/ST=England/L=London/O=Any Org/OU=Any Org Engineering/CN=John-Doe'), [
      { type: 'C', value: 'UK' },
      { type: 'ST', value: 'England' },
      { type: 'L', value: 'London' },
      { type: 'O', value: 'Any Org' },
      { type: 'OU', value: 'Any Org Engineering' },
      { type: 'CN', value: 'John-Doe' },
    ]);
  });

  it('handles escapes, "=" in values, commas and multi-valued RDNs', () => {
    assert.deepEqual(parseSubject('/O=Any\\/Org, Ltd+OU=a=b/CN=x \\+ y\\\\z'), [
      { type: 'O', value: 'Any/Org, Ltd' },
      { type: 'OU', value: 'a=b', sameRdn: true },
      { type: 'CN', value: 'x + y\\z' },
    ]);
  });

  it('canonicalises long names, aliases and known OIDs; keeps unknown OIDs', () => {
    assert.deepEqual(parseSubject('/commonName=a/E=e@x.org/2.5.4.10=Org/1.2.3.4=custom/uid=u'), [
      { type: 'CN', value: 'a' },
      { type: 'emailAddress', value: 'e@x.org' },
      { type: 'O', value: 'Org' },
      { type: '1.2.3.4', value: 'custom' },
      { type: 'UID', value: 'u' },
    ]);
    assert.deepEqual(parseSubject('/'), []);
    assert.deepEqual(parseSubject(''), []);
  });

  it('refuses unknown attributes, bad countries, empty values and syntax errors, naming the problem', () => {
    throwsPki(() => parseSubject('/C=UK/XX=1'), /unknown attribute type "XX"/);
    throwsPki(() => parseSubject('/C=GBR/CN=x'), /C must be a 2-letter country code/);
    throwsPki(() => parseSubject('/C=U1'), /2-letter/);
    throwsPki(() => parseSubject('/CN=/O=x'), /CN has an empty value/);
    throwsPki(() => parseSubject('/CN'), /no "=value"/);
    throwsPki(() => parseSubject('/CN=x\\'), /escape/);
    throwsPki(() => parseSubject('/CN=x+'), /"\+" at the end/);
    throwsPki(() => parseSubject(`/CN=${'a'.repeat(65)}`), /CN is longer than 64/);
    throwsPki(() => parseSubject('/emailAddress=jö@x.org'), /emailAddress must be ASCII/);
    throwsPki(() => parseSubject('/serialNumber=a_b'), /PrintableString/);
    throwsPki(() => parseSubject('/CN=a\nb'), /control character/);
    throwsPki(() => parseSubject('/1.99.3=x'), /not a valid OID/);
    assert.equal(parseSubject(`/CN=${'a'.repeat(64)}`)[0].value.length, 64);
  });
});

describe('parseSubject (RFC 4514 style, written order)', () => {
  it('takes attributes in the order written', () => {
    assert.deepEqual(parseSubject('C=UK, O=Any Org, CN=x'), [
      { type: 'C', value: 'UK' },
      { type: 'O', value: 'Any Org' },
      { type: 'CN', value: 'x' },
    ]);
  });

  it('handles escapes, hex pairs, quotes, "+" RDNs and spaces', () => {
    assert.deepEqual(parseSubject('CN=J\\C3\\B6hn\\, Doe ,O="Any, Org"+OU=a\\+b; L=\\ spaced\\ '), [
      { type: 'CN', value: 'Jöhn, Doe' },
      { type: 'O', value: 'Any, Org' },
      { type: 'OU', value: 'a+b', sameRdn: true },
      { type: 'L', value: ' spaced ' },
    ]);
    assert.deepEqual(parseSubject('CN=a=b, O=Zürich'), [
      { type: 'CN', value: 'a=b' },
      { type: 'O', value: 'Zürich' },
    ]);
  });

  it('refuses unknown types, #hex values, invalid UTF-8 and dangling separators', () => {
    throwsPki(() => parseSubject('CN=x, Foo=bar'), /unknown attribute type "Foo"/);
    throwsPki(() => parseSubject('CN=#0403616263'), /#/);
    throwsPki(() => parseSubject('CN=\\C3'), /not valid UTF-8/);
    throwsPki(() => parseSubject('CN=x,'), /at the end/);
    throwsPki(() => parseSubject('CN=x, O'), /no "=value"/);
    throwsPki(() => parseSubject('CN="x" y'), /unexpected "y"/);
  });
});

describe('subjectFromFields', () => {
  it('uses OpenSSL order, one RDN per OU, skipping empty fields', () => {
    assert.deepEqual(
      subjectFromFields({ CN: 'John-Doe', emailAddress: 'j@x.org', OU: ['Eng', 'Ops'], O: 'Any Org', L: '', ST: 'England', C: 'UK' }),
      [
        { type: 'C', value: 'UK' },
        { type: 'ST', value: 'England' },
        { type: 'O', value: 'Any Org' },
        { type: 'OU', value: 'Eng' },
        { type: 'OU', value: 'Ops' },
        { type: 'CN', value: 'John-Doe' },
        { type: 'emailAddress', value: 'j@x.org' },
      ],
    );
    throwsPki(() => subjectFromFields({ C: 'United Kingdom' }), /2-letter/);
  });
});

const TRICKY: string[] = [
  '/C=UK/ST=England/L=London/O=Any Org/OU=Any Org Engineering/CN=John-Doe',
  '/C=UK/O=Any, Org+OU=x=y/CN=Jöhn \\+ Doe',
  '/O=Slash\\/Org/CN=日本語 テスト/emailAddress=a@b.example',
  '/DC=com/DC=example/UID=u1/serialNumber=1234-AB/street=1 Main St/CN=Zoë, \\+ = ok',
  '/CN=a+CN=b+O=c',
  '/CN=back\\\\slash/title=Dr./initials=J.D./GN=Jöhn/SN=Doe',
];

describe('encodeName matches OpenSSL byte for byte', () => {
  for (const subj of TRICKY) {
    it(subj, () => {
      const ours = encodeName(parseSubject(subj));
      assert.equal(hex(ours), hex(opensslName(subj)));
    });
  }
});

describe('round trips', () => {
  it('encode → decode keeps every value', () => {
    const attrs: DnAttr[] = [
      { type: 'C', value: 'UK' },
      { type: 'O', value: 'A/B+C=D, E\\F' },
      { type: 'OU', value: 'plus+', sameRdn: true },
      { type: 'CN', value: ' Jöhn ☃ Doe ' },
      { type: 'emailAddress', value: 'x@y.example' },
    ];
    const decoded = decodeDnAttrs(encodeName(attrs));
    // DER sorts the members of a multi-valued RDN: compare as sets per RDN
    assert.deepEqual(
      decoded.map((a) => `${a.type}=${a.value}`).sort(),
      attrs.map((a) => `${a.type}=${a.value}`).sort(),
    );
    assert.equal(decoded.filter((a) => a.sameRdn).length, 1);
  });

  it('encodes C as PrintableString, emailAddress and DC as IA5String, others as UTF8String', () => {
    const der = encodeName(parseSubject('/C=UK/DC=com/emailAddress=a@b.c/CN=x'));
    const tags = children(der, readRoot(der)).map((rdn) => {
      const atv = children(der, rdn)[0];
      return children(der, atv)[1].tag;
    });
    assert.deepEqual(tags, [0x13, 0x16, 0x16, 0x0c]);
    assert.equal(hex(encodeName([])), '3000');
  });

  it('encodes unknown dotted OIDs as UTF8String (OpenSSL -subj would skip them)', () => {
    const der = encodeName(parseSubject('/CN=x/1.3.6.1.4.1.99999.1=custom value'));
    assert.ok(hex(der).endsWith(`06092b06010401868d1f010c0c${Buffer.from('custom value').toString('hex')}`));
    assert.deepEqual(decodeDnAttrs(der)[1], { type: '1.3.6.1.4.1.99999.1', value: 'custom value' });
  });
});
