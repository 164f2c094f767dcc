import Hummingbird

/// Shipment booking.
enum Shipping {
    static func add(to router: Router<BasicRequestContext>, _ runtime: ShopRuntime) {
        router.post("/shipments") { request, _ -> Response in
            let user = request.query("user", "u1")
            try await work(milliseconds: 2...6)
            try await runtime.save("shipment-\(user)", #"{"carrier":"post"}"#)
            return JSONResponse.text(#"{"booked":true}"#, status: .created)
        }
    }
}
