/**
 * The studio's state and actions, shared by every component: the open project and its
 * document, the editor, validation as you edit, autosaved drafts, runs (start, stop,
 * progress, live mode) and the run history. Components read the `$state` fields and call
 * the methods; nothing else talks to the API except the plots, which read recordings.
 */
import type {
  ApiDiagnostic, ApiEvents, EngineName, EngineStatus, ExampleInfo, ProjectSummary, ProjectVersionInfo, RunInfo,
} from '../../src-shared/api.js';
import { DOCUMENT_FORMAT, DOCUMENT_VERSION, type ProjectDocument } from '../../src-shared/document/schema.js';
import { getContext, setContext } from 'svelte';
import { toUnit } from '../../src-shared/units.js';
import { blockDef } from '../../kernels/index.js';
import { ApiCallError, createApiClient, type ApiClient, type ConnectionState } from './api-client.js';
import type { BlockNode, GraphEditor } from './graph-editor.js';
import { downloadText, downloadUrl } from './downloads.js';
import { sweepCount, sweepText, type SweepSetup } from './sweep.js';

/** A short message at the bottom of the window. */
export interface Notice {
  id: number;
  text: string;
  tone: 'info' | 'error' | 'success';
}

/** Which dialog is open. */
export type Dialog =
  | { kind: 'open' }
  | { kind: 'save-as' }
  | { kind: 'rename' }
  | { kind: 'versions'; versions: ProjectVersionInfo[] }
  | { kind: 'examples' }
  | { kind: 'confirm-discard'; then: () => Promise<void> }
  | { kind: 'shortcuts' }
  | { kind: 'guide' };

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

/** Most runs shown over the shown run's plots. */
const MAX_OVERLAYS = 15;

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

const VALIDATE_DELAY_MS = 350;
const LIVE_DELAY_MS = 700;
const DRAFT_INTERVAL_MS = 3000;
/** Live mode re-runs only models up to this many neuron-steps (about a second of CPU). */
const LIVE_MAX_NEURON_STEPS = 4_000_000;

function emptyDocument(name = 'Untitled'): ProjectDocument {
  return {
    format: DOCUMENT_FORMAT,
    version: DOCUMENT_VERSION,
    name,
    description: '',
    run: { dt: '0.1 ms', duration: '100 ms', seed: 1 },
    blocks: [],
    edges: [],
  };
}

function quantityText(v: number | string, unit: string): string {
  return typeof v === 'number' ? `${v} ${unit}` : v;
}

export class Studio {
  readonly client: ApiClient;
  graph: GraphEditor | null = null;

  connection = $state<ConnectionState>('connecting');
  ready = $state(false);
  fatal = $state<string | null>(null);

  // ---- project ----
  project = $state<ProjectSummary | null>(null);
  versionId = $state<number | null>(null);
  name = $state('Untitled');
  description = $state('');
  settings = $state<RunSettingsText>({ dt: '0.1 ms', duration: '100 ms', seed: 1 });
  dirty = $state(false);
  /** Bumped on every change of the document (blocks, edges, parameters, settings). */
  revision = $state(0);
  recent = $state.raw<ProjectSummary[]>([]);
  examples = $state.raw<ExampleInfo[]>([]);
  lastSavedAt = $state<string | null>(null);
  draftSavedAt = $state<string | null>(null);

  // ---- editor ----
  selection = $state.raw<BlockNode[]>([]);
  /** Bumped when a selected block changes, so the inspector re-reads it. */
  selectionRev = $state(0);
  diagnostics = $state.raw<ApiDiagnostic[]>([]);
  validating = $state(false);
  blockCount = $state(0);

