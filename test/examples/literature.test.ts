/**
 * The literature examples (issue #11, section 5) on the CPU engine: the documents build the
 * published networks (sizes, in-degrees, weights, delays, drive, per-neuron parameters),
 * and their activity has the published character — Brunel (2000) model A asynchronous and
 * irregular with a fast oscillation, Izhikevich (2003) rhythmic in the alpha band, CUBA
 * asynchronous at a few Hz. Brunel's network runs scaled down here (NE = 2000, C_E = 200,
 * J = 0.5 mV: the same C_E·J, so the same threshold rate and mean input); the full size, and
 * the same figures beside Brian2's, are in `npm run bench` (bench/literature.ts).
 */
import { describe, expect, it } from 'vitest';
import { compile } from '../../src-main/compiler/compile.js';
import type { PlanProjection } from '../../src-main/compiler/plan.js';
import type { ProjectDocument } from '../../src-shared/document/schema.js';
import { meanIsiCv, meanRate, spectralPeak, synchrony } from '../../bench/spike-stats.js';
import { runDoc } from '../helpers/doc.js';
import { makeHarness } from '../api/harness.js';
import { example, scaledBrunel } from './literature-docs.js';

/** Rate, ISI CV, synchrony χ and spectral peak of each population of a run. */
function stats(doc: ProjectDocument, overrides: { duration?: string; seed?: number } = {}) {
  const out = runDoc(doc, overrides);
  const { dt, steps } = out.plan;
  const pops: Record<string, { rate: number; cv: number; chi: number; peak: number; slowPeak: number }> = {};
  for (const id of ['E', 'I']) {
    const n = out.plan.blocks.find((b) => b.id === id)!.size;
    const s = out.spikes.get(`${id}_spikes`)!;
    pops[id] = {
      rate: meanRate(s, n, steps, dt),
      cv: meanIsiCv(s, n),
      chi: Math.sqrt(synchrony(s, n, steps, dt)),
      peak: spectralPeak(s, steps, dt, { skipMs: 100, fMin: 20, fMax: 500 }).hz,
      slowPeak: spectralPeak(s, steps, dt, { skipMs: 100, fMax: 20 }).hz,
    };
  }
  return pops;
}

function inDegrees(p: PlanProjection): Int32Array {
  const deg = new Int32Array(p.nPost);
  for (const j of p.byPre.idx) deg[j]!++;
  return deg;
}

describe('Brunel (2000) model A', () => {
  it('is the published network: sizes, C_E = 0.1 NE, J, g, D, and ν_ext = 2 ν_thr', () => {
    const doc = example('brunel-2000.json');
    const block = (id: string) => doc.blocks.find((b) => b.id === id)!;
    expect([block('E').size, block('I').size]).toEqual([10000, 2500]);
    const published = [['EE', 1000, 0.1], ['EI', 1000, 0.1], ['IE', 250, -0.5], ['II', 250, -0.5]] as const;
    for (const [id, indegree, w] of published) {
      expect(block(id).connection, id).toMatchObject({ rule: 'fixed-indegree', indegree, weight: `${w} mV`, delay: '1.5 ms' });
    }
    // Compiled (at a tenth of the size, to keep the test fast): every neuron has exactly its
    // in-degree, no self-connections, the weight and the delay, and the jumps go to V.
    const plan = compile(scaledBrunel(10), { duration: '1 ms' });
    const proj = (id: string) => plan.projections.find((p) => p.synapse === id)!;
    for (const [id, indegree, w] of published) {
      const p = proj(id);
      expect(new Set(inDegrees(p)), id).toEqual(new Set([indegree / 10]));
      expect(p.uniformWeight!, id).toBeCloseTo(w * 10, 6);
      expect(p.delay, id).toBe(1.5);
      expect(p.into, id).toBe('J');
    }
    for (const id of ['EE', 'II']) {
      const { ptr, idx } = proj(id).byPre;
      for (let i = 0; i < ptr.length - 1; i++) expect(idx.subarray(ptr[i]!, ptr[i + 1]!).includes(i), `${id}: no self-connection`).toBe(false);
    }
    // ν_thr = θ/(J·C_E·τ); each neuron gets C_E external inputs of J at twice that rate.
    const E = plan.blocks.find((b) => b.id === 'E')!.params;
    const nuThr = (E.V_th! - E.V_rest!) / (0.1 * 1000 * E.tau!) * 1000; // Hz
    for (const id of ['drive_E', 'drive_I']) {
      const d = plan.blocks.find((b) => b.id === id)!.params;
      expect(d.K).toBe(1000);
      expect(d.w).toBeCloseTo(0.1, 12);
      expect(d.rate! / nuThr).toBeCloseTo(2, 12);
    }
  });

  it('fires asynchronously and irregularly at tens of Hz with a fast oscillation (scaled down, 400 ms)', () => {
    const s = stats(scaledBrunel(5), { duration: '400 ms' });
    for (const id of ['E', 'I']) {
      const p = s[id]!;
      expect(p.rate, `${id} rate`).toBeGreaterThan(20);
      expect(p.rate, `${id} rate`).toBeLessThan(80);
      expect(p.cv, `${id} ISI CV`).toBeGreaterThan(0.7);
      expect(p.cv, `${id} ISI CV`).toBeLessThan(1.6);
      expect(p.chi, `${id} synchrony`).toBeLessThan(0.3);
      // The weak fast oscillation of the AI state (Brunel's Fig. 8C): above 60 Hz.
      expect(p.peak, `${id} spectral peak`).toBeGreaterThan(60);
      expect(p.peak, `${id} spectral peak`).toBeLessThan(250);
    }
  });
});

