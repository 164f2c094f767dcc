import AnalyzerCore
import ArgumentParser
import SettingSyntax

/// A length of time on the command line: `90s`, `15m`, `12h`, `7d`; `0` for none.
struct RetentionAge: ExpressibleByArgument, CustomStringConvertible {
    let duration: Duration?
    let description: String

    init?(argument: String) {
        description = argument
        guard let seconds = DurationSyntax.seconds(argument, bare: .none) else { return nil }
        duration = seconds == 0 ? nil : .microseconds(Int64((seconds * 1e6).rounded()))
    }
}

/// A size on the command line: `500MB`, `10GiB` (powers of 1024), or bytes; `0` for no limit.
struct StoreSize: ExpressibleByArgument, CustomStringConvertible {
    let bytes: Int?
    let description: String

    init?(argument: String) {
        description = argument
        guard let value = ByteSizeSyntax.bytes(argument) else { return nil }
        bytes = value == 0 ? nil : value
    }
}

/// `analyzer serve`'s retention: how long and how much the store keeps, checked periodically.
struct RetentionOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Delete events older than this (e.g. 12h, 7d; 0 keeps them for ever).", valueName: "age"))
    var retain = RetentionAge(argument: "7d")!

    @Option(help: ArgumentHelp(
        "Delete the oldest events when the store grows past this (e.g. 500MB, 10GB; 0 for no limit).", valueName: "size"))
    var maxStoreSize = StoreSize(argument: "10GB")!

    @Option(help: ArgumentHelp("How often retention runs (e.g. 10m; a bare number is minutes).", valueName: "interval"))
    var retentionInterval = TimeLength<InMinutes>(argument: "10m")!

    func validate() throws {
        _ = try retentionInterval.checked("--retention-interval", atMost: "7d")
    }

    /// The policy, or `nil` when both limits are off.
    var policy: RetentionPolicy? {
        guard retain.duration != nil || maxStoreSize.bytes != nil else { return nil }
        return RetentionPolicy(maxAge: retain.duration, maxBytes: maxStoreSize.bytes)
    }
}
