package import SCIMCore

/// A ``RequestRateLimiter`` whose counts live in the database, so every node that shares it counts
/// each team's requests together.
///
/// Each check is one call of the `scimd_admit_request` function, which locks the team's bucket with a
/// transaction-level advisory lock, deletes request times older than the window, and records the request
/// when fewer than the limit remain. The window and the rule match ``RateLimiter``: no 60-second window
/// holds more accepted requests than the limit, and rejected requests are not recorded.
package final class PostgresRateLimiter: RequestRateLimiter {
    private let pool: PostgresPool
    private let readLimit: Int
    private let writeLimit: Int

    /// Creates a limiter that shares `store`'s connections; a limit of 0 turns that bucket's limit off.
    package init(store: PostgresStore, readsPerMinute: Int, writesPerMinute: Int) {
        self.pool = store.pool
        self.readLimit = max(0, readsPerMinute)
        self.writeLimit = max(0, writesPerMinute)
    }

    /// Records a request at `now` (milliseconds) when it is within the limit.
    /// - Throws: `unavailable` when PostgreSQL cannot be reached; `internalFailure` for other failures.
    package func admit(
        teamID: Int64, bucket: RateLimiter.Bucket, now: Int64
    ) throws(SCIMError) -> RateLimiter.Decision {
        let limit = bucket == .write ? writeLimit : readLimit
        guard limit > 0 else { return .allowed }

        let waitMilliseconds = try waitBeforeAdmitting(teamID: teamID, bucket: bucket, limit: limit, now: now)
        guard waitMilliseconds > 0 else { return .allowed }
        return .limited(limit: limit, retryAfterSeconds: Int((waitMilliseconds + 999) / 1000))
    }

    /// Calls `scimd_admit_request` and returns 0 when the request was recorded, else the milliseconds to wait.
    ///
    /// A pooled connection found dead (after PostgreSQL restarted) is replaced and the call sent again.
    /// The call may then count twice if the connection died after the function ran, which errs on the
    /// strict side.
    private func waitBeforeAdmitting(
        teamID: Int64, bucket: RateLimiter.Bucket, limit: Int, now: Int64
    ) throws(SCIMError) -> Int64 {
        var attempts = 0
        while true {
            attempts += 1
            let outcome = try pool.withConnection {
                (connection, reused) throws(SCIMError) -> Result<Int64, SCIMError> in
                do throws(SCIMError) {
                    return .success(
                        try Self.callAdmit(connection, teamID: teamID, bucket: bucket, limit: limit, now: now))
                } catch  where reused && connection.isBroken && attempts <= pool.size {
                    return .failure(error)
                }
            }
            if case .success(let wait) = outcome { return wait }
        }
    }

    private static func callAdmit(
        _ connection: PostgresConnection, teamID: Int64, bucket: RateLimiter.Bucket, limit: Int, now: Int64
    ) throws(SCIMError) -> Int64 {
        try connection.queryFirst(
            "SELECT scimd_admit_request($1::bigint, $2::smallint, $3::integer, $4::bigint, $5::bigint)",
            [
                .integer(teamID), .integer(bucket == .write ? 1 : 0), .integer(Int64(limit)), .integer(now),
                .integer(RateLimiter.windowMilliseconds),
            ]
        ) { $0.integer(0) } ?? 0
    }
}
