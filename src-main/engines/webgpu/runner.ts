/**
 * Runs a generated program on a device: allocates the buffers of B copies, encodes many
 * steps per command buffer, reads the recording areas back chunk by chunk while the next
 * chunk runs, turns them into RecordingChunks per copy, checks for NaN/Inf at every chunk
 * boundary, honours cancellation between chunks, and recovers from a spike-list overflow by
 * re-running the chunk from a snapshot with fewer steps.
 */
import { CONTROL_SLOT_BYTES } from '../../../kernels/wgsl/templates.js';
import type { Plan } from '../../compiler/plan.js';
import { NonFiniteStateError, type PopulationSummary, type Progress, type RecordingChunk, type RecordingSink, type RunResult } from '../types.js';
import type { ConnectionState } from '../connection-state.js';
import { generateProgram, type Program } from './codegen.js';
import { BufferUsage, MapMode, type GpuDevice } from './device.js';
import { F32_TIME_ADVICE, f32TimeProblem } from './f32-time.js';
import type { GpuTuning } from './tuning.js';
import { MAX_CHUNK_STEPS, stateAt } from './layout.js';

export interface BatchRunOptions extends GpuTuning {
  /** One sink per copy (missing: that copy's recordings are dropped). */
  sinks?: Array<RecordingSink | undefined>;
  /** Progress of the batch (all copies advance together). */
  onProgress?: (p: Progress) => void;
  signal?: AbortSignal;
  /** Wall time aimed at per chunk (ms); chunks adapt to it. */
  targetChunkMs?: number;
  /** Upper bound on steps per chunk (recording areas are sized for it). */
  maxChunkSteps?: number;
  /** Steps of the first chunk. */
  firstChunkSteps?: number;
  /** Benchmarks only: same dispatches, empty bodies (all, or the groups listed): the dispatch overhead. */
  emptyBodies?: boolean | number[];
  /** Called with the program before it runs (tests, --explain). */
  onProgram?: (p: Program) => void;
  /** Called at the end: preparation (code, buffers, pipelines) and stepping, apart (benchmarks). */
  onTiming?: (t: { setupMs: number; runMs: number; chunks: number; reruns: number }) => void;
}

/**
 * The kernel shape `auto` takes for a copy of `threads` elements: the workgroup shape (one
 * workgroup per copy runs a whole chunk) up to a size, the grid shape above it.
 * - Software adapters (SwiftShader on 2 cores): the workgroup shape measured 0.45–0.55× the
 *   grid's step cost on COBA from N = 2000 to 64000 (`npm run bench`, "Layouts compared"), so
 *   it is taken up to 65536.
 * - Hardware: not measured yet (no GPU has been at hand); estimated. A grid step costs its
 *   dispatches (2 for COBA), each a launch plus a barrier, some µs on any GPU; a workgroup
 *   step costs its barriers and the loads of ⌈elements/lanes⌉ elements per lane. With 1024
 *   lanes that favours the workgroup up to about 4 elements per lane (COBA N = 4000: 3200
 *   elements), and the grid, where every multiprocessor works, above. The bench's "Layouts
 *   compared" is the measurement that should set this.
 */
export function autoShape(threads: number, software: boolean, lanes: number): 'grid' | 'workgroup' {
  return threads <= (software ? 65536 : 4 * lanes) ? 'workgroup' : 'grid';
}
const GRID_WORKGROUP_SIZE = 128;
/**
 * Lanes of the one workgroup that runs a copy in the workgroup shape: all the device allows,
 * up to 1024 (a copy gets one multiprocessor, and every lane shortens its loops over the
 * elements). SwiftShader allows 256.
 */
export function workgroupShapeSize(gpu: Pick<GpuDevice, 'limits'>): number {
  return Math.min(1024, gpu.limits.maxComputeInvocationsPerWorkgroup, gpu.limits.maxComputeWorkgroupSizeX);
}
/** Per-slot budgets of the recording buffers, in 4-byte words. */
const RS_BUDGET_WORDS = 8 * 1024 * 1024;
const SPIKE_BUDGET_ENTRIES = 8 * 1024 * 1024;

