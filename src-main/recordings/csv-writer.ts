/**
 * A RecordingSink that writes one CSV file per probe into a folder, as chunks arrive, so a
 * long run never holds its recording in memory. Layout: csv-format.ts. Fields never need
 * quoting (block ids are identifiers, values numbers), so lines are joined directly.
 */
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { Plan } from '../compiler/plan.js';
import type { RecordingChunk, RecordingSink } from '../engines/types.js';
import { csvHeader, formatTime, formatValue, layoutOf, type ProbeLayout } from './csv-format.js';

export class CsvFolderSink implements RecordingSink {
  private readonly files = new Map<string, { fd: number; layout: ProbeLayout }>();
  readonly paths: string[] = [];

  constructor(private readonly plan: Plan, dir: string) {
    try {
      mkdirSync(dir, { recursive: true });
    } catch (cause) {
      throw new Error(`cannot create the output folder ${dir}: ${(cause as Error).message}`, { cause });
    }
    for (const p of plan.probes) {
      const path = join(dir, `${p.id}.csv`);
      let fd: number;
      try {
        fd = openSync(path, 'w');
      } catch (cause) {
        throw new Error(`cannot write ${path}: ${(cause as Error).message}`, { cause });
      }
      const layout = layoutOf(p);
      writeSync(fd, csvHeader(layout).join(',') + '\n');
      this.files.set(p.id, { fd, layout });
      this.paths.push(path);
    }
  }

  write(chunk: RecordingChunk): void {
    const f = this.files.get(chunk.probe);
    if (!f) return;
    const dt = this.plan.dt;
    const lines: string[] = [];
    if (chunk.kind === 'state' && f.layout.kind === 'state') {
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
    if (lines.length > 0) writeSync(f.fd, lines.join('\n') + '\n');
  }

  close(): void {
    for (const f of this.files.values()) closeSync(f.fd);
    this.files.clear();
  }
}
