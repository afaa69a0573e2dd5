# edgeproc as one executable (`npm run build:binary`, tested by test/e2e/binary.test.ts) on Debian slim, with no
# node_modules and no Bun installed. Not built in CI or in the development sandbox (no Docker engine there), so
# this file itself is untested; see docs/container.md.

# The Bun that builds is the Bun inside the binary: the version the tests ran with.
FROM oven/bun:1.4.5-slim AS build
WORKDIR /src
# Runtime dependencies only, bundled into the binary; the build uses this image's bun. Bun migrates
# package-lock.json, so the versions are the ones the tests ran with.
COPY package.json package-lock.json ./
RUN bun install --production
COPY tsconfig.json ./
COPY scripts/build-binary.sh ./scripts/
COPY src ./src
RUN bash scripts/build-binary.sh /out/edgeproc

FROM debian:bookworm-slim
# The binary needs glibc, /bin/sh, sed and sleep (the watchdog), all in the base image, and /proc. tini is PID 1:
# Bun does not reap the orphans that commands leave, and tini forwards SIGTERM to edgeproc.
RUN apt-get update && apt-get install -y --no-install-recommends tini && rm -rf /var/lib/apt/lists/*
RUN useradd --uid 1000 --create-home edgeproc && mkdir /workspace && chown edgeproc:edgeproc /workspace
COPY --from=build /out/edgeproc /usr/local/bin/edgeproc

# Reachable from outside the container. Expects EDGEPROC_TOKEN: anyone who reaches the port runs commands.
ENV EDGEPROC_HOST=0.0.0.0
# Processes start here unless a request names a workdir; mount your project over it.
ENV EDGEPROC_WORKDIR=/workspace
WORKDIR /workspace
USER edgeproc

EXPOSE 7070
STOPSIGNAL SIGTERM
# -s: tini reaps orphans even when it is not PID 1 (`docker run --init` puts another init first).
ENTRYPOINT ["/usr/bin/tini", "-s", "--", "edgeproc"]
