/**
 * The plasticity examples show what their descriptions promise, on shortened runs (CI time):
 * stdp-song-2000 (Song et al. 2000; its 100 s histograms are in `npm run bench:stdp`),
 * triplet-stdp (the output rate decides the sign of learning) and tsodyks-markram
 * (depressing jumps shrink, facilitating ones grow).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compile } from '../../src-main/compiler/compile.js';
import { Simulation } from '../../src-main/engines/cpu/simulation.js';
import { plasticArrayName } from '../../src-main/engines/cpu/plasticity-code.js';
import { parseDocumentText } from '../../src-shared/document/load.js';
import { runDoc } from '../helpers/doc.js';

const load = (name: string) => parseDocumentText(readFileSync(new URL(`../../assets/examples/${name}`, import.meta.url), 'utf8'), name);
const mean = (a: ArrayLike<number>) => Array.from(a).reduce((x, y) => x + y, 0) / a.length;

function weightsAfter(name: string, duration: string, synapse: string): { before: Float64Array; after: Float64Array; sim: Simulation } {
  const plan = compile(load(name), { duration });
  const sim = new Simulation(plan);
  const w = sim.arrays[plasticArrayName.weight(plan.projections.findIndex((p) => p.synapse === synapse))] as Float64Array;
  const before = Float64Array.from(w);
  sim.advance(plan.steps);
  return { before, after: w, sim };
}

describe('plasticity examples', () => {
  it('stdp-song-2000: weights move within [0, g_max], depression outweighs potentiation at the start', () => {
    const { before, after, sim } = weightsAfter('stdp-song-2000.json', '1 s', 'stdp');
    expect(before.length).toBe(1000);
    expect(Math.min(...after)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...after)).toBeLessThanOrEqual(0.01);
    expect(after.filter((w, k) => w !== before[k]).length).toBeGreaterThan(900); // nearly every input spiked and learned
    expect(mean(after)).toBeLessThan(mean(before)); // A− = −1.05 A+: the balance tips to depression
    const rate = sim.summary().find((s) => s.block === 'neuron')!.rateHz;
    expect(rate).toBeGreaterThan(10); // uniform initial weights drive the cell well above the input rate
  });

  it('triplet-stdp: the slow neuron depresses its inputs, the fast one potentiates them to w_max', () => {
    const weak = weightsAfter('triplet-stdp.json', '1 s', 'weak');
    expect(mean(weak.after)).toBeLessThan(mean(weak.before));
    const strong = weightsAfter('triplet-stdp.json', '1 s', 'strong');
    expect(mean(strong.after)).toBeGreaterThan(0.95 * 0.04);
  });

  it('tsodyks-markram: depressing jumps shrink from spike to spike, facilitating ones grow', () => {
    const out = runDoc(load('tsodyks-markram.json'));
    const decay = Math.exp(-0.1 / 3);
    const jumps = (probe: string) => {
      const g = out.traces.get(probe)![0]!;
      // Spike of step s: sample s + 1 holds g after step s.
      return [50, 100, 150, 200].map((ms) => g[ms * 10 + 1]! - g[ms * 10]! * decay);
    };
    const d = jumps('gD');
    const f = jumps('gF');
    expect(d[0]).toBeCloseTo(0.25, 5); // U·w = 0.5 · 0.5 µS
    expect(f[0]).toBeCloseTo(0.05, 5); // 0.1 · 0.5 µS
    for (let n = 1; n < 4; n++) {
      expect(d[n]!).toBeLessThan(d[n - 1]!);
      expect(f[n]!).toBeGreaterThan(f[n - 1]!);
    }
  });
});
