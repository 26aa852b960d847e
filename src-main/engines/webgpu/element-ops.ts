/** The element-wise operations of a step: block updates, injected currents, recording. */
import type { Plan, PlanBlock } from '../../compiler/plan.js';
import { blockOf, f32Words, i32Words, stateKey, type ProbeArea } from './layout.js';
import { stampLoadWgsl, stampStoreWgsl } from './stamps.js';
import type { Decisions } from './decisions.js';
import { type Access, type Op, inputRef, inputResource, constOffset, u } from './copy-context.js';
import { type CodeNames, flagIndex, printStatements, spikeOutputs } from './block-code.js';
import { propagateOp, synapseCurrentOp } from './propagation-ops.js';
import { onPostOp, plasticPropagateOp } from './plasticity-ops.js';
import type { ProgramOptions } from './codegen.js';

export function updateOp(b: PlanBlock): Op | null {
  if (b.category === 'current' && b.perTarget) return perTargetSourceOp(b);
  if (b.category === 'current') {
    if (b.states.length > 0 || (b.template !== 'elementwise' && b.template !== 'piecewise')) {
      throw new Error(`block "${b.id}": a current source with states is not supported by the WebGPU engine`);
    }
    return null; // evaluated inline where it is injected
  }
  const flagsCur = (id: string) => `flags:${id}:cur`;
  if (b.template === 'spike-times') {
    return {
      label: `update ${b.id} (spike times)`,
      size: b.size,
      reads: [{ res: `cursor:${b.id}`, mode: 'same' }],
      writes: [{ res: `cursor:${b.id}`, mode: 'same' }, { res: flagsCur(b.id), mode: 'same' }, { res: `list:${b.id}:cur`, mode: 'any' }],
      emit: (ctx) => {
        const cb = blockOf(ctx.plan, b.id); // this copy's block
        const ptr = constOffset(ctx, `sched-ptr:${b.id}`, () => scheduleByNeuron(cb).ptr);
        const steps = constOffset(ctx, `sched-steps:${b.id}`, () => scheduleByNeuron(cb).steps);
        const cur = `cIS + ${u(ctx.layout.cursors.get(b.id)!)} + k`;
        return [
          `let p0 = C[${ptr} + k];`,
          `let p1 = C[${ptr} + k + 1u];`,
          `var q = p0 + IS[${cur}];`,
          `while (q < p1 && C[${steps} + q] < i) { q = q + 1u; }`,
          'var l_spike = false;',
          `while (q < p1 && C[${steps} + q] == i) { l_spike = true; q = q + 1u; }`,
          `IS[${cur}] = q - p0;`,
          ...spikeOutputs(ctx, b, 'l_spike'),
        ].join('\n');
      },
    };
  }
  const reads: Access[] = b.states.map((s) => ({ res: `state:${stateKey(b.id, s.name)}`, mode: 'same' as const }));
  const assigned = new Set(b.code.map((s) => s.target));
  const writes: Access[] = b.states.filter((s) => assigned.has(s.name)).map((s) => ({ res: `state:${stateKey(b.id, s.name)}`, mode: 'same' as const }));
  if (b.category === 'neuron' && b.receivesCurrent) {
    reads.push({ res: `input:${b.id}`, mode: 'same' });
    writes.push({ res: `input:${b.id}`, mode: 'same' });
  }
  if (b.category === 'neuron' && b.receivesJumps) {
    reads.push({ res: `jumps:${b.id}`, mode: 'same' });
    writes.push({ res: `jumps:${b.id}`, mode: 'same' });
  }
  if (b.input?.kind === 'spikes' && b.input.lag === 0) reads.push({ res: flagsCur(b.input.from), mode: 'same' });
  if (b.input?.kind === 'voltage') reads.push({ res: `state:${stateKey(b.input.from, b.input.state)}`, mode: 'same' });
  if (b.spiking) writes.push({ res: flagsCur(b.id), mode: 'same' }, { res: `list:${b.id}:cur`, mode: 'any' });
  return {
    label: `update ${b.id} (${b.type})`,
    size: b.size,
    reads,
    writes,
    emit: (ctx) => {
      const L = ctx.layout;
      const names: CodeNames = { inputs: {}, inputTypes: {} };
      const pre: string[] = [];
      if (b.category === 'neuron' && b.receivesCurrent) {
        const I = inputRef(ctx, b.id);
        pre.push(`let in_I = ${I};`, ...(ctx.privateInputs.has(b.id) ? [] : [`${I} = 0.0f;`]));
        names.inputs.I = 'in_I';
        names.inputTypes.I = 'num';
      }
      if (b.category === 'neuron' && b.receivesJumps) {
        const J = inputRef(ctx, b.id, 'J');
        pre.push(`let in_J = ${J};`, ...(ctx.privateJumps?.has(b.id) ? [] : [`${J} = 0.0f;`]));
        names.inputs.J = 'in_J';
        names.inputTypes.J = 'num';
      }
      if (b.input?.kind === 'spikes') {
        const src = blockOf(ctx.plan, b.input.from);
        pre.push(`let in_spike = IS[${flagIndex(ctx, src, b.input.lag, 'k')}] != 0u;`);
        names.inputs.spike_in = 'in_spike';
        names.inputTypes.spike_in = 'bool';
      }
      if (b.input?.kind === 'voltage') {
        pre.push(`let in_Vpre = S[cS + ${u(L.states.get(stateKey(b.input.from, b.input.state))!.offset)} + k];`);
        names.inputs.V_pre = 'in_Vpre';
        names.inputTypes.V_pre = 'num';
      }
      const stamps = ctx.decisions.stamps.get(b.id) ?? new Set<string>();
      const word = (name: string) => `S[cS + ${u(L.states.get(stateKey(b.id, name))!.offset)} + k]`;
      const load = b.states.map((s) => (stamps.has(s.name)
        ? `var s_${s.name}: i32 = ${stampLoadWgsl(word(s.name))};`
        : `var s_${s.name} = ${word(s.name)};`));
      const cb = blockOf(ctx.plan, b.id); // this copy's block: its parameters
      const body = printStatements(ctx, cb, cb.code, names, 'k');
      const store = b.states.filter((s) => assigned.has(s.name))
        .map((s) => `${word(s.name)} = ${stamps.has(s.name) ? stampStoreWgsl(`s_${s.name}`) : `s_${s.name}`};`);
      if (b.spiking) store.push(...spikeOutputs(ctx, b, 'l_spike'));
      return [...pre, ...load, ...body, ...store].join('\n');
    },
  };
}

