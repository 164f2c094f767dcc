import ServiceLog

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Turns NDJSON bytes, fed in chunks of any size, into canonical events: one line at a time, each line
/// judged on its own so that a bad line never poisons the good ones.
///
/// Lines end with `\n` (a `\r` before it is accepted); blank lines are skipped but still numbered, so
/// `line N` in a reason is the line a text editor shows. Memory is bounded: a line that crosses
/// ``DecodingLimits/maxLineBytes`` is not buffered past the limit, only counted and rejected.
public struct NDJSONEventReader: Sendable {
    /// Per-line limits (length and nesting depth).
    public let limits: DecodingLimits
    /// How many invalid lines get a reason in ``errors`` (all are counted in ``invalidCount``).
    public let maxReportedErrors: Int
    /// Valid events, in line order.
    public private(set) var events: [Event] = []
    /// Number of lines that are not valid canonical events.
    public private(set) var invalidCount = 0
    /// `line N: reason` for the first ``maxReportedErrors`` invalid lines.
    public private(set) var errors: [String] = []
    /// Every invalid line's number.
    public private(set) var invalidLines = LineRanges()
    /// Lines ended so far, blank ones included.
    public private(set) var lineCount = 0

    /// The start of a line that began in an earlier chunk, at most `maxLineBytes + 1` bytes of it
    /// (one more than the limit, so that a line exactly at the limit may still end in `\r`).
    private var partial: [UInt8] = []
    /// The partial line's full length, bytes dropped past the limit included.
    private var partialLength = 0
    /// Whether the partial line ends in `\r` so far (not counted in its length, as for a whole line).
    private var partialEndsInCR = false

    /// Creates a reader applying `limits` to each line.
    public init(limits: DecodingLimits = DecodingLimits(), maxReportedErrors: Int = 100) {
        self.limits = limits
        self.maxReportedErrors = maxReportedErrors
    }

    /// Reads the lines that `bytes` completes; keeps an unfinished last line for the next call.
    /// `bytes` is only read during the call.
    public mutating func consume(_ bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress else { return }
        var start = 0
        while start < bytes.count {
            // memchr: the newline scan runs over every byte of the batch, so let libc vectorise it.
            guard let newline = memchr(base + start, 0x0A, bytes.count - start) else {
                appendPartial(UnsafeRawBufferPointer(rebasing: bytes[start...]))
                return
            }
            let end = UnsafeRawPointer(newline) - base
            let line = UnsafeRawBufferPointer(rebasing: bytes[start..<end])
            if partialLength == 0 {
                // The usual case: the whole line is in this chunk, parse it in place without copying.
                acceptLine(line)
            } else {
                appendPartial(line)
                endPartialLine()
            }
            start = end + 1
        }
    }

    /// Ends the input: a last line without a trailing newline is read like any other.
    public mutating func finish() {
        if partialLength > 0 { endPartialLine() }
    }

    private mutating func appendPartial(_ bytes: UnsafeRawBufferPointer) {
        let room = limits.maxLineBytes + 1 - partial.count
        if room > 0 { partial.append(contentsOf: bytes.prefix(room)) }
        partialLength += bytes.count
        if let last = bytes.last { partialEndsInCR = last == 0x0D }
    }

    private mutating func endPartialLine() {
        if partialLength > partial.count {
            // Bytes were dropped, so the line is at least two bytes over the limit: no need to see it.
            lineCount += 1
            let length = partialLength - (partialEndsInCR ? 1 : 0)
            reject("line is \(length) bytes, over the \(limits.maxLineBytes)-byte limit")
        } else {
            // Move the buffer out while parsing (reading `self.partial` inside a call that mutates `self`
            // would overlap), then back, keeping its capacity for the next long line.
            var line: [UInt8] = []
            swap(&line, &partial)
            line.withUnsafeBytes { acceptLine($0) }
            line.removeAll(keepingCapacity: true)
            partial = line
        }
        partial.removeAll(keepingCapacity: true)
        partialLength = 0
        partialEndsInCR = false
    }

    private mutating func acceptLine(_ line: UnsafeRawBufferPointer) {
        lineCount += 1
        guard line.contains(where: { $0 != 0x20 && $0 != 0x09 && $0 != 0x0D }) else { return }  // blank
        do {
            events.append(try Event(jsonLine: line, limits: limits))
        } catch {
            reject(error.reason)
        }
    }

    private mutating func reject(_ reason: String) {
        invalidCount += 1
        invalidLines.insert(lineCount)
        if errors.count < maxReportedErrors { errors.append("line \(lineCount): \(reason)") }
    }
}
