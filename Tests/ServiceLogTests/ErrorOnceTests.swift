import Logging
import ServiceLog
import Testing

/// One failure is one `error` event: the handler's own report, or (when it wrote none) the request
/// wrapper's, written as the error it wraps rather than as the wrapper.
@Suite struct ErrorOnceTests {
    struct PaymentDeclined: Error, CustomStringConvertible {
        var description: String { "card declined by issuer" }
    }

    struct Correlated: WrappingError {
        var wrappedError: any Error
    }

    func errors(_ body: @escaping @Sendable (Logger) async throws -> Int) async throws -> [Event] {
        let output = CapturingOutput()
        let (logger, writer) = makeLogger(output: output)
        _ = try? await withIncomingRequest(
            method: "POST", endpoint: "/charges", headers: { _ in nil }, logger: logger, statusCode: { $0 }
        ) { try await body(logger) }
        writer.flush()
        return try output.lines.map { try Event(jsonLine: $0) }.filter { $0.eventType == .error }
    }

    @Test func anErrorTheHandlerLoggedIsNotWrittenAgainByTheWrapper() async throws {
        let written = try await errors { logger in
            logger.errorEvent(PaymentDeclined())
            throw Correlated(wrappedError: PaymentDeclined())
        }
        #expect(written.count == 1)
        #expect(written.first?.message == "card declined by issuer")
    }

    @Test func anErrorLogAtErrorLevelCountsAsTheReport() async throws {
        let written = try await errors { logger in
            logger.error("charge failed")
            throw PaymentDeclined()
        }
        #expect(written.isEmpty, "the error-level log already told it: \(written.map(\.message))")
    }

    @Test func anUnloggedErrorIsWrittenOnceAsTheErrorItWraps() async throws {
        let written = try await errors { _ in throw Correlated(wrappedError: Correlated(wrappedError: PaymentDeclined())) }
        #expect(written.count == 1)
        #expect(written.first?.message == "card declined by issuer")
        guard case .error(let details) = written.first?.payload else { Issue.record("no error payload"); return }
        #expect(details.errorType.hasSuffix("PaymentDeclined"), "\(details.errorType)")
    }
}
