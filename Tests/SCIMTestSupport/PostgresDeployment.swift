package import Foundation

/// Several `scimd serve` nodes on one PostgreSQL database created for one test, with the `scimd`
/// subcommands run against that database.
///
/// The database is created on the server of `SCIM_TEST_POSTGRES_URL`, or of `serverURL`, through
/// `psql`, and dropped when the instance goes away.
package final class PostgresDeployment {
    /// The URL of the PostgreSQL server the end-to-end tests use, from `SCIM_TEST_POSTGRES_URL`.
    package static let serverURL: String? = {
        guard let url = ProcessInfo.processInfo.environment["SCIM_TEST_POSTGRES_URL"], !url.isEmpty else { return nil }
        return url
    }()

    package let executablePath: String
    package let directory: URL
    /// The URL of this deployment's own database.
    package let databaseURL: String
    private let database: PostgresTestDatabase

    /// Creates an empty database on `serverURL` and a temporary working directory.
    package init(serverURL: String? = PostgresDeployment.serverURL) throws {
        guard let serverURL else { throw TestSetupError("SCIM_TEST_POSTGRES_URL is unset") }
        executablePath = try ScimdBinary.path()
        directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("scimd-nodes-\(UUID().uuidString.lowercased())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        database = try PostgresTestDatabase(serverURL: serverURL)
        databaseURL = database.url
    }

    deinit {
        try? FileManager.default.removeItem(at: directory)
    }

    /// Runs `scimd ARGUMENTS --database URL` and throws unless it exits with 0.
    @discardableResult
    package func runSucceeding(_ arguments: [String]) throws -> CommandResult {
        let result = try ChildProcess.run(
            executablePath, arguments + ["--database", databaseURL], directory: directory)
        guard result.exit == .exited(0) else {
            throw TestSetupError("scimd \(arguments.joined(separator: " ")) failed: \(result)")
        }
        return result
    }

    /// Runs a subcommand that prints a new API key on its last line, and returns that key.
    package func runPrintingKey(_ arguments: [String]) throws -> String {
        let result = try runSucceeding(arguments)
        guard let key = result.lastLine, APIKeyFormat.id(of: key) != nil else {
            throw TestSetupError("scimd \(arguments.joined(separator: " ")) printed no API key: \(result)")
        }
        return key
    }

    /// Starts one node: `scimd serve --listen 127.0.0.1:0 --database URL EXTRA...`.
    package func startNode(_ extraArguments: [String] = []) throws -> ScimdServer {
        try ScimdServer(
            executablePath: executablePath,
            arguments: ["serve", "--listen", "127.0.0.1:0", "--database", databaseURL] + extraArguments,
            environment: [:], directory: directory)
    }
}

/// A throwaway PostgreSQL cluster of its own, started and stopped through `scripts/postgres-test-cluster`,
/// for tests that stop the database under load without disturbing the shared one.
package final class PostgresTestCluster {
    package let directory: String
    package let port: Int
    /// The URL of the cluster's `postgres` database.
    package private(set) var url = ""

    /// Starts a new cluster under a fresh directory in /tmp on a free port of 127.0.0.1.
    package init() throws {
        directory = "/tmp/scimd-pg-fault-\(UUID().uuidString.lowercased().prefix(8))"
        port = try FreePort.find()
        url = try run("start").trimmingCharacters(in: .whitespacesAndNewlines)
    }

    deinit {
        _ = try? run("stop", "--remove")
    }

    /// Starts the cluster again after ``stop()``.
    package func start() throws {
        try run("start")
    }

    /// Stops the cluster with a fast shutdown, which ends every session.
    package func stop() throws {
        try run("stop")
    }

    /// The script's path, found from this file's place in the repository.
    package static var scriptPath: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("scripts/postgres-test-cluster").path
    }

    @discardableResult
    private func run(_ command: String, _ extra: String...) throws -> String {
        let result = try ChildProcess.run(
            Self.scriptPath, [command, "--dir", directory, "--port", String(port)] + extra, timeout: .seconds(60))
        guard result.exit == .exited(0) else {
            throw TestSetupError("postgres-test-cluster \(command) failed: \(result)")
        }
        return result.stdout
    }
}

/// Finds a TCP port on 127.0.0.1 that nothing listens on right now.
package enum FreePort {
    /// Returns the port, which another process may take before the caller uses it.
    package static func find() throws -> Int {
        let socketHandle = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socketHandle >= 0 else { throw TestSetupError("socket() failed: errno \(errno)") }
        defer { close(socketHandle) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { generic in
                bind(socketHandle, generic, length) == 0 && getsockname(socketHandle, generic, &length) == 0
            }
        }
        guard bound else { throw TestSetupError("binding 127.0.0.1:0 failed: errno \(errno)") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
