import ArgumentParser
import AsyncHTTPClient
import Foundation
import ServiceLog
import ShopKit

#if canImport(Glibc)
import Glibc
#endif

/// The story, start to finish: shop healthy, pricing leaks under recommendations' surge, payments
/// fails, orders time out, and the analyzer names pricing's memory leak.
struct Demo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the whole story: shop, sidecars, analyzer, load, the fault, and the diagnosis.",
        discussion: """
            Starts `analyzer serve` (embedded SQLite), the twelve services, one logshipper per service and \
            the shoppers; lets the shop run healthy; then deploys the story's bug (pricing's quote cache stops \
            evicting: a memory leak) and the campaign that exposes it (recommendations prefetches ten times \
            more prices). Waits until the analyzer reports the incident, prints its diagnosis and the \
            dashboard address, and keeps everything running until Ctrl-C, which stops every process it started.

            With OPENAI_API_KEY (or OPENAI_BASE_URL / ANALYZER_LLM_BASE_URL for another OpenAI-compatible \
            endpoint) set, the diagnosis adds the LLM's hypothesis; without, the built-in analysis answers alone.
            """)

    @OptionGroup var topologyOptions: TopologyOptions

    @Option(help: "Port of `analyzer serve` (API, dashboard and ingest).")
    var analyzerPort = 4180

    @Option(help: "Directory for events, shipper state and the store (emptied at start).")
    var workDir = "shop-demo"

    @Option(help: "Directory holding the shop, analyzer and logshipper executables (default: next to this one).")
    var binDir: String?

    @Option(help: "Journeys started per second.")
    var rate = 12.0

    @Option(help: "Seconds of healthy traffic before the fault.")
    var healthySeconds = 40.0

    @Option(help: "Give up waiting for the incident after this many seconds.")
    var incidentTimeout = 180.0

    @Option(name: .customLong("fault"), help: ArgumentHelp(
        "Inject this instead of the story (repeatable): SERVICE:KIND[:AMOUNT], KIND one of "
            + ShopFault.allCases.map(\.rawValue).joined(separator: ", ") + " (see `shop fault --help`).",
        valueName: "service:kind"))
    var faults: [String] = []

    @Option(help: "Once the incident is found, let it unfold this many seconds more before the diagnosis.")
    var settleSeconds = 20.0

    @Flag(help: "Exit after printing the diagnosis instead of running until Ctrl-C.")
    var exitAfterDiagnosis = false

    @Option(help: ArgumentHelp(
        "Also save every event the services wrote to this gzip file (for `analyzer ingest`), after the diagnosis.",
        valueName: "path.ndjson.gz"))
    var record: String?

    func validateOptions() throws {
        for text in faults where PlannedFault(parsing: text) == nil {
            throw ValidationError("cannot read --fault \(text); write SERVICE:KIND[:AMOUNT], e.g. inventory:pool_exhaustion")
        }
        guard rate > 0, healthySeconds >= 10, incidentTimeout > 0 else {
            throw ValidationError("--rate must be > 0, --healthy-seconds at least 10 (the analyzer needs a baseline), --incident-timeout > 0")
        }
    }

    func validate() throws {
        try validateOptions()
        if let record {
            let directory = URL(fileURLWithPath: record).deletingLastPathComponent().path
            guard FileManager.default.isWritableFile(atPath: directory) else {
                throw ValidationError("--record \(record): cannot write in \(directory)")
            }
        }
    }

    func run() async throws {
        let topology = try topologyOptions.topology()
        guard topology.contains("gateway"), !faults.isEmpty || topology.contains("pricing") else {
            throw ValidationError("the demo needs gateway (and, for the story, pricing) among --services")
        }
        let planned = faults.isEmpty ? PlannedFault.story.filter { topology.contains($0.service) } : faults.compactMap(PlannedFault.init(parsing:))
        for fault in planned where !topology.contains(fault.service) {
            throw ValidationError("--fault \(fault): \(fault.service) is not among the services")
        }
        let launcher = ShopLauncher(
            topology: topology, workDirectory: URL(fileURLWithPath: workDir).standardizedFileURL.path,
            binaries: ShopLauncher.Binaries(directory: binDir ?? Self.ownDirectory), analyzerPort: analyzerPort)
        try launcher.checkPortsAreFree()
        let http = ShopHTTP.makeClient()
        let load = LoadGenerator(gatewayURL: topology.url(of: "gateway")!, rate: rate)
        let phase = PhaseClock()
        let running = RunningDemo()
        let stopper = SignalStopper(launcher: launcher, running: running)
        stopper.install()
        defer { withExtendedLifetime(stopper) {} }

        Narrator.banner(topology: topology, faults: faults.isEmpty ? nil : planned)
        do {
            try launcher.prepare()
            Narrator.step("starting analyzer serve on \(launcher.analyzerURL) (store \(launcher.storePath))")
            try launcher.startAnalyzer()
            Narrator.step("starting \(topology.services.count) services (events -> \(launcher.workDirectory)/logs/<service>.ndjson) and \(topology.services.count) logshippers")
            try launcher.startServices()
            try launcher.startShippers()
            try await launcher.waitUntilHealthy()
            Narrator.step("all healthy; dashboard: \(launcher.analyzerURL)/")

            running.started(
                load: Task { await load.run(http: http) },
                progress: Task { await ProgressLine.report(load, every: .seconds(2), prefix: { phase.label }) })
            phase.set("healthy", seconds: healthySeconds)
            try await Task.sleep(for: .milliseconds(Int(healthySeconds * 1000)))
            Narrator.newline()
            for fault in planned {
                Narrator.step(Narrator.announcement(of: fault, story: faults.isEmpty))
                try await launcher.inject(fault.setting, into: fault.service)
            }
            let faultTime = Date()
            phase.set("fault", seconds: nil)

            let incident = await IncidentWatcher(analyzerURL: launcher.analyzerURL).waitForIncident(
                after: faultTime, timeout: .seconds(incidentTimeout), settle: .milliseconds(Int(settleSeconds * 1000)))
            running.stopProgress()
            Narrator.newline()
            guard let incident else {
                Narrator.step("no incident reported within \(Int(incidentTimeout)) s; see the dashboard at \(launcher.analyzerURL)/ and logs in \(launcher.workDirectory)/logs")
                try await finish(launcher, running: running, http: http, failed: true)
                return
            }
            // When the analyzer first detected it (its lifecycle), not when the settle time ended.
            let detected = incident.lifecycle.flatMap { Timestamp(rfc3339: $0.detectedAt) }
                .map { Double($0.microsecondsSinceEpoch) / 1_000_000 - faultTime.timeIntervalSince1970 } ?? Date().timeIntervalSince(faultTime)
            Narrator.step(String(format: "the analyzer reported incident %@ %.0f s after the fault", incident.id, detected))
            try await Narrator.showDiagnosis(incident: incident, launcher: launcher)
            if let cause = planned.first(where: { $0.expectedKind != nil }), let kind = cause.expectedKind {
                Narrator.verdict(expected: (cause.service, kind), found: incident.rootCause)
            }
            if let record {
                let events = try Recording.save(launcher: launcher, to: record)
                Narrator.step("saved \(events) events to \(record); try: analyzer ingest --store s.sqlite \(record) && analyzer incidents --store s.sqlite")
            }
            Narrator.step("dashboard: \(launcher.analyzerURL)/  (the incident, its requests, the service map)")
            try await finish(launcher, running: running, http: http, failed: false)
        } catch {
            // Whatever failed, nothing this demo started may outlive it.
            await running.stop(launcher)
            try? await http.shutdown()
            throw error
        }
    }

    func finish(_ launcher: ShopLauncher, running: RunningDemo, http: HTTPClient, failed: Bool) async throws {
        if !exitAfterDiagnosis {
            Narrator.step("the shop keeps running with the fault; Ctrl-C stops every process this demo started")
            while true { try? await Task.sleep(for: .seconds(3600)) }
        }
        await running.stop(launcher)
        try? await http.shutdown()
        if failed { throw ExitCode.failure }
    }

    /// The directory of this executable, also when it was found on PATH.
    static var ownDirectory: String {
        let path = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        return URL(fileURLWithPath: path).resolvingSymlinksInPath().deletingLastPathComponent().path
    }
}
