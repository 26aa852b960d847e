/**
 * Text entry of parameter values in the inspector: each kind of parameter is shown as
 * text and parsed back with units ("20 ms", "0.5 nS", "normal(-65 mV, 5 mV)"), bounds
 * checked as the compiler checks them, and every problem returned as a message to show
 * next to the field instead of being written into the document.
 */
import type { ParamDef, QuantityParam } from '../../kernels/types.js';
import { toUnit } from '../../src-shared/units.js';
import { boundsProblem } from '../../src-shared/param-bounds.js';
import { plainMinus } from '../../src-shared/minus-sign.js';
import type { RateTableDoc } from '../../src-shared/document/schema.js';

export { boundsProblem };

/** The outcome of parsing a field: a value for the document (undefined = default) or an error. */
export type Parsed = { ok: true; value: unknown } | { ok: false; error: string };

const BARE_NUMBER = /^[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$/;

/** Formats a number without float noise (0.30000000000000004 → 0.3). */
export function fmtNumber(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  if (x === 0) return '0';
  const s = Number(x.toPrecision(10)).toString();
  return s;
}

/**
 * A quantity as text: strings are shown as typed, numbers get the parameter's unit, a
 * value that varies per neuron or connection reads as it is typed: "normal(20 ms, 3 ms)",
 * "uniform(…)", "lognormal(…)", "= -65 mV + 15 mV * r^2" (parseValueOrDistribution).
 */
export function formatQuantity(value: unknown, unit: string): string {
  if (typeof value === 'number') return unit ? `${fmtNumber(value)} ${unit}` : fmtNumber(value);
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object') {
    const d = value as { dist?: string; expr?: unknown; mean?: unknown; sd?: unknown; low?: unknown; high?: unknown };
    if (typeof d.expr === 'string') return `= ${d.expr}`;
    const q = (x: unknown) => formatQuantity(x, unit);
    if (d.dist === 'normal') return `normal(${[d.mean, d.sd, ...(d.low !== undefined || d.high !== undefined ? [d.low ?? '-1e300', d.high ?? '1e300'] : [])].map(q).join(', ')})`;
    if (d.dist === 'uniform') return `uniform(${q(d.low)}, ${q(d.high)})`;
    if (d.dist === 'lognormal') return `lognormal(${q(d.mean)}, ${q(d.sd)})`;
  }
  return '';
}

/** Whether a field's text asks for a value that varies (a distribution or "= expression"). */
export function isVaryingText(text: string): boolean {
  return /^\s*(=|(normal|uniform|lognormal)\s*\()/i.test(text);
}

/** The bounds of a quantity as text ("> 0 ms", "≥ 0 Hz", "0 … 1"), or ''. */
export function boundsText(p: QuantityParam | { kind: 'integer'; min?: number; max?: number }): string {
  const unit = p.kind === 'quantity' ? p.unit : '';
  const u = unit ? ` ${unit}` : '';
  const lo = p.min === undefined ? '' : p.kind === 'quantity' && p.exclusiveMin ? `> ${p.min}${u}` : `≥ ${p.min}${u}`;
  const hi = p.max === undefined ? '' : `≤ ${p.max}${u}`;
  return [lo, hi].filter(Boolean).join(', ');
}

/**
 * Parses a quantity in `unit`: "20 ms", "0.02 s" or a bare number taken in `unit`
 * (returned as a number). Throws a readable message for a wrong unit or dimension.
 */
export function parseQuantity(text: string, unit: string): number | string {
  const t = text.trim();
  if (t === '') throw new Error(unit ? `enter a value in ${unit}` : 'enter a value');
  if (BARE_NUMBER.test(t)) return Number(t);
  toUnit(t, unit); // throws UnitError with the dimension named
  return t;
}

/** The value of a quantity-typed entry in the internal unit. */
export function quantityValue(value: number | string, unit: string): number {
  return typeof value === 'number' ? value : toUnit(value, unit);
}

/** Splits on commas outside parentheses. */
function splitTop(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of text) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out.map((s) => s.trim());
}

/**
 * A value or a distribution: "−65 mV", "normal(-65 mV, 5 mV)", "normal(20 ms, 5 ms, 5 ms,
 * 40 ms)" (truncated to [5 ms, 40 ms] by drawing again), "uniform(0 nS, 10 nS)",
 * "lognormal(10 ms, 2 ms)" (mean, sd), or "= expression" of i, N and r (units are
 * checked by the compiler, whose message the field shows). Empty text means "default".
 */
