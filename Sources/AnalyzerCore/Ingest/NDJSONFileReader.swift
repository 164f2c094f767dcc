import ServiceLog

/// Reads canonical events from an NDJSON file, plain or gzip (detected by its magic number, so the
/// name does not matter), or from standard input (`-`), in batches and with bounded memory whatever
/// the file's size.
///
/// Lines are split on `\n` (CRLF accepted, last line without newline accepted) and parsed with
/// ServiceLog's strict parser; blank lines are skipped. A line that is not a valid event (bad JSON,
/// invalid UTF-8, missing fields, over the length limit) is reported with its line number and the
/// reading goes on: one bad line never hides the good ones.
///
/// Not thread-safe: one task reads one file. Reading blocks the calling thread on file I/O.
public final class NDJSONFileReader {
    /// How the reader batches and what it accepts.
    public struct Options: Sendable {
        /// Lines per batch (valid, invalid and blank together), so a batch is bounded even in a file
        /// of garbage.
        public var batchSize: Int
        /// Limits applied to each line; `maxLineBytes` (1 MiB by default) also bounds the reader's
        /// buffer.
        public var limits: DecodingLimits

        /// Creates options; the defaults suit files written by ServiceLog.
        public init(batchSize: Int = 1_000, limits: DecodingLimits = DecodingLimits()) {
            self.batchSize = max(batchSize, 1)
            self.limits = limits
        }
    }

    /// The path as given (`-` for standard input).
    public let path: String
    /// The file's size in bytes, `nil` for standard input or a pipe.
    public let totalBytes: Int?
    /// Lines read so far, blank ones included: the last line number.
    public private(set) var lineCount = 0
    /// Valid events read so far.
    public private(set) var validCount = 0
    /// Invalid lines seen so far.
    public private(set) var invalidCount = 0

    private let options: Options
    private var source: ByteSource
    private var lines: LineBuffer
    private var inputEnded = false
    /// A read error waiting to be thrown once the lines before it have been returned.
    private var failure: NDJSONReadError?

    /// Opens `path` (`-` for standard input). Throws ``NDJSONReadError/cannotOpen(file:reason:)``.
    public init(path: String, options: Options = Options()) throws(NDJSONReadError) {
        self.path = path
        self.options = options
        source = try ByteSource(path: path)
        totalBytes = source.fileSize
        lines = LineBuffer(maxLineBytes: options.limits.maxLineBytes)
    }

    /// The file's raw bytes consumed so far (compressed bytes for gzip): progress against ``totalBytes``.
    public var bytesRead: Int { source.bytesRead }

    /// Whether the input turned out to be gzip (known after the first batch).
    public var isCompressed: Bool { source.isCompressed }

    /// The next batch of up to `batchSize` lines, or `nil` at the end of the input.
    ///
    /// When the input fails (an I/O error, corrupt or truncated gzip), the complete lines read before
    /// the failure are returned first and the next call throws; a partial line cut by the failure is
    /// dropped, not reported as invalid.
    public func nextBatch() throws(NDJSONReadError) -> NDJSONBatch? {
        var batch = NDJSONBatch(firstLineNumber: lineCount + 1)
        while batch.lineCount < options.batchSize {
            let limits = options.limits
            // After a failure, the bytes after the last newline are a line cut short: never hand it out.
            let atEnd = inputEnded && failure == nil
            if let outcome = lines.nextLine(atEndOfInput: atEnd, { Self.parse($0, limits: limits) }) {
                lineCount += 1
                batch.lineCount += 1
                switch outcome {
                case .event(let event):
                    batch.events.append(event)
                    validCount += 1
                case .invalid(let reason):
                    batch.invalidLines.append(InvalidLine(lineNumber: lineCount, reason: reason))
                    invalidCount += 1
                case .blank:
                    break
                }
                continue
            }
            if inputEnded { break }
            do {
                inputEnded = try !source.read(into: &lines)
            } catch {
                failure = error
                inputEnded = true
            }
        }
        if batch.lineCount > 0 { return batch }
        if let failure {
            self.failure = nil
            throw failure
        }
        return nil
    }

    private enum Outcome {
        case event(Event)
        case invalid(String)
        case blank
    }

    private static func parse(_ piece: LineBuffer.Piece, limits: DecodingLimits) -> Outcome {
        switch piece {
        case .tooLong(let byteCount):
            return .invalid("line is \(byteCount) bytes, over the \(limits.maxLineBytes)-byte limit")
        case .line(let bytes):
            if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { return .blank }
            do {
                return .event(try Event(jsonLine: bytes, limits: limits))
            } catch {
                return .invalid(error.reason)
            }
        }
    }
}

/// Consecutive lines of one file: the events among them and the lines that were not events.
public struct NDJSONBatch: Sendable {
    /// The line number of the batch's first line.
    public var firstLineNumber: Int
    /// Lines in the batch, valid, invalid and blank.
    public var lineCount = 0
    /// The valid events, in file order.
    public var events: [Event] = []
    /// The invalid lines, in file order.
    public var invalidLines: [InvalidLine] = []

    /// Creates an empty batch starting at `firstLineNumber`.
    public init(firstLineNumber: Int) {
        self.firstLineNumber = firstLineNumber
    }
}
