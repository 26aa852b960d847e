/**
 * Python text for numbers and arrays in exported scripts. Numbers print as the shortest text
 * that reads back to the same double (JavaScript's), always as floats, so Python and Brian2
 * never see an integer where the model means a real number. Short arrays print as lists a
 * reader can check; long ones (connectivity of a large network) as base64 of their
 * little-endian bytes, zlib-compressed, which keeps the script self-contained and exact.
 */
import { deflateSync } from 'node:zlib';

/** A float literal that round-trips exactly (inf and nan through float()). */
export function pyFloat(v: number): string {
  if (Number.isNaN(v)) return "float('nan')";
  if (v === Infinity) return "float('inf')";
  if (v === -Infinity) return "float('-inf')";
  const s = String(Object.is(v, -0) ? '-0' : v);
  return /[.e]/.test(s) ? s : `${s}.0`;
}

/** Arrays at most this long print as Python lists. */
export const LIST_LIMIT = 64;

/** `np.array([...])` or `unpack('<dtype>', '<base64>')` (the helper of the script's prelude). */
export function pyArray(values: ArrayLike<number>, kind: 'int' | 'float'): string {
  if (values.length <= LIST_LIMIT) {
    const items = Array.from(values, (v) => (kind === 'int' ? String(v) : pyFloat(v)));
    return `np.array([${items.join(', ')}], dtype=${kind === 'int' ? 'np.int32' : 'np.float64'})`;
  }
  const typed = kind === 'int' ? Int32Array.from(values) : Float64Array.from(values);
  const bytes = Buffer.from(typed.buffer, typed.byteOffset, typed.byteLength);
  const text = deflateSync(bytes, { level: 9 }).toString('base64');
  const lines = text.match(/.{1,96}/g) ?? [''];
  return `unpack('${kind === 'int' ? '<i4' : '<f8'}', (\n    '${lines.join("'\n    '")}'))`;
}

/** A Python string literal (block ids and names are plain identifiers; titles may not be). */
export function pyString(s: string): string {
  return JSON.stringify(s);
}
