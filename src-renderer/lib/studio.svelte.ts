/**
 * The studio's state and actions, shared by every component: the open project and its
 * document, the editor, validation as you edit, autosaved drafts, and the chrome (notices,
 * dialogs). Runs, sweeps, live mode and the run history live in the run controller
 * (run-controller.svelte.ts); the Studio hands it the document and reaches its state
 * through the accessors at the end of the class, so components read everything from
 * `studio`. Nothing else talks to the API except the plots, which read recordings.
 *
 * The project's own block types (`types`, written as equations) are held here with the
 * document and handed to the block catalog, so that the palette, the graph and the
 * inspector see them as built-ins; the equation editor (TypeEditor.svelte) edits one at a
 * time as `typeEditor`.
 *
 * What counts as unsaved: edits to the model (blocks, edges, parameters, run settings,
 * name, block types). Moving blocks is layout only: it raises no "Unsaved changes" prompt, and is kept
 * with the draft (autosaved, and saved before another project opens) and with the next
 * saved version.
 */
import type {
  ApiDiagnostic, ApiEvents, EngineName, EngineStatus, ExampleInfo, LibraryTypeInfo, ProjectSummary, ProjectVersionInfo, RunInfo,
} from '../../src-shared/api.js';
import { DOCUMENT_FORMAT, DOCUMENT_VERSION, documentSizeProblem, type ProjectDocument } from '../../src-shared/document/schema.js';
import { getContext, setContext } from 'svelte';
import { toUnit } from '../../src-shared/units.js';
import type { BlockTypeInput } from '../../src-shared/equations/type-schema.js';
import { builtinAsEquations } from '../../src-shared/equations/builtin-forms.js';
import { catalogDef, projectDefs } from './block-catalog.js';
import { newTypeDraft, type TypeDraftState } from './type-draft.js';
import { ApiCallError, createApiClient, type ApiClient, type ConnectionState } from './api-client.js';
import { modelKey, sameModel } from './document-compare.js';
import type { BlockNode, GraphEditor } from './graph-editor.js';
import { downloadText } from './downloads.js';
import { RunController, type NoticeAction, type RunHost, type RunSettingsText } from './run-controller.svelte.js';
import type { SweepSetup } from './sweep.js';

export type { ActiveSweep, RunProgress, RunSettingsText } from './run-controller.svelte.js';

/** A short message at the bottom of the window. */
export interface Notice {
  id: number;
  text: string;
  tone: 'info' | 'error' | 'success';
  /** A button that does something about it (and dismisses the notice). */
  action?: NoticeAction;
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

/** The project's own block types, by name (the document's `types`). */
export type ProjectTypes = Record<string, BlockTypeInput>;

const VALIDATE_DELAY_MS = 350;
const DRAFT_INTERVAL_MS = 3000;

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

export class Studio implements RunHost {
  readonly client: ApiClient;
  readonly runner: RunController;
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
  /** The model has edits not saved as a version (layout aside: see `layoutChanged`). */
  dirty = $state(false);
  /**
   * The document is an example as it was opened: unsaved (so `dirty`, and kept as a draft),
   * but nothing of the user's would be lost by opening something else, so nothing asks.
   */
  untouchedExample = $state(false);
  /**
   * The model as last opened or saved, and what it was then: an edit that brings the model
   * back to it (undo after undo) is no unsaved change any more. Null where there is none (a
   * draft restored without its project).
   */
  private baseline: { key: string; dirty: boolean; example: boolean } | null = null;
  /** Blocks were moved since the last save: kept with the draft, never a reason to ask. */
  layoutChanged = $state(false);
  /** Bumped on every change of the document (blocks, edges, parameters, settings, layout). */
  revision = $state(0);
  /**
   * Bumped on every change of the model (the document less its layout): what a check's
   * answer is for. A block moved while a check is under way leaves its answer current.
   */
  private modelRevision = $state(0);
  /** The block types this project defines as equations (saved with it). */
  types = $state.raw<ProjectTypes>({});
  /** The equation editor, while open: the type being written. */
  typeEditor = $state<TypeDraftState | null>(null);
  recent = $state.raw<ProjectSummary[]>([]);
  examples = $state.raw<ExampleInfo[]>([]);
  lastSavedAt = $state<string | null>(null);
  draftSavedAt = $state<string | null>(null);

