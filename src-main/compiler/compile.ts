/**
 * document → plan. Validates what the schema cannot (block types, parameters and units,
 * ports and socket types, sizes), orders the step (graph-order.ts), draws connectivity,
 * weights and initial values with the run seed, and lists the passes of one step. Connection
 * rules are src-shared/ports.ts (the editor's too); warnings come from undriven.ts.
 */
import { BLOCKS, blockDef } from '../../kernels/index.js';
import type { BlockDef } from '../../kernels/types.js';
import type { BlockDoc, ConnectionDoc, ProjectDocument, ValueOrDistributionDoc } from '../../src-shared/document/schema.js';
import { evaluate } from '../../src-shared/expr/evaluate.js';
import { roundHalfAway } from '../../src-shared/expr/numeric.js';
import { connectionRefusal, CURRENT_ONLY_INTO_NEURON, inputTakesMany } from '../../src-shared/ports.js';
import { toUnit } from '../../src-shared/units.js';
import { checkedCurrent, checkedInit, checkedUpdate } from './block-code.js';
import { documentTypes } from './document-types.js';
import { checkConnection, drawCsr, drawFixedIndegreeCsr, drawFixedProbabilityCsr, forEachConnection, MAX_CONNECTIONS } from './connectivity.js';
import { DiagnosticSink, type Diagnostic } from './diagnostics.js';
import { connectionCount, estimateRun, formatCount, memoryProblem, type EstimateInput, type MemoryLimit, type RunEstimate } from './estimate.js';
import { orderBlocks } from './graph-order.js';
import { HostRandom, streamOf } from './host-random.js';
import { drawValues, valueDrawer as drawerOf, type ExpressionScope } from './draw-values.js';
import { drawVaryingParams, neuronScope, smallestValues } from './heterogeneity.js';
import { connectionValues, hasVaryingDelay } from './connection-values.js';
import { varyingProbabilityProblem } from './element-constants.js';
import type { Csr, Plan, PlanBlock, PlanPass, PlanProbe, PlanProjection, PlanState } from './plan.js';
import { resolveParams, type ResolvedParams } from './resolve-params.js';
import { probabilityProblems } from './probabilities.js';
import { own } from '../../src-shared/own.js';
import { delayProblem, stepsProblem, timeConstantWarnings } from './run-limits.js';
import { undrivenWarnings } from './undriven.js';
import { resetAboveThresholdWarnings } from './reset-threshold.js';
import { assignTargetSizes } from './per-target.js';
import { substituteTimeExpressions } from './time-expression.js';
import { checkedPlasticCode, plasticBytesPerConnection, planPlasticity } from './plasticity.js';

/** Run settings that override the document's (from the CLI or the app's run bar). */
export interface RunOverrides {
  dt?: number | string;
  duration?: number | string;
  seed?: number;
}

export interface CompileOptions {
  /**
   * The memory the run may use: a model whose estimate (estimate.ts) is larger is refused
   * before anything per neuron or per connection is drawn. None: no limit.
   */
  memoryLimit?: MemoryLimit;
}

/** What `checkModel` finds: the problems a compile would report, and what a run would need. */
export interface ModelCheck {
  steps: number;
  blocks: number;
  synapses: number;
  probes: number;
  estimate: RunEstimate;
  warnings: Diagnostic[];
}

/** A synapse block's connection, checked and counted but not drawn. */
interface ProjectionOutline {
  info: BlockInfo;
  pre: string;
  post: string;
  nPre: number;
  nPost: number;
  lag: number;
  delay: number;
  weightUnit: string;
  /** Expected number of connections (estimate.ts). */
  connections: number;
}

interface Port {
  block: string;
  port: string;
}

interface ResolvedEdge {
  from: Port;
  to: Port;
}

interface BlockInfo {
  doc: BlockDoc;
  def: BlockDef;
  index: number;
  params: ResolvedParams;
  size: number;
  /** Parameters that vary per neuron (heterogeneity.ts); the others are in params.quantities. */
  varying: Record<string, Float64Array>;
  /** i, N and the block's r for expressions of its values. */
  scope: ExpressionScope;
}

function parsePort(text: string): Port {
  const [block, port] = text.split('.') as [string, string];
  return { block, port };
}

/** Elements a block's state arrays have: neurons, or the owning side of a synapse. */
function elementCount(info: BlockInfo, nPre: number, nPost: number): number {
  if (info.def.category === 'synapse') return info.def.synapse!.stateOn === 'pre' ? nPre : nPost;
  if (info.def.category === 'current') return info.def.perTarget ? info.size : 1;
  return info.size;
}

/**
 * Lags that differ per connection: the projection's lag is the smallest, maxLag the largest
 * (the spike history's depth); lags that all come out equal are one lag (the fast path).
 */
