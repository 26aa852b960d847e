/**
 * `npm run bench`: the COBA network (bench/coba-document.ts) at N = 4000, 16000, 64000 and
 * 256000 with p = 80/N for 1 s of biological time at dt = 0.1 ms, on Spikeflow's CPU engine
 * and — where /usr/bin/python3 can import brian2 — on Brian2 cpp_standalone (build time
 * excluded; the compiled project is cached per N in out/bench-brian2), both measured in the
 * same run, one after the other. Then the WebGPU engine (bench/webgpu.ts) and the lab store
 * (bench/store.ts), where those modules exist, and the command line's start-to-exit time
 * (bench/cli-start.ts).
 *
 *   npm run bench -- [--n 4000,16000] [--quick] [--repeat K] [--seed S] [--no-brian2]
 *                    [--brian2-dir DIR] [--method models|euler]
 *
 * Times are best of K runs (K = 3 up to N = 16000, otherwise 1, unless --repeat is given).
 * ratio = Brian2 run time / Spikeflow CPU run time: above 1 means Spikeflow is faster.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cpus } from 'node:os';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { runJsonChild } from './child-json.js';
import { benchCpu, type Row } from './cpu.js';

const PYTHON = '/usr/bin/python3';
const BRIAN2_SCRIPT = fileURLToPath(new URL('./brian2/coba.py', import.meta.url));
const DEFAULT_NS = [4000, 16000, 64000, 256000];
const QUICK_NS = [4000, 16000];

export interface Brian2Row {
  n: number;
  seed: number;
  synapses: number;
  /** Wall time of the simulation run alone (inside the binary). */
  run_s: number;
  /** Brian2's own main-loop time (CPU time without OpenMP). */
  loop_cpu_s: number;
  /** The whole binary: connectivity, initialisation, run, writing results. */
  binary_s: number;
  rate_hz: number;
  rate_e_hz: number;
  rate_i_hz: number;
  built: boolean;
  build_s: number;
  method: string;
}

function parseNs(text: string): number[] {
  const ns = text.split(',').map((s) => s.trim()).filter(Boolean).map((s) => {
    const v = Number(s.replace(/k$/i, '000'));
    if (!Number.isInteger(v) || v < 80 || v % 5 !== 0) throw new Error(`--n: "${s}" is not a multiple of 5 of at least 80`);
    return v;
  });
  if (ns.length === 0) throw new Error('--n needs at least one size');
  return ns;
}

/** Whether Debian's python3-brian is usable. */
export function brian2Available(): boolean {
  if (!existsSync(PYTHON)) return false;
  const r = spawnSync(PYTHON, ['-c', 'import brian2'], { stdio: 'ignore', timeout: 120_000 });
  return r.status === 0;
}

/** Runs bench/brian2/coba.py once; resolves with its JSON line. */
export function runBrian2(n: number, seed: number, buildDir: string, method = 'models', durationMs = 1000): Promise<Brian2Row> {
  return runJsonChild<Brian2Row>(
    PYTHON,
    [BRIAN2_SCRIPT, String(n), String(seed), buildDir, '--method', method, '--duration', String(durationMs)],
    `Brian2 at N=${n}`,
    { env: { ...process.env, PYTHONWARNINGS: 'ignore' } },
  );
}

const fmt = {
  int: (v: number) => Math.round(v).toLocaleString('en-US'),
  s: (v: number) => (v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(3)),
  hz: (v: number) => v.toFixed(2),
  eps: (v: number) => (v >= 1e6 ? `${(v / 1e6).toFixed(1)} M` : v >= 1e3 ? `${(v / 1e3).toFixed(1)} k` : v.toFixed(0)),
  ratio: (v: number) => `${v.toFixed(2)}×`,
};

