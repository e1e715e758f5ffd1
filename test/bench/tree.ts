// The "big workspace" of benchmark 4: 20,000 files, 2,000 of them holding PEM or DER (certificates, chains, keys,
// CSRs, public keys, PKCS#12, PEM pasted into config files, a few large bundles), the rest source-like text and
// binaries (some large, some starting like DER without being DER), spread over 40 × 10 folders. Deterministic
// (seeded), made once per machine in the temporary folder and reused while its manifest matches.

import { execFileSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { prng } from '../helpers/tools';

export const TRUST_BUNDLE = '/etc/ssl/certs/ca-certificates.crt';

/** Bump when the recipe changes: an older tree is then made again. */
const RECIPE = 'tlsw-bench-tree-v3';
export const TOTAL_FILES = 20_000;
export const PKI_FILES = 2_000;

export interface Tree {
  dir: string;
  files: number;
  pkiFiles: number;
  /** Files whose name has a PKI extension (what the Certificate Explorer's include glob lists). */
  pkiNamed: number;
  bytes: number;
}


function pemBlocks(text: string): string[] {
  return text.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----\n?/g) ?? [];
}

function derOf(pem: string): Buffer {
  return Buffer.from(pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64');
}

function pemOf(der: Buffer): string {
  return `-----BEGIN CERTIFICATE-----\n${der.toString('base64').replace(/.{64}/g, '$&\n').replace(/\n$/, '')}\n-----END CERTIFICATE-----\n`;
}

/** Content start and end of the DER TLV at `at`. */
function tlv(b: Buffer, at: number): { content: number; end: number } {
  let len = b[at + 1];
  let content = at + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + b[at + 2 + i];
    content += n;
  }
  return { content, end: content + len };
}

/**
 * A distinct certificate made from a real one: the last bytes of its serial number and of its signature changed
 * (same structure and lengths; the signature no longer verifies, which a scan does not check). So every single
 * file of the tree holds a certificate of its own, as in a real workspace, and nothing is summarised twice.
 */
function variant(der: Buffer, n: number): Buffer {
  const b = Buffer.from(der);
  const tbs = tlv(b, tlv(b, 0).content);
  let at = tbs.content;
  if (b[at] === 0xa0) at = tlv(b, at).end; // [0] version
  const serial = tlv(b, at);
  // Only inside the serial's contents, never its first (sign) octet.
  if (serial.end - serial.content >= 3) {
    b[serial.end - 1] ^= (n & 0x7f) + 1;
    b[serial.end - 2] ^= (n >> 7) & 0x7f;
  }
  b[b.length - 1] ^= (n & 0xff) || 1;
  return b;
}

const WORDS = (
  'const let function return import export from interface type class extends implements public private async await ' +
  'if else for while switch case break continue new this null undefined true false string number boolean void map ' +
  'filter reduce config server client request response handler error message value index length result options'
).split(' ');

/** Makes (or reuses) the tree under the temporary folder; returns where it is and what it holds. */
export function ensureTree(root = join(tmpdir(), RECIPE)): Tree {
  const manifest = join(root, '.manifest.json');
  if (existsSync(manifest)) {
    try {
      const m = JSON.parse(readFileSync(manifest, 'utf8')) as Tree & { recipe: string };
      if (m.recipe === RECIPE && m.dir === join(root, 'tree')) return m;
    } catch {
      // made again below
    }
  }
  rmSync(root, { recursive: true, force: true });
  const dir = join(root, 'tree');
  mkdirSync(dir, { recursive: true });
  const tree = makeTree(dir, join(root, 'work'));
  writeFileSync(manifest, JSON.stringify({ ...tree, recipe: RECIPE }, null, 2));
  return tree;
}

