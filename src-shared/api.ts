/**
 * The typed API between the renderer and the main process (Electron IPC) or the web host
 * (WebSocket). One contract, two transports: every method's parameters have a zod schema
 * so the receiving side validates each payload before acting on it, and results are
 * plain JSON. Server-pushed events are listed in `ApiEvents`.
 *
 * Transport framing (both transports):
 *   request  {id: number, method: keyof SpikeflowApi, params: unknown[]}
 *   response {id, result} | {id, error: {message: string, diagnostics?: Diagnostic[]}}
 *   event    {event: keyof ApiEvents, payload}
 */
import { z } from 'zod';
import type { ProjectDocument } from './document/schema.js';
import type { BlockTypeInput } from './equations/type-schema.js';

/** A compile problem, shown on the offending node (block) and field. */
export interface ApiDiagnostic {
  block?: string;
  field?: string;
  message: string;
  /** 'warning': the model runs, but likely not as meant (a neuron nothing drives). Absent: an error. */
  severity?: 'warning';
}

export interface ProjectSummary {
  id: number;
  name: string;
  createdAt: string;
  updatedAt: string;
  /** Number of saved versions. */
  versions: number;
  latestVersionId: number;
  runs: number;
  /** True for the lab's one scratch project, which keeps the runs of documents not saved as a project. */
  scratch?: boolean;
}

export interface ProjectVersionInfo {
  id: number;
  projectId: number;
  createdAt: string;
  message: string | null;
}

export interface OpenProject {
  project: ProjectSummary;
  versionId: number;
  document: ProjectDocument;
}

export type EngineName = 'cpu' | 'webgpu' | 'auto';

export interface RunRequest {
  /** Project whose document is run; the document is saved as a new version if it changed. */
  projectId: number;
  document: unknown;
  /** Overrides of the document's run settings, text with units ("500 ms"). */
  dt?: string;
  duration?: string;
  seed?: number;
  engine: EngineName;
  /** Started by live mode (a re-run after an edit), not by Run; kept in the run's settings (`RunInfo.live`). */
  live?: boolean;
  /**
   * The memory the run may use ("8 GB"); a model estimated to need more is refused before
   * anything is allocated. Default: 80% of the memory the machine has available.
   */
  maxMemory?: string;
  /** CPU engine: worker threads (default: all cores but one, both of two, fewer for a small model). */
  threads?: number;
  /**
   * Continue from this earlier run: the plastic synapses start from the weights (and traces)
   * it ended with instead of the document's; refused, naming the synapse, where the
   * connections differ (not for sweeps).
   */
  continueFrom?: number;
}

/** What a run of a valid document would need (src-main/compiler/estimate.ts). */
export interface RunEstimateInfo {
  bytes: number;
  elementUpdates: number;
  connections: number;
  /** In words: "needs about 1.2 GB of memory and 4e9 element updates". */
  summary: string;
}

/** What a sweep varies: one numeric parameter of one block, over listed values. */
export interface SweepSpec {
  block: string;
  param: string;
  /** Values as text with units ("5 ms"); a bare number is in the parameter's unit. */
  values: string[];
}

/**
 * A sweep: copies of one model, every value × every seed, run side by side on the WebGPU
 * engine's batch path (one after another on the CPU engine without a GPU). `sweep: null`
 * with `seeds` varies the seed only. Seeds run from the request's (or document's) seed up.
 */
export type SweepRequest = RunRequest & { sweep: SweepSpec | null; seeds?: number };

/** How a run belongs to a sweep; every copy of one sweep has the same `id` and `label`. */
export interface RunSweepInfo {
  /** Shared by the sweep's runs. */
  id: string;
  /** The sweep in words: "syn.tau = 5 ms, 10 ms, 20 ms" (", 3 seeds" when several). */
  label: string;
  /** This copy in words: "syn.tau = 5 ms" (", seed 2" when several seeds). */
  copyLabel: string;
  /** Position of this copy in the sweep (0-based) and the number of copies. */
  index: number;
  count: number;
  block: string | null;
  param: string | null;
  /** The swept value of this copy, as given. */
  value: string | null;
}

export type RunStatus = 'running' | 'finished' | 'cancelled' | 'failed' | 'interrupted';

export interface PopulationStats {
  block: string;
  size: number;
  spikes: number;
  rateHz: number;
}

