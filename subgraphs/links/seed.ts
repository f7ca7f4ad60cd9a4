import type { PrismaClient } from '../../prisma/links/generated/client.js';
import { demoUserId } from '../../contracts/demo.js';
import type { Logger } from '../../platform/observability/logger.js';

/** Demo short links, by owner, with a few days of clicks each. */
const DEMO_LINKS = [
  { id: '01920000-0000-7000-8000-000000000001', owner: 'ada', code: 'federation', url: 'https://www.apollographql.com/docs/graphos/schema-design/federated-schemas/federation', clicksPerHour: 3 },
  { id: '01920000-0000-7000-8000-000000000002', owner: 'grace', code: 'cobol', url: 'https://en.wikipedia.org/wiki/COBOL', clicksPerHour: 2 },
  { id: '01920000-0000-7000-8000-000000000003', owner: 'alan', code: 'turing-test', url: 'https://en.wikipedia.org/wiki/Turing_test', clicksPerHour: 1 },
  { id: '01920000-0000-7000-8000-000000000004', owner: 'katherine', code: 'apollo-11', url: 'https://www.nasa.gov/mission/apollo-11/', clicksPerHour: 2 },
  { id: '01920000-0000-7000-8000-000000000005', owner: 'linus', code: 'kernel', url: 'https://www.kernel.org/', clicksPerHour: 1 },
] as const;
const REFERRERS = ['direct', 'news.ycombinator.com', 'www.reddit.com'];
const HOURS = 72;
const HOUR_MS = 3_600_000;

/**
 * Seeds demo links into an empty links database (first start of the embedded default), with
 * their aggregates filled in as recorded clicks would have: hourly buckets over three days,
 * referrers, and visitors (made-up hashes, as no address was ever seen).
 */
export async function seedDemoLinks(db: PrismaClient, logger: Logger): Promise<void> {
  if ((await db.link.count()) > 0) return;
  const now = Math.floor(Date.now() / HOUR_MS) * HOUR_MS;
  const hours = Array.from({ length: HOURS }, (_, index) => new Date(now - (HOURS - 1 - index) * HOUR_MS));
  await db.$transaction(
    DEMO_LINKS.flatMap((link, index) => {
      const clicks = link.clicksPerHour * HOURS;
      const visitors = Array.from({ length: Math.ceil(clicks / 3) }, (_, visitor) => `demo-${index}-${visitor}`);
      const perReferrer = REFERRERS.map((referrer, rank) => ({ referrer, clicks: rank < REFERRERS.length - 1 ? Math.floor(clicks / (rank + 2)) : 0 }));
      perReferrer[perReferrer.length - 1]!.clicks = clicks - perReferrer.reduce((sum, row) => sum + row.clicks, 0);
      return [
        db.link.create({
          data: {
            id: link.id,
            code: link.code,
            codeKey: link.code.toLowerCase(),
            url: link.url,
            ownerId: demoUserId(link.owner),
            createdAt: new Date(now - (HOURS + index) * HOUR_MS),
            clicks,
            uniqueVisitors: visitors.length,
          },
        }),
        db.linkClickHour.createMany({ data: hours.map((hour) => ({ linkId: link.id, hour, clicks: link.clicksPerHour })) }),
        db.linkReferrer.createMany({ data: perReferrer.map((row) => ({ linkId: link.id, ...row })) }),
        db.linkVisitor.createMany({ data: visitors.map((visitor) => ({ linkId: link.id, visitor })) }),
      ];
    }),
  );
  logger.info('seeded demo links', { links: DEMO_LINKS.length });
}
