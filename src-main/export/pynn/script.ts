/**
 * A compiled plan → a PyNN (0.10) script, for the part of Spikeflow's library that maps onto
 * PyNN's standard cell and synapse types, so that the model runs on any PyNN backend (NEST
 * with MPI, NEURON, Brian2, SpiNNaker). What has no standard equivalent is refused, block by
 * block, with the reason; the Brian2 export (../brian2/) takes every block.
 *
 * The mapping (PyNN's units are Spikeflow's internal ones: ms, mV, nA, µS, nF):
 * - LIF with only exponential conductance synapses → IF_cond_exp, alpha conductance →
 *   IF_cond_alpha, exponential current synapses (or none) → IF_curr_exp; cm = tau/R. The
 *   synapse blocks into one population share its two receptors: blocks with the same time
 *   constant (and reversal potential) share one, so at most two kinds per population.
 * - Izhikevich with C = 1 nF and v_peak = 30 mV → Izhikevich (driven by current sources only).
 * - Spike times and Regular → SpikeSourceArray (times on the step grid), Poisson →
 *   SpikeSourcePoisson; constant current → DCSource; steps and ramps → StepCurrentSource
 *   (a ramp as one amplitude per step, exactly Spikeflow's).
 * - Connections as FromListConnector with the plan's pairs and weights (or the PyNN
 *   connector of the rule with --regenerate); a delay of at least one step (PyNN's minimum).
 */
import type { ProjectDocument } from '../../../src-shared/document/schema.js';
import { roundHalfAway } from '../../../src-shared/expr/numeric.js';
import type { Plan, PlanBlock, PlanProbe, PlanProjection } from '../../compiler/plan.js';
import { ExportRefusal, type BlockRefusal } from '../refusal.js';
import { pyArray, pyFloat, pyString } from '../python-literals.js';

export interface PynnOptions {
  regenerate?: boolean;
  source?: string;
}

interface Receptor {
  name: 'excitatory' | 'inhibitory';
  tau: number;
  E?: number;
  synapses: string[];
}

interface CellPlan {
  block: PlanBlock;
  cellType: string;
  params: Record<string, number>;
  receptors: Receptor[];
  /** Factor from a Spikeflow current (nA) to the PyNN current with the same effect. */
  currentScale: number;
}

const KINETIC_REASON = 'PyNN has no standard synapse with this receptor kinetics (use the Brian2 export)';

/** Why a synapse block has no PyNN form, or undefined when it maps. */
function synapseReason(b: PlanBlock): string | undefined {
  switch (b.type) {
    case 'exponential': case 'alpha': return undefined;
    case 'dual-exponential': return 'PyNN\'s standard cells have no dual-exponential synapse (use the Brian2 export)';
    case 'ampa': case 'gabaa': case 'nmda': return KINETIC_REASON;
    case 'graded': return 'a graded synapse driven by presynaptic voltage has no PyNN standard type (use the Brian2 export)';
    default: return 'the PyNN exporter does not know this block type';
  }
}

