/**
 * The counter-based generator (kernels/random.ts): Threefry-2x32-20 against the published
 * known-answer vectors (Random123's kat_vectors, Salmon et al. 2011), the statistics of the
 * Poisson trains the engines draw from it (the same threshold test as the `bernoulli`
 * built-in), its normal deviates, and the WGSL twin on Dawn drawing the same numbers.
 *
 * The statistical thresholds follow from the sample size: a Kolmogorov–Smirnov distance
 * below the α = 0.001 critical value 1.949/√n, and every lag's coincidence count within
 * 5 binomial standard deviations of its expectation (over 2048 lags and three seeds the
 * chance that a sound generator fails is about 0.4 %; the lowbias32 hash this generator
 * replaced is off by 7.4 to 8.5 σ at some lag in each of the three seeds).
 */
import { existsSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { normal24, random24, random24Block, randomStream, threefry2x32, threefrySecond } from '../../kernels/random.js';
import { RANDOM_WGSL } from '../../kernels/wgsl/index.js';

const SWIFTSHADER = '/usr/lib/chromium/vk_swiftshader_icd.json';
if (!process.env.VK_ICD_FILENAMES && existsSync(SWIFTSHADER)) process.env.VK_ICD_FILENAMES = SWIFTSHADER;
const { createWebGpuEngine } = await import('../../src-main/engines/webgpu/index.js');
const { runShader } = await import('../helpers/gpu.js');

describe('Threefry-2x32-20', () => {
  it('reproduces the published known-answer vectors', () => {
    const kat: Array<[[number, number], [number, number], [number, number]]> = [
      [[0x00000000, 0x00000000], [0x00000000, 0x00000000], [0x6b200159, 0x99ba4efe]],
      [[0xffffffff, 0xffffffff], [0xffffffff, 0xffffffff], [0x1cb996fc, 0xbb002be7]],
      [[0x243f6a88, 0x85a308d3], [0x13198a2e, 0x03707344], [0xc4923a9c, 0x483df7a0]],
    ];
    for (const [ctr, key, want] of kat) {
      expect(threefry2x32(ctr[0], ctr[1], key[0], key[1])).toBe(want[0]);
      expect(threefrySecond()).toBe(want[1]);
    }
  });
});

describe('random24Block (four elements at a time)', () => {
  it('draws exactly random24 for every element of the range, whatever its length and offset', () => {
    const keys: Array<[number, number, number]> = [[0, 0, 0], [0xffffffff, 0xffffffff, 0xffffffff], [7, randomStream(3, 1), 123456], [0x243f6a88, 0x13198a2e, 2 ** 30 - 1]];
    for (const [seed, stream, counter] of keys) {
      for (const [lo, hi] of [[0, 1], [0, 4], [0, 7], [5, 6], [3, 1003], [1000, 1002], [2 ** 31 - 3, 2 ** 31 + 2]] as const) {
        const out = new Uint32Array(hi - lo + 2).fill(0xdeadbeef);
        random24Block(seed, stream, counter, lo, hi, out);
        const want = Array.from({ length: hi - lo }, (_, j) => random24(seed, stream, lo + j, counter));
        expect(Array.from(out.subarray(0, hi - lo))).toEqual(want);
        expect(out[hi - lo]).toBe(0xdeadbeef); // nothing written past the range
      }
    }
    // The first known-answer vector, reached through the block form.
    const one = new Uint32Array(1);
    random24Block(0, 0, 0, 0, 1, one);
    expect(one[0]).toBe(0x6b200159 >>> 8);
  });
});

/** Spike trains as the Poisson source draws them: neuron n spikes in step i if random24 < f32(p)·2^24. */
function poissonStats(seed: number, neurons: number, steps: number, p: number, maxLag: number) {
  const threshold = Math.fround(p) * 16777216;
  const stream = randomStream(3, 0);
  const train = new Uint8Array(steps);
  const lagHits = new Float64Array(maxLag + 1);
  // roomHist[r]: spikes followed by min(r, maxLag) steps of the run (how many lags they can test).
  const roomHist = new Float64Array(maxLag + 1);
  const isi: number[] = [];
  let spikes = 0;
  for (let n = 0; n < neurons; n++) {
    train.fill(0);
    let last = -1;
    for (let i = 0; i < steps; i++) {
      if (random24(seed, stream, n, i) < threshold) {
        train[i] = 1;
        spikes++;
        if (last >= 0) isi.push(i - last);
        last = i;
      }
    }
    for (let i = 0; i < steps; i++) {
      if (!train[i]) continue;
      const top = Math.min(maxLag, steps - 1 - i);
      roomHist[top]!++;
      for (let k = 1; k <= top; k++) lagHits[k]! += train[i + k]!;
    }
  }
  // opportunities[k]: spikes that have a step k later inside the run.
  const opportunities = new Float64Array(maxLag + 2);
  for (let k = maxLag; k >= 1; k--) opportunities[k] = opportunities[k + 1]! + roomHist[k]!;
  return { spikes, isi, lagHits, opportunities, pExact: threshold / 16777216 };
}

describe('Poisson trains from the generator', () => {
  // 200 neurons × 100 000 steps at p = 0.002 (20 Hz at dt = 0.1 ms, 10 s): ~40 000 spikes a seed.
  const [N, STEPS, P, LAGS] = [200, 100_000, 0.002, 2048];

  for (const seed of [1, 7, 2024]) {
    it(`seed ${seed}: ISIs are geometric (KS at α = 0.001) and no lag 1…${LAGS} has excess coincidences`, () => {
      const { isi, lagHits, opportunities, pExact } = poissonStats(seed, N, STEPS, P, LAGS);
      // KS distance between the ISIs (in steps) and the geometric law P(ISI ≤ m) = 1 − (1 − p)^m,
      // the discrete-time form of the exponential.
      isi.sort((a, b) => a - b);
      let d = 0;
      let below = 0;
      for (let m = 1; m <= isi[isi.length - 1]!; m++) {
        while (below < isi.length && isi[below]! <= m) below++;
        d = Math.max(d, Math.abs(below / isi.length - (1 - (1 - pExact) ** m)));
      }
      expect(isi.length).toBeGreaterThan(30_000);
      expect(d).toBeLessThan(1.949 / Math.sqrt(isi.length));
      // Lag-k coincidences: after a spike at step i, a spike at i + k with probability p.
      // Counted over the steps that have an i + k, each lag is binomial.
      let worst = 0;
      for (let k = 1; k <= LAGS; k++) {
        const mean = opportunities[k]! * pExact;
        const z = (lagHits[k]! - mean) / Math.sqrt(mean * (1 - pExact));
        if (Math.abs(z) > Math.abs(worst)) worst = z;
      }
      expect(Math.abs(worst)).toBeLessThan(5);
    });
  }
});

describe('normal deviates', () => {
  it('have mean 0, variance 1 and a normal distribution (KS at α = 0.001)', () => {
    const n = 200_000;
    const z = new Float64Array(n);
    for (let i = 0; i < n; i++) z[i] = normal24(11, randomStream(2, 1), i % 1000, Math.floor(i / 1000));
    const mean = z.reduce((a, b) => a + b, 0) / n;
    const variance = z.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1);
    expect(Math.abs(mean)).toBeLessThan(5 / Math.sqrt(n));
    expect(Math.abs(variance - 1)).toBeLessThan(5 * Math.sqrt(2 / n));
    z.sort();
    let d = 0;
    for (let i = 0; i < n; i++) {
      const f = normalCdf(z[i]!);
      d = Math.max(d, Math.abs((i + 1) / n - f), Math.abs(i / n - f));
    }
    expect(d).toBeLessThan(1.949 / Math.sqrt(n));
    // 24-bit uniforms bound the tails at √(2·ln 2^24).
    expect(Math.max(-z[0]!, z[n - 1]!)).toBeLessThanOrEqual(Math.sqrt(2 * Math.log(2 ** 24)));
  });
});

