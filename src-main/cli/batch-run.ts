/**
 * `spikeflow run … --sweep <block>.<param>=v1,v2,… --seeds N`: one document becomes B copies
 * (every value × every seed), run side by side on the WebGPU engine's batch path, each
 * copy's recordings written as its own CSV set in `<out-dir>/<label>/<probe>.csv`. Without a
 * GPU the copies run one after another on the CPU engine.
 */
import { join } from 'node:path';
import type { ProjectDocument } from '../../src-shared/document/schema.js';
import type { Plan } from '../compiler/plan.js';
import type { Engine, RecordingSink, RunResult } from '../engines/types.js';
import { BatchMismatchError } from '../engines/webgpu/errors.js';
import { f32TimeProblem } from '../engines/webgpu/f32-time.js';
import type { GpuTuning } from '../engines/webgpu/tuning.js';
import { CsvFolderSink } from '../recordings/csv-writer.js';
import { expandSweep, SweepError } from '../sweeps/expand.js';

/**
 * The sweep's copies for the command line: `expandSweep` with its problems worded as the
 * option at fault (`--sweep: …`, `--seeds: …`).
 */
export function expandSweepOption(doc: ProjectDocument, spec: string, seeds?: number): { docs: ProjectDocument[]; labels: string[] } {
  try {
    return expandSweep(doc, spec, seeds);
  } catch (err) {
    if (!(err instanceof SweepError)) throw err;
    // Each copy writes its own folder, so on the command line a repeated value is a folder clash.
    const message = err.code === 'duplicate' ? 'two values give the same folder name; list each value once' : err.message;
    throw new Error(`--${err.field}: ${message}`, { cause: err });
  }
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
      const reason = created.unavailable;
      console.error(`${reason.charAt(0).toUpperCase()}${reason.slice(1)}: running the ${plans.length} copies one after another on the CPU`);
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
    if (!(e instanceof BatchMismatchError)) throw e;
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
