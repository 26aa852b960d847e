/**
 * What a run will need, worked out from sizes alone before anything per neuron or per
 * connection exists: memory (state arrays, connections, spike history, recording buffers)
 * and work (element updates). `validate` reports it; `run` refuses a model whose estimate
 * exceeds the memory it may use, naming the largest consumers, instead of growing until the
 * kernel kills the process (a 1e9-neuron block once took a server to 22 GB).
 *
 * The byte counts follow what the CPU engine holds at once (it is the engine every machine
 * has, and the one whose host memory is at stake): the plan in the caller, the copy of the
 * plan its worker thread receives (connections excepted: they are shared), and the worker's
 * own state arrays.
 */
import { readFileSync } from 'node:fs';
import os from 'node:os';
import type { ConnectionDoc } from '../../src-shared/document/schema.js';
import { groupDigits } from '../../src-shared/group-digits.js';

/**
 * Bytes per state value: the plan's Float64 initial value, the worker's copy of the plan,
 * and the engine's Float64 state array.
 */
export const STATE_BYTES = 24;
/**
 * Bytes per connection and direction (rows by pre, and by post for a gathering synapse):
 * an Int32 index and a Float32 weight. They are drawn straight into their final arrays, in
 * shared memory that the engine's worker shares (connectivity.ts): one copy is held.
 */
export const CONNECTION_BYTES = 8;
/** Bytes per connection of a per-connection delay: an Int32 lag (shared, as the rows). */
export const LAG_BYTES = 4;
/** Bytes per neuron and step of spike history: a Uint8 flag and an Int32 list entry. */
export const HISTORY_BYTES = 5;
/**
 * Bytes per recorded value held between two hand-overs to the sink: a JS number in a
 * growing array (8 B, with room to grow) and its Float32 copy.
 */
export const RECORDED_BYTES = 16;
/**
 * Element updates the CPU engine does in one of its chunks (it aims at ~50 ms of work per
 * chunk, at most 100 000 steps; 1e7 leaves a factor of two over its speed on a fast core),
 * which bounds how many samples wait in memory before they are handed to the sink.
 */
const UPDATES_PER_CHUNK = 1e7;
const MAX_CHUNK_STEPS = 100_000;

export interface EstimateBlock {
  id: string;
  /** What an element is called in a message: neurons, synapses, elements. */
  noun: string;
  elements: number;
  states: number;
  /** Depth of the spike history ring (0 for a block that does not spike). */
  historyDepth: number;
}

export interface EstimateProjection {
  synapse: string;
  nPre: number;
  nPost: number;
  connections: number;
  /** Whether a second set of rows, by postsynaptic neuron, is kept (gathering synapses). */
  gather: boolean;
  /** Whether each connection has its own delay (an Int32 lag per connection, rows by pre). */
  lagPerConnection?: boolean;
  /**
   * Plastic synapses: bytes per connection of their state (plasticity.ts,
   * plasticBytesPerConnection: an f64 weight, 8 B per connection state, an Int32 step of the
   * last event, an Int32 entry of the transposed index), plus the transposed row offsets.
   */
  plasticBytes?: number;
}

export interface EstimateProbe {
  id: string;
  kind: 'state' | 'spikes' | 'rate';
  /** Neurons recorded (state probes) or the size of the block watched. */
  channels: number;
  /** Steps between two samples (state probes). */
  every: number;
  /** Weight snapshots: the pre and post neuron of every recorded connection are kept too. */
  endpoints?: true;
}

export interface EstimateInput {
  steps: number;
  blocks: EstimateBlock[];
  projections: EstimateProjection[];
  probes: EstimateProbe[];
}

/** One thing that takes memory, in words: "block E: 1e9 neurons × 8 states × 24 B". */
export interface MemoryConsumer {
  block: string;
  what: string;
  bytes: number;
}

export interface RunEstimate {
  /** Bytes the model's arrays take during a run (the process itself not counted). */
  bytes: number;
  /** Every consumer, the largest first. */
  consumers: MemoryConsumer[];
  /** Steps × elements of every block: the work of a run (the measure `--engine auto` uses). */
  elementUpdates: number;
  /** Connections of all synapse blocks (expected numbers for probabilistic rules). */
  connections: number;
  steps: number;
}

