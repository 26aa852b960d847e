/**
 * CSV export of a run's recordings, streamed from the lab: chunk rows are read a page at a
 * time and formatted into a fixed pair of byte buffers (one filling while the other is
 * written), so memory stays flat whatever the recording's length. The layout is the one
 * of src-main/recordings/csv-format.ts (units in every header), numbers byte-identical to
 * its formatValue/formatTime through the fast writers of fast-format.ts; rows end in "\n"
 * and header cells are quoted only when they hold a comma, quote or line break (as
 * csv-stringify does by default).
 */
import fs from 'node:fs';
import path from 'node:path';
import { csvHeader, csvLongHeader, csvWeightsHeader, hasSnapshots, type ProbeLayout } from '../recordings/csv-format.js';
import type { DamagedRange } from './checksums.js';
import { LabError } from './errors.js';
import { makeTimeWriter, MAX_TIME_BYTES, MAX_VALUE_BYTES, writeInt, writeText, writeValue, type TimeWriter } from './fast-format.js';
import type { Lab } from './lab.js';
import { f32Of, i32Of, type StoredChunk } from './recordings.js';
import { snapshotsAt } from './weight-snapshots.js';
import { makeFolder } from '../files/make-folder.js';

/** Where CSV bytes go: a stream, or a function whose promise resolves once `bytes` may be reused. */
export type CsvTarget = NodeJS.WritableStream | ((bytes: Uint8Array) => Promise<void>);

/** Options of a CSV export. */
export interface CsvExportOptions {
  /** Only these probes (default: all of the run's). */
  probes?: readonly string[];
  /** State probes in the long format `t (ms),neuron,value` instead of one column per neuron. */
  long?: boolean;
  /**
   * Weight-snapshots probes: only the snapshots nearest these times (ms); a time outside
   * the stored snapshots is refused (weight-snapshots.ts, snapshotsAt). Other probes: all.
   */
  atMs?: readonly number[];
  /** Called after each block of bytes is handed to the output, with the total so far. */
  onProgress?: (bytesWritten: number) => void;
  /**
   * Leave out chunks whose data does not match its checksum (listed in `damaged`) instead
   * of failing: what is intact is exported, and nothing damaged is passed off as good.
   */
  skipDamaged?: boolean;
}

/** One file written by `exportRunCsv`. */
export interface ExportedCsv {
  probe: string;
  file: string;
  bytes: number;
  /** Data rows (header excluded). */
  rows: number;
  /** Time ranges left out because their data was damaged (only with `skipDamaged`). */
  damaged: DamagedRange[];
}

const COMMA = 44;
const NEWLINE = 10;
const BUFFER_BYTES = 1 << 20;

