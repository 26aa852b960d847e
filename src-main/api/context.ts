/**
 * What the parts of the service share: the open lab and app tables, the event emitter, and
 * the runs this process is executing. `createSpikeflowService` (service.ts) builds one and
 * hands it to each part (run info, runs, sweeps, recording reads, projects).
 */
import type { ApiEvents, RunInfo } from '../../src-shared/api.js';
import type { Plan } from '../compiler/plan.js';
import type { Lab } from '../store/lab.js';
import type { AppState } from './drafts.js';

/** Sends one event to the renderer(s). */
export type EmitFn = <E extends keyof ApiEvents>(event: E, payload: ApiEvents[E]) => void;

/** A run this process is executing. */
export interface ActiveRun {
  controller: AbortController;
  plan: Plan;
  /** Settles (never rejects) when the run has ended and `run-ended` was sent. */
  ended: Promise<RunInfo>;
}

/** A sweep in progress, shared by all its copies. */
export interface ActiveSweep {
  controller: AbortController;
  ended: Promise<RunInfo[]>;
}

export interface ServiceContext {
  lab: Lab;
  app: AppState;
  /** Never throws: a closed window or socket must not break a run. */
  emit: EmitFn;
  /** Least time between two `run-progress` (and two `run-data`) events of a run, ms. */
  eventIntervalMs: number;
  /** Runs in progress, by run id (every copy of a sweep too). */
  active: Map<number, ActiveRun>;
  /** Every copy of a sweep still going, by run id: stopping one stops them all. */
  sweeps: Map<number, ActiveSweep>;
  /** Set when the service is shutting down: no new runs. */
  disposed: boolean;
}
