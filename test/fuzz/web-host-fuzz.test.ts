/**
 * Fuzzing the web host: the documents of documents.ts go through `validate`,
 * `importProject` and `startRun` of a web host in its own process (1 GiB of data,
 * prlimit --data), while a second client in another process keeps calling a cheap method
 * and timing the answers. The host must answer every call (a result or an error), stay up,
 * and keep answering the second client within 100 ms (measured and printed; asserted
 * generously, since the machine running the tests is shared).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import { WebSocket } from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiCallError, connectApi, tokenFromUrl, webSocketUrl, type ApiClient, type SocketLike } from '../../src-main/web-host/ws-client.js';
import { fuzzDocuments, type FuzzDocument } from './documents.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const EXAMPLES = path.join(ROOT, 'assets', 'examples');
const MEMORY_CAP = 2 ** 30;

let dir: string;
let host: ChildProcess;
let url: string;
let hostOutput = '';

/** Starts a process and resolves with the first stdout line matching `pattern`. */
function startAndWait(args: string[], pattern: RegExp): Promise<{ child: ChildProcess; match: RegExpMatchArray }> {
  const child = spawn('prlimit', [`--data=${MEMORY_CAP}`, process.execPath, '--import', 'tsx', ...args], {
    cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' },
  });
  child.stderr!.on('data', (d: Buffer) => { hostOutput += d.toString('utf8'); });
  return new Promise((resolve, reject) => {
    const lines = readline.createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      const match = pattern.exec(line);
      if (match) resolve({ child, match });
    });
    child.on('exit', (code, signal) => reject(new Error(`${args.join(' ')} exited (${code ?? signal}) before it was ready: ${hostOutput.slice(-500)}`)));
  });
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'spikeflow-fuzz-web-'));
  const renderer = path.join(dir, 'renderer');
  fs.mkdirSync(renderer);
  fs.writeFileSync(path.join(renderer, 'index.html'), '<!doctype html><title>Spikeflow</title>');
  const started = await startAndWait(
    ['src-main/web-host/main.ts', '--db', path.join(dir, 'lab.sqlite'), '--port', '0', '--renderer', renderer],
    /running at (\S+)/,
  );
  host = started.child;
  url = started.match[1]!;
}, 60_000);

afterAll(async () => {
  if (host && host.exitCode === null) {
    const exited = new Promise((r) => host.once('exit', r));
    host.kill('SIGTERM');
    await exited;
  }
  fs.rmSync(dir, { recursive: true, force: true });
});

function connect(): ApiClient {
  return connectApi(webSocketUrl(url, tokenFromUrl(url)!), (u) => new WebSocket(u, { maxPayload: 256 * 1024 * 1024 }) as unknown as SocketLike);
}

/** A call's outcome: 'ok', or the error's message (an ApiCallError is an answer too). */
async function outcome(p: Promise<unknown>): Promise<{ ok: boolean; message?: string; answered: boolean; ms: number }> {
  const t0 = performance.now();
  try {
    await p;
    return { ok: true, answered: true, ms: performance.now() - t0 };
  } catch (e) {
    return { ok: false, message: (e as Error).message, answered: e instanceof ApiCallError && !/connection to Spikeflow closed/.test((e as Error).message), ms: performance.now() - t0 };
  }
}

const percentile = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))]!;

describe('fuzzing the web host', () => {
  it('answers validate, importProject and startRun for every document while another client is answered promptly', async () => {
    const docs: FuzzDocument[] = fuzzDocuments(EXAMPLES);
    expect(docs.length).toBeGreaterThanOrEqual(300);
    const client = connect();
    await client.ready;
    const fallback = await client.invoke('createProject', ['fuzz', JSON.parse(fs.readFileSync(path.join(EXAMPLES, 'ampa-lif.json'), 'utf8'))]);

    const probe = await startAndWait([path.join('test', 'fuzz', 'latency-client.mts'), url], /^ready$/);
    const latencies: number[] = [];
    readline.createInterface({ input: probe.child.stdout! }).on('line', (l) => { const ms = Number(l); if (Number.isFinite(ms)) latencies.push(ms); });
    const probeEnded = new Promise((r) => probe.child.once('exit', r));

    const counts = { validate: { ok: 0, refused: 0 }, importProject: { ok: 0, refused: 0 }, startRun: { ok: 0, refused: 0 } };
    const unanswered: string[] = [];
    const slowest: Array<{ call: string; ms: number }> = [];
    for (const d of docs) {
      // Bytes as a browser's file reader gives them: UTF-8, bad sequences replaced.
      const text = d.bytes.toString('utf8');
      let parsed: unknown = text;
      // Sent as text where it does not parse, or cannot be sent as parsed (nesting too deep
      // for JSON.stringify): validate then refuses it.
      try { parsed = JSON.parse(text.replace(/^\uFEFF/, '')); JSON.stringify(parsed); } catch { parsed = text; }
      const results = {
        validate: await outcome(client.invoke('validate', [parsed]).then((r) => { if (!r.ok) throw new Error('invalid'); })),
        importProject: await outcome(client.invoke('importProject', [text])),
        startRun: { ok: false, answered: true, ms: 0 } as Awaited<ReturnType<typeof outcome>>,
      };
      const run = client.invoke('startRun', [{ projectId: fallback.project.id, document: parsed, engine: 'cpu' }]);
      results.startRun = await outcome(run.then(async (info) => { await client.invoke('stopRun', [info.id]); }));
      for (const [method, r] of Object.entries(results) as Array<[keyof typeof counts, Awaited<ReturnType<typeof outcome>>]>) {
        slowest.push({ call: `${method} ${d.name}`, ms: r.ms });
        if (r.ok) counts[method].ok++;
        else if (r.answered || r.message === 'invalid') counts[method].refused++;
        else unanswered.push(`${method} ${d.name}: ${r.message}`);
      }
    }
    const stillUp = await outcome(client.invoke('listProjects', []));
    probe.child.stdin!.end();
    await probeEnded;
    client.close();

    console.log([
      `fuzzed ${docs.length} documents through the web host:`,
      ...Object.entries(counts).map(([m, c]) => `  ${m.padEnd(13)} ${c.ok} accepted, ${c.refused} refused`),
      `  the other client: ${latencies.length} calls answered in ${percentile(latencies, 0.5).toFixed(1)} ms (median), ` +
        `${percentile(latencies, 0.99).toFixed(1)} ms (99th percentile), ${Math.max(...latencies).toFixed(1)} ms at most; ` +
        `${latencies.filter((ms) => ms > 100).length} took more than 100 ms`,
      '  the slowest calls of the first client:',
      ...slowest.sort((a, b) => b.ms - a.ms).slice(0, 8).map((c) => `    ${c.ms.toFixed(0).padStart(6)} ms  ${c.call}`),
    ].join('\n'));
    expect(unanswered).toEqual([]);
    expect(stillUp.ok).toBe(true);
    expect(host.exitCode).toBeNull();
    expect(latencies.length).toBeGreaterThan(50);
    // 100 ms is the goal (printed above); a shared CI machine gets a generous margin.
    expect(percentile(latencies, 0.99)).toBeLessThan(1000);
  }, 900_000);
});
