/**
 * The web host: the Spikeflow API over HTTP and WebSocket on 127.0.0.1, so the renderer
 * runs in any browser (end-to-end tests drive it in Chromium; users without the Electron
 * binary use it). One random per-session token guards everything that touches the lab:
 * the WebSocket upgrade refuses a request without it (401). Static files of the renderer
 * need no token (they are the app's public code), and the page reads the token from its
 * URL fragment, which browsers never send to a server or in a Referer. CSV downloads take
 * a one-time, short-lived ticket (download-tickets.ts) that the page gets over the
 * WebSocket, so no download URL, history entry or log line ever holds the token.
 *
 *   GET  /…                        the built renderer (dist/renderer), index.html with a strict CSP
 *   GET  /api/ws?token=…           WebSocket: frames of src-shared/api.ts (JSON text)
 *   GET  /api/runs/<id>/csv?ticket=…   one probe's CSV, or a ZIP of all probes (as the ticket says);
 *                                      `Authorization: Bearer <token>` with ?probe=…&long=1 for scripts
 *
 * DNS rebinding is refused by checking the Host header (only 127.0.0.1:<port> and
 * localhost:<port>), cross-site WebSocket use by checking Origin.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { Duplex } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { WebSocket, WebSocketServer } from 'ws';
import { contentSecurityPolicy } from '../api/content-security.js';
import type { ApiEvents, RunRequest } from '../../src-shared/api.js';
import { dispatch, type ApiResponse } from '../api/dispatch.js';
import { damagedRanges } from '../api/recording-reads.js';
import { DamagedDataError, describeRange } from '../store/checksums.js';
import { hasSnapshots } from '../recordings/csv-format.js';
import { snapshotsAt } from '../store/weight-snapshots.js';
import { toErrorPayload } from '../api/errors.js';
import { MAX_REQUEST_BYTES } from '../../src-shared/api-frames.js';
import { createSpikeflowService, type SpikeflowService } from '../api/service.js';
import { CHECKED_METHODS, ForwardedError, NOT_JSON, type CheckedFrame } from './frame-checks.js';
import { FramePool } from './frame-pool.js';
import type { ImportedDocument } from '../api/projects.js';
import { DownloadTickets, type DownloadTarget } from './download-tickets.js';
import { missingRendererPage, resolveStaticFile, sendFile } from './static-files.js';
import { ZipWriter } from './zip.js';

/** The repository (or installed package) root: two levels above this file's folder. */
export const PACKAGE_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface WebHostOptions {
  /** The lab file. */
  dbPath: string;
  /** Built renderer (default: <root>/dist/renderer). */
  rendererDir?: string;
  /** Example projects (default: <root>/assets/examples). */
  examplesDir?: string;
  /** Where a plain `exportRunCsv` would write (default: a folder under the OS temp dir). */
  exportDir?: string;
  /** Port (default 0: a free one chosen by the OS). */
  port?: number;
  /** Session token (default: 32 random bytes, base64url). */
  token?: string;
  /** Least time between two progress events of a run, ms. */
  eventIntervalMs?: number;
}

export interface WebHost {
  /** The address to open, with the token in the fragment: http://127.0.0.1:PORT/#token=… */
  url: string;
  /** http://127.0.0.1:PORT (no token). */
  origin: string;
  port: number;
  token: string;
  /** The service behind the host (tests). */
  service: SpikeflowService;
  /** Closes every connection, stops runs, closes the lab. */
  close(): Promise<void>;
}

/** An answer already written as JSON text. */
interface RawResponse { raw: string }
const isRaw = (r: unknown): r is RawResponse => typeof r === 'object' && r !== null && typeof (r as RawResponse).raw === 'string' && !('id' in r);

/** Frames at least this large are parsed off the event loop (JSON.parse takes ~10 ms per MB). */
const PARSE_OFF_THREAD_BYTES = 256 * 1024;

/** Headers sent with every response. */
function baseHeaders(csp: string): Record<string, string> {
  return {
    'Content-Security-Policy': csp,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'X-Frame-Options': 'DENY',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
  };
}

/** Compares two tokens in constant time. */
function sameToken(given: string | null | undefined, token: string): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && crypto.timingSafeEqual(a, b);
}

