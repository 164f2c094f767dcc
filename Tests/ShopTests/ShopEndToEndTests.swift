import AnalyzerCore
import AsyncHTTPClient
import Foundation
import NIOFoundationCompat
import ServiceLog
import ShopKit
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The whole product on a small shop: five real services (each its own process, events on stdout
/// captured into files), one real logshipper per service, one real `analyzer serve` on SQLite.
@Suite("Shop end to end", .serialized)
struct ShopEndToEndTests {
    static let binaries = ShopLauncher.Binaries(directory: URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().path)

    @Test("a latency fault in pricing (not an entry service) is named with its kind, and every event arrives",
          .enabled(if: ShopEndToEndTests.binaries.missing == nil, "needs `swift build --build-tests` to have built shop, analyzer and logshipper"),
          .timeLimit(.minutes(4)))
    func latencyInPricingIsDiagnosedAndNothingIsLost() async throws {
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("shop-e2e-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: work) }
        let topology = ShopTopology.small(basePort: try FreePorts.base(for: ShopTopology.small(basePort: 0)))
        let launcher = ShopLauncher(
            topology: topology, workDirectory: work, binaries: Self.binaries, analyzerPort: try FreePorts.one(), resourceInterval: 1)
        try launcher.prepare()
        try launcher.startAnalyzer()
        try launcher.startServices()
        try launcher.startShippers()
        do {
            try await run(launcher)
        } catch {
            await launcher.stopAll()
            throw error
        }
    }

    func run(_ launcher: ShopLauncher) async throws {
        try await launcher.waitUntilHealthy()
        let load = LoadGenerator(gatewayURL: launcher.topology.url(of: "gateway")!, mix: try JourneyMix(parsing: "checkout=100"), rate: 10)
        let http = ShopHTTP.makeClient()
        defer { Task { try? await http.shutdown() } }
        let loading = Task { await load.run(http: http) }
        try await Task.sleep(for: .seconds(25))  // the baseline
        let healthy = load.takeProgress()
        #expect(healthy.succeeded > 150, "the healthy shop should serve its checkouts: \(healthy)")

        try await launcher.inject(FaultSetting(kind: .latency, amount: 700), into: "pricing")
        let incident = await IncidentWatcher(analyzerURL: launcher.analyzerURL)
            .waitForIncident(after: Date(), timeout: .seconds(75), settle: .seconds(5))
        loading.cancel()
        await loading.value

        let found = try #require(incident, "the analyzer reported no incident after the fault")
        #expect(found.rootCause.service == "pricing", "candidates: \(found.candidates)")
        #expect(found.rootCause.kind == .latency, "root cause: \(found.rootCause)")
        #expect(!found.candidates.prefix(1).contains { $0.service == "gateway" || $0.service == "payments" })

        // Every event the services wrote reaches the store, counted by event_id.
        await launcher.children.stop(Set(launcher.topology.services.map(\.name)))
        let written = try launcher.topology.services.reduce(into: Set<String>()) { ids, service in
            ids.formUnion(try Self.eventIDs(inFile: launcher.eventsFile(of: service.name)))
        }
        #expect(written.count > 1_000)
        try await Self.waitUntilStored(written.count, analyzerURL: launcher.analyzerURL)
        await launcher.stopAll()
        let stored = try await SQLiteEventStore(path: launcher.storePath).events(matching: EventQuery())
        let storedIDs = Set(stored.compactMap(\.eventID))
        let missing = written.subtracting(storedIDs)
        #expect(missing.isEmpty, "\(missing.count) of \(written.count) events never reached the analyzer, e.g. \(missing.prefix(3))")
    }

    static func eventIDs(inFile path: String) throws -> Set<String> {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        var ids = Set<String>()
        // A last line without its newline was cut by a kill; it never was a whole event.
        let complete = text.hasSuffix("\n") ? Substring(text) : text[..<(text.lastIndex(of: "\n") ?? text.startIndex)]
        for line in complete.split(separator: "\n") {
            let event = try Event(jsonLine: String(line))
            if let id = event.eventID { ids.insert(id) }
        }
        return ids
    }

    /// Polls `/api/status` until the store holds `count` events (the shippers deliver within seconds).
    static func waitUntilStored(_ count: Int, analyzerURL: String) async throws {
        struct Status: Decodable {
            var storedEvents: Int
            enum CodingKeys: String, CodingKey { case storedEvents = "stored_events" }
        }
        for _ in 0..<60 {
            if let response = try? await HTTPClient.shared.execute(HTTPClientRequest(url: analyzerURL + "/api/status"), timeout: .seconds(10)),
               let body = try? await response.body.collect(upTo: 1 << 20),
               let status = try? JSONDecoder().decode(Status.self, from: Data(buffer: body)), status.storedEvents >= count
            {
                return
            }
            try await Task.sleep(for: .milliseconds(500))
        }
    }
}
