/**
 * The counter-based random generator of the numerical contract (assets/docs/models.md): a
 * value is a pure function of (run seed, stream, element, counter), so the CPU and WebGPU
 * engines draw identical numbers without sharing state, and any step can be recomputed.
 *
 * The generator is Threefry-2x32 with 20 rounds, from Salmon, Moraes, Dror & Shaw (2011),
 * "Parallel random numbers: as easy as 1, 2, 3" (SC'11), the family Random123, cuRAND and
 * JAX use. It passes TestU01's BigCrush, and it needs only 32-bit addition, rotation and
 * xor, which JavaScript (`| 0`, shifts) and WGSL (u32) compute identically, so no 64-bit
 * multiply has to be emulated (as Philox would need in WGSL). The key is (seed, stream),
 * the counter (counter, element): each block's call site has its own key, and the counter
 * walks the steps and neurons. test/kernels/random.test.ts checks the published
 * known-answer vectors and the statistics of Poisson trains drawn from it.
 */

/** Rotations of Threefry-2x32 (Salmon et al. 2011, table 4), applied in turn. */
const ROT = [13, 15, 26, 6, 17, 29, 16, 24] as const;
/** Key schedule parity constant of Threefry (Skein's C240). */
const PARITY = 0x1bd11bda;

/** Second output word of the last threefry2x32 call (saves an array per draw). */
let secondWord = 0;

/** Rotate left by r bits (0 < r < 32). */
function rotl(x: number, r: number): number {
  return (x << r) | (x >>> (32 - r));
}

/**
 * Threefry-2x32-20 of counter (c0, c1) under key (k0, k1): returns the first 32-bit output
 * word; the second is then available from `threefrySecond()`. Written out round by round
 * (five groups of four rounds, a key injection after each) because V8 runs the unrolled
 * form about twice as fast as a loop over the rotation table, and the CPU engine draws one
 * number per Poisson neuron and step.
 */
export function threefry2x32(c0: number, c1: number, k0: number, k1: number): number {
  const k2 = k0 ^ k1 ^ PARITY;
  let x0 = (c0 + k0) | 0;
  let x1 = (c1 + k1) | 0;
  x0 = (x0 + x1) | 0; x1 = rotl(x1, 13) ^ x0; x0 = (x0 + x1) | 0; x1 = rotl(x1, 15) ^ x0;
  x0 = (x0 + x1) | 0; x1 = rotl(x1, 26) ^ x0; x0 = (x0 + x1) | 0; x1 = rotl(x1, 6) ^ x0;
  x0 = (x0 + k1) | 0; x1 = (x1 + k2 + 1) | 0;
  x0 = (x0 + x1) | 0; x1 = rotl(x1, 17) ^ x0; x0 = (x0 + x1) | 0; x1 = rotl(x1, 29) ^ x0;
  x0 = (x0 + x1) | 0; x1 = rotl(x1, 16) ^ x0; x0 = (x0 + x1) | 0; x1 = rotl(x1, 24) ^ x0;
  x0 = (x0 + k2) | 0; x1 = (x1 + k0 + 2) | 0;
  x0 = (x0 + x1) | 0; x1 = rotl(x1, 13) ^ x0; x0 = (x0 + x1) | 0; x1 = rotl(x1, 15) ^ x0;
  x0 = (x0 + x1) | 0; x1 = rotl(x1, 26) ^ x0; x0 = (x0 + x1) | 0; x1 = rotl(x1, 6) ^ x0;
  x0 = (x0 + k0) | 0; x1 = (x1 + k1 + 3) | 0;
  x0 = (x0 + x1) | 0; x1 = rotl(x1, 17) ^ x0; x0 = (x0 + x1) | 0; x1 = rotl(x1, 29) ^ x0;
  x0 = (x0 + x1) | 0; x1 = rotl(x1, 16) ^ x0; x0 = (x0 + x1) | 0; x1 = rotl(x1, 24) ^ x0;
  x0 = (x0 + k1) | 0; x1 = (x1 + k2 + 4) | 0;
  x0 = (x0 + x1) | 0; x1 = rotl(x1, 13) ^ x0; x0 = (x0 + x1) | 0; x1 = rotl(x1, 15) ^ x0;
  x0 = (x0 + x1) | 0; x1 = rotl(x1, 26) ^ x0; x0 = (x0 + x1) | 0; x1 = rotl(x1, 6) ^ x0;
  x0 = (x0 + k2) | 0; x1 = (x1 + k0 + 5) | 0;
  secondWord = x1 >>> 0;
  return x0 >>> 0;
}

/** The second output word of the most recent `threefry2x32` call. */
export function threefrySecond(): number {
  return secondWord;
}

/** 32 random bits for (seed, stream, element, counter). */
export function hash4(seed: number, stream: number, element: number, counter: number): number {
  return threefry2x32(counter, element, seed, stream);
}

/** 24 random bits as an integer in [0, 2^24): exact in f32 and f64 alike. */
export function random24(seed: number, stream: number, element: number, counter: number): number {
  return threefry2x32(counter, element, seed, stream) >>> 8;
}

