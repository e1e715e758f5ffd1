// One rule for showing untrusted text (certificate fields, PKCS#12 friendly names, file names, messages quoting
// them) in a terminal, a VS Code notification or tree, or the inspector: characters that would drive the terminal
// or change how the text around them is read are shown as visible escapes instead.
//   C0 controls, DEL, C1 controls            → \xNN      (ESC → \x1b, CR → \x0d, CSI U+009B → \x9b)
//   bidi embeddings, overrides and isolates,
//   LRM / RLM / ALM, zero-width characters,
//   line and paragraph separators, BOM       → \u{NNNN}  (RLO → \u{202E})
// Text stays text: everything else, including non-ASCII letters, is unchanged, and the result has none of the
// characters above, so applying the rule twice changes nothing.

// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/g;
// The same without TAB and LF, for multi-line text whose line structure is ours (usage texts, the inspector's notes).
// eslint-disable-next-line no-control-regex
const UNSAFE_KEEPING_LINES = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/g;
// What JSON.stringify leaves as it is but a terminal or an editor would still act on.
const UNSAFE_IN_JSON = /[\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/g;

function escapeOne(c: string): string {
  const code = c.charCodeAt(0);
  return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u{${code.toString(16).toUpperCase().padStart(4, '0')}}`;
}

export interface PrintableOptions {
  /** Keep TAB and LF as they are (text whose lines are laid out by us). Default: escape them too. */
  keepLineBreaks?: boolean;
}

/** Untrusted text made safe to show: controls, DEL, bidi and invisible formatting characters as visible escapes. */
export function printable(s: string, opts: PrintableOptions = {}): string {
  const re = opts.keepLineBreaks ? UNSAFE_KEEPING_LINES : UNSAFE;
  re.lastIndex = 0;
  return re.test(s) ? s.replace(re, escapeOne) : s;
}

/**
 * JSON text (from JSON.stringify) with the characters JSON leaves raw — DEL, C1 controls, bidi and invisible
 * formatting characters — written as `\uNNNN` escapes: still the same JSON value, but safe to print.
 */
export function printableJson(json: string): string {
  return json.replace(UNSAFE_IN_JSON, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
