/**
 * Creates a folder and the folders above it that are missing, as `mkdir -p` does, for paths a
 * user names (--out-dir, an export folder, a lab's folder).
 *
 * Not fs.mkdirSync(dir, { recursive: true }): on Node 20 it never returns for a path under
 * /proc (`--out-dir /proc/x` spun a core in system calls until killed), because there mkdir
 * answers ENOENT although the parent exists, and Node's recursive mkdir answers ENOENT by
 * creating the parent and trying again. Here each missing folder is made once, from the
 * first that exists down, and any refusal is an error naming the folder.
 */
import fs from 'node:fs';
import path from 'node:path';

export function makeFolder(dir: string): void {
  const missing: string[] = [];
  let at = path.resolve(dir);
  for (;;) {
    const stat = statOrNothing(at);
    if (stat) {
      if (!stat.isDirectory()) throw new Error(`${at} is not a folder`);
      break;
    }
    missing.push(at);
    const up = path.dirname(at);
    if (up === at) break; // a root that does not exist: mkdir below says why
    at = up;
  }
  for (const folder of missing.reverse()) {
    try {
      fs.mkdirSync(folder);
    } catch (e) {
      // Made meanwhile by someone else: as good as made here.
      if ((e as NodeJS.ErrnoException).code === 'EEXIST' && fs.statSync(folder, { throwIfNoEntry: false })?.isDirectory()) continue;
      throw e;
    }
  }
}

/** The folder's stat, or undefined where nothing is there (or a file stands in the way above it). */
function statOrNothing(at: string): fs.Stats | undefined {
  try {
    return fs.statSync(at, { throwIfNoEntry: false });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOTDIR') return undefined;
    throw e;
  }
}
