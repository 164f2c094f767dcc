/// The vocabulary of one business domain: what its services are called, what they handle, the routes
/// of its public API. ``TopologyBuilder`` draws a system's shape from a family's parameters and its
/// names from here, so two families differ in words as well as in shape.
struct Domain: Sendable {
    /// A business service: its name and the thing it handles (for routes and log lines).
    struct Part: Sendable {
        var name: String
        var entity: String
    }

    var entryNames: [String]
    /// The entry's public routes (method, path), best known first.
    var routes: [(method: String, path: String)]
    var services: [Part]
    var stores: [String]
    var externals: [Part]
}

extension Domain {
    static let banking = Domain(
        entryNames: ["api-gateway", "mobile-bff", "edge-api"],
        routes: [
            ("GET", "/v1/accounts/:id"), ("GET", "/v1/accounts/:id/transactions"), ("POST", "/v1/transfers"),
            ("POST", "/v1/cards/:id/freeze"), ("GET", "/v1/statements/:month"),
        ],
        services: [
            .init(name: "accounts", entity: "account"), .init(name: "transfers", entity: "transfer"),
            .init(name: "payments-rail", entity: "payment"),
            .init(name: "cards", entity: "card"), .init(name: "fx-rates", entity: "quote"),
            .init(name: "risk-engine", entity: "assessment"),
            .init(name: "kyc", entity: "verification"), .init(name: "statements", entity: "statement"),
            .init(name: "limits", entity: "limit"),
            .init(name: "customer-profile", entity: "customer"), .init(name: "interest", entity: "accrual"),
            .init(name: "audit-trail", entity: "record"),
            .init(name: "auth", entity: "session"), .init(name: "alerts", entity: "alert"),
        ],
        stores: ["core-ledger", "accounts-db", "cards-db", "session-cache", "events-store"],
        externals: [
            .init(name: "swift-adapter", entity: "message"), .init(name: "sanctions-screening", entity: "screening"),
            .init(name: "sms-gateway", entity: "sms"),
        ])

    static let streaming = Domain(
        entryNames: ["edge", "api-gateway", "tv-bff"],
        routes: [("GET", "/home"), ("GET", "/titles/:id"), ("GET", "/play/:id"), ("POST", "/watch-history"), ("GET", "/search")],
        services: [
            .init(name: "catalog", entity: "title"), .init(name: "playback", entity: "session"),
            .init(name: "entitlements", entity: "entitlement"),
            .init(name: "recommendations", entity: "row"), .init(name: "artwork", entity: "image"), .init(name: "search", entity: "query"),
            .init(name: "watch-history", entity: "event"), .init(name: "profiles", entity: "profile"),
            .init(name: "drm-license", entity: "license"),
            .init(name: "ratings", entity: "rating"), .init(name: "subtitles", entity: "track"),
            .init(name: "ab-testing", entity: "allocation"),
            .init(name: "billing", entity: "invoice"), .init(name: "manifest", entity: "manifest"),
            .init(name: "trending", entity: "chart"),
        ],
        stores: ["metadata-db", "history-store", "profile-cache", "search-index"],
        externals: [.init(name: "cdn-steering", entity: "route"), .init(name: "payment-provider", entity: "charge")])

    static let logistics = Domain(
        entryNames: ["shipper-api", "gateway", "partner-api"],
        routes: [
            ("POST", "/v2/shipments"), ("GET", "/v2/shipments/:id"), ("GET", "/v2/tracking/:code"), ("POST", "/v2/pickups"),
            ("GET", "/v2/rates"),
        ],
        services: [
            .init(name: "shipments", entity: "shipment"), .init(name: "rating", entity: "rate"), .init(name: "routing", entity: "route"),
            .init(name: "tracking", entity: "scan"), .init(name: "warehouse", entity: "slot"), .init(name: "labels", entity: "label"),
            .init(name: "customs", entity: "declaration"), .init(name: "fleet", entity: "vehicle"), .init(name: "dispatch", entity: "job"),
            .init(name: "address-validation", entity: "address"), .init(name: "billing", entity: "invoice"),
            .init(name: "pickups", entity: "pickup"),
        ],
        stores: ["shipments-db", "tracking-store", "geo-cache"],
        externals: [.init(name: "carrier-gateway", entity: "booking"), .init(name: "maps-provider", entity: "geocode")])

