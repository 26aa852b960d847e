/**
 * src-main/engines/select.ts:
 * - what `--engine auto` takes (autoChoice), for each kind of adapter the WebGPU engine can
 *   report: none, a software one, a hardware one — with a small model (kept on the CPU
 *   engine, which finishes before a GPU has compiled its program) and a large one. The
 *   adapters are described, not opened: this machine has no hardware GPU;
 * - the WebGPU engine kept open between runs (on SwiftShader here): reused with its
 *   compiled pipelines, not closed by a run's dispose(), reopened after a device loss,
 *   closed by releaseEngines() and after an idle time with no run holding it; runs with
 *   their own tuning get their own engine.
 */
import { existsSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { loadProjectFile } from '../../src-main/cli/load-project.js';
import { compile } from '../../src-main/compiler/compile.js';
import { AUTO_GPU_MIN_WORK, autoChoice, modelWork, releaseEngines, selectEngine, setSharedEngineIdle } from '../../src-main/engines/select.js';
import type { WebGpuEngine } from '../../src-main/engines/webgpu/index.js';
import { EXAMPLES } from '../helpers/cli.js';

const SWIFTSHADER = '/usr/lib/chromium/vk_swiftshader_icd.json';
if (!process.env.VK_ICD_FILENAMES && existsSync(SWIFTSHADER)) process.env.VK_ICD_FILENAMES = SWIFTSHADER;

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
    expect(choice.note).toBe('Small model: running on the CPU, which finishes it before a GPU is ready');
    expect(choice.detail).toMatch(/^\d\.\de\+\d+ element updates, below 2e\+7: the CPU engine finishes before a GPU has prepared its program$/);
  });

  it('counts the copies of a sweep: many small copies together go to the GPU', () => {
    const copies = Math.ceil(AUTO_GPU_MIN_WORK / modelWork(small)) + 1;
    expect(autoChoice({ software: false }, small, copies)).toEqual({ engine: 'webgpu', note: null });
    expect(autoChoice({ software: false }, small, 2)).toMatchObject({ note: expect.stringMatching(/^Small sweep: /), detail: expect.stringMatching(/^2 copies, /) });
  });

  it('passes over a software adapter and a missing one, whatever the model', () => {
    for (const plan of [small, coba, undefined]) {
      expect(autoChoice({ software: true }, plan)).toMatchObject({
        engine: 'cpu', note: 'Only a software GPU found: running on the CPU, which is faster', detail: expect.stringContaining('software one (SwiftShader)'),
      });
      expect(autoChoice({ unavailable: 'no GPU found', detail: 'Dawn sees no adapter' }, plan))
        .toEqual({ engine: 'cpu', note: 'No GPU found: running on the CPU', detail: 'Dawn sees no adapter' });
      expect(autoChoice({ unavailable: 'no GPU found' }, plan)).toEqual({ engine: 'cpu', note: 'No GPU found: running on the CPU' });
    }
  });
});

describe('the WebGPU engine kept between runs', async () => {
  const first = await selectEngine('webgpu').catch(() => null);
  afterAll(() => releaseEngines());
  const small = example('ampa-lif');

  it.skipIf(!first)('is reused, with its pipelines, and a run\'s dispose() leaves it open', async () => {
    const a = first!;
    const engine = a.engine as WebGpuEngine;
    await engine.run(small);
    const compiled = engine.gpu.cachedPipelines;
    a.dispose();
    const b = await selectEngine('webgpu');
    expect(b.engine).toBe(engine);
    const result = await b.engine.run(small);
    expect(result.status).toBe('finished');
    expect(engine.gpu.cachedPipelines).toBe(compiled); // nothing compiled again
    b.dispose();
  });

  it.skipIf(!first)('runs with their own tuning open their own engine', async () => {
    const tuned = await selectEngine('webgpu', { tuning: { shape: 'grid' } });
    expect(tuned.engine).not.toBe(first!.engine);
    tuned.dispose();
    const again = await selectEngine('webgpu');
    expect(again.engine).toBe(first!.engine);
    again.dispose();
  });

  it.skipIf(!first)('is opened anew after its device was lost, and after releaseEngines()', async () => {
    const lost = await selectEngine('webgpu');
    const engine = lost.engine as WebGpuEngine;
    engine.gpu.device.destroy();
    await expect.poll(() => engine.gpu.lostReason).not.toBeNull();
    lost.dispose();
    const reopened = await selectEngine('webgpu');
    const fresh = reopened.engine as WebGpuEngine;
    expect(fresh).not.toBe(engine);
    expect((await fresh.run(small)).status).toBe('finished');
    await releaseEngines();
    reopened.dispose(); // a hold of the released engine: no effect
    const again = await selectEngine('webgpu');
    expect(again.engine).not.toBe(fresh);
    again.dispose();
    await expect(fresh.run(small)).rejects.toThrow(/disposed/); // released
  });

  it.skipIf(!first)('closes after an idle time with no run holding it, never while one does', async () => {
    setSharedEngineIdle(50);
    try {
      const held = await selectEngine('webgpu');
      const engine = held.engine as WebGpuEngine;
      await new Promise((r) => setTimeout(r, 150));
      expect((await engine.run(small)).status).toBe('finished'); // held: still open
      held.dispose();
      await expect.poll(async () => engine.run(small).then(() => 'open', (e: Error) => e.message), { timeout: 2000 }).toMatch(/disposed/);
      const next = await selectEngine('webgpu');
      expect(next.engine).not.toBe(engine);
      expect((await next.engine.run(small)).status).toBe('finished');
      next.dispose();
    } finally {
      setSharedEngineIdle(60_000);
    }
  });
});
