import AnalyzerOTLP
import Foundation
import OTLPModel
import ServiceLog
import Testing

@Suite("OTLP spans as canonical events")
struct SpanMappingTests {
    let now = Timestamp(microsecondsSinceEpoch: 1_796_119_200_000_000 + 3_600_000_000)

    func mapped(_ request: Opentelemetry_Proto_Collector_Trace_V1_ExportTraceServiceRequest) -> OTLPMappedBatch {
        SpanMapping.events(from: request, now: now)
    }

    @Test("a server span is a request_start and a request_end with the route, status and duration")
    func serverSpan() throws {
        let batch = mapped(OTLPFixtures.gatewayCallsPricing)
        #expect(batch.rejectedItems == 0, "\(batch.reasons)")
        let gateway = batch.events.filter { $0.service == "gateway" }
        let start = try #require(gateway.first { $0.eventType == .requestStart })
        let end = try #require(gateway.first { $0.eventType == .requestEnd })
        guard case .requestEnd(let request) = end.payload, case .requestStart(let begun) = start.payload else {
            Issue.record("wrong payloads")
            return
        }
        #expect(begun.method == "POST" && begun.endpoint == "/checkout")
        #expect(request.statusCode == 502 && !request.success && request.durationMS == 100)
        #expect(start.timestamp.microsecondsSinceEpoch == 1_796_119_200_000_000)
        #expect(end.timestamp.microsecondsSinceEpoch == 1_796_119_200_100_000)
        #expect(end.level == .error)
        #expect(end.instance == "pod-1" && end.host == "node-a" && end.source == "test.http")
        #expect(end.traceID.map { "\($0)" } == "0102030405060708090a0b0c0d0e0f10")
        // No correlation attribute: the trace ID correlates.
        #expect(end.correlationID == "0102030405060708090a0b0c0d0e0f10")
        #expect(end.parentSpanID == nil)
        // Unread attributes are kept, read ones are not repeated.
        #expect(end.attributes["user_agent.original"] == .string("curl/8"))
        #expect(end.attributes["http.route"] == nil)
    }

    @Test("a client span is a service_call towards peer.service, re-parented past internal spans")
    func clientSpan() throws {
        let batch = mapped(OTLPFixtures.gatewayCallsPricing)
        let call = try #require(batch.events.first { $0.eventType == .serviceCall })
        guard case .serviceCall(let details) = call.payload else { return }
        #expect(details.targetService == "pricing")
        #expect(details.endpoint == "/price/42")
        #expect(details.statusCode == 500 && !details.success && details.error == nil)
        #expect(details.attempt == 2)
        #expect(details.durationMS == 82)
        // Its parent was the INTERNAL handler span: the call hangs off the server span instead.
        #expect(call.parentSpanID.map { "\($0)" } == "000000000000ab01")
        #expect(call.spanID.map { "\($0)" } == "000000000000ab03")
        // The callee's server span names the call as its parent: the tree is whole.
        let callee = try #require(batch.events.first { $0.service == "pricing" && $0.eventType == .requestStart })
        #expect(callee.parentSpanID == call.spanID)
    }

    @Test("an exception span event is an error event of the service that raised it")
    func exception() throws {
        let batch = mapped(OTLPFixtures.gatewayCallsPricing)
        let error = try #require(batch.events.first { $0.eventType == .error })
        guard case .error(let details) = error.payload else { return }
        #expect(error.service == "pricing")
        #expect(details.errorType == "PriceTableLocked" && details.stack == "at Pricing.lookup(Pricing.swift:12)")
        #expect(error.message == "price table is locked")
        #expect(error.timestamp.microsecondsSinceEpoch == 1_796_119_200_085_000)
        #expect(error.spanID.map { "\($0)" } == "000000000000ab04")
        // Event IDs are stable: the same request sent twice is stored once.
        #expect(mapped(OTLPFixtures.gatewayCallsPricing).events.map(\.eventID) == batch.events.map(\.eventID))
        #expect(Set(batch.events.compactMap(\.eventID)).count == batch.events.count)
    }

    @Test("an exception recorded by an internal span and again by the server span around it is one error; another one is kept")
    func exceptionRecordedTwice() throws {
        func exception(_ type: String, _ message: String, at time: Int) -> Opentelemetry_Proto_Trace_V1_Span.Event {
            .with { event in
                event.name = "exception"
                event.timeUnixNano = OTLPFixtures.nanos(time)
                event.attributes = [OTLPFixtures.attribute("exception.type", type), OTLPFixtures.attribute("exception.message", message)]
            }
        }
        // What swift-otel sends for a Hummingbird handler whose `withSpan` step threw through TracingMiddleware.
        var server = OTLPFixtures.span(
            1, kind: .server, name: "/stock/{id}", from: 0, to: 10, attributes: [OTLPFixtures.attribute("http.response.status_code", 500)],
            status: .error)
        server.events = [exception("HTTPError", "Internal Server Error, stock database refused the query", at: 9)]
        var step = OTLPFixtures.span(2, parent: 1, kind: .internal, name: "check stock", from: 1, to: 8, status: .error)
        step.events = [
            exception("HTTPError", "Internal Server Error, stock database refused the query", at: 8),
            exception("CacheMiss", "stock cache cold", at: 2),
        ]
        let batch = mapped(OTLPFixtures.traces([("inventory", [server, step])]))
        let errors = batch.events.filter { $0.eventType == .error }
        #expect(errors.map(\.message) == ["Internal Server Error, stock database refused the query", "stock cache cold"])
        #expect(errors.allSatisfy { $0.spanID.map { "\($0)" } == "000000000000ab01" }, "both belong to the request span")
    }

