/**
 * A compiled plan → a self-contained Brian2 script that computes the same model
 * (assets/docs/models.md) and writes the same CSV files as `spikeflow run --out-dir`.
 *
 * How the numerics are kept:
 * - Every block's update is its own update code (kernels/), printed as Brian2 abstract code
 *   in a `run_regularly` (expression.ts): exponential Euler with the input held over the
 *   step, refractoriness and pulses counted in whole steps, exactly as written there.
 * - Spikeflow's order within a step becomes Brian2's schedule: every update, spike
 *   emission (thresholder), spike delivery (synaptic pathway) and summation (summed
 *   variable) runs in the `groups` slot with an `order` that follows the plan's passes. A
 *   pathway that runs before its presynaptic group's thresholder reads the previous step's
 *   spikes, which is Spikeflow's one step of lag on a recurrent edge; delays are whole steps.
 * - A neuron's input current is summed in its own update, term by term in pass order, from
 *   the start-of-step V, as the CPU engine does.
 * - Connectivity, weights and initial values are the plan's arrays (identical network), or
 *   Brian2 rules with `regenerate` (same statistics, other draws).
 * Parameters appear with their units; the update code reads them as numbers in Spikeflow's
 * internal units (ms, mV, nA, µS, nF, MΩ, mM), so the code is the block reference's code.
 */
import type { BlockDef } from '../../../kernels/types.js';
import { blockDef } from '../../../kernels/index.js';
import { blockDefIn } from '../../compiler/document-types.js';
import { freeNames, type Statement } from '../../../src-shared/expr/ast.js';
import type { BlockDoc, ProjectDocument, ValueOrDistributionDoc } from '../../../src-shared/document/schema.js';
import { roundHalfAway } from '../../../src-shared/expr/numeric.js';
import { toUnit } from '../../../src-shared/units.js';
import type { Plan, PlanBlock, PlanProbe, PlanProjection } from '../../compiler/plan.js';
import { ExportRefusal, type BlockRefusal } from '../refusal.js';
import { pyArray, pyFloat, pyString } from '../python-literals.js';
import { printBrian2 } from './expression.js';
import { needsPostPathway, pathwayCode, plasticModel, POST_SPIKE_FLAG } from './plastic.js';
import { PRELUDE_CSV, PRELUDE_FUNCTIONS, PRELUDE_IMPORTS, brian2Unit } from './prelude.js';

export interface Brian2Options {
  /** Draw connectivity, weights and initial values with Brian2's rules instead of the plan's arrays. */
  regenerate?: boolean;
  /** Default device of the script (its --device option overrides it). */
  device?: 'runtime' | 'cpp_standalone';
  /** OpenMP threads of cpp_standalone (0: none). */
  threads?: number;
  /** Shown in the script's header: the project file it came from. */
  source?: string;
}

/**
 * Block types the exporter knows, with the Brian2 form each takes. A type missing here is
 * refused by name (a block added later must be looked at before it is exported).
 */
export const BRIAN2_FORMS: Readonly<Record<string, string>> = {
  'spike-times': 'SpikeGeneratorGroup',
  poisson: 'PoissonGroup',
  'inhomogeneous-poisson': 'NeuronGroup with its update code (rate as an expression of t)',
  regular: 'NeuronGroup with its update code',
  'constant-current': 'NeuronGroup of one element with its update code',
  'ramp-current': 'NeuronGroup of one element with its update code',
  'step-current': 'TimedArray',
  'white-noise-current': 'NeuronGroup of one element per target neuron with its update code (randn)',
  'ou-current': 'NeuronGroup of one element per target neuron with its update code (randn)',
  'poisson-input': 'PoissonInput into a variable of the target, read as its voltage jumps',
  lif: 'NeuronGroup with its update code',
  izhikevich: 'NeuronGroup with its update code',
  hh: 'NeuronGroup with its update code',
  exponential: 'NeuronGroup (state per postsynaptic neuron) and Synapses',
  alpha: 'NeuronGroup (state per postsynaptic neuron) and Synapses',
  'dual-exponential': 'NeuronGroup (state per postsynaptic neuron) and Synapses',
  ampa: 'NeuronGroup (state per presynaptic neuron) and Synapses with a summed variable',
  gabaa: 'NeuronGroup (state per presynaptic neuron) and Synapses with a summed variable',
  nmda: 'NeuronGroup (state per presynaptic neuron) and Synapses with a summed variable',
  graded: 'NeuronGroup (state per presynaptic neuron) and Synapses with a summed variable',
  delta: 'NeuronGroup (jumps per postsynaptic neuron) and Synapses, read as voltage jumps',
  stdp: 'NeuronGroup (g per postsynaptic neuron) and Synapses with w and event-driven traces per connection, on_pre/on_post',
  'triplet-stdp': 'NeuronGroup (g per postsynaptic neuron) and Synapses with w and event-driven traces per connection, on_pre/on_post',
  'tsodyks-markram': 'NeuronGroup (g per postsynaptic neuron) and Synapses with w, u and x per connection, on_pre',
  'state-probe': 'StateMonitor',
  'spike-probe': 'SpikeMonitor',
  'rate-probe': 'SpikeMonitor, binned',
  'weight-snapshots': "StateMonitor of every connection's w, every interval",
};

