// Repairing an ecFlow layout: the file writes and mode changes that fix what the checker found (pure: the folder
// listing in, new file contents out; io.ts applyEcflowRepairs writes them), and the export of the certificate a
// client needs.

import { Tag, children, expectTag, readRoot, whole } from '../der/asn1';
import { encodePem, looksLikePem } from '../der/pem';
import type { CertificateModel } from '../model';
import { asPkiError, PkiError } from '../model';
import { spkiOfPrivateKey } from '../objects/keys';
import { rawObjects, readObjects, sniffDer } from '../read/read';
import { pemLabelOfDer } from '../read/fileObjects';
import { ffdhePem } from '../write/dhParams';
import type { DnAttr } from '../write/dn';
import { decodeDnAttrs } from '../write/dn';
import type { San } from '../write/issue';
import { issueCertificate, parseSans } from '../write/issue';
import { encodePrivateKey, isEncryptedPrivateKey } from '../write/keygen';
import { checkEcflowLayout, passwdCandidates, tryOpen } from './check';
import type { EcflowCheckOptions, EcflowEntry, EcflowFinding, EcflowFindingCode, EcflowPlannedFile, EcflowSet } from './layout';
import { checkEcflowPassphrase, ecflowFileNames, ecflowPassphrase, specificBase } from './layout';

export interface EcflowRepairOptions {
  /** Renew the certificate (expired, expiring, not yet valid, or not matching the key), keeping the key. */
  renew?: boolean;
  days?: number;
  /** Write the key unencrypted (for ecflow_http). */
  decryptKey?: boolean;
  /** (Re-)encrypt the key with `passphrase` and write the passwd file. */
  encryptKey?: boolean;
  /** The key's passphrase (to write a missing or wrong passwd file), or the new one with `encryptKey`. */
  passphrase?: string;
  /** Also give clients that connect with these names their `<name>.<port>.crt` (specific set). */
  clientHosts?: string[];
  now?: Date;
}

export interface EcflowRepairPlan {
  writes: EcflowPlannedFile[];
  chmods: { name: string; mode: number }[];
  /** One line per action, for the user. */
  actions: string[];
  /** Findings no repair here can fix (they need the operator). */
  remaining: EcflowFinding[];
}

const PASSWD_CODES: EcflowFindingCode[] = ['passwd-crlf', 'passwd-trailing-space', 'passwd-multiline', 'passwd-empty', 'passwd-wrong', 'passwd-missing'];

/**
 * The file writes and mode changes that fix what `checkEcflowLayout` found (server role), given the same entries
 * and options. Nothing is written here. Repairs that need a decision (renewing the certificate, a passphrase,
 * encrypting or decrypting the key) happen only when asked for in `repair`.
 */