function varyingLags(p: PlanProjection, o: ProjectionOutline, dt: number): void {
  const lags = p.byPre.lag!;
  let min = Infinity;
  let max = -Infinity;
  for (const l of lags) { if (l < min) min = l; if (l > max) max = l; }
  if (lags.length === 0) min = max = o.lag;
  const tooLong = delayProblem(max * dt, dt, p.nPre);
  if (tooLong) throw new Error(`delay: ${tooLong}`);
  if (min === max) {
    delete p.byPre.lag;
    p.lag = min;
  } else {
    p.lag = min;
    p.maxLag = max;
  }
  o.lag = max;
}

/**
 * Rows by pre of a fixed-probability or fixed-in-degree rule with one weight (`uniformWeight`,
 * undefined if the weight or the delay varies) from its fast path in connectivity.ts; else
 * null (drawCsr then draws them).
 */
function fastRows(conn: ConnectionDoc, o: ProjectionOutline, sameBlock: boolean, uniformWeight: number | undefined, rng: () => HostRandom): Csr | null {
  if (uniformWeight === undefined) return null;
  const allowSelf = conn.selfConnections || !sameBlock;
  if (conn.rule === 'fixed-probability') return drawFixedProbabilityCsr(conn.p!, o.nPre, o.nPost, allowSelf, rng(), uniformWeight, o.connections);
  if (conn.rule === 'fixed-indegree') return drawFixedIndegreeCsr(conn.indegree!, o.nPre, o.nPost, allowSelf, rng, uniformWeight);
  return null;
}

function weightUnitOf(def: BlockDef, variant: string | undefined): string {
  const u = def.synapse!.weightUnit;
  return typeof u === 'string' ? u : u[variant ?? '']!;
}

/**
 * Successive values of a constant or a distribution, in `unit` (checked here, before the
 * first is drawn).
 */
function valueDrawer(spec: ValueOrDistributionDoc, unit: string, rng: HostRandom): () => number {
  const draw = drawerOf(spec, unit, rng);
  let k = 0;
  return () => draw(k++);
}

/**
 * Compiles a validated document into an engine-neutral plan, or throws CompileError. A plan
 * may carry warnings (a neuron nothing drives): the model runs, but likely not as meant.
 * With `options.memoryLimit`, a model estimated to need more is refused before drawing.
 */
export function compile(doc: ProjectDocument, overrides: RunOverrides = {}, options: CompileOptions = {}): Plan {
  // Per-neuron parameters are drawn while the blocks are read, before the estimate: check
  // (and refuse) without allocating first, so a 1e9-neuron block with a distribution fails
  // with its message instead of filling memory.
  compileModel(doc, overrides, { ...options, checkOnly: true });
  return compileModel(doc, overrides, { ...options, checkOnly: false }).plan!;
}

/**
 * Everything `compile` checks, and the run's memory and work, without allocating anything
 * per neuron or per connection (`validate`, the editor's live diagnostics): a 1e9-neuron
 * block is checked in the time of a one-neuron block. Throws CompileError as `compile` does.
 */
export function checkModel(doc: ProjectDocument, overrides: RunOverrides = {}): ModelCheck {
  return compileModel(doc, overrides, { checkOnly: true }).check;
}