/**
 * A per-target current source (noise, Poisson drive): element k is the value for neuron k of
 * its targets, kept in S until the injections read it (the same step, usually the same group).
 */
function perTargetSourceOp(b: PlanBlock): Op {
  const assigned = new Set(b.code.map((s) => s.target));
  const stateRes = (s: string) => `state:${stateKey(b.id, s)}`;
  return {
    label: `update ${b.id} (${b.type})`,
    size: b.size,
    reads: b.states.map((s) => ({ res: stateRes(s.name), mode: 'same' as const })),
    writes: [
      ...b.states.filter((s) => assigned.has(s.name)).map((s) => ({ res: stateRes(s.name), mode: 'same' as const })),
      { res: `out:${b.id}`, mode: 'same' },
    ],
    emit: (ctx) => {
      const L = ctx.layout;
      const word = (name: string) => `S[cS + ${u(L.states.get(stateKey(b.id, name))!.offset)} + k]`;
      const cb = blockOf(ctx.plan, b.id);
      const output = b.code.some((s) => s.target === 'J_out') ? 'l_J_out' : 'l_I_out';
      return [
        ...b.states.map((s) => `var s_${s.name} = ${word(s.name)};`),
        ...printStatements(ctx, cb, cb.code, { inputs: {}, inputTypes: {} }, 'k'),
        ...b.states.filter((s) => assigned.has(s.name)).map((s) => `${word(s.name)} = s_${s.name};`),
        `S[cS + ${u(L.currentOuts.get(b.id)!)} + k] = ${output};`,
      ].join('\n');
    },
  };
}

/** The schedule of a spike-times block re-sorted per neuron: CSR of steps. */
export function scheduleByNeuron(b: PlanBlock): { ptr: Uint32Array; steps: Uint32Array } {
  const { steps, neurons } = b.schedule!;
  const ptr = new Uint32Array(b.size + 1);
  for (let q = 0; q < neurons.length; q++) ptr[neurons[q]! + 1]!++;
  for (let k = 0; k < b.size; k++) ptr[k + 1]! += ptr[k]!;
  const fill = ptr.slice(0, b.size);
  const out = new Uint32Array(neurons.length);
  for (let q = 0; q < neurons.length; q++) out[fill[neurons[q]!]!++] = steps[q]!; // steps are sorted
  return { ptr, steps: out };
}

export function injectOp(plan: Plan, source: string, target: string, into?: 'J'): Op {
  const src = blockOf(plan, source);
  const tgt = blockOf(plan, target);
  const res = inputResource(target, into);
  return {
    label: `inject ${source} → ${target}${into === 'J' ? ' (jumps)' : ''}`,
    size: tgt.size,
    reads: [{ res, mode: 'same' }, ...(src.perTarget ? [{ res: `out:${source}`, mode: 'same' as const }] : [])],
    writes: [{ res, mode: 'same' }],
    emit: (ctx) => {
      const cb = blockOf(ctx.plan, source);
      const lines: string[] = [];
      if (src.perTarget) {
        lines.push(`let v = S[cS + ${u(ctx.layout.currentOuts.get(source)!)} + k];`);
      } else if (src.template === 'piecewise') {
        const wave = cb.piecewise!;
        const ws = constOffset(ctx, `wave-steps:${source}`, () => i32Words(wave.steps));
        const wv = constOffset(ctx, `wave-values:${source}`, () => f32Words(wave.values));
        lines.push(
          // upper bound: entries whose step is ≤ i (the CPU engine's cursor)
          'var lo = 0u;',
          `var hi = ${ctx.lits.u(wave.steps.length)};`,
          'loop {',
          '  if (lo >= hi) { break; }',
          '  let mid = (lo + hi) / 2u;',
          `  if (bitcast<i32>(C[${ws} + mid]) <= i32(i)) { lo = mid + 1u; } else { hi = mid; }`,
          '}',
          `let v = select(0.0f, bitcast<f32>(C[${wv} + max(lo, 1u) - 1u]), lo > 0u);`,
        );
      } else {
        lines.push(...printStatements(ctx, cb, cb.code, { inputs: {}, inputTypes: {} }, '0u'), 'let v = l_I_out;');
      }
      const I = inputRef(ctx, target, into);
      lines.push(`if (v != 0.0f) {`, `  ${I} = ${I} + v;`, '}');
      return lines.join('\n');
    },
  };
}

