# edgeproc on Bun, running the same command as `npm start` and the end-to-end tests, on all interfaces.
# Not built in CI or in the development sandbox (no Docker engine there); see docs/container.md.
FROM oven/bun:1.4.5-slim

WORKDIR /app
# Runtime dependencies only: the dev ones (bun, deno, typescript) are whole toolchains. Bun migrates
# package-lock.json, so the versions are the ones the tests ran with.
COPY package.json package-lock.json ./
RUN bun install --production
COPY tsconfig.json ./
COPY src ./src

# Processes start here unless a request names a workdir; mount your project over it.
ENV EDGEPROC_WORKDIR=/workspace
RUN mkdir -p /workspace && chown bun:bun /workspace
USER bun

EXPOSE 7070
# Expects EDGEPROC_TOKEN: beyond loopback, anyone who reaches the port could otherwise run commands.
CMD ["bun", "run", "src/cli/bun.ts", "--host", "0.0.0.0"]
