import AnalyzerCore
import AnalyzerDashboard
import Foundation
import Testing

/// Who may read the dashboard: the token (header, cookie, `?token=` once) when one is configured,
/// loopback `Host` names otherwise; pages carry a strict Content-Security-Policy.
@Suite("Dashboard access")
struct DashboardAccessTests {
    @Test("With a token, pages, /api and /metrics need it; ?token= sets a cookie and redirects")
    func tokenRequired() async throws {
        let (store, _) = try await Recorded.sharedStore()
        try await withDashboard(store: store, configuration: .init(port: 0, token: "s3cret.token")) { server in
            for path in ["/", "/incidents/x", "/services", "/assets/common.js", "/api/incidents", "/api/status", "/api/stream", "/metrics"] {
                let reply = try await server.get(path)
                #expect(reply.status == 401, "\(path) answered \(reply.status) without the token")
                #expect(!reply.body.contains("payments"))
            }
            #expect(try await server.get("/api/status", headers: [("Authorization", "Bearer wrong")]).status == 401)
            #expect(try await server.get("/api/incidents?token=wrong").status == 401)
            #expect(try await server.get("/healthz").status == 200)

            let withHeader = try await server.get("/api/incidents", headers: [("Authorization", "Bearer s3cret.token")])
            #expect(withHeader.status == 200)
            #expect(withHeader.body.contains("payments"))
            #expect(try await server.get("/metrics", headers: [("Authorization", "Bearer s3cret.token")]).status == 200)

            let redirect = try await server.get("/services?token=s3cret.token")
            #expect(redirect.status == 303)
            #expect(redirect.header("location") == ["/services"])
            let cookie = try #require(redirect.header("set-cookie").first)
            #expect(cookie.contains("HttpOnly"))
            #expect(cookie.lowercased().contains("samesite=strict"))
            let pair = String(cookie.prefix { $0 != ";" })
            #expect(pair.hasPrefix("analyzer_token="))
            let page = try await server.get("/services", headers: [("Cookie", pair)])
            #expect(page.status == 200)
            let api = try await server.get("/api/incidents", headers: [("Cookie", pair)])
            #expect(api.status == 200)
            let wrongCookie = try await server.get("/api/incidents", headers: [("Cookie", "analyzer_token=s3cret")])
            #expect(wrongCookie.status == 401)

            // Ingest keeps its own bearer check.
            #expect(try await server.get("/api/status", headers: [("Authorization", "Bearer s3cret.token")]).status == 200)
        }
    }

    @Test("Without a token, only loopback Host names are answered (DNS rebinding)")
    func loopbackOnly() async throws {
        let (store, _) = try await Recorded.sharedStore()
        try await withDashboard(store: store) { server in
            let plain = try await server.get("/api/status")
            #expect(plain.status == 200)
            let localhost = try await server.get("/api/status", headers: [("Host", "localhost:4180")])
            #expect(localhost.status == 200)
            let rebound = try await server.get("/api/status", headers: [("Host", "attacker.example:4180")])
            #expect(rebound.status == 403)
            let page = try await server.get("/", headers: [("Host", "attacker.example")])
            #expect(page.status == 403)
        }
    }

    @Test("Pages and assets are served with a Content-Security-Policy that forbids inline script")
    func pagesAndHeaders() async throws {
        let (store, _) = try await Recorded.sharedStore()
        try await withDashboard(store: store) { server in
            for (path, marker) in [("/", "incidents.js"), ("/incidents/abc", "incident.js"), ("/requests", "request.js"),
                                   ("/requests/abc", "request.js"), ("/services", "services.js")] {
                let page = try await server.get(path)
                #expect(page.status == 200)
                #expect(page.header("content-type").first?.hasPrefix("text/html") == true)
                #expect(page.body.contains(marker), "\(path) does not load \(marker)")
                let policy = try #require(page.header("content-security-policy").first)
                #expect(policy.contains("script-src 'self'"))
                #expect(!policy.contains("unsafe-inline"))
            }
            for name in ["common.js", "incidents.js", "incident.js", "request.js", "services.js"] {
                let script = try await server.get("/assets/\(name)")
                #expect(script.status == 200)
                #expect(script.header("content-type").first?.hasPrefix("text/javascript") == true)
                for sink in ["innerHTML", "outerHTML", "insertAdjacentHTML", "document.write"] {
                    #expect(!script.body.contains(sink), "\(name) uses \(sink): data must go into the page as text")
                }
            }
            #expect(try await server.get("/assets/index.html").status == 404)
            #expect(try await server.get("/assets/..%2FPackage.swift").status == 404)
            #expect(try await server.get("/assets/nope.js").status == 404)
        }
    }
}
