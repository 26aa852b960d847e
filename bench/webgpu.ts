/**
 * COBA on the WebGPU engine (bench/coba-document.ts: E = 0.8·N, I = 0.2·N, p = 80/N,
 * dt = 0.1 ms, 1 s of biological time): per N the run's wall time (preparation — code,
 * buffers, pipelines — apart), synaptic events per second, and the cost of a step split
 * into dispatch overhead (the same dispatches with empty bodies) and work (the rest); then a
 * batch figure, B = 64 copies (seeds) of a 1000-neuron network side by side.
 *
 * On a software adapter (SwiftShader: the GPU emulated on the CPU) the figures are not GPU
 * figures: large N are skipped and runs shortened, and the lines say so.
 * Runs alone with `npx tsx bench/webgpu.ts [N,N,…]`.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { compile } from '../src-main/compiler/compile.js';
import type { Plan } from '../src-main/compiler/plan.js';
import type { RunResult } from '../src-main/engines/types.js';
import type { BatchRunOptions, Program, WebGpuEngine } from '../src-main/engines/webgpu/index.js';
import { cobaDocument } from './coba-document.js';

export interface WebGpuBenchOptions {
  /** Biological time per run, ms (default 1000; 100 on a software adapter). */
  durationMs?: number;
  seed?: number;
  /** Copies of the batch figure (default 64) and their size (default 1000). */
  batchCopies?: number;
  batchN?: number;
  /** Biological time of the batch run, ms (default 1000; 20 on a software adapter). */
  batchDurationMs?: number;
  /** Largest N measured on a software adapter (default 16000). */
  softwareMaxN?: number;
  /** An engine to use (default: one opened and closed here). */
  engine?: WebGpuEngine;
  /** Called with each line as it is ready. */
  onLine?: (line: string) => void;
  /** Biological time of each run of the strategy comparison, ms (default 1000; 50 on a software adapter); 0 skips it. */
  strategyDurationMs?: number;
  /** Run seconds per N of peers measured in the same bench run, for ratios (per second of biological time). */
  peers?: Map<number, { cpuS?: number; brian2S?: number }>;
}

/** The layouts compared: the engine's own pick first, then each choice forced. */
const STRATEGIES: Array<{ label: string; options: BatchRunOptions; maxN?: number }> = [
  { label: 'engine\'s pick', options: {} },
  { label: 'grid, fixed-point list scatter', options: { shape: 'grid', propagation: 'fixed', scatter: 'list' } },
  { label: 'grid, fixed-point scan scatter', options: { shape: 'grid', propagation: 'fixed', scatter: 'scan' } },
  { label: 'grid, f32 list scatter', options: { shape: 'grid', propagation: 'float', scatter: 'list' } },
  { label: 'grid, gather', options: { shape: 'grid', propagation: 'gather' } },
  // One workgroup does all the work of a copy: only sensible for small networks.
  { label: 'workgroup, fixed-point', options: { shape: 'workgroup', propagation: 'fixed' }, maxN: 16000 },
  { label: 'workgroup, gather', options: { shape: 'workgroup', propagation: 'gather' }, maxN: 16000 },
];

/** Lines comparing the layouts on COBA at each N: step cost, relative to the engine's pick, and total spikes (the same network must spike alike). */
async function benchStrategies(engine: WebGpuEngine, ns: number[], durationMs: number, seed: number, say: (l: string) => void): Promise<void> {
  say(`Layouts compared (COBA, ${durationMs} ms each; step cost, and its ratio to the engine's pick: > 1 means that layout is slower):`);
  for (const n of ns) {
    const plan = compile(cobaDocument(n, durationMs, seed));
    const cells: string[] = [];
    let base = 0;
    for (const s of STRATEGIES) {
      if (s.maxN !== undefined && n > s.maxN) continue;
      const m = await measure(engine, [plan], s.options);
      const stepUs = (m.runMs * 1000) / plan.steps;
      if (base === 0) base = stepUs;
      const spikes = m.results[0]!.populations.reduce((a, p) => a + p.spikes, 0);
      const picked = base === stepUs ? ` = ${m.program.shape}, ${[...new Set(m.program.propagation.values())].join('/')}${m.program.scatter.size ? ` ${[...new Set(m.program.scatter.values())].join('/')}` : ''}` : '';
      cells.push(`${s.label}${picked}: ${fmt(stepUs)} µs (${fmt(stepUs / base)}×, ${spikes} spikes)`);
    }
    say(`  N = ${n}: ${cells.join('; ')}`);
  }
}


