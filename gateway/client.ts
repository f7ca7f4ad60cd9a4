/** Who is asking, for quotas and rate limits: the address always, the user when signed in. */
export interface ClientIdentity {
  address: string;
  userId: string | undefined;
}

/** The keys a client is counted under for limits and quotas: its address, and its user when signed in. */
export const clientKeys = (client: ClientIdentity): string[] => [`address:${client.address}`, ...(client.userId ? [`user:${client.userId}`] : [])];
