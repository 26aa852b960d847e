/**
 * The states of an equation block type: one per differential equation, held in the
 * internal unit of its dimension, with its initial value — a plain number in the unit the
 * equation declares (converted), or an expression of the parameters and earlier states.
 */
import type { StateDef } from '../../kernels/types.js';
import { DimChecker, DimensionError, formatExpr, unitType, type DimType } from '../expr/dimensions.js';
import { columnOf, parseField, unitText, type Equation, type SourceError } from './parse-equations.js';
import { unitString } from './synapse-spec.js';
import type { TypeChecks } from './type-checks.js';
import { connectionNames } from './plastic-spec.js';

export function stateDefs(checks: TypeChecks, differentials: readonly Equation[], usesLastSpike: boolean): Record<string, StateDef> {
  const { doc, stateTypes } = checks;
  const perConnection = connectionNames(doc); // plastic synapses: their initial values are read by plastic-spec.ts
  for (const name of Object.keys(doc.states)) {
    if (!stateTypes.has(name) && !perConnection.has(name)) checks.add(`states.${name}`, `"${name}" has no differential equation (states: ${[...stateTypes.keys()].join(', ')})`);
  }
  const states: Record<string, StateDef> = {};
  const scope = new Map<string, DimType>([...checks.factors.keys()].map((n): [string, DimType] => [n, checks.scope.get(n)!]));
  for (const d of differentials) {
    const t = stateTypes.get(d.name)!;
    const given = doc.states[d.name];
    // A plain number is in the unit the equation declares (pA), the state held in nA.
    const k = Number((unitType(unitText(d.unit)).scale / t.scale).toPrecision(15));
    let init = '0';
    if (typeof given?.init === 'number') init = String(given.init * k);
    else if (given?.init !== undefined && given.init.trim() !== '0') {
      const problems: SourceError[] = [];
      const p = parseField(given.init, problems);
      checks.collect(`states.${d.name}.init`, problems);
      if (p) {
        const checker = new DimChecker(scope, { strictLiterals: true });
        try {
          const it = checker.typeOf(p.expr);
          if (it.k === 'num' && it.literal !== undefined) init = String(it.literal * k);
          else {
            checker.require(it, t, p.expr, `the initial value of ${d.name}`);
            init = formatExpr(checks.normalise(p.expr));
          }
        } catch (e) {
          if (!(e instanceof DimensionError)) throw e;
          checks.add(`states.${d.name}.init`, e.message, p.line, columnOf(p, e.at));
        }
      }
    }
    scope.set(d.name, t);
    const unit = unitString(t);
    try { unitType(unit); } catch { checks.add('equations', `the unit of ${d.name} (${unit}) cannot be held by a state`); }
    states[d.name] = { unit, init, doc: given?.doc || `State ${d.name} (${unit}).` };
  }
  if (usesLastSpike) states.lastspike = { unit: 'ms', init: '-1e7', doc: 'Time of the last spike (for the refractory period).' };
  return states;
}
