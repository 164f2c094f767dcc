import Logging

/// Handles one incoming request as a server span: extracts the caller's context from the headers (or
/// starts a new trace), makes it current for `operation` and everything it calls, and writes
/// `request_start` before and `request_end` (status, duration, success) after, also when it throws.
///
/// ```swift
/// let response = try await withIncomingRequest(
///     method: "POST", endpoint: "/v1/charges", headers: { request.headers[$0] }, logger: logger,
///     statusCode: { $0.status.code }
/// ) {
///     logger.info("charging card")          // carries correlation_id, trace_id, span_id
///     return try await charge(request)
/// }
/// ```
///
/// - Parameters:
///   - headers: looks a header up by name, case-insensitively.
///   - statusCode: the HTTP status of a result.
///   - errorStatusCode: the status a thrown error turns into (default 500); a status of 500 or more
///     also writes an `error` event for the thrown error, unless an error was already written inside
///     the request (the handler's own report of the same failure). A ``WrappingError`` is written as
///     the error it wraps.
public func withIncomingRequest<T>(
    method: String, endpoint: String, headers: (String) -> String?, userID: String? = nil, logger: Logger,
    isolation: isolated (any Actor)? = #isolation,
    statusCode: (T) -> Int, errorStatusCode: (any Error) -> Int = { _ in 500 },
    _ operation: () async throws -> T
) async rethrows -> T {
    let context = TraceHeaders.extract(headers)
    let mark = RequestErrorMark()
    return try await RequestErrorMark.$current.withValue(mark, operation: {
        try await handle(
            context, mark: mark, method: method, endpoint: endpoint, userID: userID, logger: logger, isolation: isolation,
            statusCode: statusCode, errorStatusCode: errorStatusCode, operation)
    }, isolation: isolation)
}

private func handle<T>(
    _ context: CorrelationContext, mark: RequestErrorMark, method: String, endpoint: String, userID: String?, logger: Logger,
    isolation: isolated (any Actor)?, statusCode: (T) -> Int, errorStatusCode: (any Error) -> Int, _ operation: () async throws -> T
) async rethrows -> T {
    try await context.withCurrent(isolation: isolation) {
        logger.requestStart(method: method, endpoint: endpoint, userID: userID)
        let clock = ContinuousClock()
        let start = clock.now
        do {
            let result = try await operation()
            logger.requestEnd(
                method: method, endpoint: endpoint, statusCode: statusCode(result), durationMS: (clock.now - start).milliseconds)
            return result
        } catch {
            let status = errorStatusCode(error)
            // The handler usually logged its failure already: write it only when nothing did.
            if status >= 500, !mark.wasWritten {
                let inner = (error as? any WrappingError)?.innermostError ?? error
                logger.errorEvent(inner)
            }
            logger.requestEnd(method: method, endpoint: endpoint, statusCode: status, durationMS: (clock.now - start).milliseconds)
            throw error
        }
    }
}

extension Duration {
    /// The duration in milliseconds, with microsecond precision.
    public var milliseconds: Double {
        let parts = components
        return Double(parts.seconds) * 1000 + Double(parts.attoseconds / 1_000_000_000_000) / 1000
    }
}
