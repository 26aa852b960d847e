/**
 * Block types a project defines as equations, through the compiler: the AdEx example
 * against Brian2 2.5.1 (spike steps), on the CPU and WebGPU engines, --explain naming the
 * scheme, and a user block's unit mistake (a dropped / C) reported on the type with line
 * and column.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compile } from '../../src-main/compiler/compile.js';
import { CompileError } from '../../src-main/compiler/diagnostics.js';
import { explainPlan } from '../../src-main/compiler/explain.js';
import type { RecordingChunk } from '../../src-main/engines/types.js';
import { parseDocument, parseDocumentText } from '../../src-shared/document/load.js';
import type { ProjectDocument } from '../../src-shared/document/schema.js';
import { collectChunks, runDoc } from '../helpers/doc.js';
import { expandSweep } from '../../src-main/sweeps/expand.js';

const SWIFTSHADER = '/usr/lib/chromium/vk_swiftshader_icd.json';
if (!process.env.VK_ICD_FILENAMES && existsSync(SWIFTSHADER)) process.env.VK_ICD_FILENAMES = SWIFTSHADER;
const { createWebGpuEngine } = await import('../../src-main/engines/webgpu/index.js');

const EXAMPLES = join(import.meta.dirname, '../../assets/examples');
const ADEX = join(EXAMPLES, 'adex.json');
const BRIAN_SCRIPT = join(import.meta.dirname, 'adex_brian2.py');

function adex(): ProjectDocument {
  return parseDocumentText(readFileSync(ADEX, 'utf8'), 'adex.json');
}

function spikeSteps(doc: ProjectDocument): number[] {
  return runDoc(doc).spikes.get('cell_spikes')!.map(([step]) => step);
}

/** Whether /usr/bin/python3 imports brian2 2.5.1, or why not. */
function brian2(): { ok: true } | { ok: false; why: string } {
  if (!existsSync('/usr/bin/python3')) return { ok: false, why: '/usr/bin/python3 does not exist' };
  const r = spawnSync('/usr/bin/python3', ['-c', 'import brian2; print(brian2.__version__)'], { encoding: 'utf8', timeout: 120_000 });
  if (r.status !== 0) return { ok: false, why: `/usr/bin/python3 cannot import brian2: ${r.stderr.trim().split('\n').pop()}` };
  const version = r.stdout.trim();
  return version === '2.5.1' ? { ok: true } : { ok: false, why: `brian2 is ${version}, the comparison was made against 2.5.1` };
}

describe('the AdEx example (an equation block, forward Euler)', () => {
  const brian = brian2();
  if (!brian.ok) console.warn(`AdEx against Brian2 skipped: ${brian.why}`);

  it.skipIf(!brian.ok)('spikes at the steps Brian2 2.5.1 finds for the same model', () => {
    const r = spawnSync('/usr/bin/python3', [BRIAN_SCRIPT], { encoding: 'utf8', timeout: 300_000 });
    expect(r.status, r.stderr).toBe(0);
    const brianSteps = JSON.parse(r.stdout.trim().split('\n').pop()!) as number[];
    expect(brianSteps.length).toBeGreaterThan(10);
    expect(spikeSteps(adex())).toEqual(brianSteps);
  });

  it('adapts: the intervals between spikes grow while the step lasts, and it is silent after it', () => {
    const steps = spikeSteps(adex());
    expect(steps.length).toBeGreaterThan(10);
    const intervals = steps.slice(1).map((s, k) => s - steps[k]!);
    for (let k = 1; k < intervals.length; k++) expect(intervals[k]).toBeGreaterThanOrEqual(intervals[k - 1]!);
    expect(steps.every((s) => s >= 200 && s < 4300)).toBe(true);
  });

  it('--explain names the integration scheme and shows the code the equations became', () => {
    expect(explainPlan(compile(adex()))).toMatch(/cell \(adex\): .*integrated by forward Euler/);
    expect(explainPlan(compile(adex()))).toContain('      _new_V = V + dt * ((gL * 0.001 * (EL - V) + gL * 0.001 * DeltaT * exp((V - VT) / DeltaT) - w + I) / (C * 0.001))');
  });

  describe('on the WebGPU engine (SwiftShader here)', async () => {
    const created = await createWebGpuEngine();
    const engine = 'engine' in created ? created.engine : null;
    afterAll(() => engine?.dispose());
    if (!engine) console.warn(`WebGPU test skipped: ${'unavailable' in created ? created.unavailable : ''}`);

    // facilitation.json: a facilitating synapse (state per presynaptic neuron, on_pre code)
    // into an adaptive LIF with a refractory period, both written as equations.
    for (const file of ['adex.json', 'facilitation.json']) {
      it.skipIf(!engine)(`${file}: spikes at the same steps as on the CPU engine (250 ms)`, async () => {
        const doc = parseDocumentText(readFileSync(join(EXAMPLES, file), 'utf8'), file);
        const plan = compile(doc, { duration: '250 ms' });
        const chunks: RecordingChunk[] = [];
        const result = await engine!.run(plan, { sink: { write: (c) => { chunks.push(c); } } });
        expect(result.status).toBe('finished');
        const gpu = collectChunks(chunks).spikes.get('cell_spikes')!.map(([s]) => s);
        const cpu = spikeSteps(doc).filter((s) => s < plan.steps);
        expect(cpu.length).toBeGreaterThan(4);
        expect(gpu).toEqual(cpu);
      });
    }
  });
});