/** Standard normal CDF. */
function normalCdf(x: number): number {
  return 0.5 * erfc(-x / Math.SQRT2);
}

/** Complementary error function to ~1e-14, by the Chebyshev fit of Numerical Recipes (3rd ed., 6.2.2). */
function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 2 / (2 + z);
  const ty = 4 * t - 2;
  const coef = [
    -1.3026537197817094, 6.4196979235649026e-1, 1.9476473204185836e-2, -9.561514786808631e-3,
    -9.46595344482036e-4, 3.66839497852761e-4, 4.2523324806907e-5, -2.0278578112534e-5,
    -1.624290004647e-6, 1.30365583558e-6, 1.5626441722e-8, -8.5238095915e-8, 6.529054439e-9,
    5.059343495e-9, -9.91364156e-10, -2.27365122e-10, 9.6467911e-11, 2.394038e-12,
    -6.886027e-12, 8.94487e-13, 3.13092e-13, -1.12708e-13, 3.81e-16, 7.106e-15, -1.523e-15,
    -9.4e-17, 1.21e-16, -2.8e-17,
  ];
  let d = 0;
  let dd = 0;
  for (let j = coef.length - 1; j > 0; j--) {
    const tmp = d;
    d = ty * d - dd + coef[j]!;
    dd = tmp;
  }
  const r = t * Math.exp(-z * z + 0.5 * (coef[0]! + ty * d) - dd);
  return x >= 0 ? r : 2 - r;
}

