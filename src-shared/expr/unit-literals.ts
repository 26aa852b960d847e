/**
 * Unit names in code (`140 * mV / ms`, `30 * nS`) become the numbers they stand for in
 * internal units before an engine sees the code: mV, ms, nA… are 1, nS is 0.001 (µS), pF is
 * 0.001 (nF). A product or quotient by a unit worth exactly 1 is dropped, which is exact
 * (x·1 = x/1 = x for every double and every f32), so `0.04 / mV / ms * v * v` prints as
 * `0.04 * v * v`, the same tree as before the units were written.
 */
import { mapExpr, type Expr } from './ast.js';
import { unitNameValue, UNIT_NAMES } from './dimensions.js';
import { foldConstants } from './evaluate.js';

/** Replaces unit names that `scope` does not shadow; returns `e` itself when there are none. */
export function substituteUnitNames(e: Expr, scope: { has(name: string): boolean }): Expr {
  let changed = false;
  const ones = new WeakSet<Expr>();
  const out = mapExpr(e, (node) => {
    if (node.k === 'var' && !scope.has(node.name) && UNIT_NAMES.has(node.name)) {
      changed = true;
      const lit: Expr = { k: 'num', v: unitNameValue(node.name)! };
      if (lit.k === 'num' && lit.v === 1) ones.add(lit);
      return lit;
    }
    if (node.k === 'bin' && (node.op === '*' || node.op === '/') && ones.has(node.b)) return node.a;
    if (node.k === 'bin' && node.op === '*' && ones.has(node.a)) return node.b;
    return node;
  });
  // A unit worth other than 1 (nS, pF, Hz) leaves a product of two numbers: fold it.
  return changed ? foldConstants(out, new Map()) : e;
}
