/// More traffic for a while from one way in: a marketing push at the entry, a batch job catching up.
/// Harmless for a healthy system; it is what exposes a fragile one.
public struct Surge: Sendable, Hashable {
    /// Index into ``Topology/sources``; `nil`: the entry's users.
    public var source: Int?
    /// Seconds after the scenario start.
    public var startSecond: Double
    public var durationSeconds: Double
    /// Multiplies the source's rate (ramping up and down over a few seconds).
    public var factor: Double

    /// A surge of `factor` times the traffic of `source` (`nil`: the entry).
    public init(source: Int? = nil, startSecond: Double, durationSeconds: Double, factor: Double) {
        self.source = source
        self.startSecond = startSecond
        self.durationSeconds = durationSeconds
        self.factor = factor
    }

    /// The multiplier at `second`: 1 outside, `factor` inside, with 5 s linear ramps.
    public func factor(atSecond second: Double) -> Double {
        guard second >= startSecond, second < startSecond + durationSeconds else { return 1 }
        let ramp = min(1, (second - startSecond) / 5, (startSecond + durationSeconds - second) / 5)
        return 1 + (factor - 1) * max(0, ramp)
    }
}
