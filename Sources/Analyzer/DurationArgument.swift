/// A length of time as written on the command line: `90s`, `15m`, `2h`, `7d`.
enum DurationArgument {
    /// Seconds in `text`, or `nil` when it is not a non-negative number followed by s, m, h or d.
    static func seconds(_ text: String) -> Double? {
        guard let unit = text.last, let amount = Double(text.dropLast()), amount >= 0 else { return nil }
        switch unit {
        case "s": return amount
        case "m": return amount * 60
        case "h": return amount * 3600
        case "d": return amount * 86_400
        default: return nil
        }
    }
}
