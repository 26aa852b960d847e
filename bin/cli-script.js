// Runs the command's classic-script build (dist/cli/cli/main.script.cjs, scripts/build-cli.ts)
// with V8's code cache: the bytecode compiled at one start is kept and the next start of the
// same command reads it instead of compiling the 1.2 MB bundle again. Node 22 does this for
// modules (module.enableCompileCache); Node 20 only for scripts, through vm.Script (#15).
//
// The cache lives beside the bundle, in dist/cli/code-cache (a rebuild removes it with the
// bundle). It is never read from a folder others can write to: compiled code from there would
// run as the user. Where the folder cannot be written, the command runs without a cache.
// Plain JavaScript: it runs before anything could compile TypeScript.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import vm from 'node:vm';
import { SCRIPT_FILE } from './cli-bundle.js';

/** One cache per command: what a start compiles (and so what the cache holds) depends on it. */
const CACHED_COMMANDS = new Set(['run', 'validate']);

/**
 * The cache file of this Node and command; V8 itself also rejects a cache made by another
 * V8 or with other flags, or for a source of another length.
 * @param {string} dir the bundle folder (dist/cli)
 */
export function codeCacheFile(dir) {
  const command = CACHED_COMMANDS.has(process.argv[2] ?? '') ? process.argv[2] : 'other';
  return path.join(dir, 'code-cache', `${process.version}-${process.arch}-${command}.bin`);
}

/**
 * Runs the script build in `dir` (dist/cli) as the command; its import.meta stands for that
 * of the module build's cli/main.js.
 * @param {string} dir
 */
export function runCliScript(dir) {
  const file = path.join(dir, SCRIPT_FILE);
  const mainFile = path.join(dir, 'cli', 'main.js');
  const cacheFile = codeCacheFile(dir);
  let cachedData;
  try {
    cachedData = fs.readFileSync(cacheFile);
  } catch {
    cachedData = undefined;
  }
  const source = fs.readFileSync(file, 'utf8');
  // The CommonJS wrapper, with what the bundle reads in place of an ES module's import.meta and import().
  const wrapped = `(function (exports, require, module, __filename, __dirname, __sfImportMeta, __sfImport) {${source}\n})`;
  const script = new vm.Script(wrapped, { filename: file, cachedData });
  const used = cachedData !== undefined && !script.cachedDataRejected;
  if (!used) {
    // Written when the command is done (at exit, synchronously): by then the functions the
    // command ran have been compiled too, and the cache holds them — so only after a command
    // that succeeded, which ran all of its path. Written beside, then renamed, so that a
    // command starting meanwhile never reads half a file.
    process.once('exit', (code) => {
      if (code !== 0) return;
      try {
        fs.mkdirSync(path.dirname(cacheFile), { recursive: true });
        fs.accessSync(path.dirname(cacheFile), fs.constants.W_OK); // before the work of createCachedData
        const tmp = `${cacheFile}.${process.pid}.tmp`;
        fs.writeFileSync(tmp, script.createCachedData());
        fs.renameSync(tmp, cacheFile);
      } catch {
        // A read-only install: every start compiles, as without a cache.
      }
    });
  }
  const mainUrl = pathToFileURL(mainFile).href;
  const importMeta = { url: mainUrl, filename: mainFile, dirname: path.dirname(mainFile) };
  const load = script.runInThisContext();
  const module = { exports: {} };
  load(module.exports, createRequire(file), module, file, path.dirname(file), importMeta, (specifier) => import(specifier));
}
