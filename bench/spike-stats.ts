/**
 * Statistics of recorded spikes used to compare networks with the literature and with
 * Brian2 (bench/literature.ts, test/examples/literature.test.ts): mean rate, the
 * coefficient of variation of inter-spike intervals, the spectral peak of the population
 * rate and a synchrony index. Spikes are [step, neuron] pairs, as the engines record them.
 */

export type Spikes = ReadonlyArray<readonly [number, number]>;

/** Mean firing rate of a population of n neurons over `steps` steps of dt ms, in Hz. */
export function meanRate(spikes: Spikes, n: number, steps: number, dt: number): number {
  return spikes.length / n / (steps * dt / 1000);
}

/**
 * Mean over neurons (with at least `minSpikes` spikes) of the ISI coefficient of variation
 * (sd/mean of the intervals); NaN when no neuron qualifies. CV ≈ 1 is Poisson-like
 * irregular firing, ≈ 0 clock-like.
 */
export function meanIsiCv(spikes: Spikes, n: number, minSpikes = 3): number {
  const times: number[][] = Array.from({ length: n }, () => []);
  for (const [step, k] of spikes) times[k]!.push(step);
  let sum = 0, count = 0;
  for (const t of times) {
    if (t.length < minSpikes) continue;
    t.sort((a, b) => a - b);
    const isi = t.slice(1).map((x, j) => x - t[j]!);
    const mean = isi.reduce((a, b) => a + b, 0) / isi.length;
    const sd = Math.sqrt(isi.reduce((a, b) => a + (b - mean) ** 2, 0) / isi.length);
    sum += sd / mean;
    count++;
  }
  return count ? sum / count : NaN;
}

/** Population spike counts in bins of `binSteps` steps (the last partial bin dropped). */
export function populationCounts(spikes: Spikes, steps: number, binSteps: number): Float64Array {
  const bins = new Float64Array(Math.floor(steps / binSteps));
  for (const [step] of spikes) {
    const b = Math.floor(step / binSteps);
    if (b < bins.length) bins[b]!++;
  }
  return bins;
}

/**
 * Frequency (Hz) of the largest peak of the population rate's power spectrum between
 * fMin and fMax, the signal binned at binMs and its mean removed; the periodogram is
 * computed directly at 1 Hz resolution (a plain DFT: the series here are short), after
 * discarding the first `skipMs` (the transient from the initial state).
 */
export function spectralPeak(spikes: Spikes, steps: number, dt: number, opts: { binMs?: number; fMin?: number; fMax?: number; skipMs?: number } = {}): { hz: number; power: number; relative: number } {
  const binMs = opts.binMs ?? 1;
  const binSteps = Math.max(1, Math.round(binMs / dt));
  const skip = Math.floor((opts.skipMs ?? 0) / (binSteps * dt));
  const counts = populationCounts(spikes, steps, binSteps).subarray(skip);
  const mean = counts.reduce((a, b) => a + b, 0) / Math.max(1, counts.length);
  const x = Array.from(counts, (c) => c - mean);
  const binS = binSteps * dt / 1000;
  const fMax = Math.min(opts.fMax ?? 500, 0.5 / binS);
  let best = { hz: NaN, power: -1 }, total = 0;
  for (let f = Math.max(1, opts.fMin ?? 1); f <= fMax; f++) {
    let re = 0, im = 0;
    const w = 2 * Math.PI * f * binS;
    for (let k = 0; k < x.length; k++) { re += x[k]! * Math.cos(w * k); im -= x[k]! * Math.sin(w * k); }
    const power = re * re + im * im;
    total += power;
    if (power > best.power) best = { hz: f, power };
  }
  // relative: the peak's share of the power in the band (1/(band width) for a flat spectrum).
  return { ...best, relative: total > 0 ? best.power / total : 0 };
}

/**
 * Synchrony index χ² (Golomb 2007): variance of the population-averaged spike count over
 * the mean variance of single neurons' counts, in bins of binMs. About 1/n for independent
 * neurons, 1 for full synchrony; the asynchronous state has χ ≪ 1.
 */
export function synchrony(spikes: Spikes, n: number, steps: number, dt: number, binMs = 2): number {
  const binSteps = Math.max(1, Math.round(binMs / dt));
  const nb = Math.floor(steps / binSteps);
  const perNeuron = new Float64Array(n * nb);
  for (const [step, k] of spikes) {
    const b = Math.floor(step / binSteps);
    if (b < nb) perNeuron[k * nb + b]!++;
  }
  const variance = (xs: ArrayLike<number>, off: number, len: number) => {
    let m = 0;
    for (let i = 0; i < len; i++) m += xs[off + i]!;
    m /= len;
    let v = 0;
    for (let i = 0; i < len; i++) v += (xs[off + i]! - m) ** 2;
    return v / len;
  };
  const pop = new Float64Array(nb);
  let single = 0;
  for (let k = 0; k < n; k++) {
    single += variance(perNeuron, k * nb, nb);
    for (let b = 0; b < nb; b++) pop[b]! += perNeuron[k * nb + b]! / n;
  }
  single /= n;
  return single > 0 ? variance(pop, 0, nb) / single : NaN;
}
