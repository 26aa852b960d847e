/**
 * The web host on a real lab file and the real CPU engine: the session token guards the
 * WebSocket and downloads, static files of the renderer come with their MIME types and a
 * strict CSP, a WebSocket client calls methods and receives run events in order, and CSV
 * downloads carry the run's values.
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { parse } from 'csv-parse/sync';
import { WebSocket } from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiEvents } from '../../src-shared/api.js';
import { MAX_REQUEST_BYTES } from '../../src-shared/api-frames.js';
import { startWebHost, type WebHost } from '../../src-main/web-host/server.js';
import { ApiCallError, connectApi, tokenFromUrl, webSocketUrl, type ApiClient, type SocketLike } from '../../src-main/web-host/ws-client.js';
import { parseDocumentText } from '../../src-shared/document/load.js';
import { EXAMPLES_DIR } from '../api/harness.js';

let dir: string;
let host: WebHost;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'spikeflow-web-'));
  const renderer = path.join(dir, 'renderer');
  fs.mkdirSync(path.join(renderer, 'assets'), { recursive: true });
  fs.writeFileSync(path.join(renderer, 'index.html'), '<!doctype html><title>Spikeflow</title><script type="module" src="/assets/app.js"></script>');
  fs.writeFileSync(path.join(renderer, 'assets', 'app.js'), 'console.log("app");\n');
  fs.writeFileSync(path.join(renderer, 'assets', 'app.css'), 'body { margin: 0 }\n');
  fs.writeFileSync(path.join(renderer, 'assets', 'icon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  fs.writeFileSync(path.join(renderer, 'assets', 'k.wasm'), Buffer.from([0, 97, 115, 109]));
  fs.writeFileSync(path.join(dir, 'secret.txt'), 'outside the renderer');
  host = await startWebHost({ dbPath: path.join(dir, 'lab.sqlite'), rendererDir: renderer, examplesDir: EXAMPLES_DIR, eventIntervalMs: 50 });
});

afterAll(async () => {
  await host?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** A raw GET (so Host and other headers can be set freely). */
function get(pathname: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port: host.port, path: pathname, headers }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (d: Buffer) => parts.push(d));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(parts) }));
    });
    req.on('error', reject);
  });
}

/** The status of a WebSocket upgrade attempt (101 when it opened). */
function upgradeStatus(url: string, options: { origin?: string; headers?: Record<string, string> } = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, options);
    ws.on('open', () => {
      ws.close();
      resolve(101);
    });
    ws.on('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      ws.terminate();
    });
    ws.on('error', (e) => reject(e));
  });
}

function connect(): ApiClient {
  return connectApi(webSocketUrl(host.url, tokenFromUrl(host.url)!), (url) => new WebSocket(url) as unknown as SocketLike);
}