/** A count for a message: grouped below a million, "1e9" or "2.56e8" above. */
export function formatCount(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  if (Math.abs(n) < 1e6) return groupDigits(Math.round(n));
  const [mantissa, exponent] = n.toExponential(2).split('e') as [string, string];
  return `${Number(mantissa)}e${Number(exponent)}`;
}

const UNITS = ['B', 'kB', 'MB', 'GB', 'TB', 'PB', 'EB'] as const;

/** Bytes in decimal units with three significant digits: "64 GB", "1.5 MB". */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes)) return 'more bytes than can be counted';
  let v = bytes;
  let u = 0;
  while (v >= 1000 && u < UNITS.length - 1) { v /= 1000; u++; }
  return `${u === 0 ? Math.round(v) : Number(v.toPrecision(3))} ${UNITS[u]}`;
}

const BYTE_FACTORS: Record<string, number> = {
  b: 1, kb: 1e3, mb: 1e6, gb: 1e9, tb: 1e12, kib: 2 ** 10, mib: 2 ** 20, gib: 2 ** 30, tib: 2 ** 40, k: 1e3, m: 1e6, g: 1e9, t: 1e12,
};

/** "8 GB", "512MB", "1.5 GiB" or a bare number of bytes; throws naming what is wrong. */
export function parseMemorySize(text: string): number {
  const m = /^\s*([0-9]*\.?[0-9]+(?:e[+-]?[0-9]+)?)\s*([a-z]*)\s*$/i.exec(text);
  const factor = m ? BYTE_FACTORS[(m[2] || 'b').toLowerCase()] : undefined;
  const bytes = m && factor !== undefined ? Number(m[1]) * factor : NaN;
  if (!(bytes > 0) || !Number.isFinite(bytes)) throw new Error(`"${text}" is not an amount of memory (e.g. "8 GB", "512 MB")`);
  return bytes;
}

/**
 * The process's data-size limit (`ulimit -d`, prlimit --data) on Linux, in bytes, or
 * Infinity: typed arrays beyond it fail to allocate, whatever the machine has free.
 */
function dataSizeLimit(): number {
  try {
    const line = /^Max data size\s+(\S+)/m.exec(readFileSync('/proc/self/limits', 'utf8'));
    const soft = line ? Number(line[1]) : NaN;
    return Number.isFinite(soft) ? soft : Infinity;
  } catch {
    return Infinity; // not Linux
  }
}

/**
 * The memory a run may use when nothing says otherwise: 80% of what the machine has
 * available (Linux's MemAvailable) and, in a container or under a data-size limit, of what
 * that limit leaves; the rest stays for the process itself and everything else.
 */
export function defaultMemoryLimit(): number {
  let available = os.freemem();
  const constrained = process.constrainedMemory?.() ?? 0;
  const rss = process.memoryUsage().rss;
  // constrainedMemory() is 0 or a huge number when no limit is set.
  if (constrained > 0 && constrained < Number.MAX_SAFE_INTEGER / 2) available = Math.min(available, Math.max(0, constrained - rss));
  available = Math.min(available, Math.max(0, dataSizeLimit() - rss));
  return Math.floor(available * 0.8);
}

/**
 * Connections a rule makes between `nPre` and `nPost` neurons, without drawing them (the
 * expected number for fixed-probability). Checks of the rule's fields belong to
 * connectivity.ts; this only counts.
 */
export function connectionCount(conn: ConnectionDoc, nPre: number, nPost: number, sameBlock: boolean): number {
  const noSelf = sameBlock && !conn.selfConnections;
  const diagonal = noSelf ? Math.min(nPre, nPost) : 0;
  switch (conn.rule) {
    case 'all-to-all': return nPre * nPost - diagonal;
    case 'one-to-one': return nPre;
    case 'fixed-probability': return (conn.p ?? 0) * (nPre * nPost - diagonal);
    case 'fixed-indegree': return (conn.indegree ?? 0) * nPost;
    case 'pairs': return conn.pairs?.length ?? 0;
  }
}

