/// ANSI styling for terminal output, off when the output is not a terminal or `NO_COLOR` is set.
public struct TerminalStyle: Sendable {
    /// Whether escape codes are written.
    public var enabled: Bool

    public init(enabled: Bool) {
        self.enabled = enabled
    }

    public func red(_ text: String) -> String { wrap(text, "31") }
    public func yellow(_ text: String) -> String { wrap(text, "33") }
    public func green(_ text: String) -> String { wrap(text, "32") }
    public func bold(_ text: String) -> String { wrap(text, "1") }
    public func dim(_ text: String) -> String { wrap(text, "2") }

    private func wrap(_ text: String, _ code: String) -> String {
        enabled ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text
    }
}

/// Fixed-width number formatting for tables.
enum Format {
    /// Milliseconds from microseconds, one decimal: `1234.5`.
    static func ms(_ micros: Int64) -> String {
        let tenths = (micros + (micros >= 0 ? 50 : -50)) / 100
        let sign = tenths < 0 ? "-" : ""
        return "\(sign)\(abs(tenths) / 10).\(abs(tenths) % 10)"
    }

    static func pad(_ text: String, _ width: Int, right: Bool = false) -> String {
        let count = text.count
        guard count < width else { return text }
        let padding = String(repeating: " ", count: width - count)
        return right ? padding + text : text + padding
    }

    /// Removes control characters so that log content cannot move the cursor or recolor the terminal.
    static func sanitized(_ text: String, limit: Int = 200) -> String {
        var result = String(text.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7F || (0x80..<0xA0).contains($0.value) ? " " : Character($0) })
        if result.count > limit { result = String(result.prefix(limit)) + "…" }
        return result
    }
}
