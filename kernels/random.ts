/**
 * The counter-based random generator of MODELS.md: a value is a pure function of
 * (run seed, stream, element, counter), so the CPU and WebGPU engines draw identical
 * numbers without sharing state, and any step can be recomputed. The mixing function is
 * Chris Wellons' "lowbias32" integer hash chained over the four words; only 32-bit integer
 * multiply, xor and shifts are used, which JavaScript (Math.imul) and WGSL (u32) share.
 */

/** lowbias32: a bijective 32-bit integer hash with low bias. */
export function mix32(x: number): number {
  x ^= x >>> 16;
  x = Math.imul(x, 0x21f0aaad);
  x ^= x >>> 15;
  x = Math.imul(x, 0x735a2d97);
  x ^= x >>> 15;
  return x >>> 0;
}

/** Hash of four 32-bit words. */
export function hash4(seed: number, stream: number, element: number, counter: number): number {
  let h = mix32((seed ^ 0x9e3779b9) >>> 0);
  h = mix32((h ^ stream) >>> 0);
  h = mix32((h ^ element) >>> 0);
  h = mix32((h ^ counter) >>> 0);
  return h;
}

/** 24 random bits as an integer in [0, 2^24): exact in f32 and f64 alike. */
export function random24(seed: number, stream: number, element: number, counter: number): number {
  return hash4(seed, stream, element, counter) >>> 8;
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
fn mix32(x0: u32) -> u32 {
  var x = x0;
  x = x ^ (x >> 16u);
  x = x * 0x21f0aaadu;
  x = x ^ (x >> 15u);
  x = x * 0x735a2d97u;
  x = x ^ (x >> 15u);
  return x;
}
fn hash4(seed: u32, stream: u32, element: u32, counter: u32) -> u32 {
  var h = mix32(seed ^ 0x9e3779b9u);
  h = mix32(h ^ stream);
  h = mix32(h ^ element);
  h = mix32(h ^ counter);
  return h;
}
fn random24(seed: u32, stream: u32, element: u32, counter: u32) -> u32 {
  return hash4(seed, stream, element, counter) >> 8u;
}
`;
