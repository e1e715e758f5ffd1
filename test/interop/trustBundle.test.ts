// Every certificate of the system trust bundle, decoded by our engine and compared field by field with what
// the real `openssl` reports for the same certificate.

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { before, describe, it } from 'node:test';
import type { CertificateModel, Decoded } from '../../src/core/model';
import { decodeCertificate, clearSelfSignedCache } from '../../src/core/objects/x509';
import { pool, tempDir, TRUST_BUNDLE, write } from '../helpers/tools';

interface Entry {
  index: number;
  der: Buffer;
  pem: string;
  ours: Decoded<CertificateModel>;
  /** openssl x509 -serial -startdate -enddate -subject -issuer -fingerprint -sha256 -text */
  a: string;
  /** openssl dgst -sha1 of the certificate's DER */
  sha1: string;
}

/** Our own PEM splitting (the PEM module is someone else's): every CERTIFICATE block, base64-decoded. */
function splitBundle(text: string): { pem: string; der: Buffer }[] {
  const out: { pem: string; der: Buffer }[] = [];
  const re = /-----BEGIN CERTIFICATE-----\r?\n([\s\S]*?)-----END CERTIFICATE-----/g;
  for (let m = re.exec(text); m; m = re.exec(text)) out.push({ pem: m[0] + '\n', der: Buffer.from(m[1].replace(/\s+/g, ''), 'base64') });
  return out;
}

function run(args: string[], input: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile('openssl', args, { maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`openssl ${args.join(' ')}: ${stderr || err.message}`));
      else resolve(stdout);
    });
    child.stdin?.on('error', () => undefined); // `openssl dgst FILE…` may exit before reading its (empty) input: EPIPE
    child.stdin?.end(input);
  });
}


const NAMEOPT = 'esc_2253,utf8,dump_nostr,dump_der,sep_comma_plus_space,sname';
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `May  5 09:37:37 2011 GMT` → `2011-05-05T09:37:37Z`. */
function opensslDate(s: string): string {
  const m = /^(\w{3}) +(\d{1,2}) (\d{2}):(\d{2}):(\d{2}) (\d{4}) GMT$/.exec(s.trim());
  assert.ok(m, `unexpected openssl date "${s}"`);
  const mo = String(MONTHS.indexOf(m[1]) + 1).padStart(2, '0');
  return `${m[6]}-${mo}-${m[2].padStart(2, '0')}T${m[3]}:${m[4]}:${m[5]}Z`;
}

function field(out: string, re: RegExp): string | undefined {
  const m = re.exec(out);
  return m ? m[1].trim() : undefined;
}

function plainHex(colonHex: string): string {
  return colonHex.replace(/^keyid:/, '').replace(/:/g, '').toLowerCase();
}

/** The line after an extension's title in `-text` output. */
function extLine(text: string, title: string): string | undefined {
  const lines = text.split('\n');
  const i = lines.findIndex((l) => l.trim().startsWith(title));
  return i >= 0 ? lines[i + 1]?.trim() : undefined;
}

const CURVE_ALIASES: Record<string, string> = { prime256v1: 'P-256', secp384r1: 'P-384', secp521r1: 'P-521' };

