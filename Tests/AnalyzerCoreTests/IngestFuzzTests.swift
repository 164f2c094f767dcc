import AnalyzerCore
import Foundation
import Gzip
import ServiceLog
import Testing
import TestSupport

/// A randomized run against the real ingest endpoint (HTTP on loopback, a SQLite store) with a fixed
/// time budget: valid, mutated, extreme and garbage lines, plain and gzip (intact, cut and corrupted),
/// in chunks of any size. The endpoint must never fail (5xx) or stop, must account for every line, and
/// everything it stored must read back. The libFuzzer target in `Fuzz/` covers the decoder alone.
@Suite(.serialized) struct IngestFuzzTests {
    /// How long the run lasts (the budget, not an assertion); the iteration count is reported.
    static let budget: Duration = .seconds(20)

    static let numbers = ["0", "-0", "1e300", "-1e300", "9.3e15", "9223372036854775807", "-9223372036854775808", "1e-300", "604800000",
                          "604800000.5", "999", "1000", "12.5", "1E2", "0.1", "2147483648", "\"12\"", "null", "true", "[]", "{}"]
    static let texts = ["ok", "é", "\\u0000", "\\u001b[2J", "\\\"", "🚀", "\\ud800", String(repeating: "x", count: 300), ""]
    static let timestamps = ["2026-11-24T10:15:02.123456Z", "9999-12-31T23:59:59Z", "1970-01-01T00:00:00Z", "2026-02-30T00:00:00Z",
                             "2026-11-24T10:15:02+01:00", "yesterday"]

    static func pick<T>(_ values: [T], _ rng: inout SeededGenerator) -> T { values[Int(rng.next() % UInt64(values.count))] }

    /// One line: mostly well-formed events with random (often extreme) values, sometimes mutated bytes.
    static func line(_ index: Int, _ rng: inout SeededGenerator) -> [UInt8] {
        let id = "f-\(rng.next() % 5000)"  // repeats: duplicates happen
        let text: String
        switch rng.next() % 5 {
        case 0:
            text = #"{"timestamp":"\#(pick(timestamps, &rng))","level":"info","service":"\#(pick(texts, &rng))","event_type":"service_call","event_id":"\#(id)","target_service":"db","method":"GET","endpoint":"/\#(pick(texts, &rng))","duration_ms":\#(pick(numbers, &rng)),"status_code":\#(pick(numbers, &rng)),"success":\#(pick(numbers, &rng)),"attempt":\#(pick(numbers, &rng))}"#
        case 1:
            text = #"{"timestamp":"\#(pick(timestamps, &rng))","level":"warning","service":"s","event_type":"resource","event_id":"\#(id)","memory_mb":\#(pick(numbers, &rng)),"cpu_percent":\#(pick(numbers, &rng)),"threads":\#(pick(numbers, &rng)),"pool_in_use":\#(pick(numbers, &rng))}"#
        case 2:
            text = #"{"timestamp":"\#(pick(timestamps, &rng))","level":"error","service":"s","event_type":"log","event_id":"\#(id)","message":"\#(pick(texts, &rng))","dropped_events":\#(pick(numbers, &rng)),"line_truncated":\#(pick(numbers, &rng)),"nested":[[[{"a":\#(pick(numbers, &rng))}]]]}"#
        case 3:
            text = eventLine(id, message: pick(texts, &rng))
        default:
            text = String(decoding: (0..<Int(rng.next() % 80)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }, as: UTF8.self)
        }
        var bytes = Array(text.utf8)
        // A few byte mutations on a third of the lines (never a newline: one line stays one line).
        if rng.next() % 3 == 0, !bytes.isEmpty {
            for _ in 0..<(1 + rng.next() % 3) {
                let at = Int(rng.next() % UInt64(bytes.count))
                switch rng.next() % 3 {
                case 0: bytes[at] = UInt8(truncatingIfNeeded: rng.next() | 1)
                case 1: bytes.remove(at: at)
                default: bytes.insert(pick(Array("{}[],:\"\\0e-".utf8), &rng), at: at)
                }
                if bytes.isEmpty { break }
            }
        }
        bytes.removeAll { $0 == 0x0A }
        if rng.next() % 10 == 0 { bytes.append(0x0D) }
        return bytes
    }

    @Test func randomizedBatchesNeverFailTheEndpointAndEveryLineIsAccountedFor() async throws {
        // A new seed each run (printed); INGEST_FUZZ_SEED replays one.
        let seed = ProcessInfo.processInfo.environment["INGEST_FUZZ_SEED"].flatMap { UInt64($0) } ?? UInt64(Date().timeIntervalSince1970)
        var rng = SeededGenerator(seed: seed)
        let store = try TemporaryStore()
        let limits = IngestLimits(maxBodyBytes: 256 << 10, maxDecompressedBytes: 512 << 10, maxLineBytes: 2048, maxDepth: 8, maxInFlightBytes: 512 << 10)
        var iterations = 0
        var accepted = 0
        var statuses: [Int: Int] = [:]
        try await withServer(store: store.store, configuration: .init(port: 0, limits: limits)) { server in
            let deadline = ContinuousClock.now + Self.budget
            while ContinuousClock.now < deadline {
                iterations += 1
                let lineCount = Int(1 + rng.next() % 60)
                let lines = (0..<lineCount).map { Self.line($0, &rng) }
                var body = Array(lines.joined(separator: [0x0A]))
                if rng.next() % 2 == 0 { body.append(0x0A) }
                var headers: [String: String] = [:]
                var intact = true
                if rng.next() % 3 == 0 {
                    body = try Gzip.compress(body)
                    headers["Content-Encoding"] = "gzip"
                    if rng.next() % 5 == 0, body.count > 20 {
                        intact = false
                        if rng.next() % 2 == 0 { body.removeLast(Int(rng.next() % 10) + 1) } else { body[10 + Int(rng.next() % UInt64(body.count - 10))] ^= 0xFF }
                    }
                }
                let response = try await server.post(body, headers: headers, chunked: rng.next() % 2 == 0)
                let status = Int(response.status.code)
                statuses[status, default: 0] += 1
                let context = "seed \(seed), iteration \(iterations), status \(status): \(response.body.prefix(300))"
                #expect(status < 500, "\(context)")
                #expect([200, 400, 413].contains(status), "\(context)")
                guard status == 200 || status == 400, intact, let result = try? response.result() else { continue }
                let nonBlank = lines.filter { line in line.contains { $0 != 0x20 && $0 != 0x09 && $0 != 0x0D } }.count
                #expect(result.accepted + result.duplicates + result.invalid == nonBlank, "\(context)")
                #expect(result.invalidLines.count == result.invalid, "\(context)")
                #expect(result.invalidLines.ranges.last.map { $0.upperBound <= lineCount } ?? true, "\(context)")
                #expect(result.errors.count == min(result.invalid, 100), "\(context)")
                accepted += result.accepted
            }
            #expect(try await server.get("/healthz").status == .ok, "the server stopped")
        }
        // Everything stored reads back (the analysis reads it the same way).
        let stored = try await store.store.events(matching: EventQuery())
        #expect(stored.count == accepted)
        #expect(iterations > 50, "only \(iterations) batches in \(Self.budget)")
        print("ingest fuzz: seed \(seed), \(iterations) batches, \(accepted) events stored, statuses \(statuses.sorted { $0.key < $1.key })")
    }
}
