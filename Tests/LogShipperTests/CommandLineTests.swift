import Foundation
import Testing

#if canImport(Glibc)
import Glibc
import TestSupport
#endif

/// `logshipper validate` and flag handling, as an operator meets them.
@Suite struct CommandLineTests {
    static func shipper(_ arguments: [String], environment: [String: String] = [:]) throws -> ChildProcess.Outcome {
        try run(ProcessHarness.shipperPath, arguments, environment: ChildProcess.environment(adding: environment))
    }

    /// Runs `path` to its end with exactly `environment`, stdout and stderr together.
    static func run(_ path: String, _ arguments: [String], environment: [String: String]) throws -> ChildProcess.Outcome {
        try ChildProcess.run(path, arguments, environment: environment)
    }

    @Test(.enabled(if: ProcessHarness.executablesExist, "needs the logshipper executable (swift build --build-tests)"))
    func validateExplainsEveryMistakeWithKeyAndFix() throws {
        let harness = try ProcessHarness("validate")
        defer { harness.cleanUp() }
        let config = harness.directory + "/bad.yaml"
        try """
            files:
              include: ["/var/log/orders/*.log"]
            sink:
              url: http://127.0.0.1:4180
            batch:
              max_event: 500
              max_age_ms: soon
            metrics:
              listen: nowhere
            """.write(toFile: config, atomically: true, encoding: .utf8)
        let run = try Self.shipper(["validate", config])
        #expect(run.status == 1)
        #expect(run.output.contains("batch.max_event (\(config)): unknown key. Fix: did you mean 'batch.max_events'?"))
        #expect(run.output.contains("batch.max_age_ms (\(config)): 'soon' is not a length of time. Fix: write e.g. 250ms, 30s"))
        #expect(run.output.contains("metrics.listen (\(config)): 'nowhere' is not host:port"))
    }

    @Test(.enabled(if: ProcessHarness.executablesExist, "needs the logshipper executable (swift build --build-tests)"))
    func durationsAndSizesTakeUnitsAndBareNumbersKeepTheirOldMeaning() throws {
        let harness = try ProcessHarness("units")
        defer { harness.cleanUp() }
        let config = harness.directory + "/units.yaml"
        try """
            files:
              include: ["/var/log/orders/*.log"]
              max_line_bytes: 64KiB
            batch:
              max_bytes: 512KB
              max_age_ms: 2s
            retry:
              base_ms: 250
              cap_ms: 1m
            spool:
              max_bytes: 10MB
            """.write(toFile: config, atomically: true, encoding: .utf8)
        let good = try Self.shipper(["validate", config, "--set", "health.delivery_failure_seconds=90"])
        #expect(good.status == 0, "\(good.output)")
        #expect(good.output.contains("ok: the configuration is valid"))
        let environment = try Self.shipper(["validate", config], environment: ["LOGSHIPPER_SPOOL_MAX_BYTES": "1.5GiB"])
        #expect(environment.status == 0, "\(environment.output)")
        let bad = try Self.shipper(["validate", config, "--set", "spool.max_bytes=10XB", "--set", "retry.cap_ms=2h"])
        #expect(bad.status == 1)
        #expect(bad.output.contains("spool.max_bytes (--set spool.max_bytes): '10XB' is not a size. Fix: write e.g. 65536, 64KiB, 10MB or 2GiB (a bare number is bytes)."))
        #expect(bad.output.contains("retry.cap_ms (--set retry.cap_ms): 2h is out of range. Fix: use a length from 1ms to 60m."))
    }

    @Test(.enabled(if: ProcessHarness.executablesExist, "needs the logshipper executable (swift build --build-tests)"))
    func otlpSinkIsNamedAndItsMistakesExplained() throws {
        let good = try Self.shipper(["validate", "--to-otlp", "http://127.0.0.1:4318", "--file", "/tmp/none.log"])
        #expect(good.status == 0)
        #expect(good.output.contains("sink:       OTLP/HTTP logs to http://127.0.0.1:4318"))
        let unknown = try Self.shipper(["validate", "--set", "sink.kind=kafka", "--file", "/tmp/none.log"])
        #expect(unknown.status == 1 && unknown.output.contains("sink.kind (--set sink.kind): 'kafka' is not a sink kind. Fix: write analyzer or otlp."))
        let both = try Self.shipper(["validate", "--to", "http://a:1", "--to-otlp", "http://b:2", "--file", "/tmp/none.log"])
        #expect(both.status == 1 && both.output.contains("--to and --to-otlp both name the receiver"))
    }

