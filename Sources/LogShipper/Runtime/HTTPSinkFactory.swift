import SettingSyntax
import ShipperCore
import ShipperHTTPSink
import ShipperOTLPSink

/// Creates the libcurl sink, turning its configuration error into one that names the setting; for an
/// OTLP receiver, behind the stage that encodes each batch as OTLP logs.
enum HTTPSinkFactory {
    static func make(_ configuration: HTTPSinkConfiguration, kind: ShipperSettings.Sink.Kind) throws -> any BatchSink {
        do {
            let http = try HTTPSink(configuration: configuration)
            return kind == .otlp ? OTLPBatchSink(sending: http) : http
        } catch {
            throw SettingProblem(key: "sink", origin: "settings", message: error.description, fix: "correct sink.url / --to or the sink options named above")
        }
    }
}
