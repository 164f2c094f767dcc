import Foundation
import Hummingbird
import ServiceLog

/// Why a parameter of an API request cannot be used: answered with 400 and this sentence.
struct APIParameterError: Error, Sendable, Hashable {
    let reason: String
    init(_ reason: String) { self.reason = reason }

    var response: Response { DashboardJSON.error(reason, status: .badRequest) }
}

/// A path parameter: percent-decoded (the pages encode IDs with `encodeURIComponent`, so `:`, `+`, `/`
/// and `=` arrive as `%3A`, `%2B`, `%2F`, `%3D`) and bounded in length.
enum PathIdentifier {
    /// Longest ID accepted: a correlation ID is at most ``FieldSize/correlationID`` bytes, an incident ID
    /// holds a service name (``FieldSize/service``) and a time.
    static let maxBytes = 256

    static func parse(_ context: some RequestContext, _ name: String) throws -> String {
        let raw = try context.parameters.require(name)
        // `+` stays `+`: in a path it is a literal character, not a space.
        guard let decoded = raw.removingPercentEncoding else {
            throw APIParameterError("'\(name)' is not valid percent-encoding: \(raw.prefix(60))")
        }
        guard !decoded.isEmpty, decoded.utf8.count <= maxBytes else {
            throw APIParameterError("'\(name)' must be 1 to \(maxBytes) bytes, not \(decoded.utf8.count)")
        }
        return decoded
    }
}

/// A true/false query parameter: `true`, `1`, `yes` or empty (`?ai`) for true, `false`, `0`, `no` for
/// false; anything else is an error rather than a silent false.
enum QueryFlag {
    static func parse(_ request: Request, _ name: String, default value: Bool) throws(APIParameterError) -> Bool {
        guard let text = request.uri.queryParameters[Substring(name)] else { return value }
        switch text.lowercased() {
        case "", "1", "true", "yes": return true
        case "0", "false", "no": return false
        default: throw APIParameterError("'\(name)' must be true or false, not '\(text.prefix(40))'")
        }
    }
}

/// The time window of `GET /api/services`: `from` and/or `until` (RFC 3339), or `window` seconds ending
/// at the newest event (default 900). Bounded so that no arithmetic on it can overflow: `window` is at
/// most 31 days, times are years 0000–9999 by their syntax, and `from` must be before `until`.
struct ServicesWindow: Sendable, Hashable {
    /// Longest `window`, in seconds.
    static let maxWindowSeconds: Double = 31 * 86_400

    var from: Timestamp?
    var until: Timestamp?
    /// Microseconds before the end, when `from` is not given.
    var windowMicroseconds: Int64

    init(_ request: Request) throws(APIParameterError) {
        let query = request.uri.queryParameters
        func time(_ name: String) throws(APIParameterError) -> Timestamp? {
            guard let value = query[Substring(name)] else { return nil }
            guard let time = Timestamp(rfc3339: String(value)) else {
                throw APIParameterError("'\(name)' must be an RFC 3339 time, e.g. 2026-11-24T10:00:00Z, not '\(value.prefix(40))'")
            }
            return time
        }
        from = try time("from")
        until = try time("until")
        if let from, let until, from >= until {
            throw APIParameterError("'from' (\(from)) must be before 'until' (\(until))")
        }
        var seconds: Double = 900
        if let text = query["window"] {
            guard let value = Double(String(text)), value.isFinite, value > 0, value <= Self.maxWindowSeconds else {
                throw APIParameterError(
                    "'window' must be a number of seconds above 0 and at most \(Int(Self.maxWindowSeconds)) (31 days), not '\(text.prefix(40))'")
            }
            seconds = value
        }
        windowMicroseconds = Int64((seconds * 1e6).rounded())
    }

    /// The window's bounds: `from` given, or `windowMicroseconds` before `until` (or just after the newest event).
    func bounds(newest: Timestamp?) -> (from: Timestamp?, until: Timestamp?) {
        if let from { return (from, until) }
        guard let end = until ?? newest?.adding(microseconds: 1) else { return (nil, until) }
        return (end.adding(microseconds: -windowMicroseconds), until)
    }
}
