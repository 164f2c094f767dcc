import Logging
import ServiceLog
import Testing
import W3CTraceContext

@Suite struct PropagationTests {
    @Test func contextFollowsChildTasksAndTaskGroups() async throws {
        let context = CorrelationContext.newRoot(correlationID: "group-test")
        let seen = await context.withCurrent {
            await withTaskGroup(of: String?.self) { group in
                for _ in 0..<16 {
                    group.addTask { CorrelationContext.current?.correlationID }
                }
                group.addTask {
                    await Task { CorrelationContext.current?.correlationID }.value  // unstructured child inherits too
                }
                var all: [String?] = []
                for await value in group { all.append(value) }
                return all
            }
        }
        #expect(seen.count == 17)
        #expect(seen.allSatisfy { $0 == "group-test" })
        #expect(CorrelationContext.current == nil)
    }

    @Test func extractContinuesTheCallersTrace() throws {
        let headers = [
            "traceparent": "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
            "tracestate": "vendor=abc",
            "x-correlation-id": "order-1",
        ]
        let context = TraceHeaders.extract { headers[$0.lowercased()] }
        #expect(context.correlationID == "order-1")
        #expect(context.trace.traceID.description == "4bf92f3577b34da6a3ce929d0e0e4736")
        #expect(context.parentSpanID?.description == "00f067aa0ba902b7")
        #expect(context.trace.spanID.description != "00f067aa0ba902b7")  // our own server span
        #expect(context.trace.traceStateHeaderValue == "vendor=abc")
    }

    @Test func extractStartsATraceWhenHeadersAreMissingOrLie() {
        for headers in [[:], ["traceparent": "garbage"], ["traceparent": "00-00000000000000000000000000000000-00f067aa0ba902b7-01"]] {
            let context = TraceHeaders.extract { headers[$0.lowercased()] }
            #expect(context.parentSpanID == nil)
            #expect(context.correlationID.count == 36)
            #expect(context.trace.traceID != TraceID.null)
        }
        // A correlation ID with control characters or absurd length is replaced, not propagated.
        let hostile = TraceHeaders.extract { $0.lowercased() == "x-correlation-id" ? "a\nb" : nil }
        #expect(hostile.correlationID != "a\nb")
        let long = TraceHeaders.extract { $0.lowercased() == "x-correlation-id" ? String(repeating: "x", count: 500) : nil }
        #expect(long.correlationID.count == 36)
        // Without X-Correlation-ID, a traced caller's trace ID groups the request.
        let traced = TraceHeaders.extract { $0 == "traceparent" ? "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01" : nil }
        #expect(traced.correlationID == "4bf92f3577b34da6a3ce929d0e0e4736")
    }

    @Test func injectRoundTripsThroughExtract() {
        let client = CorrelationContext.newRoot(correlationID: "c").childSpan()
        let headers = Dictionary(uniqueKeysWithValues: TraceHeaders.inject(client).map { ($0.name.lowercased(), $0.value) })
        let server = TraceHeaders.extract { headers[$0.lowercased()] }
        #expect(server.trace.traceID == client.trace.traceID)
        #expect(server.parentSpanID == client.trace.spanID)
        #expect(server.correlationID == "c")
    }

    /// The span model, end to end without a network: server span -> client span -> callee's server span.
    @Test func requestAndCallHelpersWriteTheSpanModel() async throws {
        let output = CapturingOutput()
        let (logger, writer) = makeLogger(output: output)
        struct Response { var status: Int }
        let incoming = ["traceparent": "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", "x-correlation-id": "ord-9"]
        let result = try await withIncomingRequest(
            method: "POST", endpoint: "/checkout", headers: { incoming[$0.lowercased()] }, logger: logger,
            statusCode: { (response: Response) in response.status }
        ) {
            logger.info("inside")
            return try await withServiceCall(
                to: "payments", method: "POST", endpoint: "/charge", logger: logger, statusCode: { (r: Response) in r.status }
            ) { headers in
                // The callee, reached "over HTTP" with these headers.
                let sent = Dictionary(uniqueKeysWithValues: headers.map { ($0.name.lowercased(), $0.value) })
                return await withIncomingRequest(
                    method: "POST", endpoint: "/charge", headers: { sent[$0.lowercased()] }, logger: logger,
                    statusCode: { (r: Response) in r.status }
                ) { Response(status: 201) }
            }
        }
        #expect(result.status == 201)
        writer.flush()
        let events = try output.lines.map { try Event(jsonLine: $0) }
        #expect(events.map(\.eventType) == [.requestStart, .log, .requestStart, .requestEnd, .serviceCall, .requestEnd])
        let (outerStart, log, innerStart, innerEnd, call, outerEnd) = (events[0], events[1], events[2], events[3], events[4], events[5])
        #expect(Set(events.map(\.correlationID)) == ["ord-9"])
        #expect(Set(events.compactMap(\.traceID).map(\.description)) == ["4bf92f3577b34da6a3ce929d0e0e4736"])
        #expect(outerStart.parentSpanID?.description == "00f067aa0ba902b7")
        #expect(outerStart.spanID == outerEnd.spanID && log.spanID == outerStart.spanID)
        #expect(call.parentSpanID == outerStart.spanID)
        #expect(innerStart.parentSpanID == call.spanID)
        #expect(innerStart.spanID == innerEnd.spanID && innerStart.spanID != call.spanID)
        guard case .serviceCall(let details) = call.payload, case .requestEnd(let end) = outerEnd.payload else {
            Issue.record("payloads")
            return
        }
        #expect(details.statusCode == 201 && details.success && details.targetService == "payments")
        #expect(end.statusCode == 201 && end.durationMS >= details.durationMS)
    }

