/** Spike propagation (scatter with atomics, or gather) and the synapse currents it feeds. */
import { foldConstants } from '../../../src-shared/expr/evaluate.js';
import type { Plan, PlanProjection } from '../../compiler/plan.js';
import { blockOf, f32Words, i32Words, stateKey } from './layout.js';
import { constantsOf } from '../../compiler/block-constants.js';
import { printWgsl, type WgslPrintContext } from './print-wgsl.js';
import { type ProjectionDecision, fixedScale } from './decisions.js';
import { type Access, type Op, type CopyCtx, inputRef, inputResource, constOffset, u } from './copy-context.js';
import { flagIndex } from './block-code.js';
import type { ProgramOptions } from './codegen.js';

/** The weight of connection q (WGSL) of a projection, in one of the ways it is stored. */
export function scatterWeight(ctx: CopyCtx, cp: PlanProjection, d: ProjectionDecision): string {
  const w0 = cp.byPre.w.length > 0 ? cp.byPre.w[0]! : 0;
  if (d.mode === 'fixed') {
    const scale = fixedScale(cp);
    const fixed = (w: number) => Math.round(w * scale) | 0;
    return d.constantWeight
      ? ctx.lits.u(fixed(w0) >>> 0)
      : `C[${constOffset(ctx, `pre-wfix:${cp.synapse}`, () => i32Words(Array.from(cp.byPre.w, fixed)))} + q]`;
  }
  return d.constantWeight ? ctx.lits.f(w0) : `bitcast<f32>(C[${constOffset(ctx, `pre-w:${cp.synapse}`, () => f32Words(cp.byPre.w))} + q])`;
}

/** Adds weight `w` to accumulator word `a` (fixed point: integer add; float: CAS loop). */
export function atomicAddLines(d: ProjectionDecision, a: string, w: string): string[] {
  if (d.mode === 'fixed') return [`atomicAdd(&ACC[${a}], ${w});`];
  return [
    `let a = ${a};`,
    `let w = ${w};`,
    'var old = atomicLoad(&ACC[a]);',
    'loop {',
    '  let r = atomicCompareExchangeWeak(&ACC[a], old, bitcast<u32>(bitcast<f32>(old) + w));',
    '  if (r.exchanged) { break; }',
    '  old = r.old_value;',
    '}',
  ];
}

/** Threads a list scatter uses per copy: lanes × spikes handled at once. */
export function listThreads(d: ProjectionDecision, nPre: number, options: ProgramOptions): number {
  if (options.shape === 'workgroup') return options.workgroupSize;
  return d.lanes * Math.min(Math.max(1, nPre), 1024);
}

export function propagateOp(plan: Plan, p: PlanProjection, d: ProjectionDecision, options: ProgramOptions): Op | null {
  if (d.mode === 'gather') return null; // done by the synapse's current op
  const pre = blockOf(plan, p.pre);
  const kind = `${d.mode === 'fixed' ? 'fixed-point' : 'f32 CAS'} atomics`;
  if (d.scatter === 'scan') {
    return {
      label: `propagate ${p.pre} -> ${p.synapse}.${p.jump} (lag ${p.lag}, scan, ${kind})`,
      size: p.nPre,
      reads: p.lag === 0 ? [{ res: `flags:${p.pre}:cur`, mode: 'same' }] : [],
      writes: [{ res: `acc:${p.synapse}`, mode: 'any' }],
      emit: (ctx) => {
        const cp = ctx.plan.projections.find((x) => x.synapse === p.synapse)!;
        const ptr = constOffset(ctx, `pre-ptr:${p.synapse}`, () => i32Words(cp.byPre.ptr));
        const idx = constOffset(ctx, `pre-idx:${p.synapse}`, () => i32Words(cp.byPre.idx));
        const acc = `cACC + ${u(ctx.layout.accumulators.get(p.synapse)!)} + C[${idx} + q]`;
        return [
          `if (IS[${flagIndex(ctx, pre, p.lag, 'k')}] != 0u) {`,
          `  let p1 = C[${ptr} + k + 1u];`,
          `  for (var q = C[${ptr} + k]; q < p1; q = q + 1u) {`,
          ...atomicAddLines(d, acc, scatterWeight(ctx, cp, d)).map((l) => `    ${l}`),
          '  }',
          '}',
        ].join('\n');
      },
    };
  }
  // List scatter: `lanes` threads per spike walk its row together; spikes beyond the
  // threads at hand are taken in turn.
  const threads = listThreads(d, p.nPre, options);
  const lanes = d.lanes;
  return {
    label: `propagate ${p.pre} -> ${p.synapse}.${p.jump} (lag ${p.lag}, spike list, ${lanes} lanes, ${kind})`,
    size: threads,
    reads: p.lag === 0 ? [{ res: `list:${p.pre}:cur`, mode: 'any' }] : [],
    writes: [{ res: `acc:${p.synapse}`, mode: 'any' }],
    emit: (ctx) => {
      const L = ctx.layout;
      const cp = ctx.plan.projections.find((x) => x.synapse === p.synapse)!;
      const ptr = constOffset(ctx, `pre-ptr:${p.synapse}`, () => i32Words(cp.byPre.ptr));
      const idx = constOffset(ctx, `pre-idx:${p.synapse}`, () => i32Words(cp.byPre.idx));
      const list = L.lists.get(p.pre)!;
      const acc = `cACC + ${u(L.accumulators.get(p.synapse)!)} + C[${idx} + q]`;
      const slot = `((i + ${u(list.slots - (p.lag % list.slots))}) % ${u(list.slots)})`;
      return [
        `let slot = ${slot};`,
        `let count = atomicLoad(&ACC[cACC + ${u(list.counts)} + slot]);`,
        `let lane = k % ${u(lanes)};`,
        `for (var s = k / ${u(lanes)}; s < count; s = s + ${u(threads / lanes)}) {`,
        `  let src = IS[cIS + ${u(list.entries)} + slot * ${u(pre.size)} + s];`,
        `  let p1 = C[${ptr} + src + 1u];`,
        `  for (var q = C[${ptr} + src] + lane; q < p1; q = q + ${u(lanes)}) {`,
        ...atomicAddLines(d, acc, scatterWeight(ctx, cp, d)).map((l) => `    ${l}`),
        '  }',
        '}',
      ].join('\n');
    },
  };
}

