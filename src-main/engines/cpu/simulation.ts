/**
 * The CPU engine's core: allocates the typed arrays a plan needs, compiles the generated
 * step function, steps in chunks and records probes. It is synchronous; `cpu-engine.ts`
 * runs it in a worker, tests may run it directly. With `threads`, it is one worker's share
 * of a plan (partition.ts): it steps, records and checks only its elements, in arrays the
 * workers share (`threads.shared`), and meets the others at a barrier (`threads.sync`).
 */
import { normal24, random24 } from '../../../kernels/random.js';
import { binomial24 } from '../../../kernels/binomial.js';
import { decayFactor, roundHalfAway, sigmoid, vtrap } from '../../../src-shared/expr/numeric.js';
import type { Plan, PlanProbe } from '../../compiler/plan.js';
import { NonFiniteStateError, type PopulationSummary, type RecordingChunk } from '../types.js';
import { arrayName, generateStep, LITERALS } from './codegen.js';
import { elementCode } from '../../compiler/element-constants.js';
import { allocatePlasticity, connectionArrayName } from './plasticity-arrays.js';
import { elementRange, ownedProbePositions, ownedRange, type Partition } from './partition.js';
import { fastRandom24Block } from '../../random/threefry-simd.js';
import { rowBounds, rowsSortedByTarget } from './row-bounds.js';

export type NumArray = Float64Array | Float32Array | Int32Array | Uint8Array;

/** One worker's share of a threaded run. */
export interface ThreadShare {
  part: Partition;
  /** Arrays of the partitioned blocks, in shared memory (shared-arrays.ts). */
  shared: Record<string, NumArray>;
  /** Returns when every worker has called it (the barrier). */
  sync: () => void;
}

/** A compiled step program (codegen.ts GeneratedStep). */
interface Program {
  step(i: number): void;
  /** Work that belongs to step 0 but is done ahead of it (folded synapse updates). */
  prologue(): void;
}

/** The largest finite float32: recordings are f32. */
const F32_MAX = 3.4028234663852886e38;
/**
 * States are checked for NaN and infinity every this many steps (and at the end of each
 * chunk). A chunk's length follows the wall clock, so a check at chunk ends alone named a
 * different, often wide, interval for the same model on every run; the interval reported is
 * the cell of this grid where the value went wrong, the same on every run and thread count.
 */
export const FINITE_CHECK_STEPS = 100;

const HELPERS = {
  roundHalfAway, sigmoid, vtrap, decayFactor, random24, normal24, binomial24,
  // A block's per-step uniforms, all its elements at once (codegen.ts BlockDraws).
  random24Block: fastRandom24Block,
  expEulerStep: (x: number, xInf: number, factor: number) => xInf + (x - xInf) * factor,
};

let programCounter = 0;

function compileProgram(source: string, arrays: Record<string, NumArray>, helpers: object): Program {
  // A unique tail keeps V8 from sharing one cached function (and its type feedback, which
  // degrades after a few runs) between programs of the same source made over other arrays.
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  return new Function('A', 'H', `${source}\n// program ${++programCounter}`)(arrays, helpers) as Program;
}

/**
 * A reusable program (codegen.ts GenerateOptions) and the arrays it was compiled over, kept
 * in this thread for the next run of the same structure (same source, arrays of the same
 * types and lengths): that run fills these arrays with its own values — initial states,
 * connections, its numbers in `literals`, zeroed spike rings — and steps with code V8 has
 * optimised already, instead of tens of milliseconds in the interpreter and the compiler
 * while a new program warms up (live mode's re-run after an edit, in the worker the engine
 * keeps, cpu-engine.ts; #15). One run at a time uses a resident: a Simulation made while it
 * is in use (stepped side by side, in tests) compiles a program of its own, which becomes
 * the resident.
 */
interface Resident {
  program: Program;
  arrays: Record<string, NumArray>;
  bytes: number;
  inUse: boolean;
}

