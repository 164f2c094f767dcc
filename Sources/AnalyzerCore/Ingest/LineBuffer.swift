#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Accumulates bytes as they arrive and hands out complete lines, without ever holding more than one
/// over-long line's limit plus the last appended chunk: a line longer than `maxLineBytes` is skipped
/// (counted, not stored) up to its newline and reported as ``Piece/tooLong(byteCount:)``.
///
/// Lines end with `\n`; a `\r` before it is dropped, so CRLF files read like LF files. Owns its memory:
/// the lines handed out point into it and are valid only during the call that receives them.
struct LineBuffer: ~Copyable {
    /// What ``nextLine(atEndOfInput:_:)`` found.
    enum Piece {
        /// One line without its terminator.
        case line(UnsafeRawBufferPointer)
        /// A line longer than the limit; `byteCount` is its length without `\n`.
        case tooLong(byteCount: Int)
    }

    /// Longer lines are skipped and reported.
    let maxLineBytes: Int
    private var storage: UnsafeMutableRawBufferPointer
    /// First byte not yet handed out.
    private var start = 0
    /// One past the last byte appended.
    private var end = 0
    /// While skipping an over-long line: how many of its bytes were dropped so far.
    private var skipped: Int?

    init(maxLineBytes: Int, initialCapacity: Int = 256 * 1024) {
        self.maxLineBytes = maxLineBytes
        storage = .allocate(byteCount: max(initialCapacity, 16), alignment: 1)
    }

    deinit { storage.deallocate() }

    /// Copies `bytes` in, moving pending bytes to the front or growing when there is no room.
    mutating func append(_ bytes: UnsafeRawBufferPointer) {
        guard !bytes.isEmpty else { return }
        if end + bytes.count > storage.count {
            let pending = end - start
            if pending + bytes.count <= storage.count {
                if pending > 0 { memmove(storage.baseAddress!, storage.baseAddress! + start, pending) }
            } else {
                // Growth is bounded: pending bytes never exceed the limit (see `nextLine`), and callers
                // append bounded chunks.
                let grown = UnsafeMutableRawBufferPointer.allocate(
                    byteCount: max(storage.count * 2, pending + bytes.count), alignment: 1)
                if pending > 0 { memcpy(grown.baseAddress!, storage.baseAddress! + start, pending) }
                storage.deallocate()
                storage = grown
            }
            start = 0
            end = pending
        }
        memcpy(storage.baseAddress! + end, bytes.baseAddress!, bytes.count)
        end += bytes.count
    }

    /// Calls `body` with the next complete line and returns its result, or returns `nil` when no
    /// complete line is buffered. At the end of the input, a last line without `\n` counts as complete.
    mutating func nextLine<R>(atEndOfInput: Bool, _ body: (Piece) throws -> R) rethrows -> R? {
        let base = UnsafeRawPointer(storage.baseAddress!)
        if let newline = memchr(base + start, 0x0A, end - start) {
            let lineEnd = UnsafeRawPointer(newline) - base
            let lineStart = start
            start = lineEnd + 1
            if let dropped = skipped {
                skipped = nil
                return try body(.tooLong(byteCount: dropped + lineEnd - lineStart))
            }
            return try body(piece(from: lineStart, to: lineEnd))
        }
        let pending = end - start
        if atEndOfInput {
            guard pending > 0 || skipped != nil else { return nil }
            let lineStart = start
            start = end
            if let dropped = skipped {
                skipped = nil
                return try body(.tooLong(byteCount: dropped + pending))
            }
            return try body(piece(from: lineStart, to: end))
        }
        // One byte of slack for a `\r` that a `\n` may still follow.
        if pending > maxLineBytes + 1 {
            skipped = (skipped ?? 0) + pending
            start = 0
            end = 0
        }
        return nil
    }

    private func piece(from lineStart: Int, to lineEnd: Int) -> Piece {
        var contentEnd = lineEnd
        if contentEnd > lineStart && storage[contentEnd - 1] == 0x0D { contentEnd -= 1 }
        if contentEnd - lineStart > maxLineBytes { return .tooLong(byteCount: contentEnd - lineStart) }
        return .line(UnsafeRawBufferPointer(rebasing: storage[lineStart..<contentEnd]))
    }
}
