/**
 * Parameters that are expressions of the time t, with units (BlockDef param kind
 * 'time-expression'): the rate of the inhomogeneous Poisson source, e.g.
 * "10 Hz + 5 Hz * sin(2 * pi * t / (100 ms))". A number followed by a unit name is a
 * quantity; unit names may also be written as factors (`5 * Hz`); `pi` is π; t is the
 * start of the step, in ms. The expression is checked for its dimension with the update
 * code's checker (src-shared/expr/dimensions.ts) and becomes an update-language expression
 * in the parameter's unit, which the compiler substitutes for the parameter's name in the
 * block's code.
 */
import type { TimeExpressionParam } from '../../kernels/types.js';
import { freeNames, mapExpr, type Expr } from '../../src-shared/expr/ast.js';
import { drawsRandom } from '../../src-shared/expr/builtins.js';
import { DimChecker, internalScale, unitType, UNIT_NAMES } from '../../src-shared/expr/dimensions.js';
import { foldConstants } from '../../src-shared/expr/evaluate.js';
import { parseExpression } from '../../src-shared/expr/parse.js';
import { substituteUnitNames } from '../../src-shared/expr/unit-literals.js';

const NUMBER_THEN_UNIT = /(?<![\w.])(\d+(?:\.\d*)?(?:[eE][-+]?\d+)?|\.\d+(?:[eE][-+]?\d+)?)\s*([A-Za-zµμΩ][A-Za-z0-9µμΩ]*)(?![\w(])/g;

/** Bare one-letter units, which code names only written out (they are too often state names there). */
const SPELLED: Readonly<Record<string, string>> = { s: 'second', V: 'volt', A: 'amp', S: 'siemens', F: 'farad', M: 'molar' };

/** "100 ms" → "(100 * ms)" where the word is a unit (so "2 * pi" and "3 t" are left alone). */
function quantitiesAsProducts(text: string): string {
  return text.replace(NUMBER_THEN_UNIT, (all, n: string, word: string) => {
    const name = UNIT_NAMES.has(word) ? word : SPELLED[word];
    return name ? `(${n} * ${name})` : all;
  });
}

/**
 * The update-language expression of `text` in `p.unit` (t in ms), or an Error saying what is
 * wrong (a name other than t, pi and units; random draws; a wrong dimension).
 */
export function compileTimeExpression(text: string, p: TimeExpressionParam): Expr {
  if (typeof text !== 'string' || text.trim() === '') throw new Error(`expected an expression of t with units, e.g. "${p.default}"`);
  const parsed = mapExpr(parseExpression(quantitiesAsProducts(text)), (n) => (n.k === 'var' && n.name === 'pi' ? { k: 'num', v: Math.PI } : n));
  for (const name of freeNames(parsed)) {
    if (name !== 't' && !UNIT_NAMES.has(name)) throw new Error(`"${text}": unknown name "${name}" (the expression may use t, pi and units)`);
  }
  if (drawsRandom(parsed)) throw new Error(`"${text}": the expression must not draw random numbers`);
  const want = unitType(p.unit);
  const checker = new DimChecker(new Map([['t', unitType('ms')]]), { strictLiterals: true });
  const type = checker.typeOf(parsed);
  // Any unit of the right dimension will do ("5 * Hz * t / ms" is a rate in 1/ms): the
  // dimension is checked, and bare numbers refused; the value is converted below.
  if (type.k === 'num') checker.require(type, { ...want, scale: type.scale }, parsed, `"${text}"`);
  else checker.require(type, want, parsed, `"${text}"`);
  // Unit names become numbers in internal units; the result is in the type's scale: rescale it.
  const internal = substituteUnitNames(parsed, new Set(['t']));
  const factor = (type.k === 'num' ? type.scale : internalScale(want.dim)) / want.scale;
  const scaled: Expr = factor === 1 ? internal : { k: 'bin', op: '*', a: internal, b: { k: 'num', v: factor } };
  return foldConstants(scaled, new Map());
}

/** `code` with each time-expression parameter's name replaced by its expression. */
export function substituteTimeExpressions<T extends { target: string; expr: Expr }>(code: T[], exprs: Readonly<Record<string, Expr>>): T[] {
  if (Object.keys(exprs).length === 0) return code;
  return code.map((s) => ({ ...s, expr: mapExpr(s.expr, (n) => (n.k === 'var' && Object.hasOwn(exprs, n.name) ? exprs[n.name]! : n)) }));
}
