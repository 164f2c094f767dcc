import Gzip
import ServiceLog

/// Decodes one ingest request body as it arrives: counts the bytes on the wire, inflates gzip with a
/// hard output limit, and hands the NDJSON to an ``NDJSONEventReader``.
///
/// Feeding chunk by chunk means the analyzer never holds the compressed body, and holds the inflated
/// text only a line at a time: memory is the decoded events plus one line, and a request over a limit
/// is refused as soon as it crosses it (a gzip bomb is stopped after at most
/// ``IngestLimits/maxDecompressedBytes`` plus one 64 KiB inflate chunk).
///
/// Non-copyable because it owns a zlib stream.
public struct IngestBatchDecoder: ~Copyable {
    /// How the body is encoded, from the `Content-Encoding` header.
    public enum ContentEncoding: Sendable, Hashable {
        /// No encoding: plain NDJSON.
        case identity
        /// gzip, possibly several concatenated members (what logshipper sends).
        case gzip

        /// Parses a `Content-Encoding` value; absent, empty and `identity` mean plain.
        /// - Throws: ``IngestError/unsupportedEncoding(_:)`` for anything else, including stacked
        ///   encodings such as `gzip, gzip`.
        public init(header: String?) throws(IngestError) {
            let value = (header ?? "").lowercased().filter { $0 != " " && $0 != "\t" }
            switch value {
            case "", "identity": self = .identity
            case "gzip", "x-gzip": self = .gzip
            default: throw .unsupportedEncoding(header ?? "")
            }
        }
    }

    /// The limits this decoder enforces.
    public let limits: IngestLimits
    /// Bytes received so far, as sent (compressed, if the body is).
    public private(set) var bodyByteCount = 0
    /// Bytes decoded so far (inflated, if the body is gzip).
    public private(set) var decodedByteCount = 0
    private var gunzip: GzipDecompressor?
    private var reader: NDJSONEventReader
    private let reservation: IngestMemoryBudget.Reservation

    /// Creates a decoder for one body; every decoded byte is reserved in `reservation` first.
    /// - Throws: ``IngestError/unsupportedEncoding(_:)`` when `contentEncoding` is not one we read.
    public init(
        contentEncoding: String?, limits: IngestLimits = IngestLimits(),
        reservation: IngestMemoryBudget.Reservation = .init(nil)
    ) throws(IngestError) {
        self.limits = limits
        self.reservation = reservation
        self.reader = NDJSONEventReader(limits: limits.decodingLimits, maxReportedErrors: limits.maxReportedErrors)
        switch try ContentEncoding(header: contentEncoding) {
        case .identity:
            gunzip = nil
        case .gzip:
            do {
                gunzip = try GzipDecompressor(maxOutputBytes: limits.maxDecompressedBytes)
            } catch {
                throw .decompressorFailed("\(error)")
            }
        }
    }

    /// Decodes the next chunk of the body. `chunk` is only read during the call.
    /// - Throws: ``IngestError`` when a limit is crossed or the gzip data is corrupt; the request must
    ///   then be refused as a whole.
    public mutating func feed(_ chunk: UnsafeRawBufferPointer) throws(IngestError) {
        bodyByteCount += chunk.count
        guard bodyByteCount <= limits.maxBodyBytes else { throw .bodyTooLarge(limit: limits.maxBodyBytes) }
        var budget = Budget(reservation: reservation)
        if gunzip == nil {
            Self.consume(chunk, into: &reader, budget: &budget)
        } else {
            do {
                try Self.inflate(chunk, with: &gunzip!, into: &reader, budget: &budget)
            } catch {
                throw Self.ingestError(error)
            }
        }
        decodedByteCount += budget.decoded
        if budget.exceeded { throw .busy(limit: limits.maxInFlightBytes) }
        if reader.lineCount > limits.maxLines { throw .tooManyLines(limit: limits.maxLines) }
    }

    /// The memory budget as seen by one `feed`: once it refuses, the rest is dropped and the request fails.
    private struct Budget {
        let reservation: IngestMemoryBudget.Reservation
        var decoded = 0
        var exceeded = false
    }

    /// Reserves decoded bytes, then reads them.
    private static func consume(_ bytes: UnsafeRawBufferPointer, into reader: inout NDJSONEventReader, budget: inout Budget) {
        guard !budget.exceeded, budget.reservation.grow(by: bytes.count) else {
            budget.exceeded = true
            return
        }
        budget.decoded += bytes.count
        reader.consume(bytes)
    }

    /// Ends the body and returns what it held.
    /// - Throws: ``IngestError/corruptCompression(_:)`` when the gzip stream stops mid-member.
    public mutating func finish() throws(IngestError) -> IngestBatch {
        do {
            try gunzip?.finish()
        } catch {
            throw Self.ingestError(error)
        }
        reader.finish()
        // The last line may end only here (no trailing newline).
        if reader.lineCount > limits.maxLines { throw .tooManyLines(limit: limits.maxLines) }
        return IngestBatch(
            events: reader.events, invalidCount: reader.invalidCount, invalidLines: reader.invalidLines, errors: reader.errors)
    }

    /// Decodes a body that is already in memory.
    public static func decode(
        _ body: UnsafeRawBufferPointer, contentEncoding: String?, limits: IngestLimits = IngestLimits()
    ) throws(IngestError) -> IngestBatch {
        var decoder = try IngestBatchDecoder(contentEncoding: contentEncoding, limits: limits)
        try decoder.feed(body)
        return try decoder.finish()
    }

    /// A separate function taking both parts `inout`: a closure inside a `mutating` method that used
    /// `self.reader` while `self.gunzip` is being mutated would be an overlapping access to `self`.
    private static func inflate(
        _ chunk: UnsafeRawBufferPointer, with gunzip: inout GzipDecompressor, into reader: inout NDJSONEventReader,
        budget: inout Budget
    ) throws(GzipError) {
        try gunzip.feed(chunk) { consume($0, into: &reader, budget: &budget) }
    }

    /// The ingest refusal for a gzip failure (also used by the OTLP receiver, which inflates whole bodies).
    package static func ingestError(_ error: GzipError) -> IngestError {
        switch error {
        case .tooLarge(let limit): .decompressedTooLarge(limit: limit)
        case .corrupt, .truncated: .corruptCompression("\(error)")
        case .zlib: .decompressorFailed("\(error)")
        }
    }
}
