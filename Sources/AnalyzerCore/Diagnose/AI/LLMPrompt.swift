/// The messages of one AI diagnosis request, redacted and fitted to the token budget.
public struct LLMPrompt: Sendable, Hashable {
    /// System message first, then the user message holding the data block.
    public var messages: [ChatMessage]
    /// Data lines (spans, error lines, templates, evidence) that did not fit the budget.
    public var omittedLines: Int
    /// Data lines sent.
    public var includedLines: Int

    /// A prompt of `messages`, with the line counts the builder reports.
    public init(messages: [ChatMessage], omittedLines: Int, includedLines: Int) {
        self.messages = messages
        self.omittedLines = omittedLines
        self.includedLines = includedLines
    }

    /// The prompt's size in tokens, estimated as UTF-8 bytes / 4 (the budget's own measure).
    public var estimatedTokens: Int {
        (messages.reduce(0) { $0 + $1.content.utf8.count } + 3) / 4
    }
}
