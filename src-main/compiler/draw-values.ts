/**
 * Values per neuron or per connection from a document's spec: a constant, a distribution
 * (normal, normal truncated to [low, high] by drawing again, uniform, lognormal) or an
 * expression (value-expression.ts). Distributions draw in element order from one stream
 * of the counter-based generator (host-random.ts), the streams being named by the caller
 * (assets/docs/models.md, "Heterogeneity", lists them).
 */
import type { ValueOrDistributionDoc } from '../../src-shared/document/schema.js';
import { evaluate } from '../../src-shared/expr/evaluate.js';
import { toUnit } from '../../src-shared/units.js';
import type { HostRandom } from './host-random.js';
import { parseValueExpression } from './value-expression.js';

/** A truncated normal gives up after this many draws for one value (the interval holds almost none of it). */
const MAX_TRIES = 10000;

/** The variables an expression may read, and their values for element k. */
export interface ExpressionScope {
  names: readonly string[];
  /** Binds every name of `names` that the expression reads for element k. */
  bind(env: Map<string, number>, k: number, reads: ReadonlySet<string>): void;
}

/** Whether a spec is more than one value (a distribution or an expression). */
export function isVarying(spec: unknown): boolean {
  return typeof spec === 'object' && spec !== null;
}

/** Draws `count` values of a constant, a distribution or an expression, in `unit`. */
export function drawValues(spec: ValueOrDistributionDoc, unit: string, count: number, rng: HostRandom, scope?: ExpressionScope): Float64Array {
  const out = new Float64Array(count);
  const draw = valueDrawer(spec, unit, rng, scope);
  for (let k = 0; k < count; k++) out[k] = draw(k);
  return out;
}

/**
 * The value of element k, for k = 0, 1, 2… in turn (distributions draw from `rng` in that
 * order). Units and fields are checked here, before the first value is drawn.
 */
export function valueDrawer(spec: ValueOrDistributionDoc, unit: string, rng: HostRandom, scope?: ExpressionScope): (k: number) => number {
  if (typeof spec === 'number' || typeof spec === 'string') {
    const v = toUnit(spec, unit);
    return () => v;
  }
  if ('expr' in spec) {
    if (!scope) throw new Error('an expression is not allowed here');
    const e = parseValueExpression(spec.expr, unit, scope.names);
    const env = new Map<string, number>();
    return (k) => {
      scope.bind(env, k, e.reads);
      const x = evaluate(e.expr, env) as number;
      // A power-of-ten conversion (1/ms to Hz) leaves a last-bit error: 15 digits drop it.
      const v = e.toTarget === 1 ? x : Number((x * e.toTarget).toPrecision(15));
      if (!Number.isFinite(v)) throw new Error(`"${spec.expr}" is ${v} for element ${k}`);
      return v;
    };
  }
  switch (spec.dist) {
    case 'normal': {
      const mean = toUnit(spec.mean, unit);
      const sd = toUnit(spec.sd, unit);
      if (sd < 0) throw new Error('sd must not be negative');
      const low = spec.low === undefined ? -Infinity : toUnit(spec.low, unit);
      const high = spec.high === undefined ? Infinity : toUnit(spec.high, unit);
      if (high < low) throw new Error('high must not be below low');
      if (spec.low === undefined && spec.high === undefined) return () => mean + sd * rng.normal();
      return () => {
        for (let tries = 0; tries < MAX_TRIES; tries++) {
          const v = mean + sd * rng.normal();
          if (v >= low && v <= high) return v;
        }
        throw new Error(`[low, high] holds almost none of the normal distribution (no value inside after ${MAX_TRIES} draws)`);
      };
    }
    case 'uniform': {
      const low = toUnit(spec.low, unit);
      const high = toUnit(spec.high, unit);
      if (high < low) throw new Error('high must not be below low');
      return () => low + (high - low) * rng.uniform();
    }
    case 'lognormal': {
      // The mean m and sd s of the value give the log's σ² = ln(1 + s²/m²) and median m/√(1 + s²/m²).
      const mean = toUnit(spec.mean, unit);
      const sd = toUnit(spec.sd, unit);
      if (!(mean > 0)) throw new Error('the mean of a lognormal must be greater than 0');
      if (sd < 0) throw new Error('sd must not be negative');
      const sigma = Math.sqrt(Math.log1p((sd / mean) ** 2));
      const median = mean / Math.sqrt(1 + (sd / mean) ** 2);
      return () => median * Math.exp(sigma * rng.normal());
    }
  }
}
