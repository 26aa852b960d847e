/**
 * compileEquationType: the API an editor calls as the user types. It never throws on what a
 * user writes; it returns a BlockDef or diagnostics with field, line and column. The
 * schemes are checked against the exact solution, the stochastic one against the
 * stationary variance of an Ornstein–Uhlenbeck process.
 */
import { describe, expect, it } from 'vitest';
import { compileEquationType } from '../../../src-shared/equations/compile-type.js';
import { EQUATION_LIMITS } from '../../../src-shared/equations/type-schema.js';
import { parseDocument } from '../../../src-shared/document/load.js';
import { runDoc } from '../../helpers/doc.js';

const DECAY = {
  category: 'neuron',
  params: { tau: { unit: 'ms', default: 5 }, V0: { unit: 'mV', default: 10 } },
  states: { V: { init: 'V0' } },
  equations: 'dV/dt = -V/tau : mV',
};

function diagnostics(type: unknown) {
  const r = compileEquationType('t', type);
  expect(r.def).toBeUndefined();
  return r.diagnostics;
}

/** V after 10 ms of dV/dt = -V/tau from 10 mV, stepped with dt = 0.5 ms by `method`. */
function decayed(method: string): number {
  const doc = parseDocument({
    format: 'spikeflow-project', version: 2, name: 'decay',
    run: { dt: '0.5 ms', duration: '10.5 ms', seed: 1 },
    types: { decay: { ...DECAY, method } },
    blocks: [{ id: 'n', type: 'decay', size: 1 }, { id: 'p', type: 'state-probe', params: { state: 'V' } }],
    edges: [{ from: 'n.V', to: 'p.target' }],
  });
  return runDoc(doc).traces.get('p')![0]![20]!;
}

describe('integration schemes', () => {
  const exact = 10 * Math.exp(-10 / 5);

  it('exact and exponential Euler are exact for a linear equation; RK4 nearly, RK2 less, Euler least', () => {
    const error = (m: string) => Math.abs(decayed(m) - exact);
    // Probes record in f32: 3e-7 is two f32 steps at 1.35 mV.
    expect(error('exact')).toBeLessThan(3e-7);
    expect(error('exponential_euler')).toBeLessThan(3e-7);
    expect(error('rk4')).toBeLessThan(1e-5);
    expect(error('rk2')).toBeLessThan(1e-2);
    expect(error('rk2')).toBeGreaterThan(error('rk4'));
    expect(error('euler')).toBeGreaterThan(error('rk2'));
  });

  it('exponential Euler is the default for linear equations, Euler for others', () => {
    expect(compileEquationType('t', DECAY).method).toBe('exponential_euler');
    // Non-linear through a subexpression.
    expect(compileEquationType('t', { ...DECAY, equations: 'cube = V**3/mV**2 : mV\ndV/dt = -cube/tau : mV' }).method).toBe('euler');
    expect(compileEquationType('t', { ...DECAY, equations: 'dV/dt = -V**3/(tau*mV**2) : mV' }).method).toBe('euler');
  });

  it('a method that does not apply is refused with the reason', () => {
    const cubic = { ...DECAY, equations: 'dV/dt = -V**3/(tau*mV**2) : mV', method: 'exponential_euler' };
    expect(diagnostics(cubic)).toEqual([{ field: 'method', line: 0, column: 0, message: expect.stringMatching(/dV\/dt is not linear in V: exponential_euler cannot step it/) }]);
    const coupled = { ...DECAY, equations: 'dV/dt = (u - V)/tau : mV\ndu/dt = -u/tau : mV', method: 'exact' };
    expect(diagnostics(coupled)[0]!.message).toMatch(/dV\/dt depends on u: "exact" needs linear equations with constant coefficients/);
  });

  it('white noise xi is integrated by Euler–Maruyama: an OU process reaches its stationary variance', () => {
    const ou = {
      category: 'neuron',
      params: { tau: { unit: 'ms', default: 10 }, sigma: { unit: 'mV', default: 2 } },
      equations: 'dV/dt = -V/tau + sigma*xi*(2/tau)**0.5 : mV',
    };
    const r = compileEquationType('ou', ou);
    expect(r.diagnostics).toEqual([]);
    expect(r.def!.integration).toBe('Euler–Maruyama');
    expect(r.def!.update.join('\n')).toMatch(/sqrt\(dt\) \* randn\(\)/);
    expect(diagnostics({ ...ou, method: 'rk4' })[0]!.message).toMatch(/white noise \(xi\).*Euler–Maruyama, method "euler"/);
    const doc = parseDocument({
      format: 'spikeflow-project', version: 2, name: 'ou', run: { dt: '0.1 ms', duration: '100 ms', seed: 4 },
      types: { ou },
      blocks: [{ id: 'n', type: 'ou', size: 4000 }, { id: 'p', type: 'state-probe', params: { state: 'V' } }],
      edges: [{ from: 'n.V', to: 'p.target' }],
    });
    const last = runDoc(doc).traces.get('p')!.map((ch) => ch[ch.length - 1]!);
    const mean = last.reduce((a, b) => a + b, 0) / last.length;
    const variance = last.reduce((a, b) => a + (b - mean) ** 2, 0) / (last.length - 1);
    // sigma² = 4 mV²; 4000 samples give a relative standard error of about 2 %.
    expect(Math.abs(mean)).toBeLessThan(0.15);
    expect(variance).toBeGreaterThan(4 * 0.9);
    expect(variance).toBeLessThan(4 * 1.1);
  });
});