/** Names Brian2 or Python reserve: a model name equal to one gets a trailing underscore. */
const RESERVED = new Set([
  // Python keywords and literals
  'False', 'None', 'True', 'and', 'as', 'assert', 'async', 'await', 'break', 'class', 'continue',
  'def', 'del', 'elif', 'else', 'except', 'finally', 'for', 'from', 'global', 'if', 'import', 'in',
  'is', 'lambda', 'nonlocal', 'not', 'or', 'pass', 'raise', 'return', 'try', 'while', 'with', 'yield',
  // Brian2's own names in a group
  'i', 'j', 'N', 't', 'dt', 'xi', 't_in_timesteps', 'lastspike', 'not_refractory', 'int', 'float',
  // the script's functions and constants
  'ifelse', 'round_away', 'min2', 'max2', 'vtrap', 'exp_euler', 'dt_ms', 'exp', 'log', 'sqrt', 'abs',
  'floor', 'rand', 'randn', 'clip', 'sign', 'ceil', 'sin', 'cos',
  // units the script imports
  'Hz', 'mM', 'ms', 'mV', 'nA', 'nF', 'Mohm', 'uS', 'second',
]);

/** A model name as it appears in Brian2 code. */
export function b2Name(n: string): string {
  // Brian2 also reads a name ending in _pre or _post as a synapse's side.
  return RESERVED.has(n) || /_(pre|post)$/.test(n) ? `${n}_` : n;
}

const SPIKE_FLAG = 'emits_spike';

/** The blocks of a document that cannot be exported to Brian2, with why. */
export function brian2Refusals(doc: ProjectDocument): BlockRefusal[] {
  const out: BlockRefusal[] = [];
  for (const b of doc.blocks) {
    const userType = doc.types !== undefined && Object.hasOwn(doc.types, b.type);
    // A project's own type is exported through its compiled update code, as a built-in is.
    if (userType && blockDefIn(doc, b.type)) continue;
    if (!(b.type in BRIAN2_FORMS)) {
      out.push({
        block: b.id, type: b.type,
        reason: userType
          ? 'a block type defined in the project whose equations do not compile'
          : blockDef(b.type)
            ? 'the Brian2 exporter does not know this block type yet; it is refused rather than exported unchecked'
            : 'unknown block type',
      });
    }
  }
  return out;
}

interface Ctx {
  plan: Plan;
  doc: ProjectDocument;
  opts: Brian2Options;
  lines: string[];
  /** Synapses objects, printed once every group exists. */
  connections: string[];
  /** Linked variables, printed after the connections. */
  links: string[];
  order: number;
  schedule: string[];
  /** What a propagate or synapse-current pass schedules, registered by its synapse's section. */
  passes: Map<string, () => void>;
}

const py = (v: string) => `b_${v}`;

/** The definition of a plan block's type as the document sees it (its own types too). */
function defOf(ctx: Ctx, b: PlanBlock): BlockDef {
  return blockDefIn(ctx.doc, b.type)!;
}

function docOf(ctx: Ctx, id: string): BlockDoc {
  return ctx.doc.blocks.find((x) => x.id === id)!;
}

function projectionOf(ctx: Ctx, id: string): PlanProjection | undefined {
  return ctx.plan.projections.find((p) => p.synapse === id);
}

/** Adds `obj` to the schedule at the next order number, with a comment. */
function scheduleNext(ctx: Ctx, obj: string, what: string): void {
  ctx.schedule.push(`at(${obj}, ${ctx.order++})  # ${what}`);
}

/** The parameter table of a block: quantities with their units, as the namespace's numbers. */
function paramLines(b: PlanBlock, def: BlockDef, prefix = ''): string[] {
  const lines: string[] = [];
  for (const [name, value] of Object.entries(b.params)) {
    const p = def.params[name];
    if (!p || p.kind !== 'quantity') continue;
    const unit = brian2Unit(p.unit);
    const doc = p.doc.replace(/\s+/g, ' ');
    lines.push(`    ${pyString(prefix + b2Name(name))}: ${quantityValue(value, unit)},  # ${doc}`);
  }
  return lines;
}

/** Parameters that vary per element (plan.varying): group variables set from arrays. */
function varyingOf(b: PlanBlock): Record<string, Float64Array> {
  return (b as { varying?: Record<string, Float64Array> }).varying ?? {};
}

/** Features of a plan the exporter does not reproduce yet, refused by block. */
function planRefusals(plan: Plan): BlockRefusal[] {
  const out: BlockRefusal[] = [];
  for (const p of plan.projections) {
    const syn = plan.blocks.find((b) => b.id === p.synapse)!;
    const varying = Object.keys(varyingOf(syn)).filter((n) => freeNames(p.current).has(n));
    // Per-connection delays go into Synapses.delay for a state per postsynaptic neuron; a
    // kinetic synapse receives its spikes once per presynaptic neuron.
    if (p.stateOn === 'pre' && (p.maxLag !== undefined || p.byPre.lag)) {
      out.push({ block: p.synapse, type: syn.type, reason: 'its delays differ per connection, which the Brian2 exporter does not reproduce yet for a state per presynaptic neuron' });
    }
    if (p.stateOn === 'pre' && varying.length > 0) {
      out.push({ block: p.synapse, type: syn.type, reason: `its current reads ${varying.join(', ')}, which varies per presynaptic neuron; the summed current cannot carry that` });
    }
    // Plastic synapses are written with their state per postsynaptic neuron (plastic.ts).
    if (p.plasticity && p.stateOn !== 'post') {
      out.push({ block: p.synapse, type: syn.type, reason: 'it learns with its state per presynaptic neuron, which the Brian2 exporter does not write yet; it is refused rather than exported without plasticity' });
    }
  }
  return out;
}

/** `value(<quantity>, <unit>)`: a number with its unit, read as a number in that unit. */
function quantityValue(v: number, unit: string): string {
  if (unit === '1') return pyFloat(v);
  const q = unit.startsWith('1 / ') ? `${pyFloat(v)} / ${unit.slice(4)}` : `${pyFloat(v)} * ${unit}`;
  return `value(${q}, ${unit})`;
}

