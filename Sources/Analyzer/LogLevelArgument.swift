import ArgumentParser
import Logging

/// `--log-level`: one of swift-log's levels by name, as the shipper's `log_level` setting takes them.
struct LogLevelArgument: ExpressibleByArgument, Sendable {
    /// The level.
    var level: Logger.Level

    init(_ level: Logger.Level) {
        self.level = level
    }

    init?(argument: String) {
        guard let level = Logger.Level(rawValue: argument.lowercased()) else { return nil }
        self.level = level
    }

    var defaultValueDescription: String { level.rawValue }

    static var allValueStrings: [String] { Logger.Level.allCases.map(\.rawValue) }
}
