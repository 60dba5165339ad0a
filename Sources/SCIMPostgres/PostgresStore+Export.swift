package import SCIMCore

extension PostgresStore: StoreExport {
    /// Reads every row in one REPEATABLE READ transaction, each table in the order that decides listing order.
    package func exportSnapshot() throws(SCIMError) -> StoreSnapshot {
        try read { (transaction) throws(SCIMError) -> StoreSnapshot in
            let connection = try Self.connection(of: transaction)
            var snapshot = StoreSnapshot()
            snapshot.teams = try connection.query(
                """
                SELECT \(PostgresTransaction.teamColumns), t.created, t.deleted_at, t.next_seq, t.next_group_seq
                FROM teams AS t ORDER BY t.id
                """
            ) { (row) throws(SCIMError) in
                StoreSnapshot.Team(
                    record: try PostgresTransaction.decodeTeam(row), created: row.integer(4),
                    deletedAt: row.nullableInteger(5), nextUserSeq: row.integer(6), nextGroupSeq: row.integer(7))
            }
            snapshot.users = try connection.query(
                "SELECT \(PostgresTransaction.userColumns), u.seq FROM users AS u ORDER BY u.team_id, u.seq"
            ) { (row) throws(SCIMError) in
                StoreSnapshot.User(
                    record: try PostgresTransaction.decodeUser(row),
                    seq: row.integer(PostgresTransaction.userColumnCount))
            }
            snapshot.keys = try connection.query(
                "SELECT \(PostgresTransaction.keyColumns) FROM api_keys AS k ORDER BY k.team_id, k.created, k.position",
                row: PostgresTransaction.decodeKey)
            snapshot.groups = try connection.query(
                """
                SELECT \(PostgresTransaction.groupColumns), g.seq, g.next_member_seq FROM groups AS g
                ORDER BY g.team_id, g.seq
                """
            ) { row in
                StoreSnapshot.Group(
                    record: PostgresTransaction.decodeGroup(row), seq: row.integer(7), nextMemberSeq: row.integer(8))
            }
            snapshot.memberships = try connection.query(
                "SELECT group_id, user_id, display, type, seq FROM group_members ORDER BY group_id, seq"
            ) { row in
                StoreSnapshot.Membership(
                    groupID: row.text(0),
                    member: GroupMember(userID: row.text(1), display: row.nullableText(2), type: row.nullableText(3)),
                    seq: row.integer(4))
            }
            return snapshot
        }
    }

    /// Writes `snapshot` in one write transaction, keeping every id and seq, and derives the counters.
    ///
    /// The team id sequence then moves past the highest imported id, so new teams get fresh ids.
    package func importSnapshot(_ snapshot: StoreSnapshot) throws(SCIMError) {
        try write { (transaction) throws(SCIMError) in
            let connection = try Self.connection(of: transaction)
            // The table lock makes a second import into the same database wait, then see these teams.
            try connection.executeScript("LOCK TABLE teams IN SHARE ROW EXCLUSIVE MODE")
            let existing = try connection.queryFirst("SELECT count(*) FROM teams") { $0.integer(0) } ?? 0
            guard existing == 0 else {
                throw .invalidValue(
                    "The target database already contains \(existing) teams; migrate into an empty database.")
            }

            let counts = snapshot.countsByTeam()
            for team in snapshot.teams {
                try Self.insert(team, counts: counts[team.record.id] ?? .init(), on: connection)
                try (transaction as? PostgresTransaction)?.insertDomains(team.record.domains, teamID: team.record.id)
            }
            try connection.execute(
                "SELECT setval(pg_get_serial_sequence('teams', 'id'), greatest(max(id), 1), max(id) IS NOT NULL) FROM teams"
            )
            try Self.insertUsers(snapshot.users, on: connection)
            for key in snapshot.keys {
                try transaction.insertKey(key)
            }
            for group in snapshot.groups {
                try Self.insert(group, on: connection)
            }
            try Self.insertRows(
                "INSERT INTO group_members (group_id, user_id, display, type, seq, display_key, type_key)",
                casts: Array(repeating: "", count: 7),
                rows: snapshot.memberships.map { membership in
                    [
                        .text(membership.groupID), .text(membership.member.userID),
                        .nullableText(membership.member.display), .nullableText(membership.member.type),
                        .integer(membership.seq), .nullableText(membership.member.display.map(FilterResolver.fold)),
                        .nullableText(membership.member.type.map(FilterResolver.fold)),
                    ]
                },
                on: connection)
        }
    }