describe('refractoriness', () => {
  /** Driven far above threshold; spikes limited only by refractoriness. */
  const DRIVEN = {
    category: 'neuron',
    params: { tau: { unit: 'ms', default: 1 }, tau_w: { unit: 'ms', default: 10 }, ref: { unit: 'ms', default: 3 } },
    equations: 'dV/dt = (100*mV - V)/tau : mV (unless refractory)\ndw/dt = -w/tau_w : 1',
    threshold: 'V > 10*mV',
    reset: 'V = 0*mV; w = 1',
  };

  function intervals(type: object): number[] {
    const doc = parseDocument({
      format: 'spikeflow-project', version: 2, name: 'ref', run: { dt: '0.1 ms', duration: '100 ms', seed: 1 },
      types: { driven: type },
      blocks: [{ id: 'n', type: 'driven', size: 1 }, { id: 'sp', type: 'spike-probe' }],
      edges: [{ from: 'n.spikes', to: 'sp.spikes' }],
    });
    const steps = runDoc(doc).spikes.get('sp')!.map(([s]) => s);
    expect(steps.length).toBeGreaterThan(3);
    return steps.slice(1).map((x, k) => x - steps[k]!);
  }

  it('a duration (a parameter) holds V and blocks spikes for round(ref/dt) steps', () => {
    const free = intervals(DRIVEN);
    const held = intervals({ ...DRIVEN, refractory: 'ref' });
    // Free: about 1 ms to climb from 0 to 10 mV at tau = 1 ms (ln(100/90)/… ≈ 0.11 ms → 2 steps).
    expect(Math.max(...free)).toBeLessThan(5);
    // Held for 30 steps after the spike step, then the same climb.
    for (const i of held) expect(i).toBe(free[0]! + 30);
    expect(intervals({ ...DRIVEN, refractory: '3 ms' })).toEqual(held);
  });

  it('a condition: refractory while it holds (here until w has decayed below 0.5: tau_w·ln 2)', () => {
    const held = intervals({ ...DRIVEN, refractory: 'w > 0.5' });
    for (const i of held) expect(i).toBeGreaterThanOrEqual(Math.floor(10 * Math.LN2 / 0.1));
    for (const i of held) expect(i).toBeLessThanOrEqual(Math.ceil(10 * Math.LN2 / 0.1) + 5);
  });

  it('a refractory period that is neither a time nor a condition is refused', () => {
    expect(diagnostics({ ...DRIVEN, refractory: 'w' })[0]).toMatchObject({ field: 'refractory', message: expect.stringMatching(/the refractory period "w" is dimensionless \(1\), expected a time \(ms\)/) });
  });
});

