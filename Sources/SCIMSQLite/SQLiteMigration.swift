import SCIMCore

/// One step of the schema: applied once, in its own transaction, and recorded in `schema_migrations`.
///
/// Migrations are append-only. A released one is never edited; a change to the schema is a new
/// migration with the next version.
struct SQLiteMigration: Sendable {
    let version: Int64
    let summary: String
    let statements: [String]
    /// Whether the statements rebuild a table that others reference. Foreign keys are then off while
    /// they run, so that dropping the old table deletes no referencing rows through ON DELETE CASCADE,
    /// and `PRAGMA foreign_key_check` must find no broken reference before the migration commits.
    var rebuildsReferencedTable = false
    /// Runs after the statements, in the same transaction, for rows whose new values only Swift computes.
    var backfill: (@Sendable (SQLiteConnection) throws(SCIMError) -> Void)? = nil

    /// Every migration, oldest first.
    static let all: [SQLiteMigration] = [initialSchema, groups, optionalActiveAndPasswords, searchKeys]

    static let initialSchema = SQLiteMigration(
        version: 1,
        summary: "teams, their domains, users and API keys",
        statements: [
            """
            CREATE TABLE teams (
                id INTEGER PRIMARY KEY,
                name TEXT NOT NULL UNIQUE,
                deleted INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)),
                deleted_at INTEGER,
                created INTEGER NOT NULL,
                user_count INTEGER NOT NULL DEFAULT 0,
                active_count INTEGER NOT NULL DEFAULT 0,
                next_seq INTEGER NOT NULL DEFAULT 1
            ) STRICT
            """,
            """
            CREATE TABLE team_domains (
                team_id INTEGER NOT NULL REFERENCES teams (id),
                position INTEGER NOT NULL,
                domain TEXT NOT NULL,
                PRIMARY KEY (team_id, position)
            ) STRICT
            """,
            // seq numbers a team's users 1, 2, 3, ... in creation order. user_name_key is the userName
            // lowercased by Swift, because SQLite's built-in lower() folds only ASCII letters.
            """
            CREATE TABLE users (
                id TEXT PRIMARY KEY,
                team_id INTEGER NOT NULL REFERENCES teams (id),
                seq INTEGER NOT NULL,
                user_name TEXT NOT NULL,
                user_name_key TEXT NOT NULL UNIQUE,
                given_name TEXT,
                family_name TEXT,
                external_id TEXT,
                active INTEGER NOT NULL CHECK (active IN (0, 1)),
                role TEXT NOT NULL CHECK (role IN ('admin', 'member')),
                created INTEGER NOT NULL,
                last_modified INTEGER NOT NULL,
                version INTEGER NOT NULL,
                extra TEXT
            ) STRICT
            """,
            "CREATE UNIQUE INDEX users_team_seq ON users (team_id, seq)",
            "CREATE INDEX users_team_active_seq ON users (team_id, active, seq)",
            // admin_user_id has no foreign key, so that a key can outlive the member who generated it.
            """
            CREATE TABLE api_keys (
                id TEXT PRIMARY KEY,
                team_id INTEGER NOT NULL REFERENCES teams (id),
                admin_user_id TEXT NOT NULL,
                secret_digest BLOB NOT NULL,
                created INTEGER NOT NULL,
                revoked INTEGER
            ) STRICT
            """,
            "CREATE INDEX api_keys_team_created ON api_keys (team_id, created)",
        ]
    )

