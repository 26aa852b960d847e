/**
 * Recordings in the lab: a RecordingSink that streams an engine's chunks into BLOB rows,
 * and reads of a probe by neuron set and time window, with min/max decimation for plots.
 *
 * Storage: one row per chunk of one probe, `first`/`last` its sample, bin or step range.
 *   state  f32 values, samples × recorded neurons, row-major (first/last: sample index)
 *   rate   f32 Hz per bin (first/last: bin index)
 *   spikes int32 pairs (step, neuron) in time order (first/last: step of first/last spike)
 * BLOBs are little-endian (the byte order of every platform Spikeflow ships on).
 *
 * Memory stays flat while writing: each probe fills a staging buffer of about `chunkBytes`;
 * full buffers wait for the next commit, which writes them all in one transaction once
 * `batchBytes` are waiting or `commitIntervalMs` has passed. So at most
 * probes × chunkBytes + batchBytes are held, however long the run, and a crash loses at
 * most the last interval. Transactions stay short so another process can write in between.
 */
import type { RecordingChunk, RecordingSink } from '../engines/types.js';
import type { ProbeLayout } from '../recordings/csv-format.js';
import { chunkChecksum, DamagedDataError, describeRange, type DamagedRange } from './checksums.js';
import { LabError } from './errors.js';
import type { Lab } from './lab.js';
import type { ProbeTotals } from './runs.js';

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Tuning of a RecordingWriter (defaults suit runs from seconds to hours). */
export interface RecordingWriterOptions {
  /** Target size of one stored chunk (BLOB), bytes. */
  chunkBytes?: number;
  /** Bytes of full chunks that trigger a commit. */
  batchBytes?: number;
  /** Longest time data waits before it is committed, ms (also bounds what a crash loses). */
  commitIntervalMs?: number;
}

interface PendingChunk {
  probe: string;
  first: number;
  last: number;
  count: number;
  data: Buffer;
}

/** Staging area of one probe. */
interface Stage {
  layout: ProbeLayout;
  /** Numbers per row: recorded neurons (state), 1 (rate), 2 (spike pairs). */
  width: number;
  /** Rows per stored chunk. */
  capacity: number;
  buffer: Float32Array | Int32Array;
  rows: number;
  /** Sample/bin index (state, rate) or step (spikes) of the first staged row. */
  first: number;
  /** Index the next row must have to continue this chunk (state, rate); last step (spikes). */
  next: number;
  total: number;
}

function bytesOf(array: Float32Array | Int32Array, rows: number, width: number): Buffer {
  // A view, not a copy: the staging buffer is handed over and replaced, never reused.
  return Buffer.from(array.buffer, array.byteOffset, rows * width * 4);
}

/**
 * A RecordingSink writing into the lab. Call `close()` (or `flush()`) when the engine is
 * done; errors (disk full…) are thrown from `write` as LabErrors naming the run and probe.
 */
export class RecordingWriter implements RecordingSink {
  private readonly stages = new Map<string, Stage>();
  private pending: PendingChunk[] = [];
  private pendingBytes = 0;
  private lastCommit = Date.now();
  private readonly chunkBytes: number;
  private readonly batchBytes: number;
  private readonly commitIntervalMs: number;
  private readonly insert;

  /** Use `lab.recordings.writer(runId)`. */
  constructor(
    private readonly lab: Lab,
    readonly runId: number,
    layouts: readonly ProbeLayout[],
    options: RecordingWriterOptions = {},
  ) {
    if (!LITTLE_ENDIAN) throw new LabError(`${lab.file}: recording needs a little-endian CPU`, lab.file);
    this.chunkBytes = options.chunkBytes ?? 256 * 1024;
    this.batchBytes = options.batchBytes ?? 8 * 1024 * 1024;
    this.commitIntervalMs = options.commitIntervalMs ?? 1000;
    this.insert = lab.db.prepare('INSERT INTO chunks (run_id, probe, first, last, count, data, checksum) VALUES (?, ?, ?, ?, ?, ?, ?)');
    for (const layout of layouts) {
      const width = layout.kind === 'state' ? Math.max(1, layout.neurons.length) : layout.kind === 'rate' ? 1 : 2;
      const capacity = Math.max(1, Math.floor(this.chunkBytes / (4 * width)));
      const buffer = layout.kind === 'spikes' ? new Int32Array(capacity * width) : new Float32Array(capacity * width);
      this.stages.set(layout.id, { layout, width, capacity, buffer, rows: 0, first: 0, next: 0, total: 0 });
    }
  }

