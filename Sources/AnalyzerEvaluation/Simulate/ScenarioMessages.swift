/// The texts simulated services write: ordinary `info` logs per service, and the error messages of each
/// fault kind, with variable parts (IDs, amounts, durations) drawn from the scenario's generator so
/// that a template miner has real variation to fold.
enum ScenarioMessages {
    /// An error event's contents.
    struct ErrorText: Sendable, Hashable {
        var type: String
        var message: String
        var stack: String?
    }

    /// The `errors` fault's message families; a scenario uses one, chosen by its seed.
    static let errorFamilyCount = 3

    /// An ordinary log line of `service` handling `endpoint`.
    static func info(service: String, endpoint: String, using rng: inout SplitMix64) -> String {
        switch service {
        case "gateway":
            return "authenticated user u_\(rng.int(in: 10_000...99_999)) via session token, routing to \(endpoint)"
        case "catalog":
            return "listing \(rng.int(in: 5...60)) products for category \(rng.pick(["shoes", "books", "garden", "toys", "audio"]))"
        case "pricing":
            return
                "computed prices for \(rng.int(in: 1...40)) items in \(rng.pick(["EUR", "USD", "GBP"])) (rule set r\(rng.int(in: 100...999)))"
        case "recommendations":
            return
                "generated \(rng.int(in: 4...24)) recommendations for user u_\(rng.int(in: 10_000...99_999)) with model m-\(hex(&rng, 6))"
        case "orders":
            return endpoint.hasPrefix("/orders/")
                ? "loaded order ord_\(hex(&rng, 8)) with status \(rng.pick(["pending", "paid", "shipped", "delivered"]))"
                : "order ord_\(hex(&rng, 8)) created for user u_\(rng.int(in: 10_000...99_999)) with \(rng.int(in: 1...9)) items"
        case "inventory":
            return endpoint.hasPrefix("/stock")
                ? "stock level for sku-\(rng.int(in: 1000...99_999)) is \(rng.int(in: 0...500)) units"
                : "reserved \(rng.int(in: 1...5)) units of sku-\(rng.int(in: 1000...99_999)) in warehouse \(rng.pick(["fra1", "ams2", "dub1"]))"
        case "datastore":
            return "compacted segment \(rng.int(in: 1...9999)) of table \(rng.pick(["stock", "reservations"])) in \(rng.int(in: 1...40)) ms"
        case "payments":
            return
                "charge ch_\(hex(&rng, 10)) authorized for \(rng.int(in: 100...99_999)) cents via acquirer \(rng.pick(["acq-eu", "acq-us"]))"
        case "fraud":
            return "fraud score 0.\(rng.int(in: 10...99)) for order ord_\(hex(&rng, 8)) (threshold 0.90)"
        case "ledger":
            return "ledger entry le_\(hex(&rng, 10)) written for \(rng.int(in: 100...99_999)) cents"
        case "notifications":
            return "queued email to customer\(rng.int(in: 1...99_999))@example.com using template order_confirmation"
        default:
            return "handled \(endpoint) in worker \(rng.int(in: 1...16))"
        }
    }

    /// The `errors` fault: a bug in the service's handler.
    static func handlerBug(family: Int, service: String, endpoint: String, using rng: inout SplitMix64) -> ErrorText {
        let module = service.prefix(1).uppercased() + service.dropFirst()
        switch family % errorFamilyCount {
        case 0:
            return ErrorText(
                type: "NullPointerError",
                message:
                    "NullPointer in handler \(endpoint): field '\(rng.pick(["customer", "address", "currency"]))' was nil for request req_\(hex(&rng, 12))",
                stack:
                    "\(module)Service.Handler.handle(_:) at Sources/\(module)/Handler.swift:\(rng.int(in: 40...45))\n\(module)Service.Router.route(_:) at Sources/\(module)/Router.swift:88"
            )
        case 1:
            return ErrorText(
                type: "DecodingError.keyNotFound",
                message:
                    "failed to decode \(rng.pick(["Order", "Item", "Charge"])) \(hex(&rng, 8))-\(hex(&rng, 4)): key 'amount_cents' not found",
                stack: "\(module)Service.Codec.decode(_:) at Sources/\(module)/Codec.swift:117")
        default:
            let count = rng.int(in: 1...8)
            return ErrorText(
                type: "IndexOutOfRange",
                message: "index \(count + rng.int(in: 0...3)) out of range in \(service).batchLookup (count \(count))",
                stack: "\(module)Service.Lookup.batchLookup(_:) at Sources/\(module)/Lookup.swift:61")
        }
    }

    /// The `resource_exhaustion` fault: no connection came free in time.
    static func poolTimeout(waitedMS: Int, poolSize: Int, using rng: inout SplitMix64) -> ErrorText {
        ErrorText(
            type: "ConnectionPoolError.timeout",
            message:
                "timed out waiting for connection from pool after \(waitedMS) ms (pool size \(poolSize), \(rng.int(in: 5...40)) waiting)")
    }

    /// The `memory_leak` fault's late phase: allocations fail.
    static func outOfMemory(heapMB: Int, using rng: inout SplitMix64) -> ErrorText {
        ErrorText(
            type: "OutOfMemoryError",
            message: "failed to allocate \(rng.int(in: 4...512) * 1024) bytes: heap usage \(heapMB) MB exceeds soft limit")
    }

    /// Unrelated errors that happen in any healthy system.
    static func background(service: String, using rng: inout SplitMix64) -> ErrorText {
        if rng.chance(0.5) {
            return ErrorText(
                type: "CacheError.refreshFailed",
                message: "cache refresh failed for key \(service):config:\(rng.int(in: 1...40)): connection reset by peer")
        }
        return ErrorText(
            type: "ValidationError",
            message: "invalid request payload: field '\(rng.pick(["email", "quantity", "sku", "currency"]))' must not be empty")
    }

    /// A caller's error after a required call failed.
    static func upstream(target: String, reason: String, attempts: Int) -> ErrorText {
        ErrorText(
            type: "UpstreamError", message: "upstream \(target) failed after \(attempts) attempt\(attempts == 1 ? "" : "s"): \(reason)")
    }

    /// A caller's warning after an optional call failed.
    static func degraded(target: String, reason: String) -> String {
        "\(target) unavailable (\(reason)), continuing without it"
    }

    /// Why a call failed, as a caller would phrase it.
    static func reason(status: Int, error: String?, timeoutMS: Double) -> String {
        switch error {
        case "timeout": "timeout after \(Int(timeoutMS)) ms"
        case "connection_refused": "connection refused"
        case "connection_reset": "connection reset by peer"
        case let other?: other
        case nil: "status \(status)"
        }
    }

    /// A service (re)starting after the fault.
    static func restart(service: String, using rng: inout SplitMix64) -> String {
        "\(service) starting: version 2.\(rng.int(in: 0...9)).\(rng.int(in: 0...20)), listening on :8080"
    }

    /// Lowercase hex digits.
    static func hex(_ rng: inout SplitMix64, _ digits: Int) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(digits)
        for _ in 0..<digits {
            let nibble = UInt8(rng.int(below: 16))
            bytes.append(nibble < 10 ? 0x30 + nibble : 0x57 + nibble)
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
