import ArgumentParser
import Foundation

/// The analyzer's entry point. Ingest, storage, correlation and diagnosis land here as subcommands.
@main
struct AnalyzerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "analyzer",
        abstract: "Correlates canonical events across services and finds the root cause of incidents.",
        discussion: """
            Reads the canonical event format (docs/event-format.md): one JSON object per line, written by \
            the ServiceLog library and delivered by logshipper.

            Available now:
              analyzer validate FILE...   check that files hold valid canonical events
              analyzer ingest FILE...     load NDJSON files (plain or gzip) into the SQLite store
              analyzer serve              receive events over HTTP (POST /v1/events)
              analyzer trace ID           one request across services as a waterfall
              analyzer services           the dependency graph with rates, errors and latencies
              analyzer incidents          incidents with ranked root causes, evidence and actions
              analyzer explain --at T     the root cause of a change that began at T (an alert's time)
              analyzer diagnose ID        why one request failed or was slow (--ai for an LLM hypothesis)
              analyzer eval               root-cause accuracy on generated, labelled fault scenarios
              analyzer validate-config    check a settings file and ANALYZER_* variables

            Settings: every flag of serve, ingest, incidents, explain, diagnose, trace and services can \
            also come from an ANALYZER_<FLAG> variable (ANALYZER_STORE, ANALYZER_MAX_BODY_BYTES; lists \
            comma-separated) or a YAML file (--config FILE or ANALYZER_CONFIG; keys are flag names). \
            Precedence: flags, then variables, then the file, then defaults. Durations take 250ms, 30s, \
            10m, 2h, 7d or 1h30m; sizes 64KiB, 10MB, 2GiB (powers of 1024). The LLM is set by \
            ANALYZER_LLM_BASE_URL, ANALYZER_LLM_API_KEY, ANALYZER_LLM_MODEL, ANALYZER_LLM_TIMEOUT and \
            ANALYZER_LLM_TOKEN_BUDGET (or OPENAI_BASE_URL, OPENAI_API_KEY, OPENAI_MODEL).
            """,
        version: "0.1.0",
        subcommands: [Validate.self, Ingest.self, Trace.self, Services.self, Incidents.self, Explain.self, Diagnose.self, Eval.self, Serve.self, ValidateConfig.self])

    /// Adds the settings of `--config`/`ANALYZER_CONFIG` and `ANALYZER_*` as the flags they stand for,
    /// then parses and runs as usual.
    static func main() async {
        let arguments = Array(CommandLine.arguments.dropFirst())
        guard let name = arguments.first,
            let command = ConfigurationLayers.configurable.first(where: { $0._commandName == name })
        else { return await main(arguments) }
        let commandLine = Array(arguments.dropFirst())
        let (applied, layerProblems) = ConfigurationLayers.arguments(
            for: command, commandLine: commandLine, environment: ProcessInfo.processInfo.environment)
        let problems = layerProblems + ConfigurationLayers.check(applied, for: command)
        guard problems.isEmpty else {
            for problem in problems { FileHandle.standardError.write(Data("Error: \(problem)\n".utf8)) }
            FileHandle.standardError.write(Data("Check the settings with: analyzer validate-config\n".utf8))
            Foundation.exit(64)
        }
        // Layered values go before the command line's own, so a `--` there still ends the options.
        await main([name] + applied.flatMap(\.arguments) + commandLine)
    }
}
