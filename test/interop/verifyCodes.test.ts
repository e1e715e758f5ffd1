// `tlsw verify` (RFC 5280 path validation) against `openssl verify` as the referee: every failure code produced
// ON PURPOSE from certificates made by openssl (`openssl req` + `openssl ca` with -extfile sections and fixed
// -startdate/-enddate), or — where openssl cannot make the defect — by Debian's Python `cryptography`
// (/usr/bin/python3) or by patching bytes of an openssl-made certificate here; never by tlsw.
//
// For each case both tools run on the same files with the matching flags (--untrusted ↔ -untrusted, --ca ↔ -CAfile,
// --crl/--crl-check ↔ -CRLfile/-crl_check(_all), --purpose ↔ -purpose sslserver/sslclient, --host ↔ -verify_hostname,
// --ip ↔ -verify_ip, --now ↔ -attime) and the test asserts: openssl reports the defect the fixture was made to have
// (so the fixture is right), tlsw's verdict and exit status agree with openssl's, tlsw reports the expected code at
// the expected depth, and its message names the failing certificate. The few cases where OpenSSL 3.0 is known to
// answer otherwise (it does not backtrack during path building, it compares a host name's trailing dot) say so and
// why (`differs`); so do the cases where openssl's error number is not the corresponding code.

import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { after, before, describe, it } from 'node:test';
import { run, tlsw, type RunResult } from '../helpers/tlsw';
import { tempDir } from '../helpers/tools';

const PYTHON = '/usr/bin/python3'; // Debian's python3 with python3-cryptography, not whatever python is first on PATH

/** The validation time of every case (certificates are valid 2025-01-01 .. 2035-01-01 unless a case says otherwise). */
const NOW = '2030-06-01T00:00:00Z';
const START = '20250101000000Z';
const END = '20350101000000Z';
/** CRLs valid at NOW. */
const CRL_LAST = '20300501000000Z';
const CRL_NEXT = '20300701000000Z';
/** Revocation dates written into the CA databases before -gencrl (openssl ca -revoke takes the wall clock). */
const REVOCATIONS = {
  leafRevoked: { by: 'int2', reason: 'keyCompromise', at: '300115120000Z', iso: '2030-01-15T12:00:00', crl: 'int2.crl' },
  int2: { by: 'int1', reason: 'superseded', at: '300110083000Z', iso: '2030-01-10T08:30:00', crl: 'int1-revokes-int2.crl' },
} as const;

/** OpenSSL's X509_V_ERR numbers (3.0) ↔ tlsw's codes. */
const OPENSSL_CODES: Record<number, string> = {
  2: 'unable_to_get_issuer_cert',
  3: 'unable_to_get_crl',
  7: 'cert_signature_failure',
  8: 'crl_signature_failure',
  9: 'cert_not_yet_valid',
  10: 'cert_has_expired',
  11: 'crl_not_yet_valid',
  12: 'crl_has_expired',
  18: 'depth_zero_self_signed_cert',
  19: 'self_signed_cert_in_chain',
  20: 'unable_to_get_issuer_cert',
  22: 'cert_chain_too_long',
  23: 'cert_revoked',
  25: 'path_length_exceeded',
  26: 'invalid_purpose',
  32: 'invalid_ca', // keyusage_no_certsign
  33: 'unable_to_get_crl_issuer',
  34: 'unhandled_critical_extension',
  35: 'keyusage_no_crl_sign',
  36: 'unhandled_critical_crl_extension',
  41: 'invalid_extension',
  47: 'permitted_violation',
  48: 'excluded_violation',
  49: 'subtree_minmax',
  51: 'unsupported_constraint_type',
  53: 'unsupported_name_syntax',
  62: 'hostname_mismatch',
  64: 'ip_address_mismatch',
  79: 'invalid_ca', // 24 before OpenSSL 3.0
};

// ---------------------------------------------------------------------------------------------------------------
// Child processes, at most a few at a time (the machine may have 2 cores).

function limiter(width: number): <T>(fn: () => Promise<T>) => Promise<T> {
  let active = 0;
  const queue: (() => void)[] = [];
  const acquire = (): Promise<void> => {
    if (active < width) {
      active++;
      return Promise.resolve();
    }
    return new Promise<void>((resolve) => queue.push(resolve));
  };
  const release = (): void => {
    const next = queue.shift();
    if (next) next();
    else active--;
  };
  return async (fn) => {
    await acquire();
    try {
      return await fn();
    } finally {
      release();
    }
  };
}

const limit = limiter(Math.min(4, Math.max(2, cpus().length)));

function describeRun(r: RunResult): string {
  return `${r.command}\nexit ${r.code}\nstdout: ${r.stdout.slice(0, 3000)}\nstderr: ${r.stderr.slice(0, 3000)}`;
}

/** A tool that must succeed (fixture making). */
async function must(file: string, args: string[], cwd: string): Promise<RunResult> {
  const r = await limit(() => run(file, args, { cwd }));
  assert.equal(r.code, 0, `fixture step failed:\n${describeRun(r)}`);
  return r;
}

// ---------------------------------------------------------------------------------------------------------------
// DER and PEM, just enough to patch bytes of an openssl-made certificate.

interface Tlv {
  tag: number;
  start: number;
  hdr: number;
  len: number;
  end: number;
}

function tlvAt(buf: Buffer, off: number): Tlv {
  const tag = buf[off];
  let len = buf[off + 1];
  let hdr = 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + buf[off + 2 + i];
    hdr += n;
  }
  return { tag, start: off, hdr, len, end: off + hdr + len };
}

function childrenOf(buf: Buffer, t: Tlv): Tlv[] {
  const out: Tlv[] = [];
  for (let o = t.start + t.hdr; o < t.end; ) {
    const c = tlvAt(buf, o);
    out.push(c);
    o = c.end;
  }
  return out;
}

/** Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm, signatureValue BIT STRING } */
function certParts(der: Buffer): { tbs: Tlv; sigAlg: Tlv; sig: Tlv; tbsFields: Tlv[] } {
  const top = tlvAt(der, 0);
  const [tbs, sigAlg, sig] = childrenOf(der, top);
  assert.equal(tbs.tag, 0x30);
  assert.equal(sigAlg.tag, 0x30);
  assert.equal(sig.tag, 0x03);
  return { tbs, sigAlg, sig, tbsFields: childrenOf(der, tbs) };
}

function derOf(pemText: string): Buffer {
  const m = /-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/.exec(pemText);
  assert.ok(m, 'no certificate in PEM');
  return Buffer.from(m[1].replace(/\s+/g, ''), 'base64');
}

/** The serial number of a certificate file, lowercase hex without leading zeros. */
function serialOf(path: string): string {
  const der = derOf(readFileSync(path, 'utf8'));
  const serial = certParts(der).tbsFields[1];
  assert.equal(serial.tag, 0x02);
  return der.subarray(serial.start + serial.hdr, serial.end).toString('hex').replace(/^(?:00)+/, '');
}

function pemOf(der: Buffer): string {
  const b64 = der.toString('base64').replace(/.{64}/g, '$&\n').replace(/\n$/, '');
  return `-----BEGIN CERTIFICATE-----\n${b64}\n-----END CERTIFICATE-----\n`;
}

// ---------------------------------------------------------------------------------------------------------------
// Fixtures: a small PKI made by `openssl ca` (fixed dates), a few certificates made by Python `cryptography`,
// and byte-patched copies.

const CA = (more = ''): string =>
  `basicConstraints=critical,CA:TRUE${more}\nkeyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n`;

interface LeafOpts {
  san?: string;
  ku?: string;
  eku?: string;
  aki?: boolean;
  more?: string;
}
const LEAF = (o: LeafOpts = {}): string =>
  `basicConstraints=critical,CA:FALSE\nkeyUsage=critical,${o.ku ?? 'digitalSignature'}\nsubjectKeyIdentifier=hash\n` +
  (o.aki === false ? '' : 'authorityKeyIdentifier=keyid\n') +
  `extendedKeyUsage=${o.eku ?? 'serverAuth'}\n` +
  (o.san ? `subjectAltName=${o.san}\n` : '') +
  (o.more ?? '');

const ORG = '/C=GB/O=TLSW Test';

interface Spec {
  /** openssl -subj */
  subject: string;
  /** Name of the issuing fixture; null: self-signed. */
  issuer: string | null;
  /** Extension lines of the -extfile section. */
  ext: string;
  /** Extra config sections (dirName:… of nameConstraints). */
  sections?: string;
  start?: string;
  end?: string;
  /** Key type (EC P-256 by default). */
  alg?: 'rsa' | 'ed25519';
  /** Reuse the key of another fixture (cross-certificates, twins, CA key rollover). */
  keyOf?: string;
  /** openssl ca -sigopt … of the issuer's signature (RSA-PSS). */
  sigopts?: string[];
  /** String mask of the subject: openssl's default utf8only, or PrintableString where possible. */
  printable?: boolean;
}

