# One image for the five functions and the remote watcher.
#   functions:      args --target=<name>   (admission, pipelinerun-creator, status-relay, cleanup, resync)
#   remote watcher: command node dist/sources/remote-source/main.js
# Node.js 20 matches package.json "engines" (see docs/adr/0001).

FROM node:20-alpine AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY functions functions
COPY shared shared
COPY sources sources
RUN npm run build

FROM node:20-alpine
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist/functions dist/functions
COPY --from=build /app/dist/shared dist/shared
COPY --from=build /app/dist/sources dist/sources
# The node image's unprivileged user, by number so that runAsNonRoot can verify it.
USER 1000:1000
EXPOSE 8080
ENTRYPOINT ["/app/node_modules/.bin/functions-framework", "--source=dist/functions/index.js"]
