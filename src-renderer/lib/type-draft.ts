/**
 * What the equation editor edits: a block type as text fields (parameters as rows, numbers
 * as the user typed them), turned into the document form (type-schema.ts) and checked by
 * the compiler on every change. Kept apart from the component so that the conversion and
 * the checks are tested without a page.
 */
import type { BlockDef } from '../../kernels/types.js';
import { compileEquationType, type EquationDiagnostic } from '../../src-shared/equations/compile-type.js';
import { EQUATION_LIMITS, INTEGRATION_METHODS, type BlockTypeInput, type IntegrationMethod } from '../../src-shared/equations/type-schema.js';
import { typeVocabulary, type TypeVocabulary } from '../../src-shared/equations/vocabulary.js';
import { plainMinus } from '../../src-shared/minus-sign.js';

/** One parameter as the user types it. */
export interface ParamRow {
  name: string;
  unit: string;
  default: string;
  min: string;
  max: string;
  /** The lower bound itself is not allowed (a capacitance > 0): shown as "> min". */
  exclusiveMin: boolean;
  doc: string;
}

export interface TypeDraftState {
  /** The name the type had when the editor opened (null: a new type). */
  existing: string | null;
  /** Names another type of the project already has. */
  taken: string[];
  name: string;
  category: 'neuron' | 'synapse';
  title: string;
  doc: string;
  params: ParamRow[];
  /** Initial value and doc per state (the states are those the equations define). */
  states: Record<string, { init: string; doc: string }>;
  equations: string;
  method: '' | IntegrationMethod;
  threshold: string;
  reset: string;
  refractory: string;
  /** Neurons: the state read as membrane potential (empty: the first state in volts). */
  voltage: string;
  stateOn: 'post' | 'pre';
  on_pre: string;
  /** Plastic synapses: per-connection variables, one per line ("dApre/dt = -Apre / taupre : 1 (event-driven)"). */
  connection: string;
  /** Plastic synapses: statements on w and the per-connection variables when the postsynaptic neuron spikes. */
  on_post: string;
  gather: string;
  current: string;
  weightUnit: string;
  weightDefault: string;
  weightDoc: string;
}

/** The longest text of one field (the compiler's limit). */
export const MAX_FIELD_CHARS = EQUATION_LIMITS.textChars;
/** Most parameters a type may have (the compiler's limit). */
export const MAX_PARAMS = 100;

export const METHOD_TITLES: Readonly<Record<IntegrationMethod, string>> = {
  exact: 'exact (linear equations)',
  exponential_euler: 'exponential Euler',
  euler: 'forward Euler',
  rk2: 'Runge–Kutta 2',
  rk4: 'Runge–Kutta 4',
};
export const METHODS = INTEGRATION_METHODS;

const text = (x: unknown): string => (typeof x === 'string' ? x : typeof x === 'number' ? String(x) : '');

/** A draft for a new type, or for `doc` (an existing type, or a built-in's equations). */
export function newTypeDraft(opts: { name?: string; doc?: BlockTypeInput; existing?: string; taken: ReadonlySet<string> }): TypeDraftState {
  const d = opts.doc;
  let name = opts.name ?? '';
  if (!name) {
    name = 'my-neuron';
    for (let n = 2; opts.taken.has(name); n++) name = `my-neuron-${n}`;
  }
  return {
    existing: opts.existing ?? null,
    taken: [...opts.taken].filter((t) => t !== opts.existing),
    name,
    category: d?.category ?? 'neuron',
    title: d?.title ?? '',
    doc: d?.doc ?? '',
    params: Object.entries(d?.params ?? {}).map(([pname, p]) => ({
      name: pname,
      unit: p.unit ?? '',
      default: String(p.default),
      min: p.min === undefined ? '' : String(p.min),
      max: p.max === undefined ? '' : String(p.max),
      exclusiveMin: p.exclusiveMin ?? false,
      doc: p.doc ?? '',
    })),
    states: Object.fromEntries(Object.entries(d?.states ?? {}).map(([s, v]) => [s, { init: text(v.init ?? '0'), doc: v.doc ?? '' }])),
    equations: d?.equations ?? '',
    method: d?.method ?? '',
    threshold: d?.threshold ?? '',
    reset: d?.reset ?? '',
    refractory: d?.refractory ?? '',
    voltage: d?.voltage ?? '',
    stateOn: d?.stateOn ?? 'post',
    on_pre: d?.on_pre ?? '',
    connection: d?.connection ?? '',
    on_post: d?.on_post ?? '',
    gather: d?.gather ?? '',
    current: d?.current ?? '',
    weightUnit: d?.weight?.unit ?? '',
    weightDefault: d?.weight?.default === undefined ? '1' : String(d.weight.default),
    weightDoc: d?.weight?.doc ?? '',
  };
}

/** A number as typed ("1e-3", "-70.6"); undefined when empty; NaN when not a number. */
function numberOf(s: string): number | undefined {
  const t = plainMinus(s).trim();
  if (t === '') return undefined;
  return /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(t) ? Number(t) : NaN;
}

