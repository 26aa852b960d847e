/**
 * Seeded random numbers for what the compiler draws on the host (connectivity, weights,
 * initial values). Each purpose gets its own stream of the counter-based generator, so a
 * change in one block never shifts the numbers of another.
 */
import { hash4 } from '../../kernels/random.js';

const TWO_POW_32 = 4294967296;

export class HostRandom {
  private counter = 0;

  constructor(private readonly seed: number, private readonly stream: number, private readonly element = 0) {}

  /** A uniform 32-bit integer. */
  nextU32(): number {
    return hash4(this.seed, this.stream, this.element, this.counter++ >>> 0);
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
