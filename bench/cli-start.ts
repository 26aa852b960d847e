/**
 * How long the `spikeflow` command takes from start to exit, for `npm run bench`: the whole
 * process's wall time (what a user or a script calling it waits), median of 5 runs, for
 * `validate` and for a short `run` (the AMPA example, 100 ms at dt 0.1 ms, CPU engine),
 * through the built bundle (what `spikeflow` runs after `npm ci`: its classic-script build
 * with V8's code cache), its module build without that cache, and through tsx (what it
 * runs while sources are newer than the bundle). `node -e 0` is the floor: Node's own start.
 * The machine's load average is printed beside, since other processes stretch every figure.
 * Runs alone with `npx tsx bench/cli-start.ts [runs]`.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { currentBundle } from '../bin/cli-bundle.js';
import { buildCli } from '../scripts/build-cli.js';
import { median } from './median.js';

const root = fileURLToPath(new URL('../', import.meta.url));
const bin = path.join(root, 'bin', 'spikeflow.js');
const example = path.join(root, 'assets', 'examples', 'ampa-lif.json');

/** Wall time in seconds of one process, which must exit with status 0. */
function timeProcess(args: string[], env: NodeJS.ProcessEnv): number {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, args, { cwd: root, env, encoding: 'utf8', timeout: 120_000 });
  const s = (performance.now() - t0) / 1000;
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`node ${args.join(' ')} failed: ${(r.stderr || r.stdout).trim().split('\n')[0]}`);
  return s;
}

/** Median start-to-exit times of the CLI; one line per command and way of running it. */
export async function benchCliStart(runs = 5): Promise<string[]> {
  const lines: string[] = [];
  if (!currentBundle(root)) {
    await buildCli({ quiet: true });
    lines.push('cli: the bundle in dist/cli was missing or older than the sources; rebuilt it first');
  }
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'spikeflow-cli-start-'));
  const env = { ...process.env, NO_COLOR: '1' };
  const cases: Array<{ label: string; args: string[]; env: NodeJS.ProcessEnv }> = [
    { label: 'node -e 0 (Node alone)', args: ['-e', '0'], env },
  ];
  // The module build run directly: the bundle without the code cache bin/spikeflow.js uses (cli-script.js).
  const moduleBuild = path.join(root, 'dist', 'cli', 'cli', 'main.js');
  for (const [way, entry, wayEnv] of [['bundle', bin, env], ['module, no cache', moduleBuild, env], ['tsx', bin, { ...env, SPIKEFLOW_CLI: 'tsx' }]] as const) {
    cases.push({ label: `validate, ${way}`, args: [entry, 'validate', example], env: wayEnv });
    cases.push({ label: `run 100 ms (cpu), ${way}`, args: [entry, 'run', example, '--engine', 'cpu', '--out-dir', out], env: wayEnv });
  }
  try {
    const times = new Map(cases.map((c) => [c, [] as number[]]));
    // Interleaved, so that every case sees the same changes in machine load.
    for (let r = 0; r < runs; r++) for (const c of cases) times.get(c)!.push(timeProcess(c.args, c.env));
    const [load1] = os.loadavg();
    lines.push(`cli: whole-process wall time, median of ${runs}; ${os.cpus().length} cores, load average ${load1!.toFixed(1)}`);
    for (const c of cases) {
      const t = times.get(c)!;
      lines.push(`  ${c.label.padEnd(36)} ${median(t).toFixed(3)} s  (${t.map((x) => x.toFixed(2)).join(' ')})`);
    }
    return lines;
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const runs = process.argv[2] ? Number(process.argv[2]) : undefined;
  for (const line of await benchCliStart(runs)) console.log(line);
}
