import AnalyzerCore
import AsyncHTTPClient
import Foundation
import Gzip
import Hummingbird
import Logging
import ServiceLog
import Testing
import W3CTraceContext

#if canImport(Glibc)
import Glibc
#endif

/// The ingest endpoint over real HTTP on loopback: a Hummingbird server on port 0, AsyncHTTPClient posting.
///
/// Serialized: the gzip-bomb test reads the process's peak memory, which parallel tests would blur.
@Suite(.serialized) struct IngestEndpointTests {
    // MARK: Accepting batches

    @Test func plainBatchIsStoredAndAcknowledged() async throws {
        let store = MemoryEventStore()
        try await withServer(store: store) { server in
            let response = try await server.post(lines: [eventLine("a"), eventLine("b"), eventLine("c")])
            #expect(response.status == .ok)
            #expect(try response.result() == IngestResult(accepted: 3, duplicates: 0, invalid: 0, errors: []))
            #expect(response.header("Content-Type") == "application/json")
        }
        #expect(await store.storedIDs == ["a", "b", "c"])
    }

    @Test func gzipBodyIsInflated() async throws {
        let store = MemoryEventStore()
        try await withServer(store: store) { server in
            let body = try Gzip.compress(Array((eventLine("a") + "\n" + eventLine("b") + "\n").utf8))
            let response = try await server.post(body, headers: ["Content-Encoding": "gzip"])
            #expect(response.status == .ok)
            #expect(try response.result().accepted == 2)
        }
        #expect(await store.storedIDs == ["a", "b"])
    }

