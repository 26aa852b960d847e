/**
 * Parameters that vary per neuron (src-main/compiler/heterogeneity.ts, draw-values.ts,
 * value-expression.ts): drawn values have their distribution's law, expressions share one
 * r per neuron, units are checked and named, bounds hold per neuron, and a parameter that
 * does not vary stays a folded constant.
 */
import { describe, expect, it } from 'vitest';
import { compile } from '../../src-main/compiler/compile.js';
import { CompileError } from '../../src-main/compiler/diagnostics.js';
import { parseValueExpression } from '../../src-main/compiler/value-expression.js';
import { HostRandom, streamOf } from '../../src-main/compiler/host-random.js';
import { evaluate } from '../../src-shared/expr/evaluate.js';
import { makeDoc } from '../helpers/doc.js';

const N = 4000;

/** A population of `type` with the given parameters, driven so that no warning interferes. */
function population(type: string, params: Record<string, unknown>, size = N, seed = 5) {
  const doc = makeDoc([{ id: 'pop', type, size, params }, { id: 'sp', type: 'spike-probe' }], ['pop.spikes->sp.spikes'], { seed });
  return compile(doc).blocks.find((b) => b.id === 'pop')!;
}

function compileError(type: string, params: Record<string, unknown>): CompileError {
  try {
    population(type, params, 10);
  } catch (e) {
    if (e instanceof CompileError) return e;
    throw e;
  }
  throw new Error('compiled without an error');
}

/** Kolmogorov–Smirnov statistic of `xs` against the CDF `F`. */
function ks(xs: ArrayLike<number>, F: (x: number) => number): number {
  const s = Array.from(xs).sort((a, b) => a - b);
  let d = 0;
  s.forEach((x, k) => { d = Math.max(d, Math.abs(F(x) - k / s.length), Math.abs(F(x) - (k + 1) / s.length)); });
  return d;
}

/** The 0.1 % critical value of the one-sample KS statistic: a correct sampler fails once in 1000 seeds. */
const KS_CRITICAL = 1.95 / Math.sqrt(N);

/** Standard normal CDF (Abramowitz & Stegun 7.1.26 erf, |error| < 1.5e-7: far below KS_CRITICAL). */
function phi(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const erf = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-x * x);
  return z >= 0 ? (1 + erf) / 2 : (1 - erf) / 2;
}

describe('per-neuron parameters: distributions', () => {
  it('normal: the drawn values pass a KS test against N(mean, sd) in the parameter unit', () => {
    const b = population('lif', { tau: { dist: 'normal', mean: '20 ms', sd: '0.003 s' } });
    const v = b.varying!.tau!;
    expect(v.length).toBe(N);
    expect(b.params.tau).toBeUndefined();
    expect(ks(v, (x) => phi((x - 20) / 3))).toBeLessThan(KS_CRITICAL);
  });

  it('uniform and lognormal: KS against their laws; lognormal has the mean and sd asked for', () => {
    const u = population('lif', { V_th: { dist: 'uniform', low: '-55 mV', high: '-45 mV' } }).varying!.V_th!;
    expect(ks(u, (x) => Math.min(1, Math.max(0, (x + 55) / 10)))).toBeLessThan(KS_CRITICAL);
    const l = population('lif', { tau: { dist: 'lognormal', mean: '10 ms', sd: '5 ms' } }).varying!.tau!;
    const sigma = Math.sqrt(Math.log(1 + 0.25));
    const mu = Math.log(10) - sigma * sigma / 2;
    expect(ks(l, (x) => phi((Math.log(x) - mu) / sigma))).toBeLessThan(KS_CRITICAL);
  });

  it('normal truncated to [low, high] is redrawn, not clipped: no mass piles up at the bounds', () => {
    const v = population('lif', { tau: { dist: 'normal', mean: '10 ms', sd: '4 ms', low: '8 ms', high: '14 ms' } }).varying!.tau!;
    expect(Math.min(...v)).toBeGreaterThanOrEqual(8);
    expect(Math.max(...v)).toBeLessThanOrEqual(14);
    expect(v.filter((x) => x === 8 || x === 14).length).toBe(0);
    const a = phi(-0.5);
    const z = phi(1) - a;
    expect(ks(v, (x) => (phi((x - 10) / 4) - a) / z)).toBeLessThan(KS_CRITICAL);
  });

  it('the same seed draws the same values, another seed others; a parameter given as a value stays a folded constant', () => {
    const spec = { tau: { dist: 'normal', mean: '20 ms', sd: '3 ms' }, V_th: '-52 mV' };
    const a = population('lif', spec, 100, 1);
    expect(population('lif', spec, 100, 1).varying!.tau).toEqual(a.varying!.tau);
    expect(population('lif', spec, 100, 2).varying!.tau).not.toEqual(a.varying!.tau);
    expect(a.params.V_th).toBe(-52);
    expect(Object.keys(a.varying!)).toEqual(['tau']);
  });

  it('a value that comes out the same for every neuron is a scalar (the fast path)', () => {
    const b = population('lif', { tau: { expr: '0.02 s' }, V_th: { dist: 'uniform', low: '-50 mV', high: '-50 mV' } }, 50);
    expect(b.varying).toBeUndefined();
    expect(b.params.tau).toBe(20);
    expect(b.params.V_th).toBe(-50);
  });

  it('V0 follows a varying V_rest when it is not given (its default)', () => {
    const b = population('lif', { V_rest: { dist: 'uniform', low: '-70 mV', high: '-60 mV' } }, 20);
    expect(b.varying!.V0).toEqual(b.varying!.V_rest);
    expect(Array.from(b.states.find((s) => s.name === 'V')!.init)).toEqual(Array.from(b.varying!.V_rest!));
  });
});

