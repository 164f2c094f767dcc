import Foundation
import Gzip
import Logging
import ServiceLog
import ShipperCore
import ShipperPipeline
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

// MARK: Temporary directories

/// A fresh directory under /tmp, removed when the value goes away.
final class TemporaryDirectory {
    let path: String

    init(_ name: String = "pipeline") {
        var template = Array("/tmp/shipper-pipeline-\(name)-XXXXXX".utf8CString)
        let made = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        precondition(made != nil, "mkdtemp failed")
        path = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    }

    deinit {
        try? FileManager.default.removeItem(atPath: path)
    }

    func file(_ name: String) -> String { path + "/" + name }
}

/// Names of the files in `directory`, sorted.
func listing(_ directory: String) -> [String] {
    ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).sorted()
}

func readBytes(_ path: String) -> [UInt8] {
    (FileManager.default.contents(atPath: path)).map { Array($0) } ?? []
}

func writeBytes(_ path: String, _ bytes: [UInt8]) {
    precondition(FileManager.default.createFile(atPath: path, contents: Data(bytes)), "cannot write \(path)")
}

/// Lines of a text file (without empty trailing line).
func readLines(_ path: String) -> [String] {
    guard let data = FileManager.default.contents(atPath: path) else { return [] }
    return String(decoding: data, as: UTF8.self).split(separator: "\n").map(String.init)
}

/// Parses one JSON object with Foundation (an independent parser from the one under test).
func jsonObject(_ text: String) -> [String: Any]? {
    (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any]
}

// MARK: Records and payloads

let testStream = StreamID("file:1:2:abcd")

/// A plain-text record `text` at `offset` of the test file stream.
func record(
    _ text: String, offset: UInt64, stream: StreamID = testStream, path: String = "/var/log/test.log",
    enrichment: Enrichment = Enrichment()
) -> SourceRecord {
    SourceRecord(
        bytes: Array(text.utf8), stream: stream, origin: String(offset),
        position: .file(path: path, offset: offset + UInt64(text.utf8.count) + 1), enrichment: enrichment)
}

/// The NDJSON lines of a payload body (gunzipped when it says gzip).
func lines(of payload: BatchPayload) -> [String] {
    var body = payload.body
    if payload.contentEncoding == "gzip" {
        body = (try? Gzip.decompress(body, maxOutputBytes: 1 << 26)) ?? Array("<<gunzip failed>>".utf8)
    }
    return String(decoding: body, as: UTF8.self).split(separator: "\n").map(String.init)
}

/// The `message` of a canonical line, or a marker that makes assertions fail readably.
func message(of line: String) -> String {
    do {
        return try Event(jsonLine: line).message ?? "<<no message>>"
    } catch {
        return "<<not canonical: \(error)>>"
    }
}

func quietLogger() -> Logger {
    Logger(label: "pipeline-test") { _ in SwiftLogNoOpLogHandler() }
}

/// Waits (polling) until `condition` holds or `seconds` pass; returns whether it held.
@discardableResult
func waitFor(seconds: Double = 15, _ condition: () -> Bool) -> Bool {
    let deadline = Date(timeIntervalSinceNow: seconds)
    while Date() < deadline {
        if condition() { return true }
        usleep(2_000)
    }
    return condition()
}

// MARK: A scripted sink

/// A `BatchSink` whose answers are scripted per call. Records every payload it got and which lines it
/// acknowledged, thread-safely.
final class ScriptedSink: BatchSink, Sendable {
    struct Call: Sendable {
        var payload: BatchPayload
        var lines: [String]
        var outcome: DeliveryOutcome
    }

    /// Decides the outcome of call number `index` (0-based) carrying `lines`.
    typealias Script = @Sendable (_ index: Int, _ lines: [String]) -> DeliveryOutcome

    private let script: Script
    private let calls = Mutex<[Call]>([])

    init(_ script: @escaping Script) {
        self.script = script
    }

    /// Accepts everything.
    static func accepting() -> ScriptedSink {
        ScriptedSink { _, _ in .acknowledged(status: 200, response: "{}") }
    }

    func deliver(_ payload: BatchPayload) -> DeliveryOutcome {
        let lines = lines(of: payload)
        return calls.withLock { calls in
            let outcome = script(calls.count, lines)
            calls.append(Call(payload: payload, lines: lines, outcome: outcome))
            return outcome
        }
    }

    var allCalls: [Call] { calls.withLock { $0 } }
    var callCount: Int { calls.withLock { $0.count } }

    /// Lines of every acknowledged payload, in delivery order.
    var acknowledgedLines: [String] {
        calls.withLock { calls in
            calls.flatMap { call -> [String] in
                if case .acknowledged = call.outcome { return call.lines }
                return []
            }
        }
    }

    /// Messages of every acknowledged line, in delivery order.
    var acknowledgedMessages: [String] { acknowledgedLines.map(message(of:)) }
}

// MARK: A list source