/** LIF populations: their cell type and receptors, from the synapses that reach them. */
function lifCell(plan: Plan, b: PlanBlock, refuse: (r: BlockRefusal) => void): CellPlan | undefined {
  const incoming = plan.projections.filter((p) => p.post === b.id);
  const syns = incoming.map((p) => ({ p, b: plan.blocks.find((x) => x.id === p.synapse)! }));
  const kinds = new Set(syns.map((s) => `${s.b.type}/${s.b.variant}`));
  let ok = true;
  for (const s of syns) {
    const why = synapseReason(s.b);
    if (why) { refuse({ block: s.b.id, type: s.b.type, reason: why }); ok = false; }
  }
  if (!ok) return undefined;
  if (kinds.size > 1) {
    refuse({ block: b.id, type: b.type, reason: `its synapses are of different kinds (${[...kinds].join(', ')}); a PyNN cell type takes one kind` });
    return undefined;
  }
  const kind = [...kinds][0] ?? 'exponential/current';
  const cellType = kind === 'exponential/conductance' ? 'IF_cond_exp'
    : kind === 'alpha/conductance' ? 'IF_cond_alpha'
    : kind === 'exponential/current' ? 'IF_curr_exp' : undefined;
  if (!cellType) {
    refuse({ block: b.id, type: b.type, reason: `PyNN has no standard LIF type with ${kind.replace('/', ' ')} synapses` });
    return undefined;
  }
  const receptors: Receptor[] = [];
  for (const s of syns) {
    const tau = s.b.params.tau!;
    const E = cellType === 'IF_curr_exp' ? undefined : s.b.params.E!;
    // Current-based: PyNN's inhibitory receptor takes negative weights.
    const negative = cellType === 'IF_curr_exp' && Array.from(s.p.byPre.w).some((w) => w < 0);
    if (negative && Array.from(s.p.byPre.w).some((w) => w > 0)) {
      refuse({ block: s.b.id, type: s.b.type, reason: 'its current weights have both signs; PyNN\'s current receptors take one sign each' });
      return undefined;
    }
    const want: Receptor['name'] | undefined = cellType === 'IF_curr_exp' ? (negative ? 'inhibitory' : 'excitatory') : undefined;
    let r = receptors.find((x) => x.tau === tau && x.E === E && (!want || x.name === want));
    if (!r) {
      const name = want ?? (receptors.length === 0 ? 'excitatory' : 'inhibitory');
      if (receptors.some((x) => x.name === name) || receptors.length === 2) {
        refuse({ block: s.b.id, type: s.b.type, reason: `"${b.id}" already has two kinds of synapse (PyNN's cells have an excitatory and an inhibitory receptor, one time constant each)` });
        return undefined;
      }
      r = { name, tau, ...(E !== undefined ? { E } : {}), synapses: [] };
      receptors.push(r);
    }
    r.synapses.push(s.b.id);
  }
  const p = b.params;
  const params: Record<string, number> = {
    v_rest: p.V_rest!, v_reset: p.V_reset!, v_thresh: p.V_th!,
    tau_m: p.tau!, cm: p.tau! / p.R!, tau_refrac: p.tau_ref!,
  };
  for (const r of receptors) {
    const suffix = r.name === 'excitatory' ? 'E' : 'I';
    params[`tau_syn_${suffix}`] = r.tau;
    if (r.E !== undefined) params[`e_rev_${suffix}`] = r.E;
  }
  return { block: b, cellType, params, receptors, currentScale: 1 };
}

function izhikevichCell(plan: Plan, b: PlanBlock, refuse: (r: BlockRefusal) => void): CellPlan | undefined {
  const p = b.params;
  let ok = true;
  if (p.v_peak !== 30) { refuse({ block: b.id, type: b.type, reason: `v_peak is ${p.v_peak} mV; PyNN's Izhikevich spikes at 30 mV` }); ok = false; }
  for (const s of plan.projections.filter((x) => x.post === b.id)) {
    const sb = plan.blocks.find((x) => x.id === s.synapse)!;
    refuse({ block: sb.id, type: sb.type, reason: 'PyNN\'s Izhikevich takes current sources only here (its synapses are delta jumps, not this kinetics)' });
    ok = false;
  }
  // PyNN's Izhikevich divides its current by 1 pF (NEST's adds pA as mV/ms); Spikeflow by C.
  const currentScale = 0.001 / p.C!;
  return ok ? { block: b, cellType: 'Izhikevich', params: { a: p.a!, b: p.b!, c: p.c!, d: p.d! }, receptors: [], currentScale } : undefined;
}

/** Spike steps of a Regular source, per neuron (all neurons alike), as its update code defines them. */
function regularSteps(b: PlanBlock, steps: number, dt: number): number[] {
  const { period = 0, rate = 0, start = 0 } = b.params;
  if (!(period > 0 || rate > 0)) return [];
  const n = Math.max(1, roundHalfAway((period > 0 ? period : 1000 / Math.max(rate, 1e-30)) / dt));
  const out: number[] = [];
  for (let s = roundHalfAway(start / dt); s < steps; s += n) if (s >= 0) out.push(s);
  return out;
}

