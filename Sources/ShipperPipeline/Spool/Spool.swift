#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import ShipperCore

/// The on-disk buffer between reading and delivery: batches are appended durably (fsync) as they are
/// made and removed only after the receiver acknowledged them, so an analyzer outage or a `kill -9`
/// loses nothing.
///
/// - Bounded: ``append(_:)`` blocks while undelivered data exceeds `maxBytes`, which stops the reader
///   threads; the sources (files, the journal) are then the buffer. Disk use can exceed `maxBytes` by
///   one segment (delivered records wait for their segment to be deleted whole).
/// - Self-healing: opening scans every segment and cuts it at the first torn or damaged record (a crash
///   mid-write, a bad checksum), deleting what follows; the damage is counted in ``recovery``.
/// - One writer thread (the batcher) and one reader thread (the delivery loop) use it concurrently.
public final class Spool: Sendable {
    /// The directory holding `segment-<n>.spool` files.
    public let directory: String
    /// Most undelivered bytes before appends block.
    public let maxBytes: Int
    /// Size at which a new segment file is started.
    public let segmentBytes: Int
    /// What opening found and repaired.
    public let recovery: SpoolRecovery

    private struct State {
        /// Durable length of every segment on disk, by sequence number.
        var segments: [UInt64: Int]
        var writeSegment: UInt64
        var writeFD: Int32
        var acknowledged: SpoolCursor
        var undeliveredBytes: Int
        var undeliveredBatches: Int
        var blockedSince: ContinuousClock.Instant?
        var closed = false
    }

    private let state: Guarded<State>

    /// Opens (creating if needed) the spool in `directory` and repairs it.
    ///
    /// - Parameters:
    ///   - acknowledged: the cursor saved with the last checkpoint; earlier records are delivered.
    ///   - checkpoint: the acknowledged positions; ``SpoolRecovery/resumePositions`` starts from them.
    public init(
        directory: String, maxBytes: Int, segmentBytes: Int = 8 << 20, acknowledged: SpoolCursor?,
        checkpoint: Checkpoint
    ) throws(SpoolError) {
        self.directory = directory
        self.maxBytes = max(1, maxBytes)
        self.segmentBytes = max(4096, min(segmentBytes, maxBytes / 4))
        try FileIO.createDirectory(directory)

        var recovery = SpoolRecovery()
        recovery.resumePositions = checkpoint.positions
        var segments: [UInt64: Int] = [:]
        let numbers = try FileIO.listDirectory(directory).compactMap(Self.segmentNumber(of:)).sorted()
        var acked = acknowledged ?? SpoolCursor(segment: numbers.first ?? 1, offset: 0)
        if let first = numbers.first, first > acked.segment { acked = SpoolCursor(segment: first, offset: 0) }

        var damagedFrom: UInt64?
        for number in numbers {
            let path = Self.path(directory, number)
            if number < acked.segment || damagedFrom != nil {
                // Delivered before the restart, or after a damaged record: no longer needed.
                if damagedFrom != nil { recovery.damagedBytes += (try? Self.fileSize(path)) ?? 0 }
                unlink(path)
                continue
            }
            let bytes = try Self.readWhole(path)
            var offset = 0
            scanning: while true {
                switch SpoolFraming.scan(bytes, at: offset) {
                case .end:
                    break scanning
                case .record(let payload, let end):
                    if number > acked.segment || offset >= acked.offset {
                        let batch: SpoolBatch
                        do { batch = try SpoolBatch(serialized: payload) } catch { throw .corrupt("\(path) at \(offset): \(error)") }
                        recovery.pendingBatches += 1
                        recovery.pendingBytes += end - offset
                        recovery.resumePositions.merge(batch.positions) { _, new in new }
                    }
                    offset = end
                case .damaged(let why):
                    recovery.damagedBytes += bytes.count - offset
                    recovery.repairs.append(
                        "\(path): cut at byte \(offset) of \(bytes.count) (\(why)); the sources read those events again")
                    let fd = try FileIO.open(path, flags: O_WRONLY)
                    defer { Glibc.close(fd) }
                    try FileIO.truncate(fd, to: offset, path: path)
                    try FileIO.sync(fd, path: path)
                    damagedFrom = number
                    break scanning
                }
            }
            segments[number] = offset
        }
        // The acknowledged cursor may point into bytes just cut off as damaged, or into a segment that
        // is gone altogether (someone emptied the spool to free disk): never past what exists.
        acked.offset = min(acked.offset, segments[acked.segment] ?? 0)
        let writeSegment = max(segments.keys.max() ?? acked.segment, acked.segment)
        let writePath = Self.path(directory, writeSegment)
        let fd = try FileIO.open(writePath, flags: O_WRONLY | O_CREAT | O_APPEND)
        segments[writeSegment] = segments[writeSegment] ?? 0
        try FileIO.syncDirectory(directory)

        self.recovery = recovery
        state = Guarded(State(
            segments: segments, writeSegment: writeSegment, writeFD: fd, acknowledged: acked,
            undeliveredBytes: recovery.pendingBytes, undeliveredBatches: recovery.pendingBatches))
    }

