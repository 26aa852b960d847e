/**
 * The Spikeflow service: every method of the typed API (src-shared/api.ts) implemented over
 * the lab store, the compiler and the engines. Both transports (Electron IPC in
 * src-main/app, WebSocket in src-main/web-host) validate requests with dispatch.ts and call
 * this object; it never sees an unvalidated payload and knows nothing of its transport.
 *
 * Runs: `startRun` compiles, saves the document as a new version if it changed, creates the
 * run in the store and returns at once; the engine works off the main thread (the CPU
 * engine in a worker, the WebGPU engine on the GPU), its recordings stream into the store,
 * and the service pushes `run-progress` and `run-data` (each at most ~10 per second) and
 * finally `run-ended`. `stopRun` aborts through the run's AbortSignal. A request from live
 * mode (`live: true`, a run or a sweep) is kept in the run's settings, read back as `RunInfo.live`.
 *
 * Sweeps: `startSweep` expands the request into copies (every value × every seed, as the
 * CLI's `--sweep`), stores one run per copy of the same project version (the copy's value
 * and the sweep's id and label in its settings, read back as `RunInfo.sweep`) and runs them
 * side by side on the WebGPU engine's batch path, or one after another (the CPU engine,
 * with a note saying why, or copies that cannot share one GPU program). Each copy streams
 * and ends like a run; `stopRun` of any copy stops the whole sweep.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { blockDef } from '../../kernels/index.js';
import {
  MAX_SWEEP_COPIES,
  type ApiDiagnostic, type ApiEvents, type EngineName, type EngineStatus, type ExampleInfo, type OpenProject, type ProbeInfo, type ProjectSummary,
  type ProjectVersionInfo, type RunInfo, type RunRequest, type RunSweepInfo, type SpikeData, type SpikeflowApi, type SweepRequest,
  type SweepSpec, type TraceData,
} from '../../src-shared/api.js';
import { DocumentError } from '../../src-shared/document/errors.js';
import { parseDocument, parseDocumentText } from '../../src-shared/document/load.js';
import type { ProjectDocument } from '../../src-shared/document/schema.js';
import { compile, type RunOverrides } from '../compiler/compile.js';
import { CompileError } from '../compiler/diagnostics.js';
import type { Plan } from '../compiler/plan.js';
import { expandSweep } from '../cli/batch-run.js';
import { probeEngines, selectEngine, type SelectedEngine } from '../engines/select.js';
import type { Engine, Progress, RecordingChunk, RecordingSink, RunResult } from '../engines/types.js';
import type { ProbeLayout } from '../recordings/csv-format.js';
import { exportRunCsv as exportCsvFiles, writeProbeCsv, type CsvTarget } from '../store/csv-export.js';
import { openLab, type Lab } from '../store/lab.js';
import type { ProjectInfo, VersionInfo } from '../store/projects.js';
import { recordRun, type RunRecording } from '../store/run-recorder.js';
import { INTERRUPTED, type RunInfo as StoreRunInfo } from '../store/runs.js';
import { AppState } from './drafts.js';
import { ApiError } from './errors.js';

/** Sends one event to the renderer(s). */
export type EmitFn = <E extends keyof ApiEvents>(event: E, payload: ApiEvents[E]) => void;

export interface SpikeflowServiceOptions {
  /** The lab file (created if needed; its folder must exist). */
  dbPath: string;
  /** Folder of the bundled example projects (File → Examples). */
  examplesDir: string;
  /** Where `exportRunCsv` writes when the host does not choose a place (save dialog, download). */
  exportDir: string;
  emit: EmitFn;
  /** Least time between two `run-progress` (and two `run-data`) events of a run, ms. */
  eventIntervalMs?: number;
}

/** The API plus what the hosts need around it. */
export interface SpikeflowService extends SpikeflowApi {
  /** The open lab (for hosts and tests). */
  readonly lab: Lab;
  /** Streams one probe of a run as CSV into `target` (downloads, save dialogs). */
  writeRunCsv(runId: number, probe: string, long: boolean, target: CsvTarget): Promise<{ bytes: number; rows: number }>;
  /** Writes one probe's CSV to `file`, or every probe's into the folder `file` when `probe` is absent. */
  exportRunCsvTo(runId: number, probe: string | undefined, long: boolean, file: string): Promise<{ path: string }>;
  /** A file name for a probe's CSV ("run-12-V.csv"). */
  csvFileName(runId: number, probe: string): string;
  /** Stops every run, waits for them to end (bounded) and closes the lab. */
  dispose(): Promise<void>;
}

