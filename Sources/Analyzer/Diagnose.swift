import AnalyzerCore
import ArgumentParser
import Foundation
import ServiceLog

#if canImport(Glibc)
import Glibc
#endif

/// `analyzer diagnose ID`: which service broke this request, how, and what to do.
struct Diagnose: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Explain why one request failed or was slow: root cause, evidence, actions.",
        discussion: """
            Uses the incident the request belongs to (ranked over every affected request) or, when there is \
            none, the request's own trace. Works offline; with --ai an OpenAI-compatible endpoint phrases \
            a hypothesis from the built-in analysis (OPENAI_BASE_URL, OPENAI_API_KEY, OPENAI_MODEL), with \
            secrets redacted before anything leaves the host, and the built-in answer is kept on any failure.

            JSON (--json): correlation_id, hypothesis, recommended_actions, confidence, affected_services, \
            root_cause {service, kind}, source (builtin or llm), evidence, fallback_reason.

            Example:
              analyzer diagnose 5fd5ccb3-d4ae-8ccc-cb6c-dfe96785de2e --store analyzer.sqlite
            """)

    @Argument(help: "Correlation ID or 32-hex trace ID of the request.")
    var id: String

    @OptionGroup var options: ReadOptions

    @Flag(help: "Ask the configured LLM for a hypothesis (falls back to the built-in analysis).")
    var ai = false



    func run() async throws {
        let eventStore = try options.openStore()
        let trace = try await options.trace(id, in: eventStore)
        // Baselines come from everyone's events around the request, analysed once and kept.
        let (analysis, _) = try await IncidentsAroundRequest().find(for: trace, in: eventStore)
        var diagnosis = BuiltinDiagnoser().diagnose(trace, incidents: analysis.incidents)
        if ai {
            diagnosis = await aiDiagnosis(
                builtin: diagnosis, trace: trace, templates: analysis.incidents.first?.errorTemplates ?? [],
                services: Set(analysis.services))
        }
        if options.json {
            print(try jsonText(diagnosis))
        } else {
            print(IncidentRenderer(style: options.style).render(diagnosis))
        }
    }

    func aiDiagnosis(builtin: Diagnosis, trace: RequestTrace, templates: [ErrorTemplateCount], services: Set<String>) async -> Diagnosis {
        let configuration: LLMConfiguration?
        do {
            configuration = try LLMConfiguration.fromEnvironment(ProcessInfo.processInfo.environment)
        } catch {
            var fallback = builtin
            fallback.fallbackReason = "AI unavailable: \(error)"
            return fallback
        }
        if configuration != nil { FileHandle.standardError.write(Data("asking the AI for a hypothesis…\n".utf8)) }
        return await AIDiagnoser(configuration: configuration).diagnose(
            builtin: builtin, trace: trace, templates: templates, knownServices: services.union(trace.services))
    }
}
