/// The optional AI layer of `analyzer diagnose --ai`: asks an LLM to confirm or correct the built-in
/// diagnosis, and uses its answer only when it passes validation.
///
/// Promises:
/// - ``diagnose(builtin:trace:templates:knownServices:)`` never throws and never returns something worse
///   than the built-in diagnosis: on any failure it returns that diagnosis with `fallbackReason` set.
/// - It takes at most about twice the configured timeout (two attempts), whatever the server does.
/// - Nothing leaves the host unredacted (see ``SecretRedactor``), and the prompt stays within the
///   configured token budget (see ``PromptBuilder``).
/// - An answer naming a service that is not in the data, a kind that is not a ``FaultKind``, or a
///   confidence outside 0...1 is rejected; the model gets one retry with the reason.
public struct AIDiagnoser: Sendable {
    /// `nil` when no LLM is configured: every call then falls back at once.
    public let configuration: LLMConfiguration?
    private let redactor: Result<SecretRedactor, SecretRedactor.InvalidPattern>

    /// - Parameter configuration: usually ``LLMConfiguration/fromEnvironment(_:)``; `nil` disables the layer.
    public init(configuration: LLMConfiguration?) {
        self.configuration = configuration
        redactor = Result { () throws(SecretRedactor.InvalidPattern) in
            try SecretRedactor(
                extraPatterns: configuration?.extraRedactionPatterns ?? [], redactIPAddresses: configuration?.redactIPAddresses ?? true)
        }
    }

    /// The LLM's diagnosis of the request or incident, or `builtin` with the reason it was kept.
    ///
    /// - Parameters:
    ///   - builtin: the built-in engine's diagnosis; its `correlationID` and `evidence` are kept in the result.
    ///   - trace: the request's span tree, when the diagnosis is about one request.
    ///   - templates: error templates with counts (e.g. the incident's `errorTemplates`).
    ///   - knownServices: the services in the data. Answers may name only these (and the services of
    ///     `trace` and of `builtin`, which come from the same data).
    /// - Returns: a diagnosis with `source == .llm` and `fallbackReason == nil` when the answer was
    ///   used; otherwise `builtin` with `source == .builtin` and `fallbackReason` saying why.
    public func diagnose(builtin: Diagnosis, trace: RequestTrace?, templates: [ErrorTemplateCount], knownServices: Set<String>) async -> Diagnosis {
        guard let configuration else {
            return fallback(builtin, "AI unavailable: no LLM configured (set OPENAI_API_KEY or OPENAI_BASE_URL)")
        }
        let redactor: SecretRedactor
        switch self.redactor {
        case .success(let value): redactor = value
        case .failure(let error): return fallback(builtin, "AI unavailable: \(error)")
        }

        var services = knownServices
        services.formUnion(trace?.services ?? [])
        services.insert(builtin.rootCause.service)
        services.formUnion(builtin.affectedServices)
        services = services.filter { !$0.isEmpty }

        let prompt = PromptBuilder(tokenBudget: configuration.tokenBudget, redactor: redactor)
            .build(builtin: builtin, trace: trace, templates: templates, knownServices: services.sorted())
        let client = ChatCompletionsClient(configuration: configuration)
        let validator = AIAnswerValidator(knownServices: services)
        let redact: @Sendable (String) -> String = { redactor.redact($0) }

        var messages = prompt.messages
        var firstRejection: AIAnswerValidator.Rejection?
        // Two attempts at most: the first, and one retry after an invalid answer. Transport failures
        // are not retried: a server that timed out or failed once is likely to again, and a retry
        // would make the tool slower to fall back than the promised ~2x timeout.
        for attempt in 1...2 {
            let content: String
            do {
                content = try await client.complete(messages, redact: redact)
            } catch {
                let what = attempt == 1 ? "AI unavailable" : "AI unavailable on retry (first answer rejected: \(firstRejection?.description ?? "?"))"
                return fallback(builtin, "\(what): \(error)")
            }
            switch validator.validate(content) {
            case .success(let answer):
                return Diagnosis(
                    correlationID: builtin.correlationID, hypothesis: answer.hypothesis, recommendedActions: answer.recommendedActions,
                    confidence: answer.confidence, affectedServices: answer.affectedServices, rootCause: answer.rootCause, source: .llm,
                    evidence: builtin.evidence, fallbackReason: nil)
            case .failure(let rejection):
                guard let first = firstRejection else {
                    firstRejection = rejection
                    let excerpt = String(content.prefix(PromptBuilder.retryAnswerExcerpt))
                    messages.append(ChatMessage(role: .assistant, content: redactor.redact(excerpt)))
                    messages.append(ChatMessage(role: .user, content: PromptBuilder.correction(reason: redactor.redact(rejection.description))))
                    continue
                }
                let reasons = first == rejection ? "\(rejection)" : "\(first); then \(rejection)"
                return fallback(builtin, redactor.redact("AI answer rejected twice: \(reasons)"))
            }
        }
        // Unreachable: the second attempt always returns.
        return fallback(builtin, "AI answer rejected")
    }

    private func fallback(_ builtin: Diagnosis, _ reason: String) -> Diagnosis {
        var diagnosis = builtin
        diagnosis.source = .builtin
        diagnosis.fallbackReason = reason
        return diagnosis
    }
}
