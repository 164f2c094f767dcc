/// A stretch of client errors at the entry that no fault causes: the service doing its job.
public struct ClientErrorBurst: Sendable, Hashable {
    /// Who sends the requests and how the entry answers them.
    public enum Cause: String, Sendable, Hashable, Codable, CaseIterable {
        /// One abusive client over its quota: most of its requests get `429 Too Many Requests`.
        case rateLimited = "rate-limited"
        /// A bot probing for well-known files (`/.env`, `/wp-login.php`): `404`.
        case scanning
        /// Credential stuffing or a client with a revoked key: `401`.
        case credentialStuffing = "credential-stuffing"

        /// The status the entry answers with.
        public var status: Int {
            switch self {
            case .rateLimited: 429
            case .scanning: 404
            case .credentialStuffing: 401
            }
        }
    }

    public var cause: Cause
    /// Seconds after the scenario start.
    public var startSecond: Double
    public var durationSeconds: Double
    /// The bot's own request rate (on top of the users').
    public var requestsPerSecond: Double
    /// For `rateLimited`: the share of the client's requests still under its quota (served normally).
    public var passShare: Double
    /// The client's address, as the entry logs it.
    public var clientIP: String
    /// The client's `User-Agent`.
    public var userAgent: String

    /// A burst of `cause` from `startSecond` for `durationSeconds` at `requestsPerSecond`.
    public init(
        cause: Cause, startSecond: Double, durationSeconds: Double, requestsPerSecond: Double, passShare: Double = 0,
        clientIP: String = "198.51.100.23", userAgent: String = "python-requests/2.31.0"
    ) {
        self.cause = cause
        self.startSecond = startSecond
        self.durationSeconds = durationSeconds
        self.requestsPerSecond = requestsPerSecond
        self.passShare = passShare
        self.clientIP = clientIP
        self.userAgent = userAgent
    }
}

/// The client errors of a scenario: a steady trickle every public API has, plus bursts.
public struct ClientErrors: Sendable, Hashable {
    /// Per user request at the entry: an expired or missing token, answered `401` by the entry itself.
    public var unauthorizedRate: Double
    /// Per user request at the entry: an item that does not exist, answered `404` by the entry.
    public var notFoundRate: Double
    public var bursts: [ClientErrorBurst]

    /// Client errors at these rates with these bursts.
    public init(unauthorizedRate: Double = 0, notFoundRate: Double = 0, bursts: [ClientErrorBurst] = []) {
        self.unauthorizedRate = unauthorizedRate
        self.notFoundRate = notFoundRate
        self.bursts = bursts
    }
}