describe('diagnostics carry field, line and column', () => {
  it('a parse error points at the character', () => {
    expect(diagnostics({ ...DECAY, equations: '# decay\ndV/dt = -V/ : mV' })).toEqual([
      { field: 'equations', line: 2, column: 12, message: expect.stringMatching(/Expected expression/) },
    ]);
  });

  it('an equation without a unit, a state without an equation, a reset of a parameter', () => {
    expect(diagnostics({ ...DECAY, equations: 'dV/dt = -V/tau' })[0]).toMatchObject({ field: 'equations', line: 1, message: expect.stringMatching(/ends with ": unit"/) });
    expect(diagnostics({ ...DECAY, states: { V: { init: 'V0' }, u: { init: '0' } } })[0]).toMatchObject({ field: 'states.u', message: expect.stringMatching(/"u" has no differential equation/) });
    expect(diagnostics({ ...DECAY, reset: 'V = 0*mV; tau = 1*ms' })[0]).toMatchObject({ field: 'reset', line: 1, column: 11, message: '"tau" is not a state (states: V)' });
  });

  it('units: a reset of the wrong unit, a threshold that is not a condition, exp of a voltage', () => {
    expect(diagnostics({ ...DECAY, reset: 'V = tau' })[0]).toMatchObject({ field: 'reset', line: 1, column: 5, message: expect.stringMatching(/the value assigned to V "tau" is a time \(ms\), expected a voltage \(mV\)/) });
    expect(diagnostics({ ...DECAY, threshold: 'V - V0' })[0]!.message).toMatch(/the threshold must be a condition/);
    expect(diagnostics({ ...DECAY, equations: 'dV/dt = -V/tau * exp(V) : mV' })[0]).toMatchObject({ line: 1, column: 18, message: expect.stringMatching(/the argument of exp\(\) "V" is a voltage \(mV\), expected dimensionless/) });
  });

  it('a plain number added to a voltage is refused (only 0 goes with any unit, as in Brian2)', () => {
    expect(diagnostics({ ...DECAY, equations: 'dV/dt = -(V + 65)/tau : mV' })[0]!.message).toMatch(/the terms of "V \+ 65" do not agree: a voltage \(mV\) and dimensionless \(1\)/);
    expect(compileEquationType('t', { ...DECAY, equations: 'dV/dt = -(V + 65*mV)/tau : mV' }).diagnostics).toEqual([]);
  });

  it('limits: text size, nesting, names reserved or not names', () => {
    const deep = `dV/dt = ${'('.repeat(EQUATION_LIMITS.depth + 5)}-V${')'.repeat(EQUATION_LIMITS.depth + 5)}/tau : mV`;
    expect(diagnostics({ ...DECAY, equations: deep })[0]!.message).toMatch(/nested too deeply/);
    expect(diagnostics({ ...DECAY, equations: `dV/dt = -V/tau ${'+ 0*V '.repeat(EQUATION_LIMITS.nodes)}: mV` })[0]!.message).toMatch(/too long/);
    expect(diagnostics({ ...DECAY, equations: `dV/dt = ${'-'.repeat(15_000)}V/tau : mV` })[0]!.message).toMatch(/nested too deeply/);
    expect(diagnostics({ ...DECAY, equations: `dV/dt = (${Array(EQUATION_LIMITS.treeDepth + 10).fill('V').join(' + ')})/tau : mV` })[0]!.message).toMatch(/nested too deeply/);
    // Subexpressions doubling each other: refused, in no time, instead of growing 2^60-fold.
    const doubling = ['s0 = V : mV', ...Array.from({ length: 59 }, (_, i) => `s${i + 1} = s${i} + s${i} : mV`), 'dV/dt = -s59/tau : mV'];
    expect(diagnostics({ ...DECAY, equations: doubling.join('\n') })[0]!.message).toMatch(/too long once its subexpressions are substituted/);
    // RK4 repeats each right-hand side four times: the generated code has a budget too.
    // (subexpressions keep the text short: each right-hand side is about 1 800 terms once substituted)
    const many = Array.from({ length: 15 }, (_, i) => [
      `s${i} = ${Array(10).fill(`x${i}`).join(' + ')} : mV`,
      `a${i} = ${Array(90).fill(`s${i}`).join(' + ')} : mV`,
      `dx${i}/dt = -a${i}/(900*tau) : mV`,
    ].join('\n')).join('\n');
    expect(compileEquationType('t', { ...DECAY, states: {}, equations: many, method: 'euler' }).diagnostics).toEqual([]);
    expect(diagnostics({ ...DECAY, states: {}, equations: many, method: 'rk4' })[0]!.message).toMatch(/the generated code is too long/);
    // A long sum within the limits is fine.
    expect(compileEquationType('t', { ...DECAY, equations: `dV/dt = -(${Array(200).fill('V').join(' + ')})/tau : mV` }).diagnostics).toEqual([]);
    expect(diagnostics({ ...DECAY, equations: 'x'.repeat(EQUATION_LIMITS.textChars + 1) })[0]).toMatchObject({ field: 'equations', message: expect.stringMatching(/20000/) });
    expect(diagnostics({ ...DECAY, params: { ...DECAY.params, spike: { unit: 'mV', default: 0 } } })[0]!.message).toBe('"spike" is reserved');
    expect(diagnostics({ ...DECAY, params: { ...DECAY.params, exp: { unit: '', default: 0 } } })[0]!.message).toBe('"exp" is a built-in function');
  });

  it('never throws on what a user may send', () => {
    for (const input of [null, 42, 'text', [], {}, { category: 'neuron' }, { ...DECAY, equations: 'dV/dt = V.x : mV' }, { ...DECAY, equations: 'dV/dt = "a" : mV' }, { ...DECAY, params: { tau: { unit: 'furlong', default: 1 } } }]) {
      expect(() => compileEquationType('t', input)).not.toThrow();
      expect(compileEquationType('t', input).diagnostics.length).toBeGreaterThan(0);
    }
  });
});