/** Every certificate made by openssl. The CN of each is unique: messages are checked to name it. */
const SPECS: Record<string, Spec> = {
  // the 4-deep control chain; the leaf carries a non-critical unknown extension (must be ignored)
  root: { subject: `${ORG}/CN=VC Root`, issuer: null, ext: CA() },
  int1: { subject: `${ORG}/CN=VC Int 1`, issuer: 'root', ext: CA() },
  int2: { subject: `${ORG}/CN=VC Int 2`, issuer: 'int1', ext: CA() },
  leaf: {
    subject: `${ORG}/CN=VC Leaf`,
    issuer: 'int2',
    ext: LEAF({ san: 'DNS:www.example.com,IP:192.0.2.10,IP:2001:db8::10', more: '1.3.6.1.4.1.55555.2=DER:05:00\n' }),
  },
  // validity
  leafExpired: { subject: `${ORG}/CN=VC Expired Leaf`, issuer: 'int2', ext: LEAF(), end: '20290101000000Z' },
  leafFuture: { subject: `${ORG}/CN=VC Future Leaf`, issuer: 'int2', ext: LEAF(), start: '20310101000000Z' },
  intExpired: { subject: `${ORG}/CN=VC Expired Int`, issuer: 'int1', ext: CA(), end: '20290601000000Z' },
  leafUnderExpired: { subject: `${ORG}/CN=VC Leaf Under Expired Int`, issuer: 'intExpired', ext: LEAF() },
  // self-signed, smuggled roots
  selfLeaf: { subject: `${ORG}/CN=VC Self-Signed Leaf`, issuer: null, ext: LEAF({ aki: false, san: 'DNS:www.example.com' }) },
  otherRoot: { subject: '/C=GB/O=Other/CN=VC Other Root', issuer: null, ext: CA() },
  leafOther: { subject: `${ORG}/CN=VC Other Leaf`, issuer: 'otherRoot', ext: LEAF() },
  fakeRoot: { subject: `${ORG}/CN=VC Root`, issuer: null, ext: CA() }, // the real root's name, another key
  leafByFake: { subject: `${ORG}/CN=VC Fake-Issued Leaf`, issuer: 'fakeRoot', ext: LEAF() },
  leafByFakeNoAki: { subject: `${ORG}/CN=VC Fake-Issued Leaf Without AKI`, issuer: 'fakeRoot', ext: LEAF({ aki: false }) },
  // CA flags, key usage, path length
  intCaFalse: {
    subject: `${ORG}/CN=VC Not A CA`,
    issuer: 'int1',
    ext: 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n',
  },
  leafUnderCaFalse: { subject: `${ORG}/CN=VC Leaf Under Non-CA`, issuer: 'intCaFalse', ext: LEAF() },
  intNoKcs: {
    subject: `${ORG}/CN=VC CA Without keyCertSign`,
    issuer: 'int1',
    ext: 'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,digitalSignature,cRLSign\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n',
  },
  leafUnderNoKcs: { subject: `${ORG}/CN=VC Leaf Under No-keyCertSign CA`, issuer: 'intNoKcs', ext: LEAF() },
  intNoBc: {
    subject: `${ORG}/CN=VC CA Without basicConstraints`,
    issuer: 'int1',
    ext: 'keyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n',
  },
  leafUnderNoBc: { subject: `${ORG}/CN=VC Leaf Under No-BC CA`, issuer: 'intNoBc', ext: LEAF() },
  plCa: { subject: `${ORG}/CN=VC PathLen0 CA`, issuer: 'root', ext: CA(',pathlen:0') },
  plSub: { subject: `${ORG}/CN=VC Sub Of PathLen0 CA`, issuer: 'plCa', ext: CA() },
  leafPl: { subject: `${ORG}/CN=VC PathLen Leaf`, issuer: 'plSub', ext: LEAF() },
  plRoot: { subject: `${ORG}/CN=VC PathLen0 Root`, issuer: null, ext: CA(',pathlen:0') },
  plRootSub: { subject: `${ORG}/CN=VC Sub Of PathLen0 Root`, issuer: 'plRoot', ext: CA() },
  leafPlRoot: { subject: `${ORG}/CN=VC PathLen Root Leaf`, issuer: 'plRootSub', ext: LEAF() },
  // name constraints (on one intermediate; each leaf breaks one subtree)
  nc: {
    subject: `${ORG}/CN=VC Name-Constrained CA`,
    issuer: 'root',
    ext:
      CA() +
      'nameConstraints=critical,permitted;DNS:example.com,permitted;IP:192.0.2.0/255.255.255.0,' +
      'permitted;IP:2001:db8::/ffff:ffff::,permitted;email:example.com,permitted;dirName:nc_ok,permitted;URI:.example.com,' +
      'excluded;DNS:bad.example.com,excluded;IP:192.0.2.128/255.255.255.128,excluded;email:blocked@example.com,' +
      'excluded;dirName:nc_bad\n',
    sections: '[nc_ok]\nC=GB\nO=TLSW Test\n[nc_bad]\nC=GB\nO=TLSW Test\nOU=Blocked\n',
  },
  ncGood: {
    subject: `${ORG}/CN=VC NC Good`,
    issuer: 'nc',
    ext: LEAF({ san: 'DNS:www.example.com,DNS:example.com,IP:192.0.2.10,IP:2001:db8::5,email:alice@example.com' }),
  },
  ncDnsOut: { subject: `${ORG}/CN=VC NC DNS Outside`, issuer: 'nc', ext: LEAF({ san: 'DNS:www.example.com,DNS:www.evil.test' }) },
  ncDnsSuffix: { subject: `${ORG}/CN=VC NC DNS Suffix Trick`, issuer: 'nc', ext: LEAF({ san: 'DNS:www.notexample.com' }) },
  ncDnsExcl: { subject: `${ORG}/CN=VC NC DNS Excluded`, issuer: 'nc', ext: LEAF({ san: 'DNS:x.bad.example.com' }) },
  ncIpOut: { subject: `${ORG}/CN=VC NC IP Outside`, issuer: 'nc', ext: LEAF({ san: 'IP:198.51.100.7' }) },
  ncIpExcl: { subject: `${ORG}/CN=VC NC IP Excluded`, issuer: 'nc', ext: LEAF({ san: 'IP:192.0.2.200' }) },
  ncIp6Out: { subject: `${ORG}/CN=VC NC IPv6 Outside`, issuer: 'nc', ext: LEAF({ san: 'IP:2001:db9::5' }) },
  ncEmailOut: { subject: `${ORG}/CN=VC NC Email Outside`, issuer: 'nc', ext: LEAF({ san: 'email:bob@evil.test' }) },
  ncEmailExcl: { subject: `${ORG}/CN=VC NC Email Excluded`, issuer: 'nc', ext: LEAF({ san: 'email:blocked@example.com' }) },
  ncDirOut: { subject: '/C=GB/O=Evil Corp/CN=VC NC Dir Outside', issuer: 'nc', ext: LEAF({ san: 'DNS:www.example.com' }) },
  ncDirExcl: { subject: `${ORG}/OU=Blocked/CN=VC NC Dir Excluded`, issuer: 'nc', ext: LEAF({ san: 'DNS:www.example.com' }) },
  ncSubjEmail: { subject: `${ORG}/CN=VC NC Subject Email/emailAddress=eve@evil.test`, issuer: 'nc', ext: LEAF() },
  ncCnHost: { subject: `${ORG}/CN=www.evil.test`, issuer: 'nc', ext: LEAF() },
  ncCase: { subject: `${ORG}/CN=VC NC Upper Case And Wildcard`, issuer: 'nc', ext: LEAF({ san: 'DNS:WWW.Example.COM,DNS:*.example.com' }) },
  ncUriGood: { subject: `${ORG}/CN=VC NC URI Inside`, issuer: 'nc', ext: LEAF({ san: 'URI:https://www.example.com/a' }) },
  ncUriOut: { subject: `${ORG}/CN=VC NC URI Outside`, issuer: 'nc', ext: LEAF({ san: 'URI:https://www.evil.test/a' }) },
  ncSubCaOut: { subject: '/C=GB/O=Evil Corp/CN=VC NC Sub CA Outside', issuer: 'nc', ext: CA() },
  leafUnderNcSubCaOut: { subject: `${ORG}/CN=VC Leaf Under NC Sub CA`, issuer: 'ncSubCaOut', ext: LEAF({ san: 'DNS:www.example.com' }) },
  // unknown critical extensions
  leafCrit: { subject: `${ORG}/CN=VC Critical Leaf`, issuer: 'int2', ext: LEAF({ more: '1.3.6.1.4.1.55555.1=critical,DER:05:00\n' }) },
  intCrit: { subject: `${ORG}/CN=VC Critical Int`, issuer: 'int1', ext: CA() + '1.3.6.1.4.1.55555.1=critical,DER:05:00\n' },
  leafUnderCrit: { subject: `${ORG}/CN=VC Leaf Under Critical Int`, issuer: 'intCrit', ext: LEAF() },
  rootCrit: { subject: `${ORG}/CN=VC Critical Root`, issuer: null, ext: CA() + '1.3.6.1.4.1.55555.1=critical,DER:05:00\n' },
  leafUnderRootCrit: { subject: `${ORG}/CN=VC Leaf Under Critical Root`, issuer: 'rootCrit', ext: LEAF() },
  // purpose
  intClientOnly: { subject: `${ORG}/CN=VC Client-Only CA`, issuer: 'int1', ext: CA() + 'extendedKeyUsage=clientAuth\n' },
  leafUnderClientOnly: { subject: `${ORG}/CN=VC Leaf Under Client-Only CA`, issuer: 'intClientOnly', ext: LEAF({ san: 'DNS:www.example.com' }) },
  leafClient: { subject: `${ORG}/CN=VC Client Leaf`, issuer: 'int2', ext: LEAF({ eku: 'clientAuth' }) },
  leafAnyEku: { subject: `${ORG}/CN=VC anyExtendedKeyUsage Leaf`, issuer: 'int2', ext: LEAF({ eku: 'anyExtendedKeyUsage', san: 'DNS:www.example.com' }) },
  leafKuBad: { subject: `${ORG}/CN=VC Non-TLS keyUsage Leaf`, issuer: 'int2', ext: LEAF({ ku: 'nonRepudiation', san: 'DNS:www.example.com' }) },
  // host names
  leafWild: { subject: `${ORG}/CN=VC Wildcard Leaf`, issuer: 'int2', ext: LEAF({ san: 'DNS:*.example.com' }) },
  leafStarCom: { subject: `${ORG}/CN=VC Star-Dot-Com Leaf`, issuer: 'int2', ext: LEAF({ san: 'DNS:*.com' }) },
  leafCnSan: { subject: `${ORG}/CN=cn-only.example.com`, issuer: 'int2', ext: LEAF({ san: 'DNS:www.example.com' }) },
  leafNoSan: { subject: `${ORG}/CN=nosan.example.com`, issuer: 'int2', ext: LEAF() },
  // revocation
  leafRevoked: { subject: `${ORG}/CN=VC Revoked Leaf`, issuer: 'int2', ext: LEAF() },
  fakeInt2: { subject: `${ORG}/CN=VC Int 2`, issuer: null, ext: CA() }, // int2's name, another key: signs a forged CRL
  intNoCrlSign: {
    subject: `${ORG}/CN=VC CA Without cRLSign`,
    issuer: 'int1',
    ext: 'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n',
  },
  leafUnderNoCrlSign: { subject: `${ORG}/CN=VC Leaf Under No-cRLSign CA`, issuer: 'intNoCrlSign', ext: LEAF() },
  // path building: int1 cross-signed by otherRoot (same name and key); an expired twin of int2 (same name and key)
  int1x: { subject: `${ORG}/CN=VC Int 1`, issuer: 'otherRoot', ext: CA(), keyOf: 'int1' },
  int2Old: { subject: `${ORG}/CN=VC Int 2`, issuer: 'int1', ext: CA(), keyOf: 'int2', end: '20290101000000Z' },
  // an authorityKeyIdentifier that names another key (the signature is int2's)
  leafBadAki: {
    subject: `${ORG}/CN=VC Leaf With Wrong AKI`,
    issuer: 'int2',
    ext: LEAF({ aki: false, more: `2.5.29.35=DER:30:16:80:14${':11'.repeat(20)}\n` }),
  },
  // CA key rollover: a self-issued certificate (new key, signed by the old key, same subject and issuer) mid-path
  rollRoot: { subject: `${ORG}/CN=VC Roll Root`, issuer: null, ext: CA() },
  rollOld: { subject: `${ORG}/CN=VC Roll CA`, issuer: 'rollRoot', ext: CA(',pathlen:0') },
  rollNew: { subject: `${ORG}/CN=VC Roll CA`, issuer: 'rollOld', ext: CA() },
  rollLeaf: { subject: `${ORG}/CN=VC Roll Leaf`, issuer: 'rollNew', ext: LEAF() },
  rollSub: { subject: `${ORG}/CN=VC Roll Sub`, issuer: 'rollOld', ext: CA() }, // NOT self-issued: pathlen 0 forbids it
  rollSubLeaf: { subject: `${ORG}/CN=VC Roll Sub Leaf`, issuer: 'rollSub', ext: LEAF() },
  // RSA-signed (for the sha256WithRSAEncryption outer-algorithm patch)
  rsaRoot: { subject: `${ORG}/CN=VC RSA Root`, issuer: null, ext: CA(), alg: 'rsa' },
  rsaLeaf: { subject: `${ORG}/CN=VC RSA-Signed Leaf`, issuer: 'rsaRoot', ext: LEAF() },
  pssLeaf: { subject: `${ORG}/CN=VC RSA-PSS-Signed Leaf`, issuer: 'rsaRoot', ext: LEAF(), sigopts: ['rsa_padding_mode:pss', 'rsa_pss_saltlen:32'] },
  edRoot: { subject: `${ORG}/CN=VC Ed25519 Root`, issuer: null, ext: CA(), alg: 'ed25519' },
  edLeaf: { subject: `${ORG}/CN=VC Ed25519-Signed Leaf`, issuer: 'edRoot', ext: LEAF() },
  // RFC 5280 §7.1: the CA's subject in PrintableString (the leaf, made by Python, names it in UTF8String)
  nmRoot: { subject: `${ORG}/CN=VC Name Match Root`, issuer: null, ext: CA(), printable: true },
};