    @Test(
        "a sink URL that is not HTTP(S) with a host and a valid port is refused by validate, with the fix",
        .enabled(if: ProcessHarness.executablesExist, "needs the logshipper executable (swift build --build-tests)"),
        arguments: [
            ("ftp://x", "'ftp' is not a scheme the sink speaks"),
            ("not a url", "is not a URL"),
            ("http://", "names no host"),
            ("http://127.0.0.1:99999", "'99999' is not a port"),
            ("http://127.0.0.1:port", "'port' is not a port"),
            ("http://127.0.0.1:4180/v1/events?x=1", "has a query or fragment"),
        ])
    func validateRefusesABadSinkURL(url: String, message: String) throws {
        for flag in ["--to", "--to-otlp"] {
            let run = try Self.shipper(["validate", flag, url, "--file", "/tmp/none.log"])
            #expect(run.status != 0, "\(flag) \(url): \(run.output)")
            #expect(run.output.contains("sink.url"), "\(run.output)")
            #expect(run.output.contains(message), "\(run.output)")
            #expect(run.output.contains("Fix:"), "\(run.output)")
        }
        for good in ["http://127.0.0.1:4180", "https://collector.example:4318/otlp", "http://[::1]:4180", "HTTP://analyzer"] {
            let run = try Self.shipper(["validate", "--to", good, "--file", "/tmp/none.log"])
            #expect(run.status == 0, "\(good): \(run.output)")
        }
    }

    @Test(
        "a configuration file that is not there: one error naming it, no double period, no follow-up about what it would have set",
        .enabled(if: ProcessHarness.executablesExist, "needs the logshipper executable (swift build --build-tests)"))
    func missingConfigurationFile() throws {
        let path = "/tmp/logshipper-missing-\(UUID().uuidString).yaml"
        let run = try Self.shipper(["validate", path])
        #expect(run.status != 0)
        #expect(run.output.contains("error: (\(path)): no such file. Fix: check the path"), "\(run.output)")
        #expect(!run.output.contains(".."), "\(run.output)")
        #expect(!run.output.contains("nothing to read"), "\(run.output)")
        #expect(run.output.split(separator: "\n").filter { $0.hasPrefix("error:") }.count == 1, "\(run.output)")
    }