/** Residents by source, most recently used last. */
const residents = new Map<string, Resident>();
/** At most this many, holding at most this many bytes of arrays between runs (the oldest go first). */
const RESIDENTS_KEPT = 8;
const RESIDENT_MAX_BYTES = 64 << 20;

/**
 * The resident for `source` with its arrays filled from `arrays` (whose entries for `names`
 * it replaces by its own), or null where there is none free with arrays of the same shapes.
 */
function adoptResident(source: string, names: string[], arrays: Record<string, NumArray>): Resident | null {
  const r = residents.get(source);
  if (!r || r.inUse) return null;
  for (const n of names) {
    const mine = r.arrays[n];
    const theirs = arrays[n]!;
    if (!mine || mine.constructor !== theirs.constructor || mine.length !== theirs.length) return null;
  }
  for (const n of names) {
    const mine = r.arrays[n]!;
    if (mine !== arrays[n]) (mine as Float64Array).set(arrays[n] as Float64Array);
    arrays[n] = mine;
  }
  residents.delete(source); // most recently used last
  residents.set(source, r);
  r.inUse = true;
  return r;
}

/**
 * Makes a program over `arrays` the resident of `source` and returns it. One in use keeps
 * serving its run, but is no longer kept (a run never released cannot hold the place).
 */
function newResident(source: string, names: string[], arrays: Record<string, NumArray>): Resident {
  const own: Record<string, NumArray> = {};
  let bytes = 0;
  for (const n of names) {
    own[n] = arrays[n]!;
    bytes += arrays[n]!.byteLength;
  }
  const r: Resident = { program: compileProgram(source, own, HELPERS), arrays: own, bytes, inUse: true };
  residents.delete(source);
  residents.set(source, r);
  let total = 0;
  for (const x of residents.values()) total += x.bytes;
  for (const [key, x] of residents) {
    if (residents.size <= RESIDENTS_KEPT && total <= RESIDENT_MAX_BYTES) break;
    if (x.inUse) continue;
    residents.delete(key);
    total -= x.bytes;
  }
  return r;
}

/** Per-probe recording state between flushes. */
type ProbeBuffer =
  | { probe: Extract<PlanProbe, { kind: 'state' }>; source: Float64Array; neurons: Int32Array; values: number[]; firstSample: number; nextSample: number }
  | { probe: Extract<PlanProbe, { kind: 'spikes' }>; block: number; mask: Uint8Array | null; steps: number[]; neurons: number[] }
  | { probe: Extract<PlanProbe, { kind: 'rate' }>; block: number; count: number; firstBin: number; bins: number[] };

export class Simulation {
  readonly arrays: Record<string, NumArray> = {};
  readonly source: string;
  private readonly program: Program;
  /** Reusable: the program and arrays this run took (released at its end). */
  private readonly resident: Resident | null = null;
  private readonly buffers: ProbeBuffer[];
  /**
   * Per block, its spike ring (counts and lists of the last `depth` steps), null for a block
   * that does not spike: looked up once here, not by name at every step (the recording and
   * counting between steps of COBA took 8 ms per 10,000 steps with the lookups, 3.5 without).
   */
  private readonly rings: Array<{ counts: Int32Array; list: Int32Array; depth: number; size: number } | null>;
  private readonly spikeTotals: number[];
  /** Steps done so far. */
  step = 0;

