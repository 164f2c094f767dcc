/// What a shopper does in one visit, as calls to the gateway.
public enum Journey: String, Sendable, Hashable, CaseIterable {
    /// Looks at a product page.
    case browse
    /// Opens the home page (recommendations).
    case home
    /// Adds a product to the cart.
    case cart
    /// Checks out.
    case checkout

    /// The gateway call: method, path and query.
    func request(user: Int, product: Int) -> (method: String, path: String) {
        switch self {
        case .browse: ("GET", "/product?id=\(product)")
        case .home: ("GET", "/home?user=u\(user)")
        case .cart: ("POST", "/cart?user=u\(user)&sku=\(product)")
        case .checkout: ("POST", "/checkout?user=u\(user)")
        }
    }
}

/// Weights of the journeys, e.g. `browse=45,home=20,cart=25,checkout=10`.
public struct JourneyMix: Sendable, Hashable, CustomStringConvertible {
    public var weights: [(journey: Journey, weight: Double)]

    /// The usual mix of a shop: mostly browsing, one visit in ten checks out.
    public static let typical = JourneyMix(weights: [(.browse, 45), (.home, 20), (.cart, 25), (.checkout, 10)])

    public init(weights: [(journey: Journey, weight: Double)]) {
        self.weights = weights
    }

    /// Parses `name=weight,...`; throws a message naming the journeys on a mistake.
    public init(parsing text: String) throws(MixError) {
        var weights: [(Journey, Double)] = []
        for part in text.split(separator: ",") {
            let pair = part.split(separator: "=", maxSplits: 1)
            guard pair.count == 2, let journey = Journey(rawValue: String(pair[0])), let weight = Double(pair[1]), weight >= 0 else {
                throw MixError(text: String(part))
            }
            weights.append((journey, weight))
        }
        guard weights.contains(where: { $0.1 > 0 }) else { throw MixError(text: text) }
        self.weights = weights
    }

    /// A journey drawn by weight from `unit` in [0, 1).
    func pick(_ unit: Double) -> Journey {
        let total = weights.reduce(0) { $0 + $1.weight }
        var remaining = unit * total
        for (journey, weight) in weights {
            if remaining < weight { return journey }
            remaining -= weight
        }
        return weights.last!.journey
    }

    public var description: String {
        weights.map { "\($0.journey.rawValue)=\(Int($0.weight))" }.joined(separator: ",")
    }

    public static func == (lhs: JourneyMix, rhs: JourneyMix) -> Bool { lhs.description == rhs.description }
    public func hash(into hasher: inout Hasher) { hasher.combine(description) }
}

/// A journey mix that could not be read.
public struct MixError: Error, CustomStringConvertible {
    public var text: String
    public var description: String {
        "cannot read journey weight \"\(text)\"; write name=weight pairs such as browse=45,home=20,cart=25,checkout=10 "
            + "(journeys: " + Journey.allCases.map(\.rawValue).joined(separator: ", ") + ")"
    }
}
