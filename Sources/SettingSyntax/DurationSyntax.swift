/// Lengths of time as operators write them, the same in flags, YAML and environment variables:
/// `250ms`, `30s`, `10m`, `2h`, `7d`, or a sum such as `1h30m` (Prometheus' and Go's way).
///
/// A bare number keeps the unit the setting always had (`retry.base_ms: 200` is 200 ms,
/// `--retention-interval 10` ten minutes), so existing configurations keep working.
public enum DurationSyntax {
    /// The unit a bare number is read in.
    public enum BareUnit: Sendable {
        case milliseconds, seconds, minutes
        /// No bare numbers: a unit must be written (`0` is still zero).
        case none

        var seconds: Double? {
            switch self {
            case .milliseconds: 0.001
            case .seconds: 1
            case .minutes: 60
            case .none: nil
            }
        }
    }

    /// The longest length accepted: 100 years, so that microseconds of it always fit in 64 bits.
    public static let maxSeconds: Double = 100 * 366 * 86_400

    /// What to write, for error messages.
    public static let examples = "250ms, 30s, 10m, 2h, 7d or 1h30m"

    /// Seconds in `text`, or `nil` when it is not a non-negative length of at most ``maxSeconds``.
    public static func seconds(_ text: String, bare: BareUnit) -> Double? {
        let text = text.trimmingWhitespace()
        guard !text.isEmpty else { return nil }
        if let number = Double(text.replacingUnderscores()), number.isFinite {
            guard number >= 0 else { return nil }
            if number == 0 { return 0 }
            guard let unit = bare.seconds else { return nil }
            return bounded(number * unit)
        }
        var total = 0.0
        var rest = Substring(text)
        while !rest.isEmpty {
            let digits = rest.prefix { $0.isNumber || $0 == "." || $0 == "_" }
            guard !digits.isEmpty, let amount = Double(String(digits).replacingUnderscores()) else { return nil }
            rest = rest.dropFirst(digits.count)
            let unitText = rest.prefix { $0.isLetter || $0 == "µ" }
            guard let unit = unitSeconds[unitText.lowercased()] else { return nil }
            rest = rest.dropFirst(unitText.count)
            total += amount * unit
        }
        return bounded(total)
    }

    /// `seconds` as a `Duration` (whole microseconds).
    public static func duration(_ text: String, bare: BareUnit) -> Duration? {
        seconds(text, bare: bare).map { .microseconds(Int64(($0 * 1e6).rounded())) }
    }

    private static func bounded(_ seconds: Double) -> Double? {
        seconds.isFinite && seconds >= 0 && seconds <= maxSeconds ? seconds : nil
    }

    private static let unitSeconds: [String: Double] = [
        "us": 1e-6, "µs": 1e-6, "ms": 1e-3, "s": 1, "m": 60, "h": 3600, "d": 86_400, "w": 604_800,
    ]
}

extension String {
    func trimmingWhitespace() -> String {
        var slice = Substring(self)
        while slice.first?.isWhitespace == true { slice = slice.dropFirst() }
        while slice.last?.isWhitespace == true { slice = slice.dropLast() }
        return String(slice)
    }

    /// `10_000` reads as `10000`, as YAML 1.1 and Swift write it.
    func replacingUnderscores() -> String { filter { $0 != "_" } }
}
