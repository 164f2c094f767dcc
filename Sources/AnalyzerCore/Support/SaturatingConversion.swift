/// Conversions from `Double` that never trap. Durations, gauges and ratios come from events, and a
/// value no producer should write (`1e300`, a NaN from a division by zero) must give a wrong-looking
/// number on a page, not stop the analyzer: `Int64(x)` traps outside ±9.2e18 and on NaN.
extension Int64 {
    /// `value` rounded toward zero, clamped to `Int64`'s range; NaN is 0.
    @inline(__always)
    public init(saturating value: Double) {
        if value.isNaN {
            self = 0
        } else if value >= 0x1p63 {
            self = .max
        } else if value <= -0x1p63 {
            self = .min
        } else {
            self = Int64(value)
        }
    }

    /// The longest span the analysis works with, in microseconds: 10^18 (about 31,700 years, longer
    /// than the whole range a timestamp can take), so that a timestamp minus a duration, or the
    /// difference of two such points, always fits in 64 bits.
    public static let maxSpanMicroseconds: Int64 = 1_000_000_000_000_000_000

    /// Microseconds in `milliseconds` (a `duration_ms`), clamped to ±``maxSpanMicroseconds``; NaN is 0.
    @inline(__always)
    public init(microsecondsFromMilliseconds milliseconds: Double) {
        let micros = Int64(saturating: milliseconds * 1000)
        self = Swift.min(Swift.max(micros, -Int64.maxSpanMicroseconds), Int64.maxSpanMicroseconds)
    }
}

extension Int {
    /// `value` rounded toward zero, clamped to `Int`'s range; NaN is 0.
    @inline(__always)
    public init(saturating value: Double) {
        self = Int(Int64(saturating: value))
    }
}

extension Int64 {
    /// `self - other`, clamped to `Int64`'s range instead of trapping.
    @inline(__always)
    public func subtractingSaturated(_ other: Int64) -> Int64 {
        let (result, overflow) = subtractingReportingOverflow(other)
        return overflow ? (other < 0 ? .max : .min) : result
    }

    /// `self + other`, clamped to `Int64`'s range instead of trapping.
    @inline(__always)
    public func addingSaturated(_ other: Int64) -> Int64 {
        let (result, overflow) = addingReportingOverflow(other)
        return overflow ? (other > 0 ? .max : .min) : result
    }
}