    static let groups = SQLiteMigration(
        version: 2,
        summary: "groups, their members and per-team group counters",
        statements: [
            // group_count and next_group_seq do for groups what user_count and next_seq do for users.
            "ALTER TABLE teams ADD COLUMN group_count INTEGER NOT NULL DEFAULT 0",
            "ALTER TABLE teams ADD COLUMN next_group_seq INTEGER NOT NULL DEFAULT 1",
            // seq numbers a team's groups in creation order. display_name_key is the displayName lowercased
            // by Swift, unique per team. next_member_seq is the seq the group's next new member gets.
            """
            CREATE TABLE groups (
                id TEXT PRIMARY KEY,
                team_id INTEGER NOT NULL REFERENCES teams (id),
                seq INTEGER NOT NULL,
                display_name TEXT NOT NULL,
                display_name_key TEXT NOT NULL,
                external_id TEXT,
                created INTEGER NOT NULL,
                last_modified INTEGER NOT NULL,
                version INTEGER NOT NULL,
                next_member_seq INTEGER NOT NULL DEFAULT 1
            ) STRICT
            """,
            "CREATE UNIQUE INDEX groups_team_seq ON groups (team_id, seq)",
            "CREATE UNIQUE INDEX groups_team_display_name_key ON groups (team_id, display_name_key)",
            "CREATE INDEX groups_team_external_id_seq ON groups (team_id, external_id, seq)",
            // One row per membership, ordered within its group by seq. Deleting a group or a user deletes its
            // rows through the cascades, which the write connection enforces with PRAGMA foreign_keys = ON.
            """
            CREATE TABLE group_members (
                group_id TEXT NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
                user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
                display TEXT,
                type TEXT,
                seq INTEGER NOT NULL,
                PRIMARY KEY (group_id, user_id)
            ) STRICT, WITHOUT ROWID
            """,
            "CREATE INDEX group_members_group_seq ON group_members (group_id, seq)",
            "CREATE INDEX group_members_user ON group_members (user_id)",
        ]
    )

    static let searchKeys = SQLiteMigration(
        version: 4,
        summary: "folded search keys and indexes for filters and sorting",
        statements: [
            // display_name_key and search_keys hold what UserSearchKeys computes: the folded displayName and a
            // JSON document of the attributes that have no column, so that filters compare them in SQL.
            "ALTER TABLE users ADD COLUMN display_name_key TEXT",
            "ALTER TABLE users ADD COLUMN search_keys TEXT",
            // Prefix filters (sw) on userName and id scan a range of these; the unique indexes serve eq.
            "CREATE INDEX users_team_user_name_key ON users (team_id, user_name_key)",
            "CREATE INDEX users_team_id ON users (team_id, id)",
            "CREATE INDEX groups_team_id ON groups (team_id, id)",
            "CREATE INDEX users_team_external_id_seq ON users (team_id, external_id, seq)",
            "CREATE INDEX users_team_display_name_key_seq ON users (team_id, display_name_key, seq)",
            // One row per e-mail address of a user, with its folded value, for indexed emails.value filters.
            """
            CREATE TABLE user_emails (
                user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
                position INTEGER NOT NULL,
                team_id INTEGER NOT NULL,
                value_key TEXT NOT NULL,
                PRIMARY KEY (user_id, position)
            ) STRICT, WITHOUT ROWID
            """,
            "CREATE INDEX user_emails_team_value_key ON user_emails (team_id, value_key)",
            // The folded display and type of a membership; NULL when the client sent none.
            "ALTER TABLE group_members ADD COLUMN display_key TEXT",
            "ALTER TABLE group_members ADD COLUMN type_key TEXT",
        ],
        backfill: { connection throws(SCIMError) in
            let users = try connection.query(
                "SELECT \(SQLiteTransaction.userColumns) FROM users AS u", [], row: SQLiteTransaction.decodeUser)
            for user in users {
                try SQLiteTransaction.storeSearchKeys(of: user, on: connection)
            }
            let memberships = try connection.query(
                "SELECT group_id, user_id, display, type FROM group_members WHERE display IS NOT NULL OR type IS NOT NULL"
            ) { (groupID: $0.text(0), userID: $0.text(1), display: $0.nullableText(2), type: $0.nullableText(3)) }
            for membership in memberships {
                try connection.execute(
                    "UPDATE group_members SET display_key = ?, type_key = ? WHERE group_id = ? AND user_id = ?",
                    [
                        .nullableText(membership.display.map(FilterResolver.fold)),
                        .nullableText(membership.type.map(FilterResolver.fold)), .text(membership.groupID),
                        .text(membership.userID),
                    ])
            }
        }
    )
}