function compileModel(
  doc: ProjectDocument,
  overrides: RunOverrides,
  options: CompileOptions & { checkOnly: boolean },
): { plan: Plan | null; check: ModelCheck } {
  const { checkOnly } = options;
  const sink = new DiagnosticSink();

  const dt = sink.check({ field: 'run.dt' }, () => toUnit(overrides.dt ?? doc.run.dt, 'ms'));
  const duration = sink.check({ field: 'run.duration' }, () => toUnit(overrides.duration ?? doc.run.duration, 'ms'));
  if (dt !== undefined && !(dt > 0)) sink.add({ field: 'run.dt', message: 'must be greater than 0 ms' });
  if (duration !== undefined && !(duration >= 0)) sink.add({ field: 'run.duration', message: 'must not be negative' });
  if (dt !== undefined && dt > 0 && duration !== undefined && duration >= 0) {
    const tooMany = stepsProblem(duration, dt);
    if (tooMany) sink.add({ field: 'run.duration', message: tooMany });
  }
  const seed = overrides.seed ?? doc.run.seed;

  // Block types the document defines (equations), then blocks: definitions, parameters, sizes.
  const userTypes = documentTypes(doc, sink);
  const infos = new Map<string, BlockInfo>();
  doc.blocks.forEach((b, index) => {
    if (infos.has(b.id)) {
      sink.add({ block: b.id, message: 'another block has the same id' });
      return;
    }
    const def = userTypes.defs.get(b.type) ?? blockDef(b.type);
    if (!def && userTypes.failed.has(b.type)) return; // the type's own mistakes are reported
    if (!def) {
      const own = userTypes.defs.size > 0 ? `; this project's: ${[...userTypes.defs.keys()].join(', ')}` : '';
      sink.add({ block: b.id, field: 'type', message: `unknown block type "${b.type}" (known: ${BLOCKS.map((d) => d.type).join(', ')}${own})` });
      return;
    }
    if (!def.sized && b.size !== undefined) {
      sink.add({ block: b.id, field: 'size', message: `${def.title} takes its size from its connections; remove "size"` });
    }
    const params = resolveParams(b, def, sink);
    const size = b.size ?? 1;
    const scope = neuronScope(b.id, size, seed);
    const varying = drawVaryingParams(b, def, params, size, seed, scope, sink, checkOnly);
    infos.set(b.id, { doc: b, def, index, params, size, varying, scope });
  });

  // Edges: ports exist, socket types match.
  const edges: ResolvedEdge[] = [];
  doc.edges.forEach((e) => {
    const from = parsePort(e.from);
    const to = parsePort(e.to);
    const a = infos.get(from.block);
    const b = infos.get(to.block);
    const where = `edge ${e.from} → ${e.to}`;
    if (!a) { if (!doc.blocks.some((x) => x.id === from.block)) sink.add({ field: where, message: `no block "${from.block}"` }); return; }
    if (!b) { if (!doc.blocks.some((x) => x.id === to.block)) sink.add({ field: where, message: `no block "${to.block}"` }); return; }
    const out = own(a.def.outputs, from.port);
    const inp = own(b.def.inputs, to.port);
    if (!out) { sink.add({ block: from.block, field: where, message: `${a.def.title} has no output "${from.port}" (outputs: ${Object.keys(a.def.outputs).join(', ') || 'none'})` }); return; }
    if (!inp) { sink.add({ block: to.block, field: where, message: `${b.def.title} has no input "${to.port}" (inputs: ${Object.keys(b.def.inputs).join(', ') || 'none'})` }); return; }
    const refusal = connectionRefusal(out.type, inp.type, b.def.category);
    if (refusal) {
      const message = refusal === 'socket-type' ? `input "${to.port}" takes ${inp.type}, but "${e.from}" gives ${out.type}` : CURRENT_ONLY_INTO_NEURON;
      sink.add({ block: to.block, field: where, message });
      return;
    }
    edges.push({ from, to });
  });

  const incoming = (id: string, port: string) => edges.filter((e) => e.to.block === id && e.to.port === port);
  const outgoing = (id: string, port: string) => edges.filter((e) => e.from.block === id && e.from.port === port);

  // Port cardinality: required inputs connected; one edge into non-current inputs. An edge
  // that was already refused above still counts as "connected", so one mistake gives one message.
  const drawnTo = (id: string, port: string) => doc.edges.some((e) => e.to === `${id}.${port}`);
  const drawnFrom = (id: string, port: string) => doc.edges.some((e) => e.from === `${id}.${port}`);
  for (const [id, info] of infos) {
    for (const [port, p] of Object.entries(info.def.inputs)) {
      const n = incoming(id, port).length;
      if (p.required && n === 0 && !drawnTo(id, port)) {
        sink.add({ block: id, field: `input "${port}"`, message: `required but not connected (connect ${p.type === 'any' ? 'an output of any kind' : `a ${p.type} output`} to it)` });
      }
      if (!inputTakesMany(p.type) && n > 1) sink.add({ block: id, field: `input "${port}"`, message: `takes one connection, has ${n}` });
    }
    if (info.def.category === 'synapse') {
      const n = outgoing(id, 'post').filter((e) => infos.get(e.to.block)!.def.category === 'neuron').length;
      if (n > 1) sink.add({ block: id, field: 'output "post"', message: `must connect to one neuron block, connects to ${n}` });
      if (n === 0 && !drawnFrom(id, 'post')) sink.add({ block: id, field: 'output "post"', message: `required but not connected (connect it to the input "${info.def.outputs.post?.type === 'jump' ? 'J' : 'I'}" of a neuron block)` });
    }
  }
  for (const d of assignTargetSizes(infos, edges)) sink.add(d);
  sink.throwIfAny();

  // Step order over non-probe blocks.
  const ordered = [...infos.values()].filter((i) => i.def.category !== 'probe');
  const { components, algebraicLoops } = orderBlocks(
    ordered.map((i) => ({ id: i.doc.id, isSynapse: i.def.category === 'synapse' })),
    edges.filter((e) => infos.get(e.to.block)!.def.category !== 'probe').map((e) => [e.from.block, e.to.block] as const),
  );
  for (const loop of algebraicLoops) {
    sink.add({ block: loop[0], message: `algebraic loop (a cycle through no synapse): ${loop.join(' → ')}` });
  }
  sink.throwIfAny();
  const position = new Map(components.flat().map((id, k) => [id, k]));

  const synPre = (id: string) => incoming(id, 'pre')[0]!.from;
  const synPost = (id: string) => outgoing(id, 'post').find((e) => infos.get(e.to.block)!.def.category === 'neuron')?.to.block;

  // Projections, first checked and counted (nothing drawn yet).
  const outlines = new Map<string, ProjectionOutline>();
  const variants = new Map<string, string | undefined>();
  for (const info of ordered) {
    const { def, doc: b } = info;
    const variant = def.synapse?.variantParam ? info.params.enums[def.synapse.variantParam] : undefined;
    variants.set(b.id, variant);
    if (def.category !== 'synapse') continue;
    const pre = synPre(b.id);
    const post = synPost(b.id);
    if (!post) continue; // unreachable: a synapse without a target was reported above
    const nPre = infos.get(pre.block)!.size;
    const nPost = infos.get(post)!.size;
    const conn = b.connection ?? { rule: 'all-to-all' as const, selfConnections: true, delay: 0 };
    const weightUnit = weightUnitOf(def, variant);
    const outline = sink.check({ block: b.id, field: 'connection' }, (): ProjectionOutline => {
      if (conn.rule === 'one-to-one' && nPre !== nPost) {
        throw new Error(`rule "one-to-one" needs equal sizes: "${pre.block}" has ${nPre} neurons, "${post}" has ${nPost}`);
      }
      // The delay first: its spike history must be allocatable before connections are drawn
      // (delays per connection are checked once drawn, connection-values.ts).
      const varyingDelay = hasVaryingDelay(conn);
      if (varyingDelay && def.synapse!.stateOn === 'pre') {
        throw new Error(`delays per connection need a synapse with its state per postsynaptic neuron (exponential, alpha, dual exponential, delta); ${def.title} keeps one state per presynaptic neuron, so its delay is one value`);
      }
      if (varyingDelay && def.synapse!.plasticity) {
        throw new Error(`${def.title}: a plastic synapse takes one delay for all its connections (delays per connection are not supported with plasticity yet)`);
      }
      // The event code of a plastic synapse, checked here so that validate reports it.
      if (def.synapse!.plasticity) checkedPlasticCode(def, info.params.enums, variant);
      const delay = varyingDelay ? 0 : toUnit(conn.delay as number | string, 'ms');
      if (delay < 0) throw new Error('delay must not be negative');
      const tooLong = delayProblem(delay, dt ?? 1, nPre);
      if (tooLong) throw new Error(`delay: ${tooLong}`);
      checkConnection(conn, nPre, nPost, pre.block === post);
      const connections = connectionCount(conn, nPre, nPost, pre.block === post);
      if (connections > MAX_CONNECTIONS) {
        throw new Error(`${formatCount(connections)} connections are more than the ${formatCount(MAX_CONNECTIONS)} one synapse block may have`);
      }
      // The weight's and delay's units, distributions and expressions, checked without drawing.
      connectionValues(conn, conn.weight ?? def.synapse!.weightDefault, weightUnit, b.id, nPre, nPost, seed, dt ?? 1, 0);
      const delaySteps = roundHalfAway(delay / (dt ?? 1));
      if (def.inputs.pre?.type === 'voltage' && (delaySteps > 0 || varyingDelay)) throw new Error('a synapse driven by voltage cannot have a delay');
      const recurrent = position.get(pre.block)! > position.get(b.id)! ? 1 : 0;
      return { info, pre: pre.block, post, nPre, nPost, lag: delaySteps + recurrent, delay, weightUnit, connections };
    });
    if (outline) outlines.set(b.id, outline);
  }
  sink.throwIfAny();

  // What the run needs, from sizes alone; refused here, before anything is allocated.
  const estimate = estimateRun(estimateInput(infos, outlines, incoming, duration! / dt!, dt!));
  if (options.memoryLimit) {
    const tooBig = memoryProblem(estimate, options.memoryLimit);
    if (tooBig) sink.add({ block: estimate.consumers[0]?.block, message: tooBig });
    sink.throwIfAny();
  }

  // Connectivity and weights, drawn straight into their rows (connectivity.ts).
  const projections: PlanProjection[] = [];
  for (const o of checkOnly ? [] : outlines.values()) {
    const { info, pre, post, nPre, nPost } = o;
    const { def, doc: b } = info;
    const conn = b.connection ?? { rule: 'all-to-all' as const, selfConnections: true, delay: 0 };
    const projection = sink.check({ block: b.id, field: 'connection' }, () => {
      // A fresh stream of the rule's random numbers for each draw: every draw gives the same connections.
      const connectRandom = () => new HostRandom(seed, streamOf(`connect:${b.id}`));
      const draw = (visit: (i: number, j: number) => void) => forEachConnection(conn, nPre, nPost, pre === post, connectRandom(), visit);
      const w = conn.weight ?? def.synapse!.weightDefault;
      const recurrent = position.get(pre)! > position.get(b.id)! ? 1 : 0;
      const values = connectionValues(conn, w, o.weightUnit, b.id, nPre, nPost, seed, dt!, recurrent);
      const weights = values.weights;
      const spec = def.synapse!;
      const p: PlanProjection = {
        synapse: b.id, pre, post, nPre, nPost,
        lag: o.lag,
        stateOn: spec.stateOn,
        current: checkedCurrent(def, variants.get(b.id)),
        // o.connections: the expected count, so that rules drawn row by row are drawn once.
        byPre: fastRows(conn, o, pre === post, values.lags === null ? values.uniformWeight : undefined, connectRandom)
          ?? drawCsr(draw, nPre, 'pre', weights, values.lags ?? undefined, o.connections),
        weightUnit: o.weightUnit,
        delay: o.delay,
      };
      if (values.uniformWeight !== undefined) p.uniformWeight = values.uniformWeight;
      if (p.byPre.lag) varyingLags(p, o, dt!);
      if (spec.jump) p.jump = spec.jump;
      if (def.outputs.post?.type === 'jump') p.into = 'J'; // a delta synapse feeds the neuron's jumps
      if (spec.plasticity) p.plasticity = planPlasticity(def, info.params.enums, info.params.quantities, variants.get(b.id), p.byPre, nPost);
      if (spec.gather) {
        p.gather = spec.gather;
        p.byPost = drawCsr(draw, nPost, 'post', weights, undefined, o.connections);
      }
      return p;
    });
    if (projection) projections.push(projection);
  }
  sink.throwIfAny();

  // Blocks of the plan: states with initial values, checked code.
  const blocks: PlanBlock[] = [];
  for (const info of ordered) {
    const { def, doc: b } = info;
    const proj = outlines.get(b.id);
    const size = elementCount(info, proj?.nPre ?? 0, proj?.nPost ?? 0);
    const variant = variants.get(b.id);
    const wUnit = def.synapse ? weightUnitOf(def, variant) : '';
    // Checking draws one element's initial values: enough to find a wrong unit or name.
    const states = sink.check({ block: b.id }, () => initialStates(info, checkOnly ? Math.min(size, 1) : size, wUnit, seed, dt ?? 0.1));
    const receivesJumps = def.category === 'neuron' && incoming(b.id, 'J').length > 0;
    const code = sink.check({ block: b.id, field: 'update code' },
      () => substituteTimeExpressions(checkedUpdate(def, variant, receivesJumps), info.params.timeExpressions));
    if (!states || !code) continue;
    if (dt !== undefined) for (const d of probabilityProblems(b.id, def, code, info.params.quantities, dt, roundHalfAway((duration ?? 0) / dt))) sink.add(d);
    const pb: PlanBlock = {
      id: b.id, type: def.type,
      category: def.category as PlanBlock['category'],
      template: def.template as PlanBlock['template'],
      index: info.index, size, params: info.params.quantities, states, code,
      spiking: Object.values(def.outputs).some((o) => o.type === 'spikes'),
      receivesCurrent: incoming(b.id, 'I').length > 0,
    };
    if (receivesJumps) pb.receivesJumps = true;
    if (def.perTarget) pb.perTarget = true;
    if (variant !== undefined) pb.variant = variant;
    if (Object.keys(info.varying).length > 0) {
      pb.varying = info.varying;
      const problem = dt === undefined ? null : varyingProbabilityProblem({ dt }, pb);
      if (problem) sink.add({ block: b.id, message: problem });
    }
    if (def.voltage) pb.voltage = def.voltage;
    if (def.integration) pb.integration = def.integration;
    if (def.category === 'synapse' && def.synapse!.stateOn === 'pre' && proj) {
      const from = synPre(b.id);
      pb.input = def.inputs.pre!.type === 'voltage'
        ? { kind: 'voltage', from: from.block, state: infos.get(from.block)!.def.voltage! }
        : { kind: 'spikes', from: from.block, lag: proj.lag };
    }
    if (def.template === 'spike-times') {
      sink.check({ block: b.id, field: 'parameter "spikes"' }, () => { pb.schedule = schedule(info, dt ?? 0.1); });
    }
    if (def.template === 'piecewise') {
      sink.check({ block: b.id, field: 'parameter "times"' }, () => { pb.piecewise = piecewise(info, dt ?? 0.1); });
    }
    blocks.push(pb);
  }

  // Passes of one step, in component order.
  const passes: PlanPass[] = [];
  for (const id of components.flat()) {
    const info = infos.get(id)!;
    passes.push({ kind: 'update', block: id });
    if (info.def.category === 'synapse' && outlines.has(id)) {
      if (info.def.synapse!.stateOn === 'post') passes.push({ kind: 'propagate', synapse: id });
      passes.push({ kind: 'synapse-current', synapse: id });
    }
    if (info.def.category === 'current') {
      // Into neurons only: a probe recording the source reads its output, it receives nothing.
      const intoNeurons = (port: string) => outgoing(id, port).filter((e) => infos.get(e.to.block)!.def.category === 'neuron');
      for (const e of intoNeurons('I')) passes.push({ kind: 'inject', source: id, target: e.to.block });
      // A source of voltage jumps (the Poisson drive) feeds the neurons' jump input J.
      for (const e of intoNeurons('J')) passes.push({ kind: 'inject', source: id, target: e.to.block, into: 'J' });
    }
  }

  const probes = buildProbes(infos, incoming, outlines, sink, dt ?? 0.1, !checkOnly, projections, roundHalfAway((duration ?? 0) / (dt ?? 0.1)));
  sink.throwIfAny();

  const spikeHistory: Record<string, number> = {};
  for (const b of blocks) if (b.spiking) spikeHistory[b.id] = 1;
  for (const o of outlines.values()) {
    if (readsSpikes(o.info.def)) spikeHistory[o.pre] = Math.max(spikeHistory[o.pre] ?? 1, o.lag + 1);
  }

  const steps = roundHalfAway(duration! / dt!);
  const warnings: Diagnostic[] = [
    // Allowed (it records the initial values), but "finished" with nothing computed is
    // likely a slip of the unit or of dt.
    ...(steps === 0 ? [{ field: 'run.duration', message: `${duration} ms is less than half a step (dt ${dt} ms): the run computes no step and records only the initial values` }] : []),
    ...undrivenWarnings(blocks, dt!, steps),
    ...[...infos.values()].flatMap((info) => timeConstantWarnings(info.doc.id, info.def, smallestValues(info.params.quantities, info.varying), dt!)),
    // The built-in LIF's rule (its threshold tested while refractory); an equation type says its own.
    ...[...infos.values()].filter((info) => info.def.type === 'lif').flatMap((info) => resetAboveThresholdWarnings(info.doc.id, info.params.quantities, info.varying)),
  ];
  const check: ModelCheck = { steps, blocks: blocks.length, synapses: outlines.size, probes: probes.length, estimate, warnings };
  if (checkOnly) return { plan: null, check };
  return {
    plan: {
      name: doc.name,
      dt: dt!, duration: duration!, steps, seed,
      blocks, projections, passes, probes, order: components, spikeHistory,
      warnings,
    },
    check,
  };
}

