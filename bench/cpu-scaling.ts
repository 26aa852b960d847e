/**
 * The whole `spikeflow run` process against Brian2, as a user meets them (issue #15): COBA
 * (bench/coba-document.ts) for 1 s at dt = 0.1 ms, at each N, measured one after the other
 * in one run on the same machine:
 *
 *   spikeflow  `node bin/spikeflow.js run coba.json --engine cpu --verbose` (the built CLI):
 *              process wall (start, compile with connectivity, engine, stepping, CSV), the
 *              stepping loop alone (from --verbose), peak RSS; with its default threads,
 *              or --threads T.
 *   classic    Brian2's classic COBA (forward Euler), cpp_standalone binary on one thread:
 *              binary wall (connectivity, initialisation, run, results), loop, peak RSS.
 *   models     Brian2 with Spikeflow's numerics (bench/brian2/coba.py --method models).
 *   openmp     classic COBA with OpenMP on the threads Spikeflow used.
 *
 * Brian2's build (code generation and compilation) is cached per variant and N in
 * --brian2-dir and never counted. Ratios > 1: Spikeflow faster (or smaller).
 *
 *   npx tsx bench/cpu-scaling.ts [--n 4000,16000,64000,256000] [--threads T] [--seed S]
 *                                [--rounds R] [--no-brian2] [--brian2-dir DIR]
 * (`npm run bench:scaling`; `npm run bench` runs it after its own table.)
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { currentBundle } from '../bin/cli-bundle.js';
import { buildCli } from '../scripts/build-cli.js';
import { cobaDocument } from './coba-document.js';
import { median } from './median.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CLI = join(ROOT, 'bin', 'spikeflow.js');
const PYTHON = '/usr/bin/python3';
const BRIAN2 = join(ROOT, 'bench', 'brian2', 'coba.py');
const TIME = '/usr/bin/time';

export interface SpikeflowRow {
  wallS: number;
  loopS: number;
  compileS: number;
  startS: number;
  threads: number;
  peakRssKb: number | null;
  rateHz: number;
}

interface Brian2Json {
  run_s: number;
  binary_s: number;
  peak_rss_kb: number;
  rate_hz: number;
  built: boolean;
  build_s: number;
}

/** Runs a command; peak RSS from /usr/bin/time where it exists. */
function timed(command: string, args: string[], env: NodeJS.ProcessEnv = process.env): { wallS: number; stdout: string; stderr: string; peakRssKb: number | null } {
  const withTime = existsSync(TIME);
  const t0 = performance.now();
  const r = withTime
    ? spawnSync(TIME, ['-f', 'PEAK_RSS_KB=%M', command, ...args], { encoding: 'utf8', env, maxBuffer: 64 << 20 })
    : spawnSync(command, args, { encoding: 'utf8', env, maxBuffer: 64 << 20 });
  const wallS = (performance.now() - t0) / 1000;
  if (r.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (exit ${r.status}): ${r.stderr.trim().split('\n').slice(-4).join(' | ')}`);
  const rss = /PEAK_RSS_KB=(\d+)/.exec(r.stderr);
  return { wallS, stdout: r.stdout, stderr: r.stderr, peakRssKb: rss ? Number(rss[1]) : null };
}

/** The whole `spikeflow run` process for COBA at n. */
export function runSpikeflow(n: number, seed: number, threads: number | undefined, work: string, env: NodeJS.ProcessEnv = process.env): SpikeflowRow {
  const doc = join(work, `coba${n}.json`);
  writeFileSync(doc, JSON.stringify(cobaDocument(n, 1000, seed)));
  const outDir = join(work, `out${n}`);
  const args = [CLI, 'run', doc, '--engine', 'cpu', '--out-dir', outDir, '--verbose', ...(threads ? ['--threads', String(threads)] : [])];
  const r = timed(process.execPath, args, env);
  const num = (re: RegExp, text: string) => Number(re.exec(text)?.[1] ?? NaN);
  const rates = [...r.stdout.matchAll(/ (\d+) neurons +(\d+) spikes/g)].map((m) => [Number(m[1]), Number(m[2])] as const);
  const neurons = rates.reduce((a, x) => a + x[0], 0);
  return {
    wallS: r.wallS,
    loopS: num(/stepping ([\d.]+) s/, r.stderr),
    compileS: num(/compile ([\d.]+) s/, r.stderr),
    startS: num(/time: start ([\d.]+) s/, r.stderr),
    threads: num(/\((\d+) threads\)/, r.stdout) || 1,
    peakRssKb: r.peakRssKb,
    rateHz: neurons > 0 ? rates.reduce((a, x) => a + x[1], 0) / neurons : NaN,
  };
}

/**
 * This environment without NODE_EXTRA_CA_CERTS, where it is set: Node 20 then reads and parses
 * that certificate file at every start, before any script runs (60 ms for the 144 certificates
 * of Debian's bundle on this VM, more than Node's whole start without it). A machine set up
 * for a proxy has it; a user's laptop rarely does, and the CLI opens no connection.
 */
function withoutExtraCa(): NodeJS.ProcessEnv | null {
  if (process.env.NODE_EXTRA_CA_CERTS === undefined) return null;
  const env = { ...process.env };
  delete env.NODE_EXTRA_CA_CERTS;
  return env;
}

/** Median wall of `node -e 0` over 7 starts: the part of every whole-process figure no code of ours runs in. */
export function nodeStartS(env: NodeJS.ProcessEnv = process.env): number {
  const walls: number[] = [];
  for (let k = 0; k < 7; k++) {
    const t0 = performance.now();
    spawnSync(process.execPath, ['-e', '0'], { env, stdio: 'ignore' });
    walls.push((performance.now() - t0) / 1000);
  }
  return median(walls);
}

function runBrian2(n: number, seed: number, dir: string, method: 'euler' | 'models', threads: number): Brian2Json {
  const r = spawnSync(PYTHON, [BRIAN2, String(n), String(seed), dir, '--method', method, '--threads', String(threads)], {
    encoding: 'utf8', env: { ...process.env, PYTHONWARNINGS: 'ignore' }, maxBuffer: 64 << 20,
  });
  const line = r.stdout.trim().split('\n').reverse().find((l) => l.startsWith('{'));
  if (r.status !== 0 || !line) throw new Error(`Brian2 (${method}, ${threads} threads) at N=${n} failed: ${r.stderr.trim().split('\n').slice(-3).join(' | ')}`);
  return JSON.parse(line) as Brian2Json;
}

const s = (v: number | undefined) => (v === undefined || Number.isNaN(v) ? '-' : v >= 100 ? v.toFixed(0) : v.toFixed(2));
const mb = (kb: number | null | undefined) => (kb ? (kb / 1024).toFixed(0) : '-');
const ratio = (a: number | undefined, b: number | undefined) => (a && b ? `${(a / b).toFixed(2)}×` : '-');

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => (r[c] ?? '').length)));
  const line = (cells: string[]) => cells.map((x, c) => (c === 0 ? x.padEnd(widths[c]!) : x.padStart(widths[c]!))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

export interface ScalingOptions {
  seed?: number;
  threads?: number;
  brian2?: boolean;
  brian2Dir?: string;
  /**
   * Rounds per N (default 1): each runs Spikeflow and the Brian2 variants once, one after
   * the other, and the table gives each column's median over the rounds (ratios from those
   * medians). On a machine whose speed drifts — a shared VM — a round alone can catch one
   * program in a slow spell and the other in a fast one.
   */
  rounds?: number;
}

/** A row whose every number is the median of the rounds' (the first round's otherwise). */
function medianRow<T extends object>(rounds: T[]): T {
  const first = rounds[0]!;
  const out = { ...first } as Record<string, unknown>;
  for (const [key, value] of Object.entries(first)) {
    if (typeof value === 'number') out[key] = median(rounds.map((r) => (r as Record<string, number>)[key]!));
  }
  return out as T;
}

/** "1.2–1.5" over the rounds, or nothing for one round. */
const spread = (xs: number[]) => (xs.length > 1 ? ` [${s(Math.min(...xs))}–${s(Math.max(...xs))}]` : '');

/** Measures every N and returns the report's lines. */
export async function benchCpuScaling(ns: number[], opts: ScalingOptions = {}): Promise<string[]> {
  // The built CLI, as `npm ci` leaves it: where a source changed since the build, bin/spikeflow.js
  // would run the sources through tsx (~0.7 s more start) and the figures would not be a user's.
  if (!currentBundle(ROOT)) await buildCli({ quiet: true });
  const seed = opts.seed ?? 1;
  const brian2Dir = opts.brian2Dir ?? join(ROOT, 'out', 'bench-brian2');
  const withBrian2 = opts.brian2 !== false && existsSync(PYTHON) && spawnSync(PYTHON, ['-c', 'import brian2'], { stdio: 'ignore' }).status === 0;
  mkdirSync(brian2Dir, { recursive: true });
  const work = mkdtempSync(join(tmpdir(), 'spikeflow-scaling-'));
  const rows: string[][] = [];
  const rounds = Math.max(1, opts.rounds ?? 1);
  const bare = withoutExtraCa();
  const nodeStart = nodeStartS();
  const out: string[] = [
    `COBA, 1 s at dt 0.1 ms, p = 80/N, seed ${seed}; ${availableParallelism()} cores; Spikeflow threads: ${opts.threads ?? 'default'}; Brian2: ${withBrian2 ? 'cpp_standalone' : 'not available'}` +
      (rounds > 1 ? `; ${rounds} rounds per N, medians [min–max]` : ''),
    `Node's own start (node -e 0, median of 7): ${s(nodeStart)} s` +
      (bare ? `; NODE_EXTRA_CA_CERTS is set here, and Node reads it at every start: ${s(nodeStartS(bare))} s without it ("no CA" column)` : ''),
  ];
  try {
    for (const n of ns) {
      const notes: string[] = [];
      const tryRun = (method: 'euler' | 'models', threads: number) => {
        try {
          const r = runBrian2(n, seed, brian2Dir, method, threads);
          if (r.built) notes.push(`${method}${threads ? `/omp${threads}` : ''} built in ${s(r.build_s)} s (not counted)`);
          return r;
        } catch (e) {
          notes.push((e as Error).message);
          return undefined;
        }
      };
      const sfs: SpikeflowRow[] = [];
      const bares: SpikeflowRow[] = [];
      const classics: Brian2Json[] = [];
      const modelss: Brian2Json[] = [];
      const omps: Brian2Json[] = [];
      for (let round = 0; round < rounds; round++) {
        const one = runSpikeflow(n, seed, opts.threads, work);
        sfs.push(one);
        if (bare) bares.push(runSpikeflow(n, seed, opts.threads, work, bare));
        if (!withBrian2) continue;
        const c = tryRun('euler', 0);
        if (c) classics.push(c);
        const m = tryRun('models', 0);
        if (m) modelss.push(m);
        const o = one.threads > 1 ? tryRun('euler', one.threads) : undefined;
        if (o) omps.push(o);
      }
      const sf = medianRow(sfs);
      const sfBare = bares.length ? medianRow(bares) : undefined;
      const classic = classics.length ? medianRow(classics) : undefined;
      const models = modelss.length ? medianRow(modelss) : undefined;
      const omp = omps.length ? medianRow(omps) : undefined;
      rows.push([
        String(n), String(sf.threads), s(sf.startS), s(sf.compileS), s(sf.loopS), s(sf.wallS), s(sfBare?.wallS), mb(sf.peakRssKb),
        s(classic?.binary_s), s(classic?.run_s), mb(classic?.peak_rss_kb), s(models?.run_s), s(omp?.binary_s), mb(omp?.peak_rss_kb),
        ratio(classic?.binary_s, sf.wallS), ratio(models?.run_s, sf.loopS), ratio(omp?.binary_s, sf.wallS),
        ratio(classic?.peak_rss_kb, sf.peakRssKb ?? undefined),
      ]);
      out.push(`  N=${n}: spikeflow ${s(sf.wallS)} s whole${spread(sfs.map((r) => r.wallS))}` +
        (sfBare ? ` (${s(sfBare.wallS)} s${spread(bares.map((r) => r.wallS))} without NODE_EXTRA_CA_CERTS)` : '') +
        ` (${s(sf.loopS)} s loop, ${sf.threads} thread(s), ${sf.rateHz.toFixed(2)} Hz)` +
        (classic ? `; Brian2 classic ${s(classic.binary_s)} s binary${spread(classics.map((r) => r.binary_s))} (${classic.rate_hz.toFixed(2)} Hz)` : '') +
        (omp ? `; OpenMP ${s(omp.binary_s)} s${spread(omps.map((r) => r.binary_s))}` : '') + (notes.length ? `; ${notes.join('; ')}` : ''));
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  out.push('', table([
    'N', 'thr', 'SF start s', 'SF compile s', 'SF loop s', 'SF whole s', 'SF no CA s', 'SF RSS MB',
    'B2 classic s', 'B2 loop s', 'B2 RSS MB', 'B2 models loop s', 'B2 OpenMP s', 'B2 OMP RSS MB',
    'classic/SF', 'models/SF loop', 'OpenMP/SF', 'RSS B2/SF',
  ], rows));
  out.push('SF whole s: the `spikeflow run` process, start to exit (CSV written); SF loop s: its stepping alone (--verbose).',
    'SF no CA s: the same process started without NODE_EXTRA_CA_CERTS, where this environment sets it (\'-\' where it does not).',
    'B2 classic s: the Brian2 binary (forward Euler, one thread), connectivity and results included; B2 loop s its run alone.',
    'B2 models: Brian2 with Spikeflow\'s numerics (loop); B2 OpenMP: classic with OpenMP on Spikeflow\'s thread count.',
    'Ratios > 1: Spikeflow faster (smaller). RSS: peak resident memory of the process (/usr/bin/time).');
  return out;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({
    options: {
      n: { type: 'string', default: '4000,16000,64000,256000' },
      threads: { type: 'string' },
      seed: { type: 'string', default: '1' },
      'no-brian2': { type: 'boolean', default: false },
      'brian2-dir': { type: 'string' },
      rounds: { type: 'string', default: '1' },
    },
  });
  const ns = values.n!.split(',').map((x) => Number(x.trim().replace(/k$/i, '000')));
  for (const line of await benchCpuScaling(ns, {
    seed: Number(values.seed),
    ...(values.threads ? { threads: Number(values.threads) } : {}),
    brian2: !values['no-brian2'],
    ...(values['brian2-dir'] ? { brian2Dir: values['brian2-dir'] } : {}),
    rounds: Number(values.rounds),
  })) console.log(line);
}
