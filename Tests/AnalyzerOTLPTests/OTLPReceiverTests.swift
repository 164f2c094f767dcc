import AnalyzerCore
import Foundation
import Gzip
import OTLPModel
import ServiceLog
import SwiftProtobuf
import Testing

@Suite("OTLP/HTTP receiver on analyzer serve", .serialized)
struct OTLPReceiverTests {
    typealias TraceResponse = Opentelemetry_Proto_Collector_Trace_V1_ExportTraceServiceResponse

    static var fixtureBytes: [UInt8] { (try? OTLPFixtures.gatewayCallsPricing.serializedBytes()) ?? [] }

    @Test("protobuf, gzip: stored before the answer, and a resent batch is stored once")
    func protobufGzip() async throws {
        try await OTLPTestServer.with { server in
            let body = try Gzip.compress(Self.fixtureBytes)
            let reply = try await server.post("/v1/traces", body: body, contentType: "application/x-protobuf", headers: [("Content-Encoding", "gzip")])
            #expect(reply.status == 200, "\(reply.text)")
            #expect(reply.contentType == "application/x-protobuf")
            let response = try TraceResponse(serializedBytes: reply.body)
            #expect(!response.hasPartialSuccess)
            let stored = try await server.store.count()
            // gateway: start + end + call; pricing: start + end + exception.
            #expect(stored == 6)
            let again = try await server.post("/v1/traces", body: body, contentType: "application/x-protobuf", headers: [("Content-Encoding", "gzip")])
            #expect(again.status == 200)
            #expect(try await server.store.count() == stored)
            let trace = try await server.store.events(correlationID: "0102030405060708090a0b0c0d0e0f10")
            #expect(Set(trace.map(\.service)) == ["gateway", "pricing"])
        }
    }

