/**
 * Generates the CPU engine's step function from a plan: one straight-line JavaScript
 * function with a loop per pass, parameters folded to literals and every block's update
 * code printed inline, so the hot loop never branches on block type. Arrays are named
 * `b<k>_<what>` (block k of plan.blocks) and `p<k>_<what>` (projection k).
 *
 * The input current of a neuron is summed inside the neuron's own loop, term by term in
 * pass order (synapse currents, injected currents), instead of in separate passes over an
 * accumulator: every such pass precedes the neuron in the step order, and nothing they read
 * changes in between, so the result is the same number with one memory pass less.
 * Spike flags (one byte per neuron per ring slot) are written only for blocks whose spikes
 * an element-wise block reads by neuron (kinetic synapses); propagation and probes use the
 * list of spiking neurons.
 *
 * The update of a linear synapse (the decay of g, h) is folded into its neuron's loop: right
 * after the neuron reads the synapse's current at element k, the synapse's update for the
 * *next* step is applied to element k, and a prologue applies the update of step 0. The
 * operations and their order per element are unchanged (decay, then the next step's
 * jumps, then the read), so results are identical, with one pass over memory less per
 * synapse. Only done when nothing else can see the difference: the synapse's states are
 * not probed and its update does not use t, step or random numbers.
 */
import { randomStream } from '../../../kernels/random.js';
import { freeNames, type Expr, type Statement } from '../../../src-shared/expr/ast.js';
import { drawsRandom } from '../../../src-shared/expr/builtins.js';
import { foldConstants } from '../../../src-shared/expr/evaluate.js';
import { simplify, simplifyF64Division } from '../../../src-shared/expr/simplify.js';
import { blockConstants, constantsOf } from '../../compiler/block-constants.js';
import { elementCode } from '../../compiler/element-constants.js';
import type { Plan, PlanBlock, PlanProjection } from '../../compiler/plan.js';
import { blockRange, elementRange, segmentedBlocks, syncAfter, type Partition } from './partition.js';
import { jsNumber, printJs, type JsPrintContext } from './print-js.js';
import { onPostPasses, plasticPropagateLines, type OwnSpikes, type PlasticNames } from './plasticity-code.js';

/** Names of the arrays the generated code expects in its `A` argument. */
export const arrayName = {
  state: (b: number, s: string) => `b${b}_s_${s}`,
  currentOut: (b: number) => `b${b}_out`,
  spikeFlags: (b: number) => `b${b}_sf`,
  spikeList: (b: number) => `b${b}_sl`,
  spikeCount: (b: number) => `b${b}_sc`,
  scheduleSteps: (b: number) => `b${b}_ss`,
  scheduleNeurons: (b: number) => `b${b}_sn`,
  cursor: (b: number) => `b${b}_cur`,
  waveSteps: (b: number) => `b${b}_ws`,
  waveValues: (b: number) => `b${b}_wv`,
  csr: (p: number, side: 'pre' | 'post', part: 'ptr' | 'idx' | 'w' | 'lag') => `p${p}_${side}_${part}`,
  /** Ring of pending jumps per postsynaptic element, where delays differ per connection. */
  pending: (p: number) => `p${p}_pend`,
  /** Per-element constant m of a block whose parameters vary (element-constants.ts), and its exp_euler factor. */
  elementConstant: (b: number, m: number) => `b${b}_e${m}`,
  elementDecay: (b: number, m: number) => `b${b}_d${m}`,
  /** Threads: this worker's spike-list segments (two steps' worth) and their counts (partition.ts). */
  spikeSegments: (b: number) => `b${b}_sg`,
  segmentCounts: (b: number) => `b${b}_sgc`,
  /** Threads: per row, the first and end connection whose target this worker owns. */
  rowStart: (p: number) => `p${p}_wlo`,
  rowEnd: (p: number) => `p${p}_whi`,
};

/**
 * A worker's share of a plan (partition.ts): which worker, and which projections have rows
 * sorted by target (they get per-worker row bounds; the others test each target).
 */
export interface StepPartition extends Partition {
  rowBounds: boolean[];
}

interface Ctx {
  plan: Plan;
  blockIndex: Map<string, number>;
  used: Set<string>;
  /** Blocks whose per-neuron spike flags someone reads. */
  flagsRead: Set<string>;
  /** Synapses whose update runs inside their postsynaptic neuron's loop. */
  folded: Set<string>;
  /** Whether some code draws binomial counts (the helper is then unpacked from H). */
  binomial?: boolean;
  /** Threads: this worker's share; absent for one thread (then the code is the same as before threads). */
  part?: StepPartition;
  segmented: Set<string>;
  /** Scratch arrays of per-step uniforms drawn ahead of an element loop (BlockDraws), with their lengths. */
  draws: Map<string, number>;
  /** Reusable code (GenerateOptions): the model's numbers, in the `literals` array of a run (modelNumber); absent: literals in the code. */
  literals?: number[];
}

