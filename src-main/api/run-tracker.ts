/**
 * The events and the stored end of one executing run: `run-progress` and `run-data`
 * throttled (each at most ~10 per second, less often as a run grows long), the recording
 * committed before each `run-data`, and the end written to the store. `run-ended` is sent
 * by the caller (runs.ts, sweeps.ts), which knows when a run is really over.
 */
import type { RunInfo } from '../../src-shared/api.js';
import type { Plan } from '../compiler/plan.js';
import type { Engine, Progress, RecordingChunk, RecordingSink, RunResult } from '../engines/types.js';
import type { RunRecording } from '../store/run-recorder.js';
import type { ServiceContext } from './context.js';
import { oneLine } from './documents.js';
import type { InfoMapper } from './run-info.js';

/** Calls `fn` at most once per `intervalMs` (a number or a function of now); `flush` delivers a withheld last call. */
export function throttle<A>(intervalMs: number | (() => number), fn: (a: A) => void): { call(a: A): void; flush(): void } {
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

/** The events and the stored end of one run. */
export interface RunTracker {
  /** Give this to the engine. */
  sink: RecordingSink;
  onProgress(p: Progress): void;
  /** Ends the run in the store (result, or the error it failed with), sends the last progress and data; never emits run-ended. */
  end(result: RunResult | null, error: unknown): RunInfo;
}

export function trackRun(ctx: ServiceContext, info: InfoMapper, runId: number, recording: RunRecording, plan: Plan): RunTracker {
  const { emit } = ctx;
  const interval = ctx.eventIntervalMs;
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
    const ended = info.getRunInfo(runId);
    if (result) {
      simulatedMs = result.stepsDone * plan.dt;
      progress.flush();
      emit('run-progress', { runId, step: result.stepsDone, steps: plan.steps, simulatedMs, wallMs: result.wallMs });
    }
    if (dirty.size > 0) emit('run-data', { runId, probes: [...dirty], simulatedMs });
    return ended;
  };
  return { sink, onProgress, end };
}

/** What is known of a run whose end could not be written (the lab itself failed). */
export function lostRunInfo(runId: number, plan: Plan, engine: Engine, err: unknown): RunInfo {
  const now = new Date().toISOString();
  return {
    id: runId, projectId: 0, versionId: 0, startedAt: now, endedAt: now, wallMs: null,
    engine: engine.name, device: engine.device, engineNote: null, seed: plan.seed, dt: plan.dt, durationMs: plan.duration, status: 'failed',
    message: oneLine(err instanceof Error ? err.message : String(err)), populations: [], probes: [], live: false, pinned: false,
  };
}
