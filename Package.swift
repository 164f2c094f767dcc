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
        .library(name: "ServiceLogHummingbird", targets: ["ServiceLogHummingbird"]),
        .library(name: "ServiceLogHTTPClient", targets: ["ServiceLogHTTPClient"]),
        .executable(name: "logshipper", targets: ["LogShipper"]),
        .executable(name: "analyzer", targets: ["Analyzer"]),
        .executable(name: "example-services", targets: ["ExampleServices"]),
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

        // MARK: Executables
        .executableTarget(
            name: "LogShipper",
            dependencies: [
                "ServiceLog",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "Analyzer",
            dependencies: [
                "ServiceLog",
                "AnalyzerCore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Hummingbird", package: "hummingbird"),
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

        // MARK: Tests
        .testTarget(
            name: "ServiceLogTests",
            dependencies: ["ServiceLog"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "ServiceLogJournalTests",
            dependencies: ["ServiceLog", "ServiceLogJournal"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "GzipTests",
            dependencies: ["Gzip"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "AnalyzerCoreTests",
            dependencies: [
                "AnalyzerCore",
                "ServiceLog",
                "Gzip",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Hummingbird", package: "hummingbird"),
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
    ]
)
