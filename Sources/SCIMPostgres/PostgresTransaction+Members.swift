import SCIMCore

/// Memberships are rows of `group_members`, so each call reads or writes only the rows it names, except
/// the calls that return or remove a whole group. Calls that name many users send them as one array.
extension PostgresTransaction {
    /// The maximum number of members one INSERT statement adds, so that one array parameter stays a few hundred KB.
    static let membersPerStatement = 1_000

    /// Returns the members in the order they were added, with one join to `users` for the display fallback.
    func members(groupID: String) throws(SCIMError) -> [GroupMember] {
        try requireOpen()
        return try connection.query(
            """
            SELECT \(Self.memberColumns) FROM group_members AS m JOIN users AS u ON u.id = m.user_id
            WHERE m.group_id = $1 ORDER BY m.seq
            """,
            [.text(groupID)], row: Self.decodeMember)
    }

    /// Reads the named members in one query and returns those found, in the order of `userIDs`, each once.
    func members(groupID: String, userIDs: [String]) throws(SCIMError) -> [GroupMember] {
        try requireOpen()
        var seen = Set<String>()
        let uniqueIDs = userIDs.filter { seen.insert($0).inserted }
        guard !uniqueIDs.isEmpty else { return [] }
        let found = try connection.query(
            """
            SELECT \(Self.memberColumns) FROM group_members AS m JOIN users AS u ON u.id = m.user_id
            WHERE m.group_id = $1 AND m.user_id = ANY ($2::text[])
            """,
            [.text(groupID), .textArray(uniqueIDs)], row: Self.decodeMember)
        let byUserID = Dictionary(found.map { ($0.userID, $0) }, uniquingKeysWith: { first, _ in first })
        return uniqueIDs.compactMap { byUserID[$0] }
    }

    /// Inserts the members that are not in the group yet, after the last one, and returns how many it inserted.
    ///
    /// The group row stays locked until the transaction ends, so concurrent additions take turns.
    /// - Throws: `internalFailure` when no group has `groupID`, or when a user id names no user.
    func addMembers(groupID: String, _ members: [GroupMember]) throws(SCIMError) -> Int {
        try requireWritable("addMembers")
        guard !members.isEmpty else { return 0 }
        let nextSeq = try connection.queryFirst(
            "SELECT next_member_seq FROM groups WHERE id = $1 FOR UPDATE", [.text(groupID)]
        ) { $0.integer(0) }
        guard var seq = nextSeq else {
            throw .internalFailure("Cannot add members to group \(groupID): no group has this id.")
        }

        // Rows are numbered by their place in the batch, so a skipped member leaves a gap in seq, which
        // keeps the order and costs nothing.
        var added = 0
        var start = 0
        while start < members.count {
            let batch = members[start..<min(start + Self.membersPerStatement, members.count)]
            added += try connection.execute(
                """
                INSERT INTO group_members (group_id, user_id, display, type, seq, display_key, type_key)
                SELECT $1, m.user_id, m.display, m.type, $5 + m.ordinality - 1, m.display_key, m.type_key
                FROM unnest($2::text[], $3::text[], $4::text[], $6::text[], $7::text[]) WITH ORDINALITY
                    AS m (user_id, display, type, display_key, type_key, ordinality)
                ORDER BY m.ordinality
                ON CONFLICT (group_id, user_id) DO NOTHING
                """,
                [
                    .text(groupID), .textArray(batch.map(\.userID)), .textArray(batch.map(\.display)),
                    .textArray(batch.map(\.type)), .integer(seq),
                    .textArray(batch.map { $0.display.map(FilterResolver.fold) }),
                    .textArray(batch.map { $0.type.map(FilterResolver.fold) }),
                ])
            seq += Int64(batch.count)
            start += batch.count
        }

        guard added > 0 else { return 0 }
        try connection.execute(
            "UPDATE groups SET next_member_seq = $1 WHERE id = $2", [.integer(seq), .text(groupID)])
        return added
    }

    /// Deletes the named memberships in one statement and returns how many existed.
    func removeMembers(groupID: String, userIDs: [String]) throws(SCIMError) -> Int {
        try requireWritable("removeMembers")
        guard !userIDs.isEmpty else { return 0 }
        return try connection.execute(
            "DELETE FROM group_members WHERE group_id = $1 AND user_id = ANY ($2::text[])",
            [.text(groupID), .textArray(userIDs)])
    }

    func removeAllMembers(groupID: String) throws(SCIMError) -> Int {
        try requireWritable("removeAllMembers")
        return try connection.execute("DELETE FROM group_members WHERE group_id = $1", [.text(groupID)])
    }

    /// Returns the user's groups through the user_id index, ordered by team and then by creation.
    func groups(ofUser userID: String) throws(SCIMError) -> [GroupRecord] {
        try requireOpen()
        return try connection.query(
            """
            SELECT \(Self.groupColumns) FROM group_members AS m JOIN groups AS g ON g.id = m.group_id
            WHERE m.user_id = $1 ORDER BY g.team_id, g.seq
            """,
            [.text(userID)], row: Self.decodeGroup)
    }
}
