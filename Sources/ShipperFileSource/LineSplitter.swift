import Glibc

/// Cuts a file's bytes into lines, chunk after chunk, with bounded memory.
///
/// A line spanning chunks is kept until its newline arrives, but never more than `maxLineBytes` of it:
/// the rest is only counted, so a 5 GiB line costs `maxLineBytes` of memory.
struct LineSplitter {
    /// One complete line.
    struct Line {
        /// The line without its newline, at most `maxLineBytes` long.
        var bytes: [UInt8]
        /// The full length without the newline.
        var originalLength: Int
        /// File offset of the line's first byte.
        var start: UInt64
        /// File offset just after the newline (or after the last byte, for a flushed partial line).
        var end: UInt64
    }

    let maxLineBytes: Int
    /// File offset where the current (incomplete) line starts.
    private(set) var lineStart: UInt64
    /// Bytes of the current line seen so far, kept or skipped.
    private var lineLength = 0
    /// The kept head of the current line.
    private var kept: [UInt8] = []

    init(maxLineBytes: Int, startingAt offset: UInt64) {
        self.maxLineBytes = maxLineBytes
        self.lineStart = offset
    }

    /// The file offset of the next byte to feed.
    var nextOffset: UInt64 { lineStart + UInt64(lineLength) }
    /// Whether bytes of an unfinished line are held.
    var hasPartialLine: Bool { lineLength > 0 }
    /// Memory held for the unfinished line; never above `maxLineBytes`.
    var bufferedByteCount: Int { kept.count }

    /// Forgets any partial line and continues at `offset`.
    mutating func reset(to offset: UInt64) {
        lineStart = offset
        lineLength = 0
        kept = []
    }

    /// Feeds the bytes that follow ``nextOffset``; calls `emit` for each line completed.
    mutating func feed(_ chunk: UnsafeBufferPointer<UInt8>, emit: (Line) -> Void) {
        guard let base = chunk.baseAddress else { return }
        var index = 0
        while index < chunk.count {
            guard let found = memchr(base + index, 0x0A, chunk.count - index) else {
                append(UnsafeBufferPointer(start: base + index, count: chunk.count - index))
                return
            }
            let newline = UnsafeRawPointer(found) - UnsafeRawPointer(base)
            let segment = UnsafeBufferPointer(start: base + index, count: newline - index)
            let bytes: [UInt8]
            if lineLength == 0 && segment.count <= maxLineBytes {
                bytes = Array(segment)  // the common case: the whole line is in this chunk
                lineLength = segment.count
            } else {
                append(segment)
                bytes = takeKept()
            }
            let end = nextOffset + 1
            emit(Line(bytes: bytes, originalLength: lineLength, start: lineStart, end: end))
            lineStart = end
            lineLength = 0
            index = newline + 1
        }
    }

    /// Returns the partial line as a line of its own (the file is being closed) and forgets it.
    mutating func flush() -> Line? {
        guard lineLength > 0 else { return nil }
        let line = Line(bytes: takeKept(), originalLength: lineLength, start: lineStart, end: nextOffset)
        reset(to: nextOffset)
        return line
    }

    private mutating func append(_ segment: UnsafeBufferPointer<UInt8>) {
        let room = maxLineBytes - kept.count
        if room > 0 {
            kept.append(contentsOf: UnsafeBufferPointer(rebasing: segment.prefix(room)))
        }
        lineLength += segment.count
    }

    /// Hands over the kept bytes, cut before an incomplete UTF-8 sequence when the line was cut.
    private mutating func takeKept() -> [UInt8] {
        var bytes: [UInt8] = []
        swap(&bytes, &kept)
        if lineLength > bytes.count { Self.dropIncompleteTail(&bytes) }
        return bytes
    }

    /// Removes a multi-byte UTF-8 sequence that the cut left unfinished; leaves invalid input alone.
    static func dropIncompleteTail(_ bytes: inout [UInt8]) {
        var index = bytes.count - 1
        var continuations = 0
        while index >= 0, continuations < 3, bytes[index] & 0xC0 == 0x80 {
            index -= 1
            continuations += 1
        }
        guard index >= 0 else { return }
        let lead = bytes[index]
        let needed = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1
        if needed > continuations + 1 { bytes.removeSubrange(index...) }
    }
}
