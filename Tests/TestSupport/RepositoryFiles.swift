import Foundation

/// Files of this repository that tests read or run (scripts, docs, examples).
public enum RepositoryFiles {
    /// The repository's root folder (this file is `Tests/TestSupport/RepositoryFiles.swift`).
    public static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// The absolute path of `relative` (`scripts/check-prometheus.py`).
    public static func path(_ relative: String) -> String {
        root.appendingPathComponent(relative).path
    }
}

/// PyPI's `prometheus-client` parser over an exposition, through `scripts/check-prometheus.py`: every
/// family must parse and carry a `# HELP` text and a `# TYPE` (scripts/setup.sh installs the parser).
public enum PrometheusExpositionCheck {
    /// The script's exit status and report for `exposition`.
    public static func run(_ exposition: String) throws -> (status: Int32, report: String) {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("exposition-\(UUID().uuidString).txt").path
        try exposition.write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let outcome = try ChildProcess.run("/usr/bin/env", ["python3", RepositoryFiles.path("scripts/check-prometheus.py"), path])
        return (outcome.status, outcome.output)
    }
}
