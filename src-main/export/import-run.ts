/**
 * `spikeflow import-run <dir> --project <project.json>`: the recordings an exported script
 * wrote (CSV files in Spikeflow's layout, src-main/recordings/csv-format.ts) become a run of
 * the project in the lab, next to Spikeflow's own runs, so the plots can overlay them.
 * Every file is checked against the layout the project's probes give (name, header, time
 * stamps on the step grid, number of samples); a file that does not fit is refused by name.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { compile, type RunOverrides } from '../compiler/compile.js';
import type { Plan, PlanProbe } from '../compiler/plan.js';
import type { PopulationSummary, RecordingChunk } from '../engines/types.js';
import { csvHeader, layoutOf } from '../recordings/csv-format.js';
import { roundHalfAway } from '../../src-shared/expr/numeric.js';
import type { ProjectDocument } from '../../src-shared/document/schema.js';
import type { Lab } from '../store/lab.js';
import { recordRun } from '../store/run-recorder.js';

export interface ImportRunOptions {
  /** Name of the project in the lab (default: the document's name). */
  name?: string;
  /** Who computed the recordings, e.g. "brian2" (stored as the run's engine, "imported: …"). */
  simulator: string;
  overrides?: RunOverrides;
}

export interface ImportedRun {
  runId: number;
  projectName: string;
  versionNumber: number;
  probes: number;
}

/** Bytes a number of a CSV row takes at most, with its comma (a float32 printed in full, a time). */
const CELL_BYTES = 32;

/**
 * The largest CSV file a run of `plan` writes for `probe`, generously: its rows (known for
 * traces and rates, at most a spike of every neuron at every step for spikes) of
 * CELL_BYTES per number, and the header. A larger file is not this project's recording,
 * and is refused before it is read: parsed into rows, a file of some hundred megabytes
 * would take gigabytes.
 */
export function largestCsvBytes(plan: Plan, probe: PlanProbe): number {
  const header = csvHeader(layoutOf(probe)).join(',').length + 2;
  if (probe.kind === 'state') {
    // Weight snapshots: a row (t, pre, post, w) per connection and snapshot.
    const cells = probe.snapshots !== undefined ? 4 * probe.neurons.length : probe.neurons.length + 1;
    return header + (Math.floor(plan.steps / probe.every) + 1) * cells * CELL_BYTES;
  }
  if (probe.kind === 'rate') return header + Math.ceil(plan.steps / probe.binSteps) * 2 * CELL_BYTES;
  const neurons = probe.neurons?.length ?? plan.blocks.find((b) => b.id === probe.block)!.size;
  return header + (plan.steps + 1) * neurons * 2 * CELL_BYTES;
}

/** Throws where a probe's file is larger than any run of the plan writes (largestCsvBytes). */
function checkCsvSize(plan: Plan, probe: PlanProbe, bytes: number): void {
  const most = largestCsvBytes(plan, probe);
  if (bytes > most) {
    const mb = (n: number) => `${(n / 1e6).toPrecision(3)} MB`;
    throw new Error(`${probe.id}.csv: ${mb(bytes)}, more than a run of ${plan.duration} ms writes for this probe (at most ${mb(most)}; give --duration if the script ran longer)`);
  }
}

/** Reads one probe's CSV text into recording chunks, checking it against the probe's layout. */
export function readProbeCsv(plan: Plan, probe: PlanProbe, text: string): RecordingChunk {
  const file = `${probe.id}.csv`;
  checkCsvSize(plan, probe, text.length);
  // A file saved on Windows ends its lines with CRLF.
  const lines = text.split(/\r?\n/).filter((l) => l !== '');
  const expected = csvHeader(layoutOf(probe)).join(',');
  if (lines[0] !== expected) throw new Error(`${file}: header "${lines[0] ?? ''}" is not "${expected}"`);
  const rows = lines.slice(1).map((l, k) => {
    const cells = l.split(',').map(Number);
    if (cells.some((x) => Number.isNaN(x) && !l.includes('NaN'))) throw new Error(`${file}, line ${k + 2}: not a number`);
    return cells;
  });
  const stepOf = (t: number, line: number) => {
    const s = roundHalfAway(t / plan.dt);
    if (Math.abs(s * plan.dt - t) > 1e-6 * Math.max(1, Math.abs(t))) throw new Error(`${file}, line ${line}: time ${t} ms is not on the step grid (dt ${plan.dt} ms)`);
    if (s < 0 || s > plan.steps) throw new Error(`${file}, line ${line}: time ${t} ms is outside the run (${plan.duration} ms; give --duration if the script ran longer)`);
    return s;
  };
  if (probe.kind === 'state') {
    const samples = Math.floor(plan.steps / probe.every) + 1;
    if (rows.length !== samples) {
      throw new Error(`${file}: ${rows.length} samples, but a run of ${plan.duration} ms records ${samples} (give --duration if the script ran for another time)`);
    }
    rows.forEach((r, k) => { if (stepOf(r[0]!, k + 2) !== k * probe.every) throw new Error(`${file}, line ${k + 2}: sample ${k} should be at ${k * probe.every * plan.dt} ms`); });
    return { probe: probe.id, kind: 'state', firstSample: 0, channels: probe.neurons.length, values: Float32Array.from(rows.flatMap((r) => r.slice(1))) };
  }
  if (probe.kind === 'spikes') {
    const steps = rows.map((r, k) => stepOf(r[0]!, k + 2));
    return { probe: probe.id, kind: 'spikes', steps: Int32Array.from(steps), neurons: Int32Array.from(rows.map((r) => r[1]!)) };
  }
  const bins = Math.ceil(plan.steps / probe.binSteps);
  if (rows.length !== bins) throw new Error(`${file}: ${rows.length} bins, but a run of ${plan.duration} ms has ${bins}`);
  return { probe: probe.id, kind: 'rate', firstBin: 0, values: Float32Array.from(rows.map((r) => r[1]!)) };
}

