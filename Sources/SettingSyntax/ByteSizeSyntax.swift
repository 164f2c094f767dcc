/// Amounts of bytes as operators write them, the same in flags, YAML and environment variables:
/// `512`, `64KiB`, `10MB`, `1.5GiB`.
///
/// KB, MB, GB and TB count in 1024s like their KiB, MiB, GiB and TiB spellings, as Prometheus' and
/// Docker's flags do: `10MB` is 10 × 2^20 bytes. A bare number is bytes.
public enum ByteSizeSyntax {
    /// The largest amount accepted: 2^62 bytes, so that the conversion to `Int` cannot trap.
    public static let maxBytes: Double = 0x1p62

    /// What to write, for error messages.
    public static let examples = "65536, 64KiB, 10MB or 2GiB"

    /// Bytes in `text`, or `nil` when it is not a non-negative whole amount of at most ``maxBytes``.
    public static func bytes(_ text: String) -> Int? {
        let text = text.trimmingWhitespace().replacingUnderscores()
        let number = text.prefix { $0.isNumber || $0 == "." }
        guard !number.isEmpty, let amount = Double(number) else { return nil }
        let unit = String(text.dropFirst(number.count)).trimmingWhitespace().lowercased()
        guard let factor = factors[unit] else { return nil }
        let bytes = (amount * factor).rounded()
        guard bytes.isFinite, bytes <= maxBytes else { return nil }
        return Int(bytes)
    }

    private static let factors: [String: Double] = [
        "": 1, "b": 1,
        "k": 0x1p10, "kb": 0x1p10, "kib": 0x1p10,
        "m": 0x1p20, "mb": 0x1p20, "mib": 0x1p20,
        "g": 0x1p30, "gb": 0x1p30, "gib": 0x1p30,
        "t": 0x1p40, "tb": 0x1p40, "tib": 0x1p40,
    ]
}
