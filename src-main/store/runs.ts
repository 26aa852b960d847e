/**
 * Runs: what ran (the exact project version, settings, engine, seed, dt and steps), how it
 * went (status, times, message, summary statistics) and what it recorded (its probes).
 *
 * A run is created 'running' before its first chunk and stamped with the writing process
 * (pid and host). If that process dies (crash, kill, power cut) the run stays 'running' on
 * disk; the next writable open of the lab (and every listing, for read-only views) sees
 * the writer is gone and reports the run as 'failed' with a message starting with
 * "interrupted", keeping every chunk committed before the process died.
 */
import os from 'node:os';
import type { PopulationSummary } from '../engines/types.js';
import type { ProbeLayout } from '../recordings/csv-format.js';
import { LabError } from './errors.js';
import { timestamp, type Lab } from './lab.js';
import type { ProjectRef } from './projects.js';

/** Where a run is in its life. */
export type RunStatus = 'running' | 'finished' | 'cancelled' | 'failed';

/** Start of the message of a run whose recording process died. */
export const INTERRUPTED = 'interrupted';

/** A run as listed. */
export interface RunInfo {
  id: number;
  projectId: number;
  projectName: string;
  /** Lab-wide id of the project version that ran. */
  versionId: number;
  /** Its number within the project. */
  versionNumber: number;
  engine: string;
  seed: number;
  /** Step, ms. */
  dt: number;
  /** Steps planned. */
  steps: number;
  stepsDone: number | null;
  settings: unknown;
  startedAt: string;
  endedAt: string | null;
  wallMs: number | null;
  status: RunStatus;
  message: string | null;
  summary: RunSummary | null;
}

/** Recorded totals of one probe. */
export interface ProbeTotals {
  kind: ProbeLayout['kind'];
  /** Samples (state), bins (rate) or spikes. */
  rows: number;
}

/** Summary statistics stored with a finished or cancelled run. */
export interface RunSummary {
  stepsDone?: number;
  populations?: PopulationSummary[];
  probes?: Record<string, ProbeTotals>;
}

/** What `start` needs to create a run. */
export interface StartRunInput {
  /** Lab-wide id of the project version that runs (see ProjectStore.saveIfChanged). */
  versionId: number;
  engine: string;
  seed: number;
  dt: number;
  steps: number;
  /** The run settings as given (overrides, engine options), stored as JSON. */
  settings: unknown;
  /** Every probe the run records, with its CSV layout. */
  probes: readonly ProbeLayout[];
}

/** How a run ended, for `finish`. */
export interface RunEnd {
  status: 'finished' | 'cancelled';
  wallMs: number;
  stepsDone?: number;
  summary?: RunSummary;
  message?: string | null;
}

interface RunRow {
  id: number;
  project_id: number;
  project_name: string;
  version_id: number;
  version_number: number;
  engine: string;
  seed: number;
  dt: number;
  steps: number;
  steps_done: number | null;
  settings: string;
  started_at: string;
  ended_at: string | null;
  wall_ms: number | null;
  status: RunStatus;
  message: string | null;
  summary: string | null;
  writer_pid: number | null;
  writer_host: string | null;
  heartbeat_at: string | null;
}

const RUN_SELECT = `
  SELECT r.*, v.number AS version_number, v.project_id, p.name AS project_name
  FROM runs r JOIN project_versions v ON v.id = r.version_id JOIN projects p ON p.id = v.project_id`;

/** Int32 values as base64 (little-endian): a string JSON parses at once, whatever its length. */
function int32Base64(values: ArrayLike<number>): string {
  const a = Int32Array.from(values);
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');
}

function int32FromBase64(text: string): Int32Array {
  const bytes = Buffer.from(text, 'base64');
  return new Int32Array(new Uint8Array(bytes).buffer); // a copy: aligned
}

/**
 * Layouts as stored: typed arrays of neuron indices become plain arrays in JSON. A weight-
 * snapshots probe records every connection (up to MAX_SNAPSHOT_CONNECTIONS): its channels
 * are 0…n−1 and are stored as their count, its connections' pre and post neurons as base64
 * Int32 (parsed far faster than arrays of numbers, and read with every listing of the run).
 */
