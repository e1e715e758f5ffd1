#!/usr/bin/python3
# The reference reader for test/interop/corpus.test.ts: walks EVERY file of Debian's python3-cryptography-vectors
# and says, for each PKI file, what Python's `cryptography` (Debian's python3-cryptography, run as /usr/bin/python3)
# reads from it; where cryptography refuses an object, whether `openssl` reads it (openssl is then the reference for
# "readable"). One run, one JSON document on stdout, for all files.
#
# Usage: /usr/bin/python3 corpus_reference.py [VECTORS_ROOT]
#
# Output: { "cryptography": "<version>", "openssl": "<version>", "root": "...",
#           "files": [ { "path": "x509/...", "excluded": "<why this is not a PKI file>" }
#                    | { "path": ..., "encoding": "pem"|"der", "password": null|"...", "objects": [ ... ] } ] }
# Each object: { "block": n (PEM, 1-based among BEGIN lines, as tlsw counts them), "label": PEM label, "kind": ...,
#   fields... } or, when cryptography refuses it, { ..., "refused": "<cryptography's error>", "openssl": "<kind
#   openssl reads it as>" | null, "opensslFields": { what openssl prints unambiguously: serial, SHA-256, EC key } }.
# A field cryptography could not compute (it refuses every extension of a certificate as soon as one is malformed,
# for one) is taken from openssl where openssl's output settles it ("viaOpenssl": field → cryptography's error),
# else left as { "error": "..." }: the test then does not compare that field and lists it.
#
# Values are written as cryptography gives them; representation differences (int serials vs hex, curve names…)
# are normalised on the TypeScript side, each with a comment there.

import base64
import hashlib
import json
import multiprocessing
import os
import re
import subprocess
import sys
import warnings
from concurrent.futures import ThreadPoolExecutor

import cryptography
from cryptography import x509
from cryptography.hazmat.backends import default_backend
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import dh, dsa, ec, ed448, ed25519, rsa, x448, x25519
from cryptography.hazmat.primitives.serialization import pkcs12

ROOT = sys.argv[1] if len(sys.argv) > 1 else '/usr/lib/python3/dist-packages/cryptography_vectors'

# Passwords, as python-cryptography's own tests use them (tests/hazmat/primitives/test_serialization.py,
# test_pkcs12.py, test_ed25519.py…, and asymmetric/PEM_Serialization/README.txt). Files not listed: tried without a
# password first, then with each of CANDIDATES (the other passwords those tests use); the one that worked is
# reported, and tlsw is given the same one (or none).
PASSWORDS = {
    'asymmetric/PEM_Serialization/rsa_private_key.pem': '123456',
    'asymmetric/PEM_Serialization/dsa_private_key.pem': '123456',
    'asymmetric/PEM_Serialization/ec_private_key_encrypted.pem': '123456',
    'asymmetric/PKCS8/ec_private_key_encrypted.pem': '123456',
    'asymmetric/DER_Serialization/ec_private_key_encrypted.der': '123456',
    'asymmetric/Traditional_OpenSSL_Serialization/key1.pem': '123456',
    'asymmetric/Traditional_OpenSSL_Serialization/key2.pem': 'a123456',
    'asymmetric/Traditional_OpenSSL_Serialization/testrsa-encrypted.pem': 'password',
    'asymmetric/PKCS8/enc-rsa-pkcs8.pem': 'foobar',
    'asymmetric/PKCS8/enc2-rsa-pkcs8.pem': 'baz',
    'asymmetric/DER_Serialization/enc-rsa-pkcs8.der': 'foobar',
    'asymmetric/DER_Serialization/enc2-rsa-pkcs8.der': 'baz',
    'pkcs12/cert-key-aes256cbc.p12': 'cryptography',
    'pkcs12/cert-none-key-none.p12': 'cryptography',
    'pkcs12/cert-rc2-key-3des.p12': 'cryptography',
    'pkcs12/cert-aes256cbc-no-key.p12': 'cryptography',
    'pkcs12/no-cert-key-aes256cbc.p12': 'cryptography',
}
for n in range(9925, 9933):
    PASSWORDS[f'asymmetric/PKCS8/pkcs12_s2k_pem-X_{n}.pem'] = '123456'