export interface ProbeInfo {
  id: string;
  kind: 'state' | 'spikes' | 'rate';
  /** The recorded block. */
  block: string;
  state?: string;
  unit?: string;
  /** Recorded neuron indices (state probes), or the population size (spike/rate probes). */
  neurons?: number[];
  size?: number;
  /** Sampling interval (state) or bin width (rate), in ms. */
  intervalMs?: number;
  /**
   * A weight-snapshots probe: every connection's weight every `intervalMs` (`size`: the
   * connections; `neurons` is left out). Shown as a histogram (readWeightHistogram).
   */
  snapshots?: true;
}

export interface RunInfo {
  id: number;
  projectId: number;
  versionId: number;
  startedAt: string;
  endedAt: string | null;
  wallMs: number | null;
  engine: string;
  /** The hardware that computed the run ("2 × Intel(R) Xeon(R) Processor", a GPU); null for runs stored before it was kept. */
  device: string | null;
  /** Why the engine is not the one asked for, or how a sweep ran ("No GPU found: running on the CPU"); null when there is nothing to say. */
  engineNote: string | null;
  /** CPU engine: the worker threads that stepped the run (absent for other engines and older runs). */
  threads?: number;
  seed: number;
  dt: number;
  durationMs: number;
  status: RunStatus;
  message: string | null;
  populations: PopulationStats[];
  probes: ProbeInfo[];
  /** Present when the run is one copy of a sweep. */
  sweep?: RunSweepInfo;
  /** Started by live mode (the Runs panel groups consecutive live runs); false for runs stored before it was kept. */
  live: boolean;
  /** Pinned in the Runs panel: a pinned live run is never dropped from the rolling set (see LIVE_RUNS_KEPT). */
  pinned: boolean;
  /** The run kept its plastic synapses' final weights, so a later run can continue from it (RunRequest.continueFrom). */
  finalWeights?: true;
  /** The run continued from this earlier run (its plastic synapses started from that run's final weights). */
  continuedFrom?: number;
}

/**
 * Live mode keeps the newest this many live runs of a project (a live sweep counts once);
 * older ones are deleted as new ones start, unless pinned. Runs started with Run are never
 * deleted by the app.
 */
export const LIVE_RUNS_KEPT = 10;

/** A time window of a state or rate probe, min/max-decimated to at most `maxPoints` columns. */
export interface TraceData {
  probe: string;
  /** Time of each point (ms). */
  t: number[];
  /** One entry per requested neuron (one for a rate probe). */
  series: Array<{ neuron: number; min: number[]; max: number[] }>;
  /** Whether min/max differ (decimated) or equal the samples. */
  decimated: boolean;
}

/** The weights of every connection at one snapshot of a weight-snapshots probe, binned. */
export interface WeightHistogram {
  probe: string;
  /** Time of every stored snapshot (ms), in order. */
  times: number[];
  /** Index of the binned snapshot in `times` (-1 when none is stored yet). */
  snapshot: number;
  /** Its time (ms). */
  t: number;
  /**
   * Lower and upper edge of the bins: the least and greatest weight over every stored
   * snapshot, so that animating through them keeps the axis still.
   */
  lo: number;
  hi: number;
  /** Connections per bin (equal widths over [lo, hi]; the last bin includes hi). */
  counts: number[];
  /** Connections recorded, and the mean weight at this snapshot. */
  connections: number;
  mean: number;
  unit: string;
}

export interface SpikeData {
  probe: string;
  t: number[];
  neuron: number[];
  /** True when more spikes fall in the window than were returned: those are thinned evenly over it. */
  truncated: boolean;
  /** How many spikes fall in the window (more than returned where truncated). */
  total: number;
}

export interface ExampleInfo {
  file: string;
  name: string;
  description: string;
}

/**
 * The engines this machine offers, on which hardware, and what `auto` picks (for runs that
 * f32 time can resolve; a longer run of spike-timed blocks still goes to the CPU engine).
 */
export interface EngineStatus {
  /** `cores`: the processors the CPU engine may use (the Threads choice lists up to this many). */
  cpu: { device: string; cores?: number };
  /** `reason` in a user's words ("no GPU found"); `detail` the technical cause, for a tooltip. */
  webgpu: { available: true; device: string; software: boolean } | { available: false; reason: string; detail?: string };
  /** `note` says in a user's words why Auto takes the CPU; `detail` the technical cause. */
  auto: { engine: 'cpu' | 'webgpu'; note: string | null; detail?: string };
}

