#!/usr/bin/env node
// The `spikeflow` command.
//
// It runs the esbuild bundle in dist/cli (scripts/build-cli.ts; `npm run build:cli`, also
// run by `prepare` after `npm ci` / `npm install`), which starts in a fraction of the time
// tsx needs to compile the TypeScript sources. The bundle is used only while it is up to
// date (bin/cli-bundle.js). Otherwise — no bundle yet, or a source edited since the build —
// the sources run through tsx, so no build step ever stands between an edit and the CLI:
// it is only slower until the next `npm run build:cli`. SPIKEFLOW_CLI=tsx forces the sources.
import module from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { currentBundle } from './cli-bundle.js';

// Node ≥ 22.1 can keep V8's compiled code between starts (in the OS temp folder), which
// spares compiling the bundle's 1.3 MB each time; Node 20 has no such cache and skips this.
module.enableCompileCache?.();

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bundle = process.env.SPIKEFLOW_CLI === 'tsx' ? null : currentBundle(root);

if (bundle) {
  await import(pathToFileURL(bundle).href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src-main/cli/main.ts');
}
