/** Download tickets: one download each, for the run they name, and only for a minute. */
import { describe, expect, it } from 'vitest';
import { DownloadTickets, TICKET_TTL_MS } from '../../src-main/web-host/download-tickets.js';

describe('DownloadTickets', () => {
  it('lets a GET use a ticket once; a HEAD only looks', () => {
    const tickets = new DownloadTickets();
    const id = tickets.issue({ runId: 3, probe: 'V', long: true });
    expect(id).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(tickets.redeem(id, 3, false)).toEqual({ runId: 3, probe: 'V', long: true });
    expect(tickets.redeem(id, 4, true)).toBeUndefined();
    expect(tickets.redeem(id, 3, true)).toEqual({ runId: 3, probe: 'V', long: true });
    expect(tickets.redeem(id, 3, true)).toBeUndefined();
    expect(tickets.redeem(null, 3, true)).toBeUndefined();
    expect(tickets.issue({ runId: 3, probe: undefined, long: false })).not.toBe(id);
  });

  it('expires after TICKET_TTL_MS (a clock the test moves)', () => {
    let now = 1_000;
    const tickets = new DownloadTickets(TICKET_TTL_MS, () => now);
    const late = tickets.issue({ runId: 1, probe: undefined, long: false });
    const inTime = tickets.issue({ runId: 1, probe: undefined, long: false });
    now += TICKET_TTL_MS;
    expect(tickets.redeem(inTime, 1, true)).toBeDefined();
    now += 1;
    expect(tickets.redeem(late, 1, false)).toBeUndefined();
    expect(tickets.redeem(late, 1, true)).toBeUndefined();
  });
});
