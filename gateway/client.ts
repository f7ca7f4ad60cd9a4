import { quotaKey } from '../platform/http/client-address.js';

/** Who is asking, for quotas and rate limits: the address always, the user when signed in. */
export interface ClientIdentity {
  address: string;
  userId: string | undefined;
}

/** The keys a client is counted under for limits and quotas: its address (an IPv6 one as its /64), and its user when signed in. */
export const clientKeys = (client: ClientIdentity): string[] => [`address:${quotaKey(client.address)}`, ...(client.userId ? [`user:${client.userId}`] : [])];