  // ---- editor ----
  selection = $state.raw<BlockNode[]>([]);
  /** Bumped when a selected block changes, so the inspector re-reads it. */
  selectionRev = $state(0);
  diagnostics = $state.raw<ApiDiagnostic[]>([]);
  /** What compiles but likely runs not as meant (a neuron nothing drives); shown on the node in amber. */
  warnings = $state.raw<ApiDiagnostic[]>([]);
  validating = $state(false);
  blockCount = $state(0);
  settingsErrors = $state<{ dt?: string; duration?: string; seed?: string }>({});

  // ---- chrome ----
  notices = $state<Notice[]>([]);
  dialog = $state<Dialog | null>(null);
  showMinimap = $state(true);

  private noticeId = 0;
  private validateTimer: ReturnType<typeof setTimeout> | undefined;
  private draftTimer: ReturnType<typeof setInterval> | undefined;
  private draftRevision = 0;
  private validatedRevision = -1;
  /** Whether the notice about the scratch project was shown in this session. */
  private scratchExplained = false;

  constructor() {
    this.client = createApiClient();
    this.client.onState((s) => (this.connection = s));
    this.runner = new RunController(this);
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
      (status) => (this.runner.engineStatus = status),
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
          this.baseline = null; // unsaved, and nothing saved to come back to
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

  notify(text: string, tone: Notice['tone'] = 'info', ms = tone === 'error' ? 5000 : 3000, action?: NoticeAction): void {
    const id = ++this.noticeId;
    this.notices = [...this.notices.slice(-3), { id, text, tone, ...(action ? { action } : {}) }];
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
      ...(Object.keys(this.types).length > 0 ? { types: structuredClone(this.types) as ProjectDocument['types'] } : {}),
      blocks: parts.blocks,
      edges: parts.edges,
    };
  }

  private async loadDocument(doc: ProjectDocument, project: ProjectSummary | null, versionId: number | null): Promise<void> {
    // Nothing to keep as a draft while the graph loads (what was unsaved is kept before a
    // document is replaced: guardUnsaved): a draft written now would be the half-loaded graph,
    // or the last document's, stored under the new project and "restored" when it next opens.
    this.dirty = false;
    this.layoutChanged = false;
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
    this.warnings = [];
    this.typeEditor = null;
    // The types first: the graph draws the blocks of them.
    this.setTypes((doc.types ?? {}) as ProjectTypes);
    await this.graph?.load(doc);
    this.blockCount = doc.blocks.length;
    await this.graph?.zoomToFit();
    this.revision++;
    this.modelRevision++;
    this.draftRevision = this.revision;
    this.untouchedExample = false;
    // As the editor gives it back (defaults filled in), to compare with what it gives later.
    this.baseline = { key: this.documentKey(), dirty: false, example: false };
    this.selection = [];
    this.runner.reset();
    if (project) await this.runner.refreshRuns(true);
    this.scheduleValidate(0);
  }

  /** The editor reports a change: of the model ('structure'), or of the layout only ('position'). */
  onGraphChange(kind: 'structure' | 'position'): void {
    this.revision++;
    this.blockCount = this.graph?.nodes().length ?? 0;
    if (kind === 'position') {
      this.layoutChanged = true;
      return;
    }
    this.modelRevision++;
    // Back to the model as opened or saved (undo after undo, a value typed back)?
    const base = this.baseline;
    const back = base !== null && this.documentKey() === base.key;
    this.dirty = back ? base.dirty : true;
    this.untouchedExample = back && base.example;
    // Still written to the draft, over a draft of the edits undone (a moved block is kept so too).
    if (back) this.layoutChanged = true;
    this.scheduleValidate();
    this.runner.scheduleLive();
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
    const revision = this.modelRevision;
    const doc = this.document();
    this.validating = true;
    try {
      const result = await this.api.validate(doc);
      if (revision !== this.modelRevision) return false; // superseded by a newer edit, which scheduled its own check
      await this.setDiagnostics(result.ok ? [] : result.diagnostics, result.ok ? result.warnings ?? [] : []);
      this.validatedRevision = revision;
      return result.ok;
    } catch (err) {
      if (!(err instanceof ApiCallError)) this.fail('Checking the model failed', err);
      return false;
    } finally {
      this.validating = false;
    }
  }

