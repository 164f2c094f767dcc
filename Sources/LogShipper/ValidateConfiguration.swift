import ArgumentParser
import Foundation

/// `logshipper validate`: checks a configuration (file, environment, flags) and explains every mistake.
struct ValidateConfiguration: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check a configuration and explain every mistake with its key and the fix.",
        discussion: """
            Reads the file (and LOGSHIPPER_* variables and flags, as a real start would), reports each \
            problem as 'key (where it came from): what is wrong. Fix: what to do.', and exits 1 if there \
            is any. With no problem it prints the settings that would be used. --keys lists every key.
            """)

    @Argument(help: ArgumentHelp("YAML configuration file (same as --config).", valueName: "config"))
    var file: String?

    @Flag(help: "List every configuration key with its environment variable and default.")
    var keys = false

    @OptionGroup var options: ShipperOptions

    func run() throws {
        if keys {
            for key in SettingKey.all {
                print("\(key.name)  (\(key.kind.rawValue); \(key.environmentVariable); default: \(key.defaultValue ?? "none"))")
                print("    \(key.help)")
            }
            return
        }
        var options = options
        if let file { options.config = file }
        let (settings, problems) = ShipperSettings.resolve(options.rawSettings())
        guard problems.isEmpty else {
            for problem in problems { print("error: \(problem)") }
            throw ExitCode(1)
        }
        print("ok: the configuration is valid")
        if !settings.files.include.isEmpty { print("  files:      \(settings.files.include.joined(separator: ", "))") }
        if settings.journald.enabled {
            print("  journald:   \(settings.journald.matches.isEmpty ? "all entries" : settings.journald.matches.joined(separator: " "))")
        }
        let kind = settings.sink.kind == .otlp ? "OTLP/HTTP logs to " : ""
        print("  sink:       \(kind)\(settings.sink.url)\(settings.sink.token == nil ? "" : " (with token)")")
        print("  state dir:  \(settings.stateDirectory)")
        print("  metrics:    \(settings.metricsListen.map { "\($0.host):\($0.port)" } ?? "off")")
    }
}
