/**
 * Recording one engine run into a lab, from start to end: save the document as a new
 * project version if it changed (creating the project the first time), create the run in
 * status 'running' with its probes, stream the engine's chunks, and mark the run finished,
 * cancelled or failed. The CLI's `run --db` and the app both go through here.
 */
import { connectionStructure } from '../compiler/continue-from.js';
import type { Plan } from '../compiler/plan.js';
import type { RunResult } from '../engines/types.js';
import { layoutOf } from '../recordings/csv-format.js';
import type { ProjectDocument } from '../../src-shared/document/schema.js';
import { saveConnectionStates } from './connection-states.js';
import type { Lab } from './lab.js';
import type { PreparedDocument } from './projects.js';
import type { RecordingWriter, RecordingWriterOptions } from './recordings.js';

/** What `recordRun` needs. */
export interface RecordRunOptions {
  /** Project name; created with this document if the lab has no such project. */
  project: string;
  /** The document run, or (where it was validated and prepared elsewhere: the web host's workers) its stored form. */
  document: ProjectDocument | { prepared: PreparedDocument };
  plan: Plan;
  engine: string;
  /** Run settings as given (overrides, engine options), stored as JSON with the run. */
  settings: unknown;
  /** Message of the project version saved when the document changed. */
  message?: string;
  writer?: RecordingWriterOptions;
}

/** A run being recorded. Exactly one of finish, cancel or fail ends it. */
export interface RunRecording {
  runId: number;
  projectName: string;
  /** Number of the project version the run records (new or existing). */
  versionNumber: number;
  /** Whether the document was saved as a new version for this run. */
  savedNewVersion: boolean;
  /** Give this to the engine (`RunOptions.sink`). */
  sink: RecordingWriter;
  /** Commits the rest of the recording and marks the run as the result says (finished or cancelled). */
  finish(result: RunResult): void;
  /** Same as finish, with status 'cancelled' whatever the result says. */
  cancel(result: RunResult): void;
  /**
   * Marks the run failed with the error's message, keeping what was recorded. Never throws:
   * if the lab cannot be written any more (disk full), the run is left 'running' and shows
   * as interrupted once this process has exited.
   */
  fail(err: unknown): void;
}

/** Starts recording a run of `plan` in `lab` (see RunRecording). */
export function recordRun(lab: Lab, options: RecordRunOptions): RunRecording {
  const existing = lab.projects.find(options.project);
  let versionId: number;
  let versionNumber: number;
  let savedNewVersion: boolean;
  if (existing) {
    const message = options.message ?? 'saved by a run';
    const { version, saved } = 'prepared' in options.document
      ? lab.projects.saveIfChangedPrepared(existing.id, options.document.prepared, message)
      : lab.projects.saveIfChanged(existing.id, options.document, message);
    ({ id: versionId, number: versionNumber } = version);
    savedNewVersion = saved;
  } else {
    const message = options.message ?? 'created by a run';
    const created = 'prepared' in options.document
      ? lab.projects.createPrepared(options.project, options.document.prepared, message)
      : lab.projects.create(options.project, options.document, message);
    ({ id: versionId, number: versionNumber } = created.version);
    savedNewVersion = true;
  }
  const { plan } = options;
  const run = lab.runs.start({
    versionId,
    engine: options.engine,
    seed: plan.seed,
    dt: plan.dt,
    steps: plan.steps,
    settings: options.settings,
    probes: plan.probes.map(layoutOf),
  });
  const sink = lab.recordings.writer(run.id, options.writer);
  const startedAt = performance.now();
  let ended = false;

  const end = (result: RunResult, status: 'finished' | 'cancelled') => {
    if (ended) return;
    ended = true;
    try {
      sink.flush();
      // Plastic synapses: the state a later run can continue from (continue-from.ts).
      saveConnectionStates(lab, run.id, (result.connectionStates ?? []).map((c) => ({
        ...c, structure: connectionStructure(plan, plan.projections.find((p) => p.synapse === c.synapse)!),
      })));
      lab.runs.finish(run.id, {
        status,
        wallMs: result.wallMs,
        stepsDone: result.stepsDone,
        summary: { stepsDone: result.stepsDone, populations: result.populations, probes: sink.totals() },
      });
    } catch (err) {
      ended = false;
      recording.fail(err);
      throw err;
    }
  };

  const recording: RunRecording = {
    runId: run.id,
    projectName: options.project,
    versionNumber,
    savedNewVersion,
    sink,
    finish: (result) => end(result, result.status),
    cancel: (result) => end(result, 'cancelled'),
    fail(err) {
      if (ended) return;
      ended = true;
      const message = (err instanceof Error ? err.message : String(err)).split('\n').join('; ');
      try {
        sink.flush();
      } catch {
        // The recording is kept up to the last batch that could be committed.
      }
      try {
        lab.runs.fail(run.id, message, performance.now() - startedAt);
      } catch {
        // See the interface: left 'running', shown as interrupted after this process exits.
      }
    },
  };
  return recording;
}
