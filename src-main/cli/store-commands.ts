/**
 * The CLI's lab commands (`projects`, `runs`, `export`, `check`, `delete-run`) and the recorder that
 * `spikeflow run … --db lab.sqlite --project <name>` uses. Every failure is an Error with a
 * one-line message naming the lab file, run or probe; the CLI prints it and exits 1.
 */
import type { Command } from 'commander';
import type { Plan } from '../compiler/plan.js';
import type { RunResult } from '../engines/types.js';
import type { ProjectDocument } from '../../src-shared/document/schema.js';
import { hasSnapshots } from '../recordings/csv-format.js';
import { DamagedDataError, describeRange } from '../store/checksums.js';
import { exportRunCsv } from '../store/csv-export.js';
import { defaultLabPath, ensureLabFolder } from '../store/default-location.js';
import { checkLab } from '../store/lab-check.js';
import { openLab, openLabForReading, type Lab } from '../store/lab.js';
import { escapeForTerminal } from '../store/names.js';
import { toUnit } from '../../src-shared/units.js';
import { recordRun } from '../store/run-recorder.js';
import type { RecordingSink } from '../engines/types.js';
import type { RunInfo } from '../store/runs.js';

/** Where the commands print (tests capture it). */
export interface StoreCommandOutput {
  out(line: string): void;
  /** Warnings (default: stderr). */
  warn?(line: string): void;
}

/** The lab file of a command: `--db`, else the default location (whose folder is created). */
export function resolveLabFile(db?: string): string {
  if (db !== undefined) return db;
  const file = defaultLabPath();
  ensureLabFolder(file);
  return file;
}

/**
 * How a command opens its lab: to change it; to read it (no write, except the upgrade of a
 * lab an older Spikeflow wrote); or to inspect it (`check`: read-only, never upgraded).
 */
type Access = 'write' | 'read' | 'inspect';

function openFor(access: Access, db: string | undefined, warn: (line: string) => void): Lab {
  const file = resolveLabFile(db);
  if (access === 'write') return openLab(file);
  const lab = access === 'inspect' ? openLab(file, { readonly: true }) : openLabForReading(file);
  if (lab.damage.length > 0) warn(`warning: ${file} is damaged (${lab.damage.join('; ')}); run "spikeflow check --db ${file}" for details`);
  return lab;
}

function withLab<T>(access: Access, db: string | undefined, warn: (line: string) => void, fn: (lab: Lab) => T): T {
  const lab = openFor(access, db, warn);
  try {
    return fn(lab);
  } finally {
    lab.close();
  }
}

async function withLabAsync<T>(access: Access, db: string | undefined, warn: (line: string) => void, fn: (lab: Lab) => Promise<T>): Promise<T> {
  const lab = openFor(access, db, warn);
  try {
    return await fn(lab);
  } finally {
    lab.close();
  }
}

function parseRunId(text: string): number {
  if (!/^\d+$/.test(text)) throw new Error(`"${text}" is not a run number (see "spikeflow runs" for the numbers)`);
  return Number(text);
}

/** `--at "0 ms, 50 s"`: times in ms; a bare number is in ms. */
function parseTimes(text: string): number[] {
  const parts = text.split(',').map((p) => p.trim()).filter((p) => p !== '');
  if (parts.length === 0) throw new Error('--at: no times given (e.g. --at "0 ms, 50 s")');
  return parts.map((p) => {
    try {
      return toUnit(/^[-+]?[\d.]+(e[-+]?\d+)?$/i.test(p) ? Number(p) : p, 'ms');
    } catch (err) {
      throw new Error(`--at: "${p}" is not a time (${(err as Error).message})`, { cause: err });
    }
  });
}

/**
 * Left-aligned columns separated by two spaces. Cells are escaped for the terminal: a name
 * stored by an older Spikeflow may hold control characters (an ESC sequence would clear
 * or rewrite the screen).
 */
function table(cells: string[][]): string[] {
  const rows = cells.map((row) => row.map(escapeForTerminal));
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows.map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  ').trimEnd());
}

