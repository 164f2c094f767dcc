import Hummingbird
import NIOCore
import NIOHTTP1

/// The public API. Product and home pages degrade without recommendations; cart and checkout need
/// every dependency.
enum Gateway {
    static func add(to router: Router<BasicRequestContext>, _ runtime: ShopRuntime) {
        let client = runtime.client
        router.get("/product") { request, _ -> Response in
            let id = request.query("id", "1")
            try await client.call("catalog", "/products", query: "id=\(id)")
            try await client.call("pricing", "/prices", query: "id=\(id)")
            let related = await client.optional("recommendations", "/recommendations", query: "id=\(id)")
            return JSONResponse.text(#"{"id":"\#(id)","recommendations":\#(related == nil ? "false" : "true")}"#)
        }
        router.get("/home") { request, _ -> Response in
            let user = request.query("user", "guest")
            let picks = await client.optional("recommendations", "/recommendations", query: "user=\(user)")
            return JSONResponse.text(#"{"personalised":\#(picks == nil ? "false" : "true")}"#)
        }
        router.post("/cart") { request, _ -> Response in
            let user = request.query("user", "u1")
            let sku = request.query("sku", "1")
            try await client.call("users", "/users", query: "id=\(user)")
            try await client.call("inventory", "/stock", query: "sku=\(sku)")
            try await client.call("cart", "/items", method: .POST, query: "user=\(user)&sku=\(sku)", attempts: 1)
            return JSONResponse.text(#"{"added":"\#(sku)"}"#)
        }
        router.post("/checkout") { request, _ -> Response in
            let user = request.query("user", "u1")
            try await client.call("users", "/users", query: "id=\(user)")
            // Checkout is slow by nature (it charges a card): a longer deadline, and no retry (not idempotent).
            let order = try await client.call("orders", "/orders", method: .POST, query: "user=\(user)", timeout: .seconds(4), attempts: 1)
            return JSONResponse.text(order ?? #"{"order":"placed"}"#, status: .created)
        }
    }
}
