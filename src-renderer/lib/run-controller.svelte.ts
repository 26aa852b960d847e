/**
 * Runs in the studio: starting and stopping a run or a sweep, live mode (re-run after each
 * edit), progress, the run history of the open document (the Runs panel) and which runs the
 * plots show. The document side (studio.svelte.ts) says what to run and where its runs go
 * through `RunHost`; the plots and the Runs panel read the `$state` fields here (through
 * the Studio).
 */
import { LIVE_RUNS_KEPT, type ApiEvents, type EngineName, type EngineStatus, type RunInfo, type SpikeflowApi } from '../../src-shared/api.js';
import type { ProjectDocument } from '../../src-shared/document/schema.js';
import { toUnit } from '../../src-shared/units.js';
import type { ApiCallError, ApiClient } from './api-client.js';
import { downloadUrl } from './downloads.js';
import type { GraphEditor } from './graph-editor.js';
import { sweepCount, sweepText, type SweepSetup } from './sweep.js';

/** A sweep in progress: its runs and how far each got. */
export interface ActiveSweep {
  runs: RunInfo[];
  label: string;
  /** Steps done and planned, summed over the copies. */
  step: number;
  steps: number;
  /** Copies that have ended. */
  ended: number;
}

export interface RunProgress {
  runId: number;
  step: number;
  steps: number;
  simulatedMs: number;
  wallMs: number;
}

/** Run settings as the run bar edits them (text with units). */
export interface RunSettingsText {
  dt: string;
  duration: string;
  seed: number;
}

/** What the run controller needs from the document side of the studio. */
export interface RunHost {
  readonly client: ApiClient;
  readonly graph: GraphEditor | null;
  readonly settings: RunSettingsText;
  readonly settingsErrors: { dt?: string; duration?: string; seed?: string };
  /** The document as it is now. */
  document(): ProjectDocument;
  /** The project whose runs the Runs panel lists (the open one), or null for an unsaved document. */
  historyProject(): number | null;
  /** The project a run of the current document goes into: the open one, or the scratch project. */
  runProject(): Promise<number>;
  /** A run or sweep stored the document as version `versionId` of its project. */
  ran(versionId: number): void;
  /** Checks the model; false when it has problems (shown on the blocks). */
  validateNow(): Promise<boolean>;
  showDiagnostics(diagnostics: NonNullable<ApiCallError['diagnostics']>): Promise<void>;
  notify(text: string, tone?: 'info' | 'error' | 'success', ms?: number, action?: NoticeAction): void;
}

/** A button on a notice ("Export what is intact"). */
export interface NoticeAction {
  label: string;
  run(): void;
}

/** Whether an error is recording data failing its checksum (the store's message names run, probe and time range). */
const isDamagedData = (err: unknown) => err instanceof Error && /does not match its checksum/.test(err.message);

/** Most runs shown over the shown run's plots. */
const MAX_OVERLAYS = 15;
const LIVE_DELAY_MS = 700;
/**
 * Live mode re-runs only models up to this many neuron-steps: 2000 neurons for 1 s at
 * dt = 0.1 ms. The CPU engine steps COBA with 1000 neurons for 1 s (1e7) in about 0.1 s,
 * the size issue #15's live-mode goal names (bench/editor.ts measures it).
 */
const LIVE_MAX_NEURON_STEPS = 20_000_000;

export class RunController {
  engine = $state<EngineName>('auto');
  /** CPU engine's worker threads; 0: its own choice (engine-status.ts threadOptions). */
  threads = $state(0);
  /** Which engines the host has and on what device; null until it has looked (opening the GPU takes a moment). */
  engineStatus = $state.raw<EngineStatus | null>(null);
  live = $state(false);
  activeRun = $state.raw<RunInfo | null>(null);
  progress = $state.raw<RunProgress | null>(null);
  starting = $state(false);
  /** The Runs panel: the open project's runs, or the runs of the unsaved document started in this session; newest first. */
  runs = $state.raw<RunInfo[]>([]);
  shownRun = $state.raw<RunInfo | null>(null);
  /** Runs drawn over the shown run's plots (a sweep's other copies, or runs picked in the history). */
  overlayRuns = $state.raw<RunInfo[]>([]);
  /** The sweep set up in the inspector: Run starts it instead of a single run. */
  sweep = $state.raw<SweepSetup | null>(null);
  /** The sweep running now (its first run is `activeRun`). */
  activeSweep = $state.raw<ActiveSweep | null>(null);
  runError = $state<string | null>(null);
  /** The next Run continues this run: its plastic synapses start from that run's final weights (RunRequest.continueFrom). */
  continueFrom = $state<number | null>(null);

