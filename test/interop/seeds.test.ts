// Every workflow of the seed documents (../shared/seeds/000–004) run through the `tlsw` CLI and checked with the
// real tools: OpenSSL 3 (verify, req -verify, pkey/rsa -check, pkcs12 -info, x509 -text) and Java's keytool.
// Also the reverse direction: keys, CSRs, CAs and keystores made by OpenSSL, read and (re-)signed by tlsw.
// Needs a built CLI (node esbuild.js → dist/cli.js).

import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  assertOneLineFailure,
  keytool,
  mode,
  ossl,
  pemDer,
  pemLabels,
  publicKeyOf,
  reqVerify,
  run,
  secretFile,
  tlsw,
  tlswOk,
  validityDays,
  warnings,
} from '../helpers/tlsw';
import { tempDir } from '../helpers/tools';

const tmp = tempDir('tlsw-seeds-');
after(() => tmp.cleanup());

/** A fresh sub-folder of the test's temporary folder. */
function folder(name: string): string {
  const d = join(tmp.dir, name);
  mkdirSync(d, { recursive: true });
  return d;
}

/** The extensions section of `openssl x509 -text` (from "X509v3 extensions" to the signature). */
async function extensionsText(cert: string): Promise<string> {
  const text = (await ossl(['x509', '-in', cert, '-noout', '-text'])).stdout;
  const start = text.indexOf('X509v3 extensions:');
  assert.ok(start >= 0, `no extensions in ${cert}`);
  return text.slice(start, text.indexOf('Signature Algorithm:', start));
}

/** `openssl x509 -subject` (or req) with RFC 2253-ish one-line output, e.g. "C=UK, O=Any Org, CN=x". */
async function subjectOf(path: string, cmd: 'x509' | 'req' = 'x509'): Promise<string> {
  const r = await ossl([cmd, '-in', path, '-noout', '-subject', '-nameopt', 'utf8,sep_comma_plus_space']);
  return r.stdout.trim().replace(/^subject=/, '');
}

async function serialOf(cert: string): Promise<string> {
  return (await ossl(['x509', '-in', cert, '-noout', '-serial'])).stdout.trim().replace(/^serial=/, '');
}

// The seeds run side by side (most of the time is spent waiting for child processes), each one's steps in
// order since they build on each other (subtests would otherwise inherit the outer concurrency).
const SEQUENTIAL = { concurrency: 1 };

