/**
 * Generates the WebGPU engine's shader module from one plan, or from the B plans of a batch
 * (copies with the same structure that differ in parameters or seed). The passes of a step
 * (plan.passes, the CPU engine's order) become element-wise operations; consecutive
 * operations whose data dependencies stay within one element index are fused into one
 * group, and a group is one dispatch (grid shape) or one phase between barriers (workgroup
 * shape). Everything the copies share is printed as literals; what differs (folded
 * parameters, seeds, offsets of per-copy data) moves into a per-copy table.
 */
import { createHash } from 'node:crypto';
import { randomStream, RANDOM_WGSL } from '../../../kernels/random.js';
import { NUMERIC_WGSL } from '../../../kernels/wgsl/numeric.js';
import { gridEntryPoint, gridHelperEntryPoint, moduleHeader, workgroupEntryPoint, type GroupBody } from '../../../kernels/wgsl/templates.js';
import type { Statement, ValueType } from '../../../src-shared/expr/ast.js';
import { foldConstants } from '../../../src-shared/expr/evaluate.js';
import type { Plan, PlanBlock, PlanProjection } from '../../compiler/plan.js';
import { blockOf, buildLayout, ConstPool, f32Words, i32Words, stateKey, type Layout, type LayoutLimits, type LayoutNeeds, type ProbeArea } from './layout.js';
import { blockConstants, constantsOf } from '../../compiler/block-constants.js';
import { foldBlockCode } from './fold.js';
import { exprType, f32Literal, printWgsl, type WgslPrintContext } from './print-wgsl.js';
import { elapsedWgsl, STAMP_BIAS, stampLoadWgsl, stampStates, stampSteps, stampStoreWgsl } from './stamps.js';

/**
 * How spikes reach a linear synapse's jumping state:
 * - `gather`: each postsynaptic element sums the weights of its incoming connections whose
 *   presynaptic neuron spiked (no atomics, fused with the synapse's current; cost ∝ synapses);
 * - `fixed`: scatter from the spikes with integer atomics on a fixed-point accumulator
 *   (deterministic; cost ∝ spikes × out-degree);
 * - `float`: scatter with f32 compare-and-swap loops (for weights too spread for fixed point).
 */
export type PropagationMode = 'gather' | 'fixed' | 'float';
/** Scatter from a compacted list of spikes (lanes per spike) or by scanning every presynaptic flag. */
export type ScatterMode = 'list' | 'scan';

export interface ProgramOptions {
  workgroupSize: number;
  shape: 'grid' | 'workgroup';
  limits: LayoutLimits;
  /** Spike propagation of linear synapses (see PropagationMode); auto: fixed point, or float where fixed point would round weights. */
  propagation?: PropagationMode | 'auto';
  /** How the scatter modes find the spikes (the runner picks per device; default list). */
  scatter?: ScatterMode;
  /** Benchmarks: keep the groups and dispatches, drop their work (all, or the groups listed). */
  emptyBodies?: boolean | number[];
}

export interface ProgramGroup {
  name: string;
  threads: number;
  /** What the group does, for --explain and tests. */
  parts: string[];
}

export interface Program {
  code: string;
  /** SHA-256 of the code: the pipeline cache key. */
  key: string;
  shape: 'grid' | 'workgroup';
  workgroupSize: number;
  copies: number;
  /** Groups of one step, in order (grid shape: one dispatch each). */
  groups: ProgramGroup[];
  /** Grid shape: the non-finite check entry point (null when there are no states). */
  check: ProgramGroup | null;
  /** Workgroup shape: the entry point running a whole chunk. */
  chunkEntry: string;
  /** Grid shape: the entry point of every group, and where its step counters are in IS (2 per group, after all copies). */
  stepEntry: string;
  counterBase: number;
  /** Every entry point of the module (what a pipeline may be made of). */
  entryPoints: string[];
  layout: Layout;
  /** Contents of C: its size in words, and the arrays to upload at their offsets. */
  constWords: number;
  constSegments: Array<{ offset: number; data: Uint32Array }>;
  /** Initial S of every copy, copy after copy. */
  initS: Float32Array;
  /** Propagation mode of each linear projection, by synapse id. */
  propagation: Map<string, PropagationMode>;
  /** Scatter mode of each scattering projection, by synapse id. */
  scatter: Map<string, ScatterMode>;
}

// ---------------------------------------------------------------------------------------
// Literals: printed per copy as markers, then inlined (same in every copy) or tabled.