/** Whether a synapse block reads its presynaptic block's spike history (not its voltage). */
function readsSpikes(def: BlockDef): boolean {
  return def.synapse!.stateOn === 'post' || def.inputs.pre?.type === 'spikes';
}

/** The sizes `estimateRun` works from: elements and states of blocks, connections, probes. */
function estimateInput(
  infos: Map<string, BlockInfo>,
  outlines: Map<string, ProjectionOutline>,
  incoming: (id: string, port: string) => ResolvedEdge[],
  steps: number,
  dt: number,
): EstimateInput {
  const history = new Map<string, number>();
  for (const o of outlines.values()) {
    if (readsSpikes(o.info.def)) history.set(o.pre, Math.max(history.get(o.pre) ?? 1, o.lag + 1));
  }
  const elementsOf = (info: BlockInfo) => {
    const o = outlines.get(info.doc.id);
    return elementCount(info, o?.nPre ?? 0, o?.nPost ?? 0);
  };
  const input: EstimateInput = { steps: roundHalfAway(steps), blocks: [], projections: [], probes: [] };
  for (const [id, info] of infos) {
    const { def } = info;
    if (def.category === 'probe') {
      const source = infos.get(incoming(id, Object.keys(def.inputs)[0]!)[0]?.from.block ?? '');
      if (!source) continue;
      const snapshots = def.type === 'weight-snapshots';
      const state = snapshots ? 'w' : info.params.stateNames.state;
      const size = perConnectionUnit(source, state) !== undefined ? outlines.get(source.doc.id)?.connections ?? 0 : elementsOf(source);
      const every = Math.max(1, roundHalfAway((info.params.quantities.interval ?? 0) / dt));
      const kind = def.type === 'state-probe' || snapshots ? 'state' : def.type === 'spike-probe' ? 'spikes' : 'rate';
      input.probes.push({
        id, kind, channels: kind === 'state' ? info.params.indexSets.neurons?.length ?? size : size, every,
        ...(snapshots ? { endpoints: true as const } : {}),
      });
      continue;
    }
    const spiking = Object.values(def.outputs).some((o) => o.type === 'spikes');
    input.blocks.push({
      id,
      noun: def.category === 'neuron' || def.category === 'source' ? 'neurons' : 'elements',
      elements: elementsOf(info),
      states: Object.keys(def.states).length,
      historyDepth: spiking ? history.get(id) ?? 1 : 0,
    });
  }
  for (const o of outlines.values()) {
    input.projections.push({
      synapse: o.info.doc.id, nPre: o.nPre, nPost: o.nPost, connections: o.connections,
      gather: !!o.info.def.synapse!.gather, lagPerConnection: !!o.info.doc.connection && hasVaryingDelay(o.info.doc.connection),
      ...(o.info.def.synapse!.plasticity ? { plasticBytes: plasticBytesPerConnection(o.info.def.synapse!.plasticity) } : {}),
    });
  }
  return input;
}

