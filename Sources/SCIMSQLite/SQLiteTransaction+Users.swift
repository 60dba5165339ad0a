import SCIMCore

extension SQLiteTransaction {
    func user(id: String) throws(SCIMError) -> UserRecord? {
        try requireOpen()
        return try connection.queryFirst(
            "SELECT \(Self.userColumns) FROM users AS u WHERE u.id = ?", [.text(id)], row: Self.decodeUser)
    }

    func user(userName: String) throws(SCIMError) -> UserRecord? {
        try requireOpen()
        return try connection.queryFirst(
            "SELECT \(Self.userColumns) FROM users AS u WHERE u.user_name_key = ?", [.text(userName.lowercased())],
            row: Self.decodeUser)
    }

    /// Inserts the user with the team's next `seq` and updates the team's counters.
    ///
    /// The row goes in before the counters change, so a uniqueness failure leaves the counters as they
    /// were even when the caller catches the error and commits.
    func insertUser(_ user: UserRecord) throws(SCIMError) {
        try requireWritable("insertUser")
        let keys = UserSearchKeys(user)
        let inserted = try connection.execute(
            """
            INSERT INTO users (id, team_id, seq, user_name, user_name_key, given_name, family_name, external_id,
                active, role, created, last_modified, version, extra, password_hash, display_name_key, search_keys)
            SELECT ?, id, next_seq, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ? FROM teams WHERE id = ?
            """,
            [.text(user.id)] + Self.userFieldValues(user, keys: keys) + [.integer(user.teamID)])
        guard inserted == 1 else {
            throw .internalFailure("Cannot insert user \(user.id): no team has id \(user.teamID).")
        }
        try Self.storeEmailKeys(of: user, keys: keys, on: connection, replacing: false)

        try connection.execute(
            """
            UPDATE teams SET user_count = user_count + 1, active_count = active_count + ?,
                inactive_count = inactive_count + ?, next_seq = next_seq + 1
            WHERE id = ?
            """,
            [.boolean(user.active == true), .boolean(user.active == false), .integer(user.teamID)])
    }

    /// Stores every field of the user except its team, which never changes, and updates the active and
    /// inactive counts.
    func updateUser(_ user: UserRecord) throws(SCIMError) {
        try requireWritable("updateUser")
        let stored = try connection.queryFirst(
            "SELECT team_id, active FROM users WHERE id = ?", [.text(user.id)]
        ) { (teamID: $0.integer(0), active: $0.nullableBoolean(1)) }
        guard let stored else { throw .internalFailure("Cannot update user \(user.id): no user has this id.") }
        guard stored.teamID == user.teamID else {
            throw .internalFailure("Cannot move user \(user.id) from team \(stored.teamID) to team \(user.teamID).")
        }

        let keys = UserSearchKeys(user)
        try connection.execute(
            """
            UPDATE users SET user_name = ?, user_name_key = ?, given_name = ?, family_name = ?, external_id = ?,
                active = ?, role = ?, created = ?, last_modified = ?, version = ?, extra = ?, password_hash = ?,
                display_name_key = ?, search_keys = ?
            WHERE id = ?
            """,
            Self.userFieldValues(user, keys: keys) + [.text(user.id)])
        try Self.storeEmailKeys(of: user, keys: keys, on: connection, replacing: true)

        guard stored.active != user.active else { return }
        try connection.execute(
            "UPDATE teams SET active_count = active_count + ?, inactive_count = inactive_count + ? WHERE id = ?",
            [
                .integer(Self.countChange(true, from: stored.active, to: user.active)),
                .integer(Self.countChange(false, from: stored.active, to: user.active)), .integer(user.teamID),
            ])
    }

    /// Reads each user by primary key and returns those found, in the order of `ids`, each once.
    func users(ids: [String]) throws(SCIMError) -> [UserRecord] {
        try requireOpen()
        var users: [UserRecord] = []
        var seen = Set<String>()
        for id in ids {
            guard seen.insert(id).inserted else { continue }
            if let user = try user(id: id) { users.append(user) }
        }
        return users
    }

    /// Deletes the user and updates the team's counters. Its memberships go with it through the foreign
    /// key's ON DELETE CASCADE. An unknown id changes nothing.
    ///
    /// The user's seq is not reused, so the team's seqs have a gap from then on.
    func deleteUser(id: String) throws(SCIMError) {
        try requireWritable("deleteUser")
        let deleted = try connection.queryFirst(
            "DELETE FROM users WHERE id = ? RETURNING team_id, active", [.text(id)]
        ) { (teamID: $0.integer(0), active: $0.nullableBoolean(1)) }
        guard let deleted else { return }

        try connection.execute(
            """
            UPDATE teams SET user_count = user_count - 1, active_count = active_count - ?,
                inactive_count = inactive_count - ?
            WHERE id = ?
            """,
            [.boolean(deleted.active == true), .boolean(deleted.active == false), .integer(deleted.teamID)])
    }

    /// Returns how the number of users whose `active` equals `value` changes when one user's `active`
    /// goes from `old` to `new`: -1, 0 or 1.
    static func countChange(_ value: Bool, from old: Bool?, to new: Bool?) -> Int64 {
        (new == value ? 1 : 0) - (old == value ? 1 : 0)
    }

    /// Returns the values of the columns from user_name to password_hash, then display_name_key and search_keys.
    static func userFieldValues(_ user: UserRecord, keys: UserSearchKeys) -> [SQLiteValue] {
        [
            .text(user.userName), .text(user.userName.lowercased()), .nullableText(user.givenName),
            .nullableText(user.familyName), .nullableText(user.externalID), .nullableBoolean(user.active),
            .text(user.role.rawValue), .integer(user.created), .integer(user.lastModified), .integer(user.version),
            encodeExtraAttributes(user.extraAttributes), .nullableText(user.passwordHash),
            .nullableText(keys.displayName), encodeDocument(keys.document),
        ]
    }
}
