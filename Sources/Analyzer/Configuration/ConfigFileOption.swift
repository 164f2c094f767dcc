import ArgumentParser

/// `--config FILE`: settings for this subcommand from a YAML file. ``ConfigurationLayers`` reads it
/// before parsing; the option is declared here so that `--help` shows it and parsing accepts it.
struct ConfigFileOption: ParsableArguments {
    @Option(help: ArgumentHelp(
        "YAML file of settings: flag names as keys (store: ..., max-body-bytes: 16MiB, alert-webhook: [...]). Defaults to $ANALYZER_CONFIG.",
        discussion: "Precedence: flags, then ANALYZER_<FLAG> variables (ANALYZER_MAX_BODY_BYTES), then the file, then defaults. `analyzer validate-config` checks a file.",
        valueName: "path"))
    var config: String?
}
