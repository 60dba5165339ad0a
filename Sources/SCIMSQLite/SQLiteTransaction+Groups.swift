import SCIMCore

extension SQLiteTransaction {
    /// The per-team group counters that `insertGroup` and `deleteGroup` keep in step with the groups table.
    private struct GroupCounters {
        var groups: Int64
        var nextSeq: Int64
    }

    func group(id: String) throws(SCIMError) -> GroupRecord? {
        try requireOpen()
        return try connection.queryFirst(
            "SELECT \(Self.groupColumns) FROM groups AS g WHERE g.id = ?", [.text(id)], row: Self.decodeGroup)
    }

    func group(teamID: Int64, displayName: String) throws(SCIMError) -> GroupRecord? {
        try requireOpen()
        return try connection.queryFirst(
            "SELECT \(Self.groupColumns) FROM groups AS g WHERE g.team_id = ? AND g.display_name_key = ?",
            [.integer(teamID), .text(displayName.lowercased())], row: Self.decodeGroup)
    }

    /// Inserts the group with the team's next group `seq` and updates the team's group counters.
    ///
    /// The row goes in before the counters change, so a uniqueness failure leaves the counters as they
    /// were even when the caller catches the error and commits.
    func insertGroup(_ group: GroupRecord) throws(SCIMError) {
        try requireWritable("insertGroup")
        let inserted = try connection.execute(
            """
            INSERT INTO groups (id, team_id, seq, display_name, display_name_key, external_id, created,
                last_modified, version)
            SELECT ?, id, next_group_seq, ?, ?, ?, ?, ?, ? FROM teams WHERE id = ?
            """,
            [.text(group.id)] + Self.groupFieldValues(group) + [.integer(group.teamID)])
        guard inserted == 1 else {
            throw .internalFailure("Cannot insert group \(group.id): no team has id \(group.teamID).")
        }

        try connection.execute(
            "UPDATE teams SET group_count = group_count + 1, next_group_seq = next_group_seq + 1 WHERE id = ?",
            [.integer(group.teamID)])
    }

    /// Stores every field of the group except its team, which never changes. Its members stay as they are.
    func updateGroup(_ group: GroupRecord) throws(SCIMError) {
        try requireWritable("updateGroup")
        let storedTeamID = try connection.queryFirst("SELECT team_id FROM groups WHERE id = ?", [.text(group.id)]) {
            $0.integer(0)
        }
        guard let storedTeamID else { throw .internalFailure("Cannot update group \(group.id): no group has this id.") }
        guard storedTeamID == group.teamID else {
            throw .internalFailure("Cannot move group \(group.id) from team \(storedTeamID) to team \(group.teamID).")
        }

        try connection.execute(
            """
            UPDATE groups SET display_name = ?, display_name_key = ?, external_id = ?, created = ?,
                last_modified = ?, version = ?
            WHERE id = ?
            """,
            Self.groupFieldValues(group) + [.text(group.id)])
    }

    /// Deletes the group and updates the team's group counters. Its memberships go with it through the
    /// foreign key's ON DELETE CASCADE, and its users stay. An unknown id changes nothing.
    func deleteGroup(id: String) throws(SCIMError) {
        try requireWritable("deleteGroup")
        let teamID = try connection.queryFirst("DELETE FROM groups WHERE id = ? RETURNING team_id", [.text(id)]) {
            $0.integer(0)
        }
        guard let teamID else { return }

        try connection.execute("UPDATE teams SET group_count = group_count - 1 WHERE id = ?", [.integer(teamID)])
    }

    // MARK: - Listing

    /// Returns one page of a team's groups in `seq` order and the number that match in all.
    ///
    /// The unfiltered total comes from the counters in `teams`. A displayName filter matches at most one
    /// group. The other filters count their matches, so they cost time in proportion to the groups of
    /// one member or of one externalId, never to all of the team's groups.
    func groups(teamID: Int64, matching query: GroupQuery, startIndex: Int, count: Int) throws(SCIMError) -> GroupPage {
        try requireOpen()
        let offset = Int64(max(startIndex, 1) - 1)
        let limit = Int64(max(count, 0))

        if let displayName = query.displayName {
            return try groupsNamed(displayName, teamID: teamID, query: query, offset: offset, limit: limit)
        }
        if let userID = query.memberUserID {
            // The user_id index finds the user's memberships, and each one reads its group by primary key.
            // CROSS JOIN keeps that loop order, because SQLite never reorders it. With a plain JOIN the planner
            // may instead walk all of the team's groups in seq order to skip the sort.
            let source = """
                FROM group_members AS m CROSS JOIN groups AS g ON g.id = m.group_id
                WHERE m.user_id = ?1 AND g.team_id = ?2 AND (?3 IS NULL OR g.external_id = ?3)
                """
            let values: [SQLiteValue] = [.text(userID), .integer(teamID), .nullableText(query.externalID)]
            return try filteredGroups(source: source, values: values, offset: offset, limit: limit)
        }
        if let externalID = query.externalID {
            let source = "FROM groups AS g WHERE g.team_id = ?1 AND g.external_id = ?2"
            return try filteredGroups(
                source: source, values: [.integer(teamID), .text(externalID)], offset: offset, limit: limit)
        }
        return try allGroups(teamID: teamID, offset: offset, limit: limit)
    }