describe('units of parameters and states', () => {
  it('a parameter keeps its declared unit; the code scales it to the internal one', () => {
    const r = compileEquationType('t', { ...DECAY, params: { ...DECAY.params, g: { unit: 'nS', default: 30 } }, equations: 'dV/dt = (-V/tau + g*V/pF) : mV' });
    expect(r.diagnostics).toEqual([]);
    expect(r.def!.params.g).toMatchObject({ kind: 'quantity', unit: 'nS', default: 30 });
    expect(r.def!.update[0]).toContain('g * 0.001');
  });

  it('a state declared in pA is held in nA, a plain initial value converted', () => {
    const r = compileEquationType('t', { ...DECAY, states: { V: { init: 'V0' }, w: { init: 50 } }, equations: 'dV/dt = -V/tau : mV\ndw/dt = -w/tau : pA' });
    expect(r.diagnostics).toEqual([]);
    expect(r.def!.states.w).toMatchObject({ unit: 'nA', init: '0.05' });
  });
});

describe('synapses', () => {
  const SYN = {
    category: 'synapse',
    params: { tau: { unit: 'ms', default: 5 }, E: { unit: 'mV', default: 0 } },
    equations: 'dg/dt = -g/tau : nS',
    on_pre: 'g += w',
    current: 'g * (E - V_post)',
    weight: { unit: 'nS', default: 2 },
  };

  it('state per postsynaptic neuron: on_pre adds the weight to a state; the weight in its internal unit', () => {
    const r = compileEquationType('s', SYN);
    expect(r.diagnostics).toEqual([]);
    expect(r.def!.synapse).toMatchObject({ stateOn: 'post', jump: 'g', weightUnit: 'µS', weightDefault: 0.002 });
  });

  it('a current that is not a current, or another on_pre, is refused', () => {
    expect(diagnostics({ ...SYN, current: 'g' })[0]).toMatchObject({ field: 'current', message: expect.stringMatching(/the current "g" is a conductance \(µS\), expected a current \(nA\)/) });
    expect(diagnostics({ ...SYN, on_pre: 'g = 0*nS' })[0]!.message).toMatch(/adds its weight to one state: "g \+= w"/);
  });

  it('state per presynaptic neuron: on_pre statements run on a spike, the current reads wsum', () => {
    const pre = {
      category: 'synapse', stateOn: 'pre',
      params: { tau: { unit: 'ms', default: 5 }, U: { unit: '', default: 0.2 }, E: { unit: 'mV', default: 0 } },
      equations: 'ds/dt = -s/tau : 1',
      on_pre: 's += U*(1 - s)',
      gather: 's',
      current: 'wsum * (E - V_post)',
      weight: { unit: 'uS', default: 0.01 },
    };
    const r = compileEquationType('f', pre);
    expect(r.diagnostics).toEqual([]);
    expect(r.def!.update.at(-1)).toBe('s = spike_in ? s + U * (1 - s) : s');
    expect(r.def!.synapse).toMatchObject({ stateOn: 'pre', gather: 's', weightUnit: 'µS' });
  });
});
