/**
 * What voltage jumps, per-target sources and binomial draws add to generated code, and that
 * models without them print what they printed before (kernels/types.ts BlockDef.onJump and
 * perTarget; kernels/wgsl/optional.ts): no jump statements, no in_J, no binomial helper, no
 * optional WGSL helper and no extra words in the WebGPU layout. (Checked also against the
 * code of the commit before these features, example by example, when they were added.)
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compile } from '../../../src-main/compiler/compile.js';
import { generateStep } from '../../../src-main/engines/cpu/codegen.js';
import { generateProgram } from '../../../src-main/engines/webgpu/codegen.js';
import { parseDocument } from '../../../src-shared/document/load.js';
import { makeDoc } from '../../helpers/doc.js';

const EXAMPLES = join(import.meta.dirname, '../../../assets/examples');
const NEW_TYPES = new Set(['delta', 'poisson-input', 'white-noise-current', 'ou-current', 'inhomogeneous-poisson']);
const OPTIONS = { workgroupSize: 64, shape: 'grid' as const, limits: { maxChunkSteps: 128, spikeCapacity: 4096 } };

describe('generated code with and without voltage jumps', () => {
  const files = readdirSync(EXAMPLES).filter((f) => f.endsWith('.json'));
  for (const f of files) {
    const doc = parseDocument(JSON.parse(readFileSync(join(EXAMPLES, f), 'utf8')));
    if (doc.blocks.some((b) => NEW_TYPES.has(b.type))) continue;
    it(`${f}: prints no jump, per-target or binomial code`, () => {
      const plan = compile(doc);
      expect(plan.blocks.some((b) => b.receivesJumps || b.perTarget)).toBe(false);
      const js = generateStep(plan).source;
      expect(js).toContain('const { roundHalfAway, sigmoid, vtrap, decayFactor, expEulerStep, random24, random24Block, normal24 } = H;');
      expect(js).not.toMatch(/in_J|binomial24/);
      const program = generateProgram([plan], OPTIONS);
      expect(program.code).not.toMatch(/sf_binomial|sf_sin|sf_cos|sf_log1p|jacc_|jumps of/);
      expect(program.layout.jumps.size + program.layout.currentOuts.size).toBe(0);
    });
  }

  it('a neuron with jumps runs its jump statement first; a per-target source gives neuron k its element k', () => {
    const plan = compile(makeDoc([
      { id: 'drive', type: 'poisson-input', params: { K: 10, rate: '10 Hz' } },
      { id: 'noise', type: 'ou-current' },
      { id: 'cell', type: 'lif', size: 3 },
    ], ['drive.J -> cell.J', 'noise.I -> cell.I']));
    const cell = plan.blocks.find((b) => b.id === 'cell')!;
    expect(cell.receivesJumps).toBe(true);
    expect(cell.code[0]!.target).toBe('V');
    expect(plan.blocks.find((b) => b.id === 'drive')!.size).toBe(3);
    const js = generateStep(plan).source;
    expect(js).toContain('in_J += b0_out[k];');
    expect(js).toContain('in_I += b1_out[k];');
    expect(js).toMatch(/binomial24\(SEED, \d+, k, i, 10, 0\.001, [\d.e-]+, [\d.e-]+\)/);
    expect(generateProgram([plan], OPTIONS).code).toContain('fn sf_binomial(');
  });
});