for n in (9607, 9671):
    PASSWORDS[f'asymmetric/PKCS8/pkcs12_s2k_pem-X_{n}.pem'] = '123456'
# By folder: NIST PKITS keystores ('password', PKITS's own convention).
PASSWORD_PREFIXES = {'x509/PKITS_data/pkcs12/': 'password'}
# name-*-pwd.p12 / no-cert-*-pwd.p12: 'password'; *-no-pwd.p12, no-password.p12: none; Ed25519/Ed448/X25519/X448
# *-enc: 'password'. Found through CANDIDATES.
CANDIDATES = ['password', 'cryptography', '123456', 'a123456', 'foobar', 'baz']

# Files that are not PKI files, by folder or name. Everything else that holds a PEM block or starts like DER is
# read; anything else left is test-vector text and excluded with that reason.
EXCLUDED_DIRS = {
    'x509/ocsp': 'OCSP request/response (not a kind tlsw reads)',
    'x509/PKITS_data/certpairs': 'X.509 cross-certificate pair (LDAP crossCertificatePair, not a certificate file)',
    'x509/PKITS_data/smime': 'S/MIME message (PKITS signed mail)',
    'pkcs7': 'PKCS#7/CMS (not a kind tlsw reads)',
    'asymmetric/OpenSSH': 'OpenSSH key format (SSH, not PKI)',
}
PKI_TOP = ('x509/', 'asymmetric/', 'pkcs12/')

PEM_RE = re.compile(rb'-----BEGIN ([^\r\n-]+)-----\r?\n(.*?)-----END \1-----', re.S)
BEGIN_RE = re.compile(rb'-----BEGIN ')


def b2s(b):
    return None if b is None else b.decode('utf-8', 'backslashreplace')


def err(e):
    return {'error': f'{type(e).__name__}: {e}'.split('\n')[0]}


def field(fn):
    try:
        return fn()
    except Exception as e:  # noqa: BLE001 - a field the reference cannot compute is reported, not fatal
        return err(e)


def iso(d):
    return None if d is None else d.strftime('%Y-%m-%dT%H:%M:%SZ')


def name_attrs(name):
    out = []
    for rdn_index, rdn in enumerate(name.rdns):
        for a in rdn:
            item = {'oid': a.oid.dotted_string, 'rdn': rdn_index, 'tag': int(a._type.value)}
            if isinstance(a.value, bytes):
                item['valueHex'] = a.value.hex()
            else:
                item['value'] = a.value
            out.append(item)
    return out


def general_name(g):
    if isinstance(g, x509.DNSName):
        return {'type': 'dns', 'value': g.value}
    if isinstance(g, x509.RFC822Name):
        return {'type': 'email', 'value': g.value}
    if isinstance(g, x509.UniformResourceIdentifier):
        return {'type': 'uri', 'value': g.value}
    if isinstance(g, x509.IPAddress):
        return {'type': 'ip', 'value': str(g.value)}
    if isinstance(g, x509.DirectoryName):
        return {'type': 'dirName', 'attrs': name_attrs(g.value)}
    if isinstance(g, x509.RegisteredID):
        return {'type': 'registeredID', 'value': g.value.dotted_string}
    if isinstance(g, x509.OtherName):
        return {'type': 'otherName', 'oid': g.type_id.dotted_string, 'valueHex': g.value.hex()}
    return {'type': type(g).__name__}


def sans(obj):
    try:
        ext = obj.extensions.get_extension_for_class(x509.SubjectAlternativeName)
    except x509.ExtensionNotFound:
        return []
    return [general_name(g) for g in ext.value]


