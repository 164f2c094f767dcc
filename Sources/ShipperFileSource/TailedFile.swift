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
    /// Modification time at the last `fstat`: a rewrite to the same size changes only this.
    var lastModification = timespec()
    /// The bytes just before ``readOffset`` as they were read: up to ``tailBytes`` of them and their
    /// FNV-1a. A file rewritten in place with the same first bytes and grown past the old offset keeps
    /// its fingerprint and its size test; these bytes are what no longer match (`nil`: nothing read yet).
    private(set) var tail: (length: Int, hash: UInt64)?
    /// How many bytes before the offset are checked (the fingerprint's size).
    let tailBytes: Int
    /// Last time the file was seen growing (or was opened).
    var lastGrowth: ContinuousClock.Instant
    /// When the file stopped being reachable through an include pattern (renamed away or deleted).
    var detachedSince: ContinuousClock.Instant?
    /// Records read, in order, not handed out yet; at most one chunk's worth.
    private var ready: [SourceRecord] = []
    private var readyHead = 0
    private var streamID = StreamID("")
    private var enrichment = Enrichment()

    init(fd: Int32, key: FileKey, path: String, maxLineBytes: Int, tailBytes: Int = 256, now: ContinuousClock.Instant) {
        self.fd = fd
        self.key = key
        self.path = path
        self.splitter = LineSplitter(maxLineBytes: maxLineBytes, startingAt: 0)
        self.lastGrowth = now
        self.tailBytes = max(1, tailBytes)
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
        // Resuming mid-file: remember what precedes the offset now, to notice a rewrite from here on.
        let length = Int(min(UInt64(tailBytes), offset))
        tail = length > 0 ? FileIdentity.hashRange(fd: fd, offset: offset - UInt64(length), length: length).map { (length, $0) } : nil
    }

    /// Ends the current stream (the file was truncated); its partial line becomes a record.
    func endStream() {
        flushPartialLine()
        identity = nil
        tail = nil
        splitter.reset(to: 0)
    }

    /// What ``readChunk(into:)`` found.
    enum ChunkResult: Equatable {
        /// This many new bytes were read and split into lines (0: at the end of the file).
        case read(Int)
        /// The bytes before the offset changed: the file was rewritten in place; nothing was read.
        case rewritten
        /// `pread` failed with this errno.
        case failed(Int32)
    }

    /// Reads one chunk at ``readOffset`` into `buffer`, queueing the lines it completes. The same
    /// `pread` re-reads the bytes just before the offset and checks them against ``tail``, so a file
    /// rewritten between two reads is never continued at an offset that belongs to its old content.
    /// `buffer` holds a chunk plus ``tailBytes``; a chunk is `buffer.count - tailBytes` new bytes.
    func readChunk(into buffer: UnsafeMutableBufferPointer<UInt8>) -> ChunkResult {
        guard isOpen, identity != nil else { return .read(0) }
        let back = tail?.length ?? 0
        let wanted = back + max(1, buffer.count - tailBytes)
        precondition(wanted <= buffer.count, "the read buffer must hold a chunk plus the tail bytes")
        var count: Int
        repeat {
            count = pread(fd, buffer.baseAddress!, wanted, off_t(readOffset) - off_t(back))
        } while count < 0 && errno == EINTR
        if count < 0 { return .failed(errno) }
        if let tail {
            guard count >= back, FileIdentity.fnv1a(UnsafeBufferPointer(start: buffer.baseAddress!, count: back)) == tail.hash else {
                return .rewritten
            }
        }
        let fresh = count - back
        guard fresh > 0 else { return .read(0) }
        splitter.feed(UnsafeBufferPointer(start: buffer.baseAddress! + back, count: fresh)) { line in
            queue(line)
        }
        // The new tail: the last bytes of what this pread returned, which end at the new offset.
        let length = min(tailBytes, count)
        tail = (length, FileIdentity.fnv1a(UnsafeBufferPointer(start: buffer.baseAddress! + count - length, count: length)))
        lastSize = max(lastSize, readOffset)
        return .read(fresh)
    }

    /// Whether the bytes before ``readOffset`` are still those read there (true when none were read).
    func tailMatches() -> Bool {
        guard let tail else { return true }
        return FileIdentity.hashRange(fd: fd, offset: readOffset - UInt64(tail.length), length: tail.length) == tail.hash
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
