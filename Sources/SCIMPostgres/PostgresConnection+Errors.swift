import SCIMCore

extension PostgresConnection {
    /// SQLSTATEs after which the whole transaction may simply run again: a serialization failure and a
    /// deadlock, where PostgreSQL rolled back one of the transactions involved.
    static let retryableStates: Set<String> = ["40001", "40P01"]

    /// Maps a failed statement to the error the store contract names: unique violations to `uniqueness`,
    /// a lost or refused connection and a server shutting down to `unavailable`, anything else to
    /// `internalFailure`.
    ///
    /// Other constraint failures (foreign key, CHECK, NOT NULL) are bugs or broken data, not a duplicate
    /// sent by the client, so they stay internal failures.
    static func error(sqlState: String?, connectionLost: Bool, message: String) -> SCIMError {
        let described = sqlState.map { "\(message) (SQLSTATE \($0))" } ?? message
        if connectionLost { return .unavailable(described) }
        switch sqlState {
        case "23505"?:
            // The core replaces this detail with the text its profile sends.
            var error = SCIMError.uniqueness("Another record already has this unique value.")
            error.underlying = described
            return error
        case let state? where isUnavailableState(state):
            return .unavailable(described)
        case nil:
            // libpq reports failures outside any statement, such as a dropped socket, without a SQLSTATE.
            return .unavailable(described)
        default:
            return .internalFailure(described)
        }
    }

    /// Connection exceptions (class 08), insufficient resources (class 53, such as too many connections),
    /// the operator-intervention shutdowns 57P01 to 57P03, and the retryable states once retries ran out.
    private static func isUnavailableState(_ state: String) -> Bool {
        state.hasPrefix("08") || state.hasPrefix("53") || ["57P01", "57P02", "57P03"].contains(state)
            || retryableStates.contains(state)
    }
}