describe('per-neuron parameters: expressions', () => {
  it('Izhikevich (2003): c and d read the same r per neuron; u starts at b·v per neuron', () => {
    const b = population('izhikevich', {
      c: { expr: '-65 mV + 15 mV * r^2' },
      d: { expr: '8 mV/ms - 6 mV/ms * r**2' },
      b: { expr: '0.25/ms - 0.05/ms * r' },
    }, 1000);
    const { c, d, b: bb } = b.varying!;
    for (let k = 0; k < 1000; k++) {
      const r2 = (c![k]! + 65) / 15;
      expect(d![k]).toBeCloseTo(8 - 6 * r2, 9);
      expect(bb![k]).toBeCloseTo(0.25 - 0.05 * Math.sqrt(r2), 9);
    }
    // r is uniform in [0, 1): c's values are −65 + 15·U² (KS on √((c + 65)/15)).
    expect(ks(Array.from(c!, (x) => Math.sqrt((x + 65) / 15)), (x) => x)).toBeLessThan(1.95 / Math.sqrt(1000));
    const u = b.states.find((s) => s.name === 'u')!.init;
    for (let k = 0; k < 1000; k++) expect(u[k]).toBeCloseTo(bb![k]! * -65, 9);
  });

  it('r of a neuron is element k of the stream r:<block>: growing the block keeps the values of its first neurons', () => {
    const spec = { c: { expr: '-65 mV + 15 mV * r^2' } };
    const small = population('izhikevich', spec, 10).varying!.c!;
    const large = population('izhikevich', spec, 20).varying!.c!;
    expect(Array.from(large.subarray(0, 10))).toEqual(Array.from(small));
    const r = Array.from({ length: 10 }, (_, k) => new HostRandom(5, streamOf('r:pop'), k).uniform());
    expect(Array.from(small)).toEqual(r.map((x) => -65 + 15 * x ** 2));
  });

  it('reads i and N, converts units, and a unit-less expression is in the parameter unit', () => {
    const b = population('lif', { V_th: { expr: '-60 mV + 0.01 V * i / N' }, tau: { expr: '5 + i' } }, 10);
    expect(Array.from(b.varying!.V_th!)).toEqual(Array.from({ length: 10 }, (_, i) => -60 + (10 * i) / 10));
    expect(Array.from(b.varying!.tau!)).toEqual(Array.from({ length: 10 }, (_, i) => 5 + i));
  });

  it('a rate in Hz: "100 Hz * (1 + i)" gives 100, 200… Hz', () => {
    const b = population('poisson', { rate: { expr: '100 Hz * (1 + i)' } }, 3);
    expect(Array.from(b.varying!.rate!)).toEqual([100, 200, 300]);
  });

  it('a wrong unit is refused naming the block and the parameter', () => {
    const e = compileError('izhikevich', { c: { expr: '-65 mV + 15 ms * r^2' } });
    expect(e.diagnostics[0]).toMatchObject({ block: 'pop', field: 'parameter "c"' });
    expect(e.diagnostics[0]!.message).toMatch(/cannot add ms to mV/);
    const f = compileError('lif', { tau: { expr: '10 mV * r' } });
    expect(f.diagnostics[0]).toMatchObject({ block: 'pop', field: 'parameter "tau"' });
    expect(f.diagnostics[0]!.message).toMatch(/"10 mV \* r" is in mV, expected the unit of ms/);
  });

  it('unknown names, exp of a quantity and bad distributions are refused by name', () => {
    expect(compileError('lif', { tau: { expr: '10 ms * q' } }).diagnostics[0]!.message).toMatch(/unknown name "q"/);
    expect(compileError('lif', { tau: { expr: '10 ms * exp(1 ms)' } }).diagnostics[0]!.message).toMatch(/exp takes a plain number/);
    expect(compileError('lif', { tau: { dist: 'gamma', k: 1 } }).diagnostics[0]).toMatchObject({ field: 'parameter "tau"' });
    expect(compileError('lif', { tau: { dist: 'normal', mean: '10 mV', sd: '1 ms' } }).diagnostics[0]!.message).toMatch(/voltage/);
  });

  it('every drawn value is checked against the bounds, naming the neuron', () => {
    const e = compileError('lif', { tau: { expr: '10 ms - 2 ms * i' } });
    expect(e.diagnostics[0]).toMatchObject({ block: 'pop', field: 'parameter "tau"' });
    expect(e.diagnostics[0]!.message).toMatch(/neuron 5, 0, must be greater than 0 ms/);
  });

  it('a probability that varies is checked per neuron (a Poisson rate above 1/dt)', () => {
    const e = compileError('poisson', { rate: { expr: '2 kHz * i' } });
    expect(e.diagnostics.map((d) => d.message).join('\n')).toMatch(/neuron 6 gets a probability of 1\.2 per step/);
  });

  it('a block that is not a population refuses a distribution', () => {
    const doc = makeDoc([
      { id: 'src', type: 'poisson', size: 2 },
      { id: 'syn', type: 'exponential', params: { tau: { dist: 'normal', mean: '5 ms', sd: '1 ms' } } },
      { id: 'post', type: 'lif', size: 2 },
    ], ['src.spikes->syn.pre', 'syn.post->post.I']);
    expect(() => compile(doc)).toThrow(/block "syn", parameter "tau": .*only populations/);
  });
});

