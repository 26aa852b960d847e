/**
 * The CLI bundle as scripts/build-cli.ts writes it, run in plain Node (no tsx): every
 * module the sources load through a variable specifier is found where the bundled code
 * looks for it (the lab-store commands, the CPU engine's worker, the WebGPU engine for a
 * run and for --explain), and the bundle loads nothing but Node built-ins, its own files
 * and the native packages left outside it. Its classic-script twin, which bin/spikeflow.js
 * runs with V8's code cache, does the same, and reads, writes and replaces its cache.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCRIPT_FILE } from '../../bin/cli-bundle.js';
import { buildCli, type CliInputs } from '../../scripts/build-cli.js';
import { importsOf } from '../helpers/bundle-imports.js';

const SWIFTSHADER = '/usr/lib/chromium/vk_swiftshader_icd.json';
const root = fileURLToPath(new URL('../../', import.meta.url));
// Inside the repository, so that the native packages resolve from node_modules as they do for dist/cli.
const out = path.join(root, 'dist', `.test-cli-${process.pid}`);
const work = path.join(out, 'work');
const example = path.join(root, 'assets', 'examples', 'ampa-lif.json');

/** Node running `entry` (a file under the build folder) with `args`. */
function spawnNode(entry: string, args: string[]) {
  const r = spawnSync(process.execPath, [path.join(out, entry), ...args], {
    cwd: root,
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, VK_ICD_FILENAMES: process.env.VK_ICD_FILENAMES ?? SWIFTSHADER, NO_COLOR: '1' },
  });
  if (r.error) throw r.error;
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The command's module build. */
const bundled = (...args: string[]) => spawnNode(path.join('cli', 'main.js'), args);

/** The command as bin/spikeflow.js runs it: the classic-script build, with the code cache (bin/cli-script.js). */
const scripted = (...args: string[]) => spawnNode('drive.mjs', args);

beforeAll(async () => {
  await buildCli({ outDir: out, quiet: true });
  fs.mkdirSync(work, { recursive: true });
  const loader = pathToFileURL(path.join(root, 'bin', 'cli-script.js')).href;
  fs.writeFileSync(path.join(out, 'drive.mjs'), `import { runCliScript } from ${JSON.stringify(loader)};\nrunCliScript(${JSON.stringify(out)});\n`);
}, 60_000);

afterAll(() => fs.rmSync(out, { recursive: true, force: true }));

describe('the CLI bundle', () => {
  it('lists the sources it was built from, with the time the build began', () => {
    const inputs = JSON.parse(fs.readFileSync(path.join(out, 'inputs.json'), 'utf8')) as CliInputs;
    expect(inputs.files).toEqual(expect.arrayContaining(['src-main/cli/main.ts', 'src-main/engines/cpu/cpu-worker.ts', 'kernels/neurons/lif.ts']));
    expect(inputs.files.some((f) => f.includes('node_modules'))).toBe(false);
    expect(inputs.builtAtMs).toBeLessThanOrEqual(fs.statSync(path.join(out, 'cli', 'main.js')).mtimeMs);
  });

  it('loads only Node built-ins, its own files and the native packages', () => {
    const files = fs.readdirSync(out, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.js'));
    expect(files.length).toBeGreaterThan(4);
    for (const file of files) {
      for (const spec of importsOf(fs.readFileSync(path.join(out, file), 'utf8'))) {
        if (builtinModules.includes(spec.replace(/^node:/, ''))) continue;
        if (spec.startsWith('./') || spec.startsWith('../')) {
          expect(fs.existsSync(path.resolve(out, path.dirname(file), spec)), `${file} imports ${spec}`).toBe(true);
          continue;
        }
        expect(['better-sqlite3', 'webgpu'], `${file} imports ${spec}`).toContain(spec);
      }
    }
  });

  it('loads for `run` none of the commands it does not run, and zod with English messages only', () => {
    // The files `cli/main.js` loads before any code runs: its static imports, transitively.
    const closure = new Set<string>();
    const visit = (file: string) => {
      if (closure.has(file)) return;
      closure.add(file);
      const code = fs.readFileSync(path.join(out, file), 'utf8');
      for (const m of code.matchAll(/(?:\bfrom|^import)\s*"(\.\.?\/[\w./-]+)"/gm)) visit(path.join(path.dirname(file), m[1]!));
    };
    visit('cli/main.js');
    // esbuild heads each module's code with a comment naming its source file.
    const modules = [...closure].flatMap((f) => [...fs.readFileSync(path.join(out, f), 'utf8').matchAll(/^\/\/ ((?:src-|node_modules\/)[\w@./-]+)$/gm)].map((m) => m[1]!));
    expect(modules).toContain('src-main/cli/run-command.ts');
    expect(modules).toContain('src-main/compiler/compile.ts');
    for (const unused of ['src-main/store/', 'src-main/export/', 'src-main/cli/store-commands.ts', 'node_modules/cli-progress/']) {
      expect(modules.filter((m) => m.startsWith(unused)), unused).toEqual([]);
    }
    const all = fs.readdirSync(out, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.js'));
    const zodLocales = all.flatMap((f) => [...fs.readFileSync(path.join(out, f), 'utf8').matchAll(/^\/\/ node_modules\/zod\/v4\/locales\/([\w-]+)\.js$/gm)].map((m) => m[1]!));
    expect(zodLocales.sort()).toEqual(['en', 'index']);
  });

  it('still lists every command in its help and runs the store commands', () => {
    const help = bundled('--help');
    expect(help.code, help.stderr).toBe(0);
    for (const c of ['run', 'validate', 'projects', 'runs', 'export', 'check', 'delete-run', 'export-model', 'import-run']) expect(help.stdout).toMatch(new RegExp(`^  ${c} `, 'm'));
    const typo = bundled('export-modl');
    expect(typo.code).not.toBe(0);
    expect(typo.stderr).toMatch(/Did you mean export-model\?/);
  });

  it('validates a project', () => {
    const r = bundled('validate', example);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/valid — 3 blocks, 1 synapse block, 3 probes, 1000 steps/);
  });

  it('runs on the CPU engine with the worker beside the bundle, and keeps the run in a lab', () => {
    const db = path.join(work, 'lab.sqlite');
    const r = bundled('run', example, '--engine', 'cpu', '--out-dir', path.join(work, 'cpu'), '--db', db);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/on the cpu engine/);
    expect(fs.readFileSync(path.join(work, 'cpu', 'V.csv'), 'utf8').trim().split('\n')).toHaveLength(1002);
    const runs = bundled('runs', '--db', db);
    expect(runs.code, runs.stderr).toBe(0);
    expect(runs.stdout).toMatch(/^1\s+AMPA → LIF\s+v1\s+cpu\s.*finished/m);
  });

  it('finds the WebGPU engine for a run and for --explain', () => {
    const explain = bundled('run', example, '--engine', 'webgpu', '--explain');
    expect(explain.code, explain.stderr).toBe(0);
    expect(explain.stdout).toMatch(/WebGPU program [0-9a-f]+/);
    const r = bundled('run', example, '--engine', 'webgpu', '--out-dir', path.join(work, 'gpu'));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/on the webgpu engine/);
    expect(fs.existsSync(path.join(work, 'gpu', 'g.csv'))).toBe(true);
  });
});

