import Hummingbird

/// Order e-mails (the address is redacted by ServiceLog before the line is written).
enum Notifications {
    static func add(to router: Router<BasicRequestContext>, _ runtime: ShopRuntime) {
        router.get("/emails") { request, _ -> Response in
            let user = request.query("user", "u1")
            try await work(milliseconds: 1...3)
            runtime.logger.info("order confirmation sent", metadata: ["email": .string("\(user)@example.com")])
            return JSONResponse.text(#"{"sent":true}"#)
        }
    }
}
