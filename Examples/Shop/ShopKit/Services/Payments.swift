import Hummingbird
import NIOCore
import NIOHTTP1

/// Charges a card for the amount pricing quotes. When pricing cannot quote, the charge fails with
/// 500: the symptom the on-call engineer sees first in the story.
enum Payments {
    static func add(to router: Router<BasicRequestContext>, _ runtime: ShopRuntime) {
        let client = runtime.client
        router.post("/charges") { request, _ -> Response in
            let user = request.query("user", "u1")
            do {
                try await client.call("pricing", "/quotes", query: "user=\(user)", timeout: .milliseconds(1000), attempts: 2)
            } catch let failure as ShopClient.DependencyFailed {
                runtime.logger.errorEvent(failure, message: "payment failed: could not price the order (\(failure.reason))")
                throw HTTPError(.internalServerError, message: "payment failed")
            }
            try await work(milliseconds: 3...8)  // the card network
            runtime.logger.info("card charged", metadata: ["user": .string(user), "card_number": "4111111111111111"])
            try await runtime.save("charge-\(user)", #"{"status":"captured"}"#)
            return JSONResponse.text(#"{"charged":true}"#, status: .created)
        }
    }
}