    @Test("without peer.service the callee is the server span it caused, else the host of server.address")
    func calleeName() throws {
        let client = OTLPFixtures.span(
            7, parent: 1, kind: .client, name: "GET", from: 1, to: 5,
            attributes: [OTLPFixtures.attribute("server.address", "stock.shop.svc.cluster.local"), OTLPFixtures.attribute("http.response.status_code", 200)])
        let byHost = mapped(OTLPFixtures.traces([("cart", [client])]))
        guard case .serviceCall(let call) = try #require(byHost.events.first).payload else { return }
        #expect(call.targetService == "stock")
        let callee = OTLPFixtures.span(8, parent: 7, kind: .server, name: "GET /", from: 2, to: 4)
        let joined = mapped(OTLPFixtures.traces([("cart", [client]), ("inventory-v2", [callee])]))
        guard case .serviceCall(let resolved) = try #require(joined.events.first { $0.eventType == .serviceCall }).payload else { return }
        #expect(resolved.targetService == "inventory-v2")
    }

    @Test("a call that got no response says why, in the format's words")
    func transportError() throws {
        var client = OTLPFixtures.span(
            7, parent: 1, kind: .client, name: "GET", from: 1, to: 3001,
            attributes: [OTLPFixtures.attribute("peer.service", "stock")], status: .error)
        client.events = [.with {
            $0.name = "exception"
            $0.attributes = [OTLPFixtures.attribute("exception.type", "requests.exceptions.ReadTimeout"),
                             OTLPFixtures.attribute("exception.message", "Read timed out. (read timeout=3)")]
        }]
        let batch = mapped(OTLPFixtures.traces([("cart", [client])]))
        guard case .serviceCall(let call) = try #require(batch.events.first { $0.eventType == .serviceCall }).payload else { return }
        #expect(call.statusCode == 0 && !call.success && call.error == "timeout")
    }

    @Test("spans that cannot be mapped are refused one by one, with a reason, and the rest is kept")
    func refusals() {
        var noIDs = OTLPFixtures.span(9, kind: .server, name: "x", from: 0, to: 1)
        noIDs.traceID = Data(count: 16)
        let backwards = OTLPFixtures.span(10, kind: .server, name: "x", from: 5, to: 1)
        let noPeer = OTLPFixtures.span(11, parent: 1, kind: .client, name: "x", from: 0, to: 1)
        let tooLong = OTLPFixtures.span(12, kind: .server, name: "x", from: 0, to: 1, attributes: [OTLPFixtures.attribute(String(repeating: "k", count: 300), "v")])
        let endlessRetries = OTLPFixtures.span(
            17, parent: 1, kind: .client, name: "x", from: 0, to: 1,
            attributes: [OTLPFixtures.attribute("peer.service", "db"), OTLPFixtures.attribute("http.request.resend_count", Int64.max)])
        let good = OTLPFixtures.span(13, kind: .server, name: "GET /ok", from: 0, to: 1)
        let batch = mapped(OTLPFixtures.traces([
            ("api", [noIDs, backwards, noPeer, tooLong, endlessRetries, good]),
            (nil, [OTLPFixtures.span(14, kind: .server, name: "x", from: 0, to: 1), OTLPFixtures.span(15, kind: .server, name: "x", from: 0, to: 1)]),
        ]))
        #expect(batch.acceptedItems == 1)
        #expect(batch.rejectedItems == 7)
        #expect(batch.events.count == 2 && batch.events.allSatisfy { $0.spanID.map { "\($0)" } == "000000000000ab0d" })
        let reasons = batch.reasons.joined(separator: "\n")
        #expect(reasons.contains("no valid trace_id"))
        #expect(reasons.contains("ends before it starts"))
        #expect(reasons.contains("names no callee"))
        #expect(reasons.contains("over the 256-byte limit"))
        #expect(reasons.contains("no service.name"))
        #expect(reasons.contains("field 'attempt'"))
    }

    @Test("gRPC spans: the method is POST, the endpoint /service/method, the status mapped to HTTP's")
    func grpc() throws {
        let span = OTLPFixtures.span(
            16, kind: .server, name: "shop.Cart/Add", from: 0, to: 2,
            attributes: [OTLPFixtures.attribute("rpc.system", "grpc"), OTLPFixtures.attribute("rpc.service", "shop.Cart"),
                         OTLPFixtures.attribute("rpc.method", "Add"), OTLPFixtures.attribute("rpc.grpc.status_code", 14)],
            status: .error)
        let batch = mapped(OTLPFixtures.traces([("cart", [span])]))
        guard case .requestEnd(let end) = try #require(batch.events.first { $0.eventType == .requestEnd }).payload else { return }
        #expect(end.method == "POST" && end.endpoint == "/shop.Cart/Add" && end.statusCode == 503 && !end.success)
    }
}
