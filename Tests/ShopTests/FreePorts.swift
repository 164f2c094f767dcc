import ShopKit

/// Loopback ports nothing listens on, so tests never collide with a running demo or each other.
enum FreePorts {
    struct NoneFree: Error {}

    /// A free port chosen by the kernel.
    static func one() throws -> Int {
        guard let port = LoopbackPort.any() else { throw NoneFree() }
        return port
    }

    /// A base port such that every service of `topology` finds its port (base + offset) free.
    static func base(for topology: ShopTopology) throws -> Int {
        for _ in 0..<50 {
            let base = Int.random(in: 20_000...32_000)  // below Linux's ephemeral range
            if topology.services.allSatisfy({ LoopbackPort.isFree(base + $0.portOffset) }) { return base }
        }
        throw NoneFree()
    }
}