    private func allGroups(teamID: Int64, offset: Int64, limit: Int64) throws(SCIMError) -> GroupPage {
        guard let counters = try groupCounters(teamID: teamID) else { return GroupPage(totalResults: 0, groups: []) }
        let total = Int(counters.groups)
        guard limit > 0, offset < counters.groups else { return GroupPage(totalResults: total, groups: []) }

        let groups: [GroupRecord]
        if counters.nextSeq - 1 == counters.groups {
            // No group of the team was ever deleted, so the group at position startIndex has seq startIndex.
            groups = try connection.query(
                "SELECT \(Self.groupColumns) FROM groups AS g WHERE g.team_id = ? AND g.seq > ? ORDER BY g.seq LIMIT ?",
                [.integer(teamID), .integer(offset), .integer(limit)], row: Self.decodeGroup)
        } else {
            // NOTE: a deleted group leaves a gap in seq, so from then on this team's pages skip `offset` entries
            // of the (team_id, seq) index and late pages cost more. A keyset cursor would make them constant.
            groups = try connection.query(
                "SELECT \(Self.groupColumns) FROM groups AS g WHERE g.team_id = ? ORDER BY g.seq LIMIT ? OFFSET ?",
                [.integer(teamID), .integer(limit), .integer(offset)], row: Self.decodeGroup)
        }
        return GroupPage(totalResults: total, groups: groups)
    }

    /// Lists the group whose displayName equals `displayName` exactly and that meets the query's other
    /// conditions. At most one matches, because display_name_key is unique per team.
    private func groupsNamed(
        _ displayName: String, teamID: Int64, query: GroupQuery, offset: Int64, limit: Int64
    ) throws(SCIMError) -> GroupPage {
        let match = try connection.queryFirst(
            """
            SELECT \(Self.groupColumns) FROM groups AS g
            WHERE g.team_id = ?1 AND g.display_name_key = ?2 AND g.display_name = ?3
                AND (?4 IS NULL OR g.external_id = ?4)
                AND (?5 IS NULL OR EXISTS (SELECT 1 FROM group_members AS m WHERE m.group_id = g.id AND m.user_id = ?5))
            """,
            [
                .integer(teamID), .text(displayName.lowercased()), .text(displayName),
                .nullableText(query.externalID), .nullableText(query.memberUserID),
            ],
            row: Self.decodeGroup)
        guard let match else { return GroupPage(totalResults: 0, groups: []) }
        let onPage = offset == 0 && limit > 0
        return GroupPage(totalResults: 1, groups: onPage ? [match] : [])
    }

    /// Counts the groups that `source` (a FROM and WHERE clause over `groups AS g`) selects and reads one
    /// page of them in seq order.
    private func filteredGroups(
        source: String, values: [SQLiteValue], offset: Int64, limit: Int64
    ) throws(SCIMError) -> GroupPage {
        let total = try connection.queryFirst("SELECT count(*) \(source)", values) { $0.integer(0) } ?? 0
        guard limit > 0, offset < total else { return GroupPage(totalResults: Int(total), groups: []) }

        // Plain ? parameters take the numbers after the highest one `source` uses.
        let groups = try connection.query(
            "SELECT \(Self.groupColumns) \(source) ORDER BY g.seq LIMIT ? OFFSET ?",
            values + [.integer(limit), .integer(offset)], row: Self.decodeGroup)
        return GroupPage(totalResults: Int(total), groups: groups)
    }

    private func groupCounters(teamID: Int64) throws(SCIMError) -> GroupCounters? {
        try connection.queryFirst(
            "SELECT group_count, next_group_seq FROM teams WHERE id = ?", [.integer(teamID)]
        ) { GroupCounters(groups: $0.integer(0), nextSeq: $0.integer(1)) }
    }

    /// Returns the values of the columns from display_name to version, in table order.
    private static func groupFieldValues(_ group: GroupRecord) -> [SQLiteValue] {
        [
            .text(group.displayName), .text(group.displayName.lowercased()), .nullableText(group.externalID),
            .integer(group.created), .integer(group.lastModified), .integer(group.version),
        ]
    }
}
