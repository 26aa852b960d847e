/**
 * The CPU engine's generated code holds the model's structure only; its numbers (parameters
 * folded in, decay factors, weights) are read from the run's `literals` array (codegen.ts
 * modelNumber). Two runs that differ in values only — live mode's re-run after an edit — then
 * share one compiled program (simulation.ts cachedProgram), each bound to its own arrays.
 * Stepped side by side, each must give exactly what it gives alone, and what a program made
 * for it alone gives.
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
    });
    // The two models differ: otherwise this would not tell the runs apart.
    expect(alone[1]!.traces.get('V_E')).not.toEqual(alone[0]!.traces.get('V_E'));
  });
});