  // ---- runs ----
  engine = $state<EngineName>('auto');
  /** Which engines the host has and on what device; null until it has looked (opening the GPU takes a moment). */
  engineStatus = $state.raw<EngineStatus | null>(null);
  live = $state(false);
  activeRun = $state.raw<RunInfo | null>(null);
  progress = $state.raw<RunProgress | null>(null);
  starting = $state(false);
  runs = $state.raw<RunInfo[]>([]);
  shownRun = $state.raw<RunInfo | null>(null);
  /** Runs drawn over the shown run's plots (a sweep's other copies, or runs picked in the history). */
  overlayRuns = $state.raw<RunInfo[]>([]);
  /** The sweep set up in the inspector: Run starts it instead of a single run. */
  sweep = $state.raw<SweepSetup | null>(null);
  /** The sweep running now (its first run is `activeRun`). */
  activeSweep = $state.raw<ActiveSweep | null>(null);
  runError = $state<string | null>(null);
  settingsErrors = $state<{ dt?: string; duration?: string; seed?: string }>({});

  // ---- chrome ----
  notices = $state<Notice[]>([]);
  dialog = $state<Dialog | null>(null);
  showMinimap = $state(true);

  /** How far runs seen in this session got (ms): the plots of a stopped run end there. */
  readonly simulatedEnd = new Map<number, number>();
  private noticeId = 0;
  private validateTimer: ReturnType<typeof setTimeout> | undefined;
  private liveTimer: ReturnType<typeof setTimeout> | undefined;
  private draftTimer: ReturnType<typeof setInterval> | undefined;
  private draftRevision = 0;
  private validatedRevision = -1;
  private runDataListeners = new Set<(p: ApiEvents['run-data']) => void>();
  private runEndedListeners = new Set<(p: RunInfo) => void>();
  private lastLiveWallMs = 0;
  /** Steps done by each copy of the active sweep. */
  private sweepSteps = new Map<number, number>();
  /** Ends of runs not known yet: a run can end before the reply that started it arrives. */
  private endedEarly = new Map<number, RunInfo>();

