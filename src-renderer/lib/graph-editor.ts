/**
 * The graph editor: Rete v2 with the Svelte renderer, built from the block library.
 * Nodes carry their block (id, type, size, params, init, connection) and show it; sockets
 * carry their type, and a `connectioncreate` pipe refuses a wrong-typed connection as it is
 * drawn. Plugins: area (pan, zoom, selection), connections, history (undo/redo, including
 * inspector edits), minimap, context menu, auto-arrange (elk.js).
 *
 * The editor is the source of truth for the graph; `toDocument` writes it back into a
 * project document, and every change is reported through `EditorCallbacks`.
 */
import { ClassicPreset, NodeEditor, type GetSchemes } from 'rete';
import { AreaExtensions, AreaPlugin } from 'rete-area-plugin';
import type { AutoArrangePlugin } from 'rete-auto-arrange-plugin';
import { ConnectionPlugin, Presets as ConnectionPresets } from 'rete-connection-plugin';
import { ContextMenuPlugin, type ContextMenuExtra } from 'rete-context-menu-plugin';
import { HistoryPlugin, Presets as HistoryPresets, type HistoryActions } from 'rete-history-plugin';
import { MinimapPlugin, type MinimapExtra } from 'rete-minimap-plugin';
import { Presets, SveltePlugin, type SvelteArea2D } from 'rete-svelte-plugin/5';
import { BLOCKS } from '../../kernels/index.js';
import { BUILTINS_WITH_EQUATIONS } from '../../src-shared/equations/builtin-forms.js';
import type { BlockDef, SocketType } from '../../kernels/types.js';
import type { ApiDiagnostic } from '../../src-shared/api.js';
import type { BlockDoc, EdgeDoc, ProjectDocument } from '../../src-shared/document/schema.js';
import BlockNodeView from '../components/BlockNodeView.svelte';
import ConnectionPath from '../components/ConnectionPath.svelte';
import SocketDot from '../components/SocketDot.svelte';
import { connectionRefusal, CURRENT_ONLY_INTO_NEURON, inputTakesMany } from '../../src-shared/ports.js';
import { brokenTypeDef, CATEGORY_ORDER, CATEGORY_TITLES, catalogDef, idStem, newBlock, projectDefs, uniqueBlockId } from './block-catalog.js';
import { freeMinimapCorner, type Box } from './minimap-corner.js';
import { boundingBox, shiftIntoView } from './shift-into-view.js';
import { own } from '../../src-shared/own.js';

/** A socket that knows what flows through it. */
export class TypedSocket extends ClassicPreset.Socket {
  constructor(readonly type: SocketType) {
    super(type);
  }
}

const SOCKETS: Record<SocketType, TypedSocket> = {
  spikes: new TypedSocket('spikes'),
  current: new TypedSocket('current'),
  voltage: new TypedSocket('voltage'),
  jump: new TypedSocket('jump'),
  any: new TypedSocket('any'),
};

/** A node of the graph: one block of the project document. */
export class BlockNode extends ClassicPreset.Node<Record<string, TypedSocket>, Record<string, TypedSocket>, Record<string, never>> {
  width = 210;
  height = 120;
  /** Compile problems of this block (from `validate`). */
  diagnostics: ApiDiagnostic[] = [];
  /** Bumped on every change so the view re-renders. */
  rev = 0;

  constructor(
    public block: BlockDoc,
    public def: BlockDef,
  ) {
    super(block.id);
    this.addPorts();
  }

  /** Adds a socket per port of the definition. */
  addPorts(): void {
    let index = 0;
    const def = this.def;
    for (const [key, port] of Object.entries(def.inputs)) {
      const input = new ClassicPreset.Input(SOCKETS[port.type], key, inputTakesMany(port.type));
      input.index = index++;
      this.addInput(key, input);
    }
    index = 0;
    for (const [key, port] of Object.entries(def.outputs)) {
      const output = new ClassicPreset.Output(SOCKETS[port.type], key, true);
      output.index = index++;
      this.addOutput(key, output);
    }
  }

  /** Takes a new definition of its type (an edited project type): its sockets follow it. */
  redefine(def: BlockDef): void {
    for (const key of Object.keys(this.inputs)) this.removeInput(key);
    for (const key of Object.keys(this.outputs)) this.removeOutput(key);
    this.def = def;
    this.addPorts();
  }
}

/** A connection; `kind` (the socket type) colours it. */
export class Wire extends ClassicPreset.Connection<BlockNode, BlockNode> {
  kind: SocketType = 'any';
  selected = false;
}

