/// 64-bit FNV-1a: tiny, fast, and stable across processes, releases and platforms (unlike `Hasher`),
/// for identifiers that must come out the same every time: derived event ids, file fingerprints.
package struct FNV1a: Sendable {
    /// The standard 64-bit offset basis.
    package static let offsetBasis: UInt64 = 0xcbf2_9ce4_8422_2325

    /// The hash of what was added so far.
    @usableFromInline package private(set) var value: UInt64

    /// Starts a hash; a different `seed` gives an independent hash of the same bytes.
    @inlinable package init(seed: UInt64 = FNV1a.offsetBasis) {
        value = seed
    }

    /// Adds one byte.
    @inlinable package mutating func add(_ byte: UInt8) {
        value = (value ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
    }

    /// Adds bytes in order.
    @inlinable package mutating func add(_ bytes: some Sequence<UInt8>) {
        for byte in bytes { add(byte) }
    }

    /// The standard FNV-1a hash of `bytes`.
    @inlinable package static func hash(_ bytes: some Sequence<UInt8>) -> UInt64 {
        var hasher = FNV1a()
        hasher.add(bytes)
        return hasher.value
    }
}
