import CCurl

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Parses a `Retry-After` header value (RFC 9110 §10.2.3): delta-seconds or an HTTP-date.
enum RetryAfter {
    /// The wait the value asks for, `.zero` for a date in the past, or nil for a value that is neither
    /// form (ignored rather than guessed at). `now` is the current Unix time.
    static func parse(_ value: String, now: Int) -> Duration? {
        let trimmed = value.trimmingWhitespace()
        guard !trimmed.isEmpty else { return nil }
        if trimmed.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) {
            // More digits than Int64 holds is garbage, not a wait.
            return Int64(trimmed).map { .seconds($0) }
        }
        // curl_getdate reads all three HTTP-date forms (IMF-fixdate, RFC 850, asctime) but also looser
        // text; an HTTP-date always has a weekday or month name and an hh:mm:ss time.
        guard trimmed.contains(":"), trimmed.contains(where: \.isLetter) else { return nil }
        var reference = time_t(now)
        let date = curl_getdate(trimmed, &reference)
        guard date != -1 else { return nil }
        return .seconds(max(0, Int64(date) - Int64(now)))
    }
}