export type Schemes = GetSchemes<BlockNode, Wire>;
type AreaExtra = SvelteArea2D<Schemes> | MinimapExtra | ContextMenuExtra;

/** What the editor tells its owner. */
export interface EditorCallbacks {
  /** The graph changed: 'structure' (blocks, edges, parameters) or 'position' only. */
  onChange(kind: 'structure' | 'position'): void;
  /** The selected blocks changed. */
  onSelection(nodes: BlockNode[]): void;
  /** A user action was refused (wrong connection, nothing to paste). */
  onNotice(message: string, tone: 'error' | 'info'): void;
  /**
   * The user asked for the equation editor from a block's menu: to edit the project's own
   * type, or to start a new type from a built-in's equations ('copy').
   */
  onEditType?(type: string, mode: 'edit' | 'copy'): void;
}

/** Clipboard contents: blocks and the edges among them. */
interface Clip {
  format: 'spikeflow-clip';
  blocks: BlockDoc[];
  edges: EdgeDoc[];
}

const CLIP_KEY = 'spikeflow-clipboard';

function clone<T>(x: T): T {
  return JSON.parse(JSON.stringify(x)) as T;
}

/** Splits "block.port". */
function splitRef(ref: string): [string, string] {
  const i = ref.indexOf('.');
  return [ref.slice(0, i), ref.slice(i + 1)];
}

export class GraphEditor {
  readonly editor = new NodeEditor<Schemes>();
  readonly area: AreaPlugin<Schemes, AreaExtra>;
  readonly history = new HistoryPlugin<Schemes, HistoryActions<Schemes>>({ timing: 250 });
  /** Loaded on first use: elk.js is most of the bundle's size. */
  private arrange: AutoArrangePlugin<Schemes> | null = null;
  private readonly selector = AreaExtensions.selector();
  private readonly selectable: ReturnType<typeof AreaExtensions.selectableNodes>;
  private loading = false;
  private selectionQueued = false;
  private lastSelection = '';
  private selectedWire: Wire | null = null;

