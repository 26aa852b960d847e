/**
 * Single runs: `startRun` compiles, saves the document as a new version if it changed,
 * creates the run in the store and returns at once; the engine works off the main thread
 * (the CPU engine in a worker, the WebGPU engine on the GPU), its recordings stream into
 * the store (run-tracker.ts), and `run-ended` is sent last. `stopRun` aborts through the
 * run's AbortSignal (every copy, for a run of a sweep). A live run (`live: true`) is kept
 * in the run's settings and trims the project's live runs to the rolling set (live-runs.ts).
 */
import type { RunInfo, RunRequest } from '../../src-shared/api.js';
import type { RunOverrides } from '../compiler/compile.js';
import type { Plan } from '../compiler/plan.js';
import type { ProjectDocument } from '../../src-shared/document/schema.js';
import { cpuThreads } from '../engines/cpu/cpu-engine.js';
import { selectEngine, type SelectedEngine } from '../engines/select.js';
import type { PreparedDocument } from '../store/projects.js';
import { recordRun, type RunRecording } from '../store/run-recorder.js';
import { loadConnectionStates } from '../store/connection-states.js';
import { ContinueFromError, continueFrom } from '../compiler/continue-from.js';
import type { ActiveRun, ServiceContext } from './context.js';
import { checkedDocument, compiled, runMemoryLimit } from './documents.js';
import { ApiError } from './errors.js';
import { dropOldLiveRuns } from './live-runs.js';
import type { InfoMapper } from './run-info.js';
import { lostRunInfo, trackRun } from './run-tracker.js';

/** The run-time overrides a request gives (text with units). */
export function requestOverrides(request: Pick<RunRequest, 'dt' | 'duration' | 'seed'>, withSeed = true): RunOverrides {
  const overrides: RunOverrides = {};
  if (request.dt !== undefined) overrides.dt = request.dt;
  if (request.duration !== undefined) overrides.duration = request.duration;
  if (withSeed && request.seed !== undefined) overrides.seed = request.seed;
  return overrides;
}

/** A run request's document, checked, and its plan: what startRun does before storing anything. */
export interface CheckedRun {
  /** The document, or its stored form where it was checked elsewhere (off the web host's event loop). */
  doc: ProjectDocument | { prepared: PreparedDocument };
  plan: Plan;
}

/** Checks and compiles a run request's document (refused over its memory limit); throws an ApiError. */
export function checkRunRequest(request: RunRequest): CheckedRun & { doc: ProjectDocument } {
  const doc = checkedDocument(request.document);
  const plan = compiled(doc, requestOverrides(request), runMemoryLimit(request.maxMemory));
  return { doc, plan };
}

export function runControl(ctx: ServiceContext, info: InfoMapper) {
  const { lab, app, active, sweeps, emit } = ctx;

  function execute(runId: number, recording: RunRecording, plan: Plan, engine: SelectedEngine, controller: AbortController, threads?: number): Promise<RunInfo> {
    const tracker = trackRun(ctx, info, runId, recording, plan);
    // Through a promise, so that even a synchronous throw (a worker that cannot start) ends the run as failed.
    return Promise.resolve()
      .then(() => engine.engine.run(plan, { sink: tracker.sink, onProgress: tracker.onProgress, signal: controller.signal, ...(threads ? { threads } : {}) }))
      .then((result) => tracker.end(result, null), (err: unknown) => tracker.end(null, err))
      .catch((err: unknown): RunInfo => lostRunInfo(runId, plan, engine.engine, err))
      .then((ended) => {
        active.delete(runId);
        engine.dispose();
        emit('run-ended', ended);
        return ended;
      });
  }

  async function startRun(request: RunRequest): Promise<RunInfo> {
    return startCheckedRun(request, () => checkRunRequest(request));
  }

  /**
   * startRun with the document check and compilation given as `checked`, called after the
   * project is found (so errors come in the same order): the web host runs them off its
   * event loop (web-host/frame-checks.ts) and passes the outcome here.
   */
  async function startCheckedRun(request: RunRequest, checked: () => CheckedRun): Promise<RunInfo> {
    if (ctx.disposed) throw new ApiError('Spikeflow is shutting down; the run was not started');
    const project = lab.projects.get(request.projectId);
    const { doc, plan } = checked();
    if (request.continueFrom !== undefined) startFromRun(plan, request.continueFrom);
    const overrides = requestOverrides(request);
    const engine = await selectEngine(request.engine, { plan });
    // Chosen once (the default reads the load), so the lab keeps what the engine uses.
    const threads = engine.engine.name === 'cpu' ? cpuThreads(plan, request.threads) : undefined;
    let recording: RunRecording;
    try {
      recording = recordRun(lab, {
        project: project.name,
        document: doc,
        plan,
        engine: engine.engine.name,
        settings: {
          ...overrides,
          durationMs: plan.duration,
          engineRequested: request.engine,
          device: engine.engine.device,
          ...(engine.note ? { engineNote: engine.note } : {}),
          ...(request.live ? { live: true } : {}),
          ...(threads !== undefined ? { threads } : {}),
          ...(request.continueFrom !== undefined ? { continueFrom: request.continueFrom } : {}),
        },
        message: 'saved by a run',
      });
    } catch (err) {
      engine.dispose();
      throw err;
    }
    // The scratch project's runs are of unsaved documents, whose draft must stay.
    if (app.scratchId() !== project.id) app.clearDraft(project.id);
    const controller = new AbortController();
    const entry: ActiveRun = { controller, plan, ended: Promise.resolve(null as unknown as RunInfo) };
    active.set(recording.runId, entry);
    const started = info.getRunInfo(recording.runId);
    entry.ended = execute(recording.runId, recording, plan, engine, controller, threads);
    if (request.live) dropLiveRuns(project.id);
    return started;
  }

  /** Starts the plan's plastic synapses from run `runId`'s final weights (continue-from.ts); refusals as ApiErrors. */
  function startFromRun(plan: Plan, runId: number): void {
    try {
      continueFrom(plan, runId, loadConnectionStates(lab, runId));
    } catch (err) {
      if (err instanceof ContinueFromError) throw new ApiError(err.message);
      throw err;
    }
  }

  /** Trims the project's live runs to the rolling set; a failure only leaves more runs. */
  function dropLiveRuns(projectId: number): void {
    try {
      dropOldLiveRuns(ctx, projectId);
    } catch (err) {
      console.warn(`old live runs of project ${projectId} could not be deleted: ${(err as Error).message}`);
    }
  }

  async function stopRun(runId: number): Promise<void> {
    const sweep = sweeps.get(runId);
    if (sweep) {
      sweep.controller.abort();
      await sweep.ended;
      return;
    }
    const run = active.get(runId);
    if (!run) {
      lab.runs.get(runId); // a LabError naming the run if there is none
      return; // already ended
    }
    run.controller.abort();
    await run.ended;
  }

  /** Pins or unpins a run (a pinned run is never dropped from live mode's rolling set). */
  async function pinRun(runId: number, pinned: boolean): Promise<RunInfo> {
    lab.runs.updateSettings(runId, (s) => {
      const { pinned: _old, ...rest } = s;
      return pinned ? { ...rest, pinned: true } : rest;
    });
    return info.getRunInfo(runId);
  }

  async function deleteRun(runId: number): Promise<void> {
    if (active.has(runId)) throw new ApiError(`run ${runId} is still running; stop it before deleting it`);
    lab.runs.delete(runId);
  }

  return { startRun, startCheckedRun, stopRun, pinRun, deleteRun, dropLiveRuns };
}
