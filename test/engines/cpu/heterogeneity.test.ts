/**
 * Per-neuron parameters on the CPU engine: every neuron of a heterogeneous population fires
 * at the rate of the closed-form f–I relation for its own parameters, computes exactly what
 * a population with its values as constants computes, and populations whose parameters do
 * not vary keep the generated code of the fast path.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { blockDef } from '../../../kernels/index.js';
import { compile } from '../../../src-main/compiler/compile.js';
import { Simulation } from '../../../src-main/engines/cpu/simulation.js';
import { generateStep } from '../../../src-main/engines/cpu/codegen.js';
import { parseDocument } from '../../../src-shared/document/load.js';
import type { ProjectDocument } from '../../../src-shared/document/schema.js';
import { EXAMPLES } from '../../helpers/cli.js';
import { collectChunks, makeDoc } from '../../helpers/doc.js';

describe('heterogeneous populations on the CPU engine', () => {
  it('LIF pacemakers: each neuron fires at the closed-form rate of its own V_rest, tau and tau_ref', () => {
    const dt = 0.01;
    const N = 60;
    const doc = makeDoc([
      {
        id: 'pop', type: 'lif', size: N,
        params: {
          V_rest: { dist: 'uniform', low: '-45 mV', high: '-20 mV' },
          tau: { dist: 'normal', mean: '10 ms', sd: '3 ms', low: '4 ms', high: '16 ms' },
          tau_ref: { expr: '1 ms + 2 ms * r' },
          V_reset: '-65 mV', V_th: '-50 mV',
        },
      },
      { id: 'sp', type: 'spike-probe' },
    ], ['pop.spikes->sp.spikes'], { dt: `${dt} ms`, duration: '300 ms', seed: 11 });
    const plan = compile(doc);
    const b = plan.blocks.find((x) => x.id === 'pop')!;
    expect(Object.keys(b.varying!).sort()).toEqual(['V0', 'V_rest', 'tau', 'tau_ref']);
    const sim = new Simulation(plan);
    sim.advance(plan.steps);
    const spikes = collectChunks(sim.drain()).spikes.get('sp')!;
    let checked = 0;
    for (let k = 0; k < N; k++) {
      const steps = spikes.filter(([, n]) => n === k).map(([s]) => s);
      const vRest = b.varying!.V_rest![k]!;
      const tau = b.varying!.tau![k]!;
      const refSteps = Math.round(b.varying!.tau_ref![k]! / dt);
      // Exponential Euler is exact for a constant V_inf: after the hold V reaches V_th after
      // T = tau·ln((V_inf − V_reset)/(V_inf − V_th)), first seen at the end of step ⌈T/dt⌉.
      const free = (tau * Math.log((vRest + 65) / (vRest + 50))) / dt;
      if (Math.abs(free - Math.round(free)) < 1e-6) continue; // on a step boundary: rounding decides
      const isi = refSteps + Math.ceil(free);
      expect(steps.length, `neuron ${k}`).toBeGreaterThan(3);
      for (let q = 1; q < steps.length; q++) expect(steps[q]! - steps[q - 1]!, `neuron ${k}, interval ${q}`).toBe(isi);
      // The rate of the f–I relation, f = 1/(tau_ref + T), to the step.
      const rate = (steps.length - 1) / ((steps.at(-1)! - steps[0]!) * dt * 1e-3);
      expect(Math.abs(rate - 1000 / (refSteps * dt + tau * Math.log((vRest + 65) / (vRest + 50)))) / rate).toBeLessThan(dt / (isi * dt));
      checked++;
    }
    expect(checked).toBeGreaterThan(N - 3);
  });

  it('a neuron of a heterogeneous Izhikevich population computes bit for bit what the same neuron with constant parameters computes', () => {
    const N = 12;
    const params = {
      a: { expr: '0.02/ms + 0.08/ms * r' },
      b: { expr: '0.25/ms - 0.05/ms * r' },
      c: { expr: '-65 mV + 15 mV * r^2' },
      d: { expr: '8 mV/ms - 6 mV/ms * r^2' },
    };
    const net = (p: Record<string, unknown>, size: number) => makeDoc([
      { id: 'drive', type: 'constant-current', params: { amplitude: '12 nA' } },
      { id: 'pop', type: 'izhikevich', size, params: p },
      { id: 'v', type: 'state-probe', params: { state: 'v' } },
      { id: 'sp', type: 'spike-probe' },
    ], ['drive.I->pop.I', 'pop.v->v.target', 'pop.spikes->sp.spikes'], { duration: '200 ms', seed: 3 });
    const run = (d: ProjectDocument) => {
      const plan = compile(d);
      const sim = new Simulation(plan);
      sim.advance(plan.steps);
      return { plan, sim, out: collectChunks(sim.drain()) };
    };
    const het = run(net(params, N));
    const varying = het.plan.blocks.find((x) => x.id === 'pop')!.varying!;
    for (const k of [0, 5, 11]) {
      const one = run(net(Object.fromEntries(Object.keys(params).map((n) => [n, varying[n]![k]!])), 1));
      expect(one.plan.blocks.find((x) => x.id === 'pop')!.varying).toBeUndefined();
      expect(het.out.traces.get('v')![k], `neuron ${k}`).toEqual(one.out.traces.get('v')![0]);
      expect(het.out.spikes.get('sp')!.filter(([, n]) => n === k).map(([s]) => s)).toEqual(one.out.spikes.get('sp')!.map(([s]) => s));
      const u = (sim: Simulation) => sim.arrays[`b${sim.plan.blocks.findIndex((x) => x.id === 'pop')}_s_u`] as Float64Array;
      expect(u(het.sim)[k]).toBeTypeOf('number');
      expect(u(het.sim)[k]).toBe(u(one.sim)[0]);
    }
    expect(het.out.spikes.get('sp')!.length).toBeGreaterThan(N);
  });

  it('the examples keep the fast path: parameters written as constant expressions and distributions print the same code, with no per-element arrays', () => {
    const files = readdirSync(EXAMPLES).filter((f) => f.endsWith('.json'));
    expect(files.length).toBeGreaterThan(5);
    let total = 0;
    for (const f of files) {
      const raw = JSON.parse(readFileSync(join(EXAMPLES, f), 'utf8')) as ProjectDocument;
      const source = generateStep(compile(parseDocument(raw))).source;
      // Examples that vary a parameter on purpose (izhikevich-2003) hold arrays for it; the
      // others must print none.
      const variesOnPurpose = raw.blocks.some((b) => Object.values(b.params ?? {}).some((v) => typeof v === 'object' && v !== null && !Array.isArray(v)));
      if (!variesOnPurpose) expect(source, f).not.toMatch(/b\d+_[ed]\d+/);
      // The same document with every quantity parameter of a population as an expression or
      // a zero-width distribution of the same value.
      const rewritten = structuredClone(raw);
      let changed = 0;
      for (const b of rewritten.blocks) {
        if (b.size === undefined) continue;
        for (const [name, v] of Object.entries(b.params ?? {})) {
          if (typeof v !== 'string' || blockDef(b.type)?.params[name]?.kind !== 'quantity' || !/\d\s*[A-Za-zµΩ]/.test(v)) continue;
          b.params[name] = changed++ % 2 === 0 ? { expr: v } : { dist: 'uniform', low: v, high: v };
        }
      }
      expect(generateStep(compile(parseDocument(rewritten))).source, f).toBe(source);
      total += changed;
    }
    expect(total).toBeGreaterThan(20);
  });

  it('delays per connection: each jump lands round(d/dt) steps after its spike (pairs with their own delays)', () => {
    const doc = makeDoc([
      { id: 'src', type: 'spike-times', size: 2, params: { spikes: [[0, '1 ms'], [1, '1.5 ms'], [0, '3 ms']] } },
      {
        id: 'syn', type: 'exponential', params: { tau: '1e9 ms', output: 'current' },
        connection: { rule: 'pairs', pairs: [[0, 0, '1 nA', '0.5 ms'], [0, 1, '2 nA', '1.25 ms'], [1, 2, '4 nA', '0 ms'], [0, 2, '8 nA']], delay: '2 ms' },
      },
      { id: 'post', type: 'lif', size: 3, params: { V_th: '1000 mV' } },
      { id: 'g', type: 'state-probe', params: { state: 'g' } },
    ], ['src.spikes->syn.pre', 'syn.post->post.I', 'syn.post->g.target'], { duration: '6 ms' });
    const plan = compile(doc);
    expect(plan.projections[0]!.maxLag).toBe(20);
    const sim = new Simulation(plan);
    sim.advance(plan.steps);
    const g = collectChunks(sim.drain()).traces.get('g')!;
    // Sample s + 1 holds g after step s; a spike of step s over a lag L lands in step s + L.
    const jumps = g.map((t) => t.flatMap((x, s) => (s > 0 && Math.round(x - t[s - 1]!) !== 0 ? [[s - 1, Math.round(x - t[s - 1]!)]] : [])));
    expect(jumps).toEqual([
      [[15, 1], [35, 1]], // 0 → 0: 0.5 ms = 5 steps after steps 10 and 30
      [[23, 2], [43, 2]], // 0 → 1: 1.25 ms = 12.5 steps, rounded away from zero to 13
      [[15, 4], [30, 8], [50, 8]], // 1 → 2 at once (step 15), 0 → 2 with the connection's 2 ms
    ]);
  });
});

