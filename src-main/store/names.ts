/**
 * Names people give projects (typed, imported from a file someone sent, sent through the
 * web host), made safe at the boundary of the lab: control characters (ESC, BEL, NUL…)
 * would let a name rewrite the terminal that lists it, and a lone UTF-16 surrogate would
 * be stored as bytes that are not UTF-8, which other SQLite tools cannot read. Names are
 * cleaned when stored, and escaped when printed (labs written before may hold such names).
 */

/** Longest project name, in characters (code points). */
export const MAX_NAME_LENGTH = 200;

/** C0 and C1 control characters, DEL, and the bidirectional overrides that reorder text. */
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/gu;

/** A high surrogate not followed by a low one, or a low one not preceded by a high one. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/**
 * `text` with lone surrogates replaced by U+FFFD, tabs and line breaks by spaces and other
 * control characters removed; trimmed.
 */
export function cleanText(text: string): string {
  return text
    .replace(LONE_SURROGATE, '\ufffd')
    .replace(/[\t\r\n]/g, ' ')
    .replace(CONTROL, '')
    .trim();
}

/** The number of characters (code points), which is what a person counts. */
export function nameLength(name: string): number {
  let n = 0;
  for (const _ of name) n++;
  return n;
}

/** The first `max` characters of `text`, never splitting a surrogate pair. */
function firstChars(text: string, max: number): string {
  let out = '';
  let n = 0;
  for (const ch of text) {
    if (n++ === max) break;
    out += ch;
  }
  return out;
}

/**
 * `base`, or `base (2)`, `base (3)`… whichever `taken` says is free; `base` is shortened
 * first where the suffix would make the name longer than MAX_NAME_LENGTH.
 */
export function unusedName(base: string, taken: (name: string) => boolean): string {
  if (!taken(base)) return base;
  for (let n = 2; ; n++) {
    const suffix = ` (${n})`;
    const name = `${firstChars(base, MAX_NAME_LENGTH - suffix.length).trimEnd()}${suffix}`;
    if (!taken(name)) return name;
  }
}

/**
 * `text` safe to print on a terminal: control characters and lone surrogates as visible
 * escapes (`\x1b`, `\u{d800}`), everything else as it is.
 */
export function escapeForTerminal(text: string): string {
  return text
    .replace(LONE_SURROGATE, (ch) => `\\u{${ch.charCodeAt(0).toString(16)}}`)
    .replace(CONTROL, (ch) => {
      const code = ch.codePointAt(0)!;
      return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u{${code.toString(16)}}`;
    });
}
