import Foundation
import Logging
import ServiceLog

// How fast is `Event(jsonLine:)` (the single-pass canonical decoder), against the original dictionary-based
// decoder it replaced (`Event(referenceJSONLine:)`) and against Foundation's JSONSerialization?
//
//   cd Benchmarks && swift build -c release --product decode-throughput \
//     && $(swift build -c release --show-bin-path)/decode-throughput [lines]     (default 200000)
//
// The lines are varied canonical events of every type (as `Event.jsonLine()` writes them), with optional
// fields, trace context and 0-4 attributes of every JSON kind. JSONSerialization only parses the line and
// checks three reserved fields' types: it builds no `Event`, so it is a floor for "a generic parser".
//
// Each measurement is the median of 5 runs; ratios are baseline time / our time (> 1 means we are faster).

let lineCount = CommandLine.arguments.dropFirst().first.flatMap(Int.init) ?? 200_000
/// `--fast-only` measures only `Event(jsonLine:)`, for profiling it (`perf record ... decode-throughput 200000 --fast-only`).
let fastOnly = CommandLine.arguments.contains("--fast-only")

/// A deterministic generator (SplitMix64), so every run decodes the same lines.
struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

func hex(_ count: Int, _ rng: inout SplitMix) -> String {
    String((0..<count).map { _ in "0123456789abcdef".randomElement(using: &rng)! })
}

func attribute(_ rng: inout SplitMix) -> JSONValue {
    switch rng.next() % 6 {
    case 0: .string("value-\(rng.next() % 10_000)")
    case 1: .int(Int64(rng.next() % 100_000))
    case 2: .double(Double(rng.next() % 100_000) / 100)
    case 3: .bool(rng.next() % 2 == 0)
    case 4: .array([.string("05"), .int(Int64(rng.next() % 10))])
    default: .object(["a": .string("b"), "n": .null])
    }
}

func canonicalLine(_ index: Int, _ rng: inout SplitMix) -> String {
    let services = ["gateway", "orders", "payments", "inventory", "search"]
    let endpoints = ["/v1/checkout", "/orders/:id", "/v1/charges", "/search", "/health"]
    let method = ["GET", "POST", "PUT", "DELETE"].randomElement(using: &rng)!
    let endpoint = endpoints.randomElement(using: &rng)!
    let duration = Double(rng.next() % 500_000) / 1000
    let status = [200, 200, 200, 201, 404, 500, 503].randomElement(using: &rng)!
    let payload: EventPayload
    var message: String?
    switch index % 10 {
    case 0, 1: payload = .requestStart(RequestStart(method: method, endpoint: endpoint, userID: "u_\(rng.next() % 50_000)"))
    case 2, 3, 4: payload = .requestEnd(RequestEnd(method: method, endpoint: endpoint, statusCode: status, durationMS: duration, success: status < 500))
    case 5, 6:
        payload = .serviceCall(ServiceCall(
            targetService: services.randomElement(using: &rng)!, method: method, endpoint: endpoint, durationMS: duration,
            statusCode: status, success: status < 500, error: status >= 500 ? "upstream timed out" : nil, attempt: 1))
    case 7:
        payload = .error(ErrorDetails(errorType: "PaymentProviderError.cardDeclined", stack: "Payments.authorize(_:) at Charge.swift:88"))
        message = "issuer declined authorization (code 05)"
    case 8:
        payload = .resource(ResourceSample(memoryMB: duration, cpuPercent: duration / 10, threads: 12, openFDs: 87, gauges: ["queue_depth": 3]))
    default:
        payload = .log
        message = "charge request accepted for order \(rng.next() % 100_000)"
    }
    var event = Event(
        timestamp: Timestamp(microsecondsSinceEpoch: 1_795_000_000_000_000 + Int64(index) * 997), level: status >= 500 ? .error : .info,
        service: services.randomElement(using: &rng)!, payload: payload, message: message,
        eventID: "01JDQ8X4T3M9K2V7B5N6C\(String(format: "%05d", index % 100_000))", host: "ip-10-0-3-\(rng.next() % 255)",
        instance: "gateway-5d8f7c9b6-x2kqp", source: "gateway.http", correlationID: "c3a1e0f2-5b7d-4c8e-9a61-\(hex(12, &rng))")
    event.traceID = HexID.traceID(hex(32, &rng))
    event.spanID = HexID.spanID(hex(16, &rng))
    if rng.next() % 2 == 0 { event.parentSpanID = HexID.spanID(hex(16, &rng)) }
    event.traceFlags = 1
    for key in ["order_id", "client_ip", "amount_cents", "currency", "decline_codes"].prefix(Int(rng.next() % 5)) {
        event.attributes[key] = attribute(&rng)
    }
    return event.jsonLine()
}