def is_ca(cert):
    try:
        return cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    except x509.ExtensionNotFound:
        return False


def spki_der(pk):
    return pk.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)


def key_info(pk):
    """Algorithm, size and curve of a public key (size None where cryptography has none: Ed25519, X25519…)."""
    if isinstance(pk, rsa.RSAPublicKey):
        info = {'algorithm': 'RSA', 'size': pk.key_size}
    elif isinstance(pk, ec.EllipticCurvePublicKey):
        info = {'algorithm': 'EC', 'size': pk.curve.key_size, 'curve': pk.curve.name}
    elif isinstance(pk, dsa.DSAPublicKey):
        info = {'algorithm': 'DSA', 'size': pk.key_size}
    elif isinstance(pk, dh.DHPublicKey):
        info = {'algorithm': 'DH', 'size': pk.key_size}
    elif isinstance(pk, ed25519.Ed25519PublicKey):
        info = {'algorithm': 'Ed25519', 'size': None}
    elif isinstance(pk, ed448.Ed448PublicKey):
        info = {'algorithm': 'Ed448', 'size': None}
    elif isinstance(pk, x25519.X25519PublicKey):
        info = {'algorithm': 'X25519', 'size': None}
    elif isinstance(pk, x448.X448PublicKey):
        info = {'algorithm': 'X448', 'size': None}
    else:
        info = {'algorithm': type(pk).__name__, 'size': None}
    info['spkiSha256'] = field(lambda: hashlib.sha256(spki_der(pk)).hexdigest())
    return info


def fingerprints(obj):
    return {'sha1': obj.fingerprint(hashes.SHA1()).hex(), 'sha256': obj.fingerprint(hashes.SHA256()).hex()}


def cert_fields(c):
    return {
        'kind': 'certificate',
        'serial': field(lambda: str(c.serial_number)),  # decimal string: JSON numbers lose precision
        'notBefore': field(lambda: iso(c.not_valid_before)),
        'notAfter': field(lambda: iso(c.not_valid_after)),
        'fingerprints': field(lambda: fingerprints(c)),
        'signatureAlgorithmOid': field(lambda: c.signature_algorithm_oid.dotted_string),
        'subject': field(lambda: name_attrs(c.subject)),
        'issuer': field(lambda: name_attrs(c.issuer)),
        'publicKey': field(lambda: key_info(c.public_key())),
        'subjectAltNames': field(lambda: sans(c)),
        'isCA': field(lambda: is_ca(c)),
    }


def csr_fields(r):
    return {
        'kind': 'csr',
        'subject': field(lambda: name_attrs(r.subject)),
        'signatureAlgorithmOid': field(lambda: r.signature_algorithm_oid.dotted_string),
        'publicKey': field(lambda: key_info(r.public_key())),
        'subjectAltNames': field(lambda: sans(r)),
    }


def crl_fields(l):
    return {
        'kind': 'crl',
        'issuer': field(lambda: name_attrs(l.issuer)),
        'thisUpdate': field(lambda: iso(l.last_update)),
        'nextUpdate': field(lambda: iso(l.next_update)),
        'signatureAlgorithmOid': field(lambda: l.signature_algorithm_oid.dotted_string),
        'fingerprints': field(lambda: fingerprints(l)),
        'revoked': field(lambda: [{'serial': str(r.serial_number), 'date': iso(r.revocation_date)} for r in l]),
    }


# id-RSASSA-PSS, as it appears in a key's DER.
RSA_PSS_OID = bytes.fromhex('06092a864886f70d01010a')