/** A plain text table: right-aligned columns, padEnd/padStart only. */
export function formatTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => (r[c] ?? '').length)));
  const line = (cells: string[]) => cells.map((x, c) => (c === 0 ? x.padEnd(widths[c]!) : x.padStart(widths[c]!))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

function best<T>(items: T[], key: (t: T) => number): T {
  return items.reduce((a, b) => (key(b) < key(a) ? b : a));
}

/** Prints what an optional bench module returned: lines, rows (objects) or nothing. */
function printResult(label: string, result: unknown): void {
  if (result === undefined || result === null) return;
  if (typeof result === 'string') { console.log(result); return; }
  if (Array.isArray(result)) {
    if (result.every((r) => typeof r === 'string')) { for (const r of result) console.log(r); return; }
    if (result.every((r) => r && typeof r === 'object' && !Array.isArray(r))) {
      const keys = [...new Set(result.flatMap((r) => Object.keys(r as object)))];
      const cell = (v: unknown) => (typeof v === 'number' ? (Number.isInteger(v) ? fmt.int(v) : v.toPrecision(4)) : typeof v === 'object' ? JSON.stringify(v) : String(v));
      console.log(formatTable(keys, result.map((r) => keys.map((k) => cell((r as Record<string, unknown>)[k])))));
      return;
    }
  }
  console.log(`${label}: ${JSON.stringify(result)}`);
}

/** Imports bench/<name>.ts if it exists and calls its export; notes and skips on failure. */
async function optionalBench(file: string, fn: string, args: unknown[]): Promise<void> {
  const path = fileURLToPath(new URL(`./${file}`, import.meta.url));
  console.log(`\n${fn} (bench/${file})`);
  if (!existsSync(path)) {
    console.log(`  skipped: bench/${file} does not exist yet`);
    return;
  }
  try {
    const mod = (await import(pathToFileURL(path).href)) as Record<string, unknown>;
    const f = mod[fn];
    if (typeof f !== 'function') {
      console.log(`  skipped: bench/${file} has no export ${fn}()`);
      return;
    }
    printResult(fn, await (f as (...a: unknown[]) => unknown)(...args));
  } catch (e) {
    console.log(`  skipped: ${fn} failed: ${(e as Error).message.split('\n')[0]}`);
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      n: { type: 'string' },
      quick: { type: 'boolean', default: false },
      repeat: { type: 'string' },
      seed: { type: 'string', default: '1' },
      'no-brian2': { type: 'boolean', default: false },
      'brian2-dir': { type: 'string', default: 'out/bench-brian2' },
      method: { type: 'string', default: 'models' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    allowPositionals: false,
  });
  if (values.help) {
    console.log('npm run bench -- [--n 4000,16000] [--quick] [--repeat K] [--seed S] [--no-brian2] [--brian2-dir DIR] [--method models|euler]');
    return;
  }
  const ns = values.n ? parseNs(values.n) : values.quick ? QUICK_NS : DEFAULT_NS;
  const seed = Number(values.seed);
  if (!Number.isInteger(seed) || seed < 0) throw new Error('--seed must be a non-negative integer');
  const repeatFor = (n: number) => (values.repeat ? Math.max(1, Number(values.repeat)) : values.quick ? 1 : n <= 16000 ? 3 : 1);
  const method = values.method!;
  if (method !== 'models' && method !== 'euler') throw new Error('--method is models or euler');

  const withBrian2 = !values['no-brian2'] && brian2Available();
  console.log(`COBA benchmark: N = ${ns.join(', ')}; p = 80/N; 1 s at dt 0.1 ms; seed ${seed}; ` +
    `${cpus().length} CPU cores (${cpus()[0]?.model ?? 'unknown'}); Node ${process.version}`);
  console.log(withBrian2
    ? `Brian2 cpp_standalone (${method} numerics, one thread), cached builds in ${values['brian2-dir']}`
    : values['no-brian2'] ? 'Brian2: skipped (--no-brian2)' : `Brian2: skipped (${PYTHON} cannot import brian2)`);

  const table: string[][] = [];
  const peers = new Map<number, { cpuS: number; brian2S?: number }>();
  for (const n of ns) {
    const k = repeatFor(n);
    const cpuRuns: Row[] = [];
    const b2Runs: Brian2Row[] = [];
    for (let r = 0; r < k; r++) {
      // Interleaved, so both see the same machine load.
      const [row] = await benchCpu([n], { seed });
      cpuRuns.push(row!);
      process.stdout.write(`  N=${n} run ${r + 1}/${k}: Spikeflow CPU ${fmt.s(row!.runS)} s (compile ${fmt.s(row!.compileS)} s), ${fmt.hz(row!.rateHz)} Hz`);
      if (withBrian2) {
        try {
          const b = await runBrian2(n, seed, values['brian2-dir']!, method);
          b2Runs.push(b);
          process.stdout.write(`; Brian2 ${fmt.s(b.run_s)} s${b.built ? ` (built in ${fmt.s(b.build_s)} s, not counted)` : ''}, ${fmt.hz(b.rate_hz)} Hz`);
        } catch (e) {
          process.stdout.write(`; Brian2 failed: ${(e as Error).message}`);
        }
      }
      process.stdout.write('\n');
    }
    const c = best(cpuRuns, (x) => x.runS);
    const b = b2Runs.length > 0 ? best(b2Runs, (x) => x.run_s) : undefined;
    peers.set(n, b ? { cpuS: c.runS, brian2S: b.run_s } : { cpuS: c.runS });
    table.push([
      fmt.int(n), fmt.int(c.synapses), fmt.s(c.compileS), fmt.s(c.runS), fmt.eps(c.eventsPerS), fmt.hz(c.rateHz),
      b ? fmt.s(b.run_s) : '-', b ? fmt.s(b.binary_s) : '-', b ? fmt.hz(b.rate_hz) : '-', b ? fmt.ratio(b.run_s / c.runS) : '-',
      b ? fmt.ratio(Math.min(...b2Runs.map((x) => x.loop_cpu_s)) / Math.min(...cpuRuns.map((x) => x.runCpuS))) : '-',
    ]);
  }
  console.log('');
  console.log(formatTable(
    ['N', 'synapses', 'compile s', 'CPU run s', 'events/s', 'rate Hz', 'Brian2 run s', 'Brian2 binary s', 'Brian2 Hz', 'ratio', 'ratio cpu-time'],
    table,
  ));
  console.log('compile s: Spikeflow compile (connectivity drawn); CPU run s: 1 s of network time, best of runs.\n' +
    'Brian2 run s: its simulation loop alone; Brian2 binary s: connectivity, initialisation, run and writing results.\n' +
    'ratio = Brian2 run s / CPU run s (> 1: Spikeflow faster); ratio cpu-time: the same with process CPU time\n' +
    '(Brian2\'s own loop timer vs Spikeflow\'s run), steadier when other jobs share the machine.\n' +
    'Synapse counts are Spikeflow\'s; Brian2 draws its own with the same p. Each Spikeflow run is a fresh Node process.');

  // The whole process against Brian2 classic, OpenMP and peak memory (issue #15).
  await optionalBench('cpu-scaling.ts', 'benchCpuScaling', [ns, { seed, brian2: withBrian2, brian2Dir: values['brian2-dir'] }]);
  await optionalBench('literature.ts', 'benchLiterature', [{ seeds: values.quick ? [seed] : [seed, seed + 1, seed + 2], brian2: withBrian2 }]);
  await optionalBench('webgpu.ts', 'benchWebGpu', [ns, { peers }]);
  await optionalBench('store.ts', 'benchStore', []);
  await optionalBench('cli-start.ts', 'benchCliStart', []);
}

const isEntry = process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1];
if (isEntry) {
  main().catch((e: unknown) => {
    console.error(`bench: ${(e as Error).message}`);
    process.exitCode = 1;
  });
}