function makeTree(dir: string, work: string): Tree {
  const rand = prng(20_000);
  const pick = <T>(a: T[]): T => a[Math.floor(rand() * a.length)];
  const int = (lo: number, hi: number): number => lo + Math.floor(rand() * (hi - lo + 1));

  // Pools: real certificates (the system trust bundle), generated keys, a few CSRs and a PKCS#12.
  const bundleText = readFileSync(TRUST_BUNDLE, 'utf8');
  const certs = pemBlocks(bundleText);
  if (certs.length < 50) throw new Error(`${TRUST_BUNDLE}: expected the system trust bundle (found ${certs.length} certificates)`);
  const keys: string[] = [];
  const derKeys: Buffer[] = [];
  const publicKeys: string[] = [];
  const specs: Array<['ec', { namedCurve: string }] | ['rsa', { modulusLength: number }] | ['ed25519', object]> = [
    ['ec', { namedCurve: 'prime256v1' }],
    ['ec', { namedCurve: 'secp384r1' }],
    ['rsa', { modulusLength: 2048 }],
    ['ed25519', {}],
  ];
  for (const [type, opts] of specs) {
    const pair = generateKeyPairSync(type as 'ec', opts as { namedCurve: string });
    keys.push(pair.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string);
    keys.push(pair.privateKey.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'bench' }) as string);
    if (type === 'ec') keys.push(pair.privateKey.export({ type: 'sec1', format: 'pem' }) as string);
    if (type === 'rsa') keys.push(pair.privateKey.export({ type: 'pkcs1', format: 'pem' }) as string);
    derKeys.push(pair.privateKey.export({ type: 'pkcs8', format: 'der' }) as Buffer);
    publicKeys.push(pair.publicKey.export({ type: 'spki', format: 'pem' }) as string);
  }
  mkdirSync(work, { recursive: true });
  const keyFile = join(work, 'k.pem');
  writeFileSync(keyFile, keys[0]);
  const csrs = ['bench.example', 'api.bench.example', 'db.internal'].map((cn) =>
    execFileSync('openssl', ['req', '-new', '-key', keyFile, '-subj', `/CN=${cn}/O=Bench`], { encoding: 'utf8' }),
  );
  writeFileSync(join(work, 'c.pem'), execFileSync('openssl', ['req', '-x509', '-key', keyFile, '-subj', '/CN=bench p12', '-days', '30'], { encoding: 'utf8' }));
  const p12 = execFileSync('openssl', ['pkcs12', '-export', '-inkey', keyFile, '-in', join(work, 'c.pem'), '-passout', 'pass:bench'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  rmSync(work, { recursive: true, force: true });

  // The files: [relative name without folder, content], PKI ones first, then the rest; then shuffled into folders.
  const files: Array<{ ext: string; data: string | Buffer; pki: boolean }> = [];
  const add = (ext: string, data: string | Buffer, pki: boolean): void => void files.push({ ext, data, pki });
  const certDers = certs.map(derOf);
  let serial = 0;
  const uniqueDer = (): Buffer => variant(pick(certDers), ++serial);
  const unique = (): string => pemOf(uniqueDer());
  const chain = (n: number): string => Array.from({ length: n }, unique).join('');

  for (let i = 0; i < 700; i++) add(pick(['.pem', '.crt']), unique(), true);
  for (let i = 0; i < 150; i++) add(pick(['-chain.pem', '-fullchain.pem', '.ca-bundle']), chain(int(2, 6)), true);
  for (let i = 0; i < 300; i++) add(pick(['.der', '.cer']), uniqueDer(), true);
  for (let i = 0; i < 300; i++) add('.key', pick(keys), true);
  for (let i = 0; i < 100; i++) add('.der', pick(derKeys), true);
  for (let i = 0; i < 100; i++) add('.csr', pick(csrs), true);
  for (let i = 0; i < 50; i++) add('.pub.pem', pick(publicKeys), true);
  for (let i = 0; i < 40; i++) add(pick(['.p12', '.pfx']), p12, true);
  // PEM pasted into files of any name: configs, notes, files without extension.
  for (let i = 0; i < 240; i++) {
    const words = Array.from({ length: int(5, 60) }, () => pick(WORDS)).join(' ');
    add(pick(['.yaml', '.txt', '.conf', '', '.env']), `# ${words}\ntls:\n  cert: |\n${unique()}\n  note: ${words}\n`, true);
  }
  // Large bundles: copies of the trust bundle (~220 KB; vendored copies are identical) and a few of 1-2 MB.
  for (let i = 0; i < 15; i++) add('.pem', bundleText, true);
  for (let i = 0; i < 5; i++) add('-big-bundle.pem', bundleText.repeat(int(5, 9)), true);
  const pkiFiles = files.length;
  if (pkiFiles !== PKI_FILES) throw new Error(`recipe: ${pkiFiles} PKI files, expected ${PKI_FILES}`);

  // Non-PKI: source-like text, binaries (some starting with 0x30 like DER), a few large ones, PGP armour.
  const text = (n: number): string => {
    const lines: string[] = [];
    let size = 0;
    while (size < n) {
      const line = Array.from({ length: int(2, 12) }, () => pick(WORDS)).join(' ') + ';';
      lines.push(line);
      size += line.length + 1;
    }
    return lines.join('\n') + '\n';
  };
  const binary = (n: number, derLike: boolean): Buffer => {
    const b = Buffer.alloc(n);
    for (let i = 0; i < n; i += 4) b.writeUInt32LE(Math.floor(rand() * 0x100000000), Math.min(i, n - 4));
    if (derLike) {
      b[0] = 0x30;
      b[1] = 0x82;
    }
    return b;
  };
  const rest = TOTAL_FILES - pkiFiles;
  const large = 20;
  const pgp = 20;
  const medium = 200;
  const binaries = 1_000;
  for (let i = 0; i < large; i++) add(pick(['.bin', '.log', '.tar']), i % 3 === 1 ? text(int(2, 4) << 20) : binary(int(2, 5) << 20, false), false);
  for (let i = 0; i < pgp; i++) add('.asc', `-----BEGIN PGP SIGNATURE-----\n\n${derOf(pick(certs)).toString('base64').slice(0, 300)}\n-----END PGP SIGNATURE-----\n`, false);
  for (let i = 0; i < medium; i++) add(pick(['.jpg', '.zip', '.woff2']), binary(int(100, 500) << 10, i % 4 === 0), false);
  for (let i = 0; i < binaries; i++) add(pick(['.png', '.o', '.bin', '.class']), binary(int(1, 64) << 10, i % 3 === 0), false);
  const textFiles = rest - large - pgp - medium - binaries;
  for (let i = 0; i < textFiles; i++) add(pick(['.ts', '.js', '.md', '.json', '.py', '.txt', '.go']), text(int(200, 6000)), false);

  // Shuffle, then 40 folders × 10 sub-folders.
  for (let i = files.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [files[i], files[j]] = [files[j], files[i]];
  }
  let bytes = 0;
  let pkiNamed = 0;
  const pkiName = /\.(pem|crt|cer|der|key|csr|p12|pfx|crl)$/;
  files.forEach((f, i) => {
    const sub = join(dir, `pkg${String(i % 40).padStart(2, '0')}`, `mod${(Math.floor(i / 40) % 10)}`);
    if (i < 400) mkdirSync(sub, { recursive: true });
    const name = `file${String(i).padStart(5, '0')}${f.ext}`;
    writeFileSync(join(sub, name), f.data);
    bytes += typeof f.data === 'string' ? Buffer.byteLength(f.data) : f.data.length;
    if (pkiName.test(name)) pkiNamed++;
  });
  return { dir, files: files.length, pkiFiles, pkiNamed, bytes };
}