def pss_spki_sha256(out, data, pem, public, password):
    """cryptography loads RSA-PSS keys as plain RSA keys (its public_bytes writes rsaEncryption), while OpenSSL keeps
    id-RSASSA-PSS and its parameters in the SubjectPublicKeyInfo: for these keys openssl gives the reference SPKI."""
    inform = ['-inform', 'PEM' if pem else 'DER']
    args = ['pkey', *inform, '-pubout', '-outform', 'DER'] + (['-pubin'] if public else ['-passin', 'pass:' + (password or '')])
    r = subprocess.run(['openssl', *args], input=data, capture_output=True)
    key = out.get('publicKey')
    if r.returncode == 0 and isinstance(key, dict) and 'error' not in key:
        key['spkiSha256'] = hashlib.sha256(r.stdout).hexdigest()
        out.setdefault('viaOpenssl', {})['publicKey.spkiSha256'] = 'cryptography loads RSA-PSS keys as rsaEncryption keys'


def private_key_fields(k, der, source):
    out = {'kind': 'private-key', 'publicKey': field(lambda: key_info(k.public_key()))}
    if RSA_PSS_OID in der:
        pss_spki_sha256(out, *source, False, None)
    return out


def public_key_fields(k, der_in, source):
    info = key_info(k)
    out = {'kind': 'public-key', 'publicKey': info}
    # spkiSha256 is only comparable when the file holds the SPKI exactly as cryptography re-encodes it.
    out['canonicalSpki'] = field(lambda: spki_der(k) == der_in)
    if RSA_PSS_OID in der_in:
        pss_spki_sha256(out, *source, True, None)
        out['canonicalSpki'] = True
    return out


def params_fields(p):
    if isinstance(p, dh.DHParameters):
        n = p.parameter_numbers()
        return {'kind': 'dh-parameters', 'primeBits': n.p.bit_length(), 'generator': str(n.g)}
    if isinstance(p, dsa.DSAParameters):
        n = p.parameter_numbers()
        return {'kind': 'dsa-parameters', 'primeBits': n.p.bit_length(), 'qBits': n.q.bit_length()}
    return {'kind': type(p).__name__}


def pkcs12_fields(p):
    certs = []
    if p.cert is not None:
        certs.append(p.cert)
    certs.extend(p.additional_certs)
    return {
        'kind': 'pkcs12',
        'keyPresent': p.key is not None,
        'key': field(lambda: key_info(p.key.public_key())) if p.key is not None else None,
        'certificates': [
            {'friendlyName': b2s(c.friendly_name), 'sha256': c.certificate.fingerprint(hashes.SHA256()).hex(), 'fields': cert_fields(c.certificate)}
            for c in certs
        ],
    }


def with_password(path, fn):
    """Runs fn(password) with the file's known password, else none, else each candidate. Returns (result, password)."""
    tried = passwords_for(path)
    first_error = None
    for pw in tried:
        try:
            return fn(None if pw is None else pw.encode()), pw
        except (TypeError, ValueError) as e:
            first_error = first_error or e
            continue
    raise first_error


# ---------------------------------------------------------------------------------------------------------
# PEM blocks and DER files

CERT_LABELS = {'CERTIFICATE', 'X509 CERTIFICATE', 'TRUSTED CERTIFICATE'}
CSR_LABELS = {'CERTIFICATE REQUEST', 'NEW CERTIFICATE REQUEST'}
KEY_LABELS = {'PRIVATE KEY', 'ENCRYPTED PRIVATE KEY', 'RSA PRIVATE KEY', 'EC PRIVATE KEY', 'DSA PRIVATE KEY'}
PUB_LABELS = {'PUBLIC KEY', 'RSA PUBLIC KEY', 'DSA PUBLIC KEY'}
PARAM_LABELS = {'DH PARAMETERS', 'X9.42 DH PARAMETERS', 'DSA PARAMETERS', 'EC PARAMETERS'}