  /** Takes one chunk; copies it, so the engine may reuse its arrays right away. */
  write(chunk: RecordingChunk): void {
    const stage = this.stages.get(chunk.probe);
    if (!stage) {
      const known = [...this.stages.keys()].join(', ') || 'none';
      throw new LabError(`${this.lab.file}: run ${this.runId} has no probe ${JSON.stringify(chunk.probe)} (its probes: ${known})`, this.lab.file);
    }
    if (chunk.kind !== stage.layout.kind) {
      throw this.error(stage, `got a ${chunk.kind} chunk for a ${stage.layout.kind} probe`);
    }
    if (chunk.kind === 'spikes') this.stageSpikes(stage, chunk.steps, chunk.neurons);
    else if (chunk.kind === 'state') {
      if (chunk.channels !== stage.width) {
        throw this.error(stage, `chunk has ${chunk.channels} channels but the probe records ${stage.width} neurons`);
      }
      this.stageRows(stage, chunk.firstSample, chunk.values);
    } else this.stageRows(stage, chunk.firstBin, chunk.values);
    if (this.pendingBytes >= this.batchBytes || Date.now() - this.lastCommit >= this.commitIntervalMs) this.commit(true);
  }

  /** Commits everything received so far (partial chunks included). */
  flush(): void {
    this.commit(true);
  }

  /** Same as flush: the writer holds no resources besides its buffers. */
  close(): void {
    this.flush();
  }

  /** Rows received per probe (what the summary of the run reports). */
  totals(): Record<string, ProbeTotals> {
    const totals: Record<string, ProbeTotals> = {};
    for (const [id, stage] of this.stages) totals[id] = { kind: stage.layout.kind, rows: stage.total };
    return totals;
  }

  private stageRows(stage: Stage, first: number, values: Float32Array): void {
    const width = stage.width;
    const rows = values.length / width;
    if (!Number.isInteger(rows)) throw this.error(stage, `chunk of ${values.length} values is not a whole number of rows of ${width}`);
    if (rows === 0) return;
    if (stage.rows > 0 && first !== stage.next) {
      if (first < stage.next) throw this.error(stage, `chunk starts at index ${first}, before the end of the previous one (${stage.next})`);
      this.seal(stage); // a gap: the next stored chunk starts at `first`
    }
    if (stage.rows === 0) stage.first = first;
    let done = 0;
    while (done < rows) {
      const n = Math.min(rows - done, stage.capacity - stage.rows);
      stage.buffer.set(values.subarray(done * width, (done + n) * width), stage.rows * width);
      stage.rows += n;
      done += n;
      stage.next = first + done;
      if (stage.rows === stage.capacity) this.seal(stage);
    }
    stage.total += rows;
  }

  private stageSpikes(stage: Stage, steps: Int32Array, neurons: Int32Array): void {
    if (steps.length !== neurons.length) throw this.error(stage, `chunk has ${steps.length} steps but ${neurons.length} neurons`);
    for (let i = 0; i < steps.length; i++) {
      const step = steps[i]!;
      if (step < stage.next) throw this.error(stage, `spike at step ${step} arrives after one at step ${stage.next}`);
      if (stage.rows === 0) stage.first = step;
      const at = stage.rows * 2;
      stage.buffer[at] = step;
      stage.buffer[at + 1] = neurons[i]!;
      stage.rows++;
      stage.next = step;
      if (stage.rows === stage.capacity) this.seal(stage);
    }
    stage.total += steps.length;
  }

  /** Moves a stage's rows to the pending list and gives the stage a fresh buffer. */
  private seal(stage: Stage): void {
    if (stage.rows === 0) return;
    const last = stage.layout.kind === 'spikes' ? stage.next : stage.next - 1;
    const data = bytesOf(stage.buffer, stage.rows, stage.width);
    this.pending.push({ probe: stage.layout.id, first: stage.first, last, count: stage.rows, data });
    this.pendingBytes += data.byteLength;
    stage.buffer = stage.layout.kind === 'spikes' ? new Int32Array(stage.capacity * stage.width) : new Float32Array(stage.capacity * stage.width);
    stage.rows = 0;
    stage.first = stage.next;
  }

