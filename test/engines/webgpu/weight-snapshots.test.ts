/**
 * Weight snapshots on the WebGPU engine (Dawn; SwiftShader without a GPU): the probe is a
 * weight probe of every connection at the snapshot interval, read back like any state
 * probe; its snapshots are the CPU engine's to f32 rounding where the spikes are the same.
 */
import { existsSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { compile } from '../../../src-main/compiler/compile.js';
import { Simulation } from '../../../src-main/engines/cpu/simulation.js';
import type { RecordingChunk } from '../../../src-main/engines/types.js';
import { collectChunks } from '../../helpers/doc.js';
import { plasticDocument } from '../../helpers/plastic-lab.js';

const SWIFTSHADER = '/usr/lib/chromium/vk_swiftshader_icd.json';
if (!process.env.VK_ICD_FILENAMES && existsSync(SWIFTSHADER)) process.env.VK_ICD_FILENAMES = SWIFTSHADER;
const { createWebGpuEngine } = await import('../../../src-main/engines/webgpu/index.js');

describe('weight snapshots on the WebGPU engine', async () => {
  const created = await createWebGpuEngine();
  const engine = 'engine' in created ? created.engine : null;
  afterAll(() => engine?.dispose());

  it.skipIf(!engine)('records every connection every interval, as the CPU engine does', { timeout: 180_000 }, async () => {
    const plan = compile(plasticDocument('10 ms', '80 ms'));
    const sim = new Simulation(plan);
    sim.advance(plan.steps);
    const cpu = collectChunks(sim.drain()).traces.get('snaps')!;
    const chunks: RecordingChunk[] = [];
    await engine!.runBatch([plan], { sinks: [{ write: (c: RecordingChunk) => { chunks.push(c); } }], firstChunkSteps: 37 });
    const gpu = collectChunks(chunks).traces.get('snaps')!;
    expect(gpu).toHaveLength(cpu.length); // connections
    expect(gpu[0]).toHaveLength(9); // t = 0, 10, …, 80 ms
    expect(cpu.some((c) => c.some((w) => w !== c[0]))).toBe(true); // the weights learn
    const spread = Math.max(...gpu.flatMap((c, j) => c.map((w, s) => Math.abs(w - cpu[j]![s]!))));
    expect(spread).toBeLessThan(2e-6 * Math.max(...cpu.flat()));
  });
});
