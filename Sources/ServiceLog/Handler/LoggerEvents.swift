import Logging

extension Logger {
    /// Writes a typed event. Below the logger's level this costs one level comparison, like any
    /// swift-log call. With a ``ServiceLogHandler`` the event is encoded directly; with any other
    /// handler it travels as metadata (`servicelog.event`) so that a multiplexed ``ServiceLogHandler``
    /// still writes it typed and a text handler prints a readable summary.
    @inlinable
    public func event(
        _ payload: @autoclosure () -> EventPayload, level: Logger.Level, message: @autoclosure () -> String? = nil,
        metadata: @autoclosure () -> Logger.Metadata? = nil, source: @autoclosure () -> String? = nil,
        file: String = #fileID, function: String = #function, line: UInt = #line
    ) {
        guard self.logLevel <= level else { return }
        emitEvent(payload(), level: level, message: message(), metadata: metadata(), source: source(), file: file, function: function, line: line)
    }

    @usableFromInline
    func emitEvent(
        _ payload: EventPayload, level: Logger.Level, message: String?, metadata: Logger.Metadata?, source: String?,
        file: String, function: String, line: UInt
    ) {
        let handled = withServiceLogHandler { handler in
            handler.pointee.emit(
                level: level, payload: payload, message: message, metadata: metadata,
                fields: UnsafeBufferPointer(start: nil, count: 0), source: source, timestamp: .now(), trace: .current)
        }
        if handled { return }
        if level >= .error || payload.eventType == .error { RequestErrorMark.current?.markWritten() }
        var carried = metadata ?? [:]
        carried[EventPayload.metadataKey] = .stringConvertible(payload)
        self.log(
            level: level, Logger.Message(stringLiteral: message ?? payload.description), metadata: carried,
            source: source, file: file, function: function, line: line)
    }

    /// `request_start`: this service began handling a request. Usually written by
    /// ``withIncomingRequest(method:endpoint:headers:userID:logger:statusCode:_:)``.
    @inlinable
    public func requestStart(
        method: String, endpoint: String, userID: String? = nil, level: Logger.Level = .info,
        metadata: @autoclosure () -> Logger.Metadata? = nil, file: String = #fileID, function: String = #function, line: UInt = #line
    ) {
        event(.requestStart(RequestStart(method: method, endpoint: endpoint, userID: userID)), level: level,
              metadata: metadata(), file: file, function: function, line: line)
    }

    /// `request_end`: this service finished a request. Level: `info` on success, `error` otherwise.
    @inlinable
    public func requestEnd(
        method: String, endpoint: String, statusCode: Int, durationMS: Double, success: Bool? = nil,
        level: Logger.Level? = nil, metadata: @autoclosure () -> Logger.Metadata? = nil,
        file: String = #fileID, function: String = #function, line: UInt = #line
    ) {
        let succeeded = success ?? (statusCode > 0 && statusCode < 500)
        event(
            .requestEnd(RequestEnd(method: method, endpoint: endpoint, statusCode: statusCode, durationMS: durationMS, success: succeeded)),
            level: level ?? (succeeded ? .info : .error), metadata: metadata(), file: file, function: function, line: line)
    }

    /// `service_call`: one attempt of an outgoing call finished. Level: `info` on success, `warning`
    /// otherwise (the caller may still recover). Usually written by
    /// ``withServiceCall(to:method:endpoint:logger:retry:classify:statusCode:_:)``.
    @inlinable
    public func serviceCall(
        _ call: ServiceCall, level: Logger.Level? = nil, metadata: @autoclosure () -> Logger.Metadata? = nil,
        file: String = #fileID, function: String = #function, line: UInt = #line
    ) {
        event(.serviceCall(call), level: level ?? (call.success ? .info : .warning), metadata: metadata(),
              file: file, function: function, line: line)
    }

    /// `error`: an error worth its own event. `errorType` defaults to the error's dynamic type.
    @inlinable
    public func errorEvent(
        _ error: any Error, message: String? = nil, errorType: String? = nil, stack: String? = nil,
        level: Logger.Level = .error, metadata: @autoclosure () -> Logger.Metadata? = nil,
        file: String = #fileID, function: String = #function, line: UInt = #line
    ) {
        event(
            .error(ErrorDetails(errorType: errorType ?? String(reflecting: type(of: error)), stack: stack)), level: level,
            message: message ?? String(describing: error), metadata: metadata(), file: file, function: function, line: line)
    }

    /// `resource`: a sample of process gauges. Usually written by ``ResourceSampler``.
    @inlinable
    public func resource(
        _ sample: ResourceSample, level: Logger.Level = .info, metadata: @autoclosure () -> Logger.Metadata? = nil,
        file: String = #fileID, function: String = #function, line: UInt = #line
    ) {
        event(.resource(sample), level: level, metadata: metadata(), file: file, function: function, line: line)
    }
}
