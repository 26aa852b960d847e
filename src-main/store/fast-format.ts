/**
 * Byte-level writers for CSV numbers that produce exactly the text of `formatValue` and
 * `formatTime` (src-main/recordings/csv-format.ts) without building a string per value.
 * Export speed is dominated by number formatting: `toPrecision` + `Number` + `String` cost
 * a few hundred nanoseconds and a string allocation each, too slow for ≥ 100 MB/s.
 *
 * Why the fast paths are exact:
 * - `formatValue(v)` picks the first precision p in 6…9 whose rounding reads back to the
 *   same f32, then prints that decimal in JavaScript's shortest form. For 1e-4 ≤ |v| < 1e5
 *   the decimal exponent e is in [-4, 4] and the scale k = p-1-e is in [1, 12], so
 *   |v|·10^k needs at most 24 + 28 bits: the product is exact in a double and rounding
 *   it gives the correctly rounded p-digit integer n (ties up, as toPrecision does).
 *   `n / 10^k` is one correctly rounded division, i.e. `Number(s)` of the decimal text.
 *   The shortest text of that double is n without trailing zeros, because two different
 *   decimals of ≤ 15 digits never round to the same double.
 * - `formatTime(step, dt)` rounds step·dt to 12 digits. When dt prints as a short decimal
 *   m·10^-d (d ≤ 6) and step·m < 10^12, the exact time step·m·10^-d has ≤ 12 digits and
 *   the double product is within 1e-15 of it, so the result is that decimal, trimmed.
 * Anything outside these ranges falls back to the reference functions.
 */
import { formatTime, formatValue } from '../recordings/csv-format.js';

const POW10: readonly number[] = Array.from({ length: 23 }, (_, i) => 10 ** i);
const CHAR_0 = 48;
const CHAR_MINUS = 45;
const CHAR_DOT = 46;

/** Scratch space for the digits of one number, written backwards. */
const digits = new Uint8Array(32);

const utf8 = new TextEncoder();

/** Writes a string as UTF-8 (header cells may hold units such as µS); returns the new position. */
export function writeText(buf: Uint8Array, pos: number, text: string): number {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0x80) return pos + i + utf8.encodeInto(text.slice(i), buf.subarray(pos + i)).written;
    buf[pos + i] = c;
  }
  return pos + text.length;
}

/** Writes a safe integer in decimal; returns the new position. */
export function writeInt(buf: Uint8Array, pos: number, value: number): number {
  let n = value;
  if (n < 0) {
    buf[pos++] = CHAR_MINUS;
    n = -n;
  }
  if (n < 10) {
    buf[pos++] = CHAR_0 + n;
    return pos;
  }
  let len = 0;
  while (n > 0) {
    const q = Math.floor(n / 10);
    digits[len++] = CHAR_0 + (n - q * 10);
    n = q;
  }
  while (len > 0) buf[pos++] = digits[--len]!;
  return pos;
}

/**
 * Writes the decimal n·10^-k (n ≥ 0 an integer, k ≥ 0) in JavaScript's fixed notation with
 * trailing zeros removed; returns the new position.
 */
function writeScaled(buf: Uint8Array, pos: number, n: number, k: number): number {
  let len = 0;
  // Trailing zeros after the decimal point are dropped, as String(number) does.
  while (k > 0 && n % 10 === 0) {
    n /= 10;
    k--;
  }
  if (n === 0) {
    buf[pos++] = CHAR_0;
    return pos;
  }
  while (n > 0) {
    const q = Math.floor(n / 10);
    digits[len++] = CHAR_0 + (n - q * 10);
    n = q;
  }
  if (k === 0) {
    while (len > 0) buf[pos++] = digits[--len]!;
    return pos;
  }
  if (len <= k) {
    buf[pos++] = CHAR_0;
    buf[pos++] = CHAR_DOT;
    for (let z = k - len; z > 0; z--) buf[pos++] = CHAR_0;
    while (len > 0) buf[pos++] = digits[--len]!;
    return pos;
  }
  while (len > k) buf[pos++] = digits[--len]!;
  buf[pos++] = CHAR_DOT;
  while (len > 0) buf[pos++] = digits[--len]!;
  return pos;
}

/** Bit view of one f32, to read a value's exponent and mantissa. */
const f32 = new Float32Array(1);
const f32Bits = new Uint32Array(f32.buffer);
/** Half the f32 spacing at each biased exponent: 2^(exp-127-24). */
const HALF_ULP: readonly number[] = Array.from({ length: 256 }, (_, exp) => 2 ** (exp - 151));
/** floor(log10(2^(exp-127))) for each biased f32 exponent: the decimal exponent or one less. */
const DECIMAL_EXPONENT: readonly number[] = Array.from({ length: 256 }, (_, exp) => Math.floor((exp - 127) * Math.log10(2)));
/**
 * Relative margin around the f32 rounding boundary inside which the cheap test below defers
 * to the reference test: the double rounding in `Math.fround(Number(s))` moves a decimal by
 * at most 2^-28 of half an f32 spacing, far less than this.
 */