/** Numbers printed as themselves: those a formula holds rather than a parameter (x / 2, 1 − x). */
const KEPT_LITERALS = new Set([0, 1, -1, 2]);

/**
 * JS text of a number of the model — a parameter's value folded into an expression, a
 * decay factor, a weight. In reusable code `L<n>`, a local read from the run's `literals`
 * array at the top of the step: the code then depends only on the model's structure, not on
 * its values, so a run that differs from the previous one in values only (live mode's edit
 * of a parameter) finds its program already compiled and optimised by V8 (simulation.ts).
 * Otherwise the literal itself.
 */
function modelNumber(ctx: Ctx, v: number): string {
  if (!ctx.literals || KEPT_LITERALS.has(v) || !Number.isFinite(v)) return jsNumber(v);
  // One slot per occurrence, even of equal numbers: shared slots would make the code depend
  // on which values happen to coincide (the same tau for two blocks).
  return `L${ctx.literals.push(v) - 1}`;
}

/**
 * An element loop over [lo, hi) whose `random24` draws are made before it, a step's worth at
 * a time (kernels/random.ts random24Block: the same numbers, several times faster); the
 * calls that fill the scratch arrays go to `lines`, ahead of the loop.
 */
interface BlockDraws { lo: number; hi: number; lines: string[] }

/** Elements [lo, hi) of a block this worker updates: all of them on one thread. */
function range(ctx: Ctx, b: PlanBlock): [number, number] {
  return ctx.part ? blockRange(b, ctx.part) : [0, b.size];
}

/** Synapses whose element-wise update can move into the neuron loop (see the file comment). */
export function foldableSynapses(plan: Plan): Set<string> {
  const probed = new Set(plan.probes.flatMap((p) => (p.kind === 'state' ? [p.block] : [])));
  const out = new Set<string>();
  for (const p of plan.projections) {
    if (p.stateOn !== 'post' || probed.has(p.synapse)) continue;
    const b = plan.blocks.find((x) => x.id === p.synapse)!;
    let timeOrRandom = false;
    for (const s of b.code) {
      const names = freeNames(s.expr);
      if (names.has('t') || names.has('step')) timeOrRandom = true;
      if (drawsRandom(s.expr)) timeOrRandom = true;
    }
    if (!timeOrRandom) out.add(p.synapse);
  }
  return out;
}

/** Blocks whose spike flags are read: sources of element-wise spike inputs, and spike-times (deduplication). */
export function blocksWithSpikeFlags(plan: Plan): Set<string> {
  const read = new Set<string>();
  for (const b of plan.blocks) {
    if (b.input?.kind === 'spikes') read.add(b.input.from);
    if (b.template === 'spike-times') read.add(b.id);
  }
  return read;
}

/** Folds parameters into an expression and applies the exact (double-precision) simplifications. */
function prepare(e: import('../../../src-shared/expr/ast.js').Expr, constants: Map<string, number>) {
  return simplifyF64Division(simplify(foldConstants(e, constants)));
}

function use(ctx: Ctx, name: string): string {
  ctx.used.add(name);
  return name;
}

function stateNames(b: PlanBlock): Set<string> {
  return new Set(b.states.map((s) => s.name));
}

/** Consecutive conditional assignments printed under one `if` (printStatements). */
interface CondGroup { cond: string; negate: boolean; lines: string[]; targets: Set<string> }

/** The form `x = c ? a : x` (or `x = c ? x : b`) that printStatements prints as `if (c) x = a;`. */
function conditionalAssignment(target: string, e: Expr): e is Extract<Expr, { k: 'cond' }> & { c: Extract<Expr, { k: 'var' }> } {
  const self = (x: Expr) => x.k === 'var' && x.name === target;
  return e.k === 'cond' && e.c.k === 'var' && e.c.name !== target && self(e.a) !== self(e.b);
}

/**
 * A block's update statements for element `k` of step `i`: the lines, and the states they
 * store themselves. A state assigned only under conditions (the last spike time, set at a
 * spike) is stored in those branches, not on every step: an unconditional store of a value
 * that rarely changes took a quarter of a LIF loop's time. The caller stores the others.
 */
