import Foundation

/// The entry point: picks the subcommand, runs it, and exits 0 on success, 1 on failure, 2 on a
/// usage error.
let arguments = Array(CommandLine.arguments.dropFirst())
let status = Command.run(arguments)
exit(status)