  private commit(sealAll: boolean): void {
    if (sealAll) for (const stage of this.stages.values()) this.seal(stage);
    this.lastCommit = Date.now();
    if (this.pending.length === 0) return;
    const batch = this.pending;
    // Dropped before writing so a failed batch (disk full) does not pile up in memory.
    this.pending = [];
    this.pendingBytes = 0;
    this.lab.write(`recording run ${this.runId} (probe ${JSON.stringify(batch[0]!.probe)})`, () => {
      for (const c of batch) {
        this.insert.run(this.runId, c.probe, c.first, c.last, c.count, c.data, chunkChecksum(this.runId, c.probe, c.first, c.last, c.count, c.data));
      }
      this.lab.runs.heartbeat(this.runId);
    });
  }

  private error(stage: Stage, text: string): LabError {
    return new LabError(`${this.lab.file}: run ${this.runId}, probe ${JSON.stringify(stage.layout.id)}: ${text}`, this.lab.file);
  }
}

/** One stored chunk as read back (and checked against its checksum). */
export interface StoredChunk {
  id: number;
  first: number;
  last: number;
  count: number;
  data: Buffer;
}

/** What a read does with a chunk whose checksum does not match (default: throw). */
export interface DamageHandling {
  /** Skip damaged chunks, telling this function which time range each one covered. */
  onDamaged?: (range: DamagedRange) => void;
}

/** A window of a state probe. */
export interface StateWindow {
  probe: string;
  /** Neuron indices of the columns, in order. */
  neurons: number[];
  /** Index of the first sample (sample k is at t = k·sampleMs). */
  firstSample: number;
  samples: number;
  sampleMs: number;
  /** samples × neurons, row-major; NaN where nothing was recorded. */
  values: Float32Array;
}

/** Spikes in a window. */
export interface SpikeWindow {
  probe: string;
  dt: number;
  steps: Int32Array;
  neurons: Int32Array;
}

/** A window of a rate probe. */
export interface RateWindow {
  probe: string;
  firstBin: number;
  binMs: number;
  /** Hz per bin; NaN where nothing was recorded. */
  values: Float32Array;
}

/** Min/max per time bucket: what a plot needs to draw a long trace without losing peaks. */
export interface MinMaxSeries {
  probe: string;
  /** Neuron of each column (state), or null for a rate probe's single column. */
  neurons: number[] | null;
  buckets: number;
  /** Time of the first sample of each bucket, ms. */
  timesMs: Float64Array;
  /** buckets × columns, row-major; NaN for a bucket with no data. */
  min: Float32Array;
  max: Float32Array;
}

/** A time window in ms (inclusive; either end open) and, for state/spike probes, a neuron set. */
export interface WindowQuery {
  fromMs?: number;
  toMs?: number;
  neurons?: readonly number[];
}

/** A Float32Array over a BLOB, copying only when the BLOB is not 4-byte aligned. */
export function f32Of(data: Buffer): Float32Array {
  if (data.byteOffset % 4 === 0) return new Float32Array(data.buffer, data.byteOffset, data.byteLength / 4);
  return new Float32Array(new Uint8Array(data).buffer);
}

/** An Int32Array over a BLOB, copying only when the BLOB is not 4-byte aligned. */
export function i32Of(data: Buffer): Int32Array {
  if (data.byteOffset % 4 === 0) return new Int32Array(data.buffer, data.byteOffset, data.byteLength / 4);
  return new Int32Array(new Uint8Array(data).buffer);
}

/** Tolerance when turning ms into indices, so 0.3 ms / 0.1 ms is sample 3, not 2.9999…. */
const INDEX_EPSILON = 1e-9;

/** Reading recordings of one lab. Obtain through `lab.recordings`. */
export class RecordingStore {
  private readonly sql;

