import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import ServiceLog

/// Everything one running service's routes share: its name and logger, the client for its
/// dependencies, its faults, and (when it uses the datastore) its connection pool.
public struct ShopRuntime: Sendable {
    public let service: String
    public let logger: Logger
    public let client: ShopClient
    public let faults: FaultState
    public let leak: MemoryLeak
    public let pool: ConnectionPool

    public init(service: String, logger: Logger, client: ShopClient, faults: FaultState = FaultState(),
                leak: MemoryLeak = MemoryLeak(), pool: ConnectionPool = ConnectionPool()) {
        self.service = service
        self.logger = logger
        self.client = client
        self.faults = faults
        self.leak = leak
        self.pool = pool
    }

    /// Reads `key` from the datastore through the pool.
    @discardableResult
    public func load(_ key: String) async throws -> String? {
        try await withDatastore { try await client.call("datastore", "/kv", query: "key=\(key)", timeout: .milliseconds(800)) }
    }

    /// Writes `key` to the datastore through the pool.
    public func save(_ key: String, _ value: String) async throws {
        try await withDatastore {
            try await client.call("datastore", "/kv", method: .PUT, query: "key=\(key)", body: value, timeout: .milliseconds(800))
        }
    }

    private func withDatastore(_ body: @Sendable () async throws -> String?) async throws -> String? {
        // With the `pool_exhaustion` fault, connections are not given back until the set share is gone.
        try await pool.withConnection(leakShare: (faults.amount(of: .poolExhaustion) ?? 0) / 100, body)
    }

    /// How many times the usual calls downstream this service makes now (the `surge` condition).
    public var fanout: Int {
        max(1, Int(faults.amount(of: .surge) ?? 1))
    }

    /// Gauges for the resource sampler: the pool's, for services that use the datastore.
    public func gauges() -> [String: Double] {
        ShopTopology.allServices.first { $0.name == service }?.calls.contains("datastore") == true ? pool.gauges : [:]
    }
}