/** The values of one varying parameter in bins (src-main/compiler/value-histograms.ts). */
export interface ValueHistogramInfo {
  unit: string;
  min: number;
  max: number;
  counts: number[];
  /** Neurons drawn for the histogram (all, or the first 100 000). */
  drawn: number;
  size: number;
}

/** File → Export model…: the simulator and, for Brian2, its options (as `spikeflow export-model`). */
export interface ModelExportOptions {
  to: 'brian2' | 'pynn';
  /** Connectivity, weights and initial values drawn by the simulator's rules instead of Spikeflow's arrays. */
  regenerate?: boolean;
  /** Brian2 only: the script's default device, and OpenMP threads of cpp_standalone. */
  device?: 'runtime' | 'cpp_standalone';
  threads?: number;
}

/** The exported script: a file name to save it under, its text, and what it leaves out. */
export interface ModelExportResult {
  filename: string;
  text: string;
  notes: string[];
}

/** One CSV file an exported script wrote ("<probe>.csv"), as the page read it. */
export interface ImportedCsvFile {
  name: string;
  text: string;
}

/** A block type kept in the lab's library, to be used in any project (written as equations). */
export interface LibraryTypeInfo {
  name: string;
  category: 'neuron' | 'synapse';
  title: string;
  savedAt: string;
  type: BlockTypeInput;
}

/** The service both transports expose. All methods are async. */
export interface SpikeflowApi {
  /** Compiles a document without running it; diagnostics (errors) and warnings name block and field. */
  validate(document: unknown): Promise<{ ok: true; warnings?: ApiDiagnostic[]; estimate?: RunEstimateInfo } | { ok: false; diagnostics: ApiDiagnostic[] }>;
  listExamples(): Promise<ExampleInfo[]>;
  loadExample(file: string): Promise<ProjectDocument>;
  /**
   * Histograms of the values the block's parameters take where they vary per neuron (a
   * distribution or an expression), drawn as a run with the document's seed draws them.
   */
  valueHistograms(document: unknown, blockId: string): Promise<Record<string, ValueHistogramInfo>>;
  /** Which engines are available and on which device (found once per service, then cached). */
  engineStatus(): Promise<EngineStatus>;
  /** The block types kept in the lab's library (for any project), by name. */
  listLibraryTypes(): Promise<LibraryTypeInfo[]>;
  /** Keeps a block type in the library (replacing one of the same name); refused unless it compiles. */
  saveLibraryType(name: string, type: unknown): Promise<LibraryTypeInfo>;
  deleteLibraryType(name: string): Promise<void>;

  listProjects(): Promise<ProjectSummary[]>;
  createProject(name: string, document: unknown): Promise<OpenProject>;
  /**
   * Save as: a new project whose latest version is `document`, and the runs `runIds` (the
   * history shown with the document) moved into it with the versions they ran. The
   * projects they came from keep their versions.
   */
  saveProjectAs(name: string, document: unknown, runIds: number[]): Promise<OpenProject>;
  /** The lab's scratch project (created on first use), where runs of unsaved documents are kept. */
  scratchProject(): Promise<ProjectSummary>;
  openProject(projectId: number, versionId?: number): Promise<OpenProject>;
  saveProject(projectId: number, document: unknown, message?: string): Promise<ProjectVersionInfo>;
  renameProject(projectId: number, name: string): Promise<void>;
  duplicateProject(projectId: number, name: string): Promise<ProjectSummary>;
  deleteProject(projectId: number): Promise<void>;
  listVersions(projectId: number): Promise<ProjectVersionInfo[]>;
  importProject(json: string, name?: string): Promise<OpenProject>;
  exportProject(projectId: number, versionId?: number): Promise<string>;
  /** Autosave of unsaved edits (one draft per project; projectId null = not yet saved). */
  saveDraft(projectId: number | null, document: unknown): Promise<void>;
  loadDraft(projectId: number | null): Promise<ProjectDocument | null>;
  /** Recently opened projects, newest first. */
  recentProjects(): Promise<ProjectSummary[]>;

