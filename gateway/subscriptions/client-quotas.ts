import { clientKeys } from '../client.js';
import type { ClientIdentity } from '../client.js';

/**
 * Slots per client: a socket or a subscription counts against its address and, when signed
 * in, its user. One client that fills its quota leaves the gateway's own bounds (10,000
 * distinct subscriptions) to everyone else.
 */
export class ClientQuotas {
  private readonly held = new Map<string, number>();

  constructor(private readonly max: number) {}

  /** Takes a slot for `client`: the function that gives it back, or undefined when a quota is full. */
  acquire(client: ClientIdentity): (() => void) | undefined {
    const keys = clientKeys(client);
    if (keys.some((key) => (this.held.get(key) ?? 0) >= this.max)) return undefined;
    for (const key of keys) this.held.set(key, (this.held.get(key) ?? 0) + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      for (const key of keys) {
        const left = (this.held.get(key) ?? 1) - 1;
        if (left === 0) this.held.delete(key);
        else this.held.set(key, left);
      }
    };
  }
}
