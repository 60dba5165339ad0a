import SCIMCore

extension PostgresTransaction {
    /// Stores the folded keys that filters and sorting compare (``UserSearchKeys``) of a user whose row
    /// exists: its `display_name_key` and `search_keys` columns and its `user_emails` rows.
    static func storeSearchKeys(of user: UserRecord, on connection: PostgresConnection) throws(SCIMError) {
        let keys = UserSearchKeys(user)
        try connection.execute(
            "UPDATE users SET display_name_key = $1, search_keys = $2::jsonb WHERE id = $3",
            [.nullableText(keys.displayName), encodeDocument(keys.document), .text(user.id)])
        try storeEmailKeys(of: user, keys: keys, on: connection, replacing: false)
    }

    /// Stores the folded e-mail values of a user as its `user_emails` rows.
    /// - Parameter replacing: whether the user may already have rows to remove first.
    static func storeEmailKeys(
        of user: UserRecord, keys: UserSearchKeys, on connection: PostgresConnection, replacing: Bool
    ) throws(SCIMError) {
        if replacing {
            try connection.execute("DELETE FROM user_emails WHERE user_id = $1", [.text(user.id)])
        }
        guard !keys.emails.isEmpty else { return }
        try connection.execute(
            """
            INSERT INTO user_emails (user_id, position, team_id, value_key)
            SELECT $1, e.ordinality - 1, $2, e.value_key
            FROM unnest($3::text[]) WITH ORDINALITY AS e (value_key, ordinality)
            """,
            [.text(user.id), .integer(user.teamID), .textArray(keys.emails)])
    }

    /// Encodes the search document as JSON text for a `jsonb` parameter, or NULL when there is none.
    static func encodeDocument(_ document: JSONObject?) -> PostgresValue {
        document.map { .text(String(decoding: JSONWriter.encode(.object($0)), as: UTF8.self)) } ?? .null
    }
}
