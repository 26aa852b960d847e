/**
 * Hodgkin–Huxley (assets/docs/models.md, BrainPy HH): V, m, h, n all advance from the old state, each by
 * exponential Euler in itself; gates start at their steady state for V0; a spike is an upward
 * crossing of V_th (old V < V_th ≤ new V).
 */
import { describe, expect, it } from 'vitest';
import { makeDoc, runDoc, type BlockSpec } from '../../helpers/doc.js';

const DT = 0.1;
const P = { C: 1, ENa: 50, gNa: 120, EK: -77, gK: 36, EL: -54.387, gL: 0.03 };

const vtrap = (x: number, y: number) => (Math.abs(x / y) < 1e-6 ? y * (1 - x / y / 2) : x / (Math.exp(x / y) - 1));
const rates = (V: number) => ({
  am: 0.1 * vtrap(-(V + 40), 10), bm: 4 * Math.exp(-(V + 65) / 18),
  ah: 0.07 * Math.exp(-(V + 65) / 20), bh: 1 / (1 + Math.exp(-(V + 35) / 10)),
  an: 0.01 * vtrap(-(V + 55), 10), bn: 0.125 * Math.exp(-(V + 65) / 80),
});
const steady = (V: number) => {
  const r = rates(V);
  return { m: r.am / (r.am + r.bm), h: r.ah / (r.ah + r.bh), n: r.an / (r.an + r.bn) };
};

/** assets/docs/models.md's step in double precision. */
function reference(I: number, steps: number, V0 = -65) {
  let V = V0;
  let { m, h, n } = steady(V0);
  const Vs = [V];
  const spikes: number[] = [];
  const ee = (x: number, inf: number, tau: number) => inf + (x - inf) * Math.exp(-DT / tau);
  for (let i = 0; i < steps; i++) {
    const gna = P.gNa * m ** 3 * h;
    const gk = P.gK * n ** 4;
    const G = gna + gk + P.gL;
    const Vinf = (gna * P.ENa + gk * P.EK + P.gL * P.EL + I) / G;
    const r = rates(V);
    m = ee(m, r.am / (r.am + r.bm), 1 / (r.am + r.bm));
    h = ee(h, r.ah / (r.ah + r.bh), 1 / (r.ah + r.bh));
    n = ee(n, r.an / (r.an + r.bn), 1 / (r.an + r.bn));
    const old = V;
    V = ee(V, Vinf, P.C / G);
    if (old < 20 && V >= 20) spikes.push(i);
    Vs.push(V);
  }
  return { Vs, spikes };
}

function run(I: number | null, duration = '100 ms', params: Record<string, string> = {}) {
  const blocks: BlockSpec[] = [
    { id: 'cell', type: 'hh', size: 1, params },
    { id: 'V', type: 'state-probe', params: { state: 'V' } },
    { id: 'm', type: 'state-probe', params: { state: 'm' } },
    { id: 'h', type: 'state-probe', params: { state: 'h' } },
    { id: 'n', type: 'state-probe', params: { state: 'n' } },
    { id: 'sp', type: 'spike-probe' },
  ];
  const edges = ['cell.V -> V.target', 'cell.V -> m.target', 'cell.V -> h.target', 'cell.V -> n.target', 'cell.spikes -> sp.spikes'];
  if (I !== null) {
    blocks.unshift({ id: 'drive', type: 'constant-current', params: { amplitude: `${I} nA` } });
    edges.push('drive.I -> cell.I');
  }
  const out = runDoc(makeDoc(blocks, edges, { duration }));
  const tr = (p: string) => out.traces.get(p)![0]!;
  return { V: tr('V'), m: tr('m'), h: tr('h'), n: tr('n'), spikes: (out.spikes.get('sp') ?? []).map(([s]) => s) };
}