export function parseValueOrDistribution(text: string, unit: string): Parsed {
  text = plainMinus(text);
  const t = text.trim();
  if (t === '') return { ok: true, value: undefined };
  if (t.startsWith('=')) {
    const expr = t.slice(1).trim();
    return expr ? { ok: true, value: { expr } } : { ok: false, error: 'write an expression after "=", e.g. = -65 mV + 15 mV * r^2' };
  }
  const m = /^(normal|uniform|lognormal)\s*\((.*)\)$/i.exec(t);
  try {
    if (m) {
      const kind = m[1]!.toLowerCase();
      const args = splitTop(m[2]!);
      const truncated = kind === 'normal' && args.length === 4;
      if (args.length !== 2 && !truncated) throw new Error(`${kind}(…) takes two values, e.g. ${kind === 'uniform' ? 'uniform(0 mV, 10 mV)' : `${kind}(10 ms, 2 ms)`}${kind === 'normal' ? ', or four: normal(mean, sd, low, high)' : ''}`);
      const [a, b, lo, hi] = args.map((x) => parseQuantity(x, unit)) as [number | string, number | string, number | string, number | string];
      if (kind === 'normal' || kind === 'lognormal') {
        if (quantityValue(b, unit) < 0) throw new Error('the standard deviation must not be negative');
        if (kind === 'lognormal') {
          if (!(quantityValue(a, unit) > 0)) throw new Error('the mean of a lognormal must be greater than 0');
          return { ok: true, value: { dist: 'lognormal', mean: a, sd: b } };
        }
        if (truncated) {
          if (quantityValue(hi, unit) < quantityValue(lo, unit)) throw new Error('normal(mean, sd, low, high) needs low ≤ high');
          return { ok: true, value: { dist: 'normal', mean: a, sd: b, low: lo, high: hi } };
        }
        return { ok: true, value: { dist: 'normal', mean: a, sd: b } };
      }
      if (quantityValue(b, unit) < quantityValue(a, unit)) throw new Error('uniform(low, high) needs low ≤ high');
      return { ok: true, value: { dist: 'uniform', low: a, high: b } };
    }
    return { ok: true, value: parseQuantity(t, unit) };
  } catch (e) {
    return { ok: false, error: (e as Error).message };
  }
}

/**
 * The pairs rule's list: "pre:post" pairs separated by commas, semicolons or lines, each
 * optionally with its own weight, or weight and delay: "0:1 (2 nA, 1.5 ms), 1:0 (0.5 nA)".
 */
export function parsePairs(text: string, weightUnit: string): Parsed {
  const pairs: Array<[number, number] | [number, number, number | string] | [number, number, number | string, number | string]> = [];
  try {
    for (const part of splitTop(plainMinus(text).replace(/[;\n]/g, ',')).filter(Boolean)) {
      const m = /^(\d+)\s*(?::|->|→)\s*(\d+)\s*(?:\((.*)\))?$/.exec(part);
      if (!m) throw new Error(`"${part}" is not a pair "pre:post" or "pre:post (weight, delay)"`);
      const values = m[3] === undefined ? [] : splitTop(m[3]);
      if (values.length > 2 || values.some((v) => v === '')) throw new Error(`"${part}": give a weight, or a weight and a delay, in the parentheses`);
      const w = values[0] === undefined ? [] : [parseQuantity(values[0], weightUnit)];
      const d = values[1] === undefined ? [] : [parseQuantity(values[1], 'ms')];
      if (d.length > 0 && quantityValue(d[0]!, 'ms') < 0) throw new Error(`"${part}": a delay must not be negative`);
      pairs.push([Number(m[1]), Number(m[2]), ...w, ...d] as (typeof pairs)[number]);
    }
  } catch (e) {
    return { ok: false, error: (e as Error).message };
  }
  return { ok: true, value: pairs };
}

/** The text of a pairs list, as parsePairs reads it. */
export function formatPairs(pairs: ReadonlyArray<ReadonlyArray<number | string | undefined>> | undefined, weightUnit: string): string {
  return (pairs ?? []).map(([a, b, w, d]) => {
    const own = [...(w === undefined ? [] : [formatQuantity(w, weightUnit)]), ...(d === undefined ? [] : [formatQuantity(d, 'ms')])];
    return `${a}:${b}${own.length > 0 ? ` (${own.join(', ')})` : ''}`;
  }).join(', ');
}

/** A connection's delay: a value ≥ 0 ms, or a distribution or "= expression" per connection. */
export function parseDelay(text: string): Parsed {
  text = plainMinus(text);
  const t = text.trim();
  if (t === '') return { ok: true, value: undefined };
  if (isVaryingText(t)) return parseValueOrDistribution(t, 'ms');
  try {
    const v = parseQuantity(t, 'ms');
    if (quantityValue(v, 'ms') < 0) return { ok: false, error: 'a delay must not be negative' };
    return { ok: true, value: v };
  } catch (e) {
    return { ok: false, error: (e as Error).message };
  }
}