  startRun(request: RunRequest): Promise<RunInfo>;
  /**
   * Starts a sweep: one stored run per copy (of the same project version, each with its own
   * recordings, all tagged with the sweep), in the order value × seed. Returns at once;
   * every copy streams `run-progress`/`run-data` and ends with its own `run-ended`.
   * `stopRun` of any copy stops them all.
   */
  startSweep(request: SweepRequest): Promise<RunInfo[]>;
  /** Stops a run (every copy, for a run of a sweep). */
  stopRun(runId: number): Promise<void>;
  listRuns(projectId: number): Promise<RunInfo[]>;
  getRun(runId: number): Promise<RunInfo>;
  readTrace(runId: number, probe: string, window: { t0?: number; t1?: number; neurons?: number[]; maxPoints?: number }): Promise<TraceData>;
  readSpikes(runId: number, probe: string, window: { t0?: number; t1?: number; neurons?: number[]; maxSpikes?: number }): Promise<SpikeData>;
  /**
   * A weight-snapshots probe's histogram at one snapshot (default: the last stored), in
   * `bins` bins (default 40) over the run's whole weight range.
   */
  readWeightHistogram(runId: number, probe: string, query: { snapshot?: number; bins?: number }): Promise<WeightHistogram>;
  deleteRun(runId: number): Promise<void>;
  /** Pins a run (never dropped from live mode's rolling set) or unpins it. */
  pinRun(runId: number, pinned: boolean): Promise<RunInfo>;
  /**
   * Writes CSV for one probe (or all); returns where: a file path (desktop) or a download URL
   * (web host). Recording data that fails its checksum stops the export with an error naming
   * run, probe and time range; with `skipDamaged` what is intact is written, and `leftOut`
   * names what was left out (as the CLI's `export --skip-damaged`). `atMs`: a weight-snapshots
   * probe's snapshots nearest these times only (as `export --at`; other probes: all).
   */
  exportRunCsv(runId: number, probe?: string, long?: boolean, skipDamaged?: boolean, atMs?: number[]): Promise<{ path?: string; url?: string; leftOut?: string[] }>;
  /**
   * The document as a script for Brian2 or PyNN (src-main/export). A block the target
   * cannot express is refused: the error's diagnostics name each block and why.
   */
  exportModel(document: unknown, options: ModelExportOptions): Promise<ModelExportResult>;
  /**
   * The CSV files an exported script wrote become a finished run of the project (engine
   * "imported: <simulator>"), checked against the document's probes first; the document is
   * saved as a new version if it changed, as for a run.
   */
  importRunCsv(projectId: number, document: unknown, files: ImportedCsvFile[], simulator: string): Promise<RunInfo>;
}

/** What a desktop menu item asks the renderer to do (sent as the 'menu-command' event). */
export type MenuCommand =
  | { command: 'new' }
  | { command: 'open' }
  | { command: 'open-project'; projectId: number }
  | { command: 'open-example'; file: string }
  | { command: 'save' }
  | { command: 'save-as' }
  | { command: 'rename' }
  | { command: 'revert' }
  | { command: 'import-project' }
  | { command: 'export-project' }
  | { command: 'export-run-csv' }
  | { command: 'export-model' }
  | { command: 'import-run' }
  | { command: 'undo' }
  | { command: 'redo' }
  | { command: 'delete' }
  | { command: 'zoom-to-fit' }
  | { command: 'auto-arrange' }
  | { command: 'new-block-type' }
  | { command: 'toggle-minimap' }
  | { command: 'run' }
  | { command: 'stop' }
  | { command: 'user-guide' };

/** Events pushed from main to the renderer. */
export interface ApiEvents {
  'run-progress': { runId: number; step: number; steps: number; simulatedMs: number; wallMs: number };
  /** New recorded data is in the store for these probes (re-read the visible window). */
  'run-data': { runId: number; probes: string[]; simulatedMs: number };
  'run-ended': RunInfo;
  /** Desktop only: a native menu item was chosen. */
  'menu-command': MenuCommand;
}

const id = z.number().int().positive();
const window = z.strictObject({
  t0: z.number().optional(),
  t1: z.number().optional(),
  neurons: z.array(z.number().int().min(0)).max(1000).optional(),
  maxPoints: z.number().int().min(1).max(100000).optional(),
  maxSpikes: z.number().int().min(1).max(5_000_000).optional(),
});

const runRequestShape = {
  projectId: id,
  document: z.unknown(),
  dt: z.string().max(50).optional(),
  duration: z.string().max(50).optional(),
  seed: z.number().int().min(0).max(2 ** 32 - 1).optional(),
  engine: z.enum(['cpu', 'webgpu', 'auto']),
  live: z.boolean().optional(),
  maxMemory: z.string().max(50).optional(),
  threads: z.number().int().min(1).max(1024).optional(),
};