/**
 * `random24(seed, stream, k, counter)` for every element k in [lo, hi), into out[k − lo]:
 * the same numbers, computed four elements at a time. The 20 rounds of one Threefry call
 * are one chain of dependent additions, rotations and xors, so a processor runs a single
 * call at the pace of that chain; four independent chains side by side fill its idle
 * execution units (measured 3–4× the throughput of one call per element on V8). The CPU
 * engine draws a block's per-step uniforms (Poisson sources: one per neuron and step)
 * this way before the block's element loop, through the WebAssembly SIMD twin
 * (src-main/random/threefry-simd.ts) where that runs.
 */
export function random24Block(seed: number, stream: number, counter: number, lo: number, hi: number, out: Uint32Array): void {
  const k0 = seed | 0, k1 = stream | 0, k2 = k0 ^ k1 ^ PARITY;
  // Key injections after rounds 4, 8, 12, 16 (x1's part includes the injection count).
  const i1 = (k2 + 1) | 0, i2 = (k0 + 2) | 0, i3 = (k1 + 3) | 0, i4 = (k2 + 4) | 0;
  // x0 starts as counter + k0 for every element; x1 as element + k1.
  const x0 = (counter + k0) | 0;
  let k = lo;
  for (; k + 3 < hi; k += 4) {
    let a0 = x0, b0 = x0, c0 = x0, d0 = x0;
    let a1 = (k + k1) | 0, b1 = (k + 1 + k1) | 0, c1 = (k + 2 + k1) | 0, d1 = (k + 3 + k1) | 0;
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
    out[k - lo] = a0 >>> 8; out[k + 1 - lo] = b0 >>> 8; out[k + 2 - lo] = c0 >>> 8; out[k + 3 - lo] = d0 >>> 8;
  }
  for (; k < hi; k++) out[k - lo] = threefry2x32(counter, k, seed, stream) >>> 8;
}

/**
 * A standard normal deviate by the Box–Muller transform of the two 24-bit uniforms of one
 * draw: u1 in (0, 1] (so the logarithm is finite), u2 in [0, 1), the angle π·(2·u2 − 1) in
 * [−π, π) because WGSL bounds cos's error only there. With 24-bit uniforms the largest
 * magnitude is √(2·ln 2^24) ≈ 5.77; the WebGPU engine computes the same formula in f32 from
 * the same integers.
 */
export function normal24(seed: number, stream: number, element: number, counter: number): number {
  const a = threefry2x32(counter, element, seed, stream) >>> 8;
  const b = secondWord >>> 8;
  const u1 = (a + 1) * 5.9604644775390625e-8;
  const u2 = b * 5.9604644775390625e-8;
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(Math.PI * (2 * u2 - 1));
}

/**
 * The stream of the k-th random call in a block's update code: blocks are numbered in
 * document order, and each block has 16 call slots.
 */
export function randomStream(blockIndex: number, callIndex: number): number {
  return (blockIndex * 16 + callIndex) >>> 0;
}

/** WGSL twin of the functions above, for the WebGPU engine's templates. */
export const RANDOM_WGSL = /* wgsl */ `
fn threefry_rotl(x: u32, r: u32) -> u32 {
  return (x << r) | (x >> (32u - r));
}
fn threefry2x32(c0: u32, c1: u32, k0: u32, k1: u32) -> vec2<u32> {
  let ks = array<u32, 3>(k0, k1, k0 ^ k1 ^ ${PARITY}u);
  let rot = array<u32, 8>(${ROT.map((r) => `${r}u`).join(', ')});
  var x0 = c0 + ks[0];
  var x1 = c1 + ks[1];
  for (var s = 1u; s <= 5u; s = s + 1u) {
    for (var r = 0u; r < 4u; r = r + 1u) {
      x0 = x0 + x1;
      x1 = threefry_rotl(x1, rot[((s - 1u) % 2u) * 4u + r]) ^ x0;
    }
    x0 = x0 + ks[s % 3u];
    x1 = x1 + ks[(s + 1u) % 3u] + s;
  }
  return vec2<u32>(x0, x1);
}
fn hash4(seed: u32, stream: u32, element: u32, counter: u32) -> u32 {
  return threefry2x32(counter, element, seed, stream).x;
}
fn random24(seed: u32, stream: u32, element: u32, counter: u32) -> u32 {
  return threefry2x32(counter, element, seed, stream).x >> 8u;
}
fn normal24(seed: u32, stream: u32, element: u32, counter: u32) -> f32 {
  let w = threefry2x32(counter, element, seed, stream) >> vec2<u32>(8u, 8u);
  let u1 = f32(w.x + 1u) * 5.9604644775390625e-8f;
  let u2 = f32(w.y) * 5.9604644775390625e-8f;
  return sqrt(-2.0f * log(u1)) * cos(3.14159265358979f * (2.0f * u2 - 1.0f));
}
`;