const MARK_OPEN = '\u0001';
const MARK_CLOSE = '\u0002';
const f32Bits = (v: number) => new Uint32Array(Float32Array.of(v).buffer)[0]!;

class Literals {
  readonly entries: Array<{ type: 'f' | 'u'; bits: number }> = [];
  f(v: number): string {
    this.entries.push({ type: 'f', bits: f32Bits(v) });
    return `${MARK_OPEN}${this.entries.length - 1}${MARK_CLOSE}`;
  }
  u(v: number): string {
    if (!Number.isInteger(v) || v < 0 || v > 0xffffffff) throw new Error(`internal: ${v} is not a u32`);
    this.entries.push({ type: 'u', bits: v >>> 0 });
    return `${MARK_OPEN}${this.entries.length - 1}${MARK_CLOSE}`;
  }
}

// ---------------------------------------------------------------------------------------
// Operations and their data dependencies.

type Mode = 'same' | 'any';
interface Access { res: string; mode: Mode }

interface Op {
  label: string;
  /** Elements (threads) per copy. */
  size: number;
  reads: Access[];
  writes: Access[];
  emit(ctx: CopyCtx): string;
}

/** Per-copy generation context. */
interface CopyCtx {
  plan: Plan;
  copy: number;
  /** Copies in the batch. */
  copies: number;
  lits: Literals;
  pool: ConstPool;
  layout: Layout;
  decisions: Decisions;
  /** Neurons whose input current is summed in a private variable of their group (privateInputs). */
  privateInputs: Set<string>;
  /** Per-copy C offsets, registered on first use (same order in every copy). */
  cache: Map<string, number>;
}

/** WGSL of a neuron's input-current accumulator at element k: a variable of the group, or its word in S. */
function inputRef(ctx: CopyCtx, block: string): string {
  return ctx.privateInputs.has(block) ? `acc_b${blockOf(ctx.plan, block).index}` : `S[cS + ${u(ctx.layout.inputs.get(block)!)} + k]`;
}

function constOffset(ctx: CopyCtx, key: string, make: () => Uint32Array): string {
  let off = ctx.cache.get(key);
  if (off === undefined) {
    off = ctx.pool.add(make());
    ctx.cache.set(key, off);
  }
  return ctx.lits.u(off);
}

interface ProjectionDecision {
  mode: PropagationMode;
  scatter: ScatterMode;
  /** All weights of the projection equal in every copy (the value may differ per copy). */
  constantWeight: boolean;
  /** List scatter: lanes (threads) per spike, a power of two near the mean out-degree. */
  lanes: number;
}

interface Decisions {
  projections: Map<string, ProjectionDecision>;
  /** Time stamps kept as step counts (stamps.ts), by block id: those that are stamps in every copy. */
  stamps: Map<string, Set<string>>;
}

const u = (n: number) => `${n}u`;

function isConstant(w: Float32Array): boolean {
  for (let k = 1; k < w.length; k++) if (w[k] !== w[0]) return false;
  return true;
}

/** max_j Σ_i |w_ij| and the smallest non-zero |w| of a projection. */
function weightBounds(p: PlanProjection): { maxSum: number; minAbs: number } {
  const sums = new Float64Array(p.nPost);
  let minAbs = Infinity;
  const { idx, w } = p.byPre;
  for (let q = 0; q < idx.length; q++) {
    const a = Math.abs(w[q]!);
    sums[idx[q]!]! += a;
    if (a > 0 && a < minAbs) minAbs = a;
  }
  let maxSum = 0;
  for (const s of sums) if (s > maxSum) maxSum = s;
  return { maxSum, minAbs };
}

/** Fixed-point scale of a projection: Σ|w| of any row stays below 2^30 in magnitude. */
function fixedScale(p: PlanProjection): number {
  const { maxSum } = weightBounds(p);
  return maxSum > 0 ? 2 ** 30 / maxSum : 1;
}