  /** How far runs seen in this session got (ms): the plots of a stopped run end there. */
  readonly simulatedEnd = new Map<number, number>();
  private liveTimer: ReturnType<typeof setTimeout> | undefined;
  private runDataListeners = new Set<(p: ApiEvents['run-data']) => void>();
  private runEndedListeners = new Set<(p: RunInfo) => void>();
  private lastLiveWallMs = 0;
  /** Steps done by each copy of the active sweep. */
  private sweepSteps = new Map<number, number>();
  /** Ends of runs not known yet: a run can end before the reply that started it arrives. */
  private endedEarly = new Map<number, RunInfo>();

  constructor(private readonly host: RunHost) {
    const client = host.client;
    client.on('run-progress', (p) => {
      const sweep = this.activeSweep;
      if (sweep && sweep.runs.some((r) => r.id === p.runId)) {
        this.progress = p;
        this.sweepSteps.set(p.runId, p.step);
        let step = 0;
        for (const v of this.sweepSteps.values()) step += v;
        this.activeSweep = { ...sweep, step };
      } else if (this.activeRun && p.runId === this.activeRun.id) this.progress = p;
      this.simulatedEnd.set(p.runId, p.simulatedMs);
    });
    client.on('run-data', (p) => {
      for (const cb of this.runDataListeners) cb(p);
    });
    client.on('run-ended', (info) => this.onRunEnded(info));
  }

  private get api(): SpikeflowApi {
    return this.host.client.api;
  }

  private fail(what: string, err: unknown): void {
    this.host.notify(`${what}: ${err instanceof Error ? err.message : String(err)}`, 'error');
  }

  /** A new document was loaded: nothing of the previous one's runs stays on screen. */
  reset(): void {
    this.shownRun = null;
    this.overlayRuns = [];
    this.sweep = null;
    this.runs = [];
    this.runError = null;
  }

  // ---- starting runs --------------------------------------------------------------------

  /** Population size × steps of the current model, for the live-mode limit. */
  modelCost(): number {
    let neurons = 0;
    for (const n of this.host.graph?.nodes() ?? []) if (n.def.sized) neurons += n.block.size ?? 1;
    let steps = 0;
    try {
      steps = toUnit(this.host.settings.duration, 'ms') / toUnit(this.host.settings.dt, 'ms');
    } catch {
      return Infinity;
    }
    return Math.max(1, neurons) * steps * (this.sweep ? sweepCount(this.sweep) : 1);
  }

  get liveAllowed(): boolean {
    return this.modelCost() <= LIVE_MAX_NEURON_STEPS;
  }

  /** The model changed: live mode re-runs it shortly. */
  scheduleLive(): void {
    if (!this.live) return;
    clearTimeout(this.liveTimer);
    this.liveTimer = setTimeout(() => void this.liveRun(), LIVE_DELAY_MS);
  }

  /** Why live mode last held back a re-run (said once until it re-runs again), or null. */
  private livePause: string | null = null;

  private async liveRun(): Promise<void> {
    if (!this.live) return;
    // Held back, and said so (once): the plots would otherwise go on showing the last run
    // as if it were the model's, with Live still ticked.
    const pause = !this.liveAllowed ? 'the model is now too large to re-run after each edit'
      : this.lastLiveWallMs > 3000 ? `the last live run took ${(this.lastLiveWallMs / 1000).toFixed(1)} s`
      : null;
    if (pause) {
      if (pause !== this.livePause) this.host.notify(`Live mode paused: ${pause}; the plots show the last run. Press Run to run this model`, 'info', 5000);
      this.livePause = pause;
      return;
    }
    this.livePause = null;
    if (!(await this.host.validateNow())) return;
    if (this.activeRun) await this.stopRun();
    await this.run({ live: true });
  }

  setLive(on: boolean): void {
    this.live = on;
    if (on) {
      if (!this.liveAllowed) this.host.notify('Live mode re-runs small models only; this one is too large', 'info');
      else this.host.notify(`Live mode keeps the newest ${LIVE_RUNS_KEPT} live runs; pin a run to keep it`, 'info', 4000);
      this.lastLiveWallMs = 0;
      this.livePause = null;
      this.scheduleLive();
    }
  }