export async function planEcflowRepairs(entries: EcflowEntry[], options: EcflowCheckOptions, repair: EcflowRepairOptions = {}): Promise<EcflowRepairPlan> {
  const opts: EcflowCheckOptions = {
    ...options,
    role: 'server',
    clientHosts: [...new Set([...(options.clientHosts ?? []), ...(repair.clientHosts ?? [])])],
    now: repair.now ?? options.now,
  };
  const check = checkEcflowLayout(entries, opts);
  const writes = new Map<string, EcflowPlannedFile>();
  const chmods: { name: string; mode: number }[] = [];
  const actions: string[] = [];
  const fixed = new Set<EcflowFinding>();
  const byName = new Map(entries.map((e) => [e.name, e]));
  if (check.set === null) return { writes: [], chmods: [], actions: [], remaining: check.findings };
  const set = check.set;
  const names = ecflowFileNames(set, opts.host, opts.port);
  if (set === 'shared' && !byName.has('dh2048.pem') && byName.has('dh1024.pem')) names.dh = 'dh1024.pem';
  const put = (f: EcflowPlannedFile): void => {
    writes.set(f.name, f);
  };
  const current = (name: string): Uint8Array | undefined => {
    const w = writes.get(name);
    return w ? new TextEncoder().encode(w.data) : byName.get(name)?.bytes;
  };
  const mark = (...codes: EcflowFindingCode[]): void => {
    for (const f of check.findings) if (codes.includes(f.code)) fixed.add(f);
  };
  const has = (code: EcflowFindingCode, file?: string): EcflowFinding | undefined => check.findings.find((f) => f.code === code && (file === undefined || f.file === file));

  try {
    // Formats first: later repairs read the PEM.
    for (const [code, name, secret] of [
      ['crt-not-pem', names.crt, false],
      ['key-not-pem', names.key, true],
      ['dh-not-pem', names.dh, false],
    ] as const) {
      const bytes = byName.get(name)?.bytes;
      if (has(code, name) && bytes) {
        put({ name, data: toPemText(bytes), secret, what: 'converted from DER to PEM' });
        actions.push(`${name}: converted from DER to PEM`);
        mark(code);
      }
    }
    // Client certificate files that were DER.
    for (const f of check.findings.filter((x) => x.code === 'crt-not-pem' && x.file !== names.crt && x.file !== null)) {
      const bytes = byName.get(f.file as string)?.bytes;
      if (bytes) {
        put({ name: f.file as string, data: toPemText(bytes), secret: false, what: 'converted from DER to PEM' });
        actions.push(`${f.file}: converted from DER to PEM`);
        fixed.add(f);
      }
    }

    // The passphrase that opens the key now (from the passwd file, a tidy reading of it, the one given, or
    // ecFlow's fallback "test"), and the key's plain PKCS#8.
    const keyData = current(names.key);
    const pw = byName.get(names.passwd)?.bytes;
    let pkcs8: Uint8Array | undefined;
    let passphrase: string | undefined;
    let source: 'passwd' | 'given' | 'test' | undefined;
    const encrypted = keyData ? isEncryptedPrivateKey(keyData) : false;
    if (keyData && encrypted) {
      const tries: [string, 'passwd' | 'given' | 'test'][] = [];
      if (pw) for (const c of [ecflowPassphrase(pw), ...passwdCandidates(pw)]) tries.push([c, 'passwd']);
      else tries.push(['test', 'test']);
      // With --encrypt-key the passphrase given is the new one, not the key's current one.
      if (repair.passphrase !== undefined && !repair.encryptKey) tries.push([repair.passphrase, 'given']);
      for (const [t, from] of tries) {
        const k = tryOpen(keyData, t);
        if (k) {
          pkcs8 = k;
          passphrase = t;
          source = from;
          break;
        }
      }
    } else if (keyData) {
      pkcs8 = tryOpen(keyData);
    }

    // The passwd file: rewritten when ecFlow's reading of it is not the passphrase that opens the key
    // (line ends, blanks, extra lines), or written from the passphrase given when it is missing or wrong.
    if (encrypted && pkcs8 && passphrase !== undefined && !repair.encryptKey && !repair.decryptKey) {
      const stale = pw ? ecflowPassphrase(pw) !== passphrase : source === 'given';
      if (stale) {
        put({ name: names.passwd, data: passphrase, secret: true, what: 'passphrase file, no line end' });
        actions.push(`${names.passwd}: written with the passphrase that opens ${names.key}, no line end, mode 0600`);
        mark(...PASSWD_CODES, 'passwd-permissions');
      }
    }

    // Encrypt / decrypt the key.
    if (repair.encryptKey || repair.decryptKey) {
      if (!keyData) throw new PkiError(`${names.key} is missing: nothing to ${repair.decryptKey ? 'decrypt' : 'encrypt'}`);
      if (!pkcs8) throw new PkiError(`${names.key} does not open with the passphrase in ${names.passwd}${repair.encryptKey ? '' : ' or the one given'}: cannot re-encode it`);
      if (repair.decryptKey) {
        put({ name: names.key, data: encodePrivateKey(pkcs8), secret: true, what: 'private key, not encrypted' });
        actions.push(`${names.key}: written unencrypted (for ecflow_http), mode 0600`);
        mark('http-key-encrypted', ...PASSWD_CODES, 'passwd-default-test', 'key-permissions');
      } else {
        if (repair.passphrase === undefined) throw new PkiError('--encrypt-key needs the new passphrase');
        checkEcflowPassphrase(repair.passphrase);
        put({ name: names.key, data: encodePrivateKey(pkcs8, { passphrase: repair.passphrase }), secret: true, what: 'private key, encrypted' });
        put({ name: names.passwd, data: repair.passphrase, secret: true, what: 'passphrase file, no line end' });
        actions.push(`${names.key}: encrypted with the new passphrase (PKCS#8, AES-256-CBC), mode 0600`);
        actions.push(`${names.passwd}: written with the new passphrase, no line end, mode 0600`);
        mark(...PASSWD_CODES, 'passwd-default-test', 'passwd-unused', 'key-permissions', 'passwd-permissions');
      }
    }

    // Certificate renewal (keeps the key).
    let crtPem: string | undefined;
    const certBytes = current(names.crt);
    if (repair.renew) {
      if (!pkcs8) throw new PkiError(`cannot renew ${names.crt}: ${names.key} is missing or does not open`);
      crtPem = await renewCertificate(certBytes ?? new Uint8Array(), pkcs8, opts.host, repair.days ?? 365);
      put({ name: names.crt, data: crtPem, secret: false, what: `renewed certificate, ${repair.days ?? 365} days, same key` });
      actions.push(`${names.crt}: renewed for ${repair.days ?? 365} days with the same key (give clients the new ${names.crt})`);
      mark('crt-expired', 'crt-expiring', 'crt-not-yet-valid', 'key-mismatch');
    } else if (certBytes && looksLikePem(certBytes)) {
      crtPem = new TextDecoder('utf-8').decode(certBytes);
    }

    // DH parameters.
    if (has('dh-missing') || has('dh-invalid') || has('dh-weak') || has('dh1024-fallback')) {
      const target = set === 'shared' ? 'dh2048.pem' : names.dh;
      put({ name: target, data: ffdhePem(2048), secret: false, what: 'DH parameters: RFC 7919 ffdhe2048' });
      actions.push(`${target}: written with the RFC 7919 ffdhe2048 group`);
      mark('dh-missing', 'dh-invalid', 'dh-weak', 'dh1024-fallback');
      if (has('dh-not-pem') && target !== names.dh) mark('dh-not-pem');
    }

    // Client copies of the certificate (specific set).
    if (set === 'specific' && crtPem) {
      for (const f of check.findings.filter((x) => (x.code === 'client-crt-missing' || x.code === 'client-crt-differs') && x.file)) {
        put({ name: f.file as string, data: crtPem, secret: false, what: `copy of ${names.crt}` });
        actions.push(`${f.file}: copied from ${names.crt}`);
        fixed.add(f);
      }
    }
    if (set === 'specific' && repair.renew && crtPem) {
      // Copies made earlier must follow the renewed certificate.
      for (const h of opts.clientHosts ?? []) {
        const n = `${h}.${opts.port}.crt`;
        if (h === 'localhost' || h === opts.host || writes.has(n) || !byName.has(n)) continue;
        put({ name: n, data: crtPem, secret: false, what: `copy of ${names.crt}` });
        actions.push(`${n}: copied from the renewed ${names.crt}`);
      }
    }

    // Permissions of files not rewritten (rewritten secrets are written 0600 anyway).
    for (const f of check.findings.filter((x) => (x.code === 'key-permissions' || x.code === 'passwd-permissions') && x.file)) {
      if (!writes.has(f.file as string)) {
        chmods.push({ name: f.file as string, mode: 0o600 });
        actions.push(`${f.file}: mode set to 0600`);
      }
      fixed.add(f);
    }
  } catch (e) {
    throw asPkiError(e, 'could not plan the repairs');
  }
  return { writes: [...writes.values()], chmods, actions, remaining: check.findings.filter((f) => !fixed.has(f)) };
}