describe('Izhikevich (2003) network', () => {
  it('draws c, d (excitatory) and a, b (inhibitory) from one r per neuron, and weights 0.5 r and −r', () => {
    const plan = compile(example('izhikevich-2003.json'), { duration: '1 ms' });
    const E = plan.blocks.find((b) => b.id === 'E')!;
    const I = plan.blocks.find((b) => b.id === 'I')!;
    const { c, d } = E.varying!;
    for (let k = 0; k < E.size; k++) {
      const r2 = (c![k]! + 65) / 15;
      expect(r2).toBeGreaterThanOrEqual(0);
      expect(r2).toBeLessThan(1);
      expect(d![k]!).toBeCloseTo(8 - 6 * r2, 9);
    }
    const { a, b } = I.varying!;
    for (let k = 0; k < I.size; k++) expect(b![k]!).toBeCloseTo(0.25 - 0.05 * (a![k]! - 0.02) / 0.08, 9);
    for (const [id, lo, hi] of [['EE', 0, 0.5], ['EI', 0, 0.5], ['IE', -1, 0], ['II', -1, 0]] as const) {
      const p = plan.projections.find((x) => x.synapse === id)!;
      expect(p.byPre.idx.length, id).toBe(p.nPre * p.nPost);
      const w = p.byPre.w;
      expect(w.reduce((m, x) => Math.min(m, x), Infinity), id).toBeGreaterThanOrEqual(lo);
      expect(w.reduce((m, x) => Math.max(m, x), -Infinity), id).toBeLessThanOrEqual(hi);
      const mean = w.reduce((x, y) => x + y, 0) / w.length;
      expect(mean, id).toBeCloseTo((lo + hi) / 2, 2);
    }
  });

  it('fires at about 10 Hz in population bursts recurring in the alpha band (1 s)', () => {
    const s = stats(example('izhikevich-2003.json'));
    for (const id of ['E', 'I']) {
      expect(s[id]!.rate, `${id} rate`).toBeGreaterThan(5);
      expect(s[id]!.rate, `${id} rate`).toBeLessThan(20);
    }
    expect(s.E!.slowPeak, 'E: slow rhythm').toBeGreaterThanOrEqual(6);
    expect(s.E!.slowPeak, 'E: slow rhythm').toBeLessThanOrEqual(14);
    // Bursts: far more synchronous than CUBA's asynchronous state below.
    expect(s.E!.chi).toBeGreaterThan(0.12);
  });
});

describe('CUBA (Brette et al. 2007, benchmark 2)', () => {
  it('is asynchronous at a few Hz (1 s)', () => {
    const plan = compile(example('cuba.json'), { duration: '1 ms' });
    expect(plan.blocks.filter((b) => b.category === 'neuron').map((b) => b.size)).toEqual([3200, 800]);
    const s = stats(example('cuba.json'));
    for (const id of ['E', 'I']) {
      expect(s[id]!.rate, `${id} rate`).toBeGreaterThan(2);
      expect(s[id]!.rate, `${id} rate`).toBeLessThan(12);
      expect(s[id]!.cv, `${id} ISI CV`).toBeGreaterThan(0.3);
      expect(s[id]!.chi, `${id} synchrony`).toBeLessThan(0.1);
    }
  });
});

describe('the literature examples in the app', () => {
  it('are listed under File → Examples, load, and validate with an estimate', async () => {
    const h = makeHarness();
    try {
      const listed = await h.service.listExamples();
      for (const file of ['brunel-2000.json', 'izhikevich-2003.json', 'cuba.json']) {
        const info = listed.find((e) => e.file === file);
        expect(info, file).toBeDefined();
        expect(info!.description, file).toMatch(/\(20\d\d\)/); // cites the paper
        const doc = await h.service.loadExample(file);
        expect(await h.service.validate(doc), file).toEqual({ ok: true, estimate: expect.objectContaining({ bytes: expect.any(Number) }) });
      }
    } finally {
      await h.close();
    }
  });
});