  async run(opts: { live?: boolean } = {}): Promise<void> {
    if (this.activeRun || this.starting) return;
    const errors = this.host.settingsErrors;
    if (errors.dt || errors.duration || errors.seed) {
      this.host.notify('Fix the run settings first', 'error');
      return;
    }
    this.starting = true;
    this.runError = null;
    try {
      const projectId = await this.host.runProject();
      if (this.sweep) {
        await this.startSweep(projectId, this.sweep, opts);
        return;
      }
      const settings = this.host.settings;
      const info = await this.api.startRun({
        projectId,
        document: this.host.document(),
        engine: this.engine,
        dt: settings.dt,
        duration: settings.duration,
        seed: settings.seed,
        ...(opts.live ? { live: true } : {}),
        ...(this.threads > 0 ? { threads: this.threads } : {}),
        // Live mode's re-runs start afresh; Run continues once, from the run picked.
        ...(this.continueFrom !== null && !opts.live ? { continueFrom: this.continueFrom } : {}),
      });
      if (!opts.live) this.continueFrom = null;
      this.host.ran(info.versionId);
      this.activeRun = info;
      this.progress = { runId: info.id, step: 0, steps: Math.round(info.durationMs / info.dt), simulatedMs: 0, wallMs: 0 };
      this.shownRun = info;
      this.overlayRuns = this.overlayRuns.filter((r) => r.id !== info.id);
      this.runs = [info, ...this.runs.filter((r) => r.id !== info.id)];
      if (!opts.live) this.host.notify(`Run ${info.id} started (${info.engine})`, 'info', 1500);
      this.replayEarlyEnds([info]);
      // A live run may have dropped the oldest live runs (the rolling set): forget them.
      if (opts.live) await this.dropDeleted(projectId);
    } catch (err) {
      const e = err as ApiCallError;
      this.runError = e.message;
      if (e.diagnostics?.length) {
        await this.host.showDiagnostics(e.diagnostics);
        this.host.notify(`The model has ${e.diagnostics.length} problem${e.diagnostics.length === 1 ? '' : 's'}; see the marked blocks`, 'error');
      } else {
        this.fail('The run did not start', err);
      }
    } finally {
      this.starting = false;
    }
  }

  /**
   * Makes the next Run continue `run` (null: start afresh): the model's plastic synapses
   * start from the weights and traces that run ended with. One or the other with a sweep.
   */
  setContinueFrom(run: RunInfo | null): void {
    this.continueFrom = run?.id ?? null;
    if (!run) return;
    this.sweep = null;
    this.host.notify(`Run continues run ${run.id}: the plastic synapses start from its final weights. Press Run to start.`, 'info');
  }

  /** Sets up (or, with null, clears) the sweep that Run starts. */
  setSweep(setup: SweepSetup | null): void {
    this.sweep = setup;
    if (setup) this.continueFrom = null;
    if (setup) this.host.notify(`Sweep set up: ${sweepText(setup)} (${sweepCount(setup)} runs). Press Run to start it.`, 'info');
  }

  /** Starts the sweep set up in the inspector: one run per copy, the copies overlaid in the plots. */
  private async startSweep(projectId: number, setup: SweepSetup, opts: { live?: boolean }): Promise<void> {
    const node = this.host.graph?.nodeByBlockId(setup.block);
    if (!node || !(setup.param in node.def.params)) {
      this.sweep = null;
      throw new Error(`the swept parameter ${setup.block}.${setup.param} is no longer in the model; the sweep was cleared`);
    }
    const settings = this.host.settings;
    const infos = await this.api.startSweep({
      projectId,
      document: this.host.document(),
      engine: this.engine,
      dt: settings.dt,
      duration: settings.duration,
      seed: settings.seed,
      sweep: { block: setup.block, param: setup.param, values: setup.values },
      ...(setup.seeds !== null ? { seeds: setup.seeds } : {}),
      ...(opts.live ? { live: true } : {}),
    });
    const first = infos[0];
    if (!first) return;
    this.host.ran(first.versionId);
    this.sweepSteps = new Map(infos.map((r) => [r.id, 0]));
    const steps = infos.reduce((n, r) => n + Math.round(r.durationMs / r.dt), 0);
    this.activeSweep = { runs: infos, label: first.sweep?.label ?? sweepText(setup), step: 0, steps, ended: 0 };
    this.activeRun = first;
    this.progress = { runId: first.id, step: 0, steps: Math.round(first.durationMs / first.dt), simulatedMs: 0, wallMs: 0 };
    this.shownRun = first;
    this.overlayRuns = infos.slice(1, 1 + MAX_OVERLAYS);
    const ids = new Set(infos.map((r) => r.id));
    this.runs = [...[...infos].reverse(), ...this.runs.filter((r) => !ids.has(r.id))];
    if (!opts.live) {
      this.host.notify(`Sweep started: ${infos.length} runs (${first.engine})`, 'info', 2000);
      if (first.message) this.host.notify(first.message, 'info', 6000);
    }
    this.replayEarlyEnds(infos);
    if (opts.live) await this.dropDeleted(projectId);
  }