/** Blocks PyNN's standard models cannot express, with why (the Brian2 export takes them). */
const PYNN_NO_EQUIVALENT: Readonly<Record<string, string>> = {
  'ou-current': 'PyNN has no standard Ornstein–Uhlenbeck current source (NoisyCurrentSource is white noise); use the Brian2 export',
  'inhomogeneous-poisson': 'PyNN has no standard Poisson source whose rate is an expression of t (SpikeSourceInhGamma is not on every backend); use the Brian2 export',
  'poisson-input': 'an aggregated Poisson drive of voltage jumps; PyNN has no standard equivalent (it would need K Poisson sources per neuron into IF_curr_delta); use the Brian2 export',
};

function fmt(params: Record<string, number>): string {
  return Object.entries(params).map(([k, v]) => `${k}=${pyFloat(v)}`).join(', ');
}

/** The PyNN script of a compiled document; throws ExportRefusal naming what cannot go. */
export function pynnScript(doc: ProjectDocument, plan: Plan, opts: PynnOptions = {}, notes: string[] = []): string {
  const refusals: BlockRefusal[] = [];
  const refuse = (r: BlockRefusal) => { if (!refusals.some((x) => x.block === r.block && x.reason === r.reason)) refusals.push(r); };
  const cells = new Map<string, CellPlan>();
  const body: string[] = [];
  const dt = plan.dt;

  for (const b of plan.blocks) {
    const x = b as { receivesJumps?: boolean; varying?: Record<string, unknown> };
    if (x.receivesJumps) refuse({ block: b.id, type: b.type, reason: 'receives voltage jumps (input J); PyNN\'s IF_curr_delta takes no other synapse kind and its treatment of jumps during the refractory period differs between backends, so the PyNN exporter does not map it (use the Brian2 export)' });
    if (x.varying && Object.keys(x.varying).length > 0) {
      refuse({ block: b.id, type: b.type, reason: `parameters vary per neuron (${Object.keys(x.varying).join(', ')}), which the PyNN exporter does not map yet` });
    }
    if (b.type === 'lif') { const c = lifCell(plan, b, refuse); if (c) cells.set(b.id, c); }
    else if (b.type === 'izhikevich') { const c = izhikevichCell(plan, b, refuse); if (c) cells.set(b.id, c); }
    else if (b.type === 'hh') {
      refuse({ block: b.id, type: b.type, reason: 'PyNN\'s HH_cond_exp is the Traub-Miles variant (other rates, threshold and reversal potentials), not the 1952 squid-axon model (use the Brian2 export)' });
    } else if (b.category === 'synapse') {
      const why = synapseReason(b);
      if (why) refuse({ block: b.id, type: b.type, reason: why });
    } else if (PYNN_NO_EQUIVALENT[b.type]) {
      refuse({ block: b.id, type: b.type, reason: PYNN_NO_EQUIVALENT[b.type]! });
    } else if (!['spike-times', 'poisson', 'regular', 'constant-current', 'step-current', 'ramp-current', 'white-noise-current'].includes(b.type)) {
      refuse({ block: b.id, type: b.type, reason: 'the PyNN exporter does not know this block type' });
    }
  }
  for (const bdoc of doc.blocks) {
    if (!['state-probe', 'spike-probe', 'rate-probe'].includes(bdoc.type) && !plan.blocks.some((b) => b.id === bdoc.id)) {
      refuse({ block: bdoc.id, type: bdoc.type, reason: 'the PyNN exporter does not know this block type' });
    }
  }
  const probeRecords = plan.probes.map((p) => probeVariable(plan, cells, p, notes));
  if (refusals.length > 0) throw new ExportRefusal('PyNN', refusals);

  // Populations, in the plan's order.
  for (const b of plan.blocks) {
    const cell = cells.get(b.id);
    const head = `# Block "${b.id}" (${b.type})`;
    if (cell) {
      body.push('', head, `${b.id} = sim.Population(${b.size}, sim.${cell.cellType}(${fmt(cell.params)}), label=${pyString(b.id)})`);
      const v = b.states.find((s) => s.name === b.voltage)!;
      body.push(`${b.id}.initialize(v=${initOf(v.init)})`);
      if (cell.cellType === 'Izhikevich') body.push(`${b.id}.initialize(u=${initOf(b.states.find((s) => s.name === 'u')!.init)})`);
      for (const r of cell.receptors) {
        if (cell.cellType === 'IF_curr_exp' || r.synapses.length !== 1) continue;
        const g = plan.blocks.find((x) => x.id === r.synapses[0])!.states.find((s) => s.name === 'g')!;
        if (cell.cellType === 'IF_cond_exp') body.push(`${b.id}.initialize(gsyn_${r.name === 'excitatory' ? 'exc' : 'inh'}=${initOf(g.init)})  # g of "${r.synapses[0]}"`);
      }
    } else if (b.type === 'spike-times' || b.type === 'regular') {
      const perNeuron: number[][] = Array.from({ length: b.size }, () => []);
      if (b.type === 'spike-times') {
        const s = b.schedule!;
        for (let k = 0; k < s.steps.length; k++) {
          const list = perNeuron[s.neurons[k]!]!;
          if (list[list.length - 1] !== s.steps[k]) list.push(s.steps[k]!);
        }
      } else {
        const steps = regularSteps(b, plan.steps, dt);
        for (const l of perNeuron) l.push(...steps);
      }
      body.push('', head, `_steps = [${perNeuron.map((l) => pyArray(l, 'int')).join(', ')}]`,
        `${b.id} = sim.Population(${b.size}, sim.SpikeSourceArray(spike_times=[Sequence(s * DT) for s in _steps]), label=${pyString(b.id)})`);
    } else if (b.type === 'poisson') {
      body.push('', head, `${b.id} = sim.Population(${b.size}, sim.SpikeSourcePoisson(rate=${pyFloat(b.params.rate!)}), label=${pyString(b.id)})  # Hz`);
    }
  }
  // Current sources, injected into each target population.
  for (const pass of plan.passes) {
    if (pass.kind !== 'inject') continue;
    const b = plan.blocks.find((x) => x.id === pass.source)!;
    const scale = cells.get(pass.target)?.currentScale ?? 1;
    const head = `# Block "${b.id}" (${b.type}) into "${pass.target}"` +
      (scale !== 1 ? `, amplitudes × ${scale} (PyNN's Izhikevich divides by 1 pF, Spikeflow's by C)` : '');
    if (b.type === 'white-noise-current') {
      // Spikeflow holds mean + sigma·ξ/√dt over each step, ξ drawn per neuron and step:
      // NoisyCurrentSource with dt = DT and stdev = sigma/√dt. One source per neuron, since a
      // source injected into a population may give every cell one stream (pyNN.brian2 does).
      const { mean = 0, sigma = 0 } = b.params;
      body.push('', `${head}: independent white noise per neuron (other draws, the same statistics)`,
        `for _k in range(${cells.get(pass.target) ? plan.blocks.find((x) => x.id === pass.target)!.size : 0}):`,
        `    sim.NoisyCurrentSource(mean=${pyFloat(mean * scale)}, stdev=${pyFloat((sigma * scale) / Math.sqrt(dt))}, dt=DT, start=0.0, stop=steps * DT).inject_into(${pass.target}[_k:_k + 1])  # nA`);
    } else if (b.type === 'constant-current') {
      const { amplitude = 0, start = 0, stop = Infinity } = b.params;
      const s0 = roundHalfAway(start / dt) * dt;
      const s1 = Number.isFinite(stop) ? `${roundHalfAway(stop / dt)} * DT` : '1e12';
      body.push('', head, `sim.DCSource(amplitude=${pyFloat(amplitude * scale)}, start=${pyFloat(s0)}, stop=${s1}).inject_into(${pass.target})  # nA, ms`);
    } else {
      const { steps, values } = b.type === 'step-current' ? b.piecewise! : rampSteps(b, dt);
      body.push('', head, `sim.StepCurrentSource(times=${pyArray(steps, 'int')} * DT, amplitudes=${pyArray(Array.from(values, (v) => v * scale), 'float')}).inject_into(${pass.target})  # nA from each step on`);
    }
  }
  // Projections.
  for (const p of plan.projections) {
    const cell = cells.get(p.post)!;
    const receptor = cell.receptors.find((r) => r.synapses.includes(p.synapse))!;
    // PyNN's delay is Spikeflow's lag (delay steps, plus one on a recurrent edge), at least one step.
    const delay = Math.max(1, p.lag);
    body.push('', `# Block "${p.synapse}" (${plan.blocks.find((x) => x.id === p.synapse)!.type}): "${p.pre}" → "${p.post}", ${receptor.name} receptor`);
    // A rule draws connections only; weights drawn per connection keep Spikeflow's list.
    const rule = Boolean(opts.regenerate) && p.uniformWeight !== undefined && !p.byPre.lag;
    body.push(...connectorLines(doc, p, delay, rule));
    const weight = rule ? `weight=${pyFloat(p.uniformWeight!)}, delay=${delay} * DT` : '';
    body.push(`${p.synapse} = sim.Projection(${p.pre}, ${p.post}, _connector, sim.StaticSynapse(${weight}), receptor_type='${receptor.name}', label=${pyString(p.synapse)})`);
  }
  const records = new Map<string, Set<string>>();
  for (const r of probeRecords) {
    if (!r) continue;
    if (!records.has(r.population)) records.set(r.population, new Set());
    records.get(r.population)!.add(r.variable);
  }
  const recordLines = [...records].map(([pop, vars]) => `${pop}.record(${JSON.stringify([...vars])}, sampling_interval=DT)`);
  const writeLines = plan.probes.flatMap((p, k) => (probeRecords[k] ? [writeLine(p, probeRecords[k])] : []));

  return [
    '#!/usr/bin/env python3',
    `"""${plan.name.replace(/"""/g, "'''")}: a Spikeflow model exported to PyNN 0.10${opts.source ? ` from ${opts.source}` : ''}.`,
    '',
    'Run:  python3 THIS_FILE [--simulator nest|neuron|brian2] [--duration MS] [--seed N] [--out-dir DIR]',
    '      mpirun -np 4 python3 THIS_FILE --simulator nest   (NEST distributes the neurons)',
    "Writes one CSV file per probe, as `spikeflow run --out-dir` does (same names and headers).",
    '',
    "PyNN's standard models are integrated by each simulator its own way, so results agree",
    "with Spikeflow statistically, not step for step: the refractory period, the step in which",
    'a spike counts and the integration scheme differ slightly; a connection acts at least one',
    "step after the spike (PyNN's minimum delay); Poisson trains are the simulator's.",
    ...(notes.length > 0 ? ['', 'Left out:', ...notes.map((n) => `  ${n}`)] : []),
    '"""',
    'import argparse',
    'import base64',
    'import os',
    'import zlib',
    '',
    'import numpy as np',
    'from pyNN.parameters import Sequence',
    '',
    '',
    'def unpack(dtype, text):',
    "    # A long array stored in this script: base64 of its zlib-compressed little-endian bytes.",
    '    return np.frombuffer(zlib.decompress(base64.b64decode(text)), dtype=dtype).copy()',
    '',
    '',
    'ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])',
    "ap.add_argument('--simulator', default='nest', choices=['nest', 'neuron', 'brian2'])",
    `ap.add_argument('--duration', type=float, default=${pyFloat(plan.duration)}, help='simulated time (ms)')`,
    `ap.add_argument('--seed', type=int, default=${plan.seed})`,
    `ap.add_argument('--out-dir', default=${pyString(`${plan.name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'model'}-pynn`)})`,
    'args = ap.parse_args()',
    "sim = __import__(f'pyNN.{args.simulator}', fromlist=['setup'])",
    '',
    `DT = ${pyFloat(dt)}  # ms`,
    'sim.setup(timestep=DT, min_delay=DT, rng_seed=args.seed) if args.simulator == \'nest\' else sim.setup(timestep=DT, min_delay=DT)',
    'steps = int(np.floor(args.duration / DT + 0.5))',
    ...body,
    '',
    '# Probes',
    ...recordLines,
    '',
    'sim.run(steps * DT)',
    '',
    PYNN_CSV,
    '',
    'if sim.rank() == 0:',
    '    os.makedirs(args.out_dir, exist_ok=True)',
    ...writeLines.map((l) => `    ${l}`),
    "    print(f'{len(written)} CSV files in {args.out_dir}')",
    'sim.end()',
    '',
  ].join('\n');
}

