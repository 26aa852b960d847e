/**
 * The version `spikeflow --version` prints: that of the package the command belongs to, read
 * from the nearest package.json named "spikeflow" above this module. The sources run from
 * src-main/cli, the built command from dist/cli (scripts/build-cli.ts): both lie inside the
 * package, so one lookup serves both, and the number is written in one place.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export function packageVersion(from: string = import.meta.url): string {
  let dir = path.dirname(fileURLToPath(from));
  for (;;) {
    try {
      const pkg = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { name?: unknown; version?: unknown };
      if (pkg.name === 'spikeflow' && typeof pkg.version === 'string') return pkg.version;
    } catch {
      // no package.json here (or not one to read): look further up
    }
    const up = path.dirname(dir);
    if (up === dir) return 'unknown';
    dir = up;
  }
}