  /** Applies the ends of these runs that arrived before the reply that started them. */
  private replayEarlyEnds(runs: RunInfo[]): void {
    for (const r of runs) {
      const end = this.endedEarly.get(r.id);
      if (!end) continue;
      this.endedEarly.delete(r.id);
      this.onRunEnded(end);
    }
  }

  async stopRun(): Promise<void> {
    if (this.activeRun) await this.stopRunById(this.activeRun.id);
  }

  /**
   * Stops any run of the history (its Stop in the Runs panel): also one this page did not
   * start — started before the page was reloaded, or in another window — which the run bar
   * knows nothing of, and which could not be stopped from the app at all.
   */
  async stopRunById(runId: number): Promise<void> {
    try {
      await this.api.stopRun(runId);
    } catch (err) {
      this.fail('Stopping failed', err);
    }
  }

  private onRunEnded(info: RunInfo): void {
    const known = this.activeRun?.id === info.id || !!this.activeSweep?.runs.some((r) => r.id === info.id) || this.runs.some((r) => r.id === info.id);
    if (!known && this.starting) {
      this.endedEarly.set(info.id, info);
      if (this.endedEarly.size > 100) this.endedEarly.delete(this.endedEarly.keys().next().value!);
    }
    const sweep = this.activeSweep;
    if (sweep && sweep.runs.some((r) => r.id === info.id)) {
      const runs = sweep.runs.map((r) => (r.id === info.id ? info : r));
      const ended = runs.filter((r) => r.status !== 'running').length;
      this.sweepSteps.set(info.id, Math.round(info.durationMs / info.dt));
      this.activeSweep = { ...sweep, runs, ended };
      if (ended === runs.length) {
        this.activeSweep = null;
        this.activeRun = null;
        if (this.live) this.lastLiveWallMs = runs.reduce((t, r) => t + (r.wallMs ?? 0), 0);
        const failed = runs.filter((r) => r.status === 'failed');
        if (failed.length > 0) this.host.notify(`${failed.length} of ${runs.length} runs of the sweep failed: ${failed[0]!.message ?? 'unknown error'}`, 'error');
        else if (runs.some((r) => r.status === 'cancelled')) this.host.notify('Sweep stopped', 'info');
        else this.host.notify(`Sweep finished: ${runs.length} runs`, 'success', 2000);
      }
    } else if (this.activeRun?.id === info.id) {
      this.activeRun = null;
      if (this.live) this.lastLiveWallMs = info.wallMs ?? 0;
      if (info.status === 'failed') this.host.notify(`Run ${info.id} failed: ${info.message ?? 'unknown error'}`, 'error');
      else if (info.status === 'cancelled') this.host.notify(`Run ${info.id} stopped`, 'info');
    }
    this.replaceRun(info);
    // A run of the open project started elsewhere (another window) joins its history.
    if (!this.runs.some((r) => r.id === info.id) && info.projectId === this.host.historyProject()) this.runs = [info, ...this.runs];
    for (const cb of this.runEndedListeners) cb(info);
  }

  /** Puts a newer copy of a run wherever the run is on screen (history, plots, overlays). */
  private replaceRun(info: RunInfo): void {
    if (this.shownRun?.id === info.id) this.shownRun = info;
    if (this.overlayRuns.some((r) => r.id === info.id)) this.overlayRuns = this.overlayRuns.map((r) => (r.id === info.id ? info : r));
    if (this.runs.some((r) => r.id === info.id)) this.runs = this.runs.map((r) => (r.id === info.id ? info : r));
  }

