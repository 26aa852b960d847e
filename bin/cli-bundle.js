// Which code bin/spikeflow.js runs: the esbuild bundle in dist/cli when it is up to date,
// else nothing (the caller then runs the TypeScript sources through tsx). Plain JavaScript,
// because it runs before anything could compile TypeScript.
import fs from 'node:fs';
import path from 'node:path';

/** The classic-script build of the command (scripts/build-cli.ts scriptBuild), in dist/cli. */
export const SCRIPT_FILE = 'cli/main.script.cjs';

/**
 * The bundle's entry file under `root` (its module build; bin/spikeflow.js runs the
 * classic-script build beside it), or null when there is none or it is out of date:
 * some source file it was built from (dist/cli/inputs.json lists them, relative to `root`)
 * is missing or was modified after the build began.
 * @param {string} root the repository root
 * @returns {string | null}
 */
export function currentBundle(root) {
  const dir = path.join(root, 'dist', 'cli');
  const entry = path.join(dir, 'cli', 'main.js');
  let inputs;
  try {
    inputs = JSON.parse(fs.readFileSync(path.join(dir, 'inputs.json'), 'utf8'));
  } catch {
    return null;
  }
  // Both builds of the command: the module (entry) and its classic-script twin (cli-script.js).
  if (!fs.existsSync(entry) || !fs.existsSync(path.join(dir, SCRIPT_FILE))) return null;
  if (!Array.isArray(inputs.files) || typeof inputs.builtAtMs !== 'number') return null;
  for (const file of inputs.files) {
    const stat = fs.statSync(path.join(root, file), { throwIfNoEntry: false });
    if (!stat || stat.mtimeMs > inputs.builtAtMs) return null;
  }
  return entry;
}
