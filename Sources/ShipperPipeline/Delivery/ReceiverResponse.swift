import Foundation
import ServiceLog

/// The analyzer's acknowledgement body: `{"accepted":N,"duplicates":D,"invalid":I,"invalid_lines":"3,7-9",
/// "errors":["line 3: …"]}`. Other receivers may answer anything; unknown bodies count as "all accepted".
struct ReceiverResponse: Decodable {
    var accepted: Int?
    var duplicates: Int?
    var invalid: Int?
    /// Every invalid line (``LineRanges`` text); absent from older analyzers and other receivers.
    var invalidLinesText: String?
    var errors: [String]?

    enum CodingKeys: String, CodingKey {
        case accepted, duplicates, invalid, errors
        case invalidLinesText = "invalid_lines"
    }

    /// The invalid lines the receiver named, `nil` when it did not say (or said something unreadable).
    var invalidLines: LineRanges? { invalidLinesText.flatMap(LineRanges.init) }

    static func parse(_ body: String) -> ReceiverResponse {
        (try? JSONDecoder().decode(ReceiverResponse.self, from: Data(body.utf8))) ?? ReceiverResponse()
    }

    /// 1-based line numbers and reasons of the invalid lines the receiver named.
    var namedInvalidLines: [(line: Int, reason: String)] {
        (errors ?? []).compactMap { error in
            guard error.hasPrefix("line "), let colon = error.firstIndex(of: ":"),
                let number = Int(error[error.index(error.startIndex, offsetBy: 5)..<colon])
            else { return nil }
            return (number, String(error[error.index(after: colon)...]).trimmingCharacters(in: .whitespaces))
        }
    }
}