function decide(plans: Plan[], mode: PropagationMode | 'auto', scatter: ScatterMode): Decisions {
  const projections = new Map<string, ProjectionDecision>();
  plans[0]!.projections.forEach((p0, pk) => {
    const all = plans.map((pl) => pl.projections[pk]!);
    const constantWeight = all.every((p) => p.byPre.w.length === 0 || isConstant(p.byPre.w));
    const nnz = Math.max(...all.map((p) => p.byPre.idx.length));
    let m: PropagationMode = mode === 'auto' ? 'fixed' : mode;
    if (mode === 'auto') {
      // Fixed point quantises each weight to maxSum·2^-31; keep it where that is far below
      // f32 resolution, else add floats.
      for (const p of all) {
        const { maxSum, minAbs } = weightBounds(p);
        if (Number.isFinite(minAbs) && maxSum / (minAbs * 2 ** 31) > 1e-6) m = 'float';
      }
    }
    const meanRow = nnz / Math.max(1, p0.nPre);
    const lanes = Math.min(32, Math.max(4, 2 ** Math.ceil(Math.log2(Math.max(1, meanRow)))));
    projections.set(p0.synapse, { mode: m, scatter, constantWeight, lanes });
  });
  const stamps = new Map<string, Set<string>>();
  plans[0]!.blocks.forEach((b0, bk) => {
    const sets = plans.map((pl) => stampStates(pl.blocks[bk]!, pl.dt));
    const common = new Set([...sets[0]!].filter((x) => sets.every((set) => set.has(x))));
    if (common.size > 0) stamps.set(b0.id, common);
  });
  return { projections, stamps };
}

/** Which blocks keep spike lists and which projections accumulate, given the decisions. */
function layoutNeeds(plan: Plan, d: Decisions): LayoutNeeds {
  const lists = new Set<string>();
  const accumulators = new Set<string>();
  for (const p of plan.projections) {
    const x = d.projections.get(p.synapse)!;
    if (p.stateOn !== 'post' || x.mode === 'gather') continue;
    accumulators.add(p.synapse);
    if (x.scatter === 'list') lists.add(p.pre);
  }
  return { lists, accumulators };
}

// ---------------------------------------------------------------------------------------
// Printing of block code.

interface CodeNames {
  /** Update-language name → WGSL text. */
  inputs: Record<string, string>;
  inputTypes: Record<string, ValueType>;
}

function seedLiteral(ctx: CopyCtx): string {
  return ctx.lits.u(ctx.plan.seed >>> 0);
}

/** Prints a block's statements for element `elem` (a WGSL u32 expression). */
function printStatements(ctx: CopyCtx, b: PlanBlock, code: Statement[], names: CodeNames, elem: string): string[] {
  const states = new Set(b.states.map((s) => s.name));
  const locals = new Map<string, ValueType>();
  const typeOfName = (n: string): ValueType => {
    if (states.has(n)) return 'num';
    if (names.inputTypes[n]) return names.inputTypes[n]!;
    if (locals.has(n)) return locals.get(n)!;
    return 'num';
  };
  const seed = seedLiteral(ctx);
  const stamps = ctx.decisions.stamps.get(b.id) ?? new Set<string>();
  const pc: WgslPrintContext = {
    dt: ctx.plan.dt,
    num: (v) => ctx.lits.f(v),
    elapsed: (n) => (stamps.has(n) ? elapsedWgsl('i', `s_${n}`) : null),
    stepInt: 'bitcast<i32>(i)',
    int: (v) => `bitcast<i32>(${ctx.lits.u(v >>> 0)})`,
    name: (n) => {
      if (stamps.has(n)) throw new Error(`internal: block "${b.id}" reads the time stamp "${n}" outside t - ${n}`);
      if (states.has(n)) return `s_${n}`;
      if (names.inputs[n]) return names.inputs[n]!;
      if (n === 't') return 't';
      if (n === 'step') return 'f32(i)';
      if (locals.has(n)) return `l_${n}`;
      throw new Error(`block "${b.id}": the update code reads "${n}", which the WebGPU engine cannot resolve`);
    },
    random24: (call) => `random24(${seed}, ${u(randomStream(b.index, call))}, ${elem}, i)`,
  };
  const counter = { calls: 0 };
  const lines: string[] = [];
  for (const { target, expr: folded } of foldBlockCode(code, blockConstants(ctx.plan, b), states)) {
    const s = { target };
    if (stamps.has(s.target)) {
      lines.push(printStampAssignment(s.target, folded, pc, counter));
      continue;
    }
    const rhs = printWgsl(folded, pc, counter);
    if (states.has(s.target)) lines.push(`s_${s.target} = ${rhs};`);
    else if (locals.has(s.target)) lines.push(`l_${s.target} = ${rhs};`);
    else {
      const type = exprType(folded, typeOfName);
      locals.set(s.target, type);
      lines.push(`var l_${s.target}: ${type === 'bool' ? 'bool' : 'f32'} = ${rhs};`);
    }
  }
  return lines;
}

