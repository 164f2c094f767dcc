import Logging

/// Typed events with typed fields: the fast path. Nothing here builds a `Logger.Metadata`; with a
/// ``ServiceLogHandler`` the fields are encoded straight into the writer's buffer. One or two fields
/// cost no allocation (they are passed on the stack); more cost the one array of the variadic list.
/// With any other handler the fields travel as metadata, as ``event(_:level:message:metadata:source:file:function:line:)`` does.
extension Logger {
    /// Writes a typed event with one field. Below the logger's level this costs one level comparison.
    @inlinable
    public func event(
        _ payload: @autoclosure () -> EventPayload, level: Logger.Level = .info, message: @autoclosure () -> String? = nil,
        fields first: LogField, file: String = #fileID, function: String = #function, line: UInt = #line
    ) {
        guard self.logLevel <= level else { return }
        withUnsafeTemporaryAllocation(of: LogField.self, capacity: 1) { buffer in
            buffer.initializeElement(at: 0, to: first)
            emitEvent(payload(), level: level, message: message(), fields: UnsafeBufferPointer(buffer), file: file, function: function, line: line)
            buffer.deinitialize()
        }
    }

    /// Writes a typed event with two fields. Below the logger's level this costs one level comparison.
    @inlinable
    public func event(
        _ payload: @autoclosure () -> EventPayload, level: Logger.Level = .info, message: @autoclosure () -> String? = nil,
        fields first: LogField, _ second: LogField, file: String = #fileID, function: String = #function, line: UInt = #line
    ) {
        guard self.logLevel <= level else { return }
        withUnsafeTemporaryAllocation(of: LogField.self, capacity: 2) { buffer in
            buffer.initializeElement(at: 0, to: first)
            buffer.initializeElement(at: 1, to: second)
            emitEvent(payload(), level: level, message: message(), fields: UnsafeBufferPointer(buffer), file: file, function: function, line: line)
            buffer.deinitialize()
        }
    }

    /// Writes a typed event with any number of fields (the list is one allocation).
    @inlinable
    public func event(
        _ payload: @autoclosure () -> EventPayload, level: Logger.Level = .info, message: @autoclosure () -> String? = nil,
        fields first: LogField, _ more: LogField..., file: String = #fileID, function: String = #function, line: UInt = #line
    ) {
        guard self.logLevel <= level else { return }
        emitEvent(payload(), level: level, message: message(), first: first, more: more, file: file, function: function, line: line)
    }

    /// `request_start` with typed fields (see ``requestStart(method:endpoint:userID:level:metadata:file:function:line:)``).
    @inlinable
    public func requestStart(
        method: String, endpoint: String, userID: String? = nil, level: Logger.Level = .info,
        fields first: LogField, _ more: LogField..., file: String = #fileID, function: String = #function, line: UInt = #line
    ) {
        guard self.logLevel <= level else { return }
        emitEvent(
            .requestStart(RequestStart(method: method, endpoint: endpoint, userID: userID)), level: level, message: nil,
            first: first, more: more, file: file, function: function, line: line)
    }

    /// `request_end` with typed fields (see ``requestEnd(method:endpoint:statusCode:durationMS:success:level:metadata:file:function:line:)``).
    @inlinable
    public func requestEnd(
        method: String, endpoint: String, statusCode: Int, durationMS: Double, success: Bool? = nil, level: Logger.Level? = nil,
        fields first: LogField, _ more: LogField..., file: String = #fileID, function: String = #function, line: UInt = #line
    ) {
        let succeeded = success ?? (statusCode > 0 && statusCode < 500)
        let level = level ?? (succeeded ? .info : .error)
        guard self.logLevel <= level else { return }
        emitEvent(
            .requestEnd(RequestEnd(method: method, endpoint: endpoint, statusCode: statusCode, durationMS: durationMS, success: succeeded)),
            level: level, message: nil, first: first, more: more, file: file, function: function, line: line)
    }

    /// `service_call` with typed fields (see ``serviceCall(_:level:metadata:file:function:line:)``).
    @inlinable
    public func serviceCall(
        _ call: ServiceCall, level: Logger.Level? = nil, fields first: LogField, _ more: LogField...,
        file: String = #fileID, function: String = #function, line: UInt = #line
    ) {
        let level = level ?? (call.success ? .info : .warning)
        guard self.logLevel <= level else { return }
        emitEvent(.serviceCall(call), level: level, message: nil, first: first, more: more, file: file, function: function, line: line)
    }

    @usableFromInline
    func emitEvent(
        _ payload: EventPayload, level: Logger.Level, message: String?, first: LogField, more: [LogField],
        file: String, function: String, line: UInt
    ) {
        withUnsafeTemporaryAllocation(of: LogField.self, capacity: 1 + more.count) { buffer in
            buffer.initializeElement(at: 0, to: first)
            _ = UnsafeMutableBufferPointer(rebasing: buffer[1...]).initialize(from: more)
            emitEvent(payload, level: level, message: message, fields: UnsafeBufferPointer(buffer), file: file, function: function, line: line)
            buffer.deinitialize()
        }
    }

    @usableFromInline
    func emitEvent(
        _ payload: EventPayload, level: Logger.Level, message: String?, fields: UnsafeBufferPointer<LogField>,
        file: String, function: String, line: UInt
    ) {
        let handled = withServiceLogHandler { handler in
            handler.pointee.emit(
                level: level, payload: payload, message: message, metadata: nil, fields: fields, source: nil,
                timestamp: .now(), trace: .current)
        }
        if handled { return }
        var metadata: Logger.Metadata = [:]
        for field in fields { metadata[field.key] = field.metadataValue }
        emitEvent(payload, level: level, message: message, metadata: metadata, source: nil, file: file, function: function, line: line)
    }
}
