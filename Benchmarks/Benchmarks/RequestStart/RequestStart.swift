import Benchmark
import BenchmarkSupport
import Logging
import ServiceLog

// Question: what does logging one `request_start` event (8 fields + 2 metadata values) cost the
// caller with ServiceLog, and how does that compare with swift-log's StreamLogHandler and with a
// handler built on Foundation's JSONEncoder? Target: <= 300 ns and <= 2 allocations per event, and
// at least 5x faster than the JSONEncoder handler.
//
// Every sample logs `Sampling.eventsPerSample` events (the scaling factor) inside one request context;
// ./compare.sh prints the figures per event.
//
// What each benchmark measures:
// - "ServiceLog typed fields": the same event with `region` and `cart_items` as typed fields
//   (`logger.event(.requestStart(...), fields: .string(...), .int(...))`): no metadata dictionary.
// - "ServiceLog requestStart": the caller's cost. ServiceLogHandler encodes into the LineWriter's
//   buffer under its lock; the writer thread does the write(2) to /dev/null on the other core. The
//   writer is flushed after each sample, outside the measured region.
// - "ServiceLog requestStart incl. writer": the same with `writer.flush()` inside the measured region
//   once per sample of `Sampling.pipelineEventsPerSample` (100k) events, so wallClock covers the
//   writer's work too (throughput of the whole pipeline) and cpuTotal is the CPU time of both threads.
//   Its plugin table is per sample (scaling factor one).
// - "StreamLogHandler" and "JSONEncoder handler": synchronous handlers; the event's fields travel as
//   metadata, the line goes to a BufferedSink (/dev/null behind 64 KiB), flushed inside the region.

let benchmarks: @Sendable () -> Void = {
    let metrics: [BenchmarkMetric] = [.wallClock, .cpuTotal, .mallocCountTotal, .throughput]
    let perThousand = Benchmark.Configuration(
        metrics: metrics, warmupIterations: 5, scalingFactor: .init(rawValue: Sampling.eventsPerSample)!,
        maxDuration: .seconds(4), maxIterations: 1_000_000)
    let perSample = Benchmark.Configuration(
        metrics: metrics, warmupIterations: 2, scalingFactor: .one, maxDuration: .seconds(5), maxIterations: 100)

    let typed = makeServiceLogLogger()
    Benchmark("ServiceLog typed fields", configuration: perThousand) { benchmark in
        Fixture.context.withCurrent {
            benchmark.startMeasurement()
            for _ in benchmark.scaledIterations {
                Fixture.logTypedFields(typed.logger)
            }
            benchmark.stopMeasurement()
        }
        typed.writer.flush()
    }

    let serviceLog = makeServiceLogLogger()
    Benchmark("ServiceLog requestStart", configuration: perThousand) { benchmark in
        Fixture.context.withCurrent {
            benchmark.startMeasurement()
            for _ in benchmark.scaledIterations {
                serviceLog.logger.requestStart(
                    method: "POST", endpoint: "/v1/orders", userID: "u-1842",
                    metadata: ["region": "eu-west-1", "cart_items": .stringConvertible(3)])
            }
            benchmark.stopMeasurement()
        }
        serviceLog.writer.flush()
    }

    let pipeline = makeServiceLogLogger()
    Benchmark("ServiceLog requestStart incl. writer", configuration: perSample) { benchmark in
        Fixture.context.withCurrent {
            benchmark.startMeasurement()
            for _ in 0..<Sampling.pipelineEventsPerSample {
                pipeline.logger.requestStart(
                    method: "POST", endpoint: "/v1/orders", userID: "u-1842",
                    metadata: ["region": "eu-west-1", "cart_items": .stringConvertible(3)])
            }
            pipeline.writer.flush()
            benchmark.stopMeasurement()
        }
    }

    let streamSink = BufferedSink()
    let stream = makeStreamLogger(sink: streamSink)
    Benchmark("StreamLogHandler", configuration: perThousand) { benchmark in
        Fixture.context.withCurrent {
            benchmark.startMeasurement()
            for _ in benchmark.scaledIterations {
                Fixture.logAsMetadata(stream)
            }
            streamSink.flush()
            benchmark.stopMeasurement()
        }
    }

    let jsonSink = BufferedSink()
    let json = makeJSONEncoderLogger(sink: jsonSink)
    Benchmark("JSONEncoder handler", configuration: perThousand) { benchmark in
        Fixture.context.withCurrent {
            benchmark.startMeasurement()
            for _ in benchmark.scaledIterations {
                Fixture.logAsMetadata(json)
            }
            jsonSink.flush()
            benchmark.stopMeasurement()
        }
    }
}
