import AsyncHTTPClient
import ExampleServicesKit
import Foundation
import Hummingbird
import Logging
import NIOCore
import ServiceLog
import ServiceLogHTTPClient
import Synchronization
import Testing

/// Collects what a service wrote.
final class MemoryOutput: LogOutput {
    private let bytes = Mutex<[UInt8]>([])
    func write(_ lines: UnsafeRawBufferPointer) throws(LogOutputError) { bytes.withLock { $0.append(contentsOf: lines) } }
    func events() throws -> [Event] {
        try bytes.withLock { String(decoding: $0, as: UTF8.self) }.split(separator: "\n").map { try Event(jsonLine: String($0)) }
    }
}

struct RunningService {
    let output: MemoryOutput
    let writer: LineWriter
    let logger: Logger
    static func make(_ service: String) -> RunningService {
        let output = MemoryOutput()
        let configuration = ServiceLogConfiguration(service: service)
        let writer = ServiceLog.makeWriter(configuration: configuration, output: output)
        let logger = Logger(label: service) { ServiceLogHandler(label: $0, configuration: configuration, writer: writer) }
        return RunningService(output: output, writer: writer, logger: logger)
    }
}

/// Receives the port a server bound to.
actor PortBox {
    var port: Int?
    func set(_ value: Int) { port = value }
    func wait() async throws -> Int {
        for _ in 0..<500 {
            if let port { return port }
            try await Task.sleep(for: .milliseconds(10))
        }
        throw CancellationError()
    }
}

@Suite(.serialized) struct HTTPHopTests {
    /// Two real Hummingbird services on loopback; orders calls inventory over HTTP with AsyncHTTPClient.
    @Test func contextCrossesARealHTTPHopAndRetriesAreRecorded() async throws {
        let orders = RunningService.make("orders")
        let inventory = RunningService.make("inventory")
        let client = RunningService.make("client")
        let inventoryPort = PortBox()
        let ordersPort = PortBox()
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                try await InventoryService.makeApplication(logger: inventory.logger, port: 0, failEvery: 2) { await inventoryPort.set($0) }.run()
            }
            let inventoryURL = "http://127.0.0.1:\(try await inventoryPort.wait())"
            group.addTask {
                try await OrdersService.makeApplication(logger: orders.logger, port: 0, inventoryURL: inventoryURL, httpClient: .shared) {
                    await ordersPort.set($0)
                }.run()
            }
            let url = "http://127.0.0.1:\(try await ordersPort.wait())/orders"
            var responses: [ServiceResponse] = []
            for index in 0..<4 {
                var request = HTTPClientRequest(url: url)
                request.method = .POST
                request.body = .bytes(ByteBuffer(string: #"{"sku":"sku-\#(index)","quantity":1,"card_number":"4111111111111111"}"#))
                let response = try await CorrelationContext.newRoot(correlationID: "req-\(index)").withCurrent {
                    try await HTTPClient.shared.callService("orders", request, endpoint: "/orders", logger: client.logger)
                }
                responses.append(response)
            }
            #expect(responses.map(\.status) == Array(repeating: .created, count: 4))
            #expect(responses.map { $0.headers.first(name: "X-Correlation-ID") } == ["req-0", "req-1", "req-2", "req-3"])
            // A thrown HTTP error (404 for an unknown SKU) still carries the correlation ID back.
            var probe = HTTPClientRequest(url: "\(inventoryURL)/stock/missing")
            probe.headers.add(name: "X-Correlation-ID", value: "probe-404")
            var notFound = try await HTTPClient.shared.execute(probe, timeout: .seconds(10))
            if notFound.status == .serviceUnavailable {  // failEvery: 2 answers every second request with 503
                notFound = try await HTTPClient.shared.execute(probe, timeout: .seconds(10))
            }
            #expect(notFound.status == .notFound)
            #expect(notFound.headers.first(name: "X-Correlation-ID") == "probe-404")
            group.cancelAll()
        }
        for service in [orders, inventory, client] { service.writer.flush() }
        let all = try orders.output.events() + inventory.output.events() + client.output.events()
        #expect(!all.contains { $0.attributes.values.contains(.string("4111111111111111")) }, "card number leaked")
        for index in 0..<4 {
            let request = all.filter { $0.correlationID == "req-\(index)" }
            #expect(Set(request.compactMap(\.traceID)).count == 1, "one trace per request")
            let clientCall = try #require(request.first { $0.service == "client" && $0.eventType == .serviceCall })
            let ordersStart = try #require(request.first { $0.service == "orders" && $0.eventType == .requestStart })
            #expect(ordersStart.parentSpanID == clientCall.spanID)
            let inventoryCalls = request.filter { $0.service == "orders" && $0.eventType == .serviceCall }
            let inventoryStarts = request.filter { $0.service == "inventory" && $0.eventType == .requestStart }
            for start in inventoryStarts {
                guard case .requestStart(let details) = start.payload else { continue }
                #expect(details.endpoint == "/stock/{sku}", "the route template, not the raw path")
            }
            #expect(inventoryCalls.count == inventoryStarts.count)
            for call in inventoryCalls {
                #expect(call.parentSpanID == ordersStart.spanID)
                #expect(inventoryStarts.contains { $0.parentSpanID == call.spanID }, "callee's server span hangs under the client span")
            }
        }
        // failEvery: 2 makes every second inventory request a 503 that the caller retries.
        let attempts = try orders.output.events().compactMap { event -> ServiceCall? in
            if case .serviceCall(let call) = event.payload { return call }
            return nil
        }
        // Loose on purpose (loaded CI machines); a unit error would be 1000x off.
        #expect(attempts.allSatisfy { $0.durationMS > 0 && $0.durationMS < 45_000 }, "durations are plausible milliseconds")
        #expect(attempts.contains { $0.statusCode == 503 && $0.attempt == 1 && !$0.success })
        #expect(attempts.contains { $0.statusCode == 200 && $0.attempt == 2 && $0.success })
    }

    @Test func aDeadCalleeIsRecordedAsConnectionRefused() async throws {
        let orders = RunningService.make("orders")
        // Find a port nobody listens on: bind, read it, close.
        let deadPort = try await {
            let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton).bind(host: "127.0.0.1", port: 0).get()
            let port = channel.localAddress!.port!
            try await channel.close()
            return port
        }()
        let ordersPort = PortBox()
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                try await OrdersService.makeApplication(
                    logger: orders.logger, port: 0, inventoryURL: "http://127.0.0.1:\(deadPort)", httpClient: .shared
                ) { await ordersPort.set($0) }.run()
            }
            var request = HTTPClientRequest(url: "http://127.0.0.1:\(try await ordersPort.wait())/orders")
            request.method = .POST
            request.body = .bytes(ByteBuffer(string: #"{"sku":"a","quantity":1}"#))
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
            #expect(response.status == .badGateway)
            group.cancelAll()
        }
        orders.writer.flush()
        let events = try orders.output.events()
        let calls = events.compactMap { event -> ServiceCall? in
            if case .serviceCall(let call) = event.payload { return call }
            return nil
        }
        #expect(calls.count == 3, "three attempts")
        #expect(calls.allSatisfy { $0.error == "connection_refused" && $0.statusCode == 0 })
        #expect(events.contains { $0.eventType == .error })
        let end = try #require(events.first { $0.eventType == .requestEnd })
        guard case .requestEnd(let details) = end.payload else { return }
        #expect(details.statusCode == 502 && !details.success)
    }
}

import NIOPosix
