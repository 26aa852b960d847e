/**
 * Parsing and checking of a block definition's code for one block instance: update
 * statements, initial-value expressions and the synapse current, each against the scope
 * that block category gets (assets/docs/models.md names these inputs).
 */
import type { BlockDef } from '../../kernels/types.js';
import type { Expr, Statement, ValueType } from '../../src-shared/expr/ast.js';
import { checkStatements, inlineFunctions, typeOf, type Scope } from '../../src-shared/expr/check.js';
import { parseExpression, parseStatement } from '../../src-shared/expr/parse.js';

/** Names every update code may read. */
const GLOBALS: ReadonlyArray<[string, ValueType]> = [['t', 'num'], ['dt', 'num'], ['step', 'num']];

function quantityParams(def: BlockDef): string[] {
  return Object.entries(def.params).filter(([, p]) => p.kind === 'quantity').map(([n]) => n);
}

/** Parses an expression of the block and inlines its helper functions. */
export function blockExpression(def: BlockDef, src: string): Expr {
  return inlineFunctions(parseExpression(src), def.functions ?? {});
}

/** The input names the update code of `def` sees, by category. */
export function inputScope(def: BlockDef): Array<[string, ValueType]> {
  if (def.category === 'neuron') return [['I', 'num']];
  if (def.category === 'synapse' && def.synapse?.stateOn === 'pre') {
    return def.inputs.pre?.type === 'voltage' ? [['V_pre', 'num']] : [['spike_in', 'bool']];
  }
  return [];
}

/** What the update code must assign, by category. */
export function fixedOutputs(def: BlockDef): Map<string, ValueType> {
  if (def.template !== 'elementwise') return new Map();
  if (def.category === 'source' || def.category === 'neuron') return new Map([['spike', 'bool']]);
  if (def.category === 'current') return new Map([['I_out', 'num']]);
  return new Map();
}

/** Parses and type-checks the update code of a block definition. */
export function checkedUpdate(def: BlockDef): Statement[] {
  const scope: Scope = new Map([
    ...GLOBALS,
    ...quantityParams(def).map((n): [string, ValueType] => [n, 'num']),
    ...Object.keys(def.states).map((n): [string, ValueType] => [n, 'num']),
    ...inputScope(def),
  ]);
  const statements = def.update.map((line) => {
    const s = parseStatement(line);
    return { target: s.target, expr: inlineFunctions(s.expr, def.functions ?? {}) };
  });
  return checkStatements(statements, scope, new Set(Object.keys(def.states)), fixedOutputs(def)).statements;
}

/** Parses and type-checks a synapse's current expression for the given variant. */
export function checkedCurrent(def: BlockDef, variant: string | undefined): Expr {
  const spec = def.synapse;
  if (!spec) throw new Error(`${def.type} is not a synapse`);
  const src = typeof spec.current === 'string' ? spec.current : spec.current[variant ?? ''];
  if (!src) throw new Error(`${def.type} has no current for variant "${variant}"`);
  const scope: Scope = new Map([
    ...quantityParams(def).map((n): [string, ValueType] => [n, 'num']),
    ['V_post', 'num'],
    ...(spec.stateOn === 'pre'
      ? [['wsum', 'num'] as [string, ValueType]]
      : Object.keys(def.states).map((n): [string, ValueType] => [n, 'num'])),
  ]);
  const e = blockExpression(def, src);
  if (typeOf(e, scope) !== 'num') throw new Error(`${def.type}: the current must be a number`);
  return e;
}
