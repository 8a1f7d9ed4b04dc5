# syntax=docker/dockerfile:1
# Gazette: one image for `serve` and `worker`. Multi-stage: the TypeScript is compiled in a build
# stage; the runtime stage has production dependencies, dist/ and the templates, and runs as the
# unprivileged `node` user.

# Node 24, the active LTS: .ci/run tests the whole suite on it as well as on Node 20.
ARG NODE_IMAGE=node:24-bookworm-slim

FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000
WORKDIR /app
COPY --chown=root:root package.json ./
COPY --chown=root:root --from=deps /app/node_modules ./node_modules
COPY --chown=root:root --from=build /app/dist ./dist
COPY --chown=root:root bin ./bin
# The build put the templates and Redis scripts beside the compiled code. Without src/cli/main.ts in
# the image, bin/gazette.js runs dist/.
COPY --chown=root:root content ./content
# The code is root's and read-only to the process; only the outbox is writable.
RUN mkdir -p /app/out/outbox && chown -R node:node /app/out
USER node
EXPOSE 3000
# `serve` answers /healthz (Redis PING within 500 ms); compose gives the worker its own check.
HEALTHCHECK --interval=15s --timeout=3s --start-period=10s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
ENTRYPOINT ["node", "bin/gazette.js"]
CMD ["serve"]