    /// Appends a batch durably. Blocks while the spool is full; returns `false` without writing when
    /// the spool is closed while waiting (shutdown).
    @discardableResult
    public func append(_ batch: SpoolBatch) throws(SpoolError) -> Bool {
        try append(contentsOf: [batch])
    }

    /// Appends batches durably with one write and one fsync for all of them (group commit): batches
    /// that close together (a burst, a backlog being read) pay one disk flush, not one each. Returns
    /// only once all are durable, so the promise is the batch-by-batch one: nothing is handed to
    /// delivery (and so nothing is acknowledged to a source) before it is on disk. Blocks while the
    /// spool is full; returns `false` without writing when the spool is closed while waiting.
    @discardableResult
    public func append(contentsOf batches: [SpoolBatch]) throws(SpoolError) -> Bool {
        guard !batches.isEmpty else { return true }
        var records: [UInt8] = []
        for batch in batches {
            do { records.append(contentsOf: SpoolFraming.frame(try batch.serialized())) } catch {
                throw .corrupt("cannot encode batch header: \(error)")
            }
        }
        let total = records.count
        let maxBytes = maxBytes
        let fits: (State) -> Bool = { $0.closed || $0.undeliveredBytes == 0 || $0.undeliveredBytes + total <= maxBytes }
        state.withLock { state in
            if !fits(state) { state.blockedSince = .now }
        }
        let mayWrite = state.wait(
            until: fits,
            deadline: .now + .seconds(86_400 * 365)
        ) { state, ready in
            if !ready || state.closed { return false }
            state.blockedSince = nil
            return true
        }
        guard mayWrite else { return false }
        // The write and fsync happen outside the lock so the delivery thread is never held up by them;
        // only this thread writes, so the file descriptor and offsets cannot change meanwhile. A group
        // goes whole into the current segment (which may then exceed `segmentBytes` by the group).
        let (fd, segment, length) = state.withLock { ($0.writeFD, $0.writeSegment, $0.segments[$0.writeSegment] ?? 0) }
        let path = Self.path(directory, segment)
        try FileIO.writeAll(fd, records, path: path)
        try FileIO.sync(fd, path: path)
        var newFD: Int32?
        var next: UInt64?
        if length + total >= segmentBytes {
            next = segment + 1
            newFD = try FileIO.open(Self.path(directory, segment + 1), flags: O_WRONLY | O_CREAT | O_APPEND)
            try FileIO.syncDirectory(directory)
        }
        state.withLock { state in
            state.segments[segment] = length + total
            state.undeliveredBytes += total
            state.undeliveredBatches += batches.count
            if let next, let newFD {
                Glibc.close(state.writeFD)
                state.writeFD = newFD
                state.writeSegment = next
                state.segments[next] = 0
            }
        }
        return true
    }

    /// Whether an append is waiting for room: reading is paused until deliveries free some.
    public var isFull: Bool {
        state.withLock { $0.blockedSince != nil }
    }

    /// The next undelivered batch after `previous` (or the oldest undelivered one when `nil`), waiting
    /// up to `timeout` for one to be appended. `nil` when none arrived in time or the spool is closed.
    public func next(after previous: SpoolCursor?, timeout: Duration) throws(SpoolError) -> SpooledBatch? {
        let found: (SpoolCursor, Int)? = state.wait(
            until: { state in state.closed || Self.readable(after: previous, in: state) != nil },
            deadline: .now + timeout
        ) { state, _ in
            guard !state.closed else { return nil }
            return Self.readable(after: previous, in: state)
        }
        guard let (start, _) = found else { return nil }
        let path = Self.path(directory, start.segment)
        let fd = try FileIO.open(path, flags: O_RDONLY)
        defer { Glibc.close(fd) }
        let header = try FileIO.read(fd, count: SpoolFraming.headerBytes, at: start.offset, path: path)
        guard header.count == SpoolFraming.headerBytes, Array(header[0..<4]) == SpoolFraming.magic else {
            throw .corrupt("\(path) at \(start.offset): no record marker")
        }
        let length = Int(header.readLittleEndianUInt32(at: 4))
        let payload = try FileIO.read(fd, count: length, at: start.offset + SpoolFraming.headerBytes, path: path)
        guard payload.count == length, SpoolFraming.checksum(payload[...]) == header.readLittleEndianUInt32(at: 8) else {
            throw .corrupt("\(path) at \(start.offset): checksum mismatch on read")
        }
        let batch: SpoolBatch
        do { batch = try SpoolBatch(serialized: payload[...]) } catch { throw .corrupt("\(path) at \(start.offset): \(error)") }
        let end = SpoolCursor(segment: start.segment, offset: start.offset + SpoolFraming.headerBytes + length)
        return SpooledBatch(batch: batch, start: start, end: end)
    }