function printStatements(ctx: Ctx, b: PlanBlock, code: Statement[], inputNames: Record<string, string>, draws?: BlockDraws): { lines: string[]; stored: Set<string> } {
  const states = stateNames(b);
  const constants = blockConstants(ctx.plan, b);
  // Varying parameters: the code with its per-element parts read from arrays (element-constants.ts).
  const ec = code === b.code ? elementCode(ctx.plan, b) : null;
  const bi = ctx.blockIndex.get(b.id)!;
  const element = (n: string) => ec?.constants.findIndex((c) => c.name === n) ?? -1;
  const pc: JsPrintContext = {
    dt: ctx.plan.dt,
    literal: (v) => modelNumber(ctx, v),
    decay: (tau) => {
      const m = tau.k === 'var' ? element(tau.name) : -1;
      return m >= 0 && ec!.constants[m]!.decay ? `${use(ctx, arrayName.elementDecay(bi, m))}[k]` : null;
    },
    name: (n) => {
      const m = element(n);
      if (m >= 0) return `${use(ctx, arrayName.elementConstant(bi, m))}[k]`;
      if (states.has(n)) return `s_${n}`;
      if (inputNames[n]) return inputNames[n]!;
      if (n === 't') return 't';
      if (n === 'step') return 'i';
      return `l_${n}`;
    },
    random: (fn, call, extra = []) => {
      if (fn === 'binomial24') ctx.binomial = true;
      if (fn === 'random24' && draws) {
        const scratch = `r${ctx.blockIndex.get(b.id)!}_${call}`;
        ctx.draws.set(scratch, draws.hi - draws.lo);
        draws.lines.push(`random24Block(SEED, ${randomStream(b.index, call)}, i, ${draws.lo}, ${draws.hi}, ${scratch});`);
        return draws.lo === 0 ? `${scratch}[k]` : `${scratch}[k - ${draws.lo}]`;
      }
      return `${fn}(SEED, ${[randomStream(b.index, call), 'k', 'i', ...extra].join(', ')})`;
    },
  };
  const counter = { calls: 0 };
  const lines: string[] = [];
  const locals = new Set<string>();
  // `x = c ? a : x` (or `x = c ? x : b`) becomes `if (c) x = a;` and consecutive ones on the
  // same condition share one `if`: a reset after a spike (V, the last spike time…) is one
  // branch instead of one per state (a tenth of a COBA step at N = 64000). The same
  // assignments under the same condition, in the same order, so the same numbers. A group
  // ends where a statement assigns its condition.
  let group: CondGroup | null = null;
  const flush = () => {
    if (group) lines.push(`if (${group.negate ? '!' : ''}${group.cond}) { ${group.lines.join(' ')} }`);
    group = null;
  };
  const statements = (ec?.code ?? code).map((s) => ({ target: s.target, e: prepare(s.expr, constants) }));
  // States assigned under conditions only (a state is always declared, so each such statement prints as a branch).
  const stored = new Set(statements.filter((s) => states.has(s.target)).map((s) => s.target));
  for (const s of statements) if (!conditionalAssignment(s.target, s.e)) stored.delete(s.target);
  for (const { target, e } of statements) {
    const declared = states.has(target) || locals.has(target);
    const lhs = states.has(target) ? `s_${target}` : `l_${target}`;
    const self = (x: Expr) => x.k === 'var' && x.name === target;
    if (declared && conditionalAssignment(target, e)) {
      const negate = self(e.a);
      const cond = printJs(e.c, pc, counter);
      const open = group as CondGroup | null; // (flush, a closure, may have cleared it: TypeScript does not follow that)
      if (!open || open.cond !== cond || open.negate !== negate || open.targets.has(e.c.name)) flush();
      group ??= { cond, negate, lines: [], targets: new Set() };
      group.lines.push(`${lhs} = ${printJs(negate ? e.b : e.a, pc, counter)};`);
      if (stored.has(target)) group.lines.push(`${arrayName.state(bi, target)}[k] = ${lhs};`);
      group.targets.add(target);
      continue;
    }
    flush();
    const rhs = printJs(e, pc, counter);
    if (states.has(target)) lines.push(`s_${target} = ${rhs};`);
    else if (locals.has(target)) lines.push(`l_${target} = ${rhs};`);
    else {
      locals.add(target);
      lines.push(`let l_${target} = ${rhs};`);
    }
  }
  flush();
  return { lines, stored };
}

function ringSlot(ctx: Ctx, producer: string, lag: number): string {
  const depth = ctx.plan.spikeHistory[producer]!;
  return lag === 0 ? `(i % ${depth})` : `((i - ${lag}) % ${depth} + ${depth}) % ${depth}`;
}

/**
 * Load, update and store of a synapse's states at element k, as one block of lines. In the
 * neuron's loop the states were read for the synapse's current already (`preloaded`:
 * synapseStateLocal), and nothing wrote them since: the update starts from those values.
 */
function synapseUpdateLines(ctx: Ctx, b: PlanBlock, preloaded = false): string[] {
  const bi = ctx.blockIndex.get(b.id)!;
  const assigned = new Set(b.code.map((s) => s.target));
  const { lines, stored } = printStatements(ctx, b, b.code, {});
  return [
    `{ // update of ${b.id}, for the next step`,
    ...b.states.map((s) => `  let s_${s.name} = ${preloaded ? synapseStateLocal(bi, s.name) : `${use(ctx, arrayName.state(bi, s.name))}[k]`};`),
    ...lines.map((l) => `  ${l}`),
    ...b.states.filter((s) => assigned.has(s.name) && !stored.has(s.name)).map((s) => `  ${arrayName.state(bi, s.name)}[k] = s_${s.name};`),
    '}',
  ];
}

