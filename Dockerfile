# The analyzer and logshipper images, built on the project's toolchain (Swift 6.3):
#   docker build --target analyzer   -t swift-service-observability/analyzer:0.1.0   .
#   docker build --target logshipper -t swift-service-observability/logshipper:0.1.0 .
# deploy/kubernetes/ and Examples/LogShipper/docker-compose.yml use these names.

FROM swift:6.3-noble AS build
RUN apt-get update && apt-get install -y --no-install-recommends \
      libsystemd-dev zlib1g-dev libcurl4-openssl-dev libsqlite3-dev \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
# Manifest first: the dependency fetch is cached until Package.swift changes.
COPY Package.swift ./
RUN swift package resolve
COPY . .
RUN swift build -c release --product analyzer && swift build -c release --product logshipper \
    && mkdir -p /out/analyzer /out/logshipper \
    && cp -r .build/release/analyzer .build/release/*.resources /out/analyzer/ \
    && cp .build/release/logshipper /out/logshipper/

# What both binaries need at run time: the C libraries they link and CA certificates for https.
FROM swift:6.3-noble-slim AS runtime
RUN apt-get update && apt-get install -y --no-install-recommends \
      libsystemd0 zlib1g libcurl4 libsqlite3-0 ca-certificates \
    && rm -rf /var/lib/apt/lists/*
# Volumes take the owner of these directories when first mounted; 65534 is nobody.
RUN mkdir -p /data /var/lib/logshipper && chown 65534:65534 /data /var/lib/logshipper

FROM runtime AS analyzer
# With the dashboard's pages: a resource bundle next to the executable.
COPY --from=build /out/analyzer/ /usr/local/bin/
USER 65534:65534
EXPOSE 4180
VOLUME /data
ENTRYPOINT ["/usr/local/bin/analyzer"]
CMD ["serve", "--host", "0.0.0.0", "--store", "/data/analyzer.sqlite"]

FROM runtime AS logshipper
COPY --from=build /out/logshipper/ /usr/local/bin/
USER 65534:65534
EXPOSE 9598
ENTRYPOINT ["/usr/local/bin/logshipper"]
CMD ["--help"]