/// Records shared between a test and the sources it hands to pipelines: a prepared list, to which a
/// test may append while the pipeline runs.
final class RecordFeed: Sendable {
    private let records: Mutex<[SourceRecord]>

    init(_ records: [SourceRecord] = []) {
        self.records = Mutex(records)
    }

    func append(_ more: [SourceRecord]) {
        records.withLock { $0.append(contentsOf: more) }
    }

    var snapshot: [SourceRecord] { records.withLock { $0 } }

    /// A factory for pipelines: each source serves the feed's records after the resume position of
    /// their stream (file offsets), like a real file source resuming from a checkpoint.
    func factory(
        name: String = "test", failingOnRead: Int? = nil, opened: (@Sendable (Checkpoint) -> Void)? = nil
    ) -> SourceFactory {
        let opens = Mutex(0)
        return SourceFactory(name: name) { resume in
            opened?(resume)
            // Only the first source made by this factory fails, so a reopened one can go on.
            let first = opens.withLock { count in
                count += 1
                return count == 1
            }
            return FeedSource(feed: self, resume: resume, failingOnRead: first ? failingOnRead : nil)
        }
    }
}

/// Serves a feed's records in order, skipping those at or before the resume position of their stream.
final class FeedSource: RecordSource {
    private let feed: RecordFeed
    private let resume: Checkpoint
    private var next = 0
    private var closed = false
    private var reads = 0
    private let failingOnRead: Int?
    private(set) var statistics = SourceStatistics()

    struct Broken: Error {}

    init(feed: RecordFeed, resume: Checkpoint, failingOnRead: Int? = nil) {
        self.feed = feed
        self.resume = resume
        self.failingOnRead = failingOnRead
    }

    func read(limit: Int, timeout: Duration) throws -> [SourceRecord] {
        guard !closed else { return [] }
        reads += 1
        if reads == failingOnRead { throw Broken() }
        var result: [SourceRecord] = []
        let all = feed.snapshot
        while next < all.count, result.count < limit {
            let record = all[next]
            next += 1
            if case .file(_, let resumeOffset)? = resume[record.stream], case .file(_, let offset) = record.position,
                offset <= resumeOffset
            {
                continue
            }
            result.append(record)
        }
        if result.isEmpty {
            let (seconds, attoseconds) = min(timeout, .milliseconds(10)).components
            usleep(UInt32(seconds * 1_000_000 + attoseconds / 1_000_000_000_000))
        }
        statistics.records += result.count
        return result
    }

    func takeNotices() -> [SourceNotice] { [] }

    func close() { closed = true }
}

// MARK: Pipelines

/// A configuration for fast tests: small batches, 20 ms age, tiny backoff.
func testConfiguration(
    _ directory: String, maxEvents: Int = 5, compressionLevel: Int32? = 6, shutdownTimeout: Duration = .seconds(5),
    spoolMaxBytes: Int = 64 << 20
) -> PipelineConfiguration {
    PipelineConfiguration(
        stateDirectory: directory, defaults: EventShaper.Defaults(service: "test-service", host: "test-host"),
        batch: BatchLimits(maxEvents: maxEvents, maxBytes: 1 << 20, maxAge: .milliseconds(20)),
        compressionLevel: compressionLevel, spoolMaxBytes: spoolMaxBytes,
        backoff: Backoff(base: .milliseconds(1), cap: .milliseconds(5), maxRetryAfter: .milliseconds(5)),
        shutdownTimeout: shutdownTimeout)
}

/// `count` plain-text records `line 0` ... on the test stream.
func numberedRecords(_ count: Int, prefix: String = "line", stream: StreamID = testStream) -> [SourceRecord] {
    var offset: UInt64 = 0
    var records: [SourceRecord] = []
    for index in 0..<count {
        let text = "\(prefix) \(index)"
        records.append(record(text, offset: offset, stream: stream))
        offset += UInt64(text.utf8.count) + 1
    }
    return records
}

/// Runs a pipeline over `feed` into `sink` until `done` holds, then stops it and waits for it.
func runPipeline(
    _ configuration: PipelineConfiguration, feed: RecordFeed, sink: ScriptedSink,
    until done: () -> Bool
) throws -> (pipeline: Pipeline, finishedInTime: Bool) {
    let pipeline = try Pipeline(
        configuration: configuration, sources: [feed.factory()], sink: { sink }, logger: quietLogger())
    pipeline.start()
    let inTime = waitFor(done)
    pipeline.stop()
    pipeline.waitUntilFinished()
    return (pipeline, inTime)
}

/// The dead-letter file's lines, parsed.
func deadLetters(_ stateDirectory: String) -> [[String: Any]] {
    readLines(stateDirectory + "/dead-letter.ndjson").map { jsonObject($0) ?? ["unparsable": $0] }
}

/// The `message` of the `event` of a dead-letter line.
func deadLetteredMessage(_ entry: [String: Any]) -> String? {
    (entry["event"] as? [String: Any])?["message"] as? String
}
