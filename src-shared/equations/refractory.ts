/**
 * A neuron type's refractoriness: a duration ("2 ms", or a time expression such as a
 * parameter) or a condition. A duration is counted in whole steps as the built-in LIF counts
 * it — refractory while the steps since the last spike are at most round(duration/dt) — and
 * needs the hidden state `lastspike`; a condition is refractory while it holds.
 */
import type { Expr } from '../expr/ast.js';
import { toUnit } from '../units.js';
import type { Stmt } from './integrate.js';
import { lit, v } from './linear.js';
import { parseField, type SourceError } from './parse-equations.js';
import { MS, type TypeChecks } from './type-checks.js';

export interface Refractoriness {
  /** `refractory = …`, the local the schemes and the threshold read; null without refractoriness. */
  statement: Stmt | null;
  /** Whether the block needs the state lastspike (a duration). */
  usesLastSpike: boolean;
}

const steps = (x: Expr): Expr => ({ k: 'call', fn: 'round', args: [{ k: 'bin', op: '/', a: x, b: v('dt') }] });

export function refractoriness(checks: TypeChecks): Refractoriness {
  const text = checks.doc.refractory;
  if (text === undefined) return { statement: null, usesLastSpike: false };
  let duration: Expr | undefined;
  // "2 ms" is written into the code as 2 * ms, so the code's units check (ms is 1, dropped).
  try { duration = { k: 'bin', op: '*', a: lit(toUnit(text.trim(), 'ms')), b: v('ms') }; } catch { /* not a quantity: an expression */ }
  if (duration === undefined) {
    const problems: SourceError[] = [];
    const p = parseField(text, problems);
    checks.collect('refractory', problems);
    if (!p || !checks.namesOk('refractory', p)) return { statement: null, usesLastSpike: false };
    const t = checks.typed('refractory', p, null, 'refractory');
    if (t?.k === 'bool') {
      const condition = checks.generated(p.expr);
      return { statement: condition ? { target: 'refractory', expr: condition } : null, usesLastSpike: false };
    }
    if (!t || !checks.typed('refractory', p, MS, 'the refractory period')) return { statement: null, usesLastSpike: false };
    duration = checks.generated(p.expr);
    if (!duration) return { statement: null, usesLastSpike: false };
  }
  const since: Expr = { k: 'bin', op: '-', a: v('t'), b: v('lastspike') };
  return { statement: { target: 'refractory', expr: { k: 'bin', op: '<=', a: steps(since), b: steps(duration) } }, usesLastSpike: true };
}
