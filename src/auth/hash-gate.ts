import { tooManyRequests } from '../errors.js';
import { clientGroupOf } from '../shared/client-address.js';

/**
 * Bounds the password hashing one client can have under way at once, so that a few clients
 * cannot fill the hashing threads and stall everyone else's logins. Past the bound: 429.
 * Holds a count only while work is under way, so it never grows beyond the clients in flight.
 */
export class HashGate {
  private readonly inFlight = new Map<string, number>();

  constructor(private readonly perClient: number) {}

  async run<T>(address: string, work: () => Promise<T>): Promise<T> {
    const client = clientGroupOf(address);
    const running = this.inFlight.get(client) ?? 0;
    if (running >= this.perClient) {
      throw tooManyRequests(
        'Too many password checks under way from this client; retry shortly',
        1,
      );
    }
    this.inFlight.set(client, running + 1);
    try {
      return await work();
    } finally {
      const left = (this.inFlight.get(client) ?? 1) - 1;
      if (left > 0) this.inFlight.set(client, left);
      else this.inFlight.delete(client);
    }
  }

  /** Clients with work under way (for tests). */
  get clients(): number {
    return this.inFlight.size;
  }
}
