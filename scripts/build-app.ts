/**
 * Builds the Electron shell into dist/app with esbuild (already installed with tsx):
 *
 *   dist/app/main.js          the main process (ESM), src-main/app/main.ts and everything it uses
 *   dist/app/cpu-worker.js    the CPU engine's worker, beside main.js where cpu-engine.ts looks for it
 *   dist/app/webgpu/index.js  the WebGPU engine, loaded on demand by engines/select.ts
 *   dist/app/preload.cjs      the sandboxed preload (CommonJS, only `electron` outside it)
 *
 * npm packages stay external (they ship in the app's node_modules; better-sqlite3 and
 * webgpu are native). Usage: `tsx scripts/build-app.ts [--watch]`.
 */
import { build, context, type BuildOptions } from 'esbuild';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outDir = path.join(root, 'dist', 'app');

const common: BuildOptions = {
  bundle: true,
  platform: 'node',
  target: 'node22',
  sourcemap: 'linked',
  packages: 'external',
  logLevel: 'warning',
  absWorkingDir: root,
  legalComments: 'none',
};

/** The builds into `outDir`, each with the options esbuild needs. */
export function appBuilds(outDir: string): BuildOptions[] {
  return [
    {
      ...common,
      format: 'esm',
      entryPoints: {
        main: 'src-main/app/main.ts',
        'cpu-worker': 'src-main/engines/cpu/cpu-worker.ts',
        'webgpu/index': 'src-main/engines/webgpu/index.ts',
      },
      outdir: outDir,
    },
    {
      ...common,
      format: 'cjs',
      entryPoints: { preload: 'src-main/preload/preload.ts' },
      outdir: outDir,
      outExtension: { '.js': '.cjs' },
      external: ['electron'],
    },
  ];
}

/** Builds everything once (or watches with `watch: true`) into dist/app or `outDir`. */
export async function buildApp(options: { watch?: boolean; outDir?: string; quiet?: boolean } = {}): Promise<string> {
  const dir = options.outDir ?? outDir;
  const builds = appBuilds(dir);
  fs.rmSync(dir, { recursive: true, force: true });
  if (options.watch) {
    for (const b of builds) await (await context(b)).watch();
    console.log(`watching; output in ${path.relative(root, dir)}`);
    return dir;
  }
  await Promise.all(builds.map((b) => build(b)));
  if (!options.quiet) console.log(`built the app shell into ${path.relative(root, dir)}`);
  return dir;
}

const entry = process.argv[1] ?? '';
if (/build-app\.[cm]?[jt]s$/.test(entry)) {
  buildApp({ watch: process.argv.includes('--watch') }).catch((err: Error) => {
    console.error(err.message);
    process.exit(1);
  });
}
