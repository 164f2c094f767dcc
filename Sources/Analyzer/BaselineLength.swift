import ArgumentParser
import SettingSyntax

/// `--baseline 10m`: how much normal traffic before a change to compare it with.
struct BaselineLength: ExpressibleByArgument, CustomStringConvertible {
    let seconds: Double
    let description: String

    init?(argument: String) {
        guard let seconds = DurationSyntax.seconds(argument, bare: .none), seconds >= 10 else { return nil }
        self.seconds = seconds
        description = argument
    }
}