    @Test("OTLP/JSON with hex IDs, string nanoseconds and enum numbers, answered in JSON")
    func json() async throws {
        let body = #"""
        {"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"search"}}]},
          "scopeSpans":[{"scope":{"name":"manual"},"spans":[{"traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b174",
            "name":"GET /search","kind":2,"startTimeUnixNano":"1796119200000000000","endTimeUnixNano":"1796119200250000000",
            "attributes":[{"key":"http.request.method","value":{"stringValue":"GET"}},{"key":"url.path","value":{"stringValue":"/search"}},
                          {"key":"http.response.status_code","value":{"intValue":"200"}}],
            "status":{},"somethingNew":true}]}]}]}
        """#
        try await OTLPTestServer.with { server in
            let reply = try await server.post("/v1/traces", body: Array(body.utf8), contentType: "application/json")
            #expect(reply.status == 200, "\(reply.text)")
            #expect(reply.contentType == "application/json")
            let events = try await server.store.events(correlationID: "5b8efff798038103d269b633813fc60c")
            let end = try #require(events.first { $0.eventType == .requestEnd })
            guard case .requestEnd(let request) = end.payload else { return }
            #expect(request.durationMS == 250 && request.endpoint == "/search" && request.statusCode == 200)
            #expect(end.spanID.map { "\($0)" } == "eee19b7ec3c1b174")
        }
    }

    @Test("partial success names what was refused; all refused is a 400 with a google.rpc.Status")
    func partialSuccess() async throws {
        var request = OTLPFixtures.gatewayCallsPricing
        request.resourceSpans.append(.with {
            $0.resource = OTLPFixtures.resource(service: nil)
            $0.scopeSpans = [.with { $0.spans = [OTLPFixtures.span(30, kind: .server, name: "x", from: 0, to: 1)] }]
        })
        try await OTLPTestServer.with { server in
            let reply = try await server.post("/v1/traces", body: try request.serializedBytes(), contentType: "application/x-protobuf")
            #expect(reply.status == 200)
            let response = try TraceResponse(serializedBytes: reply.body)
            #expect(response.partialSuccess.rejectedSpans == 1)
            #expect(response.partialSuccess.errorMessage.contains("service.name"))
            #expect(try await server.store.count() == 6)

            let anonymous = OTLPFixtures.traces([(nil, [OTLPFixtures.span(31, kind: .server, name: "x", from: 0, to: 1)])])
            let refused = try await server.post("/v1/traces", body: try anonymous.serializedBytes(), contentType: "application/x-protobuf")
            #expect(refused.status == 400)
            let status = try Google_Rpc_Status(serializedBytes: refused.body)
            #expect(status.message.contains("all 1 spans were refused") && status.message.contains("service.name"))
            #expect(try await server.store.count() == 6)
        }
    }

    @Test("bad bodies get a clear 4xx and store nothing: wrong type, truncated, not JSON, bad hex, corrupt gzip")
    func badBodies() async throws {
        try await OTLPTestServer.with { server in
            let bytes = Self.fixtureBytes
            let wrongType = try await server.post("/v1/traces", body: bytes, contentType: "text/plain")
            #expect(wrongType.status == 415)
            #expect(try Google_Rpc_Status(serializedBytes: wrongType.body).message.contains("application/x-protobuf"))
            let missingType = try await server.post("/v1/logs", body: bytes, contentType: nil)
            #expect(missingType.status == 415)

            let truncated = try await server.post("/v1/traces", body: Array(bytes.prefix(bytes.count - 7)), contentType: "application/x-protobuf")
            #expect(truncated.status == 400)
            #expect(try Google_Rpc_Status(serializedBytes: truncated.body).message.contains("not a valid OTLP protobuf"))

            let notJSON = try await server.post("/v1/metrics", body: Array("{\"resourceMetrics\":[".utf8), contentType: "application/json")
            #expect(notJSON.status == 400)
            #expect(notJSON.text.contains("not a valid OTLP JSON"))
            let badHex = try await server.post(
                "/v1/traces", body: Array(#"{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"zz"}]}]}]}"#.utf8), contentType: "application/json")
            #expect(badHex.status == 400 && badHex.text.contains("is not hex"))

            let corrupt = try await server.post(
                "/v1/traces", body: [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 1, 2, 3], contentType: "application/x-protobuf", headers: [("Content-Encoding", "gzip")])
            #expect(corrupt.status == 400)
            let unknownEncoding = try await server.post("/v1/traces", body: bytes, contentType: "application/x-protobuf", headers: [("Content-Encoding", "br")])
            #expect(unknownEncoding.status == 415)
            #expect(try await server.store.count() == 0)
        }
    }

    @Test("a field this schema does not know is skipped, the rest is stored")
    func unknownField() async throws {
        // Field 99, varint 1, appended to a valid request: what a newer OTLP release may send.
        let bytes = Self.fixtureBytes + [0x98, 0x06, 0x01]
        try await OTLPTestServer.with { server in
            let reply = try await server.post("/v1/traces", body: bytes, contentType: "application/x-protobuf")
            #expect(reply.status == 200)
            #expect(try await server.store.count() == 6)
        }
    }

    @Test("a 1 GiB gzip bomb is refused at the inflate limit (413) and nothing is stored")
    func gzipBomb() async throws {
        // 16 gzip members of 64 MiB of zeros each: 1 GiB inflated from about 1 MiB.
        let member = try Gzip.compress([UInt8](repeating: 0, count: 64 << 20), level: 9)
        let bomb = Array([[UInt8]](repeating: member, count: 16).joined())
        #expect(bomb.count < 2 << 20)
        try await OTLPTestServer.with { server in
            let reply = try await server.post("/v1/logs", body: bomb, contentType: "application/x-protobuf", headers: [("Content-Encoding", "gzip")])
            #expect(reply.status == 413)
            #expect(try Google_Rpc_Status(serializedBytes: reply.body).message.contains("decompressed request body exceeds"))
            #expect(try await server.store.count() == 0)
            // The server still serves.
            let next = try await server.post("/v1/traces", body: Self.fixtureBytes, contentType: "application/x-protobuf")
            #expect(next.status == 200)
        }
    }

    @Test("with a token, OTLP needs it like /v1/events (401 without)")
    func token() async throws {
        try await OTLPTestServer.with(configuration: .init(port: 0, token: "s3cret-token-for-otlp")) { server in
            let refused = try await server.post("/v1/traces", body: Self.fixtureBytes, contentType: "application/x-protobuf")
            #expect(refused.status == 401)
            let accepted = try await server.post(
                "/v1/traces", body: Self.fixtureBytes, contentType: "application/x-protobuf", headers: [("Authorization", "Bearer s3cret-token-for-otlp")])
            #expect(accepted.status == 200)
            #expect(try await server.store.count() == 6)
        }
    }
}
