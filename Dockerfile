# Parley: one image, one process per container (Next.js pages, Socket.IO and the HTTP routes on one port).
# docker-compose.yml runs two of these behind nginx; docs/deployment.md explains the recipe.
#
#   docker build -t parley .
#   docker run -p 3000:3000 -v parley-data:/app/data -v parley-uploads:/app/uploads parley
#
# With no DATABASE_URL the container runs its embedded PostgreSQL (PGlite) under /app/data; for more than
# one node set DATABASE_URL, REDIS_URL and the same AUTH_SECRET on every node.

ARG NODE_IMAGE=node:20-bookworm-slim

# --- base: what every stage shares ---------------------------------------------------------------
FROM ${NODE_IMAGE} AS base
WORKDIR /app
ENV NEXT_TELEMETRY_DISABLED=1 \
    PRISMA_HIDE_UPDATE_MESSAGE=1 \
    npm_config_update_notifier=false \
    npm_config_fund=false \
    npm_config_audit=false

# --- deps: every dependency, for the build ------------------------------------------------------
# Only the files `npm ci` needs, so this layer is rebuilt only when the lock file or schema changes.
# The postinstall script runs `prisma generate` (scripts/prisma-generate.mjs keeps the Prisma CLI from
# downloading its native engine), writing the client to src/generated/prisma.
FROM base AS deps
COPY package.json package-lock.json ./
COPY scripts/prisma-generate.mjs ./scripts/
COPY prisma ./prisma
RUN npm ci

# --- build: the Next.js production build, public/widget.js and the visitor window ---------------
FROM base AS build
COPY --from=deps /app/node_modules ./node_modules
COPY . .
COPY --from=deps /app/src/generated ./src/generated
# `npm run build` = scripts/ensure-built.mjs --force: esbuild bundles the widget loader and the visitor window
# (public/im for browsers, build/im for its route handler), then `next build`.
# The build cache is not needed to serve and would only make the image bigger.
RUN npm run build && rm -rf .next/cache

# --- prod-deps: runtime dependencies only --------------------------------------------------------
# tsx (runs server.ts), next, the Prisma client and its runtime are regular dependencies; the test
# tools, TypeScript and the schema-engine glue are not installed here.
FROM base AS prod-deps
COPY package.json package-lock.json ./
COPY scripts/prisma-generate.mjs ./scripts/
COPY prisma ./prisma
RUN npm ci --omit=dev && npm cache clean --force

# --- runtime -------------------------------------------------------------------------------------
FROM base AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    DATA_DIR=/app/data
COPY --from=prod-deps /app/node_modules ./node_modules
COPY --from=prod-deps /app/src/generated ./src/generated
COPY package.json server.ts next.config.js tsconfig.json ./
COPY src ./src
COPY prisma ./prisma
COPY scripts ./scripts
COPY --from=build /app/public ./public
COPY --from=build /app/build ./build
# Next writes its runtime cache under .next, so the app user owns it; everything else stays read-only to it.
COPY --from=build --chown=node:node /app/.next ./.next
# The two places the app writes: uploaded files (share one volume between nodes) and the embedded
# database / generated secret (unused when DATABASE_URL and AUTH_SECRET are set).
RUN mkdir -p /app/uploads /app/data && chown node:node /app/uploads /app/data
USER node
EXPOSE 3000
VOLUME ["/app/uploads", "/app/data"]
# No curl in slim images: Node's own fetch. 200 = database (and Redis, if configured) up and not draining.
HEALTHCHECK --interval=10s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/api/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# node itself as PID 1 (not npm): SIGTERM from `docker stop` reaches the launcher, which passes it to the
# server (it drains and exits). The launcher supplies AUTH_SECRET from /app/data/auth-secret when it is unset:
# a production server refuses to start without one.
CMD ["node", "scripts/start.mjs", "--no-build"]
