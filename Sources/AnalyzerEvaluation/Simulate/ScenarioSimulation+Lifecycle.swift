import ServiceLog

extension ScenarioSimulation {
    /// The lines around each downtime: a graceful shutdown line before a restart, the fatal line of a
    /// crash or an out-of-memory death, and the start-up line when the process is back. The classic
    /// generator's one restart line (after an `unavailable` or `memory_leak` fault) comes first.
    mutating func writeLifecycleLogs() {
        if let fault, fault.actsOnProcess, fault.end < end, fault.spec.kind == .unavailable || fault.spec.kind == .memoryLeak {
            emit(
                fault.service, at: fault.end, level: .notice, payload: .log,
                message: ScenarioMessages.restart(service: services[fault.service].name, using: &resourceRNG),
                source: "\(services[fault.service].name).main")
        }
        if let symptoms, symptoms.announcesDeploy, symptoms.start < end {
            let name = services[symptoms.service].name
            emit(
                symptoms.service, instance: symptoms.instance ?? 0, at: symptoms.start - 2_000_000, level: .notice, payload: .log,
                message: voices[symptoms.service].change(variant: 0, service: name, using: &patternRNG),
                source: voices[symptoms.service].source(.main, service: name, target: nil))
        }
        guard fleet.hasDowntime else { return }
        for service in services.indices {
            let name = services[service].name
            let voice = voices[service]
            let main = voice.source(.main, service: name, target: nil)
            for instance in 0..<fleet.counts[service] {
                for downtime in fleet.downtimes[service][instance] where downtime.start < end {
                    let before = downtime.start - 1_000
                    switch downtime.cause {
                    case .restart:
                        emit(
                            service, instance: instance, at: downtime.leavesBalancer, level: .info, payload: .log,
                            message: voice.shutdown(service: name), source: main)
                    case .outOfMemory:
                        if let fatal = voice.fatalOutOfMemory(limitMB: Int(services[service].memoryMB * 2.5)) {
                            emit(
                                service, instance: instance, at: before, level: .critical,
                                payload: .error(ErrorDetails(errorType: fatal.type, stack: fatal.stack)),
                                message: fatal.message, source: main)
                        }
                    case .crash:
                        let crash = voice.crash(service: name, using: &patternRNG)
                        emit(
                            service, instance: instance, at: before, level: .critical,
                            payload: .error(ErrorDetails(errorType: crash.type, stack: crash.stack)),
                            message: crash.message, source: main)
                    case .stopped:
                        break
                    }
                    if downtime.logsStart, downtime.end < end {
                        emit(
                            service, instance: instance, at: downtime.end, level: .notice, payload: .log,
                            message: voice.startup(service: name, using: &patternRNG), source: main)
                    }
                }
            }
        }
    }

    /// The red herrings' own lines: the chronic error logger's steady beat, cron jobs starting and
    /// finishing, unrelated deploys and configuration changes.
    mutating func writeHerringLogs() {
        for logger in herrings.noisy {
            let name = services[logger.service].name
            var time = start + Int64(herringRNG.unit() * logger.everySeconds * 1e6)
            while time < end {
                let instance = herringRNG.int(below: fleet.counts[logger.service])
                let chronic = voices[logger.service].chronic(variant: logger.variant, service: name, using: &herringRNG)
                emit(
                    logger.service, instance: instance, at: time, level: .error,
                    payload: .error(ErrorDetails(errorType: chronic.type, stack: chronic.stack)),
                    message: chronic.message, source: voices[logger.service].source(.handlers, service: name, target: nil))
                time += Int64(logger.everySeconds * herringRNG.uniform(0.9...1.1) * 1e6)
            }
        }
        for run in herrings.jobs {
            let name = services[run.service].name
            let jobs = voices[run.service].source(.jobs, service: name, target: nil)
            emit(
                run.service, instance: run.instance, at: run.start, level: .info, payload: .log,
                message: voices[run.service].job(run.job, finishedAfterSeconds: nil, using: &herringRNG), source: jobs)
            if run.end < end {
                emit(
                    run.service, instance: run.instance, at: run.end, level: .info, payload: .log,
                    message: voices[run.service].job(run.job, finishedAfterSeconds: Double(run.end - run.start) / 1e6, using: &herringRNG),
                    source: jobs)
            }
        }
        for change in herrings.changes where change.time < end {
            let name = services[change.service].name
            emit(
                change.service, instance: herringRNG.int(below: fleet.counts[change.service]), at: change.time, level: .notice,
                payload: .log,
                message: voices[change.service].change(variant: change.variant, service: name, using: &herringRNG),
                source: voices[change.service].source(.main, service: name, target: nil))
        }
    }
}
