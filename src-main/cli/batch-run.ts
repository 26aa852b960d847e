/**
 * `spikeflow run … --sweep <block>.<param>=v1,v2,… --seeds N`: one document becomes B copies
 * (every value × every seed), run side by side on the WebGPU engine's batch path, each
 * copy's recordings written as its own CSV set in `<out-dir>/<label>/<probe>.csv`. Without a
 * GPU the copies run one after another on the CPU engine.
 */
import { join } from 'node:path';
import { blockDef } from '../../kernels/index.js';
import type { ProjectDocument } from '../../src-shared/document/schema.js';
import { toUnit } from '../../src-shared/units.js';
import type { Plan } from '../compiler/plan.js';
import type { Engine, RecordingSink, RunResult } from '../engines/types.js';
import { f32TimeProblem } from '../engines/webgpu/f32-time.js';
import type { GpuTuning } from '../engines/webgpu/tuning.js';
import { CsvFolderSink } from '../recordings/csv-writer.js';

/** A folder-safe label: letters, digits and . _ = - survive, the rest becomes _. */
function safeLabel(text: string): string {
  return text.replace(/\s+/g, '').replace(/[^A-Za-z0-9._=-]/g, '_');
}

/**
 * Expands a sweep spec (`<block>.<param>=v1,v2,…`, or '' for none) and a seed count into
 * documents and labels: every value × every seed (seeds run + 0 … N − 1 from the
 * document's seed). Throws with a message naming the block, parameter or value at fault.
 */
export function expandSweep(doc: ProjectDocument, spec: string, seeds?: number): { docs: ProjectDocument[]; labels: string[] } {
  type Variant = { label: string; apply: (d: ProjectDocument) => void };
  let values: Variant[] = [{ label: '', apply: () => {} }];
  const text = spec.trim();
  if (text.length > 0) {
    const m = /^([^.=\s]+)\.([^=\s]+)\s*=\s*(.*)$/.exec(text);
    if (!m) throw new Error(`--sweep: "${spec}" is not of the form <block>.<param>=<v1>,<v2>,…`);
    const [, blockId, param, list] = m as unknown as [string, string, string, string];
    const block = doc.blocks.find((b) => b.id === blockId);
    if (!block) throw new Error(`--sweep: no block "${blockId}" in the project (blocks: ${doc.blocks.map((b) => b.id).join(', ') || 'none'})`);
    const def = blockDef(block.type);
    if (!def) throw new Error(`--sweep: block "${blockId}" has an unknown type "${block.type}"`);
    const p = def.params[param];
    if (!p) {
      const names = Object.entries(def.params).filter(([, d]) => d.kind === 'quantity' || d.kind === 'integer').map(([n]) => n);
      throw new Error(`--sweep: block "${blockId}" (${def.type}) has no parameter "${param}" (numeric parameters: ${names.join(', ') || 'none'})`);
    }
    if (p.kind !== 'quantity' && p.kind !== 'integer') {
      throw new Error(`--sweep: parameter "${param}" of block "${blockId}" is a ${p.kind}, not a number; only numeric parameters can be swept`);
    }
    const items = list.split(',').map((v) => v.trim()).filter((v) => v.length > 0);
    if (items.length === 0) throw new Error(`--sweep: no values given for ${blockId}.${param}`);
    values = items.map((item) => {
      const value: number | string = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(item) ? Number(item) : item;
      if (p.kind === 'integer') {
        if (typeof value !== 'number' || !Number.isInteger(value)) throw new Error(`--sweep: value "${item}" for ${blockId}.${param} must be an integer`);
      } else {
        try {
          toUnit(value, p.unit);
        } catch (e) {
          throw new Error(`--sweep: value "${item}" for ${blockId}.${param} (in ${p.unit || 'no unit'}): ${(e as Error).message}`, { cause: e });
        }
      }
      return {
        label: `${blockId}.${param}=${item}`,
        apply: (d: ProjectDocument) => { d.blocks.find((b) => b.id === blockId)!.params[param] = value; },
      };
    });
  }
  let seedList: Array<number | undefined> = [undefined];
  if (seeds !== undefined) {
    if (!Number.isInteger(seeds) || seeds < 1) throw new Error(`--seeds: "${seeds}" is not a positive integer`);
    seedList = Array.from({ length: seeds }, (_, k) => (doc.run.seed + k) % 2 ** 32);
  }
  const docs: ProjectDocument[] = [];
  const labels: string[] = [];
  for (const v of values) {
    for (const seed of seedList) {
      const d = structuredClone(doc);
      v.apply(d);
      if (seed !== undefined) d.run.seed = seed;
      docs.push(d);
      const parts = [v.label, seed !== undefined ? `seed=${seed}` : ''].filter((x) => x.length > 0);
      labels.push(safeLabel(parts.join('_') || 'run'));
    }
  }
  if (new Set(labels).size !== labels.length) throw new Error('--sweep: two values give the same folder name; list each value once');
  return { docs, labels };
}