/** A run this process is executing. */
interface ActiveRun {
  controller: AbortController;
  plan: Plan;
  /** Settles (never rejects) when the run has ended and `run-ended` was sent. */
  ended: Promise<RunInfo>;
}

/** An engine that runs copies of one network side by side (the WebGPU engine). */
interface BatchEngine {
  runBatch(plans: Plan[], options: { sinks?: RecordingSink[]; onProgress?: (p: Progress) => void; signal?: AbortSignal }): Promise<RunResult[]>;
}

const DEFAULT_EVENT_INTERVAL_MS = 100;
const DEFAULT_MAX_POINTS = 2000;
const DEFAULT_MAX_SPIKES = 200_000;
/** How long `dispose` waits for stopped runs to write their end. */
const DISPOSE_WAIT_MS = 10_000;

/** Splits a DocumentError's lines ("block "x": field "y": …") into diagnostics. */
export function documentDiagnostics(message: string): ApiDiagnostic[] {
  return message.split('\n').filter(Boolean).map((line) => {
    let m = /^block "([^"]+)": field "([^"]+)": (.*)$/s.exec(line);
    if (m) return { block: m[1]!, field: m[2]!, message: m[3]! };
    m = /^block "([^"]+)": (.*)$/s.exec(line);
    if (m) return { block: m[1]!, message: m[2]! };
    m = /^(edge #\d+)(?:: field "([^"]+)")?: (.*)$/s.exec(line);
    if (m) return { field: m[2] ? `${m[1]} ${m[2]}` : m[1]!, message: m[3]! };
    m = /^field "([^"]+)": (.*)$/s.exec(line);
    if (m) return { field: m[1]!, message: m[2]! };
    return { message: line };
  });
}

/** Validates a document for storing or running; problems become an ApiError with diagnostics. */
function checkedDocument(document: unknown): ProjectDocument {
  try {
    return parseDocument(document);
  } catch (err) {
    if (err instanceof DocumentError) {
      throw new ApiError(`the document is not valid: ${err.message.split('\n').join('; ')}`, documentDiagnostics(err.message), { cause: err });
    }
    throw err;
  }
}

/** Compiles; a CompileError becomes an ApiError carrying its diagnostics. */
function compiled(doc: ProjectDocument, overrides: RunOverrides): Plan {
  try {
    return compile(doc, overrides);
  } catch (err) {
    if (err instanceof CompileError) throw new ApiError(err.message, err.diagnostics, { cause: err });
    throw err;
  }
}

function oneLine(text: string): string {
  return text.split('\n').join('; ');
}

/** Calls `fn` at most once per `intervalMs` (a number or a function of now); `flush` delivers a withheld last call. */
function throttle<A>(intervalMs: number | (() => number), fn: (a: A) => void): { call(a: A): void; flush(): void } {
  let last = -Infinity;
  let pending: { a: A } | null = null;
  return {
    call(a) {
      const now = performance.now();
      if (now - last >= (typeof intervalMs === 'number' ? intervalMs : intervalMs())) {
        last = now;
        pending = null;
        fn(a);
      } else pending = { a };
    },
    flush() {
      if (pending) fn(pending.a);
      pending = null;
    },
  };
}

/** Whether stored settings hold a run's sweep tag (written by startSweep). */
function isSweepInfo(x: unknown): x is RunSweepInfo {
  const s = x as Partial<RunSweepInfo> | null | undefined;
  return typeof s === 'object' && s !== null && typeof s.id === 'string' && typeof s.label === 'string' &&
    typeof s.copyLabel === 'string' && typeof s.index === 'number' && typeof s.count === 'number';
}