    static let rideHailing = Domain(
        entryNames: ["rider-api", "edge", "mobile-gateway"],
        routes: [
            ("POST", "/rides"), ("GET", "/rides/:id"), ("POST", "/rides/:id/cancel"), ("GET", "/estimates"), ("POST", "/payments/methods"),
        ],
        services: [
            .init(name: "matching", entity: "match"), .init(name: "pricing", entity: "fare"), .init(name: "surge", entity: "multiplier"),
            .init(name: "trips", entity: "trip"), .init(name: "eta", entity: "estimate"),
            .init(name: "driver-location", entity: "position"),
            .init(name: "dispatch", entity: "offer"), .init(name: "payments", entity: "charge"), .init(name: "promotions", entity: "promo"),
            .init(name: "rider-profile", entity: "rider"), .init(name: "driver-profile", entity: "driver"),
            .init(name: "safety", entity: "check"),
            .init(name: "receipts", entity: "receipt"), .init(name: "geofence", entity: "zone"),
        ],
        stores: ["trips-db", "location-store", "geo-index", "payments-db"],
        externals: [
            .init(name: "maps-routing", entity: "route"), .init(name: "psp-adapter", entity: "authorization"),
            .init(name: "push-provider", entity: "notification"),
        ])

    static let iot = Domain(
        entryNames: ["ingest-gateway", "mqtt-bridge", "device-api"],
        routes: [("POST", "/telemetry"), ("POST", "/telemetry/batch"), ("GET", "/devices/:id/shadow"), ("POST", "/devices/:id/commands")],
        services: [
            .init(name: "device-registry", entity: "device"), .init(name: "telemetry-validator", entity: "reading"),
            .init(name: "enrichment", entity: "reading"),
            .init(name: "rules-engine", entity: "rule"), .init(name: "alerts", entity: "alert"), .init(name: "shadow", entity: "shadow"),
            .init(name: "firmware", entity: "image"), .init(name: "aggregator", entity: "window"),
            .init(name: "commands", entity: "command"),
            .init(name: "provisioning", entity: "certificate"), .init(name: "downsampler", entity: "series"),
        ],
        stores: ["timeseries-db", "registry-db", "shadow-cache"],
        externals: [.init(name: "notification-hub", entity: "notification")])

    static let social = Domain(
        entryNames: ["api", "graphql-gateway", "web-bff"],
        routes: [
            ("GET", "/feed"), ("GET", "/users/:id"), ("POST", "/posts"), ("POST", "/posts/:id/likes"), ("GET", "/notifications"),
            ("GET", "/search"),
        ],
        services: [
            .init(name: "feed", entity: "item"), .init(name: "posts", entity: "post"), .init(name: "users", entity: "user"),
            .init(name: "social-graph", entity: "edge"), .init(name: "media", entity: "upload"), .init(name: "likes", entity: "like"),
            .init(name: "comments", entity: "comment"), .init(name: "ranking", entity: "score"),
            .init(name: "notifications", entity: "notification"),
            .init(name: "moderation", entity: "report"), .init(name: "search", entity: "query"), .init(name: "ads", entity: "impression"),
            .init(name: "trends", entity: "topic"), .init(name: "presence", entity: "status"), .init(name: "messaging", entity: "message"),
        ],
        stores: ["posts-db", "graph-store", "feed-cache", "media-store", "counters"],
        externals: [.init(name: "push-gateway", entity: "push"), .init(name: "image-classifier", entity: "label")])

    static let healthcare = Domain(
        entryNames: ["portal-api", "fhir-gateway", "clinic-bff"],
        routes: [
            ("GET", "/patients/:id"), ("GET", "/appointments"), ("POST", "/appointments/book"), ("GET", "/results/:id"),
            ("POST", "/prescriptions"),
        ],
        services: [
            .init(name: "patients", entity: "patient"), .init(name: "appointments", entity: "appointment"),
            .init(name: "scheduling", entity: "slot"),
            .init(name: "lab-results", entity: "result"), .init(name: "prescriptions", entity: "prescription"),
            .init(name: "consent", entity: "consent"),
            .init(name: "billing", entity: "claim"), .init(name: "eligibility", entity: "coverage"),
            .init(name: "documents", entity: "document"),
            .init(name: "audit", entity: "entry"), .init(name: "reminders", entity: "reminder"),
        ],
        stores: ["ehr-db", "documents-store", "session-cache"],
        externals: [
            .init(name: "insurer-gateway", entity: "claim"), .init(name: "pharmacy-network", entity: "order"),
            .init(name: "sms-provider", entity: "sms"),
        ])
}
