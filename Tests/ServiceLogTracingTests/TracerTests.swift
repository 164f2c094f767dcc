import Foundation
import Logging
import ServiceLog
import ServiceLogTracing
import Testing
import Tracing

/// Spans started through swift-distributed-tracing's API become the format's events, with the IDs and
/// rules the library's own `withIncomingRequest`/`withServiceCall` use.
@Suite("ServiceLog as a swift-distributed-tracing tracer")
struct TracerTests {
    struct Failure: Error, CustomStringConvertible {
        var description: String { "stock database refused the query" }
    }

    @Test("a failed server span: request_start at its start, its error, request_end; logs inside carry its IDs")
    func failedServerSpan() throws {
        let service = TracedService("inventory")
        #expect(throws: Failure.self) {
            try service.tracer.withSpan("GET /stock/{id}", ofKind: .server) { span in
                span.attributes["http.request.method"] = "GET"
                span.attributes["http.route"] = "/stock/{id}"
                span.attributes["url.path"] = "/stock/7"
                span.attributes["http.response.status_code"] = 503
                span.attributes["order.items"] = 3
                service.logger.info("looking up stock")
                throw Failure()
            }
        }
        let events = try service.events()
        #expect(events.map { $0["event_type"] as? String } == ["log", "request_start", "error", "request_end"])
        let (log, start, error, end) = (events[0], events[1], events[2], events[3])
        #expect(start["method"] as? String == "GET" && start["endpoint"] as? String == "/stock/{id}")
        #expect(end["status_code"] as? Int == 503 && end["success"] as? Bool == false && end["level"] as? String == "error")
        #expect(error["message"] as? String == "stock database refused the query")
        #expect((error["error_type"] as? String)?.hasSuffix("Failure") == true)
        // Unread attributes are kept as fields, typed.
        #expect(end["order.items"] as? Int == 3)
        #expect(end["url.path"] as? String == "/stock/7", "the concrete path stays next to the route")
        #expect(end["http.route"] == nil, "read as the endpoint, not kept twice")
        for event in events {
            #expect(event["service"] as? String == "inventory")
            #expect(event["span_id"] as? String == start["span_id"] as? String)
            #expect(event["trace_id"] as? String == start["trace_id"] as? String)
            #expect(event["correlation_id"] as? String == start["correlation_id"] as? String)
        }
        #expect(log["span_id"] != nil)
        // request_start is stamped with the span's start, before what ran in it.
        #expect((start["timestamp"] as? String ?? "") <= (log["timestamp"] as? String ?? ""))
        #expect((end["duration_ms"] as? Double ?? -1) >= 0)
    }

    @Test("a 404 is the service refusing, not failing: success, and the thrown error is not an error event")
    func clientErrorIsNotAFault() throws {
        let service = TracedService("orders")
        let span = service.tracer.startSpan("GET", ofKind: .server)
        span.attributes["http.request.method"] = "GET"
        span.attributes["url.path"] = "/orders/9?token=secret"
        span.attributes["url.query"] = "token=secret"
        span.attributes["http.response.status_code"] = 404
        span.recordError(Failure())
        span.end()
        span.end()  // a second end writes nothing
        let events = try service.events()
        #expect(events.map { $0["event_type"] as? String } == ["request_start", "request_end"])
        #expect(events[1]["success"] as? Bool == true && events[1]["status_code"] as? Int == 404)
        #expect(events[1]["endpoint"] as? String == "/orders/9", "the path without its query")
        #expect(events[1]["url.query"] == nil, "a query string is not written: it often carries tokens")
    }

    @Test("client spans are service_call attempts; internal spans are part of the request around them")
    func callsAndInternalSpans() throws {
        let service = TracedService("checkout", peerServices: ["127.0.0.1:8091": "inventory"])
        #expect(throws: Failure.self) {
        try service.tracer.withSpan("POST /checkout", ofKind: .server) { server in
            server.attributes["http.request.method"] = "POST"
            server.attributes["http.route"] = "/checkout"
            server.attributes["http.response.status_code"] = 200
            try service.tracer.withSpan("reserve", ofKind: .internal) { _ in
                service.logger.info("reserving")
                service.tracer.withSpan("GET", ofKind: .client) { call in
                    // What AsyncHTTPClient sets on its request spans.
                    call.attributes["http.request.method"] = "GET"
                    call.attributes["server.address"] = "127.0.0.1"
                    call.attributes["server.port"] = 8091
                    call.attributes["url.path"] = "/stock/7"
                    call.attributes["http.status_code"] = 200
                }
                let refused = service.tracer.startSpan("GET", ofKind: .client)
                refused.attributes["server.address"] = "payments.shop.svc.cluster.local"
                refused.attributes["url.full"] = "http://payments.shop.svc.cluster.local/v1/charges?id=3"
                refused.recordError(ConnectionRefused())
                refused.end()
                throw Failure()
            }
        }
        }
        let events = try service.events()
        #expect(events.map { $0["event_type"] as? String } == ["log", "service_call", "service_call", "request_start", "error", "request_end"])
        let server = events[3]
        let serverSpan = server["span_id"] as? String
        #expect(events[0]["span_id"] as? String == serverSpan, "a log in an internal span belongs to the request")
        let stock = events[1]
        #expect(stock["target_service"] as? String == "inventory" && stock["endpoint"] as? String == "/stock/7")
        #expect(stock["status_code"] as? Int == 200 && stock["success"] as? Bool == true)
        #expect(stock["parent_span_id"] as? String == serverSpan, "the call's parent is the server span, not the internal one")
        #expect(stock["span_id"] as? String != serverSpan)
        let charge = events[2]
        #expect(charge["target_service"] as? String == "payments" && charge["endpoint"] as? String == "/v1/charges")
        #expect(charge["success"] as? Bool == false && charge["error"] as? String == "connection_refused" && charge["status_code"] as? Int == 0)
        #expect(charge["level"] as? String == "warning")
        // The error thrown through the internal span is written once, by the request it failed.
        #expect(events[4]["span_id"] as? String == serverSpan)
        #expect(events[4]["message"] as? String == "stock database refused the query")
        // `withSpan` marks a span that threw as failed, whatever status it was given.
        #expect(events[5]["success"] as? Bool == false && events[5]["level"] as? String == "error")
    }

    struct ConnectionRefused: Error, CustomStringConvertible {
        var description: String { "connect(descriptor:addr:size:): Connection refused (errno: 111)" }
    }

    @Test("an internal span on its own (a background job) writes its failure; inside a request that succeeds, nothing")
    func internalSpans() throws {
        let service = TracedService("worker")
        #expect(throws: Failure.self) { try service.tracer.withSpan("nightly compaction") { _ in throw Failure() } }
        service.tracer.withSpan("GET", ofKind: .server) { span in
            span.attributes["http.response.status_code"] = 200
            try? service.tracer.withSpan("optional cache warm-up") { _ in throw Failure() }
        }
        let events = try service.events()
        #expect(events.map { $0["event_type"] as? String } == ["error", "request_start", "request_end"])
        #expect(events[0]["trace_id"] != nil && events[0]["trace_id"] as? String != events[1]["trace_id"] as? String)
    }

    @Test("extreme attribute values from instrumentation: no trap, every line valid JSON, counts kept in range")
    func extremeAttributes() throws {
        let service = TracedService("edge")
        for (status, resends) in [(Int64.max, Int64.max), (Int64.min, -5), (-1, Int64.min)] {
            let call = service.tracer.startSpan("GET", ofKind: .client)
            call.attributes["peer.service"] = String(repeating: "p", count: 100_000)
            call.attributes["http.response.status_code"] = status
            call.attributes["http.request.resend_count"] = resends
            call.attributes["ratio"] = Double.nan
            call.attributes["note"] = "\u{0}\u{7}\"}\n"
            call.end()
        }
        let events = try service.events()
        #expect(events.count == 3)
        for event in events {
            let attempt = try #require(event["attempt"] as? Int)
            #expect((1...1_000_001).contains(attempt))
            #expect(event["note"] as? String == "\u{0}\u{7}\"}\n")
            #expect(event["ratio"] is NSNull)
        }
    }

    @Test("inject then extract carries trace, parent span and correlation ID to the next service")
    func propagation() throws {
        let caller = TracedService("checkout")
        let callee = TracedService("inventory")
        var headers: [String: String] = [:]
        caller.tracer.withSpan("GET", ofKind: .client) { span in
            span.attributes["peer.service"] = "inventory"
            caller.tracer.inject(ServiceContext.current ?? .topLevel, into: &headers, using: DictionaryInjector())
        }
        #expect(headers["traceparent"] != nil && headers["X-Correlation-ID"] != nil)
        var context = ServiceContext.topLevel
        callee.tracer.extract(headers, into: &context, using: DictionaryExtractor())
        callee.tracer.withSpan("GET /stock", context: context, ofKind: .server) { span in
            span.attributes["http.response.status_code"] = 200
        }
        let call = try #require(try caller.events().first)
        let served = try #require(try callee.events().first)
        #expect(served["event_type"] as? String == "request_start")
        #expect(served["trace_id"] as? String == call["trace_id"] as? String)
        #expect(served["parent_span_id"] as? String == call["span_id"] as? String)
        #expect(served["correlation_id"] as? String == call["correlation_id"] as? String)
        #expect(served["span_id"] as? String != call["span_id"] as? String)
    }

    @Test("without headers a server span starts a trace of its own; nothing extracted from a carrier without them")
    func newTrace() throws {
        let service = TracedService("edge")
        var context = ServiceContext.topLevel
        service.tracer.extract([String: String](), into: &context, using: DictionaryExtractor())
        service.tracer.withSpan("GET /", context: context, ofKind: .server) { _ in }
        let events = try service.events()
        #expect(events.count == 2)
        #expect(events[0]["parent_span_id"] == nil && events[0]["trace_id"] != nil)
        #expect(events[0]["endpoint"] as? String == "GET /", "no route or path: the span's name")
    }

    @Test("the library's own request helpers and the tracer nest: a span inside withIncomingRequest is its child")
    func mixesWithIncomingRequest() async throws {
        let service = TracedService("orders")
        _ = await withIncomingRequest(
            method: "GET", endpoint: "/orders", headers: { _ in nil }, logger: service.logger, statusCode: { (_: Int) in 200 }
        ) {
            service.tracer.withSpan("SELECT orders", ofKind: .client) { span in
                span.attributes["db.system.name"] = "postgresql"
                span.attributes["db.operation.name"] = "SELECT"
            }
            return 200
        }
        let events = try service.events()
        #expect(events.map { $0["event_type"] as? String } == ["request_start", "service_call", "request_end"])
        #expect(events[1]["target_service"] as? String == "postgresql" && events[1]["endpoint"] as? String == "SELECT")
        #expect(events[1]["parent_span_id"] as? String == events[0]["span_id"] as? String)
    }
}

struct DictionaryInjector: Injector {
    func inject(_ value: String, forKey key: String, into carrier: inout [String: String]) { carrier[key] = value }
}

struct DictionaryExtractor: Extractor {
    func extract(key: String, from carrier: [String: String]) -> String? { carrier[key] }
}