/** The token of a request's `Authorization: Bearer …` header. */
function bearerOf(req: http.IncomingMessage): string | null {
  const auth = req.headers.authorization;
  return auth?.startsWith('Bearer ') ? auth.slice('Bearer '.length).trim() : null;
}

/** The token of a request: `Authorization: Bearer …`, else `?token=` (the WebSocket's). */
function tokenOf(req: http.IncomingMessage, url: URL): string | null {
  return bearerOf(req) ?? url.searchParams.get('token');
}

function rejectUpgrade(socket: Duplex, status: number, text: string): void {
  socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${text.length + 1}\r\n\r\n${text}\n`);
  socket.destroy();
}

/** Starts the web host; resolves once it listens. */
export async function startWebHost(options: WebHostOptions): Promise<WebHost> {
  const rendererDir = path.resolve(options.rendererDir ?? path.join(PACKAGE_ROOT, 'dist', 'renderer'));
  const examplesDir = options.examplesDir ?? path.join(PACKAGE_ROOT, 'assets', 'examples');
  const exportDir = options.exportDir ?? path.join(os.tmpdir(), `spikeflow-exports-${process.pid}`);
  const token = options.token ?? crypto.randomBytes(32).toString('base64url');
  const sockets = new Set<WebSocket>();

  const broadcast = <E extends keyof ApiEvents>(event: E, payload: ApiEvents[E]) => {
    const text = JSON.stringify({ event, payload });
    for (const ws of sockets) if (ws.readyState === WebSocket.OPEN) ws.send(text);
  };
  const service = createSpikeflowService({
    dbPath: options.dbPath,
    examplesDir,
    exportDir,
    emit: broadcast,
    ...(options.eventIntervalMs !== undefined ? { eventIntervalMs: options.eventIntervalMs } : {}),
  });

  let port = 0;
  let allowedHosts = new Set<string>();
  let allowedOrigins = new Set<string>();
  let headers: Record<string, string> = {};

  // In a browser a CSV export is a download: its URL carries a one-time ticket for exactly
  // that export, never the session token.
  const tickets = new DownloadTickets();
  const webService: SpikeflowService = Object.create(service) as SpikeflowService;
  // Damaged data is found before the ticket is issued: once a download has started, the
  // browser can only be told that it failed, not why or what was left out.
  webService.exportRunCsv = async (runId, probe, long, skipDamaged, atMs) => {
    if (probe === undefined) service.lab.runs.get(runId);
    else service.lab.runs.probe(runId, probe);
    // A time with no snapshot is refused here, where the page can say why, not mid-download.
    if (atMs) for (const p of service.lab.runs.probes(runId)) if (hasSnapshots(p) && (probe === undefined || p.id === probe)) snapshotsAt(service.lab, runId, p.id, atMs);
    const probes = probe === undefined ? service.lab.runs.probes(runId).map((p) => p.id) : [probe];
    const damaged = await damagedRanges(service.lab, runId, probes);
    if (damaged.length > 0 && !skipDamaged) {
      throw new DamagedDataError(
        `${service.lab.file}: ${describeRange(damaged[0]!)} is damaged (the stored data does not match its checksum)` +
          (damaged.length > 1 ? ` (and ${damaged.length - 1} more damaged range(s))` : '') + '; nothing was exported',
        service.lab.file,
        damaged[0],
      );
    }
    const ticket = tickets.issue({ runId, probe, long: long ?? false, ...(skipDamaged ? { skipDamaged: true } : {}), ...(atMs ? { atMs } : {}) });
    return {
      url: `/api/runs/${runId}/csv?${new URLSearchParams({ ticket }).toString()}`,
      ...(damaged.length > 0 ? { leftOut: damaged.map(describeRange) } : {}),
    };
  };

  /**
   * What a download request may fetch: its ticket's target (a GET uses the ticket up), or
   * with the session token in an Authorization header, what its query asks for.
   */
  function downloadTarget(req: http.IncomingMessage, runId: number, url: URL): DownloadTarget | undefined {
    if (sameToken(bearerOf(req), token)) {
      return { runId, probe: url.searchParams.get('probe') ?? undefined, long: url.searchParams.get('long') === '1' };
    }
    return tickets.redeem(url.searchParams.get('ticket'), runId, req.method !== 'HEAD');
  }

  async function download(req: http.IncomingMessage, res: http.ServerResponse, target: DownloadTarget): Promise<void> {
    const { runId, probe, long } = target;
    const skip = target.skipDamaged ?? false;
    try {
      // Checked before the headers go out, so a bad run or probe is a clean 404.
      service.lab.runs.get(runId);
      const probes = probe === undefined ? service.lab.runs.probes(runId).map((p) => p.id) : [service.lab.runs.probe(runId, probe).id];
      const single = probe !== undefined;
      const name = single ? service.csvFileName(runId, probe) : `run-${runId}-csv.zip`;
      res.writeHead(200, {
        ...headers,
        'Content-Type': single ? 'text/csv; charset=utf-8' : 'application/zip',
        'Content-Disposition': `attachment; filename="${name}"`,
        'Cache-Control': 'no-store',
      });
      if (req.method === 'HEAD') {
        res.end();
        return;
      }
      const send = (bytes: Uint8Array) =>
        new Promise<void>((resolve, reject) => {
          res.write(bytes, (err) => (err ? reject(err) : resolve()));
        });
      if (single) {
        await service.writeRunCsv(runId, probe, long, send, skip, target.atMs);
      } else {
        const zip = new ZipWriter(send);
        for (const id of probes) await zip.add(`${id}.csv`, (write) => service.writeRunCsv(runId, id, long, write, skip, target.atMs).then(() => undefined));
        await zip.finish();
      }
      res.end();
    } catch (err) {
      if (!res.headersSent) {
        res.writeHead(404, { ...headers, 'Content-Type': 'text/plain; charset=utf-8' }).end(`${toErrorPayload(err).message}\n`);
      } else {
        res.destroy(err as Error); // the browser shows a failed download, not a short file
      }
    }
  }

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (!allowedHosts.has(req.headers.host ?? '')) {
      res.writeHead(421, { ...headers, 'Content-Type': 'text/plain; charset=utf-8' }).end('unknown host\n');
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { ...headers, Allow: 'GET, HEAD', 'Content-Type': 'text/plain; charset=utf-8' }).end('method not allowed\n');
      return;
    }
    if (url.pathname.startsWith('/api/')) {
      const m = /^\/api\/runs\/(\d{1,15})\/csv$/.exec(url.pathname);
      if (m) {
        const target = downloadTarget(req, Number(m[1]), url);
        if (!target) {
          res.writeHead(401, { ...headers, 'Content-Type': 'text/plain; charset=utf-8' }).end('this download link has expired or was used already: export again\n');
          return;
        }
        void download(req, res, target);
        return;
      }
      if (!sameToken(tokenOf(req, url), token)) {
        res.writeHead(401, { ...headers, 'Content-Type': 'text/plain; charset=utf-8' }).end('a valid session token is required\n');
        return;
      }
      res.writeHead(404, { ...headers, 'Content-Type': 'text/plain; charset=utf-8' }).end('not found\n');
      return;
    }
    const file = resolveStaticFile(rendererDir, url.pathname);
    if (file) {
      sendFile(req, res, file, headers);
      return;
    }
    // The app's own routes (no file extension) get the app; missing assets get 404.
    const index = path.join(rendererDir, 'index.html');
    if (path.extname(url.pathname) === '') {
      if (fs.existsSync(index)) {
        sendFile(req, res, index, headers);
      } else {
        const page = missingRendererPage(rendererDir);
        res.writeHead(200, { ...headers, 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-cache' });
        res.end(req.method === 'HEAD' ? undefined : page);
      }
      return;
    }
    res.writeHead(404, { ...headers, 'Content-Type': 'text/plain; charset=utf-8' }).end('not found\n');
  });

  /**
   * One request frame's answer. Large frames are parsed in the frame pool, and the document
   * work of validate and startRun is always done there (frame-checks.ts), so the event loop
   * stays free for other requests; the rest of a call (the lab, the runs) is done here.
   */
  const frames = new FramePool();

  /** importProject's answer with the document as the worker's prepared text (never an object on this thread). */
  async function importAnswer(id: number, imported: ImportedDocument, name: string | undefined): Promise<RawResponse> {
    const head = JSON.stringify({ id, result: await service.importCheckedProject(imported, name) });
    return { raw: `${head.slice(0, -2)},"document":${imported.prepared.text}}}` };
  }
  async function answerFrame(data: Buffer | Buffer[] | ArrayBuffer): Promise<ApiResponse | RawResponse> {
    const bytes = Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
    let checked: CheckedFrame;
    // Where the pool cannot answer (a worker ran out of memory), the error still goes to the
    // request's id, read from the frame's start as clients write it ({"id":12,…}).
    let id = Number(/^\s*\{\s*"id"\s*:\s*(\d{1,15})\s*[,}]/.exec(bytes.subarray(0, 64).toString('latin1'))?.[1] ?? 0);
    try {
      if (bytes.length >= PARSE_OFF_THREAD_BYTES) {
        checked = await frames.check({ bytes });
      } else {
        let frame: unknown;
        try {
          frame = JSON.parse(bytes.toString('utf8'));
        } catch {
          return NOT_JSON;
        }
        const method = (frame as { method?: unknown } | null)?.method;
        if (typeof method !== 'string' || !CHECKED_METHODS.has(method)) return await dispatch(webService, frame, { jsonNulls: true });
        checked = await frames.check({ frame });
      }
    } catch (err) {
      return { id, error: toErrorPayload(err) };
    }
    if (checked.kind === 'answer') return checked.response;
    const { method, args, run, imported } = checked;
    id = checked.id;
    try {
      const result = run
        ? await service.startCheckedRun(args[0] as RunRequest, () => {
          if ('error' in run) throw new ForwardedError(run.error);
          return run;
        })
        : imported
          ? await importAnswer(id, imported, args[1] as string | undefined)
          : await (webService[method] as (...a: unknown[]) => Promise<unknown>).apply(webService, args);
      if (isRaw(result)) return result;
      return { id, result: result === undefined ? null : result };
    } catch (err) {
      return { id, error: err instanceof ForwardedError ? err.payload : toErrorPayload(err) };
    }
  }

  // A frame larger than the largest request is not read: ws closes its connection (1009,
  // Message Too Big) as soon as the frame's header arrives. Receiving one (joining, unmasking
  // and checking 48 MB on this thread) held the loop up 70-115 ms; the clients refuse such a
  // call before sending it, with the size in the message (api-frames.ts requestFrame).
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_REQUEST_BYTES });
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (!allowedHosts.has(req.headers.host ?? '')) return rejectUpgrade(socket, 421, 'Misdirected Request');
    if (url.pathname !== '/api/ws') return rejectUpgrade(socket, 404, 'Not Found');
    const origin = req.headers.origin;
    if (origin !== undefined && !allowedOrigins.has(origin)) return rejectUpgrade(socket, 403, 'Forbidden');
    if (!sameToken(tokenOf(req, url), token)) return rejectUpgrade(socket, 401, 'Unauthorized');
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  });

  wss.on('connection', (ws: WebSocket) => {
    sockets.add(ws);
    ws.on('close', () => sockets.delete(ws));
    ws.on('error', () => sockets.delete(ws));
    ws.on('message', (data) => {
      void (async () => {
        const response = await answerFrame(data as Buffer | Buffer[] | ArrayBuffer);
        if (ws.readyState !== WebSocket.OPEN) return;
        let text: string;
        try {
          text = isRaw(response) ? response.raw : JSON.stringify(response);
        } catch (err) {
          text = JSON.stringify({ id: (response as ApiResponse).id, error: toErrorPayload(err) });
        }
        ws.send(text);
      })();
    });
  });

  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (err) {
    await service.dispose();
    throw err;
  }
  port = (server.address() as { port: number }).port;
  allowedHosts = new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
  allowedOrigins = new Set([`http://127.0.0.1:${port}`, `http://localhost:${port}`]);
  headers = baseHeaders(contentSecurityPolicy({ connect: [`ws://127.0.0.1:${port}`, `ws://localhost:${port}`] }));
  const origin = `http://127.0.0.1:${port}`;

  let closing: Promise<void> | null = null;
  return {
    url: `${origin}/#token=${token}`,
    origin,
    port,
    token,
    service,
    close() {
      closing ??= (async () => {
        for (const ws of sockets) ws.terminate();
        sockets.clear();
        await new Promise<void>((resolve) => wss.close(() => resolve()));
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
        await frames.close();
        await service.dispose();
      })();
      return closing;
    },
  };
}
