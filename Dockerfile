# Production image of the API (used by docker-compose.yml). It needs DATABASE_URL: no embedded database inside.
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ormconfig.ts ./
COPY src src
COPY migrations migrations
COPY scripts scripts
RUN npm run build && npm prune --omit=dev

FROM node:24-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY --from=build /app/node_modules node_modules
COPY --from=build /app/dist dist
# the dashboard's static files are served from the source tree as they are (no build step)
COPY --from=build /app/src/web src/web
COPY package.json ./
USER node
EXPOSE 4000
CMD ["node", "dist/src/main.js"]
