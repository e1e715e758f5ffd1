// Distinguished names for the writing half: parse a subject the way a user types it, build one from
// form fields, and DER-encode it the way OpenSSL 3 does.
//
// Two input syntaxes (chosen by the first character):
//  - OpenSSL `-subj` style, when the string starts with `/`: `/C=UK/O=Any Org/CN=x`. Attributes are
//    taken in the order written (which is the order of the encoded Name, as with `openssl req -subj`).
//    `\` escapes the next character (`\/`, `\+`, `\\`); an unescaped `+` instead of `/` makes a
//    multi-valued RDN (`/O=Org+OU=Unit`). `=` inside a value needs no escape. `/` alone is the empty name.
//  - RFC 4514 style otherwise: `C=UK, O=Any Org, CN=x`. NOTE: taken in the order WRITTEN (first written =
//    first in the encoded Name), which is how OpenSSL prints names by default and how the model's
//    `DistinguishedName.text` reads — not the reversed order of a strict RFC 4514 string. `,` or `;`
//    separate RDNs, `+` joins attributes of one RDN, `\` escapes a special character or a hex pair
//    (`\2C`, UTF-8 bytes `\C3\A9`), `"…"` quotes a value; unescaped spaces around types and values are
//    ignored. `#hex` values are refused.
//
// Attribute types: OpenSSL short names (C, ST, L, O, OU, CN, emailAddress, serialNumber, DC, UID, street,
// SN, GN, title, …), their long names (commonName, …), the aliases E / email (emailAddress) and S (ST),
// all case-insensitively, or a dotted OID. Anything else is refused, naming the attribute.

import { Tag, children, decodeOid, decodeString, expectTag, readRoot } from '../der/asn1';
import { derOid, derSetOf, derTlv } from '../der/encode';
import { PkiError } from '../model';

export interface DnAttr {
  /** Short name (`C`, `ST`, `L`, `O`, `OU`, `CN`, `emailAddress`, `serialNumber`, `DC`, `UID`, …) or a dotted OID. */
  type: string;
  value: string;
  /** True when this attribute belongs to the same (multi-valued) RDN as the previous one (`+`). */
  sameRdn?: boolean;
}

type Encoding = 'printable' | 'ia5' | 'utf8';

interface AttrDef {
  short: string;
  oid: string;
  long: string;
  encoding: Encoding;
  /** Length bounds in characters, as OpenSSL enforces them (a_strnid.c). */
  min?: number;
  max?: number;
}

const ATTRS: AttrDef[] = [
  { short: 'C', oid: '2.5.4.6', long: 'countryName', encoding: 'printable', min: 2, max: 2 },
  { short: 'ST', oid: '2.5.4.8', long: 'stateOrProvinceName', encoding: 'utf8', max: 128 },
  { short: 'L', oid: '2.5.4.7', long: 'localityName', encoding: 'utf8', max: 128 },
  { short: 'O', oid: '2.5.4.10', long: 'organizationName', encoding: 'utf8', max: 64 },
  { short: 'OU', oid: '2.5.4.11', long: 'organizationalUnitName', encoding: 'utf8', max: 64 },
  { short: 'CN', oid: '2.5.4.3', long: 'commonName', encoding: 'utf8', max: 64 },
  { short: 'emailAddress', oid: '1.2.840.113549.1.9.1', long: 'emailAddress', encoding: 'ia5', max: 128 },
  { short: 'serialNumber', oid: '2.5.4.5', long: 'serialNumber', encoding: 'printable', max: 64 },
  { short: 'DC', oid: '0.9.2342.19200300.100.1.25', long: 'domainComponent', encoding: 'ia5' },
  { short: 'UID', oid: '0.9.2342.19200300.100.1.1', long: 'userId', encoding: 'utf8' },
  { short: 'street', oid: '2.5.4.9', long: 'streetAddress', encoding: 'utf8' },
  { short: 'SN', oid: '2.5.4.4', long: 'surname', encoding: 'utf8', max: 32768 },
  { short: 'GN', oid: '2.5.4.42', long: 'givenName', encoding: 'utf8', max: 32768 },
  { short: 'initials', oid: '2.5.4.43', long: 'initials', encoding: 'utf8', max: 32768 },
  { short: 'generationQualifier', oid: '2.5.4.44', long: 'generationQualifier', encoding: 'utf8' },
  { short: 'title', oid: '2.5.4.12', long: 'title', encoding: 'utf8', max: 64 },
  { short: 'description', oid: '2.5.4.13', long: 'description', encoding: 'utf8' },
  { short: 'businessCategory', oid: '2.5.4.15', long: 'businessCategory', encoding: 'utf8' },
  { short: 'postalCode', oid: '2.5.4.17', long: 'postalCode', encoding: 'utf8' },
  { short: 'name', oid: '2.5.4.41', long: 'name', encoding: 'utf8', max: 32768 },
  { short: 'dnQualifier', oid: '2.5.4.46', long: 'dnQualifier', encoding: 'printable' },
  { short: 'pseudonym', oid: '2.5.4.65', long: 'pseudonym', encoding: 'utf8' },
  { short: 'organizationIdentifier', oid: '2.5.4.97', long: 'organizationIdentifier', encoding: 'utf8' },
  { short: 'jurisdictionC', oid: '1.3.6.1.4.1.311.60.2.1.3', long: 'jurisdictionCountryName', encoding: 'printable', min: 2, max: 2 },
  { short: 'jurisdictionST', oid: '1.3.6.1.4.1.311.60.2.1.2', long: 'jurisdictionStateOrProvinceName', encoding: 'utf8' },
  { short: 'jurisdictionL', oid: '1.3.6.1.4.1.311.60.2.1.1', long: 'jurisdictionLocalityName', encoding: 'utf8' },
];