async function measure(engine: WebGpuEngine, plans: Plan[], extra: BatchRunOptions = {}): Promise<{ results: RunResult[]; setupMs: number; runMs: number; program: Program }> {
  let timing = { setupMs: 0, runMs: 0 };
  let program: Program | null = null;
  const results = await engine.runBatch(plans, {
    ...extra,
    onTiming: (t) => { timing = t; },
    onProgram: (p) => { program = p; },
  });
  return { results, ...timing, program: program! };
}

/** Synaptic events of a run: each spike times its block's mean out-degree. */
function events(plan: Plan, result: RunResult): number {
  let total = 0;
  for (const pop of result.populations) {
    const out = plan.projections.filter((p) => p.pre === pop.block).reduce((n, p) => n + p.byPre.idx.length, 0);
    total += pop.spikes * (out / pop.size);
  }
  return total;
}

const fmt = (x: number, digits = 3) => (x >= 100 ? x.toFixed(0) : x.toPrecision(digits));
const us = (ms: number, steps: number) => `${fmt((ms * 1000) / steps)} µs`;

/** Measures COBA at each N, then the batch figure; returns the report lines. */
export async function benchWebGpu(ns: number[], opts: WebGpuBenchOptions = {}): Promise<string[]> {
  const lines: string[] = [];
  const say = (l: string) => { lines.push(l); opts.onLine?.(l); };
  let engine = opts.engine;
  let owned = false;
  if (!engine) {
    const { createWebGpuEngine } = await import('../src-main/engines/webgpu/index.js');
    const created = await createWebGpuEngine();
    if ('unavailable' in created) {
      if (!process.env.VK_ICD_FILENAMES && existsSync(SWIFTSHADER_ICD)) {
        say(`WebGPU engine: ${created.unavailable}; measured on SwiftShader instead (a child process with VK_ICD_FILENAMES=${SWIFTSHADER_ICD})`);
        for (const l of onSwiftShader(ns, opts.peers)) say(l);
      } else {
        say(`WebGPU engine: not measured, ${created.unavailable}`);
      }
      return lines;
    }
    engine = created.engine;
    owned = true;
  }
  try {
    const software = engine.gpu.software;
    const seed = opts.seed ?? 1;
    const duration = opts.durationMs ?? (software ? 100 : 1000);
    say(`WebGPU engine on ${engine.deviceDescription}${software ? ' — a software adapter (GPU emulated on the CPU): these are not GPU figures' : ''}`);
    say(`COBA, p = 80/N, dt = 0.1 ms, ${duration} ms of biological time${duration !== 1000 ? ' (shortened)' : ''}; run time without preparation; step = dispatch overhead + work`);
    for (const n of ns) {
      if (software && n > (opts.softwareMaxN ?? 16000)) {
        say(`  N = ${n}: skipped on a software adapter`);
        continue;
      }
      const t0 = performance.now();
      const plan = compile(cobaDocument(n, duration, seed));
      const compileMs = performance.now() - t0;
      const full = await measure(engine, [plan]);
      const empty = await measure(engine, [plan], { emptyBodies: true });
      const r = full.results[0]!;
      const steps = plan.steps;
      const ev = events(plan, r);
      const rates = r.populations.map((p) => `${p.block} ${p.rateHz.toFixed(1)} Hz`).join(', ');
      const shape = full.program.shape === 'grid'
        ? `grid shape, ${full.program.groups.length} dispatch${full.program.groups.length === 1 ? '' : 'es'}/step`
        : 'workgroup shape, 1 dispatch/chunk';
      const peer = opts.peers?.get(n);
      const perBioS = full.runMs / duration; // run seconds per second of biological time
      const vs = [
        peer?.cpuS !== undefined ? `${fmt(peer.cpuS / perBioS)}× the CPU engine` : '',
        peer?.brian2S !== undefined ? `${fmt(peer.brian2S / perBioS)}× Brian2` : '',
      ].filter(Boolean).join(', ');
      say(
        `  N = ${n}: run ${fmt(full.runMs / 1000)} s (${fmt(duration / full.runMs)}× real time${vs ? `; ${vs}, per second of biological time` : ''}), preparation ${fmt(full.setupMs / 1000)} s, compile ${fmt(compileMs / 1000)} s; ` +
        `${ev.toExponential(2)} synaptic events, ${(ev / (full.runMs / 1000)).toExponential(2)}/s; ` +
        `step ${us(full.runMs, steps)} = ${us(empty.runMs, steps)} overhead + ${us(Math.max(0, full.runMs - empty.runMs), steps)} work; ${rates} [${shape}]`,
      );
    }
    // Batch: B copies (seeds) of one network side by side, against one copy alone.
    const B = opts.batchCopies ?? 64;
    const bn = opts.batchN ?? 1000;
    const bDuration = opts.batchDurationMs ?? (software ? 20 : 1000);
    const plans = Array.from({ length: B }, (_, k) => compile(cobaDocument(bn, bDuration, seed + k)));
    const batch = await measure(engine, plans);
    const single = await measure(engine, [plans[0]!]);
    const bioS = (B * bDuration) / 1000;
    const meanRate = batch.results.reduce((m, r) => m + r.populations.reduce((a, p) => a + p.rateHz * p.size, 0) / bn, 0) / B;
    say(
      `  batch: ${B} copies × N = ${bn} (seeds ${seed}–${seed + B - 1}), ${bDuration} ms each: run ${fmt(batch.runMs / 1000)} s for ${fmt(bioS)} s of biological time ` +
      `(${fmt(bioS / (batch.runMs / 1000))}× real time in all); one copy alone ${fmt(single.runMs / 1000)} s, so a copy in the batch costs ` +
      `${fmt(batch.runMs / B / single.runMs)}× a copy alone; mean rate ${meanRate.toFixed(1)} Hz [${batch.program.shape} shape]`,
    );
    const strategyMs = opts.strategyDurationMs ?? (software ? 50 : 1000);
    if (strategyMs > 0) {
      await benchStrategies(engine, ns.filter((n) => !software || n <= (opts.softwareMaxN ?? 16000)), strategyMs, seed, say);
    }
  } finally {
    if (owned) engine.dispose();
  }
  return lines;
}

