#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A small, fast, seedable generator (Steele, Lea and Flood's SplitMix64) with the few distributions the
/// scenario generator needs.
///
/// Written out rather than taken from the standard library because scenarios must be identical across
/// runs, machines and Swift versions: `SystemRandomNumberGenerator` is not seedable, and the exact
/// algorithms behind `Double.random(in:using:)` or `shuffled(using:)` are not part of any contract.
/// Every draw here is defined in this file.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    /// A generator whose whole output is determined by `seed`.
    public init(seed: UInt64) {
        state = seed
    }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        return Self.mix(state)
    }

    /// SplitMix64's finalizer: a bijective scramble, also used to derive independent seeds.
    public static func mix(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A seed for a sub-stream, derived from a parent seed and a path of integers (e.g. kind, index),
    /// so that adding scenarios of one kind never changes those of another.
    public static func derive(_ seed: UInt64, _ path: UInt64...) -> UInt64 {
        var value = mix(seed ^ 0x5851_F42D_4C95_7F2D)
        for step in path { value = mix(value &+ mix(step &+ 0x1405_7B7E_F767_814F)) }
        return value
    }

    // MARK: Distributions

    /// Uniform in [0, 1) with 53 random bits.
    public mutating func unit() -> Double {
        Double(next() >> 11) * 0x1p-53
    }

    /// Uniform in `range`.
    public mutating func uniform(_ range: ClosedRange<Double>) -> Double {
        range.lowerBound + (range.upperBound - range.lowerBound) * unit()
    }

    /// Uniform in `0..<bound` (`bound` > 0), by Lemire's multiply-shift (the tiny bias of skipping
    /// rejection does not matter for simulation).
    public mutating func int(below bound: Int) -> Int {
        precondition(bound > 0, "bound must be positive")
        return Int(next().multipliedFullWidth(by: UInt64(bound)).high)
    }

    /// Uniform in `range`.
    public mutating func int(in range: ClosedRange<Int>) -> Int {
        range.lowerBound + int(below: range.count)
    }

    /// `true` with probability `probability`.
    public mutating func chance(_ probability: Double) -> Bool {
        probability > 0 && unit() < probability
    }

    /// One element of a non-empty array.
    public mutating func pick<T>(_ elements: [T]) -> T {
        elements[int(below: elements.count)]
    }

    /// A standard normal draw (Box–Muller; one of the pair is discarded to keep the state simple).
    public mutating func normal() -> Double {
        let u1 = max(unit(), 0x1p-53)
        let u2 = unit()
        return (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
    }

    /// A log-normal draw with the given median and shape `sigma`: the usual model of service times
    /// (most requests near the median, a long right tail).
    public mutating func logNormal(median: Double, sigma: Double) -> Double {
        median * exp(sigma * normal())
    }

    /// An exponential draw with the given mean (Poisson inter-arrival times).
    public mutating func exponential(mean: Double) -> Double {
        -mean * log(1 - unit())
    }

    /// The elements in a random order (Fisher–Yates).
    public mutating func shuffled<T>(_ elements: [T]) -> [T] {
        var result = elements
        guard result.count > 1 else { return result }
        for index in stride(from: result.count - 1, to: 0, by: -1) {
            result.swapAt(index, int(below: index + 1))
        }
        return result
    }
}
