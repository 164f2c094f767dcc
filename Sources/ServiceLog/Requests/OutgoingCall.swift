import Logging
import W3CTraceContext

/// Makes an outgoing call as a client span: a child span of the current request, with headers that
/// carry the context to the callee, and one `service_call` event per attempt (duration, status, error
/// kind, attempt number), retried according to `retry`.
///
/// ```swift
/// let response = try await withServiceCall(
///     to: "payments", method: "POST", endpoint: "/v1/charges", logger: logger, retry: RetryPolicy(),
///     statusCode: { Int($0.status.code) }
/// ) { headers in
///     var request = HTTPClientRequest(url: "http://127.0.0.1:8081/v1/charges")
///     for (name, value) in headers { request.headers.add(name: name, value: value) }
///     return try await client.execute(request, timeout: .seconds(2))
/// }
/// ```
///
/// The last attempt's result is returned (even a 503 after all retries); the last error is rethrown.
/// - Parameters:
///   - classify: turns a thrown error into the `error` kind (default: ``ServiceCallError/classify(_:)``).
///   - statusCode: the callee's status in a result.
///   - operation: performs one attempt with the headers to send.
public func withServiceCall<T>(
    to target: String, method: String, endpoint: String, logger: Logger, retry: RetryPolicy = .none,
    isolation: isolated (any Actor)? = #isolation,
    classify: (any Error) -> ServiceCallError = ServiceCallError.classify,
    statusCode: (T) -> Int,
    _ operation: (_ headers: [(name: String, value: String)]) async throws -> T
) async throws -> T {
    // Outside a request, the call starts a trace of its own: no parent span that nobody writes.
    let parent = CorrelationContext.current
    let root = parent == nil ? CorrelationContext.newRoot() : nil
    let clock = ContinuousClock()
    var attempt = 1
    while true {
        let span = parent?.childSpan() ?? CorrelationContext(correlationID: root!.correlationID, trace: TraceContext(
            traceID: root!.trace.traceID, spanID: .random(), flags: root!.trace.flags, state: root!.trace.state))
        let headers = TraceHeaders.inject(span)
        let attemptNumber: Int? = retry.maxAttempts > 1 ? attempt : nil
        let start = clock.now
        do {
            let result = try await span.withCurrent(isolation: isolation) { try await operation(headers) }
            let status = statusCode(result)
            let call = ServiceCall(
                targetService: target, method: method, endpoint: endpoint, durationMS: (clock.now - start).milliseconds,
                statusCode: status, success: status > 0 && status < 500, attempt: attemptNumber)
            span.withCurrent { logger.serviceCall(call) }
            guard attempt < retry.maxAttempts, retry.retryableStatusCodes.contains(status) else { return result }
        } catch {
            let kind = classify(error)
            let call = ServiceCall(
                targetService: target, method: method, endpoint: endpoint, durationMS: (clock.now - start).milliseconds,
                statusCode: 0, success: false, error: kind.rawValue, attempt: attemptNumber)
            span.withCurrent { logger.serviceCall(call) }
            guard attempt < retry.maxAttempts, retry.retryableErrors.contains(kind), !Task.isCancelled else { throw error }
        }
        try await Task.sleep(for: retry.backoff(beforeRetry: attempt))
        attempt += 1
    }
}