  onRunData(cb: (p: ApiEvents['run-data']) => void): () => void {
    this.runDataListeners.add(cb);
    return () => this.runDataListeners.delete(cb);
  }

  onRunEnd(cb: (p: RunInfo) => void): () => void {
    this.runEndedListeners.add(cb);
    return () => this.runEndedListeners.delete(cb);
  }

  // ---- the history ----------------------------------------------------------------------

  /**
   * A project opened (or the page reloaded) while one of its runs is still running, started
   * before the reload or in another window: the run bar takes it up as if it had started it,
   * with its progress, its Stop and its plots streaming. The newest such run; a sweep's other
   * copies keep their Stop in the Runs panel. Returns whether a run was taken up.
   */
  private async adoptRunning(runs: readonly RunInfo[]): Promise<boolean> {
    const run = runs.find((r) => r.status === 'running');
    if (!run || this.activeRun || this.activeSweep || this.starting) return false;
    this.activeRun = run;
    this.progress = { runId: run.id, step: 0, steps: Math.round(run.durationMs / run.dt), simulatedMs: this.simulatedEnd.get(run.id) ?? 0, wallMs: 0 };
    this.shownRun = run;
    // It may have ended between the listing and now, its end event already gone by.
    try {
      const now = await this.api.getRun(run.id);
      if (now.status !== 'running' && this.activeRun?.id === run.id) this.onRunEnded(now);
    } catch {
      // Deleted meanwhile: its end was announced, or the next listing drops it.
    }
    return true;
  }

  /** Re-reads the history: the open project's runs; for an unsaved document, those of its runs that still exist. */
  async refreshRuns(showLatest = false): Promise<void> {
    const projectId = this.host.historyProject();
    try {
      if (projectId === null) {
        if (this.runs.length > 0) await this.dropDeleted(this.runs[0]!.projectId);
        return;
      }
      const runs = await this.api.listRuns(projectId);
      if (this.host.historyProject() !== projectId) return; // another project was opened meanwhile
      this.runs = runs;
      for (const r of runs) this.replaceRun(r);
      if (showLatest && (await this.adoptRunning(runs))) return;
      if (showLatest && !this.shownRun) this.shownRun = this.runs.find((r) => r.status !== 'running') ?? null;
    } catch (err) {
      this.fail('Listing runs failed', err);
    }
  }

  /** Forgets the runs of `projectId` on screen that the lab no longer has (live mode's rolling set dropped them). */
  private async dropDeleted(projectId: number): Promise<void> {
    try {
      const kept = new Set((await this.api.listRuns(projectId)).map((r) => r.id));
      for (const r of [...this.runs, ...this.overlayRuns]) if (r.projectId === projectId && !kept.has(r.id)) this.forgetRun(r.id);
    } catch {
      // The list is tidied again after the next run.
    }
  }

  /** The runs on screen moved to `projectId` (Save as): re-read them there. */
  async rehome(projectId: number): Promise<void> {
    const moved = new Set(this.runs.map((r) => r.id));
    let runs: RunInfo[];
    try {
      runs = await this.api.listRuns(projectId);
    } catch {
      // They did move; only the fresh copies could not be read: mark the ones on screen.
      runs = this.runs.map((r) => ({ ...r, projectId }));
    }
    this.runs = runs;
    for (const r of runs) this.replaceRun(r);
    // Anything still on screen that did not move belongs to another project: off the plots.
    if (this.shownRun && !moved.has(this.shownRun.id)) this.shownRun = null;
    this.overlayRuns = this.overlayRuns.filter((r) => moved.has(r.id));
  }

  showRun(run: RunInfo): void {
    this.shownRun = run;
    this.overlayRuns = this.overlayRuns.filter((r) => r.id !== run.id);
  }

  /** Shows a sweep: its first run, with the others overlaid. */
  showSweep(runs: RunInfo[]): void {
    if (runs.length === 0) return;
    this.shownRun = runs[0]!;
    this.overlayRuns = runs.slice(1, 1 + MAX_OVERLAYS);
  }

  isOverlaid(run: RunInfo): boolean {
    return this.overlayRuns.some((r) => r.id === run.id);
  }

