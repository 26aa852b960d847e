/**
 * What `--engine auto` takes (src-main/engines/select.ts autoChoice), for each kind of
 * adapter the WebGPU engine can report: none, a software one, a hardware one — with a small
 * model (kept on the CPU engine, which finishes before a GPU has compiled its program) and
 * a large one. The adapters are described, not opened: this machine has no hardware GPU.
 */
import { describe, expect, it } from 'vitest';
import { loadProjectFile } from '../../src-main/cli/load-project.js';
import { compile } from '../../src-main/compiler/compile.js';
import { AUTO_GPU_MIN_WORK, autoChoice, modelWork } from '../../src-main/engines/select.js';
import { EXAMPLES } from '../helpers/cli.js';

const example = (name: string) => compile(loadProjectFile(`${EXAMPLES}/${name}.json`));

describe('auto', () => {
  const small = example('ampa-lif');
  const coba = example('coba');

  it('measures models in element updates', () => {
    expect(modelWork(small)).toBe(small.steps * small.blocks.reduce((n, b) => n + b.size, 0));
    expect(modelWork(small)).toBeLessThan(AUTO_GPU_MIN_WORK);
    expect(modelWork(coba)).toBeGreaterThan(AUTO_GPU_MIN_WORK);
  });

  it('takes a hardware GPU for a large model, or when the model is not known yet', () => {
    expect(autoChoice({ software: false }, coba)).toEqual({ engine: 'webgpu', note: null });
    expect(autoChoice({ software: false })).toEqual({ engine: 'webgpu', note: null });
  });

  it('keeps a small model on the CPU engine even with a hardware GPU, saying why', () => {
    const choice = autoChoice({ software: false }, small);
    expect(choice.engine).toBe('cpu');
    expect(choice.note).toMatch(/^using the CPU engine: a small model \(\d\.\de\+\d+ element updates\) finishes there before a GPU has prepared its program$/);
  });

  it('counts the copies of a sweep: many small copies together go to the GPU', () => {
    const copies = Math.ceil(AUTO_GPU_MIN_WORK / modelWork(small)) + 1;
    expect(autoChoice({ software: false }, small, copies)).toEqual({ engine: 'webgpu', note: null });
    expect(autoChoice({ software: false }, small, 2).note).toMatch(/a small sweep \(2 copies, /);
  });

  it('passes over a software adapter and a missing one, whatever the model', () => {
    for (const plan of [small, coba, undefined]) {
      expect(autoChoice({ software: true }, plan)).toMatchObject({ engine: 'cpu', note: expect.stringContaining('software one (SwiftShader)') });
      expect(autoChoice({ unavailable: 'no GPU adapter found' }, plan)).toEqual({ engine: 'cpu', note: 'using the CPU engine: no GPU adapter found' });
    }
  });
});
