/**
 * The WebAssembly SIMD form of random24Block (src-main/random/threefry-simd.ts) draws
 * exactly kernels/random.ts's numbers for every element of a range — offsets and lengths
 * that are not multiples of its 16-element groups, ranges longer than its 4096-element tile,
 * the extreme keys — and is the form the CPU engine uses where SIMD runs (Node has it). Its
 * counters form gives hash4 of every counter of a range, as HostRandom hands them out.
 */
import { describe, expect, it } from 'vitest';
import { hash4, random24, randomStream } from '../../kernels/random.js';
import { simdHash4Counters, simdRandom24Block, threefryModuleBytes } from '../../src-main/random/threefry-simd.js';

describe('random24Block in WebAssembly SIMD', () => {
  it('is a valid module, and the engine uses it', () => {
    expect((globalThis as unknown as { WebAssembly: { validate(b: Uint8Array): boolean } }).WebAssembly.validate(threefryModuleBytes())).toBe(true);
    expect((globalThis as unknown as { WebAssembly: { validate(b: Uint8Array): boolean } }).WebAssembly.validate(threefryModuleBytes('counters'))).toBe(true);
    expect(simdRandom24Block()).not.toBeNull();
    expect(simdHash4Counters()).not.toBeNull();
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

  it('draws hash4 for every counter of the range (the counters form)', () => {
    const counters = simdHash4Counters()!;
    const keys: Array<[number, number, number]> = [[0, 0, 0], [0xffffffff, 0xffffffff, 0xffffffff], [7, randomStream(3, 1), 123456], [0x243f6a88, 0x13198a2e, 2 ** 30 - 1]];
    for (const [seed, stream, element] of keys) {
      for (const [start, n] of [[0, 1], [0, 16], [0, 17], [5, 1], [3, 1000], [0, 4096], [100, 8900], [2 ** 32 - 40, 100]] as const) {
        const out = new Uint32Array(n + 1).fill(0xdeadbeef);
        counters(seed, stream, element, start, n, out);
        const want = Array.from({ length: n }, (_, m) => hash4(seed, stream, element, (start + m) >>> 0));
        expect(Array.from(out.subarray(0, n)), `${seed} ${stream} ${element} [${start}, +${n})`).toEqual(want);
        expect(out[n]).toBe(0xdeadbeef); // nothing written past the range
      }
    }
  });
});
