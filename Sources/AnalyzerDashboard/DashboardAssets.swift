import Foundation

/// The dashboard's static files (HTML, CSS, JavaScript), shipped as package resources in
/// `Resources/dashboard` and read into memory once (they are small).
public struct DashboardAssets: Sendable {
    /// One file, ready to serve.
    public struct Asset: Sendable, Hashable {
        public var contentType: String
        public var bytes: [UInt8]
    }

    /// Files by name (`index.html`, `dashboard.css`, ...).
    public let files: [String: Asset]

    /// Reads every file of the bundled `dashboard` folder.
    /// - Throws: when the resource bundle is missing (the binary was moved without its
    ///   `*_AnalyzerDashboard.resources` folder).
    public static func bundled() throws -> DashboardAssets {
        guard let folder = Bundle.module.url(forResource: "dashboard", withExtension: nil) else {
            throw CocoaError(.fileNoSuchFile, userInfo: [NSLocalizedDescriptionKey: "the dashboard resources are missing"])
        }
        return try DashboardAssets(folder: folder)
    }

    /// Reads every regular file directly in `folder`.
    public init(folder: URL) throws {
        var files: [String: Asset] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: folder.path) where !name.hasPrefix(".") {
            let data = try Data(contentsOf: folder.appendingPathComponent(name))
            files[name] = Asset(contentType: Self.contentType(of: name), bytes: Array(data))
        }
        self.files = files
    }

    /// The type to send for a file name.
    static func contentType(of name: String) -> String {
        switch name.split(separator: ".").last ?? "" {
        case "html": "text/html; charset=utf-8"
        case "css": "text/css; charset=utf-8"
        case "js": "text/javascript; charset=utf-8"
        case "svg": "image/svg+xml"
        case "json": "application/json; charset=utf-8"
        default: "application/octet-stream"
        }
    }
}
