# syntax=docker/dockerfile:1
# The operator image: `docker build -t dataaction-operator:0.1.0 .`
# Build stage compiles TypeScript; the runtime stage has Node, the production dependencies and dist/ only.
ARG NODE_IMAGE=node:24-alpine

FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
# --ignore-scripts: the `node` devDependency's install script would fetch a second Node (a glibc build,
# useless on Alpine) and shadow the image's own `node` in npm scripts; no other dependency needs a script.
RUN npm ci --ignore-scripts --no-audit --no-fund && rm -f node_modules/.bin/node
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

FROM ${NODE_IMAGE} AS dependencies
WORKDIR /app
COPY package.json package-lock.json ./
# --omit=dev leaves out typescript, vitest and the `node` package: only what dist/ imports.
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund

FROM ${NODE_IMAGE}
# tini is PID 1: it forwards SIGTERM to Node (its direct child) and reaps zombies, so a graceful drain
# works whether or not Node installed a signal handler yet.
RUN apk add --no-cache tini
ENV NODE_ENV=production
WORKDIR /app
COPY --from=dependencies /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
# Numeric, so Kubernetes can verify runAsNonRoot without /etc/passwd; matches deploy/deployment.yaml.
USER 65532:65532
# Nothing is written outside /tmp (an emptyDir in the Deployment): the root filesystem can be read-only.
EXPOSE 8080 8081
ENTRYPOINT ["/sbin/tini", "--", "node", "dist/main.js"]
