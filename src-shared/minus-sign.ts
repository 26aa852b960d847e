/**
 * The minus sign (U+2212), as papers print it and copying from a PDF brings it, read as the
 * hyphen-minus that numbers, units and expressions are written with. Applied where a user's
 * text is parsed (equations, parameter fields), so a value copied from a paper is taken.
 */
export function plainMinus(text: string): string {
  return text.replace(/\u2212/g, '-');
}
