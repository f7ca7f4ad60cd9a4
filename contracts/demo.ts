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

/** The id of a demo account by username. */
export function demoUserId(username: string): string {
  const user = DEMO_USERS.find((candidate) => candidate.username === username);
  if (!user) throw new Error(`No demo user ${username}`);
  return user.id;
}

/** The password of every demo account: a development default, never used outside the demo. */
export const DEMO_PASSWORD = 'supergraph-demo';

/** Demo posts, by author, newest last; ids fixed so the likes demo data can refer to them. */
export const DEMO_POSTS = [
  { id: '01910000-0000-7000-8000-000000000001', author: 'ada', hoursAgo: 72, body: 'Welcome to the supergraph! Six services, one endpoint. Try `publicTimeline` in Sandbox.' },
  { id: '01910000-0000-7000-8000-000000000002', author: 'grace', hoursAgo: 60, body: 'It is easier to ask forgiveness than it is to get permission.' },
  { id: '01910000-0000-7000-8000-000000000003', author: 'alan', hoursAgo: 48, body: 'We can only see a short distance ahead, but we can see plenty there that needs to be done.' },
  { id: '01910000-0000-7000-8000-000000000004', author: 'katherine', hoursAgo: 36, body: 'Like what you do, and then you will do your best.' },
  { id: '01910000-0000-7000-8000-000000000005', author: 'linus', hoursAgo: 30, body: 'Given enough eyeballs, all bugs are shallow.' },
  { id: '01910000-0000-7000-8000-000000000006', author: 'ada', hoursAgo: 24, body: 'The Analytical Engine weaves algebraic patterns just as the Jacquard loom weaves flowers and leaves.' },
  { id: '01910000-0000-7000-8000-000000000007', author: 'grace', hoursAgo: 12, body: 'The most dangerous phrase in the language is: we have always done it this way.' },
  { id: '01910000-0000-7000-8000-000000000008', author: 'alan', hoursAgo: 6, body: 'Subscribe to postLikesChanged on one of these and like it from another tab.' },
] as const;