  /** `reusable`: one program for every run of this structure in this thread (codegen.ts GenerateOptions). */
  constructor(readonly plan: Plan, readonly threads?: ThreadShare, options: { reusable?: boolean } = {}) {
    const part = threads?.part;
    const sorted = part ? plan.projections.map((p) => rowsSortedByTarget(p.byPre)) : [];
    const reusable = options.reusable === true && !threads;
    const gen = generateStep(plan, part ? { ...part, rowBounds: sorted } : undefined, { reusable });
    this.source = gen.source;
    this.allocate();
    if (part) {
      plan.projections.forEach((p, k) => {
        if (!sorted[k]) return;
        const [lo, hi] = elementRange(p.nPost, part.worker, part.workers);
        this.arrays[arrayName.rowStart(k)] = rowBounds(p.byPre, lo);
        this.arrays[arrayName.rowEnd(k)] = rowBounds(p.byPre, hi);
      });
    }
    if (reusable) this.arrays[LITERALS] = Float64Array.from(gen.literals);
    const missing = gen.arrays.filter((a) => !(a in this.arrays));
    if (missing.length > 0) throw new Error(`internal: arrays not allocated: ${missing.join(', ')}`);
    if (reusable) this.resident = adoptResident(gen.source, gen.arrays, this.arrays) ?? newResident(gen.source, gen.arrays, this.arrays);
    const program = this.resident?.program ?? compileProgram(gen.source, this.arrays, threads ? { ...HELPERS, sync: threads.sync } : HELPERS);
    this.program = program;
    try {
      this.spikeTotals = plan.blocks.map(() => 0);
      this.rings = plan.blocks.map((b, k) => (b.spiking ? {
        counts: this.arrays[arrayName.spikeCount(k)] as Int32Array,
        list: this.arrays[arrayName.spikeList(k)] as Int32Array,
        depth: plan.spikeHistory[b.id]!,
        size: b.size,
      } : null));
      // Threads: spikes and rates are recorded by worker 0, whose spike lists hold every
      // worker's spikes; states by the worker that owns the neuron.
      const recordsSpikes = !part || part.worker === 0;
      this.buffers = plan.probes.filter((p) => p.kind === 'state' || recordsSpikes).map((p) => this.probeBuffer(p));
      // After sample 0 was taken: folded synapses are never probed, so no sample sees this.
      program.prologue();
    } catch (e) {
      this.release(); // a resident taken is free again
      throw e;
    }
  }

  private allocate(): void {
    const { plan, arrays } = this;
    // Threads: the partitioned blocks' arrays are shared; the rest is this worker's own.
    const shared = this.threads?.shared ?? {};
    allocatePlasticity(plan, arrays, shared); // per-connection state of plastic synapses
    const own = <T extends NumArray>(name: string, make: () => T): T => (shared[name] as T | undefined) ?? make();
    plan.blocks.forEach((b, k) => {
      for (const s of b.states) arrays[arrayName.state(k, s.name)] = own(arrayName.state(k, s.name), () => Float64Array.from(s.init));
      if (b.category === 'current') arrays[arrayName.currentOut(k)] = own(arrayName.currentOut(k), () => new Float64Array(b.perTarget ? b.size : 1));
      if (b.spiking) {
        const depth = plan.spikeHistory[b.id]!;
        arrays[arrayName.spikeFlags(k)] = own(arrayName.spikeFlags(k), () => new Uint8Array(depth * b.size));
        if (shared[arrayName.spikeSegments(k)]) {
          arrays[arrayName.spikeSegments(k)] = shared[arrayName.spikeSegments(k)]!;
          arrays[arrayName.segmentCounts(k)] = shared[arrayName.segmentCounts(k)]!;
        }
        arrays[arrayName.spikeList(k)] = new Int32Array(depth * b.size);
        arrays[arrayName.spikeCount(k)] = new Int32Array(depth);
      }
      if (b.schedule) {
        arrays[arrayName.scheduleSteps(k)] = b.schedule.steps;
        arrays[arrayName.scheduleNeurons(k)] = b.schedule.neurons;
      }
      if (b.piecewise) {
        arrays[arrayName.waveSteps(k)] = b.piecewise.steps;
        arrays[arrayName.waveValues(k)] = b.piecewise.values;
      }
      if (b.schedule || b.piecewise) arrays[arrayName.cursor(k)] = new Int32Array(1);
      elementCode(plan, b)?.constants.forEach((c, m) => {
        arrays[arrayName.elementConstant(k, m)] = c.values;
        if (c.decay) arrays[arrayName.elementDecay(k, m)] = c.decay;
      });
    });
    plan.projections.forEach((p, k) => {
      arrays[arrayName.csr(k, 'pre', 'ptr')] = p.byPre.ptr;
      arrays[arrayName.csr(k, 'pre', 'idx')] = p.byPre.idx;
      arrays[arrayName.csr(k, 'pre', 'w')] = p.byPre.w;
      if (p.byPre.lag && p.maxLag !== undefined) {
        arrays[arrayName.csr(k, 'pre', 'lag')] = p.byPre.lag;
        arrays[arrayName.pending(k)] = own(arrayName.pending(k), () => new Float64Array((p.maxLag! - p.lag + 1) * p.nPost));
      }
      if (p.byPost) {
        arrays[arrayName.csr(k, 'post', 'ptr')] = p.byPost.ptr;
        arrays[arrayName.csr(k, 'post', 'idx')] = p.byPost.idx;
        arrays[arrayName.csr(k, 'post', 'w')] = p.byPost.w;
      }
    });
  }