    @Test(
        "a metrics port in use: one error naming the address and the setting, and no state directory created",
        .enabled(if: ProcessHarness.executablesExist, "needs the logshipper executable (swift build --build-tests)"))
    func metricsPortInUse() throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && listen(fd, 1) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        try #require(bound, "could not occupy a loopback port")
        let port = Int(UInt16(bigEndian: address.sin_port))
        let stateDirectory = "/tmp/logshipper-port-in-use-\(UUID().uuidString)"
        let run = try Self.shipper([
            "--file", "/tmp/none-\(UUID().uuidString).log", "--to", "http://127.0.0.1:9/v1/events", "--state-dir", stateDirectory,
            "--metrics-listen", "127.0.0.1:\(port)",
        ])
        #expect(run.status != 0)
        #expect(run.output.contains("cannot listen on 127.0.0.1:\(port) (metrics.listen / --metrics-listen): the address is already in use"), "\(run.output)")
        #expect(!run.output.contains("bind(descriptor:"), "\(run.output)")
        #expect(!FileManager.default.fileExists(atPath: stateDirectory), "the state directory was created before the port was checked")
    }

    @Test(
        "every binary answers --version",
        .enabled(if: ProcessHarness.executablesExist, "needs the executables (swift build --build-tests)"))
    func versions() throws {
        for name in ["logshipper", "analyzer", "shop"] {
            let process = Process()
            process.executableURL = ProcessHarness.binaries.appendingPathComponent(name)
            process.arguments = ["--version"]
            let pipe = Pipe()
            process.standardOutput = pipe
            process.standardError = pipe
            try process.run()
            let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            #expect(process.terminationStatus == 0 && output.trimmingCharacters(in: .whitespacesAndNewlines) == "0.1.0", "\(name): \(output)")
        }
    }

    @Test(.enabled(if: ProcessHarness.executablesExist, "needs the logshipper executable (swift build --build-tests)"))
    func validateAcceptsAGoodFileAndLayersEnvironmentAndFlags() throws {
        let harness = try ProcessHarness("validate-ok")
        defer { harness.cleanUp() }
        let config = harness.directory + "/good.yaml"
        try """
            files:
              include: ["/var/log/orders/*.log"]
            sink:
              url: http://analyzer.internal:4180
            """.write(toFile: config, atomically: true, encoding: .utf8)
        let run = try Self.shipper(
            ["validate", config, "--state-dir", "/tmp/flag-state"],
            environment: ["LOGSHIPPER_SINK_URL": "http://10.0.0.9:4180", "LOGSHIPPER_STATE_DIR": "/tmp/env-state"])
        #expect(run.status == 0, "\(run.output)")
        #expect(run.output.contains("sink:       http://10.0.0.9:4180"))
        #expect(run.output.contains("state dir:  /tmp/flag-state"))
    }

    @Test(.enabled(if: ProcessHarness.executablesExist, "needs the logshipper executable (swift build --build-tests)"))
    func runningWithNothingToReadOrABadURLRefusesWithTheFix() throws {
        let nothing = try Self.shipper(["--to", "http://127.0.0.1:4180"])
        #expect(nothing.status != 0)
        #expect(nothing.output.contains("nothing to read"))
        #expect(nothing.output.contains("--file"))

        let harness = try ProcessHarness("bad-url")
        defer { harness.cleanUp() }
        let badURL = try Self.shipper(["--file", harness.directory + "/logs/*.log", "--to", "ftp://x", "--state-dir", harness.stateDirectory, "--metrics-listen", "off"])
        #expect(badURL.status != 0)
        #expect(badURL.output.contains("ftp"))
    }
}

/// The example set-up in Examples/LogShipper stays valid.
@Suite struct ExampleConfigurationTests {
    static let examples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Examples/LogShipper")

    @Test(.enabled(if: ProcessHarness.executablesExist, "needs the logshipper executable (swift build --build-tests)"))
    func theExampleConfigurationValidates() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("token-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        // The example points at /etc/logshipper/token; give it a readable one through the environment.
        let token = directory.appendingPathComponent("token").path
        try "s3cret\n".write(toFile: token, atomically: true, encoding: .utf8)
        let run = try CommandLineTests.shipper(
            ["validate", Self.examples.appendingPathComponent("logshipper.yaml").path],
            environment: ["LOGSHIPPER_SINK_TOKEN_FILE": token])
        #expect(run.status == 0, "\(run.output)")
        #expect(run.output.contains("files:      /var/log/orders/*.log"))
        #expect(run.output.contains("(with token)"))
    }

    @Test(.enabled(if: ProcessHarness.executablesExist, "needs the logshipper executable (swift build --build-tests)"))
    func theComposeSidecarCommandIsAValidShipperCommand() throws {
        let compose = try String(contentsOf: Self.examples.appendingPathComponent("docker-compose.yml"), encoding: .utf8)
        // The sidecar's `command:` list, exactly as the container would receive it.
        let lines = compose.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let sidecar = try #require(lines.firstIndex(of: "  orders-logshipper:"))
        let command = try #require(lines[sidecar...].firstIndex(of: "    command:"))
        let arguments = lines[(command + 1)...].prefix { $0.hasPrefix("      - ") }.map { String($0.dropFirst(8)) }
        #expect(arguments.contains("--file") && arguments.contains("--to"))
        let run = try CommandLineTests.shipper(["validate"] + arguments, environment: ["LOGSHIPPER_SINK_TOKEN": "t"])
        #expect(run.status == 0, "\(run.output)")
        #expect(run.output.contains("sink:       http://analyzer:4180 (with token)"))
        let unit = try String(contentsOf: Self.examples.appendingPathComponent("logshipper@.service"), encoding: .utf8)
        #expect(unit.contains("ExecStart=/usr/local/bin/logshipper --config /etc/logshipper/%i.yaml"))
    }
}
