/// A mistake in the settings, said so that it can be fixed without reading the source:
/// `key (origin): message. Fix: fix.` Both binaries report their settings this way.
public struct SettingProblem: Error, CustomStringConvertible, Sendable {
    /// The key concerned, when there is one.
    public var key: String?
    /// Where the value came from: a file's path, a variable, a flag.
    public var origin: String
    /// What is wrong.
    public var message: String
    /// What to do.
    public var fix: String

    public init(key: String?, origin: String, message: String, fix: String) {
        self.key = key
        self.origin = origin
        self.message = message
        self.fix = fix
    }

    public var description: String {
        let end = fix.hasSuffix("?") || fix.hasSuffix(".") ? "" : "."
        return "\(key.map { "\($0) " } ?? "")(\(origin)): \(message). Fix: \(fix)\(end)"
    }
}
