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

    /// A price that stays the same across restarts (`hashValue` is seeded per process).
    static func price(of id: String) -> Int {
        Int(id.utf8.reduce(UInt32(2_166_136_261)) { ($0 ^ UInt32($1)) &* 16_777_619 } % 9_000) + 999
    }
}