def pem_block(path, label, text, der):
    """(fields, password) for one PEM block; raises when cryptography refuses it."""
    if label in CERT_LABELS:
        return cert_fields(x509.load_pem_x509_certificate(text)), None
    if label in CSR_LABELS:
        return csr_fields(x509.load_pem_x509_csr(text)), None
    if label == 'X509 CRL':
        return crl_fields(x509.load_pem_x509_crl(text)), None
    if label in KEY_LABELS:
        key, pw = with_password(path, lambda p: serialization.load_pem_private_key(text, p))
        fields = private_key_fields(key, der, (text, True))
        return fields, pw
    if label in PUB_LABELS:
        return public_key_fields(serialization.load_pem_public_key(text), der, (text, True)), None
    if label in PARAM_LABELS:
        return params_fields(serialization.load_pem_parameters(text)), None
    raise ValueError(f'no cryptography loader for PEM label {label}')


def skipping_rsa_check(fn):
    """fn() without cryptography's RSA_check_key on loaded RSA keys: for PKCS#12 files only, where it is 90% of
    the run time (the 405 PKITS keystores) and says nothing about the keystore. Keys in asymmetric/ keep the check
    (one of them, rsa-bad-1025-q-is-2.pem, is there to be refused by it)."""
    backend = default_backend()
    saved = getattr(backend, '_rsa_skip_check_key', False)
    backend._rsa_skip_check_key = True
    try:
        return fn()
    finally:
        backend._rsa_skip_check_key = saved


def der_object(path, data):
    """(fields, password) for a DER file: the first of cryptography's loaders that accepts it. A SEQUENCE of two
    INTEGERs is both an RSAPublicKey and DHParameter: cryptography's public key loader takes DH parameters {p, 2}
    for an RSA key with exponent 2; an even exponent is no RSA key (RFC 8017 3.1), so those are read as parameters."""
    errors = []
    for loader in (
        lambda: (cert_fields(x509.load_der_x509_certificate(data)), None),
        lambda: (csr_fields(x509.load_der_x509_csr(data)), None),
        lambda: (crl_fields(x509.load_der_x509_crl(data)), None),
        lambda: (lambda r: (pkcs12_fields(r[0]), r[1]))(with_password(path, lambda p: skipping_rsa_check(lambda: pkcs12.load_pkcs12(data, p)))),
        lambda: (lambda r: (private_key_fields(r[0], data, (data, False)), r[1]))(with_password(path, lambda p: serialization.load_der_private_key(data, p))),
        lambda: (public_key_rsa_exponent_odd(serialization.load_der_public_key(data), data), None),
        lambda: (params_fields(serialization.load_der_parameters(data)), None),
    ):
        try:
            return loader()
        except Exception as e:  # noqa: BLE001
            errors.append(f'{type(e).__name__}: {e}'.split('\n')[0])
    raise ValueError('; '.join(dict.fromkeys(errors)))


def public_key_rsa_exponent_odd(k, data):
    if isinstance(k, rsa.RSAPublicKey) and k.public_numbers().e % 2 == 0:
        raise ValueError(f'RSA public exponent {k.public_numbers().e} is even: not an RSA key')
    return public_key_fields(k, data, (data, False))


# openssl commands that say whether openssl reads an object, per kind. PEM blocks are given with -inform PEM and
# only tried as their label's kind; DER files are tried as every kind, in this order.
def openssl_commands(kind, pem, password):
    inform = ['-inform', 'PEM' if pem else 'DER']
    passin = ['-passin', 'pass:' + (password or '')]
    return {
        'certificate': [['x509', '-noout', *inform]],
        'csr': [['req', '-noout', *inform]],
        'crl': [['crl', '-noout', *inform]],
        'private-key': [['pkey', '-noout', *inform, *passin]],
        'public-key': [['pkey', '-pubin', '-noout', *inform], ['rsa', '-RSAPublicKey_in', '-noout', *inform]],
        'pkcs12': [] if pem else [['pkcs12', '-noout', *passin], ['pkcs12', '-noout', '-legacy', *passin]],
        'dh-parameters': [['dhparam', '-noout', *inform]],
        'dsa-parameters': [['dsaparam', '-noout', *inform]],
    }[kind]


KINDS = ['certificate', 'csr', 'crl', 'pkcs12', 'private-key', 'public-key', 'dh-parameters', 'dsa-parameters']

