import SCIMCore

extension PostgresTransaction {
    /// The per-team counters that `insertUser`, `updateUser` and `deleteUser` keep in step with the users table.
    private struct TeamCounters {
        var users: Int64
        var active: Int64
        var nextSeq: Int64
    }

    /// Returns one page of a team's users in `seq` order and the number that match in all.
    ///
    /// No total counts rows: it comes from the counters in `teams`, or from the single possible userName
    /// match. The unfiltered page seeks straight to its first `seq`, so it costs the same at any position.
    func users(teamID: Int64, matching query: UserQuery, startIndex: Int, count: Int) throws(SCIMError) -> UserPage {
        try requireOpen()
        let offset = Int64(max(startIndex, 1) - 1)
        let limit = Int64(max(count, 0))
        // A userName matches at most one user, so its lookup needs none of the team's counters.
        if let userName = query.userName {
            return try usersNamed(userName, teamID: teamID, active: query.active, offset: offset, limit: limit)
        }
        guard let counters = try teamCounters(teamID: teamID) else { return UserPage(totalResults: 0, users: []) }
        if let active = query.active {
            let total = active ? counters.active : counters.users - counters.active
            guard limit > 0, offset < total else { return UserPage(totalResults: Int(total), users: []) }
            // NOTE: this page skips `offset` entries of the (team_id, active, seq) index, so its cost grows
            // with startIndex. A keyset cursor would make it constant.
            let users = try connection.query(
                """
                SELECT \(Self.userColumns) FROM users AS u
                WHERE u.team_id = $1 AND u.active = $2 ORDER BY u.seq LIMIT $3 OFFSET $4
                """,
                [.integer(teamID), .boolean(active), .integer(limit), .integer(offset)], row: Self.decodeUser)
            return UserPage(totalResults: Int(total), users: users)
        }
        return try allUsers(teamID: teamID, counters: counters, offset: offset, limit: limit)
    }

    private func allUsers(
        teamID: Int64, counters: TeamCounters, offset: Int64, limit: Int64
    ) throws(SCIMError) -> UserPage {
        guard limit > 0, offset < counters.users else { return UserPage(totalResults: Int(counters.users), users: []) }

        let users: [UserRecord]
        if counters.nextSeq - 1 == counters.users {
            // Every seq from 1 to user_count is taken, so the user at position startIndex has seq startIndex.
            users = try connection.query(
                "SELECT \(Self.userColumns) FROM users AS u WHERE u.team_id = $1 AND u.seq > $2 ORDER BY u.seq LIMIT $3",
                [.integer(teamID), .integer(offset), .integer(limit)], row: Self.decodeUser)
        } else {
            // NOTE: a deleted user leaves a gap in seq, so from then on this team's pages skip `offset` entries
            // of the (team_id, seq) index and late pages cost more. A keyset cursor would make them constant.
            users = try connection.query(
                "SELECT \(Self.userColumns) FROM users AS u WHERE u.team_id = $1 ORDER BY u.seq LIMIT $2 OFFSET $3",
                [.integer(teamID), .integer(limit), .integer(offset)], row: Self.decodeUser)
        }
        return UserPage(totalResults: Int(counters.users), users: users)
    }

    /// Lists the users whose userName equals `userName` exactly: at most one, because user_name_key is unique.
    private func usersNamed(
        _ userName: String, teamID: Int64, active: Bool?, offset: Int64, limit: Int64
    ) throws(SCIMError) -> UserPage {
        let match = try connection.queryFirst(
            """
            SELECT \(Self.userColumns) FROM users AS u
            WHERE u.user_name_key = $1 AND u.user_name = $2 AND u.team_id = $3
                AND ($4::boolean IS NULL OR u.active = $4::boolean)
            """,
            [.text(userName.lowercased()), .text(userName), .integer(teamID), active.map { .boolean($0) } ?? .null],
            row: Self.decodeUser)
        guard let match else { return UserPage(totalResults: 0, users: []) }
        let onPage = offset == 0 && limit > 0
        return UserPage(totalResults: 1, users: onPage ? [match] : [])
    }

    private func teamCounters(teamID: Int64) throws(SCIMError) -> TeamCounters? {
        try connection.queryFirst(
            "SELECT user_count, active_count, next_seq FROM teams WHERE id = $1", [.integer(teamID)]
        ) { TeamCounters(users: $0.integer(0), active: $0.integer(1), nextSeq: $0.integer(2)) }
    }
}
