import Foundation

/// Locates the built `scimd` executable that the end-to-end suites run.
///
/// The search order is the `SCIMD_BINARY` environment variable, then the `scimd` beside the running
/// test executable (SwiftPM puts both in the same build directory), then `.build/debug/scimd` under
/// the current directory.
package enum ScimdBinary {
    /// Returns the path of the `scimd` executable, or throws when no candidate is executable.
    package static func path() throws -> String {
        let candidates = candidatePaths()
        guard let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw TestSetupError(
                "no scimd executable found; tried \(candidates.joined(separator: ", ")). "
                    + "Build it with 'swift build --product scimd' or set SCIMD_BINARY.")
        }
        return found
    }

    /// Returns every path to try, in order.
    package static func candidatePaths() -> [String] {
        var paths: [String] = []
        if let override = ProcessInfo.processInfo.environment["SCIMD_BINARY"], !override.isEmpty {
            paths.append(override)
        }
        for executable in [CommandLine.arguments.first, Bundle.main.executablePath, Self.currentExecutable()] {
            guard let executable, !executable.isEmpty else { continue }
            let directory = URL(fileURLWithPath: executable).resolvingSymlinksInPath().deletingLastPathComponent()
            paths.append(directory.appendingPathComponent("scimd").path)
        }
        paths.append(FileManager.default.currentDirectoryPath + "/.build/debug/scimd")
        return paths
    }

    /// Returns the path of the running executable as the kernel reports it, or nil off Linux.
    private static func currentExecutable() -> String? {
        try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")
    }
}
