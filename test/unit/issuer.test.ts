// The one rule for "could B have issued A" (src/core/trust/issuer.ts), on certificates made by the real openssl:
// two CAs of the same name are told apart by the authorityKeyIdentifier, names that differ only in case and
// spacing match, and path validation builds its chains with it.

import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { couldHaveIssued } from '../../src/core/trust/issuer';
import { pathCert, type PathCert } from '../../src/core/trust/pathCert';
import { validatePath } from '../../src/core/trust/pathValidation';
import { openssl, read, tempDir } from '../helpers/tools';

const t = tempDir('tlsw-issuer-');
after(() => t.cleanup());

const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
/** A moment inside every certificate's validity (they are made in `before`, valid 30 days). */
const now = new Date(Date.now() + 86_400_000);

function der(name: string): Uint8Array {
  return new Uint8Array(read(t.path(`${name}.der`)));
}

function cert(name: string): PathCert {
  return pathCert(der(name), now);
}

/** A leaf for `subject`, issued by the CA `ca` with the extensions `ext` (DER written to `name`.der). */
function issueLeaf(name: string, ca: string, subject: string, ext: string[]): void {
  const cnf = t.path(`${name}.cnf`);
  writeFileSync(cnf, ext.join('\n') + '\n');
  openssl(['req', ...ec, '-keyout', t.path(`${name}.key`), '-out', t.path(`${name}.csr`), '-subj', subject]);
  openssl(['x509', '-req', '-in', t.path(`${name}.csr`), '-CA', t.path(`${ca}.crt`), '-CAkey', t.path(`${ca}.key`), '-set_serial', '1', '-days', '30',
    '-extfile', cnf, '-outform', 'der', '-out', t.path(`${name}.der`)]);
}

function selfSigned(name: string, subject: string, key?: string): void {
  const keyArgs = key ? ['-key', t.path(`${key}.key`)] : [...ec, '-keyout', t.path(`${name}.key`)];
  openssl(['req', '-x509', ...keyArgs, '-out', t.path(`${name}.crt`), '-days', '30', '-subj', subject]);
  openssl(['x509', '-in', t.path(`${name}.crt`), '-outform', 'der', '-out', t.path(`${name}.der`)]);
}

before(() => {
  selfSigned('twinA', '/O=Twin/CN=Twin CA');
  selfSigned('twinB', '/O=Twin/CN=Twin CA');
  issueLeaf('leafB', 'twinB', '/CN=leaf-b.example.test', ['basicConstraints=critical,CA:FALSE', 'authorityKeyIdentifier=keyid']);
  issueLeaf('bareB', 'twinB', '/CN=bare-b.example.test', ['basicConstraints=critical,CA:FALSE', 'subjectKeyIdentifier=none', 'authorityKeyIdentifier=none']);
  selfSigned('spaced', '/O=Spacing Test/CN=Spacing  CA');
  issueLeaf('spacedLeaf', 'spaced', '/CN=spaced.example.test', ['basicConstraints=critical,CA:FALSE', 'subjectKeyIdentifier=none', 'authorityKeyIdentifier=none']);
  // The same CA key under the same name in other case and spacing.
  selfSigned('respaced', '/O=SPACING test/CN=spacing ca', 'spaced');
});

describe('couldHaveIssued', () => {
  it('tells apart two CAs of the same name by the authorityKeyIdentifier', () => {
    const [a, b, leaf] = [cert('twinA'), cert('twinB'), cert('leafB')];
    assert.equal(a.subjectCanon, b.subjectCanon, 'the same name');
    assert.ok(a.subjectKeyId && b.subjectKeyId && a.subjectKeyId !== b.subjectKeyId, 'different keys');
    assert.equal(leaf.authorityKeyId, b.subjectKeyId);
    assert.equal(couldHaveIssued(b, leaf), true);
    assert.equal(couldHaveIssued(a, leaf), false, 'the AKI names the other key');
    // Without an AKI, the name is all there is: both could have.
    const bare = cert('bareB');
    assert.equal(bare.authorityKeyId, undefined);
    assert.equal(couldHaveIssued(a, bare), true);
    assert.equal(couldHaveIssued(b, bare), true);
  });

  it('matches names that differ only in case and spacing, and no others', () => {
    const [respaced, leaf] = [cert('respaced'), cert('spacedLeaf')];
    assert.equal(leaf.model.issuer.text, 'O=Spacing Test, CN=Spacing  CA');
    assert.equal(respaced.model.subject.text, 'O=SPACING test, CN=spacing ca');
    assert.equal(couldHaveIssued(respaced, leaf), true);
    assert.equal(couldHaveIssued(cert('twinA'), leaf), false);
    assert.equal(couldHaveIssued(respaced, cert('leafB')), false);
  });
});

describe('path validation chooses issuers by the rule', () => {
  it('anchors the leaf at the CA its AKI names, among two CAs of the same name', () => {
    const r = validatePath(der('leafB'), { anchors: [der('twinA'), der('twinB')], now });
    assert.equal(r.ok, true, JSON.stringify(r.errors));
    assert.deepEqual(r.chain.map((l) => l.fingerprintSha256), [cert('leafB').sha256, cert('twinB').sha256]);
    const wrong = validatePath(der('leafB'), { anchors: [der('twinA')], now });
    assert.equal(wrong.ok, false, 'the other CA of the same name is not tried');
    assert.equal(wrong.errors[0].code, 'unable_to_get_issuer_cert');
  });

  it('chains to a CA whose name differs only in case and spacing', () => {
    const r = validatePath(der('spacedLeaf'), { anchors: [der('respaced')], now });
    assert.equal(r.ok, true, JSON.stringify(r.errors));
    assert.equal(r.chain[1].fingerprintSha256, cert('respaced').sha256);
  });
});