extension SQLiteMigration {
    static let optionalActiveAndPasswords = SQLiteMigration(
        version: 3,
        summary: "users.active may be unassigned (NULL), users.password_hash, teams.inactive_count",
        statements: [
            // inactive_count counts the users whose active is false, as active_count counts those whose
            // active is true; a user with active unassigned counts in neither.
            "ALTER TABLE teams ADD COLUMN inactive_count INTEGER NOT NULL DEFAULT 0",
            "UPDATE teams SET inactive_count = (SELECT count(*) FROM users WHERE team_id = teams.id AND active = 0)",
            // SQLite cannot drop a NOT NULL constraint in place, so the table is rebuilt under a new name,
            // filled, and renamed; the indexes of the first migration are created again.
            """
            CREATE TABLE users_rebuilt (
                id TEXT PRIMARY KEY,
                team_id INTEGER NOT NULL REFERENCES teams (id),
                seq INTEGER NOT NULL,
                user_name TEXT NOT NULL,
                user_name_key TEXT NOT NULL UNIQUE,
                given_name TEXT,
                family_name TEXT,
                external_id TEXT,
                active INTEGER CHECK (active IN (0, 1)),
                role TEXT NOT NULL CHECK (role IN ('admin', 'member')),
                created INTEGER NOT NULL,
                last_modified INTEGER NOT NULL,
                version INTEGER NOT NULL,
                extra TEXT,
                password_hash TEXT
            ) STRICT
            """,
            """
            INSERT INTO users_rebuilt (id, team_id, seq, user_name, user_name_key, given_name, family_name,
                external_id, active, role, created, last_modified, version, extra)
            SELECT id, team_id, seq, user_name, user_name_key, given_name, family_name, external_id, active, role,
                created, last_modified, version, extra
            FROM users
            """,
            "DROP TABLE users",
            "ALTER TABLE users_rebuilt RENAME TO users",
            "CREATE UNIQUE INDEX users_team_seq ON users (team_id, seq)",
            "CREATE INDEX users_team_active_seq ON users (team_id, active, seq)",
        ],
        rebuildsReferencedTable: true
    )
}

extension SQLiteConnection {
    /// Applies every migration that `schema_migrations` does not list, oldest first.
    ///
    /// Each migration checks and records its version inside its own BEGIN IMMEDIATE transaction, so two
    /// processes opening the same new file apply it once.
    /// - Returns: the migrations applied by this call.
    func migrate(now: Int64) throws(SCIMError) -> [SQLiteMigration] {
        try executeScript(
            "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)")
        try rejectNewerSchema()

        var applied: [SQLiteMigration] = []
        for migration in SQLiteMigration.all where try apply(migration, now: now) {
            applied.append(migration)
        }
        return applied
    }

    private func apply(_ migration: SQLiteMigration, now: Int64) throws(SCIMError) -> Bool {
        // PRAGMA foreign_keys has no effect inside a transaction, so it changes around it.
        guard migration.rebuildsReferencedTable else { return try applyInTransaction(migration, now: now) }
        try executeScript("PRAGMA foreign_keys = OFF")
        let applied: Bool
        do {
            applied = try applyInTransaction(migration, now: now)
        } catch {
            _ = try? executeScript("PRAGMA foreign_keys = ON")
            throw error
        }
        try executeScript("PRAGMA foreign_keys = ON")
        return applied
    }

    private func applyInTransaction(_ migration: SQLiteMigration, now: Int64) throws(SCIMError) -> Bool {
        try transaction(immediate: true) { () throws(SCIMError) -> Bool in
            let recorded = try queryFirst(
                "SELECT 1 FROM schema_migrations WHERE version = ?", [.integer(migration.version)]
            ) { _ in true }
            guard recorded == nil else { return false }

            for statement in migration.statements {
                try executeScript(statement)
            }
            if migration.rebuildsReferencedTable {
                let broken = try queryFirst("PRAGMA foreign_key_check") { $0.text(0) }
                if let broken {
                    throw .internalFailure("Migration \(migration.version) left a broken reference in table \(broken).")
                }
            }
            try migration.backfill?(self)
            try execute(
                "INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)",
                [.integer(migration.version), .integer(now)])
            return true
        }
    }

    /// Throws when the file was migrated by a newer build, whose schema this build cannot know.
    private func rejectNewerSchema() throws(SCIMError) {
        let latestKnown = SQLiteMigration.all.last?.version ?? 0
        let latestApplied = try queryFirst("SELECT max(version) FROM schema_migrations") { $0.nullableInteger(0) }
        guard let latestApplied = latestApplied ?? nil, latestApplied > latestKnown else { return }
        throw .internalFailure(
            "The SQLite database at \(path) has schema version \(latestApplied), but this build knows versions "
                + "up to \(latestKnown). Run a scimd at least as new as the one that last opened it.")
    }
}