/**
 * A new self-signed certificate for the same key, with the old certificate's subject and SANs (the fix for an
 * expired or expiring certificate, and for a certificate that does not match the key); CN = `host` when the old
 * one has no subject. PEM.
 */
async function renewCertificate(crt: Uint8Array, keyPkcs8: Uint8Array, host: string, days: number): Promise<string> {
  let subject: DnAttr[] = [];
  let sans: San[] = [];
  let der: Uint8Array | undefined;
  try {
    der = rawObjects(crt).find((x) => x.kind === 'certificate')?.der;
  } catch {
    der = undefined;
  }
  if (der) {
    subject = decodeDnAttrs(subjectNameDer(der));
    const model = readObjects(der).objects.find((x): x is CertificateModel => x.kind === 'certificate');
    sans = (model?.subjectAltNames ?? []).filter((s): s is San => s.type === 'dns' || s.type === 'ip' || s.type === 'email' || s.type === 'uri');
  }
  if (subject.length === 0) {
    subject = [{ type: 'CN', value: host }];
    try {
      sans = parseSans(`${host},localhost`);
    } catch {
      sans = [];
    }
  }
  const issued = await issueCertificate({
    subject,
    sans,
    profile: 'server',
    days,
    publicKeySpki: spkiOfPrivateKey(keyPkcs8),
    subjectPrivateKeyPkcs8: keyPkcs8,
  });
  return encodePem('CERTIFICATE', issued.der);
}

