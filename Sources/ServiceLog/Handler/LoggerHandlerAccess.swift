import Logging

extension Logger {
    /// Calls `body` with the ``ServiceLogHandler`` behind this logger, in place, and returns `true`; or
    /// returns `false` when the handler is another type.
    ///
    /// On every event, so cheaper than `handler as? ServiceLogHandler`: that is a runtime cast and a copy
    /// of the handler (a retain and release of each of its fields). Here the existential is opened, its
    /// type compared with one pointer comparison, and the handler used where it lies.
    @usableFromInline @inline(__always)
    func withServiceLogHandler(_ body: (UnsafePointer<ServiceLogHandler>) -> Void) -> Bool {
        func open<Handler: LogHandler>(_ handler: borrowing Handler) -> Bool {
            guard Handler.self == ServiceLogHandler.self else { return false }
            withUnsafePointer(to: handler) { pointer in
                // Sound: the type check above proved `Handler` is `ServiceLogHandler`.
                pointer.withMemoryRebound(to: ServiceLogHandler.self, capacity: 1, body)
            }
            return true
        }
        return open(handler)
    }
}
