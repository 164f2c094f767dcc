import Hummingbird
import NIOCore
import NIOHTTP1

/// "You may also like": a few products with their prices. During a campaign (the `surge` condition)
/// it prefetches prices for many more products, multiplying its calls to pricing.
enum Recommendations {
    static func add(to router: Router<BasicRequestContext>, _ runtime: ShopRuntime) {
        let client = runtime.client
        router.get("/recommendations") { _, _ -> Response in
            let seed = Int.random(in: 1...500)
            try await client.call("catalog", "/products", query: "id=\(seed)")
            for offset in 0..<(2 * runtime.fanout) {
                try await client.call("pricing", "/prices", query: "id=\(seed + offset)", timeout: .milliseconds(600), attempts: 1)
            }
            return JSONResponse.text(#"{"products":[\#(seed),\#(seed + 1)]}"#)
        }
    }
}
