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
import { RANDOM_WGSL } from '../../../kernels/random.js';
import { NUMERIC_WGSL } from '../../../kernels/wgsl/numeric.js';
import { optionalWgsl } from '../../../kernels/wgsl/optional.js';
import { gridEntryPoint, gridHelperEntryPoint, moduleHeader, workgroupEntryPoint, type GroupBody } from '../../../kernels/wgsl/templates.js';
import type { Plan } from '../../compiler/plan.js';
import { blockOf, buildLayout, ConstPool, stateKey, type Layout, type LayoutLimits, type ProbeArea } from './layout.js';
import { f32Literal } from './print-wgsl.js';
import { STAMP_BIAS, stampSteps } from './stamps.js';
import { type PropagationMode, type ScatterMode, decide, layoutNeeds } from './decisions.js';
import { Literals, type CopyCtx, u } from './copy-context.js';
import { recordOp, buildOps, placeRecords } from './element-ops.js';
import { privateInputsOf, fuse } from './fuse.js';
import { BatchMismatchError } from './errors.js';

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
  /** Initial IS words where some are not zero (a run continuing an earlier one: each connection's last event); null: all zero. */
  initIS: Uint32Array | null;
  /** Propagation mode of each linear projection, by synapse id. */
  propagation: Map<string, PropagationMode>;
  /** Scatter mode of each scattering projection, by synapse id. */
  scatter: Map<string, ScatterMode>;
}

/** Throws unless every plan has the structure of the first (a batch runs one program). */
export function checkSameStructure(plans: Plan[]): void {
  const sig = (p: Plan) => JSON.stringify({
    dt: p.dt, steps: p.steps,
    blocks: p.blocks.map((b) => [b.id, b.type, b.size, b.variant, b.states.map((s) => s.name), b.spiking, b.receivesCurrent, b.receivesJumps, b.input]),
    passes: p.passes,
    projections: p.projections.map((x) => [x.synapse, x.pre, x.post, x.nPre, x.nPost, x.lag, x.maxLag, x.stateOn]),
    probes: p.probes.map((x) => ({ ...x, neurons: 'neurons' in x && x.neurons ? Array.from(x.neurons) : null })),
    spikeHistory: p.spikeHistory,
  });
  const first = sig(plans[0]!);
  plans.forEach((p, k) => {
    if (sig(p) !== first) {
      throw new BatchMismatchError(k, 'structure', `batch copy ${k} ("${p.name}") differs in structure from copy 0 (blocks, sizes, connections, probes, dt or duration); a batch may only differ in parameter values and seed`);
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
  const privateJumps = privateInputsOf(plan0, groups, 'J');
  const emitCopy = (plan: Plan, copy: number) => {
    const ctx: CopyCtx = { plan, copy, copies: plans.length, lits: new Literals(), pool, layout, decisions, privateInputs, privateJumps, cache: new Map() };
    const empty = (gi: number) => options.emptyBodies === true || (Array.isArray(options.emptyBodies) && options.emptyBodies.includes(gi));
    const bodies = groups.map((g, gi) => [
      ...[...privateInputs].filter((id) => g.ops.some((op) => op.writes.some((w) => w.res === `input:${id}`)))
        .map((id) => `var acc_b${blockOf(plan0, id).index}: f32 = 0.0f; // input current of ${ascii(id)}`),
      ...[...privateJumps].filter((id) => g.ops.some((op) => op.writes.some((w) => w.res === `jumps:${id}`)))
        .map((id) => `var jacc_b${blockOf(plan0, id).index}: f32 = 0.0f; // voltage jumps of ${ascii(id)}`),
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
      throw new BatchMismatchError(c, 'code', `batch copy ${c} ("${plans[c]!.name}") folds to different code than copy 0 (a swept parameter changes which branch of a block's code applies); run these values separately`);
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
    ...[optionalWgsl(entries)].filter((x) => x !== ''), // helpers only this model calls
    header,
    entries,
  ].join('\n');

  const constData = pool.segments(table);
  const initS = new Float32Array(layout.S.size * plans.length);
  const initWords = new Uint32Array(initS.buffer);
  let initIS: Uint32Array | null = null;
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
    // Plastic synapses: each connection's weight (the plan's f32) and its states' initial values.
    for (const pr of p.projections) {
      const area = layout.plastic.get(pr.synapse);
      if (!area) continue;
      // The per-connection area is sized by copy 0's connections (layout.ts).
      if (pr.byPre.idx.length !== plan0.projections.find((x) => x.synapse === pr.synapse)!.byPre.idx.length) {
        throw new BatchMismatchError(c, 'structure', `batch copy ${c} ("${p.name}") draws another number of connections for the plastic synapse "${pr.synapse}" than copy 0; run these seeds separately`);
      }
      // A continued run (continue-from.ts) starts from the earlier run's final state, rounded to f32.
      const start = pr.plasticity!.start;
      initS.set(start ? start.w : pr.byPre.w, c * layout.S.size + area.w);
      for (const s of pr.plasticity!.states) {
        const at = c * layout.S.size + area.states.get(s.name)!;
        if (start) initS.set(start.states[s.name]!, at);
        else initS.fill(s.init, at, at + pr.byPre.w.length);
      }
      // Its last events lie before step 0: negative steps, as u32 words (the kernels subtract in u32).
      if (start) (initIS ??= new Uint32Array(layout.IS.size * plans.length)).set(Uint32Array.from(start.last, (x) => x >>> 0), c * layout.IS.size + area.last);
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
    initIS,
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
