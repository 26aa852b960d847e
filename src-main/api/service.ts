/**
 * The Spikeflow service: every method of the typed API (src-shared/api.ts) implemented over
 * the lab store, the compiler and the engines. Both transports (Electron IPC in
 * src-main/app, WebSocket in src-main/web-host) validate requests with dispatch.ts and call
 * this object; it never sees an unvalidated payload and knows nothing of its transport.
 *
 * This file only puts the parts together; each lives in its own module:
 *   documents.ts        validation and compilation, errors as diagnostics
 *   run-info.ts         store records → ProjectSummary, RunInfo
 *   runs.ts             startRun, stopRun, pinRun, deleteRun (run-tracker.ts: events of a run)
 *   live-runs.ts        live mode's rolling set of runs
 *   sweeps.ts           startSweep (expansion in src-main/sweeps)
 *   recording-reads.ts  readTrace, readSpikes, CSV export
 *   weight-histogram.ts readWeightHistogram (weight snapshots)
 *   projects.ts         projects, drafts (drafts.ts), the scratch project, examples
 *   type-library.ts     the lab's library of block types written as equations
 *   model-export.ts     exportModel (Brian2, PyNN scripts), importRunCsv (their recordings)
 */
import type { EngineStatus, OpenProject, RunInfo, RunRequest, SpikeflowApi } from '../../src-shared/api.js';
import type { ImportedDocument } from './projects.js';
import { probeEngines } from '../engines/select.js';
import type { CsvTarget } from '../store/csv-export.js';
import { openLab, type Lab } from '../store/lab.js';
import type { EmitFn, ServiceContext } from './context.js';
import { documentValueHistograms, validateDocument } from './documents.js';
import { parseDocument } from '../../src-shared/document/load.js';
import { DocumentError } from '../../src-shared/document/errors.js';
import { AppState } from './drafts.js';
import { projectMethods } from './projects.js';
import { csvFileName, exportRunCsvTo, exportRunCsvToDir, readSpikes, readTrace, writeRunCsv } from './recording-reads.js';
import { readWeightHistogram } from './weight-histogram.js';
import { infoMapper } from './run-info.js';
import { modelExportMethods } from './model-export.js';
import { runControl, type CheckedRun } from './runs.js';
import { sweepControl } from './sweeps.js';
import { typeLibraryMethods } from './type-library.js';

export type { EmitFn } from './context.js';
export { documentDiagnostics } from './documents.js';

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
  /** startRun with its document check and compilation done by the caller (the web host, off its event loop). */
  startCheckedRun(request: RunRequest, checked: () => CheckedRun): Promise<RunInfo>;
  /** importProject with the file's document already checked (importedDocument), likewise. */
  importCheckedProject(imported: ImportedDocument, name?: string): Promise<Omit<OpenProject, 'document'>>;
  /** Streams one probe of a run as CSV into `target` (downloads, save dialogs). */
  writeRunCsv(runId: number, probe: string, long: boolean, target: CsvTarget, skipDamaged?: boolean, atMs?: readonly number[]): Promise<{ bytes: number; rows: number }>;
  /** Writes one probe's CSV to `file`, or every probe's into the folder `file` when `probe` is absent. */
  exportRunCsvTo(runId: number, probe: string | undefined, long: boolean, file: string, skipDamaged?: boolean, atMs?: readonly number[]): Promise<{ path: string; leftOut?: string[] }>;
  /** A file name for a probe's CSV ("run-12-V.csv"). */
  csvFileName(runId: number, probe: string): string;
  /** Stops every run, waits for them to end (bounded) and closes the lab. */
  dispose(): Promise<void>;
}

const DEFAULT_EVENT_INTERVAL_MS = 100;
/** How long `dispose` waits for stopped runs to write their end. */
const DISPOSE_WAIT_MS = 10_000;

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
  const ctx: ServiceContext = {
    lab,
    app,
    emit: (event, payload) => {
      try {
        opts.emit(event, payload);
      } catch {
        // A closed window or socket must not break a run.
      }
    },
    eventIntervalMs: opts.eventIntervalMs ?? DEFAULT_EVENT_INTERVAL_MS,
    active: new Map(),
    sweeps: new Map(),
    disposed: false,
  };
  const info = infoMapper(ctx);
  const runs = runControl(ctx, info);
  const { startSweep } = sweepControl(ctx, info, runs.dropLiveRuns);
  /** The engines and their devices, found on the first request (opening the GPU takes a while). */
  let engines: Promise<EngineStatus> | null = null;

  return {
    lab,
    ...projectMethods(ctx, info, opts.examplesDir),
    ...typeLibraryMethods(ctx),
    ...modelExportMethods(ctx, info),

    async validate(document) {
      return validateDocument(document);
    },

    async valueHistograms(document, blockId) {
      return documentValueHistograms(document, blockId);
    },

    engineStatus() {
      engines ??= probeEngines();
      return engines;
    },

    startRun: runs.startRun,
    startCheckedRun: runs.startCheckedRun,
    startSweep,
    stopRun: runs.stopRun,
    pinRun: runs.pinRun,
    deleteRun: runs.deleteRun,

    async listRuns(projectId) {
      return lab.runs.list({ project: projectId }).reverse().map(info.runInfo);
    },

    async getRun(runId) {
      return info.getRunInfo(runId);
    },

    async readTrace(runId, probe, window) {
      return readTrace(lab, runId, probe, window);
    },

    async readSpikes(runId, probe, window) {
      return readSpikes(lab, runId, probe, window);
    },

    async readWeightHistogram(runId, probe, query) {
      return readWeightHistogram(lab, runId, probe, query);
    },

    async exportRunCsv(runId, probe, long, skipDamaged, atMs) {
      return exportRunCsvToDir(lab, opts.exportDir, runId, probe, long ?? false, skipDamaged ?? false, atMs);
    },

    writeRunCsv: (runId, probe, long, target, skipDamaged, atMs) => writeRunCsv(lab, runId, probe, long, target, skipDamaged ?? false, atMs),
    exportRunCsvTo: (runId, probe, long, file, skipDamaged, atMs) => exportRunCsvTo(lab, runId, probe, long, file, skipDamaged ?? false, atMs),
    csvFileName,

    async dispose() {
      if (ctx.disposed) return;
      ctx.disposed = true;
      const ending: Array<Promise<unknown>> = [...ctx.active.values(), ...ctx.sweeps.values()].map((r) => {
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
}
