import Foundation
import Testing
import TestSupport

/// `analyzer`'s settings from a YAML file (`--config`, `ANALYZER_CONFIG`) and `ANALYZER_*` variables,
/// with flags > environment > file > defaults, and `analyzer validate-config`, run as an operator would.
@Suite struct AnalyzerSettingsTests {
    static func analyzer(_ arguments: [String], environment: [String: String] = [:]) throws -> ChildProcess.Outcome {
        // The tests' own ANALYZER_* would be read as settings.
        try CommandLineTests.run(
            ProcessHarness.analyzerPath, arguments,
            environment: ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("ANALYZER_") }.merging(environment) { _, new in new })
    }

    @Test(.enabled(if: ProcessHarness.executablesExist, "needs the analyzer executable (swift build --build-tests)"))
    func serveTakesTheFileThenTheEnvironmentThenFlags() throws {
        let harness = try ProcessHarness("analyzer-settings")
        defer { harness.cleanUp() }
        let (filePort, environmentPort) = (ProcessHarness.freePort(), ProcessHarness.freePort())
        let config = harness.directory + "/analyzer.yaml"
        try """
            store: \(harness.storePath)
            port: \(filePort)
            max_body_bytes: 8MiB
            retention-interval: 30s
            idle-timeout: 1m
            """.write(toFile: config, atomically: true, encoding: .utf8)

        let process = Process()
        process.executableURL = URL(fileURLWithPath: ProcessHarness.analyzerPath)
        process.arguments = ["serve"]
        process.environment = ProcessInfo.processInfo.environment.merging(["ANALYZER_CONFIG": config, "ANALYZER_PORT": "\(environmentPort)"]) { _, new in new }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        defer { _ = ProcessHarness.terminate(process) }
        try ProcessHarness.waitUntil("analyzer listening on the environment's port \(environmentPort)") { ProcessHarness.canConnect(port: environmentPort) }
        #expect(!ProcessHarness.canConnect(port: filePort), "the variable wins over the file")
        #expect(FileManager.default.fileExists(atPath: harness.storePath), "the store is the file's")

        let shown = try Self.analyzer(["validate-config", config], environment: ["ANALYZER_PORT": "\(environmentPort)", "ANALYZER_TOKEN": "s3cret"])
        #expect(shown.status == 0, "\(shown.output)")
        #expect(shown.output.contains("port = \(environmentPort)  (ANALYZER_PORT)"))
        #expect(shown.output.contains("max-body-bytes = 8MiB  (\(config))"))
        #expect(shown.output.contains("token = (redacted)  (ANALYZER_TOKEN)"))
        #expect(!shown.output.contains("s3cret"))
    }

    @Test(.enabled(if: ProcessHarness.executablesExist, "needs the analyzer executable (swift build --build-tests)"))
    func mistakesNameTheirSourceAndWhatToWrite() throws {
        let harness = try ProcessHarness("analyzer-settings-bad")
        defer { harness.cleanUp() }
        let config = harness.directory + "/analyzer.yaml"
        try """
            store: \(harness.storePath)
            prot: 4180
            analysis-window: 40d
            """.write(toFile: config, atomically: true, encoding: .utf8)
        let checked = try Self.analyzer(["validate-config", config], environment: ["ANALYZER_IDLE_TIMEOUT": "5x"])
        #expect(checked.status == 1)
        #expect(checked.output.contains("error: prot (\(config)): unknown key. Fix: did you mean 'port'?\n"), "\(checked.output)")
        #expect(checked.output.contains("error: idle-timeout (ANALYZER_IDLE_TIMEOUT): The value '5x' is invalid for '--idle-timeout"))
        #expect(checked.output.contains("error: analysis-window (\(config)): --analysis-window must be more than 0 and at most 31d, not 40d"))

        // The same mistakes stop `serve` before it creates anything.
        let refused = try Self.analyzer(["serve", "--config", config])
        #expect(refused.status == 64)
        #expect(refused.output.contains("prot (\(config)): unknown key"))
        #expect(!FileManager.default.fileExists(atPath: harness.storePath))

        let missing = try Self.analyzer(["incidents"], environment: ["ANALYZER_CONFIG": harness.directory + "/none.yaml"])
        #expect(missing.status == 64 && missing.output.contains("(\(harness.directory)/none.yaml): no such file. Fix: check the path"))

        // A file that is not YAML, or YAML that is not a mapping, says so and where; nothing starts.
        let broken = harness.directory + "/broken.yaml"
        try "store: [unclosed\nport: 4180\n".write(toFile: broken, atomically: true, encoding: .utf8)
        let unparsable = try Self.analyzer(["serve", "--config", broken])
        #expect(unparsable.status == 64)
        #expect(unparsable.output.contains("(\(broken)): not valid YAML: "), "\(unparsable.output)")
        #expect(unparsable.output.contains("Fix: check the indentation and quoting near that line"))
        let list = harness.directory + "/list.yaml"
        try "- store: /tmp/x.sqlite\n- port: 4180\n".write(toFile: list, atomically: true, encoding: .utf8)
        let notMapping = try Self.analyzer(["validate-config", list])
        #expect(notMapping.status == 1)
        #expect(notMapping.output.contains("(\(list)): expected a mapping of settings. Fix: write one 'flag-name: value' per line"), "\(notMapping.output)")
        #expect(!FileManager.default.fileExists(atPath: harness.storePath))
    }

    @Test(.enabled(if: ProcessHarness.executablesExist, "needs the analyzer executable (swift build --build-tests)"))
    func aFlagWinsOverTheEnvironmentAndBareNumbersKeepTheirUnit() throws {
        let harness = try ProcessHarness("analyzer-settings-flags")
        defer { harness.cleanUp() }
        // A bad variable is not read when the flag is given: the flag wins.
        let overridden = try Self.analyzer(
            ["serve", "--max-body-bytes", "1MiB", "--retention-interval", "0", "--store", harness.storePath],
            environment: ["ANALYZER_MAX_BODY_BYTES": "not a size"])
        #expect(overridden.status == 64)
        #expect(overridden.output.contains("--retention-interval must be more than 0 and at most 7d, not 0"), "\(overridden.output)")
        #expect(!overridden.output.contains("ANALYZER_MAX_BODY_BYTES"), "the flag replaced the variable")
        let bare = try Self.analyzer(["serve", "--analysis-window", "45000", "--store", harness.storePath])
        #expect(bare.output.contains("--analysis-window must be more than 0 and at most 31d, not 45000"), "a bare number is minutes, as before")
        #expect(!FileManager.default.fileExists(atPath: harness.storePath))
    }
}
