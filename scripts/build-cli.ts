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
 *   dist/cli/cli/main.script.cjs         main.js again as one classic script, which bin/spikeflow.js
 *                                        runs with V8's code cache (scriptBuild, bin/cli-script.js)
 *   dist/cli/code-cache/                 that cache, written by the first start of each command
 *   dist/cli/inputs.json                 the source files bundled, for bin/spikeflow.js's freshness check
 *
 * npm packages are bundled except the native ones (better-sqlite3, webgpu), which load
 * from node_modules; bundling the rest saves resolving and reading hundreds of files.
 */
import { build, type BuildOptions, type Metafile, type Plugin } from 'esbuild';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SCRIPT_FILE } from '../bin/cli-bundle.js';

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

/**
 * The dynamic imports by a variable specifier (`import(specifier)`, see the layout above),
 * made calls of `__sfImport`, the loader's import, with the specifier resolved against the
 * bundle's URL as the module bundle resolves it; so are those of the packages left outside
 * the bundle. A classic script may not call import() itself without an experimental Node API.
 */
const importThroughLoader: Plugin = {
  name: 'import-through-loader',
  setup(b) {
    b.onLoad({ filter: /[\\/]src-(main|shared)[\\/].*\.ts$/ }, (args) => {
      const text = fs.readFileSync(args.path, 'utf8');
      const contents = text
        .replace(/\bimport\((\s*[A-Za-z_$][\w$]*\s*)\)/g, '__sfImport(new URL($1, import.meta.url).href)')
        // Node built-ins and the native packages, which esbuild leaves as import() calls.
        .replace(/\bimport\((\s*(['"])(?:node:[\w/]+|better-sqlite3|webgpu)\2\s*)\)/g, '__sfImport($1)');
      return { contents, loader: 'ts' };
    });
  },
};

/**
 * The command as one classic script (CommonJS, no chunks), which bin/spikeflow.js compiles
 * with V8's code cache (bin/cli-script.js): Node 20 keeps no compiled code between starts of
 * an ES module, and compiling the bundle cost every command about 50-70 ms (issue #15). It
 * reads `import.meta` as `__sfImportMeta` (that of cli/main.js, so that cpu-worker.js and
 * the variable-specifier modules resolve as they do from the module bundle); the loader
 * passes it, `require` and `__sfImport`. The modules it imports by a variable specifier
 * (the WebGPU engine, the store commands at help) are the module build's files.
 */
export function scriptBuild(outDir: string): BuildOptions {
  return {
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    absWorkingDir: root,
    entryPoints: { [SCRIPT_FILE.replace(/\.cjs$/, '')]: 'src-main/cli/main.ts' },
    outExtension: { '.js': '.cjs' },
    outdir: outDir,
    external: nativePackages,
    define: { 'import.meta': '__sfImportMeta' },
    legalComments: 'none',
    logLevel: 'warning',
    plugins: [englishOnlyZod, importThroughLoader],
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
  const [result] = await Promise.all([build(cliBuild(tmp)), build(scriptBuild(tmp))]);
  const script = fs.readFileSync(path.join(tmp, SCRIPT_FILE), 'utf8');
  // A classic script cannot run import(): every one must have become __sfImport or require.
  // (A call's argument starts with a name or a quote; `import()` in comments and
  // import(${…}) in code text written for a worker do not.)
  const left = /\bimport\((?=\s*["'\w])/.exec(script);
  if (left) throw new Error(`build-cli: ${SCRIPT_FILE} still calls import() (${script.slice(left.index, left.index + 60)}…)`);
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