  private async setDiagnostics(diagnostics: ApiDiagnostic[], warnings: ApiDiagnostic[] = []): Promise<void> {
    this.diagnostics = diagnostics;
    this.warnings = warnings.map((w) => ({ ...w, severity: 'warning' as const }));
    const byBlock = new Map<string, ApiDiagnostic[]>();
    for (const d of [...diagnostics, ...this.warnings]) {
      if (!d.block) continue;
      const list = byBlock.get(d.block) ?? [];
      list.push(d);
      byBlock.set(d.block, list);
    }
    await this.graph?.setDiagnostics(byBlock);
  }

  /** A run was refused with these problems: show them, then check again (they may be stale). */
  async showDiagnostics(diagnostics: ApiDiagnostic[]): Promise<void> {
    this.diagnostics = diagnostics;
    await this.validateNow();
  }

  /** Diagnostics of one block. */
  diagnosticsOf(blockId: string): ApiDiagnostic[] {
    return this.diagnostics.filter((d) => d.block === blockId);
  }

  /** Whether the last check of the current revision found no problem. */
  get valid(): boolean {
    return this.validatedRevision === this.modelRevision && this.diagnostics.length === 0;
  }

  // ---- drafts -----------------------------------------------------------------------------

  async saveDraftNow(): Promise<void> {
    if (!(this.dirty || this.layoutChanged) || this.draftRevision === this.revision || this.connection !== 'open') return;
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

  /**
   * Runs `action` now, or after the user agreed to discard unsaved edits. A moved block is
   * no reason to ask: the layout is written to the draft first, and comes back with the project.
   */
  guardUnsaved(action: () => Promise<void>): void {
    if (this.dirty && !this.untouchedExample && (this.project || (this.graph?.nodes().length ?? 0) > 0)) {
      // "Continue without saving" keeps the edits as the project's draft, as the dialog says:
      // the last ones too, made since the draft timer last wrote it.
      this.dialog = { kind: 'confirm-discard', then: () => this.saveDraftNow().then(action) };
    } else {
      void this.saveDraftNow().then(action);
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
    let draft: ProjectDocument | null = null;
    if (versionId === undefined) {
      draft = await this.api.loadDraft(projectId);
      if (draft) doc = draft;
    }
    await this.loadDocument(doc, opened.project, opened.versionId);
    if (draft && sameModel(draft, opened.document)) {
      // Only the layout differs: it is restored as it was left, without a word.
      this.layoutChanged = true;
      if (!opts.quiet) this.notify(`Opened ${opened.project.name}`, 'info', 2000);
    } else if (draft) {
      // Edits restored from a draft: the saved version is not what the editor holds, and is not
      // in the editor's own form to compare with, so undoing them all still shows them unsaved.
      this.baseline = null;
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

  /** The document's name and model as text (its layout aside), to tell whether an edit brought it back. */
  private documentKey(): string {
    const doc = this.document();
    return `${JSON.stringify(doc.name)}\n${modelKey(doc)}`;
  }

  /** The document is now saved as `versionId`: nothing is unsaved. */
  private markSaved(versionId: number): void {
    this.versionId = versionId;
    this.dirty = false;
    this.untouchedExample = false;
    this.baseline = { key: this.documentKey(), dirty: false, example: false };
    this.layoutChanged = false;
    this.draftRevision = this.revision;
  }

  /** Saves a new version (or creates the project). Returns false when it could not. */
  async save(): Promise<boolean> {
    try {
      if (!this.project) {
        const name = await this.uniqueName(this.name.trim() || 'Untitled');
        return await this.saveAs(name);
      }
      // The version this document was opened as (or last saved or run as): where the project
      // has a newer one, another window saved it meanwhile, and this save supersedes it.
      const before = await this.api.listVersions(this.project.id);
      const latest = before.at(-1);
      const elsewhere = latest && this.versionId !== null && latest.id !== this.versionId ? before.length : null;
      const version = await this.api.saveProject(this.project.id, this.document());
      this.markSaved(version.id);
      this.lastSavedAt = version.createdAt;
      this.project = (await this.api.listProjects()).find((p) => p.id === this.project!.id) ?? this.project;
      this.recent = await this.api.recentProjects();
      if (elsewhere !== null && version.id !== latest!.id) {
        // Nothing is lost (every version is kept), but the user must know theirs is now the latest.
        this.notify(`Saved ${this.project.name}. Version ${elsewhere} was saved in another window after you opened this one; ` +
          'yours is now the latest, and that one stays in the version history (File → Versions / revert…)', 'info', 10000);
      } else {
        this.notify(`Saved ${this.project.name}`, 'success', 2000);
      }
      return true;
    } catch (err) {
      this.fail('Saving failed', err);
      return false;
    }
  }

  /**
   * Saves the document as a new project. The runs in the Runs panel move with it (with the
   * versions they ran), so the history and the plots stay as they are and refer to the new
   * project only; the project it came from keeps its saved versions.
   */
  async saveAs(name: string): Promise<boolean> {
    try {
      const runIds = this.runner.runs.map((r) => r.id);
      const opened = await this.api.saveProjectAs(name, { ...this.document(), name }, runIds);
      this.name = name;
      this.project = opened.project;
      this.markSaved(opened.versionId);
      this.lastSavedAt = opened.project.updatedAt;
      await this.runner.rehome(opened.project.id);
      this.recent = await this.api.recentProjects();
      const moved = runIds.length === 0 ? '' : ` with its ${runIds.length} run${runIds.length === 1 ? '' : 's'}`;
      this.notify(`Saved as ${name}${moved}`, 'success', 2500);
      return true;
    } catch (err) {
      this.fail('Saving failed', err);
      return false;
    }
  }

  /** Renames the project (or the unsaved document). Returns false when it could not. */
  async rename(name: string): Promise<boolean> {
    if (!this.project) {
      this.name = name;
      this.onGraphChange('structure');
      return true;
    }
    try {
      await this.api.renameProject(this.project.id, name);
      this.name = name;
      this.project = { ...this.project, name };
      this.recent = await this.api.recentProjects();
      this.notify(`Renamed to ${name}`, 'success', 2000);
      return true;
    } catch (err) {
      this.fail('Renaming failed', err);
      return false;
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
      this.untouchedExample = true;
      this.baseline = { ...this.baseline!, dirty: true, example: true };
      this.revision++;
      this.notify(`Opened example “${doc.name}” (unsaved copy)`, 'info');
    } catch (err) {
      this.fail('Opening the example failed', err);
    }
  }

  async importFile(file: File): Promise<void> {
    try {
      // Refused before it is read or sent (the host refuses it too).
      const tooLarge = documentSizeProblem(file.size, file.name);
      if (tooLarge) throw new Error(tooLarge);
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

  // ---- what the run controller asks of the document (RunHost) -----------------------------

  historyProject(): number | null {
    return this.project?.id ?? null;
  }

  /** The open project; for an unsaved document, the scratch project (one for all of them). */
  async runProject(): Promise<number> {
    if (this.project) return this.project.id;
    // Asked every time: the scratch project may have been deleted (it is made again).
    const scratch = await this.api.scratchProject();
    if (!this.scratchExplained) {
      this.scratchExplained = true;
      this.notify('Runs of an unsaved document are kept in the Scratch project; Save moves them to this project', 'info', 5000);
    }
    return scratch.id;
  }

  ran(versionId: number): void {
    // A run of an unsaved document stored it in the scratch project: it is still unsaved here.
    if (!this.project) return;
    // A run saves the document it ran as a version (if it changed).
    if (versionId !== this.versionId) void this.refreshProject();
    this.markSaved(versionId);
  }

  // ---- editor commands (menus, keys) -------------------------------------------------------

  async addBlock(type: string, at?: { x: number; y: number }): Promise<void> {
    if (!catalogDef(type)) return;
    await this.graph?.addBlock(type, at);
  }

  // ---- the project's own block types (the equation editor) ---------------------------------

  private setTypes(types: ProjectTypes): void {
    this.types = types;
    projectDefs.setTypes(types);
  }

  /** Opens the equation editor on a new, empty type. */
  newBlockType(): void {
    this.typeEditor = newTypeDraft({ taken: this.takenTypeNames() });
  }

  /** Opens the equation editor on the project's type `name`. */
  editBlockType(name: string): void {
    const doc = Object.hasOwn(this.types, name) ? this.types[name] : undefined;
    if (!doc) return;
    this.typeEditor = newTypeDraft({ name, doc: structuredClone($state.snapshot(doc)) as BlockTypeInput, existing: name, taken: this.takenTypeNames() });
  }

  /** Opens the equation editor on a copy of a built-in written as equations ("Duplicate as equations…"). */
  duplicateAsEquations(builtin: string): void {
    const doc = builtinAsEquations(builtin);
    if (!doc) {
      this.notify(`${builtin} has no form as equations`, 'info');
      return;
    }
    const taken = this.takenTypeNames();
    let name = `my-${builtin}`;
    for (let n = 2; taken.has(name); n++) name = `my-${builtin}-${n}`;
    this.typeEditor = newTypeDraft({ name, doc, taken });
  }

  /** Names a new type may not take: the project's types (built-ins are refused by the compiler). */
  private takenTypeNames(): Set<string> {
    return new Set(Object.keys(this.types));
  }

  /**
   * Saves a type into the project (the editor checked that it compiles). Every block of it
   * in the graph takes the new definition at once; the change is a model edit (unsaved
   * until the project is saved, kept with the draft and the next version).
   */
  async saveBlockType(name: string, doc: BlockTypeInput): Promise<void> {
    const existed = Object.hasOwn(this.types, name);
    this.setTypes({ ...this.types, [name]: doc });
    const changed = existed ? (await this.graph?.redefineType(name)) ?? 0 : 0;
    this.onGraphChange('structure');
    this.selectionRev++;
    this.typeEditor = null;
    const blocks = changed > 0 ? `; ${changed} block${changed === 1 ? '' : 's'} updated` : '';
    this.notify(existed ? `Saved block type ${name}${blocks}` : `Added block type ${name} to Project blocks`, 'success');
  }

  // ---- the lab's library of block types ---------------------------------------------------

  /** The library's types, as last read (the palette's "From library" list). */
  library = $state.raw<LibraryTypeInfo[]>([]);

  async refreshLibrary(): Promise<void> {
    try {
      this.library = await this.api.listLibraryTypes();
    } catch (err) {
      this.fail('Reading the block type library failed', err);
    }
  }

  /** Keeps a type in the lab's library, for any project. */
  async saveTypeToLibrary(name: string, doc: BlockTypeInput): Promise<boolean> {
    try {
      await this.api.saveLibraryType(name, doc);
      await this.refreshLibrary();
      this.notify(`Saved ${name} to the block type library`, 'success');
      return true;
    } catch (err) {
      this.fail('Saving to the library failed', err);
      return false;
    }
  }

  /**
   * Copies a library type into this project (a copy: editing it here leaves the library's
   * as it is). A project type of that name already is replaced only when it is the same.
   */
  async addLibraryType(entry: LibraryTypeInfo): Promise<void> {
    const mine = Object.hasOwn(this.types, entry.name) ? this.types[entry.name] : undefined;
    if (mine !== undefined && JSON.stringify(mine) !== JSON.stringify(entry.type)) {
      this.notify(`This project has its own block type "${entry.name}": rename one of them first`, 'error');
      return;
    }
    if (mine !== undefined) {
      this.notify(`${entry.name} is in this project already`, 'info');
      return;
    }
    this.setTypes({ ...this.types, [entry.name]: structuredClone(entry.type) });
    this.onGraphChange('structure');
    this.notify(`Added ${entry.title || entry.name} to Project blocks`, 'success');
  }

  async deleteLibraryType(name: string): Promise<void> {
    try {
      await this.api.deleteLibraryType(name);
      await this.refreshLibrary();
    } catch (err) {
      this.fail('Deleting from the library failed', err);
    }
  }

  /** Removes a project type no block uses. */
  deleteBlockType(name: string): boolean {
    const used = this.graph?.nodes().filter((n) => n.block.type === name).length ?? 0;
    if (used > 0) {
      this.notify(`${name} is used by ${used} block${used === 1 ? '' : 's'}: delete them first`, 'error');
      return false;
    }
    const rest = { ...this.types };
    delete rest[name];
    this.setTypes(rest);
    this.onGraphChange('structure');
    return true;
  }

  /** Applies an inspector edit to a block as one undoable step. */
  async editBlock(node: BlockNode, mutate: (b: BlockNode['block']) => void): Promise<void> {
    await this.graph?.updateBlock(node, mutate);
    this.selectionRev++;
  }

  // ---- the run controller's state and actions, as the components read them ----------------

  get engine(): EngineName { return this.runner.engine; }
  set engine(e: EngineName) { this.runner.engine = e; }
  get threads(): number { return this.runner.threads; }
  set threads(n: number) { this.runner.threads = n; }
  get engineStatus(): EngineStatus | null { return this.runner.engineStatus; }
  get live() { return this.runner.live; }
  get activeRun() { return this.runner.activeRun; }
  get progress() { return this.runner.progress; }
  get starting() { return this.runner.starting; }
  get runs(): RunInfo[] { return this.runner.runs; }
  get shownRun() { return this.runner.shownRun; }
  get overlayRuns(): RunInfo[] { return this.runner.overlayRuns; }
  set overlayRuns(runs: RunInfo[]) { this.runner.overlayRuns = runs; }
  get sweep() { return this.runner.sweep; }
  get activeSweep() { return this.runner.activeSweep; }
  get runError() { return this.runner.runError; }
  get continueFrom() { return this.runner.continueFrom; }
  setContinueFrom(run: RunInfo | null) { this.runner.setContinueFrom(run); }
  get simulatedEnd() { return this.runner.simulatedEnd; }
  get liveAllowed() { return this.runner.liveAllowed; }
  modelCost() { return this.runner.modelCost(); }
  run(opts: { live?: boolean } = {}) { return this.runner.run(opts); }
  stopRun() { return this.runner.stopRun(); }
  stopRunById(runId: number) { return this.runner.stopRunById(runId); }
  setLive(on: boolean) { this.runner.setLive(on); }
  setSweep(setup: SweepSetup | null) { this.runner.setSweep(setup); }
  refreshRuns(showLatest = false) { return this.runner.refreshRuns(showLatest); }
  showRun(run: RunInfo) { this.runner.showRun(run); }
  showSweep(runs: RunInfo[]) { this.runner.showSweep(runs); }
  isOverlaid(run: RunInfo) { return this.runner.isOverlaid(run); }
  toggleOverlay(run: RunInfo) { this.runner.toggleOverlay(run); }
  setPinned(run: RunInfo, pinned: boolean) { return this.runner.setPinned(run, pinned); }
  deleteRun(run: RunInfo) { return this.runner.deleteRun(run); }
  deleteRuns(runs: readonly RunInfo[]) { return this.runner.deleteRuns(runs); }
  /** `atMs`: a weight-snapshots probe's snapshots at these times only. */
  exportCsv(run: RunInfo, probe?: string, atMs?: number[]) { return this.runner.exportCsv(run, probe, false, atMs); }
  onRunData(cb: (p: ApiEvents['run-data']) => void) { return this.runner.onRunData(cb); }
  onRunEnd(cb: (p: RunInfo) => void) { return this.runner.onRunEnd(cb); }
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
