# syntax=docker/dockerfile:1
# Rollcall API server. Weights ship inside the npm packages; nothing downloads at run time.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY scripts ./scripts
COPY bench ./bench
COPY models ./models
RUN npm run build && npm prune --omit=dev

# The dashboard: a static export, served by the server from client/out.
FROM node:20-bookworm-slim AS client
WORKDIR /app/client
COPY client/package.json client/package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY client ./
COPY src/schema/schema.graphql /app/src/schema/schema.graphql
RUN npm run build

FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
RUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/models ./models
COPY --from=client /app/client/out ./client/out
COPY package.json ./
USER node
EXPOSE 4000
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s CMD curl -fsS http://localhost:4000/readyz || exit 1
CMD ["node", "dist/src/main.js"]
