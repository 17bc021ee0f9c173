# Trellis node image: Debian 12 with Node 20, mediasoup's worker built from the package's sources.
FROM node:20-bookworm
WORKDIR /app
ENV NODE_ENV=production XDG_CACHE_HOME=/var/cache
COPY package.json package-lock.json ./
COPY prisma ./prisma
COPY scripts ./scripts
RUN sh scripts/setup.sh
COPY . .
ENV HOST=0.0.0.0 PORT=3000 DATA_DIR=/data
EXPOSE 3000 40000-40100/udp
VOLUME /data
CMD ["npx", "tsx", "server/server.ts"]
