import Foundation

/// Where and how the optional AI diagnosis asks an LLM: any server speaking the OpenAI
/// chat-completions protocol (OpenAI, Azure-style gateways, Ollama, vLLM, llama.cpp).
///
/// The API key is never printed: `description` says only whether one is set.
public struct LLMConfiguration: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible {
    /// The API root, e.g. `https://api.openai.com/v1` or `http://127.0.0.1:11434/v1` (Ollama);
    /// requests go to `{baseURL}/chat/completions`.
    public var baseURL: URL
    /// The model name the server expects, e.g. `gpt-4o-mini` or `llama3.1`.
    public var model: String
    /// Sent as `Authorization: Bearer <key>` when set; local servers usually need none.
    public var apiKey: String?
    /// How long one request may take, from sending to the last byte of the answer. The whole
    /// diagnosis takes at most about twice this (one retry after an invalid answer).
    public var timeout: Duration
    /// The most the prompt (system and user messages, including a possible retry) may cost, in tokens
    /// estimated as UTF-8 bytes / 4. Least important trace lines are dropped to stay within it.
    public var tokenBudget: Int
    /// `max_tokens` of the answer; the expected JSON object needs a few hundred.
    public var maxAnswerTokens: Int
    /// Regular expressions (NSRegularExpression syntax) whose matches are replaced by `[REDACTED]`
    /// in everything sent, on top of the built-in rules (e-mails, cards, tokens, keys...).
    public var extraRedactionPatterns: [String]
    /// Whether IPv4 addresses are replaced by `[IP]` before sending. On by default: addresses of
    /// clients are personal data, and the service names usually say enough.
    public var redactIPAddresses: Bool

    /// OpenAI's API root, used when only a key is configured.
    public static let defaultBaseURL = URL(string: "https://api.openai.com/v1")!
    /// The model used when none is configured: small, cheap and good at JSON answers.
    public static let defaultModel = "gpt-4o-mini"

    /// A configuration with OpenAI's defaults for whatever is not given.
    public init(
        baseURL: URL = LLMConfiguration.defaultBaseURL, model: String = LLMConfiguration.defaultModel, apiKey: String? = nil,
        timeout: Duration = .seconds(20), tokenBudget: Int = 6000, maxAnswerTokens: Int = 800,
        extraRedactionPatterns: [String] = [], redactIPAddresses: Bool = true
    ) {
        self.baseURL = baseURL
        self.model = model
        self.apiKey = apiKey
        self.timeout = timeout
        self.tokenBudget = tokenBudget
        self.maxAnswerTokens = maxAnswerTokens
        self.extraRedactionPatterns = extraRedactionPatterns
        self.redactIPAddresses = redactIPAddresses
    }

    /// `{baseURL}/chat/completions`; a base URL that already ends with `/chat/completions` is used as is.
    public var chatCompletionsURL: URL {
        var text = baseURL.absoluteString
        while text.hasSuffix("/") { text.removeLast() }
        if text.hasSuffix("/chat/completions") { return URL(string: text) ?? baseURL }
        return URL(string: text + "/chat/completions") ?? baseURL.appendingPathComponent("chat/completions")
    }

    /// The configuration described by environment variables, or `nil` when no LLM is configured
    /// (neither an API key nor a base URL is set).
    ///
    /// Reads `ANALYZER_LLM_BASE_URL`, `ANALYZER_LLM_API_KEY`, `ANALYZER_LLM_MODEL`, falling back to
    /// `OPENAI_BASE_URL`, `OPENAI_API_KEY`, `OPENAI_MODEL` (so an existing OpenAI setup just works),
    /// plus `ANALYZER_LLM_TIMEOUT` (seconds) and `ANALYZER_LLM_TOKEN_BUDGET`. Empty values count as unset.
    /// - Throws: ``LLMConfigurationError`` naming the variable when a value is set but unusable, so a
    ///   typo is reported instead of silently disabling the AI layer.
    public static func fromEnvironment(_ env: [String: String]) throws(LLMConfigurationError) -> LLMConfiguration? {
        func value(_ names: String...) -> (name: String, value: String)? {
            for name in names {
                if let value = env[name]?.trimmingCharacters(in: .whitespacesAndNewlines), !value.isEmpty { return (name, value) }
            }
            return nil
        }
        let key = value("ANALYZER_LLM_API_KEY", "OPENAI_API_KEY")
        let base = value("ANALYZER_LLM_BASE_URL", "OPENAI_BASE_URL")
        guard key != nil || base != nil else { return nil }

        var configuration = LLMConfiguration(apiKey: key?.value)
        if let base {
            guard let url = URL(string: base.value), let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https",
                  url.host?.isEmpty == false
            else {
                throw LLMConfigurationError(variable: base.name, reason: "'\(base.value)' is not an http(s) URL")
            }
            configuration.baseURL = url
        }
        if let model = value("ANALYZER_LLM_MODEL", "OPENAI_MODEL") { configuration.model = model.value }
        if let timeout = value("ANALYZER_LLM_TIMEOUT") {
            guard let seconds = Double(timeout.value), seconds > 0, seconds <= 600 else {
                throw LLMConfigurationError(variable: timeout.name, reason: "'\(timeout.value)' is not a number of seconds in (0, 600]")
            }
            configuration.timeout = .milliseconds(Int64((seconds * 1000).rounded()))
        }
        if let budget = value("ANALYZER_LLM_TOKEN_BUDGET") {
            guard let tokens = Int(budget.value), tokens >= 1000 else {
                throw LLMConfigurationError(variable: budget.name, reason: "'\(budget.value)' is not a whole number of at least 1000")
            }
            configuration.tokenBudget = tokens
        }
        return configuration
    }

    /// The settings without the API key.
    public var description: String {
        "LLMConfiguration(baseURL: \(baseURL.absoluteString), model: \(model), apiKey: \(apiKey == nil ? "none" : "set"), "
            + "timeout: \(timeout.llmSecondsText), tokenBudget: \(tokenBudget), maxAnswerTokens: \(maxAnswerTokens))"
    }

    /// Same as `description`: a debugger or `String(reflecting:)` must not show the key either.
    public var debugDescription: String { description }
}
