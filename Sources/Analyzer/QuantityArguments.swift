import ArgumentParser
import SettingSyntax

/// The unit a bare number means for one flag, so `--retention-interval 10` keeps meaning ten minutes
/// while `--retention-interval 30s` also works.
protocol BareTimeUnit: Sendable {
    static var unit: DurationSyntax.BareUnit { get }
    static var name: String { get }
}

/// Bare numbers are seconds.
enum InSeconds: BareTimeUnit {
    static let unit = DurationSyntax.BareUnit.seconds
    static let name = "seconds"
}

/// Bare numbers are minutes.
enum InMinutes: BareTimeUnit {
    static let unit = DurationSyntax.BareUnit.minutes
    static let name = "minutes"
}

/// A length of time on the command line or in the configuration: `30s`, `10m`, `1h30m`, or a bare
/// number in the flag's own unit.
struct TimeLength<Bare: BareTimeUnit>: ExpressibleByArgument, CustomStringConvertible, Sendable {
    let seconds: Double
    let description: String

    init?(argument: String) {
        guard let seconds = DurationSyntax.seconds(argument, bare: Bare.unit) else { return nil }
        self.seconds = seconds
        description = argument
    }

    var duration: Duration { .microseconds(Int64((seconds * 1e6).rounded())) }

    static var defaultValueDescription: String { "a length such as \(DurationSyntax.examples); a bare number is \(Bare.name)" }

    /// The length, or a `ValidationError` naming `flag` when it is 0 or longer than `limit`.
    func checked(_ flag: String, atMost limit: String) throws -> Duration {
        guard seconds > 0, let most = DurationSyntax.seconds(limit, bare: .none), seconds <= most else {
            throw ValidationError("\(flag) must be more than 0 and at most \(limit), not \(description)")
        }
        return duration
    }
}

/// An amount of bytes on the command line or in the configuration: `16MiB`, `512KB`, or bytes.
struct ByteCount: ExpressibleByArgument, CustomStringConvertible, Sendable {
    let bytes: Int
    let description: String

    init?(argument: String) {
        guard let bytes = ByteSizeSyntax.bytes(argument) else { return nil }
        self.bytes = bytes
        description = argument
    }

    init(_ bytes: Int) {
        self.bytes = bytes
        description = Self.format(bytes)
    }

    static var defaultValueDescription: String { "a size such as \(ByteSizeSyntax.examples); a bare number is bytes" }

    /// The shortest exact spelling: `16MiB` rather than `16777216`.
    static func format(_ bytes: Int) -> String {
        for (suffix, shift) in [("GiB", 30), ("MiB", 20), ("KiB", 10)] where bytes > 0 && bytes % (1 << shift) == 0 {
            return "\(bytes >> shift)\(suffix)"
        }
        return "\(bytes)"
    }
}