function initOf(values: Float64Array): string {
  const first = values[0] ?? 0;
  return values.every((v) => v === first) ? pyFloat(first) : pyArray(values, 'float');
}

/** A ramp as one amplitude per step, as its update code computes it (ramp.ts). */
function rampSteps(b: PlanBlock, dt: number): { steps: number[]; values: number[] } {
  const { start = 0, stop = 0, from = 0, to = 0 } = b.params;
  const s0 = roundHalfAway(start / dt);
  const s1 = Math.max(roundHalfAway(stop / dt), s0 + 1);
  const steps: number[] = [];
  const values: number[] = [];
  for (let i = Math.max(0, s0); i < s1; i++) {
    steps.push(i);
    values.push(from + ((to - from) * (i - s0)) / (s1 - s0));
  }
  steps.push(s1);
  values.push(0);
  return { steps, values };
}

function connectorLines(doc: ProjectDocument, p: PlanProjection, delay: number, regenerate: boolean): string[] {
  const conn = doc.blocks.find((b) => b.id === p.synapse)!.connection ?? { rule: 'all-to-all', selfConnections: true, delay: 0 };
  const self = conn.selfConnections;
  if (regenerate && conn.rule !== 'pairs') {
    if (conn.rule === 'all-to-all') return [`_connector = sim.AllToAllConnector(allow_self_connections=${self ? 'True' : 'False'})`];
    if (conn.rule === 'one-to-one') return ['_connector = sim.OneToOneConnector()'];
    if (conn.rule === 'fixed-probability') return [`_connector = sim.FixedProbabilityConnector(${pyFloat(conn.p ?? 0)}, allow_self_connections=${self ? 'True' : 'False'})`];
    return [`_connector = sim.FixedNumberPreConnector(${conn.indegree ?? 0}, allow_self_connections=${self ? 'True' : 'False'})`];
  }
  const pre: number[] = [];
  for (let r = 0; r + 1 < p.byPre.ptr.length; r++) for (let c = p.byPre.ptr[r]!; c < p.byPre.ptr[r + 1]!; c++) pre.push(r);
  const lags = p.byPre.lag;
  if (lags) {
    const negative = Array.from(p.byPre.w).some((w) => w < 0) ? '-' : '';
    return [
      `_i = ${pyArray(pre, 'int')}`,
      `_j = ${pyArray(p.byPre.idx, 'int')}`,
      `_w = ${pyArray(Array.from(p.byPre.w, Math.abs), 'float')}  # ${p.weightUnit}`,
      `_d = ${pyArray(Array.from(lags, (l) => Math.max(1, l)), 'int')}  # steps, per connection`,
      `_connector = sim.FromListConnector([(int(a), int(b), ${negative}float(w), int(d) * DT) for a, b, w, d in zip(_i, _j, _w, _d)], column_names=['weight', 'delay'])`,
    ];
  }
  return [
    `_i = ${pyArray(pre, 'int')}`,
    `_j = ${pyArray(p.byPre.idx, 'int')}`,
    `_w = ${pyArray(Array.from(p.byPre.w, Math.abs), 'float')}  # ${p.weightUnit}${Array.from(p.byPre.w).some((w) => w < 0) ? ' (negative: inhibitory receptor)' : ''}`,
    `_connector = sim.FromListConnector([(int(a), int(b), ${Array.from(p.byPre.w).some((w) => w < 0) ? '-' : ''}float(w), ${delay} * DT) for a, b, w in zip(_i, _j, _w)], column_names=['weight', 'delay'])`,
  ];
}

