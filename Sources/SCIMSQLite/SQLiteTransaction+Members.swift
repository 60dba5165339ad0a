import SCIMCore

/// Memberships are rows of `group_members`, so each call reads or writes only the rows it names, except
/// the calls that return or remove a whole group.
extension SQLiteTransaction {
    /// Returns the members in the order they were added, with one join to `users` for the display fallback.
    func members(groupID: String) throws(SCIMError) -> [GroupMember] {
        try requireOpen()
        return try connection.query(
            """
            SELECT \(Self.memberColumns) FROM group_members AS m JOIN users AS u ON u.id = m.user_id
            WHERE m.group_id = ? ORDER BY m.seq
            """,
            [.text(groupID)], row: Self.decodeMember)
    }

    /// Reads each named member by primary key and returns those found, in the order of `userIDs`, each once.
    func members(groupID: String, userIDs: [String]) throws(SCIMError) -> [GroupMember] {
        try requireOpen()
        var members: [GroupMember] = []
        var seen = Set<String>()
        for userID in userIDs {
            guard seen.insert(userID).inserted else { continue }
            let member = try connection.queryFirst(
                """
                SELECT \(Self.memberColumns) FROM group_members AS m JOIN users AS u ON u.id = m.user_id
                WHERE m.group_id = ? AND m.user_id = ?
                """,
                [.text(groupID), .text(userID)], row: Self.decodeMember)
            if let member { members.append(member) }
        }
        return members
    }

    /// Inserts the members that are not in the group yet, after the last one, and returns how many it inserted.
    ///
    /// - Throws: `internalFailure` when no group has `groupID`, or when a user id names no user.
    func addMembers(groupID: String, _ members: [GroupMember]) throws(SCIMError) -> Int {
        try requireWritable("addMembers")
        guard !members.isEmpty else { return 0 }
        let nextSeq = try connection.queryFirst("SELECT next_member_seq FROM groups WHERE id = ?", [.text(groupID)]) {
            $0.integer(0)
        }
        guard var seq = nextSeq else {
            throw .internalFailure("Cannot add members to group \(groupID): no group has this id.")
        }

        var added = 0
        for member in members {
            let inserted = try connection.execute(
                """
                INSERT INTO group_members (group_id, user_id, display, type, seq, display_key, type_key)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (group_id, user_id) DO NOTHING
                """,
                [
                    .text(groupID), .text(member.userID), .nullableText(member.display),
                    .nullableText(member.type), .integer(seq),
                    .nullableText(member.display.map(FilterResolver.fold)),
                    .nullableText(member.type.map(FilterResolver.fold)),
                ])
            seq += Int64(inserted)
            added += inserted
        }

        guard added > 0 else { return 0 }
        try connection.execute("UPDATE groups SET next_member_seq = ? WHERE id = ?", [.integer(seq), .text(groupID)])
        return added
    }

    /// Deletes each named membership by primary key and returns how many existed.
    func removeMembers(groupID: String, userIDs: [String]) throws(SCIMError) -> Int {
        try requireWritable("removeMembers")
        var removed = 0
        for userID in userIDs {
            removed += try connection.execute(
                "DELETE FROM group_members WHERE group_id = ? AND user_id = ?", [.text(groupID), .text(userID)])
        }
        return removed
    }

    func removeAllMembers(groupID: String) throws(SCIMError) -> Int {
        try requireWritable("removeAllMembers")
        return try connection.execute("DELETE FROM group_members WHERE group_id = ?", [.text(groupID)])
    }

    /// Returns the user's groups through the user_id index, ordered by team and then by creation.
    func groups(ofUser userID: String) throws(SCIMError) -> [GroupRecord] {
        try requireOpen()
        return try connection.query(
            """
            SELECT \(Self.groupColumns) FROM group_members AS m JOIN groups AS g ON g.id = m.group_id
            WHERE m.user_id = ? ORDER BY g.team_id, g.seq
            """,
            [.text(userID)], row: Self.decodeGroup)
    }
}
