import Hummingbird

/// Product descriptions, read from the datastore.
enum Catalog {
    static func add(to router: Router<BasicRequestContext>, _ runtime: ShopRuntime) {
        router.get("/products") { request, _ -> Response in
            let id = request.query("id", "1")
            try await runtime.load("product-\(id)")
            try await work(milliseconds: 1...4)
            return JSONResponse.text(#"{"id":"\#(id)","name":"Product \#(id)"}"#)
        }
    }
}