  private constructor(
    readonly container: HTMLElement,
    private readonly callbacks: EditorCallbacks,
  ) {
    this.area = new AreaPlugin<Schemes, AreaExtra>(container);
    const connection = new ConnectionPlugin<Schemes, AreaExtra>();
    const render = new SveltePlugin<Schemes, AreaExtra>();
    const minimap = new MinimapPlugin<Schemes>({ boundViewport: true });
    const contextMenu = new ContextMenuPlugin<Schemes>({ items: (context) => this.menuItems(context) });

    this.selectable = AreaExtensions.selectableNodes(this.area, this.selector, {
      accumulating: { active: () => this.accumulate || this.pressOnSelection !== null },
    });
    AreaExtensions.simpleNodesOrder(this.area);

    render.addPreset(
      Presets.classic.setup({
        customize: {
          node: () => BlockNodeView,
          socket: () => SocketDot,
          connection: () => ConnectionPath,
        },
      }),
    );
    render.addPreset(Presets.contextMenu.setup({ delay: 200 }));
    render.addPreset(Presets.minimap.setup({ size: 120 }));
    connection.addPreset(ConnectionPresets.classic.setup());
    this.history.addPreset(HistoryPresets.classic.setup());

    this.editor.use(this.area);
    this.area.use(connection);
    this.area.use(render);
    this.area.use(this.history);
    this.area.use(minimap);
    this.area.use(contextMenu);

    this.editor.addPipe((context) => {
      if (context.type === 'connectioncreate') {
        const problem = this.connectionProblem(context.data);
        if (problem) {
          if (!this.loading) this.callbacks.onNotice(problem, 'error');
          return undefined;
        }
        context.data.kind = this.outputType(context.data);
      }
      if (
        context.type === 'nodecreated' || context.type === 'noderemoved' ||
        context.type === 'connectioncreated' || context.type === 'connectionremoved'
      ) {
        if (context.type === 'noderemoved' || context.type === 'connectionremoved') this.queueSelection();
        if (context.type === 'nodecreated' || context.type === 'noderemoved') this.queueMinimapPlacement();
        if (context.type === 'connectionremoved' && this.selectedWire?.id === context.data.id) this.selectedWire = null;
        if (!this.loading) this.callbacks.onChange('structure');
      }
      return context;
    });

    this.area.addPipe((context) => {
      switch (context.type) {
        case 'nodepicked':
        case 'pointerup':
          this.queueSelection();
          break;
        case 'pointerdown':
          if (this.selectedWire && !(context.data.event.target as Element | null)?.closest?.('.wire-path')) this.selectWire(null);
          this.queueSelection();
          this.newBlocks = [];
          break;
        case 'nodetranslated':
          this.movedDuringPress = true;
          if (!this.loading) this.callbacks.onChange('position');
          this.queueMinimapPlacement();
          break;
        case 'translated':
        case 'zoomed':
          this.newBlocks = [];
          this.queueMinimapPlacement();
          break;
        case 'resized':
          this.queueMinimapPlacement();
          break;
        case 'render':
          // The context menu's own box is position: fixed (its own stacking context): lift it
          // above the canvas toolbar, which comes later in the page.
          if (context.data.type === 'contextmenu') context.data.element.style.zIndex = '100';
          break;
        case 'rendered':
          if (context.data.type === 'node') {
            const node = context.data.payload as BlockNode;
            this.measure(node, context.data.element);
            if (this.newBlocks.includes(node)) this.queueKeepNewBlocksInView();
          }
          this.queueMinimapPlacement();
          break;
      }
      return context;
    });

    // Connections are selected by a click on their path (ConnectionPath dispatches it).
    container.addEventListener('wire-click', (ev) => {
      const id = (ev as CustomEvent<string>).detail;
      const wire = this.editor.getConnection(id);
      if (!wire) return;
      // A connection is selected alone, so Delete removes it and not the blocks.
      void this.selector.unselectAll().then(() => {
        this.queueSelection();
        return this.selectWire(wire);
      });
    });
    // Pressing on a block of a multiple selection keeps the selection (to drag it all);
    // releasing without a drag then selects that block alone, as a click does.
    container.addEventListener('pointerdown', (ev) => {
      this.accumulate = ev.ctrlKey || ev.metaKey || ev.shiftKey;
      this.pressOnSelection = null;
      this.movedDuringPress = false;
      const id = (ev.target as Element | null)?.closest?.('.block-node')?.getAttribute('data-block-id');
      const node = id ? this.nodeByBlockId(id) : undefined;
      if (node?.selected && !this.accumulate && this.selected().length > 1) this.pressOnSelection = node;
    }, { capture: true });
    window.addEventListener('pointerup', this.releasePress);
    window.addEventListener('keydown', this.trackCtrl);
    window.addEventListener('keyup', this.trackCtrl);
    this.resizeObserver.observe(container);
  }

  private accumulate = false;
  private pressOnSelection: BlockNode | null = null;
  private movedDuringPress = false;
  private releasePress = () => {
    const node = this.pressOnSelection;
    this.pressOnSelection = null;
    if (node && !this.movedDuringPress) void this.selectOnly([node]);
  };
  private trackCtrl = (ev: KeyboardEvent) => {
    this.accumulate = ev.ctrlKey || ev.metaKey || ev.shiftKey;
  };

  /** Creates the editor in `container`. */
  static async create(container: HTMLElement, callbacks: EditorCallbacks): Promise<GraphEditor> {
    return new GraphEditor(container, callbacks);
  }

  destroy(): void {
    window.removeEventListener('keydown', this.trackCtrl);
    window.removeEventListener('keyup', this.trackCtrl);
    window.removeEventListener('pointerup', this.releasePress);
    this.resizeObserver.disconnect();
    cancelAnimationFrame(this.minimapFrame);
    cancelAnimationFrame(this.keepInViewFrame);
    this.area.destroy();
  }

  // ---- nodes and sockets ----------------------------------------------------------------

  private outputType(c: Wire): SocketType {
    const source = this.editor.getNode(c.source);
    return (source ? own(source.def.outputs, c.sourceOutput as string)?.type : undefined) ?? 'any';
  }

  /** Why a connection may not be made, or null. */
  private connectionProblem(c: Wire): string | null {
    const source = this.editor.getNode(c.source);
    const target = this.editor.getNode(c.target);
    if (!source || !target) return 'Cannot connect: a block is missing';
    const out = own(source.def.outputs, c.sourceOutput as string);
    const inp = own(target.def.inputs, c.targetInput as string);
    if (!out || !inp) return 'Cannot connect: no such port';
    if (source === target) return `Cannot connect ${source.block.id} to itself`;
    const refusal = connectionRefusal(out.type, inp.type, target.def.category);
    if (refusal === 'socket-type') {
      return `Cannot connect ${source.block.id}.${String(c.sourceOutput)} (${out.type}) to ${target.block.id}.${String(c.targetInput)}, which takes ${inp.type}`;
    }
    if (refusal === 'current-not-into-neuron') {
      return `Cannot connect ${source.block.id}.${String(c.sourceOutput)} to ${target.block.id}: ${CURRENT_ONLY_INTO_NEURON}`;
    }
    const dup = this.editor.getConnections().some((w) =>
      w.source === c.source && w.target === c.target && w.sourceOutput === c.sourceOutput && w.targetInput === c.targetInput);
    if (dup) return 'These ports are already connected';
    return null;
  }

