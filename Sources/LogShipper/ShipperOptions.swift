import SettingSyntax
import ArgumentParser
import Foundation

/// The flags shared by `logshipper` (run) and `logshipper validate`: each one sets a key of the
/// configuration file, and wins over the file and over `LOGSHIPPER_*` variables.
struct ShipperOptions: ParsableArguments {
    @Option(name: [.customShort("c"), .long], help: ArgumentHelp("YAML configuration file.", valueName: "path"))
    var config: String?

    @Option(name: .customLong("file"), help: ArgumentHelp(
        "File or glob pattern to tail; repeat for more (files.include). Quote globs.", valueName: "glob"))
    var files: [String] = []

    @Option(help: ArgumentHelp("Glob pattern to leave out; repeatable (files.exclude).", valueName: "glob"))
    var exclude: [String] = []

    @Flag(help: "Read the local journal through libsystemd (journald.enabled).")
    var journal = false

    @Option(help: ArgumentHelp(
        "Only entries of this systemd unit; repeatable (adds _SYSTEMD_UNIT=NAME to journald.matches).", valueName: "name"))
    var unit: [String] = []

    @Option(help: ArgumentHelp(
        "Only entries with this SYSLOG_IDENTIFIER; repeatable (journald.matches).", valueName: "name"))
    var identifier: [String] = []

    @Option(help: ArgumentHelp("A raw journal match FIELD=value; repeatable (journald.matches).", valueName: "match"))
    var match: [String] = []

    @Option(help: ArgumentHelp("The analyzer's address (sink.url). Default: http://127.0.0.1:4180.", valueName: "url"))
    var to: String?

    @Option(name: .customLong("to-otlp"), help: ArgumentHelp(
        "Send OTLP/HTTP logs (protobuf, gzip) to this OpenTelemetry receiver instead, e.g. a Collector at "
            + "http://127.0.0.1:4318 (sink.kind otlp, sink.url; posts to <url>/v1/logs).", valueName: "url"))
    var toOTLP: String?

    @Option(help: ArgumentHelp(
        "File holding the analyzer's bearer token (sink.token_file). Or set LOGSHIPPER_SINK_TOKEN; a token "
            + "flag would show in the process list.", valueName: "path"))
    var tokenFile: String?

    @Option(help: ArgumentHelp("Extra HTTP header 'Name: value'; repeatable (sink.headers).", valueName: "header"))
    var header: [String] = []

    @Option(help: ArgumentHelp("Service name for plain-text lines (service).", valueName: "name"))
    var service: String?

    @Option(help: ArgumentHelp(
        "Directory for checkpoints, spool and dead letters (state_dir). Default: ./logshipper-state.", valueName: "dir"))
    var stateDir: String?

    @Option(help: ArgumentHelp(
        "Where /metrics and /health listen, host:port or 'off' (metrics.listen). Default: 127.0.0.1:9598.",
        valueName: "address"))
    var metricsListen: String?

    @Option(name: .customLong("max-cpu"), help: ArgumentHelp(
        "Keep the shipper under this percentage of one core by reading slower, never dropping (max_cpu_percent).",
        valueName: "percent"))
    var maxCPU: Int?

    @Option(name: .customLong("set"), help: ArgumentHelp(
        "Any configuration key, e.g. --set batch.max_events=500; repeatable. `logshipper validate --keys` lists them.",
        valueName: "key=value"))
    var assignments: [String] = []

    /// Defaults < config file < environment < flags.
    func rawSettings(environment: [String: String] = ProcessInfo.processInfo.environment) -> RawSettings {
        var raw = RawSettings()
        if let config { raw.load(yamlFile: config) }
        raw.load(environment: environment)
        raw.load(assignments: assignments)
        if !files.isEmpty { raw.set("files.include", .list(files), origin: "--file") }
        if !exclude.isEmpty { raw.set("files.exclude", .list(exclude), origin: "--exclude") }
        if journal { raw.set("journald.enabled", .scalar("true"), origin: "--journal") }
        let matches = unit.map { "_SYSTEMD_UNIT=" + ($0.contains(".") ? $0 : $0 + ".service") }
            + identifier.map { "SYSLOG_IDENTIFIER=" + $0 } + match
        if !matches.isEmpty {
            raw.set("journald.matches", .list(matches), origin: "--unit/--identifier/--match")
            if !journal, raw["journald.enabled"] == nil { raw.set("journald.enabled", .scalar("true"), origin: "--unit/--identifier/--match") }
        }
        if let to { raw.set("sink.url", .scalar(to), origin: "--to") }
        if let toOTLP {
            if to != nil {
                raw.report(SettingProblem(key: "sink.url", origin: "--to-otlp", message: "--to and --to-otlp both name the receiver", fix: "give only one of them"))
            }
            raw.set("sink.kind", .scalar("otlp"), origin: "--to-otlp")
            raw.set("sink.url", .scalar(toOTLP), origin: "--to-otlp")
        }
        if let tokenFile { raw.set("sink.token_file", .scalar(tokenFile), origin: "--token-file") }
        if !header.isEmpty {
            var headers: [String: String] = [:]
            for line in header {
                let parts = line.split(separator: ":", maxSplits: 1)
                guard parts.count == 2 else {
                    raw.report(SettingProblem(key: "sink.headers", origin: "--header", message: "'\(line)' is not 'Name: value'", fix: "write e.g. --header 'X-Tenant: shop'"))
                    continue
                }
                headers[parts[0].trimmingCharacters(in: .whitespaces)] = parts[1].trimmingCharacters(in: .whitespaces)
            }
            raw.set("sink.headers", .map(headers), origin: "--header")
        }
        if let service { raw.set("service", .scalar(service), origin: "--service") }
        if let stateDir { raw.set("state_dir", .scalar(stateDir), origin: "--state-dir") }
        if let metricsListen { raw.set("metrics.listen", .scalar(metricsListen), origin: "--metrics-listen") }
        if let maxCPU { raw.set("max_cpu_percent", .scalar(String(maxCPU)), origin: "--max-cpu") }
        return raw
    }
}
