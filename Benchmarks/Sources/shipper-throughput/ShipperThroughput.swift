import Foundation
import Logging
import ServiceLog
import ShipperCore
import ShipperFileSource
import ShipperPipeline

// How fast is the shipper, and how does each hot stage compare with what a naive implementation would do?
//
//   swift run -c release shipper-throughput [lines]     (default 200000 lines of ~300 bytes)
//
// 1. Reading lines from a file: FileSource (memchr line splitting, offsets, identities) against
//    Foundation's `String(contentsOfFile:)` + `split` (the one-liner most Swift tools use), and against
//    reading the whole file as bytes and splitting on the newline byte (no following, no offsets).
// 2. Turning lines into canonical events with an event_id: EventShaper (strict parse, byte-for-byte
//    pass-through, id inserted) against JSONSerialization parse + add key + serialize; and wrapping plain
//    text: EventShaper against JSONEncoder of an equivalent struct.
// 3. The whole pipeline with durability: file -> shape -> batch -> gzip -> spool (fsync) -> a sink that
//    acknowledges at once -> checkpoint (fsync). No baseline: this is the sidecar's ceiling on this machine.
//
// Each measurement is the median of 5 runs; ratios are baseline time / our time (> 1 means we are faster).

let lineCount = CommandLine.arguments.dropFirst().first.flatMap(Int.init) ?? 200_000
let directory = FileManager.default.temporaryDirectory.appendingPathComponent("shipper-throughput-\(getpid())").path
try FileManager.default.createDirectory(atPath: directory + "/logs", withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(atPath: directory) }

func canonicalLine(_ index: Int) -> String {
    let payload = EventPayload.requestEnd(
        RequestEnd(method: "POST", endpoint: "/v1/checkout", statusCode: 200, durationMS: 12.5, success: true))
    let suffix = String(format: "%08x", index)
    var event = Event(
        timestamp: Timestamp(microsecondsSinceEpoch: 1_795_000_000_000_000 + Int64(index)), level: .info, service: "orders",
        payload: payload, correlationID: "c-\(index)")
    event.traceID = HexID.traceID("4bf92f3577b34da6a3ce929d" + suffix)
    event.spanID = HexID.spanID("00f067aa" + suffix)
    event.attributes = ["user_id": .string("u_\(index)")]
    return event.jsonLine()
}

let lines = (0..<lineCount).map(canonicalLine)
let plainLines = (0..<lineCount).map { "2026-11-25 10:15:02,123 WARN  [pool-3] orders.Checkout - slow response \($0) ms from payments" }
let filePath = directory + "/logs/app.log"
try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: filePath))
let fileBytes = lines.reduce(0) { $0 + $1.utf8.count + 1 }

func median(_ runs: Int = 5, _ body: () throws -> Void) rethrows -> Duration {
    var samples: [Duration] = []
    for _ in 0..<runs {
        let start = ContinuousClock.now
        try body()
        samples.append(.now - start)
    }
    return samples.sorted()[runs / 2]
}

func rate(_ duration: Duration) -> String {
    let perSecond = Double(lineCount) / (Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18)
    return perSecond >= 1e6 ? String(format: "%.2f M lines/s", perSecond / 1e6) : String(format: "%.0f k lines/s", perSecond / 1e3)
}

func ratio(_ baseline: Duration, _ ours: Duration) -> String {
    String(format: "%.1fx", baseline / ours)
}

func report(_ name: String, ours: Duration, baselineName: String, baseline: Duration) {
    print("  \(name.padding(toLength: 34, withPad: " ", startingAt: 0)) \(rate(ours).padding(toLength: 18, withPad: " ", startingAt: 0))"
        + "  \(baselineName): \(rate(baseline).padding(toLength: 18, withPad: " ", startingAt: 0))  ratio \(ratio(baseline, ours))")
}

print("shipper-throughput: \(lineCount) lines, \(fileBytes / 1_048_576) MiB, median of 5 runs (release build expected)")

// 1. Reading lines
var sink = 0
let naiveRead = try median {
    let text = try String(contentsOfFile: filePath, encoding: .utf8)
    for line in text.split(separator: "\n") { sink &+= line.utf8.count }
}
let byteSplitRead = try median {
    let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: filePath)))
    for line in bytes.split(separator: UInt8(ascii: "\n")) { sink &+= Array(line).count }
}
let sourceRead = try median {
    let source = try FileSource(configuration: FileSourceConfiguration(include: [filePath], useInotify: false), resumeFrom: Checkpoint())
    defer { source.close() }
    var read = 0
    while read < lineCount {
        let records = try source.read(limit: 4096, timeout: .milliseconds(100))
        read += records.count
        for record in records { sink &+= record.bytes.count }
    }
}
print("1. reading lines from a file")
report("FileSource", ours: sourceRead, baselineName: "String+split", baseline: naiveRead)
report("FileSource", ours: sourceRead, baselineName: "[UInt8]+split(byte)", baseline: byteSplitRead)

