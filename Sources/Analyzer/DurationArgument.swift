/// A length of time as written on the command line: `90s`, `15m`, `2h`, `7d`.
enum DurationArgument {
    /// The longest length accepted: 100 years (so that microseconds of it always fit in 64 bits).
    static let maxSeconds: Double = 100 * 366 * 86_400

    /// Seconds in `text`, or `nil` when it is not a non-negative number followed by s, m, h or d, or is
    /// longer than ``maxSeconds``.
    static func seconds(_ text: String) -> Double? {
        guard let unit = text.last, let amount = Double(text.dropLast()), amount >= 0 else { return nil }
        let seconds: Double
        switch unit {
        case "s": seconds = amount
        case "m": seconds = amount * 60
        case "h": seconds = amount * 3600
        case "d": seconds = amount * 86_400
        default: return nil
        }
        return seconds <= maxSeconds ? seconds : nil
    }
}
