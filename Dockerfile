# syntax=docker/dockerfile:1
# The operator image: `docker build --build-arg REVISION=$(git rev-parse HEAD) -t dataaction-operator:0.1.0 .`
# Build stage compiles TypeScript; the runtime stage has Node, the production dependencies and dist/ only.
# The base image, pinned by digest so that a rebuild of the same commit gets the same Node and Alpine.
# This digest is one that docker.io/library/node:24-alpine resolved to in public build logs and Dockerfiles
# (found with a code search; no pull was possible where this was written, so it was not re-verified here).
# Refresh it when Node 24 or Alpine ships a fix:
#   docker buildx imagetools inspect node:24-alpine --format '{{json .Manifest.Digest}}'   (or: crane digest node:24-alpine)
ARG NODE_IMAGE=node:24-alpine@sha256:d32cdf619f63fe0471182d08996dd516c6275bb5fd31ae06e55a570bd9e1ad43

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
# The version lives in package.json; test/unit/deploy/version.test.ts checks this default against it.
ARG VERSION=0.1.0
ARG REVISION=unknown
LABEL org.opencontainers.image.title="dataaction-operator" \
      org.opencontainers.image.description="Kubernetes operator for Genesys Cloud data action integrations" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.licenses="Apache-2.0" \
      org.opencontainers.image.source="https://github.com/dataactions/dataaction-operator" \
      org.opencontainers.image.base.name="docker.io/library/node:24-alpine"
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
