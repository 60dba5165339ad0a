import SCIMCore

/// The ``StoreTransaction`` over one connection, valid only while its ``PostgresStore`` closure runs.
final class PostgresTransaction: StoreTransaction {
    let connection: PostgresConnection
    let isWritable: Bool
    private var isOpen = true

    init(connection: PostgresConnection, isWritable: Bool) {
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

    /// The clause that locks the rows a single-row read returns when the transaction may write, so that
    /// a read-modify-write on one user or group runs one at a time across connections and nodes.
    var lockClause: String {
        isWritable ? " FOR UPDATE" : ""
    }

    // MARK: - Teams

    func team(named name: String) throws(SCIMError) -> TeamRecord? {
        try requireOpen()
        return try connection.queryFirst(
            "SELECT \(Self.teamColumns) FROM teams AS t WHERE t.name = $1", [.text(name)], row: Self.decodeTeam)
    }

    func team(id: Int64) throws(SCIMError) -> TeamRecord? {
        try requireOpen()
        return try connection.queryFirst(
            "SELECT \(Self.teamColumns) FROM teams AS t WHERE t.id = $1", [.integer(id)], row: Self.decodeTeam)
    }

    /// Inserts the team and its domains. A taken name throws `uniqueness` and leaves the transaction usable.
    func insertTeam(name: String, domains: [String], now: Int64) throws(SCIMError) -> TeamRecord {
        try requireWritable("insertTeam")
        let inserted = try connection.queryFirst(
            "INSERT INTO teams (name, created) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING RETURNING id",
            [.text(name), .integer(now)]
        ) { $0.integer(0) }
        guard let id = inserted else { throw Self.uniquenessFailure("A team is already named \(name).") }

        // A repeated domain is stored once, at the position where it first appears.
        var seen = Set<String>()
        let uniqueDomains = domains.filter { seen.insert($0).inserted }
        try insertDomains(uniqueDomains, teamID: id)
        return TeamRecord(id: id, name: name, domains: uniqueDomains, isDeleted: false)
    }

    func markTeamDeleted(id: Int64, now: Int64) throws(SCIMError) {
        try requireWritable("markTeamDeleted")
        try connection.execute(
            "UPDATE teams SET deleted = true, deleted_at = $1 WHERE id = $2 AND NOT deleted",
            [.integer(now), .integer(id)])
    }

    func insertDomains(_ domains: [String], teamID: Int64) throws(SCIMError) {
        guard !domains.isEmpty else { return }
        try connection.execute(
            """
            INSERT INTO team_domains (team_id, position, domain)
            SELECT $1, d.ordinality - 1, d.domain FROM unnest($2::text[]) WITH ORDINALITY AS d (domain, ordinality)
            """,
            [.integer(teamID), .textArray(domains)])
    }

    // MARK: - API keys

    func credential(keyID: String) throws(SCIMError) -> CredentialRecord? {
        try requireOpen()
        let sql = """
            SELECT \(Self.keyColumns), \(Self.teamColumns), \(Self.userColumns)
            FROM api_keys AS k
            JOIN teams AS t ON t.id = k.team_id
            LEFT JOIN users AS u ON u.id = k.admin_user_id
            WHERE k.id = $1
            """
        return try connection.queryFirst(sql, [.text(keyID)]) { (row) throws(SCIMError) -> CredentialRecord in
            let key = try Self.decodeKey(row)
            let team = try Self.decodeTeam(row, from: Self.keyColumnCount)
            let adminColumn = Self.keyColumnCount + Self.teamColumnCount
            let admin = row.isNull(adminColumn) ? nil : try Self.decodeUser(row, from: adminColumn)
            return CredentialRecord(key: key, team: team, admin: admin)
        }
    }

    /// Inserts the key. A taken key id throws `uniqueness` and leaves the transaction usable.
    func insertKey(_ key: APIKeyRecord) throws(SCIMError) {
        try requireWritable("insertKey")
        let inserted = try connection.execute(
            """
            INSERT INTO api_keys (id, team_id, admin_user_id, secret_digest, created, revoked)
            VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (id) DO NOTHING
            """,
            [
                .text(key.id), .integer(key.teamID), .text(key.adminUserID), .bytes(key.secretDigest),
                .integer(key.created), .nullableInteger(key.revoked),
            ])
        guard inserted == 1 else { throw Self.uniquenessFailure("An API key already has the id \(key.id).") }
    }

    func keys(teamID: Int64) throws(SCIMError) -> [APIKeyRecord] {
        try requireOpen()
        return try connection.query(
            "SELECT \(Self.keyColumns) FROM api_keys AS k WHERE k.team_id = $1 ORDER BY k.created, k.position",
            [.integer(teamID)], row: Self.decodeKey)
    }

    func revokeKey(id: String, now: Int64) throws(SCIMError) -> Bool {
        try requireWritable("revokeKey")
        let changed = try connection.execute(
            "UPDATE api_keys SET revoked = $1 WHERE id = $2 AND revoked IS NULL", [.integer(now), .text(id)])
        return changed == 1
    }

    /// Builds the `uniqueness` error for a duplicate that an ON CONFLICT clause turned away.
    static func uniquenessFailure(_ underlying: String) -> SCIMError {
        // The core replaces this detail with the text its profile sends.
        var error = SCIMError.uniqueness("Another record already has this unique value.")
        error.underlying = underlying
        return error
    }
}
