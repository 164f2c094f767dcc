// swift-tools-version:6.1
import PackageDescription

// The ServiceLog benchmarks: a package of their own so that ordo-one/benchmark (and its malloc
// interposer) never enters the library's dependency graph, with its own `.build/` next to this file.
//
//   cd Benchmarks && ./compare.sh          # the table the issue asks for (release build)
//   cd Benchmarks && swift package benchmark --target RequestStart
//
// One executable target per question, as in apple/swift-log's Benchmarks/:
// - RequestStart:  what does one `request_start` event cost (typed fields, swift-log path), against
//                  StreamLogHandler and JSONEncoder? (and, by compare.sh, zerolog and zap: go-peers/)
// - BelowLevel:    what does a call below the log level cost, against swift-log's own level check?
// - EmitBreakdown: where does ServiceLog's per-event time go (clock, context, encoding, writer lock)?
// - writer-throughput: events/s to a file on one core.

let package = Package(
    name: "ServiceLogBenchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        // Named explicitly: a path dependency's identity is otherwise its folder name, which differs per clone.
        .package(name: "swift-service-observability", path: ".."),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        // Only the malloc interposer trait: its default `RuntimeInterposer` trait pulls in a package
        // that is not needed for the metrics used here (wallClock, cpuTotal, mallocCountTotal, throughput).
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        // The baselines and fixtures the benchmark targets share.
        .target(
            name: "BenchmarkSupport",
            dependencies: [
                .product(name: "ServiceLog", package: "swift-service-observability"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "RequestStart",
            dependencies: [
                "BenchmarkSupport",
                .product(name: "ServiceLog", package: "swift-service-observability"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Benchmarks/RequestStart",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "BelowLevel",
            dependencies: [
                "BenchmarkSupport",
                .product(name: "ServiceLog", package: "swift-service-observability"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Benchmarks/BelowLevel",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "EmitBreakdown",
            dependencies: [
                "BenchmarkSupport",
                .product(name: "ServiceLog", package: "swift-service-observability"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Benchmarks/EmitBreakdown",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        // LogShipper: lines read, events shaped and events shipped per second, against naive baselines.
        .executableTarget(
            name: "shipper-throughput",
            dependencies: [
                .product(name: "ServiceLog", package: "swift-service-observability"),
                .product(name: "ShipperCore", package: "swift-service-observability"),
                .product(name: "ShipperFileSource", package: "swift-service-observability"),
                .product(name: "ShipperPipeline", package: "swift-service-observability"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Sources/shipper-throughput"
        ),
        // ServiceLog: canonical lines decoded per second by Event(jsonLine:), against the original
        // dictionary-based decoder and JSONSerialization.
        .executableTarget(
            name: "decode-throughput",
            dependencies: [
                .product(name: "ServiceLog", package: "swift-service-observability"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Sources/decode-throughput"
        ),
        // ServiceLog: events/s to a file on one core (typed path, swift-log path, the writer alone).
        .executableTarget(
            name: "writer-throughput",
            dependencies: [
                "BenchmarkSupport",
                .product(name: "ServiceLog", package: "swift-service-observability"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Sources/writer-throughput"
        ),
        // Prints the per-event table and the ratios from a run's JMH export (see compare.sh).
        .executableTarget(
            name: "compare",
            dependencies: [
                "BenchmarkSupport",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
    ]
)
