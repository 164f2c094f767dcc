// swift-tools-version:6.1
import PackageDescription

/// Settings every first-party target shares: Swift 6 language mode is the default for tools 6.x,
/// `ExistentialAny` keeps the cost of existentials visible at the call site.
let strict: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "swift-service-observability",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "ServiceLog", targets: ["ServiceLog"]),
        .library(name: "ServiceLogJournal", targets: ["ServiceLogJournal"]),
        .library(name: "ServiceLogTracing", targets: ["ServiceLogTracing"]),
        .library(name: "ServiceLogHummingbird", targets: ["ServiceLogHummingbird"]),
        .library(name: "ServiceLogHTTPClient", targets: ["ServiceLogHTTPClient"]),
        // The shipper's stages, for embedding or benchmarking them (logshipper is the assembled sidecar).
        .library(name: "ShipperCore", targets: ["ShipperCore"]),
        .library(name: "ShipperFileSource", targets: ["ShipperFileSource"]),
        .library(name: "ShipperJournalSource", targets: ["ShipperJournalSource"]),
        .library(name: "ShipperHTTPSink", targets: ["ShipperHTTPSink"]),
        .library(name: "ShipperOTLPSink", targets: ["ShipperOTLPSink"]),
        .library(name: "ShipperPipeline", targets: ["ShipperPipeline"]),
        .executable(name: "logshipper", targets: ["LogShipper"]),
        .executable(name: "analyzer", targets: ["Analyzer"]),
        .executable(name: "example-services", targets: ["ExampleServices"]),
        .executable(name: "shop", targets: ["Shop"]),
        .executable(name: "traced-service", targets: ["TracedService"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-distributed-tracing", from: "1.7.3"),
        .package(url: "https://github.com/swift-otel/swift-w3c-trace-context", from: "1.0.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-protobuf", from: "1.39.0"),
        // Only Examples/TracedService's `--export otlp` uses it: the OTel way of exporting the same spans.
        .package(url: "https://github.com/swift-otel/swift-otel", from: "1.6.0", traits: ["OTLPHTTP"]),
    ],
    targets: [
        // MARK: ServiceLog: the event model and the swift-log backend every other part builds on.
        .target(
            name: "ServiceLog",
            dependencies: [
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Instrumentation", package: "swift-distributed-tracing"),
                .product(name: "W3CTraceContext", package: "swift-w3c-trace-context"),
            ],
            swiftSettings: strict
        ),
        // OpenTelemetry's span conventions, read alike by the tracer and the OTLP receiver.
        .target(
            name: "SpanConventions",
            dependencies: ["ServiceLog"],
            swiftSettings: strict
        ),
        .target(
            name: "ServiceLogTracing",
            dependencies: [
                "ServiceLog",
                "SpanConventions",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
            ],
            swiftSettings: strict
        ),
        .systemLibrary(
            name: "CSystemd",
            pkgConfig: "libsystemd",
            providers: [.apt(["libsystemd-dev"])]
        ),
        .target(
            name: "ServiceLogJournal",
            dependencies: ["ServiceLog", "CSystemd"],
            swiftSettings: strict
        ),
        .target(
            name: "ServiceLogHummingbird",
            dependencies: [
                "ServiceLog",
                .product(name: "Hummingbird", package: "hummingbird"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "ServiceLogHTTPClient",
            dependencies: [
                "ServiceLog",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: strict
        ),

        // MARK: Compression shared by the shipper (gzip out) and the analyzer (bounded gunzip in)
        .systemLibrary(
            name: "CZlib",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]
        ),
        .target(
            name: "Gzip",
            dependencies: ["CZlib"],
            swiftSettings: strict
        ),

        // MARK: LogShipper: sources -> transform -> batch -> spool -> sink
        .target(
            name: "ShipperCore",
            dependencies: ["ServiceLog"],
            swiftSettings: strict
        ),
        .target(
            name: "ShipperFileSource",
            dependencies: ["ShipperCore", "ServiceLog"],
            swiftSettings: strict
        ),
        .target(
            name: "ShipperJournalSource",
            dependencies: ["ShipperCore", "ServiceLog", "CSystemd"],
            swiftSettings: strict
        ),
        .systemLibrary(
            name: "CCurl",
            pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"])]
        ),
        .target(
            name: "ShipperHTTPSink",
            dependencies: ["ShipperCore", "CCurl"],
            swiftSettings: strict
        ),
        .target(
            name: "ShipperOTLPSink",
            dependencies: [
                "ShipperCore",
                "ServiceLog",
                "OTLPModel",
                "Gzip",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "ShipperPipeline",
            dependencies: [
                "ShipperCore",
                "ServiceLog",
                "Gzip",
                "CZlib",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ],
            swiftSettings: strict
        ),

        // MARK: Analyzer: ingest -> store -> correlate -> detect -> diagnose -> present
        .target(
            name: "AnalyzerCore",
            dependencies: [
                "ServiceLog",
                "Gzip",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Hummingbird", package: "hummingbird"),
            ],
            swiftSettings: strict
        ),

        // MARK: OpenTelemetry: the OTLP messages (generated by scripts/generate-otlp.sh) and the receiver
        // that maps them into canonical events (`POST /v1/traces`, `/v1/logs`, `/v1/metrics`)
        .target(
            name: "OTLPModel",
            dependencies: [.product(name: "SwiftProtobuf", package: "swift-protobuf")],
            exclude: ["Proto"]
        ),
        .target(
            name: "AnalyzerOTLP",
            dependencies: [
                "SpanConventions",
                "AnalyzerCore",
                "ServiceLog",
                "OTLPModel",
                "Gzip",
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "W3CTraceContext", package: "swift-w3c-trace-context"),
            ],
            swiftSettings: strict
        ),

        // MARK: The evaluation: labelled scenario generator and scorer (tooling, not product; `analyzer eval`)
        .target(
            name: "AnalyzerEvaluation",
            dependencies: [
                "AnalyzerCore",
                "ServiceLog",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "W3CTraceContext", package: "swift-w3c-trace-context"),
            ],
            swiftSettings: strict
        ),

        // MARK: The dashboard: pages (static resources), JSON API, live events and /metrics on `analyzer serve`
        .target(
            name: "AnalyzerDashboard",
            dependencies: [
                "AnalyzerCore",
                "AnalyzerOTLP",
                "MetricsExposition",
                "ServiceLog",
                .product(name: "W3CTraceContext", package: "swift-w3c-trace-context"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ],
            resources: [.copy("Resources/dashboard")],
            swiftSettings: strict
        ),

        // MARK: Checking a listen address before a binary creates anything, shared by both binaries
        .target(
            name: "ListenAddress",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: strict
        ),

        // MARK: One syntax for settings (durations, sizes, key suggestions), shared by both binaries
        .target(name: "SettingSyntax", swiftSettings: strict),

        // MARK: Prometheus exposition with help texts, shared by both binaries' /metrics
        .target(
            name: "MetricsExposition",
            dependencies: [
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            swiftSettings: strict
        ),

        // MARK: Executables
        .executableTarget(
            name: "LogShipper",
            dependencies: [
                "ListenAddress",
                "SettingSyntax",
                "MetricsExposition",
                "ServiceLog",
                "ShipperCore",
                "ShipperFileSource",
                "ShipperJournalSource",
                "ShipperHTTPSink",
                "ShipperOTLPSink",
                "ShipperPipeline",
                .product(name: "Yams", package: "Yams"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "Analyzer",
            dependencies: [
                "ServiceLog",
                "ListenAddress",
                "SettingSyntax",
                "AnalyzerCore",
                "AnalyzerDashboard",
                "AnalyzerEvaluation",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: strict
        ),
        // MARK: Examples
        .target(
            name: "ExampleServicesKit",
            dependencies: [
                "ServiceLog",
                "ServiceLogHummingbird",
                "ServiceLogHTTPClient",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ],
            path: "Examples/ExampleServicesKit",
            swiftSettings: strict
        ),
        .executableTarget(
            name: "TracedService",
            dependencies: [
                "ServiceLog",
                "ServiceLogTracing",
                .product(name: "Tracing", package: "swift-distributed-tracing"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "OTel", package: "swift-otel"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Examples/TracedService",
            swiftSettings: strict
        ),
        .executableTarget(
            name: "ExampleServices",
            dependencies: [
                "ExampleServicesKit",
                "ServiceLog",
                "ServiceLogHTTPClient",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Examples/ExampleServices",
            swiftSettings: strict
        ),
        // The 12-service shop of the end-to-end story (`make demo`).
        .target(
            name: "ShopKit",
            dependencies: [
                "AnalyzerCore",
                "ServiceLog",
                "ServiceLogHummingbird",
                "ServiceLogHTTPClient",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOFoundationCompat", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            path: "Examples/Shop/ShopKit",
            swiftSettings: strict
        ),
        .executableTarget(
            name: "Shop",
            dependencies: [
                "ShopKit",
                "ServiceLog",
                "Gzip",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Examples/Shop/ShopCommand",
            swiftSettings: strict
        ),

        // MARK: Tests
        // Helpers shared by the test targets (running a built executable, a free port, a seeded
        // generator), as swift-nio has NIOTestUtils; not a product.
        .target(name: "TestSupport", path: "Tests/TestSupport", swiftSettings: strict),
        .testTarget(
            name: "ServiceLogTests",
            dependencies: ["TestSupport", "ServiceLog"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "ServiceLogTracingTests",
            dependencies: ["TestSupport", 
                "ServiceLogTracing",
                "ServiceLog",
                "AnalyzerCore",
                .product(name: "Tracing", package: "swift-distributed-tracing"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "ServiceLogJournalTests",
            dependencies: ["ServiceLog", "ServiceLogJournal"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "SettingSyntaxTests",
            dependencies: ["SettingSyntax"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "GzipTests",
            dependencies: ["Gzip"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "ShipperFileSourceTests",
            dependencies: ["ShipperFileSource", "ShipperCore"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "ShipperJournalSourceTests",
            dependencies: ["ShipperJournalSource", "ShipperCore", "ServiceLog"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "ShipperHTTPSinkTests",
            dependencies: [
                "ShipperHTTPSink",
                "ShipperCore",
                "Gzip",
                .product(name: "Hummingbird", package: "hummingbird"),
            ],
            exclude: ["Fixtures"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "ShipperPipelineTests",
            dependencies: ["TestSupport", 
                "ShipperPipeline",
                "ShipperCore",
                "ServiceLog",
                "Gzip",
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "LogShipperTests",
            dependencies: ["TestSupport", "AnalyzerCore", "ServiceLog"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "AnalyzerCoreTests",
            dependencies: ["TestSupport", 
                "AnalyzerCore",
                "AnalyzerEvaluation",
                "ServiceLog",
                "Gzip",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Hummingbird", package: "hummingbird"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "AnalyzerEvaluationTests",
            dependencies: [
                "AnalyzerEvaluation",
                "AnalyzerCore",
                "ServiceLog",
                .product(name: "W3CTraceContext", package: "swift-w3c-trace-context"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "DashboardTests",
            dependencies: ["TestSupport", 
                "AnalyzerDashboard",
                "AnalyzerCore",
                "AnalyzerEvaluation",
                "ServiceLog",
                "ShipperPipeline",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Hummingbird", package: "hummingbird"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "AnalyzerOTLPTests",
            dependencies: ["TestSupport", 
                "AnalyzerOTLP",
                "ShipperOTLPSink",
                "AnalyzerDashboard",
                "AnalyzerCore",
                "OTLPModel",
                "ServiceLog",
                "Gzip",
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "W3CTraceContext", package: "swift-w3c-trace-context"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "ExampleServicesTests",
            dependencies: [
                "ServiceLog",
                "ServiceLogHTTPClient",
                "ExampleServicesKit",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "ShopTests",
            dependencies: ["TestSupport", 
                "ShopKit",
                "AnalyzerCore",
                "ServiceLog",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOFoundationCompat", package: "swift-nio"),
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: strict
        ),
    ]
)
