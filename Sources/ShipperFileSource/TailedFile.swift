import Glibc
import ShipperCore

/// One open file being tailed: its descriptor, where reading stands, the partial line and the records
/// read but not handed out yet.
///
/// The descriptor is held across renames and deletion, so a rotated file can be read to its end.
final class TailedFile {
    /// Open read-only descriptor; -1 once closed.
    private(set) var fd: Int32
    /// Device and inode of the open file.
    let key: FileKey
    /// The current name (the last one it was seen under once it was renamed away or deleted).
    private(set) var path: String
    /// `nil` while the file is empty: an empty file is not a stream yet.
    private(set) var identity: FileIdentity?
    /// Lines and the unfinished tail.
    private(set) var splitter: LineSplitter
    /// Size at the last `fstat`.
    var lastSize: UInt64 = 0
    /// Last time the file was seen growing (or was opened).
    var lastGrowth: ContinuousClock.Instant
    /// When the file stopped being reachable through an include pattern (renamed away or deleted).
    var detachedSince: ContinuousClock.Instant?
    /// Records read, in order, not handed out yet; at most one chunk's worth.
    private var ready: [SourceRecord] = []
    private var readyHead = 0
    private var streamID = StreamID("")
    private var enrichment = Enrichment()

    init(fd: Int32, key: FileKey, path: String, maxLineBytes: Int, now: ContinuousClock.Instant) {
        self.fd = fd
        self.key = key
        self.path = path
        self.splitter = LineSplitter(maxLineBytes: maxLineBytes, startingAt: 0)
        self.lastGrowth = now
        rename(to: path)
    }

    deinit {
        if fd >= 0 { Glibc.close(fd) }
    }

    var isOpen: Bool { fd >= 0 }
    var hasReadyRecords: Bool { readyHead < ready.count }
    /// Offset of the next byte to read.
    var readOffset: UInt64 { splitter.nextOffset }

    /// Records the file's new name (used in positions and enrichment from now on).
    func rename(to newPath: String) {
        path = newPath
        enrichment = Enrichment(origin: newPath, attributes: ["file": newPath])
    }

    /// Makes the file stream `identity` and continues at `offset` (a line start).
    func begin(_ identity: FileIdentity, at offset: UInt64) {
        self.identity = identity
        streamID = identity.streamID
        splitter.reset(to: offset)
    }

    /// Ends the current stream (the file was truncated); its partial line becomes a record.
    func endStream() {
        flushPartialLine()
        identity = nil
        splitter.reset(to: 0)
    }

    /// Reads one chunk at ``readOffset`` into `buffer`, queueing the lines it completes.
    /// Returns the byte count, 0 at the end of the file, or -errno.
    func readChunk(into buffer: UnsafeMutableBufferPointer<UInt8>) -> Int {
        guard isOpen, identity != nil else { return 0 }
        var count: Int
        repeat {
            count = pread(fd, buffer.baseAddress!, buffer.count, off_t(readOffset))
        } while count < 0 && errno == EINTR
        if count < 0 { return -Int(errno) }
        guard count > 0 else { return 0 }
        splitter.feed(UnsafeBufferPointer(start: buffer.baseAddress!, count: count)) { line in
            queue(line)
        }
        lastSize = max(lastSize, readOffset)
        return count
    }

    /// Takes up to `limit` queued records, in file order.
    func takeReady(limit: Int, into output: inout [SourceRecord]) -> Int {
        let count = min(limit, ready.count - readyHead)
        guard count > 0 else { return 0 }
        output.append(contentsOf: ready[readyHead..<readyHead + count])
        readyHead += count
        if readyHead == ready.count {
            ready.removeAll(keepingCapacity: true)
            readyHead = 0
        }
        return count
    }

    /// Closes the descriptor; a partial line is queued as a record rather than lost.
    func close() {
        flushPartialLine()
        if fd >= 0 { Glibc.close(fd) }
        fd = -1
    }

    private func flushPartialLine() {
        guard identity != nil, let line = splitter.flush() else { return }
        queue(line)
    }

    private func queue(_ line: LineSplitter.Line) {
        ready.append(
            SourceRecord(
                bytes: line.bytes, originalLength: line.originalLength, stream: streamID,
                origin: String(line.start), position: .file(path: path, offset: line.end),
                enrichment: enrichment))
    }
}