/** Most copies one sweep may have (values × seeds). */
export const MAX_SWEEP_COPIES = 256;

const sweepName = z.string().min(1).max(200).regex(/^[^.=,\s]+$/, 'a name without spaces, ".", "=" or ","');

/** Parameter schemas, by method: main validates every request against these. */
export const API_PARAMS = {
  validate: z.tuple([z.unknown()]),
  valueHistograms: z.tuple([z.unknown(), z.string().min(1).max(200)]),
  listExamples: z.tuple([]),
  loadExample: z.tuple([z.string().regex(/^[A-Za-z0-9_.-]+\.json$/)]),
  engineStatus: z.tuple([]),
  listLibraryTypes: z.tuple([]),
  saveLibraryType: z.tuple([z.string().min(1).max(60), z.unknown()]),
  deleteLibraryType: z.tuple([z.string().min(1).max(60)]),
  listProjects: z.tuple([]),
  createProject: z.tuple([z.string().min(1).max(200), z.unknown()]),
  saveProjectAs: z.tuple([z.string().min(1).max(200), z.unknown(), z.array(id).max(100_000)]),
  scratchProject: z.tuple([]),
  openProject: z.tuple([id, id.optional()]),
  saveProject: z.tuple([id, z.unknown(), z.string().max(2000).optional()]),
  renameProject: z.tuple([id, z.string().min(1).max(200)]),
  duplicateProject: z.tuple([id, z.string().min(1).max(200)]),
  deleteProject: z.tuple([id]),
  listVersions: z.tuple([id]),
  importProject: z.tuple([z.string().max(50_000_000), z.string().min(1).max(200).optional()]),
  exportProject: z.tuple([id, id.optional()]),
  saveDraft: z.tuple([id.nullable(), z.unknown()]),
  loadDraft: z.tuple([id.nullable()]),
  recentProjects: z.tuple([]),
  startRun: z.tuple([z.strictObject({ ...runRequestShape, continueFrom: id.optional() })]),
  startSweep: z.tuple([z.strictObject({
    ...runRequestShape,
    sweep: z.strictObject({
      block: sweepName,
      param: sweepName,
      values: z.array(z.string().trim().min(1, 'an empty value').max(50).regex(/^[^,]+$/, 'one value per entry, without ","'))
        .min(1, 'at least one value')
        .max(MAX_SWEEP_COPIES),
    }).nullable(),
    seeds: z.number().int().min(1).max(MAX_SWEEP_COPIES).optional(),
  }).refine((r) => (r.sweep?.values.length ?? 1) * (r.seeds ?? 1) <= MAX_SWEEP_COPIES, {
    message: `at most ${MAX_SWEEP_COPIES} copies (values × seeds)`,
  })]),
  stopRun: z.tuple([id]),
  listRuns: z.tuple([id]),
  getRun: z.tuple([id]),
  readTrace: z.tuple([id, z.string().min(1).max(200), window]),
  readSpikes: z.tuple([id, z.string().min(1).max(200), window]),
  readWeightHistogram: z.tuple([id, z.string().min(1).max(200), z.strictObject({
    snapshot: z.number().int().min(0).optional(),
    bins: z.number().int().min(1).max(1000).optional(),
  })]),
  deleteRun: z.tuple([id]),
  pinRun: z.tuple([id, z.boolean()]),
  exportRunCsv: z.tuple([id, z.string().min(1).max(200).optional(), z.boolean().optional(), z.boolean().optional(), z.array(z.number().finite()).min(1).max(10_000).optional()]),
  exportModel: z.tuple([z.unknown(), z.strictObject({
    to: z.enum(['brian2', 'pynn']),
    regenerate: z.boolean().optional(),
    device: z.enum(['runtime', 'cpp_standalone']).optional(),
    threads: z.number().int().min(0).max(4096).optional(),
  }).refine((o) => o.to === 'brian2' || (o.device === undefined && o.threads === undefined), {
    message: 'device and threads are options of Brian2',
  })]),
  importRunCsv: z.tuple([
    id,
    z.unknown(),
    z.array(z.strictObject({ name: z.string().min(1).max(300), text: z.string().max(64 * 1024 * 1024) })).min(1).max(10_000),
    z.string().min(1).max(100),
  ]),
} satisfies Record<keyof SpikeflowApi, z.ZodType>;

export type ApiMethod = keyof SpikeflowApi;
export const API_METHODS = Object.keys(API_PARAMS) as ApiMethod[];