  /** Prepares every statement once; they are reused for the life of the lab. */
  constructor(private readonly lab: Lab) {
    const db = lab.db;
    this.sql = {
      // Keyset pagination on (last, id): chunks of a probe are in time order, and no cursor
      // stays open between pages, so the caller may await (and others may write) in between.
      page: db.prepare(
        `SELECT id, first, last, count, data, checksum FROM chunks
         WHERE run_id = ? AND probe = ? AND (last, id) > (?, ?) AND first <= ?
         ORDER BY last, id LIMIT ?`,
      ),
      extent: db.prepare('SELECT min(first) AS first, max(last) AS last, sum(count) AS rows FROM chunks WHERE run_id = ? AND probe = ?'),
    };
  }

  /** A sink that streams chunks of run `runId` into the lab. */
  writer(runId: number, options?: RecordingWriterOptions): RecordingWriter {
    return new RecordingWriter(this.lab, runId, this.lab.runs.probes(runId), options);
  }

  /**
   * The stored chunks of a probe overlapping [from, to] (sample, bin or step indices), a
   * page of `pageSize` chunks at a time, in time order. Memory: one page. Every chunk is
   * checked against its checksum: a damaged one throws a DamagedDataError naming the run,
   * probe and time range, or is left out and reported to `damage.onDamaged`.
   */
  *pages(runId: number, probe: string, from = 0, to = Number.MAX_SAFE_INTEGER, pageSize = 8, damage: DamageHandling = {}): Generator<StoredChunk[]> {
    let afterLast = from - 1;
    let afterId = Number.MAX_SAFE_INTEGER;
    for (;;) {
      const page = this.lab.guard(`reading run ${runId}, probe ${JSON.stringify(probe)}`, () =>
        this.sql.page.all(runId, probe, afterLast, afterId, to, pageSize) as Array<StoredChunk & { checksum: number | null }>,
      );
      const intact = page.filter((c) => {
        if (c.checksum === chunkChecksum(runId, probe, c.first, c.last, c.count, c.data)) return true;
        const range = this.rangeOf(runId, probe, c.first, c.last);
        if (!damage.onDamaged) {
          throw new DamagedDataError(`${this.lab.file}: ${describeRange(range)} is damaged (the stored data does not match its checksum)`, this.lab.file, range);
        }
        damage.onDamaged(range);
        return false;
      });
      if (intact.length > 0) yield intact;
      if (page.length < pageSize) return;
      const tail = page[page.length - 1]!;
      afterLast = tail.last;
      afterId = tail.id;
    }
  }

  /** The time range (ms) covered by the index range [first, last] of a probe. */
  rangeOf(runId: number, probe: string, first: number, last: number): DamagedRange {
    let fromMs = Number.NaN;
    let toMs = Number.NaN;
    try {
      const { layout, dt } = this.probeOf(runId, probe);
      const step = layout.kind === 'state' ? layout.every : layout.kind === 'rate' ? layout.binSteps : 1;
      fromMs = first * step * dt;
      toMs = (layout.kind === 'rate' ? last + 1 : last) * step * dt;
    } catch {
      // The run or probe row is unreadable too: the range stays unknown (NaN).
    }
    return { runId, probe, fromMs, toMs };
  }

  /** Samples of a state probe for some neurons (default all) in a time window. */
  readState(runId: number, probeId: string, query: WindowQuery = {}): StateWindow {
    const { layout, dt } = this.probeOf(runId, probeId, 'state');
    const sampleMs = layout.every * dt;
    const columns = this.columnsOf(runId, layout, query.neurons);
    const extent = this.extent(runId, probeId);
    const [s0, s1] = clampWindow(query, sampleMs, extent);
    const samples = Math.max(0, s1 - s0 + 1);
    const width = layout.neurons.length;
    const values = new Float32Array(samples * columns.length).fill(Number.NaN);
    for (const page of this.pages(runId, probeId, s0, s1)) {
      for (const chunk of page) {
        const data = f32Of(chunk.data);
        const lo = Math.max(s0, chunk.first);
        const hi = Math.min(s1, chunk.last);
        for (let s = lo; s <= hi; s++) {
          const src = (s - chunk.first) * width;
          const dst = (s - s0) * columns.length;
          for (let j = 0; j < columns.length; j++) values[dst + j] = data[src + columns[j]!]!;
        }
      }
    }
    return { probe: probeId, neurons: columns.map((c) => Number(layout.neurons[c])), firstSample: s0, samples, sampleMs, values };
  }

