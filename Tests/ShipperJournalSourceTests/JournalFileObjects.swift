import Foundation

/// A minimal reader of the object layout of a journal file (systemd's `journal-def.h`), enough to find
/// and damage one data object in a fixture: every object starts with a type byte, a flags byte and a
/// little-endian 64-bit size, and objects follow each other 8-byte aligned after the header.
struct JournalFileObjects {
    /// One object in the file.
    struct Object {
        /// Offset of the object in the file.
        var offset: Int
        /// 1 data, 2 field, 3 entry, 4 data hash table, 5 field hash table, 6 entry array, 7 tag.
        var type: UInt8
        /// For data objects: the compression (1 XZ, 2 LZ4, 4 ZSTD), 0 when stored plain.
        var flags: UInt8
        /// Size of the object in bytes, header included.
        var size: Int
    }

    /// The file's bytes.
    var bytes: [UInt8]

    /// Reads the file at `path`.
    init(path: String) throws {
        bytes = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
    }

    private func uint64(at offset: Int) -> Int {
        (0..<8).reduce(0) { $0 | Int(bytes[offset + $1]) << (8 * $1) }
    }

    /// Files with the compact layout (systemd 252's default) have 8 more bytes before a data payload.
    var dataPayloadOffset: Int {
        let incompatibleFlags = (0..<4).reduce(0) { $0 | Int(bytes[12 + $1]) << (8 * $1) }
        return incompatibleFlags & (1 << 4) != 0 ? 72 : 64
    }

    /// Every object, in file order.
    var objects: [Object] {
        let headerSize = uint64(at: 88)
        let arenaSize = uint64(at: 96)
        var result: [Object] = []
        var offset = headerSize
        while offset + 16 <= min(headerSize + arenaSize, bytes.count) {
            let size = uint64(at: offset + 8)
            guard size >= 16 else { break }
            result.append(Object(offset: offset, type: bytes[offset], flags: bytes[offset + 1], size: size))
            offset += (size + 7) & ~7
        }
        return result
    }

    /// The uncompressed data objects whose payload (`FIELD=value`) contains `marker`.
    func dataObjects(containing marker: String) -> [Object] {
        let needle = Array(marker.utf8)
        return objects.filter { object in
            guard object.type == 1, object.flags == 0 else { return false }
            let payload = bytes[(object.offset + dataPayloadOffset)..<(object.offset + object.size)]
            return payload.count >= needle.count
                && (payload.startIndex...(payload.endIndex - needle.count)).contains { payload[$0..<($0 + needle.count)].elementsEqual(needle) }
        }
    }

    /// Writes the bytes back to `path`.
    func write(to path: String) throws {
        try Data(bytes).write(to: URL(fileURLWithPath: path))
    }
}
