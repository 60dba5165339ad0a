import Dispatch
import Foundation
import SCIMCore
import SCIMCrypto
import SCIMHTTP
import SCIMPostgres

/// `scimd serve`: reads the configuration, opens the store, serves until SIGTERM or SIGINT, then
/// stops accepting, lets requests in flight finish, closes the store and exits 0.
enum ServeCommand {
    static let options: Set<String> = [
        "listen", Command.databaseOption, "profile", "rate-limit-writes", "rate-limit-reads", "max-body-bytes",
        "base-url", "log-level", "threads", "group-patch-response", "database-pool-size", "cursor-timeout",
    ]

    static func run(_ words: [String]) throws(Arguments.UsageError) -> Int32 {
        let arguments = try Arguments(words, knownOptions: options)
        if arguments.wantsHelp {
            print(HelpText.serve)
            return 0
        }
        guard arguments.positionals.isEmpty else {
            throw Arguments.UsageError(message: "serve takes no positional arguments.\n\(HelpText.serveUsage)")
        }
        let settings = try ServeSettings(arguments)
        let logger = Logger(label: "scimd", minimumLevel: settings.logLevel)
        let store: any ResourceStore
        do {
            store = try Command.openStore(
                arguments, poolSize: settings.databasePoolSize, logger: logger.labelled("scim.store"))
        } catch {
            logger.error("failed to open the database", ["scimd.error": error.message])
            return 1
        }
        return serve(settings, store: store, logger: logger)
    }

    private static func serve(_ settings: ServeSettings, store: any ResourceStore, logger: Logger) -> Int32 {
        // Nodes that share a PostgreSQL database count each team's requests together in it; a SQLite
        // file serves one node, which counts in memory.
        let limiter = (store as? PostgresStore).map { store in
            PostgresRateLimiter(
                store: store, readsPerMinute: settings.readsPerMinute, writesPerMinute: settings.writesPerMinute)
        }
        let service = SCIMService(
            store: store, hasher: OpenSSLCredentialHasher(),
            configuration: .init(
                profile: settings.profile, readsPerMinute: settings.readsPerMinute,
                writesPerMinute: settings.writesPerMinute, maxPayloadBytes: settings.maxBodyBytes,
                cursorTimeoutSeconds: settings.cursorTimeoutSeconds),
            limiter: limiter)
        let handler = SCIMHandler(
            service: service, logger: logger.labelled("scim.http"), baseURL: settings.baseURL,
            listenAddress: settings.listenAddress, groupPatchReturnsResource: settings.groupPatchReturnsResource)
        var configuration = HTTPServer.Configuration(
            host: settings.host, port: settings.port, maxBodyBytes: settings.maxBodyBytes)
        if let threads = settings.threads { configuration.threadCount = threads }
        let server = HTTPServer(configuration: configuration, handler: handler, logger: logger.labelled("scim.http"))
        // The handlers exist before the listen line is logged, so a signal sent as soon as a supervisor
        // reads that line is never lost, even when the parent process ignores SIGINT.
        let signalSources = installSignalHandlers(logger: logger) {
            server.shutdown(gracePeriodSeconds: 10)
            store.close()
        }
        let bound: (host: String, port: Int)
        do {
            bound = try server.start()
        } catch {
            logger.error("failed to listen", ["scimd.listen": settings.listenAddress, "scimd.error": "\(error)"])
            store.close()
            return 1
        }
        logger.info(
            "server started",
            [
                "scimd.listen": "\(bound.host):\(bound.port)", "scimd.profile": settings.profile.rawValue,
                "scimd.database": settings.databaseDescription,
                "scimd.database.pool_size": String(settings.databasePoolSize),
                "scimd.rate_limit.writes": String(settings.writesPerMinute),
                "scimd.rate_limit.reads": String(settings.readsPerMinute),
            ])
        withExtendedLifetime(signalSources) { dispatchMain() }
    }

    /// Arranges for SIGTERM and SIGINT to run `stop`, log the stop and exit 0, and returns the sources,
    /// which must stay alive.
    private static func installSignalHandlers(logger: Logger, stop: @escaping @Sendable () -> Void)
        -> [any DispatchSourceSignal]
    {
        let queue = DispatchQueue(label: "scimd.signals")
        var sources: [any DispatchSourceSignal] = []
        for signalNumber in [SIGTERM, SIGINT] {
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: queue)
            source.setEventHandler {
                logger.info("stopping: finishing requests in flight", ["scimd.signal": String(signalNumber)])
                stop()
                logger.info("server stopped")
                exit(0)
            }
            source.resume()
            sources.append(source)
        }
        return sources
    }
}

