/**
 * `npm start`: opens the desktop app where the Electron binary can be had, and otherwise
 * starts the web host and prints its address.
 *
 * The Electron binary is looked for without `require('electron')`, because that call
 * tries to download the binary when it is missing (no network here, or no wish to wait).
 * Before launching, the app shell is built (esbuild, about a second) and better-sqlite3 is
 * checked to load under Electron's Node ABI; if the window cannot start (no binary, no
 * display, a native module built for plain Node), the web host starts instead and the
 * reason is printed.
 *
 *   npm start                    desktop if possible, else web
 *   npm start -- --web [--port N] [--db FILE]   the web host
 *   npm start -- --desktop       the desktop app or an error
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Where the Electron binary is, or why there is none. Never downloads anything. */
export function findElectronBinary(env: NodeJS.ProcessEnv = process.env, from: string = root): { path: string } | { missing: string } {
  let dir: string;
  try {
    dir = path.dirname(createRequire(path.join(from, 'package.json')).resolve('electron/package.json'));
  } catch {
    return { missing: 'the electron package is not installed' };
  }
  const pathFile = path.join(dir, 'path.txt');
  const relative = fs.existsSync(pathFile) ? fs.readFileSync(pathFile, 'utf8').trim() : '';
  if (env.ELECTRON_OVERRIDE_DIST_PATH) {
    const p = path.join(env.ELECTRON_OVERRIDE_DIST_PATH, relative || (process.platform === 'win32' ? 'electron.exe' : 'electron'));
    return fs.existsSync(p) ? { path: p } : { missing: `ELECTRON_OVERRIDE_DIST_PATH has no Electron binary (${p})` };
  }
  // npm ci does not download it (package.json's allowScripts turns Electron's download off).
  if (!relative) return { missing: 'the Electron binary is not downloaded (`node node_modules/electron/install.js` downloads it)' };
  const binary = path.join(dir, 'dist', relative);
  return fs.existsSync(binary) ? { path: binary } : { missing: `the Electron binary is missing (${binary})` };
}

/** Whether better-sqlite3 loads under Electron's Node (it must be built for Electron's ABI). */
export function checkNativeModules(electron: string): { ok: true } | { ok: false; reason: string } {
  const r = spawnSync(electron, ['-e', "require('better-sqlite3')"], {
    cwd: root,
    env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
    encoding: 'utf8',
    timeout: 30_000,
  });
  if (r.error) return { ok: false, reason: `Electron could not be started: ${r.error.message}` };
  if (r.status === 0) return { ok: true };
  const text = `${r.stderr}${r.stdout}`;
  if (/NODE_MODULE_VERSION|was compiled against a different Node\.js version/.test(text)) {
    return {
      ok: false,
      reason: 'better-sqlite3 is built for Node, not for Electron; run `npx electron-builder install-app-deps` ' +
        '(and `npm rebuild better-sqlite3` before running the tests under Node again)',
    };
  }
  return { ok: false, reason: `Electron could not load better-sqlite3: ${text.trim().split('\n')[0] ?? `exit code ${r.status}`}` };
}

/** Builds the renderer when dist/renderer has no index.html and package.json says how. */
function ensureRenderer(): void {
  if (fs.existsSync(path.join(root, 'dist', 'renderer', 'index.html'))) return;
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { scripts?: Record<string, string> };
  if (!pkg.scripts?.['build:renderer']) {
    console.warn('note: dist/renderer is not built and package.json has no build:renderer script; the page will say so');
    return;
  }
  console.log('building the renderer (dist/renderer is missing)…');
  const r = spawnSync(process.platform === 'win32' ? 'npm.cmd' : 'npm', ['run', 'build:renderer'], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) console.warn('note: the renderer build failed; the page will say it is missing');
}

async function startWeb(args: string[]): Promise<void> {
  ensureRenderer();
  const { main } = await import('../src-main/web-host/main.js');
  await main(args);
}

/** Launches the desktop app; resolves false if it exits with an error within `graceMs`. */
async function startDesktop(electron: string, args: string[], graceMs = 4000): Promise<boolean> {
  const { buildApp } = await import('./build-app.js');
  await buildApp();
  ensureRenderer();
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { main?: string };
  const appArg = pkg.main === 'dist/app/main.js' ? root : path.join(root, 'dist', 'app', 'main.js');
  const env = { ...process.env };
  delete env.ELECTRON_RUN_AS_NODE;
  const child = spawn(electron, [appArg, ...args], { cwd: root, stdio: 'inherit', env });
  return new Promise((resolve) => {
    let started = false;
    const timer = setTimeout(() => {
      started = true;
      resolve(true);
    }, graceMs);
    child.once('error', () => {
      clearTimeout(timer);
      if (!started) resolve(false);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      // A quick failure (no display, a crash at start) falls back to the web host.
      if (!started && code !== 0) resolve(false);
      else process.exit(code ?? 0);
    });
  });
}

/**
 * One plain line where the machine has no GPU, said before anything looks for one. (Where
 * the Vulkan loader has no driver, the engines do not open Dawn at all, so none of its
 * native warnings reach this terminal; see src-main/engines/webgpu/vulkan-drivers.ts.)
 */
async function sayIfNoGpu(): Promise<void> {
  const { findVulkanDrivers } = await import('../src-main/engines/webgpu/vulkan-drivers.js');
  const drivers = findVulkanDrivers();
  if (drivers && drivers.found.length === 0) console.log('No GPU found: simulations run on the CPU');
}

async function run(argv: string[]): Promise<void> {
  await sayIfNoGpu();
  const web = argv.includes('--web');
  const desktopOnly = argv.includes('--desktop');
  const rest = argv.filter((a) => a !== '--web' && a !== '--desktop');
  if (web) return startWeb(rest);
  const found = findElectronBinary();
  let reason: string;
  if ('path' in found) {
    const native = checkNativeModules(found.path);
    if (native.ok) {
      if (await startDesktop(found.path, desktopOnly ? rest : [])) return;
      reason = 'the desktop window could not start (see the messages above; is there a display?)';
    } else reason = native.reason;
  } else reason = found.missing;
  if (desktopOnly) throw new Error(`cannot open the desktop app: ${reason}`);
  console.log(`desktop app unavailable: ${reason}`);
  console.log('starting the web host instead');
  await startWeb(rest);
}

const entry = process.argv[1] ?? '';
if (/start\.[cm]?[jt]s$/.test(entry)) {
  run(process.argv.slice(2)).catch((err: Error) => {
    console.error(`spikeflow: ${err.message}`);
    process.exit(1);
  });
}
