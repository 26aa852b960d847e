/**
 * The equation editor's model of a type (src-renderer/lib/type-draft.ts): every built-in's
 * equations and the example types go through the editor's fields and come back as the same
 * type; numbers typed wrong, a name used twice and a taken type name are problems of their
 * own field; the compiler's diagnostics (units) come with line and column. A plastic synapse
 * (per-connection variables, on_post) makes the same round trip.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BlockTypeDoc } from '../../../src-shared/equations/type-schema.js';
import { builtinAsEquations, BUILTINS_WITH_EQUATIONS } from '../../../src-shared/equations/builtin-forms.js';
import { checkDraft, diagnosticsOf, draftToType, newTypeDraft } from '../../../src-renderer/lib/type-draft.js';
import { ProjectDefs } from '../../../src-shared/equations/project-defs.js';

const EXAMPLES = path.join(import.meta.dirname, '../../../assets/examples');
const exampleTypes = (file: string) => (JSON.parse(fs.readFileSync(path.join(EXAMPLES, file), 'utf8')) as { types: Record<string, unknown> }).types;

/** A state at 0 without a doc is the same whether listed or not. */
function withoutDefaultStates(doc: BlockTypeDoc): BlockTypeDoc {
  const states = Object.fromEntries(Object.entries(doc.states).filter(([, v]) => !(v.init === '0' && v.doc === '')));
  return { ...doc, states };
}

describe('the equation editor draft', () => {
  const cases: Array<[string, unknown]> = [
    ...BUILTINS_WITH_EQUATIONS.map((t) => [`built-in ${t}`, builtinAsEquations(t)] as [string, unknown]),
    ...Object.entries(exampleTypes('adex.json')),
    ...Object.entries(exampleTypes('facilitation.json')),
    ...Object.entries(exampleTypes('adaptive-lif.json')),
  ];
  it.each(cases)('%s goes through the editor unchanged, and compiles', (_name, type) => {
    const doc = BlockTypeDoc.parse(type);
    const draft = newTypeDraft({ name: 'my-type', doc: type as never, taken: new Set() });
    const check = checkDraft(draft);
    expect(check.diagnostics).toEqual([]);
    expect(check.def).toBeDefined();
    expect(withoutDefaultStates(BlockTypeDoc.parse(check.doc))).toEqual(withoutDefaultStates(doc));
  });

  it('says which field is wrong: a default that is no number, a parameter named twice, a taken name', () => {
    const draft = newTypeDraft({ name: 'adex', doc: exampleTypes('adex.json').adex as never, taken: new Set(['adex']) });
    draft.params[0]!.default = '2,81';
    draft.params.push({ ...draft.params[1]! });
    const check = checkDraft(draft);
    expect(check.def).toBeUndefined();
    expect(diagnosticsOf(check.diagnostics, 'params.C').map((d) => d.message)).toEqual(['the default of C is not a number']);
    expect(diagnosticsOf(check.diagnostics, 'params.gL').map((d) => d.message)).toEqual(['parameter "gL" is named twice']);
    expect(diagnosticsOf(check.diagnostics, 'type').map((d) => d.message)).toEqual(['the project has a block type "adex" already']);
    // Editing the type itself: its own name is no clash.
    const own = newTypeDraft({ name: 'adex', doc: exampleTypes('adex.json').adex as never, existing: 'adex', taken: new Set(['adex']) });
    expect(checkDraft(own).diagnostics).toEqual([]);
  });

  it('takes a default and bounds written with the minus sign U+2212, as copied from a paper', () => {
    const draft = newTypeDraft({ name: 'adex', doc: exampleTypes('adex.json').adex as never, taken: new Set() });
    const el = draft.params.find((p) => p.name === 'EL')!;
    el.default = '\u221270.6';
    el.min = '\u2212100';
    const check = checkDraft(draft);
    expect(check.diagnostics).toEqual([]);
    expect(check.doc.params?.EL).toMatchObject({ default: -70.6, min: -100 });
  });

  it('reports a dropped "/ C" at its line and column, with both dimensions', () => {
    const draft = newTypeDraft({ name: 'adex', doc: exampleTypes('adex.json').adex as never, taken: new Set() });
    draft.equations = draft.equations.replace(' / C', '');
    const [d] = diagnosticsOf(checkDraft(draft).diagnostics, 'equations');
    expect(d).toMatchObject({ line: 1, column: 10 });
    expect(d!.message).toMatch(/is a current \(nA\), expected a voltage per time \(mV\/ms\)/);
  });

  it('gives each state the equations define a row, and keeps only those states', () => {
    const draft = newTypeDraft({ name: 'x', taken: new Set() });
    draft.params.push({ name: 'tau', unit: 'ms', default: '10', min: '0', max: '', exclusiveMin: true, doc: '' });
    draft.equations = 'dV/dt = -V / tau : mV';
    draft.states = { V: { init: '-65', doc: '' }, gone: { init: '1', doc: '' } };
    const { doc } = draftToType(draft, checkDraft(draft).vocabulary.states);
    expect(doc.states).toEqual({ V: { init: '-65' } });
    expect(doc.params!.tau).toEqual({ unit: 'ms', default: 10, min: 0, exclusiveMin: true });
  });
});