interface CopyState {
  sink: RecordingSink | undefined;
  totals: Map<string, number>;
  /** Rate probes: counts of bins not emitted yet, from `nextBin`. */
  rates: Map<string, { nextBin: number; counts: number[] }>;
}

interface ChunkInFlight {
  slot: number;
  start: number;
  end: number;
  /** Spike entries copied back with the chunk. */
  fetched: number;
  mapped: Promise<void>;
}

function maxThreads(plans: Plan[]): number {
  const p = plans[0]!;
  return Math.max(1, ...p.blocks.map((b) => b.size), ...p.projections.flatMap((x) => [x.nPre, x.nPost]));
}

/** Chooses the chunk bound and recording capacities from the budgets. */
function limitsFor(plans: Plan[], opts: BatchRunOptions): { maxChunkSteps: number; spikeCapacity: number; worstSpikes: number } {
  const B = plans.length;
  const p = plans[0]!;
  let wordsPerStep = 0;
  for (const pr of p.probes) if (pr.kind === 'state') wordsPerStep += new Set(pr.neurons).size / pr.every;
  let K = Math.min(opts.maxChunkSteps ?? MAX_CHUNK_STEPS, MAX_CHUNK_STEPS);
  if (wordsPerStep > 0) K = Math.min(K, Math.floor(RS_BUDGET_WORDS / (B * wordsPerStep)));
  K = Math.max(1, Math.min(K, Math.max(1, p.steps)));
  let recorded = 0;
  for (const pr of p.probes) {
    if (pr.kind === 'spikes') recorded += pr.neurons ? new Set(pr.neurons).size : p.blocks.find((b) => b.id === pr.block)!.size;
  }
  // Sized for 100 Hz in every recorded neuron at dt = 0.1 ms (1 % per step); a busier chunk
  // is re-run shorter from its snapshot.
  const worstSpikes = B * recorded * K;
  const spikeCapacity = Math.max(1, Math.min(worstSpikes, SPIKE_BUDGET_ENTRIES, Math.max(65536, Math.ceil(worstSpikes * 0.01))));
  return { maxChunkSteps: K, spikeCapacity, worstSpikes };
}