var rng = SplitMix(state: 42)
let lines: [[UInt8]] = (0..<lineCount).map { Array(canonicalLine($0, &rng).utf8) }
let datas = lines.map { Data($0) }
let totalBytes = lines.reduce(0) { $0 + $1.count }

func median(_ runs: Int = 5, _ body: () throws -> Void) rethrows -> Duration {
    var samples: [Duration] = []
    for _ in 0..<runs {
        let start = ContinuousClock.now
        try body()
        samples.append(.now - start)
    }
    return samples.sorted()[runs / 2]
}

func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
}

func rate(_ duration: Duration) -> String {
    let perSecond = Double(lineCount) / seconds(duration)
    let megabytes = Double(totalBytes) / seconds(duration) / 1_048_576
    return (perSecond >= 1e6 ? String(format: "%.2f M lines/s", perSecond / 1e6) : String(format: "%.0f k lines/s", perSecond / 1e3))
        + String(format: " (%.0f MiB/s)", megabytes)
}

print("decode-throughput: \(lineCount) varied canonical lines, \(totalBytes / lineCount) bytes on average, median of 5 runs (release build expected)")

// Both decoders must agree on every line before their speed means anything.
var disagreements = 0
for line in fastOnly ? [] : lines {
    let fast = line.withUnsafeBytes { try? Event(jsonLine: $0) }
    let reference = line.withUnsafeBytes { try? Event(referenceJSONLine: $0) }
    if fast == nil || fast != reference { disagreements += 1 }
}
guard disagreements == 0 else {
    print("error: the decoders disagree on \(disagreements) lines")
    exit(1)
}

nonisolated(unsafe) var sink = 0
func decodeFast() -> Int {
    var sink = 0
    for line in lines {
        line.withUnsafeBytes { bytes in
            if let event = try? Event(jsonLine: bytes) { sink &+= event.attributes.count }
        }
    }
    return sink
}
func decodeReference() -> Int {
    var sink = 0
    for line in lines {
        line.withUnsafeBytes { bytes in
            if let event = try? Event(referenceJSONLine: bytes) { sink &+= event.attributes.count }
        }
    }
    return sink
}
func decodeFoundation() -> Int {
    var sink = 0
    for data in datas {
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { continue }
        if object["timestamp"] is String, object["service"] is String, object["event_type"] is String { sink &+= object.count }
    }
    return sink
}
if fastOnly {
    print("  Event(jsonLine:) (single pass)  \(rate(median { sink &+= decodeFast() }))")
    exit(0)
}
// The three are interleaved run by run, so that load from other processes hits them alike.
var samples: [[Duration]] = [[], [], []]
for _ in 0..<5 {
    for (index, body) in [decodeFast, decodeReference, decodeFoundation].enumerated() {
        let start = ContinuousClock.now
        sink &+= body()
        samples[index].append(.now - start)
    }
}
let fast = samples[0].sorted()[2], reference = samples[1].sorted()[2], foundation = samples[2].sorted()[2]

func row(_ name: String, _ duration: Duration) {
    print("  \(name.padding(toLength: 44, withPad: " ", startingAt: 0)) \(rate(duration).padding(toLength: 30, withPad: " ", startingAt: 0))"
        + "  fast is \(String(format: "%.2fx", duration / fast))")
}
row("Event(jsonLine:) (single pass)", fast)
row("Event(referenceJSONLine:) (JSONValue tree)", reference)
row("JSONSerialization (parse + 3 type checks)", foundation)
if sink == 42 { print("") }  // keeps the work observable to the optimiser