/** A state's unit for comments and CSV headers. */
function stateUnitComment(unit: string): string {
  return unit === '' ? 'no unit' : unit;
}

/** Prints update statements with a renaming of the names. */
function printCode(code: Statement[], name: (n: string) => string): string[] {
  return code.map((s) => `${name(s.target)} = ${printBrian2(s.expr, { name })}`);
}

/** Initial values: one number when all agree, else the plan's array. */
function initValue(values: Float64Array): string {
  const first = values[0];
  if (values.every((v) => Object.is(v, first))) return pyFloat(first ?? 0);
  return pyArray(values, 'float');
}

/**
 * A Brian2 rule that draws like a document's distribution; undefined where Brian2 has no
 * one-line equivalent (truncated normal, lognormal, expressions): those keep the plan's values.
 */
function distributionCode(spec: ValueOrDistributionDoc, unit: string): string | undefined {
  if (typeof spec === 'number' || typeof spec === 'string' || !('dist' in spec)) return undefined;
  const u = unit.replace('·', '*');
  if (spec.dist === 'lognormal') return undefined;
  const short = (v: number) => pyFloat(Number(v.toPrecision(15)));
  if (spec.dist === 'normal') {
    if (spec.low !== undefined || spec.high !== undefined) return undefined;
    return `${short(toUnit(spec.mean, u))} + ${short(toUnit(spec.sd, u))} * randn()`;
  }
  const low = toUnit(spec.low, u);
  const high = toUnit(spec.high, u);
  return `${short(low)} + ${short(high - low)} * rand()`;
}

function initLines(ctx: Ctx, b: PlanBlock): string[] {
  const bdoc = docOf(ctx, b.id);
  return b.states.map((s) => {
    const given = bdoc.init[s.name];
    const rule = ctx.opts.regenerate && given !== undefined ? distributionCode(given, s.unit) : undefined;
    if (rule) return `${py(b.id)}.${b2Name(s.name)} = '${rule}'  # drawn by Brian2 (--regenerate)`;
    return `${py(b.id)}.${b2Name(s.name)} = ${initValue(s.init)}`;
  });
}

/** What a neuron's update reads from its inputs: current terms (I) and voltage-jump terms (J), in pass order. */
interface InputTerms {
  terms: string[];
  jumps: string[];
  decls: string[];
  ns: string[];
  links: string[];
  /** Statements after the update (a PoissonInput's count is cleared once read). */
  post: string[];
}

/** Terms of a neuron's input current and jumps, in pass order, and what its equations must declare. */
function inputTerms(ctx: Ctx, neuron: PlanBlock): InputTerms {
  const out: InputTerms = { terms: [], jumps: [], decls: [], ns: [], links: [], post: [] };
  const v = b2Name(neuron.voltage!);
  for (const pass of ctx.plan.passes) {
    if (pass.kind === 'inject' && pass.target === neuron.id) {
      const src = ctx.plan.blocks.find((x) => x.id === pass.source)!;
      if (src.type === 'poisson-input') {
        // Brian2's PoissonInput adds w times its binomial count to this variable.
        const name = `${pass.source}_J`;
        out.decls.push(`${name} : 1  # voltage jumps of "${pass.source}" in this step (mV), added by its PoissonInput`);
        out.post.push(`${name} = 0.0`);
        out.jumps.push(name);
        continue;
      }
      const jump = pass.into === 'J';
      const name = `${pass.source}_${jump ? 'J' : 'I'}`;
      // A per-target source has one element per neuron; another has one for all.
      const index = src.perTarget ? '' : `, index=np.zeros(${neuron.size}, dtype=int)`;
      out.decls.push(`${name} : 1 (linked)  # ${jump ? 'voltage jumps' : 'current'} of "${pass.source}" (${jump ? 'mV' : 'nA'})`);
      out.links.push(`${py(neuron.id)}.${name} = linked_var(${py(pass.source)}, '${jump ? 'J_out' : 'I_out'}'${index})`);
      (jump ? out.jumps : out.terms).push(name);
    }
    if (pass.kind !== 'synapse-current') continue;
    const p = projectionOf(ctx, pass.synapse)!;
    if (p.post !== neuron.id) continue;
    const syn = ctx.plan.blocks.find((x) => x.id === p.synapse)!;
    const sdef = defOf(ctx, syn);
    const states = new Set(syn.states.map((s) => s.name));
    const used = freeNames(p.current);
    for (const n of used) {
      if (states.has(n)) {
        out.decls.push(`${p.synapse}_${n} : 1 (linked)  # ${n} of "${p.synapse}"`);
        out.links.push(`${py(neuron.id)}.${p.synapse}_${n} = linked_var(${py(p.synapse)}, '${b2Name(n)}')`);
      } else if (varyingOf(syn)[n]) {
        out.decls.push(`${p.synapse}_${n} : 1 (linked)  # ${n} of "${p.synapse}", per neuron`);
        out.links.push(`${py(neuron.id)}.${p.synapse}_${n} = linked_var(${py(p.synapse)}, '${b2Name(n)}')`);
      } else if (n === 'wsum') {
        out.decls.push(`${p.synapse}_wsum : 1  # sum over the connections of "${p.synapse}" of w * ${p.gather}`);
      } else if (n !== 'V_post' && syn.params[n] !== undefined) {
        const pdef = sdef.params[n];
        const unit = pdef && pdef.kind === 'quantity' ? brian2Unit(pdef.unit) : '1';
        out.ns.push(`    ${pyString(`${p.synapse}_${n}`)}: ${quantityValue(syn.params[n]!, unit)},  # ${n} of "${p.synapse}"`);
      }
    }
    const name = (n: string) => (n === 'V_post' ? v : `${p.synapse}_${n}`);
    (p.into === 'J' ? out.jumps : out.terms).push(printBrian2(p.current, { name }));
  }
  return out;
}