const BY_NAME = new Map<string, AttrDef>();
const BY_OID = new Map<string, AttrDef>();
for (const a of ATTRS) {
  BY_NAME.set(a.short.toLowerCase(), a);
  BY_NAME.set(a.long.toLowerCase(), a);
  BY_OID.set(a.oid, a);
}
BY_NAME.set('e', BY_OID.get('1.2.840.113549.1.9.1') as AttrDef);
BY_NAME.set('email', BY_OID.get('1.2.840.113549.1.9.1') as AttrDef);
BY_NAME.set('s', BY_OID.get('2.5.4.8') as AttrDef);

const OID_RE = /^(?:oid\.)?([0-2](?:\.(?:0|[1-9]\d*))+)$/i;

/** Canonical type name: the short name of a known attribute (whether given by name or OID), else the OID. */
function canonicalType(raw: string): { type: string; oid: string; def?: AttrDef } {
  const t = raw.trim();
  const def = BY_NAME.get(t.toLowerCase());
  if (def) return { type: def.short, oid: def.oid, def };
  const m = OID_RE.exec(t);
  if (m) {
    const oid = m[1];
    const arcs = oid.split('.').map(Number);
    if (arcs[0] < 2 && arcs[1] >= 40) throw new PkiError(`subject: "${t}" is not a valid OID`);
    const known = BY_OID.get(oid);
    return known ? { type: known.short, oid, def: known } : { type: oid, oid };
  }
  if (t === '') throw new PkiError('subject: an attribute has no type before "="');
  throw new PkiError(`subject: unknown attribute type "${t}"`);
}

