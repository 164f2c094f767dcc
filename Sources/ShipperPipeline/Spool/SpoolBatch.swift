import Foundation
import ShipperCore

/// One batch as the spool keeps it: the wire body plus what is needed to resume and to account for it.
public struct SpoolBatch: Sendable, Hashable {
    /// Events (lines) in the body.
    public var eventCount: Int
    /// `gzip` when `body` is compressed.
    public var contentEncoding: String?
    /// For each stream with a record in the batch, the position after its last record: what the
    /// checkpoint becomes once the batch is acknowledged.
    public var positions: [StreamID: StreamPosition]
    /// The request body (NDJSON, compressed when `contentEncoding` says so).
    public var body: [UInt8]
    /// Uncompressed size of the body, for metrics.
    public var uncompressedBytes: Int

    /// Creates a batch.
    public init(
        eventCount: Int, contentEncoding: String?, positions: [StreamID: StreamPosition], body: [UInt8],
        uncompressedBytes: Int
    ) {
        self.eventCount = eventCount
        self.contentEncoding = contentEncoding
        self.positions = positions
        self.body = body
        self.uncompressedBytes = uncompressedBytes
    }

    /// The batch as a delivery payload.
    public var payload: BatchPayload {
        BatchPayload(body: body, contentEncoding: contentEncoding, eventCount: eventCount)
    }
}

/// The fixed part of a spooled batch, stored as JSON before the body (cold path: once per batch).
struct SpoolBatchHeader: Codable {
    var events: Int
    var encoding: String?
    var positions: [StreamID: StreamPosition]
    var uncompressed: Int
}

extension SpoolBatch {
    /// `[header length: UInt32 LE][header JSON][body]`.
    func serialized() throws -> [UInt8] {
        let header = try JSONEncoder().encode(
            SpoolBatchHeader(events: eventCount, encoding: contentEncoding, positions: positions, uncompressed: uncompressedBytes))
        var bytes: [UInt8] = []
        bytes.reserveCapacity(4 + header.count + body.count)
        bytes.appendLittleEndian(UInt32(header.count))
        bytes.append(contentsOf: header)
        bytes.append(contentsOf: body)
        return bytes
    }

    init(serialized bytes: ArraySlice<UInt8>) throws {
        guard bytes.count >= 4 else { throw SpoolError.corrupt("record shorter than its header length") }
        let headerLength = Int(bytes.readLittleEndianUInt32(at: bytes.startIndex))
        let headerStart = bytes.startIndex + 4
        guard headerLength <= bytes.count - 4 else { throw SpoolError.corrupt("header longer than the record") }
        let header = try JSONDecoder().decode(SpoolBatchHeader.self, from: Data(bytes[headerStart..<(headerStart + headerLength)]))
        self.init(
            eventCount: header.events, contentEncoding: header.encoding, positions: header.positions,
            body: Array(bytes[(headerStart + headerLength)...]), uncompressedBytes: header.uncompressed)
    }
}

extension [UInt8] {
    mutating func appendLittleEndian(_ value: UInt32) {
        append(UInt8(truncatingIfNeeded: value))
        append(UInt8(truncatingIfNeeded: value >> 8))
        append(UInt8(truncatingIfNeeded: value >> 16))
        append(UInt8(truncatingIfNeeded: value >> 24))
    }
}

extension Collection<UInt8> where Index == Int {
    func readLittleEndianUInt32(at index: Int) -> UInt32 {
        UInt32(self[index]) | UInt32(self[index + 1]) << 8 | UInt32(self[index + 2]) << 16 | UInt32(self[index + 3]) << 24
    }
}
