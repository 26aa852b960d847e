/**
 * Plastic synapses in the plan (assets/docs/models.md, "Plasticity"): the event code of the
 * block's variant (on_pre, on_post), parsed and checked for names, types and units; the
 * per-connection states with their initial values and event-driven decay; and the
 * transposed index that reaches the connections ending in a postsynaptic neuron.
 *
 * Connection c is the c-th entry of the projection's rows by presynaptic neuron (byPre):
 * every per-connection array is aligned with byPre.idx, so propagation reads a connection's
 * state where it reads its target, and on_post reaches it through postConn.
 */
import type { BlockDef, EventLine, PlasticitySpec } from '../../kernels/types.js';
import type { Statement, ValueType } from '../../src-shared/expr/ast.js';
import { checkStatements, type Scope } from '../../src-shared/expr/check.js';
import { checkStatementUnits, StatementUnitError, unitType, type DimType, type NumType } from '../../src-shared/expr/dimensions.js';
import { ExprError, parseStatement } from '../../src-shared/expr/parse.js';
import { substituteUnitNames } from '../../src-shared/expr/unit-literals.js';
import { weightUnit } from '../../src-shared/expr/block-units.js';
import type { Csr } from './plan.js';
import type { ConnectionState } from '../engines/connection-state.js';

/** A state per connection, as the engines need it. */
export interface PlanConnectionState {
  name: string;
  unit: string;
  init: number;
  /** Event-driven: relaxes towards `rest` with `tau` (ms) between the connection's events. */
  decay?: { tau: number; rest: number };
}

export interface PlanPlasticity {
  states: PlanConnectionState[];
  /** Run per connection when a presynaptic spike arrives; may assign the local `delivered`. */
  onPre: Statement[];
  /** Run per connection ending in a postsynaptic neuron that spiked. */
  onPost: Statement[];
  /** Whether onPre assigns `delivered` (otherwise the spike delivers w as it was before onPre). */
  delivers: boolean;
  /** Transposed index: postConn[postPtr[j] … postPtr[j + 1]) are the connections ending in j. */
  postPtr: Int32Array;
  postConn: Int32Array;
  /**
   * Continuing an earlier run (continue-from.ts): the connections' state at its end, the
   * engines' starting point instead of the plan's weights and the states' initial values.
   */
  start?: Omit<ConnectionState, 'synapse'> & { fromRun: number };
}

/**
 * Bytes per connection a plastic synapse adds to its rows: the weight in double precision
 * (it changes, so the f32 initial weights are not enough), 8 B per connection state, the
 * Int32 step of the connection's last event and its Int32 entry in the transposed index.
 */
export function plasticBytesPerConnection(spec: PlasticitySpec): number {
  return 8 + 8 * Object.keys(spec.states).length + 4 + 4;
}

/** The lines of event code that apply to the block's enum values. */
function selectLines(lines: readonly EventLine[], enums: Readonly<Record<string, string>>): string[] {
  return lines.flatMap((l) => {
    if (typeof l === 'string') return [l];
    return Object.entries(l.when).every(([k, v]) => enums[k] === v) ? [l.code] : [];
  });
}

/** Parses and checks one event's code (names, types, units); `delivered` is on_pre's output. */
function checkedEvent(def: BlockDef, which: 'on_pre' | 'on_post', lines: string[], variant: string | undefined): Statement[] {
  const spec = def.synapse!.plasticity!;
  const params = Object.entries(def.params).filter(([, p]) => p.kind === 'quantity');
  const writable = ['w', ...Object.keys(spec.states)];
  const scope: Scope = new Map<string, ValueType>([
    ['t', 'num'], ['dt', 'num'],
    ...params.map(([n]): [string, ValueType] => [n, 'num']),
  ]);
  const w = unitType(weightUnit(def, variant));
  const units = new Map<string, DimType>([
    ['t', unitType('ms')], ['dt', unitType('ms')],
    ...params.map(([n, p]): [string, DimType] => [n, unitType((p as { unit: string }).unit)]),
  ]);
  const states = new Map<string, NumType>([['w', w], ...Object.entries(spec.states).map(([n, s]): [string, NumType] => [n, unitType(s.unit)])]);
  for (const [n, t] of states) { scope.set(n, 'num'); units.set(n, t); }
  const parsed = lines.map((l) => parseStatement(l));
  try {
    checkStatementUnits(parsed, units, { states, outputs: which === 'on_pre' ? new Map([['delivered', w]]) : new Map() });
  } catch (e) {
    if (!(e instanceof StatementUnitError)) throw e;
    throw new ExprError(`${def.type}: ${which} line ${e.index + 1} "${lines[e.index]}": ${e.message}`, { cause: e });
  }
  const names = new Set([...scope.keys(), ...parsed.map((s) => s.target)]);
  const statements = parsed.map((s) => ({ target: s.target, expr: substituteUnitNames(s.expr, names) }));
  // `delivered` is an output of on_pre, not a state: checked as a local of type number.
  const scoped = new Map(scope);
  for (const n of writable) scoped.delete(n);
  return checkStatements(statements, new Map([...scoped, ...writable.map((n): [string, ValueType] => [n, 'num'])]), new Set(writable), new Map()).statements;
}

/** The checked event code of a plastic synapse for its enum values (validate calls this too). */
export function checkedPlasticCode(def: BlockDef, enums: Readonly<Record<string, string>>, variant: string | undefined): { onPre: Statement[]; onPost: Statement[] } {
  const spec = def.synapse!.plasticity!;
  const onPre = checkedEvent(def, 'on_pre', selectLines(spec.onPre, enums), variant);
  const onPost = checkedEvent(def, 'on_post', selectLines(spec.onPost, enums), variant);
  if (onPost.some((s) => s.target === 'delivered')) throw new ExprError(`${def.type}: on_post cannot assign "delivered" (only a presynaptic spike delivers)`);
  return { onPre, onPost };
}

/** Connections by postsynaptic neuron: for each j, the indices c (into byPre) of its incoming connections, in row order. */
export function transposedIndex(byPre: Csr, nPost: number): { postPtr: Int32Array; postConn: Int32Array } {
  const total = byPre.idx.length;
  const postPtr = new Int32Array(new SharedArrayBuffer((nPost + 1) * 4));
  for (let c = 0; c < total; c++) postPtr[byPre.idx[c]! + 1]!++;
  for (let j = 0; j < nPost; j++) postPtr[j + 1]! += postPtr[j]!;
  const fill = postPtr.slice(0, nPost);
  const postConn = new Int32Array(new SharedArrayBuffer(total * 4));
  for (let c = 0; c < total; c++) postConn[fill[byPre.idx[c]!]!++] = c;
  return { postPtr, postConn };
}

/** The plasticity of a projection: event code, connection states and the transposed index. */
export function planPlasticity(
  def: BlockDef, enums: Readonly<Record<string, string>>, quantities: Readonly<Record<string, number>>,
  variant: string | undefined, byPre: Csr, nPost: number,
): PlanPlasticity {
  const spec = def.synapse!.plasticity!;
  const { onPre, onPost } = checkedPlasticCode(def, enums, variant);
  const states = Object.entries(spec.states).map(([name, s]): PlanConnectionState => {
    const out: PlanConnectionState = { name, unit: s.unit, init: s.init };
    if (s.tau) out.decay = { tau: quantities[s.tau]! * (s.tauScale ?? 1), rest: s.rest ?? 0 };
    return out;
  });
  return { states, onPre, onPost, delivers: onPre.some((s) => s.target === 'delivered'), ...transposedIndex(byPre, nPost) };
}