  private measure(node: BlockNode, element: HTMLElement): void {
    const inner = element.firstElementChild as HTMLElement | null;
    if (!inner) return;
    const w = inner.offsetWidth;
    const h = inner.offsetHeight;
    if (w > 0 && h > 0) {
      node.width = w;
      node.height = h;
    }
  }

  /** All block nodes, in creation order. */
  nodes(): BlockNode[] {
    return this.editor.getNodes();
  }

  nodeByBlockId(id: string): BlockNode | undefined {
    return this.editor.getNodes().find((n) => n.block.id === id);
  }

  blockIds(): Set<string> {
    return new Set(this.editor.getNodes().map((n) => n.block.id));
  }

  /** The block feeding input `port` of `node` (probes: the recorded block). */
  sourceOf(node: BlockNode, port: string): BlockNode | undefined {
    const wire = this.editor.getConnections().find((w) => w.target === node.id && w.targetInput === port);
    return wire ? this.editor.getNode(wire.source) : undefined;
  }

  /** The centre of the visible area, in graph coordinates. */
  viewCenter(): { x: number; y: number } {
    const { x, y, k } = this.area.area.transform;
    const rect = this.container.getBoundingClientRect();
    return { x: (rect.width / 2 - x) / k - 100, y: (rect.height / 2 - y) / k - 50 };
  }

  /** Graph coordinates of a client (screen) point. */
  toGraph(clientX: number, clientY: number): { x: number; y: number } {
    const { x, y, k } = this.area.area.transform;
    const rect = this.container.getBoundingClientRect();
    return { x: (clientX - rect.left - x) / k, y: (clientY - rect.top - y) / k };
  }

  private async addNode(block: BlockDoc): Promise<BlockNode | null> {
    // A project type with a mistake keeps its blocks (with stand-in ports) until it is fixed.
    const def = catalogDef(block.type) ?? brokenTypeDef(block.type);
    if (!def) {
      this.callbacks.onNotice(`Unknown block type "${block.type}" (block ${block.id})`, 'error');
      return null;
    }
    const node = new BlockNode(block, def);
    await this.editor.addNode(node);
    await this.area.translate(node.id, block.position ?? { x: 0, y: 0 });
    return node;
  }

  /** Places a new block of `type` at `position` (graph coordinates) and selects it. */
  async addBlock(type: string, position?: { x: number; y: number }): Promise<BlockNode | null> {
    this.history.separate();
    const pos = position ?? this.viewCenter();
    const id = uniqueBlockId(idStem(type), this.blockIds());
    const node = await this.addNode(newBlock(type, id, { x: Math.round(pos.x), y: Math.round(pos.y) }));
    if (node) {
      this.newBlocks = [node];
      await this.moveIntoView(this.newBlocks);
      await this.selectOnly([node]);
    }
    return node;
  }

  // ---- document -------------------------------------------------------------------------

  /** Replaces the graph by the blocks and edges of `doc`; clears undo history. */
  async load(doc: ProjectDocument): Promise<void> {
    this.loading = true;
    this.newBlocks = [];
    try {
      await this.selector.unselectAll();
      this.selectedWire = null;
      await this.editor.clear();
      for (const block of doc.blocks) await this.addNode(clone(block));
      const dropped: string[] = [];
      for (const edge of doc.edges) {
        if (!(await this.addEdge(edge))) dropped.push(`${edge.from} → ${edge.to}`);
      }
      if (dropped.length > 0) this.callbacks.onNotice(`Left out connections that do not fit: ${dropped.join(', ')}`, 'error');
    } finally {
      this.loading = false;
    }
    this.history.clear();
    this.queueSelection();
  }