function section(ctx: Ctx, b: PlanBlock | { id: string; type: string }, what: string): void {
  const def = blockDefIn(ctx.doc, b.type);
  ctx.lines.push('', `# ${'='.repeat(88)}`, `# Block "${b.id}": ${def?.title ?? b.type} (${b.type}) — ${what}`);
}

/** A neuron, source or current block with element-wise update code. */
function elementwiseBlock(ctx: Ctx, b: PlanBlock): void {
  const def = defOf(ctx, b);
  const decls = b.states.map((s) => `${b2Name(s.name)} : 1  # ${def.states[s.name]?.doc ?? ''} (${stateUnitComment(s.unit)})`);
  const ns = paramLines(b, def);
  const varying = Object.entries(varyingOf(b));
  for (const [n] of varying) {
    const pdef = def.params[n];
    decls.push(`${b2Name(n)} : 1 (constant)  # ${pdef?.doc ?? ''} (${pdef && pdef.kind === 'quantity' ? stateUnitComment(pdef.unit) : ''}), per element`);
  }
  const pre: string[] = [];
  const post: string[] = [];
  const links: string[] = [];
  let name = (n: string) => (n === 'spike' ? SPIKE_FLAG : b2Name(n));
  if (b.spiking) decls.push(`${SPIKE_FLAG} : boolean  # set by the update; the threshold emits it`);
  if (b.category === 'current') {
    const jumps = b.code.some((st) => st.target === 'J_out');
    decls.push(jumps ? 'J_out : 1  # output voltage jumps (mV)' : 'I_out : 1  # output current (nA)');
  }
  if (b.category === 'neuron') {
    const t = inputTerms(ctx, b);
    decls.push(...t.decls);
    ns.push(...t.ns);
    links.push(...t.links);
    pre.push(t.terms.length > 0 ? `I = ${t.terms.join(' + ')}  # input current (nA), from the start-of-step ${b.voltage}` : 'I = 0.0  # no current feeds this neuron');
    if (b.receivesJumps) pre.push(`J = ${t.jumps.join(' + ')}  # voltage jumps arriving in this step (mV)`);
    post.push(...t.post);
  }
  let threshold = b.spiking ? SPIKE_FLAG : undefined;
  if (b.category === 'synapse') {
    const p = projectionOf(ctx, b.id)!;
    if (needsPostPathway(p)) {
      // The group spikes with its postsynaptic neuron, which drives on_post (plastic.ts).
      decls.push(`${POST_SPIKE_FLAG} : boolean (linked)  # "${p.post}" spiked in this step (drives on_post)`);
      links.push(`${py(b.id)}.${POST_SPIKE_FLAG} = linked_var(${py(p.post)}, '${SPIKE_FLAG}')`);
      threshold = POST_SPIKE_FLAG;
    }
    if (b.input?.kind === 'spikes') {
      decls.push('spike_in : boolean  # a presynaptic spike arrived in this step');
      post.push('spike_in = False');
    }
    if (b.input?.kind === 'voltage') {
      decls.push(`${b2Name('V_pre')} : 1 (linked)  # membrane potential of "${p.pre}" (mV)`);
      const src = ctx.plan.blocks.find((x) => x.id === b.input!.from)!;
      links.push(`${py(b.id)}.${b2Name('V_pre')} = linked_var(${py(src.id)}, '${b2Name(src.voltage!)}')`);
    }
    const known = name;
    name = (n: string) => (n === 'spike_in' ? n : known(n));
  }
  let printed: string[];
  try {
    printed = printCode(b.code, name);
  } catch (err) {
    // A function of the update language without Brian2 code (binomial in a project's type).
    throw new ExportRefusal('Brian2', [{ block: b.id, type: b.type, reason: `its update code cannot be written for Brian2: ${(err as Error).message}` }]);
  }
  const code = [...pre, ...printed, ...post];
  const what = b.category === 'synapse'
    ? `state per ${b.input ? 'presynaptic' : 'postsynaptic'} neuron (${b.size})`
    : b.category === 'current'
      ? (b.perTarget ? `one element per target neuron (${b.size}), each its own random stream` : 'one current for every target neuron')
      : `${b.size} neuron${b.size === 1 ? '' : 's'}`;
  section(ctx, b, what);
  ctx.lines.push(
    `${py(b.id)} = NeuronGroup(${b.size}, '''`,
    ...decls.map((d) => `    ${d}`),
    `''', ${threshold ? `threshold='${threshold}', reset='', ` : ''}name=${pyString(b.id)}, namespace=dict(FUNCTIONS, dt_ms=DT_MS, **{`,
    ...ns,
    '}))',
    `${py(b.id)}_update = ${py(b.id)}.run_regularly('''`,
    ...code.map((l) => `    ${l}`),
    `''', name=${pyString(`${b.id}_update`)})`,
    ...varying.map(([n, v]) => `${py(b.id)}.${b2Name(n)} = ${pyArray(v, 'float')}  # per element`),
    ...initLines(ctx, b),
  );
  ctx.links.push(...links);
  if (b.category === 'synapse') synapseConnections(ctx, b);
  if (b.input?.kind === 'spikes') scheduleNext(ctx, `${py(b.id)}_in.pre`, `presynaptic spikes reach "${b.id}"`);
  scheduleNext(ctx, `${py(b.id)}_update`, `update of "${b.id}"`);
  if (b.spiking) scheduleNext(ctx, `${py(b.id)}.thresholder['spike']`, `spikes of "${b.id}" are emitted`);
  // Spikeflow's on_post of the plastic synapses into this neuron: right after its update.
  for (const p of ctx.plan.projections) {
    if (p.post !== b.id || !needsPostPathway(p)) continue;
    scheduleNext(ctx, `${py(p.synapse)}.thresholder['spike']`, `"${p.synapse}" takes the spikes of "${b.id}"`);
    scheduleNext(ctx, `${py(p.synapse)}_conn.post`, `on_post of "${p.synapse}" for the spikes of "${b.id}"`);
  }
}