describe('the classic-script build, with the code cache', () => {
  const cacheDir = path.join(out, 'code-cache');
  const cacheOf = (command: string) => path.join(cacheDir, `${process.version}-${process.arch}-${command}.bin`);

  it('calls no import() of its own: every variable-specifier or native import goes through the loader', () => {
    const script = fs.readFileSync(path.join(out, SCRIPT_FILE), 'utf8');
    expect(script).not.toMatch(/\bimport\((?=\s*["'\w])/);
    expect(script).toContain('__sfImport(new URL(specifier, __sfImportMeta.url).href)');
  });

  it('writes a cache at the first start of a command that succeeds and reads it, unchanged, at the next', () => {
    fs.rmSync(cacheDir, { recursive: true, force: true });
    // A failed command ran only part of its path: its cache would hold little.
    const failed = scripted('validate', path.join(work, 'missing.json'));
    expect(failed.code).not.toBe(0);
    expect(fs.existsSync(cacheOf('validate'))).toBe(false);
    const first = scripted('validate', example);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/valid — 3 blocks, 1 synapse block, 3 probes, 1000 steps/);
    const written = fs.statSync(cacheOf('validate'));
    expect(written.size).toBeGreaterThan(10_000);
    const second = scripted('validate', example);
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toBe(first.stdout);
    // Accepted by V8, so not written again.
    expect(fs.statSync(cacheOf('validate')).mtimeMs).toBe(written.mtimeMs);
  });

  it('runs as usual on a damaged cache, and replaces it', () => {
    fs.mkdirSync(cacheDir, { recursive: true });
    fs.writeFileSync(cacheOf('validate'), Buffer.alloc(5000, 7));
    const r = scripted('validate', example);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/valid — 3 blocks/);
    const cache = fs.readFileSync(cacheOf('validate'));
    expect(cache.equals(Buffer.alloc(5000, 7))).toBe(false);
  });

  it('runs on the CPU engine, lists the store commands and finds the WebGPU engine, as the module build does', () => {
    const cpu = scripted('run', example, '--engine', 'cpu', '--out-dir', path.join(work, 'script-cpu'));
    expect(cpu.code, cpu.stderr).toBe(0);
    const mod = bundled('run', example, '--engine', 'cpu', '--out-dir', path.join(work, 'module-cpu'));
    expect(mod.code, mod.stderr).toBe(0);
    expect(fs.readFileSync(path.join(work, 'script-cpu', 'V.csv'), 'utf8')).toBe(fs.readFileSync(path.join(work, 'module-cpu', 'V.csv'), 'utf8'));
    const help = scripted('--help');
    expect(help.code, help.stderr).toBe(0);
    expect(help.stdout).toMatch(/^  delete-run /m);
    const version = scripted('--version');
    expect(version.code, version.stderr).toBe(0);
    expect(version.stdout.trim()).toBe((JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string }).version);
    const explain = scripted('run', example, '--engine', 'webgpu', '--explain');
    expect(explain.code, explain.stderr).toBe(0);
    expect(explain.stdout).toMatch(/WebGPU program [0-9a-f]+/);
  });
});