  private async addEdge(edge: EdgeDoc, ids?: Map<string, BlockNode>): Promise<boolean> {
    const [fromBlock, fromPort] = splitRef(edge.from);
    const [toBlock, toPort] = splitRef(edge.to);
    const source = ids?.get(fromBlock) ?? this.nodeByBlockId(fromBlock);
    const target = ids?.get(toBlock) ?? this.nodeByBlockId(toBlock);
    // Port names come from the document: own properties only ("constructor" is no port).
    if (!source || !target || !own(source.def.outputs, fromPort) || !own(target.def.inputs, toPort)) return false;
    return this.editor.addConnection(new Wire(source, fromPort, target, toPort));
  }

  /** The blocks (with positions) and edges of the graph. */
  toDocumentParts(): { blocks: BlockDoc[]; edges: EdgeDoc[] } {
    const blocks = this.editor.getNodes().map((n) => {
      const b = clone(n.block);
      const view = this.area.nodeViews.get(n.id);
      if (view) b.position = { x: Math.round(view.position.x), y: Math.round(view.position.y) };
      return b;
    });
    const edges: EdgeDoc[] = [];
    for (const w of this.editor.getConnections()) {
      const s = this.editor.getNode(w.source);
      const t = this.editor.getNode(w.target);
      if (s && t) edges.push({ from: `${s.block.id}.${String(w.sourceOutput)}`, to: `${t.block.id}.${String(w.targetInput)}` });
    }
    return { blocks, edges };
  }

  // ---- block edits (inspector) ----------------------------------------------------------

  /** Applies `mutate` to a node's block as one undoable step and re-renders it. */
  async updateBlock(node: BlockNode, mutate: (block: BlockDoc) => void): Promise<void> {
    const before = clone(node.block);
    const after = clone(node.block);
    this.history.separate(); // each edit is one undo step, however soon after the last
    mutate(after);
    if (JSON.stringify(before) === JSON.stringify(after)) return;
    const apply = async (b: BlockDoc) => {
      node.block = clone(b);
      node.label = node.block.id;
      node.rev++;
      await this.area.update('node', node.id);
      this.callbacks.onChange('structure');
      this.queueSelection(true);
    };
    await apply(after);
    this.history.add({ undo: () => apply(before), redo: () => apply(after) } as unknown as HistoryActions<Schemes>);
  }

  /**
   * Every block of `type` takes the type's new definition (after the user saved it in the
   * equation editor): sockets follow the ports, connections to ports that are gone are
   * removed (undoable, as any removal). Returns how many blocks changed.
   */
  async redefineType(type: string): Promise<number> {
    const def = catalogDef(type);
    if (!def) return 0;
    const nodes = this.editor.getNodes().filter((n) => n.block.type === type);
    this.history.separate();
    for (const node of nodes) {
      for (const w of this.editor.getConnections()) {
        const gone = (w.target === node.id && !own(def.inputs, w.targetInput as string)) ||
          (w.source === node.id && !own(def.outputs, w.sourceOutput as string));
        if (gone) await this.editor.removeConnection(w.id);
      }
      node.redefine(def);
      node.rev++;
      await this.area.update('node', node.id);
      // The sockets moved: redraw the wires that stay.
      for (const w of this.editor.getConnections()) {
        if (w.source === node.id || w.target === node.id) await this.area.update('connection', w.id);
      }
    }
    if (nodes.length > 0) this.queueSelection(true);
    return nodes.length;
  }

  /** Shows compile diagnostics on their nodes. */
  async setDiagnostics(byBlock: Map<string, ApiDiagnostic[]>): Promise<void> {
    for (const node of this.editor.getNodes()) {
      const next = byBlock.get(node.block.id) ?? [];
      if (JSON.stringify(next) === JSON.stringify(node.diagnostics)) continue;
      node.diagnostics = next;
      node.rev++;
      await this.area.update('node', node.id);
    }
  }

  /** Re-renders every node (after a change the nodes read from outside, e.g. sizes). */
  async refreshAll(): Promise<void> {
    for (const node of this.editor.getNodes()) {
      node.rev++;
      await this.area.update('node', node.id);
    }
  }

  // ---- selection ------------------------------------------------------------------------

  private queueSelection(force = false): void {
    if (force) this.lastSelection = '';
    if (this.selectionQueued) return;
    this.selectionQueued = true;
    setTimeout(() => {
      this.selectionQueued = false;
      const sel = this.selected();
      const key = sel.map((n) => `${n.id}:${n.rev}`).join(',');
      if (key === this.lastSelection) return;
      this.lastSelection = key;
      this.callbacks.onSelection(sel);
    }, 0);
  }

  selected(): BlockNode[] {
    return this.editor.getNodes().filter((n) => n.selected);
  }