function summaryLine(label: string, r: RunResult): string {
  const pops = r.populations.map((p) => `${p.block} ${p.rateHz.toFixed(2)} Hz`).join(', ');
  return `  ${label}: ${r.status}, ${r.stepsDone} steps${pops ? `; ${pops}` : ''}`;
}

/**
 * Runs the copies of a sweep and writes `<outDir>/<label>/<probe>.csv` for each. Uses the
 * WebGPU batch path when a GPU adapter exists (copies that fold to different code run one
 * by one there), else the CPU engine copy after copy, saying why in one line.
 */
export async function runSweepCli(opts: { plans: Plan[]; labels: string[]; outDir: string; tuning?: GpuTuning }): Promise<void> {
  const { plans, labels, outDir } = opts;
  if (plans.length !== labels.length) throw new Error('internal: one label per plan is needed');
  const sinks = plans.map((p, k) => new CsvFolderSink(p, join(outDir, labels[k]!)));
  const controller = new AbortController();
  const onSigint = () => controller.abort();
  process.once('SIGINT', onSigint);
  const started = performance.now();
  let results: RunResult[];
  try {
    const webgpu = await import('../engines/webgpu/index.js');
    const timeProblem = plans.map(f32TimeProblem).find((x) => x !== null) ?? null;
    const created = timeProblem ? { unavailable: timeProblem } : await webgpu.createWebGpuEngine(opts.tuning);
    if ('engine' in created) {
      const engine = created.engine;
      try {
        console.error(`running ${plans.length} copies side by side on ${engine.deviceDescription}`);
        results = await runOnGpu(engine, plans, sinks, controller.signal);
      } finally {
        engine.dispose();
      }
    } else {
      console.error(`using the CPU engine, one copy after another: ${created.unavailable}`);
      const { cpuEngine } = await import('../engines/cpu/cpu-engine.js');
      results = await runEach(cpuEngine, plans, sinks, controller.signal);
    }
  } finally {
    process.off('SIGINT', onSigint);
    for (const s of sinks) s.close();
  }
  console.log(`${plans.length} copies in ${((performance.now() - started) / 1000).toFixed(3)} s wall time`);
  results.forEach((r, k) => console.log(summaryLine(labels[k]!, r)));
  console.log(`wrote ${plans.length} CSV set(s) under ${outDir}`);
  if (results.some((r) => r.status === 'cancelled')) process.exitCode = 130;
}

async function runOnGpu(
  engine: import('../engines/webgpu/index.js').WebGpuEngine,
  plans: Plan[],
  sinks: RecordingSink[],
  signal: AbortSignal,
): Promise<RunResult[]> {
  try {
    return await engine.runBatch(plans, { sinks, signal });
  } catch (e) {
    if (!/^batch copy \d+ .*(folds to different code|differs in structure)/.test((e as Error).message)) throw e;
    console.error(`the copies cannot share one program (${(e as Error).message}); running them one by one`);
    return runEach(engine, plans, sinks, signal);
  }
}

async function runEach(engine: Engine, plans: Plan[], sinks: RecordingSink[], signal: AbortSignal): Promise<RunResult[]> {
  const out: RunResult[] = [];
  for (let k = 0; k < plans.length; k++) {
    out.push(await engine.run(plans[k]!, { sink: sinks[k]!, signal }));
    if (signal.aborted) break;
  }
  return out;
}
