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
import { fileURLToPath } from 'node:url';
import { currentBundle } from './cli-bundle.js';
import { runCliScript } from './cli-script.js';

// Node ≥ 22.1 can keep V8's compiled code between starts of modules (in the OS temp folder):
// for tsx's and the sources' modules here. The bundle has its own cache (cli-script.js).
module.enableCompileCache?.();

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bundle = process.env.SPIKEFLOW_CLI === 'tsx' ? null : currentBundle(root);

if (bundle) {
  // The bundle's classic-script twin, compiled with V8's code cache (bin/cli-script.js).
  runCliScript(path.dirname(path.dirname(bundle)));
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src-main/cli/main.ts');
}
