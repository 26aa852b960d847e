/**
 * The WebAssembly SIMD form of random24Block (src-main/engines/cpu/threefry-simd.ts) draws
 * exactly kernels/random.ts's numbers for every element of a range — offsets and lengths
 * that are not multiples of its 16-element groups, ranges longer than its 4096-element tile,
 * the extreme keys — and is the form the CPU engine uses where SIMD runs (Node has it).
 */
import { describe, expect, it } from 'vitest';
import { random24, random24Block, randomStream } from '../../../kernels/random.js';
import { fastRandom24Block, simdRandom24Block, threefryModuleBytes } from '../../../src-main/engines/cpu/threefry-simd.js';

describe('random24Block in WebAssembly SIMD', () => {
  it('is a valid module, and the engine uses it', () => {
    expect((globalThis as unknown as { WebAssembly: { validate(b: Uint8Array): boolean } }).WebAssembly.validate(threefryModuleBytes())).toBe(true);
    expect(simdRandom24Block()).not.toBeNull();
    expect(fastRandom24Block).not.toBe(random24Block);
  });

  it('draws random24 for every element of the range', () => {
    const block = simdRandom24Block()!;
    const keys: Array<[number, number, number]> = [[0, 0, 0], [0xffffffff, 0xffffffff, 0xffffffff], [7, randomStream(3, 1), 123456], [0x243f6a88, 0x13198a2e, 2 ** 30 - 1]];
    for (const [seed, stream, counter] of keys) {
      for (const [lo, hi] of [[0, 1], [0, 16], [0, 17], [5, 6], [3, 1003], [0, 4096], [100, 9000], [2 ** 31 - 40, 2 ** 31 - 1]] as const) {
        const out = new Uint32Array(hi - lo + 1).fill(0xdeadbeef);
        block(seed, stream, counter, lo, hi, out);
        const want = Array.from({ length: hi - lo }, (_, j) => random24(seed, stream, lo + j, counter));
        expect(Array.from(out.subarray(0, hi - lo)), `${seed} ${stream} ${counter} [${lo}, ${hi})`).toEqual(want);
        expect(out[hi - lo]).toBe(0xdeadbeef); // nothing written past the range
      }
    }
  });
});
