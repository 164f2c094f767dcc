import ArgumentParser
import AsyncHTTPClient
import ExampleServicesKit
import Foundation
import Logging
import ServiceLog

/// Two real HTTP services instrumented with ServiceLog, and a demo that runs them and shows the events.
@main
struct ExampleServices: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "example-services",
        abstract: "Two instrumented HTTP services (orders -> inventory) and a demo that drives them.",
        discussion: """
            Every service writes canonical events (one JSON object per line) with correlation and W3C trace \
            context. `demo` starts both services as separate processes on loopback, sends orders through them \
            with AsyncHTTPClient, and prints the events of one request across all services.
            """,
        subcommands: [Demo.self, Inventory.self, Orders.self],
        defaultSubcommand: Demo.self)
}

/// Options every service subcommand shares.
struct ServiceOptions: ParsableArguments {
    @Option(help: "Port to listen on (loopback only).")
    var port: Int

    @Option(help: "Write events to this file (rotated at 64 MiB) instead of stdout.")
    var logFile: String?

    @Option(help: "Minimum level: trace, debug, info, notice, warning, error, critical.")
    var level: Logger.Level = .info

    /// Bootstraps ServiceLog for `service` and returns its logger.
    func bootstrap(service: String) throws -> Logger {
        let output: any LogOutput = try logFile.map { try RotatingFileOutput(path: $0) } ?? StandardOutput()
        ServiceLog.bootstrap(ServiceLogConfiguration(service: service, logLevel: level), output: output)
        return Logger(label: service)
    }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}

struct Inventory: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the inventory service.")

    @OptionGroup var options: ServiceOptions

    @Option(help: "Answer 503 to every Nth stock request (0 = never), to show retries.")
    var failEvery = 0

    func run() async throws {
        let logger = try options.bootstrap(service: "inventory")
        let sampler = ResourceSampler(logger: logger, interval: .seconds(5))
        let sampling = Task { await sampler.run() }
        defer { sampling.cancel() }
        try await InventoryService.makeApplication(logger: logger, port: options.port, failEvery: failEvery).runService()
    }
}

struct Orders: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the orders service.")

    @OptionGroup var options: ServiceOptions

    @Option(help: "Base URL of the inventory service.")
    var inventory = "http://127.0.0.1:8081"

    func run() async throws {
        let logger = try options.bootstrap(service: "orders")
        let sampler = ResourceSampler(logger: logger, interval: .seconds(5))
        let sampling = Task { await sampler.run() }
        defer { sampling.cancel() }
        try await OrdersService.makeApplication(
            logger: logger, port: options.port, inventoryURL: inventory, httpClient: .shared
        ).runService()
    }
}
