import Foundation
import OTLPModel

/// OTLP requests built by hand, as an SDK would send them.
enum OTLPFixtures {
    typealias KeyValue = Opentelemetry_Proto_Common_V1_KeyValue
    typealias Span = Opentelemetry_Proto_Trace_V1_Span

    static func attribute(_ key: String, _ value: String) -> KeyValue {
        .with { $0.key = key; $0.value = .with { $0.stringValue = value } }
    }

    static func attribute(_ key: String, _ value: Int64) -> KeyValue {
        .with { $0.key = key; $0.value = .with { $0.intValue = value } }
    }

    static func resource(service: String?, instance: String = "pod-1") -> Opentelemetry_Proto_Resource_V1_Resource {
        .with { resource in
            if let service { resource.attributes.append(attribute("service.name", service)) }
            resource.attributes.append(attribute("service.instance.id", instance))
            resource.attributes.append(attribute("host.name", "node-a"))
        }
    }

    static let traceID = Data((1...16).map { UInt8($0) })

    static func spanID(_ last: UInt8) -> Data { Data([0, 0, 0, 0, 0, 0, 0xab, last]) }

    /// 2026-12-01T10:00:00Z plus `milliseconds`, in nanoseconds.
    static func nanos(_ milliseconds: Int) -> UInt64 { 1_796_119_200_000_000_000 + UInt64(milliseconds) * 1_000_000 }

    static func span(
        _ id: UInt8, parent: UInt8? = nil, kind: Span.SpanKind, name: String, from start: Int, to end: Int,
        attributes: [KeyValue] = [], status: Opentelemetry_Proto_Trace_V1_Status.StatusCode = .unset
    ) -> Span {
        .with { span in
            span.traceID = traceID
            span.spanID = spanID(id)
            if let parent { span.parentSpanID = spanID(parent) }
            span.kind = kind
            span.name = name
            span.startTimeUnixNano = nanos(start)
            span.endTimeUnixNano = nanos(end)
            span.attributes = attributes
            span.status = .with { $0.code = status }
            span.flags = 0x101
        }
    }

    static func traces(_ groups: [(service: String?, spans: [Span])]) -> Opentelemetry_Proto_Collector_Trace_V1_ExportTraceServiceRequest {
        .with { request in
            request.resourceSpans = groups.map { group in
                .with {
                    $0.resource = resource(service: group.service)
                    $0.scopeSpans = [.with { $0.scope = .with { $0.name = "test.http" }; $0.spans = group.spans }]
                }
            }
        }
    }

    /// gateway (SERVER, with an INTERNAL handler span) calls pricing (CLIENT with peer.service), and
    /// pricing's SERVER span fails with an exception.
    static var gatewayCallsPricing: Opentelemetry_Proto_Collector_Trace_V1_ExportTraceServiceRequest {
        var failing = span(
            4, parent: 3, kind: .server, name: "GET /price/{sku}", from: 12, to: 90,
            attributes: [attribute("http.request.method", "GET"), attribute("http.route", "/price/{sku}"), attribute("http.response.status_code", 500)],
            status: .error)
        failing.events = [.with { event in
            event.name = "exception"
            event.timeUnixNano = nanos(85)
            event.attributes = [attribute("exception.type", "PriceTableLocked"), attribute("exception.message", "price table is locked"),
                                attribute("exception.stacktrace", "at Pricing.lookup(Pricing.swift:12)")]
        }]
        return traces([
            ("gateway", [
                span(1, kind: .server, name: "POST /checkout", from: 0, to: 100,
                     attributes: [attribute("http.request.method", "POST"), attribute("http.route", "/checkout"), attribute("url.path", "/checkout"),
                                  attribute("http.response.status_code", 502), attribute("user_agent.original", "curl/8")],
                     status: .error),
                span(2, parent: 1, kind: .internal, name: "handler", from: 5, to: 95),
                span(3, parent: 2, kind: .client, name: "GET", from: 10, to: 92,
                     attributes: [attribute("http.request.method", "GET"), attribute("peer.service", "pricing"),
                                  attribute("url.full", "http://pricing:8080/price/42?x=1"), attribute("http.response.status_code", 500),
                                  attribute("http.request.resend_count", 1)],
                     status: .error),
            ]),
            ("pricing", [failing]),
        ])
    }
}