/** Connection arrays (or rules) of a synapse block. */
function connectLines(ctx: Ctx, obj: string, p: PlanProjection, byPost: boolean): string[] {
  const bdoc = docOf(ctx, p.synapse);
  const conn = bdoc.connection ?? { rule: 'all-to-all', selfConnections: true, delay: 0 };
  const same = p.pre === p.post;
  const lines: string[] = [];
  // Delays drawn per connection keep the plan's arrays (a rule would reorder the connections).
  if (ctx.opts.regenerate && conn.rule !== 'pairs' && !p.byPre.lag) {
    const noSelf = same && !conn.selfConnections;
    if (conn.rule === 'all-to-all') lines.push(`${obj}.connect(${noSelf ? "condition='i != j'" : ''})`);
    else if (conn.rule === 'one-to-one') lines.push(`${obj}.connect(j='i')`);
    else if (conn.rule === 'fixed-probability') lines.push(`${obj}.connect(${noSelf ? "condition='i != j', " : ''}p=${pyFloat(conn.p ?? 0)})`);
    else if (conn.rule === 'fixed-indegree') {
      lines.push(
        `# fixed in-degree ${conn.indegree}: each postsynaptic neuron draws its presynaptic partners`,
        `pre_idx, post_idx = fixed_indegree(${p.nPre}, ${p.nPost}, ${conn.indegree ?? 0}, allow_self=${noSelf ? 'False' : 'True'})`,
        `${obj}.connect(i=pre_idx, j=post_idx)`,
      );
    }
    const wUnit = p.weightUnit;
    const rule = conn.weight !== undefined ? distributionCode(conn.weight, wUnit) : undefined;
    lines.push(rule ? `${obj}.w = '${rule}'  # ${wUnit}` : `${obj}.w = ${pyFloat(p.uniformWeight ?? p.byPre.w[0] ?? 0)}  # ${wUnit}`);
    return lines;
  }
  const csr = byPost ? p.byPost! : p.byPre;
  const rows: number[] = [];
  for (let r = 0; r + 1 < csr.ptr.length; r++) for (let c = csr.ptr[r]!; c < csr.ptr[r + 1]!; c++) rows.push(r);
  const [pre, post] = byPost ? [csr.idx, rows] : [rows, csr.idx];
  lines.push(`${obj}.connect(i=${pyArray(pre, 'int')},`, `    j=${pyArray(post, 'int')})`);
  lines.push(p.uniformWeight !== undefined
    ? `${obj}.w = ${pyFloat(p.uniformWeight)}  # ${p.weightUnit}, every connection`
    : `${obj}.w = ${pyArray(csr.w, 'float')}  # ${p.weightUnit}`);
  if (csr.lag) {
    const recurrent = recurrentLag(ctx.plan, p);
    lines.push(`${obj}.delay = ${pyArray(Array.from(csr.lag, (l) => l - recurrent), 'int')} * DT  # whole steps, per connection`);
  }
  return lines;
}

/**
 * 1 when the presynaptic block updates after the synapse within a step (a recurrent edge:
 * Spikeflow's one step of lag, which Brian2's schedule reproduces by itself), else 0.
 */
export function recurrentLag(plan: Plan, p: PlanProjection): number {
  const at = (id: string) => plan.passes.findIndex((x) => x.kind === 'update' && x.block === id);
  return at(p.pre) > at(p.synapse) ? 1 : 0;
}

function synapseConnections(ctx: Ctx, b: PlanBlock): void {
  const p = projectionOf(ctx, b.id)!;
  // The plan's lag counts the recurrent step too; Brian2's schedule adds that one itself.
  const delaySteps = p.lag - recurrentLag(ctx.plan, p);
  const delay = delaySteps > 0 && !p.byPre.lag ? `, delay=${delaySteps} * DT` : '';
  if (p.stateOn === 'post' && p.plasticity) {
    plasticConnections(ctx, b, p, delay);
    return;
  }
  if (p.stateOn === 'post') {
    ctx.connections.push(
      '',
      `# "${b.id}": spikes of "${p.pre}" into the synapse's state`,
      `# ${p.nPre} → ${p.nPost}: a spike of presynaptic neuron i adds w_ij to ${p.jump} of postsynaptic neuron j`,
      `${py(b.id)}_conn = Synapses(${py(p.pre)}, ${py(b.id)}, 'w : 1  # ${p.weightUnit}', on_pre='${b2Name(p.jump!)}_post += w'${delay}, name=${pyString(`${b.id}_conn`)})`,
      ...connectLines(ctx, `${py(b.id)}_conn`, p, false),
    );
    ctx.passes.set(`propagate:${b.id}`, () => scheduleNext(ctx, `${py(b.id)}_conn.pre`, `spikes of "${p.pre}" jump ${p.jump} of "${b.id}"`));
    return;
  }
  ctx.connections.push('', `# "${b.id}": spikes of "${p.pre}" into the receptors, their conductance into "${p.post}"`);
  if (b.input?.kind === 'spikes') {
    ctx.connections.push(
      `# presynaptic spikes of "${p.pre}" reach the receptor of the same neuron`,
      `${py(b.id)}_in = Synapses(${py(p.pre)}, ${py(b.id)}, on_pre='spike_in_post = True'${delay}, name=${pyString(`${b.id}_in`)})`,
      `${py(b.id)}_in.connect(j='i')`,
    );
  }
  ctx.connections.push(
    `# ${p.nPre} → ${p.nPost}: postsynaptic neuron j receives the sum over i of w_ij * ${p.gather}_i`,
    `${py(b.id)}_conn = Synapses(${py(b.id)}, ${py(p.post)}, '''`,
    `    w : 1  # ${p.weightUnit}`,
    `    ${b.id}_wsum_post = w * ${b2Name(p.gather!)}_pre : 1 (summed)`,
    `''', name=${pyString(`${b.id}_conn`)})`,
    ...connectLines(ctx, `${py(b.id)}_conn`, p, true),
  );
  ctx.passes.set(`synapse-current:${b.id}`, () => scheduleNext(ctx, `${py(b.id)}_conn.summed_updaters['${b.id}_wsum_post']`, `"${p.post}" gathers the weighted ${p.gather} of "${b.id}"`));
}