  async selectOnly(nodes: BlockNode[]): Promise<void> {
    await this.selector.unselectAll();
    for (const [i, n] of nodes.entries()) await this.selectable.select(n.id, i > 0);
    this.queueSelection();
  }

  async selectAll(): Promise<void> {
    await this.selectOnly(this.editor.getNodes());
  }

  private async selectWire(wire: Wire | null): Promise<void> {
    const prev = this.selectedWire;
    this.selectedWire = wire;
    if (prev) {
      prev.selected = false;
      await this.area.update('connection', prev.id);
    }
    if (wire) {
      wire.selected = true;
      await this.area.update('connection', wire.id);
    }
  }

  /** Deletes the selected blocks (with their connections) or the selected connection. */
  async deleteSelected(): Promise<number> {
    this.history.separate();
    const nodes = this.selected();
    if (nodes.length === 0 && this.selectedWire) {
      const wire = this.selectedWire;
      this.selectedWire = null;
      await this.editor.removeConnection(wire.id);
      return 1;
    }
    for (const node of nodes) await this.removeNode(node);
    return nodes.length;
  }

  private async removeNode(node: BlockNode): Promise<void> {
    for (const w of this.editor.getConnections()) {
      if (w.source === node.id || w.target === node.id) await this.editor.removeConnection(w.id);
    }
    await this.editor.removeNode(node.id);
  }

  // ---- clipboard ------------------------------------------------------------------------

  /** Copies the selected blocks and the edges among them; returns how many. */
  copySelected(): number {
    const nodes = this.selected();
    if (nodes.length === 0) return 0;
    const parts = this.toDocumentParts();
    const ids = new Set(nodes.map((n) => n.block.id));
    const clip: Clip = {
      format: 'spikeflow-clip',
      blocks: parts.blocks.filter((b) => ids.has(b.id)),
      edges: parts.edges.filter((e) => ids.has(splitRef(e.from)[0]) && ids.has(splitRef(e.to)[0])),
    };
    const text = JSON.stringify(clip);
    try {
      localStorage.setItem(CLIP_KEY, text);
    } catch {
      // Private mode or quota: the copy still works within this page.
    }
    this.memoryClip = text;
    return nodes.length;
  }

  private memoryClip = '';

  async cutSelected(): Promise<number> {
    const n = this.copySelected();
    if (n > 0) await this.deleteSelected();
    return n;
  }

  /** Pastes copied blocks, offset and renamed where their ids are taken; selects them. */
  async paste(at?: { x: number; y: number }): Promise<number> {
    let text = this.memoryClip;
    try {
      text ||= localStorage.getItem(CLIP_KEY) ?? '';
    } catch {
      // ignore
    }
    if (!text) {
      this.callbacks.onNotice('Nothing to paste: copy blocks first', 'info');
      return 0;
    }
    let clip: Clip;
    try {
      clip = JSON.parse(text) as Clip;
      if (clip.format !== 'spikeflow-clip') throw new Error('not a clip');
    } catch {
      return 0;
    }
    this.history.separate();
    const taken = this.blockIds();
    const renamed = new Map<string, string>();
    const minX = Math.min(...clip.blocks.map((b) => b.position?.x ?? 0));
    const minY = Math.min(...clip.blocks.map((b) => b.position?.y ?? 0));
    const added = new Map<string, BlockNode>();
    for (const b of clip.blocks) {
      const id = uniqueBlockId(b.id.replace(/\d+$/, '') || idStem(b.type), taken);
      taken.add(id);
      renamed.set(b.id, id);
      const pos = b.position ?? { x: 0, y: 0 };
      const position = at
        ? { x: Math.round(at.x + pos.x - minX), y: Math.round(at.y + pos.y - minY) }
        : { x: pos.x + 40, y: pos.y + 40 };
      const node = await this.addNode({ ...clone(b), id, position });
      if (node) added.set(id, node);
    }
    for (const e of clip.edges) {
      const [fb, fp] = splitRef(e.from);
      const [tb, tp] = splitRef(e.to);
      await this.addEdge({ from: `${renamed.get(fb)}.${fp}`, to: `${renamed.get(tb)}.${tp}` }, added);
    }
    // The next paste lands further on.
    const next = { ...clip, blocks: clip.blocks.map((b) => ({ ...b, position: { x: (b.position?.x ?? 0) + 40, y: (b.position?.y ?? 0) + 40 } })) };
    this.memoryClip = JSON.stringify(next);
    this.newBlocks = [...added.values()];
    await this.moveIntoView(this.newBlocks);
    await this.selectOnly([...added.values()]);
    return added.size;
  }