interface ProbeRecord {
  population: string;
  variable: string;
}

/** What PyNN records for a probe; a probe without an equivalent is left out, with a note. */
function probeVariable(plan: Plan, cells: Map<string, CellPlan>, p: PlanProbe, notes: string[]): ProbeRecord | undefined {
  if (p.kind !== 'state') {
    if (!plan.blocks.some((b) => b.id === p.block && b.spiking)) return undefined;
    return { population: p.block, variable: 'spikes' };
  }
  const cell = cells.get(p.block);
  if (cell && p.state === cell.block.voltage) return { population: p.block, variable: 'v' };
  if (cell && cell.cellType === 'Izhikevich' && p.state === 'u') return { population: p.block, variable: 'u' };
  const proj = plan.projections.find((x) => x.synapse === p.block);
  if (proj && p.state === 'g') {
    const post = cells.get(proj.post);
    const r = post?.receptors.find((x) => x.synapses.includes(p.block));
    if (post && r && post.cellType !== 'IF_curr_exp' && r.synapses.length === 1) {
      return { population: proj.post, variable: r.name === 'excitatory' ? 'gsyn_exc' : 'gsyn_inh' };
    }
  }
  notes.push(`probe "${p.id}" is left out: PyNN records no equivalent of ${p.block}.${p.state}`);
  return undefined;
}

