/**
 * Sweeps: `startSweep` expands the request into copies (every value × every seed, as the
 * CLI's `--sweep`, through src-main/sweeps), stores one run per copy of the same project
 * version (the copy's value and the sweep's id and label in its settings, read back as
 * `RunInfo.sweep`) and runs them side by side on the WebGPU engine's batch path, or one
 * after another (the CPU engine, with a note saying why, or copies that cannot share one
 * GPU program). Each copy streams and ends like a run; `stopRun` of any copy stops the
 * whole sweep (runs.ts).
 */
import crypto from 'node:crypto';
import { blockDefIn } from '../compiler/document-types.js';
import { MAX_SWEEP_COPIES, type EngineName, type RunInfo, type RunSweepInfo, type SweepRequest, type SweepSpec } from '../../src-shared/api.js';
import type { ProjectDocument } from '../../src-shared/document/schema.js';
import type { Plan } from '../compiler/plan.js';
import { selectEngine, type SelectedEngine } from '../engines/select.js';
import type { Engine, Progress, RecordingSink, RunResult } from '../engines/types.js';
import { BatchMismatchError } from '../engines/webgpu/errors.js';
import { recordRun, type RunRecording } from '../store/run-recorder.js';
import { BARE_NUMBER, expandSweep, SweepError } from '../sweeps/expand.js';
import type { ServiceContext } from './context.js';
import { checkedDocument, compiled, oneLine, runMemoryLimit } from './documents.js';
import { ApiError } from './errors.js';
import type { InfoMapper } from './run-info.js';
import { requestOverrides } from './runs.js';
import { lostRunInfo, trackRun, type RunTracker } from './run-tracker.js';
import { own } from '../../src-shared/own.js';

/** An engine that runs copies of one network side by side (the WebGPU engine). */
interface BatchEngine {
  runBatch(plans: Plan[], options: { sinks?: RecordingSink[]; onProgress?: (p: Progress) => void; signal?: AbortSignal }): Promise<RunResult[]>;
}

/** A copy of a running sweep. */
interface SweepCopy {
  runId: number;
  plan: Plan;
  tracker: RunTracker;
  ended: boolean;
}

/** The tag of one copy, before the sweep's id, count and label are known. */
type CopyTag = Omit<RunSweepInfo, 'id' | 'count' | 'label'>;

/** Picks the engine of a sweep: never refuses; without a (suitable) GPU, the CPU engine with a note. */
async function sweepEngine(choice: EngineName, copies: number, plan: Plan): Promise<{ engine: SelectedEngine; note: string | null }> {
  const selected = await selectEngine(choice, { plan, copies, fallback: true });
  const batch = typeof (selected.engine as Partial<BatchEngine>).runBatch === 'function';
  if (batch || copies <= 1) return { engine: selected, note: selected.note ?? null };
  const why = selected.note ?? `using the ${selected.engine.name === 'cpu' ? 'CPU' : selected.engine.name} engine`;
  return { engine: selected, note: `${why}; the ${copies} copies run one after another` };
}

