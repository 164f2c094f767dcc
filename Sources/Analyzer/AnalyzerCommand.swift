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

            Coming with the Analyzer issue: serve (ingest over HTTP), ingest, incidents, diagnose, trace, services.
            """,
        version: "0.1.0",
        subcommands: [Validate.self])
}