describe('Hodgkin–Huxley', () => {
  it('starts with its gates at steady state for V0', () => {
    const { m, h, n } = run(null, '1 ms');
    const ss = steady(-65);
    expect(m[0]).toBeCloseTo(ss.m, 6); // 0.0529
    expect(h[0]).toBeCloseTo(ss.h, 6); // 0.5961
    expect(n[0]).toBeCloseTo(ss.n, 6); // 0.3177
  });

  it('takes the limits at the removable singularities V = −40 and V = −55 mV', () => {
    for (const V0 of [-40, -55]) {
      const { V, m, n } = run(null, '1 ms', { V0: `${V0} mV` });
      expect(V.every(Number.isFinite)).toBe(true);
      const bm = 4 * Math.exp(-(V0 + 65) / 18);
      const bn = 0.125 * Math.exp(-(V0 + 65) / 80);
      if (V0 === -40) expect(m[0]).toBeCloseTo(1 / (1 + bm), 6); // α_m(−40) = 1
      if (V0 === -55) expect(n[0]).toBeCloseTo(0.1 / (0.1 + bn), 6); // α_n(−55) = 0.1
    }
  });

  it('rests without input: V relaxes from V0 = −65 mV to the resting potential (≈ −70.68 mV) and stays', () => {
    // With BrainPy's gL = 0.03 µS the steady state is not V0: solve I_ion(V) = 0 with the gates
    // at steady state (bisection), then expect the cell to settle there without firing.
    const iIon = (V: number) => {
      const { m, h, n } = steady(V);
      return P.gNa * m ** 3 * h * (V - P.ENa) + P.gK * n ** 4 * (V - P.EK) + P.gL * (V - P.EL);
    };
    let lo = -80;
    let hi = -60;
    for (let k = 0; k < 60; k++) { const mid = (lo + hi) / 2; if (iIon(mid) > 0) hi = mid; else lo = mid; }
    const vRest = (lo + hi) / 2;
    expect(vRest).toBeCloseTo(-70.676, 2);
    const { V, m, h, n, spikes } = run(null, '150 ms');
    expect(spikes).toEqual([]);
    for (const v of V) {
      expect(v).toBeLessThanOrEqual(-65);
      expect(v).toBeGreaterThan(vRest - 2.5); // a damped undershoot to about −72.5 mV near 8 ms
    }
    const last = V.length - 1;
    expect(Math.abs(V[last]! - vRest)).toBeLessThan(1e-3);
    expect(Math.abs(V[last]! - V[last - 100]!)).toBeLessThan(1e-4);
    const ss = steady(V[last]!);
    expect(Math.abs(m[last]! - ss.m)).toBeLessThan(1e-5);
    expect(Math.abs(h[last]! - ss.h)).toBeLessThan(1e-5);
    expect(Math.abs(n[last]! - ss.n)).toBeLessThan(1e-5);
    // Started at its resting potential, the cell stays there to within float32 recording.
    const still = run(null, '100 ms', { V0: `${vRest} mV` }).V;
    for (const v of still) expect(Math.abs(v - vRest)).toBeLessThan(1e-4);
  });

  it('matches the exponential-Euler step of assets/docs/models.md sample by sample', () => {
    const got = run(10, '50 ms');
    const ref = reference(10, 500);
    expect(got.spikes).toEqual(ref.spikes);
    for (let k = 0; k < ref.Vs.length; k++) expect(Math.abs(got.V[k]! - ref.Vs[k]!)).toBeLessThan(1e-3);
  });

  it('fires repetitive action potentials at 10 nA, peaking above +20 mV', () => {
    const { V, spikes } = run(10, '100 ms');
    expect(spikes.length).toBeGreaterThanOrEqual(6);
    expect(spikes.length).toBeLessThanOrEqual(8);
    expect(Math.max(...V)).toBeGreaterThan(30);
    expect(Math.min(...V)).toBeLessThan(-70); // after-hyperpolarisation
    const isi = spikes.slice(1).map((s, k) => s - spikes[k]!);
    for (const x of isi.slice(1)) expect(Math.abs(x - isi.at(-1)!)).toBeLessThanOrEqual(2); // regular
    expect(isi.at(-1)! * DT).toBeGreaterThan(12);
    expect(isi.at(-1)! * DT).toBeLessThan(17);
  });

  it('also fires repetitively at 5 nA, more slowly', () => {
    const five = run(5, '100 ms').spikes.length;
    expect(five).toBeGreaterThanOrEqual(4);
    expect(five).toBeLessThan(run(10, '100 ms').spikes.length);
  });

  it('emits a spike exactly in the steps where V crosses V_th upward', () => {
    for (const Vth of [20, 0]) {
      const { V, spikes } = run(10, '60 ms', { V_th: `${Vth} mV` });
      const crossings: number[] = [];
      for (let i = 0; i + 1 < V.length; i++) if (V[i]! < Vth && V[i + 1]! >= Vth) crossings.push(i);
      expect(spikes).toEqual(crossings);
      expect(spikes.length).toBeGreaterThan(2);
    }
  });
});
