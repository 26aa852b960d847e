/**
 * Parsing and checking of a block definition's code for one block instance: update
 * statements, initial-value expressions and the synapse current, each against the scope
 * that block category gets (assets/docs/models.md names these inputs).
 */
import type { BlockDef } from '../../kernels/types.js';
import type { Expr, Statement, ValueType } from '../../src-shared/expr/ast.js';
import { checkStatements, inlineFunctions, typeOf, type Scope } from '../../src-shared/expr/check.js';
import { parseExpression, parseStatement } from '../../src-shared/expr/parse.js';
import { substituteUnitNames } from '../../src-shared/expr/unit-literals.js';
import { checkCurrentUnits, checkInitUnits, checkUpdateUnits } from '../../src-shared/expr/block-units.js';

/** Names every update code may read. */
const GLOBALS: ReadonlyArray<[string, ValueType]> = [['t', 'num'], ['dt', 'num'], ['step', 'num']];

function quantityParams(def: BlockDef): string[] {
  return Object.entries(def.params).filter(([, p]) => p.kind === 'quantity' || p.kind === 'time-expression').map(([n]) => n);
}

/** Names of the block itself (parameters, states, functions): they shadow unit names. */
function blockNames(def: BlockDef): Set<string> {
  return new Set([...Object.keys(def.params), ...Object.keys(def.states), ...Object.keys(def.functions ?? {})]);
}

/** Parses an expression of the block, inlines its helper functions and replaces unit names by numbers. */
export function blockExpression(def: BlockDef, src: string): Expr {
  return substituteUnitNames(inlineFunctions(parseExpression(src), def.functions ?? {}), blockNames(def));
}

/** The initial-value expression of a state, unit-checked (a plain number is in the state's unit). */
export function checkedInit(def: BlockDef, state: string, variant?: string): Expr {
  const raw = inlineFunctions(parseExpression(def.states[state]!.init), def.functions ?? {});
  checkInitUnits(def, state, raw, variant ?? defaultVariant(def));
  return substituteUnitNames(raw, blockNames(def));
}

/** The input names the update code of `def` sees, by category. */
export function inputScope(def: BlockDef): Array<[string, ValueType]> {
  if (def.category === 'neuron') return def.inputs.J ? [['I', 'num'], ['J', 'num']] : [['I', 'num']];
  if (def.category === 'synapse' && def.synapse?.stateOn === 'pre') {
    return def.inputs.pre?.type === 'voltage' ? [['V_pre', 'num']] : [['spike_in', 'bool']];
  }
  return [];
}

/** What a current source's update code assigns: `J_out` for a source of voltage jumps, else `I_out`. */
export function currentOutputName(def: BlockDef): 'I_out' | 'J_out' {
  return Object.values(def.outputs).some((o) => o.type === 'jump') ? 'J_out' : 'I_out';
}

/** What the update code must assign, by category. */
export function fixedOutputs(def: BlockDef): Map<string, ValueType> {
  if (def.template !== 'elementwise') return new Map();
  if (def.category === 'source' || def.category === 'neuron') return new Map([['spike', 'bool']]);
  if (def.category === 'current') return new Map([[currentOutputName(def), 'num']]);
  return new Map();
}

/**
 * Parses, unit-checks (for the synapse variant) and type-checks the update code of a block
 * definition; unit names in the code are replaced by their numbers.
 */
export function checkedUpdate(def: BlockDef, variant?: string, withJumps = false): Statement[] {
  const key = `${variant ?? ''}\u0000${withJumps}`;
  let byKey = checkedUpdates.get(def);
  const known = byKey?.get(key);
  if (known) return known;
  const statements = deepFreeze(parseAndCheckUpdate(def, variant, withJumps));
  if (!byKey) checkedUpdates.set(def, (byKey = new Map()));
  byKey.set(key, statements);
  return statements;
}

/**
 * checkedUpdate's statements by block definition (the same object for a built-in type every
 * time), variant and jumps: every compile needs them, and live mode compiles on every edit
 * (parsing and checking them again was a fifth of a 1000-neuron COBA's check). Frozen, so
 * that no compile can change what the next one gets.
 */
const checkedUpdates = new WeakMap<BlockDef, Map<string, Statement[]>>();

function deepFreeze<T>(x: T): T {
  if (typeof x === 'object' && x !== null && !Object.isFrozen(x)) {
    Object.freeze(x);
    for (const v of Object.values(x)) deepFreeze(v);
  }
  return x;
}

function parseAndCheckUpdate(def: BlockDef, variant: string | undefined, withJumps: boolean): Statement[] {
  const scope: Scope = new Map([
    ...GLOBALS,
    ...quantityParams(def).map((n): [string, ValueType] => [n, 'num']),
    ...Object.keys(def.states).map((n): [string, ValueType] => [n, 'num']),
    ...inputScope(def),
  ]);
  // A neuron whose input J is connected runs its jump statements first (BlockDef.onJump).
  const lines = withJumps ? [...(def.onJump ?? []), ...def.update] : def.update;
  const parsed = lines.map((line) => {
    const s = parseStatement(line);
    return { target: s.target, expr: inlineFunctions(s.expr, def.functions ?? {}) };
  });
  checkUpdateUnits(def, lines, parsed, variant ?? defaultVariant(def));
  const names = new Set([...scope.keys(), ...parsed.map((s) => s.target)]);
  const statements = parsed.map((s) => ({ target: s.target, expr: substituteUnitNames(s.expr, names) }));
  return checkStatements(statements, scope, new Set(Object.keys(def.states)), fixedOutputs(def)).statements;
}

/** The default value of the block's variant parameter (the units of {w} depend on it). */
function defaultVariant(def: BlockDef): string | undefined {
  const p = def.synapse?.variantParam ? def.params[def.synapse.variantParam] : undefined;
  return p?.kind === 'enum' ? p.default : undefined;
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
  const raw = inlineFunctions(parseExpression(src), def.functions ?? {});
  checkCurrentUnits(def, raw, variant ?? defaultVariant(def));
  const e = substituteUnitNames(raw, scope);
  if (typeOf(e, scope) !== 'num') throw new Error(`${def.type}: the current must be a number`);
  return e;
}
