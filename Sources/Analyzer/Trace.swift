import AnalyzerCore
import ArgumentParser
import Foundation
import ServiceLog

#if canImport(Glibc)
import Glibc
#endif

/// `analyzer trace ID`: one request as a terminal waterfall.
struct Trace: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show one request across services as a waterfall.",
        discussion: """
            Finds every event of the request by correlation ID (or trace ID), including events that lost \
            their correlation ID but share the trace, rebuilds the span tree and draws it: offset, duration, \
            self time and status per span, the critical path solid (█), failures in red, errors inline.

            Example:
              analyzer trace 5fd5ccb3-d4ae-8ccc-cb6c-dfe96785de2e --store analyzer.sqlite
            """)

    @Argument(help: "Correlation ID or 32-hex trace ID of the request.")
    var id: String

    @OptionGroup var options: ReadOptions



    func run() async throws {
        let eventStore = try options.openStore()
        let trace = try await options.trace(id, in: eventStore)
        if options.json {
            print(try jsonText(TraceReport(trace)))
        } else {
            print(WaterfallRenderer(style: options.style).render(trace))
        }
    }
}

