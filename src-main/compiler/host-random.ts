/**
 * Seeded random numbers for what the compiler draws on the host (connectivity, weights,
 * initial values). Each purpose gets its own stream of the counter-based generator, so a
 * change in one block never shifts the numbers of another.
 */
import { hash4 } from '../../kernels/random.js';
// The words are computed many at a time, in WebAssembly SIMD: connectivity draws two words
// per connection, most of the time `compile` takes (#15).
import { hash4Counters } from '../random/threefry-simd.js';

const TWO_POW_32 = 4294967296;

/** Words a HostRandom computes at once at most (hash4Counters); fewer for its first draws. */
const MAX_BATCH = 256;

export class HostRandom {
  /** Counter of the next word to be computed. */
  private counter = 0;
  /** Words computed ahead (hash4Counters), handed out from `at`; a stream that draws a few gets a few. */
  private words = new Uint32Array(4);
  private at = 0;
  private filled = 0;

  constructor(private readonly seed: number, private readonly stream: number, private readonly element = 0) {}

  /** A uniform 32-bit integer: hash4 of the stream's next counter. */
  nextU32(): number {
    if (this.at === this.filled) this.refill();
    return this.words[this.at++]!;
  }

  private refill(): void {
    // Twice as many as last time, up to MAX_BATCH: a stream drawing one value wastes at most 3 words.
    if (this.filled === this.words.length && this.words.length < MAX_BATCH) this.words = new Uint32Array(this.words.length * 2);
    const n = this.words.length;
    hash4Counters(this.seed, this.stream, this.element, this.counter, n, this.words);
    this.counter = (this.counter + n) >>> 0;
    this.at = 0;
    this.filled = n;
  }

  /** Uniform in [0, 1) with 53 random bits. */
  uniform(): number {
    const hi = this.nextU32() >>> 5;
    const lo = this.nextU32() >>> 6;
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** Uniform in (0, 1], safe for log(). */
  uniformPositive(): number {
    return 1 - this.uniform();
  }

  /** Fills `out` with the next `out.length` values of uniform(), in order. */
  fillUniform(out: Float64Array): void {
    for (let k = 0; k < out.length; k++) out[k] = this.uniform();
  }

  /** Uniform integer in [0, n). */
  integer(n: number): number {
    return Math.floor(this.uniform() * n);
  }

  /** Standard normal by the Box–Muller transform. */
  normal(): number {
    const u = this.uniformPositive();
    const v = this.uniform();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }
}

/**
 * The first `uniform()` of element `element` of a stream, without an object: what
 * `new HostRandom(seed, stream, element).uniform()` gives (r of a neuron or a connection).
 */
export function uniformAt(seed: number, stream: number, element: number): number {
  const hi = hash4(seed, stream, element, 0) >>> 5;
  const lo = hash4(seed, stream, element, 1) >>> 6;
  return (hi * 67108864 + lo) / 9007199254740992;
}

/** Stable 32-bit stream number for a purpose string (FNV-1a). */
export function streamOf(purpose: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < purpose.length; i++) {
    h ^= purpose.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) % TWO_POW_32;
}