/**
 * A plastic synapse's connections: Synapses with w and the connection states per synapse and
 * the block's event code as on_pre / on_post (plastic.ts), in the namespace of its parameters.
 */
function plasticConnections(ctx: Ctx, b: PlanBlock, p: PlanProjection, delay: string): void {
  const pl = p.plasticity!;
  const obj = `${py(b.id)}_conn`;
  const name = (n: string) => b2Name(n);
  const jump = b2Name(p.jump!);
  const onPre = pathwayCode(pl, pl.onPre, name, jump);
  const onPost = needsPostPathway(p) ? pathwayCode(pl, pl.onPost, name) : [];
  ctx.connections.push(
    '',
    `# "${b.id}": spikes of "${p.pre}" into the synapse's state; it learns (per connection: w${pl.states.map((s) => `, ${s.name}`).join('')})`,
    `# ${p.nPre} → ${p.nPost}: on_pre when a spike of i arrives${onPost.length > 0 ? `, on_post when neuron j of "${p.post}" spikes` : ''}`,
    `${obj} = Synapses(${py(p.pre)}, ${py(b.id)}, '''`,
    ...plasticModel(pl, p.weightUnit, name).map((l) => `    ${l}`),
    "''', on_pre='''",
    ...onPre.map((l) => `    ${l}`),
    ...(onPost.length > 0 ? ["''', on_post='''", ...onPost.map((l) => `    ${l}`)] : []),
    `'''${delay}, name=${pyString(`${b.id}_conn`)}, namespace=dict(FUNCTIONS, dt_ms=DT_MS, **{`,
    ...paramLines(b, defOf(ctx, b)),
    '}))',
    ...connectLines(ctx, obj, p, false),
    ...pl.states.map((s) => `${obj}.${name(s.name)} = ${pyFloat(s.init)}`),
  );
  ctx.passes.set(`propagate:${b.id}`, () => scheduleNext(ctx, `${obj}.pre`, `on_pre of "${b.id}" for the arriving spikes of "${p.pre}"`));
}

function spikeTimesBlock(ctx: Ctx, b: PlanBlock): void {
  const s = b.schedule!;
  // Spikeflow counts a neuron listed twice in one step once; Brian2 refuses duplicates.
  const seen = new Set<string>();
  const steps: number[] = [];
  const neurons: number[] = [];
  for (let k = 0; k < s.steps.length; k++) {
    const key = `${s.steps[k]},${s.neurons[k]}`;
    if (seen.has(key)) continue;
    seen.add(key);
    steps.push(s.steps[k]!);
    neurons.push(s.neurons[k]!);
  }
  section(ctx, b, `${b.size} neuron${b.size === 1 ? '' : 's'}, ${steps.length} listed spikes (times in whole steps)`);
  ctx.lines.push(
    `${py(b.id)} = SpikeGeneratorGroup(${b.size}, indices=${pyArray(neurons, 'int')},`,
    `    times=${pyArray(steps, 'int')} * DT, name=${pyString(b.id)})`,
  );
  scheduleNext(ctx, py(b.id), `spikes of "${b.id}" are emitted`);
}

function poissonBlock(ctx: Ctx, b: PlanBlock): void {
  section(ctx, b, `${b.size} independent trains (Brian2's generator: same statistics, other trains)`);
  ctx.lines.push(`${py(b.id)} = PoissonGroup(${b.size}, rates=${pyFloat(b.params.rate ?? 0)} * Hz, name=${pyString(b.id)})`);
  scheduleNext(ctx, py(b.id), `spikes of "${b.id}" are emitted`);
}

/**
 * The aggregated Poisson drive: Brian2's PoissonInput, which adds w times a binomial count
 * (K inputs, rate·dt) to a variable of the target in its slot of the step; the target's
 * update reads that variable as voltage jumps and clears it (inputTerms).
 */
function poissonInputBlock(ctx: Ctx, b: PlanBlock): void {
  const target = ctx.plan.passes.find((x) => x.kind === 'inject' && x.source === b.id);
  if (!target || target.kind !== 'inject') return;
  const k = roundHalfAway(b.params.K ?? 0);
  section(ctx, b, `${k} Poisson inputs of ${pyFloat(b.params.rate ?? 0)} Hz onto each neuron of "${target.target}" (Brian2's generator: same statistics, other draws)`);
  ctx.lines.push(`# created with the connections: its target, "${target.target}", must exist first`);
  ctx.connections.push(
    '',
    `# "${b.id}": ${k} independent Poisson inputs per neuron of "${target.target}", each spike a jump of w (mV)`,
    `${py(b.id)} = PoissonInput(${py(target.target)}, '${b.id}_J', N=${k}, rate=${pyFloat(b.params.rate ?? 0)} * Hz, weight='${pyFloat(b.params.w ?? 0)}')`,
  );
  scheduleNext(ctx, py(b.id), `"${b.id}" draws its input spikes into "${target.target}"`);
}