    @Test func invalidLinesAreReportedByNumberAndValidOnesStored() async throws {
        let store = MemoryEventStore()
        try await withServer(store: store) { server in
            // CRLF endings and a blank line are fine; lines 2 and 4 are not events.
            let body = [eventLine("a"), "not json", eventLine("b"), #"{"level":"info"}"#, "", eventLine("c")].joined(separator: "\r\n")
            let response = try await server.post(Array(body.utf8))
            #expect(response.status == .ok)
            let result = try response.result()
            #expect(result.accepted == 3 && result.duplicates == 0 && result.invalid == 2)
            #expect(result.errors.count == 2)
            #expect(result.errors[0].hasPrefix("line 2: not valid JSON"))
            #expect(result.errors[1] == "line 4: missing required field 'timestamp'")
        }
        #expect(await store.storedIDs == ["a", "b", "c"])
    }

    @Test func everyInvalidLineIsNamedAndTheFirstHundredHaveTheirReason() async throws {
        try await withServer(store: MemoryEventStore()) { server in
            // 150 invalid lines around valid ones: all are named in invalid_lines, the first 100 have a reason.
            let lines = [eventLine("a")] + Array(repeating: "{}", count: 120) + [eventLine("b")] + Array(repeating: "{}", count: 30)
            let response = try await server.post(lines: lines)
            let result = try response.result()
            #expect(response.status == .ok)
            #expect(result.accepted == 2 && result.invalid == 150 && result.errors.count == 100)
            #expect(result.invalidLines.description == "2-121,123-152")
            #expect(result.invalidLines.count == 150)
            #expect(result.errors.first?.hasPrefix("line 2: ") == true && result.errors.last?.hasPrefix("line 101: ") == true)
            #expect(response.body.contains(#""invalid_lines":"2-121,123-152""#))
        }
    }

    @Test func batchWithNoValidLineIsRejectedWith400InTheSameShape() async throws {
        let store = MemoryEventStore()
        try await withServer(store: store) { server in
            let response = try await server.post(lines: ["nope", "[1,2]"])
            #expect(response.status == .badRequest)
            let result = try response.result()
            #expect(result.accepted == 0 && result.invalid == 2)
            #expect(result.errors == ["line 1: not valid JSON: invalid literal at byte 0", "line 2: line is not a JSON object"])
        }
        #expect(await store.storedIDs.isEmpty)
        #expect(await store.insertCalls == 0)
    }

    @Test func emptyBodyIsAnEmptySuccess() async throws {
        let store = MemoryEventStore()
        try await withServer(store: store) { server in
            let response = try await server.post([])
            #expect(response.status == .ok)
            #expect(try response.result() == IngestResult(accepted: 0, duplicates: 0, invalid: 0, errors: []))
        }
        #expect(await store.insertCalls == 0)
    }

    @Test func redeliveredEventsAreCountedAsDuplicatesAndStoredOnce() async throws {
        let store = MemoryEventStore()
        try await withServer(store: store) { server in
            let first = try await server.post(lines: [eventLine("a"), eventLine("b")])
            #expect(try first.result() == IngestResult(accepted: 2, duplicates: 0, invalid: 0, errors: []))
            let second = try await server.post(lines: [eventLine("b"), eventLine("c"), eventLine("a")])
            #expect(second.status == .ok)
            #expect(try second.result() == IngestResult(accepted: 1, duplicates: 2, invalid: 0, errors: []))
        }
        #expect(await store.storedIDs == ["a", "b", "c"])
    }

    @Test func unknownFieldsAreKept() async throws {
        let store = MemoryEventStore()
        try await withServer(store: store) { server in
            let text = String(eventLine("a").dropLast()) + #","customer_tier":"gold","cart":{"items":[1,2]}}"#
            let response = try await server.post(lines: [text])
            #expect(try response.result().accepted == 1)
        }
        let event = try #require(await store.events.first)
        #expect(event.attributes["customer_tier"] == .string("gold"))
        #expect(event.attributes["cart"] == .object(["items": .array([.int(1), .int(2)])]))
    }

    // MARK: Bad lines never poison good ones

    @Test func overlongLineIsInvalidAndTheOthersAreStored() async throws {
        let store = MemoryEventStore()
        let limits = IngestLimits(maxLineBytes: 64 << 10)
        try await withServer(store: store, configuration: .init(port: 0, limits: limits)) { server in
            // A 1 MiB line arrives over many socket reads: only its first 64 KiB are ever buffered. The
            // 40 KiB line is valid and also spans reads.
            let huge = eventLine("huge", message: String(repeating: "x", count: 1 << 20))
            let long = eventLine("long", message: String(repeating: "y", count: 40 << 10))
            let response = try await server.post(lines: [eventLine("a"), huge, long, eventLine("b")])
            #expect(response.status == .ok)
            let result = try response.result()
            #expect(result.accepted == 3 && result.invalid == 1)
            #expect(result.errors.count == 1)
            #expect(result.errors.first?.hasPrefix("line 2: line is \(huge.utf8.count) bytes, over the 65536-byte limit") == true)
        }
        #expect(await store.storedIDs == ["a", "long", "b"])
    }

    @Test func invalidUTF8LineIsInvalidWithAReason() async throws {
        let store = MemoryEventStore()
        try await withServer(store: store) { server in
            let prefix = Array(eventLine("bad", message: "caf").utf8.dropLast(2))  // ...,"message":"caf
            let broken = prefix + [0xFF, 0xFE] + Array(#""}"#.utf8)
            let body = Array((eventLine("a") + "\n").utf8) + broken + Array(("\n" + eventLine("b")).utf8)
            let response = try await server.post(body)
            #expect(response.status == .ok)
            let result = try response.result()
            #expect(result.accepted == 2 && result.invalid == 1)
            #expect(result.errors.count == 1)
            #expect(result.errors.first?.hasPrefix("line 2: not valid JSON: invalid UTF-8") == true)
        }
        #expect(await store.storedIDs == ["a", "b"])
    }

    // MARK: Refusing whole requests

    @Test func gzipBombIsRefusedQuicklyWithoutInflatingIt() async throws {
        // 200 concatenated gzip members of 1 MiB of zeros each: ~200 KiB that inflate to 200 MiB.
        let member = try Gzip.compress([UInt8](repeating: 0, count: 1 << 20), level: 9)
        let bomb = Array([[UInt8]](repeating: member, count: 200).joined())
        #expect(bomb.count < 1 << 20)
        let peakBefore = peakResidentBytes()
        let limits = IngestLimits(maxDecompressedBytes: 1 << 20)
        let store = MemoryEventStore()
        try await withServer(store: store, configuration: .init(port: 0, limits: limits)) { server in
            let started = ContinuousClock.now
            let response = try await server.post(bomb, headers: ["Content-Encoding": "gzip"])
            #expect(ContinuousClock.now - started < .seconds(5))
            #expect(response.status == .contentTooLarge)
            #expect(try response.failure().error.contains("1048576-byte limit"))
        }
        // Inflating the bomb would have taken the peak up by 200 MiB.
        #expect(peakResidentBytes() - peakBefore < 64 << 20)
        #expect(await store.insertCalls == 0)
    }

    @Test func bodyOverTheLimitIsRefusedWith413() async throws {
        let limits = IngestLimits(maxBodyBytes: 64 << 10)
        let store = MemoryEventStore()
        // Incompressible text, so that the gzip body is over the limit too.
        var generator = SystemRandomNumberGenerator()
        let lines = (0..<300).map { index in
            eventLine("e\(index)", message: (0..<500).map { _ in String(UInt8.random(in: 0...255, using: &generator), radix: 16) }.joined())
        }
        let gzipped = try Gzip.compress(Array(lines.joined(separator: "\n").utf8))
        #expect(gzipped.count > 64 << 10)
        try await withServer(store: store, configuration: .init(port: 0, limits: limits)) { server in
            // With Content-Length: refused before the body is read.
            let declared = try await server.post(gzipped, headers: ["Content-Encoding": "gzip"])
            #expect(declared.status == .contentTooLarge)
            #expect(try declared.failure().error == "request body exceeds the 65536-byte limit; send smaller batches")
            // Chunked, without a length: refused once the count crosses the limit.
            let streamed = try await server.post(gzipped, headers: ["Content-Encoding": "gzip"], chunked: true)
            #expect(streamed.status == .contentTooLarge)
            // The server is still fine afterwards.
            #expect(try await server.post(lines: [eventLine("ok")]).status == .ok)
        }
        #expect(await store.storedIDs == ["ok"])
    }

    @Test func corruptOrTruncatedGzipIs400() async throws {
        let store = MemoryEventStore()
        try await withServer(store: store) { server in
            let corrupt = try await server.post(Array(eventLine("a").utf8), headers: ["Content-Encoding": "gzip"])
            #expect(corrupt.status == .badRequest)
            #expect(try corrupt.failure().error.hasPrefix("cannot decompress the request body: not valid gzip data"))

            let whole = try Gzip.compress(Array(eventLine("a").utf8))
            let truncated = try await server.post(Array(whole.dropLast(12)), headers: ["Content-Encoding": "gzip"])
            #expect(truncated.status == .badRequest)
            #expect(try truncated.failure().error.contains("ends in the middle"))
        }
        #expect(await store.insertCalls == 0)
    }

    @Test func unsupportedContentEncodingIs415() async throws {
        try await withServer(store: MemoryEventStore()) { server in
            let response = try await server.post(Array(eventLine("a").utf8), headers: ["Content-Encoding": "br"])
            #expect(response.status == .unsupportedMediaType)
            #expect(try response.failure().error.contains("'br'"))
        }
    }

    @Test func storeFailureIs503WithRetryAfterAndNothingAcknowledged() async throws {
        try await withServer(store: FailingEventStore(), configuration: .init(port: 0, retryAfterSeconds: 7)) { server in
            let response = try await server.post(lines: [eventLine("a"), "garbage"])
            #expect(response.status == .serviceUnavailable)
            #expect(response.header("Retry-After") == "7")
            #expect(try response.failure() == IngestFailure(error: "the event store is unavailable; retry later"))
            #expect(!response.body.contains("accepted"))
        }
    }

    // MARK: Access

    @Test func tokenIsRequiredWhenConfigured() async throws {
        let store = MemoryEventStore()
        try await withServer(store: store, configuration: .init(port: 0, token: "s3cret")) { server in
            let missing = try await server.post(lines: [eventLine("a")])
            #expect(missing.status == .unauthorized)
            #expect(missing.header("WWW-Authenticate")?.hasPrefix("Bearer") == true)
            for wrong in ["Bearer s3cre", "Bearer s3cret2", "Bearer S3CRET", "Basic czNjcmV0", "s3cret", "Bearer "] {
                #expect(try await server.post(lines: [eventLine("a")], headers: ["Authorization": wrong]).status == .unauthorized, "\(wrong)")
            }
            let right = try await server.post(lines: [eventLine("a")], headers: ["Authorization": "Bearer s3cret"])
            #expect(right.status == .ok)
            let lowercaseScheme = try await server.post(lines: [eventLine("b")], headers: ["Authorization": "bearer s3cret"])
            #expect(lowercaseScheme.status == .ok)
            // Health checks need no token.
            let health = try await server.get("/healthz")
            #expect(health.status == .ok && health.body == "ok")
        }
        #expect(await store.storedIDs == ["a", "b"])
    }

    @Test func healthzAnswersOK() async throws {
        try await withServer(store: MemoryEventStore()) { server in
            let health = try await server.get("/healthz")
            #expect(health.status == .ok && health.body == "ok")
        }
    }

    @Test func publicAddressWithoutTokenIsRefused() throws {
        #expect(throws: AnalyzerServerConfigurationError.publicAddressWithoutToken(host: "0.0.0.0")) {
            try AnalyzerServer(store: MemoryEventStore(), configuration: .init(host: "0.0.0.0"))
        }
        #expect(AnalyzerServerConfigurationError.publicAddressWithoutToken(host: "0.0.0.0").description.contains("--token"))
        #expect(throws: AnalyzerServerConfigurationError.emptyToken) {
            try AnalyzerServer(store: MemoryEventStore(), configuration: .init(host: "127.0.0.1", token: ""))
        }
        _ = try AnalyzerServer(store: MemoryEventStore(), configuration: .init(host: "0.0.0.0", token: "t"))
        _ = try AnalyzerServer(store: MemoryEventStore(), configuration: .init(host: "::1"))
        for host in ["127.0.0.1", "127.1.2.3", "localhost", "::1", "[::1]"] {
            #expect(AnalyzerServerConfiguration.isLoopback(host), "\(host)")
        }
        for host in ["0.0.0.0", "::", "10.0.0.1", "analyzer.internal", "128.0.0.1", "127.0.0"] {
            #expect(!AnalyzerServerConfiguration.isLoopback(host), "\(host)")
        }
    }

