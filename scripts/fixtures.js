// Sample keys, CSRs, certificates and keystores, made with the product's own CLI (dist/cli.js, `tlsw`): the
// workspace of the integration and e2e tests, and the demo workspace of `npm start`.
//
//   node scripts/fixtures.js DIR [--demo]
//
// Writes DIR/fixtures.json describing what was made (file names, the PKCS#12 password, the server's subject).
// The passwords here are throwaway test/demo values, never real secrets.

'use strict';

const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const ROOT = path.resolve(__dirname, '..');
const CLI = path.join(ROOT, 'dist', 'cli.js');

const P12_PASSWORD = 'tlsw-test-password';
const KEY_PASSPHRASE = 'tlsw-test-passphrase';
const SERVER_CN = 'server.example.test';
const CA_SUBJECT = '/C=UK/O=TLS Workbench/CN=TLS Workbench Test CA';

function tlsw(dir, args) {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: dir, encoding: 'utf8' });
  if (r.status !== 0) {
    throw new Error(`tlsw ${args.join(' ')} failed (exit ${r.status ?? r.signal}): ${(r.stderr || r.stdout).trim()}`);
  }
}

/** Makes the sample files in `dir` (created if missing) and returns the manifest. */
function makeFixtures(dir, { demo = false } = {}) {
  if (!fs.existsSync(CLI)) throw new Error(`${CLI} is missing: build first (node esbuild.js)`);
  fs.mkdirSync(dir, { recursive: true });
  const secrets = fs.mkdtempSync(path.join(dir, '.secrets-'));
  const p12pw = path.join(secrets, 'p12');
  const keypw = path.join(secrets, 'key');
  fs.writeFileSync(p12pw, P12_PASSWORD, { mode: 0o600 });
  fs.writeFileSync(keypw, KEY_PASSPHRASE, { mode: 0o600 });
  try {
    tlsw(dir, ['ca', 'init', '--subject', CA_SUBJECT, '--key-out', 'ca.key', '-o', 'ca.crt', '--force']);
    tlsw(dir, ['csr', '--new-key', 'ec', '--key-out', 'server.key', '--subject', `/O=TLS Workbench/CN=${SERVER_CN}`,
      '--san', `dns:${SERVER_CN},dns:localhost,ip:127.0.0.1`, '-o', 'server.csr', '--force']);
    tlsw(dir, ['sign', '--ca', 'ca.crt', '--ca-key', 'ca.key', '--csr', 'server.csr', '--profile', 'server', '-o', 'server.crt', '--force']);
    tlsw(dir, ['convert', 'server.crt', '--to', 'der', '-o', 'server.der', '--force']);
    tlsw(dir, ['p12', 'export', '--cert', 'server.crt', '--key', 'server.key', '--chain', 'ca.crt', '--password-file', p12pw,
      '--name', 'server', '-o', 'server.p12', '--force']);
    // A certificate whose body is corrupted: the inspect command must say so, clearly.
    fs.writeFileSync(path.join(dir, 'broken.pem'), '-----BEGIN CERTIFICATE-----\nMIIBroken0000\n-----END CERTIFICATE-----\n');
    const manifest = {
      p12Password: P12_PASSWORD,
      serverCommonName: SERVER_CN,
      caSubject: CA_SUBJECT,
      files: { ca: 'ca.crt', caKey: 'ca.key', serverKey: 'server.key', csr: 'server.csr', pem: 'server.crt', der: 'server.der', p12: 'server.p12', broken: 'broken.pem' },
    };
    if (demo) {
      tlsw(dir, ['csr', '--new-key', 'ec', '--key-out', 'client.key', '--subject', '/O=TLS Workbench/CN=alice', '--san', 'email:alice@example.test',
        '-o', 'client.csr', '--force']);
      tlsw(dir, ['sign', '--ca', 'ca.crt', '--ca-key', 'ca.key', '--csr', 'client.csr', '--profile', 'client', '--days', '30', '-o', 'client.crt', '--force']);
      tlsw(dir, ['p12', 'export', '--cert', 'client.crt', '--key', 'client.key', '--chain', 'ca.crt', '--password-file', p12pw,
        '--name', 'alice', '-o', 'client.p12', '--force']);
      tlsw(dir, ['bundle', 'server.crt', 'ca.crt', '--with-root', '-o', 'fullchain.pem', '--force']);
      tlsw(dir, ['cert', '--new-key', 'rsa', '--bits', '2048', '--key-out', 'selfsigned.key', '--subject', '/CN=dev.local', '--san', 'dns:dev.local',
        '--days', '90', '-o', 'selfsigned.crt', '--force']);
      tlsw(dir, ['key', '--type', 'ec', '--passphrase-file', keypw, '-o', 'encrypted.key', '--force']);
      fs.writeFileSync(
        path.join(dir, 'README.md'),
        [
          '# TLS Workbench demo workspace',
          '',
          'Generated on first `npm start` with the `tlsw` CLI. Right-click a file in the Explorer, or run',
          '**TLS Workbench: Inspect Certificate / File** from the Command Palette (F1) with a file open.',
          '',
          '| file | what |',
          '| --- | --- |',
          '| `ca.crt`, `ca.key` | a root CA |',
          '| `server.csr`, `server.key`, `server.crt`, `server.der` | a server certificate signed by the CA (PEM and DER) |',
          `| \`server.p12\`, \`client.p12\` | PKCS#12 keystores, password \`${P12_PASSWORD}\` |`,
          '| `client.crt`, `client.key` | a client (mTLS) certificate valid for 30 days |',
          '| `fullchain.pem` | server certificate + CA |',
          '| `selfsigned.crt`, `selfsigned.key` | a self-signed RSA certificate |',
          `| \`encrypted.key\` | an encrypted private key, passphrase \`${KEY_PASSPHRASE}\` |`,
          '| `broken.pem` | a corrupted certificate |',
          '',
          'These are throwaway demo files: delete the folder to have them made again.',
          '',
        ].join('\n'),
      );
      Object.assign(manifest.files, { client: 'client.crt', clientP12: 'client.p12', fullchain: 'fullchain.pem', selfSigned: 'selfsigned.crt', encryptedKey: 'encrypted.key' });
      manifest.keyPassphrase = KEY_PASSPHRASE;
    }
    fs.writeFileSync(path.join(dir, 'fixtures.json'), JSON.stringify(manifest, null, 2) + '\n');
    return manifest;
  } finally {
    fs.rmSync(secrets, { recursive: true, force: true });
  }
}

module.exports = { makeFixtures, P12_PASSWORD, SERVER_CN };

if (require.main === module) {
  const dir = process.argv[2];
  if (!dir) {
    console.error('usage: node scripts/fixtures.js DIR [--demo]');
    process.exit(2);
  }
  try {
    makeFixtures(path.resolve(dir), { demo: process.argv.includes('--demo') });
    console.log(`sample files written to ${path.resolve(dir)}`);
  } catch (e) {
    console.error(e.message);
    process.exit(1);
  }
}
