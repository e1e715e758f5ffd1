// X.501 distinguished names → DistinguishedName (attributes in DER order, one RFC 4514-style line).

import type { Tlv } from '../der/asn1';
import { Tag, children, decodeOid, decodeString, readTlv, toHex } from '../der/asn1';
import type { DistinguishedName, NameAttribute } from '../model';
import { PkiError } from '../model';
import { oidName } from '../der/oids';

/** Universal string tags whose contents are text. */
const STRING_TAGS = new Set<number>([
  Tag.Utf8String, 0x12 /* NumericString */, Tag.PrintableString, Tag.T61String, 0x15 /* VideotexString */,
  Tag.Ia5String, 0x19 /* GraphicString */, 0x1a /* VisibleString */, 0x1b /* GeneralString */,
  Tag.UniversalString, Tag.BmpString,
]);

/**
 * Decodes the Name TLV `nameTlv` of `bytes`. `text` joins RDNs with `, ` and multi-valued RDN members with
 * `+`, in DER order; values are escaped as RFC 4514 says (`, + = \ " < > ;`, a leading `#` or space, a trailing
 * space, control characters as `\XX`). Non-string values are shown as `#` + the hex of their DER.
 */
export function decodeDistinguishedName(bytes: Uint8Array, nameTlv: Tlv): DistinguishedName {
  if (nameTlv.tag !== Tag.Sequence) {
    throw new PkiError(`name: expected a SEQUENCE, found tag 0x${nameTlv.tag.toString(16)}`);
  }
  const attributes: NameAttribute[] = [];
  let text = '';
  let p = nameTlv.contentStart;
  while (p < nameTlv.end) {
    const rdn = readTlv(bytes, p, nameTlv.end);
    p = rdn.end;
    if (rdn.tag !== Tag.Set) throw new PkiError(`name: expected a SET (relative distinguished name), found tag 0x${rdn.tag.toString(16)}`);
    if (rdn.contentStart === rdn.end) throw new PkiError('name: empty relative distinguished name');
    let q = rdn.contentStart;
    let first = true;
    while (q < rdn.end) {
      const atv = readTlv(bytes, q, rdn.end);
      q = atv.end;
      if (atv.tag !== Tag.Sequence) throw new PkiError(`name: expected an attribute SEQUENCE, found tag 0x${atv.tag.toString(16)}`);
      const parts = children(bytes, atv);
      if (parts.length !== 2) throw new PkiError(`name: an attribute has ${parts.length} parts instead of 2 (type and value)`);
      const oid = decodeOid(bytes, parts[0]);
      const v = parts[1];
      const isString = STRING_TAGS.has(v.tag);
      const value = isString ? decodeString(bytes, v) : '#' + toHex(bytes.subarray(v.start, v.end));
      const type = oidName(oid) ?? oid;
      attributes.push({ type, oid, value });
      if (text.length > 0) text += first ? ', ' : '+';
      text += type + '=' + (isString ? escapeValue(value) : value);
      first = false;
    }
  }
  return { text, attributes };
}

// eslint-disable-next-line no-control-regex
const NEEDS_ESCAPE = /[,+=\\"<>;\x00-\x1f\x7f]|^[# ]| $/;

/** RFC 4514-style escaping of one attribute value. */
export function escapeValue(value: string): string {
  if (!NEEDS_ESCAPE.test(value)) return value;
  let out = '';
  for (let i = 0; i < value.length; i++) {
    const ch = value[i];
    const code = value.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) {
      out += '\\' + code.toString(16).padStart(2, '0');
    } else if (',+=\\"<>;'.includes(ch) || ((ch === '#' || ch === ' ') && i === 0) || (ch === ' ' && i === value.length - 1)) {
      out += '\\' + ch;
    } else {
      out += ch;
    }
  }
  return out;
}
