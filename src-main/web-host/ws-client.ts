/**
 * A client of the web host's WebSocket API with the same shape as the Electron preload's
 * `window.spikeflow` ({invoke, on}), so the renderer uses one interface on both transports.
 * It has no Node imports: it runs in the browser with the native WebSocket and in Node
 * tests with the `ws` package (pass its constructor).
 *
 * The renderer has its own reconnecting client (src-renderer/lib/api-client.ts) speaking
 * the same frames; this one serves Node callers: tests, scripts and tools that drive a
 * running web host.
 */
import type { ApiEvents, ApiMethod, SpikeflowApi } from '../../src-shared/api.js';
import { ApiCallError } from '../../src-shared/api-error.js';
import { handleServerFrame, requestFrame, type PendingCall } from '../../src-shared/api-frames.js';

/** The minimal WebSocket surface used (browser WebSocket and `ws` both have it). */
export interface SocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onclose: ((ev: { code: number; reason: string }) => void) | null;
  onerror: ((ev: unknown) => void) | null;
}

export type SocketFactory = (url: string) => SocketLike;

export { ApiCallError };

export interface ApiClient {
  /** Calls a method; resolves with its result or rejects with an ApiCallError. */
  invoke<M extends ApiMethod>(method: M, params: Parameters<SpikeflowApi[M]>): Promise<Awaited<ReturnType<SpikeflowApi[M]>>>;
  /** Subscribes to an event; returns the unsubscribe function. */
  on<E extends keyof ApiEvents>(event: E, callback: (payload: ApiEvents[E]) => void): () => void;
  /** Resolves once the connection is open (rejects if it could not be opened). */
  readonly ready: Promise<void>;
  /** Called once when the connection closes (code and reason from the server). */
  onclose: ((code: number, reason: string) => void) | null;
  close(): void;
}

/** The WebSocket URL of the web host from a page address and its token. */
export function webSocketUrl(pageUrl: string, token: string): string {
  const u = new URL(pageUrl);
  const scheme = u.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${u.host}/api/ws?token=${encodeURIComponent(token)}`;
}

/** The token in a page URL's fragment (`#token=…`), or null. */
export function tokenFromUrl(pageUrl: string): string | null {
  const hash = new URL(pageUrl).hash.replace(/^#/, '');
  return new URLSearchParams(hash).get('token');
}

/** Connects to the web host at `url` (ws://127.0.0.1:PORT/api/ws?token=…). */
export function connectApi(url: string, factory: SocketFactory): ApiClient {
  const socket = factory(url);
  const pending = new Map<number, PendingCall>();
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  const queue: string[] = [];
  let nextId = 1;
  let open = false;
  let closed = false;
  let readyResolve!: () => void;
  let readyReject!: (e: Error) => void;
  const ready = new Promise<void>((resolve, reject) => {
    readyResolve = resolve;
    readyReject = reject;
  });
  ready.catch(() => undefined); // observed through invoke() too

  const client: ApiClient = {
    ready,
    onclose: null,
    invoke(method, params) {
      if (closed) return Promise.reject(new ApiCallError(`${method}: the connection to Spikeflow is closed`, method));
      const id = nextId++;
      let text: string;
      try {
        text = requestFrame(id, method, params as unknown[]);
      } catch (err) {
        return Promise.reject(err as Error);
      }
      return new Promise((resolve, reject) => {
        pending.set(id, { method, resolve: resolve as (v: unknown) => void, reject });
        if (open) socket.send(text);
        else queue.push(text);
      });
    },
    on(event, callback) {
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      const cb = callback as (payload: unknown) => void;
      set.add(cb);
      return () => set.delete(cb);
    },
    close() {
      socket.close(1000, 'closed by the client');
    },
  };

  socket.onopen = () => {
    open = true;
    for (const text of queue.splice(0)) socket.send(text);
    readyResolve();
  };
  socket.onmessage = (ev) => {
    handleServerFrame(typeof ev.data === 'string' ? ev.data : String(ev.data), listeners, pending, (_event, err) => {
      setTimeout(() => { throw err; });
    });
  };
  socket.onerror = () => {
    if (!open) readyReject(new Error(`cannot connect to Spikeflow at ${url.replace(/token=[^&]*/, 'token=…')}`));
  };
  socket.onclose = (ev) => {
    closed = true;
    if (!open) readyReject(new Error(`the connection to Spikeflow was refused (${ev.code}${ev.reason ? `: ${ev.reason}` : ''})`));
    open = false;
    for (const [, call] of pending) call.reject(new ApiCallError(`${call.method}: the connection to Spikeflow closed`, call.method));
    pending.clear();
    client.onclose?.(ev.code, ev.reason);
  };
  return client;
}
