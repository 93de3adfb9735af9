// Single-use tickets for browsers, which cannot set an Authorization header on a WebSocket: a
// read token buys a ticket over HTTP, the ticket opens one socket within its lifetime.
import { randomBytes } from 'node:crypto';
import type { Principal } from '../auth/tokens';

export const TICKET_TTL_MS = 60_000;

export type TicketCheck = { ok: true; principal: Principal } | { ok: false; reason: 'unknown' | 'expired' };

export class TicketStore {
  private readonly tickets = new Map<string, { principal: Principal; expiresAt: number }>();

  constructor(
    private readonly now: () => number = Date.now,
    private readonly ttlMs = TICKET_TTL_MS,
  ) {}

  issue(principal: Principal): { ticket: string; expiresAt: number } {
    this.prune();
    const ticket = randomBytes(32).toString('base64url');
    const expiresAt = this.now() + this.ttlMs;
    this.tickets.set(ticket, { principal, expiresAt });
    return { ticket, expiresAt };
  }

  /** Uses the ticket up whatever the outcome: a ticket never opens two sockets. */
  redeem(ticket: string): TicketCheck {
    const held = this.tickets.get(ticket);
    if (!held) return { ok: false, reason: 'unknown' };
    this.tickets.delete(ticket);
    if (this.now() >= held.expiresAt) return { ok: false, reason: 'expired' };
    return { ok: true, principal: held.principal };
  }

  get size() {
    return this.tickets.size;
  }

  private prune() {
    const now = this.now();
    for (const [ticket, { expiresAt }] of this.tickets) if (now >= expiresAt) this.tickets.delete(ticket);
  }
}
