#if canImport(Glibc)
import Glibc
#endif
import Hummingbird
import Logging

/// Where `analyzer serve` listens and what it accepts.
public struct AnalyzerServerConfiguration: Sendable, Hashable {
    /// Address to bind. Default `127.0.0.1`: only this machine can send events until you decide
    /// otherwise (and then a token is required, see ``validate()``).
    public var host: String
    /// TCP port; 0 picks a free one (tests). Default 4180.
    public var port: Int
    /// When set, `POST /v1/events` requires `Authorization: Bearer <token>`. `GET /healthz` never does.
    public var token: String?
    /// Body, line and nesting limits per request.
    public var limits: IngestLimits
    /// Seconds a sender is asked to wait (`Retry-After`) after the store failed or when the server is
    /// busy. Default 5.
    public var retryAfterSeconds: Int
    /// A connection that sends nothing (no header, no body bytes) and waits for nothing for this long is
    /// closed, between requests too. Default 30 s.
    public var idleTimeout: Duration
    /// The most time one ingest request body may take to arrive, however slowly it trickles (408).
    /// Default 60 s.
    public var bodyTimeout: Duration
    /// Connections served at once; more wait in the listen backlog until one closes. Default 512,
    /// lowered at start to leave 64 file descriptors free under the process's limit (`ulimit -n`), so
    /// that many idle connections can never starve the store of descriptors.
    public var maxConnections: Int

    /// Creates a configuration; every argument has the documented default.
    public init(
        host: String = "127.0.0.1", port: Int = 4180, token: String? = nil, limits: IngestLimits = IngestLimits(),
        retryAfterSeconds: Int = 5, idleTimeout: Duration = .seconds(30), bodyTimeout: Duration = .seconds(60),
        maxConnections: Int = 512
    ) {
        self.host = host
        self.port = port
        self.token = token
        self.limits = limits
        self.retryAfterSeconds = retryAfterSeconds
        self.idleTimeout = idleTimeout
        self.bodyTimeout = bodyTimeout
        self.maxConnections = maxConnections
    }

    /// Refuses unsafe or meaningless settings: anything but a loopback address without a token (anyone
    /// on the network could write events, and so forge incidents), an empty token, limits below 1.
    public func validate() throws(AnalyzerServerConfigurationError) {
        if let token, token.isEmpty { throw .emptyToken }
        if token == nil && !Self.isLoopback(host) { throw .publicAddressWithoutToken(host: host) }
        guard (0...65535).contains(port) else { throw .invalid("port \(port) is not between 0 and 65535") }
        for (name, value) in [
            ("max body bytes", limits.maxBodyBytes), ("max decompressed bytes", limits.maxDecompressedBytes),
            ("max line bytes", limits.maxLineBytes), ("max depth", limits.maxDepth), ("max lines", limits.maxLines),
            ("max connections", maxConnections),
        ] where value < 1 {
            throw .invalid("\(name) must be at least 1, not \(value)")
        }
        let largest = max(limits.maxBodyBytes, limits.maxDecompressedBytes)
        guard limits.maxInFlightBytes >= largest else {
            throw .invalid(
                "max in-flight bytes (\(limits.maxInFlightBytes)) must be at least the largest body it may have to hold "
                    + "(\(largest), from the body and decompressed limits), or such a body would be refused forever")
        }
        guard idleTimeout > .zero, bodyTimeout > .zero else { throw .invalid("the idle and body timeouts must be more than 0") }
    }

    /// ``maxConnections``, lowered so that 64 file descriptors stay free under `RLIMIT_NOFILE`.
    public var effectiveMaxConnections: Int {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0, limit.rlim_cur != rlim_t.max else { return maxConnections }
        let available = Int(clamping: limit.rlim_cur) - 64
        return max(1, min(maxConnections, available))
    }

    /// Hummingbird's settings for these limits: the address, the connection cap.
    public func applicationConfiguration(logger: Logger) -> ApplicationConfiguration {
        ApplicationConfiguration(
            address: .hostname(host, port: port), serverName: "analyzer",
            availableConnectionsDelegate: .maximum(effectiveMaxConnections, logger: logger))
    }

    /// ``idleTimeout`` in nanoseconds, for HTTP/1's `idleTimeout` (a NIO `TimeAmount`).
    public var idleTimeoutNanoseconds: Int64 {
        let (seconds, attoseconds) = idleTimeout.components
        let (nanos, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        return overflow ? .max : nanos.addingReportingOverflow(attoseconds / 1_000_000_000).partialValue
    }

    /// Whether `host` names this machine only: `localhost`, `127.0.0.0/8` or `::1`. Other names are
    /// assumed public, since what they resolve to can change.
    public static func isLoopback(_ host: String) -> Bool {
        var host = host.lowercased()
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        if host == "localhost" || host == "::1" || host == "0:0:0:0:0:0:0:1" { return true }
        let octets = host.split(separator: ".", omittingEmptySubsequences: false)
        return octets.count == 4 && octets.allSatisfy { UInt8($0) != nil } && octets[0] == "127"
    }
}

/// Why ``AnalyzerServerConfiguration/validate()`` refused a configuration.
public enum AnalyzerServerConfigurationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Binding beyond loopback without a token.
    case publicAddressWithoutToken(host: String)
    /// A token was given but is empty.
    case emptyToken
    /// Another setting is out of range.
    case invalid(String)

    /// What to do about it, naming the command-line flags.
    public var description: String {
        switch self {
        case .publicAddressWithoutToken(let host):
            "refusing to listen on \(host) without a token: anyone who can reach it could write events. "
                + "Pass --token TOKEN (or set ANALYZER_TOKEN), or listen on 127.0.0.1"
        case .emptyToken:
            "the token is empty: pass a non-empty --token (or ANALYZER_TOKEN)"
        case .invalid(let reason):
            reason
        }
    }
}