describe('value expressions (value-expression.ts)', () => {
  const value = (text: string, unit: string, env: Record<string, number> = {}) => {
    const e = parseValueExpression(text, unit, Object.keys(env));
    return (evaluate(e.expr, new Map(Object.entries(env))) as number) * e.toTarget;
  };
  it('juxtaposed units, compound units, powers and conditionals', () => {
    expect(value('-65 mV + 15 mV * r^2', 'mV', { r: 0.5 })).toBe(-65 + 15 * 0.25);
    expect(value('8 mV/ms', 'mV/ms')).toBe(8);
    expect(value('2 nS * 3 mV', 'nA')).toBeCloseTo(6e-3, 15);
    expect(value('i < 2 ? 1 nA : 500 pA', 'nA', { i: 3 })).toBe(0.5);
    expect(value('sqrt(4 mV^2)', 'mV')).toBe(2);
    expect(value('1 / (10 ms)', 'Hz')).toBe(100);
    expect(value('1e3 ms', 's')).toBe(1);
  });
  it('-x^2 is refused as ambiguous; ^ and ** cannot be mixed', () => {
    expect(() => parseValueExpression('-r^2', '', ['r'])).toThrow(/ambiguous/);
    expect(() => parseValueExpression('r^2 + r**2', '', ['r'])).toThrow(/either/);
  });
});

