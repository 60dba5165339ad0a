/// The command-line operations on teams, admins and API keys. SCIM never reaches these.
package struct TeamAdministration: Sendable {
    /// A failure to report to the operator, with a message that names the next step.
    package struct Failure: Error, Sendable, CustomStringConvertible {
        package let message: String
        package var description: String { message }

        package init(message: String) {
            self.message = message
        }
    }

    /// A key as `key list` shows it.
    package struct KeySummary: Sendable, Equatable {
        package var id: String
        package var adminUserName: String
        package var created: Int64
        package var revoked: Int64?
    }

    private let store: any ResourceStore
    private let hasher: any CredentialHasher

    package init(store: any ResourceStore, hasher: any CredentialHasher) {
        self.store = store
        self.hasher = hasher
    }

    /// Creates a team with its first admin and returns a new API key for that admin.
    package func createTeam(name: String, adminEmail: String, domains: [String]) throws(Failure) -> String {
        guard !name.trimmingSpaces().isEmpty else { throw Failure(message: "The team name must not be empty.") }
        let domains = try domains.map { (domain) throws(Failure) in try Self.checkedDomain(domain) }
        let email = try Self.checkedEmail(adminEmail)
        return try perform { transaction throws(SCIMError) in
            guard try transaction.team(named: name) == nil else {
                throw Self.failure("A team named '\(name)' already exists. Pick another name.")
            }
            try Self.requireUnused(email, in: transaction)
            let now = Timestamp.nowMilliseconds()
            let team = try transaction.insertTeam(name: name, domains: domains, now: now)
            let admin = UserRecord(
                id: ResourceID.generate(), teamID: team.id, userName: email, role: .admin, created: now,
                lastModified: now)
            try transaction.insertUser(admin)
            return try issueKey(teamID: team.id, adminID: admin.id, now: now, in: transaction)
        }
    }

    /// Marks a team deleted; its keys then get the "team deleted" error.
    package func deleteTeam(name: String) throws(Failure) {
        try perform { transaction throws(SCIMError) in
            let team = try Self.liveTeam(name, in: transaction)
            try transaction.markTeamDeleted(id: team.id, now: Timestamp.nowMilliseconds())
        }
    }

    /// Makes `email` an admin of a team, creating the member if needed, and returns a new key for it.
    package func addAdmin(teamName: String, email: String) throws(Failure) -> String {
        let email = try Self.checkedEmail(email)
        return try perform { transaction throws(SCIMError) in
            let team = try Self.liveTeam(teamName, in: transaction)
            let now = Timestamp.nowMilliseconds()
            var admin: UserRecord
            if let existing = try transaction.user(userName: email) {
                guard existing.teamID == team.id else {
                    throw Self.failure("\(email) is a member of another team. A userName belongs to one team only.")
                }
                admin = existing
                if admin.role != .admin {
                    admin.role = .admin
                    admin.lastModified = max(now, admin.lastModified)
                    try transaction.updateUser(admin)
                }
            } else {
                admin = UserRecord(
                    id: ResourceID.generate(), teamID: team.id, userName: email, role: .admin, created: now,
                    lastModified: now)
                try transaction.insertUser(admin)
            }
            return try issueKey(teamID: team.id, adminID: admin.id, now: now, in: transaction)
        }
    }

    /// Makes an admin a plain member again; the keys it generated stop working.
    package func removeAdmin(teamName: String, email: String) throws(Failure) {
        try perform { transaction throws(SCIMError) in
            var admin = try Self.teamAdmin(teamName, email, in: transaction)
            admin.role = .member
            admin.lastModified = max(Timestamp.nowMilliseconds(), admin.lastModified)
            try transaction.updateUser(admin)
        }
    }

    /// Returns a new key for an existing admin of a team.
    package func createKey(teamName: String, adminEmail: String) throws(Failure) -> String {
        try perform { transaction throws(SCIMError) in
            let admin = try Self.teamAdmin(teamName, adminEmail, in: transaction)
            return try issueKey(
                teamID: admin.teamID, adminID: admin.id, now: Timestamp.nowMilliseconds(), in: transaction)
        }
    }

    /// Returns a team's keys, oldest first.
    package func listKeys(teamName: String) throws(Failure) -> [KeySummary] {
        try perform { transaction throws(SCIMError) in
            guard let team = try transaction.team(named: teamName) else { throw Self.noTeam(teamName) }
            var summaries: [KeySummary] = []
            for key in try transaction.keys(teamID: team.id) {
                let admin = try transaction.user(id: key.adminUserID)
                summaries.append(
                    KeySummary(
                        id: key.id, adminUserName: admin?.userName ?? "?", created: key.created, revoked: key.revoked))
            }
            return summaries
        }
    }

    /// Revokes a key by its id; requests with it get 401 from then on.
    package func revokeKey(id: String) throws(Failure) {
        try perform { transaction throws(SCIMError) in
            guard try transaction.revokeKey(id: id, now: Timestamp.nowMilliseconds()) else {
                throw Self.failure("No active key has the id '\(id)'. 'scimd key list TEAM' shows the ids.")
            }
        }
    }

    private func issueKey(teamID: Int64, adminID: String, now: Int64, in transaction: any StoreTransaction)
        throws(SCIMError) -> String
    {
        let key = try APIKey.generate(using: hasher)
        try transaction.insertKey(
            APIKeyRecord(
                id: key.id, teamID: teamID, adminUserID: adminID, secretDigest: key.secretDigest(using: hasher),
                created: now))
        return key.text
    }

    /// Runs `body` in a write transaction and turns its errors into operator messages.
    private func perform<T>(_ body: (any StoreTransaction) throws(SCIMError) -> T) throws(Failure) -> T {
        do {
            return try store.write(body)
        } catch {
            throw Failure(message: error.status == 422 ? error.detail : "\(error.detail) \(error.underlying ?? "")")
        }
    }
}