/** Parses "all" or "0, 2, 5-9" into 'all' or a sorted list of indices. */
export function parseIndexSet(text: string): Parsed {
  const t = text.trim().toLowerCase();
  if (t === '' || t === 'all') return { ok: true, value: undefined };
  const out = new Set<number>();
  for (const part of t.split(/[,\s]+/).filter(Boolean)) {
    const range = /^(\d+)\s*[-–…]\s*(\d+)$/.exec(part);
    if (range) {
      const a = Number(range[1]);
      const b = Number(range[2]);
      if (b < a) return { ok: false, error: `range "${part}" runs backwards` };
      if (b - a > 100_000) return { ok: false, error: `range "${part}" is too long` };
      for (let i = a; i <= b; i++) out.add(i);
    } else if (/^\d+$/.test(part)) {
      out.add(Number(part));
    } else {
      return { ok: false, error: `"${part}" is not a neuron index (use "all", "0, 3" or "0-9")` };
    }
  }
  return { ok: true, value: [...out].sort((a, b) => a - b) };
}

/** Formats an index list compactly ("0-9, 12"). */
export function formatIndexSet(value: unknown): string {
  if (!Array.isArray(value)) return 'all';
  const xs = [...(value as number[])].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < xs.length; ) {
    let j = i;
    while (j + 1 < xs.length && xs[j + 1] === xs[j]! + 1) j++;
    parts.push(j - i >= 2 ? `${xs[i]}-${xs[j]}` : xs.slice(i, j + 1).join(', '));
    i = j + 1;
  }
  return parts.join(', ');
}

/**
 * Parses a spike list: one line per neuron, "neuron: t1, t2, …" ("10 ms, 30 ms" alone is
 * neuron 0). Times need units; a bare number is taken in ms.
 */
export function parseSpikeList(text: string): Parsed {
  const pairs: Array<[number, number | string]> = [];
  const lines = text.split(/\n|;/).map((l) => l.trim()).filter(Boolean);
  for (const line of lines) {
    const m = /^(\d+)\s*:\s*(.*)$/.exec(line);
    const neuron = m ? Number(m[1]) : 0;
    const times = (m ? m[2]! : line).split(',').map((s) => s.trim()).filter(Boolean);
    for (const t of times) {
      try {
        const v = parseQuantity(t, 'ms');
        if (quantityValue(v, 'ms') < 0) return { ok: false, error: `"${t}": spike times must not be negative` };
        pairs.push([neuron, v]);
      } catch (e) {
        return { ok: false, error: (e as Error).message };
      }
    }
  }
  return { ok: true, value: pairs };
}

/** Formats a spike list as lines "neuron: t1, t2". */
export function formatSpikeList(value: unknown): string {
  if (!Array.isArray(value)) return '';
  const byNeuron = new Map<number, string[]>();
  for (const pair of value as Array<[number, number | string]>) {
    if (!Array.isArray(pair)) continue;
    const list = byNeuron.get(pair[0]) ?? [];
    list.push(formatQuantity(pair[1], 'ms'));
    byNeuron.set(pair[0], list);
  }
  return [...byNeuron].sort((a, b) => a[0] - b[0]).map(([n, ts]) => `${n}: ${ts.join(', ')}`).join('\n');
}

/** Parses a comma-separated list of quantities in `unit`. */
export function parseQuantityList(text: string, unit: string): Parsed {
  const items = text.split(/[,;\n]/).map((s) => s.trim()).filter(Boolean);
  const out: Array<number | string> = [];
  for (const [k, item] of items.entries()) {
    try {
      out.push(parseQuantity(item, unit));
    } catch (e) {
      return { ok: false, error: `entry ${k + 1}: ${(e as Error).message}` };
    }
  }
  return { ok: true, value: out.length === 0 ? undefined : out };
}

