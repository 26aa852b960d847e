/**
 * Store records in the API's shapes: project summaries and versions, and `RunInfo` (the
 * run's settings unpacked: device, engine note, sweep tag, live and pinned flags; its
 * probes with sizes and intervals).
 */
import type { OpenProject, ProbeInfo, ProjectSummary, ProjectVersionInfo, RunInfo, RunSweepInfo } from '../../src-shared/api.js';
import type { ProjectDocument } from '../../src-shared/document/schema.js';
import { hasSnapshots, type ProbeLayout } from '../recordings/csv-format.js';
import type { ProjectInfo, VersionInfo } from '../store/projects.js';
import { INTERRUPTED, type RunInfo as StoreRunInfo } from '../store/runs.js';
import type { ServiceContext } from './context.js';
import { hasConnectionStates } from '../store/connection-states.js';

/** What a run's stored settings may hold besides the overrides (written by runs.ts and sweeps.ts). */
export interface StoredRunSettings {
  engineNote?: unknown;
  device?: unknown;
  durationMs?: number;
  sweep?: unknown;
  live?: unknown;
  pinned?: unknown;
  threads?: unknown;
  continueFrom?: unknown;
}

/** Whether stored settings hold a run's sweep tag (written by startSweep). */
function isSweepInfo(x: unknown): x is RunSweepInfo {
  const s = x as Partial<RunSweepInfo> | null | undefined;
  return typeof s === 'object' && s !== null && typeof s.id === 'string' && typeof s.label === 'string' &&
    typeof s.copyLabel === 'string' && typeof s.index === 'number' && typeof s.count === 'number';
}

export interface InfoMapper {
  summaryOf(p: ProjectInfo): ProjectSummary;
  versionOf(v: VersionInfo): ProjectVersionInfo & { number: number };
  opened(projectId: number, version: VersionInfo, document: ProjectDocument): OpenProject;
  runInfo(run: StoreRunInfo): RunInfo;
  getRunInfo(runId: number): RunInfo;
}

export function infoMapper(ctx: ServiceContext): InfoMapper {
  const { lab, app } = ctx;
  const latestVersionIdSql = lab.db.prepare('SELECT id FROM project_versions WHERE project_id = ? ORDER BY number DESC LIMIT 1');

  function summaryOf(p: ProjectInfo): ProjectSummary {
    const row = latestVersionIdSql.get(p.id) as { id: number } | undefined;
    return {
      id: p.id, name: p.name, createdAt: p.createdAt, updatedAt: p.updatedAt,
      versions: p.versions, latestVersionId: row?.id ?? 0, runs: p.runs, scratch: app.scratchId() === p.id,
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
    const live = ctx.active.get(run.id);
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
    if (hasSnapshots(layout)) {
      // Every connection: the list of indices would only repeat 0…n−1, perhaps millions of them.
      return {
        id: layout.id, kind: 'state', block: layout.block, state: layout.state, unit: layout.unit,
        size: layout.neurons.length, intervalMs: layout.every * dt, snapshots: true,
      };
    }
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
    const settings = (run.settings ?? {}) as StoredRunSettings;
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
      ...(typeof settings.threads === 'number' ? { threads: settings.threads } : {}),
      seed: run.seed,
      dt: run.dt,
      durationMs: typeof settings.durationMs === 'number' ? settings.durationMs : run.steps * run.dt,
      status: interrupted ? 'interrupted' : run.status,
      message: run.message ?? engineNote,
      populations: (run.summary?.populations ?? []).map((p) => ({ block: p.block, size: p.size, spikes: p.spikes, rateHz: p.rateHz })),
      probes: lab.runs.probes(run.id).map((l) => probeInfo(l, run.dt, sizes)),
      ...(isSweepInfo(settings.sweep) ? { sweep: settings.sweep } : {}),
      live: settings.live === true,
      pinned: settings.pinned === true,
      ...(hasConnectionStates(lab, run.id) ? { finalWeights: true as const } : {}),
      ...(typeof settings.continueFrom === 'number' ? { continuedFrom: settings.continueFrom } : {}),
    };
  }

  return { summaryOf, versionOf, opened, runInfo, getRunInfo: (runId) => runInfo(lab.runs.get(runId)) };
}
