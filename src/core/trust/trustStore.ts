// The operating system's trust store, as the anchors of `tlsw verify --system` and the Verify command's
// "System trust store" choice: the bundle OpenSSL-based clients on this machine use, or Node's own roots.

import { existsSync, readFileSync } from 'node:fs';
import { rootCertificates } from 'node:tls';
import { rawObjects } from '../read/read';

export interface SystemTrust {
  /** Where the anchors came from: a bundle path, or `Node.js built-in roots`. */
  source: string;
  anchors: Uint8Array[];
}

/** Bundles of the common systems, first match wins (Debian/Ubuntu/Alpine, Fedora/RHEL, openSUSE, macOS/BSD). */
const SYSTEM_BUNDLES = [
  '/etc/ssl/certs/ca-certificates.crt',
  '/etc/pki/tls/certs/ca-bundle.crt',
  '/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem',
  '/etc/ssl/ca-bundle.pem',
  '/etc/ssl/cert.pem',
  '/usr/local/etc/openssl/cert.pem',
];

/**
 * The system's trust anchors: `$SSL_CERT_FILE` when set (as OpenSSL honours it), else the first bundle of
 * SYSTEM_BUNDLES that holds certificates, else Node's built-in Mozilla roots (`tls.rootCertificates`), which
 * every platform has.
 */
export function systemTrustStore(opts: { env?: Record<string, string | undefined>; bundles?: string[] } = {}): SystemTrust {
  const env = opts.env ?? process.env;
  const bundles = opts.bundles ?? SYSTEM_BUNDLES;
  const candidates = env.SSL_CERT_FILE ? [env.SSL_CERT_FILE, ...bundles] : bundles;
  for (const path of candidates) {
    if (!existsSync(path)) continue;
    try {
      const anchors = rawObjects(readFileSync(path)).filter((o) => o.kind === 'certificate').map((o) => o.der);
      if (anchors.length > 0) return { source: path, anchors };
    } catch {
      // unreadable or not PEM: try the next one
    }
  }
  const anchors = rawObjects(Buffer.from(rootCertificates.join('\n'))).filter((o) => o.kind === 'certificate').map((o) => o.der);
  return { source: 'Node.js built-in roots', anchors };
}