/** Runs B plans of one structure side by side; one result per copy. */
export async function runOnDevice(gpu: GpuDevice, plans: Plan[], opts: BatchRunOptions = {}): Promise<RunResult[]> {
  const started = performance.now();
  const B = plans.length;
  const plan0 = plans[0]!;
  // Every copy: a state that is a stamp in one copy only is kept as f32 time in all.
  const timeProblem = plans.map(f32TimeProblem).find((x) => x !== null) ?? null;
  if (timeProblem) throw new Error(`the WebGPU engine cannot run "${plan0.name}" to the step: ${timeProblem}; ${F32_TIME_ADVICE}`);
  const threads = maxThreads(plans);
  const shape = opts.shape && opts.shape !== 'auto' ? opts.shape : autoShape(threads, gpu.software, workgroupShapeSize(gpu));
  const limits = limitsFor(plans, opts);
  const program = generateProgram(plans, {
    workgroupSize: shape === 'grid' ? GRID_WORKGROUP_SIZE : workgroupShapeSize(gpu),
    shape,
    limits,
    propagation: opts.propagation ?? 'auto',
    // A compacted list (lanes per spike) suits a GPU; SwiftShader pays for every idle
    // invocation, and a scan of the flags measured 10× faster there.
    scatter: opts.scatter && opts.scatter !== 'auto' ? opts.scatter : gpu.software ? 'scan' : 'list',
    emptyBodies: opts.emptyBodies ?? false,
  });
  opts.onProgram?.(program);
  const L = program.layout;
  const dev = gpu.device;
  gpu.check('before the run');

  // Buffers: sizes checked against the device's limits first, then created inside error
  // scopes that report a lack of memory as one clear error.
  const STORAGE = BufferUsage.STORAGE;
  const bytes = (words: number) => words * 4 * B;
  const counterWords = 2 * Math.max(1, program.groups.length);
  const raBytes = (L.RA.size * B + 1) * 4; // every copy's counters, then the spike-list length
  const rsBytes = bytes(L.RS.size);
  const reBytes = L.spikeProbes > 0 ? L.spikeCapacity * 8 : 0;
  const isBytes = bytes(L.IS.size) + counterWords * 4;
  for (const [label, size] of [['states', bytes(L.S.size)], ['spike rings', isBytes], ['accumulators', bytes(L.ACC.size)], ['connections', program.constWords * 4], ['samples', rsBytes], ['spike list', reBytes]] as const) {
    const max = Math.min(gpu.limits.maxStorageBufferBindingSize, gpu.limits.maxBufferSize);
    if (size > max) {
      throw new Error(`the network needs a ${label} buffer of ${(size / 2 ** 20).toFixed(0)} MiB, more than this GPU binds (${(max / 2 ** 20).toFixed(0)} MiB); run fewer copies or a smaller network, or use the CPU engine`);
    }
  }
  // Snapshots of the mutable state at each chunk's start, for re-running a chunk whose spike
  // list overflowed; only where an overflow is possible.
  const mayOverflow = L.spikeProbes > 0 && L.spikeCapacity < limits.worstSpikes;
  const all: GPUBuffer[] = [];
  const make = (label: string, size: number, usage: number) => {
    const b = dev.createBuffer({ label, size: Math.max(16, Math.ceil(size / 4) * 4), usage });
    all.push(b);
    return b;
  };
  let extra: GPUBuffer | null = null; // second readback of a long spike list
  const destroyAll = () => { for (const b of all) b.destroy(); extra?.destroy(); };
  dev.pushErrorScope('out-of-memory');
  dev.pushErrorScope('validation');
  const COPY = BufferUsage.COPY_DST | BufferUsage.COPY_SRC;
  const S = make('states', bytes(L.S.size), STORAGE | COPY);
  const IS = make('spike rings', isBytes, STORAGE | COPY);
  const ACC = make('accumulators', bytes(L.ACC.size), STORAGE | COPY);
  const C = make('connections', program.constWords * 4, STORAGE | BufferUsage.COPY_DST);
  const RS = [0, 1].map((k) => make(`samples ${k}`, rsBytes, STORAGE | BufferUsage.COPY_SRC));
  const RA = [0, 1].map((k) => make(`counters ${k}`, raBytes, STORAGE | COPY));
  const RE = [0, 1].map((k) => make(`spike list ${k}`, reBytes, STORAGE | BufferUsage.COPY_SRC));
  const staging = [0, 1].map((k) => make(`readback ${k}`, raBytes + rsBytes + reBytes, BufferUsage.MAP_READ | BufferUsage.COPY_DST));
  const U = make('control', CONTROL_SLOT_BYTES, BufferUsage.UNIFORM | BufferUsage.COPY_DST);
  const snapS = mayOverflow ? [0, 1].map((k) => make(`snapshot S ${k}`, bytes(L.S.size), COPY)) : [];
  const snapIS = mayOverflow ? [0, 1].map((k) => make(`snapshot IS ${k}`, isBytes, COPY)) : [];
  const snapACC = mayOverflow ? [0, 1].map((k) => make(`snapshot ACC ${k}`, bytes(L.ACC.size), COPY)) : [];
  const validation = await dev.popErrorScope();
  const oom = await dev.popErrorScope();
  if (oom || validation) {
    destroyAll();
    throw new Error(`could not allocate GPU memory for the run: ${(oom ?? validation)!.message}`);
  }

  try {
    dev.queue.writeBuffer(S, 0, program.initS);
    if (program.initIS) dev.queue.writeBuffer(IS, 0, program.initIS);
    for (const seg of program.constSegments) dev.queue.writeBuffer(C, seg.offset * 4, seg.data.buffer, seg.data.byteOffset, seg.data.byteLength);
    // IS and ACC start at zero (fresh buffers are zeroed).
    const bindGroups = [0, 1].map((k) => dev.createBindGroup({
      layout: gpu.layout,
      entries: [
        { binding: 0, resource: { buffer: S } },
        { binding: 1, resource: { buffer: IS } },
        { binding: 2, resource: { buffer: ACC } },
        { binding: 3, resource: { buffer: C } },
        { binding: 4, resource: { buffer: RS[k]! } },
        { binding: 5, resource: { buffer: RA[k]! } },
        { binding: 6, resource: { buffer: U, size: 16 } },
        { binding: 7, resource: { buffer: RE[k]! } },
      ],
    }));
    const entryNames = program.entryPoints;
    const pipelines = new Map<string, GPUComputePipeline>();
    for (const name of entryNames) pipelines.set(name, await gpu.pipeline(program.key, program.code, name));
    gpu.check('while preparing the run');

    const maxX = gpu.limits.maxComputeWorkgroupsPerDimension;
    const wg = program.workgroupSize;
    const dispatchX = (n: number) => {
      const x = Math.ceil(n / wg);
      if (x > maxX) throw new Error(`a population of ${n} elements needs ${x} workgroups, more than this GPU dispatches (${maxX})`);
      return Math.max(1, x);
    };
    if (B > maxX) throw new Error(`a batch of ${B} copies is more than this GPU dispatches at once (${maxX})`);

    const copies: CopyState[] = plans.map((p, c) => ({
      sink: opts.sinks?.[c],
      totals: new Map(p.blocks.filter((b) => b.spiking).map((b) => [b.id, 0])),
      rates: new Map(p.probes.filter((x) => x.kind === 'rate').map((x) => [x.id, { nextBin: 0, counts: [] }])),
    }));

    // Sample 0 of state probes: the initial state, as the CPU engine records it.
    for (let c = 0; c < B; c++) {
      const sink = copies[c]!.sink;
      if (!sink) continue;
      for (const p of plans[c]!.probes) {
        if (p.kind !== 'state') continue;
        const init = p.connections ? connectionInit(plans[c]!, p) : plans[c]!.blocks.find((b) => b.id === p.block)!.states.find((s) => s.name === p.state)!.init;
        await sink.write({ probe: p.id, kind: 'state', firstSample: 0, channels: p.neurons.length, values: Float32Array.from(p.neurons, (n) => init[n]!) });
      }
    }

    // Grid shape: the workgroup count of group g at local step s is padded to ≡ 2g + s mod 2G,
    // which tells the shader its group and which step counter to read (templates.ts).
    const codes = 2 * Math.max(1, program.groups.length);
    const padded = program.groups.map((g, k) => [0, 1].map((parity) => {
      let x = dispatchX(g.threads);
      const code = 2 * k + parity;
      x += (code - (x % codes) + codes) % codes;
      if (x > maxX) throw new Error(`a population of ${g.threads} elements needs ${x} workgroups, more than this GPU dispatches (${maxX})`);
      return x;
    }));

    const encodeChunk = (slot: number, start: number, end: number) => {
      const K = end - start;
      dev.queue.writeBuffer(U, 0, Uint32Array.of(start, start, end, 0));
      if (shape === 'grid' && program.groups.length > 0) {
        const counters = new Uint32Array(codes);
        for (let g = 0; g < program.groups.length; g++) counters[2 * g] = start;
        dev.queue.writeBuffer(IS, program.counterBase * 4, counters);
      }
      const enc = dev.createCommandEncoder({ label: `steps ${start}–${end}` });
      if (mayOverflow) {
        enc.copyBufferToBuffer(S, 0, snapS[slot]!, 0, S.size);
        enc.copyBufferToBuffer(IS, 0, snapIS[slot]!, 0, IS.size);
        enc.copyBufferToBuffer(ACC, 0, snapACC[slot]!, 0, ACC.size);
      }
      enc.clearBuffer(RA[slot]!);
      const pass = enc.beginComputePass();
      if (shape === 'grid') {
        if (program.groups.length > 0) {
          pass.setPipeline(pipelines.get(program.stepEntry)!);
          pass.setBindGroup(0, bindGroups[slot]!, [0]);
          const G = program.groups.length;
          for (let s = 0; s < K; s++) {
            const parity = s & 1;
            for (let g = 0; g < G; g++) pass.dispatchWorkgroups(padded[g]![parity]!, B);
          }
        }
        if (program.check) {
          pass.setPipeline(pipelines.get(program.check.name)!);
          pass.setBindGroup(0, bindGroups[slot]!, [0]);
          pass.dispatchWorkgroups(dispatchX(program.check.threads), B);
        }
      } else {
        pass.setPipeline(pipelines.get(program.chunkEntry)!);
        pass.setBindGroup(0, bindGroups[slot]!, [0]);
        pass.dispatchWorkgroups(B);
      }
      pass.end();
      enc.copyBufferToBuffer(RA[slot]!, 0, staging[slot]!, 0, raBytes);
      if (rsBytes > 0) enc.copyBufferToBuffer(RS[slot]!, 0, staging[slot]!, raBytes, rsBytes);
      // The spike list's likely length comes back with the rest; a longer one is fetched after.
      const listBytes = Math.min(reBytes, spikeEstimate * 8);
      if (listBytes > 0) enc.copyBufferToBuffer(RE[slot]!, 0, staging[slot]!, raBytes + rsBytes, listBytes);
      dev.queue.submit([enc.finish()]);
      return listBytes / 8;
    };

    /** The spike list of a chunk: what came back with it, plus the rest if it was longer. */
    const spikeList = async (slot: number, words: Uint32Array, fetched: number): Promise<Uint32Array> => {
      const count = Math.min(words[L.RA.size * B]!, L.spikeCapacity);
      const head = words.subarray((raBytes + rsBytes) / 4, (raBytes + rsBytes) / 4 + 2 * Math.min(count, fetched));
      if (count <= fetched) return head;
      const restBytes = (count - fetched) * 8;
      if (!extra || extra.size < restBytes) {
        extra?.destroy();
        extra = dev.createBuffer({ label: 'spike list readback', size: restBytes, usage: BufferUsage.MAP_READ | BufferUsage.COPY_DST });
      }
      const enc = dev.createCommandEncoder();
      enc.copyBufferToBuffer(RE[slot]!, fetched * 8, extra, 0, restBytes);
      dev.queue.submit([enc.finish()]);
      await extra.mapAsync(MapMode.READ, 0, restBytes);
      const rest = new Uint32Array(extra.getMappedRange(0, restBytes).slice(0));
      extra.unmap();
      const out = new Uint32Array(2 * count);
      out.set(head);
      out.set(rest, head.length);
      return out;
    };

    const restoreSnapshot = (slot: number) => {
      const enc = dev.createCommandEncoder({ label: 'restore snapshot' });
      enc.copyBufferToBuffer(snapS[slot]!, 0, S, 0, S.size);
      enc.copyBufferToBuffer(snapIS[slot]!, 0, IS, 0, IS.size);
      enc.copyBufferToBuffer(snapACC[slot]!, 0, ACC, 0, ACC.size);
      dev.queue.submit([enc.finish()]);
    };

    const target = opts.targetChunkMs ?? 50;
    let chunkSteps = Math.min(L.maxChunkSteps, opts.firstChunkSteps ?? (shape === 'grid' ? 16 : 64));
    let next = 0; // first step not yet submitted
    let done = 0; // steps whose recordings were processed
    let serial = 0;
    let status: RunResult['status'] = 'finished';
    const inFlight: ChunkInFlight[] = [];
    const loopStart = performance.now();
    let lastDone = loopStart;
    let chunksDone = 0;
    let reruns = 0;
    let spikeEstimate = Math.min(L.spikeCapacity, 16384);

    const submit = () => {
      const start = next;
      const end = Math.min(plan0.steps, start + chunkSteps);
      const slot = serial++ % 2;
      const fetched = encodeChunk(slot, start, end);
      next = end;
      const mapped = staging[slot]!.mapAsync(MapMode.READ).catch((e: unknown) => {
        throw new Error(gpu.lostReason ? `the GPU device was lost during the run: ${gpu.lostReason}` : `reading results back from the GPU failed: ${(e as Error).message}`, { cause: e });
      });
      mapped.catch(() => {}); // awaited below; avoid an unhandled rejection meanwhile
      inFlight.push({ slot, start, end, fetched, mapped });
    };

    while (done < plan0.steps) {
      if (opts.signal?.aborted && status === 'finished') status = 'cancelled';
      while (status === 'finished' && inFlight.length < 2 && next < plan0.steps) {
        gpu.check(`at step ${next}`);
        submit();
      }
      const chunk = inFlight.shift();
      if (!chunk) break;
      await chunk.mapped;
      gpu.check(`in steps ${chunk.start}–${chunk.end}`);
      const words = new Uint32Array(staging[chunk.slot]!.getMappedRange().slice(0));
      staging[chunk.slot]!.unmap();
      const spikeCount = L.spikeProbes > 0 ? words[L.RA.size * B]! : 0;
      if (spikeCount > L.spikeCapacity) {
        // Drop this chunk and the one behind it, restore the state at this chunk's start and
        // go on with chunks short enough for the spike list.
        if (!mayOverflow) throw new Error('internal: the spike list overflowed without a snapshot to go back to');
        for (const later of inFlight.splice(0)) {
          await later.mapped.catch(() => {});
          if (staging[later.slot]!.mapState === 'mapped') staging[later.slot]!.unmap();
        }
        restoreSnapshot(chunk.slot);
        reruns++;
        chunkSteps = Math.max(1, Math.floor(((chunk.end - chunk.start) * L.spikeCapacity) / spikeCount / 2));
        next = chunk.start;
        continue;
      }
      const list = L.spikeProbes > 0 ? await spikeList(chunk.slot, words, chunk.fetched) : new Uint32Array(0);
      spikeEstimate = Math.min(L.spikeCapacity, Math.max(4096, Math.ceil((spikeCount / (chunk.end - chunk.start)) * L.maxChunkSteps * 1.5)));
      await processChunk(program, plans, copies, words, list, chunk.start, chunk.end);
      done = chunk.end;
      chunksDone++;
      const now = performance.now();
      const elapsed = now - lastDone;
      lastDone = now;
      const K = chunk.end - chunk.start;
      if (elapsed > 0) chunkSteps = Math.max(1, Math.min(L.maxChunkSteps, Math.round((K * target) / elapsed), chunkSteps * 4));
      opts.onProgress?.({ step: done, steps: plan0.steps, simulatedMs: done * plan0.dt, wallMs: now - started });
      if (status === 'cancelled' && inFlight.length === 0) break;
    }
    gpu.check('at the end of the run');
    const connectionStates = L.plastic.size > 0 ? await readConnectionStates(dev, plans, L, S, IS, done) : null;
    const wallMs = performance.now() - started;
    opts.onTiming?.({ setupMs: loopStart - started, runMs: performance.now() - loopStart, chunks: chunksDone, reruns });
    return plans.map((p, c) => ({
      status,
      stepsDone: done,
      wallMs,
      engine: 'webgpu',
      populations: summary(p, copies[c]!, done),
      ...(connectionStates ? { connectionStates: connectionStates[c]! } : {}),
    }));
  } finally {
    destroyAll();
  }
}

