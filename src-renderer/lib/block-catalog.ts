/**
 * What the editor shows of the block library, derived from the definitions alone (no
 * per-block UI code): palette groups, colours of categories and socket types, which
 * parameters a node shows on its face, the weight unit of a synapse, the states a probe
 * can record.
 */
import { BLOCKS } from '../../kernels/index.js';
import type { BlockCategory, BlockDef, ParamDef, SocketType } from '../../kernels/types.js';
import type { BlockDoc } from '../../src-shared/document/schema.js';
import { ProjectDefs } from '../../src-shared/equations/project-defs.js';
import { typeVocabulary } from '../../src-shared/equations/vocabulary.js';
import { formatParamValue, formatQuantity } from './param-entry.js';
import { own } from '../../src-shared/own.js';

/** Palette groups in display order. */
export const CATEGORY_ORDER: readonly BlockCategory[] = ['source', 'current', 'neuron', 'synapse', 'probe'];

export const CATEGORY_TITLES: Readonly<Record<BlockCategory, string>> = {
  source: 'Sources',
  current: 'Currents',
  neuron: 'Neurons',
  synapse: 'Synapses',
  probe: 'Probes',
};

/** Accent colour per category (node header stripe, palette marker). */
export const CATEGORY_COLORS: Readonly<Record<BlockCategory, string>> = {
  source: '#d9480f',
  current: '#1971c2',
  neuron: '#2b8a3e',
  synapse: '#6741d9',
  probe: '#495057',
};

/** Colour per socket type; the legend in the palette explains them. */
export const SOCKET_COLORS: Readonly<Record<SocketType, string>> = {
  spikes: '#e8590c',
  current: '#1c7ed6',
  voltage: '#2f9e44',
  jump: '#c2255c',
  any: '#868e96',
};

export const SOCKET_TITLES: Readonly<Record<SocketType, string>> = {
  spikes: 'spikes',
  current: 'current',
  voltage: 'voltage / state',
  jump: 'voltage jump',
  any: 'any output',
};

/**
 * The open project's own block types (written as equations) next to the built-ins: the
 * studio sets them whenever a document is loaded or a type is saved, and every lookup below
 * sees them as it sees a built-in. One studio per page, so one set of project types.
 */
export const projectDefs = new ProjectDefs();

/** A block type's definition as the open project sees it (its own type or a built-in). */
export function catalogDef(type: string): BlockDef | undefined {
  return projectDefs.def(type);
}

/**
 * A stand-in for a project type that does not compile (a project file written by hand, a
 * type broken in another program): its blocks stay on the canvas with the ports the type's
 * category gives, so that neither they nor their connections are lost when the project is
 * saved again; the compiler names the mistake, and fixing the type in the equation editor
 * gives the blocks their real definition.
 */
export function brokenTypeDef(type: string): BlockDef | undefined {
  if (!projectDefs.isOwn(type)) return undefined;
  const doc = projectDefs.input(type);
  const category = doc.category === 'synapse' ? 'synapse' : 'neuron';
  const states = typeVocabulary(doc).states;
  const stub = `Block type "${type}" does not compile: open it in the equation editor to fix it.`;
  const port = (t: SocketType, d: string) => ({ type: t, doc: d });
  return {
    type, category, title: `${typeof doc.title === 'string' ? doc.title : type} (does not compile)`, doc: stub, references: [],
    template: 'elementwise', sized: category === 'neuron', params: {}, states: {}, update: [],
    inputs: category === 'neuron' ? { I: port('current', 'Input current.') } : { pre: port('spikes', 'Presynaptic spikes.') },
    outputs: category === 'neuron'
      ? { spikes: port('spikes', 'Spikes.'), ...Object.fromEntries(states.map((s) => [s, port('voltage', `State ${s}.`)])) }
      : { post: port('current', 'Current into the postsynaptic neuron block.') },
  };
}

/** The palette group of the project's own types. */
export const PROJECT_GROUP = 'project';

export interface PaletteGroup {
  category: BlockCategory | typeof PROJECT_GROUP;
  title: string;
  blocks: BlockDef[];
}

/**
 * Blocks per category, in library order; the project's own types first, as "Project blocks"
 * (a type with a mistake is listed too, to be opened in the equation editor; it cannot be
 * placed until it compiles).
 */
export function paletteGroups(filter = ''): PaletteGroup[] {
  const q = filter.trim().toLowerCase();
  const match = (b: BlockDef) =>
    q === '' ||
    b.title.toLowerCase().includes(q) ||
    b.type.toLowerCase().includes(q) ||
    b.category.includes(q) ||
    b.doc.toLowerCase().includes(q);
  const own = projectDefs.names().map((name) => projectDefs.own(name) ?? brokenTypeDef(name))
    .filter((d): d is BlockDef => d !== undefined && match(d));
  const groups: PaletteGroup[] = [
    { category: PROJECT_GROUP, title: 'Project blocks', blocks: own },
    ...CATEGORY_ORDER.map((category) => ({
      category,
      title: CATEGORY_TITLES[category],
      blocks: BLOCKS.filter((b) => b.category === category && match(b)),
    })),
  ];
  return groups.filter((g) => g.blocks.length > 0);
}

/** The weight unit of a synapse block given its parameters (variant-dependent). */
export function weightUnit(def: BlockDef, params: Record<string, unknown>): string {
  const spec = def.synapse;
  if (!spec) return '';
  if (typeof spec.weightUnit === 'string') return spec.weightUnit;
  const variantParam = spec.variantParam;
  const p = variantParam ? own(def.params, variantParam) : undefined;
  const variant = (variantParam && typeof params[variantParam] === 'string' ? params[variantParam] : undefined) ??
    (p?.kind === 'enum' ? p.default : undefined);
  return (variant && own(spec.weightUnit, variant)) ?? Object.values(spec.weightUnit)[0] ?? '';
}

