import CZlib

/// How a record sits in a segment file: `"LSB1"`, payload length and CRC-32 (both UInt32 little
/// endian), then the payload. The checksum is what lets a restart tell a torn or damaged tail from
/// good data.
enum SpoolFraming {
    static let magic: [UInt8] = Array("LSB1".utf8)
    static let headerBytes = 12

    static func frame(_ payload: [UInt8]) -> [UInt8] {
        var record = magic
        record.reserveCapacity(headerBytes + payload.count)
        record.appendLittleEndian(UInt32(payload.count))
        record.appendLittleEndian(checksum(payload[...]))
        record.append(contentsOf: payload)
        return record
    }

    static func checksum(_ bytes: ArraySlice<UInt8>) -> UInt32 {
        bytes.withUnsafeBytes { raw in
            UInt32(crc32(0, raw.bindMemory(to: Bytef.self).baseAddress, uInt(raw.count)))
        }
    }

    /// What is at `offset` in a segment.
    enum Scan {
        /// A whole, intact record whose payload is `payload`, ending at `end`.
        case record(payload: ArraySlice<UInt8>, end: Int)
        /// Nothing more: the segment ends exactly here.
        case end
        /// Bytes that are not an intact record (a torn write, damage): why.
        case damaged(String)
    }

    /// Reads the record at `offset` of `bytes` (a whole segment file).
    static func scan(_ bytes: [UInt8], at offset: Int) -> Scan {
        if offset == bytes.count { return .end }
        guard bytes.count - offset >= headerBytes else { return .damaged("a record header cut short") }
        guard Array(bytes[offset..<(offset + 4)]) == magic else { return .damaged("no record marker") }
        let length = Int(bytes.readLittleEndianUInt32(at: offset + 4))
        let expected = bytes.readLittleEndianUInt32(at: offset + 8)
        let start = offset + headerBytes
        guard length <= bytes.count - start else { return .damaged("a record cut short (torn write)") }
        let payload = bytes[start..<(start + length)]
        guard checksum(payload) == expected else { return .damaged("a record whose checksum does not match") }
        return .record(payload: payload, end: start + length)
    }
}
