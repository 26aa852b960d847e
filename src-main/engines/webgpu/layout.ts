/**
 * Where everything of a WebGPU run lives: offsets (in 4-byte words) of every state, input
 * accumulator, spike ring, propagation accumulator and recording area inside one copy of
 * the network, plus the pool of read-only data (CSR, schedules, tables) shared by all copies
 * of a batch. Copies of a batch have the same structure, so one layout serves them all.
 */
import type { Plan, PlanBlock, PlanProbe } from '../../compiler/plan.js';

/** A bump allocator over one buffer's per-copy region. */
export class Region {
  size = 0;
  alloc(words: number): number {
    const at = this.size;
    this.size += words;
    return at;
  }
}

export interface StateSlot {
  block: string;
  state: string;
  offset: number;
  size: number;
}

/** What the host needs to turn a probe's recording area back into chunks. */
export type ProbeArea =
  | {
      kind: 'state'; probe: Extract<PlanProbe, { kind: 'state' }>; offset: number;
      /** Samples the area holds per chunk. */
      capacity: number;
      /** Distinct neurons recorded, in first-appearance order (the GPU's columns). */
      unique: number[];
      /** For each requested neuron, its column among `unique`. */
      columnOf: number[];
      /** Whether every neuron of the block is recorded in order (no channel map). */
      identity: boolean;
    }
  | {
      kind: 'spikes'; probe: Extract<PlanProbe, { kind: 'spikes' }>;
      /** Number of this probe among the spike probes: entries carry copy·P + number. */
      tag: number;
      /** Neurons recorded. */
      recorded: number;
    }
  | { kind: 'rate'; probe: Extract<PlanProbe, { kind: 'rate' }>; offset: number; bins: number };

export interface Layout {
  S: Region;
  IS: Region;
  ACC: Region;
  RS: Region;
  RA: Region;
  /** Words of S holding states (checked for NaN/Inf); input accumulators follow. */
  stateWords: number;
  states: Map<string, StateSlot>;
  inputs: Map<string, number>;
  /** Voltage-jump accumulators of neurons whose input J is connected (after everything else in S). */
  jumps: Map<string, number>;
  /** Per-element outputs of per-target current sources (their value for neuron k). */
  currentOuts: Map<string, number>;
  flags: Map<string, number>;
  /**
   * Spike lists of blocks whose spikes are scattered from a list: IS offset of (depth + 1)
   * slots of `size` entries, and the ACC offset of their (depth + 1) counters. Slot i mod
   * (depth + 1) holds step i's spikes; step i zeroes the counter of step i + 1.
   */
  lists: Map<string, { entries: number; counts: number; slots: number }>;
  cursors: Map<string, number>;
  accumulators: Map<string, number>;
  /**
   * Plastic projections (plasticity-ops.ts): S offsets of the per-connection weight and of
   * each connection state (f32, after everything else in S, so that other models keep their
   * layout and the non-finite check), and the IS offset of each connection's last event step.
   */
  plastic: Map<string, { w: number; states: Map<string, number>; last: number }>;
  /** RA word counting the spikes of each spiking block in the chunk. */
  totals: Map<string, number>;
  probes: ProbeArea[];
  /** RA word 0: non-finite flag (0: none; else 0xffffffff − first bad word of S). */
  nonFiniteWord: 0;
  /** Steps one chunk may hold at most (recording areas are sized for it). */
  maxChunkSteps: number;
  /** Spike probes (P): an entry's tag is copy·P + probe number. */
  spikeProbes: number;
  /**
   * Spike entries one chunk holds, all copies and probes together, in the separate list
   * buffer RE: 2 words each, ((tag << 12) | step − chunk start, neuron). The list's counter
   * is RA word `copies · RA.size`, after every copy's region.
   */
  spikeCapacity: number;
}

/** Steps of a chunk must fit the 12 bits an entry keeps for them. */
export const MAX_CHUNK_STEPS = 4096;

export const stateKey = (block: string, state: string) => `${block}:${state}`;

/** What the code generator decided that needs room. */
export interface LayoutNeeds {
  /** Blocks that keep a spike list. */
  lists: ReadonlySet<string>;
  /** Linear projections that accumulate arrivals in ACC. */
  accumulators: ReadonlySet<string>;
}

export interface LayoutLimits {
  maxChunkSteps: number;
  /** Spike-list entries per chunk (all copies and probes). */
  spikeCapacity: number;
}