function layoutToJson(layout: ProbeLayout): string {
  if (layout.kind !== 'state') return JSON.stringify(layout);
  const { snapshots, neurons, ...rest } = layout;
  if (snapshots) {
    return JSON.stringify({ ...rest, connections: neurons.length, snapshots: { pre: int32Base64(snapshots.pre), post: int32Base64(snapshots.post) } });
  }
  return JSON.stringify({ ...rest, neurons: Array.from(neurons) });
}

/** A stored layout (see layoutToJson). */
function layoutFromJson(text: string): ProbeLayout {
  const layout = JSON.parse(text) as ProbeLayout;
  const stored = layout as { connections?: number; snapshots?: { pre: unknown; post: unknown } };
  if (layout.kind !== 'state' || typeof stored.snapshots?.pre !== 'string' || typeof stored.snapshots.post !== 'string') return layout;
  const connections = stored.connections ?? 0;
  const { pre, post } = stored.snapshots as { pre: string; post: string };
  delete stored.connections;
  return { ...layout, neurons: Int32Array.from({ length: connections }, (_, k) => k), snapshots: { pre: int32FromBase64(pre), post: int32FromBase64(post) } };
}

/**
 * Whether the process that writes a run may still be alive. A process on another host
 * cannot be checked and is assumed alive (SQLite's WAL needs one host anyway).
 */