    /// Where the record after `previous` starts and the segment's durable length, if one is there.
    private static func readable(after previous: SpoolCursor?, in state: State) -> (SpoolCursor, Int)? {
        // Never behind the acknowledged cursor: the segment `previous` ended in may be deleted already.
        var cursor = max(previous ?? state.acknowledged, state.acknowledged)
        while true {
            guard let length = state.segments[cursor.segment] else { return nil }
            if cursor.offset < length { return (cursor, length) }
            guard cursor.segment < state.writeSegment else { return nil }
            cursor = SpoolCursor(segment: cursor.segment + 1, offset: 0)
        }
    }

    /// Marks `batch` delivered (batches are acknowledged in order) and returns the new acknowledged
    /// cursor, which the caller saves with the checkpoint before calling ``removeDelivered()``.
    @discardableResult
    public func acknowledge(_ batch: SpooledBatch) -> SpoolCursor {
        state.withLock { state in
            state.acknowledged = batch.end
            state.undeliveredBytes = max(0, state.undeliveredBytes - batch.recordBytes)
            state.undeliveredBatches = max(0, state.undeliveredBatches - 1)
            return state.acknowledged
        }
    }

    /// Deletes segments whose every record is acknowledged. Call after the checkpoint naming the
    /// acknowledged cursor is durable, so a crash in between never points the cursor at nothing.
    public func removeDelivered() {
        let doomed: [UInt64] = state.withLock { state in
            var cursor = state.acknowledged
            // A fully delivered segment that is not being written: the cursor moves to the next one.
            while cursor.segment < state.writeSegment, let length = state.segments[cursor.segment], cursor.offset >= length {
                cursor = SpoolCursor(segment: cursor.segment + 1, offset: 0)
            }
            state.acknowledged = cursor
            let old = state.segments.keys.filter { $0 < cursor.segment }
            for number in old { state.segments[number] = nil }
            return old
        }
        for number in doomed { unlink(Self.path(directory, number)) }
    }

    /// Undelivered bytes and batches (the spool-size metrics).
    public var backlog: (bytes: Int, batches: Int) {
        state.withLock { ($0.undeliveredBytes, $0.undeliveredBatches) }
    }

    /// The acknowledged cursor.
    public var acknowledged: SpoolCursor {
        state.withLock { $0.acknowledged }
    }

    /// Wakes every waiter; appends and reads return at once from now on.
    /// The descriptor stays open until `deinit`: an append already past its wait may still be writing,
    /// and closing under it would fail that write or, worse, send it to a file that reused the number.
    public func close() {
        state.withLock { state in
            state.closed = true
            state.blockedSince = nil
        }
    }

    deinit {
        state.withLock { Glibc.close($0.writeFD) }
    }

    static func path(_ directory: String, _ number: UInt64) -> String {
        let digits = String(number)
        return directory + "/segment-" + String(repeating: "0", count: max(0, 12 - digits.count)) + digits + ".spool"
    }

    static func segmentNumber(of name: String) -> UInt64? {
        guard name.hasPrefix("segment-"), name.hasSuffix(".spool") else { return nil }
        return UInt64(name.dropFirst(8).dropLast(6))
    }

    private static func readWhole(_ path: String) throws(SpoolError) -> [UInt8] {
        let fd = try FileIO.open(path, flags: O_RDONLY)
        defer { Glibc.close(fd) }
        return try FileIO.read(fd, count: try FileIO.size(fd, path: path), at: 0, path: path)
    }

    private static func fileSize(_ path: String) throws(SpoolError) -> Int {
        let fd = try FileIO.open(path, flags: O_RDONLY)
        defer { Glibc.close(fd) }
        return try FileIO.size(fd, path: path)
    }
}
