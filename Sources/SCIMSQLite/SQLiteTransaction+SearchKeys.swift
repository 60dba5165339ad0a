import SCIMCore

extension SQLiteTransaction {
    /// Stores the folded keys that filters and sorting compare (``UserSearchKeys``) of a user whose row
    /// exists: its `display_name_key` and `search_keys` columns and its `user_emails` rows.
    static func storeSearchKeys(of user: UserRecord, on connection: SQLiteConnection) throws(SCIMError) {
        let keys = UserSearchKeys(user)
        try connection.execute(
            "UPDATE users SET display_name_key = ?, search_keys = ? WHERE id = ?",
            [.nullableText(keys.displayName), encodeDocument(keys.document), .text(user.id)])
        try storeEmailKeys(of: user, keys: keys, on: connection, replacing: false)
    }

    /// Stores the folded e-mail values of a user as its `user_emails` rows.
    /// - Parameter replacing: whether the user may already have rows to remove first.
    static func storeEmailKeys(
        of user: UserRecord, keys: UserSearchKeys, on connection: SQLiteConnection, replacing: Bool
    ) throws(SCIMError) {
        if replacing {
            try connection.execute("DELETE FROM user_emails WHERE user_id = ?", [.text(user.id)])
        }
        for (position, value) in keys.emails.enumerated() {
            try connection.execute(
                "INSERT INTO user_emails (user_id, position, team_id, value_key) VALUES (?, ?, ?, ?)",
                [.text(user.id), .integer(Int64(position)), .integer(user.teamID), .text(value)])
        }
    }

    /// Encodes the search document as JSON text, or NULL when there is none.
    static func encodeDocument(_ document: JSONObject?) -> SQLiteValue {
        document.map { .text(String(decoding: JSONWriter.encode(.object($0)), as: UTF8.self)) } ?? .null
    }
}