/// The settings of `serve`, from options, then environment variables, then defaults.
struct ServeSettings {
    var host: String
    var port: Int
    var profile: Profile
    var readsPerMinute: Int
    var writesPerMinute: Int
    var maxBodyBytes: Int
    var baseURL: String?
    var logLevel: Logger.Level
    var threads: Int?
    var groupPatchReturnsResource: Bool
    /// How long a cursor of the rfc profile stays valid, in seconds.
    var cursorTimeoutSeconds: Int
    var databaseDescription: String
    /// The most PostgreSQL connections the server opens; unused with a SQLite file.
    var databasePoolSize: Int

    var listenAddress: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }

    init(_ arguments: Arguments) throws(Arguments.UsageError) {
        let listen = arguments.value("listen", environment: "SCIMD_LISTEN") ?? "127.0.0.1:8080"
        (host, port) = try Self.parseListen(listen)
        let profileName = arguments.value("profile", environment: "SCIMD_PROFILE") ?? "postman"
        guard let profile = Profile(rawValue: profileName) else {
            throw Arguments.UsageError(message: "--profile must be postman or rfc, not '\(profileName)'.")
        }
        self.profile = profile
        writesPerMinute = try arguments.integer(
            "rate-limit-writes", environment: "SCIMD_RATE_LIMIT_WRITES", default: 180)
        readsPerMinute = try arguments.integer("rate-limit-reads", environment: "SCIMD_RATE_LIMIT_READS", default: 300)
        maxBodyBytes = try arguments.integer(
            "max-body-bytes", environment: "SCIMD_MAX_BODY_BYTES", default: 1 << 20, minimum: 1024)
        baseURL = arguments.value("base-url", environment: "SCIMD_BASE_URL")
        let levelName = arguments.value("log-level", environment: "SCIMD_LOG_LEVEL") ?? "info"
        guard let level = Logger.Level(rawValue: levelName) else {
            let names = Logger.Level.allCases.map(\.rawValue).joined(separator: ", ")
            throw Arguments.UsageError(message: "--log-level must be one of \(names), not '\(levelName)'.")
        }
        logLevel = level
        threads =
            arguments.value("threads", environment: "SCIMD_THREADS") == nil
            ? nil : try arguments.integer("threads", environment: "SCIMD_THREADS", default: 1, minimum: 1)
        let groupPatchResponse = arguments.value("group-patch-response", environment: "SCIMD_GROUP_PATCH_RESPONSE")
        switch groupPatchResponse ?? "no-content" {
        case "no-content": groupPatchReturnsResource = false
        case "resource": groupPatchReturnsResource = true
        case let other:
            throw Arguments.UsageError(
                message: "--group-patch-response must be no-content or resource, not '\(other)'.")
        }
        cursorTimeoutSeconds = try arguments.integer(
            "cursor-timeout", environment: "SCIMD_CURSOR_TIMEOUT", default: SCIMService.defaultCursorTimeoutSeconds,
            minimum: 1)
        let database = arguments.value(Command.databaseOption, environment: Command.databaseEnvironment)
        databaseDescription = PostgresLocation.redacted(database ?? Command.defaultDatabase)
        databasePoolSize = try arguments.integer(
            "database-pool-size", environment: "SCIMD_DATABASE_POOL_SIZE",
            default: 2 * ProcessInfo.processInfo.activeProcessorCount, minimum: 1)
    }

    /// Splits `HOST:PORT` or `[IPV6]:PORT`.
    private static func parseListen(_ text: String) throws(Arguments.UsageError) -> (String, Int) {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]),
            (0...65535).contains(port)
        else {
            throw Arguments.UsageError(message: "--listen must be HOST:PORT, such as 127.0.0.1:8080, not '\(text)'.")
        }
        var host = String(text[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty else { throw Arguments.UsageError(message: "--listen needs a host, such as 127.0.0.1.") }
        return (host, port)
    }
}