  constructor() {
    this.client = createApiClient();
    this.client.onState((s) => (this.connection = s));
    this.client.on('run-progress', (p) => {
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
    this.client.on('run-data', (p) => {
      for (const cb of this.runDataListeners) cb(p);
    });
    this.client.on('run-ended', (info) => this.onRunEnded(info));
  }

  get api() {
    return this.client.api;
  }

  // ---- start-up ---------------------------------------------------------------------------

  /** Connects the editor and restores the last session (the last project and its draft). */
  async start(graph: GraphEditor): Promise<void> {
    this.graph = graph;
    // Not awaited: the editor need not wait for the host to open (and close) the GPU.
    this.api.engineStatus().then(
      (status) => (this.engineStatus = status),
      (err: unknown) => console.warn('the engine status could not be read', err),
    );
    try {
      this.examples = await this.api.listExamples();
      this.recent = await this.api.recentProjects();
      const last = this.recent[0];
      let restored = false;
      if (last) {
        try {
          await this.openProject(last.id, undefined, { quiet: true });
          restored = true;
        } catch {
          restored = false;
        }
      }
      if (!restored) {
        const draft = await this.api.loadDraft(null);
        if (draft && draft.blocks.length > 0) {
          await this.loadDocument(draft, null, null);
          this.dirty = true;
          this.notify('Restored your unsaved project', 'info');
        } else {
          await this.loadDocument(emptyDocument(), null, null);
        }
      }
    } catch (err) {
      this.fatal = (err as Error).message;
    }
    this.ready = true;
    this.draftTimer = setInterval(() => void this.saveDraftNow(), DRAFT_INTERVAL_MS);
    window.addEventListener('beforeunload', () => void this.saveDraftNow());
  }

  stop(): void {
    clearInterval(this.draftTimer);
  }

  // ---- notices ----------------------------------------------------------------------------

  notify(text: string, tone: Notice['tone'] = 'info', ms = tone === 'error' ? 5000 : 3000): void {
    const id = ++this.noticeId;
    this.notices = [...this.notices.slice(-3), { id, text, tone }];
    setTimeout(() => this.dismiss(id), ms);
  }

  dismiss(id: number): void {
    this.notices = this.notices.filter((n) => n.id !== id);
  }

  private fail(what: string, err: unknown): void {
    const msg = err instanceof Error ? err.message : String(err);
    this.notify(`${what}: ${msg}`, 'error');
  }

  // ---- the document -----------------------------------------------------------------------

  /** The current document: graph plus name, description and run settings. */
  document(): ProjectDocument {
    const parts = this.graph?.toDocumentParts() ?? { blocks: [], edges: [] };
    return {
      format: DOCUMENT_FORMAT,
      version: DOCUMENT_VERSION,
      name: this.name,
      description: this.description,
      run: { dt: this.settings.dt, duration: this.settings.duration, seed: this.settings.seed },
      blocks: parts.blocks,
      edges: parts.edges,
    };
  }

  private async loadDocument(doc: ProjectDocument, project: ProjectSummary | null, versionId: number | null): Promise<void> {
    this.project = project;
    this.versionId = versionId;
    this.name = project?.name ?? doc.name;
    this.description = doc.description;
    this.settings = {
      dt: quantityText(doc.run.dt, 'ms'),
      duration: quantityText(doc.run.duration, 'ms'),
      seed: doc.run.seed,
    };
    this.settingsErrors = {};
    this.diagnostics = [];
    await this.graph?.load(doc);
    this.blockCount = doc.blocks.length;
    await this.graph?.zoomToFit();
    this.dirty = false;
    this.revision++;
    this.draftRevision = this.revision;
    this.selection = [];
    this.shownRun = null;
    this.overlayRuns = [];
    this.sweep = null;
    this.runs = [];
    this.runError = null;
    if (project) await this.refreshRuns(true);
    this.scheduleValidate(0);
  }

  /** The editor reports a change. */
  onGraphChange(kind: 'structure' | 'position'): void {
    this.dirty = true;
    this.revision++;
    this.blockCount = this.graph?.nodes().length ?? 0;
    if (kind === 'structure') {
      this.scheduleValidate();
      this.scheduleLive();
    }
  }

  onSelection(nodes: BlockNode[]): void {
    this.selection = nodes;
    this.selectionRev++;
  }

  /** Run settings edited in the run bar. */
  setSetting(key: 'dt' | 'duration', text: string): boolean {
    try {
      const v = toUnit(text.trim(), 'ms');
      if (!(v > 0) && key === 'dt') throw new Error('must be greater than 0 ms');
      if (v < 0) throw new Error('must not be negative');
      this.settingsErrors = { ...this.settingsErrors, [key]: undefined };
      if (this.settings[key] !== text.trim()) {
        this.settings = { ...this.settings, [key]: text.trim() };
        this.onGraphChange('structure');
      }
      return true;
    } catch (e) {
      this.settingsErrors = { ...this.settingsErrors, [key]: (e as Error).message };
      return false;
    }
  }

  setSeed(text: string): boolean {
    const t = text.trim();
    if (!/^\d+$/.test(t) || Number(t) > 2 ** 32 - 1) {
      this.settingsErrors = { ...this.settingsErrors, seed: 'a whole number from 0 to 4294967295' };
      return false;
    }
    this.settingsErrors = { ...this.settingsErrors, seed: undefined };
    if (this.settings.seed !== Number(t)) {
      this.settings = { ...this.settings, seed: Number(t) };
      this.onGraphChange('structure');
    }
    return true;
  }

  // ---- validation -------------------------------------------------------------------------

  scheduleValidate(delay = VALIDATE_DELAY_MS): void {
    clearTimeout(this.validateTimer);
    this.validateTimer = setTimeout(() => void this.validateNow(), delay);
  }

  async validateNow(): Promise<boolean> {
    const revision = this.revision;
    const doc = this.document();
    this.validating = true;
    try {
      const result = await this.api.validate(doc);
      if (revision !== this.revision) return false; // superseded by a newer edit
      const diagnostics = result.ok ? [] : result.diagnostics;
      this.diagnostics = diagnostics;
      const byBlock = new Map<string, ApiDiagnostic[]>();
      for (const d of diagnostics) {
        if (!d.block) continue;
        const list = byBlock.get(d.block) ?? [];
        list.push(d);
        byBlock.set(d.block, list);
      }
      await this.graph?.setDiagnostics(byBlock);
      this.validatedRevision = revision;
      return result.ok;
    } catch (err) {
      if (!(err instanceof ApiCallError)) this.fail('Checking the model failed', err);
      return false;
    } finally {
      this.validating = false;
    }
  }

  /** Diagnostics of one block. */
  diagnosticsOf(blockId: string): ApiDiagnostic[] {
    return this.diagnostics.filter((d) => d.block === blockId);
  }

  /** Whether the last check of the current revision found no problem. */
  get valid(): boolean {
    return this.validatedRevision === this.revision && this.diagnostics.length === 0;
  }

  // ---- drafts -----------------------------------------------------------------------------

  async saveDraftNow(): Promise<void> {
    if (!this.dirty || this.draftRevision === this.revision || this.connection !== 'open') return;
    const revision = this.revision;
    try {
      await this.api.saveDraft(this.project?.id ?? null, this.document());
      this.draftRevision = revision;
      this.draftSavedAt = new Date().toISOString();
    } catch {
      // A draft that cannot be stored now is tried again at the next tick.
    }
  }

  // ---- projects ---------------------------------------------------------------------------

  /** Runs `action` now, or after the user agreed to discard unsaved edits. */
  guardUnsaved(action: () => Promise<void>): void {
    if (this.dirty && (this.project || (this.graph?.nodes().length ?? 0) > 0)) {
      this.dialog = { kind: 'confirm-discard', then: action };
    } else {
      void action();
    }
  }

  async newProject(): Promise<void> {
    await this.loadDocument(emptyDocument(), null, null);
    try {
      await this.api.saveDraft(null, emptyDocument());
    } catch {
      // ignore
    }
  }

  async openProject(projectId: number, versionId?: number, opts: { quiet?: boolean } = {}): Promise<void> {
    const opened = await this.api.openProject(projectId, versionId);
    let doc = opened.document;
    let restoredDraft = false;
    if (versionId === undefined) {
      const draft = await this.api.loadDraft(projectId);
      if (draft) {
        doc = draft;
        restoredDraft = true;
      }
    }
    await this.loadDocument(doc, opened.project, opened.versionId);
    if (restoredDraft) {
      this.dirty = true;
      this.revision++;
      this.notify('Restored unsaved edits of this project', 'info');
    } else if (!opts.quiet) {
      this.notify(`Opened ${opened.project.name}`, 'info', 2000);
    }
    this.recent = await this.api.recentProjects();
  }

  /** A project name not used yet ("Untitled", "Untitled 2", …). */
  private async uniqueName(base: string): Promise<string> {
    const taken = new Set((await this.api.listProjects()).map((p) => p.name));
    if (!taken.has(base)) return base;
    for (let n = 2; ; n++) if (!taken.has(`${base} ${n}`)) return `${base} ${n}`;
  }

  /** Saves a new version (or creates the project). Returns false when it could not. */
  async save(): Promise<boolean> {
    try {
      if (!this.project) {
        const name = await this.uniqueName(this.name.trim() || 'Untitled');
        return await this.saveAs(name);
      }
      const version = await this.api.saveProject(this.project.id, this.document());
      this.versionId = version.id;
      this.dirty = false;
      this.draftRevision = this.revision;
      this.lastSavedAt = version.createdAt;
      this.project = (await this.api.listProjects()).find((p) => p.id === this.project!.id) ?? this.project;
      this.recent = await this.api.recentProjects();
      this.notify(`Saved ${this.project.name}`, 'success', 2000);
      return true;
    } catch (err) {
      this.fail('Saving failed', err);
      return false;
    }
  }

  async saveAs(name: string): Promise<boolean> {
    try {
      this.name = name;
      const opened = await this.api.createProject(name, this.document());
      this.project = opened.project;
      this.versionId = opened.versionId;
      this.dirty = false;
      this.draftRevision = this.revision;
      this.lastSavedAt = opened.project.updatedAt;
      this.runs = [];
      this.recent = await this.api.recentProjects();
      this.notify(`Saved as ${name}`, 'success', 2000);
      return true;
    } catch (err) {
      this.fail('Saving failed', err);
      return false;
    }
  }

  async rename(name: string): Promise<void> {
    if (!this.project) {
      this.name = name;
      this.onGraphChange('position');
      return;
    }
    try {
      await this.api.renameProject(this.project.id, name);
      this.name = name;
      this.project = { ...this.project, name };
      this.recent = await this.api.recentProjects();
      this.notify(`Renamed to ${name}`, 'success', 2000);
    } catch (err) {
      this.fail('Renaming failed', err);
    }
  }

  async showVersions(): Promise<void> {
    if (!this.project) {
      this.notify('Save the project first: it has no versions yet', 'info');
      return;
    }
    const versions = await this.api.listVersions(this.project.id);
    this.dialog = { kind: 'versions', versions: [...versions].reverse() };
  }

  /** Makes an older version the current one (saved as a new version on top). */
  async revertTo(versionId: number): Promise<void> {
    if (!this.project) return;
    try {
      const projectId = this.project.id;
      const opened = await this.api.openProject(projectId, versionId);
      const versions = await this.api.listVersions(projectId);
      const number = versions.findIndex((v) => v.id === versionId) + 1;
      const saved = await this.api.saveProject(projectId, opened.document, `reverted to version ${number}`);
      const latest = await this.api.openProject(projectId, saved.id);
      await this.loadDocument(latest.document, latest.project, latest.versionId);
      this.notify(`Reverted to version ${number}`, 'success');
    } catch (err) {
      this.fail('Reverting failed', err);
    }
  }

  async openExample(file: string): Promise<void> {
    try {
      const doc = await this.api.loadExample(file);
      await this.loadDocument(doc, null, null);
      this.dirty = true;
      this.revision++;
      this.notify(`Opened example “${doc.name}” (unsaved copy)`, 'info');
    } catch (err) {
      this.fail('Opening the example failed', err);
    }
  }

  async importFile(file: File): Promise<void> {
    try {
      const text = await file.text();
      const opened = await this.api.importProject(text, undefined);
      await this.loadDocument(opened.document, opened.project, opened.versionId);
      this.recent = await this.api.recentProjects();
      this.notify(`Imported ${opened.project.name}`, 'success');
    } catch (err) {
      this.fail(`Importing ${file.name} failed`, err);
    }
  }

  exportFile(): void {
    const doc = this.document();
    const safe = (this.name || 'project').replace(/[^A-Za-z0-9 _.-]+/g, '_').trim() || 'project';
    downloadText(`${safe}.spikeflow.json`, `${JSON.stringify(doc, null, 2)}\n`, 'application/json');
  }

  // ---- runs -------------------------------------------------------------------------------

  /** Population size × steps of the current model, for the live-mode limit. */
  modelCost(): number {
    let neurons = 0;
    for (const n of this.graph?.nodes() ?? []) if (n.def.sized) neurons += n.block.size ?? 1;
    let steps = 0;
    try {
      steps = toUnit(this.settings.duration, 'ms') / toUnit(this.settings.dt, 'ms');
    } catch {
      return Infinity;
    }
    return Math.max(1, neurons) * steps * (this.sweep ? sweepCount(this.sweep) : 1);
  }

  get liveAllowed(): boolean {
    return this.modelCost() <= LIVE_MAX_NEURON_STEPS;
  }

  private scheduleLive(): void {
    if (!this.live) return;
    clearTimeout(this.liveTimer);
    this.liveTimer = setTimeout(() => void this.liveRun(), LIVE_DELAY_MS);
  }

  private async liveRun(): Promise<void> {
    if (!this.live || !this.liveAllowed || this.lastLiveWallMs > 3000) return;
    if (!(await this.validateNow())) return;
    if (this.activeRun) await this.stopRun();
    await this.run({ live: true });
  }

  setLive(on: boolean): void {
    this.live = on;
    if (on) {
      if (!this.liveAllowed) this.notify('Live mode re-runs small models only; this one is too large', 'info');
      this.lastLiveWallMs = 0;
      this.scheduleLive();
    }
  }

  async run(opts: { live?: boolean } = {}): Promise<void> {
    if (this.activeRun || this.starting) return;
    if (this.settingsErrors.dt || this.settingsErrors.duration || this.settingsErrors.seed) {
      this.notify('Fix the run settings first', 'error');
      return;
    }
    this.starting = true;
    this.runError = null;
    try {
      if (!this.project) {
        const name = await this.uniqueName(this.name.trim() || 'Untitled');
        const opened = await this.api.createProject(name, this.document());
        this.project = opened.project;
        this.versionId = opened.versionId;
        this.name = name;
        this.recent = await this.api.recentProjects();
      }
      if (this.sweep) {
        await this.startSweep(this.project.id, this.sweep, opts);
        return;
      }
      const info = await this.api.startRun({
        projectId: this.project.id,
        document: this.document(),
        engine: this.engine,
        dt: this.settings.dt,
        duration: this.settings.duration,
        seed: this.settings.seed,
        ...(opts.live ? { live: true } : {}),
      });
      // A run saves the document it ran as a version (if it changed).
      if (info.versionId !== this.versionId) void this.refreshProject();
      this.versionId = info.versionId;
      this.dirty = false;
      this.draftRevision = this.revision;
      this.activeRun = info;
      this.progress = { runId: info.id, step: 0, steps: Math.round(info.durationMs / info.dt), simulatedMs: 0, wallMs: 0 };
      this.shownRun = info;
      this.overlayRuns = this.overlayRuns.filter((r) => r.id !== info.id);
      this.runs = [info, ...this.runs.filter((r) => r.id !== info.id)];
      if (!opts.live) this.notify(`Run ${info.id} started (${info.engine})`, 'info', 1500);
      this.replayEarlyEnds([info]);
    } catch (err) {
      const e = err as ApiCallError;
      this.runError = e.message;
      if (e.diagnostics?.length) {
        this.diagnostics = e.diagnostics;
        await this.validateNow();
        this.notify(`The model has ${e.diagnostics.length} problem${e.diagnostics.length === 1 ? '' : 's'}; see the marked blocks`, 'error');
      } else {
        this.fail('The run did not start', err);
      }
    } finally {
      this.starting = false;
    }
  }

  /** Sets up (or, with null, clears) the sweep that Run starts. */
  setSweep(setup: SweepSetup | null): void {
    this.sweep = setup;
    if (setup) this.notify(`Sweep set up: ${sweepText(setup)} (${sweepCount(setup)} runs). Press Run to start it.`, 'info');
  }

  /** Starts the sweep set up in the inspector: one run per copy, the copies overlaid in the plots. */
  private async startSweep(projectId: number, setup: SweepSetup, opts: { live?: boolean }): Promise<void> {
    const node = this.graph?.nodeByBlockId(setup.block);
    if (!node || !(setup.param in node.def.params)) {
      this.sweep = null;
      throw new Error(`the swept parameter ${setup.block}.${setup.param} is no longer in the model; the sweep was cleared`);
    }
    const infos = await this.api.startSweep({
      projectId,
      document: this.document(),
      engine: this.engine,
      dt: this.settings.dt,
      duration: this.settings.duration,
      seed: this.settings.seed,
      sweep: { block: setup.block, param: setup.param, values: setup.values },
      ...(setup.seeds !== null ? { seeds: setup.seeds } : {}),
      ...(opts.live ? { live: true } : {}),
    });
    const first = infos[0];
    if (!first) return;
    if (first.versionId !== this.versionId) void this.refreshProject();
    this.versionId = first.versionId;
    this.dirty = false;
    this.draftRevision = this.revision;
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
      this.notify(`Sweep started: ${infos.length} runs (${first.engine})`, 'info', 2000);
      if (first.message) this.notify(first.message, 'info', 6000);
    }
    this.replayEarlyEnds(infos);
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
    const run = this.activeRun;
    if (!run) return;
    try {
      await this.api.stopRun(run.id);
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
        if (failed.length > 0) this.notify(`${failed.length} of ${runs.length} runs of the sweep failed: ${failed[0]!.message ?? 'unknown error'}`, 'error');
        else if (runs.some((r) => r.status === 'cancelled')) this.notify('Sweep stopped', 'info');
        else this.notify(`Sweep finished: ${runs.length} runs`, 'success', 2000);
      }
    } else if (this.activeRun?.id === info.id) {
      this.activeRun = null;
      if (this.live) this.lastLiveWallMs = info.wallMs ?? 0;
      if (info.status === 'failed') this.notify(`Run ${info.id} failed: ${info.message ?? 'unknown error'}`, 'error');
      else if (info.status === 'cancelled') this.notify(`Run ${info.id} stopped`, 'info');
    }
    if (this.shownRun?.id === info.id) this.shownRun = info;
    if (this.overlayRuns.some((r) => r.id === info.id)) this.overlayRuns = this.overlayRuns.map((r) => (r.id === info.id ? info : r));
    if (this.project && info.projectId === this.project.id) {
      this.runs = this.runs.some((r) => r.id === info.id) ? this.runs.map((r) => (r.id === info.id ? info : r)) : [info, ...this.runs];
    }
    for (const cb of this.runEndedListeners) cb(info);
  }

