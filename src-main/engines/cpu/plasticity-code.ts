/**
 * The CPU engine's code for plastic synapses (assets/docs/models.md, "Plasticity"): on_pre
 * inside the propagation of a plastic projection, and on_post right after the update of its
 * postsynaptic block. Each event first brings the connection's event-driven states up to the
 * present, from the steps since the connection's last event (`last`), so a connection costs
 * nothing between its events, then runs the event code on the connection's own values.
 *
 * Arrays (aligned with the rows by presynaptic neuron, connection c): `p<k>_pl_w` (the
 * weight, f64), `p<k>_pl_last` (step of the last event), `p<k>_pl_s_<state>`, and the
 * transposed index `p<k>_pl_tptr` / `p<k>_pl_tconn` (plasticity-arrays.ts allocates them).
 */
import type { Statement } from '../../../src-shared/expr/ast.js';
import { foldConstants } from '../../../src-shared/expr/evaluate.js';
import { simplify, simplifyF64Division } from '../../../src-shared/expr/simplify.js';
import { constantsOf } from '../../compiler/block-constants.js';
import type { Plan, PlanProjection } from '../../compiler/plan.js';
import { jsNumber, printJs, type JsPrintContext } from './print-js.js';

export const plasticArrayName = {
  weight: (p: number) => `p${p}_pl_w`,
  last: (p: number) => `p${p}_pl_last`,
  state: (p: number, s: string) => `p${p}_pl_s_${s}`,
  postPtr: (p: number) => `p${p}_pl_tptr`,
  postConn: (p: number) => `p${p}_pl_tconn`,
};

/** How the caller names (and records the use of) the arrays of blocks and projections. */
export interface PlasticNames {
  use(name: string): string;
  spikeList(block: string): string;
  spikeCount(block: string): string;
  /** A state array of a block. */
  state(block: string, state: string): string;
}

/** The lines that run one event (on_pre or on_post) for connection `c` at step `i`. */
function eventLines(plan: Plan, p: PlanProjection, pk: number, code: Statement[], names: PlasticNames, onPre: boolean): string[] {
  const pl = p.plasticity!;
  const block = plan.blocks.find((b) => b.id === p.synapse)!;
  const constants = constantsOf(plan, block);
  const states = new Set(pl.states.map((s) => s.name));
  const last = names.use(plasticArrayName.last(pk));
  const w = names.use(plasticArrayName.weight(pk));
  const lines = [`const el = i - ${last}[c]; ${last}[c] = i;`];
  const decays: string[] = [];
  for (const s of pl.states) {
    const a = names.use(plasticArrayName.state(pk, s.name));
    lines.push(`let s_${s.name} = ${a}[c];`);
    if (!s.decay) continue;
    // exp(el·(−dt/tau)): tau = 0 gives −Infinity, a state that is back at rest after any step.
    const k = jsNumber(-plan.dt / s.decay.tau);
    const rest = s.decay.rest;
    decays.push(rest === 0
      ? `s_${s.name} *= Math.exp(el * ${k});`
      : `s_${s.name} = ${jsNumber(rest)} + (s_${s.name} - ${jsNumber(rest)}) * Math.exp(el * ${k});`);
  }
  // Two events of one connection in one step (on_pre, then on_post) decay nothing in between.
  if (decays.length > 0) lines.push(`if (el > 0) { ${decays.join(' ')} }`);
  lines.push(`let s_w = ${w}[c];`);
  const locals = new Set<string>();
  if (onPre && !pl.delivers) { lines.push('const l_delivered = s_w;'); locals.add('delivered'); }
  const pc: JsPrintContext = {
    dt: plan.dt,
    name: (n) => (n === 'w' ? 's_w' : states.has(n) ? `s_${n}` : n === 't' ? 't' : `l_${n}`),
    random: () => { throw new Error('random numbers are not allowed in the event code of a synapse'); },
  };
  for (const s of code) {
    const rhs = printJs(simplifyF64Division(simplify(foldConstants(s.expr, constants))), pc);
    if (s.target === 'w' || states.has(s.target)) lines.push(`s_${s.target} = ${rhs};`);
    else if (locals.has(s.target)) lines.push(`l_${s.target} = ${rhs};`);
    else { locals.add(s.target); lines.push(`let l_${s.target} = ${rhs};`); }
  }
  const assigned = new Set(code.map((s) => s.target));
  for (const s of pl.states) if (s.decay || assigned.has(s.name)) lines.push(`${plasticArrayName.state(pk, s.name)}[c] = s_${s.name};`);
  if (assigned.has('w')) lines.push(`${w}[c] = s_w;`);
  return lines;
}