/** `X = t`, `X = c ? t : X` or `X = c ? X : t` (constants folded) for a stamp kept in steps. */
function printStampAssignment(x: string, e: Statement['expr'], pc: WgslPrintContext, counter: { calls: number }): string {
  const now = 'bitcast<i32>(i)';
  const is = (v: Statement['expr'], name: string) => v.k === 'var' && v.name === name;
  if (is(e, 't')) return `s_${x} = ${now};`;
  if (is(e, x)) return `// ${x} unchanged`;
  if (e.k === 'cond' && is(e.a, 't') && is(e.b, x)) return `s_${x} = select(s_${x}, ${now}, ${printWgsl(e.c, pc, counter)});`;
  if (e.k === 'cond' && is(e.a, x) && is(e.b, 't')) return `s_${x} = select(${now}, s_${x}, ${printWgsl(e.c, pc, counter)});`;
  throw new Error(`internal: "${x}" is not assigned as a time stamp`);
}

function ringSlot(plan: Plan, producer: string, lag: number): string {
  const depth = plan.spikeHistory[producer]!;
  if (depth === 1) return '0u';
  return `((i + ${u(depth - (lag % depth))}) % ${u(depth)})`;
}

function flagIndex(ctx: CopyCtx, block: PlanBlock, lag: number, elem: string): string {
  const base = ctx.layout.flags.get(block.id)!;
  const slot = ringSlot(ctx.plan, block.id, lag);
  return slot === '0u' ? `cIS + ${u(base)} + ${elem}` : `cIS + ${u(base)} + ${slot} * ${u(block.size)} + ${elem}`;
}

/** Flag write, totals and spike/rate recording of a spiking block for element k. */
function spikeOutputs(ctx: CopyCtx, b: PlanBlock, spike: string): string[] {
  const L = ctx.layout;
  const lines = [`IS[${flagIndex(ctx, b, 0, 'k')}] = select(0u, 1u, ${spike});`];
  const rec: string[] = [`atomicAdd(&RA[cRA + ${u(L.totals.get(b.id)!)}], 1u);`];
  const list = L.lists.get(b.id);
  if (list) {
    const slot = `(i % ${u(list.slots)})`;
    lines.push(
      '// the counter of the next step\'s slot is free now: reset it',
      `if (k == 0u) { atomicStore(&ACC[cACC + ${u(list.counts)} + (i + 1u) % ${u(list.slots)}], 0u); }`,
    );
    rec.push(
      `let at = atomicAdd(&ACC[cACC + ${u(list.counts)} + ${slot}], 1u);`,
      `IS[cIS + ${u(list.entries)} + ${slot} * ${u(b.size)} + at] = k;`,
    );
  }
  for (const area of L.probes) {
    if (area.probe.block !== b.id) continue;
    if (area.kind === 'rate') {
      const bin = u(area.probe.binSteps);
      rec.push(`atomicAdd(&RA[cRA + ${u(area.offset)} + i / ${bin} - U.chunk_start / ${bin}], 1u);`);
    } else if (area.kind === 'spikes') {
      // One list for every copy and probe; the tag says whose entry it is.
      const tag = `(c * ${u(L.spikeProbes)} + ${u(area.tag)}) << 12u`;
      const body = [
        `let q = atomicAdd(&RA[${u(ctx.copies * L.RA.size)}], 1u);`,
        `if (q < ${u(L.spikeCapacity)}) {`,
        `  RE[2u * q] = (${tag}) | (i - U.chunk_start);`,
        '  RE[2u * q + 1u] = k;',
        '}',
      ];
      if (area.probe.neurons) {
        const neurons = area.probe.neurons;
        const mask = constOffset(ctx, `mask:${area.probe.id}`, () => {
          const m = new Uint32Array(b.size);
          for (const n of neurons) m[n] = 1;
          return m;
        });
        rec.push(`if (C[${mask} + k] != 0u) {`, ...body.map((l) => `  ${l}`), '}');
      } else {
        rec.push('{', ...body.map((l) => `  ${l}`), '}');
      }
    }
  }
  lines.push(`if (${spike}) {`, ...rec.map((l) => `  ${l}`), '}');
  return lines;
}

// ---------------------------------------------------------------------------------------
// Operations of the passes.