/** Parses a field of parameter kind `p` from its text. */
export function parseParam(p: ParamDef, text: string): Parsed {
  text = plainMinus(text);
  const t = text.trim();
  switch (p.kind) {
    case 'quantity': {
      if (t === '') return { ok: true, value: undefined };
      // A value per neuron: its bounds are checked per neuron by the compiler.
      if (isVaryingText(t)) return parseValueOrDistribution(t, p.unit);
      try {
        const v = parseQuantity(t, p.unit);
        const problem = boundsProblem(p, quantityValue(v, p.unit));
        if (problem) return { ok: false, error: `${problem}` };
        return { ok: true, value: v };
      } catch (e) {
        return { ok: false, error: (e as Error).message };
      }
    }
    case 'integer': {
      if (t === '') return { ok: true, value: undefined };
      if (!/^[-+]?\d+$/.test(t)) return { ok: false, error: `"${t}" is not a whole number` };
      const v = Number(t);
      if (p.min !== undefined && v < p.min) return { ok: false, error: `must be at least ${p.min}` };
      if (p.max !== undefined && v > p.max) return { ok: false, error: `must be at most ${p.max}` };
      return { ok: true, value: v };
    }
    case 'enum':
      if (t === '') return { ok: true, value: undefined };
      return p.values.includes(t) ? { ok: true, value: t } : { ok: false, error: `choose one of ${p.values.join(', ')}` };
    case 'spike-list':
      return parseSpikeList(text);
    case 'quantity-list':
      return parseQuantityList(text, p.unit);
    case 'index-set':
      return parseIndexSet(text);
    case 'state-name':
      if (t === '') return { ok: true, value: undefined };
      return /^[A-Za-z_][A-Za-z0-9_]*$/.test(t) ? { ok: true, value: t } : { ok: false, error: `"${t}" is not a state name` };
    case 'time-expression':
      if (/^table\s*:/.test(t)) return parseRateTableText(t);
      // Checked (names, units) by the compiler, whose message the inspector shows.
      return { ok: true, value: t === '' ? undefined : t };
  }
}

/** The text shown for a parameter's value (empty for "default" where a placeholder says it). */
export function formatParamValue(p: ParamDef, value: unknown): string {
  switch (p.kind) {
    case 'quantity':
      return value === undefined ? formatQuantity(p.default, p.unit) : formatQuantity(value, p.unit);
    case 'integer':
      return String(value ?? p.default);
    case 'enum':
      return String(value ?? p.default);
    case 'spike-list':
      return formatSpikeList(value);
    case 'quantity-list':
      return Array.isArray(value) ? value.map((v) => formatQuantity(v, p.unit)).join(', ') : '';
    case 'index-set':
      return formatIndexSet(value);
    case 'state-name':
      return typeof value === 'string' ? value : '';
    case 'time-expression':
      if (value !== null && typeof value === 'object' && Array.isArray((value as { table?: unknown }).table)) return formatRateTable(value as RateTableDoc);
      return typeof value === 'string' ? value : p.default;
  }
}

/**
 * A rate table as inspector text, "table: 0 ms → 5 Hz, 100 ms → 20 Hz" (rows of the
 * document's {"table": [[t, rate], …]}), read back by parseRateTableText.
 */
export function formatRateTable(v: RateTableDoc): string {
  return `table: ${v.table.map(([t, r]) => `${formatQuantity(t, 'ms')} → ${formatQuantity(r, 'Hz')}`).join(', ')}`;
}

/** A quantity, as a bare number where it is written in `unit` itself ("5 Hz" → 5), as the CSV loader stores it. */
function tableCell(text: string, unit: string): number | string {
  const q = parseQuantity(text, unit);
  const own = typeof q === 'string' ? /^([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*(\S+)$/.exec(q) : null;
  return own && own[2] === unit ? Number(own[1]) : q;
}

/** Reads "table: t → rate, …" (→ or ->; units optional, ms and Hz by default). */
export function parseRateTableText(text: string): Parsed {
  try {
    const rows = text.replace(/^table\s*:/, '').split(/[,;\n]/).map((s) => s.trim()).filter(Boolean).map((row) => {
      const m = /^(.+?)\s*(?:→|->)\s*(.+)$/.exec(row);
      if (!m) throw new Error(`"${row}" is not a row "t → rate"`);
      return [tableCell(m[1]!, 'ms'), tableCell(m[2]!, 'Hz')] as [number | string, number | string];
    });
    if (rows.length === 0) return { ok: false, error: 'a rate table needs at least one row "t → rate"' };
    return { ok: true, value: { table: rows } };
  } catch (e) {
    return { ok: false, error: (e as Error).message };
  }
}

/** The text in an inspector field: what the document holds, '' when it holds nothing. */
export function fieldText(p: ParamDef, value: unknown): string {
  if (value === undefined && (p.kind === 'quantity' || p.kind === 'integer' || p.kind === 'index-set' || p.kind === 'state-name' || p.kind === 'time-expression')) return '';
  return formatParamValue(p, value);
}

/** The placeholder of an inspector field (the default). */
export function placeholderOf(p: ParamDef): string {
  switch (p.kind) {
    case 'quantity':
      return `${formatQuantity(p.default, p.unit)} (default)`;
    case 'integer':
      return `${p.default} (default)`;
    case 'index-set':
      return 'all';
    case 'spike-list':
      return '0: 10 ms, 30 ms';
    case 'quantity-list':
      return `e.g. 10 ${p.unit}, 20 ${p.unit}`;
    case 'time-expression':
      return `${p.default} (default)`;
    default:
      return '';
  }
}