/** The unit of a state, with a synapse's `{w}` placeholder resolved. */
export function stateUnit(def: BlockDef, state: string, params: Record<string, unknown>): string {
  const unit = own(def.states, state)?.unit ?? '';
  return unit.replace('{w}', weightUnit(def, params));
}

/** The default block id stem for a type: "lif" → "lif", "spike-times" → "spike_times". */
export function idStem(type: string): string {
  const stem = type.replace(/[^A-Za-z0-9_]/g, '_');
  return /^[A-Za-z_]/.test(stem) ? stem : `b_${stem}`;
}

/** A block id not in `taken`: stem, stem2, stem3… */
export function uniqueBlockId(stem: string, taken: ReadonlySet<string>): string {
  if (!taken.has(stem)) return stem;
  for (let n = 2; ; n++) if (!taken.has(`${stem}${n}`)) return `${stem}${n}`;
}

/** A new block of `type` with the library's defaults (size 1 for sized blocks). */
export function newBlock(type: string, id: string, position: { x: number; y: number }): BlockDoc {
  const def = catalogDef(type);
  if (!def) throw new Error(`unknown block type "${type}"`);
  const block: BlockDoc = { id, type, params: {}, init: {}, position };
  if (def.sized) block.size = 1;
  if (def.category === 'synapse') block.connection = { rule: 'all-to-all', selfConnections: true, delay: 0 };
  return block;
}

/** One line on a node's face: a parameter's name and value. */
export interface FaceLine {
  name: string;
  value: string;
  /** The value differs from the library default. */
  set: boolean;
}

function paramFace(name: string, p: ParamDef, value: unknown): FaceLine | null {
  if (p.kind === 'spike-list') {
    const n = Array.isArray(value) ? value.length : 0;
    return { name: 'spikes', value: `${n} spike${n === 1 ? '' : 's'}`, set: n > 0 };
  }
  if (p.kind === 'quantity-list') {
    const n = Array.isArray(value) ? value.length : 0;
    return { name, value: n === 0 ? 'none' : formatParamValue(p, value), set: n > 0 };
  }
  if (p.kind === 'state-name' && value === undefined) return { name, value: 'default', set: false };
  return { name, value: formatParamValue(p, value), set: value !== undefined };
}

/**
 * The lines a node shows: parameters the user set first, then defaults, at most `max`;
 * synapses add their connection rule and weight.
 */
export function faceLines(block: BlockDoc, def: BlockDef, max = 3): FaceLine[] {
  const lines: FaceLine[] = [];
  if (def.category === 'synapse') {
    const c = block.connection;
    const rule = c?.rule ?? 'all-to-all';
    const extra = rule === 'fixed-probability' ? ` p=${c?.p ?? 0}` : rule === 'fixed-indegree' ? ` k=${c?.indegree ?? 0}` : '';
    lines.push({ name: 'rule', value: `${rule}${extra}`, set: c !== undefined });
    const w = c?.weight;
    const wu = weightUnit(def, block.params);
    lines.push({
      name: 'weight',
      value: w === undefined ? `${def.synapse?.weightDefault ?? 0} ${wu}` : formatDistribution(w, wu),
      set: w !== undefined,
    });
  }
  const entries = Object.entries(def.params).map(([name, p]) => paramFace(name, p, block.params[name]))
    .filter((l): l is FaceLine => l !== null);
  const set = entries.filter((l) => l.set);
  const unset = entries.filter((l) => !l.set);
  for (const l of [...set, ...unset]) {
    if (lines.length >= max) break;
    lines.push(l);
  }
  return lines;
}

/** Text of a value-or-distribution ("1 uS", "normal(-65 mV, 5 mV)"). */
export function formatDistribution(value: unknown, unit: string): string {
  if (typeof value === 'number') return unit ? `${value} ${unit}` : String(value);
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object') {
    const d = value as { dist?: string; mean?: unknown; sd?: unknown; low?: unknown; high?: unknown };
    const q = (x: unknown) => (typeof x === 'number' ? (unit ? `${x} ${unit}` : String(x)) : String(x));
    if (d.dist === 'normal' && d.low === undefined && d.high === undefined) return `normal(${q(d.mean)}, ${q(d.sd)})`;
    if (d.dist === 'uniform') return `uniform(${q(d.low)}, ${q(d.high)})`;
    return formatQuantity(value, unit); // lognormal, truncated normal, "= expression"
  }
  return '';
}

/** The states a probe attached to `source` can record, with their units. */
export function recordableStates(source: BlockDoc | undefined): Array<{ name: string; unit: string; doc: string }> {
  if (!source) return [];
  const def = catalogDef(source.type);
  if (!def) return [];
  const states = Object.entries(def.states).map(([name, s]) => ({ name, unit: stateUnit(def, name, source.params), doc: s.doc }));
  // A plastic synapse: its weight and connection states, recorded per connection (the weight probe).
  const plastic = def.synapse?.plasticity;
  if (!plastic) return states;
  return [
    ...states,
    { name: 'w', unit: weightUnit(def, source.params), doc: 'Weight of each connection (channels are connections).' },
    ...Object.entries(plastic.states).map(([name, s]) => ({ name, unit: s.unit, doc: `${s.doc} (per connection)` })),
  ];
}