/** Initial values of every state of a block, in declaration order. */
function initialStates(info: BlockInfo, size: number, weightUnit: string, seed: number, dt: number): PlanState[] {
  const { def, doc: b } = info;
  for (const name of Object.keys(b.init)) {
    if (!own(def.states, name)) throw new Error(`init: ${def.title} has no state "${name}" (states: ${Object.keys(def.states).join(', ') || 'none'})`);
  }
  const states: PlanState[] = [];
  const env = new Map<string, number | boolean>([...Object.entries(info.params.quantities), ['dt', dt]]);
  for (const [name, s] of Object.entries(def.states)) {
    const unit = s.unit.replace('{w}', weightUnit);
    const given = b.init[name];
    let init: Float64Array;
    if (given !== undefined) {
      try {
        init = drawValues(given, unit.replace('·', '*'), size, new HostRandom(seed, streamOf(`init:${b.id}:${name}`)), info.scope);
      } catch (e) {
        throw new Error(`init "${name}": ${(e as Error).message}`);
      }
    } else {
      const expr = checkedInit(def, name, undefined);
      init = new Float64Array(size);
      const earlier = states.map((x) => x);
      const varying = Object.entries(info.varying);
      for (let i = 0; i < size; i++) {
        for (const st of earlier) env.set(st.name, st.init[i]!);
        for (const [p, values] of varying) env.set(p, values[i]!);
        init[i] = evaluate(expr, env) as number;
      }
    }
    states.push({ name, unit, init });
  }
  return states;
}