function updatePass(ctx: Ctx, b: PlanBlock): string {
  const bi = ctx.blockIndex.get(b.id)!;
  if (b.template === 'spike-times') return spikeTimesPass(ctx, b, bi);
  if (b.template === 'piecewise') return piecewisePass(ctx, b, bi);
  if (ctx.folded.has(b.id)) return `  // update ${b.id}: folded into its neuron's loop (the previous step's)`;
  const out: string[] = [];
  const inputNames: Record<string, string> = {};
  const pre: string[] = [];
  if (b.category === 'neuron' && (b.receivesCurrent || b.receivesJumps)) {
    if (b.receivesCurrent) inputNames.I = 'in_I';
    if (b.receivesJumps) inputNames.J = 'in_J';
    pre.push(...inputCurrentLines(ctx, b, bi));
  }
  if (b.input?.kind === 'spikes') {
    const src = ctx.blockIndex.get(b.input.from)!;
    const n = ctx.plan.blocks[src]!.size;
    out.push(`const inBase = ${ringSlot(ctx, b.input.from, b.input.lag)} * ${n};`);
    inputNames.spike_in = 'in_spike';
    pre.push(`const in_spike = ${use(ctx, arrayName.spikeFlags(src))}[inBase + k] === 1;`);
  }
  if (b.input?.kind === 'voltage') {
    const src = ctx.blockIndex.get(b.input.from)!;
    inputNames.V_pre = 'in_Vpre';
    pre.push(`const in_Vpre = ${use(ctx, arrayName.state(src, b.input.state))}[k];`);
  }
  const [lo, hi] = range(ctx, b);
  const draws: BlockDraws = { lo, hi, lines: [] };
  const { lines: body, stored } = printStatements(ctx, b, b.code, inputNames, draws);
  out.push(...draws.lines);
  const assigned = new Set(b.code.map((s) => s.target));
  // A neuron that sums input current read its voltage as `vp` at the top of the loop (inputCurrentLines):
  // nothing writes it in between, and V8 cannot know that the other arrays written meanwhile are not it.
  const hasVp = b.category === 'neuron' && (b.receivesCurrent || b.receivesJumps);
  const load = b.states.map((s) => `let s_${s.name} = ${hasVp && s.name === b.voltage ? 'vp' : `${use(ctx, arrayName.state(bi, s.name))}[k]`};`);
  const store = b.states.filter((s) => assigned.has(s.name) && !stored.has(s.name)).map((s) => `${arrayName.state(bi, s.name)}[k] = s_${s.name};`);
  // Threads: spikes go to this worker's segment; the list is assembled after a barrier.
  const segmented = ctx.part && ctx.segmented.has(b.id);
  if (b.spiking) {
    const l = use(ctx, segmented ? arrayName.spikeSegments(bi) : arrayName.spikeList(bi));
    use(ctx, segmented ? arrayName.segmentCounts(bi) : arrayName.spikeCount(bi));
    out.push(`const outBase = (i % ${ctx.plan.spikeHistory[b.id]}) * ${b.size}; let cnt = 0;`);
    if (segmented) out.push(`const segBase = (i & 1) * ${b.size} + ${lo};`);
    if (ctx.flagsRead.has(b.id)) store.push(`${use(ctx, arrayName.spikeFlags(bi))}[outBase + k] = l_spike ? 1 : 0;`);
    store.push(`if (l_spike) ${l}[${segmented ? 'segBase' : 'outBase'} + cnt++] = k;`);
  }
  if (b.category === 'current') store.push(`${use(ctx, arrayName.currentOut(bi))}[k] = l_${currentOutput(b)};`);
  out.push(`for (let k = ${lo}; k < ${hi}; k++) {`, ...[...pre, ...load, ...body, ...store].map((l) => `  ${l}`), '}');
  if (segmented) out.push(`${arrayName.segmentCounts(bi)}[(i & 1) * ${ctx.part!.workers} + ${ctx.part!.worker}] = cnt;`);
  else if (b.spiking) out.push(`${arrayName.spikeCount(bi)}[i % ${ctx.plan.spikeHistory[b.id]}] = cnt;`);
  return block(`update ${b.id} (${b.type})`, out);
}