extension TeamAdministration {
    /// Builds an operator error to carry through a store transaction. Status 422 marks it as one.
    fileprivate static func failure(_ message: String) -> SCIMError {
        SCIMError(status: 422, detail: message)
    }

    fileprivate static func noTeam(_ name: String) -> SCIMError {
        failure("No team is named '\(name)'.")
    }

    fileprivate static func liveTeam(_ name: String, in transaction: any StoreTransaction) throws(SCIMError)
        -> TeamRecord
    {
        guard let team = try transaction.team(named: name) else { throw noTeam(name) }
        guard !team.isDeleted else { throw failure("The team '\(name)' was deleted.") }
        return team
    }

    fileprivate static func teamAdmin(_ teamName: String, _ email: String, in transaction: any StoreTransaction)
        throws(SCIMError) -> UserRecord
    {
        let team = try liveTeam(teamName, in: transaction)
        guard let user = try transaction.user(userName: email), user.teamID == team.id, user.role == .admin else {
            throw failure(
                "\(email) is not an admin of '\(teamName)'. Add one with 'scimd admin add \(teamName) EMAIL'.")
        }
        return user
    }

    fileprivate static func requireUnused(_ email: String, in transaction: any StoreTransaction) throws(SCIMError) {
        if let existing = try transaction.user(userName: email) {
            let teamName = try transaction.team(id: existing.teamID)?.name ?? "another team"
            throw failure("\(email) is already a member of '\(teamName)'. A userName belongs to one team only.")
        }
    }

    fileprivate static func checkedEmail(_ email: String) throws(Failure) -> String {
        guard isEmailAddress(email) else {
            throw Failure(message: "'\(email)' is not a valid e-mail address.")
        }
        return email
    }

    fileprivate static func checkedDomain(_ domain: String) throws(Failure) -> String {
        let lowered = domain.lowercased()
        guard isEmailAddress("a@\(lowered)") else {
            throw Failure(message: "'\(domain)' is not a valid domain name, such as example.com.")
        }
        return lowered
    }
}