describe('per-connection weights and delays', () => {
  const net = (connection: Record<string, unknown>, nPre = 20, nPost = 30, dt = '0.1 ms') => compile(makeDoc([
    { id: 'src', type: 'poisson', size: nPre },
    { id: 'syn', type: 'exponential', params: { output: 'current' }, connection },
    { id: 'post', type: 'lif', size: nPost },
  ], ['src.spikes->syn.pre', 'syn.post->post.I'], { dt, seed: 4 })).projections[0]!;

  /** (i, j, w, lag) of every connection, from the presynaptic rows. */
  const connections = (p: ReturnType<typeof net>) => {
    const out: Array<[number, number, number, number]> = [];
    for (let i = 0; i < p.nPre; i++) {
      for (let c = p.byPre.ptr[i]!; c < p.byPre.ptr[i + 1]!; c++) out.push([i, p.byPre.idx[c]!, p.byPre.w[c]!, p.byPre.lag ? p.byPre.lag[c]! : p.lag]);
    }
    return out;
  };

  it('weights from an expression of i, j, N_pre and N_post', () => {
    const p = net({ rule: 'all-to-all', weight: { expr: '1 nA * i + 0.001 uA * j / N_pre * (N_post / 30)' } });
    expect(p.uniformWeight).toBeUndefined();
    for (const [i, j, w] of connections(p)) expect(w).toBe(Math.fround(i + j / 20));
  });

  it('delays per connection are whole steps of their drawn value, and share r with the weight', () => {
    const p = net({ rule: 'fixed-probability', p: 0.3, weight: { expr: '2 nA * r' }, delay: { expr: '0.5 ms + 4 ms * r' } });
    const list = connections(p);
    expect(list.length).toBeGreaterThan(100);
    for (const [, , w, lag] of list) {
      const r = w / 2; // f32 of 2·r: the lag is rounded from the double r, so allow the f32 error
      expect(Math.abs(lag - (5 + 40 * r))).toBeLessThanOrEqual(0.5 + 1e-5);
    }
    expect(p.lag).toBe(Math.min(...list.map((c) => c[3])));
    expect(p.maxLag).toBe(Math.max(...list.map((c) => c[3])));
  });

  it('a delay distribution draws per connection; the same delay for all stays the fast path', () => {
    const p = net({ rule: 'all-to-all', delay: { dist: 'uniform', low: '1 ms', high: '3 ms' } });
    const lags = connections(p).map((c) => c[3]);
    expect(new Set(lags).size).toBe(21);
    expect(Math.min(...lags)).toBe(10);
    expect(Math.max(...lags)).toBe(30);
    const same = net({ rule: 'all-to-all', delay: { expr: '2 ms' } });
    expect(same.maxLag).toBeUndefined();
    expect(same.byPre.lag).toBeUndefined();
    expect(same.lag).toBe(20);
  });

  it('the pairs rule takes [pre, post, w, d], others take the connection weight and delay', () => {
    const p = net({ rule: 'pairs', pairs: [[0, 1, '3 nA', '1.25 ms'], [2, 3, '0.5 nA'], [4, 5]], weight: '1 nA', delay: '0.3 ms' });
    expect(connections(p)).toEqual([[0, 1, 3, 13], [2, 3, 0.5, 3], [4, 5, 1, 3]]);
  });

  it('refuses a negative delay, a wrong unit and a kinetic synapse with delays per connection, naming the synapse', () => {
    expect(() => net({ rule: 'all-to-all', delay: { expr: '1 ms - 1 ms * i' } })).toThrow(/block "syn", connection: .*must not be negative/);
    expect(() => net({ rule: 'all-to-all', weight: { expr: '1 mV * r' } })).toThrow(/block "syn", connection: .*expected the unit of nA/);
    const kinetic = makeDoc([
      { id: 'src', type: 'poisson', size: 2 },
      { id: 'syn', type: 'ampa', connection: { rule: 'all-to-all', delay: { dist: 'uniform', low: '1 ms', high: '2 ms' } } },
      { id: 'post', type: 'lif', size: 2 },
    ], ['src.spikes->syn.pre', 'syn.post->post.I']);
    expect(() => compile(kinetic)).toThrow(/block "syn", connection: delays per connection need a synapse with its state per postsynaptic neuron/);
  });
});
