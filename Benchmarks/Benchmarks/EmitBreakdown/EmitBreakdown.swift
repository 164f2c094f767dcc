import Benchmark
import BenchmarkSupport
import Logging
import ServiceLog

// Question: where do the nanoseconds and allocations of one ServiceLog `request_start` go?
// Each benchmark isolates one step of `Logger.requestStart` -> `ServiceLogHandler.emit` ->
// `LineWriter.append` -> encoding. 1000 operations per sample (./compare.sh --breakdown prints
// them per operation). The steps do not add up exactly (caches, inlining), but they rank the costs.

let benchmarks: @Sendable () -> Void = {
    let configuration = Benchmark.Configuration(
        metrics: [.wallClock, .mallocCountTotal, .throughput], warmupIterations: 5,
        scalingFactor: .init(rawValue: Sampling.breakdownOperationsPerSample)!,
        maxDuration: .seconds(3), maxIterations: 1_000_000)

    func measure(_ name: String, _ body: @escaping @Sendable () -> Void) {
        Benchmark(name, configuration: configuration) { benchmark in
            Fixture.context.withCurrent {
                benchmark.startMeasurement()
                for _ in benchmark.scaledIterations { body() }
                benchmark.stopMeasurement()
            }
        }
    }

    // The whole call, for reference in the same run.
    let full = makeServiceLogLogger()
    Benchmark("full Logger.requestStart", configuration: configuration) { benchmark in
        Fixture.context.withCurrent {
            benchmark.startMeasurement()
            for _ in benchmark.scaledIterations {
                full.logger.requestStart(
                    method: "POST", endpoint: "/v1/orders", userID: "u-1842",
                    metadata: ["region": "eu-west-1", "cart_items": .stringConvertible(3)])
            }
            benchmark.stopMeasurement()
        }
        full.writer.flush()
    }

    // ServiceLogHandler.emit called directly: no Logger level check, no `as? ServiceLogHandler`.
    let direct = makeServiceLogLogger()
    let handler = direct.logger.handler as! ServiceLogHandler
    Benchmark("ServiceLogHandler.emit", configuration: configuration) { benchmark in
        Fixture.context.withCurrent {
            benchmark.startMeasurement()
            for _ in benchmark.scaledIterations {
                handler.emit(
                    level: .info, payload: .requestStart(RequestStart(method: "POST", endpoint: "/v1/orders", userID: "u-1842")),
                    message: nil, metadata: ["region": "eu-west-1", "cart_items": .stringConvertible(3)])
            }
            benchmark.stopMeasurement()
        }
        direct.writer.flush()
    }

    // The same call with parts taken away; the difference to "ServiceLogHandler.emit" is their cost.
    let payload = EventPayload.requestStart(RequestStart(method: "POST", endpoint: "/v1/orders", userID: "u-1842"))
    let variants = makeServiceLogLogger()
    let variantHandler = variants.logger.handler as! ServiceLogHandler
    let stamp = Timestamp.now()
    Benchmark("emit, clock and context passed in", configuration: configuration) { benchmark in
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            variantHandler.emit(
                level: .info, payload: payload, message: nil,
                metadata: ["region": "eu-west-1", "cart_items": .stringConvertible(3)], timestamp: stamp,
                context: Fixture.context)
        }
        benchmark.stopMeasurement()
        variants.writer.flush()
    }
    Benchmark("emit, no metadata", configuration: configuration) { benchmark in
        Fixture.context.withCurrent {
            benchmark.startMeasurement()
            for _ in benchmark.scaledIterations {
                variantHandler.emit(level: .info, payload: payload, message: nil, metadata: nil)
            }
            benchmark.stopMeasurement()
        }
        variants.writer.flush()
    }
    Benchmark("emit, outside a request context", configuration: configuration) { benchmark in
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            variantHandler.emit(
                level: .info, payload: payload, message: nil,
                metadata: ["region": "eu-west-1", "cart_items": .stringConvertible(3)])
        }
        benchmark.stopMeasurement()
        variants.writer.flush()
    }

    // The request context lookup each event makes: inside a request one task-local read; outside,
    // also `ServiceContext.current` (where a swift-distributed-tracing tracer's span keeps it).
    measure("CorrelationContext.current, in a request") { blackHole(CorrelationContext.current) }
    Benchmark("CorrelationContext.current, outside a request", configuration: configuration) { benchmark in
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations { blackHole(CorrelationContext.current) }
        benchmark.stopMeasurement()
    }

    // LineWriter.append with an empty line: the lock, the newline, the hand-off to the writer thread.
    let empty = makeServiceLogLogger()
    Benchmark("LineWriter.append (empty line)", configuration: configuration) { benchmark in
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            empty.writer.append { _ in }
        }
        benchmark.stopMeasurement()
        empty.writer.flush()
    }

    // Encoding the same line into a local buffer, no lock: ServiceLogHandler.encode rebuilt from the
    // public EventEncoding/JSONWriter functions (metadata as MetadataEncoding writes it), whole and in parts.
    let host = ServiceLogConfiguration.hostName()
    let redaction = Redaction()
    let timestamp = Timestamp.now()
    let context = Fixture.context
    let metadata: Logger.Metadata = ["region": "eu-west-1", "cart_items": .stringConvertible(3)]
    @Sendable func encodeHeader(_ out: inout OutputBuffer) {
        EventEncoding.writeHeader(
            timestamp: timestamp, level: .info, service: Fixture.service, eventType: .requestStart, into: &out)
    }
    @Sendable func encodeIdentity(_ out: inout OutputBuffer) {
        out.append(ascii: ",\"event_id\":")
        IDGenerator.writeEventID(into: &out)
        EventEncoding.writeOptional(",\"host\":", host, limit: 256, into: &out)
    }
    @Sendable func encodeTrace(_ out: inout OutputBuffer) {
        EventEncoding.writeTrace(
            correlationID: context.correlationID, traceID: context.trace.traceID, spanID: context.trace.spanID,
            parentSpanID: context.parentSpanID, traceFlags: context.trace.flags.rawValue, into: &out)
    }
    @Sendable func encodePayload(_ out: inout OutputBuffer) {
        EventEncoding.writePayload(payload, stringLimit: 8192, into: &out)
    }
    @Sendable func encodeMetadata(_ out: inout OutputBuffer) {
        for (key, value) in metadata {
            JSONWriter.writeKey(EventEncoding.attributeKey(key), into: &out)
            if redaction.isSecret(key) { continue }
            switch value {
            case .string(let text): JSONWriter.writeString(text, limit: 8192, into: &out)
            case .stringConvertible(let value as Int): JSONWriter.writeInt(value, into: &out)
            default: JSONWriter.writeString(value.description, into: &out)
            }
        }
    }
    func measureEncoding(_ name: String, _ encode: @escaping @Sendable (inout OutputBuffer) -> Void) {
        Benchmark(name, configuration: configuration) { benchmark in
            var out = OutputBuffer(capacity: 4096)
            benchmark.startMeasurement()
            for _ in benchmark.scaledIterations {
                out.truncate(to: 0)
                encode(&out)
                blackHole(out.byteCount)
            }
            benchmark.stopMeasurement()
        }
    }
    measureEncoding("encode line into OutputBuffer") { out in
        encodeHeader(&out)
        encodeIdentity(&out)
        encodeTrace(&out)
        encodePayload(&out)
        encodeMetadata(&out)
        out.append(UInt8(ascii: "}"))
    }
    measureEncoding("encode: header (timestamp, level, service, type)") { encodeHeader(&$0) }
    measureEncoding("encode: event id and host") { encodeIdentity(&$0) }
    measureEncoding("encode: correlation and trace IDs") { encodeTrace(&$0) }
    measureEncoding("encode: method, endpoint, user id") { encodePayload(&$0) }
    measureEncoding("encode: 2 metadata values") { encodeMetadata(&$0) }

    measure("Timestamp.now") { blackHole(Timestamp.now()) }
    measure("CorrelationContext.current") { blackHole(CorrelationContext.current) }
    measure("metadata literal (2 values)") {
        let metadata: Logger.Metadata = ["region": "eu-west-1", "cart_items": .stringConvertible(3)]
        blackHole(metadata)
    }
    measure("EventEncoding.attributeKey x2") {
        blackHole(EventEncoding.attributeKey("region"))
        blackHole(EventEncoding.attributeKey("cart_items"))
    }
    measure("Redaction.isSecret x2") {
        blackHole(redaction.isSecret("region"))
        blackHole(redaction.isSecret("cart_items"))
    }
    let logger = full.logger
    measure("logger.handler as? ServiceLogHandler") { blackHole(logger.handler as? ServiceLogHandler) }
}
