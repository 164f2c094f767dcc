import Hummingbird

/// Stock levels and reservations, through a pool of datastore connections (the `pool_exhaustion`
/// fault makes it leak them).
enum Inventory {
    static func add(to router: Router<BasicRequestContext>, _ runtime: ShopRuntime) {
        router.get("/stock") { request, _ -> Response in
            let sku = request.query("sku", "1")
            try await runtime.load("stock-\(sku)")
            return JSONResponse.text(#"{"sku":"\#(sku)","available":17}"#)
        }
        router.post("/reservations") { request, _ -> Response in
            let user = request.query("user", "u1")
            try await runtime.load("stock-1")
            try await runtime.save("reservation-\(user)", #"{"sku":"1","quantity":1}"#)
            return JSONResponse.text(#"{"reserved":true}"#, status: .created)
        }
    }
}
