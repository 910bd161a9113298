# syntax=docker/dockerfile:1
# The app image: the HTTP API and the worker share it, each run by `node` directly under tini.
#   docker build -t clinical-prioritisation .
#   docker run … clinical-prioritisation                                   (the API, port 3000)
#   docker run … clinical-prioritisation node --max-old-space-size=192 dist/worker.js
#   docker run … clinical-prioritisation node dist/scripts/create-admin.js --id … --name … --email …
#   docker run … clinical-prioritisation node dist/scripts/demo-tokens.js [user]
#   docker run … clinical-prioritisation node dist/scripts/verify.js                    (npm run verify)
# Read against the official Node.js image's docs/BestPractices.md (nodejs/docker-node): node is
# not meant to be PID 1, so tini is; CMD runs node itself, not npm, so signals reach it; the
# image's `node` user (uid 1000) runs it; NODE_ENV=production.

# Node.js 24 LTS on Debian 12, pinned to a release (24/bookworm-slim in nodejs/docker-node).
ARG NODE_IMAGE=node:24.19.0-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json worker.ts ./
COPY src ./src
COPY scripts ./scripts
# TypeScript to JavaScript, Sass to CSS and the workflow bundle, all in dist/ (scripts/build.ts);
# then only the runtime dependencies are kept.
RUN npm run build && npm prune --omit=dev --no-audit --no-fund && npm cache clean --force

FROM ${NODE_IMAGE} AS runtime
# tini as PID 1: it forwards SIGTERM (docker stop) to node once and reaps zombies.
RUN apt-get update \
  && apt-get install -y --no-install-recommends tini \
  && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    DATA_DIR=/app/.data
WORKDIR /app
COPY --from=build /app/package.json /app/package-lock.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY examples ./examples
# What must survive the container: demo tokens, a generated session secret, an embedded database.
RUN mkdir -p /app/.data && chown node:node /app/.data
VOLUME ["/app/.data"]
USER node
EXPOSE 3000
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["node", "--max-semi-space-size=32", "dist/src/api-server.js"]
# Health checks live in docker-compose.yml: the API answers on PORT, a worker on OPS_PORT.
