/** A number for axes, legends and captions without float noise: "0.0051 µS", "1.234e-5". */
export function fmtValue(v: number | null | undefined, unit = ''): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '—';
  const a = Math.abs(v);
  const s = a !== 0 && (a < 1e-3 || a >= 1e6) ? v.toExponential(3) : Number(v.toPrecision(5)).toString();
  return unit ? `${s} ${unit}` : s;
}
