/**
 * `spikeflow-web` entry: starts the web host on 127.0.0.1 and prints the address to open,
 * with the session token in the URL fragment. Ctrl+C stops it (runs in progress are
 * cancelled and kept as such in the lab).
 *
 *   tsx src-main/web-host/main.ts [--db lab.sqlite] [--port 0] [--renderer dist/renderer]
 */
import { parseArgs } from 'node:util';
import { defaultLabPath, ensureLabFolder } from '../store/default-location.js';
import { keepCpuWorkerWarm } from '../engines/cpu/cpu-engine.js';
import { startWebHost } from './server.js';

/** Starts the host from command-line arguments; returns it (tests) after printing the address. */
export async function main(argv: string[] = process.argv.slice(2)): Promise<Awaited<ReturnType<typeof startWebHost>>> {
  const { values } = parseArgs({
    args: argv,
    options: {
      db: { type: 'string' },
      port: { type: 'string' },
      renderer: { type: 'string' },
      examples: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) {
    console.log('usage: spikeflow-web [--db <lab.sqlite>] [--port <n>] [--renderer <dir>] [--examples <dir>]');
    process.exit(0);
  }
  const port = values.port === undefined ? 0 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port: "${values.port}" is not a port number (0 to 65535)`);
  let dbPath = values.db;
  if (dbPath === undefined) {
    dbPath = defaultLabPath();
    ensureLabFolder(dbPath);
  }
  const host = await startWebHost({
    dbPath,
    port,
    ...(values.renderer ? { rendererDir: values.renderer } : {}),
    ...(values.examples ? { examplesDir: values.examples } : {}),
  });
  // Runs follow one another here (live mode: one per edit): each finds its CPU worker booted.
  keepCpuWorkerWarm();
  console.log(`Spikeflow is running at ${host.url}`);
  console.log(`lab: ${dbPath}`);
  console.log('open the address above in a browser; press Ctrl+C to stop');
  let stopping = false;
  const stop = () => {
    if (stopping) process.exit(130);
    stopping = true;
    console.log('stopping…');
    host.close().then(() => process.exit(0), () => process.exit(1));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  return host;
}

// Run when started directly (tsx src-main/web-host/main.ts), not when imported.
const entry = process.argv[1] ?? '';
if (/web-host[\\/]main\.[cm]?[jt]s$/.test(entry)) {
  main().catch((err: Error) => {
    console.error(`spikeflow: ${err.message}`);
    process.exit(1);
  });
}