/**
 * Every copy's plastic synapses at the end of the run (engines/connection-state.ts), read
 * back from S (weights, connection states: f32) and IS (each connection's last event).
 */
async function readConnectionStates(dev: GPUDevice, plans: Plan[], L: Program['layout'], S: GPUBuffer, IS: GPUBuffer, stepsDone: number): Promise<ConnectionState[][]> {
  const sBytes = L.S.size * plans.length * 4;
  const isBytes = L.IS.size * plans.length * 4;
  const staging = dev.createBuffer({ label: 'connection state readback', size: sBytes + isBytes, usage: BufferUsage.MAP_READ | BufferUsage.COPY_DST });
  try {
    const enc = dev.createCommandEncoder({ label: 'connection state readback' });
    enc.copyBufferToBuffer(S, 0, staging, 0, sBytes);
    enc.copyBufferToBuffer(IS, 0, staging, sBytes, isBytes);
    dev.queue.submit([enc.finish()]);
    await staging.mapAsync(MapMode.READ);
    const bytes = staging.getMappedRange().slice(0);
    staging.unmap();
    const s = new Float32Array(bytes, 0, sBytes / 4);
    const is = new Int32Array(bytes, sBytes, isBytes / 4);
    return plans.map((plan, c) => plan.projections.flatMap((p) => {
      const area = L.plastic.get(p.synapse);
      if (!area || !p.plasticity) return [];
      const n = p.byPre.idx.length;
      const f64 = (at: number) => Float64Array.from(s.subarray(c * L.S.size + at, c * L.S.size + at + n));
      return [{
        synapse: p.synapse,
        w: f64(area.w),
        states: Object.fromEntries(p.plasticity.states.map((st) => [st.name, f64(area.states.get(st.name)!)])),
        last: Int32Array.from(is.subarray(c * L.IS.size + area.last, c * L.IS.size + area.last + n), (x) => x - stepsDone),
      }];
    }));
  } finally {
    staging.destroy();
  }
}