/** Made by Python `cryptography` (after the openssl ones it needs). */
const PY_MADE = ['nmLeaf', 'nmLeafAki', 'dupLeaf', 'dupInt', 'leafUnderDupInt'];

// Python: issuer names re-encoded (§7.1) and duplicate extensions (cryptography refuses duplicates, so a placeholder
// extension of the same length is renamed in the TBS, which is then signed again with the issuer's key).
const PY_SCRIPT = String.raw`
import sys, datetime, base64
from cryptography import x509
from cryptography.x509.oid import NameOID, ExtendedKeyUsageOID
from cryptography.x509.name import _ASN1Type
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec

d = sys.argv[1]
T0 = datetime.datetime(2025, 1, 1)
T1 = datetime.datetime(2035, 1, 1)
P = _ASN1Type.PrintableString
U = _ASN1Type.UTF8String

def load(name):
    key = serialization.load_pem_private_key(open(f'{d}/{name}.key', 'rb').read(), None)
    crt = x509.load_pem_x509_certificate(open(f'{d}/{name}.crt', 'rb').read())
    return key, crt

def pem(der):
    b = base64.b64encode(der).decode()
    return '-----BEGIN CERTIFICATE-----\n' + '\n'.join(b[i:i + 64] for i in range(0, len(b), 64)) + '\n-----END CERTIFICATE-----\n'

def save(name, key, der):
    open(f'{d}/{name}.key', 'wb').write(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    open(f'{d}/{name}.crt', 'w').write(pem(der))

def name(*attrs):
    return x509.Name([x509.NameAttribute(oid, v, _type=t) for (oid, v, t) in attrs])

def builder(subject, issuer, pub):
    return (x509.CertificateBuilder().subject_name(subject).issuer_name(issuer).public_key(pub)
            .serial_number(x509.random_serial_number()).not_valid_before(T0).not_valid_after(T1))

def leaf_exts(b, pub, issuer_key, san, aki=True):
    b = (b.add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
          .add_extension(x509.KeyUsage(True, False, False, False, False, False, False, False, False), critical=True)
          .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
          .add_extension(x509.SubjectKeyIdentifier.from_public_key(pub), critical=False))
    if san:
        b = b.add_extension(x509.SubjectAlternativeName([x509.DNSName(san)]), critical=False)
    if aki:
        b = b.add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key()), critical=False)
    return b

def der_len(n):
    if n < 0x80:
        return bytes([n])
    b = n.to_bytes((n.bit_length() + 7) // 8, 'big')
    return bytes([0x80 | len(b)]) + b

def tlv(tag, content):
    return bytes([tag]) + der_len(len(content)) + content

ECDSA_SHA256 = bytes.fromhex('300a06082a8648ce3d040302')

def resign_renamed(cert, issuer_key, placeholder_oid, real_oid):
    """The certificate with the placeholder extension OID renamed in the TBS, signed again."""
    tbs = cert.tbs_certificate_bytes
    old = bytes.fromhex('0603') + placeholder_oid
    new = bytes.fromhex('0603') + real_oid
    assert tbs.count(old) == 1
    tbs = tbs.replace(old, new)
    sig = issuer_key.sign(tbs, ec.ECDSA(hashes.SHA256()))
    return tlv(0x30, tbs + ECDSA_SHA256 + tlv(0x03, b'\x00' + sig))

PLACEHOLDER = bytes.fromhex('551d63')  # 2.5.29.99, same length as the real extension OIDs below
SAN_OID = bytes.fromhex('551d11')      # 2.5.29.17
BC_OID = bytes.fromhex('551d13')       # 2.5.29.19

# §7.1: the leaf names its issuer (PrintableString "GB" / "TLSW Test" / "VC Name Match Root") in UTF8String,
# other letter case and extra spaces; without AKI (names alone chain it), and with AKI.
rk, rc = load('nmRoot')
issuer = name((NameOID.COUNTRY_NAME, 'GB', P), (NameOID.ORGANIZATION_NAME, 'tlsw   TEST', U),
              (NameOID.COMMON_NAME, ' vc  NAME match ROOT ', U))
for nm, aki in (('nmLeaf', False), ('nmLeafAki', True)):
    k = ec.generate_private_key(ec.SECP256R1())
    subj = name((NameOID.COUNTRY_NAME, 'GB', P), (NameOID.ORGANIZATION_NAME, 'TLSW Test', U),
                (NameOID.COMMON_NAME, 'VC Name Match Leaf' + (' AKI' if aki else ''), U))
    c = leaf_exts(builder(subj, issuer, k.public_key()), k.public_key(), rk, 'nm.example.com', aki).sign(rk, hashes.SHA256())
    save(nm, k, c.public_bytes(serialization.Encoding.DER))

# Duplicate subjectAltName on a leaf under int2: DNS:www.example.com, then DNS:www.evil.test
ik, ic = load('int2')
k = ec.generate_private_key(ec.SECP256R1())
subj = name((NameOID.COUNTRY_NAME, 'GB', P), (NameOID.ORGANIZATION_NAME, 'TLSW Test', U), (NameOID.COMMON_NAME, 'VC Duplicate SAN Leaf', U))
evil = tlv(0x30, tlv(0x82, b'www.evil.test'))
b = leaf_exts(builder(subj, ic.subject, k.public_key()), k.public_key(), ik, 'www.example.com')
b = b.add_extension(x509.UnrecognizedExtension(x509.ObjectIdentifier('2.5.29.99'), evil), critical=False)
save('dupLeaf', k, resign_renamed(b.sign(ik, hashes.SHA256()), ik, PLACEHOLDER, SAN_OID))

# Duplicate basicConstraints on an intermediate under int1: CA:TRUE, then CA:FALSE; and a leaf under it
ik, ic = load('int1')
k = ec.generate_private_key(ec.SECP256R1())
subj = name((NameOID.COUNTRY_NAME, 'GB', P), (NameOID.ORGANIZATION_NAME, 'TLSW Test', U), (NameOID.COMMON_NAME, 'VC Duplicate BC Int', U))
b = (builder(subj, ic.subject, k.public_key())
     .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
     .add_extension(x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True)
     .add_extension(x509.SubjectKeyIdentifier.from_public_key(k.public_key()), critical=False)
     .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ik.public_key()), critical=False)
     .add_extension(x509.UnrecognizedExtension(x509.ObjectIdentifier('2.5.29.99'), bytes.fromhex('3000')), critical=True))
dup_int = resign_renamed(b.sign(ik, hashes.SHA256()), ik, PLACEHOLDER, BC_OID)
save('dupInt', k, dup_int)
lk = ec.generate_private_key(ec.SECP256R1())
lsubj = name((NameOID.COUNTRY_NAME, 'GB', P), (NameOID.ORGANIZATION_NAME, 'TLSW Test', U), (NameOID.COMMON_NAME, 'VC Leaf Under Duplicate BC Int', U))
c = leaf_exts(builder(lsubj, subj, lk.public_key()), lk.public_key(), k, 'www.example.com').sign(k, hashes.SHA256())
save('leafUnderDupInt', lk, c.public_bytes(serialization.Encoding.DER))
`;

