import Foundation

/// Where incident alerts go, and in which shape.
public struct AlertTarget: Sendable, Hashable {
    /// The receiver's shape.
    public enum Format: String, Sendable, Hashable, CaseIterable {
        /// Our documented JSON (``IncidentAlert``), one object per notification.
        case webhook
        /// Alertmanager's `POST /api/v2/alerts` (the URL is the Alertmanager's base, e.g.
        /// `http://127.0.0.1:9093`), so that its routing, grouping, silences and receivers apply.
        case alertmanager
        /// A Slack incoming webhook (`{"text": ...}` in Slack's mrkdwn).
        case slack
    }

    /// `http://` or `https://` URL of the receiver.
    public var url: String
    public var format: Format

    /// A target; ``validated()`` checks the URL.
    public init(url: String, format: Format) {
        self.url = url
        self.format = format
    }

    /// The URL a notification is posted to: the Alertmanager API path is appended for that format.
    public var endpoint: String {
        guard format == .alertmanager else { return url }
        return (url.hasSuffix("/") ? String(url.dropLast()) : url) + "/api/v2/alerts"
    }

    /// The target, or why it cannot be used (a flag value's mistake, said before anything starts).
    public func validated() throws(AlertTargetError) -> AlertTarget {
        guard let parsed = URL(string: url), ["http", "https"].contains(parsed.scheme?.lowercased() ?? ""), !(parsed.host ?? "").isEmpty else {
            throw AlertTargetError(format: format, message: "alert \(format.rawValue) URL '\(url)' is not an http:// or https:// URL")
        }
        return self
    }
}

/// A target that cannot be used, with what to change.
public struct AlertTargetError: Error, CustomStringConvertible, Sendable {
    /// The target's format (which flag it came from).
    public var format: AlertTarget.Format
    public var message: String
    public var description: String { message }
}