  toggleOverlay(run: RunInfo): void {
    if (this.isOverlaid(run)) this.overlayRuns = this.overlayRuns.filter((r) => r.id !== run.id);
    else if (this.shownRun?.id !== run.id) {
      if (this.overlayRuns.length >= MAX_OVERLAYS) {
        this.host.notify(`At most ${MAX_OVERLAYS} runs can be overlaid`, 'info');
        return;
      }
      this.overlayRuns = [...this.overlayRuns, run];
    }
  }

  /** Pins a run (live mode never drops it) or unpins it. */
  async setPinned(run: RunInfo, pinned: boolean): Promise<void> {
    try {
      this.replaceRun(await this.api.pinRun(run.id, pinned));
    } catch (err) {
      this.fail(pinned ? 'Pinning the run failed' : 'Unpinning the run failed', err);
    }
  }

  async deleteRun(run: RunInfo): Promise<void> {
    try {
      await this.api.deleteRun(run.id);
      this.forgetRun(run.id);
    } catch (err) {
      this.fail('Deleting the run failed', err);
    }
  }

  /** Drops a deleted run from the history, the plots and the overlays. */
  private forgetRun(id: number): void {
    this.runs = this.runs.filter((r) => r.id !== id);
    if (this.shownRun?.id === id) this.shownRun = null;
    this.overlayRuns = this.overlayRuns.filter((r) => r.id !== id);
  }

  /** Deletes runs one after another (a sweep's, a live group's); stops at the first that fails. */
  async deleteRuns(runs: readonly RunInfo[]): Promise<void> {
    for (const run of runs) {
      try {
        await this.api.deleteRun(run.id);
      } catch (err) {
        this.fail(`Deleting run ${run.id} failed`, err);
        return;
      }
      this.forgetRun(run.id);
    }
  }

  /**
   * Keeps the CSV files an exported script wrote (Brian2, PyNN) as a run of the current
   * document, and overlays it on the shown run so the two can be compared at once (or shows
   * it, when no run is shown).
   */
  async importRun(files: readonly File[], simulator: string): Promise<RunInfo | null> {
    try {
      const texts = await Promise.all(files.map(async (f) => ({ name: f.name, text: await f.text() })));
      const projectId = await this.host.runProject();
      const info = await this.api.importRunCsv(projectId, this.host.document(), texts, simulator);
      this.host.ran(info.versionId);
      this.runs = [info, ...this.runs.filter((r) => r.id !== info.id)];
      if (this.shownRun && this.shownRun.id !== info.id) {
        if (!this.isOverlaid(info)) this.overlayRuns = [...this.overlayRuns, info].slice(-MAX_OVERLAYS);
        this.host.notify(`Imported the ${simulator} recordings as run ${info.id}, overlaid on run ${this.shownRun.id}`, 'success', 4000);
      } else {
        this.showRun(info);
        this.host.notify(`Imported the ${simulator} recordings as run ${info.id}`, 'success', 4000);
      }
      return info;
    } catch (err) {
      this.fail('Importing the run failed', err);
      return null;
    }
  }

  /**
   * Exports one probe (or every probe) of a run as CSV: a download, or a file on desktop.
   * Damaged recording data stops the export, naming run, probe and time range, and the
   * notice offers to export what is intact (`skipDamaged`), which then says what it left out.
   */
  async exportCsv(run: RunInfo, probe?: string, skipDamaged = false, atMs?: number[]): Promise<void> {
    try {
      const where = await this.api.exportRunCsv(run.id, probe, undefined, skipDamaged || undefined, atMs);
      if (where.url) downloadUrl(this.host.client.resolveUrl(where.url));
      else if (where.path) this.host.notify(`CSV written to ${where.path}`, 'success', 6000);
      if (where.leftOut?.length) this.host.notify(`Left out of the CSV, damaged: ${where.leftOut.join('; ')}`, 'info', 12000);
    } catch (err) {
      if (!skipDamaged && isDamagedData(err)) {
        this.host.notify(`Exporting CSV stopped: ${(err as Error).message}`, 'error', 20000, {
          label: 'Skip damaged chunks',
          run: () => void this.exportCsv(run, probe, true, atMs),
        });
        return;
      }
      this.fail('Exporting CSV failed', err);
    }
  }
}