function ringSlot(plan: Plan, producer: string, lag: number): string {
  const depth = plan.spikeHistory[producer]!;
  return lag === 0 ? `(i % ${depth})` : `((i - ${lag}) % ${depth} + ${depth}) % ${depth}`;
}

/**
 * Propagation of a plastic projection: for each connection of a presynaptic neuron whose
 * spike arrives in this step, on_pre, then the target's jump state receives what it
 * delivers. `connections(body)`: the loop over the row `src`'s connections (on threads, the
 * ones this worker owns: codegen.ts scatterLoop) that runs `body` for connection `c`.
 */
export function plasticPropagateLines(plan: Plan, p: PlanProjection, pk: number, names: PlasticNames, idx: string, connections: (body: string) => string): string[] {
  const target = names.state(p.synapse, p.jump!);
  const body = [...eventLines(plan, p, pk, p.plasticity!.onPre, names, true), `${target}[${idx}[c]] += l_delivered;`];
  return [
    ...(p.lag > 0 ? [`if (i >= ${p.lag}) {`] : ['{']),
    `  const slot = ${ringSlot(plan, p.pre, p.lag)};`,
    `  const n = ${names.spikeCount(p.pre)}[slot], base = slot * ${p.nPre};`,
    '  for (let q = 0; q < n; q++) {',
    `    const src = ${names.spikeList(p.pre)}[base + q];`,
    `    ${connections(`{\n${body.map((l) => `      ${l}`).join('\n')}\n    }`)}`,
    '  }',
    '}',
  ];
}

/**
 * Where the neurons of a block that spiked in this step are listed, right after its update:
 * `list[base + q]` for q < n. On one thread, its spike list; on threads, this worker's
 * segment of it (its own neurons, before the lists are assembled: codegen.ts syncPass).
 */
export interface OwnSpikes { list: string; base: string; count: string }

/**
 * on_post of every plastic projection into `block`, for the neurons of `block` that spiked in
 * this step: the connections ending in each, through the transposed index. Placed right
 * after the block's update, so it sees this step's spikes and follows this step's on_pre.
 * On threads each worker visits its own spiking neurons, hence its own connections.
 */
export function onPostPasses(plan: Plan, block: string, names: PlasticNames, ownSpikes: () => OwnSpikes): string {
  const out: string[] = [];
  plan.projections.forEach((p, pk) => {
    if (p.post !== block || !p.plasticity || p.plasticity.onPost.length === 0) return;
    const ptr = names.use(plasticArrayName.postPtr(pk));
    const conn = names.use(plasticArrayName.postConn(pk));
    const spikes = ownSpikes();
    const lines = [
      `const n = ${spikes.count}, base = ${spikes.base};`,
      'for (let q = 0; q < n; q++) {',
      `  const j = ${spikes.list}[base + q];`,
      `  for (let r = ${ptr}[j], e = ${ptr}[j + 1]; r < e; r++) {`,
      `    const c = ${conn}[r];`,
      ...eventLines(plan, p, pk, p.plasticity.onPost, names, false).map((l) => `    ${l}`),
      '  }',
      '}',
    ];
    out.push([`  // on_post of ${p.synapse} (spikes of ${block})`, '  {', ...lines.map((l) => `    ${l}`), '  }'].join('\n'));
  });
  return out.length > 0 ? `\n${out.join('\n')}` : '';
}
