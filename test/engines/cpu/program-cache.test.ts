/**
 * The CPU engine's generated code holds the model's structure only; its numbers (parameters
 * folded in, decay factors, weights) are read from the run's `literals` array (codegen.ts
 * modelNumber). Two runs that differ in values only — live mode's re-run after an edit — then
 * share one compiled program and the arrays it was made over (simulation.ts residents), which
 * the later run fills with its own values. It must give exactly what it gives alone, whatever
 * the earlier run left in those arrays; runs stepped side by side each get their own.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compile } from '../../../src-main/compiler/compile.js';
import { generateStep } from '../../../src-main/engines/cpu/codegen.js';
import { Simulation } from '../../../src-main/engines/cpu/simulation.js';
import type { RecordingChunk } from '../../../src-main/engines/types.js';
import { parseDocumentText } from '../../../src-shared/document/load.js';
import { collectChunks, runDoc } from '../../helpers/doc.js';

const coba = parseDocumentText(readFileSync(new URL('../../../assets/examples/coba.json', import.meta.url), 'utf8'));
/** COBA with the membrane time constant of E set to `tau`, and V of 5 neurons of E recorded. */
function cobaWith(tau: string) {
  const doc = structuredClone(coba);
  const e = doc.blocks.find((b) => b.id === 'E')!;
  e.params = { ...e.params, tau };
  doc.blocks.push({ id: 'V_E', type: 'state-probe', params: { state: 'V', neurons: [0, 1, 2, 3, 4] }, init: {} });
  doc.edges.push({ from: 'E.V', to: 'V_E.target' });
  return doc;
}

describe('one compiled program for runs that differ in values only', () => {
  it('generates the same code for another value, with the value in the literals', () => {
    const a = generateStep(compile(cobaWith('20 ms'), { duration: '10 ms' }), undefined, { reusable: true });
    const b = generateStep(compile(cobaWith('21 ms'), { duration: '10 ms' }), undefined, { reusable: true });
    expect(b.source).toBe(a.source);
    expect(b.literals).not.toEqual(a.literals);
    expect(a.literals).toContain(Math.exp(-0.1 / 20)); // the decay factor of V, dt = 0.1 ms
    expect(b.literals).toContain(Math.exp(-0.1 / 21));
  });

  it('gives each of two runs stepped side by side exactly its own recordings', () => {
    const overrides = { duration: '60 ms' };
    const docs = [cobaWith('20 ms'), cobaWith('23 ms')];
    const alone = docs.map((d) => runDoc(d, overrides));
    const sims = docs.map((d) => new Simulation(compile(d, overrides), undefined, { reusable: true }));
    expect(sims[1]!.source).toBe(sims[0]!.source);
    const chunks: RecordingChunk[][] = [[], []];
    for (let done = 0; done < sims[0]!.plan.steps; done += 37) {
      sims.forEach((sim, k) => { sim.advance(37); chunks[k]!.push(...sim.drain()); });
    }
    sims.forEach((sim, k) => {
      const together = collectChunks(chunks[k]!);
      expect(together.traces.get('V_E')).toEqual(alone[k]!.traces.get('V_E'));
      expect(together.spikes).toEqual(alone[k]!.spikes);
      sim.release();
    });
    // The two models differ: otherwise this would not tell the runs apart.
    expect(alone[1]!.traces.get('V_E')).not.toEqual(alone[0]!.traces.get('V_E'));
  });

  it('gives a later run the program and arrays of an earlier one, and exactly its own recordings', () => {
    const overrides = { duration: '60 ms' };
    const docs = [cobaWith('20 ms'), cobaWith('23 ms')];
    const alone = docs.map((d) => runDoc(d, overrides));
    const first = new Simulation(compile(docs[0]!, overrides), undefined, { reusable: true });
    const firstChunks = [];
    while (first.step < first.plan.steps) { first.advance(100); firstChunks.push(...first.drain()); }
    first.release();
    const later = new Simulation(compile(docs[1]!, overrides), undefined, { reusable: true });
    // The same arrays: the earlier run's states, spike rings and literals, filled with the later run's.
    const v = Object.keys(later.arrays).find((n) => n.endsWith('_s_V'))!;
    expect(later.arrays[v]).toBe(first.arrays[v]);
    expect(later.arrays.literals).toBe(first.arrays.literals);
    later.advance(later.plan.steps);
    const got = collectChunks(later.drain());
    expect(got.traces.get('V_E')).toEqual(alone[1]!.traces.get('V_E'));
    expect(got.spikes).toEqual(alone[1]!.spikes);
    expect(collectChunks(firstChunks).traces.get('V_E')).toEqual(alone[0]!.traces.get('V_E'));
    later.release();
  });

  it('gives a run made while another holds the program arrays of its own', () => {
    const overrides = { duration: '10 ms' };
    const a = new Simulation(compile(cobaWith('20 ms'), overrides), undefined, { reusable: true });
    const b = new Simulation(compile(cobaWith('21 ms'), overrides), undefined, { reusable: true });
    const v = Object.keys(a.arrays).find((n) => n.endsWith('_s_V'))!;
    expect(b.arrays[v]).not.toBe(a.arrays[v]);
    a.release();
    b.release();
  });
});
