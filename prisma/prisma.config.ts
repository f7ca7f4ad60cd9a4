// For operators who have Prisma's schema engine: `PRISMA_DOMAIN=users npx prisma migrate
// status --config prisma/prisma.config.ts`. The project applies migrations itself
// (platform/data/migrations.ts) and records them exactly as `prisma migrate deploy` does.
import { defineConfig } from 'prisma/config';

const domain = process.env['PRISMA_DOMAIN'];
if (!domain) throw new Error('Set PRISMA_DOMAIN to a domain: users, posts, likes, polls, links or courses.');

export default defineConfig({
  schema: `${domain}/schema.prisma`,
  migrations: { path: `${domain}/migrations` },
  datasource: { url: process.env[`${domain.toUpperCase()}_DATABASE_URL`] ?? '' },
});