describe('the facilitation example (a synapse and a neuron written as equations)', () => {
  it('the first EPSPs stay below threshold; once u has grown the cell follows the 40 Hz train', () => {
    const doc = parseDocumentText(readFileSync(join(EXAMPLES, 'facilitation.json'), 'utf8'), 'facilitation.json');
    const out = runDoc(doc);
    const steps = out.spikes.get('cell_spikes')!.map(([s]) => s);
    expect(steps[0]).toBeGreaterThan(1000);
    const intervals = steps.slice(1).map((s, k) => s - steps[k]!);
    // One spike per input (every 25 ms), its latency settling over the first few.
    for (const i of intervals) expect(Math.abs(i - 250)).toBeLessThanOrEqual(15);
    const u = out.traces.get('syn_u')![0]!;
    expect(u[0]).toBeCloseTo(0.1, 6);
    expect(Math.max(...u)).toBeGreaterThan(0.5);
    // Without facilitation (U = 1: every spike uses all) the same weight fires from the first input.
    const plain = structuredClone(doc);
    plain.types!.facilitating!.params.U!.default = 1;
    expect(runDoc(plain).spikes.get('cell_spikes')![0]![0]).toBeLessThan(200);
  });
});

describe('a project type in a parameter sweep', () => {
  it('its parameters can be swept, in their declared unit', () => {
    const { docs, labels } = expandSweep(adex(), 'cell.b=0.0805 nA,0 pA');
    expect(labels).toEqual(['cell.b=0.0805nA', 'cell.b=0pA']);
    const [adapting, plain] = docs.map(spikeSteps);
    // Without spike-triggered adaptation the cell fires more often.
    expect(plain!.length).toBeGreaterThan(adapting!.length);
    expect(() => expandSweep(adex(), 'cell.gl=1,2')).toThrow(/block "cell" \(adex\) has no parameter "gl" \(numeric parameters: C, gL, EL, VT, DeltaT, tauw, a, b\)/);
  });
});