/** The subject Name DER of a DER certificate. */
function subjectNameDer(der: Uint8Array): Uint8Array {
  const root = expectTag(readRoot(der), Tag.Sequence, 'Certificate');
  const [tbs] = children(der, root);
  const fields = children(der, expectTag(tbs, Tag.Sequence, 'TBSCertificate'));
  const offset = fields[0]?.tag === 0xa0 ? 1 : 0; // [0] version
  const subject = fields[offset + 4];
  if (!subject) throw new PkiError('the certificate has no subject');
  return whole(der, expectTag(subject, Tag.Sequence, 'subject Name'));
}


/** A certificate, private key or DH parameters as PEM (DER converted with the right label; PEM returned as is). */
function toPemText(bytes: Uint8Array): string {
  if (looksLikePem(bytes)) return new TextDecoder('utf-8').decode(bytes);
  const kind = sniffDer(bytes)?.kind;
  const label = kind === 'private-key' || kind === 'dh-parameters' || kind === 'certificate' ? pemLabelOfDer(bytes) : undefined;
  if (!label) throw new PkiError('not a DER certificate, private key or DH parameters');
  return encodePem(label, bytes);
}

/**
 * What a client needs: the server's certificate (PEM) under the name the client will look for, and the export
 * line. Shared set: server.crt and ECF_SSL=1. Specific set: `<connect host>.<port>.crt` (`localhost` → the
 * server's name) and ECF_SSL=<that>.<port>.
 */
export function exportEcflowClient(
  crt: Uint8Array,
  set: EcflowSet,
  serverHost: string,
  port: number,
  connectHost?: string,
): { name: string; data: string; exportLine: string } {
  try {
    const data = toPemText(crt);
    if (!readObjects(new TextEncoder().encode(data)).objects.some((x) => x.kind === 'certificate')) throw new PkiError('the server certificate file holds no certificate');
    if (set === 'shared') return { name: 'server.crt', data, exportLine: 'export ECF_SSL=1' };
    const host = connectHost === undefined || connectHost === 'localhost' ? serverHost : connectHost;
    const base = specificBase(host, port);
    return { name: `${base}.crt`, data, exportLine: `export ECF_SSL=${base}` };
  } catch (e) {
    throw asPkiError(e, 'could not export the client certificate');
  }
}
