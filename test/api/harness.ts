/** A service over a real lab file in a temp folder, with the events it pushed. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ApiEvents } from '../../src-shared/api.js';
import { createSpikeflowService, type SpikeflowService } from '../../src-main/api/service.js';

export const EXAMPLES_DIR = fileURLToPath(new URL('../../assets/examples/', import.meta.url));

export type EventRecord = { [E in keyof ApiEvents]: { event: E; payload: ApiEvents[E] } }[keyof ApiEvents];

export interface Harness {
  dir: string;
  service: SpikeflowService;
  events: EventRecord[];
  /** Resolves with the first event (already recorded or future) that matches. */
  waitFor<E extends keyof ApiEvents>(event: E, match?: (payload: ApiEvents[E]) => boolean, timeoutMs?: number): Promise<ApiEvents[E]>;
  close(): Promise<void>;
}

/** Events recorded by an emit function, with a waiter. */
export function eventLog(): { events: EventRecord[]; emit: (event: keyof ApiEvents, payload: unknown) => void; waitFor: Harness['waitFor'] } {
  const events: EventRecord[] = [];
  const waiters = new Set<() => void>();
  return {
    events,
    emit(event, payload) {
      events.push({ event, payload } as EventRecord);
      for (const w of [...waiters]) w();
    },
    waitFor(event, match = () => true, timeoutMs = 30_000) {
      type P = ApiEvents[typeof event];
      const find = () => events.find((e) => e.event === event && match(e.payload as P))?.payload as P | undefined;
      return new Promise<P>((resolve, reject) => {
        const found = find();
        if (found) return resolve(found);
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`no "${event}" event within ${timeoutMs} ms; got ${events.map((e) => e.event).join(', ')}`));
        }, timeoutMs);
        const check = () => {
          const hit = find();
          if (hit) {
            clearTimeout(timer);
            waiters.delete(check);
            resolve(hit);
          }
        };
        waiters.add(check);
      });
    },
  };
}

export function makeHarness(options: { eventIntervalMs?: number } = {}): Harness {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'spikeflow-api-'));
  const log = eventLog();
  const service = createSpikeflowService({
    dbPath: path.join(dir, 'lab.sqlite'),
    examplesDir: EXAMPLES_DIR,
    exportDir: path.join(dir, 'exports'),
    emit: log.emit as never,
    ...options,
  });
  return {
    dir,
    service,
    events: log.events,
    waitFor: log.waitFor,
    async close() {
      await service.dispose();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
