/**
 * Seeded random numbers for what the compiler draws on the host (connectivity, weights,
 * initial values). Each purpose gets its own stream of the counter-based generator, so a
 * change in one block never shifts the numbers of another.
 */
import { hash4 } from '../../kernels/random.js';

const TWO_POW_32 = 4294967296;

/** Threefry's key-schedule parity constant (kernels/random.ts). */
const PARITY = 0x1bd11bda;

/** Rotate left by r bits (0 < r < 32). */
function rotl(x: number, r: number): number {
  return (x << r) | (x >>> (32 - r));
}

/**
 * `hash4(seed, stream, element, counter + m)` for m in [0, n), into out[0, n): the words a
 * HostRandom hands out one after another, computed four counters at a time. The 20 rounds
 * of one Threefry call are one chain of dependent operations; four independent chains side
 * by side keep the processor's units busy (as kernels/random.ts random24Block does across
 * elements), about 3× the throughput of one call per word. Connectivity draws two words
 * per connection, so this is most of the time `compile` takes for a large network (#15).
 */
export function hash4Counters(seed: number, stream: number, element: number, counter: number, n: number, out: Uint32Array): void {
  const k0 = seed | 0, k1 = stream | 0, k2 = k0 ^ k1 ^ PARITY;
  // Key injections after rounds 4, 8, 12, 16 (x1's part includes the injection count).
  const i1 = (k2 + 1) | 0, i2 = (k0 + 2) | 0, i3 = (k1 + 3) | 0, i4 = (k2 + 4) | 0;
  // x1 starts as element + k1 for every counter; x0 as counter + k0.
  const x1 = (element + k1) | 0;
  let m = 0;
  for (; m + 3 < n; m += 4) {
    let a0 = (counter + m + k0) | 0, b0 = (counter + m + 1 + k0) | 0, c0 = (counter + m + 2 + k0) | 0, d0 = (counter + m + 3 + k0) | 0;
    let a1 = x1, b1 = x1, c1 = x1, d1 = x1;
    a0 = (a0 + a1) | 0; a1 = rotl(a1, 13) ^ a0; b0 = (b0 + b1) | 0; b1 = rotl(b1, 13) ^ b0;
    c0 = (c0 + c1) | 0; c1 = rotl(c1, 13) ^ c0; d0 = (d0 + d1) | 0; d1 = rotl(d1, 13) ^ d0;
    a0 = (a0 + a1) | 0; a1 = rotl(a1, 15) ^ a0; b0 = (b0 + b1) | 0; b1 = rotl(b1, 15) ^ b0;
    c0 = (c0 + c1) | 0; c1 = rotl(c1, 15) ^ c0; d0 = (d0 + d1) | 0; d1 = rotl(d1, 15) ^ d0;
    a0 = (a0 + a1) | 0; a1 = rotl(a1, 26) ^ a0; b0 = (b0 + b1) | 0; b1 = rotl(b1, 26) ^ b0;
    c0 = (c0 + c1) | 0; c1 = rotl(c1, 26) ^ c0; d0 = (d0 + d1) | 0; d1 = rotl(d1, 26) ^ d0;
    a0 = (a0 + a1) | 0; a1 = rotl(a1, 6) ^ a0; b0 = (b0 + b1) | 0; b1 = rotl(b1, 6) ^ b0;
    c0 = (c0 + c1) | 0; c1 = rotl(c1, 6) ^ c0; d0 = (d0 + d1) | 0; d1 = rotl(d1, 6) ^ d0;
    a0 = (a0 + k1) | 0; a1 = (a1 + i1) | 0; b0 = (b0 + k1) | 0; b1 = (b1 + i1) | 0; c0 = (c0 + k1) | 0; c1 = (c1 + i1) | 0; d0 = (d0 + k1) | 0; d1 = (d1 + i1) | 0;
    a0 = (a0 + a1) | 0; a1 = rotl(a1, 17) ^ a0; b0 = (b0 + b1) | 0; b1 = rotl(b1, 17) ^ b0;
    c0 = (c0 + c1) | 0; c1 = rotl(c1, 17) ^ c0; d0 = (d0 + d1) | 0; d1 = rotl(d1, 17) ^ d0;
    a0 = (a0 + a1) | 0; a1 = rotl(a1, 29) ^ a0; b0 = (b0 + b1) | 0; b1 = rotl(b1, 29) ^ b0;
    c0 = (c0 + c1) | 0; c1 = rotl(c1, 29) ^ c0; d0 = (d0 + d1) | 0; d1 = rotl(d1, 29) ^ d0;
    a0 = (a0 + a1) | 0; a1 = rotl(a1, 16) ^ a0; b0 = (b0 + b1) | 0; b1 = rotl(b1, 16) ^ b0;
    c0 = (c0 + c1) | 0; c1 = rotl(c1, 16) ^ c0; d0 = (d0 + d1) | 0; d1 = rotl(d1, 16) ^ d0;
    a0 = (a0 + a1) | 0; a1 = rotl(a1, 24) ^ a0; b0 = (b0 + b1) | 0; b1 = rotl(b1, 24) ^ b0;
    c0 = (c0 + c1) | 0; c1 = rotl(c1, 24) ^ c0; d0 = (d0 + d1) | 0; d1 = rotl(d1, 24) ^ d0;
    a0 = (a0 + k2) | 0; a1 = (a1 + i2) | 0; b0 = (b0 + k2) | 0; b1 = (b1 + i2) | 0; c0 = (c0 + k2) | 0; c1 = (c1 + i2) | 0; d0 = (d0 + k2) | 0; d1 = (d1 + i2) | 0;
    a0 = (a0 + a1) | 0; a1 = rotl(a1, 13) ^ a0; b0 = (b0 + b1) | 0; b1 = rotl(b1, 13) ^ b0;
    c0 = (c0 + c1) | 0; c1 = rotl(c1, 13) ^ c0; d0 = (d0 + d1) | 0; d1 = rotl(d1, 13) ^ d0;
    a0 = (a0 + a1) | 0; a1 = rotl(a1, 15) ^ a0; b0 = (b0 + b1) | 0; b1 = rotl(b1, 15) ^ b0;
    c0 = (c0 + c1) | 0; c1 = rotl(c1, 15) ^ c0; d0 = (d0 + d1) | 0; d1 = rotl(d1, 15) ^ d0;
    a0 = (a0 + a1) | 0; a1 = rotl(a1, 26) ^ a0; b0 = (b0 + b1) | 0; b1 = rotl(b1, 26) ^ b0;
    c0 = (c0 + c1) | 0; c1 = rotl(c1, 26) ^ c0; d0 = (d0 + d1) | 0; d1 = rotl(d1, 26) ^ d0;
    a0 = (a0 + a1) | 0; a1 = rotl(a1, 6) ^ a0; b0 = (b0 + b1) | 0; b1 = rotl(b1, 6) ^ b0;
    c0 = (c0 + c1) | 0; c1 = rotl(c1, 6) ^ c0; d0 = (d0 + d1) | 0; d1 = rotl(d1, 6) ^ d0;
    a0 = (a0 + k0) | 0; a1 = (a1 + i3) | 0; b0 = (b0 + k0) | 0; b1 = (b1 + i3) | 0; c0 = (c0 + k0) | 0; c1 = (c1 + i3) | 0; d0 = (d0 + k0) | 0; d1 = (d1 + i3) | 0;
    a0 = (a0 + a1) | 0; a1 = rotl(a1, 17) ^ a0; b0 = (b0 + b1) | 0; b1 = rotl(b1, 17) ^ b0;
    c0 = (c0 + c1) | 0; c1 = rotl(c1, 17) ^ c0; d0 = (d0 + d1) | 0; d1 = rotl(d1, 17) ^ d0;
    a0 = (a0 + a1) | 0; a1 = rotl(a1, 29) ^ a0; b0 = (b0 + b1) | 0; b1 = rotl(b1, 29) ^ b0;
    c0 = (c0 + c1) | 0; c1 = rotl(c1, 29) ^ c0; d0 = (d0 + d1) | 0; d1 = rotl(d1, 29) ^ d0;
    a0 = (a0 + a1) | 0; a1 = rotl(a1, 16) ^ a0; b0 = (b0 + b1) | 0; b1 = rotl(b1, 16) ^ b0;
    c0 = (c0 + c1) | 0; c1 = rotl(c1, 16) ^ c0; d0 = (d0 + d1) | 0; d1 = rotl(d1, 16) ^ d0;
    a0 = (a0 + a1) | 0; a1 = rotl(a1, 24) ^ a0; b0 = (b0 + b1) | 0; b1 = rotl(b1, 24) ^ b0;
    c0 = (c0 + c1) | 0; c1 = rotl(c1, 24) ^ c0; d0 = (d0 + d1) | 0; d1 = rotl(d1, 24) ^ d0;
    a0 = (a0 + k1) | 0; a1 = (a1 + i4) | 0; b0 = (b0 + k1) | 0; b1 = (b1 + i4) | 0; c0 = (c0 + k1) | 0; c1 = (c1 + i4) | 0; d0 = (d0 + k1) | 0; d1 = (d1 + i4) | 0;
    a0 = (a0 + a1) | 0; a1 = rotl(a1, 13) ^ a0; b0 = (b0 + b1) | 0; b1 = rotl(b1, 13) ^ b0;
    c0 = (c0 + c1) | 0; c1 = rotl(c1, 13) ^ c0; d0 = (d0 + d1) | 0; d1 = rotl(d1, 13) ^ d0;
    a0 = (a0 + a1) | 0; a1 = rotl(a1, 15) ^ a0; b0 = (b0 + b1) | 0; b1 = rotl(b1, 15) ^ b0;
    c0 = (c0 + c1) | 0; c1 = rotl(c1, 15) ^ c0; d0 = (d0 + d1) | 0; d1 = rotl(d1, 15) ^ d0;
    a0 = (a0 + a1) | 0; a1 = rotl(a1, 26) ^ a0; b0 = (b0 + b1) | 0; b1 = rotl(b1, 26) ^ b0;
    c0 = (c0 + c1) | 0; c1 = rotl(c1, 26) ^ c0; d0 = (d0 + d1) | 0; d1 = rotl(d1, 26) ^ d0;
    a0 = (a0 + a1) | 0; a1 = rotl(a1, 6) ^ a0; b0 = (b0 + b1) | 0; b1 = rotl(b1, 6) ^ b0;
    c0 = (c0 + c1) | 0; c1 = rotl(c1, 6) ^ c0; d0 = (d0 + d1) | 0; d1 = rotl(d1, 6) ^ d0;
    a0 = (a0 + k2) | 0; b0 = (b0 + k2) | 0; c0 = (c0 + k2) | 0; d0 = (d0 + k2) | 0;
    out[m] = a0 >>> 0; out[m + 1] = b0 >>> 0; out[m + 2] = c0 >>> 0; out[m + 3] = d0 >>> 0;
  }
  for (; m < n; m++) out[m] = hash4(seed, stream, element, (counter + m) >>> 0);
}

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