function piecewiseBlock(ctx: Ctx, b: PlanBlock): void {
  const w = b.piecewise!;
  const last = w.steps.length > 0 ? Math.max(0, w.steps[w.steps.length - 1]!) : 0;
  // Amplitude per step up to the last listed step; TimedArray holds the last value after it.
  const perStep = new Float64Array(last + 1);
  let q = 0;
  for (let i = 0; i <= last; i++) {
    while (q < w.steps.length && w.steps[q]! <= i) q++;
    perStep[i] = q > 0 ? w.values[q - 1]! : 0;
  }
  section(ctx, b, 'one current for every target neuron, amplitude per step');
  ctx.lines.push(
    `${py(b.id)}_wave = TimedArray(${pyArray(perStep, 'float')}, dt=DT)  # nA from step k on`,
    `${py(b.id)} = NeuronGroup(1, 'I_out : 1  # output current (nA)', name=${pyString(b.id)},`,
    `    namespace={'wave': ${py(b.id)}_wave})`,
    `${py(b.id)}_update = ${py(b.id)}.run_regularly('I_out = wave(t)', name=${pyString(`${b.id}_update`)})`,
  );
  scheduleNext(ctx, `${py(b.id)}_update`, `update of "${b.id}"`);
}

function probeLines(ctx: Ctx, p: PlanProbe): { setup: string[]; write: string[] } {
  // A weight probe records connections: synapses of the Synapses, connected in Spikeflow's order.
  const target = p.kind === 'state' && p.connections ? `${py(p.block)}_conn` : py(p.block);
  const m = `m_${p.id}`;
  if (p.kind === 'state') {
    return {
      setup: [`${m} = StateMonitor(${target}, '${b2Name(p.state)}', record=${pyArray(p.neurons, 'int')}, dt=${p.every} * DT, name=${pyString(`probe_${p.id}`)})`],
      write: [`write_state_probe(${pyString(p.id)}, ${pyString(p.block)}, '${b2Name(p.state)}', ${pyString(p.unit)}, ${pyArray(p.neurons, 'int')}, ${p.every}, ${m}, ${target})`],
    };
  }
  const setup = [`${m} = SpikeMonitor(${target}, name=${pyString(`probe_${p.id}`)})`];
  if (p.kind === 'spikes') {
    return { setup, write: [`write_spike_probe(${pyString(p.id)}, ${pyString(p.block)}, ${p.neurons ? pyArray(p.neurons, 'int') : 'None'}, ${m})`] };
  }
  return { setup, write: [`write_rate_probe(${pyString(p.id)}, ${pyString(p.block)}, ${p.size}, ${p.binSteps}, ${m})`] };
}

