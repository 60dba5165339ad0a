import SCIMCore

extension PostgresTransaction {
    /// The per-team group counters that `insertGroup` and `deleteGroup` keep in step with the groups table.
    private struct GroupCounters {
        var groups: Int64
        var nextSeq: Int64
    }

    /// Returns the group; inside a write transaction the row stays locked until the transaction ends, so
    /// concurrent PATCH requests on one group take turns.
    func group(id: String) throws(SCIMError) -> GroupRecord? {
        try requireOpen()
        return try connection.queryFirst(
            "SELECT \(Self.groupColumns) FROM groups AS g WHERE g.id = $1\(lockClause)", [.text(id)],
            row: Self.decodeGroup)
    }

    func group(teamID: Int64, displayName: String) throws(SCIMError) -> GroupRecord? {
        try requireOpen()
        return try connection.queryFirst(
            "SELECT \(Self.groupColumns) FROM groups AS g WHERE g.team_id = $1 AND g.display_name_key = $2",
            [.integer(teamID), .text(displayName.lowercased())], row: Self.decodeGroup)
    }

    /// Inserts the group with the team's next group `seq` and updates the team's group counters.
    ///
    /// A taken id or displayName throws `uniqueness` before the counters change, and leaves the
    /// transaction usable.
    func insertGroup(_ group: GroupRecord) throws(SCIMError) {
        try requireWritable("insertGroup")
        let nextSeq = try connection.queryFirst(
            "SELECT next_group_seq FROM teams WHERE id = $1 FOR UPDATE", [.integer(group.teamID)]
        ) { $0.integer(0) }
        guard let nextSeq else {
            throw .internalFailure("Cannot insert group \(group.id): no team has id \(group.teamID).")
        }

        let inserted = try connection.execute(
            """
            INSERT INTO groups (id, team_id, seq, display_name, display_name_key, external_id, created,
                last_modified, version)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
            ON CONFLICT DO NOTHING
            """,
            [.text(group.id), .integer(group.teamID), .integer(nextSeq)] + Self.groupFieldValues(group))
        guard inserted == 1 else {
            throw Self.uniquenessFailure(
                "Another group has the id \(group.id) or the displayName \(group.displayName).")
        }

        try connection.execute(
            "UPDATE teams SET group_count = group_count + 1, next_group_seq = next_group_seq + 1 WHERE id = $1",
            [.integer(group.teamID)])
    }

    /// Stores every field of the group except its team, which never changes. Its members stay as they are.
    func updateGroup(_ group: GroupRecord) throws(SCIMError) {
        try requireWritable("updateGroup")
        let stored = try connection.queryFirst(
            "SELECT team_id, display_name_key FROM groups WHERE id = $1 FOR UPDATE", [.text(group.id)]
        ) { (teamID: $0.integer(0), displayNameKey: $0.text(1)) }
        guard let stored else { throw .internalFailure("Cannot update group \(group.id): no group has this id.") }
        guard stored.teamID == group.teamID else {
            throw .internalFailure("Cannot move group \(group.id) from team \(stored.teamID) to team \(group.teamID).")
        }

        let sql = """
            UPDATE groups SET display_name = $1, display_name_key = $2, external_id = $3, created = $4,
                last_modified = $5, version = $6
            WHERE id = $7
            """
        let values = Self.groupFieldValues(group) + [.text(group.id)]
        if stored.displayNameKey == group.displayName.lowercased() {
            try connection.execute(sql, values)
        } else {
            // Only a changed displayName can collide, so only then does the update pay for a savepoint.
            try connection.withSavepoint { () throws(SCIMError) in try connection.execute(sql, values) }
        }
    }

    /// Deletes the group and updates the team's group counters. Its memberships go with it through the
    /// foreign key's ON DELETE CASCADE, and its users stay. An unknown id changes nothing.
    func deleteGroup(id: String) throws(SCIMError) {
        try requireWritable("deleteGroup")
        let teamID = try connection.queryFirst("DELETE FROM groups WHERE id = $1 RETURNING team_id", [.text(id)]) {
            $0.integer(0)
        }
        guard let teamID else { return }

        try connection.execute("UPDATE teams SET group_count = group_count - 1 WHERE id = $1", [.integer(teamID)])
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
            let source = """
                FROM group_members AS m JOIN groups AS g ON g.id = m.group_id
                WHERE m.user_id = $1 AND g.team_id = $2 AND ($3::text IS NULL OR g.external_id = $3::text)
                """
            let values: [PostgresValue] = [.text(userID), .integer(teamID), .nullableText(query.externalID)]
            return try filteredGroups(source: source, values: values, offset: offset, limit: limit)
        }
        if let externalID = query.externalID {
            let source = "FROM groups AS g WHERE g.team_id = $1 AND g.external_id = $2 AND $3::text IS NULL"
            return try filteredGroups(
                source: source, values: [.integer(teamID), .text(externalID), .null], offset: offset, limit: limit)
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
                "SELECT \(Self.groupColumns) FROM groups AS g WHERE g.team_id = $1 AND g.seq > $2 ORDER BY g.seq LIMIT $3",
                [.integer(teamID), .integer(offset), .integer(limit)], row: Self.decodeGroup)
        } else {
            // NOTE: a deleted group leaves a gap in seq, so from then on this team's pages skip `offset` entries
            // of the (team_id, seq) index and late pages cost more. A keyset cursor would make them constant.
            groups = try connection.query(
                "SELECT \(Self.groupColumns) FROM groups AS g WHERE g.team_id = $1 ORDER BY g.seq LIMIT $2 OFFSET $3",
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
            WHERE g.team_id = $1 AND g.display_name_key = $2 AND g.display_name = $3
                AND ($4::text IS NULL OR g.external_id = $4::text)
                AND ($5::text IS NULL
                    OR EXISTS (SELECT 1 FROM group_members AS m WHERE m.group_id = g.id AND m.user_id = $5::text))
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

    /// Counts the groups that `source` (a FROM and WHERE clause over `groups AS g` with parameters $1 to
    /// $3) selects and reads one page of them in seq order.
    private func filteredGroups(
        source: String, values: [PostgresValue], offset: Int64, limit: Int64
    ) throws(SCIMError) -> GroupPage {
        let total = try connection.queryFirst("SELECT count(*) \(source)", values) { $0.integer(0) } ?? 0
        guard limit > 0, offset < total else { return GroupPage(totalResults: Int(total), groups: []) }

        let groups = try connection.query(
            "SELECT \(Self.groupColumns) \(source) ORDER BY g.seq LIMIT $4 OFFSET $5",
            values + [.integer(limit), .integer(offset)], row: Self.decodeGroup)
        return GroupPage(totalResults: Int(total), groups: groups)
    }

    private func groupCounters(teamID: Int64) throws(SCIMError) -> GroupCounters? {
        try connection.queryFirst(
            "SELECT group_count, next_group_seq FROM teams WHERE id = $1", [.integer(teamID)]
        ) { GroupCounters(groups: $0.integer(0), nextSeq: $0.integer(1)) }
    }

    /// Returns the values of the columns from display_name to version, in table order.
    private static func groupFieldValues(_ group: GroupRecord) -> [PostgresValue] {
        [
            .text(group.displayName), .text(group.displayName.lowercased()), .nullableText(group.externalID),
            .integer(group.created), .integer(group.lastModified), .integer(group.version),
        ]
    }
}
