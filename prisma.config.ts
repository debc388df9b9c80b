import { defineConfig } from 'prisma/config';

// DATABASE_URL is only needed by `prisma migrate` against a live server; the
// default keeps `prisma generate` working without one.
export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: { url: process.env.DATABASE_URL ?? 'postgresql://localhost:5432/ice_287g' },
});
