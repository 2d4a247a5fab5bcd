# Threadline's image: one instance per container; run several against one PostgreSQL (docs/SCALING.md).
# Checked without a Docker daemon by tests/deploy/dockerfile.test.ts.

# Builds dist/: needs the dev dependencies (esbuild) and the generated Prisma clients, which `npm ci` makes in
# its postinstall (scripts/prisma-generate.mjs → src/db/generated and src/db/generated-pg, compiled into dist/).
FROM node:22-slim AS builder
WORKDIR /app
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json prisma.config.ts ./
COPY scripts ./scripts
COPY prisma ./prisma
COPY src ./src
# npm ci builds dist/ in its postinstall; --if-stale makes sure it did, without building twice.
RUN npm ci && node scripts/build.mjs --if-stale

# The production dependencies alone. better-sqlite3 may have to compile its addon, so this stage has the
# compilers and the runtime stage does not. Its postinstall generates the clients again (prisma.config.ts reads
# src/) and finds dist/ built, so it builds nothing.
FROM node:22-slim AS production-deps
WORKDIR /app
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json prisma.config.ts ./
COPY scripts ./scripts
COPY prisma ./prisma
COPY src ./src
COPY --from=builder /app/dist ./dist
RUN npm ci --omit=dev && npm cache clean --force

FROM node:22-slim AS runtime
ENV NODE_ENV=production \
    PORT=3000 \
    METRICS_PORT=9464 \
    METRICS_HOST=0.0.0.0
WORKDIR /app
COPY --chown=node:node package.json package-lock.json manifest.json ./
COPY --chown=node:node prisma ./prisma
COPY --from=production-deps --chown=node:node /app/node_modules ./node_modules
COPY --from=builder --chown=node:node /app/dist ./dist
# The default SQLite file lives here; mount a volume on it for a single instance without PostgreSQL.
RUN mkdir -p /app/data && chown node:node /app/data
USER node
EXPOSE 3000 9464
# slim has no curl: Node's fetch asks this instance's /healthz (database reachable and Socket Mode connected).
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["node", "dist/main.js"]