export function writerMayBeAlive(pid: number | null, host: string | null): boolean {
  if (pid === null) return false;
  if (host !== os.hostname()) return true;
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Runs of one lab. Obtain through `lab.runs`. */
export class RunStore {
  private readonly sql;

  /** Prepares every statement once; they are reused for the life of the lab. */
  constructor(private readonly lab: Lab) {
    const db = lab.db;
    this.sql = {
      get: db.prepare(`${RUN_SELECT} WHERE r.id = ?`),
      list: db.prepare(`${RUN_SELECT} ORDER BY r.id`),
      listOfProject: db.prepare(`${RUN_SELECT} WHERE v.project_id = ? ORDER BY r.id`),
      running: db.prepare(`${RUN_SELECT} WHERE r.status = 'running'`),
      insert: db.prepare(
        // Numbered above every run there is and every run deleted (schema 7): a number names one run for good.
        `INSERT INTO runs (id, version_id, engine, seed, dt, steps, settings, started_at, status, writer_pid, writer_host, heartbeat_at)
         VALUES (max(coalesce((SELECT max(id) FROM runs), 0), coalesce((SELECT last FROM retired_ids WHERE name = 'runs'), 0)) + 1,
                 ?, ?, ?, ?, ?, ?, ?, 'running', ?, ?, ?)`,
      ),
      insertProbe: db.prepare('INSERT INTO probes (run_id, probe, kind, layout) VALUES (?, ?, ?, ?)'),
      end: db.prepare(
        'UPDATE runs SET status = ?, message = ?, ended_at = ?, wall_ms = ?, steps_done = ?, summary = ? WHERE id = ?',
      ),
      interrupted: db.prepare(
        "UPDATE runs SET status = 'failed', message = ?, ended_at = coalesce(heartbeat_at, started_at) WHERE id = ? AND status = 'running'",
      ),
      heartbeat: db.prepare('UPDATE runs SET heartbeat_at = ? WHERE id = ?'),
      delete: db.prepare('DELETE FROM runs WHERE id = ?'),
      settings: db.prepare('UPDATE runs SET settings = ? WHERE id = ?'),
      probes: db.prepare('SELECT layout FROM probes WHERE run_id = ? ORDER BY rowid'),
      totals: db.prepare('SELECT probe, sum(count) AS rows, max(last) AS last FROM chunks WHERE run_id = ? GROUP BY probe'),
    };
  }

  /** Creates a run in status 'running' with its probes; returns it. */
  start(input: StartRunInput): RunInfo {
    const id = this.lab.write('starting a run', () => {
      const now = timestamp();
      const runId = Number(
        this.sql.insert.run(
          input.versionId, input.engine, input.seed, input.dt, input.steps,
          JSON.stringify(input.settings ?? {}), now, process.pid, os.hostname(), now,
        ).lastInsertRowid,
      );
      for (const probe of input.probes) this.sql.insertProbe.run(runId, probe.id, probe.kind, layoutToJson(probe));
      return runId;
    });
    return this.get(id);
  }

  /** Marks a run finished or cancelled, with its wall time and summary. */
  finish(runId: number, end: RunEnd): void {
    this.lab.write(`ending run ${runId}`, () => {
      const summary = end.summary ?? null;
      const stepsDone = end.stepsDone ?? summary?.stepsDone ?? null;
      this.sql.end.run(end.status, end.message ?? null, timestamp(), end.wallMs, stepsDone, summary && JSON.stringify(summary), runId);
    });
  }

  /** Marks a run failed with a message (what went wrong); what it recorded is kept. */
  fail(runId: number, message: string, wallMs: number | null = null): void {
    this.lab.write(`ending run ${runId}`, () => {
      this.sql.end.run('failed', message, timestamp(), wallMs, null, null, runId);
    });
  }

  /** Records that the run's writer is alive (called with every committed batch). */
  heartbeat(runId: number): void {
    this.sql.heartbeat.run(timestamp(), runId);
  }

  /** The run; throws a LabError naming it when it does not exist. */
  get(runId: number): RunInfo {
    const row = this.lab.guard(`reading run ${runId}`, () => this.sql.get.get(runId) as RunRow | undefined);
    if (!row) throw new LabError(`${this.lab.file} has no run ${runId}`, this.lab.file);
    return this.toInfo(row);
  }

  /** All runs, or those of one project, oldest first. */
  list(options: { project?: ProjectRef } = {}): RunInfo[] {
    const projectId = options.project === undefined ? undefined : this.lab.projects.get(options.project).id;
    return this.lab.guard('listing runs', () => {
      const rows = (projectId === undefined ? this.sql.list.all() : this.sql.listOfProject.all(projectId)) as RunRow[];
      return rows.map((row) => this.toInfo(row));
    });
  }

  /** The probes a run records, in plan order. */
  probes(runId: number): ProbeLayout[] {
    return this.lab.guard(`reading the probes of run ${runId}`, () =>
      (this.sql.probes.all(runId) as Array<{ layout: string }>).map((row) => layoutFromJson(row.layout)),
    );
  }

  /** One probe of a run; throws a LabError naming the run and listing its probes if absent. */
  probe(runId: number, probeId: string): ProbeLayout {
    const probes = this.probes(runId);
    const probe = probes.find((p) => p.id === probeId);
    if (probe) return probe;
    this.get(runId);
    const known = probes.map((p) => p.id).join(', ') || 'none';
    throw new LabError(`${this.lab.file}: run ${runId} has no probe ${JSON.stringify(probeId)} (its probes: ${known})`, this.lab.file);
  }

  /** Rows recorded so far per probe. */
  totals(runId: number): Record<string, ProbeTotals> {
    const kinds = new Map(this.probes(runId).map((p) => [p.id, p.kind] as const));
    const rows = this.lab.guard(`reading run ${runId}`, () => this.sql.totals.all(runId) as Array<{ probe: string; rows: number }>);
    const result: Record<string, ProbeTotals> = {};
    for (const [id, kind] of kinds) result[id] = { kind, rows: 0 };
    for (const row of rows) if (result[row.probe]) result[row.probe]!.rows = row.rows;
    return result;
  }

  /**
   * Deletes a run with its recordings and hands the space back to the file system; returns
   * the bytes by which the database shrank. A run still being recorded is refused.
   */
  delete(runId: number): { freedBytes: number } {
    const run = this.get(runId);
    if (run.status === 'running') {
      throw new LabError(`${this.lab.file}: run ${runId} is still recording; stop it before deleting it`, this.lab.file);
    }
    const before = this.lab.sizeBytes();
    this.lab.write(`deleting run ${runId}`, () => this.sql.delete.run(runId));
    this.lab.reclaimSpace();
    return { freedBytes: before - this.lab.sizeBytes() };
  }

  /**
   * Deletes several runs (none may be recording) in one transaction and reclaims the space
   * once; returns the bytes by which the database shrank.
   */
  deleteMany(runIds: readonly number[]): { freedBytes: number } {
    if (runIds.length === 0) return { freedBytes: 0 };
    for (const id of runIds) {
      if (this.get(id).status === 'running') {
        throw new LabError(`${this.lab.file}: run ${id} is still recording; stop it before deleting it`, this.lab.file);
      }
    }
    const before = this.lab.sizeBytes();
    this.lab.write(`deleting ${runIds.length} runs`, () => {
      for (const id of runIds) this.sql.delete.run(id);
    });
    this.lab.reclaimSpace();
    return { freedBytes: before - this.lab.sizeBytes() };
  }

  /** Replaces a run's stored settings with `update(settings)` (tags such as a pin or a note). */
  updateSettings(runId: number, update: (settings: Record<string, unknown>) => Record<string, unknown>): void {
    this.lab.write(`updating run ${runId}`, () => {
      const row = this.sql.get.get(runId) as RunRow | undefined;
      if (!row) throw new LabError(`${this.lab.file} has no run ${runId}`, this.lab.file);
      const settings = JSON.parse(row.settings) as unknown;
      const plain = typeof settings === 'object' && settings !== null && !Array.isArray(settings) ? (settings as Record<string, unknown>) : {};
      this.sql.settings.run(JSON.stringify(update(plain)), runId);
    });
  }

  /** Marks runs whose writer process is gone as failed ("interrupted …"); returns how many. */
  markInterrupted(): number {
    const rows = this.lab.guard('checking for interrupted runs', () => this.sql.running.all() as RunRow[]);
    const dead = rows.filter((row) => !writerMayBeAlive(row.writer_pid, row.writer_host));
    if (dead.length === 0) return 0;
    this.lab.write('marking interrupted runs', () => {
      for (const row of dead) this.sql.interrupted.run(this.interruptedMessage(row), row.id);
    });
    return dead.length;
  }

  private toInfo(row: RunRow): RunInfo {
    // A read-only view cannot mark the run, but must not call a dead run 'running' either.
    const dead = row.status === 'running' && !writerMayBeAlive(row.writer_pid, row.writer_host);
    return {
      id: row.id,
      projectId: row.project_id,
      projectName: row.project_name,
      versionId: row.version_id,
      versionNumber: row.version_number,
      engine: row.engine,
      seed: row.seed,
      dt: row.dt,
      steps: row.steps,
      stepsDone: row.steps_done,
      settings: JSON.parse(row.settings),
      startedAt: row.started_at,
      endedAt: dead ? (row.heartbeat_at ?? row.started_at) : row.ended_at,
      wallMs: row.wall_ms,
      status: dead ? 'failed' : row.status,
      message: dead ? this.interruptedMessage(row) : row.message,
      summary: row.summary === null ? null : (JSON.parse(row.summary) as RunSummary),
    };
  }

  /** "interrupted: …", saying how far the recording got. */
  private interruptedMessage(row: RunRow): string {
    const layouts = new Map(this.probes(row.id).map((p) => [p.id, p]));
    let untilMs = 0;
    for (const t of this.sql.totals.all(row.id) as Array<{ probe: string; last: number }>) {
      const p = layouts.get(t.probe);
      const step = !p ? 0 : p.kind === 'state' ? t.last * p.every : p.kind === 'rate' ? (t.last + 1) * p.binSteps : t.last;
      untilMs = Math.max(untilMs, step * row.dt);
    }
    const who = row.writer_pid === null ? 'the recording process' : `the recording process (pid ${row.writer_pid})`;
    return `${INTERRUPTED}: ${who} stopped before the run ended; recordings are kept up to t = ${Number(untilMs.toPrecision(12))} ms`;
  }
}