/** Brian2's examples/synapses/STDP.py as a type: the weight declared as Brian2 does, bounded with clip. */
const STDP_BRIAN2 = {
  category: 'synapse',
  title: 'STDP (Brian2)',
  params: {
    taue: { unit: 'ms', default: 5 }, Ee: { unit: 'mV', default: 0 }, taupre: { unit: 'ms', default: 20 }, taupost: { unit: 'ms', default: 20 },
    gmax: { unit: 'uS', default: 0.01 }, dApre: { unit: 'uS', default: 0.0001 }, dApost: { unit: 'uS', default: -0.000105 },
  },
  equations: 'dge/dt = -ge / taue : uS',
  connection: 'w : uS\ndApre/dt = -Apre / taupre : uS (event-driven)\ndApost/dt = -Apost / taupost : uS (event-driven)',
  on_pre: 'ge += w\nApre += dApre\nw = clip(w + Apost, 0, gmax)',
  on_post: 'Apost += dApost\nw = clip(w + Apre, 0, gmax)',
  current: 'ge * (Ee - V_post)',
  weight: { unit: 'uS', default: 0.005 },
};

/** Tsodyks–Markram written out: x per connection starts at 1. */
const TM_WRITTEN_OUT = {
  category: 'synapse',
  params: { tau: { unit: 'ms', default: 3 }, U: { unit: '', default: 0.2 }, tau_rec: { unit: 'ms', default: 150 }, tau_facil: { unit: 'ms', default: 400 } },
  equations: 'dg/dt = -g / tau : nA',
  connection: 'du/dt = -u / tau_facil : 1 (event-driven)\ndx/dt = (1 - x) / tau_rec : 1 (event-driven)',
  states: { x: { init: 1, doc: 'Resources available.' } },
  on_pre: 'u += U * (1 - u)\ng += w * u * x\nx -= u * x',
  current: 'g',
  weight: { unit: 'nA', default: 1 },
};

describe('a plastic synapse in the editor', () => {
  it.each([['STDP as Brian2 writes it', STDP_BRIAN2], ['Tsodyks-Markram written out', TM_WRITTEN_OUT]])('%s goes through the editor unchanged, and compiles to per-connection state', (_name, type) => {
    const doc = BlockTypeDoc.parse(type);
    const draft = newTypeDraft({ name: 'plastic', doc: type as never, taken: new Set() });
    expect(draft.connection).toBe(type.connection);
    const check = checkDraft(draft);
    expect(check.diagnostics).toEqual([]);
    expect(check.vocabulary.connection).toEqual(Object.keys(check.def!.synapse!.plasticity!.states));
    expect(withoutDefaultStates(BlockTypeDoc.parse(check.doc))).toEqual(withoutDefaultStates(doc));
    // Saved, opened again and saved: the same document.
    const again = checkDraft(newTypeDraft({ name: 'plastic', doc: check.doc, existing: 'plastic', taken: new Set(['plastic']) }));
    expect(again.doc).toEqual(check.doc);
  });

  it('a per-connection variable typed as a number is kept as one; a start that is no number is named at its state', () => {
    const draft = newTypeDraft({ name: 'tm', doc: TM_WRITTEN_OUT as never, taken: new Set() });
    draft.states.u = { init: '0.2', doc: '' };
    expect(checkDraft(draft).doc.states).toEqual({ x: { init: 1, doc: 'Resources available.' }, u: { init: 0.2 } });
    draft.states.u = { init: 'U', doc: '' };
    expect(diagnosticsOf(checkDraft(draft).diagnostics, 'states.u').map((d) => d.message)).toEqual(['a per-connection variable starts at a number']);
  });

  it('names the field and the line of a mistake in the plasticity, units included', () => {
    const draft = newTypeDraft({ name: 'stdp2', doc: STDP_BRIAN2 as never, taken: new Set() });
    draft.on_post = 'Apost += dApost\nw = clip(w + taupre, 0, gmax)';
    const [d] = diagnosticsOf(checkDraft(draft).diagnostics, 'on_post');
    expect(d).toMatchObject({ line: 2 });
    expect(d!.message).toMatch(/"w \+ taupre" do not agree: a conductance \(µS\) and a time \(ms\)/);
    draft.on_post = STDP_BRIAN2.on_post;
    draft.connection = draft.connection.replace('w : uS', 'w : mV');
    expect(diagnosticsOf(checkDraft(draft).diagnostics, 'connection').map((x) => x.message)).toEqual([expect.stringContaining('the weight is added to ge')]);
  });

  it('drops per-connection variables and on_post from a synapse whose state is per presynaptic neuron', () => {
    const draft = newTypeDraft({ name: 'stdp2', doc: STDP_BRIAN2 as never, taken: new Set() });
    draft.stateOn = 'pre';
    const { doc } = checkDraft(draft);
    expect(doc.connection).toBeUndefined();
    expect(doc.on_post).toBeUndefined();
  });
});

describe('the project types the palette and the inspector see', () => {
  it('are compiled once per change, stand next to the built-ins, and give nothing while they have a mistake', () => {
    const defs = new ProjectDefs();
    const adex = exampleTypes('adex.json').adex as { equations: string };
    defs.setTypes({ adex });
    expect(defs.def('adex')?.title).toBe('AdEx');
    expect(defs.def('adex')).toBe(defs.def('adex'));
    expect(defs.def('lif')?.type).toBe('lif');
    defs.setTypes({ adex: { ...adex, equations: adex.equations.replace(' / C', '') } });
    expect(defs.isOwn('adex')).toBe(true);
    expect(defs.def('adex')).toBeUndefined();
    defs.setTypes({});
    expect(defs.def('adex')).toBeUndefined();
    expect(defs.isOwn('adex')).toBe(false);
  });
});
