/// An environment variable for the LLM is set but cannot be used.
public struct LLMConfigurationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The variable, e.g. `OPENAI_BASE_URL`.
    public var variable: String
    /// What is wrong with its value.
    public var reason: String

    /// An error about `variable`.
    public init(variable: String, reason: String) {
        self.variable = variable
        self.reason = reason
    }

    /// `OPENAI_BASE_URL: 'foo' is not an http(s) URL`.
    public var description: String { "\(variable): \(reason)" }
}