function schedule(info: BlockInfo, dt: number): { steps: Int32Array; neurons: Int32Array } {
  const list = (info.params.spikeList ?? []).map(([i, t]) => {
    if (i >= info.size) throw new Error(`neuron ${i} is out of range (size ${info.size})`);
    return [roundHalfAway(t / dt), i] as const;
  });
  list.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  return { steps: Int32Array.from(list.map((x) => x[0])), neurons: Int32Array.from(list.map((x) => x[1])) };
}

function piecewise(info: BlockInfo, dt: number): { steps: Int32Array; values: Float64Array } {
  const times = info.params.quantityLists.times ?? [];
  const amps = info.params.quantityLists.amplitudes ?? [];
  if (times.length !== amps.length) throw new Error(`${times.length} times but ${amps.length} amplitudes`);
  for (let k = 1; k < times.length; k++) if (times[k]! < times[k - 1]!) throw new Error('times must increase');
  return { steps: Int32Array.from(times.map((t) => roundHalfAway(t / dt))), values: Float64Array.from(amps) };
}

function buildProbes(
  infos: Map<string, BlockInfo>,
  incoming: (id: string, port: string) => ResolvedEdge[],
  projectionOf: Map<string, { nPre: number; nPost: number; connections: number }>,
  sink: DiagnosticSink,
  dt: number,
  allocate: boolean,
  drawn: PlanProjection[] = [],
  steps = 0,
): PlanProbe[] {
  const probes: PlanProbe[] = [];
  for (const [id, info] of infos) {
    if (info.def.category !== 'probe') continue;
    const port = Object.keys(info.def.inputs)[0]!;
    const source = incoming(id, port)[0]?.from.block;
    if (!source) continue;
    const target = infos.get(source)!;
    const proj = projectionOf.get(source);
    if (info.def.type === 'weight-snapshots') {
      const probe = snapshotProbe(id, info, source, target, proj?.connections ?? 0, drawn.find((p) => p.synapse === source), sink, dt, steps, allocate);
      if (probe) probes.push(probe);
      continue;
    }
    // A state probe of a plastic synapse's w or connection state records connections (weight probe).
    const connectionUnit = info.def.type === 'state-probe' ? perConnectionUnit(target, info.params.stateNames.state) : undefined;
    const size = connectionUnit !== undefined
      ? drawn.find((p) => p.synapse === source)?.byPre.idx.length ?? proj?.connections ?? 0
      : target.def.category === 'synapse'
        ? (target.def.synapse!.stateOn === 'pre' ? proj?.nPre ?? 0 : proj?.nPost ?? 0)
        : target.def.category === 'current' && !target.def.perTarget ? 1 : target.size;
    const neurons = info.params.indexSets.neurons;
    if (neurons) {
      const bad = neurons.find((n) => n >= size);
      if (bad !== undefined) {
        sink.add({ block: id, field: 'parameter "neurons"', message: connectionUnit !== undefined
          ? `connection ${bad} is out of range: "${source}" has ${size} connections`
          : `neuron ${bad} is out of range: "${source}" has ${size}` });
        continue;
      }
    }
    // Checking only (`allocate` false) lists no neurons: the probes are not kept.
    const all = () => (allocate ? Int32Array.from({ length: size }, (_, k) => k) : new Int32Array(0));
    if (connectionUnit !== undefined) {
      const every = Math.max(1, roundHalfAway((info.params.quantities.interval ?? 0) / dt));
      probes.push({ id, kind: 'state', block: source, state: info.params.stateNames.state!, unit: connectionUnit, neurons: neurons ? Int32Array.from(neurons) : all(), every, connections: true });
    } else if (info.def.type === 'state-probe') {
      const states = Object.keys(target.def.states);
      const state = info.params.stateNames.state ?? target.def.voltage ?? states[0];
      if (!state || !own(target.def.states, state)) {
        sink.add({ block: id, field: 'parameter "state"', message: `"${source}" has no state "${state ?? ''}" (states: ${states.join(', ') || 'none'})` });
        continue;
      }
      const interval = info.params.quantities.interval ?? 0;
      const every = Math.max(1, roundHalfAway(interval / dt));
      const wUnit = target.def.synapse ? weightUnitOf(target.def, target.def.synapse.variantParam ? target.params.enums[target.def.synapse.variantParam] : undefined) : '';
      const unit = target.def.states[state]!.unit.replace('{w}', wUnit);
      probes.push({ id, kind: 'state', block: source, state, unit, neurons: neurons ? Int32Array.from(neurons) : all(), every });
    } else if (info.def.type === 'spike-probe') {
      probes.push({ id, kind: 'spikes', block: source, neurons: neurons ? Int32Array.from(neurons) : null });
    } else {
      const binSteps = Math.max(1, roundHalfAway((info.params.quantities.bin ?? 1) / dt));
      probes.push({ id, kind: 'rate', block: source, size, binSteps });
    }
  }
  return probes;
}