/** Turns one chunk's recording areas into RecordingChunks, per copy; throws on NaN/Inf. */
async function processChunk(program: Program, plans: Plan[], copies: CopyState[], words: Uint32Array, list: Uint32Array, start: number, end: number): Promise<void> {
  const L = program.layout;
  const B = plans.length;
  const samples = new Float32Array(words.buffer, words.byteOffset + (L.RA.size * B + 1) * 4, L.RS.size * B);
  const spikes = splitSpikes(list, B * L.spikeProbes, start);
  for (let c = 0; c < B; c++) {
    const plan = plans[c]!;
    const ra = c * L.RA.size;
    const rs = c * L.RS.size;
    const flag = words[ra + L.nonFiniteWord]!;
    if (flag !== 0) {
      const where = stateAt(L, 0xffffffff - flag);
      const prefix = B > 1 ? `batch copy ${c}: ` : '';
      const err = new NonFiniteStateError(where?.block ?? '?', where?.state ?? '?', where?.neuron ?? -1, start * plan.dt, end * plan.dt);
      if (prefix) err.message = prefix + err.message;
      throw err;
    }
    const cs = copies[c]!;
    for (const [block, off] of L.totals) cs.totals.set(block, cs.totals.get(block)! + words[ra + off]!);
    const out: RecordingChunk[] = [];
    for (const a of L.probes) {
      if (a.kind === 'state') {
        const every = a.probe.every;
        const first = Math.floor((start + every) / every);
        const last = Math.floor(end / every);
        const n = last - first + 1;
        if (n <= 0) continue;
        const ch = a.probe.neurons.length;
        const values = new Float32Array(n * ch);
        const cols = a.unique.length;
        for (let s = 0; s < n; s++) {
          const row = rs + a.offset + s * cols;
          for (let j = 0; j < ch; j++) values[s * ch + j] = samples[row + a.columnOf[j]!]!;
        }
        out.push({ probe: a.probe.id, kind: 'state', firstSample: first, channels: ch, values });
      } else if (a.kind === 'spikes') {
        const got = spikes[c * L.spikeProbes + a.tag]!;
        if (got.steps.length > 0) out.push({ probe: a.probe.id, kind: 'spikes', steps: got.steps, neurons: got.neurons });
      } else {
        const r = cs.rates.get(a.probe.id)!;
        const bin = a.probe.binSteps;
        const firstLocal = Math.floor(start / bin);
        const lastLocal = Math.floor((end - 1) / bin);
        for (let b = firstLocal; b <= lastLocal; b++) {
          const k = b - r.nextBin;
          while (r.counts.length <= k) r.counts.push(0);
          r.counts[k]! += words[ra + a.offset + (b - firstLocal)]!;
        }
        // Bins complete at this chunk's end (and the last, partial one at the end of the run).
        const values: number[] = [];
        const firstBin = r.nextBin;
        while (r.counts.length > 0) {
          const binEnd = (r.nextBin + 1) * bin;
          const isLast = end === plan.steps && binEnd >= plan.steps;
          if (binEnd > end && !isLast) break;
          const length = isLast ? plan.steps - r.nextBin * bin : bin;
          values.push((r.counts.shift()! / a.probe.size) / ((length * plan.dt) / 1000));
          r.nextBin++;
          if (isLast) break;
        }
        if (values.length > 0) out.push({ probe: a.probe.id, kind: 'rate', firstBin, values: Float32Array.from(values) });
      }
    }
    if (cs.sink) for (const chunk of out) await cs.sink.write(chunk);
  }
}

