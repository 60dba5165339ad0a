import SCIMCore

/// The ``StoreTransaction`` over one connection, valid only while its ``SQLiteStore`` closure runs.
final class SQLiteTransaction: StoreTransaction {
    let connection: SQLiteConnection
    let isWritable: Bool
    private var isOpen = true

    init(connection: SQLiteConnection, isWritable: Bool) {
        self.connection = connection
        self.isWritable = isWritable
    }

    /// Ends the transaction, so that a closure that kept a reference can no longer use the connection.
    func invalidate() {
        isOpen = false
    }

    /// Throws unless the transaction is still open.
    func requireOpen() throws(SCIMError) {
        guard isOpen else { throw .internalFailure("A store transaction was used after its closure returned.") }
    }

    /// Throws unless the transaction is still open and may write.
    func requireWritable(_ operation: String) throws(SCIMError) {
        try requireOpen()
        guard isWritable else { throw .internalFailure("\(operation) was called inside a read transaction.") }
    }

    // MARK: - Teams

    func team(named name: String) throws(SCIMError) -> TeamRecord? {
        try requireOpen()
        return try connection.queryFirst(
            "SELECT \(Self.teamColumns) FROM teams AS t WHERE t.name = ?", [.text(name)], row: Self.decodeTeam)
    }

    func team(id: Int64) throws(SCIMError) -> TeamRecord? {
        try requireOpen()
        return try connection.queryFirst(
            "SELECT \(Self.teamColumns) FROM teams AS t WHERE t.id = ?", [.integer(id)], row: Self.decodeTeam)
    }

    func insertTeam(name: String, domains: [String], now: Int64) throws(SCIMError) -> TeamRecord {
        try requireWritable("insertTeam")
        let inserted = try connection.queryFirst(
            "INSERT INTO teams (name, created) VALUES (?, ?) RETURNING id", [.text(name), .integer(now)]
        ) { $0.integer(0) }
        guard let id = inserted else { throw .internalFailure("INSERT INTO teams returned no id for \(name).") }

        // A repeated domain is stored once, at the position where it first appears.
        var seen = Set<String>()
        let uniqueDomains = domains.filter { seen.insert($0).inserted }
        for (position, domain) in uniqueDomains.enumerated() {
            try connection.execute(
                "INSERT INTO team_domains (team_id, position, domain) VALUES (?, ?, ?)",
                [.integer(id), .integer(Int64(position)), .text(domain)])
        }
        return TeamRecord(id: id, name: name, domains: uniqueDomains, isDeleted: false)
    }

    func markTeamDeleted(id: Int64, now: Int64) throws(SCIMError) {
        try requireWritable("markTeamDeleted")
        try connection.execute(
            "UPDATE teams SET deleted = 1, deleted_at = ? WHERE id = ? AND deleted = 0", [.integer(now), .integer(id)])
    }

    // MARK: - API keys

    func credential(keyID: String) throws(SCIMError) -> CredentialRecord? {
        try requireOpen()
        let sql = """
            SELECT \(Self.keyColumns), \(Self.teamColumns), \(Self.userColumns)
            FROM api_keys AS k
            JOIN teams AS t ON t.id = k.team_id
            LEFT JOIN users AS u ON u.id = k.admin_user_id
            WHERE k.id = ?
            """
        return try connection.queryFirst(sql, [.text(keyID)]) { (row) throws(SCIMError) -> CredentialRecord in
            let key = Self.decodeKey(row)
            let team = try Self.decodeTeam(row, from: Self.keyColumnCount)
            let adminColumn = Self.keyColumnCount + Self.teamColumnCount
            let admin = row.isNull(adminColumn) ? nil : try Self.decodeUser(row, from: adminColumn)
            return CredentialRecord(key: key, team: team, admin: admin)
        }
    }

    func insertKey(_ key: APIKeyRecord) throws(SCIMError) {
        try requireWritable("insertKey")
        try connection.execute(
            """
            INSERT INTO api_keys (id, team_id, admin_user_id, secret_digest, created, revoked)
            VALUES (?, ?, ?, ?, ?, ?)
            """,
            [
                .text(key.id), .integer(key.teamID), .text(key.adminUserID), .blob(key.secretDigest),
                .integer(key.created), .nullableInteger(key.revoked),
            ])
    }

    func keys(teamID: Int64) throws(SCIMError) -> [APIKeyRecord] {
        try requireOpen()
        return try connection.query(
            "SELECT \(Self.keyColumns) FROM api_keys AS k WHERE k.team_id = ? ORDER BY k.created, k.rowid",
            [.integer(teamID)], row: Self.decodeKey)
    }

    func revokeKey(id: String, now: Int64) throws(SCIMError) -> Bool {
        try requireWritable("revokeKey")
        let changed = try connection.execute(
            "UPDATE api_keys SET revoked = ? WHERE id = ? AND revoked IS NULL", [.integer(now), .text(id)])
        return changed == 1
    }
}
