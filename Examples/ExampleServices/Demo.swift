import ArgumentParser
import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import ServiceLog
import ServiceLogHTTPClient

#if canImport(Glibc)
import Glibc
#endif

struct Demo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Start orders and inventory, send orders through them, and show one request's events.")

    @Option(help: "Number of orders to send.")
    var requests = 20

    @Option(help: "Directory for the services' event files.")
    var outputDirectory = "demo-events"

    @Option(help: "Port of the orders service.")
    var ordersPort = 18080

    @Option(help: "Port of the inventory service.")
    var inventoryPort = 18081

    func run() async throws {
        let directory = URL(fileURLWithPath: outputDirectory, isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        for name in ["inventory", "orders", "demo-client"] {
            try? FileManager.default.removeItem(at: directory.appendingPathComponent("\(name).ndjson"))
        }
        let executable = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        let inventory = try launch(executable, ["inventory", "--port", "\(inventoryPort)", "--fail-every", "4",
                                                "--log-file", directory.appendingPathComponent("inventory.ndjson").path])
        let orders = try launch(executable, ["orders", "--port", "\(ordersPort)", "--inventory", "http://127.0.0.1:\(inventoryPort)",
                                             "--log-file", directory.appendingPathComponent("orders.ndjson").path])
        defer {
            for process in [orders, inventory] where process.isRunning {
                process.terminate()
                process.waitUntilExit()
            }
        }
        let clientOutput = try RotatingFileOutput(path: directory.appendingPathComponent("demo-client.ndjson").path)
        let configuration = ServiceLogConfiguration(service: "demo-client")
        let writer = ServiceLog.makeWriter(configuration: configuration, output: clientOutput)
        let logger = Logger(label: "demo-client") { ServiceLogHandler(label: $0, configuration: configuration, writer: writer) }

        try await waitUntilHealthy("http://127.0.0.1:\(ordersPort)/health")
        try await waitUntilHealthy("http://127.0.0.1:\(inventoryPort)/health")
        print("orders on :\(ordersPort), inventory on :\(inventoryPort); sending \(requests) orders...")
        var statuses: [UInt: Int] = [:]
        for index in 0..<requests {
            var request = HTTPClientRequest(url: "http://127.0.0.1:\(ordersPort)/orders")
            request.method = .POST
            request.headers.add(name: "Content-Type", value: "application/json")
            let sku = index % 7 == 6 ? "missing" : "sku-\(index % 5)"
            request.body = .bytes(ByteBuffer(string: #"{"sku":"\#(sku)","quantity":1,"card_number":"4111111111111111"}"#))
            let response = try await CorrelationContext.newRoot().withCurrent {
                try await HTTPClient.shared.callService("orders", request, endpoint: "/orders", logger: logger)
            }
            statuses[UInt(response.status.code), default: 0] += 1
        }
        writer.flush()
        print("responses: " + statuses.sorted { $0.key < $1.key }.map { "\($0.value)x \($0.key)" }.joined(separator: ", "))
        try await Task.sleep(for: .milliseconds(300))  // let the services' writers drain
        try printOneRequest(directory: directory)
    }

    func launch(_ executable: URL, _ arguments: [String]) throws -> Process {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        try process.run()
        return process
    }

    func waitUntilHealthy(_ url: String) async throws {
        for _ in 0..<100 {
            if let response = try? await HTTPClient.shared.execute(HTTPClientRequest(url: url), timeout: .seconds(1)),
                response.status == .ok
            {
                return
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw ValidationError("\(url) did not become healthy within 10 s; is the port already in use? Try --orders-port/--inventory-port.")
    }

    /// Prints the events of the most interesting request (one with a retried call) as a tree of spans.
    func printOneRequest(directory: URL) throws {
        var events: [Event] = []
        var invalid = 0
        for name in ["demo-client", "orders", "inventory"] {
            let text = try String(contentsOf: directory.appendingPathComponent("\(name).ndjson"), encoding: .utf8)
            for line in text.split(separator: "\n") {
                if let event = try? Event(jsonLine: String(line)) { events.append(event) } else { invalid += 1 }
            }
        }
        let byRequest = Dictionary(grouping: events.filter { $0.correlationID != nil }, by: { $0.correlationID! })
        let retried = byRequest.first { $0.value.contains { event in
            if case .serviceCall(let call) = event.payload { return (call.attempt ?? 1) > 1 }
            return false
        } }
        guard let (correlationID, requestEvents) = retried ?? byRequest.first else {
            print("no request events found")
            return
        }
        print("\n\(events.count) events in \(directory.path) (\(invalid) unparseable); request \(correlationID):")
        for event in requestEvents.sorted(by: { $0.timestamp < $1.timestamp }) {
            let span = event.spanID.map { String($0.description.prefix(8)) } ?? "-"
            let parent = event.parentSpanID.map { String($0.description.prefix(8)) } ?? "-"
            print("  \(event.timestamp)  \(event.service.padding(toLength: 12, withPad: " ", startingAt: 0)) span \(span) <- \(parent)  \(summary(event))")
        }
        print("\nEach service wrote its own file; correlation_id and trace_id tie the lines together.")
    }

    func summary(_ event: Event) -> String {
        switch event.payload {
        case .requestStart(let start): "request_start \(start.method) \(start.endpoint)"
        case .requestEnd(let end): "request_end   \(end.statusCode) in \(end.durationMS) ms"
        case .serviceCall(let call):
            "service_call  -> \(call.targetService) \(call.endpoint) \(call.statusCode) in \(call.durationMS) ms"
                + (call.attempt.map { " (attempt \($0))" } ?? "") + (call.error.map { " error=\($0)" } ?? "")
        case .error: "error         \(event.message ?? "")"
        case .resource: "resource"
        case .log:
            "log           \(event.message ?? "")"
                + (event.attributes["card_number"].map { " card_number=\($0.stringValue ?? "?")" } ?? "")
        }
    }
}
