import Hummingbird

/// Prices and quotes. Every answer goes through a quote cache; in the story the cache stops
/// evicting (the `memory_leak` fault), which nobody notices until recommendations' campaign surge
/// multiplies the requests and the service slows down for everyone, payments included.
enum Pricing {
    static func add(to router: Router<BasicRequestContext>, _ runtime: ShopRuntime) {
        router.get("/prices") { request, _ -> Response in
            let id = request.query("id", "1")
            try await work(milliseconds: 1...3)
            return JSONResponse.text(#"{"id":"\#(id)","price":\#(price(of: id))}"#)
        }
        router.get("/quotes") { request, _ -> Response in
            let user = request.query("user", "u1")
            try await work(milliseconds: 2...5)
            return JSONResponse.text(#"{"user":"\#(user)","total":\#(price(of: user) * 3)}"#)
        }
    }

    static func price(of id: String) -> Int {
        Int(truncatingIfNeeded: UInt(bitPattern: id.hashValue) % 9_000) + 999
    }
}