function spikeTimesPass(ctx: Ctx, b: PlanBlock, bi: number): string {
  const depth = ctx.plan.spikeHistory[b.id]!;
  const f = use(ctx, arrayName.spikeFlags(bi));
  const l = use(ctx, arrayName.spikeList(bi));
  const c = use(ctx, arrayName.spikeCount(bi));
  const ss = use(ctx, arrayName.scheduleSteps(bi));
  const sn = use(ctx, arrayName.scheduleNeurons(bi));
  const cur = use(ctx, arrayName.cursor(bi));
  return block(`update ${b.id} (spike times)`, [
    `const base = (i % ${depth}) * ${b.size}; let cnt = 0;`,
    `${f}.fill(0, base, base + ${b.size});`,
    `let q = ${cur}[0];`,
    `while (q < ${ss}.length && ${ss}[q] < i) q++;`,
    `while (q < ${ss}.length && ${ss}[q] === i) { const k = ${sn}[q++]; if (${f}[base + k] === 0) { ${f}[base + k] = 1; ${l}[base + cnt++] = k; } }`,
    `${cur}[0] = q; ${c}[i % ${depth}] = cnt;`,
  ]);
}

function piecewisePass(ctx: Ctx, b: PlanBlock, bi: number): string {
  const ws = use(ctx, arrayName.waveSteps(bi));
  const wv = use(ctx, arrayName.waveValues(bi));
  const cur = use(ctx, arrayName.cursor(bi));
  return block(`update ${b.id} (piecewise current)`, [
    `let q = ${cur}[0];`,
    `while (q < ${ws}.length && ${ws}[q] <= i) q++;`,
    `${cur}[0] = q;`,
    `${use(ctx, arrayName.currentOut(bi))}[0] = q > 0 ? ${wv}[q - 1] : 0;`,
  ]);
}

/** Array names for the plasticity code (plasticity-code.ts), recorded as used. */
function plasticNames(ctx: Ctx): PlasticNames {
  const at = (id: string) => ctx.blockIndex.get(id)!;
  return {
    use: (name) => use(ctx, name),
    spikeList: (b) => use(ctx, arrayName.spikeList(at(b))),
    spikeCount: (b) => use(ctx, arrayName.spikeCount(at(b))),
    state: (b, s) => use(ctx, arrayName.state(at(b), s)),
  };
}

function propagatePass(ctx: Ctx, p: PlanProjection, pk: number): string {
  const syn = ctx.blockIndex.get(p.synapse)!;
  const pre = ctx.blockIndex.get(p.pre)!;
  const nPre = ctx.plan.blocks[pre]!.size;
  const ptr = use(ctx, arrayName.csr(pk, 'pre', 'ptr'));
  const idx = use(ctx, arrayName.csr(pk, 'pre', 'idx'));
  const w = p.uniformWeight !== undefined ? modelNumber(ctx, p.uniformWeight) : `${use(ctx, arrayName.csr(pk, 'pre', 'w'))}[c]`;
  const target = use(ctx, arrayName.state(syn, p.jump!));
  if (p.plasticity) {
    const connections = (body: string) => scatterLoop(ctx, p, pk, ptr, idx, () => body);
    return block(`propagate ${p.pre} → ${p.synapse}.${p.jump} with on_pre (lag ${p.lag})`, plasticPropagateLines(ctx.plan, p, pk, plasticNames(ctx), idx, connections));
  }
  if (p.maxLag !== undefined) return delayedPropagatePass(ctx, p, pk, { pre, nPre, ptr, idx, w, target });
  return block(`propagate ${p.pre} → ${p.synapse}.${p.jump} (lag ${p.lag})`, [
    ...(p.lag > 0 ? [`if (i >= ${p.lag}) {`] : ['{']),
    `  const slot = ${ringSlot(ctx, p.pre, p.lag)};`,
    `  const n = ${use(ctx, arrayName.spikeCount(pre))}[slot], base = slot * ${nPre};`,
    `  for (let q = 0; q < n; q++) {`,
    `    const src = ${use(ctx, arrayName.spikeList(pre))}[base + q];`,
    `    ${scatterLoop(ctx, p, pk, ptr, idx, (j) => `${target}[${j}] += ${w};`)}`,
    '  }',
    '}',
  ]);
}

/**
 * The loop over the connections of row `src` that adds to target j. Threads: only the
 * connections ending in this worker's range, in row order (partition.ts).
 */
function scatterLoop(ctx: Ctx, p: PlanProjection, pk: number, ptr: string, idx: string, add: (j: string) => string): string {
  if (!ctx.part) return `for (let c = ${ptr}[src], e = ${ptr}[src + 1]; c < e; c++) ${add(`${idx}[c]`)}`;
  if (ctx.part.rowBounds[pk]) {
    return `for (let c = ${use(ctx, arrayName.rowStart(pk))}[src], e = ${use(ctx, arrayName.rowEnd(pk))}[src]; c < e; c++) ${add(`${idx}[c]`)}`;
  }
  const [lo, hi] = elementRange(p.nPost, ctx.part.worker, ctx.part.workers);
  return `for (let c = ${ptr}[src], e = ${ptr}[src + 1]; c < e; c++) { const j = ${idx}[c]; if (j >= ${lo} && j < ${hi}) ${add('j')} }`;
}

