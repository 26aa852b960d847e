/**
 * One-time, short-lived download tickets. A download URL ends up in the browser's history
 * and downloads list (and in any log in between), so it must not carry the session token,
 * which would open the whole lab to whoever reads it. Instead the page asks over the
 * WebSocket (token-checked) for an export and gets a URL with a ticket that names exactly
 * that run, probe and format, works for one download, and expires after a minute.
 */
import crypto from 'node:crypto';

/** What a ticket lets its holder download. */
export interface DownloadTarget {
  runId: number;
  /** One probe's CSV, or (undefined) a ZIP of all of them. */
  probe: string | undefined;
  long: boolean;
  /** Leave out recording data that fails its checksum (the page was told what, when it asked). */
  skipDamaged?: boolean;
  /** Weight snapshots: only those nearest these times (ms), checked when the ticket was issued. */
  atMs?: readonly number[];
}

interface Ticket extends DownloadTarget {
  expiresAt: number;
  used: boolean;
}

/** How long a ticket stays valid, ms: the page starts the download at once. */
export const TICKET_TTL_MS = 60_000;

/** The tickets of one web host. `now` is injectable so tests need no waiting. */
export class DownloadTickets {
  private readonly tickets = new Map<string, Ticket>();

  constructor(
    private readonly ttlMs = TICKET_TTL_MS,
    private readonly now: () => number = Date.now,
  ) {}

  /** A new ticket (32 random bytes, base64url) for `target`. */
  issue(target: DownloadTarget): string {
    this.sweep();
    const id = crypto.randomBytes(32).toString('base64url');
    this.tickets.set(id, { ...target, expiresAt: this.now() + this.ttlMs, used: false });
    return id;
  }

  /**
   * The target of a ticket for run `runId`, or undefined when it is unknown, expired, for
   * another run, or (`consume`) already used. A GET consumes it; a HEAD (the page reads the
   * file name before announcing the download) only looks, until the ticket expires.
   */
  redeem(id: string | null, runId: number, consume: boolean): DownloadTarget | undefined {
    if (id === null) return undefined;
    const ticket = this.tickets.get(id);
    if (!ticket || ticket.runId !== runId) return undefined;
    if (this.now() > ticket.expiresAt) {
      this.tickets.delete(id);
      return undefined;
    }
    const { expiresAt: _expires, used, ...target } = ticket;
    if (!consume) return target;
    if (used) return undefined;
    ticket.used = true;
    return target;
  }

  /** Forgets expired tickets, so a long session does not accumulate them. */
  private sweep(): void {
    const now = this.now();
    for (const [id, t] of this.tickets) if (now > t.expiresAt) this.tickets.delete(id);
  }
}