/** Opens the lab at `dbPath` and returns the service over it. */
export function createSpikeflowService(opts: SpikeflowServiceOptions): SpikeflowService {
  const lab = openLab(opts.dbPath);
  let app: AppState;
  try {
    app = new AppState(lab);
  } catch (err) {
    lab.close();
    throw err;
  }
  const db = lab.db;
  const latestVersionIdSql = db.prepare('SELECT id FROM project_versions WHERE project_id = ? ORDER BY number DESC LIMIT 1');
  const updateSettingsSql = db.prepare('UPDATE runs SET settings = ? WHERE id = ?');
  const active = new Map<number, ActiveRun>();
  /** Every copy of a sweep still going, by run id (copies that ended included): stopping one stops them all. */
  const sweeps = new Map<number, { controller: AbortController; ended: Promise<RunInfo[]> }>();
  const interval = opts.eventIntervalMs ?? DEFAULT_EVENT_INTERVAL_MS;
  let disposed = false;
  /** The engines and their devices, found on the first request (opening the GPU takes a while). */
  let engines: Promise<EngineStatus> | null = null;

  const emit: EmitFn = (event, payload) => {
    try {
      opts.emit(event, payload);
    } catch {
      // A closed window or socket must not break a run.
    }
  };

  // ---- mapping store records to the API's shapes ---------------------------------------

  function summaryOf(p: ProjectInfo): ProjectSummary {
    const row = latestVersionIdSql.get(p.id) as { id: number } | undefined;
    return {
      id: p.id, name: p.name, createdAt: p.createdAt, updatedAt: p.updatedAt,
      versions: p.versions, latestVersionId: row?.id ?? 0, runs: p.runs,
    };
  }

  function versionOf(v: VersionInfo): ProjectVersionInfo & { number: number } {
    return { id: v.id, projectId: v.projectId, createdAt: v.savedAt, message: v.message, number: v.number };
  }

  function opened(projectId: number, version: VersionInfo, document: ProjectDocument): OpenProject {
    return { project: summaryOf(lab.projects.get(projectId)), versionId: version.id, document };
  }

  /** Sizes of the spiking blocks of a run: from its summary, its live plan, or its document. */
  function blockSizes(run: StoreRunInfo): Map<string, number> {
    const sizes = new Map<string, number>();
    for (const p of run.summary?.populations ?? []) sizes.set(p.block, p.size);
    const live = active.get(run.id);
    if (live) for (const b of live.plan.blocks) sizes.set(b.id, b.size);
    if (sizes.size === 0) {
      try {
        for (const b of lab.projects.versionById(run.versionId).document.blocks) sizes.set(b.id, b.size ?? 1);
      } catch {
        // Sizes are a convenience; a run is still listed without them.
      }
    }
    return sizes;
  }

  function probeInfo(layout: ProbeLayout, dt: number, sizes: Map<string, number>): ProbeInfo {
    if (layout.kind === 'state') {
      return {
        id: layout.id, kind: 'state', block: layout.block, state: layout.state, unit: layout.unit,
        neurons: Array.from(layout.neurons, Number), intervalMs: layout.every * dt,
      };
    }
    const size = sizes.get(layout.block);
    const info: ProbeInfo = { id: layout.id, kind: layout.kind, block: layout.block, ...(size !== undefined ? { size } : {}) };
    if (layout.kind === 'rate') {
      info.intervalMs = layout.binSteps * dt;
      info.unit = 'Hz';
    }
    return info;
  }

  function runInfo(run: StoreRunInfo): RunInfo {
    const settings = (run.settings ?? {}) as { engineNote?: unknown; device?: unknown; durationMs?: number; sweep?: unknown; live?: unknown };
    const engineNote = typeof settings.engineNote === 'string' ? settings.engineNote : null;
    const interrupted = run.status === 'failed' && (run.message ?? '').startsWith(INTERRUPTED);
    const sizes = blockSizes(run);
    return {
      id: run.id,
      projectId: run.projectId,
      versionId: run.versionId,
      startedAt: run.startedAt,
      endedAt: run.endedAt,
      wallMs: run.wallMs,
      engine: run.engine,
      device: typeof settings.device === 'string' ? settings.device : null,
      engineNote,
      seed: run.seed,
      dt: run.dt,
      durationMs: typeof settings.durationMs === 'number' ? settings.durationMs : run.steps * run.dt,
      status: interrupted ? 'interrupted' : run.status,
      message: run.message ?? engineNote,
      populations: (run.summary?.populations ?? []).map((p) => ({ block: p.block, size: p.size, spikes: p.spikes, rateHz: p.rateHz })),
      probes: lab.runs.probes(run.id).map((l) => probeInfo(l, run.dt, sizes)),
      ...(isSweepInfo(settings.sweep) ? { sweep: settings.sweep } : {}),
      live: settings.live === true,
    };
  }

  const getRunInfo = (runId: number) => runInfo(lab.runs.get(runId));

  // ---- runs ----------------------------------------------------------------------------

  /** The events and the stored end of one run: progress and data throttled, the end written and announced. */
  interface RunTracker {
    /** Give this to the engine. */
    sink: RecordingSink;
    onProgress(p: Progress): void;
    /** Ends the run in the store (result, or the error it failed with), sends the last progress and data; never emits run-ended. */
    end(result: RunResult | null, error: unknown): RunInfo;
  }

  function track(runId: number, recording: RunRecording, plan: Plan): RunTracker {
    const writer = recording.sink;
    const dirty = new Set<string>();
    let simulatedMs = 0;

    const progress = throttle<Progress>(interval, (p) =>
      emit('run-progress', { runId, step: p.step, steps: p.steps, simulatedMs: p.simulatedMs, wallMs: p.wallMs }),
    );
    // Commits what the engine has produced so far, then tells the renderer which probes grew.
    // Each commit ends the stored chunks, so long runs commit less often (plots still move).
    const startedAt = performance.now();
    const dataInterval = () => {
      const wall = performance.now() - startedAt;
      return wall < 5_000 ? interval : wall < 60_000 ? interval * 2.5 : interval * 5;
    };
    const data = throttle<void>(dataInterval, () => {
      if (dirty.size === 0) return;
      writer.flush();
      emit('run-data', { runId, probes: [...dirty], simulatedMs });
      dirty.clear();
    });
    const sink: RecordingSink = {
      write(chunk: RecordingChunk) {
        writer.write(chunk);
        dirty.add(chunk.probe);
      },
    };
    const onProgress = (p: Progress) => {
      simulatedMs = p.simulatedMs;
      progress.call(p);
      data.call();
    };

    const end = (result: RunResult | null, error: unknown): RunInfo => {
      if (result) {
        try {
          recording.finish(result);
        } catch (err) {
          error = err; // finish() has already marked the run failed
        }
      } else {
        recording.fail(error);
      }
      const info = getRunInfo(runId);
      if (result) {
        simulatedMs = result.stepsDone * plan.dt;
        progress.flush();
        emit('run-progress', { runId, step: result.stepsDone, steps: plan.steps, simulatedMs, wallMs: result.wallMs });
      }
      if (dirty.size > 0) emit('run-data', { runId, probes: [...dirty], simulatedMs });
      return info;
    };
    return { sink, onProgress, end };
  }

  /** What is known of a run whose end could not be written (the lab itself failed). */
  function lostRunInfo(runId: number, plan: Plan, engine: Engine, err: unknown): RunInfo {
    const now = new Date().toISOString();
    return {
      id: runId, projectId: 0, versionId: 0, startedAt: now, endedAt: now, wallMs: null,
      engine: engine.name, device: engine.device, engineNote: null, seed: plan.seed, dt: plan.dt, durationMs: plan.duration, status: 'failed',
      message: oneLine(err instanceof Error ? err.message : String(err)), populations: [], probes: [], live: false,
    };
  }

  function execute(runId: number, recording: RunRecording, plan: Plan, engine: SelectedEngine, controller: AbortController): Promise<RunInfo> {
    const tracker = track(runId, recording, plan);
    // Through a promise, so that even a synchronous throw (a worker that cannot start) ends the run as failed.
    const done = Promise.resolve()
      .then(() => engine.engine.run(plan, { sink: tracker.sink, onProgress: tracker.onProgress, signal: controller.signal }))
      .then((result) => tracker.end(result, null), (err: unknown) => tracker.end(null, err))
      .catch((err: unknown): RunInfo => lostRunInfo(runId, plan, engine.engine, err))
      .then((info) => {
        active.delete(runId);
        engine.dispose();
        emit('run-ended', info);
        return info;
      });
    return done;
  }

  async function startRun(request: RunRequest): Promise<RunInfo> {
    if (disposed) throw new ApiError('Spikeflow is shutting down; the run was not started');
    const project = lab.projects.get(request.projectId);
    const doc = checkedDocument(request.document);
    const overrides: RunOverrides = {};
    if (request.dt !== undefined) overrides.dt = request.dt;
    if (request.duration !== undefined) overrides.duration = request.duration;
    if (request.seed !== undefined) overrides.seed = request.seed;
    const plan = compiled(doc, overrides);
    const engine = await selectEngine(request.engine, { plan });
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
        },
        message: 'saved by a run',
      });
    } catch (err) {
      engine.dispose();
      throw err;
    }
    app.clearDraft(project.id);
    const controller = new AbortController();
    const entry: ActiveRun = { controller, plan, ended: Promise.resolve(null as unknown as RunInfo) };
    active.set(recording.runId, entry);
    const info = getRunInfo(recording.runId);
    entry.ended = execute(recording.runId, recording, plan, engine, controller);
    return info;
  }

  /** Picks the engine of a sweep: never refuses; without a (suitable) GPU, the CPU engine with a note. */
  async function sweepEngine(choice: EngineName, copies: number, plan: Plan): Promise<{ engine: SelectedEngine; note: string | null }> {
    const selected = await selectEngine(choice, { plan, copies, fallback: true });
    const batch = typeof (selected.engine as Partial<BatchEngine>).runBatch === 'function';
    if (batch || copies <= 1) return { engine: selected, note: selected.note ?? null };
    const why = selected.note ?? `using the ${selected.engine.name === 'cpu' ? 'CPU' : selected.engine.name} engine`;
    return { engine: selected, note: `${why}; the ${copies} copies run one after another` };
  }

  /** The sweep's copies as documents and labels (every value × every seed), or an ApiError saying what is wrong. */
  function sweepCopies(doc: ProjectDocument, sweep: SweepSpec | null, seeds: number | undefined): { docs: ProjectDocument[]; tags: Array<Omit<RunSweepInfo, 'id' | 'count' | 'label'>>; label: string } {
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
      const def = type ? blockDef(type) : undefined;
      const p = def?.params[sweep.param];
      if (p?.kind === 'quantity') unit = p.unit;
    }
    let expanded: { docs: ProjectDocument[] };
    try {
      expanded = expandSweep(doc, sweep ? `${sweep.block}.${sweep.param}=${values.join(',')}` : '', seeds);
    } catch (err) {
      const message = (err as Error).message
        .replace(/^--(sweep|seeds): /, (_m, what: string) => `${what === 'sweep' ? 'sweep' : 'seeds'}: `)
        .replace(/two values give the same folder name; list each value once/, 'two values are the same; list each value once');
      throw new ApiError(message, undefined, { cause: err });
    }
    const shown = (v: string) => (unit && /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(v) ? `${v} ${unit}` : v);
    const name = sweep ? `${sweep.block}.${sweep.param}` : '';
    const seedList = seeds === undefined ? [null] : Array.from({ length: seeds }, (_, k) => (doc.run.seed + k) % 2 ** 32);
    const tags: Array<Omit<RunSweepInfo, 'id' | 'count' | 'label'>> = [];
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

  async function startSweep(request: SweepRequest): Promise<RunInfo[]> {
    if (disposed) throw new ApiError('Spikeflow is shutting down; the sweep was not started');
    const project = lab.projects.get(request.projectId);
    const doc = checkedDocument(request.document);
    const count = (request.sweep?.values.length ?? 1) * (request.seeds ?? 1);
    if (count > MAX_SWEEP_COPIES) throw new ApiError(`a sweep may have at most ${MAX_SWEEP_COPIES} copies (values × seeds); this one has ${count}`);
    // The copies carry the seed (seeds count up from it); dt and duration apply to all.
    const base = structuredClone(doc);
    if (request.seed !== undefined) base.run.seed = request.seed;
    const { docs, tags, label } = sweepCopies(base, request.sweep, request.seeds);
    const overrides: RunOverrides = {};
    if (request.dt !== undefined) overrides.dt = request.dt;
    if (request.duration !== undefined) overrides.duration = request.duration;
    const plans = docs.map((d, k) => {
      try {
        return compiled(d, overrides);
      } catch (err) {
        if (err instanceof ApiError && request.sweep && docs.length > 0) {
          throw new ApiError(`with ${tags[k]!.copyLabel}: ${err.message}`, err.diagnostics, { cause: err });
        }
        throw err;
      }
    });
    const { engine, note } = await sweepEngine(request.engine, plans.length, plans[0]!);
    const sweepId = crypto.randomUUID();
    const stored: Array<{ settings: Record<string, unknown>; recording: RunRecording }> = [];
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
        const recording = recordRun(lab, { project: project.name, document: doc, plan, engine: engine.engine.name, settings, message: 'saved by a sweep' });
        stored.push({ settings, recording });
      });
    } catch (err) {
      for (const s of stored) s.recording.fail(err);
      engine.dispose();
      throw err;
    }
    app.clearDraft(project.id);
    const controller = new AbortController();
    const copies: SweepCopy[] = stored.map(({ settings, recording }, k) => ({
      runId: recording.runId, plan: plans[k]!, settings, tracker: track(recording.runId, recording, plans[k]!), ended: false,
    }));
    let endAll!: (infos: RunInfo[]) => void;
    const allEnded = new Promise<RunInfo[]>((resolve) => { endAll = resolve; });
    for (const [k, c] of copies.entries()) {
      active.set(c.runId, { controller, plan: c.plan, ended: allEnded.then((infos) => infos[k]!) });
    }
    const entry = { controller, ended: allEnded };
    for (const c of copies) sweeps.set(c.runId, entry);
    const infos = copies.map((c) => getRunInfo(c.runId));
    void executeSweep(copies, engine, controller.signal).then((ended) => {
      for (const c of copies) sweeps.delete(c.runId);
      endAll(ended);
    });
    return infos;
  }

  /** A copy of a running sweep. */
  interface SweepCopy {
    runId: number;
    plan: Plan;
    settings: Record<string, unknown>;
    tracker: RunTracker;
    ended: boolean;
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
      let info: RunInfo;
      try {
        info = c.tracker.end(result, error);
      } catch (err) {
        info = lostRunInfo(c.runId, c.plan, engine.engine, err);
      }
      active.delete(c.runId);
      infos[k] = info;
      emit('run-ended', info);
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
          const message = (err as Error).message ?? String(err);
          if (!/^batch copy \d+ .*(folds to different code|differs in structure)/.test(message)) throw err;
          oneByOne = true;
          noteOnCopies(copies, `the copies cannot share one GPU program (${oneLine(message)}); they run one after another`);
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
      lab.write('noting how a sweep runs', () => {
        for (const c of copies) {
          const prior = typeof c.settings.engineNote === 'string' ? `${c.settings.engineNote}; ` : '';
          c.settings = { ...c.settings, engineNote: `${prior}${note}` };
          updateSettingsSql.run(JSON.stringify(c.settings), c.runId);
        }
      });
    } catch {
      // A note is informative only.
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

  // ---- traces and spikes ---------------------------------------------------------------

  function readTrace(runId: number, probe: string, window: { t0?: number; t1?: number; neurons?: number[]; maxPoints?: number }): TraceData {
    const layout = lab.runs.probe(runId, probe);
    if (layout.kind === 'spikes') {
      throw new ApiError(`run ${runId}, probe "${probe}" records spikes; read it with readSpikes`);
    }
    const run = lab.runs.get(runId);
    const stepMs = layout.kind === 'state' ? layout.every * run.dt : layout.binSteps * run.dt;
    const extent = lab.recordings.extent(runId, probe);
    // The same clamping as the store's reads, to know whether buckets hold several samples.
    const eps = 1e-9;
    const s0 = window.t0 === undefined ? extent.first : Math.max(extent.first, Math.ceil(window.t0 / stepMs - eps));
    const s1 = window.t1 === undefined ? extent.last : Math.min(extent.last, Math.floor(window.t1 / stepMs + eps));
    const samples = Math.max(0, s1 - s0 + 1);
    const buckets = window.maxPoints ?? DEFAULT_MAX_POINTS;
    const series = lab.recordings.decimate(runId, probe, {
      buckets,
      ...(window.t0 !== undefined ? { fromMs: window.t0 } : {}),
      ...(window.t1 !== undefined ? { toMs: window.t1 } : {}),
      ...(window.neurons && layout.kind === 'state' ? { neurons: window.neurons } : {}),
    });
    const columns = series.neurons ?? [0];
    const cols = columns.length;
    const out: TraceData['series'] = columns.map((neuron) => ({ neuron, min: new Array<number>(series.buckets), max: new Array<number>(series.buckets) }));
    for (let b = 0; b < series.buckets; b++) {
      for (let j = 0; j < cols; j++) {
        out[j]!.min[b] = series.min[b * cols + j]!;
        out[j]!.max[b] = series.max[b * cols + j]!;
      }
    }
    const t = Array.from(series.timesMs, (ms) => Number(ms.toPrecision(12)));
    return { probe, t, series: out, decimated: series.buckets < samples };
  }

  function readSpikes(runId: number, probe: string, window: { t0?: number; t1?: number; neurons?: number[]; maxSpikes?: number }): SpikeData {
    const spikes = lab.recordings.readSpikes(runId, probe, {
      ...(window.t0 !== undefined ? { fromMs: window.t0 } : {}),
      ...(window.t1 !== undefined ? { toMs: window.t1 } : {}),
      ...(window.neurons ? { neurons: window.neurons } : {}),
    });
    const max = window.maxSpikes ?? DEFAULT_MAX_SPIKES;
    const n = Math.min(max, spikes.steps.length);
    const t = new Array<number>(n);
    const neuron = new Array<number>(n);
    for (let i = 0; i < n; i++) {
      t[i] = Number((spikes.steps[i]! * spikes.dt).toPrecision(12));
      neuron[i] = spikes.neurons[i]!;
    }
    return { probe, t, neuron, truncated: spikes.steps.length > n };
  }

  // ---- CSV -----------------------------------------------------------------------------

  const csvFileName = (runId: number, probe: string) => `run-${runId}-${probe.replace(/[^A-Za-z0-9_.-]/g, '_')}.csv`;

  async function exportRunCsvTo(runId: number, probe: string | undefined, long: boolean, file: string): Promise<{ path: string }> {
    if (probe === undefined) {
      await exportCsvFiles(lab, runId, file, { long });
      return { path: file };
    }
    lab.runs.probe(runId, probe);
    // Written under a temporary name and renamed when complete, like the store's export.
    const temp = `${file}.${process.pid}.partial`;
    const handle = await fs.promises.open(temp, 'w');
    try {
      await writeProbeCsv(lab, runId, probe, async (bytes) => {
        for (let done = 0; done < bytes.byteLength; ) done += (await handle.write(bytes, done, bytes.byteLength - done)).bytesWritten;
      }, { long });
      await handle.close();
      await fs.promises.rename(temp, file);
    } catch (err) {
      await handle.close().catch(() => undefined);
      await fs.promises.rm(temp, { force: true });
      throw err;
    }
    return { path: file };
  }

  // ---- examples ------------------------------------------------------------------------

  function readExample(file: string): ProjectDocument {
    // API_PARAMS allows only a plain file name; basename() keeps it so if called directly.
    const full = path.join(opts.examplesDir, path.basename(file));
    let text: string;
    try {
      text = fs.readFileSync(full, 'utf8');
    } catch {
      throw new ApiError(`there is no example "${file}" (see File → Examples for the list)`);
    }
    return parseDocumentText(text, file);
  }

  // ---- the API -------------------------------------------------------------------------

  const service: SpikeflowService = {
    lab,

    async validate(document) {
      let doc: ProjectDocument;
      try {
        doc = parseDocument(document);
      } catch (err) {
        if (err instanceof DocumentError) return { ok: false, diagnostics: documentDiagnostics(err.message) };
        throw err;
      }
      try {
        compile(doc);
        return { ok: true };
      } catch (err) {
        if (err instanceof CompileError) return { ok: false, diagnostics: err.diagnostics.map((d) => ({ ...d })) };
        return { ok: false, diagnostics: [{ message: (err as Error).message }] };
      }
    },

    async listExamples(): Promise<ExampleInfo[]> {
      let files: string[];
      try {
        files = fs.readdirSync(opts.examplesDir).filter((f) => f.endsWith('.json')).sort();
      } catch {
        return [];
      }
      const examples: ExampleInfo[] = [];
      for (const file of files) {
        try {
          const doc = readExample(file);
          examples.push({ file, name: doc.name, description: doc.description });
        } catch {
          // A broken example is left out of the menu rather than breaking it.
        }
      }
      return examples;
    },

    async loadExample(file) {
      return readExample(file);
    },

    engineStatus() {
      engines ??= probeEngines();
      return engines;
    },

    async listProjects() {
      return lab.projects.list().map(summaryOf);
    },

    async createProject(name, document) {
      const doc = checkedDocument(document);
      const created = lab.projects.create(name, doc);
      app.clearDraft(null);
      app.touch(created.project.id);
      return opened(created.project.id, created.version, created.document);
    },

    async openProject(projectId, versionId) {
      let number: number | undefined;
      if (versionId !== undefined) {
        const { version } = lab.projects.versionById(versionId);
        if (version.projectId !== projectId) {
          throw new ApiError(`version ${versionId} belongs to another project, not to project ${projectId}`);
        }
        number = version.number;
      }
      const project = lab.projects.open(projectId, number);
      app.touch(projectId);
      return opened(projectId, project.version, project.document);
    },

    async saveProject(projectId, document, message) {
      const doc = checkedDocument(document);
      const { version } = lab.projects.saveIfChanged(projectId, doc, message ?? null);
      app.clearDraft(projectId);
      app.touch(projectId);
      return versionOf(version);
    },

    async renameProject(projectId, name) {
      lab.projects.rename(projectId, name);
    },

    async duplicateProject(projectId, name) {
      const copy = lab.projects.duplicate(projectId, name);
      return summaryOf(copy.project);
    },

    async deleteProject(projectId) {
      for (const runId of active.keys()) {
        if (lab.runs.get(runId).projectId === projectId) {
          throw new ApiError(`project ${projectId} has run ${runId} in progress; stop it before deleting the project`);
        }
      }
      lab.projects.delete(projectId);
    },

    async listVersions(projectId) {
      return lab.projects.versions(projectId).map(versionOf);
    },

    async importProject(json, name) {
      let doc: ProjectDocument;
      try {
        doc = parseDocumentText(json, 'the imported file');
      } catch (err) {
        if (err instanceof DocumentError) throw new ApiError(oneLine(err.message), documentDiagnostics(err.message), { cause: err });
        throw err;
      }
      const base = (name ?? doc.name).trim() || 'Imported project';
      let unique = base;
      for (let n = 2; lab.projects.find(unique); n++) unique = `${base} (${n})`;
      const created = lab.projects.create(unique, doc, 'imported');
      app.touch(created.project.id);
      return opened(created.project.id, created.version, created.document);
    },

    async exportProject(projectId, versionId) {
      const doc = (await service.openProject(projectId, versionId)).document;
      return `${JSON.stringify(doc, null, 2)}\n`;
    },

    async saveDraft(projectId, document) {
      try {
        app.saveDraft(projectId, document);
      } catch (err) {
        if (err instanceof DocumentError) throw new ApiError(`the draft is not a valid document: ${oneLine(err.message)}`, documentDiagnostics(err.message), { cause: err });
        throw err;
      }
    },

    async loadDraft(projectId) {
      if (projectId !== null) lab.projects.get(projectId);
      return app.loadDraft(projectId);
    },

    async recentProjects() {
      const out: ProjectSummary[] = [];
      for (const id of app.recent()) {
        const p = lab.projects.find(id);
        if (p) out.push(summaryOf(p));
      }
      return out;
    },

    startRun,
    startSweep,
    stopRun,

    async listRuns(projectId) {
      return lab.runs.list({ project: projectId }).reverse().map(runInfo);
    },

    async getRun(runId) {
      return getRunInfo(runId);
    },

    async readTrace(runId, probe, window) {
      return readTrace(runId, probe, window);
    },

    async readSpikes(runId, probe, window) {
      return readSpikes(runId, probe, window);
    },

    async deleteRun(runId) {
      if (active.has(runId)) throw new ApiError(`run ${runId} is still running; stop it before deleting it`);
      lab.runs.delete(runId);
    },

    async exportRunCsv(runId, probe, long) {
      lab.runs.get(runId);
      const target = probe === undefined ? path.join(opts.exportDir, `run-${runId}`) : path.join(opts.exportDir, csvFileName(runId, probe));
      fs.mkdirSync(opts.exportDir, { recursive: true });
      return exportRunCsvTo(runId, probe, long ?? false, target);
    },

    writeRunCsv(runId, probe, long, target) {
      return writeProbeCsv(lab, runId, probe, target, { long });
    },
    exportRunCsvTo,
    csvFileName,

    async dispose() {
      if (disposed) return;
      disposed = true;
      const ending: Array<Promise<unknown>> = [...active.values(), ...sweeps.values()].map((r) => {
        r.controller.abort();
        return r.ended;
      });
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        Promise.all(ending),
        new Promise((resolve) => { timer = setTimeout(resolve, DISPOSE_WAIT_MS); }),
      ]);
      clearTimeout(timer);
      lab.close();
    },
  };
  return service;
}
