import Foundation
import ShopKit
import Synchronization

/// What the demo prints: short steps, then the analyzer's own words.
enum Narrator {
    static func banner(topology: ShopTopology) {
        defer { fflush(nil) }
        print("""
            The story: a shop of \(topology.services.count) microservices. Orders start timing out and payments answers 500;
            the real cause is a memory leak in pricing that only hurts when recommendations sends a surge.
            Watch the analyzer find it from the services' events alone.

            """)
    }

    static func step(_ text: String) {
        print("==> " + text)
        fflush(nil)  // lines appear as they happen, also when piped into a file
    }

    static func newline() {
        if ProgressLine.isTerminal { print("") }
    }

    /// Runs `analyzer incidents` and `analyzer diagnose` on the live store, as an on-call engineer would.
    static func showDiagnosis(incident: IncidentWatcher.ReportedIncident, launcher: ShopLauncher) throws {
        print("")
        step("analyzer incidents --store \(launcher.storePath)")
        try runAnalyzer(launcher, ["incidents", "--store", launcher.storePath])
        if let request = incident.correlationIDs.first {
            let ai = LLMEnvironment.isConfigured
            step("analyzer diagnose \(request) --store \(launcher.storePath)" + (ai ? " --ai" : "")
                + (ai ? "" : "   (no LLM configured: built-in analysis; set OPENAI_API_KEY to add an AI hypothesis)"))
            try runAnalyzer(launcher, ["diagnose", request, "--store", launcher.storePath] + (ai ? ["--ai"] : []))
        }
    }

    static func runAnalyzer(_ launcher: ShopLauncher, _ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: launcher.binaries.analyzer)
        process.arguments = arguments
        try process.run()
        process.waitUntilExit()
        print("")
    }

    static func verdict(expected: (service: String, kind: String), found: IncidentWatcher.ReportedIncident.RootCause) {
        if found.service == expected.service && found.kind == expected.kind {
            step("injected: \(expected.service) \(expected.kind); the analyzer named \(found.service) \(found.kind) (confidence \(found.confidence)): correct")
        } else {
            step("injected: \(expected.service) \(expected.kind); the analyzer named \(found.service) \(found.kind) (confidence \(found.confidence)): NOT the injected fault")
        }
    }
}

/// Whether an LLM endpoint is configured in the environment (the analyzer reads the same variables).
enum LLMEnvironment {
    static var isConfigured: Bool {
        let environment = ProcessInfo.processInfo.environment
        return ["ANALYZER_LLM_API_KEY", "ANALYZER_LLM_BASE_URL", "OPENAI_API_KEY", "OPENAI_BASE_URL"].contains {
            !(environment[$0] ?? "").isEmpty
        }
    }
}

/// The progress line's prefix: the phase and its seconds.
final class PhaseClock: Sendable {
    private let state = Mutex<(name: String, started: ContinuousClock.Instant, length: Double?)>(("", .now, nil))

    func set(_ name: String, seconds: Double?) {
        state.withLock { $0 = (name, .now, seconds) }
    }

    var label: String {
        let (name, started, length) = state.withLock { $0 }
        let elapsed = (ContinuousClock.now - started).components.seconds
        return length.map { "[\(name) \(elapsed)/\(Int($0)) s] " } ?? "[\(name) +\(elapsed) s, waiting for the analyzer] "
    }
}

/// Ctrl-C (and SIGTERM, SIGHUP) stop every process the demo started, then exit.
final class SignalStopper {
    let launcher: ShopLauncher
    /// Kept for the life of the demo: a released source stops delivering.
    private var sources: [any DispatchSourceSignal] = []

    init(launcher: ShopLauncher) {
        self.launcher = launcher
    }

    func install() {
        for number in [SIGINT, SIGTERM, SIGHUP] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            let launcher = launcher
            source.setEventHandler {
                print("\n==> stopping everything this demo started...")
                Task {
                    await launcher.stopAll()
                    print("==> stopped; events, shipper state and the store are in \(launcher.workDirectory)")
                    exit(130)
                }
            }
            source.resume()
            sources.append(source)
        }
    }
}
