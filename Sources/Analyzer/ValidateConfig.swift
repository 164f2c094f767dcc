import ArgumentParser
import Foundation

/// `analyzer validate-config`: checks a settings file and the `ANALYZER_*` variables the way each
/// subcommand will read them, and shows where every value comes from.
struct ValidateConfig: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate-config",
        abstract: "Check a settings file and ANALYZER_* variables, and show where each value comes from.",
        discussion: """
            The file is YAML with flag names as keys (dashes or underscores), for example:

              store: /var/lib/analyzer/events.sqlite
              host: 0.0.0.0
              max-body-bytes: 16MiB
              retention-interval: 10m
              alert-alertmanager: [http://alertmanager:9093]

            Each subcommand takes the keys it has (serve: host, port, ...; incidents: max-events, ...) and \
            ignores the rest; a key no subcommand has is an error. ANALYZER_<FLAG> variables set the same \
            (lists comma-separated) and win over the file; flags win over both. Exits 1 on any problem.

            Examples:
              analyzer validate-config /etc/analyzer/analyzer.yaml
              ANALYZER_PORT=8080 analyzer validate-config --config analyzer.yaml
            """)

    @Argument(help: ArgumentHelp("The settings file (default: --config, then $ANALYZER_CONFIG).", valueName: "file"))
    var file: String?

    @OptionGroup var configFile: ConfigFileOption

    func run() throws {
        var environment = ProcessInfo.processInfo.environment
        if let path = file ?? configFile.config { environment["ANALYZER_CONFIG"] = path }
        let path = ConfigurationLayers.configPath([], environment: environment)
        var problems: [String] = []
        var sources: [String: (value: [String], source: String)] = [:]
        for command in ConfigurationLayers.configurable {
            let name = command._commandName
            let (applied, layerProblems) = ConfigurationLayers.arguments(for: command, commandLine: [], environment: environment)
            problems += layerProblems.map(\.description)
            let alone = ConfigurationLayers.check(applied, for: command)
            problems += alone.map(\.description)
            // The rest together, for the checks across settings and ranges.
            let failed = Set(alone.compactMap(\.key))
            let rest = applied.filter { !failed.contains($0.name) }
            let placeholder = rest.contains(where: { $0.name == "at" }) ? [] : ConfigurationLayers.placeholders[name] ?? []
            do {
                _ = try command.parse(rest.flatMap(\.arguments) + placeholder)
            } catch {
                var message = command.message(for: error)
                if message.hasSuffix(".") { message.removeLast() }
                if let setting = rest.first(where: { message.contains("--\($0.name) ") || message.contains("--\($0.name)'") }) {
                    problems.append("\(setting.name) (\(setting.source)): \(message)")
                } else {
                    let origin = Self.once(rest.map(\.source.description)).joined(separator: ", ")
                    problems.append("\(name) (\(origin.isEmpty ? "defaults" : origin)): \(message)")
                }
            }
            for setting in applied { sources[setting.name] = (setting.arguments.filter { !$0.hasPrefix("--") }, setting.source.description) }
        }
        let unique = Self.once(problems)
        guard unique.isEmpty else {
            for problem in unique { print("error: \(problem)") }
            throw ExitCode(1)
        }
        print("ok: \(path.map { "'\($0)' and " } ?? "")the ANALYZER_* variables are valid for every subcommand")
        for (name, setting) in sources.sorted(by: { $0.key < $1.key }) {
            let value = setting.value.isEmpty ? "on" : setting.value.joined(separator: ", ")
            print("  \(name) = \(name == "token" ? "(redacted)" : value)  (\(setting.source))")
        }
        if sources.isEmpty { print("  nothing set: every subcommand runs with its defaults") }
    }

    /// The strings in order, each once.
    private static func once(_ items: [String]) -> [String] {
        var seen: Set<String> = []
        return items.filter { seen.insert($0).inserted }
    }
}
