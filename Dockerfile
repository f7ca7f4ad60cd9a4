# One image for the gateway and every subgraph; docker-compose.yml picks the command.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# No dependency install scripts run (nothing here relies on one).
RUN npm ci --ignore-scripts
COPY . .
# `npm prune` keeps optional peers (the Prisma CLI, TypeScript, Prisma Studio: 250 MB);
# prune-runtime removes every package the running code cannot load (576 MB -> 323 MB).
RUN npm run build && npm prune --omit=dev --ignore-scripts && node dist/scripts/prune-runtime.js

FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/package.json /app/supergraph.yaml /app/supergraph.graphql ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# The live-stats page and GraphiQL, bundled by `npm run build` (served at / and /graphiql).
COPY --from=build /app/web/dist ./web/dist
# Read at run time: each subgraph's SDL and each domain's SQL migrations.
COPY --from=build /app/subgraphs ./subgraphs
COPY --from=build /app/prisma ./prisma
# The signing key volume inherits this owner, so the unprivileged user can write and read it.
RUN mkdir -p /keys && chown node:node /keys
USER node
CMD ["node", "dist/gateway/main.js"]
