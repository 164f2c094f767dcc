import Hummingbird

/// Shopping carts, kept in the datastore.
enum Cart {
    static func add(to router: Router<BasicRequestContext>, _ runtime: ShopRuntime) {
        router.post("/items") { request, _ -> Response in
            let user = request.query("user", "u1")
            let sku = request.query("sku", "1")
            try await runtime.save("cart-\(user)", #"{"sku":"\#(sku)"}"#)
            return JSONResponse.text(#"{"user":"\#(user)","items":1}"#, status: .created)
        }
        router.get("/carts") { request, _ -> Response in
            let user = request.query("user", "u1")
            try await runtime.load("cart-\(user)")
            return JSONResponse.text(#"{"user":"\#(user)","items":[{"sku":"1","quantity":1}]}"#)
        }
    }
}
