/// One message on the live stream (`GET /api/stream`), sent as a Server-Sent Event: `event: NAME`
/// and one line of JSON `data`.
///
/// | name | data | when |
/// |---|---|---|
/// | `hello` | ``DashboardStatus`` | on connect |
/// | `ingest` | ``IngestNotice`` | a batch was stored by `POST /v1/events` |
/// | `progress` | ``AnalysisProgress`` | the incident analysis moved to its next stage |
/// | `incidents` | ``IncidentsChanged`` | the analysis finished; the list may have new incidents |
/// | `diagnosis` | ``Diagnosis`` | (diagnosis streams only) a built-in or AI diagnosis is ready |
public struct DashboardEvent: Sendable, Hashable {
    /// The SSE event name.
    public var name: String
    /// One line of JSON.
    public var data: String

    /// An event with `value` encoded as JSON (falls back to `{}` if it cannot be encoded).
    public init(name: String, value: some Encodable) {
        self.name = name
        data = (try? DashboardJSON.text(value)) ?? "{}"
    }

    /// The wire form: `event:` and `data:` lines and a blank line. A `data` holding newlines is split
    /// into several `data:` lines, as the SSE format requires (compact JSON never holds one).
    public var wireText: String {
        var text = "event: \(name)\n"
        for line in data.split(separator: "\n", omittingEmptySubsequences: false) {
            text += "data: \(line)\n"
        }
        return text + "\n"
    }
}
