import Foundation
import ServiceLog
import SwiftProtobuf

/// Decodes one OTLP message from a whole (already inflated) body.
enum OTLPMessageDecoding {
    /// Why a body is not a message of the expected kind.
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// The deepest nesting a body may have (OTLP's own messages need 10; attributes may nest maps).
    static let maxDepth = 64

    static func decode<Message: SwiftProtobuf.Message>(
        _ type: Message.Type, from body: [UInt8], encoding: OTLPEncoding
    ) throws(Failure) -> Message {
        do {
            switch encoding {
            case .protobuf:
                var options = BinaryDecodingOptions()
                options.messageDepthLimit = maxDepth
                return try Message(serializedBytes: body, options: options)
            case .json:
                var options = JSONDecodingOptions()
                options.messageDepthLimit = maxDepth
                options.ignoreUnknownFields = true
                return try Message(jsonUTF8Bytes: try hexIDsAsBase64(body), options: options)
            }
        } catch let failure as Failure {
            throw failure
        } catch {
            throw Failure(description: "not a valid OTLP \(encoding == .json ? "JSON" : "protobuf") \(Message.protoMessageName): \(error)")
        }
    }

    /// OTLP/JSON writes trace and span IDs as hex where protobuf's JSON mapping expects base64:
    /// rewritten before decoding (any other field is left as sent).
    static func hexIDsAsBase64(_ body: [UInt8]) throws -> [UInt8] {
        let object = try JSONSerialization.jsonObject(with: Data(body), options: [])
        let rewritten = try rewrite(object, depth: 0)
        return Array(try JSONSerialization.data(withJSONObject: rewritten, options: []))
    }

    static let idFields: Set<String> = ["traceId", "spanId", "parentSpanId", "trace_id", "span_id", "parent_span_id"]

    private static func rewrite(_ value: Any, depth: Int) throws -> Any {
        guard depth <= maxDepth else { throw Failure(description: "the JSON body nests deeper than \(maxDepth) levels") }
        if let object = value as? [String: Any] {
            var result: [String: Any] = [:]
            for (key, member) in object {
                if idFields.contains(key), let hex = member as? String {
                    // Case-insensitive, any even length: a wrong-length ID is refused with its span, not the request.
                    guard let bytes = HexID.parse(hex.lowercased(), byteCount: hex.utf8.count / 2, allowZero: true) else {
                        throw Failure(description: "field '\(key)': '\(hex.prefix(40))' is not hex")
                    }
                    result[key] = Data(bytes).base64EncodedString()
                } else {
                    result[key] = try rewrite(member, depth: depth + 1)
                }
            }
            return result
        }
        if let array = value as? [Any] { return try array.map { try rewrite($0, depth: depth + 1) } }
        return value
    }
}
