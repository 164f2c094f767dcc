import ArgumentParser
import Foundation

/// The options a subcommand declares, read from ArgumentParser's own description of the command, so
/// that every flag can come from the environment or a file without a second list to keep in step.
struct CommandOptions: Sendable {
    /// One option or flag, by its long name.
    struct Option: Sendable, Hashable {
        var name: String
        /// A flag takes no value: `true` adds it, `false` adds its `--no-` form when it has one.
        var isFlag: Bool
        var isRepeating: Bool
        var inversion: String?
    }

    var options: [String: Option]

    /// Names that belong to the command line alone.
    static let commandLineOnly: Set<String> = ["help", "version", "config", "experimental-dump-help"]

    init(_ command: any ParsableCommand.Type) {
        var options: [String: Option] = [:]
        // `_dumpHelp` is ArgumentParser's public (if underscored) serialisation of `--experimental-dump-help`.
        let json = (try? JSONSerialization.jsonObject(with: Data(command._dumpHelp().utf8))) as? [String: Any]
        let arguments = ((json?["command"] as? [String: Any])?["arguments"] as? [[String: Any]]) ?? []
        for argument in arguments {
            let kind = argument["kind"] as? String
            guard kind == "option" || kind == "flag" else { continue }
            let names = ((argument["names"] as? [[String: Any]]) ?? []).filter { $0["kind"] as? String == "long" }.compactMap { $0["name"] as? String }
            guard let name = (argument["preferredName"] as? [String: Any])?["name"] as? String ?? names.first,
                !Self.commandLineOnly.contains(name)
            else { continue }
            let inversion = names.first { $0 == "no-" + name }
            let primary = inversion == nil ? name : names.first { $0 != inversion } ?? name
            options[primary] = Option(name: primary, isFlag: kind == "flag", isRepeating: argument["isRepeating"] as? Bool ?? false, inversion: inversion)
        }
        self.options = options
    }

    /// `ANALYZER_MAX_BODY_BYTES` for `max-body-bytes`.
    static func environmentVariable(_ name: String) -> String {
        "ANALYZER_" + name.uppercased().replacingOccurrences(of: "-", with: "_")
    }
}
