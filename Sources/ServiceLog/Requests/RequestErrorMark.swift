import Synchronization

/// Whether an error was already written inside the current incoming request, so that the request
/// wrapper (``withIncomingRequest(method:endpoint:headers:userID:logger:isolation:statusCode:errorStatusCode:_:)``)
/// does not write the same failure a second time when it sees the error thrown out of the handler.
/// One error, told once, keeps error counts and templates honest.
final class RequestErrorMark: Sendable {
    private let written = Atomic<Bool>(false)

    /// Notes that an error event (or a log at `error` or above) was written in this request.
    func markWritten() {
        written.store(true, ordering: .relaxed)
    }

    /// Whether one was.
    var wasWritten: Bool {
        written.load(ordering: .relaxed)
    }

    /// The mark of the request the current task runs in.
    @TaskLocal static var current: RequestErrorMark?
}

/// An error that wraps another one to carry something extra (an HTTP header, a correlation ID): its
/// events are written as the error it wraps (type and message), never as the wrapper.
public protocol WrappingError: Error {
    /// The error this one wraps.
    var wrappedError: any Error { get }
}

extension WrappingError {
    /// The innermost wrapped error.
    var innermostError: any Error {
        var error: any Error = wrappedError
        while let wrapper = error as? any WrappingError { error = wrapper.wrappedError }
        return error
    }
}