/** What a current source's code assigns as its output: J_out (voltage jumps) or I_out. */
function currentOutput(b: PlanBlock): string {
  return b.code.some((s) => s.target === 'J_out') ? 'J_out' : 'I_out';
}

/**
 * Propagation where delays differ per connection, as NEST does it: the spikes of step
 * i − lag_min are added at once to a ring of pending jumps per postsynaptic element, in the
 * slot of the step each connection's lag makes them land in; every step then adds its slot
 * to the jumping state and empties it. The ring has lag_max − lag_min + 1 slots.
 */
function delayedPropagatePass(
  ctx: Ctx, p: PlanProjection, pk: number,
  a: { pre: number; nPre: number; ptr: string; idx: string; w: string; target: string },
): string {
  const depth = p.maxLag! - p.lag + 1;
  const lag = use(ctx, arrayName.csr(pk, 'pre', 'lag'));
  const pend = use(ctx, arrayName.pending(pk));
  return block(`propagate ${p.pre} → ${p.synapse}.${p.jump} (lags ${p.lag}…${p.maxLag} per connection)`, [
    `if (i >= ${p.lag}) {`,
    `  const slot = ${ringSlot(ctx, p.pre, p.lag)};`,
    `  const n = ${use(ctx, arrayName.spikeCount(a.pre))}[slot], base = slot * ${a.nPre};`,
    `  for (let q = 0; q < n; q++) {`,
    `    const src = ${use(ctx, arrayName.spikeList(a.pre))}[base + q];`,
    `    ${scatterLoop(ctx, p, pk, a.ptr, a.idx, (j) => `${pend}[((i + ${lag}[c] - ${p.lag}) % ${depth}) * ${p.nPost} + ${j}] += ${a.w};`)}`,
    '  }',
    '}',
    `const now = (i % ${depth}) * ${p.nPost};`,
    `for (let j = ${ctx.part ? elementRange(p.nPost, ctx.part.worker, ctx.part.workers).join('; j < ') : `0; j < ${p.nPost}`}; j++) {`,
    `  const x = ${pend}[now + j];`,
    `  if (x !== 0) { ${a.target}[j] += x; ${pend}[now + j] = 0; }`,
    '}',
  ]);
}

/**
 * Lines at the top of neuron k's loop that sum its input current `in_I` and its voltage
 * jumps `in_J` from every synapse and current source feeding it, in pass order. `vp` is the
 * start-of-step V_post. A per-target source gives neuron k its element k.
 */
function inputCurrentLines(ctx: Ctx, neuron: PlanBlock, ni: number): string[] {
  const lines = [`const vp = ${use(ctx, arrayName.state(ni, neuron.voltage!))}[k];`];
  if (neuron.receivesCurrent) lines.push('let in_I = 0;');
  if (neuron.receivesJumps) lines.push('let in_J = 0;');
  // Folded synapses whose states the current terms read into locals (the update below reuses them).
  const preloaded = new Set<string>();
  ctx.plan.passes.forEach((pass) => {
    if (pass.kind === 'inject' && pass.target === neuron.id) {
      const src = ctx.blockIndex.get(pass.source)!;
      const at = ctx.plan.blocks[src]!.perTarget ? 'k' : '0';
      lines.push(`${pass.into === 'J' ? 'in_J' : 'in_I'} += ${use(ctx, arrayName.currentOut(src))}[${at}];`);
    }
    if (pass.kind === 'synapse-current') {
      const pk = ctx.plan.projections.findIndex((p) => p.synapse === pass.synapse);
      const p = ctx.plan.projections[pk]!;
      if (p.post !== neuron.id) return;
      const preload = ctx.folded.has(p.synapse);
      if (preload) preloaded.add(p.synapse);
      lines.push(...synapseTermLines(ctx, p, pk, preload));
    }
  });
  for (const p of ctx.plan.projections) {
    if (p.post === neuron.id && ctx.folded.has(p.synapse)) {
      lines.push(...synapseUpdateLines(ctx, ctx.plan.blocks[ctx.blockIndex.get(p.synapse)!]!, preloaded.has(p.synapse)));
    }
  }
  return lines;
}

/** The local holding state `s` of synapse block `bi` at element k, read once in the neuron's loop. */
function synapseStateLocal(bi: number, s: string): string {
  return `y${bi}_${s}`;
}

/**
 * `in_I += …` for one synapse block, at postsynaptic neuron k. `preload`: every state of the
 * synapse is first read into a local (synapseStateLocal), for the current and the folded
 * update after it: one load per state instead of one per use.
 */