    @Test func retriesWriteOneEventPerAttemptAndClassifyErrors() async throws {
        struct Refused: Error, CustomStringConvertible { var description: String { "connect(): Connection refused (errno: 111)" } }
        let output = CapturingOutput()
        let (logger, writer) = makeLogger(output: output)
        let attempts = Counter()
        let status = try await CorrelationContext.newRoot().withCurrent {
            try await withServiceCall(
                to: "inventory", method: "GET", endpoint: "/stock", logger: logger,
                retry: RetryPolicy(maxAttempts: 4, initialBackoff: .milliseconds(1)), statusCode: { (code: Int) in code }
            ) { _ in
                switch await attempts.next() {
                case 1: throw Refused()
                case 2: return 503
                default: return 200
                }
            }
        }
        #expect(status == 200)
        writer.flush()
        let calls = try output.lines.map { try Event(jsonLine: $0) }.compactMap { event -> ServiceCall? in
            if case .serviceCall(let call) = event.payload { return call }
            return nil
        }
        #expect(calls.map(\.attempt) == [1, 2, 3])
        #expect(calls.map(\.error) == ["connection_refused", nil, nil])
        #expect(calls.map(\.statusCode) == [0, 503, 200])
        #expect(calls.map(\.success) == [false, false, true])
    }

    @Test func nonRetryableErrorsAreThrownAfterOneAttempt() async throws {
        struct Invalid: Error {}
        let output = CapturingOutput()
        let (logger, writer) = makeLogger(output: output)
        await #expect(throws: Invalid.self) {
            try await withServiceCall(to: "x", method: "GET", endpoint: "/", logger: logger, retry: RetryPolicy(maxAttempts: 3),
                                      classify: { _ in .protocol }, statusCode: { (code: Int) in code }) { _ in throw Invalid() }
        }
        writer.flush()
        #expect(output.lines.count == 1)
    }

    @Test func classifiesCommonErrorTexts() {
        struct E: Error, CustomStringConvertible { let description: String }
        #expect(ServiceCallError.classify(E(description: "Connection refused (errno: 111)")) == .connectionRefused)
        #expect(ServiceCallError.classify(E(description: "read timeout")) == .timeout)
        #expect(ServiceCallError.classify(E(description: "Connection reset by peer (errno: 104)")) == .connectionReset)
        #expect(ServiceCallError.classify(CancellationError()) == .cancelled)
        #expect(ServiceCallError.classify(E(description: "something odd")) == .other)
    }

    @Test func backoffIsCappedAndJittered() {
        let policy = RetryPolicy(maxAttempts: 10, initialBackoff: .milliseconds(100), maxBackoff: .milliseconds(400))
        for retry in 1...8 {
            let wait = policy.backoff(beforeRetry: retry)
            #expect(wait >= .zero && wait <= .milliseconds(400))
        }
        let samples = Set((0..<20).map { _ in policy.backoff(beforeRetry: 5) })
        #expect(samples.count > 1)
    }
}

actor Counter {
    var value = 0
    func next() -> Int {
        value += 1
        return value
    }
}

@Suite struct DurationTests {
    @Test func millisecondsKeepMicrosecondPrecision() {
        #expect(Duration.milliseconds(1500).milliseconds == 1500)
        #expect(Duration.microseconds(1_234).milliseconds == 1.234)
        #expect(Duration.nanoseconds(999).milliseconds == 0)
        #expect(Duration.seconds(2).milliseconds == 2000)
    }

    @Test func helpersMeasureRealElapsedTime() async throws {
        let output = CapturingOutput()
        let (logger, writer) = makeLogger(output: output)
        _ = try await withIncomingRequest(method: "GET", endpoint: "/slow", headers: { _ in nil }, logger: logger, statusCode: { $0 }) {
            try await Task.sleep(for: .milliseconds(50))
            return 200
        }
        writer.flush()
        let end = try #require(try output.lines.map { try Event(jsonLine: $0) }.last)
        guard case .requestEnd(let details) = end.payload else { Issue.record("payload"); return }
        // A 50 ms sleep can take seconds on a loaded 2-core CI machine; the bound only has to catch a
        // unit error (microseconds read as milliseconds would give 50,000).
        #expect(details.durationMS >= 50 && details.durationMS < 45_000)
    }
}
