import SCIMCore

extension PostgresTransaction {
    /// Returns the user; inside a write transaction the row stays locked until the transaction ends.
    func user(id: String) throws(SCIMError) -> UserRecord? {
        try requireOpen()
        return try connection.queryFirst(
            "SELECT \(Self.userColumns) FROM users AS u WHERE u.id = $1\(lockClause)", [.text(id)],
            row: Self.decodeUser)
    }

    func user(userName: String) throws(SCIMError) -> UserRecord? {
        try requireOpen()
        return try connection.queryFirst(
            "SELECT \(Self.userColumns) FROM users AS u WHERE u.user_name_key = $1", [.text(userName.lowercased())],
            row: Self.decodeUser)
    }

    /// Inserts the user with the team's next `seq` and updates the team's counters.
    ///
    /// The team row stays locked until the transaction ends, so concurrent inserts into one team take
    /// turns and each gets its own seq. A taken id or userName throws `uniqueness` before the counters
    /// change, and leaves the transaction usable.
    func insertUser(_ user: UserRecord) throws(SCIMError) {
        try requireWritable("insertUser")
        let nextSeq = try connection.queryFirst(
            "SELECT next_seq FROM teams WHERE id = $1 FOR UPDATE", [.integer(user.teamID)]
        ) { $0.integer(0) }
        guard let nextSeq else {
            throw .internalFailure("Cannot insert user \(user.id): no team has id \(user.teamID).")
        }

        let keys = UserSearchKeys(user)
        let inserted = try connection.execute(
            """
            INSERT INTO users (id, team_id, seq, user_name, user_name_key, given_name, family_name, external_id,
                active, role, created, last_modified, version, extra, password_hash, display_name_key, search_keys)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17::jsonb)
            ON CONFLICT DO NOTHING
            """,
            [.text(user.id), .integer(user.teamID), .integer(nextSeq)] + Self.userFieldValues(user, keys: keys))
        guard inserted == 1 else {
            throw Self.uniquenessFailure("Another user has the id \(user.id) or the userName \(user.userName).")
        }
        try Self.storeEmailKeys(of: user, keys: keys, on: connection, replacing: false)

        try connection.execute(
            """
            UPDATE teams SET user_count = user_count + 1, active_count = active_count + $1,
                inactive_count = inactive_count + $2, next_seq = next_seq + 1
            WHERE id = $3
            """,
            [.integer(user.active == true ? 1 : 0), .integer(user.active == false ? 1 : 0), .integer(user.teamID)])
    }

    /// Stores every field of the user except its team, which never changes, and updates the active and
    /// inactive counts.
    ///
    /// A new userName that another user has throws `uniqueness` and leaves the transaction usable.
    func updateUser(_ user: UserRecord) throws(SCIMError) {
        try requireWritable("updateUser")
        let stored = try connection.queryFirst(
            "SELECT team_id, active, user_name_key FROM users WHERE id = $1 FOR UPDATE", [.text(user.id)]
        ) { (teamID: $0.integer(0), active: $0.nullableBoolean(1), userNameKey: $0.text(2)) }
        guard let stored else { throw .internalFailure("Cannot update user \(user.id): no user has this id.") }
        guard stored.teamID == user.teamID else {
            throw .internalFailure("Cannot move user \(user.id) from team \(stored.teamID) to team \(user.teamID).")
        }

        let sql = """
            UPDATE users SET user_name = $1, user_name_key = $2, given_name = $3, family_name = $4, external_id = $5,
                active = $6, role = $7, created = $8, last_modified = $9, version = $10, extra = $11,
                password_hash = $12, display_name_key = $13, search_keys = $14::jsonb
            WHERE id = $15
            """
        let keys = UserSearchKeys(user)
        let values = Self.userFieldValues(user, keys: keys) + [.text(user.id)]
        if stored.userNameKey == user.userName.lowercased() {
            try connection.execute(sql, values)
        } else {
            // Only a changed userName can collide, so only then does the update pay for a savepoint.
            try connection.withSavepoint { () throws(SCIMError) in try connection.execute(sql, values) }
        }
        try Self.storeEmailKeys(of: user, keys: keys, on: connection, replacing: true)

        guard stored.active != user.active else { return }
        try connection.execute(
            "UPDATE teams SET active_count = active_count + $1, inactive_count = inactive_count + $2 WHERE id = $3",
            [
                .integer(Self.countChange(true, from: stored.active, to: user.active)),
                .integer(Self.countChange(false, from: stored.active, to: user.active)), .integer(user.teamID),
            ])
    }

    /// Reads the users in one query and returns those found, in the order of `ids`, each once.
    func users(ids: [String]) throws(SCIMError) -> [UserRecord] {
        try requireOpen()
        var seen = Set<String>()
        let uniqueIDs = ids.filter { seen.insert($0).inserted }
        guard !uniqueIDs.isEmpty else { return [] }
        let found = try connection.query(
            "SELECT \(Self.userColumns) FROM users AS u WHERE u.id = ANY ($1::text[])", [.textArray(uniqueIDs)],
            row: Self.decodeUser)
        let byID = Dictionary(found.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        return uniqueIDs.compactMap { byID[$0] }
    }

    /// Deletes the user and updates the team's counters. Its memberships go with it through the foreign
    /// key's ON DELETE CASCADE. An unknown id changes nothing.
    ///
    /// The user's seq is not reused, so the team's seqs have a gap from then on.
    func deleteUser(id: String) throws(SCIMError) {
        try requireWritable("deleteUser")
        let deleted = try connection.queryFirst(
            "DELETE FROM users WHERE id = $1 RETURNING team_id, active", [.text(id)]
        ) { (teamID: $0.integer(0), active: $0.nullableBoolean(1)) }
        guard let deleted else { return }

        try connection.execute(
            """
            UPDATE teams SET user_count = user_count - 1, active_count = active_count - $1,
                inactive_count = inactive_count - $2
            WHERE id = $3
            """,
            [
                .integer(deleted.active == true ? 1 : 0), .integer(deleted.active == false ? 1 : 0),
                .integer(deleted.teamID),
            ])
    }

    /// Returns how the number of users whose `active` equals `value` changes when one user's `active`
    /// goes from `old` to `new`: -1, 0 or 1.
    static func countChange(_ value: Bool, from old: Bool?, to new: Bool?) -> Int64 {
        (new == value ? 1 : 0) - (old == value ? 1 : 0)
    }

    /// Returns the values of the columns from user_name to password_hash, then display_name_key and search_keys.
    static func userFieldValues(_ user: UserRecord, keys: UserSearchKeys) -> [PostgresValue] {
        [
            .text(user.userName), .text(user.userName.lowercased()), .nullableText(user.givenName),
            .nullableText(user.familyName), .nullableText(user.externalID), .nullableBoolean(user.active),
            .text(user.role.rawValue), .integer(user.created), .integer(user.lastModified), .integer(user.version),
            encodeExtraAttributes(user.extraAttributes), .nullableText(user.passwordHash),
            .nullableText(keys.displayName), encodeDocument(keys.document),
        ]
    }
}
