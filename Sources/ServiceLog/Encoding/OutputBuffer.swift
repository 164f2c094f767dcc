#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A growable byte buffer that JSON lines are encoded into.
///
/// Non-copyable so that ownership is explicit: exactly one owner (the line writer's pending buffer, or a
/// local scratch buffer) may touch the bytes. Appends check capacity once per call, not once per byte,
/// which is what makes encoding cheap.
public struct OutputBuffer: ~Copyable {
    var base: UnsafeMutablePointer<UInt8>
    var count: Int
    var capacity: Int

    /// Creates an empty buffer with room for `capacity` bytes.
    public init(capacity: Int = 4096) {
        self.capacity = max(capacity, 64)
        self.base = .allocate(capacity: self.capacity)
        self.count = 0
    }

    deinit { base.deallocate() }

    /// Number of bytes written.
    public var byteCount: Int { count }

    /// Whether nothing has been written.
    public var isEmpty: Bool { count == 0 }

    /// Makes room for `extra` more bytes.
    @inline(__always)
    public mutating func reserve(_ extra: Int) {
        if count &+ extra > capacity { grow(minimum: count + extra) }
    }


    mutating func grow(minimum: Int) {
        var newCapacity = capacity * 2
        while newCapacity < minimum { newCapacity *= 2 }
        let newBase = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
        newBase.update(from: base, count: count)
        base.deallocate()
        base = newBase
        capacity = newCapacity
    }

    /// Appends one byte.
    @inline(__always)
    public mutating func append(_ byte: UInt8) {
        reserve(1)
        base[count] = byte
        count &+= 1
    }

    /// Appends raw bytes.
    @inline(__always)
    public mutating func append(_ bytes: UnsafeRawBufferPointer) {
        guard bytes.count > 0 else { return }
        reserve(bytes.count)
        UnsafeMutableRawPointer(base + count).copyMemory(from: bytes.baseAddress!, byteCount: bytes.count)
        count &+= bytes.count
    }

    /// Appends a static ASCII string such as a field name with its quotes and colon.
    @inline(__always)
    public mutating func append(ascii text: StaticString) {
        append(UnsafeRawBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    /// Appends an unsigned pointer range written by `body`, which receives space for exactly `count` bytes.
    @inline(__always)
    public mutating func appendUnsafe(count extra: Int, _ body: (UnsafeMutablePointer<UInt8>) -> Void) {
        reserve(extra)
        body(base + count)
        count &+= extra
    }

    /// Drops the last `n` bytes (used to undo a partly written line).
    public mutating func truncate(to newCount: Int) {
        precondition(newCount >= 0 && newCount <= count)
        count = newCount
    }

    /// Forgets the contents; shrinks back if a huge line made the buffer grow past `keepingAtMost` bytes.
    public mutating func removeAll(keepingAtMost limit: Int = 1 << 20) {
        count = 0
        if capacity > limit {
            base.deallocate()
            capacity = limit
            base = .allocate(capacity: capacity)
        }
    }

    /// Exchanges contents with another buffer in O(1) (double buffering between producers and the writer).
    public mutating func swapContents(with other: inout OutputBuffer) {
        (base, other.base) = (other.base, base)
        (count, other.count) = (other.count, count)
        (capacity, other.capacity) = (other.capacity, capacity)
    }

    /// Calls `body` with the written bytes.
    public func withBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try body(UnsafeRawBufferPointer(start: base, count: count))
    }

    /// The written bytes as an array (tests, cold paths).
    public var bytes: [UInt8] { withBytes { Array($0) } }

    /// The written bytes as a string (tests, cold paths).
    public var string: String { withBytes { String(decoding: $0, as: UTF8.self) } }
}

// Sound because the buffer is non-copyable: it uniquely owns its allocation, so handing it to another
// thread moves ownership; two threads can never hold the same storage.
extension OutputBuffer: @unchecked Sendable {}
