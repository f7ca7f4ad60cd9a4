/**
 * The demo accounts the embedded default seeds on first start. Their ids are fixed so that
 * every domain can seed data that refers to them without reading the users database.
 */
export const DEMO_USERS = [
  { id: '01900000-0000-7000-8000-000000000001', username: 'ada', displayName: 'Ada Lovelace', role: 'ADMIN' },
  { id: '01900000-0000-7000-8000-000000000002', username: 'grace', displayName: 'Grace Hopper', role: 'USER' },
  { id: '01900000-0000-7000-8000-000000000003', username: 'alan', displayName: 'Alan Turing', role: 'USER' },
  { id: '01900000-0000-7000-8000-000000000004', username: 'katherine', displayName: 'Katherine Johnson', role: 'USER' },
  { id: '01900000-0000-7000-8000-000000000005', username: 'linus', displayName: 'Linus Torvalds', role: 'USER' },
] as const;

/** The password of every demo account: a development default, never used outside the demo. */
export const DEMO_PASSWORD = 'supergraph-demo';