/** Spikes and mean rate of the blocks whose every neuron a spike probe records. */
function populations(plan: Plan, chunks: RecordingChunk[]): PopulationSummary[] {
  const seconds = (plan.steps * plan.dt) / 1000;
  const out: PopulationSummary[] = [];
  for (const p of plan.probes) {
    if (p.kind !== 'spikes' || p.neurons || out.some((x) => x.block === p.block)) continue;
    const chunk = chunks.find((c) => c.probe === p.id);
    const size = plan.blocks.find((b) => b.id === p.block)!.size;
    const spikes = chunk && chunk.kind === 'spikes' ? chunk.steps.length : 0;
    out.push({ block: p.block, size, spikes, rateHz: seconds > 0 ? spikes / size / seconds : 0 });
  }
  return out;
}

/** Imports the CSV files of `dir` as a finished run of `doc` in `lab`. */
export function importRun(lab: Lab, doc: ProjectDocument, dir: string, options: ImportRunOptions): ImportedRun {
  const plan = compile(doc, options.overrides ?? {});
  const missing = plan.probes.filter((p) => !existsSync(join(dir, `${p.id}.csv`))).map((p) => `${p.id}.csv`);
  if (missing.length > 0) throw new Error(`${dir} lacks ${missing.join(', ')} (one CSV per probe of the project)`);
  // Sizes first: a file far larger than the project's recording is refused unread.
  for (const p of plan.probes) checkCsvSize(plan, p, statSync(join(dir, `${p.id}.csv`)).size);
  const files = new Map(plan.probes.map((p) => [`${p.id}.csv`, readFileSync(join(dir, `${p.id}.csv`), 'utf8')]));
  return importRunFiles(lab, doc, files, { ...options, importedFrom: resolve(dir) });
}

/**
 * Imports CSV texts by file name ("<probe>.csv", as the script writes them) as a finished
 * run of `doc` in `lab`: the app's import, where the files come from the page, not a folder.
 */
export function importRunFiles(
  lab: Lab,
  doc: ProjectDocument,
  files: ReadonlyMap<string, string>,
  options: ImportRunOptions & { importedFrom?: string },
): ImportedRun {
  const plan = compile(doc, options.overrides ?? {});
  const missing = plan.probes.filter((p) => !files.has(`${p.id}.csv`)).map((p) => `${p.id}.csv`);
  if (missing.length > 0) throw new Error(`missing ${missing.join(', ')} (one CSV per probe of the project)`);
  // Everything is read and checked before the lab is touched.
  const chunks = plan.probes.map((p) => readProbeCsv(plan, p, files.get(`${p.id}.csv`)!));
  const engine = `imported: ${options.simulator}`;
  const recording = recordRun(lab, {
    project: options.name ?? doc.name,
    document: doc,
    plan,
    engine,
    settings: { ...(options.importedFrom !== undefined ? { importedFrom: options.importedFrom } : {}), simulator: options.simulator, durationMs: plan.duration },
    message: 'saved by spikeflow import-run',
  });
  try {
    for (const c of chunks) recording.sink.write(c);
    recording.finish({ status: 'finished', stepsDone: plan.steps, wallMs: 0, engine, populations: populations(plan, chunks) });
  } catch (err) {
    recording.fail(err);
    throw err;
  }
  return { runId: recording.runId, projectName: recording.projectName, versionNumber: recording.versionNumber, probes: chunks.length };
}
