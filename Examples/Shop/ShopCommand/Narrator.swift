import AnalyzerCore
import Foundation
import ShopKit
import Synchronization

/// What the demo prints: short steps, then the analyzer's own words.
enum Narrator {
    /// The story, or the faults `--fault` asked for instead.
    static func banner(topology: ShopTopology, faults: [PlannedFault]?) {
        defer { fflush(nil) }
        if let faults {
            print("A shop of \(topology.services.count) microservices; after a healthy period: "
                + faults.map(\.description).joined(separator: ", ") + ". Watch the analyzer find it from the services' events alone.\n")
            return
        }
        print("""
            The story: a shop of \(topology.services.count) microservices. Orders start timing out and payments answers 500;
            the real cause is a memory leak in pricing that only hurts when recommendations sends a surge.
            Watch the analyzer find it from the services' events alone.

            """)
    }

    /// What injecting `fault` means, in the story's words when it is the story.
    static func announcement(of fault: PlannedFault, story: Bool) -> String {
        guard story else { return "injecting \(fault)" }
        return fault.setting.kind == .memoryLeak
            ? "deploying pricing v2.4: its quote cache no longer evicts (memory_leak)"
            : "marketing starts a campaign: recommendations prefetches 10x more prices (surge)"
    }

    static func step(_ text: String) {
        print("==> " + text)
        fflush(nil)  // lines appear as they happen, also when piped into a file
    }

    static func newline() {
        if ProgressLine.isTerminal { print("") }
    }

    /// Runs `analyzer incidents` and `analyzer diagnose` on the live store, as an on-call engineer would.
    static func showDiagnosis(incident: Incident, launcher: ShopLauncher) async throws {
        print("")
        step("analyzer incidents --store \(launcher.storePath)")
        try await runAnalyzer(launcher, ["incidents", "--store", launcher.storePath])
        if let request = incident.correlationIDs.first {
            let ai = LLMEnvironment.isConfigured
            step("analyzer diagnose \(request) --store \(launcher.storePath)" + (ai ? " --ai" : "")
                + (ai ? "" : "   (no LLM configured: built-in analysis; set OPENAI_API_KEY to add an AI hypothesis)"))
            try await runAnalyzer(launcher, ["diagnose", request, "--store", launcher.storePath] + (ai ? ["--ai"] : []))
        }
    }

    /// Runs the analyzer CLI as one of the demo's children (so Ctrl-C stops it too) and waits
    /// without holding one of the few cooperative threads.
    static func runAnalyzer(_ launcher: ShopLauncher, _ arguments: [String]) async throws {
        fflush(nil)  // what we printed goes out before what it prints
        let child = try launcher.children.start(
            name: "analyzer-\(arguments[0])", executable: launcher.binaries.analyzer, arguments: arguments,
            stdout: nil, stderr: nil)
        while child.process.isRunning { try await Task.sleep(for: .milliseconds(50)) }
        if child.process.terminationStatus != 0 {
            step("analyzer \(arguments[0]) exited with status \(child.process.terminationStatus)")
        }
        print("")
    }

    static func verdict(expected: (service: String, kind: FaultKind), found: Incident.RootCause) {
        if found.service == expected.service && found.kind == expected.kind {
            step("injected: \(expected.service) \(expected.kind.rawValue); the analyzer named \(found.service) \(found.kind.rawValue) (confidence \(found.confidence)): correct")
        } else {
            step("injected: \(expected.service) \(expected.kind.rawValue); the analyzer named \(found.service) \(found.kind.rawValue) (confidence \(found.confidence)): NOT the injected fault")
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
