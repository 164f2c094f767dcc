import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Generates correlation and event IDs.
public enum IDGenerator {
    /// A random 64-bit prefix per process plus a counter: unique event IDs without a random draw or an
    /// allocation per event.
    static let processPrefix: UInt64 = UInt64.random(in: 1...UInt64.max)
    static let counter = Atomic<UInt64>(0)

    /// A new correlation ID: 32 random lowercase hex digits in UUID layout (`8-4-4-4-12`).
    public static func correlationID() -> String {
        var generator = SystemRandomNumberGenerator()
        let high = generator.next() as UInt64
        let low = generator.next() as UInt64
        let hex = HexID.string(withUnsafeBytes(of: high.bigEndian) { Array($0) } + withUnsafeBytes(of: low.bigEndian) { Array($0) })
        let u = Array(hex.utf8)
        let parts = [u[0..<8], u[8..<12], u[12..<16], u[16..<20], u[20..<32]].map { String(decoding: $0, as: UTF8.self) }
        return parts.joined(separator: "-")
    }

    /// The next event ID (32 hex digits: process prefix, then counter).
    public static func eventID() -> String {
        var out = OutputBuffer(capacity: 64)
        writeEventID(into: &out)
        return out.withBytes { String(decoding: $0.dropFirst().dropLast(), as: UTF8.self) }
    }

    /// Writes `"<prefix><counter>"` (quoted) straight into `out`.
    @inline(__always)
    public static func writeEventID(into out: inout OutputBuffer) {
        let sequence = nextSequence()
        var words = (prefix.bigEndian, sequence.bigEndian)
        withUnsafeBytes(of: &words) { JSONWriter.writeHex($0, into: &out) }
    }

    static var prefix: UInt64 { processPrefix }


    static func nextSequence() -> UInt64 {
        counter.wrappingAdd(1, ordering: .relaxed).newValue
    }
}
