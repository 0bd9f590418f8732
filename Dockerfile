# syntax=docker/dockerfile:1
# The gateway's container image: build with `docker build -t wa-gateway .`, run with docker-compose.yml.
# scripts/container-smoke.sh runs the same build and start steps without a container engine (CI does, on every
# change): keep the two in step, command for command.

# --- Build stage: install everything, compile TypeScript, then drop the development dependencies. ---
FROM node:24-bookworm-slim AS build
# better-sqlite3 compiles its native module when no prebuilt binary fits the platform.
RUN apt-get update \
  && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
COPY patches ./patches
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build
RUN npm prune --omit=dev --no-audit --no-fund

# --- Runtime stage: the compiled app, production dependencies, the console's files; no compiler, no sources. ---
FROM node:24-bookworm-slim
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=5000 \
    DATA_DIR=/app/data \
    DATABASE_PATH=/app/data/app.db
WORKDIR /app
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/static ./static
COPY --from=build /app/scripts ./scripts
# The database, generated keys and sandbox state: owned by the unprivileged `node` user of the base image.
RUN mkdir -p /app/data && chown node:node /app/data && chmod 700 /app/data
USER node
VOLUME ["/app/data"]
EXPOSE 5000
# /health answers 200 while the gateway and its sessions are healthy, 503 otherwise (no API key needed).
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.PORT}/health`).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# Node runs as PID 1 (exec form) and handles SIGTERM itself: it stops accepting requests, finishes in-flight work,
# closes the WhatsApp connections without logging out and closes the database (at most SHUTDOWN_TIMEOUT_MS).
STOPSIGNAL SIGTERM
CMD ["node", "dist/main.js"]
