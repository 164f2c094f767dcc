import Gzip
import ShipperCore

/// Collects shaped lines into batches by count, bytes and age, and compresses each closed batch.
///
/// A value owned by the batching thread. It never splits a line and never makes an empty batch; a
/// single line larger than `maxBytes` makes a batch of its own.
///
/// Not `Sendable` (any more): it keeps one zlib stream for all its batches (``BatchCompressor``), which
/// copies of a batcher would share; use it, and its copies, from one thread.
public struct Batcher {
    /// When batches close.
    public let limits: BatchLimits
    /// gzip level 1...9, or `nil` to send plain NDJSON.
    public let compressionLevel: Int32?

    private var body: [UInt8] = []
    private var count = 0
    private var positions: [StreamID: StreamPosition] = [:]
    /// The newest line's stream and position, moved into `positions` only when the stream changes or
    /// the batch closes: one dictionary update per run of lines, not one hash per line.
    private var latest: (stream: StreamID, position: StreamPosition)?
    private var openedAt: ContinuousClock.Instant?
    private let compressor: BatchCompressor?

    /// Creates an empty batcher.
    public init(limits: BatchLimits, compressionLevel: Int32? = 1) {
        self.limits = limits
        self.compressionLevel = compressionLevel
        compressor = compressionLevel.map(BatchCompressor.init(level:))
    }

    /// Whether no line is waiting.
    public var isEmpty: Bool { count == 0 }

    /// When the open batch must be closed even if it is not full; `nil` when empty.
    public var deadline: ContinuousClock.Instant? { openedAt.map { $0 + limits.maxAge } }

    /// Adds a line (without newline) read from `stream` up to `position`. Returns the batch that
    /// closed because of it: the previous one when this line would not fit, or this one when it
    /// reached a limit. Up to two batches can close at once (a full batch, then an oversized line).
    public mutating func add(
        _ line: [UInt8], stream: StreamID, position: StreamPosition, now: ContinuousClock.Instant = .now
    ) throws(GzipError) -> [SpoolBatch] {
        var closed: [SpoolBatch] = []
        if count > 0, body.count + line.count + 1 > limits.maxBytes, let batch = try close() {
            closed.append(batch)
        }
        if count == 0 { openedAt = now }
        body.append(contentsOf: line)
        body.append(UInt8(ascii: "\n"))
        count += 1
        if let latest, latest.stream != stream { positions[latest.stream] = latest.position }
        latest = (stream, position)
        if count >= limits.maxEvents || body.count >= limits.maxBytes, let batch = try close() {
            closed.append(batch)
        }
        return closed
    }

    /// Closes the open batch if its age limit has passed at `now`.
    public mutating func closeIfDue(now: ContinuousClock.Instant = .now) throws(GzipError) -> SpoolBatch? {
        guard let deadline, now >= deadline else { return nil }
        return try close()
    }

    /// Closes the open batch now (shutdown); `nil` when empty.
    public mutating func close() throws(GzipError) -> SpoolBatch? {
        guard count > 0 else { return nil }
        if let latest { positions[latest.stream] = latest.position }
        defer {
            body.removeAll(keepingCapacity: true)
            count = 0
            positions = [:]
            latest = nil
            openedAt = nil
        }
        if let compressor {
            return SpoolBatch(
                eventCount: count, contentEncoding: "gzip", positions: positions,
                body: try compressor.compress(body), uncompressedBytes: body.count)
        }
        return SpoolBatch(
            eventCount: count, contentEncoding: nil, positions: positions, body: body, uncompressedBytes: body.count)
    }
}