/** "2025-01-31 14:03:07" from a stored ISO timestamp (UTC). */
function shortTime(iso: string | null): string {
  return iso ? iso.slice(0, 19).replace('T', ' ') : '';
}

function duration(ms: number | null): string {
  if (ms === null) return '';
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

/** "12.3 MB". */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 ** 2) return `${(bytes / 1024).toFixed(1)} kB`;
  if (bytes < 1024 ** 3) return `${(bytes / 1024 ** 2).toFixed(1)} MB`;
  return `${(bytes / 1024 ** 3).toFixed(2)} GB`;
}

/** The device a run computed on, from its stored settings ('' for runs stored before it was kept). */
function deviceOf(r: RunInfo): string {
  const device = (r.settings as { device?: unknown } | null)?.device;
  return typeof device === 'string' ? device : '';
}

function runRows(runs: RunInfo[]): string[][] {
  return [
    ['run', 'project', 'version', 'engine', 'seed', 'status', 'started (UTC)', 'wall', 'device', 'message'],
    ...runs.map((r) => [
      String(r.id), r.projectName, `v${r.versionNumber}`, r.engine, String(r.seed), r.status,
      shortTime(r.startedAt), duration(r.wallMs), deviceOf(r), r.message ?? '',
    ]),
  ];
}

/** Adds `projects`, `runs`, `export`, `check` and `delete-run` to the CLI. */
export function registerStoreCommands(program: Command, output: StoreCommandOutput = { out: (line) => console.log(line) }): void {
  const { out } = output;
  const warn = output.warn ?? ((line: string) => console.error(line));
  const dbHelp = 'lab database file (default: $XDG_DATA_HOME/spikeflow/lab.sqlite)';

  program
    .command('projects')
    .description('list the projects in the lab')
    .option('--db <file>', dbHelp)
    .action((opts: { db?: string }) =>
      withLab('read', opts.db, warn, (lab) => {
        const projects = lab.projects.list();
        if (projects.length === 0) return out(`no projects in ${lab.file}`);
        table([
          ['project', 'versions', 'runs', 'updated (UTC)'],
          ...projects.map((p) => [p.name, String(p.versions), String(p.runs), shortTime(p.updatedAt)]),
        ]).forEach((line) => out(line));
      }),
    );

  program
    .command('runs')
    .description('list the runs in the lab, or those of one project')
    .argument('[project]', 'project name')
    .option('--db <file>', dbHelp)
    .action((project: string | undefined, opts: { db?: string }) =>
      withLab('read', opts.db, warn, (lab) => {
        const runs = lab.runs.list({ project });
        if (runs.length === 0) return out(project ? `no runs of project ${JSON.stringify(project)} in ${lab.file}` : `no runs in ${lab.file}`);
        table(runRows(runs)).forEach((line) => out(line));
      }),
    );

  program
    .command('export')
    .description("write a run's recordings as CSV, one file per probe")
    .argument('<run>', 'run number (see "spikeflow runs")')
    .requiredOption('--out-dir <dir>', 'folder for the CSV files')
    .option('--probe <name>', 'only this probe (repeat for several)', (value: string, previous: string[]) => [...previous, value], [] as string[])
    .option('--long', 'state probes in the long format: t (ms),neuron,value')
    .option('--at <times>', 'weight snapshots: only the snapshots at these times, e.g. "0 ms, 50 s, 100 s" (default: all)')
    .option('--skip-damaged', 'leave out recording data that fails its checksum (and say which) instead of stopping')
    .option('--db <file>', dbHelp)
    .action((run: string, opts: { outDir: string; probe: string[]; long?: boolean; at?: string; skipDamaged?: boolean; db?: string }) => {
      const runId = parseRunId(run);
      const atMs = opts.at === undefined ? undefined : parseTimes(opts.at);
      return withLabAsync('read', opts.db, warn, async (lab) => {
        let files;
        try {
          files = await exportRunCsv(lab, runId, opts.outDir, {
            probes: opts.probe.length > 0 ? opts.probe : undefined,
            long: opts.long ?? false,
            ...(atMs ? { atMs } : {}),
            skipDamaged: opts.skipDamaged ?? false,
          });
        } catch (err) {
          if (err instanceof DamagedDataError && err.range) {
            throw new Error(`${err.message}; nothing of that probe was written ("--skip-damaged" exports what is intact)`, { cause: err });
          }
          throw err;
        }
        if (files.length === 0) out(`run ${runId} has no probes; nothing written`);
        // --at picks weight snapshots; elsewhere it would pass unnoticed (all rows written).
        if (atMs && files.length > 0 && !files.some((f) => hasSnapshots(lab.runs.probe(runId, f.probe)))) warn(`warning: --at picks weight snapshots, and no probe written records them: ignored (every row written)`);
        for (const f of files) {
          out(`wrote ${f.file} (${formatBytes(f.bytes)}, ${f.rows} rows)`);
          for (const range of f.damaged) warn(`left out of ${f.file}: ${describeRange(range)} (damaged: the data does not match its checksum)`);
        }
      });
    });

  program
    .command('check')
    .description('check the lab for damage: SQLite integrity, the checksum of every recording and document, orphan data')
    .option('--db <file>', dbHelp)
    .action((opts: { db?: string }) =>
      withLab('inspect', opts.db, () => undefined, (lab) => {
        const report = checkLab(lab);
        const total = report.problems.length + report.moreProblems;
        const what = `${report.documents} saved document(s) and ${report.chunks} recording chunk(s), ${formatBytes(lab.sizeBytes())}`;
        if (total === 0) return out(`${lab.file}: no problems found (checked ${what})`);
        for (const line of report.problems) out(line);
        if (report.moreProblems > 0) out(`… and ${report.moreProblems} more`);
        throw new Error(`${lab.file} is damaged: ${total} problem(s) found (checked ${what}); the file was not changed`);
      }),
    );

  program
    .command('delete-run')
    .description('delete a run and its recordings, and reclaim the space')
    .argument('<run>', 'run number (see "spikeflow runs")')
    .option('--db <file>', dbHelp)
    .action((run: string, opts: { db?: string }) => {
      const runId = parseRunId(run);
      withLab('write', opts.db, warn, (lab) => {
        const { freedBytes } = lab.runs.delete(runId);
        out(`deleted run ${runId} from ${lab.file} (freed ${formatBytes(Math.max(0, freedBytes))})`);
      });
    });
}

