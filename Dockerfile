# Builds the service; used by docker-compose.yml. SQLite and libpq are compiled in (bundled), so the
# runtime image needs no database client libraries (and no curl: the binary checks its own health).
FROM rust:1-bookworm AS build
WORKDIR /src
COPY . .
RUN cargo build --release --locked && cp target/release/techniekpact-api /usr/local/bin/

FROM debian:bookworm-slim
COPY --from=build /usr/local/bin/techniekpact-api /usr/local/bin/techniekpact-api
# A user of its own; /data holds the signing key and, by default, the SQLite database.
RUN useradd --system --uid 10001 --home-dir /data --create-home techniekpact
USER techniekpact
ENV HOST=0.0.0.0 PORT=8080 DATA_DIR=/data DATABASE_URL=sqlite:///data/techniekpact.db
VOLUME /data
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=5s CMD ["techniekpact-api", "healthcheck"]
ENTRYPOINT ["techniekpact-api"]
CMD ["serve"]