  /** Duplicates the selected blocks next to themselves. */
  async duplicateSelected(): Promise<number> {
    const saved = this.memoryClip;
    if (this.copySelected() === 0) return 0;
    const n = await this.paste();
    this.memoryClip = saved;
    return n;
  }

  // ---- view -----------------------------------------------------------------------------

  /** The visible part of the canvas, in graph coordinates. */
  private visibleArea(): Box {
    const { x, y, k } = this.area.area.transform;
    return { left: -x / k, top: -y / k, width: this.container.clientWidth / k, height: this.container.clientHeight / k };
  }

  /** A node's box in graph coordinates (its measured size). */
  private nodeBox(node: BlockNode): Box {
    const p = this.area.nodeViews.get(node.id)?.position ?? { x: 0, y: 0 };
    return { left: p.x, top: p.y, width: node.width, height: node.height };
  }

  /**
   * The blocks just added (dropped, pasted): kept wholly in view as they grow (their
   * diagnostics show a moment later) until the user next presses on the canvas or moves the view.
   */
  private newBlocks: BlockNode[] = [];
  private keepInViewFrame = 0;

  private queueKeepNewBlocksInView(): void {
    if (this.keepInViewFrame) return;
    this.keepInViewFrame = requestAnimationFrame(() => {
      this.keepInViewFrame = 0;
      const alive = new Set(this.editor.getNodes());
      this.newBlocks = this.newBlocks.filter((n) => alive.has(n));
      void this.moveIntoView(this.newBlocks);
    });
  }

  /**
   * Moves new nodes together, as little as needed, so that they lie inside the visible
   * canvas (a block dropped at an edge, or pasted where the view no longer is).
   */
  private async moveIntoView(nodes: BlockNode[]): Promise<void> {
    if (nodes.length === 0 || this.container.clientWidth === 0) return;
    for (const n of nodes) {
      const view = this.area.nodeViews.get(n.id);
      if (view) this.measure(n, view.element);
    }
    const margin = 12 / this.area.area.transform.k;
    const { dx, dy } = shiftIntoView(boundingBox(nodes.map((n) => this.nodeBox(n))), this.visibleArea(), margin);
    if (dx === 0 && dy === 0) return;
    for (const n of nodes) {
      const b = this.nodeBox(n);
      await this.area.translate(n.id, { x: Math.round(b.left + dx), y: Math.round(b.top + dy) });
    }
  }

  private minimapFrame = 0;
  private readonly resizeObserver = new ResizeObserver(() => this.queueMinimapPlacement());
  /** The minimap's last drawn size (it has none while hidden). */
  private minimapSize = { width: 120, height: 120 };

  private queueMinimapPlacement(): void {
    if (this.minimapFrame) return;
    this.minimapFrame = requestAnimationFrame(() => {
      this.minimapFrame = 0;
      this.placeMinimap();
    });
  }

  /**
   * Puts the minimap in a corner of the canvas where it covers no block, or hides it
   * (data-minimap on the canvas; styles.css places it).
   */
  private placeMinimap(): void {
    const mini = this.container.querySelector<HTMLElement>('.minimap');
    if (mini && mini.offsetWidth > 0) this.minimapSize = { width: mini.offsetWidth, height: mini.offsetHeight };
    const { x, y, k } = this.area.area.transform;
    const blocks = this.editor.getNodes().map((n) => {
      const b = this.nodeBox(n);
      return { left: b.left * k + x, top: b.top * k + y, width: b.width * k, height: b.height * k };
    });
    const view = { width: this.container.clientWidth, height: this.container.clientHeight };
    this.container.dataset.minimap = freeMinimapCorner(view, this.minimapSize, blocks) ?? 'none';
  }

  async zoomToFit(): Promise<void> {
    const nodes = this.editor.getNodes();
    if (nodes.length === 0) {
      await this.area.area.zoom(1, 0, 0);
      await this.area.area.translate(40, 40);
      return;
    }
    await AreaExtensions.zoomAt(this.area, nodes, { scale: 0.85 });
    // Never magnify a small graph beyond 1:1; it looks blurry and oversized.
    if (this.area.area.transform.k > 1) await this.zoomCentered(1);
  }

  /** Zooms by a factor around the centre of the view. */
  async zoomBy(factor: number): Promise<void> {
    await this.zoomCentered(Math.min(2, Math.max(0.1, this.area.area.transform.k * factor)));
  }