/** Software Vulkan from Debian's chromium package (DEVELOPERS.md), for machines without a GPU. */
const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

/** The bench's lines from a child process that sees SwiftShader (the Vulkan loader reads VK_ICD_FILENAMES once, at start). */
function onSwiftShader(ns: number[], peers: WebGpuBenchOptions['peers']): string[] {
  const r = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), ns.join(','), JSON.stringify([...(peers ?? [])])], {
    env: { ...process.env, VK_ICD_FILENAMES: SWIFTSHADER_ICD },
    encoding: 'utf8',
    maxBuffer: 64 * 2 ** 20,
  });
  const out = r.stdout.split('\n').filter((l) => l.trim() !== '');
  if (r.status !== 0) out.push(`  (the SwiftShader run failed: ${r.error?.message ?? r.stderr.trim().split('\n').pop()})`);
  return out;
}

const isEntry = process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1];
if (isEntry) {
  // Arguments: N list, and optionally the peers' run seconds as JSON [[n, {cpuS, brian2S}], …].
  const ns = (process.argv[2] ?? '4000,64000,256000,1024000').split(',').map(Number);
  const peers = process.argv[3] ? new Map(JSON.parse(process.argv[3]) as Array<[number, { cpuS?: number; brian2S?: number }]>) : undefined;
  benchWebGpu(ns, { onLine: (l) => console.log(l), ...(peers ? { peers } : {}) }).catch((e: unknown) => {
    console.error(`bench webgpu: ${(e as Error).message}`);
    process.exitCode = 1;
  });
}