describe('the WGSL twin on Dawn', async () => {
  const created = await createWebGpuEngine();
  const engine = 'engine' in created ? created.engine : null;
  afterAll(() => engine?.dispose());

  it.skipIf(!engine)('draws the same 24-bit numbers as the CPU, and normal deviates within f32 rounding', async () => {
    const n = 4096;
    const code = `${RANDOM_WGSL}
@group(0) @binding(0) var<storage, read> K: array<u32>;
@group(0) @binding(1) var<storage, read_write> O: array<u32>;
@compute @workgroup_size(64) fn main(@builtin(global_invocation_id) g: vec3<u32>) {
  let k = g.x;
  if (k >= ${n}u) { return; }
  let seed = K[0];
  let stream = K[1];
  let element = k % 61u;
  let counter = (k / 61u) * 977u + K[2];
  O[3u * k] = random24(seed, stream, element, counter);
  O[3u * k + 1u] = hash4(seed, stream, element, counter);
  O[3u * k + 2u] = bitcast<u32>(normal24(seed, stream, element, counter));
}`;
    const [seed, stream, offset] = [0xdeadbeef, randomStream(5, 3), 0xfffff000];
    const out = new Uint32Array(await runShader(engine!.gpu.device, code, [Uint32Array.from([seed, stream, offset])], n * 12, n / 64));
    const asF32 = new Float32Array(out.buffer);
    // WGSL allows cos an absolute error of 2^-11 on [−π, π] and the radius is at most 5.77, so
    // a single deviate may differ by up to 6·2^-11 (SwiftShader's f32 log is about 1e-4
    // relative); a wrong formula would differ by order 1 on average.
    let sumDiff = 0;
    for (let k = 0; k < n; k++) {
      const element = k % 61;
      const counter = (Math.floor(k / 61) * 977 + offset) >>> 0;
      expect(out[3 * k], `random24 #${k}`).toBe(random24(seed, stream, element, counter));
      expect(out[3 * k + 1], `hash4 #${k}`).toBe(threefry2x32(counter, element, seed, stream));
      const diff = Math.abs(asF32[3 * k + 2]! - normal24(seed, stream, element, counter));
      expect(diff, `normal24 #${k}`).toBeLessThan(6 * 2 ** -11);
      sumDiff += diff;
    }
    expect(sumDiff / n).toBeLessThan(3e-4);
  });
});