describe('system trust bundle: our decoder agrees with openssl on every certificate', () => {
  let entries: Entry[] = [];
  const opts = { now: new Date(), warnDays: 30 };

  // One openssl process per certificate (x509 -fingerprint takes one digest), run in parallel, plus one
  // `openssl dgst -sha1` over all the DER files; that the SHA-256 of those files equals x509's SHA-256
  // fingerprint shows they are the very certificates openssl parsed.
  before(async () => {
    const certs = splitBundle(readFileSync(TRUST_BUNDLE, 'utf8'));
    const tmp = tempDir('tlsw-bundle-');
    try {
      const files = certs.map((c, i) => {
        const f = tmp.path(`c${i}.der`);
        write(f, c.der);
        return f;
      });
      const digests = (alg: string): Promise<string[]> =>
        run(['dgst', `-${alg}`, '-r', ...files], '').then((out) => {
          const byFile = new Map(out.trim().split('\n').map((l) => [l.slice(l.indexOf('*') + 1), l.slice(0, l.indexOf(' '))]));
          return files.map((f) => byFile.get(f) ?? '');
        });
      const [sha1s, sha256s] = await Promise.all([digests('sha1'), digests('sha256')]);
      const width = Math.max(2, cpus().length * 2);
      entries = await pool(certs.map((c, index) => ({ ...c, index })), width, async (c) => {
        const a = await run(['x509', '-noout', '-serial', '-startdate', '-enddate', '-nameopt', NAMEOPT, '-subject', '-issuer', '-fingerprint', '-sha256', '-text'], c.pem);
        assert.equal(plainHex(field(a, /^sha2?-?256 Fingerprint=(.*)$/im) ?? ''), sha256s[c.index], `#${c.index}: DER file is not the certificate`);
        return { ...c, ours: decodeCertificate(c.der, opts), a, sha1: sha1s[c.index] };
      });
    } finally {
      tmp.cleanup();
    }
  });

  /** Runs `check` on every certificate; fails listing every disagreement. */
  function everyCert(check: (e: Entry) => string | undefined): void {
    const bad = entries.map((e) => check(e)).filter((x): x is string => x !== undefined);
    assert.deepEqual(bad, [], `${bad.length} of ${entries.length} certificates disagree`);
  }

  it('finds the ~140 certificates of the bundle', () => {
    assert.ok(entries.length >= 100, `only ${entries.length} certificates in ${TRUST_BUNDLE}`);
  });

  it('serial numbers', () => {
    everyCert((e) => {
      const theirs = field(e.a, /^serial=(.*)$/m)?.toLowerCase();
      return e.ours.serialNumber === theirs ? undefined : `#${e.index}: ${e.ours.serialNumber} vs ${theirs}`;
    });
  });

  it('notBefore and notAfter', () => {
    everyCert((e) => {
      const nb = opensslDate(field(e.a, /^notBefore=(.*)$/m) ?? '');
      const na = opensslDate(field(e.a, /^notAfter=(.*)$/m) ?? '');
      return e.ours.notBefore === nb && e.ours.notAfter === na ? undefined : `#${e.index}: ${e.ours.notBefore}..${e.ours.notAfter} vs ${nb}..${na}`;
    });
  });

  it('SHA-1 and SHA-256 fingerprints', () => {
    everyCert((e) => {
      const sha1 = e.sha1;
      const sha256 = plainHex(field(e.a, /^sha2?-?256 Fingerprint=(.*)$/im) ?? '');
      assert.match(sha1, /^[0-9a-f]{40}$/);
      return e.ours.fingerprints.sha1 === sha1 && e.ours.fingerprints.sha256 === sha256 ? undefined : `#${e.index}: fingerprints differ`;
    });
  });

  it('public key algorithm, size and curve', () => {
    everyCert((e) => {
      const alg = field(e.a, /Public Key Algorithm: (.*)$/m);
      const bits = Number(field(e.a, /Public-Key: \((\d+) bit\)/));
      const k = e.ours.publicKey;
      if (alg === 'rsaEncryption' || alg === 'rsassaPss') {
        return k.algorithm === 'RSA' && k.size === bits ? undefined : `#${e.index}: ${k.algorithm}/${k.size} vs RSA/${bits}`;
      }
      if (alg === 'id-ecPublicKey') {
        const asn1 = field(e.a, /ASN1 OID: (.*)$/m) ?? '';
        const curve = CURVE_ALIASES[asn1] ?? asn1;
        return k.algorithm === 'EC' && k.size === bits && k.curve === curve ? undefined : `#${e.index}: ${k.algorithm}/${k.size}/${k.curve} vs EC/${bits}/${curve}`;
      }
      if (alg === 'ED25519') return k.algorithm === 'Ed25519' ? undefined : `#${e.index}: ${k.algorithm} vs Ed25519`;
      return `#${e.index}: openssl key algorithm ${alg} not handled by this test`;
    });
  });

  it('signature algorithm', () => {
    everyCert((e) => {
      const theirs = field(e.a, /Signature Algorithm: (.*)$/m);
      const ours = e.ours.signatureAlgorithm === 'RSASSA-PSS' ? 'rsassaPss' : e.ours.signatureAlgorithm;
      return ours === theirs ? undefined : `#${e.index}: ${ours} vs ${theirs}`;
    });
  });

  it('subject and issuer names (openssl -nameopt esc_2253,utf8,sep_comma_plus_space,sname)', () => {
    everyCert((e) => {
      // openssl joins multi-valued RDN members with " + "; we use "+" (RFC 4514).
      const subject = field(e.a, /^subject=(.*)$/m)?.replace(/ \+ /g, '+');
      const issuer = field(e.a, /^issuer=(.*)$/m)?.replace(/ \+ /g, '+');
      return e.ours.subject.text === subject && e.ours.issuer.text === issuer ? undefined : `#${e.index}: "${e.ours.subject.text}" vs "${subject}"`;
    });
  });

  it('subject and authority key identifiers', () => {
    everyCert((e) => {
      const skiLine = extLine(e.a, 'X509v3 Subject Key Identifier');
      const akiLine = extLine(e.a, 'X509v3 Authority Key Identifier');
      const ski = skiLine === undefined ? undefined : plainHex(skiLine);
      const aki = akiLine === undefined || !/^(keyid:)?[0-9A-F]{2}(:[0-9A-F]{2})*$/.test(akiLine) ? undefined : plainHex(akiLine);
      return e.ours.subjectKeyIdentifier === ski && e.ours.authorityKeyIdentifier === aki
        ? undefined
        : `#${e.index}: SKI ${e.ours.subjectKeyIdentifier} vs ${ski}, AKI ${e.ours.authorityKeyIdentifier} vs ${aki}`;
    });
    assert.ok(entries.filter((e) => e.ours.subjectKeyIdentifier).length > 100, 'most roots have an SKI');
  });

  it('basic constraints: every root is a CA', () => {
    everyCert((e) => {
      const line = extLine(e.a, 'X509v3 Basic Constraints');
      const theirs = line !== undefined && line.startsWith('CA:TRUE');
      return e.ours.isCA === theirs ? undefined : `#${e.index}: isCA ${e.ours.isCA} vs ${line}`;
    });
  });

  it('selfSigned is true for the roots whose subject equals their issuer', () => {
    clearSelfSignedCache();
    let roots = 0;
    everyCert((e) => {
      const same = field(e.a, /Issuer: (.*)$/m) === field(e.a, /Subject: (.*)$/m);
      if (same) roots++;
      return e.ours.selfSigned === same ? undefined : `#${e.index}: selfSigned ${e.ours.selfSigned}, openssl subject==issuer ${same}`;
    });
    assert.ok(roots >= 100);
  });

  it('decodes the whole bundle (all fields, fingerprints and self-signature checks), reporting the time per certificate', (t) => {
    const ders = entries.map((e) => e.der);
    const pass = (): number => {
      clearSelfSignedCache();
      const start = performance.now();
      for (const der of ders) {
        const m = decodeCertificate(der, opts);
        if (typeof m.selfSigned !== 'boolean') throw new Error('selfSigned missing');
      }
      return (performance.now() - start) / ders.length;
    };
    pass();
    const times = Array.from({ length: 5 }, pass).sort((x, y) => x - y);
    t.diagnostic(`median ${times[2].toFixed(3)} ms per certificate (cold self-signature cache)`);
    // Speed is budget 3 of `npm run bench` (ratios against openssl in the same run); here only the behaviour.
    assert.ok(times.every((x) => Number.isFinite(x) && x > 0));
  });
});