  /** Sets the zoom to `k`, keeping the graph point at the centre of the view in place. */
  private async zoomCentered(k: number): Promise<void> {
    const rect = this.container.getBoundingClientRect();
    const t = { ...this.area.area.transform };
    const cx = rect.width / 2;
    const cy = rect.height / 2;
    const gx = (cx - t.x) / t.k;
    const gy = (cy - t.y) / t.k;
    await this.area.area.zoom(k, 0, 0);
    const nk = this.area.area.transform.k;
    await this.area.area.translate(cx - gx * nk, cy - gy * nk);
  }

  /** Lays the graph out left to right (elk layered) and fits it. */
  async autoArrange(): Promise<void> {
    if (this.editor.getNodes().length === 0) return;
    this.history.separate();
    if (!this.arrange) {
      const { AutoArrangePlugin: Plugin, Presets: ArrangePresets } = await import('rete-auto-arrange-plugin');
      const arrange = new Plugin<Schemes>();
      arrange.addPreset(ArrangePresets.classic.setup());
      this.area.use(arrange);
      this.arrange = arrange;
    }
    await this.arrange.layout({
      options: {
        'elk.algorithm': 'layered',
        'elk.direction': 'RIGHT',
        'elk.spacing.nodeNode': '36',
        'elk.layered.spacing.nodeNodeBetweenLayers': '70',
        'elk.edgeRouting': 'POLYLINE',
      },
    });
    await this.zoomToFit();
  }

  async undo(): Promise<void> {
    await this.history.undo();
    this.queueSelection(true);
  }

  async redo(): Promise<void> {
    await this.history.redo();
    this.queueSelection(true);
  }

  // ---- context menu ---------------------------------------------------------------------

  private menuItems(context: 'root' | BlockNode | Wire): { searchBar: boolean; list: Array<{ label: string; key: string; handler(): void; subitems?: Array<{ label: string; key: string; handler(): void }> }> } {
    if (context === 'root') {
      const at = { ...this.area.area.pointer };
      return {
        searchBar: true,
        list: [
          ...(projectDefs.names().length > 0 ? [{
            label: 'Add project block',
            key: 'add-project',
            handler: () => undefined,
            subitems: projectDefs.names().flatMap((name) => {
              const d = projectDefs.own(name);
              return d ? [{ label: d.title, key: `add-${name}`, handler: () => void this.addBlock(name, at) }] : [];
            }),
          }] : []),
          ...CATEGORY_ORDER.map((category) => ({
            label: `Add ${CATEGORY_TITLES[category].toLowerCase().replace(/s$/, '')}`,
            key: `add-${category}`,
            handler: () => undefined,
            subitems: BLOCKS.filter((b) => b.category === category).map((b) => ({
              label: b.title,
              key: `add-${b.type}`,
              handler: () => void this.addBlock(b.type, at),
            })),
          })),
          { label: 'Paste', key: 'paste', handler: () => void this.paste(at) },
          { label: 'Select all', key: 'select-all', handler: () => void this.selectAll() },
          { label: 'Zoom to fit', key: 'fit', handler: () => void this.zoomToFit() },
          { label: 'Auto-arrange', key: 'arrange', handler: () => void this.autoArrange() },
        ],
      };
    }
    if (context instanceof Wire) {
      return {
        searchBar: false,
        list: [{ label: 'Delete connection', key: 'delete-wire', handler: () => void this.editor.removeConnection(context.id) }],
      };
    }
    const node = context;
    const ensureSelected = async () => {
      if (!node.selected) await this.selectOnly([node]);
    };
    return {
      searchBar: false,
      list: [
        { label: 'Copy', key: 'copy', handler: () => void ensureSelected().then(() => this.copySelected()) },
        { label: 'Duplicate', key: 'duplicate', handler: () => void ensureSelected().then(() => this.duplicateSelected()) },
        { label: 'Delete', key: 'delete', handler: () => void ensureSelected().then(() => this.deleteSelected()) },
        ...(projectDefs.isOwn(node.block.type)
          ? [{ label: 'Edit block type…', key: 'edit-type', handler: () => this.callbacks.onEditType?.(node.block.type, 'edit') }]
          : BUILTINS_WITH_EQUATIONS.includes(node.block.type)
            ? [{ label: 'Duplicate as equations…', key: 'duplicate-as-equations', handler: () => this.callbacks.onEditType?.(node.block.type, 'copy') }]
            : []),
      ],
    };
  }
}