/** What `spikeflow run --db … --project …` passes to `openRunRecorder`. */
export interface RunRecorderOptions {
  /** Lab file (default: the default location). */
  db?: string;
  project: string;
  document: ProjectDocument;
  plan: Plan;
  engine: string;
  /** Run settings as given on the command line, stored with the run. */
  settings: object;
}

/** A run being recorded by the CLI; ending it (finish, cancel or fail) closes the lab. */
export interface RunRecorder {
  runId: number;
  /** The lab file. */
  file: string;
  /** Project version the run records. */
  versionNumber: number;
  sink: RecordingSink;
  finish(result: RunResult): void;
  cancel(result: RunResult): void;
  /** Marks the run failed with the error's message; never throws. */
  fail(err: unknown): void;
}

/**
 * Opens the lab, saves the document as a new project version if it changed, and creates a
 * run in status 'running' whose `sink` streams the engine's recordings into the lab.
 */
export function openRunRecorder(options: RunRecorderOptions): RunRecorder {
  const file = resolveLabFile(options.db);
  const lab = openLab(file);
  try {
    const recording = recordRun(lab, { ...options, message: 'saved by spikeflow run' });
    const closing = <A extends unknown[]>(fn: (...args: A) => void) => (...args: A) => {
      try {
        fn(...args);
      } finally {
        lab.close();
      }
    };
    return {
      runId: recording.runId,
      file,
      versionNumber: recording.versionNumber,
      sink: recording.sink,
      finish: closing(recording.finish),
      cancel: closing(recording.cancel),
      fail: closing(recording.fail),
    };
  } catch (err) {
    lab.close();
    throw err;
  }
}
