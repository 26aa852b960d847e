/**
 * CSV export of a run whose lab has a damaged chunk (a byte flipped in the file, as a
 * failing disk would): the app's export (web host download, and the desktop's file export)
 * refuses with the run, probe and time range named, and when asked to skip damaged chunks
 * (as the CLI's `export --skip-damaged`) writes what is intact and says what it left out.
 */
import fs from 'node:fs';
import os from 'node:os';
import http from 'node:http';
import path from 'node:path';
import Database from 'better-sqlite3';
import { WebSocket } from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWebHost, type WebHost } from '../../src-main/web-host/server.js';
import { connectApi, tokenFromUrl, webSocketUrl, type ApiClient, type SocketLike } from '../../src-main/web-host/ws-client.js';
import { openLab } from '../../src-main/store/lab.js';
import { startSyntheticRun, streamSynthetic } from '../store/synthetic.js';
import { EXAMPLES_DIR } from '../api/harness.js';

let dir: string;
let host: WebHost;
let client: ApiClient;
let runId: number;
/** The damaged range, as every message names it. */
let damaged: string;
/** Rate bins outside the damaged chunk (of 400). */
let intactBins: number;

/** Flips one byte inside the stored bytes `inside` (found in the raw file). */
function flipByteOf(file: string, inside: Buffer): void {
  const bytes = fs.readFileSync(file);
  const at = bytes.indexOf(inside);
  expect(at).toBeGreaterThan(0);
  expect(bytes.indexOf(inside, at + 1)).toBe(-1);
  bytes[at + Math.floor(inside.length / 2)]! ^= 0x10;
  fs.writeFileSync(file, bytes);
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'spikeflow-damaged-export-'));
  const file = path.join(dir, 'lab.sqlite');
  const lab = openLab(file);
  runId = startSyntheticRun(lab);
  const writer = lab.recordings.writer(runId, { chunkBytes: 1200 });
  streamSynthetic(writer, 2000, 250);
  writer.close();
  lab.runs.finish(runId, { status: 'finished', wallMs: 1 });
  lab.close();
  // The rate probe's first chunk (bins of 1 ms, from bin 0).
  const db = new Database(file, { readonly: true });
  const chunk = db.prepare("SELECT data, last, count FROM chunks WHERE run_id = ? AND probe = 'r' AND first = 0").get(runId) as { data: Buffer; last: number; count: number };
  db.close();
  flipByteOf(file, chunk.data.subarray(8, 40));
  damaged = `run ${runId}, probe "r", t = 0 to ${chunk.last + 1} ms`;
  intactBins = 400 - chunk.count;
  const renderer = path.join(dir, 'renderer');
  fs.mkdirSync(renderer);
  fs.writeFileSync(path.join(renderer, 'index.html'), '<!doctype html><title>Spikeflow</title>');
  host = await startWebHost({ dbPath: file, rendererDir: renderer, examplesDir: EXAMPLES_DIR, exportDir: path.join(dir, 'exports') });
  client = connectApi(webSocketUrl(host.url, tokenFromUrl(host.url)!), (url) => new WebSocket(url) as unknown as SocketLike);
  await client.ready;
});

afterAll(async () => {
  client?.close();
  await host?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

function download(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    http.get({ host: '127.0.0.1', port: host.port, path: url }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (d: Buffer) => parts.push(d));
      res.on('end', () => resolve({ status: res.statusCode!, body: Buffer.concat(parts).toString('utf8') }));
    }).on('error', reject);
  });
}

const dataRows = (csv: string) => csv.trim().split('\n').slice(1);

describe('CSV export of a run with a damaged chunk', () => {
  it('is refused with the run, probe and time range named, before any download starts', async () => {
    await expect(client.invoke('exportRunCsv', [runId, 'r'])).rejects.toThrow(`${damaged} is damaged (the stored data does not match its checksum)`);
    await expect(client.invoke('exportRunCsv', [runId])).rejects.toThrow(damaged);
  });

  it('skipping damaged chunks, downloads what is intact and says what was left out', async () => {
    const intact = await client.invoke('exportRunCsv', [runId, 'v', false, true]);
    expect(intact.leftOut).toBeUndefined();
    const whole = await download(intact.url!);
    expect(dataRows(whole.body)).toHaveLength(2000);

    const skipped = await client.invoke('exportRunCsv', [runId, 'r', false, true]);
    expect(skipped.leftOut).toEqual([damaged]);
    const csv = await download(skipped.url!);
    expect(csv.status).toBe(200);
    const rows = dataRows(csv.body);
    expect(rows).toHaveLength(intactBins);
    expect(intactBins).toBeGreaterThan(0);
    expect(Number(rows[0]!.split(',')[0])).toBeCloseTo(400 - intactBins, 6); // the first intact bin starts where the damage ends
  });

  it('skipping damaged chunks, writes files (the desktop export) and says what was left out', async () => {
    const out = path.join(dir, 'desktop', 'r.csv');
    fs.mkdirSync(path.dirname(out));
    await expect(host.service.exportRunCsvTo(runId, 'r', false, out)).rejects.toThrow(damaged);
    expect(fs.existsSync(out)).toBe(false);
    expect(await host.service.exportRunCsvTo(runId, 'r', false, out, true)).toEqual({ path: out, leftOut: [damaged] });
    expect(dataRows(fs.readFileSync(out, 'utf8'))).toHaveLength(intactBins);
    const all = await host.service.exportRunCsvTo(runId, undefined, false, path.join(dir, 'desktop', 'all'), true);
    expect(all.leftOut).toEqual([damaged]);
    expect(fs.readdirSync(path.join(dir, 'desktop', 'all')).sort()).toEqual(['r.csv', 'sp.csv', 'v.csv']);
  });
});
