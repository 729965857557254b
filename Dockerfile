# The app as one image for `docker compose --profile app up` (see docker-compose.yml):
# the same image serves the web app (`npm start`), runs the projectors
# (`npm run worker`) and applies migrations (`npm run db:migrate`).
FROM node:22-bookworm-slim
WORKDIR /app
ENV NEXT_TELEMETRY_DISABLED=1
COPY package.json package-lock.json ./
# Development dependencies stay: the worker and the migration script run through tsx.
RUN npm ci --no-audit --no-fund
COPY . .
# The build needs no connection variables; the servers get theirs when they start.
RUN npm run build
ENV NODE_ENV=production PORT=3000
EXPOSE 3000
CMD ["npm", "start"]