/** The Brian2 script of a compiled document; throws ExportRefusal naming what cannot go. */
export function brian2Script(doc: ProjectDocument, plan: Plan, opts: Brian2Options = {}): string {
  const refusals = [...brian2Refusals(doc), ...planRefusals(plan)];
  if (refusals.length > 0) throw new ExportRefusal('Brian2', refusals);
  const ctx: Ctx = { plan, doc, opts, lines: [], connections: [], links: [], order: 0, schedule: [], passes: new Map() };

  for (const b of plan.blocks) {
    if (b.type === 'poisson') poissonBlock(ctx, b);
    else if (b.template === 'spike-times') spikeTimesBlock(ctx, b);
    else if (b.template === 'piecewise') piecewiseBlock(ctx, b);
  }
  // Scheduling follows the passes; sections are printed in the same order.
  ctx.order = 0;
  ctx.schedule = [];
  const blocksPart = ctx.lines;
  ctx.lines = [];
  for (const pass of plan.passes) {
    if (pass.kind === 'update') {
      const b = plan.blocks.find((x) => x.id === pass.block)!;
      if (b.type === 'poisson-input') {
        poissonInputBlock(ctx, b);
        continue;
      }
      if (b.type === 'poisson' || b.template !== 'elementwise') {
        scheduleNext(ctx, b.template === 'piecewise' ? `${py(b.id)}_update` : py(b.id), b.template === 'piecewise' ? `update of "${b.id}"` : `spikes of "${b.id}" are emitted`);
        continue;
      }
      elementwiseBlock(ctx, b);
    } else if (pass.kind === 'propagate' || pass.kind === 'synapse-current') {
      ctx.passes.get(`${pass.kind}:${pass.synapse}`)?.();
    }
  }
  const elementwisePart = ctx.lines;

  const probes = plan.probes.map((p) => probeLines(ctx, p));
  const deviceDefault = opts.device ?? 'runtime';
  const threads = opts.threads ?? 0;
  const header = [
    '#!/usr/bin/env python3',
    `"""${plan.name.replace(/"""/g, "'''")}: a Spikeflow model exported to Brian2${opts.source ? ` from ${opts.source}` : ''}.`,
    '',
    'Run:  python3 THIS_FILE [--duration MS] [--seed N] [--out-dir DIR]',
    '                        [--device runtime|cpp_standalone] [--threads N] [--target numpy|cython]',
    "Writes one CSV file per probe, as `spikeflow run --out-dir` does (same names and headers).",
    '',
    "Numerics follow Spikeflow's contract (assets/docs/models.md), so this script computes the",
    "same model as Spikeflow's CPU engine: each block's update is the block's own update code,",
    'run once per step in the order Spikeflow uses (see "Order within a step" below):',
    'exponential Euler with the input held over the step, refractory periods and transmitter',
    "pulses counted in whole steps. Parameters carry units; the update code reads them as numbers",
    "in Spikeflow's internal units (ms, mV, nA, uS, nF, Mohm, mM).",
    opts.regenerate
      ? 'Connectivity, weights and initial values that were drawn are drawn again by Brian2 (--regenerate):'
      : 'Connectivity, weights and initial values are the arrays Spikeflow drew (an identical network).',
    opts.regenerate ? 'the same rules and statistics, another network.' : '',
    'Random numbers at run time (Poisson sources) come from Brian2\'s generator: the same',
    "statistics as Spikeflow's, other draws.",
    '"""',
  ].filter((l, k, a) => !(l === '' && a[k - 1] === '' ));
  const dur = plan.duration;
  const body = [
    ...header,
    PRELUDE_IMPORTS,
    '',
    'ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])',
    `ap.add_argument('--duration', default=${pyString(String(dur))}, help="simulated time, e.g. 500 or '500 ms' or '0.5 s' (default: the project's)")`,
    `ap.add_argument('--seed', type=int, default=${plan.seed}, help="seed of Brian2's random numbers")`,
    `ap.add_argument('--out-dir', default=${pyString(`${safeName(plan.name)}-brian2`)}, help='folder for the CSV files')`,
    `ap.add_argument('--device', choices=['runtime', 'cpp_standalone'], default=${pyString(deviceDefault)})`,
    `ap.add_argument('--threads', type=int, default=${threads}, help='OpenMP threads of cpp_standalone (0: none)')`,
    "ap.add_argument('--build-dir', default=None, help='folder of the cpp_standalone project')",
    "ap.add_argument('--target', choices=['numpy', 'cython'], default='numpy', help='code generation in runtime mode')",
    'args = ap.parse_args()',
    '',
    PRELUDE_FUNCTIONS,
    '',
    "FUNCTIONS = {'ifelse': ifelse, 'round_away': round_away, 'min2': min2, 'max2': max2, 'vtrap': vtrap, 'exp_euler': exp_euler}",
    '',
    '',
    'def fixed_indegree(n_pre, n_post, k, allow_self):',
    "    # (i, j) of k presynaptic partners drawn for every postsynaptic neuron (--regenerate).",
    '    rng = np.random.default_rng(args.seed)',
    '    pre, post = [], []',
    '    for j in range(n_post):',
    '        candidates = np.arange(n_pre) if allow_self else np.delete(np.arange(n_pre), j)',
    '        pre.append(rng.choice(candidates, k, replace=False))',
    '        post.append(np.full(k, j))',
    '    return np.concatenate(pre).astype(np.int32), np.concatenate(post).astype(np.int32)',
    '',
    '',
    'def at(obj, order):',
    '    """Runs obj in the \'groups\' slot at the given place of the step (Spikeflow\'s order)."""',
    "    obj.when = 'groups'",
    '    obj.order = order',
    '',
    '',
    PRELUDE_CSV,
    '',
    '',
    'def duration_ms(text):',
    "    m = re.fullmatch(r'\\s*([0-9.eE+-]+)\\s*(ms|s)?\\s*', str(text))",
    '    if not m:',
    "        sys.exit(f'--duration: cannot read {text!r} (e.g. 500, \"500 ms\", \"0.5 s\")')",
    "    return float(m.group(1)) * (1000.0 if m.group(2) == 's' else 1.0)",
    '',
    '',
    `DT_MS = ${pyFloat(plan.dt)}  # the time step (ms)`,
    'DT = DT_MS * ms',
    'duration = duration_ms(args.duration)',
    'steps = int(np.floor(duration / DT_MS + 0.5))  # whole steps, halves away from zero',
    "if args.device == 'cpp_standalone':",
    "    b2.set_device('cpp_standalone', directory=args.build_dir or os.path.splitext(os.path.abspath(__file__))[0] + '_build')",
    '    b2.prefs.devices.cpp_standalone.openmp_threads = args.threads',
    'else:',
    '    b2.prefs.codegen.target = args.target',
    'b2.defaultclock.dt = DT',
    'b2.seed(args.seed)',
    'written = []',
    '',
    `# ${'#'.repeat(88)}`,
    '# Blocks, one section each (groups first that others connect to)',
    ...blocksPart,
    ...elementwisePart,
    '',
    `# ${'='.repeat(88)}`,
    '# Connections',
    ...ctx.connections,
    '',
    `# ${'='.repeat(88)}`,
    '# Links: values a group reads from another (currents, conductances, voltages)',
    ...(ctx.links.length > 0 ? ctx.links : ['# (none)']),
    '',
    `# ${'='.repeat(88)}`,
    "# Order within a step (Spikeflow's passes): everything runs in the 'groups' slot, in this",
    '# order. A synaptic pathway that runs before its presynaptic group emits reads the spikes of',
    "# the previous step: Spikeflow's one step of lag on a recurrent connection.",
    ...ctx.schedule,
    '',
    `# ${'='.repeat(88)}`,
    '# Probes',
    ...probes.flatMap((p) => p.setup),
    '',
    'b2.run(steps * DT)',
    '',
    'os.makedirs(args.out_dir, exist_ok=True)',
    ...probes.flatMap((p) => p.write),
    "print(f'{len(written)} CSV file{\"s\" if len(written) != 1 else \"\"} in {args.out_dir}')",
    '',
  ];
  return body.join('\n');
}

function safeName(s: string): string {
  return s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'model';
}
