import Foundation
import Hummingbird
import NIOCore
import NIOHTTP1

/// Checkout: read the cart, reserve stock, charge, book the shipment, send the e-mail.
enum Orders {
    static func add(to router: Router<BasicRequestContext>, _ runtime: ShopRuntime) {
        let client = runtime.client
        router.post("/orders") { request, _ -> Response in
            let user = request.query("user", "u1")
            try await client.call("cart", "/carts", query: "user=\(user)")
            try await client.call("inventory", "/reservations", method: .POST, query: "user=\(user)", attempts: 1)
            try await client.call("payments", "/charges", method: .POST, query: "user=\(user)", timeout: .seconds(3), attempts: 1)
            try await client.call("shipping", "/shipments", method: .POST, query: "user=\(user)", attempts: 1)
            _ = await client.optional("notifications", "/emails", query: "user=\(user)")
            let order = UUID().uuidString.lowercased()
            runtime.logger.info("order placed", metadata: ["order_id": .string(order), "user": .string(user)])
            return JSONResponse.text(#"{"order_id":"\#(order)"}"#, status: .created)
        }
    }
}
