/**
 * Plastic synapses on the WebGPU engine (assets/docs/models.md, "Plasticity"): on_pre in the
 * list scatter of the presynaptic spikes (each thread takes connections of one spiking
 * neuron, runs the event code on them and adds what they deliver to the accumulator), and
 * on_post over the spike list of the postsynaptic block, through the transposed index. Only
 * the connections of neurons that spiked are touched: no pass over all connections.
 *
 * Per-connection data, in f32 words of S after everything else (the weight, each connection
 * state) and the step of each connection's last event in IS (layout.ts, `plastic`). A
 * connection is visited by one thread per op (a neuron spikes at most once per step), so the
 * event code needs no atomics; what it delivers is added to g with the f32 CAS loop.
 */
import type { Statement } from '../../../src-shared/expr/ast.js';
import { foldConstants } from '../../../src-shared/expr/evaluate.js';
import { constantsOf } from '../../compiler/block-constants.js';
import type { Plan, PlanProjection } from '../../compiler/plan.js';
import { atomicAddLines, listThreads } from './propagation-ops.js';
import { blockOf, i32Words } from './layout.js';
import { printWgsl, type WgslPrintContext } from './print-wgsl.js';
import type { ProjectionDecision } from './decisions.js';
import { constOffset, u, type CopyCtx, type Op } from './copy-context.js';
import type { ProgramOptions } from './codegen.js';

/** The resource the event code of a projection reads and writes (per-connection data). */
const plasticRes = (p: PlanProjection) => `plastic:${p.synapse}`;

/** WGSL of one event of connection `cn` (a u32) at step i: decay from the last event, the code, the stores. */
function eventLines(ctx: CopyCtx, p: PlanProjection, code: Statement[], onPre: boolean): string[] {
  const cp = ctx.plan.projections.find((x) => x.synapse === p.synapse)!;
  const pl = cp.plasticity!;
  const area = ctx.layout.plastic.get(p.synapse)!;
  const at = (off: number) => `cS + ${u(off)} + cn`;
  const lines = [
    `let el = i - IS[cIS + ${u(area.last)} + cn];`,
    `IS[cIS + ${u(area.last)} + cn] = i;`,
  ];
  for (const s of pl.states) {
    lines.push(`var s_${s.name} = S[${at(area.states.get(s.name)!)}];`);
    if (!s.decay) continue;
    // exp(el·(−dt/tau)); tau = 0: back at rest after any step. el = 0: nothing to decay.
    const k = s.decay.tau > 0 ? ctx.lits.f(-ctx.plan.dt / s.decay.tau) : null;
    const factor = k ? `exp(f32(el) * ${k})` : '0.0f';
    const rest = ctx.lits.f(s.decay.rest);
    lines.push(`if (el > 0u) { s_${s.name} = ${rest} + (s_${s.name} - ${rest}) * ${factor}; }`);
  }
  lines.push(`var s_w = S[${at(area.w)}];`);
  const locals = new Set<string>();
  if (onPre && !pl.delivers) { lines.push('let l_delivered = s_w;'); locals.add('delivered'); }
  const states = new Set(pl.states.map((s) => s.name));
  const pc: WgslPrintContext = {
    dt: ctx.plan.dt,
    num: (v) => ctx.lits.f(v),
    name: (n) => (n === 'w' ? 's_w' : states.has(n) ? `s_${n}` : n === 't' ? 't' : `l_${n}`),
    random: () => { throw new Error('random numbers are not allowed in the event code of a synapse'); },
  };
  const constants = constantsOf(ctx.plan, blockOf(ctx.plan, p.synapse));
  for (const s of code) {
    const rhs = printWgsl(foldConstants(s.expr, constants), pc);
    if (s.target === 'w' || states.has(s.target)) lines.push(`s_${s.target} = ${rhs};`);
    else if (locals.has(s.target)) lines.push(`l_${s.target} = ${rhs};`);
    else { locals.add(s.target); lines.push(`var l_${s.target} = ${rhs};`); }
  }
  const assigned = new Set(code.map((s) => s.target));
  for (const s of pl.states) if (s.decay || assigned.has(s.name)) lines.push(`S[${at(area.states.get(s.name)!)}] = s_${s.name};`);
  if (assigned.has('w')) lines.push(`S[${at(area.w)}] = s_w;`);
  return lines;
}