function updateOp(b: PlanBlock): Op | null {
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

/** The schedule of a spike-times block re-sorted per neuron: CSR of steps. */
function scheduleByNeuron(b: PlanBlock): { ptr: Uint32Array; steps: Uint32Array } {
  const { steps, neurons } = b.schedule!;
  const ptr = new Uint32Array(b.size + 1);
  for (let q = 0; q < neurons.length; q++) ptr[neurons[q]! + 1]!++;
  for (let k = 0; k < b.size; k++) ptr[k + 1]! += ptr[k]!;
  const fill = ptr.slice(0, b.size);
  const out = new Uint32Array(neurons.length);
  for (let q = 0; q < neurons.length; q++) out[fill[neurons[q]!]!++] = steps[q]!; // steps are sorted
  return { ptr, steps: out };
}

/** The weight of connection q (WGSL) of a projection, in one of the ways it is stored. */
function scatterWeight(ctx: CopyCtx, cp: PlanProjection, d: ProjectionDecision): string {
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
function atomicAddLines(d: ProjectionDecision, a: string, w: string): string[] {
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
function listThreads(d: ProjectionDecision, nPre: number, options: ProgramOptions): number {
  if (options.shape === 'workgroup') return options.workgroupSize;
  return d.lanes * Math.min(Math.max(1, nPre), 1024);
}

function propagateOp(plan: Plan, p: PlanProjection, d: ProjectionDecision, options: ProgramOptions): Op | null {
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
function transpose(p: PlanProjection): { ptr: Int32Array; idx: Int32Array; w: Float32Array } {
  const { ptr: pp, idx: pi, w: pw } = p.byPre;
  const ptr = new Int32Array(p.nPost + 1);
  for (let q = 0; q < pi.length; q++) ptr[pi[q]! + 1]!++;
  for (let j = 0; j < p.nPost; j++) ptr[j + 1]! += ptr[j]!;
  const fill = ptr.slice(0, p.nPost);
  const idx = new Int32Array(pi.length);
  const w = new Float32Array(pi.length);
  for (let i = 0; i < p.nPre; i++) {
    for (let q = pp[i]!; q < pp[i + 1]!; q++) {
      const at = fill[pi[q]!]!++;
      idx[at] = i;
      w[at] = pw[q]!;
    }
  }
  return { ptr, idx, w };
}

function synapseCurrentOp(plan: Plan, p: PlanProjection, d: ProjectionDecision | undefined): Op {
  const syn = blockOf(plan, p.synapse);
  const post = blockOf(plan, p.post);
  const vPostRes = `state:${stateKey(p.post, post.voltage!)}`;
  const reads: Access[] = [{ res: vPostRes, mode: 'same' }, { res: `input:${p.post}`, mode: 'same' }];
  const writes: Access[] = [{ res: `input:${p.post}`, mode: 'same' }];
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
        lines.push(
          'var arrived = 0.0f;',
          `let p1 = C[${ptr} + k + 1u];`,
          `for (var q = C[${ptr} + k]; q < p1; q = q + 1u) {`,
          `  if (IS[${flagIndex(ctx, pre, p.lag, `C[${idx} + q]`)}] != 0u) { arrived = arrived + ${w}; }`,
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
        random24: () => { throw new Error('random numbers are not allowed in a synapse current'); },
      };
      const current = printWgsl(foldConstants(cp.current, constantsOf(ctx.plan, cb)), pc);
      const I = inputRef(ctx, p.post);
      lines.push(`${I} = ${I} + ${current};`);
      return lines.join('\n');
    },
  };
}

function injectOp(plan: Plan, source: string, target: string): Op {
  const src = blockOf(plan, source);
  const tgt = blockOf(plan, target);
  return {
    label: `inject ${source} → ${target}`,
    size: tgt.size,
    reads: [{ res: `input:${target}`, mode: 'same' }],
    writes: [{ res: `input:${target}`, mode: 'same' }],
    emit: (ctx) => {
      const cb = blockOf(ctx.plan, source);
      const lines: string[] = [];
      if (src.template === 'piecewise') {
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
      const I = inputRef(ctx, target);
      lines.push(`if (v != 0.0f) {`, `  ${I} = ${I} + v;`, '}');
      return lines.join('\n');
    },
  };
}

function recordOp(plan: Plan, area: Extract<ProbeArea, { kind: 'state' }>): Op {
  const probe = area.probe;
  const block = blockOf(plan, probe.block);
  return {
    label: `record ${probe.id} (${probe.block}.${probe.state})`,
    size: block.size,
    reads: [{ res: `state:${stateKey(probe.block, probe.state)}`, mode: 'same' }],
    writes: [],
    emit: (ctx) => {
      const every = u(probe.every);
      const word = `S[cS + ${u(ctx.layout.states.get(stateKey(probe.block, probe.state))!.offset)} + k]`;
      // A stamp is recorded in ms, as the CPU engine records it.
      const src = ctx.decisions.stamps.get(probe.block)?.has(probe.state) ? `(f32(${stampLoadWgsl(word)}) * DT)` : word;
      const row = `cRS + ${u(area.offset)} + ((i + 1u) / ${every} - (U.chunk_start + ${every}) / ${every}) * ${u(area.unique.length)}`;
      const lines = [`if ((i + 1u) % ${every} == 0u) {`];
      if (area.identity) {
        lines.push(`  RS[${row} + k] = ${src};`);
      } else {
        const map = constOffset(ctx, `columns:${probe.id}`, () => {
          const m = new Uint32Array(block.size).fill(0xffffffff);
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
function buildOps(plan: Plan, decisions: Decisions, options: ProgramOptions): Op[] {
  const projection = new Map(plan.projections.map((p) => [p.synapse, p]));
  const early: Op[] = [];
  const ops: Op[] = [];
  for (const pass of plan.passes) {
    switch (pass.kind) {
      case 'update': {
        const op = updateOp(blockOf(plan, pass.block));
        if (op) ops.push(op);
        break;
      }
      case 'propagate': {
        const p = projection.get(pass.synapse)!;
        const op = propagateOp(plan, p, decisions.projections.get(p.synapse)!, options);
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
        ops.push(injectOp(plan, pass.source, pass.target));
        break;
    }
  }
  return [...early, ...ops];
}

/** State probes go after the last op writing their state (at the start if nothing does). */
function placeRecords(ops: Op[], records: Op[]): Op[] {
  const out = [...ops];
  for (const r of records) {
    const res = r.reads[0]!.res;
    let at = -1;
    out.forEach((op, k) => { if (op.writes.some((w) => w.res === res)) at = k; });
    out.splice(at + 1, 0, r);
  }
  return out;
}

interface Group { ops: Op[] }

/**
 * Neurons whose input current is written and read within one group only: their synapse
 * currents and injections sum into a variable of the element's invocation rather than a
 * word of S, one read-modify-write of memory less per term (the CPU engine does the same
 * inside its neuron loop). Same terms, same order, from 0: the same number.
 */
function privateInputsOf(plan: Plan, groups: Group[]): Set<string> {
  const out = new Set<string>();
  for (const b of plan.blocks) {
    if (b.category !== 'neuron' || !b.receivesCurrent) continue;
    const res = `input:${b.id}`;
    const touching = groups.filter((g) => g.ops.some((op) => op.reads.some((r) => r.res === res) || op.writes.some((w) => w.res === res)));
    if (touching.length === 1) out.add(b.id);
  }
  return out;
}

/** Greedy fusion: an op joins the open group unless it would cross elements of data written there. */
function fuse(ops: Op[]): Group[] {
  const groups: Group[] = [];
  let cur: Op[] = [];
  let wSame = new Set<string>(), wAny = new Set<string>(), rSame = new Set<string>(), rAny = new Set<string>();
  const conflicts = (op: Op) =>
    op.reads.some((r) => (r.mode === 'any' ? wSame.has(r.res) || wAny.has(r.res) : wAny.has(r.res))) ||
    op.writes.some((w) => (w.mode === 'any'
      ? rSame.has(w.res) || rAny.has(w.res) || wSame.has(w.res)
      : rAny.has(w.res) || wAny.has(w.res)));
  for (const op of ops) {
    if (cur.length > 0 && conflicts(op)) {
      groups.push({ ops: cur });
      cur = [];
      wSame = new Set(); wAny = new Set(); rSame = new Set(); rAny = new Set();
    }
    cur.push(op);
    for (const r of op.reads) (r.mode === 'any' ? rAny : rSame).add(r.res);
    for (const w of op.writes) (w.mode === 'any' ? wAny : wSame).add(w.res);
  }
  if (cur.length > 0) groups.push({ ops: cur });
  return groups;
}

// ---------------------------------------------------------------------------------------

/** Throws unless every plan has the structure of the first (a batch runs one program). */
export function checkSameStructure(plans: Plan[]): void {
  const sig = (p: Plan) => JSON.stringify({
    dt: p.dt, steps: p.steps,
    blocks: p.blocks.map((b) => [b.id, b.type, b.size, b.variant, b.states.map((s) => s.name), b.spiking, b.receivesCurrent, b.input]),
    passes: p.passes,
    projections: p.projections.map((x) => [x.synapse, x.pre, x.post, x.nPre, x.nPost, x.lag, x.stateOn]),
    probes: p.probes.map((x) => ({ ...x, neurons: 'neurons' in x && x.neurons ? Array.from(x.neurons) : null })),
    spikeHistory: p.spikeHistory,
  });
  const first = sig(plans[0]!);
  plans.forEach((p, k) => {
    if (sig(p) !== first) {
      throw new Error(`batch copy ${k} ("${p.name}") differs in structure from copy 0 (blocks, sizes, connections, probes, dt or duration); a batch may only differ in parameter values and seed`);
    }
  });
}

/** Generates the program of a batch (one plan: B = 1). */
export function generateProgram(plans: Plan[], options: ProgramOptions): Program {
  if (plans.length === 0) throw new Error('internal: no plan to generate');
  checkSameStructure(plans);
  const plan0 = plans[0]!;
  const decisions = decide(plans, options.propagation ?? 'auto', options.scatter ?? 'list');
  const layout = buildLayout(plan0, options.limits, layoutNeeds(plan0, decisions));
  const ops = placeRecords(
    buildOps(plan0, decisions, options),
    layout.probes.filter((a): a is Extract<ProbeArea, { kind: 'state' }> => a.kind === 'state').map((a) => recordOp(plan0, a)),
  );
  const groups = fuse(ops);
  const pool = new ConstPool();

  const privateInputs = privateInputsOf(plan0, groups);
  const emitCopy = (plan: Plan, copy: number) => {
    const ctx: CopyCtx = { plan, copy, copies: plans.length, lits: new Literals(), pool, layout, decisions, privateInputs, cache: new Map() };
    const empty = (gi: number) => options.emptyBodies === true || (Array.isArray(options.emptyBodies) && options.emptyBodies.includes(gi));
    const bodies = groups.map((g, gi) => [
      ...[...privateInputs].filter((id) => g.ops.some((op) => op.writes.some((w) => w.res === `input:${id}`)))
        .map((id) => `var acc_b${blockOf(plan0, id).index}: f32 = 0.0f; // input current of ${ascii(id)}`),
      ...g.ops.map((op) => {
        const guard = op.size === Math.max(...g.ops.map((o) => o.size)) ? null : `if (k < ${u(op.size)})`;
        const body = empty(gi) ? '' : op.emit(ctx);
        return `// ${ascii(op.label)}\n${guard ? `${guard} {` : '{'}\n${indentLines(body)}\n}`;
      }),
    ].join('\n'));
    return { bodies, lits: ctx.lits };
  };
  const copies = plans.map((p, c) => emitCopy(p, c));
  const template = copies[0]!.bodies.join('\n\u0003\n');
  copies.forEach((cp, c) => {
    const types = cp.lits.entries.map((e) => e.type).join('');
    if (cp.bodies.join('\n\u0003\n') !== template || types !== copies[0]!.lits.entries.map((e) => e.type).join('')) {
      throw new Error(`batch copy ${c} ("${plans[c]!.name}") folds to different code than copy 0 (a swept parameter changes which branch of a block's code applies); run these values separately`);
    }
  });

  // Literals: inline where all copies agree, else a per-copy table.
  const n = copies[0]!.lits.entries.length;
  const tableIndex = new Map<number, number>();
  for (let m = 0; m < n; m++) {
    const e0 = copies[0]!.lits.entries[m]!;
    const differs = copies.some((cp) => cp.lits.entries[m]!.bits !== e0.bits);
    const nonFinite = e0.type === 'f' && !Number.isFinite(new Float32Array(Uint32Array.of(e0.bits).buffer)[0]!);
    if (differs || nonFinite) tableIndex.set(m, tableIndex.size);
  }
  const perCopy = tableIndex.size;
  const table = new Uint32Array(perCopy * plans.length);
  copies.forEach((cp, c) => { for (const [m, slot] of tableIndex) table[c * perCopy + slot] = cp.lits.entries[m]!.bits; });
  const literalBase = pool.size;
  const resolve = (text: string) => text.replace(/\u0001(\d+)\u0002/g, (_, ms: string) => {
    const m = Number(ms);
    const e = copies[0]!.lits.entries[m]!;
    const slot = tableIndex.get(m);
    if (slot !== undefined) return e.type === 'f' ? `lit_f(${slot}u)` : `lit_u(${slot}u)`;
    return e.type === 'f' ? f32Literal(new Float32Array(Uint32Array.of(e.bits).buffer)[0]!) : `${e.bits}u`;
  });

  const wg = options.workgroupSize;
  const programGroups: ProgramGroup[] = groups.map((g, k) => ({
    name: `g${k}`,
    threads: Math.max(...g.ops.map((o) => o.size)),
    parts: g.ops.map((o) => o.label),
  }));
  const bodies: GroupBody[] = programGroups.map((g, k) => ({ name: g.name, threads: g.threads, body: resolve(copies[0]!.bodies[k]!) }));
  const checkBody: GroupBody | null = layout.stateWords > 0
    ? {
        name: 'check',
        threads: layout.stateWords,
        body: 'if (!sf_is_finite(S[cS + k])) {\n  atomicMax(&RA[cRA], 0xffffffffu - k);\n}',
      }
    : null;
  const header = moduleHeader({
    strides: { S: layout.S.size, IS: layout.IS.size, ACC: layout.ACC.size, RS: layout.RS.size, RA: layout.RA.size },
    dt: f32Literal(plan0.dt),
    literalBase,
    literalsPerCopy: perCopy,
  });
  const counterBase = layout.IS.size * plans.length;
  const entries = options.shape === 'grid'
    ? gridEntryPoint('step_groups', bodies, wg, counterBase) + (checkBody ? gridHelperEntryPoint(checkBody, wg) : '')
    : workgroupEntryPoint('run_chunk', bodies, wg, checkBody);
  const code = [
    `// Spikeflow WebGPU program: ${ascii(plan0.name)} (${plans.length} cop${plans.length === 1 ? 'y' : 'ies'}, ${options.shape} shape)`,
    ...programGroups.map((g) => `// ${g.name}: ${ascii(g.parts.join('; '))}`),
    NUMERIC_WGSL,
    RANDOM_WGSL,
    header,
    entries,
  ].join('\n');

  const constData = pool.segments(table);
  const initS = new Float32Array(layout.S.size * plans.length);
  const initWords = new Uint32Array(initS.buffer);
  plans.forEach((p, c) => {
    for (const b of p.blocks) {
      const stamps = decisions.stamps.get(b.id);
      for (const s of b.states) {
        const at = c * layout.S.size + layout.states.get(stateKey(b.id, s.name))!.offset;
        if (stamps?.has(s.name)) {
          const steps = stampSteps(s.init, p.dt)!;
          for (let n = 0; n < steps.length; n++) initWords[at + n] = (steps[n]! + STAMP_BIAS) >>> 0;
        } else {
          initS.set(s.init, at);
        }
      }
    }
  });
  return {
    code,
    key: createHash('sha256').update(code).digest('hex'),
    shape: options.shape,
    workgroupSize: wg,
    copies: plans.length,
    groups: programGroups,
    check: checkBody ? { name: 'check', threads: checkBody.threads, parts: ['non-finite check'] } : null,
    chunkEntry: 'run_chunk',
    stepEntry: 'step_groups',
    counterBase,
    entryPoints: options.shape === 'grid'
      ? [...(programGroups.length > 0 ? ['step_groups'] : []), ...(checkBody ? ['check'] : [])]
      : ['run_chunk'],
    layout,
    constWords: constData.words,
    constSegments: constData.segments,
    initS,
    propagation: new Map(plan0.projections.filter((p) => p.stateOn === 'post').map((p) => [p.synapse, decisions.projections.get(p.synapse)!.mode])),
    scatter: new Map([...decisions.projections].filter(([id]) => layout.accumulators.has(id)).map(([id, d]) => [id, d.scatter])),
  };
}

function indentLines(text: string): string {
  return text.split('\n').map((l) => `  ${l}`).join('\n');
}

/** Comment text kept to printable ASCII (names come from the document). */
function ascii(text: string): string {
  return text.replace(/→/g, '->').replace(/–/g, '-').replace(/[^\x20-\x7e]/g, '?');
}