/** Connections of a linear projection by postsynaptic neuron (rows in presynaptic order). */
export function transpose(p: PlanProjection): { ptr: Int32Array; idx: Int32Array; w: Float32Array; lag?: Int32Array } {
  const { ptr: pp, idx: pi, w: pw, lag: pl } = p.byPre;
  const ptr = new Int32Array(p.nPost + 1);
  for (let q = 0; q < pi.length; q++) ptr[pi[q]! + 1]!++;
  for (let j = 0; j < p.nPost; j++) ptr[j + 1]! += ptr[j]!;
  const fill = ptr.slice(0, p.nPost);
  const idx = new Int32Array(pi.length);
  const w = new Float32Array(pi.length);
  const lag = pl ? new Int32Array(pi.length) : undefined;
  for (let i = 0; i < p.nPre; i++) {
    for (let q = pp[i]!; q < pp[i + 1]!; q++) {
      const at = fill[pi[q]!]!++;
      idx[at] = i;
      w[at] = pw[q]!;
      if (lag) lag[at] = pl![q]!;
    }
  }
  return lag ? { ptr, idx, w, lag } : { ptr, idx, w };
}

export function synapseCurrentOp(plan: Plan, p: PlanProjection, d: ProjectionDecision | undefined): Op {
  const syn = blockOf(plan, p.synapse);
  const post = blockOf(plan, p.post);
  const vPostRes = `state:${stateKey(p.post, post.voltage!)}`;
  // A delta synapse (into J) adds to the neuron's jumps, every other synapse to its current.
  const inputRes = inputResource(p.post, p.into);
  const reads: Access[] = [{ res: vPostRes, mode: 'same' }, { res: inputRes, mode: 'same' }];
  const writes: Access[] = [{ res: inputRes, mode: 'same' }];
  if (p.stateOn === 'post') {
    for (const s of syn.states) reads.push({ res: `state:${stateKey(syn.id, s.name)}`, mode: 'same' });
    writes.push({ res: `state:${stateKey(syn.id, p.jump!)}`, mode: 'same' });
    if (d!.mode === 'gather') {
      if (p.lag === 0) reads.push({ res: `flags:${p.pre}:cur`, mode: 'any' });
    } else {
      reads.push({ res: `acc:${syn.id}`, mode: 'same' });
      writes.push({ res: `acc:${syn.id}`, mode: 'same' });
    }
  } else {
    reads.push({ res: `state:${stateKey(syn.id, p.gather!)}`, mode: 'any' });
  }
  return {
    label: `current ${p.synapse} → ${p.post}`,
    size: p.nPost,
    reads,
    writes,
    emit: (ctx) => {
      const L = ctx.layout;
      const cp = ctx.plan.projections.find((x) => x.synapse === p.synapse)!;
      const cb = blockOf(ctx.plan, p.synapse);
      const sOff = (n: string) => u(L.states.get(stateKey(syn.id, n))!.offset);
      const lines: string[] = [`let vp = S[cS + ${u(L.states.get(stateKey(p.post, post.voltage!))!.offset)} + k];`];
      const stateNames = new Set(syn.states.map((s) => s.name));
      if (p.stateOn === 'post' && d!.mode === 'gather') {
        // Weights of the connections whose presynaptic neuron spiked lag steps ago.
        const t = () => transpose(cp);
        const ptr = constOffset(ctx, `post-ptr:${p.synapse}`, () => i32Words(t().ptr));
        const idx = constOffset(ctx, `post-idx:${p.synapse}`, () => i32Words(t().idx));
        const w = d!.constantWeight
          ? ctx.lits.f(cp.byPre.w.length > 0 ? cp.byPre.w[0]! : 0)
          : `bitcast<f32>(C[${constOffset(ctx, `post-w:${p.synapse}`, () => f32Words(t().w))} + q])`;
        const pre = blockOf(ctx.plan, p.pre);
        // Delays per connection: each connection reads the flag ring at its own lag.
        const depth = ctx.plan.spikeHistory[p.pre]!;
        const flag = cp.maxLag === undefined
          ? flagIndex(ctx, pre, p.lag, `C[${idx} + q]`)
          : `cIS + ${u(ctx.layout.flags.get(p.pre)!)} + ((i + ${u(depth)} - C[${constOffset(ctx, `post-lag:${p.synapse}`, () => i32Words(t().lag!))} + q]) % ${u(depth)}) * ${u(pre.size)} + C[${idx} + q]`;
        lines.push(
          'var arrived = 0.0f;',
          `let p1 = C[${ptr} + k + 1u];`,
          `for (var q = C[${ptr} + k]; q < p1; q = q + 1u) {`,
          `  if (IS[${flag}] != 0u) { arrived = arrived + ${w}; }`,
          '}',
          `let jump = S[cS + ${sOff(p.jump!)} + k] + arrived;`,
          `S[cS + ${sOff(p.jump!)} + k] = jump;`,
        );
      } else if (p.stateOn === 'post') {
        // Most accumulators stay empty in a step: read, and write back only where spikes arrived.
        const a = `cACC + ${u(L.accumulators.get(syn.id)!)} + k`;
        const arrived = d!.mode === 'fixed' ? `f32(bitcast<i32>(raw)) * ${ctx.lits.f(1 / fixedScale(cp))}` : 'bitcast<f32>(raw)';
        lines.push(
          `let raw = atomicLoad(&ACC[${a}]);`,
          `var jump = S[cS + ${sOff(p.jump!)} + k];`,
          'if (raw != 0u) {',
          `  atomicStore(&ACC[${a}], 0u);`,
          `  jump = jump + ${arrived};`,
          `  S[cS + ${sOff(p.jump!)} + k] = jump;`,
          '}',
        );
      } else {
        const ptr = constOffset(ctx, `post-ptr:${p.synapse}`, () => i32Words(cp.byPost!.ptr));
        const idx = constOffset(ctx, `post-idx:${p.synapse}`, () => i32Words(cp.byPost!.idx));
        const wc = d?.constantWeight ?? false;
        const w = wc
          ? ctx.lits.f(cp.byPost!.w.length > 0 ? cp.byPost!.w[0]! : 0)
          : `bitcast<f32>(C[${constOffset(ctx, `post-w:${p.synapse}`, () => f32Words(cp.byPost!.w))} + q])`;
        lines.push(
          'var wsum = 0.0f;',
          `let p1 = C[${ptr} + k + 1u];`,
          `for (var q = C[${ptr} + k]; q < p1; q = q + 1u) {`,
          `  wsum = wsum + ${w} * S[cS + ${sOff(p.gather!)} + C[${idx} + q]];`,
          '}',
        );
      }
      const pc: WgslPrintContext = {
        dt: ctx.plan.dt,
        num: (v) => ctx.lits.f(v),
        name: (n) => {
          if (n === 'V_post') return 'vp';
          if (n === 'wsum') return 'wsum';
          if (p.stateOn === 'post' && n === p.jump) return 'jump';
          if (stateNames.has(n)) return `S[cS + ${sOff(n)} + k]`;
          throw new Error(`synapse "${syn.id}": the current reads "${n}", which the WebGPU engine cannot resolve`);
        },
        random: () => { throw new Error('random numbers are not allowed in a synapse current'); },
      };
      const current = printWgsl(foldConstants(cp.current, constantsOf(ctx.plan, cb)), pc);
      const I = inputRef(ctx, p.post, p.into);
      lines.push(`${I} = ${I} + ${current};`);
      return lines.join('\n');
    },
  };
}

