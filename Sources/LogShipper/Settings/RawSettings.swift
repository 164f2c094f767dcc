import Foundation
import SettingSyntax
import Yams

/// Setting values as found, before they are checked: strings from a YAML file, the environment and
/// flags, each remembering where it came from so that an error can point at it. Later layers win:
/// defaults < file < environment < flags.
struct RawSettings {
    /// One value and its origin (`config.yaml`, `LOGSHIPPER_SINK_URL`, `--to`).
    struct Value {
        enum Content {
            case scalar(String)
            case list([String])
            case map([String: String])
        }

        var content: Content
        var origin: String
    }

    private(set) var values: [String: Value] = [:]
    /// Problems found while reading (unknown keys, a file that is not YAML).
    private(set) var problems: [SettingProblem] = []
    /// Configuration files that could not be read: what they would have set is unknown, so problems
    /// of a missing setting would only repeat this one.
    private(set) var unreadableFiles: [String] = []

    subscript(name: String) -> Value? { values[name] }

    mutating func set(_ name: String, _ content: Value.Content, origin: String) {
        values[name] = Value(content: content, origin: origin)
    }

    /// Appends list items (repeatable flags add to the file's list rather than replace it? No: flags
    /// replace, as users expect `--file x` to mean "this file", so callers use `set`).
    mutating func report(_ problem: SettingProblem) {
        problems.append(problem)
    }

    // MARK: Layers

    /// Reads a YAML configuration file.
    mutating func load(yamlFile path: String) {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            unreadableFiles.append(path)
            if !FileManager.default.fileExists(atPath: path) {
                report(SettingProblem(key: nil, origin: path, message: "no such file", fix: "check the path (relative paths start from \(FileManager.default.currentDirectoryPath))"))
            } else {
                // Foundation's sentences end with a period; the message is followed by ". Fix:".
                var reason = error.localizedDescription
                while reason.hasSuffix(".") { reason.removeLast() }
                report(SettingProblem(key: nil, origin: path, message: "cannot read the file: \(reason)", fix: "check its permissions and that it is UTF-8 text"))
            }
            return
        }
        load(yaml: text, origin: path)
    }

    /// Reads YAML text (a file's content).
    mutating func load(yaml text: String, origin: String) {
        let document: Any?
        do {
            document = try Yams.load(yaml: text)
        } catch {
            report(SettingProblem(key: nil, origin: origin, message: "not valid YAML: \(error)", fix: "fix the syntax at the position shown"))
            return
        }
        guard let document else { return }
        guard let root = document as? [String: Any] else {
            report(SettingProblem(key: nil, origin: origin, message: "the top level must be a mapping of keys", fix: "start with e.g. 'sink:' or 'files:'"))
            return
        }
        flatten(root, prefix: "", origin: origin)
    }

    private mutating func flatten(_ mapping: [String: Any], prefix: String, origin: String) {
        for (key, value) in mapping.sorted(by: { $0.key < $1.key }) {
            let name = prefix.isEmpty ? key : prefix + "." + key
            if let known = SettingKey.byName[name] {
                switch (known.kind, value) {
                case (.list, let items as [Any]):
                    set(name, .list(items.map { "\($0)" }), origin: origin)
                case (.list, let item as String):
                    set(name, .list([item]), origin: origin)
                case (.map, let entries as [String: Any]):
                    set(name, .map(entries.mapValues { "\($0)" }), origin: origin)
                case (.map, _), (.list, _):
                    report(SettingProblem(key: name, origin: origin, message: "expected a \(known.kind.rawValue)", fix: "see `logshipper validate --keys` for the shape"))
                case (_, is [Any]), (_, is [String: Any]):
                    report(SettingProblem(key: name, origin: origin, message: "expected a single \(known.kind.rawValue) value", fix: "write it as '\(known.name.split(separator: ".").last!): VALUE'"))
                case (_, is NSNull):
                    continue
                default:
                    set(name, .scalar("\(value)"), origin: origin)
                }
            } else if let nested = value as? [String: Any], SettingKey.all.contains(where: { $0.name.hasPrefix(name + ".") }) {
                flatten(nested, prefix: name, origin: origin)
            } else {
                let hint = SettingKey.suggestion(for: name).map { "did you mean '\($0)'?" } ?? "run `logshipper validate --keys` for the list"
                report(SettingProblem(key: name, origin: origin, message: "unknown key", fix: hint))
            }
        }
    }

    /// Reads `LOGSHIPPER_*` variables (lists comma-separated, maps `K=V,K2=V2`).
    mutating func load(environment: [String: String]) {
        for key in SettingKey.all {
            guard let text = environment[key.environmentVariable], !text.isEmpty else { continue }
            set(key.name, Self.parse(text, as: key.kind, separator: ","), origin: key.environmentVariable)
        }
    }

    /// Reads `--set key=value` flags.
    mutating func load(assignments: [String], origin: String = "--set") {
        for assignment in assignments {
            guard let equals = assignment.firstIndex(of: "=") else {
                report(SettingProblem(key: nil, origin: origin, message: "'\(assignment)' is not KEY=VALUE", fix: "write e.g. --set batch.max_events=500"))
                continue
            }
            let name = String(assignment[..<equals]).trimmingCharacters(in: .whitespaces)
            let text = String(assignment[assignment.index(after: equals)...])
            guard let key = SettingKey.byName[name] else {
                let hint = SettingKey.suggestion(for: name).map { "did you mean '\($0)'?" } ?? "run `logshipper validate --keys` for the list"
                report(SettingProblem(key: name, origin: origin, message: "unknown key", fix: hint))
                continue
            }
            set(name, Self.parse(text, as: key.kind, separator: ","), origin: "\(origin) \(name)")
        }
    }

    static func parse(_ text: String, as kind: SettingKey.Kind, separator: Character) -> Value.Content {
        switch kind {
        case .list:
            return .list(text.split(separator: separator).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty })
        case .map:
            var entries: [String: String] = [:]
            for pair in text.split(separator: separator) {
                let parts = pair.split(separator: "=", maxSplits: 1)
                if parts.count == 2 { entries[parts[0].trimmingCharacters(in: .whitespaces)] = parts[1].trimmingCharacters(in: .whitespaces) }
            }
            return .map(entries)
        default:
            return .scalar(text)
        }
    }
}
