/**
 * The CPU engine draws a block's per-step uniforms (`bernoulli`, `rand`) for all its elements
 * before the element loop, several Threefry chains at a time (random24Block: in WebAssembly
 * SIMD, src-main/random/threefry-simd.ts), instead of one call per element inside it. The numbers must be the contract's: each Poisson
 * neuron spikes in step i exactly when random24(seed, stream, neuron, i) < f32(rate·dt)·2^24,
 * computed here from kernels/random.ts one draw at a time.
 */
import { describe, expect, it } from 'vitest';
import { random24, randomStream } from '../../../kernels/random.js';
import { compile } from '../../../src-main/compiler/compile.js';
import { generateStep } from '../../../src-main/engines/cpu/codegen.js';
import { makeDoc, runDoc } from '../../helpers/doc.js';

// 37 neurons: nine groups of four and one left over, so both paths of random24Block run.
const [N, STEPS, SEED, RATE_HZ] = [37, 400, 5, 180];

function doc() {
  return makeDoc(
    [{ id: 'src', type: 'poisson', size: N, params: { rate: `${RATE_HZ} Hz` } }, { id: 'sp', type: 'spike-probe' }],
    ['src.spikes -> sp.spikes'],
    { duration: `${STEPS * 0.1} ms`, seed: SEED },
  );
}

describe('per-step draws of a block, made ahead of its element loop', () => {
  it('the Poisson source fills its draws with random24Block before the loop and calls no random24 inside it', () => {
    const js = generateStep(compile(doc())).source;
    const pass = js.slice(js.indexOf('update src'), js.indexOf('}', js.indexOf('for (let k', js.indexOf('update src'))));
    expect(pass).toMatch(/random24Block\(SEED, \d+, i, 0, 37, r\d+_0\);[\s\S]*for \(let k = 0; k < 37; k\+\+\)/);
    expect(pass).not.toMatch(/random24\(/);
  });

  it('spikes exactly where the contract draws them, one draw at a time', () => {
    const out = runDoc(doc());
    const src = out.plan.blocks.find((b) => b.id === 'src')!;
    const threshold = Math.fround((RATE_HZ * 0.1) / 1000) * 16777216;
    const want: Array<[number, number]> = [];
    for (let i = 0; i < STEPS; i++) {
      for (let k = 0; k < N; k++) if (random24(SEED, randomStream(src.index, 0), k, i) < threshold) want.push([i, k]);
    }
    expect(want.length).toBeGreaterThan(100);
    expect(out.spikes.get('sp')).toEqual(want);
  });
});
