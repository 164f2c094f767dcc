import ArgumentParser
import Foundation
import SettingSyntax
import Yams

/// Settings from a YAML file and `ANALYZER_*` variables, turned into the flags they stand for and
/// handed to ArgumentParser with the command line's own, so that parsing, range checks and `--help`
/// stay in one place. Precedence: flags > environment > file > defaults.
struct ConfigurationLayers {
    /// Where a setting's value came from, for messages.
    enum Source: Sendable, Equatable, CustomStringConvertible {
        case file(String), environment(String)

        var description: String {
            switch self {
            case .file(let path): path
            case .environment(let name): name
            }
        }
    }

    /// A setting applied as a flag.
    struct Applied: Sendable {
        var name: String
        var arguments: [String]
        var source: Source
    }

    /// The subcommands whose options the file and environment may set.
    static let configurable: [any ParsableCommand.Type] = [
        Serve.self, Ingest.self, Incidents.self, Explain.self, Diagnose.self, Trace.self, Services.self,
    ]

    /// Every option name some configurable subcommand has, for "unknown key" and suggestions.
    static let knownNames: Set<String> = Set(configurable.flatMap { CommandOptions($0).options.keys })

    /// The file's settings by key (dashes, as the flags are written), or problems.
    static func readFile(_ path: String) -> (settings: [String: Any], problems: [SettingProblem]) {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            let exists = FileManager.default.fileExists(atPath: path)
            return ([:], [SettingProblem(
                key: nil, origin: path, message: exists ? "cannot read the file" : "no such file",
                fix: exists ? "check its permissions and that it is UTF-8 text" : "check the path (relative paths start from \(FileManager.default.currentDirectoryPath))")])
        }
        let loaded: Any?
        do {
            loaded = try Yams.load(yaml: text)
        } catch {
            return ([:], [SettingProblem(key: nil, origin: path, message: "not valid YAML: \(error)", fix: "check the indentation and quoting near that line")])
        }
        guard let loaded else { return ([:], []) }
        guard let mapping = loaded as? [String: Any] else {
            return ([:], [SettingProblem(key: nil, origin: path, message: "expected a mapping of settings", fix: "write one 'flag-name: value' per line, e.g. store: /var/lib/analyzer/events.sqlite")])
        }
        var settings: [String: Any] = [:]
        var problems: [SettingProblem] = []
        for (key, value) in mapping.sorted(by: { $0.key < $1.key }) {
            let name = key.replacingOccurrences(of: "_", with: "-")
            guard knownNames.contains(name) else {
                problems.append(SettingProblem(key: key, origin: path, message: "unknown key", fix: suggestion(for: name).map { "did you mean '\($0)'?" } ?? "keys are the flags of `analyzer serve --help` (and of the other subcommands) without the dashes"))
                continue
            }
            settings[name] = value
        }
        return (settings, problems)
    }

    /// The flags the file and environment add for `command`: only for options the command line did not
    /// set itself, and only those the command has.
    static func arguments(
        for command: any ParsableCommand.Type, commandLine: [String], environment: [String: String]
    ) -> (applied: [Applied], problems: [SettingProblem]) {
        let options = CommandOptions(command).options
        let given = givenNames(commandLine)
        var applied: [Applied] = []
        var problems: [SettingProblem] = []
        var file: [String: Any] = [:]
        if let path = configPath(commandLine, environment: environment) {
            let read = readFile(path)
            problems += read.problems
            file = read.settings
            for (name, value) in file.sorted(by: { $0.key < $1.key }) where options[name] != nil && !given.contains(name) {
                let variable = CommandOptions.environmentVariable(name)
                if let text = environment[variable], !text.isEmpty { continue }
                do {
                    applied.append(Applied(name: name, arguments: try flags(options[name]!, yaml: value), source: .file(path)))
                } catch {
                    problems.append(SettingProblem(key: name, origin: path, message: error.message, fix: error.fix))
                }
            }
        }
        for (name, option) in options.sorted(by: { $0.key < $1.key }) where !given.contains(name) {
            let variable = CommandOptions.environmentVariable(name)
            guard let text = environment[variable], !text.isEmpty else { continue }
            do {
                applied.append(Applied(name: name, arguments: try flags(option, text: text), source: .environment(variable)))
            } catch {
                problems.append(SettingProblem(key: nil, origin: variable, message: error.message, fix: error.fix))
            }
        }
        return (applied, problems)
    }

    /// Arguments a subcommand cannot parse without, so that its settings can be checked on their own.
    static let placeholders: [String: [String]] = [
        "ingest": ["-"], "trace": ["request-id"], "diagnose": ["request-id"], "explain": ["--at", "1m"],
    ]

    /// Each applied setting parsed on its own by `command`, so that a bad value is reported with the
    /// file or variable it came from rather than as a flag the user never typed.
    static func check(_ applied: [Applied], for command: any ParsableCommand.Type) -> [SettingProblem] {
        var problems: [SettingProblem] = []
        for setting in applied {
            var placeholder = placeholders[command._commandName] ?? []
            if setting.name == "at" { placeholder = [] }
            do {
                _ = try command.parse(setting.arguments + placeholder)
            } catch {
                var message = command.message(for: error)
                // Checks across settings (a token for 0.0.0.0, a store's directory) are the whole
                // parse's to report; here only a value that is not of its flag's kind.
                guard message.contains("is invalid for") else { continue }
                if message.hasSuffix(".") { message.removeLast() }
                problems.append(SettingProblem(
                    key: setting.name, origin: setting.source.description, message: message,
                    fix: "write it as `analyzer \(command._commandName) --help` shows (durations 30s, 10m; sizes 16MiB)"))
            }
        }
        return problems
    }

    /// `--config PATH` or `--config=PATH` on the command line, else `ANALYZER_CONFIG`.
    static func configPath(_ commandLine: [String], environment: [String: String]) -> String? {
        for (index, argument) in commandLine.enumerated() {
            if argument == "--" { break }
            if argument == "--config", index + 1 < commandLine.count { return commandLine[index + 1] }
            if argument.hasPrefix("--config=") { return String(argument.dropFirst("--config=".count)) }
        }
        return environment["ANALYZER_CONFIG"].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// Long names set on the command line (`--name`, `--name=value`, `--no-name`).
    static func givenNames(_ commandLine: [String]) -> Set<String> {
        var names: Set<String> = []
        for argument in commandLine {
            if argument == "--" { break }
            guard argument.hasPrefix("--") else { continue }
            let name = String(argument.dropFirst(2).prefix { $0 != "=" })
            names.insert(name)
            if name.hasPrefix("no-") { names.insert(String(name.dropFirst(3))) }
        }
        return names
    }

    struct ValueError: Error {
        var message: String
        var fix: String
    }

    private static func flags(_ option: CommandOptions.Option, yaml value: Any) throws(ValueError) -> [String] {
        if option.isFlag {
            guard let on = value as? Bool else { throw ValueError(message: "expected true or false", fix: "write \(option.name): true") }
            return try flags(option, text: on ? "true" : "false")
        }
        if let items = value as? [Any] {
            guard option.isRepeating else { throw ValueError(message: "expected a single value", fix: "write \(option.name): VALUE") }
            return items.flatMap { ["--\(option.name)", "\($0)"] }
        }
        guard !(value is [String: Any]) else { throw ValueError(message: "expected a value, not a mapping", fix: "write \(option.name): VALUE") }
        return ["--\(option.name)", "\(value)"]
    }

    private static func flags(_ option: CommandOptions.Option, text: String) throws(ValueError) -> [String] {
        if option.isFlag {
            switch text.lowercased() {
            case "true", "yes", "on", "1": return ["--\(option.name)"]
            case "false", "no", "off", "0":
                return option.inversion.map { ["--\($0)"] } ?? []
            default: throw ValueError(message: "'\(text)' is not a boolean", fix: "write true or false")
            }
        }
        guard option.isRepeating else { return ["--\(option.name)", text] }
        return text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }.flatMap { ["--\(option.name)", $0] }
    }

    /// The known name closest to `name`.
    static func suggestion(for name: String) -> String? {
        KeySuggestion.closest(to: name, among: knownNames.sorted())
    }
}
