/**
 * Probabilities a block draws with must be probabilities. `bernoulli(p)` is true with
 * probability p in a step, so a p above 1 would be silently capped: a Poisson source asked for
 * 20 kHz at dt = 0.1 ms (p = 2) would fire once a step, 10 kHz. Where p folds to a constant
 * from the block's parameters and dt, a p outside [0, 1] is an error naming the parameters
 * that set it and the largest value they may take.
 */
import type { BlockDef, QuantityParam } from '../../kernels/types.js';
import { freeNames, walk, type Expr, type Statement } from '../../src-shared/expr/ast.js';
import { drawsRandom } from '../../src-shared/expr/builtins.js';
import { foldConstants } from '../../src-shared/expr/evaluate.js';
import { decayFactor, roundHalfAway, sigmoid, vtrap } from '../../src-shared/expr/numeric.js';
import { printJs } from '../engines/cpu/print-js.js';
import { own } from '../../src-shared/own.js';
import { formatQuantity } from '../../src-shared/units.js';
import type { Diagnostic } from './diagnostics.js';

/** Problems of `bernoulli` calls in `code` whose probability, with `params` and `dt` bound, is not in [0, 1]. */
export function probabilityProblems(
  blockId: string,
  def: BlockDef,
  code: readonly Statement[],
  params: Readonly<Record<string, number>>,
  dt: number,
  steps = 0,
): Diagnostic[] {
  const constants = new Map<string, number>([...Object.entries(params), ['dt', dt]]);
  const problems: Diagnostic[] = [];
  for (const st of code) {
    walk(st.expr, (node) => {
      // bernoulli(p), and binomial(n, p) (the Poisson drive): p is a probability per step.
      if (node.k !== 'call' || (node.fn !== 'bernoulli' && node.fn !== 'binomial')) return;
      const pArg = node.args[node.fn === 'binomial' ? 1 : 0]!;
      const folded = foldConstants(pArg, constants);
      if (folded.k !== 'num') {
        const over = timeVaryingProblem(folded, dt, steps);
        if (over) problems.push({ block: blockId, message: over });
        return;
      }
      if (folded.v >= 0 && folded.v <= 1) return;
      const used = new Set<string>();
      walk(pArg, (n) => { if (n.k === 'var' && own(def.params, n.name)?.kind === 'quantity') used.add(n.name); });
      const names = [...used];
      const shown = names.map((n) => `${n} = ${formatQuantity(params[n]!, (def.params[n] as QuantityParam).unit)}`).join(', ');
      const scale = names.length === 1 ? folded.v / params[names[0]!]! : NaN;
      const most = Number.isFinite(scale) && scale > 0
        ? `; at dt = ${dt} ms, ${names[0]} can be at most ${formatQuantity(1 / scale, (def.params[names[0]!] as QuantityParam).unit)}`
        : '';
      problems.push({
        block: blockId,
        ...(names.length > 0 ? { field: `parameter "${names[0]}"` } : {}),
        message: `gives a probability of ${Number(folded.v.toPrecision(4))} per step (${shown || 'with dt'}), outside 0…1: ` +
          `a neuron can spike at most once a step${most}`,
      });
    });
  }
  return problems;
}

/**
 * A probability that depends only on t (the inhomogeneous Poisson source's rate·dt) is
 * evaluated at the start of every step of the run, as the CPU engine computes it (printed
 * as JavaScript once: about 20 ns a step, so a run of 10^7 steps is checked in a fraction
 * of a second); the first step where it leaves [0, 1] is reported. Anything else
 * (per-neuron values, states) is the run's business.
 */
function timeVaryingProblem(p: Expr, dt: number, steps: number): string | null {
  const names = freeNames(p);
  if (names.size !== 1 || !names.has('t') || drawsRandom(p)) return null;
  const js = printJs(p, {
    dt,
    name: (n) => n,
    random: () => { throw new Error('internal: a random draw in a probability of t'); },
  });
  const at = new Function('t', 'roundHalfAway', 'sigmoid', 'vtrap', 'decayFactor', 'expEulerStep', `return ${js};`) as
    (t: number, ...helpers: unknown[]) => number;
  const expEulerStep = (x: number, xInf: number, factor: number) => xInf + (x - xInf) * factor;
  for (let i = 0; i < steps; i++) {
    const v = at(i * dt, roundHalfAway, sigmoid, vtrap, decayFactor, expEulerStep);
    if (!(v >= 0 && v <= 1)) {
      return `gives a probability of ${Number(v.toPrecision(4))} per step at t = ${Number((i * dt).toPrecision(12))} ms (step ${i}), outside 0…1: ` +
        `the rate must stay between 0 and ${formatQuantity(1000 / dt, 'Hz')} (1/dt) during the run`;
    }
  }
  return null;
}
