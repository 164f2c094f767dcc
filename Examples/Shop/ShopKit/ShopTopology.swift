/// The shop's twelve services, their ports and who calls whom. The launcher, the load generator, the
/// services themselves and `docker-compose.yml` (checked by a test) all follow this one table.
public struct ShopTopology: Sendable {
    /// One service of the shop.
    public struct Service: Sendable, Hashable {
        /// The service's name, as it appears in events and in the analyzer's graph.
        public var name: String
        /// Offset from the base port (the gateway is 0).
        public var portOffset: Int
        /// What it does, for `--help` and the demo's banner.
        public var role: String
        /// The services it calls.
        public var calls: [String]
    }

    /// The first port; service `i` listens on `basePort + portOffset`.
    public var basePort: Int
    /// The services that take part (the full shop, or a small one for tests).
    public var services: [Service]
    /// Reach other services by their names (containers on one network) instead of 127.0.0.1.
    public var reachByName: Bool

    /// The full shop on `basePort`.
    public init(basePort: Int = 18100, services: [Service] = ShopTopology.allServices, reachByName: Bool = false) {
        self.basePort = basePort
        self.services = services
        self.reachByName = reachByName
    }

    /// The port `service` listens on.
    public func port(of service: String) -> Int? {
        services.first { $0.name == service }.map { basePort + $0.portOffset }
    }

    /// `http://127.0.0.1:PORT` of `service` (or `http://SERVICE:PORT` with ``reachByName``).
    public func url(of service: String) -> String? {
        port(of: service).map { "http://\(reachByName ? service : "127.0.0.1"):\($0)" }
    }

    /// Whether `service` takes part.
    public func contains(_ service: String) -> Bool {
        services.contains { $0.name == service }
    }

    /// The topology restricted to `names` (calls to services left out are skipped by the callers).
    public func restricted(to names: Set<String>) -> ShopTopology {
        var copy = self
        copy.services = services.filter { names.contains($0.name) }.map { service in
            var service = service
            service.calls = service.calls.filter(names.contains)
            return service
        }
        return copy
    }

    /// The twelve services. The gateway is the only entry service (users talk to it).
    public static let allServices: [Service] = [
        Service(name: "gateway", portOffset: 0, role: "the public API: product pages, home page, cart, checkout",
                calls: ["catalog", "pricing", "recommendations", "users", "cart", "inventory", "orders"]),
        Service(name: "catalog", portOffset: 1, role: "product descriptions", calls: ["datastore"]),
        Service(name: "pricing", portOffset: 2, role: "prices and quotes (with a cache)", calls: []),
        Service(name: "recommendations", portOffset: 3, role: "\"you may also like\": products with their prices",
                calls: ["catalog", "pricing"]),
        Service(name: "users", portOffset: 4, role: "accounts and sessions", calls: ["datastore"]),
        Service(name: "cart", portOffset: 5, role: "shopping carts", calls: ["datastore"]),
        Service(name: "inventory", portOffset: 6, role: "stock levels and reservations (a datastore pool)", calls: ["datastore"]),
        Service(name: "orders", portOffset: 7, role: "checkout: reserve, charge, ship, notify",
                calls: ["cart", "inventory", "payments", "shipping", "notifications"]),
        Service(name: "payments", portOffset: 8, role: "charges cards against a pricing quote", calls: ["pricing", "datastore"]),
        Service(name: "shipping", portOffset: 9, role: "shipment booking", calls: ["datastore"]),
        Service(name: "notifications", portOffset: 10, role: "order e-mails", calls: []),
        Service(name: "datastore", portOffset: 11, role: "a key-value datastore", calls: []),
    ]

    /// The small shop of the end-to-end test: checkout through gateway -> orders -> payments -> pricing,
    /// with the datastore.
    public static func small(basePort: Int) -> ShopTopology {
        ShopTopology(basePort: basePort).restricted(to: ["gateway", "orders", "payments", "pricing", "datastore"])
    }
}