  /** Spikes of a probe in a time window, optionally only of some neurons. */
  readSpikes(runId: number, probeId: string, query: WindowQuery = {}): SpikeWindow {
    const { dt } = this.probeOf(runId, probeId, 'spikes');
    const extent = this.extent(runId, probeId);
    const [s0, s1] = clampWindow(query, dt, extent);
    const wanted = query.neurons && new Set(query.neurons);
    // Sized from the checked chunks themselves, not from the stored row counts, which a
    // damaged row could make huge.
    const parts: Int32Array[] = [];
    let total = 0;
    for (const page of this.pages(runId, probeId, s0, s1)) {
      for (const chunk of page) {
        const pairs = i32Of(chunk.data);
        const kept = new Int32Array(pairs.length);
        let k = 0;
        for (let i = 0; i < pairs.length; i += 2) {
          const step = pairs[i]!;
          if (step < s0 || step > s1) continue;
          const neuron = pairs[i + 1]!;
          if (wanted && !wanted.has(neuron)) continue;
          kept[k++] = step;
          kept[k++] = neuron;
        }
        if (k > 0) parts.push(kept.subarray(0, k));
        total += k / 2;
      }
    }
    const steps = new Int32Array(total);
    const neurons = new Int32Array(total);
    let n = 0;
    for (const part of parts) {
      for (let i = 0; i < part.length; i += 2, n++) {
        steps[n] = part[i]!;
        neurons[n] = part[i + 1]!;
      }
    }
    return { probe: probeId, dt, steps, neurons };
  }

  /** Bins of a rate probe in a time window. */
  readRate(runId: number, probeId: string, query: WindowQuery = {}): RateWindow {
    const { layout, dt } = this.probeOf(runId, probeId, 'rate');
    const binMs = layout.binSteps * dt;
    const [b0, b1] = clampWindow(query, binMs, this.extent(runId, probeId));
    const values = new Float32Array(Math.max(0, b1 - b0 + 1)).fill(Number.NaN);
    for (const page of this.pages(runId, probeId, b0, b1)) {
      for (const chunk of page) {
        const data = f32Of(chunk.data);
        const lo = Math.max(b0, chunk.first);
        const hi = Math.min(b1, chunk.last);
        values.set(data.subarray(lo - chunk.first, hi - chunk.first + 1), lo - b0);
      }
    }
    return { probe: probeId, firstBin: b0, binMs, values };
  }

  /**
   * Min and max per bucket of a state or rate probe over a window, streaming through the
   * chunks: memory is the output plus one page, whatever the window's length. With fewer
   * samples than buckets, each sample is its own bucket (min = max = the value).
   */
  decimate(runId: number, probeId: string, query: WindowQuery & { buckets: number }): MinMaxSeries {
    const steps = this.decimateSteps(runId, probeId, query);
    for (;;) {
      const step = steps.next();
      if (step.done) return step.value;
    }
  }

