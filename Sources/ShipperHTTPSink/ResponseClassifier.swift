import CCurl
import ShipperCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Turns what came back from one request into a `DeliveryOutcome`, with reasons written for the
/// operator who reads them in the shipper's log or dead-letter file.
enum ResponseClassifier {
    /// Characters of the response body quoted in a reason.
    static let excerptLength = 200

    /// Classifies a response that arrived.
    ///
    /// - 2xx: acknowledged, with the (lossily decoded) body.
    /// - 408, 429, 5xx: retryable, with `Retry-After` when the server sent a usable one.
    /// - 413: too large (the pipeline splits the batch).
    /// - 401, 403: rejected, with a reason about the bearer token.
    /// - 3xx: rejected. Redirects are not followed (a POST must not silently turn into a GET, and the
    ///   token must not travel to another host): a redirect means the endpoint URL is wrong.
    /// - Other 4xx and anything unexpected (1xx, 6xx…): rejected; the same bytes will not fare better.
    static func classify(
        status: Int, body: [UInt8], retryAfter: String?, location: String?, bearerTokenConfigured: Bool, now: Int
    ) -> DeliveryOutcome {
        let excerpt = excerpt(of: body)
        let suffix = excerpt.isEmpty ? "" : ": \(excerpt)"
        switch status {
        case 200..<300:
            return .acknowledged(status: status, response: String(decoding: body, as: UTF8.self))
        case 408, 429, 500..<600:
            return .retryable(reason: "HTTP \(status)\(suffix)", retryAfter: retryAfter.flatMap { RetryAfter.parse($0, now: now) })
        case 413:
            return .tooLarge(reason: "HTTP 413: the analyzer refused a batch this large\(suffix)")
        case 401, 403:
            let fix = bearerTokenConfigured
                ? "the bearer token was not accepted; check that it matches the analyzer's token"
                : "no bearer token is configured but the analyzer requires one; set the sink's bearer token"
            return .rejected(status: status, reason: "HTTP \(status): \(fix)\(suffix)")
        case 300..<400:
            let target = location.map { " to \($0)" } ?? ""
            return .rejected(status: status, reason: "HTTP \(status): the endpoint redirects\(target) and redirects are not followed; set the endpoint to the final URL")
        case 400..<500:
            return .rejected(status: status, reason: "HTTP \(status)\(suffix)")
        default:
            return .rejected(status: status, reason: "unexpected HTTP status \(status)\(suffix)")
        }
    }

    /// Classifies a request that got no HTTP response. Always retryable: the batch is not at fault, and
    /// the pipeline's backoff is the right answer to an analyzer that is down, slow or unreachable.
    static func transportFailure(
        code: CURLcode, errorBuffer: String, osErrno: Int, endpoint: ResolvedEndpoint, connectTimeout: Duration, requestTimeout: Duration
    ) -> DeliveryOutcome {
        let curlText = String(cString: curl_easy_strerror(code))
        let detail = errorBuffer.isEmpty ? curlText : "\(errorBuffer) (\(curlText))"
        let reason: String
        switch code {
        case CURLE_COULDNT_CONNECT where osErrno == Int(ECONNREFUSED):
            reason = "connection refused by \(endpoint.authority) (is the analyzer running?)"
        case CURLE_COULDNT_CONNECT:
            reason = "could not connect to \(endpoint.authority) (is the analyzer running and reachable?): \(detail)"
        case CURLE_COULDNT_RESOLVE_HOST:
            reason = "could not resolve host \(endpoint.host) (check the endpoint URL and DNS): \(detail)"
        case CURLE_OPERATION_TIMEDOUT:
            reason = "request to \(endpoint.url) timed out (connect timeout \(seconds(connectTimeout)), request timeout \(seconds(requestTimeout))): \(detail)"
        case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CACERT_BADFILE, CURLE_SSL_CERTPROBLEM,
            CURLE_SSL_ISSUER_ERROR, CURLE_SSL_CRL_BADFILE, CURLE_SSL_PINNEDPUBKEYNOTMATCH:
            reason = "TLS with \(endpoint.authority) failed (check the server certificate and the CA file): \(detail)"
        case CURLE_SEND_ERROR, CURLE_RECV_ERROR, CURLE_GOT_NOTHING, CURLE_PARTIAL_FILE:
            reason = "connection to \(endpoint.authority) failed during the request: \(detail)"
        default:
            reason = "request to \(endpoint.url) failed: \(detail)"
        }
        return .retryable(reason: reason, retryAfter: nil)
    }

    /// The start of a body as one line of text, for reasons.
    static func excerpt(of body: [UInt8]) -> String {
        let text = String(decoding: body.prefix(excerptLength * 4), as: UTF8.self).trimmingWhitespace()
        let line = String(text.prefix(excerptLength).map { $0.isNewline ? " " : $0 })
        return text.count > excerptLength ? line + "…" : line
    }

    /// "5 s" or "1.5 s".
    static func seconds(_ duration: Duration) -> String {
        let (whole, attoseconds) = duration.components
        if attoseconds == 0 { return "\(whole) s" }
        let milliseconds = whole * 1000 + attoseconds / 1_000_000_000_000_000
        return "\(Double(milliseconds) / 1000) s"
    }
}