function synapseTermLines(ctx: Ctx, p: PlanProjection, pk: number, preload = false): string[] {
  const syn = ctx.blockIndex.get(p.synapse)!;
  const b = ctx.plan.blocks[syn]!;
  const states = stateNames(b);
  const stateRef = (n: string) => (preload ? synapseStateLocal(syn, n) : `${use(ctx, arrayName.state(syn, n))}[k]`);
  const pc: JsPrintContext = {
    dt: ctx.plan.dt,
    literal: (v) => modelNumber(ctx, v),
    name: (n) => (n === 'V_post' ? 'vp' : n === 'wsum' ? `ws${pk}` : states.has(n) ? stateRef(n) : n),
    random: () => { throw new Error('random numbers are not allowed in a synapse current'); },
  };
  const current = printJs(prepare(p.current, constantsOf(ctx.plan, b)), pc);
  const lines: string[] = preload ? b.states.map((s) => `const ${synapseStateLocal(syn, s.name)} = ${use(ctx, arrayName.state(syn, s.name))}[k];`) : [];
  if (p.stateOn === 'pre') {
    const ptr = use(ctx, arrayName.csr(pk, 'post', 'ptr'));
    const idx = use(ctx, arrayName.csr(pk, 'post', 'idx'));
    const g = use(ctx, arrayName.state(syn, p.gather!));
    const w = p.uniformWeight !== undefined ? modelNumber(ctx, p.uniformWeight) : `${use(ctx, arrayName.csr(pk, 'post', 'w'))}[c]`;
    lines.push(`let ws${pk} = 0;`, `for (let c = ${ptr}[k], e = ${ptr}[k + 1]; c < e; c++) ws${pk} += ${w} * ${g}[${idx}[c]];`);
  }
  lines.push(`${p.into === 'J' ? 'in_J' : 'in_I'} += ${current};`);
  return lines;
}

function block(title: string, lines: string[]): string {
  return [`  // ${title}`, '  {', ...lines.map((l) => `    ${l}`), '  }'].join('\n');
}

/** Where this worker's spikes of `id` in this step are listed (plasticity-code.ts OwnSpikes). */
function ownSpikes(ctx: Ctx, id: string): OwnSpikes {
  const bi = ctx.blockIndex.get(id)!;
  const b = ctx.plan.blocks[bi]!;
  if (ctx.part && ctx.segmented.has(id)) {
    const seg = use(ctx, arrayName.spikeSegments(bi));
    const counts = use(ctx, arrayName.segmentCounts(bi));
    const [lo] = elementRange(b.size, ctx.part.worker, ctx.part.workers);
    return { list: seg, base: `(i & 1) * ${b.size} + ${lo}`, count: `${counts}[(i & 1) * ${ctx.part.workers} + ${ctx.part.worker}]` };
  }
  const depth = ctx.plan.spikeHistory[id]!;
  return { list: use(ctx, arrayName.spikeList(bi)), base: `(i % ${depth}) * ${b.size}`, count: `${use(ctx, arrayName.spikeCount(bi))}[i % ${depth}]` };
}

export interface GeneratedStep {
  /**
   * Source of a function (A, H) → { step(i), prologue() } over the arrays A (by name);
   * reusable (GenerateOptions), the model's numbers are among them (`literals`). prologue
   * runs once before step 0.
   */
  source: string;
  /** Array names the source reads. */
  arrays: string[];
  /** Reusable code: the model's numbers, by index, the run's `literals` array (modelNumber); else empty. */
  literals: number[];
}

/**
 * Threads: waits for every worker (`SYNC`, a barrier), then copies the spikes that the
 * blocks in `blocks` listed in the workers' segments this step into this worker's own spike
 * list and count, in worker order — ascending neurons, the one-thread list.
 */
function syncPass(ctx: Ctx, blocks: string[], why: string): string {
  const lines = ['SYNC();'];
  const workers = ctx.part!.workers;
  for (const id of blocks) {
    const bi = ctx.blockIndex.get(id)!;
    const b = ctx.plan.blocks[bi]!;
    const seg = use(ctx, arrayName.spikeSegments(bi));
    const sgc = use(ctx, arrayName.segmentCounts(bi));
    const list = use(ctx, arrayName.spikeList(bi));
    const depth = ctx.plan.spikeHistory[id]!;
    lines.push(`{ const slot = i % ${depth}, dst = slot * ${b.size}, par = i & 1; let n = 0;`);
    for (let w = 0; w < workers; w++) {
      const from = `par * ${b.size} + ${elementRange(b.size, w, workers)[0]}`;
      lines.push(`  for (let q = 0, m = ${sgc}[par * ${workers} + ${w}], f = ${from}; q < m; q++) ${list}[dst + n++] = ${seg}[f + q];`);
    }
    lines.push(`  ${use(ctx, arrayName.spikeCount(bi))}[slot] = n; }`);
  }
  return block(why, lines);
}