/** A header cell, quoted only when it must be. */
function csvCell(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Two byte buffers: rows are formatted into one while the other is being written. */
class ByteOut {
  buf: Buffer;
  private spare: Buffer;
  pos = 0;
  /** Past this position a row may not fit: flush first. */
  readonly limit: number;
  total = 0;
  private inflight: Promise<void> | null = null;

  constructor(
    private readonly send: (bytes: Uint8Array) => Promise<void>,
    maxRowBytes: number,
    private readonly onProgress?: (bytes: number) => void,
  ) {
    const size = Math.max(BUFFER_BYTES, 4 * maxRowBytes);
    this.buf = Buffer.allocUnsafe(size);
    this.spare = Buffer.allocUnsafe(size);
    this.limit = size - maxRowBytes;
  }

  async flush(): Promise<void> {
    if (this.pos === 0) return;
    const bytes = this.buf.subarray(0, this.pos);
    await this.inflight;
    this.inflight = this.send(bytes);
    [this.buf, this.spare] = [this.spare, this.buf];
    this.total += this.pos;
    this.pos = 0;
    this.onProgress?.(this.total);
  }

  async end(): Promise<number> {
    await this.flush();
    await this.inflight;
    return this.total;
  }
}

function senderOf(target: CsvTarget): (bytes: Uint8Array) => Promise<void> {
  if (typeof target === 'function') return target;
  return (bytes) =>
    new Promise<void>((resolve, reject) => {
      // A stream may keep the chunk after write() returns: give it its own copy.
      const ok = target.write(Buffer.from(bytes), (err) => (err ? reject(err) : undefined));
      if (ok) resolve();
      else target.once('drain', () => resolve());
    });
}

/**
 * Fills `out` with rows of `chunk` from row `row` on, until the chunk ends or the buffer is
 * nearly full; returns the next row to write. Synchronous so the hot loop stays optimised.
 */
type RowFormatter = (out: ByteOut, chunk: StoredChunk, data: Float32Array | Int32Array, row: number) => number;

/** Wide format: one row per sample, a column per neuron (a rate probe: one column, a row per bin). */
function wideRows(width: number, every: number, time: TimeWriter): RowFormatter {
  return (out, chunk, data, row) => {
    const buf = out.buf;
    const limit = out.limit;
    let pos = out.pos;
    for (; row < chunk.count && pos <= limit; row++) {
      pos = time(buf, pos, (chunk.first + row) * every);
      const base = row * width;
      for (let c = 0; c < width; c++) {
        buf[pos++] = COMMA;
        pos = writeValue(buf, pos, data[base + c]!);
      }
      buf[pos++] = NEWLINE;
    }
    out.pos = pos;
    return row;
  };
}

/** Long format: one row per (sample, neuron); `row` counts those pairs within the chunk. */
function longStateRows(neurons: readonly number[], every: number, time: TimeWriter): RowFormatter {
  const width = neurons.length;
  return (out, chunk, data, row) => {
    const buf = out.buf;
    const limit = out.limit;
    let pos = out.pos;
    const end = chunk.count * width;
    for (; row < end && pos <= limit; row++) {
      const sample = Math.floor(row / width);
      pos = time(buf, pos, (chunk.first + sample) * every);
      buf[pos++] = COMMA;
      pos = writeInt(buf, pos, neurons[row - sample * width]!);
      buf[pos++] = COMMA;
      pos = writeValue(buf, pos, data[row]!);
      buf[pos++] = NEWLINE;
    }
    out.pos = pos;
    return row;
  };
}

/**
 * Weight snapshots: one row per (snapshot, connection) — t, pre, post, w; `row` counts those
 * pairs within the chunk. With `chosen`, snapshots not in it are passed over.
 */
function weightRows(pre: ArrayLike<number>, post: ArrayLike<number>, every: number, time: TimeWriter, chosen: Set<number> | null): RowFormatter {
  const width = pre.length;
  return (out, chunk, data, row) => {
    const buf = out.buf;
    const limit = out.limit;
    let pos = out.pos;
    const end = chunk.count * width;
    while (row < end && pos <= limit) {
      const sample = Math.floor(row / width);
      if (chosen && !chosen.has(chunk.first + sample)) {
        row = (sample + 1) * width;
        continue;
      }
      const c = row - sample * width;
      pos = time(buf, pos, (chunk.first + sample) * every);
      buf[pos++] = COMMA;
      pos = writeInt(buf, pos, pre[c]!);
      buf[pos++] = COMMA;
      pos = writeInt(buf, pos, post[c]!);
      buf[pos++] = COMMA;
      pos = writeValue(buf, pos, data[row]!);
      buf[pos++] = NEWLINE;
      row++;
    }
    out.pos = pos;
    return row;
  };
}

function spikeRows(time: TimeWriter): RowFormatter {
  return (out, chunk, data, row) => {
    const buf = out.buf;
    const limit = out.limit;
    let pos = out.pos;
    for (; row < chunk.count && pos <= limit; row++) {
      pos = time(buf, pos, data[2 * row]!);
      buf[pos++] = COMMA;
      pos = writeInt(buf, pos, data[2 * row + 1]!);
      buf[pos++] = NEWLINE;
    }
    out.pos = pos;
    return row;
  };
}

interface ProbePlan {
  header: string[];
  maxRowBytes: number;
  format: RowFormatter;
  /** Rows of a chunk the formatter steps through (it may pass some over). */
  rowsOf(chunk: StoredChunk): number;
  /** Data rows a chunk yields in the file (default: rowsOf). */
  writtenOf?(chunk: StoredChunk): number;
  decode(data: Buffer): Float32Array | Int32Array;
}

function planFor(layout: ProbeLayout, dt: number, long: boolean, chosen: Set<number> | null = null): ProbePlan {
  const time = makeTimeWriter(dt);
  if (hasSnapshots(layout)) {
    const width = layout.neurons.length;
    const { pre, post } = layout.snapshots;
    const inChunk = (c: StoredChunk) => {
      if (!chosen) return c.count;
      let n = 0;
      for (const s of chosen) if (s >= c.first && s < c.first + c.count) n++;
      return n;
    };
    return {
      header: csvWeightsHeader(layout),
      maxRowBytes: MAX_TIME_BYTES + MAX_VALUE_BYTES + 48,
      format: weightRows(pre, post, layout.every, time, chosen),
      rowsOf: (c) => c.count * width,
      writtenOf: (c) => inChunk(c) * width,
      decode: f32Of,
    };
  }
  if (layout.kind === 'spikes') {
    return { header: csvHeader(layout), maxRowBytes: MAX_TIME_BYTES + 24, format: spikeRows(time), rowsOf: (c) => c.count, decode: i32Of };
  }
  if (layout.kind === 'rate') {
    return { header: csvHeader(layout), maxRowBytes: MAX_TIME_BYTES + MAX_VALUE_BYTES + 2, format: wideRows(1, layout.binSteps, time), rowsOf: (c) => c.count, decode: f32Of };
  }
  const neurons = Array.from(layout.neurons, Number);
  if (long) {
    return {
      header: csvLongHeader(layout),
      maxRowBytes: MAX_TIME_BYTES + MAX_VALUE_BYTES + 24,
      format: longStateRows(neurons, layout.every, time),
      rowsOf: (c) => c.count * neurons.length,
      decode: f32Of,
    };
  }
  return {
    header: csvHeader(layout),
    maxRowBytes: MAX_TIME_BYTES + neurons.length * (MAX_VALUE_BYTES + 1) + 1,
    format: wideRows(neurons.length, layout.every, time),
    rowsOf: (c) => c.count,
    decode: f32Of,
  };
}

/**
 * Streams one probe of a run as CSV into `target`; returns the bytes and data rows
 * written. Reads one page of chunks at a time: memory does not grow with the recording.
 * A weight-snapshots probe is written one row per snapshot and connection (t, pre, post, w),
 * whatever `long` says; `atMs` picks its snapshots.
 */
export async function writeProbeCsv(
  lab: Lab,
  runId: number,
  probeId: string,
  target: CsvTarget,
  options: Pick<CsvExportOptions, 'long' | 'onProgress' | 'atMs'> & { onDamaged?: (range: DamagedRange) => void } = {},
): Promise<{ bytes: number; rows: number }> {
  const run = lab.runs.get(runId);
  const layout = lab.runs.probe(runId, probeId);
  const chosen = hasSnapshots(layout) && options.atMs ? new Set(snapshotsAt(lab, runId, probeId, options.atMs)) : null;
  const plan = planFor(layout, run.dt, options.long ?? false, chosen);
  const out = new ByteOut(senderOf(target), plan.maxRowBytes + 4 * plan.header.join(',').length, options.onProgress);
  out.pos = writeText(out.buf, 0, `${plan.header.map(csvCell).join(',')}\n`);
  let rows = 0;
  const damage = options.onDamaged ? { onDamaged: options.onDamaged } : {};
  for (const page of lab.recordings.pages(runId, probeId, undefined, undefined, undefined, damage)) {
    for (const chunk of page) {
      const data = plan.decode(chunk.data);
      const count = plan.rowsOf(chunk);
      let row = 0;
      while (row < count) {
        if (out.pos > out.limit) await out.flush();
        row = plan.format(out, chunk, data, row);
      }
      rows += plan.writtenOf ? plan.writtenOf(chunk) : count;
    }
  }
  return { bytes: await out.end(), rows };
}

/** A file name for a probe id (block ids are already safe; anything else is replaced). */
function fileNameOf(probeId: string): string {
  return `${probeId.replace(/[^A-Za-z0-9_.-]/g, '_')}.csv`;
}

/** The temporary name a CSV file has until it is complete. */
export const PARTIAL_SUFFIX = '.partial';

/**
 * Removes `*.csv.partial` files from `dir`: what an export or a run killed before it could
 * rename (or remove) its files left behind. They are never complete, so nothing is lost.
 */
export function removeLeftoverPartials(dir: string): void {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return; // no folder yet: nothing left over
  }
  for (const name of names) {
    if (!name.endsWith(`.csv${PARTIAL_SUFFIX}`)) continue;
    try {
      fs.rmSync(path.join(dir, name), { force: true });
    } catch {
      // not a plain file (a folder of that name): not ours to remove
    }
  }
}

