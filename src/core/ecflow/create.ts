// Creating an ecFlow SSL layout in one step, in memory: a key, a self-signed certificate for the host (and the
// names clients connect with), DH parameters, the passwd file, and the clients' copies of the certificate.
// io.ts writeEcflowFiles writes the plan.

import { encodePem } from '../der/pem';
import { CURVES, ECFLOW_MIN_RSA_BITS, RSA_MAX_BITS } from '../limits';
import type { DnAttr } from '../write/dn';
import type { DhProgress } from '../write/dhParams';
import { ffdhePem, generateDhParameters } from '../write/dhParams';
import type { San } from '../write/issue';
import { issueCertificate, parseSans } from '../write/issue';
import type { KeySpec } from '../write/keygen';
import { encodePrivateKey, generateKey } from '../write/keygen';
import { spkiOfPrivateKey } from '../objects/keys';
import { asPkiError, PkiError } from '../model';
import type { EcflowKeyType, EcflowPlannedFile, EcflowSet } from './layout';
import { ECFLOW_DEFAULT_PORT, ECFLOW_MIN_DH_BITS, checkEcflowHost, checkEcflowPassphrase, checkEcflowPort, ecfSslExport, ecflowFileNames } from './layout';

/** Fresh DH parameters: from what OpenSSL 3 accepts up to 8192 bits (larger ones take hours to find). */
const MAX_DH_BITS = 8192;

export interface EcflowInitOptions {
  mode: EcflowSet;
  /** The server's host name: the certificate's CN and the specific set's prefix. */
  host: string;
  /** Default 3141. Names the specific set. */
  port?: number;
  /** Other names clients connect with (FQDN, IP address): added to the SANs; the specific set also gets `<name>.<port>.crt`. */
  clientHosts?: string[];
  /** Default RSA 2048. */
  key?: EcflowKeyType;
  /** Encrypts the key and writes it (exactly, no line end) to the passwd file. */
  passphrase?: string;
  /** Certificate validity, default 365 days. */
  days?: number;
  /** DH parameters: an RFC 7919 group (instant, default ffdhe2048), or freshly generated (slow, cancellable). */
  dh?: { kind: 'ffdhe'; bits?: 2048 | 3072 | 4096 } | { kind: 'generate'; bits?: number; onProgress?: (p: DhProgress) => void };
  signal?: AbortSignal;
}

export interface EcflowLayoutPlan {
  set: EcflowSet;
  host: string;
  port: number;
  files: EcflowPlannedFile[];
  /** `export ECF_SSL=1` or `export ECF_SSL=<host>.<port>`. */
  exportLine: string;
  /** Lint warnings from the certificate issuer and notes on skipped names. */
  notes: string[];
}

/** Everything a new layout consists of, generated in memory (write it with io.ts `writeEcflowFiles`). */
export async function planEcflowLayout(opts: EcflowInitOptions): Promise<EcflowLayoutPlan> {
  try {
    if (!opts || (opts.mode !== 'shared' && opts.mode !== 'specific')) throw new PkiError('ecFlow layout: mode must be shared or specific');
    const host = opts.host;
    const port = opts.port ?? ECFLOW_DEFAULT_PORT;
    checkEcflowHost(host);
    checkEcflowPort(port);
    const names = ecflowFileNames(opts.mode, host, port);
    const spec = ecflowKeySpec(opts.key);
    if (opts.passphrase !== undefined) checkEcflowPassphrase(opts.passphrase);
    const days = opts.days ?? 365;
    const notes: string[] = [];
    const clientHosts = [...new Set((opts.clientHosts ?? []).map((h) => h.trim()).filter((h) => h !== ''))];
    for (const h of clientHosts) checkEcflowHost(h);

    const { pkcs8: privateKeyPkcs8, dh } = await keyAndDh(spec, opts.dh, opts.signal);
    const sans: San[] = [];
    for (const n of new Set([host, 'localhost', ...clientHosts])) {
      try {
        sans.push(...parseSans(n));
      } catch {
        notes.push(`"${n}" is not a valid DNS name or IP address: left out of the certificate's SANs (ecFlow does not check them)`);
      }
    }
    const subject: DnAttr[] = [{ type: 'CN', value: host }];
    const issued = await issueCertificate({
      subject,
      sans,
      profile: 'server',
      days,
      publicKeySpki: spkiOfPrivateKey(privateKeyPkcs8),
      subjectPrivateKeyPkcs8: privateKeyPkcs8,
    });
    // The 398/825-day limits are for public CAs and browsers, not for ecFlow's self-signed certificate.
    notes.push(...issued.warnings.filter((w) => !/public CAs may not|over \d+ days/i.test(w)));
    const crtPem = encodePem('CERTIFICATE', issued.der);
    const keyPem = encodePrivateKey(privateKeyPkcs8, opts.passphrase !== undefined ? { passphrase: opts.passphrase } : {});
    const keyWhat = `${spec.type === 'rsa' ? `RSA ${spec.bits}` : `EC ${spec.type === 'ec' ? spec.curve : ''}`} private key${opts.passphrase !== undefined ? ', encrypted' : ''}`;
    const files: EcflowPlannedFile[] = [
      { name: names.crt, data: crtPem, secret: false, what: `self-signed certificate for ${host}, ${days} days` },
      { name: names.key, data: keyPem, secret: true, what: keyWhat },
      { name: names.dh, data: dh.pem, secret: false, what: dh.what },
    ];
    if (opts.passphrase !== undefined) files.push({ name: names.passwd, data: opts.passphrase, secret: true, what: 'passphrase file, no line end' });
    if (opts.mode === 'specific') {
      for (const h of clientHosts) {
        if (h === host || h === 'localhost') continue;
        files.push({ name: `${h}.${port}.crt`, data: crtPem, secret: false, what: `copy of ${names.crt} for clients that connect with --host ${h}` });
      }
    }
    return { set: opts.mode, host, port, files, exportLine: ecfSslExport(opts.mode, host, port), notes };
  } catch (e) {
    throw asPkiError(e, 'could not create the ecFlow layout');
  }
}

