/**
 * A rate table for a time-expression parameter (the inhomogeneous Poisson source's rate):
 * `{"table": [[t, rate], …]}`, rows in strictly increasing t, t in ms and rate in the
 * parameter's unit when they are bare numbers (or text with units, "250 ms", "12 Hz").
 * The rate at a time t is interpolated linearly between the two rows around t, held at the
 * first row's rate before it and at the last row's after it.
 *
 * The table becomes an update-language expression of t, so that both engines (and the
 * run's check that rate·dt stays within 0…1 at every step) compute it exactly as they
 * compute an expression: a balanced tree of comparisons `t < t_k ? … : …` whose leaves are
 * the segments r_k + s_k·(t − t_k). Its size grows linearly with the rows and its depth
 * with their logarithm; each segment is evaluated from its own start, so no large terms
 * cancel (in f32 on the GPU either).
 */
import type { TimeExpressionParam } from '../../kernels/types.js';
import type { Expr } from '../../src-shared/expr/ast.js';
import { RATE_TABLE_MAX_ROWS, type RateTableDoc } from '../../src-shared/document/schema.js';
import { toUnit } from '../../src-shared/units.js';

/** Whether a parameter value is a rate table rather than an expression. */
export function isRateTable(raw: unknown): raw is RateTableDoc {
  return typeof raw === 'object' && raw !== null && !Array.isArray(raw) && Object.hasOwn(raw, 'table');
}

/** The table's rows in ms and in `p.unit`, checked: increasing times, finite rates. */
export function rateTableRows(raw: RateTableDoc, p: TimeExpressionParam): Array<[number, number]> {
  const keys = Object.keys(raw).filter((k) => k !== 'table');
  if (keys.length) throw new Error(`a rate table has only the field "table" (found "${keys[0]}")`);
  const rows = raw.table;
  if (!Array.isArray(rows) || rows.length === 0) throw new Error('a rate table needs at least one row [t, rate]');
  if (rows.length > RATE_TABLE_MAX_ROWS) throw new Error(`a rate table has at most ${RATE_TABLE_MAX_ROWS} rows (this one has ${rows.length})`);
  const out: Array<[number, number]> = [];
  rows.forEach((row, k) => {
    if (!Array.isArray(row) || row.length !== 2) throw new Error(`row ${k + 1}: expected [t, rate]`);
    let t: number, r: number;
    try {
      t = toUnit(row[0] as number | string, 'ms');
      r = toUnit(row[1] as number | string, p.unit);
    } catch (e) {
      throw new Error(`row ${k + 1}: ${(e as Error).message}`);
    }
    if (!Number.isFinite(t) || !Number.isFinite(r)) throw new Error(`row ${k + 1}: t and rate must be finite numbers`);
    if (k > 0 && !(t > out[k - 1]![0])) throw new Error(`row ${k + 1}: t = ${t} ms does not come after the previous row's ${out[k - 1]![0]} ms (times must increase)`);
    out.push([t, r]);
  });
  return out;
}

const num = (v: number): Expr => ({ k: 'num', v });
const T: Expr = { k: 'var', name: 't' };

/** The rate on segment k (from row k to row k + 1): r_k + s_k·(t − t_k). */
function segment(rows: ReadonlyArray<[number, number]>, k: number): Expr {
  const [t0, r0] = rows[k]!;
  const [t1, r1] = rows[k + 1]!;
  const slope = (r1 - r0) / (t1 - t0);
  if (slope === 0) return num(r0);
  return { k: 'bin', op: '+', a: num(r0), b: { k: 'bin', op: '*', a: num(slope), b: { k: 'bin', op: '-', a: T, b: num(t0) } } };
}

/** Segments lo…hi − 1 (segment −1: before the first row; rows.length − 1: after the last). */
function tree(rows: ReadonlyArray<[number, number]>, lo: number, hi: number): Expr {
  if (hi - lo === 1) {
    if (lo < 0) return num(rows[0]![1]);
    if (lo >= rows.length - 1) return num(rows[rows.length - 1]![1]);
    return segment(rows, lo);
  }
  const mid = Math.floor((lo + hi) / 2);
  // Segment mid starts at row mid: t < t_mid lies in an earlier segment.
  return { k: 'cond', c: { k: 'bin', op: '<', a: T, b: num(rows[mid]![0]) }, a: tree(rows, lo, mid), b: tree(rows, mid, hi) };
}

/** The update-language expression of the table's rate at t (in `p.unit`, t in ms). */
export function rateTableExpression(raw: RateTableDoc, p: TimeExpressionParam): Expr {
  const rows = rateTableRows(raw, p);
  return tree(rows, -1, rows.length);
}
