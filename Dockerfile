# syntax=docker/dockerfile:1
# meetpin in a container: a static Go binary on distroless (CA certificates
# and time zones included, no shell), run as a non-root user.
#
#   docker build -t meetpin --build-arg VERSION=$(git describe --tags --always) --build-arg COMMIT=$(git rev-parse --short HEAD) .
#   docker run -p 8080:8080 -v meetpin-data:/data meetpin serve --demo
#
# The image answers `docker inspect --format '{{.State.Health.Status}}'`
# through `meetpin health` (there is no curl in it). deploy_test.go in
# cmd/meetpin checks this file.

ARG GO_VERSION=1.26.8
ARG NODE_VERSION=22

# The map bundle (Leaflet), as `make assets` builds it.
FROM node:${NODE_VERSION}-bookworm-slim AS assets
WORKDIR /src/web/frontend
COPY web/frontend/package.json web/frontend/package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=error
COPY web/frontend/build.mjs ./
RUN node build.mjs

# The binary: static (CGO_ENABLED=0; SQLite is pure Go), stamped like `make build`.
FROM golang:${GO_VERSION}-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
COPY --from=assets /src/web/static/dist web/static/dist
ARG VERSION=dev
ARG COMMIT=unknown
RUN CGO_ENABLED=0 go build -trimpath \
      -ldflags "-s -w -X meetpin.app/buildinfo.Version=${VERSION} -X meetpin.app/buildinfo.Commit=${COMMIT}" \
      -o /out/meetpin ./cmd/meetpin \
 && mkdir -p /out/data

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/meetpin /meetpin
COPY --from=build --chown=65532:65532 /out/data /data
ENV MEETPIN_ADDR=:8080 \
    MEETPIN_DATA_DIR=/data
USER 65532:65532
EXPOSE 8080
VOLUME ["/data"]
STOPSIGNAL SIGTERM
HEALTHCHECK --interval=10s --timeout=5s --start-period=60s --retries=3 CMD ["/meetpin", "health"]
ENTRYPOINT ["/meetpin"]
CMD ["serve"]