/** Most values (connections × snapshots) one weight-snapshots probe may store: 400 MB of f32. */
export const MAX_SNAPSHOT_VALUES = 1e8;
/**
 * Most connections one weight-snapshots probe records: their pre and post neurons are kept
 * with the run's probes (16 MB at this count), read with every listing of the run.
 */
export const MAX_SNAPSHOT_CONNECTIONS = 2e6;

/**
 * A weight-snapshots probe: a weight probe of every connection of a plastic synapse, sampled
 * every `interval`, with each connection's pre and post neuron (for the weights CSV). Refused
 * by name on a block without per-connection weights, on one with more than
 * MAX_SNAPSHOT_CONNECTIONS, and where the snapshots would hold more than MAX_SNAPSHOT_VALUES
 * values (the lab would grow by gigabytes unasked).
 */
function snapshotProbe(
  id: string, info: BlockInfo, source: string, target: BlockInfo, expected: number, drawn: PlanProjection | undefined,
  sink: DiagnosticSink, dt: number, steps: number, allocate: boolean,
): PlanProbe | null {
  const unit = perConnectionUnit(target, 'w');
  if (unit === undefined) {
    sink.add({ block: id, field: 'input "target"', message: `weight snapshots record the weights of a plastic synapse; "${source}" (${target.def.title}) has no per-connection weights` });
    return null;
  }
  const every = Math.max(1, roundHalfAway((info.params.quantities.interval ?? 0) / dt));
  const connections = drawn?.byPre.idx.length ?? expected;
  if (connections > MAX_SNAPSHOT_CONNECTIONS) {
    sink.add({
      block: id, field: 'input "target"',
      message: `"${source}" has ${formatCount(connections)} connections, more than the ${formatCount(MAX_SNAPSHOT_CONNECTIONS)} weight snapshots record; ` +
        'record chosen connections with a state probe of w instead',
    });
    return null;
  }
  const snapshots = Math.floor(steps / every) + 1;
  if (connections * snapshots > MAX_SNAPSHOT_VALUES) {
    sink.add({
      block: id, field: 'parameter "interval"',
      message: `${formatCount(snapshots)} snapshots × ${formatCount(connections)} connections of "${source}" are more than the ` +
        `${formatCount(MAX_SNAPSHOT_VALUES)} weights one probe may store (${formatCount(4 * MAX_SNAPSHOT_VALUES / 1e6)} MB); take a longer interval`,
    });
    return null;
  }
  // Connection k is the k-th entry of the rows by presynaptic neuron: its row is its pre neuron.
  const pre = new Int32Array(allocate && drawn ? connections : 0);
  const post = allocate && drawn ? drawn.byPre.idx.slice() : new Int32Array(0);
  if (allocate && drawn) {
    const ptr = drawn.byPre.ptr;
    for (let i = 0; i + 1 < ptr.length; i++) pre.fill(i, ptr[i]!, ptr[i + 1]!);
  }
  const neurons = allocate ? Int32Array.from({ length: connections }, (_, k) => k) : new Int32Array(0);
  return { id, kind: 'state', block: source, state: 'w', unit, neurons, every, connections: true, snapshots: { pre, post } };
}

/**
 * The unit of `state` where it is a per-connection value of a plastic synapse — its weight
 * `w` or a connection state (a state probe then records connections) — else undefined.
 */
function perConnectionUnit(target: BlockInfo, state: string | undefined): string | undefined {
  const spec = target.def.synapse;
  if (!spec?.plasticity || state === undefined) return undefined;
  if (state === 'w') return weightUnitOf(target.def, spec.variantParam ? target.params.enums[spec.variantParam] : undefined);
  return own(spec.plasticity.states, state) ? spec.plasticity.states[state]!.unit : undefined;
}
