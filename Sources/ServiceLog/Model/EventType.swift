/// The kind of a canonical event: the value of its `event_type` field.
public enum EventType: String, Sendable, Hashable, CaseIterable {
    /// A service began handling a request (server span opens).
    case requestStart = "request_start"
    /// A service finished handling a request (server span closes), with status and duration.
    case requestEnd = "request_end"
    /// An outgoing call to another service finished (one client span, one attempt).
    case serviceCall = "service_call"
    /// An error worth its own event (exception type, message, optional stack).
    case error
    /// A sample of process gauges (memory, CPU, threads, file descriptors, custom gauges).
    case resource
    /// An ordinary log message, usually `logger.info("...")` inside a request.
    case log
}