/** The document form of a draft, and the problems of its fields that the compiler cannot see (a default that is no number, a parameter named twice). */
export function draftToType(d: TypeDraftState, stateNames: readonly string[], connectionNames: readonly string[] = []): { doc: BlockTypeInput; problems: EquationDiagnostic[] } {
  const problems: EquationDiagnostic[] = [];
  const problem = (field: string, message: string) => problems.push({ field, line: 0, column: 0, message });
  const params: NonNullable<BlockTypeInput['params']> = {};
  d.params.forEach((row, i) => {
    const name = row.name.trim();
    if (name === '') { problem(`params.#${i}.name`, 'a parameter needs a name'); return; }
    if (Object.hasOwn(params, name)) { problem(`params.${name}`, `parameter "${name}" is named twice`); return; }
    const def = numberOf(row.default);
    const min = numberOf(row.min);
    const max = numberOf(row.max);
    if (def === undefined || Number.isNaN(def)) problem(`params.${name}.default`, `the default of ${name} is not a number`);
    if (Number.isNaN(min)) problem(`params.${name}.min`, `the lower bound of ${name} is not a number`);
    if (Number.isNaN(max)) problem(`params.${name}.max`, `the upper bound of ${name} is not a number`);
    params[name] = {
      unit: row.unit.trim(),
      default: def !== undefined && !Number.isNaN(def) ? def : 0,
      ...(min !== undefined && !Number.isNaN(min) ? { min, ...(row.exclusiveMin ? { exclusiveMin: true } : {}) } : {}),
      ...(max !== undefined && !Number.isNaN(max) ? { max } : {}),
      ...(row.doc.trim() ? { doc: row.doc.trim() } : {}),
    };
  });
  const states: NonNullable<BlockTypeInput['states']> = {};
  for (const s of [...stateNames, ...connectionNames]) {
    const v = Object.hasOwn(d.states, s) ? d.states[s]! : { init: '0', doc: '' };
    const init = v.init.trim() || '0';
    // A per-connection variable starts at a number (plastic-spec.ts): kept as one, as documents write it.
    const start = connectionNames.includes(s) && init !== '0' && Number.isFinite(numberOf(init)) ? numberOf(init)! : init;
    // A state left at 0 without a doc needs no entry (the compiler's default), as in the built-ins' forms.
    if (init !== '0' || v.doc.trim()) states[s] = { init: start, ...(v.doc.trim() ? { doc: v.doc.trim() } : {}) };
  }
  const opt = (s: string) => (s.trim() === '' ? undefined : s);
  const doc: BlockTypeInput = {
    category: d.category,
    ...(d.title.trim() ? { title: d.title.trim() } : {}),
    ...(d.doc.trim() ? { doc: d.doc.trim() } : {}),
    params,
    states,
    equations: d.equations,
    ...(d.method ? { method: d.method } : {}),
  };
  if (d.category === 'neuron') {
    Object.assign(doc, Object.fromEntries(Object.entries({ threshold: opt(d.threshold), reset: opt(d.reset), refractory: opt(d.refractory), voltage: opt(d.voltage) }).filter(([, v]) => v !== undefined)));
  } else {
    // Per-connection variables and on_post belong to a synapse with state per postsynaptic neuron (plastic-spec.ts).
    const plastic = d.stateOn === 'post';
    const wDefault = numberOf(d.weightDefault);
    if (Number.isNaN(wDefault)) problem('weight.default', 'the default weight is not a number');
    Object.assign(doc, Object.fromEntries(Object.entries({
      stateOn: d.stateOn === 'pre' ? 'pre' : undefined,
      on_pre: opt(d.on_pre),
      connection: plastic ? opt(d.connection) : undefined,
      on_post: plastic ? opt(d.on_post) : undefined,
      gather: d.stateOn === 'pre' ? opt(d.gather) : undefined,
      current: opt(d.current),
    }).filter(([, v]) => v !== undefined)));
    doc.weight = {
      unit: d.weightUnit.trim(),
      default: wDefault !== undefined && !Number.isNaN(wDefault) ? wDefault : 1,
      ...(d.weightDoc.trim() ? { doc: d.weightDoc.trim() } : {}),
    };
  }
  return { doc, problems };
}

/** What the editor shows as the user types: the type, its definition (when it compiles), every problem, the names to complete. */
export interface DraftCheck {
  doc: BlockTypeInput;
  def: BlockDef | undefined;
  method: IntegrationMethod | undefined;
  diagnostics: EquationDiagnostic[];
  vocabulary: TypeVocabulary;
}

const TYPE_NAME = /^[a-z][a-z0-9_-]*$/;

export function checkDraft(d: TypeDraftState): DraftCheck {
  const vocabulary = typeVocabulary({
    category: d.category, stateOn: d.stateOn, equations: d.equations, connection: d.stateOn === 'post' ? d.connection : '',
    params: Object.fromEntries(d.params.map((p) => [p.name.trim(), p])),
  });
  const { doc, problems } = draftToType(d, vocabulary.states, vocabulary.connection);
  const name = d.name.trim();
  if (name !== d.existing && d.taken.includes(name)) problems.push({ field: 'type', line: 0, column: 0, message: `the project has a block type "${name}" already` });
  if (d.params.length > MAX_PARAMS) problems.push({ field: 'params', line: 0, column: 0, message: `at most ${MAX_PARAMS} parameters` });
  // A name the compiler refuses is said once, on the name field.
  const compiled = compileEquationType(TYPE_NAME.test(name) ? name : name || 'unnamed', doc);
  const diagnostics = [...problems, ...compiled.diagnostics];
  if (!TYPE_NAME.test(name)) diagnostics.unshift({ field: 'type', line: 0, column: 0, message: 'a type name: lower-case letters, digits, - and _, starting with a letter' });
  return { doc, def: diagnostics.length === 0 ? compiled.def : undefined, method: compiled.method, diagnostics, vocabulary };
}

/** The diagnostics of one field ("threshold", "params.C.unit" …; a prefix matches the field and its parts). */
export function diagnosticsOf(diagnostics: readonly EquationDiagnostic[], field: string): EquationDiagnostic[] {
  return diagnostics.filter((x) => x.field === field || x.field.startsWith(`${field}.`));
}
