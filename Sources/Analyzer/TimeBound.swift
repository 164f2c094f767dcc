import ArgumentParser
import SettingSyntax
import ServiceLog

/// A time given on the command line: RFC 3339 (`2026-11-24T10:15:00Z`) or a duration ago (`15m`,
/// `2h`, `1d`, `90s`).
struct TimeBound: ExpressibleByArgument {
    let timestamp: Timestamp

    init?(argument: String) {
        if let absolute = Timestamp(rfc3339: argument) {
            timestamp = absolute
            return
        }
        guard let seconds = DurationSyntax.seconds(argument, bare: .none) else { return nil }
        // Bounded by DurationSyntax (100 years), so the conversion cannot trap.
        timestamp = Timestamp.now().adding(microseconds: -Int64(seconds * 1e6))
    }

    static var defaultValueDescription: String { "RFC 3339 time or duration ago (at most 100 years), e.g. 15m" }
}