describe('mistakes in a project type', () => {
  function withEquations(equations: string): ProjectDocument {
    const raw = JSON.parse(readFileSync(ADEX, 'utf8')) as { types: { adex: { equations: string } } };
    raw.types.adex.equations = equations;
    return parseDocument(raw);
  }

  function compileError(doc: ProjectDocument): string {
    try {
      compile(doc);
    } catch (e) {
      expect(e).toBeInstanceOf(CompileError);
      return (e as Error).message;
    }
    throw new Error('compiled');
  }

  it('a dropped / C is refused with the type, line, column, expression and both units', () => {
    const message = compileError(withEquations(
      'dV/dt = (gL*(EL - V) + gL*DeltaT*exp((V - VT)/DeltaT) - w + I) : mV\ndw/dt = (a*(V - EL) - w) / tauw : nA',
    ));
    expect(message).toMatch(/^types\.adex\.equations line 1:10: dV\/dt "gL \* \(EL - V\) \+ .* \+ I" is a current \(nA\), expected a voltage per time \(mV\/ms\)$/m);
    // One mistake, one message: blocks of the type do not each report an unknown type.
    expect(message.split('\n')).toHaveLength(1);
  });

  it('a term of another dimension inside a sum names the two units', () => {
    const message = compileError(withEquations('dV/dt = (gL*(EL - V) + DeltaT - w + I) / C : mV\ndw/dt = (a*(V - EL) - w) / tauw : nA'));
    expect(message).toMatch(/types\.adex\.equations line 1:\d+: the terms of "gL \* \(EL - V\) \+ DeltaT" do not agree: a current \(nA\) and a voltage \(mV\)/);
  });

  it('an unknown name or function is named, with the names the type has', () => {
    expect(compileError(withEquations('dV/dt = (gL*(EL - V) - w + I + Iext) / C : mV\ndw/dt = -w / tauw : nA')))
      .toMatch(/types\.adex\.equations line 1:32: unknown name "Iext" \(parameters: C, gL, EL, VT, DeltaT, tauw, a, b; states: V, w\)/);
    expect(compileError(withEquations('dV/dt = (gL*(EL - V) * expm1(V/DeltaT) - w + I) / C : mV\ndw/dt = -w / tauw : nA')))
      .toMatch(/types\.adex\.equations line 1:24: unknown function "expm1" \(known: exp, log/);
  });

  it('an unknown type names the built-ins and the project\'s own types', () => {
    const raw = JSON.parse(readFileSync(ADEX, 'utf8')) as { blocks: Array<{ type: string }> };
    raw.blocks.find((b) => b.type === 'adex')!.type = 'adexx';
    expect(compileError(parseDocument(raw))).toMatch(/block "cell", type: unknown block type "adexx" \(known: spike-times, .*; this project's: adex\)/);
  });

  it('a type may not take the name of a built-in block', () => {
    const raw = JSON.parse(readFileSync(ADEX, 'utf8')) as { types: Record<string, unknown>; blocks: Array<{ type: string }> };
    raw.types = { lif: raw.types.adex };
    raw.blocks.find((b) => b.type === 'adex')!.type = 'lif';
    expect(compileError(parseDocument(raw))).toMatch(/types\.lif\.type: "lif" is the name of a built-in block/);
  });
});

describe('stochastic and Runge–Kutta equation blocks on the WebGPU engine (SwiftShader here)', async () => {
  const created = await createWebGpuEngine();
  const engine = 'engine' in created ? created.engine : null;
  afterAll(() => engine?.dispose());

  // An OU membrane (Euler–Maruyama, the counter-based normal numbers of both engines) and a
  // quadratic integrate-and-fire cell by RK4, both driven by a current step.
  const doc = parseDocument({
    format: 'spikeflow-project', version: 2, name: 'schemes', run: { dt: '0.1 ms', duration: '60 ms', seed: 9 },
    types: {
      ou: {
        category: 'neuron',
        params: { tau: { unit: 'ms', default: 10 }, sigma: { unit: 'mV', default: 3 }, R: { unit: 'Mohm', default: 10 } },
        equations: 'dV/dt = (R*I - V)/tau + sigma*xi*(2/tau)**0.5 : mV',
      },
      qif: {
        category: 'neuron', method: 'rk4',
        params: { tau: { unit: 'ms', default: 10 }, Vc: { unit: 'mV', default: 10 }, R: { unit: 'Mohm', default: 10 } },
        equations: 'dV/dt = (V**2/Vc + R*I) / tau : mV',
        threshold: 'V > 30*mV',
        reset: 'V = -10*mV',
      },
    },
    blocks: [
      { id: 'step', type: 'step-current', params: { times: ['5 ms'], amplitudes: ['0.8 nA'] } },
      { id: 'noisy', type: 'ou', size: 50 },
      { id: 'cell', type: 'qif', size: 2 },
      { id: 'pn', type: 'state-probe', params: { state: 'V' } },
      { id: 'pc', type: 'state-probe', params: { state: 'V' } },
      { id: 'sp', type: 'spike-probe' },
    ],
    edges: [
      { from: 'step.I', to: 'noisy.I' }, { from: 'step.I', to: 'cell.I' },
      { from: 'noisy.V', to: 'pn.target' }, { from: 'cell.V', to: 'pc.target' }, { from: 'cell.spikes', to: 'sp.spikes' },
    ],
  });

  it.skipIf(!engine)('compile to WGSL and agree with the CPU engine (same noise, same spikes, traces within f32)', async () => {
    const plan = compile(doc);
    const chunks: RecordingChunk[] = [];
    const result = await engine!.run(plan, { sink: { write: (c) => { chunks.push(c); } } });
    expect(result.status).toBe('finished');
    const gpu = collectChunks(chunks);
    const cpu = runDoc(doc);
    expect(cpu.spikes.get('sp')!.length).toBeGreaterThan(2);
    expect(gpu.spikes.get('sp')).toEqual(cpu.spikes.get('sp'));
    for (const probe of ['pn', 'pc']) {
      const a = cpu.traces.get(probe)!;
      const b = gpu.traces.get(probe)!;
      a.forEach((channel, ch) => channel.forEach((x, s) => {
        // f32 against f64: a few ulps of the trace's scale (30 mV); the QIF upstroke is steep, so its spike steps are compared instead.
        if (probe === 'pn' || Math.abs(x) < 25) expect(Math.abs(b[ch]![s]! - x), `${probe}[${ch}] sample ${s}`).toBeLessThan(2e-3);
      }));
    }
  });
});
