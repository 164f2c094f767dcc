import ArgumentParser

/// The sidecar's entry point: `logshipper [run] ...` ships, `logshipper validate` checks settings.
@main
struct LogShipperCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "logshipper",
        abstract: "Ships events from log files or journald to the analyzer, at least once, losing nothing.",
        discussion: """
            Tails files (following rotation and copytruncate) or the journal, turns every line into a \
            canonical event (plain text becomes a 'log' event), batches and gzips them, and POSTs them to \
            the analyzer's /v1/events. Positions are saved only after the analyzer acknowledged a batch; \
            undelivered batches wait in an on-disk spool, so restarts, kill -9, rotation and analyzer \
            outages lose nothing (duplicates are dropped by the analyzer by event_id).

            Examples:
              logshipper --file '/var/log/orders/*.log' --to http://127.0.0.1:4180
              logshipper --journal --unit orders --service orders --state-dir /var/lib/logshipper
              logshipper --config /etc/logshipper.yaml
              logshipper validate /etc/logshipper.yaml

            Settings come from defaults < --config file < LOGSHIPPER_* variables < flags. \
            `logshipper validate --keys` lists every key with its variable and default. \
            Metrics (Prometheus) and health: http://127.0.0.1:9598/metrics and /health. \
            On SIGTERM or SIGINT: stop reading, deliver for up to shutdown_timeout_ms, save, exit 0.
            """,
        version: "0.1.0",
        subcommands: [RunShipper.self, ValidateConfiguration.self],
        defaultSubcommand: RunShipper.self)
}
