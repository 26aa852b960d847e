/**
 * A RecordingSink that writes one CSV file per probe into a folder, as chunks arrive, so a
 * long run never holds its recording in memory. Layout: csv-format.ts. Fields never need
 * quoting (block ids are identifiers, values numbers), so lines are joined directly.
 *
 * Each file is written as `<probe>.csv.partial` and renamed to `<probe>.csv` by `close()`,
 * so a run killed midway or a full disk never leaves a truncated file under the name of a
 * complete one; temporary files such a run left behind are removed when the next one starts.
 */
import { closeSync, openSync, readdirSync, renameSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { Plan } from '../compiler/plan.js';
import type { RecordingChunk, RecordingSink } from '../engines/types.js';
import { csvHeader, csvWeightsHeader, formatTime, formatValue, hasSnapshots, layoutOf, type ProbeLayout } from './csv-format.js';
import { makeFolder } from '../files/make-folder.js';

/** The suffix of a CSV file until it is complete. */
const PARTIAL = '.partial';

interface OpenCsv {
  fd: number;
  layout: ProbeLayout;
  /** The final name. */
  path: string;
}

/** "cannot write <file>: <why>": Node's own messages for write errors name no file. */
function writeError(path: string, cause: unknown): Error {
  const err = cause as NodeJS.ErrnoException;
  const why = err.code === 'ENOSPC' ? 'the disk is full' : err.message;
  return new Error(`cannot write ${path}: ${why}`, { cause });
}

export class CsvFolderSink implements RecordingSink {
  private readonly files = new Map<string, OpenCsv>();
  /** Final paths of the CSV files (they exist under these names once `close()` has run). */
  readonly paths: string[] = [];
  private failed = false;

  constructor(private readonly plan: Plan, dir: string) {
    try {
      makeFolder(dir);
    } catch (cause) {
      throw new Error(`cannot create the output folder ${dir}: ${(cause as Error).message}`, { cause });
    }
    for (const name of readdirSync(dir)) if (name.endsWith(`.csv${PARTIAL}`)) rmSync(join(dir, name), { force: true });
    try {
      for (const p of plan.probes) {
        const path = join(dir, `${p.id}.csv`);
        let fd: number;
        try {
          fd = openSync(path + PARTIAL, 'w');
        } catch (cause) {
          throw writeError(path, cause);
        }
        const layout = layoutOf(p);
        this.files.set(p.id, { fd, layout, path });
        this.paths.push(path);
        const header = hasSnapshots(layout) ? csvWeightsHeader(layout) : csvHeader(layout);
        this.append(this.files.get(p.id)!, header.join(',') + '\n');
      }
    } catch (err) {
      this.failed = true;
      this.close();
      throw err;
    }
  }

  write(chunk: RecordingChunk): void {
    const f = this.files.get(chunk.probe);
    if (!f) return;
    const dt = this.plan.dt;
    const lines: string[] = [];
    if (chunk.kind === 'state' && hasSnapshots(f.layout)) {
      // Weight snapshots: one row per snapshot and connection (t, pre, post, w).
      const { every, snapshots: { pre, post } } = f.layout;
      const samples = chunk.values.length / chunk.channels;
      for (let s = 0; s < samples; s++) {
        const t = formatTime((chunk.firstSample + s) * every, dt);
        for (let c = 0; c < chunk.channels; c++) lines.push(`${t},${pre[c]},${post[c]},${formatValue(chunk.values[s * chunk.channels + c]!)}`);
      }
    } else if (chunk.kind === 'state' && f.layout.kind === 'state') {
      const { every } = f.layout;
      const samples = chunk.values.length / chunk.channels;
      for (let s = 0; s < samples; s++) {
        let line = formatTime((chunk.firstSample + s) * every, dt);
        for (let c = 0; c < chunk.channels; c++) line += ',' + formatValue(chunk.values[s * chunk.channels + c]!);
        lines.push(line);
      }
    } else if (chunk.kind === 'spikes') {
      for (let k = 0; k < chunk.steps.length; k++) lines.push(`${formatTime(chunk.steps[k]!, dt)},${chunk.neurons[k]}`);
    } else if (chunk.kind === 'rate' && f.layout.kind === 'rate') {
      const { binSteps } = f.layout;
      for (let b = 0; b < chunk.values.length; b++) lines.push(`${formatTime((chunk.firstBin + b) * binSteps, dt)},${formatValue(chunk.values[b]!)}`);
    }
    if (lines.length > 0) this.append(f, lines.join('\n') + '\n');
  }

  /**
   * Closes the files and gives them their final names. After a failed write none of them
   * is complete: they are removed instead (which also frees the space on a full disk).
   */
  close(): void {
    let error: Error | undefined;
    for (const f of this.files.values()) {
      try {
        closeSync(f.fd);
      } catch (cause) {
        error ??= writeError(f.path, cause);
      }
    }
    if (error) this.failed = true;
    if (this.failed) this.removeAll();
    else for (const f of this.files.values()) renameSync(f.path + PARTIAL, f.path);
    this.files.clear();
    if (error) throw error;
  }

  private append(f: OpenCsv, text: string): void {
    try {
      writeSync(f.fd, text);
    } catch (cause) {
      this.failed = true;
      throw writeError(f.path, cause);
    }
  }

  private removeAll(): void {
    for (const f of this.files.values()) rmSync(f.path + PARTIAL, { force: true });
  }
}
