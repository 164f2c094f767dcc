import ArgumentParser

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
            """,
        version: "0.1.0",
        subcommands: [Validate.self, Ingest.self, Trace.self, Services.self, Incidents.self, Explain.self, Diagnose.self, Eval.self, Serve.self])
}