/**
 * `reusable`: one program for every run of the same structure: the model's numbers are read
 * from the `literals` array (a run's values fill it), not printed into the code. Runs of one
 * model that follow one another then step with code V8 has optimised already, where a new
 * program's compile would compete with the app for the cores: live mode's edit → plot, in
 * six alternating pairs of bench:editor runs, median 167–228 ms with it vs 189–265 ms
 * without (#15). Its arrays stay constants of the program (simulation.ts keeps them for
 * the next run, which fills them): given each run's own arrays instead, V8 could not treat
 * them as constants and the optimised loops ran 1.5× slower (COBA 4000, one process).
 */
export interface GenerateOptions {
  reusable?: boolean;
}

/** Generates the step function of a plan; `part`: one worker's share of it (threads). */
export function generateStep(plan: Plan, part?: StepPartition, options: GenerateOptions = {}): GeneratedStep {
  const ctx: Ctx = {
    plan, blockIndex: new Map(plan.blocks.map((b, k) => [b.id, k])), used: new Set(),
    flagsRead: blocksWithSpikeFlags(plan), folded: foldableSynapses(plan),
    segmented: part ? segmentedBlocks(plan) : new Set(), ...(part ? { part } : {}), draws: new Map(),
    ...(options.reusable ? { literals: [] } : {}),
  };
  const projIndex = new Map(plan.projections.map((p, k) => [p.synapse, k]));
  const waitAfter = part ? syncAfter(plan) : new Set<string>();
  // Segmented blocks updated since the last barrier: their lists are assembled at the next.
  let unsynced: string[] = [];
  const passes = plan.passes.map((pass) => {
    switch (pass.kind) {
      case 'update': {
        const code = updatePass(ctx, plan.blocks[ctx.blockIndex.get(pass.block)!]!);
        if (ctx.segmented.has(pass.block)) unsynced.push(pass.block);
        if (!waitAfter.has(pass.block)) return code;
        const sync = syncPass(ctx, unsynced, `barrier: later passes read ${pass.block} across workers`);
        unsynced = [];
        return `${code}\n${sync}`;
      }
      case 'propagate': return propagatePass(ctx, plan.projections[projIndex.get(pass.synapse)!]!, projIndex.get(pass.synapse)!);
      // Summed inside the target neuron's loop (inputCurrentLines).
      case 'synapse-current': return `  // current of ${pass.synapse}: summed in its neuron's loop`;
      case 'inject': return `  // ${pass.source} → ${pass.target}: summed in the neuron's loop`;
    }
  });
  // Threads: every step ends when all workers have ended it.
  if (part) passes.push(syncPass(ctx, unsynced, 'barrier: end of step'));
  // Plasticity: on_post right after the update of the postsynaptic block (plasticity-code.ts).
  plan.passes.forEach((pass, n) => { if (pass.kind === 'update') passes[n] += onPostPasses(plan, pass.block, plasticNames(ctx), () => ownSpikes(ctx, pass.block)); });
  // The prologue applies step 0's update of every folded synapse.
  const prologue = [...ctx.folded].map((id) => {
    const b = plan.blocks[ctx.blockIndex.get(id)!]!;
    const [lo, hi] = range(ctx, b);
    return block(`step 0's update of ${id}`, [`for (let k = ${lo}; k < ${hi}; k++) {`, ...synapseUpdateLines(ctx, b).map((l) => `  ${l}`), '}']);
  });
  const literals = ctx.literals ?? [];
  if (literals.length > 0) use(ctx, LITERALS);
  const arrays = [...ctx.used].sort();
  const arrayObject = `{ ${arrays.map((a) => `${a}: A.${a}`).join(', ')} }`;
  const locals = [
    `  const { ${arrays.join(', ')} } = ARRAYS;`,
    ...(literals.length > 0 ? [`  const ${literals.map((_, n) => `L${n} = ${LITERALS}[${n}]`).join(', ')};`] : []),
  ];
  const source = [
    "'use strict';",
    `const { roundHalfAway, sigmoid, vtrap, decayFactor, expEulerStep, random24, random24Block, normal24${ctx.binomial ? ', binomial24' : ''} } = H;`,
    `const SEED = ${plan.seed >>> 0}, DT = ${jsNumber(plan.dt)};`,
    ...[...ctx.draws].map(([name, n]) => `const ${name} = new Uint32Array(${n});`),
    ...(part ? ['const SYNC = H.sync;'] : []),
    // The arrays become locals of each function (not variables of this closure, which the
    // loops would read through the context): a tenth less time per step of COBA (#15).
    // ARRAYS is a constant of the program (A: the arrays it was made over), which V8
    // optimises further: reusable, later runs step on those same arrays (simulation.ts).
    `const ARRAYS = ${arrayObject};`,
    'function prologue() {',
    ...locals,
    ...prologue,
    '}',
    'function step(i) {',
    ...locals,
    '  const t = i * DT;',
    ...passes,
    '}',
    'return { step, prologue };',
  ].join('\n');
  return { source, arrays, literals };
}

/** Name of a run's array of the model's numbers (modelNumber). */
export const LITERALS = 'literals';
