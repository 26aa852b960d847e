/**
 * Dimensional analysis of a block definition (built-in or compiled from a project's
 * equations) at compile time: every update statement, every initial-value expression, the
 * synapse current (nA) and the weight a spike adds to the jump state. A mistake names the
 * block, the line, the expression and the two units (src-shared/expr/dimensions.ts).
 */
import type { BlockDef } from '../../kernels/types.js';
import type { Expr, Statement } from './ast.js';
import {
  checkStatementUnits, DimChecker, DimensionError, formatExpr, StatementUnitError, unitType,
  type DimScope, type DimType, type NumType,
} from './dimensions.js';
import { ExprError } from './parse.js';

const NANOAMP = unitType('nA');
const MILLIVOLT = unitType('mV');

/** The weight unit of a synapse for a variant ('' for blocks that are not synapses). */
export function weightUnit(def: BlockDef, variant: string | undefined): string {
  const u = def.synapse?.weightUnit;
  if (u === undefined) return '';
  return typeof u === 'string' ? u : u[variant ?? ''] ?? Object.values(u)[0]!;
}

/** The unit of a state with the synapse weight unit filled in ("{w}·ms" → "µS·ms"). */
export function stateUnit(def: BlockDef, name: string, variant: string | undefined): string {
  return def.states[name]!.unit.replace('{w}', weightUnit(def, variant));
}

function paramsAndStates(def: BlockDef, variant: string | undefined): Map<string, DimType> {
  const scope = new Map<string, DimType>();
  for (const [name, p] of Object.entries(def.params)) {
    if (p.kind === 'quantity' || p.kind === 'time-expression') scope.set(name, unitType(p.unit));
    if (p.kind === 'integer') scope.set(name, unitType(''));
  }
  for (const name of Object.keys(def.states)) scope.set(name, unitType(stateUnit(def, name, variant)));
  return scope;
}

/** Names and units the update code of `def` sees (block-code.ts lists the same names). */
export function updateUnitScope(def: BlockDef, variant: string | undefined): Map<string, DimType> {
  const scope = paramsAndStates(def, variant);
  scope.set('t', unitType('ms'));
  scope.set('dt', unitType('ms'));
  scope.set('step', unitType(''));
  if (def.category === 'neuron') scope.set('I', NANOAMP);
  if (def.category === 'neuron' && def.inputs.J) scope.set('J', MILLIVOLT); // voltage jumps (BlockDef.onJump)
  if (def.category === 'synapse' && def.synapse?.stateOn === 'pre') {
    if (def.inputs.pre?.type === 'voltage') scope.set('V_pre', MILLIVOLT);
    else scope.set('spike_in', { k: 'bool' });
  }
  return scope;
}

function where(def: BlockDef, what: string, e: ExprError): ExprError {
  return new ExprError(`${def.type}: ${what}: ${e.message}`, { cause: e });
}

/** Checks the units of update code: `statements` are `lines` parsed, functions inlined. */
export function checkUpdateUnits(def: BlockDef, lines: readonly string[], statements: readonly Statement[], variant: string | undefined): void {
  const states = new Map<string, NumType>();
  for (const name of Object.keys(def.states)) states.set(name, unitType(stateUnit(def, name, variant)));
  const outputs = new Map<string, DimType>();
  if (def.template === 'elementwise' && (def.category === 'neuron' || def.category === 'source')) outputs.set('spike', { k: 'bool' });
  if (def.template === 'elementwise' && def.category === 'current') {
    // A source of voltage jumps assigns J_out in mV (block-code.ts, currentOutputName).
    if (Object.values(def.outputs).some((o) => o.type === 'jump')) outputs.set('J_out', MILLIVOLT);
    else outputs.set('I_out', NANOAMP);
  }
  try {
    checkStatementUnits(statements, updateUnitScope(def, variant), { states, outputs });
  } catch (e) {
    if (!(e instanceof StatementUnitError)) throw e;
    const line = lines[e.index] ?? formatExpr(statements[e.index]!.expr);
    throw where(def, `update line ${e.index + 1} "${line}"`, e);
  }
}

/** Checks that an initial value has its state's unit (a plain number is taken in it). */
export function checkInitUnits(def: BlockDef, state: string, expr: Expr, variant: string | undefined): void {
  const scope: DimScope = new Map([...paramsAndStates(def, variant), ['dt', unitType('ms')]]);
  const checker = new DimChecker(scope);
  try {
    checker.require(checker.typeOf(expr), unitType(stateUnit(def, state, variant)), expr, `the initial value of ${state}`);
  } catch (e) {
    if (e instanceof DimensionError) throw where(def, `init of "${state}"`, e);
    throw e;
  }
}

/** Checks the synapse current (nA; mV for a jump output) and, for linear synapses, that the jump state is in the weight unit. */
export function checkCurrentUnits(def: BlockDef, current: Expr, variant: string | undefined): void {
  const spec = def.synapse!;
  const w = unitType(weightUnit(def, variant));
  const scope = paramsAndStates(def, variant);
  scope.set('V_post', MILLIVOLT);
  if (spec.stateOn === 'pre' && spec.gather) {
    const g = unitType(stateUnit(def, spec.gather, variant));
    scope.set('wsum', { k: 'num', dim: w.dim.map((x, i) => x + g.dim[i]!) as unknown as NumType['dim'], scale: w.scale * g.scale, factor: 1 });
  }
  const checker = new DimChecker(scope);
  try {
    // A delta synapse's output is a voltage jump (mV), every other synapse's a current.
    const jumps = Object.values(def.outputs).some((o) => o.type === 'jump');
    checker.require(checker.typeOf(current), jumps ? MILLIVOLT : NANOAMP, current, jumps ? 'the voltage jump' : 'the current');
    if (spec.stateOn === 'post' && spec.jump) {
      const jump: Expr = { k: 'var', name: spec.jump };
      checker.require(checker.typeOf(jump), w, jump, `the state a spike adds the weight (${weightUnit(def, variant)}) to,`);
    }
  } catch (e) {
    if (e instanceof DimensionError) throw where(def, `synapse current${variant ? ` (${variant})` : ''}`, e);
    throw e;
  }
}
