import Foundation
import ServiceLog

/// Checks a model's answer against the contract in ``PromptBuilder/systemMessage`` and the data it was
/// given. An answer is used only if every check passes; the reasons are written so they can be sent
/// back to the model as the correction, and shown to the user as the fallback reason.
struct AIAnswerValidator: Sendable {
    /// A checked answer, with service names in the data's spelling.
    struct Answer: Sendable, Hashable {
        var hypothesis: String
        var rootCause: Diagnosis.RootCause
        var recommendedActions: [String]
        var confidence: Double
        var affectedServices: [String]
    }

    /// Why an answer was not used.
    struct Rejection: Error, Sendable, Hashable, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }

    /// Service names that exist in the data; any other name in an answer is a hallucination.
    var knownServices: Set<String>

    /// Longest accepted hypothesis (the prompt asks for 600 characters; some slack for verbose models).
    static let maxHypothesisCharacters = 1_000
    static let maxActions = 10
    static let maxActionCharacters = 500

    init(knownServices: Set<String>) {
        self.knownServices = knownServices
    }

    /// The answer, or why it cannot be used.
    func validate(_ content: String) -> Result<Answer, Rejection> {
        let text = Self.unfenced(content)
        guard text.hasPrefix("{") else {
            return .failure(Rejection("the answer is not a JSON object (it starts with \(Self.excerpt(text, 40)))"))
        }
        let json: JSONValue
        do {
            json = try JSONParser(maxDepth: 8).parse(text)
        } catch {
            return .failure(Rejection("the answer is not valid JSON (\(error))"))
        }
        guard case .object(let object) = json else { return .failure(Rejection("the answer is not a JSON object")) }

        guard let rawHypothesis = object["hypothesis"]?.stringValue else {
            return .failure(Rejection("\"hypothesis\" is missing or not a string"))
        }
        let hypothesis = rawHypothesis.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !hypothesis.isEmpty else { return .failure(Rejection("\"hypothesis\" is empty")) }
        guard hypothesis.count <= Self.maxHypothesisCharacters else {
            return .failure(Rejection("\"hypothesis\" has \(hypothesis.count) characters; the limit is 600"))
        }

        guard case .object(let root)? = object["root_cause"] else {
            return .failure(Rejection("\"root_cause\" is missing or not an object"))
        }
        guard let rawService = root["service"]?.stringValue else {
            return .failure(Rejection("\"root_cause.service\" is missing or not a string"))
        }
        guard let service = canonical(rawService) else {
            return .failure(Rejection("root_cause.service \(Self.excerpt(rawService, 60)) is not one of the known services (\(knownList))"))
        }
        guard let rawKind = root["kind"]?.stringValue else {
            return .failure(Rejection("\"root_cause.kind\" is missing or not a string"))
        }
        guard let kind = Self.faultKind(rawKind) else {
            return .failure(Rejection("root_cause.kind \(Self.excerpt(rawKind, 40)) is not one of "
                + FaultKind.allCases.map(\.rawValue).joined(separator: ", ")))
        }

        guard let confidence = object["confidence"]?.doubleValue else {
            return .failure(Rejection("\"confidence\" is missing or not a number"))
        }
        guard (0...1).contains(confidence) else {
            return .failure(Rejection("confidence \(confidence) is outside 0...1"))
        }

        guard case .array(let rawActions)? = object["recommended_actions"] else {
            return .failure(Rejection("\"recommended_actions\" is missing or not an array"))
        }
        var actions: [String] = []
        for item in rawActions {
            guard let action = item.stringValue else { return .failure(Rejection("\"recommended_actions\" holds a non-string")) }
            let trimmed = action.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !trimmed.isEmpty, actions.count < Self.maxActions else { continue }
            actions.append(trimmed.count > Self.maxActionCharacters ? String(trimmed.prefix(Self.maxActionCharacters)) + "…" : trimmed)
        }

        guard case .array(let rawAffected)? = object["affected_services"] else {
            return .failure(Rejection("\"affected_services\" is missing or not an array"))
        }
        var affected: [String] = []
        for item in rawAffected {
            guard let name = item.stringValue else { return .failure(Rejection("\"affected_services\" holds a non-string")) }
            guard let known = canonical(name) else {
                return .failure(Rejection("affected service \(Self.excerpt(name, 60)) is not one of the known services (\(knownList))"))
            }
            if !affected.contains(known) { affected.append(known) }
        }

        return .success(Answer(
            hypothesis: hypothesis, rootCause: Diagnosis.RootCause(service: service, kind: kind), recommendedActions: actions,
            confidence: confidence, affectedServices: affected))
    }

    /// The known service with this name: exact, or differing only in case (`Payments` for `payments`).
    private func canonical(_ name: String) -> String? {
        let trimmed = name.trimmingCharacters(in: .whitespacesAndNewlines)
        if knownServices.contains(trimmed) { return trimmed }
        let lowered = trimmed.lowercased()
        let matches = knownServices.filter { $0.lowercased() == lowered }
        return matches.count == 1 ? matches.first : nil
    }

    private var knownList: String {
        let sorted = knownServices.sorted()
        let shown = sorted.prefix(12).joined(separator: ", ")
        return sorted.count > 12 ? shown + ", …" : shown
    }

    /// `resource_exhaustion`, also written `Resource Exhaustion` or `resource-exhaustion`.
    static func faultKind(_ text: String) -> FaultKind? {
        let normalized = text.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
            .replacingOccurrences(of: " ", with: "_").replacingOccurrences(of: "-", with: "_")
        return FaultKind(rawValue: normalized)
    }

    /// The answer without a surrounding ```json fence, which chat models add even when told not to.
    static func unfenced(_ content: String) -> String {
        var text = content.trimmingCharacters(in: .whitespacesAndNewlines)
        guard text.hasPrefix("```") else { return text }
        if let newline = text.firstIndex(of: "\n") { text = String(text[text.index(after: newline)...]) } else { return text }
        text = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if text.hasSuffix("```") { text.removeLast(3) }
        return text.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// A quoted start of a string from the model, for messages (the model's text is not trusted to be short).
    static func excerpt(_ text: String, _ limit: Int) -> String {
        let oneLine = text.split(whereSeparator: \.isNewline).joined(separator: " ")
        return "\"" + (oneLine.count > limit ? String(oneLine.prefix(limit)) + "…" : oneLine) + "\""
    }
}