  onRunData(cb: (p: ApiEvents['run-data']) => void): () => void {
    this.runDataListeners.add(cb);
    return () => this.runDataListeners.delete(cb);
  }

  onRunEnd(cb: (p: RunInfo) => void): () => void {
    this.runEndedListeners.add(cb);
    return () => this.runEndedListeners.delete(cb);
  }

  /** Re-reads the open project's summary (versions, runs). */
  async refreshProject(): Promise<void> {
    const id = this.project?.id;
    if (id === undefined) return;
    try {
      const p = (await this.api.listProjects()).find((x) => x.id === id);
      if (p && this.project?.id === id) this.project = p;
    } catch {
      // The summary is informative only.
    }
  }

  async refreshRuns(showLatest = false): Promise<void> {
    if (!this.project) {
      this.runs = [];
      return;
    }
    try {
      this.runs = await this.api.listRuns(this.project.id);
      if (showLatest && !this.shownRun) this.shownRun = this.runs.find((r) => r.status !== 'running') ?? null;
    } catch (err) {
      this.fail('Listing runs failed', err);
    }
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
        this.notify(`At most ${MAX_OVERLAYS} runs can be overlaid`, 'info');
        return;
      }
      this.overlayRuns = [...this.overlayRuns, run];
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

  /** Exports one probe (or every probe) of a run as CSV: a download, or a file on desktop. */
  async exportCsv(run: RunInfo, probe?: string): Promise<void> {
    try {
      const where = await this.api.exportRunCsv(run.id, probe, undefined);
      if (where.url) downloadUrl(this.client.resolveUrl(where.url));
      else if (where.path) this.notify(`CSV written to ${where.path}`, 'success', 6000);
    } catch (err) {
      this.fail('Exporting CSV failed', err);
    }
  }

  // ---- editor commands (menus, keys) -------------------------------------------------------

  async addBlock(type: string, at?: { x: number; y: number }): Promise<void> {
    if (!blockDef(type)) return;
    await this.graph?.addBlock(type, at);
  }

  /** Applies an inspector edit to a block as one undoable step. */
  async editBlock(node: BlockNode, mutate: (b: BlockNode['block']) => void): Promise<void> {
    await this.graph?.updateBlock(node, mutate);
    this.selectionRev++;
  }
}

const STUDIO = Symbol('studio');

/** Makes `studio` available to the components below (call in App). */
export function provideStudio(studio: Studio): void {
  setContext(STUDIO, studio);
}

/** The studio of the enclosing App. */
export function useStudio(): Studio {
  const studio = getContext<Studio | undefined>(STUDIO);
  if (!studio) throw new Error('useStudio() outside of App');
  return studio;
}