// 2. Shaping
let shaper = EventShaper(defaults: EventShaper.Defaults(service: "orders", host: "bench"))
let records = lines.enumerated().map { index, line in
    // Without event_id, as most services write them: the shaper must insert one.
    SourceRecord(bytes: Array(line.utf8), stream: StreamID("file:1:2:256:abc"), origin: "\(index * 300)",
                 position: .file(path: filePath, offset: UInt64(index * 300 + 300)))
}
let plainRecords = plainLines.enumerated().map { index, line in
    SourceRecord(bytes: Array(line.utf8), stream: StreamID("file:1:2:256:abc"), origin: "\(index * 100)",
                 position: .file(path: filePath, offset: UInt64(index * 100 + 100)))
}
let shapeCanonical = median {
    for record in records { sink &+= shaper.shape(record).line.count }
}
let naiveCanonical = try median {
    for record in records {
        var object = try JSONSerialization.jsonObject(with: Data(record.bytes)) as! [String: Any]
        guard object["timestamp"] is String, object["service"] is String, object["event_type"] is String else { continue }
        object["event_id"] = EventIDDerivation.eventID(for: record)
        sink &+= try JSONSerialization.data(withJSONObject: object).count
    }
}
struct PlainEvent: Encodable {
    var timestamp: String, level: String, service: String, event_type: String, event_id: String, host: String, message: String
    var log_origin: String
}
let encoder = JSONEncoder()
let shapePlain = median {
    for record in plainRecords { sink &+= shaper.shape(record, now: Timestamp(microsecondsSinceEpoch: 1_795_000_000_000_000)).line.count }
}
let naivePlain = try median {
    for record in plainRecords {
        let event = PlainEvent(
            timestamp: "2026-11-25T10:15:02.123000Z", level: "warning", service: "orders", event_type: "log",
            event_id: EventIDDerivation.eventID(for: record), host: "bench", message: String(decoding: record.bytes, as: UTF8.self),
            log_origin: filePath)
        sink &+= try encoder.encode(event).count
    }
}
print("2. shaping lines into canonical events with an event_id")
report("EventShaper, canonical lines", ours: shapeCanonical, baselineName: "JSONSerialization", baseline: naiveCanonical)
report("EventShaper, plain-text lines", ours: shapePlain, baselineName: "JSONEncoder", baseline: naivePlain)

// 3. The whole pipeline
final class AcknowledgingSink: BatchSink {
    func deliver(_ payload: BatchPayload) -> DeliveryOutcome { .acknowledged(status: 200, response: "{}") }
}
var pipelineRuns: [Duration] = []
var compressedRatio = 0.0
for run in 0..<3 {
    let state = directory + "/state-\(run)"
    let pipeline = try Pipeline(
        configuration: PipelineConfiguration(stateDirectory: state, defaults: EventShaper.Defaults(service: "orders")),
        sources: [SourceFactory(name: "file") { checkpoint in
            try FileSource(configuration: FileSourceConfiguration(include: [filePath]), resumeFrom: checkpoint)
        }],
        sink: { AcknowledgingSink() },
        logger: Logger(label: "bench", factory: { _ in SwiftLogNoOpLogHandler() }))
    let start = ContinuousClock.now
    pipeline.start()
    while pipeline.metrics.statistics.eventsShipped < lineCount { usleep(2_000) }
    pipelineRuns.append(.now - start)
    let statistics = pipeline.metrics.statistics
    compressedRatio = Double(statistics.bytesUncompressed) / Double(max(1, statistics.bytesCompressed))
    pipeline.stop()
    pipeline.waitUntilFinished()
}
let pipelineMedian = pipelineRuns.sorted()[1]
print("3. whole pipeline: file -> shape -> batch -> gzip 6 -> spool (fsync) -> acknowledge -> checkpoint (fsync)")
print("  \("Pipeline (median of 3)".padding(toLength: 34, withPad: " ", startingAt: 0)) \(rate(pipelineMedian))   gzip ratio \(String(format: "%.1f", compressedRatio)):1")
if sink == 42 { print("") }  // keeps the work observable to the optimiser
