package import SCIMCore

extension SQLiteStore: StoreExport {
    /// Reads every row in one read transaction, each table in the order that decides listing order.
    package func exportSnapshot() throws(SCIMError) -> StoreSnapshot {
        try read { (transaction) throws(SCIMError) -> StoreSnapshot in
            let connection = try Self.connection(of: transaction)
            var snapshot = StoreSnapshot()
            snapshot.teams = try connection.query(
                """
                SELECT \(SQLiteTransaction.teamColumns), t.created, t.deleted_at, t.next_seq, t.next_group_seq
                FROM teams AS t ORDER BY t.id
                """
            ) { (row) throws(SCIMError) in
                StoreSnapshot.Team(
                    record: try SQLiteTransaction.decodeTeam(row), created: row.integer(4),
                    deletedAt: row.nullableInteger(5), nextUserSeq: row.integer(6), nextGroupSeq: row.integer(7))
            }
            snapshot.users = try connection.query(
                "SELECT \(SQLiteTransaction.userColumns), u.seq FROM users AS u ORDER BY u.team_id, u.seq"
            ) { (row) throws(SCIMError) in
                StoreSnapshot.User(
                    record: try SQLiteTransaction.decodeUser(row), seq: row.integer(SQLiteTransaction.userColumnCount))
            }
            snapshot.keys = try connection.query(
                "SELECT \(SQLiteTransaction.keyColumns) FROM api_keys AS k ORDER BY k.team_id, k.created, k.rowid",
                row: SQLiteTransaction.decodeKey)
            snapshot.groups = try connection.query(
                """
                SELECT \(SQLiteTransaction.groupColumns), g.seq, g.next_member_seq FROM groups AS g
                ORDER BY g.team_id, g.seq
                """
            ) { row in
                StoreSnapshot.Group(
                    record: SQLiteTransaction.decodeGroup(row), seq: row.integer(7), nextMemberSeq: row.integer(8))
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
    package func importSnapshot(_ snapshot: StoreSnapshot) throws(SCIMError) {
        try write { (transaction) throws(SCIMError) in
            let connection = try Self.connection(of: transaction)
            let existing = try connection.queryFirst("SELECT count(*) FROM teams") { $0.integer(0) } ?? 0
            guard existing == 0 else {
                throw .invalidValue(
                    "The target database already contains \(existing) teams; migrate into an empty database.")
            }
            let counts = snapshot.countsByTeam()
            for team in snapshot.teams {
                try Self.insert(team, counts: counts[team.record.id] ?? .init(), on: connection)
            }
            for user in snapshot.users {
                try Self.insert(user, on: connection)
            }
            for key in snapshot.keys {
                try transaction.insertKey(key)
            }
            for group in snapshot.groups {
                try Self.insert(group, on: connection)
            }
            for membership in snapshot.memberships {
                try connection.execute(
                    """
                    INSERT INTO group_members (group_id, user_id, display, type, seq, display_key, type_key)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """,
                    [
                        .text(membership.groupID), .text(membership.member.userID),
                        .nullableText(membership.member.display), .nullableText(membership.member.type),
                        .integer(membership.seq), .nullableText(membership.member.display.map(FilterResolver.fold)),
                        .nullableText(membership.member.type.map(FilterResolver.fold)),
                    ])
            }
        }
    }

    private static func connection(of transaction: any StoreTransaction) throws(SCIMError) -> SQLiteConnection {
        guard let transaction = transaction as? SQLiteTransaction else {
            throw .internalFailure("An SQLite store ran a transaction of another store.")
        }
        try transaction.requireOpen()
        return transaction.connection
    }

    private static func insert(
        _ team: StoreSnapshot.Team, counts: StoreSnapshot.TeamCounts, on connection: SQLiteConnection
    ) throws(SCIMError) {
        try connection.execute(
            """
            INSERT INTO teams (id, name, deleted, deleted_at, created, user_count, active_count, next_seq,
                group_count, next_group_seq, inactive_count)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [
                .integer(team.record.id), .text(team.record.name), .boolean(team.record.isDeleted),
                .nullableInteger(team.deletedAt), .integer(team.created), .integer(counts.users),
                .integer(counts.activeUsers), .integer(team.nextUserSeq), .integer(counts.groups),
                .integer(team.nextGroupSeq), .integer(counts.inactiveUsers),
            ])
        for (position, domain) in team.record.domains.enumerated() {
            try connection.execute(
                "INSERT INTO team_domains (team_id, position, domain) VALUES (?, ?, ?)",
                [.integer(team.record.id), .integer(Int64(position)), .text(domain)])
        }
    }

    private static func insert(_ user: StoreSnapshot.User, on connection: SQLiteConnection) throws(SCIMError) {
        let record = user.record
        let keys = UserSearchKeys(record)
        try connection.execute(
            """
            INSERT INTO users (id, team_id, seq, user_name, user_name_key, given_name, family_name, external_id,
                active, role, created, last_modified, version, extra, password_hash, display_name_key, search_keys)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [.text(record.id), .integer(record.teamID), .integer(user.seq)]
                + SQLiteTransaction.userFieldValues(record, keys: keys))
        try SQLiteTransaction.storeEmailKeys(of: record, keys: keys, on: connection, replacing: false)
    }

    private static func insert(_ group: StoreSnapshot.Group, on connection: SQLiteConnection) throws(SCIMError) {
        let record = group.record
        try connection.execute(
            """
            INSERT INTO groups (id, team_id, seq, display_name, display_name_key, external_id, created,
                last_modified, version, next_member_seq)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [
                .text(record.id), .integer(record.teamID), .integer(group.seq), .text(record.displayName),
                .text(record.displayName.lowercased()), .nullableText(record.externalID), .integer(record.created),
                .integer(record.lastModified), .integer(record.version), .integer(group.nextMemberSeq),
            ])
    }
}
