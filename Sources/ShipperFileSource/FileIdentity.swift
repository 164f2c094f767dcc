import Glibc
import ServiceLog
import ShipperCore

/// Who a file is, independent of its name: device, inode and a hash of its first bytes.
///
/// Device and inode follow a file through renames; the fingerprint tells a reused inode (same number,
/// other content) and a file truncated and rewritten in place from the file that was read before.
struct FileIdentity: Hashable, Sendable {
    /// Device and inode.
    var key: FileKey
    /// How many leading bytes were hashed: `min(fingerprintBytes, size at first sight)`, at least 1.
    var fingerprintLength: Int
    /// FNV-1a (64-bit) of those bytes.
    var fingerprintHash: UInt64

    init(key: FileKey, fingerprintLength: Int, fingerprintHash: UInt64) {
        self.key = key
        self.fingerprintLength = fingerprintLength
        self.fingerprintHash = fingerprintHash
    }

    /// Parses `file:<dev>:<ino>:<n>:<hash hex>`; `nil` for the journal or anything else.
    init?(streamID: StreamID) {
        let parts = streamID.rawValue.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 5, parts[0] == "file",
            let device = UInt64(parts[1]), let inode = UInt64(parts[2]),
            let length = Int(parts[3]), length >= 1,
            let hash = UInt64(parts[4], radix: 16)
        else { return nil }
        self.init(key: FileKey(device: device, inode: inode), fingerprintLength: length, fingerprintHash: hash)
    }

    /// The stable spelling `file:<dev>:<ino>:<n>:<16 hex digits>`; part of derived event IDs.
    var streamID: StreamID {
        let hex = String(fingerprintHash, radix: 16)
        let padded = String(repeating: "0", count: 16 - hex.count) + hex
        return StreamID("file:\(key.device):\(key.inode):\(fingerprintLength):\(padded)")
    }

    /// Reads the first `min(fingerprintBytes, size)` bytes of the open file; `nil` when the file is
    /// empty (not a stream yet) or cannot be read.
    static func read(fd: Int32, key: FileKey, size: UInt64, fingerprintBytes: Int) -> FileIdentity? {
        let length = Int(min(UInt64(fingerprintBytes), size))
        guard length >= 1, let hash = hashPrefix(fd: fd, length: length) else { return nil }
        return FileIdentity(key: key, fingerprintLength: length, fingerprintHash: hash)
    }

    /// Whether the open file with `key` still starts with the bytes this identity was made from.
    func matches(fd: Int32, key: FileKey) -> Bool {
        key == self.key && Self.hashPrefix(fd: fd, length: fingerprintLength) == fingerprintHash
    }

    /// FNV-1a of the first `length` bytes of `fd`; `nil` when the file is shorter or unreadable.
    static func hashPrefix(fd: Int32, length: Int) -> UInt64? {
        hashRange(fd: fd, offset: 0, length: length)
    }

    /// FNV-1a of the `length` bytes of `fd` at `offset`; `nil` when the file is shorter or unreadable.
    static func hashRange(fd: Int32, offset: UInt64, length: Int) -> UInt64? {
        let bytes = [UInt8](unsafeUninitializedCapacity: length) { buffer, count in
            count = 0
            while count < length {
                let n = pread(fd, buffer.baseAddress! + count, length - count, off_t(offset) + off_t(count))
                if n < 0, errno == EINTR { continue }
                if n <= 0 { break }
                count += n
            }
        }
        guard bytes.count == length else { return nil }
        return bytes.withUnsafeBufferPointer { fnv1a($0) }
    }

    /// 64-bit FNV-1a: stable across runs and platforms, unlike `Hasher`.
    static func fnv1a(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        FNV1a.hash(bytes)
    }
}