/**
 * Writes `<probe>.csv` for each probe of a run (or the chosen ones) into `outDir`, created
 * if needed. Each file is written under a temporary name and renamed when complete, so an
 * interrupted export never leaves a truncated file that looks whole; temporary files an
 * earlier, killed export left in `outDir` are removed first.
 */
export async function exportRunCsv(lab: Lab, runId: number, outDir: string, options: CsvExportOptions = {}): Promise<ExportedCsv[]> {
  lab.runs.get(runId); // a missing run is an error, not an export of nothing
  const all = lab.runs.probes(runId);
  const chosen = options.probes ? options.probes.map((id) => lab.runs.probe(runId, id)) : all;
  try {
    makeFolder(outDir);
  } catch (cause) {
    throw new LabError(`cannot create the output folder ${outDir}: ${(cause as Error).message}`, lab.file, { cause });
  }
  removeLeftoverPartials(outDir);
  const written: ExportedCsv[] = [];
  let before = 0;
  for (const layout of chosen) {
    const file = path.join(outDir, fileNameOf(layout.id));
    const temp = `${file}${PARTIAL_SUFFIX}`;
    const damaged: DamagedRange[] = [];
    let handle: fs.promises.FileHandle | undefined;
    try {
      handle = await fs.promises.open(temp, 'w');
      const fh = handle;
      const send = async (bytes: Uint8Array) => {
        for (let done = 0; done < bytes.byteLength; ) done += (await fh.write(bytes, done, bytes.byteLength - done)).bytesWritten;
      };
      const result = await writeProbeCsv(lab, runId, layout.id, send, {
        long: options.long,
        ...(options.atMs ? { atMs: options.atMs } : {}),
        onProgress: options.onProgress && ((bytes) => options.onProgress!(before + bytes)),
        ...(options.skipDamaged ? { onDamaged: (range: DamagedRange) => damaged.push(range) } : {}),
      });
      await handle.close();
      handle = undefined;
      await fs.promises.rename(temp, file);
      before += result.bytes;
      written.push({ probe: layout.id, file, ...result, damaged });
    } catch (cause) {
      await handle?.close().catch(() => undefined);
      await fs.promises.rm(temp, { force: true });
      if (cause instanceof LabError) throw cause;
      throw new LabError(`cannot write ${file}: ${(cause as Error).message}`, lab.file, { cause });
    }
  }
  return written;
}