const PRINTABLE_RE = /^[A-Za-z0-9 '()+,\-./:=?]*$/;
// eslint-disable-next-line no-control-regex
const CONTROL_RE = /[\u0000-\u001f\u007f]/;
const LONE_SURROGATE_RE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Validates one attribute; returns it with its canonical type. Throws PkiError naming the attribute. */
function checkAttr(a: DnAttr): { attr: DnAttr; oid: string; encoding: Encoding } {
  if (typeof a.type !== 'string' || typeof a.value !== 'string') throw new PkiError('subject: attributes need a type and a value');
  const { type, oid, def } = canonicalType(a.type);
  const v = a.value;
  if (v === '') throw new PkiError(`subject: ${type} has an empty value`);
  if (CONTROL_RE.test(v)) throw new PkiError(`subject: ${type} contains a control character`);
  if (LONE_SURROGATE_RE.test(v)) throw new PkiError(`subject: ${type} is not valid Unicode text`);
  const encoding = def?.encoding ?? 'utf8';
  const chars = [...v].length;
  if (type === 'C' || type === 'jurisdictionC') {
    if (!/^[A-Za-z]{2}$/.test(v)) throw new PkiError(`subject: ${type} must be a 2-letter country code, not "${v}"`);
  } else if (encoding === 'printable' && !PRINTABLE_RE.test(v)) {
    throw new PkiError(`subject: ${type} may only contain letters, digits, spaces and '()+,-./:=? (PrintableString)`);
  } else if (encoding === 'ia5' && !/^[\x20-\x7e]*$/.test(v)) {
    throw new PkiError(`subject: ${type} must be ASCII (IA5String)`);
  }
  if (def?.min !== undefined && chars < def.min) throw new PkiError(`subject: ${type} is shorter than ${def.min} characters`);
  if (def?.max !== undefined && chars > def.max) throw new PkiError(`subject: ${type} is longer than ${def.max} characters (its X.520 upper bound)`);
  const attr: DnAttr = { type, value: v };
  if (a.sameRdn) attr.sameRdn = true;
  return { attr, oid, encoding };
}

/**
 * Parses a subject: OpenSSL `-subj` style when it starts with `/`, else RFC 4514 style in WRITTEN order
 * (see the top of this file). Empty input (or `/`) is the empty name. Throws PkiError on an unknown
 * attribute, a bad country code, an empty value or a syntax error.
 */
export function parseSubject(s: string): DnAttr[] {
  if (typeof s !== 'string') throw new PkiError('subject: expected text');
  // Leading blanks and trailing line breaks are dropped; trailing spaces may be escaped (`\ `) so they stay.
  const text = s.replace(/^\s+/, '').replace(/[\r\n]+$/, '');
  if (text.trim() === '' || text === '/') return [];
  const raw = text.startsWith('/') ? parseOpenSsl(text) : parseRfc4514(text);
  const out = raw.map((a) => checkAttr(a).attr);
  if (out.length > 0) delete out[0].sameRdn;
  return out;
}

function parseOpenSsl(s: string): DnAttr[] {
  const out: DnAttr[] = [];
  let i = 1;
  let joinNext = false;
  while (i < s.length) {
    let type = '';
    while (i < s.length && s[i] !== '=') {
      if (s[i] === '\\') {
        if (i + 1 >= s.length) throw new PkiError('subject: escape character "\\" at the end');
        type += s[i + 1];
        i += 2;
      } else if (s[i] === '/' || s[i] === '+') {
        throw new PkiError(`subject: "${type}" has no "=value" (expected /type=value/…)`);
      } else {
        type += s[i++];
      }
    }
    if (i >= s.length) throw new PkiError(`subject: "${type}" has no "=value" (expected /type=value/…)`);
    i++; // '='
    let value = '';
    let sep = '';
    while (i < s.length) {
      const c = s[i];
      if (c === '\\') {
        if (i + 1 >= s.length) throw new PkiError('subject: escape character "\\" at the end');
        value += s[i + 1];
        i += 2;
      } else if (c === '/' || c === '+') {
        sep = c;
        i++;
        break;
      } else {
        value += c;
        i++;
      }
    }
    if (type.trim() === '') throw new PkiError('subject: an attribute has no type before "="');
    const attr: DnAttr = { type, value };
    if (joinNext) attr.sameRdn = true;
    out.push(attr);
    joinNext = sep === '+';
    if (sep && i >= s.length) {
      if (sep === '+') throw new PkiError('subject: "+" at the end with no attribute after it');
    }
  }
  return out;
}

function parseRfc4514(s: string): DnAttr[] {
  const out: DnAttr[] = [];
  let i = 0;
  let joinNext = false;
  const n = s.length;
  const skipSpaces = (): void => {
    while (i < n && s[i] === ' ') i++;
  };
  while (i < n) {
    skipSpaces();
    let type = '';
    while (i < n && s[i] !== '=') {
      if (s[i] === ',' || s[i] === '+' || s[i] === ';') throw new PkiError(`subject: "${type.trim()}" has no "=value" (expected TYPE=value, …)`);
      type += s[i++];
    }
    if (i >= n) throw new PkiError(`subject: "${type.trim()}" has no "=value" (expected TYPE=value, …)`);
    i++; // '='
    skipSpaces();
    const bytes: number[] = [];
    const pushText = (t: string): void => {
      for (const b of Buffer.from(t, 'utf8')) bytes.push(b);
    };
    let trailingSpaces = 0; // unescaped spaces at the current end of the value
    if (s[i] === '#') throw new PkiError(`subject: hex-encoded (#…) values are not supported (${type.trim()})`);
    if (s[i] === '"') {
      i++;
      let closed = false;
      while (i < n) {
        const c = s[i];
        if (c === '\\') {
          if (i + 1 >= n) throw new PkiError('subject: escape character "\\" at the end');
          pushText(s[i + 1]);
          i += 2;
        } else if (c === '"') {
          closed = true;
          i++;
          break;
        } else {
          const cp = s.codePointAt(i) as number;
          const ch = String.fromCodePoint(cp);
          pushText(ch);
          i += ch.length;
        }
      }
      if (!closed) throw new PkiError(`subject: unterminated quoted value for ${type.trim()}`);
      skipSpaces();
    } else {
      while (i < n) {
        const c = s[i];
        if (c === ',' || c === ';' || c === '+') break;
        if (c === '\\') {
          const h = s.slice(i + 1, i + 3);
          if (/^[0-9A-Fa-f]{2}$/.test(h)) {
            bytes.push(parseInt(h, 16));
            i += 3;
          } else if (i + 1 < n) {
            const cp = s.codePointAt(i + 1) as number;
            const ch = String.fromCodePoint(cp);
            pushText(ch);
            i += 1 + ch.length;
          } else {
            throw new PkiError('subject: escape character "\\" at the end');
          }
          trailingSpaces = 0;
        } else {
          const cp = s.codePointAt(i) as number;
          const ch = String.fromCodePoint(cp);
          pushText(ch);
          i += ch.length;
          trailingSpaces = c === ' ' ? trailingSpaces + 1 : 0;
        }
      }
      bytes.length -= trailingSpaces;
    }
    if (i < n && s[i] !== ',' && s[i] !== ';' && s[i] !== '+') {
      throw new PkiError(`subject: unexpected "${s[i]}" after the value of ${type.trim()}`);
    }
    const buf = Buffer.from(bytes);
    const value = buf.toString('utf8');
    if (!Buffer.from(value, 'utf8').equals(buf)) throw new PkiError(`subject: the value of ${type.trim()} is not valid UTF-8`);
    const attr: DnAttr = { type: type.trim(), value };
    if (joinNext) attr.sameRdn = true;
    out.push(attr);
    if (i < n) {
      joinNext = s[i] === '+';
      i++;
      if (i >= n || s.slice(i).trim() === '') throw new PkiError(`subject: "${s[i - 1]}" at the end with no attribute after it`);
    }
  }
  return out;
}

/** Builds a subject from form fields in OpenSSL's order: C, ST, L, O, OU (each its own RDN), CN, emailAddress. Empty fields are skipped. */
export function subjectFromFields(f: {
  C?: string;
  ST?: string;
  L?: string;
  O?: string;
  OU?: string | string[];
  CN?: string;
  emailAddress?: string;
}): DnAttr[] {
  const out: DnAttr[] = [];
  const add = (type: string, v: string | undefined): void => {
    if (v !== undefined && v !== '') out.push(checkAttr({ type, value: v }).attr);
  };
  add('C', f.C);
  add('ST', f.ST);
  add('L', f.L);
  add('O', f.O);
  for (const ou of Array.isArray(f.OU) ? f.OU : [f.OU]) add('OU', ou);
  add('CN', f.CN);
  add('emailAddress', f.emailAddress);
  return out;
}

// ---------------------------------------------------------------------------------------------
// DER

/**
 * DER `Name` as OpenSSL 3 encodes it: C (and serialNumber, dnQualifier) as PrintableString,
 * emailAddress and DC as IA5String, everything else as UTF8String. Attributes with `sameRdn` share the
 * previous RDN (its members are sorted as DER requires). Throws PkiError on an invalid attribute.
 */
export function encodeName(attrs: DnAttr[]): Uint8Array {
  const rdns: Uint8Array[][] = [];
  attrs.forEach((a, i) => {
    const { attr, oid, encoding } = checkAttr(a);
    const tag = encoding === 'printable' ? Tag.PrintableString : encoding === 'ia5' ? Tag.Ia5String : Tag.Utf8String;
    const atv = derTlv(Tag.Sequence, derOid(oid), derTlv(tag, Buffer.from(attr.value, 'utf8')));
    if (i > 0 && a.sameRdn) rdns[rdns.length - 1].push(atv);
    else rdns.push([atv]);
  });
  return derTlv(Tag.Sequence, ...rdns.map((members) => derSetOf(...members)));
}

/** Decodes a DER `Name` into attributes (types as short names where known). Throws PkiError on malformed input. */
export function decodeDnAttrs(der: Uint8Array): DnAttr[] {
  const root = expectTag(readRoot(der, false), Tag.Sequence, 'Name');
  const out: DnAttr[] = [];
  for (const rdn of children(der, root)) {
    expectTag(rdn, Tag.Set, 'RelativeDistinguishedName');
    children(der, rdn).forEach((atv, j) => {
      const [oidTlv, valTlv] = children(der, expectTag(atv, Tag.Sequence, 'AttributeTypeAndValue'));
      if (!oidTlv || !valTlv) throw new PkiError('Name: incomplete attribute');
      const oid = decodeOid(der, oidTlv);
      const value = decodeString(der, valTlv);
      const a: DnAttr = { type: BY_OID.get(oid)?.short ?? oid, value };
      if (j > 0) a.sameRdn = true;
      out.push(a);
    });
  }
  return out;
}

