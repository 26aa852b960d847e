/**
 * Where the lab lives when no `--db` is given: the XDG data directory for the CLI
 * (`$XDG_DATA_HOME/spikeflow/lab.sqlite`, else `~/.local/share/spikeflow/lab.sqlite`), or
 * Electron's `userData` folder, which the app passes in.
 */
import os from 'node:os';
import path from 'node:path';
import { LabError } from './errors.js';
import { makeFolder } from '../files/make-folder.js';

/** File name of the lab inside a data folder. */
export const LAB_FILE_NAME = 'lab.sqlite';

/** The CLI's default lab file, following the XDG base directory spec. */
export function defaultLabPath(env: NodeJS.ProcessEnv = process.env, home: string = os.homedir()): string {
  // The spec says a relative XDG_DATA_HOME is invalid and must be ignored.
  const xdg = env.XDG_DATA_HOME;
  const dataHome = xdg && path.isAbsolute(xdg) ? xdg : path.join(home, '.local', 'share');
  return path.join(dataHome, 'spikeflow', LAB_FILE_NAME);
}

/** The app's lab file inside Electron's `app.getPath('userData')`. */
export function labPathInUserData(userDataDir: string): string {
  return path.join(userDataDir, LAB_FILE_NAME);
}

/** Creates the folder of a default lab location (not of a `--db` path, where a typo should fail). */
export function ensureLabFolder(file: string): void {
  const dir = path.dirname(file);
  try {
    makeFolder(dir);
  } catch (cause) {
    throw new LabError(`cannot create the lab folder ${dir}: ${(cause as Error).message}`, file, { cause });
  }
}
