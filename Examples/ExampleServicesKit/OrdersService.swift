import AsyncHTTPClient
import Foundation
import Hummingbird
import Logging
import ServiceLog
import ServiceLogHTTPClient
import ServiceLogHummingbird

/// The caller of the example: `POST /orders` checks stock with the inventory service (a traced
/// service call with retries) and answers 201, or 502 when inventory cannot answer.
public enum OrdersService {
    struct OrderRequest: Decodable {
        var sku: String
        var quantity: Int
        var card_number: String?
    }

    /// Builds the orders application, calling inventory at `inventoryURL` (e.g. `http://127.0.0.1:8081`).
    public static func makeApplication(
        logger: Logger, port: Int, inventoryURL: String, httpClient: HTTPClient,
        onRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        let router = Router()
        router.add(middleware: ServiceLogMiddleware(logger: logger))
        router.post("/orders") { request, context -> Response in
            let order = try await request.decode(as: OrderRequest.self, context: context)
            // The card number is redacted by the handler before the line is written.
            logger.info("placing order", metadata: [
                "sku": .string(order.sku), "quantity": .stringConvertible(order.quantity),
                "card_number": .string(order.card_number ?? ""),
            ])
            let stock: ServiceResponse
            do {
                stock = try await httpClient.callService(
                    "inventory", HTTPClientRequest(url: "\(inventoryURL)/stock/\(order.sku)"), endpoint: "/stock/:sku",
                    timeout: .seconds(2), retry: RetryPolicy(maxAttempts: 3, initialBackoff: .milliseconds(20)), logger: logger)
            } catch {
                logger.errorEvent(error, message: "inventory unreachable: \(error)")
                return Response(status: .badGateway)
            }
            guard stock.status == .ok else {
                logger.warning("stock check failed", metadata: ["status": .stringConvertible(Int(stock.status.code))])
                return Response(status: stock.status == .notFound ? .unprocessableContent : .badGateway)
            }
            let orderID = UUID().uuidString.lowercased()
            logger.info("order placed", metadata: ["order_id": .string(orderID)])
            return Response(
                status: .created, body: .init(byteBuffer: ByteBuffer(string: #"{"order_id":"\#(orderID)"}"#)))
        }
        router.get("/health") { _, _ in "ok" }
        return Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: port), serverName: "orders"),
            onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? port) },
            logger: quietServerLogger(logger))
    }
}
