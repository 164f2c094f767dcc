import Benchmark
import BenchmarkSupport
import Logging
import ServiceLog

// Question: does a typed ServiceLog call below the logger's level cost what swift-log's own level
// check costs? Both loggers are at `warning`; ServiceLog calls `requestStart` (at `info`), swift-log
// calls `debug` with the same event as metadata on a handler that only holds a level (like swift-log's
// benchmark NoOpLogHandler). Neither should evaluate its arguments or allocate.
//
// Each sample makes 1M calls; figures are per sample (./compare.sh prints them per call).

let benchmarks: @Sendable () -> Void = {
    let configuration = Benchmark.Configuration(
        metrics: [.wallClock, .cpuTotal, .mallocCountTotal, .throughput], warmupIterations: 3,
        scalingFactor: .init(rawValue: Sampling.belowLevelCallsPerSample)!,
        maxDuration: .seconds(3), maxIterations: 1_000)

    let serviceLog = makeServiceLogLogger(level: .warning)
    Benchmark("ServiceLog below level", configuration: configuration) { benchmark in
        Fixture.context.withCurrent {
            benchmark.startMeasurement()
            for _ in benchmark.scaledIterations {
                serviceLog.logger.requestStart(
                    method: "POST", endpoint: "/v1/orders", userID: "u-1842",
                    metadata: ["region": "eu-west-1", "cart_items": .stringConvertible(3)])
            }
            benchmark.stopMeasurement()
        }
    }

    let swiftLog = makeLevelOnlyLogger(level: .warning)
    Benchmark("swift-log below level", configuration: configuration) { benchmark in
        Fixture.context.withCurrent {
            benchmark.startMeasurement()
            for _ in benchmark.scaledIterations {
                swiftLog.debug(
                    "request_start",
                    metadata: [
                        "service": "orders",
                        "event_type": "request_start",
                        "correlation_id": .string(Fixture.correlationID),
                        "trace_id": .string(Fixture.traceID),
                        "span_id": .string(Fixture.spanID),
                        "method": "POST",
                        "endpoint": "/v1/orders",
                        "user_id": "u-1842",
                        "region": "eu-west-1",
                        "cart_items": .stringConvertible(3),
                    ])
            }
            benchmark.stopMeasurement()
        }
    }
}