describe('session token', () => {
  it('is in the printed URL fragment and random per session', () => {
    expect(host.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/#token=[A-Za-z0-9_-]{43}$/);
    expect(tokenFromUrl(host.url)).toBe(host.token);
  });

  it('is required on the WebSocket upgrade', async () => {
    const base = `ws://127.0.0.1:${host.port}/api/ws`;
    expect(await upgradeStatus(base)).toBe(401);
    expect(await upgradeStatus(`${base}?token=wrong`)).toBe(401);
    expect(await upgradeStatus(`${base}?token=${host.token.slice(0, -1)}x`)).toBe(401);
    expect(await upgradeStatus(`${base}?token=${host.token}`)).toBe(101);
    expect(await upgradeStatus(base, { headers: { Authorization: `Bearer ${host.token}` } })).toBe(101);
  });

  it('refuses other sites and other host names even with the token', async () => {
    const url = `ws://127.0.0.1:${host.port}/api/ws?token=${host.token}`;
    expect(await upgradeStatus(url, { origin: 'https://evil.example' })).toBe(403);
    expect(await upgradeStatus(url, { origin: host.origin })).toBe(101);
    expect(await upgradeStatus(url, { headers: { Host: `evil.example:${host.port}` } })).toBe(421);
    expect((await get('/', { Host: 'rebound.example' })).status).toBe(421);
  });

  it('is required on downloads, in a header only: download URLs carry tickets, never the token', async () => {
    expect((await get('/api/runs/1/csv')).status).toBe(401);
    expect((await get('/api/runs/1/csv?ticket=nope')).status).toBe(401);
    // The session token in a download URL is refused: such URLs end up in histories and logs.
    expect((await get(`/api/runs/1/csv?token=${host.token}`)).status).toBe(401);
    expect((await get('/api/runs/1/csv', { Authorization: 'Bearer nope' })).status).toBe(401);
    expect((await get('/api/runs/1/csv', { Authorization: `Bearer ${host.token}` })).status).toBe(404); // no such run, but past the guard
  });
});

describe('static files', () => {
  it('serves index.html with a strict CSP and the assets with their MIME types', async () => {
    const index = await get('/');
    expect(index.status).toBe(200);
    expect(index.headers['content-type']).toBe('text/html; charset=utf-8');
    const csp = index.headers['content-security-policy']!;
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toMatch(/script-src[^;]*unsafe/);
    expect(csp).toContain(`connect-src 'self' ws://127.0.0.1:${host.port}`);
    expect(csp).toContain("object-src 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(index.headers['x-content-type-options']).toBe('nosniff');
    expect(index.headers['referrer-policy']).toBe('no-referrer');
    expect(index.body.toString()).toContain('<title>Spikeflow</title>');

    const types: Record<string, string> = {
      '/assets/app.js': 'text/javascript; charset=utf-8',
      '/assets/app.css': 'text/css; charset=utf-8',
      '/assets/icon.svg': 'image/svg+xml',
      '/assets/k.wasm': 'application/wasm',
    };
    for (const [p, type] of Object.entries(types)) {
      const r = await get(p);
      expect(r.status, p).toBe(200);
      expect(r.headers['content-type'], p).toBe(type);
    }
    expect((await get('/assets/app.js')).body.toString()).toBe('console.log("app");\n');
  });

  it('answers app routes with index.html, missing assets with 404, and never leaves the folder', async () => {
    expect((await get('/projects/3')).body.toString()).toContain('<title>Spikeflow</title>');
    expect((await get('/assets/missing.js')).status).toBe(404);
    for (const p of ['/../secret.txt', '/%2e%2e/secret.txt', '/assets/%2e%2e/%2e%2e/secret.txt', '/..%2fsecret.txt', '/%00.js']) {
      const r = await get(p);
      expect(r.body.toString(), p).not.toContain('outside the renderer');
    }
    const post = await new Promise<number>((resolve) => {
      http.request({ host: '127.0.0.1', port: host.port, path: '/', method: 'POST' }, (res) => resolve(res.statusCode!)).end();
    });
    expect(post).toBe(405);
  });

  it('shows how to build the renderer when it is missing', async () => {
    const other = await startWebHost({ dbPath: path.join(dir, 'other.sqlite'), rendererDir: path.join(dir, 'nothing-here'), examplesDir: EXAMPLES_DIR });
    try {
      const r = await new Promise<string>((resolve) => {
        http.get({ host: '127.0.0.1', port: other.port, path: '/' }, (res) => {
          let text = '';
          res.on('data', (d) => (text += d));
          res.on('end', () => resolve(text));
        });
      });
      expect(r).toContain('npm run build:renderer');
    } finally {
      await other.close();
    }
  });
});

describe('API over WebSocket', () => {
  it('calls methods, streams run events in order, and serves the run as CSV', async () => {
    const client = connect();
    await client.ready;
    try {
      const examples = await client.invoke('listExamples', []);
      expect(examples.map((e) => e.file)).toContain('ampa-lif.json');
      const doc = await client.invoke('loadExample', ['ampa-lif.json']);
      const opened = await client.invoke('createProject', ['AMPA over WS', doc]);
      expect(opened.project.name).toBe('AMPA over WS');
      // An absent optional parameter (undefined → dropped) and a null one both work.
      expect((await client.invoke('openProject', [opened.project.id, undefined])).versionId).toBe(opened.versionId);
      expect(await client.invoke('loadDraft', [null])).toBeNull();

      const events: Array<{ event: keyof ApiEvents; payload: unknown }> = [];
      const ended = new Promise<ApiEvents['run-ended']>((resolve) => {
        client.on('run-progress', (p) => events.push({ event: 'run-progress', payload: p }));
        client.on('run-data', (p) => events.push({ event: 'run-data', payload: p }));
        client.on('run-ended', (r) => {
          events.push({ event: 'run-ended', payload: r });
          resolve(r);
        });
      });
      const run = await client.invoke('startRun', [{ projectId: opened.project.id, document: doc, engine: 'cpu' }]);
      expect(run.status).toBe('running');
      const info = await ended;
      expect(info).toMatchObject({ id: run.id, status: 'finished' });
      expect(events.at(-1)!.event).toBe('run-ended');
      expect(events.some((e) => e.event === 'run-progress')).toBe(true);
      expect(events.some((e) => e.event === 'run-data')).toBe(true);
      const steps = events.flatMap((e) => (e.event === 'run-progress' ? [(e.payload as ApiEvents['run-progress']).step] : []));
      expect(steps).toEqual([...steps].sort((a, b) => a - b));
      expect(steps.at(-1)).toBe(1000);

      const trace = await client.invoke('readTrace', [run.id, 'V', { maxPoints: 5000 }]);
      expect(trace.t).toHaveLength(1001);

      // CSV of one probe: a download URL with a one-time ticket, not the session token.
      const { url } = await client.invoke('exportRunCsv', [run.id, 'V', undefined]);
      expect(url).toMatch(new RegExp(`^/api/runs/${run.id}/csv\\?ticket=[A-Za-z0-9_-]{43}$`));
      expect(url).not.toContain(host.token);
      expect((await get(url!.replace(/ticket=[^&]*/, 'ticket=x'))).status).toBe(401);
      expect((await get(url!.replace(`/runs/${run.id}/`, `/runs/${run.id + 1}/`))).status).toBe(401); // a ticket names its run
      const head = await new Promise<number>((resolve, reject) => {
        http.request({ host: '127.0.0.1', port: host.port, path: url!, method: 'HEAD' }, (res) => resolve(res.statusCode!)).on('error', reject).end();
      });
      expect(head).toBe(200); // the page reads the file name first; that does not use the ticket up
      const csv = await get(url!);
      expect(csv.status).toBe(200);
      expect((await get(url!)).status).toBe(401); // used up
      expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
      expect(csv.headers['content-disposition']).toBe(`attachment; filename="run-${run.id}-V.csv"`);
      const rows = parse(csv.body.toString('utf8'), { columns: true }) as Array<Record<string, string>>;
      expect(rows).toHaveLength(1001);
      rows.forEach((row, i) => {
        expect(Number(row['t (ms)'])).toBe(trace.t[i]);
        expect(Math.fround(Number(row['post.V[0] (mV)']))).toBe(trace.series[0]!.min[i]);
      });

      // Every probe: a ZIP whose entries are the same CSV files.
      const all = await client.invoke('exportRunCsv', [run.id]);
      const zip = await get(all.url!);
      expect(zip.headers['content-type']).toBe('application/zip');
      const entries = readZip(zip.body);
      expect([...entries.keys()].sort()).toEqual(['V.csv', 'g.csv', 'spikes.csv']);
      expect(entries.get('V.csv')!.equals(csv.body)).toBe(true);
    } finally {
      client.close();
    }
  });

  it('answers errors with the message naming the method and field, and keeps diagnostics', async () => {
    const client = connect();
    try {
      const bad = await client.invoke('openProject', ['one' as unknown as number]).catch((e: unknown) => e);
      expect(bad).toBeInstanceOf(ApiCallError);
      expect((bad as Error).message).toMatch(/^openProject: parameter "projectId": /);
      const doc = await client.invoke('loadExample', ['ampa-lif.json']);
      const result = await client.invoke('validate', [{ ...doc, blocks: [...doc.blocks, { id: 'q', type: 'nope' }] }]);
      expect(result).toEqual({ ok: false, diagnostics: [{ block: 'q', field: 'type', message: expect.stringMatching(/^unknown block type "nope"/) }] });
      const opened = await client.invoke('createProject', ['Diag', doc]);
      const err = (await client
        .invoke('startRun', [{ projectId: opened.project.id, document: { ...doc, blocks: [...doc.blocks, { id: 'q', type: 'nope' }] }, engine: 'cpu' }])
        .catch((e: unknown) => e)) as ApiCallError;
      expect(err.diagnostics).toEqual([{ block: 'q', field: 'type', message: expect.stringMatching(/^unknown block type "nope"/) }]);
    } finally {
      client.close();
    }
  });

  it('a client refuses a request larger than the largest document before sending it, naming the method and the size, and the connection goes on', async () => {
    const client = connect();
    try {
      const text = `{"name": "${'n'.repeat(17 * 2 ** 20)}"}`;
      const err = (await client.invoke('importProject', [text, undefined]).catch((e: unknown) => e)) as ApiCallError;
      expect(err).toBeInstanceOf(ApiCallError);
      expect(err.message).toBe('importProject: the request is 17.1 MB; a project document may be at most 16 MB');
      expect((await client.invoke('listExamples', [])).length).toBeGreaterThan(0);
    } finally {
      client.close();
    }
  });

  it('closes a connection that sends a frame larger than the largest request without reading it (1009), and serves the others', async () => {
    const other = connect();
    const ws = new WebSocket(`ws://127.0.0.1:${host.port}/api/ws?token=${host.token}`);
    try {
      const frame = JSON.stringify({ id: 1, method: 'importProject', params: [`{"name": "${'n'.repeat(MAX_REQUEST_BYTES)}"}`] });
      const closed = await new Promise<number>((resolve) => {
        ws.on('open', () => ws.send(frame));
        ws.on('error', () => undefined); // the host may end the socket while the frame is still going out
        ws.on('close', (code) => resolve(code));
      });
      expect(closed).toBe(1009);
      expect((await other.invoke('listExamples', [])).length).toBeGreaterThan(0);
    } finally {
      other.close();
    }
  });

  it('imports a project: the answer carries the checked document, as a direct call gives it', async () => {
    const client = connect();
    try {
      const text = fs.readFileSync(path.join(EXAMPLES_DIR, 'ampa-lif.json'), 'utf8');
      const opened = await client.invoke('importProject', [text, 'Imported over WS']);
      expect(opened.project.name).toBe('Imported over WS');
      expect(opened.document).toEqual(parseDocumentText(text));
      expect((await client.invoke('openProject', [opened.project.id, undefined])).document).toEqual(opened.document);
      expect(Object.keys(opened)).toEqual(['project', 'versionId', 'document']);
    } finally {
      client.close();
    }
  });

  it('answers a frame that is not JSON', async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${host.port}/api/ws?token=${host.token}`);
    const reply = await new Promise<string>((resolve) => {
      ws.on('open', () => ws.send('{oops'));
      ws.on('message', (d) => resolve(d.toString()));
    });
    ws.close();
    expect(JSON.parse(reply)).toEqual({ id: 0, error: { message: 'malformed request: not JSON' } });
  });
});

/** Entries of a stored (uncompressed) ZIP, checking each CRC. */
function readZip(buf: Buffer): Map<string, Buffer> {
  const eocd = buf.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  expect(eocd).toBeGreaterThan(0);
  const count = buf.readUInt16LE(eocd + 10);
  let at = buf.readUInt32LE(eocd + 16);
  const out = new Map<string, Buffer>();
  for (let i = 0; i < count; i++) {
    expect(buf.readUInt32LE(at)).toBe(0x02014b50);
    const crc = buf.readUInt32LE(at + 16);
    const size = buf.readUInt32LE(at + 24);
    const nameLength = buf.readUInt16LE(at + 28);
    const local = buf.readUInt32LE(at + 42);
    const name = buf.subarray(at + 46, at + 46 + nameLength).toString('utf8');
    expect(buf.readUInt32LE(local)).toBe(0x04034b50);
    const dataStart = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
    const data = buf.subarray(dataStart, dataStart + size);
    expect(zlib.crc32(data)).toBe(crc);
    out.set(name, data);
    at += 46 + nameLength;
  }
  return out;
}
