import ShipperCore
import ShipperHTTPSink

/// Creates the libcurl sink, turning its configuration error into one that names the setting.
enum HTTPSinkFactory {
    static func make(_ configuration: HTTPSinkConfiguration) throws -> any BatchSink {
        do {
            return try HTTPSink(configuration: configuration)
        } catch {
            throw SettingProblem(key: "sink", origin: "settings", message: error.description, fix: "correct sink.url / --to or the sink options named above")
        }
    }
}
