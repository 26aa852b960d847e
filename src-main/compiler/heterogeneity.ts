/**
 * Parameters that vary per neuron: a block's quantity parameters given as a distribution or
 * an expression are drawn here, once, with the run seed. The streams (keys of the
 * counter-based generator, host-random.ts) are named after the block, so adding or changing
 * one block never changes another's values:
 *
 * - `param:<block>:<parameter>`: the draws of a distribution, neuron after neuron;
 * - `r:<block>`: r, one uniform number in [0, 1) per neuron (element k of the stream, so r of
 *   a neuron does not depend on the block's size), shared by every expression of the block
 *   (parameters and initial values), as Izhikevich (2003) uses one r for c and d.
 *
 * A parameter whose values all come out equal stays a scalar (the fast path: folded into
 * the generated code as before); the others become per-neuron arrays of the plan.
 */
import type { BlockDef, QuantityParam } from '../../kernels/types.js';
import type { BlockDoc } from '../../src-shared/document/schema.js';
import { own } from '../../src-shared/own.js';
import { boundsProblem } from '../../src-shared/param-bounds.js';
import type { DiagnosticSink } from './diagnostics.js';
import { drawValues, type ExpressionScope } from './draw-values.js';
import { HostRandom, streamOf, uniformAt } from './host-random.js';
import type { ResolvedParams } from './resolve-params.js';

/** Names an expression of a neuron's value may read. */
export const NEURON_EXPRESSION_NAMES = ['i', 'N', 'r'] as const;

/**
 * i, N and r of a block's neurons. r of neuron k is the first uniform number of element k of
 * the block's r stream, so it is computed where it is needed, with nothing allocated.
 */
export function neuronScope(blockId: string, size: number, seed: number): ExpressionScope {
  const stream = streamOf(`r:${blockId}`);
  return {
    names: NEURON_EXPRESSION_NAMES,
    bind(env, k, reads) {
      env.set('i', k);
      env.set('N', size);
      if (reads.has('r')) env.set('r', neuronR(seed, stream, k));
    },
  };
}

/** r of neuron k (stream `r:<block>`). */
export function neuronR(seed: number, stream: number, k: number): number {
  return uniformAt(seed, stream, k);
}

function allEqual(a: Float64Array): boolean {
  for (let k = 1; k < a.length; k++) if (!Object.is(a[k], a[0])) return false;
  return true;
}

/**
 * Draws the varying parameters of a block of `size` elements. Values that are all equal
 * go to `params.quantities`; the others are returned as arrays (and removed from the
 * quantities). Each value is checked against the parameter's bounds, naming the neuron.
 */
export function drawVaryingParams(
  block: BlockDoc, def: BlockDef, params: ResolvedParams, size: number, seed: number, scope: ExpressionScope, sink: DiagnosticSink,
  /** Checking only (`validate`): draw the first element, enough to find a wrong unit or name. */
  checkOnly = false,
): Record<string, Float64Array> {
  const varying: Record<string, Float64Array> = {};
  for (const [name, spec] of Object.entries(params.specs)) {
    const p = def.params[name] as QuantityParam;
    const field = { block: block.id, field: `parameter "${name}"` };
    if (!def.sized) {
      sink.add({ ...field, message: `${def.title} has one value per parameter; only populations (neurons, sources) take a distribution or an expression` });
      continue;
    }
    const values = sink.check(field, () => {
      const v = drawValues(spec, p.unit, checkOnly ? Math.min(size, 1) : size, new HostRandom(seed, streamOf(`param:${block.id}:${name}`)), scope);
      for (let k = 0; k < v.length; k++) {
        const problem = boundsProblem(p, v[k]!);
        if (problem) throw new Error(`the value of neuron ${k}, ${v[k]}, ${problem}`);
      }
      return v;
    });
    if (!values) continue;
    if (size > 0 && allEqual(values)) params.quantities[name] = values[0]!;
    else varying[name] = values;
  }
  // A parameter that defaults to another (LIF's V0 to V_rest) follows it when it varies.
  for (const [name, p] of Object.entries(def.params)) {
    if (p.kind !== 'quantity' || !p.defaultFrom || params.specs[name] || own(block.params, name) !== undefined) continue;
    const from = varying[p.defaultFrom];
    if (from) varying[name] = from;
    else if (params.quantities[p.defaultFrom] !== undefined) params.quantities[name] = params.quantities[p.defaultFrom]!;
  }
  for (const name of Object.keys(varying)) delete params.quantities[name];
  return varying;
}

/** The smallest value of each varying parameter (for warnings that look at the worst case). */
export function smallestValues(quantities: Readonly<Record<string, number>>, varying: Readonly<Record<string, Float64Array>>): Record<string, number> {
  const out = { ...quantities };
  for (const [name, v] of Object.entries(varying)) {
    let min = Infinity;
    for (const x of v) if (x < min) min = x;
    out[name] = min;
  }
  return out;
}
