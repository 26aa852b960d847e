/**
 * The equation editor's model of a type (src-renderer/lib/type-draft.ts): every built-in's
 * equations and the example types go through the editor's fields and come back as the same
 * type; numbers typed wrong, a name used twice and a taken type name are problems of their
 * own field; the compiler's diagnostics (units) come with line and column.
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
