import Hummingbird

/// The routes of each shop service (one file per service beside this one).
enum ShopRoutes {
    struct UnknownService: Error, CustomStringConvertible {
        let name: String
        var description: String {
            "unknown service \"\(name)\"; the shop has: " + ShopTopology.allServices.map(\.name).joined(separator: ", ")
        }
    }

    static func add(to router: Router<BasicRequestContext>, runtime: ShopRuntime) throws {
        switch runtime.service {
        case "gateway": Gateway.add(to: router, runtime)
        case "catalog": Catalog.add(to: router, runtime)
        case "pricing": Pricing.add(to: router, runtime)
        case "recommendations": Recommendations.add(to: router, runtime)
        case "users": Users.add(to: router, runtime)
        case "cart": Cart.add(to: router, runtime)
        case "inventory": Inventory.add(to: router, runtime)
        case "orders": Orders.add(to: router, runtime)
        case "payments": Payments.add(to: router, runtime)
        case "shipping": Shipping.add(to: router, runtime)
        case "notifications": Notifications.add(to: router, runtime)
        case "datastore": Datastore.add(to: router, runtime)
        default: throw UnknownService(name: runtime.service)
        }
    }
}

extension Request {
    /// A query parameter, or `fallback`.
    func query(_ name: String, _ fallback: String = "") -> String {
        uri.queryParameters[Substring(name)].map(String.init) ?? fallback
    }
}

/// A short pause standing in for real work, so waterfalls have something to show.
func work(milliseconds range: ClosedRange<Int>) async throws {
    try await Task.sleep(for: .milliseconds(Int.random(in: range)))
}
