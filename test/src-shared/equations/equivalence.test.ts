/**
 * Property: a built-in block re-expressed as an equation block, integrated by the same
 * scheme, gives bit-identical results on the CPU engine (the reference) and on the WebGPU
 * engine: the equations compile into the very update trees the built-ins are written with.
 */
import { existsSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { compile } from '../../../src-main/compiler/compile.js';
import type { RecordingChunk } from '../../../src-main/engines/types.js';
import { collectChunks } from '../../helpers/doc.js';
import { builtinAsEquations } from '../../../src-shared/equations/builtin-forms.js';
import type { BlockSpec } from '../../helpers/doc.js';
import { makeDoc, runDoc } from '../../helpers/doc.js';
import { parseDocument } from '../../../src-shared/document/load.js';
import type { ProjectDocument } from '../../../src-shared/document/schema.js';

const SWIFTSHADER = '/usr/lib/chromium/vk_swiftshader_icd.json';
if (!process.env.VK_ICD_FILENAMES && existsSync(SWIFTSHADER)) process.env.VK_ICD_FILENAMES = SWIFTSHADER;
const { createWebGpuEngine } = await import('../../../src-main/engines/webgpu/index.js');

// The forms "Duplicate as equations…" starts from (src-shared/equations/builtin-forms.ts).
const LIF_TYPE = builtinAsEquations('lif')!;
const EXP_SYNAPSE_TYPE = builtinAsEquations('exponential')!;
const ALPHA_SYNAPSE_TYPE = builtinAsEquations('alpha')!;

function withTypes(doc: ProjectDocument, types: Record<string, unknown>): ProjectDocument {
  return parseDocument({ ...doc, types });
}

/** Poisson input through a synapse into a neuron, plus a current ramp; V, g and spikes recorded. */
function network(neuron: string, synapse: string): ProjectDocument {
  const blocks: BlockSpec[] = [
    { id: 'src', type: 'poisson', size: 20, params: { rate: '40 Hz' } },
    { id: 'syn', type: synapse, params: { tau: '5 ms', E: '0 mV' }, connection: { rule: 'fixed-probability', p: 0.5, weight: '0.05 uS' } },
    { id: 'ramp', type: 'ramp-current', params: { from: '10 nA', to: '25 nA', start: '0 ms', stop: '200 ms' } },
    { id: 'cell', type: neuron, size: 3, params: { tau: '12 ms', tau_ref: '2.5 ms' } },
    { id: 'pV', type: 'state-probe', params: { state: 'V' } },
    { id: 'pg', type: 'state-probe', params: { state: 'g' } },
    { id: 'sp', type: 'spike-probe' },
  ];
  return makeDoc(blocks, [
    'src.spikes -> syn.pre', 'syn.post -> cell.I', 'ramp.I -> cell.I',
    'cell.V -> pV.target', 'syn.post -> pg.target', 'cell.spikes -> sp.spikes',
  ], { duration: '200 ms', seed: 3 });
}

describe('equation blocks against the built-ins they restate', () => {
  it('LIF and the exponential synapse as equations: the same V, g and spikes, bit for bit', () => {
    const builtin = runDoc(network('lif', 'exponential'));
    const user = runDoc(withTypes(network('my_lif', 'my_exp'), { my_lif: LIF_TYPE, my_exp: EXP_SYNAPSE_TYPE }));
    const spikes = builtin.spikes.get('sp')!;
    expect(spikes.length).toBeGreaterThan(10);
    expect(user.spikes.get('sp')).toEqual(spikes);
    expect(user.traces.get('pV')).toEqual(builtin.traces.get('pV'));
    expect(user.traces.get('pg')).toEqual(builtin.traces.get('pg'));
  });

  it('the alpha synapse as equations (two coupled equations): bit for bit', () => {
    const builtin = runDoc(network('lif', 'alpha'));
    const user = runDoc(withTypes(network('lif', 'my_alpha'), { my_alpha: ALPHA_SYNAPSE_TYPE }));
    expect(builtin.spikes.get('sp')!.length).toBeGreaterThan(10);
    expect(user.spikes.get('sp')).toEqual(builtin.spikes.get('sp'));
    expect(user.traces.get('pg')).toEqual(builtin.traces.get('pg'));
  });

  it('the same LIF by forward Euler differs (the scheme is what makes them equal)', () => {
    const builtin = runDoc(network('lif', 'exponential'));
    const user = runDoc(withTypes(network('my_lif', 'exponential'), { my_lif: { ...LIF_TYPE, method: 'euler' } }));
    expect(user.traces.get('pV')).not.toEqual(builtin.traces.get('pV'));
  });
});

describe('on the WebGPU engine (SwiftShader here)', async () => {
  const created = await createWebGpuEngine();
  const engine = 'engine' in created ? created.engine : null;
  afterAll(() => engine?.dispose());
  if (!engine) console.warn(`WebGPU test skipped: ${'unavailable' in created ? created.unavailable : ''}`);

  async function gpuRun(doc: ProjectDocument) {
    const chunks: RecordingChunk[] = [];
    const result = await engine!.run(compile(doc, { duration: '100 ms' }), { sink: { write: (c) => { chunks.push(c); } } });
    expect(result.status).toBe('finished');
    return collectChunks(chunks);
  }

  it.skipIf(!engine)('LIF and the exponential synapse as equations: the same V, g and spikes as the built-ins, bit for bit', async () => {
    const builtin = await gpuRun(network('lif', 'exponential'));
    const user = await gpuRun(withTypes(network('my_lif', 'my_exp'), { my_lif: LIF_TYPE, my_exp: EXP_SYNAPSE_TYPE }));
    expect(builtin.spikes.get('sp')!.length).toBeGreaterThan(3);
    expect(user.spikes.get('sp')).toEqual(builtin.spikes.get('sp'));
    expect(user.traces.get('pV')).toEqual(builtin.traces.get('pV'));
    expect(user.traces.get('pg')).toEqual(builtin.traces.get('pg'));
  });
});