/** The layout of one copy of `plan`. */
export function buildLayout(plan: Plan, limits: LayoutLimits, needs: LayoutNeeds): Layout {
  const S = new Region();
  const IS = new Region();
  const ACC = new Region();
  const RS = new Region();
  const RA = new Region();
  RA.alloc(1); // non-finite flag
  const states = new Map<string, StateSlot>();
  for (const b of plan.blocks) {
    for (const s of b.states) states.set(stateKey(b.id, s.name), { block: b.id, state: s.name, offset: S.alloc(b.size), size: b.size });
  }
  const stateWords = S.size;
  const inputs = new Map<string, number>();
  const flags = new Map<string, number>();
  const cursors = new Map<string, number>();
  const totals = new Map<string, number>();
  for (const b of plan.blocks) {
    if (b.category === 'neuron') inputs.set(b.id, S.alloc(b.size));
    if (b.spiking) {
      flags.set(b.id, IS.alloc(plan.spikeHistory[b.id]! * b.size));
      totals.set(b.id, RA.alloc(1));
    }
    if (b.template === 'spike-times') cursors.set(b.id, IS.alloc(b.size));
  }
  // Allocated after the rest of S, so that models without them keep their layout.
  const jumps = new Map<string, number>();
  const currentOuts = new Map<string, number>();
  for (const b of plan.blocks) {
    if (b.category === 'neuron' && b.receivesJumps) jumps.set(b.id, S.alloc(b.size));
    if (b.category === 'current' && b.perTarget) currentOuts.set(b.id, S.alloc(b.size));
  }
  const lists = new Map<string, { entries: number; counts: number; slots: number }>();
  for (const b of plan.blocks) {
    if (!needs.lists.has(b.id)) continue;
    const slots = plan.spikeHistory[b.id]! + 1;
    lists.set(b.id, { entries: IS.alloc(slots * b.size), counts: ACC.alloc(slots), slots });
  }
  const accumulators = new Map<string, number>();
  for (const p of plan.projections) if (needs.accumulators.has(p.synapse)) accumulators.set(p.synapse, ACC.alloc(p.nPost));
  const plastic = new Map<string, { w: number; states: Map<string, number>; last: number }>();
  for (const p of plan.projections) {
    if (!p.plasticity) continue;
    const n = p.byPre.idx.length;
    plastic.set(p.synapse, { w: S.alloc(n), states: new Map(p.plasticity.states.map((s) => [s.name, S.alloc(n)])), last: IS.alloc(n) });
  }

  const K = limits.maxChunkSteps;
  if (K > MAX_CHUNK_STEPS) throw new Error(`internal: chunks are limited to ${MAX_CHUNK_STEPS} steps`);
  let spikeProbes = 0;
  const probes: ProbeArea[] = plan.probes.map((p): ProbeArea => {
    if (p.kind === 'state') {
      const unique: number[] = [];
      const seen = new Map<number, number>();
      const columnOf = Array.from(p.neurons, (n) => {
        let col = seen.get(n);
        if (col === undefined) { col = unique.length; seen.set(n, col); unique.push(n); }
        return col;
      });
      // A weight probe's channels are connections (PlanProbe.connections).
      const size = p.connections ? plan.projections.find((x) => x.synapse === p.block)!.byPre.idx.length : blockOf(plan, p.block).size;
      const identity = unique.length === size && unique.every((n, k) => n === k);
      const capacity = Math.ceil(K / p.every);
      return { kind: 'state', probe: p, offset: RS.alloc(capacity * unique.length), capacity, unique, columnOf, identity };
    }
    if (p.kind === 'spikes') {
      const recorded = p.neurons ? new Set(p.neurons).size : blockOf(plan, p.block).size;
      return { kind: 'spikes', probe: p, tag: spikeProbes++, recorded };
    }
    const bins = Math.floor(K / p.binSteps) + 2;
    return { kind: 'rate', probe: p, offset: RA.alloc(bins), bins };
  });
  return { S, IS, ACC, RS, RA, stateWords, states, inputs, jumps, currentOuts, flags, lists, cursors, accumulators, plastic, totals, probes, nonFiniteWord: 0, maxChunkSteps: K,
    spikeProbes, spikeCapacity: Math.max(1, limits.spikeCapacity),
  };
}

export function blockOf(plan: Plan, id: string): PlanBlock {
  const b = plan.blocks.find((x) => x.id === id);
  if (!b) throw new Error(`internal: no block "${id}" in the plan`);
  return b;
}

/** The state slot holding S word `word` of a copy (for NaN reports). */
export function stateAt(layout: Layout, word: number): { block: string; state: string; neuron: number } | undefined {
  for (const s of layout.states.values()) {
    if (word >= s.offset && word < s.offset + s.size) return { block: s.block, state: s.state, neuron: word - s.offset };
  }
  return undefined;
}

/**
 * Read-only data of a run, shared by the copies of a batch: equal arrays (the CSR of a
 * parameter sweep with one seed) are stored once.
 */
export class ConstPool {
  private words: Uint32Array[] = [];
  size = 0;
  private readonly index = new Map<string, Array<{ offset: number; data: Uint32Array }>>();

  add(data: Uint32Array): number {
    const key = `${data.length}:${fnv(data)}`;
    const list = this.index.get(key) ?? [];
    for (const e of list) if (equalWords(e.data, data)) return e.offset;
    const offset = this.size;
    this.words.push(data);
    this.size += data.length;
    list.push({ offset, data });
    this.index.set(key, list);
    return offset;
  }

  /** The pool followed by `tail` (the literal table), as segments to upload one by one. */
  segments(tail: Uint32Array): { words: number; segments: Array<{ offset: number; data: Uint32Array }> } {
    const segments: Array<{ offset: number; data: Uint32Array }> = [];
    let at = 0;
    for (const w of [...this.words, tail]) {
      if (w.length > 0) segments.push({ offset: at, data: w });
      at += w.length;
    }
    return { words: Math.max(1, at), segments };
  }
}

function fnv(a: Uint32Array): number {
  let h = 0x811c9dc5;
  const step = Math.max(1, Math.floor(a.length / 4096));
  for (let k = 0; k < a.length; k += step) {
    h ^= a[k]!;
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

function equalWords(a: Uint32Array, b: Uint32Array): boolean {
  if (a.length !== b.length) return false;
  for (let k = 0; k < a.length; k++) if (a[k] !== b[k]) return false;
  return true;
}

/** The words of an f32 array. */
export function f32Words(a: ArrayLike<number>): Uint32Array {
  return new Uint32Array(Float32Array.from(a).buffer);
}

/**
 * The words of an i32 array (a view, no copy, when it is an Int32Array already — unless it is
 * on shared memory, as a plan's connections are: Dawn's writeBuffer takes no shared memory).
 */
export function i32Words(a: ArrayLike<number>): Uint32Array {
  if (a instanceof Int32Array && !(a.buffer instanceof SharedArrayBuffer)) return new Uint32Array(a.buffer, a.byteOffset, a.length);
  return new Uint32Array(Int32Array.from(a).buffer);
}