  /**
   * `decimate` one page of chunks (at most 8 × 256 KiB) per step: the generator yields
   * after each page and returns the series, so an async caller can let other requests run
   * in between (see src-main/api/recording-reads.ts).
   */
  *decimateSteps(runId: number, probeId: string, query: WindowQuery & { buckets: number }): Generator<void, MinMaxSeries> {
    if (!(query.buckets >= 1)) throw new LabError(`${this.lab.file}: decimation needs at least 1 bucket`, this.lab.file);
    const { layout, dt } = this.probeOf(runId, probeId);
    if (layout.kind === 'spikes') {
      throw new LabError(`${this.lab.file}: run ${runId}, probe ${JSON.stringify(probeId)} records spikes; decimation applies to state and rate probes (use readSpikes)`, this.lab.file);
    }
    const stepMs = layout.kind === 'state' ? layout.every * dt : layout.binSteps * dt;
    const width = layout.kind === 'state' ? layout.neurons.length : 1;
    const columns = layout.kind === 'state' ? this.columnsOf(runId, layout, query.neurons) : [0];
    const [s0, s1] = clampWindow(query, stepMs, this.extent(runId, probeId));
    const n = Math.max(0, s1 - s0 + 1);
    const buckets = Math.min(Math.floor(query.buckets), n);
    const cols = columns.length;
    const min = new Float32Array(buckets * cols).fill(Number.NaN);
    const max = new Float32Array(buckets * cols).fill(Number.NaN);
    const timesMs = new Float64Array(buckets);
    for (let b = 0; b < buckets; b++) timesMs[b] = (s0 + Math.ceil((b * n) / buckets)) * stepMs;
    for (const page of buckets === 0 ? [] : this.pages(runId, probeId, s0, s1)) {
      for (const chunk of page) {
        const data = f32Of(chunk.data);
        const lo = Math.max(s0, chunk.first);
        const hi = Math.min(s1, chunk.last);
        for (let s = lo; s <= hi; s++) {
          const at = Math.floor(((s - s0) * buckets) / n) * cols;
          const src = (s - chunk.first) * width;
          for (let j = 0; j < cols; j++) {
            const v = data[src + columns[j]!]!;
            const k = at + j;
            // NaN compares false, so the first value of a bucket replaces the NaN fill.
            if (!(v >= min[k]!)) min[k] = v;
            if (!(v <= max[k]!)) max[k] = v;
          }
        }
      }
      yield;
    }
    return { probe: probeId, neurons: layout.kind === 'state' ? columns.map((c) => Number(layout.neurons[c])) : null, buckets, timesMs, min, max };
  }

  /** First and last stored index of a probe, and its row count (rows 0 when empty). */
  extent(runId: number, probeId: string): { first: number; last: number; rows: number } {
    const row = this.lab.guard(`reading run ${runId}`, () => this.sql.extent.get(runId, probeId) as { first: number | null; last: number | null; rows: number | null });
    return row.rows === null ? { first: 0, last: -1, rows: 0 } : { first: row.first!, last: row.last!, rows: row.rows };
  }

  private probeOf<K extends ProbeLayout['kind']>(runId: number, probeId: string, kind?: K): { layout: Extract<ProbeLayout, { kind: K }>; dt: number } {
    const run = this.lab.runs.get(runId);
    const layout = this.lab.runs.probe(runId, probeId);
    if (kind && layout.kind !== kind) {
      throw new LabError(`${this.lab.file}: run ${runId}, probe ${JSON.stringify(probeId)} records ${layout.kind}, not ${kind}`, this.lab.file);
    }
    return { layout: layout as Extract<ProbeLayout, { kind: K }>, dt: run.dt };
  }

  /** Column indices of the requested neurons in a state probe's rows. */
  private columnsOf(runId: number, layout: Extract<ProbeLayout, { kind: 'state' }>, neurons?: readonly number[]): number[] {
    const all = Array.from(layout.neurons, Number);
    if (!neurons) return all.map((_, i) => i);
    const index = new Map(all.map((n, i) => [n, i] as const));
    return neurons.map((n) => {
      const column = index.get(n);
      if (column === undefined) {
        throw new LabError(
          `${this.lab.file}: run ${runId}, probe ${JSON.stringify(layout.id)} did not record neuron ${n} (it recorded ${describeSet(all)})`,
          this.lab.file,
        );
      }
      return column;
    });
  }
}

/** Index range [first, last] of a window in ms over a probe's stored extent. */
function clampWindow(query: WindowQuery, stepMs: number, extent: { first: number; last: number }): [number, number] {
  const from = query.fromMs === undefined ? extent.first : Math.max(extent.first, Math.ceil(query.fromMs / stepMs - INDEX_EPSILON));
  const to = query.toMs === undefined ? extent.last : Math.min(extent.last, Math.floor(query.toMs / stepMs + INDEX_EPSILON));
  return [from, to];
}

/** "0–9" for a contiguous range, else the first few indices. */
function describeSet(values: number[]): string {
  if (values.length === 0) return 'none';
  const contiguous = values.every((v, i) => v === values[0]! + i);
  if (contiguous && values.length > 2) return `${values[0]}–${values[values.length - 1]}`;
  return values.length <= 8 ? values.join(', ') : `${values.slice(0, 8).join(', ')}, … (${values.length} neurons)`;
}