const CA_CNF = (dbDir: string): string => `[ca]
default_ca = d
[d]
dir = ${dbDir}
database = $dir/index.txt
new_certs_dir = $dir
serial = $dir/serial
crlnumber = $dir/crlnumber
default_md = default
policy = pol
unique_subject = no
default_days = 365
default_crl_days = 30
[pol]
commonName = optional
[crl_ext]
authorityKeyIdentifier = keyid:always
[crl_crit]
authorityKeyIdentifier = keyid:always
1.3.6.1.4.1.55555.3 = critical,DER:05:00
`;

class Pki {
  readonly made = new Map<string, Promise<void>>();
  private dbs = 0;
  constructor(readonly dir: string) {
    writeFileSync(this.path('req-utf8.cnf'), '[req]\ndistinguished_name = dn\nstring_mask = utf8only\n[dn]\n');
    writeFileSync(this.path('req-printable.cnf'), '[req]\ndistinguished_name = dn\nstring_mask = nombstr\n[dn]\n');
  }

  path(name: string): string {
    return `${this.dir}/${name}`;
  }
  crt(name: string): string {
    return this.path(`${name}.crt`);
  }
  key(name: string): string {
    return this.path(`${name}.key`);
  }

  /** A fresh `openssl ca` database (index, serial, crlnumber, config); returns the config's path. */
  newDb(): string {
    const db = this.path(`db${++this.dbs}`);
    mkdirSync(db);
    writeFileSync(`${db}/index.txt`, '');
    writeFileSync(`${db}/serial`, `${(randomBytes(8)[0] & 0x3f | 0x10).toString(16)}${randomBytes(7).toString('hex')}\n`.toUpperCase());
    writeFileSync(`${db}/crlnumber`, '1000\n');
    writeFileSync(`${db}/ca.cnf`, CA_CNF(db));
    return `${db}/ca.cnf`;
  }

  /** Makes (once) the fixture `name` of SPECS, after its issuer. */
  make(name: string): Promise<void> {
    let p = this.made.get(name);
    if (!p) {
      p = this.build(name);
      this.made.set(name, p);
    }
    return p;
  }

