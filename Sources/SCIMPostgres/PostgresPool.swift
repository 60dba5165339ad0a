import Dispatch
import SCIMCore
import Synchronization

/// A fixed number of connection slots, each lent to one borrower at a time.
///
/// Connections open on first use. A connection that libpq reports lost is closed and dropped when it
/// comes back, so the next borrower connects afresh: that is how the store recovers after PostgreSQL
/// restarts.
final class PostgresPool: Sendable {
    let location: String
    let size: Int
    private let connectTimeoutSeconds: Int
    private let waitTimeoutSeconds: Int
    private let slots: DispatchSemaphore
    private let state = Mutex<State>(State())

    private struct State: ~Copyable {
        var idle: [PostgresConnection] = []
        var isClosed = false
    }

    /// - Parameters:
    ///   - size: the most connections open at once, at least 1.
    ///   - waitTimeoutSeconds: how long a borrower waits for a free slot before `unavailable`.
    init(location: String, size: Int, connectTimeoutSeconds: Int, waitTimeoutSeconds: Int) {
        self.location = location
        self.size = max(size, 1)
        self.connectTimeoutSeconds = connectTimeoutSeconds
        self.waitTimeoutSeconds = waitTimeoutSeconds
        self.slots = DispatchSemaphore(value: max(size, 1))
    }

    /// Lends a connection to `body`; `reused` is true when the connection served an earlier borrower.
    ///
    /// - Throws: `unavailable` after ``close()``, when every slot stays busy for the wait timeout, or when
    ///   no connection can be opened.
    func withConnection<T>(
        _ body: (PostgresConnection, _ reused: Bool) throws(SCIMError) -> T
    ) throws(SCIMError) -> T {
        guard slots.wait(timeout: .now() + .seconds(waitTimeoutSeconds)) == .success else {
            throw .unavailable("All \(size) PostgreSQL connections stayed busy for \(waitTimeoutSeconds) s.")
        }
        defer { slots.signal() }

        let taken = state.withLock { state -> (connection: PostgresConnection?, isClosed: Bool) in
            (state.isClosed ? nil : state.idle.popLast(), state.isClosed)
        }
        guard !taken.isClosed else { throw .unavailable("The PostgreSQL store is closed.") }
        let connection: PostgresConnection
        if let idle = taken.connection {
            connection = idle
        } else {
            connection = try PostgresConnection(location: location, connectTimeoutSeconds: connectTimeoutSeconds)
        }
        defer { giveBack(connection) }
        return try body(connection, taken.connection != nil)
    }

    /// Opens a new connection outside the pool, for work that holds a session-level lock.
    func openDedicatedConnection() throws(SCIMError) -> PostgresConnection {
        try PostgresConnection(location: location, connectTimeoutSeconds: connectTimeoutSeconds)
    }

    /// Closes the idle connections; connections in use close when their borrowers give them back.
    func close() {
        let idle = state.withLock { state -> [PostgresConnection] in
            state.isClosed = true
            defer { state.idle.removeAll() }
            return state.idle
        }
        for connection in idle { connection.close() }
    }

    private func giveBack(_ connection: PostgresConnection) {
        // A borrower always ends its transaction; one still open means its ROLLBACK failed.
        guard !connection.isBroken, !connection.isInTransaction else {
            connection.close()
            return
        }
        let kept = state.withLock { state -> Bool in
            guard !state.isClosed else { return false }
            state.idle.append(connection)
            return true
        }
        if !kept { connection.close() }
    }
}
