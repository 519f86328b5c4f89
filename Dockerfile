# One image for the five functions and the remote watcher, each of which runs its own esbuild bundle
# (functions/bundle.ts, `npm run bundle`; docs/performance.md, "Cold start"; docs/adr/0015):
#   functions:      command node <heap flags> dist/bundles/<name>.mjs, args --target=<name> --timeout=25
#                   (admission, pipelinerun-creator, status-relay, cleanup, resync): a function's bundle
#                   is functions-framework's command line with that one function in it, run with the
#                   V8 code cache `npm run bundle` made beside it; both stages use the same Node image,
#                   as the cache is only accepted by the V8 (and heap flags) that made it
#   remote watcher: command node dist/bundles/remote-source.mjs
# Each bundle's source map lies beside it (*.map); `NODE_OPTIONS=--enable-source-maps` maps stack
# traces back to the sources, at a cost to every cold start, so it is not on by default.
# Node.js 20 matches package.json "engines" (see docs/adr/0001).

FROM node:20-alpine AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json ./
COPY functions functions
COPY shared shared
COPY sources sources
RUN npm run bundle

FROM node:20-alpine
ENV NODE_ENV=production
WORKDIR /app
# node_modules only for what the bundles leave out: @kubernetes/client-node, loaded for a kubeconfig
# that needs it (exec plugins, auth providers, proxies; docs/adr/0015).
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist/bundles dist/bundles
# The node image's unprivileged user, by number so that runAsNonRoot can verify it.
USER 1000:1000
EXPOSE 8080
ENTRYPOINT ["node"]
