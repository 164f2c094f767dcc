import Glibc

/// errno values as text for notices.
enum SystemError {
    /// `strerror(code)`, e.g. "Permission denied".
    static func text(_ code: Int32) -> String {
        guard let message = strerror(code) else { return "errno \(code)" }
        return String(cString: message)
    }
}