    // MARK: With the real store

    @Test func batchesLandInTheSQLiteStore() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ingest-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try SQLiteEventStore(path: directory.appendingPathComponent("events.sqlite").path)
        try await withServer(store: store) { server in
            let body = try Gzip.compress(Array([eventLine("a"), "bad", eventLine("b")].joined(separator: "\n").utf8))
            let first = try await server.post(body, headers: ["Content-Encoding": "gzip"])
            #expect(first.status == .ok)
            #expect(try first.result() == IngestResult(
                accepted: 2, duplicates: 0, invalid: 1, invalidLines: LineRanges("2")!, errors: [first.result().errors[0]]))
            let again = try await server.post(lines: [eventLine("b"), eventLine("c")])
            #expect(try again.result() == IngestResult(accepted: 1, duplicates: 1, invalid: 0, errors: []))
        }
        #expect(try await store.count() == 3)
    }

    // MARK: Decoding independent of how the body is cut

    @Test func chunkBoundariesDoNotChangeTheResult() throws {
        let text = [eventLine("a"), "", "broken", eventLine("b", message: String(repeating: "z", count: 300)), eventLine("c")]
            .joined(separator: "\r\n") + "\r\n"
        let bytes = Array(text.utf8)
        let limits = IngestLimits(maxLineBytes: 256)
        let whole = try bytes.withUnsafeBytes { try IngestBatchDecoder.decode($0, contentEncoding: nil, limits: limits) }
        #expect(whole.events.map(\.eventID) == ["a", "c"])
        #expect(whole.errors.count == 2 && whole.errors[0].hasPrefix("line 3: ") && whole.errors[1].hasPrefix("line 4: line is"))
        let gzipped = try Gzip.compress(bytes)
        for (body, encoding) in [(bytes, nil), (gzipped, "gzip")] as [([UInt8], String?)] {
            for chunkSize in [1, 2, 3, 7, 64, 255, 256, 257] {
                var decoder = try IngestBatchDecoder(contentEncoding: encoding, limits: limits)
                var start = 0
                while start < body.count {
                    let end = min(start + chunkSize, body.count)
                    try body[start..<end].withUnsafeBytes { try decoder.feed($0) }
                    start = end
                }
                let batch = try decoder.finish()
                #expect(batch.events == whole.events, "chunk size \(chunkSize), \(encoding ?? "plain")")
                #expect(batch.errors == whole.errors, "chunk size \(chunkSize), \(encoding ?? "plain")")
            }
        }
    }
}