    private static func connection(of transaction: any StoreTransaction) throws(SCIMError) -> PostgresConnection {
        guard let transaction = transaction as? PostgresTransaction else {
            throw .internalFailure("A PostgreSQL store ran a transaction of another store.")
        }
        try transaction.requireOpen()
        return transaction.connection
    }

    private static func insert(
        _ team: StoreSnapshot.Team, counts: StoreSnapshot.TeamCounts, on connection: PostgresConnection
    ) throws(SCIMError) {
        try connection.execute(
            """
            INSERT INTO teams (id, name, deleted, deleted_at, created, user_count, active_count, next_seq,
                group_count, next_group_seq, inactive_count)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
            """,
            [
                .integer(team.record.id), .text(team.record.name), .boolean(team.record.isDeleted),
                .nullableInteger(team.deletedAt), .integer(team.created), .integer(counts.users),
                .integer(counts.activeUsers), .integer(team.nextUserSeq), .integer(counts.groups),
                .integer(team.nextGroupSeq), .integer(counts.inactiveUsers),
            ])
    }

    /// Inserts the users in multi-row statements, then the e-mail keys of those that have any.
    private static func insertUsers(_ users: [StoreSnapshot.User], on connection: PostgresConnection)
        throws(SCIMError)
    {
        let keys = users.map { UserSearchKeys($0.record) }
        try insertRows(
            """
            INSERT INTO users (id, team_id, seq, user_name, user_name_key, given_name, family_name, external_id,
                active, role, created, last_modified, version, extra, password_hash, display_name_key, search_keys)
            """,
            casts: Array(repeating: "", count: 16) + ["::jsonb"],
            rows: zip(users, keys).map { user, keys in
                [.text(user.record.id), .integer(user.record.teamID), .integer(user.seq)]
                    + PostgresTransaction.userFieldValues(user.record, keys: keys)
            },
            on: connection)
        for (user, keys) in zip(users, keys) where !keys.emails.isEmpty {
            try PostgresTransaction.storeEmailKeys(of: user.record, keys: keys, on: connection, replacing: false)
        }
    }

    /// The maximum number of parameters one multi-row INSERT binds; PostgreSQL's protocol allows 65,535.
    private static let maxParametersPerInsert = 8_000

    /// Runs `insert` (an `INSERT INTO table (columns)` clause) with a VALUES list of many rows, in as
    /// few statements as the parameter limit allows. `casts` contains each column's cast, or "".
    ///
    /// With one statement per row, copying the benchmark's store of 177,000 users and 110,000 memberships
    /// took 37.5 s, mostly round trips to the server. With these statements it took 8.4 s.
    private static func insertRows(
        _ insert: String, casts: [String], rows: [[PostgresValue]], on connection: PostgresConnection
    ) throws(SCIMError) {
        let rowsPerStatement = max(1, maxParametersPerInsert / casts.count)
        var start = 0
        while start < rows.count {
            let chunk = rows[start..<min(start + rowsPerStatement, rows.count)]
            var tuples: [String] = []
            tuples.reserveCapacity(chunk.count)
            for row in 0..<chunk.count {
                let first = row * casts.count
                let placeholders = casts.indices.map { column in "$\(first + column + 1)\(casts[column])" }
                tuples.append("(" + placeholders.joined(separator: ", ") + ")")
            }
            try connection.execute(insert + " VALUES " + tuples.joined(separator: ", "), chunk.flatMap { $0 })
            start += chunk.count
        }
    }

    private static func insert(_ group: StoreSnapshot.Group, on connection: PostgresConnection) throws(SCIMError) {
        let record = group.record
        try connection.execute(
            """
            INSERT INTO groups (id, team_id, seq, display_name, display_name_key, external_id, created,
                last_modified, version, next_member_seq)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
            """,
            [
                .text(record.id), .integer(record.teamID), .integer(group.seq), .text(record.displayName),
                .text(record.displayName.lowercased()), .nullableText(record.externalID), .integer(record.created),
                .integer(record.lastModified), .integer(record.version), .integer(group.nextMemberSeq),
            ])
    }
}
