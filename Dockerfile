# syntax=docker/dockerfile:1
# The service image. Node runs the TypeScript itself (type stripping, as
# `npm start` does), so there is no compile step: the first stage only installs
# the production dependencies, the second adds the source and drops root.

FROM node:22-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
# --ignore-scripts: Prisma's postinstall downloads native engines this service
# never loads (the client runs on the pg driver adapter, migrations on the
# WebAssembly schema engine).
RUN npm ci --omit=dev --ignore-scripts \
 && npm cache clean --force

FROM node:22-bookworm-slim AS runtime
WORKDIR /app
ENV NODE_ENV=production HOST=0.0.0.0 PORT=3000
# Root-owned and read-only to the app: only the embedded-database directory
# (used when DATABASE_URL is unset) must be writable by the `node` user.
COPY --from=deps /app/node_modules ./node_modules
COPY package.json tsconfig.json ./
COPY prisma ./prisma
COPY src ./src
COPY schema ./schema
COPY public ./public
COPY seed ./seed
COPY data/fbi ./data/fbi
RUN mkdir -p /app/.data && chown node:node /app/.data
USER node
EXPOSE 3000
# /readyz answers 200 only when the database is reachable and fully migrated.
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/readyz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# node itself, not npm or npx: PID 1 gets `docker stop`'s SIGTERM and drains.
CMD ["node", "src/server.ts"]