LABEL_KINDS = {
    **{l: 'certificate' for l in CERT_LABELS},
    **{l: 'csr' for l in CSR_LABELS},
    'X509 CRL': 'crl',
    **{l: 'private-key' for l in KEY_LABELS},
    **{l: 'public-key' for l in PUB_LABELS},
    'DH PARAMETERS': 'dh-parameters',
    'X9.42 DH PARAMETERS': 'dh-parameters',
    'DSA PARAMETERS': 'dsa-parameters',
}


def openssl_kinds(data, pem, label):
    """The kinds to try: the label's for a PEM block, every kind for DER."""
    return [LABEL_KINDS[label]] if label in LABEL_KINDS else [] if pem else KINDS


def openssl_reads_as(data, pem, kind, passwords):
    """The password with which openssl reads `data` as `kind` ('' when none is needed), or None."""
    for pw in passwords if kind in ('private-key', 'pkcs12') else [None]:
        for args in openssl_commands(kind, pem, pw):
            r = subprocess.run(['openssl', *args], input=data, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            if r.returncode == 0:
                return pw or ''
    return None


def passwords_for(rel):
    """The file's known password first, then none, then the candidates."""
    known = PASSWORDS.get(rel) or next((pw for p, pw in PASSWORD_PREFIXES.items() if rel.startswith(p)), None)
    return list(dict.fromkeys([known, None, *CANDIDATES]))


def read_file(rel, data):
    stripped = data.lstrip()
    if BEGIN_RE.search(data):
        objects = []
        password = None
        # Block numbers count every BEGIN line, as tlsw's "block N" does.
        begins = [m.start() for m in BEGIN_RE.finditer(data)]
        for m in PEM_RE.finditer(data):
            label = m.group(1).decode('ascii', 'replace')
            text = m.group(0)
            block = begins.index(m.start()) + 1
            body = b''.join(l for l in m.group(2).splitlines() if b':' not in l)
            try:
                der = base64.b64decode(body)
            except Exception:  # noqa: BLE001
                der = b''
            try:
                fields, pw = pem_block(rel, label, text, der)
                password = password or pw
                o = {'block': block, 'label': label, **fields}
                fill_from_openssl(o, text, True)
                objects.append(o)
            except Exception as e:  # noqa: BLE001
                objects.append({'block': block, 'label': label, 'refused': f'{type(e).__name__}: {e}'.split('\n')[0],
                                'openssl': (text, True, label, passwords_for(rel))})
        return {'encoding': 'pem', 'password': password, 'objects': objects}
    if stripped[:1] == b'\x30':
        try:
            fields, pw = der_object(rel, data)
            fill_from_openssl(fields, data, False)
            return {'encoding': 'der', 'password': pw, 'objects': [fields]}
        except Exception as e:  # noqa: BLE001
            return {'encoding': 'der', 'password': None, 'objects': [{'refused': str(e), 'openssl': (data, False, None, passwords_for(rel))}]}
    return None


# ---------------------------------------------------------------------------------------------------------
# openssl as the reference where cryptography is silent

def run_openssl(args, data):
    r = subprocess.run(['openssl', *args], input=data, capture_output=True)
    return r.stdout.decode('utf-8', 'backslashreplace') if r.returncode == 0 else None


# openssl's curve names → cryptography's (the TypeScript side maps those to tlsw's).
OPENSSL_CURVES = {'prime256v1': 'secp256r1', 'prime192v1': 'secp192r1'}


def openssl_key(data, pem, public, password=None):
    """Algorithm, size and curve of a key as openssl tells them; EC keys with explicit parameters are asked to name
    their curve (`openssl ec -param_enc named_curve` names it when the parameters are a named curve's)."""
    inform = ['-inform', 'PEM' if pem else 'DER']
    pub = ['-pubin'] if public else ['-passin', 'pass:' + (password or '')]
    text = run_openssl(['pkey', *pub, *inform, '-noout', '-text' if not public else '-text_pub'], data)
    if text is None:
        return None
    m = re.search(r'(?:Private|Public)-Key: \((\d+) bit', text)
    size = int(m.group(1)) if m else None
    if 'Field Type' in text or 'ASN1 OID' in text:
        info = {'algorithm': 'EC', 'size': size, 'explicitParameters': 'Field Type' in text}
        named = run_openssl(['ec', *pub, *inform, '-param_enc', 'named_curve', '-noout', '-text'], data) or ''
        m = re.search(r'ASN1 OID: (\S+)', named)
        info['curve'] = OPENSSL_CURVES.get(m.group(1), m.group(1)) if m else None
        return info
    return None  # only EC is needed so far (the keys cryptography refuses for their explicit parameters)


def openssl_fields(kind, data, pem, password):
    """What openssl says of an object cryptography refused: the fields it prints without ambiguity."""
    inform = ['-inform', 'PEM' if pem else 'DER']
    out = {}
    if kind == 'certificate':
        text = run_openssl(['x509', *inform, '-noout', '-serial', '-fingerprint', '-sha256'], data) or ''
        m = re.search(r'serial=(-?[0-9A-F]+)', text)
        if m:
            out['serial'] = str(int(m.group(1), 16))
        m = re.search(r'Fingerprint=([0-9A-F:]+)', text)
        if m:
            out['fingerprints'] = {'sha256': m.group(1).replace(':', '').lower()}
    elif kind == 'crl':
        text = run_openssl(['crl', *inform, '-noout', '-fingerprint', '-sha256'], data) or ''
        m = re.search(r'Fingerprint=([0-9A-F:]+)', text)
        if m:
            out['fingerprints'] = {'sha256': m.group(1).replace(':', '').lower()}
    elif kind in ('private-key', 'public-key'):
        key = openssl_key(data, pem, kind == 'public-key', password)
        if key:
            out['publicKey'] = key
    elif kind == 'dsa-parameters':
        text = run_openssl(['dsaparam', *inform, '-noout', '-text'], data) or ''
        numbers = dict(re.findall(r'^([PQG]):\s*\n((?:\s+[0-9a-f:]+\n)+)', text, re.M))
        if 'P' in numbers and 'Q' in numbers:
            bits = {k: int(re.sub(r'[^0-9a-f]', '', v), 16).bit_length() for k, v in numbers.items()}
            out['primeBits'] = bits['P']
            out['qBits'] = bits['Q']
    return out


def openssl_extensions(data, pem):
    """isCA and SANs from `openssl x509 -ext`, for certificates whose extensions cryptography refuses to parse.
    None for a field openssl's text does not settle (a duplicated extension, a SAN type it cannot print plainly)."""
    text = run_openssl(['x509', '-inform', 'PEM' if pem else 'DER', '-noout', '-ext', 'basicConstraints,subjectAltName'], data)
    if text is None:
        return None, None
    lines = text.splitlines()
    bcs = [lines[i + 1] for i, l in enumerate(lines) if l.startswith('X509v3 Basic Constraints') and i + 1 < len(lines)]
    is_ca = None if len(bcs) > 1 else bool(bcs and 'CA:TRUE' in bcs[0])
    sans_lines = [lines[i + 1].strip() for i, l in enumerate(lines) if l.startswith('X509v3 Subject Alternative Name') and i + 1 < len(lines)]
    if len(sans_lines) > 1:
        return is_ca, None
    san_list = []
    kinds = {'DNS': 'dns', 'email': 'email', 'URI': 'uri', 'IP Address': 'ip'}
    for entry in sans_lines[0].split(', ') if sans_lines else []:
        t, sep, v = entry.partition(':')
        if not sep or t not in kinds:
            return is_ca, None
        san_list.append({'type': kinds[t], 'value': v})
    return is_ca, san_list


def fill_from_openssl(o, data, pem):
    """Fields cryptography could not compute for an object it read, where openssl settles them."""
    fallbacks = {}
    if o.get('kind') == 'certificate' and (is_error(o.get('isCA')) or is_error(o.get('subjectAltNames'))):
        is_ca, san_list = openssl_extensions(data, pem)
        if is_error(o['isCA']) and is_ca is not None:
            fallbacks['isCA'] = o['isCA']['error']
            o['isCA'] = is_ca
        if is_error(o['subjectAltNames']) and san_list is not None:
            fallbacks['subjectAltNames'] = o['subjectAltNames']['error']
            o['subjectAltNames'] = san_list
    if o.get('kind') in ('certificate', 'csr') and is_error(o.get('publicKey')):
        cmd = ['x509' if o['kind'] == 'certificate' else 'req', '-inform', 'PEM' if pem else 'DER', '-noout', '-pubkey']
        spki = run_openssl(cmd, data)
        key = openssl_key(spki.encode(), True, True) if spki else None
        if key:
            fallbacks['publicKey'] = o['publicKey']['error']
            o['publicKey'] = key
    if fallbacks:
        o['viaOpenssl'] = fallbacks


def is_error(v):
    return isinstance(v, dict) and 'error' in v


def read_entry(item):
    rel, full = item
    entry = {'path': rel}
    excluded = next((why for d, why in EXCLUDED_DIRS.items() if rel.startswith(d + '/')), None)
    if excluded:
        entry['excluded'] = excluded
    elif not rel.startswith(PKI_TOP):
        entry['excluded'] = 'not PKI (symmetric-primitive, hash, KDF or OTP test vectors, or package code)'
    else:
        with open(full, 'rb') as f:
            data = f.read()
        result = read_file(rel, data)
        if result is None:
            entry['excluded'] = 'test-vector text or script (no PEM block, not DER)'
        else:
            entry.update(result)
    return entry


def main():
    # cryptography warns about negative serials and odd country names: the values are what we want, not the advice.
    warnings.simplefilter('ignore')
    items = []
    for dirpath, dirnames, filenames in os.walk(ROOT):
        dirnames.sort()
        for fn in sorted(filenames):
            full = os.path.join(dirpath, fn)
            items.append((os.path.relpath(full, ROOT).replace(os.sep, '/'), full))
    # Files are independent: read them on every core (order kept).
    with multiprocessing.Pool(min(8, os.cpu_count() or 1), initializer=warnings.simplefilter, initargs=('ignore',)) as pool:
        files = pool.map(read_entry, items, chunksize=16)
    # Objects cryptography refused: does openssl read them? (In parallel: each is a few openssl processes.)
    pending = [(entry, o) for entry in files for o in entry.get('objects', []) if 'refused' in o]
    tasks = [(i, kind) for i, (_, o) in enumerate(pending) for kind in openssl_kinds(*o['openssl'][:3])]
    with ThreadPoolExecutor(max_workers=8) as pool:
        found = list(pool.map(lambda t: openssl_reads_as(pending[t[0]][1]['openssl'][0], pending[t[0]][1]['openssl'][1], t[1], pending[t[0]][1]['openssl'][3]), tasks))
    for i, (entry, o) in enumerate(pending):
        hit = next(((kind, pw) for (j, kind), pw in zip(tasks, found) if j == i and pw is not None), None)
        data, pem = o['openssl'][0], o['openssl'][1]
        o['openssl'] = hit[0] if hit else None
        if hit and hit[1] and entry['password'] is None:
            entry['password'] = hit[1]
        if hit:
            o['opensslFields'] = openssl_fields(hit[0], data, pem, hit[1])
    ossl = subprocess.run(['openssl', 'version'], capture_output=True, text=True).stdout.strip()
    sys.stdout.write(json.dumps({'cryptography': cryptography.__version__, 'openssl': ossl, 'root': ROOT, 'files': files}, separators=(',', ':')))


if __name__ == '__main__':
    main()
