import SCIMCore

/// Column lists shared by the queries, and the functions that turn their rows into records.
///
/// Each decoder reads its columns from `start` on, so one row can hold a key, a team and a user.
extension SQLiteTransaction {
    /// A team's columns. The last one is its domains as a JSON array, in the order they were given.
    static let teamColumns = """
        t.id, t.name, t.deleted, \
        (SELECT json_group_array(domain) FROM \
        (SELECT domain FROM team_domains WHERE team_id = t.id ORDER BY position))
        """
    static let teamColumnCount: Int32 = 4

    static let keyColumns = "k.id, k.team_id, k.admin_user_id, k.secret_digest, k.created, k.revoked"
    static let keyColumnCount: Int32 = 6

    static let userColumns = """
        u.id, u.team_id, u.user_name, u.given_name, u.family_name, u.external_id, u.active, u.role, \
        u.created, u.last_modified, u.version, u.extra, u.password_hash
        """
    static let userColumnCount: Int32 = 13

    static let groupColumns = "g.id, g.team_id, g.display_name, g.external_id, g.created, g.last_modified, g.version"

    /// A member's columns, from `group_members AS m` joined to `users AS u`. The display falls back to the
    /// userName when the client sent none.
    static let memberColumns = "m.user_id, coalesce(m.display, u.user_name), m.type"

    static func decodeTeam(_ row: SQLiteRow) throws(SCIMError) -> TeamRecord {
        try decodeTeam(row, from: 0)
    }

    static func decodeTeam(_ row: SQLiteRow, from start: Int32) throws(SCIMError) -> TeamRecord {
        let id = row.integer(start)
        let domainsJSON = row.text(start + 3)
        let parsed = try? JSONParser.parse(Array(domainsJSON.utf8))
        guard let items = parsed?.arrayValue else {
            throw .internalFailure("The stored domains of team \(id) are not a JSON array: \(domainsJSON)")
        }
        let domains = items.compactMap(\.stringValue)
        return TeamRecord(id: id, name: row.text(start + 1), domains: domains, isDeleted: row.boolean(start + 2))
    }

    static func decodeKey(_ row: SQLiteRow) -> APIKeyRecord {
        APIKeyRecord(
            id: row.text(0), teamID: row.integer(1), adminUserID: row.text(2), secretDigest: row.blob(3),
            created: row.integer(4), revoked: row.nullableInteger(5))
    }

    static func decodeUser(_ row: SQLiteRow) throws(SCIMError) -> UserRecord {
        try decodeUser(row, from: 0)
    }

    static func decodeUser(_ row: SQLiteRow, from start: Int32) throws(SCIMError) -> UserRecord {
        let id = row.text(start)
        let roleText = row.text(start + 7)
        guard let role = MemberRole(rawValue: roleText) else {
            throw .internalFailure("User \(id) has the unknown stored role \(roleText).")
        }
        return UserRecord(
            id: id, teamID: row.integer(start + 1), userName: row.text(start + 2),
            givenName: row.nullableText(start + 3), familyName: row.nullableText(start + 4),
            externalID: row.nullableText(start + 5), active: row.nullableBoolean(start + 6), role: role,
            created: row.integer(start + 8), lastModified: row.integer(start + 9), version: row.integer(start + 10),
            extraAttributes: try decodeExtraAttributes(row.nullableText(start + 11), userID: id),
            passwordHash: row.nullableText(start + 12))
    }

    static func decodeGroup(_ row: SQLiteRow) -> GroupRecord {
        GroupRecord(
            id: row.text(0), teamID: row.integer(1), displayName: row.text(2), externalID: row.nullableText(3),
            created: row.integer(4), lastModified: row.integer(5), version: row.integer(6))
    }

    static func decodeMember(_ row: SQLiteRow) -> GroupMember {
        GroupMember(userID: row.text(0), display: row.nullableText(1), type: row.nullableText(2))
    }

    /// Encodes `extraAttributes` as JSON text, or NULL when there are none.
    static func encodeExtraAttributes(_ attributes: JSONObject) -> SQLiteValue {
        guard !attributes.members.isEmpty else { return .null }
        return .text(String(decoding: JSONWriter.encode(.object(attributes)), as: UTF8.self))
    }

    private static func decodeExtraAttributes(_ text: String?, userID: String) throws(SCIMError) -> JSONObject {
        guard let text else { return JSONObject() }
        let parsed: JSONValue
        do {
            parsed = try JSONParser.parse(Array(text.utf8))
        } catch {
            throw .internalFailure("The stored extra attributes of user \(userID) are invalid JSON: \(error.message)")
        }
        guard let object = parsed.objectValue else {
            throw .internalFailure(
                "The stored extra attributes of user \(userID) are a \(parsed.typeName), not an object.")
        }
        return object
    }
}
