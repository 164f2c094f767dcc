import AsyncHTTPClient

/// The HTTP client the shop's processes use for each other and for the shoppers.
public enum ShopHTTP {
    /// A client that opens up to 256 connections per host. `HTTPClient.shared` opens 8, which would
    /// queue a busy shop's calls inside the caller, where the callee (and its events) never sees them.
    /// Shut it down when done (`try await client.shutdown()`).
    public static func makeClient() -> HTTPClient {
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: 256)
        return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }
}