/** on_pre of the connections of the presynaptic spikes that arrive in this step (a list scatter). */
export function plasticPropagateOp(plan: Plan, p: PlanProjection, d: ProjectionDecision, options: ProgramOptions): Op {
  const pre = blockOf(plan, p.pre);
  const threads = listThreads(d, p.nPre, options);
  const lanes = d.lanes;
  return {
    label: `propagate ${p.pre} -> ${p.synapse}.${p.jump} with on_pre (lag ${p.lag}, spike list, ${lanes} lanes)`,
    size: threads,
    reads: [...(p.lag === 0 ? [{ res: `list:${p.pre}:cur`, mode: 'any' as const }] : []), { res: plasticRes(p), mode: 'any' }],
    writes: [{ res: `acc:${p.synapse}`, mode: 'any' }, { res: plasticRes(p), mode: 'any' }],
    emit: (ctx) => {
      const L = ctx.layout;
      const cp = ctx.plan.projections.find((x) => x.synapse === p.synapse)!;
      const ptr = constOffset(ctx, `pre-ptr:${p.synapse}`, () => i32Words(cp.byPre.ptr));
      const idx = constOffset(ctx, `pre-idx:${p.synapse}`, () => i32Words(cp.byPre.idx));
      const list = L.lists.get(p.pre)!;
      const slot = `((i + ${u(list.slots - (p.lag % list.slots))}) % ${u(list.slots)})`;
      return [
        `let slot = ${slot};`,
        `let count = atomicLoad(&ACC[cACC + ${u(list.counts)} + slot]);`,
        `let lane = k % ${u(lanes)};`,
        `for (var s = k / ${u(lanes)}; s < count; s = s + ${u(threads / lanes)}) {`,
        `  let src = IS[cIS + ${u(list.entries)} + slot * ${u(pre.size)} + s];`,
        `  let p1 = C[${ptr} + src + 1u];`,
        `  for (var cn = C[${ptr} + src] + lane; cn < p1; cn = cn + ${u(lanes)}) {`,
        ...eventLines(ctx, p, cp.plasticity!.onPre, true).map((l) => `    ${l}`),
        ...atomicAddLines({ ...d, mode: 'float' }, `cACC + ${u(L.accumulators.get(p.synapse)!)} + C[${idx} + cn]`, 'l_delivered').map((l) => `    ${l}`),
        '  }',
        '}',
      ].join('\n');
    },
  };
}

/** on_post of the connections ending in the neurons of `p.post` that spiked in this step. */
export function onPostOp(plan: Plan, p: PlanProjection, d: ProjectionDecision, options: ProgramOptions): Op {
  const post = blockOf(plan, p.post);
  const lanes = d.lanes;
  const threads = options.shape === 'workgroup' ? options.workgroupSize : lanes * Math.min(Math.max(1, p.nPost), 1024);
  return {
    label: `on_post of ${p.synapse} (spikes of ${p.post}, ${lanes} lanes)`,
    size: threads,
    reads: [{ res: `list:${p.post}:cur`, mode: 'any' }, { res: plasticRes(p), mode: 'any' }],
    writes: [{ res: plasticRes(p), mode: 'any' }],
    emit: (ctx) => {
      const cp = ctx.plan.projections.find((x) => x.synapse === p.synapse)!;
      const ptr = constOffset(ctx, `plastic-tptr:${p.synapse}`, () => i32Words(cp.plasticity!.postPtr));
      const conn = constOffset(ctx, `plastic-tconn:${p.synapse}`, () => i32Words(cp.plasticity!.postConn));
      const list = ctx.layout.lists.get(p.post)!;
      return [
        `let slot = i % ${u(list.slots)};`,
        `let count = atomicLoad(&ACC[cACC + ${u(list.counts)} + slot]);`,
        `let lane = k % ${u(lanes)};`,
        `for (var s = k / ${u(lanes)}; s < count; s = s + ${u(threads / lanes)}) {`,
        `  let j = IS[cIS + ${u(list.entries)} + slot * ${u(post.size)} + s];`,
        `  let r1 = C[${ptr} + j + 1u];`,
        `  for (var r = C[${ptr} + j] + lane; r < r1; r = r + ${u(lanes)}) {`,
        `    let cn = C[${conn} + r];`,
        ...eventLines(ctx, p, cp.plasticity!.onPost, false).map((l) => `    ${l}`),
        '  }',
        '}',
      ].join('\n');
    },
  };
}