/** The sweep's copies as documents and tags (every value × every seed), or an ApiError saying what is wrong. */
export function sweepCopies(doc: ProjectDocument, sweep: SweepSpec | null, seeds: number | undefined): { docs: ProjectDocument[]; tags: CopyTag[]; label: string } {
  let values: string[] = [];
  let unit = '';
  if (sweep) {
    values = sweep.values.map((v) => v.trim());
    const odd = values.find((v) => v === '' || v.includes(','));
    if (odd !== undefined) throw new ApiError(`sweep: ${odd === '' ? 'an empty value' : `"${odd}" holds a ","`}; give one value per entry`);
    const twice = values.find((v, i) => values.indexOf(v) !== i);
    if (twice !== undefined) throw new ApiError(`sweep: the value "${twice}" is listed twice; list each value once`);
    if (values.length === 0) throw new ApiError(`sweep: no values given for ${sweep.block}.${sweep.param}`);
    const type = doc.blocks.find((b) => b.id === sweep.block)?.type;
    const def = type ? blockDefIn(doc, type) : undefined;
    const p = def ? own(def.params, sweep.param) : undefined;
    if (p?.kind === 'quantity') unit = p.unit;
  }
  let expanded: { docs: ProjectDocument[] };
  try {
    expanded = expandSweep(doc, sweep ? `${sweep.block}.${sweep.param}=${values.join(',')}` : '', seeds);
  } catch (err) {
    if (!(err instanceof SweepError)) throw err;
    const message = err.code === 'duplicate' ? 'two values are the same; list each value once' : err.message;
    throw new ApiError(`${err.field}: ${message}`, undefined, { cause: err });
  }
  const shown = (v: string) => (unit && BARE_NUMBER.test(v) ? `${v} ${unit}` : v);
  const name = sweep ? `${sweep.block}.${sweep.param}` : '';
  const seedList = seeds === undefined ? [null] : Array.from({ length: seeds }, (_, k) => (doc.run.seed + k) % 2 ** 32);
  const tags: CopyTag[] = [];
  for (const value of sweep ? values : [null]) {
    for (const seed of seedList) {
      const parts = [value !== null ? `${name} = ${shown(value)}` : '', seed !== null ? `seed ${seed}` : ''].filter(Boolean);
      tags.push({
        copyLabel: parts.join(', ') || 'run', index: tags.length,
        block: sweep?.block ?? null, param: sweep?.param ?? null, value,
      });
    }
  }
  const seedText = seeds === undefined ? '' : `${seeds} seed${seeds === 1 ? '' : 's'}`;
  const label = [sweep ? `${name} = ${values.map(shown).join(', ')}` : '', seedText].filter(Boolean).join(', ') || 'run';
  if (tags.length !== expanded.docs.length) throw new Error('internal: the sweep expanded to an unexpected number of copies');
  return { docs: expanded.docs, tags, label };
}