  private async build(name: string): Promise<void> {
    const s = SPECS[name];
    assert.ok(s, `no fixture ${name}`);
    if (s.issuer) await this.make(s.issuer);
    if (s.keyOf) await this.make(s.keyOf);
    const ext = this.path(`${name}.ext`);
    writeFileSync(ext, `[x]\n${s.ext}${s.sections ?? ''}`);
    const csr = this.path(`${name}.csr`);
    const newKey = { rsa: ['-newkey', 'rsa:2048'], ed25519: ['-newkey', 'ed25519'], ec: ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256'] }[s.alg ?? 'ec'];
    if (s.keyOf) copyFileSync(this.key(s.keyOf), this.key(name));
    await must('openssl', [
      'req', '-new', '-config', this.path(s.printable ? 'req-printable.cnf' : 'req-utf8.cnf'),
      ...(s.keyOf ? ['-key', this.key(name)] : [...newKey, '-nodes', '-keyout', this.key(name)]), '-subj', s.subject, '-out', csr,
    ], this.dir);
    const signer = s.issuer ? ['-cert', this.crt(s.issuer), '-keyfile', this.key(s.issuer)] : ['-selfsign', '-keyfile', this.key(name)];
    await must('openssl', [
      'ca', '-batch', '-config', this.newDb(), '-notext', '-preserveDN', ...signer, '-in', csr,
      ...(s.sigopts ?? []).flatMap((o) => ['-sigopt', o]),
      '-startdate', s.start ?? START, '-enddate', s.end ?? END, '-extfile', ext, '-extensions', 'x', '-out', this.crt(name),
    ], this.dir);
  }

  /** `openssl ca -gencrl` for `ca` (signed with `keyOf`'s key), in the database `cnf` (a fresh one by default). */
  async crl(out: string, ca: string, o: { cnf?: string; last?: string; next?: string; aki?: boolean; exts?: string } = {}): Promise<void> {
    await must('openssl', [
      'ca', '-gencrl', '-config', o.cnf ?? this.newDb(), '-cert', this.crt(ca), '-keyfile', this.key(ca),
      '-crl_lastupdate', o.last ?? CRL_LAST, '-crl_nextupdate', o.next ?? CRL_NEXT,
      ...(o.aki === false ? [] : ['-crlexts', o.exts ?? 'crl_ext']), '-out', this.path(out),
    ], this.dir);
  }

  /** Concatenation of files (bundles: leaf + extras; several CRLs for openssl's single -CRLfile). */
  bundle(out: string, parts: string[]): string {
    writeFileSync(this.path(out), parts.map((p) => readFileSync(p.includes('/') ? p : this.crt(p), 'utf8')).join(''));
    return this.path(out);
  }

  /** A byte-patched copy of an openssl-made certificate. */
  patch(out: string, from: string, fn: (der: Buffer) => void): void {
    const der = derOf(readFileSync(this.crt(from), 'utf8'));
    fn(der);
    writeFileSync(this.crt(out), pemOf(der));
  }
}

async function makeFixtures(pki: Pki): Promise<void> {
  await Promise.all(Object.keys(SPECS).map((n) => pki.make(n)));

  // Python cryptography: §7.1 name matching, duplicate extensions
  await must(PYTHON, ['-c', PY_SCRIPT, pki.dir], pki.dir);
  for (const n of PY_MADE) assert.ok(readFileSync(pki.crt(n), 'utf8').includes('BEGIN CERTIFICATE'), n);

  // CRLs: `openssl ca -revoke` into a database of the issuer, the revocation date fixed there, then -gencrl
  const revoke = async (name: keyof typeof REVOCATIONS): Promise<void> => {
    const r = REVOCATIONS[name];
    const db = pki.newDb();
    await must('openssl', ['ca', '-config', db, '-revoke', pki.crt(name), '-crl_reason', r.reason, '-cert', pki.crt(r.by), '-keyfile', pki.key(r.by)], pki.dir);
    const index = db.replace(/ca\.cnf$/, 'index.txt');
    const rows = readFileSync(index, 'utf8');
    const re = new RegExp(`^(R\t\\S+\t)\\d{12}Z,(${r.reason}\t${serialOf(pki.crt(name)).toUpperCase()}\t)`, 'm');
    assert.match(rows, re, `unexpected index.txt after -revoke:\n${rows}`);
    writeFileSync(index, rows.replace(re, `$1${r.at},$2`));
    await pki.crl(r.crl, r.by, { cnf: db });
  };
  await Promise.all([
    revoke('leafRevoked'),
    revoke('int2'),
    pki.crl('int2-expired.crl', 'int2', { last: '20300101000000Z', next: '20300201000000Z' }),
    pki.crl('int2-future.crl', 'int2', { last: '20300701000000Z', next: '20300801000000Z' }),
    pki.crl('int2-forged.crl', 'fakeInt2', { aki: false }), // int2's name, another key
    pki.crl('int1.crl', 'int1'),
    pki.crl('root.crl', 'root'),
    pki.crl('int2-critext.crl', 'int2', { exts: 'crl_crit' }),
    pki.crl('noCrlSign.crl', 'intNoCrlSign'),
  ]);

  // Byte patches of openssl-made certificates
  pki.patch('leafTampered', 'leaf', (der) => {
    const serial = certParts(der).tbsFields[1];
    assert.equal(serial.tag, 0x02);
    der[serial.end - 1] ^= 0x01; // last byte of the serial number: the TBS no longer matches the signature
  });
  pki.patch('int2Tampered', 'int2', (der) => {
    const serial = certParts(der).tbsFields[1];
    der[serial.end - 1] ^= 0x01;
  });
  pki.patch('leafOuterAlg', 'leaf', (der) => {
    // outer signatureAlgorithm ecdsa-with-SHA256 (1.2.840.10045.4.3.2) → ecdsa-with-SHA384 (…4.3.3); TBS one untouched
    const { sigAlg } = certParts(der);
    const oid = tlvAt(der, sigAlg.start + sigAlg.hdr);
    assert.equal(der.subarray(oid.start, oid.end).toString('hex'), '06082a8648ce3d040302');
    der[oid.end - 1] = 0x03;
  });
  pki.patch('rsaLeafOuterAlg', 'rsaLeaf', (der) => {
    // outer sha256WithRSAEncryption (1.2.840.113549.1.1.11) → sha384WithRSAEncryption (…1.1.12)
    const { sigAlg } = certParts(der);
    const oid = tlvAt(der, sigAlg.start + sigAlg.hdr);
    assert.equal(der.subarray(oid.start, oid.end).toString('hex'), '06092a864886f70d01010b');
    der[oid.end - 1] = 0x0c;
  });
  pki.patch('leafUnusedBits', 'leaf', (der) => {
    // signature BIT STRING: unused-bits octet 0 → n (n = trailing zero bits of the last octet when there are any,
    // so that the signature octets themselves are unchanged and only the count is wrong; else 1)
    const { sig } = certParts(der);
    const first = sig.start + sig.hdr;
    assert.equal(der[first], 0);
    const last = der[sig.end - 1];
    let tz = 0;
    while (tz < 7 && ((last >> tz) & 1) === 0) tz++;
    der[first] = tz > 0 ? tz : 1;
  });

  // bundles: the --cert file with extra certificates
  pki.bundle('chain.pem', ['leaf', 'int2', 'int1']);
  pki.bundle('leaf+fakeRoot.pem', ['leafByFake', 'fakeRoot']);
  pki.bundle('leafNoAki+fakeRoot.pem', ['leafByFakeNoAki', 'fakeRoot']);
  pki.bundle('leafOther+otherRoot.pem', ['leafOther', 'otherRoot']);
  pki.bundle('chain+fakeRoot.pem', ['leaf', 'int2', 'int1', 'fakeRoot']);
  pki.bundle('roots.pem', ['otherRoot', 'root']);
}

// ---------------------------------------------------------------------------------------------------------------
// Cases

/** What openssl must say about a failing case (proves the fixture has the defect it was made to have). */
interface OpensslExpect {
  /** The X509_V_ERR number openssl reports… */
  num: number;
  /** …at this depth (default: the depth tlsw must report). */
  depth?: number;
  /** Something else openssl must print (why it failed). */
  also?: RegExp;
  /** Set when openssl's number does not correspond to tlsw's code: why that is right. */
  differs?: string;
}

type Expect =
  /** Valid. `openssl` when openssl (3.0) rejects it all the same: what it says, and why tlsw is right to accept. */
  | { ok: true; openssl?: OpensslExpect & { differs: string } }
  | {
      ok: false;
      /** tlsw's code… */
      code: string;
      /** …at the depth of the failing certificate (0 = leaf). */
      depth: number;
      /** CN of the failing certificate: the message must name it. */
      who: string;
      openssl: OpensslExpect;
      /** cert_revoked: which revocation (its serial, date and reason must be in the message). */
      revoked?: keyof typeof REVOCATIONS;
      /** Another account of the same failure tlsw may give instead (code, depth, CN named). */
      alsoAccept?: { code: string; depth: number; who: string }[];
    };

interface Case {
  title: string;
  /** --cert file (fixture name or path); extra certificates in it are untrusted intermediates. */
  cert: string;
  untrusted?: string[];
  ca: string[];
  crls?: string[];
  crlCheck?: 'none' | 'leaf' | 'all';
  purpose?: 'server' | 'client' | 'any';
  host?: string;
  ip?: string;
  now?: string;
  expect: Expect;
}

const INTS = ['int2', 'int1'];
const fail = (code: string, depth: number, who: string, openssl: number | OpensslExpect, more: { alsoAccept?: { code: string; depth: number; who: string }[]; revoked?: keyof typeof REVOCATIONS } = {}): Expect => ({
  ok: false, code, depth, who, openssl: typeof openssl === 'number' ? { num: openssl } : openssl, ...more,
});

/** OpenSSL 3.0 marks a certificate with a duplicate extension invalid while caching its extensions, so that it is no
 *  one's issuer and has none itself: "unable to get local issuer certificate" for the leaf below it. */
const DUP_OPENSSL: OpensslExpect = {
  num: 20,
  depth: 0,
  also: /ossl_x509v3_cache_extensions:invalid certificate/,
  differs: 'openssl refuses the certificate while caching its extensions and then finds no issuer',
};

const CASES: Case[] = [
  // control
  { title: 'valid 4-deep chain root→int1→int2→leaf (intermediates via --untrusted)', cert: 'leaf', untrusted: INTS, ca: ['root'], expect: { ok: true } },
  { title: 'valid 4-deep chain, intermediates in the --cert file', cert: 'chain.pem', ca: ['root'], expect: { ok: true } },
  { title: 'valid chain with --purpose server --host matching a SAN', cert: 'leaf', untrusted: INTS, ca: ['root'], purpose: 'server', host: 'www.example.com', expect: { ok: true } },
  { title: 'valid chain with --ip matching an IPv4 SAN', cert: 'leaf', untrusted: INTS, ca: ['root'], ip: '192.0.2.10', expect: { ok: true } },
  { title: 'valid chain with --ip matching an IPv6 SAN written differently', cert: 'leaf', untrusted: INTS, ca: ['root'], ip: '2001:db8:0:0::10', expect: { ok: true } },
  { title: 'valid chain: a self-signed look-alike of the root in the --cert file does not spoil a real path', cert: 'chain+fakeRoot.pem', ca: ['root'], expect: { ok: true } },

  { title: 'valid chain: two --ca options (another root first)', cert: 'leaf', untrusted: INTS, ca: ['otherRoot', 'root'], expect: { ok: true } },
  { title: 'valid chain: a --ca bundle of two roots', cert: 'leaf', untrusted: INTS, ca: ['roots.pem'], expect: { ok: true } },
  { title: 'valid chain signed with RSA-PSS (openssl ca -sigopt rsa_padding_mode:pss)', cert: 'pssLeaf', ca: ['rsaRoot'], expect: { ok: true } },
  { title: 'valid chain signed with Ed25519', cert: 'edLeaf', ca: ['edRoot'], expect: { ok: true } },
  { title: 'a self-signed leaf given as its own --ca is trusted', cert: 'selfLeaf', ca: ['selfLeaf'], expect: { ok: true } },

  // path building among several candidate issuers
  { title: 'path building: an expired twin of int2 (same name, same key) listed first; the valid one is used', cert: 'leaf', untrusted: ['int2Old', 'int2', 'int1'], ca: ['root'], expect: { ok: true } },
  // OpenSSL takes the first untrusted certificate that names the issuer and does not go back to try the others;
  // RFC 4158 path building (and issue 11: "build every candidate path") finds the valid path
  {
    title: 'path building: int1 cross-signed by another root listed first, --ca root (openssl gives up)',
    cert: 'leaf', untrusted: ['int2', 'int1x', 'int1'], ca: ['root'],
    expect: { ok: true, openssl: { num: 20, depth: 2, differs: 'openssl does not backtrack from the cross-certificate' } },
  },
  {
    title: 'path building: the same, --ca the other root (through the cross-certificate; openssl gives up)',
    cert: 'leaf', untrusted: ['int2', 'int1', 'int1x'], ca: ['otherRoot'],
    expect: { ok: true, openssl: { num: 20, depth: 2, differs: 'openssl does not backtrack from the first int1' } },
  },
  { title: 'path building: cross-certificate listed last, --ca root', cert: 'leaf', untrusted: ['int2', 'int1', 'int1x'], ca: ['root'], expect: { ok: true } },
  { title: 'an intermediate as --ca is not a complete path (openssl without -partial_chain)', cert: 'leaf', ca: ['int2'], expect: fail('unable_to_get_issuer_cert', 1, 'VC Int 2', 2) },
  { title: 'an authorityKeyIdentifier naming another key: openssl finds no issuer', cert: 'leafBadAki', untrusted: INTS, ca: ['root'], expect: fail('unable_to_get_issuer_cert', 0, 'VC Leaf With Wrong AKI', 20) },

  // smuggled roots
  {
    title: 'SMUGGLED ROOT: leaf + a self-signed fake root (same name as the real root, other key) that signed it',
    cert: 'leaf+fakeRoot.pem', ca: ['root'],
    expect: fail('self_signed_cert_in_chain', 1, 'VC Root', 19),
  },
  {
    title: 'SMUGGLED ROOT: the same without AKI in the leaf (only names link it to the real root)',
    cert: 'leafNoAki+fakeRoot.pem', ca: ['root'],
    // names alone make both roots candidate issuers: the fake one (openssl's account) or the real one, whose key
    // does not verify the leaf's signature — either account is right
    expect: fail('self_signed_cert_in_chain', 1, 'VC Root', 19, { alsoAccept: [{ code: 'cert_signature_failure', depth: 0, who: 'VC Fake-Issued Leaf Without AKI' }] }),
  },
  {
    title: 'SMUGGLED ROOT: leaf + its genuine (unrelated) root in the --cert file, --ca another root',
    cert: 'leafOther+otherRoot.pem', ca: ['root'],
    expect: fail('self_signed_cert_in_chain', 1, 'VC Other Root', 19),
  },
  {
    title: 'SMUGGLED ROOT: the fake root given with --untrusted is still no anchor',
    cert: 'leafByFake', untrusted: ['fakeRoot'], ca: ['root'],
    expect: fail('self_signed_cert_in_chain', 1, 'VC Root', 19),
  },

  // chain building
  { title: 'unable_to_get_issuer_cert: missing intermediate', cert: 'leaf', untrusted: ['int1'], ca: ['root'], expect: fail('unable_to_get_issuer_cert', 0, 'VC Leaf', 20) },
  { title: 'unable_to_get_issuer_cert: --system does not know a private root', cert: 'chain.pem', ca: [], expect: fail('unable_to_get_issuer_cert', 2, 'VC Int 1', 20) },
  { title: 'depth_zero_self_signed_cert: self-signed leaf, --ca another root', cert: 'selfLeaf', ca: ['root'], expect: fail('depth_zero_self_signed_cert', 0, 'VC Self-Signed Leaf', 18) },

  // validity
  { title: 'cert_has_expired: leaf', cert: 'leafExpired', untrusted: INTS, ca: ['root'], expect: fail('cert_has_expired', 0, 'VC Expired Leaf', 10) },
  { title: 'cert_has_expired: intermediate', cert: 'leafUnderExpired', untrusted: ['intExpired', 'int1'], ca: ['root'], expect: fail('cert_has_expired', 1, 'VC Expired Int', 10) },
  { title: 'cert_not_yet_valid: leaf', cert: 'leafFuture', untrusted: INTS, ca: ['root'], expect: fail('cert_not_yet_valid', 0, 'VC Future Leaf', 9) },
  { title: 'cert_has_expired: the whole chain at --now 2036', cert: 'leaf', untrusted: INTS, ca: ['root'], now: '2036-01-01T00:00:00Z', expect: fail('cert_has_expired', 0, 'VC Leaf', 10) },
  { title: 'cert_not_yet_valid: the whole chain at --now 2024', cert: 'leaf', untrusted: INTS, ca: ['root'], now: '2024-06-01T00:00:00Z', expect: fail('cert_not_yet_valid', 0, 'VC Leaf', { num: 9, depth: 3 }) },

  // CA flags and path length
  { title: 'invalid_ca: intermediate with basicConstraints CA:FALSE', cert: 'leafUnderCaFalse', untrusted: ['intCaFalse', 'int1'], ca: ['root'], expect: fail('invalid_ca', 1, 'VC Not A CA', 79) },
  { title: 'invalid_ca: intermediate whose keyUsage lacks keyCertSign', cert: 'leafUnderNoKcs', untrusted: ['intNoKcs', 'int1'], ca: ['root'], expect: fail('invalid_ca', 1, 'VC CA Without keyCertSign', 79) },
  { title: 'invalid_ca: v3 intermediate without basicConstraints', cert: 'leafUnderNoBc', untrusted: ['intNoBc', 'int1'], ca: ['root'], expect: fail('invalid_ca', 1, 'VC CA Without basicConstraints', 79) },
  { title: 'path_length_exceeded: pathlen:0 intermediate above another CA', cert: 'leafPl', untrusted: ['plSub', 'plCa'], ca: ['root'], expect: fail('path_length_exceeded', 2, 'VC PathLen0 CA', 25) },
  { title: 'path_length_exceeded: pathlen:0 on the trust anchor (OpenSSL enforces it)', cert: 'leafPlRoot', untrusted: ['plRootSub'], ca: ['plRoot'], expect: fail('path_length_exceeded', 2, 'VC PathLen0 Root', 25) },
  { title: 'self-issued intermediate (CA key rollover) under pathlen:0: valid, not counted', cert: 'rollLeaf', untrusted: ['rollNew', 'rollOld'], ca: ['rollRoot'], expect: { ok: true } },
  { title: 'path_length_exceeded: a NOT self-issued CA under the same pathlen:0 CA', cert: 'rollSubLeaf', untrusted: ['rollSub', 'rollOld'], ca: ['rollRoot'], expect: fail('path_length_exceeded', 2, 'VC Roll CA', 25) },

  // name constraints
  { title: 'name constraints: a leaf inside every permitted subtree passes', cert: 'ncGood', untrusted: ['nc'], ca: ['root'], expect: { ok: true } },
  { title: 'permitted_violation: DNS SAN outside permitted DNS:example.com', cert: 'ncDnsOut', untrusted: ['nc'], ca: ['root'], expect: fail('permitted_violation', 0, 'VC NC DNS Outside', 47) },
  { title: 'permitted_violation: DNS www.notexample.com is not under example.com', cert: 'ncDnsSuffix', untrusted: ['nc'], ca: ['root'], expect: fail('permitted_violation', 0, 'VC NC DNS Suffix Trick', 47) },
  { title: 'excluded_violation: DNS SAN under excluded bad.example.com', cert: 'ncDnsExcl', untrusted: ['nc'], ca: ['root'], expect: fail('excluded_violation', 0, 'VC NC DNS Excluded', 48) },
  { title: 'permitted_violation: IP SAN outside 192.0.2.0/255.255.255.0', cert: 'ncIpOut', untrusted: ['nc'], ca: ['root'], expect: fail('permitted_violation', 0, 'VC NC IP Outside', 47) },
  { title: 'excluded_violation: IP SAN inside excluded 192.0.2.128/255.255.255.128', cert: 'ncIpExcl', untrusted: ['nc'], ca: ['root'], expect: fail('excluded_violation', 0, 'VC NC IP Excluded', 48) },
  { title: 'permitted_violation: IPv6 SAN outside 2001:db8::/32', cert: 'ncIp6Out', untrusted: ['nc'], ca: ['root'], expect: fail('permitted_violation', 0, 'VC NC IPv6 Outside', 47) },
  { title: 'permitted_violation: email SAN outside permitted email:example.com', cert: 'ncEmailOut', untrusted: ['nc'], ca: ['root'], expect: fail('permitted_violation', 0, 'VC NC Email Outside', 47) },
  { title: 'excluded_violation: email SAN equal to excluded blocked@example.com', cert: 'ncEmailExcl', untrusted: ['nc'], ca: ['root'], expect: fail('excluded_violation', 0, 'VC NC Email Excluded', 48) },
  { title: 'permitted_violation: subject outside permitted directoryName C=GB,O=TLSW Test', cert: 'ncDirOut', untrusted: ['nc'], ca: ['root'], expect: fail('permitted_violation', 0, 'VC NC Dir Outside', 47) },
  { title: 'excluded_violation: subject under excluded directoryName OU=Blocked', cert: 'ncDirExcl', untrusted: ['nc'], ca: ['root'], expect: fail('excluded_violation', 0, 'VC NC Dir Excluded', 48) },
  { title: 'permitted_violation: subject emailAddress (no SAN) outside email:example.com (RFC 5280 §4.2.1.10)', cert: 'ncSubjEmail', untrusted: ['nc'], ca: ['root'], expect: fail('permitted_violation', 0, 'VC NC Subject Email', 47) },
  { title: 'permitted_violation: host-name CN (no SAN) outside DNS:example.com, as OpenSSL checks it', cert: 'ncCnHost', untrusted: ['nc'], ca: ['root'], expect: fail('permitted_violation', 0, 'www.evil.test', 47) },

  { title: 'name constraints: upper-case DNS SAN and a wildcard inside example.com pass', cert: 'ncCase', untrusted: ['nc'], ca: ['root'], expect: { ok: true } },
  { title: 'name constraints: URI SAN inside permitted URI:.example.com passes', cert: 'ncUriGood', untrusted: ['nc'], ca: ['root'], expect: { ok: true } },
  { title: 'permitted_violation: URI SAN outside permitted URI:.example.com', cert: 'ncUriOut', untrusted: ['nc'], ca: ['root'], expect: fail('permitted_violation', 0, 'VC NC URI Outside', 47) },
  { title: 'permitted_violation: a sub-CA\'s subject outside the permitted directoryName', cert: 'leafUnderNcSubCaOut', untrusted: ['ncSubCaOut', 'nc'], ca: ['root'], expect: fail('permitted_violation', 1, 'VC NC Sub CA Outside', 47) },

  // critical extensions
  { title: 'unhandled_critical_extension: unknown critical OID on the leaf', cert: 'leafCrit', untrusted: INTS, ca: ['root'], expect: fail('unhandled_critical_extension', 0, 'VC Critical Leaf', 34) },
  { title: 'unhandled_critical_extension: unknown critical OID on an intermediate', cert: 'leafUnderCrit', untrusted: ['intCrit', 'int1'], ca: ['root'], expect: fail('unhandled_critical_extension', 1, 'VC Critical Int', 34) },
  { title: 'unhandled_critical_extension: unknown critical OID on the trust anchor (OpenSSL checks it)', cert: 'leafUnderRootCrit', ca: ['rootCrit'], expect: fail('unhandled_critical_extension', 1, 'VC Critical Root', 34) },

  // signatures
  { title: 'cert_signature_failure: tampered leaf (serial changed)', cert: 'leafTampered', untrusted: INTS, ca: ['root'], expect: fail('cert_signature_failure', 0, 'VC Leaf', 7) },
  { title: 'cert_signature_failure: tampered intermediate (serial changed)', cert: 'leaf', untrusted: ['int2Tampered', 'int1'], ca: ['root'], expect: fail('cert_signature_failure', 1, 'VC Int 2', 7) },
  { title: 'cert_signature_failure: outer signatureAlgorithm (ecdsa-with-SHA384) ≠ TBS signature (ecdsa-with-SHA256)', cert: 'leafOuterAlg', untrusted: INTS, ca: ['root'], expect: fail('cert_signature_failure', 0, 'VC Leaf', 7) },
  { title: 'cert_signature_failure: outer sha384WithRSAEncryption ≠ TBS sha256WithRSAEncryption', cert: 'rsaLeafOuterAlg', ca: ['rsaRoot'], expect: fail('cert_signature_failure', 0, 'VC RSA-Signed Leaf', 7) },
  { title: 'control: the unpatched RSA-signed leaf verifies', cert: 'rsaLeaf', ca: ['rsaRoot'], expect: { ok: true } },
  { title: 'cert_signature_failure: signature BIT STRING with non-zero unused bits (not "unreadable")', cert: 'leafUnusedBits', untrusted: INTS, ca: ['root'], expect: fail('cert_signature_failure', 0, 'VC Leaf', 7) },

  // duplicate extensions (Python)
  { title: 'invalid_extension: duplicate subjectAltName on the leaf', cert: 'dupLeaf', untrusted: INTS, ca: ['root'], expect: fail('invalid_extension', 0, 'VC Duplicate SAN Leaf', DUP_OPENSSL) },
  { title: 'invalid_extension: duplicate basicConstraints on an intermediate', cert: 'leafUnderDupInt', untrusted: ['dupInt', 'int1'], ca: ['root'], expect: fail('invalid_extension', 1, 'VC Duplicate BC Int', { ...DUP_OPENSSL, depth: 0 }) },

  // purpose
  { title: 'invalid_purpose: serverAuth-only leaf with --purpose client', cert: 'leaf', untrusted: INTS, ca: ['root'], purpose: 'client', expect: fail('invalid_purpose', 0, 'VC Leaf', 26) },
  { title: 'invalid_purpose: a CA with EKU clientAuth only, --purpose server', cert: 'leafUnderClientOnly', untrusted: ['intClientOnly', 'int1'], ca: ['root'], purpose: 'server', expect: fail('invalid_purpose', 1, 'VC Client-Only CA', 26) },
  { title: 'a clientAuth leaf with --purpose client passes', cert: 'leafClient', untrusted: INTS, ca: ['root'], purpose: 'client', expect: { ok: true } },
  { title: 'invalid_purpose: a leaf with anyExtendedKeyUsage only, --purpose server (OpenSSL wants serverAuth)', cert: 'leafAnyEku', untrusted: INTS, ca: ['root'], purpose: 'server', expect: fail('invalid_purpose', 0, 'VC anyExtendedKeyUsage Leaf', 26) },
  { title: 'invalid_purpose: leaf keyUsage nonRepudiation only, --purpose server', cert: 'leafKuBad', untrusted: INTS, ca: ['root'], purpose: 'server', expect: fail('invalid_purpose', 0, 'VC Non-TLS keyUsage Leaf', 26) },
  { title: 'control: the same chain with --purpose any passes', cert: 'leafUnderClientOnly', untrusted: ['intClientOnly', 'int1'], ca: ['root'], purpose: 'any', expect: { ok: true } },

  // host names and IP addresses
  { title: 'hostname_mismatch: --host not among the SANs', cert: 'leaf', untrusted: INTS, ca: ['root'], host: 'other.example.org', expect: fail('hostname_mismatch', 0, 'VC Leaf', 62) },
  { title: 'wildcard *.example.com matches a.example.com', cert: 'leafWild', untrusted: INTS, ca: ['root'], host: 'a.example.com', expect: { ok: true } },
  { title: 'hostname_mismatch: wildcard *.example.com does not match a.b.example.com', cert: 'leafWild', untrusted: INTS, ca: ['root'], host: 'a.b.example.com', expect: fail('hostname_mismatch', 0, 'VC Wildcard Leaf', 62) },
  { title: 'hostname_mismatch: wildcard *.example.com does not match example.com', cert: 'leafWild', untrusted: INTS, ca: ['root'], host: 'example.com', expect: fail('hostname_mismatch', 0, 'VC Wildcard Leaf', 62) },
  { title: 'hostname_mismatch: wildcard *.com does not match example.com', cert: 'leafStarCom', untrusted: INTS, ca: ['root'], host: 'example.com', expect: fail('hostname_mismatch', 0, 'VC Star-Dot-Com Leaf', 62) },
  { title: 'hostname_mismatch: the CN matches but the SANs do not (CN ignored when SANs exist)', cert: 'leafCnSan', untrusted: INTS, ca: ['root'], host: 'cn-only.example.com', expect: fail('hostname_mismatch', 0, 'cn-only.example.com', 62) },
  {
    title: '--host in absolute form (trailing dot) matches (OpenSSL 3.0 does not strip the dot)',
    cert: 'leaf', untrusted: INTS, ca: ['root'], host: 'www.example.com.',
    expect: { ok: true, openssl: { num: 62, differs: 'X509_check_host in OpenSSL 3.0 compares the dot; browsers and curl drop it' } },
  },
  { title: '--host is matched case-insensitively', cert: 'leaf', untrusted: INTS, ca: ['root'], host: 'WWW.Example.COM', expect: { ok: true } },
  { title: 'no SAN at all: the CN is used for --host', cert: 'leafNoSan', untrusted: INTS, ca: ['root'], host: 'nosan.example.com', expect: { ok: true } },
  { title: 'ip_address_mismatch: --ip not among the SANs', cert: 'leaf', untrusted: INTS, ca: ['root'], ip: '192.0.2.99', expect: fail('ip_address_mismatch', 0, 'VC Leaf', 64) },

  // revocation
  { title: 'CRL check of the leaf: good leaf, valid CRL', cert: 'leaf', untrusted: INTS, ca: ['root'], crls: ['int2.crl'], crlCheck: 'leaf', expect: { ok: true } },
  {
    title: 'cert_revoked: leaf revoked (keyCompromise) by openssl ca -revoke/-gencrl; message has serial, date, reason',
    cert: 'leafRevoked', untrusted: INTS, ca: ['root'], crls: ['int2.crl'], crlCheck: 'leaf',
    expect: fail('cert_revoked', 0, 'VC Revoked Leaf', 23, { revoked: 'leafRevoked' }),
  },
  {
    title: 'cert_revoked: also with --crl-check all and the CRLs of every CA',
    cert: 'leafRevoked', untrusted: INTS, ca: ['root'], crls: ['int2.crl', 'int1.crl', 'root.crl'], crlCheck: 'all',
    expect: fail('cert_revoked', 0, 'VC Revoked Leaf', 23, { revoked: 'leafRevoked' }),
  },
  { title: '--crl-check none: a revoked leaf passes when revocation is not checked', cert: 'leafRevoked', untrusted: INTS, ca: ['root'], crls: ['int2.crl'], crlCheck: 'none', expect: { ok: true } },
  { title: 'CRL check of the whole chain: every CRL given, valid', cert: 'leaf', untrusted: INTS, ca: ['root'], crls: ['int2.crl', 'int1.crl', 'root.crl'], crlCheck: 'all', expect: { ok: true } },
  {
    title: 'cert_revoked: an intermediate revoked by its issuer\'s CRL, --crl-check all',
    cert: 'leaf', untrusted: INTS, ca: ['root'], crls: ['int2.crl', 'int1-revokes-int2.crl', 'root.crl'], crlCheck: 'all',
    expect: fail('cert_revoked', 1, 'VC Int 2', 23, { revoked: 'int2' }),
  },
  { title: 'the same CRLs with --crl-check leaf: only the leaf is checked', cert: 'leaf', untrusted: INTS, ca: ['root'], crls: ['int2.crl', 'int1-revokes-int2.crl', 'root.crl'], crlCheck: 'leaf', expect: { ok: true } },
  { title: 'unhandled_critical_crl_extension: unknown critical CRL extension', cert: 'leaf', untrusted: INTS, ca: ['root'], crls: ['int2-critext.crl'], crlCheck: 'leaf', expect: fail('unhandled_critical_crl_extension', 0, 'VC Leaf', 36) },
  { title: 'keyusage_no_crl_sign: CRL signed by a CA whose keyUsage lacks cRLSign', cert: 'leafUnderNoCrlSign', untrusted: ['intNoCrlSign', 'int1'], ca: ['root'], crls: ['noCrlSign.crl'], crlCheck: 'leaf', expect: fail('keyusage_no_crl_sign', 0, 'VC Leaf Under No-cRLSign CA', 35) },
  { title: 'crl_has_expired: nextUpdate before --now', cert: 'leaf', untrusted: INTS, ca: ['root'], crls: ['int2-expired.crl'], crlCheck: 'leaf', expect: fail('crl_has_expired', 0, 'VC Leaf', 12) },
  { title: 'crl_not_yet_valid: thisUpdate after --now', cert: 'leaf', untrusted: INTS, ca: ['root'], crls: ['int2-future.crl'], crlCheck: 'leaf', expect: fail('crl_not_yet_valid', 0, 'VC Leaf', 11) },
  { title: 'crl_signature_failure: CRL signed by another key under the issuer\'s name', cert: 'leaf', untrusted: INTS, ca: ['root'], crls: ['int2-forged.crl'], crlCheck: 'leaf', expect: fail('crl_signature_failure', 0, 'VC Leaf', 8) },
  { title: 'unable_to_get_crl: --crl-check all without a CRL for the intermediates', cert: 'leaf', untrusted: INTS, ca: ['root'], crls: ['int2.crl'], crlCheck: 'all', expect: fail('unable_to_get_crl', 1, 'VC Int 2', 3) },
  { title: 'unable_to_get_crl: --crl-check leaf without any CRL', cert: 'leaf', untrusted: INTS, ca: ['root'], crls: [], crlCheck: 'leaf', expect: fail('unable_to_get_crl', 0, 'VC Leaf', 3) },

  // RFC 5280 §7.1 name matching (Python)
  { title: '§7.1: issuer in UTF8String, other case, extra spaces vs the CA\'s PrintableString subject (no AKI): OK', cert: 'nmLeaf', ca: ['nmRoot'], expect: { ok: true } },
  { title: '§7.1: the same with AKI: OK', cert: 'nmLeafAki', ca: ['nmRoot'], expect: { ok: true } },
];

// ---------------------------------------------------------------------------------------------------------------

interface Outcome {
  tlsw?: RunResult;
  tlswError?: string;
  json?: TlswJson;
  jsonError?: string;
  openssl: RunResult;
}

interface TlswJson {
  ok: boolean;
  anchored: boolean;
  chain: {
    subject: string;
    issuer: string;
    serialNumber: string;
    fingerprints: { sha1: string; sha256: string };
    anchor: boolean;
    checks: { name: string; ok: boolean; detail?: string }[];
  }[];
  errors: { depth: number; code: string; message: string }[];
}

function osslErrors(r: RunResult): { num: number; depth: number; text: string }[] {
  return [...`${r.stdout}\n${r.stderr}`.matchAll(/error (\d+) at (\d+) depth lookup: ?(.*)/g)].map((m) => ({
    num: Number(m[1]),
    depth: Number(m[2]),
    text: m[3].trim(),
  }));
}

function opensslOk(r: RunResult): boolean {
  return r.code === 0 && /: OK\s*$/m.test(r.stdout);
}

describe('tlsw verify: every failure code, made on purpose, with openssl verify as the referee', () => {
  const tmp = tempDir('tlsw-verify-codes-');
  const pki = new Pki(tmp.dir);
  const outcomes = new Map<string, Outcome>();
  const file = (f: string): string => (f.includes('.') ? pki.path(f) : pki.crt(f));

  before(async () => {
    await makeFixtures(pki);
    const systemStore = '/etc/ssl/certs/ca-certificates.crt';
    await Promise.all(
      CASES.map(async (c, i) => {
        const now = c.now ?? NOW;
        const cert = file(c.cert);
        const untrusted = (c.untrusted ?? []).map(file);
        const cas = c.ca.map(file);
        const crls = (c.crls ?? []).map((f) => pki.path(f));
        const args = ['verify', '--json', '--cert', cert, ...untrusted.flatMap((u) => ['--untrusted', u])];
        args.push(...(cas.length ? cas.flatMap((a) => ['--ca', a]) : ['--system']));
        if (c.crlCheck) args.push(...crls.flatMap((f) => ['--crl', f]), '--crl-check', c.crlCheck);
        if (c.purpose) args.push('--purpose', c.purpose);
        if (c.host) args.push('--host', c.host);
        if (c.ip) args.push('--ip', c.ip);
        args.push('--now', now);

        // openssl reads only the first certificate of the file it verifies: the rest go in with -untrusted
        const oargs = ['verify', '-show_chain', '-attime', String(Date.parse(now) / 1000)];
        oargs.push('-CAfile', cas.length ? (cas.length === 1 ? cas[0] : pki.bundle(`case${i}-ca.pem`, cas)) : systemStore);
        if ((readFileSync(cert, 'utf8').match(/BEGIN CERTIFICATE/g) ?? []).length > 1) oargs.push('-untrusted', cert);
        for (const u of untrusted) oargs.push('-untrusted', u);
        if (c.crlCheck && c.crlCheck !== 'none') {
          oargs.push(c.crlCheck === 'all' ? '-crl_check_all' : '-crl_check');
          if (crls.length) oargs.push('-CRLfile', crls.length === 1 ? crls[0] : pki.bundle(`case${i}.crl`, crls));
        }
        if (c.purpose && c.purpose !== 'any') oargs.push('-purpose', c.purpose === 'server' ? 'sslserver' : 'sslclient');
        if (c.host) oargs.push('-verify_hostname', c.host);
        if (c.ip) oargs.push('-verify_ip', c.ip);
        oargs.push(cert);

        const openssl = await limit(() => run('openssl', oargs, { cwd: tmp.dir }));
        const o: Outcome = { openssl };
        try {
          o.tlsw = await limit(() => tlsw(args, { cwd: tmp.dir }));
          try {
            o.json = JSON.parse(o.tlsw.stdout) as TlswJson;
          } catch (e) {
            o.jsonError = `stdout is not one JSON object (${(e as Error).message})`;
          }
        } catch (e) {
          o.tlswError = (e as Error).message;
        }
        outcomes.set(c.title, o);
      }),
    );
  });

  after(() => tmp.cleanup());

  for (const c of CASES) {
    it(c.title, () => {
      const o = outcomes.get(c.title);
      assert.ok(o, 'case did not run');
      const oerrs = osslErrors(o.openssl);
      const oOk = opensslOk(o.openssl);
      const e = c.expect;

      // 1. the fixture has the intended defect: openssl's verdict (and error number, depth) is the expected one
      if (e.ok && !e.openssl) {
        assert.ok(oOk, `fixture check: openssl should accept it:\n${describeRun(o.openssl)}`);
      } else if (e.openssl) {
        assert.ok(!oOk, `fixture check: openssl should reject it:\n${describeRun(o.openssl)}`);
        const od = e.openssl.depth ?? (e.ok ? 0 : e.depth);
        const hit = oerrs.find((x) => x.num === e.openssl?.num && x.depth === od);
        assert.ok(hit, `fixture check: openssl should report error ${e.openssl.num} at depth ${od}:\n${describeRun(o.openssl)}`);
        if (e.openssl.also) assert.match(`${o.openssl.stdout}\n${o.openssl.stderr}`, e.openssl.also, `fixture check:\n${describeRun(o.openssl)}`);
        if (!e.ok && !e.openssl.differs) assert.equal(OPENSSL_CODES[e.openssl.num], e.code, `openssl error ${e.openssl.num} corresponds to ${OPENSSL_CODES[e.openssl.num]}`);
      }

      // 2. tlsw ran, printed JSON, and its verdict and exit status agree with openssl's
      assert.ok(o.tlsw, `tlsw did not run: ${o.tlswError}`);
      const t = o.tlsw;
      assert.ok(o.json, `${o.jsonError}:\n${describeRun(t)}`);
      const j = o.json;
      const tlswSays = `${describeRun(t)}\nopenssl: ${oerrs.map((x) => `error ${x.num} at ${x.depth}: ${x.text}`).join('; ') || 'OK'}`;
      assert.equal(j.ok, e.ok, `tlsw's verdict ${e.ok === oOk ? "differs from openssl's" : 'is not the expected one'}:\n${tlswSays}`);
      assert.equal(t.code, e.ok ? 0 : 1, `exit status:\n${tlswSays}`);
      assert.ok(Array.isArray(j.chain) && Array.isArray(j.errors), `chain and errors arrays:\n${tlswSays}`);

      if (e.ok) {
        assert.deepEqual(j.errors, [], tlswSays);
        assert.equal(j.anchored, true, tlswSays);
        // the chain is openssl's -show_chain: same certificates, in order, the anchor last
        const ochain = [...o.openssl.stdout.matchAll(/^depth=(\d+): (.*)$/gm)].map((m) => m[2]);
        if (oOk) assert.equal(j.chain.length, ochain.length, `chain length vs openssl -show_chain:\n${tlswSays}`);
        j.chain.forEach((link, i) => {
          assert.equal(link.anchor, i === j.chain.length - 1, `chain[${i}].anchor:\n${tlswSays}`);
          assert.match(link.fingerprints.sha256, /^[0-9a-f]{64}$/);
          assert.ok(link.checks.every((ck) => ck.ok), `chain[${i}] has a failed check:\n${tlswSays}`);
          if (!oOk) return;
          const cn = /CN = ([^,]+?)(?: \(untrusted\))?$/.exec(ochain[i].replace(/, emailAddress = .*$/, ''))?.[1];
          assert.ok(cn && link.subject.includes(cn), `chain[${i}] ${link.subject} vs openssl ${ochain[i]}`);
          assert.equal(link.anchor, !ochain[i].endsWith('(untrusted)'), `chain[${i}] anchor vs openssl:\n${tlswSays}`);
        });
        // the leaf's fingerprints are those of the --cert file's first certificate
        const leafDer = derOf(readFileSync(file(c.cert), 'utf8'));
        assert.equal(j.chain[0].fingerprints.sha256, createHash('sha256').update(leafDer).digest('hex'));
        assert.equal(j.chain[0].fingerprints.sha1, createHash('sha1').update(leafDer).digest('hex'));
        return;
      }

      // 3. the expected code, at the failing certificate's depth, in a message that names it
      const accepted = [{ code: e.code, depth: e.depth, who: e.who }, ...(e.alsoAccept ?? [])];
      const err =
        j.errors.find((x) => accepted.some((a) => a.code === x.code && a.depth === x.depth)) ??
        j.errors.find((x) => accepted.some((a) => a.code === x.code));
      const want = accepted.map((a) => `${a.code} at depth ${a.depth}`).join(' or ');
      assert.ok(err, `tlsw should report ${want}:\n${tlswSays}`);
      const a = accepted.find((x) => x.code === err.code && x.depth === err.depth);
      assert.ok(a, `tlsw should report ${want}; it reports ${err.code} at depth ${err.depth}:\n${tlswSays}`);
      assert.ok(err.message.includes(a.who), `the message should name "${a.who}": ${err.message}`);
      if (e.revoked) {
        // serial, revocation date and reason of the revoked certificate
        const r = REVOCATIONS[e.revoked];
        const serial = serialOf(pki.crt(e.revoked));
        assert.ok(err.message.toLowerCase().replace(/[:\s]/g, '').includes(serial), `the message should carry the serial ${serial}: ${err.message}`);
        assert.ok(err.message.includes(r.iso.slice(0, 10)), `the message should carry the revocation date ${r.iso}: ${err.message}`);
        assert.match(err.message, new RegExp(r.reason, 'i'), `the message should carry the reason ${r.reason}: ${err.message}`);
      }
      const failed = j.chain[err.depth]?.checks.filter((ck) => !ck.ok) ?? [];
      assert.ok(j.chain.length === 0 || err.depth >= j.chain.length || failed.length > 0, `chain[${err.depth}] should show a failed check:\n${tlswSays}`);
    });
  }

  it('without --json: the same exit status, the failure on stderr naming the file and the certificate; --key', async () => {
    const base = ['verify', '--untrusted', pki.crt('int2'), '--untrusted', pki.crt('int1'), '--ca', pki.crt('root'), '--now', NOW];
    const [good, revoked, keyOk, keyBad] = await Promise.all([
      limit(() => tlsw([...base, '--cert', pki.crt('leaf')], { cwd: tmp.dir })),
      limit(() => tlsw([...base, '--cert', pki.crt('leafRevoked'), '--crl', pki.path('int2.crl'), '--crl-check', 'leaf'], { cwd: tmp.dir })),
      limit(() => tlsw([...base, '--cert', pki.crt('leaf'), '--key', pki.key('leaf')], { cwd: tmp.dir })),
      limit(() => tlsw([...base, '--cert', pki.crt('leaf'), '--key', pki.key('leafRevoked')], { cwd: tmp.dir })),
    ]);
    assert.equal(good.code, 0, describeRun(good));
    assert.equal(good.stderr, '', describeRun(good));
    assert.equal(revoked.code, 1, describeRun(revoked));
    assert.match(revoked.stderr, /leafRevoked\.crt/, describeRun(revoked));
    assert.match(revoked.stderr, /VC Revoked Leaf/, describeRun(revoked));
    assert.match(revoked.stderr, /revoked/i, describeRun(revoked));
    assert.doesNotMatch(revoked.stderr, /\n\s+at /, 'no stack trace');
    assert.equal(keyOk.code, 0, describeRun(keyOk));
    assert.equal(keyBad.code, 1, describeRun(keyBad));
    assert.match(keyBad.stderr, /leafRevoked\.key/, describeRun(keyBad));
  });
});