/** The run's memory and work, from sizes only. */
export function estimateRun(input: EstimateInput): RunEstimate {
  const consumers: MemoryConsumer[] = [];
  const add = (block: string, what: string, bytes: number) => { if (bytes > 0) consumers.push({ block, what, bytes }); };
  let elementsPerStep = 0;
  for (const b of input.blocks) {
    elementsPerStep += b.elements;
    const states = `${b.states} state${b.states === 1 ? '' : 's'}`;
    add(b.id, `${formatCount(b.elements)} ${b.noun} × ${states} × ${STATE_BYTES} B`, b.elements * b.states * STATE_BYTES);
    if (b.historyDepth > 0) {
      add(b.id, `spike history of ${formatCount(b.elements)} ${b.noun} × ${formatCount(b.historyDepth)} step${b.historyDepth === 1 ? '' : 's'} × ${HISTORY_BYTES} B`,
        b.elements * b.historyDepth * HISTORY_BYTES);
    }
  }
  let connections = 0;
  for (const p of input.projections) {
    connections += p.connections;
    const perConnection = CONNECTION_BYTES * (p.gather ? 2 : 1) + (p.lagPerConnection ? LAG_BYTES : 0) + (p.plasticBytes ?? 0);
    const rows = (p.nPre + 1 + (p.gather || p.plasticBytes ? p.nPost + 1 : 0)) * 8;
    add(p.synapse, `${formatCount(p.connections)} connections × ${perConnection} B`, p.connections * perConnection + rows);
    // Plastic synapses: their final state is copied out at the end (kept in the lab, for
    // "continue from"): all of it but the transposed index's entry (store/connection-states.ts).
    if (p.plasticBytes) add(p.synapse, `final state of ${formatCount(p.connections)} connections × ${p.plasticBytes - 4} B`, p.connections * (p.plasticBytes - 4));
  }
  const chunkSteps = Math.max(1, Math.min(MAX_CHUNK_STEPS, input.steps, Math.floor(UPDATES_PER_CHUNK / Math.max(1, elementsPerStep))));
  for (const p of input.probes) {
    if (p.kind === 'state') {
      const samples = Math.ceil(chunkSteps / Math.max(1, p.every)) + 1;
      add(p.id, `recording buffer of ${formatCount(p.channels)} neurons × ${formatCount(samples)} samples × ${RECORDED_BYTES} B`,
        p.channels * samples * RECORDED_BYTES + p.channels * 8);
      if (p.endpoints) add(p.id, `pre and post neuron of ${formatCount(p.channels)} connections × 8 B`, p.channels * 8);
    } else if (p.kind === 'spikes') {
      // A mask over the block watched; spikes themselves are handed over every chunk.
      add(p.id, `spike mask of ${formatCount(p.channels)} neurons`, p.channels);
    }
  }
  consumers.sort((a, b) => b.bytes - a.bytes);
  const bytes = consumers.reduce((n, c) => n + c.bytes, 0);
  return { bytes, consumers, elementUpdates: input.steps * elementsPerStep, connections, steps: input.steps };
}

/** "block E: 1e9 neurons × 8 states × 24 B ≈ 192 GB" for the largest `n` consumers. */
export function largestConsumers(estimate: RunEstimate, n = 3): string {
  const shown = estimate.consumers.slice(0, n).map((c) => `block ${c.block}: ${c.what} ≈ ${formatBytes(c.bytes)}`);
  const rest = estimate.consumers.length - shown.length;
  return shown.join('; ') + (rest > 0 ? `; and ${rest} smaller` : '');
}

/** The memory a run may use, and where that figure comes from (for the message). */
export interface MemoryLimit {
  bytes: number;
  /** "--max-memory", "the maxMemory setting", "80% of the memory available". */
  source: string;
}

/** The default limit, with its source; `setting` names what sets another (an option, a setting). */
export function machineMemoryLimit(setting = '--max-memory'): MemoryLimit {
  return { bytes: defaultMemoryLimit(), source: `80% of the memory available; ${setting} sets another` };
}

/** Why a run of this estimate may not start within `limit`, or null. */
export function memoryProblem(estimate: RunEstimate, limit: MemoryLimit): string | null {
  if (estimate.bytes <= limit.bytes) return null;
  return `the run needs about ${formatBytes(estimate.bytes)}, more than the ${formatBytes(limit.bytes)} it may use ` +
    `(${limit.source}): ${largestConsumers(estimate)}`;
}

/** One line for `validate`: "needs about 1.2 GB; 4e9 element updates". */
export function describeEstimate(estimate: RunEstimate): string {
  return `needs about ${formatBytes(estimate.bytes)} of memory and ${formatCount(estimate.elementUpdates)} element updates` +
    (estimate.connections > 0 ? ` (${formatCount(estimate.connections)} connection${estimate.connections === 1 ? '' : 's'})` : '');
}
