/**
 * Izhikevich neuron (assets/docs/models.md, Jaxley's Izhikevich channel). Per step: u ← exponential Euler towards
 * b·v with tau = 1/a; v ← v + dt·(0.04v² + 5v + 140 − u + I/C) with the new u; v ≥ v_peak:
 * spike, v ← c, u ← u + d. u starts at b·v0. Firing patterns of Izhikevich (2003) at a
 * constant 10 nA: RS (tonic, adapting), FS (fast tonic), IB (initial burst, then tonic),
 * CH (repeated bursts).
 */
import { describe, expect, it } from 'vitest';
import { makeDoc, runDoc } from '../../helpers/doc.js';

const DT = 0.1;

interface Cell { a: number; b: number; c: number; d: number }
const RS: Cell = { a: 0.02, b: 0.2, c: -65, d: 8 };
const FS: Cell = { a: 0.1, b: 0.2, c: -65, d: 2 };
const IB: Cell = { a: 0.02, b: 0.2, c: -55, d: 4 };
const CH: Cell = { a: 0.02, b: 0.2, c: -50, d: 2 };

function run(cell: Cell, I = 10, duration = '200 ms', extra: Record<string, string> = {}) {
  const out = runDoc(makeDoc(
    [
      { id: 'drive', type: 'constant-current', params: { amplitude: `${I} nA` } },
      { id: 'cell', type: 'izhikevich', size: 1, params: { a: `${cell.a} /ms`, b: `${cell.b} /ms`, c: `${cell.c} mV`, d: `${cell.d} mV/ms`, ...extra } },
      { id: 'v', type: 'state-probe', params: { state: 'v' } },
      { id: 'u', type: 'state-probe', params: { state: 'u' } },
      { id: 'sp', type: 'spike-probe' },
    ],
    ['drive.I -> cell.I', 'cell.v -> v.target', 'cell.v -> u.target', 'cell.spikes -> sp.spikes'],
    { duration },
  ));
  const spikes = (out.spikes.get('sp') ?? []).map(([s]) => s);
  const isi = spikes.slice(1).map((s, k) => (s - spikes[k]!) * DT);
  return { v: out.traces.get('v')![0]!, u: out.traces.get('u')![0]!, spikes, isi };
}

/** The recursion of assets/docs/models.md in double precision. */
function reference(cell: Cell, I: number, steps: number, C = 1, v0 = -65) {
  let v = v0;
  let u = cell.b * v0;
  const f = Math.exp(-DT * cell.a);
  const vs = [v];
  const us = [u];
  const spikes: number[] = [];
  for (let i = 0; i < steps; i++) {
    u = cell.b * v + (u - cell.b * v) * f;
    v = v + DT * (0.04 * v * v + 5 * v + 140 - u + I / C);
    if (v >= 30) { spikes.push(i); v = cell.c; u += cell.d; }
    vs.push(v);
    us.push(u);
  }
  return { vs, us, spikes };
}

describe('Izhikevich', () => {
  it('starts at u = b·v0 and follows the update order of assets/docs/models.md exactly', () => {
    for (const [cell, C, v0] of [[RS, 1, -65], [CH, 2, -70]] as const) {
      const got = run(cell, 10, '200 ms', { C: `${C} nF`, v0: `${v0} mV` });
      const ref = reference(cell, 10, 2000, C, v0);
      expect(got.u[0]).toBeCloseTo(cell.b * v0, 5);
      expect(got.spikes).toEqual(ref.spikes);
      for (let n = 0; n < ref.vs.length; n++) {
        expect(Math.abs(got.v[n]! - ref.vs[n]!)).toBeLessThan(1e-4);
        expect(Math.abs(got.u[n]! - ref.us[n]!)).toBeLessThan(1e-5);
      }
    }
  });

  it('resets to c and adds d to u on a spike; v never exceeds v_peak in a recorded sample', () => {
    const { v, u, spikes } = run(RS);
    for (const s of spikes) {
      expect(v[s + 1]).toBe(-65);
      expect(u[s + 1]! - u[s]!).toBeGreaterThan(8 - 0.5); // d, plus the small relaxation of u
    }
    expect(Math.max(...v)).toBeLessThan(30);
  });

  it('RS: tonic firing with spike-frequency adaptation', () => {
    const { spikes, isi } = run(RS);
    expect(spikes.length).toBeGreaterThanOrEqual(4);
    expect(spikes.length).toBeLessThanOrEqual(8);
    expect(isi[0]!).toBeLessThan(isi.at(-1)! * 0.75); // the first interval is clearly the shortest
    for (let k = 1; k < isi.length; k++) expect(isi[k]!).toBeGreaterThanOrEqual(isi[k - 1]! - 0.1);
    // Settles to a steady rhythm: the last intervals agree within 0.5 ms; no bursts.
    expect(Math.abs(isi.at(-1)! - isi.at(-2)!)).toBeLessThan(0.5);
    expect(Math.min(...isi)).toBeGreaterThan(10);
  });

  it('FS: fast tonic firing with little adaptation', () => {
    const { spikes, isi } = run(FS);
    expect(spikes.length).toBeGreaterThanOrEqual(20);
    const late = isi.slice(3);
    const mean = late.reduce((a, b) => a + b, 0) / late.length;
    expect(mean).toBeLessThan(10);
    for (const x of late) expect(Math.abs(x - mean)).toBeLessThan(0.1 * mean);
    // Several times the rate of RS under the same current.
    expect(spikes.length).toBeGreaterThan(3 * run(RS).spikes.length);
  });

  it('IB: an initial burst, then tonic single spikes', () => {
    const { spikes, isi } = run(IB);
    const short = isi.map((x) => x < 6);
    const burstLength = short.indexOf(false); // intervals inside the first burst
    expect(burstLength).toBeGreaterThanOrEqual(2); // a burst of at least 3 spikes
    // After the burst: only long intervals (single spikes), settling to a steady rhythm.
    const tail = isi.slice(burstLength);
    expect(tail.length).toBeGreaterThanOrEqual(3);
    for (const x of tail) expect(x).toBeGreaterThan(20);
    expect(Math.abs(tail.at(-1)! - tail.at(-2)!)).toBeLessThan(0.5);
    expect(spikes.length).toBeGreaterThanOrEqual(6);
  });

  it('CH: repeated high-frequency bursts separated by long pauses', () => {
    const { isi } = run(CH);
    // Split the train at long intervals into bursts.
    const bursts: number[][] = [[]];
    for (const x of isi) {
      if (x > 30) bursts.push([]);
      else bursts.at(-1)!.push(x);
    }
    expect(bursts.length).toBeGreaterThanOrEqual(3);
    for (const b of bursts) {
      expect(b.length).toBeGreaterThanOrEqual(2); // at least 3 spikes per burst
      for (const x of b) expect(x).toBeLessThan(8);
    }
  });

  it('stays at rest without input and fires more with more current', () => {
    const rest = run(RS, 0, '200 ms');
    expect(rest.spikes).toEqual([]);
    const counts = [5, 10, 20].map((I) => run(RS, I).spikes.length);
    expect(counts[0]!).toBeLessThan(counts[1]!);
    expect(counts[1]!).toBeLessThan(counts[2]!);
  });
});
