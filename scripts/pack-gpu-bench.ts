/**
 * Packs the WebGPU benchmark into one folder, `.gpu-bench/`, that runs on a machine with a
 * GPU and nothing else installed (a lent GPU machine has no Node and no network): the bench
 * bundled into one file by esbuild, Dawn's Node binding for linux-x64, and this machine's
 * Node binary, gzipped. On that machine, with the Vulkan loader present:
 *
 *   gunzip -c .gpu-bench/node.gz > /tmp/node && chmod +x /tmp/node &&
 *   /tmp/node .gpu-bench/webgpu-bench.mjs 4000,64000,256000,1024000
 *
 * Usage: npx tsx scripts/pack-gpu-bench.ts [out folder]   (about 45 MB)
 */
import { copyFileSync, createReadStream, createWriteStream, mkdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { createGzip } from 'node:zlib';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('../', import.meta.url));
const out = process.argv[2] ?? join(root, '.gpu-bench');

rmSync(out, { recursive: true, force: true });
const dawnDir = join(out, 'node_modules', 'webgpu');
mkdirSync(join(dawnDir, 'dist', 'linux-x64'), { recursive: true });

await build({
  entryPoints: [join(root, 'bench', 'webgpu.ts')],
  outfile: join(out, 'webgpu-bench.mjs'),
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  // Dawn is a native module: it is copied beside the bundle instead.
  external: ['webgpu'],
  // The bundle is the entry itself, as bench/webgpu.ts is under tsx.
  banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
  logLevel: 'warning',
});

const webgpu = join(root, 'node_modules', 'webgpu');
for (const f of ['package.json', 'index.js']) copyFileSync(join(webgpu, f), join(dawnDir, f));
copyFileSync(join(webgpu, 'dist', 'linux-x64', 'dawn.node'), join(dawnDir, 'dist', 'linux-x64', 'dawn.node'));
await pipeline(createReadStream(process.execPath), createGzip({ level: 6 }), createWriteStream(join(out, 'node.gz')));

const mb = (p: string) => (statSync(p).size / 2 ** 20).toFixed(1);
console.log(`packed ${out}: bench ${mb(join(out, 'webgpu-bench.mjs'))} MiB, dawn.node ${mb(join(dawnDir, 'dist', 'linux-x64', 'dawn.node'))} MiB, node.gz ${mb(join(out, 'node.gz'))} MiB (Node ${process.version})`);