export function recordOp(plan: Plan, area: Extract<ProbeArea, { kind: 'state' }>): Op {
  const probe = area.probe;
  const block = blockOf(plan, probe.block);
  // A weight probe reads a plastic synapse's per-connection area (plasticity-ops.ts); element k is connection k.
  const size = probe.connections ? plan.projections.find((x) => x.synapse === probe.block)!.byPre.idx.length : block.size;
  return {
    label: `record ${probe.id} (${probe.block}.${probe.state})`,
    size,
    reads: [{ res: probe.connections ? `plastic:${probe.block}` : `state:${stateKey(probe.block, probe.state)}`, mode: probe.connections ? 'any' : 'same' }],
    writes: [],
    emit: (ctx) => {
      const every = u(probe.every);
      const area0 = ctx.layout.plastic.get(probe.block);
      const offset = probe.connections ? (probe.state === 'w' ? area0!.w : area0!.states.get(probe.state)!) : ctx.layout.states.get(stateKey(probe.block, probe.state))!.offset;
      const word = `S[cS + ${u(offset)} + k]`;
      // A stamp is recorded in ms, as the CPU engine records it.
      const src = ctx.decisions.stamps.get(probe.block)?.has(probe.state) ? `(f32(${stampLoadWgsl(word)}) * DT)` : word;
      const row = `cRS + ${u(area.offset)} + ((i + 1u) / ${every} - (U.chunk_start + ${every}) / ${every}) * ${u(area.unique.length)}`;
      const lines = [`if ((i + 1u) % ${every} == 0u) {`];
      if (area.identity) {
        lines.push(`  RS[${row} + k] = ${src};`);
      } else {
        const map = constOffset(ctx, `columns:${probe.id}`, () => {
          const m = new Uint32Array(size).fill(0xffffffff);
          area.unique.forEach((n, col) => { m[n] = col; });
          return m;
        });
        lines.push(`  let col = C[${map} + k];`, '  if (col != 0xffffffffu) {', `    RS[${row} + col] = ${src};`, '  }');
      }
      lines.push('}');
      return lines.join('\n');
    },
  };
}

/** Ops of one step in execution order (recording placed after each state's last writer). */
export function buildOps(plan: Plan, decisions: Decisions, options: ProgramOptions): Op[] {
  const projection = new Map(plan.projections.map((p) => [p.synapse, p]));
  const early: Op[] = [];
  const ops: Op[] = [];
  for (const pass of plan.passes) {
    switch (pass.kind) {
      case 'update': {
        const op = updateOp(blockOf(plan, pass.block));
        if (op) ops.push(op);
        // Plastic synapses into this block: on_post right after its update (its spikes of the step).
        for (const p of plan.projections) {
          if (p.post === pass.block && p.plasticity && p.plasticity.onPost.length > 0) ops.push(onPostOp(plan, p, decisions.projections.get(p.synapse)!, options));
        }
        break;
      }
      case 'propagate': {
        const p = projection.get(pass.synapse)!;
        const d = decisions.projections.get(p.synapse)!;
        const op = p.plasticity ? plasticPropagateOp(plan, p, d, options) : propagateOp(plan, p, d, options);
        // Spikes of earlier steps can be scattered at the start of the step: the accumulator
        // is read only by this projection's current pass, later in the step.
        if (op && p.lag > 0) early.push(op); else if (op) ops.push(op);
        break;
      }
      case 'synapse-current': {
        const p = projection.get(pass.synapse)!;
        ops.push(synapseCurrentOp(plan, p, decisions.projections.get(p.synapse)));
        break;
      }
      case 'inject':
        ops.push(injectOp(plan, pass.source, pass.target, pass.into));
        break;
    }
  }
  return [...early, ...ops];
}

/** State probes go after the last op writing their state (at the start if nothing does). */
export function placeRecords(ops: Op[], records: Op[]): Op[] {
  const out = [...ops];
  for (const r of records) {
    const res = r.reads[0]!.res;
    let at = -1;
    out.forEach((op, k) => { if (op.writes.some((w) => w.res === res)) at = k; });
    out.splice(at + 1, 0, r);
  }
  return out;
}