/** Splits the chunk's spike list by tag, each part sorted by step, then neuron. */
function splitSpikes(list: Uint32Array, tags: number, start: number): Array<{ steps: Int32Array; neurons: Int32Array }> {
  const counts = new Int32Array(tags);
  for (let q = 0; q < list.length; q += 2) counts[list[q]! >>> 12]!++;
  const parts = Array.from(counts, (n) => ({ steps: new Int32Array(n), neurons: new Int32Array(n), n: 0 }));
  for (let q = 0; q < list.length; q += 2) {
    const part = parts[list[q]! >>> 12]!;
    part.steps[part.n] = start + (list[q]! & 0xfff);
    part.neurons[part.n++] = list[q + 1]!;
  }
  return parts.map((p) => {
    sortSpikes(p.steps, p.neurons);
    return { steps: p.steps, neurons: p.neurons };
  });
}

/** Sorts spikes by step, then neuron (the GPU appends a step's spikes in any order). */
function sortSpikes(steps: Int32Array, neurons: Int32Array): void {
  let ordered = true;
  for (let q = 1; q < steps.length; q++) {
    if (steps[q]! < steps[q - 1]! || (steps[q] === steps[q - 1] && neurons[q]! < neurons[q - 1]!)) { ordered = false; break; }
  }
  if (ordered) return;
  // Keys step·2^24 + neuron stay exact in a double (steps of a chunk < 2^12 over a base).
  const base = steps.reduce((m, x) => Math.min(m, x), Infinity);
  const keys = Float64Array.from(steps, (s, q) => (s - base) * 16777216 * 256 + neurons[q]!);
  keys.sort();
  for (let q = 0; q < keys.length; q++) {
    const key = keys[q]!;
    const n = key % (16777216 * 256);
    steps[q] = base + (key - n) / (16777216 * 256);
    neurons[q] = n;
  }
}

function summary(plan: Plan, cs: CopyState, stepsDone: number): PopulationSummary[] {
  const seconds = (stepsDone * plan.dt) / 1000;
  return plan.blocks.flatMap((b) => {
    if (!b.spiking || b.category === 'synapse') return [];
    const spikes = cs.totals.get(b.id) ?? 0;
    return [{ block: b.id, size: b.size, spikes, rateHz: seconds > 0 ? spikes / b.size / seconds : 0 }];
  });
}

/** Initial values of a weight probe's channels: the plan's weights, or a connection state's initial value. */
function connectionInit(plan: Plan, p: { block: string; state: string }): ArrayLike<number> {
  const proj = plan.projections.find((x) => x.synapse === p.block)!;
  const start = proj.plasticity!.start;
  if (start) return p.state === 'w' ? start.w : start.states[p.state]!;
  if (p.state === 'w') return proj.byPre.w;
  return new Float64Array(proj.byPre.idx.length).fill(proj.plasticity!.states.find((s) => s.name === p.state)!.init);
}
