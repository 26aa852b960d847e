/**
 * Units of update code are checked at compile time: every built-in block passes, and a
 * built-in with a dropped factor (`/ C`, `R *`) or a wrong scale is refused with the block,
 * the line, the expression and both units in the message.
 */
import { describe, expect, it } from 'vitest';
import { BLOCKS, blockDef } from '../../../kernels/index.js';
import type { BlockDef } from '../../../kernels/types.js';
import { checkedCurrent, checkedInit, checkedUpdate } from '../../../src-main/compiler/block-code.js';
import { inlineFunctions } from '../../../src-shared/expr/check.js';
import { parseStatement } from '../../../src-shared/expr/parse.js';

/** The update code parsed with helper functions inlined, and nothing else done to it. */
function parseOnly(def: BlockDef) {
  return def.update.map((l) => {
    const s = parseStatement(l);
    return { target: s.target, expr: inlineFunctions(s.expr, def.functions ?? {}) };
  });
}

function variantsOf(def: BlockDef): Array<string | undefined> {
  const p = def.synapse?.variantParam ? def.params[def.synapse.variantParam] : undefined;
  return p?.kind === 'enum' ? [...p.values] : [undefined];
}

/** A copy of a built-in with one update line replaced. */
function mutated(type: string, from: string, to: string): BlockDef {
  const def = blockDef(type)!;
  const update = def.update.map((l) => l.replace(from, to));
  expect(update, `${type}: "${from}" occurs in the update code`).not.toEqual(def.update);
  return { ...def, update };
}

describe('units of built-in blocks', () => {
  for (const def of BLOCKS) {
    it(`${def.type} passes`, () => {
      for (const variant of variantsOf(def)) {
        expect(() => checkedUpdate(def, variant), `variant ${variant}`).not.toThrow();
        if (def.synapse) expect(() => checkedCurrent(def, variant), `variant ${variant}`).not.toThrow();
        for (const state of Object.keys(def.states)) expect(() => checkedInit(def, state, variant), `init of ${state}`).not.toThrow();
      }
    });
  }
});

describe('a dropped factor is refused', () => {
  it('Izhikevich without / C: a current added to a voltage rate', () => {
    const def = mutated('izhikevich', 'I / C', 'I');
    expect(() => checkedUpdate(def)).toThrow(/izhikevich: update line 2 .*v = v \+ dt.*a voltage per time \(mV\/ms\).*a current \(nA\)|izhikevich: update line 2 .*a current \(nA\).*a voltage per time/);
  });

  it('HH without / G in V_inf: the target of exp_euler is a current, V a voltage', () => {
    const def = mutated('hh', 'V_inf = (gna * ENa + gk * EK + gL * EL + I) / G', 'V_inf = gna * ENa + gk * EK + gL * EL + I');
    expect(() => checkedUpdate(def)).toThrow(/hh: update line 15 "V = exp_euler\(V, V_inf, C \/ G\)".*a voltage \(mV\).*a current \(nA\)/);
  });

  it('LIF without R *: a current added to a voltage', () => {
    const def = mutated('lif', 'V_rest + R * I', 'V_rest + I');
    expect(() => checkedUpdate(def)).toThrow(/lif: update line 1 "V_inf = V_rest \+ I".*"V_rest \+ I".*a voltage \(mV\) and a current \(nA\)/);
  });

  it('a conductance in nS times a voltage is pA: adding the neuron input in nA needs the factor', () => {
    const base = blockDef('lif')!;
    const def: BlockDef = {
      ...base,
      params: { ...base.params, gL: { kind: 'quantity', unit: 'nS', default: 10, doc: 'leak' } },
      update: ['V_inf = V_rest + (gL * (V_rest - V) + I) / gL', ...base.update.slice(1)],
    };
    expect(() => checkedUpdate(def)).toThrow(/different units: pA and nA.*multiply by the factor/);
    const fixed = { ...def, update: ['V_inf = V_rest + (gL * (V_rest - V) / 1000 + I) / gL * 1000', ...base.update.slice(1)] };
    expect(() => checkedUpdate(fixed)).not.toThrow();
  });

  it('an initial value of another unit is refused (Izhikevich u starting at b instead of b·v)', () => {
    const def = blockDef('izhikevich')!;
    const bad: BlockDef = { ...def, states: { ...def.states, u: { ...def.states.u!, init: 'b' } } };
    expect(() => checkedInit(bad, 'u')).toThrow(/izhikevich: init of "u": the initial value of u "b" is a rate \(1\/ms\), expected a voltage per time \(mV\/ms\)/);
  });

  it('exp() of a voltage is refused', () => {
    const def = mutated('hh', 'bn = beta_n(V)', 'bn = exp(V)');
    expect(() => checkedUpdate(def)).toThrow(/the argument of exp\(\) "V" is a voltage \(mV\), expected dimensionless/);
  });

  it('Poisson without / 1000 is off by the factor between Hz·ms and 1', () => {
    const def = mutated('poisson', 'rate * dt / 1000', 'rate * dt');
    expect(() => checkedUpdate(def)).toThrow(/bernoulli\(\) "rate \* dt" is in 0.001 × 1, expected 1|probability of bernoulli\(\) "rate \* dt" is in/);
  });

  it('a synapse current that is not a current is refused', () => {
    const def = blockDef('ampa')!;
    const bad: BlockDef = { ...def, synapse: { ...def.synapse!, current: 'wsum' } };
    expect(() => checkedCurrent(bad, undefined)).toThrow(/ampa: synapse current: the current "wsum" is a conductance \(µS\), expected a current \(nA\)/);
  });

});

describe('unit names in code', () => {
  it('vanish before printing: Izhikevich and HH print the trees they printed without units', () => {
    const izh = blockDef('izhikevich')!;
    const plain = { ...izh, update: izh.update.map((l) => l.replace('0.04 / mV / ms * v * v + 5 / ms * v + 140 * mV / ms', '0.04 * v * v + 5 * v + 140')) };
    expect(plain.update).not.toEqual(izh.update);
    expect(checkedUpdate(izh)).toEqual(parseOnly(plain));
    const hh = blockDef('hh')!;
    const unitless: Record<string, string> = {
      alpha_m: '0.1 * vtrap(-(V + 40), 10)', beta_m: '4 * exp(-(V + 65) / 18)',
      alpha_h: '0.07 * exp(-(V + 65) / 20)', beta_h: '1 / (1 + exp(-(V + 35) / 10))',
      alpha_n: '0.01 * vtrap(-(V + 55), 10)', beta_n: '0.125 * exp(-(V + 65) / 80)',
    };
    const functions = Object.fromEntries(Object.entries(hh.functions!).map(([k, f]) => [k, { ...f, body: unitless[k]! }]));
    expect(checkedUpdate(hh)).toEqual(parseOnly({ ...hh, functions }));
  });

  it('a unit other than 1 becomes its number in internal units (500 pA is 0.5 nA)', () => {
    const base = blockDef('lif')!;
    const def: BlockDef = { ...base, update: ['V_inf = V_rest + R * (I + 500 * pA)', ...base.update.slice(1)] };
    expect(checkedUpdate(def)[0]!.expr).toEqual(parseOnly({ ...def, update: ['V_inf = V_rest + R * (I + 0.5)'] })[0]!.expr);
  });
});
