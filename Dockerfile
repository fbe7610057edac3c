# The platform image: one process serving MQTT, HTTP, Socket.IO and the dashboard.
FROM node:20-bookworm-slim AS build
WORKDIR /app
# better-sqlite3 and classic-level compile from source when no prebuilt binary fits.
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund

FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production \
    DATA_DIR=/var/lib/city-ops \
    HTTP_HOST=0.0.0.0 \
    MQTT_HOST=0.0.0.0 \
    SIMULATE=0 \
    NODE_OPTIONS=--max-old-space-size=384
COPY --from=build /app/node_modules ./node_modules
COPY package.json tsconfig.json ./
COPY core ./core
COPY gateway ./gateway
COPY services ./services
COPY dashboard ./dashboard
COPY simulators ./simulators
RUN mkdir -p /var/lib/city-ops && chown node:node /var/lib/city-ops
USER node
VOLUME ["/var/lib/city-ops"]
EXPOSE 1883 8080
HEALTHCHECK --interval=15s --timeout=5s --start-period=20s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:' + (process.env.HTTP_PORT || 8080) + '/healthz').then(r => r.json()).then(h => process.exit(h.status === 'ok' ? 0 : 1)).catch(() => process.exit(1))"
CMD ["node", "--heap-growing-percent=40", "--import", "tsx", "services/main.ts"]