  private blockIndex(id: string): number {
    return this.plan.blocks.findIndex((b) => b.id === id);
  }

  private probeBuffer(p: PlanProbe): ProbeBuffer {
    const block = this.blockIndex(p.block);
    if (p.kind === 'state') {
      // A weight probe reads a plastic synapse's per-connection array (its channels are connections).
      const source = this.arrays[p.connections ? connectionArrayName(this.plan, p) : arrayName.state(block, p.state)] as Float64Array;
      const neurons = this.threads ? Int32Array.from(ownedProbePositions(this.plan, p, this.threads.part), (m) => p.neurons[m]!) : p.neurons;
      const buf: ProbeBuffer = { probe: p, source, neurons, values: [], firstSample: 0, nextSample: 0 };
      this.sampleState(buf); // sample 0: the initial state
      return buf;
    }
    if (p.kind === 'spikes') {
      let mask: Uint8Array | null = null;
      if (p.neurons) {
        mask = new Uint8Array(this.plan.blocks[block]!.size);
        for (const n of p.neurons) mask[n] = 1;
      }
      return { probe: p, block, mask, steps: [], neurons: [] };
    }
    return { probe: p, block, count: 0, firstBin: 0, bins: [] };
  }

  private sampleState(buf: Extract<ProbeBuffer, { values: number[] }>): void {
    for (const n of buf.neurons) buf.values.push(buf.source[n]!);
    buf.nextSample++;
  }

  /** Records what probes see after step i. */
  private record(i: number): void {
    for (const buf of this.buffers) {
      if ('source' in buf) {
        if ((i + 1) % buf.probe.every === 0) this.sampleState(buf);
        continue;
      }
      const ring = this.rings[buf.block]!;
      const slot = i % ring.depth;
      const n = ring.counts[slot]!;
      if ('steps' in buf) {
        const list = ring.list;
        for (let q = 0; q < n; q++) {
          const k = list[slot * ring.size + q]!;
          if (!buf.mask || buf.mask[k]) { buf.steps.push(i); buf.neurons.push(k); }
        }
      } else {
        buf.count += n;
        if ((i + 1) % buf.probe.binSteps === 0 || i + 1 === this.plan.steps) {
          const binLength = (i + 1) % buf.probe.binSteps || buf.probe.binSteps;
          buf.bins.push((buf.count / buf.probe.size) / (binLength * this.plan.dt / 1000));
          buf.count = 0;
        }
      }
    }
  }

  private countSpikes(i: number): void {
    if (this.threads && this.threads.part.worker !== 0) return; // worker 0 counts every worker's spikes
    for (let k = 0; k < this.rings.length; k++) {
      const ring = this.rings[k];
      if (ring) this.spikeTotals[k]! += ring.counts[i % ring.depth]!;
    }
  }