export function sweepControl(ctx: ServiceContext, info: InfoMapper, dropLiveRuns: (projectId: number) => void) {
  const { lab, app, active, sweeps, emit } = ctx;

  async function startSweep(request: SweepRequest): Promise<RunInfo[]> {
    if (ctx.disposed) throw new ApiError('Spikeflow is shutting down; the sweep was not started');
    const project = lab.projects.get(request.projectId);
    const doc = checkedDocument(request.document);
    const count = (request.sweep?.values.length ?? 1) * (request.seeds ?? 1);
    if (count > MAX_SWEEP_COPIES) throw new ApiError(`a sweep may have at most ${MAX_SWEEP_COPIES} copies (values × seeds); this one has ${count}`);
    // The copies carry the seed (seeds count up from it); dt and duration apply to all.
    const base = structuredClone(doc);
    if (request.seed !== undefined) base.run.seed = request.seed;
    const { docs, tags, label } = sweepCopies(base, request.sweep, request.seeds);
    const overrides = requestOverrides(request, false);
    // Every copy's plan is held at once: each may use its share of the memory.
    const limit = runMemoryLimit(request.maxMemory);
    const share = { bytes: limit.bytes / docs.length, source: `${limit.source}, shared by ${docs.length} copies` };
    const plans = docs.map((d, k) => {
      try {
        return compiled(d, overrides, share);
      } catch (err) {
        if (err instanceof ApiError && request.sweep && docs.length > 0) {
          throw new ApiError(`with ${tags[k]!.copyLabel}: ${err.message}`, err.diagnostics, { cause: err });
        }
        throw err;
      }
    });
    const { engine, note } = await sweepEngine(request.engine, plans.length, plans[0]!);
    const sweepId = crypto.randomUUID();
    const stored: RunRecording[] = [];
    try {
      plans.forEach((plan, k) => {
        const settings: Record<string, unknown> = {
          ...overrides,
          ...(request.seed !== undefined ? { seed: request.seed } : {}),
          durationMs: plan.duration,
          engineRequested: request.engine,
          device: engine.engine.device,
          ...(note ? { engineNote: note } : {}),
          ...(request.live ? { live: true } : {}),
          sweep: { id: sweepId, label, count: plans.length, ...tags[k]! } satisfies RunSweepInfo,
        };
        // Every copy is a run of the document as given (one version); the copy's value is in its settings.
        stored.push(recordRun(lab, { project: project.name, document: doc, plan, engine: engine.engine.name, settings, message: 'saved by a sweep' }));
      });
    } catch (err) {
      for (const recording of stored) recording.fail(err);
      engine.dispose();
      throw err;
    }
    if (app.scratchId() !== project.id) app.clearDraft(project.id);
    const controller = new AbortController();
    const copies: SweepCopy[] = stored.map((recording, k) => ({
      runId: recording.runId, plan: plans[k]!, tracker: trackRun(ctx, info, recording.runId, recording, plans[k]!), ended: false,
    }));
    let endAll!: (infos: RunInfo[]) => void;
    const allEnded = new Promise<RunInfo[]>((resolve) => { endAll = resolve; });
    for (const [k, c] of copies.entries()) {
      active.set(c.runId, { controller, plan: c.plan, ended: allEnded.then((infos) => infos[k]!) });
    }
    const entry = { controller, ended: allEnded };
    for (const c of copies) sweeps.set(c.runId, entry);
    const infos = copies.map((c) => info.getRunInfo(c.runId));
    void executeSweep(copies, engine, controller.signal).then((ended) => {
      for (const c of copies) sweeps.delete(c.runId);
      endAll(ended);
    });
    if (request.live) dropLiveRuns(project.id);
    return infos;
  }

  /**
   * Runs a sweep's copies: side by side on the GPU (one batch), or one after another (CPU
   * engine, or copies that cannot share one GPU program). Each copy ends (store, events) as
   * soon as it is done; never rejects.
   */
  async function executeSweep(copies: SweepCopy[], engine: SelectedEngine, signal: AbortSignal): Promise<RunInfo[]> {
    const infos: RunInfo[] = new Array(copies.length);
    const endCopy = (k: number, result: RunResult | null, error: unknown) => {
      const c = copies[k]!;
      if (c.ended) return;
      c.ended = true;
      let ended: RunInfo;
      try {
        ended = c.tracker.end(result, error);
      } catch (err) {
        ended = lostRunInfo(c.runId, c.plan, engine.engine, err);
      }
      active.delete(c.runId);
      infos[k] = ended;
      emit('run-ended', ended);
    };
    const notStarted = (): RunResult => ({ status: 'cancelled', stepsDone: 0, wallMs: 0, engine: engine.engine.name, populations: [] });
    try {
      let oneByOne = true;
      const batch = engine.engine as Engine & Partial<BatchEngine>;
      if (typeof batch.runBatch === 'function' && copies.length > 1) {
        oneByOne = false;
        try {
          const results = await batch.runBatch(copies.map((c) => c.plan), {
            sinks: copies.map((c) => c.tracker.sink),
            onProgress: (p) => { for (const c of copies) c.tracker.onProgress(p); },
            signal,
          });
          results.forEach((r, k) => endCopy(k, r, null));
        } catch (err) {
          if (!(err instanceof BatchMismatchError)) throw err;
          oneByOne = true;
          noteOnCopies(copies, `the copies cannot share one GPU program (${oneLine(err.message)}); they run one after another`);
        }
      }
      if (oneByOne) {
        for (const [k, c] of copies.entries()) {
          if (signal.aborted) {
            endCopy(k, notStarted(), null);
            continue;
          }
          try {
            endCopy(k, await engine.engine.run(c.plan, { sink: c.tracker.sink, onProgress: c.tracker.onProgress, signal }), null);
          } catch (err) {
            endCopy(k, null, err); // the other values still run
          }
        }
      }
    } catch (err) {
      // The batch failed as a whole (a diverging copy, a lost device): every copy fails with its message.
      copies.forEach((_, k) => endCopy(k, null, err));
    } finally {
      copies.forEach((_, k) => endCopy(k, null, new Error('the sweep ended before this copy ran')));
      engine.dispose();
    }
    return infos;
  }

  /** Adds a note to the stored settings of running copies (shown as their message). */
  function noteOnCopies(copies: SweepCopy[], note: string): void {
    try {
      for (const c of copies) {
        lab.runs.updateSettings(c.runId, (s) => ({
          ...s,
          engineNote: `${typeof s.engineNote === 'string' ? `${s.engineNote}; ` : ''}${note}`,
        }));
      }
    } catch {
      // A note is informative only.
    }
  }

  return { startSweep };
}
