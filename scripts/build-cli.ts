/**
 * Builds the `spikeflow` command line into dist/cli with esbuild, so that a command starts
 * without tsx compiling the TypeScript sources first (about 1 s saved on every start).
 * bin/spikeflow.js runs the bundle when it is up to date and the sources through tsx
 * otherwise. `npm run build:cli` (also run by `prepare`, after `npm ci` / `npm install`);
 * `tsx scripts/build-cli.ts [--out-dir <dir>]`.
 *
 * Layout. Some modules load others through a variable specifier (so that Dawn and the
 * lab store load only when asked for), which esbuild cannot follow: the path is resolved
 * at run time relative to the bundle file that holds the calling code. Every such target
 * is therefore built as its own entry where the main bundle's code looks for it:
 *
 *   dist/cli/cli/main.js                 the command (src-main/cli/main.ts and what it imports)
 *   dist/cli/cli/store-commands.js       main.ts:        import('./store-commands.js')
 *   dist/cli/cli/cpu-worker.js           cpu-engine.ts:  new Worker(new URL('./cpu-worker.js'))
 *   dist/cli/cli/webgpu/index.js         engines/select.ts: import('./webgpu/index.js')
 *   dist/cli/engines/webgpu/index.js     cli/run-command.ts: import('../engines/webgpu/index.js')
 *   dist/cli/cli/chunk-*.js              code shared between these
 *   dist/cli/inputs.json                 the source files bundled, for bin/spikeflow.js's freshness check
 *
 * npm packages are bundled except the native ones (better-sqlite3, webgpu), which load
 * from node_modules; bundling the rest saves resolving and reading hundreds of files.
 */
import { build, type BuildOptions, type Metafile, type Plugin } from 'esbuild';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const defaultOutDir = path.join(root, 'dist', 'cli');

/** Packages with native addons (or files loaded beside them): never bundled. */
const nativePackages = ['better-sqlite3', 'webgpu'];

/**
 * zod's `locales` namespace (error messages in some 50 languages, half of zod's 750 kB) is
 * re-exported by zod's index, so esbuild keeps all of it although only English is ever used
 * (zod's schemas import en.js themselves, and nothing here calls `z.locales` or `z.config`).
 * Compiling it cost every command about 20-40 ms of start-up (issue #15): the bundle gets
 * a locales module with English alone.
 */
const englishOnlyZod: Plugin = {
  name: 'english-only-zod',
  setup(b) {
    b.onLoad({ filter: /[\\/]zod[\\/]v4[\\/]locales[\\/]index\.js$/ }, (args) => ({
      contents: 'export { default as en } from "./en.js";',
      resolveDir: path.dirname(args.path),
    }));
  },
};

/** The esbuild options of the CLI bundle written into `outDir`. */
export function cliBuild(outDir: string): BuildOptions {
  return {
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    absWorkingDir: root,
    entryPoints: {
      'cli/main': 'src-main/cli/main.ts',
      'cli/store-commands': 'src-main/cli/store-commands.ts',
      'cli/cpu-worker': 'src-main/engines/cpu/cpu-worker.ts',
      'cli/webgpu/index': 'src-main/engines/webgpu/index.ts',
      'engines/webgpu/index': 'src-main/engines/webgpu/index.ts',
    },
    outdir: outDir,
    // Shared code goes into chunks beside main.js (so its relative paths resolve as main's
    // do), loaded once however many entries import it; store-commands.js, loaded at every
    // start, then costs 70 kB instead of a second copy of zod.
    splitting: true,
    chunkNames: 'cli/[name]-[hash]',
    external: nativePackages,
    // Bundled CommonJS packages (commander, csv-stringify…) call require() for Node built-ins.
    banner: { js: 'import { createRequire as __sfCreateRequire } from "node:module"; const require = __sfCreateRequire(import.meta.url);' },
    legalComments: 'none',
    logLevel: 'warning',
    metafile: true,
    plugins: [englishOnlyZod],
  };
}

/** dist/cli/inputs.json: when the build started and which source files it read. */
export interface CliInputs {
  builtAtMs: number;
  files: string[];
}

/** The repository's own source files among a build's inputs (relative to the repository). */
export function sourceInputs(metafile: Metafile): string[] {
  return Object.keys(metafile.inputs).filter((f) => !f.includes('node_modules/')).sort();
}

/** Builds the CLI into `outDir` (default dist/cli) and returns that folder. */
export async function buildCli(options: { outDir?: string; quiet?: boolean } = {}): Promise<string> {
  const dir = options.outDir ?? defaultOutDir;
  // Build beside, then swap in, so that a CLI started meanwhile never sees half a bundle.
  const tmp = `${dir}.tmp-${process.pid}`;
  fs.rmSync(tmp, { recursive: true, force: true });
  // Taken before esbuild reads the sources: a file saved during the build counts as newer.
  const builtAtMs = Date.now();
  const result = await build(cliBuild(tmp));
  const inputs: CliInputs = { builtAtMs, files: sourceInputs(result.metafile!) };
  fs.writeFileSync(path.join(tmp, 'inputs.json'), `${JSON.stringify(inputs, null, 1)}\n`);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.renameSync(tmp, dir);
  if (!options.quiet) console.log(`built the command line into ${path.relative(root, dir) || dir}`);
  return dir;
}

const entry = process.argv[1] ?? '';
if (/build-cli\.[cm]?[jt]s$/.test(entry)) {
  const i = process.argv.indexOf('--out-dir');
  buildCli({ outDir: i > 0 ? path.resolve(process.argv[i + 1]!) : undefined }).catch((err: Error) => {
    console.error(err.message);
    process.exit(1);
  });
}
