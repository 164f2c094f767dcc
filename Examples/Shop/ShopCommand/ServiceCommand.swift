import ArgumentParser
import AsyncHTTPClient
import Foundation
import Logging
import ServiceLog
import ShopKit

#if canImport(Glibc)
import Glibc
#endif

struct ServiceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "service",
        abstract: "Run one shop service (events on stdout, one JSON object per line).",
        discussion: "Services and ports (base port + offset):\n"
            + ShopTopology.allServices.map { "  \($0.name.padding(toLength: 16, withPad: " ", startingAt: 0)) +\($0.portOffset)  \($0.role)" }
                .joined(separator: "\n")
            + "\n\nFaults are switched at run time: `shop fault SERVICE KIND` or POST /admin/fault.")

    @Argument(help: "The service to run.")
    var name: String

    @OptionGroup var topologyOptions: TopologyOptions

    @Option(help: "Seconds between resource events (memory, CPU, pool gauges).")
    var resourceInterval = 5.0

    @Option(help: "Exit when this process is gone (the launcher's PID), so no service outlives a killed demo.")
    var parentPID: Int32?

    @Option(help: "Address to listen on (0.0.0.0 in a container).")
    var listenHost = "127.0.0.1"

    @Option(help: ArgumentHelp("Write events to this file (rotated at 64 MiB) instead of stdout.", valueName: "path"))
    var eventsFile: String?

    @Option(help: "Minimum level of the events written: trace, debug, info, notice, warning, error, critical.")
    var level = "info"

    func validate() throws {
        guard ShopTopology.allServices.contains(where: { $0.name == name }) else {
            throw ValidationError("unknown service \"\(name)\"; the shop has: " + ShopTopology.allServices.map(\.name).joined(separator: ", "))
        }
        guard resourceInterval > 0 else { throw ValidationError("--resource-interval must be more than 0 seconds") }
        guard Logger.Level(rawValue: level) != nil else { throw ValidationError("unknown --level \(level)") }
    }

    func run() async throws {
        let topology = try topologyOptions.topology()
        guard let port = topology.port(of: name) else { throw ValidationError("\(name) is not among --services") }
        let output: any LogOutput = try eventsFile.map { try RotatingFileOutput(path: $0) } ?? StandardOutput()
        ServiceLog.bootstrap(ServiceLogConfiguration(service: name, logLevel: Logger.Level(rawValue: level)!), output: output)
        let logger = Logger(label: name)
        let http = ShopHTTP.makeClient()
        let runtime = ShopRuntime(service: name, logger: logger, client: ShopClient(topology: topology, http: http, logger: logger))
        let sampler = ResourceSampler(logger: logger, interval: .milliseconds(Int(resourceInterval * 1000)), gauges: { runtime.gauges() })
        let sampling = Task { await sampler.run() }
        let watchdog = Task { await Self.exitWhenGone(parentPID) }
        defer {
            sampling.cancel()
            watchdog.cancel()
            ServiceLog.flush()
        }
        try await ShopService.makeApplication(runtime: runtime, port: port, host: listenHost).runService()
        try? await http.shutdown()
    }

    /// Exits the process once `pid` is gone (its parent was killed without a chance to clean up).
    static func exitWhenGone(_ pid: Int32?) async {
        guard let pid else { return }
        while !Task.isCancelled {
            try? await Task.sleep(for: .seconds(1))
            if kill(pid, 0) != 0 && errno == ESRCH {
                ServiceLog.flush()
                Foundation.exit(0)
            }
        }
    }
}