function writeLine(p: PlanProbe, r: ProbeRecord | undefined): string {
  if (p.kind === 'state') {
    return `write_state(${pyString(p.id)}, ${pyString(p.block)}, ${pyString(p.state)}, ${pyString(p.unit)}, ${r!.population}, '${r!.variable}', ${pyArray(p.neurons, 'int')}, ${p.every})`;
  }
  if (p.kind === 'spikes') return `write_spikes(${pyString(p.id)}, ${pyString(p.block)}, ${p.block}, ${p.neurons ? pyArray(p.neurons, 'int') : 'None'})`;
  return `write_rate(${pyString(p.id)}, ${pyString(p.block)}, ${p.block}, ${p.size}, ${p.binSteps})`;
}

const PYNN_CSV = `written = []


def js_number(x):
    x = float(x)
    if x == 0:
        return '0'
    if x == int(x) and abs(x) < 1e21:
        return str(int(x))
    if 1e-6 <= abs(x) < 1e21:
        return np.format_float_positional(x, trim='-')
    mantissa, exponent = repr(x).split('e')
    return f"{mantissa}e{int(exponent):+d}"


def fmt_time(step):
    return js_number(float('%.12g' % (step * DT)))


def fmt_value(v):
    v = np.float32(v)
    for digits in range(6, 9):
        s = '%.*g' % (digits, v)
        if np.float32(float(s)) == v:
            return js_number(float(s))
    return js_number(float('%.9g' % v))


def write_csv(name, header, rows):
    path = os.path.join(args.out_dir, name + '.csv')
    with open(path, 'w') as f:
        f.write(','.join(header) + '\\n')
        for row in rows:
            f.write(','.join(row) + '\\n')
    written.append(path)


def spike_steps(population):
    steps, neurons = [], []
    for k, train in enumerate(population.get_data('spikes').segments[0].spiketrains):
        s = np.round(np.asarray(train.magnitude, dtype=float) / DT).astype(np.int64)
        steps.append(s)
        neurons.append(np.full(len(s), k, dtype=np.int64))
    s, n = np.concatenate(steps), np.concatenate(neurons)
    order = np.lexsort((n, s))
    return s[order], n[order]


def write_state(name, block, state, unit, population, variable, neurons, every):
    signal = population.get_data(variable).segments[0].filter(name=variable)[0]
    values = np.asarray(signal.magnitude)[:, neurons]
    header = ['t (ms)'] + [f'{block}.{state}[{n}]' + (f' ({unit})' if unit else '') for n in neurons]
    rows = ([fmt_time(k)] + [fmt_value(v) for v in values[k]] for k in range(0, min(len(values), steps + 1), every))
    write_csv(name, header, rows)


def write_spikes(name, block, population, neurons):
    s, n = spike_steps(population)
    if neurons is not None:
        keep = np.isin(n, neurons)
        s, n = s[keep], n[keep]
    write_csv(name, ['t (ms)', f'{block}.neuron'], ([fmt_time(a), str(b)] for a, b in zip(s, n)))


def write_rate(name, block, population, size, bin_steps):
    s, _ = spike_steps(population)
    bins = -(-steps // bin_steps)
    counts = np.bincount(s // bin_steps, minlength=bins)[:bins]
    rows = []
    for b in range(bins):
        length = min(bin_steps, steps - b * bin_steps)
        rows.append([fmt_time(b * bin_steps), fmt_value((counts[b] / size) / (length * DT / 1000))])
    write_csv(name, ['t (ms)', f'{block}.rate (Hz)'], rows)`;
