/**
 * Pair-based STDP (assets/docs/models.md, "Plasticity"), checked against closed-form sums
 * over the pre- and postsynaptic spike steps, in double precision, written here without the
 * engine's code: all-to-all additive (Song et al. 2000), nearest-spike, and multiplicative
 * (soft bounds). Within a step on_pre runs before on_post, so a pre and a post spike of the
 * same step count as pre-before-post (Δt = 0, potentiation).
 */
import { describe, expect, it } from 'vitest';
import { makeDoc, runDoc } from '../../helpers/doc.js';
import { DT, runPlastic } from './plastic-helpers.js';

const W_MAX = 0.01;
const A_PRE = 0.01;
const A_POST = -0.0105;
const TAU = 20;
const W0 = Math.fround(0.005); // initial weights are stored as f32 (the plan's rows)
const e = (steps: number) => Math.exp(-(steps * DT) / TAU);

/** All-to-all additive STDP without reaching a bound: every pair contributes. */
function allToAll(pre: number[], post: number[]): number {
  let w = W0;
  for (const f of post) for (const k of pre) if (k <= f) w += A_PRE * W_MAX * e(f - k);
  for (const k of pre) for (const f of post) if (f < k) w += A_POST * W_MAX * e(k - f);
  return w;
}

/** Nearest-spike: each spike pairs with the latest earlier spike of the other side only. */
function nearest(pre: number[], post: number[]): number {
  let w = W0;
  for (const f of post) { const k = Math.max(...pre.filter((x) => x <= f)); if (Number.isFinite(k)) w += A_PRE * W_MAX * e(f - k); }
  for (const k of pre) { const f = Math.max(...post.filter((x) => x < k)); if (Number.isFinite(f)) w += A_POST * W_MAX * e(k - f); }
  return w;
}

const PRE = [[50, 400, 420, 900], [130, 300, 610], [200, 260, 700]];
const POST = [100, 300, 450, 620, 950];

describe('pair-based STDP', () => {
  it('one pairing: potentiation A_pre·w_max·e^(−Δt/τ) before, depression A_post·w_max·e^(−Δt/τ) after', () => {
    const { weights, postSteps } = runPlastic('stdp', {}, [[100], [300]], [200], W0, 400);
    expect(postSteps).toEqual([200]);
    expect(weights[0]).toBeCloseTo(W0 + A_PRE * W_MAX * e(100), 14);
    expect(weights[1]).toBeCloseTo(W0 + A_POST * W_MAX * e(100), 14);
  });

  it('all-to-all, additive: the sum over all pairs', () => {
    const { weights, postSteps } = runPlastic('stdp', {}, PRE, POST, W0, 1000);
    expect(postSteps).toEqual(POST);
    PRE.forEach((pre, i) => expect(weights[i], `connection ${i}`).toBeCloseTo(allToAll(pre, POST), 14));
  });

  it('same step: on_pre before on_post, so the pair potentiates with Δt = 0', () => {
    const { weights } = runPlastic('stdp', {}, [[300]], [300], W0, 400);
    expect(weights[0]).toBeCloseTo(W0 + A_PRE * W_MAX, 14);
  });

  it('nearest-spike: only the latest earlier spike of the other side', () => {
    const { weights } = runPlastic('stdp', { pairing: 'nearest' }, PRE, POST, W0, 1000);
    PRE.forEach((pre, i) => expect(weights[i], `connection ${i}`).toBeCloseTo(nearest(pre, POST), 14));
    expect(nearest(PRE[0]!, POST)).not.toBeCloseTo(allToAll(PRE[0]!, POST), 8); // the protocols differ
  });

  it('hard bounds: w stays in [0, w_max]', () => {
    const many = Array.from({ length: 40 }, (_, k) => 100 + 50 * k);
    const up = runPlastic('stdp', { A_pre: 0.5 }, [many.map((s) => s - 5)], many, 0.009, 2200);
    expect(up.weights[0]).toBe(W_MAX);
    const down = runPlastic('stdp', { A_post: -0.5 }, [many.map((s) => s + 5)], many, 0.001, 2200);
    expect(down.weights[0]).toBe(0);
  });

  it('multiplicative: LTP ∝ (w_max − w), LTD ∝ w', () => {
    const { weights } = runPlastic('stdp', { weight_dependence: 'multiplicative' }, [[100], [300]], [200], 0.008, 400);
    const w0 = Math.fround(0.008);
    expect(weights[0]).toBeCloseTo(w0 + A_PRE * (W_MAX - w0) * e(100), 14);
    expect(weights[1]).toBeCloseTo(w0 + A_POST * w0 * e(100), 14);
  });
});

describe('weight probe', () => {
  it('a state probe of w records chosen connections over time (sample k: after step k − 1)', () => {
    const out = runDoc(makeDoc([
      { id: 'pre', type: 'spike-times', size: 2, params: { spikes: [[0, '10 ms'], [1, '30 ms']] } },
      { id: 'syn', type: 'stdp', connection: { rule: 'all-to-all', weight: '0.005 uS' } },
      { id: 'drive', type: 'spike-times', size: 1, params: { spikes: [[0, '20 ms']] } },
      { id: 'kick', type: 'delta', connection: { rule: 'all-to-all', weight: '30 mV' } },
      { id: 'cell', type: 'lif', size: 1 },
      { id: 'W', type: 'state-probe', params: { state: 'w', neurons: [1, 0] } },
    ], ['pre.spikes -> syn.pre', 'syn.post -> cell.I', 'drive.spikes -> kick.pre', 'kick.post -> cell.J', 'syn.post -> W.target'], { duration: '40 ms' }));
    const [w1, w0] = out.traces.get('W')! as [number[], number[]];
    const f32 = (x: number) => Math.fround(x);
    expect(out.plan.probes[0]).toMatchObject({ kind: 'state', state: 'w', unit: 'µS', connections: true });
    expect(w0.slice(0, 201).every((x) => x === f32(W0))).toBe(true); // before the post spike of step 200
    expect(w0[201]).toBe(f32(W0 + A_PRE * W_MAX * e(100))); // potentiated in step 200 (recordings are f32)
    expect(w1.slice(0, 301).every((x) => x === f32(W0))).toBe(true);
    expect(w1[301]).toBe(f32(W0 + A_POST * W_MAX * e(100))); // depressed at the arrival of step 300
  });

  it('names a connection index out of range', () => {
    expect(() => runDoc(makeDoc([
      { id: 'pre', type: 'spike-times', size: 2, params: { spikes: [] } },
      { id: 'syn', type: 'stdp', connection: { rule: 'one-to-one', weight: '0.005 uS' } },
      { id: 'cell', type: 'lif', size: 2 },
      { id: 'W', type: 'state-probe', params: { state: 'a_pre', neurons: [2] } },
    ], ['pre.spikes -> syn.pre', 'syn.post -> cell.I', 'syn.post -> W.target']))).toThrow(/connection 2 is out of range: "syn" has 2 connections/);
  });
});