const TIE_MARGIN = 1e-7;

/**
 * Math.round for 0 ≤ y < 2^31, through an int32 truncation: several times faster than
 * Math.round on CPUs without a rounding instruction. y + 0.5 can round up across a power of
 * two; the exact difference n - y (both on y's grid) catches that.
 */
function roundHalfUp(y: number): number {
  const n = (y + 0.5) | 0;
  return n - y > 0.5 ? n - 1 : n;
}

/**
 * Writes `formatValue(v)` for an f32 value `v`; returns the new position. Needs at most
 * MAX_VALUE_BYTES bytes of room.
 *
 * Whether the p-digit rounding n·10^-k reads back to the same f32 is decided without a
 * division: it does when |n - a·10^k| is below half the f32 spacing of a (scaled by 10^k;
 * every quantity involved is exact). Only values within TIE_MARGIN of that boundary, and
 * powers of two (whose spacing differs on either side), take the reference test.
 */
export function writeValue(buf: Uint8Array, pos: number, v: number): number {
  if (v === 0) {
    buf[pos++] = CHAR_0; // formatValue(-0) is "0" too
    return pos;
  }
  const a = v < 0 ? -v : v;
  // a·1e4 is exact (625 needs 10 bits), so comparing it with powers of ten is exact.
  const x = a * 1e4;
  if (!(x >= 1 && x < 1e9)) return writeText(buf, pos, formatValue(v));
  f32[0] = a;
  const bits = f32Bits[0]!;
  // Decimal exponent from the binary one: floor(log10 a) is e or e + 1.
  let e = DECIMAL_EXPONENT[bits >>> 23]!;
  if (x >= POW10[e + 5]!) e++;
  const powerOfTwo = (bits & 0x7fffff) === 0;
  const halfUlp = HALF_ULP[bits >>> 23]!;
  if (v < 0) buf[pos++] = CHAR_MINUS;
  for (let p = 6; p <= 8; p++) {
    const k = p - 1 - e;
    const scale = POW10[k]!;
    const y = a * scale;
    const n = roundHalfUp(y);
    if (!powerOfTwo) {
      const d = n > y ? n - y : y - n;
      const h = halfUlp * scale;
      if (d < h * (1 - TIE_MARGIN)) return writeSmallScaled(buf, pos, n, k);
      if (d > h * (1 + TIE_MARGIN)) continue;
    }
    if (Math.fround(n / scale) === a) return writeSmallScaled(buf, pos, n, k);
  }
  const k = 8 - e;
  return writeSmallScaled(buf, pos, roundHalfUp(a * POW10[k]!), k);
}

/** `writeScaled` for 0 < n ≤ 10^9 (fits int32): integer arithmetic, digits written in place. */
function writeSmallScaled(buf: Uint8Array, pos: number, n: number, k: number): number {
  let m = n | 0;
  while (k > 0) {
    const q = (m / 10) | 0;
    if (m - q * 10 !== 0) break;
    m = q;
    k--;
  }
  let len = 1;
  while (len < 10 && m >= POW10[len]!) len++;
  // Layout: "ddd", "0.000ddd" or "dd.ddd"; the digits are filled from the last one back.
  let end: number;
  if (k === 0) end = pos + len;
  else if (len <= k) {
    buf[pos++] = CHAR_0;
    buf[pos++] = CHAR_DOT;
    for (let z = k - len; z > 0; z--) buf[pos++] = CHAR_0;
    end = pos + len;
    k = 0;
  } else end = pos + len + 1;
  let at = end;
  while (k > 0) {
    const q = (m / 10) | 0;
    buf[--at] = CHAR_0 + (m - q * 10);
    m = q;
    k--;
    if (k === 0) buf[--at] = CHAR_DOT;
  }
  while (at > pos) {
    const q = (m / 10) | 0;
    buf[--at] = CHAR_0 + (m - q * 10);
    m = q;
  }
  return end;
}

/** Upper bound of the bytes one `writeValue` call writes (e.g. "-1.17549435e-38"). */
export const MAX_VALUE_BYTES = 24;

/** Writes the time of a step; returns the new position. */
export type TimeWriter = (buf: Uint8Array, pos: number, step: number) => number;

/** Upper bound of the bytes one TimeWriter call writes. */
export const MAX_TIME_BYTES = 32;

/** A writer of `formatTime(step, dt)` specialised for one dt. */
export function makeTimeWriter(dt: number): TimeWriter {
  const text = String(dt);
  const match = /^(\d+)(?:\.(\d{1,6}))?$/.exec(text);
  const slow: TimeWriter = (buf, pos, step) => writeText(buf, pos, formatTime(step, dt));
  if (!match || !(dt > 0)) return slow;
  const decimals = match[2]?.length ?? 0;
  const m = Number((match[1] ?? '') + (match[2] ?? ''));
  const limit = 1e12 / m;
  return (buf, pos, step) => {
    if (step < 0 || step >= limit || !Number.isInteger(step)) return slow(buf, pos, step);
    return writeScaled(buf, pos, step * m, decimals);
  };
}
