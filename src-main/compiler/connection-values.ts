/**
 * Weights and delays per connection: one value for all (the fast path), a distribution, an
 * expression of i (presynaptic neuron), j (postsynaptic neuron), N_pre, N_post and r, or
 * the pairs rule's own [pre, post, w, d]. Connection k is the k-th connection the rule
 * draws (connectivity.ts), and its values come from keyed streams of the counter-based
 * generator (host-random.ts):
 *
 * - `weight:<synapse>` / `delay:<synapse>`: the draws of a distribution, connection after
 *   connection (the weight stream is the one weights have always used);
 * - `r:<synapse>`: r, one uniform number in [0, 1) per connection (element k of the
 *   stream), shared by the weight and the delay expressions of the connection.
 *
 * Delays are rounded to whole steps (halves away from zero), as a single delay is.
 */
import type { ConnectionDoc, ValueOrDistributionDoc } from '../../src-shared/document/schema.js';
import { roundHalfAway } from '../../src-shared/expr/numeric.js';
import { toUnit } from '../../src-shared/units.js';
import { isVarying, valueDrawer, type ExpressionScope } from './draw-values.js';
import { HostRandom, streamOf, uniformAt } from './host-random.js';

/** Names an expression of a connection's value may read. */
export const CONNECTION_EXPRESSION_NAMES = ['i', 'j', 'N_pre', 'N_post', 'r'] as const;

/** Values of connection (i, j), called once per connection in draw order. */
export type ConnectionValue = (i: number, j: number) => number;

/**
 * The values of every connection of a rule, in draw order (k = 0, 1, 2…). `spec` gives them
 * unless the pairs rule gives this one its own value (entry `at` of a pair).
 */
function connectionDrawer(
  conn: ConnectionDoc, spec: ValueOrDistributionDoc, unit: string, purpose: 'weight' | 'delay', synapse: string,
  nPre: number, nPost: number, seed: number, at: 2 | 3,
): () => ConnectionValue {
  const rStream = streamOf(`r:${synapse}`);
  let ci = 0;
  let cj = 0;
  const scope: ExpressionScope = {
    names: CONNECTION_EXPRESSION_NAMES,
    bind(env, k, reads) {
      env.set('i', ci);
      env.set('j', cj);
      env.set('N_pre', nPre);
      env.set('N_post', nPost);
      if (reads.has('r')) env.set('r', uniformAt(seed, rStream, k));
    },
  };
  const own = conn.rule === 'pairs' ? (conn.pairs ?? []).map((p) => (p.length > at ? toUnit(p[at] as number | string, unit) : undefined)) : [];
  // Checked once here, so that a wrong unit is reported before anything is drawn.
  valueDrawer(spec, unit, new HostRandom(seed, 0), scope);
  return () => {
    const draw = valueDrawer(spec, unit, new HostRandom(seed, streamOf(`${purpose}:${synapse}`)), scope);
    let k = 0;
    return (i, j) => {
      ci = i;
      cj = j;
      const v = draw(k);
      return own[k++] ?? v;
    };
  };
}

export interface ConnectionValues {
  weights: () => ConnectionValue;
  /** The weight of every connection when it is one value (f32-rounded as stored). */
  uniformWeight?: number;
  /** Per-connection lags in steps (delay steps + `recurrent`), or null when the delay is one value. */
  lags: (() => ConnectionValue) | null;
  /** The one delay (ms) when it is one value. */
  delay: number;
}

/** Whether the delay differs per connection (a distribution, an expression, or pairs with their own delay). */
export function hasVaryingDelay(conn: ConnectionDoc): boolean {
  return isVarying(conn.delay) || (conn.rule === 'pairs' && (conn.pairs ?? []).some((p) => p.length > 3));
}

/** Whether the weight differs per connection. */
function hasVaryingWeight(conn: ConnectionDoc, weight: ValueOrDistributionDoc): boolean {
  return isVarying(weight) || (conn.rule === 'pairs' && (conn.pairs ?? []).some((p) => p.length > 2));
}

/** Checks the specs (units, names) and returns how to draw each connection's weight and lag. */
export function connectionValues(
  conn: ConnectionDoc, weight: ValueOrDistributionDoc, weightUnit: string, synapse: string,
  nPre: number, nPost: number, seed: number, dt: number, recurrent: number,
): ConnectionValues {
  const weights = connectionDrawer(conn, weight, weightUnit, 'weight', synapse, nPre, nPost, seed, 2);
  const out: ConnectionValues = { weights, lags: null, delay: 0 };
  if (!hasVaryingWeight(conn, weight)) out.uniformWeight = Math.fround(toUnit(weight as number | string, weightUnit));
  if (!hasVaryingDelay(conn)) {
    out.delay = toUnit(conn.delay as number | string, 'ms');
    return out;
  }
  const delays = connectionDrawer(conn, conn.delay, 'ms', 'delay', synapse, nPre, nPost, seed, 3);
  out.lags = () => {
    const next = delays();
    return (i, j) => {
      const d = next(i, j);
      if (!(d >= 0)) throw new Error(`the delay of connection ${i} → ${j} is ${d} ms; delays must not be negative`);
      return roundHalfAway(d / dt) + recurrent;
    };
  };
  return out;
}
