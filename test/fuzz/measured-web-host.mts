/**
 * The web host of the fuzz test, with its event loop measured: starts the host in this
 * process (as src-main/web-host/main.ts does) and prints "running at <url>". Each line
 * "mark" on stdin is answered with `since <wall ms> <busy ms>`: the longest the loop was
 * held up since the previous mark (so the test can tell which document did it), as a
 * clock on the wall saw it, and counting only the main thread's own time on a CPU (Linux's
 * /proc/<pid>/task/<pid>/schedstat; the wall time where that cannot be read). The second
 * is what the host's code did; the difference is time the thread waited for a CPU, which
 * on a busy shared machine says nothing about the host. When stdin closes it prints
 * `delay {json}` with the delays over the whole run in ms (the longest, percentiles, how
 * many samples were held up more than 50 and 100 ms), then stops. The delay is how late a
 * timer ran: the time the loop was blocked.
 *   node --import tsx test/fuzz/measured-web-host.mts --db lab.sqlite --renderer <dir>
 */
import fs from 'node:fs';
import readline from 'node:readline';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { startWebHost } from '../../src-main/web-host/server.js';

const { values } = parseArgs({ options: { db: { type: 'string' }, renderer: { type: 'string' } } });
const host = await startWebHost({ dbPath: values.db!, rendererDir: values.renderer!, port: 0 });
// A timer every 5 ms; each sample is how late it ran.
const RESOLUTION_MS = 5;
const delay = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
const late = { over50: 0, over100: 0 };
/** The main thread's time on a CPU so far, ms (its thread id is the process id), or null. */
const SCHEDSTAT = `/proc/${process.pid}/task/${process.pid}/schedstat`;
function mainThreadCpuMs(): number | null {
  try {
    return Number(fs.readFileSync(SCHEDSTAT, 'latin1').split(' ')[0]) / 1e6;
  } catch {
    return null;
  }
}
let sinceMark = 0;
let busySinceMark = 0;
let last = performance.now();
let lastCpu = mainThreadCpuMs();
const tick = setInterval(() => {
  const now = performance.now();
  const cpu = mainThreadCpuMs();
  const lateBy = now - last - RESOLUTION_MS;
  if (lateBy > 50) late.over50++;
  if (lateBy > 100) late.over100++;
  sinceMark = Math.max(sinceMark, lateBy);
  busySinceMark = Math.max(busySinceMark, cpu === null || lastCpu === null ? lateBy : Math.min(lateBy, cpu - lastCpu));
  last = now;
  lastCpu = cpu;
}, RESOLUTION_MS);
delay.enable();
console.log(`Spikeflow is running at ${host.url}`);
readline.createInterface({ input: process.stdin }).on('line', (line) => {
  if (line !== 'mark') return;
  // Answered from a timer, so that a stall still under way is counted before the answer.
  setTimeout(() => {
    console.log(`since ${sinceMark.toFixed(1)} ${busySinceMark.toFixed(1)}`);
    sinceMark = 0;
    busySinceMark = 0;
  }, RESOLUTION_MS);
});
process.stdin.on('end', () => {
  delay.disable();
  clearInterval(tick);
  const ms = (ns: number) => Math.round(ns / 1e4) / 100;
  console.log(`delay ${JSON.stringify({ max: ms(delay.max), p99: ms(delay.percentile(99)), p50: ms(delay.percentile(50)), ...late })}`);
  void host.close().then(() => process.exit(0));
});