  /** Advances up to `n` steps (fewer at the end of the run); returns how many were done. */
  advance(n: number): number {
    const end = Math.min(this.plan.steps, this.step + n);
    const from = this.step;
    const program = this.program;
    for (let i = from; i < end; i++) {
      program.step(i);
      this.record(i);
      this.countSpikes(i);
      if ((i + 1) % FINITE_CHECK_STEPS === 0 && i + 1 < end) this.checkFinite(i + 1);
    }
    this.step = end;
    this.checkFinite(end);
    return end - from;
  }

  /** Ends this run's use of its resident program and arrays (reusable): the next run of the same structure may take them. */
  release(): void {
    if (this.resident) this.resident.inUse = false;
  }

  /**
   * Throws NonFiniteStateError naming the first state that is NaN or infinite after `step`
   * steps, with the cell of the check grid it went wrong in (all checks before passed).
   */
  private checkFinite(step: number): void {
    const from = Math.max(0, Math.ceil(step / FINITE_CHECK_STEPS) * FINITE_CHECK_STEPS - FINITE_CHECK_STEPS);
    const to = Math.min(from + FINITE_CHECK_STEPS, this.plan.steps);
    this.plan.blocks.forEach((b, k) => {
      // Threads: each worker checks the elements it owns.
      const [lo, hi] = this.threads ? ownedRange(b, this.threads.part) : [0, b.size];
      for (const s of b.states) {
        const a = this.arrays[arrayName.state(k, s.name)] as Float64Array;
        for (let j = lo; j < Math.min(hi, a.length); j++) {
          // Beyond f32's range a value would be recorded as infinite, so it counts too.
          if (!(Math.abs(a[j]!) <= F32_MAX)) {
            throw new NonFiniteStateError(b.id, s.name, j, from * this.plan.dt, to * this.plan.dt, a[j]!);
          }
        }
      }
    });
  }

  /** Takes the recordings gathered since the last call. */
  drain(): RecordingChunk[] {
    const chunks: RecordingChunk[] = [];
    for (const buf of this.buffers) {
      const id = buf.probe.id;
      if ('source' in buf) {
        if (buf.values.length === 0) continue;
        chunks.push({ probe: id, kind: 'state', firstSample: buf.firstSample, channels: buf.neurons.length, values: Float32Array.from(buf.values) });
        buf.firstSample = buf.nextSample;
        buf.values = [];
      } else if ('steps' in buf) {
        if (buf.steps.length === 0) continue;
        chunks.push({ probe: id, kind: 'spikes', steps: Int32Array.from(buf.steps), neurons: Int32Array.from(buf.neurons) });
        buf.steps = [];
        buf.neurons = [];
      } else {
        if (buf.bins.length === 0) continue;
        chunks.push({ probe: id, kind: 'rate', firstBin: buf.firstBin, values: Float32Array.from(buf.bins) });
        buf.firstBin += buf.bins.length;
        buf.bins = [];
      }
    }
    return chunks;
  }

  /** Spikes and mean rate of every spiking block so far. */
  summary(): PopulationSummary[] {
    const seconds = (this.step * this.plan.dt) / 1000;
    return this.plan.blocks.flatMap((b, k) =>
      b.spiking && b.category !== 'synapse'
        ? [{ block: b.id, size: b.size, spikes: this.spikeTotals[k]!, rateHz: seconds > 0 ? this.spikeTotals[k]! / b.size / seconds : 0 }]
        : [],
    );
  }
}

/** Rounds a step count for chunking: about `targetMs` of work per chunk, at least one step. */
export function nextChunkSteps(lastSteps: number, lastMs: number, targetMs = 50): number {
  if (lastMs <= 0) return Math.min(lastSteps * 4, 100000);
  return Math.max(1, Math.min(100000, roundHalfAway((lastSteps * targetMs) / lastMs)));
}
