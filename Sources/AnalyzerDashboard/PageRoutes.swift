import Hummingbird

/// The pages and their static files:
///
/// | path | page |
/// |---|---|
/// | `/` | incidents, live |
/// | `/incidents/{id}` | one incident |
/// | `/requests`, `/requests/{id}` | one request by correlation or trace ID (search box) |
/// | `/services` | service and edge health |
/// | `/assets/{file}` | CSS and JavaScript |
///
/// Every page is a static file; its script reads the ID from the path and fetches `/api/`. Responses
/// carry a strict Content-Security-Policy (scripts and styles from this origin only, no inline script),
/// so even a rendering mistake could not run a script that came in a log line.
public struct PageRoutes<Context: RequestContext>: Sendable {
    /// The static files.
    public let assets: DashboardAssets

    /// Creates the routes.
    public init(assets: DashboardAssets) {
        self.assets = assets
    }

    /// Headers every page and asset response carries.
    public static var securityHeaders: HTTPFields {
        [
            .contentSecurityPolicy:
                "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
                + "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
            .init("X-Content-Type-Options")!: "nosniff",
            .init("Referrer-Policy")!: "no-referrer",
            .init("X-Frame-Options")!: "DENY",
        ]
    }

    /// Adds the routes to `router`.
    public func addRoutes(to router: some RouterMethods<Context>) {
        let assets = assets
        router.get("/") { _, _ in Self.serve("index.html", from: assets) }
        router.get("incidents") { _, _ in Self.serve("index.html", from: assets) }
        router.get("incidents/:id") { _, _ in Self.serve("incident.html", from: assets) }
        router.get("requests") { _, _ in Self.serve("request.html", from: assets) }
        router.get("requests/:id") { _, _ in Self.serve("request.html", from: assets) }
        router.get("services") { _, _ in Self.serve("services.html", from: assets) }
        router.get("assets/:file") { _, context in
            Self.serve(context.parameters.get("file") ?? "", from: assets, html: false)
        }
    }

    static func serve(_ name: String, from assets: DashboardAssets, html: Bool = true) -> Response {
        guard let asset = assets.files[name], html == name.hasSuffix(".html") else {
            return Response(
                status: .notFound, headers: [.contentType: "text/plain; charset=utf-8"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: "not found\n")))
        }
        var headers = securityHeaders
        headers[.contentType] = asset.contentType
        headers[.cacheControl] = "no-cache"
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: asset.bytes)))
    }
}
