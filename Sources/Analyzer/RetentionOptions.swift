import AnalyzerCore
import ArgumentParser

/// A length of time on the command line: `90s`, `15m`, `12h`, `7d`; `0` for none.
struct RetentionAge: ExpressibleByArgument, CustomStringConvertible {
    let duration: Duration?
    let description: String

    init?(argument: String) {
        description = argument
        if argument == "0" {
            duration = nil
            return
        }
        guard let seconds = DurationArgument.seconds(argument), seconds > 0 else { return nil }
        duration = .milliseconds(Int64(seconds * 1000))
    }
}

/// A size on the command line: `500MB`, `10GB` (powers of 1024), or bytes; `0` for no limit.
struct StoreSize: ExpressibleByArgument, CustomStringConvertible {
    let bytes: Int?
    let description: String

    init?(argument: String) {
        description = argument
        let upper = argument.uppercased()
        let units: [(String, Int)] = [("GB", 1 << 30), ("MB", 1 << 20), ("KB", 1 << 10), ("B", 1)]
        let (number, factor) = units.first { upper.hasSuffix($0.0) }.map { (String(upper.dropLast($0.0.count)), $0.1) } ?? (upper, 1)
        // At most 2^62 bytes, so the conversion cannot trap.
        guard let value = Double(number), value >= 0, value * Double(factor) <= 0x1p62 else { return nil }
        bytes = value == 0 ? nil : Int(value * Double(factor))
    }
}

/// `analyzer serve`'s retention: how long and how much the store keeps, checked periodically.
struct RetentionOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Delete events older than this (e.g. 12h, 7d; 0 keeps them for ever).", valueName: "age"))
    var retain = RetentionAge(argument: "7d")!

    @Option(help: ArgumentHelp(
        "Delete the oldest events when the store grows past this (e.g. 500MB, 10GB; 0 for no limit).", valueName: "size"))
    var maxStoreSize = StoreSize(argument: "10GB")!

    @Option(help: ArgumentHelp("How often retention runs, in minutes.", valueName: "minutes"))
    var retentionInterval = 10.0

    func validate() throws {
        guard retentionInterval > 0, retentionInterval <= 10_080 else {
            throw ValidationError("--retention-interval must be more than 0 and at most 10080 minutes (a week), not \(retentionInterval)")
        }
    }

    /// The policy, or `nil` when both limits are off.
    var policy: RetentionPolicy? {
        guard retain.duration != nil || maxStoreSize.bytes != nil else { return nil }
        return RetentionPolicy(maxAge: retain.duration, maxBytes: maxStoreSize.bytes)
    }
}