/**
 * The key and the DH parameters, made at the same time. Aborting `signal` — at any moment — stops both; a
 * failure of one stops the other.
 */
async function keyAndDh(spec: KeySpec, dh: EcflowInitOptions['dh'], signal: AbortSignal | undefined): Promise<{ pkcs8: Uint8Array; dh: { pem: string; what: string } }> {
  const inner = new AbortController();
  const onAbort = (): void => inner.abort();
  signal?.addEventListener('abort', onAbort, { once: true });
  if (signal?.aborted) inner.abort();
  const stopOthers = (e: unknown): never => {
    inner.abort();
    throw e;
  };
  try {
    const [key, params] = await Promise.all([generateKey(spec, { signal: inner.signal }).catch(stopOthers), dhPem(dh, inner.signal).catch(stopOthers)]);
    return { pkcs8: key.privateKeyPkcs8, dh: params };
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
}

/** The key an ecFlow layout may have (OpenSSL 3 refuses RSA under 2048 bits); PkiError saying why not. */
export function ecflowKeySpec(k: EcflowKeyType | undefined): KeySpec {
  if (!k || k.type === 'rsa') {
    const bits = k?.bits ?? ECFLOW_MIN_RSA_BITS;
    if (!Number.isInteger(bits) || bits < ECFLOW_MIN_RSA_BITS || bits > RSA_MAX_BITS) {
      throw new PkiError(`RSA key size must be from ${ECFLOW_MIN_RSA_BITS} to ${RSA_MAX_BITS} bits for ecFlow (OpenSSL 3 refuses smaller keys), got ${String(bits)}`);
    }
    return { type: 'rsa', bits };
  }
  if (k.type === 'ec') {
    const curve = k.curve ?? 'P-256';
    if (!CURVES.includes(curve)) throw new PkiError(`EC curve must be one of ${CURVES.join(', ')}, got ${String(curve)}`);
    return { type: 'ec', curve };
  }
  throw new PkiError(`key type must be rsa or ec, got ${String((k as { type?: unknown }).type)}`);
}

async function dhPem(dh: EcflowInitOptions['dh'], signal: AbortSignal | undefined): Promise<{ pem: string; what: string }> {
  if (!dh || dh.kind === 'ffdhe') {
    const bits = dh?.bits ?? 2048;
    return { pem: ffdhePem(bits), what: `DH parameters: RFC 7919 ffdhe${bits}` };
  }
  const bits = dh.bits ?? 2048;
  if (!Number.isInteger(bits) || bits < ECFLOW_MIN_DH_BITS || bits > MAX_DH_BITS) {
    throw new PkiError(`DH size must be from ${ECFLOW_MIN_DH_BITS} to ${MAX_DH_BITS} bits for ecFlow, got ${String(bits)}`);
  }
  const pem = await generateDhParameters(bits, { signal, onProgress: dh.onProgress });
  return { pem, what: `DH parameters: ${bits}-bit, freshly generated` };
}
