/**
 * The host's random numbers (connectivity, weights, initial values) are the counter-based
 * generator's words in counter order: hash4(seed, stream, element, 0), 1, 2, … HostRandom
 * computes them many counters at a time (hash4Counters, in WebAssembly SIMD), which must
 * give exactly the words one hash4 call per counter gives, wherever a batch starts and
 * however long it is.
 */
import { describe, expect, it } from 'vitest';
import { hash4 } from '../../kernels/random.js';
import { HostRandom } from '../../src-main/compiler/host-random.js';
import { hash4Counters } from '../../src-main/random/threefry-simd.js';

describe('host random numbers', () => {
  it('hash4Counters gives hash4 of every counter, for any start and length (across 2^32 too)', () => {
    for (const [seed, stream, element] of [[1, 2, 0], [0xffffffff, 0x9e3779b9, 12345], [7, 0, 0x7fffffff]] as const) {
      for (const start of [0, 1, 3, 1000, 0xfffffffe]) {
        for (const n of [0, 1, 3, 4, 5, 8, 13]) {
          const out = new Uint32Array(n);
          hash4Counters(seed, stream, element, start, n, out);
          const expected = Array.from({ length: n }, (_, m) => hash4(seed, stream, element, (start + m) >>> 0));
          expect([...out], `seed ${seed}, start ${start}, n ${n}`).toEqual(expected);
        }
      }
    }
  });

  it('HostRandom hands out the words of counters 0, 1, 2, … and the values made of them', () => {
    const rng = new HostRandom(42, 7, 3);
    const words = Array.from({ length: 700 }, () => rng.nextU32()); // past several batches
    expect(words).toEqual(Array.from({ length: 700 }, (_, c) => hash4(42, 7, 3, c)));
    const a = new HostRandom(5, 6);
    const b = new HostRandom(5, 6);
    const hi = b.nextU32() >>> 5;
    const lo = b.nextU32() >>> 6;
    expect(a.uniform()).toBe((hi * 67108864 + lo) / 9007199254740992);
  });
});
