/**
 * Live mode's rolling set. Live mode re-runs the model after each edit, so it would store a
 * run every second or two; each project keeps only its newest LIVE_RUNS_KEPT live runs (a
 * live sweep counts once, its copies kept or dropped together). Pinned runs, runs still
 * going, and runs started with Run are never dropped.
 */
import { LIVE_RUNS_KEPT } from '../../src-shared/api.js';
import type { ServiceContext } from './context.js';
import type { StoredRunSettings } from './run-info.js';

/** Deletes the project's live runs beyond the newest LIVE_RUNS_KEPT; returns the ids deleted. */
export function dropOldLiveRuns(ctx: ServiceContext, projectId: number, keep = LIVE_RUNS_KEPT): number[] {
  const runs = ctx.lab.runs.list({ project: projectId }).reverse(); // newest first
  const entries = new Map<string, number[]>(); // a run, or a whole sweep, in order of its newest run
  for (const run of runs) {
    const s = (run.settings ?? {}) as StoredRunSettings & { sweep?: { id?: unknown } };
    if (s.live !== true) continue;
    const key = typeof s.sweep?.id === 'string' ? `sweep ${s.sweep.id}` : `run ${run.id}`;
    const ids = entries.get(key) ?? [];
    ids.push(run.id);
    entries.set(key, ids);
  }
  const pinned = new Set(runs.filter((r) => (r.settings as StoredRunSettings | null)?.pinned === true).map((r) => r.id));
  const status = new Map(runs.map((r) => [r.id, r.status]));
  const drop: number[] = [];
  let kept = 0;
  for (const ids of entries.values()) {
    // A pinned entry stays and does not take one of the rolling places.
    if (ids.some((id) => pinned.has(id))) continue;
    if (kept < keep) {
      kept++;
      continue;
    }
    if (ids.some((id) => ctx.active.has(id) || status.get(id) === 'running')) continue;
    drop.push(...ids);
  }
  if (drop.length > 0) ctx.lab.runs.deleteMany(drop);
  return drop;
}