describe('seed workflows through tlsw, checked by the real tools', { concurrency: true }, () => {
  // -------------------------------------------------------------------------------------------------------------
  describe('000 Flow (IIS): self-signed certificate, its SHA-1 thumbprint for netsh certhash, a password-protected PFX export', SEQUENTIAL, () => {
    const d = folder('000');
    const at = (f: string) => join(d, f);
    const opts = { cwd: d };
    before(async () => {
      secretFile(at('pfx.pw'), 'Str0ng PFX password'); // ASCII: keytool refuses non-ASCII PKCS#12 passwords, even openssl's
      secretFile(at('utf8.pw'), 'Str0ng PFX pässwörd');
      secretFile(at('wrong.pw'), 'not the password');
      // IIS "Create Self-Signed Certificate": an RSA-2048 server certificate for the host.
      await tlswOk(['cert', '--new-key', 'rsa', '--key-out', 'flow.key', '--subject', '/CN=flowserver.corp.example', '--san', 'dns:flowserver', '-o', 'flow.crt'], opts);
    });

    it('the thumbprint tlsw reports (no separators, as netsh wants) equals openssl x509 -fingerprint -sha1 without colons', async () => {
      const json = JSON.parse((await tlswOk(['inspect', 'flow.crt', '--json'], opts)).stdout) as { kind: string; fingerprints: { sha1: string } }[];
      assert.equal(json.length, 1);
      assert.equal(json[0].kind, 'certificate');
      const ours = json[0].fingerprints.sha1;
      assert.match(ours, /^[0-9a-fA-F]{40}$/, 'forty hex digits, no dashes, colons or spaces');
      const theirs = (await ossl(['x509', '-in', 'flow.crt', '-noout', '-fingerprint', '-sha1'], opts)).stdout;
      const m = /Fingerprint=([0-9A-F:]+)/i.exec(theirs);
      assert.ok(m, theirs);
      assert.equal(ours.toUpperCase(), m[1].replace(/:/g, '').toUpperCase());
      // and the human report shows the same thumbprint, ready to paste into `netsh http add sslcert certhash=`
      const text = (await tlswOk(['inspect', 'flow.crt'], opts)).stdout;
      assert.match(text, new RegExp(`SHA-1 thumbprint:\\s+${ours}`, 'i'));
    });

    it('the certificate is self-signed, verifies against itself and serves the host (openssl verify, x509 -checkhost)', async () => {
      assert.match((await ossl(['verify', '-CAfile', 'flow.crt', 'flow.crt'], opts)).stdout, /flow\.crt: OK/);
      assert.match((await ossl(['x509', '-in', 'flow.crt', '-noout', '-checkhost', 'flowserver.corp.example'], opts)).stdout, /does match/);
      assert.match((await ossl(['x509', '-in', 'flow.crt', '-noout', '-checkhost', 'flowserver'], opts)).stdout, /does match/);
    });

    it('PFX export with a password: openssl pkcs12 -info -passin file: and keytool -list accept it; the wrong password is refused', async () => {
      const r = await tlswOk(['p12', 'export', '--cert', 'flow.crt', '--key', 'flow.key', '--password-file', 'pfx.pw', '--name', 'Flow Server', '-o', 'flow.pfx'], opts);
      assert.doesNotMatch(r.stdout + r.stderr, /Str0ng/, 'the password is not echoed');
      assert.equal(mode(at('flow.pfx')), 0o600);
      const info = await ossl(['pkcs12', '-info', '-noout', '-in', 'flow.pfx', '-passin', `file:${at('pfx.pw')}`], opts);
      const all = info.stdout + info.stderr;
      assert.match(all, /MAC: sha256/);
      assert.match(all, /AES-256-CBC/);
      assert.match(all, /Shrouded Keybag/);
      // the certificate inside is ours, byte for byte, and so is the key
      const certOut = await ossl(['pkcs12', '-in', 'flow.pfx', '-passin', `file:${at('pfx.pw')}`, '-nokeys', '-clcerts'], opts);
      assert.match(certOut.stdout, /friendlyName: Flow Server/);
      const inside = Buffer.from(/-----BEGIN CERTIFICATE-----([\s\S]*?)-----END/.exec(certOut.stdout)![1].replace(/\s+/g, ''), 'base64');
      assert.deepEqual(inside, pemDer(at('flow.crt')));
      const keyOut = await ossl(['pkcs12', '-in', 'flow.pfx', '-passin', `file:${at('pfx.pw')}`, '-nocerts', '-nodes'], opts);
      const pubInside = await ossl(['pkey', '-pubout'], { input: keyOut.stdout });
      assert.equal(pubInside.stdout, await publicKeyOf(at('flow.crt'), 'cert'));
      // Java reads it as a PKCS12 keystore with one private-key entry under the friendly name
      const kt = await keytool(['-list', '-v', '-storetype', 'PKCS12', '-keystore', 'flow.pfx', `-storepass:file`, 'pfx.pw'], opts);
      assert.match(kt.stdout, /Your keystore contains 1 entry/);
      assert.match(kt.stdout, /Alias name: flow server/i);
      assert.match(kt.stdout, /Entry type: PrivateKeyEntry/);
      const sha1 = (await ossl(['x509', '-in', 'flow.crt', '-noout', '-fingerprint', '-sha1'], opts)).stdout.split('=')[1].trim();
      assert.ok(kt.stdout.includes(sha1), 'keytool shows the same SHA-1 thumbprint');
      // the wrong password: both tools refuse
      assert.notEqual((await run('openssl', ['pkcs12', '-info', '-noout', '-in', 'flow.pfx', '-passin', `file:${at('wrong.pw')}`], opts)).code, 0);
      assert.notEqual((await run('keytool', ['-list', '-storetype', 'PKCS12', '-keystore', 'flow.pfx', '-storepass:file', 'wrong.pw'], opts)).code, 0);
    });

    it('a non-ASCII password protects both forms the way OpenSSL reads them (UTF-8 for PBES2, BMPString for legacy)', async () => {
      for (const legacy of [false, true]) {
        const out = legacy ? 'utf8-legacy.pfx' : 'utf8.pfx';
        await tlswOk(['p12', 'export', '--cert', 'flow.crt', '--key', 'flow.key', '--password-file', 'utf8.pw', ...(legacy ? ['--legacy'] : []), '-o', out], opts);
        const certOut = await ossl(['pkcs12', ...(legacy ? ['-legacy'] : []), '-in', out, '-passin', `file:${at('utf8.pw')}`, '-nokeys'], opts);
        assert.match(certOut.stdout, /BEGIN CERTIFICATE/);
        assert.notEqual((await run('openssl', ['pkcs12', ...(legacy ? ['-legacy'] : []), '-info', '-noout', '-in', out, '-passin', `file:${at('wrong.pw')}`], opts)).code, 0);
      }
    });

    it('the legacy PFX (3DES / RC2, SHA-1 MAC) for old Windows: openssl -legacy and keytool accept it', async () => {
      await tlswOk(['p12', 'export', '--cert', 'flow.crt', '--key', 'flow.key', '--password-file', 'pfx.pw', '--legacy', '--name', 'Flow Server', '-o', 'flow-legacy.pfx'], opts);
      const info = await ossl(['pkcs12', '-legacy', '-info', '-noout', '-in', 'flow-legacy.pfx', '-passin', `file:${at('pfx.pw')}`], opts);
      const all = info.stdout + info.stderr;
      assert.match(all, /MAC: sha1/);
      assert.match(all, /pbeWithSHA1And3-KeyTripleDES-CBC/);
      assert.match(all, /pbeWithSHA1And40BitRC2-CBC/);
      const kt = await keytool(['-list', '-storetype', 'PKCS12', '-keystore', 'flow-legacy.pfx', '-storepass:file', 'pfx.pw'], opts);
      assert.match(kt.stdout, /flow server, .*PrivateKeyEntry/i);
    });
  });

  // -------------------------------------------------------------------------------------------------------------
  describe('001 Flow Enterprise Server: the openssl req -x509 -nodes one-liner, SANs, a wildcard, a company CA with an intermediate', SEQUENTIAL, () => {
    const d = folder('001');
    const at = (f: string) => join(d, f);
    const opts = { cwd: d };
    const SUBJECT = '/C=US/ST=Colorado/L=Denver/O=My Company/OU=Software Engineering/CN=flow.mycompany.com/emailAddress=admin@mycompany.com';

    it('`openssl req -x509 -nodes -days 730 -newkey rsa:2048 -keyout K -out C` ≡ `tlsw cert --new-key rsa --days 730 --key-out K -o C`', async () => {
      await tlswOk(['cert', '--new-key', 'rsa', '--bits', '2048', '--days', '730', '--key-out', 'myserverkey.pem', '--subject', SUBJECT, '-o', 'myservercert.pem'], opts);
      // -nodes: the key is not encrypted; openssl reads and checks it without a passphrase
      assert.deepEqual(pemLabels(at('myserverkey.pem')), ['PRIVATE KEY']);
      assert.match((await ossl(['pkey', '-in', 'myserverkey.pem', '-check', '-noout'], opts)).stdout, /Key is valid/);
      assert.match((await ossl(['pkey', '-in', 'myserverkey.pem', '-noout', '-text'], opts)).stdout, /Private-Key: \(2048 bit/);
      assert.equal(mode(at('myserverkey.pem')), 0o600);
      // the certificate: -days, the subject the questions ask for, the key that was generated
      assert.equal(await validityDays(at('myservercert.pem')), 730);
      assert.equal(
        await subjectOf(at('myservercert.pem')),
        'C=US, ST=Colorado, L=Denver, O=My Company, OU=Software Engineering, CN=flow.mycompany.com, emailAddress=admin@mycompany.com',
      );
      assert.equal(await publicKeyOf(at('myservercert.pem'), 'cert'), await publicKeyOf(at('myserverkey.pem'), 'key'));
      const text = (await ossl(['x509', '-in', 'myservercert.pem', '-noout', '-text'], opts)).stdout;
      assert.match(text, /Version: 3/);
      assert.match(text, /Signature Algorithm: sha256WithRSAEncryption/);
      assert.match(text, /Issuer: C = US, ST = Colorado, L = Denver, O = My Company, OU = Software Engineering, CN = flow.mycompany.com/);
      assert.match((await ossl(['verify', '-CAfile', 'myservercert.pem', 'myservercert.pem'], opts)).stdout, /OK/);
      // "openssl x509 -noout -text -in <cert>": the extensions meant
      const ext = await extensionsText(at('myservercert.pem'));
      assert.match(ext, /Basic Constraints: critical\s+CA:FALSE/);
      assert.match(ext, /Key Usage: critical\s+Digital Signature, Key Encipherment\n/);
      assert.match(ext, /Extended Key Usage:\s*\n\s+TLS Web Server Authentication\n/);
      assert.match(ext, /Subject Alternative Name:\s*\n\s+DNS:flow\.mycompany\.com\n/, 'the CN is also a SAN (browsers ignore the CN)');
      assert.match(ext, /Subject Key Identifier/);
      assert.match((await ossl(['x509', '-in', 'myservercert.pem', '-noout', '-checkhost', 'flow.mycompany.com'], opts)).stdout, /does match/);
    });

    it('Subject Alternative Names: CN flow.mycompany.com + flow-analytics and developer-info apply to every name', async () => {
      await tlswOk(
        ['cert', '--new-key', 'ec', '--key-out', 'san.key', '--subject', '/CN=flow.mycompany.com', '--san', 'dns:flow-analytics.mycompany.com,dns:developer-info.mycompany.com', '-o', 'san.crt'],
        opts,
      );
      const ext = await extensionsText(at('san.crt'));
      const san = /Subject Alternative Name:\s*\n\s+(.+)\n/.exec(ext)?.[1] ?? '';
      assert.deepEqual(san.split(', ').sort(), ['DNS:developer-info.mycompany.com', 'DNS:flow-analytics.mycompany.com', 'DNS:flow.mycompany.com']);
      for (const host of ['flow.mycompany.com', 'flow-analytics.mycompany.com', 'developer-info.mycompany.com']) {
        assert.match((await ossl(['x509', '-in', 'san.crt', '-noout', '-checkhost', host], opts)).stdout, /does match/, host);
      }
      assert.match((await ossl(['x509', '-in', 'san.crt', '-noout', '-checkhost', 'other.mycompany.com'], opts)).stdout, /does NOT match/);
    });

    it('a wildcard certificate *.mycompany.com covers one label of the domain, and is not flagged', async () => {
      const r = await tlswOk(['cert', '--new-key', 'ec', '--key-out', 'wild.key', '--subject', '/O=My Company/CN=*.mycompany.com', '-o', 'wild.crt'], opts);
      assert.deepEqual(warnings(r), [], 'a one-level wildcard under a registrable domain is fine');
      const ext = await extensionsText(at('wild.crt'));
      assert.match(ext, /Subject Alternative Name:\s*\n\s+DNS:\*\.mycompany\.com\n/);
      assert.match((await ossl(['x509', '-in', 'wild.crt', '-noout', '-checkhost', 'flow.mycompany.com'], opts)).stdout, /does match/);
      assert.match((await ossl(['x509', '-in', 'wild.crt', '-noout', '-checkhost', 'a.b.mycompany.com'], opts)).stdout, /does NOT match/);
    });

    it('company-wide CA: root → intermediate → CSR → signed leaf → full-chain file; openssl verify -CAfile root -untrusted int leaf', async () => {
      // the company's root (RSA, 3072 bits by default for CAs) and an issuing intermediate on P-384
      await tlswOk(['ca', 'init', '--type', 'rsa', '--subject', '/C=US/O=My Company/CN=My Company Root CA', '--key-out', 'root.key', '-o', 'root.crt'], opts);
      await tlswOk(
        ['ca', 'init', '--parent-ca', 'root.crt', '--parent-key', 'root.key', '--type', 'ec', '--curve', 'P-384', '--subject', '/C=US/O=My Company/CN=My Company Issuing CA', '--key-out', 'int.key', '-o', 'int.crt'],
        opts,
      );
      // the server's key and CSR (what the company's request process takes), signed by the intermediate
      await tlswOk(['csr', '--new-key', 'rsa', '--key-out', 'flow.key', '--subject', SUBJECT, '--san', 'dns:flow-analytics.mycompany.com,dns:developer-info.mycompany.com', '-o', 'flow.csr'], opts);
      await reqVerify('flow.csr', opts);
      await tlswOk(['sign', '--ca', 'int.crt', '--ca-key', 'int.key', '--csr', 'flow.csr', '--profile', 'server', '--days', '365', '-o', 'flow.crt'], opts);
      // the full chain: leaf then intermediate, whatever the order given; the root stays out
      await tlswOk(['bundle', 'root.crt', 'int.crt', 'flow.crt', '-o', 'fullchain.pem'], opts);
      assert.deepEqual(pemLabels(at('fullchain.pem')), ['CERTIFICATE', 'CERTIFICATE']);
      const chainText = readFileSync(at('fullchain.pem'), 'utf8');
      assert.equal(chainText, readFileSync(at('flow.crt'), 'utf8') + readFileSync(at('int.crt'), 'utf8'));
      // the real verifier, exactly as the seed's "intermediate certificate chain file" is used
      assert.match((await ossl(['verify', '-CAfile', 'root.crt', '-untrusted', 'int.crt', 'flow.crt'], opts)).stdout, /flow\.crt: OK/);
      assert.match((await ossl(['verify', '-CAfile', 'root.crt', '-untrusted', 'fullchain.pem', '-purpose', 'sslserver', 'flow.crt'], opts)).stdout, /OK/);
      assert.match((await ossl(['verify', '-CAfile', 'root.crt', 'int.crt'], opts)).stdout, /int\.crt: OK/);
      const noInt = await run('openssl', ['verify', '-CAfile', 'root.crt', 'flow.crt'], opts);
      assert.notEqual(noInt.code, 0, 'without the intermediate the chain is incomplete');
      // and our own verifier agrees, key included
      const ours = await tlswOk(['verify', '--cert', 'fullchain.pem', '--ca', 'root.crt', '--key', 'flow.key'], opts);
      assert.match(ours.stdout, /OK/);
      assert.match(ours.stdout, /matches/);
      // openssl x509 -text: what each certificate was meant to be
      const rootText = (await ossl(['x509', '-in', 'root.crt', '-noout', '-text'], opts)).stdout;
      assert.match(rootText, /Public-Key: \(3072 bit\)/);
      assert.match(rootText, /Basic Constraints: critical\s+CA:TRUE, pathlen:1/);
      assert.match(rootText, /Key Usage: critical\s+.*Certificate Sign, CRL Sign/);
      const intText = (await ossl(['x509', '-in', 'int.crt', '-noout', '-text'], opts)).stdout;
      assert.match(intText, /Signature Algorithm: sha256WithRSAEncryption/, 'signed by the RSA root');
      assert.match(intText, /Public-Key: \(384 bit\)/);
      assert.match(intText, /Basic Constraints: critical\s+CA:TRUE, pathlen:0/);
      assert.match(intText, /Key Usage: critical\s+.*Certificate Sign, CRL Sign/);
      const leafExt = await extensionsText(at('flow.crt'));
      assert.match(leafExt, /Basic Constraints: critical\s+CA:FALSE/);
      assert.match(leafExt, /Key Usage: critical\s+Digital Signature, Key Encipherment\n/);
      assert.match(leafExt, /TLS Web Server Authentication/);
      assert.match(leafExt, /DNS:flow-analytics\.mycompany\.com/);
      assert.match(leafExt, /DNS:developer-info\.mycompany\.com/);
      assert.match(leafExt, /DNS:flow\.mycompany\.com/);
      const leafText = (await ossl(['x509', '-in', 'flow.crt', '-noout', '-text'], opts)).stdout;
      assert.match(leafText, /Signature Algorithm: ecdsa-with-SHA384/, 'a P-384 issuer signs with SHA-384');
      // AKI of each certificate = SKI of its issuer
      const ski = (t: string) => /Subject Key Identifier:\s*\n\s+([0-9A-F:]+)/.exec(t)?.[1];
      const aki = (t: string) => /Authority Key Identifier:\s*\n\s+(?:keyid:)?([0-9A-F:]+)/.exec(t)?.[1];
      assert.ok(ski(rootText) && ski(intText));
      assert.equal(aki(intText), ski(rootText));
      assert.equal(aki(leafExt), ski(intText));
    });
  });

  // -------------------------------------------------------------------------------------------------------------
  describe('002 ecFlow SSL: password-protected key (genrsa -des3), passphrase removed, CSR, self-signed CRT for 3650 days', SEQUENTIAL, () => {
    const d = folder('002');
    const at = (f: string) => join(d, f);
    const opts = { cwd: d };
    const SUBJECT = '/C=GB/O=ECMWF/CN=ecflow-server.example.int';
    before(() => {
      // server.passwd: "must contain the pass phrase used to create server.key", readable only by the server
      secretFile(at('server.passwd'), 'ecflow pass phrase');
      secretFile(at('wrong.passwd'), 'something else');
    });

    it('`openssl genrsa -des3 -out server.key` ≡ `tlsw key --type rsa --bits 2048 --passphrase-file server.passwd --legacy`; openssl rsa -check -passin accepts it', async () => {
      await tlswOk(['key', '--type', 'rsa', '--bits', '2048', '--passphrase-file', 'server.passwd', '--legacy', '-o', 'server.key'], opts);
      const pem = readFileSync(at('server.key'), 'utf8');
      assert.match(pem, /^-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: DES-EDE3-CBC,[0-9A-F]{16}\n\n/);
      assert.equal(mode(at('server.key')), 0o600);
      assert.match((await ossl(['rsa', '-in', 'server.key', '-check', '-noout', '-passin', `file:${at('server.passwd')}`], opts)).stdout, /RSA key ok/);
      assert.match((await ossl(['pkey', '-in', 'server.key', '-check', '-noout', '-passin', `file:${at('server.passwd')}`], opts)).stdout, /Key is valid/);
      const wrong = await run('openssl', ['rsa', '-in', 'server.key', '-check', '-noout', '-passin', `file:${at('wrong.passwd')}`], opts);
      assert.notEqual(wrong.code, 0, 'the key really is encrypted');
    });

    it("the seed's literal 1024 bits is refused (one line) unless --allow-weak, then openssl reads it", async () => {
      const refused = await tlsw(['key', '--type', 'rsa', '--bits', '1024', '--passphrase-file', 'server.passwd', '--legacy', '-o', 'weak.key'], opts);
      assertOneLineFailure(refused, /1024/, { secrets: ['ecflow pass phrase'] });
      assert.equal(existsSync(at('weak.key')), false);
      await tlswOk(['key', '--type', 'rsa', '--bits', '1024', '--allow-weak', '--passphrase-file', 'server.passwd', '--legacy', '-o', 'weak.key'], opts);
      assert.match((await ossl(['rsa', '-in', 'weak.key', '-check', '-noout', '-passin', `file:${at('server.passwd')}`], opts)).stdout, /RSA key ok/);
      assert.match((await ossl(['rsa', '-in', 'weak.key', '-noout', '-text', '-passin', `file:${at('server.passwd')}`], opts)).stdout, /Private-Key: \(1024 bit/);
    });

    it('`openssl rsa -in server.key.org -out server.key` (remove the password) ≡ `tlsw key passphrase --remove`: the same key, now plain', async () => {
      await tlswOk(['key', 'passphrase', 'server.key', '--remove', '--passphrase-file', 'server.passwd', '-o', 'server.nopass.key'], opts);
      assert.deepEqual(pemLabels(at('server.nopass.key')), ['RSA PRIVATE KEY'], 'the traditional form, as openssl rsa writes it');
      assert.doesNotMatch(readFileSync(at('server.nopass.key'), 'utf8'), /ENCRYPTED/);
      assert.equal(mode(at('server.nopass.key')), 0o600);
      assert.match((await ossl(['pkey', '-in', 'server.nopass.key', '-check', '-noout'], opts)).stdout, /Key is valid/);
      const theirs = await ossl(['rsa', '-in', 'server.key', '-passin', `file:${at('server.passwd')}`, '-outform', 'DER'], { cwd: d });
      const ours = await ossl(['rsa', '-in', 'server.nopass.key', '-outform', 'DER'], opts);
      assert.equal(ours.stdout, theirs.stdout, 'openssl decrypts the original to the same RSA key');
    });

    it('CSR from the key (`openssl req -new -key server.key`) and the self-signed CRT for 3650 days (`x509 -req -signkey`)', async () => {
      // from the encrypted key, with its passphrase file
      await tlswOk(['csr', '--key', 'server.key', '--passphrase-file', 'server.passwd', '--subject', SUBJECT, '-o', 'server.csr'], opts);
      await reqVerify('server.csr', opts);
      assert.equal(await subjectOf(at('server.csr'), 'req'), 'C=GB, O=ECMWF, CN=ecflow-server.example.int');
      assert.equal(await publicKeyOf(at('server.csr'), 'csr'), await publicKeyOf(at('server.key'), 'key', at('server.passwd')));
      // the self-signed certificate with the same key and subject, 10 years: long-validity lints are printed
      const r = await tlswOk(['cert', '--key', 'server.nopass.key', '--subject', SUBJECT, '--days', '3650', '-o', 'server.crt'], opts);
      assert.ok(warnings(r).some((w) => /825 days/.test(w)), r.stderr);
      assert.equal(await validityDays(at('server.crt')), 3650);
      assert.equal(await subjectOf(at('server.crt')), 'C=GB, O=ECMWF, CN=ecflow-server.example.int');
      const text = (await ossl(['x509', '-in', 'server.crt', '-noout', '-text'], opts)).stdout;
      assert.match(text, /Issuer: C = GB, O = ECMWF, CN = ecflow-server.example.int/);
      assert.equal(await publicKeyOf(at('server.crt'), 'cert'), await publicKeyOf(at('server.csr'), 'csr'));
      assert.match((await ossl(['verify', '-CAfile', 'server.crt', 'server.crt'], opts)).stdout, /OK/);
      assert.match((await ossl(['x509', '-in', 'server.crt', '-noout', '-checkhost', 'ecflow-server.example.int'], opts)).stdout, /does match/);
      // the encrypted key works the same way (server.key + server.passwd, as ecflow_server loads them)
      await tlswOk(['cert', '--key', 'server.key', '--passphrase-file', 'server.passwd', '--subject', SUBJECT, '--days', '3650', '-o', 'server2.crt'], opts);
      assert.equal(await publicKeyOf(at('server2.crt'), 'cert'), await publicKeyOf(at('server.crt'), 'cert'));
      // the key pair matches the certificate (ours and openssl's view)
      assert.match((await tlswOk(['verify', '--cert', 'server.crt', '--key', 'server.key', '--passphrase-file', 'server.passwd'], opts)).stdout, /matches/);
    });
  });

  // -------------------------------------------------------------------------------------------------------------
  describe('003 webMethods Two-Way SSL: a CA issues per-user client certificates, delivered as PKCS#12 keystores', SEQUENTIAL, () => {
    const d = folder('003');
    const at = (f: string) => join(d, f);
    const opts = { cwd: d };
    const users = [
      { name: 'alice', legacy: false },
      { name: 'bob', legacy: true },
    ];
    before(async () => {
      secretFile(at('changeit.pw'), 'changeit'); // the seed's default keystore password
      await tlswOk(['ca', 'init', '--subject', '/O=Integration Tenant/CN=Tenant Client CA', '--key-out', 'ca.key', '-o', 'ca.crt'], opts);
      await Promise.all(
        users.map(async (u) => {
          await tlswOk(['csr', '--new-key', 'rsa', '--key-out', `${u.name}.key`, '--subject', `/O=Integration Tenant/CN=${u.name}`, '--san', `email:${u.name}@example.com`, '-o', `${u.name}.csr`], opts);
          await tlswOk(['sign', '--ca', 'ca.crt', '--ca-key', 'ca.key', '--csr', `${u.name}.csr`, '--profile', 'client', '-o', `${u.name}.crt`], opts);
        }),
      );
    });

    it('each client certificate is a clientAuth leaf of the CA (openssl verify -purpose sslclient, x509 -text)', async () => {
      for (const u of users) {
        assert.match((await ossl(['verify', '-CAfile', 'ca.crt', '-purpose', 'sslclient', `${u.name}.crt`], opts)).stdout, /OK/);
        const ext = await extensionsText(at(`${u.name}.crt`));
        assert.match(ext, /Extended Key Usage:\s*\n\s+TLS Web Client Authentication\n/);
        assert.doesNotMatch(ext, /TLS Web Server Authentication/);
        assert.match(ext, /Basic Constraints: critical\s+CA:FALSE/);
        assert.match(ext, new RegExp(`email:${u.name}@example\\.com`));
        assert.equal(await subjectOf(at(`${u.name}.crt`)), `O=Integration Tenant, CN=${u.name}`);
      }
      // a client certificate is not a server certificate
      assert.notEqual((await run('openssl', ['verify', '-CAfile', 'ca.crt', '-purpose', 'sslserver', 'alice.crt'], opts)).code, 0);
    });

    it('username.p12 (modern for alice, --legacy for bob): openssl pkcs12 -info and keytool -list accept them with the chain', async () => {
      for (const u of users) {
        await tlswOk(
          ['p12', 'export', '--cert', `${u.name}.crt`, '--key', `${u.name}.key`, '--chain', 'ca.crt', '--name', u.name, '--password-file', 'changeit.pw', ...(u.legacy ? ['--legacy'] : []), '-o', `${u.name}.p12`],
          opts,
        );
        assert.equal(mode(at(`${u.name}.p12`)), 0o600);
        const info = await ossl(['pkcs12', ...(u.legacy ? ['-legacy'] : []), '-info', '-noout', '-in', `${u.name}.p12`, '-passin', `file:${at('changeit.pw')}`], opts);
        assert.match(info.stdout + info.stderr, u.legacy ? /MAC: sha1[\s\S]*pbeWithSHA1And3-KeyTripleDES-CBC/ : /MAC: sha256[\s\S]*AES-256-CBC/);
        const kt = await keytool(['-list', '-v', '-storetype', 'PKCS12', '-keystore', `${u.name}.p12`, '-storepass:file', 'changeit.pw'], opts);
        assert.match(kt.stdout, new RegExp(`Alias name: ${u.name}\\n`));
        assert.match(kt.stdout, /Entry type: PrivateKeyEntry/);
        assert.match(kt.stdout, /Certificate chain length: 2/);
        assert.match(kt.stdout, new RegExp(`Owner: CN=${u.name}, O=Integration Tenant`));
        assert.match(kt.stdout, /Owner: CN=Tenant Client CA, O=Integration Tenant/);
        // openssl extracts the same key
        const keyOut = await ossl(['pkcs12', ...(u.legacy ? ['-legacy'] : []), '-in', `${u.name}.p12`, '-passin', `file:${at('changeit.pw')}`, '-nocerts', '-nodes'], opts);
        assert.equal((await ossl(['pkey', '-pubout'], { input: keyOut.stdout })).stdout, await publicKeyOf(at(`${u.name}.key`), 'key'));
      }
    });

    it('p12 import gives back the originals: the certificate byte-identical, the same key, the CA as the chain', async () => {
      for (const u of users) {
        const out = folder(`003/imported-${u.name}`);
        await tlswOk(['p12', 'import', `${u.name}.p12`, '--password-file', 'changeit.pw', '--out-dir', out], opts);
        assert.deepEqual(readFileSync(join(out, `${u.name}.crt`)), readFileSync(at(`${u.name}.crt`)));
        assert.equal(mode(join(out, `${u.name}.key`)), 0o600);
        assert.match((await ossl(['pkey', '-in', join(out, `${u.name}.key`), '-check', '-noout'])).stdout, /Key is valid/);
        assert.equal(await publicKeyOf(join(out, `${u.name}.key`), 'key'), await publicKeyOf(at(`${u.name}.key`), 'key'));
        const original = await ossl(['pkey', '-in', at(`${u.name}.key`), '-outform', 'DER']);
        const imported = await ossl(['pkey', '-in', join(out, `${u.name}.key`), '-outform', 'DER']);
        assert.equal(imported.stdout, original.stdout, 'the same private key');
        assert.deepEqual(readFileSync(join(out, `${u.name}-chain.pem`)), readFileSync(at('ca.crt')));
        // and the imported pair still verifies
        assert.match((await ossl(['verify', '-CAfile', join(out, `${u.name}-chain.pem`), join(out, `${u.name}.crt`)])).stdout, /OK/);
      }
    });

    it('a keystore made by openssl pkcs12 -export (what a tenant admin may hand out) is imported by tlsw', async () => {
      await ossl(
        ['pkcs12', '-export', '-in', 'alice.crt', '-inkey', 'alice.key', '-certfile', 'ca.crt', '-name', 'alice-openssl', '-passout', `file:${at('changeit.pw')}`, '-out', 'alice-openssl.p12'],
        opts,
      );
      const out = folder('003/imported-openssl');
      await tlswOk(['p12', 'import', 'alice-openssl.p12', '--password-file', 'changeit.pw', '--out-dir', out], opts);
      assert.deepEqual(pemDer(join(out, 'alice-openssl.crt')), pemDer(at('alice.crt')));
      assert.equal(await publicKeyOf(join(out, 'alice-openssl.key'), 'key'), await publicKeyOf(at('alice.key'), 'key'));
      assert.deepEqual(pemDer(join(out, 'alice-openssl-chain.pem')), pemDer(at('ca.crt')));
    });
  });

  // -------------------------------------------------------------------------------------------------------------
  describe('004 Fluid Topics mTLS: an internal root CA (RSA-4096, 3650 days), per-user CSRs with OU, signing with a serial file', SEQUENTIAL, () => {
    const d = folder('004');
    const at = (f: string) => join(d, f);
    const opts = { cwd: d };
    const PREFIX = 'sftofluid-prod';
    const CA = `${PREFIX}-mtls-root-ca.pem`;
    const CAKEY = `${PREFIX}-mtls-private-key-root-ca.key`;
    const CA_SUBJECT = '/C=UK/ST=England/L=London/O=Any Org/CN=sftofluid-prod-mtls';
    const userSubject = (cn: string) => `/C=UK/ST=England/L=London/O=Any Org/OU=Any Org Engineering/CN=${cn}`;
    const users = ['johndoe', 'janedoe'];
    let firstSerial = 0n;

    before(async () => {
      mkdirSync(at('user-certificate'));
      // the one RSA-4096 generation of the interop tests, in parallel with the users' keys and CSRs
      await Promise.all([
        tlswOk(['ca', 'init', '--type', 'rsa', '--bits', '4096', '--days', '3650', '--subject', CA_SUBJECT, '--key-out', CAKEY, '-o', CA], opts),
        ...users.map((u, i) =>
          tlswOk(['csr', '--new-key', 'rsa', '--bits', '2048', '--key-out', `user-certificate/${u}.private.key`, '--subject', userSubject(i === 0 ? 'John-Doe' : 'Jane-Doe'), '-o', `user-certificate/${u}.csr`], opts),
        ),
      ]);
    });

    it('`openssl req -x509 -newkey rsa:4096 -sha256 -days 3650 -nodes -subj "$SUBJECT"` ≡ `tlsw ca init --type rsa --bits 4096 --days 3650`', async () => {
      const text = (await ossl(['x509', '-in', CA, '-noout', '-text'], opts)).stdout;
      assert.match(text, /Public-Key: \(4096 bit\)/);
      assert.match(text, /Signature Algorithm: sha256WithRSAEncryption/);
      assert.match(text, /Subject: C = UK, ST = England, L = London, O = Any Org, CN = sftofluid-prod-mtls/);
      assert.match(text, /Issuer: C = UK, ST = England, L = London, O = Any Org, CN = sftofluid-prod-mtls/);
      assert.match(text, /Basic Constraints: critical\s+CA:TRUE/);
      assert.match(text, /Key Usage: critical\s+.*Certificate Sign, CRL Sign/);
      assert.equal(await validityDays(at(CA)), 3650);
      assert.match((await ossl(['verify', '-CAfile', CA, CA], opts)).stdout, /OK/);
      // -nodes: the CA key is plain, 0600, and valid
      assert.deepEqual(pemLabels(at(CAKEY)), ['PRIVATE KEY']);
      assert.equal(mode(at(CAKEY)), 0o600);
      assert.match((await ossl(['pkey', '-in', CAKEY, '-check', '-noout'], opts)).stdout, /Key is valid/);
      assert.equal(await publicKeyOf(at(CA), 'cert'), await publicKeyOf(at(CAKEY), 'key'));
    });

    it('per-user CSRs with OU (`openssl req -new -sha256 -key … -subj "$SUBJECT"`): openssl req -verify accepts them, the OU survives', async () => {
      for (const [i, u] of users.entries()) {
        const text = await reqVerify(`user-certificate/${u}.csr`, opts);
        assert.match(text, /Signature Algorithm: sha256WithRSAEncryption/);
        assert.equal(await subjectOf(at(`user-certificate/${u}.csr`), 'req'), `C=UK, ST=England, L=London, O=Any Org, OU=Any Org Engineering, CN=${i === 0 ? 'John-Doe' : 'Jane-Doe'}`);
        assert.equal(mode(at(`user-certificate/${u}.private.key`)), 0o600);
      }
    });

    it('`openssl x509 -req -CAcreateserial … -days 730 -sha256` ≡ `tlsw sign --serial-file`: the file is created, then incremented', async () => {
      const srl = 'sftofluid-prod-mtls-root-ca.srl';
      const [john, jane] = users;
      await tlswOk(['sign', '--ca', CA, '--ca-key', CAKEY, '--csr', `user-certificate/${john}.csr`, '--profile', 'client', '--days', '730', '--serial-file', srl, '-o', `${john}.crt`], opts);
      const first = readFileSync(at(srl), 'utf8');
      assert.match(first, /^(?:[0-9A-F]{2})+\n$/, 'uppercase hex in whole octets and a newline, as openssl writes it');
      assert.equal(await serialOf(at(`${john}.crt`)), first.trim(), 'the file holds the last serial used');
      firstSerial = BigInt(`0x${first.trim()}`);
      await tlswOk(['sign', '--ca', CA, '--ca-key', CAKEY, '--csr', `user-certificate/${jane}.csr`, '--profile', 'client', '--days', '730', '--serial-file', srl, '-o', `${jane}.crt`], opts);
      const second = readFileSync(at(srl), 'utf8');
      assert.equal(BigInt(`0x${second.trim()}`), firstSerial + 1n);
      assert.equal(BigInt(`0x${await serialOf(at(`${jane}.crt`))}`), firstSerial + 1n);
      // openssl continues our file, and we continue openssl's
      await ossl(['x509', '-req', '-in', `user-certificate/${john}.csr`, '-CA', CA, '-CAkey', CAKEY, '-CAserial', srl, '-days', '730', '-sha256', '-out', 'openssl-signed.crt'], opts);
      assert.equal(BigInt(`0x${await serialOf(at('openssl-signed.crt'))}`), firstSerial + 2n);
      await tlswOk(['sign', '--ca', CA, '--ca-key', CAKEY, '--csr', `user-certificate/${john}.csr`, '--profile', 'client', '--days', '730', '--serial-file', srl, '-o', `${john}-renewed.crt`], opts);
      assert.equal(BigInt(`0x${await serialOf(at(`${john}-renewed.crt`))}`), firstSerial + 3n);
      assert.equal(readFileSync(at(srl), 'utf8'), `${(firstSerial + 3n).toString(16).toUpperCase().padStart(first.trim().length, '0')}\n`);
    });

    it('the signed CRTs verify against the CA (openssl verify -purpose sslclient) with the subject, 730 days and clientAuth', async () => {
      for (const [i, u] of users.entries()) {
        assert.match((await ossl(['verify', '-CAfile', CA, '-purpose', 'sslclient', `${u}.crt`], opts)).stdout, new RegExp(`${u}\\.crt: OK`));
        assert.equal(await validityDays(at(`${u}.crt`)), 730);
        assert.equal(await subjectOf(at(`${u}.crt`)), `C=UK, ST=England, L=London, O=Any Org, OU=Any Org Engineering, CN=${i === 0 ? 'John-Doe' : 'Jane-Doe'}`);
        const text = (await ossl(['x509', '-in', `${u}.crt`, '-noout', '-text'], opts)).stdout;
        assert.match(text, /Signature Algorithm: sha256WithRSAEncryption/);
        assert.match(text, /TLS Web Client Authentication/);
        assert.match(text, /Issuer: C = UK, ST = England, L = London, O = Any Org, CN = sftofluid-prod-mtls/);
        // "pair the .crt file with a personal private key"
        assert.equal(await publicKeyOf(at(`${u}.crt`), 'cert'), await publicKeyOf(at(`user-certificate/${u}.private.key`), 'key'));
      }
      assert.match((await ossl(['verify', '-CAfile', CA, 'openssl-signed.crt', 'johndoe-renewed.crt'], opts)).stdout, /johndoe-renewed\.crt: OK/);
    });

    it("the seed's exact user commands (openssl genrsa 2048 + openssl req -new -sha256) give a CSR tlsw signs, from a fresh -CAcreateserial file", async () => {
      await ossl(['genrsa', '-out', 'user-certificate/alex.private.key', '2048'], opts);
      await ossl(['req', '-new', '-sha256', '-key', 'user-certificate/alex.private.key', '-subj', userSubject('Alex-Smith'), '-out', 'user-certificate/alex.csr'], opts);
      // a serial file started by openssl itself
      await ossl(['x509', '-req', '-CAcreateserial', '-CAserial', 'openssl.srl', '-in', 'user-certificate/alex.csr', '-CA', CA, '-CAkey', CAKEY, '-out', 'alex-openssl.crt', '-days', '730', '-sha256'], opts);
      const started = BigInt(`0x${readFileSync(at('openssl.srl'), 'utf8').trim()}`);
      await tlswOk(['sign', '--ca', CA, '--ca-key', CAKEY, '--csr', 'user-certificate/alex.csr', '--profile', 'client', '--days', '730', '--serial-file', 'openssl.srl', '-o', 'alex.crt'], opts);
      assert.equal(BigInt(`0x${await serialOf(at('alex.crt'))}`), started + 1n);
      assert.match((await ossl(['verify', '-CAfile', CA, 'alex.crt'], opts)).stdout, /OK/);
      assert.equal(await subjectOf(at('alex.crt')), await subjectOf(at('alex-openssl.crt')), 'the same subject openssl copies');
    });
  });

  // -------------------------------------------------------------------------------------------------------------
  describe('reverse direction: keys, CSRs and CAs made by OpenSSL are read and signed by tlsw', SEQUENTIAL, () => {
    const d = folder('reverse');
    const at = (f: string) => join(d, f);
    const opts = { cwd: d };
    const pw = () => at('pw');
    const keys: { file: string; gen: string[]; encrypted: boolean; sig: RegExp }[] = [
      { file: 'rsa.key', gen: ['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', 'rsa.key'], encrypted: false, sig: /sha256WithRSAEncryption/ },
      { file: 'p256.key', gen: ['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', 'p256.key'], encrypted: false, sig: /ecdsa-with-SHA256/ },
      { file: 'p384.key', gen: ['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-384', '-out', 'p384.key'], encrypted: false, sig: /ecdsa-with-SHA384/ },
      { file: 'ed25519.key', gen: ['genpkey', '-algorithm', 'ED25519', '-out', 'ed25519.key'], encrypted: false, sig: /ED25519/ },
      { file: 'sec1.key', gen: ['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', 'sec1.key'], encrypted: false, sig: /ecdsa-with-SHA256/ },
      { file: 'pkcs1.key', gen: ['genrsa', '-traditional', '-out', 'pkcs1.key', '2048'], encrypted: false, sig: /sha256WithRSAEncryption/ },
      { file: 'rsa-aes.key', gen: ['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-aes-256-cbc', '-pass', 'file:pw', '-out', 'rsa-aes.key'], encrypted: true, sig: /sha256WithRSAEncryption/ },
      { file: 'ec-aes.key', gen: ['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-384', '-aes-128-cbc', '-pass', 'file:pw', '-out', 'ec-aes.key'], encrypted: true, sig: /ecdsa-with-SHA384/ },
      { file: 'ed-aes.key', gen: ['genpkey', '-algorithm', 'ED25519', '-aes-256-cbc', '-pass', 'file:pw', '-out', 'ed-aes.key'], encrypted: true, sig: /ED25519/ },
      { file: 'rsa-des3.key', gen: ['genrsa', '-traditional', '-des3', '-passout', 'file:pw', '-out', 'rsa-des3.key', '2048'], encrypted: true, sig: /sha256WithRSAEncryption/ },
    ];
    before(async () => {
      secretFile(pw(), 'openssl made this');
      await Promise.all(keys.map((k) => ossl(k.gen, opts)));
      assert.match(readFileSync(at('rsa-des3.key'), 'utf8'), /Proc-Type: 4,ENCRYPTED\nDEK-Info: DES-EDE3-CBC/);
      await tlswOk(['ca', 'init', '--subject', '/CN=tlsw Root', '--key-out', 'ca.key', '-o', 'ca.crt'], opts);
    });

    it('tlsw reads every OpenSSL key (PKCS#8, PKCS#1, SEC1, encrypted PBES2 and DES-EDE3 PEM): key pub equals openssl pkey -pubout, CSRs verify', async () => {
      await Promise.all(
        keys.map(async (k) => {
          const pass = k.encrypted ? ['--passphrase-file', 'pw'] : [];
          await tlswOk(['key', 'pub', k.file, ...pass, '-o', `${k.file}.pub`], opts);
          assert.equal(readFileSync(at(`${k.file}.pub`), 'utf8'), await publicKeyOf(at(k.file), 'key', k.encrypted ? pw() : undefined), k.file);
          await tlswOk(['csr', '--key', k.file, ...pass, '--subject', `/O=Reverse/CN=${k.file}`, '-o', `${k.file}.csr`], opts);
          assert.match(await reqVerify(`${k.file}.csr`, opts), k.sig, k.file);
          if (k.encrypted) {
            // without the passphrase: a one-line refusal, nothing written
            const r = await tlsw(['key', 'pub', k.file, '-o', `${k.file}.nopass.pub`], opts);
            assertOneLineFailure(r, /encrypted/);
            assert.equal(existsSync(at(`${k.file}.nopass.pub`)), false);
          }
        }),
      );
    });

    it('CSRs made by openssl req -new (RSA, EC, Ed25519, with SANs) are signed by a tlsw CA; openssl verify accepts the result', async () => {
      const made = [
        { csr: 'o-rsa.csr', key: 'rsa.key', sans: 'DNS:rsa.example.com,IP:10.0.0.1' },
        { csr: 'o-p384.csr', key: 'p384.key', sans: 'DNS:p384.example.com,IP:2001:db8::1' },
        { csr: 'o-ed.csr', key: 'ed25519.key', sans: 'DNS:ed.example.com,email:ops@example.com' },
      ];
      for (const m of made) {
        await ossl(['req', '-new', '-key', m.key, '-subj', `/C=UK/O=Any Org/OU=Reverse/CN=${m.key}`, '-addext', `subjectAltName=${m.sans}`, '-out', m.csr], opts);
        await tlswOk(['sign', '--ca', 'ca.crt', '--ca-key', 'ca.key', '--csr', m.csr, '--profile', 'server+client', '--days', '90', '-o', `${m.csr}.crt`], opts);
        assert.match((await ossl(['verify', '-CAfile', 'ca.crt', '-purpose', 'sslserver', `${m.csr}.crt`], opts)).stdout, /OK/, m.csr);
        assert.match((await ossl(['verify', '-CAfile', 'ca.crt', '-purpose', 'sslclient', `${m.csr}.crt`], opts)).stdout, /OK/, m.csr);
        assert.equal(await subjectOf(at(`${m.csr}.crt`)), `C=UK, O=Any Org, OU=Reverse, CN=${m.key}`);
        assert.equal(await publicKeyOf(at(`${m.csr}.crt`), 'cert'), await publicKeyOf(at(m.csr), 'csr'));
        const ext = await extensionsText(at(`${m.csr}.crt`));
        for (const s of m.sans.split(',')) {
          const [type, value] = [s.slice(0, s.indexOf(':')), s.slice(s.indexOf(':') + 1)];
          const shown = type === 'IP' ? `IP Address:${value.replace('2001:db8::1', '2001:DB8:0:0:0:0:0:1')}` : `${type}:${value}`;
          assert.ok(ext.includes(shown), `${m.csr}: ${shown} copied from the CSR\n${ext}`);
        }
        assert.match(ext, /TLS Web Server Authentication, TLS Web Client Authentication/);
      }
    });

    it('a CA made by openssl (req -x509, plain and encrypted key) signs via tlsw; openssl verify accepts, AKI = the CA SKI', async () => {
      await ossl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'oca.key', '-out', 'oca.crt', '-sha256', '-days', '3650', '-subj', '/C=UK/O=Any Org/CN=OpenSSL CA'], opts);
      await ossl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-keyout', 'oca-enc.key', '-passout', 'file:pw', '-out', 'oca-enc.crt', '-days', '3650', '-subj', '/CN=OpenSSL CA encrypted'], opts);
      await tlswOk(['sign', '--ca', 'oca.crt', '--ca-key', 'oca.key', '--csr', 'p256.key.csr', '--profile', 'server', '-o', 'by-oca.crt'], opts);
      await tlswOk(['sign', '--ca', 'oca-enc.crt', '--ca-key', 'oca-enc.key', '--ca-passphrase-file', 'pw', '--csr', 'rsa.key.csr', '--profile', 'client', '-o', 'by-oca-enc.crt'], opts);
      assert.match((await ossl(['verify', '-CAfile', 'oca.crt', 'by-oca.crt'], opts)).stdout, /OK/);
      assert.match((await ossl(['verify', '-CAfile', 'oca-enc.crt', 'by-oca-enc.crt'], opts)).stdout, /OK/);
      const caText = (await ossl(['x509', '-in', 'oca.crt', '-noout', '-text'], opts)).stdout;
      const leafText = (await ossl(['x509', '-in', 'by-oca.crt', '-noout', '-text'], opts)).stdout;
      const caSki = /Subject Key Identifier:\s*\n\s+([0-9A-F:]+)/.exec(caText)?.[1];
      assert.ok(caSki);
      assert.match(leafText, new RegExp(`Authority Key Identifier:\\s*\\n\\s+(?:keyid:)?${caSki}`));
      assert.match(leafText, /Issuer: C = UK, O = Any Org, CN = OpenSSL CA/);
      // and the openssl CA can issue a tlsw intermediate that signs leaves
      await tlswOk(['ca', 'init', '--parent-ca', 'oca.crt', '--parent-key', 'oca.key', '--subject', '/CN=tlsw Intermediate under OpenSSL', '--key-out', 'tint.key', '-o', 'tint.crt'], opts);
      await tlswOk(['sign', '--ca', 'tint.crt', '--ca-key', 'tint.key', '--csr', 'o-rsa.csr', '--profile', 'server', '-o', 'via-tint.crt'], opts);
      assert.match((await ossl(['verify', '-CAfile', 'oca.crt', '-untrusted', 'tint.crt', 'via-tint.crt'], opts)).stdout, /via-tint\.crt: OK/);
    });

    it("subjects with spaces, commas, '+', '=' and non-ASCII: tlsw and openssl -subj build the same name; signing keeps openssl's", async () => {
      const subject = '/C=DE/O=Müller & Söhne, GmbH/OU=R\\+D/CN=a=b';
      await tlswOk(['csr', '--key', 'p256.key', '--subject', subject, '-o', 'utf8-tlsw.csr'], opts);
      await ossl(['req', '-new', '-utf8', '-key', 'p256.key', '-subj', subject, '-out', 'utf8-openssl.csr'], opts);
      const rfc2253 = async (args: string[]) => (await ossl([...args, '-noout', '-subject', '-nameopt', 'RFC2253'], opts)).stdout.trim();
      const theirs = await rfc2253(['req', '-in', 'utf8-openssl.csr']);
      assert.equal(theirs, 'subject=CN=a=b,OU=R\\+D,O=M\\C3\\BCller & S\\C3\\B6hne\\, GmbH,C=DE');
      assert.equal(await rfc2253(['req', '-in', 'utf8-tlsw.csr']), theirs);
      await tlswOk(['sign', '--ca', 'ca.crt', '--ca-key', 'ca.key', '--csr', 'utf8-openssl.csr', '--profile', 'client', '-o', 'utf8.crt'], opts);
      assert.equal(await rfc2253(['x509', '-in', 'utf8.crt']), theirs);
    });

    it('PEM ↔ DER conversions of OpenSSL objects are read back by openssl unchanged', async () => {
      await tlswOk(['convert', 'oca.crt', '--to', 'der', '-o', 'oca.der'], opts);
      const der = await run('openssl', ['x509', '-in', at('oca.crt'), '-outform', 'DER', '-out', at('oca.openssl.der')]);
      assert.equal(der.code, 0, der.stderr);
      assert.deepEqual(readFileSync(at('oca.der')), readFileSync(at('oca.openssl.der')), 'the same DER openssl writes');
      await tlswOk(['convert', 'oca.der', '--to', 'pem', '-o', 'oca-again.pem'], opts);
      assert.equal(readFileSync(at('oca-again.pem'), 'utf8'), (await ossl(['x509', '-in', 'oca.crt'], opts)).stdout);
      await tlswOk(['convert', 'o-rsa.csr', '--to', 'der', '-o', 'o-rsa.csr.der'], opts);
      await reqVerify('o-rsa.csr.der', opts, 'DER');
      await tlswOk(['convert', 'sec1.key', '--to', 'der', '-o', 'sec1.der'], opts);
      assert.equal(mode(at('sec1.der')), 0o600);
      assert.match((await ossl(['pkey', '-inform', 'DER', '-in', 'sec1.der', '-check', '-noout'], opts)).stdout, /Key is valid/);
    });
  });

  // -------------------------------------------------------------------------------------------------------------
  describe('every key type × encryption: openssl pkey -check (-passin) and openssl req -verify', SEQUENTIAL, () => {
    const d = folder('keys');
    const at = (f: string) => join(d, f);
    const opts = { cwd: d };
    const types: { name: string; args: string[]; bits: RegExp; csrSig: RegExp }[] = [
      { name: 'rsa', args: ['--type', 'rsa'], bits: /Private-Key: \(2048 bit/, csrSig: /sha256WithRSAEncryption/ },
      { name: 'p256', args: ['--type', 'ec', '--curve', 'P-256'], bits: /Private-Key: \(256 bit\)[\s\S]*NIST CURVE: P-256/, csrSig: /ecdsa-with-SHA256/ },
      { name: 'p384', args: ['--type', 'ec', '--curve', 'P-384'], bits: /Private-Key: \(384 bit\)[\s\S]*NIST CURVE: P-384/, csrSig: /ecdsa-with-SHA384/ },
      { name: 'ed25519', args: ['--type', 'ed25519'], bits: /ED25519 Private-Key/, csrSig: /ED25519/ },
    ];
    const forms = [
      { name: 'plain', args: [] as string[], label: /^(PRIVATE KEY)$/ },
      { name: 'encrypted', args: ['--passphrase-file', 'pw'], label: /^ENCRYPTED PRIVATE KEY$/ },
      { name: 'legacy', args: ['--passphrase-file', 'pw', '--legacy'], label: /^(RSA|EC) PRIVATE KEY$/ },
    ];
    before(() => {
      secretFile(at('pw'), 'a key passphrase');
      secretFile(at('wrong'), 'not it');
    });

    for (const t of types) {
      it(`${t.name}: plain, encrypted (PBES2 AES-256-CBC) and legacy (DES-EDE3-CBC) keys pass openssl pkey -check; CSRs pass openssl req -verify`, async () => {
        for (const f of forms) {
          const file = `${t.name}-${f.name}.key`;
          const r = await tlsw(['key', ...t.args, ...f.args, '-o', file], opts);
          if (t.name === 'ed25519' && f.name === 'legacy') {
            // Ed25519 has no traditional PEM form to encrypt the legacy way: refused, nothing written
            assertOneLineFailure(r, /Ed25519/, { secrets: ['a key passphrase'] });
            assert.equal(existsSync(at(file)), false);
            continue;
          }
          ok(r, file);
          assert.equal(mode(at(file)), 0o600, file);
          const labels = pemLabels(at(file));
          assert.equal(labels.length, 1);
          assert.match(labels[0], f.label, file);
          const passin = f.name === 'plain' ? [] : ['-passin', `file:${at('pw')}`];
          assert.match((await ossl(['pkey', '-in', file, '-check', '-noout', ...passin], opts)).stdout, /Key is valid/, file);
          assert.match((await ossl(['pkey', '-in', file, '-noout', '-text', ...passin], opts)).stdout, t.bits, file);
          if (f.name !== 'plain') {
            assert.notEqual((await run('openssl', ['pkey', '-in', file, '-noout', '-passin', `file:${at('wrong')}`], opts)).code, 0, `${file} is really encrypted`);
          }
          if (f.name === 'encrypted') {
            const asn1 = (await ossl(['asn1parse', '-in', file], opts)).stdout;
            assert.match(asn1, /PBES2/);
            assert.match(asn1, /PBKDF2/);
            assert.match(asn1, /hmacWithSHA256/);
            assert.match(asn1, /aes-256-cbc/);
          }
          if (f.name === 'legacy') assert.match(readFileSync(at(file), 'utf8'), /Proc-Type: 4,ENCRYPTED\nDEK-Info: DES-EDE3-CBC,/);
          // a CSR from this key
          const csr = `${t.name}-${f.name}.csr`;
          await tlswOk(['csr', '--key', file, ...f.args.slice(0, 2), '--subject', `/C=UK/O=Any Org/CN=${t.name}.example.com`, '--san', `dns:${t.name}.example.com,ip:192.0.2.7`, '-o', csr], opts);
          const text = await reqVerify(csr, opts);
          assert.match(text, t.csrSig, csr);
          assert.match(text, new RegExp(`DNS:${t.name}\\.example\\.com, IP Address:192\\.0\\.2\\.7`));
          assert.equal(await publicKeyOf(at(csr), 'csr'), await publicKeyOf(at(file), 'key', f.name === 'plain' ? undefined : at('pw')));
        }
        // traditional and DER output forms (Ed25519 has only PKCS#8)
        if (t.name !== 'ed25519') {
          await tlswOk(['key', ...t.args, '--format', 'traditional', '-o', `${t.name}-trad.key`], opts);
          assert.deepEqual(pemLabels(at(`${t.name}-trad.key`)), [t.name === 'rsa' ? 'RSA PRIVATE KEY' : 'EC PRIVATE KEY']);
          assert.match((await ossl(['pkey', '-in', `${t.name}-trad.key`, '-check', '-noout'], opts)).stdout, /Key is valid/);
        }
        await tlswOk(['key', ...t.args, '--format', 'der', '-o', `${t.name}.der`], opts);
        assert.equal(mode(at(`${t.name}.der`)), 0o600);
        assert.match((await ossl(['pkey', '-inform', 'DER', '-in', `${t.name}.der`, '-check', '-noout'], opts)).stdout, /Key is valid/);
      });
    }

    it('key passphrase --add / --change / --remove round-trip: openssl accepts only the current passphrase', async () => {
      secretFile(at('new'), 'the new passphrase');
      await tlswOk(['key', 'passphrase', 'p256-plain.key', '--add', '--new-passphrase-file', 'pw', '-o', 'added.key'], opts);
      assert.match((await ossl(['pkey', '-in', 'added.key', '-check', '-noout', '-passin', `file:${at('pw')}`], opts)).stdout, /Key is valid/);
      await tlswOk(['key', 'passphrase', 'added.key', '--change', '--passphrase-file', 'pw', '--new-passphrase-file', 'new', '-o', 'changed.key'], opts);
      assert.match((await ossl(['pkey', '-in', 'changed.key', '-check', '-noout', '-passin', `file:${at('new')}`], opts)).stdout, /Key is valid/);
      assert.notEqual((await run('openssl', ['pkey', '-in', 'changed.key', '-noout', '-passin', `file:${at('pw')}`], opts)).code, 0, 'the old passphrase no longer opens it');
      await tlswOk(['key', 'passphrase', 'rsa-plain.key', '--add', '--legacy', '--new-passphrase-file', 'pw', '-o', 'added-legacy.key'], opts);
      assert.match((await ossl(['rsa', '-in', 'added-legacy.key', '-check', '-noout', '-passin', `file:${at('pw')}`], opts)).stdout, /RSA key ok/);
      await tlswOk(['key', 'passphrase', 'changed.key', '--remove', '--passphrase-file', 'new', '-o', 'removed.key'], opts);
      const a = await ossl(['pkey', '-in', 'removed.key', '-outform', 'DER'], opts);
      const b = await ossl(['pkey', '-in', 'p256-plain.key', '-outform', 'DER'], opts);
      assert.equal(a.stdout, b.stdout, 'the same key after add → change → remove');
      // key pub agrees with openssl for an encrypted key
      await tlswOk(['key', 'pub', 'changed.key', '--passphrase-file', 'new', '-o', 'changed.pub'], opts);
      assert.equal(readFileSync(at('changed.pub'), 'utf8'), await publicKeyOf(at('p256-plain.key'), 'key'));
    });
  });
});

function ok(r: { code: number; stderr: string; command: string }, what: string): void {
  assert.equal(r.code, 0, `${what}: ${r.command}\n${r.stderr}`);
}
