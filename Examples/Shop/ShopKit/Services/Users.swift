import Hummingbird

/// Accounts: a session check per request, read from the datastore.
enum Users {
    static func add(to router: Router<BasicRequestContext>, _ runtime: ShopRuntime) {
        router.get("/users") { request, _ -> Response in
            let id = request.query("id", "u1")
            try await runtime.load("user-\(id)")
            runtime.logger.debug("session checked", metadata: ["user": .string(id)])
            return JSONResponse.text(#"{"id":"\#(id)","email":"\#(id)@example.com"}"#)
        }
    }
}
